/* iot-insight-mqtt.c — MQTT connections, sessions, topics and the
 * publication series of each publisher on each topic, and the findings
 * made of them when the capture ends (periodic gaps, chatty publishers).
 */
#include "iot-insight-tables.h"

#include <math.h>
#include <string.h>

#include "iot-format.h"

/* ---- MQTT -------------------------------------------------------------------------- */

/* Whether topic @topic matches subscription filter @filter (+ and #). */
gboolean
insight_topic_matches (const char *filter, const char *topic)
{
  while (*filter != '\0')
    {
      if (filter[0] == '#')
        return TRUE;
      if (filter[0] == '+')
        {
          while (*topic != '\0' && *topic != '/')
            topic++;
          filter++;
        }
      else
        {
          while (*filter != '\0' && *filter != '/')
            {
              if (*filter != *topic)
                return FALSE;
              filter++;
              topic++;
            }
          if (*topic != '\0' && *topic != '/')
            return FALSE;
        }
      if (*filter == '\0')
        return *topic == '\0';
      /* Both at '/' now. */
      if (*topic != '/')
        return filter[0] == '/' && filter[1] == '#' && filter[2] == '\0' && *topic == '\0';
      filter++;
      topic++;
    }
  return *topic == '\0';
}

static Stream *
stream_get (IotInsight *self, guint32 id)
{
  Stream *st = g_hash_table_lookup (self->streams, GUINT_TO_POINTER (id + 1));

  if (st == NULL)
    {
      st = g_new0 (Stream, 1);
      st->session = -1;
      st->qos0 = g_array_new (FALSE, FALSE, sizeof (Qos0));
      st->inflight = g_array_new (FALSE, FALSE, sizeof (InflightPublish));
      st->retrans = g_array_new (FALSE, FALSE, sizeof (guint32));
      g_hash_table_insert (self->streams, GUINT_TO_POINTER (id + 1), st);
    }
  return st;
}

static IotMqttSession *
stream_session (IotInsight *self, Stream *st)
{
  return st->session >= 0 ? &g_array_index (self->sessions, IotMqttSession, st->session) : NULL;
}

/* Whether the message comes from the client side of the stream. */
static gboolean
mqtt_from_client (Stream *st, const FrameFacts *ff, guint type)
{
  if (st->client_known)
    return memcmp (&st->client, &ff->src, sizeof st->client) == 0 && st->client_port == ff->sport;
  if (type == 1 || type == 8 || type == 10 || type == 12)
    return TRUE;
  if (type == 2 || type == 9 || type == 11 || type == 13)
    return FALSE;
  /* The broker is usually the one on the well-known (lower) port. */
  return ff->dport < ff->sport;
}

static void
learn_client (Stream *st, const FrameFacts *ff, gboolean from_client)
{
  if (st->client_known)
    return;
  st->client_known = TRUE;
  st->client = from_client ? ff->src : ff->dst;
  st->client_port = from_client ? ff->sport : ff->dport;
  st->broker = from_client ? ff->dst : ff->src;
  st->broker_port = from_client ? ff->dport : ff->sport;
}

/* The client's id, or its address and port without one (the stream's). */
static const char *
stream_client_name (IotInsight *self, Stream *st)
{
  IotMqttSession *s = stream_session (self, st);

  if (s != NULL && s->client_id != NULL && *s->client_id != '\0')
    return s->client_id;
  if (st->client_endpoint == NULL)
    st->client_endpoint = insight_endpoint_text (&st->client, st->client_port);
  return st->client_endpoint;
}

static void
session_message (IotInsight *self, Stream *st, const FrameFacts *ff, gboolean from_client)
{
  IotMqttSession *s = stream_session (self, st);
  gint64 gap;

  if (s == NULL || s->end_frame != 0)
    return;
  if (from_client)
    {
      s->sent++;
      gap = ff->rel_ns - st->last_client_ns;
      if (gap / 1e9 > s->longest_silence_s)
        {
          s->longest_silence_s = gap / 1e9;
          s->silence_from = st->last_client_frame;
          s->silence_to = ff->number;
        }
      st->last_client_ns = ff->rel_ns;
      st->last_client_frame = ff->number;
    }
  else
    s->received++;
}

/* Ends the stream's session (DISCONNECT, RST or FIN), once. */
static void
session_end (IotInsight *self, Stream *st, const FrameFacts *ff, const char *reason, gboolean by_client)
{
  IotMqttSession *s = stream_session (self, st);
  gint64 gap;

  if (s == NULL || s->end_frame != 0)
    return;
  s->end_frame = ff->number;
  s->end_ns = ff->rel_ns;
  s->end_reason = reason;
  s->closed_by_broker = !by_client;
  insight_track_session_end (self, st, ff->number, ff->rel_ns, by_client);
  /* A broker that closes a silent client: the silence lasted until now. */
  if (!by_client)
    {
      gap = ff->rel_ns - st->last_client_ns;
      if (gap / 1e9 > s->longest_silence_s)
        {
          s->longest_silence_s = gap / 1e9;
          s->silence_from = st->last_client_frame;
          s->silence_to = ff->number;
        }
    }
}

