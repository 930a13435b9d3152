/* test-exercise.c — the exercise checkers: every question kind on a pack
 * built from mqtt311.pcap, answers spelt differently but meaning the same
 * accepted, near misses rejected with the right feedback. */
#include <string.h>

#include <glib/gstdio.h>

#include "iot-exercise.h"
#include "iot-analysis-test.h"

#define SOURCE \
  "{ \"format\": \"iotscope-exercise-source\", \"version\": 1, \"id\": \"unit\", \"title\": \"Unit\"," \
  "  \"captures\": [ { \"id\": \"mqtt311\", \"path\": \"%s\" } ]," \
  "  \"questions\": [" \
  "    { \"id\": \"f\", \"kind\": \"filter\", \"text\": \"PUBLISH\", \"explanation\": \"Type 3.\"," \
  "      \"reference\": { \"filter\": \"mqtt.msgtype==3\" } }," \
  "    { \"id\": \"c\", \"kind\": \"count\", \"text\": \"CONNECTs\", \"reference\": { \"filter\": \"mqtt.msgtype == 1\" } }," \
  "    { \"id\": \"fr\", \"kind\": \"frame\", \"text\": \"PINGREQ\", \"reference\": { \"filter\": \"mqtt.msgtype == 12\" } }," \
  "    { \"id\": \"ka\", \"kind\": \"value\", \"field\": \"mqtt.kalive\", \"text\": \"keep-alive\"," \
  "      \"reference\": { \"filter\": \"mqtt.msgtype == 1\" } }," \
  "    { \"id\": \"ip\", \"kind\": \"value\", \"field\": \"ip.dst\", \"text\": \"dst\", \"reference\": { \"frame\": 4 } }," \
  "    { \"id\": \"mac\", \"kind\": \"value\", \"field\": \"eth.src\", \"text\": \"src\", \"reference\": { \"frame\": 4 } }," \
  "    { \"id\": \"topic\", \"kind\": \"value\", \"field\": \"mqtt.topic\", \"text\": \"topic\"," \
  "      \"reference\": { \"filter\": \"mqtt.qos == 2\" } }," \
  "    { \"id\": \"t\", \"kind\": \"value\", \"field\": \"frame.time_delta\", \"tolerance\": 0.001, \"text\": \"delay\"," \
  "      \"reference\": { \"frame\": 143 } }," \
  "    { \"id\": \"ch\", \"kind\": \"choice\", \"text\": \"QoS 1 ack\", \"choices\": [ \"PUBACK\", \"PUBREC\" ]," \
  "      \"reference\": { \"choice\": 1 } }," \
  "    { \"id\": \"h\", \"kind\": \"hidden-field\", \"field\": \"mqtt.qos\", \"text\": \"QoS\", \"points\": 3," \
  "      \"reference\": { \"filter\": \"mqtt.topic == \\\"sensors/door\\\"\" } }" \
  "  ] }"

static char *source_path;
static char *secret;

