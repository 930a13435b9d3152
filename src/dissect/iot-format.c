/* iot-format.c — value text for labels and for tshark-compatible output. */
#include "iot-format.h"
#include "iot-resolve.h"

#include <arpa/inet.h>
#include <string.h>
#include <time.h>

#define NS_PER_SEC G_GINT64_CONSTANT (1000000000)

/* Writes @v in decimal at @p and returns the end.  printf costs thousands
 * of instructions a call; addresses and numbers are printed millions of
 * times on big captures. */
char *
iot_format_put_uint (char *p, guint64 v)
{
  char digits[20];
  guint n = 0;

  do
    {
      digits[n++] = (char) ('0' + v % 10);
      v /= 10;
    }
  while (v != 0);
  while (n > 0)
    *p++ = digits[--n];
  return p;
}

/* An octet's digits, without the division loop of iot_format_put_uint ():
 * every summary line prints two addresses. */
static char *
put_octet (char *p, guint v)
{
  if (v >= 100)
    {
      *p++ = (char) ('0' + v / 100);
      v %= 100;
      *p++ = (char) ('0' + v / 10);
    }
  else if (v >= 10)
    *p++ = (char) ('0' + v / 10);
  *p++ = (char) ('0' + v % 10);
  return p;
}

void
iot_format_ipv4 (const guint8 addr[4], char *out, gsize size)
{
  char text[16], *p = size >= sizeof text ? out : text;
  char *start = p;

  for (guint i = 0; i < 4; i++)
    {
      if (i > 0)
        *p++ = '.';
      p = put_octet (p, addr[i]);
    }
  *p = '\0';
  if (start == text)
    g_strlcpy (out, text, size);
}

void
iot_format_append_uint (GString *out, guint64 v)
{
  char text[24];

  g_string_append_len (out, text, iot_format_put_uint (text, v) - text);
}

void
iot_format_ipv6 (const guint8 addr[16], char *out, gsize size)
{
  if (inet_ntop (AF_INET6, addr, out, size) == NULL && size > 0)
    out[0] = '\0';
}

void
iot_format_ether (const guint8 addr[6], char *out, gsize size)
{
  g_snprintf (out, size, "%02x:%02x:%02x:%02x:%02x:%02x",
              addr[0], addr[1], addr[2], addr[3], addr[4], addr[5]);
}

static void
split_ns (gint64 ns, gint64 *secs, gint32 *frac)
{
  *secs = ns / NS_PER_SEC;
  *frac = (gint32) (ns % NS_PER_SEC);
  if (*frac < 0)
    {
      *frac += NS_PER_SEC;
      *secs -= 1;
    }
}

void
iot_format_abs_time (gint64 ns, gboolean utc, GString *out)
{
  static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  gint64 secs;
  gint32 frac;
  time_t t;
  struct tm tm;

  split_ns (ns, &secs, &frac);
  t = (time_t) secs;
  if (utc ? gmtime_r (&t, &tm) == NULL : localtime_r (&t, &tm) == NULL)
    {
      g_string_append (out, "Not representable");
      return;
    }
  g_string_append_printf (out, "%s %2d, %d %02d:%02d:%02d.%09d %s",
                          months[tm.tm_mon], tm.tm_mday, tm.tm_year + 1900,
                          tm.tm_hour, tm.tm_min, tm.tm_sec, frac,
                          utc ? "UTC" : tm.tm_zone);
}

/* "12.000345000": seconds, a dot and nine digits. */
static void
append_seconds (GString *out, gboolean negative, guint64 secs, guint frac)
{
  char text[40], *p = text;

  if (negative)
    *p++ = '-';
  p = iot_format_put_uint (p, secs);
  *p++ = '.';
  for (int i = 8; i >= 0; i--)
    {
      p[i] = (char) ('0' + frac % 10);
      frac /= 10;
    }
  g_string_append_len (out, text, p + 9 - text);
}

void
iot_format_rel_time (gint64 ns, GString *out)
{
  guint64 mag = ns < 0 ? (guint64) -ns : (guint64) ns;

  append_seconds (out, ns < 0, mag / NS_PER_SEC, (guint) (mag % NS_PER_SEC));
}