static void
mqtt_credentials (IotInsight *self, const FrameFacts *ff, const MqttMsg *m)
{
  g_autofree char *user = NULL, *pass = NULL, *dev = NULL, *key = NULL;
  FrameList *l;

  if (!m->has_username && !m->has_passwd)
    return;
  dev = insight_address_text (&ff->src);
  user = m->has_username ? iot_insight_mask_secret (m->username) : g_strdup ("(none)");
  pass = m->has_passwd ? iot_insight_mask_secret (m->passwd) : g_strdup ("(none)");
  key = g_strdup_printf ("MQTT CONNECT from %s (client %s): user name %s, password %s", dev,
                         m->client_id && *m->client_id ? m->client_id : "?", user, pass);
  l = insight_frame_list_get (self->lists[L_CREDENTIALS], key);
  insight_frame_list_add (l, ff->number);
}

static void
add_unacked (IotInsight *self, guint32 frame, gboolean from_client, const char *client)
{
  g_autofree char *k = g_strdup_printf ("%s\x1f%s", from_client ? "client" : "broker", client);

  insight_frame_list_add (insight_frame_list_get (self->lists[L_UNACKED], k), frame);
}

/* A PUBLISH waits for its answer under the connection, the direction it
 * travels, the answer's type and its identifier, as the MQTT dissector
 * matches them. */
static gint64
publish_key (const FrameFacts *ff, gboolean reverse, guint answer, gint32 msgid)
{
  int order = memcmp (&ff->src, &ff->dst, sizeof ff->src);
  gboolean dir = order < 0 || (order == 0 && ff->sport < ff->dport);

  if (reverse)
    dir = !dir;
  return (gint64) ff->stream << 24 | (gint64) dir << 20 | (gint64) (answer & 0xf) << 16 | (guint16) msgid;
}

/* First pass: a QoS 1/2 PUBLISH becomes a candidate for "never
 * acknowledged" until an answer comes. */
static void
publish_waits (IotInsight *self, const FrameFacts *ff, const MqttMsg *m, gboolean from_client, const char *client)
{
  UnackedCandidate c = { ff->number, (guint) (m - &g_array_index (ff->mqtt, MqttMsg, 0)), from_client, client };
  gint64 key;
  OpenPublishes *open;

  if ((m->qos != 1 && m->qos != 2) || m->msgid < 0)
    return;
  key = publish_key (ff, FALSE, m->qos == 1 ? 4 : 5, m->msgid);
  open = g_hash_table_lookup (self->open_publishes, &key);
  if (open == NULL)
    {
      open = g_new (OpenPublishes, 1);
      *open = (OpenPublishes) { key, c, NULL };
      g_hash_table_add (self->open_publishes, open);
      return;
    }
  if (open->more == NULL)
    open->more = g_array_new (FALSE, FALSE, sizeof (UnackedCandidate));
  g_array_append_val (open->more, c);
}

/* First pass: a PUBACK or PUBREC answers every copy still waiting under
 * its key; the MQTT dissector warns about none of them (the oldest gets
 * the answer, the others are copies). */
static void
publish_answered (IotInsight *self, const FrameFacts *ff, const MqttMsg *m)
{
  gint64 key;

  if (m->msgid < 0)
    return;
  key = publish_key (ff, TRUE, m->type, m->msgid);
  g_hash_table_remove (self->open_publishes, &key);
}

