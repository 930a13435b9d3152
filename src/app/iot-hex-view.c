/* iot-hex-view.c — the bytes pane.
 *
 * Each line: offset, two spaces, 16 bytes in hex (an extra space after the
 * eighth), a space, the 16 bytes as ASCII (a space after the eighth) —
 * the layout of Wireshark's bytes pane and of `iotscope-cli -x`.
 */
#include "iot-hex-view.h"
#include "iot-app-test.h"

#define BYTES_PER_LINE 16

typedef struct {
  GtkTextView *view;
  GtkTextTag  *selected;
  guint        length;
  guint        prefix;    /* offset digits + two spaces */
} Page;

struct _IotHexView {
  GtkWidget    parent_instance;

  GtkNotebook *notebook;

  IotSession  *session;
  GPtrArray   *pages;     /* Page, one per data source */
};

G_DEFINE_FINAL_TYPE (IotHexView, iot_hex_view, GTK_TYPE_WIDGET)

static guint
hex_col (const Page *page, guint i)
{
  return page->prefix + i * 3 + (i >= 8 ? 1 : 0);
}

static guint
ascii_col (const Page *page, guint i)
{
  return page->prefix + BYTES_PER_LINE * 3 + 2 + i + (i >= 8 ? 1 : 0);
}

static void
format_lines (const guint8 *data, guint length, guint digits, GString *out)
{
  for (guint line = 0; line * BYTES_PER_LINE < length; line++)
    {
      guint base = line * BYTES_PER_LINE;

      if (line > 0)
        g_string_append_c (out, '\n');
      g_string_append_printf (out, "%0*x  ", (int) digits, base);
      for (guint i = 0; i < BYTES_PER_LINE; i++)
        {
          if (base + i < length)
            g_string_append_printf (out, "%02x ", data[base + i]);
          else
            g_string_append (out, "   ");
          if (i == 7)
            g_string_append_c (out, ' ');
        }
      g_string_append_c (out, ' ');
      for (guint i = 0; i < BYTES_PER_LINE && base + i < length; i++)
        {
          guint8 c = data[base + i];

          g_string_append_c (out, c >= 0x20 && c < 0x7f ? (char) c : '.');
          if (i == 7)
            g_string_append_c (out, ' ');
        }
    }
}

static Page *
page_at (IotHexView *self, guint source)
{
  return source < self->pages->len ? g_ptr_array_index (self->pages, source) : NULL;
}

/* The byte under a click, or -1 between bytes and past the end. */
static gint64
byte_at_column (const Page *page, guint line, guint col)
{
  gint64 i = -1;

  if (col >= page->prefix && col < hex_col (page, BYTES_PER_LINE - 1) + 2)
    {
      guint rel = col - page->prefix;

      i = rel < 24 ? (gint64) (rel / 3) : rel == 24 ? -1 : (gint64) (8 + (rel - 25) / 3);
    }
  else if (col >= ascii_col (page, 0) && col <= ascii_col (page, BYTES_PER_LINE - 1))
    {
      guint rel = col - ascii_col (page, 0);

      i = rel < 8 ? (gint64) rel : rel == 8 ? -1 : (gint64) rel - 1;
    }
  if (i < 0)
    return -1;
  i += (gint64) line * BYTES_PER_LINE;
  return i < page->length ? i : -1;
}

static void
pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, IotHexView *self)
{
  GtkTextView *view = GTK_TEXT_VIEW (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture)));
  guint source = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (view), "source"));
  Page *page = page_at (self, source);
  GtkTextIter iter;
  int bx, by;
  gint64 byte;

  if (page == NULL)
    return;
  gtk_text_view_window_to_buffer_coords (view, GTK_TEXT_WINDOW_WIDGET, (int) x, (int) y, &bx, &by);
  if (!gtk_text_view_get_iter_at_location (view, &iter, bx, by))
    return;
  byte = byte_at_column (page, gtk_text_iter_get_line (&iter), gtk_text_iter_get_line_offset (&iter));
  if (byte >= 0)
    iot_hex_view_click_byte (self, source, (guint) byte);
}

