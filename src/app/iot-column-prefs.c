/* iot-column-prefs.c — the packet list's column arrangement.
 *
 * The seven built-in columns stay the packet list's own (it draws and
 * sorts them); this module orders them, titles them and shows or hides
 * them, and adds the columns it draws itself: a Comment column and custom
 * columns of one field each.  Their cells dissect the row's frame once
 * for all custom fields, with a small cache, as the built-in summary
 * columns do.
 */
#include "iot-column-prefs.h"
#include "iot-app-test.h"

#include <glib/gi18n.h>

#include "iot-capture.h"
#include "iot-column-editor.h"
#include "iot-format.h"
#include "iot-frame-notes.h"

/* Frames whose custom values are kept; the list shows a few dozen rows. */
#define VALUE_CACHE_SIZE 2048

struct _IotColumnPrefs {
  GObject        parent_instance;

  GtkWidget     *window;         /* not a reference: it owns us */
  IotPacketList *list;
  IotSession    *session;
  GSettings     *settings;
  GPtrArray     *specs;          /* IotColumnSpec */
  GPtrArray     *view_columns;   /* GtkColumnViewColumn, one per spec */
  GHashTable    *bound;          /* GtkListItem of our columns */
  GHashTable    *values;         /* frame number → GStrv, one value per spec */
  IotFieldSet   *fields;         /* the custom columns' fields */
  gboolean       applying;
  IotColumnEditor *editor;
};

G_DEFINE_FINAL_TYPE (IotColumnPrefs, iot_column_prefs, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *const builtin_titles[IOT_N_COLUMNS] = {
  N_("No."), N_("Time"), N_("Source"), N_("Destination"), N_("Protocol"), N_("Length"), N_("Info"),
};

static IotColumnSpec *
spec_new (const char *id, const char *field, const char *title, gboolean visible)
{
  IotColumnSpec *spec = g_new0 (IotColumnSpec, 1);

  spec->id = g_strdup (id);
  spec->field = g_strdup (field != NULL ? field : "");
  spec->title = g_strdup (title);
  spec->visible = visible;
  return spec;
}

static void
spec_free (gpointer data)
{
  IotColumnSpec *spec = data;

  g_free (spec->id);
  g_free (spec->field);
  g_free (spec->title);
  g_free (spec);
}

static int
builtin_of (const IotColumnSpec *spec)
{
  return iot_column_from_id (spec->id);
}

static gboolean
is_field (const IotColumnSpec *spec)
{
  return g_str_equal (spec->id, "field");
}

/* ---- cells of our columns --------------------------------------------------------- */

/* Values of every custom column for frame @number, in spec order. */
static char **
compute_values (IotColumnPrefs *self, guint32 number)
{
  IotCapture *capture = iot_session_get_capture (self->session);
  g_autoptr (IotPacket) pkt = iot_packet_new ();
  IotDissectOptions options = { .fields = self->fields };
  char **values = g_new0 (char *, self->specs->len + 1);

  iot_engine_dissect (iot_capture_engine (capture), pkt, number, &options);
  for (guint i = 0; i < self->specs->len; i++)
    {
      IotColumnSpec *spec = g_ptr_array_index (self->specs, i);
      g_autoptr (GString) text = g_string_new (NULL);

      for (guint n = 0; is_field (spec) && n < iot_packet_n_nodes (pkt); n++)
        {
          const IotNode *node = iot_packet_node (pkt, n);

          if (node->field == NULL || !g_str_equal (node->field->abbrev, spec->field))
            continue;
          if (text->len > 0)
            g_string_append_c (text, ',');
          iot_format_field_value (pkt, node, text);
        }
      values[i] = g_string_free (g_steal_pointer (&text), FALSE);
    }
  return values;
}

char *
iot_column_prefs_dup_cell_text (IotColumnPrefs *self, guint index, guint32 number)
{
  IotCapture *capture = iot_session_get_capture (self->session);
  IotColumnSpec *spec;
  char **values;

  g_return_val_if_fail (index < self->specs->len, NULL);
  spec = g_ptr_array_index (self->specs, index);
  if (builtin_of (spec) >= 0 || capture == NULL || number == 0 || number > iot_capture_n_passed (capture))
    return NULL;
  if (g_str_equal (spec->id, "comment"))
    {
      g_auto (GStrv) comments = iot_file_dup_frame_comments (iot_capture_file (capture), number);
      g_autofree char *joined = comments != NULL ? g_strjoinv (", ", comments) : g_strdup ("");

      /* One line per row. */
      return g_strdelimit (g_steal_pointer (&joined), "\r\n", ' ');
    }
  values = g_hash_table_lookup (self->values, GUINT_TO_POINTER (number));
  if (values == NULL)
    {
      if (g_hash_table_size (self->values) >= VALUE_CACHE_SIZE)
        g_hash_table_remove_all (self->values);
      values = compute_values (self, number);
      g_hash_table_insert (self->values, GUINT_TO_POINTER (number), values);
    }
  return g_strdup (values[index]);
}

static void
bind_item (IotColumnPrefs *self, GtkListItem *item)
{
  IotFrameRow *row = gtk_list_item_get_item (item);
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (item), "colprefs-index"));
  g_autofree char *text = NULL;

  if (row != NULL && index < self->specs->len)
    text = iot_column_prefs_dup_cell_text (self, index, iot_frame_row_get_number (row));
  gtk_inscription_set_text (GTK_INSCRIPTION (gtk_list_item_get_child (item)), text);
}