static int
cmp_candidates (gconstpointer a, gconstpointer b)
{
  const UnackedCandidate *x = a, *y = b;

  if (x->frame != y->frame)
    return x->frame < y->frame ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

void
insight_mqtt_resolve_unacked (IotInsight *self)
{
  g_autoptr (IotPacket) pkt = NULL;
  g_autoptr (GArray) waiting = g_array_new (FALSE, FALSE, sizeof (UnackedCandidate));
  IotDissectOptions options = { .flags = IOT_DISSECT_TAP (IOT_TAP_MQTT) };
  guint32 dissected = 0;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->open_publishes);
  while (g_hash_table_iter_next (&iter, &value, NULL))
    {
      const OpenPublishes *open = value;

      g_array_append_val (waiting, open->first);
      if (open->more != NULL)
        g_array_append_vals (waiting, open->more->data, open->more->len);
    }
  g_hash_table_remove_all (self->open_publishes);
  g_array_sort (waiting, cmp_candidates);
  for (guint i = 0; i < waiting->len; i++)
    {
      const UnackedCandidate *c = &g_array_index (waiting, UnackedCandidate, i);
      gconstpointer const *records;
      guint n, own = 0;
      gboolean unacked = self->engine == NULL;

      if (self->engine != NULL)
        {
          if (pkt == NULL)
            pkt = iot_packet_new ();
          if (dissected != c->frame)
            iot_engine_dissect (self->engine, pkt, c->frame, &options);
          dissected = c->frame;
          records = iot_packet_tap_records (pkt, IOT_TAP_MQTT, &n);
          for (guint r = 0; r < n; r++)
            {
              const IotTapMqtt *rec = records[r];

              if (rec->in_error)
                continue;
              if (own++ == c->index)
                unacked = rec->unacknowledged;
            }
        }
      if (unacked)
        add_unacked (self, c->frame, c->from_client, c->client);
    }
}

static void
mqtt_message (IotInsight *self, const FrameFacts *ff, MqttMsg *m, Stream *st)
{
  gboolean from_client = mqtt_from_client (st, ff, m->type);
  g_autofree char *key = NULL;
  const char *client;
  IotMqttSession *s;
  Profile *p;

  learn_client (st, ff, from_client);
  if (m->type == 1)
    {
      IotMqttSession fresh = { 0 };

      fresh.client_id = g_strdup (m->client_id ? m->client_id : "");
      fresh.client = insight_endpoint_text (&ff->src, ff->sport);
      fresh.broker = insight_endpoint_text (&ff->dst, ff->dport);
      fresh.stream = ff->stream;
      fresh.connect_frame = ff->number;
      fresh.connack_code = -1;
      fresh.keepalive_s = m->keepalive > 0 ? (guint) m->keepalive : 0;
      fresh.start_ns = ff->rel_ns;
      fresh.end_reason = "open";
      for (guint i = 0; i < self->sessions->len; i++)
        {
          IotMqttSession *prev = &g_array_index (self->sessions, IotMqttSession, i);

          if (*fresh.client_id != '\0' && strcmp (prev->client_id, fresh.client_id) == 0)
            fresh.reconnect = prev->reconnect + 1;
        }
      g_array_append_val (self->sessions, fresh);
      st->session = (gint) self->sessions->len - 1;
      st->last_client_ns = ff->rel_ns;
      st->last_client_frame = ff->number;
      mqtt_credentials (self, ff, m);
    }
  s = stream_session (self, st);
  client = stream_client_name (self, st);
  session_message (self, st, ff, from_client);

  /* Baseline facts for the client. */
  p = self->keep & IOT_INSIGHT_KEEP_PROFILES ? insight_profile_get (self->clients, client) : NULL;
  if (from_client && p != NULL)
    {
      g_autofree char *peer = insight_endpoint_text (&st->broker, st->broker_port);
      g_autofree char *type = g_strdup_printf ("mqtt:%s", insight_mqtt_type_name (m->type));

      insight_profile_add (p, ff->number, ff->rel_ns, m->payload_len, peer, type);
    }

  switch (m->type)
    {
    case 2:
      if (s != NULL && s->connack_frame == 0)
        {
          s->connack_frame = ff->number;
          s->connack_code = m->connack;
        }
      if (m->connack > 0)
        {
          key = g_strdup_printf ("%s\x1f%d", client, m->connack);
          insight_frame_list_add (insight_frame_list_get (self->lists[L_CONNACK], key), ff->number);
          if (s != NULL)
            insight_frame_list_add (insight_frame_list_get (self->lists[L_CONNACK], key), s->connect_frame);
        }
      break;
    case 3:
      {
        const char *topic = m->topic ? m->topic : "";
        Topic *t = st->last_topic;
        Profile *tp;

        /* A connection mostly publishes on the same few topics. */
        if (t == NULL || strcmp (t->stats.topic, topic) != 0)
          t = st->last_topic = insight_topic_get (self, topic);

        t->stats.messages++;
        t->stats.bytes += m->payload_len;
        if (m->qos >= 0 && m->qos <= 2)
          t->stats.qos[m->qos]++;
        if (m->retain)
          t->stats.retained++;
        if (from_client)
          {
            t->stats.published++;
            if (t->last_publisher != client)
              insight_add_unique (self, t->stats.publishers, client);
            t->last_publisher = client;
            if (!m->dup)
              {
                Series *se = t->last_series;

                if (se == NULL || strcmp (se->publisher, client) != 0)
                  se = t->last_series = insight_series_get (self, client, topic);

                g_array_append_val (se->times, ff->rel_ns);
                g_array_append_val (se->frames, ff->number);
                g_array_append_val (se->streams, ff->stream);
              }
            if (self->keep & IOT_INSIGHT_KEEP_PROFILES)
              {
                g_autofree char *type = g_strdup_printf ("qos%d%s", MAX (m->qos, 0), m->retain ? "-retained" : "");

                tp = insight_profile_get (self->topic_profiles, topic);
                insight_profile_add (tp, ff->number, ff->rel_ns, m->payload_len, client, type);
              }
            if (m->qos == 0)
              {
                Qos0 q = { ff->number, ff->rel_ns, ff->seq_raw + ff->tcp_len };

                g_array_append_val (st->qos0, q);
              }
            if (!m->dup)
              insight_track_publish (self, st, ff->number, ff->rel_ns, m->qos, m->msgid, ff->seq_raw + ff->tcp_len,
                                     m->payload_len);
          }
        else
          {
            t->stats.delivered++;
            if (t->last_receiver != client)
              {
                insight_add_unique (self, t->stats.subscribers, client);
                insight_add_unique (self, t->recipients, client);
              }
            t->last_receiver = client;
          }
        if (m->dup)
          {
            key = g_strdup_printf ("%s", client);
            insight_frame_list_add (insight_frame_list_get (self->lists[L_DUP], key), ff->number);
            if (m->dup_of)
              insight_frame_list_add (insight_frame_list_get (self->lists[L_DUP_ORIGINAL], key), m->dup_of);
          }
        if (ff->first_pass)
          publish_waits (self, ff, m, from_client, client);
        else if (m->unanswered)
          add_unacked (self, ff->number, from_client, client);
      }
      break;
    case 4:
    case 5:
      if (ff->first_pass)
        publish_answered (self, ff, m);
      if (!from_client)
        insight_track_answer (self, st, ff->number, ff->rel_ns, m->msgid);
      /* The dissector puts the time since the PUBLISH on its answer. */
      if (m->response_time_ns >= 0)
        {
          double v = m->response_time_ns / 1e9;

          g_array_append_val (self->mqtt_latency, v);
        }
      break;
    case 8:
      if (m->topic != NULL)
        {
          g_auto (GStrv) filters = g_strsplit (m->topic, "\n", -1);

          for (guint i = 0; filters[i] != NULL; i++)
            {
              Subscription sub = { g_strdup (client), g_strdup (filters[i]), ff->number };

              g_array_append_val (self->subscriptions, sub);
            }
        }
      break;
    case 14:
      session_end (self, st, ff, "DISCONNECT", from_client);
      break;
    default:
      break;
    }
  if (m->error_rc >= 0 && m->type != 2)
    {
      key = g_strdup_printf ("%s\x1f%s\x1f%s\x1f%d", client, insight_mqtt_type_name (m->type),
                             m->error_field ? m->error_field : "Reason Code", m->error_rc);
      insight_frame_list_add (insight_frame_list_get (self->lists[L_MQTT_ERROR], key), ff->number);
    }
}