void
iot_format_epoch_time (gint64 ns, GString *out)
{
  gint64 secs;
  gint32 frac;

  split_ns (ns, &secs, &frac);
  if (secs < 0)
    g_string_append_printf (out, "%" G_GINT64_FORMAT ".%09d", secs, frac);
  else
    append_seconds (out, FALSE, (guint64) secs, (guint) frac);
}

void
iot_format_escaped (const guint8 *bytes, gsize len, GString *out)
{
  const char *p = (const char *) bytes, *end = p + len;

  while (p < end)
    {
      guchar c = (guchar) *p;

      if (c >= 0x80)
        {
          gunichar ch = g_utf8_get_char_validated (p, end - p);

          if (ch != (gunichar) -1 && ch != (gunichar) -2)
            {
              const char *next = g_utf8_next_char (p);

              g_string_append_len (out, p, next - p);
              p = next;
              continue;
            }
          g_string_append_printf (out, "\\x%02x", c);
        }
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\a')
        g_string_append (out, "\\a");
      else if (c == '\b')
        g_string_append (out, "\\b");
      else if (c == '\f')
        g_string_append (out, "\\f");
      else if (c == '\v')
        g_string_append (out, "\\v");
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_c (out, c);
      p++;
    }
}

#define REPLACEMENT_CHARACTER "\xef\xbf\xbd"

/* Bytes of the well-formed UTF-8 sequence starting with @lead (0 if no
 * sequence starts so), and the range its second byte must fall in. */
static guint
utf8_sequence (guint8 lead, guint8 *lo, guint8 *hi)
{
  *lo = 0x80;
  *hi = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf)
    return 2;
  if (lead >= 0xe0 && lead <= 0xef)
    {
      if (lead == 0xe0)
        *lo = 0xa0;
      else if (lead == 0xed)
        *hi = 0x9f;   /* no surrogates */
      return 3;
    }
  if (lead >= 0xf0 && lead <= 0xf4)
    {
      if (lead == 0xf0)
        *lo = 0x90;
      else if (lead == 0xf4)
        *hi = 0x8f;   /* nothing past U+10FFFF */
      return 4;
    }
  return 0;
}

void
iot_format_valid_utf8 (const guint8 *bytes, gsize len, GString *out)
{
  gsize i = 0;

  while (i < len)
    {
      guint8 lo, hi;
      guint n, k;

      if (bytes[i] < 0x80)
        {
          gsize start = i;

          while (i < len && bytes[i] < 0x80)
            i++;
          g_string_append_len (out, (const char *) bytes + start, (gssize) (i - start));
          continue;
        }
      n = utf8_sequence (bytes[i], &lo, &hi);
      for (k = 1; k < n && i + k < len; k++)
        {
          guint8 b = bytes[i + k];

          if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xbf))
            break;
        }
      if (n != 0 && k == n)
        g_string_append_len (out, (const char *) bytes + i, n);
      else
        g_string_append (out, REPLACEMENT_CHARACTER);
      /* The ill-formed part is the bytes that could still have begun a
       * sequence; the byte that broke it starts the next part. */
      i += k;
    }
}

void
iot_format_valid_ascii (const guint8 *bytes, gsize len, GString *out)
{
  for (gsize i = 0; i < len; i++)
    {
      if (bytes[i] < 0x80)
        g_string_append_c (out, (char) bytes[i]);
      else
        g_string_append (out, REPLACEMENT_CHARACTER);
    }
}

static void
append_escaped_ascii (guint8 c, GString *out)
{
  static const char letters[] = "abtnvfr";   /* \a (7) … \r (13) */

  if (c >= 0x20 && c < 0x7f)
    g_string_append_c (out, (char) c);
  else if (c >= '\a' && c <= '\r')
    {
      g_string_append_c (out, '\\');
      g_string_append_c (out, letters[c - '\a']);
    }
  else
    g_string_append_printf (out, "\\%03o", c);
}

