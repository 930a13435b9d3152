/* iot-insight-vantage.c — from where the capture was taken. A TCP handshake
 * times both halves of the path as seen from the capture point: SYN →
 * SYN/ACK is the way to the server and back, SYN/ACK → ACK the way to the
 * client and back. Next to the client the second is almost nothing, next
 * to the server the first; in between both take time. Knowing the point
 * says what the capture cannot show. */
#include <string.h>

#include "iot-insight-private.h"

#define NS_PER_MS 1e6

/* One half counts as "right here" when it is this small a share of the other. */
#define NEAR_SHARE 0.2
/* Below this both halves are local (one host, or one LAN switch away). */
#define LOCAL_MS 1.0

/* The handshakes are the ones iot-insight-path.c records (PathStream). */
enum { AT_CLIENT, AT_SERVER, BETWEEN, LOCAL, N_POINTS };

void
insight_vantage_clear (IotInsight *self)
{
  if (self->capture_point != NULL)
    {
      g_free (self->capture_point->subject);
      g_free (self->capture_point->summary);
      g_free (self->capture_point->explanation);
      g_free (self->capture_point->confirm);
      g_array_unref (self->capture_point->frames);
      g_array_unref (self->capture_point->related);
      g_clear_pointer (&self->capture_point, g_free);
    }
}

const IotInsightItem *
iot_insight_capture_point (IotInsight *self)
{
  return self->capture_point;
}

static guint
classify (double to_server_ms, double to_client_ms)
{
  if (to_server_ms < LOCAL_MS && to_client_ms < LOCAL_MS)
    return LOCAL;
  if (to_client_ms <= NEAR_SHARE * to_server_ms)
    return AT_CLIENT;
  if (to_server_ms <= NEAR_SHARE * to_client_ms)
    return AT_SERVER;
  return BETWEEN;
}

static const char *const point_summary[N_POINTS] = {
  [AT_CLIENT] = "next to the clients (devices)",
  [AT_SERVER] = "next to the servers (broker)",
  [BETWEEN] = "between the clients and the servers",
  [LOCAL] = "on a host or LAN where both ends answer within a millisecond",
};

static const char *const point_hides[N_POINTS] = {
  [AT_CLIENT] = "From here you see everything the devices sent and when, but not what reached the server: a "
                "message lost on the way shows only as a retransmission or a missing acknowledgement, and "
                "every answer's delay includes the whole path. To know what the broker received, capture "
                "there too and compare the two files (iotscope-cli --compare).",
  [AT_SERVER] = "From here you see what reached the server and how fast it answered, but not what the devices "
                "sent and lost on the way: such messages never appear, and a device's periodic readings can "
                "look irregular because of the network, not the device. Capture next to a device to see its "
                "side.",
  [BETWEEN] = "From here each round trip splits into the part towards the clients and the part towards the "
              "servers, so delays can be placed on one side; but losses can happen on either side of this "
              "point, and what is lost before it is never seen.",
  [LOCAL] = "Delays measured here are the programs' own (the network adds almost nothing), so slow answers "
            "point at the software, not the path; what happens on a real device's radio or WAN link is not in "
            "this capture.",
};

static double
median_of (GArray *values)
{
  return values->len ? insight_distribution (values).median : 0;
}

void
insight_finish_vantage (IotInsight *self)
{
  g_autoptr (GArray) to_server = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) to_client = g_array_new (FALSE, FALSE, sizeof (double));
  guint counts[N_POINTS] = { 0 }, total = 0, best = 0;
  GHashTableIter iter;
  gpointer value;
  IotInsightItem *item;
  double server_ms, client_ms;

  g_hash_table_iter_init (&iter, self->paths);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const PathStream *h = value;
      double a, b;

      if (h->synack_ns < 0 || h->ack_ns < 0)
        continue;
      a = (h->synack_ns - h->syn_ns) / NS_PER_MS;
      b = (h->ack_ns - h->synack_ns) / NS_PER_MS;
      counts[classify (a, b)]++;
      total++;
      g_array_append_val (to_server, a);
      g_array_append_val (to_client, b);
    }
  if (total == 0)
    return;
  for (guint i = 1; i < N_POINTS; i++)
    if (counts[i] > counts[best])
      best = i;
  server_ms = median_of (to_server);
  client_ms = median_of (to_client);
  /* Context for every finding, not a finding: kept apart from the list. */
  item = g_new0 (IotInsightItem, 1);
  item->kind = IOT_INSIGHT_DIAGNOSIS;
  item->id = "capture-point";
  item->severity = IOT_SEV_NOTE;
  item->subject = g_strdup (point_summary[best]);
  item->frames = g_array_new (FALSE, FALSE, sizeof (guint32));
  item->related = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->capture_point = item;
  item->summary = g_strdup_printf ("Captured %s: in %u of %u TCP handshakes the way to the server and back took %.3f ms and the "
                     "way to the client and back %.3f ms (medians)", point_summary[best], counts[best], total,
                     server_ms, client_ms);
  item->explanation = g_strdup_printf ("A TCP handshake times both halves of the path as seen from the capture "
                                       "point: from the client's SYN to the server's SYN/ACK is the way to the "
                                       "server and back, from the SYN/ACK to the client's ACK the way to the client "
                                       "and back. %s", point_hides[best]);
  if (self->first_seen_resent->len > 0)
    {
      guint n = self->first_seen_resent->len;
      g_autoptr (GString) which = g_string_new (NULL);
      char *more;

      for (guint i = 0; i < MIN (n, 5u); i++)
        g_string_append_printf (which, "%s%u", i ? ", " : "", g_array_index (self->first_seen_resent, guint32, i));
      if (n > 5)
        g_string_append (which, ", …");
      more = g_strdup_printf ("%s %u frame%s of MQTT (%s) reached this point only inside a TCP retransmission: "
                              "the original segment was lost between the sender and here. Their messages are "
                              "decoded and counted like the others (tshark leaves every retransmission "
                              "undecoded), so an answer that came only in a retransmission is not reported "
                              "missing.", item->explanation, n, n == 1 ? "" : "s", which->str);

      g_free (item->explanation);
      item->explanation = more;
      insight_item_add_frames (item->related, self->first_seen_resent);
      item->related_label = "Messages first seen in a retransmission";
    }
  item->confidence = counts[best] == total && total >= 3 ? "high" : counts[best] * 2 > total ? "medium" : "low";
  if (counts[best] != total)
    item->confirm = g_strdup_printf ("The handshakes disagree (%u next to the clients, %u next to the servers, %u "
                                     "between, %u local): the capture may hold several links or a capture point "
                                     "that moved.", counts[AT_CLIENT], counts[AT_SERVER], counts[BETWEEN],
                                     counts[LOCAL]);
}
