/* iot-app-script.c — scripted runs of the window: the command line's
 * --filter, --sort, --select, --time-ref, --follow and --window applied
 * one after the other once the capture is loaded, --capture and
 * --capture-dialog, then a screenshot (--screenshot) or the figures of
 * --measure: load time, first rows, sort times, and the main loop's
 * worst gap, measured by a 10 ms probe. */
#include "iot-app-script.h"

#include <stdlib.h>
#include <string.h>

#include "iot-app-probe.h"
#include "iot-application-private.h"
#include "iot-exercise-pane.h"

struct _IotAppScript {
  GObject        parent_instance;

  GApplication  *app;            /* not a reference: it owns us */

  /* Command line. */
  char          *screenshot;
  char          *exercise;       /* --exercise PACK */
  char          *filter;
  char          *sort;
  char         **sorts;          /* --sort, split at commas */
  guint          sort_index;
  GString       *sort_times;
  char          *follow;
  char          *analysis;       /* --window NAME */
  gint           select;
  gint           time_ref;
  gboolean       measure;
  gboolean       capture_dialog;
  char          *capture;        /* --capture IFACE[,IFACE…] */
  char          *capture_filter;
  double         capture_seconds;

  /* The run: the window driven, and the one rendered instead. */
  IotWindow     *scripted;
  GtkWidget     *dialog_shown;
  IotFollowWindow *follow_window;
  GtkWindow     *analysis_window;
  gboolean       script_done;

  IotAppProbe   *probe;          /* --measure */
};

G_DEFINE_FINAL_TYPE (IotAppScript, iot_app_script, G_TYPE_OBJECT)

static void
report_measure (IotAppScript *self)
{
  IotSession *session = iot_window_get_session (self->scripted);

  g_print ("iotscope: measure: file %s\n", iot_session_get_path (session));
  g_print ("iotscope: measure: frames %u, displayed %u\n",
           iot_session_get_n_total (session), iot_session_get_n_displayed (session));
  g_print ("iotscope: measure: first rows visible after %.1f ms\n", iot_app_probe_first_rows_ms (self->probe));
  g_print ("iotscope: measure: loaded (indexed + first pass) after %.3f s\n",
           iot_session_get_load_seconds (session));
  if (self->sort_times != NULL)
    g_print ("%s", self->sort_times->str);
  {
    IotLiveStats stats;

    iot_window_get_capture_stats (self->scripted, &stats);
    if (self->capture != NULL)
      g_print ("iotscope: measure: dropped %" G_GUINT64_FORMAT " (kernel %" G_GUINT64_FORMAT ", interface %"
               G_GUINT64_FORMAT "), captured %" G_GUINT64_FORMAT "\n", stats.dropped + stats.if_dropped,
               stats.dropped, stats.if_dropped, stats.captured);
  }
  iot_app_probe_print_gaps (self->probe);
}

/* ---- scripted runs ------------------------------------------------------------ */

static GtkWidget *
script_shown_widget (IotAppScript *self)
{
  /* --follow, --window and --capture-dialog render their window instead
   * of the main one. */
  return self->dialog_shown != NULL ? self->dialog_shown
         : self->follow_window != NULL ? GTK_WIDGET (self->follow_window)
         : self->analysis_window != NULL ? GTK_WIDGET (self->analysis_window)
         : GTK_WIDGET (self->scripted);
}

/* Right after a paint, the window's layout is up to date: a widget that
 * has just changed size (a label with a new text) would else render as
 * nothing. */
static void
screenshot_after_paint_cb (GdkFrameClock *clock, IotAppScript *self)
{
  g_autoptr (GError) error = NULL;

  if (clock != NULL)
    g_signal_handlers_disconnect_by_func (clock, screenshot_after_paint_cb, self);
  if (!iot_app_script_save_screenshot (script_shown_widget (self), self->screenshot, &error))
    {
      g_printerr ("iotscope: screenshot: %s\n", error->message);
      g_application_quit (self->app);
      exit (1);
    }
  g_application_quit (self->app);
}

static void
script_finish (IotAppScript *self)
{
  if (self->script_done)
    return;
  self->script_done = TRUE;
  if (self->measure)
    report_measure (self);
  if (self->screenshot != NULL)
    {
      GtkWidget *shown = script_shown_widget (self);
      GdkFrameClock *clock = gtk_widget_get_frame_clock (shown);

      if (clock != NULL)
        {
          g_signal_connect (clock, "after-paint", G_CALLBACK (screenshot_after_paint_cb), self);
          gtk_widget_queue_draw (shown);
          return;
        }
      screenshot_after_paint_cb (NULL, self);
      return;
    }
  if (self->measure)
    g_application_quit (self->app);
}

