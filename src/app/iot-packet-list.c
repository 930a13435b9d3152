/* iot-packet-list.c — the packet list. */
#include "iot-packet-list.h"

typedef enum {
  COL_NUMBER,
  COL_TIME,
  COL_SOURCE,
  COL_DESTINATION,
  COL_PROTOCOL,
  COL_LENGTH,
  COL_INFO,
  N_COLUMNS
} Column;

struct _IotPacketList {
  GtkWidget           parent_instance;

  GtkScrolledWindow  *scroller;
  GtkColumnView      *view;
  GtkColumnViewColumn *columns[N_COLUMNS];

  IotSession         *session;
  GtkSingleSelection *selection;
  /* Bound list items of the No. column, to repaint colours and times
   * when the view options change without rebuilding the model. */
  GHashTable         *bound;
  gboolean            syncing;
};

G_DEFINE_FINAL_TYPE (IotPacketList, iot_packet_list, GTK_TYPE_WIDGET)

/* Protocol colours: the class names style.css knows. */
static const char *const protocol_classes[] = {
  "proto-mqtt", "proto-coap", "proto-tcp", "proto-udp", "proto-icmp", "proto-arp",
  "proto-dns", "proto-http", "proto-ipv6", "proto-other", "expert-warn", "expert-error",
};

static const char *
protocol_class (const IotRowSummary *summary)
{
  static const char *const known[] = { "mqtt", "coap", "tcp", "udp", "icmp", "arp", "dns", "http" };
  g_autofree char *lower = g_ascii_strdown (summary->protocol != NULL ? summary->protocol : "", -1);

  if (summary->severity >= IOT_SEV_ERROR)
    return "expert-error";
  if (summary->severity >= IOT_SEV_WARN)
    return "expert-warn";
  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_str_has_prefix (lower, known[i]))
      return protocol_classes[i];
  if (g_str_has_prefix (lower, "icmpv6") || g_str_has_prefix (lower, "ipv6"))
    return "proto-ipv6";
  return "proto-other";
}

/* Colours go on the row widget, which GtkColumnView 4.8 does not expose:
 * it is the parent of the cell holding our label. */
static void
style_row (IotPacketList *self, GtkWidget *label, const IotRowSummary *summary)
{
  GtkWidget *cell = gtk_widget_get_parent (label);
  GtkWidget *row = cell != NULL ? gtk_widget_get_parent (cell) : NULL;

  if (row == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (protocol_classes); i++)
    gtk_widget_remove_css_class (row, protocol_classes[i]);
  if (summary != NULL && iot_session_get_colorize (self->session))
    gtk_widget_add_css_class (row, protocol_class (summary));
}

static void
setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  Column column = GPOINTER_TO_INT (data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (label),
                        column == COL_NUMBER || column == COL_LENGTH ? 1.0 : 0.0);
  if (column == COL_NUMBER || column == COL_LENGTH || column == COL_TIME)
    gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
bind_item (IotPacketList *self, GtkListItem *item, Column column)
{
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (item));
  IotFrameRow *row = gtk_list_item_get_item (item);
  IotFrameList *frames = iot_session_get_frames (self->session);
  const IotRowSummary *summary;
  char text[32];

  if (row == NULL || iot_frame_list_get_capture (frames) == NULL)
    return;
  switch (column)
    {
    case COL_NUMBER:
      g_snprintf (text, sizeof text, "%u", iot_frame_row_get_number (row));
      gtk_label_set_text (label, text);
      style_row (self, GTK_WIDGET (label), iot_frame_list_summary (frames, iot_frame_row_get_number (row)));
      return;
    case COL_TIME:
      {
        g_autoptr (GString) out = g_string_new (NULL);

        iot_frame_list_format_time (frames, iot_frame_row_get_position (row),
                                    iot_session_get_time_format (self->session), out);
        gtk_label_set_text (label, out->str);
      }
      return;
    default:
      break;
    }
  summary = iot_frame_list_summary (frames, iot_frame_row_get_number (row));
  if (summary == NULL)
    return;
  switch (column)
    {
    case COL_SOURCE:
      gtk_label_set_text (label, summary->src);
      break;
    case COL_DESTINATION:
      gtk_label_set_text (label, summary->dst);
      break;
    case COL_PROTOCOL:
      gtk_label_set_text (label, summary->protocol);
      break;
    case COL_LENGTH:
      g_snprintf (text, sizeof text, "%u", summary->length);
      gtk_label_set_text (label, text);
      break;
    case COL_INFO:
      gtk_label_set_text (label, summary->info);
      /* Long Info texts are cut: the whole text on hover. */
      gtk_widget_set_tooltip_text (GTK_WIDGET (label), summary->info);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  IotPacketList *self = g_object_get_data (G_OBJECT (factory), "packet-list");
  Column column = GPOINTER_TO_INT (data);

  bind_item (self, item, column);
  if (column == COL_NUMBER || column == COL_TIME)
    g_hash_table_add (self->bound, item);
}

