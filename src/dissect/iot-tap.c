/* iot-tap.c — typed records dissectors publish for the analyses (see iot-tap.h). */
#include "iot-tap.h"

#include "iot-core-private.h"

static const gsize record_size[IOT_TAP_N] = {
  [IOT_TAP_CONV] = sizeof (IotTapConv),
  [IOT_TAP_MQTT] = sizeof (IotTapMqtt),
  [IOT_TAP_COAP] = sizeof (IotTapCoap),
  [IOT_TAP_TLS] = sizeof (IotTapTls),
  [IOT_TAP_EXPERT] = sizeof (IotTapExpert),
  [IOT_TAP_PAYLOAD] = sizeof (IotTapPayload),
  [IOT_TAP_TLS_NOTE] = sizeof (IotTapTlsNote),
  [IOT_TAP_WPAN] = sizeof (IotTapWpan),
  [IOT_TAP_ZIGBEE] = sizeof (IotTapZigbee),
  [IOT_TAP_RADIO] = sizeof (IotTapRadio),
  [IOT_TAP_WLAN] = sizeof (IotTapWlan),
  [IOT_TAP_BTLE] = sizeof (IotTapBtle),
  [IOT_TAP_SPARKPLUG] = sizeof (IotTapSparkplug),
  [IOT_TAP_PROTO] = sizeof (IotTapProto),
  [IOT_TAP_TLS_DATA] = sizeof (IotTapTlsData),
  [IOT_TAP_HTTP] = sizeof (IotTapHttp),
  [IOT_TAP_TCP] = sizeof (IotTapTcp),
  [IOT_TAP_DNS] = sizeof (IotTapDns),
  [IOT_TAP_LAN] = sizeof (IotTapLan),
  [IOT_TAP_CERT] = sizeof (IotTapCert),
  [IOT_TAP_IP] = sizeof (IotTapIp),
  [IOT_TAP_ATT] = sizeof (IotTapAtt),
};

gboolean
iot_tap_wanted (IotPacket *pkt, IotTapId tap)
{
  return (pkt->flags & IOT_DISSECT_TAP (tap)) != 0;
}

gboolean
iot_tap_wanted_here (IotPacket *pkt, IotTapId tap)
{
  return iot_tap_wanted (pkt, tap) && (!pkt->in_error || (pkt->flags & IOT_DISSECT_QUOTED));
}

/* The last network layer of the frame's own traffic, or of the quoted
 * packet for a layer of it: transport layers take their addresses from
 * it, as tshark's do.  NULL: there is none. */
static const IotTapConv *
last_network_layer (IotPacket *pkt)
{
  GPtrArray *records = pkt->tap_records[IOT_TAP_CONV];

  for (guint i = records->len; i-- > 0;)
    {
      const IotTapConv *conv = g_ptr_array_index (records, i);

      if ((conv->layer == IOT_TAP_LAYER_IPV4 || conv->layer == IOT_TAP_LAYER_IPV6)
          && conv->in_error == pkt->in_error)
        return conv;
    }
  return NULL;
}

/* A conversation record: only the frame's own layers count (not the packet
 * an ICMP error quotes, unless asked for), and a transport needs a network
 * layer below it. */
static gboolean
complete_conv (IotPacket *pkt, IotTapConv *conv)
{
  if (!iot_tap_wanted_here (pkt, IOT_TAP_CONV))
    return FALSE;
  conv->in_error = pkt->in_error;
  conv->depth = (guint) pkt->depth;
  conv->cut = FALSE;
  if (conv->layer == IOT_TAP_LAYER_TCP || conv->layer == IOT_TAP_LAYER_UDP)
    {
      const IotTapConv *net = last_network_layer (pkt);

      if (net == NULL)
        return FALSE;
      conv->src = net->src;
      conv->dst = net->dst;
    }
  return TRUE;
}

