/* iot-insight-frame.c — what one frame says, and where it goes: reads
 * the dissected rows into a FrameFacts (read_frame), then updates the
 * per-capture tables for the frame's devices and its protocols other than
 * MQTT (iot-insight-mqtt.c).
 */
#include "iot-insight-tables.h"

#include <math.h>
#include <string.h>

#include "iot-format.h"

/* ---- reading one frame ------------------------------------------------------------ */

/* MqttMsg, TlsHs and FrameFacts: iot-insight-private.h. */


/* An IPv4 address of a record, in host order. */
static guint32
ipv4_host_order (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static void
read_frame (IotInsight *self, IotPacket *pkt, FrameFacts *ff)
{
  const InsightFields *f = &self->f;
  const char *last_proto = NULL;

  for (guint i = 0; i < iot_packet_n_nodes (pkt); i++)
    {
      const IotNode *node = iot_packet_node (pkt, i);
      int idx;

      if (node->field == NULL)
        continue;
      if (node->field->type == IOT_FT_PROTOCOL)
        last_proto = node->field->proto_abbrev ? node->field->proto_abbrev : node->field->abbrev;
      idx = insight_field_index (f, node->field);
      /* Those come from the frame's records (read_records), even when the
       * rows are there for someone else (the tree of -V, a report). */
      if (idx < 0 || insight_field_from_record ((guint) idx))
        continue;
      /* The copy of another packet inside an ICMP error is not this frame's
       * own traffic; the ICMP header's type and code are. */
      if (ff->quoted && idx != F_MALFORMED && idx != F_ICMP_TYPE && idx != F_ICMP_CODE && idx != F_ICMPV6_TYPE)
        continue;
      switch (idx)
        {
        case F_IP:
          ff->ip = TRUE;
          break;
        case F_IPV6:
          ff->ip = TRUE;
          break;
        case F_ICMP:
        case F_ICMPV6:
          ff->quoted = TRUE;
          break;
        case F_TCP:
          ff->l4 = 6;
          break;
        case F_UDP:
          ff->l4 = 17;
          break;
        case F_MALFORMED:
          /* The hidden mark inside a Malformed-group item is only there
           * for the filter: the frame did not end early. */
          if (!(node->flags & IOT_NODE_HIDDEN))
            ff->malformed = last_proto ? last_proto : "frame";
          break;
        case F_REASSEMBLY_ERROR:
          ff->reassembly_error = TRUE;
          break;
        default:
          break;
        }
      switch (idx)
        {
        case F_TLS: ff->tls = TRUE; break;
        case F_DTLS: ff->dtls = TRUE; break;
        case F_ICMP_TYPE:
          if (ff->icmp_type < 0)
            ff->icmp_type = (gint) node->v.u;
          break;
        case F_ICMP_CODE:
          if (ff->icmp_code < 0)
            ff->icmp_code = (gint) node->v.u;
          break;
        case F_ICMPV6_TYPE:
          if (ff->icmpv6_type < 0)
            ff->icmpv6_type = (gint) node->v.u;
          break;
        default:
          break;
        }
    }
}

/* ---- what the records say ------------------------------------------------------------ */

/* The frame's TCP segment: the last one of its own traffic. */
static void
read_tcp_record (IotPacket *pkt, FrameFacts *ff)
{
  const guint16 resent = IOT_TAP_TCP_RETRANSMISSION | IOT_TAP_TCP_FAST_RETRANSMISSION
                         | IOT_TAP_TCP_SPURIOUS_RETRANSMISSION;
  const guint16 loss = resent | IOT_TAP_TCP_LOST_SEGMENT | IOT_TAP_TCP_OUT_OF_ORDER | IOT_TAP_TCP_DUPLICATE_ACK;
  gconstpointer const *records;
  const IotTapTcp *tcp;
  guint n;

  records = iot_packet_tap_records (pkt, IOT_TAP_TCP, &n);
  if (n == 0)
    return;
  tcp = records[n - 1];
  if (tcp->stream != IOT_TAP_NO_STREAM)
    {
      ff->has_stream = TRUE;
      ff->stream = tcp->stream;
    }
  ff->seq_raw = tcp->seq_raw;
  ff->ack_raw = tcp->ack_raw;
  ff->tcp_len = tcp->len;
  ff->payload_len = tcp->len;
  ff->tcp_flags = tcp->flags;
  ff->retrans = (tcp->analysis & resent) != 0;
  ff->loss_sign = (tcp->analysis & loss) != 0;
  ff->zero_window = (tcp->analysis & IOT_TAP_TCP_ZERO_WINDOW) != 0;
}

/* The frame's own TLS/DTLS handshake messages and alerts in the clear
 * (not a copy an ICMP error quotes), as their tls.* / dtls.* rows said:
 * each message's type, hello version, a Server Hello's suite and the
 * newest supported_versions value; TLS alerts and the last TLS server
 * name (the DTLS ones have dtls.* fields the rows did not read). */
static void
read_tls_records (IotPacket *pkt, FrameFacts *ff)
{
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_TLS, &n);

  for (guint i = 0; i < n; i++)
    {
      const IotTapTls *rec = records[i];

      if (rec->in_error)
        continue;
      if (rec->content_type == 21)
        {
          if (!rec->dtls && ff->n_alerts < G_N_ELEMENTS (ff->alert_level))
            {
              ff->alert_level[ff->n_alerts] = rec->alert_level;
              ff->alert_desc[ff->n_alerts++] = rec->alert_description;
            }
          continue;
        }
      {
        TlsHs hs = { rec->handshake_type, rec->handshake_version, 0, rec->supported_version, FALSE };

        if (rec->handshake_type == 2 && rec->has_cipher)
          {
            hs.cipher = rec->cipher;
            hs.has_cipher = TRUE;
          }
        g_array_append_val (ff->hs, hs);
      }
      if (!rec->dtls && rec->sni != NULL)
        ff->sni = rec->sni;
    }
}

