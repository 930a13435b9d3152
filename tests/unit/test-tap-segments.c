/* test-tap-segments.c — the TCP segment records and what MQTT and CoAP
 * records carry besides the message header (src/dissect/iot-tap.h).
 *
 * Frame by frame on captures of MQTT 3.1.1 and 5, CoAP (blocks,
 * Observe, resets, retransmissions), TCP loss and zero windows, a capture
 * cut by the snap length and ICMP errors: a dissection that asks only for
 * the TCP, MQTT and CoAP taps makes no node, and its records hold what
 * the full tree's tcp.*, mqtt.* and coap.* rows say, message by message,
 * leaving out the copies ICMP errors quote.  Where tshark has the field,
 * the records also agree with `tshark -T fields`.  And the records the
 * first pass makes are those of a later dissection, but for what only
 * later frames tell (the insight hears the first pass). */
#include "iot-core-private.h"
#include "iot-engine.h"
#include "iot-packet.h"

#include <stdlib.h>
#include <string.h>

#define CAPTURES "tests/captures"

static const char *const captures[] = {
  "mqtt311.pcap", "mqtt5.pcap", "mqtt5-alias.pcap", "mqtt-auth.pcap", "mqtt-dup.pcap", "mqtt-retrans-sender.pcap", "mqtt-puback-first-seen.pcap",
  "mqtt-slow-broker.pcap", "mqtt-too-large.pcap", "mqtt-ws.pcap", "mqtt-acl-not-forwarded.pcap",
  "coap.pcap", "coap-block-stall.pcap", "coap-observe-cancel.pcap", "coap-rst.pcap", "coap-lossy.pcap",
  "coap-server-restart.pcap", "tcp-loss-device.pcap", "tcp-loss-broker.pcap", "tcp-zerowindow.pcap",
  "tcp-rst-reconnect.pcap", "truncated-snaplen.pcap", "icmp.pcap",
};

#define TAPS (IOT_DISSECT_TAP (IOT_TAP_TCP) | IOT_DISSECT_TAP (IOT_TAP_MQTT) | IOT_DISSECT_TAP (IOT_TAP_COAP))

static gboolean
is_abbrev (const IotNode *node, const char *abbrev)
{
  return node->field != NULL && strcmp (node->field->abbrev, abbrev) == 0;
}

/* Whether node @i lies inside the copy an ICMP error quotes: the quoted
 * layers follow the ICMP layer in the tree. */
static gboolean
quoted (IotPacket *pkt, gint32 i)
{
  for (gint32 k = 0; k < i; k++)
    {
      const IotNode *node = iot_packet_node (pkt, (guint) k);

      if (is_abbrev (node, "icmp") || is_abbrev (node, "icmpv6"))
        return TRUE;
    }
  return FALSE;
}

/* Whether node @i lies below node @root. */
static gboolean
below (IotPacket *pkt, gint32 i, gint32 root)
{
  for (i = iot_packet_node (pkt, (guint) i)->parent; i >= 0; i = iot_packet_node (pkt, (guint) i)->parent)
    if (i == root)
      return TRUE;
  return FALSE;
}

/* ---- TCP ------------------------------------------------------------------------ */

static const struct { const char *abbrev; guint16 bit; } analysis_items[] = {
  { "tcp.analysis.retransmission", IOT_TAP_TCP_RETRANSMISSION },
  { "tcp.analysis.fast_retransmission", IOT_TAP_TCP_FAST_RETRANSMISSION },
  { "tcp.analysis.spurious_retransmission", IOT_TAP_TCP_SPURIOUS_RETRANSMISSION },
  { "tcp.analysis.lost_segment", IOT_TAP_TCP_LOST_SEGMENT },
  { "tcp.analysis.out_of_order", IOT_TAP_TCP_OUT_OF_ORDER },
  { "tcp.analysis.duplicate_ack", IOT_TAP_TCP_DUPLICATE_ACK },
  { "tcp.analysis.zero_window", IOT_TAP_TCP_ZERO_WINDOW },
};

