/* iot-insight.h — what a capture says about the IoT devices in it, beyond
 * packet-by-packet decoding: an MQTT topic tree with publication periods
 * and gaps, client sessions, request/response latencies, expert diagnoses
 * explained in plain language, a security audit, a behaviour baseline to
 * compare later captures with, and a comparison of two captures of the
 * same traffic taken at two points of the network.  GLib + json-glib only.
 *
 * Everything is computed in one pass over the frames (one dissection per
 * frame, asking only for the fields needed here); the findings are then
 * derived from the collected facts when the pass ends.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "iot-engine.h"
#include "iot-readings.h"
#include "iot-scan.h"

G_BEGIN_DECLS

/* ---- findings ------------------------------------------------------------ */

typedef enum {
  IOT_INSIGHT_DIAGNOSIS,    /* something went wrong or looks odd */
  IOT_INSIGHT_SECURITY,     /* a weakness an attacker could use */
  IOT_INSIGHT_DEVIATION,    /* differs from a saved baseline */
} IotInsightKind;

/* One finding.  @id is stable and machine-readable ("mqtt-reset-reconnect",
 * "periodic-gap", "chatty-device", "mqtt-unacknowledged", "mqtt-dup",
 * "mqtt-keepalive", "mqtt-connack-refused", "mqtt-error-reason",
 * "coap-retransmission", "coap-unanswered", "tcp-retransmissions",
 * "tcp-zero-window", "dns-failure", "malformed", "cleartext",
 * "cleartext-credentials", "weak-tls-version", "weak-cipher",
 * "external-peer", "new-device", "new-topic", "new-peer", "rate-change",
 * "new-message-type", "tls-decrypted", "tls-not-decrypted"). */
typedef struct {
  IotInsightKind kind;
  const char    *id;
  IotSeverity    severity;
  char          *subject;       /* the device, topic, flow … it is about */
  char          *summary;       /* one line */
  char          *explanation;   /* 2–4 sentences for a student */
  GArray        *frames;        /* guint32 evidence frames, ascending */
  GArray        *related;       /* guint32 frames of a second list (e.g. messages at risk) */
  const char    *related_label; /* what @related holds; NULL when empty */
  const char    *confidence;    /* "high", "medium", "low"; NULL: not stated (a fact, not an inference) */
  char          *confirm;       /* what would confirm the diagnosis; NULL: nothing to add */
} IotInsightItem;

/* ---- distributions ------------------------------------------------------- */

typedef struct {
  guint  count;
  double min, median, p95, max;   /* seconds (or the unit of the values) */
} IotDistribution;

/* ---- MQTT ----------------------------------------------------------------- */

typedef struct {
  char      *topic;
  guint64    messages;        /* PUBLISH messages with this topic, either direction */
  guint64    published;       /* of them, sent by a client to the broker */
  guint64    delivered;       /* of them, sent by the broker to a subscriber */
  guint64    bytes;           /* payload bytes of all of them */
  guint64    qos[3];
  guint64    retained;
  GPtrArray *publishers;      /* char *: client ids (or address:port) */
  GPtrArray *subscribers;     /* char *: who received it or subscribed to a matching filter */
  double     rate_per_min;    /* published per minute over the capture */
  double     period_s;        /* median interval between publications; < 0: not periodic */
  double     jitter_s;        /* median distance of the intervals from the period */
  guint      gaps;
} IotTopicStats;

typedef struct {
  char    *client_id;
  char    *client;            /* "127.0.0.1:40212" */
  char    *broker;
  guint32  stream;            /* tcp.stream */
  guint32  connect_frame;
  guint32  connack_frame;     /* 0: none */
  gint     connack_code;      /* -1: none; 3.1.1 return code or 5.0 reason code */
  guint    keepalive_s;
  gint64   start_ns, end_ns;  /* relative to the capture's first frame */
  guint32  end_frame;         /* 0: still open at the end of the capture */
  const char *end_reason;     /* "DISCONNECT", "RST", "FIN", "open" */
  double   longest_silence_s; /* longest time without an MQTT message from the client */
  guint32  silence_from, silence_to;  /* frames around that silence */
  guint    reconnect;         /* 0: the client's first session, n: the n-th reconnection */
  gboolean closed_by_broker;  /* the broker ended it (DISCONNECT, FIN or RST from its side) */
  guint64  sent, received;    /* MQTT messages */
} IotMqttSession;

typedef struct _IotInsight IotInsight;

/* Runs the whole analysis over the frames the engine's first pass covered. */
IotInsight   *iot_insight_analyze (IotEngine *engine, GCancellable *cancellable, GError **error);
void          iot_insight_free (IotInsight *insight);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotInsight, iot_insight_free)

/* The same in steps, for callers that already dissect every frame in
 * order: add what must be dissected, feed each frame, then finish. */
IotInsight   *iot_insight_new (void);
void          iot_insight_add_wanted (IotInsight *insight, IotFieldSet *wanted);
void          iot_insight_add_packet (IotInsight *insight, IotPacket *pkt);
void          iot_insight_finish (IotInsight *insight);
/* The same three as a scan listener (instance: an IotInsight), so that
 * the insight can share one walk over the frames with other analyses. */
extern const IotScanListener iot_insight_listener;
/* The capture's name in reports (the file's base name). */
void          iot_insight_set_capture_path (IotInsight *insight, const char *path);
/* The engine whose frames the insight hears (not owned; it must outlive
 * the insight's finish).  The listener may hear the engine's first pass
 * (iot_scan_attach_first_pass), where no dissector knows yet which QoS
 * 1/2 PUBLISH will never be acknowledged: at the end the insight asks the
 * engine about the few PUBLISHes it saw no answer to.  Without an engine
 * those count as unacknowledged. */
