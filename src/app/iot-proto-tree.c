/* iot-proto-tree.c — the protocol tree: one row per visible node of the
 * selected frame, nested as the dissectors built them. */
#include "iot-proto-tree.h"
#include "iot-app-test.h"

#include <glib/gi18n.h>

#include <string.h>

#include "iot-format.h"

/* ---- IotTreeRow: one node of the tree ---------------------------------------- */

#define IOT_TYPE_TREE_ROW (iot_tree_row_get_type ())
G_DECLARE_FINAL_TYPE (IotTreeRow, iot_tree_row, IOT, TREE_ROW, GObject)

struct _IotTreeRow {
  GObject         parent_instance;
  int             node;
  char           *label;
  const IotField *field;
  guint8          flags;
  guint8          severity;
  GListStore     *children;   /* NULL for a leaf */
};

G_DEFINE_FINAL_TYPE (IotTreeRow, iot_tree_row, G_TYPE_OBJECT)

static void
iot_tree_row_finalize (GObject *object)
{
  IotTreeRow *self = IOT_TREE_ROW (object);

  g_free (self->label);
  g_clear_object (&self->children);
  G_OBJECT_CLASS (iot_tree_row_parent_class)->finalize (object);
}

static void
iot_tree_row_class_init (IotTreeRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = iot_tree_row_finalize;
}

static void
iot_tree_row_init (IotTreeRow *self)
{
}

/* A key that finds "the same" row in another frame, to keep it expanded. */
static char *
row_key (IotTreeRow *row)
{
  if (row->field != NULL)
    return g_strdup (row->field->abbrev);
  return g_strdup (row->label);
}

/* ---- IotProtoTree ------------------------------------------------------------ */

struct _IotProtoTree {
  GtkWidget           parent_instance;

  GtkScrolledWindow  *scroller;
  GtkListView        *view;
  GtkPopoverMenu     *context_menu;

  IotSession         *session;
  GtkSingleSelection *selection;
  /* Row keys the user has expanded; kept from one frame to the next. */
  GHashTable         *expanded;
  gboolean            syncing;
  /* Fields whose value an exercise asks for: MaskedField, shown without it. */
  GArray             *masked;
};

typedef struct {
  guint32         frame;
  const IotField *field;
} MaskedField;

G_DEFINE_FINAL_TYPE (IotProtoTree, iot_proto_tree, GTK_TYPE_WIDGET)

