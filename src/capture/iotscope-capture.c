/* iotscope-capture — the only iotscope program that may hold capture
 * privileges (file capabilities cap_net_raw and cap_net_admin, given by
 * `make caps`).  Like Wireshark's dumpcap it does one thing: it opens the
 * interfaces, applies the BPF capture filter, writes the packets to a pcap
 * or pcapng file and reports on its standard output, one line per record:
 *
 *     started LINKTYPE NANO PATH      the first file is created (NANO: 0 or 1)
 *     warning TEXT                    libpcap warned at activation
 *     packets FILE FIRST COUNT PATH   frames FIRST… of file FILE (1-based) are written
 *     stats RECEIVED DROPPED IFDROPPED CAPTURED BYTES
 *                                     pcap_stats() summed, about every 100 ms
 *     error CODE TEXT                 CODE: an IotPcapError number; then "end"
 *     end                             the last line
 *
 * TEXT and PATH are escaped as g_strescape() does, so a record is one line.
 * iotscope and iotscope-cli run it and read these records; they never hold
 * capture privileges themselves.  It stops on SIGINT, SIGTERM or SIGHUP,
 * on a stop condition, or (with --stop-on-eof) when its standard input
 * closes — so it also stops when the program that reads it goes away.
 *
 * It links GLib (not GIO, not GModule) and libpcap only, loads nothing,
 * gives up every capability once the interfaces are open (files are
 * created with the rights of the user who runs it), refuses to run
 * set-user-ID, and checks its arguments strictly.
 */
#include <errno.h>
#include <glib.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <linux/capability.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "iot-pcap-capture.h"

#define MAX_INTERFACES    64
#define MAX_NAME          256
#define MAX_FILTER        (64 * 1024)
#define MAX_PATH          4096
#define STATS_INTERVAL_MS 100

typedef struct {
  GMainLoop      *loop;
  IotPcapCapture *capture;
  IotPcapStats    last_stats;
  gboolean        output_closed;
  guint           input_id;
  int             status;
} Run;

static void
usage_error (const char *fmt, ...) G_GNUC_PRINTF (1, 2) G_GNUC_NORETURN;

/* Bad arguments: a record for the program that reads us, and a line for
 * a person at a terminal. */
static void
usage_error (const char *fmt, ...)
{
  g_autofree char *message = NULL;
  g_autofree char *escaped = NULL;
  va_list ap;

  va_start (ap, fmt);
  message = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  escaped = g_strescape (message, NULL);
  printf ("error %d %s\nend\n", IOT_PCAP_ERROR_INVALID, escaped);
  fflush (stdout);
  fprintf (stderr, "iotscope-capture: %s\n", message);
  exit (2);
}

/* ---- records --------------------------------------------------------------------- */

