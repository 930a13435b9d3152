/* iot-dissector.h — the one header dissectors (built-in and plugins) use.
 *
 * A dissector is a table of fields plus a function that reads a buffer view
 * and adds field instances to the packet.  It hands the rest of the bytes to
 * the next layer through a hand-off table ("tcp.port", "ethertype" …).
 *
 * Two passes: during the first pass (frames in order, once each) a dissector
 * may update per-capture state and record per-frame facts; afterwards any
 * frame can be dissected again on its own, reading those facts back.
 */
#pragma once

#include <glib.h>

#include "iot-buf.h"
#include "iot-field.h"

G_BEGIN_DECLS

#define IOT_PLUGIN_API_VERSION 3

typedef int (*IotDissectFunc) (IotPacket *pkt, IotBuf *buf, int parent);
typedef gboolean (*IotHeuristicFunc) (IotPacket *pkt, IotBuf *buf);
/* A dissector reached through a string hand-off table gets the caller's
 * @data (for "media_type": an IotMediaInfo, or NULL when called otherwise). */
typedef int (*IotDissectDataFunc) (IotPacket *pkt, IotBuf *buf, int parent, gpointer data);

typedef struct {
  const char *table;     /* "ethertype", "ip.proto", "tcp.port", "udp.port", "link" */
  guint32     key;
} IotHandoff;

#define IOT_MAX_HANDOFFS 8

/* An entry of a hand-off table keyed by text, as Wireshark's
 * dissector_add_string: e.g. { "media_type", "application/xml" }. */
typedef struct {
  const char *table;
  const char *key;       /* media types: lower case, without parameters */
} IotStringHandoff;

/* What the "media_type" table hands to the dissector it calls: the media
 * type in lower case without parameters ("application/xml") and the
 * parameters as sent ("charset=utf-8"), or NULL when there were none. */
typedef struct {
  const char *media_type;
  const char *parameters;
  /* Where the body was sent, when the carrier knows: the CoAP request
   * path ("/3303/0", a response gets its request's), the MQTT topic;
   * NULL otherwise.  LwM2M names objects by it, readings use it as series. */
  const char *location;
  /* Set by a carrier that hands a payload on only for its readings (an
   * MQTT message without a content type, while readings are wanted): the
   * dissector publishes them and adds no rows and no column text. */
  gboolean    readings_only;
} IotMediaInfo;

/* ---- expert information ------------------------------------------------ */

typedef enum {
  IOT_SEV_COMMENT = 1,
  IOT_SEV_CHAT,
  IOT_SEV_NOTE,
  IOT_SEV_WARN,
  IOT_SEV_ERROR,
} IotSeverity;

typedef enum {
  IOT_GROUP_CHECKSUM = 1,
  IOT_GROUP_SEQUENCE,
  IOT_GROUP_RESPONSE_CODE,
  IOT_GROUP_REQUEST_CODE,
  IOT_GROUP_UNDECODED,
  IOT_GROUP_REASSEMBLE,
  IOT_GROUP_MALFORMED,
  IOT_GROUP_DEBUG,
  IOT_GROUP_PROTOCOL,
  IOT_GROUP_SECURITY,
  IOT_GROUP_COMMENTS,
} IotExpertGroup;

/* An expert item registered in its dissector's table, as Wireshark's expert
 * fields are: a stable abbreviation ("mqtt.illegal_topic_length", tshark's
 * where tshark has the same item), its severity and group, and a summary.
 * The abbreviation is also an FT_NONE field under _ws.expert, so it can be
 * filtered (`-Y mqtt.illegal_topic_length`) and extracted, and analyses
 * recognise an item by that field (iot_registry_field), never by its wording. */
typedef struct {
  IotField        field;      /* abbrev, summary as name, IOT_FT_NONE, blurb */
  IotSeverity     severity;
  IotExpertGroup  group;
} IotExpertInfo;

