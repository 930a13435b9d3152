/* iot-flow.c — one conversation as a sequence diagram's messages.
 *
 * Frames are dissected with only the fields the labels and the pairing
 * need.  Pairing follows the protocols' own rules: an MQTT answer names
 * the packet identifier of its request and travels the other way on the
 * same connection; a CoAP ACK or RST carries the message ID of its CON.
 *
 * What each frame says comes from its tap records, and no tree is made:
 * the conversation record of its own TCP or UDP layer (stream and ports),
 * the TCP segment record (flags and length), the MQTT and CoAP records
 * (type, packet identifier, QoS, PUBLISH topic, a SUBSCRIBE's or
 * UNSUBSCRIBE's first topic filter; CoAP type, code, message ID, the
 * message's own Uri-Path) and the expert records (the first warning's
 * message).  A packet an ICMP error quotes counts for its stream here, as
 * tcp.stream / udp.stream count it: the dissection asks for the quoted
 * copies' records too (IOT_DISSECT_QUOTED), marked in_error. */
#include <string.h>

#include "iot-flow.h"
#include "iot-format.h"
#include "iot-filter.h"
#include "iot-scan.h"
#include "iot-stream-index.h"
#include "iot-tap.h"

struct _IotFlow {
  char      *title;
  GPtrArray *endpoints;   /* char* */
  GArray    *messages;    /* IotFlowMessage */
};

static const char *const mqtt_names[16] = {
  "MQTT 0", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL", "PUBCOMP",
  "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT", "AUTH",
};

static const char *const coap_types[4] = { "CON", "NON", "ACK", "RST" };

/* The records read, and the copies an ICMP error quotes among them. */
#define FLOW_FLAGS (IOT_DISSECT_COLUMNS | IOT_DISSECT_QUOTED | IOT_DISSECT_TAP (IOT_TAP_CONV) \
                    | IOT_DISSECT_TAP (IOT_TAP_TCP) | IOT_DISSECT_TAP (IOT_TAP_MQTT) \
                    | IOT_DISSECT_TAP (IOT_TAP_COAP) | IOT_DISSECT_TAP (IOT_TAP_EXPERT))

/* coap.code, read for its value names only. */
typedef struct {
  const IotField *coap_code;
} Fields;

static void
fields_init (Fields *f)
{
  f->coap_code = iot_registry_field ("coap.code");
}

/* What one frame says, read from its records. */
typedef struct {
  char     src[64];
  char     dst[64];
  gint     transport;       /* 't' or 'u', 0 = neither */
  guint64  stream;
  guint64  src_port, dst_port;
  guint64  tcp_flags, tcp_len;
  GString *label;
  /* The first MQTT or CoAP message, for pairing. */
  gint     mqtt_type;       /* -1 = none */
  gint64   mqtt_id;         /* -1 = none */
  gint     mqtt_qos;
  gint     coap_type;       /* -1 = none */
  gint64   coap_mid;
  guint8   severity;
  char    *finding;
} FrameFacts;

static void
append_label (GString *label, const char *text)
{
  if (label->len > 0)
    g_string_append (label, "; ");
  g_string_append (label, text);
}

static void
finish_mqtt (FrameFacts *facts, gint type, gint64 id, gint qos, const char *topic)
{
  g_autoptr (GString) text = g_string_new (type >= 0 && type < 16 ? mqtt_names[type] : "MQTT");

  if (type < 0)
    return;
  if (id >= 0)
    g_string_append_printf (text, " id=%" G_GINT64_FORMAT, id);
  if (type == 3)
    g_string_append_printf (text, " QoS %d", qos);
  if (topic != NULL)
    g_string_append_printf (text, " %s", topic);
  append_label (facts->label, text->str);
  if (facts->mqtt_type < 0)
    {
      facts->mqtt_type = type;
      facts->mqtt_id = id;
      facts->mqtt_qos = qos;
    }
}

static void
read_mqtt (FrameFacts *facts, IotPacket *pkt)
{
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_MQTT, &n);

  for (guint i = 0; i < n; i++)
    {
      const IotTapMqtt *m = records[i];
      g_autoptr (GString) topic = NULL;

      /* A SUBSCRIBE or UNSUBSCRIBE: its first filter, as the tree shows it. */
      if (m->type == 8 || m->type == 10)
        {
          if (m->n_topics > 0)
            topic = g_string_new (m->topics[0]);
        }
      else if (m->topic != NULL)
        {
          /* As the tree shows it: ill-formed UTF-8 replaced. */
          topic = g_string_new (NULL);
          iot_format_valid_utf8 ((const guint8 *) m->topic, strlen (m->topic), topic);
        }
      finish_mqtt (facts, m->type, m->msgid, MAX (m->qos, 0), topic != NULL ? topic->str : NULL);
    }
}

