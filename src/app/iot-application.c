/* iot-application.c — command line, windows, style sheet, screenshots. */
#include "iot-application.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib/gi18n.h>

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include "iot-colour-rules-dialog.h"
#include "iot-decode-as-dialog.h"
#include "iot-dissect-settings.h"
#include "iot-file-properties.h"
#include "iot-engine.h"
#include "iot-exercise-pane.h"
#include "iot-flow-window.h"
#include "iot-mqtt-rules.h"
#include "iot-preferences-window.h"
#include "iot-privileges.h"
#include "iot-secrets-settings.h"
#include "iot-resources.h"
#include "iot-style.h"
#include "iot-window.h"
#include "iot-wpa.h"

#define APP_ID "org.iotscope.Iotscope"

struct _IotApplication {
  GtkApplication parent_instance;

  GSettings     *settings;

  /* Command line. */
  char          *screenshot;
  char          *exercise;       /* --exercise PACK */
  char          *filter;
  char          *sort;
  char         **sorts;        /* --sort, split at commas */
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
  char         **prefs;          /* -o NAME:VALUE, as tshark */
  char         **decode_as;      /* -d TABLE==VALUE,PROTOCOL, as tshark */
  GtkWidget     *dialog_shown;
  IotPreferencesWindow *preferences;

  /* Scripted run (--screenshot, --measure, --select, --filter). */
  IotWindow     *scripted;
  IotFollowWindow *follow_window;
  GtkWindow     *analysis_window;
  gboolean       script_done;

  /* Main-loop probe: the largest gap between 10 ms ticks. */
  gint64         probe_last_us;
  gint64         probe_last_cpu_us;   /* the main thread's CPU time at the last tick */
  gint64         probe_worst_us;
  gint64         probe_worst_cpu_us;  /* of the worst gap, the time the main thread ran */
  gint64         probe_last_wait_us;  /* the time it waited for a CPU, at the last tick */
  gint64         probe_worst_wait_us; /* of the worst gap, the time it waited for a CPU */
  guint          probe_ticks;
  guint          probe_long;          /* gaps over 50 ms */
  gint64         probe_verbose_us;
  gint64         open_us;
  gint64         first_rows_us;
  guint          probe_id;
  /* Since the last phase ended (loading, filtering, a sort): the worst
   * gap, and the most the main thread itself ran in one gap. */
  gint64         phase_worst_us;
  gint64         phase_worst_cpu_us;
};

G_DEFINE_FINAL_TYPE (IotApplication, iot_application, GTK_TYPE_APPLICATION)

/* ---- translations -------------------------------------------------------------- */

/* Whether this program's executable lies inside the build tree. */
static gboolean
runs_from_build_tree (void)
{
#ifdef IOTSCOPE_BUILD_ROOT
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *root = realpath (IOTSCOPE_BUILD_ROOT, NULL);

  return exe != NULL && root != NULL && g_str_has_prefix (exe, root) && exe[strlen (root)] == G_DIR_SEPARATOR;
#else
  return FALSE;
#endif
}

const char *
iot_application_locale_dir (void)
{
#ifdef IOTSCOPE_BUILD_LOCALEDIR
  if (runs_from_build_tree ())
    return IOTSCOPE_BUILD_LOCALEDIR;
#endif
  return IOTSCOPE_LOCALEDIR;
}

