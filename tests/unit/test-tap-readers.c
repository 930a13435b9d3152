/* test-tap-readers.c — the record members the flow graph, MQTT follow,
 * the capture comparison and the insight's BLE part read instead of the
 * tree (src/dissect/iot-tap.h), against the full tree frame by frame on
 * every test capture.
 *
 * A dissection asking only for the records (no field, no tree) makes no
 * field node, yet publishes per frame:
 *  - with IOT_DISSECT_QUOTED, one TCP segment record per tcp layer that
 *    reached its header length (the frame's own and those an ICMP error
 *    quotes, marked in_error), whose stream, flags and length are the
 *    layer's tcp.stream, tcp.flags and tcp.len; and one conversation
 *    record per tcp / udp layer with a stream, whose stream and ports are
 *    the layer's, in_error when an ICMP error quotes it.  Without the flag
 *    the quoted copies have none and the others are the same;
 *  - per CoAP message, the Uri-Path its coap.opt.uri_path rows hold;
 *  - per ip / ipv6 row, an IP header record with its ip.id, and once the
 *    header was read its length, TTL / hop limit, protocol, IPv4
 *    fragment fields and addresses, marked in_error inside an ICMP error;
 *  - per btatt row, an ATT record with its opcode, its last btatt.handle
 *    and, for a notification, its first value row as -T fields formats
 *    it; per btsmp.pairing_method row, an SMP record with that method;
 *  - per MQTT message ("mqtt" row), its mqtt.topic rows' values, the
 *    payload mqtt.msg holds (present exactly when the whole payload was
 *    captured), the generated frame links and times of the
 *    request/response matching and the expert items saying no answer
 *    came. */
#include "iot-core-private.h"
#include "iot-engine.h"
#include "iot-format.h"
#include "iot-packet.h"

#include "test-util.h"

#include <string.h>

typedef struct {
  guint tcp_segments, tcp_quoted, conversations, conv_quoted, coap_messages, coap_paths;
  guint mqtt_messages, mqtt_topics, mqtt_payloads, mqtt_links, mqtt_unanswered;
  guint ip_headers, ip_quoted, ip_ids, ip_fragments;
  guint att_pdus, att_handles, att_values, smp_methods;
} Counts;

static const char *
abbrev_of (const IotNode *node)
{
  return node->field != NULL ? node->field->abbrev : "";
}

/* Whether node @index is below node @root (rows are not always added in
 * tree order: a layer's later rows may follow another layer's). */
static gboolean
below (IotPacket *full, guint index, guint root)
{
  gint32 up = iot_packet_node (full, index)->parent;

  while (up > (gint32) root)
    up = iot_packet_node (full, up)->parent;
  return up == (gint32) root;
}

/* The first node named @abbrev below @root, NULL: none. */
static const IotNode *
child (IotPacket *full, guint root, const char *abbrev)
{
  for (guint j = root + 1; j < iot_packet_n_nodes (full); j++)
    if (below (full, j, root) && strcmp (abbrev_of (iot_packet_node (full, j)), abbrev) == 0)
      return iot_packet_node (full, j);
  return NULL;
}

/* Whether an ICMP or ICMPv6 error row holds node @index. */
static gboolean
quoted (IotPacket *full, guint index)
{
  for (gint32 up = iot_packet_node (full, index)->parent; up >= 0; up = iot_packet_node (full, up)->parent)
    {
      const char *abbrev = abbrev_of (iot_packet_node (full, up));

      if (strcmp (abbrev, "icmp") == 0 || strcmp (abbrev, "icmpv6") == 0)
        return TRUE;
    }
  return FALSE;
}

