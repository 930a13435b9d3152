/* iot-io-graph-window.c — the I/O Graph window: a table of series (each a
 * display filter and what to count), counted per interval over the whole
 * capture in a worker, and drawn by IotIoGraph.
 *
 * The counting follows `-z io,stat` exactly (intervals, the late-frame
 * rule, integer averages), so the graph shows the numbers the CLI prints.
 */
#include "iot-io-graph-window.h"

#include <glib/gi18n.h>

#include <cairo-svg.h>
#include <math.h>
#include <string.h>

#include "iot-filter.h"
#include "iot-stats.h"

#define US_PER_SEC     G_GUINT64_CONSTANT (1000000)
/* More intervals than this take too much memory and say nothing on screen. */
#define MAX_INTERVALS  200000
/* The default interval gives at most this many intervals. */
#define TARGET_INTERVALS 500
/* A filter being typed is counted once typing pauses this long (ms). */
#define RECOUNT_DELAY  600

typedef enum {
  Y_FRAMES,
  Y_BYTES,
  Y_BITS,
  Y_SUM,
  Y_MIN,
  Y_MAX,
  Y_AVG,
  Y_COUNT,
  N_Y_KINDS
} YKind;

static const char *const y_names[N_Y_KINDS] = { "Frames", "Bytes", "Bits", "SUM", "MIN", "MAX", "AVG", "COUNT" };

static const guint64 intervals_us[] = {
  1000, 10000, 100000, US_PER_SEC, 10 * US_PER_SEC, 60 * US_PER_SEC, 600 * US_PER_SEC,
};
static const char *const interval_names[] = { "1 ms", "10 ms", "100 ms", "1 s", "10 s", "1 min", "10 min" };

/* Colours of new series, after the default ones. */
static const char *const palette[] = {
  "#1c71d8", "#e01b24", "#26a269", "#e66100", "#9141ac", "#986a44", "#c061cb", "#0f7b8a", "#a51d2d",
};

/* What one interval of one series collected (as `-z io,stat` keeps it). */
typedef struct {
  IotIoItem item;
  guint32   first;    /* first frame counted here, 0 = none */
} Bucket;

typedef struct _Row Row;

struct _Row {
  IotIoGraphWindow *self;
  guint             uid;
  GtkWidget        *widgets[9];     /* in grid columns, see add_row_widgets () */
  GtkCheckButton   *enabled;
  GtkEditable      *name;
  GtkEditable      *filter;
  GtkColorButton   *color;
  GtkDropDown      *style;
  GtkDropDown      *y_kind;
  GtkEditable      *field;
  GtkLabel         *total;
  GtkButton        *remove;
  gboolean          filter_ok;
  gboolean          field_ok;
  gboolean          off_when_empty; /* a default series unticked when the capture has none */
  const IotField   *y_field;
  GArray           *buckets;        /* Bucket per interval, NULL until counted */
  guint64           matched;        /* frames that passed the filter */
  guint             recount_id;
};

struct _IotIoGraphWindow {
  IotAnalysisWindow parent_instance;

  GtkDropDown    *interval_dropdown;
  GtkCheckButton *per_second_check;
  GtkCheckButton *log_check;
  GtkButton      *reset_zoom_button;
  GtkSpinner     *spinner;
  GtkLabel       *status_label;
  IotIoGraph     *graph;
  GtkGrid        *series_grid;
  GtkButton      *add_button;
  GtkButton      *export_button;

  GPtrArray      *rows;           /* Row */
  guint           next_uid;
  guint64         interval_us;
  guint           interval_index;
  gint64          duration_ns;    /* last time stamp after the first frame */
  guint32         n_frames;
  guint           n_intervals;
  gboolean        per_second;
  gboolean        counted_once;
  char           *hover_text;
};

G_DEFINE_FINAL_TYPE (IotIoGraphWindow, iot_io_graph_window, IOT_TYPE_ANALYSIS_WINDOW)

static void start_count (IotIoGraphWindow *self);
static void update_graph (IotIoGraphWindow *self);

/* ---- values ---------------------------------------------------------------------- */

static gboolean
kind_is_calc (YKind kind)
{
  return kind >= Y_SUM;
}

/* Whether the value adds up over time, so that a rate per second means
 * something (a minimum per second does not). */
static gboolean
kind_is_additive (YKind kind)
{
  return kind == Y_FRAMES || kind == Y_BYTES || kind == Y_BITS || kind == Y_SUM || kind == Y_COUNT;
}

/* What `-z io,stat` counts for a kind of value (bits are bytes, times 8). */
static IotIoCalc
kind_calc (YKind kind)
{
  static const IotIoCalc calcs[N_Y_KINDS] = {
    [Y_FRAMES] = IOT_IO_FRAMES, [Y_BYTES] = IOT_IO_BYTES, [Y_BITS] = IOT_IO_BYTES, [Y_SUM] = IOT_IO_SUM,
    [Y_MIN] = IOT_IO_MIN, [Y_MAX] = IOT_IO_MAX, [Y_AVG] = IOT_IO_AVG, [Y_COUNT] = IOT_IO_COUNT,
  };

  return calcs[kind];
}

