/* test-live-control.c — IotLiveControl, the one object a window's live
 * capture is controlled from: a capture on lo with the limits it was
 * given, the datagrams we sent counted and shown by the session, the
 * temporary file kept until it is discarded, a restart that drops the
 * stopped capture's file, and a start that fails leaving nothing behind.
 * Live parts are root only (skipped otherwise). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "gui-test-util.h"
#include "iot-live-control.h"

/* This branch's port range: 21100-21199. */
#define CONTROL_PORT 21101
#define N_DATAGRAMS  7

static void
send_datagrams (guint n)
{
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK),
                            .sin_port = htons (CONTROL_PORT) };
  int fd = socket (AF_INET, SOCK_DGRAM, 0);

  g_assert_cmpint (fd, >=, 0);
  for (guint32 i = 0; i < n; i++)
    {
      guint32 seq = htonl (i);

      g_assert_cmpint (sendto (fd, &seq, sizeof seq, 0, (struct sockaddr *) &to, sizeof to), ==, sizeof seq);
    }
  close (fd);
}

static void
ended_cb (IotLiveControl *live, const char *error, guint *n_ended)
{
  g_assert_null (error);
  (*n_ended)++;
}

/* Runs the main loop until the capture program has counted @n packets. */
static void
wait_captured (IotLiveControl *live, guint64 n)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  IotLiveStats stats = { 0 };

  do
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
      iot_live_control_get_stats (live, &stats);
    }
  while (stats.captured < n && g_get_monotonic_time () < deadline);
  g_assert_cmpuint (stats.captured, ==, n);
}

static void
wait_ended (guint *n_ended, guint wanted)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (*n_ended < wanted && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (*n_ended, ==, wanted);
}

static IotLiveControl *
start_on_lo (IotSession *session, guint *n_ended)
{
  const char *const lo[] = { "lo", NULL };
  g_autofree char *filter = g_strdup_printf ("udp dst port %d", CONTROL_PORT);
  g_autoptr (GError) error = NULL;
  IotLiveControl *live = iot_live_control_new (session);
  IotCaptureLimits limits;

  iot_capture_limits_init (&limits);
  limits.snaplen = 100;
  iot_live_control_set_limits (live, &limits);
  g_signal_connect (live, "ended", G_CALLBACK (ended_cb), n_ended);
  g_assert_true (iot_live_control_start (live, lo, filter, TRUE, FALSE, &error));
  g_assert_no_error (error);
  return live;
}

/* Capture, stop, the frames in the session, then discard. */
static void
test_capture_and_discard (void)
{
  g_autoptr (IotSession) session = NULL;
  g_autoptr (IotLiveControl) live = NULL;
  g_autofree char *path = NULL;
  guint n_ended = 0;
  IotLiveStats stats;
  IotCaptureLimits limits;

  if (geteuid () != 0)
    {
      g_test_skip ("live capture needs root");
      return;
    }
  session = iot_session_new ();
  live = start_on_lo (session, &n_ended);
  g_assert_true (iot_live_control_is_running (live));
  g_assert_true (iot_live_control_has_last_options (live));
  g_assert_cmpstr (iot_live_control_get_interfaces (live)[0], ==, "lo");
  g_assert_cmpstr (iot_live_control_get_filter (live), ==, "udp dst port 21101");
  iot_live_control_get_limits (live, &limits);
  g_assert_cmpint (limits.snaplen, ==, 100);
  path = g_strdup (iot_live_control_get_path (live));
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpstr (iot_session_get_path (session), ==, path);
  g_assert_true (iot_session_is_live (session));

  gui_test_settle ();
  send_datagrams (N_DATAGRAMS);
  wait_captured (live, N_DATAGRAMS);
  iot_live_control_stop (live);
  wait_ended (&n_ended, 1);

  g_assert_false (iot_live_control_is_running (live));
  g_assert_false (iot_session_is_live (session));
  g_assert_true (iot_live_control_has_unsaved (live));
  g_assert_cmpuint (iot_session_get_n_total (session), ==, N_DATAGRAMS);
  iot_live_control_get_stats (live, &stats);
  g_assert_cmpuint (stats.captured, ==, N_DATAGRAMS);
  /* Kept after the stop, for Save As. */
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

  g_assert_true (iot_live_control_discard (live));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_null (iot_live_control_get_path (live));
  g_assert_null (iot_session_get_path (session));
  g_assert_false (iot_live_control_has_unsaved (live));
  /* Nothing left to discard. */
  g_assert_false (iot_live_control_discard (live));
}

