/* iot-follow-window.c — the Follow Stream window. */
#include "iot-follow-window.h"

#include <glib/gi18n.h>

#include "iot-follow-mqtt.h"

/* Tints over the theme's own background, so the text keeps the theme's
 * colour and reads in the light and the dark style alike; the same tints
 * as .follow-client / .follow-server in style.css. */
#define CLIENT_TINT "rgba(224,27,36,0.20)"
#define SERVER_TINT "rgba(28,113,216,0.22)"

/* One piece of the text: a data chunk or an MQTT message. */
typedef struct {
  guint32 frame;
  guint32 start;    /* character offset in the buffer */
  guint8  node;     /* 0 = client (spoke first), 1 = server */
} Piece;

typedef struct {
  IotFollowKind  kind;
  guint32        stream;
  IotFollow     *follow;
  IotMqttFollow *mqtt;
} Job;

struct _IotFollowWindow {
  IotAnalysisWindow parent_instance;

  GtkLabel      *client_label;
  GtkLabel      *server_label;
  GtkStack      *stack;
  GtkSpinner    *spinner;
  GtkLabel      *loading_label;
  GtkTextView   *text_view;
  GtkLabel      *summary_label;
  GtkLabel      *mode_label;
  GtkDropDown   *mode_dropdown;
  GtkButton     *filter_button;

  IotFollowKind  kind;
  guint32        stream;
  IotFollowMode  mode;
  IotFollow     *follow;       /* TCP, UDP */
  IotMqttFollow *mqtt;         /* MQTT */
  GArray        *pieces;       /* Piece, in buffer order */
  GtkTextTag    *tags[2][2];   /* per side, two of the same colour */
};

G_DEFINE_FINAL_TYPE (IotFollowWindow, iot_follow_window, IOT_TYPE_ANALYSIS_WINDOW)

/* ---- collecting ------------------------------------------------------------- */

static void
job_free (gpointer data)
{
  Job *job = data;

  g_clear_pointer (&job->follow, iot_follow_free);
  g_clear_pointer (&job->mqtt, iot_mqtt_follow_free);
  g_free (job);
}

static gboolean
collect_work (IotCapture *capture, gpointer data, GCancellable *cancellable, GError **error)
{
  Job *job = data;
  IotEngine *engine = iot_capture_engine (capture);

  if (job->kind == IOT_FOLLOW_KIND_MQTT)
    job->mqtt = iot_mqtt_follow_new (engine, job->stream, error);
  else
    job->follow = iot_follow_new (engine, job->kind == IOT_FOLLOW_KIND_TCP ? IOT_FOLLOW_TCP : IOT_FOLLOW_UDP,
                                  job->stream, error);
  return job->mqtt != NULL || job->follow != NULL;
}

static void show_content (IotFollowWindow *self);

static void
collect_done (IotAnalysisWindow *window, gpointer data, const GError *error)
{
  IotFollowWindow *self = IOT_FOLLOW_WINDOW (window);
  Job *job = data;

  if (error != NULL)
    {
      gtk_spinner_stop (self->spinner);
      gtk_label_set_text (self->loading_label, error->message);
      return;
    }
  self->follow = g_steal_pointer (&job->follow);
  self->mqtt = g_steal_pointer (&job->mqtt);
  gtk_spinner_stop (self->spinner);
  show_content (self);
  gtk_stack_set_visible_child_name (self->stack, "text");
  gtk_widget_set_sensitive (GTK_WIDGET (self->filter_button), TRUE);
  iot_analysis_window_emit_ready (window);
}

/* ---- text ------------------------------------------------------------------- */

static char
printable (guint8 c)
{
  return c >= 0x20 && c < 0x7f ? (char) c : '.';
}

/* The chunk as `tshark -z follow,…,ascii` shows it: printable bytes, line
 * ends kept, anything else a dot. */
static void
format_ascii (const guint8 *data, guint32 length, GString *out)
{
  for (guint32 i = 0; i < length; i++)
    g_string_append_c (out, data[i] == '\n' || data[i] == '\r' ? (char) data[i] : printable (data[i]));
}

/* Offset, 16 bytes in hex, the same as text; offsets count per side. */
static void
format_hex (const guint8 *data, guint32 length, guint32 *offset, GString *out)
{
  for (guint32 line = 0; line < length; line += 16)
    {
      guint n = MIN (16, length - line);

      g_string_append_printf (out, "%08X  ", *offset + line);
      for (guint i = 0; i < 16; i++)
        {
          if (i < n)
            g_string_append_printf (out, "%02x ", data[line + i]);
          else
            g_string_append (out, "   ");
          if (i == 7)
            g_string_append_c (out, ' ');
        }
      g_string_append_c (out, ' ');
      for (guint i = 0; i < n; i++)
        g_string_append_c (out, printable (data[line + i]));
      g_string_append_c (out, '\n');
    }
  *offset += length;
}