/* The frame's own TCP rows against its segment record. */
static guint
check_tcp (IotPacket *taps, IotPacket *full)
{
  gint64 stream = -1, seq = -1, ack = -1, len = -1, flags = -1;
  guint16 analysis = 0;
  gboolean tcp = FALSE;
  gconstpointer const *records;
  const IotTapTcp *rec;
  guint n;

  for (guint i = 0; i < iot_packet_n_nodes (full); i++)
    {
      const IotNode *node = iot_packet_node (full, i);

      if (node->field == NULL || quoted (full, (gint32) i))
        continue;
      if (is_abbrev (node, "tcp"))
        tcp = TRUE;
      else if (is_abbrev (node, "tcp.stream"))
        stream = (gint64) node->v.u;
      else if (is_abbrev (node, "tcp.seq_raw"))
        seq = (gint64) node->v.u;
      else if (is_abbrev (node, "tcp.ack_raw"))
        ack = (gint64) node->v.u;
      else if (is_abbrev (node, "tcp.len"))
        len = (gint64) node->v.u;
      else if (is_abbrev (node, "tcp.flags"))
        flags = (gint64) node->v.u;
      for (guint k = 0; k < G_N_ELEMENTS (analysis_items); k++)
        if (is_abbrev (node, analysis_items[k].abbrev))
          analysis |= analysis_items[k].bit;
    }
  records = iot_packet_tap_records (taps, IOT_TAP_TCP, &n);
  if (!tcp || seq < 0)
    {
      g_assert_cmpuint (n, ==, 0);
      return 0;
    }
  g_assert_cmpuint (n, >=, 1);
  rec = records[n - 1];
  g_assert_cmpint (rec->stream == IOT_TAP_NO_STREAM ? -1 : (gint64) rec->stream, ==, stream);
  g_assert_cmpint (rec->seq_raw, ==, seq);
  g_assert_cmpint (rec->ack_raw, ==, ack < 0 ? 0 : ack);
  g_assert_cmpint (rec->len, ==, len < 0 ? 0 : len);
  g_assert_cmpint (rec->flags, ==, flags < 0 ? 0 : flags);
  g_assert_cmpuint (rec->analysis, ==, analysis);
  return 1;
}

/* ---- MQTT ----------------------------------------------------------------------- */

static const char *const mqtt_reason_codes[] = {
  "mqtt.puback.reason_code", "mqtt.pubrec.reason_code", "mqtt.pubrel.reason_code", "mqtt.pubcomp.reason_code",
  "mqtt.suback.reason_code", "mqtt.suback.qos", "mqtt.unsuback.reason_code", "mqtt.disconnect.reason_code",
  "mqtt.auth.reason_code",
};

