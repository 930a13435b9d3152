/* iot-window.c — the main window. */
#include "iot-window.h"

#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "iot-capture-dialog.h"
#include "iot-export.h"
#include "iot-follow-window.h"
#include "iot-live.h"
#include "iot-secrets.h"
#include "iot-secrets-settings.h"
#include "iot-colour-rules.h"
#include "iot-dissect-settings.h"
#include "iot-welcome-page.h"
#include "iot-tls-sessions.h"
#include "iot-window-notes.h"
#include "iot-column-prefs.h"
#include "iot-frame-notes.h"

/* Captured / dropped counts refresh at about 2 Hz. */
#define STATS_INTERVAL_MS 500

#define RECENT_MAX 10

struct _IotWindow {
  GtkApplicationWindow parent_instance;

  IotFilterBar   *filter_bar;
  IotFindBar     *find_bar;
  GtkRevealer    *progress_revealer;
  GtkProgressBar *progress_bar;
  GtkPaned       *outer_paned;
  GtkPaned       *side_split;      /* the packet panes | a side pane */
  GtkPaned       *inner_paned;
  IotPacketList  *packet_list;
  IotProtoTree   *proto_tree;
  IotHexView     *hex_view;
  GtkLabel       *description;
  GtkLabel       *status_file;
  GtkLabel       *status_counts;
  GtkStack       *content_stack;    /* the welcome page with no capture open */
  GtkLabel       *status_expert;
  GtkLabel       *status_tls;
  GtkMenuButton  *goto_button;
  GtkPopover     *goto_popover;
  GtkEntry       *goto_entry;
  GtkButton      *goto_go;
  GMenu          *recent_section;

  IotSession     *session;
  GSettings      *settings;
  GtkFileChooserNative *chooser;
  GtkFileChooserNative *save_chooser;
  GtkDialog      *save_question;    /* pcap and comments: destroyed with the window */
  GtkFileFilter  *pcapng_filter;
  /* Which choices the open chooser has (asking for another one warns). */
  gboolean        save_chooses_range;
  gboolean        save_chooses_secrets;
  IotExportSecrets save_secrets;    /* the chooser's answer, for iot_window_save() */
  gboolean        show_dialogs;
  gboolean        restoring;

  /* The selected frame's streams, for Follow; -1 = none. */
  gint64          tcp_stream;
  gint64          udp_stream;
  gboolean        has_mqtt;

  /* Live capture.  The options of the last start, for Ctrl+E and restart. */
  IotLive        *live;
  char           *live_path;        /* our temporary capture file; deleted at the end */
  gboolean        live_unsaved;     /* frames captured and not saved yet */
  IotLiveStats    live_stats;       /* of the running or the last capture */
  gboolean        auto_scroll;
  guint           scroll_id;        /* a scroll to the newest rows, queued */
  char          **live_interfaces;
  char           *live_filter;
  gboolean        live_promiscuous;
  gboolean        live_monitor;
  IotCaptureLimits live_limits;
  guint           stats_id;
  char           *live_error;       /* why the capture stopped, until its frames are shown */
  IotCaptureDialog *capture_dialog;
  gboolean        close_confirmed;
  gboolean        restarting;

  GCancellable   *tls_count;        /* the running count of decrypted TLS sessions */
};

G_DEFINE_FINAL_TYPE (IotWindow, iot_window, GTK_TYPE_APPLICATION_WINDOW)


/* ---- status ------------------------------------------------------------------- */

/* Packets lost before they reached the file: the kernel's buffer was
 * full, or the interface dropped them.  Always shown while capturing (a
 * zero says none were lost); after, only when some were. */
static void
append_drops (GString *counts, const IotLiveStats *stats, gboolean always)
{
  guint64 dropped = stats->dropped + stats->if_dropped;

  if (dropped == 0 && !always)
    return;
  g_string_append_printf (counts, _("Dropped: %llu"), (unsigned long long) dropped);
  if (stats->if_dropped > 0)
    g_string_append_printf (counts, _(" (kernel %llu, interface %llu)"),
                            (unsigned long long) stats->dropped, (unsigned long long) stats->if_dropped);
  g_string_append (counts, " · ");
}

/* The status bar changes at every live update: only what differs goes to
 * the widgets.  A tooltip set again costs GTK 4.8 round trips to the X
 * server (it looks for the pointer), and a style class taken off and put
 * back restyles the label. */
static void
set_tooltip_if_changed (GtkWidget *widget, const char *text)
{
  if (g_strcmp0 (gtk_widget_get_tooltip_text (widget), text) != 0)
    gtk_widget_set_tooltip_text (widget, text);
}

static void
set_label_if_changed (GtkLabel *label, const char *text)
{
  if (g_strcmp0 (gtk_label_get_text (label), text) != 0)
    gtk_label_set_text (label, text);
}

static void
set_expert_class (GtkWidget *label, const char *wanted)
{
  static const char *const classes[] = { "expert-error", "expert-warn", "expert-none" };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    if (g_strcmp0 (classes[i], wanted) != 0 && gtk_widget_has_css_class (label, classes[i]))
      gtk_widget_remove_css_class (label, classes[i]);
  if (wanted != NULL && !gtk_widget_has_css_class (label, wanted))
    gtk_widget_add_css_class (label, wanted);
}

static void
update_status (IotWindow *self)
{
  const char *path = iot_session_get_path (self->session);
  guint32 total = iot_session_get_n_total (self->session);
  guint displayed = iot_session_get_n_displayed (self->session);
  g_autoptr (GString) counts = g_string_new (NULL);
  g_autofree char *base = path != NULL ? g_path_get_basename (path) : NULL;

  /* Called at each live update: the title goes to the display server
   * only when it changes. */
  set_label_if_changed (self->status_file, path != NULL ? path : _("No capture open — drop a pcap or pcapng file here"));
  if (g_strcmp0 (gtk_window_get_title (GTK_WINDOW (self)), base != NULL ? base : "iotscope") != 0)
    gtk_window_set_title (GTK_WINDOW (self), base != NULL ? base : "iotscope");
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), path != NULL ? "capture" : "welcome") != 0)
    gtk_stack_set_visible_child_name (self->content_stack, path != NULL ? "capture" : "welcome");
  if (path == NULL)
    {
      gtk_label_set_text (self->status_counts, "");
      return;
    }
  if (self->live != NULL)
    {
      iot_live_get_stats (self->live, &self->live_stats);
      g_string_append_printf (counts, _("Capturing · Captured: %llu · "),
                              (unsigned long long) self->live_stats.captured);
      append_drops (counts, &self->live_stats, TRUE);
    }
  else if (self->live_path != NULL && g_strcmp0 (path, self->live_path) == 0)
    {
      /* The file of the last capture: what it lost stays in view. */
      if (self->live_unsaved)
        g_string_append (counts, _("Unsaved capture · "));
      append_drops (counts, &self->live_stats, FALSE);
    }
  g_string_append_printf (counts, _("Frames: %u"), total);
  if (iot_session_get_filter_text (self->session) != NULL)
    g_string_append_printf (counts, _(" · Displayed: %u (%.1f%%)"), displayed,
                            total > 0 ? 100.0 * displayed / total : 0.0);
  if (iot_session_get_load_partial (self->session))
    g_string_append_printf (counts, _(" · Loading cancelled: the first %u of %u frames are shown"), total,
                            iot_session_get_n_in_file (self->session));
  else if (iot_session_get_load_seconds (self->session) > 0)
    g_string_append_printf (counts, _(" · Load time: %.2f s"), iot_session_get_load_seconds (self->session));
  set_label_if_changed (self->status_counts, counts->str);
}

/* Expert info of the displayed frames, counted by the workers. */
static void
update_expert (IotWindow *self)
{
  guint n_errors = 0, n_warnings = 0;
  GtkWidget *label = GTK_WIDGET (self->status_expert);
  g_autofree char *text = NULL;

  if (iot_session_get_path (self->session) == NULL)
    {
      set_expert_class (label, NULL);
      gtk_widget_set_visible (label, FALSE);
      return;
    }
  gtk_widget_set_visible (label, TRUE);
  if (!iot_session_get_expert_counts (self->session, &n_errors, &n_warnings))
    {
      set_expert_class (label, NULL);
      set_label_if_changed (GTK_LABEL (label), _("Expert: …"));
      set_tooltip_if_changed (label, _("Expert info is being counted"));
      return;
    }
  if (n_errors > 0)
    text = g_strdup_printf (_("Errors: %u · Warnings: %u"), n_errors, n_warnings);
  else if (n_warnings > 0)
    text = g_strdup_printf (_("Warnings: %u"), n_warnings);
  else
    text = g_strdup (_("No expert warnings"));
  set_label_if_changed (GTK_LABEL (label), text);
  set_expert_class (label, n_errors > 0 ? "expert-error" : n_warnings > 0 ? "expert-warn" : "expert-none");
  set_tooltip_if_changed (label, _("Displayed frames whose most severe expert item is an error or a warning "
                                 "(filter with _ws.expert.severity); click for Expert Information"));
}

/* ---- TLS sessions decrypted ---------------------------------------------------- */

typedef struct {
  IotCapture *capture;
  guint       n, n_decrypted;
} TlsCountJob;

static void
tls_count_job_free (gpointer data)
{
  TlsCountJob *job = data;

  iot_capture_unref (job->capture);
  g_free (job);
}

