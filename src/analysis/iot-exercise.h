/* iot-exercise.h — exercise packs: questions about a capture whose answers
 * are checked by meaning (frame sets, typed values), for students in the
 * window and for teachers grading a class from the CLI.  GLib + json-glib.
 *
 * The file format and its threat model are described in
 * data/exercises/README.md and data/exercise-pack.schema.json.
 */
#pragma once

#include <glib.h>

#include "iot-engine.h"

G_BEGIN_DECLS

#define IOT_EXERCISE_ERROR (iot_exercise_error_quark ())
GQuark iot_exercise_error_quark (void);

typedef enum {
  IOT_EXERCISE_ERROR_INVALID,     /* the pack or answer file breaks the schema */
  IOT_EXERCISE_ERROR_CAPTURE,     /* a capture is missing or its checksum differs */
  IOT_EXERCISE_ERROR_LOCKED,      /* the reference needs the pack secret */
  IOT_EXERCISE_ERROR_SECRET,      /* the secret given does not open the pack */
  IOT_EXERCISE_ERROR_REFERENCE,   /* building: a reference does not hold on a capture */
} IotExerciseError;

typedef enum {
  IOT_QUESTION_FILTER,
  IOT_QUESTION_COUNT,
  IOT_QUESTION_FRAME,
  IOT_QUESTION_VALUE,
  IOT_QUESTION_CHOICE,
  IOT_QUESTION_HIDDEN_FIELD,
} IotQuestionKind;

const char *iot_question_kind_name (IotQuestionKind kind);

typedef struct _IotExercisePack IotExercisePack;
typedef struct _IotQuestion IotQuestion;

/* Loads a built pack (the form students receive). */
IotExercisePack   *iot_exercise_pack_load (const char *path, GError **error);
/* The same from memory; @base_dir resolves captures referenced by path
 * (NULL: only bundled captures can be opened). */
IotExercisePack   *iot_exercise_pack_load_data (const char *data, gsize length, const char *base_dir,
                                                GError **error);
/* Builds a pack from a teacher's source file (plain references) : every
 * reference is worked out on every capture, then stored hashed or sealed.
 * @secret: the teacher's pack secret; NULL makes a random one, returned in
 * *@secret_out when that is not NULL. */
IotExercisePack   *iot_exercise_pack_build (const char *source_path, const char *secret,
                                            char **secret_out, GError **error);
char              *iot_exercise_pack_to_data (IotExercisePack *pack, gsize *length);
/* Makes @pack a practice pack: it carries @secret (a teacher's preview). */
void               iot_exercise_pack_embed_secret (IotExercisePack *pack, const char *secret);
void               iot_exercise_pack_free (IotExercisePack *pack);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotExercisePack, iot_exercise_pack_free)

const char        *iot_exercise_pack_id (IotExercisePack *pack);
const char        *iot_exercise_pack_title (IotExercisePack *pack);
const char        *iot_exercise_pack_description (IotExercisePack *pack);
/* Opens the sealed references with the teacher's secret (a practice pack
 * carries its own and is open from the start). */
gboolean           iot_exercise_pack_unlock (IotExercisePack *pack, const char *secret, GError **error);
gboolean           iot_exercise_pack_is_unlocked (IotExercisePack *pack);
/* Whether the pack carries its own secret (a practice pack). */
gboolean           iot_exercise_pack_is_practice (IotExercisePack *pack);

guint              iot_exercise_pack_n_captures (IotExercisePack *pack);
const char        *iot_exercise_pack_capture_id (IotExercisePack *pack, guint index);
/* Which capture a student works on: one of the pack's captures, chosen by
 * a hash of the pack id and @seed (the student's name), so neighbours get
 * different captures when the pack has several. */
guint              iot_exercise_pack_capture_for (IotExercisePack *pack, const char *seed);
/* The capture's bytes, its checksum verified. */
GBytes            *iot_exercise_pack_capture_bytes (IotExercisePack *pack, guint index, GError **error);
/* The capture, its checksum verified. */
IotFile           *iot_exercise_pack_open_capture (IotExercisePack *pack, guint index, GError **error);

guint              iot_exercise_pack_n_questions (IotExercisePack *pack);
const IotQuestion *iot_exercise_pack_question (IotExercisePack *pack, guint index);
guint              iot_exercise_pack_total_points (IotExercisePack *pack);

const char        *iot_question_id (const IotQuestion *question);
IotQuestionKind    iot_question_kind (const IotQuestion *question);
const char        *iot_question_text (const IotQuestion *question);
const char        *iot_question_hint (const IotQuestion *question);
const char        *iot_question_explanation (const IotQuestion *question);
guint              iot_question_points (const IotQuestion *question);
/* Choice questions: the options, NULL-terminated. */
const char *const *iot_question_choices (const IotQuestion *question);
/* Value and hidden-field questions: the field asked about. */
const char        *iot_question_field (const IotQuestion *question);
/* Hidden-field questions: the frame whose field is masked, on a capture
 * (0 when unknown). */