/* The frame's own HTTP messages (not a copy an ICMP error quotes), as
 * their http.* rows said: any response, the last method and
 * Authorization value, the first URI. */
static void
read_http_records (IotPacket *pkt, FrameFacts *ff)
{
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_HTTP, &n);

  for (guint i = 0; i < n; i++)
    {
      const IotTapHttp *rec = records[i];

      if (rec->in_error)
        continue;
      ff->http = TRUE;
      if (rec->continuation)
        continue;
      if (!rec->request)
        ff->http_response = TRUE;
      if (rec->method != NULL)
        ff->http_method = rec->method;
      if (rec->authorization != NULL)
        ff->http_auth = rec->authorization;
      if (rec->uri != NULL && ff->http_uri == NULL)
        ff->http_uri = rec->uri;
    }
}

/* The certificates' facts the TLS rules read, across the frame's
 * certificates in order: the first two UTCTime validity times (the first
 * certificate's notBefore and notAfter when it has those), the first
 * subjectAltName / issuerAltName DNS names. */
static void
read_cert_records (IotPacket *pkt, FrameFacts *ff)
{
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_CERT, &n);

  for (guint i = 0; i < n; i++)
    {
      const IotTapCert *rec = records[i];
      const char *times[2] = { rec->not_before_utc ? rec->not_before : NULL,
                               rec->not_after_utc ? rec->not_after : NULL };

      if (rec->in_error)
        continue;
      for (guint k = 0; k < 2; k++)
        if (times[k] != NULL && ff->n_x509_times < G_N_ELEMENTS (ff->x509_times))
          ff->x509_times[ff->n_x509_times++] = times[k];
      for (guint k = 0; k < rec->n_dns_names && ff->n_x509_names < G_N_ELEMENTS (ff->x509_names); k++)
        ff->x509_names[ff->n_x509_names++] = rec->dns_names[k];
    }
}

/* The data of the frame's last UDP datagram (a TCP segment's length, read
 * later, takes its place). */
static void
read_udp_payload (IotPacket *pkt, FrameFacts *ff)
{
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_PAYLOAD, &n);

  for (guint i = n; i-- > 0;)
    if (((const IotTapPayload *) records[i])->layer == IOT_TAP_LAYER_UDP)
      {
        ff->payload_len = ((const IotTapPayload *) records[i])->length;
        return;
      }
}

/* A record's string as mqtt.topic holds it: valid UTF-8. */
static const char *
valid_text (IotPacket *pkt, const char *text)
{
  if (text == NULL || g_utf8_validate (text, -1, NULL))
    return text;
  return iot_packet_valid_utf8 (pkt, (const guint8 *) text, strlen (text));
}

/* The reason code field the rules name for an MQTT error. */
static const char *
mqtt_error_field (IotInsight *self, const IotTapMqtt *rec)
{
  static const int rc_field[16] = {
    [4] = F_MQTT_PUBACK_RC, [5] = F_MQTT_PUBREC_RC, [6] = F_MQTT_PUBREL_RC, [7] = F_MQTT_PUBCOMP_RC,
    [9] = F_MQTT_SUBACK_RC, [11] = F_MQTT_UNSUBACK_RC, [14] = F_MQTT_DISCONNECT_RC, [15] = F_MQTT_AUTH_RC,
  };
  const IotField *field;

  if (rec->type == 9 && (rec->version == 3 || rec->version == 4))
    return "Granted QoS";
  field = rc_field[rec->type & 0xf] ? self->f.f[rc_field[rec->type & 0xf]] : NULL;
  return field != NULL ? field->name : NULL;
}

