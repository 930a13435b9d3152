/* iot-engine.c — the first pass over a capture and random-access
 * re-dissection of single frames. */
#include "iot-core-private.h"
#include "iot-stream-index.h"

#include <string.h>

struct _IotEngine {
  /* The first pass writes per-capture state that random access reads; the
   * GUI runs the pass in a worker while rows are dissected for display. */
  GRWLock    lock;
  /* Readers announced and not yet holding the lock (atomic): the first
   * pass gives way to them between frames, so that a display dissection
   * never waits through a whole step, nor through the next one. */
  gint       readers_waiting;
  IotFile   *file;
  gpointer  *states;      /* per dissector id */
  guint      n_states;
  gint       n_passed;    /* frames covered by the first pass (atomic) */
  IotPacket *pass_packet;
  /* Nodes made by the pass in packets it has handed over
   * (iot_engine_swap_first_pass_packet), and pass_packet's count when it
   * came. */
  guint64    nodes_handed_over;
  guint64    pass_nodes_base;
  const IotField *protocols_field;
  /* Who reads the first pass's tap records (iot_engine_set_first_pass_listener). */
  IotDissectOptions pass_options;
  IotFirstPassFunc  pass_func;
  gpointer          pass_data;
  /* Each TCP and UDP stream's frames, from the pass's conversation records. */
  IotStreamIndex   *stream_index;
  /* iot_engine_keep_frame_marks(): the layers watched, and a bit per frame. */
  guint8           *watch;
  GByteArray       *marks;
};

IotEngine *
iot_engine_new (IotFile *file)
{
  IotEngine *self = g_new0 (IotEngine, 1);

  iot_registry_init ();
  self->file = iot_file_ref (file);
  self->n_states = iot_registry_n_dissectors ();
  self->states = g_new0 (gpointer, self->n_states);
  for (guint i = 0; i < self->n_states; i++)
    {
      const IotDissector *dissector = iot_registry_dissector_by_id (i);

      if (dissector->state_new != NULL)
        self->states[i] = dissector->state_new ();
    }
  self->pass_packet = iot_packet_new ();
  self->protocols_field = iot_registry_field ("frame.protocols");
  g_rw_lock_init (&self->lock);
  return self;
}

void
iot_engine_free (IotEngine *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->n_states; i++)
    {
      const IotDissector *dissector = iot_registry_dissector_by_id (i);

      if (self->states[i] != NULL && dissector->state_free != NULL)
        dissector->state_free (self->states[i]);
    }
  g_free (self->states);
  iot_packet_free (self->pass_packet);
  iot_stream_index_free (self->stream_index);
  g_free (self->watch);
  if (self->marks != NULL)
    g_byte_array_unref (self->marks);
  iot_file_unref (self->file);
  g_rw_lock_clear (&self->lock);
  g_free (self);
}

IotFile *
iot_engine_file (IotEngine *self)
{
  return self->file;
}

gpointer
iot_engine_state (IotEngine *self, const IotDissector *dissector)
{
  if (dissector->id < 0 || (guint) dissector->id >= self->n_states)
    return NULL;
  return self->states[dissector->id];
}

static void
run_dissection (IotEngine *self, IotPacket *pkt, guint32 number, gboolean first_pass,
                const IotDissectOptions *options)
{
  IotBuf buf;
  guint32 caplen;

  iot_packet_reset (pkt);
  pkt->engine = self;
  pkt->file = self->file;
  pkt->number = number;
  /* The packet keeps its own copy: the file unpacks entries into
   * short-lived storage. */
  iot_file_frame_copy (self->file, number, &pkt->frame_entry);
  pkt->frame = &pkt->frame_entry;
  /* From the copy: the entry is unpacked once per frame. */
  pkt->data = iot_file_frame_data_of (self->file, &pkt->frame_entry);
  pkt->first_pass = first_pass;
  pkt->flags = options ? options->flags : 0;
  pkt->wanted = options ? options->fields : NULL;
  pkt->wants.all_fields = (pkt->flags & IOT_DISSECT_TREE) != 0;
  pkt->wants.n_bits = pkt->wanted != NULL ? pkt->wanted->n_bits : 0;
  pkt->wants.bits = pkt->wanted != NULL ? pkt->wanted->bits : NULL;
  pkt->wants.every_row = (pkt->flags & IOT_DISSECT_TAP (IOT_TAP_PROTO)) != 0;
  pkt->skip = options != NULL && options->only_fields && options->flags == 0 && options->fields != NULL
              ? iot_field_set_skippable ((IotFieldSet *) options->fields) : NULL;
  pkt->prev_displayed = options ? options->prev_displayed : 0;
  pkt->time_ref = options ? options->time_ref : 0;
  pkt->time_column = options ? options->time_column : NULL;
  /* The column fields are made from the columns. */
  if (iot_columns_wanted (pkt->wanted))
    pkt->flags |= IOT_DISSECT_COLUMNS;
  /* frame.protocols is built only when someone will read it. */
  pkt->wants_protocols = (pkt->flags & IOT_DISSECT_TREE)
                         || (pkt->wanted != NULL && iot_field_set_contains (pkt->wanted, self->protocols_field));
  /* Bytes another program truncated away are not shown as zeros. */
  caplen = iot_file_frame_gone_of (self->file, pkt->frame) ? 0 : pkt->frame->caplen;
  pkt->sources[0].name = "Frame";
  pkt->sources[0].data = pkt->data;
  pkt->sources[0].length = caplen;
  pkt->n_sources = 1;

  memset (&buf, 0, sizeof buf);
  buf.data = pkt->data;
  buf.length = caplen;
  buf.reported = MAX (pkt->frame->len, pkt->frame->caplen);
  buf.pkt = pkt;
  iot_call_dissector (pkt, iot_registry_frame_dissector (), &buf, -1);
  iot_packet_finish (pkt);
  if (iot_columns_wanted (pkt->wanted))
    iot_columns_add_nodes (pkt, pkt->time_column);
}