guint32            iot_question_hidden_frame (const IotQuestion *question, const char *capture_id);

/* A question a teacher makes from what the window shows: its reference is
 * the current filter (filter, count, frame: the frames it selects), a
 * frame (frame) or a field at a frame (value, hidden-field). */
typedef struct {
  IotQuestionKind kind;
  const char     *text;
  const char     *hint;          /* may be NULL */
  const char     *explanation;   /* may be NULL */
  const char     *filter;        /* filter, count; frame when @frame is 0 */
  const char     *field;         /* value, hidden-field */
  guint32         frame;         /* frame, value, hidden-field */
  const char     *choices[8];    /* choice: NULL-terminated */
  guint           choice;        /* choice: the right one, 1-based */
} IotQuestionDraft;

/* Appends @draft to the source file at @source_path (made, for @capture_path,
 * when it does not exist yet), after checking that its reference holds on
 * every capture of the source.  *@id_out: the new question's id. */
gboolean           iot_exercise_source_add (const char *source_path, const char *capture_path,
                                            const IotQuestionDraft *draft, char **id_out, GError **error);

/* A teacher's source file, for the pack editor: questions listed,
 * edited, reordered and removed, then saved (only after the source still
 * builds). */
typedef struct _IotExerciseSource IotExerciseSource;

IotExerciseSource *iot_exercise_source_load (const char *path, GError **error);
void               iot_exercise_source_free (IotExerciseSource *source);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotExerciseSource, iot_exercise_source_free)
const char        *iot_exercise_source_path (IotExerciseSource *source);
const char        *iot_exercise_source_title (IotExerciseSource *source);
guint              iot_exercise_source_n_questions (IotExerciseSource *source);
/* A question's text member ("id", "kind", "text", "hint", "explanation",
 * "field"), or NULL. */
const char        *iot_exercise_source_get (IotExerciseSource *source, guint index, const char *member);
/* Sets it; NULL or "" removes hint and explanation. */
void               iot_exercise_source_set (IotExerciseSource *source, guint index, const char *member,
                                            const char *value);
/* "filter mqtt.msgtype == 3", "frame 12", "choice 2" … */
char              *iot_exercise_source_describe_reference (IotExerciseSource *source, guint index);
/* Moves question @index up (@delta -1) or down (+1); FALSE at an end. */
gboolean           iot_exercise_source_move (IotExerciseSource *source, guint index, int delta);
void               iot_exercise_source_remove (IotExerciseSource *source, guint index);
/* Writes the source back if it still builds into a pack. */
gboolean           iot_exercise_source_save (IotExerciseSource *source, GError **error);

/* One capture opened for checking answers (its first pass done). */
typedef struct _IotExerciseSession IotExerciseSession;
IotExerciseSession *iot_exercise_session_new (IotExercisePack *pack, guint capture_index, GError **error);
void               iot_exercise_session_free (IotExerciseSession *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotExerciseSession, iot_exercise_session_free)
IotFile           *iot_exercise_session_file (IotExerciseSession *session);
const char        *iot_exercise_session_capture_id (IotExerciseSession *session);

typedef struct {
  gboolean correct;
  guint    points;         /* earned */
  char    *feedback;       /* what to tell the student */
  guint    n_extra;        /* filter questions, when the pack is open */
  guint    n_missing;
  guint32  example_extra;  /* 0 = none */
  guint32  example_missing;
} IotExerciseResult;

void               iot_exercise_result_free (IotExerciseResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotExerciseResult, iot_exercise_result_free)

/* Checks @answer (the student's text; NULL or blank = unanswered). */
IotExerciseResult *iot_exercise_session_check (IotExerciseSession *session, guint question_index,
                                               const char *answer);

/* A student's answer file. */
typedef struct {
  char       *pack_id;
  char       *student;
  GHashTable *answers;    /* question id → answer text */
} IotExerciseAnswers;

IotExerciseAnswers *iot_exercise_answers_new (const char *pack_id, const char *student);
IotExerciseAnswers *iot_exercise_answers_load (const char *path, GError **error);
IotExerciseAnswers *iot_exercise_answers_load_data (const char *data, gsize length, GError **error);
gboolean           iot_exercise_answers_save (IotExerciseAnswers *answers, const char *path, GError **error);
void               iot_exercise_answers_free (IotExerciseAnswers *answers);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotExerciseAnswers, iot_exercise_answers_free)

typedef enum {
  IOT_EXERCISE_SHEET_CSV,
  IOT_EXERCISE_SHEET_JSON,
} IotExerciseSheetFormat;

/* Grades every *.json answer file in @dir (sorted by name) into a score
 * sheet with per-question feedback. */
gboolean           iot_exercise_grade_dir (IotExercisePack *pack, const char *dir, IotExerciseSheetFormat format,
                                           GString *out, GError **error);

G_END_DECLS