static void
tls_count_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  TlsCountJob *job = task_data;
  g_autoptr (IotTlsSessions) sessions = iot_tls_sessions_new ();

  iot_worker_lower_priority ();
  if (!iot_tls_sessions_scan (sessions, iot_capture_engine (job->capture), cancellable))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "cancelled");
      return;
    }
  job->n = iot_tls_sessions_n (sessions);
  job->n_decrypted = iot_tls_sessions_n_decrypted (sessions);
  g_task_return_boolean (task, TRUE);
}

static void
tls_count_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  IotWindow *self = IOT_WINDOW (source);
  TlsCountJob *job = g_task_get_task_data (G_TASK (result));
  g_autofree char *text = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    return;   /* cancelled: another count replaces it */
  g_clear_object (&self->tls_count);
  gtk_widget_set_visible (GTK_WIDGET (self->status_tls), job->n > 0);
  text = g_strdup_printf ("%u of %u TLS session%s decrypted", job->n_decrypted, job->n, job->n == 1 ? "" : "s");
  gtk_label_set_text (self->status_tls, job->n > 0 ? text : "");
  g_signal_emit_by_name (self, "tls-status-changed");
}

/* Counts, in a worker, the TLS and DTLS sessions of the loaded capture
 * and those the secrets decrypt. */
static void
count_tls_sessions (IotWindow *self)
{
  IotCapture *capture = iot_session_get_capture (self->session);
  g_autoptr (GTask) task = NULL;
  TlsCountJob *job;

  if (self->tls_count != NULL)
    g_cancellable_cancel (self->tls_count);
  g_clear_object (&self->tls_count);
  if (capture == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->status_tls), FALSE);
      return;
    }
  self->tls_count = g_cancellable_new ();
  job = g_new0 (TlsCountJob, 1);
  job->capture = iot_capture_ref (capture);
  task = g_task_new (self, self->tls_count, tls_count_done_cb, NULL);
  g_task_set_task_data (task, job, tls_count_job_free);
  g_task_run_in_thread (task, tls_count_thread);
}

static void
load_finished_cb (IotSession *session, IotWindow *self)
{
  if (!iot_session_is_live (session))
    count_tls_sessions (self);
}

/* The count in the status bar opens the place to add secrets. */
static void
tls_status_clicked_cb (GtkGestureClick *gesture, int n_press, double x, double y, IotWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "app.preferences", NULL);
}

void
iot_window_reload (IotWindow *self)
{
  const char *path = iot_session_get_path (self->session);
  g_autoptr (GFile) file = NULL;

  g_return_if_fail (IOT_IS_WINDOW (self));
  if (path == NULL || self->live != NULL)
    return;
  file = g_file_new_for_path (path);
  iot_session_open (self->session, file);
}

static void
secrets_changed_cb (GSettings *settings, const char *key, IotWindow *self)
{
  iot_window_reload (self);
}

/* Whether @file starts as an NSS key log does (the first 64 KiB decide;
 * a capture file fails at once on its binary header). */
static gboolean
file_is_keylog (GFile *file)
{
  g_autoptr (GFileInputStream) in = g_file_read (file, NULL, NULL);
  g_autofree char *head = g_malloc (65536);
  gsize n = 0;

  if (in == NULL || !g_input_stream_read_all (G_INPUT_STREAM (in), head, 65536, &n, NULL, NULL))
    return FALSE;
  return iot_secrets_looks_like_keylog (head, n);
}

void
iot_window_drop_file (IotWindow *self, GFile *file)
{
  g_autofree char *path = g_file_get_path (file);

  g_return_if_fail (IOT_IS_WINDOW (self));
  if (path == NULL || !file_is_keylog (file))
    {
      iot_window_open (self, file);
      return;
    }
  if (self->settings != NULL)
    {
      /* The settings' watcher loads it; every window dissects again. */
      g_settings_set_string (self->settings, "tls-keylog-file", path);
      return;
    }
  {
    g_autoptr (GError) error = NULL;

    if (!iot_secrets_add_keylog_file (iot_secrets_default (), path, &error))
      g_signal_emit_by_name (self->session, "problem", _("Some key log lines could not be read"), error->message);
    iot_window_reload (self);
  }
}

static void update_save_actions (IotWindow *self);

static void scroll_to_newest (IotWindow *self);

static gboolean
scroll_idle_cb (gpointer data)
{
  IotWindow *self = data;

  self->scroll_id = 0;
  scroll_to_newest (self);
  return G_SOURCE_REMOVE;
}

/* Scrolling re-binds every row the list keeps widgets for (up to 200):
 * in a main-loop iteration of its own, not in the one that gave the list
 * its new rows; still before the next frame is drawn. */
static void
queue_scroll_to_newest (IotWindow *self)
{
  if (self->scroll_id == 0)
    self->scroll_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 10, scroll_idle_cb, self, NULL);
}

static void
status_cb (IotSession *session, GParamSpec *pspec, IotWindow *self)
{
  /* Not while the list makes its first row widgets a step at a time:
   * each step would scroll, and so repaint, the whole list. */
  if (iot_session_is_live (session) && g_str_equal (pspec->name, "n-displayed")
      && !iot_session_live_rows_held (session))
    queue_scroll_to_newest (self);
  update_status (self);
  update_expert (self);
  update_save_actions (self);
}

static void
busy_cb (IotSession *session, GParamSpec *pspec, IotWindow *self)
{
  gtk_revealer_set_reveal_child (self->progress_revealer, iot_session_is_busy (session));
  gtk_progress_bar_set_fraction (self->progress_bar, iot_session_get_progress (session));
  gtk_progress_bar_set_text (self->progress_bar, iot_session_get_busy_text (session));
}

/* The teaching line: what the selected field is. */
static void
selected_node_cb (IotSession *session, GParamSpec *pspec, IotWindow *self)
{
  IotPacket *pkt = iot_session_get_packet (session);
  int node = iot_session_get_selected_node (session);
  const IotField *field = pkt != NULL && node >= 0 ? iot_packet_node (pkt, node)->field : NULL;
  g_autofree char *markup = NULL;

  if (field == NULL)
    {
      gtk_label_set_text (self->description,
                          pkt != NULL ? _("Select a row of the tree to see what it means.")
                                      : _("Select a packet to see its protocol layers."));
      return;
    }
  markup = g_markup_printf_escaped ("<b>%s</b> (<tt>%s</tt>)%s%s", field->name, field->abbrev,
                                    field->blurb != NULL ? " — " : "",
                                    field->blurb != NULL ? field->blurb : "");
  gtk_label_set_markup (self->description, markup);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->description), field->blurb);
}

static void
problem_cb (IotSession *session, const char *title, const char *detail, IotWindow *self)
{
  GtkWidget *dialog;

  g_message ("%s: %s", title, detail);
  if (!self->show_dialogs)
    return;
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "%s", title);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", detail);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- files -------------------------------------------------------------------- */