guint32
iot_engine_n_passed (IotEngine *self)
{
  return (guint32) g_atomic_int_get (&self->n_passed);
}

/* The first pass's mark of frame @number (iot_engine_keep_frame_marks). */
static void
record_mark (IotEngine *self, guint32 number)
{
  guint32 index = number - 1;

  if (self->marks->len <= index / 8)
    {
      guint8 zero = 0;

      g_byte_array_append (self->marks, &zero, 1);
    }
  if (self->pass_packet->watched)
    self->marks->data[index / 8] |= (guint8) (1u << (index % 8));
}

gboolean
iot_engine_keep_frame_marks (IotEngine *self, const IotFieldSet *fields)
{
  guint8 *watch;

  if (iot_engine_n_passed (self) > 0 || self->marks != NULL)
    return FALSE;
  watch = iot_field_set_carriers (fields);
  if (watch == NULL)
    return FALSE;
  self->watch = watch;
  /* Sized once for a file read whole, so that readers never see it move. */
  self->marks = g_byte_array_sized_new (iot_file_n_frames (self->file) / 8 + 1);
  self->pass_packet->watch = watch;
  return TRUE;
}

gboolean
iot_engine_frame_marked (IotEngine *self, guint32 number)
{
  guint32 index = number - 1;

  if (self->marks == NULL || number == 0 || number > iot_engine_n_passed (self)
      || index / 8 >= self->marks->len)
    return TRUE;
  return (self->marks->data[index / 8] & (1u << (index % 8))) != 0;
}

/* Frames per write-locked step when nobody else wants the lock. */
#define PASS_STEP 2048
/* Frames a step covers at least before it gives way to waiting readers:
 * a reader waits at most that long (tens of microseconds), and a worker
 * reading frame after frame cannot reduce the pass to one frame per lock
 * hand-off. */
#define PASS_MIN_STEP 16

gboolean
iot_engine_first_pass_upto (IotEngine *self, guint32 upto, GCancellable *cancellable)
{
  upto = MIN (upto, iot_file_n_frames (self->file));
  while (iot_engine_n_passed (self) < upto)
    {
      guint32 start, end;

      if (g_cancellable_is_cancelled (cancellable))
        return FALSE;
      /* Fair hand-off: GRWLock lets the writer re-take the lock at once,
       * ahead of readers that have been waiting for it.  Wait until they
       * have it. */
      while (g_atomic_int_get (&self->readers_waiting) > 0)
        g_thread_yield ();
      g_rw_lock_writer_lock (&self->lock);
      start = iot_engine_n_passed (self);
      end = MIN (upto, start + PASS_STEP);
      while (iot_engine_n_passed (self) < end)
        {
          run_dissection (self, self->pass_packet, iot_engine_n_passed (self) + 1, TRUE, &self->pass_options);
          if (self->marks != NULL)
            record_mark (self, iot_engine_n_passed (self) + 1);
          if (self->stream_index != NULL)
            iot_stream_index_add_frame (self->stream_index, self->pass_packet);
          if (self->pass_func != NULL)
            self->pass_func (self->pass_packet, self->pass_data);
          g_atomic_int_inc (&self->n_passed);
          if (iot_engine_n_passed (self) - start >= PASS_MIN_STEP
              && g_atomic_int_get (&self->readers_waiting) > 0)
            break;
        }
      g_rw_lock_writer_unlock (&self->lock);
    }
  return TRUE;
}

