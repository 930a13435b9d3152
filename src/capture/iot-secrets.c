/* iot-secrets.c — the store of decryption secrets (see iot-secrets.h). */
#include "iot-secrets.h"

#include <string.h>

#define CLIENT_RANDOM_LEN 32
#define RSA_KEY_LEN 8
#define MAX_SECRET_LEN 64

struct _IotSecrets {
  GRWLock     lock;
  GHashTable *keylog[IOT_KEYLOG_N_LABELS];   /* GBytes client random → GBytes secret */
  GHashTable *psks;                          /* GBytes identity ("" = any) → GBytes key */
  GHashTable *embedded;                      /* GBytes client randoms whose entries a capture carried */
  GHashTable *given;                         /* GBytes client randoms a key log file or text gave */
  GArray     *zigbee_keys;                   /* ZigbeeKey, in the order given */
  GArray     *wpan_keys;                     /* IotWpanKey, in the order given */
  IotThreadPrefs thread;
};

#define ZIGBEE_KEY_LEN 16
#define ZIGBEE_LABEL_MAX 64

typedef struct {
  guint8 key[ZIGBEE_KEY_LEN];
  char   label[ZIGBEE_LABEL_MAX];
} ZigbeeKey;

static const char *const label_names[IOT_KEYLOG_N_LABELS] = {
  [IOT_KEYLOG_CLIENT_RANDOM] = "CLIENT_RANDOM",
  [IOT_KEYLOG_CLIENT_EARLY_TRAFFIC_SECRET] = "CLIENT_EARLY_TRAFFIC_SECRET",
  [IOT_KEYLOG_CLIENT_HANDSHAKE_TRAFFIC_SECRET] = "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
  [IOT_KEYLOG_SERVER_HANDSHAKE_TRAFFIC_SECRET] = "SERVER_HANDSHAKE_TRAFFIC_SECRET",
  [IOT_KEYLOG_CLIENT_TRAFFIC_SECRET_0] = "CLIENT_TRAFFIC_SECRET_0",
  [IOT_KEYLOG_SERVER_TRAFFIC_SECRET_0] = "SERVER_TRAFFIC_SECRET_0",
  [IOT_KEYLOG_EARLY_EXPORTER_SECRET] = "EARLY_EXPORTER_SECRET",
  [IOT_KEYLOG_EXPORTER_SECRET] = "EXPORTER_SECRET",
  [IOT_KEYLOG_RSA] = "RSA",
};

G_DEFINE_QUARK (iot-secrets-error-quark, iot_secrets_error)

const char *
iot_keylog_label_name (IotKeylogLabel label)
{
  return label < IOT_KEYLOG_N_LABELS ? label_names[label] : NULL;
}

const char *
iot_secret_kind_name (IotSecretKind kind)
{
  switch (kind)
    {
    case IOT_SECRET_KEYLOG_TLS13: return "key log: TLS 1.3 traffic secrets";
    case IOT_SECRET_KEYLOG_MASTER: return "key log: CLIENT_RANDOM master secret";
    case IOT_SECRET_PSK: return "pre-shared key";
    case IOT_SECRET_EMBEDDED_TLS13: return "embedded in the capture (DSB): TLS 1.3 traffic secrets";
    case IOT_SECRET_EMBEDDED_MASTER: return "embedded in the capture (DSB): CLIENT_RANDOM master secret";
    default: return NULL;
    }
}

static GHashTable *
bytes_table_new (void)
{
  return g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                (GDestroyNotify) g_bytes_unref, (GDestroyNotify) g_bytes_unref);
}

IotSecrets *
iot_secrets_new (void)
{
  IotSecrets *self = g_new0 (IotSecrets, 1);

  g_rw_lock_init (&self->lock);
  for (guint i = 0; i < IOT_KEYLOG_N_LABELS; i++)
    self->keylog[i] = bytes_table_new ();
  self->psks = bytes_table_new ();
  self->embedded = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, NULL);
  self->given = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, NULL);
  self->zigbee_keys = g_array_new (FALSE, TRUE, sizeof (ZigbeeKey));
  self->wpan_keys = g_array_new (FALSE, TRUE, sizeof (IotWpanKey));
  self->thread.auto_acquire = TRUE;
  return self;
}