static void
read_mqtt_records (IotInsight *self, IotPacket *pkt, FrameFacts *ff)
{
  gconstpointer const *records;
  guint n;

  records = iot_packet_tap_records (pkt, IOT_TAP_MQTT, &n);
  for (guint i = 0; i < n; i++)
    {
      const IotTapMqtt *rec = records[i];
      MqttMsg m = { 0 };

      if (rec->in_error)
        continue;
      m.type = rec->type;
      m.qos = rec->qos;
      m.dup = rec->dup;
      m.retain = rec->retain;
      m.msgid = rec->msgid;
      m.unanswered = rec->unacknowledged;
      m.topic = g_strdup (rec->type == 3 ? valid_text (pkt, rec->topic) : rec->filters);
      m.payload_len = rec->type == 3 && !rec->payload_cut ? rec->payload_len : 0;
      m.client_id = rec->client_id;
      m.username = rec->username;
      m.has_username = rec->username != NULL;
      m.passwd = rec->password;
      m.has_passwd = rec->password != NULL;
      m.keepalive = rec->keepalive;
      m.connack = rec->connack;
      m.error_rc = rec->error_code;
      m.error_field = rec->error_code >= 0 ? mqtt_error_field (self, rec) : NULL;
      m.response_time_ns = rec->response_time_ns;
      m.dup_of = rec->dup_of;
      g_array_append_val (ff->mqtt, m);
    }
}

/* The last CoAP message of the frame's own traffic wins, option by
 * option, as the rows did; the first one an ICMP error quotes names the
 * message it refused. */
static void
read_coap_records (IotPacket *pkt, FrameFacts *ff)
{
  gconstpointer const *records;
  guint n;

  records = iot_packet_tap_records (pkt, IOT_TAP_COAP, &n);
  for (guint i = 0; i < n; i++)
    {
      const IotTapCoap *rec = records[i];
      /* Options come in number order: Block2 (23) before Block1 (27). */
      static const guint order[2] = { 1, 0 };

      if (rec->in_error)
        {
          if (ff->quoted_coap_mid < 0 && rec->type != COAP_TYPE_NONE)
            ff->quoted_coap_mid = rec->mid;
          continue;
        }
      ff->coap = TRUE;
      ff->coap_type = rec->type;
      ff->coap_code = rec->code;
      ff->coap_mid = rec->mid;
      ff->coap_response_time = rec->response_time_ns;
      ff->coap_retrans |= rec->retransmission;
      if (rec->uri != NULL)
        ff->coap_uri = rec->uri;
      if (rec->token_len > 0)
        {
          ff->coap_token = rec->token;
          ff->coap_token_len = rec->token_len;
        }
      if (rec->observe >= 0)
        ff->coap_observe = rec->observe;
      for (guint k = 0; k < 2; k++)
        {
          guint slot = order[k], option = slot + 1;

          /* A message may carry both: the option that describes its own
           * body (Block1 in a request, Block2 in a response) wins. */
          if (!rec->block[slot].present
              || (ff->coap_block_option != 0 && option != (ff->coap_code > 0 && ff->coap_code < 32 ? 1u : 2u)))
            continue;
          ff->coap_block_option = option;
          ff->coap_block_number = rec->block[slot].number;
          ff->coap_block_more = rec->block[slot].more;
          ff->coap_block_size = 16u << MIN (rec->block[slot].szx, 6u);
        }
    }
}

/* The frame's DNS and multicast DNS messages, in order, as their rows
 * said it: a "dns" layer marks the frame as DNS and forgets the reply code
 * of a message before it; the first question's name of the frame is the
 * one named.  A copy an ICMP error quotes is not the frame's own. */
static void
read_dns_records (IotPacket *pkt, FrameFacts *ff)
{
  gconstpointer const *records;
  guint n;

  records = iot_packet_tap_records (pkt, IOT_TAP_DNS, &n);
  for (guint i = 0; i < n; i++)
    {
      const IotTapDns *rec = records[i];

      if (rec->in_error)
        continue;
      if (!rec->mdns)
        {
          ff->dns = TRUE;
          ff->dns_rcode = -1;
        }
      ff->dns_response = rec->response;
      if (rec->rcode >= 0)
        ff->dns_rcode = rec->rcode;
      if (ff->dns_qname == NULL)
        ff->dns_qname = rec->qname;
    }
}

/* The frame's ARP, DHCP and NTP facts: the last message of each kind
 * (and, in a DHCP message, its last message type, client MAC address and
 * requested address) wins, as the rows did. */
static void
read_lan_records (IotPacket *pkt, FrameFacts *ff)
{
  gconstpointer const *records;
  guint n;

  records = iot_packet_tap_records (pkt, IOT_TAP_LAN, &n);
  for (guint i = 0; i < n; i++)
    {
      const IotTapLan *rec = records[i];

      if (rec->in_error)
        continue;
      switch (rec->kind)
        {
        case IOT_TAP_LAN_ARP:
          ff->arp_op = rec->arp_op;
          if (rec->arp_has_ipv4)
            {
              ff->arp_spa = ipv4_host_order (rec->arp_sender_ip);
              ff->arp_tpa = ipv4_host_order (rec->arp_target_ip);
            }
          break;
        case IOT_TAP_LAN_DHCP:
          ff->dhcp_xid = rec->dhcp_xid;
          if (rec->dhcp_has_mac)
            {
              memcpy (ff->dhcp_mac, rec->dhcp_mac, 6);
              ff->has_dhcp_mac = TRUE;
            }
          if (rec->dhcp_type >= 0)
            ff->dhcp_type = rec->dhcp_type;
          if (rec->dhcp_has_requested)
            ff->dhcp_requested = ipv4_host_order (rec->dhcp_requested);
          break;
        case IOT_TAP_LAN_NTP:
          ff->ntp_mode = rec->ntp_mode;
          break;
        default:
          break;
        }
    }
}

