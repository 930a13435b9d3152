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
#include "tls-crypto.h"

#include <gcrypt.h>

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
  F_FRAGMENTS,
  F_FRAGMENT,
  F_FRAGMENT_COUNT,
  F_REASSEMBLED_LENGTH,
  N_FIELDS
};

#define TLS_SID_LEN_TYPE IOT_FT_UINT8
#define DTLS_ENTRY(id, sfx, name, type, base, vals, blurb) \
  TLS_FIELD_ENTRY_PREFIX ("dtls", id, sfx, name, type, base, vals, blurb)

enum {
  E_FRAGMENT_TOO_LONG,
  E_BAD_MAC,
  E_NOT_DECRYPTED,
  E_RECORD_LENGTH,
  N_EXPERTS
};

static IotExpertInfo dtls_experts[N_EXPERTS] = {
  [E_FRAGMENT_TOO_LONG] = IOT_EXPERT_INFO ("dtls.handshake.fragment_length.record", IOT_SEV_ERROR, IOT_GROUP_MALFORMED, "Fragment length is larger than the record",
                              "A handshake fragment claims more bytes than its record holds."),
  [E_BAD_MAC] = IOT_EXPERT_INFO ("dtls.decryption_failed", IOT_SEV_WARN, IOT_GROUP_SECURITY, "Decryption failed (bad record MAC)",
                              "The secret given for this session does not open its records: the authentication tag does not match, so the key is wrong (or the bytes were damaged)."),
  [E_NOT_DECRYPTED] = IOT_EXPERT_INFO ("dtls.not_decrypted", IOT_SEV_NOTE, IOT_GROUP_SECURITY, "Not decrypted",
                              "The record is encrypted and no secret given opens this session; the reason names what is missing."),
  [E_RECORD_LENGTH] = IOT_EXPERT_INFO ("dtls.record.length.overrun", IOT_SEV_ERROR, IOT_GROUP_MALFORMED, "Record length runs past the end of the datagram",
                              "A DTLS record must fit in its UDP datagram; this length says more bytes than the datagram holds."),
};

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
  [F_FRAGMENTS] = { "dtls.fragments", "Message fragments", IOT_FT_NONE, .blurb =
    "A handshake message too long for one datagram, rebuilt from its fragments (RFC 6347 4.2.3)." },
  [F_FRAGMENT] = { "dtls.fragment", "Message fragment", IOT_FT_FRAMENUM, .blurb =
    "A frame holding one fragment of the rebuilt handshake message." },
  [F_FRAGMENT_COUNT] = { "dtls.fragment.count", "Message fragment count", IOT_FT_UINT32, IOT_BASE_DEC, NULL, 0,
    "How many fragments the handshake message was rebuilt from." },
  [F_REASSEMBLED_LENGTH] = { "dtls.reassembled.length", "Reassembled DTLS length", IOT_FT_UINT32, IOT_BASE_DEC,
    NULL, 0, "Bytes of the rebuilt handshake message body." },
};

/* ---- per-capture state ------------------------------------------------------ */

typedef struct {
  guint16 version;
  guint16 cipher;
  /* First pass, for decryption (DTLS 1.2). */
  guint8      random[2][32];       /* client's, server's */
  guint8      have_random;         /* bit 0: client's, bit 1: server's */
  guint8      client_dir;          /* direction of the Client Hello + 1 */
  gboolean    ems;                 /* extended master secret (RFC 7627) */
  gboolean    have_master;
  guint8      master[48];
  const char *no_master;           /* why there is no master secret */
  IotSecretKind kind;              /* which secret gave it */
  GByteArray *transcript;          /* handshake messages for the session hash */
  guint64     seen_seq[2];         /* message_seq values already in the transcript */
  TlsDecoder *dec[2];
  const char *no_keys[2];
  gboolean    reported[2];
  gboolean    announced[2];        /* the first decrypted record said which secret opened it */
  gboolean    alpn_coap;           /* the server selected "coap" by ALPN */
} DtlsConv;

