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
  IOT_TAP_WPAN,      /* IotTapWpan: one IEEE 802.15.4 MAC frame */
  IOT_TAP_ZIGBEE,    /* IotTapZigbee: one fact a Zigbee NWK, APS or ZCL layer read */
  IOT_TAP_RADIO,     /* IotTapRadio: what a capture header says about the radio (signal, LQI, rate) */
  IOT_TAP_WLAN,      /* IotTapWlan: one IEEE 802.11 frame */
  IOT_TAP_BTLE,      /* IotTapBtle: one Bluetooth LE link-layer packet */
  IOT_TAP_SPARKPLUG, /* IotTapSparkplug: one Sparkplug B message */
  IOT_TAP_PROTO,     /* IotTapProto: one top-level row of the tree (a layer), made or not */
  IOT_TAP_TLS_DATA,  /* IotTapTlsData: one TLS record the session's keys decrypted */
  IOT_TAP_HTTP,      /* IotTapHttp: one HTTP message (or continuation text) */
  IOT_TAP_TCP,       /* IotTapTcp: a TCP segment's header and its sequence analysis */
  IOT_TAP_DNS,       /* IotTapDns: one DNS or multicast DNS message */
  IOT_TAP_LAN,       /* IotTapLan: one ARP, DHCP or NTP message */
  IOT_TAP_CERT,      /* IotTapCert: one X.509 certificate a TLS/DTLS Certificate message carries */
  IOT_TAP_IP,        /* IotTapIp: one IPv4 or IPv6 header */
  IOT_TAP_ATT,       /* IotTapAtt: one Bluetooth ATT PDU or SMP pairing method */
  IOT_TAP_N
} IotTapId;

/* The IotDissectFlags bit that asks for a tap's records. */
#define IOT_DISSECT_TAP_SHIFT 8
#define IOT_DISSECT_TAP(id)   (1u << (IOT_DISSECT_TAP_SHIFT + (guint) (id)))
#define IOT_DISSECT_TAPS      (((1u << IOT_TAP_N) - 1u) << IOT_DISSECT_TAP_SHIFT)
/* Every tap's bit must fit the 32-bit IotDissectFlags: 8 + 24 taps at most. */
G_STATIC_ASSERT (IOT_DISSECT_TAP_SHIFT + IOT_TAP_N <= 32);

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
 * quotes, unless IOT_DISSECT_QUOTED asks for it), as tshark's
 * conversation taps see it.  Transport layers carry
 * the addresses of the network layer below them.  @cut: the layer ended
 * early (truncated or malformed) and tshark counts nothing for it. */