static void
read_coap (FrameFacts *facts, const Fields *f, IotPacket *pkt)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GString) path = g_string_new (NULL);
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_COAP, &n);
  const IotTapCoap *first;
  const char *code;

  /* CoAP over TCP has no type: no label of its own, as before. */
  if (n == 0 || ((const IotTapCoap *) records[0])->type > 3)
    return;
  first = records[0];
  facts->coap_type = first->type;
  /* The last message's ID, the first one's code. */
  facts->coap_mid = ((const IotTapCoap *) records[n - 1])->mid;
  code = first->code == 0 ? "Empty" : f->coap_code != NULL ? iot_value_name (f->coap_code->vals, first->code) : NULL;
  /* Every message's own Uri-Path options, in order. */
  for (guint i = 0; i < n; i++)
    {
      const IotTapCoap *coap = records[i];

      if (coap->uri_path != NULL)
        g_string_append (path, coap->uri_path);
    }
  g_string_append_printf (text, "%s %s mid=%" G_GINT64_FORMAT, coap_types[facts->coap_type], code ? code : "",
                          facts->coap_mid);
  if (path->len > 0)
    g_string_append_printf (text, " %s", path->str);
  append_label (facts->label, text->str);
}

static void
read_tcp_label (FrameFacts *facts)
{
  static const struct { guint64 bit; const char *name; } flags[] = {
    { 0x002, "SYN" }, { 0x001, "FIN" }, { 0x004, "RST" }, { 0x008, "PSH" }, { 0x010, "ACK" },
  };
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    if (facts->tcp_flags & flags[i].bit)
      g_string_append_printf (text, "%s%s", text->len ? ", " : "", flags[i].name);
  if (facts->tcp_len > 0)
    g_string_append_printf (text, " Len=%" G_GUINT64_FORMAT, facts->tcp_len);
  append_label (facts->label, text->str);
}

/* The stream and ports of the frame's TCP or UDP layers, @quoted: those
 * of the packets ICMP errors quote included.  The first with a stream
 * names it, the last one's ports are the frame's (a tunnel's inner
 * layer).  FALSE when none has a stream. */
static gboolean
read_conversation (FrameFacts *facts, IotPacket *pkt, gboolean quoted)
{
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_CONV, &n);

  for (guint i = 0; i < n; i++)
    {
      const IotTapConv *conv = records[i];

      if (conv->layer != IOT_TAP_LAYER_TCP && conv->layer != IOT_TAP_LAYER_UDP)
        continue;
      if (conv->in_error && !quoted)
        continue;
      if (facts->transport == 0 && conv->stream != IOT_TAP_NO_STREAM)
        {
          facts->transport = conv->layer == IOT_TAP_LAYER_TCP ? 't' : 'u';
          facts->stream = conv->stream;
        }
      facts->src_port = conv->sport;
      facts->dst_port = conv->dport;
    }
  return facts->transport != 0;
}

/* The last TCP segment's flags and length, quoted copies included. */
static void
read_segment (FrameFacts *facts, IotPacket *pkt)
{
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_TCP, &n);

  if (n > 0)
    {
      const IotTapTcp *tcp = records[n - 1];

      facts->tcp_flags = tcp->flags;
      facts->tcp_len = tcp->len;
    }
}

/* The first warning or error's message. */
static void
read_finding (FrameFacts *facts, IotPacket *pkt)
{
  guint n;
  gconstpointer const *records = iot_packet_tap_records (pkt, IOT_TAP_EXPERT, &n);

  for (guint i = 0; i < n && facts->finding == NULL; i++)
    {
      const IotTapExpert *expert = records[i];

      if (expert->severity >= IOT_SEV_WARN && expert->message != NULL)
        facts->finding = g_strdup (expert->message);
    }
}

static void
read_frame (FrameFacts *facts, const Fields *f, IotPacket *pkt)
{
  memset (facts, 0, sizeof *facts);
  facts->mqtt_type = facts->coap_type = -1;
  facts->mqtt_id = facts->coap_mid = -1;
  facts->label = g_string_new (NULL);
  facts->severity = iot_packet_max_severity (pkt);
  read_finding (facts, pkt);
  /* The frame's own stream; else the stream of a packet it quotes. */
  if (!read_conversation (facts, pkt, FALSE))
    read_conversation (facts, pkt, TRUE);
  read_segment (facts, pkt);
  iot_packet_format_src (pkt, facts->src, sizeof facts->src);
  iot_packet_format_dst (pkt, facts->dst, sizeof facts->dst);
  read_mqtt (facts, pkt);
  read_coap (facts, f, pkt);
  if (facts->label->len == 0 && facts->transport == 't')
    read_tcp_label (facts);
  if (facts->label->len == 0)
    append_label (facts->label, iot_col_protocol (pkt));
}