static void
emit (Run *run, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static void
emit (Run *run, const char *fmt, ...)
{
  va_list ap;

  if (run->output_closed)
    return;
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  if (fflush (stdout) != 0)
    {
      /* Nobody reads us any more: stop, keeping what is in the file. */
      run->output_closed = TRUE;
      if (run->capture != NULL)
        iot_pcap_capture_stop (run->capture);
    }
}

static void
emit_text (Run *run, const char *kind, const char *text)
{
  g_autofree char *escaped = g_strescape (text, NULL);

  emit (run, "%s %s\n", kind, escaped);
}

static void
emit_stats (Run *run, gboolean force)
{
  IotPcapStats stats;

  iot_pcap_capture_get_stats (run->capture, &stats);
  if (!force && memcmp (&stats, &run->last_stats, sizeof stats) == 0)
    return;
  run->last_stats = stats;
  emit (run, "stats %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT
        " %" G_GUINT64_FORMAT "\n", stats.received, stats.dropped, stats.if_dropped, stats.captured, stats.bytes);
}

static void
on_batch (IotPcapCapture *capture, const IotPcapBatch *batch, gpointer data)
{
  Run *run = data;
  g_autofree char *path = g_strescape (batch->path, NULL);

  emit (run, "packets %u %u %u %s\n", batch->file_number, batch->first_number, batch->n_frames, path);
}

static void
on_finished (IotPcapCapture *capture, const GError *error, gpointer data)
{
  Run *run = data;

  emit_stats (run, TRUE);
  if (error != NULL)
    {
      g_autofree char *escaped = g_strescape (error->message, NULL);

      emit (run, "error %d %s\n", error->code, escaped);
      run->status = 2;
    }
  emit (run, "end\n");
  g_main_loop_quit (run->loop);
}

static gboolean
on_stats_timer (gpointer data)
{
  emit_stats (data, FALSE);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_stop_signal (gpointer data)
{
  Run *run = data;

  iot_pcap_capture_stop (run->capture);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_input (GIOChannel *channel, GIOCondition condition, gpointer data)
{
  Run *run = data;
  char buf[256];
  gsize n = 0;

  /* Nothing is read from the input but its end: the reader closed it. */
  if ((condition & G_IO_IN)
      && g_io_channel_read_chars (channel, buf, sizeof buf, &n, NULL) == G_IO_STATUS_NORMAL && n > 0)
    return G_SOURCE_CONTINUE;
  iot_pcap_capture_stop (run->capture);
  run->input_id = 0;
  return G_SOURCE_REMOVE;
}

/* ---- privileges -------------------------------------------------------------------- */

/* Once the interfaces are open, no capability is needed any more: the
 * packet sockets stay usable.  Files are then created as the user. */
static gboolean
drop_capabilities (void)
{
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { { 0 } };

  if (getuid () == 0)
    return TRUE;   /* root by identity: nothing to give up that matters */
  if (syscall (SYS_capset, &header, data) != 0)
    return FALSE;
  prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  return TRUE;
}

/* ---- arguments ----------------------------------------------------------------------- */

/* --capabilities: print what the interface offers (monitor mode, link
 * types) and exit, for the analyzer's capture dialog, which has no
 * capture rights of its own. */
static gboolean describe_only;

static gboolean
valid_interface_name (const char *name)
{
  gsize length = strlen (name);

  /* Kernel and libpcap names ("eth0", "wlan0mon", "any", "bluetooth0",
   * "usbmon1", "nflog:5"), never a path or a remote URL. */
  if (length == 0 || length >= MAX_NAME || name[0] == '-')
    return FALSE;
  for (const char *c = name; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && strchr ("._:@-", *c) == NULL)
      return FALSE;
  return TRUE;
}

static const char *
next_value (int argc, char **argv, int *i)
{
  if (*i + 1 >= argc)
    usage_error ("%s needs a value", argv[*i]);
  return argv[++*i];
}

static guint64
parse_number (const char *flag, const char *text, guint64 min, guint64 max)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, min, max, &value, NULL))
    usage_error ("%s takes a whole number from %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT ", not \"%s\"",
                 flag, min, max, text);
  return value;
}

