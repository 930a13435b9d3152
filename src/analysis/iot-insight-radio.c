/* iot-insight-radio.c — what the radio layers say about IoT devices.
 *
 * Bluetooth LE: how often each device advertises, the connection events of
 * each connection, and the notifications a peripheral sends per
 * characteristic (rate and values); pairing without protection against a
 * man in the middle (Just Works, legacy pairing).  Wi-Fi has its own
 * module, iot-insight-wifi.c.
 *
 * The module reads records, no tree: the link layer's IotTapBtle, and on
 * the data-channel packets that can carry them the IotTapAtt records of
 * ATT PDUs (opcode, handle, a notification's value as -T fields shows its
 * row, decoded by the characteristic's own field) and SMP pairing
 * methods. */
#include <stdio.h>
#include <string.h>

#include "iot-insight-private.h"

#define NS_PER_S 1e9
#define NS_PER_MS 1e6

/* Advertising PDUs on the three primary channels within this time are one
 * advertising event (the spec allows at most 10 ms between them). */
#define ADV_EVENT_NS (10 * G_GINT64_CONSTANT (1000000))
/* Packets of a connection less than this apart belong to one connection
 * event (the inter-frame space is 150 µs; the shortest interval 7.5 ms). */
#define CONN_EVENT_NS (3 * G_GINT64_CONSTANT (1000000))
/* Fewer advertising events or notifications than this say nothing about
 * an interval or a rate. */
#define MIN_EVENTS 3
/* Values of a notification series shown in the summary. */
#define SERIES_SHOWN 8

#define ADVERTISING_AA 0x8e89bed6u
#define ATT_NOTIFICATION 0x1b

typedef struct {
  GArray *frames;           /* guint32 */
  GArray *times;            /* gint64 ns */
} Events;

typedef struct {
  GArray *frames;           /* guint32: first packet of each connection event */
  GArray *times;            /* gint64 */
  gint64  last_ns;
  guint32 connect_frame;
  guint   interval_units;   /* from CONNECT_IND, 1.25 ms; 0: not seen */
} Connection;

typedef struct {
  GArray    *frames;
  GArray    *times;
  GPtrArray *values;        /* char *: hex */
} Notifications;

struct _InsightRadio {
  GHashTable *adv;          /* address → Events (every advertising PDU) */
  GHashTable *periodic;     /* access address → Events (AUX_SYNC_IND of a periodic train) */
  GHashTable *connections;  /* access address → Connection */
  GHashTable *notify;       /* "aa handle" → Notifications */
  GArray     *pairing;      /* guint32 frames of a pairing without MITM protection */
  char       *pairing_method;
};

static void
events_free (gpointer data)
{
  Events *e = data;

  g_array_unref (e->frames);
  g_array_unref (e->times);
  g_free (e);
}

static void
connection_free (gpointer data)
{
  Connection *c = data;

  g_array_unref (c->frames);
  g_array_unref (c->times);
  g_free (c);
}

static void
notifications_free (gpointer data)
{
  Notifications *n = data;

  g_array_unref (n->frames);
  g_array_unref (n->times);
  g_ptr_array_unref (n->values);
  g_free (n);
}

void
insight_radio_init (IotInsight *self)
{
  InsightRadio *r = g_new0 (InsightRadio, 1);

  r->adv = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, events_free);
  r->periodic = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, events_free);
  r->connections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, connection_free);
  r->notify = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, notifications_free);
  r->pairing = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->radio = r;
}

void
insight_radio_clear (IotInsight *self)
{
  InsightRadio *r = self->radio;

  if (r == NULL)
    return;
  g_hash_table_unref (r->adv);
  g_hash_table_unref (r->periodic);
  g_hash_table_unref (r->connections);
  g_hash_table_unref (r->notify);
  g_array_unref (r->pairing);
  g_free (r->pairing_method);
  g_clear_pointer (&self->radio, g_free);
}

