/* iot-insight-wpan.c — low-power radio (IEEE 802.15.4, Zigbee): the
 * devices heard on the air with their PAN, frame counts, MAC retries,
 * acknowledgements that never came and signal quality where the link
 * type carries it; Zigbee joins, rejoins and device announcements;
 * attribute reports per device and cluster; and the two mistakes that
 * give a Zigbee network away: a network key sent where anyone can read
 * it, and the default trust-centre link key in use. */
#include <stdio.h>
#include <string.h>

#include "iot-insight-private.h"


/* "ZigBeeAlliance09": the trust-centre link key every Zigbee 3.0 device
 * accepts by default. */
static const guint8 default_tc_link_key[16] = {
  'Z', 'i', 'g', 'B', 'e', 'e', 'A', 'l', 'l', 'i', 'a', 'n', 'c', 'e', '0', '9',
};

enum { WPAN_BEACON = 0, WPAN_DATA = 1, WPAN_ACK = 2, WPAN_CMD = 3 };
enum { MAC_CMD_ASSOC_RSP = 0x02 };
enum { NWK_REJOIN_RSP = 0x07 };
enum { APS_TRANSPORT_KEY = 0x05 };
enum { ZDP_DEVICE_ANNCE = 0x0013 };
enum { ZCL_REPORT_ATTRIBUTES = 0x0a };

typedef struct {
  char    *name;            /* "0x6a3c" or an EUI-64 */
  char    *eui;             /* learned EUI-64, NULL */
  gint     pan;             /* -1: not seen */
  guint64  frames;
  GArray  *retries;         /* guint32 frames */
  GArray  *no_ack;          /* guint32 frames */
  GArray  *joins;           /* guint32 frames: association, rejoin, announce */
  double   rssi_sum, rssi_min;
  guint    n_rssi;
  guint64  lqi_sum;
  guint    n_lqi;
  gint     last_seq;        /* MAC sequence number of its last frame, -1 */
  guint32  first_frame;
} RadioDevice;

/* What one frame's 802.15.4 and Zigbee records say, as the tree's fields
 * said it when a frame carries several: the last value of each, the
 * first destination other than broadcast; numbers -1: none. */
typedef struct {
  guint32  number;
  gint64   rel_ns;
  gboolean wpan, ack_req, retry;
  guint8   type;
  gint     seq, pan, cmd;
  char    *src, *dst, *src64;   /* "0x6a3c" or EUI-64 text; owned */
  gboolean has_rssi;
  double   rssi;
  gint     lqi;
  gint     nwk_cmd, zdp_cluster, aps_cluster, aps_cmd, aps_key_type, zcl_cmd;
  gboolean aps_secured, sec_default_key;
} WpanFacts;

/* Attribute reports of one device on one cluster. */
typedef struct {
  GArray *frames;           /* guint32 */
  GArray *times;            /* gint64 ns */
} ReportSeries;

static void
radio_device_free (gpointer data)
{
  RadioDevice *d = data;

  g_free (d->name);
  g_free (d->eui);
  g_array_unref (d->retries);
  g_array_unref (d->no_ack);
  g_array_unref (d->joins);
  g_free (d);
}

static void
report_series_free (gpointer data)
{
  ReportSeries *s = data;

  g_array_unref (s->frames);
  g_array_unref (s->times);
  g_free (s);
}

void
insight_wpan_init (IotInsight *self)
{
  self->radio_devices = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, radio_device_free);
  self->radio_order = g_ptr_array_new ();
  self->zcl_reports = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, report_series_free);
  self->key_in_clear = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->default_key_frames = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->pending_ack_frame = 0;
}

void
insight_wpan_clear (IotInsight *self)
{
  g_clear_pointer (&self->radio_order, g_ptr_array_unref);
  g_clear_pointer (&self->radio_devices, g_hash_table_unref);
  g_clear_pointer (&self->zcl_reports, g_hash_table_unref);
  g_clear_pointer (&self->key_in_clear, g_array_unref);
  g_clear_pointer (&self->default_key_frames, g_array_unref);
}