/* The value of a bucket, as `-z io,stat` prints it. */
static double
bucket_value (YKind kind, const IotField *field, const Bucket *b)
{
  double value = iot_io_item_value (&b->item, kind_calc (kind), field);

  return kind == Y_BITS ? value * 8 : value;
}

/* ---- counting (worker) -------------------------------------------------------------- */

typedef struct {
  guint           uid;
  IotFilter      *filter;     /* NULL: every frame */
  YKind           kind;
  const IotField *field;
  GArray         *buckets;
  guint64         matched;
} JobSeries;

typedef struct {
  guint64     interval_us;
  gint64      first_ns;       /* the first frame's time stamp */
  guint64     last_rel_us;    /* for the late-frame rule */
  GPtrArray  *series;         /* JobSeries */
} Job;

static void
job_series_free (gpointer data)
{
  JobSeries *js = data;

  iot_filter_free (js->filter);
  g_clear_pointer (&js->buckets, g_array_unref);
  g_free (js);
}

static void
job_free (gpointer data)
{
  Job *job = data;

  g_ptr_array_unref (job->series);
  g_free (job);
}

static void
count_frame (JobSeries *js, IotPacket *pkt, guint32 number, guint64 index)
{
  guint target = js->buckets->len - 1;
  Bucket *b;

  if (js->filter != NULL && !iot_filter_matches (js->filter, pkt))
    return;
  /* Intervals open in order; a frame stamped earlier than the newest
   * interval of this series joins it. */
  if (index > target)
    target = (guint) index;
  if (target >= js->buckets->len)
    g_array_set_size (js->buckets, target + 1);
  b = &g_array_index (js->buckets, Bucket, target);
  js->matched++;
  if (b->first == 0)
    b->first = number;
  iot_io_item_add_packet (&b->item, kind_calc (js->kind), js->field, pkt);
}

/* One scan listener for every series: each frame is placed in its interval
 * once, as `-z io,stat` places frames, whatever the series' filters say. */
static void
count_add_wanted (gpointer data, IotFieldSet *wanted, IotDissectFlags *flags)
{
  Job *job = data;

  for (guint s = 0; s < job->series->len; s++)
    {
      JobSeries *js = g_ptr_array_index (job->series, s);

      if (js->filter != NULL)
        iot_filter_add_fields (js->filter, wanted);
      if (js->field != NULL)
        iot_field_set_add (wanted, js->field);
    }
}

static void
count_packet (gpointer data, IotPacket *pkt)
{
  Job *job = data;
  guint64 rel_us = iot_io_stat_time_us (iot_packet_time_ns (pkt) - job->first_ns, &job->last_rel_us);

  for (guint s = 0; s < job->series->len; s++)
    count_frame (g_ptr_array_index (job->series, s), pkt, iot_packet_frame_number (pkt), rel_us / job->interval_us);
}

static const IotScanListener count_listener = {
  .add_wanted = count_add_wanted,
  .frame = count_packet,
};

/* ---- rows ------------------------------------------------------------------------------ */

static Row *
row_at (IotIoGraphWindow *self, guint index)
{
  g_return_val_if_fail (index < self->rows->len, NULL);
  return g_ptr_array_index (self->rows, index);
}

static Row *
row_by_uid (IotIoGraphWindow *self, guint uid)
{
  for (guint i = 0; i < self->rows->len; i++)
    if (((Row *) g_ptr_array_index (self->rows, i))->uid == uid)
      return g_ptr_array_index (self->rows, i);
  return NULL;
}

static void
row_free (gpointer data)
{
  Row *row = data;

  g_clear_handle_id (&row->recount_id, g_source_remove);
  g_clear_pointer (&row->buckets, g_array_unref);
  g_free (row);
}

static YKind
row_kind (Row *row)
{
  return (YKind) gtk_drop_down_get_selected (row->y_kind);
}

static const Bucket *
row_bucket (Row *row, guint interval)
{
  if (row->buckets == NULL || interval >= row->buckets->len)
    return NULL;
  return &g_array_index (row->buckets, Bucket, interval);
}

static const char *
row_filter_text (Row *row)
{
  const char *text = gtk_editable_get_text (row->filter);

  while (g_ascii_isspace (*text))
    text++;
  return text;
}

/* The entry's look as in the main filter bar: green when it compiles,
 * red with the compiler's message as tooltip when not. */
static void
set_entry_state (GtkEditable *entry, gboolean empty, gboolean ok, const char *tooltip)
{
  GtkWidget *widget = GTK_WIDGET (entry);

  gtk_widget_remove_css_class (widget, "filter-valid");
  gtk_widget_remove_css_class (widget, "filter-invalid");
  if (!empty)
    gtk_widget_add_css_class (widget, ok ? "filter-valid" : "filter-invalid");
  gtk_widget_set_tooltip_markup (widget, tooltip);
}

