/* iot-stats-page.c — the base of the Statistics pages (see iot-stats-page.h). */
#include "iot-stats-page.h"

#include <glib/gi18n.h>

typedef struct {
  GtkWidget *menu;     /* the row menu, parented (hidden) until the next one */
} IotStatsPagePrivate;

G_DEFINE_TYPE_WITH_PRIVATE (IotStatsPage, iot_stats_page, GTK_TYPE_WIDGET)

void
iot_stats_page_show (IotStatsPage *self, IotStatsTables *tables)
{
  IOT_STATS_PAGE_GET_CLASS (self)->show (self, tables);
}

char *
iot_stats_page_dup_text (IotStatsPage *self, IotStatsTables *tables)
{
  return IOT_STATS_PAGE_GET_CLASS (self)->dup_text (self, tables);
}

static GtkColumnView *
page_view (IotStatsPage *self)
{
  IotStatsPageClass *klass = IOT_STATS_PAGE_GET_CLASS (self);

  return klass->get_view != NULL ? klass->get_view (self) : NULL;
}

static GtkSingleSelection *
page_selection (IotStatsPage *self)
{
  GtkColumnView *view = page_view (self);
  GtkSelectionModel *model = view != NULL ? gtk_column_view_get_model (view) : NULL;

  return GTK_IS_SINGLE_SELECTION (model) ? GTK_SINGLE_SELECTION (model) : NULL;
}

IotStatsRow *
iot_stats_page_dup_selected (IotStatsPage *self)
{
  GtkSingleSelection *selection = page_selection (self);
  gpointer item = selection != NULL ? gtk_single_selection_get_selected_item (selection) : NULL;

  return item != NULL ? iot_stats_row_from_item (item) : NULL;
}

static void
drop_menu (IotStatsPage *self)
{
  IotStatsPagePrivate *priv = iot_stats_page_get_instance_private (self);

  if (priv->menu != NULL)
    gtk_widget_unparent (priv->menu);
  priv->menu = NULL;
}

void
iot_stats_page_popup_menu (IotStatsPage *self, guint position, GtkWidget *cell, double x, double y)
{
  IotStatsPagePrivate *priv = iot_stats_page_get_instance_private (self);
  IotStatsPageClass *klass = IOT_STATS_PAGE_GET_CLASS (self);
  GtkSingleSelection *selection = page_selection (self);
  g_autoptr (GMenu) model = g_menu_new ();
  GtkPopover *menu;
  graphene_point_t point;
  GdkRectangle at;

  if (selection == NULL || klass->row_action == NULL)
    return;
  gtk_single_selection_set_selected (selection, position);
  g_menu_append (model, _(klass->row_action_label), klass->row_action);
  g_menu_append (model, _("Copy Page as Text"), "stats.copy");
  if (!gtk_widget_compute_point (cell, GTK_WIDGET (self), &GRAPHENE_POINT_INIT ((float) x, (float) y), &point))
    return;
  drop_menu (self);
  menu = GTK_POPOVER (gtk_popover_menu_new_from_model (G_MENU_MODEL (model)));
  /* Parented to the page, which outlives its template's views. */
  gtk_widget_set_parent (GTK_WIDGET (menu), GTK_WIDGET (self));
  at = (GdkRectangle) { (int) point.x, (int) point.y, 1, 1 };
  gtk_popover_set_pointing_to (menu, &at);
  gtk_popover_set_has_arrow (menu, FALSE);
  gtk_widget_set_halign (GTK_WIDGET (menu), GTK_ALIGN_START);
  priv->menu = GTK_WIDGET (menu);
  gtk_popover_popup (menu);
}

GtkSingleSelection *
iot_stats_page_set_model (GtkColumnView *view, GListModel *model)
{
  GtkSingleSelection *selection = gtk_single_selection_new (model);

  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_column_view_set_model (view, GTK_SELECTION_MODEL (selection));
  gtk_single_selection_set_selected (selection, GTK_INVALID_LIST_POSITION);
  g_object_unref (selection);
  return selection;
}

static void
iot_stats_page_dispose (GObject *object)
{
  GtkWidget *child;

  drop_menu (IOT_STATS_PAGE (object));
  /* What the page's template left: its outermost widget. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (iot_stats_page_parent_class)->dispose (object);
}

static void
iot_stats_page_class_init (IotStatsPageClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = iot_stats_page_dispose;
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
}

static void
iot_stats_page_init (IotStatsPage *self)
{
}