static RadioDevice *
radio_device (IotInsight *self, const char *name, guint32 frame)
{
  RadioDevice *d = g_hash_table_lookup (self->radio_devices, name);

  if (d != NULL)
    return d;
  d = g_new0 (RadioDevice, 1);
  d->name = g_strdup (name);
  d->pan = -1;
  d->last_seq = -1;
  d->rssi_min = G_MAXDOUBLE;
  d->first_frame = frame;
  d->retries = g_array_new (FALSE, FALSE, sizeof (guint32));
  d->no_ack = g_array_new (FALSE, FALSE, sizeof (guint32));
  d->joins = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_hash_table_insert (self->radio_devices, d->name, d);
  g_ptr_array_add (self->radio_order, d);
  return d;
}

/* The frame waiting for an acknowledgement did not get one, unless @ff is
 * that acknowledgement.  Nothing else may be sent between a frame and its
 * ack (the receiver answers within the turnaround time, 12 symbols), so
 * the ack is the very next frame on the channel; its timestamp says
 * little, as sniffers and ZEP bridges stamp frames late. */
static void
close_pending_ack (IotInsight *self, const WpanFacts *ff)
{
  RadioDevice *d;

  if (self->pending_ack_frame == 0)
    return;
  if (ff != NULL && ff->type == WPAN_ACK && ff->seq == self->pending_ack_seq)
    {
      self->pending_ack_frame = 0;
      return;
    }
  d = g_hash_table_lookup (self->radio_devices, self->pending_ack_src);
  if (d != NULL)
    g_array_append_val (d->no_ack, self->pending_ack_frame);
  self->pending_ack_frame = 0;
}

static void
add_signal (RadioDevice *d, const WpanFacts *ff)
{
  if (ff->has_rssi)
    {
      d->rssi_sum += ff->rssi;
      d->rssi_min = MIN (d->rssi_min, ff->rssi);
      d->n_rssi++;
    }
  if (ff->lqi >= 0)
    {
      d->lqi_sum += (guint) ff->lqi;
      d->n_lqi++;
    }
}

static void
zigbee_facts (IotInsight *self, RadioDevice *d, const WpanFacts *ff)
{
  if (ff->nwk_cmd == NWK_REJOIN_RSP || ff->zdp_cluster == ZDP_DEVICE_ANNCE)
    {
      RadioDevice *joiner = d;

      /* A rejoin response is sent by the parent: it is the child that joined. */
      if (ff->nwk_cmd == NWK_REJOIN_RSP && ff->dst != NULL)
        joiner = radio_device (self, ff->dst, ff->number);
      g_array_append_val (joiner->joins, ff->number);
    }
  if (ff->aps_cmd == APS_TRANSPORT_KEY && ff->aps_key_type == 1
      && (!ff->aps_secured || ff->sec_default_key))
    g_array_append_val (self->key_in_clear, ff->number);
  if (ff->sec_default_key)
    g_array_append_val (self->default_key_frames, ff->number);
  if (ff->zcl_cmd == ZCL_REPORT_ATTRIBUTES && ff->aps_cluster >= 0 && !ff->retry)
    {
      g_autofree char *key = g_strdup_printf ("%s\x1f" "0x%04x", d->name, ff->aps_cluster);
      ReportSeries *s = g_hash_table_lookup (self->zcl_reports, key);

      if (s == NULL)
        {
          s = g_new0 (ReportSeries, 1);
          s->frames = g_array_new (FALSE, FALSE, sizeof (guint32));
          s->times = g_array_new (FALSE, FALSE, sizeof (gint64));
          g_hash_table_insert (self->zcl_reports, g_steal_pointer (&key), s);
        }
      g_array_append_val (s->frames, ff->number);
      g_array_append_val (s->times, ff->rel_ns);
    }
}