static void
format_raw (const guint8 *data, guint32 length, GString *out)
{
  for (guint32 i = 0; i < length; i++)
    g_string_append_printf (out, "%02x", data[i]);
  g_string_append_c (out, '\n');
}

static void
set_legend (IotFollowWindow *self, const char *client, const char *server,
            guint64 client_total, guint64 server_total, const char *unit)
{
  g_autofree char *client_text = NULL;
  g_autofree char *server_text = NULL;

  client_text = g_strdup_printf ("%s → %s: %" G_GUINT64_FORMAT " %s", client, server, client_total, unit);
  server_text = g_strdup_printf ("%s → %s: %" G_GUINT64_FORMAT " %s", server, client, server_total, unit);
  gtk_label_set_text (self->client_label, client_text);
  gtk_label_set_text (self->server_label, server_text);
}

static void
fill_stream (IotFollowWindow *self, GString *text)
{
  guint32 offsets[2] = { 0, 0 };
  guint n = iot_follow_n_chunks (self->follow);
  g_autofree char *summary = NULL;
  gsize chars = 0;

  for (guint i = 0; i < n; i++)
    {
      const IotFollowChunk *chunk = iot_follow_chunk (self->follow, i);
      const guint8 *data = iot_follow_chunk_data (self->follow, i);
      Piece piece = { chunk->frame, (guint32) chars, chunk->node };
      gsize before = text->len;

      g_array_append_val (self->pieces, piece);
      switch (self->mode)
        {
        case IOT_FOLLOW_ASCII:
          format_ascii (data, chunk->length, text);
          break;
        case IOT_FOLLOW_HEX:
          format_hex (data, chunk->length, &offsets[chunk->node], text);
          break;
        case IOT_FOLLOW_RAW:
        default:
          format_raw (data, chunk->length, text);
          break;
        }
      /* All ASCII: one character per byte of text. */
      chars += text->len - before;
    }
  set_legend (self, iot_follow_node_name (self->follow, 0), iot_follow_node_name (self->follow, 1),
              iot_follow_node_bytes (self->follow, 0), iot_follow_node_bytes (self->follow, 1), _("bytes"));
  summary = g_strdup_printf (ngettext ("%u chunk · click a part to select its frame",
                                       "%u chunks · click a part to select its frame", n), n);
  gtk_label_set_text (self->summary_label, summary);
}

static void
fill_mqtt (IotFollowWindow *self, GString *text)
{
  guint n = iot_mqtt_follow_n_messages (self->mqtt);
  guint64 totals[2] = { 0, 0 };
  g_autofree char *summary = NULL;
  gsize chars = 0;

  for (guint i = 0; i < n; i++)
    {
      const IotMqttMessage *message = iot_mqtt_follow_message (self->mqtt, i);
      Piece piece = { message->frame, (guint32) chars, message->from_client ? 0 : 1 };
      gsize before = text->len;

      g_array_append_val (self->pieces, piece);
      totals[piece.node]++;
      iot_mqtt_follow_format_message (self->mqtt, i, text);
      g_string_append_c (text, '\n');
      chars += g_utf8_strlen (text->str + before, text->len - before);
    }
  set_legend (self, iot_mqtt_follow_endpoint (self->mqtt, FALSE), iot_mqtt_follow_endpoint (self->mqtt, TRUE),
              totals[0], totals[1], _("messages"));
  summary = g_strdup_printf (ngettext ("%u MQTT message · click a line to select its frame",
                                       "%u MQTT messages · click a line to select its frame", n), n);
  gtk_label_set_text (self->summary_label, summary);
}