void
insight_mqtt_frame (IotInsight *self, FrameFacts *ff)
{
  Stream *st;
  gboolean rst = (ff->tcp_flags & 0x04) != 0, fin = (ff->tcp_flags & 0x01) != 0;

  if (!ff->has_stream || ff->l4 != 6)
    return;
  if (ff->mqtt->len == 0 && !g_hash_table_contains (self->streams, GUINT_TO_POINTER (ff->stream + 1)))
    return;
  st = stream_get (self, ff->stream);
  if (ff->loss_sign)
    {
      st->had_loss = TRUE;
      st->last_loss_ns = ff->rel_ns;
    }
  if (ff->retrans)
    g_array_append_val (st->retrans, ff->number);
  for (guint i = 0; i < ff->mqtt->len; i++)
    mqtt_message (self, ff, &g_array_index (ff->mqtt, MqttMsg, i), st);
  if (!st->client_known)
    return;
  /* What the broker's TCP has received so far. */
  if (memcmp (&ff->src, &st->broker, sizeof st->broker) == 0 && ff->sport == st->broker_port
      && (ff->tcp_flags & 0x10))
    {
      if (!st->have_ack || (gint32) (ff->ack_raw - st->broker_ack) > 0)
        st->broker_ack = ff->ack_raw;
      st->have_ack = TRUE;
      insight_track_broker_ack (st, ff->rel_ns, ff->ack_raw);
    }
  if (rst || fin)
    {
      gboolean by_client = memcmp (&ff->src, &st->client, sizeof st->client) == 0 && ff->sport == st->client_port;
      IotMqttSession *s = stream_session (self, st);

      if (rst && s != NULL && s->end_frame == 0)
        {
          Reset r = { ff->number, ff->rel_ns, st->session, by_client, st->broker_ack, st->have_ack };

          r.qos0 = g_array_copy (st->qos0);
          g_array_append_val (self->resets, r);
        }
      session_end (self, st, ff, rst ? "RST" : "FIN", by_client);
    }
}

