/* iot-app-probe.c — --measure's watch on the main loop. */
#include "iot-app-probe.h"

#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

struct _IotAppProbe {
  IotWindow *window;             /* weak: the window whose first rows count */
  guint      tick_id;
  gint64     open_us;
  gint64     first_rows_us;
  gint64     verbose_us;         /* print gaps longer than this; 0 = none */

  /* The largest gap between 10 ms ticks. */
  gint64     last_us;
  gint64     last_cpu_us;        /* the main thread's CPU time at the last tick */
  gint64     last_wait_us;       /* the time it waited for a CPU, at the last tick */
  /* GDK 4.8 on X11 asks the X server for the monitor's work area at
   * each layout, and waits for the answer: an X server waiting for a CPU
   * holds the main loop up too. */
  int        x_stat;             /* the X server's /proc/PID/schedstat, or -1 */
  gint64     last_x_wait_us;
  gint64     worst_us;
  gint64     worst_cpu_us;       /* of the worst gap, the time the main thread ran */
  gint64     worst_wait_us;      /* of the worst gap, the time it waited for a CPU */
  guint      ticks;
  guint      n_long;             /* gaps over 50 ms */
  /* Since the last phase ended (loading, filtering, a sort): the worst
   * gap, and the most the main thread itself ran in one gap. */
  gint64     phase_worst_us;
  gint64     phase_worst_cpu_us;
  gint64     phase_worst_held_us;  /* a gap less the waits for a CPU (ours and the X server's) */
};

/* Time the calling thread ran, and (Linux, /proc/thread-self/schedstat)
 * the time it was ready to run but waited for a CPU: tells a main loop
 * busy with our own work from one merely waiting for a CPU that other
 * threads and processes (the capture program, a traffic generator, other
 * programs) keep busy. */
static void
thread_times (gint64 *run_us, gint64 *wait_us)
{
  struct timespec ts;
  g_autofree char *text = NULL;
  gint64 run_ns, wait_ns;

  *run_us = *wait_us = 0;
  if (g_file_get_contents ("/proc/thread-self/schedstat", &text, NULL, NULL)
      && sscanf (text, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT, &run_ns, &wait_ns) == 2)
    {
      *run_us = run_ns / 1000;
      *wait_us = wait_ns / 1000;
      return;
    }
  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
    *run_us = (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

int
iot_app_probe_open_x_server_stat (void)
{
  const char *display = g_getenv ("DISPLAY");
  g_autofree char *lock = NULL;
  g_autofree char *text = NULL;
  g_autofree char *stat = NULL;
  guint64 pid;

  if (display == NULL || display[0] != ':')
    return -1;
  lock = g_strdup_printf ("/tmp/.X%u-lock", (guint) g_ascii_strtoull (display + 1, NULL, 10));
  if (!g_file_get_contents (lock, &text, NULL, NULL) || (pid = g_ascii_strtoull (g_strstrip (text), NULL, 10)) == 0)
    return -1;
  stat = g_strdup_printf ("/proc/%" G_GUINT64_FORMAT "/schedstat", pid);
  return open (stat, O_RDONLY | O_CLOEXEC);
}

/* The time the X server waited for a CPU, in µs (0 when unknown). */
static gint64
x_server_wait (IotAppProbe *self)
{
  char text[128];
  ssize_t n;
  gint64 run_ns, wait_ns;

  if (self->x_stat < 0 || (n = pread (self->x_stat, text, sizeof text - 1, 0)) <= 0)
    return 0;
  text[n] = '\0';
  if (sscanf (text, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT, &run_ns, &wait_ns) != 2)
    return 0;
  return wait_ns / 1000;
}

static void
count_gap (IotAppProbe *self, gint64 now, gint64 cpu, gint64 wait, gint64 x_wait)
{
  gint64 held = MAX (now - self->last_us - (wait - self->last_wait_us) - (x_wait - self->last_x_wait_us), 0);

  self->ticks++;
  self->phase_worst_held_us = MAX (self->phase_worst_held_us, held);
  self->phase_worst_us = MAX (self->phase_worst_us, now - self->last_us);
  self->phase_worst_cpu_us = MAX (self->phase_worst_cpu_us, cpu - self->last_cpu_us);
  if (now - self->last_us > 50 * G_TIME_SPAN_MILLISECOND)
    self->n_long++;
  if (now - self->last_us > self->worst_us)
    {
      self->worst_us = now - self->last_us;
      self->worst_cpu_us = cpu - self->last_cpu_us;
      self->worst_wait_us = wait - self->last_wait_us;
    }
  /* Where the long gaps are, for whoever hunts them. */
  if (self->verbose_us > 0 && now - self->last_us > self->verbose_us)
    g_printerr ("iotscope: measure: gap of %.1f ms (main thread ran %.1f ms of it, waited %.1f ms for a CPU; "
                "the X server waited %.1f ms) ending at %.1f ms\n",
                (now - self->last_us) / 1000.0, (cpu - self->last_cpu_us) / 1000.0,
                (wait - self->last_wait_us) / 1000.0, (x_wait - self->last_x_wait_us) / 1000.0,
                (now - self->open_us) / 1000.0);
}

static gboolean
tick_cb (gpointer data)
{
  IotAppProbe *self = data;
  gint64 now = g_get_monotonic_time ();
  gint64 cpu, wait, x_wait = x_server_wait (self);

  thread_times (&cpu, &wait);
  if (self->last_us != 0)
    count_gap (self, now, cpu, wait, x_wait);
  self->last_us = now;
  self->last_cpu_us = cpu;
  self->last_wait_us = wait;
  self->last_x_wait_us = x_wait;
  return G_SOURCE_CONTINUE;
}

static void
after_paint_cb (GdkFrameClock *clock, IotAppProbe *self)
{
  IotFrameList *frames;

  if (self->window == NULL || self->first_rows_us != 0)
    return;
  frames = iot_session_get_frames (iot_window_get_session (self->window));
  /* The first paint with rows in the model: the first rows are visible. */
  if (g_list_model_get_n_items (G_LIST_MODEL (frames)) > 0)
    self->first_rows_us = g_get_monotonic_time ();
}

static void
watch_window (IotAppProbe *self, IotWindow *window)
{
  if (self->window != window)
    {
      if (self->window != NULL)
        g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
      self->window = window;
      g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->window);
    }
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                    G_CALLBACK (after_paint_cb), self);
}

