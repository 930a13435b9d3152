/* iot-exercise-private.h — what the exercise files share: the pack's
 * structures and the helpers that read packs and sources, hash and seal
 * references, and work answers out on a capture.  GLib + json-glib. */
#pragma once

#include <json-glib/json-glib.h>

#include "iot-exercise.h"
#include "iot-filter.h"

G_BEGIN_DECLS

#define PACK_FORMAT "iotscope-exercise-pack"
#define SOURCE_FORMAT "iotscope-exercise-source"
#define ANSWERS_FORMAT "iotscope-exercise-answers"
#define KDF_ITERATIONS 20000
#define KEY_BYTES 32
#define IV_BYTES 12
#define TAG_BYTES 16
/* Values with a tolerance are compared on a grid this many times finer. */
#define TOLERANCE_STEPS 4

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
  char            *explanation;    /* in clear: sources and packs just built */
  guint            points;
  GStrv            choices;
  char            *field;
  double           tolerance;
  GHashTable      *hidden_frames;  /* capture id → frame (GUINT_TO_POINTER) */
  GHashTable      *checks;         /* capture id or "*" → GPtrArray of hex hashes */
  char            *sealed;         /* base64 IV | ciphertext | tag, or NULL */
  /* The explanation, sealed once per stored answer (same keys and order
   * as @checks) under a key only that answer gives: a student reads it
   * by answering right. */
  GHashTable      *explained;
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

/* JSON members of the expected type, NULL (FALSE) otherwise. */
const char      *exercise_member_string (JsonObject *object, const char *name);
JsonObject      *exercise_member_object (JsonObject *object, const char *name);
JsonArray       *exercise_member_array (JsonObject *object, const char *name);
gboolean         exercise_member_number (JsonObject *object, const char *name, double *value);
/* A JSON scalar as answer text. */
char            *exercise_node_to_answer (JsonNode *node);
void             exercise_add_optional_string (JsonBuilder *b, const char *name, const char *value);
gint             exercise_compare_strings (gconstpointer a, gconstpointer b);
GPtrArray       *exercise_sorted_keys (GHashTable *table);
/* Sets an IOT_EXERCISE_ERROR_INVALID error; returns FALSE. */
gboolean         exercise_invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);
JsonObject      *exercise_parse_root (JsonParser *parser, const char *data, gsize length, GError **error);

IotExercisePack *exercise_pack_new (void);
gboolean         exercise_load_header (IotExercisePack *pack, JsonObject *root, const char *format, GError **error);
gboolean         exercise_load_questions (IotExercisePack *pack, JsonArray *questions, gboolean source,
                                          GError **error);

char            *exercise_answer_hash (IotExercisePack *pack, const IotQuestion *question, const char *capture_id,
                                       const char *canonical);
gboolean         exercise_derive_key (IotExercisePack *pack, const char *secret, guint8 key[KEY_BYTES]);
char            *exercise_seal (IotExercisePack *pack, const char *plain);
char            *exercise_seal_with_key (const guint8 key[KEY_BYTES], const char *plain);
/* The key an explanation is sealed with for one right answer: a hash kept
 * apart from the stored check's (another prefix). */
void             exercise_answer_key (IotExercisePack *pack, const IotQuestion *question, const char *capture_id,
                                      const char *canonical, guint8 key[KEY_BYTES]);

gboolean         exercise_parse_double (const char *text, double *value);
char            *exercise_grid_cell (double value, double tolerance, gint64 shift);
char            *exercise_canonical_value (const IotField *field, double tolerance, const char *raw);
const IotField  *exercise_question_field (const IotQuestion *question);

IotFilter       *exercise_compile_or_explain (const char *text, char **message);
GArray          *exercise_select_frames (IotEngine *engine, IotFilter *filter);
char            *exercise_frame_set_text (GArray *frames);
char            *exercise_field_text_at (IotEngine *engine, const IotField *field, guint32 number);

G_END_DECLS
