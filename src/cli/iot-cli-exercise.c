/* iot-cli-exercise.c — --exercise PACK --answers DIR grades a class;
 * --exercise-build SOURCE makes a pack from a teacher's source file. */
#include <stdio.h>
#include <string.h>

#include "iot-cli-exercise.h"
#include "iot-exercise.h"

static struct {
  char *pack;
  char *answers;
  char *build;
  char *output;
  char *secret;
} exercise_opts;

static const GOptionEntry exercise_entries[] = {
  { "exercise", 0, 0, G_OPTION_ARG_FILENAME, &exercise_opts.pack,
    "An exercise pack: with --answers, grade a folder of answer files", "PACK" },
  { "answers", 0, 0, G_OPTION_ARG_FILENAME, &exercise_opts.answers,
    "With --exercise: the folder of students' answer files (*.json); the score sheet is CSV, or JSON with -T json",
    "DIR" },
  { "exercise-build", 0, 0, G_OPTION_ARG_FILENAME, &exercise_opts.build,
    "Build an exercise pack from a teacher's source file (references in clear)", "SOURCE" },
  { "exercise-output", 0, 0, G_OPTION_ARG_FILENAME, &exercise_opts.output,
    "With --exercise-build: write the pack to FILE instead of the standard output", "FILE" },
  { "exercise-secret", 0, 0, G_OPTION_ARG_STRING, &exercise_opts.secret,
    "The teacher's pack secret (also $IOTSCOPE_EXERCISE_SECRET): seals references when building, "
    "gives filter feedback when grading", "SECRET" },
  { NULL }
};

GOptionGroup *
iot_cli_exercise_option_group (void)
{
  GOptionGroup *group = g_option_group_new ("exercise", "Exercise pack options:",
                                            "Show the exercise pack options", NULL, NULL);

  g_option_group_add_entries (group, exercise_entries);
  return group;
}

gboolean
iot_cli_exercise_requested (void)
{
  return exercise_opts.pack != NULL || exercise_opts.answers != NULL || exercise_opts.build != NULL;
}

static int
exercise_fail (const char *message)
{
  fprintf (stderr, "iotscope-cli: %s\n", message);
  return 2;
}

static const char *
secret_option (void)
{
  return exercise_opts.secret != NULL ? exercise_opts.secret : g_getenv ("IOTSCOPE_EXERCISE_SECRET");
}

static int
build_pack (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *text = NULL;
  g_autoptr (IotExercisePack) pack = iot_exercise_pack_build (exercise_opts.build, secret_option (), &secret,
                                                              &error);
  gsize length;

  if (pack == NULL)
    return exercise_fail (error->message);
  text = iot_exercise_pack_to_data (pack, &length);
  if (exercise_opts.output != NULL)
    {
      if (!g_file_set_contents (exercise_opts.output, text, length, &error))
        return exercise_fail (error->message);
    }
  else
    {
      fwrite (text, 1, length, stdout);
      fputc ('\n', stdout);
    }
  /* A secret made up here is the teacher's only way to unlock the pack. */
  if (secret_option () == NULL && !iot_exercise_pack_is_practice (pack))
    fprintf (stderr, "iotscope-cli: the pack secret is %s (keep it: grading with it explains filter answers)\n",
             secret);
  return 0;
}

static int
grade_answers (const char *output_type)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotExercisePack) pack = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  IotExerciseSheetFormat format = IOT_EXERCISE_SHEET_CSV;

  if (output_type != NULL && g_str_equal (output_type, "json"))
    format = IOT_EXERCISE_SHEET_JSON;
  else if (output_type != NULL && !g_str_equal (output_type, "csv"))
    return exercise_fail ("with --answers, -T is csv (the default) or json");
  pack = iot_exercise_pack_load (exercise_opts.pack, &error);
  if (pack == NULL)
    return exercise_fail (error->message);
  if (secret_option () != NULL && !iot_exercise_pack_is_unlocked (pack)
      && !iot_exercise_pack_unlock (pack, secret_option (), &error))
    return exercise_fail (error->message);
  if (!iot_exercise_grade_dir (pack, exercise_opts.answers, format, out, &error))
    return exercise_fail (error->message);
  fwrite (out->str, 1, out->len, stdout);
  return 0;
}

int
iot_cli_exercise_run (const char *output_type)
{
  if (exercise_opts.build != NULL)
    return build_pack ();
  if (exercise_opts.pack == NULL || exercise_opts.answers == NULL)
    return exercise_fail ("--exercise PACK and --answers DIR go together: the pack and the answer files to grade");
  return grade_answers (output_type);
}
