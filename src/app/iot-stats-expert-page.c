/* iot-stats-expert-page.c — Expert Information: every expert item of the
 * counted frames, the worst first; activating one selects its first
 * frame. */
#include "iot-stats-expert-page.h"

#include <glib/gi18n.h>

struct _IotStatsExpertPage {
  IotStatsPage   parent_instance;

  GtkStack      *stack;
  GtkColumnView *view;
  GtkLabel      *empty;
};

G_DEFINE_FINAL_TYPE (IotStatsExpertPage, iot_stats_expert_page, IOT_TYPE_STATS_PAGE)

static void
expert_show (IotStatsPage *page, IotStatsTables *tables)
{
  IotStatsExpertPage *self = IOT_STATS_EXPERT_PAGE (page);
  IotExpertSummary *expert = iot_stats_get_expert (tables->stats, IOT_STATS_REQ_EXPERT);
  GListStore *store = g_list_store_new (IOT_TYPE_STATS_ROW);

  /* Worst first; within a severity, in order of first appearance. */
  for (int sev = IOT_SEV_ERROR; sev >= IOT_SEV_COMMENT; sev--)
    for (guint i = 0; i < iot_expert_summary_n_entries (expert, sev); i++)
      {
        g_autoptr (IotStatsRow) row = iot_stats_row_new_expert (tables, iot_expert_summary_entry (expert, sev, i));

        g_list_store_append (store, row);
      }
  gtk_stack_set_visible_child_name (self->stack, g_list_model_get_n_items (G_LIST_MODEL (store)) ? "list" : "empty");
  iot_stats_page_set_model (self->view, G_LIST_MODEL (store));
}

static char *
expert_dup_text (IotStatsPage *page, IotStatsTables *tables)
{
  GString *out = g_string_new (NULL);

  iot_expert_summary_print (iot_stats_get_expert (tables->stats, IOT_STATS_REQ_EXPERT), out);
  return g_string_free (out, FALSE);
}

static GtkColumnView *
expert_get_view (IotStatsPage *page)
{
  return IOT_STATS_EXPERT_PAGE (page)->view;
}

/* A double-click (or Enter) goes to the item's first frame. */
static void
activate_cb (GtkColumnView *view, guint position, IotStatsExpertPage *self)
{
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_column_view_get_model (view)), position);
  gtk_widget_activate_action (GTK_WIDGET (self), "stats.go-to-frame", NULL);
}

static void
iot_stats_expert_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), IOT_TYPE_STATS_EXPERT_PAGE);
  G_OBJECT_CLASS (iot_stats_expert_page_parent_class)->dispose (object);
}

static void
iot_stats_expert_page_class_init (IotStatsExpertPageClass *klass)
{
  IotStatsPageClass *page_class = IOT_STATS_PAGE_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = iot_stats_expert_page_dispose;
  page_class->show = expert_show;
  page_class->dup_text = expert_dup_text;
  page_class->get_view = expert_get_view;
  page_class->row_action_label = N_("Go to First Frame");
  page_class->row_action = "stats.go-to-frame";
  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-stats-expert-page.ui");
  gtk_widget_class_bind_template_child (widget_class, IotStatsExpertPage, stack);
  gtk_widget_class_bind_template_child (widget_class, IotStatsExpertPage, view);
  gtk_widget_class_bind_template_child (widget_class, IotStatsExpertPage, empty);
}

static void
iot_stats_expert_page_init (IotStatsExpertPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  iot_stats_view_add_columns (self->view, IOT_STATS_COLUMNS_EXPERT);
  iot_stats_page_set_model (self->view, G_LIST_MODEL (g_list_store_new (IOT_TYPE_STATS_ROW)));
  gtk_label_set_text (self->empty,
                      _("No expert information: no dissector flagged anything unusual in the counted frames."));
  g_signal_connect (self->view, "activate", G_CALLBACK (activate_cb), self);
}