#define IOT_EXPERT_INFO(abbrev, severity, group, summary, blurb) \
  { { (abbrev), (summary), IOT_FT_NONE, IOT_BASE_NONE, NULL, 0, (blurb) }, (severity), (group) }

typedef struct {
  const char        *name;       /* column name, e.g. "MQTT" */
  const char        *abbrev;     /* filter name, e.g. "mqtt" */
  const char        *long_name;  /* e.g. "MQ Telemetry Transport Protocol" */
  IotField          *fields;     /* fields[0] must be the IOT_FT_PROTOCOL field */
  guint              n_fields;
  IotDissectFunc     dissect;    /* returns the number of bytes it consumed */
  IotHandoff         handoff[IOT_MAX_HANDOFFS];
  const char        *heuristic_table;   /* e.g. "tcp"; NULL for none */
  IotHeuristicFunc   heuristic;
  /* Per-capture state (conversations, first-pass facts); may be NULL. */
  gpointer         (*state_new) (void);
  void             (*state_free) (gpointer state);
  /* Entries in string tables, ended by { NULL }; may be NULL. */
  const IotStringHandoff *string_handoff;
  /* Used instead of dissect when set: the same, plus the data a hand-off
   * passes along (NULL when called without any). */
  IotDissectDataFunc dissect_with_data;
  /* Index of this dissector in the registry, set at registration. */
  int                id;
  /* The expert items it can add (iot_expert_add_info); may be NULL. */
  IotExpertInfo     *experts;
  guint              n_experts;
} IotDissector;

/* ---- the packet being dissected ------------------------------------------ */

guint32   iot_packet_frame_number (IotPacket *pkt);     /* 1-based */
gboolean  iot_packet_first_pass (IotPacket *pkt);
/* FALSE for a frame stored without a capture time (a pcapng Simple
 * Packet Block): its time fields are left out, as tshark leaves them. */
gboolean  iot_packet_has_time (IotPacket *pkt);
gint64    iot_packet_time_ns (IotPacket *pkt);         /* absolute, ns since 1970 */
gint64    iot_frame_time_ns (IotPacket *pkt, guint32 frame_number);
gpointer  iot_packet_state (IotPacket *pkt, const IotDissector *dissector);
/* Facts about the frame, for the frame dissector and analyses. */
guint32   iot_packet_caplen (IotPacket *pkt);
guint32   iot_packet_wirelen (IotPacket *pkt);
guint16   iot_packet_link_type (IotPacket *pkt);
guint32   iot_packet_prev_displayed (IotPacket *pkt);  /* 0 = none */
guint32   iot_packet_time_ref (IotPacket *pkt);        /* 0 = the first frame */
/* What the user noted on the frame (marked, ignored) and its comments
 * (free with g_strfreev(); NULL when none), for the frame dissector. */
gboolean  iot_packet_frame_marked (IotPacket *pkt);
gboolean  iot_packet_frame_ignored (IotPacket *pkt);
char    **iot_packet_frame_comments (IotPacket *pkt);
/* The node whose string value becomes frame.protocols once dissection ends. */
void      iot_packet_set_protocols_node (IotPacket *pkt, int node);
/* Whether the caller wants the summary columns (Info, Protocol …). */
gboolean  iot_packet_wants_columns (IotPacket *pkt);
/* What a packet starts with: which fields anybody reads in this frame,
 * for the inline checks below (most rows of most frames are wanted by
 * nobody, and a call only to learn that costs more than the check).
 * Set by the engine; dissectors only read it through the functions. */
typedef struct {
  gboolean      all_fields;   /* the full tree is built: every field */
  guint         n_bits;       /* else the fields wanted, by id */
  const guint8 *bits;
  gboolean      every_row;    /* the add functions must run even for rows nobody
                               * reads: the layers record counts rows not made */
} IotPacketWants;

/* Whether anybody will read @field for this frame; dissectors may skip
 * expensive work (string formatting, decoding) for unwanted fields. */