void
iot_secrets_free (IotSecrets *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < IOT_KEYLOG_N_LABELS; i++)
    g_hash_table_unref (self->keylog[i]);
  g_hash_table_unref (self->psks);
  g_hash_table_unref (self->given);
  g_hash_table_unref (self->embedded);
  g_array_unref (self->zigbee_keys);
  g_array_unref (self->wpan_keys);
  g_rw_lock_clear (&self->lock);
  g_free (self);
}

void
iot_secrets_clear (IotSecrets *self)
{
  g_rw_lock_writer_lock (&self->lock);
  for (guint i = 0; i < IOT_KEYLOG_N_LABELS; i++)
    g_hash_table_remove_all (self->keylog[i]);
  g_hash_table_remove_all (self->psks);
  g_hash_table_remove_all (self->embedded);
  g_hash_table_remove_all (self->given);
  g_array_set_size (self->zigbee_keys, 0);
  g_array_set_size (self->wpan_keys, 0);
  self->thread = (IotThreadPrefs) { .auto_acquire = TRUE };
  g_rw_lock_writer_unlock (&self->lock);
}

IotSecrets *
iot_secrets_default (void)
{
  static gsize store;

  if (g_once_init_enter (&store))
    g_once_init_leave (&store, (gsize) iot_secrets_new ());
  return (IotSecrets *) store;
}

/* Hex text of @len characters into bytes; NULL unless every character is
 * a hex digit and there is an even number of them. */
static GBytes *
bytes_from_hex (const char *hex, gsize len)
{
  guint8 *data;

  if (len == 0 || len % 2 != 0)
    return NULL;
  data = g_malloc (len / 2);
  for (gsize i = 0; i < len; i += 2)
    {
      int hi = g_ascii_xdigit_value (hex[i]), lo = g_ascii_xdigit_value (hex[i + 1]);

      if (hi < 0 || lo < 0)
        {
          g_free (data);
          return NULL;
        }
      data[i / 2] = (guint8) (hi << 4 | lo);
    }
  return g_bytes_new_take (data, len / 2);
}

static int
label_from_name (const char *name, gsize len)
{
  for (guint i = 0; i < IOT_KEYLOG_N_LABELS; i++)
    if (strlen (label_names[i]) == len && memcmp (label_names[i], name, len) == 0)
      return (int) i;
  return -1;
}

/* Splits @line at spaces/tabs into at most @max words. */
static guint
split_words (const char *line, gsize len, const char **words, gsize *lens, guint max)
{
  guint n = 0;
  gsize i = 0;

  while (i < len)
    {
      gsize start;

      while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
      if (i >= len)
        break;
      start = i;
      while (i < len && line[i] != ' ' && line[i] != '\t')
        i++;
      if (n == max)
        return max + 1;
      words[n] = line + start;
      lens[n] = i - start;
      n++;
    }
  return n;
}

/* One line: NULL when it was added or is blank, else why it is malformed. */
static const char *
add_keylog_line (IotSecrets *self, const char *line, gsize len, gboolean embedded)
{
  const char *words[3];
  gsize lens[3];
  guint n = split_words (line, len, words, lens, 3);
  g_autoptr (GBytes) random = NULL;
  g_autoptr (GBytes) secret = NULL;
  int label;

  if (n == 0 || words[0][0] == '#')
    return NULL;
  if (n != 3)
    return "expected a label, a client random and a secret";
  label = label_from_name (words[0], lens[0]);
  if (label < 0)
    return "unknown label";
  random = bytes_from_hex (words[1], lens[1]);
  if (random == NULL)
    return "the client random is not hex";
  if (g_bytes_get_size (random) != (label == IOT_KEYLOG_RSA ? RSA_KEY_LEN : CLIENT_RANDOM_LEN))
    return label == IOT_KEYLOG_RSA ? "the encrypted pre-master prefix is not 8 bytes"
                                   : "the client random is not 32 bytes";
  secret = bytes_from_hex (words[2], lens[2]);
  if (secret == NULL)
    return "the secret is not hex";
  if (g_bytes_get_size (secret) > MAX_SECRET_LEN
      || (label == IOT_KEYLOG_CLIENT_RANDOM && g_bytes_get_size (secret) != 48))
    return label == IOT_KEYLOG_CLIENT_RANDOM ? "the master secret is not 48 bytes" : "the secret is too long";
  if (embedded)
    g_hash_table_add (self->embedded, g_bytes_ref (random));
  else
    {
      g_hash_table_remove (self->embedded, random);
      g_hash_table_add (self->given, g_bytes_ref (random));
    }
  g_hash_table_replace (self->keylog[label], g_steal_pointer (&random), g_steal_pointer (&secret));
  return NULL;
}

