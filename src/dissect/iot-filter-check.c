/* iot-filter-check.c — the display filter's semantic check: names
 * resolved against the registry, literals converted to the type of the
 * field they are compared with, errors with their position. */
#include "iot-filter-private.h"
#include "iot-format.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- semantic check: types and literals ---------------------------------------- */

static const char *
class_name (ValueClass cls)
{
  switch (cls)
    {
    case CLASS_UINT: return "an unsigned integer";
    case CLASS_INT: return "a signed integer";
    case CLASS_DOUBLE: return "a floating-point number";
    case CLASS_BYTES: return "a byte sequence";
    case CLASS_STRING: return "a character string";
    case CLASS_IPV4: return "an IPv4 address";
    case CLASS_IPV6: return "an IPv6 address";
    case CLASS_ABSTIME: return "a date and time";
    case CLASS_RELTIME: return "a time in seconds";
    default: return "a label without a value";
    }
}

static void
set_literal_bytes (Expr *e, const guint8 *data, gsize len)
{
  g_clear_pointer (&e->storage, g_bytes_unref);
  e->storage = g_bytes_new (data, len);
  e->value.cls = CLASS_BYTES;
  e->value.v.p = g_bytes_get_data (e->storage, NULL);
  e->value.len = len;
}

/* "001b.4411.3ab7": groups of four hex digits separated by dots. */
static gboolean
parse_dotted_quads (const char *text, GByteArray *out)
{
  g_auto (GStrv) groups = g_strsplit (text, ".", -1);

  if (g_strv_length (groups) < 2)
    return FALSE;
  for (guint i = 0; groups[i] != NULL; i++)
    {
      if (strlen (groups[i]) != 4)
        return FALSE;
      for (guint k = 0; k < 4; k += 2)
        {
          guint8 byte;

          if (!g_ascii_isxdigit (groups[i][k]) || !g_ascii_isxdigit (groups[i][k + 1]))
            return FALSE;
          byte = (guint8) (g_ascii_xdigit_value (groups[i][k]) * 16 + g_ascii_xdigit_value (groups[i][k + 1]));
          g_byte_array_append (out, &byte, 1);
        }
    }
  return TRUE;
}

/* "00:1b:44", "00-1b-44", "001b.4411.3ab7", "7b" … */
static gboolean
parse_byte_string (const char *text, GByteArray *out)
{
  if (parse_dotted_quads (text, out))
    return TRUE;
  g_byte_array_set_size (out, 0);
  const char *s = text;
  char sep = 0;

  if (*s == '\0')
    return FALSE;
  while (*s)
    {
      if (!g_ascii_isxdigit (s[0]))
        return FALSE;
      if (g_ascii_isxdigit (s[1]))
        {
          guint8 byte = (guint8) (g_ascii_xdigit_value (s[0]) * 16 + g_ascii_xdigit_value (s[1]));

          g_byte_array_append (out, &byte, 1);
          s += 2;
        }
      else
        {
          guint8 byte = (guint8) g_ascii_xdigit_value (s[0]);

          /* A single digit is one byte only when separators are used. */
          if (sep == 0 && s[1] == '\0' && s != text)
            return FALSE;
          g_byte_array_append (out, &byte, 1);
          s += 1;
        }
      if (*s == '\0')
        break;
      if (*s == ':' || *s == '-' || *s == '.')
        {
          if (sep != 0 && *s != sep)
            return FALSE;
          sep = *s++;
          if (*s == '\0')
            return FALSE;
        }
      else if (sep != 0)
        return FALSE;
    }
  return TRUE;
}