static void
show_content (IotFollowWindow *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  g_autoptr (GString) text = g_string_new (NULL);
  GtkTextIter start, end;

  g_array_set_size (self->pieces, 0);
  if (self->follow != NULL)
    fill_stream (self, text);
  else if (self->mqtt != NULL)
    fill_mqtt (self, text);
  else
    return;
  /* Invalid bytes cannot reach the buffer: the text is ASCII, or UTF-8
   * from the MQTT formatter; make sure anyway. */
  if (!g_utf8_validate (text->str, text->len, NULL))
    {
      g_autofree char *valid = g_utf8_make_valid (text->str, text->len);

      g_string_assign (text, valid);
    }
  gtk_text_buffer_set_text (buffer, text->str, text->len);
  /* A tag per piece.  Consecutive pieces of one side alternate between
   * two tags of the same colour: one tag over several lines loses the
   * tops of the glyphs of its later lines to its own background (GTK 4.8,
   * translucent backgrounds). */
  for (guint i = 0; i < self->pieces->len; i++)
    {
      const Piece *piece = &g_array_index (self->pieces, Piece, i);

      gtk_text_buffer_get_iter_at_offset (buffer, &start, piece->start);
      if (i + 1 < self->pieces->len)
        gtk_text_buffer_get_iter_at_offset (buffer, &end, g_array_index (self->pieces, Piece, i + 1).start);
      else
        gtk_text_buffer_get_end_iter (buffer, &end);
      gtk_text_buffer_apply_tag (buffer, self->tags[piece->node][i % 2], &start, &end);
    }
  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_place_cursor (buffer, &start);
}

/* ---- clicks ----------------------------------------------------------------- */

static int
piece_at_offset (IotFollowWindow *self, guint32 offset)
{
  guint lo = 0, hi = self->pieces->len;

  /* The last piece starting at or before @offset. */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (self->pieces, Piece, mid).start <= offset)
        lo = mid + 1;
      else
        hi = mid;
    }
  return (int) lo - 1;
}

/* A click on piece @index selects its frame in the session. */
static void
activate_piece (IotFollowWindow *self, guint index)
{
  g_return_if_fail (index < self->pieces->len);
  if (!iot_analysis_window_shows_capture (IOT_ANALYSIS_WINDOW (self)))
    return;     /* another file is open now */
  iot_session_select_frame (iot_analysis_window_get_session (IOT_ANALYSIS_WINDOW (self)),
                            g_array_index (self->pieces, Piece, index).frame);
}

static void
text_released_cb (GtkGestureClick *gesture, int n_press, double x, double y, IotFollowWindow *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter iter;
  int bx, by, index;

  /* A drag selects text to copy; only a plain click goes to the frame. */
  if (n_press != 1 || gtk_text_buffer_get_has_selection (buffer))
    return;
  gtk_text_view_window_to_buffer_coords (self->text_view, GTK_TEXT_WINDOW_WIDGET, (int) x, (int) y, &bx, &by);
  /* The nearest character: a click beside a line's end is still on it. */
  gtk_text_view_get_iter_at_location (self->text_view, &iter, bx, by);
  index = piece_at_offset (self, gtk_text_iter_get_offset (&iter));

  if (index >= 0)
    activate_piece (self, index);
}

/* What "Filter on This Stream" asks for. */
static char *
stream_filter (IotFollowWindow *self)
{
  return g_strdup_printf ("%s.stream eq %u", self->kind == IOT_FOLLOW_KIND_UDP ? "udp" : "tcp", self->stream);
}

static void
filter_clicked_cb (GtkButton *button, IotFollowWindow *self)
{
  g_autofree char *filter = stream_filter (self);

  iot_analysis_window_emit_filter_requested (IOT_ANALYSIS_WINDOW (self), filter);
}

static void
mode_selected_cb (GtkDropDown *dropdown, GParamSpec *pspec, IotFollowWindow *self)
{
  iot_follow_window_set_mode (self, gtk_drop_down_get_selected (dropdown));
}

/* ---- public ------------------------------------------------------------------ */

