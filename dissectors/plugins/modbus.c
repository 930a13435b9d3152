/* modbus.c — the Modbus application protocol (the PDU inside Modbus/TCP),
 * built as a plugin.
 *
 * The "mbtcp" plugin hands every message through its table "mbtcp.prot_id"
 * (key 0 = Modbus).  The view starts at the 7-byte MBAP header, which mbtcp
 * has already shown; we read the transaction and unit ids from it to pair
 * each reply with its request, and decode the PDU that follows.
 *
 * A Modbus PDU is a function code (what to do: read coils, write a
 * register …) and its arguments.  A reply repeats the function code; if the
 * server refuses, it sets the top bit of the code and sends an exception
 * code instead.
 */
#include "iot-dissector.h"

#include <string.h>

#define MBTCP_PORT 502
#define MBAP_LEN   7

enum {
  F_PROTO,
  F_REQUEST_FRAME,
  F_RESPONSE_TIME,
  F_FUNC_CODE,
  F_REFERENCE_NUM,
  F_PADDING,
  F_READ_REFERENCE_NUM,
  F_WRITE_REFERENCE_NUM,
  F_WORD_CNT,
  F_READ_WORD_CNT,
  F_WRITE_WORD_CNT,
  F_BIT_CNT,
  F_BYTE_CNT,
  F_BYTE_CNT_16,
  F_EXCEPTION_CODE,
  F_AND_MASK,
  F_OR_MASK,
  F_DATA,
  F_BITNUM,
  F_BITVAL,
  F_REGNUM16,
  F_REGVAL_UINT16,
  N_FIELDS
};

enum {
  FC_READ_COILS = 1,
  FC_READ_DISCRETE_INPUTS = 2,
  FC_READ_HOLDING_REGS = 3,
  FC_READ_INPUT_REGS = 4,
  FC_WRITE_SINGLE_COIL = 5,
  FC_WRITE_SINGLE_REG = 6,
  FC_READ_EXCEPT_STAT = 7,
  FC_WRITE_MULT_COILS = 15,
  FC_WRITE_MULT_REGS = 16,
  FC_MASK_WRITE_REG = 22,
  FC_READ_WRITE_REG = 23,
  FC_READ_FIFO_QUEUE = 24,
};

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

static const IotValueName exception_names[] = {
  { 1, "Illegal function" },
  { 2, "Illegal data address" },
  { 3, "Illegal data value" },
  { 4, "Slave device failure" },
  { 5, "Acknowledge" },
  { 6, "Slave device busy" },
  { 8, "Memory parity error" },
  { 10, "Gateway path unavailable" },
  { 11, "Gateway target device failed to respond" },
  IOT_VALUE_NAMES_END
};

