/* iot-insight-radio.c — what the radio layers say about IoT devices.
 *
 * Bluetooth LE: how often each device advertises, the connection events of
 * each connection, and the notifications a peripheral sends per
 * characteristic (rate and values); pairing without protection against a
 * man in the middle (Just Works, legacy pairing).
 * Wi-Fi: the signal each station is received with, how many of its frames
 * are retries, bursts of deauthentications (an attack or a crashing AP),
 * and 4-way handshakes that stop after message 2 (a wrong passphrase).
 *
 * The module reads its own fields from each packet, so the frame walk in
 * iot-insight.c needs no radio facts. */
#include <stdio.h>
#include <string.h>

#include "iot-insight-private.h"
#include "iot-format.h"

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
/* A station received weaker than this (median) has a poor link. */
#define WEAK_SIGNAL_DBM -75
/* Retries worth a warning: at least this many, and this share of frames. */
#define RETRY_MIN 3
#define RETRY_SHARE 0.10
/* Deauthentications or disassociations this close together are a storm. */
#define STORM_COUNT 5
#define STORM_WINDOW_NS (2 * G_GINT64_CONSTANT (1000000000))

enum {
  R_BTLE_AA, R_BTLE_PDU_TYPE, R_BTLE_ADV_ADDR, R_BTATT_OPCODE, R_BTATT_HANDLE, R_BTATT_VALUE,
  R_BTSMP_METHOD, R_BTLE_INTERVAL, R_BTLE_LLD_AA,
  R_WLAN_TA, R_WLAN_SA, R_WLAN_DA, R_WLAN_TYPE_SUBTYPE, R_WLAN_RETRY, R_SIGNAL, R_REASON, R_EAPOL_MSGNR,
  N_R
};

static const char *const radio_field_names[N_R] = {
  [R_BTLE_AA] = "btle.access_address", [R_BTLE_PDU_TYPE] = "btle.advertising_header.pdu_type",
  [R_BTLE_ADV_ADDR] = "btle.advertising_address", [R_BTATT_OPCODE] = "btatt.opcode",
  [R_BTATT_HANDLE] = "btatt.handle", [R_BTATT_VALUE] = "btatt.value",
  [R_BTSMP_METHOD] = "btsmp.pairing_method", [R_BTLE_INTERVAL] = "btle.link_layer_data.interval",
  [R_BTLE_LLD_AA] = "btle.link_layer_data.access_address",
  [R_WLAN_TA] = "wlan.ta", [R_WLAN_SA] = "wlan.sa", [R_WLAN_DA] = "wlan.da",
  [R_WLAN_TYPE_SUBTYPE] = "wlan.fc.type_subtype", [R_WLAN_RETRY] = "wlan.fc.retry",
  [R_SIGNAL] = "radiotap.dbm_antsignal", [R_REASON] = "wlan.fixed.reason_code",
  [R_EAPOL_MSGNR] = "wlan_rsna_eapol.keydes.msgnr",
};

/* Where a notification's value lands: the characteristic's own field
 * when btatt knows it from the GATT discovery, else btatt.value. */
static const char *const value_field_names[] = {
  "btatt.value", "btatt.temperature", "btatt.humidity", "btatt.pressure", "btatt.battery_level",
  "btatt.heart_rate_measurement.value.8", "btatt.heart_rate_measurement.value.16",
};
#define N_VALUE_FIELDS G_N_ELEMENTS (value_field_names)

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

typedef struct {
  GArray  *signal;          /* double dBm */
  GArray  *signal_frames;   /* guint32: the frames measured */
  guint32  frames_total;
  GArray  *retries;         /* guint32 frames */
} Station;

typedef struct {
  GArray *msg1, *msg2, *msg3;   /* guint32 frames */
} Handshake;

