/* iot-exercise.c — exercise packs: loading them, and checking answers by
 * meaning (building is in iot-exercise-build.c, grading in
 * iot-exercise-grade.c).
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

#include "iot-exercise-private.h"
#include "iot-analysis-test.h"
#include "iot-json-load.h"
#include "iot-filter.h"
#include "iot-print.h"
#include "iot-scan.h"

G_DEFINE_QUARK (iot-exercise-error-quark, iot_exercise_error)

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

const char *
exercise_member_string (JsonObject *object, const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

JsonObject *
exercise_member_object (JsonObject *object, const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
exercise_member_array (JsonObject *object, const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* A number member as a double; FALSE when absent or not a number. */
gboolean
exercise_member_number (JsonObject *object, const char *name, double *value)
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
char *
exercise_node_to_answer (JsonNode *node)
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

gboolean
exercise_invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

gboolean
exercise_invalid (GError **error, const char *format, ...)
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
  g_clear_pointer (&question->explained, g_hash_table_unref);
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
  question->explained = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) g_ptr_array_unref);
  return question;
}

IotExercisePack *
exercise_pack_new (void)
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
char *
exercise_answer_hash (IotExercisePack *pack, const IotQuestion *question, const char *capture_id,
             const char *canonical)
{
  g_autofree char *text = g_strjoin ("\x1f", pack->salt, question->id, capture_id, canonical, NULL);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

gboolean
exercise_derive_key (IotExercisePack *pack, const char *secret, guint8 key[KEY_BYTES])
{
  gcry_check_version (NULL);
  return gcry_kdf_derive (secret, strlen (secret), GCRY_KDF_PBKDF2, GCRY_MD_SHA256,
                          pack->salt, strlen (pack->salt), KDF_ITERATIONS, KEY_BYTES, key) == 0;
}

char *
exercise_seal (IotExercisePack *pack, const char *plain)
{
  return exercise_seal_with_key (pack->key, plain);
}

void
exercise_answer_key (IotExercisePack *pack, const IotQuestion *question, const char *capture_id,
                     const char *canonical, guint8 key[KEY_BYTES])
{
  g_autofree char *text = g_strjoin ("\x1f", "explanation", pack->salt, question->id, capture_id, canonical, NULL);
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize length = KEY_BYTES;

  g_checksum_update (checksum, (const guchar *) text, -1);
  g_checksum_get_digest (checksum, key, &length);
}

char *
exercise_seal_with_key (const guint8 key[KEY_BYTES], const char *plain)
{
  gsize length = strlen (plain);
  g_autofree guint8 *buffer = g_malloc (IV_BYTES + length + TAG_BYTES);
  gcry_cipher_hd_t cipher;

  gcry_create_nonce (buffer, IV_BYTES);
  if (gcry_cipher_open (&cipher, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_GCM, 0) != 0)
    return NULL;
  gcry_cipher_setkey (cipher, key, KEY_BYTES);
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

  if (!exercise_derive_key (pack, secret, key))
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

gboolean
exercise_parse_double (const char *text, double *value)
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
char *
exercise_grid_cell (double value, double tolerance, gint64 shift)
{
  double step = tolerance / TOLERANCE_STEPS;

  return g_strdup_printf ("b:%.0f", floor (value / step + 0.5) + (double) shift);
}

/* The canonical form of @text as a value of @field, or NULL when it is no
 * such value.  Field types decide what "the same" means: 10.0.0.1 and
 * 010.000.000.001 are not both IPv4 text, but 0x03 and 3 are one integer. */
char *
exercise_canonical_value (const IotField *field, double tolerance, const char *raw)
{
  g_autofree char *text = g_strstrip (g_strdup (raw));
  double d;

  if (field == NULL)
    return g_strdup (text);
  if (tolerance > 0)
    return exercise_parse_double (text, &d) ? exercise_grid_cell (d, tolerance, 0) : NULL;
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
        return exercise_parse_double (text, &d) ? g_strdup (g_ascii_formatd (buf, sizeof buf, "%.12g", d)) : NULL;
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

const IotField *
exercise_question_field (const IotQuestion *question)
{
  return question->field != NULL ? iot_registry_field (question->field) : NULL;
}

/* ---- frame sets and values on a capture ------------------------------- */

IotFilter *
exercise_compile_or_explain (const char *text, char **message)
{
  g_autoptr (IotFilterProblem) problem = NULL;
  IotFilter *filter = iot_filter_compile (text, &problem);

  if (filter == NULL && message != NULL)
    *message = iot_filter_problem_format (problem, text);
  return filter;
}

static void
select_frame (gpointer frames, IotPacket *pkt)
{
  guint32 number = iot_packet_frame_number (pkt);

  g_array_append_val ((GArray *) frames, number);
}

static const IotScanListener select_listener = { .frame = select_frame };

/* The frames @filter selects, in order; each frame's time since the
 * previous displayed frame counts every frame as displayed. */
GArray *
exercise_select_frames (IotEngine *engine, IotFilter *filter)
{
  g_autoptr (IotScan) scan = iot_scan_new (engine);
  GArray *frames = g_array_new (FALSE, FALSE, sizeof (guint32));

  iot_scan_set_range_displayed (scan, TRUE);
  iot_scan_add_listener (scan, &select_listener, frames, filter);
  iot_scan_run (scan, NULL, NULL, NULL, NULL);
  return frames;
}

char *
exercise_frame_set_text (GArray *frames)
{
  GString *out = g_string_new ("s:");

  for (guint i = 0; i < frames->len; i++)
    g_string_append_printf (out, i ? ",%u" : "%u", g_array_index (frames, guint32, i));
  return g_string_free (out, FALSE);
}

/* The field's first occurrence at a frame, as tshark -T fields -E
 * occurrence=f prints it; NULL when the frame lacks it. */
char *
exercise_field_text_at (IotEngine *engine, const IotField *field, guint32 number)
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
    return exercise_invalid (error, "a pack needs at least one capture");
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (captures, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *id = exercise_member_string (object, "id"), *sha = exercise_member_string (object, "sha256");
      const char *path = exercise_member_string (object, "path"), *data = exercise_member_string (object, "data");
      PackCapture *capture;

      if (id == NULL || sha == NULL || (path == NULL) == (data == NULL))
        return exercise_invalid (error, "capture %u needs an id, a sha256 and either a path or bundled data", i + 1);
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

/* A map of capture id → list of strings ("check", "explained"). */
static void
load_string_lists (GHashTable *table, JsonObject *map, gboolean lower)
{
  g_autoptr (GList) names = map ? json_object_get_members (map) : NULL;

  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonArray *array = exercise_member_array (map, l->data);
      GPtrArray *strings = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);

          if (JSON_NODE_TYPE (node) == JSON_NODE_VALUE && json_node_get_value_type (node) == G_TYPE_STRING)
            g_ptr_array_add (strings, lower ? g_ascii_strdown (json_node_get_string (node), -1)
                                            : g_strdup (json_node_get_string (node)));
        }
      g_hash_table_replace (table, g_strdup (l->data), strings);
    }
}

static gboolean
load_checks (IotQuestion *question, JsonObject *object, GError **error)
{
  load_string_lists (question->checks, exercise_member_object (object, "check"), TRUE);
  if (g_hash_table_size (question->checks) == 0)
    return exercise_invalid (error, "question \"%s\" has no stored answers (\"check\")", question->id);
  load_string_lists (question->explained, exercise_member_object (object, "explained"), FALSE);
  return TRUE;
}

static void
load_hidden_frames (IotQuestion *question, JsonObject *frames)
{
  g_autoptr (GList) names = frames ? json_object_get_members (frames) : NULL;

  for (GList *l = names; l != NULL; l = l->next)
    {
      double number;

      if (exercise_member_number (frames, l->data, &number) && number >= 1 && number <= G_MAXUINT32)
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
  const char *id = exercise_member_string (object, "id"), *text = exercise_member_string (object, "text");
  double number;

  if (id == NULL || text == NULL || !kind_from_name (exercise_member_string (object, "kind"), &kind))
    return (exercise_invalid (error, "question %u needs an id, a text and a known kind", index + 1), NULL);
  question = question_new ();
  question->id = g_strdup (id);
  question->kind = kind;
  question->text = g_strdup (text);
  question->hint = g_strdup (exercise_member_string (object, "hint"));
  question->explanation = g_strdup (exercise_member_string (object, "explanation"));
  question->field = g_strdup (exercise_member_string (object, "field"));
  if (exercise_member_number (object, "points", &number) && number >= 0 && number <= 1000)
    question->points = (guint) number;
  if (exercise_member_number (object, "tolerance", &number) && number > 0 && number < 1e9)
    question->tolerance = number;
  question->choices = load_choices (exercise_member_array (object, "choices"));
  if (kind == IOT_QUESTION_CHOICE && g_strv_length (question->choices) < 2)
    return (question_free (question), exercise_invalid (error, "choice question \"%s\" needs two choices", id), NULL);
  if ((kind == IOT_QUESTION_VALUE || kind == IOT_QUESTION_HIDDEN_FIELD) && question->field == NULL)
    return (question_free (question), exercise_invalid (error, "question \"%s\" needs a field", id), NULL);
  return question;
}

gboolean
exercise_load_questions (IotExercisePack *pack, JsonArray *questions, gboolean source, GError **error)
{
  guint n = questions ? json_array_get_length (questions) : 0;

  if (n == 0)
    return exercise_invalid (error, "a pack needs at least one question");
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
          return exercise_invalid (error, "two questions are called \"%s\"", question->id);
      if (source)
        continue;
      if (!load_checks (question, object, error))
        return FALSE;
      question->sealed = g_strdup (exercise_member_string (object, "sealed"));
      load_hidden_frames (question, exercise_member_object (object, "hidden-frames"));
    }
  return TRUE;
}

JsonObject *
exercise_parse_root (JsonParser *parser, const char *data, gsize length, GError **error)
{
  JsonNode *root = iot_json_load_data (parser, data, length, "exercise file", error);

  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return (exercise_invalid (error, "not a JSON object"), NULL);
  return json_node_get_object (root);
}

gboolean
exercise_load_header (IotExercisePack *pack, JsonObject *root, const char *format, GError **error)
{
  double version = 0;

  if (g_strcmp0 (exercise_member_string (root, "format"), format) != 0)
    return exercise_invalid (error, "not an exercise pack (\"format\" is not \"%s\")", format);
  if (!exercise_member_number (root, "version", &version) || version != 1)
    return exercise_invalid (error, "unsupported pack version (this program reads version 1)");
  pack->id = g_strdup (exercise_member_string (root, "id"));
  pack->title = g_strdup (exercise_member_string (root, "title"));
  pack->description = g_strdup (exercise_member_string (root, "description"));
  if (pack->id == NULL || pack->title == NULL)
    return exercise_invalid (error, "a pack needs an id and a title");
  return TRUE;
}

IotExercisePack *
iot_exercise_pack_load_data (const char *data, gsize length, const char *base_dir, GError **error)
{
  g_autoptr (IotExercisePack) pack = exercise_pack_new ();
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *root = exercise_parse_root (parser, data, length, error);

  if (root == NULL || !exercise_load_header (pack, root, PACK_FORMAT, error))
    return NULL;
  pack->salt = g_strdup (exercise_member_string (root, "salt"));
  if (pack->salt == NULL || strlen (pack->salt) < 16)
    return (exercise_invalid (error, "a built pack needs a salt of at least 16 characters"), NULL);
  pack->base_dir = g_strdup (base_dir);
  if (!load_captures (pack, exercise_member_array (root, "captures"), error)
      || !exercise_load_questions (pack, exercise_member_array (root, "questions"), FALSE, error))
    return NULL;
  pack->secret = g_strdup (exercise_member_string (root, "secret"));
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

/* Which stored answer @canonical is (its index, -1 for none), and under
 * which capture key it is stored. */
static gint
find_stored (IotExerciseSession *session, const IotQuestion *question, const char *canonical, const char **key)
{
  GPtrArray *hashes = stored_checks (session, question, key);
  g_autofree char *hash = NULL;

  if (hashes == NULL || canonical == NULL)
    return -1;
  hash = exercise_answer_hash (session->pack, question, *key, canonical);
  for (guint i = 0; i < hashes->len; i++)
    if (g_str_equal (g_ptr_array_index (hashes, i), hash))
      return (gint) i;
  return -1;
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

/* The explanation a right answer opens: in clear in a pack just built,
 * else unsealed with the key only that answer gives. */
static char *
explanation_for (IotExerciseSession *session, const IotQuestion *question, const char *key, const char *canonical,
                 gint index)
{
  GPtrArray *sealed = g_hash_table_lookup (question->explained, key);
  guint8 answer_key[KEY_BYTES];
  char *plain;

  if (question->explanation != NULL)
    return g_strdup (question->explanation);
  if (sealed == NULL || index < 0 || (guint) index >= sealed->len)
    return NULL;
  exercise_answer_key (session->pack, question, key, canonical, answer_key);
  plain = unseal (answer_key, g_ptr_array_index (sealed, index));
  memset (answer_key, 0, sizeof answer_key);
  return plain;
}

/* NULL when @canonical is not a stored answer. */
static IotExerciseResult *
check_stored (IotExerciseSession *session, const IotQuestion *question, const char *canonical)
{
  const char *key = NULL;
  gint index = find_stored (session, question, canonical, &key);
  g_autofree char *explanation = NULL;

  if (index < 0)
    return NULL;
  explanation = explanation_for (session, question, key, canonical, index);
  return result_new (question, TRUE,
                     explanation ? g_strdup_printf ("Correct. %s", explanation) : g_strdup ("Correct."));
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
  g_autoptr (IotFilter) filter = exercise_compile_or_explain (answer, &message);
  g_autoptr (GArray) selected = NULL;
  g_autoptr (GArray) reference = NULL;
  g_autoptr (IotFilter) reference_filter = NULL;
  g_autofree char *canonical = NULL;
  g_autofree char *reference_text = NULL;
  IotExerciseResult *result;

  if (filter == NULL)
    return result_new (question, FALSE, g_strdup_printf ("The filter does not compile: %s", message));
  selected = exercise_select_frames (session->engine, filter);
  canonical = exercise_frame_set_text (selected);
  if ((result = check_stored (session, question, canonical)) != NULL)
    return result;
  if (!session->pack->unlocked || question->sealed == NULL
      || (reference_text = unseal (session->pack->key, question->sealed)) == NULL
      || (reference_filter = exercise_compile_or_explain (reference_text, NULL)) == NULL)
    return result_new (question, FALSE,
                       g_strdup_printf ("Not the frames asked for (your filter selects %u frame%s).",
                                        selected->len, selected->len == 1 ? "" : "s"));
  reference = exercise_select_frames (session->engine, reference_filter);
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
      return exercise_canonical_value (exercise_question_field (question), question->tolerance, answer);
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
  IotExerciseResult *result;

  g_return_val_if_fail (question != NULL, NULL);
  if (is_blank (answer))
    return result_new (question, FALSE, g_strdup ("Not answered."));
  if (question->kind == IOT_QUESTION_FILTER)
    return check_filter (session, question, answer);
  canonical = canonical_answer (question, answer);
  if (canonical == NULL)
    return result_new (question, FALSE, g_strdup (unreadable_answer (question)));
  if ((result = check_stored (session, question, canonical)) != NULL)
    return result;
  return result_new (question, FALSE, g_strdup ("Not the right answer yet."));
}

