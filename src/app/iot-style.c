/* iot-style.c — follows the desktop's light/dark preference.
 *
 * GTK 4.8 has no style manager of its own: it draws dark when
 * gtk-application-prefer-dark-theme is set.  The desktop's wish comes
 * from the settings portal (what sandboxed and unsandboxed apps alike are
 * meant to read), and where no portal answers, from GNOME's own key.  The
 * app's color-scheme setting overrides both. */
#include "iot-style.h"
#include "iot-app-test.h"

#define PORTAL_NAME "org.freedesktop.portal.Desktop"
#define PORTAL_PATH "/org/freedesktop/portal/desktop"
#define PORTAL_SETTINGS "org.freedesktop.portal.Settings"
#define APPEARANCE "org.freedesktop.appearance"

static struct {
  GSettings     *settings;        /* the app's, may be NULL */
  GSettings     *desktop;         /* org.gnome.desktop.interface, may be NULL */
  GDBusProxy    *portal;
  gboolean       portal_answered;
  IotSystemStyle system;
} style;

static gboolean
wants_dark (void)
{
  g_autofree char *choice = style.settings ? g_settings_get_string (style.settings, "color-scheme")
                                           : g_strdup ("default");

  if (g_str_equal (choice, "dark"))
    return TRUE;
  if (g_str_equal (choice, "light"))
    return FALSE;
  return style.system == IOT_SYSTEM_STYLE_PREFER_DARK;
}

static void
update (void)
{
  GtkSettings *gtk_settings = gtk_settings_get_default ();

  if (gtk_settings != NULL)
    g_object_set (gtk_settings, "gtk-application-prefer-dark-theme", wants_dark (), NULL);
}

IotSystemStyle
iot_style_get_system (void)
{
  return style.system;
}

void
iot_style_set_system (IotSystemStyle system)
{
  style.system = system;
  update ();
}

gboolean
iot_style_is_dark (void)
{
  GtkSettings *gtk_settings = gtk_settings_get_default ();
  gboolean dark = FALSE;

  if (gtk_settings != NULL)
    g_object_get (gtk_settings, "gtk-application-prefer-dark-theme", &dark, NULL);
  return dark;
}

/* ---- GNOME's key, where no portal answers ------------------------------------------ */

static void
desktop_changed_cb (GSettings *desktop, const char *key, gpointer data)
{
  g_autofree char *scheme = NULL;

  if (style.portal_answered)
    return;
  scheme = g_settings_get_string (desktop, "color-scheme");
  iot_style_set_system (g_str_equal (scheme, "prefer-dark") ? IOT_SYSTEM_STYLE_PREFER_DARK
                        : g_str_equal (scheme, "prefer-light") ? IOT_SYSTEM_STYLE_PREFER_LIGHT
                        : IOT_SYSTEM_STYLE_DEFAULT);
}

static void
watch_desktop_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, "org.gnome.desktop.interface", TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "color-scheme"))
    return;
  style.desktop = g_settings_new_full (schema, NULL, NULL);
  g_signal_connect (style.desktop, "changed::color-scheme", G_CALLBACK (desktop_changed_cb), NULL);
  desktop_changed_cb (style.desktop, "color-scheme", NULL);
}

/* ---- the settings portal ------------------------------------------------------------ */

/* The portal's color-scheme: 0 no preference, 1 dark, 2 light. */
static void
portal_value (GVariant *value)
{
  g_autoptr (GVariant) inner = value;

  /* Read wraps the value in one more variant than SettingChanged. */
  while (inner != NULL && g_variant_is_of_type (inner, G_VARIANT_TYPE_VARIANT))
    {
      GVariant *next = g_variant_get_variant (inner);

      g_variant_unref (inner);
      inner = next;
    }
  if (inner == NULL || !g_variant_is_of_type (inner, G_VARIANT_TYPE_UINT32))
    return;
  style.portal_answered = TRUE;
  switch (g_variant_get_uint32 (inner))
    {
    case 1: iot_style_set_system (IOT_SYSTEM_STYLE_PREFER_DARK); break;
    case 2: iot_style_set_system (IOT_SYSTEM_STYLE_PREFER_LIGHT); break;
    default: iot_style_set_system (IOT_SYSTEM_STYLE_DEFAULT); break;
    }
}

static void
portal_signal_cb (GDBusProxy *proxy, const char *sender, const char *signal, GVariant *params, gpointer data)
{
  const char *ns, *key;
  GVariant *value;

  if (!g_str_equal (signal, "SettingChanged") || !g_variant_is_of_type (params, G_VARIANT_TYPE ("(ssv)")))
    return;
  g_variant_get (params, "(&s&sv)", &ns, &key, &value);
  if (g_str_equal (ns, APPEARANCE) && g_str_equal (key, "color-scheme"))
    portal_value (value);
  else
    g_variant_unref (value);
}

static void
portal_read_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GVariant) reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result, NULL);
  GVariant *value;

  /* No portal, or one without the key: GNOME's key stays in charge. */
  if (reply == NULL)
    return;
  g_variant_get (reply, "(v)", &value);
  portal_value (value);
}

static void
portal_proxy_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  style.portal = g_dbus_proxy_new_for_bus_finish (result, NULL);
  if (style.portal == NULL)
    return;
  g_signal_connect (style.portal, "g-signal", G_CALLBACK (portal_signal_cb), NULL);
  g_dbus_proxy_call (style.portal, "Read", g_variant_new ("(ss)", APPEARANCE, "color-scheme"),
                     G_DBUS_CALL_FLAGS_NONE, 2000, NULL, portal_read_cb, NULL);
}

static void
watch_portal (void)
{
  /* Without a session bus there is no portal; asking would only start
   * a bus of its own (autolaunch). */
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    return;
  g_dbus_proxy_new_for_bus (G_BUS_TYPE_SESSION,
                            G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES | G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START_AT_CONSTRUCTION,
                            NULL, PORTAL_NAME, PORTAL_PATH, PORTAL_SETTINGS, NULL, portal_proxy_cb, NULL);
}

static void
choice_changed_cb (GSettings *settings, const char *key, gpointer data)
{
  update ();
}

void
iot_style_init (GSettings *settings)
{
  static gboolean done;

  if (done)
    return;
  done = TRUE;
  if (settings != NULL)
    {
      style.settings = g_object_ref (settings);
      g_signal_connect (settings, "changed::color-scheme", G_CALLBACK (choice_changed_cb), NULL);
    }
  watch_desktop_settings ();
  watch_portal ();
  update ();
}