enum {
  SIGNAL_FILTER_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GListModel *
create_children (gpointer item, gpointer user_data)
{
  IotTreeRow *row = item;

  return row->children != NULL ? g_object_ref (G_LIST_MODEL (row->children)) : NULL;
}

static void
unref_if_set (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

static gboolean
is_masked (IotProtoTree *self, guint32 frame, const IotField *field)
{
  for (guint i = 0; field != NULL && i < self->masked->len; i++)
    {
      const MaskedField *masked = &g_array_index (self->masked, MaskedField, i);

      if (masked->frame == frame && masked->field == field)
        return TRUE;
    }
  return FALSE;
}

/* Rows above a hidden field that sum their children up (MQTT's "Header
 * Flags: …, QoS Level: Exactly once delivery") would give it away: they
 * lose their value too. */
static void
mask_summaries (GPtrArray *rows, const IotNode *nodes, const IotNode *hidden)
{
  for (gint32 up = hidden->parent; up >= 0; up = nodes[up].parent)
    {
      IotTreeRow *row = g_ptr_array_index (rows, up);

      if (row == NULL || row->field == NULL || row->field->type == IOT_FT_PROTOCOL
          || strstr (row->label, hidden->field->name) == NULL)
        continue;
      g_free (row->label);
      row->label = g_strdup_printf (_("%s: ●●● (hides an exercise's answer)"), row->field->name);
    }
}

/* Builds the rows for the selected frame: visible nodes only. */
static GListStore *
build_rows (IotProtoTree *self, IotPacket *pkt)
{
  guint32 frame = iot_session_get_selected_frame (self->session);
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  GListStore *root = g_list_store_new (IOT_TYPE_TREE_ROW);
  guint n = iot_packet_n_nodes (pkt);
  const IotNode *nodes = iot_packet_nodes (pkt);

  /* Parents precede children, so one pass in order suffices; rows[i] is
   * NULL for a node that is hidden (or under a hidden one). */
  rows = g_ptr_array_new_full (n, unref_if_set);
  for (guint i = 0; i < n; i++)
    {
      const IotNode *node = &nodes[i];
      IotTreeRow *parent = node->parent >= 0 ? g_ptr_array_index (rows, node->parent) : NULL;
      IotTreeRow *row;

      if ((node->flags & IOT_NODE_HIDDEN) || (node->parent >= 0 && parent == NULL))
        {
          g_ptr_array_add (rows, NULL);
          continue;
        }
      row = g_object_new (IOT_TYPE_TREE_ROW, NULL);
      row->node = i;
      row->field = node->field;
      row->flags = node->flags;
      row->severity = node->severity;
      g_string_truncate (text, 0);
      if (is_masked (self, frame, node->field))
        {
          g_string_printf (text, _("%s: ●●● (hidden: an exercise asks for it)"), node->field->name);
          mask_summaries (rows, nodes, node);
        }
      else
        iot_format_label (pkt, node, text);
      row->label = g_strdup (text->str);
      if (parent == NULL)
        g_list_store_append (root, row);
      else
        {
          if (parent->children == NULL)
            parent->children = g_list_store_new (IOT_TYPE_TREE_ROW);
          g_list_store_append (parent->children, row);
        }
      g_ptr_array_add (rows, row);
    }
  return root;
}

static GtkTreeListModel *
tree_model (IotProtoTree *self)
{
  return GTK_TREE_LIST_MODEL (gtk_single_selection_get_model (self->selection));
}

static IotTreeRow *
row_at (IotProtoTree *self, guint position, GtkTreeListRow **list_row)
{
  g_autoptr (GtkTreeListRow) tree_row = gtk_tree_list_model_get_row (tree_model (self), position);

  if (tree_row == NULL)
    return NULL;
  if (list_row != NULL)
    *list_row = g_object_ref (tree_row);
  return IOT_TREE_ROW (gtk_tree_list_row_get_item (tree_row));
}

/* Remembers which rows are open before the tree is replaced. */
static void
remember_expanded (IotProtoTree *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GtkTreeListRow) tree_row = NULL;
      g_autoptr (IotTreeRow) row = row_at (self, i, &tree_row);

      if (row != NULL && row->children != NULL)
        {
          if (gtk_tree_list_row_get_expanded (tree_row))
            g_hash_table_add (self->expanded, row_key (row));
          else
            g_hash_table_remove (self->expanded, (gpointer) (row->field != NULL ? row->field->abbrev : row->label));
        }
    }
}

