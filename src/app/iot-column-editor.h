/* iot-column-editor.h — the Column Preferences window: order, titles,
 * visibility, custom and comment columns of the packet list. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef struct _IotColumnPrefs IotColumnPrefs;

#define IOT_TYPE_COLUMN_EDITOR (iot_column_editor_get_type ())
G_DECLARE_FINAL_TYPE (IotColumnEditor, iot_column_editor, IOT, COLUMN_EDITOR, GtkWindow)

IotColumnEditor *iot_column_editor_new (GtkWindow *parent, IotColumnPrefs *prefs);
GtkListBox      *iot_column_editor_get_rows (IotColumnEditor *self);
GtkEntry        *iot_column_editor_get_field_entry (IotColumnEditor *self);
GtkButton       *iot_column_editor_get_add_button (IotColumnEditor *self);
GtkLabel        *iot_column_editor_get_message (IotColumnEditor *self);

G_END_DECLS
