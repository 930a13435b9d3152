/* iot-filter-bar.h — the display filter entry: checks the filter while it
 * is typed, completes field names, applies it on Enter. */
#pragma once

#include <gtk/gtk.h>

#include "iot-session.h"

G_BEGIN_DECLS

#define IOT_TYPE_FILTER_BAR (iot_filter_bar_get_type ())
G_DECLARE_FINAL_TYPE (IotFilterBar, iot_filter_bar, IOT, FILTER_BAR, GtkWidget)

typedef enum {
  IOT_FILTER_STATE_EMPTY,
  IOT_FILTER_STATE_VALID,
  IOT_FILTER_STATE_DEPRECATED,
  IOT_FILTER_STATE_INVALID,
} IotFilterState;

GtkWidget     *iot_filter_bar_new (void);
void           iot_filter_bar_set_session (IotFilterBar *self, IotSession *session);
/* Puts @text in the entry (checked as if typed); applies it if @apply. */
void           iot_filter_bar_set_text (IotFilterBar *self, const char *text, gboolean apply);
/* Applies what the entry holds; FALSE when it does not compile. */
gboolean       iot_filter_bar_apply (IotFilterBar *self);

#define IOT_FILTER_HISTORY_MAX 20

/* Where the history and the saved buttons are kept; NULL (the default)
 * keeps them for this window only. */
void           iot_filter_bar_set_settings (IotFilterBar *self, GSettings *settings);
/* Saves @text as a button named @name under the entry (replacing one of
 * the same name); iot_filter_bar_remove_saved() takes it away. */
void           iot_filter_bar_add_saved (IotFilterBar *self, const char *name, const char *text);
void           iot_filter_bar_remove_saved (IotFilterBar *self, const char *name);

G_END_DECLS