static void
restore_expanded (IotProtoTree *self)
{
  /* Expanding grows the list as we walk it: re-read the count. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->selection)); i++)
    {
      g_autoptr (GtkTreeListRow) tree_row = NULL;
      g_autoptr (IotTreeRow) row = row_at (self, i, &tree_row);
      g_autofree char *key = NULL;

      if (row == NULL || row->children == NULL)
        continue;
      key = row_key (row);
      if (g_hash_table_contains (self->expanded, key))
        gtk_tree_list_row_set_expanded (tree_row, TRUE);
    }
}

static void
rebuild (IotProtoTree *self)
{
  IotPacket *pkt = iot_session_get_packet (self->session);
  g_autoptr (GListStore) root = NULL;
  GtkTreeListModel *model;

  remember_expanded (self);
  root = pkt != NULL ? build_rows (self, pkt) : g_list_store_new (IOT_TYPE_TREE_ROW);
  model = gtk_tree_list_model_new (G_LIST_MODEL (g_steal_pointer (&root)), FALSE, FALSE,
                                   create_children, NULL, NULL);
  self->syncing = TRUE;
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (model));
  restore_expanded (self);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  self->syncing = FALSE;
  g_object_unref (model);
}

static void
scroll_to (IotProtoTree *self, guint position)
{
  gtk_widget_activate_action (GTK_WIDGET (self->view), "list.scroll-to-item", "u", position);
}

/* Opens the ancestors of @node and selects its row. */
static void
select_node_row (IotProtoTree *self, int node)
{
  IotPacket *pkt = iot_session_get_packet (self->session);
  const IotNode *nodes;
  g_autoptr (GArray) chain = g_array_new (FALSE, FALSE, sizeof (int));
  guint position = 0;

  if (node < 0 || pkt == NULL)
    {
      gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
      return;
    }
  nodes = iot_packet_nodes (pkt);
  for (int i = node; i >= 0; i = nodes[i].parent)
    g_array_prepend_val (chain, i);
  /* Walk down: find each ancestor at or after the previous one, open it. */
  for (guint level = 0; level < chain->len; level++)
    {
      int wanted = g_array_index (chain, int, level);
      gboolean found = FALSE;

      for (; position < g_list_model_get_n_items (G_LIST_MODEL (self->selection)); position++)
        {
          g_autoptr (GtkTreeListRow) tree_row = NULL;
          g_autoptr (IotTreeRow) row = row_at (self, position, &tree_row);

          if (row != NULL && row->node == wanted)
            {
              if (level + 1 < chain->len)
                gtk_tree_list_row_set_expanded (tree_row, TRUE);
              found = TRUE;
              break;
            }
        }
      if (!found)
        return;   /* hidden node */
      if (level + 1 < chain->len)
        position++;
    }
  gtk_single_selection_set_selected (self->selection, position);
  scroll_to (self, position);
}

static void
selected_frame_cb (IotSession *session, GParamSpec *pspec, IotProtoTree *self)
{
  rebuild (self);
}

static void
selected_node_cb (IotSession *session, GParamSpec *pspec, IotProtoTree *self)
{
  g_autoptr (IotTreeRow) row = gtk_single_selection_get_selected_item (self->selection) != NULL
                               ? g_object_ref (gtk_tree_list_row_get_item (gtk_single_selection_get_selected_item (self->selection)))
                               : NULL;
  int node = iot_session_get_selected_node (session);

  if (self->syncing || (row != NULL && row->node == node) || (row == NULL && node < 0))
    return;
  self->syncing = TRUE;
  select_node_row (self, node);
  self->syncing = FALSE;
}

static void
selection_changed_cb (GtkSingleSelection *selection, GParamSpec *pspec, IotProtoTree *self)
{
  GtkTreeListRow *tree_row = gtk_single_selection_get_selected_item (selection);
  g_autoptr (IotTreeRow) row = NULL;

  if (self->syncing)
    return;
  row = tree_row != NULL ? gtk_tree_list_row_get_item (tree_row) : NULL;
  self->syncing = TRUE;
  iot_session_select_node (self->session, row != NULL ? row->node : -1);
  self->syncing = FALSE;
}

/* ---- rows --------------------------------------------------------------------- */

static void
context_menu_at (IotProtoTree *self, GtkWidget *widget, double x, double y)
{
  graphene_point_t point;

  if (!gtk_widget_compute_point (widget, GTK_WIDGET (self), &GRAPHENE_POINT_INIT (x, y), &point))
    return;
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu),
                               &(GdkRectangle) { (int) point.x, (int) point.y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}

static void
row_pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, GtkListItem *item)
{
  GtkWidget *widget = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  IotProtoTree *self = IOT_PROTO_TREE (gtk_widget_get_ancestor (widget, IOT_TYPE_PROTO_TREE));

  if (self == NULL || gtk_list_item_get_position (item) == GTK_INVALID_LIST_POSITION)
    return;
  gtk_single_selection_set_selected (self->selection, gtk_list_item_get_position (item));
  context_menu_at (self, widget, x, y);
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *label = gtk_label_new (NULL);
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), label);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (row_pressed_cb), item);
  gtk_widget_add_controller (expander, GTK_EVENT_CONTROLLER (click));
  gtk_list_item_set_child (item, expander);
}