void
iot_format_text (const guint8 *bytes, gsize len, GString *out)
{
  gsize i = 0;

  while (i < len)
    {
      guint8 c = bytes[i];
      gunichar uc;
      guint n, k;

      if (c < 0x80)
        {
          append_escaped_ascii (c, out);
          i++;
          continue;
        }
      /* As tshark: the lead byte says how many continuation bytes follow,
       * and what they spell is taken as it is (even an overlong form);
       * a missing continuation byte, a surrogate or a value past
       * U+10FFFF is U+FFFD. */
      if ((c & 0xe0) == 0xc0)
        n = 2, uc = c & 0x1f;
      else if ((c & 0xf0) == 0xe0)
        n = 3, uc = c & 0x0f;
      else if ((c & 0xf8) == 0xf0)
        n = 4, uc = c & 0x07;
      else
        {
          g_string_append (out, REPLACEMENT_CHARACTER);
          i++;
          continue;
        }
      for (k = 1; k < n && i + k < len && (bytes[i + k] & 0xc0) == 0x80; k++)
        uc = (uc << 6) | (bytes[i + k] & 0x3f);
      i += k;
      if (k < n || (uc >= 0xd800 && uc <= 0xdfff) || uc > 0x10ffff)
        g_string_append (out, REPLACEMENT_CHARACTER);
      else if (uc < 0x80)
        append_escaped_ascii ((guint8) uc, out);
      else if (g_unichar_isprint (uc))
        g_string_append_unichar (out, uc);
      else if (uc <= 0xffff)
        g_string_append_printf (out, "\\u%04x", uc);
      else
        g_string_append_printf (out, "\\U%08x", uc);
    }
}

char *
iot_format_text_dup (const guint8 *bytes, gsize len)
{
  GString *out = g_string_sized_new (len + 8);

  iot_format_text (bytes, len, out);
  return g_string_free (out, FALSE);
}

void
iot_format_field_string (const guint8 *bytes, gsize len, GString *out)
{
  g_autoptr (GString) valid = NULL;

  if (!g_utf8_validate ((const char *) bytes, (gssize) len, NULL))
    {
      valid = g_string_sized_new (len + 8);
      iot_format_valid_utf8 (bytes, len, valid);
      bytes = (const guint8 *) valid->str;
      len = valid->len;
    }
  for (gsize i = 0; i < len; i++)
    {
      switch (bytes[i])
        {
        case '\t':
          g_string_append (out, "\\t");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        default:
          g_string_append_c (out, (char) bytes[i]);
          break;
        }
    }
}

/* As tshark shows 802.15.4 addresses: 0x1234, Broadcast, or the EUI-64. */
void
iot_format_wpan_address (const IotAddress *addr, char *out, gsize size)
{
  const guint8 *b = addr->bytes;

  if (addr->family == IOT_ADDR_WPAN_SHORT && b[0] == 0xff && b[1] == 0xff)
    g_strlcpy (out, "Broadcast", size);
  else if (addr->family == IOT_ADDR_WPAN_SHORT)
    g_snprintf (out, size, "0x%02x%02x", b[0], b[1]);
  else if (addr->family == IOT_ADDR_WPAN_LONG)
    g_snprintf (out, size, "%02x:%02x:%02x:%02x:%02x:%02x:%02x:%02x",
                b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]);
  else
    out[0] = '\0';
}

void
iot_format_hex (const guint8 *bytes, gsize len, const char *sep, GString *out)
{
  static const char digits[] = "0123456789abcdef";

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && sep)
        g_string_append (out, sep);
      g_string_append_c (out, digits[bytes[i] >> 4]);
      g_string_append_c (out, digits[bytes[i] & 0xf]);
    }
}

static void
format_uint (const IotField *field, guint64 v, GString *out)
{
  guint width = iot_field_type_size (field->type) * 2;

  switch (field->base)
    {
    case IOT_BASE_HEX:
    case IOT_BASE_HEX_DEC:
      g_string_append_printf (out, "0x%0*" G_GINT64_MODIFIER "x", (int) width, v);
      break;
    case IOT_BASE_OCT:
      g_string_append_printf (out, "0%" G_GINT64_MODIFIER "o", v);
      break;
    default:
      iot_format_append_uint (out, v);
      break;
    }
}

static void
format_address (const IotNode *node, GString *out)
{
  char text[64];

  switch (node->field->type)
    {
    case IOT_FT_IPV4:
      iot_format_ipv4 (node->v.p, text, sizeof text);
      break;
    case IOT_FT_IPV6:
      iot_format_ipv6 (node->v.p, text, sizeof text);
      break;
    default:
      iot_format_ether (node->v.p, text, sizeof text);
      break;
    }
  g_string_append (out, text);
}