/* "10.0.0.1", "10.0.0.0/8", "fe80::/10" for literal @e. */
static gboolean
parse_ip_literal (Parser *p, Expr *e, int family)
{
  FValue *out = &e->value;
  g_autofree char *addr = g_strdup (e->text);
  char *slash = strchr (addr, '/');
  guint max = family == AF_INET ? 32 : 128;
  gint64 prefix = max;

  if (slash != NULL)
    {
      *slash = '\0';
      if (!iot_filter_parse_int64 (slash + 1, &prefix) || prefix < 0)
        return FALSE;
      if (prefix > max)
        {
          p->problem = iot_filter_problem_new (e->start, e->length, "The prefix length %s is larger than %u, the bits of an %s address.",
                                    slash + 1, max, family == AF_INET ? "IPv4" : "IPv6");
          return FALSE;
        }
    }
  memset (out, 0, sizeof *out);
  if (inet_pton (family, addr, out->v.ip) != 1)
    return FALSE;
  out->cls = family == AF_INET ? CLASS_IPV4 : CLASS_IPV6;
  out->prefix = (guint8) prefix;
  return TRUE;
}

static gboolean
parse_seconds (const char *text, gint64 *ns)
{
  char *end = NULL;
  double seconds = g_ascii_strtod (text, &end);

  if (end == text || *end != '\0' || !(seconds > -9.2e9 && seconds < 9.2e9))
    return FALSE;
  *ns = (gint64) (seconds * 1e9 + (seconds < 0 ? -0.5 : 0.5));
  return TRUE;
}

/* "2026-11-26 10:00:00[.frac][ UTC|Z]" or "Nov 26, 2026 10:00:00[.frac][ UTC]";
 * local time unless marked UTC. */
static gboolean
parse_abs_time (const char *text, gint64 *ns)
{
  static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  struct tm tm = { 0 };
  char month[4] = "", frac[16] = "", zone[8] = "";
  int year, mon = 0, day, hour = 0, min = 0, sec = 0, n = 0;
  gint64 nanos = 0, t;
  gboolean utc;

  if (sscanf (text, "%d-%d-%d%n", &year, &mon, &day, &n) == 3)
    {
      const char *rest = text + n;

      if (*rest == ' ' || *rest == 'T')
        {
          int m = 0;

          if (sscanf (rest + 1, "%d:%d:%d%n", &hour, &min, &sec, &m) < 2)
            return FALSE;
          rest += 1 + m;
          if (m == 0)
            rest = strchr (rest, '\0');
        }
      if (*rest == '.')
        sscanf (rest + 1, "%15[0-9]%7s", frac, zone);
      else
        sscanf (rest, " %7s", zone);
    }
  else if (sscanf (text, "%3s %d, %d %d:%d:%d%n", month, &day, &year, &hour, &min, &sec, &n) == 6)
    {
      const char *rest = text + n;

      for (mon = 0; mon < 12 && g_ascii_strcasecmp (month, months[mon]) != 0; mon++)
        ;
      if (mon == 12)
        return FALSE;
      mon += 1;
      if (*rest == '.')
        sscanf (rest + 1, "%15[0-9] %7s", frac, zone);
      else
        sscanf (rest, " %7s", zone);
    }
  else
    return FALSE;
  utc = g_ascii_strcasecmp (zone, "UTC") == 0 || strcmp (zone, "Z") == 0;
  if (zone[0] != '\0' && !utc)
    return FALSE;
  for (guint i = 0; i < 9; i++)
    nanos = nanos * 10 + (i < strlen (frac) ? frac[i] - '0' : 0);
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  tm.tm_isdst = -1;
  t = utc ? (gint64) timegm (&tm) : (gint64) mktime (&tm);
  /* Nanoseconds since 1970 reach from 1677 to 2262. */
  if (t < G_MININT64 / 1000000000 + 1 || t > G_MAXINT64 / 1000000000 - 1)
    return FALSE;
  *ns = t * G_GINT64_CONSTANT (1000000000) + nanos;
  return TRUE;
}

/* The largest value a field of @field's type (or, without a field, of
 * class @cls) holds. */
static guint64
integer_max (ValueClass cls, const IotField *field)
{
  switch (field != NULL ? field->type : IOT_FT_NONE)
    {
    case IOT_FT_UINT8: return G_MAXUINT8;
    case IOT_FT_UINT16: return G_MAXUINT16;
    case IOT_FT_UINT24: return 0xffffff;
    case IOT_FT_UINT32: case IOT_FT_FRAMENUM: return G_MAXUINT32;
    case IOT_FT_INT8: return G_MAXINT8;
    case IOT_FT_INT16: return G_MAXINT16;
    case IOT_FT_INT32: return G_MAXINT32;
    case IOT_FT_INT64: return G_MAXINT64;
    default: return cls == CLASS_INT ? G_MAXINT64 : G_MAXUINT64;
    }
}