void
iot_application_init_i18n (void)
{
  bindtextdomain (GETTEXT_PACKAGE, iot_application_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

/* ---- resources ---------------------------------------------------------------- */

void
iot_application_init_resources (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      iot_register_resource ();
      iot_registry_init ();
      g_once_init_leave (&done, 1);
    }
}

static void
load_style (void)
{
  g_autoptr (GtkCssProvider) provider = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (provider, "/org/iotscope/Iotscope/ui/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

/* The installed schema, else the one compiled into the build tree, so that
 * the program runs from the build directory. */
static GSettings *
create_settings (gboolean ephemeral)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchemaSource) local = NULL;
  g_autoptr (GSettingsSchema) schema = NULL;
  g_autoptr (GSettingsBackend) backend = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
#ifdef IOTSCOPE_BUILD_SCHEMA_DIR
  if (schema == NULL)
    {
      local = g_settings_schema_source_new_from_directory (IOTSCOPE_BUILD_SCHEMA_DIR, source, FALSE, NULL);
      if (local != NULL)
        schema = g_settings_schema_source_lookup (local, APP_ID, FALSE);
    }
#endif
  if (schema == NULL)
    return NULL;
  /* Scripted runs must not depend on, nor change, what the user saved. */
  if (ephemeral)
    backend = g_memory_settings_backend_new ();
  return g_settings_new_full (schema, backend, NULL);
}

/* ---- screenshots -------------------------------------------------------------- */

gboolean
iot_application_save_screenshot (GtkWidget *widget, const char *path, GError **error)
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

/* ---- main-loop probe ---------------------------------------------------------- */

/* Time the calling thread ran, and (Linux, /proc/thread-self/schedstat)
 * the time it was ready to run but waited for a CPU: tells a main loop
 * busy with our own work from one merely waiting for a CPU that other
 * threads and processes (the capture program, a traffic generator, other
 * programs) keep busy. */
static void
thread_times (gint64 *run_us, gint64 *wait_us)
{
  struct timespec ts;
  g_autofree char *text = NULL;
  gint64 run_ns, wait_ns;

  *run_us = *wait_us = 0;
  if (g_file_get_contents ("/proc/thread-self/schedstat", &text, NULL, NULL)
      && sscanf (text, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT, &run_ns, &wait_ns) == 2)
    {
      *run_us = run_ns / 1000;
      *wait_us = wait_ns / 1000;
      return;
    }
  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
    *run_us = (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gboolean
probe_tick (gpointer data)
{
  IotApplication *self = data;
  gint64 now = g_get_monotonic_time ();
  gint64 cpu, wait;

  thread_times (&cpu, &wait);
  if (self->probe_last_us != 0)
    {
      self->probe_ticks++;
      if (now - self->probe_last_us > 50 * G_TIME_SPAN_MILLISECOND)
        self->probe_long++;
    }
  if (self->probe_last_us != 0)
    {
      self->phase_worst_us = MAX (self->phase_worst_us, now - self->probe_last_us);
      self->phase_worst_cpu_us = MAX (self->phase_worst_cpu_us, cpu - self->probe_last_cpu_us);
    }
  if (self->probe_last_us != 0 && now - self->probe_last_us > self->probe_worst_us)
    {
      self->probe_worst_us = now - self->probe_last_us;
      self->probe_worst_cpu_us = cpu - self->probe_last_cpu_us;
      self->probe_worst_wait_us = wait - self->probe_last_wait_us;
    }
  /* Where the long gaps are, for whoever hunts them (IOTSCOPE_MEASURE_VERBOSE
   * = the smallest gap to print in ms; 1 or empty: 50). */
  if (self->probe_last_us != 0 && self->probe_verbose_us > 0 && now - self->probe_last_us > self->probe_verbose_us)
    g_printerr ("iotscope: measure: gap of %.1f ms (main thread ran %.1f ms of it, waited %.1f ms for a CPU) "
                "ending at %.1f ms\n",
                (now - self->probe_last_us) / 1000.0, (cpu - self->probe_last_cpu_us) / 1000.0,
                (wait - self->probe_last_wait_us) / 1000.0, (now - self->open_us) / 1000.0);
  self->probe_last_us = now;
  self->probe_last_cpu_us = cpu;
  self->probe_last_wait_us = wait;
  return G_SOURCE_CONTINUE;
}

static void
after_paint_cb (GdkFrameClock *clock, IotApplication *self)
{
  IotFrameList *frames;

  if (self->scripted == NULL || self->first_rows_us != 0)
    return;
  frames = iot_session_get_frames (iot_window_get_session (self->scripted));
  /* The first paint with rows in the model: the first rows are visible. */
  if (g_list_model_get_n_items (G_LIST_MODEL (frames)) > 0)
    self->first_rows_us = g_get_monotonic_time ();
}

/* The end of a phase of a scripted run: its worst gaps, then the next
 * phase starts counting. */
static void
measure_phase_end (IotApplication *self, const char *phase)
{
  if (!self->measure)
    return;
  g_print ("iotscope: measure: while %s: worst main-loop gap %.1f ms, most main-thread work in one gap "
           "%.1f ms (ended at %.3f s)\n", phase, self->phase_worst_us / 1000.0,
           self->phase_worst_cpu_us / 1000.0, (g_get_monotonic_time () - self->open_us) / 1e6);
  self->phase_worst_us = self->phase_worst_cpu_us = 0;
}

static void
report_measure (IotApplication *self)
{
  IotSession *session = iot_window_get_session (self->scripted);

  g_print ("iotscope: measure: file %s\n", iot_session_get_path (session));
  g_print ("iotscope: measure: frames %u, displayed %u\n",
           iot_session_get_n_total (session), iot_session_get_n_displayed (session));
  g_print ("iotscope: measure: first rows visible after %.1f ms\n",
           self->first_rows_us != 0 ? (self->first_rows_us - self->open_us) / 1000.0 : -1.0);
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
  g_print ("iotscope: measure: worst main-loop gap %.1f ms (main thread ran %.1f ms of it, waited %.1f ms "
           "for a CPU)\n", self->probe_worst_us / 1000.0, self->probe_worst_cpu_us / 1000.0,
           self->probe_worst_wait_us / 1000.0);
  /* One worst gap on a shared machine is mostly waiting for a CPU: how
   * often the loop was held up says more. */
  g_print ("iotscope: measure: main-loop gaps over 50 ms: %u of %u ticks (10 ms each)\n", self->probe_long,
           self->probe_ticks);
}

/* ---- scripted runs ------------------------------------------------------------ */

static GtkWidget *
script_shown_widget (IotApplication *self)
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
screenshot_after_paint_cb (GdkFrameClock *clock, IotApplication *self)
{
  g_autoptr (GError) error = NULL;

  if (clock != NULL)
    g_signal_handlers_disconnect_by_func (clock, screenshot_after_paint_cb, self);
  if (!iot_application_save_screenshot (script_shown_widget (self), self->screenshot, &error))
    {
      g_printerr ("iotscope: screenshot: %s\n", error->message);
      g_application_quit (G_APPLICATION (self));
      exit (1);
    }
  g_application_quit (G_APPLICATION (self));
}

static void
script_finish (IotApplication *self)
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
    g_application_quit (G_APPLICATION (self));
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
script_show_tree (IotApplication *self)
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
script_follow_ready_cb (IotFollowWindow *follow, IotApplication *self)
{
  /* Let layout and painting catch up before rendering. */
  g_timeout_add (self->screenshot != NULL ? 600 : 50, script_snapshot_cb, self);
}

/* --follow KIND[:MODE] */
static void
script_follow (IotApplication *self)
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
script_analysis_ready_cb (GtkWindow *analysis, IotApplication *self)
{
  /* Let layout and painting catch up before rendering. */
  g_timeout_add (self->screenshot != NULL ? 600 : 50, script_snapshot_cb, self);
}

static void show_preferences (IotApplication *self);
static GtkWindow *show_colour_rules (IotApplication *self);
static GtkWindow *show_file_properties (IotApplication *self);
static GtkWindow *show_decode_as (IotApplication *self);

/* --window NAME */
static void
script_analysis (IotApplication *self)
{
  g_autoptr (GError) error = NULL;

  if (g_str_equal (self->analysis, "preferences") || g_str_has_prefix (self->analysis, "preferences:"))
    {
      show_preferences (self);
      if (self->preferences != NULL && strchr (self->analysis, ':') != NULL)
        iot_preferences_window_show_page (self->preferences, strchr (self->analysis, ':') + 1);
      self->dialog_shown = GTK_WIDGET (self->preferences);
      g_timeout_add (self->screenshot != NULL ? 600 : 50, script_snapshot_cb, self);
      return;
    }
  if (g_str_equal (self->analysis, "file-properties"))
    {
      self->dialog_shown = GTK_WIDGET (show_file_properties (self));
      if (self->dialog_shown != NULL)
        g_signal_connect (self->dialog_shown, "ready", G_CALLBACK (script_analysis_ready_cb), self);
      else
        g_timeout_add (600, script_snapshot_cb, self);
      return;
    }
  if (g_str_equal (self->analysis, "decode-as"))
    {
      self->dialog_shown = GTK_WIDGET (show_decode_as (self));
      g_timeout_add (self->screenshot != NULL ? 600 : 50, script_snapshot_cb, self);
      return;
    }
  if (g_str_equal (self->analysis, "colour-rules"))
    {
      self->dialog_shown = GTK_WIDGET (show_colour_rules (self));
      g_timeout_add (self->screenshot != NULL ? 600 : 50, script_snapshot_cb, self);
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
script_select (IotApplication *self)
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

static void script_sort (IotApplication *self);

static void
script_sort_finished_cb (IotSession *session, IotApplication *self)
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
script_sort (IotApplication *self)
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
script_filter_finished_cb (IotSession *session, IotApplication *self)
{
  g_signal_handlers_disconnect_by_func (session, script_filter_finished_cb, self);
  measure_phase_end (self, "filtering");
  script_sort (self);
}

static void
script_load_finished_cb (IotSession *session, IotApplication *self)
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
script_problem_cb (IotSession *session, const char *title, const char *detail, IotApplication *self)
{
  /* Nothing loaded at all: nothing to wait for. */
  if (iot_session_get_capture (session) == NULL)
    script_finish (self);
}

static gboolean
is_scripted (IotApplication *self)
{
  return self->screenshot != NULL || self->measure || self->select > 0 || self->time_ref > 0 || self->filter != NULL
         || self->sort != NULL || self->follow != NULL || self->analysis != NULL || self->capture_dialog
         || self->capture != NULL;
}

/* ---- windows ------------------------------------------------------------------ */

static IotWindow *
new_window (IotApplication *self)
{
  IotWindow *window = iot_window_new (GTK_APPLICATION (self), self->settings);

  iot_exercise_pane_install_action (window);
  iot_flow_window_install_action (window);

  if (is_scripted (self) && self->scripted == NULL)
    {
      IotSession *session = iot_window_get_session (window);

      self->scripted = window;
      iot_window_set_show_dialogs (window, self->screenshot == NULL && !self->measure);
      g_signal_connect (session, "load-finished", G_CALLBACK (script_load_finished_cb), self);
      g_signal_connect (session, "problem", G_CALLBACK (script_problem_cb), self);
    }
  return window;
}

static void
start_probe (IotApplication *self, IotWindow *window)
{
  if (!self->measure)
    return;
  self->open_us = g_get_monotonic_time ();
  self->probe_last_us = 0;
  if (g_getenv ("IOTSCOPE_MEASURE_VERBOSE") != NULL)
    {
      gint64 ms = g_ascii_strtoll (g_getenv ("IOTSCOPE_MEASURE_VERBOSE"), NULL, 10);

      self->probe_verbose_us = (ms > 1 ? ms : 50) * 1000;
    }
  self->probe_worst_us = 0;
  self->phase_worst_us = self->phase_worst_cpu_us = 0;
  self->probe_ticks = self->probe_long = 0;
  if (self->probe_id == 0)
    self->probe_id = g_timeout_add (10, probe_tick, self);
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                    G_CALLBACK (after_paint_cb), self);
}

static void
capture_finished_cb (IotWindow *window, IotApplication *self)
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
start_capture (IotApplication *self, IotWindow *window)
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
open_exercise (IotApplication *self, IotWindow *window)
{
  g_autoptr (GError) error = NULL;

  if (window == self->scripted)
    start_probe (self, window);
  if (iot_window_open_exercise (window, self->exercise, &error) == NULL)
    {
      g_printerr ("iotscope: --exercise: %s\n", error->message);
      g_application_quit (G_APPLICATION (self));
    }
}

static void
iot_application_activate (GApplication *app)
{
  IotApplication *self = IOT_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (new_window (self));
  gtk_window_present (window);
  if (self->exercise != NULL)
    {
      open_exercise (self, IOT_WINDOW (window));
      return;
    }
  if (self->capture != NULL)
    {
      start_capture (self, IOT_WINDOW (window));
      return;
    }
  if (self->capture_dialog)
    {
      IotCaptureDialog *dialog = iot_window_show_capture_dialog (IOT_WINDOW (window));

      iot_capture_dialog_select_interface (dialog, "lo");
      iot_capture_dialog_set_filter (dialog, "udp port 5683");
      self->dialog_shown = GTK_WIDGET (dialog);
    }
  /* A dialog maps after its parent, and its rates need a few samples:
   * give it longer. */
  if (self->screenshot != NULL)
    g_timeout_add (self->capture_dialog ? 4000 : 600, script_snapshot_cb, self);   /* no file: the empty window */
}

static void
iot_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  IotApplication *self = IOT_APPLICATION (app);

  for (int i = 0; i < n_files; i++)
    {
      GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (app));
      IotWindow *window;

      /* Reuse an empty window, else one window per file. */
      if (active != NULL && iot_session_get_path (iot_window_get_session (IOT_WINDOW (active))) == NULL)
        window = IOT_WINDOW (active);
      else
        window = new_window (self);
      gtk_window_present (GTK_WINDOW (window));
      if (window == self->scripted)
        start_probe (self, window);
      iot_window_open (window, files[i]);
    }
}

/* ---- app actions -------------------------------------------------------------- */

static void
quit_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (data)));

  /* Close windows properly, so that they save their settings. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free (windows);
}

static void
about_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  const char *authors[] = { _("The iotscope authors"), NULL };

  gtk_show_about_dialog (gtk_application_get_active_window (GTK_APPLICATION (data)),
                         "program-name", "iotscope",
                         "logo-icon-name", APP_ID,
                         "version", IOTSCOPE_VERSION,
                         "comments", _("A network traffic analyzer for the Internet of Things, "
                                       "made to learn how MQTT, CoAP and friends work."),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "authors", authors,
                         NULL);
}

static void
show_preferences (IotApplication *self)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (self->settings == NULL)
    return;
  if (self->preferences == NULL)
    {
      self->preferences = iot_preferences_window_new (self->settings);
      g_object_add_weak_pointer (G_OBJECT (self->preferences), (gpointer *) &self->preferences);
      gtk_window_set_application (GTK_WINDOW (self->preferences), GTK_APPLICATION (self));
    }
  if (active != NULL && active != GTK_WINDOW (self->preferences))
    gtk_window_set_transient_for (GTK_WINDOW (self->preferences), active);
  gtk_window_present (GTK_WINDOW (self->preferences));
}

static void
preferences_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  show_preferences (data);
}

/* A dialog of the active window, closed with it. */
static void
present_for_active (IotApplication *self, GtkWindow *dialog)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (active != NULL)
    {
      gtk_window_set_transient_for (dialog, active);
      gtk_window_set_destroy_with_parent (dialog, TRUE);
    }
  gtk_window_present (dialog);
}

