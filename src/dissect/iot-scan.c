/* iot-scan.c — one walk over frames, many listeners (see iot-scan.h). */
#include "iot-scan.h"

#include "iot-core-private.h"
#include "iot-resolve.h"

/* The first pass's listeners on a thread of their own: the pass hands
 * over its packets (records, rows and all, see
 * iot_engine_swap_first_pass_packet) a batch at a time, in frame order,
 * and takes back the batches the listeners are done with.  The packets
 * rotate: each frame's packet goes into the batch, the slot's older
 * packet back to the pass.  A few batches bound the memory and how far
 * the listeners may fall behind. */
#define BATCH_FRAMES 64
#define N_BATCHES    3

typedef struct {
  IotPacket *packets[BATCH_FRAMES];
  guint      n;
  gboolean   last;     /* the end of the pass: the thread ends after it */
} Batch;

typedef struct {
  GThread     *thread;
  GAsyncQueue *full;    /* Batch: from the pass to the listeners */
  GAsyncQueue *empty;   /* Batch: back to the pass */
  Batch       *filling;
  Batch        batches[N_BATCHES];
} Relay;

typedef struct {
  const IotScanListener *listener;
  gpointer               self;
  IotFilter             *filter;
  /* A listener with add_wanted_matched and a filter: what its own second
   * dissection of the frames the filter keeps builds, and into what. */
  IotFieldSet           *matched_fields;
  IotDissectFlags        matched_flags;
  IotPacket             *matched_pkt;
} Entry;

struct _IotScan {
  IotEngine *engine;
  GArray    *entries;     /* Entry */
  GArray    *numbers;     /* guint32; NULL: a range of frames */
  guint32    first;       /* the range, when last != 0 */
  guint32    last;        /* 0: every frame the first pass covered */
  IotFilter *displayed;   /* frames passing it are displayed; may be NULL */
  IotFieldSet *pass_fields;   /* what the first pass builds for the listeners; NULL: nothing */
  gboolean   range_displayed;
  gboolean   stopped;
  gboolean   first_pass_thread;   /* iot_scan_set_first_pass_thread */
  Relay     *relay;               /* attached to the first pass, on a thread */
};

/* Cancellation and progress are looked at once per this many frames. */
#define CHECK_EVERY 4096u

static void
entry_clear (gpointer data)
{
  Entry *e = data;

  g_clear_pointer (&e->matched_fields, iot_field_set_free);
  g_clear_pointer (&e->matched_pkt, iot_packet_free);
}

IotScan *
iot_scan_new (IotEngine *engine)
{
  IotScan *scan = g_new0 (IotScan, 1);

  scan->engine = engine;
  scan->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_array_set_clear_func (scan->entries, entry_clear);
  return scan;
}

static void relay_free (Relay *relay);

void
iot_scan_free (IotScan *scan)
{
  if (scan == NULL)
    return;
  g_clear_pointer (&scan->relay, relay_free);
  g_array_unref (scan->entries);
  g_clear_pointer (&scan->pass_fields, iot_field_set_free);
  if (scan->numbers != NULL)
    g_array_unref (scan->numbers);
  g_free (scan);
}

void
iot_scan_add_listener (IotScan *scan, const IotScanListener *listener, gpointer self, IotFilter *filter)
{
  Entry entry = { listener, self, filter };

  g_return_if_fail (listener != NULL && listener->frame != NULL);
  g_array_append_val (scan->entries, entry);
}

guint
iot_scan_n_listeners (IotScan *scan)
{
  return scan->entries->len;
}

void
iot_scan_set_frames (IotScan *scan, const guint32 *numbers, guint n)
{
  if (scan->numbers != NULL)
    g_array_unref (scan->numbers);
  scan->numbers = g_array_sized_new (FALSE, FALSE, sizeof (guint32), n);
  g_array_append_vals (scan->numbers, numbers, n);
  scan->last = 0;
}