inline gboolean
iot_packet_wants_field (IotPacket *pkt, const IotField *field)
{
  const IotPacketWants *wants = (const IotPacketWants *) pkt;
  guint id = (guint) field->id;

  return wants->all_fields || (id < wants->n_bits && (wants->bits[id / 8] >> (id % 8) & 1) != 0);
}
/* Whether an add function has anything to do for @field's row: somebody
 * reads it, or the layers record counts the rows that are not made. */
inline gboolean
iot_packet_row_wanted (IotPacket *pkt, const IotField *field)
{
  return ((const IotPacketWants *) pkt)->every_row || iot_packet_wants_field (pkt, field);
}
/* Whether the full tree is being built (-V, the GUI tree).  Labels and
 * texts only the tree shows are worth computing only then. */
gboolean  iot_packet_wants_tree (IotPacket *pkt);
/* Whether nobody reads this frame's tree, fields or columns (the first
 * pass): the dissector only updates conversation and analysis state, and
 * every iot_tree_*() and iot_expert_add() returns -1 at once. */
gboolean  iot_packet_state_only (IotPacket *pkt);

/* A numeric reading a payload carried (a JSON member, a SenML record, a
 * CBOR map entry, a LwM2M resource, a Sparkplug metric, a ZCL attribute
 * report), published for the listeners that chart values over time.  The
 * strings are copied; NULL where not known. */
typedef struct {
  const char *device;   /* who reported it (client id, endpoint, long address); NULL: the frame's source */
  const char *series;   /* where it was reported: MQTT topic, CoAP/LwM2M path, cluster */
  const char *name;     /* member, SenML name, resource, metric or attribute name */
  const char *unit;     /* "Cel", "%RH" …  */
  double      value;
  gint64      time_ns;  /* the reading's own time (SenML bt+t, Sparkplug timestamp); 0: the frame's */
} IotReading;

/* Whether a listener wants this frame's readings: check before decoding
 * a payload only to publish them. */
gboolean  iot_packet_wants_readings (IotPacket *pkt);
void      iot_packet_add_reading (IotPacket *pkt, const IotReading *reading);

/* Where the payload about to be handed on was reported, for the payload's
 * dissector to put into its readings: a carrier sets it before it hands a
 * body on (MQTT: the client id and the topic; CoAP and HTTP: the request's
 * path; the Zigbee NWK layer: the source address), and a payload dissector
 * (JSON, CBOR …) reads it back.  NULL keeps what an outer layer set, so an
 * inner carrier adds to it.  Strings are copied; lives for one frame and
 * only while readings are wanted (otherwise both read back NULL). */
void        iot_packet_set_reading_origin (IotPacket *pkt, const char *device, const char *series);
const char *iot_packet_reading_device (IotPacket *pkt);
const char *iot_packet_reading_series (IotPacket *pkt);