static const char *
severity_class (guint8 severity)
{
  if (severity >= IOT_SEV_ERROR)
    return "expert-error";
  if (severity >= IOT_SEV_WARN)
    return "expert-warn";
  return "expert-note";
}

static void
bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkTreeListRow *tree_row = gtk_list_item_get_item (item);
  GtkWidget *expander = gtk_list_item_get_child (item);
  GtkWidget *label = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
  IotTreeRow *row = gtk_tree_list_row_get_item (tree_row);
  g_autofree char *tooltip = NULL;

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), tree_row);
  gtk_label_set_text (GTK_LABEL (label), row->label);
  /* The tooltip teaches: what the field means, and its filter name. */
  if (row->field != NULL && row->field->blurb != NULL)
    tooltip = g_strdup_printf (_("%s\n\nFilter field: %s"), row->field->blurb, row->field->abbrev);
  else if (row->field != NULL)
    tooltip = g_strdup_printf (_("Filter field: %s"), row->field->abbrev);
  gtk_widget_set_tooltip_text (label, tooltip);
  gtk_widget_remove_css_class (label, "expert-error");
  gtk_widget_remove_css_class (label, "expert-warn");
  gtk_widget_remove_css_class (label, "expert-note");
  gtk_widget_remove_css_class (label, "generated");
  if (row->flags & IOT_NODE_EXPERT)
    gtk_widget_add_css_class (label, severity_class (row->severity));
  if (row->flags & IOT_NODE_GENERATED)
    gtk_widget_add_css_class (label, "generated");
  g_object_unref (row);
}

static void
unbind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (gtk_list_item_get_child (item)), NULL);
}

/* ---- filters and clipboard ----------------------------------------------------- */

static gboolean
field_is_text (const IotField *field)
{
  return field->type == IOT_FT_STRING || field->type == IOT_FT_STRINGZ
         || field->type == IOT_FT_ABSOLUTE_TIME;
}

char *
iot_proto_tree_filter_for_node (IotProtoTree *self, int node)
{
  IotPacket *pkt = iot_session_get_packet (self->session);
  const IotNode *n;
  g_autoptr (GString) value = g_string_new (NULL);

  if (pkt == NULL || node < 0 || (guint) node >= iot_packet_n_nodes (pkt))
    return NULL;
  n = iot_packet_node (pkt, node);
  if (n->field == NULL)
    return NULL;
  if (n->field->type == IOT_FT_PROTOCOL || n->field->type == IOT_FT_NONE)
    return g_strdup (n->field->abbrev);
  iot_format_field_value (pkt, n, value);
  if (field_is_text (n->field))
    {
      /* Quote strings: the filter language's escapes are C-like. */
      g_autofree char *escaped = g_strescape (value->str, NULL);

      return g_strdup_printf ("%s == \"%s\"", n->field->abbrev, escaped);
    }
  return g_strdup_printf ("%s == %s", n->field->abbrev, value->str);
}

static void
filter_action (IotProtoTree *self, gboolean apply)
{
  g_autofree char *filter = iot_proto_tree_filter_for_node (self, iot_session_get_selected_node (self->session));

  if (filter != NULL)
    g_signal_emit (self, signals[SIGNAL_FILTER_REQUESTED], 0, filter, apply);
}

static void
apply_filter_action (GtkWidget *widget, const char *name, GVariant *param)
{
  filter_action (IOT_PROTO_TREE (widget), TRUE);
}

static void
prepare_filter_action (GtkWidget *widget, const char *name, GVariant *param)
{
  filter_action (IOT_PROTO_TREE (widget), FALSE);
}

static void
copy_value_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotProtoTree *self = IOT_PROTO_TREE (widget);
  IotPacket *pkt = iot_session_get_packet (self->session);
  int node = iot_session_get_selected_node (self->session);
  g_autoptr (GString) value = g_string_new (NULL);

  if (pkt == NULL || node < 0)
    return;
  if (iot_packet_node (pkt, node)->field != NULL)
    iot_format_field_value (pkt, iot_packet_node (pkt, node), value);
  else
    iot_format_label (pkt, iot_packet_node (pkt, node), value);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), value->str);
}