static void
wpan_frame (IotInsight *self, WpanFacts *ff)
{
  RadioDevice *d;

  if (!ff->wpan)
    return;
  close_pending_ack (self, ff);
  if (ff->type == WPAN_ACK)
    self->acks_seen++;
  if (ff->type == WPAN_ACK || ff->src == NULL)
    return;
  d = radio_device (self, ff->src, ff->number);
  d->frames++;
  if (ff->pan >= 0)
    d->pan = ff->pan;
  if (ff->src64 != NULL && d->eui == NULL && strcmp (ff->src64, d->name) != 0)
    d->eui = g_strdup (ff->src64);
  add_signal (d, ff);
  /* The same sequence number again from the same sender: a MAC retry. */
  if (ff->seq >= 0 && ff->seq == d->last_seq && ff->ack_req)
    {
      g_array_append_val (d->retries, ff->number);
      ff->retry = TRUE;
    }
  d->last_seq = ff->seq;
  if (ff->cmd == MAC_CMD_ASSOC_RSP && ff->dst != NULL)
    {
      RadioDevice *child = radio_device (self, ff->dst, ff->number);

      g_array_append_val (child->joins, ff->number);
    }
  if (ff->ack_req && ff->seq >= 0)
    {
      self->pending_ack_frame = ff->number;
      self->pending_ack_seq = ff->seq;
      g_strlcpy (self->pending_ack_src, d->name, sizeof self->pending_ack_src);
    }
  zigbee_facts (self, d, ff);
}

static char *
frames_text (const GArray *frames)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < frames->len && i < 8; i++)
    g_string_append_printf (out, "%s%u", i ? ", " : "", g_array_index (frames, guint32, i));
  if (frames->len > 8)
    g_string_append (out, ", …");
  return g_string_free (out, FALSE);
}

static void
report_device (IotInsight *self, const RadioDevice *d)
{
  GString *summary = g_string_new (NULL);
  IotInsightItem *item;

  g_string_append_printf (summary, "%s%s%s", d->name, d->eui ? " = " : "", d->eui ? d->eui : "");
  if (d->pan >= 0)
    g_string_append_printf (summary, ", PAN 0x%04x", d->pan);
  g_string_append_printf (summary, ": %" G_GUINT64_FORMAT " frames, %u retries", d->frames, d->retries->len);
  if (self->acks_seen > 0)
    g_string_append_printf (summary, ", %u without ack", d->no_ack->len);
  else
    g_string_append (summary, " (no acknowledgements in the capture)");
  if (d->n_rssi > 0)
    g_string_append_printf (summary, ", RSSI %.1f dBm mean (%.1f min)", d->rssi_sum / d->n_rssi, d->rssi_min);
  if (d->n_lqi > 0)
    g_string_append_printf (summary, ", LQI %.0f mean", (double) d->lqi_sum / d->n_lqi);
  item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "radio-device", IOT_SEV_COMMENT, d->name,
                           g_string_free (summary, FALSE),
                           g_strdup ("A device heard on the 802.15.4 radio, by the address it sends from. "
                                     "Retries are frames it sent again with the same sequence number because no "
                                     "acknowledgement came; a weak signal (low RSSI or LQI) and many retries "
                                     "usually mean the device is too far from its parent or the channel is busy."));
  insight_item_add_frame (item, d->first_frame);
}

