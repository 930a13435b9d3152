/* iot-handoff.c — calling the next layer: one dissector, a port, string
 * or media-type table, the heuristics, or data; each call keeps the layer
 * depth and the unwinding point of a layer that ends early. */

#include "iot-core-private.h"

#include <string.h>

#define MAX_LAYER_DEPTH 32

int
iot_call_dissector (IotPacket *pkt, const IotDissector *dissector, IotBuf *buf, int parent)
{
  return iot_call_dissector_with_data (pkt, dissector, buf, parent, NULL);
}

int
iot_call_dissector_with_data (IotPacket *pkt, const IotDissector *dissector, IotBuf *buf,
                              int parent, gpointer data)
{
  jmp_buf here;
  jmp_buf *outer = pkt->unwind;
  const IotDissector *outer_layer = pkt->layer;
  volatile int consumed = 0;

  /* A disabled protocol is not there: its caller shows the bytes as data. */
  if (!iot_registry_dissector_enabled (dissector))
    return -1;
  /* A layer no wanted field can be in: taken as read, at no cost. */
  if (pkt->skip != NULL && dissector->id >= 0 && pkt->skip[dissector->id])
    return (int) buf->length;
  if (pkt->watch != NULL && dissector->id >= 0 && pkt->watch[dissector->id])
    pkt->watched = TRUE;
  iot_layer_cut_check_call (pkt->layer, dissector);
  if (pkt->depth >= MAX_LAYER_DEPTH)
    {
      iot_expert_add_info (pkt, parent, &iot_core_experts[IOT_CORE_E_MALFORMED],
                           "Too many nested layers; stopped at %s", dissector->name);
      return -1;
    }
  buf->pkt = pkt;
  /* frame.protocols lists the layers inside the frame, not the frame. */
  if (pkt->depth > 0)
    iot_packet_add_layer_name (pkt, dissector->abbrev);
  pkt->unwind = &here;
  pkt->layer = dissector;
  pkt->depth++;
  if (setjmp (here) == 0)
    consumed = dissector->dissect_with_data != NULL
               ? dissector->dissect_with_data (pkt, buf, parent, data)
               : dissector->dissect (pkt, buf, parent);
  else
    {
      iot_packet_end_layer_early (pkt, dissector);
      consumed = buf->length;
    }
  pkt->depth--;
  pkt->unwind = outer;
  pkt->layer = outer_layer;
  return consumed;
}

int
iot_call_table (IotPacket *pkt, const char *table, guint32 key, IotBuf *buf, int parent)
{
  const IotDissector *dissector = iot_registry_table_lookup (table, key);

  if (dissector == NULL)
    return -1;
  return iot_call_dissector (pkt, dissector, buf, parent);
}

int
iot_call_ethertype (IotPacket *pkt, guint16 type, IotBuf *buf, int parent)
{
  iot_packet_add_layer_name (pkt, "ethertype");
  return iot_call_table (pkt, "ethertype", type, buf, parent);
}

int
iot_call_string_table (IotPacket *pkt, const char *table, const char *key,
                       IotBuf *buf, int parent, gpointer data)
{
  const IotDissector *dissector = iot_registry_string_table_lookup (table, key);

  if (dissector == NULL)
    return -1;
  return iot_call_dissector_with_data (pkt, dissector, buf, parent, data);
}

/* Content-Type values are short; a longer one is no media type we know. */
#define MEDIA_TYPE_MAX 128

int
iot_call_media_type (IotPacket *pkt, const char *content_type, gssize len,
                     IotBuf *buf, int parent)
{
  return iot_call_media_type_at (pkt, content_type, len, NULL, buf, parent);
}

int
iot_call_media_type_at (IotPacket *pkt, const char *content_type, gssize len,
                        const char *location, IotBuf *buf, int parent)
{
  char type[MEDIA_TYPE_MAX];
  IotMediaInfo info = { .media_type = type, .location = location };
  gsize n = 0, total = len < 0 ? strlen (content_type) : (gsize) len;
  gsize rest;

  /* The type ends at its parameters (or at a blank, as HTTP senders put
   * one before the ';'); it is matched in lower case, as tshark does. */
  while (n < total && content_type[n] != ';' && content_type[n] != ' ' && content_type[n] != '\t')
    {
      if (n + 1 >= sizeof type)
        return -1;
      type[n] = g_ascii_tolower (content_type[n]);
      n++;
    }
  type[n] = '\0';
  rest = n;
  while (rest < total && content_type[rest] != ';')
    rest++;
  if (rest < total)
    {
      rest++;
      while (rest < total && (content_type[rest] == ' ' || content_type[rest] == '\t'))
        rest++;
      info.parameters = iot_packet_strndup (pkt, content_type + rest, total - rest);
    }
  info.media_type = iot_packet_strndup (pkt, type, n);
  return iot_call_string_table (pkt, "media_type", info.media_type, buf, parent, &info);
}

int
iot_call_port_table (IotPacket *pkt, const char *table, guint16 port_a, guint16 port_b,
                     IotBuf *buf, int parent)
{
  guint16 low = MIN (port_a, port_b), high = MAX (port_a, port_b);
  int consumed = iot_call_table (pkt, table, low, buf, parent);

  if (consumed < 0 && high != low)
    consumed = iot_call_table (pkt, table, high, buf, parent);
  return consumed;
}

int
iot_call_heuristics (IotPacket *pkt, const char *table, IotBuf *buf, int parent)
{
  GPtrArray *heuristics = iot_registry_heuristics (table);

  if (heuristics == NULL)
    return -1;
  for (guint i = 0; i < heuristics->len; i++)
    {
      const IotDissector *dissector = g_ptr_array_index (heuristics, i);
      jmp_buf here;
      jmp_buf *outer = pkt->unwind;
      volatile gboolean match = FALSE;

      if (!iot_registry_dissector_enabled (dissector))
        continue;
      /* A heuristic that reads past the bytes simply does not match. */
      buf->pkt = pkt;
      pkt->unwind = &here;
      if (setjmp (here) == 0)
        match = dissector->heuristic (pkt, buf);
      pkt->unwind = outer;
      if (match)
        return iot_call_dissector (pkt, dissector, buf, parent);
    }
  return -1;
}

int
iot_call_data (IotPacket *pkt, IotBuf *buf, int parent)
{
  if (buf->length == 0 && buf->reported == 0)
    return 0;
  return iot_call_dissector (pkt, iot_registry_data_dissector (), buf, parent);
}
