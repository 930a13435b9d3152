/* iot-decode-as-dialog.h — Decode As: the decode-as setting's entries
 * (tshark's -d TABLE==VALUE,PROTOCOL), listed, added and removed; the
 * settings' watchers put them in the hand-off tables and decode the open
 * captures again. */
#pragma once

#include <gtk/gtk.h>

#include "iot-session.h"

G_BEGIN_DECLS

#define IOT_TYPE_DECODE_AS_DIALOG (iot_decode_as_dialog_get_type ())
G_DECLARE_FINAL_TYPE (IotDecodeAsDialog, iot_decode_as_dialog, IOT, DECODE_AS_DIALOG, GtkWindow)

/* @session (may be NULL): its selected frame's transport port fills in
 * the value. */
IotDecodeAsDialog *iot_decode_as_dialog_new (GSettings *settings, IotSession *session);

/* Selects @abbrev in the protocol list; FALSE if no protocol has it. */
gboolean     iot_decode_as_dialog_select_protocol (IotDecodeAsDialog *self, const char *abbrev);

G_END_DECLS
