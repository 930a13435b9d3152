/* test-capture-drops.c — the status bar shows the packets a live capture
 * lost, as iotscope-capture reports them (root only; skipped otherwise).
 *
 * Real drops: iotscope-capture is paused (SIGSTOP) while a burst of
 * datagrams overflows its small (256 KiB) kernel buffer, as a program too
 * slow to keep up would let it overflow; then it goes on (SIGCONT).
 * With IOTSCOPE_SCREENSHOT_DIR set, the window showing the loss while it
 * captures is saved there (live-capture-drops.png). */
#include <arpa/inet.h>
#include <signal.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <unistd.h>

#include "gui-test-util.h"
#include "iot-app-test.h"
#include "iot-app-script.h"
#include "iot-application-private.h"

#define DROPS_PORT   47988
#define BURST        20000

static void
send_burst (void)
{
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK),
                            .sin_port = htons (DROPS_PORT) };
  int fd = socket (AF_INET, SOCK_DGRAM, 0);

  g_assert_cmpint (fd, >=, 0);
  for (guint32 i = 0; i < BURST; i++)
    {
      guint32 seq = htonl (i);

      sendto (fd, &seq, sizeof seq, 0, (struct sockaddr *) &to, sizeof to);
    }
  close (fd);
}

/* The iotscope-capture this process runs (its child), or 0. */
static pid_t
capture_program_pid (void)
{
  g_autoptr (GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc", name, "stat", NULL);
      g_autofree char *stat = NULL;
      const char *close_paren;
      int ppid = 0;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (path, &stat, NULL, NULL))
        continue;
      /* "PID (COMM) STATE PPID ..." */
      close_paren = strrchr (stat, ')');
      if (close_paren == NULL || strstr (stat, "(iotscope-captur") == NULL
          || sscanf (close_paren + 2, "%*c %d", &ppid) != 1 || ppid != getpid ())
        continue;
      return (pid_t) atoi (name);
    }
  return 0;
}

/* "Dropped: N" in @text, or -1. */
static gint64
shown_drops (const char *text)
{
  const char *at = strstr (text, "Dropped: ");

  return at != NULL ? g_ascii_strtoll (at + strlen ("Dropped: "), NULL, 10) : -1;
}

static void
test_drops_in_status_bar (void)
{
  IotWindow *window;
  const char *const lo[] = { "lo", NULL };
  g_autoptr (GError) error = NULL;
  IotCaptureLimits limits;
  IotLiveStats stats;
  gboolean finished = FALSE;
  const char *text;
  gint64 deadline;
  g_autofree char *filter = g_strdup_printf ("udp dst port %d", DROPS_PORT);

  if (geteuid () != 0)
    {
      g_test_skip ("live capture needs root");
      return;
    }
  window = iot_window_new (NULL, NULL);
  iot_window_set_show_dialogs (window, FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 820);
  gtk_window_present (GTK_WINDOW (window));
  iot_capture_limits_init (&limits);
  limits.buffer_kib = 256;
  iot_window_set_capture_limits (window, &limits);
  g_assert_true (iot_window_start_capture (window, lo, filter, TRUE, FALSE, &error));
  g_assert_no_error (error);
  gui_test_settle ();
  /* While capturing, before any loss: "Dropped: 0". */
  gui_test_settle ();
  g_assert_cmpint (shown_drops (gtk_label_get_text (GTK_LABEL (gui_test_window_child (window, "status_counts")))), ==, 0);

  {
    pid_t capture = capture_program_pid ();

    g_assert_cmpint (capture, >, 0);
    kill (capture, SIGSTOP);
    send_burst ();
    g_usleep (200 * 1000);
    kill (capture, SIGCONT);
  }
  /* The capture program reports its counters every 100 ms; the status
   * bar shows them at 2 Hz. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  do
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
      text = gtk_label_get_text (GTK_LABEL (gui_test_window_child (window, "status_counts")));
    }
  while (shown_drops (text) <= 0 && g_get_monotonic_time () < deadline);
  g_test_message ("while capturing: %s", text);
  iot_window_get_capture_stats (window, &stats);
  g_test_message ("captured %" G_GUINT64_FORMAT ", kernel drops %" G_GUINT64_FORMAT ", interface drops %"
                  G_GUINT64_FORMAT, stats.captured, stats.dropped, stats.if_dropped);
  g_assert_cmpint (shown_drops (text), >, 0);
  g_assert_nonnull (strstr (text, "Capturing"));
  if (g_getenv ("IOTSCOPE_SCREENSHOT_DIR") != NULL)
    {
      g_autofree char *shot = g_build_filename (g_getenv ("IOTSCOPE_SCREENSHOT_DIR"), "live-capture-drops.png", NULL);

      GListModel *rows = G_LIST_MODEL (iot_session_get_frames (iot_window_get_session (window)));

      /* The list at its newest rows, as the status bar counts them. */
      deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
      while (g_list_model_get_n_items (rows) < stats.captured && g_get_monotonic_time () < deadline)
        g_main_context_iteration (NULL, TRUE);
      gui_test_settle ();
      g_assert_true (iot_app_script_save_screenshot (GTK_WIDGET (window), shot, &error));
    }

  g_signal_connect (window, "capture-finished", G_CALLBACK (gui_test_flag_cb), &finished);
  iot_window_stop_capture (window);
  gui_test_wait_for (&finished);
  gui_test_settle ();
  /* After the stop: the final counts, still showing the loss. */
  iot_window_get_capture_stats (window, &stats);
  text = gtk_label_get_text (GTK_LABEL (gui_test_window_child (window, "status_counts")));
  g_test_message ("after the stop: %s", text);
  g_assert_cmpuint (stats.dropped + stats.if_dropped, >, 0);
  g_assert_cmpint (shown_drops (text), ==, (gint64) (stats.dropped + stats.if_dropped));
  g_assert_cmpuint (stats.captured, <, BURST);
  g_assert_cmpuint (stats.captured, ==, g_list_model_get_n_items (G_LIST_MODEL (
                      iot_session_get_frames (iot_window_get_session (window)))));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  gui_test_init (&argc, &argv);
  g_test_add_func ("/gui/capture-drops", test_drops_in_status_bar);
  return g_test_run ();
}
