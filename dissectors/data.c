/* data.c — bytes no dissector claimed. */
#include "iot-dissector.h"

enum {
  F_PROTO,
  F_DATA,
  F_LEN,
  N_FIELDS
};

static IotField data_fields[N_FIELDS] = {
  [F_PROTO] = { "data", "Data", IOT_FT_PROTOCOL, .blurb =
    "Bytes no decoder recognised: shown raw, as hexadecimal." },
  [F_DATA] = { "data.data", "Data", IOT_FT_BYTES, .blurb =
    "The undecoded bytes themselves." },
  [F_LEN] = { "data.len", "Length", IOT_FT_INT32, IOT_BASE_DEC, NULL, 0,
    "How many undecoded bytes there are." },
};

static int
dissect_data (IotPacket *pkt, IotBuf *buf, int parent)
{
  guint len = buf->length;
  int tree = iot_tree_add_protocol (pkt, parent, &data_fields[F_PROTO], buf, 0, -1);

  iot_tree_set_label (pkt, tree, "Data (%u byte%s)", buf->reported, buf->reported == 1 ? "" : "s");
  iot_tree_add_item (pkt, tree, &data_fields[F_DATA], buf, 0, len, FALSE);
  iot_tree_set_generated (pkt, iot_tree_add_int (pkt, tree, &data_fields[F_LEN], buf, 0, 0, buf->reported));
  if (buf->reported > buf->length)
    iot_buf_check (buf, 0, buf->reported);
  return buf->reported;
}

IotDissector iot_dissector_data = {
  .name = "Data",
  .abbrev = "data",
  .long_name = "Data",
  .fields = data_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_data,
};