/* The longest handshake message rebuilt from fragments (a certificate
 * chain of a few certificates). */
#define MAX_MESSAGE (64 * 1024)

/* What the first pass found for one protected record. */
typedef struct {
  gboolean    ok;
  gboolean    first;              /* the first failing record of its direction */
  gboolean    announce;           /* the first decrypted record of its direction */
  IotSecretKind kind;             /* the secret that decrypted it */
  const char *reason;             /* no keys: why */
  guint8      inner_type;
  guint32     len;
  guint8      data[];
} DtlsPlain;

/* A handshake message sent in fragments (RFC 6347 4.2.3), rebuilt by the
 * first pass.  Handshake messages are small: their bytes are kept. */
typedef struct {
  guint8   type;
  guint16  seq;            /* message_seq */
  guint32  len;
  guint8  *data;           /* len bytes */
  guint8  *have;           /* len flags: which bytes arrived */
  guint32  missing;        /* bytes still to come */
  GArray  *pieces;         /* Piece, in arrival order */
  guint32  completed_in;   /* frame of the fragment that completed it; 0: still open */
} DtlsMsg;

typedef struct {
  guint32 frame;
  guint32 offset;          /* fragment offset */
  guint32 length;
} Piece;

typedef struct {
  GHashTable *convs;   /* IotConvKey → DtlsConv */
  GHashTable *plain;   /* record key (frame, bytes) → DtlsPlain */
  GHashTable *open;    /* first pass: (conv, direction, message_seq) → DtlsMsg being rebuilt */
  GHashTable *done;    /* frame → GPtrArray of the DtlsMsg it completed */
  GPtrArray  *msgs;    /* every DtlsMsg, owned */
} DtlsState;

static void
dtls_msg_free (gpointer data)
{
  DtlsMsg *msg = data;

  g_free (msg->data);
  g_free (msg->have);
  g_array_unref (msg->pieces);
  g_free (msg);
}

static void
dtls_conv_free (gpointer p)
{
  DtlsConv *conv = p;

  if (conv->transcript)
    g_byte_array_unref (conv->transcript);
  g_free (conv->dec[0]);
  g_free (conv->dec[1]);
  g_free (conv);
}

static gpointer
dtls_state_new (void)
{
  DtlsState *st = g_new0 (DtlsState, 1);

  st->convs = g_hash_table_new_full (iot_conv_key_hash, iot_conv_key_equal, g_free, dtls_conv_free);
  st->plain = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  st->open = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, NULL);
  st->done = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
  st->msgs = g_ptr_array_new_with_free_func (dtls_msg_free);
  return st;
}

static void
dtls_state_free (gpointer p)
{
  DtlsState *st = p;

  g_hash_table_unref (st->convs);
  g_hash_table_unref (st->plain);
  g_hash_table_unref (st->open);
  g_hash_table_unref (st->done);
  g_ptr_array_unref (st->msgs);
  g_free (st);
}

static DtlsConv *
find_conv (IotPacket *pkt, GHashTable *convs, guint *dir)
{
  IotConvKey key;
  DtlsConv *conv;

  *dir = iot_conv_key_from_packet (&key, pkt);
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
  DtlsState  *st;
  DtlsConv   *conv;
  guint       dir;
  gboolean    first_pass;
  const char *app_proto;
  int         parent;       /* where the layers carried in the records go */
  gboolean    handed_off;   /* an application protocol took a record's plaintext */
} RecordCtx;

static void
dissect_hello_verify_request (IotPacket *pkt, TlsHsCtx *ctx, int tree, IotBuf *msg)
{
  guint64 n = 0;

  iot_tree_add_item (pkt, tree, &ctx->f[TF_HS_VERSION], msg, 0, 2, FALSE);
  if (ctx->tap != NULL && iot_buf_has (msg, 0, 2))
    ctx->tap->handshake_version = iot_buf_u16 (msg, 0);
  iot_tree_add_item_ret_uint (pkt, tree, &dtls_fields[F_COOKIE_LENGTH], msg, 2, 1, FALSE, &n);
  if (n > 0)
    iot_tree_add_item (pkt, tree, &dtls_fields[F_COOKIE], msg, 3, (guint) n, FALSE);
}

