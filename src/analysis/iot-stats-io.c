/* iot-stats-io.c — I/O intervals (-z io,stat): columns, their
 * calculations over a field, the parser of tshark's syntax and the table
 * tshark 4.0 prints.
 */
#include "iot-stats.h"
#include "iot-stats-private.h"

#include <math.h>
#include <string.h>

#define NS_PER_SEC G_GINT64_CONSTANT (1000000000)
#define US_PER_SEC G_GUINT64_CONSTANT (1000000)

/* ---- I/O statistics ------------------------------------------------------------------------ */

typedef struct {
  IotIoCalc       calc;
  const IotField *field;
  IotFilter      *filter;
  char           *text;       /* heading; NULL = "Frames and bytes" */
  GArray         *items;      /* IotIoItem per interval */
  guint64         max_value;  /* widest value, for the column width */
  guint32         max_frames;
} IoColumn;

struct _IotIoStat {
  guint64    interval;        /* µs; G_MAXUINT64 = the whole capture */
  guint      precision;
  GPtrArray *columns;
  gint64     duration_ns;
  guint64    last_rel_us;
};

static void
io_column_free (gpointer data)
{
  IoColumn *col = data;

  iot_filter_free (col->filter);
  g_free (col->text);
  g_array_unref (col->items);
  g_free (col);
}

IotIoStat *
iot_io_stat_new (guint64 interval_us, guint precision)
{
  IotIoStat *io = g_new0 (IotIoStat, 1);

  io->interval = interval_us ? interval_us : G_MAXUINT64;
  io->precision = MIN (precision, 6);
  io->columns = g_ptr_array_new_with_free_func (io_column_free);
  return io;
}

void
iot_io_stat_free (IotIoStat *io)
{
  if (io == NULL)
    return;
  g_ptr_array_unref (io->columns);
  g_free (io);
}

void
iot_io_stat_add_column (IotIoStat *io, IotIoCalc calc, const IotField *field, IotFilter *filter,
                        const char *text)
{
  IoColumn *col = g_new0 (IoColumn, 1);
  IotIoItem first = { 0 };

  col->calc = calc;
  col->field = field;
  col->filter = filter;
  col->text = g_strdup (text);
  col->items = g_array_new (FALSE, TRUE, sizeof (IotIoItem));
  g_array_append_val (col->items, first);
  g_ptr_array_add (io->columns, col);
}

void
iot_io_stat_add_fields (IotIoStat *io, IotFieldSet *set)
{
  for (guint i = 0; i < io->columns->len; i++)
    {
      IoColumn *col = g_ptr_array_index (io->columns, i);

      if (col->filter)
        iot_filter_add_fields (col->filter, set);
      if (col->field)
        iot_field_set_add (set, col->field);
    }
}

static gboolean
field_is_float (const IotField *field)
{
  return field != NULL && field->type == IOT_FT_DOUBLE;
}

static gboolean
field_is_time (const IotField *field)
{
  return field != NULL && field->type == IOT_FT_RELATIVE_TIME;
}

static gboolean
field_is_signed (const IotField *field)
{
  return field != NULL && iot_field_type_is_signed (field->type);
}

/* Folds one value of @field into @item. */
static void
io_item_take (IotIoItem *item, IotIoCalc calc, const IotField *field, const IotNode *node,
              gboolean first_value)
{
  guint64 v = node->v.u;
  double d = node->v.d;

  if (field_is_float (field))
    {
      switch (calc)
        {
        case IOT_IO_SUM:
        case IOT_IO_AVG:
          item->dcounter += d;
          break;
        case IOT_IO_MIN:
          if (first_value || d < item->dcounter)
            item->dcounter = d;
          break;
        case IOT_IO_MAX:
          if (d > item->dcounter)
            item->dcounter = d;
          break;
        default:
          break;
        }
      return;
    }
  switch (calc)
    {
    case IOT_IO_SUM:
    case IOT_IO_AVG:
      item->counter += v;
      break;
    case IOT_IO_MIN:
      if (first_value || (field_is_signed (field) ? (gint64) v < (gint64) item->counter : v < item->counter))
        item->counter = v;
      break;
    case IOT_IO_MAX:
      if (field_is_signed (field) ? (gint64) v > (gint64) item->counter : v > item->counter)
        item->counter = v;
      break;
    default:
      break;
    }
}