/* One message's rows (below the mqtt node @root) against its record. */
static void
check_mqtt_message (IotPacket *full, gint32 root, const IotTapMqtt *rec)
{
  g_autoptr (GString) filters = g_string_new (NULL);
  const char *topic = NULL, *client = NULL, *user = NULL, *pass = NULL;
  gint64 type = -1, qos = -1, msgid = -1, keepalive = -1, connack = -1, error = -1, rt = -1;
  gint64 dup = -1, retain = -1, dup_of = 0, payload = 0;
  gboolean unacked = FALSE, has_topic = FALSE;

  /* A payload's layers may come between the message's rows. */
  for (guint i = (guint) root + 1; i < iot_packet_n_nodes (full); i++)
    {
      const IotNode *node = iot_packet_node (full, i);

      if (node->field == NULL || !below (full, (gint32) i, root))
        continue;
      if (is_abbrev (node, "mqtt.msgtype"))
        type = (gint64) node->v.u;
      else if (is_abbrev (node, "mqtt.qos"))
        qos = (gint64) node->v.u;
      else if (is_abbrev (node, "mqtt.dupflag"))
        dup = (gint64) node->v.u;
      else if (is_abbrev (node, "mqtt.retain"))
        retain = (gint64) node->v.u;
      else if (is_abbrev (node, "mqtt.msgid"))
        msgid = (gint64) node->v.u;
      else if (is_abbrev (node, "mqtt.topic"))
        {
          if (!has_topic)
            topic = (const char *) node->v.p;
          g_string_append_printf (filters, "%s%s", has_topic ? "\n" : "", (const char *) node->v.p);
          has_topic = TRUE;
        }
      else if (is_abbrev (node, "mqtt.msg"))
        payload = node->vlen;
      else if (is_abbrev (node, "mqtt.clientid"))
        client = (const char *) node->v.p;
      else if (is_abbrev (node, "mqtt.username"))
        user = (const char *) node->v.p;
      else if (is_abbrev (node, "mqtt.passwd"))
        pass = (const char *) node->v.p;
      else if (is_abbrev (node, "mqtt.kalive"))
        keepalive = (gint64) node->v.u;
      else if (is_abbrev (node, "mqtt.conack.val") || is_abbrev (node, "mqtt.connack.reason_code"))
        connack = (gint64) node->v.u;
      else if (is_abbrev (node, "mqtt.response_time"))
        rt = node->v.i;
      else if (is_abbrev (node, "mqtt.dup_of"))
        dup_of = (gint64) node->v.u;
      else if (is_abbrev (node, "mqtt.publish.unacknowledged"))
        unacked = TRUE;
      for (guint k = 0; k < G_N_ELEMENTS (mqtt_reason_codes); k++)
        if (is_abbrev (node, mqtt_reason_codes[k]) && node->v.u >= 0x80 && error < 0)
          error = (gint64) node->v.u;
    }
  g_assert_cmpint (rec->type, ==, type);
  g_assert_cmpint (rec->qos, ==, qos);
  if (dup >= 0)
    {
      g_assert_cmpint (rec->dup, ==, dup);
      g_assert_cmpint (rec->retain, ==, retain);
    }
  g_assert_cmpint (rec->msgid, ==, msgid);
  if (rec->type == 3)
    {
      g_assert_cmpstr (rec->topic, ==, topic);
      g_assert_cmpint (rec->payload_cut ? 0 : rec->payload_len, ==, payload);
    }
  else
    g_assert_cmpstr (rec->filters, ==, has_topic ? filters->str : NULL);
  g_assert_cmpstr (rec->client_id, ==, client);
  g_assert_cmpstr (rec->username, ==, user);
  g_assert_cmpstr (rec->password, ==, pass);
  g_assert_cmpint (rec->keepalive, ==, keepalive);
  g_assert_cmpint (rec->connack, ==, connack);
  g_assert_cmpint (rec->error_code, ==, error);
  g_assert_cmpint (rec->response_time_ns, ==, rt);
  g_assert_cmpint (rec->dup_of, ==, dup_of);
  g_assert_cmpint (rec->unacknowledged, ==, unacked);
}

/* Each mqtt layer of the tree has its record, in order; a message an ICMP
 * error quotes is marked so. */
static guint
check_mqtt (IotPacket *taps, IotPacket *full)
{
  gconstpointer const *records;
  guint n, next = 0, checked = 0;

  records = iot_packet_tap_records (taps, IOT_TAP_MQTT, &n);
  for (guint i = 0; i < iot_packet_n_nodes (full); i++)
    {
      const IotNode *node = iot_packet_node (full, i);
      const IotTapMqtt *rec;

      if (!is_abbrev (node, "mqtt"))
        continue;
      g_assert_cmpuint (next, <, n);
      rec = records[next++];
      g_assert_cmpint (rec->in_error, ==, quoted (full, (gint32) i));
      check_mqtt_message (full, (gint32) i, rec);
      checked++;
    }
  g_assert_cmpuint (next, ==, n);
  return checked;
}

/* ---- CoAP ----------------------------------------------------------------------- */