static void
unbind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  IotPacketList *self = g_object_get_data (G_OBJECT (factory), "packet-list");

  g_hash_table_remove (self->bound, item);
}

/* Re-binds the No. and Time cells on screen (colours, time format). */
static void
refresh_bound (IotPacketList *self)
{
  GHashTableIter iter;
  gpointer item;

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    {
      Column column = GPOINTER_TO_INT (g_object_get_data (item, "column"));

      bind_item (self, item, column);
    }
}

static void
bind_tracked_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  g_object_set_data (G_OBJECT (item), "column", data);
}

static void
setup_columns (IotPacketList *self)
{
  for (Column column = 0; column < N_COLUMNS; column++)
    {
      g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

      g_object_set_data (G_OBJECT (factory), "packet-list", self);
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), GINT_TO_POINTER (column));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_tracked_cb), GINT_TO_POINTER (column));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), GINT_TO_POINTER (column));
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), GINT_TO_POINTER (column));
      gtk_column_view_column_set_factory (self->columns[column], factory);
    }
}

/* GtkColumnView 4.8 has no scroll_to(); its inner GtkListView has the
 * "list.scroll-to-item" action. */
static GtkWidget *
inner_list_view (IotPacketList *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->view));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      return child;
  return NULL;
}

static void
scroll_to (IotPacketList *self, guint position)
{
  GtkWidget *list = inner_list_view (self);

  if (list != NULL)
    gtk_widget_activate_action (list, "list.scroll-to-item", "u", position);
}

void
iot_packet_list_select_position (IotPacketList *self, guint position)
{
  guint n;

  g_return_if_fail (IOT_IS_PACKET_LIST (self));
  n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  if (n == 0)
    return;
  position = MIN (position, n - 1);
  gtk_single_selection_set_selected (self->selection, position);
  scroll_to (self, position);
}

void
iot_packet_list_move (IotPacketList *self, int delta)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  guint current = gtk_single_selection_get_selected (self->selection);
  gint64 target;

  if (n == 0)
    return;
  if (delta == G_MININT)
    target = 0;
  else if (delta == G_MAXINT)
    target = n - 1;
  else if (current == GTK_INVALID_LIST_POSITION)
    target = delta > 0 ? 0 : n - 1;
  else
    target = CLAMP ((gint64) current + delta, 0, (gint64) n - 1);
  iot_packet_list_select_position (self, (guint) target);
}

static void
selection_changed_cb (GtkSingleSelection *selection, GParamSpec *pspec, IotPacketList *self)
{
  IotFrameRow *row = gtk_single_selection_get_selected_item (selection);

  if (self->syncing)
    return;
  /* A model reset drops the selection; the session keeps its frame. */
  if (row == NULL)
    return;
  iot_session_select_frame (self->session, iot_frame_row_get_number (row));
}

/* Brings the list's selection in line with the session's frame. */
static void
sync_selection (IotPacketList *self, gboolean scroll)
{
  guint32 number = iot_session_get_selected_frame (self->session);
  guint position = GTK_INVALID_LIST_POSITION;

  if (number != 0)
    iot_frame_list_find (iot_session_get_frames (self->session), number, &position);
  if (gtk_single_selection_get_selected (self->selection) == position)
    return;
  self->syncing = TRUE;
  gtk_single_selection_set_selected (self->selection, position);
  self->syncing = FALSE;
  if (scroll && position != GTK_INVALID_LIST_POSITION)
    scroll_to (self, position);
}

static void
selected_frame_cb (IotSession *session, GParamSpec *pspec, IotPacketList *self)
{
  sync_selection (self, TRUE);
}

static void
filter_finished_cb (IotSession *session, IotPacketList *self)
{
  sync_selection (self, TRUE);
}

