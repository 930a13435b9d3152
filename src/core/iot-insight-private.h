/* iot-insight-private.h — what iot-insight.c collects, shared with the
 * reports, the baseline and the capture comparison (iot-insight-report.c). */
#pragma once

#include <stdlib.h>

#include "iot-insight.h"

G_BEGIN_DECLS

enum {
  F_IP, F_IP_ID, F_IPV6, F_ICMP, F_ICMPV6,
  F_TCP, F_TCP_STREAM, F_TCP_SEQ_RAW, F_TCP_ACK_RAW, F_TCP_LEN, F_TCP_FLAGS,
  F_TCP_RETRANS, F_TCP_FAST_RETRANS, F_TCP_SPURIOUS, F_TCP_ZERO_WINDOW, F_TCP_PAYLOAD,
  F_UDP, F_UDP_PAYLOAD,
  F_MQTT,
  /* MQTT fields of one message: keep F_MQTT_TYPE … F_MQTT_DUP_OF together. */
  F_MQTT_TYPE, F_MQTT_QOS, F_MQTT_DUP, F_MQTT_RETAIN, F_MQTT_MSGID, F_MQTT_TOPIC, F_MQTT_MSG,
  F_MQTT_CLIENTID, F_MQTT_USERNAME, F_MQTT_PASSWD, F_MQTT_KALIVE, F_MQTT_CONACK, F_MQTT_CONNACK_RC,
  F_MQTT_PUBACK_RC, F_MQTT_PUBREC_RC, F_MQTT_PUBREL_RC, F_MQTT_PUBCOMP_RC, F_MQTT_SUBACK_RC,
  F_MQTT_SUBACK_QOS, F_MQTT_UNSUBACK_RC, F_MQTT_DISCONNECT_RC, F_MQTT_AUTH_RC,
  F_MQTT_RESPONSE_TIME, F_MQTT_DUP_OF,
  F_COAP, F_COAP_TYPE, F_COAP_CODE, F_COAP_MID, F_COAP_RESPONSE_TIME, F_COAP_REQ_FIRST,
  F_COAP_RESP_FIRST, F_COAP_URI,
  F_DNS, F_DNS_RESPONSE, F_DNS_RCODE, F_DNS_QNAME,
  F_HTTP, F_HTTP_METHOD, F_HTTP_AUTH, F_HTTP_RESPONSE, F_HTTP_URI,
  F_TLS, F_TLS_HS_TYPE, F_TLS_HS_VERSION, F_TLS_CIPHER, F_TLS_SV,
  F_DTLS, F_DTLS_HS_TYPE, F_DTLS_HS_VERSION, F_DTLS_CIPHER, F_DTLS_SV,
  F_MALFORMED,
  F_REASSEMBLY_ERROR,
  N_F
};

typedef struct {
  const IotField *f[N_F];
  gint16         *map;      /* registry id → our index, -1 */
  guint           n_map;
} InsightFields;

/* Frames collected under one key (a device, a name …). */
typedef struct {
  GArray  *frames;          /* guint32, in capture order */
  char    *label;
  gboolean answered;        /* CoAP CON: an ACK or RST came back */
} FrameList;

typedef struct {
  guint64 count;
  guint32 first_frame;
} Counter;

/* What a baseline keeps of a device, an MQTT client or a topic. */
typedef struct {
  char       *name;
  guint64     packets;
  guint32     first_frame;
  GArray     *sizes;        /* double: payload bytes */
  GArray     *times;        /* gint64: ns since the first frame */
  GHashTable *peers;        /* char * → Counter */
  GHashTable *types;        /* char * → Counter */
} Profile;

typedef struct {
  IotTopicStats stats;
  guint         main_count; /* messages of the busiest publisher */
} Topic;

/* The publications of one publisher on one topic. */
typedef struct {
  char   *publisher;
  char   *topic;
  GArray *times;            /* gint64 ns */
  GArray *frames;           /* guint32 */
  double  period, jitter;   /* seconds; period < 0: not periodic */
  guint   gaps;
} Series;

typedef struct {
  guint32 frame;
  gint64  rel_ns;
  guint32 seq_end;          /* TCP sequence number after the message's segment */
} Qos0;

/* A TCP connection carrying MQTT. */
typedef struct {
  gboolean   client_known;
  IotAddress client, broker;
  guint16    client_port, broker_port;
  gint       session;       /* index in sessions, -1 */
  gint64     last_client_ns;
  guint32    last_client_frame;
  guint32    broker_ack;    /* highest ACK the broker sent */
  gboolean   have_ack;
  GArray    *qos0;          /* Qos0 sent by the client */
} Stream;

typedef struct {
  guint32  frame;
  gint64   rel_ns;
  gint     session;
  gboolean by_client;
  guint32  broker_ack;
  gboolean have_ack;
  GArray  *qos0;
} Reset;

enum {
  L_CONNACK, L_DUP, L_DUP_ORIGINAL, L_UNACKED, L_MQTT_ERROR, L_COAP_RETRANS, L_TCP_RETRANS, L_ZERO_WINDOW, L_DNS,
  L_MALFORMED, L_CLEARTEXT, L_CREDENTIALS, L_TLS_VERSION, L_WEAK_CIPHER, L_EXTERNAL,
  L_READABLE,   /* "client\x1fserver" → application data readable inside (D)TLS, label: first message */
  N_LISTS
};

struct _IotInsight {
  InsightFields f;
  char        *capture_name;
  gint64       first_ns, last_ns;      /* last: relative to the first */
  guint32      n_frames;
  gboolean     finished;
  GPtrArray   *items;                  /* IotInsightItem */
  GHashTable  *topics;                 /* name → Topic */
  GPtrArray   *topic_order;            /* Topic, by name */
  GHashTable  *series;                 /* "publisher\x1ftopic" → Series */
  GArray      *sessions;               /* IotMqttSession */
  GHashTable  *streams;                /* tcp.stream + 1 → Stream */
  GArray      *resets;                 /* Reset */
  GPtrArray   *subscriptions;          /* "client\x1ffilter" */
  GArray      *mqtt_latency, *coap_latency;  /* double seconds */
  GHashTable  *devices;                /* address → Profile */
  GHashTable  *clients;                /* MQTT client → Profile */
  GHashTable  *topic_profiles;         /* topic → Profile */
  GHashTable  *lists[N_LISTS];         /* key → FrameList */
  GHashTable  *coap_cons;              /* "src>dst#mid" → FrameList */
  gboolean     compared;               /* a baseline comparison ran */
  char        *baseline_name;
};

void            insight_fields_init (InsightFields *f);
void            insight_fields_add (const InsightFields *f, IotFieldSet *wanted);
char           *insight_address_text (const IotAddress *addr);
char           *insight_endpoint_text (const IotAddress *addr, guint16 port);
gboolean        insight_address_is_local (const IotAddress *addr);
double          insight_percentile (const double *sorted, guint n, double p);
IotDistribution insight_distribution (GArray *values);
const char     *insight_mqtt_type_name (guint type);
gboolean        insight_topic_matches (const char *filter, const char *topic);
IotInsightItem *insight_add_item (IotInsight *self, IotInsightKind kind, const char *id, IotSeverity severity,
                                  const char *subject, char *summary, char *explanation);
void            insight_item_add_frames (GArray *dest, const GArray *frames);
/* Keys of a string-keyed table, sorted. */
GPtrArray      *insight_sorted_keys (GHashTable *table);
GPtrArray      *insight_values (GHashTable *table);
const char     *insight_severity_name (IotSeverity severity);

G_END_DECLS