static void
check_coap_message (IotPacket *full, gint32 root, const IotTapCoap *rec)
{
  gint64 type = 4, code = 0, mid = 0, rt = -1, observe = -1;
  const char *uri = NULL;
  const IotNode *token = NULL;
  gboolean resent = FALSE, present[2] = { FALSE, FALSE }, more[2] = { FALSE, FALSE };
  guint32 number[2] = { 0, 0 };
  guint szx[2] = { 0, 0 };
  gint block = -1;   /* the option whose rows follow: 0 Block1, 1 Block2 */

  /* A payload's layers may come between the message's rows. */
  for (guint i = (guint) root + 1; i < iot_packet_n_nodes (full); i++)
    {
      const IotNode *node = iot_packet_node (full, i);

      if (node->field == NULL || !below (full, (gint32) i, root))
        continue;
      if (is_abbrev (node, "coap.type"))
        type = (gint64) node->v.u;
      else if (is_abbrev (node, "coap.code"))
        code = (gint64) node->v.u;
      else if (is_abbrev (node, "coap.mid"))
        mid = (gint64) node->v.u;
      else if (is_abbrev (node, "coap.token"))
        token = node;
      else if (is_abbrev (node, "coap.opt.uri_path_recon"))
        uri = (const char *) node->v.p;
      else if (is_abbrev (node, "coap.response_time"))
        rt = node->v.i;
      else if (is_abbrev (node, "coap.request_first_in") || is_abbrev (node, "coap.response_first_in"))
        resent = TRUE;
      else if (is_abbrev (node, "coap.opt.observe"))
        observe = (gint64) node->v.u;
      else if (is_abbrev (node, "coap.opt.name"))
        block = g_str_has_suffix ((const char *) node->v.p, ": Block1") ? 0
                : g_str_has_suffix ((const char *) node->v.p, ": Block2") ? 1 : -1;
      else if (is_abbrev (node, "coap.opt.block_number") && block >= 0)
        {
          present[block] = TRUE;
          number[block] = (guint32) node->v.u;
        }
      else if (is_abbrev (node, "coap.opt.block_mflag") && block >= 0)
        more[block] = node->v.u != 0;
      else if (is_abbrev (node, "coap.opt.block_size") && block >= 0)
        szx[block] = (guint) node->v.u;
    }
  g_assert_cmpint (rec->type, ==, type);
  g_assert_cmpint (rec->code, ==, code);
  g_assert_cmpint (rec->mid, ==, mid);
  if (token != NULL)
    g_assert_cmpmem (rec->token, rec->token_len, token->v.p, token->vlen);
  else
    g_assert_cmpuint (rec->token_len, ==, 0);
  g_assert_cmpstr (rec->uri, ==, uri);
  g_assert_cmpint (rec->response_time_ns, ==, rt);
  g_assert_cmpint (rec->retransmission, ==, resent);
  g_assert_cmpint (rec->observe, ==, observe);
  for (guint b = 0; b < 2; b++)
    {
      g_assert_cmpint (rec->block[b].present, ==, present[b]);
      if (!present[b])
        continue;
      g_assert_cmpuint (rec->block[b].number, ==, number[b]);
      g_assert_cmpint (rec->block[b].more, ==, more[b]);
      g_assert_cmpuint (rec->block[b].szx, ==, szx[b]);
    }
}

static guint
check_coap (IotPacket *taps, IotPacket *full)
{
  gconstpointer const *records;
  guint n, next = 0, checked = 0;

  records = iot_packet_tap_records (taps, IOT_TAP_COAP, &n);
  for (guint i = 0; i < iot_packet_n_nodes (full); i++)
    {
      const IotNode *node = iot_packet_node (full, i);
      const IotTapCoap *rec;

      if (!is_abbrev (node, "coap"))
        continue;
      g_assert_cmpuint (next, <, n);
      rec = records[next++];
      g_assert_cmpint (rec->in_error, ==, quoted (full, (gint32) i));
      check_coap_message (full, (gint32) i, rec);
      checked++;
    }
  g_assert_cmpuint (next, ==, n);
  return checked;
}

/* ---- the tree ------------------------------------------------------------------- */

typedef struct {
  guint tcp, mqtt, coap, analysis, mqtt_answers, mqtt_connect, coap_blocks, coap_observe;
} Counts;

static void
count (IotPacket *taps, Counts *c)
{
  gconstpointer const *records;
  guint n;

  records = iot_packet_tap_records (taps, IOT_TAP_TCP, &n);
  for (guint i = 0; i < n; i++)
    c->analysis += ((const IotTapTcp *) records[i])->analysis != 0;
  records = iot_packet_tap_records (taps, IOT_TAP_MQTT, &n);
  for (guint i = 0; i < n; i++)
    {
      const IotTapMqtt *m = records[i];

      c->mqtt_answers += m->response_time_ns >= 0;
      c->mqtt_connect += m->client_id != NULL;
    }
  records = iot_packet_tap_records (taps, IOT_TAP_COAP, &n);
  for (guint i = 0; i < n; i++)
    {
      const IotTapCoap *m = records[i];

      c->coap_blocks += m->block[0].present || m->block[1].present;
      c->coap_observe += m->observe >= 0;
    }
}

