/* iot-window-private.h — what the files of the main window share.
 *
 * The window is one class written in several files, one per concern:
 *   iot-window.c           the class, its template, construction, settings
 *   iot-window-status.c    the status bar: counts, expert, decrypted TLS
 *   iot-window-files.c     open, recent files, drop, reload
 *   iot-window-export.c    save and export, with their questions
 *   iot-window-live.c      live capture (through IotLiveControl)
 *   iot-window-actions.c   navigation and view actions
 *   iot-window-analysis.c  analysis and Follow windows, and their signals
 *   iot-window-notes.c     Find Packet, marks, ignores, comments
 * Each file installs its own actions from iot_window_class_init(). */
#pragma once

#include "iot-window.h"
#include "iot-live-control.h"

G_BEGIN_DECLS

struct _IotWindow {
  GtkApplicationWindow parent_instance;

  IotFilterBar   *filter_bar;
  IotFindBar     *find_bar;
  GtkRevealer    *progress_revealer;
  GtkProgressBar *progress_bar;
  GtkPaned       *outer_paned;
  GtkPaned       *side_split;      /* the packet panes | a side pane */
  GtkPaned       *inner_paned;
  IotPacketList  *packet_list;
  IotProtoTree   *proto_tree;
  IotHexView     *hex_view;
  GtkLabel       *description;
  GtkLabel       *status_file;
  GtkLabel       *status_counts;
  GtkStack       *content_stack;    /* the welcome page with no capture open */
  GtkLabel       *status_expert;
  GtkLabel       *status_tls;
  GtkMenuButton  *goto_button;
  GtkPopover     *goto_popover;
  GtkEntry       *goto_entry;
  GtkButton      *goto_go;
  GMenu          *recent_section;

  IotSession     *session;
  GSettings      *settings;
  GtkFileChooserNative *chooser;
  GtkFileChooserNative *save_chooser;
  GtkDialog      *save_question;    /* pcap and comments: destroyed with the window */
  GtkFileFilter  *pcapng_filter;
  /* Which choices the open chooser has (asking for another one warns). */
  gboolean        save_chooses_range;
  gboolean        save_chooses_secrets;
  IotExportSecrets save_secrets;    /* the chooser's answer, for iot_window_save() */
  gboolean        show_dialogs;
  gboolean        restoring;

  /* The selected frame's streams, for Follow; -1 = none. */
  gint64          tcp_stream;
  gint64          udp_stream;
  gboolean        has_mqtt;

  /* Live capture. */
  IotLiveControl *live;
  gboolean        auto_scroll;
  guint           scroll_id;        /* a scroll to the newest rows, queued */
  IotCaptureDialog *capture_dialog;
  gboolean        close_confirmed;

  GCancellable   *tls_count;        /* the running count of decrypted TLS sessions */
};

/* iot-window.c */
void     iot_window_show_error (IotWindow *self, const char *title, const char *detail);

/* iot-window-status.c */
void     iot_window_status_init (IotWindow *self);
void     iot_window_status_dispose (IotWindow *self);
void     iot_window_update_status (IotWindow *self);
void     iot_window_update_expert (IotWindow *self);
/* Counts again, in a worker, the TLS sessions the secrets decrypt. */
void     iot_window_count_tls_sessions (IotWindow *self);

/* iot-window-files.c */
void     iot_window_files_class_init (GtkWidgetClass *widget_class);
void     iot_window_files_init (IotWindow *self);
void     iot_window_files_dispose (IotWindow *self);
/* Dissects again when the secrets or dissection settings change. */
void     iot_window_files_watch_settings (IotWindow *self, GSettings *settings);

/* iot-window-export.c */
void     iot_window_export_class_init (GtkWidgetClass *widget_class);
void     iot_window_export_dispose (IotWindow *self);
/* Save, export, reload and the analyses need a loaded, finished capture. */
void     iot_window_update_save_actions (IotWindow *self);
/* The file chooser helper the open and save choosers share. */
void     iot_window_add_file_filter (GtkFileChooser *chooser, const char *name, const char *const *patterns,
                                     const char *const *mime_types);

/* iot-window-live.c */
void     iot_window_live_class_init (GtkWidgetClass *widget_class);
void     iot_window_live_init (IotWindow *self);
void     iot_window_live_dispose (IotWindow *self);
/* Scrolls to the newest rows soon, when auto-scroll is on. */
void     iot_window_queue_scroll_to_newest (IotWindow *self);
/* FALSE when closing must wait for the user's answer about unsaved packets. */
gboolean iot_window_confirm_close (IotWindow *self);

/* iot-window-actions.c */
void     iot_window_actions_class_init (GtkWidgetClass *widget_class);
void     iot_window_actions_init (IotWindow *self);
/* The Preferences window changes the same keys the menu does. */
void     iot_window_actions_watch_settings (IotWindow *self, GSettings *settings);

/* iot-window-analysis.c */
void     iot_window_analysis_class_init (GtkWidgetClass *widget_class);
/* Which Follow items apply to the selected frame. */
void     iot_window_update_follow_actions (IotWindow *self);

/* For tests: the questions and choosers the window opens (not widgets
 * of its template). */
/* The question of iot_window_save() while it is shown, else NULL; its
 * buttons answer IOT_SAVE_AS_PCAPNG, IOT_SAVE_WITHOUT_COMMENTS and
 * GTK_RESPONSE_CANCEL. */
GtkDialog      *iot_window_get_save_question (IotWindow *self);
/* The Save As / Export Specified Frames file chooser while it is open
 * (its "secrets" choice: "true" embeds the TLS secrets), else NULL. */
GtkFileChooser *iot_window_get_save_chooser (IotWindow *self);
/* Whether that chooser has the "secrets" choice (key log entries known). */
gboolean        iot_window_save_offers_secrets (IotWindow *self);
/* The comment dialog last opened by notes.comment; NULL when none
 * (iot-window-notes.c). */
GtkWindow      *iot_window_notes_get_comment_dialog (IotWindow *window);

G_END_DECLS