static void
validate_filter (Row *row)
{
  const char *text = row_filter_text (row);
  g_autoptr (IotFilterProblem) problem = NULL;
  g_autoptr (IotFilter) filter = NULL;

  if (*text == '\0')
    {
      row->filter_ok = TRUE;
      set_entry_state (row->filter, TRUE, TRUE,
                       _("Display filter choosing the frames of this series; empty counts every frame"));
      return;
    }
  filter = iot_filter_compile (text, &problem);
  row->filter_ok = filter != NULL;
  if (filter == NULL)
    {
      g_autofree char *formatted = iot_filter_problem_format (problem, text);
      g_autofree char *escaped = g_markup_escape_text (formatted, -1);
      g_autofree char *markup = g_strdup_printf ("<tt>%s</tt>", escaped);

      set_entry_state (row->filter, FALSE, FALSE, markup);
    }
  else
    set_entry_state (row->filter, FALSE, TRUE, _("The filter is valid: the series counts the frames it matches"));
}

static void
validate_field (Row *row)
{
  YKind kind = row_kind (row);
  const char *name = gtk_editable_get_text (row->field);
  g_autofree char *stripped = g_strstrip (g_strdup (name));
  g_autofree char *message = NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (row->field), kind_is_calc (kind));
  row->y_field = NULL;
  if (!kind_is_calc (kind))
    {
      row->field_ok = TRUE;
      set_entry_state (row->field, TRUE, TRUE, _("Only SUM, MIN, MAX, AVG and COUNT read a field"));
      return;
    }
  row->y_field = *stripped ? iot_registry_field (stripped) : NULL;
  if (*stripped == '\0')
    message = g_strdup_printf (_("%s needs a field, for example frame.len"), y_names[kind]);
  else if (row->y_field == NULL)
    message = g_strdup_printf (_("There is no field named \"%s\""), stripped);
  else if (!iot_io_calc_allows (kind_calc (kind), row->y_field))
    message = g_strdup_printf (_("%s has no numeric values, so %s cannot be computed on it (COUNT can)"),
                               stripped, y_names[kind]);
  row->field_ok = message == NULL;
  if (message != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (message, -1);

      row->y_field = NULL;
      set_entry_state (row->field, FALSE, FALSE, escaped);
    }
  else
    set_entry_state (row->field, FALSE, TRUE, _("The value of this field in each frame of the series"));
}

static gboolean
row_valid (Row *row)
{
  return row->filter_ok && row->field_ok;
}

static void
row_forget_counts (Row *row)
{
  g_clear_pointer (&row->buckets, g_array_unref);
  row->matched = 0;
  gtk_label_set_text (row->total, row_valid (row) ? "…" : "—");
}

static gboolean
recount_row_cb (gpointer data)
{
  Row *row = data;

  row->recount_id = 0;
  start_count (row->self);
  return G_SOURCE_REMOVE;
}

static void
filter_changed_cb (GtkEditable *editable, Row *row)
{
  validate_filter (row);
  row_forget_counts (row);
  update_graph (row->self);
  /* Counted once typing pauses, not at every key. */
  g_clear_handle_id (&row->recount_id, g_source_remove);
  if (row_valid (row))
    row->recount_id = g_timeout_add (RECOUNT_DELAY, recount_row_cb, row);
}

static void
entry_activate_cb (GtkEntry *entry, Row *row)
{
  g_clear_handle_id (&row->recount_id, g_source_remove);
  if (row_valid (row))
    start_count (row->self);
}

static void
field_changed_cb (GtkEditable *editable, Row *row)
{
  /* The field typed for SUM, MIN … is checked as it is typed, as the
   * filter is; then counted once typing pauses. */
  validate_field (row);
  filter_changed_cb (editable, row);
}

static void
y_kind_changed_cb (GtkDropDown *dropdown, GParamSpec *pspec, Row *row)
{
  validate_field (row);
  row_forget_counts (row);
  update_graph (row->self);
  if (row_valid (row))
    start_count (row->self);
}

static void
row_look_changed_cb (GObject *object, GParamSpec *pspec, Row *row)
{
  update_graph (row->self);
}

static void
name_changed_cb (GtkEditable *editable, Row *row)
{
  update_graph (row->self);
}

static void
remove_row (IotIoGraphWindow *self, guint series)
{
  Row *row;

  g_return_if_fail (series < self->rows->len);
  row = row_at (self, series);
  for (guint c = 0; c < G_N_ELEMENTS (row->widgets); c++)
    g_signal_handlers_disconnect_by_data (row->widgets[c], row);
  gtk_grid_remove_row (self->series_grid, (int) series + 1);
  g_ptr_array_remove_index (self->rows, series);
  update_graph (self);
}

static void
remove_clicked_cb (GtkButton *button, Row *row)
{
  guint index;

  if (g_ptr_array_find (row->self->rows, row, &index))
    remove_row (row->self, index);
}

static GtkWidget *
header_label (const char *text, const char *tooltip, float xalign)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  gtk_widget_set_tooltip_text (label, tooltip);
  gtk_widget_add_css_class (label, "heading");
  return label;
}