/* A value name ("IPv4" for eth.type) or a boolean's name. */
static gboolean
lookup_value_name (const char *text, const IotField *field, guint64 *out)
{
  if (field == NULL)
    return FALSE;
  if (field->type == IOT_FT_BOOLEAN)
    {
      if (strcmp (text, "True") == 0 || strcmp (text, "TRUE") == 0)
        return *out = 1, TRUE;
      if (strcmp (text, "False") == 0 || strcmp (text, "FALSE") == 0)
        return *out = 0, TRUE;
    }
  for (const IotValueName *vals = field->vals; vals != NULL && vals->name != NULL; vals++)
    if (g_ascii_strcasecmp (vals->name, text) == 0)
      return *out = vals->value, TRUE;
  return FALSE;
}

/* Numbers are range-checked against the field's type, never wrapped: the
 * sign is an operator, so "-5" checks 5 (and, like Wireshark, rejects the
 * most negative value of a signed type).  A @mask keeps the two's
 * complement of a negative number. */
static gboolean
convert_integer_literal (Parser *p, Expr *e, ValueClass cls, const IotField *field, gboolean mask)
{
  gboolean negative = FALSE;
  guint64 magnitude, max = integer_max (cls, field);
  guint sign = e->lit_kind == LIT_UNPARSED && (e->text[0] == '-' || e->text[0] == '+');
  const char *what = field != NULL ? field->abbrev : class_name (cls);

  if (e->lit_kind == LIT_CHAR)
    magnitude = (guchar) e->text[0];
  else
    switch (iot_filter_parse_number (e->text, &negative, &magnitude))
      {
      case NUMBER_OVERFLOW:
        p->problem = iot_filter_problem_new (e->start + sign, e->length - sign,
                                  "\"%s\" causes an integer overflow: it does not fit in 64 bits.", e->text + sign);
        return FALSE;
      case NUMBER_INVALID:
        if (!lookup_value_name (e->text, field, &magnitude))
          return FALSE;
        break;
      case NUMBER_OK:
        break;
      }
  if (magnitude > max)
    {
      p->problem = iot_filter_problem_new (e->start + sign, e->length - sign, "\"%.*s\" is too big for %s: the maximum is %"
                                G_GUINT64_FORMAT ".", (int) (e->length - sign), p->src + e->start + sign, what, max);
      return FALSE;
    }
  if (negative && field != NULL && field->type == IOT_FT_BOOLEAN)
    {
      p->problem = iot_filter_problem_new (e->start, 1, "%s is a boolean: it has no negative values.", what);
      return FALSE;
    }
  e->value.cls = cls;
  if (cls == CLASS_INT)
    e->value.v.i = negative ? -(gint64) magnitude : (gint64) magnitude;
  else if (negative && mask)
    e->value.v.u = 0 - magnitude;
  else if (negative)
    e->no_value = magnitude != 0;
  else
    e->value.v.u = magnitude;
  if (field != NULL && field->type == IOT_FT_BOOLEAN)
    e->value.v.u = e->value.v.u != 0;
  return TRUE;
}

static gboolean
convert_double_literal (Parser *p, Expr *e)
{
  guint sign = e->text[0] == '-' || e->text[0] == '+';
  char *end = NULL;
  double d;

  if (e->lit_kind != LIT_UNPARSED)
    return FALSE;
  errno = 0;
  d = g_ascii_strtod (e->text, &end);
  if (end == e->text || *end != '\0' || isnan (d))
    return FALSE;
  if (errno == ERANGE)
    {
      p->problem = iot_filter_problem_new (e->start + sign, e->length - sign, "\"%s\" causes floating-point %s.",
                                e->text + sign, fabs (d) > 1 ? "overflow" : "underflow");
      return FALSE;
    }
  e->value.cls = CLASS_DOUBLE;
  e->value.v.d = d;
  return TRUE;
}