static gboolean
script_snapshot_cb (gpointer data)
{
  script_finish (data);
  return G_SOURCE_REMOVE;
}

/* Opens the last protocol of the selected frame and selects its first
 * field, so that a screenshot shows all three panes at work. */
static void
script_show_tree (IotAppScript *self)
{
  IotProtoTree *tree = iot_window_get_proto_tree (self->scripted);
  GtkSingleSelection *selection = iot_proto_tree_get_selection (tree);
  GtkTreeListModel *model = GTK_TREE_LIST_MODEL (gtk_single_selection_get_model (selection));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_autoptr (GtkTreeListRow) last = n > 0 ? gtk_tree_list_model_get_row (model, n - 1) : NULL;

  if (last == NULL || !gtk_tree_list_row_is_expandable (last))
    return;
  gtk_tree_list_row_set_expanded (last, TRUE);
  gtk_single_selection_set_selected (selection, n);
}

static void
script_follow_ready_cb (IotFollowWindow *follow, IotAppScript *self)
{
  /* Let layout and painting catch up before rendering. */
  g_timeout_add (self->screenshot != NULL ? 600 : 50, script_snapshot_cb, self);
}

/* --follow KIND[:MODE] */
static void
script_follow (IotAppScript *self)
{
  IotFollowKind kind = IOT_FOLLOW_KIND_TCP;
  g_auto (GStrv) parts = g_strsplit (self->follow, ":", 2);
  IotFollowMode mode = IOT_FOLLOW_ASCII;

  if (g_strcmp0 (parts[0], "udp") == 0)
    kind = IOT_FOLLOW_KIND_UDP;
  else if (g_strcmp0 (parts[0], "mqtt") == 0)
    kind = IOT_FOLLOW_KIND_MQTT;
  if (parts[1] != NULL)
    iot_follow_mode_parse (parts[1], &mode);
  self->follow_window = iot_window_follow (self->scripted, kind);
  if (self->follow_window != NULL)
    iot_follow_window_set_mode (self->follow_window, mode);
  if (self->follow_window == NULL)
    {
      g_printerr ("iotscope: --follow %s: the selected frame has no such stream\n", self->follow);
      g_timeout_add (600, script_snapshot_cb, self);   /* the window must be mapped */
      return;
    }
  g_object_add_weak_pointer (G_OBJECT (self->follow_window), (gpointer *) &self->follow_window);
  g_signal_connect (self->follow_window, "ready", G_CALLBACK (script_follow_ready_cb), self);
}

static void
script_analysis_ready_cb (GtkWindow *analysis, IotAppScript *self)
{
  /* Let layout and painting catch up before rendering. */
  g_timeout_add (self->screenshot != NULL ? 600 : 50, script_snapshot_cb, self);
}

/* --window preferences[:PAGE], colour-rules, decode-as, file-properties:
 * the application's dialogs.  File Properties counts first: its shot
 * waits for "ready". */
static void
script_dialog (IotAppScript *self)
{
  GtkWindow *dialog = iot_application_show_dialog (IOT_APPLICATION (self->app), self->analysis);

  gboolean counts = g_str_equal (self->analysis, "file-properties");

  self->dialog_shown = dialog != NULL ? GTK_WIDGET (dialog) : NULL;
  if (counts && dialog != NULL)
    g_signal_connect (dialog, "ready", G_CALLBACK (script_analysis_ready_cb), self);
  else
    g_timeout_add (self->screenshot != NULL || counts ? 600 : 50, script_snapshot_cb, self);
}

/* --window NAME */
static void
script_analysis (IotAppScript *self)
{
  g_autoptr (GError) error = NULL;

  if (iot_application_is_dialog_name (self->analysis))
    {
      script_dialog (self);
      return;
    }
  self->analysis_window = iot_window_show_analysis (self->scripted, self->analysis, &error);
  if (self->analysis_window == NULL)
    {
      g_printerr ("iotscope: --window: %s\n", error->message);
      g_timeout_add (600, script_snapshot_cb, self);
      return;
    }
  g_object_add_weak_pointer (G_OBJECT (self->analysis_window), (gpointer *) &self->analysis_window);
  g_signal_connect (self->analysis_window, "ready", G_CALLBACK (script_analysis_ready_cb), self);
}

