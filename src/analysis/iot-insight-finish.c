/* iot-insight-finish.c — when the capture ends: MQTT sessions, the
 * frame lists every rule filled, decryption and the security audit become
 * findings, in the order the reports show them.
 */
#include "iot-insight-tables.h"

#include <math.h>
#include <string.h>

#include "iot-format.h"

static const char *
connack_text (gint code, gboolean v5)
{
  if (!v5)
    switch (code)
      {
      case 1: return "unacceptable protocol version";
      case 2: return "client identifier rejected";
      case 3: return "server unavailable";
      case 4: return "bad user name or password";
      case 5: return "not authorized";
      default: break;
      }
  switch (code)
    {
    case 0x80: return "unspecified error";
    case 0x81: return "malformed packet";
    case 0x82: return "protocol error";
    case 0x83: return "implementation specific error";
    case 0x84: return "unsupported protocol version";
    case 0x85: return "client identifier not valid";
    case 0x86: return "bad user name or password";
    case 0x87: return "not authorized";
    case 0x88: return "server unavailable";
    case 0x89: return "server busy";
    case 0x8a: return "banned";
    case 0x8b: return "server shutting down";
    case 0x8c: return "bad authentication method";
    case 0x8d: return "keep alive timeout";
    case 0x8e: return "session taken over";
    case 0x8f: return "topic filter invalid";
    case 0x90: return "topic name invalid";
    case 0x91: return "packet identifier in use";
    case 0x92: return "packet identifier not found";
    case 0x93: return "receive maximum exceeded";
    case 0x94: return "topic alias invalid";
    case 0x95: return "packet too large";
    case 0x96: return "message rate too high";
    case 0x97: return "quota exceeded";
    case 0x98: return "administrative action";
    case 0x99: return "payload format invalid";
    case 0x9a: return "retain not supported";
    case 0x9b: return "QoS not supported";
    case 0x9c: return "use another server";
    case 0x9d: return "server moved";
    case 0x9e: return "shared subscriptions not supported";
    case 0x9f: return "connection rate exceeded";
    case 0xa0: return "maximum connect time";
    case 0xa1: return "subscription identifiers not supported";
    case 0xa2: return "wildcard subscriptions not supported";
    default: return "error";
    }
}

/* Splits a "\x1f"-joined key. */
static GStrv
key_parts (const char *key)
{
  return g_strsplit (key, "\x1f", -1);
}

GPtrArray *
insight_sorted_keys (GHashTable *table)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, insight_cmp_strings);
  return keys;
}

GPtrArray *
insight_values (GHashTable *table)
{
  GPtrArray *values = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (values, value);
  return values;
}

#define sorted_keys insight_sorted_keys

