/* iot-find-bar.h — Find Packet (Ctrl+F): a bar above the packet list that
 * looks for the next displayed frame matching a display filter, hex
 * bytes, a string or a regular expression, in a worker. */
#pragma once

#include <gtk/gtk.h>

#include "iot-find.h"
#include "iot-session.h"

G_BEGIN_DECLS

#define IOT_TYPE_FIND_BAR (iot_find_bar_get_type ())
G_DECLARE_FINAL_TYPE (IotFindBar, iot_find_bar, IOT, FIND_BAR, GtkWidget)

GtkWidget    *iot_find_bar_new (void);
void          iot_find_bar_set_session (IotFindBar *self, IotSession *session);
/* Shows the bar and puts the focus in its entry. */
void          iot_find_bar_reveal (IotFindBar *self);
/* Hides it and stops a search that runs. */
void          iot_find_bar_dismiss (IotFindBar *self);

/* Looks for the next (or previous) displayed frame after the selected one
 * (from the first or last when none is), wrapping around the end;
 * "search-finished" follows with the frame selected (0: none matched or
 * the search text is wrong, see the status label).  FALSE when there is
 * nothing to search (no capture, text that does not compile). */
gboolean      iot_find_bar_find (IotFindBar *self, gboolean backwards);

GtkEntry     *iot_find_bar_get_entry (IotFindBar *self);

G_END_DECLS
