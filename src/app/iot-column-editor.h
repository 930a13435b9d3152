/* iot-column-editor.h — the Column Preferences window: order, titles,
 * visibility, custom and comment columns of the packet list. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct _IotColumnPrefs IotColumnPrefs;

#define IOT_TYPE_COLUMN_EDITOR (iot_column_editor_get_type ())
G_DECLARE_FINAL_TYPE (IotColumnEditor, iot_column_editor, IOT, COLUMN_EDITOR, GtkWindow)

IotColumnEditor *iot_column_editor_new (GtkWindow *parent, IotColumnPrefs *prefs);

G_END_DECLS