static IotField modbus_fields[N_FIELDS] = {
  [F_PROTO] = { "modbus", "Modbus", IOT_FT_PROTOCOL, .blurb =
    "A Modbus message: a function code saying what to do (read or write coils or registers) and its arguments." },
  [F_REQUEST_FRAME] = { "modbus.request_frame", "Request Frame", IOT_FT_FRAMENUM, IOT_BASE_NONE, NULL, 0,
    "The frame holding the request this reply answers (same transaction id, unit and function)." },
  [F_RESPONSE_TIME] = { "modbus.response_time", "Time from request", IOT_FT_RELATIVE_TIME, IOT_BASE_NONE, NULL, 0,
    "How long the device took to answer: the time between the request and this reply." },
  [F_FUNC_CODE] = { "modbus.func_code", "Function Code", IOT_FT_UINT8, IOT_BASE_DEC, function_names, 0x7f,
    "What the client asks for (read coils, write a register …); a reply repeats it, with the top bit set on an error." },
  [F_REFERENCE_NUM] = { "modbus.reference_num", "Reference Number", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "The address of the first coil or register the request is about, counted from 0." },
  [F_PADDING] = { "modbus.padding", "Padding", IOT_FT_UINT8, IOT_BASE_HEX, NULL, 0,
    "The second byte of a single-coil value, which is always 0x00 (the first is 0xff for on, 0x00 for off)." },
  [F_READ_REFERENCE_NUM] = { "modbus.read_reference_num", "Read Reference Number", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "In a combined read/write request: the first register to read back." },
  [F_WRITE_REFERENCE_NUM] = { "modbus.write_reference_num", "Write Reference Number", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "In a combined read/write request: the first register to write." },
  [F_WORD_CNT] = { "modbus.word_cnt", "Word Count", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "How many 16-bit registers are read or written." },
  [F_READ_WORD_CNT] = { "modbus.read_word_cnt", "Read Word Count", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "In a combined read/write request: how many registers to read back." },
  [F_WRITE_WORD_CNT] = { "modbus.write_word_cnt", "Write Word Count", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "In a combined read/write request: how many registers to write." },
  [F_BIT_CNT] = { "modbus.bit_cnt", "Bit Count", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "How many coils or discrete inputs (one bit each) are read or written." },
  [F_BYTE_CNT] = { "modbus.byte_cnt", "Byte Count", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "How many data bytes follow." },
  [F_BYTE_CNT_16] = { "modbus.byte_cnt_16", "Byte Count (16-bit)", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "How many data bytes follow, as a two-byte number (reading a FIFO queue)." },
  [F_EXCEPTION_CODE] = { "modbus.exception_code", "Exception Code", IOT_FT_UINT8, IOT_BASE_DEC, exception_names, 0,
    "Why the device refused the request: 1 unknown function, 2 address out of range, 3 bad value, 4 device failure …" },
  [F_AND_MASK] = { "modbus.and_mask", "AND mask", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Mask-write: the bits of the register to keep (1) or clear (0) before the OR mask is applied." },
  [F_OR_MASK] = { "modbus.or_mask", "OR mask", IOT_FT_UINT16, IOT_BASE_HEX, NULL, 0,
    "Mask-write: the bits to set in the register among those the AND mask cleared." },
  [F_DATA] = { "modbus.data", "Data", IOT_FT_BYTES, .blurb =
    "Values carried by the message that are shown as raw bytes (written values, packed coils …)." },
  [F_BITNUM] = { "modbus.bitnum", "Bit Number", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "The address of this coil or discrete input: the request's first address plus its position in the reply." },
  [F_BITVAL] = { "modbus.bitval", "Bit Value", IOT_FT_BOOLEAN, IOT_BASE_NONE, NULL, 0x1,
    "Whether this coil or input is on (True) or off (False).", "True", "False", 8 },
  [F_REGNUM16] = { "modbus.regnum16", "Register Number", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "The address of this register: the request's first address plus its position in the list." },
  [F_REGVAL_UINT16] = { "modbus.regval_uint16", "Register Value (UINT16)", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "The 16-bit value of this register, read as an unsigned number (0 to 65535)." },
};

IotDissector iot_plugin_dissector;

const int iot_plugin_api_version = IOT_PLUGIN_API_VERSION;

/* ---- pairing replies with requests ----------------------------------------- */

/* A TCP connection, the same whichever way a packet goes. */
typedef struct {
  IotAddress addr[2];
  guint16    port[2];
} ConvKey;

typedef struct {
  guint32 frame;
  gint64  time_ns;
  guint16 trans_id;
  guint8  unit_id;
  guint8  function;
  guint16 reg_base;
  guint16 num_reg;
} Request;

/* What the first pass learnt about one message, for later passes. */
typedef struct {
  gboolean request_found;
  guint32  req_frame;
  gint64   req_time_ns;
  guint16  reg_base;
  guint16  num_reg;
} Fact;

typedef struct {
  GHashTable *requests;   /* ConvKey* -> GPtrArray of Request*, oldest first */
  GHashTable *facts;      /* guint64* (frame, unit, transaction) -> Fact* */
} ModbusState;

static guint
conv_hash (gconstpointer p)
{
  const guint8 *bytes = p;
  guint h = 5381;

  for (gsize i = 0; i < sizeof (ConvKey); i++)
    h = h * 33 + bytes[i];
  return h;
}

static gboolean
conv_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, sizeof (ConvKey)) == 0;
}

static gpointer
modbus_state_new (void)
{
  ModbusState *st = g_new0 (ModbusState, 1);

  st->requests = g_hash_table_new_full (conv_hash, conv_equal, g_free,
                                        (GDestroyNotify) g_ptr_array_unref);
  st->facts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  return st;
}