/* ---- decryption (DTLS 1.2) ------------------------------------------------------ */

/* First pass: one handshake message for the session hash.  RFC 6347
 * 4.2.6: each message counts once, as if it were sent unfragmented, and
 * the first Client Hello and the Hello Verify Request do not count. */
static void
add_to_transcript (RecordCtx *rc, guint type, guint32 len, guint seq, const guint8 *body)
{
  DtlsConv *conv = rc->conv;
  guint8 header[12] = { type, len >> 16, len >> 8, len, seq >> 8, seq, 0, 0, 0, len >> 16, len >> 8, len };

  if (conv->transcript == NULL)
    conv->transcript = g_byte_array_new ();
  if (type == 3)
    {
      g_byte_array_set_size (conv->transcript, 0);
      conv->seen_seq[0] = conv->seen_seq[1] = 0;
      return;
    }
  if (seq >= 64 || (conv->seen_seq[rc->dir] & G_GUINT64_CONSTANT (1) << seq) || body == NULL)
    return;   /* a retransmission, or not captured whole */
  conv->seen_seq[rc->dir] |= G_GUINT64_CONSTANT (1) << seq;
  g_byte_array_append (conv->transcript, header, 12);
  g_byte_array_append (conv->transcript, body, len);
}

/* First pass, at the Client Key Exchange: the master secret from the key
 * log, or from the PSK named by the client's identity (RFC 4279). */
static const char *
derive_master (DtlsConv *conv, IotBuf *msg)
{
  IotSecrets *secrets = iot_secrets_default ();
  const TlsSuiteInfo *suite = tls_suite_info (conv->cipher);
  guint8 psk[64];
  gsize psk_len, id_len;

  if ((conv->have_random & 3) != 3)
    return "the handshake was not captured";
  if (iot_secrets_lookup_keylog (secrets, IOT_KEYLOG_CLIENT_RANDOM, conv->random[0], conv->master, 48) == 48)
    {
      conv->kind = iot_secrets_keylog_is_embedded (secrets, conv->random[0])
                   ? IOT_SECRET_EMBEDDED_MASTER : IOT_SECRET_KEYLOG_MASTER;
      return NULL;
    }
  if (suite == NULL)
    return "unsupported cipher suite";
  if (!suite->plain_psk)
    return tls_suite_is_dh_psk (conv->cipher) ? "ECDHE-PSK needs a key log, not just the PSK"
                                          : "no key log entry for this client random";
  if (!iot_buf_has (msg, 0, 2) || !iot_buf_has (msg, 2, iot_buf_u16 (msg, 0)))
    return "the handshake was not captured";
  id_len = iot_buf_u16 (msg, 0);
  psk_len = iot_secrets_lookup_psk (secrets, iot_buf_ptr (msg, 2, id_len), id_len, psk, sizeof psk);
  if (psk_len == 0)
    return "no pre-shared key for this identity";
  if (!tls12_psk_master_secret (suite, psk, psk_len, conv->random[0], conv->random[1],
                                conv->transcript ? conv->transcript->data : NULL,
                                conv->transcript ? conv->transcript->len : 0, conv->ems, conv->master))
    return "unsupported cipher suite";
  conv->kind = IOT_SECRET_PSK;
  return NULL;
}

/* First pass: what a plaintext handshake message tells the decryption. */
static void
follow_handshake (RecordCtx *rc, guint type, const TlsHsCtx *ctx, IotBuf *msg)
{
  DtlsConv *conv = rc->conv;

  if (iot_secrets_is_empty (iot_secrets_default ()))
    return;
  if (type == 1 && ctx->has_random)
    {
      memcpy (conv->random[0], ctx->random, 32);
      conv->have_random |= 1;
      conv->client_dir = rc->dir + 1;
    }
  else if (type == 2 && ctx->has_random)
    {
      memcpy (conv->random[1], ctx->random, 32);
      conv->have_random |= 2;
      conv->ems = ctx->extended_master_secret;
    }
  else if (type == 16)
    {
      conv->no_master = derive_master (conv, msg);
      conv->have_master = conv->no_master == NULL;
    }
}

