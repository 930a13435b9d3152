/* iot-exercise.c — exercise packs: loading, building from a teacher's
 * source, checking answers by meaning, grading a class.
 *
 * References never sit in a built pack as plain text.  Answers that can be
 * compared exactly (counts, frame numbers, typed values, choices, and the
 * frame set a reference filter selects) are stored as salted SHA-256
 * hashes of their canonical form, so checking needs no secret.  The text
 * of a reference filter, which feedback needs ("3 frames too many"), is
 * sealed with AES-256-GCM under a key derived from the teacher's secret.
 */
#include <math.h>
#include <string.h>

#include <gcrypt.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "iot-exercise.h"
#include "iot-filter.h"
#include "iot-print.h"

#define PACK_FORMAT "iotscope-exercise-pack"
#define SOURCE_FORMAT "iotscope-exercise-source"
#define ANSWERS_FORMAT "iotscope-exercise-answers"
#define KDF_ITERATIONS 20000
#define KEY_BYTES 32
#define IV_BYTES 12
#define TAG_BYTES 16
/* Values with a tolerance are compared on a grid this many times finer. */
#define TOLERANCE_STEPS 4

G_DEFINE_QUARK (iot-exercise-error-quark, iot_exercise_error)

typedef struct {
  char   *id;
  char   *path;      /* as written in the pack, or NULL when bundled */
  char   *sha256;
  GBytes *data;      /* bundled bytes, or NULL */
} PackCapture;

struct _IotQuestion {
  char            *id;
  IotQuestionKind  kind;
  char            *text;
  char            *hint;
  char            *explanation;
  guint            points;
  GStrv            choices;
  char            *field;
  double           tolerance;
  GHashTable      *hidden_frames;  /* capture id → frame (GUINT_TO_POINTER) */
  GHashTable      *checks;         /* capture id or "*" → GPtrArray of hex hashes */
  char            *sealed;         /* base64 IV | ciphertext | tag, or NULL */
};

struct _IotExercisePack {
  char      *id;
  char      *title;
  char      *description;
  char      *salt;
  char      *secret;       /* practice packs carry it */
  char      *base_dir;
  GPtrArray *captures;     /* PackCapture */
  GPtrArray *questions;    /* IotQuestion */
  guint8     key[KEY_BYTES];
  gboolean   unlocked;
};

struct _IotExerciseSession {
  IotExercisePack *pack;
  guint            capture_index;
  IotFile         *file;
  IotEngine       *engine;
};

static const char *const kind_names[] = {
  [IOT_QUESTION_FILTER] = "filter",
  [IOT_QUESTION_COUNT] = "count",
  [IOT_QUESTION_FRAME] = "frame",
  [IOT_QUESTION_VALUE] = "value",
  [IOT_QUESTION_CHOICE] = "choice",
  [IOT_QUESTION_HIDDEN_FIELD] = "hidden-field",
};

const char *
iot_question_kind_name (IotQuestionKind kind)
{
  return kind < G_N_ELEMENTS (kind_names) ? kind_names[kind] : "?";
}

static gboolean
kind_from_name (const char *name, IotQuestionKind *kind)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (kind_names); i++)
    if (g_str_equal (name, kind_names[i]))
      {
        *kind = i;
        return TRUE;
      }
  return FALSE;
}

/* ---- small JSON helpers that never trust the input's types ------------- */

static const char *
member_string (JsonObject *object, const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
member_object (JsonObject *object, const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
member_array (JsonObject *object, const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* A number member as a double; FALSE when absent or not a number. */
static gboolean
member_number (JsonObject *object, const char *name, double *value)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;
  GType type;

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE)
    return FALSE;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *value = json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *value = json_node_get_double (node);
  else
    return FALSE;
  return TRUE;
}

/* A JSON scalar (string or number) as answer text. */
static char *
node_to_answer (JsonNode *node)
{
  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE)
    return NULL;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (node));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case G_TYPE_DOUBLE:
      {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];
        return g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)));
      }
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (node) ? "true" : "false");
    default:
      return NULL;
    }
}

static gboolean
invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, IOT_EXERCISE_ERROR, IOT_EXERCISE_ERROR_INVALID, message);
  return FALSE;
}

/* ---- freeing ---------------------------------------------------------- */

static void
pack_capture_free (PackCapture *capture)
{
  g_free (capture->id);
  g_free (capture->path);
  g_free (capture->sha256);
  g_clear_pointer (&capture->data, g_bytes_unref);
  g_free (capture);
}

static void
question_free (IotQuestion *question)
{
  g_free (question->id);
  g_free (question->text);
  g_free (question->hint);
  g_free (question->explanation);
  g_strfreev (question->choices);
  g_free (question->field);
  g_clear_pointer (&question->hidden_frames, g_hash_table_unref);
  g_clear_pointer (&question->checks, g_hash_table_unref);
  g_free (question->sealed);
  g_free (question);
}

static IotQuestion *
question_new (void)
{
  IotQuestion *question = g_new0 (IotQuestion, 1);

  question->points = 1;
  question->hidden_frames = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  question->checks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_ptr_array_unref);
  return question;
}

static IotExercisePack *
pack_new (void)
{
  IotExercisePack *pack = g_new0 (IotExercisePack, 1);

  pack->captures = g_ptr_array_new_with_free_func ((GDestroyNotify) pack_capture_free);
  pack->questions = g_ptr_array_new_with_free_func ((GDestroyNotify) question_free);
  return pack;
}

void
iot_exercise_pack_free (IotExercisePack *pack)
{
  if (pack == NULL)
    return;
  g_free (pack->id);
  g_free (pack->title);
  g_free (pack->description);
  g_free (pack->salt);
  if (pack->secret != NULL)
    memset (pack->secret, 0, strlen (pack->secret));
  g_free (pack->secret);
  g_free (pack->base_dir);
  g_ptr_array_unref (pack->captures);
  g_ptr_array_unref (pack->questions);
  memset (pack->key, 0, sizeof pack->key);
  g_free (pack);
}

/* ---- hashing and sealing ---------------------------------------------- */

/* The stored form of one acceptable answer: the fields are joined with a
 * unit separator so no two (question, capture, answer) triples collide. */
static char *
answer_hash (IotExercisePack *pack, const IotQuestion *question, const char *capture_id,
             const char *canonical)
{
  g_autofree char *text = g_strjoin ("\x1f", pack->salt, question->id, capture_id, canonical, NULL);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

static gboolean
derive_key (IotExercisePack *pack, const char *secret, guint8 key[KEY_BYTES])
{
  gcry_check_version (NULL);
  return gcry_kdf_derive (secret, strlen (secret), GCRY_KDF_PBKDF2, GCRY_MD_SHA256,
                          pack->salt, strlen (pack->salt), KDF_ITERATIONS, KEY_BYTES, key) == 0;
}

static char *
seal (IotExercisePack *pack, const char *plain)
{
  gsize length = strlen (plain);
  g_autofree guint8 *buffer = g_malloc (IV_BYTES + length + TAG_BYTES);
  gcry_cipher_hd_t cipher;

  gcry_create_nonce (buffer, IV_BYTES);
  if (gcry_cipher_open (&cipher, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_GCM, 0) != 0)
    return NULL;
  gcry_cipher_setkey (cipher, pack->key, KEY_BYTES);
  gcry_cipher_setiv (cipher, buffer, IV_BYTES);
  gcry_cipher_encrypt (cipher, buffer + IV_BYTES, length, plain, length);
  gcry_cipher_gettag (cipher, buffer + IV_BYTES + length, TAG_BYTES);
  gcry_cipher_close (cipher);
  return g_base64_encode (buffer, IV_BYTES + length + TAG_BYTES);
}

/* NULL when the key is wrong or the text was altered (GCM's tag). */
static char *
unseal (const guint8 key[KEY_BYTES], const char *sealed)
{
  gsize length = 0;
  g_autofree guint8 *buffer = g_base64_decode (sealed, &length);
  gcry_cipher_hd_t cipher;
  char *plain;
  gsize n;

  if (length < IV_BYTES + TAG_BYTES)
    return NULL;
  n = length - IV_BYTES - TAG_BYTES;
  if (gcry_cipher_open (&cipher, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_GCM, 0) != 0)
    return NULL;
  plain = g_malloc0 (n + 1);
  gcry_cipher_setkey (cipher, key, KEY_BYTES);
  gcry_cipher_setiv (cipher, buffer, IV_BYTES);
  gcry_cipher_decrypt (cipher, plain, n, buffer + IV_BYTES, n);
  if (gcry_cipher_checktag (cipher, buffer + IV_BYTES + n, TAG_BYTES) != 0 || memchr (plain, 0, n) != NULL)
    g_clear_pointer (&plain, g_free);
  gcry_cipher_close (cipher);
  return plain;
}

static const IotQuestion *
first_sealed_question (IotExercisePack *pack)
{
  for (guint i = 0; i < pack->questions->len; i++)
    {
      const IotQuestion *question = g_ptr_array_index (pack->questions, i);

      if (question->sealed != NULL)
        return question;
    }
  return NULL;
}

gboolean
iot_exercise_pack_unlock (IotExercisePack *pack, const char *secret, GError **error)
{
  guint8 key[KEY_BYTES];
  const IotQuestion *probe = first_sealed_question (pack);
  g_autofree char *plain = NULL;

  if (!derive_key (pack, secret, key))
    {
      g_set_error_literal (error, IOT_EXERCISE_ERROR, IOT_EXERCISE_ERROR_SECRET, "could not derive a key");
      return FALSE;
    }
  if (probe != NULL && (plain = unseal (key, probe->sealed)) == NULL)
    {
      g_set_error (error, IOT_EXERCISE_ERROR, IOT_EXERCISE_ERROR_SECRET,
                   "the secret does not open the pack \"%s\"", pack->title);
      return FALSE;
    }
  memcpy (pack->key, key, KEY_BYTES);
  pack->unlocked = TRUE;
  return TRUE;
}

gboolean
iot_exercise_pack_is_unlocked (IotExercisePack *pack)
{
  return pack->unlocked;
}

gboolean
iot_exercise_pack_is_practice (IotExercisePack *pack)
{
  return pack->secret != NULL;
}

/* ---- canonical answers ------------------------------------------------ */

static gboolean
parse_unsigned (const char *text, guint64 *value)
{
  char *end = NULL;

  if (*text == '\0' || *text == '-' || *text == '+')
    return FALSE;
  *value = g_ascii_strtoull (text, &end, g_str_has_prefix (text, "0x") || g_str_has_prefix (text, "0X") ? 16 : 10);
  return end != NULL && *end == '\0';
}

static gboolean
parse_signed (const char *text, gint64 *value)
{
  guint64 magnitude;

  if (*text == '-')
    {
      if (!parse_unsigned (text + 1, &magnitude) || magnitude > (guint64) G_MAXINT64 + 1)
        return FALSE;
      *value = (gint64) (0 - magnitude);
      return TRUE;
    }
  if (!parse_unsigned (text, &magnitude) || magnitude > G_MAXINT64)
    return FALSE;
  *value = (gint64) magnitude;
  return TRUE;
}

static gboolean
parse_double (const char *text, double *value)
{
  char *end = NULL;

  if (*text == '\0')
    return FALSE;
  *value = g_ascii_strtod (text, &end);
  return end != NULL && *end == '\0' && isfinite (*value);
}

/* Hex digits of a byte string, separators (: - . space) dropped, or NULL. */
static char *
canonical_hex (const char *text, guint want_bytes)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == ':' || *p == '-' || *p == '.' || *p == ' ')
        continue;
      if (!g_ascii_isxdigit (*p))
        return (g_string_free (out, TRUE), NULL);
      g_string_append_c (out, g_ascii_tolower (*p));
    }
  if (out->len % 2 != 0 || (want_bytes != 0 && out->len != 2 * want_bytes))
    return (g_string_free (out, TRUE), NULL);
  return g_string_free (out, FALSE);
}

