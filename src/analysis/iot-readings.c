/* iot-readings.c — series of the numeric readings payloads carry. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "iot-readings.h"
#include "iot-analysis-test.h"

struct _IotReadings {
  GHashTable *names;      /* interned strings: each device, series, name and unit once */
  GHashTable *by_key;     /* "device\x1fseries\x1fname" → IotReadingSeries * */
  GPtrArray  *series;     /* IotReadingSeries *, sorted by iot_readings_finish() */
  GString    *key;        /* scratch */
  gint64      start_ns;
  gboolean    started;
  IotFilter  *filter;     /* frames kept; NULL: all (not owned) */
};

static void
series_free (gpointer data)
{
  IotReadingSeries *s = data;

  g_array_unref (s->points);
  g_free (s);
}

IotReadings *
iot_readings_new (void)
{
  IotReadings *self = g_new0 (IotReadings, 1);

  self->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->series = g_ptr_array_new_with_free_func (series_free);
  self->key = g_string_new (NULL);
  return self;
}

void
iot_readings_free (IotReadings *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->by_key);
  g_ptr_array_unref (self->series);
  g_hash_table_unref (self->names);
  g_string_free (self->key, TRUE);
  g_free (self);
}

/* The collector's one copy of @s. */
static const char *
intern (IotReadings *self, const char *s)
{
  char *found;

  if (s == NULL)
    return NULL;
  found = g_hash_table_lookup (self->names, s);
  if (found == NULL)
    {
      found = g_strdup (s);
      g_hash_table_add (self->names, found);
    }
  return found;
}

static IotReadingSeries *
lookup_series (IotReadings *self, const char *device, const char *series, const char *name)
{
  IotReadingSeries *s;

  g_string_printf (self->key, "%s\x1f%s\x1f%s", device, series, name);
  s = g_hash_table_lookup (self->by_key, self->key->str);
  if (s != NULL)
    return s;
  s = g_new0 (IotReadingSeries, 1);
  s->device = intern (self, device);
  s->series = intern (self, series);
  s->name = intern (self, name);
  s->points = g_array_new (FALSE, FALSE, sizeof (IotReadingPoint));
  g_hash_table_insert (self->by_key, g_strdup (self->key->str), s);
  g_ptr_array_add (self->series, s);
  return s;
}

static void
add_point (IotReadingSeries *s, const IotReadingPoint *point)
{
  if (s->count == 0 || point->value < s->min)
    s->min = point->value;
  if (s->count == 0 || point->value > s->max)
    s->max = point->value;
  if (s->count == 0)
    s->first_ns = point->time_ns;
  s->last = point->value;
  s->last_ns = point->time_ns;
  s->count++;
  g_array_append_val (s->points, *point);
}

void
iot_readings_add_packet (IotReadings *self, IotPacket *pkt)
{
  guint n = iot_packet_n_readings (pkt);
  char source[256] = "";

  if (!self->started)
    {
      self->start_ns = iot_packet_time_ns (pkt);
      self->started = TRUE;
    }
  for (guint i = 0; i < n; i++)
    {
      const IotReading *r = iot_packet_reading (pkt, i);
      IotReadingPoint point = { r->time_ns != 0 ? r->time_ns : iot_packet_time_ns (pkt), r->value,
                                iot_packet_frame_number (pkt) };
      IotReadingSeries *s;

      /* A reading without a device is the sender's: the frame's source. */
      if (r->device == NULL && source[0] == '\0')
        iot_packet_format_src (pkt, source, sizeof source);
      s = lookup_series (self, r->device != NULL ? r->device : source, r->series != NULL ? r->series : "",
                         r->name != NULL ? r->name : "");
      if (r->unit != NULL)
        s->unit = intern (self, r->unit);
      add_point (s, &point);
    }
}