static void
copy_filter_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotProtoTree *self = IOT_PROTO_TREE (widget);
  g_autofree char *filter = iot_proto_tree_filter_for_node (self, iot_session_get_selected_node (self->session));

  if (filter != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), filter);
}

static void
expand_all_action (GtkWidget *widget, const char *name, GVariant *param)
{
  iot_proto_tree_expand_all (IOT_PROTO_TREE (widget));
}

static void
collapse_all_action (GtkWidget *widget, const char *name, GVariant *param)
{
  iot_proto_tree_collapse_all (IOT_PROTO_TREE (widget));
}

void
iot_proto_tree_expand_all (IotProtoTree *self)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->selection)); i++)
    {
      g_autoptr (GtkTreeListRow) tree_row = gtk_tree_list_model_get_row (tree_model (self), i);

      if (tree_row != NULL && gtk_tree_list_row_is_expandable (tree_row))
        gtk_tree_list_row_set_expanded (tree_row, TRUE);
    }
}

void
iot_proto_tree_collapse_all (IotProtoTree *self)
{
  /* Collapsing a row removes its children below it: position i stays. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->selection)); i++)
    {
      g_autoptr (GtkTreeListRow) tree_row = gtk_tree_list_model_get_row (tree_model (self), i);

      if (tree_row != NULL)
        gtk_tree_list_row_set_expanded (tree_row, FALSE);
    }
  g_hash_table_remove_all (self->expanded);
}

/* ---- public -------------------------------------------------------------------- */

void
iot_proto_tree_set_session (IotProtoTree *self, IotSession *session)
{
  g_return_if_fail (IOT_IS_PROTO_TREE (self));
  g_return_if_fail (self->session == NULL);

  self->session = g_object_ref (session);
  g_signal_connect_object (session, "notify::selected-frame", G_CALLBACK (selected_frame_cb), self, 0);
  g_signal_connect_object (session, "notify::selected-node", G_CALLBACK (selected_node_cb), self, 0);
  rebuild (self);
}

GtkSingleSelection *
iot_proto_tree_get_selection (IotProtoTree *self)
{
  return self->selection;
}

char *
iot_proto_tree_dup_label (IotProtoTree *self, guint position, int *node)
{
  g_autoptr (IotTreeRow) row = row_at (self, position, NULL);

  if (row == NULL)
    return NULL;
  if (node != NULL)
    *node = row->node;
  return g_strdup (row->label);
}

/* ---- GtkWidget: a scrolled list plus a popover, which we must present. ---------- */

static void
iot_proto_tree_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                        int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  IotProtoTree *self = IOT_PROTO_TREE (widget);

  gtk_widget_measure (GTK_WIDGET (self->scroller), orientation, for_size,
                      minimum, natural, minimum_baseline, natural_baseline);
}

static void
iot_proto_tree_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  IotProtoTree *self = IOT_PROTO_TREE (widget);

  gtk_widget_allocate (GTK_WIDGET (self->scroller), width, height, baseline, NULL);
  gtk_popover_present (GTK_POPOVER (self->context_menu));
}