typedef struct {
  guint8   layer;               /* IotTapLayer */
  gboolean cut;
  IotAddress src, dst;
  guint16  sport, dport;        /* TCP and UDP */
  guint32  stream;              /* tcp.stream / udp.stream, else IOT_TAP_NO_STREAM */
  guint    depth;               /* layer nesting, for the cut */
  gboolean in_error;            /* a copy an ICMP error quotes (only with IOT_DISSECT_QUOTED) */
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
  /* Every mqtt.topic of the message in order, as the tree shows them: a
   * PUBLISH's as sent and the one its alias stands for, a SUBSCRIBE's or
   * UNSUBSCRIBE's list.  In the packet's arena. */
  const char  **topics;
  guint         n_topics;
  /* The record is queued where the message starts and filled in as it is
   * read: a message cut short (malformed, or past the snap length) keeps
   * what was read before the cut, as the tree does, and @cut says so. */
  gboolean      cut;
  gboolean      in_error;       /* a copy an ICMP error quotes, not the frame's own traffic */
  gboolean      payload_cut;    /* PUBLISH: the payload's bytes were not all captured */
  /* Strings: valid UTF-8 (U+FFFD for the rest), up to a NUL, as mqtt.* fields hold them. */
  const char   *client_id;      /* CONNECT; NULL: none */
  const char   *username;       /* CONNECT: the user name (mqtt.username); NULL: none */
  const char   *password;       /* CONNECT: the password (mqtt.passwd); NULL: none */
  gint32        keepalive;      /* CONNECT: mqtt.kalive, -1: none */
  gint16        connack;        /* CONNACK: mqtt.conack.val (3.1, 3.1.1) or mqtt.connack.reason_code, -1: none */
  gint16        error_code;     /* the first reason code >= 0x80 of a PUBACK … AUTH (a 3.1/3.1.1 SUBACK:
                                 * its first granted QoS 0x80), -1: none */
  const char   *filters;        /* SUBSCRIBE, UNSUBSCRIBE: the topic filters, '\n'-separated; NULL: none */
  gint64        response_time_ns;   /* mqtt.response_time, -1: none (an answer only, after the first pass) */
  guint32       dup_of;         /* mqtt.dup_of: the frame this copy repeats, 0: none */
  gboolean      unacknowledged; /* mqtt.publish.unacknowledged (only after the first pass) */
  /* The request/response matching, as the generated mqtt.* rows say
   * (0: no row): the frames of this message's answer, of the request it
   * answers, of the PUBLISH a PUBREL or PUBCOMP completes, of a QoS 2
   * PUBLISH's PUBCOMP; a PUBCOMP's time since its PUBLISH. */
  guint32       response_in;    /* mqtt.response_in */
  guint32       response_to;    /* mqtt.response_to */
  guint32       publish_in;     /* mqtt.publish_in */
  guint32       pubcomp_in;     /* mqtt.pubcomp_in */
  gint64        handshake_time_ns;  /* mqtt.handshake_time, -1: none */
  gboolean      response_missing;   /* mqtt.response.missing (only after the first pass) */
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
  /* The message's own Uri-Path options, each after a '/', as the
   * coap.opt.uri_path rows hold them ("/a/b"); NULL: none. */
  const char   *uri_path;
  /* Queued where the message starts and filled in as it is read (see
   * IotTapMqtt.cut): a message cut short keeps what came before the cut. */
  gboolean      cut;
  gboolean      in_error;       /* a copy an ICMP error quotes, not the frame's own traffic */
  gint64        response_time_ns;   /* coap.response_time, -1: none */
  gint64        observe;        /* coap.opt.observe, -1: no Observe option */
  /* The Block1 ([0]) and Block2 ([1]) options, the last of each kind. */
  struct {
    gboolean    present;
    gboolean    more;           /* coap.opt.block_mflag */
    guint8      szx;            /* coap.opt.block_size: the size is 16 << szx */
    guint32     number;         /* coap.opt.block_number */
  } block[2];
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
  /* Queued where a handshake message's type is read and filled in as the
   * message is read, so a message cut short (by the snap length, or as a
   * fragment never rebuilt) keeps what came before the cut, as the tree
   * does; an alert is queued whole. */
  gboolean    dtls;             /* published by DTLS, not TLS */
  gboolean    in_error;         /* a copy an ICMP error quotes, not the frame's own traffic */
  gboolean    has_cipher;       /* ServerHello: its cipher suite was read (@cipher 0 is a suite too) */
  /* A piece of a message that continues elsewhere and is not rebuilt in
   * this frame: only its type was read (the tree shows its type row). */
  gboolean    fragment;
  /* The newest supported_versions value read, GREASE values included, as
   * the rows show them (DTLS numbers downwards); 0: none. */
  guint16     sv_newest_row;
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

/* One IEEE 802.15.4 MAC frame, filled in as its header is read: a
 * frame cut short keeps what was read before the cut, as the tree does.
 * Addresses as the filter shows them (an EUI-64 most significant byte
 * first). */
typedef enum {
  IOT_TAP_WPAN_ADDR_NONE = 0,   /* not present, or not read */
  IOT_TAP_WPAN_ADDR_SHORT = 2,
  IOT_TAP_WPAN_ADDR_LONG = 3,
} IotTapWpanAddrMode;

typedef struct {
  guint8   frame_type;          /* wpan.frame_type: 0 beacon, 1 data, 2 ack, 3 command … */
  gboolean ack_request;         /* wpan.ack_request */
  gboolean security;            /* wpan.security */
  gint16   seq;                 /* wpan.seq_no; -1: suppressed or not read */
  gint32   dst_pan, src_pan;    /* wpan.dst_pan, wpan.src_pan; -1: not in the frame */
  guint8   dst_mode, src_mode;  /* IotTapWpanAddrMode of the addresses read */
  guint16  dst16, src16;        /* wpan.dst16, wpan.src16 (mode SHORT) */
  guint8   dst64[8], src64[8];  /* wpan.dst64, wpan.src64 (mode LONG) */
  gboolean src64_learned;       /* a short source's EUI-64 learned from an association
                                 * (the generated wpan.src64) is in @learned64 */
  guint8   learned64[8];
  gint16   cmd;                 /* wpan.cmd of a command frame; -1: none */
  gboolean has_rssi;            /* wpan.rssi of a TI CC24xx trailer */
  gint8    rssi;
  gint8    fcs_ok;              /* wpan.fcs_ok; -1: the trailer was not reached */
} IotTapWpan;

/* One fact of a Zigbee layer, in dissection order: the NWK command, the
 * APS header's security flag and cluster, the APS command and the key
 * type it carries, the ZCL command, the key that decrypted a secured
 * NWK or APS payload. */
typedef enum {
  IOT_TAP_ZIGBEE_NWK_CMD,       /* @value: zbee_nwk.cmd.id */
  IOT_TAP_ZIGBEE_APS_SECURITY,  /* @value: zbee_aps.security (0, 1) */
  IOT_TAP_ZIGBEE_APS_CLUSTER,   /* @value: zbee_aps.cluster */
  IOT_TAP_ZIGBEE_ZDP_CLUSTER,   /* @value: zbee_aps.zdp_cluster (the device profile's) */
  IOT_TAP_ZIGBEE_APS_CMD,       /* @value: zbee_aps.cmd.id */
  IOT_TAP_ZIGBEE_APS_KEY_TYPE,  /* @value: zbee_aps.cmd.key_type */
  IOT_TAP_ZIGBEE_ZCL_CMD,       /* @value: zbee_zcl.cmd.id of a profile-wide command */
  IOT_TAP_ZIGBEE_SEC_KEY,       /* @key: zbee.sec.key, 16 bytes */
} IotTapZigbeeKind;

typedef struct {
  guint8        kind;           /* IotTapZigbeeKind */
  guint32       value;
  const guint8 *key;
} IotTapZigbee;

/* What a capture header (radiotap, the 802.11 radio pseudo-header,
 * wpan-tap, ZEP) says about how the frame was received, filled in as the
 * header is read. */
typedef enum {
  IOT_TAP_RADIO_RADIOTAP,       /* signal: the first radiotap.dbm_antsignal */
  IOT_TAP_RADIO_WLAN_RADIO,     /* rate: wlan_radio.data_rate */
  IOT_TAP_RADIO_WPAN_TAP,       /* signal: wpan-tap.rss; lqi: wpan-tap.lqi */
  IOT_TAP_RADIO_ZEP,            /* lqi: zep.lqi */
} IotTapRadioSource;

typedef struct {
  guint8   source;              /* IotTapRadioSource */
  gboolean has_signal;
  double   signal_dbm;
  gint16   lqi;                 /* -1: none */
  gboolean has_rate;
  double   rate;                /* Mb/s */
} IotTapRadio;

/* One IEEE 802.11 frame: its kind, addresses and flags, and what its body
 * says that the analyses read (a deauthentication's reason, a beacon's
 * SSID, the EAPOL-Key message of a 4-way handshake), filled in as it is
 * read.  Addresses: wlan.ta, .sa, .da, .bssid as the tree gives them. */
typedef struct {
  guint8        type_subtype;   /* wlan.fc.type_subtype */
  gboolean      retry;          /* wlan.fc.retry */
  gboolean      has_ta, has_sa, has_da, has_bssid;
  guint8        ta[6], sa[6], da[6], bssid[6];
  gint32        reason;         /* wlan.fixed.reason_code; -1: none */
  const guint8 *ssid;           /* wlan.ssid (the first); NULL: none */
  guint32       ssid_len;
  gint8         eapol_msgnr;    /* wlan_rsna_eapol.keydes.msgnr; -1: none */
  gint8         mic_verified;   /* wlan_rsna_eapol.keydes.mic_verified; -1: not checked */
} IotTapWlan;

/* One Bluetooth LE link-layer packet, filled in as it is read: its
 * access address, an advertising PDU's type and advertiser, a
 * CONNECT_IND's connection parameters, and what the sniffer's header said
 * about the channel and the CRC. */
typedef struct {
  guint32  access_address;      /* btle.access_address */
  gboolean has_pdu_type;        /* an advertising-channel PDU */
  guint8   pdu_type;            /* btle.advertising_header.pdu_type */
  gboolean has_adv_address;
  guint8   adv_address[6];      /* btle.advertising_address (the first) */
  gboolean has_connect_aa, has_interval;
  guint32  connect_aa;          /* btle.link_layer_data.access_address (CONNECT_IND) */
  guint16  interval;            /* btle.link_layer_data.interval, 1.25 ms units */
  gint8    channel;             /* channel index from the sniffer's header (0-36 data, 37-39
                                 * advertising); -1: no sniffer header */
  gint8    crc_ok;              /* the sniffer's CRC check; -1: not checked */
} IotTapBtle;

/* One Sparkplug B message: its topic's group and edge node ids (NULL: the
 * topic has none) and, for a message that counts, its seq and the seq its
 * edge node's previous message called for when this one is not it. */
typedef struct {
  const char *group;            /* sparkplugb.groupid */
  const char *edge;             /* sparkplugb.edgenodeid */
  gboolean    has_seq, has_expected;
  guint64     seq;              /* sparkplugb.seq */
  guint64     expected;         /* sparkplugb.seq.expected: a gap */
} IotTapSparkplug;
/* One top-level row of the frame's tree, in the order the tree would
 * have it, whether or not the row is made: each protocol layer as it is
 * entered ("eth", "tcp", "mqtt" once per message), a reassembled
 * "tcp.segments" row, "_ws.malformed" / "_ws.short" where a layer ended
 * early, a top-level expert item.  Rows under another row (the packet an
 * ICMP error quotes, a payload shown inside its carrier) are not
 * top-level and have no record.  This is what the protocol hierarchy
 * (-z io,phs) counts; it is not frame.protocols, which names every
 * dissector called (ethertype included) and no row. */
typedef struct {
  const IotField *field;        /* the row's field */
  const char     *abbrev;       /* its abbreviation */
  guint8          source;       /* data source of the row's bytes: 0 the frame, else a rebuilt one */
  guint32         offset;       /* where the row starts within its data source */
  guint32         length;       /* bytes the row covers (0: none, e.g. an expert row) */
  guint           depth;        /* layer nesting when the row was added */
} IotTapProto;
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
  /* What the message's http.* fields hold, strings as the fields hold them
   * (bytes above 0x7f as U+FFFD, up to a NUL); NULL: not in the message. */
  gboolean      in_error;       /* a copy an ICMP error quotes, not the frame's own traffic */
  const char   *method;         /* http.request.method */
  const char   *uri;            /* http.request.uri */
  guint16       code;           /* http.response.code (a response: 0 … 999) */
  const char   *code_desc;      /* http.response.code.desc: the standard phrase, or "Unknown" */
  const char   *host;           /* the first http.host */
  const char   *authorization;  /* the last http.authorization */
  const char   *content_type;   /* the last http.content_type (the one the body goes by) */
} IotTapHttp;
/* One TCP segment of the frame's own traffic (not a copy an ICMP error
 * quotes, unless IOT_DISSECT_QUOTED asks for it), as its tcp.* fields say; the ports and addresses are the
 * frame's TCP conversation record.  @analysis holds the
 * tcp.analysis.* items the second pass shows (none in the first pass). */
