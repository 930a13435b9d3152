/* iot-welcome-page.h — what the window shows with no capture open: Open
 * and Capture buttons, the recent captures (GtkRecentManager) and the
 * capture interfaces libpcap offers. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define IOT_TYPE_WELCOME_PAGE (iot_welcome_page_get_type ())
G_DECLARE_FINAL_TYPE (IotWelcomePage, iot_welcome_page, IOT, WELCOME_PAGE, GtkWidget)


G_END_DECLS