static char *
canonical_boolean (const char *text)
{
  static const char *const yes[] = { "1", "true", "yes", "set" };
  static const char *const no[] = { "0", "false", "no", "not set" };

  for (guint i = 0; i < G_N_ELEMENTS (yes); i++)
    {
      if (g_ascii_strcasecmp (text, yes[i]) == 0)
        return g_strdup ("1");
      if (g_ascii_strcasecmp (text, no[i]) == 0)
        return g_strdup ("0");
    }
  return NULL;
}

/* An integer field's value: a number in any base, or a value name the
 * field's table gives it ("Publish Message" for mqtt.msgtype 3). */
static char *
canonical_integer (const IotField *field, const char *text)
{
  guint64 u;
  gint64 i;

  if (iot_field_type_is_signed (field->type))
    return parse_signed (text, &i) ? g_strdup_printf ("%" G_GINT64_FORMAT, i) : NULL;
  if (parse_unsigned (text, &u))
    return g_strdup_printf ("%" G_GUINT64_FORMAT, u);
  for (const IotValueName *v = field->vals; v != NULL && v->name != NULL; v++)
    if (g_ascii_strcasecmp (v->name, text) == 0)
      return g_strdup_printf ("%" G_GUINT64_FORMAT, v->value);
  return NULL;
}

static char *
canonical_address (const char *text, GSocketFamily family)
{
  g_autoptr (GInetAddress) address = g_inet_address_new_from_string (text);

  if (address == NULL || g_inet_address_get_family (address) != family)
    return NULL;
  return g_inet_address_to_string (address);
}

/* A number on the tolerance grid: "b:<index>". */
static char *
grid_cell (double value, double tolerance, gint64 shift)
{
  double step = tolerance / TOLERANCE_STEPS;

  return g_strdup_printf ("b:%.0f", floor (value / step + 0.5) + (double) shift);
}

/* The canonical form of @text as a value of @field, or NULL when it is no
 * such value.  Field types decide what "the same" means: 10.0.0.1 and
 * 010.000.000.001 are not both IPv4 text, but 0x03 and 3 are one integer. */
static char *
canonical_value (const IotField *field, double tolerance, const char *raw)
{
  g_autofree char *text = g_strstrip (g_strdup (raw));
  double d;

  if (field == NULL)
    return g_strdup (text);
  if (tolerance > 0)
    return parse_double (text, &d) ? grid_cell (d, tolerance, 0) : NULL;
  switch (field->type)
    {
    case IOT_FT_BOOLEAN:
      return canonical_boolean (text);
    case IOT_FT_UINT8: case IOT_FT_UINT16: case IOT_FT_UINT24: case IOT_FT_UINT32: case IOT_FT_UINT64:
    case IOT_FT_INT8: case IOT_FT_INT16: case IOT_FT_INT32: case IOT_FT_INT64: case IOT_FT_FRAMENUM:
      return canonical_integer (field, text);
    case IOT_FT_DOUBLE:
    case IOT_FT_RELATIVE_TIME:
      {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];
        return parse_double (text, &d) ? g_strdup (g_ascii_formatd (buf, sizeof buf, "%.12g", d)) : NULL;
      }
    case IOT_FT_IPV4:
      return canonical_address (text, G_SOCKET_FAMILY_IPV4);
    case IOT_FT_IPV6:
      return canonical_address (text, G_SOCKET_FAMILY_IPV6);
    case IOT_FT_ETHER:
      return canonical_hex (text, 6);
    case IOT_FT_EUI64:
      return canonical_hex (text, 8);
    case IOT_FT_BYTES:
      return canonical_hex (text, 0);
    default:
      return g_strdup (text);
    }
}

static char *
canonical_number (const char *raw)
{
  g_autofree char *text = g_strstrip (g_strdup (raw));
  const char *digits = text;
  guint64 value;

  if (*digits == '#')
    digits++;
  return parse_unsigned (digits, &value) ? g_strdup_printf ("%" G_GUINT64_FORMAT, value) : NULL;
}

/* A choice answer: its number (1-based), its letter, or its text. */
static char *
canonical_choice (const IotQuestion *question, const char *raw)
{
  g_autofree char *text = g_strstrip (g_strdup (raw));
  guint n = question->choices ? g_strv_length (question->choices) : 0;
  guint64 number;

  if (parse_unsigned (text, &number) && number >= 1 && number <= n)
    return g_strdup_printf ("c:%u", (guint) number);
  if (strlen (text) == 1 && g_ascii_isalpha (text[0]) && (guint) (g_ascii_toupper (text[0]) - 'A') < n)
    return g_strdup_printf ("c:%u", (guint) (g_ascii_toupper (text[0]) - 'A') + 1);
  for (guint i = 0; i < n; i++)
    if (g_ascii_strcasecmp (question->choices[i], text) == 0)
      return g_strdup_printf ("c:%u", i + 1);
  return NULL;
}

static const IotField *
question_field (const IotQuestion *question)
{
  return question->field != NULL ? iot_registry_field (question->field) : NULL;
}

/* ---- frame sets and values on a capture ------------------------------- */

static IotFilter *
compile_or_explain (const char *text, char **message)
{
  g_autoptr (IotFilterProblem) problem = NULL;
  IotFilter *filter = iot_filter_compile (text, &problem);

  if (filter == NULL && message != NULL)
    *message = iot_filter_problem_format (problem, text);
  return filter;
}

/* The frames @filter selects, in order. */
static GArray *
select_frames (IotEngine *engine, IotFilter *filter)
{
  IotFile *file = iot_engine_file (engine);
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  g_autoptr (IotFieldSet) wanted = iot_field_set_new ();
  IotDissectOptions options = { 0 };
  GArray *frames = g_array_new (FALSE, FALSE, sizeof (guint32));

  iot_filter_add_fields (filter, wanted);
  options.fields = wanted;
  for (guint32 number = 1; number <= iot_file_n_frames (file); number++)
    {
      options.prev_displayed = number - 1;
      iot_engine_dissect (engine, pkt, number, &options);
      if (iot_filter_matches (filter, pkt))
        g_array_append_val (frames, number);
    }
  return frames;
}

static char *
frame_set_text (GArray *frames)
{
  GString *out = g_string_new ("s:");

  for (guint i = 0; i < frames->len; i++)
    g_string_append_printf (out, i ? ",%u" : "%u", g_array_index (frames, guint32, i));
  return g_string_free (out, FALSE);
}

/* The field's first occurrence at a frame, as tshark -T fields -E
 * occurrence=f prints it; NULL when the frame lacks it. */
static char *
field_text_at (IotEngine *engine, const IotField *field, guint32 number)
{
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  g_autoptr (IotFieldSet) wanted = iot_field_set_new ();
  g_autoptr (IotFieldsPrinter) printer = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  IotDissectOptions options = { 0 };
  IotFieldsFormat format;

  iot_fields_format_init (&format);
  format.occurrence = 'f';
  iot_field_set_add (wanted, field);
  options.fields = wanted;
  options.prev_displayed = number - 1;
  iot_engine_dissect (engine, pkt, number, &options);
  printer = iot_fields_printer_new (&field, 1, &format);
  iot_fields_printer_row (printer, pkt, out);
  g_strchomp (out->str);
  return *out->str != '\0' ? g_strdup (out->str) : NULL;
}