static void
modbus_state_free (gpointer p)
{
  ModbusState *st = p;

  g_hash_table_unref (st->requests);
  g_hash_table_unref (st->facts);
  g_free (st);
}

static void
conv_key_init (IotPacket *pkt, ConvKey *key)
{
  const IotAddress *src = iot_packet_net_src (pkt), *dst = iot_packet_net_dst (pkt);
  IotAddress a = { 0 }, b = { 0 };
  guint16 sport, dport;
  int order;

  memset (key, 0, sizeof (*key));
  iot_packet_get_ports (pkt, &sport, &dport);
  if (src != NULL)
    a = *src;
  if (dst != NULL)
    b = *dst;
  /* Put the smaller endpoint first so both directions share one key. */
  order = memcmp (&a, &b, sizeof a);
  if (order < 0 || (order == 0 && sport <= dport))
    {
      key->addr[0] = a;
      key->port[0] = sport;
      key->addr[1] = b;
      key->port[1] = dport;
    }
  else
    {
      key->addr[0] = b;
      key->port[0] = dport;
      key->addr[1] = a;
      key->port[1] = sport;
    }
}

static guint64
fact_key (IotPacket *pkt, guint16 trans_id, guint8 unit_id)
{
  return (guint64) iot_packet_frame_number (pkt) << 32 | (guint32) unit_id << 16 | trans_id;
}

/* First pass: remember requests; find the request a reply answers (the
 * latest earlier one on the connection with the same transaction id, unit
 * and function code) and keep what we found for later passes. */
static Fact *
first_pass (IotPacket *pkt, ModbusState *st, const IotBuf *pdu, gboolean query,
            guint16 trans_id, guint8 unit_id, guint8 function)
{
  ConvKey key;
  GPtrArray *list;
  Fact *fact = g_new0 (Fact, 1);
  guint64 *fkey = g_new (guint64, 1);

  conv_key_init (pkt, &key);
  list = g_hash_table_lookup (st->requests, &key);
  if (list == NULL)
    {
      list = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (st->requests, g_memdup2 (&key, sizeof key), list);
    }
  if (query)
    {
      Request *req = g_new0 (Request, 1);

      req->frame = iot_packet_frame_number (pkt);
      req->time_ns = iot_packet_time_ns (pkt);
      req->trans_id = trans_id;
      req->unit_id = unit_id;
      req->function = function;
      /* Every request is taken to start with an address and a count. */
      if (iot_buf_has (pdu, 0, 3))
        fact->reg_base = req->reg_base = iot_buf_u16 (pdu, 1);
      if (iot_buf_has (pdu, 0, 5))
        fact->num_reg = req->num_reg = iot_buf_u16 (pdu, 3);
      g_ptr_array_add (list, req);
    }
  else
    {
      guint32 frame = iot_packet_frame_number (pkt);

      for (guint i = list->len; i-- > 0;)
        {
          const Request *req = g_ptr_array_index (list, i);

          if (frame > req->frame && req->function == function
              && req->trans_id == trans_id && req->unit_id == unit_id)
            {
              fact->request_found = TRUE;
              fact->req_frame = req->frame;
              fact->req_time_ns = req->time_ns;
              fact->reg_base = req->reg_base;
              fact->num_reg = req->num_reg;
              break;
            }
        }
    }
  *fkey = fact_key (pkt, trans_id, unit_id);
  g_hash_table_replace (st->facts, fkey, fact);
  return fact;
}

/* ---- data ------------------------------------------------------------------ */

static void
add_bits (IotPacket *pkt, int tree, const IotBuf *data, guint len, guint16 reg_base, guint16 num_reg)
{
  guint16 reg_num = reg_base;

  for (guint off = 0; off < len; off++)
    {
      guint8 byte = iot_buf_u8 (data, off);

      for (guint bit = 0; bit < 8; bit++)
        {
          gboolean on = (byte >> bit) & 1;
          int row = iot_tree_add_text (pkt, tree, data, off, 1, "Bit %u : %u", reg_num, on);
          int node = iot_tree_add_uint (pkt, row, &modbus_fields[F_BITNUM], data, off, 1, reg_num);

          iot_tree_set_generated (pkt, node);
          node = iot_tree_add_boolean (pkt, row, &modbus_fields[F_BITVAL], data, off, 1, on);
          reg_num++;
          /* Stop once every requested bit is shown (the rest is filler). */
          if ((int) reg_num - (int) reg_base >= (int) num_reg)
            break;
        }
    }
}

