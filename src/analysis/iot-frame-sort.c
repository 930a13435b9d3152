/* iot-frame-sort.c — sorting frames by a column, in a worker. */
#include "iot-frame-sort.h"

#include <string.h>

#include "iot-dissector.h"
#include "iot-filter-pass.h"
#include "iot-format.h"
#include "iot-scan.h"

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

static void
scan_progress (guint32 done, guint32 total, gpointer user_data)
{
  set_progress (user_data, (gint) done, (gint) total);
}

/* ---- reading a column through a scan ------------------------------------------ */

gboolean
iot_frame_extract_range (IotCapture *capture, guint32 first, guint32 last, GCancellable *cancellable,
                         gint *done)
{
  g_autoptr (IotFilterPass) pass = NULL;
  guint n_errors, n_warnings;

  /* Once the extract of a range is complete (a filter read it), nothing
   * to do; otherwise a scan of every frame on every core. */
  if (iot_capture_extract_count (capture, first, last, &n_errors, &n_warnings))
    return !g_cancellable_is_cancelled (cancellable);
  pass = iot_filter_pass_new (capture, NULL, first, last, NULL);
  if (done != NULL)
    iot_filter_pass_set_progress (pass, done);
  return iot_filter_pass_run (pass, iot_filter_pass_default_threads (), cancellable, NULL, NULL, NULL);
}

/* The scan of the frames to sort, with @listener fed in their order. */
static gboolean
scan_frames (IotCapture *capture, const guint32 *numbers, guint n, const IotScanListener *listener,
             gpointer self, GCancellable *cancellable, IotSortProgress *progress)
{
  g_autoptr (IotScan) scan = iot_scan_new (iot_capture_engine (capture));
  gboolean ok;

  if (n == 0)
    return !g_cancellable_is_cancelled (cancellable);
  /* All frames in a row (no filter): no copy of their numbers. */
  if (numbers[n - 1] - numbers[0] + 1 == n)
    iot_scan_set_range (scan, numbers[0], numbers[n - 1]);
  else
    iot_scan_set_frames (scan, numbers, n);
  iot_scan_add_listener (scan, listener, self, NULL);
  ok = iot_scan_run (scan, cancellable, scan_progress, progress, NULL);
  set_progress (progress, 0, 0);
  return ok;
}

typedef struct {
  IotCapture   *capture;
  TextEntry    *entries;
  guint         n;
  GStringChunk *texts;
} InfoScan;

static void
info_add_wanted (gpointer self, IotFieldSet *wanted, IotDissectFlags *flags)
{
  *flags |= IOT_DISSECT_COLUMNS;
}

static void
info_frame (gpointer self, IotPacket *pkt)
{
  InfoScan *scan = self;
  guint32 number = iot_packet_frame_number (pkt);
  const char *info = iot_col_info (pkt);

  /* The other columns come for free: keep them for later sorts. */
  iot_capture_extract_record (scan->capture, number, pkt);
  scan->entries[scan->n].text = g_string_chunk_insert_const (scan->texts, info != NULL ? info : "");
  scan->entries[scan->n].number = number;
  scan->n++;
}

static const IotScanListener info_listener = {
  .add_wanted = info_add_wanted,
  .frame = info_frame,
};

static GArray *
sort_by_info (IotCapture *capture, const guint32 *numbers, guint n, gboolean descending,
              GCancellable *cancellable, IotSortProgress *progress)
{
  g_autofree TextEntry *entries = g_new (TextEntry, n);
  InfoScan scan = { capture, entries, 0, g_string_chunk_new (1 << 20) };
  GArray *order = NULL;

  if (scan_frames (capture, numbers, n, &info_listener, &scan, cancellable, progress))
    {
      qsort (entries, n, sizeof (TextEntry), descending ? text_descending : text_ascending);
      order = g_array_sized_new (FALSE, FALSE, sizeof (guint32), n);
      for (guint i = 0; i < n; i++)
        g_array_append_val (order, entries[i].number);
    }
  g_string_chunk_free (scan.texts);
  return order;
}

