/* iot-follow-mqtt.c — the MQTT messages of one TCP connection, readably.
 *
 * The stream's frames (the stream index's, else every frame) are
 * dissected with the MQTT and conversation records only: no tree.  The
 * conversation record says whether the frame's own TCP layer is the
 * stream's (a packet quoted in an ICMP error is not); each MQTT record is
 * one message: its type, QoS, DUP flag, packet identifier, topics (a
 * PUBLISH's, a SUBSCRIBE's or UNSUBSCRIBE's filters), the payload as
 * captured, and the dissector's request/response matching as its
 * generated rows show it (mqtt.response_in, .response_to,
 * .response_time, .pubcomp_in, .handshake_time, .dup_of, .publish_in and
 * the expert items that say an answer never came).
 */
#include "iot-follow-mqtt.h"
#include "iot-format.h"
#include "iot-scan.h"
#include "iot-stream-index.h"
#include "iot-tap.h"

#include <string.h>

#define PAYLOAD_TEXT_MAX 60   /* characters of a text payload shown */
#define PAYLOAD_HEX_MAX  24   /* bytes of a binary payload shown */

struct _IotMqttFollow {
  guint32  stream;
  GArray  *messages;          /* IotMqttMessage */
  char    *endpoint[2];       /* client, broker */
};

static const char *const type_names[16] = {
  "RESERVED", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL", "PUBCOMP",
  "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT", "AUTH",
};

const char *
iot_mqtt_type_name (guint type)
{
  return type < 16 ? type_names[type] : "?";
}

static char *
format_endpoint (const IotAddress *addr, guint16 port)
{
  char text[64];

  if (addr->family == 6)
    {
      iot_format_ipv6 (addr->bytes, text, sizeof text);
      return g_strdup_printf ("[%s]:%u", text, port);
    }
  iot_format_ipv4 (addr->bytes, text, sizeof text);
  return g_strdup_printf ("%s:%u", text, port);
}

static void
message_clear (gpointer p)
{
  IotMqttMessage *m = p;

  g_free (m->topic);
  if (m->payload)
    g_bytes_unref (m->payload);
}

/* Adds a topic; a topic alias repeats the same name as a generated row. */
static void
add_topic (IotMqttMessage *m, const char *topic)
{
  char *joined;

  if (topic == NULL || *topic == '\0')
    return;
  if (m->topic == NULL)
    {
      m->topic = g_strdup (topic);
      return;
    }
  if (g_str_has_suffix (m->topic, topic))
    return;
  joined = g_strdup_printf ("%s, %s", m->topic, topic);
  g_free (m->topic);
  m->topic = joined;
}

/* A message's facts from its MQTT record. */
static void
message_from_record (IotMqttMessage *m, const IotTapMqtt *record)
{
  m->type = record->type;
  m->qos = record->qos;
  m->dup = record->dup;
  m->msgid = record->msgid;
  if (record->type == IOT_MQTT_PUBLISH && record->topic != NULL && *record->topic != '\0')
    {
      /* As the tree shows it: ill-formed UTF-8 replaced. */
      GString *topic = g_string_new (NULL);

      iot_format_valid_utf8 ((const guint8 *) record->topic, strlen (record->topic), topic);
      m->topic = g_string_free (topic, FALSE);
    }
  else if (record->type != IOT_MQTT_PUBLISH)
    for (guint i = 0; i < record->n_topics; i++)
      add_topic (m, record->topics[i]);
  /* The payload as captured (mqtt.msg), when all of it was. */
  if (record->type == IOT_MQTT_PUBLISH && record->payload_offset > 0 && !record->payload_cut)
    m->payload = g_bytes_new (record->source + record->payload_offset, record->payload_len);
  m->response_in = record->response_in;
  m->response_to = record->response_to;
  m->response_time_ns = record->response_time_ns;
  m->pubcomp_in = record->pubcomp_in;
  m->handshake_time_ns = record->handshake_time_ns;
  m->dup_of = record->dup_of;
  m->publish_in = record->publish_in;
  /* The dissector alone knows which copies of a message still needed an
   * answer. */
  m->unanswered = record->unacknowledged || record->response_missing;
}

/* The MQTT messages of one dissected frame, appended to @out. */
static void
collect_frame (IotPacket *pkt, guint32 number, gint64 time_ns, gboolean from_first, GArray *out)
{
  guint n_records;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_MQTT, &n_records);

  for (guint k = 0; k < n_records; k++)
    {
      IotMqttMessage fresh = { number, time_ns, from_first };

      message_from_record (&fresh, records[k]);
      g_array_append_val (out, fresh);
    }
}

/* Whether the frame's own TCP layer (not a copy quoted in an ICMP error)
 * belongs to the stream. */
static gboolean
in_stream (IotPacket *pkt, guint32 stream)
{
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_CONV, &n);

  for (guint i = 0; i < n; i++)
    {
      const IotTapConv *conv = records[i];

      if (conv->layer == IOT_TAP_LAYER_TCP && conv->stream != IOT_TAP_NO_STREAM)
        return conv->stream == stream;
    }
  return FALSE;
}