static void
facts_clear (FrameFacts *facts)
{
  g_string_free (facts->label, TRUE);
  g_free (facts->finding);
}

static guint
endpoint_index (IotFlow *flow, const char *address, guint64 port)
{
  g_autofree char *name = g_strdup_printf ("%s:%" G_GUINT64_FORMAT, address, port);

  for (guint i = 0; i < flow->endpoints->len; i++)
    if (g_str_equal (g_ptr_array_index (flow->endpoints, i), name))
      return i;
  g_ptr_array_add (flow->endpoints, g_steal_pointer (&name));
  return flow->endpoints->len - 1;
}

/* An open request waiting for its answer. */
typedef struct {
  guint   message;    /* index into flow->messages */
  guint   from;
  gint    kind;       /* what answers it: an MQTT type or 'C' for CoAP */
  gint64  id;
} Pending;

/* The MQTT type that answers @type (0 = none); for QoS 2 the chain goes
 * PUBLISH → PUBREC → PUBREL → PUBCOMP. */
static gint
mqtt_answer (gint type, gint qos)
{
  switch (type)
    {
    case 1: return 2;
    case 3: return qos == 1 ? 4 : qos == 2 ? 5 : 0;
    case 5: return 6;
    case 6: return 7;
    case 8: return 9;
    case 10: return 11;
    case 12: return 13;
    default: return 0;
    }
}

static void
pair (IotFlow *flow, GArray *pending, guint index, const FrameFacts *facts, guint *exchanges)
{
  IotFlowMessage *message = &g_array_index (flow->messages, IotFlowMessage, index);
  gint kind = facts->mqtt_type >= 0 ? facts->mqtt_type : facts->coap_type >= 2 ? 'C' : -1;
  gint64 id = facts->mqtt_type >= 0 ? facts->mqtt_id : facts->coap_mid;
  gint next;

  for (guint i = 0; kind >= 0 && i < pending->len; i++)
    {
      Pending *open = &g_array_index (pending, Pending, i);
      IotFlowMessage *request = &g_array_index (flow->messages, IotFlowMessage, open->message);

      /* MQTT answers without an id (CONNACK, PINGRESP) pair by type alone. */
      if (open->kind != kind || open->from == message->from || (open->id >= 0 && open->id != id))
        continue;
      message->answers = request->frame;
      message->latency_ns = message->ts_ns - request->ts_ns;
      if (request->exchange == 0)
        request->exchange = ++*exchanges;
      message->exchange = request->exchange;
      g_array_remove_index (pending, i);
      break;
    }
  next = facts->mqtt_type >= 0 ? mqtt_answer (facts->mqtt_type, facts->mqtt_qos) : facts->coap_type == 0 ? 'C' : 0;
  if (next != 0)
    {
      Pending open = { index, message->from, next, facts->mqtt_type == 1 || facts->mqtt_type == 12 ? -1 : id };

      /* The same request again before its answer is a retransmission: it
       * joins the first copy's exchange, whose time the latency counts from. */
      for (guint i = 0; i < pending->len; i++)
        {
          Pending *first = &g_array_index (pending, Pending, i);
          IotFlowMessage *request = &g_array_index (flow->messages, IotFlowMessage, first->message);

          if (first->kind != next || first->from != open.from || first->id != open.id || open.id < 0)
            continue;
          /* An answer keeps the exchange of the request it answers. */
          if (message->exchange == 0)
            {
              if (request->exchange == 0)
                request->exchange = ++*exchanges;
              message->exchange = request->exchange;
            }
          message->resent = TRUE;
          return;
        }
      g_array_append_val (pending, open);
    }
}

static void
label_message (IotFlowMessage *message, GString *label)
{
  message->label = message->resent ? g_strconcat (label->str, " (again)", NULL) : g_strdup (label->str);
}

static void
message_clear (gpointer data)
{
  IotFlowMessage *message = data;

  g_free (message->label);
  g_free (message->finding);
}

/* Building the flow as a scan listener on the conversation's frames. */
typedef struct {
  IotFlow     *flow;
  IotFile     *file;
  const Fields *f;
  gint         transport;
  guint64      stream;
  GArray      *pending;     /* Pending */
  guint        exchanges;
} FlowBuild;

static void
build_add_wanted_matched (gpointer data, IotFieldSet *wanted, IotDissectFlags *flags)
{
  *flags |= FLOW_FLAGS;
}

