/* iot-colour-rules-dialog.c — the colouring rules editor. */
#include "iot-colour-rules-dialog.h"
#include "iot-app-test.h"

#include <glib/gi18n.h>

#include "iot-colour-rules.h"
#include "iot-filter.h"

struct _IotColourRulesDialog {
  GtkWindow   parent_instance;

  GtkListBox *rule_list;
  GtkLabel   *status;
  GtkButton  *add_button;
  GtkButton  *defaults_button;
  GtkButton  *apply_button;
  GtkButton  *cancel_button;

  GSettings  *settings;
  GListStore *rules;
};

G_DEFINE_FINAL_TYPE (IotColourRulesDialog, iot_colour_rules_dialog, GTK_TYPE_WINDOW)

static void
set_status (IotColourRulesDialog *self, const char *text, gboolean error)
{
  gtk_label_set_text (self->status, text);
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status), "error");
}

static guint
index_of (IotColourRulesDialog *self, IotColourRule *rule)
{
  guint position = 0;

  g_list_store_find (self->rules, rule, &position);
  return position;
}

/* ---- one row ------------------------------------------------------------------------- */

static void
enabled_toggled_cb (GtkCheckButton *check, IotColourRule *rule)
{
  iot_colour_rule_set_enabled (rule, gtk_check_button_get_active (check));
}

static void
name_changed_cb (GtkEditable *entry, IotColourRule *rule)
{
  iot_colour_rule_set_name (rule, gtk_editable_get_text (entry));
}

/* Says at once, on the entry, whether the filter compiles. */
static void
show_filter_problem (GtkWidget *entry, const char *text)
{
  g_autoptr (IotFilterProblem) problem = NULL;
  g_autoptr (IotFilter) filter = text[0] != '\0' ? iot_filter_compile (text, &problem) : NULL;

  if (filter == NULL && problem != NULL)
    {
      gtk_widget_add_css_class (entry, "error");
      gtk_widget_set_tooltip_text (entry, problem->message);
    }
  else
    {
      gtk_widget_remove_css_class (entry, "error");
      gtk_widget_set_tooltip_text (entry, NULL);
    }
}

static void
filter_changed_cb (GtkEditable *entry, IotColourRule *rule)
{
  iot_colour_rule_set_filter (rule, gtk_editable_get_text (entry));
  show_filter_problem (GTK_WIDGET (entry), gtk_editable_get_text (entry));
}

static char *
rgba_to_hex (const GdkRGBA *rgba)
{
  return g_strdup_printf ("#%02x%02x%02x", (guint) (rgba->red * 255 + 0.5), (guint) (rgba->green * 255 + 0.5),
                          (guint) (rgba->blue * 255 + 0.5));
}

/* The name entry shows the rule's colours, as its rows will. */
static void
paint_sample (GtkWidget *entry, IotColourRule *rule)
{
  GtkCssProvider *provider = g_object_get_data (G_OBJECT (entry), "sample-style");
  g_autofree char *css = g_strdup_printf ("entry { background-color: %s; color: %s; }",
                                          iot_colour_rule_get_background (rule),
                                          iot_colour_rule_get_foreground (rule));

  if (provider == NULL)
    {
      provider = gtk_css_provider_new ();
      g_object_set_data_full (G_OBJECT (entry), "sample-style", provider, g_object_unref);
      gtk_style_context_add_provider (gtk_widget_get_style_context (entry), GTK_STYLE_PROVIDER (provider),
                                      GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    }
  gtk_css_provider_load_from_data (provider, css, -1);
}

static void
colour_set_cb (GtkColorButton *button, IotColourRule *rule)
{
  GdkRGBA rgba;
  g_autofree char *hex = NULL;

  gtk_color_chooser_get_rgba (GTK_COLOR_CHOOSER (button), &rgba);
  hex = rgba_to_hex (&rgba);
  if (g_object_get_data (G_OBJECT (button), "background") != NULL)
    iot_colour_rule_set_background (rule, hex);
  else
    iot_colour_rule_set_foreground (rule, hex);
  paint_sample (g_object_get_data (G_OBJECT (button), "sample"), rule);
}

static void
move (IotColourRulesDialog *self, IotColourRule *rule, int delta)
{
  guint from = index_of (self, rule);
  gint to = (gint) from + delta;
  g_autoptr (IotColourRule) keep = g_object_ref (rule);

  if (to < 0 || to >= (gint) g_list_model_get_n_items (G_LIST_MODEL (self->rules)))
    return;
  g_list_store_remove (self->rules, from);
  g_list_store_insert (self->rules, to, keep);
}

static void
up_cb (GtkButton *button, IotColourRulesDialog *self)
{
  move (self, g_object_get_data (G_OBJECT (button), "rule"), -1);
}

static void
down_cb (GtkButton *button, IotColourRulesDialog *self)
{
  move (self, g_object_get_data (G_OBJECT (button), "rule"), 1);
}

static void
remove_cb (GtkButton *button, IotColourRulesDialog *self)
{
  g_list_store_remove (self->rules, index_of (self, g_object_get_data (G_OBJECT (button), "rule")));
}

static GtkWidget *
colour_button (IotColourRule *rule, const char *colour, gboolean background)
{
  GdkRGBA rgba = { 0, 0, 0, 1 };
  GtkWidget *button;
  const char *label = background ? _("Background colour") : _("Foreground colour");

  gdk_rgba_parse (&rgba, colour);
  button = gtk_color_button_new_with_rgba (&rgba);
  gtk_color_button_set_title (GTK_COLOR_BUTTON (button), label);
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  if (background)
    g_object_set_data (G_OBJECT (button), "background", GINT_TO_POINTER (1));
  g_signal_connect (button, "color-set", G_CALLBACK (colour_set_cb), rule);
  return button;
}

static GtkWidget *
icon_button (const char *icon, const char *label, IotColourRule *rule, GCallback callback,
             IotColourRulesDialog *self)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_add_css_class (button, "flat");
  g_object_set_data_full (G_OBJECT (button), "rule", g_object_ref (rule), g_object_unref);
  g_signal_connect (button, "clicked", callback, self);
  return button;
}

