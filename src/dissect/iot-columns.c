/* iot-columns.c — the summary columns as fields.  A frame gets them only
 * when a filter or -e asks for one: they are worked out after the frame
 * is dissected, from the column texts the dissectors left. */
#include "iot-columns.h"
#include "iot-core-private.h"
#include "iot-format.h"

#include <string.h>

IotField iot_column_fields[IOT_COLUMN_N_FIELDS] = {
  [IOT_COLUMN_F_NUMBER] = { "_ws.col.No.", "No.", IOT_FT_STRING, .blurb =
    "The packet list's No. column: the frame's number in the capture." },
  [IOT_COLUMN_F_TIME] = { "_ws.col.Time", "Time", IOT_FT_STRING, .blurb =
    "The packet list's Time column, in the format -t chose (seconds since the first frame by default)." },
  [IOT_COLUMN_F_SOURCE] = { "_ws.col.Source", "Source", IOT_FT_STRING, .blurb =
    "The packet list's Source column: the network address, else the link address." },
  [IOT_COLUMN_F_DESTINATION] = { "_ws.col.Destination", "Destination", IOT_FT_STRING, .blurb =
    "The packet list's Destination column." },
  [IOT_COLUMN_F_PROTOCOL] = { "_ws.col.Protocol", "Protocol", IOT_FT_STRING, .blurb =
    "The packet list's Protocol column: the highest layer decoded." },
  [IOT_COLUMN_F_LENGTH] = { "_ws.col.Length", "Length", IOT_FT_STRING, .blurb =
    "The packet list's Length column: bytes on the wire." },
  [IOT_COLUMN_F_INFO] = { "_ws.col.Info", "Info", IOT_FT_STRING, .blurb =
    "The packet list's Info column: the summary the highest layer wrote." },
};

gboolean
iot_columns_is_column_field (const IotField *field)
{
  return field >= &iot_column_fields[0] && field < &iot_column_fields[IOT_COLUMN_N_FIELDS];
}

gboolean
iot_columns_wanted (const IotFieldSet *wanted)
{
  if (wanted == NULL)
    return FALSE;
  for (guint i = 0; i < IOT_COLUMN_N_FIELDS; i++)
    if (iot_field_set_contains (wanted, &iot_column_fields[i]))
      return TRUE;
  return FALSE;
}

/* Seconds since the reference frame, truncated to the capture's
 * precision, as the Time column shows them by default. */
static char *
default_time (IotPacket *pkt)
{
  IotFile *file = pkt->file;
  guint32 reference = pkt->time_ref ? pkt->time_ref : 1;
  gint64 ns = pkt->frame->ts_ns - iot_file_frame (file, reference)->ts_ns;
  guint decimals = iot_file_format (file) == IOT_FILE_FORMAT_PCAP_NSEC ? 9 : 6;
  guint64 mag = ns < 0 ? (guint64) -ns : (guint64) ns;
  guint64 frac = mag % 1000000000;

  for (guint i = decimals; i < 9; i++)
    frac /= 10;
  return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%0*" G_GUINT64_FORMAT, ns < 0 ? "-" : "",
                          mag / 1000000000, (int) decimals, frac);
}

static void
add_column (IotPacket *pkt, guint index, const char *text)
{
  int node;

  if (!iot_field_set_contains (pkt->wanted, &iot_column_fields[index]))
    return;
  node = iot_tree_add_string (pkt, -1, &iot_column_fields[index], NULL, 0, 0, text, -1);
  iot_tree_set_hidden (pkt, node);
}

void
iot_columns_add_nodes (IotPacket *pkt, const char *time_text)
{
  char src[64], dst[64], number[16], length[16];
  g_autofree char *own_time = NULL;

  g_snprintf (number, sizeof number, "%u", pkt->number);
  g_snprintf (length, sizeof length, "%u", pkt->frame->len);
  if (time_text == NULL)
    time_text = own_time = default_time (pkt);
  iot_packet_format_src (pkt, src, sizeof src);
  iot_packet_format_dst (pkt, dst, sizeof dst);
  add_column (pkt, IOT_COLUMN_F_NUMBER, number);
  add_column (pkt, IOT_COLUMN_F_TIME, iot_packet_has_time (pkt) ? time_text : "");
  add_column (pkt, IOT_COLUMN_F_SOURCE, src);
  add_column (pkt, IOT_COLUMN_F_DESTINATION, dst);
  add_column (pkt, IOT_COLUMN_F_PROTOCOL, iot_col_protocol (pkt));
  add_column (pkt, IOT_COLUMN_F_LENGTH, length);
  add_column (pkt, IOT_COLUMN_F_INFO, iot_col_info (pkt));
}
