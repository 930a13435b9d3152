/* iot-insight-tls-causes.c — why a TLS handshake failed, named from its
 * fatal alert and what the handshake showed in clear: the server
 * certificate's validity compared with the capture's own time, its names
 * compared with the name the client asked for, the versions offered; and
 * whether the device's clock can be trusted (unanswered NTP). */
#include <stdio.h>
#include <string.h>

#include "iot-insight-private.h"

/* TLS alert descriptions (RFC 8446 §6, RFC 5246 §7.2). */
enum {
  ALERT_HANDSHAKE_FAILURE = 40,
  ALERT_BAD_CERTIFICATE = 42,
  ALERT_UNSUPPORTED_CERTIFICATE = 43,
  ALERT_CERTIFICATE_REVOKED = 44,
  ALERT_CERTIFICATE_EXPIRED = 45,
  ALERT_CERTIFICATE_UNKNOWN = 46,
  ALERT_UNKNOWN_CA = 48,
  ALERT_PROTOCOL_VERSION = 70,
  ALERT_INSUFFICIENT_SECURITY = 71,
};

#define ALERT_FATAL 2

typedef struct {
  IotAddress client, server;
  guint16    client_port, server_port;
  gboolean   have_hello;
  guint32    hello_frame, cert_frame;
  char      *sni;
  guint16    client_max_version, server_version;
  gint64     not_before, not_after;   /* Unix seconds; 0: unknown */
  GPtrArray *names;                   /* char *: the certificate's DNS names */
  guint32    alert_frame;             /* first fatal alert, 0: none */
  guint8     alert_desc;
  gboolean   alert_by_client;
} TlsConn;

typedef struct {
  guint   requests, answers;
  guint32 first_request;
} NtpCount;

static void
tls_conn_free (gpointer data)
{
  TlsConn *c = data;

  g_free (c->sni);
  g_ptr_array_unref (c->names);
  g_free (c);
}

void
insight_tls_init (IotInsight *self)
{
  self->tls_conns = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, tls_conn_free);
  self->ntp_clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

void
insight_tls_clear (IotInsight *self)
{
  g_clear_pointer (&self->tls_conns, g_hash_table_unref);
  g_clear_pointer (&self->ntp_clients, g_hash_table_unref);
}