static void
check_tcp (IotPacket *taps, IotPacket *full, Counts *counts)
{
  guint n, next = 0;
  gconstpointer const *records = iot_packet_tap_records (taps, IOT_TAP_TCP, &n);

  for (guint i = 0; i < iot_packet_n_nodes (full); i++)
    {
      const IotNode *flags, *len, *stream;
      const IotTapTcp *tcp;

      if (strcmp (abbrev_of (iot_packet_node (full, i)), "tcp") != 0 || child (full, i, "tcp.hdr_len") == NULL)
        continue;
      g_assert_cmpuint (next, <, n);
      tcp = records[next++];
      flags = child (full, i, "tcp.flags");
      len = child (full, i, "tcp.len");
      stream = child (full, i, "tcp.stream");
      g_assert_cmpint (tcp->in_error, ==, quoted (full, i));
      g_assert_cmpuint (tcp->flags, ==, flags != NULL ? flags->v.u : 0);
      g_assert_cmpuint (tcp->len, ==, len != NULL ? len->v.u : 0);
      g_assert_cmpuint (tcp->stream, ==, stream != NULL ? stream->v.u : IOT_TAP_NO_STREAM);
      counts->tcp_segments++;
      counts->tcp_quoted += tcp->in_error;
    }
  g_assert_cmpuint (next, ==, n);
}

static void
check_conversations (IotPacket *taps, IotPacket *full, Counts *counts)
{
  guint n, next = 0;
  gconstpointer const *records = iot_packet_tap_records (taps, IOT_TAP_CONV, &n);

  for (guint i = 0; i < iot_packet_n_nodes (full); i++)
    {
      const char *layer = abbrev_of (iot_packet_node (full, i));
      gboolean tcp = strcmp (layer, "tcp") == 0;
      const IotNode *stream, *sport, *dport;
      const IotTapConv *conv = NULL;

      if (!tcp && strcmp (layer, "udp") != 0)
        continue;
      stream = child (full, i, tcp ? "tcp.stream" : "udp.stream");
      if (stream == NULL)
        continue;
      /* Skip the records of other layers and of transports without a stream. */
      while (next < n)
        {
          conv = records[next++];
          if (conv->layer == (tcp ? IOT_TAP_LAYER_TCP : IOT_TAP_LAYER_UDP) && conv->stream != IOT_TAP_NO_STREAM)
            break;
          conv = NULL;
        }
      g_assert_nonnull (conv);
      sport = child (full, i, tcp ? "tcp.srcport" : "udp.srcport");
      dport = child (full, i, tcp ? "tcp.dstport" : "udp.dstport");
      g_assert_nonnull (sport);
      g_assert_nonnull (dport);
      g_assert_cmpuint (conv->stream, ==, stream->v.u);
      g_assert_cmpuint (conv->sport, ==, sport->v.u);
      g_assert_cmpuint (conv->dport, ==, dport->v.u);
      g_assert_cmpint (conv->in_error, ==, quoted (full, i));
      counts->conversations++;
      counts->conv_quoted += conv->in_error;
    }
  for (; next < n; next++)
    {
      const IotTapConv *conv = records[next];

      g_assert_true ((conv->layer != IOT_TAP_LAYER_TCP && conv->layer != IOT_TAP_LAYER_UDP)
                     || conv->stream == IOT_TAP_NO_STREAM);
    }
}

/* Without IOT_DISSECT_QUOTED: the frame's own records only, the same. */
static void
check_own (IotPacket *own, IotPacket *taps, IotTapId tap)
{
  guint n_own, n_all, kept = 0;
  gconstpointer const *own_records = iot_packet_tap_records (own, tap, &n_own);
  gconstpointer const *all = iot_packet_tap_records (taps, tap, &n_all);

  for (guint i = 0; i < n_all; i++)
    {
      gboolean in_error = tap == IOT_TAP_TCP ? ((const IotTapTcp *) all[i])->in_error
                                             : ((const IotTapConv *) all[i])->in_error;

      if (in_error)
        continue;
      g_assert_cmpuint (kept, <, n_own);
      if (tap == IOT_TAP_TCP)
        g_assert_cmpmem (own_records[kept], sizeof (IotTapTcp), all[i], sizeof (IotTapTcp));
      else
        {
          const IotTapConv *a = own_records[kept], *b = all[i];

          g_assert_cmpuint (a->layer, ==, b->layer);
          g_assert_cmpuint (a->stream, ==, b->stream);
          g_assert_cmpuint (a->sport, ==, b->sport);
          g_assert_cmpuint (a->dport, ==, b->dport);
          g_assert_cmpint (a->cut, ==, b->cut);
          g_assert_cmpmem (&a->src, sizeof a->src, &b->src, sizeof b->src);
          g_assert_cmpmem (&a->dst, sizeof a->dst, &b->dst, sizeof b->dst);
        }
      kept++;
    }
  g_assert_cmpuint (kept, ==, n_own);
}

