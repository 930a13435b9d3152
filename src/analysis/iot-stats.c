/* iot-stats.c — several -z reports from one pass: the requests, what
 * they need dissected, and the address and size texts every table shares.
 * The tables themselves live in iot-stats-conv.c, -phs.c, -expert.c,
 * -io.c and -histogram.c.
 *
 * The layouts (column widths, units, sort order) follow tshark's output
 * so scripts written for one work with the other; the code is our own.
 */

#include "iot-stats.h"
#include "iot-stats-private.h"
#include "iot-stats-trees.h"
#include "iot-resolve.h"
#include "iot-format.h"

#include <stdio.h>
#include <string.h>


/* ---- names and numbers ------------------------------------------------------- */

/* A hardware address in the conversation and endpoint tables: its maker or
 * well-known name when MAC resolution is on (tshark's default), as the
 * packet list shows it. */
static char *
ether_name (const guint8 *mac)
{
  char text[96];

  if (!iot_resolve_ether (mac, text, sizeof text))
    iot_format_ether (mac, text, sizeof text);
  return g_strdup (text);
}

char *
iot_stats_address_value (const IotAddress *addr)
{
  char text[64];

  switch (addr->family)
    {
    case 4:
      iot_format_ipv4 (addr->bytes, text, sizeof text);
      break;
    case 6:
      iot_format_ipv6 (addr->bytes, text, sizeof text);
      break;
    default:
      iot_format_ether (addr->bytes, text, sizeof text);
      break;
    }
  return g_strdup (text);
}

char *
iot_stats_address_name (const IotAddress *addr)
{
  /* Only MAC addresses get names (vendor prefixes, broadcast). */
  if (addr->family == 4 || addr->family == 6)
    return iot_stats_address_value (addr);
  return ether_name (addr->bytes);
}

char *
iot_stats_format_size (guint64 bytes)
{
  gint64 size = (gint64) bytes;
  gint64 k = size / 1000, m = k / 1000, g = m / 1000, t = g / 1000;

  /* The largest unit that still shows at least two digits, cut (not
   * rounded) to a whole number; thousands grouped as the locale says. */
  if (t >= 10)
    return g_strdup_printf ("%'" G_GINT64_FORMAT " TB", t);
  if (g >= 10)
    return g_strdup_printf ("%'" G_GINT64_FORMAT " GB", g);
  if (m >= 10)
    return g_strdup_printf ("%'" G_GINT64_FORMAT " MB", m);
  if (k >= 10)
    return g_strdup_printf ("%'" G_GINT64_FORMAT " kB", k);
  return g_strdup_printf ("%'" G_GINT64_FORMAT " bytes", size);
}


gboolean
iot_stats_compile_report_filter (const char *text, IotFilter **filter, GError **error)
{
  g_autoptr (IotFilterProblem) problem = NULL;

  *filter = NULL;
  if (text == NULL || *text == '\0')
    return TRUE;
  *filter = iot_filter_compile (text, &problem);
  if (*filter == NULL)
    {
      g_autofree char *message = iot_filter_problem_format (problem, text);

      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s", message);
      return FALSE;
    }
  return TRUE;
}

/* ---- several reports from one pass ------------------------------------------------------------ */

typedef enum {
  REPORT_PHS,
  REPORT_CONV,
  REPORT_ENDPOINTS,
  REPORT_EXPERT,
  REPORT_IO,
  REPORT_HISTOGRAM,
  REPORT_TREE,
} ReportKind;

typedef struct {
  ReportKind  kind;
  char       *filter_text;
  IotFilter  *filter;
  IotConvType conv_type;
  IotProtocolHierarchy *phs;
  IotConversationTable *conv;
  IotEndpointTable     *endpoints;
  IotExpertSummary     *expert;
  IotIoStat            *io;
  IotHistogram         *histogram;
  IotStatsTree         *tree;
} Report;

static void
report_free (gpointer data)
{
  Report *r = data;

  g_free (r->filter_text);
  iot_filter_free (r->filter);
  iot_protocol_hierarchy_free (r->phs);
  iot_conversation_table_free (r->conv);
  iot_endpoint_table_free (r->endpoints);
  iot_expert_summary_free (r->expert);
  iot_io_stat_free (r->io);
  iot_histogram_free (r->histogram);
  iot_stats_tree_free (r->tree);
  g_free (r);
}

struct _IotStats {
  GPtrArray *reports;
  gboolean   wants_conversations;
  gint64     first_ns;
};

IotStats *
iot_stats_new (void)
{
  IotStats *stats = g_new0 (IotStats, 1);

  stats->reports = g_ptr_array_new_with_free_func (report_free);
  return stats;
}

void
iot_stats_free (IotStats *stats)
{
  if (stats == NULL)
    return;
  g_ptr_array_unref (stats->reports);
  g_free (stats);
}