static void
setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, IotColumnPrefs *self)
{
  GtkWidget *text = gtk_inscription_new (NULL);

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (text), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_list_item_set_child (item, text);
}

static void
bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, IotColumnPrefs *self)
{
  g_object_set_data (G_OBJECT (item), "colprefs-index", g_object_get_data (G_OBJECT (factory), "colprefs-index"));
  g_hash_table_add (self->bound, item);
  bind_item (self, item);
}

static void
unbind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, IotColumnPrefs *self)
{
  g_hash_table_remove (self->bound, item);
}

/* The rows keep their widgets when the view changes: bind them again. */
static void
rebind_all (IotColumnPrefs *self)
{
  GHashTableIter iter;
  gpointer item;

  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &item, NULL))
    bind_item (self, item);
}

static void
forget_values (IotColumnPrefs *self)
{
  g_hash_table_remove_all (self->values);
  rebind_all (self);
}

static GtkColumnViewColumn *
make_column (IotColumnPrefs *self, guint index)
{
  IotColumnSpec *spec = g_ptr_array_index (self->specs, index);
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_object_set_data (G_OBJECT (factory), "colprefs-index", GUINT_TO_POINTER (index));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), self);
  column = gtk_column_view_column_new (spec->title, factory);
  gtk_column_view_column_set_resizable (column, TRUE);
  {
    /* The comment column sorts by frame.comment, whose values it shows. */
    g_autoptr (GtkSorter) sorter = iot_packet_list_new_field_sorter (self->list, is_field (spec) ? spec->field
                                                                                              : "frame.comment");

    gtk_column_view_column_set_sorter (column, sorter);
  }
  gtk_column_view_column_set_fixed_width (column, g_str_equal (spec->id, "comment") ? 200 : 120);
  return column;
}

/* ---- the view ---------------------------------------------------------------------- */

static guint
position_in_view (GtkColumnView *view, GtkColumnViewColumn *column)
{
  GListModel *columns = gtk_column_view_get_columns (view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr (GtkColumnViewColumn) at = g_list_model_get_item (columns, i);

      if (at == column)
        return i;
    }
  return G_MAXUINT;
}

static void
save (IotColumnPrefs *self)
{
  GVariantBuilder builder;

  if (self->settings == NULL)
    return;
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(sssb)"));
  for (guint i = 0; i < self->specs->len; i++)
    {
      IotColumnSpec *spec = g_ptr_array_index (self->specs, i);

      g_variant_builder_add (&builder, "(sssb)", spec->id, spec->field, spec->title, spec->visible);
    }
  g_settings_set_value (self->settings, "columns", g_variant_builder_end (&builder));
}

/* Several fields may share an abbreviation (MQTT's topic in PUBLISH and
 * in SUBSCRIBE): the column shows them all, as tshark's -e does. */
static void
want_field (IotFieldSet *set, const char *abbrev)
{
  for (guint id = 0; id < iot_registry_n_fields (); id++)
    {
      const IotField *field = iot_registry_field_by_id (id);

      if (field != NULL && g_str_equal (field->abbrev, abbrev))
        iot_field_set_add (set, field);
    }
}

/* Builds the view's columns from the specs: built-in ones moved (only
 * when they are out of place: moving a column drops a sort by it), ours
 * made anew. */