static void
check_coap (IotPacket *taps, IotPacket *full, Counts *counts)
{
  guint n, next = 0;
  gconstpointer const *records = iot_packet_tap_records (taps, IOT_TAP_COAP, &n);

  for (guint i = 0; i < iot_packet_n_nodes (full); i++)
    {
      g_autoptr (GString) path = g_string_new (NULL);
      const IotTapCoap *coap;

      if (strcmp (abbrev_of (iot_packet_node (full, i)), "coap") != 0)
        continue;
      g_assert_cmpuint (next, <, n);
      coap = records[next++];
      for (guint j = i + 1; j < iot_packet_n_nodes (full); j++)
        {
          const IotNode *node = iot_packet_node (full, j);

          if (below (full, j, i) && strcmp (abbrev_of (node), "coap.opt.uri_path") == 0)
            g_string_append_printf (path, "/%.*s", (int) node->vlen, (const char *) node->v.p);
        }
      if (path->len == 0)
        g_assert_null (coap->uri_path);
      else
        {
          g_assert_cmpstr (coap->uri_path, ==, path->str);
          counts->coap_paths++;
        }
      counts->coap_messages++;
    }
  g_assert_cmpuint (next, ==, n);
}

/* The rows a notification's value lands in (the characteristic's own
 * field when btatt knows it, else btatt.value). */
static const char *const att_value_fields[] = {
  "btatt.value", "btatt.temperature", "btatt.humidity", "btatt.pressure", "btatt.battery_level",
  "btatt.heart_rate_measurement.value.8", "btatt.heart_rate_measurement.value.16", NULL,
};

static void
check_att (IotPacket *taps, IotPacket *full, Counts *counts)
{
  guint n, next = 0;
  gconstpointer const *records = iot_packet_tap_records (taps, IOT_TAP_ATT, &n);

  for (guint i = 0; i < iot_packet_n_nodes (full); i++)
    {
      const char *abbrev = abbrev_of (iot_packet_node (full, i));
      const IotTapAtt *att;

      if (strcmp (abbrev, "btsmp.pairing_method") == 0)
        {
          g_assert_cmpuint (next, <, n);
          att = records[next++];
          g_assert_true (att->smp);
          g_assert_cmpstr (att->pairing_method, ==, (const char *) iot_packet_node (full, i)->v.p);
          counts->smp_methods++;
          continue;
        }
      if (strcmp (abbrev, "btatt") != 0)
        continue;
      g_assert_cmpuint (next, <, n);
      att = records[next++];
      g_assert_false (att->smp);
      {
        const IotNode *opcode = child (full, i, "btatt.opcode");
        const IotNode *handle = NULL, *value = NULL;

        g_assert_nonnull (opcode);
        g_assert_cmpint (att->opcode, ==, (gint) opcode->v.u);
        for (guint j = i + 1; j < iot_packet_n_nodes (full); j++)
          {
            const IotNode *node = iot_packet_node (full, j);

            if (!below (full, j, i))
              continue;
            if (strcmp (abbrev_of (node), "btatt.handle") == 0)
              handle = node;
            else if (value == NULL && g_strv_contains (att_value_fields, abbrev_of (node)))
              value = node;
          }
        g_assert_cmpint (att->handle, ==, handle != NULL ? (gint) handle->v.u : -1);
        counts->att_handles += handle != NULL;
        if (att->opcode != 0x1b || value == NULL)
          g_assert_null (att->value);
        else
          {
            g_autoptr (GString) text = g_string_new (NULL);

            iot_format_field_value (full, value, text);
            g_assert_cmpstr (att->value, ==, text->str);
            counts->att_values++;
          }
      }
      counts->att_pdus++;
    }
  g_assert_cmpuint (next, ==, n);
}

