/* iot-insight-wifi.c — what a monitor-mode Wi-Fi capture says about the
 * stations on the air.
 *
 * One row per transmitter (signal min/mean/max, share of retries, the data
 * rate rate control chose, its role and network); warnings for a weak
 * signal and for many retries; bursts of deauthentications and
 * disassociations with their reason codes; and 4-way handshakes that fail:
 * message 2 whose MIC the configured passphrase does not give, message 2
 * repeated without a message 3 (a wrong passphrase when no key was given),
 * and message 1 that the station never answers.
 *
 * The module reads its own fields from each packet, so the frame walk in
 * iot-insight.c only calls it. */
#include <math.h>
#include <string.h>

#include "iot-insight-private.h"

#define NS_PER_S 1e9

/* A station received weaker than this (mean) has a poor link. */
#define WEAK_SIGNAL_DBM -75
/* Fewer signal readings than this say nothing about a link. */
#define MIN_SIGNALS 3
/* Retries worth a warning: at least this many, and this share of frames. */
#define RETRY_MIN 3
#define RETRY_SHARE 0.10
/* Deauthentications or disassociations this close together are a storm. */
#define STORM_COUNT 5
#define STORM_WINDOW_NS (2 * G_GINT64_CONSTANT (1000000000))
/* Message 1s a station must leave unanswered before that is a finding. */
#define UNANSWERED_MIN 2
/* Disconnections this much stronger or weaker than the sender's own
 * beacons come from another place: another transmitter. */
#define SPOOF_SIGNAL_DB 6


/* Frame kinds by wlan.fc.type_subtype. */
#define TS_DISASSOC 0x0a
#define TS_DEAUTH 0x0c
#define TS_BEACON 0x08
#define TS_PROBE_RESPONSE 0x05
/* Data frames that carry data (not Null functions, subtype bit 2). */
#define IS_DATA(ts) ((ts) >= 0x20 && (ts) <= 0x2f && ((ts) & 0x04) == 0)

typedef struct {
  GArray  *frames;          /* guint32: every frame it sent */
  GArray  *signal;          /* double dBm */
  GArray  *retries;         /* guint32 frames */
  double   data_rate_sum, data_rate_min, data_rate_max;   /* Mb/s, data frames */
  guint    data_rates;
  gboolean access_point;    /* sent beacons or probe responses */
  double   beacon_signal_sum;
  guint    beacon_signals;
  char    *bssid;           /* the network it belongs to; NULL: not seen */
} Station;

/* The last deauthentication or disassociation a station was sent. */
typedef struct {
  guint32 frame;
  guint   reason;
} Dismissal;

typedef struct {
  GArray    *msg1, *msg2, *msg3;   /* guint32 frames */
  GArray    *mic_failed;           /* guint32: message 2s no configured key verifies */
  Dismissal  dismissed;            /* frame 0: none after the handshake began */
} Handshake;

typedef struct {
  guint32  frame;
  gint64   rel_ns;
  guint    reason;
  char    *sender, *target;
  gboolean has_signal;
  double   signal_dbm;
} Disconnect;

struct _InsightWifi {
  const IotField *reason_field;    /* wlan.fixed.reason_code, for the names of its codes */
  GHashTable *stations;            /* MAC → Station */
  GHashTable *ssids;               /* BSSID → SSID text */
  GArray     *disconnects;         /* Disconnect, in capture order */
  GHashTable *handshakes;          /* station MAC → Handshake */
};

static void
station_free (gpointer data)
{
  Station *s = data;

  g_array_unref (s->frames);
  g_array_unref (s->signal);
  g_array_unref (s->retries);
  g_free (s->bssid);
  g_free (s);
}

static gpointer
station_new (void)
{
  Station *s = g_new0 (Station, 1);

  s->frames = g_array_new (FALSE, FALSE, sizeof (guint32));
  s->signal = g_array_new (FALSE, FALSE, sizeof (double));
  s->retries = g_array_new (FALSE, FALSE, sizeof (guint32));
  return s;
}

static void
handshake_free (gpointer data)
{
  Handshake *h = data;

  g_array_unref (h->msg1);
  g_array_unref (h->msg2);
  g_array_unref (h->msg3);
  g_array_unref (h->mic_failed);
  g_free (h);
}