/* ---- other protocols ------------------------------------------------------------------ */

static void
coap_frame (IotInsight *self, const FrameFacts *ff)
{
  const char *src = insight_endpoint_name (self, &ff->src, ff->sport);
  const char *dst = insight_endpoint_name (self, &ff->dst, ff->dport);
  g_autofree char *key = NULL;
  FrameList *l;

  if (ff->coap_retrans)
    {
      g_autofree char *who = insight_address_text (&ff->src);

      insight_frame_list_add (insight_frame_list_get (self->lists[L_COAP_RETRANS], who), ff->number);
    }
  if (ff->coap_response_time >= 0 && !ff->coap_retrans)
    {
      double v = ff->coap_response_time / 1e9;

      g_array_append_val (self->coap_latency, v);
    }
  /* Confirmable messages wait for an ACK or RST with the same message ID
   * from the other side. */
  if (ff->coap_type == 0)
    {
      key = g_strdup_printf ("%s>%s#%u", src, dst, ff->coap_mid);
      l = insight_frame_list_get (self->coap_cons, key);
      if (l->label == NULL)
        l->label = g_strdup_printf ("%s %s%s", ff->coap_code == 0 ? "ping" : ff->coap_code < 32 ? "request" : "response",
                                    ff->coap_uri ? ff->coap_uri : "", "");
      insight_frame_list_add (l, ff->number);
    }
  else if (ff->coap_type == 2 || ff->coap_type == 3)
    {
      key = g_strdup_printf ("%s>%s#%u", dst, src, ff->coap_mid);
      l = g_hash_table_lookup (self->coap_cons, key);
      if (l != NULL)
        l->answered = TRUE;
    }
}

static void
dns_frame (IotInsight *self, const FrameFacts *ff)
{
  g_autofree char *key = NULL;

  if (!ff->dns_response || (ff->dns_rcode != 2 && ff->dns_rcode != 3))
    return;
  key = g_strdup_printf ("%s\x1f%d", ff->dns_qname ? ff->dns_qname : "?", ff->dns_rcode);
  insight_frame_list_add (insight_frame_list_get (self->lists[L_DNS], key), ff->number);
}

