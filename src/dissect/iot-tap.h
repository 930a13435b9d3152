/* iot-tap.h — typed records that dissectors publish for the analyses.
 *
 * A dissector that has a fact in hand (the addresses and ports of a
 * conversation, an MQTT message, a CoAP transaction, a TLS handshake, an
 * expert item) queues it as a typed record with iot_tap_queue().  A
 * listener of the scan (iot-scan.h) asks for the taps it reads with
 * IOT_DISSECT_TAP (id) in its add_wanted, and reads the frame's records in
 * frame() with iot_packet_tap_records(): no tree node is made for them and
 * nobody looks a field up by name to rebuild what the dissector already
 * knew.  Records are made in every mode, the state-only first pass
 * included, whenever someone asked for their tap.
 *
 * A record lives in the packet's arena until the next frame is dissected
 * into the same packet; strings and byte ranges in it point into the
 * frame, a data source or the arena.  GLib only.
 */
#pragma once

#include <glib.h>

#include "iot-dissector.h"

G_BEGIN_DECLS

typedef enum {
  IOT_TAP_CONV,      /* IotTapConv: a link, network or transport layer's endpoints */
  IOT_TAP_MQTT,      /* IotTapMqtt: one MQTT control packet */
  IOT_TAP_COAP,      /* IotTapCoap: one CoAP message */
  IOT_TAP_TLS,       /* IotTapTls: one TLS/DTLS handshake message or alert */
  IOT_TAP_EXPERT,    /* IotTapExpert: one expert item (not all of them in the first pass) */
  IOT_TAP_PAYLOAD,   /* IotTapPayload: the bytes a TCP segment or UDP datagram carries */
  IOT_TAP_TLS_NOTE,  /* IotTapTlsNote: a TLS/DTLS layer begins, or its decryption note */
  IOT_TAP_TLS_DATA,  /* IotTapTlsData: one TLS record the session's keys decrypted */
  IOT_TAP_HTTP,      /* IotTapHttp: one HTTP message (or continuation text) */
  IOT_TAP_N
} IotTapId;

/* The IotDissectFlags bit that asks for a tap's records. */
#define IOT_DISSECT_TAP_SHIFT 8
#define IOT_DISSECT_TAP(id)   (1u << (IOT_DISSECT_TAP_SHIFT + (guint) (id)))
#define IOT_DISSECT_TAPS      (((1u << IOT_TAP_N) - 1u) << IOT_DISSECT_TAP_SHIFT)

/* No tcp.stream / udp.stream. */
#define IOT_TAP_NO_STREAM G_MAXUINT32

typedef enum {
  IOT_TAP_LAYER_ETH,
  IOT_TAP_LAYER_IPV4,
  IOT_TAP_LAYER_IPV6,
  IOT_TAP_LAYER_TCP,
  IOT_TAP_LAYER_UDP,
  IOT_TAP_N_LAYERS
} IotTapLayer;

/* One layer of the frame's own traffic (not the packet an ICMP error
 * quotes), as tshark's conversation taps see it.  Transport layers carry
 * the addresses of the network layer below them.  @cut: the layer ended
 * early (truncated or malformed) and tshark counts nothing for it. */
typedef struct {
  guint8   layer;               /* IotTapLayer */
  gboolean cut;
  IotAddress src, dst;
  guint16  sport, dport;        /* TCP and UDP */
  guint32  stream;              /* tcp.stream / udp.stream, else IOT_TAP_NO_STREAM */
  guint    depth;               /* layer nesting, for the cut */
} IotTapConv;

/* One MQTT control packet.  The connection it travels on is the frame's
 * TCP conversation record. */
typedef struct {
  guint8        type;           /* mqtt.msgtype, 1 CONNECT … 15 AUTH */
  guint8        version;        /* protocol level in force on the connection (3, 4, 5), 0: unknown */
  gint8         qos;            /* PUBLISH; -1: the packet has none */
  gboolean      dup, retain;
  gint32        msgid;          /* -1: none */
  const char   *topic;          /* PUBLISH: the topic (alias resolved); NULL: none */
  const guint8 *source;         /* the message's first byte (frame or reassembled bytes) */
  guint32       payload_offset, payload_len;   /* PUBLISH payload, from @source; len: as sent */
} IotTapMqtt;

/* One CoAP message; @request_frame / @response_frame pair a request and
 * its response (0: not found; a request learns its response's frame only
 * after the first pass has seen it). */
typedef struct {
  guint8        type;           /* 0 CON, 1 NON, 2 ACK, 3 RST, 4 none (over TCP/TLS) */
  guint8        code;
  guint16       mid;
  const guint8 *token;
  guint8        token_len;
  const char   *uri;            /* a request's Uri-*, a response's request's; NULL: none */
  guint32       request_frame, response_frame;
  gboolean      retransmission; /* a request or CON/NON response seen before */
} IotTapCoap;

