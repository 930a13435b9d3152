/* iot-frame-notes.c — marks, ignores and comments of the open capture. */
#include "iot-frame-notes.h"

#include "iot-capture-private.h"
#include "iot-file-format.h"

enum {
  NOTE_MARKED  = 1 << 0,
  NOTE_IGNORED = 1 << 1,
};

struct _IotFrameNotes {
  GMutex      lock;
  GHashTable *flags;      /* frame number → NOTE_* */
  GHashTable *comments;   /* frame number → GStrv (an empty one: removed) */
  /* Read without the lock: a capture nobody annotated costs every
   * dissection one atomic load. */
  gint        n_marked;
  gint        n_ignored;
  gint        n_edited;
};

IotFrameNotes *
iot_frame_notes_new (void)
{
  IotFrameNotes *self = g_new0 (IotFrameNotes, 1);

  g_mutex_init (&self->lock);
  self->flags = g_hash_table_new (NULL, NULL);
  self->comments = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_strfreev);
  return self;
}

void
iot_frame_notes_free (IotFrameNotes *self)
{
  g_hash_table_unref (self->flags);
  g_hash_table_unref (self->comments);
  g_mutex_clear (&self->lock);
  g_free (self);
}

static gboolean
has_flag (IotFile *file, guint32 number, guint flag, gint *count)
{
  IotFrameNotes *self = iot_file_notes (file);
  guint flags;

  if (g_atomic_int_get (count) == 0)
    return FALSE;
  g_mutex_lock (&self->lock);
  flags = GPOINTER_TO_UINT (g_hash_table_lookup (self->flags, GUINT_TO_POINTER (number)));
  g_mutex_unlock (&self->lock);
  return (flags & flag) != 0;
}

static void
set_flag (IotFile *file, guint32 number, guint flag, gboolean on, gint *count)
{
  IotFrameNotes *self = iot_file_notes (file);
  guint flags, changed;

  g_return_if_fail (number >= 1 && number <= iot_file_n_frames (file));
  g_mutex_lock (&self->lock);
  flags = GPOINTER_TO_UINT (g_hash_table_lookup (self->flags, GUINT_TO_POINTER (number)));
  changed = on ? flags | flag : flags & ~flag;
  if (changed != flags)
    {
      g_atomic_int_add (count, on ? 1 : -1);
      if (changed == 0)
        g_hash_table_remove (self->flags, GUINT_TO_POINTER (number));
      else
        g_hash_table_insert (self->flags, GUINT_TO_POINTER (number), GUINT_TO_POINTER (changed));
    }
  g_mutex_unlock (&self->lock);
}

static void
clear_flag (IotFile *file, guint flag, gint *count)
{
  IotFrameNotes *self = iot_file_notes (file);
  GHashTableIter iter;
  gpointer key, value;

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->flags);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint flags = GPOINTER_TO_UINT (value) & ~flag;

      if (flags == 0)
        g_hash_table_iter_remove (&iter);
      else
        g_hash_table_iter_replace (&iter, GUINT_TO_POINTER (flags));
    }
  g_atomic_int_set (count, 0);
  g_mutex_unlock (&self->lock);
}

gboolean
iot_file_frame_marked (IotFile *file, guint32 number)
{
  return has_flag (file, number, NOTE_MARKED, &iot_file_notes (file)->n_marked);
}

void
iot_file_set_frame_marked (IotFile *file, guint32 number, gboolean marked)
{
  set_flag (file, number, NOTE_MARKED, marked, &iot_file_notes (file)->n_marked);
}

gboolean
iot_file_frame_ignored (IotFile *file, guint32 number)
{
  return has_flag (file, number, NOTE_IGNORED, &iot_file_notes (file)->n_ignored);
}

void
iot_file_set_frame_ignored (IotFile *file, guint32 number, gboolean ignored)
{
  set_flag (file, number, NOTE_IGNORED, ignored, &iot_file_notes (file)->n_ignored);
}

guint32
iot_file_n_marked (IotFile *file)
{
  return (guint32) g_atomic_int_get (&iot_file_notes (file)->n_marked);
}

guint32
iot_file_n_ignored (IotFile *file)
{
  return (guint32) g_atomic_int_get (&iot_file_notes (file)->n_ignored);
}

void
iot_file_clear_marks (IotFile *file)
{
  clear_flag (file, NOTE_MARKED, &iot_file_notes (file)->n_marked);
}

void
iot_file_clear_ignored (IotFile *file)
{
  clear_flag (file, NOTE_IGNORED, &iot_file_notes (file)->n_ignored);
}