static IotExercisePack *
built_pack (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data = NULL;
  IotExercisePack *pack;
  gsize length;
  g_autoptr (IotExercisePack) built = iot_exercise_pack_build (source_path, "teacher-secret", NULL, &error);

  g_assert_no_error (error);
  /* Through the file format, as a student receives it. */
  data = iot_exercise_pack_to_data (built, &length);
  pack = iot_exercise_pack_load_data (data, length, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (iot_exercise_pack_is_unlocked (pack));
  g_assert_null (strstr (data, "mqtt.msgtype"));
  g_assert_null (strstr (data, "sensors/door\""));
  /* Explanations give answers away: sealed, opened by a right answer. */
  g_assert_null (strstr (data, "Type 3."));
  g_assert_nonnull (strstr (data, "\"explained\""));
  return pack;
}

typedef struct {
  IotExercisePack    *pack;
  IotExerciseSession *session;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer unlock)
{
  g_autoptr (GError) error = NULL;

  f->pack = built_pack ();
  if (unlock != NULL)
    {
      g_assert_true (iot_exercise_pack_unlock (f->pack, secret, &error));
      g_assert_no_error (error);
    }
  f->session = iot_exercise_session_new (f->pack, 0, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer unused)
{
  iot_exercise_session_free (f->session);
  iot_exercise_pack_free (f->pack);
}

static IotExerciseResult *
check (Fixture *f, const char *id, const char *answer)
{
  gint index = iot_exercise_pack_find_question (f->pack, id);

  g_assert_cmpint (index, >=, 0);
  return iot_exercise_session_check (f->session, index, answer);
}

static void
assert_answer (Fixture *f, const char *id, const char *answer, gboolean correct)
{
  g_autoptr (IotExerciseResult) result = check (f, id, answer);

  if (result->correct != correct)
    g_error ("%s: \"%s\" should be %s (%s)", id, answer, correct ? "right" : "wrong", result->feedback);
}

static void
test_filter_equivalent (Fixture *f, gconstpointer unused)
{
  assert_answer (f, "f", "mqtt.msgtype==3", TRUE);
  assert_answer (f, "f", "mqtt.msgtype eq 3 and mqtt", TRUE);
  assert_answer (f, "f", "mqtt.msgtype == 0x03", TRUE);
  assert_answer (f, "f", "!(mqtt.msgtype != 3) && mqtt.msgtype", TRUE);
  {
    g_autoptr (IotExerciseResult) result = check (f, "f", "mqtt.msgtype in {3}");
    g_assert_true (result->correct);
    g_assert_cmpuint (result->points, ==, 1);
    g_assert_cmpstr (result->feedback, ==, "Correct. Type 3.");
  }
}

static void
test_filter_near_miss (Fixture *f, gconstpointer unused)
{
  g_autoptr (IotExerciseResult) fewer = check (f, "f", "mqtt.msgtype == 3 && mqtt.qos >= 1");
  g_autoptr (IotExerciseResult) more = check (f, "f", "mqtt.msgtype in {3, 4}");
  g_autoptr (IotExerciseResult) both = check (f, "f", "mqtt.msgtype == 4 || (mqtt.msgtype == 3 && mqtt.qos > 0)");

  /* Frames 18 and 20 are the two QoS 0 PUBLISHes. */
  g_assert_false (fewer->correct);
  g_assert_cmpuint (fewer->n_extra, ==, 0);
  g_assert_cmpuint (fewer->n_missing, ==, 2);
  g_assert_cmpuint (fewer->example_missing, ==, 18);
  g_assert_cmpstr (fewer->feedback, ==, "Not quite: your filter selects 2 frames too few (for example frame 18 is missing).");
  /* The eight PUBACKs, the first at frame 35. */
  g_assert_cmpuint (more->n_extra, ==, 8);
  g_assert_cmpuint (more->n_missing, ==, 0);
  g_assert_cmpuint (more->example_extra, ==, 35);
  g_assert_cmpstr (more->feedback, ==, "Not quite: your filter selects 8 frames too many (for example frame 35).");
  g_assert_cmpuint (both->n_extra, ==, 8);
  g_assert_cmpuint (both->n_missing, ==, 2);
  g_assert_cmpuint (both->points, ==, 0);
}

static void
test_filter_locked (Fixture *f, gconstpointer unused)
{
  g_autoptr (IotExerciseResult) right = check (f, "f", "mqtt.msgtype eq 3");
  g_autoptr (IotExerciseResult) wrong = check (f, "f", "mqtt.msgtype in {3, 4}");
  g_autoptr (GError) error = NULL;

  g_assert_true (right->correct);
  g_assert_false (wrong->correct);
  g_assert_cmpuint (wrong->n_extra, ==, 0);
  g_assert_cmpstr (wrong->feedback, ==, "Not the frames asked for (your filter selects 20 frames).");
  g_assert_false (iot_exercise_pack_unlock (f->pack, "not-the-secret", &error));
  g_assert_error (error, IOT_EXERCISE_ERROR, IOT_EXERCISE_ERROR_SECRET);
}

static void
test_filter_does_not_compile (Fixture *f, gconstpointer unused)
{
  g_autoptr (IotExerciseResult) result = check (f, "f", "mqtt.msgtyp == 3");
  g_autoptr (IotExerciseResult) blank = check (f, "f", "   ");

  g_assert_false (result->correct);
  g_assert_cmpstr (result->feedback, ==,
                   "The filter does not compile: \"mqtt.msgtyp\" is neither a field nor a protocol name.\n"
                   "    mqtt.msgtyp == 3\n"
                   "    ^~~~~~~~~~~");
  g_assert_cmpstr (blank->feedback, ==, "Not answered.");
}

static void
test_count_and_frame (Fixture *f, gconstpointer unused)
{
  g_autoptr (IotExerciseResult) unreadable = check (f, "c", "nine");

  assert_answer (f, "c", "9", TRUE);
  assert_answer (f, "c", " 9 ", TRUE);
  assert_answer (f, "c", "8", FALSE);
  assert_answer (f, "c", "10", FALSE);
  g_assert_cmpstr (unreadable->feedback, ==, "Answer with a number of frames.");
  assert_answer (f, "fr", "142", TRUE);
  assert_answer (f, "fr", "#142", TRUE);
  assert_answer (f, "fr", "143", FALSE);
}

static void
test_values (Fixture *f, gconstpointer unused)
{
  g_autoptr (IotExerciseResult) bad_address = check (f, "ip", "localhost");

  /* Integers in any base, or the value's name. */
  assert_answer (f, "ka", "60", TRUE);
  assert_answer (f, "ka", "0x3c", TRUE);
  assert_answer (f, "ka", "61", FALSE);
  /* Addresses normalised. */
  assert_answer (f, "ip", "127.0.0.1", TRUE);
  assert_answer (f, "ip", "127.0.0.2", FALSE);
  g_assert_cmpstr (bad_address->feedback, ==, "That is not a value this field can have.");
  assert_answer (f, "mac", "00:00:00:00:00:00", TRUE);
  assert_answer (f, "mac", "00-00-00-00-00-00", TRUE);
  assert_answer (f, "mac", "000000000000", TRUE);
  assert_answer (f, "mac", "00:00:00:00:00:01", FALSE);
  /* Strings: surrounding blanks dropped, case kept. */
  assert_answer (f, "topic", "sensors/door", TRUE);
  assert_answer (f, "topic", "  sensors/door\n", TRUE);
  assert_answer (f, "topic", "sensors/Door", FALSE);
  /* Times within the tolerance (1 ms; the reference is 0.000027 s). */
  assert_answer (f, "t", "0.000027", TRUE);
  assert_answer (f, "t", "0", TRUE);
  assert_answer (f, "t", "0.0009", TRUE);
  assert_answer (f, "t", "0.0015", FALSE);
  assert_answer (f, "t", "-0.002", FALSE);
}

static void
test_choice_and_hidden (Fixture *f, gconstpointer unused)
{
  const IotQuestion *hidden = iot_exercise_pack_question (f->pack, iot_exercise_pack_find_question (f->pack, "h"));

  assert_answer (f, "ch", "1", TRUE);
  assert_answer (f, "ch", "A", TRUE);
  assert_answer (f, "ch", "puback", TRUE);
  assert_answer (f, "ch", "2", FALSE);
  assert_answer (f, "ch", "PUBREC", FALSE);
  g_assert_cmpuint (iot_question_hidden_frame (hidden, "mqtt311"), ==, 49);
  g_assert_cmpstr (iot_question_field (hidden), ==, "mqtt.qos");
  assert_answer (f, "h", "2", TRUE);
  assert_answer (f, "h", "1", FALSE);
  {
    g_autoptr (IotExerciseResult) result = check (f, "h", "2");
    g_assert_cmpuint (result->points, ==, 3);
  }
  g_assert_cmpuint (iot_exercise_pack_total_points (f->pack), ==, 12);
}

static void
assert_load_fails (const char *text, gint code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotExercisePack) pack = iot_exercise_pack_load_data (text, strlen (text), NULL, &error);

  g_assert_null (pack);
  g_assert_error (error, IOT_EXERCISE_ERROR, code);
}

static void
test_load_errors (void)
{
  g_autoptr (IotExercisePack) pack = built_pack ();
  g_autofree char *data = iot_exercise_pack_to_data (pack, NULL);
  g_autoptr (GError) error = NULL;
  char *sha;

  assert_load_fails ("{}", IOT_EXERCISE_ERROR_INVALID);
  assert_load_fails ("[1]", IOT_EXERCISE_ERROR_INVALID);
  assert_load_fails ("{\"format\":\"iotscope-exercise-pack\",\"version\":2}", IOT_EXERCISE_ERROR_INVALID);
  assert_load_fails ("{\"format\":\"iotscope-exercise-pack\",\"version\":1,\"id\":\"x\",\"title\":\"x\","
                     "\"salt\":\"0123456789abcdef\",\"captures\":[],\"questions\":[]}", IOT_EXERCISE_ERROR_INVALID);
  /* A capture that is not the one the pack was made for. */
  sha = strstr (data, "\"sha256\" : \"");
  g_assert_nonnull (sha);
  sha += strlen ("\"sha256\" : \"");
  sha[0] = sha[0] == '0' ? '1' : '0';
  {
    g_autoptr (IotExercisePack) altered = iot_exercise_pack_load_data (data, strlen (data), NULL, &error);
    g_autoptr (IotExerciseSession) session = NULL;

    g_assert_no_error (error);
    session = iot_exercise_session_new (altered, 0, &error);
    g_assert_null (session);
    g_assert_error (error, IOT_EXERCISE_ERROR, IOT_EXERCISE_ERROR_CAPTURE);
  }
}

/* The JSON reader takes an octal escape such as "\714" and makes a byte
 * that is not UTF-8 of it; such a pack is refused by name rather than
 * loaded and then written out as a file that no longer reads. */
static void
test_load_invalid_utf8 (void)
{
  g_autoptr (IotExercisePack) pack = built_pack ();
  g_autofree char *data = iot_exercise_pack_to_data (pack, NULL);
  g_autoptr (GString) altered = g_string_new (data);
  g_autoptr (IotExercisePack) loaded = NULL;
  g_autoptr (GError) error = NULL;
  const char *title = strstr (data, "\"title\" : \"");

  g_assert_nonnull (title);
  g_string_insert (altered, title - data + strlen ("\"title\" : \""), "\\714");
  loaded = iot_exercise_pack_load_data (altered->str, altered->len, NULL, &error);
  g_assert_null (loaded);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "\"title\""));
}