static Page *
add_page (IotHexView *self, guint source, const IotDataSource *data)
{
  Page *page = g_new0 (Page, 1);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *view = gtk_text_view_new ();
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkGesture *click = gtk_gesture_click_new ();
  g_autoptr (GString) text = g_string_new (NULL);
  guint digits = data->length > 0xffff ? 8 : 4;

  page->view = GTK_TEXT_VIEW (view);
  page->length = data->length;
  page->prefix = digits + 2;
  gtk_text_view_set_monospace (page->view, TRUE);
  gtk_text_view_set_editable (page->view, FALSE);
  gtk_text_view_set_cursor_visible (page->view, FALSE);
  gtk_text_view_set_left_margin (page->view, 6);
  gtk_text_view_set_top_margin (page->view, 4);
  gtk_widget_add_css_class (view, "hex-view");
  g_object_set_data (G_OBJECT (view), "source", GUINT_TO_POINTER (source));
  format_lines (data->data, data->length, digits, text);
  gtk_text_buffer_set_text (buffer, text->str, (int) text->len);
  gtk_text_buffer_create_tag (buffer, "offset", "foreground", "#8a8a8a", NULL);
  /* Translucent, so that it reads on light and dark backgrounds alike. */
  page->selected = gtk_text_buffer_create_tag (buffer, "selected",
                                               "background", "rgba(53,132,228,0.40)",
                                               "weight", PANGO_WEIGHT_BOLD, NULL);
  for (guint line = 0; line * BYTES_PER_LINE < data->length; line++)
    {
      GtkTextIter start, end;

      gtk_text_buffer_get_iter_at_line_offset (buffer, &start, line, 0);
      gtk_text_buffer_get_iter_at_line_offset (buffer, &end, line, digits);
      gtk_text_buffer_apply_tag_by_name (buffer, "offset", &start, &end);
    }
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (view, GTK_EVENT_CONTROLLER (click));

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  gtk_notebook_append_page (self->notebook, scroller, gtk_label_new (data->name));
  return page;
}

static void
rebuild (IotHexView *self)
{
  IotPacket *pkt = iot_session_get_packet (self->session);

  while (gtk_notebook_get_n_pages (self->notebook) > 0)
    gtk_notebook_remove_page (self->notebook, -1);
  g_ptr_array_set_size (self->pages, 0);
  if (pkt == NULL)
    return;
  for (guint i = 0; i < iot_packet_n_sources (pkt); i++)
    g_ptr_array_add (self->pages, add_page (self, i, iot_packet_source (pkt, i)));
  /* Tabs only say something when there is more than the frame. */
  gtk_notebook_set_show_tabs (self->notebook, self->pages->len > 1);
}

static void
apply_range (Page *page, guint first, guint last)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (page->view);

  for (guint line = first / BYTES_PER_LINE; line <= last / BYTES_PER_LINE; line++)
    {
      guint a = MAX (first, line * BYTES_PER_LINE) % BYTES_PER_LINE;
      guint b = MIN (last, line * BYTES_PER_LINE + BYTES_PER_LINE - 1) % BYTES_PER_LINE;
      GtkTextIter start, end;

      gtk_text_buffer_get_iter_at_line_offset (buffer, &start, line, hex_col (page, a));
      gtk_text_buffer_get_iter_at_line_offset (buffer, &end, line, hex_col (page, b) + 2);
      gtk_text_buffer_apply_tag (buffer, page->selected, &start, &end);
      gtk_text_buffer_get_iter_at_line_offset (buffer, &start, line, ascii_col (page, a));
      gtk_text_buffer_get_iter_at_line_offset (buffer, &end, line, ascii_col (page, b) + 1);
      gtk_text_buffer_apply_tag (buffer, page->selected, &start, &end);
    }
}