static GtkWindow *
show_colour_rules (IotApplication *self)
{
  GtkWindow *dialog;

  if (self->settings == NULL)
    return NULL;
  dialog = GTK_WINDOW (iot_colour_rules_dialog_new (self->settings));
  present_for_active (self, dialog);
  return dialog;
}

static void
colour_rules_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  show_colour_rules (data);
}

static GtkWindow *
show_file_properties (IotApplication *self)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWindow *dialog;

  if (!IOT_IS_WINDOW (active))
    return NULL;
  dialog = GTK_WINDOW (iot_file_properties_new (iot_window_get_session (IOT_WINDOW (active))));
  present_for_active (self, dialog);
  return dialog;
}

static void
file_properties_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  show_file_properties (data);
}

static GtkWindow *
show_decode_as (IotApplication *self)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWindow *dialog;

  if (self->settings == NULL)
    return NULL;
  dialog = GTK_WINDOW (iot_decode_as_dialog_new (self->settings, IOT_IS_WINDOW (active)
                                                 ? iot_window_get_session (IOT_WINDOW (active)) : NULL));
  present_for_active (self, dialog);
  return dialog;
}

static void
decode_as_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  show_decode_as (data);
}

/* "mqtt.tcp.port:1884": a port preference (checked when applied). */
static gboolean
is_port_preference (const char *pref)
{
  const char *colon = strchr (pref, ':');
  g_autofree char *name = colon ? g_strndup (pref, colon - pref) : NULL;

  return name != NULL && (g_str_has_suffix (name, ".tcp.port") || g_str_has_suffix (name, ".udp.port"));
}