static void
finish_sessions (IotInsight *self)
{
  for (guint i = 0; i < self->resets->len; i++)
    {
      Reset *r = &g_array_index (self->resets, Reset, i);
      IotMqttSession *s = &g_array_index (self->sessions, IotMqttSession, r->session);
      IotMqttSession *next = NULL;
      IotInsightItem *item;
      g_autoptr (GString) risk = g_string_new (NULL);
      guint at_risk = 0, unacked = 0;

      for (guint k = r->session + 1; k < self->sessions->len; k++)
        {
          IotMqttSession *o = &g_array_index (self->sessions, IotMqttSession, k);

          if ((*s->client_id != '\0' && strcmp (o->client_id, s->client_id) == 0)
              || (*s->client_id == '\0' && *o->client_id == '\0'))
            {
              next = o;
              break;
            }
        }
      item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, next ? "mqtt-reset-reconnect" : "mqtt-reset",
                               IOT_SEV_WARN, *s->client_id ? s->client_id : s->client, NULL, NULL);
      insight_item_add_frame (item, s->connect_frame);
      insight_item_add_frame (item, r->frame);
      if (next)
        insight_item_add_frame (item, next->connect_frame);
      /* QoS 0 messages of the last 5 s: nobody confirms them, and a reset
       * throws away whatever was still queued. */
      for (guint k = 0; k < r->qos0->len; k++)
        {
          Qos0 *q = &g_array_index (r->qos0, Qos0, k);

          if (r->rel_ns - q->rel_ns > 5 * G_GINT64_CONSTANT (1000000000))
            continue;
          g_array_append_val (item->related, q->frame);
          at_risk++;
          if (!r->have_ack || (gint32) (r->broker_ack - q->seq_end) < 0)
            unacked++;
        }
      item->related_label = "QoS 0 messages at risk (sent in the 5 s before the reset)";
      if (at_risk)
        g_string_printf (risk, " %u QoS 0 message%s sent just before it may be lost (%u not even acknowledged by "
                         "the broker's TCP).", at_risk, at_risk == 1 ? "" : "s", unacked);
      {
        g_autofree char *tail = next ? g_strdup_printf (", which reconnected %.3f s later (frame %u)",
                                                        (next->start_ns - r->rel_ns) / 1e9, next->connect_frame)
                                     : g_strdup (" with no reconnect");

        item->summary = g_strdup_printf ("TCP reset (RST from the %s, frame %u) ended the MQTT session of %s%s",
                                         r->by_client ? "client" : "broker", r->frame,
                                         *s->client_id ? s->client_id : s->client, tail);
      }
      item->explanation = g_strdup_printf (
        "A TCP reset (RST) tears a connection down at once, without the orderly MQTT DISCONNECT, so the broker "
        "treats it as a crash: it publishes the client's last will, if any, and forgets unfinished work.%s%s "
        "Messages sent with QoS 0 are never confirmed, so if they were still in a send buffer they are gone "
        "without anyone noticing; use QoS 1 for readings that matter.",
        risk->len ? risk->str : " No QoS 0 messages were sent in the 5 seconds before the reset.",
        next ? " The client came back with a new connection, which is what a well-written device does." : "");
    }
  for (guint i = 0; i < self->sessions->len; i++)
    {
      IotMqttSession *s = &g_array_index (self->sessions, IotMqttSession, i);
      IotInsightItem *item;

      /* Open at the end of the capture: the silence lasts until then. */
      if (s->end_frame == 0)
        {
          Stream *st = g_hash_table_lookup (self->streams, GUINT_TO_POINTER (s->stream + 1));
          double tail = st ? (self->last_ns - st->last_client_ns) / 1e9 : 0;

          s->end_ns = self->last_ns;
          if (st && tail > s->longest_silence_s && s->keepalive_s > 0 && tail > 1.5 * s->keepalive_s)
            {
              s->longest_silence_s = tail;
              s->silence_from = st->last_client_frame;
              s->silence_to = 0;
            }
        }
      if (s->keepalive_s == 0 || s->longest_silence_s <= 1.5 * s->keepalive_s)
        continue;
      item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "mqtt-keepalive", IOT_SEV_WARN,
                               *s->client_id ? s->client_id : s->client,
        g_strdup_printf ("%s promised to speak at least every %u s (keep-alive) but was silent for %.1f s",
                         *s->client_id ? s->client_id : s->client, s->keepalive_s, s->longest_silence_s),
        g_strdup_printf ("In its CONNECT (frame %u) the client set a keep-alive of %u seconds: a promise to send "
                         "something, at least a PINGREQ, that often. The broker may close a connection that stays "
                         "silent for more than one and a half times that (%.0f s), and here the client said nothing "
                         "for %.1f s. The device may have hung, lost its network, or be sleeping longer than it "
                         "told the broker.", s->connect_frame, s->keepalive_s, 1.5 * s->keepalive_s,
                         s->longest_silence_s));
      insight_item_add_frame (item, s->connect_frame);
      if (s->silence_from)
        insight_item_add_frame (item, s->silence_from);
      if (s->silence_to)
        insight_item_add_frame (item, s->silence_to);
    }
}

