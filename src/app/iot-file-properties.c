/* iot-file-properties.c — Capture File Properties. */
#include "iot-file-properties.h"
#include "iot-app-test.h"

#include <glib/gi18n.h>

#include "iot-capture.h"
#include "iot-file-format.h"
#include "iot-file-info.h"
#include "iot-file.h"
#include "iot-print.h"

struct _IotFileProperties {
  GtkWindow     parent_instance;

  GtkGrid      *grid;
  GtkButton    *copy_button;

  IotSession   *session;
  GPtrArray    *keys;       /* char*: the rows' keys, in order */
  GPtrArray    *titles;     /* char*: their titles */
  GHashTable   *values;     /* key → GtkLabel */
  int           next_row;
  gboolean      ready;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (IotFileProperties, iot_file_properties, GTK_TYPE_WINDOW)

enum { SIGNAL_READY, N_SIGNALS };
static guint signals[N_SIGNALS];

/* ---- rows ----------------------------------------------------------------------------- */

static void
add_heading (IotFileProperties *self, const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  if (self->next_row > 0)
    gtk_widget_set_margin_top (label, 12);
  gtk_grid_attach (self->grid, label, 0, self->next_row++, 2, 1);
}

static void
set_row (IotFileProperties *self, const char *key, const char *title, const char *value)
{
  GtkLabel *label = g_hash_table_lookup (self->values, key);

  if (label == NULL)
    {
      GtkWidget *name = gtk_label_new (title);

      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_yalign (GTK_LABEL (name), 0);
      gtk_widget_add_css_class (name, "dim-label");
      label = GTK_LABEL (gtk_label_new (NULL));
      gtk_label_set_xalign (label, 0);
      gtk_label_set_wrap (label, TRUE);
      gtk_label_set_wrap_mode (label, PANGO_WRAP_WORD_CHAR);
      gtk_label_set_selectable (label, TRUE);
      gtk_widget_set_hexpand (GTK_WIDGET (label), TRUE);
      gtk_grid_attach (self->grid, name, 0, self->next_row, 1, 1);
      gtk_grid_attach (self->grid, GTK_WIDGET (label), 1, self->next_row++, 1, 1);
      g_hash_table_insert (self->values, g_strdup (key), label);
      g_ptr_array_add (self->keys, g_strdup (key));
      g_ptr_array_add (self->titles, g_strdup (title));
    }
  gtk_label_set_text (label, value);
}

const char *
iot_file_properties_get_value (IotFileProperties *self, const char *key)
{
  GtkLabel *label = g_hash_table_lookup (self->values, key);

  return label != NULL ? gtk_label_get_text (label) : NULL;
}

gboolean
iot_file_properties_is_ready (IotFileProperties *self)
{
  return self->ready;
}

char *
iot_file_properties_to_text (IotFileProperties *self)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < self->keys->len; i++)
    g_string_append_printf (text, "%s: %s\n", (char *) g_ptr_array_index (self->titles, i),
                            iot_file_properties_get_value (self, g_ptr_array_index (self->keys, i)));
  return g_string_free (text, FALSE);
}

/* ---- values --------------------------------------------------------------------------- */

/* @ns as iotscope-cli -t @format writes it: "2026-11-26 12:30:58.371370"
 * in local time (as capinfos writes the first and last packet's times),
 * or seconds. */
static char *
format_time (IotTimeFormat format, gint64 ns, guint decimals)
{
  IotTimeStyle style;
  char text[64];

  iot_time_style_init (&style);
  style.format = format;
  iot_time_style_format (&style, ns, 0, decimals, text, sizeof text);
  return g_strdup (text);
}

static char *
format_seconds (gint64 ns, guint decimals)
{
  g_autofree char *number = format_time (IOT_TIME_RELATIVE, ns, decimals);

  return g_strdup_printf (_("%s seconds"), number);
}

static char *
link_type_name (guint16 link_type)
{
  const char *name = iot_link_type_description (link_type);

  return name != NULL ? g_strdup_printf ("%s (LINKTYPE %u)", name, link_type)
                      : g_strdup_printf (_("Link type %u"), link_type);
}

typedef struct {
  guint16 link_type;
  guint   count;
} LinkCount;

static int
compare_counts (gconstpointer a, gconstpointer b)
{
  const LinkCount *x = a, *y = b;

  return x->count != y->count ? (x->count < y->count ? 1 : -1) : (int) x->link_type - (int) y->link_type;
}