/* ---- findings ----------------------------------------------------------------------- */

/* Scheduling and network jitter make some tens of milliseconds of lateness
 * normal even for a fast publisher, but for a publisher faster than that a
 * fixed floor would hide every missed reading: the floor shrinks with the
 * period, and a missed reading (one period late) always clears it. */
#define GAP_MIN_LATE_S 0.025

static void report_gaps (IotInsight *self, const Series *s, GArray *intervals, GArray *gaps);

static double
gap_min_lateness (const Series *s)
{
  return MAX (MAX (0.5 * s->period, MIN (GAP_MIN_LATE_S, 0.75 * s->period)), 3 * s->jitter);
}

static void
analyze_series (IotInsight *self, Series *s)
{
  g_autoptr (GArray) intervals = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) dev = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 1; i < s->times->len; i++)
    {
      double v = (g_array_index (s->times, gint64, i) - g_array_index (s->times, gint64, i - 1)) / 1e9;

      g_array_append_val (intervals, v);
    }
  if (intervals->len < 4)
    return;
  {
    g_autoptr (GArray) sorted = g_array_copy (intervals);
    IotDistribution d = insight_distribution (sorted);

    s->period = d.median;
  }
  if (s->period <= 0)
    {
      s->period = -1;
      return;
    }
  for (guint i = 0; i < intervals->len; i++)
    {
      double v = fabs (g_array_index (intervals, double, i) - s->period);

      g_array_append_val (dev, v);
    }
  s->jitter = insight_distribution (dev).median;
  /* Mostly regular: half the intervals within a quarter period of the period. */
  if (s->jitter > 0.25 * s->period)
    {
      s->period = -1;
      return;
    }
  {
    g_autoptr (GArray) gaps = g_array_new (FALSE, FALSE, sizeof (guint));

    for (guint i = 0; i < intervals->len; i++)
      {
        double v = g_array_index (intervals, double, i);

        if (v - s->period <= gap_min_lateness (s))
          continue;
        s->gaps++;
        /* A gap that a cause before it explains (a broker slow to answer a
         * device with one message in flight) is that cause's evidence. */
        if (!insight_explain_gap (self, s, g_array_index (s->frames, guint32, i),
                                  g_array_index (s->frames, guint32, i + 1), v))
          g_array_append_val (gaps, i);
      }
    if (gaps->len > 0)
      report_gaps (self, s, intervals, gaps);
  }
}

static guint
readings_missing (const Series *s, double interval)
{
  return MAX ((guint) floor (interval / s->period + 0.5) - 1, 1u);
}

/* One finding per series, however many gaps it has. */
static void
report_gaps (IotInsight *self, const Series *s, GArray *intervals, GArray *gaps)
{
  g_autoptr (GString) where = g_string_new (NULL);
  IotInsightItem *item;
  double longest = 0;
  guint missing = 0;

  for (guint k = 0; k < gaps->len; k++)
    {
      guint i = g_array_index (gaps, guint, k);
      double v = g_array_index (intervals, double, i);

      longest = MAX (longest, v);
      missing += readings_missing (s, v);
      g_string_append_printf (where, "%s%u–%u (%.3f s)", k ? ", " : "", g_array_index (s->frames, guint32, i),
                              g_array_index (s->frames, guint32, i + 1), v);
    }
  if (gaps->len == 1)
    {
      guint i = g_array_index (gaps, guint, 0);

      item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "periodic-gap", IOT_SEV_WARN, s->topic,
        g_strdup_printf ("%s: %s publishes every %.3f s, but nothing came for %.3f s (about %u reading%s missing)",
                         s->topic, s->publisher, s->period, longest, missing, missing == 1 ? "" : "s"),
        g_strdup_printf ("The device \"%s\" normally sends a message on this topic every %.3f seconds (give or "
                         "take %.1f ms). Between frame %u and frame %u the pause was %.3f seconds, more than one and "
                         "a half periods, so at least one expected reading never reached the broker. Common causes "
                         "are a device that reset or went to sleep, a lost radio link, or a sensor that failed to "
                         "read; a dashboard would show a hole in the chart here.",
                         s->publisher, s->period, s->jitter * 1000, g_array_index (s->frames, guint32, i),
                         g_array_index (s->frames, guint32, i + 1), longest));
    }
  else
    item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "periodic-gap", IOT_SEV_WARN, s->topic,
      g_strdup_printf ("%s: %s publishes every %.3f s, but %u times nothing came for longer (up to %.3f s, about "
                       "%u readings missing in all)", s->topic, s->publisher, s->period, gaps->len, longest, missing),
      g_strdup_printf ("The device \"%s\" normally sends a message on this topic every %.3f seconds (give or take "
                       "%.1f ms), but %u pauses lasted more than one and a half periods, so expected readings never "
                       "reached the broker: between frames %s. Nothing else in the capture explains them (no "
                       "reconnect, no broker slow to answer), so look at the device: a reset, sleep, a lost radio "
                       "link or a sensor that failed to read. A dashboard would show holes in the chart there.",
                       s->publisher, s->period, s->jitter * 1000, gaps->len, where->str));
  for (guint k = 0; k < gaps->len; k++)
    {
      guint i = g_array_index (gaps, guint, k);

      insight_item_add_frame (item, g_array_index (s->frames, guint32, i));
      insight_item_add_frame (item, g_array_index (s->frames, guint32, i + 1));
    }
}

