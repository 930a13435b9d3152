/* test-capture-keeps-up.c — the window capturing 20,000 packets/s keeps
 * its main loop answering, and every packet the capture program reports
 * as captured is in the packet list and in the file.
 *
 * The main loop is watched by a 5 ms high-priority timeout: no interval
 * between two of its runs may hold 50 ms of the main thread's own work;
 * and when the machine has a CPU to spare (the main thread seldom waits
 * for one), no interval may last 50 ms at all.  On a machine busy with
 * other programs, how long the main thread waits for a CPU is theirs to
 * decide: the wall-clock figure is then printed, not asserted.
 *
 * Root only (skipped otherwise).  The test runs in a network namespace of
 * its own (made at start, gone when the test ends): a veth pair, a sender
 * thread writing UDP datagrams out of one end at a steady rate, and the
 * window capturing on the other end, as it would capture a busy network.
 * The figures (worst gap and what it was made of, kept / sent, drops)
 * are printed. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "gui-test-util.h"

#define RATE          20000      /* packets per second */
#define SECONDS       4
#define PAYLOAD       100        /* UDP payload bytes */
#define PORT          41313
#define SEND_IFACE    "iotkeep0"
#define CAPTURE_IFACE "iotkeep1"
#define SEND_MAC      "02:00:5e:10:00:01"
#define CAPTURE_MAC   "02:00:5e:10:00:02"
#define SEND_ADDRESS  "10.213.0.1"
#define PEER_ADDRESS  "10.213.0.2"
/* The promise: a main loop never held up this long. */
#define MAX_GAP_US    (50 * G_TIME_SPAN_MILLISECOND)
/* A machine where the main thread waits for a CPU more than this share
 * of the time is busy with more than this test: other programs decide
 * how long the main loop waits, and only its own work is asserted. */
#define BUSY_WAIT_PERCENT 10

static char *skip_reason;

/* ---- the network ---------------------------------------------------------- */

static gboolean
run_ip (GError **error, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  int status = 0;
  va_list ap;

  g_ptr_array_add (argv, (gpointer) "ip");
  va_start (ap, error);
  for (const char *arg; (arg = va_arg (ap, const char *)) != NULL;)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "ip %s: %s",
                   (const char *) g_ptr_array_index (argv, 1), g_strstrip (err));
      return FALSE;
    }
  return TRUE;
}

/* Before GTK or any thread starts: this process moves to a network
 * namespace of its own (threads and the capture program it runs
 * inherit it; the X server is reached through its socket file), where
 * SEND_IFACE sends to a peer address that CAPTURE_IFACE receives.  A
 * static neighbour entry spares ARP, and no address on the capturing
 * end means no reply of any kind. */
static gboolean
make_network (GError **error)
{
  if (unshare (CLONE_NEWNET) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "cannot create a network namespace: %s", g_strerror (saved));
      return FALSE;
    }
  return run_ip (error, "link", "add", SEND_IFACE, "address", SEND_MAC, "type", "veth",
                 "peer", "name", CAPTURE_IFACE, "address", CAPTURE_MAC, NULL)
         && run_ip (error, "link", "set", SEND_IFACE, "up", NULL)
         && run_ip (error, "link", "set", CAPTURE_IFACE, "up", NULL)
         && run_ip (error, "addr", "add", SEND_ADDRESS "/24", "dev", SEND_IFACE, NULL)
         && run_ip (error, "neigh", "replace", PEER_ADDRESS, "lladdr", CAPTURE_MAC, "nud", "permanent",
                    "dev", SEND_IFACE, NULL);
}

/* ---- the sender ------------------------------------------------------------- */

typedef struct {
  guint64 sent;
  double  seconds;
  gint    done;      /* atomic */
} Sender;

