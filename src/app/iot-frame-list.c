/* iot-frame-list.c — the lazy packet-list model. */
#include "iot-frame-list.h"

/* Enough for a few screens of rows scrolled back and forth. */
#define SUMMARY_CACHE_SIZE 2048

/* ---- IotFrameRow ------------------------------------------------------------ */

struct _IotFrameRow {
  GObject parent_instance;
  guint32 number;
  guint   position;
};

G_DEFINE_FINAL_TYPE (IotFrameRow, iot_frame_row, G_TYPE_OBJECT)

static void
iot_frame_row_class_init (IotFrameRowClass *klass)
{
}

static void
iot_frame_row_init (IotFrameRow *self)
{
}

guint32
iot_frame_row_get_number (IotFrameRow *self)
{
  g_return_val_if_fail (IOT_IS_FRAME_ROW (self), 0);
  return self->number;
}

guint
iot_frame_row_get_position (IotFrameRow *self)
{
  g_return_val_if_fail (IOT_IS_FRAME_ROW (self), 0);
  return self->position;
}

/* ---- IotFrameList ----------------------------------------------------------- */

struct _IotFrameList {
  GObject     parent_instance;
  IotCapture *capture;
  IotPacket  *pkt;        /* main-thread packet for the summaries */
  guint32     n_passed;
  GArray     *matches;    /* guint32 frame numbers, or NULL = unfiltered */
  /* LRU cache: number → GList link (in @lru) whose data is an IotRowSummary. */
  GHashTable *cache;
  GQueue      lru;
};

static void iot_frame_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (IotFrameList, iot_frame_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, iot_frame_list_model_init))

static void
summary_free (gpointer data)
{
  IotRowSummary *summary = data;

  g_free (summary->protocol);
  g_free (summary->info);
  g_free (summary);
}

static void
cache_clear (IotFrameList *self)
{
  g_hash_table_remove_all (self->cache);
  g_queue_clear_full (&self->lru, summary_free);
}

static guint
iot_frame_list_get_n_items (GListModel *model)
{
  IotFrameList *self = IOT_FRAME_LIST (model);

  return self->matches != NULL ? self->matches->len : self->n_passed;
}

static GType
iot_frame_list_get_item_type (GListModel *model)
{
  return IOT_TYPE_FRAME_ROW;
}

static gpointer
iot_frame_list_get_item (GListModel *model, guint position)
{
  IotFrameList *self = IOT_FRAME_LIST (model);
  IotFrameRow *row;

  if (position >= iot_frame_list_get_n_items (model))
    return NULL;
  row = g_object_new (IOT_TYPE_FRAME_ROW, NULL);
  row->number = iot_frame_list_number_at (self, position);
  row->position = position;
  return row;
}

static void
iot_frame_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = iot_frame_list_get_item_type;
  iface->get_n_items = iot_frame_list_get_n_items;
  iface->get_item = iot_frame_list_get_item;
}

static void
iot_frame_list_finalize (GObject *object)
{
  IotFrameList *self = IOT_FRAME_LIST (object);

  cache_clear (self);
  g_hash_table_unref (self->cache);
  g_clear_pointer (&self->matches, g_array_unref);
  g_clear_pointer (&self->capture, iot_capture_unref);
  iot_packet_free (self->pkt);
  G_OBJECT_CLASS (iot_frame_list_parent_class)->finalize (object);
}

static void
iot_frame_list_class_init (IotFrameListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = iot_frame_list_finalize;
}

static void
iot_frame_list_init (IotFrameList *self)
{
  self->pkt = iot_packet_new ();
  self->cache = g_hash_table_new (NULL, NULL);
  g_queue_init (&self->lru);
}

IotFrameList *
iot_frame_list_new (void)
{
  return g_object_new (IOT_TYPE_FRAME_LIST, NULL);
}

/* Replaces the whole content: everything goes, then the new rows come.
 * GtkListView (4.8) takes that faster than one items-changed doing both. */