static const char *const flow_fields[] = {
  "tcp.stream", "udp.stream", "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport", "tcp.flags",
  "tcp.len", "mqtt.msgtype", "mqtt.topic", "coap.opt.uri_path", "mqtt.msg", "mqtt.response_in",
  "mqtt.response_to", "mqtt.response_time", "mqtt.pubcomp_in", "mqtt.handshake_time", "mqtt.dup_of",
  "mqtt.publish_in", "ip", "ipv6", "ip.id", "ip.ttl", "ip.src", "ipv6.src", "btatt.opcode", "btatt.handle",
  "btatt.value", "btatt.temperature", "btsmp.pairing_method", NULL,
};

/* The generated frame links of an MQTT message and their record members. */
static guint32
link_of (const IotTapMqtt *m, const char *abbrev)
{
  if (strcmp (abbrev, "mqtt.response_in") == 0)
    return m->response_in;
  if (strcmp (abbrev, "mqtt.response_to") == 0)
    return m->response_to;
  if (strcmp (abbrev, "mqtt.publish_in") == 0)
    return m->publish_in;
  if (strcmp (abbrev, "mqtt.pubcomp_in") == 0)
    return m->pubcomp_in;
  return m->dup_of;
}

static void
check_mqtt (IotPacket *taps, IotPacket *full, Counts *counts)
{
  static const char *const links[] = {
    "mqtt.response_in", "mqtt.response_to", "mqtt.publish_in", "mqtt.pubcomp_in", "mqtt.dup_of",
  };
  guint n, next = 0;
  gconstpointer const *records = iot_packet_tap_records (taps, IOT_TAP_MQTT, &n);

  for (guint i = 0; i < iot_packet_n_nodes (full); i++)
    {
      const IotTapMqtt *m;
      const IotNode *msg, *node;
      guint topic = 0;

      if (strcmp (abbrev_of (iot_packet_node (full, i)), "mqtt") != 0)
        continue;
      g_assert_cmpuint (next, <, n);
      m = records[next++];
      for (guint j = i + 1; j < iot_packet_n_nodes (full); j++)
        if (below (full, j, i) && strcmp (abbrev_of (iot_packet_node (full, j)), "mqtt.topic") == 0)
          {
            g_assert_cmpuint (topic, <, m->n_topics);
            g_assert_cmpstr (m->topics[topic++], ==, (const char *) iot_packet_node (full, j)->v.p);
            counts->mqtt_topics++;
          }
      g_assert_cmpuint (topic, ==, m->n_topics);
      /* The payload as captured: the record's bytes when they all were. */
      msg = child (full, i, "mqtt.msg");
      if (msg == NULL)
        g_assert_false (m->type == 3 && m->payload_offset > 0 && !m->payload_cut);
      else
        {
          g_assert_true (m->type == 3 && m->payload_offset > 0 && !m->payload_cut);
          g_assert_cmpmem (m->source + m->payload_offset, m->payload_len, msg->v.p, msg->vlen);
          counts->mqtt_payloads++;
        }
      for (guint k = 0; k < G_N_ELEMENTS (links); k++)
        {
          node = child (full, i, links[k]);
          g_assert_cmpuint (link_of (m, links[k]), ==, node != NULL ? node->v.u : 0);
          counts->mqtt_links += node != NULL;
        }
      node = child (full, i, "mqtt.response_time");
      g_assert_cmpint (m->response_time_ns, ==, node != NULL ? node->v.i : -1);
      node = child (full, i, "mqtt.handshake_time");
      g_assert_cmpint (m->handshake_time_ns, ==, node != NULL ? node->v.i : -1);
      g_assert_cmpint (m->unacknowledged, ==, child (full, i, "mqtt.publish.unacknowledged") != NULL);
      g_assert_cmpint (m->response_missing, ==, child (full, i, "mqtt.response.missing") != NULL);
      counts->mqtt_unanswered += m->unacknowledged || m->response_missing;
      counts->mqtt_messages++;
    }
  g_assert_cmpuint (next, ==, n);
}

