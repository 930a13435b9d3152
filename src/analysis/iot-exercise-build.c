/* iot-exercise-build.c — the teacher's side of exercise packs: a source
 * file (references in clear) built into a pack (references hashed or
 * sealed), the pack written out, and sources edited: questions added from
 * what the window shows, reordered, changed, removed. */
#include <math.h>
#include <string.h>

#include <gcrypt.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "iot-exercise-private.h"
#include "iot-json-load.h"
#include "iot-filter.h"
#include "iot-print.h"

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
  g_ptr_array_add (hashes, exercise_answer_hash (pack, question, capture_id, canonical));
  if (question->explanation != NULL)
    {
      GPtrArray *sealed = g_hash_table_lookup (question->explained, capture_id);
      guint8 key[KEY_BYTES];

      if (sealed == NULL)
        {
          sealed = g_ptr_array_new_with_free_func (g_free);
          g_hash_table_insert (question->explained, g_strdup (capture_id), sealed);
        }
      exercise_answer_key (pack, question, capture_id, canonical, key);
      g_ptr_array_add (sealed, exercise_seal_with_key (key, question->explanation));
      memset (key, 0, sizeof key);
    }
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
  g_autoptr (IotFilter) filter = exercise_compile_or_explain (text, &message);

  if (filter == NULL)
    return (reference_fails (error, question, iot_exercise_session_capture_id (session), "%s", message), NULL);
  return exercise_select_frames (session->engine, filter);
}

/* The frame a value reference is read at: "frame" or the first frame the
 * reference's "filter" selects. */