void
iot_tap_queue (IotPacket *pkt, IotTapId tap, gconstpointer record)
{
  gpointer copy;

  g_return_if_fail (tap < IOT_TAP_N);
  if (!iot_tap_wanted (pkt, tap))
    return;
  copy = iot_packet_alloc (pkt, record_size[tap]);
  memcpy (copy, record, record_size[tap]);
  if (tap == IOT_TAP_CONV && !complete_conv (pkt, copy))
    return;
  g_ptr_array_add (pkt->tap_records[tap], copy);
}

gpointer
iot_tap_queue_open (IotPacket *pkt, IotTapId tap, gconstpointer record)
{
  GPtrArray *records;
  guint n;

  g_return_val_if_fail (tap < IOT_TAP_N && tap != IOT_TAP_CONV, NULL);
  if (!iot_tap_wanted (pkt, tap))
    return NULL;
  records = pkt->tap_records[tap];
  n = records->len;
  iot_tap_queue (pkt, tap, record);
  return records->len > n ? g_ptr_array_index (records, n) : NULL;
}

gconstpointer const *
iot_packet_tap_records (IotPacket *pkt, IotTapId tap, guint *n_out)
{
  g_return_val_if_fail (tap < IOT_TAP_N, NULL);
  *n_out = pkt->tap_records[tap]->len;
  return (gconstpointer const *) pkt->tap_records[tap]->pdata;
}

void
iot_tap_cut (IotPacket *pkt)
{
  iot_tap_layer_ended_early (pkt);
}

void
iot_tap_layer_ended_early (IotPacket *pkt)
{
  GPtrArray *records = pkt->tap_records[IOT_TAP_CONV];

  /* The layer that ended counted nothing: its record goes, not those of
   * the layers around it. */
  for (guint i = 0; i < records->len; i++)
    {
      IotTapConv *conv = g_ptr_array_index (records, i);

      if (conv->depth == (guint) pkt->depth)
        conv->cut = TRUE;
    }
}

void
iot_tap_queue_expert (IotPacket *pkt, gconstpointer info, IotSeverity severity, IotExpertGroup group,
                      const char *message)
{
  IotTapExpert record = { info, (guint8) severity, (guint8) group,
                          pkt->layer != NULL ? pkt->layer->abbrev : NULL, NULL };

  if (!iot_tap_wanted (pkt, IOT_TAP_EXPERT))
    return;
  if (message != NULL)
    record.message = iot_packet_strndup (pkt, message, strlen (message));

  iot_tap_queue (pkt, IOT_TAP_EXPERT, &record);
}

void
iot_tap_queue_row (IotPacket *pkt, const IotField *field, const IotBuf *buf, guint off, guint len)
{
  IotTapProto record = { field, field->abbrev, buf != NULL ? buf->source : 0,
                         buf != NULL ? buf->origin + off : 0, buf != NULL ? len : 0, (guint) pkt->depth };

  iot_tap_queue (pkt, IOT_TAP_PROTO, &record);
}

void
iot_tap_records_init (IotPacket *pkt)
{
  for (guint t = 0; t < IOT_TAP_N; t++)
    pkt->tap_records[t] = g_ptr_array_new ();
}

void
iot_tap_records_reset (IotPacket *pkt)
{
  /* Records are queued only for the taps the dissection wanted, and the
   * packet still holds that dissection's flags: the other lists are empty
   * and are not even read (a pass that wants no tap touches none). */
  guint taps = (pkt->flags & IOT_DISSECT_TAPS) >> IOT_DISSECT_TAP_SHIFT;

  while (taps != 0)
    {
      guint t = (guint) g_bit_nth_lsf (taps, -1);

      taps &= taps - 1;
      /* Most frames queue nothing: only lists in use pay for the call. */
      if (pkt->tap_records[t]->len > 0)
        g_ptr_array_set_size (pkt->tap_records[t], 0);
    }
}

void
iot_tap_records_free (IotPacket *pkt)
{
  for (guint t = 0; t < IOT_TAP_N; t++)
    g_ptr_array_unref (pkt->tap_records[t]);
}
