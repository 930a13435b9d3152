/* iot-stats-window.c — the Statistics window: protocol hierarchy,
 * conversations, endpoints, expert information and histograms, all
 * counted together in one scan of the capture, each shown by its page
 * (iot-stats-*-page.c).
 */
#include "iot-stats-window.h"

#include <glib/gi18n.h>

#include "iot-stats-expert-page.h"
#include "iot-stats-histogram-page.h"
#include "iot-stats-phs-page.h"
#include "iot-stats-table-page.h"

struct _IotStatsWindow {
  IotAnalysisWindow parent_instance;

  GtkStackSwitcher *switcher;
  GtkButton        *copy_button;
  GtkStack         *state_stack;
  GtkSpinner       *spinner;
  GtkProgressBar   *progress;
  GtkStack         *pages;
  GtkLabel         *error_label;
  GtkLabel         *status_label;
  GtkCheckButton   *limit_check;

  char             *session_filter;  /* the main window's filter when this window opened */
  IotStatsTables   *tables;
};

G_DEFINE_FINAL_TYPE (IotStatsWindow, iot_stats_window, IOT_TYPE_ANALYSIS_WINDOW)

static const char *const page_names[] = { "phs", "conv", "endpoints", "expert", "histograms", NULL };

/* ---- counting (worker) ------------------------------------------------------------ */

static IotStats *
stats_for_window (void)
{
  static const char *const layers[IOT_CONV_N_TYPES] = { "eth", "ip", "ipv6", "tcp", "udp" };
  IotStats *stats = iot_stats_new ();

  /* The window shows no per-report filter: the display filter, when the
   * count is limited to it, is the scan's filter for every listener. */
  iot_stats_add_request (stats, "io,phs", NULL);
  iot_stats_add_request (stats, "io,phs", NULL);
  for (guint t = 0; t < IOT_CONV_N_TYPES; t++)
    {
      g_autofree char *spec = g_strdup_printf ("conv,%s", layers[t]);

      iot_stats_add_request (stats, spec, NULL);
    }
  for (guint t = 0; t < IOT_CONV_N_TYPES; t++)
    {
      g_autofree char *spec = g_strdup_printf ("endpoints,%s", layers[t]);

      iot_stats_add_request (stats, spec, NULL);
    }
  iot_stats_add_request (stats, "expert", NULL);
  iot_stats_add_request (stats, "plen,tree", NULL);
  iot_stats_add_request (stats, "iat,tree", NULL);
  g_assert (iot_stats_n_requests (stats) == IOT_STATS_N_REQUESTS);
  return stats;
}

/* The window's own listener, after the statistics': it reads when the
 * counted frames were captured.  Its add_wanted runs in the worker before
 * the first frame, so the statistics begin there too. */
static void
tables_add_wanted (gpointer data, IotFieldSet *wanted, IotDissectFlags *flags)
{
  IotStatsTables *t = data;

  t->started = g_get_monotonic_time ();
  iot_stats_begin (t->stats, t->file, t->n_total);
  /* Wireshark's window starts the tree at "frame"; tshark's text does not. */
  iot_protocol_hierarchy_set_include_frame (iot_stats_get_hierarchy (t->stats, IOT_STATS_REQ_PHS), TRUE);
  iot_protocol_hierarchy_set_include_frame (iot_stats_get_hierarchy (t->stats, IOT_STATS_REQ_PHS_TEXT), FALSE);
  *flags |= IOT_DISSECT_TREE;
}

static void
tables_frame (gpointer data, IotPacket *pkt)
{
  IotStatsTables *t = data;
  gint64 rel = iot_packet_time_ns (pkt) - iot_file_frame (t->file, 1)->ts_ns;

  if (t->n_counted == 0 || rel < t->first_ns)
    t->first_ns = rel;
  if (t->n_counted == 0 || rel > t->last_ns)
    t->last_ns = rel;
  t->n_counted++;
}

static void
tables_finish (gpointer data)
{
  IotStatsTables *t = data;

  t->seconds = (double) (g_get_monotonic_time () - t->started) / G_USEC_PER_SEC;
}

static const IotScanListener tables_listener = {
  .add_wanted = tables_add_wanted,
  .frame = tables_frame,
  .finish = tables_finish,
};

/* ---- showing the count -------------------------------------------------------------- */

static void
update_status (IotStatsWindow *self)
{
  const IotStatsTables *t = self->tables;
  g_autofree char *text = NULL;

  if (t->filter != NULL)
    text = g_strdup_printf (_("%u of %u frames match “%s” · %.3f s from first to last · counted in %.2f s"),
                            t->n_counted, t->n_total, t->filter, iot_stats_tables_duration (t), t->seconds);
  else
    text = g_strdup_printf (_("All %u frames counted · %.3f s from first to last · counted in %.2f s"),
                            t->n_counted, iot_stats_tables_duration (t), t->seconds);
  gtk_label_set_text (self->status_label, text);
}

