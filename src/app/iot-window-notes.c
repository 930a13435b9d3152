/* iot-window-notes.c — Find Packet, marks, ignores and comments in the
 * main window.  The notes live with the frame store (iot-frame-notes.h),
 * so filters (frame.marked), the tree and exports see them; the session
 * is told of each change so that rows and the tree are made again. */
#include "iot-window-notes.h"
#include "iot-window-private.h"

#include "iot-comment-dialog.h"
#include "iot-export.h"
#include "iot-frame-notes.h"

typedef struct {
  IotWindow  *window;     /* not a reference: the group lives on it */
  IotFindBar *find_bar;
  GWeakRef    comment_dialog;
} Notes;

static void
notes_free (gpointer data)
{
  Notes *notes = data;

  g_weak_ref_clear (&notes->comment_dialog);
  g_free (notes);
}

static IotFile *
notes_file (Notes *notes)
{
  IotCapture *capture = iot_session_get_capture (iot_window_get_session (notes->window));

  return capture != NULL ? iot_capture_file (capture) : NULL;
}

static guint32
selected_frame (Notes *notes)
{
  return iot_session_get_selected_frame (iot_window_get_session (notes->window));
}

/* ---- find --------------------------------------------------------------------- */

static void
find_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  Notes *notes = data;

  iot_find_bar_reveal (notes->find_bar);
}

static void
find_next_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  Notes *notes = data;
  gboolean backwards = g_str_equal (g_action_get_name (G_ACTION (action)), "find-previous");

  /* Without a search text yet, the shortcut opens the bar to type one. */
  if (gtk_editable_get_text (GTK_EDITABLE (iot_find_bar_get_entry (notes->find_bar)))[0] == '\0')
    iot_find_bar_reveal (notes->find_bar);
  else
    iot_find_bar_find (notes->find_bar, backwards);
}

/* ---- marks and ignores -------------------------------------------------------- */

static void
mark_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  Notes *notes = data;
  IotFile *file = notes_file (notes);
  guint32 number = selected_frame (notes);
  gboolean ignore = g_str_equal (g_action_get_name (G_ACTION (action)), "ignore");

  if (file == NULL || number == 0)
    return;
  if (ignore)
    iot_file_set_frame_ignored (file, number, !iot_file_frame_ignored (file, number));
  else
    iot_file_set_frame_marked (file, number, !iot_file_frame_marked (file, number));
  iot_session_notes_changed (iot_window_get_session (notes->window), number);
}

/* Marks, unmarks or ignores every displayed frame. */
static void
all_displayed_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  Notes *notes = data;
  const char *name = g_action_get_name (G_ACTION (action));
  IotFile *file = notes_file (notes);
  IotFrameList *frames = iot_session_get_frames (iot_window_get_session (notes->window));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (frames));

  if (file == NULL)
    return;
  for (guint position = 0; position < n; position++)
    {
      guint32 number = iot_frame_list_number_at (frames, position);

      if (g_str_equal (name, "ignore-displayed"))
        iot_file_set_frame_ignored (file, number, TRUE);
      else
        iot_file_set_frame_marked (file, number, g_str_equal (name, "mark-displayed"));
    }
  iot_session_notes_changed (iot_window_get_session (notes->window), 0);
}

static void
unignore_all_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  Notes *notes = data;
  IotFile *file = notes_file (notes);

  if (file == NULL)
    return;
  iot_file_clear_ignored (file);
  iot_session_notes_changed (iot_window_get_session (notes->window), 0);
}

/* The marked frame shown next after (or before) the selected one, in the
 * order of the list, going round at the ends as Wireshark does. */
static void
mark_next_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  Notes *notes = data;
  IotSession *session = iot_window_get_session (notes->window);
  IotFrameList *frames = iot_session_get_frames (session);
  IotFile *file = notes_file (notes);
  gboolean backwards = g_str_equal (g_action_get_name (G_ACTION (action)), "mark-previous");
  g_autoptr (GArray) marked = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (frames));
  guint current = 0, best_distance = G_MAXUINT;
  guint32 best = 0, selected = selected_frame (notes);
  gboolean has_current;

  if (file == NULL || n == 0)
    return;
  marked = iot_file_dup_marked (file);
  has_current = selected != 0 && iot_frame_list_find (frames, selected, &current);
  for (guint i = 0; i < marked->len; i++)
    {
      guint32 number = g_array_index (marked, guint32, i);
      guint position, distance;

      if (number == selected || !iot_frame_list_find (frames, number, &position))
        continue;
      if (!has_current)
        distance = backwards ? n - 1 - position : position;
      else
        distance = backwards ? (current + n - position) % n : (position + n - current) % n;
      if (distance < best_distance)
        {
          best_distance = distance;
          best = number;
        }
    }
  if (best != 0)
    iot_session_select_frame (session, best);
  else
    gtk_widget_error_bell (GTK_WIDGET (notes->window));
}

/* ---- comments ----------------------------------------------------------------- */