/* One entry of tshark's zigbee_pc_keys table, "KEY","Normal|Reverse","LABEL"
 * (the quotes optional), into the settings' key list. */
static gboolean
add_zigbee_uat_entry (GSettings *settings, const char *entry, GError **error)
{
  g_auto (GStrv) fields = g_strsplit (entry, ",", 3);

  for (guint i = 0; fields[i] != NULL; i++)
    {
      char *field = g_strstrip (fields[i]);
      gsize len = strlen (field);

      if (len >= 2 && field[0] == '"' && field[len - 1] == '"')
        {
          memmove (field, field + 1, len - 2);
          field[len - 2] = '\0';
        }
    }
  return iot_secrets_settings_add_zigbee_key (settings, fields[0] ? fields[0] : "",
                                              fields[0] && fields[1] && g_ascii_strcasecmp (fields[1], "Reverse") == 0,
                                              fields[0] && fields[1] && fields[2] ? fields[2] : "", error);
}

/* uat:protobuf_search_paths and uat:mqtt_message_decoding, after the
 * settings are applied: scripted runs keep them in the (in-memory)
 * settings, so that the Protocols page lists them; otherwise they are
 * added to the dissectors' tables for this run (until those preferences
 * are next changed in the window). */
static gboolean
apply_payload_preference (IotApplication *self, const char *pref, GError **error)
{
  gboolean paths = g_str_has_prefix (pref, "uat:protobuf_search_paths:");
  const char *entry = strchr (pref + strlen ("uat:"), ':') + 1;

  if (self->settings != NULL && is_scripted (self))
    return paths ? iot_dissect_settings_add_search_path_uat (self->settings, entry, error)
                 : iot_dissect_settings_add_mqtt_rule_uat (self->settings, entry, error);
  if (paths)
    {
      g_auto (GStrv) cols = iot_uat_split (entry, error);

      if (cols == NULL)
        return FALSE;
      if (g_strv_length (cols) != 2)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "expected 2 fields: \"folder\",\"TRUE|FALSE\" (load all files)");
          return FALSE;
        }
      return iot_proto_default_add_search_path (cols[0], g_ascii_strcasecmp (cols[1], "TRUE") == 0, error);
    }
  return iot_mqtt_rules_add_uat (entry, error);
}

