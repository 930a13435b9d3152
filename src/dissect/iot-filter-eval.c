/* iot-filter-eval.c — the display filter evaluated on a dissected frame,
 * without re-parsing. */
#define _GNU_SOURCE   /* memmem */

#include "iot-filter-private.h"
#include "iot-format.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- evaluation ------------------------------------------------------------------ */

static void
node_value (IotPacket *pkt, const IotNode *node, FValue *out)
{
  const IotField *field = node->field;

  memset (out, 0, sizeof *out);
  out->cls = iot_filter_class_of_type (field->type);
  /* What len() reports for values that are not byte strings. */
  out->len = node->length;
  switch (out->cls)
    {
    case CLASS_UINT:
      out->v.u = field->type == IOT_FT_BOOLEAN ? node->v.u != 0 : node->v.u;
      break;
    case CLASS_INT:
    case CLASS_ABSTIME:
    case CLASS_RELTIME:
      out->v.i = node->v.i;
      break;
    case CLASS_DOUBLE:
      out->v.d = node->v.d;
      break;
    case CLASS_IPV4:
      memcpy (out->v.ip, node->v.p, 4);
      out->prefix = 32;
      break;
    case CLASS_IPV6:
      memcpy (out->v.ip, node->v.p, 16);
      out->prefix = 128;
      break;
    case CLASS_STRING:
      out->v.p = node->v.p;
      out->len = node->vlen;
      break;
    case CLASS_BYTES:
    case CLASS_NONE:
      if (field->type == IOT_FT_BYTES || field->type == IOT_FT_ETHER || field->type == IOT_FT_EUI64)
        {
          out->v.p = node->v.p;
          out->len = node->vlen;
        }
      else
        {
          /* Protocols: their bytes to the end of their data; labels: the
           * bytes they cover. */
          const IotDataSource *source = iot_packet_source (pkt, node->source);
          guint32 start = MIN (node->offset, source->length);
          guint32 length = field->type == IOT_FT_PROTOCOL ? node->vlen : node->length;

          out->v.p = source->data + start;
          out->len = MIN (length, source->length - start);
        }
      out->cls = CLASS_BYTES;
      break;
    }
}

/* A pointer into an expression's scratch bytes (which may still be empty,
 * and then have no storage at all). */
static const guint8 *
scratch_at (Expr *e, guint offset)
{
  return e->bytes->data != NULL ? e->bytes->data + offset : (const guint8 *) "";
}

static void eval_expr (IotFilter *filter, Expr *e);

static void
eval_field (IotFilter *filter, Expr *e)
{
  IotPacket *pkt = filter->pkt;
  const IotNode *nodes = iot_packet_nodes (pkt);
  guint n = iot_packet_n_nodes (pkt);

  for (guint i = 0; i < n; i++)
    if (nodes[i].field == e->field)
      {
        FValue v;

        node_value (pkt, &nodes[i], &v);
        g_array_append_val (e->values, v);
      }
}

/* The bytes a value is made of, for slicing and string(). */
static void
value_bytes (const FValue *v, const guint8 **data, guint *len)
{
  if (v->cls == CLASS_IPV4 || v->cls == CLASS_IPV6)
    {
      *data = v->v.ip;
      *len = v->cls == CLASS_IPV4 ? 4 : 16;
    }
  else
    {
      *data = v->v.p;
      *len = v->len;
    }
}

static void
eval_slice (IotFilter *filter, Expr *e)
{
  GArray *in;
  GArray *spans = g_array_new (FALSE, FALSE, sizeof (guint) * 2);

  eval_expr (filter, e->arg);
  in = e->arg->values;
  /* Copy the sliced bytes first, point into them after (the array may move). */
  for (guint i = 0; i < in->len; i++)
    {
      const FValue *v = &g_array_index (in, FValue, i);
      const guint8 *data;
      guint len, span[2];
      gboolean ok = TRUE;

      value_bytes (v, &data, &len);
      span[0] = e->bytes->len;
      for (guint r = 0; r < e->n_ranges && ok; r++)
        {
          const SliceRange *range = &e->ranges[r];
          gint64 start = range->start < 0 ? (gint64) len + range->start : range->start;
          gint64 count = range->to_end ? (gint64) len - start : range->length;

          if (start < 0 || count < 0 || start + count > (gint64) len)
            ok = FALSE;
          else
            g_byte_array_append (e->bytes, data + start, (guint) count);
        }
      span[1] = e->bytes->len - span[0];
      if (ok)
        g_array_append_vals (spans, span, 1);
      else
        g_byte_array_set_size (e->bytes, span[0]);
    }
  for (guint i = 0; i < spans->len; i++)
    {
      guint *span = &g_array_index (spans, guint, i * 2);
      FValue v = { CLASS_BYTES };

      v.v.p = scratch_at (e, span[0]);
      v.len = span[1];
      g_array_append_val (e->values, v);
    }
  g_array_unref (spans);
}

