/* iot-capture-dialog.h — Capture Options: interfaces, capture filter
 * (checked while typed), promiscuous and monitor mode, Start. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define IOT_TYPE_CAPTURE_DIALOG (iot_capture_dialog_get_type ())
G_DECLARE_FINAL_TYPE (IotCaptureDialog, iot_capture_dialog, IOT, CAPTURE_DIALOG, GtkWindow)

/* Lists the interfaces at once.  "start" is emitted when Start is
 * pressed with a valid choice; the dialog stays open (the caller closes it). */
IotCaptureDialog *iot_capture_dialog_new (GtkWindow *parent);

/* The choice: selected interface names (NULL-terminated), the filter
 * (NULL = everything), the modes. */
char      **iot_capture_dialog_dup_interfaces (IotCaptureDialog *self);
const char *iot_capture_dialog_get_filter (IotCaptureDialog *self);
gboolean    iot_capture_dialog_get_promiscuous (IotCaptureDialog *self);
gboolean    iot_capture_dialog_get_monitor (IotCaptureDialog *self);
/* Whether the filter compiles (an empty one does). */
gboolean    iot_capture_dialog_filter_is_valid (IotCaptureDialog *self);

/* Presets the choice (e.g. the last one). */
void        iot_capture_dialog_set_filter (IotCaptureDialog *self, const char *filter);
/* FALSE when no interface has that name. */
gboolean    iot_capture_dialog_select_interface (IotCaptureDialog *self, const char *name);

/* For tests. */
GtkListBox     *iot_capture_dialog_get_interface_list (IotCaptureDialog *self);
GtkEntry       *iot_capture_dialog_get_filter_entry (IotCaptureDialog *self);
GtkLabel       *iot_capture_dialog_get_filter_message (IotCaptureDialog *self);
GtkCheckButton *iot_capture_dialog_get_monitor_check (IotCaptureDialog *self);
GtkButton      *iot_capture_dialog_get_start_button (IotCaptureDialog *self);
/* The interface name a row of the list shows. */
const char     *iot_capture_dialog_row_interface (GtkListBoxRow *row);

G_END_DECLS
