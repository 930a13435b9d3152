/* iot-frame-list.c — the lazy packet-list model. */
#include "iot-frame-list.h"

#include <string.h>

#include "iot-colour-rules.h"

/* Enough for a few screens of rows scrolled back and forth. */
#define SUMMARY_CACHE_SIZE 2048

static const char *const column_ids[IOT_N_COLUMNS] = {
  "number", "time", "source", "destination", "protocol", "length", "info",
};

const char *
iot_column_id (IotColumn column)
{
  g_return_val_if_fail (column < IOT_N_COLUMNS, NULL);
  return column_ids[column];
}

int
iot_column_from_id (const char *id)
{
  for (int i = 0; i < IOT_N_COLUMNS; i++)
    if (g_strcmp0 (id, column_ids[i]) == 0)
      return i;
  return -1;
}

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

/* Row items kept per position before unused ones are dropped: well above
 * the 200 rows a GtkListView keeps widgets for. */
#define SLOT_SWEEP 4096

struct _IotFrameList {
  GObject     parent_instance;
  IotCapture *capture;
  IotPacket  *pkt;        /* main-thread packet for the summaries */
  guint32     n_passed;
  GArray     *matches;    /* guint32 frame numbers ascending, or NULL = unfiltered */
  GArray     *order;      /* guint32 frame numbers in display order, or NULL = frame order */
  guint32    *positions;  /* with @order: frame number → position + 1 (0 = hidden); built lazily,
                           * or given by the sort's worker, then kept up to date */
  guint32     n_positions;
  /* One row item per position, the same object for as long as a view
   * holds it: GtkListView recognises its rows by item identity and keeps
   * their widgets through an items-changed. */
  GHashTable *slots;      /* position → IotFrameRow (a reference) */
  /* LRU cache: number → GList link (in @lru) whose data is an IotRowSummary. */
  GHashTable *cache;
  GQueue      lru;
  guint32     time_ref;   /* the time reference frame, 0 = none */
  IotColourRuleSet *colour_rules;   /* compiled for this (the main) thread, or NULL */
  /* Changes whenever summaries made so far may be wrong (other rules,
   * another file, a frame ignored): summaries made on another thread
   * before are dropped. */
  guint       summary_generation;
};

static void iot_frame_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (IotFrameList, iot_frame_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, iot_frame_list_model_init))