/* Same depth, at most one level different (the empty name has no level). */
static gboolean
topics_are_siblings (const char *a, const char *b)
{
  guint diff = 0;

  if (*a == '\0' || *b == '\0')
    return *a == *b;
  for (;;)
    {
      gsize la = strcspn (a, "/"), lb = strcspn (b, "/");

      diff += la != lb || memcmp (a, b, la) != 0;
      a += la;
      b += lb;
      if (*a == '\0' || *b == '\0')
        return *a == *b && diff <= 1;
      a++;
      b++;
    }
}

/* Where find_chatty() looks for a topic's siblings: every topic is filed
 * under its name with one level left open, once per level, so two
 * siblings share at least one key (comparing every series with every
 * other was quadratic).  The key only selects; topics_are_siblings()
 * decides. */
#define OPEN_LEVEL "\x01"

static void
sibling_keys (const char *topic, GPtrArray *keys)
{
  guint level = 0;

  g_ptr_array_set_size (keys, 0);
  if (*topic == '\0')
    {
      g_ptr_array_add (keys, g_strdup (OPEN_LEVEL));
      return;
    }
  for (const char *p = topic;; level++)
    {
      gsize len = strcspn (p, "/");

      g_ptr_array_add (keys, g_strdup_printf ("%.*s" OPEN_LEVEL "%s", (int) (p - topic), topic, p + len));
      if (p[len] == '\0')
        break;
      p += len + 1;
    }
}

static GHashTable *
siblings_index (GPtrArray *all)
{
  GHashTable *index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);

  for (guint j = 0; j < all->len; j++)
    {
      const Series *s = g_ptr_array_index (all, j);

      sibling_keys (s->topic, keys);
      for (guint i = 0; i < keys->len; i++)
        {
          GArray *list = g_hash_table_lookup (index, keys->pdata[i]);

          if (list == NULL)
            {
              list = g_array_new (FALSE, FALSE, sizeof (guint));
              g_hash_table_insert (index, g_strdup (keys->pdata[i]), list);
            }
          if (list->len == 0 || g_array_index (list, guint, list->len - 1) != j)
            g_array_append_val (list, j);
        }
    }
  return index;
}

static int
cmp_uint (gconstpointer a, gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

/* The series that may be siblings of @s, in the order of @all. */
static void
sibling_candidates (GHashTable *index, const Series *s, GPtrArray *keys, GArray *dest)
{
  guint out = 0;

  g_array_set_size (dest, 0);
  sibling_keys (s->topic, keys);
  for (guint i = 0; i < keys->len; i++)
    {
      GArray *list = g_hash_table_lookup (index, keys->pdata[i]);

      if (list != NULL)
        g_array_append_vals (dest, list->data, list->len);
    }
  g_array_sort (dest, cmp_uint);
  for (guint i = 0; i < dest->len; i++)
    if (out == 0 || g_array_index (dest, guint, i) != g_array_index (dest, guint, out - 1))
      g_array_index (dest, guint, out++) = g_array_index (dest, guint, i);
  g_array_set_size (dest, out);
}

/* A rate is judged against something: at least this many other devices
 * publishing on neighbouring topics (fewer make no "usual" rate), or the
 * device's own earlier rate with at least this many intervals on either
 * side of the change. */
#define CHATTY_MIN_PEERS 3
#define CHATTY_MIN_HISTORY 8
#define CHATTY_FACTOR 5.0

/* Median of intervals [from, to) of @s, in seconds. */
static double
median_interval (const Series *s, guint from, guint to)
{
  g_autoptr (GArray) v = NULL;
  double small[64];
  guint n = 0;

  /* The sliding windows of speed_up_point are short: sorted in place on
   * the stack, the same median as insight_distribution's. */
  if (to > MAX (from, 1u) && to - MAX (from, 1u) <= G_N_ELEMENTS (small))
    {
      for (guint i = MAX (from, 1u); i < to; i++)
        {
          double d = (g_array_index (s->times, gint64, i) - g_array_index (s->times, gint64, i - 1)) / 1e9;
          guint j = n++;

          for (; j > 0 && small[j - 1] > d; j--)
            small[j] = small[j - 1];
          small[j] = d;
        }
      return insight_percentile (small, n, 0.5);
    }
  v = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = MAX (from, 1u); i < to; i++)
    {
      double d = (g_array_index (s->times, gint64, i) - g_array_index (s->times, gint64, i - 1)) / 1e9;

      g_array_append_val (v, d);
    }
  return v->len ? insight_distribution (v).median : -1;
}

