/* test-mqtt-transactions.c — MQTT request/response matching on real
 * captures: every acknowledged message points to its answer and back, the
 * times agree with the frame timestamps, QoS 2 chains are complete, DUP
 * copies point to the first copy, and random access in any order gives the
 * same answers. */
#include <string.h>

#include "iot-engine.h"
#include "iot-packet.h"

enum {
  CONNECT = 1, CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBSCRIBE, SUBACK,
  UNSUBSCRIBE, UNSUBACK, PINGREQ, PINGRESP,
};

/* One MQTT message as the dissector shows it. */
typedef struct {
  guint32 frame;
  guint32 stream;
  guint16 sport, dport;
  guint   type, qos, dup;
  gint    msgid;
  guint32 response_in, response_to, pubrec_in, pubrel_in, pubcomp_in, publish_in, dup_of;
  gint64  response_time, handshake_time;
  gboolean warned;
} Msg;

static guint64
field_value (const IotNode *node, const char *abbrev)
{
  return strcmp (node->field->abbrev, abbrev) == 0 ? node->v.u : 0;
}

static void
collect (IotEngine *engine, IotPacket *pkt, guint32 number, GArray *out)
{
  IotDissectOptions options = { IOT_DISSECT_TREE | IOT_DISSECT_COLUMNS };
  Msg *m = NULL;
  guint32 stream = 0;
  guint16 sport = 0, dport = 0;

  iot_engine_dissect (engine, pkt, number, &options);
  iot_packet_get_ports (pkt, &sport, &dport);
  for (guint i = 0; i < iot_packet_n_nodes (pkt); i++)
    {
      const IotNode *node = iot_packet_node (pkt, i);
      const char *abbrev;

      if (m != NULL && (node->flags & IOT_NODE_EXPERT) && node->severity == IOT_SEV_WARN
          && node->group == IOT_GROUP_SEQUENCE)
        m->warned = TRUE;
      if (node->field == NULL)
        continue;
      abbrev = node->field->abbrev;
      if (strcmp (abbrev, "tcp.stream") == 0)
        stream = (guint32) node->v.u;
      else if (strcmp (abbrev, "mqtt") == 0)
        {
          Msg fresh = { number, stream, sport, dport };

          fresh.msgid = -1;
          fresh.response_time = fresh.handshake_time = -1;
          g_array_append_val (out, fresh);
          m = &g_array_index (out, Msg, out->len - 1);
        }
      else if (m == NULL || !g_str_has_prefix (abbrev, "mqtt."))
        continue;
      else if (strcmp (abbrev, "mqtt.msgtype") == 0)
        m->type = (guint) node->v.u;
      else if (strcmp (abbrev, "mqtt.qos") == 0)
        m->qos = (guint) node->v.u;
      else if (strcmp (abbrev, "mqtt.dupflag") == 0)
        m->dup = (guint) node->v.u;
      else if (strcmp (abbrev, "mqtt.msgid") == 0)
        m->msgid = (gint) node->v.u;
      else if (strcmp (abbrev, "mqtt.response_time") == 0)
        m->response_time = node->v.i;
      else if (strcmp (abbrev, "mqtt.handshake_time") == 0)
        m->handshake_time = node->v.i;
      else
        {
          m->response_in += field_value (node, "mqtt.response_in");
          m->response_to += field_value (node, "mqtt.response_to");
          m->pubrec_in += field_value (node, "mqtt.pubrec_in");
          m->pubrel_in += field_value (node, "mqtt.pubrel_in");
          m->pubcomp_in += field_value (node, "mqtt.pubcomp_in");
          m->publish_in += field_value (node, "mqtt.publish_in");
          m->dup_of += field_value (node, "mqtt.dup_of");
        }
    }
}

/* All messages of the capture, dissecting frames forwards or backwards
 * (the result is in frame order either way). */