/* ---- loading ------------------------------------------------------------ */

static gboolean
load_captures (IotExercisePack *pack, JsonArray *captures, GError **error)
{
  guint n = captures ? json_array_get_length (captures) : 0;

  if (n == 0)
    return invalid (error, "a pack needs at least one capture");
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (captures, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *id = member_string (object, "id"), *sha = member_string (object, "sha256");
      const char *path = member_string (object, "path"), *data = member_string (object, "data");
      PackCapture *capture;

      if (id == NULL || sha == NULL || (path == NULL) == (data == NULL))
        return invalid (error, "capture %u needs an id, a sha256 and either a path or bundled data", i + 1);
      capture = g_new0 (PackCapture, 1);
      capture->id = g_strdup (id);
      capture->sha256 = g_ascii_strdown (sha, -1);
      capture->path = g_strdup (path);
      if (data != NULL)
        {
          gsize length = 0;
          guchar *bytes = g_base64_decode (data, &length);

          capture->data = g_bytes_new_take (bytes, length);
        }
      g_ptr_array_add (pack->captures, capture);
    }
  return TRUE;
}

static gboolean
load_checks (IotQuestion *question, JsonObject *checks, GError **error)
{
  g_autoptr (GList) names = checks ? json_object_get_members (checks) : NULL;

  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonArray *array = member_array (checks, l->data);
      GPtrArray *hashes = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);

          if (JSON_NODE_TYPE (node) == JSON_NODE_VALUE && json_node_get_value_type (node) == G_TYPE_STRING)
            g_ptr_array_add (hashes, g_ascii_strdown (json_node_get_string (node), -1));
        }
      g_hash_table_replace (question->checks, g_strdup (l->data), hashes);
    }
  if (g_hash_table_size (question->checks) == 0)
    return invalid (error, "question \"%s\" has no stored answers (\"check\")", question->id);
  return TRUE;
}

static void
load_hidden_frames (IotQuestion *question, JsonObject *frames)
{
  g_autoptr (GList) names = frames ? json_object_get_members (frames) : NULL;

  for (GList *l = names; l != NULL; l = l->next)
    {
      double number;

      if (member_number (frames, l->data, &number) && number >= 1 && number <= G_MAXUINT32)
        g_hash_table_replace (question->hidden_frames, g_strdup (l->data), GUINT_TO_POINTER ((guint32) number));
    }
}

static GStrv
load_choices (JsonArray *array)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_TYPE (node) == JSON_NODE_VALUE && json_node_get_value_type (node) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (node));
    }
  return g_strv_builder_end (builder);
}

/* The parts of a question shared by packs and sources. */
static IotQuestion *
load_question_text (JsonObject *object, guint index, GError **error)
{
  IotQuestion *question;
  IotQuestionKind kind;
  const char *id = member_string (object, "id"), *text = member_string (object, "text");
  double number;

  if (id == NULL || text == NULL || !kind_from_name (member_string (object, "kind"), &kind))
    return (invalid (error, "question %u needs an id, a text and a known kind", index + 1), NULL);
  question = question_new ();
  question->id = g_strdup (id);
  question->kind = kind;
  question->text = g_strdup (text);
  question->hint = g_strdup (member_string (object, "hint"));
  question->explanation = g_strdup (member_string (object, "explanation"));
  question->field = g_strdup (member_string (object, "field"));
  if (member_number (object, "points", &number) && number >= 0 && number <= 1000)
    question->points = (guint) number;
  if (member_number (object, "tolerance", &number) && number > 0 && number < 1e9)
    question->tolerance = number;
  question->choices = load_choices (member_array (object, "choices"));
  if (kind == IOT_QUESTION_CHOICE && g_strv_length (question->choices) < 2)
    return (question_free (question), invalid (error, "choice question \"%s\" needs two choices", id), NULL);
  if ((kind == IOT_QUESTION_VALUE || kind == IOT_QUESTION_HIDDEN_FIELD) && question->field == NULL)
    return (question_free (question), invalid (error, "question \"%s\" needs a field", id), NULL);
  return question;
}

static gboolean
load_questions (IotExercisePack *pack, JsonArray *questions, gboolean source, GError **error)
{
  guint n = questions ? json_array_get_length (questions) : 0;

  if (n == 0)
    return invalid (error, "a pack needs at least one question");
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (questions, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      IotQuestion *question = load_question_text (object, i, error);

      if (question == NULL)
        return FALSE;
      g_ptr_array_add (pack->questions, question);
      for (guint j = 0; j < i; j++)
        if (g_str_equal (((IotQuestion *) g_ptr_array_index (pack->questions, j))->id, question->id))
          return invalid (error, "two questions are called \"%s\"", question->id);
      if (source)
        continue;
      if (!load_checks (question, member_object (object, "check"), error))
        return FALSE;
      question->sealed = g_strdup (member_string (object, "sealed"));
      load_hidden_frames (question, member_object (object, "hidden-frames"));
    }
  return TRUE;
}

static JsonObject *
parse_root (JsonParser *parser, const char *data, gsize length, GError **error)
{
  JsonNode *root;

  if (!json_parser_load_from_data (parser, data, length, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return (invalid (error, "not a JSON object"), NULL);
  return json_node_get_object (root);
}

static gboolean
load_header (IotExercisePack *pack, JsonObject *root, const char *format, GError **error)
{
  double version = 0;

  if (g_strcmp0 (member_string (root, "format"), format) != 0)
    return invalid (error, "not an exercise pack (\"format\" is not \"%s\")", format);
  if (!member_number (root, "version", &version) || version != 1)
    return invalid (error, "unsupported pack version (this program reads version 1)");
  pack->id = g_strdup (member_string (root, "id"));
  pack->title = g_strdup (member_string (root, "title"));
  pack->description = g_strdup (member_string (root, "description"));
  if (pack->id == NULL || pack->title == NULL)
    return invalid (error, "a pack needs an id and a title");
  return TRUE;
}

IotExercisePack *
iot_exercise_pack_load_data (const char *data, gsize length, const char *base_dir, GError **error)
{
  g_autoptr (IotExercisePack) pack = pack_new ();
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *root = parse_root (parser, data, length, error);

  if (root == NULL || !load_header (pack, root, PACK_FORMAT, error))
    return NULL;
  pack->salt = g_strdup (member_string (root, "salt"));
  if (pack->salt == NULL || strlen (pack->salt) < 16)
    return (invalid (error, "a built pack needs a salt of at least 16 characters"), NULL);
  pack->base_dir = g_strdup (base_dir);
  if (!load_captures (pack, member_array (root, "captures"), error)
      || !load_questions (pack, member_array (root, "questions"), FALSE, error))
    return NULL;
  pack->secret = g_strdup (member_string (root, "secret"));
  if (pack->secret != NULL && !iot_exercise_pack_unlock (pack, pack->secret, error))
    return NULL;
  return g_steal_pointer (&pack);
}

IotExercisePack *
iot_exercise_pack_load (const char *path, GError **error)
{
  g_autofree char *data = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  gsize length;

  if (!g_file_get_contents (path, &data, &length, error))
    return NULL;
  return iot_exercise_pack_load_data (data, length, dir, error);
}

/* ---- accessors -------------------------------------------------------- */

const char *iot_exercise_pack_id (IotExercisePack *pack) { return pack->id; }
const char *iot_exercise_pack_title (IotExercisePack *pack) { return pack->title; }
const char *iot_exercise_pack_description (IotExercisePack *pack) { return pack->description; }
guint iot_exercise_pack_n_captures (IotExercisePack *pack) { return pack->captures->len; }
guint iot_exercise_pack_n_questions (IotExercisePack *pack) { return pack->questions->len; }

const char *
iot_exercise_pack_capture_id (IotExercisePack *pack, guint index)
{
  g_return_val_if_fail (index < pack->captures->len, NULL);
  return ((PackCapture *) g_ptr_array_index (pack->captures, index))->id;
}

const IotQuestion *
iot_exercise_pack_question (IotExercisePack *pack, guint index)
{
  g_return_val_if_fail (index < pack->questions->len, NULL);
  return g_ptr_array_index (pack->questions, index);
}

gint
iot_exercise_pack_find_question (IotExercisePack *pack, const char *id)
{
  for (guint i = 0; i < pack->questions->len; i++)
    if (g_str_equal (((IotQuestion *) g_ptr_array_index (pack->questions, i))->id, id))
      return (gint) i;
  return -1;
}

guint
iot_exercise_pack_total_points (IotExercisePack *pack)
{
  guint total = 0;

  for (guint i = 0; i < pack->questions->len; i++)
    total += ((IotQuestion *) g_ptr_array_index (pack->questions, i))->points;
  return total;
}

const char *iot_question_id (const IotQuestion *q) { return q->id; }
IotQuestionKind iot_question_kind (const IotQuestion *q) { return q->kind; }
const char *iot_question_text (const IotQuestion *q) { return q->text; }
const char *iot_question_hint (const IotQuestion *q) { return q->hint; }
const char *iot_question_explanation (const IotQuestion *q) { return q->explanation; }
guint iot_question_points (const IotQuestion *q) { return q->points; }
const char *const *iot_question_choices (const IotQuestion *q) { return (const char *const *) q->choices; }
const char *iot_question_field (const IotQuestion *q) { return q->field; }

guint32
iot_question_hidden_frame (const IotQuestion *question, const char *capture_id)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (question->hidden_frames, capture_id));
}