/* Gives literal @e the class @cls, interpreting its text for @field (and
 * as the mask of "&" if @mask). */
static gboolean
convert_literal_full (Parser *p, Expr *e, ValueClass cls, const IotField *field, gboolean mask)
{
  const char *what = field ? field->abbrev : class_name (cls);
  gboolean ok = FALSE;

  e->cls = cls;
  switch (cls)
    {
    case CLASS_UINT:
    case CLASS_INT:
      ok = e->lit_kind != LIT_STRING && convert_integer_literal (p, e, cls, field, mask);
      break;
    case CLASS_DOUBLE:
      ok = convert_double_literal (p, e);
      break;
    case CLASS_STRING:
      if (e->lit_kind == LIT_CHAR)
        ok = FALSE;
      else
        {
          set_literal_bytes (e, (const guint8 *) e->text, e->lit_kind == LIT_STRING ? e->value.len : strlen (e->text));
          e->value.cls = CLASS_STRING;
          ok = TRUE;
        }
      break;
    case CLASS_BYTES:
      {
        g_autoptr (GByteArray) bytes = g_byte_array_new ();

        if (e->lit_kind == LIT_STRING)
          {
            /* A quoted string against bytes: either a byte string or its text. */
            if (!parse_byte_string (e->text, bytes))
              {
                g_byte_array_set_size (bytes, 0);
                g_byte_array_append (bytes, (const guint8 *) e->text, e->value.len);
              }
            ok = TRUE;
          }
        else if (e->lit_kind == LIT_CHAR)
          {
            g_byte_array_append (bytes, (const guint8 *) e->text, 1);
            ok = TRUE;
          }
        else
          {
            gint64 number;

            ok = parse_byte_string (e->text, bytes);
            /* "eth.dst[0] == 0xff": a number stands for one byte. */
            if (!ok && iot_filter_parse_int64 (e->text, &number) && number >= 0 && number <= 0xff)
              {
                guint8 byte = (guint8) number;

                g_byte_array_set_size (bytes, 0);
                g_byte_array_append (bytes, &byte, 1);
                ok = TRUE;
              }
          }
        if (ok && field && field->type == IOT_FT_ETHER && bytes->len != 6)
          {
            p->problem = iot_filter_problem_new (e->start, e->length, "\"%s\" has too %s bytes (%u) for an Ethernet address (6).",
                                      e->text, bytes->len < 6 ? "few" : "many", bytes->len);
            ok = FALSE;
          }
        if (ok && field && field->type == IOT_FT_EUI64 && bytes->len != 8)
          {
            p->problem = iot_filter_problem_new (e->start, e->length, "\"%s\" has too %s bytes (%u) for an EUI-64 address (8).",
                                      e->text, bytes->len < 8 ? "few" : "many", bytes->len);
            ok = FALSE;
          }
        if (ok)
          set_literal_bytes (e, bytes->data, bytes->len);
      }
      break;
    case CLASS_IPV4:
      ok = parse_ip_literal (p, e, AF_INET);
      break;
    case CLASS_IPV6:
      ok = parse_ip_literal (p, e, AF_INET6);
      break;
    case CLASS_ABSTIME:
      e->value.cls = CLASS_ABSTIME;
      ok = parse_abs_time (e->text, &e->value.v.i);
      break;
    case CLASS_RELTIME:
      e->value.cls = CLASS_RELTIME;
      ok = e->lit_kind == LIT_UNPARSED && parse_seconds (e->text, &e->value.v.i);
      break;
    default:
      p->problem = iot_filter_problem_new (e->start, e->length, "%s has no value to compare with; test it on its own.",
                                field ? field->abbrev : "This field");
      return FALSE;
    }
  if (!ok && p->problem == NULL)
    {
      if (e->lit_kind == LIT_UNPARSED && iot_registry_field (e->text) == NULL && strchr (e->text, '.')
          && cls != CLASS_IPV4 && cls != CLASS_DOUBLE && cls != CLASS_RELTIME && cls != CLASS_BYTES)
        p->problem = iot_filter_problem_new (e->start, e->length, "\"%s\" is neither a field nor a valid value for %s.",
                                  e->text, what);
      else if (field && field->type == IOT_FT_BOOLEAN)
        p->problem = iot_filter_problem_new (e->start, e->length, "\"%s\" is not a boolean value for %s (use True, False, 1 or 0).",
                                  e->text, what);
      else
        p->problem = iot_filter_problem_new (e->start, e->length, "\"%s\" is not a valid value for %s (%s).",
                                  e->text, what, class_name (cls));
    }
  return ok;
}

