/* iot-packet-list.h — the packet list: one row per displayed frame. */
#pragma once

#include <gtk/gtk.h>

#include "iot-session.h"

G_BEGIN_DECLS

#define IOT_TYPE_PACKET_LIST (iot_packet_list_get_type ())
G_DECLARE_FINAL_TYPE (IotPacketList, iot_packet_list, IOT, PACKET_LIST, GtkWidget)

GtkWidget         *iot_packet_list_new (void);
void               iot_packet_list_set_session (IotPacketList *self, IotSession *session);
GtkColumnView     *iot_packet_list_get_view (IotPacketList *self);
GtkSingleSelection *iot_packet_list_get_selection (IotPacketList *self);
GtkColumnViewColumn *iot_packet_list_get_column (IotPacketList *self, IotColumn column);
/* The text of a cell as shown (for tests and copying). */
char              *iot_packet_list_dup_cell_text (IotPacketList *self, guint position, IotColumn column);
/* Columns shown or hidden (the header's context menu does the same);
 * "columns-changed" follows a change. */
void               iot_packet_list_set_column_visible (IotPacketList *self, IotColumn column, gboolean visible);
gboolean           iot_packet_list_get_column_visible (IotPacketList *self, IotColumn column);
/* Column ids ("time", "source", …) of the hidden columns, for settings. */
char             **iot_packet_list_dup_hidden_columns (IotPacketList *self);
void               iot_packet_list_set_hidden_columns (IotPacketList *self, const char *const *ids);
/* The header's context menu (a right click on it). */
GtkPopover        *iot_packet_list_get_header_menu (IotPacketList *self);
/* Selects the row at @position (clamped) and scrolls to it. */
void               iot_packet_list_select_position (IotPacketList *self, guint position);
/* Brings the last row into view without selecting it.  The list keeps
 * to that row when it is laid out, however many rows came since its last
 * layout (the scrollbar's range is only known then). */
void               iot_packet_list_scroll_to_end (IotPacketList *self);
/* Moves the selection by @delta rows (G_MININT/G_MAXINT: first/last). */
void               iot_packet_list_move (IotPacketList *self, int delta);
/* Column widths, for saving and restoring (-1 = natural). */
GVariant          *iot_packet_list_save_widths (IotPacketList *self);
void               iot_packet_list_restore_widths (IotPacketList *self, GVariant *widths);

/* Binds the rows on screen again (their colours changed). */
void iot_packet_list_refresh (IotPacketList *self);

/* A sorter for a column of the view that shows field @abbrev (a custom
 * column): clicking its header sorts the session by the field
 * (iot_session_sort_by_field()), and the header's arrow follows it. */
GtkSorter          *iot_packet_list_new_field_sorter (IotPacketList *self, const char *abbrev);
/* Columns taken out of the view and put back meanwhile (rearranging
 * them) ask for no sort; on thawing, the arrow goes back on the sorted
 * column, or, when no column shows the sorted field any more, the list
 * goes back to frame order. */
void                iot_packet_list_freeze_sort (IotPacketList *self);
void                iot_packet_list_thaw_sort (IotPacketList *self);

G_END_DECLS