/* "key:NUMBER" of -a and -b. */
static void
parse_condition (const char *flag, const char *spec, IotPcapOptions *options)
{
  const char *colon = strchr (spec, ':');
  g_autofree char *key = colon ? g_strndup (spec, colon - spec) : NULL;
  const char *value = colon ? colon + 1 : NULL;

  if (key == NULL)
    usage_error ("invalid %s \"%s\"", flag, spec);
  if (g_str_equal (flag, "-a") && g_str_equal (key, "duration"))
    {
      char *end = NULL;
      double seconds = g_ascii_strtod (value, &end);

      if (end == value || *end != '\0' || !(seconds > 0) || seconds > 1e9)
        usage_error ("invalid -a duration \"%s\"", value);
      options->stop_seconds = seconds;
    }
  else if (g_str_equal (flag, "-a") && g_str_equal (key, "filesize"))
    options->stop_filesize_kb = parse_number ("-a filesize", value, 1, G_MAXUINT32);
  else if (g_str_equal (flag, "-a") && g_str_equal (key, "packets"))
    options->stop_packets = parse_number ("-a packets", value, 1, G_MAXINT64);
  else if (g_str_equal (flag, "-b") && g_str_equal (key, "filesize"))
    options->ring_filesize_kb = parse_number ("-b filesize", value, 1, G_MAXUINT32);
  else if (g_str_equal (flag, "-b") && g_str_equal (key, "files"))
    options->ring_files = (guint) parse_number ("-b files", value, 1, 100000);
  else if (g_str_equal (flag, "-b") && g_str_equal (key, "packets"))
    options->ring_packets = parse_number ("-b packets", value, 1, G_MAXINT64);
  else if (g_str_equal (flag, "-b") && (g_str_equal (key, "duration") || g_str_equal (key, "interval")))
    {
      char *end = NULL;
      double seconds = g_ascii_strtod (value, &end);

      if (end == value || *end != '\0' || !(seconds > 0) || seconds > 1e9)
        usage_error ("invalid -b %s \"%s\"", key, value);
      if (g_str_equal (key, "duration"))
        options->ring_seconds = seconds;
      else
        options->ring_interval = seconds;
    }
  else if (g_str_equal (flag, "-a") && g_str_equal (key, "files"))
    options->stop_files = (guint) parse_number ("-a files", value, 1, 100000);
  else
    usage_error ("invalid %s \"%s\"", flag, spec);
}

static void
parse_arguments (int argc, char **argv, IotPcapOptions *options, gboolean *stop_on_eof)
{
  static const char *interfaces[MAX_INTERFACES + 1];
  guint n_interfaces = 0;
  const char *format = NULL;

  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];

      if (g_str_equal (arg, "-i"))
        {
          const char *name = next_value (argc, argv, &i);

          if (!valid_interface_name (name))
            usage_error ("\"%s\" is not an interface name", name);
          if (n_interfaces == MAX_INTERFACES)
            usage_error ("at most %d interfaces", MAX_INTERFACES);
          interfaces[n_interfaces++] = name;
        }
      else if (g_str_equal (arg, "-f"))
        {
          options->filter = next_value (argc, argv, &i);
          if (strlen (options->filter) > MAX_FILTER)
            usage_error ("the capture filter is longer than %d bytes", MAX_FILTER);
        }
      else if (g_str_equal (arg, "-p"))
        options->no_promiscuous = TRUE;
      else if (g_str_equal (arg, "-I"))
        options->monitor = TRUE;
      else if (g_str_equal (arg, "-y"))
        options->link_type = (int) parse_number ("-y", next_value (argc, argv, &i), 1, 65535);
      else if (g_str_equal (arg, "--capabilities"))
        describe_only = TRUE;
      else if (g_str_equal (arg, "-s"))
        options->snaplen = (int) parse_number ("-s", next_value (argc, argv, &i), 1, 262144);
      else if (g_str_equal (arg, "-B"))
        options->buffer_kib = (int) parse_number ("-B", next_value (argc, argv, &i), 1, 4096) * 1024;
      else if (g_str_equal (arg, "--buffer-kib"))
        options->buffer_kib = (int) parse_number ("--buffer-kib", next_value (argc, argv, &i), 1, 4096 * 1024);
      else if (g_str_equal (arg, "-w"))
        {
          options->output = next_value (argc, argv, &i);
          if (options->output[0] == '\0' || strlen (options->output) >= MAX_PATH
              || strchr (options->output, '\n') != NULL || g_str_equal (options->output, "-"))
            usage_error ("-w needs the name of a file");
        }
      else if (g_str_equal (arg, "-F"))
        format = next_value (argc, argv, &i);
      else if (g_str_equal (arg, "-a"))
        parse_condition ("-a", next_value (argc, argv, &i), options);
      else if (g_str_equal (arg, "-b"))
        parse_condition ("-b", next_value (argc, argv, &i), options);
      else if (g_str_equal (arg, "--stop-on-eof"))
        *stop_on_eof = TRUE;
      else
        usage_error ("unknown argument \"%s\"", arg);
    }
  if (n_interfaces == 0)
    usage_error ("no interface given (-i IFACE)");
  interfaces[n_interfaces] = NULL;
  options->interfaces = interfaces;
  if (format == NULL)
    options->pcapng = options->output != NULL && g_str_has_suffix (options->output, ".pcapng");
  else if (g_str_equal (format, "pcapng"))
    options->pcapng = TRUE;
  else if (!g_str_equal (format, "pcap"))
    usage_error ("-F %s: only pcap and pcapng can be written", format);
}