/* First pass, at a Change Cipher Spec: this direction's keys. */
static void
start_decoder (RecordCtx *rc)
{
  DtlsConv *conv = rc->conv;
  g_autofree TlsDecoder *dec = g_new0 (TlsDecoder, 1);

  if (iot_secrets_is_empty (iot_secrets_default ()))
    return;
  g_clear_pointer (&conv->dec[rc->dir], g_free);
  conv->no_keys[rc->dir] = NULL;
  if (!conv->have_master)
    conv->no_keys[rc->dir] = conv->no_master ? conv->no_master : "the handshake was not captured";
  else if (!tls_decoder_init_tls12 (dec, tls_suite_info (conv->cipher), TRUE, FALSE, conv->master,
                                    conv->random[0], conv->random[1], conv->client_dir == rc->dir + 1))
    conv->no_keys[rc->dir] = "unsupported cipher suite";
  else
    conv->dec[rc->dir] = g_steal_pointer (&dec);
}

static gint64
record_key (IotPacket *pkt, const guint8 *data, guint len)
{
  guint32 h = 2166136261u;

  for (guint i = 0; i < len; i++)
    h = (h ^ data[i]) * 16777619u;
  return (gint64) ((guint64) iot_packet_frame_number (pkt) << 32 | h);
}

/* First pass: decrypts a protected record (epoch > 0) and keeps the
 * plaintext; afterwards finds it again.  The record's epoch and sequence
 * number go into the nonce and the authenticated data. */
static const DtlsPlain *
record_plaintext (RecordCtx *rc, IotBuf *buf, guint off, guint8 type, guint16 epoch, guint64 seq, guint len)
{
  DtlsConv *conv = rc->conv;
  DtlsPlain *plain;
  const guint8 *data;
  guint64 explicit_seq = (guint64) epoch << 48 | seq;
  gsize out_len = 0;
  guint8 inner = type;
  gint64 key;

  if (epoch == 0 || !iot_buf_has (buf, off + 13, len))
    return NULL;
  /* Without secrets (the common case) no record is even hashed. */
  if (rc->first_pass ? iot_secrets_is_empty (iot_secrets_default ()) : g_hash_table_size (rc->st->plain) == 0)
    return NULL;
  data = iot_buf_ptr (buf, off + 13, len);
  key = record_key (rc->pkt, data, len);
  plain = g_hash_table_lookup (rc->st->plain, &key);
  if (plain != NULL || !rc->first_pass)
    return plain;
  if (conv->dec[rc->dir] == NULL)
    {
      if (conv->reported[rc->dir])
        return NULL;
      conv->reported[rc->dir] = TRUE;
      plain = g_malloc0 (sizeof *plain);
      plain->reason = conv->no_keys[rc->dir] ? conv->no_keys[rc->dir] : "the handshake was not captured";
    }
  else
    {
      plain = g_malloc0 (sizeof *plain + len);
      plain->ok = tls_decoder_decrypt (conv->dec[rc->dir], type, iot_buf_u16 (buf, off + 1), &explicit_seq,
                                       data, len, plain->data, &out_len, &inner) == TLS_DECRYPT_OK;
      plain->len = plain->ok ? out_len : 0;
      plain->inner_type = inner;
      if (!plain->ok && !conv->reported[rc->dir])
        plain->first = conv->reported[rc->dir] = TRUE;
      if (plain->ok && !conv->announced[rc->dir])
        {
          plain->announce = conv->announced[rc->dir] = TRUE;
          plain->kind = conv->kind;
        }
    }
  g_hash_table_insert (rc->st->plain, g_memdup2 (&key, sizeof key), plain);
  return plain;
}