/* Weak cipher suites by IANA number, for names our table may lack. */
static const char *
weak_cipher_reason (guint16 suite, const char *name)
{
  static const struct { guint16 lo, hi; const char *why; } ranges[] = {
    { 0x0000, 0x0000, "no encryption at all (NULL)" },
    { 0x0001, 0x0002, "no encryption (NULL cipher)" },
    { 0x0003, 0x0003, "40-bit export encryption (EXPORT, RC4)" },
    { 0x0004, 0x0005, "the broken RC4 stream cipher" },
    { 0x0006, 0x0006, "40-bit export encryption (EXPORT)" },
    { 0x0008, 0x0008, "40-bit export encryption (EXPORT, DES)" },
    { 0x0009, 0x0009, "single DES (56-bit key)" },
    { 0x000a, 0x000a, "triple DES (64-bit blocks, Sweet32)" },
    { 0x000b, 0x000b, "40-bit export encryption (EXPORT, DES)" },
    { 0x000c, 0x000c, "single DES (56-bit key)" },
    { 0x000d, 0x000d, "triple DES (64-bit blocks, Sweet32)" },
    { 0x000e, 0x000e, "40-bit export encryption (EXPORT, DES)" },
    { 0x000f, 0x000f, "single DES (56-bit key)" },
    { 0x0010, 0x0010, "triple DES (64-bit blocks, Sweet32)" },
    { 0x0011, 0x0011, "40-bit export encryption (EXPORT, DES)" },
    { 0x0012, 0x0012, "single DES (56-bit key)" },
    { 0x0013, 0x0013, "triple DES (64-bit blocks, Sweet32)" },
    { 0x0014, 0x0014, "40-bit export encryption (EXPORT, DES)" },
    { 0x0015, 0x0015, "single DES (56-bit key)" },
    { 0x0016, 0x0016, "triple DES (64-bit blocks, Sweet32)" },
    { 0x0017, 0x001b, "anonymous key exchange (no authentication of the server)" },
    { 0x002c, 0x002e, "no encryption (NULL cipher)" },
    { 0x0034, 0x0034, "anonymous key exchange (no authentication of the server)" },
    { 0x003a, 0x003a, "anonymous key exchange (no authentication of the server)" },
    { 0x003b, 0x003b, "no encryption (NULL cipher)" },
    { 0x006c, 0x006d, "anonymous key exchange (no authentication of the server)" },
    { 0x008a, 0x008a, "the broken RC4 stream cipher" },
    { 0x008b, 0x008b, "triple DES (64-bit blocks, Sweet32)" },
    { 0x008e, 0x008e, "the broken RC4 stream cipher" },
    { 0x008f, 0x008f, "triple DES (64-bit blocks, Sweet32)" },
    { 0x0092, 0x0092, "the broken RC4 stream cipher" },
    { 0x0093, 0x0093, "triple DES (64-bit blocks, Sweet32)" },
    { 0x00b0, 0x00b1, "no encryption (NULL cipher)" },
    { 0x00b4, 0x00b5, "no encryption (NULL cipher)" },
    { 0x00b8, 0x00b9, "no encryption (NULL cipher)" },
    { 0xc001, 0xc001, "no encryption (NULL cipher)" },
    { 0xc002, 0xc002, "the broken RC4 stream cipher" },
    { 0xc003, 0xc003, "triple DES (64-bit blocks, Sweet32)" },
    { 0xc006, 0xc006, "no encryption (NULL cipher)" },
    { 0xc007, 0xc007, "the broken RC4 stream cipher" },
    { 0xc008, 0xc008, "triple DES (64-bit blocks, Sweet32)" },
    { 0xc00b, 0xc00b, "no encryption (NULL cipher)" },
    { 0xc00c, 0xc00c, "the broken RC4 stream cipher" },
    { 0xc00d, 0xc00d, "triple DES (64-bit blocks, Sweet32)" },
    { 0xc010, 0xc010, "no encryption (NULL cipher)" },
    { 0xc011, 0xc011, "the broken RC4 stream cipher" },
    { 0xc012, 0xc012, "triple DES (64-bit blocks, Sweet32)" },
    { 0xc015, 0xc019, "anonymous key exchange (no authentication of the server)" },
    { 0xc033, 0xc033, "the broken RC4 stream cipher" },
    { 0xc034, 0xc034, "triple DES (64-bit blocks, Sweet32)" },
    { 0xc039, 0xc03b, "no encryption (NULL cipher)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    if (suite >= ranges[i].lo && suite <= ranges[i].hi)
      return ranges[i].why;
  if (name != NULL)
    {
      if (strstr (name, "_NULL_") || g_str_has_suffix (name, "_NULL"))
        return "no encryption (NULL cipher)";
      if (strstr (name, "EXPORT"))
        return "40-bit export encryption (EXPORT)";
      if (strstr (name, "RC4"))
        return "the broken RC4 stream cipher";
      if (strstr (name, "3DES") || strstr (name, "_DES_"))
        return "DES or triple DES (too small keys or blocks)";
      if (strstr (name, "_anon_"))
        return "anonymous key exchange (no authentication of the server)";
    }
  return NULL;
}

static const char *
tls_version_name (guint16 v, gboolean dtls)
{
  if (dtls)
    switch (v)
      {
      case 0x0100: return "DTLS 1.0 (OpenSSL pre 0.9.8f)";
      case 0xfeff: return "DTLS 1.0";
      case 0xfefd: return "DTLS 1.2";
      case 0xfefc: return "DTLS 1.3";
      default: return "DTLS (unknown version)";
      }
  switch (v)
    {
    case 0x0200: return "SSL 2.0";
    case 0x0300: return "SSL 3.0";
    case 0x0301: return "TLS 1.0";
    case 0x0302: return "TLS 1.1";
    case 0x0303: return "TLS 1.2";
    case 0x0304: return "TLS 1.3";
    default: return "TLS (unknown version)";
    }
}

static gboolean
tls_version_old (guint16 v, gboolean dtls)
{
  if (dtls)
    return v == 0x0100 || v == 0xfeff;
  return v < 0x0303;
}

static void
tls_frame (IotInsight *self, const FrameFacts *ff)
{
  for (guint i = 0; i < ff->hs->len; i++)
    {
      const TlsHs *hs = &g_array_index (ff->hs, TlsHs, i);
      guint16 version = hs->max_sv ? hs->max_sv : hs->version;
      g_autofree char *server = NULL, *client = NULL, *key = NULL;

      if ((hs->type != 1 && hs->type != 2) || version == 0)
        continue;
      server = hs->type == 2 ? insight_endpoint_text (&ff->src, ff->sport) : insight_endpoint_text (&ff->dst, ff->dport);
      client = hs->type == 2 ? insight_address_text (&ff->dst) : insight_address_text (&ff->src);
      if (tls_version_old (version, ff->dtls))
        {
          key = g_strdup_printf ("%s\x1f%s\x1f%s\x1f%s", client, server, tls_version_name (version, ff->dtls),
                                 hs->type == 2 ? "negotiated" : "best version the client offers");
          insight_frame_list_add (insight_frame_list_get (self->lists[L_TLS_VERSION], key), ff->number);
        }
      if (hs->type == 2 && hs->has_cipher)
        {
          const IotField *field = self->f.f[ff->dtls ? F_DTLS_CIPHER : F_TLS_CIPHER];
          const char *name = field ? iot_value_name (field->vals, hs->cipher) : NULL;
          const char *why = weak_cipher_reason (hs->cipher, name);
          g_autofree char *k2 = NULL;

          if (why == NULL)
            continue;
          k2 = name ? g_strdup_printf ("%s\x1f%s\x1f%s (0x%04x)\x1f%s", client, server, name, hs->cipher, why)
                    : g_strdup_printf ("%s\x1f%s\x1f" "0x%04x\x1f%s", client, server, hs->cipher, why);
          insight_frame_list_add (insight_frame_list_get (self->lists[L_WEAK_CIPHER], k2), ff->number);
        }
    }
}

/* "27, 28, 30" for the first @max frames of @frames, "…" if there are more. */
char *
insight_frame_numbers_text (const GArray *frames, guint max)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < MIN (frames->len, max); i++)
    g_string_append_printf (out, "%s%u", i ? ", " : "", g_array_index (frames, guint32, i));
  if (frames->len > max)
    g_string_append (out, " …");
  return g_string_free (out, FALSE);
}