static void
io_column_note_width (IoColumn *col, const IotIoItem *item)
{
  switch (col->calc)
    {
    case IOT_IO_FRAMES:
    case IOT_IO_FRAMES_BYTES:
      col->max_frames = MAX (col->max_frames, item->frames);
      if (col->calc == IOT_IO_FRAMES_BYTES)
        col->max_value = MAX (col->max_value, item->counter);
      break;
    case IOT_IO_BYTES:
    case IOT_IO_COUNT:
      col->max_value = MAX (col->max_value, item->counter);
      break;
    case IOT_IO_SUM:
    case IOT_IO_MIN:
    case IOT_IO_MAX:
      if (field_is_float (col->field))
        col->max_value = MAX (col->max_value, (guint64) (item->dcounter + 0.5));
      else
        col->max_value = MAX (col->max_value, item->counter);
      break;
    case IOT_IO_AVG:
      if (item->num == 0)
        break;
      if (field_is_float (col->field))
        col->max_value = MAX (col->max_value, (guint64) item->dcounter / item->num);
      else if (field_is_time (col->field))
        col->max_value = MAX (col->max_value, (item->counter / item->num + 500000000) / (guint64) NS_PER_SEC);
      else
        col->max_value = MAX (col->max_value, item->counter / item->num);
      break;
    }
}

void
iot_io_item_add_packet (IotIoItem *item, IotIoCalc calc, const IotField *field, IotPacket *pkt)
{
  item->frames++;
  switch (calc)
    {
    case IOT_IO_FRAMES:
    case IOT_IO_BYTES:
    case IOT_IO_FRAMES_BYTES:
      item->counter += iot_packet_wirelen (pkt);
      break;
    default:
      {
        const IotNode *nodes = iot_packet_nodes (pkt);
        guint n = iot_packet_n_nodes (pkt), seen = 0;

        for (guint i = 0; i < n; i++)
          {
            if (nodes[i].field != field)
              continue;
            if (calc == IOT_IO_COUNT)
              item->counter++;
            else
              {
                if (calc == IOT_IO_AVG)
                  item->num++;
                io_item_take (item, calc, field, &nodes[i], item->frames == 1 && seen == 0);
              }
            seen++;
          }
      }
      break;
    }
}

/* Nanoseconds to microseconds, rounded to the nearest. */
static guint64
ns_to_us (gint64 ns)
{
  return (guint64) (ns / NS_PER_SEC) * US_PER_SEC + (guint64) ((ns % NS_PER_SEC + 500) / 1000);
}

guint64
iot_io_stat_time_us (gint64 rel_ns, guint64 *last_us)
{
  if (rel_ns >= 0)
    *last_us = ns_to_us (rel_ns);
  return *last_us;
}

void
iot_io_stat_add_packet (IotIoStat *io, IotPacket *pkt, gint64 rel_ns)
{
  guint64 rel_us = iot_io_stat_time_us (rel_ns, &io->last_rel_us);

  for (guint c = 0; c < io->columns->len; c++)
    {
      IoColumn *col = g_ptr_array_index (io->columns, c);
      guint target = col->items->len - 1;
      IotIoItem *item;

      if (col->filter != NULL && !iot_filter_matches (col->filter, pkt))
        continue;
      /* Intervals open in order; a late frame joins the newest one. */
      if (io->interval != G_MAXUINT64 && rel_us / io->interval > target)
        target = (guint) (rel_us / io->interval);
      if (target >= col->items->len)
        g_array_set_size (col->items, target + 1);
      item = &g_array_index (col->items, IotIoItem, target);
      iot_io_item_add_packet (item, col->calc, col->field, pkt);
      io_column_note_width (col, item);
    }
}

void
iot_io_stat_set_duration (IotIoStat *io, gint64 duration_ns)
{
  io->duration_ns = MAX (duration_ns, 0);
}

guint
iot_io_stat_n_columns (IotIoStat *io)
{
  return io->columns->len;
}

guint
iot_io_stat_n_intervals (IotIoStat *io, guint column)
{
  g_return_val_if_fail (column < io->columns->len, 0);
  return ((IoColumn *) g_ptr_array_index (io->columns, column))->items->len;
}