/* One TLS or DTLS handshake message or alert in the clear. */
typedef struct {
  guint8      content_type;     /* 22 handshake, 21 alert */
  guint8      handshake_type;   /* handshake: 1 ClientHello, 2 ServerHello … */
  guint16     handshake_version;/* a hello's legacy version (DTLS: also a HelloVerifyRequest's), else 0 */
  guint16     cipher;           /* ServerHello: the suite chosen, else 0 */
  guint16     supported_version;/* ClientHello: the newest supported_versions entry (no GREASE);
                                 * ServerHello: the version chosen; 0: none */
  const char *sni;              /* ClientHello: the first server_name; NULL: none */
  guint8      alert_level, alert_description;   /* alert */
} IotTapTls;

/* One expert item.  @info: the registered item (IotExpertInfo), NULL for
 * one made without a table entry. */
typedef struct {
  gconstpointer info;
  guint8        severity;       /* IotSeverity */
  guint8        group;          /* IotExpertGroup */
  const char   *protocol;       /* abbreviation of the layer that added it */
  const char   *message;        /* the text the tree shows (the packet's); NULL: none */
} IotTapExpert;

/* The data a TCP segment or UDP datagram of the frame's own traffic
 * carries (not the copy an ICMP error quotes), for following a stream:
 * its stream, where the bytes are, and for TCP the raw sequence number of
 * the first byte.  Published only for a segment with data on a known
 * stream.  The sender is the frame's TCP/UDP conversation record. */
typedef struct {
  guint8        layer;          /* IOT_TAP_LAYER_TCP or IOT_TAP_LAYER_UDP */
  guint8        source;         /* data source of @data: 0 the frame, else a rebuilt one */
  gboolean      has_seq;        /* TCP */
  guint32       stream;         /* tcp.stream / udp.stream */
  guint32       seq;            /* tcp.seq_raw of the first byte */
  const guint8 *data;           /* the first byte */
  guint32       offset;         /* of @data within its data source */
  guint32       length;         /* bytes captured (tcp.payload / udp.payload's length) */
} IotTapPayload;

/* What a TLS or DTLS layer says about its session's decryption, in
 * dissection order: a LAYER note where a layer begins (its protocol item),
 * then a SECRET or FAILURE note on the first protected record of a
 * direction, as tls.decryption.secret / .failure (hidden fields) say:
 * which secret decrypted it, or why none did.  The session is the
 * frame's TCP or UDP conversation record. */
typedef enum {
  IOT_TAP_TLS_NOTE_LAYER,
  IOT_TAP_TLS_NOTE_SECRET,
  IOT_TAP_TLS_NOTE_FAILURE,
} IotTapTlsNoteKind;

typedef struct {
  guint8      kind;             /* IotTapTlsNoteKind */
  gboolean    dtls;
  const char *text;             /* SECRET: the kind of secret; FAILURE: the reason; LAYER: NULL */
} IotTapTlsNote;

/* One TLS record (not DTLS) decrypted with the session's keys, in the
 * order of the records: its real content type (TLS 1.3's inner one) and,
 * for application data, the plaintext this record brings (as
 * tls.decrypted_app_data: without the start of a message earlier records
 * carried in).  The connection is the frame's TCP conversation record. */
typedef struct {
  guint8        content_type;   /* 23 application data, 22 handshake, 21 alert … */
  guint8        from_client;    /* 1: from the side that sent the ClientHello, 0: the other, 2: not known */
  const guint8 *data;           /* application data: the plaintext; else NULL */
  guint32       length;
} IotTapTlsData;

/* One HTTP/1.x message, or text that starts none (a continuation), in
 * dissection order; @nested: carried inside another protocol's item
 * rather than as a layer of the frame's own.  @data is the message as it
 * travelled, as much of it as there is (a data source: the frame, the
 * reassembled or decrypted bytes); its header block (start line, headers
 * and the blank line) is its first @header_length bytes, all of them when
 * the headers did not end.  @body is what http.file_data shows: the body
 * as HTTP decoded it (chunks joined). */
typedef struct {
  gboolean      request;        /* a request line; FALSE: a status line or a continuation */
  gboolean      continuation;
  gboolean      nested;
  const guint8 *data;
  guint32       length;
  guint32       line_length;    /* the start line, without its line end; 0: continuation */
  guint32       header_length;
  const guint8 *body;           /* NULL: no body */
  guint32       body_length;
} IotTapHttp;

/* Whether someone asked for @tap's records in this dissection: a
 * dissector tests it before building a record that costs anything. */
gboolean      iot_tap_wanted (IotPacket *pkt, IotTapId tap);
/* Queues a copy of @record (the struct of @tap's type) for the listeners;
 * nothing when nobody asked for @tap. */
void          iot_tap_queue (IotPacket *pkt, IotTapId tap, gconstpointer record);
/* The current layer's conversation record counts nothing after all (an
 * IPv6 fragment not reassembled in this frame). */
void          iot_tap_cut (IotPacket *pkt);
/* The records queued for @tap in this frame, in dissection order; @n_out
 * receives their count.  The array is the packet's. */
gconstpointer const *iot_packet_tap_records (IotPacket *pkt, IotTapId tap, guint *n_out);

G_END_DECLS
