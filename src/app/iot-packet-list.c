/* iot-packet-list.c — the packet list. */
#include "iot-packet-list.h"

#include "iot-colour-rules.h"

#include <string.h>

#include "iot-frame-notes.h"

struct _IotPacketList {
  GtkWidget           parent_instance;

  GtkScrolledWindow  *scroller;
  GtkColumnView      *view;
  GtkColumnViewColumn *columns[IOT_N_COLUMNS];
  GtkPopoverMenu     *row_menu;
  GtkPopoverMenu     *header_menu;

  IotSession         *session;
  IotFrameList       *frames;
  GtkSingleSelection *selection;
  GSimpleActionGroup *column_actions;
  /* Bound list items (all columns), to re-bind them when the view options
   * or the whole content change without new row widgets. */
  GHashTable         *bound;
  /* Bound items off screen still to re-bind, a few at a time when idle. */
  GHashTable         *stale;
  guint               stale_id;
  guint               scroll_tick_id;
  guint               pending_scroll;
  gboolean            syncing;
  gboolean            syncing_sort;
  /* Set while a column's sorter is asked which column sorts first: a
   * built-in column, or the field of a custom one. */
  int                 probed_column;
  const char         *probed_field;
  /* Columns being rearranged: the view's sorter changes ask for nothing. */
  guint               sort_frozen;
  GtkColumnViewColumn *arrow_column;   /* weak */
};

G_DEFINE_FINAL_TYPE (IotPacketList, iot_packet_list, GTK_TYPE_WIDGET)

enum {
  SIGNAL_COLUMNS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *const column_ui_ids[IOT_N_COLUMNS] = {
  "col_number", "col_time", "col_source", "col_destination", "col_protocol", "col_length", "col_info",
};

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
  if (g_str_has_prefix (lower, "icmpv6") || g_str_has_prefix (lower, "ipv6"))
    return "proto-ipv6";
  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_str_has_prefix (lower, known[i]))
      return protocol_classes[i];
  /* MQTT over WebSocket and TLS-protected MQTT still read as MQTT. */
  if (strstr (lower, "mqtt") != NULL)
    return "proto-mqtt";
  return "proto-other";
}

/* Marked rows stand out whatever the colouring; ignored ones fade. */
static void
style_row_notes (IotPacketList *self, GtkWidget *row, const IotRowSummary *summary)
{
  IotFile *file = iot_capture_file (iot_frame_list_get_capture (self->frames));
  gboolean marked = summary != NULL && iot_file_frame_marked (file, summary->number);
  gboolean ignored = summary != NULL && iot_file_frame_ignored (file, summary->number);

  if (marked != gtk_widget_has_css_class (row, "marked"))
    (marked ? gtk_widget_add_css_class : gtk_widget_remove_css_class) (row, "marked");
  if (ignored != gtk_widget_has_css_class (row, "ignored"))
    (ignored ? gtk_widget_add_css_class : gtk_widget_remove_css_class) (row, "ignored");
}

/* Colours go on the row widget, which GtkColumnView 4.8 does not expose:
 * it is the parent of the cell holding our text.  Every column's bind
 * calls this: only a real change touches the row's classes, since each
 * change restyles the row and all its cells. */
static void
style_row (IotPacketList *self, GtkWidget *text, const IotRowSummary *summary)
{
  GtkWidget *cell = gtk_widget_get_parent (text);
  GtkWidget *row = cell != NULL ? gtk_widget_get_parent (cell) : NULL;
  const char *wanted = NULL;
  const char *had;

  if (row == NULL)
    return;
  style_row_notes (self, row, summary);
  /* The colouring rules when the window has them, else the colours of
   * the built-in style sheet by protocol. */
  if (summary != NULL && iot_session_get_colorize (self->session))
    wanted = iot_frame_list_has_colour_rules (self->frames) ? iot_colour_rule_class (summary->colour_rule)
             : protocol_class (summary);
  had = g_object_get_data (G_OBJECT (row), "iot-row-colour");
  if (had == wanted)
    return;
  if (had != NULL)
    gtk_widget_remove_css_class (row, had);
  if (wanted != NULL)
    gtk_widget_add_css_class (row, wanted);
  /* Class names are static strings: compared by address. */
  g_object_set_data (G_OBJECT (row), "iot-row-colour", (gpointer) wanted);
}