static int
compare_series (gconstpointer a, gconstpointer b)
{
  const IotReadingSeries *x = *(const IotReadingSeries *const *) a;
  const IotReadingSeries *y = *(const IotReadingSeries *const *) b;
  int c = strcmp (x->device, y->device);

  if (c == 0)
    c = strcmp (x->series, y->series);
  if (c == 0)
    c = strcmp (x->name, y->name);
  return c;
}

void
iot_readings_finish (IotReadings *self)
{
  g_ptr_array_sort (self->series, compare_series);
}

void
iot_readings_set_filter (IotReadings *self, IotFilter *filter)
{
  self->filter = filter;
}

static void
listener_add_wanted (gpointer data, IotFieldSet *wanted, IotDissectFlags *flags)
{
  IotReadings *self = data;

  *flags |= IOT_DISSECT_READINGS;
  if (self->filter != NULL)
    iot_filter_add_fields (self->filter, wanted);
}

static void
listener_frame (gpointer data, IotPacket *pkt)
{
  IotReadings *self = data;

  if (!self->started)
    {
      self->start_ns = iot_packet_time_ns (pkt);
      self->started = TRUE;
    }
  if (self->filter == NULL || iot_filter_matches (self->filter, pkt))
    iot_readings_add_packet (self, pkt);
}

static void
listener_finish (gpointer data)
{
  iot_readings_finish (data);
}

const IotScanListener iot_readings_listener = {
  .add_wanted = listener_add_wanted,
  .frame = listener_frame,
  .finish = listener_finish,
};

IotReadings *
iot_readings_collect (IotEngine *engine, IotFilter *filter, GCancellable *cancellable,
                      IotReadingsProgress progress, gpointer user_data, GError **error)
{
  g_autoptr (IotReadings) self = iot_readings_new ();
  g_autoptr (IotScan) scan = iot_scan_new (engine);

  iot_readings_set_filter (self, filter);
  iot_scan_add_listener (scan, &iot_readings_listener, self, NULL);
  if (!iot_scan_run (scan, cancellable, progress, user_data, error))
    return NULL;
  return g_steal_pointer (&self);
}

guint
iot_readings_n_series (IotReadings *self)
{
  return self->series->len;
}

const IotReadingSeries *
iot_readings_series (IotReadings *self, guint index)
{
  g_return_val_if_fail (index < self->series->len, NULL);
  return g_ptr_array_index (self->series, index);
}

const IotReadingSeries *
iot_readings_find (IotReadings *self, const char *device, const char *series, const char *name)
{
  g_string_printf (self->key, "%s\x1f%s\x1f%s", device, series, name);
  return g_hash_table_lookup (self->by_key, self->key->str);
}

gint64
iot_readings_start_ns (IotReadings *self)
{
  return self->start_ns;
}

char *
iot_readings_format_value (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  double magnitude = fabs (value);
  /* Plain decimals where they stay short, as a person writes readings. */
  gboolean plain = magnitude == 0 || (magnitude >= 1e-4 && magnitude < 1e15);

  /* The fewest digits that read back as the same double. */
  for (int digits = plain ? 0 : 1; digits <= 17; digits++)
    {
      g_snprintf (buf, sizeof buf, plain ? "%.*f" : "%.*g", digits, value);
      /* printf follows the locale's decimal separator; readings never do. */
      for (char *p = buf; *p != '\0'; p++)
        if (*p == ',')
          *p = '.';
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }
  return g_strdup (buf);
}

/* ---- -z readings ------------------------------------------------------------------ */

static char *
format_rel (IotReadings *self, gint64 ns)
{
  return g_strdup_printf ("%.6f", (double) (ns - self->start_ns) / 1e9);
}

#define N_COLUMNS 10