static void
view_options_cb (IotSession *session, GParamSpec *pspec, IotPacketList *self)
{
  refresh_bound (self);
}

void
iot_packet_list_set_session (IotPacketList *self, IotSession *session)
{
  g_return_if_fail (IOT_IS_PACKET_LIST (self));
  g_return_if_fail (self->session == NULL);

  self->session = g_object_ref (session);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (iot_session_get_frames (session))));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect (self->selection, "notify::selected", G_CALLBACK (selection_changed_cb), self);
  g_signal_connect_object (session, "notify::selected-frame", G_CALLBACK (selected_frame_cb), self, 0);
  g_signal_connect_object (session, "filter-finished", G_CALLBACK (filter_finished_cb), self, 0);
  g_signal_connect_object (session, "notify::time-format", G_CALLBACK (view_options_cb), self, 0);
  g_signal_connect_object (session, "notify::colorize", G_CALLBACK (view_options_cb), self, 0);
}

GtkColumnView *
iot_packet_list_get_view (IotPacketList *self)
{
  return self->view;
}

GtkSingleSelection *
iot_packet_list_get_selection (IotPacketList *self)
{
  return self->selection;
}

GVariant *
iot_packet_list_save_widths (IotPacketList *self)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("ai"));
  for (Column column = 0; column < N_COLUMNS; column++)
    g_variant_builder_add (&builder, "i", gtk_column_view_column_get_fixed_width (self->columns[column]));
  return g_variant_builder_end (&builder);
}

void
iot_packet_list_restore_widths (IotPacketList *self, GVariant *widths)
{
  gsize n = 0;
  const gint32 *values = g_variant_get_fixed_array (widths, &n, sizeof (gint32));

  /* The Info column takes what is left, so its width is not restored. */
  for (gsize i = 0; i < MIN (n, (gsize) COL_INFO); i++)
    if (values[i] >= 24)
      gtk_column_view_column_set_fixed_width (self->columns[i], values[i]);
}

static void
iot_packet_list_dispose (GObject *object)
{
  IotPacketList *self = IOT_PACKET_LIST (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), IOT_TYPE_PACKET_LIST);
  /* Template children that are not bound (the outer box) stay ours. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (iot_packet_list_parent_class)->dispose (object);
}

static void
iot_packet_list_finalize (GObject *object)
{
  IotPacketList *self = IOT_PACKET_LIST (object);

  g_hash_table_unref (self->bound);
  G_OBJECT_CLASS (iot_packet_list_parent_class)->finalize (object);
}

static void
iot_packet_list_class_init (IotPacketListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = iot_packet_list_dispose;
  object_class->finalize = iot_packet_list_finalize;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-packet-list.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, IotPacketList, scroller);
  gtk_widget_class_bind_template_child (widget_class, IotPacketList, view);
  gtk_widget_class_bind_template_child_full (widget_class, "col_number", FALSE,
                                             G_STRUCT_OFFSET (IotPacketList, columns[COL_NUMBER]));
  gtk_widget_class_bind_template_child_full (widget_class, "col_time", FALSE,
                                             G_STRUCT_OFFSET (IotPacketList, columns[COL_TIME]));
  gtk_widget_class_bind_template_child_full (widget_class, "col_source", FALSE,
                                             G_STRUCT_OFFSET (IotPacketList, columns[COL_SOURCE]));
  gtk_widget_class_bind_template_child_full (widget_class, "col_destination", FALSE,
                                             G_STRUCT_OFFSET (IotPacketList, columns[COL_DESTINATION]));
  gtk_widget_class_bind_template_child_full (widget_class, "col_protocol", FALSE,
                                             G_STRUCT_OFFSET (IotPacketList, columns[COL_PROTOCOL]));
  gtk_widget_class_bind_template_child_full (widget_class, "col_length", FALSE,
                                             G_STRUCT_OFFSET (IotPacketList, columns[COL_LENGTH]));
  gtk_widget_class_bind_template_child_full (widget_class, "col_info", FALSE,
                                             G_STRUCT_OFFSET (IotPacketList, columns[COL_INFO]));
}

static void
iot_packet_list_init (IotPacketList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->bound = g_hash_table_new (NULL, NULL);
  setup_columns (self);
}

GtkWidget *
iot_packet_list_new (void)
{
  return g_object_new (IOT_TYPE_PACKET_LIST, NULL);
}
