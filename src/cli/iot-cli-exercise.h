/* iot-cli-exercise.h — iotscope-cli's exercise pack options: grading a
 * class's answer files and building packs from a teacher's source. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The "Exercise packs" option group, added to the CLI's context. */
GOptionGroup *iot_cli_exercise_option_group (void);
/* Whether any exercise option was given. */
gboolean      iot_cli_exercise_requested (void);
/* Runs what the options ask for; @output_type is -T (NULL, "csv" or
 * "json").  Returns the exit status. */
int           iot_cli_exercise_run (const char *output_type);

G_END_DECLS