static void
script_select (IotAppScript *self)
{
  IotSession *session = iot_window_get_session (self->scripted);

  if (self->select > 0)
    {
      IotFrameList *frames = iot_session_get_frames (session);
      guint position;

      if (iot_frame_list_find (frames, self->select, &position))
        iot_packet_list_select_position (iot_window_get_packet_list (self->scripted), position);
      else
        iot_session_select_frame (session, self->select);
      script_show_tree (self);
    }
  if (self->time_ref > 0)
    iot_session_set_time_ref (session, (guint32) self->time_ref);
  if (self->follow != NULL)
    {
      script_follow (self);
      return;
    }
  if (self->analysis != NULL)
    {
      script_analysis (self);
      return;
    }
  /* Let layout and painting catch up before rendering. */
  g_timeout_add (self->screenshot != NULL ? 600 : 50, script_snapshot_cb, self);
}

static void script_sort (IotAppScript *self);

/* With --measure: the end of a phase of the run. */
static void
measure_phase_end (IotAppScript *self, const char *phase)
{
  if (self->measure)
    iot_app_probe_end_phase (self->probe, phase);
}

static void
script_sort_finished_cb (IotSession *session, IotAppScript *self)
{
  g_autofree char *phase = g_strdup_printf ("sorting by %s", self->sorts[self->sort_index]);

  g_signal_handlers_disconnect_by_func (session, script_sort_finished_cb, self);
  measure_phase_end (self, phase);
  if (self->sort_times == NULL)
    self->sort_times = g_string_new (NULL);
  g_string_append_printf (self->sort_times, "iotscope: measure: sorted by %s in %.3f s\n",
                          self->sorts[self->sort_index], iot_session_get_sort_seconds (session));
  self->sort_index++;
  script_sort (self);
}

/* --sort COLUMN[:desc][,COLUMN[:desc]…]: one sort after the other. */
static void
script_sort (IotAppScript *self)
{
  IotSession *session = iot_window_get_session (self->scripted);
  g_auto (GStrv) parts = NULL;
  int column;

  if (self->sort != NULL && self->sorts == NULL)
    self->sorts = g_strsplit (self->sort, ",", -1);
  if (self->sorts == NULL || self->sorts[self->sort_index] == NULL)
    {
      script_select (self);
      return;
    }
  parts = g_strsplit (self->sorts[self->sort_index], ":", 2);
  column = iot_column_from_id (parts[0]);
  if (column < 0)
    {
      g_printerr ("iotscope: --sort: unknown column “%s”\n", parts[0]);
      script_select (self);
      return;
    }
  g_signal_connect (session, "sort-finished", G_CALLBACK (script_sort_finished_cb), self);
  iot_session_sort (session, column, parts[1] != NULL && g_str_equal (parts[1], "desc"));
}

static void
script_filter_finished_cb (IotSession *session, IotAppScript *self)
{
  g_signal_handlers_disconnect_by_func (session, script_filter_finished_cb, self);
  measure_phase_end (self, "filtering");
  script_sort (self);
}

static void
script_load_finished_cb (IotSession *session, IotAppScript *self)
{
  g_signal_handlers_disconnect_by_func (session, script_load_finished_cb, self);
  measure_phase_end (self, "loading");
  if (self->filter != NULL)
    {
      g_signal_connect (session, "filter-finished", G_CALLBACK (script_filter_finished_cb), self);
      iot_filter_bar_set_text (iot_window_get_filter_bar (self->scripted), self->filter, TRUE);
      if (iot_session_is_filtering (session))
        return;
      g_signal_handlers_disconnect_by_func (session, script_filter_finished_cb, self);
    }
  script_sort (self);
}

static void
script_problem_cb (IotSession *session, const char *title, const char *detail, IotAppScript *self)
{
  /* Nothing loaded at all: nothing to wait for. */
  if (iot_session_get_capture (session) == NULL)
    script_finish (self);
}

static void
start_probe (IotAppScript *self, IotWindow *window)
{
  if (self->measure)
    iot_app_probe_start (self->probe, window);
}

static void
capture_finished_cb (IotWindow *window, IotAppScript *self)
{
  measure_phase_end (self, "capturing");
  script_finish (self);
}

static gboolean
capture_stop_cb (gpointer data)
{
  iot_window_stop_capture (data);
  return G_SOURCE_REMOVE;
}

/* --capture: capture live for --capture-seconds, then (with --measure)
 * report the worst main-loop gap of the whole capture. */