/* Decrypted application data goes to the protocol of the well-known port,
 * or when the port says nothing, to the one the server selected by ALPN:
 * over DTLS, "coap" is CoAP with its UDP framing (RFC 7252 9.1). */
static void
hand_off_plaintext (RecordCtx *rc, IotBuf *plain)
{
  extern IotDissector iot_dissector_coap;
  guint16 sport = 0, dport = 0;

  if (plain->length == 0)
    return;
  iot_packet_get_ports (rc->pkt, &sport, &dport);
  /* Plaintext shown as data leaves the column to DTLS, as in tshark. */
  if (sport == 5684 || dport == 5684 || rc->conv->alpn_coap)
    {
      iot_call_dissector (rc->pkt, &iot_dissector_coap, plain, rc->parent);
      rc->handed_off = TRUE;
    }
  else
    iot_call_data (rc->pkt, plain, rc->parent);
}

/* One whole handshake message (@msg holds its body): its fields, and in
 * the first pass what decryption learns from it.  @bytes (the body, NULL
 * when not captured whole or when the record was protected) goes into the
 * session hash. */
static void
dissect_message (RecordCtx *rc, TlsHsCtx *ctx, int hs, IotBuf *msg, guint type, guint32 len, guint seq,
                 const guint8 *bytes)
{
  if (rc->first_pass && bytes != NULL)
    add_to_transcript (rc, type, len, seq, bytes);
  /* As in tshark, a session ticket cut short by the capture is not read. */
  if (type == 4)
    iot_buf_check (msg, 0, len);
  ctx->sni = NULL;
  ctx->newest_supported = 0;
  if (type == 3)
    dissect_hello_verify_request (rc->pkt, ctx, hs, msg);
  else
    tls_dissect_handshake_body (rc->pkt, ctx, hs, msg, type);
  tls_publish_handshake (rc->pkt, ctx, msg, (guint8) type, TRUE);
  if (type == 2 && rc->first_pass)
    {
      if (ctx->negotiated)
        rc->conv->version = ctx->negotiated;
      rc->conv->cipher = ctx->chosen_cipher;
      rc->conv->alpn_coap = ctx->alpn != NULL && ctx->alpn_len == 4 && memcmp (ctx->alpn, "coap", 4) == 0;
    }
  if (rc->first_pass)
    follow_handshake (rc, type, ctx, msg);
}

/* The message of a fragment if this fragment completed it (in the first
 * pass, also adds the fragment to it). */
static const DtlsMsg *
fragment_of (RecordCtx *rc, IotBuf *body, guint off, guint8 type, guint32 len, guint32 frag_off, guint32 frag_len)
{
  DtlsState *st = rc->st;
  guint32 frame = iot_packet_frame_number (rc->pkt);
  guint16 seq = iot_buf_u16 (body, off + 4);
  GPtrArray *done;

  if (rc->first_pass && frag_len > 0 && (guint64) frag_off + frag_len <= len && len <= MAX_MESSAGE
      && iot_buf_has (body, off + 12, frag_len))
    {
      struct { gpointer conv; guint dir; guint16 seq; } k = { rc->conv, rc->dir, seq };
      g_autoptr (GBytes) key = g_bytes_new (&k, sizeof k);
      DtlsMsg *msg = g_hash_table_lookup (st->open, key);
      Piece piece = { frame, frag_off, frag_len };

      if (msg != NULL && (msg->len != len || msg->type != type))
        msg = NULL;   /* not the same message after all: start again */
      if (msg == NULL)
        {
          msg = g_new0 (DtlsMsg, 1);
          msg->type = type;
          msg->seq = seq;
          msg->len = msg->missing = len;
          msg->data = g_malloc0 (MAX (len, 1));
          msg->have = g_malloc0 (MAX (len, 1));
          msg->pieces = g_array_new (FALSE, FALSE, sizeof (Piece));
          g_ptr_array_add (st->msgs, msg);
          g_hash_table_replace (st->open, g_bytes_ref (key), msg);
        }
      memcpy (msg->data + frag_off, iot_buf_ptr (body, off + 12, frag_len), frag_len);
      for (guint32 i = frag_off; i < frag_off + frag_len; i++)
        if (!msg->have[i])
          {
            msg->have[i] = 1;
            msg->missing--;
          }
      g_array_append_val (msg->pieces, piece);
      if (msg->missing == 0)
        {
          msg->completed_in = frame;
          g_hash_table_remove (st->open, key);
          done = g_hash_table_lookup (st->done, GUINT_TO_POINTER (frame));
          if (done == NULL)
            {
              done = g_ptr_array_new ();
              g_hash_table_insert (st->done, GUINT_TO_POINTER (frame), done);
            }
          g_ptr_array_add (done, msg);
        }
    }
  done = g_hash_table_lookup (st->done, GUINT_TO_POINTER (frame));
  for (guint i = 0; done != NULL && i < done->len; i++)
    {
      const DtlsMsg *msg = g_ptr_array_index (done, i);

      if (msg->seq == seq && msg->type == type && msg->len == len)
        {
          const Piece *last = &g_array_index (msg->pieces, Piece, msg->pieces->len - 1);

          /* The fragment that completed it, not an earlier one of this frame. */
          if (last->offset == frag_off && last->length == frag_len)
            return msg;
        }
    }
  return NULL;
}

