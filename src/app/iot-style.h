/* iot-style.h — light or dark, as the desktop prefers unless the user
 * chose one (GSettings key color-scheme). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum {
  IOT_SYSTEM_STYLE_DEFAULT,     /* no preference: light */
  IOT_SYSTEM_STYLE_PREFER_DARK,
  IOT_SYSTEM_STYLE_PREFER_LIGHT,
} IotSystemStyle;

/* Starts following the desktop (the settings portal's
 * org.freedesktop.appearance color-scheme, else GNOME's
 * org.gnome.desktop.interface color-scheme) and @settings' color-scheme
 * ('default' follows the desktop, 'light', 'dark'); @settings may be NULL.
 * Once per process. */
void           iot_style_init (GSettings *settings);
/* Called when the desktop's preference is known or changes. */
void           iot_style_set_system (IotSystemStyle style);

G_END_DECLS