static void
finish_lists (IotInsight *self)
{
  g_autoptr (GPtrArray) keys = NULL;

  keys = sorted_keys (self->lists[L_UNACKED]);
  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->lists[L_UNACKED], keys->pdata[i]);
      g_auto (GStrv) p = key_parts (keys->pdata[i]);
      gboolean by_client = strcmp (p[0], "client") == 0;
      IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "mqtt-unacknowledged", IOT_SEV_WARN, p[1],
        g_strdup_printf ("%u QoS 1/2 PUBLISH%s %s %s never acknowledged", l->frames->len,
                         l->frames->len == 1 ? "" : "es", by_client ? "from" : "to", p[1]),
        g_strdup_printf ("With QoS 1 or 2 the receiver must confirm every PUBLISH (PUBACK, or PUBREC for QoS 2); "
                         "until it does, the sender keeps the message and sends it again later with the DUP flag. "
                         "No confirmation was seen for these, so %s either never got them, is too busy or broken "
                         "to answer, or the connection ended first. Expect duplicates after the next reconnect.",
                         by_client ? "the broker" : p[1]));

      insight_item_add_frames (item->frames, l->frames);
    }
  g_ptr_array_unref (keys);
  keys = sorted_keys (self->lists[L_DUP]);
  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->lists[L_DUP], keys->pdata[i]);
      FrameList *orig = g_hash_table_lookup (self->lists[L_DUP_ORIGINAL], keys->pdata[i]);
      IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "mqtt-dup", IOT_SEV_NOTE, keys->pdata[i],
        g_strdup_printf ("%u PUBLISH re-deliver%s with the DUP flag on %s's connections", l->frames->len,
                         l->frames->len == 1 ? "y" : "ies", (char *) keys->pdata[i]),
        g_strdup ("The DUP flag marks a second attempt to deliver a QoS 1 or 2 message whose acknowledgement did "
                  "not arrive (or arrived too late). A few duplicates after a reconnect are normal, but many point "
                  "to a lossy link or acknowledgements that are too slow. With QoS 1 the receiver may process the "
                  "same reading twice, so applications should tolerate duplicates."));

      insight_item_add_frames (item->frames, l->frames);
      if (orig != NULL)
        {
          insight_item_add_frames (item->related, orig->frames);
          item->related_label = "First copies on the same connection";
        }
    }
  g_ptr_array_unref (keys);
  keys = sorted_keys (self->lists[L_CONNACK]);
  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->lists[L_CONNACK], keys->pdata[i]);
      g_auto (GStrv) p = key_parts (keys->pdata[i]);
      gint code = atoi (p[1]);
      IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "mqtt-connack-refused", IOT_SEV_ERROR, p[0],
        g_strdup_printf ("Broker refused the connection of %s: %s (code %d / 0x%02x)", p[0],
                         connack_text (code, code >= 0x80), code, code),
        g_strdup_printf ("The broker answered the client's CONNECT with a CONNACK that says \"%s\" instead of "
                         "\"accepted\", so the client cannot publish or subscribe at all. Check the user name, "
                         "password or certificate the device uses, and the broker's access rules. A device that "
                         "keeps retrying with bad credentials also fills the broker's log.",
                         connack_text (code, code >= 0x80)));

      insight_item_add_frames (item->frames, l->frames);
    }
  g_ptr_array_unref (keys);
  keys = sorted_keys (self->lists[L_MQTT_ERROR]);
  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->lists[L_MQTT_ERROR], keys->pdata[i]);
      g_auto (GStrv) p = key_parts (keys->pdata[i]);
      gint code = atoi (p[3]);
      IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "mqtt-error-reason", IOT_SEV_WARN, p[0],
        g_strdup_printf ("%s with error %s 0x%02x (%s) on %s's connection", p[1], p[2], code,
                         connack_text (code, TRUE), p[0]),
        g_strdup_printf ("MQTT answers carry a reason code; values of 0x80 and above mean failure. This %s says "
                         "\"%s\": the request it answers did not succeed, and the device should not assume its "
                         "message or subscription was taken.", p[1], connack_text (code, TRUE)));

      insight_item_add_frames (item->frames, l->frames);
    }
  g_ptr_array_unref (keys);
  keys = sorted_keys (self->lists[L_COAP_RETRANS]);
  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->lists[L_COAP_RETRANS], keys->pdata[i]);
      IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "coap-retransmission", IOT_SEV_WARN,
                                               keys->pdata[i],
        g_strdup_printf ("%u CoAP retransmission%s sent by %s", l->frames->len, l->frames->len == 1 ? "" : "s",
                         (char *) keys->pdata[i]),
        g_strdup ("CoAP runs over UDP, which does not repair losses, so a confirmable (CON) message is sent again "
                  "when no acknowledgement arrives within about 2 to 3 seconds, waiting twice as long each time. "
                  "Each copy here means a message or its acknowledgement was lost on the way, and every "
                  "retransmission adds seconds of delay. Many of them point to a lossy radio link or an overloaded "
                  "server."));

      insight_item_add_frames (item->frames, l->frames);
    }
  g_ptr_array_unref (keys);
  keys = sorted_keys (self->coap_cons);
  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->coap_cons, keys->pdata[i]);
      IotInsightItem *item;

      if (l->answered)
        continue;
      item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "coap-unanswered", IOT_SEV_WARN, keys->pdata[i],
        g_strdup_printf ("Confirmable CoAP %s (%s) never acknowledged (%u cop%s sent)", g_strstrip (l->label),
                         (char *) keys->pdata[i], l->frames->len, l->frames->len == 1 ? "y" : "ies"),
        g_strdup ("A confirmable (CON) message asks the other side for an ACK (or a RST if it cannot handle it). "
                  "None came back for this one, even after the retransmissions shown. The receiver may be "
                  "offline or asleep, a firewall may drop the traffic, or the capture started or stopped too "
                  "early to see the answer."));
      insight_item_add_frames (item->frames, l->frames);
    }
  g_ptr_array_unref (keys);
  keys = sorted_keys (self->lists[L_TCP_RETRANS]);
  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->lists[L_TCP_RETRANS], keys->pdata[i]);
      IotInsightItem *item;

      if (l->frames->len < 3)
        continue;
      item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "tcp-retransmissions", IOT_SEV_WARN, keys->pdata[i],
        g_strdup_printf ("%s sent %u TCP retransmissions", (char *) keys->pdata[i], l->frames->len),
        g_strdup ("TCP sends a segment again when the receiver does not acknowledge it in time, or when duplicate "
                  "acknowledgements show that something in between went missing. A burst of retransmissions "
                  "means packets are being lost on the path (a weak radio link, a congested router) or the other "
                  "side is too slow; messages still arrive, but late, and the connection may slow down."));
      insight_item_add_frames (item->frames, l->frames);
    }
  g_ptr_array_unref (keys);
  keys = sorted_keys (self->lists[L_ZERO_WINDOW]);
  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->lists[L_ZERO_WINDOW], keys->pdata[i]);
      IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "tcp-zero-window", IOT_SEV_WARN,
                                               keys->pdata[i],
        g_strdup_printf ("%s announced a zero receive window %u time%s", (char *) keys->pdata[i], l->frames->len,
                         l->frames->len == 1 ? "" : "s"),
        g_strdup ("A zero window means \"my receive buffer is full, stop sending\": the program on this host is not "
                  "reading its data fast enough. The sender has to wait and probe until space frees up, so "
                  "everything on this connection stalls. On a small device this often means the application is "
                  "blocked or overloaded."));
      insight_item_add_frames (item->frames, l->frames);
    }
  g_ptr_array_unref (keys);
  keys = sorted_keys (self->lists[L_DNS]);
  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->lists[L_DNS], keys->pdata[i]);
      g_auto (GStrv) p = key_parts (keys->pdata[i]);
      gboolean nx = strcmp (p[1], "3") == 0;
      IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "dns-failure", nx ? IOT_SEV_WARN : IOT_SEV_ERROR,
                                               p[0],
        g_strdup_printf ("DNS lookup of %s failed: %s", p[0], nx ? "no such name (NXDOMAIN)" : "server failure (SERVFAIL)"),
        nx ? g_strdup_printf ("The name server says the name \"%s\" does not exist (NXDOMAIN). A device that looks "
                              "up a wrong or outdated host name, for example a typo in its broker address, cannot "
                              "connect at all and usually keeps retrying.", p[0])
           : g_strdup_printf ("The name server could not answer for \"%s\" (SERVFAIL): it failed itself, or could "
                              "not reach the servers responsible for that name. The device cannot find its server "
                              "until the DNS problem is fixed.", p[0]));
      insight_item_add_frames (item->frames, l->frames);
    }
  g_ptr_array_unref (keys);
  keys = sorted_keys (self->lists[L_MALFORMED]);
  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->lists[L_MALFORMED], keys->pdata[i]);
      IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "malformed", IOT_SEV_ERROR, keys->pdata[i],
        g_strdup_printf ("%u malformed %s packet%s", l->frames->len, (char *) keys->pdata[i],
                         l->frames->len == 1 ? "" : "s"),
        g_strdup_printf ("These packets break the rules of the %s protocol (for example a length field that "
                         "points past the end of the data), so decoding stopped there. A buggy or "
                         "misconfigured sender, a different protocol on the expected port, or damage on the way "
                         "can cause this; the receiver will probably reject them too.", (char *) keys->pdata[i]));
      insight_item_add_frames (item->frames, l->frames);
    }
}