static gboolean
add_keylog_text (IotSecrets *self, const char *text, gsize len, const char *origin,
                 gboolean embedded, guint *n_added, GError **error)
{
  const char *p = text, *end = text + len;
  guint line_no = 0, added = 0;
  gboolean ok = TRUE;

  g_rw_lock_writer_lock (&self->lock);
  while (p < end)
    {
      const char *eol = memchr (p, '\n', end - p);
      gsize line_len = (eol ? eol : end) - p;
      const char *why;

      line_no++;
      if (line_len > 0 && p[line_len - 1] == '\r')
        line_len--;
      why = add_keylog_line (self, p, line_len, embedded);
      if (why != NULL && ok)
        {
          g_set_error (error, IOT_SECRETS_ERROR, IOT_SECRETS_ERROR_KEYLOG_LINE,
                       "%s:%u: %s", origin ? origin : "key log", line_no, why);
          ok = FALSE;
        }
      else if (why == NULL && line_len > 0 && p[0] != '#')
        added++;
      p = eol ? eol + 1 : end;
    }
  g_rw_lock_writer_unlock (&self->lock);
  if (n_added)
    *n_added = added;
  return ok;
}

gboolean
iot_secrets_add_keylog (IotSecrets *self, const char *text, gsize len,
                        const char *origin, guint *n_added, GError **error)
{
  return add_keylog_text (self, text, len, origin, FALSE, n_added, error);
}

gboolean
iot_secrets_add_embedded_keylog (IotSecrets *self, const char *text, gsize len,
                                 const char *origin, guint *n_added, GError **error)
{
  return add_keylog_text (self, text, len, origin, TRUE, n_added, error);
}

void
iot_secrets_forget_embedded (IotSecrets *self)
{
  GHashTableIter iter;
  gpointer random;

  g_rw_lock_writer_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->embedded);
  while (g_hash_table_iter_next (&iter, &random, NULL))
    {
      /* A client random a key log also gave keeps its entries. */
      if (g_hash_table_contains (self->given, random))
        continue;
      for (guint i = 0; i < IOT_KEYLOG_N_LABELS; i++)
        g_hash_table_remove (self->keylog[i], random);
    }
  g_hash_table_remove_all (self->embedded);
  g_rw_lock_writer_unlock (&self->lock);
}

gboolean
iot_secrets_keylog_is_embedded (IotSecrets *self, const guint8 *client_random)
{
  g_autoptr (GBytes) key = g_bytes_new_static (client_random, CLIENT_RANDOM_LEN);
  gboolean embedded;

  g_rw_lock_reader_lock (&self->lock);
  embedded = g_hash_table_contains (self->embedded, key);
  g_rw_lock_reader_unlock (&self->lock);
  return embedded;
}

/* Whether @text reads as an NSS key log: at least one line with a known
 * label, a 32-byte client random and a secret, and every other line blank
 * or a comment (the first 64 KiB decide). */
gboolean
iot_secrets_looks_like_keylog (const char *text, gsize len)
{
  g_autoptr (IotSecrets) probe = iot_secrets_new ();
  guint added = 0;
  gsize cut = MIN (len, 65536);

  /* A file cut mid-line: judge the complete lines only. */
  if (cut < len)
    while (cut > 0 && text[cut - 1] != '\n')
      cut--;
  if (memchr (text, '\0', cut) != NULL)
    return FALSE;
  return iot_secrets_add_keylog (probe, text, cut, NULL, &added, NULL) && added > 0;
}

gboolean
iot_secrets_add_keylog_file (IotSecrets *self, const char *path, GError **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &text, &len, error))
    return FALSE;
  return iot_secrets_add_keylog (self, text, len, path, NULL, error);
}