static GArray *
all_messages (IotEngine *engine, gboolean backwards)
{
  IotFile *file = iot_engine_file (engine);
  guint32 n = iot_file_n_frames (file);
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  GArray **per_frame = g_new0 (GArray *, n + 1);
  GArray *out = g_array_new (FALSE, TRUE, sizeof (Msg));

  for (guint32 k = 0; k < n; k++)
    {
      guint32 number = backwards ? n - k : k + 1;

      per_frame[number] = g_array_new (FALSE, TRUE, sizeof (Msg));
      collect (engine, pkt, number, per_frame[number]);
    }
  for (guint32 number = 1; number <= n; number++)
    {
      g_array_append_vals (out, per_frame[number]->data, per_frame[number]->len);
      g_array_unref (per_frame[number]);
    }
  g_free (per_frame);
  return out;
}

static gboolean
msg_equal (const Msg *a, const Msg *b)
{
  return a->frame == b->frame && a->stream == b->stream && a->sport == b->sport && a->dport == b->dport
         && a->type == b->type && a->qos == b->qos && a->dup == b->dup && a->msgid == b->msgid
         && a->response_in == b->response_in && a->response_to == b->response_to
         && a->pubrec_in == b->pubrec_in && a->pubrel_in == b->pubrel_in && a->pubcomp_in == b->pubcomp_in
         && a->publish_in == b->publish_in && a->dup_of == b->dup_of
         && a->response_time == b->response_time && a->handshake_time == b->handshake_time
         && a->warned == b->warned;
}

static const Msg *
find (GArray *msgs, guint32 frame, guint type, gint msgid)
{
  for (guint i = 0; i < msgs->len; i++)
    {
      const Msg *m = &g_array_index (msgs, Msg, i);

      if (m->frame == frame && m->type == type && m->msgid == msgid)
        return m;
    }
  return NULL;
}

static gboolean
opposite (const Msg *a, const Msg *b)
{
  return a->stream == b->stream && a->sport == b->dport && a->dport == b->sport;
}

static gboolean
same_direction (const Msg *a, const Msg *b)
{
  return a->stream == b->stream && a->sport == b->sport && a->dport == b->dport;
}

static gint64
delta (IotFile *file, guint32 from, guint32 to)
{
  return iot_file_frame (file, to)->ts_ns - iot_file_frame (file, from)->ts_ns;
}

/* @answer of @type answers @req: same identifier, other direction, links
 * both ways, response time from the frame timestamps. */
static const Msg *
check_answer (IotFile *file, GArray *msgs, const Msg *req, guint32 frame, guint type)
{
  const Msg *answer = find (msgs, frame, type, req->msgid);

  if (answer == NULL)
    g_error ("frame %u: no message of type %u id %d in frame %u", req->frame, type, req->msgid, frame);
  g_assert_cmpuint (frame, >, req->frame);
  g_assert_true (opposite (req, answer));
  g_assert_cmpuint (answer->response_to, ==, req->frame);
  g_assert_cmpint (answer->response_time, ==, delta (file, req->frame, frame));
  return answer;
}

typedef struct {
  const char *path;
  guint       qos1, qos2, subscribe, dups, unanswered;  /* expected counts */
} Case;

