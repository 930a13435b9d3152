/* iot-colour-rules.c — colouring rules: the model the editor edits, the
 * compiled set the packet list's rows are matched against, and the style
 * sheet that gives each rule its colours. */
#include "iot-colour-rules.h"

#include "iot-filter.h"
#include "iot-frame-list.h"
#include "iot-packet-list.h"

/* Style classes exist for this many rules; the ones after never colour
 * (Wireshark's default list has 20). */
#define MAX_RULES 64

/* ---- one rule ---------------------------------------------------------------------- */

struct _IotColourRule {
  GObject   parent_instance;
  char     *name;
  gboolean  enabled;
  char     *filter;
  char     *foreground;
  char     *background;
};

G_DEFINE_FINAL_TYPE (IotColourRule, iot_colour_rule, G_TYPE_OBJECT)

static void
iot_colour_rule_finalize (GObject *object)
{
  IotColourRule *self = IOT_COLOUR_RULE (object);

  g_free (self->name);
  g_free (self->filter);
  g_free (self->foreground);
  g_free (self->background);
  G_OBJECT_CLASS (iot_colour_rule_parent_class)->finalize (object);
}

static void
iot_colour_rule_class_init (IotColourRuleClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = iot_colour_rule_finalize;
}

static void
iot_colour_rule_init (IotColourRule *self)
{
}

IotColourRule *
iot_colour_rule_new (const char *name, gboolean enabled, const char *filter, const char *foreground,
                     const char *background)
{
  IotColourRule *self = g_object_new (IOT_TYPE_COLOUR_RULE, NULL);

  self->name = g_strdup (name);
  self->enabled = enabled;
  self->filter = g_strdup (filter);
  self->foreground = g_strdup (foreground);
  self->background = g_strdup (background);
  return self;
}

const char *iot_colour_rule_get_name (IotColourRule *self) { return self->name; }
gboolean    iot_colour_rule_get_enabled (IotColourRule *self) { return self->enabled; }
const char *iot_colour_rule_get_filter (IotColourRule *self) { return self->filter; }
const char *iot_colour_rule_get_foreground (IotColourRule *self) { return self->foreground; }
const char *iot_colour_rule_get_background (IotColourRule *self) { return self->background; }

void
iot_colour_rule_set_name (IotColourRule *self, const char *name)
{
  g_free (self->name);
  self->name = g_strdup (name);
}

void
iot_colour_rule_set_enabled (IotColourRule *self, gboolean enabled)
{
  self->enabled = enabled;
}

void
iot_colour_rule_set_filter (IotColourRule *self, const char *filter)
{
  g_free (self->filter);
  self->filter = g_strdup (filter);
}

void
iot_colour_rule_set_foreground (IotColourRule *self, const char *colour)
{
  g_free (self->foreground);
  self->foreground = g_strdup (colour);
}

void
iot_colour_rule_set_background (IotColourRule *self, const char *colour)
{
  g_free (self->background);
  self->background = g_strdup (colour);
}

GListStore *
iot_colour_rules_from_variant (GVariant *value)
{
  GListStore *store = g_list_store_new (IOT_TYPE_COLOUR_RULE);
  GVariantIter iter;
  const char *name, *filter, *fg, *bg;
  gboolean enabled;

  g_variant_iter_init (&iter, value);
  while (g_variant_iter_next (&iter, "(&sb&s&s&s)", &name, &enabled, &filter, &fg, &bg))
    {
      g_autoptr (IotColourRule) rule = iot_colour_rule_new (name, enabled, filter, fg, bg);

      g_list_store_append (store, rule);
    }
  return store;
}

GVariant *
iot_colour_rules_to_variant (GListModel *rules)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sbsss)"));
  for (guint i = 0; i < g_list_model_get_n_items (rules); i++)
    {
      g_autoptr (IotColourRule) rule = g_list_model_get_item (rules, i);

      g_variant_builder_add (&builder, "(sbsss)", rule->name, rule->enabled, rule->filter, rule->foreground,
                             rule->background);
    }
  return g_variant_builder_end (&builder);
}

/* ---- compiled -------------------------------------------------------------------- */

struct _IotColourRuleSet {
  GVariant    *value;     /* the rules compiled, for copies */
  GPtrArray   *filters;   /* IotFilter* by rule index; NULL: never matches */
  IotFieldSet *fields;
};

