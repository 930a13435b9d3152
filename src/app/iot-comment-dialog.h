/* iot-comment-dialog.h — "Packet Comment…": edits one comment of a frame
 * (a new one when the frame has none). */
#pragma once

#include <gtk/gtk.h>

#include "iot-session.h"

G_BEGIN_DECLS

#define IOT_TYPE_COMMENT_DIALOG (iot_comment_dialog_get_type ())
G_DECLARE_FINAL_TYPE (IotCommentDialog, iot_comment_dialog, IOT, COMMENT_DIALOG, GtkWindow)

/* Edits comment @index of frame @number (index = the number of comments
 * the frame has: a new one). */
IotCommentDialog *iot_comment_dialog_new (GtkWindow *parent, IotSession *session, guint32 number, guint index);
/* What OK does: stores the text (empty: removes the comment) and closes. */
void              iot_comment_dialog_save (IotCommentDialog *self);

G_END_DECLS