static void
add_header (IotIoGraphWindow *self)
{
  static const struct {
    const char *text;
    const char *tooltip;
    float       xalign;
  } columns[] = {
    { "", N_("Tick to draw the series"), 0 },
    { N_("Name"), N_("The series' name in the legend and the readout"), 0 },
    { N_("Display filter"), N_("Which frames the series counts, in display filter syntax (empty: all frames)"), 0 },
    { N_("Color"), N_("The series' colour in the graph"), 0.5 },
    { N_("Style"), N_("Line, bars (side by side when several series use bars) or dots"), 0 },
    { N_("Y value"), N_("What is drawn per interval: frames, bytes, bits, or a calculation over a field's values: "
                 "SUM, MIN, MAX, AVG (of the values), COUNT (how often the field occurs)"), 0 },
    { N_("Y field"), N_("The field SUM, MIN, MAX, AVG and COUNT read, e.g. frame.len or mqtt.len"), 0 },
    { N_("Frames"), N_("Frames of the whole capture that pass the series' filter"), 1 },
  };

  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    gtk_grid_attach (self->series_grid,
                     header_label (columns[c].text[0] != '\0' ? _(columns[c].text) : "", _(columns[c].tooltip),
                                   columns[c].xalign),
                     (int) c, 0, 1, 1);
}

static GtkWidget *
string_dropdown (const char *const *items, guint n)
{
  g_autoptr (GtkStringList) model = gtk_string_list_new (NULL);

  for (guint i = 0; i < n; i++)
    gtk_string_list_append (model, items[i]);
  return gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&model)), NULL);
}

/* The widgets of one row, placed in the grid's line @line. */
static void
add_row_widgets (IotIoGraphWindow *self, Row *row, int line)
{
  static const char *const styles[] = { "Line", "Bars", "Dots" };

  row->widgets[0] = gtk_check_button_new ();
  row->widgets[1] = gtk_entry_new ();
  row->widgets[2] = gtk_entry_new ();
  row->widgets[3] = gtk_color_button_new ();
  row->widgets[4] = string_dropdown (styles, G_N_ELEMENTS (styles));
  row->widgets[5] = string_dropdown (y_names, N_Y_KINDS);
  row->widgets[6] = gtk_entry_new ();
  row->widgets[7] = gtk_label_new ("…");
  row->widgets[8] = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->widgets[8]), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Remove this series"), -1);

  row->enabled = GTK_CHECK_BUTTON (row->widgets[0]);
  row->name = GTK_EDITABLE (row->widgets[1]);
  row->filter = GTK_EDITABLE (row->widgets[2]);
  row->color = GTK_COLOR_BUTTON (row->widgets[3]);
  row->style = GTK_DROP_DOWN (row->widgets[4]);
  row->y_kind = GTK_DROP_DOWN (row->widgets[5]);
  row->field = GTK_EDITABLE (row->widgets[6]);
  row->total = GTK_LABEL (row->widgets[7]);
  row->remove = GTK_BUTTON (row->widgets[8]);

  gtk_widget_set_tooltip_text (row->widgets[0], _("Draw this series"));
  gtk_editable_set_width_chars (row->name, 14);
  gtk_widget_set_hexpand (row->widgets[2], TRUE);
  gtk_widget_add_css_class (row->widgets[2], "filter-entry");
  gtk_entry_set_placeholder_text (GTK_ENTRY (row->widgets[2]), _("all frames"));
  gtk_widget_add_css_class (row->widgets[6], "filter-entry");
  gtk_editable_set_width_chars (row->field, 14);
  gtk_entry_set_placeholder_text (GTK_ENTRY (row->widgets[6]), _("e.g. frame.len"));
  gtk_color_button_set_title (row->color, _("Series Color"));
  gtk_widget_set_valign (row->widgets[3], GTK_ALIGN_CENTER);
  gtk_label_set_xalign (row->total, 1);
  gtk_label_set_width_chars (row->total, 8);
  gtk_widget_add_css_class (row->widgets[7], "numeric");
  gtk_widget_set_tooltip_text (row->widgets[8], _("Remove this series"));
  gtk_widget_add_css_class (row->widgets[8], "flat");

  for (guint c = 0; c < G_N_ELEMENTS (row->widgets); c++)
    gtk_grid_attach (self->series_grid, row->widgets[c], (int) c, line, 1, 1);
}

static void
connect_row (Row *row)
{
  g_signal_connect (row->enabled, "notify::active", G_CALLBACK (row_look_changed_cb), row);
  g_signal_connect (row->name, "changed", G_CALLBACK (name_changed_cb), row);
  g_signal_connect (row->filter, "changed", G_CALLBACK (filter_changed_cb), row);
  g_signal_connect (row->filter, "activate", G_CALLBACK (entry_activate_cb), row);
  g_signal_connect (row->color, "notify::rgba", G_CALLBACK (row_look_changed_cb), row);
  g_signal_connect (row->style, "notify::selected", G_CALLBACK (row_look_changed_cb), row);
  g_signal_connect (row->y_kind, "notify::selected", G_CALLBACK (y_kind_changed_cb), row);
  g_signal_connect (row->field, "changed", G_CALLBACK (field_changed_cb), row);
  g_signal_connect (row->field, "activate", G_CALLBACK (entry_activate_cb), row);
  g_signal_connect (row->remove, "clicked", G_CALLBACK (remove_clicked_cb), row);
}