static void
format_abs_time_field (const IotField *field, gint64 ns, GString *out)
{
  if (field->base == IOT_BASE_TIME_EPOCH)
    iot_format_epoch_time (ns, out);
  else if (field->base == IOT_BASE_TIME_NTP_UTC && ns == 0)
    g_string_append (out, "NULL");
  else
    iot_format_abs_time (ns, field->base == IOT_BASE_TIME_UTC || field->base == IOT_BASE_TIME_NTP_UTC, out);
}

void
iot_format_field_value (IotPacket *pkt, const IotNode *node, GString *out)
{
  const IotField *field = node->field;

  if (field == NULL)
    return;
  switch (field->type)
    {
    case IOT_FT_NONE:
      /* tshark prints a label-only field as present. */
      g_string_append_c (out, '1');
      break;
    case IOT_FT_PROTOCOL:
      iot_format_label (pkt, node, out);
      break;
    case IOT_FT_BOOLEAN:
      g_string_append_c (out, node->v.u ? '1' : '0');
      break;
    case IOT_FT_UINT8:
    case IOT_FT_UINT16:
    case IOT_FT_UINT24:
    case IOT_FT_UINT32:
    case IOT_FT_UINT64:
      format_uint (field, node->v.u, out);
      break;
    case IOT_FT_FRAMENUM:
      iot_format_append_uint (out, node->v.u);
      break;
    case IOT_FT_INT8:
    case IOT_FT_INT16:
    case IOT_FT_INT32:
    case IOT_FT_INT64:
      g_string_append_printf (out, "%" G_GINT64_FORMAT, node->v.i);
      break;
    case IOT_FT_DOUBLE:
      {
        char text[G_ASCII_DTOSTR_BUF_SIZE];

        g_string_append (out, g_ascii_formatd (text, sizeof text, field->bits == IOT_FLOAT_DIGITS ? "%.6g" : "%.15g",
                                               node->v.d));
      }
      break;
    case IOT_FT_STRING:
    case IOT_FT_STRINGZ:
      iot_format_field_string (node->v.p, node->vlen, out);
      break;
    case IOT_FT_BYTES:
      /* tshark prints an empty byte string as "<MISSING>" in -T fields too. */
      if (node->vlen == 0)
        g_string_append (out, "<MISSING>");
      else
        iot_format_hex (node->v.p, node->vlen, node->field->base == IOT_BASE_SEP_COLON ? ":" : NULL, out);
      break;
    case IOT_FT_ETHER:
    case IOT_FT_IPV4:
    case IOT_FT_IPV6:
      format_address (node, out);
      break;
    case IOT_FT_EUI64:
      iot_format_hex (node->v.p, node->vlen, ":", out);
      break;
    case IOT_FT_ABSOLUTE_TIME:
      format_abs_time_field (field, node->v.i, out);
      break;
    case IOT_FT_RELATIVE_TIME:
      iot_format_rel_time (node->v.i, out);
      break;
    default:
      break;
    }
}

/* Hex digits a value shows with in the tree: a masked field's value is as
 * wide as its mask (top set bit to lowest set bit), not as its container,
 * as tshark shows it ("QoS: … (0x1)"), unless the field asks for the
 * container's width (IotField.bits).  -T fields keeps the container's
 * width (format_uint). */
static int
display_hex_digits (const IotField *field)
{
  guint bits;

  if (field->bitmask == 0 || field->bits != 0)
    return (int) iot_field_type_size (field->type) * 2;
  bits = (63u - (guint) __builtin_clzll (field->bitmask)) - (guint) __builtin_ctzll (field->bitmask) + 1u;
  return (int) ((bits + 3u) / 4u);
}

static void
format_uint_hex_display (const IotField *field, guint64 v, GString *out)
{
  g_string_append_printf (out, "0x%0*" G_GINT64_MODIFIER "x", display_hex_digits (field), v);
}

/* The value as the tree shows it: like format_uint, but hex as wide as
 * display_hex_digits says. */