/* Once secrets are at work (a key log, a PSK, a capture's secrets
 * block), every TLS/DTLS session says whether it was decrypted, with
 * which kind of secret, or why not. */
static void
finish_decryption (IotInsight *self)
{
  IotTlsSessions *sessions = self->tls_sessions;

  if (!iot_tls_sessions_any_note (sessions))
    return;
  for (guint i = 0; i < iot_tls_sessions_n (sessions); i++)
    {
      const IotTlsSession *s = iot_tls_sessions_get (sessions, i);
      const char *proto = s->dtls ? "DTLS" : "TLS";
      g_autofree char *subject = g_strdup_printf ("%s → %s", s->client, s->server);
      IotInsightItem *item;

      if (s->secret != NULL)
        item = insight_add_item (self, IOT_INSIGHT_SECURITY, "tls-decrypted", IOT_SEV_NOTE, subject,
          g_strdup_printf ("%s session %s decrypted with %s", proto, subject, s->secret),
          g_strdup_printf ("The secrets given for this capture open this session, so what it carries is analysed "
                           "like clear text. Whoever holds the same secret (%s) can read it too: keep key logs "
                           "and pre-shared keys as safe as the devices' private keys, and remove them from "
                           "captures before sharing them.", s->secret));
      else
        item = insight_add_item (self, IOT_INSIGHT_SECURITY, "tls-not-decrypted", IOT_SEV_NOTE, subject,
          g_strdup_printf ("%s session %s not decrypted: %s", proto, subject,
                           s->failure ? s->failure : "no protected record was captured"),
          g_strdup_printf ("Secrets were given for this capture, but none opens this session (%s), so its "
                           "content stays hidden from the analysis. A key log written by the client while the "
                           "session ran (SSLKEYLOGFILE), or for plain PSK suites the pre-shared key, makes it "
                           "readable.", s->failure ? s->failure : "no protected record was captured"));
      insight_item_add_frame (item, s->note_frame ? s->note_frame : s->first_frame);
    }
}

