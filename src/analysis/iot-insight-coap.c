/* iot-insight-coap.c — CoAP failures in the field, each with its cause:
 * resets (what the peer refused and why it could not take it), block-wise
 * transfers that stop before their last block (which block, who stopped,
 * after what), and observations that end (a deregistration by GET
 * Observe=1 or by RST, notifications that go on after it, an observer that
 * went away without a word and perhaps came back with a new token).
 *
 * One pass records every confirmable or notifying message by sender and
 * message ID (what an ACK or RST answers), every request by token (what a
 * response answers), every observation and every block-wise transfer;
 * insight_finish_coap() turns them into findings. */
#include <string.h>

#include "iot-insight-private.h"

enum { COAP_CON, COAP_NON, COAP_ACK, COAP_RST };
enum { CODE_GET = 1, CODE_FETCH = 5, CODE_CONTINUE = 95 /* 2.31 */, CODE_CLIENT_ERROR = 128 /* 4.00 */ };

/* RFC 7252 §4.8: ACK_TIMEOUT.  A peer that goes on with a transfer asks for
 * the next block at once; one silent this long after the last block has
 * stopped (and a capture that ends sooner shows nothing either way). */
#define STALL_SILENCE_NS (2 * G_GINT64_CONSTANT (1000000000))

/* A notification may cross the deregistration on the wire; more than this
 * after the server answered it are the server ignoring it. */
#define NOTIFY_AFTER_CANCEL_MIN 2

/* Notifications that came regularly and then stop for this many of their
 * intervals, and at least FORGOTTEN_MIN_NS, while nobody cancelled: the
 * server no longer has the observer. */
#define FORGOTTEN_PERIODS 4
#define FORGOTTEN_MIN_NS (3 * G_GINT64_CONSTANT (1000000000))
#define FORGOTTEN_MIN_NOTIFICATIONS 3

/* A CON or NON message as the receiver's ACK or RST will name it. */
typedef struct {
  guint32  frame;
  gint64   rel_ns;
  guint    type, code, mid;
  char    *sender, *receiver;   /* endpoints */
  char    *receiver_host;       /* address only: an ICMP error names the host */
  char    *token;               /* hex */
  char    *uri;                 /* requests; responses: their request's */
  gboolean notification;        /* a response with Observe */
  GArray  *copies;              /* guint32: every transmission, the first included */
  guint32  ack_frame, rst_frame;
  GArray  *icmp;                /* guint32: ICMP port unreachable quoting it */
} CoapMsg;

typedef struct {
  char    *uri;
  guint32  frame;
  guint    type;
} CoapRequest;

typedef struct {
  char    *client, *server, *token, *uri;
  guint32  register_frame;      /* GET Observe=0; 0: before the capture */
  guint32  accepted_frame;      /* the first response with Observe */
  GArray  *notifications;       /* guint32: later responses with Observe */
  GArray  *notify_ns;           /* gint64: when each of them came */
  guint32  last_acked;          /* the last notification the client acknowledged */
  guint32  cancel_frame, cancel_answer;
  gint64   cancel_ns;
  guint32  reset_frame, reset_of;
  gint64   reset_ns;
} Observation;

typedef struct {
  char    *client, *server, *uri;
  guint    option;              /* 1: Block1 (request body), 2: Block2 (response body) */
  guint    size;
  gint64   last_delivered;      /* highest block the other side took; -1: none */
  gboolean last_more;
  guint32  delivered_request, delivered_answer;
  gint64   asked;               /* highest block asked for (Block2) or sent (Block1); -1: none */
  GArray  *asked_frames;        /* guint32: transmissions of that request */
  gboolean complete;
  guint    error_code;
  guint32  error_frame;
  gint64   last_ns;
  guint32  first_frame;
} BlockTransfer;

typedef struct _InsightCoap {
  GHashTable *msgs;             /* "sender>receiver#mid" → CoapMsg */
  GPtrArray  *msg_order;        /* CoapMsg, by first frame */
  GHashTable *requests;         /* "client>server#token" → CoapRequest */
  GHashTable *observations;     /* "client>server#token" → Observation */
  GPtrArray  *observation_order;
  GHashTable *transfers;        /* "client>server uri #option" → BlockTransfer */
  GPtrArray  *transfer_order;
  GHashTable *non_answered;     /* "client host>server" → a NON request it answered (frame) */
  GHashTable *sent_by;          /* endpoint → GArray of SentFrame: every CoAP message it sent */
} InsightCoap;

typedef struct {
  guint32 frame;
  gint64  rel_ns;
} SentFrame;

static void
coap_msg_free (gpointer data)
{
  CoapMsg *m = data;

  g_free (m->sender);
  g_free (m->receiver);
  g_free (m->receiver_host);
  g_free (m->token);
  g_free (m->uri);
  g_array_unref (m->copies);
  g_array_unref (m->icmp);
  g_free (m);
}

static void
coap_request_free (gpointer data)
{
  CoapRequest *r = data;

  g_free (r->uri);
  g_free (r);
}

static void
observation_free (gpointer data)
{
  Observation *o = data;

  g_free (o->client);
  g_free (o->server);
  g_free (o->token);
  g_free (o->uri);
  g_array_unref (o->notifications);
  g_array_unref (o->notify_ns);
  g_free (o);
}

static void
transfer_free (gpointer data)
{
  BlockTransfer *t = data;

  g_free (t->client);
  g_free (t->server);
  g_free (t->uri);
  g_array_unref (t->asked_frames);
  g_free (t);
}

void
insight_coap_init (IotInsight *self)
{
  InsightCoap *c = g_new0 (InsightCoap, 1);

  c->msgs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, coap_msg_free);
  c->msg_order = g_ptr_array_new ();
  c->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, coap_request_free);
  c->observations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, observation_free);
  c->observation_order = g_ptr_array_new ();
  c->transfers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, transfer_free);
  c->transfer_order = g_ptr_array_new ();
  c->non_answered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  c->sent_by = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
  self->coap = c;
}