static void
apply (IotColumnPrefs *self)
{
  GtkColumnView *view = iot_packet_list_get_view (self->list);

  self->applying = TRUE;
  iot_packet_list_freeze_sort (self->list);
  for (guint i = 0; i < self->view_columns->len; i++)
    {
      GtkColumnViewColumn *column = g_ptr_array_index (self->view_columns, i);

      if (g_object_get_data (G_OBJECT (column), "colprefs-own") != NULL
          && gtk_column_view_column_get_column_view (column) == view)
        gtk_column_view_remove_column (view, column);
    }
  g_ptr_array_set_size (self->view_columns, 0);
  g_clear_pointer (&self->fields, iot_field_set_free);
  self->fields = iot_field_set_new ();
  g_hash_table_remove_all (self->values);
  /* Before any column is inserted: inserting one may bind its cells. */
  for (guint i = 0; i < self->specs->len; i++)
    if (is_field (g_ptr_array_index (self->specs, i)))
      want_field (self->fields, ((IotColumnSpec *) g_ptr_array_index (self->specs, i))->field);
  for (guint i = 0; i < self->specs->len; i++)
    {
      IotColumnSpec *spec = g_ptr_array_index (self->specs, i);
      int builtin = builtin_of (spec);
      GtkColumnViewColumn *column;

      if (builtin >= 0)
        {
          column = g_object_ref (iot_packet_list_get_column (self->list, builtin));
          if (position_in_view (view, column) != i)
            gtk_column_view_insert_column (view, i, column);
          iot_packet_list_set_column_visible (self->list, builtin, spec->visible);
        }
      else
        {
          column = make_column (self, i);
          g_object_set_data (G_OBJECT (column), "colprefs-own", GINT_TO_POINTER (1));
          gtk_column_view_insert_column (view, i, column);
          gtk_column_view_column_set_visible (column, spec->visible);
        }
      gtk_column_view_column_set_title (column, spec->title);
      g_ptr_array_add (self->view_columns, column);
    }
  iot_packet_list_thaw_sort (self->list);
  self->applying = FALSE;
}

static void
changed (IotColumnPrefs *self)
{
  apply (self);
  save (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* The header's menu shows and hides built-in columns too. */
static void
list_columns_changed_cb (IotPacketList *list, IotColumnPrefs *self)
{
  gboolean any = FALSE;

  if (self->applying)
    return;
  for (guint i = 0; i < self->specs->len; i++)
    {
      IotColumnSpec *spec = g_ptr_array_index (self->specs, i);
      int builtin = builtin_of (spec);

      if (builtin >= 0 && spec->visible != iot_packet_list_get_column_visible (list, builtin))
        {
          spec->visible = !spec->visible;
          any = TRUE;
        }
    }
  if (any)
    {
      save (self);
      g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
    }
}

/* ---- editing -------------------------------------------------------------------------- */

guint
iot_column_prefs_get_n_columns (IotColumnPrefs *self)
{
  return self->specs->len;
}

const IotColumnSpec *
iot_column_prefs_get_column (IotColumnPrefs *self, guint index)
{
  g_return_val_if_fail (index < self->specs->len, NULL);
  return g_ptr_array_index (self->specs, index);
}

GtkColumnViewColumn *
iot_column_prefs_get_view_column (IotColumnPrefs *self, guint index)
{
  g_return_val_if_fail (index < self->view_columns->len, NULL);
  return g_ptr_array_index (self->view_columns, index);
}

/* New columns go before Info, which takes the room that is left. */
static guint
insert_position (IotColumnPrefs *self)
{
  for (guint i = 0; i < self->specs->len; i++)
    if (builtin_of (g_ptr_array_index (self->specs, i)) == IOT_COLUMN_INFO)
      return i;
  return self->specs->len;
}

gboolean
iot_column_prefs_add_field (IotColumnPrefs *self, const char *abbrev, const char *title,
                            guint *index, GError **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (abbrev != NULL ? abbrev : ""));
  const IotField *field = iot_registry_field (stripped);
  guint at = insert_position (self);

  g_return_val_if_fail (IOT_IS_COLUMN_PREFS (self), FALSE);
  if (field == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   stripped[0] == '\0' ? _("Type a field name, e.g. mqtt.topic")
                                       : _("“%s” is not a field name (iotscope-cli -G fields lists them)"), stripped);
      return FALSE;
    }
  g_ptr_array_insert (self->specs, at,
                      spec_new ("field", stripped, title != NULL && title[0] != '\0' ? title : field->name, TRUE));
  if (index != NULL)
    *index = at;
  changed (self);
  return TRUE;
}

void
iot_column_prefs_add_comment (IotColumnPrefs *self)
{
  g_ptr_array_insert (self->specs, insert_position (self), spec_new ("comment", "", _("Comment"), TRUE));
  changed (self);
}