static void
test_records_match_tree (void)
{
  g_autoptr (IotPacket) taps = iot_packet_new ();
  g_autoptr (IotPacket) full = iot_packet_new ();
  IotDissectOptions tap_only = { .flags = TAPS };
  IotDissectOptions tree = { .flags = IOT_DISSECT_TREE };
  Counts c = { 0 };

  for (guint k = 0; k < G_N_ELEMENTS (captures); k++)
    {
      g_autofree char *path = g_build_filename (CAPTURES, captures[k], NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (IotFile) file = iot_file_open (path, &error);
      g_autoptr (IotEngine) engine = NULL;

      g_assert_no_error (error);
      engine = iot_engine_new (file);
      g_assert_true (iot_engine_first_pass (engine, NULL));
      for (guint32 number = 1; number <= iot_file_n_frames (file); number++)
        {
          guint64 made = taps->nodes_made;

          iot_engine_dissect (engine, taps, number, &tap_only);
          g_assert_cmpuint (iot_packet_n_nodes (taps), ==, 0);
          g_assert_cmpuint (taps->nodes_made, ==, made);
          iot_engine_dissect (engine, full, number, &tree);
          c.tcp += check_tcp (taps, full);
          c.mqtt += check_mqtt (taps, full);
          c.coap += check_coap (taps, full);
          count (taps, &c);
        }
    }
  g_assert_cmpuint (c.tcp, >, 500);
  g_assert_cmpuint (c.analysis, >, 10);
  g_assert_cmpuint (c.mqtt, >, 200);
  g_assert_cmpuint (c.mqtt_answers, >, 20);
  g_assert_cmpuint (c.mqtt_connect, >, 5);
  g_assert_cmpuint (c.coap, >, 50);
  g_assert_cmpuint (c.coap_blocks, >, 3);
  g_assert_cmpuint (c.coap_observe, >, 3);
}

/* ---- tshark --------------------------------------------------------------------- */

/* tshark's value of a field in one frame: the first occurrence ("" for none). */
static char *
first_value (const char *cell)
{
  const char *comma = strchr (cell, ',');

  return comma ? g_strndup (cell, (gsize) (comma - cell)) : g_strdup (cell);
}

/* Each frame's own TCP record and first MQTT and CoAP record against
 * tshark's tcp.stream, raw numbers, length and flags, mqtt.msgtype,
 * mqtt.kalive, mqtt.clientid, coap.mid, coap.opt.observe. */
static void
test_records_match_tshark (void)
{
  static const char *const fields[] = {
    "frame.number", "tcp.stream", "tcp.seq_raw", "tcp.ack_raw", "tcp.len", "tcp.flags",
    "tcp.analysis.retransmission", "mqtt.msgtype", "mqtt.kalive", "mqtt.clientid", "coap.mid",
    "coap.opt.observe", "icmp", "icmpv6",
  };
  static const char *const names[] = {
    "mqtt311.pcap", "mqtt5.pcap", "mqtt-auth.pcap", "coap.pcap", "coap-observe-cancel.pcap",
    "tcp-loss-device.pcap", "tcp-zerowindow.pcap",
  };
  g_autoptr (IotPacket) taps = iot_packet_new ();
  IotDissectOptions tap_only = { .flags = TAPS };
  g_autofree char *tshark = g_find_program_in_path ("tshark");
  guint checked = 0;

  if (tshark == NULL)
    {
      g_test_skip ("tshark is not installed");
      return;
    }
  for (guint k = 0; k < G_N_ELEMENTS (names); k++)
    {
      g_autofree char *path = g_build_filename (CAPTURES, names[k], NULL);
      g_autoptr (GPtrArray) argv = g_ptr_array_new ();
      g_autoptr (GError) error = NULL;
      g_autoptr (IotFile) file = iot_file_open (path, &error);
      g_autoptr (IotEngine) engine = NULL;
      g_autofree char *out = NULL;
      g_auto (GStrv) lines = NULL;
      gint status = 0;

      g_assert_no_error (error);
      engine = iot_engine_new (file);
      g_assert_true (iot_engine_first_pass (engine, NULL));
      g_ptr_array_add (argv, tshark);
      g_ptr_array_add (argv, "-n");
      g_ptr_array_add (argv, "-r");
      g_ptr_array_add (argv, path);
      g_ptr_array_add (argv, "-T");
      g_ptr_array_add (argv, "fields");
      g_ptr_array_add (argv, "-E");
      g_ptr_array_add (argv, "separator=|");
      for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
        {
          g_ptr_array_add (argv, "-e");
          g_ptr_array_add (argv, (gpointer) fields[f]);
        }
      g_ptr_array_add (argv, NULL);
      g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                    &status, &error);
      g_assert_no_error (error);
      lines = g_strsplit (out, "\n", -1);
      for (guint l = 0; lines[l] != NULL && lines[l][0] != '\0'; l++)
        {
          g_auto (GStrv) cell = g_strsplit (lines[l], "|", -1);
          guint32 number = (guint32) atoi (cell[0]);
          gconstpointer const *records;
          guint n;

          g_assert_cmpuint (g_strv_length (cell), ==, G_N_ELEMENTS (fields));
          iot_engine_dissect (engine, taps, number, &tap_only);
          /* A copy an ICMP error quotes is not the frame's own segment. */
          if (cell[12][0] != '\0' || cell[13][0] != '\0')
            continue;
          records = iot_packet_tap_records (taps, IOT_TAP_TCP, &n);
          g_assert_cmpuint (n, ==, cell[2][0] != '\0' ? 1 : 0);
          if (n == 1)
            {
              const IotTapTcp *tcp = records[0];

              g_assert_cmpuint (tcp->stream, ==, g_ascii_strtoull (cell[1], NULL, 10));
              g_assert_cmpuint (tcp->seq_raw, ==, g_ascii_strtoull (cell[2], NULL, 10));
              g_assert_cmpuint (tcp->ack_raw, ==, g_ascii_strtoull (cell[3], NULL, 10));
              g_assert_cmpuint (tcp->len, ==, g_ascii_strtoull (cell[4], NULL, 10));
              g_assert_cmpuint (tcp->flags, ==, g_ascii_strtoull (cell[5], NULL, 16));
              g_assert_cmpint ((tcp->analysis & IOT_TAP_TCP_RETRANSMISSION) != 0, ==, cell[6][0] != '\0');
              checked++;
            }
          records = iot_packet_tap_records (taps, IOT_TAP_MQTT, &n);
          if (cell[7][0] != '\0')
            {
              g_autofree char *type = first_value (cell[7]);
              const IotTapMqtt *m;

              g_assert_cmpuint (n, >, 0);
              m = records[0];
              g_assert_cmpuint (m->type, ==, atoi (type));
              if (m->keepalive >= 0)
                g_assert_cmpint (m->keepalive, ==, atoi (cell[8]));
              if (m->client_id != NULL)
                g_assert_cmpstr (m->client_id, ==, cell[9]);
              checked++;
            }
          records = iot_packet_tap_records (taps, IOT_TAP_COAP, &n);
          if (cell[10][0] != '\0')
            {
              g_autofree char *mid = first_value (cell[10]);
              g_autofree char *observe = first_value (cell[11]);
              const IotTapCoap *m;

              g_assert_cmpuint (n, >, 0);
              m = records[0];
              g_assert_cmpuint (m->mid, ==, atoi (mid));
              g_assert_cmpint (m->observe, ==, observe[0] ? atoll (observe) : -1);
              checked++;
            }
        }
    }
  g_assert_cmpuint (checked, >, 300);
}