static gpointer
handshake_new (void)
{
  Handshake *h = g_new0 (Handshake, 1);

  h->msg1 = g_array_new (FALSE, FALSE, sizeof (guint32));
  h->msg2 = g_array_new (FALSE, FALSE, sizeof (guint32));
  h->msg3 = g_array_new (FALSE, FALSE, sizeof (guint32));
  h->mic_failed = g_array_new (FALSE, FALSE, sizeof (guint32));
  return h;
}

static void
disconnect_clear (gpointer data)
{
  Disconnect *d = data;

  g_free (d->sender);
  g_free (d->target);
}

void
insight_wifi_init (IotInsight *self)
{
  InsightWifi *w = g_new0 (InsightWifi, 1);

  w->reason_field = iot_registry_field ("wlan.fixed.reason_code");
  w->stations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, station_free);
  w->ssids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  w->disconnects = g_array_new (FALSE, FALSE, sizeof (Disconnect));
  g_array_set_clear_func (w->disconnects, disconnect_clear);
  w->handshakes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, handshake_free);
  self->wifi = w;
}

void
insight_wifi_clear (IotInsight *self)
{
  InsightWifi *w = self->wifi;

  if (w == NULL)
    return;
  g_hash_table_unref (w->stations);
  g_hash_table_unref (w->ssids);
  g_array_unref (w->disconnects);
  g_hash_table_unref (w->handshakes);
  g_clear_pointer (&self->wifi, g_free);
}

/* ---- reading a packet -------------------------------------------------------------- */

typedef struct {
  gboolean has_ta, has_sa, has_da, has_bssid, has_signal, has_rate, has_type_subtype, retry;
  guint8   ta[6], sa[6], da[6], bssid[6];
  guint    type_subtype;
  double   signal_dbm, data_rate;
  gint     reason;              /* -1: none */
  gint     msgnr;               /* -1: none */
  gint     mic_verified;        /* -1: not checked */
  const guint8 *ssid;
  guint    ssid_len;
} WifiFacts;