static void
report_link_problems (IotInsight *self, const RadioDevice *d)
{
  IotInsightItem *item;

  if (d->retries->len > 0)
    {
      g_autofree char *list = frames_text (d->retries);

      item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "wpan-retries", IOT_SEV_NOTE, d->name,
                               g_strdup_printf ("%s resent %u frame%s at the MAC layer (frames %s)", d->name,
                                                d->retries->len, d->retries->len == 1 ? "" : "s", list),
                               g_strdup ("The sender asked for an acknowledgement and did not get one in time, so "
                                         "it sent the same frame again (same sequence number). A few retries are "
                                         "normal on a radio; many mean interference or a weak link, and each one "
                                         "costs a battery device energy."));
      insight_item_add_frames (item->frames, d->retries);
    }
  /* Many sniffers and ZEP bridges do not pass acknowledgements on: with
   * none in the whole capture, a missing one says nothing. */
  if (d->no_ack->len > 0 && self->acks_seen > 0)
    {
      g_autofree char *list = frames_text (d->no_ack);

      item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "wpan-missing-ack", IOT_SEV_WARN, d->name,
                               g_strdup_printf ("%u frame%s from %s asked for an acknowledgement and none was "
                                                "heard (frames %s)", d->no_ack->len,
                                                d->no_ack->len == 1 ? "" : "s", d->name, list),
                               g_strdup ("The receiver acknowledges a frame right after it, with the same sequence "
                                         "number. None came: the receiver did not get the frame (or the sniffer "
                                         "missed the ack, when it is far from the receiver). Retries with the same "
                                         "sequence number usually follow."));
      insight_item_add_frames (item->frames, d->no_ack);
    }
  if (d->joins->len > 0)
    {
      item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "zigbee-join", IOT_SEV_NOTE, d->name,
                               g_strdup_printf ("%s: %u join event%s (association, rejoin response, device "
                                                "announcement)", d->name, d->joins->len,
                                                d->joins->len == 1 ? "" : "s"),
                               g_strdup ("A device joins once; after that it announces itself when it comes back. "
                                         "Repeated rejoins and announcements mean it keeps losing its parent: "
                                         "a weak link, a parent that restarted, or a battery running low."));
      insight_item_add_frames (item->frames, d->joins);
    }
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Median interval of ascending times, in seconds. */
static double
median_interval_s (const GArray *times)
{
  g_autoptr (GArray) gaps = g_array_new (FALSE, FALSE, sizeof (double));
  double median;

  for (guint i = 1; i < times->len; i++)
    {
      double gap = (g_array_index (times, gint64, i) - g_array_index (times, gint64, i - 1)) / 1e9;

      g_array_append_val (gaps, gap);
    }
  if (gaps->len == 0)
    return -1;
  g_array_sort (gaps, cmp_double);
  median = g_array_index (gaps, double, gaps->len / 2);
  return median;
}

static void
report_series (IotInsight *self)
{
  g_autoptr (GList) keys = g_list_sort (g_hash_table_get_keys (self->zcl_reports), (GCompareFunc) strcmp);

  for (GList *l = keys; l != NULL; l = l->next)
    {
      const ReportSeries *s = g_hash_table_lookup (self->zcl_reports, l->data);
      g_auto (GStrv) parts = g_strsplit (l->data, "\x1f", 2);
      double period = median_interval_s (s->times);
      IotInsightItem *item;
      g_autofree char *subject = g_strdup_printf ("%s cluster %s", parts[0], parts[1]);

      item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "zcl-report-series", IOT_SEV_COMMENT, subject,
                               period > 0
                               ? g_strdup_printf ("%s reports cluster %s attributes: %u reports, every %.1f s",
                                                  parts[0], parts[1], s->frames->len, period)
                               : g_strdup_printf ("%s reports cluster %s attributes: %u report", parts[0],
                                                  parts[1], s->frames->len),
                               g_strdup ("Zigbee sensors send Report Attributes on their own, on a schedule the "
                                         "controller configured, or when a value changes enough. A series that "
                                         "stops or slows down points at a device that lost its link or its "
                                         "battery."));
      insight_item_add_frames (item->frames, s->frames);
    }
}

static void
report_security (IotInsight *self)
{
  IotInsightItem *item;

  if (self->key_in_clear->len > 0)
    {
      item = insight_add_item (self, IOT_INSIGHT_SECURITY, "zigbee-network-key-in-clear", IOT_SEV_ERROR,
                               "Zigbee network key",
                               g_strdup_printf ("The network key was sent where anyone can read it (%u Transport-Key "
                                                "command%s, in the clear or under the default trust-centre link key)",
                                                self->key_in_clear->len, self->key_in_clear->len == 1 ? "" : "s"),
                               g_strdup ("Every device of a Zigbee network shares one network key, and the trust "
                                         "centre hands it to a joining device in a Transport-Key command. Sent in "
                                         "the clear, or encrypted under the publicly known \"ZigBeeAlliance09\" "
                                         "link key, it can be read by anyone listening during the join: they can "
                                         "then decrypt and forge all network traffic. Use install codes (a per-"
                                         "device link key) and open the network for joining only briefly."));
      insight_item_add_frames (item->frames, self->key_in_clear);
    }
  if (self->default_key_frames->len > 0)
    {
      item = insight_add_item (self, IOT_INSIGHT_SECURITY, "zigbee-default-tc-link-key", IOT_SEV_WARN,
                               "Zigbee trust-centre link key",
                               g_strdup_printf ("The default trust-centre link key \"ZigBeeAlliance09\" is in use "
                                                "(%u frame%s decrypted with it)", self->default_key_frames->len,
                                                self->default_key_frames->len == 1 ? "" : "s"),
                               g_strdup ("The trust-centre link key protects what the trust centre sends to one "
                                         "device, above all the network key. \"ZigBeeAlliance09\" is published "
                                         "in the Zigbee specification, so it protects nothing; a device that "
                                         "joins with it exposes the network key to any sniffer in range."));
      insight_item_add_frames (item->frames, self->default_key_frames);
    }
}