static void
eval_function (IotFilter *filter, Expr *e)
{
  GArray *in;
  g_autoptr (GString) text = NULL;
  GArray *spans;

  eval_expr (filter, e->arg);
  in = e->arg->values;
  if (e->func == FUNC_COUNT)
    {
      FValue v = { CLASS_UINT };

      v.v.u = in->len;
      g_array_append_val (e->values, v);
      return;
    }
  if (e->func == FUNC_LEN)
    {
      for (guint i = 0; i < in->len; i++)
        {
          FValue v = { CLASS_UINT };

          v.v.u = g_array_index (in, FValue, i).len;
          g_array_append_val (e->values, v);
        }
      return;
    }
  text = g_string_new (NULL);
  spans = g_array_new (FALSE, FALSE, sizeof (guint) * 2);
  for (guint i = 0; i < in->len; i++)
    {
      const FValue *v = &g_array_index (in, FValue, i);
      guint span[2] = { e->bytes->len, 0 };

      if (e->func == FUNC_STRING)
        {
          g_string_truncate (text, 0);
          if (e->arg->kind == EXPR_FIELD)
            {
              /* Re-format the value the way -T fields prints it. */
              IotNode node = { .field = e->arg->field };

              if (v->cls == CLASS_IPV4 || v->cls == CLASS_IPV6)
                node.v.p = v->v.ip;
              else if (v->cls == CLASS_UINT)
                node.v.u = v->v.u;
              else if (v->cls == CLASS_DOUBLE)
                node.v.d = v->v.d;
              else if (v->cls == CLASS_INT || v->cls == CLASS_ABSTIME || v->cls == CLASS_RELTIME)
                node.v.i = v->v.i;
              else
                node.v.p = v->v.p;
              node.vlen = v->len;
              iot_format_field_value (filter->pkt, &node, text);
            }
          else
            iot_format_hex (v->v.p, v->len, ":", text);
          g_byte_array_append (e->bytes, (const guint8 *) text->str, text->len);
        }
      else
        {
          for (guint k = 0; k < v->len; k++)
            {
              guint8 c = e->func == FUNC_LOWER ? g_ascii_tolower (v->v.p[k]) : g_ascii_toupper (v->v.p[k]);

              g_byte_array_append (e->bytes, &c, 1);
            }
        }
      span[1] = e->bytes->len - span[0];
      g_array_append_vals (spans, span, 1);
    }
  for (guint i = 0; i < spans->len; i++)
    {
      guint *span = &g_array_index (spans, guint, i * 2);
      FValue v = { CLASS_STRING };

      v.v.p = scratch_at (e, span[0]);
      v.len = span[1];
      g_array_append_val (e->values, v);
    }
  g_array_unref (spans);
}

static void eval_expr (IotFilter *filter, Expr *e);

/* "field & mask": integers bit by bit; bytes byte by byte (as long as the
 * shorter of the two). */
static void
eval_bitand (IotFilter *filter, Expr *e)
{
  const FValue *mask = &e->arg2->value;
  guint start = 0;

  eval_expr (filter, e->arg);
  if (e->cls != CLASS_BYTES)
    {
      for (guint i = 0; i < e->arg->values->len; i++)
        {
          FValue v = g_array_index (e->arg->values, FValue, i);

          v.v.u &= mask->v.u;
          g_array_append_val (e->values, v);
        }
      return;
    }
  for (guint i = 0; i < e->arg->values->len; i++)
    {
      const FValue *v = &g_array_index (e->arg->values, FValue, i);

      for (guint k = 0; k < MIN (v->len, mask->len); k++)
        {
          guint8 b = v->v.p[k] & mask->v.p[k];

          g_byte_array_append (e->bytes, &b, 1);
        }
    }
  /* Point into the scratch bytes only once they stop moving. */
  for (guint i = 0; i < e->arg->values->len; i++)
    {
      const FValue *v = &g_array_index (e->arg->values, FValue, i);
      FValue out = { CLASS_BYTES };

      out.len = MIN (v->len, mask->len);
      out.v.p = scratch_at (e, start);
      start += out.len;
      g_array_append_val (e->values, out);
    }
}