void
iot_scan_set_range (IotScan *scan, guint32 first, guint32 last)
{
  g_return_if_fail (first >= 1 && first <= last);
  g_clear_pointer (&scan->numbers, g_array_unref);
  scan->first = first;
  scan->last = last;
}

void
iot_scan_set_displayed_filter (IotScan *scan, IotFilter *filter)
{
  scan->displayed = filter;
}

void
iot_scan_set_range_displayed (IotScan *scan, gboolean displayed)
{
  scan->range_displayed = displayed;
}

void
iot_scan_stop (IotScan *scan)
{
  scan->stopped = TRUE;
}

gboolean
iot_scan_stopped (IotScan *scan)
{
  return scan->stopped;
}

/* A listener that wants more on its filter's frames than on the others
 * gets a dissection of its own for them. */
static gboolean
wants_own_dissection (const Entry *e)
{
  return e->listener->add_wanted_matched != NULL && e->filter != NULL;
}

static void
prepare_own_dissection (Entry *e)
{
  g_clear_pointer (&e->matched_fields, iot_field_set_free);
  e->matched_fields = iot_field_set_new ();
  e->matched_flags = 0;
  if (e->listener->add_wanted != NULL)
    e->listener->add_wanted (e->self, e->matched_fields, &e->matched_flags);
  e->listener->add_wanted_matched (e->self, e->matched_fields, &e->matched_flags);
  if (e->matched_pkt == NULL)
    e->matched_pkt = iot_packet_new ();
}

void
iot_scan_add_wanted (IotScan *scan, IotFieldSet *wanted, IotDissectFlags *flags)
{
  scan->stopped = FALSE;
  for (guint i = 0; i < scan->entries->len; i++)
    {
      Entry *e = &g_array_index (scan->entries, Entry, i);

      if (wants_own_dissection (e))
        {
          /* The shared dissection only has to decide the filter. */
          prepare_own_dissection (e);
          iot_filter_add_fields (e->filter, wanted);
          continue;
        }
      if (e->listener->add_wanted != NULL)
        e->listener->add_wanted (e->self, wanted, flags);
      if (e->listener->add_wanted_matched != NULL)
        e->listener->add_wanted_matched (e->self, wanted, flags);
      if (e->filter != NULL)
        iot_filter_add_fields (e->filter, wanted);
    }
  if (scan->displayed != NULL)
    iot_filter_add_fields (scan->displayed, wanted);
}

/* The frame of @pkt again, with what @e asked for on matching frames, as
 * the caller dissected it otherwise (same displayed predecessor, time
 * reference and time column). */
static IotPacket *
dissect_for (IotScan *scan, Entry *e, IotPacket *pkt)
{
  IotDissectOptions options = {
    .flags = e->matched_flags,
    .fields = e->matched_fields,
    .prev_displayed = pkt->prev_displayed,
    .time_ref = pkt->time_ref,
    .time_column = pkt->time_column,
  };

  iot_engine_dissect (scan->engine, e->matched_pkt, pkt->number, &options);
  return e->matched_pkt;
}

void
iot_scan_feed (IotScan *scan, IotPacket *pkt)
{
  /* Stopped during a frame, the walk still hands that frame to every
   * listener: each sees the same frames. */
  if (scan->stopped)
    return;
  for (guint i = 0; i < scan->entries->len; i++)
    {
      Entry *e = &g_array_index (scan->entries, Entry, i);

      if (e->filter != NULL && !iot_filter_matches (e->filter, pkt))
        continue;
      if (e->matched_fields != NULL && wants_own_dissection (e))
        e->listener->frame (e->self, dissect_for (scan, e, pkt));
      else
        e->listener->frame (e->self, pkt);
    }
}

static void relay_drain (IotScan *scan);

void
iot_scan_finish (IotScan *scan)
{
  /* The listeners' thread has heard every frame. */
  if (scan->relay != NULL)
    relay_drain (scan);
  for (guint i = 0; i < scan->entries->len; i++)
    {
      const Entry *e = &g_array_index (scan->entries, Entry, i);

      if (e->listener->finish != NULL)
        e->listener->finish (e->self);
    }
}

