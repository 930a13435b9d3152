/* iot-insight-network.c — a device that cannot join the network: DHCP
 * DISCOVERs nobody answers, a server that refuses the address a device
 * asks for (NAK), and ARP requests nobody answers (a configured address
 * that is not on the link). */
#include <stdio.h>
#include <string.h>

#include "iot-insight-private.h"

/* A DHCP client waits about four seconds before it tries again (RFC 2131
 * §4.1), and an OFFER may answer any DISCOVER of its transaction; one
 * later than this answers none of them. */
#define OFFER_WAIT_NS (8 * G_GINT64_CONSTANT (1000000000))

/* ARP requests for one address before nobody answering means something. */
#define ARP_MIN_REQUESTS 3

enum { DHCP_DISCOVER = 1, DHCP_OFFER = 2, DHCP_REQUEST = 3, DHCP_ACK = 5, DHCP_NAK = 6 };
enum { ARP_REQUEST = 1, ARP_REPLY = 2 };

typedef struct {
  guint32 frame;
  gint64  rel_ns;
  guint8  type;
  guint32 requested;        /* REQUEST: the address asked for, 0: none */
  guint32 xid;              /* transaction ID: an answer carries its question's */
} DhcpMsg;

typedef struct {
  GArray *msgs;             /* DhcpMsg, in capture order */
} DhcpClient;

typedef struct {
  GArray *requests;         /* guint32 frames */
} ArpAsk;

static void
dhcp_client_free (gpointer data)
{
  DhcpClient *c = data;

  g_array_unref (c->msgs);
  g_free (c);
}

static void
arp_ask_free (gpointer data)
{
  ArpAsk *a = data;

  g_array_unref (a->requests);
  g_free (a);
}

void
insight_network_init (IotInsight *self)
{
  self->dhcp_clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, dhcp_client_free);
  self->arp_asks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, arp_ask_free);
  self->arp_answered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

void
insight_network_clear (IotInsight *self)
{
  g_clear_pointer (&self->dhcp_clients, g_hash_table_unref);
  g_clear_pointer (&self->arp_asks, g_hash_table_unref);
  g_clear_pointer (&self->arp_answered, g_hash_table_unref);
}