static void
eval_expr (IotFilter *filter, Expr *e)
{
  /* A literal's value (or its lack of one) is the same in every frame:
   * it is put in place once, not again per frame and comparison. */
  if (e->kind == EXPR_LITERAL)
    {
      if (e->values->len == 0 && !e->no_value)
        g_array_append_val (e->values, e->value);
      return;
    }
  g_array_set_size (e->values, 0);
  g_byte_array_set_size (e->bytes, 0);
  switch (e->kind)
    {
    case EXPR_FIELD:
      eval_field (filter, e);
      break;
    case EXPR_LITERAL:
      break;
    case EXPR_SLICE:
      eval_slice (filter, e);
      break;
    case EXPR_FUNC:
      eval_function (filter, e);
      break;
    case EXPR_BITAND:
      eval_bitand (filter, e);
      break;
    }
}

static gboolean
memchr_nonzero (const guint8 *p, guint len)
{
  for (guint i = 0; i < len; i++)
    if (p[i] != 0)
      return TRUE;
  return FALSE;
}

static gboolean
contains_bytes (const FValue *hay, const FValue *needle)
{
  if (needle->len == 0)
    return TRUE;
  if (needle->len > hay->len)
    return FALSE;
  return memmem (hay->v.p, hay->len, needle->v.p, needle->len) != NULL;
}

static gboolean
pair_holds (Test *t, const FValue *a, const FValue *b)
{
  int c;

  if (t->op == OP_CONTAINS)
    return contains_bytes (a, b);
  if (t->op == OP_MATCHES)
    return g_regex_match_full (t->regex, (const char *) a->v.p, a->len, 0, 0, NULL, NULL);
  c = iot_filter_compare_values (a, b);
  switch (t->op)
    {
    case OP_ANY_EQ:
    case OP_ALL_EQ:
      return c == 0;
    case OP_ALL_NE:
    case OP_ANY_NE:
      return c != 0;
    case OP_GT:
      return c > 0;
    case OP_GE:
      return c >= 0;
    case OP_LT:
      return c < 0;
    case OP_LE:
      return c <= 0;
    default:
      return FALSE;
    }
}

static gboolean
eval_comparison (IotFilter *filter, Test *t)
{
  GArray *a, *b;
  gboolean all = t->op == OP_ALL_NE || t->op == OP_ALL_EQ;

  eval_expr (filter, t->lhs);
  if (t->op == OP_MATCHES)
    {
      b = NULL;
    }
  else
    eval_expr (filter, t->rhs);
  a = t->lhs->values;
  b = t->op == OP_MATCHES ? t->lhs->values : t->rhs->values;
  if (a->len == 0)
    return FALSE;
  /* A literal without a value (see no_value): as in Wireshark, no pair
   * holds, so "all" is vacuously true and "any" false. */
  if (b->len == 0)
    return t->op != OP_MATCHES && t->rhs->kind == EXPR_LITERAL && t->rhs->no_value ? all : FALSE;
  for (guint i = 0; i < a->len; i++)
    for (guint j = 0; j < (t->op == OP_MATCHES ? 1 : b->len); j++)
      {
        gboolean holds = pair_holds (t, &g_array_index (a, FValue, i), &g_array_index (b, FValue, j));

        if (all && !holds)
          return FALSE;
        if (!all && holds)
          return TRUE;
      }
  return all;
}

static gboolean
eval_in (IotFilter *filter, Test *t)
{
  GArray *values;

  eval_expr (filter, t->lhs);
  values = t->lhs->values;
  for (guint i = 0; i < values->len; i++)
    for (guint k = 0; k < t->set->len; k++)
      {
        const SetItem *item = &g_array_index (t->set, SetItem, k);
        const FValue *v = &g_array_index (values, FValue, i);

        if (item->empty)
          continue;
        if (item->range ? iot_filter_compare_values (v, &item->low) >= 0 && iot_filter_compare_values (v, &item->high) <= 0
                        : iot_filter_compare_values (v, &item->low) == 0)
          return TRUE;
      }
  return FALSE;
}