static gboolean
convert_literal (Parser *p, Expr *e, ValueClass cls, const IotField *field)
{
  return convert_literal_full (p, e, cls, field, FALSE);
}

static gboolean check_expr (Parser *p, Expr *e, gboolean needs_value);
static const IotField *type_context (Expr *e);

static void
want_field (Parser *p, const IotField *field)
{
  iot_field_set_add (p->filter->fields, field);
}

static gboolean
check_function (Parser *p, Expr *e)
{
  if (e->arg->kind == EXPR_LITERAL)
    {
      p->problem = iot_filter_problem_new (e->arg->start, e->arg->length,
                                "\"%s\" is neither a field nor a protocol name.", e->arg->text);
      return FALSE;
    }
  if (!check_expr (p, e->arg, e->func != FUNC_COUNT))
    return FALSE;
  if (e->func == FUNC_COUNT && e->arg->kind != EXPR_FIELD)
    {
      p->problem = iot_filter_problem_new (e->arg->start, e->arg->length, "count() takes a field.");
      return FALSE;
    }
  switch (e->func)
    {
    case FUNC_LEN:
      /* Byte strings: their length; other fields: the bytes they occupy. */
      e->cls = CLASS_UINT;
      break;
    case FUNC_COUNT:
      e->cls = CLASS_UINT;
      break;
    case FUNC_LOWER:
    case FUNC_UPPER:
      if (e->arg->cls != CLASS_STRING)
        {
          p->problem = iot_filter_problem_new (e->arg->start, e->arg->length,
                                    "%s() needs a string field.", e->func == FUNC_LOWER ? "lower" : "upper");
          return FALSE;
        }
      e->cls = CLASS_STRING;
      break;
    case FUNC_STRING:
      e->cls = CLASS_STRING;
      break;
    }
  return TRUE;
}

/* Types @e; literals are left for their comparison to type. */
static gboolean
check_expr (Parser *p, Expr *e, gboolean needs_value)
{
  switch (e->kind)
    {
    case EXPR_FIELD:
      want_field (p, e->field);
      e->cls = iot_filter_class_of_type (e->field->type);
      if (e->cls == CLASS_NONE && needs_value)
        e->cls = CLASS_BYTES;   /* a label's bytes, as Wireshark slices protocols */
      return TRUE;
    case EXPR_LITERAL:
      return TRUE;
    case EXPR_SLICE:
      if (e->arg->kind == EXPR_LITERAL)
        {
          p->problem = iot_filter_problem_new (e->arg->start, e->arg->length,
                                    "\"%s\" is neither a field nor a protocol name.", e->arg->text);
          return FALSE;
        }
      if (!check_expr (p, e->arg, TRUE))
        return FALSE;
      if (!iot_filter_class_is_bytes_like (e->arg->cls) && e->arg->cls != CLASS_IPV4 && e->arg->cls != CLASS_IPV6)
        {
          p->problem = iot_filter_problem_new (e->start, e->length, "%s cannot be sliced: it is %s.",
                                    e->arg->kind == EXPR_FIELD ? e->arg->field->abbrev : "This value",
                                    class_name (e->arg->cls));
          return FALSE;
        }
      e->cls = CLASS_BYTES;
      return TRUE;
    case EXPR_FUNC:
      return check_function (p, e);
    case EXPR_BITAND:
      if (!check_expr (p, e->arg, TRUE))
        return FALSE;
      if (e->arg->cls != CLASS_UINT && e->arg->cls != CLASS_INT && e->arg->cls != CLASS_BYTES)
        {
          p->problem = iot_filter_problem_new (e->arg->start, e->arg->length, "\"&\" needs an integer field or bytes.");
          return FALSE;
        }
      if (e->arg2->kind != EXPR_LITERAL)
        {
          p->problem = iot_filter_problem_new (e->arg2->start, e->arg2->length, "The mask of \"&\" must be a number.");
          return FALSE;
        }
      /* The field bounds an integer mask; a byte mask has any length. */
      if (!convert_literal_full (p, e->arg2, e->arg->cls, e->arg->cls == CLASS_BYTES ? NULL : type_context (e->arg),
                                 TRUE))
        return FALSE;
      e->cls = e->arg->cls;
      return TRUE;
    }
  return FALSE;
}