void
iot_window_open (IotWindow *self, GFile *file)
{
  g_autofree char *uri = g_file_get_uri (file);
  GtkRecentData data = {
    .mime_type = (char *) "application/vnd.tcpdump.pcap",
    .app_name = (char *) "iotscope",
    .app_exec = (char *) "iotscope %f",
  };

  g_return_if_fail (IOT_IS_WINDOW (self));
  /* Secrets one capture carried do not open another. */
  iot_secrets_forget_embedded (iot_secrets_default ());
  iot_session_open (self->session, file);
  if (g_str_has_suffix (uri, ".pcapng"))
    data.mime_type = (char *) "application/x-pcapng";
  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

static void
chooser_response_cb (GtkNativeDialog *dialog, int response, IotWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        iot_window_open (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
add_filter (GtkFileChooser *chooser, const char *name, const char *const *patterns,
            const char *const *mime_types)
{
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  for (; patterns != NULL && *patterns != NULL; patterns++)
    gtk_file_filter_add_pattern (filter, *patterns);
  for (; mime_types != NULL && *mime_types != NULL; mime_types++)
    gtk_file_filter_add_mime_type (filter, *mime_types);
  gtk_file_chooser_add_filter (chooser, filter);
}

static void
open_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotWindow *self = IOT_WINDOW (widget);
  static const char *const capture_patterns[] = { "*.pcap", "*.pcapng", "*.cap", "*.pcap.gz", NULL };
  static const char *const capture_types[] = { "application/vnd.tcpdump.pcap", "application/x-pcapng", NULL };
  static const char *const all[] = { "*", NULL };

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Open Capture File"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  add_filter (GTK_FILE_CHOOSER (self->chooser), _("Capture files (pcap, pcapng)"), capture_patterns, capture_types);
  add_filter (GTK_FILE_CHOOSER (self->chooser), _("All files"), all, NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
open_recent_action (GtkWidget *widget, const char *name, GVariant *param)
{
  g_autoptr (GFile) file = g_file_new_for_uri (g_variant_get_string (param, NULL));

  iot_window_open (IOT_WINDOW (widget), file);
}

static gboolean
is_capture_uri (const char *uri)
{
  return g_str_has_suffix (uri, ".pcap") || g_str_has_suffix (uri, ".pcapng")
         || g_str_has_suffix (uri, ".cap");
}

static void
rebuild_recent (IotWindow *self)
{
  GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  guint added = 0;

  g_menu_remove_all (self->recent_section);
  for (GList *l = items; l != NULL && added < RECENT_MAX; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      const char *uri = gtk_recent_info_get_uri (info);
      g_autoptr (GMenuItem) item = NULL;

      if (!is_capture_uri (uri) || !gtk_recent_info_exists (info))
        continue;
      item = g_menu_item_new (gtk_recent_info_get_display_name (info), NULL);
      g_menu_item_set_action_and_target (item, "win.open-recent", "s", uri);
      g_menu_append_item (self->recent_section, item);
      added++;
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

static void
recent_changed_cb (GtkRecentManager *manager, IotWindow *self)
{
  rebuild_recent (self);
}

static gboolean
drop_cb (GtkDropTarget *target, const GValue *value, double x, double y, IotWindow *self)
{
  if (!G_VALUE_HOLDS (value, G_TYPE_FILE))
    return FALSE;
  iot_window_drop_file (self, g_value_get_object (value));
  return TRUE;
}

/* ---- save / export ------------------------------------------------------------ */

static void
show_error (IotWindow *self, const char *title, const char *detail)
{
  problem_cb (self->session, title, detail, self);
}

static int
compare_numbers (gconstpointer a, gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

/* The frames of @range, in frame order (whatever the sort shown). */
static GArray *
range_numbers (IotWindow *self, IotExportRange range)
{
  IotFrameList *frames = iot_session_get_frames (self->session);
  GArray *numbers = g_array_new (FALSE, FALSE, sizeof (guint32));

  switch (range)
    {
    case IOT_EXPORT_RANGE_ALL:
      for (guint32 n = 1; n <= iot_frame_list_get_n_passed (frames); n++)
        g_array_append_val (numbers, n);
      break;
    case IOT_EXPORT_RANGE_DISPLAYED:
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (frames)); i++)
        {
          guint32 n = iot_frame_list_number_at (frames, i);

          g_array_append_val (numbers, n);
        }
      g_array_sort (numbers, compare_numbers);
      break;
    case IOT_EXPORT_RANGE_MARKED:
      g_array_unref (numbers);
      numbers = iot_file_dup_marked (iot_capture_file (iot_session_get_capture (self->session)));
      break;
    case IOT_EXPORT_RANGE_SELECTED:
      {
        guint32 n = iot_session_get_selected_frame (self->session);

        if (n != 0)
          g_array_append_val (numbers, n);
      }
      break;
    default:
      g_assert_not_reached ();
    }
  return numbers;
}

gboolean
iot_window_export (IotWindow *self, const char *path, IotExportRange range, GError **error)
{
  return iot_window_export_full (self, path, range, IOT_EXPORT_SECRETS_EMBED, error);
}

gboolean
iot_window_export_full (IotWindow *self, const char *path, IotExportRange range, IotExportSecrets secrets,
                        GError **error)
{
  IotCapture *capture = iot_session_get_capture (self->session);
  g_autoptr (GArray) numbers = NULL;

  g_return_val_if_fail (IOT_IS_WINDOW (self), FALSE);
  if (capture == NULL || iot_session_is_loading (self->session))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PENDING,
                           _("The capture is not loaded yet: wait until loading finishes"));
      return FALSE;
    }
  numbers = range_numbers (self, range);
  if (numbers->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           range == IOT_EXPORT_RANGE_SELECTED ? _("No frame is selected")
                           : range == IOT_EXPORT_RANGE_MARKED ? _("No frame is marked")
                                                              : _("There are no frames to save"));
      return FALSE;
    }
  return iot_export_frames_full (iot_capture_file (capture), (const guint32 *) numbers->data, numbers->len,
                                 path, iot_export_format_for_path (path), secrets, error);
}

static void
save_now (IotWindow *self, const char *path, IotExportRange range)
{
  g_autoptr (GError) error = NULL;
  IotExportSecrets secrets = self->save_secrets;

  /* The chooser's answer holds for this save only. */
  self->save_secrets = IOT_EXPORT_SECRETS_EMBED;
  if (!iot_window_export_full (self, path, range, secrets, &error))
    show_error (self, _("Cannot save the capture"), error->message);
  else if (range == IOT_EXPORT_RANGE_ALL && self->live == NULL)
    {
      self->live_unsaved = FALSE;
      update_status (self);
    }
}

/* @path with .pcapng for its extension. */
static char *
pcapng_path_for (const char *path)
{
  const char *dot = strrchr (path, '.');
  const char *slash = strrchr (path, G_DIR_SEPARATOR);
  g_autofree char *stem = NULL;

  if (dot == NULL || (slash != NULL && dot < slash))
    return g_strconcat (path, ".pcapng", NULL);
  stem = g_strndup (path, dot - path);
  return g_strconcat (stem, ".pcapng", NULL);
}

static void
save_question_response_cb (GtkDialog *dialog, int response, IotWindow *self)
{
  g_autofree char *path = g_strdup (g_object_get_data (G_OBJECT (dialog), "iot-save-path"));
  IotExportRange range = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "iot-save-range"));

  self->save_question = NULL;
  gtk_window_destroy (GTK_WINDOW (dialog));
  if (response == IOT_SAVE_AS_PCAPNG)
    {
      g_autofree char *pcapng = pcapng_path_for (path);

      save_now (self, pcapng, range);
    }
  else if (response == IOT_SAVE_WITHOUT_COMMENTS)
    save_now (self, path, range);
}

/* Nothing is written before the user chose what becomes of the comments. */
static void
ask_about_comments (IotWindow *self, const char *path, IotExportRange range, guint n_commented)
{
  g_autofree char *pcapng = pcapng_path_for (path);
  g_autofree char *base = g_path_get_basename (pcapng);
  GtkWidget *dialog;

  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   _("pcap files cannot hold packet comments"));
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                            ngettext ("%u packet to be saved has a comment. Save as pcapng "
                                                      "(“%s”) to keep it, or save the pcap file without it.",
                                                      "%u packets to be saved have comments. Save as pcapng "
                                                      "(“%s”) to keep them, or save the pcap file without them.",
                                                      n_commented),
                                            n_commented, base);
  gtk_dialog_add_buttons (GTK_DIALOG (dialog),
                          _("_Cancel"), GTK_RESPONSE_CANCEL,
                          _("Save _without Comments"), IOT_SAVE_WITHOUT_COMMENTS,
                          _("Save as _pcapng"), IOT_SAVE_AS_PCAPNG,
                          NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), IOT_SAVE_AS_PCAPNG);
  g_object_set_data_full (G_OBJECT (dialog), "iot-save-path", g_strdup (path), g_free);
  g_object_set_data (G_OBJECT (dialog), "iot-save-range", GINT_TO_POINTER (range));
  g_signal_connect (dialog, "response", G_CALLBACK (save_question_response_cb), self);
  self->save_question = GTK_DIALOG (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
iot_window_save (IotWindow *self, const char *path, IotExportRange range)
{
  IotCapture *capture = iot_session_get_capture (self->session);
  guint n_commented = 0;

  g_return_if_fail (IOT_IS_WINDOW (self));
  g_return_if_fail (path != NULL);
  if (self->save_question != NULL)
    return;     /* one question at a time */
  if (capture != NULL && !iot_session_is_loading (self->session)
      && iot_export_format_for_path (path) == IOT_EXPORT_PCAP)
    {
      g_autoptr (GArray) numbers = range_numbers (self, range);

      n_commented = iot_window_notes_count_commented (self, (const guint32 *) numbers->data, numbers->len);
    }
  if (n_commented > 0)
    ask_about_comments (self, path, range, n_commented);
  else
    save_now (self, path, range);
}

GtkDialog *
iot_window_get_save_question (IotWindow *self)
{
  g_return_val_if_fail (IOT_IS_WINDOW (self), NULL);
  return self->save_question;
}

/* The chosen name, with the extension of the chosen format when it has
 * none of ours. */
static char *
chosen_path (IotWindow *self, GtkFileChooser *chooser)
{
  g_autoptr (GFile) file = gtk_file_chooser_get_file (chooser);
  g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
  gboolean pcapng = gtk_file_chooser_get_filter (chooser) == self->pcapng_filter;
  g_autofree char *lower = path != NULL ? g_ascii_strdown (path, -1) : NULL;

  if (path == NULL)
    return NULL;
  if (g_str_has_suffix (lower, ".pcap") || g_str_has_suffix (lower, ".pcapng")
      || g_str_has_suffix (lower, ".cap") || g_str_has_suffix (lower, ".ntar"))
    return g_steal_pointer (&path);
  return g_strconcat (path, pcapng ? ".pcapng" : ".pcap", NULL);
}

static void
save_response_cb (GtkNativeDialog *dialog, int response, IotWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      GtkFileChooser *chooser = GTK_FILE_CHOOSER (dialog);
      g_autofree char *path = chosen_path (self, chooser);
      const char *choice = self->save_chooses_range ? gtk_file_chooser_get_choice (chooser, "range") : NULL;
      /* Without the choice no secrets are known: nothing to embed. */
      IotExportSecrets secrets = self->save_chooses_secrets
                                 && g_strcmp0 (gtk_file_chooser_get_choice (chooser, "secrets"), "false") == 0
                                   ? IOT_EXPORT_SECRETS_DISCARD : IOT_EXPORT_SECRETS_EMBED;
      IotExportRange range = IOT_EXPORT_RANGE_ALL;

      if (g_strcmp0 (choice, "displayed") == 0)
        range = IOT_EXPORT_RANGE_DISPLAYED;
      else if (g_strcmp0 (choice, "selected") == 0)
        range = IOT_EXPORT_RANGE_SELECTED;
      else if (g_strcmp0 (choice, "marked") == 0)
        range = IOT_EXPORT_RANGE_MARKED;
      if (path == NULL)
        show_error (self, _("Cannot save the capture"), _("Only local files can be written."));
      else
        {
          self->save_secrets = secrets;
          iot_window_save (self, path, range);
        }
    }
  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->save_chooser));
  g_clear_object (&self->save_chooser);
  self->pcapng_filter = NULL;
}

