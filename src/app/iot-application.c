/* iot-application.c — the application: resources and translations, the
 * style sheet, settings, tshark-style -o and -d, the app actions and their
 * dialogs, and windows.  Scripted runs (--screenshot, --measure …) are
 * iot-app-script.c's. */
#include "iot-application-private.h"

#include <string.h>

#include <glib/gi18n.h>

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include "iot-app-prefs.h"
#include "iot-app-script.h"
#include "iot-colour-rules-dialog.h"
#include "iot-decode-as-dialog.h"
#include "iot-file-properties.h"
#include "iot-engine.h"
#include "iot-exercise-pane.h"
#include "iot-flow-window.h"
#include "iot-preferences-window.h"
#include "iot-privileges.h"
#include "iot-resources.h"
#include "iot-style.h"
#include "iot-window.h"

#define APP_ID "org.iotscope.Iotscope"

struct _IotApplication {
  GtkApplication parent_instance;

  GSettings     *settings;

  IotAppScript  *script;         /* --screenshot, --measure, --select … */
  char         **prefs;          /* -o NAME:VALUE, as tshark */
  char         **decode_as;      /* -d TABLE==VALUE,PROTOCOL, as tshark */
  IotPreferencesWindow *preferences;
};

G_DEFINE_FINAL_TYPE (IotApplication, iot_application, GTK_TYPE_APPLICATION)

/* ---- translations ------------------------------------------------------------- */

/* Whether this program's executable lies inside the build tree. */
static gboolean
runs_from_build_tree (void)
{
#ifdef IOTSCOPE_BUILD_ROOT
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *root = realpath (IOTSCOPE_BUILD_ROOT, NULL);

  return exe != NULL && root != NULL && g_str_has_prefix (exe, root) && exe[strlen (root)] == G_DIR_SEPARATOR;
#else
  return FALSE;
#endif
}

const char *
iot_application_locale_dir (void)
{
#ifdef IOTSCOPE_BUILD_LOCALEDIR
  if (runs_from_build_tree ())
    return IOTSCOPE_BUILD_LOCALEDIR;
#endif
  return IOTSCOPE_LOCALEDIR;
}

void
iot_application_init_i18n (void)
{
  bindtextdomain (GETTEXT_PACKAGE, iot_application_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

/* ---- resources ---------------------------------------------------------------- */

void
iot_application_init_resources (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      iot_register_resource ();
      iot_registry_init ();
      g_once_init_leave (&done, 1);
    }
}

static void
load_style (void)
{
  g_autoptr (GtkCssProvider) provider = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (provider, "/org/iotscope/Iotscope/ui/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

/* The installed schema, else the one compiled into the build tree, so that
 * the program runs from the build directory. */
static GSettings *
create_settings (gboolean ephemeral)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchemaSource) local = NULL;
  g_autoptr (GSettingsSchema) schema = NULL;
  g_autoptr (GSettingsBackend) backend = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
#ifdef IOTSCOPE_BUILD_SCHEMA_DIR
  if (schema == NULL)
    {
      local = g_settings_schema_source_new_from_directory (IOTSCOPE_BUILD_SCHEMA_DIR, source, FALSE, NULL);
      if (local != NULL)
        schema = g_settings_schema_source_lookup (local, APP_ID, FALSE);
    }
#endif
  if (schema == NULL)
    return NULL;
  /* Scripted runs must not depend on, nor change, what the user saved. */
  if (ephemeral)
    backend = g_memory_settings_backend_new ();
  return g_settings_new_full (schema, backend, NULL);
}

/* ---- windows ------------------------------------------------------------------ */

static gboolean
is_scripted (IotApplication *self)
{
  return self->script != NULL && iot_app_script_is_active (self->script);
}

static IotWindow *
new_window (IotApplication *self)
{
  IotWindow *window = iot_window_new (GTK_APPLICATION (self), self->settings);

  iot_exercise_pane_install_action (window);
  iot_flow_window_install_action (window);
  if (self->script != NULL)
    iot_app_script_add_window (self->script, window);
  return window;
}

static void
iot_application_activate (GApplication *app)
{
  IotApplication *self = IOT_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (new_window (self));
  gtk_window_present (window);
  if (self->script != NULL)
    iot_app_script_activate (self->script, IOT_WINDOW (window));
}

static void
iot_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  IotApplication *self = IOT_APPLICATION (app);

  for (int i = 0; i < n_files; i++)
    {
      GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (app));
      IotWindow *window;

      /* Reuse an empty window, else one window per file. */
      if (active != NULL && iot_session_get_path (iot_window_get_session (IOT_WINDOW (active))) == NULL)
        window = IOT_WINDOW (active);
      else
        window = new_window (self);
      gtk_window_present (GTK_WINDOW (window));
      if (self->script != NULL)
        iot_app_script_opening (self->script, window);
      iot_window_open (window, files[i]);
    }
}

/* ---- app actions -------------------------------------------------------------- */

