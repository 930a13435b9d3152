/* iot-frame-sort.c — sorting frames by a column, in a worker. */
#include "iot-frame-sort.h"

#include <string.h>

typedef struct {
  guint64 key;
  guint32 number;
} Entry;

typedef struct {
  const char *text;
  guint32     number;
} TextEntry;

static int
entry_ascending (gconstpointer a, gconstpointer b)
{
  const Entry *x = a, *y = b;

  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return x->number < y->number ? -1 : x->number > y->number;
}

static int
entry_descending (gconstpointer a, gconstpointer b)
{
  const Entry *x = a, *y = b;

  /* Ties stay in frame order either way. */
  if (x->key != y->key)
    return x->key > y->key ? -1 : 1;
  return x->number < y->number ? -1 : x->number > y->number;
}

static int
text_ascending (gconstpointer a, gconstpointer b)
{
  const TextEntry *x = a, *y = b;
  int c = strcmp (x->text, y->text);

  if (c != 0)
    return c;
  return x->number < y->number ? -1 : x->number > y->number;
}

static int
text_descending (gconstpointer a, gconstpointer b)
{
  const TextEntry *x = a, *y = b;
  int c = strcmp (y->text, x->text);

  if (c != 0)
    return c;
  return x->number < y->number ? -1 : x->number > y->number;
}

/* Signed times as unsigned keys that sort the same way. */
static guint64
time_key (gint64 ns)
{
  return (guint64) ns ^ G_GUINT64_CONSTANT (0x8000000000000000);
}

static void
set_progress (IotSortProgress *progress, gint done, gint total)
{
  if (progress == NULL)
    return;
  g_atomic_int_set (&progress->done, done);
  g_atomic_int_set (&progress->total, total);
}

static GArray *
sort_by_info (IotCapture *capture, const guint32 *numbers, guint n, gboolean descending,
              GCancellable *cancellable, IotSortProgress *progress)
{
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  g_autofree TextEntry *entries = g_new (TextEntry, n);
  GStringChunk *texts = g_string_chunk_new (1 << 20);
  IotDissectOptions options = { .flags = IOT_DISSECT_COLUMNS };
  GArray *order;

  for (guint i = 0; i < n; i++)
    {
      if ((i & 1023) == 0)
        {
          if (g_cancellable_is_cancelled (cancellable))
            {
              g_string_chunk_free (texts);
              return NULL;
            }
          set_progress (progress, i, n);
        }
      iot_engine_dissect (iot_capture_engine (capture), pkt, numbers[i], &options);
      /* The other columns come for free: keep them for later sorts. */
      iot_capture_extract_record (capture, numbers[i], pkt);
      entries[i].text = g_string_chunk_insert_const (texts, iot_col_info (pkt) != NULL ? iot_col_info (pkt) : "");
      entries[i].number = numbers[i];
    }
  set_progress (progress, 0, 0);
  qsort (entries, n, sizeof (TextEntry), descending ? text_descending : text_ascending);
  order = g_array_sized_new (FALSE, FALSE, sizeof (guint32), n);
  for (guint i = 0; i < n; i++)
    g_array_append_val (order, entries[i].number);
  g_string_chunk_free (texts);
  return order;
}

GArray *
iot_frame_sort (IotCapture *capture, const guint32 *numbers, guint n,
                IotColumn column, gboolean descending, IotTimeFormat time_format,
                GCancellable *cancellable, IotSortProgress *progress)
{
  IotFile *file = iot_capture_file (capture);
  g_autofree Entry *entries = NULL;
  GArray *order;

  g_return_val_if_fail (column < IOT_N_COLUMNS, NULL);

  if (column == IOT_COLUMN_INFO)
    return sort_by_info (capture, numbers, n, descending, cancellable, progress);
  if (column == IOT_COLUMN_SOURCE || column == IOT_COLUMN_DESTINATION || column == IOT_COLUMN_PROTOCOL)
    {
      if (progress != NULL)
        g_atomic_int_set (&progress->total, n);
      if (!iot_capture_extract_fill (capture, numbers, n, cancellable, progress != NULL ? &progress->done : NULL))
        return NULL;
    }
  set_progress (progress, 0, 0);

  entries = g_new (Entry, n);
  if (column == IOT_COLUMN_SOURCE || column == IOT_COLUMN_DESTINATION || column == IOT_COLUMN_PROTOCOL)
    {
      IotExtractColumn which = column == IOT_COLUMN_SOURCE ? IOT_EXTRACT_SOURCE
                               : column == IOT_COLUMN_DESTINATION ? IOT_EXTRACT_DESTINATION
                               : IOT_EXTRACT_PROTOCOL;

      iot_capture_extract_rank_begin (capture);
      for (guint i = 0; i < n; i++)
        {
          entries[i].key = iot_capture_extract_rank (capture, numbers[i], which);
          entries[i].number = numbers[i];
        }
      iot_capture_extract_rank_end (capture);
    }
  else
    {
      for (guint i = 0; i < n; i++)
        {
          const IotFrame *frame = iot_file_frame (file, numbers[i]);

          entries[i].number = numbers[i];
          switch (column)
            {
            case IOT_COLUMN_NUMBER:
              entries[i].key = numbers[i];
              break;
            case IOT_COLUMN_LENGTH:
              entries[i].key = frame->len;
              break;
            case IOT_COLUMN_TIME:
              if (time_format == IOT_TIME_DELTA_DISPLAYED)
                entries[i].key = time_key (i > 0 ? frame->ts_ns - iot_file_frame (file, numbers[i - 1])->ts_ns : 0);
              else if (time_format == IOT_TIME_DELTA)
                entries[i].key = time_key (numbers[i] > 1 ? frame->ts_ns - iot_file_frame (file, numbers[i] - 1)->ts_ns
                                                          : 0);
              else
                entries[i].key = time_key (frame->ts_ns);
              break;
            default:
              g_assert_not_reached ();
            }
        }
    }
  if (g_cancellable_is_cancelled (cancellable))
    return NULL;
  qsort (entries, n, sizeof (Entry), descending ? entry_descending : entry_ascending);
  order = g_array_sized_new (FALSE, FALSE, sizeof (guint32), n);
  g_array_set_size (order, n);
  for (guint i = 0; i < n; i++)
    g_array_index (order, guint32, i) = entries[i].number;
  return order;
}