/* For this module, iot-insight-wpan.c and iot-insight-wifi.c. */
void
insight_radio_add_taps (IotDissectFlags *flags)
{
  *flags |= IOT_DISSECT_TAP (IOT_TAP_WPAN) | IOT_DISSECT_TAP (IOT_TAP_ZIGBEE) | IOT_DISSECT_TAP (IOT_TAP_RADIO)
            | IOT_DISSECT_TAP (IOT_TAP_WLAN) | IOT_DISSECT_TAP (IOT_TAP_BTLE) | IOT_DISSECT_TAP (IOT_TAP_ATT);
}

/* ---- reading a packet -------------------------------------------------------------- */

typedef struct {
  gboolean has_aa, has_pdu_type, has_adv_addr, has_interval;
  guint32  aa, connection_aa;
  guint    pdu_type, interval;
  guint8   adv_addr[6];
  gint     att_opcode;          /* -1: none */
  guint    att_handle;
  char    *att_value;           /* the notified value as the tree shows it */
  const char *smp_method;
} RadioFacts;

static char *
mac_text (const guint8 *mac)
{
  return g_strdup_printf ("%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

/* The link layer's record (the last, as the tree's fields said it; the
 * first advertiser address). */
static void
read_btle (RadioFacts *rf, const IotTapBtle *b)
{
  rf->has_aa = TRUE;
  rf->aa = b->access_address;
  if (b->has_pdu_type)
    {
      rf->has_pdu_type = TRUE;
      rf->pdu_type = b->pdu_type;
    }
  if (b->has_adv_address && !rf->has_adv_addr)
    {
      memcpy (rf->adv_addr, b->adv_address, 6);
      rf->has_adv_addr = TRUE;
    }
  if (b->has_connect_aa)
    rf->connection_aa = b->connect_aa;
  if (b->has_interval)
    {
      rf->has_interval = TRUE;
      rf->interval = b->interval;
    }
}

/* ATT and SMP, from their records: the last opcode, the last handle, the
 * first notification's value, the last pairing method. */
static void
read_att (IotPacket *pkt, RadioFacts *rf)
{
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_ATT, &n);

  for (guint i = 0; i < n; i++)
    {
      const IotTapAtt *att = records[i];

      if (att->smp)
        {
          if (att->pairing_method != NULL)
            rf->smp_method = att->pairing_method;
          continue;
        }
      rf->att_opcode = att->opcode;
      if (att->handle >= 0)
        rf->att_handle = (guint) att->handle;
      if (att->value != NULL && rf->att_value == NULL)
        rf->att_value = g_strdup (att->value);
    }
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

static gpointer
events_new (void)
{
  Events *e = g_new0 (Events, 1);

  e->frames = g_array_new (FALSE, FALSE, sizeof (guint32));
  e->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  return e;
}

static gpointer
connection_new (void)
{
  Connection *c = g_new0 (Connection, 1);

  c->frames = g_array_new (FALSE, FALSE, sizeof (guint32));
  c->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  return c;
}

static gpointer
notifications_new (void)
{
  Notifications *n = g_new0 (Notifications, 1);

  n->frames = g_array_new (FALSE, FALSE, sizeof (guint32));
  n->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  n->values = g_ptr_array_new_with_free_func (g_free);
  return n;
}

static void
ble_packet (InsightRadio *r, const RadioFacts *rf, guint32 number, gint64 rel_ns)
{
  g_autofree char *aa = g_strdup_printf ("0x%08x", rf->aa);

  if (rf->aa == ADVERTISING_AA)
    {
      /* Advertising PDUs that name their advertiser (not SCAN_REQ, whose
       * advertising address is the one scanned, nor CONNECT_IND). */
      if (rf->has_adv_addr && rf->has_pdu_type && rf->pdu_type != 3 && rf->pdu_type != 5)
        {
          g_autofree char *addr = mac_text (rf->adv_addr);
          Events *e = get_or_add (r->adv, addr, events_new);

          g_array_append_val (e->frames, number);
          g_array_append_val (e->times, rel_ns);
        }
      return;
    }
  /* An advertising PDU on another access address: a periodic advertising
   * train (AUX_SYNC_IND), not a connection. */
  if (rf->has_pdu_type)
    {
      Events *e = get_or_add (r->periodic, aa, events_new);

      g_array_append_val (e->frames, number);
      g_array_append_val (e->times, rel_ns);
      return;
    }

  {
    Connection *c = get_or_add (r->connections, aa, connection_new);

    if (c->frames->len == 0 || rel_ns - c->last_ns > CONN_EVENT_NS)
      {
        g_array_append_val (c->frames, number);
        g_array_append_val (c->times, rel_ns);
      }
    c->last_ns = rel_ns;
  }
  if (rf->att_opcode == ATT_NOTIFICATION)
    {
      g_autofree char *key = g_strdup_printf ("%s 0x%04x", aa, rf->att_handle);
      Notifications *n = get_or_add (r->notify, key, notifications_new);

      g_array_append_val (n->frames, number);
      g_array_append_val (n->times, rel_ns);
      g_ptr_array_add (n->values, g_strdup (rf->att_value ? rf->att_value : "?"));
    }
  if (rf->smp_method != NULL && (strstr (rf->smp_method, "Just Works") || strstr (rf->smp_method, "Legacy")))
    {
      g_array_append_val (r->pairing, number);
      if (r->pairing_method == NULL)
        r->pairing_method = g_strdup (rf->smp_method);
    }
}

/* Connection parameters from a CONNECT_IND, kept with the connection. */
static void
ble_connect (InsightRadio *r, const RadioFacts *rf, guint32 number)
{
  g_autofree char *aa = g_strdup_printf ("0x%08x", rf->connection_aa);
  Connection *c = get_or_add (r->connections, aa, connection_new);

  c->connect_frame = number;
  c->interval_units = rf->interval;
}

void
insight_radio_packet (IotInsight *self, IotPacket *pkt, guint32 number, gint64 rel_ns)
{
  InsightRadio *r = self->radio;
  guint n;
  RadioFacts rf = { .att_opcode = -1 };
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_BTLE, &n);

  for (guint i = 0; i < n; i++)
    read_btle (&rf, records[i]);
  /* ATT and SMP travel on a connection's data channel only. */
  if (rf.has_aa && rf.aa != ADVERTISING_AA && !rf.has_pdu_type)
    read_att (pkt, &rf);
  if (rf.has_aa)
    {
      if (rf.has_interval)
        ble_connect (r, &rf, number);
      ble_packet (r, &rf, number, rel_ns);
    }
  g_free (rf.att_value);
}

/* ---- findings ---------------------------------------------------------------------- */

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (GArray *values)
{
  g_autoptr (GArray) sorted = g_array_copy (values);

  if (sorted->len == 0)
    return 0;
  g_array_sort (sorted, compare_doubles);
  return g_array_index (sorted, double, sorted->len / 2);
}

/* Seconds between consecutive times, as doubles. */
static GArray *
gaps_of (GArray *times)
{
  GArray *gaps = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 1; i < times->len; i++)
    {
      double gap = (g_array_index (times, gint64, i) - g_array_index (times, gint64, i - 1)) / NS_PER_S;
      g_array_append_val (gaps, gap);
    }
  return gaps;
}

