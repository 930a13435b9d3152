/* tcp-options.c — the TCP options: their rows and what the analysis needs
 * from them (window scale, SACK). */
#include "tcp-private.h"

#include <string.h>

/* ---- options ------------------------------------------------------------- */

typedef struct {
  IotPacket *pkt;
  IotBuf    *buf;
  int        tree;           /* the options row */
  GString   *summary;        /* names for the options row label */
  Segment   *seg;
  guint32    sack_base;      /* relative base for SACK edges */
} OptionCtx;

/* An option row with its kind (and length) children; NULL-safe on -1. */
static int
option_row (OptionCtx *ctx, int field, guint off, guint len, gboolean with_len)
{
  int row = iot_tree_add_item (ctx->pkt, ctx->tree, &tcp_fields[field], ctx->buf, off,
                               MIN (len, iot_buf_remaining (ctx->buf, off)), FALSE);

  iot_tree_set_length (ctx->pkt, row, len);
  iot_tree_add_item (ctx->pkt, row, &tcp_fields[F_OPTION_KIND], ctx->buf, off, 1, FALSE);
  if (with_len)
    iot_tree_add_item (ctx->pkt, row, &tcp_fields[F_OPTION_LEN], ctx->buf, off + 1, 1, FALSE);
  return row;
}

static void
summary_add (OptionCtx *ctx, const char *name)
{
  if (ctx->summary != NULL)
    g_string_append_printf (ctx->summary, ", %s", name);
}

/* Reads one option's value; returns FALSE if it ran past the capture. */
static gboolean
dissect_option (OptionCtx *ctx, guint8 kind, guint off, guint len)
{
  IotPacket *pkt = ctx->pkt;
  IotBuf *buf = ctx->buf;
  int row, node;

  switch (kind)
    {
    case 2:
      {
        guint16 mss;

        summary_add (ctx, "Maximum segment size");
        row = option_row (ctx, F_OPT_MSS, off, len, TRUE);
        if (!iot_buf_has (buf, off + 2, 2))
          return FALSE;
        mss = iot_buf_u16 (buf, off + 2);
        iot_tree_add_item (pkt, row, &tcp_fields[F_MSS_VAL], buf, off + 2, 2, FALSE);
        iot_tree_set_label (pkt, row, "TCP Option - Maximum segment size: %u bytes", mss);
        iot_col_append_info (pkt, " MSS=%u", mss);
        return TRUE;
      }
    case 3:
      {
        guint8 shift;

        summary_add (ctx, "Window scale");
        row = option_row (ctx, F_OPT_WSCALE, off, len, TRUE);
        if (!iot_buf_has (buf, off + 2, 1))
          return FALSE;
        shift = iot_buf_u8 (buf, off + 2);
        node = iot_tree_add_item (pkt, row, &tcp_fields[F_WSCALE_SHIFT], buf, off + 2, 1, FALSE);
        if (shift > 14)
          iot_expert_add_info (pkt, node, &tcp_experts[E_WSCALE_SHIFT_INVALID],
                               "Window scale shift exceeds 14 (%u)", shift);
        shift = MIN (shift, 14);
        node = iot_tree_add_uint (pkt, row, &tcp_fields[F_WSCALE_MULTIPLIER], buf, off + 2, 1, 1u << shift);
        iot_tree_set_generated (pkt, node);
        iot_tree_set_label (pkt, row, "TCP Option - Window scale: %u (multiply by %u)", shift, 1u << shift);
        iot_col_append_info (pkt, " WS=%u", 1u << shift);
        ctx->seg->has_wscale = TRUE;
        ctx->seg->wscale_shift = shift;
        return TRUE;
      }
    case 4:
      summary_add (ctx, "SACK permitted");
      row = option_row (ctx, F_OPT_SACK_PERM, off, len, TRUE);
      iot_tree_set_label (pkt, row, "%s", tcp_fields[F_OPT_SACK_PERM].name);
      iot_col_append_info (pkt, " SACK_PERM");
      return TRUE;
    case 5:
      {
        GString *label = iot_packet_wants_tree (pkt) ? g_string_new ("TCP Option - SACK") : NULL;
        guint count = 0;

        summary_add (ctx, "SACK");
        row = option_row (ctx, F_OPT_SACK, off, len, TRUE);
        for (guint p = off + 2; p + 8 <= off + len; p += 8, count++)
          {
            guint32 le, re;

            if (!iot_buf_has (buf, p, 4))
              {
                if (label)
                  g_string_free (label, TRUE);
                return FALSE;
              }
            le = iot_buf_u32 (buf, p) - ctx->sack_base;
            node = iot_tree_add_uint (pkt, row, &tcp_fields[F_SACK_LE], buf, p, 4, le);
            iot_tree_set_label (pkt, node, "left edge = %u (relative)", le);
            if (!iot_buf_has (buf, p + 4, 4))
              {
                if (label)
                  g_string_free (label, TRUE);
                return FALSE;
              }
            re = iot_buf_u32 (buf, p + 4) - ctx->sack_base;
            node = iot_tree_add_uint (pkt, row, &tcp_fields[F_SACK_RE], buf, p + 4, 4, re);
            iot_tree_set_label (pkt, node, "right edge = %u (relative)", re);
            iot_col_append_info (pkt, " SLE=%u SRE=%u", le, re);
            ctx->seg->sack_bytes += re - le;
            if (label)
              g_string_append_printf (label, " %u-%u", le, re);
          }
        node = iot_tree_add_uint (pkt, row, &tcp_fields[F_SACK_COUNT], buf, off, 0, count);
        iot_tree_set_generated (pkt, node);
        if (label)
          {
            iot_tree_set_label (pkt, row, "%s", label->str);
            g_string_free (label, TRUE);
          }
        return TRUE;
      }
    case 8:
      {
        guint32 tsval, tsecr;

        summary_add (ctx, "Timestamps");
        row = option_row (ctx, F_OPT_TIMESTAMP, off, len, TRUE);
        if (!iot_buf_has (buf, off + 2, 4))
          return FALSE;
        tsval = iot_buf_u32 (buf, off + 2);
        iot_tree_add_item (pkt, row, &tcp_fields[F_TSVAL], buf, off + 2, 4, FALSE);
        if (!iot_buf_has (buf, off + 6, 4))
          return FALSE;
        tsecr = iot_buf_u32 (buf, off + 6);
        iot_tree_add_item (pkt, row, &tcp_fields[F_TSECR], buf, off + 6, 4, FALSE);
        iot_tree_set_label (pkt, row, "TCP Option - Timestamps: TSval %u, TSecr %u", tsval, tsecr);
        iot_col_append_info (pkt, " TSval=%u TSecr=%u", tsval, tsecr);
        return TRUE;
      }
    default:
      summary_add (ctx, "Unknown");
      row = option_row (ctx, F_OPT_UNKNOWN, off, len, TRUE);
      iot_tree_set_label (pkt, row, "%s", tcp_fields[F_OPT_UNKNOWN].name);
      if (len > 2)
        {
          if (!iot_buf_has (buf, off + 2, len - 2))
            return FALSE;
          iot_tree_add_item (pkt, row, &tcp_fields[F_UNKNOWN_PAYLOAD], buf, off + 2, len - 2, FALSE);
        }
      return TRUE;
    }
}