/* "2024-01-01 00:00:00 (UTC)" → Unix seconds, 0 when it does not parse. */
static gint64
parse_cert_time (const char *text)
{
  int y, mo, d, h, mi, s;
  g_autoptr (GDateTime) t = NULL;

  if (text == NULL || sscanf (text, "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &s) != 6)
    return 0;
  t = g_date_time_new_utc (y, mo, d, h, mi, s);
  return t ? g_date_time_to_unix (t) : 0;
}

static void
count_ntp (IotInsight *self, const FrameFacts *ff)
{
  /* Mode 3 is a client's request, mode 4 the server's answer. */
  gboolean request = ff->ntp_mode == 3;
  g_autofree char *client = insight_address_text (request ? &ff->src : &ff->dst);
  NtpCount *n;

  if (ff->ntp_mode != 3 && ff->ntp_mode != 4)
    return;
  n = g_hash_table_lookup (self->ntp_clients, client);
  if (n == NULL)
    {
      n = g_new0 (NtpCount, 1);
      g_hash_table_insert (self->ntp_clients, g_steal_pointer (&client), n);
    }
  if (request)
    {
      if (n->requests++ == 0)
        n->first_request = ff->number;
    }
  else
    n->answers++;
}

static TlsConn *
conn_get (IotInsight *self, guint32 stream)
{
  TlsConn *c = g_hash_table_lookup (self->tls_conns, GUINT_TO_POINTER (stream + 1));

  if (c == NULL)
    {
      c = g_new0 (TlsConn, 1);
      c->names = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (self->tls_conns, GUINT_TO_POINTER (stream + 1), c);
    }
  return c;
}

void
insight_tls_frame (IotInsight *self, const FrameFacts *ff)
{
  TlsConn *c;

  if (ff->ntp_mode >= 0)
    count_ntp (self, ff);
  if (!ff->tls || !ff->has_stream || ff->l4 != 6)
    return;
  c = conn_get (self, ff->stream);
  for (guint i = 0; i < ff->hs->len; i++)
    {
      const TlsHs *hs = &g_array_index (ff->hs, TlsHs, i);

      if (hs->type == 1 && !c->have_hello)
        {
          c->have_hello = TRUE;
          c->hello_frame = ff->number;
          c->client = ff->src;
          c->client_port = ff->sport;
          c->server = ff->dst;
          c->server_port = ff->dport;
          c->client_max_version = hs->max_sv ? hs->max_sv : hs->version;
          c->sni = g_strdup (ff->sni);
        }
      else if (hs->type == 2)
        c->server_version = hs->max_sv ? hs->max_sv : hs->version;
      else if (hs->type == 11 && c->cert_frame == 0)
        c->cert_frame = ff->number;
    }
  if (ff->n_x509_times == 2 && c->not_after == 0)
    {
      c->not_before = parse_cert_time (ff->x509_times[0]);
      c->not_after = parse_cert_time (ff->x509_times[1]);
      for (guint i = 0; i < ff->n_x509_names; i++)
        g_ptr_array_add (c->names, g_strdup (ff->x509_names[i]));
    }
  for (guint i = 0; i < ff->n_alerts && c->alert_frame == 0 && c->have_hello; i++)
    if (ff->alert_level[i] == ALERT_FATAL)
      {
        c->alert_frame = ff->number;
        c->alert_desc = ff->alert_desc[i];
        c->alert_by_client = memcmp (&ff->src, &c->client, sizeof c->client) == 0 && ff->sport == c->client_port;
      }
}

/* ---- findings ------------------------------------------------------------------------- */

static const char *
alert_name (guint8 desc)
{
  switch (desc)
    {
    case 10: return "unexpected_message";
    case 20: return "bad_record_mac";
    case ALERT_HANDSHAKE_FAILURE: return "handshake_failure";
    case ALERT_BAD_CERTIFICATE: return "bad_certificate";
    case ALERT_UNSUPPORTED_CERTIFICATE: return "unsupported_certificate";
    case ALERT_CERTIFICATE_REVOKED: return "certificate_revoked";
    case ALERT_CERTIFICATE_EXPIRED: return "certificate_expired";
    case ALERT_CERTIFICATE_UNKNOWN: return "certificate_unknown";
    case 47: return "illegal_parameter";
    case ALERT_UNKNOWN_CA: return "unknown_ca";
    case 50: return "decode_error";
    case 51: return "decrypt_error";
    case ALERT_PROTOCOL_VERSION: return "protocol_version";
    case ALERT_INSUFFICIENT_SECURITY: return "insufficient_security";
    case 80: return "internal_error";
    case 112: return "unrecognized_name";
    case 116: return "certificate_required";
    case 120: return "no_application_protocol";
    default: return "another alert";
    }
}

static char *
date_text (gint64 unix_s)
{
  g_autoptr (GDateTime) t = g_date_time_new_from_unix_utc (unix_s);

  return t ? g_date_time_format (t, "%Y-%m-%d") : g_strdup ("?");
}

static const char *
version_name (guint16 v)
{
  switch (v)
    {
    case 0x0301: return "TLS 1.0";
    case 0x0302: return "TLS 1.1";
    case 0x0303: return "TLS 1.2";
    case 0x0304: return "TLS 1.3";
    default: return "an unknown version";
    }
}

/* Whether @name is covered by one of the certificate's DNS names (a
 * wildcard covers one leftmost label). */
static gboolean
names_cover (GPtrArray *names, const char *name)
{
  for (guint i = 0; i < names->len; i++)
    {
      const char *n = g_ptr_array_index (names, i);

      if (g_ascii_strcasecmp (n, name) == 0)
        return TRUE;
      if (n[0] == '*' && n[1] == '.')
        {
          const char *dot = strchr (name, '.');

          if (dot != NULL && g_ascii_strcasecmp (dot + 1, n + 2) == 0)
            return TRUE;
        }
    }
  return FALSE;
}

static gboolean
clock_unsynchronised (IotInsight *self, const IotAddress *client, guint32 *first_request)
{
  g_autofree char *key = insight_address_text (client);
  NtpCount *n = g_hash_table_lookup (self->ntp_clients, key);

  if (n == NULL || n->requests == 0 || n->answers > 0)
    return FALSE;
  *first_request = n->first_request;
  return TRUE;
}

/* The cause, in words, and how sure we are; NULL for alerts we leave to
 * the security audit. */
typedef struct {
  const char *id;
  char       *summary, *explanation;
  const char *confidence;
  char       *confirm;
  guint32     extra_frame;
} Cause;

static gboolean
explain_certificate (IotInsight *self, const TlsConn *c, const char *server, gint64 now, Cause *out)
{
  g_autofree char *from = date_text (c->not_before), *until = date_text (c->not_after);
  guint32 ntp = 0;

  if (c->not_after != 0 && now > c->not_after)
    {
      out->id = "tls-certificate-expired";
      out->summary = g_strdup_printf ("TLS to %s failed: the server's certificate expired on %s, %" G_GINT64_FORMAT
                                      " days before this capture", server, until, (now - c->not_after) / 86400);
      out->explanation = g_strdup_printf ("The client checked the certificate the server sent (frame %u) and found it "
                                          "out of date: it was valid from %s until %s. Renew the server's "
                                          "certificate; until then every client that checks dates refuses to "
                                          "connect, and the data waits or is lost.", c->cert_frame, from, until);
      out->confidence = "high";
      out->confirm = g_strdup ("openssl s_client -connect HOST:PORT | openssl x509 -noout -dates");
      return TRUE;
    }
  if (c->not_before != 0 && now < c->not_before)
    {
      out->id = "tls-certificate-not-yet-valid";
      out->summary = g_strdup_printf ("TLS to %s failed: the server's certificate is valid only from %s, after this "
                                      "capture was taken", server, from);
      out->explanation = g_strdup_printf ("The certificate the server sent (frame %u) starts being valid on %s, so a "
                                          "client with a correct clock refuses it. Either the certificate was made "
                                          "with a wrong start date or the clock of the machine that issued it is "
                                          "ahead.", c->cert_frame, from);
      out->confidence = "high";
      out->confirm = g_strdup ("openssl x509 -noout -dates on the server's certificate.");
      return TRUE;
    }
  if (c->sni != NULL && c->names->len > 0 && !names_cover (c->names, c->sni))
    {
      g_autoptr (GString) list = g_string_new (NULL);
      const char *names;

      for (guint i = 0; i < c->names->len; i++)
        g_string_append_printf (list, "%s%s", i ? ", " : "", (const char *) g_ptr_array_index (c->names, i));
      names = list->str;
      out->id = "tls-name-mismatch";
      out->summary = g_strdup_printf ("TLS to %s failed: the client asked for %s, but the certificate is for %s",
                                      server, c->sni, names);
      out->explanation = g_strdup_printf ("A client checks that the certificate names the server it wanted to reach. "
                                          "It asked for \"%s\" (in its ClientHello, frame %u) and the certificate "
                                          "(frame %u) lists only %s. Configure the device with the name the "
                                          "certificate carries, or issue a certificate for the name the devices "
                                          "use.", c->sni, c->hello_frame, c->cert_frame, names);
      out->confidence = "high";
      out->confirm = g_strdup ("The device's broker address setting and the certificate's subjectAltName.");
      return TRUE;
    }
  /* The certificate was valid at the capture's time, yet the client
   * refused it: most often the device's own clock is wrong. */
  if (c->alert_by_client && c->not_after != 0
      && (c->alert_desc == ALERT_BAD_CERTIFICATE || c->alert_desc == ALERT_CERTIFICATE_EXPIRED))
    {
      gboolean no_ntp = clock_unsynchronised (self, &c->client, &ntp);

      out->id = "tls-client-clock";
      out->summary = g_strdup_printf ("TLS to %s failed: the client refused a certificate that was valid when this "
                                      "capture was taken (%s to %s); its clock is probably wrong%s", server, from,
                                      until, no_ntp ? ", and its NTP requests went unanswered" : "");
      out->explanation = g_strdup_printf ("The server's certificate (frame %u) was valid from %s until %s, which "
                                          "covers the time of this capture, but the client rejected it with "
                                          "\"%s\". A device whose clock is wrong (a fresh boot without a "
                                          "real-time clock, before NTP has set the time) sees every certificate as "
                                          "not yet valid or expired.%s Make the device get the time (NTP/SNTP) "
                                          "before it connects, and check that NTP is reachable.", c->cert_frame,
                                          from, until, alert_name (c->alert_desc),
                                          no_ntp ? " This device asked for the time over NTP and got no answer, "
                                                   "so its clock was never set." : "");
      out->confidence = no_ntp ? "high" : "medium";
      out->confirm = g_strdup ("The device's clock (its log's time stamps) and whether its NTP server answers.");
      out->extra_frame = ntp;
      return TRUE;
    }
  return FALSE;
}

static gboolean
explain (IotInsight *self, const TlsConn *c, const char *server, gint64 now, Cause *out)
{
  switch (c->alert_desc)
    {
    case ALERT_BAD_CERTIFICATE:
    case ALERT_UNSUPPORTED_CERTIFICATE:
    case ALERT_CERTIFICATE_EXPIRED:
    case ALERT_CERTIFICATE_UNKNOWN:
      return explain_certificate (self, c, server, now, out);
    case ALERT_UNKNOWN_CA:
      out->id = "tls-unknown-ca";
      out->summary = g_strdup_printf ("TLS to %s failed: the client does not trust the authority that signed the "
                                      "server's certificate (unknown_ca)", server);
      out->explanation = g_strdup_printf ("The client could not link the server's certificate (frame %u) to any "
                                          "certificate authority it trusts. Install the CA certificate (or the "
                                          "server's own, if it signed itself) on the device, or give the server a "
                                          "certificate from an authority the devices already trust.",
                                          c->cert_frame);
      out->confidence = "high";
      out->confirm = g_strdup ("The CA file the device uses, compared with the certificate's issuer.");
      return TRUE;
    case ALERT_PROTOCOL_VERSION:
      out->id = "tls-version-mismatch";
      out->summary = g_strdup_printf ("TLS to %s failed: no TLS version both sides accept (the client offered up to "
                                      "%s; the %s refused it)", server, version_name (c->client_max_version),
                                      c->alert_by_client ? "client" : "server");
      out->explanation = g_strdup_printf ("The %s ended the handshake with protocol_version: the versions the client "
                                          "offered in its ClientHello (frame %u, up to %s) and those the server "
                                          "accepts do not overlap. An old device library (TLS 1.0/1.1 only) "
                                          "against a modern broker, or a device forced to TLS 1.3 against a server "
                                          "that stops at TLS 1.2, fails like this.",
                                          c->alert_by_client ? "client" : "server", c->hello_frame,
                                          version_name (c->client_max_version));
      out->confidence = "high";
      out->confirm = g_strdup ("The TLS versions configured on both sides (openssl s_client -tls1_2 / -tls1_3 "
                               "against the server).");
      return TRUE;
    case ALERT_HANDSHAKE_FAILURE:
    case ALERT_INSUFFICIENT_SECURITY:
      out->id = "tls-no-common-cipher";
      out->summary = g_strdup_printf ("TLS to %s failed (%s): the two sides found no cipher suite or parameters "
                                      "they both accept", server, alert_name (c->alert_desc));
      out->explanation = g_strdup_printf ("The handshake stopped right after the ClientHello (frame %u): the server "
                                          "found nothing it accepts among what the client offered. Typical for a "
                                          "device limited to one suite (for example a PSK or CCM suite) against a "
                                          "server with another configuration.", c->hello_frame);
      out->confidence = "medium";
      out->confirm = g_strdup ("The cipher lists of both sides.");
      return TRUE;
    default:
      return FALSE;
    }
}

typedef struct {
  IotInsightItem *item;
  guint           count;
} Group;

/* A device that keeps asking for the time and never gets it; where a TLS
 * failure already blames its clock, that finding says it. */
static void
report_ntp_unanswered (IotInsight *self, GHashTable *already)
{
  g_autoptr (GPtrArray) clients = insight_sorted_keys (self->ntp_clients);

  for (guint i = 0; i < clients->len; i++)
    {
      const char *client = clients->pdata[i];
      const NtpCount *n = g_hash_table_lookup (self->ntp_clients, client);
      IotInsightItem *item;

      if (n->requests < 2 || n->answers > 0 || g_hash_table_contains (already, client))
        continue;
      item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, "ntp-unanswered", IOT_SEV_WARN, client,
        g_strdup_printf ("%s asked for the time %u times over NTP and got no answer", client, n->requests),
        g_strdup ("Without an answer the device's clock is not set. Devices without a battery-backed clock "
                  "start at a fixed date (often 1970 or the firmware's build date), and then time stamps in "
                  "their readings are wrong and TLS certificates look expired or not yet valid. Check that "
                  "the NTP server is reachable from the device (firewall, DNS name, UDP port 123)."));
      insight_item_add_frame (item, n->first_request);
      item->confidence = "medium";
      item->confirm = g_strdup ("The device's clock after boot; an NTP query from the device's network.");
    }
}

static gint
cmp_stream_keys (gconstpointer a, gconstpointer b)
{
  guint x = GPOINTER_TO_UINT (a), y = GPOINTER_TO_UINT (b);

  return x < y ? -1 : x > y;
}

void
insight_finish_tls (IotInsight *self)
{
  g_autoptr (GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GHashTable) clock_clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GList) streams = g_hash_table_get_keys (self->tls_conns);
  gint64 first_s = self->first_ns / G_GINT64_CONSTANT (1000000000);

  streams = g_list_sort (streams, cmp_stream_keys);
  for (GList *l = streams; l != NULL; l = l->next)
    {
      const TlsConn *c = g_hash_table_lookup (self->tls_conns, l->data);
      g_autofree char *server = NULL, *client = NULL, *key = NULL;
      Cause cause = { 0 };
      Group *g;

      if (c->alert_frame == 0)
        continue;
      server = insight_endpoint_text (&c->server, c->server_port);
      client = insight_address_text (&c->client);
      if (!explain (self, c, server, first_s, &cause))
        continue;
      /* Repeated failures of one client for one cause are one finding. */
      key = g_strdup_printf ("%s\x1f%s\x1f%s", cause.id, client, server);
      g = g_hash_table_lookup (groups, key);
      if (g == NULL)
        {
          g = g_new0 (Group, 1);
          g->item = insight_add_item (self, IOT_INSIGHT_DIAGNOSIS, cause.id, IOT_SEV_WARN, server,
                                      g_steal_pointer (&cause.summary), g_steal_pointer (&cause.explanation));
          g->item->confidence = cause.confidence;
          g->item->confirm = g_steal_pointer (&cause.confirm);
          g_hash_table_insert (groups, g_steal_pointer (&key), g);
        }
      g->count++;
      insight_item_add_frame (g->item, c->hello_frame);
      if (c->cert_frame)
        insight_item_add_frame (g->item, c->cert_frame);
      insight_item_add_frame (g->item, c->alert_frame);
      if (strcmp (cause.id, "tls-client-clock") == 0)
        g_hash_table_add (clock_clients, g_strdup (client));
      if (cause.extra_frame)
        {
          g_array_append_val (g->item->related, cause.extra_frame);
          insight_item_add_frames (g->item->related, NULL);
          g->item->related_label = "The unanswered NTP request";
        }
      g_free (cause.summary);
      g_free (cause.explanation);
      g_free (cause.confirm);
    }
  {
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, groups);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      {
        Group *g = value;
        char *counted;

        if (g->count < 2)
          continue;
        counted = g_strdup_printf ("%s (%u failed handshakes)", g->item->summary, g->count);
        g_free (g->item->summary);
        g->item->summary = counted;
      }
  }
  report_ntp_unanswered (self, clock_clients);
}
