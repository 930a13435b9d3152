/* iot-welcome-page.c — the window with no capture open. */
#include "iot-welcome-page.h"
#include "iot-app-test.h"

#include <glib/gi18n.h>

#include "iot-capture-dialog.h"
#include "iot-live.h"
#include "iot-window.h"

#define RECENT_MAX 10

struct _IotWelcomePage {
  GtkWidget      parent_instance;

  GtkWidget     *scroller;
  GtkListBox    *recent_list;
  GtkListBox    *interface_list;
  GtkLabel      *interface_placeholder;

  GtkStringList *recent;
  GtkStringList *interfaces;
  GHashTable    *interface_details;   /* name → "description · addresses" */
  gboolean       interfaces_ready;
  GCancellable  *cancellable;
};

G_DEFINE_FINAL_TYPE (IotWelcomePage, iot_welcome_page, GTK_TYPE_WIDGET)

enum { SIGNAL_INTERFACES_READY, N_SIGNALS };
static guint signals[N_SIGNALS];

/* ---- recent captures ----------------------------------------------------------------- */

static gboolean
is_capture_name (const char *uri)
{
  static const char *const suffixes[] = { ".pcap", ".pcapng", ".cap", ".pcap.gz", ".pcapng.gz", NULL };

  for (guint i = 0; suffixes[i] != NULL; i++)
    if (g_str_has_suffix (uri, suffixes[i]))
      return TRUE;
  return FALSE;
}

static int
by_newest (gconstpointer a, gconstpointer b)
{
  GDateTime *x = gtk_recent_info_get_modified ((GtkRecentInfo *) a);
  GDateTime *y = gtk_recent_info_get_modified ((GtkRecentInfo *) b);

  return g_date_time_compare (y, x);
}

static void
rebuild_recent (IotWelcomePage *self)
{
  GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  g_autoptr (GStrvBuilder) uris = g_strv_builder_new ();
  g_auto (GStrv) list = NULL;
  guint added = 0;

  items = g_list_sort (items, by_newest);
  for (GList *l = items; l != NULL && added < RECENT_MAX; l = l->next)
    {
      GtkRecentInfo *info = l->data;

      if (!is_capture_name (gtk_recent_info_get_uri (info)) || !gtk_recent_info_exists (info))
        continue;
      g_strv_builder_add (uris, gtk_recent_info_get_uri (info));
      added++;
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
  list = g_strv_builder_end (uris);
  gtk_string_list_splice (self->recent, 0, g_list_model_get_n_items (G_LIST_MODEL (self->recent)),
                          (const char *const *) list);
}

static void
recent_changed_cb (GtkRecentManager *manager, IotWelcomePage *self)
{
  rebuild_recent (self);
}

/* A row that opens the capture: the window's own Open Recent action. */
static GtkWidget *
create_recent_row (gpointer item, gpointer data)
{
  const char *uri = gtk_string_object_get_string (item);
  g_autoptr (GFile) file = g_file_new_for_uri (uri);
  g_autofree char *name = g_file_get_basename (file);
  g_autoptr (GFile) parent = g_file_get_parent (file);
  g_autofree char *folder = parent ? g_file_get_parse_name (parent) : g_strdup ("");
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (name);
  GtkWidget *where = gtk_label_new (folder);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_xalign (GTK_LABEL (where), 0);
  gtk_label_set_ellipsize (GTK_LABEL (where), PANGO_ELLIPSIZE_START);
  gtk_widget_add_css_class (where, "dim-label");
  gtk_widget_add_css_class (where, "caption");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), where);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.open-recent");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", uri);
  gtk_widget_set_tooltip_text (button, folder);
  return button;
}

/* ---- interfaces ------------------------------------------------------------------------ */

static void
interface_clicked_cb (GtkButton *button, IotWelcomePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  IotCaptureDialog *dialog;

  if (!IOT_IS_WINDOW (root))
    return;
  dialog = iot_window_show_capture_dialog (IOT_WINDOW (root));
  if (dialog != NULL)
    iot_capture_dialog_select_interface (dialog, g_object_get_data (G_OBJECT (button), "interface"));
}

static GtkWidget *
create_interface_row (gpointer item, gpointer data)
{
  IotWelcomePage *self = data;
  const char *name = gtk_string_object_get_string (item);
  const char *details = g_hash_table_lookup (self->interface_details, name);
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *title = gtk_label_new (name);
  GtkWidget *more = gtk_label_new (details);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_width_chars (GTK_LABEL (title), 12);
  gtk_label_set_xalign (GTK_LABEL (more), 0);
  gtk_label_set_ellipsize (GTK_LABEL (more), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (more, TRUE);
  gtk_widget_add_css_class (more, "dim-label");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), more);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Capture on this interface…"));
  g_object_set_data_full (G_OBJECT (button), "interface", g_strdup (name), g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (interface_clicked_cb), self);
  return button;
}