/* Following as a scan listener. */
typedef struct {
  IotMqttFollow *self;
  IotFile       *file;
  IotAddress     first_addr;
  guint16        first_port, ports[2];
  char          *names[2];
  gint64         t0;
  gboolean       seen;
  int            client;
} Follow;

static void
follow_add_wanted (gpointer data, IotFieldSet *wanted, IotDissectFlags *flags)
{
  *flags |= IOT_DISSECT_TAP (IOT_TAP_CONV) | IOT_DISSECT_TAP (IOT_TAP_MQTT);
}

static void
follow_frame (gpointer data, IotPacket *pkt)
{
  Follow *follow = data;
  IotMqttFollow *self = follow->self;
  guint32 n = iot_packet_frame_number (pkt);
  gint64 ts = iot_file_frame (follow->file, n)->ts_ns;
  guint16 sport, dport;
  gboolean from_first;
  guint before = self->messages->len;

  if (!in_stream (pkt, self->stream))
    return;
  iot_packet_get_ports (pkt, &sport, &dport);
  if (!follow->seen)
    {
      follow->seen = TRUE;
      follow->t0 = ts;
      follow->first_addr = *iot_packet_net_src (pkt);
      follow->first_port = sport;
      follow->ports[0] = sport;
      follow->ports[1] = dport;
      follow->names[0] = format_endpoint (iot_packet_net_src (pkt), sport);
      follow->names[1] = format_endpoint (iot_packet_net_dst (pkt), dport);
    }
  from_first = sport == follow->first_port
               && memcmp (iot_packet_net_src (pkt)->bytes, follow->first_addr.bytes, 16) == 0;
  collect_frame (pkt, n, ts - follow->t0, from_first, self->messages);
  for (guint i = before; i < self->messages->len && follow->client < 0; i++)
    if (g_array_index (self->messages, IotMqttMessage, i).type == IOT_MQTT_CONNECT)
      follow->client = from_first ? 0 : 1;
}

static const IotScanListener follow_listener = {
  .add_wanted = follow_add_wanted,
  .frame = follow_frame,
};

IotMqttFollow *
iot_mqtt_follow_new (IotEngine *engine, guint32 stream, GError **error)
{
  g_autoptr (IotScan) scan = iot_scan_new (engine);
  g_autoptr (GArray) frames = NULL;
  Follow follow = { NULL };
  IotMqttFollow *self;
  guint16 *ports = follow.ports;
  char **names = follow.names;
  int client;

  if (iot_registry_field ("tcp.stream") == NULL || iot_registry_field ("mqtt") == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "the TCP or MQTT dissector is missing");
      return NULL;
    }
  self = g_new0 (IotMqttFollow, 1);
  self->stream = stream;
  self->messages = g_array_new (FALSE, FALSE, sizeof (IotMqttMessage));
  g_array_set_clear_func (self->messages, message_clear);

  /* The stream's frames when the first pass indexed them, else every
   * frame (as cheap as a stream filter). */
  frames = iot_engine_stream_frames (engine, IOT_TAP_LAYER_TCP, stream, FALSE);
  if (frames != NULL)
    iot_scan_set_frames (scan, (const guint32 *) frames->data, frames->len);
  follow.self = self;
  follow.file = iot_engine_file (engine);
  follow.client = -1;
  iot_scan_add_listener (scan, &follow_listener, &follow, NULL);
  iot_scan_run (scan, NULL, NULL, NULL, NULL);
  client = follow.client;

  /* The client is who sent CONNECT; without one, the side not on an MQTT
   * port, else the side that spoke first (it opened the connection). */
  if (client < 0)
    client = (ports[0] == 1883 || ports[0] == 8883) && ports[1] != 1883 && ports[1] != 8883 ? 1 : 0;
  self->endpoint[0] = names[client] ? names[client] : g_strdup (":0");
  self->endpoint[1] = names[!client] ? names[!client] : g_strdup (":0");
  for (guint i = 0; i < self->messages->len; i++)
    {
      IotMqttMessage *m = &g_array_index (self->messages, IotMqttMessage, i);

      /* from_client held "sent by the first speaker" until now. */
      m->from_client = client == 0 ? m->from_client : !m->from_client;
    }
  return self;
}

void
iot_mqtt_follow_free (IotMqttFollow *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->messages);
  g_free (self->endpoint[0]);
  g_free (self->endpoint[1]);
  g_free (self);
}

guint
iot_mqtt_follow_n_messages (IotMqttFollow *self)
{
  return self->messages->len;
}

const IotMqttMessage *
iot_mqtt_follow_message (IotMqttFollow *self, guint index)
{
  g_return_val_if_fail (index < self->messages->len, NULL);
  return &g_array_index (self->messages, IotMqttMessage, index);
}

const char *
iot_mqtt_follow_endpoint (IotMqttFollow *self, gboolean broker)
{
  return self->endpoint[broker ? 1 : 0];
}

/* ---- text ------------------------------------------------------------------ */

static void
append_duration (gint64 ns, GString *out)
{
  if (ns < 1000000000)
    g_string_append_printf (out, "%.3f ms", ns / 1e6);
  else
    g_string_append_printf (out, "%.3f s", ns / 1e9);
}