static void
build_frame (gpointer data, IotPacket *pkt)
{
  FlowBuild *build = data;
  IotFlow *flow = build->flow;
  guint32 number = iot_packet_frame_number (pkt);
  IotFlowMessage message = { 0 };
  FrameFacts facts;

  read_frame (&facts, build->f, pkt);
  if (facts.transport == build->transport && facts.stream == build->stream)
    {
      message.frame = number;
      message.ts_ns = iot_file_frame (build->file, number)->ts_ns;
      message.from = endpoint_index (flow, facts.src, facts.src_port);
      message.to = endpoint_index (flow, facts.dst, facts.dst_port);
      message.severity = facts.severity;
      message.finding = g_steal_pointer (&facts.finding);
      g_array_append_val (flow->messages, message);
      pair (flow, build->pending, flow->messages->len - 1, &facts, &build->exchanges);
      label_message (&g_array_index (flow->messages, IotFlowMessage, flow->messages->len - 1), facts.label);
    }
  facts_clear (&facts);
}

static const IotScanListener build_listener = {
  .add_wanted_matched = build_add_wanted_matched,
  .frame = build_frame,
};

IotFlow *
iot_flow_build (IotEngine *engine, guint32 frame, GCancellable *cancellable, GError **error)
{
  IotFile *file = iot_engine_file (engine);
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  g_autoptr (GArray) pending = g_array_new (FALSE, FALSE, sizeof (Pending));
  g_autoptr (IotScan) scan = iot_scan_new (engine);
  g_autoptr (IotFilter) in_stream = NULL;
  g_autofree char *filter_text = NULL;
  g_autoptr (GArray) frames = NULL;
  IotDissectOptions options = { 0 };
  FrameFacts facts;
  Fields f;
  FlowBuild build = { NULL };
  IotFlow *flow;

  fields_init (&f);
  options.flags = FLOW_FLAGS;
  iot_engine_dissect (engine, pkt, frame, &options);
  read_frame (&facts, &f, pkt);
  build.transport = facts.transport;
  build.stream = facts.stream;
  facts_clear (&facts);
  if (build.transport == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "frame %u belongs to no TCP or UDP conversation", frame);
      return NULL;
    }
  flow = g_new0 (IotFlow, 1);
  flow->title = g_strdup_printf ("%s stream %" G_GUINT64_FORMAT, build.transport == 't' ? "TCP" : "UDP", build.stream);
  flow->endpoints = g_ptr_array_new_with_free_func (g_free);
  flow->messages = g_array_new (FALSE, TRUE, sizeof (IotFlowMessage));
  g_array_set_clear_func (flow->messages, message_clear);

  /* The stream's frames and those quoting a packet in an ICMP error
   * (whose quoted stream counts here) when the first pass indexed them;
   * else every frame is dissected for its stream number only and the
   * conversation's frames again with the columns and the records above.
   * Either way the listener checks that the first stream number is ours. */
  frames = iot_engine_stream_frames (engine, build.transport == 't' ? IOT_TAP_LAYER_TCP : IOT_TAP_LAYER_UDP,
                                     (guint32) build.stream, TRUE);
  if (frames != NULL)
    iot_scan_set_frames (scan, (const guint32 *) frames->data, frames->len);
  else
    {
      filter_text = g_strdup_printf ("%s.stream == %" G_GUINT64_FORMAT, build.transport == 't' ? "tcp" : "udp",
                                     build.stream);
      in_stream = iot_filter_compile (filter_text, NULL);
      g_assert (in_stream != NULL);
    }
  build.flow = flow;
  build.file = file;
  build.f = &f;
  build.pending = pending;
  iot_scan_add_listener (scan, &build_listener, &build, in_stream);
  /* Cancelled, the messages so far are the flow. */
  iot_scan_run (scan, cancellable, NULL, NULL, NULL);
  return flow;
}

void
iot_flow_free (IotFlow *flow)
{
  if (flow == NULL)
    return;
  g_free (flow->title);
  g_ptr_array_unref (flow->endpoints);
  g_array_unref (flow->messages);
  g_free (flow);
}

const char *iot_flow_title (IotFlow *flow) { return flow->title; }
guint iot_flow_n_endpoints (IotFlow *flow) { return flow->endpoints->len; }
const char *iot_flow_endpoint (IotFlow *flow, guint index) { return g_ptr_array_index (flow->endpoints, index); }
guint iot_flow_n_messages (IotFlow *flow) { return flow->messages->len; }

const IotFlowMessage *
iot_flow_message (IotFlow *flow, guint index)
{
  g_return_val_if_fail (index < flow->messages->len, NULL);
  return &g_array_index (flow->messages, IotFlowMessage, index);
}
