/* iot-decode-as-dialog.c — Decode As. */
#include "iot-decode-as-dialog.h"
#include "iot-app-test.h"

#include <string.h>

#include <glib/gi18n.h>

#include "iot-dissect-settings.h"
#include "iot-dissector.h"
#include "iot-engine.h"

struct _IotDecodeAsDialog {
  GtkWindow      parent_instance;

  GtkListBox    *entry_list;
  GtkDropDown   *table_dropdown;
  GtkEntry      *value_entry;
  GtkDropDown   *protocol_dropdown;
  GtkButton     *add_button;
  GtkLabel      *status;

  GSettings     *settings;
  GtkStringList *entries;
  GtkStringList *protocols;
};

G_DEFINE_FINAL_TYPE (IotDecodeAsDialog, iot_decode_as_dialog, GTK_TYPE_WINDOW)

static void
set_status (IotDecodeAsDialog *self, const char *text, gboolean error)
{
  gtk_label_set_text (self->status, text);
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status), "error");
}

/* ---- the list ----------------------------------------------------------------------- */

static void
remove_cb (GtkButton *button, IotDecodeAsDialog *self)
{
  iot_dissect_settings_remove_decode_as (self->settings, g_object_get_data (G_OBJECT (button), "entry"));
}

/* "tcp.port==1884,mqtt" as "tcp.port 1884 → MQTT (mqtt)". */
static GtkWidget *
create_row (gpointer item, gpointer data)
{
  const char *entry = gtk_string_object_get_string (item);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (entry);
  g_auto (GStrv) sides = g_strsplit (entry, ",", 2);
  const IotDissector *dissector = sides[1] != NULL ? iot_registry_dissector (sides[1]) : NULL;
  GtkWidget *name = gtk_label_new (dissector != NULL ? dissector->long_name : "");
  GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");

  gtk_widget_set_margin_start (box, 8);
  gtk_widget_set_margin_end (box, 8);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "monospace");
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_add_css_class (name, "dim-label");
  gtk_widget_set_tooltip_text (remove, _("Remove this entry"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remove this entry"), -1);
  gtk_widget_add_css_class (remove, "flat");
  g_object_set_data_full (G_OBJECT (remove), "entry", g_strdup (entry), g_free);
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_cb), data);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), remove);
  return box;
}

static void
entries_changed_cb (GSettings *settings, const char *key, IotDecodeAsDialog *self)
{
  g_auto (GStrv) entries = g_settings_get_strv (settings, "decode-as");

  gtk_string_list_splice (self->entries, 0, g_list_model_get_n_items (G_LIST_MODEL (self->entries)),
                          (const char *const *) entries);
}

/* ---- adding --------------------------------------------------------------------------- */

static const char *
selected_string (GtkDropDown *dropdown)
{
  GtkStringObject *item = gtk_drop_down_get_selected_item (dropdown);

  return item != NULL ? gtk_string_object_get_string (item) : NULL;
}

static void
add_cb (GtkWidget *widget, IotDecodeAsDialog *self)
{
  g_autofree char *value = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->value_entry))));
  const char *table = selected_string (self->table_dropdown);
  const char *protocol = selected_string (self->protocol_dropdown);
  g_autofree char *spec = NULL;
  g_autoptr (GError) error = NULL;

  if (table == NULL || protocol == NULL || value[0] == '\0')
    {
      set_status (self, _("Choose a table, a value and a protocol."), TRUE);
      return;
    }
  spec = g_strdup_printf ("%s==%s,%s", table, value, protocol);
  if (!iot_dissect_settings_add_decode_as (self->settings, spec, &error))
    {
      set_status (self, error->message, TRUE);
      return;
    }
  set_status (self, "", FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->value_entry), "");
}

gboolean
iot_decode_as_dialog_select_protocol (IotDecodeAsDialog *self, const char *abbrev)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->protocols)); i++)
    if (g_str_equal (gtk_string_list_get_string (self->protocols, i), abbrev))
      {
        gtk_drop_down_set_selected (self->protocol_dropdown, i);
        return TRUE;
      }
  return FALSE;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* Every protocol a table can hand to, by filter name. */
static void
fill_protocols (IotDecodeAsDialog *self)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; i < iot_registry_n_dissectors (); i++)
    {
      const IotDissector *dissector = iot_registry_dissector_by_id (i);

      if (dissector->abbrev != NULL && dissector->abbrev[0] != '\0')
        g_ptr_array_add (names, (gpointer) dissector->abbrev);
    }
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  self->protocols = gtk_string_list_new ((const char *const *) names->pdata);
  gtk_drop_down_set_model (self->protocol_dropdown, G_LIST_MODEL (self->protocols));
  gtk_drop_down_set_expression (self->protocol_dropdown,
                                gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string"));
}