static char *
mac_text (const guint8 *mac)
{
  return g_strdup_printf ("%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

static gboolean
is_unicast (const guint8 *mac)
{
  return (mac[0] & 0x01) == 0;
}

/* The first address of its kind in the frame (an encapsulated frame's
 * would come later). */
static void
take_mac (gboolean has, const guint8 *from, gboolean *have, guint8 *mac)
{
  if (has && !*have)
    {
      memcpy (mac, from, 6);
      *have = TRUE;
    }
}

/* The frame's 802.11 records, as the tree's fields said it: the first of
 * each address, the last of the other values. */
static void
read_wlan (WifiFacts *wf, const IotTapWlan *r)
{
  take_mac (r->has_ta, r->ta, &wf->has_ta, wf->ta);
  take_mac (r->has_sa, r->sa, &wf->has_sa, wf->sa);
  take_mac (r->has_da, r->da, &wf->has_da, wf->da);
  take_mac (r->has_bssid, r->bssid, &wf->has_bssid, wf->bssid);
  wf->has_type_subtype = TRUE;
  wf->type_subtype = r->type_subtype;
  wf->retry = r->retry;
  if (r->reason >= 0)
    wf->reason = r->reason;
  if (r->eapol_msgnr >= 0)
    wf->msgnr = r->eapol_msgnr;
  if (r->mic_verified >= 0)
    wf->mic_verified = r->mic_verified;
  if (r->ssid != NULL)
    {
      wf->ssid = r->ssid;
      wf->ssid_len = r->ssid_len;
    }
}

/* Signal and rate from the radio headers: the first antenna's signal
 * (several may report: the first is the combined one), the rate the
 * radio information computed. */
static void
read_radio (WifiFacts *wf, const IotTapRadio *r)
{
  if (r->source == IOT_TAP_RADIO_RADIOTAP && r->has_signal && !wf->has_signal)
    {
      wf->has_signal = TRUE;
      wf->signal_dbm = r->signal_dbm;
    }
  else if (r->source == IOT_TAP_RADIO_WLAN_RADIO && r->has_rate)
    {
      wf->has_rate = TRUE;
      wf->data_rate = r->rate;
    }
}

static void
read_wifi (IotPacket *pkt, WifiFacts *wf)
{
  gconstpointer const *records;
  guint n;

  records = iot_packet_tap_records (pkt, IOT_TAP_WLAN, &n);
  for (guint i = 0; i < n; i++)
    read_wlan (wf, records[i]);
  if (n == 0)
    return;
  records = iot_packet_tap_records (pkt, IOT_TAP_RADIO, &n);
  for (guint i = 0; i < n; i++)
    read_radio (wf, records[i]);
}

static gpointer
get_or_add (GHashTable *table, const char *key, gpointer (*make) (void))
{
  gpointer value = g_hash_table_lookup (table, key);

  if (value == NULL)
    {
      value = make ();
      g_hash_table_insert (table, g_strdup (key), value);
    }
  return value;
}

/* Signal, retries, rate and role per transmitter. */
static void
track_station (InsightWifi *w, const WifiFacts *wf, guint32 number)
{
  g_autofree char *ta = mac_text (wf->ta);
  Station *s = get_or_add (w->stations, ta, station_new);

  g_array_append_val (s->frames, number);
  if (wf->has_signal)
    g_array_append_val (s->signal, wf->signal_dbm);
  if (wf->retry)
    g_array_append_val (s->retries, number);
  if (wf->has_rate && IS_DATA (wf->type_subtype))
    {
      s->data_rate_min = s->data_rates == 0 ? wf->data_rate : MIN (s->data_rate_min, wf->data_rate);
      s->data_rate_max = s->data_rates == 0 ? wf->data_rate : MAX (s->data_rate_max, wf->data_rate);
      s->data_rate_sum += wf->data_rate;
      s->data_rates++;
    }
  if (wf->type_subtype == TS_BEACON || wf->type_subtype == TS_PROBE_RESPONSE)
    s->access_point = TRUE;
  if (wf->type_subtype == TS_BEACON && wf->has_signal)
    {
      s->beacon_signal_sum += wf->signal_dbm;
      s->beacon_signals++;
    }
  if (wf->has_bssid && is_unicast (wf->bssid) && s->bssid == NULL)
    s->bssid = mac_text (wf->bssid);
}

/* The network name a beacon or probe response gives its BSSID. */
static void
track_ssid (InsightWifi *w, const WifiFacts *wf)
{
  g_autofree char *bssid = NULL;

  if (wf->ssid == NULL || wf->ssid_len == 0 || !wf->has_bssid
      || (wf->type_subtype != TS_BEACON && wf->type_subtype != TS_PROBE_RESPONSE))
    return;
  bssid = mac_text (wf->bssid);
  if (!g_hash_table_contains (w->ssids, bssid))
    g_hash_table_insert (w->ssids, g_steal_pointer (&bssid),
                         g_utf8_make_valid ((const char *) wf->ssid, wf->ssid_len));
}

static void
track_disconnect (InsightWifi *w, const WifiFacts *wf, guint32 number, gint64 rel_ns)
{
  Disconnect d = { number, rel_ns, wf->reason >= 0 ? (guint) wf->reason : 0, NULL, NULL, wf->has_signal,
                   wf->signal_dbm };

  d.sender = wf->has_ta ? mac_text (wf->ta) : NULL;
  d.target = wf->has_da ? mac_text (wf->da) : NULL;
  g_array_append_val (w->disconnects, d);
  /* A station told to go while its handshake was under way. */
  if (d.target != NULL)
    {
      Handshake *h = g_hash_table_lookup (w->handshakes, d.target);

      if (h != NULL)
        {
          h->dismissed.frame = number;
          h->dismissed.reason = d.reason;
        }
    }
}

static void
track_handshake (InsightWifi *w, const WifiFacts *wf, guint32 number)
{
  /* Messages 1 and 3 come from the access point, 2 and 4 from the station. */
  g_autofree char *sta = mac_text (wf->msgnr == 1 || wf->msgnr == 3 ? wf->da : wf->sa);
  Handshake *h = get_or_add (w->handshakes, sta, handshake_new);

  if (wf->msgnr == 1)
    g_array_append_val (h->msg1, number);
  else if (wf->msgnr == 2)
    {
      g_array_append_val (h->msg2, number);
      if (wf->mic_verified == 0)
        g_array_append_val (h->mic_failed, number);
    }
  else if (wf->msgnr >= 3)
    g_array_append_val (h->msg3, number);
}

void
insight_wifi_packet (IotInsight *self, IotPacket *pkt, guint32 number, gint64 rel_ns)
{
  InsightWifi *w = self->wifi;
  WifiFacts wf = { .reason = -1, .msgnr = -1, .mic_verified = -1 };

  read_wifi (pkt, &wf);
  if (!wf.has_type_subtype)
    return;
  /* Control frames without a transmitter (ACK, CTS) belong to nobody. */
  if (wf.has_ta && is_unicast (wf.ta))
    track_station (w, &wf, number);
  track_ssid (w, &wf);
  if (wf.type_subtype == TS_DEAUTH || wf.type_subtype == TS_DISASSOC)
    track_disconnect (w, &wf, number, rel_ns);
  if (wf.msgnr > 0 && wf.has_sa && wf.has_da)
    track_handshake (w, &wf, number);
}

/* ---- findings ---------------------------------------------------------------------- */

static double
mean_of (GArray *values, double *low, double *high)
{
  double sum = 0;

  *low = *high = g_array_index (values, double, 0);
  for (guint i = 0; i < values->len; i++)
    {
      double v = g_array_index (values, double, i);

      sum += v;
      *low = MIN (*low, v);
      *high = MAX (*high, v);
    }
  return sum / values->len;
}

/* "station of "iot-home"" and the like, or NULL when nothing is known. */
static char *
role_text (const InsightWifi *w, const Station *s, const char *mac)
{
  const char *bssid = s->access_point ? mac : s->bssid;
  const char *ssid = bssid ? g_hash_table_lookup (w->ssids, bssid) : NULL;
  const char *role = s->access_point ? "access point" : "station";

  if (ssid != NULL)
    return g_strdup_printf ("%s of \"%s\"", role, ssid);
  if (s->access_point)
    return g_strdup (role);
  if (bssid != NULL)
    return g_strdup_printf ("station of %s", bssid);
  return NULL;
}

/* One row of the station table. */
static void
report_station_row (IotInsight *self, InsightWifi *w, const Station *s, const char *mac)
{
  g_autofree char *role = role_text (w, s, mac);
  GString *line = g_string_new (mac);
  guint frames = s->frames->len;
  IotInsightItem *item;

  if (role != NULL)
    g_string_append_printf (line, " (%s)", role);
  g_string_append_printf (line, ": %u frame%s, %u retr%s (%.0f %%)", frames, frames == 1 ? "" : "s",
                          s->retries->len, s->retries->len == 1 ? "y" : "ies", 100.0 * s->retries->len / frames);
  if (s->signal->len > 0)
    {
      double low, high, mean = mean_of (s->signal, &low, &high);

      g_string_append_printf (line, ", signal %.0f dBm mean (%.0f min, %.0f max)", mean, low, high);
    }
  else
    g_string_append (line, ", no signal in the radio header");
  if (s->data_rates > 0)
    g_string_append_printf (line, ", data rate %.1f Mb/s mean (%.1f to %.1f)", s->data_rate_sum / s->data_rates,
                            s->data_rate_min, s->data_rate_max);
  item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "wifi-station", IOT_SEV_COMMENT, mac,
    g_string_free (line, FALSE),
    g_strdup ("A radio heard on the Wi-Fi channel, by the address it transmits from. The signal is how "
              "strongly the capturing card heard it: -30 dBm is excellent, -67 dBm enough for video, -80 dBm "
              "the edge of coverage. Retries are frames it sent again because no acknowledgement came. The data "
              "rate is the speed its rate control chose for data frames; it steps down when frames get lost, so a "
              "weak signal, many retries and a low rate together mean a device too far from the access point or "
              "behind a wall."));
  insight_item_add_frame (item, g_array_index (s->frames, guint32, 0));
}

static void
report_weak_signal (IotInsight *self, const Station *s, const char *mac)
{
  double low, high, mean;
  IotInsightItem *item;

  if (s->signal->len < MIN_SIGNALS)
    return;
  mean = mean_of (s->signal, &low, &high);
  if (mean >= WEAK_SIGNAL_DBM)
    return;
  item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "wifi-signal", IOT_SEV_WARN, mac,
    g_strdup_printf ("%s is received at %.0f dBm on average (from %.0f to %.0f dBm over %u frames): a weak link",
                     mac, mean, low, high, s->signal->len),
    g_strdup ("The radio header gives the strength each frame arrived with, as seen by the capturing card. "
              "Around -30 to -60 dBm is a good link; below -75 dBm the station falls back to slow rates and "
              "loses frames; below -85 dBm it drops off. The capturing card is not the access point, so place it "
              "near the AP to see what the AP hears."));
  insight_item_add_frames (item->frames, s->frames);
  item->confidence = "medium";
  item->confirm = g_strdup ("The signal the access point reports for this station (its client list), or a "
                            "capture taken next to the access point.");
}