static guint32
reference_frame (IotExerciseSession *session, const IotQuestion *question, JsonObject *reference, GError **error)
{
  const char *capture_id = iot_exercise_session_capture_id (session);
  const char *text = exercise_member_string (reference, "filter");
  g_autoptr (GArray) frames = NULL;
  double number;

  if (exercise_member_number (reference, "frame", &number))
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
  const IotField *field = exercise_question_field (question);
  g_autofree char *text = exercise_node_to_answer (json_object_get_member (reference, "value"));
  guint32 frame = 0;

  if (field == NULL)
    return reference_fails (error, question, capture_id, "no field is called \"%s\"", question->field);
  if (text == NULL || question->kind == IOT_QUESTION_HIDDEN_FIELD)
    {
      frame = reference_frame (session, question, reference, error);
      if (frame == 0)
        return FALSE;
      g_free (text);
      text = exercise_field_text_at (session->engine, field, frame);
      if (text == NULL)
        return reference_fails (error, question, capture_id, "frame %u has no %s", frame, question->field);
    }
  if (question->kind == IOT_QUESTION_HIDDEN_FIELD)
    g_hash_table_replace (question->hidden_frames, g_strdup (capture_id), GUINT_TO_POINTER (frame));
  if (question->tolerance > 0)
    {
      double value;

      if (!exercise_parse_double (text, &value))
        return reference_fails (error, question, capture_id, "\"%s\" is not a number", text);
      for (gint64 shift = -TOLERANCE_STEPS; shift <= TOLERANCE_STEPS; shift++)
        {
          g_autofree char *cell = exercise_grid_cell (value, question->tolerance, shift);
          add_check (pack, question, capture_id, cell);
        }
      return TRUE;
    }
  {
    g_autofree char *canonical = exercise_canonical_value (field, 0, text);

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
  const char *text = exercise_member_string (reference, "filter");
  g_autoptr (GArray) frames = NULL;
  double number;

  if (text == NULL)
    {
      g_autofree char *canonical = NULL;

      if (question->kind == IOT_QUESTION_COUNT && !exercise_member_number (reference, "value", &number))
        return reference_fails (error, question, capture_id, "a count needs a filter or a value");
      if (question->kind == IOT_QUESTION_FRAME && !exercise_member_number (reference, "frame", &number))
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
    g_autofree char *canonical = exercise_frame_set_text (frames);
    add_check (session->pack, question, capture_id, canonical);
  }
  return TRUE;
}

static gboolean
build_reference (Builder *builder, IotQuestion *question, JsonObject *reference, GError **error)
{
  double number;

  if (reference == NULL)
    return exercise_invalid (error, "question \"%s\" has no reference", question->id);
  if (question->kind == IOT_QUESTION_CHOICE)
    {
      g_autofree char *canonical = NULL;

      if (!exercise_member_number (reference, "choice", &number) || number < 1 || number > g_strv_length (question->choices))
        return exercise_invalid (error, "question \"%s\": the reference needs a choice between 1 and %u", question->id,
                        g_strv_length (question->choices));
      canonical = g_strdup_printf ("c:%.0f", number);
      add_check (builder->pack, question, "*", canonical);
      return TRUE;
    }
  if (question->kind == IOT_QUESTION_FILTER)
    {
      const char *text = exercise_member_string (reference, "filter");

      if (text == NULL)
        return exercise_invalid (error, "question \"%s\": a filter question's reference is a filter", question->id);
      question->sealed = exercise_seal (builder->pack, text);
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
    return exercise_invalid (error, "a pack needs at least one capture");
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (captures, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *id = exercise_member_string (object, "id"), *path = exercise_member_string (object, "path");
      g_autofree char *full = NULL;
      char *data;
      gsize length;
      PackCapture *capture;

      if (id == NULL || path == NULL)
        return exercise_invalid (error, "capture %u of the source needs an id and a path", i + 1);
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

  if (!build_captures (pack, exercise_member_array (root, "captures"), source_dir, error))
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
        JsonObject *source = json_array_get_object_element (exercise_member_array (root, "captures"), i);

        capture->path = g_path_get_basename (exercise_member_string (source, "path"));
        g_clear_pointer (&capture->data, g_bytes_unref);
      }
  return TRUE;
}

IotExercisePack *
iot_exercise_pack_build (const char *source_path, const char *secret, char **secret_out, GError **error)
{
  g_autoptr (IotExercisePack) pack = exercise_pack_new ();
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
      || (root = exercise_parse_root (parser, data, length, error)) == NULL
      || !exercise_load_header (pack, root, SOURCE_FORMAT, error))
    return NULL;
  pack->salt = random_text (16);
  if (!exercise_derive_key (pack, own_secret, pack->key))
    return (exercise_invalid (error, "could not derive a key"), NULL);
  pack->unlocked = TRUE;
  questions = exercise_member_array (root, "questions");
  if (!open_build_sessions (&builder, source_dir, root, error)
      || !exercise_load_questions (pack, questions, TRUE, error))
    return NULL;
  for (guint i = 0; i < pack->questions->len; i++)
    {
      JsonObject *object = json_array_get_object_element (questions, i);

      if (!build_reference (&builder, g_ptr_array_index (pack->questions, i), exercise_member_object (object, "reference"),
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

void
exercise_add_optional_string (JsonBuilder *b, const char *name, const char *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

gint
exercise_compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* A map written in key order, so the same pack always gives the same text. */
GPtrArray *
exercise_sorted_keys (GHashTable *table)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, exercise_compare_strings);
  return keys;
}

static void
write_string_lists (JsonBuilder *b, const char *name, GHashTable *table)
{
  g_autoptr (GPtrArray) keys = exercise_sorted_keys (table);

  if (keys->len == 0)
    return;
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  for (guint i = 0; i < keys->len; i++)
    {
      GPtrArray *strings = g_hash_table_lookup (table, g_ptr_array_index (keys, i));

      json_builder_set_member_name (b, g_ptr_array_index (keys, i));
      json_builder_begin_array (b);
      for (guint j = 0; j < strings->len; j++)
        json_builder_add_string_value (b, g_ptr_array_index (strings, j));
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
}

static void
write_question_answers (IotQuestion *question, JsonBuilder *b)
{
  write_string_lists (b, "check", question->checks);
  write_string_lists (b, "explained", question->explained);
  exercise_add_optional_string (b, "sealed", question->sealed);
  if (g_hash_table_size (question->hidden_frames) > 0)
    {
      g_autoptr (GPtrArray) frames = exercise_sorted_keys (question->hidden_frames);

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
  exercise_add_optional_string (b, "id", question->id);
  exercise_add_optional_string (b, "kind", iot_question_kind_name (question->kind));
  exercise_add_optional_string (b, "text", question->text);
  exercise_add_optional_string (b, "hint", question->hint);
  exercise_add_optional_string (b, "field", question->field);
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
  exercise_add_optional_string (b, "format", PACK_FORMAT);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  exercise_add_optional_string (b, "id", pack->id);
  exercise_add_optional_string (b, "title", pack->title);
  exercise_add_optional_string (b, "description", pack->description);
  exercise_add_optional_string (b, "salt", pack->salt);
  exercise_add_optional_string (b, "secret", pack->secret);
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
  exercise_add_optional_string (b, "format", SOURCE_FORMAT);
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  exercise_add_optional_string (b, "id", base);
  exercise_add_optional_string (b, "title", base);
  json_builder_set_member_name (b, "captures");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  exercise_add_optional_string (b, "id", capture_base);
  /* Next to the source: a relative path, so the folder can move. */
  if (g_str_has_prefix (absolute_capture, absolute_dir) && absolute_capture[strlen (absolute_dir)] == G_DIR_SEPARATOR)
    exercise_add_optional_string (b, "path", absolute_capture + strlen (absolute_dir) + 1);
  else
    exercise_add_optional_string (b, "path", absolute_capture);
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
        taken |= g_strcmp0 (exercise_member_string (json_array_get_object_element (questions, i), "id"), id) == 0;
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
        return (exercise_invalid (error, "this kind of question needs a display filter as its reference"), NULL);
      exercise_add_optional_string (b, "filter", draft->filter);
      break;
    default:
      if (draft->frame == 0 && (draft->kind != IOT_QUESTION_FRAME || draft->filter == NULL))
        return (exercise_invalid (error, "this kind of question needs a selected frame as its reference"), NULL);
      if (draft->frame != 0)
        {
          json_builder_set_member_name (b, "frame");
          json_builder_add_int_value (b, draft->frame);
        }
      else
        exercise_add_optional_string (b, "filter", draft->filter);
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
    return (json_node_unref (reference), exercise_invalid (error, "select the field the question asks about"), NULL);
  json_builder_begin_object (b);
  exercise_add_optional_string (b, "id", id);
  exercise_add_optional_string (b, "kind", iot_question_kind_name (draft->kind));
  exercise_add_optional_string (b, "text", draft->text);
  exercise_add_optional_string (b, "hint", draft->hint && *draft->hint ? draft->hint : NULL);
  exercise_add_optional_string (b, "explanation", draft->explanation && *draft->explanation ? draft->explanation : NULL);
  if (draft->kind == IOT_QUESTION_VALUE || draft->kind == IOT_QUESTION_HIDDEN_FIELD)
    exercise_add_optional_string (b, "field", draft->field);
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
    return exercise_invalid (error, "the question needs a text");
  if (g_file_test (source_path, G_FILE_TEST_EXISTS))
    {
      if (iot_json_load_file (parser, source_path, "exercise source", error) == NULL)
        return FALSE;
      root = json_node_copy (json_parser_get_root (parser));
      if (!JSON_NODE_HOLDS_OBJECT (root)
          || g_strcmp0 (exercise_member_string (json_node_get_object (root), "format"), SOURCE_FORMAT) != 0)
        return exercise_invalid (error, "%s is not an exercise source", source_path);
      g_file_get_contents (source_path, &before, NULL, NULL);
    }
  else
    root = new_source (source_path, capture_path);
  questions = exercise_member_array (json_node_get_object (root), "questions");
  if (questions == NULL)
    return exercise_invalid (error, "%s has no question list", source_path);
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

  root = iot_json_load_file (parser, path, "exercise source", error);
  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root)
      || g_strcmp0 (exercise_member_string (json_node_get_object (root), "format"), SOURCE_FORMAT) != 0
      || exercise_member_array (json_node_get_object (root), "questions") == NULL)
    return (exercise_invalid (error, "%s is not an exercise source", path), NULL);
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
  return exercise_member_array (json_node_get_object (source->root), "questions");
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
  return exercise_member_string (json_node_get_object (source->root), "title");
}

guint
iot_exercise_source_n_questions (IotExerciseSource *source)
{
  return json_array_get_length (source_questions (source));
}

const char *
iot_exercise_source_get (IotExerciseSource *source, guint index, const char *member)
{
  return exercise_member_string (source_question (source, index), member);
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
  JsonObject *reference = exercise_member_object (source_question (source, index), "reference");
  GString *out = g_string_new (NULL);
  g_autoptr (GList) names = reference ? json_object_get_members (reference) : NULL;

  for (GList *l = names; l != NULL; l = l->next)
    {
      g_autofree char *value = exercise_node_to_answer (json_object_get_member (reference, l->data));

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