IotColourRuleSet *
iot_colour_rule_set_new (GVariant *value)
{
  IotColourRuleSet *self = g_new0 (IotColourRuleSet, 1);
  GVariantIter iter;
  const char *name, *text, *fg, *bg;
  gboolean enabled;

  self->value = g_variant_ref (value);
  self->filters = g_ptr_array_new_with_free_func ((GDestroyNotify) iot_filter_free);
  self->fields = iot_field_set_new ();
  g_variant_iter_init (&iter, value);
  while (g_variant_iter_next (&iter, "(&sb&s&s&s)", &name, &enabled, &text, &fg, &bg)
         && self->filters->len < MAX_RULES)
    {
      g_autoptr (IotFilterProblem) problem = NULL;
      IotFilter *filter = enabled ? iot_filter_compile (text, &problem) : NULL;

      if (filter != NULL)
        iot_filter_add_fields (filter, self->fields);
      g_ptr_array_add (self->filters, filter);
    }
  return self;
}

void
iot_colour_rule_set_free (IotColourRuleSet *self)
{
  if (self == NULL)
    return;
  g_variant_unref (self->value);
  g_ptr_array_unref (self->filters);
  iot_field_set_free (self->fields);
  g_free (self);
}

IotColourRuleSet *
iot_colour_rule_set_copy (IotColourRuleSet *self)
{
  return iot_colour_rule_set_new (self->value);
}

const IotFieldSet *
iot_colour_rule_set_fields (IotColourRuleSet *self)
{
  return self->fields;
}

guint
iot_colour_rule_set_n_rules (IotColourRuleSet *self)
{
  return self->filters->len;
}

int
iot_colour_rule_set_match (IotColourRuleSet *self, IotPacket *pkt)
{
  for (guint i = 0; i < self->filters->len; i++)
    {
      IotFilter *filter = g_ptr_array_index (self->filters, i);

      if (filter != NULL && iot_filter_matches (filter, pkt))
        return (int) i;
    }
  return -1;
}

/* ---- style ----------------------------------------------------------------------- */

const char *
iot_colour_rule_class (int index)
{
  static char names[MAX_RULES][16];

  if (index < 0 || index >= MAX_RULES)
    return NULL;
  if (names[index][0] == '\0')
    g_snprintf (names[index], sizeof names[index], "colour-rule-%d", index);
  return names[index];
}

/* "#rrggbb" or another colour CSS reads; anything else is left out. */
static gboolean
is_colour (const char *text)
{
  GdkRGBA rgba;

  return text != NULL && text[0] != '\0' && gdk_rgba_parse (&rgba, text);
}

char *
iot_colour_rules_css (GVariant *value)
{
  GString *css = g_string_new (NULL);
  GVariantIter iter;
  const char *name, *text, *fg, *bg;
  gboolean enabled;
  int index = 0;

  g_variant_iter_init (&iter, value);
  while (g_variant_iter_next (&iter, "(&sb&s&s&s)", &name, &enabled, &text, &fg, &bg) && index < MAX_RULES)
    {
      const char *klass = iot_colour_rule_class (index++);

      /* The selection keeps the theme's colours, as everywhere else. */
      g_string_append_printf (css, "columnview.packet-list > listview > row.%s:not(:selected) {", klass);
      if (is_colour (bg))
        g_string_append_printf (css, " background-color: %s;", bg);
      if (is_colour (fg))
        g_string_append_printf (css, " color: %s;", fg);
      g_string_append (css, " }\n");
    }
  return g_string_free (css, FALSE);
}

/* ---- windows --------------------------------------------------------------------- */

static GtkCssProvider *provider;

static void
update_style (GVariant *value)
{
  g_autofree char *css = iot_colour_rules_css (value);
  GdkDisplay *display = gdk_display_get_default ();

  if (display == NULL)
    return;
  if (provider == NULL)
    {
      provider = gtk_css_provider_new ();
      /* Above the built-in style sheet, whose protocol colours they replace. */
      gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION + 1);
    }
  gtk_css_provider_load_from_data (provider, css, -1);
}

static void
apply_to_window (IotWindow *window, GSettings *settings)
{
  g_autoptr (GVariant) value = g_settings_get_value (settings, "colour-rules");
  IotSession *session = iot_window_get_session (window);

  update_style (value);
  iot_frame_list_set_colour_rules (iot_session_get_frames (session), iot_colour_rule_set_new (value));
  iot_packet_list_refresh (iot_window_get_packet_list (window));
}

static void
rules_changed_cb (GSettings *settings, const char *key, IotWindow *window)
{
  apply_to_window (window, settings);
}

void
iot_colour_rules_attach (IotWindow *window, GSettings *settings)
{
  if (settings == NULL)
    return;
  g_signal_connect_object (settings, "changed::colour-rules", G_CALLBACK (rules_changed_cb), window, 0);
  apply_to_window (window, settings);
}