typedef enum {
  IOT_TAP_TCP_RETRANSMISSION          = 1 << 0,
  IOT_TAP_TCP_FAST_RETRANSMISSION     = 1 << 1,
  IOT_TAP_TCP_SPURIOUS_RETRANSMISSION = 1 << 2,
  IOT_TAP_TCP_LOST_SEGMENT            = 1 << 3,
  IOT_TAP_TCP_OUT_OF_ORDER            = 1 << 4,
  IOT_TAP_TCP_DUPLICATE_ACK           = 1 << 5,
  IOT_TAP_TCP_ZERO_WINDOW             = 1 << 6,
} IotTapTcpAnalysis;

typedef struct {
  guint32  stream;              /* tcp.stream, IOT_TAP_NO_STREAM: none */
  guint32  seq_raw, ack_raw;    /* ack_raw: 0 when a bogus header length ends the header first */
  guint32  len;                 /* tcp.len; 0 when the header length runs past the segment */
  guint16  flags;               /* tcp.flags; 0 when the header length is bogus (below 20) */
  guint16  analysis;            /* IotTapTcpAnalysis */
  gboolean in_error;            /* a copy an ICMP error quotes (only with IOT_DISSECT_QUOTED) */
} IotTapTcp;

/* One DNS or multicast DNS message (the dns.* fields of one "dns" or
 * "mdns" layer), queued where its layer starts and filled in as it is
 * read: a message cut short keeps what was read before the cut, as the
 * tree does.  A value not read holds what the tree's readers take for a
 * missing row (0, NULL). */