/* The Info text in full, asked for only when the pointer rests on a
 * cell: setting a tooltip on every bind would cost GTK 4.8 several
 * round trips to the display server per row (it looks for the pointer). */
static gboolean
info_tooltip_cb (GtkWidget *cell_text, int x, int y, gboolean keyboard, GtkTooltip *tooltip,
                 IotPacketList *self)
{
  GtkListItem *item = g_object_get_data (G_OBJECT (cell_text), "iot-list-item");
  IotFrameRow *row = item != NULL ? gtk_list_item_get_item (item) : NULL;
  guint32 number = row != NULL ? iot_frame_row_get_number (row) : 0;
  const IotRowSummary *summary;

  if (number == 0 || iot_frame_list_get_capture (self->frames) == NULL
      || number > iot_frame_list_get_n_passed (self->frames))
    return FALSE;
  summary = iot_frame_list_summary (self->frames, number);
  if (summary == NULL || summary->info == NULL || summary->info[0] == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, summary->info);
  return TRUE;
}

/* A GtkInscription, not a GtkLabel: its size comes from the font, not
 * from its text, so binding a row to another frame re-measures nothing
 * and only the rows on screen ever lay their text out.  Live capture
 * re-binds a whole page of rows at each update. */
static void
setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  IotPacketList *self = g_object_get_data (G_OBJECT (factory), "packet-list");
  IotColumn column = GPOINTER_TO_INT (data);
  GtkWidget *text = gtk_inscription_new (NULL);

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (text), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_xalign (GTK_INSCRIPTION (text),
                              column == IOT_COLUMN_NUMBER || column == IOT_COLUMN_LENGTH ? 1.0 : 0.0);
  if (column == IOT_COLUMN_NUMBER || column == IOT_COLUMN_LENGTH || column == IOT_COLUMN_TIME)
    gtk_widget_add_css_class (text, "numeric");
  /* A right click finds its row through the cell text. */
  g_object_set_data (G_OBJECT (text), "iot-list-item", item);
  if (column == IOT_COLUMN_INFO)
    {
      /* Long Info texts are cut: the whole text on hover. */
      gtk_widget_set_has_tooltip (text, TRUE);
      g_signal_connect (text, "query-tooltip", G_CALLBACK (info_tooltip_cb), self);
    }
  gtk_list_item_set_child (item, text);
}

static void
bind_item (IotPacketList *self, GtkListItem *item, IotColumn column)
{
  GtkInscription *text_widget = GTK_INSCRIPTION (gtk_list_item_get_child (item));
  IotFrameRow *row = gtk_list_item_get_item (item);
  IotFrameList *frames = self->frames;
  const IotRowSummary *summary;
  guint32 number;
  char text[32];

  if (row == NULL || iot_frame_list_get_capture (frames) == NULL)
    return;
  number = iot_frame_row_get_number (row);
  if (number == 0)
    return;
  if (column == IOT_COLUMN_TIME)
    {
      g_autoptr (GString) out = g_string_new (NULL);

      iot_frame_list_format_time (frames, number, iot_session_get_time_format (self->session), out);
      gtk_inscription_set_text (text_widget, out->str);
      return;
    }
  summary = iot_frame_list_summary (frames, number);
  if (summary == NULL)
    return;
  switch (column)
    {
    case IOT_COLUMN_NUMBER:
      g_snprintf (text, sizeof text, "%u", number);
      gtk_inscription_set_text (text_widget, text);
      break;
    case IOT_COLUMN_SOURCE:
      gtk_inscription_set_text (text_widget, summary->src);
      break;
    case IOT_COLUMN_DESTINATION:
      gtk_inscription_set_text (text_widget, summary->dst);
      break;
    case IOT_COLUMN_PROTOCOL:
      gtk_inscription_set_text (text_widget, summary->protocol);
      break;
    case IOT_COLUMN_LENGTH:
      g_snprintf (text, sizeof text, "%u", summary->length);
      gtk_inscription_set_text (text_widget, text);
      break;
    case IOT_COLUMN_INFO:
      gtk_inscription_set_text (text_widget, summary->info);
      break;
    default:
      g_assert_not_reached ();
    }
  /* Any visible column colours the row: the No. column may be hidden. */
  style_row (self, GTK_WIDGET (text_widget), summary);
}

