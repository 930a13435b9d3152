/* iot-cli-private.h — what the files of iotscope-cli share: the options,
 * the renderer of the second pass, and the entry points of each concern. */
#pragma once

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gcrypt.h>
#include <pcap/pcap.h>

#include "iot-engine.h"
#include "iot-export.h"
#include "iot-filter.h"
#include "iot-glossary.h"
#include "iot-follow.h"
#include "iot-live.h"
#include "iot-privileges.h"
#include "iot-follow-mqtt.h"
#include "iot-print.h"
#include "iot-resolve.h"
#include "iot-stats.h"
#include "iot-stats-trees.h"
#include "iot-insight.h"
#include "iot-readings.h"
#include "iot-cli-prefs.h"
#include "iot-cli-exercise.h"
#include "iot-cli-stream.h"
#include "iot-cli-linktypes.h"

#include <sys/stat.h>

G_BEGIN_DECLS

typedef enum {
  OUTPUT_SUMMARY,
  OUTPUT_FIELDS,
  OUTPUT_JSON,
  OUTPUT_EK,
  OUTPUT_TEXT,
  OUTPUT_PSML,
  OUTPUT_PDML,
} OutputFormat;

typedef struct {
  char           *read_file;
  gint            count;
  gboolean        verbose;
  gboolean        hex;
  gboolean        quiet;
  char           *output_type;
  char          **field_names;
  char          **field_options;
  char           *display_filter;
  char           *read_filter;
  gboolean        two_pass;
  char          **decode_as;
  char          **statistics;
  char           *glossary;
  gboolean        glossary_requested;
  OutputFormat    format;
  IotFieldsFormat fields_format;
  /* Live capture. */
  gboolean        list_interfaces;
  gboolean        list_link_types;  /* -L */
  char          **interfaces;
  char           *capture_filter;
  gboolean        no_promiscuous;
  gboolean        monitor;
  gint            snaplen;
  gint            buffer_mib;
  char           *write_file;
  char          **autostop;
  char          **ring_buffer;
  gboolean        print_when_writing;
  char           *write_format;     /* -F pcap|pcapng */
  IotTimeStyle    time_style;       /* -t, -u */
  gboolean        line_buffered;    /* -l */
  gboolean        quiet_stderr;     /* -Q */
  char           *separator;        /* -S */
  gboolean        version;          /* -v */
  gboolean        tabs;             /* -T tabs */
  char           *detail_protocols; /* -O */
  char           *json_filter;      /* -j */
  char           *json_top_filter;  /* -J */
  gboolean        no_duplicate_keys;
  char           *mapping_filter;   /* --elastic-mapping-filter */
  char          **disable_protocols;
  char          **enable_protocols;
  char           *capture_name;     /* -r as given, for -T pdml's header */
} CliOptions;

/* IoT insight options (see iot-cli-stats.c). */
typedef struct {
  gboolean  text;              /* -z insight */
  char     *report_json;
  char     *report_html;
  char     *save_baseline;
  char     *compare_baseline;
  char    **compare;           /* --compare A.pcap [B.pcap] */
  gboolean  compare_nat;
} InsightOptions;

/* Everything one thread needs to turn frames into output. */
typedef struct {
  IotEngine         *engine;
  IotFile           *file;
  IotDissectOptions  options;
  IotPacket         *pkt;
  IotFilter         *display;
  IotFilter         *read;
  /* The filters' fields alone: a frame is first dissected with only
   * these, and again with everything the output needs only when it
   * passes (see filter_first_pays ()). */
  IotFieldSet       *filter_fields;
  gboolean           filter_first;
  IotFieldsPrinter  *printer;
  GPtrArray         *fields;
  guint32            prev_displayed;
  gboolean           sequential;     /* prev_displayed follows the filter */
  gboolean           wants_time_column;  /* _ws.col.Time is read: -t formats it */
  char               time_text[64];
} Renderer;

/* Frames a worker of the second pass renders at a time. */
#define CHUNK_FRAMES 2048

/* -z follow requests (iot-cli-stats.c). */
typedef struct {
  IotFollowProtocol protocol;
  IotFollowMode     mode;
  guint32           stream;
  gboolean          mqtt;     /* follow,mqtt,N: the MQTT messages of TCP stream N */
} FollowRequest;