static gboolean
is_text (const guint8 *p, gsize len)
{
  if (!g_utf8_validate ((const char *) p, (gssize) len, NULL))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r')
      return FALSE;
    else if (p[i] == 0x7f)
      return FALSE;
  return TRUE;
}

/* Printable payloads as quoted text (line ends escaped), others in hex;
 * both cut short with "…" and the full size. */
static void
append_payload (GBytes *payload, GString *out)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (payload, &len);

  if (len == 0)
    {
      g_string_append (out, "(empty)");
      return;
    }
  if (is_text (p, len))
    {
      const char *s = (const char *) p, *end = s + len;
      guint chars = 0;

      g_string_append_c (out, '"');
      for (; s < end && chars < PAYLOAD_TEXT_MAX; s = g_utf8_next_char (s), chars++)
        {
          if (*s == '\n')
            g_string_append (out, "\\n");
          else if (*s == '\r')
            g_string_append (out, "\\r");
          else if (*s == '\t')
            g_string_append (out, "\\t");
          else
            g_string_append_len (out, s, g_utf8_next_char (s) - s);
        }
      g_string_append_c (out, '"');
      if (s < end)
        g_string_append_printf (out, "… (%" G_GSIZE_FORMAT " bytes)", len);
      return;
    }
  g_string_append (out, "0x");
  iot_format_hex (p, MIN (len, PAYLOAD_HEX_MAX), NULL, out);
  if (len > PAYLOAD_HEX_MAX)
    g_string_append_printf (out, "… (%" G_GSIZE_FORMAT " bytes)", len);
}

/* The message of this stream in frame @frame that answers @request. */
static const IotMqttMessage *
find_answer (IotMqttFollow *self, guint32 frame, guint32 request)
{
  for (guint i = 0; i < self->messages->len; i++)
    {
      const IotMqttMessage *m = &g_array_index (self->messages, IotMqttMessage, i);

      if (m->frame == frame && m->response_to == request)
        return m;
    }
  return NULL;
}

void
iot_mqtt_follow_format_message (IotMqttFollow *self, guint index, GString *out)
{
  const IotMqttMessage *m = iot_mqtt_follow_message (self, index);
  const IotMqttMessage *answer;
  gsize start = out->len;

  g_return_if_fail (m != NULL);
  g_string_append_printf (out, "%4" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT "  %s  #%-5u %-11s",
                          m->time_ns / 1000000000, (m->time_ns % 1000000000) / 1000,
                          m->from_client ? "C→B" : "B→C", m->frame, iot_mqtt_type_name (m->type));
  if (m->topic)
    g_string_append_printf (out, "  %s", m->topic);
  if (m->qos >= 0)
    g_string_append_printf (out, "  QoS %d", m->qos);
  if (m->dup)
    g_string_append (out, "  DUP");
  if (m->msgid >= 0)
    g_string_append_printf (out, "  id=%d", m->msgid);
  if (m->payload)
    {
      g_string_append (out, "  ");
      append_payload (m->payload, out);
    }
  if (m->dup_of)
    g_string_append_printf (out, "  (again, first sent in #%u)", m->dup_of);
  if (m->response_in)
    {
      answer = find_answer (self, m->response_in, m->frame);
      g_string_append_printf (out, "  → %s #%u", answer ? iot_mqtt_type_name (answer->type) : "answer",
                              m->response_in);
      if (answer && answer->response_time_ns >= 0)
        {
          g_string_append (out, " in ");
          append_duration (answer->response_time_ns, out);
        }
      if (m->pubcomp_in)
        {
          answer = NULL;
          for (guint i = 0; i < self->messages->len && answer == NULL; i++)
            {
              const IotMqttMessage *c = &g_array_index (self->messages, IotMqttMessage, i);

              if (c->frame == m->pubcomp_in && c->type == IOT_MQTT_PUBCOMP && c->publish_in == m->frame)
                answer = c;
            }
          g_string_append_printf (out, ", PUBCOMP #%u", m->pubcomp_in);
          if (answer)
            {
              g_string_append (out, " after ");
              append_duration (answer->handshake_time_ns, out);
            }
        }
    }
  else if (m->unanswered)
    g_string_append (out, "  → no answer seen");
  if (m->response_to)
    g_string_append_printf (out, "  (answers #%u)", m->response_to);
  /* The padded type column leaves blanks when nothing follows it. */
  while (out->len > start && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);
}

void
iot_mqtt_follow_print (IotMqttFollow *self, GString *out)
{
  const char *rule = "===================================================================";

  g_string_append_printf (out, "\n%s\nFollow: mqtt\nFilter: tcp.stream eq %u\n", rule, self->stream);
  g_string_append_printf (out, "Node 0: %s (client, C)\nNode 1: %s (broker, B)\n", self->endpoint[0],
                          self->endpoint[1]);
  for (guint i = 0; i < self->messages->len; i++)
    {
      iot_mqtt_follow_format_message (self, i, out);
      g_string_append_c (out, '\n');
    }
  g_string_append_printf (out, "%s\n", rule);
}