gboolean
iot_secrets_add_psk (IotSecrets *self, const char *identity, const char *hex, GError **error)
{
  g_autoptr (GBytes) key = bytes_from_hex (hex, strlen (hex));

  if (key == NULL || g_bytes_get_size (key) > MAX_SECRET_LEN)
    {
      g_set_error (error, IOT_SECRETS_ERROR, IOT_SECRETS_ERROR_MALFORMED,
                   "pre-shared key \"%s\" is not hex (at most %u bytes)", hex, MAX_SECRET_LEN);
      return FALSE;
    }
  g_rw_lock_writer_lock (&self->lock);
  g_hash_table_replace (self->psks, g_bytes_new (identity ? identity : "", identity ? strlen (identity) : 0),
                        g_steal_pointer (&key));
  g_rw_lock_writer_unlock (&self->lock);
  return TRUE;
}

/* A 16-byte key in hex, with or without ':', '-' or ' ' between bytes
 * (as tshark's key tables take them). */
static gboolean
key_from_hex (const char *key, guint8 out[16])
{
  guint n = 0;

  for (const char *p = key; *p; p++)
    {
      int hi, lo;

      if (*p == ':' || *p == '-' || *p == ' ')
        continue;
      hi = g_ascii_xdigit_value (p[0]);
      lo = hi < 0 ? -1 : g_ascii_xdigit_value (p[1]);
      if (lo < 0 || n == 16)
        return FALSE;
      out[n++] = (guint8) (hi << 4 | lo);
      p++;
    }
  return n == 16;
}

gboolean
iot_secrets_add_zigbee_key (IotSecrets *self, const char *key, gboolean reversed,
                            const char *label, GError **error)
{
  ZigbeeKey entry = { { 0 }, { 0 } };

  if (!key_from_hex (key, entry.key))
    {
      g_set_error (error, IOT_SECRETS_ERROR, IOT_SECRETS_ERROR_MALFORMED,
                   "Zigbee key \"%s\" is not 16 bytes of hex", key);
      return FALSE;
    }
  if (reversed)
    for (guint i = 0; i < ZIGBEE_KEY_LEN / 2; i++)
      {
        guint8 b = entry.key[i];

        entry.key[i] = entry.key[ZIGBEE_KEY_LEN - 1 - i];
        entry.key[ZIGBEE_KEY_LEN - 1 - i] = b;
      }
  g_strlcpy (entry.label, label ? label : "", sizeof entry.label);
  g_rw_lock_writer_lock (&self->lock);
  g_array_append_val (self->zigbee_keys, entry);
  g_rw_lock_writer_unlock (&self->lock);
  return TRUE;
}

gboolean
iot_secrets_zigbee_key (IotSecrets *self, guint index, guint8 key[16],
                        char *label_out, gsize label_size)
{
  gboolean found = FALSE;

  g_rw_lock_reader_lock (&self->lock);
  if (index < self->zigbee_keys->len)
    {
      const ZigbeeKey *entry = &g_array_index (self->zigbee_keys, ZigbeeKey, index);

      memcpy (key, entry->key, ZIGBEE_KEY_LEN);
      if (label_out != NULL && label_size > 0)
        g_strlcpy (label_out, entry->label, label_size);
      found = TRUE;
    }
  g_rw_lock_reader_unlock (&self->lock);
  return found;
}

/* One quoted value of a UAT record ("a","b\"c"); advances *p past it and
 * the comma after it.  NULL when *p does not start with a quoted value. */
static char *
uat_field (const char **p)
{
  GString *out;
  const char *s = *p;

  while (*s == ' ')
    s++;
  if (*s != '"')
    return NULL;
  out = g_string_new (NULL);
  for (s++; *s && *s != '"'; s++)
    {
      if (*s == '\\' && s[1])
        s++;
      g_string_append_c (out, *s);
    }
  if (*s != '"')
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  for (s++; *s == ' '; s++)
    ;
  if (*s == ',')
    s++;
  *p = s;
  return g_string_free (out, FALSE);
}

/* tshark's zigbee_pc_keys record: "KEY","Normal" or "Reverse","LABEL". */
static gboolean
add_zigbee_uat_entry (IotSecrets *self, const char *entry, GError **error)
{
  const char *p = entry;
  g_autofree char *key = uat_field (&p);
  g_autofree char *order = key ? uat_field (&p) : NULL;
  g_autofree char *label = order ? uat_field (&p) : NULL;

  if (label == NULL || *p != '\0'
      || (g_ascii_strcasecmp (order, "Normal") != 0 && g_ascii_strcasecmp (order, "Reverse") != 0))
    {
      g_set_error (error, IOT_SECRETS_ERROR, IOT_SECRETS_ERROR_MALFORMED,
                   "expected \"KEY\",\"Normal\" (or \"Reverse\"),\"LABEL\" in a zigbee_pc_keys entry, got %s",
                   entry);
      return FALSE;
    }
  return iot_secrets_add_zigbee_key (self, key, g_ascii_strcasecmp (order, "Reverse") == 0, label, error);
}