/* "Ethernet (LINKTYPE 1): 149 packets; Raw IP (LINKTYPE 101): 79 packets". */
static char *
link_type_counts (IotFile *file)
{
  g_autoptr (GArray) counts = g_array_new (FALSE, FALSE, sizeof (LinkCount));
  GString *text = g_string_new (NULL);

  for (guint32 number = 1; number <= iot_file_n_frames (file); number++)
    {
      /* The index keeps libpcap's DLT_* numbers: the file's LINKTYPE_* is
       * what the interfaces (and capinfos) name. */
      guint16 link_type = (guint16) iot_link_type_to_file (iot_file_frame (file, number)->link_type);
      guint i;

      for (i = 0; i < counts->len && g_array_index (counts, LinkCount, i).link_type != link_type; i++)
        ;
      if (i == counts->len)
        {
          LinkCount entry = { link_type, 0 };

          g_array_append_val (counts, entry);
        }
      g_array_index (counts, LinkCount, i).count++;
    }
  g_array_sort (counts, compare_counts);
  for (guint i = 0; i < counts->len; i++)
    {
      const LinkCount *entry = &g_array_index (counts, LinkCount, i);
      g_autofree char *name = link_type_name (entry->link_type);

      g_string_append_printf (text, "%s%s: ", i ? "\n" : "", name);
      g_string_append_printf (text, ngettext ("%u packet", "%u packets", entry->count), entry->count);
    }
  return g_string_free (text, FALSE);
}

static char *
describe_interfaces (IotFileInfo *info)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < info->interfaces->len; i++)
    {
      IotFileInterface *iface = &g_array_index (info->interfaces, IotFileInterface, i);
      g_autofree char *link = link_type_name (iface->link_type);

      g_string_append_printf (text, "%s#%u", i ? "\n" : "", i);
      if (iface->name != NULL)
        g_string_append_printf (text, " %s", iface->name);
      if (iface->description != NULL)
        g_string_append_printf (text, " (%s)", iface->description);
      g_string_append_printf (text, ": %s", link);
      if (iface->snaplen != 0)
        g_string_append_printf (text, _(", snapshot length %u"), iface->snaplen);
      g_string_append_printf (text, _(", time in %u decimals"), iface->decimals);
    }
  return g_string_free (text, FALSE);
}

/* The file's own precision: nanoseconds if it (or one of its interfaces)
 * keeps them, else microseconds. */
static guint
file_decimals (IotFile *file, IotFileInfo *info)
{
  guint decimals = iot_file_format (file) == IOT_FILE_FORMAT_PCAP_NSEC ? 9 : 6;

  for (guint i = 0; info != NULL && i < info->interfaces->len; i++)
    decimals = MAX (decimals, g_array_index (info->interfaces, IotFileInterface, i).decimals);
  return MIN (decimals, 9);
}

static void
show_times (IotFileProperties *self, IotFile *file, guint decimals)
{
  gint64 first = G_MAXINT64, last = G_MININT64;

  for (guint32 number = 1; number <= iot_file_n_frames (file); number++)
    {
      const IotFrame *frame = iot_file_frame (file, number);

      if (frame->flags & IOT_FRAME_NO_TIME)
        continue;
      first = MIN (first, frame->ts_ns);
      last = MAX (last, frame->ts_ns);
    }
  add_heading (self, _("Time"));
  if (first > last)
    {
      set_row (self, "first-time", _("First packet"), _("no packet has a time"));
      return;
    }
  {
    g_autofree char *first_text = format_time (IOT_TIME_ABSOLUTE_DATE, first, decimals);
    g_autofree char *last_text = format_time (IOT_TIME_ABSOLUTE_DATE, last, decimals);
    g_autofree char *elapsed = format_seconds (last - first, decimals);

    set_row (self, "first-time", _("First packet"), first_text);
    set_row (self, "last-time", _("Last packet"), last_text);
    set_row (self, "elapsed", _("Elapsed"), elapsed);
  }
}

static void
show_section (IotFileProperties *self, IotFileInfo *info)
{
  g_autofree char *interfaces = describe_interfaces (info);
  g_autofree char *comments = NULL;

  add_heading (self, _("Capture"));
  if (info->hardware != NULL)
    set_row (self, "hardware", _("Hardware"), info->hardware);
  if (info->os != NULL)
    set_row (self, "os", _("Operating system"), info->os);
  if (info->application != NULL)
    set_row (self, "application", _("Application"), info->application);
  set_row (self, "interfaces", ngettext ("Interface", "Interfaces", info->interfaces->len), interfaces);
  g_ptr_array_add (info->comments, NULL);
  comments = g_strjoinv ("\n", (char **) info->comments->pdata);
  g_ptr_array_remove_index (info->comments, info->comments->len - 1);
  set_row (self, "comments", _("Comments"), info->comments->len > 0 ? comments : _("none"));
}

/* ---- hashes, in a worker --------------------------------------------------------------- */