static char *
ipv4_text (guint32 addr)
{
  return g_strdup_printf ("%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff, (addr >> 8) & 0xff, addr & 0xff);
}

static char *
mac_text (const guint8 *mac)
{
  return g_strdup_printf ("%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

static void
dhcp_frame (IotInsight *self, const FrameFacts *ff)
{
  g_autofree char *mac = mac_text (ff->dhcp_mac);
  DhcpClient *c = g_hash_table_lookup (self->dhcp_clients, mac);
  DhcpMsg m = { ff->number, ff->rel_ns, (guint8) ff->dhcp_type, ff->dhcp_requested, ff->dhcp_xid };

  if (c == NULL)
    {
      c = g_new0 (DhcpClient, 1);
      c->msgs = g_array_new (FALSE, FALSE, sizeof (DhcpMsg));
      g_hash_table_insert (self->dhcp_clients, g_steal_pointer (&mac), c);
    }
  g_array_append_val (c->msgs, m);
}

static void
arp_frame (IotInsight *self, const FrameFacts *ff)
{
  /* Probes (sender 0.0.0.0) and announcements (sender = target) expect
   * no answer. */
  if (ff->arp_op == ARP_REQUEST && ff->arp_spa != 0 && ff->arp_spa != ff->arp_tpa)
    {
      g_autofree char *key = g_strdup_printf ("%u>%u", ff->arp_spa, ff->arp_tpa);
      ArpAsk *a = g_hash_table_lookup (self->arp_asks, key);

      if (a == NULL)
        {
          a = g_new0 (ArpAsk, 1);
          a->requests = g_array_new (FALSE, FALSE, sizeof (guint32));
          g_hash_table_insert (self->arp_asks, g_steal_pointer (&key), a);
        }
      g_array_append_val (a->requests, ff->number);
    }
  else if (ff->arp_op == ARP_REPLY)
    g_hash_table_add (self->arp_answered, g_strdup_printf ("%u", ff->arp_spa));
}

void
insight_network_frame (IotInsight *self, const FrameFacts *ff)
{
  if (ff->dhcp_type > 0 && ff->has_dhcp_mac)
    dhcp_frame (self, ff);
  if (ff->arp_op > 0)
    arp_frame (self, ff);
}

/* ---- findings ------------------------------------------------------------------------- */

/* Whether an OFFER of the same transaction came in time for DISCOVER @from. */
static gboolean
offered_within (const DhcpClient *c, guint from, gint64 until_ns)
{
  guint32 xid = g_array_index (c->msgs, DhcpMsg, from).xid;

  for (guint i = from + 1; i < c->msgs->len; i++)
    {
      const DhcpMsg *m = &g_array_index (c->msgs, DhcpMsg, i);

      if (m->rel_ns > until_ns)
        break;
      if (m->type == DHCP_OFFER && m->xid == xid)
        return TRUE;
    }
  return FALSE;
}

static void
report_no_offer (IotInsight *self, const char *mac, const DhcpClient *c)
{
  g_autoptr (GArray) lonely = g_array_new (FALSE, FALSE, sizeof (guint32));
  gint64 first = -1, last = 0;
  guint32 offer = 0;
  g_autofree char *late = NULL;
  IotInsightItem *item;

  for (guint i = 0; i < c->msgs->len; i++)
    {
      const DhcpMsg *m = &g_array_index (c->msgs, DhcpMsg, i);

      if (m->type == DHCP_OFFER && offer == 0 && lonely->len > 0)
        offer = m->frame;
      if (m->type != DHCP_DISCOVER || offered_within (c, i, m->rel_ns + OFFER_WAIT_NS))
        continue;
      g_array_append_val (lonely, m->frame);
      if (first < 0)
        first = m->rel_ns;
      last = m->rel_ns;
    }
  if (lonely->len < 2)
    return;
  late = offer ? g_strdup_printf ("None came for these; the first OFFER arrived only at frame %u.", offer)
               : g_strdup ("None came at all in this capture.");
  item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "dhcp-no-offer", IOT_SEV_WARN, mac,
    g_strdup_printf ("%s sent %u DHCP DISCOVERs over %.1f s and no server offered an address%s", mac, lonely->len,
                     (last - first) / 1e9, offer ? " in time" : ""),
    g_strdup_printf ("A device without an address broadcasts DHCP DISCOVER and waits for a server's OFFER. %s "
                     "Until a server answers, the device has no address and cannot reach its broker at all. "
                     "Usual causes: the DHCP server is down or out of addresses, the device is on the wrong "
                     "network or VLAN, or a relay between them is missing.",
                     late));
  insight_item_add_frames (item->frames, lonely);
  item->confidence = "high";
  item->confirm = g_strdup ("The DHCP server's log and free leases; a capture on the server's side shows "
                            "whether the DISCOVERs arrive there.");
}

/* The REQUEST a NAK answers: the client's last one before it. */
static const DhcpMsg *
request_before (const DhcpClient *c, guint index)
{
  while (index-- > 0)
    if (g_array_index (c->msgs, DhcpMsg, index).type == DHCP_REQUEST)
      return &g_array_index (c->msgs, DhcpMsg, index);
  return NULL;
}

static void
report_naks (IotInsight *self, const char *mac, const DhcpClient *c)
{
  for (guint i = 0; i < c->msgs->len; i++)
    {
      const DhcpMsg *m = &g_array_index (c->msgs, DhcpMsg, i);
      const DhcpMsg *req;
      g_autofree char *wanted = NULL, *outcome = NULL;
      guint32 acked = 0;
      IotInsightItem *item;

      if (m->type != DHCP_NAK)
        continue;
      req = request_before (c, i);
      wanted = req && req->requested ? ipv4_text (req->requested) : g_strdup ("an address");
      for (guint k = i + 1; k < c->msgs->len && acked == 0; k++)
        if (g_array_index (c->msgs, DhcpMsg, k).type == DHCP_ACK)
          acked = g_array_index (c->msgs, DhcpMsg, k).frame;
      outcome = acked ? g_strdup_printf (", and the device got a new lease at frame %u", acked)
                      : g_strdup (", and the device got no address afterwards");
      /* A NAK the device recovers from is routine; one it does not is not. */
      item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "dhcp-nak", acked ? IOT_SEV_NOTE : IOT_SEV_WARN, mac,
        g_strdup_printf ("The DHCP server refused %s's request for %s (NAK)%s", mac, wanted, outcome),
        g_strdup_printf ("The device asked to keep %s, an address it had before (a reboot or a move to "
                         "another network), and the server answered that the address is not valid here. A "
                         "well-behaved device then starts again with a DISCOVER%s. Devices that keep asking "
                         "for their old address, or that use it anyway, end up without working network "
                         "access.", wanted,
                         acked ? ", as this one did" : "; this one did not get an address in the capture"));
      if (req != NULL)
        insight_item_add_frame (item, req->frame);
      insight_item_add_frame (item, m->frame);
      if (acked)
        {
          g_array_append_val (item->related, acked);
          item->related_label = "The new lease";
        }
      item->confidence = "high";
      item->confirm = g_strdup ("The DHCP server's log; the device's stored lease.");
    }
}

static void
report_arp (IotInsight *self)
{
  g_autoptr (GPtrArray) keys = insight_sorted_keys (self->arp_asks);

  for (guint i = 0; i < keys->len; i++)
    {
      const ArpAsk *a = g_hash_table_lookup (self->arp_asks, keys->pdata[i]);
      guint32 spa = 0, tpa = 0;
      g_autofree char *who = NULL, *target = NULL, *answered = NULL;
      IotInsightItem *item;

      if (sscanf (keys->pdata[i], "%u>%u", &spa, &tpa) != 2 || a->requests->len < ARP_MIN_REQUESTS)
        continue;
      answered = g_strdup_printf ("%u", tpa);
      if (g_hash_table_contains (self->arp_answered, answered))
        continue;
      who = ipv4_text (spa);
      target = ipv4_text (tpa);
      item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "arp-unanswered", IOT_SEV_WARN, target,
        g_strdup_printf ("%s asked %u times who has %s, and nobody answered", who, a->requests->len, target),
        g_strdup_printf ("Before it can send anything to %s, %s must learn its hardware address with ARP. No "
                         "device on this link answered, so everything addressed to %s is dropped before it "
                         "leaves. The address is wrong (a broker or gateway configured by hand, a wrong "
                         "netmask that makes a remote address look local), or the device that should have it "
                         "is off or on another network or VLAN.", target, who, target));
      insight_item_add_frames (item->frames, a->requests);
      item->confidence = "high";
      item->confirm = g_strdup ("The addresses configured on the device (broker, gateway, netmask); whether the "
                                "target answers a ping from another host on the same link.");
    }
}

void
insight_finish_network (IotInsight *self)
{
  g_autoptr (GPtrArray) macs = insight_sorted_keys (self->dhcp_clients);

  for (guint i = 0; i < macs->len; i++)
    {
      const DhcpClient *c = g_hash_table_lookup (self->dhcp_clients, macs->pdata[i]);

      report_no_offer (self, macs->pdata[i], c);
      report_naks (self, macs->pdata[i], c);
    }
  report_arp (self);
}