void
insight_coap_clear (IotInsight *self)
{
  InsightCoap *c = self->coap;

  if (c == NULL)
    return;
  g_ptr_array_unref (c->msg_order);
  g_hash_table_unref (c->msgs);
  g_hash_table_unref (c->requests);
  g_ptr_array_unref (c->observation_order);
  g_hash_table_unref (c->observations);
  g_ptr_array_unref (c->transfer_order);
  g_hash_table_unref (c->transfers);
  g_hash_table_unref (c->non_answered);
  g_hash_table_unref (c->sent_by);
  g_clear_pointer (&self->coap, g_free);
}

/* ---- one frame ------------------------------------------------------------------------ */

static char *
token_text (const FrameFacts *ff)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; ff->coap_token != NULL && i < ff->coap_token_len; i++)
    g_string_append_printf (s, "%02x", ff->coap_token[i]);
  return g_string_free (s, FALSE);
}

static gboolean
is_request (guint code)
{
  return code > 0 && code < 32;
}

static gboolean
is_response (guint code)
{
  return code >= 64;
}

/* A CON or NON message: an ACK or RST may answer it, and a copy with the
 * same ID is a retransmission of it. */
static CoapMsg *
record_message (InsightCoap *c, const FrameFacts *ff, const char *sender, const char *receiver, const char *token,
                const char *uri)
{
  g_autofree char *key = g_strdup_printf ("%s>%s#%u", sender, receiver, ff->coap_mid);
  CoapMsg *m = g_hash_table_lookup (c->msgs, key);

  if (m != NULL && m->type == ff->coap_type && strcmp (m->token, token) == 0)
    {
      g_array_append_val (m->copies, ff->number);
      return m;
    }
  /* A message ID used again (after EXCHANGE_LIFETIME) starts afresh. */
  if (m != NULL)
    g_ptr_array_remove (c->msg_order, m);
  m = g_new0 (CoapMsg, 1);
  m->frame = ff->number;
  m->rel_ns = ff->rel_ns;
  m->type = ff->coap_type;
  m->code = ff->coap_code;
  m->mid = ff->coap_mid;
  m->sender = g_strdup (sender);
  m->receiver = g_strdup (receiver);
  m->receiver_host = insight_address_text (&ff->dst);
  m->token = g_strdup (token);
  m->uri = g_strdup (uri);
  m->notification = is_response (ff->coap_code) && ff->coap_observe >= 0;
  m->copies = g_array_new (FALSE, FALSE, sizeof (guint32));
  m->icmp = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_array_append_val (m->copies, ff->number);
  g_hash_table_replace (c->msgs, g_steal_pointer (&key), m);
  g_ptr_array_add (c->msg_order, m);
  return m;
}


static Observation *
observation_get (InsightCoap *c, const char *client, const char *server, const char *token, const char *uri)
{
  g_autofree char *key = g_strdup_printf ("%s>%s#%s", client, server, token);
  Observation *o = g_hash_table_lookup (c->observations, key);

  if (o == NULL)
    {
      o = g_new0 (Observation, 1);
      o->client = g_strdup (client);
      o->server = g_strdup (server);
      o->token = g_strdup (token);
      o->uri = g_strdup (uri ? uri : "");
      o->notifications = g_array_new (FALSE, FALSE, sizeof (guint32));
      o->notify_ns = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (c->observations, g_steal_pointer (&key), o);
      g_ptr_array_add (c->observation_order, o);
    }
  return o;
}

static void
answer_message (InsightCoap *c, const FrameFacts *ff, const char *sender, const char *receiver)
{
  /* The ACK or RST comes from the receiver of what it answers. */
  g_autofree char *key = g_strdup_printf ("%s>%s#%u", receiver, sender, ff->coap_mid);
  CoapMsg *m = g_hash_table_lookup (c->msgs, key);
  Observation *o;

  if (m == NULL)
    return;
  if (ff->coap_type == COAP_RST && m->rst_frame == 0)
    m->rst_frame = ff->number;
  else if (ff->coap_type == COAP_ACK && m->ack_frame == 0)
    m->ack_frame = ff->number;
  if (!m->notification)
    return;
  /* What the observer did with a notification. */
  g_free (key);
  key = g_strdup_printf ("%s>%s#%s", m->receiver, m->sender, m->token);
  o = g_hash_table_lookup (c->observations, key);
  if (o == NULL)
    return;
  if (ff->coap_type == COAP_ACK)
    o->last_acked = m->frame;
  else if (o->reset_frame == 0)
    {
      o->reset_frame = ff->number;
      o->reset_of = m->frame;
      o->reset_ns = ff->rel_ns;
    }
}

static BlockTransfer *
transfer_get (InsightCoap *c, const char *client, const char *server, const char *uri, guint option,
              const FrameFacts *ff)
{
  g_autofree char *key = g_strdup_printf ("%s>%s %s#%u", client, server, uri, option);
  BlockTransfer *t = g_hash_table_lookup (c->transfers, key);

  /* A transfer of the same resource that starts again at block 0 after
   * the last one ended is a new one. */
  if (t != NULL && t->complete && ff->coap_block_number == 0 && is_request (ff->coap_code))
    {
      g_ptr_array_remove (c->transfer_order, t);
      g_hash_table_remove (c->transfers, key);
      t = NULL;
    }
  if (t == NULL)
    {
      t = g_new0 (BlockTransfer, 1);
      t->client = g_strdup (client);
      t->server = g_strdup (server);
      t->uri = g_strdup (uri);
      t->option = option;
      t->last_delivered = -1;
      t->asked = -1;
      t->asked_frames = g_array_new (FALSE, FALSE, sizeof (guint32));
      t->first_frame = ff->number;
      g_hash_table_insert (c->transfers, g_steal_pointer (&key), t);
      g_ptr_array_add (c->transfer_order, t);
    }
  t->last_ns = ff->rel_ns;
  if (ff->coap_block_size)
    t->size = ff->coap_block_size;
  return t;
}