IotFollowWindow *
iot_follow_window_new (IotSession *session, IotFollowKind kind, guint32 stream)
{
  IotFollowWindow *self;
  g_autofree char *title = NULL;
  Job *job;
  static const char *const titles[] = { N_("Follow TCP Stream"), N_("Follow UDP Stream"), N_("Follow MQTT Session") };
  static const char *const names[] = { "tcp", "udp", "tcp" };

  g_return_val_if_fail (IOT_IS_SESSION (session), NULL);
  g_return_val_if_fail (iot_session_get_capture (session) != NULL, NULL);
  g_return_val_if_fail (kind <= IOT_FOLLOW_KIND_MQTT, NULL);

  self = g_object_new (IOT_TYPE_FOLLOW_WINDOW, "session", session, NULL);
  self->kind = kind;
  self->stream = stream;
  title = g_strdup_printf ("%s (%s.stream eq %u)", _(titles[kind]), names[kind], stream);
  gtk_window_set_title (GTK_WINDOW (self), title);
  /* MQTT messages are lines of text: no byte modes. */
  gtk_widget_set_visible (GTK_WIDGET (self->mode_label), kind != IOT_FOLLOW_KIND_MQTT);
  gtk_widget_set_visible (GTK_WIDGET (self->mode_dropdown), kind != IOT_FOLLOW_KIND_MQTT);
  if (kind == IOT_FOLLOW_KIND_MQTT)
    {
      gtk_label_set_text (self->loading_label, _("Collecting the MQTT messages from the capture…"));
      /* Lines of words: wider, broken between words, and a long line's
       * continuation indented under its start. */
      gtk_window_set_default_size (GTK_WINDOW (self), 1040, 600);
      gtk_text_view_set_wrap_mode (self->text_view, GTK_WRAP_WORD_CHAR);
      gtk_text_view_set_left_margin (self->text_view, 40);
      gtk_text_view_set_indent (self->text_view, -32);
      gtk_text_view_set_pixels_below_lines (self->text_view, 1);
    }
  gtk_spinner_start (self->spinner);

  job = g_new0 (Job, 1);
  job->kind = kind;
  job->stream = stream;
  iot_analysis_window_run (IOT_ANALYSIS_WINDOW (self), collect_work, job, job_free, collect_done);
  return self;
}



void
iot_follow_window_set_mode (IotFollowWindow *self, IotFollowMode mode)
{
  g_return_if_fail (IOT_IS_FOLLOW_WINDOW (self));
  g_return_if_fail (mode <= IOT_FOLLOW_RAW);

  if (gtk_drop_down_get_selected (self->mode_dropdown) != mode)
    gtk_drop_down_set_selected (self->mode_dropdown, mode);   /* comes back here */
  if (self->mode == mode)
    return;
  self->mode = mode;
  if (self->follow != NULL)
    show_content (self);
}

/* ---- GObject ------------------------------------------------------------------ */

static void
iot_follow_window_dispose (GObject *object)
{
  IotFollowWindow *self = IOT_FOLLOW_WINDOW (object);

  iot_analysis_window_cancel (IOT_ANALYSIS_WINDOW (self));
  gtk_widget_dispose_template (GTK_WIDGET (self), IOT_TYPE_FOLLOW_WINDOW);
  G_OBJECT_CLASS (iot_follow_window_parent_class)->dispose (object);
}

static void
iot_follow_window_finalize (GObject *object)
{
  IotFollowWindow *self = IOT_FOLLOW_WINDOW (object);

  g_clear_pointer (&self->follow, iot_follow_free);
  g_clear_pointer (&self->mqtt, iot_mqtt_follow_free);
  g_array_unref (self->pieces);
  G_OBJECT_CLASS (iot_follow_window_parent_class)->finalize (object);
}

static void
iot_follow_window_class_init (IotFollowWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = iot_follow_window_dispose;
  object_class->finalize = iot_follow_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-follow-window.ui");
  gtk_widget_class_bind_template_child (widget_class, IotFollowWindow, client_label);
  gtk_widget_class_bind_template_child (widget_class, IotFollowWindow, server_label);
  gtk_widget_class_bind_template_child (widget_class, IotFollowWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, IotFollowWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, IotFollowWindow, loading_label);
  gtk_widget_class_bind_template_child (widget_class, IotFollowWindow, text_view);
  gtk_widget_class_bind_template_child (widget_class, IotFollowWindow, summary_label);
  gtk_widget_class_bind_template_child (widget_class, IotFollowWindow, mode_label);
  gtk_widget_class_bind_template_child (widget_class, IotFollowWindow, mode_dropdown);
  gtk_widget_class_bind_template_child (widget_class, IotFollowWindow, filter_button);
}

static void
iot_follow_window_init (IotFollowWindow *self)
{
  GtkTextBuffer *buffer;
  GtkGesture *click;
  GdkRGBA tint;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->pieces = g_array_new (FALSE, FALSE, sizeof (Piece));
  buffer = gtk_text_view_get_buffer (self->text_view);
  for (guint node = 0; node < 2; node++)
    for (guint k = 0; k < 2; k++)
      {
        gdk_rgba_parse (&tint, node == 0 ? CLIENT_TINT : SERVER_TINT);
        self->tags[node][k] = gtk_text_buffer_create_tag (buffer, NULL, "background-rgba", &tint, NULL);
      }
  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "released", G_CALLBACK (text_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->text_view), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (self->mode_dropdown, "notify::selected", G_CALLBACK (mode_selected_cb), self);
  g_signal_connect (self->filter_button, "clicked", G_CALLBACK (filter_clicked_cb), self);
}