/* Where @s became faster than it was, as the index of the publication it
 * sped up at (0: it did not, by CHATTY_FACTOR): the split where the
 * intervals just before and just after differ most, kept only when the
 * whole history before it and everything after it differ as much (a short
 * burst in a slow series is not a new rate). */
static guint
speed_up_point (const Series *s, double *before_s, double *after_s)
{
  guint n = s->times->len, best = 0, w = 2 * CHATTY_MIN_HISTORY;
  double best_ratio = CHATTY_FACTOR;

  for (guint k = CHATTY_MIN_HISTORY + 1; k + CHATTY_MIN_HISTORY <= n; k++)
    {
      double before = median_interval (s, k > w ? k - w : 1, k);
      double after = median_interval (s, k + 1, MIN (n, k + 1 + w));

      if (before > 0 && after > 0 && before / after > best_ratio)
        {
          best_ratio = before / after;
          best = k;
        }
    }
  if (best == 0)
    return 0;
  /* Windows that straddle the change rate alike; the first publication at
   * the new rate is the first whose interval is nearer the new one. */
  {
    double local_before = median_interval (s, best > w ? best - w : 1, best);
    double local_after = median_interval (s, best + 1, MIN (n, best + 1 + w));
    double middle = sqrt (local_before * local_after);
    guint first = best > w ? best - w : 1;

    while (first < n - 1
           && (g_array_index (s->times, gint64, first) - g_array_index (s->times, gint64, first - 1)) / 1e9 > middle)
      first++;
    best = first;
  }
  if (best < CHATTY_MIN_HISTORY + 1 || best + CHATTY_MIN_HISTORY > n)
    return 0;
  *before_s = median_interval (s, 1, best);
  *after_s = median_interval (s, best, n);
  return *before_s > 0 && *after_s > 0 && *before_s / *after_s > CHATTY_FACTOR ? best : 0;
}

static void
report_chatty_peers (IotInsight *self, const Series *s, double rate, GArray *peers)
{
  double median = insight_distribution (peers).median;
  IotInsightItem *item;

  item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "chatty-device", IOT_SEV_WARN, s->publisher,
    g_strdup_printf ("%s publishes %.0f messages/min on %s, %.1f× the median of its %u peers (%.0f/min)",
                     s->publisher, rate, s->topic, rate / MAX (median, 1e-9), peers->len, median),
    g_strdup_printf ("Devices that publish on neighbouring topics (the same topic with one level changed) send "
                     "a median of %.0f messages per minute, but \"%s\" sends %.0f. A device this chatty drains "
                     "its battery, uses up radio time and broker capacity, and often points to a wrong "
                     "configuration (a reporting interval in milliseconds instead of seconds) or a sensor "
                     "reporting every tiny change.", median, s->publisher, rate));
  for (guint k = 0; k < MIN (s->frames->len, 20u); k++)
    g_array_append_val (item->frames, g_array_index (s->frames, guint32, k));
  insight_item_add_frames (item->frames, NULL);
  item->confidence = peers->len >= 2 * CHATTY_MIN_PEERS ? "high" : "medium";
  item->confirm = g_strdup ("The device's reporting interval in its configuration, against its peers'.");
}