/* The Wi-Fi decryption preferences, for this run (the window has no page
 * for them): wlan.enable_decryption:TRUE|FALSE and uat:80211_keys:… as
 * tshark takes them. */
static gboolean
apply_wlan_preference (const char *pref, GError **error)
{
  const char *value = strchr (pref, ':') + 1;

  if (g_str_has_prefix (pref, "uat:80211_keys:"))
    return iot_wpa_add_uat_entry (pref + strlen ("uat:80211_keys:"), error);
  iot_wpa_set_enabled (g_ascii_strcasecmp (value, "TRUE") == 0);
  return TRUE;
}

/* -o NAME:VALUE: tls.keylog_file and tls.psk / dtls.psk, as tshark takes
 * them.  Scripted runs keep their settings in memory, so there they are
 * the preferences, shown in the Preferences window too; otherwise they
 * add to the saved ones for this run only. */
static void
apply_command_line_prefs (IotApplication *self)
{
  g_autoptr (GPtrArray) rest = g_ptr_array_new ();
  g_autoptr (GPtrArray) port_prefs = g_ptr_array_new ();
  g_autoptr (GPtrArray) payload_prefs = g_ptr_array_new ();

  for (guint i = 0; self->prefs != NULL && self->prefs[i] != NULL; i++)
    {
      const char *pref = self->prefs[i];

      if (self->settings != NULL && is_scripted (self) && g_str_has_prefix (pref, "tls.keylog_file:"))
        g_settings_set_string (self->settings, "tls-keylog-file", pref + strlen ("tls.keylog_file:"));
      else if (self->settings != NULL && is_scripted (self)
               && (g_str_has_prefix (pref, "tls.psk:") || g_str_has_prefix (pref, "dtls.psk:")))
        {
          g_autoptr (GError) error = NULL;

          if (!iot_secrets_settings_add_psk (self->settings, "", strchr (pref, ':') + 1, &error))
            g_printerr ("iotscope: -o %s: %s\n", pref, error->message);
        }
      else if (self->settings != NULL && is_scripted (self) && g_str_has_prefix (pref, "uat:zigbee_pc_keys:"))
        {
          g_autoptr (GError) error = NULL;

          if (!add_zigbee_uat_entry (self->settings, pref + strlen ("uat:zigbee_pc_keys:"), &error))
            g_printerr ("iotscope: -o %s: %s\n", pref, error->message);
        }
      else if (g_str_has_prefix (pref, "uat:protobuf_search_paths:")
               || g_str_has_prefix (pref, "uat:mqtt_message_decoding:"))
        g_ptr_array_add (payload_prefs, (gpointer) pref);
      else if (g_str_has_prefix (pref, "wlan.enable_decryption:") || g_str_has_prefix (pref, "uat:80211_keys:"))
        {
          g_autoptr (GError) error = NULL;

          if (!apply_wlan_preference (pref, &error))
            g_printerr ("iotscope: -o %s: %s\n", pref, error->message);
        }
      else if (is_port_preference (pref))
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
          g_auto (GStrv) ports = NULL;

          /* Checked now; kept in the (scripted: in-memory) settings, so
           * that the Protocols page shows it; otherwise for this run. */
          if (!iot_registry_set_port_preference (pref, &error))
            g_printerr ("iotscope: -o %s: %s\n", pref, error->message);
          else if (self->settings != NULL && is_scripted (self))
            {
              g_auto (GStrv) old = g_settings_get_strv (self->settings, "protocol-ports");

              g_strv_builder_addv (builder, (const char **) old);
              g_strv_builder_add (builder, pref);
              ports = g_strv_builder_end (builder);
              g_settings_set_strv (self->settings, "protocol-ports", (const char *const *) ports);
            }
          else
            g_ptr_array_add (port_prefs, (gpointer) pref);
        }
      else
        g_ptr_array_add (rest, (gpointer) pref);
    }
  g_ptr_array_add (rest, NULL);
  iot_secrets_settings_watch (self->settings, (const char *const *) rest->pdata);
  iot_dissect_settings_watch (self->settings);
  for (guint i = 0; i < port_prefs->len; i++)
    iot_registry_set_port_preference (g_ptr_array_index (port_prefs, i), NULL);
  for (guint i = 0; i < payload_prefs->len; i++)
    {
      g_autoptr (GError) error = NULL;

      if (!apply_payload_preference (self, g_ptr_array_index (payload_prefs, i), &error))
        g_printerr ("iotscope: -o %s: %s\n", (const char *) g_ptr_array_index (payload_prefs, i), error->message);
    }
  /* -d: kept in the (scripted: in-memory) settings, so that the Decode As
   * dialog lists them; otherwise for this run only. */
  for (guint i = 0; self->decode_as != NULL && self->decode_as[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      gboolean ok = self->settings != NULL && is_scripted (self)
                    ? iot_dissect_settings_add_decode_as (self->settings, self->decode_as[i], &error)
                    : iot_registry_decode_as (self->decode_as[i], &error);

      if (!ok)
        g_printerr ("iotscope: %s\n", error->message);
    }
  if (self->settings == NULL)
    {
      g_autoptr (GError) error = NULL;

      if (!iot_secrets_settings_apply (NULL, (const char *const *) rest->pdata, &error))
        g_printerr ("iotscope: -o: %s\n", error->message);
    }
}