/* When key log entries are known (the capture's own or loaded), a check
 * box "Embed TLS secrets", on by default: a pcapng file then decrypts by
 * itself, as editcap --inject-secrets makes it; unchecked, the copy leaves
 * every secret out (editcap --discard-all-secrets), to share it safely. */
static gboolean
add_secrets_choice (GtkFileChooser *chooser)
{
  guint n = iot_secrets_n_keylog_entries (iot_secrets_default ());
  g_autofree char *label = NULL;

  if (n == 0)
    return FALSE;
  label = g_strdup_printf (ngettext ("Embed TLS secrets (%u key log entry, pcapng only)",
                                     "Embed TLS secrets (%u key log entries, pcapng only)", n), n);
  gtk_file_chooser_add_choice (chooser, "secrets", label, NULL, NULL);
  gtk_file_chooser_set_choice (chooser, "secrets", "true");
  return TRUE;
}

gboolean
iot_window_save_offers_secrets (IotWindow *self)
{
  g_return_val_if_fail (IOT_IS_WINDOW (self), FALSE);
  return self->save_chooser != NULL && self->save_chooses_secrets;
}

GtkFileChooser *
iot_window_get_save_chooser (IotWindow *self)
{
  g_return_val_if_fail (IOT_IS_WINDOW (self), NULL);
  return self->save_chooser != NULL ? GTK_FILE_CHOOSER (self->save_chooser) : NULL;
}

static void
open_save_chooser (IotWindow *self, const char *title, gboolean choose_range)
{
  static const char *const pcap_patterns[] = { "*.pcap", "*.cap", NULL };
  static const char *const pcap_types[] = { "application/vnd.tcpdump.pcap", NULL };
  static const char *const pcapng_patterns[] = { "*.pcapng", "*.ntar", NULL };
  static const char *const pcapng_types[] = { "application/x-pcapng", NULL };
  const char *path = iot_session_get_path (self->session);
  GtkFileChooser *chooser;
  g_autoptr (GListModel) filters = NULL;

  if (self->save_chooser != NULL || path == NULL)
    return;
  self->save_chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                                    _("_Save"), _("_Cancel"));
  chooser = GTK_FILE_CHOOSER (self->save_chooser);
  add_filter (chooser, "pcapng (*.pcapng)", pcapng_patterns, pcapng_types);
  add_filter (chooser, "pcap (*.pcap)", pcap_patterns, pcap_types);
  filters = gtk_file_chooser_get_filters (chooser);
  self->pcapng_filter = g_list_model_get_item (filters, 0);
  g_object_unref (self->pcapng_filter);  /* the chooser keeps it */
  /* Offer the format the capture already has. */
  if (!g_str_has_suffix (path, ".pcapng"))
    {
      g_autoptr (GtkFileFilter) pcap = g_list_model_get_item (filters, 1);

      gtk_file_chooser_set_filter (chooser, pcap);
    }
  self->save_chooses_secrets = add_secrets_choice (chooser);
  self->save_chooses_range = choose_range;
  if (choose_range)
    {
      const char *ids[] = { "all", "displayed", "selected", "marked", NULL };
      const char *labels[] = { _("All frames"), _("Displayed frames"), _("Selected frame only"), _("Marked frames only"), NULL };

      gtk_file_chooser_add_choice (chooser, "range", _("Frames"), ids, labels);
      gtk_file_chooser_set_choice (chooser, "range",
                                   iot_session_get_filter_text (self->session) != NULL ? "displayed" : "all");
    }
  {
    g_autofree char *base = g_path_get_basename (path);
    g_autofree char *dir = g_path_get_dirname (path);
    g_autoptr (GFile) folder = g_file_new_for_path (dir);
    g_autofree char *name = g_strconcat (choose_range ? "export-" : "copy-of-", base, NULL);

    gtk_file_chooser_set_current_folder (chooser, folder, NULL);
    gtk_file_chooser_set_current_name (chooser, name);
  }
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->save_chooser), TRUE);
  g_signal_connect (self->save_chooser, "response", G_CALLBACK (save_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->save_chooser));
}

static void
reload_action (GtkWidget *widget, const char *name, GVariant *param)
{
  iot_window_reload (IOT_WINDOW (widget));
}

static void
save_as_action (GtkWidget *widget, const char *name, GVariant *param)
{
  open_save_chooser (IOT_WINDOW (widget), _("Save Capture As"), FALSE);
}

static void
export_frames_action (GtkWidget *widget, const char *name, GVariant *param)
{
  open_save_chooser (IOT_WINDOW (widget), _("Export Specified Frames"), TRUE);
}

static void
update_save_actions (IotWindow *self)
{
  gboolean ready = iot_session_get_capture (self->session) != NULL && !iot_session_is_loading (self->session)
                   && self->live == NULL && !iot_session_is_live (self->session);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-as", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-frames", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reload", ready);
  /* The analyses read the whole capture: not while it still grows. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.analysis", ready);
}

/* ---- actions ------------------------------------------------------------------ */

static void
cancel_action (GtkWidget *widget, const char *name, GVariant *param)
{
  iot_session_cancel (IOT_WINDOW (widget)->session);
}

static void
time_format_changed (GSimpleAction *action, GVariant *state, gpointer data)
{
  IotWindow *self = data;
  const char *name = g_variant_get_string (state, NULL);

  int format = iot_time_format_from_id (name);

  if (format < 0)
    return;
  iot_session_set_time_format (self->session, format);
  g_simple_action_set_state (action, state);
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "time-format", name);
}

/* The Preferences window changes the same keys the menu does. */
static void
view_settings_changed_cb (GSettings *settings, const char *key, IotWindow *self)
{
  if (g_str_equal (key, "time-format"))
    {
      g_autofree char *name = g_settings_get_string (settings, key);

      g_action_group_change_action_state (G_ACTION_GROUP (self), key, g_variant_new_string (name));
    }
  else
    g_action_group_change_action_state (G_ACTION_GROUP (self), key,
                                        g_variant_new_boolean (g_settings_get_boolean (settings, key)));
}

static void
colorize_changed (GSimpleAction *action, GVariant *state, gpointer data)
{
  IotWindow *self = data;

  iot_session_set_colorize (self->session, g_variant_get_boolean (state));
  g_simple_action_set_state (action, state);
  if (self->settings != NULL)
    g_settings_set_boolean (self->settings, "colorize", g_variant_get_boolean (state));
}

static void
expand_all_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  iot_proto_tree_expand_all (IOT_WINDOW (data)->proto_tree);
}

static void
collapse_all_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  iot_proto_tree_collapse_all (IOT_WINDOW (data)->proto_tree);
}

static void
go_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotWindow *self = IOT_WINDOW (widget);

  if (g_str_equal (name, "win.go-next"))
    iot_packet_list_move (self->packet_list, 1);
  else if (g_str_equal (name, "win.go-previous"))
    iot_packet_list_move (self->packet_list, -1);
  else if (g_str_equal (name, "win.go-first"))
    iot_packet_list_move (self->packet_list, G_MININT);
  else
    iot_packet_list_move (self->packet_list, G_MAXINT);
}

static void
goto_action (GtkWidget *widget, const char *name, GVariant *param)
{
  gtk_menu_button_popup (IOT_WINDOW (widget)->goto_button);
}

/* Ctrl+T: the selected frame becomes the time reference, or stops being it. */
static void
time_ref_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotWindow *self = IOT_WINDOW (widget);
  guint32 selected = iot_session_get_selected_frame (self->session);

  if (selected == 0)
    return;
  iot_session_set_time_ref (self->session,
                            iot_session_get_time_ref (self->session) == selected ? 0 : selected);
}

static void
focus_filter_action (GtkWidget *widget, const char *name, GVariant *param)
{
  gtk_widget_grab_focus (GTK_WIDGET (IOT_WINDOW (widget)->filter_bar));
}

/* Goes to frame @number, or the nearest displayed frame after it (else
 * the one before); FALSE when no frame is displayed. */
gboolean
iot_window_go_to_frame (IotWindow *self, guint32 number)
{
  IotFrameList *frames = iot_session_get_frames (self->session);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (frames));
  guint32 total = iot_session_get_n_total (self->session);
  guint position = 0;
  gboolean found = FALSE;

  g_return_val_if_fail (IOT_IS_WINDOW (self), FALSE);
  if (number == 0 || n == 0)
    return FALSE;
  for (guint64 wanted = number; wanted <= total && !found; wanted++)
    found = iot_frame_list_find (frames, (guint32) wanted, &position);
  for (guint64 wanted = MIN (number, (guint64) total); wanted >= 1 && !found; wanted--)
    found = iot_frame_list_find (frames, (guint32) wanted, &position);
  if (found)
    iot_packet_list_select_position (self->packet_list, position);
  return found;
}