static void
add_registers (IotPacket *pkt, int tree, const IotBuf *data, guint len, guint16 reg_base)
{
  guint16 reg_num = reg_base;

  for (guint off = 0; off < len; off += 2)
    {
      guint16 value = iot_buf_u16 (data, off);
      int row = iot_tree_add_text (pkt, tree, data, off, 2, "Register %u (UINT16): %u", reg_num, value);

      iot_tree_add_uint (pkt, row, &modbus_fields[F_REGNUM16], data, off, 2, reg_num);
      iot_tree_add_uint (pkt, row, &modbus_fields[F_REGVAL_UINT16], data, off, 2, value);
      reg_num++;
    }
}

/* The values a message carries, from @start: @len bytes by the message's
 * own count.  When that count disagrees with what is really left, show
 * what is left as raw bytes rather than guess. */
static void
add_data (IotPacket *pkt, int tree, const IotBuf *pdu, guint8 function, guint start, guint len,
          guint16 reg_base, guint16 num_reg)
{
  IotBuf data;
  guint left;

  if (start + len == 0 || start > pdu->reported)
    return;
  left = pdu->reported - start;
  /* Values cut off by the snap length end the layer before any is shown
   * (tshark does the same), even when nobody asked for the fields. */
  iot_buf_check (pdu, start, left);
  if (len != left)
    {
      iot_tree_add_item (pkt, tree, &modbus_fields[F_DATA], pdu, start, left, FALSE);
      return;
    }
  data = iot_buf_sub (pdu, start, (gint) len);
  switch (function)
    {
    case FC_READ_COILS:
    case FC_READ_DISCRETE_INPUTS:
      add_bits (pkt, tree, &data, len, reg_base, num_reg);
      break;
    case FC_READ_HOLDING_REGS:
    case FC_READ_INPUT_REGS:
    case FC_WRITE_MULT_REGS:
      add_registers (pkt, tree, &data, len, reg_base);
      break;
    default:
      iot_tree_add_item (pkt, tree, &modbus_fields[F_DATA], pdu, start, len, FALSE);
      break;
    }
}

static void
add_field (IotPacket *pkt, int tree, int field, const IotBuf *pdu, guint off, guint len)
{
  /* Read even when the field is not wanted, so a message cut by the snap
   * length is always reported as such. */
  iot_buf_check (pdu, off, len);
  iot_tree_add_item (pkt, tree, &modbus_fields[field], pdu, off, len, FALSE);
}

/* ---- requests and replies ---------------------------------------------- */