static void
list_interfaces_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *interfaces = iot_live_list_interfaces (&error);

  if (interfaces == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, interfaces, (GDestroyNotify) g_ptr_array_unref);
}

static void
interfaces_listed_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) interfaces = g_task_propagate_pointer (G_TASK (result), &error);
  IotWelcomePage *self;
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
  g_auto (GStrv) list = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = IOT_WELCOME_PAGE (data);
  for (guint i = 0; interfaces != NULL && i < interfaces->len; i++)
    {
      IotLiveInterface *iface = g_ptr_array_index (interfaces, i);
      g_autofree char *addresses = iface->addresses ? g_strjoinv (", ", iface->addresses) : g_strdup ("");
      GString *text = g_string_new (iface->description);

      if (addresses[0] != '\0')
        g_string_append_printf (text, "%s%s", text->len > 0 ? " · " : "", addresses);
      if (!iface->up)
        g_string_append_printf (text, "%s%s", text->len > 0 ? " " : "", _("(down)"));
      char *details = g_string_free (text, FALSE);

      g_hash_table_replace (self->interface_details, g_strdup (iface->name), details);
      g_strv_builder_add (names, iface->name);
    }
  list = g_strv_builder_end (names);
  gtk_string_list_splice (self->interfaces, 0, g_list_model_get_n_items (G_LIST_MODEL (self->interfaces)),
                          (const char *const *) list);
  if (error != NULL)
    gtk_label_set_text (self->interface_placeholder, error->message);
  else if (list[0] == NULL)
    gtk_label_set_text (self->interface_placeholder,
                        _("No interfaces found: capturing needs the rights to (run “make caps”, which gives them "
                          "to iotscope-capture)."));
  self->interfaces_ready = TRUE;
  g_signal_emit (self, signals[SIGNAL_INTERFACES_READY], 0);
}

/* ---- public ----------------------------------------------------------------------------- */

GListModel *
iot_welcome_page_get_recent (IotWelcomePage *self)
{
  return G_LIST_MODEL (self->recent);
}

GListModel *
iot_welcome_page_get_interfaces (IotWelcomePage *self)
{
  return G_LIST_MODEL (self->interfaces);
}

gboolean
iot_welcome_page_interfaces_ready (IotWelcomePage *self)
{
  return self->interfaces_ready;
}

/* ---- construction ------------------------------------------------------------------------ */

static void
iot_welcome_page_dispose (GObject *object)
{
  IotWelcomePage *self = IOT_WELCOME_PAGE (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_signal_handlers_disconnect_by_func (gtk_recent_manager_get_default (), recent_changed_cb, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), IOT_TYPE_WELCOME_PAGE);
  g_clear_object (&self->recent);
  g_clear_object (&self->interfaces);
  g_clear_pointer (&self->interface_details, g_hash_table_unref);
  G_OBJECT_CLASS (iot_welcome_page_parent_class)->dispose (object);
}

static void
iot_welcome_page_class_init (IotWelcomePageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = iot_welcome_page_dispose;
  signals[SIGNAL_INTERFACES_READY] = g_signal_new ("interfaces-ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, IotWelcomePage, scroller);
  gtk_widget_class_bind_template_child (widget_class, IotWelcomePage, recent_list);
  gtk_widget_class_bind_template_child (widget_class, IotWelcomePage, interface_list);
  gtk_widget_class_bind_template_child (widget_class, IotWelcomePage, interface_placeholder);
}

static void
iot_welcome_page_init (IotWelcomePage *self)
{
  g_autoptr (GTask) task = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->recent = gtk_string_list_new (NULL);
  self->interfaces = gtk_string_list_new (NULL);
  self->interface_details = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gtk_list_box_bind_model (self->recent_list, G_LIST_MODEL (self->recent), create_recent_row, self, NULL);
  gtk_list_box_bind_model (self->interface_list, G_LIST_MODEL (self->interfaces), create_interface_row, self, NULL);
  g_signal_connect (gtk_recent_manager_get_default (), "changed", G_CALLBACK (recent_changed_cb), self);
  rebuild_recent (self);
  /* libpcap may take a while (or ask the capture program): in a worker. */
  self->cancellable = g_cancellable_new ();
  task = g_task_new (NULL, self->cancellable, interfaces_listed_cb, self);
  g_task_run_in_thread (task, list_interfaces_thread);
}
