/* iot-comment-dialog.c — editing a packet comment. */
#include "iot-comment-dialog.h"

#include <glib/gi18n.h>

#include "iot-capture.h"
#include "iot-frame-notes.h"

struct _IotCommentDialog {
  GtkWindow    parent_instance;

  GtkLabel    *heading;
  GtkTextView *text_view;

  IotSession  *session;
  IotCapture  *capture;   /* the comment belongs to this capture's frame */
  guint32      number;
  guint        index;
};

G_DEFINE_FINAL_TYPE (IotCommentDialog, iot_comment_dialog, GTK_TYPE_WINDOW)

static void
cancel_clicked_cb (IotCommentDialog *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_clicked_cb (IotCommentDialog *self)
{
  iot_comment_dialog_save (self);
}

void
iot_comment_dialog_save (IotCommentDialog *self)
{
  IotFile *file = iot_capture_file (self->capture);
  g_auto (GStrv) comments = iot_file_dup_frame_comments (file, self->number);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) changed = NULL;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;
  g_autofree char *stripped = NULL;
  guint n = comments != NULL ? g_strv_length (comments) : 0;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  stripped = g_strstrip (g_strdup (text));
  for (guint i = 0; i < n; i++)
    g_strv_builder_add (builder, i == self->index ? stripped : comments[i]);
  if (self->index >= n)
    g_strv_builder_add (builder, stripped);
  changed = g_strv_builder_end (builder);
  /* The session may show another capture by now: then it is not told. */
  iot_file_set_frame_comments (file, self->number, (const char *const *) changed);
  if (iot_session_get_capture (self->session) == self->capture)
    iot_session_notes_changed (self->session, self->number);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
iot_comment_dialog_dispose (GObject *object)
{
  IotCommentDialog *self = IOT_COMMENT_DIALOG (object);

  g_clear_object (&self->session);
  g_clear_pointer (&self->capture, iot_capture_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), IOT_TYPE_COMMENT_DIALOG);
  G_OBJECT_CLASS (iot_comment_dialog_parent_class)->dispose (object);
}

static void
iot_comment_dialog_class_init (IotCommentDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = iot_comment_dialog_dispose;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-comment-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, IotCommentDialog, heading);
  gtk_widget_class_bind_template_child (widget_class, IotCommentDialog, text_view);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
iot_comment_dialog_init (IotCommentDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

IotCommentDialog *
iot_comment_dialog_new (GtkWindow *parent, IotSession *session, guint32 number, guint index)
{
  IotCommentDialog *self;
  IotCapture *capture = iot_session_get_capture (session);
  g_auto (GStrv) comments = NULL;
  g_autofree char *heading = NULL;

  g_return_val_if_fail (capture != NULL && number >= 1, NULL);
  self = g_object_new (IOT_TYPE_COMMENT_DIALOG, "transient-for", parent, NULL);
  self->session = g_object_ref (session);
  self->capture = iot_capture_ref (capture);
  self->number = number;
  comments = iot_file_dup_frame_comments (iot_capture_file (capture), number);
  self->index = comments != NULL ? MIN (index, g_strv_length (comments)) : 0;
  if (comments != NULL && self->index < g_strv_length (comments))
    {
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), comments[self->index], -1);
      heading = g_strdup_printf (_("Comment %u of packet %u:"), self->index + 1, number);
    }
  else
    heading = g_strdup_printf (_("New comment on packet %u:"), number);
  gtk_label_set_text (self->heading, heading);
  return self;
}