/* ---- the first pass -------------------------------------------------------------- */

/* What a frame's records say, as text: everything but what only later
 * frames tell (mqtt.publish.unacknowledged, a request's response frame). */
static char *
summary (IotPacket *pkt)
{
  GString *out = g_string_new (NULL);
  gconstpointer const *records;
  guint n;

  records = iot_packet_tap_records (pkt, IOT_TAP_TCP, &n);
  for (guint i = 0; i < n; i++)
    {
      const IotTapTcp *t = records[i];

      g_string_append_printf (out, "tcp %u %u %u %u %x %x;", t->stream, t->seq_raw, t->ack_raw, t->len, t->flags,
                              t->analysis);
    }
  records = iot_packet_tap_records (pkt, IOT_TAP_MQTT, &n);
  for (guint i = 0; i < n; i++)
    {
      const IotTapMqtt *m = records[i];

      g_string_append_printf (out, "mqtt %u %u %d %d %d %d %s %u %d %d %s %s %s %s %d %d %d %" G_GINT64_FORMAT " %u %d;",
                              m->type, m->version, m->qos, m->dup, m->retain, m->msgid, m->topic ? m->topic : "-",
                              m->payload_len, m->cut, m->in_error, m->client_id ? m->client_id : "-",
                              m->username ? m->username : "-", m->password ? m->password : "-",
                              m->filters ? m->filters : "-", m->keepalive, m->connack, m->error_code,
                              m->response_time_ns, m->dup_of, m->payload_cut);
    }
  records = iot_packet_tap_records (pkt, IOT_TAP_COAP, &n);
  for (guint i = 0; i < n; i++)
    {
      const IotTapCoap *c = records[i];

      g_string_append_printf (out, "coap %u %u %u %u %s %u %d %d %d %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                              c->type, c->code, c->mid, c->token_len, c->uri ? c->uri : "-", c->request_frame,
                              c->retransmission, c->cut, c->in_error, c->response_time_ns, c->observe);
      for (guint b = 0; b < 2; b++)
        g_string_append_printf (out, " %d %u %d %u", c->block[b].present, c->block[b].number, c->block[b].more,
                                c->block[b].szx);
      g_string_append_c (out, ';');
    }
  return g_string_free (out, FALSE);
}