static int
describe_interface (const IotPcapOptions *options)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GError) error = NULL;

  if (options->interfaces == NULL || options->interfaces[0] == NULL || options->interfaces[1] != NULL)
    usage_error ("--capabilities needs exactly one interface (-i)");
  if (!iot_pcap_describe_interface (options->interfaces[0], options->monitor, out, &error))
    {
      g_autofree char *escaped = g_strescape (error->message, NULL);

      printf ("error %d %s\nend\n", error->code, escaped);
      return 2;
    }
  printf ("%send\n", out->str);
  return 0;
}

int
main (int argc, char **argv)
{
  g_autoptr (IotPcapCapture) capture = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GIOChannel) input = NULL;
  g_autofree char *path = NULL;
  g_autofree char *escaped = NULL;
  IotPcapOptions options = { 0 };
  const IotPcapCallbacks callbacks = { on_batch, on_finished };
  gboolean stop_on_eof = FALSE;
  Run run = { 0 };
  guint sources[4];

  setlocale (LC_ALL, "C");
  signal (SIGPIPE, SIG_IGN);
  /* Set-user-ID would make every file we create root's: capabilities only. */
  if (geteuid () != getuid () || getegid () != getgid ())
    usage_error ("iotscope-capture must not be set-user-ID or set-group-ID; "
                 "give it file capabilities instead (make caps)");
  parse_arguments (argc, argv, &options, &stop_on_eof);
  if (describe_only)
    return describe_interface (&options);

  capture = iot_pcap_capture_new (&options, &error);
  if (capture == NULL || !drop_capabilities ())
    {
      if (error == NULL)
        g_set_error (&error, IOT_PCAP_ERROR, IOT_PCAP_ERROR_FAILED, "cannot give up capabilities: %s",
                     g_strerror (errno));
      escaped = g_strescape (error->message, NULL);
      printf ("error %d %s\nend\n", error->code, escaped);
      return 2;
    }
  if (!iot_pcap_capture_open_file (capture, &error))
    {
      escaped = g_strescape (error->message, NULL);
      printf ("error %d %s\nend\n", error->code, escaped);
      return 2;
    }
  run.capture = capture;
  run.loop = g_main_loop_new (NULL, FALSE);
  for (const char *const *w = iot_pcap_capture_warnings (capture); *w != NULL; w++)
    emit_text (&run, "warning", *w);
  path = iot_pcap_capture_dup_path (capture);
  escaped = g_strescape (path, NULL);
  emit (&run, "started %d %d %s\n", iot_pcap_capture_link_type (capture),
        iot_pcap_capture_is_nano (capture) ? 1 : 0, escaped);

  sources[0] = g_unix_signal_add (SIGINT, on_stop_signal, &run);
  sources[1] = g_unix_signal_add (SIGTERM, on_stop_signal, &run);
  sources[2] = g_unix_signal_add (SIGHUP, on_stop_signal, &run);
  sources[3] = g_timeout_add (STATS_INTERVAL_MS, on_stats_timer, &run);
  if (stop_on_eof)
    {
      input = g_io_channel_unix_new (STDIN_FILENO);
      g_io_channel_set_encoding (input, NULL, NULL);
      run.input_id = g_io_add_watch (input, G_IO_IN | G_IO_HUP | G_IO_ERR, on_input, &run);
    }
  iot_pcap_capture_start (capture, NULL, &callbacks, &run);
  g_main_loop_run (run.loop);
  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    if (sources[i] != 0)
      g_source_remove (sources[i]);
  if (run.input_id != 0)
    g_source_remove (run.input_id);
  g_main_loop_unref (run.loop);
  return run.status;
}