static void
transfer_request (InsightCoap *c, const FrameFacts *ff, const char *client, const char *server, const char *uri)
{
  BlockTransfer *t;
  gint64 number = ff->coap_block_number;

  if (ff->coap_block_option == 0)
    return;
  t = transfer_get (c, client, server, uri, ff->coap_block_option, ff);
  if (number > t->asked)
    {
      t->asked = number;
      g_array_set_size (t->asked_frames, 0);
    }
  if (number == t->asked)
    g_array_append_val (t->asked_frames, ff->number);
  if (ff->coap_block_option == 1 && !ff->coap_block_more)
    t->last_more = FALSE;
}

static void
transfer_answer (InsightCoap *c, const FrameFacts *ff, const char *client, const char *server,
                 const CoapRequest *req)
{
  g_autofree char *key = NULL;
  BlockTransfer *t;
  guint option = ff->coap_block_option;

  /* An error answers whichever transfer its request belonged to. */
  if (option == 0 && ff->coap_code >= CODE_CLIENT_ERROR)
    {
      for (guint o = 1; o <= 2 && option == 0; o++)
        {
          key = g_strdup_printf ("%s>%s %s#%u", client, server, req->uri, o);
          if (g_hash_table_contains (c->transfers, key))
            option = o;
          g_clear_pointer (&key, g_free);
        }
    }
  if (option == 0)
    return;
  t = transfer_get (c, client, server, req->uri, option, ff);
  if (ff->coap_code >= CODE_CLIENT_ERROR)
    {
      t->error_code = ff->coap_code;
      t->error_frame = ff->number;
      return;
    }
  if (ff->coap_block_option == 0 || (gint64) ff->coap_block_number < t->last_delivered)
    return;
  t->last_delivered = ff->coap_block_number;
  t->delivered_request = req->frame;
  t->delivered_answer = ff->number;
  if (option == 2)
    {
      t->last_more = ff->coap_block_more;
      t->complete = !ff->coap_block_more;
    }
  else
    {
      /* 2.31 Continue takes a block and wants the next; any other success
       * answers the last one. */
      t->last_more = ff->coap_code == CODE_CONTINUE;
      t->complete = ff->coap_code != CODE_CONTINUE;
    }
}

static void
request_frame (InsightCoap *c, const FrameFacts *ff, const char *client, const char *server, const char *token)
{
  g_autofree char *key = g_strdup_printf ("%s>%s#%s", client, server, token);
  const char *uri = ff->coap_uri ? ff->coap_uri : "/";
  CoapRequest *r = g_new0 (CoapRequest, 1);

  r->uri = g_strdup (uri);
  r->frame = ff->number;
  r->type = ff->coap_type;
  g_hash_table_replace (c->requests, g_steal_pointer (&key), r);
  if ((ff->coap_code == CODE_GET || ff->coap_code == CODE_FETCH) && ff->coap_observe >= 0)
    {
      Observation *o = observation_get (c, client, server, token, uri);

      if (ff->coap_observe == 0 && o->register_frame == 0)
        o->register_frame = ff->number;
      else if (ff->coap_observe == 1 && o->cancel_frame == 0)
        {
          o->cancel_frame = ff->number;
          o->cancel_ns = ff->rel_ns;
        }
    }
  transfer_request (c, ff, client, server, uri);
}

static void
response_frame (InsightCoap *c, const FrameFacts *ff, const char *server, const char *client, const char *token)
{
  g_autofree char *key = g_strdup_printf ("%s>%s#%s", client, server, token);
  CoapRequest *req = g_hash_table_lookup (c->requests, key);
  Observation *o = g_hash_table_lookup (c->observations, key);

  if (ff->coap_observe >= 0 && o == NULL && req != NULL)
    o = observation_get (c, client, server, token, req->uri);
  if (ff->coap_observe >= 0 && o == NULL)
    o = observation_get (c, client, server, token, NULL);   /* registered before the capture */
  if (o != NULL && o->cancel_frame != 0 && o->cancel_answer == 0 && ff->coap_type == COAP_ACK)
    o->cancel_answer = ff->number;
  else if (o != NULL && ff->coap_observe >= 0)
    {
      if (o->accepted_frame == 0)
        o->accepted_frame = ff->number;
      else
        {
          g_array_append_val (o->notifications, ff->number);
          g_array_append_val (o->notify_ns, ff->rel_ns);
        }
    }
  else if (o != NULL && o->cancel_frame != 0 && ff->coap_type != COAP_ACK)
    {
      g_array_append_val (o->notifications, ff->number);
      g_array_append_val (o->notify_ns, ff->rel_ns);
    }
  if (req != NULL && req->type == COAP_NON)
    {
      g_autofree char *host = insight_address_text (&ff->dst);

      g_hash_table_insert (c->non_answered, g_strdup_printf ("%s>%s", host, server), GUINT_TO_POINTER (req->frame));
    }
  if (req != NULL)
    transfer_answer (c, ff, client, server, req);
}

/* Every message an endpoint sent: a server that answers anyone is up. */
static void
record_sent (InsightCoap *c, const FrameFacts *ff, const char *sender)
{
  GArray *sent = g_hash_table_lookup (c->sent_by, sender);
  SentFrame f = { ff->number, ff->rel_ns };

  if (sent == NULL)
    {
      sent = g_array_new (FALSE, FALSE, sizeof (SentFrame));
      g_hash_table_insert (c->sent_by, g_strdup (sender), sent);
    }
  g_array_append_val (sent, f);
}

/* An ICMP port unreachable quoting a CoAP message: the host it was sent to
 * has nobody listening on that port any more. */
static void
icmp_frame (InsightCoap *c, const FrameFacts *ff)
{
  g_autofree char *host = insight_address_text (&ff->src);

  for (guint i = c->msg_order->len; i-- > 0;)
    {
      CoapMsg *m = g_ptr_array_index (c->msg_order, i);

      if (m->mid == (guint) ff->quoted_coap_mid && m->frame < ff->number && strcmp (m->receiver_host, host) == 0)
        {
          g_array_append_val (m->icmp, ff->number);
          return;
        }
    }
}