static GtkWidget *
create_row (gpointer item, gpointer data)
{
  IotColourRulesDialog *self = data;
  IotColourRule *rule = item;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *enabled = gtk_check_button_new ();
  GtkWidget *name = gtk_entry_new ();
  GtkWidget *filter = gtk_entry_new ();
  GtkWidget *fg = colour_button (rule, iot_colour_rule_get_foreground (rule), FALSE);
  GtkWidget *bg = colour_button (rule, iot_colour_rule_get_background (rule), TRUE);
  GtkWidget *up = icon_button ("go-up-symbolic", _("Move this rule up"), rule, G_CALLBACK (up_cb), self);
  GtkWidget *down = icon_button ("go-down-symbolic", _("Move this rule down"), rule, G_CALLBACK (down_cb), self);
  GtkWidget *remove = icon_button ("list-remove-symbolic", _("Remove this rule"), rule, G_CALLBACK (remove_cb), self);
  guint index = index_of (self, rule);

  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (enabled), iot_colour_rule_get_enabled (rule));
  gtk_widget_set_tooltip_text (enabled, _("Use this rule"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (enabled), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Use this rule"), -1);
  gtk_editable_set_text (GTK_EDITABLE (name), iot_colour_rule_get_name (rule));
  gtk_editable_set_width_chars (GTK_EDITABLE (name), 16);
  gtk_accessible_update_property (GTK_ACCESSIBLE (name), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Name"), -1);
  gtk_editable_set_text (GTK_EDITABLE (filter), iot_colour_rule_get_filter (rule));
  gtk_entry_set_placeholder_text (GTK_ENTRY (filter), _("Display filter, e.g. mqtt.msgtype == 3"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (filter), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Display filter"), -1);
  gtk_widget_set_hexpand (filter, TRUE);
  gtk_widget_add_css_class (filter, "monospace");
  show_filter_problem (filter, iot_colour_rule_get_filter (rule));
  paint_sample (name, rule);
  g_object_set_data (G_OBJECT (fg), "sample", name);
  g_object_set_data (G_OBJECT (bg), "sample", name);
  gtk_widget_set_sensitive (up, index > 0);
  gtk_widget_set_sensitive (down, index + 1 < g_list_model_get_n_items (G_LIST_MODEL (self->rules)));
  g_signal_connect (enabled, "toggled", G_CALLBACK (enabled_toggled_cb), rule);
  g_signal_connect (name, "changed", G_CALLBACK (name_changed_cb), rule);
  g_signal_connect (filter, "changed", G_CALLBACK (filter_changed_cb), rule);
  gtk_box_append (GTK_BOX (box), enabled);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), filter);
  gtk_box_append (GTK_BOX (box), fg);
  gtk_box_append (GTK_BOX (box), bg);
  gtk_box_append (GTK_BOX (box), up);
  gtk_box_append (GTK_BOX (box), down);
  gtk_box_append (GTK_BOX (box), remove);
  g_object_set_data (G_OBJECT (box), "enabled", enabled);
  g_object_set_data (G_OBJECT (box), "name", name);
  g_object_set_data (G_OBJECT (box), "filter", filter);
  g_object_set_data (G_OBJECT (box), "foreground", fg);
  g_object_set_data (G_OBJECT (box), "background", bg);
  g_object_set_data (G_OBJECT (box), "up", up);
  g_object_set_data (G_OBJECT (box), "down", down);
  g_object_set_data (G_OBJECT (box), "remove", remove);
  return box;
}

/* Moving a rule changes which rows may move further: the neighbours'
 * arrows follow. */
static void
rules_changed_cb (GListModel *model, guint position, guint removed, guint added, IotColourRulesDialog *self)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->rule_list, i);
      GtkWidget *box = row ? gtk_list_box_row_get_child (row) : NULL;

      if (box == NULL)
        continue;
      gtk_widget_set_sensitive (g_object_get_data (G_OBJECT (box), "up"), i > 0);
      gtk_widget_set_sensitive (g_object_get_data (G_OBJECT (box), "down"), i + 1 < n);
    }
}