static void
finish_security (IotInsight *self)
{
  finish_decryption (self);
  g_autoptr (GPtrArray) keys = sorted_keys (self->lists[L_CLEARTEXT]);

  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->lists[L_CLEARTEXT], keys->pdata[i]);
      g_auto (GStrv) p = key_parts (keys->pdata[i]);
      g_autofree char *subject = g_strdup_printf ("%s → port %s", p[1], p[2]);
      IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_SECURITY, "cleartext", IOT_SEV_WARN, subject,
        g_strdup_printf ("%s in clear text: device %s, server port %s (%u frame%s)", p[0], p[1], p[2],
                         l->frames->len + l->more, l->frames->len + l->more == 1 ? "" : "s"),
        g_strdup_printf ("%s is not encrypted here, so anyone on the same network (Wi-Fi, a switch port, the "
                         "provider) can read every message and change it on the way. Use the TLS/DTLS version "
                         "instead (MQTT on port 8883, CoAP over DTLS on 5684, HTTPS), at least for traffic that "
                         "leaves the local network.", p[0]));
      for (guint k = 0; k < MIN (l->frames->len, CLEARTEXT_FRAMES_SHOWN); k++)
        g_array_append_val (item->frames, g_array_index (l->frames, guint32, k));
    }
  g_ptr_array_unref (keys);
  keys = sorted_keys (self->lists[L_CREDENTIALS]);
  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->lists[L_CREDENTIALS], keys->pdata[i]);
      IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_SECURITY, "cleartext-credentials", IOT_SEV_ERROR,
                                               keys->pdata[i],
        g_strdup_printf ("Credentials in clear text: %s", (char *) keys->pdata[i]),
        g_strdup ("The user name and password travel unencrypted, so anybody who can capture this traffic, as we "
                  "just did, can copy them and log in as the device (they are masked in this report: first "
                  "character and length only). Send credentials only over TLS, and change this password."));
      insight_item_add_frames (item->frames, l->frames);
    }
  g_ptr_array_unref (keys);
  keys = sorted_keys (self->lists[L_TLS_VERSION]);
  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->lists[L_TLS_VERSION], keys->pdata[i]);
      g_auto (GStrv) p = key_parts (keys->pdata[i]);
      g_autofree char *subject = g_strdup_printf ("%s → %s", p[0], p[1]);
      IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_SECURITY, "weak-tls-version", IOT_SEV_ERROR, subject,
        g_strdup_printf ("%s with %s (%s)", subject, p[2], p[3]),
        g_strdup_printf ("%s is older than TLS 1.2. Old versions have known attacks and weak building blocks and "
                         "are switched off in current software, so this device or server should be updated; "
                         "until then its encryption cannot be trusted.", p[2]));
      insight_item_add_frames (item->frames, l->frames);
    }
  g_ptr_array_unref (keys);
  keys = sorted_keys (self->lists[L_WEAK_CIPHER]);
  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->lists[L_WEAK_CIPHER], keys->pdata[i]);
      g_auto (GStrv) p = key_parts (keys->pdata[i]);
      g_autofree char *subject = g_strdup_printf ("%s → %s", p[0], p[1]);
      g_autofree char *pair = g_strdup_printf ("%s\x1f%s", p[0], p[1]);
      FrameList *readable = g_hash_table_lookup (self->lists[L_READABLE], pair);
      g_autofree char *shown = NULL, *numbers = NULL;
      IotInsightItem *item;

      /* A NULL cipher leaves the payload readable: show where, and what. */
      if (readable != NULL)
        {
          numbers = insight_frame_numbers_text (readable->frames, 10);
          shown = g_strdup_printf (" The application data of %s %s is readable in this capture: %s.",
                                   readable->frames->len == 1 ? "frame" : "frames", numbers, readable->label);
        }
      item = insight_add_item (self, IOT_INSIGHT_SECURITY, "weak-cipher", IOT_SEV_ERROR, subject,
        g_strdup_printf ("%s agreed on the weak cipher suite %s", subject, p[2]),
        g_strdup_printf ("The server chose a cipher suite that uses %s. Such a connection looks encrypted but can "
                         "be read or forged by an attacker with modest effort.%s Configure both sides to allow only "
                         "modern suites (AES-GCM or ChaCha20 with ECDHE).", p[3], shown ? shown : ""));
      insight_item_add_frames (item->frames, l->frames);
      if (readable != NULL)
        for (guint k = 0; k < MIN (readable->frames->len, 10u); k++)
          g_array_append_val (item->frames, g_array_index (readable->frames, guint32, k));
      insight_item_add_frames (item->frames, NULL);   /* in order */
    }
  g_ptr_array_unref (keys);
  keys = sorted_keys (self->lists[L_EXTERNAL]);
  for (guint i = 0; i < keys->len; i++)
    {
      FrameList *l = g_hash_table_lookup (self->lists[L_EXTERNAL], keys->pdata[i]);
      g_auto (GStrv) p = key_parts (keys->pdata[i]);
      g_autofree char *subject = g_strdup_printf ("%s ↔ %s", p[0], p[1]);
      IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_SECURITY, "external-peer", IOT_SEV_NOTE, subject,
        g_strdup_printf ("%s talks to the outside address %s (%u frame%s)", p[0], p[1], l->frames->len,
                         l->frames->len == 1 ? "" : "s"),
        g_strdup_printf ("%s is not a private, loopback, link-local or multicast address, so this traffic leaves "
                         "the local network. Check that the device is supposed to talk to it (a known cloud "
                         "service, an update server); unexpected outside peers can mean data leaking to a vendor "
                         "or a compromised device.", p[1]));
      for (guint k = 0; k < MIN (l->frames->len, 10u); k++)
        g_array_append_val (item->frames, g_array_index (l->frames, guint32, k));
    }
}