static void
goto_activate (IotWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->goto_entry));
  guint64 number = g_ascii_strtoull (text, NULL, 10);

  if (number == 0 || number > G_MAXUINT32 || !iot_window_go_to_frame (self, (guint32) number))
    {
      gtk_widget_error_bell (GTK_WIDGET (self->goto_entry));
      return;
    }
  gtk_popover_popdown (self->goto_popover);
}

static void
goto_entry_activate_cb (GtkEntry *entry, IotWindow *self)
{
  goto_activate (self);
}

static void
goto_clicked_cb (GtkButton *button, IotWindow *self)
{
  goto_activate (self);
}

static void
filter_requested_cb (IotProtoTree *tree, const char *filter, gboolean apply, IotWindow *self)
{
  iot_filter_bar_set_text (self->filter_bar, filter, apply);
  if (!apply)
    gtk_widget_grab_focus (GTK_WIDGET (self->filter_bar));
}

/* ---- analysis windows --------------------------------------------------------- */

static void
analysis_filter_cb (GtkWindow *analysis, const char *filter, IotWindow *self)
{
  iot_filter_bar_set_text (self->filter_bar, filter, TRUE);
  gtk_window_present (GTK_WINDOW (self));
}

static void
analysis_frame_cb (GtkWindow *analysis, guint frame, IotWindow *self)
{
  /* A frame hidden by the display filter cannot be shown: say so rather
   * than select a neighbour silently. */
  if (!iot_window_go_to_frame (self, frame) || iot_session_get_selected_frame (self->session) != frame)
    g_signal_emit_by_name (self->session, "problem", _("Frame not displayed"),
                           _("The frame is hidden by the display filter; clear the filter to see it."));
}

static GtkWindow *
new_analysis_window (IotWindow *self, const char *name)
{
  if (g_str_equal (name, "phs") || g_str_equal (name, "conv") || g_str_equal (name, "endpoints")
      || g_str_equal (name, "expert") || g_str_equal (name, "histograms"))
    return GTK_WINDOW (iot_stats_window_new (self->session, name));
  if (g_str_equal (name, "io-graph"))
    return GTK_WINDOW (iot_io_graph_window_new (self->session));
  if (g_str_equal (name, "insight"))
    return GTK_WINDOW (iot_insight_window_new (self->session, NULL));
  if (g_str_equal (name, "insight:report"))
    {
      IotInsightWindow *insight = iot_insight_window_new (self->session, NULL);

      /* Only with dialogs: scripts and tests call the export themselves. */
      if (self->show_dialogs)
        iot_insight_window_choose_report (insight);
      return GTK_WINDOW (insight);
    }
  if (g_str_has_prefix (name, "insight:"))
    return GTK_WINDOW (iot_insight_window_new (self->session, name + strlen ("insight:")));
  return NULL;
}

GtkWindow *
iot_window_show_analysis (IotWindow *self, const char *name, GError **error)
{
  GtkWindow *analysis;

  g_return_val_if_fail (IOT_IS_WINDOW (self), NULL);
  if (iot_session_get_capture (self->session) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No capture is open"));
      return NULL;
    }
  analysis = new_analysis_window (self, name);
  if (analysis == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Unknown analysis window \"%s\" (phs, conv, endpoints, expert, histograms, io-graph, "
                   "insight[:diagnoses|security|topics|sessions|readings|latency|report])"), name);
      return NULL;
    }
  gtk_window_set_transient_for (analysis, GTK_WINDOW (self));
  gtk_window_set_destroy_with_parent (analysis, TRUE);
  if (gtk_window_get_application (GTK_WINDOW (self)) != NULL)
    gtk_window_set_application (analysis, gtk_window_get_application (GTK_WINDOW (self)));
  g_signal_connect_object (analysis, "filter-requested", G_CALLBACK (analysis_filter_cb), self, 0);
  g_signal_connect_object (analysis, "frame-activated", G_CALLBACK (analysis_frame_cb), self, 0);
  gtk_window_present (analysis);
  return analysis;
}

static void
analysis_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotWindow *self = IOT_WINDOW (widget);
  g_autoptr (GError) error = NULL;

  if (iot_window_show_analysis (self, g_variant_get_string (param, NULL), &error) == NULL)
    g_signal_emit_by_name (self->session, "problem", _("Cannot open the window"), error->message);
}

/* ---- follow stream ------------------------------------------------------------ */

/* The selected frame's tcp.stream / udp.stream, and whether it has MQTT:
 * which Follow items apply.  The outer headers come first; a packet quoted
 * in an ICMP error comes after its ICMP layer and is skipped. */
static void
update_follow_actions (IotWindow *self)
{
  IotPacket *pkt = iot_session_get_packet (self->session);
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean in_icmp = FALSE;

  self->tcp_stream = -1;
  self->udp_stream = -1;
  self->has_mqtt = FALSE;
  for (guint i = 0; pkt != NULL && i < iot_packet_n_nodes (pkt); i++)
    {
      const IotNode *node = iot_packet_node (pkt, i);
      const char *abbrev = node->field != NULL ? node->field->abbrev : NULL;

      if (abbrev == NULL || in_icmp)
        continue;
      if (g_str_equal (abbrev, "icmp") || g_str_equal (abbrev, "icmpv6"))
        in_icmp = TRUE;
      else if (g_str_equal (abbrev, "tcp.stream") && self->tcp_stream < 0)
        self->tcp_stream = (gint64) node->v.u;
      else if (g_str_equal (abbrev, "udp.stream") && self->udp_stream < 0)
        self->udp_stream = (gint64) node->v.u;
      else if (g_str_equal (abbrev, "mqtt"))
        self->has_mqtt = TRUE;
    }
  gtk_widget_action_set_enabled (widget, "win.follow-tcp", self->tcp_stream >= 0);
  gtk_widget_action_set_enabled (widget, "win.follow-udp", self->udp_stream >= 0);
  gtk_widget_action_set_enabled (widget, "win.follow-mqtt", self->has_mqtt && self->tcp_stream >= 0);
  gtk_widget_action_set_enabled (widget, "win.filter-stream", self->tcp_stream >= 0 || self->udp_stream >= 0);
  gtk_widget_action_set_enabled (widget, "win.copy-summary", pkt != NULL);
  gtk_widget_action_set_enabled (widget, "win.time-ref", pkt != NULL);
}

static void
follow_filter_cb (IotFollowWindow *follow, const char *filter, IotWindow *self)
{
  iot_filter_bar_set_text (self->filter_bar, filter, TRUE);
  gtk_window_present (GTK_WINDOW (self));
}

IotFollowWindow *
iot_window_follow (IotWindow *self, IotFollowKind kind)
{
  gint64 stream = kind == IOT_FOLLOW_KIND_UDP ? self->udp_stream : self->tcp_stream;
  IotFollowWindow *follow;

  g_return_val_if_fail (IOT_IS_WINDOW (self), NULL);
  if (stream < 0 || (kind == IOT_FOLLOW_KIND_MQTT && !self->has_mqtt))
    return NULL;
  follow = iot_follow_window_new (self->session, kind, (guint32) stream);
  gtk_window_set_transient_for (GTK_WINDOW (follow), GTK_WINDOW (self));
  gtk_window_set_destroy_with_parent (GTK_WINDOW (follow), TRUE);
  if (gtk_window_get_application (GTK_WINDOW (self)) != NULL)
    gtk_window_set_application (GTK_WINDOW (follow), gtk_window_get_application (GTK_WINDOW (self)));
  g_signal_connect_object (follow, "filter-requested", G_CALLBACK (follow_filter_cb), self, 0);
  gtk_window_present (GTK_WINDOW (follow));
  return follow;
}

static void
follow_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotFollowKind kind = g_str_equal (name, "win.follow-udp") ? IOT_FOLLOW_KIND_UDP
                       : g_str_equal (name, "win.follow-mqtt") ? IOT_FOLLOW_KIND_MQTT
                       : IOT_FOLLOW_KIND_TCP;

  iot_window_follow (IOT_WINDOW (widget), kind);
}

static void
filter_stream_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotWindow *self = IOT_WINDOW (widget);
  g_autofree char *filter = NULL;

  if (self->tcp_stream >= 0)
    filter = g_strdup_printf ("tcp.stream eq %" G_GINT64_FORMAT, self->tcp_stream);
  else if (self->udp_stream >= 0)
    filter = g_strdup_printf ("udp.stream eq %" G_GINT64_FORMAT, self->udp_stream);
  if (filter != NULL)
    iot_filter_bar_set_text (self->filter_bar, filter, TRUE);
}

/* The selected row as text, the columns shown separated by tabs. */
static void
copy_summary_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotWindow *self = IOT_WINDOW (widget);
  guint position = gtk_single_selection_get_selected (iot_packet_list_get_selection (self->packet_list));
  g_autoptr (GString) line = g_string_new (NULL);

  if (position == GTK_INVALID_LIST_POSITION)
    return;
  for (IotColumn column = 0; column < IOT_N_COLUMNS; column++)
    {
      g_autofree char *text = NULL;

      if (!iot_packet_list_get_column_visible (self->packet_list, column))
        continue;
      text = iot_packet_list_dup_cell_text (self->packet_list, position, column);
      if (line->len > 0)
        g_string_append_c (line, '\t');
      g_string_append (line, text != NULL ? text : "");
    }
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), line->str);
}