static void
report_retries (IotInsight *self, const Station *s, const char *mac)
{
  IotInsightItem *item;

  if (s->retries->len < RETRY_MIN || s->retries->len < RETRY_SHARE * s->frames->len)
    return;
  item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "wifi-retries", IOT_SEV_WARN, mac,
    g_strdup_printf ("%u of the %u frames %s sent are retries (%.0f %%)", s->retries->len, s->frames->len, mac,
                     100.0 * s->retries->len / s->frames->len),
    g_strdup ("A Wi-Fi frame that is not acknowledged is sent again with the Retry bit set, often at a lower "
              "rate. A few retries are normal; this many mean interference (a busy channel, microwaves, "
              "Bluetooth), a weak signal, or a hidden station transmitting at the same time. Each retry costs "
              "airtime and battery, and after the retry limit the frame is lost."));
  insight_item_add_frames (item->frames, s->retries);
  item->confidence = "medium";
  item->confirm = g_strdup ("The channel's utilisation and neighbours (a survey from the access point); whether "
                            "the retries fall when the device moves closer.");
}

static void
report_stations (IotInsight *self, InsightWifi *w)
{
  g_autoptr (GPtrArray) macs = insight_sorted_keys (w->stations);

  for (guint i = 0; i < macs->len; i++)
    {
      const Station *s = g_hash_table_lookup (w->stations, macs->pdata[i]);

      report_weak_signal (self, s, macs->pdata[i]);
      report_retries (self, s, macs->pdata[i]);
      report_station_row (self, w, s, macs->pdata[i]);
    }
}