gboolean
iot_secrets_add_wpan_key (IotSecrets *self, const char *key, guint key_index,
                          IotWpanKeyHash hash, GError **error)
{
  IotWpanKey entry = { .key_index = key_index, .hash = hash };

  if (!key_from_hex (key, entry.key))
    {
      g_set_error (error, IOT_SECRETS_ERROR, IOT_SECRETS_ERROR_MALFORMED,
                   "IEEE 802.15.4 key \"%s\" is not 16 bytes of hex", key);
      return FALSE;
    }
  g_rw_lock_writer_lock (&self->lock);
  g_array_append_val (self->wpan_keys, entry);
  g_rw_lock_writer_unlock (&self->lock);
  return TRUE;
}

gboolean
iot_secrets_wpan_key (IotSecrets *self, guint n, IotWpanKey *out)
{
  gboolean found = FALSE;

  g_rw_lock_reader_lock (&self->lock);
  if (n < self->wpan_keys->len)
    {
      *out = g_array_index (self->wpan_keys, IotWpanKey, n);
      found = TRUE;
    }
  g_rw_lock_reader_unlock (&self->lock);
  return found;
}

guint
iot_secrets_n_wpan_keys (IotSecrets *self)
{
  guint n;

  g_rw_lock_reader_lock (&self->lock);
  n = self->wpan_keys->len;
  g_rw_lock_reader_unlock (&self->lock);
  return n;
}

IotThreadPrefs
iot_secrets_thread_prefs (IotSecrets *self)
{
  IotThreadPrefs prefs;

  g_rw_lock_reader_lock (&self->lock);
  prefs = self->thread;
  g_rw_lock_reader_unlock (&self->lock);
  return prefs;
}

/* tshark's ieee802154_keys record: "KEY","INDEX","HASH" with HASH one of
 * "No hash" (the key as given, for frames naming that key index),
 * "ZigBee IP hash" (the key hashed with HMAC-SHA256 and "ZigBeeIP", for
 * frames naming that key index) or "Thread hash" (the key is a Thread
 * network key: MAC and MLE keys are derived per key sequence and the index
 * column is not used). */
static gboolean
add_wpan_uat_entry (IotSecrets *self, const char *entry, GError **error)
{
  const char *p = entry;
  g_autofree char *key = uat_field (&p);
  g_autofree char *index = key ? uat_field (&p) : NULL;
  g_autofree char *hash = index ? uat_field (&p) : NULL;
  IotWpanKeyHash kind;
  guint64 index_value = 0;

  if (hash == NULL || *p != '\0')
    {
      g_set_error (error, IOT_SECRETS_ERROR, IOT_SECRETS_ERROR_MALFORMED,
                   "expected \"KEY\",\"INDEX\",\"No hash|ZigBee IP hash|Thread hash\" in an ieee802154_keys entry, got %s",
                   entry);
      return FALSE;
    }
  /* tshark 4.0 takes exactly these words (and rejects "NONE", "none" …). */
  if (g_str_equal (hash, "No hash"))
    kind = IOT_WPAN_KEY_HASH_NONE;
  else if (g_str_equal (hash, "ZigBee IP hash"))
    kind = IOT_WPAN_KEY_HASH_ZIP;
  else if (g_str_equal (hash, "Thread hash"))
    kind = IOT_WPAN_KEY_HASH_THREAD;
  else
    {
      g_set_error (error, IOT_SECRETS_ERROR, IOT_SECRETS_ERROR_MALFORMED,
                   "unknown key hash \"%s\" in an ieee802154_keys entry (No hash, ZigBee IP hash or Thread hash)",
                   hash);
      return FALSE;
    }
  if (*index != '\0' && !g_ascii_string_to_unsigned (index, 10, 0, 255, &index_value, NULL))
    {
      g_set_error (error, IOT_SECRETS_ERROR, IOT_SECRETS_ERROR_MALFORMED,
                   "key index \"%s\" of an ieee802154_keys entry is not a number from 0 to 255", index);
      return FALSE;
    }
  return iot_secrets_add_wpan_key (self, key, (guint) index_value, kind, error);
}