/* Scratch memory that lives until the frame's dissection is over. */
gpointer  iot_packet_alloc (IotPacket *pkt, gsize size);
char     *iot_packet_strdup_printf (IotPacket *pkt, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
char     *iot_packet_strndup (IotPacket *pkt, const char *s, gsize len);
/* The text @field's row would show for the value at @off (@len bytes;
 * integers, booleans and bytes), in @pkt's memory: what a tap record
 * carries when its reader shows a value as the tree does, without the
 * row being made. */
char     *iot_packet_field_text (IotPacket *pkt, const IotField *field, const IotBuf *buf, guint off,
                                 guint len, gboolean little_endian);
/* Bytes from the wire as labels and the Info column show them (tshark's
 * format_text): control characters escaped (\022, \r …), what is not
 * UTF-8 as U+FFFD; one line of valid UTF-8, in packet scratch memory. */
char     *iot_packet_format_text (IotPacket *pkt, const guint8 *bytes, gsize len);
/* Bytes decoded as UTF-8 the way tshark decodes strings: each ill-formed
 * part becomes U+FFFD, nothing is escaped.  Packet scratch memory. */
char     *iot_packet_valid_utf8 (IotPacket *pkt, const guint8 *bytes, gsize len);

/* A small value a layer leaves for the layers inside it in the same frame
 * (e.g. the IPv4 TTL for ICMP's Info); 0 until set.  Lives for one frame. */
void      iot_packet_set_layer_value (IotPacket *pkt, const IotDissector *dissector, guint64 value);
guint64   iot_packet_layer_value (IotPacket *pkt, const IotDissector *dissector);

/* Set while dissecting the packet quoted inside an ICMP error: layers in it
 * describe another packet, so they must not update conversation state. */
void      iot_packet_set_in_error (IotPacket *pkt, gboolean in_error);
gboolean  iot_packet_in_error (IotPacket *pkt);

/* Network-layer addresses for the Source/Destination columns and for
 * conversation keys.  @family is 4 (IPv4), 6 (IPv6) or 0 (link layer, 6-byte MAC). */
typedef struct {
  guint8 family;
  guint8 bytes[16];
} IotAddress;

/* IEEE 802.15.4 radio addresses, for layers without IP: a short address
 * (bytes[0..1], most significant first), an extended one (EUI-64, 8 bytes
 * most significant first), or none at all (an acknowledgement): the
 * columns then stay empty even when a carrier (ZEP over UDP) set others. */
enum {
  IOT_ADDR_WPAN_NONE = 0x40,
  IOT_ADDR_WPAN_SHORT,
  IOT_ADDR_WPAN_LONG,
};

/* A Bluetooth LE connection known only by its access address (bytes[0..3],
 * big-endian), shown as "Unknown_0x…" in the address columns. */
#define IOT_ADDRESS_BLE_ACCESS 0x48   /* after the 802.15.4 families (0x40–0x42) */

/* Address column text for links whose ends are not plain addresses
 * ("02:ab:… (02:ab:…) (RA)"); NULL leaves a side unchanged, "" empties it.
 * Network-layer addresses set later still win. */
void      iot_packet_set_address_text (IotPacket *pkt, const char *src, const char *dst);
void      iot_packet_set_net_src (IotPacket *pkt, const IotAddress *addr);
void      iot_packet_set_net_dst (IotPacket *pkt, const IotAddress *addr);
const IotAddress *iot_packet_net_src (IotPacket *pkt);
const IotAddress *iot_packet_net_dst (IotPacket *pkt);
void      iot_packet_set_ports (IotPacket *pkt, guint16 src, guint16 dst);
void      iot_packet_get_ports (IotPacket *pkt, guint16 *src, guint16 *dst);

/* Columns.  The Protocol column is set automatically to the name of the
 * last dissector called; a dissector may override it. */
void      iot_col_set_protocol (IotPacket *pkt, const char *name);
/* Appends "/@name" to the Protocol column ("HTTP" becomes "HTTP/XML"). */
void      iot_col_append_protocol (IotPacket *pkt, const char *name);
void      iot_col_set_info (IotPacket *pkt, const char *text);
/* Replaces the Info column with formatted text; costs nothing when no one
 * reads the columns. */
void      iot_col_printf_info (IotPacket *pkt, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
void      iot_col_clear_info (IotPacket *pkt);
void      iot_col_append_info (IotPacket *pkt, const char *fmt, ...) G_GNUC_PRINTF (2, 3);
/* Appends with @sep only when the Info column is not empty. */
void      iot_col_append_sep_info (IotPacket *pkt, const char *sep, const char *fmt, ...) G_GNUC_PRINTF (3, 4);
void      iot_col_prepend_info (IotPacket *pkt, const char *text);
/* Appends @text as it is, or @prefix and a decimal number, without the
 * cost of printf: for the few layers whose Info every frame shows. */
void      iot_col_append_text (IotPacket *pkt, const char *text);
void      iot_col_append_uint (IotPacket *pkt, const char *prefix, guint64 value);
/* From here on the Info column keeps what it has (a layer's own text) and
 * inner layers only append to it. */
void      iot_col_fence_info (IotPacket *pkt);
const char *iot_col_info (IotPacket *pkt);

/* ---- adding fields ------------------------------------------------------ */

/* All functions return the new node's index, or -1 if nobody wants the
 * field (the value is still read and returned through *out where given).
 * @off and @len are relative to @buf.  Integer values are read big-endian
 * unless @little_endian; bitmask fields are masked and shifted.
 *
 * Most are inline: they return -1 at once for a field nobody wants, and
 * call their _wanted function (exported, as the inline ones are for
 * plugins built before) only to make the row. */

int  iot_tree_add_item_wanted (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                               guint off, guint len, gboolean little_endian);
inline int
iot_tree_add_item (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf, guint off,
                   guint len, gboolean little_endian)
{
  if (!iot_packet_row_wanted (pkt, field))
    return -1;
  return iot_tree_add_item_wanted (pkt, parent, field, buf, off, len, little_endian);
}
int  iot_tree_add_item_ret_uint (IotPacket *pkt, int parent, const IotField *field,
                                 const IotBuf *buf, guint off, guint len,
                                 gboolean little_endian, guint64 *out);
int  iot_tree_add_uint_wanted (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                               guint off, guint len, guint64 value);
inline int
iot_tree_add_uint (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf, guint off,
                   guint len, guint64 value)
{
  if (!iot_packet_row_wanted (pkt, field))
    return -1;
  return iot_tree_add_uint_wanted (pkt, parent, field, buf, off, len, value);
}
int  iot_tree_add_int_wanted (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                              guint off, guint len, gint64 value);
inline int
iot_tree_add_int (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf, guint off,
                  guint len, gint64 value)
{
  if (!iot_packet_row_wanted (pkt, field))
    return -1;
  return iot_tree_add_int_wanted (pkt, parent, field, buf, off, len, value);
}
int  iot_tree_add_boolean_wanted (IotPacket *pkt, int parent, const IotField *field,
                                  const IotBuf *buf, guint off, guint len, guint64 value);
inline int
iot_tree_add_boolean (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                      guint off, guint len, guint64 value)
{
  if (!iot_packet_row_wanted (pkt, field))
    return -1;
  return iot_tree_add_boolean_wanted (pkt, parent, field, buf, off, len, value);
}
int  iot_tree_add_double_wanted (IotPacket *pkt, int parent, const IotField *field,
                                 const IotBuf *buf, guint off, guint len, double value);
inline int
iot_tree_add_double (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                     guint off, guint len, double value)
{
  if (!iot_packet_row_wanted (pkt, field))
    return -1;
  return iot_tree_add_double_wanted (pkt, parent, field, buf, off, len, value);
}
/* @value need not be NUL-terminated; it is copied into packet scratch memory. */
int  iot_tree_add_string_wanted (IotPacket *pkt, int parent, const IotField *field,
                                 const IotBuf *buf, guint off, guint len, const char *value,
                                 gssize value_len);
inline int
iot_tree_add_string (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                     guint off, guint len, const char *value, gssize value_len)
{
  if (!iot_packet_row_wanted (pkt, field))
    return -1;
  return iot_tree_add_string_wanted (pkt, parent, field, buf, off, len, value, value_len);
}
/* The same for a value tshark decodes as ASCII (ENC_ASCII: HTTP, DNS
 * character strings): every byte above 0x7f becomes U+FFFD.  Strings added
 * by iot_tree_add_string() are decoded as UTF-8: what is not becomes
 * U+FFFD. */
int  iot_tree_add_ascii_string_wanted (IotPacket *pkt, int parent, const IotField *field,
                                       const IotBuf *buf, guint off, guint len, const char *value,
                                       gssize value_len);
inline int
iot_tree_add_ascii_string (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                           guint off, guint len, const char *value, gssize value_len)
{
  if (!iot_packet_row_wanted (pkt, field))
    return -1;
  return iot_tree_add_ascii_string_wanted (pkt, parent, field, buf, off, len, value, value_len);
}
int  iot_tree_add_bytes_wanted (IotPacket *pkt, int parent, const IotField *field,
                                const IotBuf *buf, guint off, guint len, const guint8 *value,
                                guint value_len);
inline int
iot_tree_add_bytes (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf, guint off,
                    guint len, const guint8 *value, guint value_len)
{
  if (!iot_packet_row_wanted (pkt, field))
    return -1;
  return iot_tree_add_bytes_wanted (pkt, parent, field, buf, off, len, value, value_len);
}
int  iot_tree_add_ipv4_wanted (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                               guint off, const guint8 addr[4]);
inline int
iot_tree_add_ipv4 (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf, guint off,
                   const guint8 addr[4])
{
  if (!iot_packet_row_wanted (pkt, field))
    return -1;
  return iot_tree_add_ipv4_wanted (pkt, parent, field, buf, off, addr);
}
int  iot_tree_add_ipv6_wanted (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                               guint off, const guint8 addr[16]);
inline int
iot_tree_add_ipv6 (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf, guint off,
                   const guint8 addr[16])
{
  if (!iot_packet_row_wanted (pkt, field))
    return -1;
  return iot_tree_add_ipv6_wanted (pkt, parent, field, buf, off, addr);
}
int  iot_tree_add_ether_wanted (IotPacket *pkt, int parent, const IotField *field,
                                const IotBuf *buf, guint off, const guint8 addr[6]);
inline int
iot_tree_add_ether (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf, guint off,
                    const guint8 addr[6])
{
  if (!iot_packet_row_wanted (pkt, field))
    return -1;
  return iot_tree_add_ether_wanted (pkt, parent, field, buf, off, addr);
}
/* Times in nanoseconds (absolute: since 1970). */
int  iot_tree_add_time_wanted (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                               guint off, guint len, gint64 ns);
inline int
iot_tree_add_time (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf, guint off,
                   guint len, gint64 ns)
{
  if (!iot_packet_row_wanted (pkt, field))
    return -1;
  return iot_tree_add_time_wanted (pkt, parent, field, buf, off, len, ns);
}
/* The protocol row of a layer; its length may be corrected with
 * iot_tree_set_length() once known. */
int  iot_tree_add_protocol_wanted (IotPacket *pkt, int parent, const IotField *field,
                                   const IotBuf *buf, guint off, gint len);
inline int
iot_tree_add_protocol (IotPacket *pkt, int parent, const IotField *field, const IotBuf *buf,
                       guint off, gint len)
{
  if (!iot_packet_row_wanted (pkt, field))
    return -1;
  return iot_tree_add_protocol_wanted (pkt, parent, field, buf, off, len);
}
/* A label-only row (no field, not filterable). */
int  iot_tree_add_text (IotPacket *pkt, int parent, const IotBuf *buf, guint off, guint len,
                        const char *fmt, ...) G_GNUC_PRINTF (6, 7);

/* Replaces / extends the label shown for a node (default: "Name: value"). */
void iot_tree_set_label (IotPacket *pkt, int node, const char *fmt, ...) G_GNUC_PRINTF (3, 4);
void iot_tree_append_label (IotPacket *pkt, int node, const char *fmt, ...) G_GNUC_PRINTF (3, 4);
void iot_tree_set_length_wanted (IotPacket *pkt, int node, guint len);
inline void
iot_tree_set_length (IotPacket *pkt, int node, guint len)
{
  if (node >= 0)
    iot_tree_set_length_wanted (pkt, node, len);
}
/* Generated: computed by the analyzer, not present in the bytes ([brackets]). */
void iot_tree_set_generated_wanted (IotPacket *pkt, int node);
inline void
iot_tree_set_generated (IotPacket *pkt, int node)
{
  if (node >= 0)
    iot_tree_set_generated_wanted (pkt, node);
}
/* Hidden: filterable but not shown in the tree. */
void iot_tree_set_hidden_wanted (IotPacket *pkt, int node);
inline void
iot_tree_set_hidden (IotPacket *pkt, int node)
{
  if (node >= 0)
    iot_tree_set_hidden_wanted (pkt, node);
}

/* The out-of-line parts of the three above that take a format: GCC
 * inlines the test in front of them (labels are made only for the tree,
 * and most calls have no row to label); the arguments are still
 * evaluated, as for any call. */
int  iot_tree_add_text_wanted (IotPacket *pkt, int parent, const IotBuf *buf, guint off, guint len,
                               const char *fmt, ...) G_GNUC_PRINTF (6, 7);
void iot_tree_set_label_wanted (IotPacket *pkt, int node, const char *fmt, ...) G_GNUC_PRINTF (3, 4);
void iot_tree_append_label_wanted (IotPacket *pkt, int node, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

#if defined(__GNUC__) && !defined(__clang__) && !defined(IOT_TREE_NO_INLINE)
/* The format is checked at the call, against these functions' own
 * attribute; passing it on with the argument pack is not a new format. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
extern __inline __attribute__ ((__always_inline__, __gnu_inline__, __format__ (__printf__, 6, 7))) int
iot_tree_add_text (IotPacket *pkt, int parent, const IotBuf *buf, guint off, guint len,
                   const char *fmt, ...)
{
  if (!((const IotPacketWants *) pkt)->all_fields && !((const IotPacketWants *) pkt)->every_row)
    return -1;
  return iot_tree_add_text_wanted (pkt, parent, buf, off, len, fmt, __builtin_va_arg_pack ());
}

extern __inline __attribute__ ((__always_inline__, __gnu_inline__, __format__ (__printf__, 3, 4))) void
iot_tree_set_label (IotPacket *pkt, int node, const char *fmt, ...)
{
  if (node >= 0 && ((const IotPacketWants *) pkt)->all_fields)
    iot_tree_set_label_wanted (pkt, node, fmt, __builtin_va_arg_pack ());
}

extern __inline __attribute__ ((__always_inline__, __gnu_inline__, __format__ (__printf__, 3, 4))) void
iot_tree_append_label (IotPacket *pkt, int node, const char *fmt, ...)
{
  if (node >= 0 && ((const IotPacketWants *) pkt)->all_fields)
    iot_tree_append_label_wanted (pkt, node, fmt, __builtin_va_arg_pack ());
}
#pragma GCC diagnostic pop
#endif

/* ---- expert items and layer ends ---------------------------------------- */

/* Adds registered expert item @info under @node; @fmt gives its message
 * (NULL: the item's summary).  Returns the expert row. */
int  iot_expert_add_info (IotPacket *pkt, int node, const IotExpertInfo *info,
                          const char *fmt, ...) G_GNUC_PRINTF (4, 5);
/* An expert item that is not in any table: no filter or analysis can name
 * it.  Kept for plugins built before the tables; the dissectors in this tree
 * register every item (the test-expert-items test checks). */
int  iot_expert_add (IotPacket *pkt, int node, IotSeverity severity, IotExpertGroup group,
                     const char *fmt, ...) G_GNUC_PRINTF (5, 6);
/* Ends the current layer as malformed with @reason (never returns). */
G_NORETURN void iot_malformed (IotPacket *pkt, const char *reason);

/* ---- hand-off ------------------------------------------------------------ */

/* Another dissector by its abbreviation ("mqtt"), as Wireshark's
 * find_dissector; NULL when none is registered. */
const IotDissector *iot_registry_dissector (const char *abbrev);

/* Calls @dissector on @buf under its own layer boundary: a truncated or
 * malformed read inside it ends only that layer.  Returns bytes consumed. */
int  iot_call_dissector (IotPacket *pkt, const IotDissector *dissector, IotBuf *buf, int parent);
/* The same, handing @data to a dissector that takes it (dissect_with_data). */
int  iot_call_dissector_with_data (IotPacket *pkt, const IotDissector *dissector, IotBuf *buf,
                                   int parent, gpointer data);
/* Looks @key up in hand-off table @table and calls what is registered.
 * Returns bytes consumed, or -1 when nothing is registered for @key. */
int  iot_call_table (IotPacket *pkt, const char *table, guint32 key, IotBuf *buf, int parent);
/* Hands a payload on by EtherType as Wireshark's "ethertype" dissector does
 * for Ethernet, SLL, VLAN and Null: that dispatch is a layer of its own in
 * frame.protocols ("eth:ethertype:ip").  LLC/SNAP looks the same table up
 * directly ("llc:ip") and calls iot_call_table instead. */
int  iot_call_ethertype (IotPacket *pkt, guint16 type, IotBuf *buf, int parent);
/* Tries the lower, then the higher of two ports (as Wireshark does). */
int  iot_call_port_table (IotPacket *pkt, const char *table, guint16 port_a, guint16 port_b,
                          IotBuf *buf, int parent);
/* Looks @key up in string hand-off table @table (exact match) and calls what
 * is registered with @data.  Returns bytes consumed, or -1 when nothing is. */
int  iot_call_string_table (IotPacket *pkt, const char *table, const char *key,
                            IotBuf *buf, int parent, gpointer data);
/* Hands a body to the dissector registered in the "media_type" table for
 * @content_type, a Content-Type value such as "text/xml; charset=UTF-8"
 * (@len bytes, or -1 if NUL-terminated): the type is matched in lower case
 * without its parameters, and the dissector receives an IotMediaInfo.
 * Returns bytes consumed, or -1 when no dissector is registered. */
int  iot_call_media_type (IotPacket *pkt, const char *content_type, gssize len,
                          IotBuf *buf, int parent);
/* The same, telling the dissector where the body was sent (IotMediaInfo.location). */
int  iot_call_media_type_at (IotPacket *pkt, const char *content_type, gssize len,
                             const char *location, IotBuf *buf, int parent);
/* Tries every heuristic registered for @table; returns bytes consumed or -1. */
int  iot_call_heuristics (IotPacket *pkt, const char *table, IotBuf *buf, int parent);
/* Dissects the bytes as opaque data ("data" layer). */
int  iot_call_data (IotPacket *pkt, IotBuf *buf, int parent);

/* ---- reassembly ------------------------------------------------------------ */

/* Bytes of another frame (1-based), read back from the capture file; NULL
 * if there is no such frame.  For rebuilding messages split across frames. */
const guint8 *iot_packet_frame_bytes (IotPacket *pkt, guint32 number, guint32 *caplen);

/* Adds a data source (reassembled or decoded bytes, copied into the
 * packet's scratch memory) and returns a view of it.  Fields added through
 * that view point into the new source; the hex pane shows it as a tab. */
IotBuf iot_packet_add_source (IotPacket *pkt, const char *name, const guint8 *data, guint len);

/* A message-based dissector on a byte stream (MQTT, HTTP …) whose message
 * starting at @off of @buf is not complete calls this with how many more
 * bytes it needs (0 = unknown, at least one more segment) and returns @off.
 * The transport (TCP) then gathers the following segments and calls the
 * dissector again on the whole message. */
void   iot_packet_request_more (IotPacket *pkt, const IotBuf *buf, guint off, guint needed);
/* For transports: takes the pending request, if any (offset within the
 * buffer that was passed down, bytes still needed). */
gboolean iot_packet_take_request (IotPacket *pkt, guint *off, guint *needed);

/* A transport that cannot fit these bytes into the message they belong to
 * (e.g. a retransmission overlapping a message already rebuilt) says so as
 * tshark does: "[Reassembly error, protocol TCP: @message]" in the Info
 * column, a _ws.malformed.reassembly item and an error expert item. */
void   iot_packet_add_reassembly_error (IotPacket *pkt, const char *protocol, const char *message);

/* Marks a pseudo-layer in frame.protocols (e.g. "ethertype"). */
void iot_packet_add_layer_name (IotPacket *pkt, const char *abbrev);

G_END_DECLS

#include "iot-reassembly.h"
#include "iot-conversation.h"
#include "iot-match.h"
#include "iot-secrets.h"
#include "iot-resolve.h"
#include "iot-tap.h"
