/* iot-stats-histogram.c — the stats_tree histograms (-z plen,tree and
 * -z iat,tree) and the burst columns every stats_tree table shares.
 */
#include "iot-stats.h"
#include "iot-stats-private.h"

#include <math.h>
#include <string.h>

#define NS_PER_SEC G_GINT64_CONSTANT (1000000000)

/* ---- histograms ------------------------------------------------------------------------------ */

/* The "burst" columns of a stats_tree table: the most values counted in
 * any 100 ms window, the window sliding in 5 ms steps, and when that
 * window started. */
#define BURST_STEP_MS   5

typedef struct {
  double  step;        /* floor (ms / BURST_STEP_MS) */
  guint64 count;
  double  start_ms;    /* earliest value counted in this step */
} BurstStep;

typedef struct {
  IotHistogramBucket row;
  IotBurst           burst;
} HistRow;

struct _IotHistogram {
  IotHistogramKind kind;
  HistRow          total;
  HistRow         *buckets;
  guint            n_buckets;
  double           start_ms;    /* first frame counted; < 0 before it */
  double           elapsed_ms;  /* latest frame counted minus the first */
  gboolean         have_prev;
  gint64           prev_ns;     /* inter-frame: the previous frame's time */
};

static const struct {
  const char *label;
  gint64      low;
} plen_buckets[] = {
  { "0-19", 0 }, { "20-39", 20 }, { "40-79", 40 }, { "80-159", 80 }, { "160-319", 160 },
  { "320-639", 320 }, { "640-1279", 640 }, { "1280-2559", 1280 }, { "2560-5119", 2560 },
  { "5120 and greater", 5120 },
};

/* Decades from 10 µs to 10 s: a sensor's reply is microseconds away, its
 * next reading seconds away, and both show up here at once. */
static const struct {
  const char *label;
  gint64      low;
} iat_buckets[] = {
  { "< 10 us", G_MININT64 }, { "10-100 us", 10000 }, { "100 us-1 ms", 100000 }, { "1-10 ms", 1000000 },
  { "10-100 ms", 10000000 }, { "100 ms-1 s", 100000000 }, { "1-10 s", 1000000000 },
  { "10 s and greater", G_GINT64_CONSTANT (10000000000) },
};

void
iot_burst_init (IotBurst *burst)
{
  /* Like tshark, a window starts out at 0 ms with nothing in it. */
  g_queue_init (&burst->steps);
  g_queue_push_tail (&burst->steps, g_new0 (BurstStep, 1));
}

static BurstStep *
burst_step_new (double step, double now_ms)
{
  BurstStep *s = g_new0 (BurstStep, 1);

  s->step = step;
  s->count = 1;
  s->start_ms = now_ms;
  return s;
}

/* Counts one value at @now_ms: values out of time order join the step
 * they belong to, or are dropped when older than the whole window. */
void
iot_burst_add (IotBurst *burst, double now_ms)
{
  double step = floor (now_ms / BURST_STEP_MS);
  double window = (double) BURST_WINDOW_MS / BURST_STEP_MS;
  BurstStep *head = g_queue_peek_head (&burst->steps);
  BurstStep *tail = g_queue_peek_tail (&burst->steps);

  if (step > tail->step)
    {
      g_queue_push_tail (&burst->steps, burst_step_new (step, now_ms));
      burst->in_window++;
      while (step >= ((BurstStep *) g_queue_peek_head (&burst->steps))->step + window)
        {
          BurstStep *old = g_queue_pop_head (&burst->steps);

          burst->in_window -= old->count;
          g_free (old);
        }
    }
  else if (step < head->step)
    {
      if (step + window > tail->step)
        {
          g_queue_push_head (&burst->steps, burst_step_new (step, now_ms));
          burst->in_window++;
        }
    }
  else
    {
      GList *link = burst->steps.tail;

      while (step < ((BurstStep *) link->data)->step)
        link = link->prev;
      if (step == ((BurstStep *) link->data)->step)
        {
          BurstStep *s = link->data;

          s->count++;
          s->start_ms = MIN (s->start_ms, now_ms);
        }
      else
        g_queue_insert_after (&burst->steps, link, burst_step_new (step, now_ms));
      burst->in_window++;
    }
  if (burst->in_window > burst->max)
    {
      burst->max = burst->in_window;
      burst->max_start_ms = ((BurstStep *) g_queue_peek_head (&burst->steps))->start_ms;
    }
}

static void
hist_row_init (HistRow *row, const char *label, gint64 low, gint64 high)
{
  row->row.label = label;
  row->row.low = low;
  row->row.high = high;
  iot_burst_init (&row->burst);
}

