/* iot-filter.c — Wireshark's display filter language.
 *
 * Pipeline: lexer → recursive-descent parser → semantic check against the
 * field registry (names resolved, literals converted to the type of the
 * field they are compared with, errors with their position) → a tree of
 * typed tests evaluated per frame without re-parsing.
 *
 * Hostile input must not exhaust the stack: chains of "and"/"or" become one
 * node with a list of operands and runs of "not" collapse as they are read,
 * so only parentheses, function calls and slices nest, and those are
 * limited to MAX_NESTING levels (every recursive pass over the tree then
 * goes at most that deep).
 *
 * Repeated fields follow Wireshark 4.0: "==" is true if any value matches,
 * "!=" only if all values differ, "===" if all match, "!==" / "~=" if any
 * differs.
 *
 * This file: values, problems, compile and free.  The lexer and parser are
 * in iot-filter-parse.c, the semantic check in iot-filter-check.c, the
 * per-frame evaluation in iot-filter-eval.c; their shared types in
 * iot-filter-private.h.
 */
#include "iot-filter-private.h"
#include "iot-format.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

ValueClass
iot_filter_class_of_type (IotFieldType type)
{
  switch (type)
    {
    case IOT_FT_BOOLEAN:
    case IOT_FT_UINT8:
    case IOT_FT_UINT16:
    case IOT_FT_UINT24:
    case IOT_FT_UINT32:
    case IOT_FT_UINT64:
    case IOT_FT_FRAMENUM:
      return CLASS_UINT;
    case IOT_FT_INT8:
    case IOT_FT_INT16:
    case IOT_FT_INT32:
    case IOT_FT_INT64:
      return CLASS_INT;
    case IOT_FT_DOUBLE:
      return CLASS_DOUBLE;
    case IOT_FT_STRING:
    case IOT_FT_STRINGZ:
      return CLASS_STRING;
    case IOT_FT_BYTES:
    case IOT_FT_ETHER:
    case IOT_FT_EUI64:
    case IOT_FT_PROTOCOL:
      return CLASS_BYTES;
    case IOT_FT_IPV4:
      return CLASS_IPV4;
    case IOT_FT_IPV6:
      return CLASS_IPV6;
    case IOT_FT_ABSOLUTE_TIME:
      return CLASS_ABSTIME;
    case IOT_FT_RELATIVE_TIME:
      return CLASS_RELTIME;
    case IOT_FT_NONE:
    default:
      return CLASS_NONE;
    }
}

gboolean
iot_filter_class_is_bytes_like (ValueClass cls)
{
  return cls == CLASS_BYTES || cls == CLASS_STRING;
}

static int
cmp_bytes (const FValue *a, const FValue *b)
{
  /* An empty value may have no storage at all: memcmp must not see it. */
  int c = MIN (a->len, b->len) > 0 ? memcmp (a->v.p, b->v.p, MIN (a->len, b->len)) : 0;

  if (c != 0)
    return c;
  return a->len < b->len ? -1 : a->len > b->len;
}

static int
cmp_ip (const FValue *a, const FValue *b, guint bytes)
{
  guint prefix = MIN (a->prefix, b->prefix);

  for (guint i = 0; i < bytes; i++)
    {
      guint bits = prefix >= (i + 1) * 8 ? 8 : prefix > i * 8 ? prefix - i * 8 : 0;
      guint8 mask = bits == 0 ? 0 : (guint8) (0xff << (8 - bits));
      guint8 x = a->v.ip[i] & mask, y = b->v.ip[i] & mask;

      if (x != y)
        return x < y ? -1 : 1;
    }
  return 0;
}

/* Three-way comparison of two values of compatible classes. */
int
iot_filter_compare_values (const FValue *a, const FValue *b)
{
  switch (a->cls)
    {
    case CLASS_UINT:
      if (b->cls == CLASS_INT)
        return b->v.i < 0 ? 1 : (a->v.u > (guint64) b->v.i) - (a->v.u < (guint64) b->v.i);
      return (a->v.u > b->v.u) - (a->v.u < b->v.u);
    case CLASS_INT:
      if (b->cls == CLASS_UINT)
        return -iot_filter_compare_values (b, a);
      return (a->v.i > b->v.i) - (a->v.i < b->v.i);
    case CLASS_ABSTIME:
    case CLASS_RELTIME:
      return (a->v.i > b->v.i) - (a->v.i < b->v.i);
    case CLASS_DOUBLE:
      return (a->v.d > b->v.d) - (a->v.d < b->v.d);
    case CLASS_IPV4:
      return cmp_ip (a, b, 4);
    case CLASS_IPV6:
      return cmp_ip (a, b, 16);
    case CLASS_BYTES:
    case CLASS_STRING:
      return cmp_bytes (a, b);
    default:
      return 0;
    }
}

/* ---- problems --------------------------------------------------------------- */

void
iot_filter_problem_free (IotFilterProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->message);
  g_free (problem);
}

/* Characters (not bytes) in text[from, to): a byte that is not part of
 * valid UTF-8 counts as one character, as a terminal shows it. */