guint
iot_exercise_pack_capture_for (IotExercisePack *pack, const char *seed)
{
  g_autofree char *text = g_strjoin ("\x1f", pack->id, seed ? seed : "", NULL);
  guint8 digest[32];
  gsize length = sizeof digest;
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint32 value;

  g_checksum_update (checksum, (const guchar *) text, -1);
  g_checksum_get_digest (checksum, digest, &length);
  value = (guint32) digest[0] << 24 | (guint32) digest[1] << 16 | (guint32) digest[2] << 8 | digest[3];
  return value % pack->captures->len;
}

static GBytes *
capture_bytes (IotExercisePack *pack, PackCapture *capture, GError **error)
{
  g_autofree char *path = NULL;
  char *data;
  gsize length;

  if (capture->data != NULL)
    return g_bytes_ref (capture->data);
  if (g_path_is_absolute (capture->path) || pack->base_dir == NULL)
    path = g_strdup (capture->path);
  else
    path = g_build_filename (pack->base_dir, capture->path, NULL);
  if (pack->base_dir == NULL && !g_path_is_absolute (capture->path))
    {
      g_set_error (error, IOT_EXERCISE_ERROR, IOT_EXERCISE_ERROR_CAPTURE,
                   "capture \"%s\" is referenced by path and the pack has no folder", capture->id);
      return NULL;
    }
  if (!g_file_get_contents (path, &data, &length, error))
    return NULL;
  return g_bytes_new_take (data, length);
}

GBytes *
iot_exercise_pack_capture_bytes (IotExercisePack *pack, guint index, GError **error)
{
  PackCapture *capture;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *sha = NULL;

  g_return_val_if_fail (index < pack->captures->len, NULL);
  capture = g_ptr_array_index (pack->captures, index);
  bytes = capture_bytes (pack, capture, error);
  if (bytes == NULL)
    return NULL;
  sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  if (!g_str_equal (sha, capture->sha256))
    {
      g_set_error (error, IOT_EXERCISE_ERROR, IOT_EXERCISE_ERROR_CAPTURE,
                   "capture \"%s\" is not the one the pack was made for (its SHA-256 is %s, the pack expects %s)",
                   capture->id, sha, capture->sha256);
      return NULL;
    }
  return g_steal_pointer (&bytes);
}

IotFile *
iot_exercise_pack_open_capture (IotExercisePack *pack, guint index, GError **error)
{
  g_autoptr (GBytes) bytes = iot_exercise_pack_capture_bytes (pack, index, error);
  PackCapture *capture;

  if (bytes == NULL)
    return NULL;
  capture = g_ptr_array_index (pack->captures, index);
  return iot_file_open_bytes (bytes, capture->path ? capture->path : capture->id, error);
}

/* ---- sessions and checking -------------------------------------------- */

IotExerciseSession *
iot_exercise_session_new (IotExercisePack *pack, guint capture_index, GError **error)
{
  IotFile *file = iot_exercise_pack_open_capture (pack, capture_index, error);
  IotExerciseSession *session;

  if (file == NULL)
    return NULL;
  session = g_new0 (IotExerciseSession, 1);
  session->pack = pack;
  session->capture_index = capture_index;
  session->file = file;
  session->engine = iot_engine_new (file);
  iot_engine_first_pass (session->engine, NULL);
  return session;
}

void
iot_exercise_session_free (IotExerciseSession *session)
{
  if (session == NULL)
    return;
  iot_engine_free (session->engine);
  iot_file_unref (session->file);
  g_free (session);
}

IotFile *iot_exercise_session_file (IotExerciseSession *session) { return session->file; }

const char *
iot_exercise_session_capture_id (IotExerciseSession *session)
{
  return iot_exercise_pack_capture_id (session->pack, session->capture_index);
}

void
iot_exercise_result_free (IotExerciseResult *result)
{
  if (result == NULL)
    return;
  g_free (result->feedback);
  g_free (result);
}

/* The stored answers for the session's capture, or for every capture
 * ("*": choices), and the key they were hashed with. */
static GPtrArray *
stored_checks (IotExerciseSession *session, const IotQuestion *question, const char **key)
{
  GPtrArray *hashes;

  *key = iot_exercise_session_capture_id (session);
  hashes = g_hash_table_lookup (question->checks, *key);
  if (hashes != NULL)
    return hashes;
  *key = "*";
  return g_hash_table_lookup (question->checks, *key);
}

static gboolean
matches_stored (IotExerciseSession *session, const IotQuestion *question, const char *canonical)
{
  const char *key;
  GPtrArray *hashes = stored_checks (session, question, &key);
  g_autofree char *hash = NULL;

  if (hashes == NULL || canonical == NULL)
    return FALSE;
  hash = answer_hash (session->pack, question, key, canonical);
  for (guint i = 0; i < hashes->len; i++)
    if (g_str_equal (g_ptr_array_index (hashes, i), hash))
      return TRUE;
  return FALSE;
}

static IotExerciseResult *
result_new (const IotQuestion *question, gboolean correct, char *feedback)
{
  IotExerciseResult *result = g_new0 (IotExerciseResult, 1);

  result->correct = correct;
  result->points = correct ? question->points : 0;
  result->feedback = feedback;
  return result;
}

static IotExerciseResult *
correct_result (const IotQuestion *question)
{
  return result_new (question, TRUE,
                     question->explanation ? g_strdup_printf ("Correct. %s", question->explanation)
                                           : g_strdup ("Correct."));
}

/* The frames in @a that are not in @b (both sorted), and the first. */
static guint
difference (GArray *a, GArray *b, guint32 *first)
{
  guint n = 0, j = 0;

  *first = 0;
  for (guint i = 0; i < a->len; i++)
    {
      guint32 frame = g_array_index (a, guint32, i);

      while (j < b->len && g_array_index (b, guint32, j) < frame)
        j++;
      if (j < b->len && g_array_index (b, guint32, j) == frame)
        continue;
      if (n++ == 0)
        *first = frame;
    }
  return n;
}

static char *
filter_feedback (guint n_extra, guint32 extra, guint n_missing, guint32 missing)
{
  GString *out = g_string_new ("Not quite: your filter selects ");

  if (n_extra > 0)
    g_string_append_printf (out, "%u frame%s too many (for example frame %u)", n_extra,
                            n_extra == 1 ? "" : "s", extra);
  if (n_extra > 0 && n_missing > 0)
    g_string_append (out, " and ");
  if (n_missing > 0)
    g_string_append_printf (out, "%u frame%s too few (for example frame %u is missing)", n_missing,
                            n_missing == 1 ? "" : "s", missing);
  g_string_append_c (out, '.');
  return g_string_free (out, FALSE);
}

static IotExerciseResult *
check_filter (IotExerciseSession *session, const IotQuestion *question, const char *answer)
{
  g_autofree char *message = NULL;
  g_autoptr (IotFilter) filter = compile_or_explain (answer, &message);
  g_autoptr (GArray) selected = NULL;
  g_autoptr (GArray) reference = NULL;
  g_autoptr (IotFilter) reference_filter = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *reference_text = NULL;
  IotExerciseResult *result;

  if (filter == NULL)
    return result_new (question, FALSE, g_strdup_printf ("The filter does not compile: %s", message));
  selected = select_frames (session->engine, filter);
  canonical = frame_set_text (selected);
  if (matches_stored (session, question, canonical))
    return correct_result (question);
  if (!session->pack->unlocked || question->sealed == NULL
      || (reference_text = unseal (session->pack->key, question->sealed)) == NULL
      || (reference_filter = compile_or_explain (reference_text, NULL)) == NULL)
    return result_new (question, FALSE,
                       g_strdup_printf ("Not the frames asked for (your filter selects %u frame%s).",
                                        selected->len, selected->len == 1 ? "" : "s"));
  reference = select_frames (session->engine, reference_filter);
  result = result_new (question, FALSE, NULL);
  result->n_extra = difference (selected, reference, &result->example_extra);
  result->n_missing = difference (reference, selected, &result->example_missing);
  result->feedback = filter_feedback (result->n_extra, result->example_extra,
                                      result->n_missing, result->example_missing);
  return result;
}

static char *
canonical_answer (const IotQuestion *question, const char *answer)
{
  switch (question->kind)
    {
    case IOT_QUESTION_COUNT:
    case IOT_QUESTION_FRAME:
      return canonical_number (answer);
    case IOT_QUESTION_CHOICE:
      return canonical_choice (question, answer);
    case IOT_QUESTION_VALUE:
    case IOT_QUESTION_HIDDEN_FIELD:
      return canonical_value (question_field (question), question->tolerance, answer);
    case IOT_QUESTION_FILTER:
    default:
      return NULL;
    }
}