static void
bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  IotPacketList *self = g_object_get_data (G_OBJECT (factory), "packet-list");
  IotColumn column = GPOINTER_TO_INT (data);

  g_object_set_data (G_OBJECT (item), "column", data);
  bind_item (self, item, column);
  g_hash_table_add (self->bound, item);
  g_hash_table_remove (self->stale, item);
}

static void
unbind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  IotPacketList *self = g_object_get_data (G_OBJECT (factory), "packet-list");

  g_hash_table_remove (self->bound, item);
  g_hash_table_remove (self->stale, item);
}

static GtkWidget *inner_list_view (IotPacketList *self);

/* Cells per idle run when re-binding the rows off screen. */
#define STALE_BATCH 96

static gboolean
refresh_stale_cb (gpointer data)
{
  IotPacketList *self = data;
  GHashTableIter iter;
  gpointer item;
  guint done = 0;

  g_hash_table_iter_init (&iter, self->stale);
  while (done < STALE_BATCH && g_hash_table_iter_next (&iter, &item, NULL))
    {
      bind_item (self, item, GPOINTER_TO_INT (g_object_get_data (item, "column")));
      g_hash_table_iter_remove (&iter);
      done++;
    }
  if (g_hash_table_size (self->stale) > 0)
    return G_SOURCE_CONTINUE;
  self->stale_id = 0;
  return G_SOURCE_REMOVE;
}

/* Re-binds the cells (colours, time format, new content): the ones on
 * screen at once, the rows GtkListView keeps off screen (up to 200 in all)
 * when idle, so that the next frame is drawn soon. */
static void
refresh_bound (IotPacketList *self)
{
  GtkWidget *list = inner_list_view (self);
  int height = list != NULL ? gtk_widget_get_height (list) : 0;
  GHashTableIter iter;
  gpointer item;

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    {
      GtkWidget *child = gtk_list_item_get_child (item);
      graphene_rect_t bounds;

      /* Rows off screen are not mapped (nor allocated). */
      if (child != NULL && list != NULL && gtk_widget_get_mapped (child)
          && gtk_widget_compute_bounds (child, list, &bounds)
          && bounds.origin.y + bounds.size.height >= 0 && bounds.origin.y <= height)
        {
          bind_item (self, item, GPOINTER_TO_INT (g_object_get_data (item, "column")));
          g_hash_table_remove (self->stale, item);
        }
      else
        g_hash_table_add (self->stale, item);
    }
  if (g_hash_table_size (self->stale) > 0 && self->stale_id == 0)
    self->stale_id = g_idle_add_full (G_PRIORITY_LOW, refresh_stale_cb, self, NULL);
}

/* ---- sorting ---------------------------------------------------------------- */

/* The columns' sorters never sort anything (the session does, in a
 * worker); they make the headers clickable, with the arrow, and tell which
 * column the view's sorter puts first: GtkColumnView 4.8 has no getter for
 * that, so the view's sorter is asked to compare two probe items. */
static int
probe_compare (gconstpointer a, gconstpointer b, gpointer data)
{
  IotPacketList *self = g_object_get_data (G_OBJECT (a), "packet-list");

  if (self != NULL && self->probed_column < 0 && self->probed_field == NULL)
    self->probed_column = GPOINTER_TO_INT (data);
  return -1;
}

static int
probe_field_compare (gconstpointer a, gconstpointer b, gpointer data)
{
  IotPacketList *self = g_object_get_data (G_OBJECT (a), "packet-list");

  if (self != NULL && self->probed_column < 0 && self->probed_field == NULL)
    self->probed_field = data;
  return -1;
}

