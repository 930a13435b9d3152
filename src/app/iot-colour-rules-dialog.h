/* iot-colour-rules-dialog.h — the colouring rules editor: a working copy
 * of the colour-rules setting, saved by Apply once every enabled filter
 * compiles. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define IOT_TYPE_COLOUR_RULES_DIALOG (iot_colour_rules_dialog_get_type ())
G_DECLARE_FINAL_TYPE (IotColourRulesDialog, iot_colour_rules_dialog, IOT, COLOUR_RULES_DIALOG, GtkWindow)

IotColourRulesDialog *iot_colour_rules_dialog_new (GSettings *settings);


G_END_DECLS