static void
remember (IotPacket *pkt, gpointer user_data)
{
  gconstpointer const *records;
  guint n;

  /* Nobody knows yet whether a PUBLISH will be acknowledged. */
  records = iot_packet_tap_records (pkt, IOT_TAP_MQTT, &n);
  for (guint i = 0; i < n; i++)
    g_assert_false (((const IotTapMqtt *) records[i])->unacknowledged);
  g_ptr_array_add (user_data, summary (pkt));
}

/* The insight hears the first pass: its records there say what they say
 * in a later dissection, but for what only later frames tell (a PUBLISH
 * never acknowledged, which the insight asks about at the end). */
static void
test_first_pass_records (void)
{
  g_autoptr (IotPacket) taps = iot_packet_new ();
  IotDissectOptions tap_only = { .flags = TAPS };
  guint checked = 0, unacked = 0;

  for (guint k = 0; k < G_N_ELEMENTS (captures); k++)
    {
      g_autofree char *path = g_build_filename (CAPTURES, captures[k], NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (IotFile) file = iot_file_open (path, &error);
      g_autoptr (IotEngine) engine = NULL;
      g_autoptr (GPtrArray) first = g_ptr_array_new_with_free_func (g_free);

      g_assert_no_error (error);
      engine = iot_engine_new (file);
      g_assert_true (iot_engine_set_first_pass_listener (engine, TAPS, remember, first));
      g_assert_true (iot_engine_first_pass (engine, NULL));
      g_assert_cmpuint (first->len, ==, iot_file_n_frames (file));
      for (guint32 number = 1; number <= iot_file_n_frames (file); number++)
        {
          g_autofree char *later = NULL;
          gconstpointer const *records;
          guint n;

          iot_engine_dissect (engine, taps, number, &tap_only);
          records = iot_packet_tap_records (taps, IOT_TAP_MQTT, &n);
          for (guint i = 0; i < n; i++)
            unacked += ((const IotTapMqtt *) records[i])->unacknowledged;
          later = summary (taps);
          g_assert_cmpstr (g_ptr_array_index (first, number - 1), ==, later);
          checked += later[0] != '\0';
        }
    }
  g_assert_cmpuint (checked, >, 1000);
  g_assert_cmpuint (unacked, >, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  iot_registry_init ();
  g_test_add_func ("/tap-segments/records-match-tree", test_records_match_tree);
  g_test_add_func ("/tap-segments/records-match-tshark", test_records_match_tshark);
  g_test_add_func ("/tap-segments/first-pass-records", test_first_pass_records);
  return g_test_run ();
}