static void
replace_all (IotFrameList *self, IotCapture *capture, guint32 n_passed, GArray *matches)
{
  guint old_n = iot_frame_list_get_n_items (G_LIST_MODEL (self));
  guint new_n;

  g_clear_pointer (&self->matches, g_array_unref);
  self->matches = g_array_new (FALSE, FALSE, sizeof (guint32));
  if (old_n > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, 0);
  if (capture != self->capture)
    {
      cache_clear (self);
      g_clear_pointer (&self->capture, iot_capture_unref);
      self->capture = capture != NULL ? iot_capture_ref (capture) : NULL;
    }
  g_clear_pointer (&self->matches, g_array_unref);
  self->matches = matches;
  self->n_passed = n_passed;
  new_n = iot_frame_list_get_n_items (G_LIST_MODEL (self));
  if (new_n > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, new_n);
}

void
iot_frame_list_set_capture (IotFrameList *self, IotCapture *capture)
{
  g_return_if_fail (IOT_IS_FRAME_LIST (self));
  replace_all (self, capture, 0, NULL);
}

IotCapture *
iot_frame_list_get_capture (IotFrameList *self)
{
  return self->capture;
}

void
iot_frame_list_set_n_passed (IotFrameList *self, guint32 n_passed)
{
  guint32 old = self->n_passed;

  g_return_if_fail (IOT_IS_FRAME_LIST (self));
  if (n_passed <= old)
    return;
  self->n_passed = n_passed;
  if (self->matches == NULL)
    g_list_model_items_changed (G_LIST_MODEL (self), old, 0, n_passed - old);
}

void
iot_frame_list_set_matches (IotFrameList *self, GArray *matches)
{
  g_return_if_fail (IOT_IS_FRAME_LIST (self));
  replace_all (self, self->capture, self->n_passed, matches);
}

void
iot_frame_list_append_matches (IotFrameList *self, const guint32 *numbers, guint n)
{
  guint old;

  g_return_if_fail (IOT_IS_FRAME_LIST (self));
  g_return_if_fail (self->matches != NULL);
  if (n == 0)
    return;
  old = self->matches->len;
  g_array_append_vals (self->matches, numbers, n);
  g_list_model_items_changed (G_LIST_MODEL (self), old, 0, n);
}

guint32
iot_frame_list_get_n_passed (IotFrameList *self)
{
  return self->n_passed;
}

gboolean
iot_frame_list_is_filtered (IotFrameList *self)
{
  return self->matches != NULL;
}

guint32
iot_frame_list_number_at (IotFrameList *self, guint position)
{
  if (self->matches != NULL)
    return position < self->matches->len ? g_array_index (self->matches, guint32, position) : 0;
  return position < self->n_passed ? position + 1 : 0;
}

gboolean
iot_frame_list_find (IotFrameList *self, guint32 number, guint *position)
{
  guint lo = 0, hi;

  if (self->matches == NULL)
    {
      if (number < 1 || number > self->n_passed)
        return FALSE;
      *position = number - 1;
      return TRUE;
    }
  /* Matches are sorted: binary search. */
  hi = self->matches->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      guint32 at = g_array_index (self->matches, guint32, mid);

      if (at == number)
        {
          *position = mid;
          return TRUE;
        }
      if (at < number)
        lo = mid + 1;
      else
        hi = mid;
    }
  return FALSE;
}

static IotRowSummary *
summary_compute (IotFrameList *self, guint32 number)
{
  IotRowSummary *summary = g_new0 (IotRowSummary, 1);
  IotDissectOptions options = { .flags = IOT_DISSECT_COLUMNS };

  /* Rows come by the screenful (GtkListView binds up to 200 at once):
   * keep the first pass out of their way until the frame is drawn. */
  iot_capture_pause_until_idle (self->capture);
  iot_capture_dissect (self->capture, self->pkt, number, &options);
  summary->number = number;
  summary->length = iot_file_frame (iot_capture_file (self->capture), number)->len;
  summary->severity = iot_packet_max_severity (self->pkt);
  iot_packet_format_src (self->pkt, summary->src, sizeof summary->src);
  iot_packet_format_dst (self->pkt, summary->dst, sizeof summary->dst);
  summary->protocol = g_strdup (iot_col_protocol (self->pkt));
  summary->info = g_strdup (iot_col_info (self->pkt));
  return summary;
}

