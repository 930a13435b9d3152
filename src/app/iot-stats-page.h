/* iot-stats-page.h — one page of the Statistics window.  A page shows the
 * counted tables its own way (IotStatsPhsPage, IotStatsTablePage,
 * IotStatsExpertPage, IotStatsHistogramPage, each with its .ui); the base
 * gives them the row menu, the selected row the window's actions use, and
 * "Copy as Text".
 */
#pragma once

#include <gtk/gtk.h>

#include "iot-stats-rows.h"

G_BEGIN_DECLS

#define IOT_TYPE_STATS_PAGE (iot_stats_page_get_type ())
G_DECLARE_DERIVABLE_TYPE (IotStatsPage, iot_stats_page, IOT, STATS_PAGE, GtkWidget)

struct _IotStatsPageClass {
  GtkWidgetClass parent_class;

  /* Fills the page from freshly counted @tables. */
  void           (*show) (IotStatsPage *self, IotStatsTables *tables);
  /* The page as `iotscope-cli -z …` prints it. */
  char          *(*dup_text) (IotStatsPage *self, IotStatsTables *tables);
  /* The view whose rows have a menu (NULL: none). */
  GtkColumnView *(*get_view) (IotStatsPage *self);
  /* What the row menu offers first: its label and the window action. */
  const char     *row_action_label;
  const char     *row_action;
};

void         iot_stats_page_show (IotStatsPage *self, IotStatsTables *tables);
char        *iot_stats_page_dup_text (IotStatsPage *self, IotStatsTables *tables);
/* The selected row of the page's view, or NULL (a reference). */
IotStatsRow *iot_stats_page_dup_selected (IotStatsPage *self);
/* Selects row @position and opens the row menu at (@x, @y) of @cell. */
void         iot_stats_page_popup_menu (IotStatsPage *self, guint position, GtkWidget *cell, double x, double y);

/* For pages: a single selection of @model for @view, nothing selected. */
GtkSingleSelection *iot_stats_page_set_model (GtkColumnView *view, GListModel *model);

G_END_DECLS
