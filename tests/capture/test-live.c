/* test-live.c — the live-capture API on lo (root only; skipped otherwise):
 * batches arrive in order on the main context, each batch's frames are
 * already in the file, Stop keeps everything sent before it.  The packets
 * are captured by iotscope-capture ($IOTSCOPE_CAPTURE_PROGRAM here). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "iot-live.h"

#define N_PACKETS 3000

typedef struct {
  GMainLoop *loop;
  IotFile   *file;
  guint32    next_number;
  guint      n_batches;
  guint      n_frames;
  gboolean   finished;
  GError    *error;
  int        port;
} Ctx;

static void
on_batch (IotLive *live, const IotLiveBatch *batch, gpointer data)
{
  Ctx *ctx = data;
  g_autoptr (GError) error = NULL;

  g_assert_cmpuint (batch->file_number, ==, 1);
  g_assert_cmpuint (batch->first_number, ==, ctx->next_number);
  g_assert_cmpuint (batch->n_frames, >, 0);
  ctx->next_number += batch->n_frames;
  ctx->n_batches++;
  ctx->n_frames += batch->n_frames;
  /* Written before delivered: the file already holds the whole batch. */
  if (ctx->file == NULL)
    ctx->file = iot_file_open_growing (batch->path, &error);
  else
    iot_file_refresh (ctx->file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (iot_file_n_frames (ctx->file), >=, batch->first_number + batch->n_frames - 1);
  for (guint i = 0; i < batch->n_frames; i++)
    {
      const IotFrame *frame = iot_file_frame (ctx->file, batch->first_number + i);

      g_assert_cmpuint (frame->caplen, ==, 14 + 20 + 8 + 4);
      g_assert_cmpuint (frame->link_type, ==, 1);
    }
}

static void
on_finished (IotLive *live, const GError *error, gpointer data)
{
  Ctx *ctx = data;

  g_assert_false (ctx->finished);
  ctx->finished = TRUE;
  if (error)
    ctx->error = g_error_copy (error);
  g_main_loop_quit (ctx->loop);
}

static int
free_udp_port (void)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, SOCK_DGRAM, 0), port;

  bind (fd, (struct sockaddr *) &addr, sizeof addr);
  getsockname (fd, (struct sockaddr *) &addr, &len);
  port = ntohs (addr.sin_port);
  close (fd);
  return port;
}