/* The PDU's arguments start at offset 1, after the function code. */
static void
dissect_request (IotPacket *pkt, int tree, const IotBuf *pdu, guint8 function)
{
  guint len = iot_buf_remaining (pdu, 1);   /* captured, as tshark counts it */
  guint8 count;

  switch (function)
    {
    case FC_READ_COILS:
    case FC_READ_DISCRETE_INPUTS:
      add_field (pkt, tree, F_REFERENCE_NUM, pdu, 1, 2);
      add_field (pkt, tree, F_BIT_CNT, pdu, 3, 2);
      break;
    case FC_READ_HOLDING_REGS:
    case FC_READ_INPUT_REGS:
      add_field (pkt, tree, F_REFERENCE_NUM, pdu, 1, 2);
      add_field (pkt, tree, F_WORD_CNT, pdu, 3, 2);
      break;
    case FC_WRITE_SINGLE_COIL:
      add_field (pkt, tree, F_REFERENCE_NUM, pdu, 1, 2);
      add_data (pkt, tree, pdu, function, 3, 1, 0, 0);
      add_field (pkt, tree, F_PADDING, pdu, 4, 1);
      break;
    case FC_WRITE_SINGLE_REG:
      add_field (pkt, tree, F_REFERENCE_NUM, pdu, 1, 2);
      add_data (pkt, tree, pdu, function, 3, 2, 0, 0);
      break;
    case FC_READ_EXCEPT_STAT:
      break;
    case FC_WRITE_MULT_COILS:
    case FC_WRITE_MULT_REGS:
      add_field (pkt, tree, F_REFERENCE_NUM, pdu, 1, 2);
      add_field (pkt, tree, function == FC_WRITE_MULT_COILS ? F_BIT_CNT : F_WORD_CNT, pdu, 3, 2);
      count = iot_buf_u8 (pdu, 5);
      add_field (pkt, tree, F_BYTE_CNT, pdu, 5, 1);
      /* Only register writes are numbered from the reference. */
      add_data (pkt, tree, pdu, function, 6, count,
                function == FC_WRITE_MULT_REGS ? iot_buf_u16 (pdu, 1) : 0, 0);
      break;
    case FC_MASK_WRITE_REG:
      add_field (pkt, tree, F_REFERENCE_NUM, pdu, 1, 2);
      add_field (pkt, tree, F_AND_MASK, pdu, 3, 2);
      add_field (pkt, tree, F_OR_MASK, pdu, 5, 2);
      break;
    case FC_READ_WRITE_REG:
      add_field (pkt, tree, F_READ_REFERENCE_NUM, pdu, 1, 2);
      add_field (pkt, tree, F_READ_WORD_CNT, pdu, 3, 2);
      add_field (pkt, tree, F_WRITE_REFERENCE_NUM, pdu, 5, 2);
      add_field (pkt, tree, F_WRITE_WORD_CNT, pdu, 7, 2);
      count = iot_buf_u8 (pdu, 9);
      add_field (pkt, tree, F_BYTE_CNT, pdu, 9, 1);
      add_data (pkt, tree, pdu, function, 10, count, 0, 0);
      break;
    case FC_READ_FIFO_QUEUE:
      add_field (pkt, tree, F_REFERENCE_NUM, pdu, 1, 2);
      break;
    default:
      if (len > 0)
        add_data (pkt, tree, pdu, function, 1, len, 0, 0);
      break;
    }
}

static void
dissect_response (IotPacket *pkt, int tree, const IotBuf *pdu, guint8 function, const Fact *fact)
{
  guint len = iot_buf_remaining (pdu, 1);   /* captured, as tshark counts it */
  guint16 num_reg = fact->num_reg;
  guint count;
  int node;

  if (fact->request_found)
    {
      node = iot_tree_add_uint (pkt, tree, &modbus_fields[F_REQUEST_FRAME], pdu, 0, 0, fact->req_frame);
      iot_tree_set_generated (pkt, node);
      node = iot_tree_add_time (pkt, tree, &modbus_fields[F_RESPONSE_TIME], pdu, 0, 0,
                                iot_packet_time_ns (pkt) - fact->req_time_ns);
      iot_tree_set_generated (pkt, node);
    }

  switch (function)
    {
    case FC_READ_COILS:
    case FC_READ_DISCRETE_INPUTS:
      count = iot_buf_u8 (pdu, 1);
      add_field (pkt, tree, F_BYTE_CNT, pdu, 1, 1);
      /* Without the request, assume every bit of every byte counts. */
      if (!fact->request_found)
        num_reg = (guint16) (count * 8);
      add_data (pkt, tree, pdu, function, 2, count, fact->reg_base, num_reg);
      break;
    case FC_READ_HOLDING_REGS:
    case FC_READ_INPUT_REGS:
    case FC_READ_WRITE_REG:
      count = iot_buf_u8 (pdu, 1);
      add_field (pkt, tree, F_BYTE_CNT, pdu, 1, 1);
      add_data (pkt, tree, pdu, function, 2, count, fact->reg_base, 0);
      break;
    case FC_WRITE_SINGLE_COIL:
      add_field (pkt, tree, F_REFERENCE_NUM, pdu, 1, 2);
      add_data (pkt, tree, pdu, function, 3, 1, fact->reg_base, 0);
      add_field (pkt, tree, F_PADDING, pdu, 4, 1);
      break;
    case FC_WRITE_SINGLE_REG:
      add_field (pkt, tree, F_REFERENCE_NUM, pdu, 1, 2);
      add_data (pkt, tree, pdu, function, 3, 2, fact->reg_base, 0);
      break;
    case FC_READ_EXCEPT_STAT:
      add_data (pkt, tree, pdu, function, 1, 1, fact->reg_base, 0);
      break;
    case FC_WRITE_MULT_COILS:
      add_field (pkt, tree, F_REFERENCE_NUM, pdu, 1, 2);
      add_field (pkt, tree, F_BIT_CNT, pdu, 3, 2);
      break;
    case FC_WRITE_MULT_REGS:
      add_field (pkt, tree, F_REFERENCE_NUM, pdu, 1, 2);
      add_field (pkt, tree, F_WORD_CNT, pdu, 3, 2);
      break;
    case FC_MASK_WRITE_REG:
      add_field (pkt, tree, F_REFERENCE_NUM, pdu, 1, 2);
      add_field (pkt, tree, F_AND_MASK, pdu, 3, 2);
      add_field (pkt, tree, F_OR_MASK, pdu, 5, 2);
      break;
    case FC_READ_FIFO_QUEUE:
      count = iot_buf_u16 (pdu, 1);
      iot_tree_add_uint (pkt, tree, &modbus_fields[F_BYTE_CNT_16], pdu, 1, 2, count);
      add_field (pkt, tree, F_WORD_CNT, pdu, 3, 2);
      if (count >= 2)
        add_data (pkt, tree, pdu, function, 5, count - 2, fact->reg_base, 0);
      break;
    default:
      if (len > 0)
        add_data (pkt, tree, pdu, function, 1, len, fact->reg_base, 0);
      break;
    }
}