/* The rebuilt message as a data source, with the fragments it came from
 * listed below the record (as tshark lists them). */
static IotBuf
rebuilt_message (RecordCtx *rc, int rec, const DtlsMsg *msg)
{
  IotPacket *pkt = rc->pkt;
  IotBuf whole = iot_packet_add_source (pkt, iot_packet_strdup_printf (pkt, "Reassembled DTLS (%u bytes)", msg->len),
                                        msg->data, msg->len);
  int group = iot_tree_add_item (pkt, rec, &dtls_fields[F_FRAGMENTS], &whole, 0, whole.length, FALSE);
  g_autoptr (GString) label = g_string_new (NULL);
  int node;

  g_string_printf (label, "%u Message fragments (%u bytes):", msg->pieces->len, msg->len);
  for (guint i = 0; i < msg->pieces->len; i++)
    {
      const Piece *p = &g_array_index (msg->pieces, Piece, i);

      g_string_append_printf (label, "%s #%u(%u)", i ? "," : "", p->frame, p->length);
    }
  iot_tree_set_label (pkt, group, "%s", label->str);
  iot_tree_set_generated (pkt, group);
  for (guint i = 0; i < msg->pieces->len; i++)
    {
      const Piece *p = &g_array_index (msg->pieces, Piece, i);

      node = iot_tree_add_uint (pkt, group, &dtls_fields[F_FRAGMENT], &whole, p->offset, p->length, p->frame);
      iot_tree_set_label (pkt, node, "Frame: %u, payload: %u-%u (%u bytes)", p->frame, p->offset,
                          p->offset + p->length - 1, p->length);
      iot_tree_set_generated (pkt, node);
    }
  node = iot_tree_add_uint (pkt, group, &dtls_fields[F_FRAGMENT_COUNT], &whole, 0, 0, msg->pieces->len);
  iot_tree_set_generated (pkt, node);
  node = iot_tree_add_uint (pkt, group, &dtls_fields[F_REASSEMBLED_LENGTH], &whole, 0, 0, msg->len);
  iot_tree_set_generated (pkt, node);
  return whole;
}

