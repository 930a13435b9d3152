/* dtls.c — Datagram TLS: TLS adapted to UDP, used by CoAP over DTLS
 * ("coaps", port 5684) and other constrained-device protocols.
 *
 * Records carry an epoch (0 while the handshake is in clear text, then
 * incremented at each Change Cipher Spec) and an explicit sequence number,
 * because datagrams can be lost or reordered.  Handshake messages carry a
 * message sequence number and fragment offset/length so that a message can
 * be split over datagrams; a server can also demand a cookie (Hello Verify
 * Request) before it keeps any state for a client.  The hello messages,
 * extensions and certificates are read by the TLS parser (tls-common.h).
 */
#include "iot-dissector.h"
#include "tls-common.h"

#include <string.h>

extern IotDissector iot_dissector_dtls;

enum {
  F_EPOCH = TF_N_COMMON,
  F_SEQUENCE,
  F_MESSAGE_SEQ,
  F_FRAGMENT_OFFSET,
  F_FRAGMENT_LENGTH,
  F_COOKIE_LENGTH,
  F_COOKIE,
  N_FIELDS
};

#define TLS_SID_LEN_TYPE IOT_FT_UINT8
#define DTLS_ENTRY(id, sfx, name, type, base, vals, blurb) \
  TLS_FIELD_ENTRY_PREFIX ("dtls", id, sfx, name, type, base, vals, blurb)