static void
iot_proto_tree_dispose (GObject *object)
{
  IotProtoTree *self = IOT_PROTO_TREE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), IOT_TYPE_PROTO_TREE);
  /* Template children that are not bound (the outer box) stay ours. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (iot_proto_tree_parent_class)->dispose (object);
}

static void
iot_proto_tree_finalize (GObject *object)
{
  IotProtoTree *self = IOT_PROTO_TREE (object);

  g_hash_table_unref (self->expanded);
  g_array_unref (self->masked);
  G_OBJECT_CLASS (iot_proto_tree_parent_class)->finalize (object);
}

static void
iot_proto_tree_class_init (IotProtoTreeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = iot_proto_tree_dispose;
  object_class->finalize = iot_proto_tree_finalize;
  widget_class->measure = iot_proto_tree_measure;
  widget_class->size_allocate = iot_proto_tree_size_allocate;

  /* (filter text, apply?): a filter built from a tree row. */
  signals[SIGNAL_FILTER_REQUESTED] =
    g_signal_new ("filter-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-proto-tree.ui");
  gtk_widget_class_bind_template_child (widget_class, IotProtoTree, scroller);
  gtk_widget_class_bind_template_child (widget_class, IotProtoTree, view);
  gtk_widget_class_bind_template_child (widget_class, IotProtoTree, context_menu);

  gtk_widget_class_install_action (widget_class, "tree.apply-filter", NULL, apply_filter_action);
  gtk_widget_class_install_action (widget_class, "tree.prepare-filter", NULL, prepare_filter_action);
  gtk_widget_class_install_action (widget_class, "tree.copy-value", NULL, copy_value_action);
  gtk_widget_class_install_action (widget_class, "tree.copy-filter", NULL, copy_filter_action);
  gtk_widget_class_install_action (widget_class, "tree.expand-all", NULL, expand_all_action);
  gtk_widget_class_install_action (widget_class, "tree.collapse-all", NULL, collapse_all_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_CONTROL_MASK, "tree.expand-all", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_CONTROL_MASK, "tree.collapse-all", NULL);
}

static void
iot_proto_tree_init (IotProtoTree *self)
{
  g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr (GListStore) empty = g_list_store_new (IOT_TYPE_TREE_ROW);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->expanded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->masked = g_array_new (FALSE, FALSE, sizeof (MaskedField));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), NULL);
  gtk_list_view_set_factory (self->view, factory);

  self->selection = gtk_single_selection_new (
    G_LIST_MODEL (gtk_tree_list_model_new (G_LIST_MODEL (g_steal_pointer (&empty)), FALSE, FALSE,
                                           create_children, NULL, NULL)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_list_view_set_model (self->view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect (self->selection, "notify::selected", G_CALLBACK (selection_changed_cb), self);
}

GtkWidget *
iot_proto_tree_new (void)
{
  return g_object_new (IOT_TYPE_PROTO_TREE, NULL);
}

void
iot_proto_tree_set_masked_field (IotProtoTree *self, guint32 frame, const char *abbrev, gboolean masked)
{
  const IotField *field = iot_registry_field (abbrev);
  MaskedField entry = { frame, field };

  g_return_if_fail (IOT_IS_PROTO_TREE (self));
  if (field == NULL || is_masked (self, frame, field) == masked)
    return;
  if (masked)
    g_array_append_val (self->masked, entry);
  for (guint i = 0; !masked && i < self->masked->len; i++)
    if (g_array_index (self->masked, MaskedField, i).frame == frame
        && g_array_index (self->masked, MaskedField, i).field == field)
      g_array_remove_index (self->masked, i--);
  if (self->session != NULL)
    rebuild (self);
}

char *
iot_proto_tree_dup_row_label (IotProtoTree *self, const char *abbrev)
{
  GListModel *model = G_LIST_MODEL (self->selection);
  const IotField *field = iot_registry_field (abbrev);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (GtkTreeListRow) tree_row = g_list_model_get_item (model, i);
      IotTreeRow *row = gtk_tree_list_row_get_item (tree_row);
      char *label = row->field != NULL && g_str_equal (row->field->abbrev, abbrev) ? g_strdup (row->label) : NULL;

      /* Open only the layers of the field's own protocol. */
      gboolean same_protocol = row->field != NULL && field != NULL && field->proto_abbrev != NULL
                               && (g_strcmp0 (row->field->abbrev, field->proto_abbrev) == 0
                                   || g_strcmp0 (row->field->proto_abbrev, field->proto_abbrev) == 0);

      g_object_unref (row);
      if (label != NULL)
        return label;
      if (same_protocol)
        gtk_tree_list_row_set_expanded (tree_row, TRUE);
    }
  return NULL;
}