static void
dissect_handshake_record (RecordCtx *rc, int rec, IotBuf *body, guint16 epoch, GString *what)
/* (epoch is 0 for a decrypted record's plaintext) */
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
      tls_open_handshake (pkt, &ctx, type);
      iot_tree_add_item (pkt, hs, &dtls_fields[TF_HS_LENGTH], body, off + 1, 3, FALSE);
      iot_tree_add_item (pkt, hs, &dtls_fields[F_MESSAGE_SEQ], body, off + 4, 2, FALSE);
      iot_tree_add_item (pkt, hs, &dtls_fields[F_FRAGMENT_OFFSET], body, off + 6, 3, FALSE);
      iot_tree_add_item (pkt, hs, &dtls_fields[F_FRAGMENT_LENGTH], body, off + 9, 3, FALSE);
      name = tls_handshake_name (type, &ctx);
      iot_tree_set_label (pkt, hs, "Handshake Protocol: %s", name);
      if (frag_len > body->reported - off - 12)
        {
          if (ctx.tap != NULL)
            ctx.tap->fragment = TRUE;
          iot_col_append_sep_info (pkt, ", ", "%s", name);
          g_string_assign (what, what->len ? "Multiple Handshake Messages" : name);
          iot_expert_add_info (pkt, hs, &dtls_experts[E_FRAGMENT_TOO_LONG], "Fragment length is larger than the record");
          return;
        }
      if (frag_off != 0 || frag_len != len)
        {
          /* Part of a message split over several records: the last part
           * shows the whole message, rebuilt. */
          const DtlsMsg *whole = fragment_of (rc, body, off, type, len, frag_off, frag_len);
          g_autofree char *label = g_strdup_printf ("%s (%s)", name, whole ? "Reassembled" : "Fragment");

          iot_tree_set_label (pkt, hs, "Handshake Protocol: %s", label);
          iot_col_append_sep_info (pkt, ", ", "%s", label);
          g_string_assign (what, what->len ? "Multiple Handshake Messages" : label);
          off += 12 + frag_len;
          if (whole == NULL)
            {
              if (ctx.tap != NULL)
                ctx.tap->fragment = TRUE;
              continue;
            }
          msg = rebuilt_message (rc, rec, whole);
          dissect_message (rc, &ctx, hs, &msg, type, len, whole->seq, whole->data);
          continue;
        }
      iot_col_append_sep_info (pkt, ", ", "%s", name);
      g_string_assign (what, what->len ? "Multiple Handshake Messages" : name);
      msg = iot_buf_sub (body, off + 12, (gint) len);
      dissect_message (rc, &ctx, hs, &msg, type, len, iot_buf_u16 (body, off + 4),
                       epoch > 0 ? NULL : iot_buf_has (body, off + 12, len) ? iot_buf_ptr (body, off + 12, len) : NULL);
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
  tls_publish_alert (pkt, TRUE, body);
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
  const DtlsPlain *plain_rec;
  gboolean decrypted = FALSE;
  int rec;
  IotBuf body, plain;

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
  plain_rec = type == 20 ? NULL : record_plaintext (rc, buf, off, type, epoch, seq, len);
  if (plain_rec != NULL && plain_rec->ok)
    {
      plain = iot_packet_add_source (pkt, "Decrypted DTLS", plain_rec->data, plain_rec->len);
      decrypted = TRUE;
      if (plain_rec->announce)
        tls_add_decryption_note (pkt, rec, &dtls_fields[TF_DECRYPTION_SECRET], iot_secret_kind_name (plain_rec->kind));
    }
  else if (plain_rec != NULL && plain_rec->first)
    {
      iot_expert_add_info (pkt, rec, &dtls_experts[E_BAD_MAC], "Decryption failed (bad record MAC)");
      tls_add_decryption_note (pkt, rec, &dtls_fields[TF_DECRYPTION_FAILURE], "decryption failed (bad record MAC)");
    }
  else if (plain_rec != NULL && plain_rec->reason)
    {
      iot_expert_add_info (pkt, rec, &dtls_experts[E_NOT_DECRYPTED], "Not decrypted: %s", plain_rec->reason);
      tls_add_decryption_note (pkt, rec, &dtls_fields[TF_DECRYPTION_FAILURE], plain_rec->reason);
    }
  switch (type)
    {
    case 20:
      iot_tree_add_item (pkt, rec, &dtls_fields[TF_CCS], &body, 0, body.length, FALSE);
      iot_col_append_sep_info (pkt, ", ", "Change Cipher Spec");
      g_string_assign (what, "Change Cipher Spec");
      if (rc->first_pass)
        start_decoder (rc);
      break;
    case 21:
      dissect_alert_record (rc, rec, decrypted ? &plain : &body, decrypted ? 0 : epoch, what);
      break;
    case 22:
      dissect_handshake_record (rc, rec, decrypted ? &plain : &body, decrypted ? 0 : epoch, what);
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
      if (decrypted)
        hand_off_plaintext (rc, &plain);
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
  rc.parent = parent;
  rc.st = iot_packet_state (pkt, &iot_dissector_dtls);
  rc.first_pass = iot_packet_first_pass (pkt) && !iot_packet_in_error (pkt);
  rc.conv = find_conv (pkt, rc.st->convs, &rc.dir);
  iot_packet_get_ports (pkt, &sport, &dport);
  rc.app_proto = tls_app_proto_name (TRUE, sport, dport);

  first_version = iot_buf_u16 (buf, 1);
  tree = iot_tree_add_protocol (pkt, parent, &dtls_fields[TF_PROTO], buf, 0, -1);
  tls_publish_note (pkt, TRUE, IOT_TAP_TLS_NOTE_LAYER, NULL);
  iot_col_set_protocol (pkt, "DTLS");
  iot_col_clear_info (pkt);
  while (off + 13 <= buf->reported)
    {
      guint len = iot_buf_u16 (buf, off + 11);
      const char *v;

      if (off + 13 + len > buf->reported)
        {
          iot_expert_add_info (pkt, tree, &dtls_experts[E_RECORD_LENGTH], "Record length %u runs past the end of the datagram", len);
          iot_malformed (pkt, "DTLS record longer than the datagram");
        }
      dissect_record (&rc, tree, buf, off);
      off += 13 + len;
      /* The protocol found in a decrypted record keeps the column. */
      if (!rc.handed_off)
        {
          v = tls_version_short_name (rc.conv->version ? rc.conv->version : first_version);
          iot_col_set_protocol (pkt, v ? v : "DTLS");
        }
    }
  return buf->length;
}