/* The field that gives a literal compared with @e its meaning (value names). */
static const IotField *
type_context (Expr *e)
{
  if (e->kind == EXPR_FIELD)
    return e->field;
  if (e->kind == EXPR_BITAND)
    return type_context (e->arg);
  return NULL;
}

static gboolean
classes_compatible (ValueClass a, ValueClass b)
{
  if (a == b)
    return TRUE;
  if ((a == CLASS_UINT || a == CLASS_INT) && (b == CLASS_UINT || b == CLASS_INT))
    return TRUE;
  return iot_filter_class_is_bytes_like (a) && iot_filter_class_is_bytes_like (b);
}

static const char *
expr_text (Parser *p, Expr *e, char *buf, gsize size)
{
  g_snprintf (buf, size, "%.*s", (int) e->length, p->src + e->start);
  return buf;
}

static gboolean
check_comparison (Parser *p, Test *t)
{
  Expr *lhs = t->lhs, *rhs = t->rhs;
  char a[128], b[128];

  if (lhs->kind == EXPR_LITERAL)
    {
      if (lhs->lit_kind == LIT_UNPARSED && rhs->kind != EXPR_LITERAL)
        {
          /* "value == field": swap so the field leads. */
          Expr *tmp = lhs;
          static const CmpOp mirrored[] = {
            [OP_ANY_EQ] = OP_ANY_EQ, [OP_ALL_NE] = OP_ALL_NE, [OP_ALL_EQ] = OP_ALL_EQ,
            [OP_ANY_NE] = OP_ANY_NE, [OP_GT] = OP_LT, [OP_GE] = OP_LE, [OP_LT] = OP_GT,
            [OP_LE] = OP_GE,
          };

          if (t->op == OP_CONTAINS || t->op == OP_MATCHES)
            goto not_field;
          lhs = t->lhs = rhs;
          rhs = t->rhs = tmp;
          t->op = mirrored[t->op];
        }
      else
        goto not_field;
    }
  if (!check_expr (p, lhs, TRUE) || !check_expr (p, rhs, TRUE))
    return FALSE;

  if (t->op == OP_MATCHES)
    {
      g_autoptr (GError) error = NULL;

      if (!iot_filter_class_is_bytes_like (lhs->cls))
        {
          p->problem = iot_filter_problem_new (lhs->start, lhs->length, "%s is %s; \"matches\" needs a string or bytes.",
                                    expr_text (p, lhs, a, sizeof a), class_name (lhs->cls));
          return FALSE;
        }
      if (rhs->kind != EXPR_LITERAL || rhs->lit_kind != LIT_STRING)
        {
          p->problem = iot_filter_problem_new (rhs->start, rhs->length, "\"matches\" needs a quoted regular expression.");
          return FALSE;
        }
      t->regex = g_regex_new (rhs->text, G_REGEX_OPTIMIZE | (lhs->cls == CLASS_BYTES ? G_REGEX_RAW : 0),
                              0, &error);
      if (t->regex == NULL)
        {
          p->problem = iot_filter_problem_new (rhs->start, rhs->length, "Invalid regular expression: %s", error->message);
          return FALSE;
        }
      return TRUE;
    }
  if (t->op == OP_CONTAINS)
    {
      if (!iot_filter_class_is_bytes_like (lhs->cls))
        {
          p->problem = iot_filter_problem_new (lhs->start, lhs->length, "%s is %s; \"contains\" needs a string or bytes.",
                                    expr_text (p, lhs, a, sizeof a), class_name (lhs->cls));
          return FALSE;
        }
      if (rhs->kind == EXPR_LITERAL)
        return convert_literal (p, rhs, rhs->lit_kind == LIT_STRING ? CLASS_STRING : CLASS_BYTES, NULL);
      if (!iot_filter_class_is_bytes_like (rhs->cls))
        goto incompatible;
      return TRUE;
    }
  if (rhs->kind == EXPR_LITERAL)
    return convert_literal (p, rhs, lhs->cls, type_context (lhs));
  if (!classes_compatible (lhs->cls, rhs->cls))
    goto incompatible;
  return TRUE;

incompatible:
  p->problem = iot_filter_problem_new (lhs->start, rhs->start + rhs->length - lhs->start,
                            "%s and %s are not of compatible types.",
                            expr_text (p, lhs, a, sizeof a), expr_text (p, rhs, b, sizeof b));
  return FALSE;
not_field:
  p->problem = iot_filter_problem_new (lhs->start, lhs->length,
                            "\"%s\" is neither a field nor a protocol name.", expr_text (p, lhs, a, sizeof a));
  return FALSE;
}