/* thread.thr_seq_ctr: the key sequence counter as 4 bytes of hex, most
 * significant first; tshark reads anything else as 0. */
static guint32
parse_thread_seq_ctr (const char *value)
{
  guint8 bytes[4];
  guint n = 0;

  for (const char *p = value; *p; p++)
    {
      int hi = g_ascii_xdigit_value (p[0]), lo;

      if (*p == ':' || *p == '-' || *p == ' ')
        continue;
      lo = hi < 0 ? -1 : g_ascii_xdigit_value (p[1]);
      if (lo < 0 || n == 4)
        return 0;
      bytes[n++] = (guint8) (hi << 4 | lo);
      p++;
    }
  return n == 4 ? (guint32) bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3] : 0;
}

static gboolean
parse_bool_pref (const char *name, const char *value, gboolean *out, GError **error)
{
  if (g_ascii_strcasecmp (value, "TRUE") == 0)
    *out = TRUE;
  else if (g_ascii_strcasecmp (value, "FALSE") == 0)
    *out = FALSE;
  else
    {
      g_set_error (error, IOT_SECRETS_ERROR, IOT_SECRETS_ERROR_MALFORMED,
                   "%s takes TRUE or FALSE, not \"%s\"", name, value);
      return FALSE;
    }
  return TRUE;
}

static gboolean
set_thread_preference (IotSecrets *self, const char *name, const char *value, GError **error)
{
  gboolean flag = FALSE;

  if (g_str_equal (name, "thread.thr_seq_ctr"))
    {
      g_rw_lock_writer_lock (&self->lock);
      self->thread.seq_ctr = parse_thread_seq_ctr (value);
      g_rw_lock_writer_unlock (&self->lock);
      return TRUE;
    }
  if (!parse_bool_pref (name, value, &flag, error))
    return FALSE;
  g_rw_lock_writer_lock (&self->lock);
  if (g_str_equal (name, "thread.thr_auto_acq_thr_seq_ctr"))
    self->thread.auto_acquire = flag;
  else
    self->thread.use_pan_id_in_key = flag;
  g_rw_lock_writer_unlock (&self->lock);
  return TRUE;
}

/* zbee_nwk.seclevel: Zigbee PRO always uses level 5 (sent as 0 in the
 * frame); the other levels exist only in Zigbee 2004 networks. */
static gboolean
set_zigbee_security_level (const char *value, GError **error)
{
  if (g_ascii_strcasecmp (value, "AES-128 Encryption, 32-bit Integrity Protection") == 0
      || g_str_equal (value, "5"))
    return TRUE;
  g_set_error (error, IOT_SECRETS_ERROR, IOT_SECRETS_ERROR_MALFORMED,
               "only \"AES-128 Encryption, 32-bit Integrity Protection\" is supported for zbee_nwk.seclevel, not \"%s\"",
               value);
  return FALSE;
}

gboolean
iot_secrets_set_preference (IotSecrets *self, const char *name_value, GError **error)
{
  const char *colon = strchr (name_value, ':');
  g_autofree char *name = NULL;
  const char *value;

  if (colon == NULL)
    {
      g_set_error (error, IOT_SECRETS_ERROR, IOT_SECRETS_ERROR_MALFORMED,
                   "\"%s\" is not NAME:VALUE", name_value);
      return FALSE;
    }
  name = g_strndup (name_value, colon - name_value);
  value = colon + 1;
  /* tshark keeps the old ssl.* names as aliases of tls.*. */
  if (g_str_equal (name, "tls.keylog_file") || g_str_equal (name, "ssl.keylog_file"))
    return *value == '\0' || iot_secrets_add_keylog_file (self, value, error);
  if (g_str_equal (name, "tls.psk") || g_str_equal (name, "ssl.psk") || g_str_equal (name, "dtls.psk"))
    return *value == '\0' || iot_secrets_add_psk (self, NULL, value, error);
  if (g_str_equal (name, "uat") && g_str_has_prefix (value, "zigbee_pc_keys:"))
    return add_zigbee_uat_entry (self, value + strlen ("zigbee_pc_keys:"), error);
  if (g_str_equal (name, "zbee_nwk.seclevel"))
    return set_zigbee_security_level (value, error);
  if (g_str_equal (name, "uat") && g_str_has_prefix (value, "ieee802154_keys:"))
    return add_wpan_uat_entry (self, value + strlen ("ieee802154_keys:"), error);
  if (g_str_equal (name, "thread.thr_seq_ctr") || g_str_equal (name, "thread.thr_auto_acq_thr_seq_ctr")
      || g_str_equal (name, "thread.thr_use_pan_id_in_key"))
    return set_thread_preference (self, name, value, error);
  g_set_error (error, IOT_SECRETS_ERROR, IOT_SECRETS_ERROR_UNKNOWN_PREF,
               "unknown preference \"%s\"", name);
  return FALSE;
}

