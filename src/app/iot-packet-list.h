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
/* Selects the row at @position (clamped) and scrolls to it. */
void               iot_packet_list_select_position (IotPacketList *self, guint position);
/* Moves the selection by @delta rows (G_MININT/G_MAXINT: first/last). */
void               iot_packet_list_move (IotPacketList *self, int delta);
/* Column widths, for saving and restoring (-1 = natural). */
GVariant          *iot_packet_list_save_widths (IotPacketList *self);
void               iot_packet_list_restore_widths (IotPacketList *self, GVariant *widths);

G_END_DECLS