static guint64
value_of (IotPacket *full, guint root, const char *abbrev)
{
  const IotNode *node = child (full, root, abbrev);

  g_assert_nonnull (node);
  return node->v.u;
}

static void
check_address (IotPacket *full, guint root, const char *abbrev, const IotAddress *address)
{
  const IotNode *node = child (full, root, abbrev);

  g_assert_nonnull (node);
  g_assert_cmpmem (node->v.p, node->vlen, address->bytes, address->family == 4 ? 4 : 16);
}

static void
check_ip (IotPacket *taps, IotPacket *full, Counts *counts)
{
  guint n, next = 0;
  gconstpointer const *records = iot_packet_tap_records (taps, IOT_TAP_IP, &n);

  for (guint i = 0; i < iot_packet_n_nodes (full); i++)
    {
      const char *layer = abbrev_of (iot_packet_node (full, i));
      gboolean v4 = strcmp (layer, "ip") == 0;
      const IotNode *id;
      const IotTapIp *ip;

      if (!v4 && strcmp (layer, "ipv6") != 0)
        continue;
      g_assert_cmpuint (next, <, n);
      ip = records[next++];
      g_assert_cmpuint (ip->version, ==, v4 ? 4 : 6);
      g_assert_cmpint (ip->in_error, ==, quoted (full, i));
      id = child (full, i, "ip.id");
      g_assert_cmpint (ip->has_id, ==, id != NULL);
      if (id != NULL)
        g_assert_cmpuint (ip->id, ==, id->v.u);
      /* The header read to its addresses: every row of it made. */
      g_assert_cmpint (ip->has_header, ==, child (full, i, v4 ? "ip.dst" : "ipv6.dst") != NULL);
      if (!ip->has_header)
        continue;
      if (v4)
        {
          g_assert_cmpuint (ip->length, ==, value_of (full, i, "ip.len"));
          g_assert_cmpuint (ip->ttl, ==, value_of (full, i, "ip.ttl"));
          g_assert_cmpuint (ip->protocol, ==, value_of (full, i, "ip.proto"));
          g_assert_cmpuint (ip->dont_fragment, ==, value_of (full, i, "ip.flags.df"));
          g_assert_cmpuint (ip->more_fragments, ==, value_of (full, i, "ip.flags.mf"));
          g_assert_cmpuint (ip->frag_offset, ==, value_of (full, i, "ip.frag_offset"));
          check_address (full, i, "ip.src", &ip->src);
          check_address (full, i, "ip.dst", &ip->dst);
          counts->ip_ids++;
          counts->ip_fragments += ip->more_fragments || ip->frag_offset > 0;
        }
      else
        {
          g_assert_cmpuint (ip->length, ==, value_of (full, i, "ipv6.plen"));
          g_assert_cmpuint (ip->ttl, ==, value_of (full, i, "ipv6.hlim"));
          g_assert_cmpuint (ip->protocol, ==, value_of (full, i, "ipv6.nxt"));
          check_address (full, i, "ipv6.src", &ip->src);
          check_address (full, i, "ipv6.dst", &ip->dst);
        }
      counts->ip_headers++;
      counts->ip_quoted += ip->in_error;
    }
  g_assert_cmpuint (next, ==, n);
}

#define FLOW_TAPS (IOT_DISSECT_TAP (IOT_TAP_CONV) | IOT_DISSECT_TAP (IOT_TAP_TCP) | IOT_DISSECT_TAP (IOT_TAP_COAP) \
                   | IOT_DISSECT_TAP (IOT_TAP_MQTT) | IOT_DISSECT_TAP (IOT_TAP_IP) | IOT_DISSECT_TAP (IOT_TAP_ATT))