static void
report_chatty_history (IotInsight *self, const Series *s, guint at, double before_s, double after_s)
{
  IotInsightItem *item;

  item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "chatty-device", IOT_SEV_WARN, s->publisher,
    g_strdup_printf ("%s publishes on %s every %.3f s since frame %u, %.1f× faster than before (every %.3f s)",
                     s->publisher, s->topic, after_s, g_array_index (s->frames, guint32, at), before_s / after_s,
                     before_s),
    g_strdup_printf ("For its first %u messages \"%s\" published on this topic every %.3f seconds; from frame %u "
                     "on it publishes every %.3f seconds. A device that suddenly reports this much faster than "
                     "its own history drains its battery and the broker's capacity; usually a configuration "
                     "change (an interval in milliseconds instead of seconds), a firmware update, or a sensor "
                     "that started reporting every tiny change (a noisy or failing sensor).",
                     at, s->publisher, before_s, g_array_index (s->frames, guint32, at), after_s));
  for (guint k = at; k < MIN (s->frames->len, at + 20u); k++)
    g_array_append_val (item->frames, g_array_index (s->frames, guint32, k));
  for (guint k = at > 3 ? at - 3 : 0; k < at; k++)
    g_array_append_val (item->related, g_array_index (s->frames, guint32, k));
  item->related_label = "The last messages at the old rate";
  item->confidence = "high";
  item->confirm = g_strdup ("What changed on the device at that time (configuration, firmware, the sensor's "
                            "readings).");
}

/* Messages per minute of @s from its first publication to the end of the
 * capture: a device that came up late is not slow for that, and one that
 * fell silent stays counted over the time it could have published. */
static double
series_rate (IotInsight *self, const Series *s)
{
  gint64 span = self->last_ns - g_array_index (s->times, gint64, 0);

  return s->times->len / (MAX (span, G_GINT64_CONSTANT (1000000000)) / 6e10);
}

static void
find_chatty (IotInsight *self, GPtrArray *all)
{
  g_autoptr (GHashTable) index = siblings_index (all);
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) candidates = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < all->len; i++)
    {
      Series *s = g_ptr_array_index (all, i);
      g_autoptr (GArray) peers = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr (GHashTable) devices = g_hash_table_new (g_str_hash, g_str_equal);
      double rate, before_s = 0, after_s = 0;
      guint at;

      if (s->times->len < 10)
        continue;
      rate = series_rate (self, s);
      sibling_candidates (index, s, keys, candidates);
      for (guint c = 0; c < candidates->len; c++)
        {
          Series *o = g_ptr_array_index (all, g_array_index (candidates, guint, c));
          double r = series_rate (self, o);

          if (o != s && strcmp (o->publisher, s->publisher) != 0 && topics_are_siblings (o->topic, s->topic))
            {
              g_array_append_val (peers, r);
              g_hash_table_add (devices, o->publisher);
            }
        }
      /* Two or three other devices make no "usual" rate: one of them may be
       * the odd one. */
      if (g_hash_table_size (devices) >= CHATTY_MIN_PEERS
          && rate > CHATTY_FACTOR * insight_distribution (peers).median)
        report_chatty_peers (self, s, rate, peers);
      else if ((at = speed_up_point (s, &before_s, &after_s)) > 0)
        report_chatty_history (self, s, at, before_s, after_s);
    }
}

static int
cmp_series (gconstpointer a, gconstpointer b)
{
  const Series *x = *(Series *const *) a, *y = *(Series *const *) b;
  int c = strcmp (x->topic, y->topic);

  return c ? c : strcmp (x->publisher, y->publisher);
}

void
insight_finish_mqtt (IotInsight *self)
{
  g_autoptr (GPtrArray) all = insight_values (self->series);
  g_autoptr (GArray) candidates = g_array_new (FALSE, FALSE, sizeof (guint));
  double minutes = MAX (self->last_ns / 6e10, 1e-9);
  SubIndex index;

  g_ptr_array_sort (all, cmp_series);
  for (guint i = 0; i < all->len; i++)
    {
      Series *s = g_ptr_array_index (all, i);
      Topic *t = g_hash_table_lookup (self->topics, s->topic);

      analyze_series (self, s);
      /* A topic's period is its busiest publisher's. */
      if (t != NULL && s->times->len > t->main_count)
        {
          t->main_count = s->times->len;
          t->stats.period_s = s->period;
          t->stats.jitter_s = s->period > 0 ? s->jitter : -1;
        }
      if (t != NULL)
        t->stats.gaps += s->gaps;
    }
  find_chatty (self, all);

  self->topic_order = insight_values (self->topics);
  g_ptr_array_sort (self->topic_order, insight_cmp_topics);
  insight_sub_index_init (&index, self);
  for (guint i = 0; i < self->topic_order->len; i++)
    {
      Topic *t = g_ptr_array_index (self->topic_order, i);

      t->stats.rate_per_min = t->stats.published / minutes;
      insight_sub_index_matching (&index, t->stats.topic, candidates);
      for (guint c = 0; c < candidates->len; c++)
        {
          const Subscription *sub = &g_array_index (self->subscriptions, Subscription,
                                                    g_array_index (candidates, guint, c));

          if (insight_topic_matches (sub->filter, t->stats.topic))
            insight_add_unique (self, t->stats.subscribers, sub->client);
        }
    }
  insight_sub_index_clear (&index);
}

