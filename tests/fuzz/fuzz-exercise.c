/* fuzz-exercise.c — libFuzzer target: arbitrary bytes as an exercise pack
 * and as an answer file.  A pack that loads has every question read and,
 * when it bundles a capture that opens, every question checked against a
 * few answers; a pack that loads must load again once written out. */
#include "iot-exercise.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_questions (IotExercisePack *pack)
{
  static const char *const answers[] = { "", "1", "mqtt", "0x10", "127.0.0.1", "A", "frame.number < 3" };
  g_autoptr (IotExerciseSession) session = iot_exercise_session_new (pack, 0, NULL);

  for (guint i = 0; i < iot_exercise_pack_n_questions (pack); i++)
    {
      const IotQuestion *question = iot_exercise_pack_question (pack, i);

      g_assert_nonnull (iot_question_text (question));
      iot_question_hidden_frame (question, iot_exercise_pack_capture_id (pack, 0));
      for (guint a = 0; session != NULL && a < G_N_ELEMENTS (answers); a++)
        iot_exercise_result_free (iot_exercise_session_check (session, i, answers[a]));
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data, size_t size)
{
  static gboolean initialised;
  g_autoptr (IotExercisePack) pack = NULL;
  g_autoptr (IotExerciseAnswers) answers = NULL;

  if (!initialised)
    {
      iot_registry_init ();
      initialised = TRUE;
    }
  pack = iot_exercise_pack_load_data ((const char *) data, size, NULL, NULL);
  if (pack != NULL)
    {
      gsize length;
      g_autofree char *text = iot_exercise_pack_to_data (pack, &length);
      g_autoptr (IotExercisePack) again = iot_exercise_pack_load_data (text, length, NULL, NULL);

      /* What was read is written back in a form that reads again. */
      g_assert_nonnull (again);
      g_assert_cmpuint (iot_exercise_pack_n_questions (again), ==, iot_exercise_pack_n_questions (pack));
      check_questions (pack);
      iot_exercise_pack_capture_for (pack, "student");
    }
  answers = iot_exercise_answers_load_data ((const char *) data, size, NULL);
  return 0;
}