double
iot_io_item_value (const IotIoItem *item, IotIoCalc calc, const IotField *field)
{
  guint num = item->num ? item->num : 1;

  switch (calc)
    {
    case IOT_IO_FRAMES:
      return item->frames;
    case IOT_IO_FRAMES_BYTES:
    case IOT_IO_BYTES:
    case IOT_IO_COUNT:
      return (double) item->counter;
    case IOT_IO_AVG:
      if (field_is_float (field))
        return item->dcounter / num;
      if (field_is_time (field))
        return (double) (item->counter / num) / 1e9;
      return field_is_signed (field) ? (double) ((gint64) item->counter / (gint64) num)
                                     : (double) (item->counter / num);
    default:
      if (field_is_float (field))
        return item->dcounter;
      if (field_is_time (field))
        return (double) item->counter / 1e9;
      return field_is_signed (field) ? (double) (gint64) item->counter : (double) item->counter;
    }
}

void
iot_io_stat_cell (IotIoStat *io, guint column, guint row, guint64 *frames, double *value)
{
  const IoColumn *col;
  const IotIoItem *item;

  g_return_if_fail (column < io->columns->len);
  col = g_ptr_array_index (io->columns, column);
  if (row >= col->items->len)
    {
      *frames = 0;
      *value = 0;
      return;
    }
  item = &g_array_index (col->items, IotIoItem, row);
  *frames = item->frames;
  *value = iot_io_item_value (item, col->calc, col->field);
}

static guint
magnitude (guint64 value, guint max_digits)
{
  guint digits = 0;

  for (guint i = 0; i < max_digits; i++)
    {
      digits++;
      if ((value /= 10) == 0)
        break;
    }
  return digits;
}

static const char *
calc_name (IotIoCalc calc)
{
  static const char *const names[] = {
    [IOT_IO_FRAMES_BYTES] = "FRAMES BYTES", [IOT_IO_FRAMES] = "FRAMES", [IOT_IO_BYTES] = "BYTES",
    [IOT_IO_COUNT] = "COUNT", [IOT_IO_SUM] = "SUM", [IOT_IO_MIN] = "MIN", [IOT_IO_MAX] = "MAX",
    [IOT_IO_AVG] = "AVG",
  };

  return names[calc];
}

/* A label centred in a column of @width characters (tshark's rounding). */
static void
append_centered (GString *out, const char *label, int width)
{
  static const char spaces[] = "      ";
  int label_len = (int) strlen (label);
  int len = 6 - ((width - label_len) / 2 + 1);

  if (len > 0 && len < 6)
    {
      const char *pad = &spaces[len];

      g_string_append_printf (out, "%s%s%s|", (width - label_len) % 2 == 0 ? pad : pad - 1, label, pad);
    }
  else if (len > 0 && len <= 15)
    g_string_append_printf (out, "%s|", label);
}

typedef struct {
  int frames;        /* width of the frame count, 0 if none */
  int value;         /* width of the value, 0 if none */
  int value_decimals;
} IoWidths;

static void
io_column_widths (IoColumn *col, IoWidths *w)
{
  guint64 max_value = col->max_value;

  memset (w, 0, sizeof *w);
  switch (col->calc)
    {
    case IOT_IO_FRAMES:
      w->frames = MAX (6, (int) magnitude (col->max_frames, 15));
      return;
    case IOT_IO_FRAMES_BYTES:
      w->frames = MAX (6, (int) magnitude (col->max_frames, 15));
      w->value = MAX (5, (int) magnitude (max_value, 15));
      return;
    case IOT_IO_BYTES:
    case IOT_IO_COUNT:
      w->value = MAX (5, (int) magnitude (max_value, 15));
      return;
    default:
      break;
    }
  if (field_is_float (col->field))
    {
      w->value = (int) magnitude (max_value, 15) + 7;
      w->value_decimals = 6;
    }
  else if (field_is_time (col->field))
    {
      if (col->calc != IOT_IO_AVG)
        max_value = (max_value + 500000000) / (guint64) NS_PER_SEC;
      w->value = (int) magnitude (max_value, 15) + 7;
      w->value_decimals = 6;
    }
  else
    w->value = MAX ((int) strlen (calc_name (col->calc)), (int) magnitude (max_value, 15));
}