static const char *
reason_name (const InsightWifi *w, guint reason)
{
  const char *name = w->reason_field ? iot_value_name (w->reason_field->vals, reason) : NULL;

  return name ? name : "unknown reason";
}

typedef struct {
  guint reason;
  guint frames;
} ReasonCount;

static int
compare_counts (gconstpointer a, gconstpointer b)
{
  const ReasonCount *x = a, *y = b;

  /* More frequent first; then by code. */
  if (x->frames != y->frames)
    return x->frames < y->frames ? 1 : -1;
  return (x->reason > y->reason) - (x->reason < y->reason);
}

/* "7 (5 frames), 6 (2 frames)" for the summary, and each code's meaning
 * for the explanation. */
static void
describe_reasons (const InsightWifi *w, guint start, guint count, GString *codes, GString *meanings)
{
  g_autoptr (GArray) tally = g_array_new (FALSE, TRUE, sizeof (ReasonCount));

  for (guint i = start; i < start + count; i++)
    {
      guint reason = g_array_index (w->disconnects, Disconnect, i).reason;
      guint j;

      for (j = 0; j < tally->len && g_array_index (tally, ReasonCount, j).reason != reason; j++)
        ;
      if (j == tally->len)
        {
          ReasonCount fresh = { reason, 0 };
          g_array_append_val (tally, fresh);
        }
      g_array_index (tally, ReasonCount, j).frames++;
    }
  g_array_sort (tally, compare_counts);
  for (guint j = 0; j < tally->len; j++)
    {
      const ReasonCount *c = &g_array_index (tally, ReasonCount, j);

      g_string_append_printf (codes, "%s%u (%u frame%s)", j ? ", " : "", c->reason, c->frames,
                              c->frames == 1 ? "" : "s");
      g_string_append_printf (meanings, " Reason %u: %s.", c->reason, reason_name (w, c->reason));
    }
}

/* How many different stations a run of disconnections went to, and
 * whether the broadcast address was one of the targets. */
static guint
count_targets (const InsightWifi *w, guint start, guint count, gboolean *broadcast)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  *broadcast = FALSE;
  for (guint i = start; i < start + count; i++)
    {
      const char *target = g_array_index (w->disconnects, Disconnect, i).target;

      if (target == NULL)
        continue;
      if (strcmp (target, "ff:ff:ff:ff:ff:ff") == 0)
        *broadcast = TRUE;
      else
        g_hash_table_add (seen, (gpointer) target);
    }
  return g_hash_table_size (seen);
}