static IotStatsPage *
page_by_name (IotStatsWindow *self, const char *name)
{
  return IOT_STATS_PAGE (gtk_stack_get_child_by_name (self->pages, name));
}

static IotStatsPage *
current_page (IotStatsWindow *self)
{
  return IOT_STATS_PAGE (gtk_stack_get_visible_child (self->pages));
}

static void
show_tables (IotStatsWindow *self)
{
  for (guint p = 0; page_names[p] != NULL; p++)
    iot_stats_page_show (page_by_name (self, page_names[p]), self->tables);
  update_status (self);
  gtk_spinner_stop (self->spinner);
  gtk_stack_set_visible_child_name (self->state_stack, "content");
  gtk_widget_set_sensitive (GTK_WIDGET (self->switcher), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->copy_button), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->limit_check), self->session_filter != NULL);
}

/* ---- running the count ------------------------------------------------------------ */

static void
stats_progress (IotAnalysisWindow *window, double fraction)
{
  gtk_progress_bar_set_fraction (IOT_STATS_WINDOW (window)->progress, fraction);
}

static void
show_error (IotStatsWindow *self, const char *message)
{
  gtk_spinner_stop (self->spinner);
  gtk_label_set_text (self->error_label, message);
  gtk_stack_set_visible_child_name (self->state_stack, "error");
}

static void
count_done (IotAnalysisWindow *window, gpointer job, const GError *error)
{
  IotStatsWindow *self = IOT_STATS_WINDOW (window);
  IotStatsTables *tables = job;

  if (error != NULL)
    {
      show_error (self, error->message);
      return;
    }
  tables->file = NULL;
  g_clear_pointer (&self->tables, iot_stats_tables_unref);
  self->tables = iot_stats_tables_ref (tables);
  show_tables (self);
  iot_analysis_window_emit_ready (window);
}

/* Everything is counted in one scan: the statistics and the window's own
 * listener, both limited to the display filter when it is ticked. */
static void
start_count (IotStatsWindow *self)
{
  IotAnalysisWindow *window = IOT_ANALYSIS_WINDOW (self);
  IotCapture *capture = iot_analysis_window_get_capture (window);
  gboolean limit = gtk_check_button_get_active (self->limit_check) && self->session_filter != NULL;
  g_autoptr (IotStatsTables) tables = iot_stats_tables_new ();
  g_autoptr (IotScan) scan = NULL;

  iot_analysis_window_cancel (window);
  gtk_spinner_start (self->spinner);
  gtk_stack_set_visible_child_name (self->state_stack, "loading");
  gtk_widget_set_sensitive (GTK_WIDGET (self->switcher), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->copy_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->limit_check), FALSE);
  gtk_label_set_text (self->status_label, limit ? _("Counting the frames that match the display filter…")
                                                : _("Counting every frame…"));

  tables->stats = stats_for_window ();
  tables->file = iot_capture_file (capture);
  tables->n_total = iot_capture_n_passed (capture);
  if (limit)
    {
      tables->compiled = iot_filter_compile (self->session_filter, NULL);
      if (tables->compiled == NULL)
        {
          g_autofree char *message = g_strdup_printf (_("The display filter “%s” does not compile"),
                                                      self->session_filter);

          show_error (self, message);
          return;
        }
      tables->filter = g_strdup (self->session_filter);
    }
  scan = iot_analysis_window_new_scan (window);
  iot_scan_add_listener (scan, &iot_stats_listener, tables->stats, tables->compiled);
  iot_scan_add_listener (scan, &tables_listener, tables, tables->compiled);
  iot_analysis_window_run_scan (window, g_steal_pointer (&scan), g_steal_pointer (&tables),
                                (GDestroyNotify) iot_stats_tables_unref, count_done);
}

static void
limit_toggled_cb (GtkCheckButton *check, GParamSpec *pspec, IotStatsWindow *self)
{
  start_count (self);
}

/* ---- actions ----------------------------------------------------------------------- */

/* "Apply as Filter" on the selected conversation, endpoint or protocol. */
static void
apply_filter_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotStatsWindow *self = IOT_STATS_WINDOW (widget);
  g_autoptr (IotStatsRow) row = iot_stats_page_dup_selected (current_page (self));
  g_autofree char *filter = row != NULL ? iot_stats_row_dup_filter (row) : NULL;

  if (filter != NULL)
    iot_analysis_window_emit_filter_requested (IOT_ANALYSIS_WINDOW (self), filter);
}

static void
copy_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotStatsWindow *self = IOT_STATS_WINDOW (widget);
  g_autofree char *text = iot_stats_window_dup_page_text (self, NULL);

  if (text != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
}

