/* test-desktop-hygiene.c — the real application as a user starts it: the
 * keyboard shortcuts window exists and can be shown (resources registered
 * before GtkApplication looks for it), lists every shortcut the window
 * binds, capture ones included; the style follows the color-scheme
 * setting and, on 'default', the desktop's preference.
 * Run under Xvfb (run-xvfb.sh). */
#include <gtk/gtk.h>

#include "iot-app-script.h"
#include "iot-app-test.h"
#include "iot-application-private.h"
#include "iot-style.h"

/* One spelling per accelerator ("<Control><Alt><Shift>c" and
 * "<Shift><Control><Alt>c" are the same keys). */
static char *
normalized (const char *accel)
{
  guint key = 0;
  GdkModifierType mods = 0;

  if (!gtk_accelerator_parse (accel, &key, &mods))
    return g_strdup (accel);
  return gtk_accelerator_name (key, mods);
}

/* Every accelerator shown in @widget's shortcuts, in a set. */
static void
collect_accelerators (GtkWidget *widget, GHashTable *accels)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      g_autofree char *accel = NULL;

      g_object_get (widget, "accelerator", &accel, NULL);
      g_hash_table_add (accels, normalized (accel));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_accelerators (child, accels);
}

static void
check_shortcuts_window (GtkApplication *app, GtkApplicationWindow *window)
{
  GtkShortcutsWindow *help = gtk_application_window_get_help_overlay (window);
  g_autoptr (GHashTable) shown = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  static const char *const capture[] = { "<Control>e", "<Control>r", "<Control>k", NULL };
  static const char *const app_actions[] = { "app.quit", "app.preferences", "win.open", "win.goto",
                                             "win.go-next", "win.focus-filter", "win.show-help-overlay",
                                             "app.file-properties", NULL };

  g_assert_nonnull (help);
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "show-help-overlay"));
  collect_accelerators (GTK_WIDGET (help), shown);
  g_assert_cmpuint (g_hash_table_size (shown), >=, 15);
  for (guint i = 0; capture[i] != NULL; i++)
    {
      g_autofree char *accel = normalized (capture[i]);

      g_assert_true (g_hash_table_contains (shown, accel));
    }
  /* What the application binds is what the window lists. */
  for (guint i = 0; app_actions[i] != NULL; i++)
    {
      g_auto (GStrv) accels = gtk_application_get_accels_for_action (app, app_actions[i]);
      g_autofree char *accel = NULL;

      g_assert_nonnull (accels[0]);
      accel = normalized (accels[0]);
      if (!g_hash_table_contains (shown, accel))
        g_error ("%s (%s) is not in the shortcuts window", app_actions[i], accels[0]);
    }

  /* Ctrl+? (the action) shows it. */
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-help-overlay", NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (help)));
  if (g_getenv ("IOTSCOPE_SCREENSHOT_DIR") != NULL)
    {
      g_autofree char *path = g_build_filename (g_getenv ("IOTSCOPE_SCREENSHOT_DIR"), "shortcuts.png", NULL);
      gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC;

      while (g_get_monotonic_time () < until)
        g_main_context_iteration (NULL, FALSE);
      g_assert_true (iot_app_script_save_screenshot (GTK_WIDGET (help), path, NULL));
    }
  gtk_window_close (GTK_WINDOW (help));
}

static void
check_style (IotApplication *app)
{
  GSettings *settings = iot_application_get_settings (app);
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) desktop_schema = source != NULL
    ? g_settings_schema_source_lookup (source, "org.gnome.desktop.interface", TRUE) : NULL;

  g_assert_nonnull (settings);
  g_settings_set_string (settings, "color-scheme", "dark");
  g_assert_true (iot_style_is_dark ());
  g_settings_set_string (settings, "color-scheme", "light");
  g_assert_false (iot_style_is_dark ());

  /* 'default': what the desktop says (no portal here: GNOME's key,
   * kept in memory by run-xvfb.sh's GSETTINGS_BACKEND). */
  g_settings_set_string (settings, "color-scheme", "default");
  if (desktop_schema != NULL && g_settings_schema_has_key (desktop_schema, "color-scheme"))
    {
      g_autoptr (GSettings) desktop = g_settings_new ("org.gnome.desktop.interface");

      g_settings_set_string (desktop, "color-scheme", "prefer-dark");
      g_assert_cmpint (iot_style_get_system (), ==, IOT_SYSTEM_STYLE_PREFER_DARK);
      g_assert_true (iot_style_is_dark ());
      g_settings_set_string (desktop, "color-scheme", "prefer-light");
      g_assert_false (iot_style_is_dark ());
      /* The app's own choice wins over the desktop's. */
      g_settings_set_string (desktop, "color-scheme", "prefer-dark");
      g_settings_set_string (settings, "color-scheme", "light");
      g_assert_false (iot_style_is_dark ());
      g_settings_reset (desktop, "color-scheme");
    }
  else
    g_test_message ("no org.gnome.desktop.interface color-scheme: the desktop's key is not checked");
  /* The portal's answer goes the same way. */
  g_settings_set_string (settings, "color-scheme", "default");
  iot_style_set_system (IOT_SYSTEM_STYLE_PREFER_DARK);
  g_assert_true (iot_style_is_dark ());
  iot_style_set_system (IOT_SYSTEM_STYLE_DEFAULT);
  g_assert_false (iot_style_is_dark ());
  /* The menu's radio items act on the same key. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "color-scheme", g_variant_new_string ("dark"));
  g_assert_true (iot_style_is_dark ());
  g_settings_reset (settings, "color-scheme");
}

static gboolean
check_cb (gpointer data)
{
  GtkApplication *app = data;
  GtkWindow *window = gtk_application_get_active_window (app);

  g_assert_nonnull (window);
  check_shortcuts_window (app, GTK_APPLICATION_WINDOW (window));
  check_style (IOT_APPLICATION (app));
  g_application_quit (G_APPLICATION (app));
  return G_SOURCE_REMOVE;
}

static void
activated_cb (GApplication *app, gpointer data)
{
  g_timeout_add (300, check_cb, app);
}

int
main (int argc, char **argv)
{
  g_autoptr (IotApplication) app = NULL;
  char *args[] = { argv[0], NULL };
  int status;

  g_test_init (&argc, &argv, NULL);
  /* GTK 4.8's shortcuts window warns about a label of its own measured
   * narrower than nothing while it lays out its search page: not ours to
   * fix, and not worth failing on.  Criticals still fail the test. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  /* No portal: the desktop's wish comes from GNOME's key. */
  g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
  app = iot_application_new ();
  g_application_set_flags (G_APPLICATION (app),
                           g_application_get_flags (G_APPLICATION (app)) | G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (activated_cb), NULL);
  status = g_application_run (G_APPLICATION (app), 1, args);
  g_assert_cmpint (status, ==, 0);
  g_print ("ok: shortcuts window, style\n");
  return 0;
}