/* A restart: the running capture ends, its file goes, a new one starts
 * with the same options. */
static void
test_restart (void)
{
  g_autoptr (IotSession) session = NULL;
  g_autoptr (IotLiveControl) live = NULL;
  g_autofree char *first = NULL;
  g_autoptr (GError) error = NULL;
  guint n_ended = 0;
  IotLiveStats stats;

  if (geteuid () != 0)
    {
      g_test_skip ("live capture needs root");
      return;
    }
  session = iot_session_new ();
  live = start_on_lo (session, &n_ended);
  first = g_strdup (iot_live_control_get_path (live));
  gui_test_settle ();
  send_datagrams (3);
  wait_captured (live, 3);

  g_assert_true (iot_live_control_restart (live, &error));
  g_assert_no_error (error);
  g_assert_true (iot_live_control_is_restarting (live));
  wait_ended (&n_ended, 1);
  g_assert_false (iot_live_control_is_restarting (live));
  g_assert_true (iot_live_control_is_running (live));
  g_assert_cmpstr (iot_live_control_get_path (live), !=, first);
  g_assert_false (g_file_test (first, G_FILE_TEST_EXISTS));
  g_assert_cmpstr (iot_session_get_path (session), ==, iot_live_control_get_path (live));
  /* The counters start again. */
  iot_live_control_get_stats (live, &stats);
  g_assert_cmpuint (stats.captured, ==, 0);

  gui_test_settle ();
  send_datagrams (2);
  wait_captured (live, 2);
  iot_live_control_stop (live);
  wait_ended (&n_ended, 2);
  g_assert_cmpuint (iot_session_get_n_total (session), ==, 2);
}

/* No such interface: an error, and no file, no capture, no session. */
static void
test_start_fails (void)
{
  g_autoptr (IotSession) session = iot_session_new ();
  g_autoptr (IotLiveControl) live = iot_live_control_new (session);
  const char *const nowhere[] = { "guisplit12-none0", NULL };
  g_autoptr (GError) error = NULL;
  IotCaptureLimits limits;
  IotLiveStats stats;

  /* The defaults Capture Options starts with. */
  iot_live_control_get_limits (live, &limits);
  g_assert_cmpint (limits.snaplen, ==, 262144);
  g_assert_cmpint (limits.buffer_mib, ==, 16);
  g_assert_false (iot_live_control_has_last_options (live));
  /* Restart with nothing to restart does nothing. */
  g_assert_true (iot_live_control_restart (live, &error));
  g_assert_false (iot_live_control_is_running (live));

  g_assert_false (iot_live_control_start (live, nowhere, NULL, TRUE, FALSE, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_false (iot_live_control_is_running (live));
  g_assert_null (iot_live_control_get_path (live));
  g_assert_null (iot_session_get_path (session));
  iot_live_control_get_stats (live, &stats);
  g_assert_cmpuint (stats.captured, ==, 0);
}

int
main (int argc, char **argv)
{
  gui_test_init (&argc, &argv);
  g_test_add_func ("/live-control/capture-and-discard", test_capture_and_discard);
  g_test_add_func ("/live-control/restart", test_restart);
  g_test_add_func ("/live-control/start-fails", test_start_fails);
  return g_test_run ();
}