enum {
  SIGNAL_ABOUT_TO_CHANGE,
  SIGNAL_VIEW_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
iot_row_summary_free (IotRowSummary *summary)
{
  if (summary == NULL)
    return;
  g_free (summary->protocol);
  g_free (summary->info);
  g_free (summary);
}

static void
summary_free (gpointer data)
{
  iot_row_summary_free (data);
}

static void
cache_clear (IotFrameList *self)
{
  self->summary_generation++;
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

/* Drops the row items no view holds any more. */
static void
sweep_slots (IotFrameList *self)
{
  GHashTableIter iter;
  gpointer row;

  g_hash_table_iter_init (&iter, self->slots);
  while (g_hash_table_iter_next (&iter, NULL, &row))
    if (G_OBJECT (row)->ref_count == 1)
      g_hash_table_iter_remove (&iter);
}

static gpointer
iot_frame_list_get_item (GListModel *model, guint position)
{
  IotFrameList *self = IOT_FRAME_LIST (model);
  IotFrameRow *row;

  if (position >= iot_frame_list_get_n_items (model))
    return NULL;
  row = g_hash_table_lookup (self->slots, GUINT_TO_POINTER (position));
  if (row == NULL)
    {
      if (g_hash_table_size (self->slots) >= SLOT_SWEEP)
        sweep_slots (self);
      row = g_object_new (IOT_TYPE_FRAME_ROW, NULL);
      row->position = position;
      g_hash_table_insert (self->slots, GUINT_TO_POINTER (position), row);
    }
  row->number = iot_frame_list_number_at (self, position);
  return g_object_ref (row);
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
  g_hash_table_unref (self->slots);
  g_clear_pointer (&self->matches, g_array_unref);
  g_clear_pointer (&self->order, g_array_unref);
  g_free (self->positions);
  g_clear_pointer (&self->capture, iot_capture_unref);
  iot_packet_free (self->pkt);
  g_clear_pointer (&self->colour_rules, iot_colour_rule_set_free);
  G_OBJECT_CLASS (iot_frame_list_parent_class)->finalize (object);
}

static void
iot_frame_list_class_init (IotFrameListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = iot_frame_list_finalize;

  /* Before the whole content changes: a view drops its selection here
   * (the selected row may show another frame next). */
  signals[SIGNAL_ABOUT_TO_CHANGE] =
    g_signal_new ("about-to-change", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* After iot_frame_list_set_view(): the rows a view shows may hold other
   * frames now, in the same row items. */
  signals[SIGNAL_VIEW_CHANGED] =
    g_signal_new ("view-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
iot_frame_list_init (IotFrameList *self)
{
  self->pkt = iot_packet_new ();
  self->cache = g_hash_table_new (NULL, NULL);
  self->slots = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  g_queue_init (&self->lru);
}

IotFrameList *
iot_frame_list_new (void)
{
  return g_object_new (IOT_TYPE_FRAME_LIST, NULL);
}

static void
set_order (IotFrameList *self, GArray *order)
{
  g_clear_pointer (&self->order, g_array_unref);
  g_clear_pointer (&self->positions, g_free);
  self->n_positions = 0;
  self->order = order;
}

/* Frames @numbers went to the end of the order, from @first_position on:
 * the inverse follows, at the cost of the new frames only. */
static void
positions_append (IotFrameList *self, guint first_position, const guint32 *numbers, guint n)
{
  if (self->positions == NULL)
    return;
  for (guint i = 0; i < n; i++)
    {
      guint32 number = numbers[i];

      if (number >= self->n_positions)
        {
          guint32 size = MAX (number + 1, self->n_positions + self->n_positions / 4);

          self->positions = g_renew (guint32, self->positions, size);
          memset (self->positions + self->n_positions, 0, (size - self->n_positions) * sizeof (guint32));
          self->n_positions = size;
        }
      self->positions[number] = first_position + i + 1;
    }
}

/* Row items keep their position; their frame follows the new content. */
static void
renumber_slots (IotFrameList *self)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->slots);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      IotFrameRow *row = value;

      row->number = iot_frame_list_number_at (self, GPOINTER_TO_UINT (key));
    }
}

void
iot_frame_list_set_capture (IotFrameList *self, IotCapture *capture)
{
  guint old_n;

  g_return_if_fail (IOT_IS_FRAME_LIST (self));
  old_n = iot_frame_list_get_n_items (G_LIST_MODEL (self));
  g_signal_emit (self, signals[SIGNAL_ABOUT_TO_CHANGE], 0);
  cache_clear (self);
  g_clear_pointer (&self->capture, iot_capture_unref);
  self->capture = capture != NULL ? iot_capture_ref (capture) : NULL;
  g_clear_pointer (&self->matches, g_array_unref);
  set_order (self, NULL);
  self->n_passed = 0;
  self->time_ref = 0;
  /* A new file: nothing to keep. */
  g_hash_table_remove_all (self->slots);
  if (old_n > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, 0);
}

void
iot_frame_list_replace_capture (IotFrameList *self, IotCapture *capture)
{
  g_return_if_fail (IOT_IS_FRAME_LIST (self));
  g_return_if_fail (capture != NULL);
  g_return_if_fail (iot_capture_n_passed (capture) >= self->n_passed);
  iot_capture_ref (capture);
  g_clear_pointer (&self->capture, iot_capture_unref);
  self->capture = capture;
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
    {
      /* Frames arriving while sorted go at the end until the next sort. */
      if (self->order != NULL)
        {
          for (guint32 number = old + 1; number <= n_passed; number++)
            {
              g_array_append_val (self->order, number);
              positions_append (self, self->order->len - 1, &number, 1);
            }
        }
      g_list_model_items_changed (G_LIST_MODEL (self), old, 0, n_passed - old);
    }
}

void
iot_frame_list_set_view (IotFrameList *self, GArray *matches, GArray *order)
{
  guint old_n, new_n;

  g_return_if_fail (IOT_IS_FRAME_LIST (self));
  g_return_if_fail (order == NULL
                    || order->len == (matches != NULL ? matches->len : self->n_passed));

  old_n = iot_frame_list_get_n_items (G_LIST_MODEL (self));
  g_signal_emit (self, signals[SIGNAL_ABOUT_TO_CHANGE], 0);
  g_clear_pointer (&self->matches, g_array_unref);
  self->matches = matches;
  set_order (self, order);
  new_n = iot_frame_list_get_n_items (G_LIST_MODEL (self));
  renumber_slots (self);
  /* Only the difference in length is announced.  An items-changed over
   * the whole list costs GTK 4.8 either new widgets for every row on
   * screen (removed, then added) or, when the rows it tracks (anchor,
   * focus, selection) are among the removed ones, a get_item() for every
   * added position.  The rows that stay keep their items, whose frames
   * changed: "view-changed" has the views re-bind them. */
  if (new_n < old_n)
    g_list_model_items_changed (G_LIST_MODEL (self), new_n, old_n - new_n, 0);
  else if (new_n > old_n)
    g_list_model_items_changed (G_LIST_MODEL (self), old_n, 0, new_n - old_n);
  g_signal_emit (self, signals[SIGNAL_VIEW_CHANGED], 0);
}

void
iot_frame_list_set_order (IotFrameList *self, GArray *order)
{
  g_return_if_fail (IOT_IS_FRAME_LIST (self));
  g_return_if_fail (order == NULL || order->len == iot_frame_list_get_n_items (G_LIST_MODEL (self)));

  g_signal_emit (self, signals[SIGNAL_ABOUT_TO_CHANGE], 0);
  set_order (self, order);
  renumber_slots (self);
  g_signal_emit (self, signals[SIGNAL_VIEW_CHANGED], 0);
}

void
iot_frame_list_take_positions (IotFrameList *self, guint32 *positions, guint32 n_positions)
{
  g_return_if_fail (IOT_IS_FRAME_LIST (self));
  g_return_if_fail (self->order != NULL);
  g_free (self->positions);
  self->positions = positions;
  self->n_positions = n_positions;
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
  if (self->order != NULL)
    {
      positions_append (self, self->order->len, numbers, n);
      g_array_append_vals (self->order, numbers, n);
    }
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

gboolean
iot_frame_list_is_sorted (IotFrameList *self)
{
  return self->order != NULL;
}

GArray *
iot_frame_list_dup_displayed (IotFrameList *self)
{
  GArray *copy;

  if (self->matches != NULL)
    {
      copy = g_array_sized_new (FALSE, FALSE, sizeof (guint32), self->matches->len);
      g_array_append_vals (copy, self->matches->data, self->matches->len);
      return copy;
    }
  copy = g_array_sized_new (FALSE, FALSE, sizeof (guint32), self->n_passed);
  g_array_set_size (copy, self->n_passed);
  for (guint32 i = 0; i < self->n_passed; i++)
    g_array_index (copy, guint32, i) = i + 1;
  return copy;
}

guint32
iot_frame_list_number_at (IotFrameList *self, guint position)
{
  if (self->order != NULL)
    return position < self->order->len ? g_array_index (self->order, guint32, position) : 0;
  if (self->matches != NULL)
    return position < self->matches->len ? g_array_index (self->matches, guint32, position) : 0;
  return position < self->n_passed ? position + 1 : 0;
}

/* Position of @number among the ascending @matches, or where it would go. */
static guint
matches_search (GArray *matches, guint32 number, gboolean *found)
{
  guint lo = 0, hi = matches->len;

  *found = FALSE;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      guint32 at = g_array_index (matches, guint32, mid);

      if (at == number)
        {
          *found = TRUE;
          return mid;
        }
      if (at < number)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

gboolean
iot_frame_list_find (IotFrameList *self, guint32 number, guint *position)
{
  gboolean found;
  guint at;

  if (self->order != NULL)
    {
      /* The inverse of the order, built once per order: one pass. */
      if (self->positions == NULL)
        {
          self->n_positions = MAX (self->n_passed, 1) + 1;
          self->positions = g_new0 (guint32, self->n_positions);
          for (guint i = 0; i < self->order->len; i++)
            {
              guint32 n = g_array_index (self->order, guint32, i);

              if (n < self->n_positions)
                self->positions[n] = i + 1;
            }
        }
      if (number >= self->n_positions || self->positions[number] == 0)
        return FALSE;
      *position = self->positions[number] - 1;
      return TRUE;
    }
  if (self->matches == NULL)
    {
      if (number < 1 || number > self->n_passed)
        return FALSE;
      *position = number - 1;
      return TRUE;
    }
  at = matches_search (self->matches, number, &found);
  if (found)
    *position = at;
  return found;
}

guint32
iot_frame_list_prev_displayed (IotFrameList *self, guint32 number)
{
  gboolean found;
  guint at;

  if (self->matches == NULL)
    return number > 1 ? number - 1 : 0;
  at = matches_search (self->matches, number, &found);
  return at > 0 ? g_array_index (self->matches, guint32, at - 1) : 0;
}

IotRowSummary *
iot_row_summary_new (IotCapture *capture, IotPacket *pkt, IotColourRuleSet *rules, guint32 number)
{
  IotRowSummary *summary = g_new0 (IotRowSummary, 1);
  IotDissectOptions options = { .flags = IOT_DISSECT_COLUMNS };

  /* The one dissection of the row serves its colouring rules too: they
   * were compiled once, and only add the fields they read. */
  if (rules != NULL)
    options.fields = iot_colour_rule_set_fields (rules);
  /* The engine has the first pass give way while this runs. */
  iot_engine_dissect (iot_capture_engine (capture), pkt, number, &options);
  summary->colour_rule = rules != NULL ? iot_colour_rule_set_match (rules, pkt) : -1;
  summary->number = number;
  summary->length = iot_file_frame (iot_capture_file (capture), number)->len;
  summary->severity = iot_packet_max_severity (pkt);
  iot_packet_format_src (pkt, summary->src, sizeof summary->src);
  iot_packet_format_dst (pkt, summary->dst, sizeof summary->dst);
  summary->protocol = g_strdup (iot_col_protocol (pkt));
  summary->info = g_strdup (iot_col_info (pkt));
  return summary;
}

/* Puts @summary (taken) at the head of the cache, making room. */
static void
cache_insert (IotFrameList *self, IotRowSummary *summary)
{
  if (self->lru.length >= SUMMARY_CACHE_SIZE)
    {
      IotRowSummary *old = g_queue_pop_tail (&self->lru);

      g_hash_table_remove (self->cache, GUINT_TO_POINTER (old->number));
      summary_free (old);
    }
  g_queue_push_head (&self->lru, summary);
  g_hash_table_insert (self->cache, GUINT_TO_POINTER (summary->number), self->lru.head);
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
  cache_insert (self, iot_row_summary_new (self->capture, self->pkt, self->colour_rules, number));
  return self->lru.head->data;
}

guint
iot_frame_list_get_summary_generation (IotFrameList *self)
{
  return self->summary_generation;
}

IotColourRuleSet *
iot_frame_list_dup_colour_rules (IotFrameList *self)
{
  return self->colour_rules != NULL ? iot_colour_rule_set_copy (self->colour_rules) : NULL;
}

void
iot_frame_list_add_summaries (IotFrameList *self, GPtrArray *summaries, guint generation)
{
  g_autofree gpointer *taken = NULL;
  gsize n = 0;

  g_return_if_fail (IOT_IS_FRAME_LIST (self));
  taken = g_ptr_array_steal (summaries, &n);
  for (gsize i = 0; i < n; i++)
    {
      IotRowSummary *summary = taken[i];

      if (generation != self->summary_generation || self->capture == NULL
          || g_hash_table_contains (self->cache, GUINT_TO_POINTER (summary->number)))
        summary_free (summary);
      else
        cache_insert (self, summary);
    }
}

void
iot_frame_list_forget_summary (IotFrameList *self, guint32 number)
{
  GList *link;

  g_return_if_fail (IOT_IS_FRAME_LIST (self));
  if (number == 0)
    {
      cache_clear (self);
      return;
    }
  self->summary_generation++;
  link = g_hash_table_lookup (self->cache, GUINT_TO_POINTER (number));
  if (link == NULL)
    return;
  g_hash_table_remove (self->cache, GUINT_TO_POINTER (number));
  summary_free (link->data);
  g_queue_delete_link (&self->lru, link);
}

void
iot_frame_list_set_colour_rules (IotFrameList *self, IotColourRuleSet *rules)
{
  g_return_if_fail (IOT_IS_FRAME_LIST (self));
  g_clear_pointer (&self->colour_rules, iot_colour_rule_set_free);
  self->colour_rules = rules;
  cache_clear (self);
}

gboolean
iot_frame_list_has_colour_rules (IotFrameList *self)
{
  return self->colour_rules != NULL;
}

void
iot_frame_list_set_time_ref (IotFrameList *self, guint32 number)
{
  g_return_if_fail (IOT_IS_FRAME_LIST (self));
  self->time_ref = number;
}

guint32
iot_frame_list_get_time_ref (IotFrameList *self)
{
  return self->time_ref;
}

guint32
iot_frame_list_time_base (IotFrameList *self, guint32 number)
{
  return self->time_ref != 0 && number >= self->time_ref ? self->time_ref : 1;
}

/* The GSettings names of the formats (the choices of the time-format key). */
static const char *const time_format_ids[IOT_N_TIME_FORMATS] = {
  [IOT_TIME_RELATIVE] = "relative",
  [IOT_TIME_DELTA_DISPLAYED] = "delta-displayed",
  [IOT_TIME_ABSOLUTE_DATE] = "date",
  [IOT_TIME_UTC_DATE] = "utc",
  [IOT_TIME_EPOCH] = "epoch",
  [IOT_TIME_ABSOLUTE] = "time-of-day",
  [IOT_TIME_ABSOLUTE_DOY] = "day-of-year",
  [IOT_TIME_DELTA] = "delta",
  [IOT_TIME_UTC] = "utc-time-of-day",
  [IOT_TIME_UTC_DOY] = "utc-day-of-year",
};

int
iot_time_format_from_id (const char *id)
{
  for (guint i = 0; i < IOT_N_TIME_FORMATS; i++)
    if (g_strcmp0 (id, time_format_ids[i]) == 0)
      return (int) i;
  return -1;
}

void
iot_frame_list_format_time (IotFrameList *self, guint32 number,
                            IotTimeFormat format, GString *out)
{
  IotFile *file;
  gint64 ts;
  gint64 reference = 0;
  guint decimals;
  IotTimeStyle style;
  char text[64];

  g_return_if_fail (self->capture != NULL && number != 0);
  iot_time_style_init (&style);
  file = iot_capture_file (self->capture);
  ts = iot_file_frame (file, number)->ts_ns;
  if (iot_file_frame (file, number)->flags & IOT_FRAME_NO_TIME)
    return;   /* stored without a capture time: nothing to show */
  /* Show the precision the capture has, as Wireshark does. */
  decimals = iot_file_format (file) == IOT_FILE_FORMAT_PCAP_NSEC ? 9 : 6;
  /* The reference frame itself reads *REF* in the relative formats, as
   * in Wireshark. */
  if (number == self->time_ref
      && (format == IOT_TIME_RELATIVE || format == IOT_TIME_DELTA_DISPLAYED || format == IOT_TIME_DELTA))
    {
      g_string_append (out, "*REF*");
      return;
    }
  style.format = format;
  /* What the relative formats subtract; the others ignore it. */
  switch (format)
    {
    case IOT_TIME_RELATIVE:
      reference = iot_file_frame (file, iot_frame_list_time_base (self, number))->ts_ns;
      break;
    case IOT_TIME_DELTA_DISPLAYED:
      {
        /* The previous displayed frame in capture order, sorted or not. */
        guint32 prev = iot_frame_list_prev_displayed (self, number);

        reference = iot_file_frame (file, prev != 0 ? prev : number)->ts_ns;
      }
      break;
    case IOT_TIME_DELTA:
      reference = iot_file_frame (file, number > 1 ? number - 1 : number)->ts_ns;
      break;
    default:
      break;
    }
  /* The same text as iotscope-cli -t with the same format. */
  iot_time_style_format (&style, ts, reference, decimals, text, sizeof text);
  g_string_append (out, text);
}
