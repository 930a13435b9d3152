/* iot-stats-expert.c — the expert summary (-z expert). */
#include "iot-stats.h"
#include "iot-analysis-test.h"
#include "iot-stats-private.h"
#include "iot-format.h"

#include <string.h>

/* ---- expert summary --------------------------------------------------------------------- */

#define N_SEVERITIES (IOT_SEV_ERROR + 1)

struct _IotExpertSummary {
  IotSeverity   min_severity;
  GArray       *entries[N_SEVERITIES];   /* IotExpertEntry */
  GHashTable   *index[N_SEVERITIES];     /* "protocol\x1fsummary" → entry + 1 */
  GStringChunk *text;
};

IotExpertSummary *
iot_expert_summary_new (IotSeverity min_severity)
{
  IotExpertSummary *summary = g_new0 (IotExpertSummary, 1);

  summary->min_severity = min_severity;
  for (guint i = 0; i < N_SEVERITIES; i++)
    {
      summary->entries[i] = g_array_new (FALSE, TRUE, sizeof (IotExpertEntry));
      summary->index[i] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    }
  summary->text = g_string_chunk_new (1024);
  return summary;
}

void
iot_expert_summary_free (IotExpertSummary *summary)
{
  if (summary == NULL)
    return;
  for (guint i = 0; i < N_SEVERITIES; i++)
    {
      g_array_unref (summary->entries[i]);
      g_hash_table_unref (summary->index[i]);
    }
  g_string_chunk_free (summary->text);
  g_free (summary);
}

/* Counts one item; returns its entry, or NULL when below the minimum. */
static IotExpertEntry *
expert_entry_add (IotExpertSummary *summary, IotSeverity severity, IotExpertGroup group,
                  const char *protocol, const char *message)
{
  g_autofree char *key = NULL;
  IotExpertEntry *entry;
  guint row;

  if (severity < summary->min_severity || severity >= N_SEVERITIES)
    return NULL;
  /* Same protocol and message: one entry, whatever the group. */
  key = g_strconcat (protocol, "\x1f", message, NULL);
  row = GPOINTER_TO_UINT (g_hash_table_lookup (summary->index[severity], key));
  if (row == 0)
    {
      IotExpertEntry fresh = { severity, group,
                               g_string_chunk_insert_const (summary->text, protocol),
                               g_string_chunk_insert_const (summary->text, message), 0, 0 };

      g_array_append_val (summary->entries[severity], fresh);
      row = summary->entries[severity]->len;
      g_hash_table_insert (summary->index[severity], g_steal_pointer (&key), GUINT_TO_POINTER (row));
    }
  entry = &g_array_index (summary->entries[severity], IotExpertEntry, row - 1);
  entry->count++;
  return entry;
}

void
iot_expert_summary_add (IotExpertSummary *summary, IotSeverity severity, IotExpertGroup group,
                        const char *protocol, const char *message)
{
  expert_entry_add (summary, severity, group, protocol, message);
}

/* The protocol an expert item belongs to: the layer that raised it (the
 * protocol row it hangs under in the tree, or — for a "[Malformed
 * Packet]" marker — the layer that ended), named as Wireshark's expert
 * window names it. */
static const struct {
  const char *abbrev;
  const char *name;
} short_names[] = {
  { "arp", "ARP/RARP" }, { "dhcp", "DHCP/BOOTP" }, { "mdns", "mDNS" }, { "vlan", "VLAN" },
  { "wlan", "IEEE 802.11" }, { "btle", "BT LE LL" },
};

static const char *
expert_protocol (const char *abbrev)
{
  const IotDissector *dissector;

  if (abbrev == NULL)
    return "Frame";
  /* Wireshark's short names, where they differ from the column's. */
  for (guint i = 0; i < G_N_ELEMENTS (short_names); i++)
    if (strcmp (abbrev, short_names[i].abbrev) == 0)
      return short_names[i].name;
  dissector = iot_registry_dissector (abbrev);
  return dissector != NULL && dissector->name != NULL ? dissector->name : abbrev;
}

void
iot_expert_summary_add_packet (IotExpertSummary *summary, IotPacket *pkt)
{
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_EXPERT, &n);

  for (guint i = 0; i < n; i++)
    {
      const IotTapExpert *item = records[i];
      g_autoptr (GString) message = NULL;
      IotExpertEntry *entry;

      if (item->message == NULL || item->severity < summary->min_severity)
        continue;
      /* Control characters (a request line's CR LF) as escapes, so each
       * item stays on one line. */
      message = g_string_new (NULL);
      iot_format_escaped ((const guint8 *) item->message, strlen (item->message), message);
      entry = expert_entry_add (summary, item->severity, item->group, expert_protocol (item->protocol),
                                message->str);
      /* Frames come in order in one pass: the first one seen stays. */
      if (entry != NULL && entry->first_frame == 0)
        entry->first_frame = iot_packet_frame_number (pkt);
    }
}

guint
iot_expert_summary_n_entries (IotExpertSummary *summary, IotSeverity severity)
{
  return severity < N_SEVERITIES ? summary->entries[severity]->len : 0;
}

const IotExpertEntry *
iot_expert_summary_entry (IotExpertSummary *summary, IotSeverity severity, guint index)
{
  g_return_val_if_fail (severity < N_SEVERITIES && index < summary->entries[severity]->len, NULL);
  return &g_array_index (summary->entries[severity], IotExpertEntry, index);
}

void
iot_expert_summary_print (IotExpertSummary *summary, GString *out)
{
  static const struct {
    IotSeverity severity;
    const char *title;
  } order[] = {
    { IOT_SEV_ERROR, "Errors" },
    { IOT_SEV_WARN, "Warns" },
    { IOT_SEV_NOTE, "Notes" },
    { IOT_SEV_CHAT, "Chats" },
    { IOT_SEV_COMMENT, "Comments" },
  };

  for (guint s = 0; s < G_N_ELEMENTS (order); s++)
    {
      GArray *entries = summary->entries[order[s].severity];
      guint total = 0;

      if (entries->len == 0)
        continue;
      for (guint i = 0; i < entries->len; i++)
        total += g_array_index (entries, IotExpertEntry, i).count;
      g_string_append_printf (out, "\n%s (%u)\n", order[s].title, total);
      g_string_append (out, "=============\n");
      g_string_append (out, "   Frequency      Group           Protocol  Summary\n");
      for (guint i = 0; i < entries->len; i++)
        {
          const IotExpertEntry *e = &g_array_index (entries, IotExpertEntry, i);

          g_string_append_printf (out, "%12u %10s %18s  %s\n", e->count, iot_format_expert_group (e->group),
                                  e->protocol, e->summary);
        }
    }
}