static Row *
add_row (IotIoGraphWindow *self, const char *name, const char *filter, YKind kind, const char *field,
         IotIoGraphStyle style, const char *color)
{
  Row *row = g_new0 (Row, 1);
  GdkRGBA rgba;

  row->self = self;
  row->uid = ++self->next_uid;
  add_row_widgets (self, row, (int) self->rows->len + 1);
  g_ptr_array_add (self->rows, row);
  gtk_check_button_set_active (row->enabled, TRUE);
  gtk_editable_set_text (row->name, name);
  gtk_editable_set_text (row->filter, filter ? filter : "");
  gtk_editable_set_text (row->field, field ? field : "");
  gdk_rgba_parse (&rgba, color);
  gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (row->color), &rgba);
  gtk_drop_down_set_selected (row->style, style);
  gtk_drop_down_set_selected (row->y_kind, kind);
  validate_filter (row);
  validate_field (row);
  connect_row (row);
  return row;
}

static void
add_default_rows (IotIoGraphWindow *self)
{
  Row *row;

  add_row (self, _("All frames"), NULL, Y_FRAMES, NULL, IOT_IO_GRAPH_LINE, palette[0]);
  add_row (self, _("TCP errors"), "tcp.analysis.flags", Y_FRAMES, NULL, IOT_IO_GRAPH_BARS, palette[1]);
  row = add_row (self, "MQTT", "mqtt", Y_FRAMES, NULL, IOT_IO_GRAPH_LINE, palette[2]);
  row->off_when_empty = TRUE;
  row = add_row (self, "CoAP", "coap", Y_FRAMES, NULL, IOT_IO_GRAPH_LINE, palette[3]);
  row->off_when_empty = TRUE;
}

/* ---- showing ---------------------------------------------------------------------------- */

static const char *
kind_unit (YKind kind)
{
  static const char *const units[] = { "frames", "bytes", "bits" };

  return kind <= Y_BITS ? units[kind] : NULL;
}

static char *
row_unit (Row *row, gboolean per_second)
{
  YKind kind = row_kind (row);

  if (kind_is_calc (kind))
    return g_strdup_printf ("%s(%s)%s", y_names[kind], row->y_field ? row->y_field->abbrev : "",
                            per_second && kind_is_additive (kind) ? " per second" : "");
  return g_strdup_printf ("%s%s", kind_unit (kind), per_second ? "/s" : "");
}

/* "Frames per 10 ms", "Bytes/s", "AVG(frame.len)": the value axis. */
static char *
value_axis_label (IotIoGraphWindow *self)
{
  g_autofree char *what = NULL;
  gboolean mixed = FALSE, additive = TRUE;

  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = row_at (self, i);
      g_autofree char *name = NULL;

      if (!gtk_check_button_get_active (row->enabled) || !row_valid (row))
        continue;
      name = kind_is_calc (row_kind (row)) ? row_unit (row, FALSE) : g_strdup (y_names[row_kind (row)]);
      additive = additive && kind_is_additive (row_kind (row));
      if (what == NULL)
        what = g_steal_pointer (&name);
      else if (strcmp (what, name) != 0)
        mixed = TRUE;
    }
  if (what == NULL)
    return g_strdup ("");
  if (mixed)
    {
      g_free (what);
      what = g_strdup (_("Values"));
    }
  if (!additive)
    return g_steal_pointer (&what);
  if (self->per_second)
    return g_strdup_printf (_("%s per second"), what);
  return g_strdup_printf (_("%s per %s"), what, interval_names[self->interval_index]);
}

static IotIoGraphSeries *
row_series (IotIoGraphWindow *self, Row *row, guint id)
{
  g_autofree char *unit = row_unit (row, self->per_second);
  YKind kind = row_kind (row);
  double scale = self->per_second && kind_is_additive (kind) ? US_PER_SEC / (double) self->interval_us : 1;
  GdkRGBA color;
  IotIoGraphSeries *series;

  gtk_color_chooser_get_rgba (GTK_COLOR_CHOOSER (row->color), &color);
  series = iot_io_graph_series_new (id, gtk_editable_get_text (row->name), unit, &color,
                                    gtk_drop_down_get_selected (row->style));
  series->is_calc = kind_is_calc (kind);
  /* A minimum, maximum or average of nothing is no value. */
  series->gaps = kind == Y_MIN || kind == Y_MAX || kind == Y_AVG;
  g_array_set_size (series->values, self->n_intervals);
  g_array_set_size (series->frames, self->n_intervals);
  for (guint i = 0; i < self->n_intervals; i++)
    {
      const Bucket *b = row_bucket (row, i);

      if (b == NULL)
        continue;
      g_array_index (series->values, double, i) = bucket_value (kind, row->y_field, b) * scale;
      g_array_index (series->frames, guint32, i) = b->first;
    }
  return series;
}

static void
update_graph (IotIoGraphWindow *self)
{
  GPtrArray *series = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_io_graph_series_free);
  g_autofree char *label = value_axis_label (self);
  gboolean any_enabled = FALSE;

  if (self->graph == NULL)
    {
      g_ptr_array_unref (series);
      return;     /* being destroyed */
    }
  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = row_at (self, i);

      if (!gtk_check_button_get_active (row->enabled))
        continue;
      any_enabled = TRUE;
      if (row->buckets != NULL)
        g_ptr_array_add (series, row_series (self, row, i));
    }
  if (self->n_frames == 0)
    iot_io_graph_set_empty_text (self->graph, _("The capture has no frames"));
  else if (!any_enabled)
    iot_io_graph_set_empty_text (self->graph, _("No series is ticked in the table below"));
  else if (!self->counted_once)
    iot_io_graph_set_empty_text (self->graph, _("Counting…"));
  else
    iot_io_graph_set_empty_text (self->graph, _("No ticked series has a valid filter"));
  iot_io_graph_set_data (self->graph, series, self->n_intervals, self->interval_us / (double) US_PER_SEC, label);
}