/* A live capture (or -r - from a pipe) printed as the file grows. */
typedef struct {
  GMainLoop         *loop;
  gboolean           print;          /* dissect and print each frame */
  gboolean           show_count;     /* a running count on a terminal */
  IotDissectOptions  options;
  GPtrArray         *fields;
  /* The file being printed; a ring buffer switch starts a new one. */
  IotFile           *file;
  IotEngine         *engine;
  Renderer          *renderer;
  guint              file_number;
  guint32            printed;        /* frames of this file rendered */
  GString           *out;
  gboolean           first_json;
  guint64            captured;
  GError            *error;
  gboolean           stopping;
  guint64            copied;         /* -w -: bytes of the file sent to standard output */
} LiveRun;

G_GNUC_INTERNAL extern CliOptions opts;
G_GNUC_INTERNAL extern InsightOptions insight_opts;
G_GNUC_INTERNAL extern const GOptionEntry insight_entries[];
G_GNUC_INTERNAL extern IotScan *taps;
G_GNUC_INTERNAL extern gboolean taps_in_first_pass;

/* Options, messages, the read of a file (iot-cli.c). */
G_GNUC_INTERNAL int fail (const char *fmt, ...) G_GNUC_PRINTF (1, 2);
G_GNUC_INTERNAL void warn (const char *fmt, ...) G_GNUC_PRINTF (1, 2);
G_GNUC_INTERNAL void flush_out (GString *out);
G_GNUC_INTERNAL gboolean parse_output_type (GError **error);
G_GNUC_INTERNAL GPtrArray *resolve_fields (GError **error);
G_GNUC_INTERNAL int run (void);

/* The second pass: filters, rendering, output (iot-cli-render.c). */
G_GNUC_INTERNAL IotFilter *compile_filter (const char *text, gboolean *ok);
G_GNUC_INTERNAL Renderer *renderer_new (IotEngine *engine, const IotDissectOptions *options, GPtrArray *fields, gboolean sequential);
G_GNUC_INTERNAL void renderer_free (Renderer *r);
G_GNUC_INTERNAL gboolean render_frame (Renderer *r, guint32 number, GString *out);
G_GNUC_INTERNAL void write_out (GString *out, gboolean *first_json);
G_GNUC_INTERNAL guint32 render_parallel (IotEngine *engine, const IotDissectOptions *options, GPtrArray *fields, guint32 n, guint n_threads, gboolean *first_json);
/* Before the first pass: has it mark the frames that may pass the filters. */
G_GNUC_INTERNAL void keep_frame_marks (IotEngine *engine, IotFilter *display, IotFilter *read);
G_GNUC_INTERNAL void setup_output (IotDissectOptions *options, IotFieldSet *wanted, GPtrArray *fields, IotFilter *display, IotFilter *read, GString *out);

/* Statistics, -z dispatch, the insight and --compare (iot-cli-stats.c). */
G_GNUC_INTERNAL void print_readings (void);
G_GNUC_INTERNAL gboolean parse_statistics (GArray *follows, GError **error);
G_GNUC_INTERNAL gboolean print_follows (IotEngine *engine, GArray *follows);
G_GNUC_INTERNAL gboolean taps_requested (void);
G_GNUC_INTERNAL gboolean taps_need_all_frames (void);
G_GNUC_INTERNAL gboolean first_pass_threaded (void);
G_GNUC_INTERNAL void create_taps (IotEngine *engine, IotFilter *read, guint32 n);
G_GNUC_INTERNAL void prepare_stats (IotDissectOptions *options, IotFieldSet *wanted, gboolean *sequential);
G_GNUC_INTERNAL void print_stats (void);
G_GNUC_INTERNAL gboolean insight_requested (void);
G_GNUC_INTERNAL gboolean run_insight (void);
G_GNUC_INTERNAL int run_compare (int argc, char **argv);

/* Live capture, -D and -L (iot-cli-live.c). */
G_GNUC_INTERNAL int list_interfaces (void);
G_GNUC_INTERNAL int list_link_types (void);
G_GNUC_INTERNAL void live_close_file (LiveRun *run);
G_GNUC_INTERNAL void live_print (LiveRun *run, const IotLiveBatch *batch);
G_GNUC_INTERNAL int run_live (void);

/* Standard input from a pipe (iot-cli-stdin.c). */
G_GNUC_INTERNAL gboolean can_stream_stdin (void);
G_GNUC_INTERNAL int run_stream (void);

G_END_DECLS