static const char *
unreadable_answer (const IotQuestion *question)
{
  switch (question->kind)
    {
    case IOT_QUESTION_COUNT:
      return "Answer with a number of frames.";
    case IOT_QUESTION_FRAME:
      return "Answer with a frame number.";
    case IOT_QUESTION_CHOICE:
      return "Answer with the number, the letter or the text of a choice.";
    default:
      return "That is not a value this field can have.";
    }
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

IotExerciseResult *
iot_exercise_session_check (IotExerciseSession *session, guint question_index, const char *answer)
{
  const IotQuestion *question = iot_exercise_pack_question (session->pack, question_index);
  g_autofree char *canonical = NULL;

  g_return_val_if_fail (question != NULL, NULL);
  if (is_blank (answer))
    return result_new (question, FALSE, g_strdup ("Not answered."));
  if (question->kind == IOT_QUESTION_FILTER)
    return check_filter (session, question, answer);
  canonical = canonical_answer (question, answer);
  if (canonical == NULL)
    return result_new (question, FALSE, g_strdup (unreadable_answer (question)));
  if (matches_stored (session, question, canonical))
    return correct_result (question);
  return result_new (question, FALSE, g_strdup ("Not the right answer yet."));
}

/* ---- building from a teacher's source ---------------------------------- */

typedef struct {
  IotExercisePack *pack;
  GPtrArray       *sessions;    /* one per capture */
} Builder;

static void
add_check (IotExercisePack *pack, IotQuestion *question, const char *capture_id, const char *canonical)
{
  GPtrArray *hashes = g_hash_table_lookup (question->checks, capture_id);

  if (hashes == NULL)
    {
      hashes = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (question->checks, g_strdup (capture_id), hashes);
    }
  g_ptr_array_add (hashes, answer_hash (pack, question, capture_id, canonical));
}

static gboolean
reference_fails (GError **error, const IotQuestion *question, const char *capture_id, const char *format, ...)
  G_GNUC_PRINTF (4, 5);

static gboolean
reference_fails (GError **error, const IotQuestion *question, const char *capture_id, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, IOT_EXERCISE_ERROR, IOT_EXERCISE_ERROR_REFERENCE, "question \"%s\", capture \"%s\": %s",
               question->id, capture_id, message);
  return FALSE;
}

static GArray *
reference_frames (IotExerciseSession *session, const IotQuestion *question, const char *text, GError **error)
{
  g_autofree char *message = NULL;
  g_autoptr (IotFilter) filter = compile_or_explain (text, &message);

  if (filter == NULL)
    return (reference_fails (error, question, iot_exercise_session_capture_id (session), "%s", message), NULL);
  return select_frames (session->engine, filter);
}

/* The frame a value reference is read at: "frame" or the first frame the
 * reference's "filter" selects. */
static guint32
reference_frame (IotExerciseSession *session, const IotQuestion *question, JsonObject *reference, GError **error)
{
  const char *capture_id = iot_exercise_session_capture_id (session);
  const char *text = member_string (reference, "filter");
  g_autoptr (GArray) frames = NULL;
  double number;

  if (member_number (reference, "frame", &number))
    {
      if (number < 1 || number > iot_file_n_frames (session->file))
        return (reference_fails (error, question, capture_id, "there is no frame %g", number), 0);
      return (guint32) number;
    }
  if (text == NULL)
    return (reference_fails (error, question, capture_id, "the reference needs a frame or a filter"), 0);
  frames = reference_frames (session, question, text, error);
  if (frames == NULL)
    return 0;
  if (frames->len == 0)
    return (reference_fails (error, question, capture_id, "no frame matches \"%s\"", text), 0);
  return g_array_index (frames, guint32, 0);
}

static gboolean
build_value (IotExerciseSession *session, IotQuestion *question, JsonObject *reference, GError **error)
{
  IotExercisePack *pack = session->pack;
  const char *capture_id = iot_exercise_session_capture_id (session);
  const IotField *field = question_field (question);
  g_autofree char *text = node_to_answer (json_object_get_member (reference, "value"));
  guint32 frame = 0;

  if (field == NULL)
    return reference_fails (error, question, capture_id, "no field is called \"%s\"", question->field);
  if (text == NULL || question->kind == IOT_QUESTION_HIDDEN_FIELD)
    {
      frame = reference_frame (session, question, reference, error);
      if (frame == 0)
        return FALSE;
      g_free (text);
      text = field_text_at (session->engine, field, frame);
      if (text == NULL)
        return reference_fails (error, question, capture_id, "frame %u has no %s", frame, question->field);
    }
  if (question->kind == IOT_QUESTION_HIDDEN_FIELD)
    g_hash_table_replace (question->hidden_frames, g_strdup (capture_id), GUINT_TO_POINTER (frame));
  if (question->tolerance > 0)
    {
      double value;

      if (!parse_double (text, &value))
        return reference_fails (error, question, capture_id, "\"%s\" is not a number", text);
      for (gint64 shift = -TOLERANCE_STEPS; shift <= TOLERANCE_STEPS; shift++)
        {
          g_autofree char *cell = grid_cell (value, question->tolerance, shift);
          add_check (pack, question, capture_id, cell);
        }
      return TRUE;
    }
  {
    g_autofree char *canonical = canonical_value (field, 0, text);

    if (canonical == NULL)
      return reference_fails (error, question, capture_id, "\"%s\" is not a value of %s", text, question->field);
    add_check (pack, question, capture_id, canonical);
  }
  return TRUE;
}

static gboolean
build_frames (IotExerciseSession *session, IotQuestion *question, JsonObject *reference, GError **error)
{
  const char *capture_id = iot_exercise_session_capture_id (session);
  const char *text = member_string (reference, "filter");
  g_autoptr (GArray) frames = NULL;
  double number;

  if (text == NULL)
    {
      g_autofree char *canonical = NULL;

      if (question->kind == IOT_QUESTION_COUNT && !member_number (reference, "value", &number))
        return reference_fails (error, question, capture_id, "a count needs a filter or a value");
      if (question->kind == IOT_QUESTION_FRAME && !member_number (reference, "frame", &number))
        return reference_fails (error, question, capture_id, "a frame question needs a filter or a frame");
      canonical = g_strdup_printf ("%.0f", number);
      add_check (session->pack, question, capture_id, canonical);
      return TRUE;
    }
  frames = reference_frames (session, question, text, error);
  if (frames == NULL)
    return FALSE;
  if (question->kind == IOT_QUESTION_COUNT)
    {
      g_autofree char *canonical = g_strdup_printf ("%u", frames->len);
      add_check (session->pack, question, capture_id, canonical);
      return TRUE;
    }
  if (question->kind == IOT_QUESTION_FRAME && frames->len == 0)
    return reference_fails (error, question, capture_id, "no frame matches \"%s\"", text);
  if (question->kind == IOT_QUESTION_FRAME)
    {
      for (guint i = 0; i < frames->len; i++)
        {
          g_autofree char *canonical = g_strdup_printf ("%u", g_array_index (frames, guint32, i));
          add_check (session->pack, question, capture_id, canonical);
        }
      return TRUE;
    }
  {
    g_autofree char *canonical = frame_set_text (frames);
    add_check (session->pack, question, capture_id, canonical);
  }
  return TRUE;
}

static gboolean
build_reference (Builder *builder, IotQuestion *question, JsonObject *reference, GError **error)
{
  double number;

  if (reference == NULL)
    return invalid (error, "question \"%s\" has no reference", question->id);
  if (question->kind == IOT_QUESTION_CHOICE)
    {
      g_autofree char *canonical = NULL;

      if (!member_number (reference, "choice", &number) || number < 1 || number > g_strv_length (question->choices))
        return invalid (error, "question \"%s\": the reference needs a choice between 1 and %u", question->id,
                        g_strv_length (question->choices));
      canonical = g_strdup_printf ("c:%.0f", number);
      add_check (builder->pack, question, "*", canonical);
      return TRUE;
    }
  if (question->kind == IOT_QUESTION_FILTER)
    {
      const char *text = member_string (reference, "filter");

      if (text == NULL)
        return invalid (error, "question \"%s\": a filter question's reference is a filter", question->id);
      question->sealed = seal (builder->pack, text);
    }
  for (guint i = 0; i < builder->sessions->len; i++)
    {
      IotExerciseSession *session = g_ptr_array_index (builder->sessions, i);
      gboolean ok = question->kind == IOT_QUESTION_VALUE || question->kind == IOT_QUESTION_HIDDEN_FIELD
                      ? build_value (session, question, reference, error)
                      : build_frames (session, question, reference, error);

      if (!ok)
        return FALSE;
    }
  return TRUE;
}

/* The source's captures, read from disk; open_build_sessions() drops
 * their bytes again when the source says "bundle": false. */
static gboolean
build_captures (IotExercisePack *pack, JsonArray *captures, const char *source_dir, GError **error)
{
  guint n = captures ? json_array_get_length (captures) : 0;

  if (n == 0)
    return invalid (error, "a pack needs at least one capture");
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (captures, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *id = member_string (object, "id"), *path = member_string (object, "path");
      g_autofree char *full = NULL;
      char *data;
      gsize length;
      PackCapture *capture;

      if (id == NULL || path == NULL)
        return invalid (error, "capture %u of the source needs an id and a path", i + 1);
      full = g_path_is_absolute (path) ? g_strdup (path) : g_build_filename (source_dir, path, NULL);
      if (!g_file_get_contents (full, &data, &length, error))
        return FALSE;
      capture = g_new0 (PackCapture, 1);
      capture->id = g_strdup (id);
      capture->data = g_bytes_new_take (data, length);
      capture->sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, capture->data);
      g_ptr_array_add (pack->captures, capture);
    }
  return TRUE;
}

static char *
random_text (guint n_bytes)
{
  g_autofree guint8 *bytes = g_malloc (n_bytes);
  GString *out = g_string_new (NULL);

  gcry_check_version (NULL);
  gcry_randomize (bytes, n_bytes, GCRY_STRONG_RANDOM);
  for (guint i = 0; i < n_bytes; i++)
    g_string_append_printf (out, "%02x", bytes[i]);
  return g_string_free (out, FALSE);
}