static void
append_frames (GArray *dest, const GArray *src)
{
  g_array_append_vals (dest, src->data, src->len);
  insight_item_add_frames (dest, NULL);
}

/* A device heard by its EUI-64 before it had a short address (joining)
 * and by its short address afterwards is one device. */
/* Folds @e (the same device under its EUI-64) into @d. */
static void
merge_device (RadioDevice *d, const RadioDevice *e)
{
  d->frames += e->frames;
  append_frames (d->retries, e->retries);
  append_frames (d->no_ack, e->no_ack);
  append_frames (d->joins, e->joins);
  d->rssi_sum += e->rssi_sum;
  d->rssi_min = MIN (d->rssi_min, e->rssi_min);
  d->n_rssi += e->n_rssi;
  d->lqi_sum += e->lqi_sum;
  d->n_lqi += e->n_lqi;
  d->first_frame = MIN (d->first_frame, e->first_frame);
  if (d->pan < 0)
    d->pan = e->pan;
}

/* A device heard by its EUI-64 before it had a short address (joining)
 * and by its short address afterwards is one device. */
static void
merge_long_into_short (IotInsight *self)
{
  for (guint i = 0; i < self->radio_order->len; i++)
    {
      RadioDevice *d = g_ptr_array_index (self->radio_order, i), *e;

      if (d->eui == NULL || (e = g_hash_table_lookup (self->radio_devices, d->eui)) == NULL || e == d)
        continue;
      merge_device (d, e);
      g_ptr_array_remove (self->radio_order, e);
      g_hash_table_remove (self->radio_devices, e->name);
      /* @e may have come before @d in the order: look at @d's index again. */
      i = 0;
      while (i < self->radio_order->len && g_ptr_array_index (self->radio_order, i) != d)
        i++;
    }
}

void
insight_finish_wpan (IotInsight *self)
{
  close_pending_ack (self, NULL);
  merge_long_into_short (self);
  for (guint i = 0; i < self->radio_order->len; i++)
    {
      const RadioDevice *d = g_ptr_array_index (self->radio_order, i);

      report_device (self, d);
      report_link_problems (self, d);
    }
  report_series (self);
  report_security (self);
}

/* ---- reading a packet -------------------------------------------------------------- */

static char *
eui64_text (const guint8 *e)
{
  return g_strdup_printf ("%02x:%02x:%02x:%02x:%02x:%02x:%02x:%02x", e[0], e[1], e[2], e[3], e[4], e[5], e[6], e[7]);
}

/* An EUI-64 source: the sender's name unless a short one came first, and
 * its extended address either way. */
static void
take_src64 (WpanFacts *wf, const guint8 *eui)
{
  if (wf->src == NULL)
    wf->src = eui64_text (eui);
  g_free (wf->src64);
  wf->src64 = eui64_text (eui);
}

static void
read_wpan (WpanFacts *wf, const IotTapWpan *r)
{
  wf->wpan = TRUE;
  wf->type = r->frame_type;
  wf->ack_req = r->ack_request;
  if (r->seq >= 0)
    wf->seq = r->seq;
  if (r->dst_pan >= 0)
    wf->pan = r->dst_pan;
  /* In the tree's order: destination, source, the source's learned EUI-64. */
  if (r->dst_mode == IOT_TAP_WPAN_ADDR_SHORT && wf->dst == NULL && r->dst16 != 0xffff)
    wf->dst = g_strdup_printf ("0x%04x", r->dst16);
  else if (r->dst_mode == IOT_TAP_WPAN_ADDR_LONG && wf->dst == NULL)
    wf->dst = eui64_text (r->dst64);
  if (r->src_mode == IOT_TAP_WPAN_ADDR_SHORT)
    {
      g_free (wf->src);
      wf->src = g_strdup_printf ("0x%04x", r->src16);
    }
  else if (r->src_mode == IOT_TAP_WPAN_ADDR_LONG)
    take_src64 (wf, r->src64);
  if (r->src64_learned)
    take_src64 (wf, r->learned64);
  if (r->cmd >= 0)
    wf->cmd = r->cmd;
  if (r->has_rssi)
    {
      wf->has_rssi = TRUE;
      wf->rssi = r->rssi;
    }
}

