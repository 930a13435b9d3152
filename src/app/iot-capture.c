/* iot-capture.c — a capture file and its engine, reference counted. */
#include "iot-capture.h"

/* Frames per first-pass step: about a millisecond of work. */
#define PASS_STEP 1024

struct _IotCapture {
  IotFile   *file;
  IotEngine *engine;
  gint       waiting;   /* main-thread dissections in progress (atomic) */
  gboolean   paused;    /* main thread only */
};

static void
iot_capture_clear (gpointer data)
{
  IotCapture *self = data;

  /* The engine reads the file, so it goes first. */
  g_clear_pointer (&self->engine, iot_engine_free);
  g_clear_pointer (&self->file, iot_file_unref);
}

IotCapture *
iot_capture_new (IotFile *file)
{
  IotCapture *self = g_rc_box_new0 (IotCapture);

  self->file = iot_file_ref (file);
  self->engine = iot_engine_new (file);
  return self;
}

IotCapture *
iot_capture_ref (IotCapture *self)
{
  return g_rc_box_acquire (self);
}

void
iot_capture_unref (IotCapture *self)
{
  g_rc_box_release_full (self, iot_capture_clear);
}

IotFile *
iot_capture_file (IotCapture *self)
{
  return self->file;
}

IotEngine *
iot_capture_engine (IotCapture *self)
{
  return self->engine;
}

guint32
iot_capture_n_passed (IotCapture *self)
{
  return iot_engine_n_passed (self->engine);
}

guint32
iot_capture_n_frames (IotCapture *self)
{
  return iot_file_n_frames (self->file);
}

gboolean
iot_capture_first_pass_upto (IotCapture *self, guint32 upto, GCancellable *cancellable)
{
  upto = MIN (upto, iot_file_n_frames (self->file));
  while (iot_engine_n_passed (self->engine) < upto)
    {
      guint32 end = MIN (upto, iot_engine_n_passed (self->engine) + PASS_STEP);

      /* Between steps the lock is free: let a waiting reader have it. */
      while (g_atomic_int_get (&self->waiting) > 0)
        g_usleep (50);
      if (!iot_engine_first_pass_upto (self->engine, end, cancellable))
        return FALSE;
    }
  return TRUE;
}

void
iot_capture_dissect (IotCapture *self, IotPacket *pkt, guint32 number,
                     const IotDissectOptions *options)
{
  g_atomic_int_inc (&self->waiting);
  iot_engine_dissect (self->engine, pkt, number, options);
  g_atomic_int_dec_and_test (&self->waiting);
}

static gboolean
resume_cb (gpointer data)
{
  IotCapture *self = data;

  self->paused = FALSE;
  g_atomic_int_dec_and_test (&self->waiting);
  return G_SOURCE_REMOVE;
}

void
iot_capture_pause_until_idle (IotCapture *self)
{
  if (self->paused)
    return;
  self->paused = TRUE;
  g_atomic_int_inc (&self->waiting);
  /* Below the redraw priority: runs once layout and painting are done. */
  g_idle_add_full (G_PRIORITY_LOW, resume_cb, iot_capture_ref (self),
                   (GDestroyNotify) iot_capture_unref);
}