static gboolean
open_build_sessions (Builder *builder, const char *source_dir, JsonObject *root, GError **error)
{
  JsonNode *bundle = json_object_get_member (root, "bundle");
  gboolean bundled = bundle == NULL || JSON_NODE_TYPE (bundle) != JSON_NODE_VALUE
                     || json_node_get_value_type (bundle) != G_TYPE_BOOLEAN || json_node_get_boolean (bundle);
  IotExercisePack *pack = builder->pack;

  if (!build_captures (pack, member_array (root, "captures"), source_dir, error))
    return FALSE;
  for (guint i = 0; i < pack->captures->len; i++)
    {
      IotExerciseSession *session = iot_exercise_session_new (pack, i, error);

      if (session == NULL)
        return FALSE;
      g_ptr_array_add (builder->sessions, session);
    }
  if (!bundled)
    for (guint i = 0; i < pack->captures->len; i++)
      {
        PackCapture *capture = g_ptr_array_index (pack->captures, i);
        JsonObject *source = json_array_get_object_element (member_array (root, "captures"), i);

        capture->path = g_path_get_basename (member_string (source, "path"));
        g_clear_pointer (&capture->data, g_bytes_unref);
      }
  return TRUE;
}

IotExercisePack *
iot_exercise_pack_build (const char *source_path, const char *secret, char **secret_out, GError **error)
{
  g_autoptr (IotExercisePack) pack = pack_new ();
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GPtrArray) sessions = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_exercise_session_free);
  g_autofree char *data = NULL;
  g_autofree char *source_dir = g_path_get_dirname (source_path);
  g_autofree char *own_secret = secret ? g_strdup (secret) : random_text (16);
  JsonObject *root;
  JsonArray *questions;
  Builder builder = { pack, sessions };
  JsonNode *practice;
  gsize length;

  if (!g_file_get_contents (source_path, &data, &length, error)
      || (root = parse_root (parser, data, length, error)) == NULL
      || !load_header (pack, root, SOURCE_FORMAT, error))
    return NULL;
  pack->salt = random_text (16);
  if (!derive_key (pack, own_secret, pack->key))
    return (invalid (error, "could not derive a key"), NULL);
  pack->unlocked = TRUE;
  questions = member_array (root, "questions");
  if (!open_build_sessions (&builder, source_dir, root, error)
      || !load_questions (pack, questions, TRUE, error))
    return NULL;
  for (guint i = 0; i < pack->questions->len; i++)
    {
      JsonObject *object = json_array_get_object_element (questions, i);

      if (!build_reference (&builder, g_ptr_array_index (pack->questions, i), member_object (object, "reference"),
                            error))
        return NULL;
    }
  /* Sessions read the bundled bytes: free them before the pack can drop
   * bytes of referenced captures. */
  g_ptr_array_set_size (sessions, 0);
  practice = json_object_get_member (root, "practice");
  if (practice != NULL && JSON_NODE_TYPE (practice) == JSON_NODE_VALUE
      && json_node_get_value_type (practice) == G_TYPE_BOOLEAN && json_node_get_boolean (practice))
    pack->secret = g_strdup (own_secret);
  if (secret_out != NULL)
    *secret_out = g_steal_pointer (&own_secret);
  return g_steal_pointer (&pack);
}

/* ---- writing ------------------------------------------------------------ */

void
iot_exercise_pack_embed_secret (IotExercisePack *pack, const char *secret)
{
  g_free (pack->secret);
  pack->secret = g_strdup (secret);
}

static void
write_captures (IotExercisePack *pack, JsonBuilder *b)
{
  json_builder_set_member_name (b, "captures");
  json_builder_begin_array (b);
  for (guint i = 0; i < pack->captures->len; i++)
    {
      PackCapture *capture = g_ptr_array_index (pack->captures, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, capture->id);
      json_builder_set_member_name (b, "sha256");
      json_builder_add_string_value (b, capture->sha256);
      if (capture->data != NULL)
        {
          g_autofree char *base64 = g_base64_encode (g_bytes_get_data (capture->data, NULL),
                                                     g_bytes_get_size (capture->data));
          json_builder_set_member_name (b, "data");
          json_builder_add_string_value (b, base64);
        }
      else
        {
          json_builder_set_member_name (b, "path");
          json_builder_add_string_value (b, capture->path);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
add_optional_string (JsonBuilder *b, const char *name, const char *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* A map written in key order, so the same pack always gives the same text. */
static GPtrArray *
sorted_keys (GHashTable *table)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_strings);
  return keys;
}

static void
write_question_answers (IotQuestion *question, JsonBuilder *b)
{
  g_autoptr (GPtrArray) keys = sorted_keys (question->checks);

  json_builder_set_member_name (b, "check");
  json_builder_begin_object (b);
  for (guint i = 0; i < keys->len; i++)
    {
      GPtrArray *hashes = g_hash_table_lookup (question->checks, g_ptr_array_index (keys, i));

      json_builder_set_member_name (b, g_ptr_array_index (keys, i));
      json_builder_begin_array (b);
      for (guint j = 0; j < hashes->len; j++)
        json_builder_add_string_value (b, g_ptr_array_index (hashes, j));
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  add_optional_string (b, "sealed", question->sealed);
  if (g_hash_table_size (question->hidden_frames) > 0)
    {
      g_autoptr (GPtrArray) frames = sorted_keys (question->hidden_frames);

      json_builder_set_member_name (b, "hidden-frames");
      json_builder_begin_object (b);
      for (guint i = 0; i < frames->len; i++)
        {
          json_builder_set_member_name (b, g_ptr_array_index (frames, i));
          json_builder_add_int_value (b, GPOINTER_TO_UINT (g_hash_table_lookup (question->hidden_frames,
                                                                                 g_ptr_array_index (frames, i))));
        }
      json_builder_end_object (b);
    }
}

static void
write_question (IotQuestion *question, JsonBuilder *b)
{
  json_builder_begin_object (b);
  add_optional_string (b, "id", question->id);
  add_optional_string (b, "kind", iot_question_kind_name (question->kind));
  add_optional_string (b, "text", question->text);
  add_optional_string (b, "hint", question->hint);
  add_optional_string (b, "explanation", question->explanation);
  add_optional_string (b, "field", question->field);
  json_builder_set_member_name (b, "points");
  json_builder_add_int_value (b, question->points);
  if (question->tolerance > 0)
    {
      json_builder_set_member_name (b, "tolerance");
      json_builder_add_double_value (b, question->tolerance);
    }
  if (question->choices != NULL && question->choices[0] != NULL)
    {
      json_builder_set_member_name (b, "choices");
      json_builder_begin_array (b);
      for (char **c = question->choices; *c != NULL; c++)
        json_builder_add_string_value (b, *c);
      json_builder_end_array (b);
    }
  write_question_answers (question, b);
  json_builder_end_object (b);
}

char *
iot_exercise_pack_to_data (IotExercisePack *pack, gsize *length)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  add_optional_string (b, "format", PACK_FORMAT);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  add_optional_string (b, "id", pack->id);
  add_optional_string (b, "title", pack->title);
  add_optional_string (b, "description", pack->description);
  add_optional_string (b, "salt", pack->salt);
  add_optional_string (b, "secret", pack->secret);
  write_captures (pack, b);
  json_builder_set_member_name (b, "questions");
  json_builder_begin_array (b);
  for (guint i = 0; i < pack->questions->len; i++)
    write_question (g_ptr_array_index (pack->questions, i), b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  return json_generator_to_data (generator, length);
}

/* ---- answer files ------------------------------------------------------- */

IotExerciseAnswers *
iot_exercise_answers_new (const char *pack_id, const char *student)
{
  IotExerciseAnswers *answers = g_new0 (IotExerciseAnswers, 1);

  answers->pack_id = g_strdup (pack_id);
  answers->student = g_strdup (student);
  answers->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return answers;
}

void
iot_exercise_answers_free (IotExerciseAnswers *answers)
{
  if (answers == NULL)
    return;
  g_free (answers->pack_id);
  g_free (answers->student);
  g_hash_table_unref (answers->answers);
  g_free (answers);
}

IotExerciseAnswers *
iot_exercise_answers_load_data (const char *data, gsize length, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *root = parse_root (parser, data, length, error);
  JsonObject *map;
  g_autoptr (GList) names = NULL;
  IotExerciseAnswers *answers;

  if (root == NULL)
    return NULL;
  if (g_strcmp0 (member_string (root, "format"), ANSWERS_FORMAT) != 0)
    return (invalid (error, "not an answer file (\"format\" is not \"%s\")", ANSWERS_FORMAT), NULL);
  if (member_string (root, "student") == NULL || member_string (root, "pack") == NULL)
    return (invalid (error, "an answer file needs \"pack\" and \"student\""), NULL);
  answers = iot_exercise_answers_new (member_string (root, "pack"), member_string (root, "student"));
  map = member_object (root, "answers");
  names = map ? json_object_get_members (map) : NULL;
  for (GList *l = names; l != NULL; l = l->next)
    {
      char *text = node_to_answer (json_object_get_member (map, l->data));

      if (text != NULL)
        g_hash_table_replace (answers->answers, g_strdup (l->data), text);
    }
  return answers;
}

IotExerciseAnswers *
iot_exercise_answers_load (const char *path, GError **error)
{
  g_autofree char *data = NULL;
  gsize length;

  if (!g_file_get_contents (path, &data, &length, error))
    return NULL;
  return iot_exercise_answers_load_data (data, length, error);
}

gboolean
iot_exercise_answers_save (IotExerciseAnswers *answers, const char *path, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GPtrArray) keys = sorted_keys (answers->answers);
  g_autofree char *text = NULL;
  g_autofree char *dir = g_path_get_dirname (path);

  json_builder_begin_object (b);
  add_optional_string (b, "format", ANSWERS_FORMAT);
  add_optional_string (b, "pack", answers->pack_id);
  add_optional_string (b, "student", answers->student);
  json_builder_set_member_name (b, "answers");
  json_builder_begin_object (b);
  for (guint i = 0; i < keys->len; i++)
    add_optional_string (b, g_ptr_array_index (keys, i), g_hash_table_lookup (answers->answers,
                                                                              g_ptr_array_index (keys, i)));
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  text = json_generator_to_data (generator, NULL);
  g_mkdir_with_parents (dir, 0700);
  return g_file_set_contents (path, text, -1, error);
}

/* ---- grading -------------------------------------------------------------- */

typedef struct {
  char       *file;
  char       *student;
  const char *capture;
  guint       score;
  GPtrArray  *answers;   /* char*, per question (NULL = none) */
  GPtrArray  *results;   /* IotExerciseResult*, per question */
  char       *problem;   /* the file could not be graded */
} GradedStudent;

static void
graded_free (GradedStudent *graded)
{
  g_free (graded->file);
  g_free (graded->student);
  g_clear_pointer (&graded->answers, g_ptr_array_unref);
  g_clear_pointer (&graded->results, g_ptr_array_unref);
  g_free (graded->problem);
  g_free (graded);
}

static IotExerciseSession *
session_for (IotExercisePack *pack, GPtrArray *sessions, guint index, GError **error)
{
  if (g_ptr_array_index (sessions, index) == NULL)
    g_ptr_array_index (sessions, index) = iot_exercise_session_new (pack, index, error);
  return g_ptr_array_index (sessions, index);
}

static GradedStudent *
grade_file (IotExercisePack *pack, GPtrArray *sessions, const char *dir, const char *name, GError **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) local = NULL;
  g_autoptr (IotExerciseAnswers) answers = iot_exercise_answers_load (path, &local);
  GradedStudent *graded = g_new0 (GradedStudent, 1);
  IotExerciseSession *session;
  guint index;

  graded->file = g_strdup (name);
  if (answers == NULL || !g_str_equal (answers->pack_id, pack->id))
    {
      graded->student = g_strdup (answers ? answers->student : "");
      graded->problem = answers ? g_strdup_printf ("answers for pack \"%s\", not \"%s\"", answers->pack_id, pack->id)
                                : g_strdup (local->message);
      return graded;
    }
  graded->student = g_strdup (answers->student);
  index = iot_exercise_pack_capture_for (pack, answers->student);
  session = session_for (pack, sessions, index, error);
  if (session == NULL)
    return (graded_free (graded), NULL);
  graded->capture = iot_exercise_pack_capture_id (pack, index);
  graded->answers = g_ptr_array_new_with_free_func (g_free);
  graded->results = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_exercise_result_free);
  for (guint i = 0; i < pack->questions->len; i++)
    {
      const IotQuestion *question = g_ptr_array_index (pack->questions, i);
      const char *answer = g_hash_table_lookup (answers->answers, question->id);
      IotExerciseResult *result = iot_exercise_session_check (session, i, answer);

      graded->score += result->points;
      g_ptr_array_add (graded->answers, g_strdup (answer));
      g_ptr_array_add (graded->results, result);
    }
  return graded;
}