static void
open_comment_dialog (Notes *notes, gboolean add)
{
  IotSession *session = iot_window_get_session (notes->window);
  guint32 number = selected_frame (notes);
  IotCommentDialog *dialog;
  g_auto (GStrv) comments = NULL;

  if (notes_file (notes) == NULL || number == 0)
    return;
  comments = iot_file_dup_frame_comments (notes_file (notes), number);
  dialog = iot_comment_dialog_new (GTK_WINDOW (notes->window), session, number,
                                   add && comments != NULL ? g_strv_length (comments) : 0);
  g_weak_ref_set (&notes->comment_dialog, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
comment_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  open_comment_dialog (data, g_str_equal (g_action_get_name (G_ACTION (action)), "comment-add"));
}

static void
comment_delete_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  Notes *notes = data;
  guint32 number = selected_frame (notes);

  if (notes_file (notes) == NULL || number == 0)
    return;
  iot_file_set_frame_comments (notes_file (notes), number, NULL);
  iot_session_notes_changed (iot_window_get_session (notes->window), number);
}

/* Actions on the selected frame need one. */
static void
selection_cb (IotSession *session, GParamSpec *pspec, GActionMap *group)
{
  static const char *const on_selected[] = {
    "mark", "ignore", "comment", "comment-add", "comment-delete",
  };
  gboolean has = iot_session_get_selected_frame (session) != 0;

  for (guint i = 0; i < G_N_ELEMENTS (on_selected); i++)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (group, on_selected[i])), has);
}

/* ---- setup -------------------------------------------------------------------- */

static void
add_shortcut (GtkShortcutController *controller, const char *trigger, const char *action)
{
  gtk_shortcut_controller_add_shortcut (controller,
                                        gtk_shortcut_new (gtk_shortcut_trigger_parse_string (trigger),
                                                          gtk_named_action_new (action)));
}

void
iot_window_notes_setup (IotWindow *window, IotFindBar *find_bar)
{
  static const GActionEntry entries[] = {
    { .name = "find", .activate = find_activated },
    { .name = "find-next", .activate = find_next_activated },
    { .name = "find-previous", .activate = find_next_activated },
    { .name = "mark", .activate = mark_activated },
    { .name = "ignore", .activate = mark_activated },
    { .name = "mark-displayed", .activate = all_displayed_activated },
    { .name = "unmark-displayed", .activate = all_displayed_activated },
    { .name = "ignore-displayed", .activate = all_displayed_activated },
    { .name = "unignore-all", .activate = unignore_all_activated },
    { .name = "mark-next", .activate = mark_next_activated },
    { .name = "mark-previous", .activate = mark_next_activated },
    { .name = "comment", .activate = comment_activated },
    { .name = "comment-add", .activate = comment_activated },
    { .name = "comment-delete", .activate = comment_delete_activated },
  };
  static const char *const shortcuts[][2] = {
    { "<Control>f", "notes.find" },
    { "<Control>n", "notes.find-next" },
    { "<Control>b", "notes.find-previous" },
    { "<Control>m", "notes.mark" },
    { "<Shift><Control>m", "notes.mark-displayed" },
    { "<Control><Alt>m", "notes.unmark-displayed" },
    { "<Shift><Control>n", "notes.mark-next" },
    { "<Shift><Control>b", "notes.mark-previous" },
    { "<Control>d", "notes.ignore" },
    { "<Shift><Control>d", "notes.ignore-displayed" },
    { "<Control><Alt>d", "notes.unignore-all" },
    { "<Control><Alt>c", "notes.comment" },
  };
  g_autoptr (GSimpleActionGroup) group = g_simple_action_group_new ();
  GtkEventController *controller = gtk_shortcut_controller_new ();
  Notes *notes = g_new0 (Notes, 1);

  notes->window = window;
  notes->find_bar = find_bar;
  g_weak_ref_init (&notes->comment_dialog, NULL);
  g_object_set_data_full (G_OBJECT (window), "iot-window-notes", notes, notes_free);
  g_action_map_add_action_entries (G_ACTION_MAP (group), entries, G_N_ELEMENTS (entries), notes);
  gtk_widget_insert_action_group (GTK_WIDGET (window), "notes", G_ACTION_GROUP (group));
  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    add_shortcut (GTK_SHORTCUT_CONTROLLER (controller), shortcuts[i][0], shortcuts[i][1]);
  gtk_widget_add_controller (GTK_WIDGET (window), controller);
  g_signal_connect_object (iot_window_get_session (window), "notify::selected-frame", G_CALLBACK (selection_cb),
                           group, 0);
  selection_cb (iot_window_get_session (window), NULL, G_ACTION_MAP (group));
}

GtkWindow *
iot_window_notes_get_comment_dialog (IotWindow *window)
{
  Notes *notes = g_object_get_data (G_OBJECT (window), "iot-window-notes");
  GtkWindow *dialog = notes != NULL ? g_weak_ref_get (&notes->comment_dialog) : NULL;

  /* The window's list of toplevels keeps it alive while shown. */
  if (dialog != NULL)
    g_object_unref (dialog);
  return dialog;
}

guint
iot_window_notes_count_commented (IotWindow *window, const guint32 *numbers, guint n)
{
  IotCapture *capture = iot_session_get_capture (iot_window_get_session (window));
  IotFile *file = capture != NULL ? iot_capture_file (capture) : NULL;
  guint n_commented = 0;

  if (file == NULL || !iot_file_has_comments (file))
    return 0;
  for (guint i = 0; i < n; i++)
    {
      g_auto (GStrv) comments = iot_file_dup_frame_comments (file, numbers[i]);

      n_commented += comments != NULL;
    }
  return n_commented;
}