void          iot_insight_set_engine (IotInsight *insight, IotEngine *engine);

/* What the insight keeps besides its findings, topics, sessions and
 * latencies: the numeric readings (the window's chart, the JSON and HTML
 * reports) and the per device, client and topic profiles (baselines).
 * Each costs work on every frame; a caller that prints only the text
 * report leaves them out.  All by default; set before the first frame. */
typedef enum {
  IOT_INSIGHT_KEEP_READINGS = 1 << 0,
  IOT_INSIGHT_KEEP_PROFILES = 1 << 1,
  IOT_INSIGHT_KEEP_ALL      = IOT_INSIGHT_KEEP_READINGS | IOT_INSIGHT_KEEP_PROFILES,
} IotInsightKeep;
void          iot_insight_set_keep (IotInsight *insight, IotInsightKeep keep);

guint                 iot_insight_n_items (IotInsight *insight);
const IotInsightItem *iot_insight_item (IotInsight *insight, guint index);
/* The first item with @id (and, when @subject is not NULL, a subject
 * containing it), or NULL. */
const IotInsightItem *iot_insight_find (IotInsight *insight, const char *id, const char *subject);

/* Topics sorted by name. */
guint                 iot_insight_n_topics (IotInsight *insight);
const IotTopicStats  *iot_insight_topic (IotInsight *insight, guint index);
guint                 iot_insight_n_sessions (IotInsight *insight);
const IotMqttSession *iot_insight_session (IotInsight *insight, guint index);
/* PUBLISH → PUBACK/PUBREC and CoAP request → response times, in seconds. */
IotDistribution       iot_insight_mqtt_latency (IotInsight *insight);
IotDistribution       iot_insight_coap_latency (IotInsight *insight);
/* The samples behind those distributions (seconds, in capture order), for
 * plots; valid as long as @insight. */
const double         *iot_insight_mqtt_latency_samples (IotInsight *insight, guint *n);
const double         *iot_insight_coap_latency_samples (IotInsight *insight, guint *n);
/* Frames the analysis covered. */
guint32               iot_insight_n_frames (IotInsight *insight);
/* The numeric readings of the frames added (those dissected with
 * IOT_DISSECT_READINGS, as iot_insight_analyze() does), as series; owned
 * by @insight. */
IotReadings          *iot_insight_readings (IotInsight *insight);
/* From where the capture was taken (next to the clients, the servers, in
 * between), judged from TCP handshakes; NULL without one. Context for the
 * findings, not one of them. */
const IotInsightItem *iot_insight_capture_point (IotInsight *insight);

/* "s*** (6 characters)": the first character and the length only. */
char         *iot_insight_mask_secret (const char *secret);

/* ---- reports ------------------------------------------------------------------ */

/* -z insight: the MQTT view, the diagnoses and the security audit (and
 * the deviations, after a comparison with a baseline). */
void          iot_insight_print (IotInsight *insight, GString *out);
void          iot_insight_to_json (IotInsight *insight, JsonBuilder *builder);
gboolean      iot_insight_write_json (IotInsight *insight, const char *path, GError **error);
/* One self-contained page: tables and inline SVG charts. */
void          iot_insight_to_html (IotInsight *insight, GString *out);
gboolean      iot_insight_write_html (IotInsight *insight, const char *path, GError **error);

/* ---- baseline ------------------------------------------------------------------- */

/* Per device and per topic: rates, sizes, message types, timing, peers. */
void          iot_insight_baseline (IotInsight *insight, JsonBuilder *builder);
gboolean      iot_insight_save_baseline (IotInsight *insight, const char *path, GError **error);
/* Compares with a saved baseline; the deviations become items of kind
 * IOT_INSIGHT_DEVIATION (replacing those of an earlier comparison).
 * Returns how many, or -1 with @error set. */
gint          iot_insight_compare_baseline (IotInsight *insight, const char *path, GError **error);

/* ---- two capture points ------------------------------------------------------------ */

typedef struct {
  char            *flow;          /* "tcp 10.77.1.2:40212 ↔ 10.77.2.2:1883" (as seen at A) */
  guint            both, only_a, only_b;
  GArray          *only_a_frames; /* guint32 frame numbers in A */
  GArray          *only_b_frames; /* guint32 frame numbers in B */
  IotDistribution  delay_ab;      /* seen first at A, then at B: B − A */
  IotDistribution  delay_ba;      /* seen first at B, then at A: A − B */
  guint            reordered;     /* frames of a direction that arrived out of order */
} IotCompareFlow;

typedef struct _IotCompare IotCompare;

/* Matches the frames of two captures of the same traffic by IP id,
 * transport header facts that routers keep (TCP sequence number and flags)
 * and a hash of the payload; addresses and ports too unless @nat (then, and
 * whenever no exact match exists, they are ignored).  TTL / hop limit and
 * checksums never count. */
IotCompare           *iot_compare_new (IotEngine *a, IotEngine *b, gboolean nat, GError **error);
void                  iot_compare_free (IotCompare *compare);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotCompare, iot_compare_free)
void                  iot_compare_print (IotCompare *compare, GString *out);
void                  iot_compare_to_json (IotCompare *compare, JsonBuilder *builder);

G_END_DECLS
