/* iot-scan.c — one walk over frames, many listeners (see iot-scan.h). */
#include "iot-scan.h"

typedef struct {
  const IotScanListener *listener;
  gpointer               self;
  IotFilter             *filter;
} Entry;

struct _IotScan {
  IotEngine *engine;
  GArray    *entries;     /* Entry */
  GArray    *numbers;     /* guint32; NULL: a range of frames */
  guint32    first;       /* the range, when last != 0 */
  guint32    last;        /* 0: every frame the first pass covered */
  IotFilter *displayed;   /* frames passing it are displayed; may be NULL */
};

/* Cancellation and progress are looked at once per this many frames. */
#define CHECK_EVERY 4096u

IotScan *
iot_scan_new (IotEngine *engine)
{
  IotScan *scan = g_new0 (IotScan, 1);

  scan->engine = engine;
  scan->entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  return scan;
}

void
iot_scan_free (IotScan *scan)
{
  if (scan == NULL)
    return;
  g_array_unref (scan->entries);
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
iot_scan_add_wanted (IotScan *scan, IotFieldSet *wanted, IotDissectFlags *flags)
{
  for (guint i = 0; i < scan->entries->len; i++)
    {
      const Entry *e = &g_array_index (scan->entries, Entry, i);

      if (e->listener->add_wanted != NULL)
        e->listener->add_wanted (e->self, wanted, flags);
      if (e->filter != NULL)
        iot_filter_add_fields (e->filter, wanted);
    }
  if (scan->displayed != NULL)
    iot_filter_add_fields (scan->displayed, wanted);
}

void
iot_scan_feed (IotScan *scan, IotPacket *pkt)
{
  for (guint i = 0; i < scan->entries->len; i++)
    {
      const Entry *e = &g_array_index (scan->entries, Entry, i);

      if (e->filter == NULL || iot_filter_matches (e->filter, pkt))
        e->listener->frame (e->self, pkt);
    }
}

void
iot_scan_finish (IotScan *scan)
{
  for (guint i = 0; i < scan->entries->len; i++)
    {
      const Entry *e = &g_array_index (scan->entries, Entry, i);

      if (e->listener->finish != NULL)
        e->listener->finish (e->self);
    }
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
  options.fields = wanted;
  for (guint32 i = 0; i < total; i++)
    {
      if (i % CHECK_EVERY == 0)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;
          if (progress != NULL)
            progress (i, total, user_data);
        }
      number = range_frame (scan, i);
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