/* As tshark does; the capture itself never needs root (iotscope-capture). */
static void
warn_if_root (void)
{
  g_autofree char *warning = iot_privileges_root_warning ("iotscope");

  if (warning != NULL)
    g_printerr ("iotscope: warning: %s\n", warning);
}

static void
iot_application_startup (GApplication *app)
{
  IotApplication *self = IOT_APPLICATION (app);
  static const GActionEntry entries[] = {
    { .name = "quit", .activate = quit_activated },
    { .name = "about", .activate = about_activated },
    { .name = "preferences", .activate = preferences_activated },
    { .name = "colour-rules", .activate = colour_rules_activated },
    { .name = "file-properties", .activate = file_properties_activated },
    { .name = "decode-as", .activate = decode_as_activated },
  };
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
  { "app.file-properties", { "<Control><Alt><Shift>c", NULL } },
    { "win.open", { "<Control>o", NULL } },
    { "win.reload", { "<Control><Shift>r", NULL } },
    { "win.goto", { "<Control>g", NULL } },
    { "win.go-next", { "<Control>Down", NULL } },
    { "win.go-previous", { "<Control>Up", NULL } },
    { "win.go-first", { "<Control>Home", NULL } },
    { "win.go-last", { "<Control>End", NULL } },
    { "win.expand-all", { "<Control>Right", NULL } },
    { "win.collapse-all", { "<Control>Left", NULL } },
    { "win.focus-filter", { "<Control>slash", NULL } },
  };

  /* GtkApplication looks for gtk/help-overlay.ui while it starts up: the
   * resources must be registered before, or the shortcuts window never
   * exists and its action stays disabled. */
  iot_application_init_resources ();
  G_APPLICATION_CLASS (iot_application_parent_class)->startup (app);
  warn_if_root ();
  load_style ();
  self->settings = create_settings (is_scripted (self));
  apply_command_line_prefs (self);
  iot_style_init (self->settings);
  g_action_map_add_action_entries (G_ACTION_MAP (app), entries, G_N_ELEMENTS (entries), app);
  if (self->settings != NULL)
    {
      g_autoptr (GAction) scheme = g_settings_create_action (self->settings, "color-scheme");

      g_action_map_add_action (G_ACTION_MAP (app), scheme);
    }
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), accels[i].action, accels[i].accels);
}

