/* iot-window-export.c — Save As and Export Specified Frames: the file
 * chooser, the frame ranges, and the question about packet comments a
 * pcap file cannot hold. */
#include "iot-window-private.h"

#include <string.h>

#include <glib/gi18n.h>

#include "iot-frame-notes.h"
#include "iot-secrets.h"
#include "iot-window-notes.h"

/* ---- save / export ------------------------------------------------------------ */

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
    iot_window_show_error (self, _("Cannot save the capture"), error->message);
  else if (range == IOT_EXPORT_RANGE_ALL && !iot_live_control_is_running (self->live))
    {
      iot_live_control_mark_saved (self->live);
      iot_window_update_status (self);
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

/* The chooser's "range" choice (Export Specified Frames only). */
static IotExportRange
chosen_range (IotWindow *self, GtkFileChooser *chooser)
{
  const char *choice = self->save_chooses_range ? gtk_file_chooser_get_choice (chooser, "range") : NULL;

  if (g_strcmp0 (choice, "displayed") == 0)
    return IOT_EXPORT_RANGE_DISPLAYED;
  if (g_strcmp0 (choice, "selected") == 0)
    return IOT_EXPORT_RANGE_SELECTED;
  if (g_strcmp0 (choice, "marked") == 0)
    return IOT_EXPORT_RANGE_MARKED;
  return IOT_EXPORT_RANGE_ALL;
}

/* Without the choice no secrets are known: nothing to embed. */
static IotExportSecrets
chosen_secrets (IotWindow *self, GtkFileChooser *chooser)
{
  if (self->save_chooses_secrets && g_strcmp0 (gtk_file_chooser_get_choice (chooser, "secrets"), "false") == 0)
    return IOT_EXPORT_SECRETS_DISCARD;
  return IOT_EXPORT_SECRETS_EMBED;
}

static void
save_chosen (IotWindow *self, GtkFileChooser *chooser)
{
  g_autofree char *path = chosen_path (self, chooser);

  if (path == NULL)
    {
      iot_window_show_error (self, _("Cannot save the capture"), _("Only local files can be written."));
      return;
    }
  self->save_secrets = chosen_secrets (self, chooser);
  iot_window_save (self, path, chosen_range (self, chooser));
}

static void
save_response_cb (GtkNativeDialog *dialog, int response, IotWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    save_chosen (self, GTK_FILE_CHOOSER (dialog));
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

/* pcapng and pcap, the format the capture already has chosen. */
static void
add_format_filters (IotWindow *self, GtkFileChooser *chooser, const char *path)
{
  static const char *const pcap_patterns[] = { "*.pcap", "*.cap", NULL };
  static const char *const pcap_types[] = { "application/vnd.tcpdump.pcap", NULL };
  static const char *const pcapng_patterns[] = { "*.pcapng", "*.ntar", NULL };
  static const char *const pcapng_types[] = { "application/x-pcapng", NULL };
  g_autoptr (GListModel) filters = NULL;

  iot_window_add_file_filter (chooser, "pcapng (*.pcapng)", pcapng_patterns, pcapng_types);
  iot_window_add_file_filter (chooser, "pcap (*.pcap)", pcap_patterns, pcap_types);
  filters = gtk_file_chooser_get_filters (chooser);
  self->pcapng_filter = g_list_model_get_item (filters, 0);
  g_object_unref (self->pcapng_filter);  /* the chooser keeps it */
  if (!g_str_has_suffix (path, ".pcapng"))
    {
      g_autoptr (GtkFileFilter) pcap = g_list_model_get_item (filters, 1);

      gtk_file_chooser_set_filter (chooser, pcap);
    }
}

/* Export Specified Frames: which frames; the displayed ones when filtered. */
static void
add_range_choice (IotWindow *self, GtkFileChooser *chooser)
{
  const char *ids[] = { "all", "displayed", "selected", "marked", NULL };
  const char *labels[] = { _("All frames"), _("Displayed frames"), _("Selected frame only"), _("Marked frames only"), NULL };

  gtk_file_chooser_add_choice (chooser, "range", _("Frames"), ids, labels);
  gtk_file_chooser_set_choice (chooser, "range",
                               iot_session_get_filter_text (self->session) != NULL ? "displayed" : "all");
}

/* Next to the capture, named after it. */
static void
suggest_name (GtkFileChooser *chooser, const char *path, gboolean choose_range)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr (GFile) folder = g_file_new_for_path (dir);
  g_autofree char *name = g_strconcat (choose_range ? "export-" : "copy-of-", base, NULL);

  gtk_file_chooser_set_current_folder (chooser, folder, NULL);
  gtk_file_chooser_set_current_name (chooser, name);
}

static void
open_save_chooser (IotWindow *self, const char *title, gboolean choose_range)
{
  const char *path = iot_session_get_path (self->session);
  GtkFileChooser *chooser;

  if (self->save_chooser != NULL || path == NULL)
    return;
  self->save_chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                                    _("_Save"), _("_Cancel"));
  chooser = GTK_FILE_CHOOSER (self->save_chooser);
  add_format_filters (self, chooser, path);
  self->save_chooses_secrets = add_secrets_choice (chooser);
  self->save_chooses_range = choose_range;
  if (choose_range)
    add_range_choice (self, chooser);
  suggest_name (chooser, path, choose_range);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->save_chooser), TRUE);
  g_signal_connect (self->save_chooser, "response", G_CALLBACK (save_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->save_chooser));
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

void
iot_window_update_save_actions (IotWindow *self)
{
  gboolean ready = iot_session_get_capture (self->session) != NULL && !iot_session_is_loading (self->session)
                   && !iot_live_control_is_running (self->live) && !iot_session_is_live (self->session);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-as", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-frames", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reload", ready);
  /* The analyses read the whole capture: not while it still grows. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.analysis", ready);
}

void
iot_window_export_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.export-frames", NULL, export_frames_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_S, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.save-as", NULL);
}

void
iot_window_export_dispose (IotWindow *self)
{
  if (self->save_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->save_chooser));
  g_clear_object (&self->save_chooser);
}