gboolean
iot_column_prefs_remove (IotColumnPrefs *self, guint index)
{
  g_return_val_if_fail (index < self->specs->len, FALSE);
  if (builtin_of (g_ptr_array_index (self->specs, index)) >= 0)
    return FALSE;
  g_ptr_array_remove_index (self->specs, index);
  changed (self);
  return TRUE;
}

void
iot_column_prefs_move (IotColumnPrefs *self, guint index, guint to)
{
  IotColumnSpec *spec;

  g_return_if_fail (index < self->specs->len);
  to = MIN (to, self->specs->len - 1);
  if (to == index)
    return;
  spec = g_ptr_array_steal_index (self->specs, index);
  g_ptr_array_insert (self->specs, to, spec);
  changed (self);
}

void
iot_column_prefs_set_title (IotColumnPrefs *self, guint index, const char *title)
{
  IotColumnSpec *spec;

  g_return_if_fail (index < self->specs->len);
  spec = g_ptr_array_index (self->specs, index);
  if (g_strcmp0 (spec->title, title) == 0)
    return;
  g_free (spec->title);
  spec->title = g_strdup (title);
  gtk_column_view_column_set_title (g_ptr_array_index (self->view_columns, index), title);
  save (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

void
iot_column_prefs_set_visible (IotColumnPrefs *self, guint index, gboolean visible)
{
  IotColumnSpec *spec;

  g_return_if_fail (index < self->specs->len);
  spec = g_ptr_array_index (self->specs, index);
  if (spec->visible == visible)
    return;
  spec->visible = visible;
  changed (self);
}

static void
set_defaults (IotColumnPrefs *self)
{
  g_ptr_array_set_size (self->specs, 0);
  for (IotColumn column = 0; column < IOT_N_COLUMNS; column++)
    g_ptr_array_add (self->specs, spec_new (iot_column_id (column), "", _(builtin_titles[column]),
                                            iot_packet_list_get_column_visible (self->list, column)));
}

void
iot_column_prefs_reset (IotColumnPrefs *self)
{
  for (IotColumn column = 0; column < IOT_N_COLUMNS; column++)
    iot_packet_list_set_column_visible (self->list, column, TRUE);
  set_defaults (self);
  changed (self);
}

/* The saved arrangement; built-in columns it lacks (a newer version's)
 * are added at the end, unknown entries dropped. */
static void
load (IotColumnPrefs *self)
{
  g_autoptr (GVariant) saved = self->settings != NULL ? g_settings_get_value (self->settings, "columns") : NULL;
  gboolean seen[IOT_N_COLUMNS] = { FALSE };
  GVariantIter iter;
  const char *id, *field, *title;
  gboolean visible;

  set_defaults (self);
  if (saved == NULL || g_variant_n_children (saved) == 0)
    return;
  g_ptr_array_set_size (self->specs, 0);
  g_variant_iter_init (&iter, saved);
  while (g_variant_iter_next (&iter, "(&s&s&sb)", &id, &field, &title, &visible))
    {
      int builtin = iot_column_from_id (id);

      if (builtin >= 0 && !seen[builtin])
        seen[builtin] = TRUE;
      else if (!(g_str_equal (id, "comment") || (g_str_equal (id, "field") && field[0] != '\0')))
        continue;
      g_ptr_array_add (self->specs, spec_new (id, field, title, visible));
    }
  for (IotColumn column = 0; column < IOT_N_COLUMNS; column++)
    if (!seen[column])
      g_ptr_array_add (self->specs, spec_new (iot_column_id (column), "", _(builtin_titles[column]), TRUE));
}

/* ---- actions ----------------------------------------------------------------------------- */

static void
edit_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  iot_column_prefs_show_editor (data);
}

/* "Apply as Column": the field of the tree's selected row. */
static void
apply_selected_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  IotColumnPrefs *self = data;
  IotPacket *pkt = iot_session_get_packet (self->session);
  int node = iot_session_get_selected_node (self->session);
  const IotNode *selected;

  if (pkt == NULL || node < 0 || (guint) node >= iot_packet_n_nodes (pkt))
    return;
  selected = iot_packet_node (pkt, node);
  if (selected->field != NULL)
    iot_column_prefs_add_field (self, selected->field->abbrev, NULL, NULL, NULL);
}

static void
selected_node_cb (IotSession *session, GParamSpec *pspec, GSimpleAction *action)
{
  IotPacket *pkt = iot_session_get_packet (session);
  int node = iot_session_get_selected_node (session);

  g_simple_action_set_enabled (action, pkt != NULL && node >= 0 && (guint) node < iot_packet_n_nodes (pkt)
                                       && iot_packet_node (pkt, node)->field != NULL);
}