/* The selected expert item's first frame. */
static void
go_to_frame_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotStatsWindow *self = IOT_STATS_WINDOW (widget);
  g_autoptr (IotStatsRow) row = iot_stats_page_dup_selected (page_by_name (self, "expert"));
  guint32 frame = row != NULL ? iot_stats_row_get_first_frame (row) : 0;

  if (frame != 0)
    iot_analysis_window_emit_frame_activated (IOT_ANALYSIS_WINDOW (self), frame);
}

/* ---- public -------------------------------------------------------------------------- */

IotStatsWindow *
iot_stats_window_new (IotSession *session, const char *page)
{
  IotStatsWindow *self;
  const char *filter;
  g_autofree char *title = NULL;
  g_autofree char *basename = NULL;

  g_return_val_if_fail (IOT_IS_SESSION (session), NULL);
  g_return_val_if_fail (iot_session_get_capture (session) != NULL, NULL);

  self = g_object_new (IOT_TYPE_STATS_WINDOW, "session", session, NULL);
  filter = iot_session_get_filter_text (session);
  self->session_filter = filter != NULL && *filter != '\0' ? g_strdup (filter) : NULL;
  basename = iot_session_get_path (session) ? g_path_get_basename (iot_session_get_path (session)) : NULL;
  title = basename ? g_strdup_printf (_("Statistics — %s"), basename) : g_strdup (_("Statistics"));
  gtk_window_set_title (GTK_WINDOW (self), title);
  if (self->session_filter != NULL)
    {
      g_autofree char *label = g_strdup_printf (_("_Limit to display filter (%s)"), self->session_filter);

      gtk_check_button_set_label (self->limit_check, label);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->limit_check),
                                   _("Count only the frames that the main window's display filter shows"));
    }
  else
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->limit_check),
                                 _("No display filter was applied in the main window when this window opened"));
  /* Like the main window: what it shows is what is counted. */
  g_signal_handlers_block_by_func (self->limit_check, limit_toggled_cb, self);
  gtk_check_button_set_active (self->limit_check, self->session_filter != NULL);
  g_signal_handlers_unblock_by_func (self->limit_check, limit_toggled_cb, self);
  iot_stats_window_set_page (self, page);
  start_count (self);
  return self;
}

void
iot_stats_window_set_page (IotStatsWindow *self, const char *page)
{
  g_return_if_fail (IOT_IS_STATS_WINDOW (self));
  if (page == NULL || !g_strv_contains (page_names, page))
    page = page_names[0];
  gtk_stack_set_visible_child_name (self->pages, page);
}


char *
iot_stats_window_dup_page_text (IotStatsWindow *self, const char *page)
{
  if (self->tables == NULL)
    return NULL;
  if (page != NULL && !g_strv_contains (page_names, page))
    page = page_names[0];
  return iot_stats_page_dup_text (page != NULL ? page_by_name (self, page) : current_page (self), self->tables);
}

/* ---- GObject ------------------------------------------------------------------------ */

static void
iot_stats_window_dispose (GObject *object)
{
  IotStatsWindow *self = IOT_STATS_WINDOW (object);

  iot_analysis_window_cancel (IOT_ANALYSIS_WINDOW (self));
  gtk_widget_dispose_template (GTK_WIDGET (self), IOT_TYPE_STATS_WINDOW);
  G_OBJECT_CLASS (iot_stats_window_parent_class)->dispose (object);
}

static void
iot_stats_window_finalize (GObject *object)
{
  IotStatsWindow *self = IOT_STATS_WINDOW (object);

  g_clear_pointer (&self->tables, iot_stats_tables_unref);
  g_free (self->session_filter);
  G_OBJECT_CLASS (iot_stats_window_parent_class)->finalize (object);
}

static void
iot_stats_window_class_init (IotStatsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = iot_stats_window_dispose;
  object_class->finalize = iot_stats_window_finalize;
  IOT_ANALYSIS_WINDOW_CLASS (klass)->progress = stats_progress;

  g_type_ensure (IOT_TYPE_STATS_PHS_PAGE);
  g_type_ensure (IOT_TYPE_STATS_TABLE_PAGE);
  g_type_ensure (IOT_TYPE_STATS_EXPERT_PAGE);
  g_type_ensure (IOT_TYPE_STATS_HISTOGRAM_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-stats-window.ui");
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, switcher);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, copy_button);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, state_stack);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, progress);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, pages);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, IotStatsWindow, limit_check);
  gtk_widget_class_install_action (widget_class, "stats.apply-filter", NULL, apply_filter_action);
  gtk_widget_class_install_action (widget_class, "stats.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "stats.go-to-frame", NULL, go_to_frame_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "stats.copy",
                                       NULL);
}

static void
iot_stats_window_init (IotStatsWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->limit_check, "notify::active", G_CALLBACK (limit_toggled_cb), self);
}
