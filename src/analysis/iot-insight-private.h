/* iot-insight-private.h — what iot-insight.c collects, shared with the
 * reports, the baseline and the capture comparison (iot-insight-report.c). */
#pragma once

#include <stdlib.h>

#include "iot-insight.h"
#include "iot-tls-sessions.h"

G_BEGIN_DECLS

enum {
  F_IP, F_IP_ID, F_IPV6, F_ICMP, F_ICMPV6,
  F_TCP, F_TCP_STREAM, F_TCP_SEQ_RAW, F_TCP_ACK_RAW, F_TCP_LEN, F_TCP_FLAGS,
  F_TCP_RETRANS, F_TCP_FAST_RETRANS, F_TCP_SPURIOUS, F_TCP_ZERO_WINDOW, F_TCP_PAYLOAD,
  F_TCP_LOST_SEGMENT, F_TCP_OUT_OF_ORDER, F_TCP_DUP_ACK,
  F_UDP, F_UDP_PAYLOAD,
  F_MQTT,
  /* MQTT fields of one message: keep F_MQTT_TYPE … F_MQTT_DUP_OF together. */
  F_MQTT_TYPE, F_MQTT_QOS, F_MQTT_DUP, F_MQTT_RETAIN, F_MQTT_MSGID, F_MQTT_TOPIC, F_MQTT_MSG,
  F_MQTT_CLIENTID, F_MQTT_USERNAME, F_MQTT_PASSWD, F_MQTT_KALIVE, F_MQTT_CONACK, F_MQTT_CONNACK_RC,
  F_MQTT_PUBACK_RC, F_MQTT_PUBREC_RC, F_MQTT_PUBREL_RC, F_MQTT_PUBCOMP_RC, F_MQTT_SUBACK_RC,
  F_MQTT_SUBACK_QOS, F_MQTT_UNSUBACK_RC, F_MQTT_DISCONNECT_RC, F_MQTT_AUTH_RC,
  F_MQTT_RESPONSE_TIME, F_MQTT_DUP_OF,
  F_COAP, F_COAP_TYPE, F_COAP_CODE, F_COAP_MID, F_COAP_RESPONSE_TIME, F_COAP_REQ_FIRST,
  F_COAP_RESP_FIRST, F_COAP_URI, F_COAP_TOKEN, F_COAP_OBSERVE, F_COAP_OPT_NAME, F_COAP_BLOCK_NUMBER,
  F_COAP_BLOCK_MORE, F_COAP_BLOCK_SIZE,
  F_DNS, F_DNS_RESPONSE, F_DNS_RCODE, F_DNS_QNAME,
  F_HTTP, F_HTTP_METHOD, F_HTTP_AUTH, F_HTTP_RESPONSE, F_HTTP_URI,
  F_TLS, F_TLS_HS_TYPE, F_TLS_HS_VERSION, F_TLS_CIPHER, F_TLS_SV,
  F_DTLS, F_DTLS_HS_TYPE, F_DTLS_HS_VERSION, F_DTLS_CIPHER, F_DTLS_SV,
  F_TLS_ALERT_LEVEL, F_TLS_ALERT_DESC, F_X509_UTCTIME, F_X509_DNSNAME, F_TLS_SNI, F_NTP_MODE,
  F_ARP_OPCODE, F_ARP_SPA, F_ARP_TPA, F_DHCP_TYPE, F_DHCP_MAC, F_DHCP_REQUESTED, F_DHCP_XID,
  F_ICMP_TYPE, F_ICMP_CODE, F_ICMPV6_TYPE,
  F_MALFORMED,
  F_REASSEMBLY_ERROR,
  F_MQTT_UNACKED,
  N_F
};

/* The type of a CoAP message over TCP or TLS, which has none. */
#define COAP_TYPE_NONE 4

typedef struct {
  const IotField *f[N_F];
  gint16         *map;      /* registry id → our index, -1 */
  guint           n_map;
} InsightFields;

/* What one frame says, as the rules need it (filled by read_frame). */
typedef struct {
  guint8   type;
  gint8    qos;
  gboolean dup, retain, unanswered;
  gint32   msgid;
  char    *topic;               /* several SUBSCRIBE filters: '\n'-separated */
  guint    payload_len;
  const char *client_id, *username, *passwd;
  gboolean has_username, has_passwd;
  gint     keepalive;           /* -1: none */
  gint     connack;             /* -1: none */
  gint     error_rc;            /* first reason code >= 0x80 (5.0), -1: none */
  const char *error_field;
  gint64   response_time_ns;    /* -1: none */
  guint32  dup_of;
} MqttMsg;