static guint
count_characters (const char *text, guint from, guint to)
{
  guint n = 0;

  for (guint i = from; i < to && text[i] != '\0'; n++)
    {
      gunichar c = (guchar) text[i] < 0x80 ? (gunichar) text[i]
                   : g_utf8_get_char_validated (text + i, to - i);

      i += c == (gunichar) -1 || c == (gunichar) -2 ? 1 : (guint) g_utf8_skip[(guchar) text[i]];
    }
  return n;
}

guint
iot_filter_problem_column (const IotFilterProblem *problem, const char *text)
{
  return count_characters (text, 0, problem->start);
}

char *
iot_filter_problem_format (const IotFilterProblem *problem, const char *text)
{
  GString *out = g_string_new (problem->message);
  guint column = iot_filter_problem_column (problem, text);
  guint width = count_characters (text, problem->start, problem->start + problem->length);

  g_string_append_printf (out, "\n    %s\n    ", text);
  for (guint i = 0; i < column; i++)
    g_string_append_c (out, ' ');
  g_string_append_c (out, '^');
  for (guint i = 1; i < width; i++)
    g_string_append (out, "~");
  return g_string_free (out, FALSE);
}

/* Messages quote the filter, which may hold any bytes inside quotes; what
 * is shown to the user must be valid UTF-8. */
char *
iot_filter_message_vprintf (const char *fmt, va_list ap)
{
  g_autofree char *message = g_strdup_vprintf (fmt, ap);

  return g_utf8_make_valid (message, -1);
}

IotFilterProblem *
iot_filter_problem_new (guint start, guint length, const char *fmt, ...)
{
  IotFilterProblem *problem = g_new0 (IotFilterProblem, 1);
  va_list ap;

  va_start (ap, fmt);
  problem->message = iot_filter_message_vprintf (fmt, ap);
  va_end (ap);
  problem->start = start;
  problem->length = MAX (length, 1);
  return problem;
}

/* ---- compile / free ------------------------------------------------------------ */

static void
expr_free (Expr *e)
{
  g_free (e->text);
  g_free (e->ranges);
  g_clear_pointer (&e->storage, g_bytes_unref);
  g_array_unref (e->values);
  g_byte_array_unref (e->bytes);
  g_free (e);
}

static void
test_free (Test *t)
{
  if (t->set)
    g_array_unref (t->set);
  if (t->set_exprs)
    g_ptr_array_unref (t->set_exprs);
  if (t->operands)
    g_ptr_array_unref (t->operands);
  g_clear_pointer (&t->regex, g_regex_unref);
  g_free (t);
}

void
iot_filter_free (IotFilter *filter)
{
  if (filter == NULL)
    return;
  g_ptr_array_unref (filter->exprs);
  g_ptr_array_unref (filter->tests);
  g_ptr_array_unref (filter->warnings);
  iot_field_set_free (filter->fields);
  g_free (filter->text);
  g_free (filter);
}

IotFilter *
iot_filter_compile (const char *text, IotFilterProblem **problem)
{
  IotFilter *filter = g_new0 (IotFilter, 1);
  Parser p = { 0 };
  Token *end;

  iot_registry_init ();
  filter->text = g_strdup (text);
  filter->fields = iot_field_set_new ();
  filter->warnings = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_filter_problem_free);
  filter->exprs = g_ptr_array_new_with_free_func ((GDestroyNotify) expr_free);
  filter->tests = g_ptr_array_new_with_free_func ((GDestroyNotify) test_free);
  p.src = filter->text;
  p.filter = filter;
  p.tokens = g_array_new (FALSE, TRUE, sizeof (Token));

  if (iot_filter_lex (&p))
    {
      if (iot_filter_peek (&p)->kind == TOK_END)
        p.problem = iot_filter_problem_new (0, 1, "The filter is empty.");
      else
        {
          filter->root = iot_filter_parse_or (&p);
          end = iot_filter_peek (&p);
          if (filter->root != NULL && end->kind != TOK_END)
            iot_filter_unexpected (&p, end);
          else if (filter->root != NULL)
            iot_filter_check_test (&p, filter->root);
        }
    }
  for (guint i = 0; i < p.tokens->len; i++)
    g_free (g_array_index (p.tokens, Token, i).text);
  g_array_unref (p.tokens);
  if (p.problem != NULL)
    {
      if (problem)
        *problem = p.problem;
      else
        iot_filter_problem_free (p.problem);
      iot_filter_free (filter);
      return NULL;
    }
  return filter;
}

const char *
iot_filter_text (IotFilter *filter)
{
  return filter->text;
}

guint
iot_filter_n_warnings (IotFilter *filter)
{
  return filter->warnings->len;
}

const IotFilterProblem *
iot_filter_warning (IotFilter *filter, guint index)
{
  return g_ptr_array_index (filter->warnings, index);
}

const IotFieldSet *
iot_filter_fields (IotFilter *filter)
{
  return filter->fields;
}

void
iot_filter_add_fields (IotFilter *filter, IotFieldSet *set)
{
  for (guint i = 0; i < set->n_bits && i < filter->fields->n_bits; i++)
    if (filter->fields->bits[i / 8] & (1u << (i % 8)))
      set->bits[i / 8] |= 1u << (i % 8);
  /* The layers that may be left out follow the fields. */
  g_clear_pointer (&set->skip, g_free);
  set->skip_ready = FALSE;
}