GtkSorter *
iot_packet_list_new_field_sorter (IotPacketList *self, const char *abbrev)
{
  char *field = g_strdup (abbrev);
  GtkSorter *sorter = GTK_SORTER (gtk_custom_sorter_new (probe_field_compare, field, NULL));

  g_object_set_data_full (G_OBJECT (sorter), "iot-sort-field", field, g_free);
  return sorter;
}

static void
view_sorter_changed_cb (GtkSorter *sorter, GtkSorterChange change, IotPacketList *self)
{
  g_autoptr (GObject) probe1 = NULL;
  g_autoptr (GObject) probe2 = NULL;
  GtkOrdering ordering;

  if (self->syncing_sort || self->sort_frozen > 0 || self->session == NULL)
    return;
  /* Two objects: a sorter finds an item equal to itself without asking. */
  probe1 = g_object_new (G_TYPE_OBJECT, NULL);
  probe2 = g_object_new (G_TYPE_OBJECT, NULL);
  g_object_set_data (probe1, "packet-list", self);
  g_object_set_data (probe2, "packet-list", self);
  self->probed_column = -1;
  self->probed_field = NULL;
  ordering = gtk_sorter_compare (sorter, probe1, probe2);
  if (self->probed_field != NULL && ordering != GTK_ORDERING_EQUAL)
    iot_session_sort_by_field (self->session, self->probed_field, ordering == GTK_ORDERING_LARGER);
  else if (self->probed_column < 0 || ordering == GTK_ORDERING_EQUAL)
    iot_session_sort (self->session, IOT_COLUMN_NUMBER, FALSE);
  else
    iot_session_sort (self->session, self->probed_column, ordering == GTK_ORDERING_LARGER);
  self->probed_field = NULL;
}

/* The view's column whose sorter sorts by @field; NULL when none shows it. */
static GtkColumnViewColumn *
column_of_field (IotPacketList *self, const char *field)
{
  GListModel *columns = gtk_column_view_get_columns (self->view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr (GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      GtkSorter *sorter = gtk_column_view_column_get_sorter (column);

      if (sorter != NULL && g_strcmp0 (g_object_get_data (G_OBJECT (sorter), "iot-sort-field"), field) == 0)
        return column;
    }
  return NULL;
}

/* Puts the header's arrow on @column (NULL: none).  GTK 4.8 redraws
 * only the header of the column it makes the sorted one, and of the one
 * it clears: the column that had the arrow is made the sorted one and
 * cleared first, or its header keeps showing an arrow. */
static void
show_sort_arrow (IotPacketList *self, GtkColumnViewColumn *column, gboolean descending)
{
  GtkColumnViewColumn *had = self->arrow_column;

  if (had != NULL && had != column && gtk_column_view_column_get_column_view (had) == self->view)
    {
      gtk_column_view_sort_by_column (self->view, had, GTK_SORT_ASCENDING);
      gtk_column_view_sort_by_column (self->view, NULL, GTK_SORT_ASCENDING);
    }
  gtk_column_view_sort_by_column (self->view, column, descending ? GTK_SORT_DESCENDING : GTK_SORT_ASCENDING);
  g_set_weak_pointer (&self->arrow_column, column);
}

/* The arrow follows the session (a cancelled sort takes it back). */
static void
sort_notify_cb (IotSession *session, GParamSpec *pspec, IotPacketList *self)
{
  IotColumn column = iot_session_get_sort_column (session);
  const char *field = iot_session_get_sort_field (session);
  gboolean descending = iot_session_get_sort_descending (session);

  self->syncing_sort = TRUE;
  if (field != NULL)
    show_sort_arrow (self, column_of_field (self, field), descending);
  else if (column == IOT_COLUMN_NUMBER && !descending)
    show_sort_arrow (self, NULL, FALSE);
  else
    show_sort_arrow (self, self->columns[column], descending);
  self->syncing_sort = FALSE;
}

void
iot_packet_list_freeze_sort (IotPacketList *self)
{
  self->sort_frozen++;
}

void
iot_packet_list_thaw_sort (IotPacketList *self)
{
  const char *field;

  g_return_if_fail (self->sort_frozen > 0);
  if (--self->sort_frozen > 0 || self->session == NULL)
    return;
  field = iot_session_get_sort_field (self->session);
  /* The sorted column went away: frame order, as Wireshark does. */
  if (field != NULL && column_of_field (self, field) == NULL)
    iot_session_sort (self->session, IOT_COLUMN_NUMBER, FALSE);
  else
    sort_notify_cb (self->session, NULL, self);
}

/* ---- columns ----------------------------------------------------------------- */

static void
setup_columns (IotPacketList *self)
{
  for (IotColumn column = 0; column < IOT_N_COLUMNS; column++)
    {
      g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
      g_autoptr (GtkSorter) sorter = GTK_SORTER (gtk_custom_sorter_new (probe_compare, GINT_TO_POINTER (column), NULL));

      g_object_set_data (G_OBJECT (factory), "packet-list", self);
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), GINT_TO_POINTER (column));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), GINT_TO_POINTER (column));
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), GINT_TO_POINTER (column));
      gtk_column_view_column_set_factory (self->columns[column], factory);
      gtk_column_view_column_set_sorter (self->columns[column], sorter);
    }
  g_signal_connect (gtk_column_view_get_sorter (self->view), "changed",
                    G_CALLBACK (view_sorter_changed_cb), self);
}