static int
iot_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  IotApplication *self = IOT_APPLICATION (app);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("iotscope %s\n", IOTSCOPE_VERSION);
      return 0;
    }
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
  g_variant_dict_lookup (options, "option", "^as", &self->prefs);
  g_variant_dict_lookup (options, "decode-as", "^as", &self->decode_as);
  for (guint i = 0; self->prefs != NULL && self->prefs[i] != NULL; i++)
    {
      static const char *const known[] = { "tls.keylog_file:", "ssl.keylog_file:", "tls.psk:", "ssl.psk:",
                                           "dtls.psk:", "uat:zigbee_pc_keys:", "zbee_nwk.seclevel:",
                                           "uat:ieee802154_keys:", "thread.thr_", "uat:protobuf_search_paths:",
                                           "uat:mqtt_message_decoding:", "wlan.enable_decryption:",
                                           "uat:80211_keys:", NULL };
      gboolean ok = is_port_preference (self->prefs[i]);

      for (guint k = 0; known[k] != NULL; k++)
        ok |= g_str_has_prefix (self->prefs[i], known[k]);
      if (!ok)
        {
          g_printerr ("iotscope: -o %s: not a preference we have (tls.keylog_file, tls.psk, dtls.psk, "
                      "uat:zigbee_pc_keys, zbee_nwk.seclevel, uat:ieee802154_keys, thread.thr_*, "
                      "uat:protobuf_search_paths, uat:mqtt_message_decoding, wlan.enable_decryption, "
                      "uat:80211_keys, PROTO.tcp.port, PROTO.udp.port)\n", self->prefs[i]);
          return 1;
        }
    }
  self->capture_dialog = g_variant_dict_contains (options, "capture-dialog");
  if (self->follow != NULL)
    {
      static const char *const valid[] = {
        "tcp", "udp", "mqtt", "tcp:ascii", "tcp:hex", "tcp:raw", "udp:ascii", "udp:hex", "udp:raw", NULL
      };

      if (!g_strv_contains (valid, self->follow))
        {
          g_printerr ("iotscope: --follow takes tcp, udp or mqtt, and for tcp and udp :ascii, :hex or :raw\n");
          return 1;
        }
    }
  self->measure = g_variant_dict_contains (options, "measure")
                  || g_getenv ("IOTSCOPE_MEASURE") != NULL;
  /* Scripted runs are independent processes, never handed to a running
   * instance. */
  if (is_scripted (self))
    g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
  return -1;
}