struct _InsightRadio {
  const IotField *f[N_R];
  const IotField *value_fields[N_VALUE_FIELDS];
  GHashTable *adv;          /* address → Events (every advertising PDU) */
  GHashTable *periodic;     /* access address → Events (AUX_SYNC_IND of a periodic train) */
  GHashTable *connections;  /* access address → Connection */
  GHashTable *notify;       /* "aa handle" → Notifications */
  GArray     *pairing;      /* guint32 frames of a pairing without MITM protection */
  char       *pairing_method;
  GHashTable *stations;     /* MAC → Station */
  GArray     *deauth;       /* guint32 frames */
  GArray     *deauth_times; /* gint64 */
  guint       deauth_reason;
  char       *deauth_sender;
  GHashTable *handshakes;   /* station MAC → Handshake */
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

static void
station_free (gpointer data)
{
  Station *s = data;

  g_array_unref (s->signal);
  g_array_unref (s->signal_frames);
  g_array_unref (s->retries);
  g_free (s);
}

static void
handshake_free (gpointer data)
{
  Handshake *h = data;

  g_array_unref (h->msg1);
  g_array_unref (h->msg2);
  g_array_unref (h->msg3);
  g_free (h);
}

void
insight_radio_init (IotInsight *self)
{
  InsightRadio *r = g_new0 (InsightRadio, 1);

  for (guint i = 0; i < N_R; i++)
    r->f[i] = iot_registry_field (radio_field_names[i]);
  for (guint i = 0; i < N_VALUE_FIELDS; i++)
    r->value_fields[i] = iot_registry_field (value_field_names[i]);
  r->adv = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, events_free);
  r->periodic = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, events_free);
  r->connections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, connection_free);
  r->notify = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, notifications_free);
  r->pairing = g_array_new (FALSE, FALSE, sizeof (guint32));
  r->stations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, station_free);
  r->deauth = g_array_new (FALSE, FALSE, sizeof (guint32));
  r->deauth_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  r->handshakes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, handshake_free);
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
  g_hash_table_unref (r->stations);
  g_array_unref (r->deauth);
  g_array_unref (r->deauth_times);
  g_free (r->deauth_sender);
  g_hash_table_unref (r->handshakes);
  g_clear_pointer (&self->radio, g_free);
}

void
insight_radio_add_wanted (IotInsight *self, IotFieldSet *wanted)
{
  for (guint i = 0; i < N_R; i++)
    if (self->radio->f[i] != NULL)
      iot_field_set_add (wanted, self->radio->f[i]);
  for (guint i = 0; i < N_VALUE_FIELDS; i++)
    if (self->radio->value_fields[i] != NULL)
      iot_field_set_add (wanted, self->radio->value_fields[i]);
}

static gboolean
is_value_field (const InsightRadio *r, const IotField *field)
{
  for (guint i = 0; i < N_VALUE_FIELDS; i++)
    if (r->value_fields[i] == field)
      return TRUE;
  return FALSE;
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
  gboolean has_ta, has_sa, has_da, has_signal, retry, has_type_subtype;
  guint8   ta[6], sa[6], da[6];
  guint    type_subtype;
  gint     signal_dbm;
  gint     reason;              /* -1: none */
  gint     msgnr;               /* -1: none */
} RadioFacts;