void
iot_app_probe_start (IotAppProbe *self, IotWindow *window)
{
  const char *verbose = g_getenv ("IOTSCOPE_MEASURE_VERBOSE");

  self->open_us = g_get_monotonic_time ();
  self->last_us = 0;
  if (verbose != NULL)
    {
      gint64 ms = g_ascii_strtoll (verbose, NULL, 10);

      self->verbose_us = (ms > 1 ? ms : 50) * 1000;
    }
  self->worst_us = 0;
  self->phase_worst_us = self->phase_worst_cpu_us = self->phase_worst_held_us = 0;
  self->ticks = self->n_long = 0;
  if (self->x_stat < 0)
    self->x_stat = iot_app_probe_open_x_server_stat ();
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add (10, tick_cb, self);
  watch_window (self, window);
}

void
iot_app_probe_stop (IotAppProbe *self)
{
  g_clear_handle_id (&self->tick_id, g_source_remove);
}

double
iot_app_probe_first_rows_ms (IotAppProbe *self)
{
  return self->first_rows_us != 0 ? (self->first_rows_us - self->open_us) / 1000.0 : -1.0;
}

void
iot_app_probe_print_gaps (IotAppProbe *self)
{
  g_print ("iotscope: measure: worst main-loop gap %.1f ms (main thread ran %.1f ms of it, waited %.1f ms "
           "for a CPU)\n", self->worst_us / 1000.0, self->worst_cpu_us / 1000.0, self->worst_wait_us / 1000.0);
  /* One worst gap on a shared machine is mostly waiting for a CPU: how
   * often the loop was held up says more. */
  g_print ("iotscope: measure: main-loop gaps over 50 ms: %u of %u ticks (10 ms each)\n", self->n_long,
           self->ticks);
}

void
iot_app_probe_end_phase (IotAppProbe *self, const char *phase)
{
  /* The longest a gap lasted once the waits for a CPU are taken out:
   * what the program itself held its loop up by (its work, its locks),
   * whatever the load of the machine. */
  g_print ("iotscope: measure: while %s: worst main-loop gap %.1f ms, most main-thread work in one gap "
           "%.1f ms, longest held up less the waits for a CPU (main thread and X server) %.1f ms "
           "(ended at %.3f s)\n", phase, self->phase_worst_us / 1000.0,
           self->phase_worst_cpu_us / 1000.0, self->phase_worst_held_us / 1000.0,
           (g_get_monotonic_time () - self->open_us) / 1e6);
  self->phase_worst_us = self->phase_worst_cpu_us = self->phase_worst_held_us = 0;
}

IotAppProbe *
iot_app_probe_new (void)
{
  IotAppProbe *self = g_new0 (IotAppProbe, 1);

  self->x_stat = -1;
  return self;
}

void
iot_app_probe_free (IotAppProbe *self)
{
  if (self == NULL)
    return;
  iot_app_probe_stop (self);
  if (self->x_stat >= 0)
    close (self->x_stat);
  if (self->window != NULL)
    {
      GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self->window));

      if (clock != NULL)
        g_signal_handlers_disconnect_by_data (clock, self);
      g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
    }
  g_free (self);
}