/* An application message found inside a TLS or DTLS record: the
 * connection uses a NULL cipher, so its payload is readable.  Collected per
 * client and server, named like the weak-cipher finding, which reports it. */
static void
readable_frame (IotInsight *self, const FrameFacts *ff, gboolean to_server)
{
  g_autofree char *client = insight_address_text (to_server ? &ff->src : &ff->dst);
  g_autofree char *server = to_server ? insight_endpoint_text (&ff->dst, ff->dport)
                                      : insight_endpoint_text (&ff->src, ff->sport);
  g_autofree char *key = g_strdup_printf ("%s\x1f%s", client, server);
  FrameList *l = insight_frame_list_get (self->lists[L_READABLE], key);

  insight_frame_list_add (l, ff->number);
  if (l->label != NULL)
    return;
  if (ff->http && !ff->http_response)
    {
      /* The path only: a query string may hold a key or a password. */
      const char *uri = ff->http_uri ? ff->http_uri : "";

      l->label = g_strdup_printf ("HTTP %s %.*s", ff->http_method ? ff->http_method : "request",
                                  (int) strcspn (uri, "?"), uri);
    }
  else if (ff->http)
    l->label = g_strdup ("an HTTP response");
  else if (ff->mqtt->len > 0)
    {
      const MqttMsg *m = &g_array_index (ff->mqtt, MqttMsg, 0);

      l->label = g_strdup_printf ("MQTT %s%s%s", insight_mqtt_type_name (m->type), m->topic ? " " : "",
                                  m->topic ? m->topic : "");
    }
  else
    l->label = g_strdup_printf ("CoAP %s", ff->coap_uri ? ff->coap_uri : "message");
}

/* Clear-text application protocols, per device and server port. */
static void
cleartext_frame (IotInsight *self, const FrameFacts *ff)
{
  const char *proto = NULL;
  gboolean to_server;
  CleartextKey ck;
  Stream *st = NULL;
  FrameList *l;

  if (ff->mqtt->len > 0)
    {
      st = g_hash_table_lookup (self->streams, GUINT_TO_POINTER (ff->stream + 1));
      proto = "MQTT";
      to_server = st && st->client_known ? ff->dport == st->broker_port : ff->dport < ff->sport;
    }
  else if (ff->coap)
    {
      proto = "CoAP";
      to_server = ff->coap_code > 0 && ff->coap_code < 32 ? TRUE
                  : ff->coap_code >= 64 ? FALSE : ff->dport < ff->sport;
    }
  else if (ff->http)
    {
      proto = "HTTP";
      to_server = !ff->http_response;
    }
  else
    return;
  if (ff->tls || ff->dtls)
    {
      /* Not a clear-text protocol: a TLS connection that does not encrypt. */
      readable_frame (self, ff, to_server);
      return;
    }
  memset (&ck, 0, sizeof ck);
  ck.device = to_server ? ff->src : ff->dst;
  ck.proto = ff->mqtt->len > 0 ? 0 : ff->coap ? 1 : 2;
  ck.port = to_server ? ff->dport : ff->sport;
  /* An MQTT connection's messages mostly land in the list of the one
   * before. */
  if (st != NULL && st->cleartext_list != NULL && st->cleartext_port == ck.port
      && memcmp (&st->cleartext_device, &ck.device, sizeof ck.device) == 0)
    l = st->cleartext_list;
  else
    l = g_hash_table_lookup (self->cleartext_lists, &ck);
  if (l == NULL)
    {
      g_autofree char *key = g_strdup_printf ("%s\x1f%s\x1f%u", proto, insight_device_name (self, &ck.device)->text, ck.port);

      l = insight_frame_list_get (self->lists[L_CLEARTEXT], key);
      g_hash_table_insert (self->cleartext_lists, g_memdup2 (&ck, sizeof ck), l);
    }
  if (st != NULL)
    {
      st->cleartext_list = l;
      st->cleartext_device = ck.device;
      st->cleartext_port = ck.port;
    }
  /* The finding shows the first frames and counts the rest. */
  if (l->frames->len < CLEARTEXT_FRAMES_SHOWN)
    insight_frame_list_add (l, ff->number);
  else
    l->more++;

  if (ff->http && ff->http_auth != NULL && *ff->http_auth != '\0')
    {
      const char *device = insight_device_name (self, to_server ? &ff->src : &ff->dst)->text;
      g_autofree char *masked = NULL, *k2 = NULL;
      const char *auth = ff->http_auth;

      if (g_ascii_strncasecmp (auth, "Basic ", 6) == 0)
        {
          gsize len = 0;
          g_autofree guchar *decoded = g_base64_decode (auth + 6, &len);
          g_autofree char *text = g_strndup ((const char *) decoded, len);
          char *colon = strchr (text, ':');
          g_autofree char *mu = NULL, *mp = NULL;

          if (colon)
            *colon = '\0';
          mu = iot_insight_mask_secret (text);
          mp = iot_insight_mask_secret (colon ? colon + 1 : "");
          masked = g_strdup_printf ("HTTP Basic authorization from %s: user name %s, password %s", device, mu, mp);
          memset (text, 0, strlen (text));
        }
      else
        {
          g_autofree char *m = iot_insight_mask_secret (auth);

          masked = g_strdup_printf ("HTTP authorization header from %s: %s", device, m);
        }
      k2 = g_steal_pointer (&masked);
      insight_frame_list_add (insight_frame_list_get (self->lists[L_CREDENTIALS], k2), ff->number);
    }
}