static void
selected_frame_cb (IotSession *session, GParamSpec *pspec, IotWindow *self)
{
  update_follow_actions (self);
}

static void
columns_changed_cb (IotPacketList *list, IotWindow *self)
{
  g_auto (GStrv) hidden = NULL;

  if (self->settings == NULL || self->restoring)
    return;
  hidden = iot_packet_list_dup_hidden_columns (list);
  g_settings_set_strv (self->settings, "hidden-columns", (const char *const *) hidden);
}

/* ---- live capture ------------------------------------------------------------- */

static void update_capture_actions (IotWindow *self);

static void
remove_live_file (IotWindow *self)
{
  if (self->live_path != NULL)
    g_unlink (self->live_path);
  g_clear_pointer (&self->live_path, g_free);
}

void
iot_window_get_capture_stats (IotWindow *self, IotLiveStats *stats)
{
  g_return_if_fail (IOT_IS_WINDOW (self));
  if (self->live != NULL)
    iot_live_get_stats (self->live, &self->live_stats);
  *stats = self->live_stats;
}

static gboolean
stats_cb (gpointer data)
{
  update_status (data);
  return G_SOURCE_CONTINUE;
}

static void
scroll_to_newest (IotWindow *self)
{
  if (!self->auto_scroll)
    return;
  /* Scrolling, not selecting: a selection would dissect every new
   * frame for the tree and the bytes pane.  To the row, not to the
   * scrollbar's end, which still ends at the rows of the last layout. */
  iot_packet_list_scroll_to_end (self->packet_list);
}

static void
live_batch_cb (IotLive *live, const IotLiveBatch *batch, gpointer user_data)
{
  IotWindow *self = user_data;

  if (live != self->live)
    return;
  self->live_unsaved = TRUE;
  iot_session_live_update (self->session);
}

static void discard_action (GtkWidget *widget, const char *name, GVariant *param);

static void
stopped_response_cb (GtkDialog *dialog, int response, IotWindow *self)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
  if (response == GTK_RESPONSE_ACCEPT)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.save-as", NULL);
  else if (response == GTK_RESPONSE_REJECT)
    discard_action (GTK_WIDGET (self), "win.capture-discard", NULL);
}

/* The capture is in a temporary file: save it, keep looking at it, or drop it. */
static void
ask_after_stop (IotWindow *self)
{
  GtkWidget *dialog;

  if (!self->show_dialogs)
    return;
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE, _("Capture stopped"));
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                            _("The packets are in a temporary file. Save them, or discard them?"));
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), _("_Discard"), GTK_RESPONSE_REJECT, _("_Keep Looking"), GTK_RESPONSE_CLOSE,
                          _("_Save As…"), GTK_RESPONSE_ACCEPT, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  g_signal_connect (dialog, "response", G_CALLBACK (stopped_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Every captured frame is shown: the capture has really ended. */
static void
live_ended_cb (IotSession *session, IotWindow *self)
{
  g_autofree char *error = g_steal_pointer (&self->live_error);

  scroll_to_newest (self);
  update_capture_actions (self);
  update_save_actions (self);
  update_status (self);
  if (error != NULL)
    show_error (self, _("The capture stopped"), error);
  else if (self->live_unsaved && !self->restarting
           && g_strcmp0 (iot_session_get_path (self->session), self->live_path) == 0)
    ask_after_stop (self);
  g_signal_emit_by_name (self, "capture-finished");
}

static void
live_finished_cb (IotLive *live, const GError *error, gpointer user_data)
{
  IotWindow *self = user_data;
  g_autoptr (IotLive) ended = NULL;

  if (live != self->live)
    return;
  ended = g_steal_pointer (&self->live);
  iot_live_get_stats (ended, &self->live_stats);
  g_clear_handle_id (&self->stats_id, g_source_remove);
  g_free (self->live_error);
  self->live_error = error != NULL ? g_strdup (error->message) : NULL;
  update_capture_actions (self);
  /* The frames of the last batches are still being dissected; unless the
   * window already shows something else. */
  if (iot_session_is_live (self->session))
    iot_session_end_live (self->session);
  else
    live_ended_cb (self->session, self);
}

/* The error of a start, with what to do about it (a permission error
 * from iotscope-capture already says how to get the rights). */
static void
show_start_error (IotWindow *self, const GError *error)
{
  g_autofree char *detail = NULL;

  if (g_error_matches (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_PERMISSION))
    detail = g_strdup_printf (_("%s\n\n"
                              "iotscope itself never holds capture rights: it runs iotscope-capture, the only "
                              "program that needs them."), error->message);
  else
    detail = g_strdup (error->message);
  show_error (self, _("Cannot start the capture"), detail);
}

gboolean
iot_window_start_capture (IotWindow *self, const char *const *interfaces, const char *filter,
                          gboolean promiscuous, gboolean monitor, GError **error)
{
  IotLiveOptions options = { 0 };
  const IotLiveCallbacks callbacks = { .batch = live_batch_cb, .finished = live_finished_cb };
  g_autoptr (IotLive) live = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (IOT_IS_WINDOW (self), FALSE);
  if (self->live != NULL)
    {
      g_set_error_literal (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_INVALID, _("A capture is already running"));
      return FALSE;
    }
  options.interfaces = interfaces;
  options.filter = filter != NULL && filter[0] != '\0' ? filter : NULL;
  options.no_promiscuous = !promiscuous;
  options.monitor = monitor;
  options.snaplen = self->live_limits.snaplen;
  options.buffer_mib = self->live_limits.buffer_mib;
  options.buffer_kib = self->live_limits.buffer_kib;
  options.stop_packets = self->live_limits.stop_packets;
  options.stop_seconds = self->live_limits.stop_seconds;
  options.stop_filesize_kb = self->live_limits.stop_filesize_kb;
  options.link_type = self->live_limits.link_type;
  live = iot_live_new (&options, error);
  if (live == NULL)
    return FALSE;
  path = iot_live_dup_path (live);
  if (!iot_session_open_live (self->session, path, error))
    {
      g_unlink (path);
      return FALSE;
    }
  /* The previous capture's file, when it was not saved, goes now. */
  remove_live_file (self);
  self->live_path = g_steal_pointer (&path);
  self->live_unsaved = FALSE;
  if (interfaces != (const char *const *) self->live_interfaces)
    {
      g_strfreev (self->live_interfaces);
      self->live_interfaces = g_strdupv ((char **) interfaces);
    }
  if (filter != self->live_filter)
    {
      g_free (self->live_filter);
      self->live_filter = g_strdup (options.filter);
    }
  self->live_promiscuous = promiscuous;
  self->live_monitor = monitor;
  memset (&self->live_stats, 0, sizeof self->live_stats);
  self->live = g_steal_pointer (&live);
  iot_live_start (self->live, NULL, &callbacks, self);
  self->stats_id = g_timeout_add (STATS_INTERVAL_MS, stats_cb, self);
  update_capture_actions (self);
  update_save_actions (self);
  update_status (self);
  return TRUE;
}

void
iot_window_stop_capture (IotWindow *self)
{
  g_return_if_fail (IOT_IS_WINDOW (self));
  if (self->live != NULL)
    iot_live_stop (self->live);
}

gboolean
iot_window_is_capturing (IotWindow *self)
{
  return self->live != NULL;
}

gboolean
iot_window_has_unsaved_capture (IotWindow *self)
{
  return self->live_unsaved;
}

static void
start_with_last_options (IotWindow *self)
{
  g_autoptr (GError) error = NULL;

  if (!iot_window_start_capture (self, (const char *const *) self->live_interfaces, self->live_filter,
                                 self->live_promiscuous, self->live_monitor, &error))
    show_start_error (self, error);
}

void
iot_window_set_capture_limits (IotWindow *self, const IotCaptureLimits *limits)
{
  g_return_if_fail (IOT_IS_WINDOW (self));
  self->live_limits = *limits;
}

static void
capture_dialog_start_cb (IotCaptureDialog *dialog, IotWindow *self)
{
  g_auto (GStrv) names = iot_capture_dialog_dup_interfaces (dialog);
  g_autoptr (GError) error = NULL;

  iot_capture_dialog_get_limits (dialog, &self->live_limits);
  if (!iot_window_start_capture (self, (const char *const *) names, iot_capture_dialog_get_filter (dialog),
                                 iot_capture_dialog_get_promiscuous (dialog),
                                 iot_capture_dialog_get_monitor (dialog), &error))
    {
      show_start_error (self, error);
      return;
    }
  gtk_window_destroy (GTK_WINDOW (dialog));
}

IotCaptureDialog *
iot_window_show_capture_dialog (IotWindow *self)
{
  g_return_val_if_fail (IOT_IS_WINDOW (self), NULL);
  if (self->capture_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->capture_dialog));
      return self->capture_dialog;
    }
  self->capture_dialog = iot_capture_dialog_new (GTK_WINDOW (self));
  g_object_add_weak_pointer (G_OBJECT (self->capture_dialog), (gpointer *) &self->capture_dialog);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (self->capture_dialog), TRUE);
  if (self->live_filter != NULL)
    iot_capture_dialog_set_filter (self->capture_dialog, self->live_filter);
  iot_capture_dialog_set_limits (self->capture_dialog, &self->live_limits);
  for (guint i = 0; self->live_interfaces != NULL && self->live_interfaces[i] != NULL; i++)
    iot_capture_dialog_select_interface (self->capture_dialog, self->live_interfaces[i]);
  g_signal_connect_object (self->capture_dialog, "start", G_CALLBACK (capture_dialog_start_cb), self, 0);
  gtk_window_present (GTK_WINDOW (self->capture_dialog));
  return self->capture_dialog;
}