void
insight_coap_frame (IotInsight *self, const FrameFacts *ff)
{
  InsightCoap *c = self->coap;
  const char *src, *dst;
  g_autofree char *token = NULL;

  if (ff->quoted)
    {
      if (ff->quoted_coap_mid >= 0 && ((ff->icmp_type == 3 && ff->icmp_code == 3) || ff->icmpv6_type == 1))
        icmp_frame (c, ff);
      return;
    }
  if (!ff->coap || ff->l4 != 17)
    return;
  src = insight_endpoint_name (self, &ff->src, ff->sport);
  dst = insight_endpoint_name (self, &ff->dst, ff->dport);
  token = token_text (ff);
  record_sent (c, ff, src);
  if (ff->coap_type == COAP_ACK || ff->coap_type == COAP_RST)
    answer_message (c, ff, src, dst);
  if (ff->coap_type == COAP_CON || ff->coap_type == COAP_NON)
    record_message (c, ff, src, dst, token, ff->coap_uri);
  if (is_request (ff->coap_code) && ff->coap_type != COAP_ACK && ff->coap_type != COAP_RST)
    request_frame (c, ff, src, dst, token);
  else if (is_response (ff->coap_code))
    response_frame (c, ff, src, dst, token);
}

/* ---- findings ------------------------------------------------------------------------- */

/* Every transmission of every CoAP message, by frame. */
static GHashTable *
messages_by_frame (InsightCoap *c)
{
  GHashTable *by_frame = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < c->msg_order->len; i++)
    {
      CoapMsg *m = g_ptr_array_index (c->msg_order, i);

      for (guint k = 0; k < m->copies->len; k++)
        g_hash_table_insert (by_frame, GUINT_TO_POINTER (g_array_index (m->copies, guint32, k)), m);
    }
  return by_frame;
}

static const char *
method_name (guint code)
{
  static const char *const names[] = { "", "GET", "POST", "PUT", "DELETE", "FETCH", "PATCH", "iPATCH" };

  return code < G_N_ELEMENTS (names) ? names[code] : "request";
}

static char *
code_text (guint code)
{
  return g_strdup_printf ("%u.%02u", code >> 5, code & 31);
}

/* What became of an observation's notifications. */
typedef struct {
  GArray  *unanswered;      /* guint32: copies of CON notifications nobody acknowledged */
  GArray  *icmp;            /* guint32: port unreachable for them */
  GArray  *after;           /* guint32: notifications sent after the deregistration */
  guint    n_after;         /* distinct messages among them */
  guint32  silent_from;     /* the first notification left unanswered, 0: none */
  guint32  reregistered;    /* the same client's new observation of the server, 0: none */
} NotifyFate;

static void
notify_fate (InsightCoap *c, GHashTable *by_frame, const Observation *o, guint32 ended, NotifyFate *fate)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);

  fate->unanswered = g_array_new (FALSE, FALSE, sizeof (guint32));
  fate->icmp = g_array_new (FALSE, FALSE, sizeof (guint32));
  fate->after = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = 0; i < o->notifications->len; i++)
    {
      guint32 frame = g_array_index (o->notifications, guint32, i);
      CoapMsg *m = g_hash_table_lookup (by_frame, GUINT_TO_POINTER (frame));

      if (ended != 0 && frame > ended)
        {
          g_array_append_val (fate->after, frame);
          if (m != NULL && !g_hash_table_contains (seen, m))
            fate->n_after++;
        }
      if (m == NULL || g_hash_table_contains (seen, m))
        continue;
      g_hash_table_add (seen, m);
      insight_item_add_frames (fate->icmp, m->icmp);
      if (m->type == COAP_CON && m->ack_frame == 0 && m->rst_frame == 0)
        {
          fate->silent_from = fate->silent_from ? fate->silent_from : m->frame;
          insight_item_add_frames (fate->unanswered, m->copies);
        }
      else if (m->type == COAP_CON && m->ack_frame == 0 && m->copies->len > 1)
        {
          /* Resent before the RST came: the observer was not there. */
          fate->silent_from = fate->silent_from ? fate->silent_from : m->frame;
          insight_item_add_frames (fate->unanswered, m->copies);
        }
    }
  for (guint i = 0; i < c->observation_order->len; i++)
    {
      const Observation *other = g_ptr_array_index (c->observation_order, i);

      if (other != o && other->register_frame > MAX (o->last_acked, o->register_frame) && fate->reregistered == 0
          && strcmp (other->client, o->client) == 0 && strcmp (other->server, o->server) == 0)
        fate->reregistered = other->register_frame;
    }
}

static void
notify_fate_clear (NotifyFate *fate)
{
  g_array_unref (fate->unanswered);
  g_array_unref (fate->icmp);
  g_array_unref (fate->after);
}

static void
add_registration (IotInsightItem *item, const Observation *o)
{
  if (o->register_frame)
    insight_item_add_frame (item, o->register_frame);
  if (o->accepted_frame)
    insight_item_add_frame (item, o->accepted_frame);
}