static char *
mac_text (const guint8 *mac)
{
  return g_strdup_printf ("%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

static int
radio_index (const InsightRadio *r, const IotField *field)
{
  for (guint i = 0; i < N_R; i++)
    if (r->f[i] == field)
      return (int) i;
  return -1;
}

static void
read_radio (const InsightRadio *r, IotPacket *pkt, RadioFacts *rf)
{
  for (guint i = 0; i < iot_packet_n_nodes (pkt); i++)
    {
      const IotNode *node = iot_packet_node (pkt, i);
      int idx = node->field ? radio_index (r, node->field) : -1;

      /* The value of a notification, decoded where btatt knows the
       * characteristic (a temperature in °C), else its bytes in hex. */
      if (rf->att_opcode == ATT_NOTIFICATION && rf->att_value == NULL && node->field != NULL
          && is_value_field (r, node->field))
        {
          GString *text = g_string_new (NULL);

          iot_format_field_value (pkt, node, text);
          rf->att_value = g_string_free (text, FALSE);
        }

      switch (idx)
        {
        case R_BTLE_AA:
          rf->has_aa = TRUE;
          rf->aa = (guint32) node->v.u;
          break;
        case R_BTLE_PDU_TYPE:
          rf->has_pdu_type = TRUE;
          rf->pdu_type = (guint) node->v.u;
          break;
        case R_BTLE_ADV_ADDR:
          if (node->v.p != NULL && !rf->has_adv_addr)
            {
              memcpy (rf->adv_addr, node->v.p, 6);
              rf->has_adv_addr = TRUE;
            }
          break;
        case R_BTLE_LLD_AA:
          rf->connection_aa = (guint32) node->v.u;
          break;
        case R_BTLE_INTERVAL:
          rf->has_interval = TRUE;
          rf->interval = (guint) node->v.u;
          break;
        case R_BTATT_OPCODE:
          rf->att_opcode = (gint) node->v.u;
          break;
        case R_BTATT_HANDLE:
          rf->att_handle = (guint) node->v.u;
          break;
        case R_BTATT_VALUE:
          break;
        case R_BTSMP_METHOD:
          rf->smp_method = (const char *) node->v.p;
          break;
        case R_WLAN_TA:
        case R_WLAN_SA:
        case R_WLAN_DA:
          if (node->v.p != NULL)
            {
              gboolean *has = idx == R_WLAN_TA ? &rf->has_ta : idx == R_WLAN_SA ? &rf->has_sa : &rf->has_da;
              guint8 *mac = idx == R_WLAN_TA ? rf->ta : idx == R_WLAN_SA ? rf->sa : rf->da;

              if (!*has)
                memcpy (mac, node->v.p, 6);
              *has = TRUE;
            }
          break;
        case R_WLAN_TYPE_SUBTYPE:
          rf->has_type_subtype = TRUE;
          rf->type_subtype = (guint) node->v.u;
          break;
        case R_WLAN_RETRY:
          rf->retry = node->v.u != 0;
          break;
        case R_SIGNAL:
          rf->has_signal = TRUE;
          rf->signal_dbm = (gint) node->v.i;
          break;
        case R_REASON:
          rf->reason = (gint) node->v.u;
          break;
        case R_EAPOL_MSGNR:
          rf->msgnr = (gint) node->v.u;
          break;
        default:
          break;
        }
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

static gpointer
station_new (void)
{
  Station *s = g_new0 (Station, 1);

  s->signal = g_array_new (FALSE, FALSE, sizeof (double));
  s->signal_frames = g_array_new (FALSE, FALSE, sizeof (guint32));
  s->retries = g_array_new (FALSE, FALSE, sizeof (guint32));
  return s;
}

static gpointer
handshake_new (void)
{
  Handshake *h = g_new0 (Handshake, 1);

  h->msg1 = g_array_new (FALSE, FALSE, sizeof (guint32));
  h->msg2 = g_array_new (FALSE, FALSE, sizeof (guint32));
  h->msg3 = g_array_new (FALSE, FALSE, sizeof (guint32));
  return h;
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

static gboolean
is_unicast (const guint8 *mac)
{
  return (mac[0] & 0x01) == 0;
}

static void
wifi_packet (InsightRadio *r, const RadioFacts *rf, guint32 number, gint64 rel_ns)
{
  guint ts = rf->type_subtype;

  /* Signal and retries per transmitter: only frames that name one. */
  if (rf->has_ta && is_unicast (rf->ta))
    {
      g_autofree char *ta = mac_text (rf->ta);
      Station *s = get_or_add (r->stations, ta, station_new);

      s->frames_total++;
      if (rf->has_signal)
        {
          double dbm = rf->signal_dbm;
          g_array_append_val (s->signal, dbm);
          g_array_append_val (s->signal_frames, number);
        }
      if (rf->retry)
        g_array_append_val (s->retries, number);
    }
  /* Deauthentication (0x0c) and disassociation (0x0a). */
  if (ts == 0x0c || ts == 0x0a)
    {
      g_array_append_val (r->deauth, number);
      g_array_append_val (r->deauth_times, rel_ns);
      if (rf->reason >= 0)
        r->deauth_reason = (guint) rf->reason;
      if (rf->has_ta)
        {
          g_free (r->deauth_sender);
          r->deauth_sender = mac_text (rf->ta);
        }
    }
  if (rf->msgnr > 0 && rf->has_sa && rf->has_da)
    {
      /* Messages 1 and 3 come from the access point, 2 and 4 from the station. */
      g_autofree char *sta = mac_text (rf->msgnr == 1 || rf->msgnr == 3 ? rf->da : rf->sa);
      Handshake *h = get_or_add (r->handshakes, sta, handshake_new);

      if (rf->msgnr == 1)
        g_array_append_val (h->msg1, number);
      else if (rf->msgnr == 2)
        g_array_append_val (h->msg2, number);
      else if (rf->msgnr >= 3)
        g_array_append_val (h->msg3, number);
    }
}

void
insight_radio_packet (IotInsight *self, IotPacket *pkt, guint32 number, gint64 rel_ns)
{
  InsightRadio *r = self->radio;
  RadioFacts rf = { .att_opcode = -1, .reason = -1, .msgnr = -1 };

  read_radio (r, pkt, &rf);
  if (rf.has_aa)
    {
      if (rf.has_interval)
        ble_connect (r, &rf, number);
      ble_packet (r, &rf, number, rel_ns);
    }
  if (rf.has_type_subtype)
    wifi_packet (r, &rf, number, rel_ns);
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

static void
report_stations (IotInsight *self, InsightRadio *r)
{
  g_autoptr (GPtrArray) macs = insight_sorted_keys (r->stations);

  for (guint i = 0; i < macs->len; i++)
    {
      const Station *s = g_hash_table_lookup (r->stations, macs->pdata[i]);
      const char *mac = macs->pdata[i];
      IotInsightItem *item;

      if (s->signal->len >= MIN_EVENTS)
        {
          g_autoptr (GArray) sorted = g_array_copy (s->signal);
          double low, mid, high;

          g_array_sort (sorted, compare_doubles);
          low = g_array_index (sorted, double, 0);
          high = g_array_index (sorted, double, sorted->len - 1);
          mid = g_array_index (sorted, double, sorted->len / 2);
          item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "wifi-signal",
                                   mid < WEAK_SIGNAL_DBM ? IOT_SEV_WARN : IOT_SEV_NOTE, mac,
            g_strdup_printf ("%s is received at %.0f dBm (from %.0f to %.0f dBm over %u frames)%s", mac, mid,
                             low, high, s->signal->len, mid < WEAK_SIGNAL_DBM ? ": a weak link" : ""),
            g_strdup_printf ("The radio header gives the strength each frame arrived with, as seen by the "
                             "capturing card. Around -30 to -60 dBm is a good link; below -75 dBm the station "
                             "falls back to slow rates and loses frames; below -85 dBm it drops off. The "
                             "capturing card is not the access point, so place it near the AP to see what the "
                             "AP hears."));
          insight_item_add_frames (item->frames, s->signal_frames);
          item->confidence = "medium";
          item->confirm = g_strdup ("The signal the access point reports for this station (its client list), "
                                    "or a capture taken next to the access point.");
        }
      if (s->retries->len >= RETRY_MIN && s->retries->len >= RETRY_SHARE * s->frames_total)
        {
          item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "wifi-retries", IOT_SEV_WARN, mac,
            g_strdup_printf ("%u of the %u frames %s sent are retries (%.0f %%)", s->retries->len, s->frames_total,
                             mac, 100.0 * s->retries->len / s->frames_total),
            g_strdup_printf ("A Wi-Fi frame that is not acknowledged is sent again with the Retry bit set, "
                             "often at a lower rate. A few retries are normal; this many mean interference "
                             "(a busy channel, microwaves, Bluetooth), a weak signal, or a hidden station "
                             "transmitting at the same time. Each retry costs airtime and battery, and after "
                             "the retry limit the frame is lost."));
          insight_item_add_frames (item->frames, s->retries);
          item->confidence = "medium";
          item->confirm = g_strdup ("The channel's utilisation and neighbours (a survey from the access point); "
                                    "whether the retries fall when the device moves closer.");
        }
    }
}

static void
report_deauth_storm (IotInsight *self, InsightRadio *r)
{
  guint best_start = 0, best_count = 0, start = 0;
  g_autoptr (GArray) storm = NULL;
  IotInsightItem *item;

  /* The largest run of deauthentications within the window. */
  for (guint end = 0; end < r->deauth_times->len; end++)
    {
      while (g_array_index (r->deauth_times, gint64, end) - g_array_index (r->deauth_times, gint64, start)
             > STORM_WINDOW_NS)
        start++;
      if (end - start + 1 > best_count)
        {
          best_count = end - start + 1;
          best_start = start;
        }
    }
  if (best_count < STORM_COUNT)
    return;
  storm = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_array_append_vals (storm, &g_array_index (r->deauth, guint32, best_start), best_count);
  item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "wifi-deauth-storm", IOT_SEV_WARN,
    r->deauth_sender ? r->deauth_sender : "deauthentication",
    g_strdup_printf ("%u deauthentication/disassociation frames within %.1f s (last reason code %u)", best_count,
                     (g_array_index (r->deauth_times, gint64, best_start + best_count - 1)
                      - g_array_index (r->deauth_times, gint64, best_start)) / NS_PER_S, r->deauth_reason),
    g_strdup_printf ("An access point sends one deauthentication when it drops a station. A burst of them, "
                     "often to the broadcast address, is the classic Wi-Fi deauthentication attack: without "
                     "802.11w (protected management frames) anyone can forge them, and every device keeps "
                     "falling off the network (often to capture its handshake on reconnect). An access point "
                     "that restarts or a band-steering feature can also cause bursts."));
  insight_item_add_frames (item->frames, storm);
  item->confidence = "medium";
  item->confirm = g_strdup ("Whether the access point logged these disconnections itself (if not, they were "
                            "forged); enabling PMF (802.11w) on the network stops forged ones.");
}

static void
report_handshakes (IotInsight *self, InsightRadio *r)
{
  g_autoptr (GPtrArray) stas = insight_sorted_keys (r->handshakes);

  for (guint i = 0; i < stas->len; i++)
    {
      const Handshake *h = g_hash_table_lookup (r->handshakes, stas->pdata[i]);
      IotInsightItem *item;

      if (h->msg3->len > 0 || h->msg2->len < 2)
        continue;
      item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "wifi-handshake-failure", IOT_SEV_WARN, stas->pdata[i],
        g_strdup_printf ("%s answered the 4-way handshake %u times (message 2) and never got message 3: "
                         "probably a wrong passphrase", (const char *) stas->pdata[i], h->msg2->len),
        g_strdup_printf ("In WPA2-PSK the access point sends message 1 with its nonce; the station answers "
                         "with message 2, protected by a MIC computed from the passphrase. An access point "
                         "that cannot verify that MIC never sends message 3, repeats message 1 and finally "
                         "drops the station. Repeated messages 1 and 2 without a message 3 are therefore what "
                         "a wrong Wi-Fi password looks like on the air."));
      insight_item_add_frames (item->frames, h->msg1);
      insight_item_add_frames (item->frames, h->msg2);
      item->confidence = "high";
      item->confirm = g_strdup ("The passphrase configured on the device; with the right one in the Wi-Fi keys "
                                "(wpa-pwd), message 2's MIC verifies.");
    }
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
  report_stations (self, r);
  report_deauth_storm (self, r);
  report_handshakes (self, r);
}