static void
start_capture (IotAppScript *self, IotWindow *window)
{
  g_auto (GStrv) names = g_strsplit (self->capture, ",", -1);
  g_autoptr (GError) error = NULL;

  start_probe (self, window);
  g_signal_connect (window, "capture-finished", G_CALLBACK (capture_finished_cb), self);
  if (!iot_window_start_capture (window, (const char *const *) names, self->capture_filter, TRUE, FALSE, &error))
    {
      g_printerr ("iotscope: capture: %s\n", error->message);
      script_finish (self);
      return;
    }
  g_print ("iotscope: capturing on %s\n", self->capture);
  g_timeout_add ((guint) ((self->capture_seconds > 0 ? self->capture_seconds : 5.0) * 1000),
                 capture_stop_cb, window);
}

/* --exercise PACK: the pack's capture in the window, its questions beside. */
static void
open_exercise (IotAppScript *self, IotWindow *window)
{
  g_autoptr (GError) error = NULL;

  if (window == self->scripted)
    start_probe (self, window);
  if (iot_window_open_exercise (window, self->exercise, &error) == NULL)
    {
      g_printerr ("iotscope: --exercise: %s\n", error->message);
      g_application_quit (self->app);
    }
}

/* ---- driving the window ------------------------------------------------------- */

gboolean
iot_app_script_is_active (IotAppScript *self)
{
  return self->screenshot != NULL || self->measure || self->select > 0 || self->time_ref > 0 || self->filter != NULL
         || self->sort != NULL || self->follow != NULL || self->analysis != NULL || self->capture_dialog
         || self->capture != NULL;
}

void
iot_app_script_add_window (IotAppScript *self, IotWindow *window)
{
  IotSession *session = iot_window_get_session (window);

  if (!iot_app_script_is_active (self) || self->scripted != NULL)
    return;
  self->scripted = window;
  iot_window_set_show_dialogs (window, self->screenshot == NULL && !self->measure);
  g_signal_connect (session, "load-finished", G_CALLBACK (script_load_finished_cb), self);
  g_signal_connect (session, "problem", G_CALLBACK (script_problem_cb), self);
}

void
iot_app_script_opening (IotAppScript *self, IotWindow *window)
{
  if (window == self->scripted)
    start_probe (self, window);
}

/* --capture-dialog: Capture Options on lo, for CoAP, as the screenshot
 * of the dialog shows it. */
static void
show_capture_dialog (IotAppScript *self, IotWindow *window)
{
  IotCaptureDialog *dialog = iot_window_show_capture_dialog (window);

  iot_capture_dialog_select_interface (dialog, "lo");
  iot_capture_dialog_set_filter (dialog, "udp port 5683");
  self->dialog_shown = GTK_WIDGET (dialog);
}

void
iot_app_script_activate (IotAppScript *self, IotWindow *window)
{
  if (self->exercise != NULL)
    {
      open_exercise (self, window);
      return;
    }
  if (self->capture != NULL)
    {
      start_capture (self, window);
      return;
    }
  if (self->capture_dialog)
    show_capture_dialog (self, window);
  /* A dialog maps after its parent, and its rates need a few samples:
   * give it longer. */
  if (self->screenshot != NULL)
    g_timeout_add (self->capture_dialog ? 4000 : 600, script_snapshot_cb, self);   /* no file: the empty window */
}

/* ---- screenshots ------------------------------------------------------------ */

/* A widget paints itself into a texture through its renderer; the PNG is
 * what the screen shows, without a compositor. */
gboolean
iot_app_script_save_screenshot (GtkWidget *widget, const char *path, GError **error)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  if (width <= 0 || height <= 0 || renderer == NULL)
    {
      g_object_unref (snapshot);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The window is not shown");
      return FALSE;
    }
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Nothing was drawn");
      return FALSE;
    }
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Could not write %s", path);
      return FALSE;
    }
  return TRUE;
}

/* ---- options ------------------------------------------------------------------ */