static void
report_notify_after_cancel (IotInsight *self, const Observation *o, const NotifyFate *fate, gboolean by_reset)
{
  guint32 cancel = by_reset ? o->reset_frame : o->cancel_frame;
  IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "coap-notify-after-cancel", IOT_SEV_WARN,
                                           o->server,
    g_strdup_printf ("%s kept sending %u notification%s of %s to %s after that client cancelled the observation (%s, frame %u)",
                     o->server, fate->n_after, fate->n_after == 1 ? "" : "s", o->uri, o->client,
                     by_reset ? "RST" : "GET with Observe=1", cancel),
    g_strdup_printf ("An observer ends an observation with a GET carrying Observe=1 and the same token, or by "
                     "answering a notification with RST (RFC 7641). The server must then forget it. This one "
                     "%s and went on notifying, so it still counts %s as an observer: every notification costs "
                     "the device radio time and battery, %s, and a server that never forgets observers fills its "
                     "table until it refuses new ones.",
                     by_reset ? "received the RST" : "answered the cancellation", o->client,
                     fate->icmp->len ? "the device's host answers them with ICMP port unreachable (nobody listens "
                                       "there any more)" : "the device has to reject each one"));
  add_registration (item, o);
  insight_item_add_frame (item, cancel);
  if (!by_reset && o->cancel_answer)
    insight_item_add_frame (item, o->cancel_answer);
  insight_item_add_frames (item->frames, fate->after);
  if (fate->icmp->len)
    {
      insight_item_add_frames (item->related, fate->icmp);
      item->related_label = "ICMP port unreachable for the notifications";
    }
  item->confidence = "high";
  item->confirm = g_strdup ("The server's observer list for the resource after the cancellation; a server fix "
                            "removes the observer on GET Observe=1 and on RST.");
}

/* An observer that ended its observation by resetting a notification (RFC
 * 7641 §3.6) without any sign of having been away: a choice, or a client
 * that lost the token without restarting; the server did stop. */
static void
report_reset_cancel (IotInsight *self, const Observation *o)
{
  IotInsightItem *item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "coap-observe-cancelled", IOT_SEV_NOTE,
                                           o->client,
    g_strdup_printf ("%s cancelled its observation of %s on %s by resetting a notification (RST, frame %u) after "
                     "%u notification%s, and the server stopped", o->client, o->uri, o->server, o->reset_frame,
                     o->notifications->len, o->notifications->len == 1 ? "" : "s"),
    g_strdup ("An observation (RFC 7641) makes the server send a notification whenever the resource changes, "
              "until the observer cancels it: with a GET carrying Observe=1 and the same token, or by answering a "
              "notification with RST. This observer reset a notification after acknowledging the earlier ones, "
              "which a client does when it no longer wants them, or when it no longer knows the token (its "
              "state was lost). Nothing wrong if the device meant to stop; one that still needs the values must "
              "register again."));
  add_registration (item, o);
  if (o->reset_of)
    insight_item_add_frame (item, o->reset_of);
  insight_item_add_frame (item, o->reset_frame);
  item->confidence = "medium";
  item->confirm = g_strdup ("The device's log: whether it meant to stop observing.");
}

static void
report_observer_gone (IotInsight *self, const Observation *o, const NotifyFate *fate)
{
  gboolean restarted = o->reset_frame != 0;
  g_autofree char *back = NULL, *acked = NULL;
  IotInsightItem *item;

  acked = o->last_acked ? g_strdup_printf (" up to frame %u", o->last_acked) : g_strdup ("");
  back = fate->reregistered
           ? g_strdup_printf (" It registered again with a new token at frame %u%s", fate->reregistered,
                              restarted ? ", and answered a retransmission of the old notification with RST: it "
                                          "no longer knew that token, so it had restarted and lost its state."
                                        : ": a restart that lost the old observation.")
           : restarted ? g_strdup (" It answered a later copy with RST: whatever listens there now does not know "
                                   "the token, so the device restarted and lost its state.")
                       : g_strdup (" It did not come back in this capture.");
  item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, restarted ? "coap-observer-restarted" : "coap-observer-gone",
                           IOT_SEV_WARN, o->client,
    restarted ? g_strdup_printf ("The observer %s of %s restarted without cancelling: notifications from frame %u "
                                 "went unanswered%s, then it reset one it no longer knew (RST, frame %u)",
                                 o->client, o->uri, fate->silent_from,
                                 fate->icmp->len ? " (ICMP port unreachable)" : "", o->reset_frame)
              : g_strdup_printf ("The observer %s of %s went away without cancelling: notifications from frame %u "
                                 "went unanswered%s", o->client, o->uri, fate->silent_from,
                                 fate->icmp->len ? " (ICMP port unreachable)" : ""),
    g_strdup_printf ("%s observed %s on %s and acknowledged its notifications%s. Then it stopped answering: "
                     "the server resent the confirmable notification (the unanswered copies)%s.%s The usual "
                     "cause is a device that rebooted, crashed or lost its network while observing: the server "
                     "cannot know, keeps notifying into the void until its retransmissions run out, and the "
                     "device misses every change until it registers again.",
                     o->client, o->uri, o->server,
                     acked,
                     fate->icmp->len ? ", and the device's host answered with ICMP port unreachable: no program "
                                       "listened on that port any more" : "",
                     back));
  add_registration (item, o);
  if (o->last_acked)
    insight_item_add_frame (item, o->last_acked);
  insight_item_add_frames (item->frames, fate->unanswered);
  insight_item_add_frames (item->frames, fate->icmp);
  if (fate->reregistered)
    insight_item_add_frame (item, fate->reregistered);
  if (restarted)
    insight_item_add_frame (item, o->reset_frame);
  item->confidence = (fate->icmp->len || fate->reregistered) ? "high" : "medium";
  item->confirm = g_strdup ("The device's uptime or reboot counter and its log at that time; on the server, the "
                            "observer removed after the last retransmission.");
}

static gint
cmp_i64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* The usual time between the notifications of @o; 0: too few to tell. */
static gint64
notify_interval (const Observation *o)
{
  g_autoptr (GArray) gaps = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 1; i < o->notify_ns->len; i++)
    {
      gint64 d = g_array_index (o->notify_ns, gint64, i) - g_array_index (o->notify_ns, gint64, i - 1);

      if (d > 0)
        g_array_append_val (gaps, d);
    }
  if (gaps->len + 1 < FORGOTTEN_MIN_NOTIFICATIONS)
    return 0;
  g_array_sort (gaps, cmp_i64);
  return g_array_index (gaps, gint64, gaps->len / 2);
}