/* The protocol @table hands @port to now, to change from there. */
static void
select_protocol_of (IotDecodeAsDialog *self, const char *table, const char *port)
{
  for (guint i = 0; i < iot_registry_n_dissectors (); i++)
    {
      const IotDissector *dissector = iot_registry_dissector_by_id (i);
      g_autofree char *ports = iot_registry_port_preference (dissector->abbrev, table);
      g_auto (GStrv) list = g_strsplit (ports, ",", -1);

      if (g_strv_contains ((const char *const *) list, port))
        {
          iot_decode_as_dialog_select_protocol (self, dissector->abbrev);
          return;
        }
    }
}

/* The selected frame's destination port (TCP, else UDP), to start from
 * what the user is looking at, as Wireshark's Decode As does. */
static void
prefill_from_selection (IotDecodeAsDialog *self, IotSession *session)
{
  IotPacket *pkt = session != NULL ? iot_session_get_packet (session) : NULL;
  const IotNode *nodes;
  guint n;

  if (pkt == NULL)
    return;
  nodes = iot_packet_nodes (pkt);
  n = iot_packet_n_nodes (pkt);
  for (guint i = 0; i < n; i++)
    {
      const char *abbrev = nodes[i].field != NULL ? nodes[i].field->abbrev : NULL;
      g_autofree char *port = NULL;

      if (g_strcmp0 (abbrev, "tcp.dstport") != 0 && g_strcmp0 (abbrev, "udp.dstport") != 0)
        continue;
      port = g_strdup_printf ("%" G_GUINT64_FORMAT, nodes[i].v.u);
      gtk_drop_down_set_selected (self->table_dropdown, abbrev[0] == 't' ? 0 : 1);
      gtk_editable_set_text (GTK_EDITABLE (self->value_entry), port);
      /* The protocol the port goes to now, to change from there. */
      select_protocol_of (self, abbrev[0] == 't' ? "tcp.port" : "udp.port", port);
      return;
    }
}

/* ---- construction -------------------------------------------------------------------- */

IotDecodeAsDialog *
iot_decode_as_dialog_new (GSettings *settings, IotSession *session)
{
  IotDecodeAsDialog *self = g_object_new (IOT_TYPE_DECODE_AS_DIALOG, NULL);

  self->settings = g_object_ref (settings);
  g_signal_connect_object (settings, "changed::decode-as", G_CALLBACK (entries_changed_cb), self, 0);
  entries_changed_cb (settings, "decode-as", self);
  prefill_from_selection (self, session);
  return self;
}

GListModel *
iot_decode_as_dialog_get_entries (IotDecodeAsDialog *self)
{
  return G_LIST_MODEL (self->entries);
}

static void
iot_decode_as_dialog_dispose (GObject *object)
{
  IotDecodeAsDialog *self = IOT_DECODE_AS_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), IOT_TYPE_DECODE_AS_DIALOG);
  g_clear_object (&self->settings);
  g_clear_object (&self->entries);
  g_clear_object (&self->protocols);
  G_OBJECT_CLASS (iot_decode_as_dialog_parent_class)->dispose (object);
}

static void
iot_decode_as_dialog_class_init (IotDecodeAsDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = iot_decode_as_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-decode-as-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, IotDecodeAsDialog, entry_list);
  gtk_widget_class_bind_template_child (widget_class, IotDecodeAsDialog, table_dropdown);
  gtk_widget_class_bind_template_child (widget_class, IotDecodeAsDialog, value_entry);
  gtk_widget_class_bind_template_child (widget_class, IotDecodeAsDialog, protocol_dropdown);
  gtk_widget_class_bind_template_child (widget_class, IotDecodeAsDialog, add_button);
  gtk_widget_class_bind_template_child (widget_class, IotDecodeAsDialog, status);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
iot_decode_as_dialog_init (IotDecodeAsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->entries = gtk_string_list_new (NULL);
  gtk_list_box_bind_model (self->entry_list, G_LIST_MODEL (self->entries), create_row, self, NULL);
  fill_protocols (self);
  g_signal_connect (self->add_button, "clicked", G_CALLBACK (add_cb), self);
  g_signal_connect (self->value_entry, "activate", G_CALLBACK (add_cb), self);
}