static void
report_advertising (IotInsight *self, InsightRadio *r)
{
  g_autoptr (GPtrArray) addrs = insight_sorted_keys (r->adv);

  for (guint i = 0; i < addrs->len; i++)
    {
      const Events *e = g_hash_table_lookup (r->adv, addrs->pdata[i]);
      g_autoptr (GArray) starts = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_autoptr (GArray) gaps = NULL;
      gint64 last = G_MININT64;
      IotInsightItem *item;
      double interval, shortest, longest;

      /* One advertising event sends the PDU on up to three channels. */
      for (guint k = 0; k < e->times->len; k++)
        {
          gint64 t = g_array_index (e->times, gint64, k);

          if (k == 0 || t - last > ADV_EVENT_NS)
            g_array_append_val (starts, t);
          last = t;
        }
      if (starts->len < MIN_EVENTS)
        continue;
      gaps = gaps_of (starts);
      interval = median (gaps);
      shortest = g_array_index (gaps, double, 0);
      longest = shortest;
      for (guint k = 1; k < gaps->len; k++)
        {
          shortest = MIN (shortest, g_array_index (gaps, double, k));
          longest = MAX (longest, g_array_index (gaps, double, k));
        }
      item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "ble-advertising", IOT_SEV_NOTE, addrs->pdata[i],
        g_strdup_printf ("%s advertises about every %.0f ms (%u advertising events, %u packets; "
                         "gaps %.1f-%.1f ms, jitter %.1f ms)",
                         (const char *) addrs->pdata[i], interval * 1000, starts->len, e->frames->len,
                         shortest * 1000, longest * 1000, (longest - shortest) * 1000),
        g_strdup_printf ("A BLE device that wants to be found sends the same advertising packet on the three "
                         "advertising channels (with Bluetooth 5 extended advertising: a short pointer there, "
                         "the data on a secondary channel), then sleeps for its advertising interval. A short "
                         "interval (20-100 ms) lets a phone find it quickly but empties a coin cell in weeks; "
                         "beacons on battery use 1-10 s. The interval here is the median gap between "
                         "advertising events. The link layer adds a random 0-10 ms delay to each event, so that "
                         "two advertisers on the same interval do not collide forever: a jitter up to about "
                         "10 ms is that delay; much more means the sniffer missed events (look for gaps of two "
                         "intervals) or the device changed its interval."));
      insight_item_add_frames (item->frames, e->frames);
      item->confidence = "high";
      item->confirm = g_strdup ("The advertising interval set in the device's firmware; a scan with another "
                                "phone's BLE scanner app.");
    }
}