static int
compare_numbers (gconstpointer a, gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

GArray *
iot_file_dup_marked (IotFile *file)
{
  IotFrameNotes *self = iot_file_notes (file);
  GArray *numbers = g_array_new (FALSE, FALSE, sizeof (guint32));
  GHashTableIter iter;
  gpointer key, value;

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->flags);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (GPOINTER_TO_UINT (value) & NOTE_MARKED)
      {
        guint32 number = GPOINTER_TO_UINT (key);

        g_array_append_val (numbers, number);
      }
  g_mutex_unlock (&self->lock);
  g_array_sort (numbers, compare_numbers);
  return numbers;
}

/* ---- comments ---------------------------------------------------------------- */

char **
iot_file_dup_frame_comments (IotFile *file, guint32 number)
{
  IotFrameNotes *self = iot_file_notes (file);

  if (g_atomic_int_get (&self->n_edited) > 0)
    {
      char **edited;
      gboolean found;

      g_mutex_lock (&self->lock);
      found = g_hash_table_lookup_extended (self->comments, GUINT_TO_POINTER (number), NULL, (gpointer *) &edited);
      edited = found && edited[0] != NULL ? g_strdupv (edited) : NULL;
      g_mutex_unlock (&self->lock);
      if (found)
        return edited;
    }
  return iot_file_read_frame_comments (file, number);
}

void
iot_file_set_frame_comments (IotFile *file, guint32 number, const char *const *comments)
{
  IotFrameNotes *self = iot_file_notes (file);
  GStrvBuilder *builder = g_strv_builder_new ();

  g_return_if_fail (number >= 1 && number <= iot_file_n_frames (file));
  /* Empty comments are no comments. */
  for (guint i = 0; comments != NULL && comments[i] != NULL; i++)
    if (comments[i][0] != '\0')
      g_strv_builder_add (builder, comments[i]);
  g_mutex_lock (&self->lock);
  if (!g_hash_table_contains (self->comments, GUINT_TO_POINTER (number)))
    g_atomic_int_inc (&self->n_edited);
  g_hash_table_insert (self->comments, GUINT_TO_POINTER (number), g_strv_builder_end (builder));
  g_mutex_unlock (&self->lock);
  g_strv_builder_unref (builder);
}

gboolean
iot_file_comments_edited (IotFile *file)
{
  return g_atomic_int_get (&iot_file_notes (file)->n_edited) > 0;
}

gboolean
iot_file_has_comments (IotFile *file)
{
  guint32 n = iot_file_n_frames (file);

  for (guint32 number = 1; number <= n; number++)
    {
      g_auto (GStrv) comments = NULL;

      if (!(iot_file_frame (file, number)->flags & IOT_FRAME_HAS_COMMENT)
          && !iot_file_comments_edited (file))
        continue;
      comments = iot_file_dup_frame_comments (file, number);
      if (comments != NULL)
        return TRUE;
    }
  return FALSE;
}

/* ---- across reloads --------------------------------------------------------- */

static gboolean
same_frame (IotFile *from, IotFile *to, guint32 number)
{
  const IotFrame *a, *b;

  if (number < 1 || number > iot_file_n_frames (from) || number > iot_file_n_frames (to))
    return FALSE;
  a = iot_file_frame (from, number);
  b = iot_file_frame (to, number);
  return a->ts_ns == b->ts_ns && a->caplen == b->caplen && a->len == b->len;
}

guint
iot_file_copy_notes (IotFile *from, IotFile *to)
{
  IotFrameNotes *self = iot_file_notes (from);
  g_autoptr (GHashTable) flags = NULL;
  g_autoptr (GHashTable) comments = NULL;
  g_autoptr (GHashTable) kept = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (from != NULL && to != NULL, 0);
  if (from == to)
    return 0;
  /* A copy under the lock; @to is written without holding it. */
  g_mutex_lock (&self->lock);
  flags = g_hash_table_new (NULL, NULL);
  comments = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_strfreev);
  g_hash_table_iter_init (&iter, self->flags);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (flags, key, value);
  g_hash_table_iter_init (&iter, self->comments);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (comments, key, g_strdupv (value));
  g_mutex_unlock (&self->lock);

  g_hash_table_iter_init (&iter, flags);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint32 number = GPOINTER_TO_UINT (key);

      if (!same_frame (from, to, number))
        continue;
      iot_file_set_frame_marked (to, number, (GPOINTER_TO_UINT (value) & NOTE_MARKED) != 0);
      iot_file_set_frame_ignored (to, number, (GPOINTER_TO_UINT (value) & NOTE_IGNORED) != 0);
      g_hash_table_add (kept, key);
    }
  g_hash_table_iter_init (&iter, comments);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint32 number = GPOINTER_TO_UINT (key);

      if (!same_frame (from, to, number))
        continue;
      /* An empty list is kept too: the file's own comments stay removed. */
      iot_file_set_frame_comments (to, number, (const char *const *) value);
      g_hash_table_add (kept, key);
    }
  return g_hash_table_size (kept);
}
