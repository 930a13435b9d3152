/* iot-hex-view.h — offset / hex / ASCII of the selected frame, one tab per
 * data source, with the selected tree node's bytes highlighted. */
#pragma once

#include <gtk/gtk.h>

#include "iot-session.h"

G_BEGIN_DECLS

#define IOT_TYPE_HEX_VIEW (iot_hex_view_get_type ())
G_DECLARE_FINAL_TYPE (IotHexView, iot_hex_view, IOT, HEX_VIEW, GtkWidget)

GtkWidget   *iot_hex_view_new (void);
void         iot_hex_view_set_session (IotHexView *self, IotSession *session);
/* What a click on byte @offset of @source does: selects its deepest node. */
void         iot_hex_view_click_byte (IotHexView *self, guint source, guint offset);

G_END_DECLS