static void
capture_options_action (GtkWidget *widget, const char *name, GVariant *param)
{
  iot_window_show_capture_dialog (IOT_WINDOW (widget));
}

static void
capture_start_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotWindow *self = IOT_WINDOW (widget);

  if (self->live != NULL)
    return;
  if (self->live_interfaces == NULL)
    iot_window_show_capture_dialog (self);
  else
    start_with_last_options (self);
}

static void
capture_stop_action (GtkWidget *widget, const char *name, GVariant *param)
{
  iot_window_stop_capture (IOT_WINDOW (widget));
}

/* Ctrl+E, as in Wireshark: starts or stops. */
static void
capture_toggle_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotWindow *self = IOT_WINDOW (widget);

  if (self->live != NULL)
    iot_window_stop_capture (self);
  else
    capture_start_action (widget, name, param);
}

static void
restart_finished_cb (IotWindow *self, gpointer data)
{
  g_signal_handlers_disconnect_by_func (self, restart_finished_cb, data);
  self->restarting = FALSE;
  start_with_last_options (self);
}

/* A new capture with the same options; the stopped one's file is
 * dropped, as Wireshark does. */
static void
capture_restart_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotWindow *self = IOT_WINDOW (widget);

  if (self->live == NULL)
    {
      if (self->live_interfaces != NULL)
        start_with_last_options (self);
      return;
    }
  self->restarting = TRUE;
  g_signal_connect (self, "capture-finished", G_CALLBACK (restart_finished_cb), NULL);
  iot_live_stop (self->live);
}

static void
auto_scroll_changed (GSimpleAction *action, GVariant *state, gpointer data)
{
  IotWindow *self = data;

  self->auto_scroll = g_variant_get_boolean (state);
  g_simple_action_set_state (action, state);
  scroll_to_newest (self);
}

static void
update_capture_actions (IotWindow *self)
{
  gboolean running = self->live != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.capture-start", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.capture-stop", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.capture-restart",
                                 running || self->live_interfaces != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.capture-options", !running);
}

/* Closing with captured frames not saved: ask. */
static void
close_confirm_response_cb (GtkDialog *dialog, int response, IotWindow *self)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
  if (response == GTK_RESPONSE_ACCEPT)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.save-as", NULL);
  else if (response == GTK_RESPONSE_REJECT)
    {
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
    }
}

static gboolean
confirm_close (IotWindow *self)
{
  GtkWidget *dialog;

  if (self->close_confirmed || !self->show_dialogs || (!self->live_unsaved && self->live == NULL))
    return TRUE;
  dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                   GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                   _("Save the captured packets before closing?"));
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                            _("The capture is in a temporary file that is deleted on closing."));
  gtk_dialog_add_buttons (GTK_DIALOG (dialog), _("_Discard"), GTK_RESPONSE_REJECT, _("_Cancel"), GTK_RESPONSE_CANCEL,
                          _("_Save As…"), GTK_RESPONSE_ACCEPT, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  g_signal_connect (dialog, "response", G_CALLBACK (close_confirm_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
  return FALSE;
}

/* After a stop: discarding closes the capture and deletes its file. */
static void
discard_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotWindow *self = IOT_WINDOW (widget);

  if (self->live != NULL || self->live_path == NULL)
    return;
  iot_session_close (self->session);
  remove_live_file (self);
  self->live_unsaved = FALSE;
  update_status (self);
  update_save_actions (self);
}

/* ---- settings ----------------------------------------------------------------- */

static void
restore_settings (IotWindow *self)
{
  g_autoptr (GVariant) widths = NULL;
  g_autofree char *time_format = NULL;
  GActionGroup *group = G_ACTION_GROUP (self);

  if (self->settings == NULL)
    return;
  gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  gtk_paned_set_position (self->outer_paned, g_settings_get_int (self->settings, "list-pane-height"));
  gtk_paned_set_position (self->inner_paned, g_settings_get_int (self->settings, "tree-pane-height"));
  widths = g_settings_get_value (self->settings, "column-widths");
  iot_packet_list_restore_widths (self->packet_list, widths);
  {
    g_auto (GStrv) hidden = g_settings_get_strv (self->settings, "hidden-columns");

    self->restoring = TRUE;
    iot_packet_list_set_hidden_columns (self->packet_list, (const char *const *) hidden);
    self->restoring = FALSE;
  }
  time_format = g_settings_get_string (self->settings, "time-format");
  g_action_group_change_action_state (group, "time-format", g_variant_new_string (time_format));
  g_action_group_change_action_state (group, "colorize",
                                      g_variant_new_boolean (g_settings_get_boolean (self->settings, "colorize")));
}

static void
save_settings (IotWindow *self)
{
  int width, height;

  if (self->settings == NULL)
    return;
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_int (self->settings, "list-pane-height", gtk_paned_get_position (self->outer_paned));
  g_settings_set_int (self->settings, "tree-pane-height", gtk_paned_get_position (self->inner_paned));
  g_settings_set_value (self->settings, "column-widths", iot_packet_list_save_widths (self->packet_list));
  g_settings_apply (self->settings);
}

static gboolean
iot_window_close_request (GtkWindow *window)
{
  IotWindow *self = IOT_WINDOW (window);

  if (!confirm_close (self))
    return TRUE;
  save_settings (self);
  iot_session_cancel (self->session);
  return GTK_WINDOW_CLASS (iot_window_parent_class)->close_request (window);
}

/* ---- construction ------------------------------------------------------------- */

static void
add_state_actions (IotWindow *self)
{
  const GActionEntry entries[] = {
    { .name = "time-format", .parameter_type = "s", .state = "'relative'", .change_state = time_format_changed },
    { .name = "colorize", .state = "true", .change_state = colorize_changed },
    { .name = "auto-scroll", .state = "true", .change_state = auto_scroll_changed },
    { .name = "expand-all", .activate = expand_all_activated },
    { .name = "collapse-all", .activate = collapse_all_activated },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
}

IotWindow *
iot_window_new (GtkApplication *app, GSettings *settings)
{
  IotWindow *self = g_object_new (IOT_TYPE_WINDOW, "application", app, NULL);

  g_set_object (&self->settings, settings);
  iot_filter_bar_set_settings (self->filter_bar, settings);
  /* The store follows the settings before this window dissects again. */
  iot_secrets_settings_watch (settings, NULL);
  iot_dissect_settings_watch (settings);
  if (settings != NULL)
    {
      g_signal_connect_object (settings, "changed::tls-keylog-file", G_CALLBACK (secrets_changed_cb), self, 0);
      g_signal_connect_object (settings, "changed::tls-psks", G_CALLBACK (secrets_changed_cb), self, 0);
      g_signal_connect_object (settings, "changed::zigbee-keys", G_CALLBACK (secrets_changed_cb), self, 0);
      g_signal_connect_object (settings, "changed::resolve-mac", G_CALLBACK (secrets_changed_cb), self, 0);
      g_signal_connect_object (settings, "changed::protocol-ports", G_CALLBACK (secrets_changed_cb), self, 0);
      g_signal_connect_object (settings, "changed::decode-as", G_CALLBACK (secrets_changed_cb), self, 0);
      g_signal_connect_object (settings, "changed::protobuf-search-paths", G_CALLBACK (secrets_changed_cb), self, 0);
      g_signal_connect_object (settings, "changed::mqtt-topic-rules", G_CALLBACK (secrets_changed_cb), self, 0);
      g_signal_connect_object (settings, "changed::time-format", G_CALLBACK (view_settings_changed_cb), self, 0);
      g_signal_connect_object (settings, "changed::colorize", G_CALLBACK (view_settings_changed_cb), self, 0);
    }
  restore_settings (self);
  /* After the hidden columns are restored: the arrangement starts from them. */
  iot_column_prefs_attach (GTK_WIDGET (self), self->packet_list, self->session, settings);
  iot_colour_rules_attach (self, settings);
  return self;
}

IotSession *
iot_window_get_session (IotWindow *self)
{
  return self->session;
}

IotFilterBar *
iot_window_get_filter_bar (IotWindow *self)
{
  return self->filter_bar;
}

IotFindBar *
iot_window_get_find_bar (IotWindow *self)
{
  return self->find_bar;
}

IotPacketList *
iot_window_get_packet_list (IotWindow *self)
{
  return self->packet_list;
}

IotProtoTree *
iot_window_get_proto_tree (IotWindow *self)
{
  return self->proto_tree;
}

IotHexView *
iot_window_get_hex_view (IotWindow *self)
{
  return self->hex_view;
}

GtkLabel *
iot_window_get_description (IotWindow *self)
{
  return self->description;
}

GtkLabel *
iot_window_get_status_counts (IotWindow *self)
{
  return self->status_counts;
}

GtkLabel *
iot_window_get_status_expert (IotWindow *self)
{
  return self->status_expert;
}

GtkLabel *
iot_window_get_status_tls (IotWindow *self)
{
  return self->status_tls;
}

void
iot_window_set_show_dialogs (IotWindow *self, gboolean show)
{
  self->show_dialogs = show;
}

static void
iot_window_dispose (GObject *object)
{
  IotWindow *self = IOT_WINDOW (object);

  g_signal_handlers_disconnect_by_data (gtk_recent_manager_get_default (), self);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->save_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->save_chooser));
  g_clear_object (&self->save_chooser);
  g_clear_handle_id (&self->stats_id, g_source_remove);
  g_clear_handle_id (&self->scroll_id, g_source_remove);
  g_clear_pointer (&self->live_error, g_free);
  if (self->tls_count != NULL)
    g_cancellable_cancel (self->tls_count);
  g_clear_object (&self->tls_count);
  /* The last unref stops the capture and waits for its threads. */
  g_clear_pointer (&self->live, iot_live_unref);
  remove_live_file (self);
  g_clear_pointer (&self->live_interfaces, g_strfreev);
  g_clear_pointer (&self->live_filter, g_free);
  if (self->capture_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->capture_dialog));
  gtk_widget_dispose_template (GTK_WIDGET (self), IOT_TYPE_WINDOW);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (iot_window_parent_class)->dispose (object);
}