static void
column_visible_changed (GSimpleAction *action, GVariant *state, gpointer data)
{
  IotPacketList *self = data;
  int column = iot_column_from_id (g_action_get_name (G_ACTION (action)));

  g_simple_action_set_state (action, state);
  if (column < 0)
    return;
  gtk_column_view_column_set_visible (self->columns[column], g_variant_get_boolean (state));
  g_signal_emit (self, signals[SIGNAL_COLUMNS_CHANGED], 0);
}

/* "columns.<id>" toggles a column; the header's context menu lists them. */
static void
setup_column_actions (IotPacketList *self)
{
  g_autoptr (GMenu) menu = g_menu_new ();

  self->column_actions = g_simple_action_group_new ();
  for (IotColumn column = 0; column < IOT_N_COLUMNS; column++)
    {
      g_autoptr (GSimpleAction) action =
        g_simple_action_new_stateful (iot_column_id (column), NULL, g_variant_new_boolean (TRUE));
      g_autofree char *detailed = g_strdup_printf ("columns.%s", iot_column_id (column));

      g_signal_connect (action, "change-state", G_CALLBACK (column_visible_changed), self);
      g_action_map_add_action (G_ACTION_MAP (self->column_actions), G_ACTION (action));
      g_menu_append (menu, gtk_column_view_column_get_title (self->columns[column]), detailed);
    }
  gtk_widget_insert_action_group (GTK_WIDGET (self), "columns", G_ACTION_GROUP (self->column_actions));
  gtk_popover_menu_set_menu_model (self->header_menu, G_MENU_MODEL (menu));
}

void
iot_packet_list_set_column_visible (IotPacketList *self, IotColumn column, gboolean visible)
{
  g_return_if_fail (IOT_IS_PACKET_LIST (self));
  g_return_if_fail (column < IOT_N_COLUMNS);
  g_action_group_change_action_state (G_ACTION_GROUP (self->column_actions), iot_column_id (column),
                                      g_variant_new_boolean (visible));
}

gboolean
iot_packet_list_get_column_visible (IotPacketList *self, IotColumn column)
{
  g_return_val_if_fail (column < IOT_N_COLUMNS, FALSE);
  return gtk_column_view_column_get_visible (self->columns[column]);
}

char **
iot_packet_list_dup_hidden_columns (IotPacketList *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (IotColumn column = 0; column < IOT_N_COLUMNS; column++)
    if (!gtk_column_view_column_get_visible (self->columns[column]))
      g_strv_builder_add (builder, iot_column_id (column));
  return g_strv_builder_end (builder);
}

void
iot_packet_list_set_hidden_columns (IotPacketList *self, const char *const *ids)
{
  for (IotColumn column = 0; column < IOT_N_COLUMNS; column++)
    iot_packet_list_set_column_visible (self, column,
                                        ids == NULL || !g_strv_contains (ids, iot_column_id (column)));
}