/* An observation whose regular notifications stopped although nobody
 * cancelled it, while the server was there to send them: it forgot the
 * observer.  The proof of a restart: requests to it answered with ICMP
 * port unreachable by its host in between (nobody listened on its port),
 * then answers from it again. */
static void
report_forgotten (IotInsight *self, const Observation *o, gint64 interval)
{
  InsightCoap *c = self->coap;
  guint32 last = g_array_index (o->notifications, guint32, o->notifications->len - 1);
  gint64 last_ns = g_array_index (o->notify_ns, gint64, o->notify_ns->len - 1);
  gint64 until = o->cancel_frame ? o->cancel_ns : self->last_ns;
  GArray *sent = g_hash_table_lookup (c->sent_by, o->server);
  g_autoptr (GArray) refused = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr (GArray) icmp = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint32 alive = 0;
  IotInsightItem *item;

  if (until - last_ns < MAX (FORGOTTEN_PERIODS * interval, FORGOTTEN_MIN_NS))
    return;
  /* The server's first message after the notifications should have gone on. */
  for (guint i = 0; sent != NULL && i < sent->len && alive == 0; i++)
    {
      const SentFrame *f = &g_array_index (sent, SentFrame, i);

      if (f->rel_ns > last_ns + 3 * interval / 2)
        alive = f->frame;
    }
  for (guint i = 0; i < c->msg_order->len; i++)
    {
      const CoapMsg *m = g_ptr_array_index (c->msg_order, i);

      if (m->frame > last && m->icmp->len > 0 && strcmp (m->receiver, o->server) == 0
          && (alive == 0 || m->frame < alive))
        {
          insight_item_add_frames (refused, m->copies);
          insight_item_add_frames (icmp, m->icmp);
        }
    }
  if (alive == 0 && icmp->len == 0)
    return;   /* a server gone for good, or a capture cut short: nothing to tell */
  item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "coap-observation-lost", IOT_SEV_WARN, o->client,
    g_strdup_printf ("%s stopped notifying %s of %s after frame %u without a word%s; the observer waited %.1f s "
                     "for a notification that never came", o->server, o->client, o->uri, last,
                     icmp->len && alive ? ": it restarted and forgot its observers"
                     : alive ? ", although it was still answering" : ": its port was closed",
                     (until - last_ns) / 1e9),
    g_strdup_printf ("%s observed %s and got a notification about every %.1f s up to frame %u. Then they "
                     "stopped: no final response, no error, no cancellation by the client. %s%s An observer "
                     "that hears nothing cannot tell a quiet resource from a lost observation; RFC 7641 "
                     "§3.3.1 lets it register again once the last notification's Max-Age (60 s unless it "
                     "says otherwise) has run out; until it does, it misses every change%s.",
                     o->client, o->uri, interval / 1e9, last,
                     icmp->len ? "Meanwhile the server's host answered requests to its CoAP port with ICMP "
                                 "port unreachable: no program listened there, the server had stopped. " : "",
                     alive && icmp->len ? "It answered again later, but a server that restarts starts with an "
                                          "empty list of observers: it had forgotten this one."
                     : alive ? "It kept answering other messages, so it was up but no longer had this "
                               "observer: it restarted between two messages, or dropped the observer (a full "
                               "observer table, a changed resource)."
                             : "The server did not come back within the capture.",
                     o->cancel_frame ? " (its cancellation shows it still thought it was observing)" : ""));
  add_registration (item, o);
  insight_item_add_frame (item, last);
  insight_item_add_frames (item->frames, refused);
  insight_item_add_frames (item->frames, icmp);
  if (alive)
    insight_item_add_frame (item, alive);
  if (o->cancel_frame)
    insight_item_add_frame (item, o->cancel_frame);
  item->confidence = alive && icmp->len ? "high" : "medium";
  item->confirm = g_strdup ("The server's uptime or restart log at that time; after a restart, a new "
                            "registration (GET Observe=0) brings the notifications back.");
}

static void
find_observations (IotInsight *self, GHashTable *by_frame)
{
  InsightCoap *c = self->coap;

  for (guint i = 0; i < c->observation_order->len; i++)
    {
      const Observation *o = g_ptr_array_index (c->observation_order, i);
      guint32 ended = o->cancel_frame ? (o->cancel_answer ? o->cancel_answer : o->cancel_frame) : o->reset_frame;
      NotifyFate fate = { 0 };
      gboolean gone;

      notify_fate (c, by_frame, o, ended, &fate);
      gone = fate.silent_from != 0 && (o->cancel_frame == 0 || fate.silent_from < o->cancel_frame);
      if (o->cancel_frame == 0 && gone)
        report_observer_gone (self, o, &fate);
      else if (!gone && o->reset_frame == 0 && fate.n_after == 0 && o->notify_ns->len > 0
               && notify_interval (o) > 0)
        report_forgotten (self, o, notify_interval (o));
      else if (ended != 0 && fate.n_after >= NOTIFY_AFTER_CANCEL_MIN)
        report_notify_after_cancel (self, o, &fate, o->cancel_frame == 0);
      /* A GET with Observe=1 that the server honours is how an observation
         is meant to end: nothing to report.  A RST may be a choice or a
         client that lost the token: worth a note. */
      else if (ended != 0 && o->cancel_frame == 0)
        report_reset_cancel (self, o);
      notify_fate_clear (&fate);
    }
}

/* The request of @client to @server with @token, and its message. */
static const CoapRequest *
find_request (InsightCoap *c, const char *client, const char *server, const char *token, const CoapMsg **msg)
{
  g_autofree char *key = g_strdup_printf ("%s>%s#%s", client, server, token);
  const CoapRequest *r = g_hash_table_lookup (c->requests, key);

  for (guint i = 0; r != NULL && i < c->msg_order->len && *msg == NULL; i++)
    {
      const CoapMsg *m = g_ptr_array_index (c->msg_order, i);

      if (m->frame == r->frame)
        *msg = m;
    }
  return r;
}

/* A RST that refused a request or a response (notifications are the
 * observations' business, and a RST is the answer to a CoAP ping). */