IotHistogram *
iot_histogram_new (IotHistogramKind kind)
{
  IotHistogram *hist = g_new0 (IotHistogram, 1);
  guint n = kind == IOT_HISTOGRAM_FRAME_LENGTH ? G_N_ELEMENTS (plen_buckets) : G_N_ELEMENTS (iat_buckets);

  hist->kind = kind;
  hist->start_ms = -1.0;
  hist->n_buckets = n;
  hist->buckets = g_new0 (HistRow, n);
  hist_row_init (&hist->total, iot_histogram_title (hist), G_MININT64, G_MAXINT64);
  for (guint i = 0; i < n; i++)
    {
      const char *label = kind == IOT_HISTOGRAM_FRAME_LENGTH ? plen_buckets[i].label : iat_buckets[i].label;
      gint64 low = kind == IOT_HISTOGRAM_FRAME_LENGTH ? plen_buckets[i].low : iat_buckets[i].low;
      gint64 next = i + 1 < n ? (kind == IOT_HISTOGRAM_FRAME_LENGTH ? plen_buckets[i + 1].low
                                                                     : iat_buckets[i + 1].low)
                              : G_MAXINT64;

      hist_row_init (&hist->buckets[i], label, low, i + 1 < n ? next - 1 : G_MAXINT64);
    }
  return hist;
}

void
iot_histogram_free (IotHistogram *hist)
{
  if (hist == NULL)
    return;
  g_queue_clear_full (&hist->total.burst.steps, g_free);
  for (guint i = 0; i < hist->n_buckets; i++)
    g_queue_clear_full (&hist->buckets[i].burst.steps, g_free);
  g_free (hist->buckets);
  g_free (hist);
}

IotHistogramKind
iot_histogram_kind (IotHistogram *hist)
{
  return hist->kind;
}

const char *
iot_histogram_title (IotHistogram *hist)
{
  return hist->kind == IOT_HISTOGRAM_FRAME_LENGTH ? "Packet Lengths" : "Inter-frame Times";
}

/* Milliseconds the way tshark turns a relative time into them: seconds
 * and nanoseconds converted on their own. */
double
iot_stats_ns_to_ms (gint64 ns)
{
  return (double) (ns / NS_PER_SEC) * 1000.0 + (double) (ns % NS_PER_SEC) / 1000000.0;
}

static void
hist_row_add (HistRow *row, gint64 value, double now_ms)
{
  if (row->row.count == 0 || value < row->row.min)
    row->row.min = value;
  if (row->row.count == 0 || value > row->row.max)
    row->row.max = value;
  row->row.count++;
  row->row.total += value;
  iot_burst_add (&row->burst, now_ms);
}

/* The clock of the rate column: from the first frame counted to the
 * latest. */
static double
hist_tick (IotHistogram *hist, gint64 rel_ns)
{
  double now_ms = iot_stats_ns_to_ms (rel_ns);

  if (hist->start_ms < 0.0)
    hist->start_ms = now_ms;
  hist->elapsed_ms = now_ms - hist->start_ms;
  return now_ms;
}

static void
hist_count (IotHistogram *hist, gint64 value, double now_ms)
{
  hist_row_add (&hist->total, value, now_ms);
  for (guint i = 0; i < hist->n_buckets; i++)
    if (value <= hist->buckets[i].row.high || i + 1 == hist->n_buckets)
      {
        hist_row_add (&hist->buckets[i], value, now_ms);
        break;
      }
}

void
iot_histogram_add_value (IotHistogram *hist, gint64 value, gint64 rel_ns)
{
  hist_count (hist, value, hist_tick (hist, rel_ns));
}

void
iot_histogram_add_frame (IotHistogram *hist, guint32 wirelen, gint64 rel_ns)
{
  double now_ms = hist_tick (hist, rel_ns);

  if (hist->kind == IOT_HISTOGRAM_FRAME_LENGTH)
    {
      hist_count (hist, wirelen, now_ms);
      return;
    }
  /* A gap needs two frames; the capture's order counts, not the time
   * stamps' (a negative gap lands in the first bucket). */
  if (hist->have_prev)
    hist_count (hist, rel_ns - hist->prev_ns, now_ms);
  hist->prev_ns = rel_ns;
  hist->have_prev = TRUE;
}

guint
iot_histogram_n_buckets (IotHistogram *hist)
{
  return hist->n_buckets;
}

const IotHistogramBucket *
iot_histogram_bucket (IotHistogram *hist, guint index)
{
  g_return_val_if_fail (index < hist->n_buckets, NULL);
  return &hist->buckets[index].row;
}

const IotHistogramBucket *
iot_histogram_total (IotHistogram *hist)
{
  return &hist->total.row;
}

double
iot_histogram_bucket_average (const IotHistogramBucket *bucket)
{
  return bucket->count ? (double) bucket->total / (double) bucket->count : 0.0;
}

/* stats_tree's plain text: a name column as wide as the longest name with
 * its indent, then eight columns of 12 characters, each with a space on
 * either side. */