static gboolean
eval_test (IotFilter *filter, Test *t)
{
  switch (t->kind)
    {
    case TEST_AND:
      for (guint i = 0; i < t->operands->len; i++)
        if (!eval_test (filter, g_ptr_array_index (t->operands, i)))
          return FALSE;
      return TRUE;
    case TEST_OR:
      for (guint i = 0; i < t->operands->len; i++)
        if (eval_test (filter, g_ptr_array_index (t->operands, i)))
          return TRUE;
      return FALSE;
    case TEST_NOT:
      return !eval_test (filter, t->a);
    case TEST_EXISTS:
      eval_expr (filter, t->lhs);
      return t->lhs->values->len > 0;
    case TEST_TRUTH:
      eval_expr (filter, t->lhs);
      for (guint i = 0; i < t->lhs->values->len; i++)
        {
          const FValue *v = &g_array_index (t->lhs->values, FValue, i);

          if (v->cls != CLASS_BYTES ? v->v.u != 0 : memchr_nonzero (v->v.p, v->len))
            return TRUE;
        }
      return FALSE;
    case TEST_CMP:
      return eval_comparison (filter, t);
    case TEST_IN:
      return eval_in (filter, t);
    }
  return FALSE;
}

gboolean
iot_filter_matches (IotFilter *filter, IotPacket *pkt)
{
  gboolean result;

  filter->pkt = pkt;
  result = eval_test (filter, filter->root);
  filter->pkt = NULL;
  return result;
}

/* ---- fields a match needs ------------------------------------------------------ */

/* The field whose values @e reads as they are (not a slice, a function or
 * a literal), or NULL. */
static const IotField *
plain_field (const Expr *e)
{
  return e != NULL && e->kind == EXPR_FIELD ? e->field : NULL;
}

/* Adds to @set fields of which a frame @t holds for has one; FALSE when
 * not known (and @set may have gained fields: a larger set still holds).  Every test of a field is false without a value of it (see
 * eval_comparison(): no pair, no match, either side); an AND needs what
 * any one of its operands needs, an OR what each of them does. */
static gboolean
needed_fields (const Test *t, IotFieldSet *set)
{
  const IotField *field = NULL;

  switch (t->kind)
    {
    case TEST_AND:
      /* The first operand whose fields' layers are known (see
       * iot_field_set_carriers()), else the first that needs any. */
      for (guint i = 0; i < t->operands->len; i++)
        {
          g_autoptr (IotFieldSet) one = iot_field_set_new ();
          g_autofree guint8 *carriers = NULL;

          if (!needed_fields (g_ptr_array_index (t->operands, i), one))
            continue;
          carriers = iot_field_set_carriers (one);
          if (carriers != NULL)
            return needed_fields (g_ptr_array_index (t->operands, i), set);
        }
      for (guint i = 0; i < t->operands->len; i++)
        if (needed_fields (g_ptr_array_index (t->operands, i), set))
          return TRUE;
      return FALSE;
    case TEST_OR:
      for (guint i = 0; i < t->operands->len; i++)
        if (!needed_fields (g_ptr_array_index (t->operands, i), set))
          return FALSE;
      return TRUE;
    case TEST_NOT:
      return FALSE;
    case TEST_EXISTS:
    case TEST_TRUTH:
    case TEST_IN:
      field = plain_field (t->lhs);
      break;
    case TEST_CMP:
      field = plain_field (t->lhs);
      if (field == NULL && t->op != OP_MATCHES)
        field = plain_field (t->rhs);
      break;
    }
  if (field == NULL || field->id < 0)
    return FALSE;
  iot_field_set_add (set, field);
  return TRUE;
}

gboolean
iot_filter_needed_fields (IotFilter *filter, IotFieldSet *set)
{
  g_autoptr (IotFieldSet) found = iot_field_set_new ();

  if (filter == NULL || filter->root == NULL || !needed_fields (filter->root, found))
    return FALSE;
  for (guint id = 0; id < iot_registry_n_fields (); id++)
    {
      const IotField *field = iot_registry_field_by_id (id);

      if (field != NULL && iot_field_set_contains (found, field))
        iot_field_set_add (set, field);
    }
  return TRUE;
}
