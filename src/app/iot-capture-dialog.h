/* iot-capture-dialog.h — Capture Options: interfaces, capture filter
 * (checked while typed), promiscuous and monitor mode, Start. */
#pragma once

#include <gtk/gtk.h>

#include "iot-live-control.h"
#include "iot-sparkline.h"

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
void        iot_capture_dialog_get_limits (IotCaptureDialog *self, IotCaptureLimits *limits);
void        iot_capture_dialog_set_limits (IotCaptureDialog *self, const IotCaptureLimits *limits);

/* Presets the choice (e.g. the last one). */
void        iot_capture_dialog_set_filter (IotCaptureDialog *self, const char *filter);
/* FALSE when no interface has that name. */
gboolean    iot_capture_dialog_select_interface (IotCaptureDialog *self, const char *name);

/* The DLT chosen, 0 when the default is kept or nothing is known. */
int             iot_capture_dialog_get_link_type (IotCaptureDialog *self);
/* Whether @row's interface supports monitor mode, as its row shows it. */
gboolean        iot_capture_dialog_row_can_monitor (GtkListBoxRow *row);
/* The interface name a row of the list shows. */
const char     *iot_capture_dialog_row_interface (GtkListBoxRow *row);
/* Reads every row's packet rate now. */
void            iot_capture_dialog_sample_rates (IotCaptureDialog *self);

G_END_DECLS