/* Whether the record at @off has a DTLS version and a content type a DTLS
 * record can have (Change Cipher Spec … Heartbeat, and connection ID). */
static gboolean
looks_like_dtls_record (IotBuf *buf, guint off)
{
  guint8 type = iot_buf_u8 (buf, off);
  guint16 version = iot_buf_u16 (buf, off + 1);

  if (type < 20 || type > 25)
    return FALSE;
  return version == 0xfeff || version == 0xfefd || version == 0x0100;
}

/* DTLS on a port no table names, as tshark's heuristic finds it: a
 * datagram that is a run of DTLS records ending exactly at its end (when
 * the capture cut it short, records as far as they were captured). */
static gboolean
heuristic_dtls (IotPacket *pkt, IotBuf *buf)
{
  guint off = 0;

  if (buf->length < buf->reported)
    {
      while (iot_buf_has (buf, off, 3))
        {
          if (!looks_like_dtls_record (buf, off))
            return FALSE;
          if (!iot_buf_has (buf, off, 13))
            return TRUE;
          off += 13 + iot_buf_u16 (buf, off + 11);
        }
      return buf->length >= 3 && off <= buf->reported;
    }
  while (iot_buf_has (buf, off, 13) && looks_like_dtls_record (buf, off))
    {
      off += 13 + iot_buf_u16 (buf, off + 11);
      if (off == buf->length)
        return TRUE;
    }
  return FALSE;
}

IotDissector iot_dissector_dtls = {
  .name = "DTLS",
  .abbrev = "dtls",
  .long_name = "Datagram Transport Layer Security",
  .fields = dtls_fields,
  .n_fields = N_FIELDS,
  .experts = dtls_experts,
  .n_experts = N_EXPERTS,
  .dissect = dissect_dtls,
  .handoff = { { "udp.port", 5684 }, { "udp.port", 853 }, { "udp.port", 2221 }, { "udp.port", 5868 } },
  .heuristic_table = "udp",
  .heuristic = heuristic_dtls,
  .state_new = dtls_state_new,
  .state_free = dtls_state_free,
};
