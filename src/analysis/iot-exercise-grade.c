/* iot-exercise-grade.c — students' answer files, and a class's answer
 * files graded into a CSV or JSON score sheet. */
#include <math.h>
#include <string.h>

#include <gcrypt.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "iot-exercise-private.h"
#include "iot-filter.h"
#include "iot-print.h"

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
  JsonObject *root = exercise_parse_root (parser, data, length, error);
  JsonObject *map;
  g_autoptr (GList) names = NULL;
  IotExerciseAnswers *answers;

  if (root == NULL)
    return NULL;
  if (g_strcmp0 (exercise_member_string (root, "format"), ANSWERS_FORMAT) != 0)
    return (exercise_invalid (error, "not an answer file (\"format\" is not \"%s\")", ANSWERS_FORMAT), NULL);
  if (exercise_member_string (root, "student") == NULL || exercise_member_string (root, "pack") == NULL)
    return (exercise_invalid (error, "an answer file needs \"pack\" and \"student\""), NULL);
  answers = iot_exercise_answers_new (exercise_member_string (root, "pack"), exercise_member_string (root, "student"));
  map = exercise_member_object (root, "answers");
  names = map ? json_object_get_members (map) : NULL;
  for (GList *l = names; l != NULL; l = l->next)
    {
      char *text = exercise_node_to_answer (json_object_get_member (map, l->data));

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
  g_autoptr (GPtrArray) keys = exercise_sorted_keys (answers->answers);
  g_autofree char *text = NULL;
  g_autofree char *dir = g_path_get_dirname (path);

  json_builder_begin_object (b);
  exercise_add_optional_string (b, "format", ANSWERS_FORMAT);
  exercise_add_optional_string (b, "pack", answers->pack_id);
  exercise_add_optional_string (b, "student", answers->student);
  json_builder_set_member_name (b, "answers");
  json_builder_begin_object (b);
  for (guint i = 0; i < keys->len; i++)
    exercise_add_optional_string (b, g_ptr_array_index (keys, i), g_hash_table_lookup (answers->answers,
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
  exercise_add_optional_string (b, "student", g->student);
  exercise_add_optional_string (b, "file", g->file);
  exercise_add_optional_string (b, "capture", g->capture);
  json_builder_set_member_name (b, "score");
  json_builder_add_int_value (b, g->score);
  json_builder_set_member_name (b, "max");
  json_builder_add_int_value (b, iot_exercise_pack_total_points (pack));
  exercise_add_optional_string (b, "problem", g->problem);
  json_builder_set_member_name (b, "questions");
  json_builder_begin_array (b);
  for (guint i = 0; g->problem == NULL && i < pack->questions->len; i++)
    {
      const IotQuestion *question = g_ptr_array_index (pack->questions, i);
      IotExerciseResult *result = g_ptr_array_index (g->results, i);

      json_builder_begin_object (b);
      exercise_add_optional_string (b, "id", question->id);
      exercise_add_optional_string (b, "kind", iot_question_kind_name (question->kind));
      exercise_add_optional_string (b, "answer", g_ptr_array_index (g->answers, i));
      json_builder_set_member_name (b, "correct");
      json_builder_add_boolean_value (b, result->correct);
      json_builder_set_member_name (b, "points");
      json_builder_add_int_value (b, result->points);
      json_builder_set_member_name (b, "max");
      json_builder_add_int_value (b, question->points);
      exercise_add_optional_string (b, "feedback", result->feedback);
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
  exercise_add_optional_string (b, "pack", pack->id);
  exercise_add_optional_string (b, "title", pack->title);
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
  g_ptr_array_sort (names, exercise_compare_strings);
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