GtkPopover *
iot_packet_list_get_header_menu (IotPacketList *self)
{
  return GTK_POPOVER (self->header_menu);
}

/* ---- context menus ------------------------------------------------------------ */

/* GtkColumnView 4.8 has no scroll_to(); its inner GtkListView has the
 * "list.scroll-to-item" action.  The other child is the header row. */
static GtkWidget *
inner_list_view (IotPacketList *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->view));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      return child;
  return NULL;
}

static GtkWidget *
header_widget (IotPacketList *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->view));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (!GTK_IS_LIST_VIEW (child))
      return child;
  return NULL;
}

static void
popup_at (IotPacketList *self, GtkPopover *popover, GtkWidget *widget, double x, double y)
{
  graphene_point_t point;

  if (!gtk_widget_compute_point (widget, GTK_WIDGET (self), &GRAPHENE_POINT_INIT (x, y), &point))
    return;
  gtk_popover_set_pointing_to (popover, &(GdkRectangle) { (int) point.x, (int) point.y, 1, 1 });
  gtk_popover_popup (popover);
}

/* The list item of the cell under (x, y) of the inner list view. */
static GtkListItem *
item_at (GtkWidget *list, double x, double y)
{
  for (GtkWidget *widget = gtk_widget_pick (list, x, y, GTK_PICK_DEFAULT);
       widget != NULL && widget != list; widget = gtk_widget_get_parent (widget))
    {
      GtkWidget *child = gtk_widget_get_first_child (widget);
      GtkListItem *item = g_object_get_data (G_OBJECT (widget), "iot-list-item");

      if (item == NULL && child != NULL)
        item = g_object_get_data (G_OBJECT (child), "iot-list-item");
      if (item != NULL)
        return item;
    }
  return NULL;
}

static void
row_pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, IotPacketList *self)
{
  GtkWidget *list = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  GtkListItem *item = item_at (list, x, y);

  if (item == NULL || gtk_list_item_get_position (item) == GTK_INVALID_LIST_POSITION)
    return;
  /* The menu acts on the selected frame, as in Wireshark. */
  iot_packet_list_select_position (self, gtk_list_item_get_position (item));
  popup_at (self, GTK_POPOVER (self->row_menu), list, x, y);
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
header_pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, IotPacketList *self)
{
  GtkWidget *header = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));

  popup_at (self, GTK_POPOVER (self->header_menu), header, x, y);
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
add_right_click (GtkWidget *widget, GCallback callback, IotPacketList *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", callback, self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));
}

/* ---- selection ---------------------------------------------------------------- */

static gboolean
scroll_tick_cb (GtkWidget *list, GdkFrameClock *clock, gpointer data)
{
  IotPacketList *self = data;
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->view));

  /* Not laid out yet: the scroll would be lost. */
  if (adjustment == NULL || gtk_adjustment_get_page_size (adjustment) <= 0)
    return G_SOURCE_CONTINUE;
  self->scroll_tick_id = 0;
  if (self->pending_scroll < g_list_model_get_n_items (G_LIST_MODEL (self->selection)))
    gtk_widget_activate_action (list, "list.scroll-to-item", "u", self->pending_scroll);
  self->pending_scroll = GTK_INVALID_LIST_POSITION;
  return G_SOURCE_REMOVE;
}