static void
io_append_value (GString *out, IoColumn *col, const IoWidths *w, const IotIoItem *item)
{
  static const IotIoItem empty = { 0 };
  guint num;

  if (item == NULL)
    item = &empty;
  num = item->num ? item->num : 1;
  switch (col->calc)
    {
    case IOT_IO_FRAMES:
      g_string_append_printf (out, " %*u |", w->frames, item->frames);
      return;
    case IOT_IO_FRAMES_BYTES:
      g_string_append_printf (out, " %*u | %*" G_GUINT64_FORMAT " |", w->frames, item->frames, w->value,
                              item->counter);
      return;
    case IOT_IO_BYTES:
    case IOT_IO_COUNT:
      g_string_append_printf (out, " %*" G_GUINT64_FORMAT " |", w->value, item->counter);
      return;
    default:
      break;
    }
  if (field_is_float (col->field))
    {
      double d = col->calc == IOT_IO_AVG ? item->dcounter / num : item->dcounter;

      g_string_append_printf (out, " %*.6f |", w->value - 7, d);
    }
  else if (field_is_time (col->field))
    {
      guint64 us = ((col->calc == IOT_IO_AVG ? item->counter / num : item->counter) + 500) / 1000;

      g_string_append_printf (out, " %*u.%06u |", w->value - 7, (guint) (us / US_PER_SEC),
                              (guint) (us % US_PER_SEC));
    }
  else if (field_is_signed (col->field))
    {
      gint64 v = col->calc == IOT_IO_AVG ? (gint64) (item->counter / num) : (gint64) item->counter;

      g_string_append_printf (out, " %*" G_GINT64_FORMAT " |", w->value, v);
    }
  else
    g_string_append_printf (out, " %*" G_GUINT64_FORMAT " |", w->value,
                            col->calc == IOT_IO_AVG ? item->counter / num : item->counter);
}

/* Seconds with @decimals digits, the fraction cut, not rounded. */
static char *
format_seconds (gint64 ns, guint decimals)
{
  gint64 unit = 1;

  if (decimals == 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT, ns / NS_PER_SEC);
  for (guint i = decimals; i < 9; i++)
    unit *= 10;
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%0*" G_GINT64_FORMAT, ns / NS_PER_SEC, (int) decimals,
                          (ns % NS_PER_SEC) / unit);
}

static gint64
round_ns (gint64 ns, guint decimals)
{
  gint64 unit = 1;

  for (guint i = decimals; i < 9; i++)
    unit *= 10;
  return (ns + unit / 2) / unit * unit;
}

/* @ns rounded to @decimals as tshark rounds the IO statistics' duration:
 * printf of a double in seconds, so 65.350 s shows as 65.3 (65.35 is
 * 65.3499… in binary). */
static gint64
round_ns_as_double (gint64 ns, guint decimals)
{
  char text[64];

  g_snprintf (text, sizeof text, "%.*f", (int) decimals, (double) ns / NS_PER_SEC);
  return (gint64) llround (g_ascii_strtod (text, NULL) * NS_PER_SEC);
}

/* "| text      |": @text left-aligned, the closing bar at @width. */
static void
append_boxed_line (GString *out, const char *text, guint width)
{
  gsize start = out->len;

  g_string_append (out, text);
  if (out->len - start + 1 < width)
    g_string_append_printf (out, "%*s", (int) (width - (out->len - start)), "|");
  else
    g_string_append_c (out, '|');
  g_string_append_c (out, '\n');
}

static void
io_append_filters (IotIoStat *io, guint borderlen, GString *out)
{
  for (guint j = 0; j < io->columns->len; j++)
    {
      IoColumn *col = g_ptr_array_index (io->columns, j);
      g_autoptr (GString) line = g_string_new (NULL);
      const char *text = col->text;

      g_string_append_printf (line, j == 0 ? "| Col%2u: " : "|    %2u: ", j + 1);
      if (text == NULL)
        {
          g_string_append (line, "Frames and bytes");
          append_boxed_line (out, line->str, borderlen);
          continue;
        }
      /* Too wide: wrap at the last space that fits, or hard at the edge. */
      while (strlen (text) + 11 > borderlen)
        {
          gsize max_w = borderlen - 11, len;
          const char *space = g_strrstr_len (text, (gssize) max_w, " ");
          gsize next;

          len = space ? (gsize) (space - text) : max_w;
          next = space ? len + 1 : len;
          g_string_append_len (line, text, (gssize) len);
          append_boxed_line (out, line->str, borderlen);
          g_string_assign (line, "|        ");
          text += next;
        }
      g_string_append (line, text);
      append_boxed_line (out, line->str, borderlen);
    }
}