static gsize
copy_out (GBytes *value, guint8 *out, gsize out_size)
{
  gsize len;
  const guint8 *data;

  if (value == NULL)
    return 0;
  data = g_bytes_get_data (value, &len);
  if (len > out_size)
    return 0;
  memcpy (out, data, len);
  return len;
}

gsize
iot_secrets_lookup_keylog (IotSecrets *self, IotKeylogLabel label,
                           const guint8 *client_random, guint8 *out, gsize out_size)
{
  g_autoptr (GBytes) key = NULL;
  gsize len;

  if (label >= IOT_KEYLOG_N_LABELS)
    return 0;
  key = g_bytes_new_static (client_random, label == IOT_KEYLOG_RSA ? RSA_KEY_LEN : CLIENT_RANDOM_LEN);
  g_rw_lock_reader_lock (&self->lock);
  len = copy_out (g_hash_table_lookup (self->keylog[label], key), out, out_size);
  g_rw_lock_reader_unlock (&self->lock);
  return len;
}

gsize
iot_secrets_lookup_psk (IotSecrets *self, const guint8 *identity, gsize identity_len,
                        guint8 *out, gsize out_size)
{
  g_autoptr (GBytes) key = g_bytes_new_static (identity ? (gconstpointer) identity : "", identity ? identity_len : 0);
  g_autoptr (GBytes) any = g_bytes_new_static ("", 0);
  gsize len;

  g_rw_lock_reader_lock (&self->lock);
  len = copy_out (g_hash_table_lookup (self->psks, key), out, out_size);
  if (len == 0)
    len = copy_out (g_hash_table_lookup (self->psks, any), out, out_size);
  g_rw_lock_reader_unlock (&self->lock);
  return len;
}

guint
iot_secrets_n_keylog_entries (IotSecrets *self)
{
  guint n = 0;

  g_rw_lock_reader_lock (&self->lock);
  for (guint i = 0; i < IOT_KEYLOG_N_LABELS; i++)
    n += g_hash_table_size (self->keylog[i]);
  g_rw_lock_reader_unlock (&self->lock);
  return n;
}

gboolean
iot_secrets_is_empty (IotSecrets *self)
{
  gboolean empty;

  g_rw_lock_reader_lock (&self->lock);
  empty = g_hash_table_size (self->psks) == 0;
  g_rw_lock_reader_unlock (&self->lock);
  return empty && iot_secrets_n_keylog_entries (self) == 0;
}

static void
append_hex (GString *out, GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, "%02x", data[i]);
}

static int
compare_lines (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

char *
iot_secrets_to_keylog (IotSecrets *self)
{
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);

  g_rw_lock_reader_lock (&self->lock);
  for (guint label = 0; label < IOT_KEYLOG_N_LABELS; label++)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, self->keylog[label]);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          GString *line = g_string_new (label_names[label]);

          g_string_append_c (line, ' ');
          append_hex (line, key);
          g_string_append_c (line, ' ');
          append_hex (line, value);
          g_string_append_c (line, '\n');
          g_ptr_array_add (lines, g_string_free (line, FALSE));
        }
    }
  g_rw_lock_reader_unlock (&self->lock);
  /* Sorted, so the same secrets always make the same file. */
  g_ptr_array_sort (lines, compare_lines);
  for (guint i = 0; i < lines->len; i++)
    g_string_append (out, g_ptr_array_index (lines, i));
  return g_string_free (out, FALSE);
}