static void
read_zigbee (WpanFacts *wf, const IotTapZigbee *z)
{
  switch (z->kind)
    {
    case IOT_TAP_ZIGBEE_NWK_CMD: wf->nwk_cmd = (gint) z->value; break;
    case IOT_TAP_ZIGBEE_ZDP_CLUSTER: wf->zdp_cluster = (gint) z->value; break;
    case IOT_TAP_ZIGBEE_APS_CLUSTER: wf->aps_cluster = (gint) z->value; break;
    case IOT_TAP_ZIGBEE_APS_SECURITY: wf->aps_secured = z->value != 0; break;
    case IOT_TAP_ZIGBEE_APS_CMD: wf->aps_cmd = (gint) z->value; break;
    case IOT_TAP_ZIGBEE_APS_KEY_TYPE: wf->aps_key_type = (gint) z->value; break;
    case IOT_TAP_ZIGBEE_ZCL_CMD: wf->zcl_cmd = (gint) z->value; break;
    case IOT_TAP_ZIGBEE_SEC_KEY:
      if (memcmp (z->key, default_tc_link_key, 16) == 0)
        wf->sec_default_key = TRUE;
      break;
    default:
      break;
    }
}

/* The signal and LQI of the 802.15.4 capture headers (wpan-tap, ZEP),
 * read before the MAC frame; a CC24xx trailer's RSSI, read after it,
 * counts over them (read_wpan). */
static void
read_radio_header (WpanFacts *wf, const IotTapRadio *r)
{
  if (r->source != IOT_TAP_RADIO_WPAN_TAP && r->source != IOT_TAP_RADIO_ZEP)
    return;
  if (r->has_signal)
    {
      wf->has_rssi = TRUE;
      wf->rssi = r->signal_dbm;
    }
  if (r->lqi >= 0)
    wf->lqi = r->lqi;
}

void
insight_wpan_packet (IotInsight *self, IotPacket *pkt, const FrameFacts *ff)
{
  WpanFacts wf = { 0 };
  gconstpointer const *records;
  guint n;

  /* A frame that carries ICMP (an RPL or neighbour discovery message over
   * 6LoWPAN, an error quoting another packet) is left to the ICMP rules,
   * as the frame walk has always done. */
  if (ff->quoted)
    return;
  records = iot_packet_tap_records (pkt, IOT_TAP_WPAN, &n);
  if (n == 0)
    return;
  wf.number = ff->number;
  wf.rel_ns = ff->rel_ns;
  wf.seq = wf.pan = wf.cmd = wf.lqi = -1;
  wf.nwk_cmd = wf.zdp_cluster = wf.aps_cluster = wf.aps_cmd = wf.aps_key_type = wf.zcl_cmd = -1;
  {
    guint n_radio;
    gconstpointer const *radio = iot_packet_tap_records (pkt, IOT_TAP_RADIO, &n_radio);

    for (guint i = 0; i < n_radio; i++)
      read_radio_header (&wf, radio[i]);
  }
  for (guint i = 0; i < n; i++)
    read_wpan (&wf, records[i]);
  {
    guint n_zigbee;
    gconstpointer const *zigbee = iot_packet_tap_records (pkt, IOT_TAP_ZIGBEE, &n_zigbee);

    for (guint i = 0; i < n_zigbee; i++)
      read_zigbee (&wf, zigbee[i]);
  }
  wpan_frame (self, &wf);
  g_free (wf.src);
  g_free (wf.dst);
  g_free (wf.src64);
}