void
iot_io_stat_print (IotIoStat *io, GString *out)
{
  guint64 duration, interval, dv, t = 0;
  guint dur_mag, invl_mag, prec, invl_col_w, tabrow_w, borderlen, maxfltr_w = 0, num_rows, header_mag;
  gboolean whole;
  g_autofree IoWidths *widths = g_new0 (IoWidths, MAX (io->columns->len, 1));
  g_autofree char *dur_text = NULL, *invl_text = NULL;
  g_autoptr (GString) line = g_string_new (NULL);
  gint64 elapsed = io->duration_ns;

  duration = ns_to_us (elapsed);
  whole = io->interval == G_MAXUINT64 || io->interval > duration;
  interval = whole ? duration : io->interval;
  dur_mag = magnitude (duration / US_PER_SEC, 5);
  invl_mag = magnitude (interval / US_PER_SEC, 5);
  if (interval == duration)
    {
      /* One interval for everything: decimals by how long the capture is. */
      prec = dur_mag >= 2 ? 1 : dur_mag == 1 ? 3 : 6;
      borderlen = 30 + dur_mag + (prec ? prec + 1 : 0);
    }
  else
    {
      prec = io->precision;
      borderlen = 25 + MAX (invl_mag, dur_mag) + (prec ? prec + 1 : 0);
    }
  dv = US_PER_SEC;
  for (guint i = 0; i < prec; i++)
    dv /= 10;
  if (duration % dv > 5 * (dv / 10))
    {
      duration = (duration + 5 * (dv / 10)) / dv * dv;
      dur_mag = magnitude (duration / US_PER_SEC, 5);
    }
  if (whole)
    interval = duration;
  invl_col_w = prec == 0 ? 2 * dur_mag + 8 : 2 * dur_mag + 2 * prec + 10;
  invl_col_w = MAX (invl_col_w, 12);

  tabrow_w = invl_col_w;
  for (guint j = 0; j < io->columns->len; j++)
    {
      IoWidths *w = &widths[j];

      io_column_widths (g_ptr_array_index (io->columns, j), w);
      tabrow_w += (w->frames ? w->frames + 3 : 0) + (w->value ? w->value + 3 : 0);
    }
  borderlen = MAX (borderlen, tabrow_w);
  for (guint j = 0; j < io->columns->len; j++)
    {
      IoColumn *col = g_ptr_array_index (io->columns, j);

      maxfltr_w = MAX (maxfltr_w, col->text ? (guint) strlen (col->text) + 11 : 26);
    }
  if (maxfltr_w > borderlen && borderlen < 102)
    borderlen = MIN (maxfltr_w, 102);
  if (borderlen - tabrow_w == 1)
    borderlen++;

  /* Title box. */
  g_string_append_c (out, '\n');
  for (guint i = 0; i < borderlen; i++)
    g_string_append_c (out, '=');
  g_string_append_printf (out, "\n|%-*s|\n", borderlen - 2, " IO Statistics");
  g_string_append_printf (out, "|%-*s|\n", borderlen - 2, "");
  header_mag = magnitude ((guint64) (elapsed / NS_PER_SEC), 5);
  if (prec == 0)
    {
      /* tshark 4.0 pads these microseconds with spaces ("1. 63056"). */
      gint64 rounded = round_ns (elapsed, 6);

      dur_text = g_strdup_printf ("%" G_GINT64_FORMAT ".%6d", rounded / NS_PER_SEC,
                                  (int) (rounded % NS_PER_SEC / 1000));
    }
  else
    dur_text = format_seconds (round_ns_as_double (elapsed, prec), prec);
  invl_text = format_seconds ((gint64) interval * 1000, prec);
  g_string_printf (line, "| Duration: %*s secs", (int) (header_mag + (prec ? prec + 1 : 0)), dur_text);
  append_boxed_line (out, line->str, borderlen);
  g_string_printf (line, "| Interval: %*s secs", (int) (header_mag + (prec ? prec + 1 : 0)), invl_text);
  append_boxed_line (out, line->str, borderlen);
  g_string_append_printf (out, "|%-*s|\n", borderlen - 2, "");
  io_append_filters (io, borderlen, out);
  g_string_append (out, "|-");
  for (guint i = 0; i + 3 < borderlen; i++)
    g_string_append_c (out, '-');
  g_string_append (out, "|\n");

  /* Column headings. */
  g_string_append_printf (out, "|%*s", (int) invl_col_w - 1, "|");
  for (guint j = 0; j < io->columns->len; j++)
    {
      const IoWidths *w = &widths[j];
      int pad = w->frames && w->value ? w->frames + w->value + 3 : w->frames ? w->frames : w->value;

      g_string_append_printf (out, "%-2u%*s|", j + 1, pad, "");
    }
  if (tabrow_w < borderlen)
    g_string_append_printf (out, "%*s", (int) (borderlen - tabrow_w), "|");
  g_string_append_printf (out, "\n| Interval%*s", (int) invl_col_w - 10, "|");
  for (guint j = 0; j < io->columns->len; j++)
    {
      IoColumn *col = g_ptr_array_index (io->columns, j);
      const IoWidths *w = &widths[j];

      if (col->calc == IOT_IO_FRAMES_BYTES)
        {
          append_centered (out, "Frames", w->frames);
          append_centered (out, "Bytes", w->value);
        }
      else
        append_centered (out, calc_name (col->calc), w->frames ? w->frames : w->value);
    }
  if (tabrow_w < borderlen)
    g_string_append_printf (out, "%*s", (int) (borderlen - tabrow_w), "|");
  g_string_append (out, "\n|-");
  for (guint i = 0; i + 3 < tabrow_w; i++)
    g_string_append_c (out, '-');
  g_string_append_c (out, '|');
  if (tabrow_w < borderlen)
    g_string_append_printf (out, "%*s", (int) (borderlen - tabrow_w), "|");
  g_string_append_c (out, '\n');

  /* One row per interval. */
  num_rows = interval == 0 || duration == 0 ? 0 : (guint) (duration / interval) + (duration % interval > 0);
  for (guint row = 0; row < num_rows; row++)
    {
      gboolean last = row == num_rows - 1;
      guint64 end = last ? duration : t + interval;

      if (prec == 0)
        {
          const char *pad = dur_mag == 1 ? " " : "";

          if (last)
            g_string_append_printf (out, "| %s%*u <> %-*s|", pad, (int) dur_mag, (guint) (t / US_PER_SEC),
                                    dur_mag >= 3 ? (int) dur_mag + 1 : 3, "Dur");
          else
            g_string_append_printf (out, "| %s%*u <> %*u %s|", pad, (int) dur_mag, (guint) (t / US_PER_SEC),
                                    (int) dur_mag, (guint) (end / US_PER_SEC), pad);
        }
      else
        g_string_append_printf (out, "| %*u.%0*u <> %*u.%0*u |", (int) dur_mag, (guint) (t / US_PER_SEC),
                                (int) prec, (guint) (t % US_PER_SEC / dv), (int) dur_mag,
                                (guint) (end / US_PER_SEC), (int) prec, (guint) (end % US_PER_SEC / dv));
      for (guint j = 0; j < io->columns->len; j++)
        {
          IoColumn *col = g_ptr_array_index (io->columns, j);

          io_append_value (out, col, &widths[j],
                           row < col->items->len ? &g_array_index (col->items, IotIoItem, row) : NULL);
        }
      if (tabrow_w < borderlen)
        g_string_append_printf (out, "%*s", (int) (borderlen - tabrow_w), "|");
      g_string_append_c (out, '\n');
      t += interval;
    }
  for (guint i = 0; i < borderlen; i++)
    g_string_append_c (out, '=');
  g_string_append_c (out, '\n');
}