void
iot_stats_tree_append_row (GString *out, guint indent, int name_width, const char *const *cells)
{
  g_string_append_printf (out, "%*s%-*s", (int) indent, "", name_width - (int) indent, cells[0]);
  for (guint c = 1; c <= TREE_N_COLUMNS; c++)
    g_string_append_printf (out, " %-*s ", TREE_COLUMN_WIDTH, cells[c]);
  g_string_append_c (out, '\n');
}

static char *
hist_format_value (IotHistogram *hist, gint64 value)
{
  if (hist->kind == IOT_HISTOGRAM_FRAME_LENGTH)
    return g_strdup_printf ("%" G_GINT64_FORMAT, value);
  return g_strdup_printf ("%.3f", (double) value / 1e6);
}

static char *
hist_format_average (IotHistogram *hist, const IotHistogramBucket *row)
{
  /* tshark averages integer values in single precision. */
  if (hist->kind == IOT_HISTOGRAM_FRAME_LENGTH)
    {
      float average = (float) row->total / (float) row->count;

      return g_strdup_printf ("%.2f", (double) average);
    }
  return g_strdup_printf ("%.3f", iot_histogram_bucket_average (row) / 1e6);
}

/* @parent_count: the count of the row above, or -1 for the top row. */
static void
hist_append_row (IotHistogram *hist, const HistRow *row, guint indent, int name_width, gint64 parent_count,
                 GString *out)
{
  const IotHistogramBucket *b = &row->row;
  g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, b->count);
  g_autofree char *average = NULL, *min = NULL, *max = NULL;
  g_autofree char *rate = NULL, *percent = NULL, *burst = NULL, *burst_start = NULL;
  const char *none = parent_count < 0 ? "" : "-";     /* the top row leaves empty cells empty */
  const char *cells[TREE_N_COLUMNS + 1];

  if (b->count > 0)
    {
      average = hist_format_average (hist, b);
      min = hist_format_value (hist, b->min);
      max = hist_format_value (hist, b->max);
    }
  if (hist->elapsed_ms != 0.0)
    rate = g_strdup_printf ("%.4f", (double) (float) b->count / hist->elapsed_ms);
  if (parent_count < 0)
    percent = g_strdup ("100%");
  else if (parent_count > 0)
    percent = g_strdup_printf ("%.2f%%", (double) b->count * 100.0 / (double) parent_count);
  if (row->burst.max > 0)
    {
      burst = g_strdup_printf ("%.4f", (double) row->burst.max / BURST_WINDOW_MS);
      burst_start = g_strdup_printf ("%.3f", row->burst.max_start_ms / 1000.0);
    }
  cells[0] = b->label;
  cells[1] = count;
  cells[2] = average ? average : none;
  cells[3] = min ? min : none;
  cells[4] = max ? max : none;
  cells[5] = rate ? rate : "";
  cells[6] = percent ? percent : "";
  cells[7] = burst ? burst : "-";
  cells[8] = burst_start ? burst_start : "-";
  iot_stats_tree_append_row (out, indent, name_width, cells);
}

void
iot_histogram_print (IotHistogram *hist, GString *out)
{
  static const char *const headings[TREE_N_COLUMNS + 1] = {
    "Topic / Item", "Count", "Average", "Min Val", "Max Val", "Rate (ms)", "Percent", "Burst Rate", "Burst Start",
  };
  g_autofree char *top_label = hist->kind == IOT_HISTOGRAM_FRAME_LENGTH
                                 ? g_strdup (hist->total.row.label)
                                 : g_strdup_printf ("%s (ms)", hist->total.row.label);
  HistRow top = hist->total;
  int name_width = (int) strlen (top_label) + 1;
  int rule_width;

  /* Names count with the indent of their depth below the tree's root. */
  for (guint i = 0; i < hist->n_buckets; i++)
    name_width = MAX (name_width, (int) strlen (hist->buckets[i].row.label) + 2);
  rule_width = name_width + TREE_N_COLUMNS * (TREE_COLUMN_WIDTH + 2);

  g_string_append_c (out, '\n');
  for (int i = 0; i < rule_width; i++)
    g_string_append_c (out, '=');
  g_string_append_printf (out, "\n%s:\n", hist->total.row.label);
  iot_stats_tree_append_row (out, 0, name_width, headings);
  for (int i = 0; i < rule_width; i++)
    g_string_append_c (out, '-');
  g_string_append_c (out, '\n');
  top.row.label = top_label;
  hist_append_row (hist, &top, 0, name_width, -1, out);
  for (guint i = 0; i < hist->n_buckets; i++)
    hist_append_row (hist, &hist->buckets[i], 1, name_width, (gint64) hist->total.row.count, out);
  g_string_append_c (out, '\n');
  for (int i = 0; i < rule_width; i++)
    g_string_append_c (out, '-');
  g_string_append_c (out, '\n');
}