static void
test_capture_lo (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (IotLive) live = NULL;
  g_autofree char *filter = NULL;
  g_autofree char *path = NULL;
  const char *ifaces[] = { "lo", NULL };
  IotLiveOptions options = { 0 };
  IotLiveCallbacks callbacks = { on_batch, on_finished };
  IotLiveStats stats;
  Ctx ctx = { 0 };
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  int fd;

  ctx.port = free_udp_port ();
  ctx.next_number = 1;
  filter = g_strdup_printf ("udp dst port %d", ctx.port);
  options.interfaces = ifaces;
  options.filter = filter;
  options.buffer_mib = 32;
  live = iot_live_new (&options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (iot_live_link_type (live), ==, 1);
  path = iot_live_dup_path (live);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  ctx.loop = g_main_loop_new (NULL, FALSE);
  iot_live_start (live, NULL, &callbacks, &ctx);
  g_assert_true (iot_live_is_running (live));

  /* Everything is sent before Stop; the main loop has not run yet, so
   * the batches pile up behind one idle. */
  fd = socket (AF_INET, SOCK_DGRAM, 0);
  to.sin_port = htons (ctx.port);
  for (guint i = 0; i < N_PACKETS; i++)
    {
      guint32 seq = htonl (i);

      g_assert_cmpint (sendto (fd, &seq, sizeof seq, 0, (struct sockaddr *) &to, sizeof to), ==, 4);
      /* lo's 64 KiB MTU makes each ring slot 64 KiB: pace the sender so
       * the ring never fills (bursts are the benchmark's business). */
      if (i % 50 == 49)
        g_usleep (1000);
    }
  close (fd);
  iot_live_stop (live);
  g_main_loop_run (ctx.loop);

  g_assert_true (ctx.finished);
  g_assert_no_error (ctx.error);
  g_assert_false (iot_live_is_running (live));
  iot_live_get_stats (live, &stats);
  g_test_message ("received %" G_GUINT64_FORMAT ", dropped %" G_GUINT64_FORMAT ", captured %" G_GUINT64_FORMAT,
                  stats.received, stats.dropped, stats.captured);
  g_assert_cmpuint (ctx.n_frames, ==, N_PACKETS);
  g_assert_cmpuint (stats.captured, ==, N_PACKETS);
  g_assert_cmpuint (stats.dropped, ==, 0);
  g_assert_cmpuint (stats.received, >=, N_PACKETS);
  g_assert_cmpuint (iot_file_n_frames (ctx.file), ==, N_PACKETS);
  /* The datagrams in the order sent: UDP payload = sequence number. */
  for (guint32 n = 1; n <= N_PACKETS; n++)
    {
      const guint8 *data = iot_file_frame_data (ctx.file, n);
      guint32 seq;

      g_assert_cmpuint (iot_file_frame (ctx.file, n)->caplen, ==, 14 + 20 + 8 + 4);
      memcpy (&seq, data + 42, 4);
      g_assert_cmpuint (ntohl (seq), ==, n - 1);
    }
  g_test_message ("%u frames in %u batches", ctx.n_frames, ctx.n_batches);
  /* The main loop did not run while sending: batches were merged. */
  g_assert_cmpuint (ctx.n_batches, <, 10);
  iot_file_unref (ctx.file);
  g_main_loop_unref (ctx.loop);
  g_unlink (path);
}

static void
test_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  const char *nosuch[] = { "nosuch0", NULL }, *lo[] = { "lo", NULL };
  IotLiveOptions options = { 0 };
  gboolean found_lo = FALSE;

  options.interfaces = nosuch;
  g_assert_null (iot_live_new (&options, &error));
  g_assert_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_NO_SUCH_INTERFACE);
  g_clear_error (&error);
  options.interfaces = lo;
  options.filter = "port 70000";
  g_assert_null (iot_live_new (&options, &error));
  g_assert_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_FILTER);
  g_assert_nonnull (strstr (error->message, "70000 > 65535"));
  g_clear_error (&error);
  options.filter = NULL;
  options.monitor = TRUE;
  g_assert_null (iot_live_new (&options, &error));
  g_assert_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_MONITOR_UNSUPPORTED);
  g_clear_error (&error);
  g_assert_false (iot_live_can_monitor ("lo", &error));
  g_clear_error (&error);

  g_assert_true (iot_live_check_filter (1, "tcp port 8883 or udp port 5683", &error));
  g_assert_false (iot_live_check_filter (1, "port 1883 and", &error));
  g_assert_error (error, IOT_LIVE_ERROR, IOT_LIVE_ERROR_FILTER);
  g_clear_error (&error);

  list = iot_live_list_interfaces (&error);
  g_assert_no_error (error);
  for (guint i = 0; i < list->len; i++)
    {
      IotLiveInterface *iface = g_ptr_array_index (list, i);

      if (strcmp (iface->name, "lo") != 0)
        continue;
      found_lo = TRUE;
      g_assert_true (iface->loopback && iface->up);
      g_assert_true (g_strv_contains ((const char *const *) iface->addresses, "127.0.0.1/8"));
    }
  g_assert_true (found_lo);
}

int
main (int argc, char **argv)
{
  if (getuid () != 0)
    {
      g_print ("SKIP: live capture needs root\n");
      return 77;
    }
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/live/capture-lo", test_capture_lo);
  g_test_add_func ("/live/errors", test_errors);
  return g_test_run ();
}