static void
check_capture (const char *path, Counts *counts)
{
  g_autoptr (IotFile) file = iot_file_open (path, NULL);
  g_autoptr (IotEngine) engine = NULL;
  g_autoptr (IotPacket) taps = iot_packet_new ();
  g_autoptr (IotPacket) own = iot_packet_new ();
  g_autoptr (IotPacket) full = iot_packet_new ();
  IotDissectOptions tap_only = { .flags = IOT_DISSECT_QUOTED | FLOW_TAPS };
  IotDissectOptions own_only = { .flags = FLOW_TAPS };
  IotDissectOptions tree = { .flags = IOT_DISSECT_TREE };

  if (file == NULL)
    return;
  engine = iot_engine_new (file);
  g_assert_true (iot_engine_first_pass (engine, NULL));
  for (guint32 n = 1; n <= iot_file_n_frames (file); n++)
    {
      iot_engine_dissect (engine, taps, n, &tap_only);
      /* None of the rows the flow graph read before the records had it all
       * (expert items may still make theirs). */
      for (guint i = 0; i < iot_packet_n_nodes (taps); i++)
        g_assert_false (g_strv_contains (flow_fields, abbrev_of (iot_packet_node (taps, i))));
      iot_engine_dissect (engine, own, n, &own_only);
      iot_engine_dissect (engine, full, n, &tree);
      check_tcp (taps, full, counts);
      check_conversations (taps, full, counts);
      check_own (own, taps, IOT_TAP_TCP);
      check_own (own, taps, IOT_TAP_CONV);
      check_coap (taps, full, counts);
      check_mqtt (taps, full, counts);
      check_ip (taps, full, counts);
      check_att (taps, full, counts);
    }
}

static void
test_records (void)
{
  g_autoptr (GPtrArray) paths = test_capture_paths ();
  Counts counts = { 0 };

  for (guint i = 0; i < paths->len; i++)
    {
      g_test_message ("%s", (const char *) g_ptr_array_index (paths, i));
      check_capture (g_ptr_array_index (paths, i), &counts);
    }
  g_test_message ("TCP: %u segments (%u quoted); conversations: %u with a stream (%u quoted); "
                  "CoAP: %u messages, %u with a Uri-Path", counts.tcp_segments, counts.tcp_quoted,
                  counts.conversations, counts.conv_quoted, counts.coap_messages, counts.coap_paths);
  /* The captures hold each kind, the quoted copies included. */
  g_assert_cmpuint (counts.tcp_segments, >, 1000);
  g_assert_cmpuint (counts.conv_quoted, >, 0);
  g_assert_cmpuint (counts.coap_paths, >, 100);
  g_test_message ("MQTT: %u messages, %u topics, %u payloads, %u frame links, %u unanswered",
                  counts.mqtt_messages, counts.mqtt_topics, counts.mqtt_payloads, counts.mqtt_links,
                  counts.mqtt_unanswered);
  g_assert_cmpuint (counts.mqtt_payloads, >, 100);
  g_assert_cmpuint (counts.mqtt_links, >, 100);
  g_assert_cmpuint (counts.mqtt_unanswered, >, 0);
  g_test_message ("IP: %u headers (%u quoted), %u IPv4 with an id, %u fragments", counts.ip_headers,
                  counts.ip_quoted, counts.ip_ids, counts.ip_fragments);
  g_assert_cmpuint (counts.ip_quoted, >, 0);
  g_assert_cmpuint (counts.ip_fragments, >, 0);
  g_test_message ("ATT: %u PDUs, %u with a handle, %u notification values; SMP: %u pairing methods",
                  counts.att_pdus, counts.att_handles, counts.att_values, counts.smp_methods);
  g_assert_cmpuint (counts.att_values, >, 10);
  g_assert_cmpuint (counts.smp_methods, >, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tap-readers/records", test_records);
  return g_test_run ();
}