/* "plen,tree[,FILTER]" (tshark's) or "iat,tree[,FILTER]" (ours): returns
 * where the filter would start (possibly ""), NULL for another spec. */
static const char *
histogram_spec_kind (const char *spec, IotHistogramKind *kind)
{
  static const struct {
    const char      *prefix;
    IotHistogramKind kind;
  } trees[] = {
    { "plen,tree", IOT_HISTOGRAM_FRAME_LENGTH },
    { "iat,tree", IOT_HISTOGRAM_INTER_FRAME },
  };

  for (guint i = 0; i < G_N_ELEMENTS (trees); i++)
    {
      gsize len = strlen (trees[i].prefix);

      if (strncmp (spec, trees[i].prefix, len) != 0 || (spec[len] != '\0' && spec[len] != ','))
        continue;
      if (kind != NULL)
        *kind = trees[i].kind;
      return spec[len] == ',' ? spec + len + 1 : spec + len;
    }
  return NULL;
}

gboolean
iot_stats_handles (const char *spec)
{
  return strcmp (spec, "io,phs") == 0 || g_str_has_prefix (spec, "io,phs,")
         || g_str_has_prefix (spec, "io,stat,") || g_str_has_prefix (spec, "conv,")
         || g_str_has_prefix (spec, "endpoints,") || g_str_has_prefix (spec, "expert")
         || histogram_spec_kind (spec, NULL) != NULL || iot_stats_tree_parse_spec (spec, NULL) != NULL;
}

/* "TYPE" or "TYPE,FILTER" after "conv," / "endpoints,". */
static gboolean
parse_conv_args (Report *r, const char *args, GError **error)
{
  const char *comma = strchr (args, ',');
  g_autofree char *type = comma ? g_strndup (args, comma - args) : g_strdup (args);

  if (!iot_conv_type_parse (type, &r->conv_type))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "unknown conversation type \"%s\" (supported: eth, ip, ipv6, tcp, udp)", type);
      return FALSE;
    }
  if (comma != NULL)
    r->filter_text = g_strdup (comma + 1);
  return TRUE;
}

/* After "expert": an optional ",error|warn|note|chat|comment" (matched as
 * a prefix, as tshark does), then an optional ",FILTER". */
static IotSeverity
parse_expert_args (Report *r, const char *args)
{
  static const struct {
    const char *word;
    IotSeverity severity;
  } levels[] = {
    { ",error", IOT_SEV_ERROR }, { ",warn", IOT_SEV_WARN }, { ",note", IOT_SEV_NOTE },
    { ",chat", IOT_SEV_CHAT }, { ",comment", IOT_SEV_COMMENT },
  };
  IotSeverity min = IOT_SEV_COMMENT;

  for (guint i = 0; i < G_N_ELEMENTS (levels); i++)
    if (g_ascii_strncasecmp (args, levels[i].word, strlen (levels[i].word)) == 0)
      {
        min = levels[i].severity;
        args += strlen (levels[i].word);
        break;
      }
  if (args[0] == ',')
    r->filter_text = g_strdup (args + 1);
  return min;
}

gboolean
iot_stats_add_request (IotStats *stats, const char *spec, GError **error)
{
  Report *r = g_new0 (Report, 1);
  IotHistogramKind histogram_kind;
  const char *histogram_filter = histogram_spec_kind (spec, &histogram_kind);
  IotStatsTreeKind tree_kind;
  const char *tree_filter = iot_stats_tree_parse_spec (spec, &tree_kind);

  if (tree_filter != NULL)
    {
      r->kind = REPORT_TREE;
      if (*tree_filter != '\0')
        r->filter_text = g_strdup (tree_filter);
      r->tree = iot_stats_tree_new (tree_kind);
    }
  else if (histogram_filter != NULL)
    {
      r->kind = REPORT_HISTOGRAM;
      if (*histogram_filter != '\0')
        r->filter_text = g_strdup (histogram_filter);
      r->histogram = iot_histogram_new (histogram_kind);
    }
  else if (strcmp (spec, "io,phs") == 0 || g_str_has_prefix (spec, "io,phs,"))
    {
      r->kind = REPORT_PHS;
      if (spec[6] == ',')
        r->filter_text = g_strdup (spec + 7);
      r->phs = iot_protocol_hierarchy_new ();
    }
  else if (g_str_has_prefix (spec, "io,stat,"))
    {
      r->kind = REPORT_IO;
      r->io = iot_io_stat_parse (spec, error);
      if (r->io == NULL)
        goto fail;
    }
  else if (g_str_has_prefix (spec, "conv,"))
    {
      r->kind = REPORT_CONV;
      if (!parse_conv_args (r, spec + strlen ("conv,"), error))
        goto fail;
      r->conv = iot_conversation_table_new (r->conv_type);
    }
  else if (g_str_has_prefix (spec, "endpoints,"))
    {
      r->kind = REPORT_ENDPOINTS;
      if (!parse_conv_args (r, spec + strlen ("endpoints,"), error))
        goto fail;
      r->endpoints = iot_endpoint_table_new (r->conv_type);
    }
  else if (g_str_has_prefix (spec, "expert"))
    {
      r->kind = REPORT_EXPERT;
      r->expert = iot_expert_summary_new (parse_expert_args (r, spec + strlen ("expert")));
    }
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "unknown statistics \"%s\"", spec);
      goto fail;
    }
  if (!iot_stats_compile_report_filter (r->filter_text, &r->filter, error))
    goto fail;
  if (r->kind == REPORT_CONV || r->kind == REPORT_ENDPOINTS)
    stats->wants_conversations = TRUE;
  g_ptr_array_add (stats->reports, r);
  return TRUE;

