/* iot-print.h — text, hex, fields and JSON renderings of dissected frames,
 * in tshark's formats.  GLib + json-glib only.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "iot-engine.h"

G_BEGIN_DECLS

typedef struct {
  gboolean header;          /* -E header=y */
  char     separator[8];    /* -E separator=  (default tab) */
  char     aggregator[8];   /* -E aggregator= (default ",") */
  char     quote;           /* -E quote= : 0, '"' or '\'' */
  char     occurrence;      /* -E occurrence= : 'a' (all), 'f', 'l' */
} IotFieldsFormat;

void     iot_fields_format_init (IotFieldsFormat *format);
/* Parses one -E option ("header=y"); FALSE with @error on a bad one. */
gboolean iot_fields_format_parse (IotFieldsFormat *format, const char *option, GError **error);

/* The summary line: "    1   0.000000    127.0.0.1 → 127.0.0.1    TCP 74 …",
 * with the Time column's text made by the caller (iot_time_style_format);
 * @tabs: columns separated by tabs (-T tabs). */
void     iot_print_summary_timed (IotPacket *pkt, const char *time_text, gboolean tabs, GString *out);
/* -T psml: the header, one <packet> of column sections, the footer. */
void     iot_print_psml_header (GString *out);
void     iot_print_psml (IotPacket *pkt, const char *time_text, GString *out);
void     iot_print_psml_footer (GString *out);
/* -T pdml (iot-print-pdml.c): the header naming @capture_file (NULL: none),
 * one <packet> with every row of the tree, the footer. */
void     iot_print_pdml_header (const char *capture_file, GString *out);
void     iot_print_pdml (IotPacket *pkt, GString *out);
void     iot_print_pdml_footer (GString *out);
/* Appends @text with XML's special characters escaped as tshark does. */
void     iot_print_append_xml_text (GString *out, const char *text);

/* tshark's -t: what the Time column shows (the CLI's and the window's). */
typedef enum {
  IOT_TIME_RELATIVE,          /* r: since the first frame */
  IOT_TIME_ABSOLUTE,          /* a: local time of day */
  IOT_TIME_ABSOLUTE_DATE,     /* ad: local date and time */
  IOT_TIME_ABSOLUTE_DOY,      /* adoy: local year/day-of-year and time */
  IOT_TIME_DELTA,             /* d: since the previous captured frame */
  IOT_TIME_DELTA_DISPLAYED,   /* dd: since the previous displayed frame */
  IOT_TIME_EPOCH,             /* e: seconds since 1970 */
  IOT_TIME_UTC,               /* u: UTC time of day */
  IOT_TIME_UTC_DATE,          /* ud */
  IOT_TIME_UTC_DOY,           /* udoy */
  IOT_N_TIME_FORMATS
} IotTimeFormat;

typedef struct {
  IotTimeFormat format;
  gboolean      hms;          /* -u hms: relative and delta times as 1h  2m  5.000179s */
  int           precision;    /* decimals; -1: the capture's own (6 or 9) */
} IotTimeStyle;

void     iot_time_style_init (IotTimeStyle *style);
/* Parses -t's argument ("ad", "r", and, beyond tshark 4.0, a ".N" suffix
 * or ".N" alone for N decimals); FALSE with @error on a bad one. */
gboolean iot_time_style_parse_format (IotTimeStyle *style, const char *text, GError **error);
/* Parses -u's argument (s or hms). */
gboolean iot_time_style_parse_seconds (IotTimeStyle *style, const char *text, GError **error);
/* The Time column for a frame at @ts_ns (ns since 1970).  @reference_ns is
 * what relative and delta formats subtract (first, previous or previous
 * displayed frame); @decimals is the capture's precision, used when the
 * style has none of its own. */
void     iot_time_style_format (const IotTimeStyle *style, gint64 ts_ns, gint64 reference_ns,
                                guint decimals, char *out, gsize size);
/* -O NAMES: iot_print_tree() shows these protocols in full and only the
 * first line of the others.  Call before printing. */
void     iot_print_set_detail_protocols (const char *names);
/* The protocol tree, indented by four spaces per level (-V). */
void     iot_print_tree (IotPacket *pkt, GString *out);
/* Offset / hex / ASCII dump of every data source (-x). */
void     iot_print_hex (IotPacket *pkt, GString *out);

/* -T fields. */
typedef struct _IotFieldsPrinter IotFieldsPrinter;
IotFieldsPrinter *iot_fields_printer_new (const IotField *const *fields, guint n_fields,
                                          const IotFieldsFormat *format);
void     iot_fields_printer_free (IotFieldsPrinter *printer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotFieldsPrinter, iot_fields_printer_free)
void     iot_fields_printer_header (IotFieldsPrinter *printer, GString *out);
void     iot_fields_printer_row (IotFieldsPrinter *printer, IotPacket *pkt, GString *out);

/* -T json: one element of the top-level array. */
void     iot_print_json (IotPacket *pkt, JsonBuilder *builder);
/* -j NAMES (whole_subtrees FALSE) or -J NAMES (TRUE): -T json and -T ek
 * show the subtrees of these protocols and fields only, the others as
 * {"filtered": NAME}, as tshark does.  Call before printing. */
void     iot_print_set_protocol_filter (const char *names, gboolean whole_subtrees);
/* -T ek: the index line and the document line. */
void     iot_print_ek (IotPacket *pkt, GString *out);
/* -T json and -T ek with -e: only those fields, each as an array of its
 * values (iot-print-ek.c). */
void     iot_print_json_fields (IotPacket *pkt, const IotField *const *fields, guint n_fields,
                                JsonBuilder *builder);
void     iot_print_ek_fields (IotPacket *pkt, const IotField *const *fields, guint n_fields, GString *out);
/* "packets-YYYY-MM-DD", the index a frame's document goes to. */
char    *iot_print_ek_index_name (gint64 ts_ns);
/* The bulk request's action line, without the "_type" Elasticsearch 8
 * refuses. */
void     iot_print_ek_action (IotPacket *pkt, GString *out);
/* "2026-11-26T12:31:28.309Z": the document's time stamp. */
char    *iot_print_ek_timestamp (gint64 ts_ns);
/* Appends JSON text made by json-glib, escaping the control characters it
 * leaves raw in strings (json-glib 1.6 forgets U+001F), so the output is
 * always valid JSON. */
void     iot_print_append_json_text (GString *out, const char *json);

/* -G fields. */
void     iot_print_glossary (GString *out);

G_END_DECLS