static void
show_summary (IotIoGraphWindow *self)
{
  g_autofree char *text = NULL;

  if (self->hover_text != NULL)
    {
      gtk_label_set_text (self->status_label, self->hover_text);
      return;
    }
  if (iot_analysis_window_is_working (IOT_ANALYSIS_WINDOW (self)))
    text = g_strdup_printf (_("Counting the frames… %.0f %%"),
                            100 * iot_analysis_window_get_fraction (IOT_ANALYSIS_WINDOW (self)));
  else
    text = g_strdup_printf (_("%u frames · %u intervals of %s"), self->n_frames, self->n_intervals,
                            interval_names[self->interval_index]);
  gtk_label_set_text (self->status_label, text);
}

static void
hover_changed_cb (IotIoGraph *graph, const char *readout, IotIoGraphWindow *self)
{
  g_free (self->hover_text);
  self->hover_text = g_strdup (readout);
  show_summary (self);
}

static void
point_activated_cb (IotIoGraph *graph, guint id, guint interval, IotIoGraphWindow *self)
{
  guint32 frame;

  if (id >= self->rows->len)
    return;
  if (!iot_analysis_window_shows_capture (IOT_ANALYSIS_WINDOW (self)))
    {
      /* The frame numbers are this capture's, not the one shown now. */
      gtk_label_set_text (self->status_label, _("The main window shows another capture now"));
      return;
    }
  frame = row_bucket (row_at (self, id), interval) != NULL ? row_bucket (row_at (self, id), interval)->first : 0;
  if (frame != 0)
    iot_analysis_window_emit_frame_activated (IOT_ANALYSIS_WINDOW (self), frame);
}

/* ---- recounting --------------------------------------------------------------------------- */

static void
io_graph_progress (IotAnalysisWindow *window, double fraction)
{
  show_summary (IOT_IO_GRAPH_WINDOW (window));
}

static void
count_done (IotAnalysisWindow *window, gpointer data, const GError *error)
{
  IotIoGraphWindow *self = IOT_IO_GRAPH_WINDOW (window);
  Job *job = data;
  guint n_intervals;

  if (error != NULL)
    return;
  gtk_spinner_stop (self->spinner);

  /* Every interval up to the last time stamp, as `-z io,stat` lists them. */
  n_intervals = (guint) ((guint64) ((self->duration_ns + 500) / 1000) / job->interval_us) + 1;
  for (guint s = 0; s < job->series->len; s++)
    {
      JobSeries *js = g_ptr_array_index (job->series, s);
      Row *row = row_by_uid (self, js->uid);

      n_intervals = MAX (n_intervals, js->buckets->len);
      if (row == NULL)
        continue;     /* removed meanwhile */
      g_clear_pointer (&row->buckets, g_array_unref);
      row->buckets = g_steal_pointer (&js->buckets);
      row->matched = js->matched;
    }
  self->n_intervals = self->n_frames > 0 ? n_intervals : 0;
  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = row_at (self, i);
      g_autofree char *total = g_strdup_printf ("%" G_GUINT64_FORMAT, row->matched);

      gtk_label_set_text (row->total, row->buckets ? total : "—");
      /* A protocol the capture does not carry need not be drawn. */
      if (!self->counted_once && row->off_when_empty && row->buckets != NULL && row->matched == 0)
        gtk_check_button_set_active (row->enabled, FALSE);
    }
  self->counted_once = TRUE;
  update_graph (self);
  show_summary (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), TRUE);
  iot_analysis_window_emit_ready (window);
}

/* Counts every valid series over the whole capture, in a worker; a count
 * still running is cancelled. */
static void
start_count (IotIoGraphWindow *self)
{
  IotAnalysisWindow *window = IOT_ANALYSIS_WINDOW (self);
  IotFile *file = iot_capture_file (iot_analysis_window_get_capture (window));
  IotScan *scan;
  Job *job;

  job = g_new0 (Job, 1);
  job->interval_us = self->interval_us;
  job->first_ns = self->n_frames > 0 ? iot_file_frame (file, 1)->ts_ns : 0;
  job->series = g_ptr_array_new_with_free_func (job_series_free);
  for (guint i = 0; i < self->rows->len; i++)
    {
      Row *row = row_at (self, i);
      JobSeries *js;
      Bucket first = { 0 };

      if (!row_valid (row))
        {
          row_forget_counts (row);
          continue;
        }
      js = g_new0 (JobSeries, 1);
      js->uid = row->uid;
      js->kind = row_kind (row);
      js->field = row->y_field;
      /* A compiled filter keeps scratch space: the worker gets its own. */
      js->filter = *row_filter_text (row) ? iot_filter_compile (row_filter_text (row), NULL) : NULL;
      js->buckets = g_array_new (FALSE, TRUE, sizeof (Bucket));
      g_array_append_val (js->buckets, first);
      g_ptr_array_add (job->series, js);
    }
  gtk_spinner_start (self->spinner);
  scan = iot_analysis_window_new_scan (window);
  iot_scan_add_listener (scan, &count_listener, job, NULL);
  /* Shows "Counting" once the run is under way. */
  iot_analysis_window_run_scan (window, scan, job, job_free, count_done);
}