static void
test_answers_round_trip (void)
{
  g_autoptr (IotExerciseAnswers) answers = iot_exercise_answers_new ("unit", "alice");
  g_autoptr (IotExerciseAnswers) loaded = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("exercise-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "alice.json", NULL);

  g_hash_table_insert (answers->answers, g_strdup ("f"), g_strdup ("mqtt.topic contains \"door\""));
  g_assert_true (iot_exercise_answers_save (answers, path, &error));
  loaded = iot_exercise_answers_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded->student, ==, "alice");
  g_assert_cmpstr (loaded->pack_id, ==, "unit");
  g_assert_cmpstr (g_hash_table_lookup (loaded->answers, "f"), ==, "mqtt.topic contains \"door\"");
  g_unlink (path);
  g_rmdir (dir);
}

/* Teachers' questions: a reference that does not hold leaves the source
 * as it was; one that does is appended and builds. */
static void
test_source_add (void)
{
  g_autofree char *dir = g_dir_make_tmp ("exercise-add-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "lab.source.json", NULL);
  g_autofree char *capture = g_canonicalize_filename ("tests/captures/mqtt311.pcap", NULL);
  g_autofree char *id = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (IotExerciseSource) source = NULL;
  g_autoptr (IotExercisePack) pack = NULL;
  IotQuestionDraft filter = { .kind = IOT_QUESTION_FILTER, .text = "PINGREQ", .filter = "mqtt.msgtype == 12" };
  IotQuestionDraft broken = { .kind = IOT_QUESTION_FILTER, .text = "?", .filter = "mqtt.msgtype ==" };
  IotQuestionDraft value = { .kind = IOT_QUESTION_VALUE, .text = "Topic", .field = "mqtt.topic", .frame = 49 };
  IotQuestionDraft absent = { .kind = IOT_QUESTION_VALUE, .text = "Topic", .field = "mqtt.topic", .frame = 1 };

  g_assert_true (iot_exercise_source_add (path, capture, &filter, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "q1");
  g_assert_false (iot_exercise_source_add (path, capture, &broken, NULL, &error));
  g_assert_error (error, IOT_EXERCISE_ERROR, IOT_EXERCISE_ERROR_REFERENCE);
  g_clear_error (&error);
  /* Frame 1 (a SYN) has no topic. */
  g_assert_false (iot_exercise_source_add (path, capture, &absent, NULL, &error));
  g_assert_nonnull (strstr (error->message, "frame 1 has no mqtt.topic"));
  g_clear_error (&error);
  g_clear_pointer (&id, g_free);
  g_assert_true (iot_exercise_source_add (path, capture, &value, &id, &error));
  g_assert_cmpstr (id, ==, "q2");
  source = iot_exercise_source_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (iot_exercise_source_n_questions (source), ==, 2);
  g_assert_cmpstr (iot_exercise_source_get (source, 1, "field"), ==, "mqtt.topic");
  pack = iot_exercise_pack_build (path, "x", NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr (IotExerciseSession) session = iot_exercise_session_new (pack, 0, &error);
    g_autoptr (IotExerciseResult) ping = iot_exercise_session_check (session, 0, "mqtt.msgtype eq 12");
    g_autoptr (IotExerciseResult) topic = iot_exercise_session_check (session, 1, "sensors/door");

    g_assert_true (ping->correct);
    g_assert_true (topic->correct);
  }
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_autofree char *capture = NULL;
  g_autofree char *source = NULL;
  g_autofree char *dir = g_dir_make_tmp ("exercise-src-XXXXXX", NULL);
  int status;

  g_test_init (&argc, &argv, NULL);
  iot_registry_init ();
  capture = g_canonicalize_filename ("tests/captures/mqtt311.pcap", NULL);
  source = g_strdup_printf (SOURCE, capture);
  source_path = g_build_filename (dir, "unit.source.json", NULL);
  secret = g_strdup ("teacher-secret");
  g_assert_true (g_file_set_contents (source_path, source, -1, NULL));

  g_test_add ("/exercise/filter/equivalent", Fixture, "unlock", fixture_set_up, test_filter_equivalent, fixture_tear_down);
  g_test_add ("/exercise/filter/near-miss", Fixture, "unlock", fixture_set_up, test_filter_near_miss, fixture_tear_down);
  g_test_add ("/exercise/filter/locked", Fixture, NULL, fixture_set_up, test_filter_locked, fixture_tear_down);
  g_test_add ("/exercise/filter/compile-error", Fixture, NULL, fixture_set_up, test_filter_does_not_compile,
              fixture_tear_down);
  g_test_add ("/exercise/count-frame", Fixture, NULL, fixture_set_up, test_count_and_frame, fixture_tear_down);
  g_test_add ("/exercise/values", Fixture, NULL, fixture_set_up, test_values, fixture_tear_down);
  g_test_add ("/exercise/choice-hidden", Fixture, NULL, fixture_set_up, test_choice_and_hidden, fixture_tear_down);
  g_test_add_func ("/exercise/load-errors", test_load_errors);
  g_test_add_func ("/exercise/load-invalid-utf8", test_load_invalid_utf8);
  g_test_add_func ("/exercise/answers", test_answers_round_trip);
  g_test_add_func ("/exercise/source-add", test_source_add);
  status = g_test_run ();
  g_unlink (source_path);
  g_rmdir (dir);
  g_free (source_path);
  g_free (secret);
  return status;
}