typedef struct {
  gboolean    mdns;             /* an "mdns" layer (port 5353), else "dns" */
  gboolean    in_error;         /* a copy an ICMP error quotes, not the frame's own traffic */
  gboolean    tcp;              /* over TCP: dns.length comes first */
  guint32     length;           /* bytes of the layer as the message claims them (its row's length) */
  guint16     id;               /* dns.id */
  guint16     flags;            /* dns.flags */
  gboolean    response;         /* dns.flags.response */
  guint8      opcode;           /* dns.flags.opcode */
  gint8       rcode;            /* dns.flags.rcode; -1: a query, which shows none */
  guint8      n_counts;         /* how many of @counts were read (4 unless cut short) */
  guint16     counts[4];        /* dns.count.queries, .answers, .auth_rr, .add_rr */
  /* The first question, once its name, type and class were read. */
  const char *qname;            /* dns.qry.name; NULL: no question read */
  guint16     qname_len;        /* dns.qry.name.len */
  guint16     qlabels;          /* dns.count.labels */
  guint16     qtype;            /* dns.qry.type */
  guint16     qclass;           /* dns.qry.class (multicast DNS: without its top bit) */
  /* The pairing, made once the whole message was read (@paired); none
   * for a message @cut short where a tree ends its layer (the bytes of an
   * EDNS option that only its rows read). */
  gboolean    cut;
  gboolean    paired;
  gboolean    unsolicited;      /* dns.unsolicited: a response no query was seen for */
  gboolean    retransmission;   /* dns.retransmission */
  guint32     original;         /* dns.retransmit_request_in / retransmit_response_in, 0: none */
  guint32     response_in;      /* dns.response_in, 0: none */
  guint32     request_in;       /* dns.response_to, 0: none */
  gint64      time_ns;          /* dns.time, -1: none */
} IotTapDns;