static void
quit_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (data)));

  /* Close windows properly, so that they save their settings. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
  g_list_free (windows);
}

static void
about_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  const char *authors[] = { _("The iotscope authors"), NULL };

  gtk_show_about_dialog (gtk_application_get_active_window (GTK_APPLICATION (data)),
                         "program-name", "iotscope",
                         "logo-icon-name", APP_ID,
                         "version", IOTSCOPE_VERSION,
                         "comments", _("A network traffic analyzer for the Internet of Things, "
                                       "made to learn how MQTT, CoAP and friends work."),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "authors", authors,
                         NULL);
}

static void
show_preferences (IotApplication *self)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (self->settings == NULL)
    return;
  if (self->preferences == NULL)
    {
      self->preferences = iot_preferences_window_new (self->settings);
      g_object_add_weak_pointer (G_OBJECT (self->preferences), (gpointer *) &self->preferences);
      gtk_window_set_application (GTK_WINDOW (self->preferences), GTK_APPLICATION (self));
    }
  if (active != NULL && active != GTK_WINDOW (self->preferences))
    gtk_window_set_transient_for (GTK_WINDOW (self->preferences), active);
  gtk_window_present (GTK_WINDOW (self->preferences));
}

static void
preferences_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  show_preferences (data);
}

/* A dialog of the active window, closed with it. */
static void
present_for_active (IotApplication *self, GtkWindow *dialog)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (active != NULL)
    {
      gtk_window_set_transient_for (dialog, active);
      gtk_window_set_destroy_with_parent (dialog, TRUE);
    }
  gtk_window_present (dialog);
}

static GtkWindow *
show_colour_rules (IotApplication *self)
{
  GtkWindow *dialog;

  if (self->settings == NULL)
    return NULL;
  dialog = GTK_WINDOW (iot_colour_rules_dialog_new (self->settings));
  present_for_active (self, dialog);
  return dialog;
}

static void
colour_rules_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  show_colour_rules (data);
}

static GtkWindow *
show_file_properties (IotApplication *self)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWindow *dialog;

  if (!IOT_IS_WINDOW (active))
    return NULL;
  dialog = GTK_WINDOW (iot_file_properties_new (iot_window_get_session (IOT_WINDOW (active))));
  present_for_active (self, dialog);
  return dialog;
}

static void
file_properties_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  show_file_properties (data);
}

static GtkWindow *
show_decode_as (IotApplication *self)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWindow *dialog;

  if (self->settings == NULL)
    return NULL;
  dialog = GTK_WINDOW (iot_decode_as_dialog_new (self->settings, IOT_IS_WINDOW (active)
                                                 ? iot_window_get_session (IOT_WINDOW (active)) : NULL));
  present_for_active (self, dialog);
  return dialog;
}

static void
decode_as_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  show_decode_as (data);
}

gboolean
iot_application_is_dialog_name (const char *name)
{
  return g_str_equal (name, "preferences") || g_str_has_prefix (name, "preferences:")
         || g_str_equal (name, "colour-rules") || g_str_equal (name, "file-properties")
         || g_str_equal (name, "decode-as");
}

static GtkWindow *
show_preferences_page (IotApplication *self, const char *page)
{
  show_preferences (self);
  if (self->preferences != NULL && page != NULL)
    iot_preferences_window_show_page (self->preferences, page);
  return GTK_WINDOW (self->preferences);
}

GtkWindow *
iot_application_show_dialog (IotApplication *self, const char *name)
{
  if (g_str_equal (name, "preferences"))
    return show_preferences_page (self, NULL);
  if (g_str_has_prefix (name, "preferences:"))
    return show_preferences_page (self, name + strlen ("preferences:"));
  if (g_str_equal (name, "colour-rules"))
    return show_colour_rules (self);
  if (g_str_equal (name, "file-properties"))
    return show_file_properties (self);
  if (g_str_equal (name, "decode-as"))
    return show_decode_as (self);
  return NULL;
}

/* -o and -d, once the settings exist. */
static void
apply_command_line_prefs (IotApplication *self)
{
  iot_app_prefs_apply (self->settings, self->settings != NULL && is_scripted (self),
                       (const char *const *) self->prefs, (const char *const *) self->decode_as);
}

/* As tshark does; the capture itself never needs root (iotscope-capture). */
static void
warn_if_root (void)
{
  g_autofree char *warning = iot_privileges_root_warning ("iotscope");

  if (warning != NULL)
    g_printerr ("iotscope: warning: %s\n", warning);
}