static void
format_uint_tree (const IotField *field, guint64 v, GString *out)
{
  if (field->base == IOT_BASE_HEX || field->base == IOT_BASE_HEX_DEC)
    format_uint_hex_display (field, v, out);
  else
    format_uint (field, v, out);
}

static void
format_uint_display (const IotField *field, guint64 v, GString *out)
{
  const char *name = field->vals ? iot_value_name (field->vals, v) : NULL;

  if (name != NULL)
    {
      g_string_append (out, name);
      g_string_append (out, " (");
      format_uint_tree (field, v, out);
      g_string_append_c (out, ')');
      return;
    }
  format_uint_tree (field, v, out);
  if (field->base == IOT_BASE_DEC_HEX)
    {
      g_string_append (out, " (");
      format_uint_hex_display (field, v, out);
      g_string_append_c (out, ')');
    }
  else if (field->base == IOT_BASE_HEX_DEC)
    g_string_append_printf (out, " (%" G_GUINT64_FORMAT ")", v);
}

void
iot_format_display_value (IotPacket *pkt, const IotNode *node, GString *out)
{
  const IotField *field = node->field;

  switch (field->type)
    {
    case IOT_FT_BOOLEAN:
      g_string_append (out, node->v.u ? (field->true_word ? field->true_word : "Set")
                                      : (field->false_word ? field->false_word : "Not set"));
      break;
    case IOT_FT_UINT8:
    case IOT_FT_UINT16:
    case IOT_FT_UINT24:
    case IOT_FT_UINT32:
    case IOT_FT_UINT64:
      format_uint_display (field, node->v.u, out);
      break;
    case IOT_FT_INT8:
    case IOT_FT_INT16:
    case IOT_FT_INT32:
    case IOT_FT_INT64:
      {
        const char *name = field->vals ? iot_value_name (field->vals, (guint64) node->v.i) : NULL;

        if (name)
          g_string_append_printf (out, "%s (%" G_GINT64_FORMAT ")", name, node->v.i);
        else
          g_string_append_printf (out, "%" G_GINT64_FORMAT, node->v.i);
      }
      break;
    case IOT_FT_STRING:
    case IOT_FT_STRINGZ:
      iot_format_text (node->v.p, node->vlen, out);
      break;
    case IOT_FT_BYTES:
      if (node->vlen == 0)
        g_string_append (out, "<MISSING>");
      else
        {
          /* The tree shows at most 36 bytes, then an ellipsis, as tshark
           * 4.0 does (the value itself stays whole). */
          iot_format_hex (node->v.p, MIN (node->vlen, 36), node->field->base == IOT_BASE_SEP_COLON ? ":" : NULL, out);
          if (node->vlen > 36)
            g_string_append (out, "\u2026");
        }
      break;
    case IOT_FT_IPV4:
    case IOT_FT_IPV6:
      /* -N n: "name (192.0.2.1)", the address twice without a name. */
      if ((iot_resolve_get_flags () & IOT_RESOLVE_NETWORK) && node->v.p != NULL && field->base != IOT_BASE_NETMASK)
        {
          char label[300];

          iot_resolve_host_label (node->v.p, field->type == IOT_FT_IPV4 ? 4 : 16, label, sizeof label);
          g_string_append (out, label);
        }
      else
        format_address (node, out);
      break;
    case IOT_FT_ETHER:
      {
        /* With MAC resolution on, tshark labels every hardware address
         * "Name (aa:bb:cc:dd:ee:ff)". */
        char text[128];

        iot_resolve_ether_label (node->v.p, text, sizeof text);
        g_string_append (out, text);
      }
      break;
    case IOT_FT_EUI64:
      iot_format_hex (node->v.p, node->vlen, ":", out);
      break;
    case IOT_FT_RELATIVE_TIME:
      iot_format_rel_time (node->v.i, out);
      g_string_append (out, " seconds");
      break;
    case IOT_FT_ABSOLUTE_TIME:
      if (field->base == IOT_BASE_TIME_EPOCH)
        {
          iot_format_epoch_time (node->v.i, out);
          g_string_append (out, " seconds");
        }
      else
        format_abs_time_field (field, node->v.i, out);
      break;
    default:
      iot_format_field_value (pkt, node, out);
      break;
    }
}