static void
scroll_to (IotPacketList *self, guint position)
{
  GtkWidget *list = inner_list_view (self);
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->view));

  if (list == NULL)
    return;
  /* GtkListView 4.8 drops a scroll asked for before its first layout with
   * rows (a file that loads at once): do it once laid out. */
  if (adjustment == NULL || gtk_adjustment_get_page_size (adjustment) <= 0)
    {
      self->pending_scroll = position;
      if (self->scroll_tick_id == 0)
        self->scroll_tick_id = gtk_widget_add_tick_callback (list, scroll_tick_cb, self, NULL);
      return;
    }
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
iot_packet_list_scroll_to_end (IotPacketList *self)
{
  guint n;

  g_return_if_fail (IOT_IS_PACKET_LIST (self));
  n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  if (n > 0)
    scroll_to (self, n - 1);
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
    iot_frame_list_find (self->frames, number, &position);
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

/* The whole content is about to change: the selected row may show
 * another frame next. */
static void
about_to_change_cb (IotFrameList *frames, IotPacketList *self)
{
  self->syncing = TRUE;
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  self->syncing = FALSE;
}

/* The row widgets stay (the row items keep their identity per position):
 * re-bind them to the frames now at their positions, and select the
 * session's frame again. */
static void
view_changed_cb (IotFrameList *frames, IotPacketList *self)
{
  refresh_bound (self);
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
iot_packet_list_refresh (IotPacketList *self)
{
  g_return_if_fail (IOT_IS_PACKET_LIST (self));
  refresh_bound (self);
}

void
iot_packet_list_set_session (IotPacketList *self, IotSession *session)
{
  g_return_if_fail (IOT_IS_PACKET_LIST (self));
  g_return_if_fail (self->session == NULL);

  self->session = g_object_ref (session);
  self->frames = g_object_ref (iot_session_get_frames (session));
  g_signal_connect_object (self->frames, "about-to-change", G_CALLBACK (about_to_change_cb), self, 0);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->frames)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->frames, "view-changed", G_CALLBACK (view_changed_cb), self, 0);
  g_signal_connect (self->selection, "notify::selected", G_CALLBACK (selection_changed_cb), self);
  g_signal_connect_object (session, "notify::selected-frame", G_CALLBACK (selected_frame_cb), self, 0);
  g_signal_connect_object (session, "filter-finished", G_CALLBACK (filter_finished_cb), self, 0);
  g_signal_connect_object (session, "sort-finished", G_CALLBACK (filter_finished_cb), self, 0);
  g_signal_connect_object (session, "notify::time-format", G_CALLBACK (view_options_cb), self, 0);
  g_signal_connect_object (session, "notify::time-ref", G_CALLBACK (view_options_cb), self, 0);
  g_signal_connect_object (session, "notify::colorize", G_CALLBACK (view_options_cb), self, 0);
  g_signal_connect_object (session, "notes-changed", G_CALLBACK (refresh_bound), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::sort-column", G_CALLBACK (sort_notify_cb), self, 0);
  g_signal_connect_object (session, "notify::sort-descending", G_CALLBACK (sort_notify_cb), self, 0);
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

GtkColumnViewColumn *
iot_packet_list_get_column (IotPacketList *self, IotColumn column)
{
  g_return_val_if_fail (column < IOT_N_COLUMNS, NULL);
  return self->columns[column];
}

char *
iot_packet_list_dup_cell_text (IotPacketList *self, guint position, IotColumn column)
{
  guint32 number = iot_frame_list_number_at (self->frames, position);
  const IotRowSummary *summary;
  g_autoptr (GString) out = g_string_new (NULL);

  if (number == 0)
    return NULL;
  if (column == IOT_COLUMN_TIME)
    {
      iot_frame_list_format_time (self->frames, number, iot_session_get_time_format (self->session), out);
      return g_string_free (g_steal_pointer (&out), FALSE);
    }
  summary = iot_frame_list_summary (self->frames, number);
  switch (column)
    {
    case IOT_COLUMN_NUMBER: return g_strdup_printf ("%u", number);
    case IOT_COLUMN_SOURCE: return g_strdup (summary->src);
    case IOT_COLUMN_DESTINATION: return g_strdup (summary->dst);
    case IOT_COLUMN_PROTOCOL: return g_strdup (summary->protocol);
    case IOT_COLUMN_LENGTH: return g_strdup_printf ("%u", summary->length);
    case IOT_COLUMN_INFO: return g_strdup (summary->info);
    default: return NULL;
    }
}

GVariant *
iot_packet_list_save_widths (IotPacketList *self)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("ai"));
  for (IotColumn column = 0; column < IOT_N_COLUMNS; column++)
    g_variant_builder_add (&builder, "i", gtk_column_view_column_get_fixed_width (self->columns[column]));
  return g_variant_builder_end (&builder);
}