static void
report_periodic (IotInsight *self, InsightRadio *r)
{
  g_autoptr (GPtrArray) aas = insight_sorted_keys (r->periodic);

  for (guint i = 0; i < aas->len; i++)
    {
      const Events *e = g_hash_table_lookup (r->periodic, aas->pdata[i]);
      g_autoptr (GArray) gaps = NULL;
      IotInsightItem *item;

      if (e->times->len < MIN_EVENTS)
        continue;
      gaps = gaps_of (e->times);
      item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "ble-periodic-advertising", IOT_SEV_NOTE,
        aas->pdata[i],
        g_strdup_printf ("Periodic advertising train %s: %u AUX_SYNC_IND packets, typically %.1f ms apart",
                         (const char *) aas->pdata[i], e->frames->len, median (gaps) * 1000),
        g_strdup_printf ("Bluetooth 5 periodic advertising sends data at a fixed interval on an access address "
                         "of its own, without the random delay of ordinary advertising. A scanner finds the "
                         "train through the SyncInfo of an AUX_ADV_IND (its access address, interval and "
                         "channel map), then wakes up only for it: a sensor can broadcast readings to many "
                         "listeners at low cost, without connections. Gaps of two intervals mean the sniffer "
                         "missed packets."));
      insight_item_add_frames (item->frames, e->frames);
      item->confidence = "high";
      item->confirm = g_strdup ("The SyncInfo interval (btle.extended_advertising_header.sync_info.interval, "
                                "in 1.25 ms units) in the AUX_ADV_IND that announced the train.");
    }
}

static void
report_connections (IotInsight *self, InsightRadio *r)
{
  g_autoptr (GPtrArray) aas = insight_sorted_keys (r->connections);

  for (guint i = 0; i < aas->len; i++)
    {
      const Connection *c = g_hash_table_lookup (r->connections, aas->pdata[i]);
      g_autoptr (GArray) gaps = NULL;
      g_autofree char *agreed = NULL;
      IotInsightItem *item;
      double interval;

      if (c->times->len < MIN_EVENTS)
        continue;
      gaps = gaps_of (c->times);
      interval = median (gaps);
      agreed = c->interval_units
        ? g_strdup_printf (" The CONNECT_IND in frame %u agreed on %.2f ms.", c->connect_frame,
                           c->interval_units * 1.25)
        : g_strdup ("");
      item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "ble-connection-events", IOT_SEV_NOTE, aas->pdata[i],
        g_strdup_printf ("Connection %s: %u connection events seen, typically %.1f ms apart",
                         (const char *) aas->pdata[i], c->times->len, interval * 1000),
        g_strdup_printf ("Once connected, central and peripheral wake up together once per connection "
                         "interval (a connection event), exchange at least one packet each, and sleep again. "
                         "The interval sets both the latency and the battery cost of the link; a sniffer that "
                         "misses events shows larger gaps than the devices really used.%s", agreed));
      insight_item_add_frames (item->frames, c->frames);
      item->confidence = "medium";
      item->confirm = g_strdup ("The connection parameters the central requested (CONNECT_IND or a later "
                                "LL_CONNECTION_UPDATE_IND); a capture with a sniffer that follows every event.");
    }
}