static double
elapsed_since (const struct timespec *t0)
{
  struct timespec now;

  clock_gettime (CLOCK_MONOTONIC, &now);
  return (double) (now.tv_sec - t0->tv_sec) + (now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* RATE × SECONDS datagrams, each starting with its sequence number, on
 * schedule: every 20 datagrams it waits until the schedule catches up. */
static gpointer
sender_thread (gpointer data)
{
  Sender *sender = data;
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (PORT) };
  guint8 payload[PAYLOAD] = { 0 };
  struct timespec t0;
  int fd = socket (AF_INET, SOCK_DGRAM, 0);

  g_assert_cmpint (fd, >=, 0);
  inet_pton (AF_INET, PEER_ADDRESS, &to.sin_addr);
  clock_gettime (CLOCK_MONOTONIC, &t0);
  for (guint32 i = 0; i < RATE * SECONDS; i++)
    {
      guint32 seq = htonl (i);

      memcpy (payload, &seq, sizeof seq);
      if (sendto (fd, payload, sizeof payload, 0, (struct sockaddr *) &to, sizeof to) == sizeof payload)
        sender->sent++;
      if (i % 20 == 19)
        {
          double ahead = (i + 1) / (double) RATE - elapsed_since (&t0);

          if (ahead > 0)
            g_usleep ((gulong) (ahead * G_USEC_PER_SEC));
        }
    }
  sender->seconds = elapsed_since (&t0);
  close (fd);
  g_atomic_int_set (&sender->done, 1);
  return NULL;
}

/* ---- the probe --------------------------------------------------------------- */

/* The longest interval between two runs of a 5 ms high-priority timeout:
 * how long the main loop was kept from answering.  The kernel also says,
 * of each interval, how long the main thread ran and how long it waited
 * for a CPU (runnable, not running: /proc/thread-self/schedstat): the
 * first is the program's own work, which no load on the machine makes
 * longer; the second is the machine being busy. */
typedef struct {
  int    schedstat;    /* the main thread's, or -1 */
  gint64 start;
  gint64 last;
  gint64 last_run;     /* ns, from schedstat */
  gint64 last_wait;    /* ns */
  gint64 worst;        /* µs, wall clock */
  gint64 worst_run;    /* of the worst interval: running, and waiting for a CPU */
  gint64 worst_wait;
  gint64 worst_at;     /* µs since the probe started */
  gint64 most_run;     /* the most the main thread ran in one interval */
  gint64 most_run_at;
  gint64 total_wait;   /* µs */
  guint  n_long;       /* intervals of MAX_GAP_US or more */
  guint  n_ticks;
} Probe;

/* The main thread's time on a CPU and waiting for one, in ns. */
static gboolean
read_schedstat (Probe *probe, gint64 *run, gint64 *wait)
{
  char text[128];
  ssize_t n;

  if (probe->schedstat < 0 || (n = pread (probe->schedstat, text, sizeof text - 1, 0)) <= 0)
    return FALSE;
  text[n] = '\0';
  return sscanf (text, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT, run, wait) == 2;
}

static gboolean
probe_tick_cb (gpointer data)
{
  Probe *probe = data;
  gint64 now = g_get_monotonic_time ();
  gint64 run = 0, wait = 0, gap = now - probe->last;
  gint64 gap_run, gap_wait;

  read_schedstat (probe, &run, &wait);
  gap_run = (run - probe->last_run) / 1000;
  gap_wait = (wait - probe->last_wait) / 1000;
  if (gap > probe->worst)
    {
      probe->worst = gap;
      probe->worst_run = gap_run;
      probe->worst_wait = gap_wait;
      probe->worst_at = now - probe->start;
    }
  if (gap_run > probe->most_run)
    {
      probe->most_run = gap_run;
      probe->most_run_at = now - probe->start;
    }
  if (gap >= MAX_GAP_US)
    probe->n_long++;
  probe->total_wait += gap_wait;
  probe->n_ticks++;
  probe->last = now;
  probe->last_run = run;
  probe->last_wait = wait;
  return G_SOURCE_CONTINUE;
}

static void
probe_start (Probe *probe)
{
  memset (probe, 0, sizeof *probe);
  /* The main thread's own file: this runs on it. */
  probe->schedstat = open ("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
  probe->start = probe->last = g_get_monotonic_time ();
  read_schedstat (probe, &probe->last_run, &probe->last_wait);
}

static void
probe_stop (Probe *probe)
{
  if (probe->schedstat >= 0)
    close (probe->schedstat);
  probe->schedstat = -1;
}

/* ---- the test ------------------------------------------------------------------ */

/* "Dropped: N" in @text, or -1. */
static gint64
shown_drops (const char *text)
{
  const char *at = strstr (text, "Dropped: ");

  return at != NULL ? g_ascii_strtoll (at + strlen ("Dropped: "), NULL, 10) : -1;
}

static void
test_capture_keeps_up (void)
{
  IotWindow *window;
  IotSession *session;
  const char *const interfaces[] = { CAPTURE_IFACE, NULL };
  g_autofree char *filter = g_strdup_printf ("udp dst port %d", PORT);
  g_autoptr (GError) error = NULL;
  Sender sender = { 0 };
  Probe probe;
  GThread *thread;
  IotLiveStats stats;
  gboolean finished = FALSE;
  guint tick, n_rows;
  guint32 n_file;
  gint64 until;
  const char *text;
  gboolean busy;

  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      return;
    }
  window = iot_window_new (NULL, NULL);
  session = iot_window_get_session (window);
  iot_window_set_show_dialogs (window, FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 820);
  gtk_window_present (GTK_WINDOW (window));
  gui_test_settle ();
  g_assert_true (iot_window_start_capture (window, interfaces, filter, TRUE, FALSE, &error));
  g_assert_no_error (error);
  gui_test_settle ();

  probe_start (&probe);
  tick = g_timeout_add_full (G_PRIORITY_HIGH, 5, probe_tick_cb, &probe, NULL);
  thread = g_thread_new ("sender", sender_thread, &sender);
  /* The burst, then a second for the list to catch up: all of it under
   * the probe. */
  while (!g_atomic_int_get (&sender.done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);
  until = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  probe_stop (&probe);

  text = gtk_label_get_text (iot_window_get_status_counts (window));
  g_test_message ("while capturing: %s", text);
  g_assert_nonnull (strstr (text, "Capturing"));
  g_assert_cmpint (shown_drops (text), >=, 0);

  g_signal_connect (window, "capture-finished", G_CALLBACK (gui_test_flag_cb), &finished);
  iot_window_stop_capture (window);
  gui_test_wait_for (&finished);
  gui_test_settle ();

  iot_window_get_capture_stats (window, &stats);
  n_rows = g_list_model_get_n_items (G_LIST_MODEL (iot_session_get_frames (session)));
  n_file = iot_capture_n_frames (iot_session_get_capture (session));
  text = gtk_label_get_text (iot_window_get_status_counts (window));
  g_test_message ("sent %" G_GUINT64_FORMAT " datagrams in %.2f s (%.0f packets/s)", sender.sent,
                  sender.seconds, sender.sent / sender.seconds);
  g_test_message ("kept %" G_GUINT64_FORMAT " / sent %" G_GUINT64_FORMAT " (%.2f%%); drops: kernel %"
                  G_GUINT64_FORMAT ", interface %" G_GUINT64_FORMAT "; rows %u, frames in the file %u",
                  stats.captured, sender.sent, 100.0 * stats.captured / MAX (sender.sent, 1),
                  stats.dropped, stats.if_dropped, n_rows, n_file);
  g_test_message ("after the stop: %s", text);
  busy = probe.total_wait > (probe.last - probe.start) * BUSY_WAIT_PERCENT / 100;
  g_test_message ("worst main-loop gap %.1f ms at %.2f s (the main thread ran %.1f ms of it and waited %.1f ms "
                  "for a CPU); gaps of 50 ms or more: %u of %u probe ticks",
                  probe.worst / 1000.0, probe.worst_at / 1e6, probe.worst_run / 1000.0, probe.worst_wait / 1000.0,
                  probe.n_long, probe.n_ticks);
  g_test_message ("the most the main thread ran in one gap: %.1f ms at %.2f s; it waited for a CPU %.1f%% of "
                  "the %.2f s measured%s",
                  probe.most_run / 1000.0, probe.most_run_at / 1e6,
                  100.0 * probe.total_wait / MAX (probe.last - probe.start, 1), (probe.last - probe.start) / 1e6,
                  busy ? ": the machine is busy, the wall-clock gap is reported, not asserted" : "");
  /* Nothing captured is lost on the way to the list. */
  g_assert_cmpuint (stats.captured, >, 0);
  g_assert_cmpuint (stats.captured, <=, sender.sent);
  g_assert_cmpuint (n_rows, ==, stats.captured);
  g_assert_cmpuint (n_file, ==, stats.captured);
  /* What was lost before it, the status bar says (after the stop, only
   * when something was). */
  if (stats.dropped + stats.if_dropped > 0)
    g_assert_cmpint (shown_drops (text), ==, (gint64) (stats.dropped + stats.if_dropped));
  else
    g_assert_cmpint (shown_drops (text), ==, -1);
  /* The newest frame is one of the burst's. */
  {
    IotFrameList *frames = iot_session_get_frames (session);
    const IotRowSummary *last = iot_frame_list_summary (frames, n_rows);

    g_assert_cmpstr (last->protocol, ==, "UDP");
    g_assert_cmpstr (last->dst, ==, PEER_ADDRESS);
  }
  /* The main loop is never held up by the program's own work; and on a
   * machine with a CPU to spare, not at all. */
  g_assert_cmpint (probe.most_run, <, MAX_GAP_US);
  if (!busy)
    g_assert_cmpint (probe.worst, <, MAX_GAP_US);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;

  /* Before any thread exists (gtk_init starts some). */
  if (geteuid () != 0)
    skip_reason = g_strdup ("live capture in a network namespace needs root");
  else if (!make_network (&error))
    skip_reason = g_strdup_printf ("cannot make the test network: %s", error->message);
  gui_test_init (&argc, &argv);
  g_test_add_func ("/gui/capture-keeps-up", test_capture_keeps_up);
  return g_test_run ();
}