static gboolean
check_set (Parser *p, Test *t)
{
  if (t->lhs->kind == EXPR_LITERAL)
    {
      p->problem = iot_filter_problem_new (t->lhs->start, t->lhs->length,
                                "\"%s\" is neither a field nor a protocol name.", t->lhs->text);
      return FALSE;
    }
  if (!check_expr (p, t->lhs, TRUE))
    return FALSE;
  t->set = g_array_new (FALSE, FALSE, sizeof (SetItem));
  for (guint i = 0; i < t->set_exprs->len; i += 2)
    {
      Expr *low = g_ptr_array_index (t->set_exprs, i), *high = g_ptr_array_index (t->set_exprs, i + 1);
      SetItem item = { 0 };

      if (low->kind != EXPR_LITERAL || (high && high->kind != EXPR_LITERAL))
        {
          Expr *bad = low->kind != EXPR_LITERAL ? low : high;

          p->problem = iot_filter_problem_new (bad->start, bad->length, "Set elements must be values, not fields.");
          return FALSE;
        }
      if (!convert_literal (p, low, t->lhs->cls, type_context (t->lhs)))
        return FALSE;
      item.low = item.high = low->value;
      item.empty = low->no_value;
      if (high != NULL)
        {
          if (!convert_literal (p, high, t->lhs->cls, type_context (t->lhs)))
            return FALSE;
          item.high = high->value;
          item.range = TRUE;
          item.empty |= high->no_value;
        }
      g_array_append_val (t->set, item);
    }
  return TRUE;
}

gboolean
iot_filter_check_test (Parser *p, Test *t)
{
  switch (t->kind)
    {
    case TEST_AND:
    case TEST_OR:
      for (guint i = 0; i < t->operands->len; i++)
        if (!iot_filter_check_test (p, g_ptr_array_index (t->operands, i)))
          return FALSE;
      return TRUE;
    case TEST_NOT:
      return iot_filter_check_test (p, t->a);
    case TEST_EXISTS:
      if (t->lhs->kind == EXPR_LITERAL)
        {
          p->problem = iot_filter_problem_new (t->lhs->start, t->lhs->length,
                                    "\"%s\" is neither a field nor a protocol name.", t->lhs->text);
          return FALSE;
        }
      return check_expr (p, t->lhs, FALSE);
    case TEST_TRUTH:
      return check_expr (p, t->lhs, TRUE);
    case TEST_CMP:
      return check_comparison (p, t);
    case TEST_IN:
      return check_set (p, t);
    }
  return FALSE;
}