void
iot_packet_list_restore_widths (IotPacketList *self, GVariant *widths)
{
  gsize n = 0;
  const gint32 *values = g_variant_get_fixed_array (widths, &n, sizeof (gint32));

  /* The Info column takes what is left, so its width is not restored. */
  for (gsize i = 0; i < MIN (n, (gsize) IOT_COLUMN_INFO); i++)
    if (values[i] >= 24)
      gtk_column_view_column_set_fixed_width (self->columns[i], values[i]);
}

/* ---- GtkWidget: a scrolled list plus popovers, which we must present. -------- */

static void
iot_packet_list_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                         int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  IotPacketList *self = IOT_PACKET_LIST (widget);

  gtk_widget_measure (GTK_WIDGET (self->scroller), orientation, for_size,
                      minimum, natural, minimum_baseline, natural_baseline);
}

static void
iot_packet_list_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  IotPacketList *self = IOT_PACKET_LIST (widget);

  gtk_widget_allocate (GTK_WIDGET (self->scroller), width, height, baseline, NULL);
  gtk_popover_present (GTK_POPOVER (self->row_menu));
  gtk_popover_present (GTK_POPOVER (self->header_menu));
}

static void
iot_packet_list_dispose (GObject *object)
{
  IotPacketList *self = IOT_PACKET_LIST (object);

  if (self->scroll_tick_id != 0 && self->view != NULL && inner_list_view (self) != NULL)
    gtk_widget_remove_tick_callback (inner_list_view (self), self->scroll_tick_id);
  self->scroll_tick_id = 0;
  /* Removing the columns changes the view's sorter: not a sort request. */
  if (self->view != NULL)
    g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (self->view), self);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), IOT_TYPE_PACKET_LIST);
  /* Template children that are not bound stay ours. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->frames);
  g_clear_object (&self->session);
  g_clear_object (&self->column_actions);
  g_clear_weak_pointer (&self->arrow_column);
  g_clear_handle_id (&self->stale_id, g_source_remove);
  G_OBJECT_CLASS (iot_packet_list_parent_class)->dispose (object);
}

static void
iot_packet_list_finalize (GObject *object)
{
  IotPacketList *self = IOT_PACKET_LIST (object);

  g_hash_table_unref (self->bound);
  g_hash_table_unref (self->stale);
  G_OBJECT_CLASS (iot_packet_list_parent_class)->finalize (object);
}

static void
iot_packet_list_class_init (IotPacketListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = iot_packet_list_dispose;
  object_class->finalize = iot_packet_list_finalize;
  widget_class->measure = iot_packet_list_measure;
  widget_class->size_allocate = iot_packet_list_size_allocate;

  /* A column was shown or hidden (to save it). */
  signals[SIGNAL_COLUMNS_CHANGED] =
    g_signal_new ("columns-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-packet-list.ui");
  gtk_widget_class_bind_template_child (widget_class, IotPacketList, scroller);
  gtk_widget_class_bind_template_child (widget_class, IotPacketList, view);
  gtk_widget_class_bind_template_child (widget_class, IotPacketList, row_menu);
  gtk_widget_class_bind_template_child (widget_class, IotPacketList, header_menu);
  for (IotColumn column = 0; column < IOT_N_COLUMNS; column++)
    gtk_widget_class_bind_template_child_full (widget_class, column_ui_ids[column], FALSE,
                                               G_STRUCT_OFFSET (IotPacketList, columns[column]));
}

static void
iot_packet_list_init (IotPacketList *self)
{
  GtkWidget *list, *header;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->bound = g_hash_table_new (NULL, NULL);
  self->stale = g_hash_table_new (NULL, NULL);
  self->probed_column = -1;
  self->pending_scroll = GTK_INVALID_LIST_POSITION;
  setup_columns (self);
  setup_column_actions (self);
  list = inner_list_view (self);
  header = header_widget (self);
  if (list != NULL)
    add_right_click (list, G_CALLBACK (row_pressed_cb), self);
  if (header != NULL)
    add_right_click (header, G_CALLBACK (header_pressed_cb), self);
}

GtkWidget *
iot_packet_list_new (void)
{
  return g_object_new (IOT_TYPE_PACKET_LIST, NULL);
}