static const struct {
  const char *name;
  IotIoCalc   calc;
} io_calcs[] = {
  { "FRAMES", IOT_IO_FRAMES }, { "BYTES", IOT_IO_BYTES }, { "COUNT", IOT_IO_COUNT },
  { "SUM", IOT_IO_SUM }, { "MIN", IOT_IO_MIN }, { "MAX", IOT_IO_MAX }, { "AVG", IOT_IO_AVG },
};

gboolean
iot_io_calc_allows (IotIoCalc calc, const IotField *field)
{
  if (calc == IOT_IO_COUNT)
    return TRUE;
  return (iot_field_type_is_integer (field->type) && field->type != IOT_FT_FRAMENUM
          && field->type != IOT_FT_BOOLEAN)
         || field->type == IOT_FT_DOUBLE || field->type == IOT_FT_RELATIVE_TIME;
}

/* One column: "filter", or "CALC(field)filter". */
static gboolean
io_parse_column (IotIoStat *io, const char *spec, GError **error)
{
  IotIoCalc calc = IOT_IO_FRAMES_BYTES;
  const IotField *field = NULL;
  const char *filter_text = spec;
  IotFilter *filter = NULL;

  for (guint i = 0; spec != NULL && i < G_N_ELEMENTS (io_calcs); i++)
    {
      gsize len = strlen (io_calcs[i].name);
      const char *close;
      g_autofree char *name = NULL;

      if (strncmp (spec, io_calcs[i].name, len) != 0 || spec[len] != '(')
        continue;
      close = strchr (spec + len + 1, ')');
      if (close == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "closing parenthesis missing from calculated expression \"%s\"", spec);
          return FALSE;
        }
      calc = io_calcs[i].calc;
      name = g_strndup (spec + len + 1, close - (spec + len + 1));
      filter_text = close + 1;
      if (calc == IOT_IO_FRAMES || calc == IOT_IO_BYTES)
        {
          if (*name != '\0')
            {
              g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "%s does not require or allow a field name within the parens", io_calcs[i].name);
              return FALSE;
            }
          break;
        }
      field = iot_registry_field (name);
      if (field == NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       *name ? "there is no field named '%s'" : "you didn't specify a field name for %s(*)",
                       *name ? name : io_calcs[i].name);
          return FALSE;
        }
      if (!iot_io_calc_allows (calc, field))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "%s doesn't have integral values, so %s(*) calculations are not supported on it",
                       name, io_calcs[i].name);
          return FALSE;
        }
      break;
    }
  if (!iot_stats_compile_report_filter (filter_text, &filter, error))
    return FALSE;
  iot_io_stat_add_column (io, calc, field, filter, spec);
  return TRUE;
}