GArray *
iot_frame_sort (IotCapture *capture, const guint32 *numbers, guint n,
                IotColumn column, gboolean descending, IotSortTime time_order,
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
      if (n > 0 && numbers[n - 1] - numbers[0] + 1 == n
          && !iot_frame_extract_range (capture, numbers[0], numbers[n - 1], cancellable,
                                       progress != NULL ? &progress->done : NULL))
        return NULL;
      /* What no pass made yet (a filter's matches: their frames were read
       * by the filter already). */
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
              if (time_order == IOT_SORT_TIME_DELTA_DISPLAYED)
                entries[i].key = time_key (i > 0 ? frame->ts_ns - iot_file_frame (file, numbers[i - 1])->ts_ns : 0);
              else if (time_order == IOT_SORT_TIME_DELTA)
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

/* ---- custom columns ------------------------------------------------------------ */

typedef struct {
  double      value;      /* numeric fields: the first value */
  const char *text;       /* every value, comma-separated, as the column shows them */
  guint32     number;
  gboolean    present;
} FieldEntry;

static int
compare_present (const FieldEntry *x, const FieldEntry *y, gboolean numeric)
{
  if (x->present != y->present)
    return x->present ? 1 : -1;
  if (numeric && x->value != y->value)
    return x->value < y->value ? -1 : 1;
  /* Equal first values: the values after it decide. */
  return strcmp (x->text, y->text);
}

static int
field_compare (gconstpointer a, gconstpointer b, gpointer data)
{
  const FieldEntry *x = a, *y = b;
  guint how = GPOINTER_TO_UINT (data);
  gboolean numeric = (how & 1) != 0, descending = (how & 2) != 0;
  int c = descending ? compare_present (y, x, numeric) : compare_present (x, y, numeric);

  if (c != 0)
    return c;
  return x->number < y->number ? -1 : x->number > y->number;
}

static gboolean
type_is_numeric (IotFieldType type)
{
  return iot_field_type_is_integer (type) || type == IOT_FT_BOOLEAN || type == IOT_FT_FRAMENUM
         || type == IOT_FT_DOUBLE || type == IOT_FT_RELATIVE_TIME || type == IOT_FT_ABSOLUTE_TIME;
}

static double
node_number (const IotNode *node)
{
  switch (node->field->type)
    {
    case IOT_FT_DOUBLE:
      return node->v.d;
    case IOT_FT_RELATIVE_TIME:
    case IOT_FT_ABSOLUTE_TIME:
      return (double) node->v.i;
    default:
      return iot_field_type_is_signed (node->field->type) ? (double) node->v.i : (double) node->v.u;
    }
}

/* Every registered field called @abbrev (several dissectors may share
 * one); whether all of them are numbers through @numeric. */
static IotFieldSet *
fields_named (const char *abbrev, gboolean *numeric)
{
  IotFieldSet *set = iot_field_set_new ();
  gboolean any = FALSE;

  *numeric = TRUE;
  for (guint id = 0; id < iot_registry_n_fields (); id++)
    {
      const IotField *field = iot_registry_field_by_id (id);

      if (field == NULL || !g_str_equal (field->abbrev, abbrev))
        continue;
      iot_field_set_add (set, field);
      any = TRUE;
      *numeric = *numeric && type_is_numeric (field->type);
    }
  *numeric = *numeric && any;
  return set;
}

/* The entry of frame @number from its dissection in @pkt. */
static void
fill_field_entry (FieldEntry *entry, IotPacket *pkt, const char *abbrev, GString *text, GStringChunk *texts)
{
  g_string_truncate (text, 0);
  entry->present = FALSE;
  entry->value = 0;
  for (guint i = 0; i < iot_packet_n_nodes (pkt); i++)
    {
      const IotNode *node = iot_packet_node (pkt, i);

      if (node->field == NULL || !g_str_equal (node->field->abbrev, abbrev))
        continue;
      if (!entry->present && type_is_numeric (node->field->type))
        entry->value = node_number (node);
      if (entry->present)
        g_string_append_c (text, ',');
      iot_format_field_value (pkt, node, text);
      entry->present = TRUE;
    }
  entry->text = g_string_chunk_insert_const (texts, text->str);
}

typedef struct {
  IotFieldSet  *fields;
  const char   *abbrev;
  FieldEntry   *entries;
  guint         n;
  GString      *text;
  GStringChunk *texts;
} FieldScan;

static void
field_add_wanted (gpointer self, IotFieldSet *wanted, IotDissectFlags *flags)
{
  FieldScan *scan = self;

  for (guint id = 0; id < iot_registry_n_fields (); id++)
    {
      const IotField *field = iot_registry_field_by_id (id);

      if (field != NULL && iot_field_set_contains (scan->fields, field))
        iot_field_set_add (wanted, field);
    }
}

static void
field_frame (gpointer self, IotPacket *pkt)
{
  FieldScan *scan = self;
  FieldEntry *entry = &scan->entries[scan->n++];

  fill_field_entry (entry, pkt, scan->abbrev, scan->text, scan->texts);
  entry->number = iot_packet_frame_number (pkt);
}

static const IotScanListener field_listener = {
  .add_wanted = field_add_wanted,
  .frame = field_frame,
};

GArray *
iot_frame_sort_by_field (IotCapture *capture, const guint32 *numbers, guint n, const char *abbrev,
                         gboolean descending, GCancellable *cancellable, IotSortProgress *progress)
{
  gboolean numeric;
  g_autoptr (IotFieldSet) fields = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree FieldEntry *entries = NULL;
  FieldScan scan;
  GArray *order = NULL;

  g_return_val_if_fail (abbrev != NULL, NULL);
  fields = fields_named (abbrev, &numeric);
  entries = g_new (FieldEntry, n);
  scan = (FieldScan) { fields, abbrev, entries, 0, text, g_string_chunk_new (1 << 16) };
  if (scan_frames (capture, numbers, n, &field_listener, &scan, cancellable, progress))
    {
      g_qsort_with_data (entries, n, sizeof (FieldEntry), field_compare,
                         GUINT_TO_POINTER ((numeric ? 1u : 0u) | (descending ? 2u : 0u)));
      order = g_array_sized_new (FALSE, FALSE, sizeof (guint32), n);
      for (guint i = 0; i < n; i++)
        g_array_append_val (order, entries[i].number);
    }
  g_string_chunk_free (scan.texts);
  return order;
}