/* ---- toolbar ------------------------------------------------------------------------------ */

static guint
default_interval_index (gint64 duration_ns)
{
  guint64 duration_us = (guint64) MAX (duration_ns, 0) / 1000;

  for (guint i = 0; i < G_N_ELEMENTS (intervals_us); i++)
    if (duration_us / intervals_us[i] + 1 <= TARGET_INTERVALS)
      return i;
  return G_N_ELEMENTS (intervals_us) - 1;
}

static void
interval_selected_cb (GtkDropDown *dropdown, GParamSpec *pspec, IotIoGraphWindow *self)
{
  guint index = gtk_drop_down_get_selected (dropdown);
  guint64 duration_us = (guint64) MAX (self->duration_ns, 0) / 1000;

  if (index >= G_N_ELEMENTS (intervals_us) || index == self->interval_index)
    return;
  if (duration_us / intervals_us[index] + 1 > MAX_INTERVALS)
    {
      g_autofree char *text = g_strdup_printf (_("%s would make %llu intervals: choose a longer one"),
                                               interval_names[index],
                                               (unsigned long long) (duration_us / intervals_us[index] + 1));

      gtk_drop_down_set_selected (dropdown, self->interval_index);
      gtk_label_set_text (self->status_label, text);
      return;
    }
  self->interval_index = index;
  self->interval_us = intervals_us[index];
  start_count (self);
}

static void
per_second_toggled_cb (GtkCheckButton *check, GParamSpec *pspec, IotIoGraphWindow *self)
{
  self->per_second = gtk_check_button_get_active (check);
  update_graph (self);
}

static void
log_toggled_cb (GtkCheckButton *check, GParamSpec *pspec, IotIoGraphWindow *self)
{
  iot_io_graph_set_log_scale (self->graph, gtk_check_button_get_active (check));
}

static void
zoomed_cb (IotIoGraph *graph, GParamSpec *pspec, IotIoGraphWindow *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->reset_zoom_button), iot_io_graph_is_zoomed (graph));
}

static void
reset_zoom_clicked_cb (GtkButton *button, IotIoGraphWindow *self)
{
  iot_io_graph_reset_zoom (self->graph);
}

static void
add_clicked_cb (GtkButton *button, IotIoGraphWindow *self)
{
  guint n = self->rows->len;
  g_autofree char *name = g_strdup_printf (_("Series %u"), n + 1);
  Row *row = add_row (self, name, NULL, Y_FRAMES, NULL, IOT_IO_GRAPH_LINE, palette[n % G_N_ELEMENTS (palette)]);

  gtk_widget_grab_focus (GTK_WIDGET (row->filter));
  start_count (self);
}

/* ---- export --------------------------------------------------------------------------------- */

static void
export_response_cb (GtkNativeDialog *dialog, int response, IotIoGraphWindow *self)
{
  g_autoptr (GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      path = file ? g_file_get_path (file) : NULL;
      if (path != NULL && !iot_io_graph_window_export (self, path, &error))
        {
          g_autofree char *text = g_strdup_printf (_("Could not save the graph: %s"), error->message);

          gtk_label_set_text (self->status_label, text);
        }
      else if (path != NULL)
        {
          g_autofree char *base = g_path_get_basename (path);
          g_autofree char *text = g_strdup_printf (_("Saved the graph as %s"), base);

          gtk_label_set_text (self->status_label, text);
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
export_clicked_cb (GtkButton *button, IotIoGraphWindow *self)
{
  GtkFileChooserNative *dialog;
  GtkFileFilter *filter;

  dialog = gtk_file_chooser_native_new (_("Save the I/O Graph"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), "io-graph.png");
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("PNG image or SVG drawing"));
  gtk_file_filter_add_suffix (filter, "png");
  gtk_file_filter_add_suffix (filter, "svg");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);
  g_signal_connect (dialog, "response", G_CALLBACK (export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

gboolean
iot_io_graph_window_export (IotIoGraphWindow *self, const char *path, GError **error)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self->graph));
  int height = gtk_widget_get_height (GTK_WIDGET (self->graph));
  g_autofree char *lower = g_ascii_strdown (path, -1);
  cairo_surface_t *surface;
  cairo_status_t status;
  gboolean svg;
  cairo_t *cr;

  g_return_val_if_fail (IOT_IS_IO_GRAPH_WINDOW (self), FALSE);
  if (g_str_has_suffix (lower, ".svg"))
    svg = TRUE;
  else if (g_str_has_suffix (lower, ".png"))
    svg = FALSE;
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                   _("Unknown file type: the name must end in .png or .svg"));
      return FALSE;
    }
  /* Not shown yet: the size the window would give it. */
  if (width <= 0 || height <= 0)
    {
      width = 960;
      height = 420;
    }
  surface = svg ? cairo_svg_surface_create (path, width, height)
                : cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  iot_io_graph_draw (self->graph, cr, width, height, FALSE);
  cairo_destroy (cr);
  if (svg)
    cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  if (status == CAIRO_STATUS_SUCCESS && !svg)
    status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