static void
csv_cell (GString *out, const char *text, gboolean last)
{
  gboolean quote = text != NULL && strpbrk (text, ",\"\n\r") != NULL;

  if (quote)
    g_string_append_c (out, '"');
  for (const char *p = text ? text : ""; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  if (quote)
    g_string_append_c (out, '"');
  g_string_append (out, last ? "\n" : ",");
}

static void
write_csv (IotExercisePack *pack, GPtrArray *graded, GString *out)
{
  g_string_append (out, "student,file,capture,question,kind,answer,correct,points,max,feedback\n");
  for (guint s = 0; s < graded->len; s++)
    {
      GradedStudent *g = g_ptr_array_index (graded, s);
      g_autofree char *total = g_strdup_printf ("%u", g->score);
      g_autofree char *max = g_strdup_printf ("%u", iot_exercise_pack_total_points (pack));

      for (guint i = 0; g->problem == NULL && i < pack->questions->len; i++)
        {
          const IotQuestion *question = g_ptr_array_index (pack->questions, i);
          IotExerciseResult *result = g_ptr_array_index (g->results, i);
          g_autofree char *points = g_strdup_printf ("%u", result->points);
          g_autofree char *qmax = g_strdup_printf ("%u", question->points);

          csv_cell (out, g->student, FALSE);
          csv_cell (out, g->file, FALSE);
          csv_cell (out, g->capture, FALSE);
          csv_cell (out, question->id, FALSE);
          csv_cell (out, iot_question_kind_name (question->kind), FALSE);
          csv_cell (out, g_ptr_array_index (g->answers, i), FALSE);
          csv_cell (out, result->correct ? "yes" : "no", FALSE);
          csv_cell (out, points, FALSE);
          csv_cell (out, qmax, FALSE);
          csv_cell (out, result->feedback, TRUE);
        }
      csv_cell (out, g->student, FALSE);
      csv_cell (out, g->file, FALSE);
      csv_cell (out, g->capture, FALSE);
      csv_cell (out, "TOTAL", FALSE);
      csv_cell (out, "", FALSE);
      csv_cell (out, "", FALSE);
      csv_cell (out, "", FALSE);
      csv_cell (out, g->problem ? "0" : total, FALSE);
      csv_cell (out, max, FALSE);
      csv_cell (out, g->problem ? g->problem : "", TRUE);
    }
}

static void
write_json_student (IotExercisePack *pack, GradedStudent *g, JsonBuilder *b)
{
  json_builder_begin_object (b);
  add_optional_string (b, "student", g->student);
  add_optional_string (b, "file", g->file);
  add_optional_string (b, "capture", g->capture);
  json_builder_set_member_name (b, "score");
  json_builder_add_int_value (b, g->score);
  json_builder_set_member_name (b, "max");
  json_builder_add_int_value (b, iot_exercise_pack_total_points (pack));
  add_optional_string (b, "problem", g->problem);
  json_builder_set_member_name (b, "questions");
  json_builder_begin_array (b);
  for (guint i = 0; g->problem == NULL && i < pack->questions->len; i++)
    {
      const IotQuestion *question = g_ptr_array_index (pack->questions, i);
      IotExerciseResult *result = g_ptr_array_index (g->results, i);

      json_builder_begin_object (b);
      add_optional_string (b, "id", question->id);
      add_optional_string (b, "kind", iot_question_kind_name (question->kind));
      add_optional_string (b, "answer", g_ptr_array_index (g->answers, i));
      json_builder_set_member_name (b, "correct");
      json_builder_add_boolean_value (b, result->correct);
      json_builder_set_member_name (b, "points");
      json_builder_add_int_value (b, result->points);
      json_builder_set_member_name (b, "max");
      json_builder_add_int_value (b, question->points);
      add_optional_string (b, "feedback", result->feedback);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
write_json (IotExercisePack *pack, GPtrArray *graded, GString *out)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (b);
  add_optional_string (b, "pack", pack->id);
  add_optional_string (b, "title", pack->title);
  json_builder_set_member_name (b, "students");
  json_builder_begin_array (b);
  for (guint s = 0; s < graded->len; s++)
    write_json_student (pack, g_ptr_array_index (graded, s), b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  text = json_generator_to_data (generator, NULL);
  g_string_append (out, text);
  g_string_append_c (out, '\n');
}

static GPtrArray *
answer_file_names (const char *dir, GError **error)
{
  g_autoptr (GDir) folder = g_dir_open (dir, 0, error);
  GPtrArray *names;
  const char *name;

  if (folder == NULL)
    return NULL;
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (folder)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_strings);
  return names;
}

gboolean
iot_exercise_grade_dir (IotExercisePack *pack, const char *dir, IotExerciseSheetFormat format, GString *out,
                        GError **error)
{
  g_autoptr (GPtrArray) names = answer_file_names (dir, error);
  g_autoptr (GPtrArray) graded = g_ptr_array_new_with_free_func ((GDestroyNotify) graded_free);
  g_autoptr (GPtrArray) sessions = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_exercise_session_free);

  if (names == NULL)
    return FALSE;
  g_ptr_array_set_size (sessions, pack->captures->len);
  for (guint i = 0; i < names->len; i++)
    {
      GradedStudent *g = grade_file (pack, sessions, dir, g_ptr_array_index (names, i), error);

      if (g == NULL)
        return FALSE;
      g_ptr_array_add (graded, g);
    }
  if (format == IOT_EXERCISE_SHEET_JSON)
    write_json (pack, graded, out);
  else
    write_csv (pack, graded, out);
  return TRUE;
}

/* ---- teachers: adding a question to a source -------------------------------- */

static JsonNode *
new_source (const char *source_path, const char *capture_path)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *base = g_path_get_basename (source_path);
  g_autofree char *capture_base = g_path_get_basename (capture_path);
  g_autofree char *dir = g_path_get_dirname (source_path);
  g_autofree char *absolute_dir = g_canonicalize_filename (dir, NULL);
  g_autofree char *absolute_capture = g_canonicalize_filename (capture_path, NULL);
  char *dot;

  if ((dot = strstr (base, ".source.json")) != NULL || (dot = strrchr (base, '.')) != NULL)
    *dot = '\0';
  if ((dot = strrchr (capture_base, '.')) != NULL)
    *dot = '\0';
  json_builder_begin_object (b);
  add_optional_string (b, "format", SOURCE_FORMAT);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  add_optional_string (b, "id", base);
  add_optional_string (b, "title", base);
  json_builder_set_member_name (b, "captures");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  add_optional_string (b, "id", capture_base);
  /* Next to the source: a relative path, so the folder can move. */
  if (g_str_has_prefix (absolute_capture, absolute_dir) && absolute_capture[strlen (absolute_dir)] == G_DIR_SEPARATOR)
    add_optional_string (b, "path", absolute_capture + strlen (absolute_dir) + 1);
  else
    add_optional_string (b, "path", absolute_capture);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "questions");
  json_builder_begin_array (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static char *
unused_question_id (JsonArray *questions)
{
  for (guint n = json_array_get_length (questions) + 1;; n++)
    {
      char *id = g_strdup_printf ("q%u", n);
      gboolean taken = FALSE;

      for (guint i = 0; i < json_array_get_length (questions); i++)
        taken |= g_strcmp0 (member_string (json_array_get_object_element (questions, i), "id"), id) == 0;
      if (!taken)
        return id;
      g_free (id);
    }
}

static JsonNode *
draft_reference (const IotQuestionDraft *draft, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  switch (draft->kind)
    {
    case IOT_QUESTION_CHOICE:
      json_builder_set_member_name (b, "choice");
      json_builder_add_int_value (b, draft->choice);
      break;
    case IOT_QUESTION_FILTER:
    case IOT_QUESTION_COUNT:
      if (draft->filter == NULL || *draft->filter == '\0')
        return (invalid (error, "this kind of question needs a display filter as its reference"), NULL);
      add_optional_string (b, "filter", draft->filter);
      break;
    default:
      if (draft->frame == 0 && (draft->kind != IOT_QUESTION_FRAME || draft->filter == NULL))
        return (invalid (error, "this kind of question needs a selected frame as its reference"), NULL);
      if (draft->frame != 0)
        {
          json_builder_set_member_name (b, "frame");
          json_builder_add_int_value (b, draft->frame);
        }
      else
        add_optional_string (b, "filter", draft->filter);
      break;
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static JsonNode *
draft_question (const IotQuestionDraft *draft, const char *id, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  JsonNode *reference = draft_reference (draft, error);

  if (reference == NULL)
    return NULL;
  if ((draft->kind == IOT_QUESTION_VALUE || draft->kind == IOT_QUESTION_HIDDEN_FIELD) && draft->field == NULL)
    return (json_node_unref (reference), invalid (error, "select the field the question asks about"), NULL);
  json_builder_begin_object (b);
  add_optional_string (b, "id", id);
  add_optional_string (b, "kind", iot_question_kind_name (draft->kind));
  add_optional_string (b, "text", draft->text);
  add_optional_string (b, "hint", draft->hint && *draft->hint ? draft->hint : NULL);
  add_optional_string (b, "explanation", draft->explanation && *draft->explanation ? draft->explanation : NULL);
  if (draft->kind == IOT_QUESTION_VALUE || draft->kind == IOT_QUESTION_HIDDEN_FIELD)
    add_optional_string (b, "field", draft->field);
  if (draft->kind == IOT_QUESTION_CHOICE)
    {
      json_builder_set_member_name (b, "choices");
      json_builder_begin_array (b);
      for (guint i = 0; i < G_N_ELEMENTS (draft->choices) && draft->choices[i] != NULL; i++)
        json_builder_add_string_value (b, draft->choices[i]);
      json_builder_end_array (b);
    }
  json_builder_set_member_name (b, "reference");
  json_builder_add_value (b, reference);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

gboolean
iot_exercise_source_add (const char *source_path, const char *capture_path, const IotQuestionDraft *draft,
                         char **id_out, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autofree char *id = NULL;
  g_autofree char *text = NULL;
  g_autofree char *before = NULL;
  g_autoptr (IotExercisePack) check = NULL;
  JsonArray *questions;
  JsonNode *question;

  if (draft->text == NULL || *draft->text == '\0')
    return invalid (error, "the question needs a text");
  if (g_file_test (source_path, G_FILE_TEST_EXISTS))
    {
      if (!json_parser_load_from_file (parser, source_path, error))
        return FALSE;
      root = json_node_copy (json_parser_get_root (parser));
      if (!JSON_NODE_HOLDS_OBJECT (root)
          || g_strcmp0 (member_string (json_node_get_object (root), "format"), SOURCE_FORMAT) != 0)
        return invalid (error, "%s is not an exercise source", source_path);
      g_file_get_contents (source_path, &before, NULL, NULL);
    }
  else
    root = new_source (source_path, capture_path);
  questions = member_array (json_node_get_object (root), "questions");
  if (questions == NULL)
    return invalid (error, "%s has no question list", source_path);
  id = unused_question_id (questions);
  question = draft_question (draft, id, error);
  if (question == NULL)
    return FALSE;
  json_array_add_element (questions, question);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  text = json_generator_to_data (generator, NULL);
  if (!g_file_set_contents (source_path, text, -1, error))
    return FALSE;
  /* The reference must hold on every capture; else the file goes back. */
  check = iot_exercise_pack_build (source_path, "check", NULL, error);
  if (check == NULL)
    {
      if (before != NULL)
        g_file_set_contents (source_path, before, -1, NULL);
      else
        g_unlink (source_path);
      return FALSE;
    }
  if (id_out != NULL)
    *id_out = g_steal_pointer (&id);
  return TRUE;
}

/* ---- teachers: editing a source --------------------------------------------- */

struct _IotExerciseSource {
  char     *path;
  JsonNode *root;
};

IotExerciseSource *
iot_exercise_source_load (const char *path, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  IotExerciseSource *source;
  JsonNode *root;

  if (!json_parser_load_from_file (parser, path, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || g_strcmp0 (member_string (json_node_get_object (root), "format"), SOURCE_FORMAT) != 0
      || member_array (json_node_get_object (root), "questions") == NULL)
    return (invalid (error, "%s is not an exercise source", path), NULL);
  source = g_new0 (IotExerciseSource, 1);
  source->path = g_strdup (path);
  source->root = json_node_copy (root);
  return source;
}

void
iot_exercise_source_free (IotExerciseSource *source)
{
  if (source == NULL)
    return;
  g_free (source->path);
  json_node_unref (source->root);
  g_free (source);
}

static JsonArray *
source_questions (IotExerciseSource *source)
{
  return member_array (json_node_get_object (source->root), "questions");
}

static JsonObject *
source_question (IotExerciseSource *source, guint index)
{
  JsonArray *questions = source_questions (source);
  JsonNode *node;

  g_return_val_if_fail (index < json_array_get_length (questions), NULL);
  node = json_array_get_element (questions, index);
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

const char *iot_exercise_source_path (IotExerciseSource *source) { return source->path; }

const char *
iot_exercise_source_title (IotExerciseSource *source)
{
  return member_string (json_node_get_object (source->root), "title");
}

guint
iot_exercise_source_n_questions (IotExerciseSource *source)
{
  return json_array_get_length (source_questions (source));
}

const char *
iot_exercise_source_get (IotExerciseSource *source, guint index, const char *member)
{
  return member_string (source_question (source, index), member);
}

void
iot_exercise_source_set (IotExerciseSource *source, guint index, const char *member, const char *value)
{
  JsonObject *question = source_question (source, index);

  if (question == NULL)
    return;
  if (value == NULL || *value == '\0')
    {
      if (!g_str_equal (member, "text") && !g_str_equal (member, "id") && !g_str_equal (member, "kind"))
        json_object_remove_member (question, member);
      return;
    }
  json_object_set_string_member (question, member, value);
}

char *
iot_exercise_source_describe_reference (IotExerciseSource *source, guint index)
{
  JsonObject *reference = member_object (source_question (source, index), "reference");
  GString *out = g_string_new (NULL);
  g_autoptr (GList) names = reference ? json_object_get_members (reference) : NULL;

  for (GList *l = names; l != NULL; l = l->next)
    {
      g_autofree char *value = node_to_answer (json_object_get_member (reference, l->data));

      g_string_append_printf (out, "%s%s %s", out->len ? ", " : "", (const char *) l->data, value ? value : "…");
    }
  return g_string_free (out, FALSE);
}

gboolean
iot_exercise_source_move (IotExerciseSource *source, guint index, int delta)
{
  JsonArray *questions = source_questions (source);
  guint n = json_array_get_length (questions);
  gint target = (gint) index + delta;
  g_autoptr (GPtrArray) order = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  if (index >= n || target < 0 || target >= (gint) n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (order, json_node_ref (json_array_get_element (questions, i)));
  {
    gpointer moved = order->pdata[index];

    order->pdata[index] = order->pdata[target];
    order->pdata[target] = moved;
  }
  while (json_array_get_length (questions) > 0)
    json_array_remove_element (questions, 0);
  for (guint i = 0; i < n; i++)
    json_array_add_element (questions, json_node_ref (g_ptr_array_index (order, i)));
  return TRUE;
}

void
iot_exercise_source_remove (IotExerciseSource *source, guint index)
{
  JsonArray *questions = source_questions (source);

  if (index < json_array_get_length (questions))
    json_array_remove_element (questions, index);
}

gboolean
iot_exercise_source_save (IotExerciseSource *source, GError **error)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;
  g_autofree char *before = NULL;
  g_autoptr (IotExercisePack) check = NULL;

  json_generator_set_root (generator, source->root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  text = json_generator_to_data (generator, NULL);
  g_file_get_contents (source->path, &before, NULL, NULL);
  if (!g_file_set_contents (source->path, text, -1, error))
    return FALSE;
  check = iot_exercise_pack_build (source->path, "check", NULL, error);
  if (check == NULL && before != NULL)
    g_file_set_contents (source->path, before, -1, NULL);
  return check != NULL;
}