static void
append_row (GString *out, char *const cells[N_COLUMNS], const guint widths[N_COLUMNS])
{
  for (guint c = 0; c < N_COLUMNS; c++)
    {
      guint len = (guint) g_utf8_strlen (cells[c], -1);

      /* Text left, numbers right. */
      if (c >= 4)
        for (guint pad = len; pad < widths[c]; pad++)
          g_string_append_c (out, ' ');
      g_string_append (out, cells[c]);
      if (c + 1 < N_COLUMNS)
        {
          if (c < 4)
            for (guint pad = len; pad < widths[c]; pad++)
              g_string_append_c (out, ' ');
          g_string_append (out, "  ");
        }
    }
  g_string_append_c (out, '\n');
}

void
iot_readings_print (IotReadings *self, const char *filter, GString *out)
{
  static const char *const heads[N_COLUMNS] = {
    "Device", "Series", "Name", "Unit", "Count", "Min", "Max", "Last", "First (s)", "Latest (s)",
  };
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  guint widths[N_COLUMNS];

  for (guint c = 0; c < N_COLUMNS; c++)
    widths[c] = (guint) strlen (heads[c]);
  for (guint i = 0; i < self->series->len; i++)
    {
      const IotReadingSeries *s = g_ptr_array_index (self->series, i);
      char **cells = g_new0 (char *, N_COLUMNS + 1);

      cells[0] = g_strdup (s->device);
      cells[1] = g_strdup (*s->series != '\0' ? s->series : "-");
      cells[2] = g_strdup (s->name);
      cells[3] = g_strdup (s->unit != NULL ? s->unit : "-");
      cells[4] = g_strdup_printf ("%u", s->count);
      cells[5] = iot_readings_format_value (s->min);
      cells[6] = iot_readings_format_value (s->max);
      cells[7] = iot_readings_format_value (s->last);
      cells[8] = format_rel (self, s->first_ns);
      cells[9] = format_rel (self, s->last_ns);
      for (guint c = 0; c < N_COLUMNS; c++)
        widths[c] = MAX (widths[c], (guint) g_utf8_strlen (cells[c], -1));
      g_ptr_array_add (rows, cells);
    }
  g_string_append (out, "===================================================================\n");
  g_string_append (out, "Readings (numeric values payloads carried, per device, series and name)\n");
  if (filter != NULL)
    g_string_append_printf (out, "Filter: %s\n", filter);
  g_string_append_printf (out, "Series: %u\n", self->series->len);
  append_row (out, (char *const *) heads, widths);
  for (guint i = 0; i < rows->len; i++)
    append_row (out, g_ptr_array_index (rows, i), widths);
  g_string_append (out, "===================================================================\n");
}

static void
add_value (JsonBuilder *builder, const char *member, double value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_double_value (builder, value);
}

void
iot_readings_to_json (IotReadings *self, JsonBuilder *builder)
{
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->series->len; i++)
    {
      const IotReadingSeries *s = g_ptr_array_index (self->series, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "device");
      json_builder_add_string_value (builder, s->device);
      json_builder_set_member_name (builder, "series");
      json_builder_add_string_value (builder, s->series);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, s->name);
      json_builder_set_member_name (builder, "unit");
      if (s->unit != NULL)
        json_builder_add_string_value (builder, s->unit);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "count");
      json_builder_add_int_value (builder, s->count);
      add_value (builder, "min", s->min);
      add_value (builder, "max", s->max);
      add_value (builder, "last", s->last);
      add_value (builder, "first_time", (double) (s->first_ns - self->start_ns) / 1e9);
      add_value (builder, "last_time", (double) (s->last_ns - self->start_ns) / 1e9);
      /* Points as [frame, seconds since the first frame, value]. */
      json_builder_set_member_name (builder, "points");
      json_builder_begin_array (builder);
      for (guint p = 0; p < s->points->len; p++)
        {
          const IotReadingPoint *pt = &g_array_index (s->points, IotReadingPoint, p);

          json_builder_begin_array (builder);
          json_builder_add_int_value (builder, pt->frame);
          json_builder_add_double_value (builder, (double) (pt->time_ns - self->start_ns) / 1e9);
          json_builder_add_double_value (builder, pt->value);
          json_builder_end_array (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}