static void
iot_application_shutdown (GApplication *app)
{
  IotApplication *self = IOT_APPLICATION (app);

  g_clear_handle_id (&self->probe_id, g_source_remove);
  /* Disposing the windows stops live captures and deletes their
   * temporary files, also when quitting without closing them. */
  while (gtk_application_get_windows (GTK_APPLICATION (app)) != NULL)
    gtk_window_destroy (gtk_application_get_windows (GTK_APPLICATION (app))->data);
  G_APPLICATION_CLASS (iot_application_parent_class)->shutdown (app);
}

static void
iot_application_finalize (GObject *object)
{
  IotApplication *self = IOT_APPLICATION (object);

  g_clear_object (&self->settings);
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
  g_strfreev (self->prefs);
  g_strfreev (self->decode_as);
  G_OBJECT_CLASS (iot_application_parent_class)->finalize (object);
}

static void
iot_application_class_init (IotApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = iot_application_finalize;
  app_class->startup = iot_application_startup;
  app_class->shutdown = iot_application_shutdown;
  app_class->activate = iot_application_activate;
  app_class->open = iot_application_open;
  app_class->handle_local_options = iot_application_handle_local_options;
}

static void
iot_application_init (IotApplication *self)
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
    { "option", 'o', 0, G_OPTION_ARG_STRING_ARRAY, NULL,
      "Set a preference as tshark's -o: tls.keylog_file:PATH, tls.psk:HEX, dtls.psk:HEX, "
      "uat:zigbee_pc_keys:\"KEY\",\"Normal\",\"LABEL\", uat:protobuf_search_paths:\"DIR\",\"TRUE\", "
      "uat:mqtt_message_decoding:\"Starts with\",\"TOPIC\",\"none\",\"protobuf\"[,\"pkg.Msg\"], "
      "PROTO.tcp.port:PORTS, PROTO.udp.port:PORTS, wlan.enable_decryption:TRUE, uat:80211_keys:\"wpa-pwd\",\"PASS:SSID\"", "NAME:VALUE" },
    { "decode-as", 'd', 0, G_OPTION_ARG_STRING_ARRAY, NULL,
      "Decode traffic as tshark's -d does, e.g. tcp.port==1884,mqtt", "TABLE==VALUE,PROTOCOL" },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, "Print the version", NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), "[FILE…]");
  g_application_set_option_context_summary (G_APPLICATION (self),
                                             "Analyze IoT network traffic (pcap, pcapng).");
}

IotApplication *
iot_application_new (void)
{
  return g_object_new (IOT_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/org/iotscope/Iotscope",
                       NULL);
}

GSettings *
iot_application_get_settings (IotApplication *self)
{
  return self->settings;
}
