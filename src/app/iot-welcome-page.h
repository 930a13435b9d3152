/* iot-welcome-page.h — what the window shows with no capture open: Open
 * and Capture buttons, the recent captures (GtkRecentManager) and the
 * capture interfaces libpcap offers. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define IOT_TYPE_WELCOME_PAGE (iot_welcome_page_get_type ())
G_DECLARE_FINAL_TYPE (IotWelcomePage, iot_welcome_page, IOT, WELCOME_PAGE, GtkWidget)

/* The recent captures listed (URIs, most recent first) and the
 * interfaces (names), as GtkStringObject; the interfaces arrive from a
 * worker ("interfaces-ready"). */
GListModel *iot_welcome_page_get_recent (IotWelcomePage *self);
GListModel *iot_welcome_page_get_interfaces (IotWelcomePage *self);
gboolean    iot_welcome_page_interfaces_ready (IotWelcomePage *self);

G_END_DECLS