static int
cmp_items (gconstpointer a, gconstpointer b)
{
  const IotInsightItem *x = *(IotInsightItem *const *) a, *y = *(IotInsightItem *const *) b;
  guint32 fx = x->frames->len ? g_array_index (x->frames, guint32, 0) : 0;
  guint32 fy = y->frames->len ? g_array_index (y->frames, guint32, 0) : 0;

  if (x->kind != y->kind)
    return x->kind < y->kind ? -1 : 1;
  if (x->severity != y->severity)
    return x->severity > y->severity ? -1 : 1;
  return fx < fy ? -1 : fx > fy;
}

void
iot_insight_finish (IotInsight *self)
{
  if (self->finished)
    return;
  self->finished = TRUE;
  insight_walk_deferred (self);
  insight_mqtt_resolve_unacked (self);
  iot_readings_finish (self->readings);
  insight_finish_mqtt (self);
  finish_sessions (self);
  finish_lists (self);
  insight_finish_causes (self);
  insight_finish_path (self);
  insight_finish_tls (self);
  insight_finish_vantage (self);
  insight_finish_network (self);
  insight_finish_coap (self);
  insight_finish_wpan (self);
  insight_finish_radio (self);
  insight_finish_wifi (self);
  insight_finish_sparkplug (self);
  finish_security (self);
  g_ptr_array_sort (self->items, cmp_items);
}

IotReadings *
iot_insight_readings (IotInsight *self)
{
  return self->readings;
}
