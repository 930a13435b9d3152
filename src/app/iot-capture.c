/* iot-capture.c — a capture file and its engine, reference counted. */
#include "iot-capture.h"

struct _IotCapture {
  IotFile   *file;
  IotEngine *engine;
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