gboolean
iot_engine_set_first_pass_listener (IotEngine *self, IotDissectFlags taps, IotFirstPassFunc func,
                                    gpointer user_data)
{
  /* Only tap records: the pass stays state-only. */
  g_return_val_if_fail ((taps & ~IOT_DISSECT_TAPS) == 0, FALSE);
  if (iot_engine_n_passed (self) > 0)
    return FALSE;
  /* The stream index, if asked for, reads the conversation records too. */
  self->pass_options.flags = taps | (self->stream_index != NULL ? IOT_DISSECT_TAP (IOT_TAP_CONV) : 0);
  self->pass_func = func;
  self->pass_data = user_data;
  return TRUE;
}

gboolean
iot_engine_set_first_pass_fields (IotEngine *self, const IotFieldSet *fields)
{
  if (iot_engine_n_passed (self) > 0)
    return FALSE;
  self->pass_options.fields = fields;
  return TRUE;
}

guint64
iot_engine_first_pass_nodes (IotEngine *self)
{
  return self->nodes_handed_over + self->pass_packet->nodes_made - self->pass_nodes_base;
}

IotPacket *
iot_engine_swap_first_pass_packet (IotEngine *self, IotPacket *fresh)
{
  IotPacket *used = self->pass_packet;

  self->nodes_handed_over += used->nodes_made - self->pass_nodes_base;
  self->pass_packet = fresh;
  self->pass_nodes_base = fresh->nodes_made;
  return used;
}

gboolean
iot_engine_first_pass (IotEngine *self, GCancellable *cancellable)
{
  return iot_engine_first_pass_upto (self, G_MAXUINT32, cancellable);
}

void
iot_engine_dissect (IotEngine *self, IotPacket *pkt, guint32 number,
                    const IotDissectOptions *options)
{
  gboolean announce;

  g_return_if_fail (number >= 1 && number <= iot_engine_n_passed (self));
  /* Once the pass is complete no writer is left: no need to announce. */
  announce = iot_engine_n_passed (self) < iot_file_n_frames (self->file);
  if (announce)
    g_atomic_int_inc (&self->readers_waiting);
  g_rw_lock_reader_lock (&self->lock);
  if (announce)
    g_atomic_int_dec_and_test (&self->readers_waiting);
  run_dissection (self, pkt, number, FALSE, options);
  g_rw_lock_reader_unlock (&self->lock);
}

gboolean
iot_engine_index_streams (IotEngine *self)
{
  if (self->stream_index != NULL)
    return TRUE;
  if (iot_engine_n_passed (self) > 0)
    return FALSE;
  self->stream_index = iot_stream_index_new ();
  self->pass_options.flags |= IOT_DISSECT_TAP (IOT_TAP_CONV);
  return TRUE;
}

struct _IotStreamIndex *
iot_engine_stream_index (IotEngine *self)
{
  return self->stream_index;
}

GArray *
iot_engine_stream_frames (IotEngine *self, guint8 layer, guint32 stream, gboolean quoting)
{
  GArray *frames;

  if (self->stream_index == NULL)
    return NULL;

  /* Announced as a dissection is: the pass gives way between frames. */
  g_atomic_int_inc (&self->readers_waiting);
  g_rw_lock_reader_lock (&self->lock);
  g_atomic_int_dec_and_test (&self->readers_waiting);
  frames = iot_stream_index_frames (self->stream_index, layer, stream, quoting);
  g_rw_lock_reader_unlock (&self->lock);
  return frames;
}

/* ---- field sets ---------------------------------------------------------- */

IotFieldSet *
iot_field_set_new (void)
{
  IotFieldSet *set = g_new0 (IotFieldSet, 1);

  iot_registry_init ();
  set->n_bits = iot_registry_n_fields ();
  set->bits = g_new0 (guint8, (set->n_bits + 7) / 8);
  return set;
}

void
iot_field_set_free (IotFieldSet *set)
{
  if (set == NULL)
    return;
  g_free (set->bits);
  g_free (set->skip);
  g_free (set);
}

void
iot_field_set_add (IotFieldSet *set, const IotField *field)
{
  g_return_if_fail (field->id >= 0 && (guint) field->id < set->n_bits);
  set->bits[field->id / 8] |= 1u << (field->id % 8);
  g_clear_pointer (&set->skip, g_free);
  set->skip_ready = FALSE;
}

void
iot_field_set_add_each (IotFieldSet *set, const IotField *const *fields, guint n)
{
  for (guint i = 0; i < n; i++)
    if (fields[i] != NULL)
      iot_field_set_add (set, fields[i]);
}

gboolean
iot_field_set_contains (const IotFieldSet *set, const IotField *field)
{
  guint id = (guint) field->id;

  return id < set->n_bits && (set->bits[id / 8] & (1u << (id % 8))) != 0;
}