const GOptionEntry *
iot_app_script_option_entries (void)
{
  static const GOptionEntry options[] = {
    { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      "Render the window to a PNG file once the capture is loaded, then quit", "OUT.png" },
    { "select", 0, 0, G_OPTION_ARG_INT, NULL, "Select frame N once loaded", "N" },
    { "exercise", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      "Open an exercise pack: its capture, and its questions in the Exercise pane", "PACK" },
    { "time-ref", 0, 0, G_OPTION_ARG_INT, NULL, "Make frame N the time reference once loaded", "N" },
    { "filter", 0, 0, G_OPTION_ARG_STRING, NULL, "Apply display filter F once loaded", "F" },
    { "sort", 0, 0, G_OPTION_ARG_STRING, NULL,
      "Sort by a column once loaded (number, time, source, destination, protocol, length, info; "
      "append :desc for descending; several, separated by commas, one after the other)", "COLUMN" },
    { "follow", 0, 0, G_OPTION_ARG_STRING, NULL,
      "Once the frame of --select is selected, follow its tcp, udp or mqtt stream (tcp and udp: "
      "append :hex or :raw to show the bytes so); with --screenshot, render the Follow window", "KIND" },
    { "window", 0, 0, G_OPTION_ARG_STRING, NULL,
      "Open an analysis window once loaded: phs, conv, endpoints, expert, histograms, io-graph, "
      "insight[:PAGE], preferences[:general|protocols|tls|zigbee], colour-rules, decode-as, file-properties (with --screenshot, render it)", "NAME" },
    { "measure", 0, 0, G_OPTION_ARG_NONE, NULL,
      "Print the load time and the worst main-loop gap, then quit (also IOTSCOPE_MEASURE=1)", NULL },
    { "capture-dialog", 0, 0, G_OPTION_ARG_NONE, NULL,
      "Show the Capture Options dialog (with --screenshot, render it)", NULL },
    { "capture", 0, 0, G_OPTION_ARG_STRING, NULL,
      "Capture live on these interfaces (separated by commas) for --capture-seconds, then quit "
      "(with --measure, report the worst main-loop gap)", "IFACE" },
    { "capture-filter", 0, 0, G_OPTION_ARG_STRING, NULL, "The capture filter of --capture", "BPF" },
    { "capture-seconds", 0, 0, G_OPTION_ARG_DOUBLE, NULL, "How long --capture captures (default 5)", "S" },
    { NULL }
  };

  return options;
}

static gboolean
follow_is_valid (const char *follow, GError **error)
{
  static const char *const valid[] = {
    "tcp", "udp", "mqtt", "tcp:ascii", "tcp:hex", "tcp:raw", "udp:ascii", "udp:hex", "udp:raw", NULL
  };

  if (follow == NULL || g_strv_contains (valid, follow))
    return TRUE;
  g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--follow takes tcp, udp or mqtt, and for tcp and udp :ascii, :hex or :raw");
  return FALSE;
}

IotAppScript *
iot_app_script_new (GApplication *app, GVariantDict *options, GError **error)
{
  g_autoptr (IotAppScript) self = g_object_new (IOT_TYPE_APP_SCRIPT, NULL);

  self->app = app;
  g_variant_dict_lookup (options, "screenshot", "^ay", &self->screenshot);
  g_variant_dict_lookup (options, "exercise", "^ay", &self->exercise);
  g_variant_dict_lookup (options, "filter", "s", &self->filter);
  g_variant_dict_lookup (options, "select", "i", &self->select);
  g_variant_dict_lookup (options, "time-ref", "i", &self->time_ref);
  g_variant_dict_lookup (options, "sort", "s", &self->sort);
  g_variant_dict_lookup (options, "follow", "s", &self->follow);
  g_variant_dict_lookup (options, "window", "s", &self->analysis);
  g_variant_dict_lookup (options, "capture", "s", &self->capture);
  g_variant_dict_lookup (options, "capture-filter", "s", &self->capture_filter);
  g_variant_dict_lookup (options, "capture-seconds", "d", &self->capture_seconds);
  self->capture_dialog = g_variant_dict_contains (options, "capture-dialog");
  self->measure = g_variant_dict_contains (options, "measure") || g_getenv ("IOTSCOPE_MEASURE") != NULL;
  if (!follow_is_valid (self->follow, error))
    return NULL;
  return g_steal_pointer (&self);
}

static void
iot_app_script_dispose (GObject *object)
{
  IotAppScript *self = IOT_APP_SCRIPT (object);

  iot_app_probe_stop (self->probe);
  G_OBJECT_CLASS (iot_app_script_parent_class)->dispose (object);
}

static void
iot_app_script_finalize (GObject *object)
{
  IotAppScript *self = IOT_APP_SCRIPT (object);

  iot_app_probe_free (self->probe);
  g_free (self->screenshot);
  g_free (self->exercise);
  g_free (self->filter);
  g_free (self->sort);
  g_strfreev (self->sorts);
  if (self->sort_times != NULL)
    g_string_free (self->sort_times, TRUE);
  g_free (self->follow);
  g_free (self->analysis);
  g_free (self->capture);
  g_free (self->capture_filter);
  G_OBJECT_CLASS (iot_app_script_parent_class)->finalize (object);
}

static void
iot_app_script_class_init (IotAppScriptClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = iot_app_script_dispose;
  G_OBJECT_CLASS (klass)->finalize = iot_app_script_finalize;
}

static void
iot_app_script_init (IotAppScript *self)
{
  self->probe = iot_app_probe_new ();
}