static void
test_capture (gconstpointer data)
{
  const Case *c = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (IotFile) file = iot_file_open (c->path, &error);
  g_autoptr (IotEngine) engine = NULL;
  g_autoptr (GArray) msgs = NULL;
  g_autoptr (GArray) reverse = NULL;
  guint qos1 = 0, qos2 = 0, subscribe = 0, dups = 0, unanswered = 0;

  g_assert_no_error (error);
  engine = iot_engine_new (file);
  iot_engine_first_pass (engine, NULL);
  msgs = all_messages (engine, FALSE);
  g_assert_cmpuint (msgs->len, >, 0);

  for (guint i = 0; i < msgs->len; i++)
    {
      const Msg *m = &g_array_index (msgs, Msg, i);

      unanswered += m->warned;
      /* Every link back has its link forward. */
      if (m->response_to != 0)
        {
          gboolean found = FALSE;

          for (guint k = 0; k < msgs->len; k++)
            {
              const Msg *r = &g_array_index (msgs, Msg, k);

              found |= r->frame == m->response_to && r->response_in == m->frame && opposite (r, m);
            }
          g_assert_true (found);
        }
      if (m->dup_of != 0)
        {
          const Msg *first = find (msgs, m->dup_of, PUBLISH, m->msgid);

          g_assert_nonnull (first);
          g_assert_true (m->dup);
          g_assert_cmpuint (m->dup_of, <, m->frame);
          g_assert_true (same_direction (first, m));
          dups++;
        }
      if (m->warned)
        {
          g_assert_cmpuint (m->response_in, ==, 0);
          continue;
        }
      switch (m->type)
        {
        case PUBLISH:
          if (m->qos == 1)
            {
              g_assert_cmpuint (m->response_in, !=, 0);
              check_answer (file, msgs, m, m->response_in, PUBACK);
              qos1++;
            }
          else if (m->qos == 2)
            {
              const Msg *rel, *comp;

              g_assert_cmpuint (m->pubrec_in, ==, m->response_in);
              check_answer (file, msgs, m, m->pubrec_in, PUBREC);
              if (m->dup)
                break;     /* the handshake goes on with the first copy */
              qos2++;
              g_assert_cmpuint (m->pubrel_in, >, m->pubrec_in);
              g_assert_cmpuint (m->pubcomp_in, >, m->pubrel_in);
              rel = find (msgs, m->pubrel_in, PUBREL, m->msgid);
              comp = find (msgs, m->pubcomp_in, PUBCOMP, m->msgid);
              g_assert_nonnull (rel);
              g_assert_nonnull (comp);
              g_assert_true (same_direction (m, rel));
              g_assert_true (opposite (m, comp));
              g_assert_cmpuint (rel->publish_in, ==, m->frame);
              g_assert_cmpuint (comp->publish_in, ==, m->frame);
              g_assert_cmpuint (comp->response_to, ==, m->pubrel_in);
              g_assert_cmpint (comp->handshake_time, ==, delta (file, m->frame, m->pubcomp_in));
            }
          else
            g_assert_cmpuint (m->response_in, ==, 0);
          break;
        case SUBSCRIBE:
          check_answer (file, msgs, m, m->response_in, SUBACK);
          subscribe++;
          break;
        case UNSUBSCRIBE:
          check_answer (file, msgs, m, m->response_in, UNSUBACK);
          break;
        case CONNECT:
          check_answer (file, msgs, m, m->response_in, CONNACK);
          break;
        case PINGREQ:
          check_answer (file, msgs, m, m->response_in, PINGRESP);
          break;
        default:
          break;
        }
    }
  g_assert_cmpuint (qos1, ==, c->qos1);
  g_assert_cmpuint (qos2, ==, c->qos2);
  g_assert_cmpuint (subscribe, ==, c->subscribe);
  g_assert_cmpuint (dups, ==, c->dups);
  g_assert_cmpuint (unanswered, ==, c->unanswered);

  /* Random access, last frame first: the same values everywhere. */
  reverse = all_messages (engine, TRUE);
  g_assert_cmpuint (reverse->len, ==, msgs->len);
  for (guint i = 0; i < msgs->len; i++)
    g_assert_true (msg_equal (&g_array_index (msgs, Msg, i), &g_array_index (reverse, Msg, i)));
}

static const Case cases[] = {
  { "tests/captures/mqtt311.pcap", 8, 2, 4, 0, 0 },
  { "tests/captures/mqtt311-ns.pcapng", 8, 2, 4, 0, 0 },
  { "tests/captures/mqtt5.pcap", 8, 2, 4, 0, 0 },
  { "tests/captures/mqtt-large.pcap", 2, 0, 0, 0, 0 },
  { "tests/captures/mqtt-coalesced.pcap", 0, 0, 2, 0, 0 },
  { "tests/captures/mqtt5-alias.pcap", 4, 0, 1, 0, 0 },
  { "tests/captures/mqtt-auth.pcap", 2, 1, 0, 0, 0 },
  { "tests/captures/mqtt-dup.pcap", 5, 1, 1, 2, 1 },
};

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  iot_registry_init ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/mqtt/transactions/%s", strrchr (cases[i].path, '/') + 1);

      g_test_add_data_func (name, &cases[i], test_capture);
    }
  return g_test_run ();
}