const IotRowSummary *
iot_frame_list_summary (IotFrameList *self, guint32 number)
{
  GList *link;

  g_return_val_if_fail (IOT_IS_FRAME_LIST (self), NULL);
  g_return_val_if_fail (self->capture != NULL, NULL);
  g_return_val_if_fail (number >= 1 && number <= self->n_passed, NULL);

  link = g_hash_table_lookup (self->cache, GUINT_TO_POINTER (number));
  if (link != NULL)
    {
      /* Most recently used goes to the head. */
      g_queue_unlink (&self->lru, link);
      g_queue_push_head_link (&self->lru, link);
      return link->data;
    }
  if (self->lru.length >= SUMMARY_CACHE_SIZE)
    {
      IotRowSummary *old = g_queue_pop_tail (&self->lru);

      g_hash_table_remove (self->cache, GUINT_TO_POINTER (old->number));
      summary_free (old);
    }
  g_queue_push_head (&self->lru, summary_compute (self, number));
  g_hash_table_insert (self->cache, GUINT_TO_POINTER (number), self->lru.head);
  return self->lru.head->data;
}

/* "2026-11-26 12:24:01.125020" from nanoseconds since 1970. */
static void
format_date (gint64 ns, gboolean utc, guint decimals, GString *out)
{
  g_autoptr (GDateTime) dt = NULL;
  g_autofree char *text = NULL;
  gint64 secs = ns >= 0 ? ns / 1000000000 : -((-ns + 999999999) / 1000000000);
  guint64 frac = (guint64) (ns - secs * 1000000000);

  dt = utc ? g_date_time_new_from_unix_utc (secs) : g_date_time_new_from_unix_local (secs);
  if (dt == NULL)
    {
      g_string_append (out, "?");
      return;
    }
  text = g_date_time_format (dt, "%Y-%m-%d %H:%M:%S");
  for (guint i = decimals; i < 9; i++)
    frac /= 10;
  g_string_append_printf (out, "%s.%0*" G_GUINT64_FORMAT, text, (int) decimals, frac);
}

static void
format_seconds (gint64 ns, guint decimals, GString *out)
{
  guint64 mag = ns < 0 ? (guint64) -ns : (guint64) ns;
  guint64 frac = mag % 1000000000;

  for (guint i = decimals; i < 9; i++)
    frac /= 10;
  g_string_append_printf (out, "%s%" G_GUINT64_FORMAT ".%0*" G_GUINT64_FORMAT,
                          ns < 0 ? "-" : "", mag / 1000000000, (int) decimals, frac);
}

void
iot_frame_list_format_time (IotFrameList *self, guint position,
                            IotTimeFormat format, GString *out)
{
  IotFile *file;
  guint32 number = iot_frame_list_number_at (self, position);
  gint64 ts;
  guint decimals;

  g_return_if_fail (self->capture != NULL && number != 0);
  file = iot_capture_file (self->capture);
  ts = iot_file_frame (file, number)->ts_ns;
  /* Show the precision the capture has, as Wireshark does. */
  decimals = iot_file_format (file) == IOT_FILE_FORMAT_PCAP_NSEC ? 9 : 6;
  switch (format)
    {
    case IOT_TIME_RELATIVE:
      format_seconds (ts - iot_file_frame (file, 1)->ts_ns, decimals, out);
      break;
    case IOT_TIME_DELTA_DISPLAYED:
      {
        guint32 prev = position > 0 ? iot_frame_list_number_at (self, position - 1) : number;

        format_seconds (ts - iot_file_frame (file, prev)->ts_ns, decimals, out);
      }
      break;
    case IOT_TIME_DATE:
      format_date (ts, FALSE, decimals, out);
      break;
    case IOT_TIME_UTC:
      format_date (ts, TRUE, decimals, out);
      break;
    case IOT_TIME_EPOCH:
      format_seconds (ts, decimals, out);
      break;
    default:
      g_assert_not_reached ();
    }
}