/* Decimals the user wrote for the interval ("1.00" → 2). */
static guint
interval_precision (guint64 interval_us, const char *text)
{
  guint prec = 6;
  const char *dot;
  gsize len;

  for (guint64 i = 10; i < 10000000; i *= 10)
    {
      if (interval_us % i > 0)
        break;
      prec--;
    }
  if (prec > 0)
    return prec;
  len = strcspn (text, ",");
  dot = memchr (text, '.', len);
  if (dot != NULL && len - (gsize) (dot - text) - 1 > 0)
    return MIN (len - (gsize) (dot - text) - 1, 6);
  return 0;
}

IotIoStat *
iot_io_stat_parse (const char *spec, GError **error)
{
  g_autoptr (IotIoStat) io = NULL;
  const char *args, *rest;
  char *end = NULL;
  double seconds;
  guint64 interval;
  g_auto (GStrv) columns = NULL;

  if (!g_str_has_prefix (spec, "io,stat,") || spec[strlen (spec) - 1] == ',')
    goto invalid;
  args = spec + strlen ("io,stat,");
  seconds = g_ascii_strtod (args, &end);
  if (end == args || (*end != '\0' && *end != ',') || seconds < 0)
    goto invalid;
  interval = seconds == 0 ? 0 : (guint64) (seconds * 1000000.0 + 0.5);
  if (seconds != 0 && interval < 1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "\"-z\" interval must be >=0.000001 seconds or \"0\" for the entire capture duration");
      return NULL;
    }
  io = iot_io_stat_new (interval, interval ? interval_precision (interval, args) : 0);
  rest = *end == ',' ? end + 1 : NULL;
  if (rest == NULL)
    {
      iot_io_stat_add_column (io, IOT_IO_FRAMES_BYTES, NULL, NULL, NULL);
      return g_steal_pointer (&io);
    }
  columns = g_strsplit (rest, ",", -1);
  for (guint i = 0; columns[i] != NULL; i++)
    {
      char *text = g_strstrip (columns[i]);

      if (*text == '\0')
        iot_io_stat_add_column (io, IOT_IO_FRAMES_BYTES, NULL, NULL, NULL);
      else if (!io_parse_column (io, text, error))
        return NULL;
    }
  return g_steal_pointer (&io);

invalid:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "invalid \"-z io,stat,<interval>[,<filter>][,<filter>]...\" argument");
  return NULL;
}