fail:
  report_free (r);
  return FALSE;
}

guint
iot_stats_n_requests (IotStats *stats)
{
  return stats->reports->len;
}

/* Whether any frame.* field is read: then tshark builds the frame's own
 * row and its hierarchy starts with "frame". */
static gboolean
wants_frame_fields (const IotFieldSet *wanted)
{
  for (guint id = 0; id < iot_registry_n_fields (); id++)
    {
      const IotField *field = iot_registry_field_by_id (id);

      if (field->proto_abbrev != NULL && strcmp (field->proto_abbrev, "frame") == 0
          && iot_field_set_contains (wanted, field))
        return TRUE;
    }
  return FALSE;
}

void
iot_stats_add_wanted (IotStats *stats, IotFieldSet *wanted, IotDissectFlags *flags)
{
  gboolean full_tree = (*flags & IOT_DISSECT_TREE) != 0;
  gboolean with_frame;

  for (guint i = 0; i < stats->reports->len; i++)
    {
      Report *r = g_ptr_array_index (stats->reports, i);

      if (r->filter)
        iot_filter_add_fields (r->filter, wanted);
      /* The hierarchy reads the layers' records, no tree. */
      if (r->kind == REPORT_PHS)
        *flags |= IOT_DISSECT_TAP (IOT_TAP_PROTO);
      /* The expert summary reads the items' records. */
      if (r->kind == REPORT_EXPERT)
        *flags |= IOT_DISSECT_TAP (IOT_TAP_EXPERT);
      if (r->kind == REPORT_IO)
        iot_io_stat_add_fields (r->io, wanted);
    }
  /* Like tshark, whose frame row exists only when printed or filtered on
   * (not for frame.protocols, which ptype,tree reads instead of a tree). */
  with_frame = full_tree || wants_frame_fields (wanted);
  for (guint i = 0; i < stats->reports->len; i++)
    {
      Report *r = g_ptr_array_index (stats->reports, i);

      if (r->phs)
        iot_protocol_hierarchy_set_include_frame (r->phs, with_frame);
      if (r->tree)
        iot_stats_tree_add_wanted (r->tree, wanted, flags);
    }
  /* The tables read the records the layers publish, no field. */
  if (stats->wants_conversations)
    *flags |= IOT_DISSECT_TAP (IOT_TAP_CONV);
}

void
iot_stats_begin (IotStats *stats, IotFile *file, guint32 n_frames)
{
  gint64 last = 0;

  if (n_frames == 0 || iot_file_n_frames (file) == 0)
    return;
  n_frames = MIN (n_frames, iot_file_n_frames (file));
  stats->first_ns = iot_file_frame (file, 1)->ts_ns;
  /* The capture lasts until its latest time stamp, even out of order. */
  for (guint32 n = 1; n <= n_frames; n++)
    last = MAX (last, iot_file_frame (file, n)->ts_ns - stats->first_ns);
  for (guint i = 0; i < stats->reports->len; i++)
    {
      Report *r = g_ptr_array_index (stats->reports, i);

      if (r->io)
        iot_io_stat_set_duration (r->io, last);
    }
}

/* The conversation type of a layer's record. */
static IotConvType
conv_type_of_layer (guint8 layer)
{
  static const IotConvType types[IOT_TAP_N_LAYERS] = {
    [IOT_TAP_LAYER_ETH] = IOT_CONV_ETH,
    [IOT_TAP_LAYER_IPV4] = IOT_CONV_IPV4,
    [IOT_TAP_LAYER_IPV6] = IOT_CONV_IPV6,
    [IOT_TAP_LAYER_TCP] = IOT_CONV_TCP,
    [IOT_TAP_LAYER_UDP] = IOT_CONV_UDP,
  };

  return layer < IOT_TAP_N_LAYERS ? types[layer] : IOT_CONV_N_TYPES;
}