/* One message of a small LAN protocol, filled in as it is read (a
 * message cut short keeps what was read before the cut, as the tree
 * does): an ARP packet, a DHCP/BOOTP message, an NTP packet.  Addresses
 * as the fields hold them (network byte order). */
typedef enum {
  IOT_TAP_LAN_ARP,
  IOT_TAP_LAN_DHCP,
  IOT_TAP_LAN_NTP,
} IotTapLanKind;

typedef struct {
  guint8   kind;                /* IotTapLanKind */
  gboolean in_error;            /* a copy an ICMP error quotes, not the frame's own traffic */
  /* ARP */
  guint16  arp_op;              /* arp.opcode */
  gboolean arp_has_mac;         /* Ethernet addresses: arp.src.hw_mac, arp.dst.hw_mac */
  guint8   arp_sender_mac[6], arp_target_mac[6];
  gboolean arp_has_ipv4;        /* IPv4 addresses: arp.src.proto_ipv4, arp.dst.proto_ipv4 */
  guint8   arp_sender_ip[4], arp_target_ip[4];
  /* DHCP */
  guint8   dhcp_op;             /* dhcp.type: 1 request, 2 reply */
  guint32  dhcp_xid;            /* dhcp.id */
  gboolean dhcp_has_your;       /* dhcp.ip.your */
  guint8   dhcp_your[4];
  gboolean dhcp_has_mac;        /* dhcp.hw.mac_addr: the last (a client identifier option's, else chaddr's) */
  guint8   dhcp_mac[6];
  gint16   dhcp_type;           /* dhcp.option.dhcp (the last), -1: none */
  gboolean dhcp_has_requested;  /* dhcp.option.requested_ip_address (the last) */
  guint8   dhcp_requested[4];
  /* NTP */
  guint8   ntp_version;         /* ntp.flags.vn */
  guint8   ntp_mode;            /* ntp.flags.mode */
  gint16   ntp_stratum;         /* ntp.stratum, -1: none (control, private or cut short) */
} IotTapLan;
/* One X.509 certificate of a TLS or DTLS Certificate message, in the
 * order of the chain, filled in as it is read: a certificate that is not
 * valid DER or was not all captured keeps what was read before the cut.
 * Strings are valid UTF-8, as the x509 fields hold them. */