/* The smallest valid length of an option with a fixed size, else 2. */
static guint
option_min_len (guint8 kind)
{
  switch (kind)
    {
    case 2:
      return 4;
    case 3:
      return 3;
    case 4:
      return 2;
    case 8:
      return 10;
    default:
      return 2;
    }
}

static const char *
option_name (guint8 kind)
{
  switch (kind)
    {
    case 2:
      return "Maximum segment size";
    case 3:
      return "Window scale";
    case 4:
      return "SACK permitted";
    case 5:
      return "SACK";
    case 8:
      return "Timestamps";
    default:
      return "Unknown";
    }
}

/* Walks the options in [20, hdr_len).  Stops quietly at the end of the
 * captured bytes (seg->options_done stays FALSE) so that the stream facts
 * after the options are still shown; the caller reports the truncation. */
void
tcp_dissect_options (IotPacket *pkt, IotBuf *buf, int tree, guint hdr_len, Segment *seg,
                 guint32 sack_base)
{
  guint end = hdr_len, off = 20, optlen = hdr_len - 20;
  g_autoptr (GString) summary = iot_packet_wants_tree (pkt) ? g_string_new (NULL) : NULL;
  OptionCtx ctx = { pkt, buf, -1, summary, seg, sack_base };
  guint captured = MIN (optlen, iot_buf_remaining (buf, 20));

  ctx.tree = iot_tree_add_bytes (pkt, tree, &tcp_fields[F_OPTIONS], buf, 20, optlen,
                                 buf->data + MIN (20u, buf->length), captured);
  seg->options_done = FALSE;
  while (off < end)
    {
      guint8 kind, len;

      if (!iot_buf_has (buf, off, 1))
        goto out;
      kind = iot_buf_u8 (buf, off);
      if (kind == 0 || kind == 1)
        {
          int row = iot_tree_add_item (pkt, ctx.tree, &tcp_fields[kind ? F_OPT_NOP : F_OPT_EOL],
                                       buf, off, 1, FALSE);

          iot_tree_set_label (pkt, row, "%s", tcp_fields[kind ? F_OPT_NOP : F_OPT_EOL].name);
          iot_tree_add_item (pkt, row, &tcp_fields[F_OPTION_KIND], buf, off, 1, FALSE);
          summary_add (&ctx, kind ? "No-Operation (NOP)" : "End of Option List (EOL)");
          off++;
          continue;
        }
      if (!iot_buf_has (buf, off + 1, 1))
        goto out;
      len = iot_buf_u8 (buf, off + 1);
      if (len < option_min_len (kind))
        {
          iot_expert_add_info (pkt, ctx.tree, &tcp_experts[E_OPTION_LEN_INVALID],
                               "%s (with too-short option length = %u byte%s)", option_name (kind),
                               len, len == 1 ? "" : "s");
          break;
        }
      if (off + len > end)
        {
          iot_expert_add_info (pkt, ctx.tree, &tcp_experts[E_OPTION_LEN_INVALID],
                               "%s (option length = %u byte%s says option goes past end of options)",
                               option_name (kind), len, len == 1 ? "" : "s");
          break;
        }
      if (!dissect_option (&ctx, kind, off, len))
        goto out;
      off += len;
    }
  seg->options_done = TRUE;
out:
  if (summary != NULL)
    iot_tree_set_label (pkt, ctx.tree, "Options: (%u bytes)%s", optlen, summary->str);
}