static void
iot_window_finalize (GObject *object)
{
  IotWindow *self = IOT_WINDOW (object);

  g_clear_object (&self->session);
  G_OBJECT_CLASS (iot_window_parent_class)->finalize (object);
}

static void
iot_window_class_init (IotWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = iot_window_dispose;
  object_class->finalize = iot_window_finalize;
  window_class->close_request = iot_window_close_request;

  g_type_ensure (IOT_TYPE_FILTER_BAR);
  g_type_ensure (IOT_TYPE_FIND_BAR);
  g_type_ensure (IOT_TYPE_PACKET_LIST);
  g_type_ensure (IOT_TYPE_PROTO_TREE);
  g_type_ensure (IOT_TYPE_WELCOME_PAGE);
  g_type_ensure (IOT_TYPE_HEX_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-window.ui");
  gtk_widget_class_bind_template_child (widget_class, IotWindow, filter_bar);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, find_bar);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, outer_paned);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, side_split);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, inner_paned);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, packet_list);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, proto_tree);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, hex_view);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, description);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, status_file);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, status_counts);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, status_expert);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, status_tls);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, goto_button);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, goto_popover);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, goto_entry);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, goto_go);
  gtk_widget_class_bind_template_child (widget_class, IotWindow, recent_section);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "win.export-frames", NULL, export_frames_action);
  gtk_widget_class_install_action (widget_class, "win.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "win.goto", NULL, goto_action);
  gtk_widget_class_install_action (widget_class, "win.go-next", NULL, go_action);
  gtk_widget_class_install_action (widget_class, "win.go-previous", NULL, go_action);
  gtk_widget_class_install_action (widget_class, "win.go-first", NULL, go_action);
  gtk_widget_class_install_action (widget_class, "win.go-last", NULL, go_action);
  gtk_widget_class_install_action (widget_class, "win.focus-filter", NULL, focus_filter_action);
  gtk_widget_class_install_action (widget_class, "win.time-ref", NULL, time_ref_action);
  gtk_widget_class_install_action (widget_class, "win.follow-tcp", NULL, follow_action);
  gtk_widget_class_install_action (widget_class, "win.follow-udp", NULL, follow_action);
  gtk_widget_class_install_action (widget_class, "win.follow-mqtt", NULL, follow_action);
  gtk_widget_class_install_action (widget_class, "win.filter-stream", NULL, filter_stream_action);
  gtk_widget_class_install_action (widget_class, "win.copy-summary", NULL, copy_summary_action);
  gtk_widget_class_install_action (widget_class, "win.capture-options", NULL, capture_options_action);
  gtk_widget_class_install_action (widget_class, "win.capture-start", NULL, capture_start_action);
  gtk_widget_class_install_action (widget_class, "win.capture-stop", NULL, capture_stop_action);
  gtk_widget_class_install_action (widget_class, "win.capture-toggle", NULL, capture_toggle_action);
  gtk_widget_class_install_action (widget_class, "win.capture-restart", NULL, capture_restart_action);
  gtk_widget_class_install_action (widget_class, "win.capture-discard", NULL, discard_action);
  gtk_widget_class_install_action (widget_class, "win.analysis", "s", analysis_action);

  g_signal_new ("tls-status-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                G_TYPE_NONE, 0);
  g_signal_new ("capture-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                G_TYPE_NONE, 0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.capture-toggle", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.capture-restart", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_k, GDK_CONTROL_MASK, "win.capture-options", NULL);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_S, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.save-as", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK, "win.goto", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, GDK_CONTROL_MASK, "win.go-next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, GDK_CONTROL_MASK, "win.go-previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, GDK_CONTROL_MASK, "win.go-first", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_End, GDK_CONTROL_MASK, "win.go-last", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_slash, GDK_CONTROL_MASK, "win.focus-filter", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_t, GDK_CONTROL_MASK, "win.time-ref", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.cancel", NULL);
}

/* The expert counts in the status bar open Expert Information, as users
 * of other analyzers expect. */
static void
expert_clicked_cb (GtkGestureClick *gesture, int n_press, double x, double y, IotWindow *self)
{
  /* Does nothing while the action is disabled (loading, capturing). */
  gtk_widget_activate_action (GTK_WIDGET (self), "win.analysis", "s", "expert");
}

static void
iot_window_init (IotWindow *self)
{
  GtkDropTarget *drop;
  GtkGesture *click;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->show_dialogs = TRUE;
  self->session = iot_session_new ();
  self->auto_scroll = TRUE;
  iot_capture_limits_init (&self->live_limits);
  add_state_actions (self);

  iot_filter_bar_set_session (self->filter_bar, self->session);
  iot_find_bar_set_session (self->find_bar, self->session);
  iot_window_notes_setup (self, self->find_bar);
  iot_packet_list_set_session (self->packet_list, self->session);
  iot_proto_tree_set_session (self->proto_tree, self->session);
  iot_hex_view_set_session (self->hex_view, self->session);

  g_signal_connect_object (self->session, "notify::path", G_CALLBACK (status_cb), self, 0);
  g_signal_connect_object (self->session, "notify::n-displayed", G_CALLBACK (status_cb), self, 0);
  g_signal_connect_object (self->session, "notify::loading", G_CALLBACK (status_cb), self, 0);
  g_signal_connect_object (self->session, "notify::filter-text", G_CALLBACK (status_cb), self, 0);
  g_signal_connect_object (self->session, "notify::expert", G_CALLBACK (status_cb), self, 0);
  g_signal_connect_object (self->session, "notify::selected-frame", G_CALLBACK (selected_frame_cb), self, 0);
  g_signal_connect_object (self->packet_list, "columns-changed", G_CALLBACK (columns_changed_cb), self, 0);
  g_signal_connect_object (self->session, "notify::busy", G_CALLBACK (busy_cb), self, 0);
  g_signal_connect_object (self->session, "notify::progress", G_CALLBACK (busy_cb), self, 0);
  g_signal_connect_object (self->session, "notify::busy-text", G_CALLBACK (busy_cb), self, 0);
  g_signal_connect_object (self->session, "notify::selected-node", G_CALLBACK (selected_node_cb), self, 0);
  g_signal_connect_object (self->session, "notify::selected-frame", G_CALLBACK (selected_node_cb), self, 0);
  g_signal_connect_object (self->session, "problem", G_CALLBACK (problem_cb), self, 0);
  g_signal_connect_object (self->session, "live-ended", G_CALLBACK (live_ended_cb), self, 0);
  g_signal_connect_object (self->session, "load-finished", G_CALLBACK (load_finished_cb), self, 0);
  g_signal_connect_object (self->proto_tree, "filter-requested", G_CALLBACK (filter_requested_cb), self, 0);
  g_signal_connect (self->goto_entry, "activate", G_CALLBACK (goto_entry_activate_cb), self);
  click = gtk_gesture_click_new ();
  g_signal_connect (click, "released", G_CALLBACK (expert_clicked_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->status_expert), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self->status_expert), "pointer");
  click = gtk_gesture_click_new ();
  g_signal_connect (click, "released", G_CALLBACK (tls_status_clicked_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->status_tls), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self->status_tls), "pointer");
  g_signal_connect (self->goto_go, "clicked", G_CALLBACK (goto_clicked_cb), self);

  drop = gtk_drop_target_new (G_TYPE_FILE, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  g_signal_connect (gtk_recent_manager_get_default (), "changed", G_CALLBACK (recent_changed_cb), self);
  rebuild_recent (self);
  update_status (self);
  update_expert (self);
  update_follow_actions (self);
  update_save_actions (self);
  update_capture_actions (self);
  selected_node_cb (self->session, NULL, self);
}

void
iot_window_set_side_pane (IotWindow *self, GtkWidget *pane)
{
  gtk_paned_set_end_child (self->side_split, pane);
}