/* Whether no listener asked for any field. */
static gboolean
field_set_empty (const IotFieldSet *set)
{
  for (guint i = 0; i < (set->n_bits + 7) / 8; i++)
    if (set->bits[i] != 0)
      return FALSE;
  return TRUE;
}

static void
first_pass_frame (IotPacket *pkt, gpointer user_data)
{
  iot_scan_feed (user_data, pkt);
}

/* ---- the listeners on a thread of their own ------------------------------ */

static gpointer
relay_thread (gpointer data)
{
  IotScan *scan = data;
  Relay *relay = scan->relay;

  for (;;)
    {
      Batch *batch = g_async_queue_pop (relay->full);
      gboolean last = batch->last;

      for (guint i = 0; i < batch->n; i++)
        iot_scan_feed (scan, batch->packets[i]);
      batch->n = 0;
      g_async_queue_push (relay->empty, batch);
      if (last)
        return NULL;
    }
}

static void
relay_hand_over (Relay *relay, gboolean last)
{
  relay->filling->last = last;
  g_async_queue_push (relay->full, relay->filling);
  relay->filling = last ? NULL : g_async_queue_pop (relay->empty);
}

/* On the pass's thread, with the frame just passed. */
static void
first_pass_frame_relayed (IotPacket *pkt, gpointer user_data)
{
  IotScan *scan = user_data;
  Relay *relay = scan->relay;
  Batch *batch = relay->filling;
  IotPacket **slot = &batch->packets[batch->n++];

  if (*slot == NULL)
    *slot = iot_packet_new ();
  *slot = iot_engine_swap_first_pass_packet (scan->engine, *slot);
  g_assert (*slot == pkt);
  if (batch->n == BATCH_FRAMES)
    relay_hand_over (relay, FALSE);
}

/* The scan's relay, its thread started. */
static void
relay_start (IotScan *scan)
{
  Relay *relay = g_new0 (Relay, 1);

  relay->full = g_async_queue_new ();
  relay->empty = g_async_queue_new ();
  for (guint i = 1; i < N_BATCHES; i++)
    g_async_queue_push (relay->empty, &relay->batches[i]);
  relay->filling = &relay->batches[0];
  scan->relay = relay;
  relay->thread = g_thread_new ("iot-scan-listeners", relay_thread, scan);
}

/* The frames still in the batch being filled, then the end; waits for
 * the thread to have heard them all. */
static void
relay_drain (IotScan *scan)
{
  Relay *relay = scan->relay;

  if (relay->thread == NULL)
    return;
  relay_hand_over (relay, TRUE);
  g_thread_join (g_steal_pointer (&relay->thread));
}

static void
relay_free (Relay *relay)
{
  if (relay->thread != NULL)
    {
      relay_hand_over (relay, TRUE);
      g_thread_join (relay->thread);
    }
  for (guint i = 0; i < N_BATCHES; i++)
    for (guint j = 0; j < BATCH_FRAMES; j++)
      g_clear_pointer (&relay->batches[i].packets[j], iot_packet_free);
  g_async_queue_unref (relay->full);
  g_async_queue_unref (relay->empty);
  g_free (relay);
}

gboolean
iot_scan_first_pass_relayed (IotScan *scan)
{
  return scan->relay != NULL;
}

void
iot_scan_set_first_pass_thread (IotScan *scan, gboolean threaded)
{
  scan->first_pass_thread = threaded;
}

/* Whether a listener on another thread hears what it would on the pass's:
 * -N nd names addresses from the DNS answers of the frames passed so far,
 * which a thread behind the pass would see more of. */
static gboolean
relay_safe (void)
{
  IotResolveFlags flags = iot_resolve_get_flags ();

  return !((flags & IOT_RESOLVE_NETWORK) && (flags & IOT_RESOLVE_DNS_PACKETS));
}

