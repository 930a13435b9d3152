/* mbtcp.c — Modbus/TCP framing (the MBAP header), built as a plugin.
 *
 * Modbus/TCP wraps each Modbus message in a 7-byte "MBAP" header:
 * transaction id, protocol id (0 = Modbus), length of what follows, unit id.
 * This plugin shows that header and hands the whole message on through the
 * hand-off table "mbtcp.prot_id" (key = the protocol id), where the separate
 * "modbus" plugin (modbus.c) is registered for key 0.
 *
 * Contract with the next layer: the view handed on starts at the MBAP
 * header (so the next layer can read the transaction and unit ids, which it
 * needs to match responses to requests); the Modbus PDU begins at offset 7.
 * The public API has no way to pass such facts along with the bytes.
 */
#include "iot-dissector.h"

#define MBTCP_PORT     502
#define MBAP_LEN       7          /* header bytes, the unit id included */
#define MBTCP_MIN_SEEN 8          /* header + function code: enough to tell */

enum {
  F_PROTO,
  F_TRANS_ID,
  F_PROT_ID,
  F_LEN,
  F_UNIT_ID,
  N_FIELDS
};

enum {
  E_CANNOT_CLASSIFY,
  N_EXPERTS
};

static IotField mbtcp_fields[N_FIELDS] = {
  [F_PROTO] = { "mbtcp", "Modbus/TCP", IOT_FT_PROTOCOL, .blurb =
    "Modbus/TCP framing: a short header in front of every Modbus message sent over TCP (usually to port 502)." },
  [F_TRANS_ID] = { "mbtcp.trans_id", "Transaction Identifier", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "A number the client picks for each request; the server copies it into its reply so the two can be paired." },
  [F_PROT_ID] = { "mbtcp.prot_id", "Protocol Identifier", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Which protocol the message carries; always 0 for Modbus." },
  [F_LEN] = { "mbtcp.len", "Length", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "How many bytes follow this field: the unit identifier plus the Modbus message itself." },
  [F_UNIT_ID] = { "mbtcp.unit_id", "Unit Identifier", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Which device behind the server is addressed, for gateways to serial Modbus lines; plain TCP devices often ignore it." },
};

static IotExpertInfo mbtcp_experts[N_EXPERTS] = {
  [E_CANNOT_CLASSIFY] = IOT_EXPERT_INFO ("mbtcp.cannot_classify", IOT_SEV_WARN, IOT_GROUP_PROTOCOL,
    "Cannot classify packet type. Try setting Modbus/TCP Port preference to this destination or source port",
    "Neither or both ports are the Modbus port (502), so the analyzer cannot tell a request from a reply."),
};

const int iot_plugin_api_version = IOT_PLUGIN_API_VERSION;

/* Requests go to port 502 and replies come from it; if both or neither
 * port is 502 we cannot tell (as tshark, whose Modbus port setting
 * defaults to 502 — a Decode As to another port does not change it). */
static const char *
packet_kind (IotPacket *pkt, gboolean *known)
{
  guint16 sport, dport;

  iot_packet_get_ports (pkt, &sport, &dport);
  *known = TRUE;
  if (sport == MBTCP_PORT && dport != MBTCP_PORT)
    return "Response";
  if (sport != MBTCP_PORT && dport == MBTCP_PORT)
    return "Query";
  *known = FALSE;
  return "unknown";
}

/* Function names, for the Info column only (the "modbus" plugin owns the
 * function code field). */
static const IotValueName function_names[] = {
  { 1, "Read Coils" },
  { 2, "Read Discrete Inputs" },
  { 3, "Read Holding Registers" },
  { 4, "Read Input Registers" },
  { 5, "Write Single Coil" },
  { 6, "Write Single Register" },
  { 7, "Read Exception Status" },
  { 8, "Diagnostics" },
  { 11, "Get Comm. Event Counters" },
  { 12, "Get Comm. Event Log" },
  { 15, "Write Multiple Coils" },
  { 16, "Write Multiple Registers" },
  { 17, "Report Slave ID" },
  { 20, "Read File Record" },
  { 21, "Write File Record" },
  { 22, "Mask Write Register" },
  { 23, "Read Write Register" },
  { 24, "Read FIFO Queue" },
  { 43, "Encapsulated Interface Transport" },
  { 90, "Unity (Schneider)" },
  IOT_VALUE_NAMES_END
};

static const IotValueName mei_names[] = {
  { 13, "CANopen Request/Response " },
  { 14, "Read Device Identification" },
  IOT_VALUE_NAMES_END
};

static const IotValueName diagnostic_names[] = {
  { 0, "Return Query Data" },
  { 1, "Restart Communications Option" },
  { 2, "Return Diagnostic Register" },
  { 3, "Change ASCII Input Delimiter" },
  { 4, "Force Listen Only Mode" },
  { 10, "Clear Counters and Diagnostic Register" },
  { 11, "Return Bus Message Count" },
  { 12, "Return Bus Communication Error Count" },
  { 13, "Return Bus Exception Error Count" },
  { 14, "Return Slave Message Count" },
  { 15, "Return Slave No Response Count" },
  { 16, "Return Slave NAK Count" },
  { 17, "Return Slave Busy Count" },
  { 18, "Return Bus Character Overrun Count" },
  { 20, "Clear Overrun Counter and Flag" },
  IOT_VALUE_NAMES_END
};

/* One line per message, in tshark's layout:
 * "   Query: Trans:     1; Unit:   1, Func:   3: Read Holding Registers".
 * Every byte it names is read even when nobody wants the columns, so that a
 * header cut by the snap length ends the layer before any field is added
 * (as in tshark, where these reads come first). */
static void
set_info (IotPacket *pkt, const IotBuf *adu, const char *kind, gboolean known)
{
  guint16 trans_id = iot_buf_u16 (adu, 0);
  guint8 unit_id = iot_buf_u8 (adu, 6), raw_code = iot_buf_u8 (adu, 7), code = raw_code & 0x7f;
  guint8 exception = (raw_code & 0x80) ? iot_buf_u8 (adu, 8) : 0;
  const char *func, *problem = known ? "" : "Unable to classify as query or response.";
  gboolean has_sub = FALSE;
  GString *info;

  if (code == 43 && exception == 0)
    {
      func = iot_value_name (mei_names, iot_buf_u8 (adu, 8));
      func = func ? func : "Encapsulated Interface Transport";
      has_sub = TRUE;
    }
  else if (code == 8 && exception == 0)
    {
      func = iot_value_name (diagnostic_names, iot_buf_u16 (adu, 8));
      func = func ? func : "Diagnostics";
      has_sub = TRUE;
    }
  else
    func = iot_value_name (function_names, code);
  if (!iot_packet_wants_columns (pkt))
    return;
  if (func == NULL)
    func = iot_packet_strdup_printf (pkt, "Unknown function (%u)", code);
  if (exception != 0)
    problem = "Exception returned ";

  info = g_string_new (NULL);
  g_string_append_printf (info, "%8s: Trans: %5u; Unit: %3u, Func: %3u", kind, trans_id, unit_id, code);
  /* tshark prints the flag "has a sub-function" (always 1), not its value. */
  if (has_sub)
    g_string_append_printf (info, "/%3u", 1u);
  g_string_append_printf (info, ": %s", func);
  if (problem[0] != '\0')
    g_string_append_printf (info, ". %s", problem);
  iot_col_set_info (pkt, info->str);
  g_string_free (info, TRUE);
}

/* Shows one complete (or snap-length-truncated) message of @adu_len bytes. */
static void
dissect_adu (IotPacket *pkt, IotBuf *buf, guint off, guint adu_len, int parent)
{
  IotBuf adu = iot_buf_sub (buf, off, (gint) adu_len);
  gboolean known;
  const char *kind = packet_kind (pkt, &known);
  int tree;

  iot_col_set_protocol (pkt, "Modbus/TCP");
  iot_col_clear_info (pkt);
  set_info (pkt, &adu, kind, known);

  tree = iot_tree_add_protocol (pkt, parent, &mbtcp_fields[F_PROTO], &adu, 0,
                                (gint) MIN (adu_len, adu.length));
  if (!known)
    iot_expert_add_info (pkt, tree, &mbtcp_experts[E_CANNOT_CLASSIFY], NULL);
  iot_tree_add_item (pkt, tree, &mbtcp_fields[F_TRANS_ID], &adu, 0, 2, FALSE);
  iot_tree_add_item (pkt, tree, &mbtcp_fields[F_PROT_ID], &adu, 2, 2, FALSE);
  iot_tree_add_item (pkt, tree, &mbtcp_fields[F_LEN], &adu, 4, 2, FALSE);
  iot_tree_add_item (pkt, tree, &mbtcp_fields[F_UNIT_ID], &adu, 6, 1, FALSE);

  /* The PDU: through our own table, keyed by the protocol id (0 = Modbus).
   * Without the modbus plugin, show the PDU as plain data. */
  if (iot_call_table (pkt, "mbtcp.prot_id", iot_buf_u16 (&adu, 2), &adu, -1) < 0)
    {
      IotBuf pdu = iot_buf_sub (&adu, MBAP_LEN, -1);

      iot_call_data (pkt, &pdu, -1);
    }
}

static int
dissect_mbtcp (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint off = 0;

  /* Too short to tell, or not Modbus: leave the bytes as they are.
   * (tshark hands such payload on as data; our hand-off cannot decline.) */
  if (!iot_buf_has (buf, 0, MBTCP_MIN_SEEN) || iot_buf_u16 (buf, 2) != 0 || iot_buf_u16 (buf, 4) < 2)
    return iot_call_data (pkt, buf, -1);

  /* A segment may hold several messages, and a message may continue in
   * the next segment. */
  while (off < buf->reported)
    {
      guint left = buf->reported - off, adu_len;

      if (left < 6)
        {
          iot_packet_request_more (pkt, buf, off, 6 - left);
          return (int) off;
        }
      /* A header cut by the snap length ends the layer here, as truncated. */
      adu_len = 6u + iot_buf_u16 (buf, off + 4);
      if (adu_len > left)
        {
          iot_packet_request_more (pkt, buf, off, adu_len - left);
          return (int) off;
        }
      /* Each message rewrites the Info column: the last one shows (as in tshark). */
      dissect_adu (pkt, buf, off, adu_len, parent);
      /* A message cut by the snap length was shown as far as it goes;
       * whatever follows it was not captured at all. */
      if (!iot_buf_has (buf, off, adu_len))
        return (int) buf->length;
      off += adu_len;
    }
  return (int) off;
}

IotDissector iot_plugin_dissector = {
  .name = "Modbus/TCP",
  .abbrev = "mbtcp",
  .long_name = "Modbus/TCP",
  .fields = mbtcp_fields,
  .n_fields = N_FIELDS,
  .experts = mbtcp_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_mbtcp,
  .handoff = { { "tcp.port", MBTCP_PORT } },
};