static void
hash_thread (GTask *task, gpointer source, gpointer path, GCancellable *cancellable)
{
  g_autoptr (GChecksum) sha256 = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr (GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (GFileInputStream) in = g_file_read (file, cancellable, &error);
  guint8 buffer[65536];
  gssize n;

  if (in == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  while ((n = g_input_stream_read (G_INPUT_STREAM (in), buffer, sizeof buffer, cancellable, &error)) > 0)
    {
      g_checksum_update (sha256, buffer, n);
      g_checksum_update (sha1, buffer, n);
    }
  if (n < 0)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_strdup_printf ("%s\n%s", g_checksum_get_string (sha256),
                                                g_checksum_get_string (sha1)),
                         g_free);
}

static void
hash_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *hashes = g_task_propagate_pointer (G_TASK (result), &error);
  IotFileProperties *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = IOT_FILE_PROPERTIES (data);
  if (hashes != NULL)
    {
      g_auto (GStrv) parts = g_strsplit (hashes, "\n", 2);

      set_row (self, "sha256", "SHA-256", parts[0]);
      set_row (self, "sha1", "SHA-1", parts[1]);
    }
  else
    {
      set_row (self, "sha256", "SHA-256", error->message);
      set_row (self, "sha1", "SHA-1", error->message);
    }
  self->ready = TRUE;
  g_signal_emit (self, signals[SIGNAL_READY], 0);
}

/* ---- construction ----------------------------------------------------------------------- */

static void
fill (IotFileProperties *self)
{
  IotCapture *capture = iot_session_get_capture (self->session);
  IotFile *file = capture != NULL ? iot_capture_file (capture) : NULL;
  const char *path = iot_session_get_path (self->session);
  g_autoptr (IotFileInfo) info = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GTask) task = NULL;
  g_autofree char *bytes = NULL, *size = NULL, *packets = NULL, *displayed = NULL, *links = NULL;
  guint n_total, n_displayed;

  if (file == NULL || path == NULL)
    {
      add_heading (self, _("File"));
      set_row (self, "name", _("Name"), _("No capture is open."));
      self->ready = TRUE;
      return;
    }
  info = iot_file_info_read (path, &error);
  add_heading (self, _("File"));
  set_row (self, "name", _("Name"), path);
  set_row (self, "format", _("Format"), _(iot_file_format_name (file)));
  bytes = g_strdup_printf ("%" G_GUINT64_FORMAT, iot_file_size (file));
  size = g_strdup_printf (ngettext ("%s byte", "%s bytes", iot_file_size (file)), bytes);
  set_row (self, "size", _("Size"), size);
  set_row (self, "sha256", "SHA-256", _("computing…"));
  set_row (self, "sha1", "SHA-1", _("computing…"));
  show_times (self, file, file_decimals (file, info));

  add_heading (self, _("Packets"));
  n_total = iot_session_get_n_total (self->session);
  n_displayed = iot_session_get_n_displayed (self->session);
  packets = g_strdup_printf ("%u", n_total);
  set_row (self, "packets", _("Captured"), packets);
  displayed = n_total > 0 ? g_strdup_printf ("%u (%.1f%%)", n_displayed, 100.0 * n_displayed / n_total)
                          : g_strdup ("0");
  set_row (self, "displayed", _("Displayed"), displayed);
  links = link_type_counts (file);
  set_row (self, "link-types", _("Link types"), links);
  if (info != NULL)
    show_section (self, info);
  else
    set_row (self, "interfaces", _("Interfaces"), error->message);

  self->cancellable = g_cancellable_new ();
  task = g_task_new (NULL, self->cancellable, hash_done_cb, self);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, hash_thread);
  /* Not on the first value: a selectable label with the focus shows all
   * its text selected. */
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->copy_button));
}

static void
copy_cb (GtkButton *button, IotFileProperties *self)
{
  g_autofree char *text = iot_file_properties_to_text (self);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
}

IotFileProperties *
iot_file_properties_new (IotSession *session)
{
  IotFileProperties *self = g_object_new (IOT_TYPE_FILE_PROPERTIES, NULL);

  self->session = g_object_ref (session);
  fill (self);
  return self;
}

static void
iot_file_properties_dispose (GObject *object)
{
  IotFileProperties *self = IOT_FILE_PROPERTIES (object);

  /* The worker's answer must not reach a window that is gone. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), IOT_TYPE_FILE_PROPERTIES);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (iot_file_properties_parent_class)->dispose (object);
}

static void
iot_file_properties_finalize (GObject *object)
{
  IotFileProperties *self = IOT_FILE_PROPERTIES (object);

  g_ptr_array_unref (self->keys);
  g_ptr_array_unref (self->titles);
  g_hash_table_unref (self->values);
  G_OBJECT_CLASS (iot_file_properties_parent_class)->finalize (object);
}

static void
iot_file_properties_class_init (IotFilePropertiesClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = iot_file_properties_dispose;
  G_OBJECT_CLASS (klass)->finalize = iot_file_properties_finalize;
  signals[SIGNAL_READY] = g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 0);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-file-properties.ui");
  gtk_widget_class_bind_template_child (widget_class, IotFileProperties, grid);
  gtk_widget_class_bind_template_child (widget_class, IotFileProperties, copy_button);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
iot_file_properties_init (IotFileProperties *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->keys = g_ptr_array_new_with_free_func (g_free);
  self->titles = g_ptr_array_new_with_free_func (g_free);
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_signal_connect (self->copy_button, "clicked", G_CALLBACK (copy_cb), self);
}