typedef struct {
  gboolean      in_error;       /* a copy an ICMP error quotes, not the frame's own traffic */
  gboolean      cut;            /* not read to its signature: it ended early or is not valid DER */
  const guint8 *data;           /* the certificate's DER bytes (NULL: not all captured) */
  guint32       length;
  const guint8 *serial;         /* x509af.serialNumber; NULL: not read */
  guint32       serial_length;
  const char   *issuer;         /* the issuer's name as the label sums it up ("CN=…, O=…"); NULL: not read */
  const char   *subject;        /* the subject's, likewise */
  /* The validity: a UTCTime as x509af.utcTime shows it ("2025-01-31
   * 12:00:00 (UTC)", @not_before_utc TRUE), anything else (a
   * GeneralizedTime) as sent; NULL: not read. */
  const char   *not_before, *not_after;
  gboolean      not_before_utc, not_after_utc;
  /* Every x509ce.dNSName of the subjectAltName and issuerAltName
   * extensions, in order; in the packet's arena. */
  const char  **dns_names;
  guint         n_dns_names;
} IotTapCert;
/* One IPv4 or IPv6 header, queued where the layer starts (one per ip /
 * ipv6 row) and filled in as it is read, the copy an ICMP error quotes
 * included (marked).  A bogus version or header length ends it early. */
typedef struct {
  guint8     version;           /* 4 or 6: the dissector's, whatever the field says */
  gboolean   in_error;          /* a copy an ICMP error quotes, not the frame's own traffic */
  gboolean   has_id;            /* IPv4: ip.id was read */
  guint16    id;                /* ip.id */
  gboolean   has_header;        /* the rest of the fixed header was read, addresses included */
  guint16    length;            /* ip.len (total) / ipv6.plen (payload), as sent */
  guint8     ttl;               /* ip.ttl / ipv6.hlim */
  guint8     protocol;          /* ip.proto / ipv6.nxt (the first next header) */
  gboolean   dont_fragment;     /* IPv4: ip.flags.df */
  gboolean   more_fragments;    /* IPv4: ip.flags.mf */
  guint16    frag_offset;       /* IPv4: ip.frag_offset, in 8-byte units */
  IotAddress src, dst;          /* ip.src / ip.dst, ipv6.src / ipv6.dst */
} IotTapIp;

/* One Bluetooth ATT PDU, queued at its opcode and filled in as it is
 * read, or (@smp) the pairing method an SMP packet's exchange settled. */
typedef struct {
  gboolean    smp;              /* an SMP record: only @pairing_method */
  gint16      opcode;           /* btatt.opcode; -1: SMP */
  gint32      handle;           /* the PDU's last btatt.handle row (generated ones included); -1: none */
  /* A Handle Value Notification (0x1b): its value as its first value row
   * (btatt.value, or the characteristic's own field: btatt.temperature …)
   * gives it in -T fields; NULL: no such row, or another opcode. */
  const char *value;
  const char *pairing_method;   /* SMP: btsmp.pairing_method; NULL: none */
} IotTapAtt;

/* Whether someone asked for @tap's records in this dissection: a
 * dissector tests it before building a record that costs anything. */
gboolean      iot_tap_wanted (IotPacket *pkt, IotTapId tap);
/* Whether the layer being read is to publish @tap's records: asked for,
 * and the frame's own traffic or, with IOT_DISSECT_QUOTED, a copy an
 * ICMP error quotes. */
gboolean      iot_tap_wanted_here (IotPacket *pkt, IotTapId tap);
/* Queues a copy of @record (the struct of @tap's type) for the listeners;
 * nothing when nobody asked for @tap. */
void          iot_tap_queue (IotPacket *pkt, IotTapId tap, gconstpointer record);
/* Queues @record as iot_tap_queue() does and returns the queued copy, for
 * a dissector that fills it in as it reads (so a layer cut short still
 * publishes what it read); NULL when nobody asked for @tap. */
gpointer      iot_tap_queue_open (IotPacket *pkt, IotTapId tap, gconstpointer record);
/* The current layer's conversation record counts nothing after all (an
 * IPv6 fragment not reassembled in this frame). */
void          iot_tap_cut (IotPacket *pkt);
/* The records queued for @tap in this frame, in dissection order; @n_out
 * receives their count.  The array is the packet's. */
gconstpointer const *iot_packet_tap_records (IotPacket *pkt, IotTapId tap, guint *n_out);

G_END_DECLS
