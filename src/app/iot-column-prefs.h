/* iot-column-prefs.h — the packet list's columns as the user arranges
 * them: the built-in ones (No., Time, Source, …), a Comment column and
 * custom columns showing a field by its abbreviation ("mqtt.topic"), in
 * any order, with any title, shown or hidden.  Kept in GSettings (key
 * "columns"); the list's GtkColumnView is rebuilt from them at each change. */
#pragma once

#include <gtk/gtk.h>

#include "iot-packet-list.h"
#include "iot-session.h"

G_BEGIN_DECLS

/* One column: @id is a built-in column's id ("number" … "info"),
 * "comment", or "field" with @field the abbreviation shown. */
typedef struct {
  char    *id;
  char    *field;     /* "" unless id is "field" */
  char    *title;
  gboolean visible;
} IotColumnSpec;

#define IOT_TYPE_COLUMN_PREFS (iot_column_prefs_get_type ())
G_DECLARE_FINAL_TYPE (IotColumnPrefs, iot_column_prefs, IOT, COLUMN_PREFS, GObject)

/* Arranges @list's columns from @settings (may be NULL: not kept) and
 * adds the "colprefs" actions to @window: colprefs.edit (the Column
 * Preferences window), colprefs.apply-selected ("Apply as Column" on the
 * tree's selected field). */
IotColumnPrefs *iot_column_prefs_attach (GtkWidget *window, IotPacketList *list, IotSession *session,
                                         GSettings *settings);

guint           iot_column_prefs_get_n_columns (IotColumnPrefs *self);
const IotColumnSpec *iot_column_prefs_get_column (IotColumnPrefs *self, guint index);

/* A custom column for field @abbrev, before Info (NULL @title: the
 * field's name); FALSE with @error for an unknown field.  Returns its
 * index through @index (may be NULL). */
gboolean        iot_column_prefs_add_field (IotColumnPrefs *self, const char *abbrev, const char *title,
                                            guint *index, GError **error);
void            iot_column_prefs_add_comment (IotColumnPrefs *self);
/* Built-in columns cannot be removed (hide them instead). */
gboolean        iot_column_prefs_remove (IotColumnPrefs *self, guint index);
void            iot_column_prefs_move (IotColumnPrefs *self, guint index, guint to);
void            iot_column_prefs_set_title (IotColumnPrefs *self, guint index, const char *title);
void            iot_column_prefs_set_visible (IotColumnPrefs *self, guint index, gboolean visible);
/* Back to the seven built-in columns. */
void            iot_column_prefs_reset (IotColumnPrefs *self);

/* What column @index shows for frame @number, for the columns this
 * module draws (comment and custom ones); NULL for built-in ones. */
char           *iot_column_prefs_dup_cell_text (IotColumnPrefs *self, guint index, guint32 number);

/* The Column Preferences window (created on first use). */
GtkWindow      *iot_column_prefs_show_editor (IotColumnPrefs *self);

G_END_DECLS