typedef struct {
  guint8  type;   /* 0 handshake type */
  guint16 version, cipher, max_sv;
  gboolean has_cipher;
} TlsHs;

typedef struct {
  guint32  number;
  gint64   rel_ns;
  gboolean first_pass;          /* heard in the first pass: no mqtt.publish.unacknowledged yet */
  guint32  wirelen;
  IotAddress src, dst;
  guint16  sport, dport;
  guint8   l4;                  /* 6 TCP, 17 UDP, 0 other */
  gboolean ip, quoted;
  guint32  ip_id;
  gboolean has_stream;
  guint32  stream;
  guint32  seq_raw, ack_raw, tcp_len;
  guint16  tcp_flags;
  gboolean retrans, zero_window;
  gboolean reassembly_error;     /* bytes TCP could not fit into their message */
  gboolean loss_sign;           /* a retransmission, a segment not captured, out of order, a duplicate ACK */
  guint    payload_len;
  /* Applications. */
  GArray  *mqtt;                /* MqttMsg */
  gboolean coap;
  guint    coap_type, coap_code, coap_mid;   /* coap_type: 0-3, COAP_TYPE_NONE over TCP/TLS */
  gint64   coap_response_time;  /* -1: none */
  gboolean coap_retrans;
  const char *coap_uri;
  const guint8 *coap_token;
  guint    coap_token_len;
  gint64   coap_observe;        /* -1: no Observe option */
  guint    coap_block_option;   /* 1: Block1, 2: Block2, 0: none */
  guint32  coap_block_number;
  gboolean coap_block_more;
  guint    coap_block_size;     /* bytes */
  guint    coap_next_block;     /* while reading: the option a Block Number belongs to */
  gint     quoted_coap_mid;     /* the CoAP message an ICMP error quotes, -1: none */
  gboolean dns, dns_response;
  gint     dns_rcode;
  const char *dns_qname;
  gboolean http, http_response;
  const char *http_method, *http_auth, *http_uri;
  gboolean tls, dtls;
  GArray  *hs;                  /* TlsHs */
  const char *malformed;        /* the protocol that broke */
  /* TLS failures: alerts, the first certificate's validity and names, SNI. */
  guint8   n_alerts, alert_level[4], alert_desc[4];
  guint8   n_x509_times, n_x509_names;
  const char *x509_times[2];    /* notBefore, notAfter of the first certificate */
  const char *x509_names[4];    /* its subjectAltName DNS names */
  const char *sni;
  gint     ntp_mode;            /* -1: not NTP */
  gint     arp_op;              /* -1: not ARP */
  guint32  arp_spa, arp_tpa;    /* sender and target IPv4 addresses, host order */
  gint     dhcp_type;           /* DHCP message type, -1: not DHCP */
  guint8   dhcp_mac[6];
  gboolean has_dhcp_mac;
  guint32  dhcp_requested;      /* requested IP address option, 0: none */
  guint32  dhcp_xid;            /* transaction ID */
  gint     icmp_type, icmp_code, icmpv6_type;   /* -1: none */
} FrameFacts;