static void
iot_application_startup (GApplication *app)
{
  IotApplication *self = IOT_APPLICATION (app);
  static const GActionEntry entries[] = {
    { .name = "quit", .activate = quit_activated },
    { .name = "about", .activate = about_activated },
    { .name = "preferences", .activate = preferences_activated },
    { .name = "colour-rules", .activate = colour_rules_activated },
    { .name = "file-properties", .activate = file_properties_activated },
    { .name = "decode-as", .activate = decode_as_activated },
  };
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
  { "app.file-properties", { "<Control><Alt><Shift>c", NULL } },
    { "win.open", { "<Control>o", NULL } },
    { "win.reload", { "<Control><Shift>r", NULL } },
    { "win.goto", { "<Control>g", NULL } },
    { "win.go-next", { "<Control>Down", NULL } },
    { "win.go-previous", { "<Control>Up", NULL } },
    { "win.go-first", { "<Control>Home", NULL } },
    { "win.go-last", { "<Control>End", NULL } },
    { "win.expand-all", { "<Control>Right", NULL } },
    { "win.collapse-all", { "<Control>Left", NULL } },
    { "win.focus-filter", { "<Control>slash", NULL } },
  };

  /* GtkApplication looks for gtk/help-overlay.ui while it starts up: the
   * resources must be registered before, or the shortcuts window never
   * exists and its action stays disabled. */
  iot_application_init_resources ();
  G_APPLICATION_CLASS (iot_application_parent_class)->startup (app);
  warn_if_root ();
  load_style ();
  self->settings = create_settings (is_scripted (self));
  apply_command_line_prefs (self);
  iot_style_init (self->settings);
  g_action_map_add_action_entries (G_ACTION_MAP (app), entries, G_N_ELEMENTS (entries), app);
  if (self->settings != NULL)
    {
      g_autoptr (GAction) scheme = g_settings_create_action (self->settings, "color-scheme");

      g_action_map_add_action (G_ACTION_MAP (app), scheme);
    }
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), accels[i].action, accels[i].accels);
}

static int
iot_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  IotApplication *self = IOT_APPLICATION (app);
  g_autoptr (GError) error = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("iotscope %s\n", IOTSCOPE_VERSION);
      return 0;
    }
  g_variant_dict_lookup (options, "option", "^as", &self->prefs);
  g_variant_dict_lookup (options, "decode-as", "^as", &self->decode_as);
  for (guint i = 0; self->prefs != NULL && self->prefs[i] != NULL; i++)
    if (!iot_app_prefs_check (self->prefs[i], &error))
      {
        g_printerr ("iotscope: -o %s: %s\n", self->prefs[i], error->message);
        return 1;
      }
  self->script = iot_app_script_new (app, options, &error);
  if (self->script == NULL)
    {
      g_printerr ("iotscope: %s\n", error->message);
      return 1;
    }
  /* Scripted runs are independent processes, never handed to a running
   * instance. */
  if (is_scripted (self))
    g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
  return -1;
}

static void
iot_application_shutdown (GApplication *app)
{
  IotApplication *self = IOT_APPLICATION (app);

  /* The script's probe stops ticking. */
  if (self->script != NULL)
    g_object_run_dispose (G_OBJECT (self->script));
  /* Disposing the windows stops live captures and deletes their
   * temporary files, also when quitting without closing them. */
  while (gtk_application_get_windows (GTK_APPLICATION (app)) != NULL)
    gtk_window_destroy (gtk_application_get_windows (GTK_APPLICATION (app))->data);
  G_APPLICATION_CLASS (iot_application_parent_class)->shutdown (app);
}

static void
iot_application_finalize (GObject *object)
{
  IotApplication *self = IOT_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->script);
  g_strfreev (self->prefs);
  g_strfreev (self->decode_as);
  G_OBJECT_CLASS (iot_application_parent_class)->finalize (object);
}

static void
iot_application_class_init (IotApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = iot_application_finalize;
  app_class->startup = iot_application_startup;
  app_class->shutdown = iot_application_shutdown;
  app_class->activate = iot_application_activate;
  app_class->open = iot_application_open;
  app_class->handle_local_options = iot_application_handle_local_options;
}

static void
iot_application_init (IotApplication *self)
{
  static const GOptionEntry options[] = {
    { "option", 'o', 0, G_OPTION_ARG_STRING_ARRAY, NULL,
      "Set a preference as tshark's -o: tls.keylog_file:PATH, tls.psk:HEX, dtls.psk:HEX, "
      "uat:zigbee_pc_keys:\"KEY\",\"Normal\",\"LABEL\", uat:protobuf_search_paths:\"DIR\",\"TRUE\", "
      "uat:mqtt_message_decoding:\"Starts with\",\"TOPIC\",\"none\",\"protobuf\"[,\"pkg.Msg\"], "
      "PROTO.tcp.port:PORTS, PROTO.udp.port:PORTS, wlan.enable_decryption:TRUE, uat:80211_keys:\"wpa-pwd\",\"PASS:SSID\"", "NAME:VALUE" },
    { "decode-as", 'd', 0, G_OPTION_ARG_STRING_ARRAY, NULL,
      "Decode traffic as tshark's -d does, e.g. tcp.port==1884,mqtt", "TABLE==VALUE,PROTOCOL" },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, "Print the version", NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), iot_app_script_option_entries ());
  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), "[FILE…]");
  g_application_set_option_context_summary (G_APPLICATION (self),
                                             "Analyze IoT network traffic (pcap, pcapng).");
}

IotApplication *
iot_application_new (void)
{
  return g_object_new (IOT_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/org/iotscope/Iotscope",
                       NULL);
}

GSettings *
iot_application_get_settings (IotApplication *self)
{
  return self->settings;
}
