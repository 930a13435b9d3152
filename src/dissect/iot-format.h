/* iot-format.h — turning field values into text: the tree's labels and
 * tshark's "-T fields" forms.  GLib only.
 */
#pragma once

#include <glib.h>

#include "iot-packet.h"

G_BEGIN_DECLS

/* Decimal digits of @v at @p (no NUL); returns the end. */
char       *iot_format_put_uint (char *p, guint64 v);
void        iot_format_append_uint (GString *out, guint64 v);
void        iot_format_ipv4 (const guint8 addr[4], char *out, gsize size);
void        iot_format_ipv6 (const guint8 addr[16], char *out, gsize size);
/* An IEEE 802.15.4 address (IOT_ADDR_WPAN_*) as tshark shows it: 0x1234,
 * Broadcast, the EUI-64, or nothing. */
void        iot_format_wpan_address (const IotAddress *addr, char *out, gsize size);
void        iot_format_ether (const guint8 addr[6], char *out, gsize size);

/* Absolute time as "Nov 26, 2026 12:24:01.125020000 UTC" (local zone). */
void        iot_format_abs_time (gint64 ns, gboolean utc, GString *out);
/* Seconds with nine decimals: "-0.000100000". */
void        iot_format_rel_time (gint64 ns, GString *out);
void        iot_format_epoch_time (gint64 ns, GString *out);

/* Appends @len bytes as text, escaping what is not printable
 * (\r, \n, \t, \\ and \xhh), as tshark prints strings. */
void        iot_format_escaped (const guint8 *bytes, gsize len, GString *out);

/* Strings from the wire, as tshark 4.0 shows them.
 *
 * iot_format_valid_utf8() decodes @bytes as UTF-8: each ill-formed part
 * (the longest start of a well-formed sequence, or one byte) becomes
 * U+FFFD, as tshark decodes ENC_UTF_8 strings.  iot_format_valid_ascii()
 * makes every byte above 0x7f U+FFFD (tshark's ENC_ASCII).  Neither escapes
 * anything: the result is valid UTF-8 that may hold control characters. */
void        iot_format_valid_utf8 (const guint8 *bytes, gsize len, GString *out);
void        iot_format_valid_ascii (const guint8 *bytes, gsize len, GString *out);
/* For labels, the tree and the Info column (tshark's format_text): C0
 * controls and DEL as \a \b \f \n \r \t \v or three octal digits,
 * other unprintable characters as \uXXXX, what cannot be decoded as
 * U+FFFD.  The result is one line of valid UTF-8. */
void        iot_format_text (const guint8 *bytes, gsize len, GString *out);
char       *iot_format_text_dup (const guint8 *bytes, gsize len);
/* A string value in -T fields: tab, CR and LF escaped (\t \r \n), so a
 * frame stays one line; everything else as it is (made valid UTF-8). */
void        iot_format_field_string (const guint8 *bytes, gsize len, GString *out);
void        iot_format_hex (const guint8 *bytes, gsize len, const char *sep, GString *out);

/* A node's value the way `tshark -T fields` prints it. */
void        iot_format_field_value (IotPacket *pkt, const IotNode *node, GString *out);
/* The value as shown after "Name: " in the tree. */
void        iot_format_display_value (IotPacket *pkt, const IotNode *node, GString *out);
/* The whole tree row, e.g. "0011 .... = Message Type: Publish Message (3)". */
void        iot_format_label (IotPacket *pkt, const IotNode *node, GString *out);

const char *iot_format_severity (IotSeverity severity);
const char *iot_format_expert_group (IotExpertGroup group);

G_END_DECLS
