/* iot-stats-phs-page.c — Protocol Hierarchy: the layers of the counted
 * frames as an expanded tree, "frame" at its root. */
#include "iot-stats-phs-page.h"

#include <glib/gi18n.h>

struct _IotStatsPhsPage {
  IotStatsPage   parent_instance;

  GtkColumnView *view;
};

G_DEFINE_FINAL_TYPE (IotStatsPhsPage, iot_stats_phs_page, IOT_TYPE_STATS_PAGE)

static GListModel *
children_cb (gpointer item, gpointer user_data)
{
  return iot_stats_row_phs_children (item);
}

static void
phs_show (IotStatsPage *page, IotStatsTables *tables)
{
  IotStatsPhsPage *self = IOT_STATS_PHS_PAGE (page);
  IotProtocolHierarchy *phs = iot_stats_get_hierarchy (tables->stats, IOT_STATS_REQ_PHS);
  GListStore *roots = g_list_store_new (IOT_TYPE_STATS_ROW);

  for (const IotPhsNode *n = iot_protocol_hierarchy_root (phs); n != NULL; n = n->next_sibling)
    {
      g_autoptr (IotStatsRow) row = iot_stats_row_new_phs (tables, n);

      g_list_store_append (roots, row);
    }
  /* Expanded throughout, as the layers are what one reads here. */
  iot_stats_page_set_model (self->view, G_LIST_MODEL (gtk_tree_list_model_new (G_LIST_MODEL (roots), FALSE, TRUE,
                                                                               children_cb, NULL, NULL)));
}

static char *
phs_dup_text (IotStatsPage *page, IotStatsTables *tables)
{
  GString *out = g_string_new (NULL);

  iot_protocol_hierarchy_print (iot_stats_get_hierarchy (tables->stats, IOT_STATS_REQ_PHS_TEXT), tables->filter,
                                out);
  return g_string_free (out, FALSE);
}

static GtkColumnView *
phs_get_view (IotStatsPage *page)
{
  return IOT_STATS_PHS_PAGE (page)->view;
}

static void
iot_stats_phs_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), IOT_TYPE_STATS_PHS_PAGE);
  G_OBJECT_CLASS (iot_stats_phs_page_parent_class)->dispose (object);
}

static void
iot_stats_phs_page_class_init (IotStatsPhsPageClass *klass)
{
  IotStatsPageClass *page_class = IOT_STATS_PAGE_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = iot_stats_phs_page_dispose;
  page_class->show = phs_show;
  page_class->dup_text = phs_dup_text;
  page_class->get_view = phs_get_view;
  page_class->row_action_label = N_("Apply as Filter");
  page_class->row_action = "stats.apply-filter";
  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-stats-phs-page.ui");
  gtk_widget_class_bind_template_child (widget_class, IotStatsPhsPage, view);
}

static void
iot_stats_phs_page_init (IotStatsPhsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  iot_stats_view_add_columns (self->view, IOT_STATS_COLUMNS_PHS);
}