gboolean
iot_scan_attach_first_pass (IotScan *scan)
{
  g_autoptr (IotFieldSet) wanted = iot_field_set_new ();
  IotDissectFlags flags = 0;

  if (scan->numbers != NULL)
    return FALSE;
  for (guint i = 0; i < scan->entries->len; i++)
    if (g_array_index (scan->entries, Entry, i).filter != NULL)
      return FALSE;
  for (guint i = 0; i < scan->entries->len; i++)
    {
      const Entry *e = &g_array_index (scan->entries, Entry, i);
      g_autoptr (IotFieldSet) own = iot_field_set_new ();
      IotDissectFlags own_flags = 0;

      if (e->listener->add_wanted != NULL)
        e->listener->add_wanted (e->self, own, &own_flags);
      if (!field_set_empty (own) && !e->listener->fields_in_first_pass)
        return FALSE;
    }
  iot_scan_add_wanted (scan, wanted, &flags);
  if ((flags & ~IOT_DISSECT_TAPS) != 0)
    return FALSE;
  /* The first pass leaves out expert items that cost a formatted string
   * (TCP's flag items …): their records need a dissection of their own. */
  if (flags & IOT_DISSECT_TAP (IOT_TAP_EXPERT))
    return FALSE;
  /* Nor does it make the rows of rebuilt TCP messages, or decode JSON:
   * the layers' records need a dissection of their own too. */
  if (flags & IOT_DISSECT_TAP (IOT_TAP_PROTO))
    return FALSE;
  if (!field_set_empty (wanted))
    {
      if (!iot_engine_set_first_pass_fields (scan->engine, wanted))
        return FALSE;
      g_clear_pointer (&scan->pass_fields, iot_field_set_free);
      scan->pass_fields = g_steal_pointer (&wanted);
    }
  if (scan->first_pass_thread && relay_safe ())
    {
      if (!iot_engine_set_first_pass_listener (scan->engine, flags, first_pass_frame_relayed, scan))
        return FALSE;
      relay_start (scan);
      return TRUE;
    }
  return iot_engine_set_first_pass_listener (scan->engine, flags, first_pass_frame, scan);
}

static guint32
range_length (IotScan *scan)
{
  if (scan->numbers != NULL)
    return scan->numbers->len;
  return scan->last != 0 ? scan->last - scan->first + 1 : iot_engine_n_passed (scan->engine);
}

static guint32
range_frame (IotScan *scan, guint32 index)
{
  if (scan->numbers != NULL)
    return g_array_index (scan->numbers, guint32, index);
  return scan->last != 0 ? scan->first + index : index + 1;
}

gboolean
iot_scan_run (IotScan *scan, GCancellable *cancellable, IotScanProgress progress, gpointer user_data,
              GError **error)
{
  g_autoptr (IotFieldSet) wanted = iot_field_set_new ();
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  IotDissectOptions options = { 0 };
  guint32 total = range_length (scan), number;

  iot_scan_add_wanted (scan, wanted, &options.flags);
  /* Only flags asked for (columns, tap records ...): the engine's quicker
   * path for flags alone; tap records alone need no node.  (No flags and no
   * fields would be the first pass's state-only dissection, which is not
   * what a listener wants.) */
  options.fields = options.flags != 0 && field_set_empty (wanted) ? NULL : wanted;
  for (guint32 i = 0; i < total && !scan->stopped; i++)
    {
      if (i % CHECK_EVERY == 0)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
          if (progress != NULL)
            progress (i, total, user_data);
        }
      number = range_frame (scan, i);
      if (scan->displayed == NULL && scan->range_displayed)
        options.prev_displayed = i > 0 ? range_frame (scan, i - 1) : 0;
      iot_engine_dissect (scan->engine, pkt, number, &options);
      iot_scan_feed (scan, pkt);
      if (scan->displayed != NULL && iot_filter_matches (scan->displayed, pkt))
        options.prev_displayed = number;
    }
  if (progress != NULL)
    progress (total, total, user_data);
  iot_scan_finish (scan);
  return TRUE;
}