static void
report_reset (IotInsight *self, const CoapMsg *m)
{
  InsightCoap *c = self->coap;
  g_autofree char *host = g_strndup (m->sender, strrchr (m->sender, ':') ? (gsize) (strrchr (m->sender, ':') - m->sender)
                                                                          : strlen (m->sender));
  g_autofree char *key = g_strdup_printf ("%s>%s", host, m->receiver);
  guint32 non = GPOINTER_TO_UINT (g_hash_table_lookup (c->non_answered, key));
  g_autofree char *code = code_text (m->code);
  g_autofree char *waited = NULL;
  const CoapRequest *req;
  const CoapMsg *req_msg = NULL;
  IotInsightItem *item;

  if (is_request (m->code))
    {
      item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "coap-request-reset", IOT_SEV_WARN, m->receiver,
        g_strdup_printf ("%s refused the %s %s %s from %s with RST%s", m->receiver,
                         m->type == COAP_CON ? "confirmable" : "non-confirmable", method_name (m->code),
                         m->uri ? m->uri : "/", m->sender,
                         non ? ", while it answers the same client's NON requests" : ""),
        non ? g_strdup_printf ("A RST means \"I got your message but cannot handle it\" (RFC 7252 §4.2). This "
                               "server answered a non-confirmable request from the same client (frame %u) but "
                               "resets every confirmable one: it does not expect CON requests (a constrained "
                               "server that only implements NON, or one behind a proxy that strips the "
                               "acknowledgement layer). The client gets no data, and retrying the CON is "
                               "pointless.", non)
            : g_strdup ("A RST means \"I got your message but cannot handle it\" (RFC 7252 §4.2): the server "
                        "received the request and refused it without an answer. Usual reasons: the server does "
                        "not expect a confirmable request (it only implements NON), it restarted and lost the "
                        "context the request depends on, or it cannot parse the message. The client gets no "
                        "data, and retrying the same message will not help."));
      insight_item_add_frames (item->frames, m->copies);
      insight_item_add_frame (item, m->rst_frame);
      if (non)
        {
          g_array_append_val (item->related, non);
          item->related_label = "The NON request it answered";
        }
      item->confidence = non ? "high" : "medium";
      item->confirm = g_strdup (non ? "Send the request as NON (coap-client -N) and compare; the server's "
                                      "documentation or log on confirmable messages."
                                    : "The server's log at the time of the RST; the same request sent as NON.");
      return;
    }
  req = find_request (c, m->receiver, m->sender, m->token, &req_msg);
  if (req != NULL && req_msg != NULL)
    waited = g_strdup_printf (" to its %s (frame %u, %.3f s earlier%s)", req->uri, req->frame,
                              (m->rel_ns - req_msg->rel_ns) / 1e9,
                              req_msg->ack_frame ? ", acknowledged at once as a promise to answer "
                                                              "later" : "");
  item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "coap-response-reset", IOT_SEV_WARN, m->receiver,
    g_strdup_printf ("%s refused a separate %s response%s from %s with RST: it no longer waited for it",
                     m->receiver, code, waited ? waited : "", m->sender),
    g_strdup ("A response sent in its own confirmable message (a separate response) goes back to a client that "
              "should still be waiting for it. This client answered with RST: it does not know the token any "
              "more, because it gave up on the request before the answer came (its own timeout was shorter than "
              "the server's processing time) or it restarted meanwhile. The answer is lost; the client has to "
              "ask again."));
  if (req != NULL)
    insight_item_add_frame (item, req->frame);
  if (req_msg != NULL && req_msg->ack_frame)
    insight_item_add_frame (item, req_msg->ack_frame);
  insight_item_add_frames (item->frames, m->copies);
  insight_item_add_frame (item, m->rst_frame);
  item->confidence = "medium";
  item->confirm = g_strdup ("The client's request timeout against the server's processing time; the client's "
                            "log or uptime at the time of the RST.");
}

static void
find_resets (IotInsight *self)
{
  InsightCoap *c = self->coap;

  for (guint i = 0; i < c->msg_order->len; i++)
    {
      const CoapMsg *m = g_ptr_array_index (c->msg_order, i);

      if (m->rst_frame != 0 && m->code != 0 && !m->notification)
        report_reset (self, m);
    }
}

static gboolean
transfer_answered (GHashTable *by_frame, const BlockTransfer *t)
{
  for (guint i = 0; i < t->asked_frames->len; i++)
    {
      const CoapMsg *m = g_hash_table_lookup (by_frame, GUINT_TO_POINTER (g_array_index (t->asked_frames, guint32, i)));

      if (m != NULL && (m->ack_frame != 0 || m->rst_frame != 0))
        return TRUE;
    }
  return FALSE;
}