static void
highlight (IotHexView *self)
{
  IotPacket *pkt = iot_session_get_packet (self->session);
  int node = iot_session_get_selected_node (self->session);
  const IotNode *n;
  Page *page;

  for (guint i = 0; i < self->pages->len; i++)
    {
      GtkTextBuffer *buffer;
      GtkTextIter start, end;

      page = g_ptr_array_index (self->pages, i);
      buffer = gtk_text_view_get_buffer (page->view);
      gtk_text_buffer_get_bounds (buffer, &start, &end);
      gtk_text_buffer_remove_tag (buffer, page->selected, &start, &end);
    }
  if (pkt == NULL || node < 0)
    return;
  n = iot_packet_node (pkt, node);
  page = page_at (self, n->source);
  if (page == NULL || n->length == 0 || n->offset >= page->length)
    return;
  apply_range (page, n->offset, MIN (n->offset + n->length, page->length) - 1);
  gtk_notebook_set_current_page (self->notebook, n->source);
  {
    GtkTextIter iter;

    gtk_text_buffer_get_iter_at_line (gtk_text_view_get_buffer (page->view), &iter,
                                      n->offset / BYTES_PER_LINE);
    gtk_text_view_scroll_to_iter (page->view, &iter, 0.1, FALSE, 0, 0);
  }
}

static void
selected_frame_cb (IotSession *session, GParamSpec *pspec, IotHexView *self)
{
  rebuild (self);
}

static void
selected_node_cb (IotSession *session, GParamSpec *pspec, IotHexView *self)
{
  highlight (self);
}

void
iot_hex_view_set_session (IotHexView *self, IotSession *session)
{
  g_return_if_fail (IOT_IS_HEX_VIEW (self));
  g_return_if_fail (self->session == NULL);

  self->session = g_object_ref (session);
  /* The frame first: a new frame also resets the node. */
  g_signal_connect_object (session, "notify::selected-frame", G_CALLBACK (selected_frame_cb), self, 0);
  g_signal_connect_object (session, "notify::selected-node", G_CALLBACK (selected_node_cb), self, 0);
}

guint
iot_hex_view_get_n_sources (IotHexView *self)
{
  return self->pages->len;
}

gboolean
iot_hex_view_byte_is_highlighted (IotHexView *self, guint source, guint offset)
{
  Page *page = page_at (self, source);
  GtkTextIter hex, ascii;
  GtkTextBuffer *buffer;

  if (page == NULL || offset >= page->length)
    return FALSE;
  buffer = gtk_text_view_get_buffer (page->view);
  gtk_text_buffer_get_iter_at_line_offset (buffer, &hex, offset / BYTES_PER_LINE,
                                           hex_col (page, offset % BYTES_PER_LINE));
  gtk_text_buffer_get_iter_at_line_offset (buffer, &ascii, offset / BYTES_PER_LINE,
                                           ascii_col (page, offset % BYTES_PER_LINE));
  return gtk_text_iter_has_tag (&hex, page->selected) && gtk_text_iter_has_tag (&ascii, page->selected);
}

void
iot_hex_view_click_byte (IotHexView *self, guint source, guint offset)
{
  g_return_if_fail (IOT_IS_HEX_VIEW (self));
  iot_session_select_node (self->session, iot_session_node_at (self->session, source, offset));
}

static void
iot_hex_view_dispose (GObject *object)
{
  IotHexView *self = IOT_HEX_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), IOT_TYPE_HEX_VIEW);
  /* Template children that are not bound (the outer box) stay ours. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (iot_hex_view_parent_class)->dispose (object);
}

static void
iot_hex_view_finalize (GObject *object)
{
  IotHexView *self = IOT_HEX_VIEW (object);

  g_ptr_array_unref (self->pages);
  G_OBJECT_CLASS (iot_hex_view_parent_class)->finalize (object);
}

static void
iot_hex_view_class_init (IotHexViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = iot_hex_view_dispose;
  object_class->finalize = iot_hex_view_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-hex-view.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, IotHexView, notebook);
}

static void
iot_hex_view_init (IotHexView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->pages = g_ptr_array_new_with_free_func (g_free);
}

GtkWidget *
iot_hex_view_new (void)
{
  return g_object_new (IOT_TYPE_HEX_VIEW, NULL);
}