static IotField dtls_fields[N_FIELDS] = {
  [TF_PROTO] = { "dtls", "Datagram Transport Layer Security", IOT_FT_PROTOCOL, .blurb =
    "DTLS: TLS for datagrams (UDP), e.g. CoAP over DTLS on port 5684." },
  TLS_COMMON_FIELDS (DTLS_ENTRY)
  [F_EPOCH] = { "dtls.record.epoch", "Epoch", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Key generation of the record: 0 before the first Change Cipher Spec (plaintext), then 1, 2 …" },
  [F_SEQUENCE] = { "dtls.record.sequence_number", "Sequence Number", IOT_FT_UINT64, IOT_BASE_DEC, NULL, 0,
    "Number of the record within its epoch; lets the receiver drop replays and spot losses." },
  [F_MESSAGE_SEQ] = { "dtls.handshake.message_seq", "Message Sequence", IOT_FT_UINT16, IOT_BASE_DEC, NULL, 0,
    "Number of the handshake message, so that retransmitted or reordered ones are recognised." },
  [F_FRAGMENT_OFFSET] = { "dtls.handshake.fragment_offset", "Fragment Offset", IOT_FT_UINT24, IOT_BASE_DEC, NULL, 0,
    "Where in the whole handshake message this fragment's bytes belong." },
  [F_FRAGMENT_LENGTH] = { "dtls.handshake.fragment_length", "Fragment Length", IOT_FT_UINT24, IOT_BASE_DEC, NULL, 0,
    "Bytes of the handshake message carried in this fragment (equal to Length when not split)." },
  [F_COOKIE_LENGTH] = { "dtls.handshake.cookie_length", "Cookie Length", IOT_FT_UINT8, IOT_BASE_DEC, NULL, 0,
    "Length of the cookie; 0 in a client's first hello." },
  [F_COOKIE] = { "dtls.handshake.cookie", "Cookie", IOT_FT_BYTES, .blurb =
    "Value from the server's Hello Verify Request that the client echoes, proving its address is real." },
};

/* ---- per-capture state ------------------------------------------------------ */

typedef struct {
  guint16 version;
  guint16 cipher;
} DtlsConv;

static gpointer
dtls_state_new (void)
{
  return g_hash_table_new_full (iot_conv_key_hash, iot_conv_key_equal, g_free, g_free);
}

static void
dtls_state_free (gpointer p)
{
  g_hash_table_unref (p);
}

static DtlsConv *
find_conv (IotPacket *pkt, GHashTable *convs)
{
  IotConvKey key;
  DtlsConv *conv;

  iot_conv_key_from_packet (&key, pkt);
  conv = g_hash_table_lookup (convs, &key);
  if (conv == NULL && !iot_packet_first_pass (pkt))
    {
      /* Only the first pass adds conversations (the second may run on
       * several threads); a stray packet gets a blank one of its own. */
      conv = iot_packet_alloc (pkt, sizeof *conv);
      memset (conv, 0, sizeof *conv);
      return conv;
    }
  if (conv == NULL)
    {
      conv = g_new0 (DtlsConv, 1);
      g_hash_table_insert (convs, g_memdup2 (&key, sizeof key), conv);
    }
  return conv;
}

static gboolean
is_dtls_version (guint16 v)
{
  return v == 0xfeff || v == 0xfefd || v == 0xfefc || v == 0x0100;
}

/* ---- records --------------------------------------------------------------------- */

typedef struct {
  IotPacket  *pkt;
  DtlsConv   *conv;
  gboolean    first_pass;
  const char *app_proto;
} RecordCtx;

static void
dissect_hello_verify_request (IotPacket *pkt, TlsHsCtx *ctx, int tree, IotBuf *msg)
{
  guint64 n = 0;

  iot_tree_add_item (pkt, tree, &ctx->f[TF_HS_VERSION], msg, 0, 2, FALSE);
  iot_tree_add_item_ret_uint (pkt, tree, &dtls_fields[F_COOKIE_LENGTH], msg, 2, 1, FALSE, &n);
  if (n > 0)
    iot_tree_add_item (pkt, tree, &dtls_fields[F_COOKIE], msg, 3, (guint) n, FALSE);
}

static void
dissect_handshake_record (RecordCtx *rc, int rec, IotBuf *body, guint16 epoch, GString *what)
{
  IotPacket *pkt = rc->pkt;
  TlsHsCtx ctx = { 0 };
  guint off = 0;

  ctx.f = dtls_fields;
  ctx.dtls = TRUE;
  ctx.cipher = rc->conv->cipher;
  ctx.negotiated = rc->conv->version;
  ctx.cookie_len_field = &dtls_fields[F_COOKIE_LENGTH];
  ctx.cookie_field = &dtls_fields[F_COOKIE];
  if (epoch > 0)
    {
      int node = iot_tree_add_item (pkt, rec, &dtls_fields[TF_HS], body, 0, body->length, FALSE);

      iot_tree_set_label (pkt, node, "Handshake Protocol: Encrypted Handshake Message");
      iot_col_append_sep_info (pkt, ", ", "Encrypted Handshake Message");
      g_string_assign (what, "Encrypted Handshake Message");
      return;
    }
  while (off + 12 <= body->reported)
    {
      int hs = iot_tree_add_item (pkt, rec, &dtls_fields[TF_HS], body, off,
                                  iot_buf_remaining (body, off), FALSE);
      guint8 type = iot_buf_u8 (body, off);
      guint32 len = iot_buf_u24 (body, off + 1);
      guint32 frag_off = iot_buf_u24 (body, off + 6), frag_len = iot_buf_u24 (body, off + 9);
      const char *name;
      IotBuf msg;

      iot_tree_set_length (pkt, hs, MIN (12 + frag_len, iot_buf_remaining (body, off)));

      ctx.hello_retry = FALSE;
      iot_tree_add_item (pkt, hs, &dtls_fields[TF_HS_TYPE], body, off, 1, FALSE);
      iot_tree_add_item (pkt, hs, &dtls_fields[TF_HS_LENGTH], body, off + 1, 3, FALSE);
      iot_tree_add_item (pkt, hs, &dtls_fields[F_MESSAGE_SEQ], body, off + 4, 2, FALSE);
      iot_tree_add_item (pkt, hs, &dtls_fields[F_FRAGMENT_OFFSET], body, off + 6, 3, FALSE);
      iot_tree_add_item (pkt, hs, &dtls_fields[F_FRAGMENT_LENGTH], body, off + 9, 3, FALSE);
      name = tls_handshake_name (type, &ctx);
      iot_tree_set_label (pkt, hs, "Handshake Protocol: %s", name);
      iot_col_append_sep_info (pkt, ", ", "%s", name);
      g_string_assign (what, what->len ? "Multiple Handshake Messages" : name);
      if (frag_len > body->reported - off - 12)
        {
          iot_expert_add (pkt, hs, IOT_SEV_ERROR, IOT_GROUP_MALFORMED,
                          "Fragment length is larger than the record");
          return;
        }
      if (frag_off != 0 || frag_len != len)
        {
          /* Part of a message split over several records; not reassembled. */
          iot_tree_append_label (pkt, hs, " (fragment)");
          off += 12 + frag_len;
          continue;
        }
      msg = iot_buf_sub (body, off + 12, (gint) len);
      /* As in tshark, a session ticket cut short by the capture is not read. */
      if (type == 4)
        iot_buf_check (&msg, 0, len);
      if (type == 3)
        dissect_hello_verify_request (pkt, &ctx, hs, &msg);
      else
        tls_dissect_handshake_body (pkt, &ctx, hs, &msg, type);
      if (type == 2 && rc->first_pass)
        {
          if (ctx.negotiated)
            rc->conv->version = ctx.negotiated;
          rc->conv->cipher = ctx.chosen_cipher;
        }
      off += 12 + len;
    }
}

static void
dissect_alert_record (RecordCtx *rc, int rec, IotBuf *body, guint16 epoch, GString *what)
{
  IotPacket *pkt = rc->pkt;
  int node = iot_tree_add_item (pkt, rec, &dtls_fields[TF_ALERT], body, 0, body->length, FALSE);
  guint64 level = 0, desc = 0;
  const char *l, *d;

  if (epoch > 0 || body->reported != 2)
    {
      iot_tree_set_label (pkt, node, "Alert Message: Encrypted Alert");
      iot_col_append_sep_info (pkt, ", ", "Encrypted Alert");
      g_string_assign (what, "Encrypted Alert");
      return;
    }
  iot_tree_add_item_ret_uint (pkt, node, &dtls_fields[TF_ALERT_LEVEL], body, 0, 1, FALSE, &level);
  iot_tree_add_item_ret_uint (pkt, node, &dtls_fields[TF_ALERT_DESC], body, 1, 1, FALSE, &desc);
  l = iot_value_name (tls_alert_level_names, level);
  d = iot_value_name (tls_alert_desc_names, desc);
  iot_col_append_sep_info (pkt, ", ", "Alert (Level: %s, Description: %s)",
                           l ? l : "Unknown", d ? d : "Unknown");
  g_string_assign (what, "Alert");
}

static void
dissect_record (RecordCtx *rc, int tree, IotBuf *buf, guint off)
{
  IotPacket *pkt = rc->pkt;
  guint8 type = iot_buf_u8 (buf, off);
  guint16 version = iot_buf_u16 (buf, off + 1), epoch = iot_buf_u16 (buf, off + 3);
  guint16 len = iot_buf_u16 (buf, off + 11);
  const char *vname = tls_version_short_name (rc->conv->version ? rc->conv->version : version);
  const char *tname = iot_value_name (tls_content_type_names, type);
  g_autoptr (GString) what = g_string_new (NULL);
  guint64 seq = (guint64) iot_buf_u16 (buf, off + 5) << 32 | iot_buf_u32 (buf, off + 7);
  int rec;
  IotBuf body;

  /* Rows that span more than was captured are cut to what is there. */
  rec = iot_tree_add_item (pkt, tree, &dtls_fields[TF_RECORD], buf, off,
                           MIN (13u + len, iot_buf_remaining (buf, off)), FALSE);
  iot_tree_set_label (pkt, rec, "%s Record Layer: %s Protocol", vname ? vname : "DTLS",
                      tname ? tname : "Unknown");
  iot_tree_add_item (pkt, rec, &dtls_fields[TF_CONTENT_TYPE], buf, off, 1, FALSE);
  iot_tree_add_item (pkt, rec, &dtls_fields[TF_VERSION], buf, off + 1, 2, FALSE);
  iot_tree_add_item (pkt, rec, &dtls_fields[F_EPOCH], buf, off + 3, 2, FALSE);
  iot_tree_add_uint (pkt, rec, &dtls_fields[F_SEQUENCE], buf, off + 5, 6, seq);
  iot_tree_add_item (pkt, rec, &dtls_fields[TF_LENGTH], buf, off + 11, 2, FALSE);

  if (rc->first_pass && rc->conv->version == 0 && is_dtls_version (version)
      && !(type == 22 && iot_buf_has (buf, off + 13, 1) && iot_buf_u8 (buf, off + 13) == 1))
    rc->conv->version = version;

  body = iot_buf_sub (buf, off + 13, len);
  switch (type)
    {
    case 20:
      iot_tree_add_item (pkt, rec, &dtls_fields[TF_CCS], &body, 0, body.length, FALSE);
      iot_col_append_sep_info (pkt, ", ", "Change Cipher Spec");
      g_string_assign (what, "Change Cipher Spec");
      break;
    case 21:
      dissect_alert_record (rc, rec, &body, epoch, what);
      break;
    case 22:
      dissect_handshake_record (rc, rec, &body, epoch, what);
      break;
    case 23:
      iot_tree_add_item (pkt, rec, &dtls_fields[TF_APP_DATA], &body, 0, body.reported, FALSE);
      if (rc->app_proto)
        {
          int node = iot_tree_add_string (pkt, rec, &dtls_fields[TF_APP_DATA_PROTO], NULL, 0, 0,
                                          rc->app_proto, -1);

          iot_tree_set_generated (pkt, node);
        }
      iot_col_append_sep_info (pkt, ", ", "Application Data");
      g_string_assign (what, rc->app_proto ? rc->app_proto : "Application Data");
      break;
    case 24:
      iot_col_append_sep_info (pkt, ", ", "%s", epoch > 0 ? "Encrypted Heartbeat" : "Heartbeat Request");
      break;
    default:
      iot_col_append_sep_info (pkt, ", ", "Ignored Unknown Record");
      break;
    }
  if (what->len)
    iot_tree_append_label (pkt, rec, ": %s", what->str);
}

static int
dissect_dtls (IotPacket *pkt, IotBuf *buf, int parent)
{
  RecordCtx rc = { 0 };
  guint16 sport = 0, dport = 0, first_version;
  guint off = 0;
  int tree;

  rc.pkt = pkt;
  rc.first_pass = iot_packet_first_pass (pkt) && !iot_packet_in_error (pkt);
  rc.conv = find_conv (pkt, iot_packet_state (pkt, &iot_dissector_dtls));
  iot_packet_get_ports (pkt, &sport, &dport);
  rc.app_proto = tls_app_proto_name (TRUE, sport, dport);

  first_version = iot_buf_u16 (buf, 1);
  tree = iot_tree_add_protocol (pkt, parent, &dtls_fields[TF_PROTO], buf, 0, -1);
  iot_col_set_protocol (pkt, "DTLS");
  iot_col_clear_info (pkt);
  while (off + 13 <= buf->reported)
    {
      guint len = iot_buf_u16 (buf, off + 11);
      const char *v;

      if (off + 13 + len > buf->reported)
        {
          iot_expert_add (pkt, tree, IOT_SEV_ERROR, IOT_GROUP_MALFORMED,
                          "Record length %u runs past the end of the datagram", len);
          iot_malformed (pkt, "DTLS record longer than the datagram");
        }
      dissect_record (&rc, tree, buf, off);
      off += 13 + len;
      v = tls_version_short_name (rc.conv->version ? rc.conv->version : first_version);
      iot_col_set_protocol (pkt, v ? v : "DTLS");
    }
  return buf->length;
}

IotDissector iot_dissector_dtls = {
  .name = "DTLS",
  .abbrev = "dtls",
  .long_name = "Datagram Transport Layer Security",
  .fields = dtls_fields,
  .n_fields = N_FIELDS,
  .dissect = dissect_dtls,
  .handoff = { { "udp.port", 5684 }, { "udp.port", 853 }, { "udp.port", 2221 }, { "udp.port", 5868 } },
  .state_new = dtls_state_new,
  .state_free = dtls_state_free,
};