static void
report_stall (IotInsight *self, const BlockTransfer *t, gboolean server_stopped)
{
  const char *what = t->option == 2 ? "download" : "upload";
  guint64 done = (guint64) (t->last_delivered + 1) * t->size;
  g_autofree char *refused = t->error_code ? code_text (t->error_code) : NULL;
  g_autofree char *summary = NULL, *explanation = NULL;
  IotInsightItem *item;

  if (t->error_code)
    {
      summary = g_strdup_printf ("Block-wise %s of %s to %s refused with %s after %" G_GINT64_FORMAT " block%s",
                                 what, t->uri, t->server, refused, t->last_delivered + 1,
                                 t->last_delivered == 0 ? "" : "s");
      explanation = g_strdup_printf ("The body went in %u-byte Block1 blocks; the server took blocks up to %"
                                     G_GINT64_FORMAT " and then answered %s (frame %u) instead of the next "
                                     "\"continue\". 4.13 means the whole body is larger than it accepts (its "
                                     "Size1 option says how much it would), 4.08 that it lost the blocks before "
                                     "(a restart, or too long a pause between them).", t->size, t->last_delivered,
                                     refused, t->error_frame);
    }
  else if (server_stopped)
    {
      summary = g_strdup_printf ("Block-wise %s of %s %s %s stalled at block %" G_GINT64_FORMAT ": the server "
                                 "stopped answering after block %" G_GINT64_FORMAT " (%" G_GUINT64_FORMAT " bytes "
                                 "moved); %s was sent %u time%s", what, t->uri, t->option == 2 ? "from" : "to",
                                 t->server, t->asked, t->last_delivered, done,
                                 t->option == 2 ? "the request for the next block" : "the next block",
                                 t->asked_frames->len, t->asked_frames->len == 1 ? "" : "s");
      explanation = g_strdup_printf ("Large bodies travel in blocks (RFC 7959, %s, %u bytes each here), one "
                                     "request and one answer per block. The server answered every block up to %"
                                     G_GINT64_FORMAT " at once (frame %u) and %s, then never answered the %s of "
                                     "block %" G_GINT64_FORMAT ", not even after the client's retransmissions. %s "
                                     "A server that stops mid-transfer ran out of memory or buffer for the body, "
                                     "crashed, or a proxy in between dropped the transfer state.",
                                     t->option == 2 ? "Block2" : "Block1", t->size, t->last_delivered,
                                     t->delivered_answer,
                                     t->option == 2 ? "said more would follow" : "asked for more (2.31 Continue)",
                                     t->option == 2 ? "request" : "upload", t->asked,
                                     t->option == 2 ? "The client has only part of the resource and gives up."
                                                    : "The server has only part of the body, and the upload "
                                                      "fails.");
    }
  else
    {
      summary = g_strdup_printf ("Block-wise %s of %s %s %s stalled after block %" G_GINT64_FORMAT ": the client "
                                 "stopped, although the server %s (%" G_GUINT64_FORMAT " bytes moved)", what,
                                 t->uri, t->option == 2 ? "from" : "to", t->server, t->last_delivered,
                                 t->option == 2 ? "said more blocks follow" : "asked for the next block", done);
      explanation = g_strdup_printf ("Large bodies travel in blocks (RFC 7959, %s, %u bytes each here). The "
                                     "server's answer to block %" G_GINT64_FORMAT " (frame %u) %s, but the client "
                                     "%s for the rest of the capture. The %s is incomplete: the client gave up "
                                     "(a timeout, a lack of memory for the whole body, a reboot) or decided it "
                                     "had read enough.",
                                     t->option == 2 ? "Block2" : "Block1", t->size, t->last_delivered,
                                     t->delivered_answer,
                                     t->option == 2 ? "carried the \"more\" flag" : "was 2.31 Continue",
                                     t->option == 2 ? "never asked for the next block" : "never sent the next one",
                                     t->option == 2 ? "download" : "upload");
    }
  item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "coap-block-stalled", IOT_SEV_WARN,
                           t->client, g_steal_pointer (&summary), g_steal_pointer (&explanation));
  insight_item_add_frame (item, t->delivered_request);
  insight_item_add_frame (item, t->delivered_answer);
  if (t->error_code)
    insight_item_add_frame (item, t->error_frame);
  else if (server_stopped)
    insight_item_add_frames (item->frames, t->asked_frames);
  item->confidence = t->error_code || server_stopped ? "high" : "medium";
  item->confirm = g_strdup (server_stopped || t->error_code
                              ? "The server's log and memory at the time; the same transfer with a smaller block "
                                "size (coap-client -b) shows whether size is the trigger."
                              : "The client's log: whether it timed out or chose to stop; a capture that goes on "
                                "longer shows whether it resumes.");
}

static void
find_stalled_transfers (IotInsight *self, GHashTable *by_frame)
{
  InsightCoap *c = self->coap;

  for (guint i = 0; i < c->transfer_order->len; i++)
    {
      const BlockTransfer *t = g_ptr_array_index (c->transfer_order, i);
      gboolean server_stopped;

      if (t->complete || t->last_delivered < 0)
        continue;
      server_stopped = t->asked > t->last_delivered && !transfer_answered (by_frame, t);
      if (t->error_code)
        report_stall (self, t, FALSE);
      else if (server_stopped && t->asked_frames->len > 1)
        report_stall (self, t, TRUE);
      else if (!server_stopped && t->last_more && self->last_ns - t->last_ns >= STALL_SILENCE_NS)
        report_stall (self, t, FALSE);
    }
}

static gboolean
frames_cover (const GArray *frames, GHashTable *covered)
{
  for (guint i = 0; i < frames->len; i++)
    if (!g_hash_table_contains (covered, GUINT_TO_POINTER (g_array_index (frames, guint32, i))))
      return FALSE;
  return frames->len > 0;
}

/* Root cause first: an unanswered CON or a run of retransmissions that the
 * findings above already explain is not a finding of its own. */
static void
absorb_symptoms (IotInsight *self, guint first_item)
{
  g_autoptr (GHashTable) covered = g_hash_table_new (NULL, NULL);

  for (guint i = first_item; i < self->items->len; i++)
    {
      const IotInsightItem *item = g_ptr_array_index (self->items, i);

      for (guint k = 0; k < item->frames->len; k++)
        g_hash_table_add (covered, GUINT_TO_POINTER (g_array_index (item->frames, guint32, k)));
    }
  for (guint i = 0; i < first_item && i < self->items->len;)
    {
      const IotInsightItem *item = g_ptr_array_index (self->items, i);

      if ((strcmp (item->id, "coap-unanswered") == 0 || strcmp (item->id, "coap-retransmission") == 0)
          && frames_cover (item->frames, covered))
        {
          g_ptr_array_remove_index (self->items, i);
          first_item--;
          continue;
        }
      i++;
    }
}

void
insight_finish_coap (IotInsight *self)
{
  g_autoptr (GHashTable) by_frame = messages_by_frame (self->coap);
  guint first = self->items->len;

  find_observations (self, by_frame);
  find_resets (self);
  find_stalled_transfers (self, by_frame);
  absorb_symptoms (self, first);
}