/* ---- public ------------------------------------------------------------------------------------ */

IotIoGraphWindow *
iot_io_graph_window_new (IotSession *session)
{
  IotIoGraphWindow *self;
  IotFile *file;
  const char *path;

  g_return_val_if_fail (IOT_IS_SESSION (session), NULL);
  g_return_val_if_fail (iot_session_get_capture (session) != NULL, NULL);

  self = g_object_new (IOT_TYPE_IO_GRAPH_WINDOW, "session", session, NULL);
  file = iot_capture_file (iot_analysis_window_get_capture (IOT_ANALYSIS_WINDOW (self)));
  self->n_frames = iot_capture_n_passed (iot_analysis_window_get_capture (IOT_ANALYSIS_WINDOW (self)));
  /* The capture lasts until its latest time stamp, even out of order. */
  for (guint32 n = 1; n <= self->n_frames; n++)
    self->duration_ns = MAX (self->duration_ns, iot_file_frame (file, n)->ts_ns - iot_file_frame (file, 1)->ts_ns);
  path = iot_session_get_path (session);
  if (path != NULL)
    {
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *title = g_strdup_printf (_("I/O Graph — %s"), base);

      gtk_window_set_title (GTK_WINDOW (self), title);
    }

  self->interval_index = default_interval_index (self->duration_ns);
  self->interval_us = intervals_us[self->interval_index];
  gtk_drop_down_set_selected (self->interval_dropdown, self->interval_index);
  g_signal_connect (self->interval_dropdown, "notify::selected", G_CALLBACK (interval_selected_cb), self);
  add_default_rows (self);
  update_graph (self);
  start_count (self);
  return self;
}

/* ---- GObject ------------------------------------------------------------------------------------ */

static void
iot_io_graph_window_dispose (GObject *object)
{
  IotIoGraphWindow *self = IOT_IO_GRAPH_WINDOW (object);

  iot_analysis_window_cancel (IOT_ANALYSIS_WINDOW (self));
  if (self->rows != NULL)
    for (guint i = 0; i < self->rows->len; i++)
      g_clear_handle_id (&row_at (self, i)->recount_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), IOT_TYPE_IO_GRAPH_WINDOW);
  G_OBJECT_CLASS (iot_io_graph_window_parent_class)->dispose (object);
}

static void
iot_io_graph_window_finalize (GObject *object)
{
  IotIoGraphWindow *self = IOT_IO_GRAPH_WINDOW (object);

  g_ptr_array_unref (self->rows);
  g_free (self->hover_text);
  G_OBJECT_CLASS (iot_io_graph_window_parent_class)->finalize (object);
}

static void
iot_io_graph_window_class_init (IotIoGraphWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = iot_io_graph_window_dispose;
  object_class->finalize = iot_io_graph_window_finalize;

  IOT_ANALYSIS_WINDOW_CLASS (klass)->progress = io_graph_progress;

  g_type_ensure (IOT_TYPE_IO_GRAPH);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-io-graph-window.ui");
  gtk_widget_class_bind_template_child (widget_class, IotIoGraphWindow, interval_dropdown);
  gtk_widget_class_bind_template_child (widget_class, IotIoGraphWindow, per_second_check);
  gtk_widget_class_bind_template_child (widget_class, IotIoGraphWindow, log_check);
  gtk_widget_class_bind_template_child (widget_class, IotIoGraphWindow, reset_zoom_button);
  gtk_widget_class_bind_template_child (widget_class, IotIoGraphWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, IotIoGraphWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, IotIoGraphWindow, graph);
  gtk_widget_class_bind_template_child (widget_class, IotIoGraphWindow, series_grid);
  gtk_widget_class_bind_template_child (widget_class, IotIoGraphWindow, add_button);
  gtk_widget_class_bind_template_child (widget_class, IotIoGraphWindow, export_button);
}

static void
iot_io_graph_window_init (IotIoGraphWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rows = g_ptr_array_new_with_free_func (row_free);
  add_header (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), FALSE);
  g_signal_connect (self->per_second_check, "notify::active", G_CALLBACK (per_second_toggled_cb), self);
  g_signal_connect (self->log_check, "notify::active", G_CALLBACK (log_toggled_cb), self);
  g_signal_connect (self->reset_zoom_button, "clicked", G_CALLBACK (reset_zoom_clicked_cb), self);
  g_signal_connect (self->add_button, "clicked", G_CALLBACK (add_clicked_cb), self);
  g_signal_connect (self->export_button, "clicked", G_CALLBACK (export_clicked_cb), self);
  g_signal_connect (self->graph, "hover-changed", G_CALLBACK (hover_changed_cb), self);
  g_signal_connect (self->graph, "point-activated", G_CALLBACK (point_activated_cb), self);
  g_signal_connect (self->graph, "notify::zoomed", G_CALLBACK (zoomed_cb), self);
}