/* The frame's conversation records (every Ethernet, IP and transport
 * layer of its own traffic) into a conversation or endpoint table. */
static void
feed_taps (Report *r, IotPacket *pkt, guint64 bytes, gint64 rel_ns)
{
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_CONV, &n);

  for (guint i = 0; i < n; i++)
    {
      const IotTapConv *t = records[i];
      guint32 stream = t->stream == IOT_TAP_NO_STREAM ? IOT_CONV_NO_STREAM : t->stream;

      if (conv_type_of_layer (t->layer) != r->conv_type || t->cut)
        continue;
      if (r->conv)
        iot_conversation_table_add (r->conv, &t->src, &t->dst, t->sport, t->dport, stream, bytes, rel_ns);
      else
        iot_endpoint_table_add (r->endpoints, &t->src, &t->dst, t->sport, t->dport, bytes);
    }
}

void
iot_stats_add_packet (IotStats *stats, IotPacket *pkt)
{
  gint64 rel_ns = iot_packet_time_ns (pkt) - stats->first_ns;
  guint64 bytes = iot_packet_wirelen (pkt);

  for (guint i = 0; i < stats->reports->len; i++)
    {
      Report *r = g_ptr_array_index (stats->reports, i);

      if (r->filter != NULL && !iot_filter_matches (r->filter, pkt))
        continue;
      switch (r->kind)
        {
        case REPORT_PHS:
          iot_protocol_hierarchy_add_packet (r->phs, pkt);
          break;
        case REPORT_CONV:
        case REPORT_ENDPOINTS:
          feed_taps (r, pkt, bytes, rel_ns);
          break;
        case REPORT_EXPERT:
          iot_expert_summary_add_packet (r->expert, pkt);
          break;
        case REPORT_IO:
          iot_io_stat_add_packet (r->io, pkt, rel_ns);
          break;
        case REPORT_HISTOGRAM:
          iot_histogram_add_frame (r->histogram, (guint32) bytes, rel_ns);
          break;
        case REPORT_TREE:
          iot_stats_tree_add_packet (r->tree, pkt, rel_ns);
          break;
        }
    }
}

static void
listener_add_wanted (gpointer self, IotFieldSet *wanted, IotDissectFlags *flags)
{
  iot_stats_add_wanted (self, wanted, flags);
}

static void
listener_frame (gpointer self, IotPacket *pkt)
{
  iot_stats_add_packet (self, pkt);
}

const IotScanListener iot_stats_listener = {
  .add_wanted = listener_add_wanted,
  .frame = listener_frame,
};

void
iot_stats_print (IotStats *stats, GString *out)
{
  /* tshark draws its reports newest first. */
  for (guint i = stats->reports->len; i-- > 0;)
    {
      Report *r = g_ptr_array_index (stats->reports, i);

      switch (r->kind)
        {
        case REPORT_PHS:
          iot_protocol_hierarchy_print (r->phs, r->filter_text, out);
          break;
        case REPORT_CONV:
          iot_conversation_table_print (r->conv, r->filter_text, out);
          break;
        case REPORT_ENDPOINTS:
          iot_endpoint_table_print (r->endpoints, r->filter_text, out);
          break;
        case REPORT_EXPERT:
          iot_expert_summary_print (r->expert, out);
          break;
        case REPORT_IO:
          iot_io_stat_print (r->io, out);
          break;
        case REPORT_HISTOGRAM:
          iot_histogram_print (r->histogram, out);
          break;
        case REPORT_TREE:
          iot_stats_tree_print (r->tree, out);
          break;
        }
    }
}

static Report *
report_at (IotStats *stats, guint index)
{
  g_return_val_if_fail (index < stats->reports->len, NULL);
  return g_ptr_array_index (stats->reports, index);
}

IotProtocolHierarchy *
iot_stats_get_hierarchy (IotStats *stats, guint index)
{
  Report *r = report_at (stats, index);

  return r ? r->phs : NULL;
}

IotConversationTable *
iot_stats_get_conversations (IotStats *stats, guint index)
{
  Report *r = report_at (stats, index);

  return r ? r->conv : NULL;
}

IotEndpointTable *
iot_stats_get_endpoints (IotStats *stats, guint index)
{
  Report *r = report_at (stats, index);

  return r ? r->endpoints : NULL;
}

IotExpertSummary *
iot_stats_get_expert (IotStats *stats, guint index)
{
  Report *r = report_at (stats, index);

  return r ? r->expert : NULL;
}

IotHistogram *
iot_stats_get_histogram (IotStats *stats, guint index)
{
  Report *r = report_at (stats, index);

  return r ? r->histogram : NULL;
}