static int
dissect_modbus (IotPacket *pkt, IotBuf *adu, int parent)
{
  ModbusState *st = iot_packet_state (pkt, &iot_plugin_dissector);
  guint16 trans_id = iot_buf_u16 (adu, 0), sport, dport;
  guint8 unit_id = iot_buf_u8 (adu, 6), raw_code, function, exception = 0;
  IotBuf pdu = iot_buf_sub (adu, MBAP_LEN, -1);
  gboolean query, response;
  Fact none = { 0 };
  const Fact *fact = &none;
  int tree;

  /* Same rule as mbtcp: requests go to port 502, replies come from it. */
  iot_packet_get_ports (pkt, &sport, &dport);
  query = sport != MBTCP_PORT && dport == MBTCP_PORT;
  response = sport == MBTCP_PORT && dport != MBTCP_PORT;

  tree = iot_tree_add_protocol (pkt, parent, &modbus_fields[F_PROTO], &pdu, 0, (gint) pdu.length);
  raw_code = iot_buf_u8 (&pdu, 0);
  function = raw_code & 0x7f;
  add_field (pkt, tree, F_FUNC_CODE, &pdu, 0, 1);

  if (query || response)
    {
      if (iot_packet_first_pass (pkt))
        fact = first_pass (pkt, st, &pdu, query, trans_id, unit_id, function);
      else
        {
          guint64 key = fact_key (pkt, trans_id, unit_id);
          const Fact *found = g_hash_table_lookup (st->facts, &key);

          if (found != NULL)
            fact = found;
        }
    }

  /* An exception reply: top bit of the function code set, then a non-zero
   * exception code. */
  if (raw_code & 0x80)
    exception = iot_buf_u8 (&pdu, 1);
  if (exception != 0)
    {
      const char *fname = iot_value_name (function_names, function);
      const char *ename = iot_value_name (exception_names, exception);

      iot_tree_set_label (pkt, tree, "Function %u:  %s.  Exception: %s", function,
                          fname ? fname : "Unknown Function",
                          ename ? ename : iot_packet_strdup_printf (pkt, "Unknown Exception Code (%u)", exception));
      iot_tree_add_uint (pkt, tree, &modbus_fields[F_EXCEPTION_CODE], &pdu, 1, 1, exception);
    }
  else if (query)
    dissect_request (pkt, tree, &pdu, function);
  else if (response)
    dissect_response (pkt, tree, &pdu, function, fact);
  return (int) adu->length;
}

IotDissector iot_plugin_dissector = {
  .name = "Modbus",
  .abbrev = "modbus",
  .long_name = "Modbus",
  .fields = modbus_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_modbus,
  .handoff = { { "mbtcp.prot_id", 0 } },
  .state_new = modbus_state_new,
  .state_free = modbus_state_free,
};