/* When the burst names one sender that also sends beacons, and arrives
 * much stronger or weaker than those beacons: ", arriving at -29 dBm while
 * its beacons arrive at -38 dBm: sent from another place". */
static char *
signal_mismatch (const InsightWifi *w, guint start, guint count)
{
  const char *sender = g_array_index (w->disconnects, Disconnect, start).sender;
  const Station *s = sender ? g_hash_table_lookup (w->stations, sender) : NULL;
  double sum = 0, beacons;
  guint n = 0;

  if (s == NULL || s->beacon_signals == 0)
    return NULL;
  for (guint i = start; i < start + count; i++)
    {
      const Disconnect *d = &g_array_index (w->disconnects, Disconnect, i);

      if (g_strcmp0 (d->sender, sender) != 0)
        return NULL;
      if (d->has_signal)
        {
          sum += d->signal_dbm;
          n++;
        }
    }
  beacons = s->beacon_signal_sum / s->beacon_signals;
  if (n == 0 || fabs (sum / n - beacons) < SPOOF_SIGNAL_DB)
    return NULL;
  return g_strdup_printf (", arriving at %.0f dBm while %s's beacons arrive at %.0f dBm: sent from another place",
                          sum / n, sender, beacons);
}

static void
report_deauth_storm (IotInsight *self, InsightWifi *w)
{
  GArray *d = w->disconnects;
  guint best_start = 0, best_count = 0, start = 0, stations;
  g_autoptr (GArray) storm = NULL;
  g_autoptr (GString) codes = g_string_new (NULL);
  g_autoptr (GString) meanings = g_string_new (NULL);
  const Disconnect *first, *last;
  g_autofree char *mismatch = NULL;
  gboolean broadcast;
  IotInsightItem *item;

  /* The largest run of disconnections within the window. */
  for (guint end = 0; end < d->len; end++)
    {
      while (g_array_index (d, Disconnect, end).rel_ns - g_array_index (d, Disconnect, start).rel_ns > STORM_WINDOW_NS)
        start++;
      if (end - start + 1 > best_count)
        {
          best_count = end - start + 1;
          best_start = start;
        }
    }
  if (best_count < STORM_COUNT)
    return;
  first = &g_array_index (d, Disconnect, best_start);
  last = &g_array_index (d, Disconnect, best_start + best_count - 1);
  storm = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = best_start; i < best_start + best_count; i++)
    g_array_append_val (storm, g_array_index (d, Disconnect, i).frame);
  describe_reasons (w, best_start, best_count, codes, meanings);
  stations = count_targets (w, best_start, best_count, &broadcast);
  mismatch = signal_mismatch (w, best_start, best_count);
  item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "wifi-deauth-storm", IOT_SEV_WARN,
    last->sender ? last->sender : "deauthentication",
    g_strdup_printf ("%u deauthentication/disassociation frames within %.1f s to %u station%s%s; reason codes %s%s",
                     best_count, (last->rel_ns - first->rel_ns) / NS_PER_S, stations, stations == 1 ? "" : "s",
                     broadcast ? " and the broadcast address" : "", codes->str, mismatch ? mismatch : ""),
    g_strdup_printf ("An access point sends one deauthentication when it drops a station. A burst of them, often "
                     "to the broadcast address, is the classic Wi-Fi deauthentication attack: without 802.11w "
                     "(protected management frames) anyone can forge them, and every device keeps falling off "
                     "the network (often to capture its handshake on reconnect). An access point that restarts "
                     "or a band-steering feature can also cause bursts. The reason code is the sender's claim: "
                     "6 and 7 (\"I do not know you\") are what forging tools send by default. A transmitter "
                     "that stays in one place is heard at about the same strength in every frame, so "
                     "disconnections much stronger or weaker than the access point's own beacons were sent by "
                     "another radio under its address.%s", meanings->str));
  insight_item_add_frames (item->frames, storm);
  item->confidence = "medium";
  item->confirm = g_strdup ("Whether the access point logged these disconnections itself (if not, they were "
                            "forged); enabling PMF (802.11w) on the network stops forged ones.");
}