/* Width of a masked field's bit picture: its type's, or for booleans the
 * bytes its mask reaches into. */
static guint
picture_bits (const IotField *field)
{
  guint bits = iot_field_type_size (field->type) * 8;

  if (field->type == IOT_FT_BOOLEAN && field->bits != 0)
    bits = field->bits;
  else if (field->type == IOT_FT_BOOLEAN)
    {
      guint top = 64 - (guint) __builtin_clzll (field->bitmask);

      bits = (top + 7) / 8 * 8;
    }
  return bits ? bits : 8;
}

/* ".... 0010" style picture of the bits a masked field covers. */
static void
format_bit_picture (const IotField *field, GString *out)
{
  guint bits = picture_bits (field);
  for (guint i = 0; i < bits; i++)
    {
      guint bit = bits - 1 - i;

      if (i > 0 && i % 4 == 0)
        g_string_append_c (out, ' ');
      if (field->bitmask & (G_GUINT64_CONSTANT (1) << bit))
        {
          /* The value's bit at this position. */
          g_string_append_c (out, '?');
        }
      else
        g_string_append_c (out, '.');
    }
}

static void
fill_bit_picture (const IotField *field, guint64 value, GString *out, gsize start)
{
  guint64 raw = value << iot_field_shift (field);
  guint bits = picture_bits (field);
  gsize pos = start;
  for (guint i = 0; i < bits; i++)
    {
      guint bit = bits - 1 - i;

      if (i > 0 && i % 4 == 0)
        pos++;
      if (out->str[pos] == '?')
        out->str[pos] = (raw >> bit) & 1 ? '1' : '0';
      pos++;
    }
}

void
iot_format_label (IotPacket *pkt, const IotNode *node, GString *out)
{
  const IotField *field = node->field;
  gboolean generated = (node->flags & IOT_NODE_GENERATED) != 0;
  gboolean brackets = generated && (node->label == NULL || node->label[0] != '[');

  if (brackets)
    g_string_append_c (out, '[');
  if (node->label != NULL)
    g_string_append (out, node->label);
  else if (field == NULL)
    ;
  else if (field->type == IOT_FT_PROTOCOL || field->type == IOT_FT_NONE)
    g_string_append (out, field->name);
  else
    {
      if (field->bitmask != 0 && (iot_field_type_is_integer (field->type)
                                  || field->type == IOT_FT_BOOLEAN))
        {
          gsize start = out->len;

          format_bit_picture (field, out);
          fill_bit_picture (field, iot_field_type_is_signed (field->type) ? (guint64) node->v.i
                                                                           : node->v.u,
                            out, start);
          g_string_append (out, " = ");
        }
      g_string_append (out, field->name);
      g_string_append (out, ": ");
      iot_format_display_value (pkt, node, out);
    }
  if (brackets)
    g_string_append_c (out, ']');
}

const char *
iot_format_severity (IotSeverity severity)
{
  switch (severity)
    {
    case IOT_SEV_COMMENT:
      return "Comment";
    case IOT_SEV_CHAT:
      return "Chat";
    case IOT_SEV_NOTE:
      return "Note";
    case IOT_SEV_WARN:
      return "Warning";
    case IOT_SEV_ERROR:
      return "Error";
    default:
      return "None";
    }
}

const char *
iot_format_expert_group (IotExpertGroup group)
{
  switch (group)
    {
    case IOT_GROUP_CHECKSUM:
      return "Checksum";
    case IOT_GROUP_SEQUENCE:
      return "Sequence";
    case IOT_GROUP_RESPONSE_CODE:
      return "Response";
    case IOT_GROUP_REQUEST_CODE:
      return "Request";
    case IOT_GROUP_UNDECODED:
      return "Undecoded";
    case IOT_GROUP_REASSEMBLE:
      return "Reassemble";
    case IOT_GROUP_MALFORMED:
      return "Malformed";
    case IOT_GROUP_DEBUG:
      return "Debug";
    case IOT_GROUP_PROTOCOL:
      return "Protocol";
    case IOT_GROUP_SECURITY:
      return "Security";
    case IOT_GROUP_COMMENTS:
      return "Comment";
    default:
      return "Unknown";
    }
}