GtkWindow *
iot_column_prefs_show_editor (IotColumnPrefs *self)
{
  if (self->editor == NULL)
    {
      self->editor = iot_column_editor_new (GTK_WINDOW (self->window), self);
      g_object_add_weak_pointer (G_OBJECT (self->editor), (gpointer *) &self->editor);
    }
  gtk_window_present (GTK_WINDOW (self->editor));
  return GTK_WINDOW (self->editor);
}

/* ---- construction ------------------------------------------------------------------------ */

static void
session_path_cb (IotColumnPrefs *self)
{
  forget_values (self);
}

IotColumnPrefs *
iot_column_prefs_attach (GtkWidget *window, IotPacketList *list, IotSession *session, GSettings *settings)
{
  IotColumnPrefs *self = g_object_new (IOT_TYPE_COLUMN_PREFS, NULL);
  g_autoptr (GSimpleActionGroup) group = g_simple_action_group_new ();
  const GActionEntry entries[] = {
    { .name = "edit", .activate = edit_activated },
    { .name = "apply-selected", .activate = apply_selected_activated },
  };
  GtkPopoverMenu *header = GTK_POPOVER_MENU (iot_packet_list_get_header_menu (list));
  GMenuModel *model = gtk_popover_menu_get_menu_model (header);
  g_autoptr (GMenu) section = g_menu_new ();

  self->window = window;
  self->list = g_object_ref (list);
  self->session = g_object_ref (session);
  g_set_object (&self->settings, settings);
  load (self);
  apply (self);
  g_object_set_data_full (G_OBJECT (window), "iot-column-prefs", self, g_object_unref);

  g_action_map_add_action_entries (G_ACTION_MAP (group), entries, G_N_ELEMENTS (entries), self);
  gtk_widget_insert_action_group (window, "colprefs", G_ACTION_GROUP (group));
  g_signal_connect_object (session, "notify::selected-node", G_CALLBACK (selected_node_cb),
                           g_action_map_lookup_action (G_ACTION_MAP (group), "apply-selected"), 0);
  g_signal_connect_object (session, "notify::selected-frame", G_CALLBACK (selected_node_cb),
                           g_action_map_lookup_action (G_ACTION_MAP (group), "apply-selected"), 0);
  selected_node_cb (session, NULL, G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (group), "apply-selected")));
  /* The header's menu ends with the preferences. */
  if (G_IS_MENU (model))
    {
      g_menu_append (section, "Column _Preferences…", "colprefs.edit");
      g_menu_append_section (G_MENU (model), NULL, G_MENU_MODEL (section));
    }

  g_signal_connect_object (list, "columns-changed", G_CALLBACK (list_columns_changed_cb), self, 0);
  g_signal_connect_object (iot_session_get_frames (session), "view-changed", G_CALLBACK (rebind_all), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notes-changed", G_CALLBACK (rebind_all), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::path", G_CALLBACK (session_path_cb), self, G_CONNECT_SWAPPED);
  return self;
}

IotColumnPrefs *
iot_column_prefs_get_for (GtkWidget *window)
{
  return g_object_get_data (G_OBJECT (window), "iot-column-prefs");
}

static void
iot_column_prefs_dispose (GObject *object)
{
  IotColumnPrefs *self = IOT_COLUMN_PREFS (object);

  if (self->editor != NULL)
    gtk_window_destroy (GTK_WINDOW (self->editor));
  g_clear_object (&self->list);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (iot_column_prefs_parent_class)->dispose (object);
}

static void
iot_column_prefs_finalize (GObject *object)
{
  IotColumnPrefs *self = IOT_COLUMN_PREFS (object);

  g_ptr_array_unref (self->specs);
  g_ptr_array_unref (self->view_columns);
  g_hash_table_unref (self->bound);
  g_hash_table_unref (self->values);
  g_clear_pointer (&self->fields, iot_field_set_free);
  G_OBJECT_CLASS (iot_column_prefs_parent_class)->finalize (object);
}

static void
iot_column_prefs_class_init (IotColumnPrefsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = iot_column_prefs_dispose;
  object_class->finalize = iot_column_prefs_finalize;
  /* The arrangement changed (the editor follows it). */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
iot_column_prefs_init (IotColumnPrefs *self)
{
  self->specs = g_ptr_array_new_with_free_func (spec_free);
  self->view_columns = g_ptr_array_new_with_free_func (g_object_unref);
  self->bound = g_hash_table_new (NULL, NULL);
  self->values = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_strfreev);
}