/* ", then 02:ab:…:03 deauthenticated it (reason 15: 4-Way Handshake timeout)". */
static char *
dismissal_text (const InsightWifi *w, const Handshake *h)
{
  if (h->dismissed.frame == 0)
    return g_strdup ("");
  return g_strdup_printf ("; the access point then disconnected it in frame %u (reason %u: %s)",
                          h->dismissed.frame, h->dismissed.reason, reason_name (w, h->dismissed.reason));
}

static void
report_wrong_passphrase (IotInsight *self, InsightWifi *w, const Handshake *h, const char *sta)
{
  g_autofree char *dismissed = dismissal_text (w, h);
  gboolean proven = h->mic_failed->len > 0;
  IotInsightItem *item;

  if (h->msg3->len > 0 || (!proven && h->msg2->len < 2))
    return;
  item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "wifi-handshake-failure", IOT_SEV_WARN, sta,
    proven
      ? g_strdup_printf ("%s answered the 4-way handshake %u time%s, and message 2's MIC does not verify with the "
                         "configured Wi-Fi key: the device uses another passphrase%s", sta, h->msg2->len,
                         h->msg2->len == 1 ? "" : "s", dismissed)
      : g_strdup_printf ("%s answered the 4-way handshake %u times (message 2) and never got message 3: "
                         "probably a wrong passphrase%s", sta, h->msg2->len, dismissed),
    g_strdup ("In WPA2-PSK the access point sends message 1 with its nonce; the station answers with message 2, "
              "protected by a MIC computed from the passphrase. An access point that cannot verify that MIC never "
              "sends message 3, repeats message 1 and finally drops the station. Repeated messages 1 and 2 "
              "without a message 3 are therefore what a wrong Wi-Fi password looks like on the air. With the "
              "network's passphrase in the Wi-Fi keys, the check can be made here too: a message 2 whose MIC "
              "that passphrase does not give proves the device has another one."));
  insight_item_add_frames (item->frames, h->msg1);
  insight_item_add_frames (item->frames, h->msg2);
  if (h->dismissed.frame != 0)
    insight_item_add_frame (item, h->dismissed.frame);
  item->confidence = "high";
  item->confirm = g_strdup (proven
                            ? "The passphrase configured on the device: set the network's passphrase again there."
                            : "The passphrase configured on the device; with the right one in the Wi-Fi keys "
                              "(wpa-pwd), message 2's MIC verifies.");
}

static void
report_unanswered (IotInsight *self, InsightWifi *w, const Handshake *h, const char *sta)
{
  g_autofree char *dismissed = dismissal_text (w, h);
  IotInsightItem *item;

  if (h->msg1->len < UNANSWERED_MIN || h->msg2->len > 0 || h->msg3->len > 0)
    return;
  item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "wifi-handshake-unanswered", IOT_SEV_WARN, sta,
    g_strdup_printf ("%s never answered message 1 of the 4-way handshake (sent %u times)%s", sta, h->msg1->len,
                     dismissed),
    g_strdup ("Message 1 carries only the access point's nonce; a station that has the network's passphrase "
              "answers it at once with message 2. No answer at all is not a wrong password (that would show as "
              "a message 2 the access point rejects): the station did not receive message 1 (a weak link, or "
              "the capture missed its answer), or it does not want to go on, because its saved settings do "
              "not match the network (WPA3 instead of WPA2, another security type) or its firmware is stuck."));
  insight_item_add_frames (item->frames, h->msg1);
  if (h->dismissed.frame != 0)
    insight_item_add_frame (item, h->dismissed.frame);
  item->confidence = "medium";
  item->confirm = g_strdup ("The station's signal in the station table and the security settings saved on the "
                            "device; a capture next to the device shows whether it heard message 1.");
}

static void
report_handshakes (IotInsight *self, InsightWifi *w)
{
  g_autoptr (GPtrArray) stas = insight_sorted_keys (w->handshakes);

  for (guint i = 0; i < stas->len; i++)
    {
      const Handshake *h = g_hash_table_lookup (w->handshakes, stas->pdata[i]);

      report_wrong_passphrase (self, w, h, stas->pdata[i]);
      report_unanswered (self, w, h, stas->pdata[i]);
    }
}

void
insight_finish_wifi (IotInsight *self)
{
  InsightWifi *w = self->wifi;

  report_deauth_storm (self, w);
  report_handshakes (self, w);
  report_stations (self, w);
}
