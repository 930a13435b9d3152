/* gui-test-util.c — helpers the GUI test programs share. */
#include "gui-test-util.h"

#include "iot-application-private.h"

/* Sets up GLib's test framework and GTK, and registers the app's
 * resources (templates, icons) as the application would. */
void
gui_test_init (int *argc, char ***argv)
{
  g_test_init (argc, argv, NULL);
  gtk_init ();     /* sets the locale */
  iot_application_init_i18n ();
  iot_application_init_resources ();
}

char *
gui_test_capture_file (const char *name)
{
  return g_build_filename (g_getenv ("IOTSCOPE_SOURCE_ROOT"), "tests", "captures", name, NULL);
}

/* Standard output of `iotscope-cli -r CAPTURE ARGS…`, @args holding the
 * ARGS.  The CLI's messages are dropped: a test compares what it prints. */
static char *
cli_output (const char *capture, GPtrArray *args, gboolean must_succeed)
{
  const char *cli = g_getenv ("IOTSCOPE_CLI");
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  char *out = NULL;
  int status = 0;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (gpointer) cli);
  g_ptr_array_add (argv, (gpointer) "-r");
  g_ptr_array_add (argv, (gpointer) capture);
  for (guint i = 0; i < args->len; i++)
    g_ptr_array_add (argv, g_ptr_array_index (args, i));
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                &out, NULL, &status, &error);
  g_assert_no_error (error);
  if (must_succeed)
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

/* The arguments end with NULL; a failing run fails the test. */
char *
gui_test_cli_run (const char *capture, ...)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  va_list ap;

  va_start (ap, capture);
  for (const char *arg; (arg = va_arg (ap, const char *)) != NULL;)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  return cli_output (capture, args, TRUE);
}

guint
gui_test_count_lines (const char *text)
{
  guint lines = 0;

  for (const char *p = text; *p != '\0'; p++)
    lines += *p == '\n';
  return lines;
}

/* The CLI prints one line per frame, so this is the frames that pass.
 * A damaged capture counts too: the CLI prints the frames before the
 * damage, then exits with an error. */
guint
gui_test_cli_count_file (const char *path, const char *filter)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  g_autofree char *out = NULL;

  if (filter != NULL)
    {
      g_ptr_array_add (args, (gpointer) "-Y");
      g_ptr_array_add (args, (gpointer) filter);
    }
  out = cli_output (path, args, FALSE);
  return gui_test_count_lines (out);
}

/* Connect with @data pointing to a gboolean: it is set when the signal
 * comes (whatever its arguments). */
void
gui_test_flag_cb (gpointer instance, gpointer data)
{
  *(gboolean *) data = TRUE;
}

/* For "frame-activated": keeps the frame number in *@out. */
void
gui_test_frame_cb (gpointer instance, guint frame, guint *out)
{
  *out = frame;
}

/* For "filter-requested": keeps a copy of the filter in *@out. */
void
gui_test_filter_cb (gpointer instance, const char *filter, char **out)
{
  g_free (*out);
  *out = g_strdup (filter);
}

/* Runs the main loop until *@flag is set; workers report through it. */
void
gui_test_wait_for (gboolean *flag)
{
  gint64 deadline = g_get_monotonic_time () + GUI_TEST_TIMEOUT_US;

  while (!*flag)
    {
      g_main_context_iteration (NULL, FALSE);
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting");
      if (!*flag)
        g_usleep (1000);
    }
}

void
gui_test_wait_signal (gpointer instance, const char *signal)
{
  gboolean emitted = FALSE;
  gulong id = g_signal_connect (instance, signal, G_CALLBACK (gui_test_flag_cb), &emitted);

  gui_test_wait_for (&emitted);
  g_signal_handler_disconnect (instance, id);
}

/* Lets layout and painting happen (200 ms of main loop). */
void
gui_test_settle (void)
{
  gint64 until = g_get_monotonic_time () + 200000;

  while (g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

/* At the size the screenshots use, with dialogs turned off so that a
 * failure shows up as a test failure rather than a window.  @settings may
 * be NULL (the defaults). */
IotWindow *
gui_test_open_window (const char *path, GSettings *settings)
{
  IotWindow *window = iot_window_new (NULL, settings);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  gboolean loaded = FALSE;
  gulong id;

  iot_window_set_show_dialogs (window, FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 820);
  gtk_window_present (GTK_WINDOW (window));
  id = g_signal_connect (iot_window_get_session (window), "load-finished", G_CALLBACK (gui_test_flag_cb),
                         &loaded);
  iot_window_open (window, file);
  gui_test_wait_for (&loaded);
  g_signal_handler_disconnect (iot_window_get_session (window), id);
  gui_test_settle ();
  return window;
}

/* gui_test_open_window() on tests/captures/@name, with default settings. */
IotWindow *
gui_test_open_capture (const char *name)
{
  g_autofree char *path = gui_test_capture_file (name);

  return gui_test_open_window (path, NULL);
}

/* As typing @filter in the filter bar and pressing Enter does. */
void
gui_test_apply_filter (IotWindow *window, const char *filter)
{
  IotSession *session = iot_window_get_session (window);
  gboolean done = FALSE;
  gulong id = g_signal_connect (session, "filter-finished", G_CALLBACK (gui_test_flag_cb), &done);

  iot_filter_bar_set_text (iot_window_get_filter_bar (window), filter, TRUE);
  gui_test_wait_for (&done);
  g_signal_handler_disconnect (session, id);
}

GtkWidget *
gui_test_template_child (gpointer widget, GType type, const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_true (GTK_IS_WIDGET (child));
  return GTK_WIDGET (child);
}

GtkWidget *
gui_test_window_child (IotWindow *window, const char *name)
{
  return gui_test_template_child (window, IOT_TYPE_WINDOW, name);
}

GtkWidget *
gui_test_find_widget (GtkWidget *root, const char *name, GType type)
{
  if ((name == NULL || g_strcmp0 (gtk_widget_get_name (root), name) == 0)
      && (type == G_TYPE_NONE || g_type_is_a (G_OBJECT_TYPE (root), type)))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = gui_test_find_widget (child, name, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}
