/* iot-column-editor.c — Column Preferences.  One row per column: shown,
 * title, what it shows, move up/down, remove (custom and comment columns
 * only).  Every edit applies at once and is kept in the settings. */
#include "iot-column-editor.h"

#include <glib/gi18n.h>

#include "iot-column-prefs.h"

struct _IotColumnEditor {
  GtkWindow       parent_instance;

  GtkListBox     *rows;
  GtkEntry       *field_entry;
  GtkEntry       *title_entry;
  GtkButton      *add_button;
  GtkLabel       *message;

  IotColumnPrefs *prefs;
  gboolean        editing;   /* our own edit: the rows stay as they are */
};

G_DEFINE_FINAL_TYPE (IotColumnEditor, iot_column_editor, GTK_TYPE_WINDOW)

static guint
row_index (GtkWidget *widget)
{
  GtkWidget *row = gtk_widget_get_ancestor (widget, GTK_TYPE_LIST_BOX_ROW);

  return (guint) gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row));
}

static void
visible_toggled_cb (GtkCheckButton *check, IotColumnEditor *self)
{
  iot_column_prefs_set_visible (self->prefs, row_index (GTK_WIDGET (check)), gtk_check_button_get_active (check));
}

static void
title_changed_cb (GtkEditable *entry, IotColumnEditor *self)
{
  const char *text = gtk_editable_get_text (entry);

  if (text[0] == '\0')
    return;
  self->editing = TRUE;
  iot_column_prefs_set_title (self->prefs, row_index (GTK_WIDGET (entry)), text);
  self->editing = FALSE;
}

static void
move_clicked_cb (GtkButton *button, IotColumnEditor *self)
{
  guint index = row_index (GTK_WIDGET (button));
  int delta = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "delta"));

  if (delta < 0 && index == 0)
    return;
  iot_column_prefs_move (self->prefs, index, index + delta);
}

static void
remove_clicked_cb (GtkButton *button, IotColumnEditor *self)
{
  iot_column_prefs_remove (self->prefs, row_index (GTK_WIDGET (button)));
}

static GtkWidget *
icon_button (const char *icon, const char *label, GCallback callback, IotColumnEditor *self)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_add_css_class (button, "flat");
  g_signal_connect (button, "clicked", callback, self);
  return button;
}

static GtkWidget *
make_row (IotColumnEditor *self, const IotColumnSpec *spec, guint index, guint n)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *title = gtk_entry_new ();
  GtkWidget *what;
  GtkWidget *up, *down;
  g_autofree char *shows = NULL;

  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), spec->visible);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Shown"), -1);
  g_signal_connect (check, "toggled", G_CALLBACK (visible_toggled_cb), self);
  gtk_box_append (GTK_BOX (box), check);

  gtk_editable_set_text (GTK_EDITABLE (title), spec->title);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (title), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Title"), -1);
  g_signal_connect (title, "changed", G_CALLBACK (title_changed_cb), self);
  gtk_box_append (GTK_BOX (box), title);

  if (g_str_equal (spec->id, "field"))
    shows = g_strdup (spec->field);
  else if (g_str_equal (spec->id, "comment"))
    shows = g_strdup (_("packet comments"));
  else
    shows = g_strdup_printf (_("built-in: %s"), spec->id);
  what = gtk_label_new (shows);
  gtk_label_set_xalign (GTK_LABEL (what), 0);
  gtk_label_set_width_chars (GTK_LABEL (what), 22);
  gtk_label_set_ellipsize (GTK_LABEL (what), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (what, "dim-label");
  gtk_box_append (GTK_BOX (box), what);

  up = icon_button ("go-up-symbolic", "Move left", G_CALLBACK (move_clicked_cb), self);
  g_object_set_data (G_OBJECT (up), "delta", GINT_TO_POINTER (-1));
  gtk_widget_set_sensitive (up, index > 0);
  gtk_box_append (GTK_BOX (box), up);
  down = icon_button ("go-down-symbolic", "Move right", G_CALLBACK (move_clicked_cb), self);
  g_object_set_data (G_OBJECT (down), "delta", GINT_TO_POINTER (1));
  gtk_widget_set_sensitive (down, index + 1 < n);
  gtk_box_append (GTK_BOX (box), down);
  if (iot_column_from_id (spec->id) < 0)
    gtk_box_append (GTK_BOX (box), icon_button ("list-remove-symbolic", _("Remove this column"),
                                                G_CALLBACK (remove_clicked_cb), self));
  return box;
}

static void
rebuild (IotColumnEditor *self)
{
  guint n = iot_column_prefs_get_n_columns (self->prefs);
  GtkWidget *child;

  if (self->editing)
    return;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->rows))) != NULL)
    gtk_list_box_remove (self->rows, child);
  for (guint i = 0; i < n; i++)
    gtk_list_box_append (self->rows, make_row (self, iot_column_prefs_get_column (self->prefs, i), i, n));
}

static void
add_clicked_cb (IotColumnEditor *self)
{
  g_autoptr (GError) error = NULL;

  if (!iot_column_prefs_add_field (self->prefs, gtk_editable_get_text (GTK_EDITABLE (self->field_entry)),
                                   gtk_editable_get_text (GTK_EDITABLE (self->title_entry)), NULL, &error))
    {
      gtk_label_set_text (self->message, error->message);
      return;
    }
  gtk_label_set_text (self->message, "");
  gtk_editable_set_text (GTK_EDITABLE (self->field_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->title_entry), "");
}

static void
add_comment_clicked_cb (IotColumnEditor *self)
{
  iot_column_prefs_add_comment (self->prefs);
}

static void
reset_clicked_cb (IotColumnEditor *self)
{
  iot_column_prefs_reset (self->prefs);
}

static void
iot_column_editor_dispose (GObject *object)
{
  IotColumnEditor *self = IOT_COLUMN_EDITOR (object);

  if (self->prefs != NULL)
    g_signal_handlers_disconnect_by_data (self->prefs, self);
  g_clear_object (&self->prefs);
  gtk_widget_dispose_template (GTK_WIDGET (self), IOT_TYPE_COLUMN_EDITOR);
  G_OBJECT_CLASS (iot_column_editor_parent_class)->dispose (object);
}

static void
iot_column_editor_class_init (IotColumnEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = iot_column_editor_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-column-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, IotColumnEditor, rows);
  gtk_widget_class_bind_template_child (widget_class, IotColumnEditor, field_entry);
  gtk_widget_class_bind_template_child (widget_class, IotColumnEditor, title_entry);
  gtk_widget_class_bind_template_child (widget_class, IotColumnEditor, add_button);
  gtk_widget_class_bind_template_child (widget_class, IotColumnEditor, message);
  gtk_widget_class_bind_template_callback (widget_class, add_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_comment_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, reset_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
iot_column_editor_init (IotColumnEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

IotColumnEditor *
iot_column_editor_new (GtkWindow *parent, IotColumnPrefs *prefs)
{
  IotColumnEditor *self = g_object_new (IOT_TYPE_COLUMN_EDITOR, "transient-for", parent, NULL);

  self->prefs = g_object_ref (prefs);
  g_signal_connect_object (prefs, "changed", G_CALLBACK (rebuild), self, G_CONNECT_SWAPPED);
  rebuild (self);
  return self;
}