static void
report_notifications (IotInsight *self, InsightRadio *r)
{
  g_autoptr (GPtrArray) keys = insight_sorted_keys (r->notify);

  for (guint i = 0; i < keys->len; i++)
    {
      const Notifications *n = g_hash_table_lookup (r->notify, keys->pdata[i]);
      g_autoptr (GString) series = g_string_new (NULL);
      g_autoptr (GArray) gaps = NULL;
      double span, period;
      IotInsightItem *item;

      if (n->frames->len < MIN_EVENTS)
        continue;
      gaps = gaps_of (n->times);
      period = median (gaps);
      span = (g_array_index (n->times, gint64, n->times->len - 1) - g_array_index (n->times, gint64, 0)) / NS_PER_S;
      for (guint k = 0; k < n->values->len && k < SERIES_SHOWN; k++)
        g_string_append_printf (series, "%s%s", k ? " " : "", (const char *) n->values->pdata[k]);
      if (n->values->len > SERIES_SHOWN)
        g_string_append (series, " …");
      item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "ble-notifications", IOT_SEV_NOTE, keys->pdata[i],
        g_strdup_printf ("%u notifications of handle %s in %.1f s (%.2f per second, typically every %.0f ms); "
                         "values: %s", n->frames->len, strchr (keys->pdata[i], ' ') + 1, span,
                         span > 0 ? (n->frames->len - 1) / span : 0, period * 1000, series->str),
        g_strdup_printf ("A peripheral sends an ATT notification whenever a characteristic the central "
                         "subscribed to changes (or on a timer): it is how a BLE sensor streams readings "
                         "without being polled. The values are decoded where the characteristic is a "
                         "standard one (temperature, battery level …), else raw bytes, least significant "
                         "byte first for numbers. A steady rate means a timer; bursts mean the value "
                         "changed."));
      insight_item_add_frames (item->frames, n->frames);
      item->confidence = "high";
      item->confirm = g_strdup ("The characteristic's UUID and format in the GATT discovery (btatt.uuid16) or "
                                "the device's documentation.");
    }
}

static void
report_pairing (IotInsight *self, InsightRadio *r)
{
  IotInsightItem *item;
  gboolean just_works;

  if (r->pairing->len == 0)
    return;
  just_works = strstr (r->pairing_method, "Just Works") != NULL;
  item = insight_add_item (self, IOT_INSIGHT_SECURITY, "ble-pairing-unauthenticated", IOT_SEV_WARN,
    r->pairing_method,
    g_strdup_printf ("BLE pairing uses %s", r->pairing_method),
    g_strdup_printf ("%s", just_works
      ? "In Just Works pairing neither side shows or types a code, so nothing proves who the other device is: "
        "an attacker within radio range during pairing can sit in the middle and read or change everything. "
        "Devices without a display or keyboard can only pair this way; protect them with out-of-band "
        "pairing (NFC, a QR code) or by pairing only in a controlled place."
      : "LE legacy pairing derives its keys from a temporary key that a sniffer which saw the pairing can "
        "find by brute force in seconds, then decrypt the whole connection. Use LE Secure Connections "
        "(Bluetooth 4.2 and later)."));
  insight_item_add_frames (item->frames, r->pairing);
  item->confidence = "high";
  item->confirm = g_strdup ("Both devices' IO capabilities in the Pairing Request and Response (btsmp.io_capability) "
                            "and the SC and MITM flags (btsmp.sc_flag, btsmp.mitm_flag).");
}

void
insight_finish_radio (IotInsight *self)
{
  InsightRadio *r = self->radio;

  report_advertising (self, r);
  report_periodic (self, r);
  report_connections (self, r);
  report_notifications (self, r);
  report_pairing (self, r);
}