/* Frames collected under one key (a device, a name …). */
typedef struct {
  GArray  *frames;          /* guint32, in capture order */
  char    *label;
  gboolean answered;        /* CoAP CON: an ACK or RST came back */
  guint    more;            /* frames counted after the first ones (lists that keep only those) */
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

typedef struct _Topic {
  IotTopicStats stats;
  guint         main_count; /* messages of the busiest publisher */
  GPtrArray    *recipients; /* char *: clients the broker delivered it to */
  struct _Series *last_series;  /* the series of its last publication: most topics have one publisher */
  /* The last client added to the publishers, and to the subscribers and
   * recipients (client names live as long as the insight: the same
   * pointer is the same name, already in the lists). */
  const char   *last_publisher, *last_receiver;
} Topic;

/* The publications of one publisher on one topic. */
typedef struct _Series {
  char   *publisher;
  char   *topic;
  GArray *times;            /* gint64 ns */
  GArray *frames;           /* guint32 */
  GArray *streams;          /* guint32: the tcp.stream of each publication */
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
  GArray    *inflight;      /* InflightPublish: QoS 1/2 PUBLISHes of the client not yet answered */
  gint64     last_loss_ns;  /* last sign of loss in either direction (retransmission, gap, dup ACK) */
  gboolean   had_loss;
  guint32    last_publish_frame;   /* the client's last PUBLISH, 0: none */
  gint64     last_publish_ns;
  guint      last_publish_size;    /* its payload bytes */
  gboolean   last_publish_answered;
  GArray    *retrans;       /* guint32: TCP retransmissions, either direction */
  char      *client_endpoint;      /* the client's address:port, formatted once; NULL: not yet */
  struct _Topic *last_topic;       /* the topic of its last PUBLISH, NULL: none yet */
  /* Its last clear-text list (lists[L_CLEARTEXT]) and that list's device
   * and port: the same for every message once the client is known. */
  FrameList *cleartext_list;
  IotAddress cleartext_device;
  guint16    cleartext_port;
} Stream;

/* One topic filter of a SUBSCRIBE. */
typedef struct {
  char   *client;           /* client id (or address:port) */
  char   *filter;
  guint32 frame;            /* the SUBSCRIBE */
} Subscription;

/* First pass: a QoS 1/2 PUBLISH no answer has come to yet; at the end the
 * engine tells whether the MQTT dissector calls it unacknowledged. */
typedef struct {
  guint32  frame;
  guint    index;           /* among the frame's own MQTT messages */
  gboolean from_client;
  const char *client;       /* the sender's (or receiver's) client name then (the session's
                             * or the stream's: both live as long as the insight) */
} UnackedCandidate;

/* The PUBLISHes waiting under one key: mostly one; DUP copies in @more.
 * The key comes first: the struct is its own key in open_publishes. */
typedef struct {
  gint64           key;
  UnackedCandidate first;
  GArray          *more;    /* UnackedCandidate; NULL: none */
} OpenPublishes;

/* A QoS 1/2 PUBLISH of a client, waiting for its PUBACK/PUBREC. */
typedef struct {
  gint32  msgid;
  guint32 frame;
  gint64  rel_ns;
  guint32 seq_end;          /* TCP sequence number after the PUBLISH */
  guint   size;             /* payload bytes */
  gint64  tcp_ack_ns;       /* when the broker's TCP acknowledged it; -1: not yet */
} InflightPublish;

/* Where the time between a PUBLISH and its answer went: the network's
 * share ends with the broker's TCP ACK, the rest is the broker's. */
typedef struct {
  guint32 publish_frame, answer_frame;
  gint64  publish_ns;
  double  network_s;        /* PUBLISH → TCP ACK; < 0: no ACK seen */
  double  total_s;          /* PUBLISH → PUBACK/PUBREC */
  gint    session;
  gboolean loss;            /* the connection showed loss meanwhile: the wait may be TCP recovering */
} AckTiming;

/* A TCP connection whose start is in the capture (iot-insight-path.c). */
enum { FATE_NONE, FATE_RESET, FATE_SILENT };

typedef struct {
  IotAddress client, server;
  guint16    client_port, server_port;
  guint32    stream, syn_frame;
  gint64     syn_ns, synack_ns, ack_ns;   /* the handshake; -1: not seen */
  gint64     last_ns;
  gint64     survived_ns;      /* longest silence after which the server still answered */
  /* The client's first segment after a silence, until answered. */
  gboolean   pending;
  guint32    pending_frame;
  gint64     pending_ns, pending_idle_ns;
  guint32    pending_seq_end;
  GArray    *retrans;          /* guint32 frames */
  /* Full-size segments of the client retransmitted and never acknowledged
   * while smaller ones got through: a path MTU black hole. */
  guint32    big_seq_end;      /* end of the first full-size segment resent, 0: none */
  guint32    big_original;     /* the frame that first carried it, 0: not seen */
  guint32    sent_frame[4], sent_seq[4], sent_len[4];   /* the client's last data segments */
  guint      n_sent;
  guint32    resent[16];       /* the client's retransmissions */
  guint      n_resent;
  guint      big_resends;
  guint32    big_frames[8];
  guint      big_len;
  gboolean   big_acked, small_acked;
  /* What became of it. */
  guint      fate;
  guint32    end_frame;        /* the RST, or the last retransmission */
  guint32    fail_frame;
  gint64     fail_ns, fail_idle_ns;
} PathStream;

/* A PUBLISH right after which the broker closed the connection. */
typedef struct {
  guint32 publish_frame, end_frame;
  guint   size;             /* payload bytes */
  gint    session;
} Oversize;

/* What explains a periodic gap. */
enum {
  GAP_SLOW_ANSWER,          /* the broker answered the PUBLISH before it late */
  GAP_LOSSES,               /* TCP resent on the publisher's connection in it */
  GAP_HELD_UP,              /* the missing readings came late, together, on the same connection */
  GAP_COALESCED,            /* … all in the one segment that ends a short gap (Nagle) */
  GAP_RECONNECT,            /* the publisher's connection broke in it and a new one began */
};

/* A periodic gap that a cause found before it explains. */
typedef struct {
  guint32 before, after;    /* the publications around the gap */
  guint   ack;              /* index in IotInsight.ack_timings; GAP_SLOW_ANSWER only */
  char   *series;           /* "publisher on topic" */
  char   *topic;
  double  seconds;
  GArray *retrans;          /* guint32: TCP retransmissions on the publisher's connection
                             * inside the gap; GAP_LOSSES only */
  guint   kind;             /* GAP_* */
  guint   together;         /* GAP_HELD_UP, _COALESCED: publications that arrived together at its end */
  guint32 last_together;    /* GAP_HELD_UP, _COALESCED: the last of them */
  double  together_s;       /* GAP_HELD_UP, _COALESCED: from the first of them to the last */
  gint    ended, resumed;   /* GAP_RECONNECT: index in IotInsight.sessions of the session that
                             * broke and of the next one */
} ExplainedGap;

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

typedef struct _InsightRadio InsightRadio;

struct _IotInsight {
  InsightFields f;
  IotReadings *readings;               /* values over time, from frames dissected with IOT_DISSECT_READINGS */
  IotTlsSessions *tls_sessions;        /* decryption outcome per TLS/DTLS session */
  char        *capture_name;
  gint64       first_ns, last_ns;      /* last: relative to the first */
  guint32      n_frames;
  gboolean     finished;
  GPtrArray   *items;                  /* IotInsightItem */
  GHashTable  *topics;                 /* name → Topic */
  GPtrArray   *topic_order;            /* Topic, by name */
  GHashTable  *series;                 /* "publisher\x1ftopic" → Series */
  GHashTable  *series_by_topic;        /* topic → GPtrArray of Series; built once the series are final */
  GArray      *sessions;               /* IotMqttSession */
  GHashTable  *streams;                /* tcp.stream + 1 → Stream */
  GArray      *resets;                 /* Reset */
  GArray      *subscriptions;          /* Subscription */
  gboolean     acks_sorted;            /* ack_timings sorted by publish_frame */
  GArray      *ack_timings;            /* AckTiming */
  GArray      *explained_gaps;         /* ExplainedGap */
  GArray      *oversize;               /* Oversize */
  GHashTable  *tls_conns;              /* tcp.stream + 1 → TlsConn (iot-insight-tls-causes.c) */
  GHashTable  *ntp_clients;            /* address text → NtpCount (iot-insight-tls-causes.c) */
  IotInsightItem *capture_point;       /* from where the capture was taken; NULL: no TCP handshake */
  GArray      *first_seen_resent;      /* guint32: messages decoded from a TCP retransmission, first seen there */
  IotEngine   *engine;                 /* the frames' engine (iot_insight_set_engine); may be NULL */
  guint32      deferred_from;          /* first pass: the first frame left to a walk of its own, 0: none */
  GHashTable  *open_publishes;         /* first pass: OpenPublishes by their gint64 key (stream,
                                        * direction, answer, id) */
  GHashTable  *dhcp_clients;           /* MAC text → DhcpClient (iot-insight-network.c) */
  GHashTable  *arp_asks;               /* "sender>target" → ArpAsk */
  GHashTable  *arp_answered;           /* addresses that answered an ARP request */
  GHashTable  *paths;                  /* tcp.stream + 1 → PathStream (iot-insight-path.c) */
  InsightRadio *radio;                 /* BLE facts (iot-insight-radio.c) */
  struct _InsightWifi *wifi;           /* Wi-Fi stations and handshakes (iot-insight-wifi.c) */
  struct _InsightSparkplug *sparkplug; /* Sparkplug B sequence gaps (iot-insight-sparkplug.c) */
  guint        icmp_too_big;           /* ICMP fragmentation needed / ICMPv6 packet too big seen */
  guint        largest_answered;       /* payload bytes of the largest PUBLISH the broker answered */
  GArray      *mqtt_latency, *coap_latency;  /* double seconds */
  GHashTable  *devices;                /* address → Profile */
  GHashTable  *device_names;           /* IotAddress → DeviceName: each address formatted once */
  GHashTable  *endpoint_names;         /* address and port → "address:port", each formatted once */
  GArray      *scratch_mqtt, *scratch_hs;   /* FrameFacts' lists, reused frame after frame */
  GHashTable  *clients;                /* MQTT client → Profile */
  GHashTable  *topic_profiles;         /* topic → Profile */
  GHashTable  *lists[N_LISTS];         /* key → FrameList */
  GHashTable  *coap_cons;              /* "src>dst#mid" → FrameList */
  struct _InsightCoap *coap;           /* iot-insight-coap.c */
  gboolean     compared;               /* a baseline comparison ran */
  char        *baseline_name;
  /* iot-insight-wpan.c */
  GHashTable  *radio_devices;          /* name → RadioDevice */
  GPtrArray   *radio_order;            /* RadioDevice, first heard first */
  GHashTable  *zcl_reports;            /* "device\x1fcluster" → ReportSeries */
  GArray      *key_in_clear;           /* guint32 frames: network key readable */
  GArray      *default_key_frames;     /* guint32 frames decrypted with ZigBeeAlliance09 */
  guint32      pending_ack_frame;      /* frame waiting for its MAC ack, 0: none */
  gint         pending_ack_seq;
  guint        acks_seen;              /* MAC acknowledgements in the capture */
  char         pending_ack_src[32];
  IotInsightKeep keep;                 /* what is kept besides the findings */
  GHashTable  *cleartext_lists;        /* CleartextKey → FrameList of lists[L_CLEARTEXT] */
  GHashTable  *name_sets;              /* GPtrArray of names → set of its names (long lists only) */
};

void            insight_fields_init (InsightFields *f);
void            insight_fields_add (const InsightFields *f, IotFieldSet *wanted);
/* iot-insight-frame.c: the frames the first pass left to a walk of their own. */
void            insight_walk_deferred (IotInsight *self);
/* iot-insight-mqtt.c: the first pass's unanswered PUBLISHes, asked of the engine. */
void            insight_mqtt_resolve_unacked (IotInsight *self);
gboolean        insight_field_from_record (guint i);
char           *insight_address_text (const IotAddress *addr);
char           *insight_endpoint_text (const IotAddress *addr, guint16 port);
const char     *insight_endpoint_name (IotInsight *self, const IotAddress *addr, guint16 port);
gboolean        insight_address_is_local (const IotAddress *addr);
double          insight_percentile (const double *sorted, guint n, double p);
IotDistribution insight_distribution (GArray *values);
const char     *insight_mqtt_type_name (guint type);
/* Which subscriptions a topic can meet, without asking every one
 * (iot-insight-causes.c). */
typedef struct {
  GHashTable *literal;   /* filter without wildcards → GArray of guint: subscriptions, ascending */
  GHashTable *near;      /* near-miss key → GArray of guint: subscriptions, ascending */
  GArray     *wild;      /* guint: subscriptions with "+" or "#" (or empty), ascending */
  GString    *key;       /* scratch */
} SubIndex;
void            insight_sub_index_init (SubIndex *index, IotInsight *self);
void            insight_sub_index_clear (SubIndex *index);
/* The subscriptions whose filter may match @topic (a superset), ascending. */
void            insight_sub_index_matching (SubIndex *index, const char *topic, GArray *dest);
gboolean        insight_topic_matches (const char *filter, const char *topic);
IotInsightItem *insight_add_item (IotInsight *self, IotInsightKind kind, const char *id, IotSeverity severity,
                                  const char *subject, char *summary, char *explanation);
void            insight_item_add_frames (GArray *dest, const GArray *frames);
/* Keys of a string-keyed table, sorted. */
GPtrArray      *insight_sorted_keys (GHashTable *table);
GPtrArray      *insight_values (GHashTable *table);
const char     *insight_severity_name (IotSeverity severity);
void            insight_item_add_frame (IotInsightItem *item, guint32 frame);

/* iot-insight-causes.c: rules that correlate sessions, topics and timing. */
void            insight_causes_init (IotInsight *self);
void            insight_causes_clear (IotInsight *self);
void            insight_track_publish (IotInsight *self, Stream *st, guint32 frame, gint64 rel_ns, gint qos,
                                       gint32 msgid, guint32 seq_end, guint size);
void            insight_track_session_end (IotInsight *self, Stream *st, guint32 frame, gint64 rel_ns,
                                           gboolean by_client);
void            insight_track_broker_ack (Stream *st, gint64 rel_ns, guint32 ack);
void            insight_track_answer (IotInsight *self, Stream *st, guint32 frame, gint64 rel_ns, gint32 msgid);
gboolean        insight_explain_gap (IotInsight *self, const Series *s, guint32 before, guint32 after,
                                     double seconds);
void            insight_finish_causes (IotInsight *self);
/* Root cause first: folds the findings of kind @id whose evidence all lies
 * in @symptom_frames into @root's related frames; how many it folded. */
guint           insight_absorb_symptoms (IotInsight *self, IotInsightItem *root, const char *id,
                                         const GArray *symptom_frames);

/* iot-insight-path.c: a path that forgets idle connections (NAT, firewall). */
void            insight_path_init (IotInsight *self);
void            insight_path_clear (IotInsight *self);
void            insight_path_frame (IotInsight *self, const FrameFacts *ff);
void            insight_finish_path (IotInsight *self);

/* iot-insight-tls-causes.c: why TLS handshakes failed. */
void            insight_tls_init (IotInsight *self);
void            insight_tls_clear (IotInsight *self);
void            insight_tls_frame (IotInsight *self, const FrameFacts *ff);
void            insight_finish_tls (IotInsight *self);

/* iot-insight-network.c: a device that cannot join the network. */
void            insight_network_init (IotInsight *self);
void            insight_network_clear (IotInsight *self);
void            insight_network_frame (IotInsight *self, const FrameFacts *ff);
void            insight_finish_network (IotInsight *self);

/* iot-insight-coap.c: CoAP resets, stalled block-wise transfers, cancelled observations. */
void            insight_coap_init (IotInsight *self);
void            insight_coap_clear (IotInsight *self);
void            insight_coap_frame (IotInsight *self, const FrameFacts *ff);
void            insight_finish_coap (IotInsight *self);
/* iot-insight-wpan.c: 802.15.4 devices, retries, missing acks, Zigbee
 * joins, attribute reports and key exposure. */
void            insight_wpan_init (IotInsight *self);
void            insight_wpan_clear (IotInsight *self);
/* One frame's 802.15.4 and Zigbee records; after read_frame (@ff: the
 * frame's other facts). */
void            insight_wpan_packet (IotInsight *self, IotPacket *pkt, const FrameFacts *ff);
void            insight_finish_wpan (IotInsight *self);
/* iot-insight-radio.c: BLE advertising, connections, notifications and
 * pairing. */
void            insight_radio_init (IotInsight *self);
void            insight_radio_clear (IotInsight *self);
/* The tap records the radio modules read (802.15.4, Zigbee, radio
 * headers, 802.11, Bluetooth LE). */
void            insight_radio_add_taps (IotDissectFlags *flags);
void            insight_radio_packet (IotInsight *self, IotPacket *pkt, guint32 number, gint64 rel_ns);
void            insight_finish_radio (IotInsight *self);
/* iot-insight-wifi.c: Wi-Fi station table, weak signal, retries,
 * deauthentication storms with their reasons, failed handshakes. */
typedef struct _InsightWifi InsightWifi;
void            insight_wifi_init (IotInsight *self);
void            insight_wifi_clear (IotInsight *self);
void            insight_wifi_packet (IotInsight *self, IotPacket *pkt, guint32 number, gint64 rel_ns);
void            insight_finish_wifi (IotInsight *self);

/* iot-insight-sparkplug.c: Sparkplug B sequence gaps per edge node. */
typedef struct _InsightSparkplug InsightSparkplug;
void            insight_sparkplug_init (IotInsight *self);
void            insight_sparkplug_clear (IotInsight *self);
void            insight_sparkplug_add_taps (IotDissectFlags *flags);
void            insight_sparkplug_packet (IotInsight *self, IotPacket *pkt, guint32 number);
void            insight_finish_sparkplug (IotInsight *self);

/* iot-insight-vantage.c: from where the capture was taken. */
void            insight_vantage_clear (IotInsight *self);
void            insight_finish_vantage (IotInsight *self);

G_END_DECLS