static const char *
frame_type_label (const FrameFacts *ff, char *buf, gsize size)
{
  if (ff->coap)
    g_snprintf (buf, size, "coap:%s", ff->coap_type == 0 ? "CON" : ff->coap_type == 1 ? "NON"
                                      : ff->coap_type == 2 ? "ACK" : ff->coap_type == 3 ? "RST" : "message");
  else if (ff->dns)
    g_snprintf (buf, size, "dns:%s", ff->dns_response ? "response" : "query");
  else if (ff->http)
    g_snprintf (buf, size, "http:%s", ff->http_response ? "response" : ff->http_method ? ff->http_method : "request");
  else if (ff->tls)
    g_snprintf (buf, size, "tls");
  else if (ff->dtls)
    g_snprintf (buf, size, "dtls");
  else if (ff->mqtt->len > 0)
    g_snprintf (buf, size, "mqtt:%s", insight_mqtt_type_name (g_array_index (ff->mqtt, MqttMsg, 0).type));
  else if (ff->l4 == 6)
    g_snprintf (buf, size, ff->tcp_len ? "tcp:data" : "tcp:control");
  else if (ff->l4 == 17)
    g_snprintf (buf, size, "udp");
  else if (ff->quoted)
    g_snprintf (buf, size, "icmp");
  else
    g_snprintf (buf, size, ff->ip ? "ip" : "other");
  return buf;
}

static void
device_frame (IotInsight *self, const FrameFacts *ff)
{
  gboolean src_local, dst_local;
  DeviceName *from;
  const char *src;
  char type[64];

  if (ff->src.family != 4 && ff->src.family != 6)
    return;
  src_local = insight_address_is_local (&ff->src);
  dst_local = insight_address_is_local (&ff->dst);
  /* The names are formatted only for what needs them. */
  if (!(self->keep & IOT_INSIGHT_KEEP_PROFILES) && src_local && dst_local && !ff->retrans && !ff->zero_window)
    return;
  from = insight_device_name (self, &ff->src);
  src = from->text;
  if (self->keep & IOT_INSIGHT_KEEP_PROFILES)
    {
      if (from->profile == NULL)
        from->profile = insight_profile_get (self->devices, src);
      insight_profile_add (from->profile, ff->number, ff->rel_ns, ff->payload_len, insight_device_name (self, &ff->dst)->text,
                   frame_type_label (ff, type, sizeof type));
    }

  /* Conversations that leave the local networks. */
  if (src_local != dst_local || !src_local)
    {
      const char *dst = insight_device_name (self, &ff->dst)->text;
      g_autofree char *key = g_strdup_printf ("%s\x1f%s", src_local ? src : dst, src_local ? dst : src);

      insight_frame_list_add (insight_frame_list_get (self->lists[L_EXTERNAL], key), ff->number);
    }
  if (ff->retrans)
    insight_frame_list_add (insight_frame_list_get (self->lists[L_TCP_RETRANS], src), ff->number);
  if (ff->zero_window)
    insight_frame_list_add (insight_frame_list_get (self->lists[L_ZERO_WINDOW], src), ff->number);
}