/* ---- buttons ------------------------------------------------------------------------ */

static void
load (IotColourRulesDialog *self, GVariant *value)
{
  g_autoptr (GListStore) loaded = iot_colour_rules_from_variant (value);
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (loaded)); i++)
    g_ptr_array_add (items, g_list_model_get_item (G_LIST_MODEL (loaded), i));
  g_list_store_splice (self->rules, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rules)), items->pdata,
                       items->len);
}

static void
add_cb (GtkButton *button, IotColourRulesDialog *self)
{
  g_autoptr (IotColourRule) rule = iot_colour_rule_new (_("New rule"), TRUE, "", "#121212", "#fff5b5");

  /* On top: the first match wins, so a new rule would else rarely show. */
  g_list_store_insert (self->rules, 0, rule);
  set_status (self, "", FALSE);
}

static void
defaults_cb (GtkButton *button, IotColourRulesDialog *self)
{
  g_autoptr (GVariant) defaults = g_settings_get_default_value (self->settings, "colour-rules");

  load (self, defaults);
  set_status (self, _("The default rules are back; Apply keeps them."), FALSE);
}

static void
apply_cb (GtkButton *button, IotColourRulesDialog *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->rules));

  /* A rule whose filter does not compile would never colour anything:
   * say which, rather than keep it silently. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (IotColourRule) rule = g_list_model_get_item (G_LIST_MODEL (self->rules), i);
      g_autoptr (IotFilterProblem) problem = NULL;
      g_autoptr (IotFilter) filter = NULL;

      if (!iot_colour_rule_get_enabled (rule))
        continue;
      filter = iot_filter_compile (iot_colour_rule_get_filter (rule), &problem);
      if (filter == NULL)
        {
          g_autofree char *text = g_strdup_printf (_("Rule “%s”: %s"), iot_colour_rule_get_name (rule),
                                                   problem ? problem->message : _("no filter"));

          set_status (self, text, TRUE);
          return;
        }
    }
  g_settings_set_value (self->settings, "colour-rules", iot_colour_rules_to_variant (G_LIST_MODEL (self->rules)));
  gtk_window_close (GTK_WINDOW (self));
}

static void
cancel_cb (GtkButton *button, IotColourRulesDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

/* ---- construction ------------------------------------------------------------------- */

IotColourRulesDialog *
iot_colour_rules_dialog_new (GSettings *settings)
{
  IotColourRulesDialog *self = g_object_new (IOT_TYPE_COLOUR_RULES_DIALOG, NULL);
  g_autoptr (GVariant) value = g_settings_get_value (settings, "colour-rules");

  self->settings = g_object_ref (settings);
  load (self, value);
  return self;
}

GListModel *
iot_colour_rules_dialog_get_rules (IotColourRulesDialog *self)
{
  return G_LIST_MODEL (self->rules);
}

GtkWidget *
iot_colour_rules_dialog_get_control (IotColourRulesDialog *self, guint index, const char *what)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->rule_list, index);

  return row != NULL ? g_object_get_data (G_OBJECT (gtk_list_box_row_get_child (row)), what) : NULL;
}

static void
iot_colour_rules_dialog_dispose (GObject *object)
{
  IotColourRulesDialog *self = IOT_COLOUR_RULES_DIALOG (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), IOT_TYPE_COLOUR_RULES_DIALOG);
  g_clear_object (&self->settings);
  g_clear_object (&self->rules);
  G_OBJECT_CLASS (iot_colour_rules_dialog_parent_class)->dispose (object);
}

static void
iot_colour_rules_dialog_class_init (IotColourRulesDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = iot_colour_rules_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-colour-rules-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, IotColourRulesDialog, rule_list);
  gtk_widget_class_bind_template_child (widget_class, IotColourRulesDialog, status);
  gtk_widget_class_bind_template_child (widget_class, IotColourRulesDialog, add_button);
  gtk_widget_class_bind_template_child (widget_class, IotColourRulesDialog, defaults_button);
  gtk_widget_class_bind_template_child (widget_class, IotColourRulesDialog, apply_button);
  gtk_widget_class_bind_template_child (widget_class, IotColourRulesDialog, cancel_button);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
iot_colour_rules_dialog_init (IotColourRulesDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rules = g_list_store_new (IOT_TYPE_COLOUR_RULE);
  gtk_list_box_bind_model (self->rule_list, G_LIST_MODEL (self->rules), create_row, self, NULL);
  g_signal_connect_after (self->rules, "items-changed", G_CALLBACK (rules_changed_cb), self);
  g_signal_connect (self->add_button, "clicked", G_CALLBACK (add_cb), self);
  g_signal_connect (self->defaults_button, "clicked", G_CALLBACK (defaults_cb), self);
  g_signal_connect (self->apply_button, "clicked", G_CALLBACK (apply_cb), self);
  g_signal_connect (self->cancel_button, "clicked", G_CALLBACK (cancel_cb), self);
}