static void
add_frame (IotInsight *self, FrameFacts *ff)
{
  self->n_frames++;
  self->last_ns = MAX (self->last_ns, ff->rel_ns);
  /* Bytes TCP resent (a retransmission, or an out-of-order copy) of a
   * message already rebuilt are not a malformed message: the sender did
   * nothing wrong, and the losses are reported as such. */
  if (ff->malformed != NULL && !ff->reassembly_error)
    insight_frame_list_add (insight_frame_list_get (self->lists[L_MALFORMED], ff->malformed), ff->number);
  if (ff->quoted)
    {
      device_frame (self, ff);
      insight_coap_frame (self, ff);
      return;
    }
  device_frame (self, ff);
  /* The TCP dissector decodes a retransmission only when this capture
   * point never saw its bytes before (the original was lost on the way). */
  if (ff->retrans && ff->mqtt->len > 0)
    g_array_append_val (self->first_seen_resent, ff->number);
  insight_mqtt_frame (self, ff);
  if (ff->coap)
    coap_frame (self, ff);
  insight_coap_frame (self, ff);
  if (ff->dns)
    dns_frame (self, ff);
  if (ff->hs->len > 0)
    tls_frame (self, ff);
  insight_tls_frame (self, ff);
  insight_network_frame (self, ff);
  insight_path_frame (self, ff);
  cleartext_frame (self, ff);
}

static void
frame_facts_clear (FrameFacts *ff)
{
  for (guint i = 0; i < ff->mqtt->len; i++)
    g_free (g_array_index (ff->mqtt, MqttMsg, i).topic);
}

/* Whether the frame carries an IEEE 802.15.4 MAC frame (its record). */
static gboolean
carries_wpan (IotPacket *pkt)
{
  guint n = 0;

  iot_packet_tap_records (pkt, IOT_TAP_WPAN, &n);
  return n > 0;
}

void
iot_insight_add_packet (IotInsight *self, IotPacket *pkt)
{
  FrameFacts ff = { 0 };
  gint64 t = iot_packet_time_ns (pkt);

  /* A first pass frame after the walk of its own began: it comes later. */
  if (self->deferred_from != 0 && iot_packet_first_pass (pkt))
    return;
  if (self->first_ns < 0)
    self->first_ns = t;
  ff.number = iot_packet_frame_number (pkt);
  ff.first_pass = iot_packet_first_pass (pkt);
  ff.rel_ns = t - self->first_ns;
  ff.wirelen = iot_packet_wirelen (pkt);
  ff.mqtt = self->scratch_mqtt;
  ff.hs = self->scratch_hs;
  g_array_set_size (ff.mqtt, 0);
  g_array_set_size (ff.hs, 0);
  ff.dns_rcode = -1;
  ff.coap_response_time = -1;
  ff.coap_observe = -1;
  ff.quoted_coap_mid = -1;
  ff.ntp_mode = -1;
  ff.arp_op = -1;
  ff.dhcp_type = -1;
  ff.icmp_type = ff.icmp_code = ff.icmpv6_type = -1;
  read_frame (self, pkt, &ff);
  read_http_records (pkt, &ff);
  read_tls_records (pkt, &ff);
  read_cert_records (pkt, &ff);
  read_udp_payload (pkt, &ff);
  if (ff.first_pass && self->engine != NULL && carries_wpan (pkt))
    {
      /* 802.15.4 rows name a device by what later frames teach (the short
       * address an association response assigns afterwards): from the
       * first such frame on, the frames wait for a walk of their own at
       * the end (insight_walk_deferred), in order. */
      self->deferred_from = ff.number;
      frame_facts_clear (&ff);
      return;
    }
  if (!ff.quoted)
    {
      read_tcp_record (pkt, &ff);
      read_mqtt_records (self, pkt, &ff);
    }
  read_coap_records (pkt, &ff);
  read_dns_records (pkt, &ff);
  read_lan_records (pkt, &ff);
  if (self->keep & IOT_INSIGHT_KEEP_READINGS)
    iot_readings_add_packet (self->readings, pkt);
  iot_tls_sessions_add_packet (self->tls_sessions, pkt);
  insight_radio_packet (self, pkt, ff.number, ff.rel_ns);
  insight_wifi_packet (self, pkt, ff.number, ff.rel_ns);
  insight_sparkplug_packet (self, pkt, ff.number);
  insight_wpan_packet (self, pkt, &ff);
  ff.src = *iot_packet_net_src (pkt);
  ff.dst = *iot_packet_net_dst (pkt);
  iot_packet_get_ports (pkt, &ff.sport, &ff.dport);
  add_frame (self, &ff);
  frame_facts_clear (&ff);
}

/* The frames the first pass left to a walk of their own (802.15.4),
 * dissected again in order with what the insight reads. */
void
insight_walk_deferred (IotInsight *self)
{
  g_autoptr (IotFieldSet) wanted = NULL;
  g_autoptr (IotPacket) pkt = NULL;
  IotDissectOptions options = { 0 };
  guint32 from = self->deferred_from, last;

  if (from == 0 || self->engine == NULL)
    return;
  self->deferred_from = 0;
  wanted = iot_field_set_new ();
  iot_insight_listener.add_wanted (self, wanted, &options.flags);
  options.fields = wanted;
  pkt = iot_packet_new ();
  last = iot_engine_n_passed (self->engine);
  for (guint32 number = from; number <= last; number++)
    {
      iot_engine_dissect (self->engine, pkt, number, &options);
      iot_insight_add_packet (self, pkt);
    }
}
