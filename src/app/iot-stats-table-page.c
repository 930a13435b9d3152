/* iot-stats-table-page.c — Conversations or Endpoints: one table per layer
 * (Ethernet, IPv4, IPv6, TCP, UDP) behind a row of layer buttons, sortable,
 * with "Apply as Filter" for the selected row. */
#include "iot-stats-table-page.h"

#include <glib/gi18n.h>

struct _IotStatsTablePage {
  IotStatsPage         parent_instance;

  GtkBox              *layers;
  GtkButton           *filter_button;
  GtkStack            *stack;
  GtkColumnView       *view;
  GtkLabel            *empty;

  gboolean             endpoints;
  GListStore          *stores[IOT_CONV_N_TYPES];
  GtkSortListModel    *sorted;
  GtkSingleSelection  *selection;
  IotConvType          layer;
  GtkToggleButton     *buttons[IOT_CONV_N_TYPES];
};

G_DEFINE_FINAL_TYPE (IotStatsTablePage, iot_stats_table_page, IOT_TYPE_STATS_PAGE)

enum {
  PROP_0,
  PROP_ENDPOINTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *const layer_titles[IOT_CONV_N_TYPES] = { "Ethernet", "IPv4", "IPv6", "TCP", "UDP" };
/* The layer buttons' widget names. */
static const char *const layer_names[IOT_CONV_N_TYPES] = { "eth", "ipv4", "ipv6", "tcp", "udp" };

static guint
n_rows (GListStore *store)
{
  return store != NULL ? g_list_model_get_n_items (G_LIST_MODEL (store)) : 0;
}

static void
update_layer_buttons (IotStatsTablePage *self)
{
  for (guint t = 0; t < IOT_CONV_N_TYPES; t++)
    {
      g_autofree char *label = g_strdup_printf ("%s · %u", layer_titles[t], n_rows (self->stores[t]));

      gtk_button_set_label (GTK_BUTTON (self->buttons[t]), label);
    }
}

/* "Apply as Filter" needs a selected row. */
static void
update_filter_button (IotStatsTablePage *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->filter_button),
                            gtk_single_selection_get_selected (self->selection) != GTK_INVALID_LIST_POSITION);
}

static void
selection_changed_cb (GtkSingleSelection *selection, GParamSpec *pspec, IotStatsTablePage *self)
{
  update_filter_button (self);
}

static void
show_layer (IotStatsTablePage *self, IotConvType layer)
{
  gboolean ports = iot_conv_type_has_ports (layer);
  g_autofree char *empty = NULL;

  self->layer = layer;
  gtk_sort_list_model_set_model (self->sorted, G_LIST_MODEL (self->stores[layer]));
  if (self->endpoints)
    gtk_column_view_column_set_visible (iot_stats_view_find_column (self->view, IOT_STATS_COL_EP_PORT), ports);
  else
    {
      gtk_column_view_column_set_visible (iot_stats_view_find_column (self->view, IOT_STATS_COL_CONV_PORT_A), ports);
      gtk_column_view_column_set_visible (iot_stats_view_find_column (self->view, IOT_STATS_COL_CONV_PORT_B), ports);
    }
  if (!gtk_toggle_button_get_active (self->buttons[layer]))
    gtk_toggle_button_set_active (self->buttons[layer], TRUE);
  empty = g_strdup_printf (self->endpoints ? _("No %s endpoints in the counted frames.")
                                           : _("No %s conversations in the counted frames."), layer_titles[layer]);
  gtk_label_set_text (self->empty, empty);
  gtk_stack_set_visible_child_name (self->stack, n_rows (self->stores[layer]) ? "list" : "empty");
  update_filter_button (self);
}

static void
layer_toggled_cb (GtkToggleButton *button, IotStatsTablePage *self)
{
  if (gtk_toggle_button_get_active (button))
    show_layer (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "layer")));
}

/* The most specific layer that has rows: what a reader of an IoT capture
 * most likely wants first. */
static IotConvType
default_layer (IotStatsTablePage *self)
{
  static const IotConvType order[] = { IOT_CONV_TCP, IOT_CONV_UDP, IOT_CONV_IPV4, IOT_CONV_IPV6, IOT_CONV_ETH };

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (n_rows (self->stores[order[i]]) > 0)
      return order[i];
  return IOT_CONV_ETH;
}

static void
table_show (IotStatsPage *page, IotStatsTables *tables)
{
  IotStatsTablePage *self = IOT_STATS_TABLE_PAGE (page);

  for (guint t = 0; t < IOT_CONV_N_TYPES; t++)
    {
      g_set_object (&self->stores[t], NULL);
      self->stores[t] = g_list_store_new (IOT_TYPE_STATS_ROW);
      if (self->endpoints)
        {
          IotEndpointTable *ep = iot_stats_get_endpoints (tables->stats, IOT_STATS_REQ_ENDPOINTS + t);

          for (guint i = 0; i < iot_endpoint_table_n_rows (ep); i++)
            {
              g_autoptr (IotStatsRow) row = iot_stats_row_new_endpoint (tables, iot_endpoint_table_row (ep, i), t);

              g_list_store_append (self->stores[t], row);
            }
        }
      else
        {
          IotConversationTable *conv = iot_stats_get_conversations (tables->stats, IOT_STATS_REQ_CONV + t);

          for (guint i = 0; i < iot_conversation_table_n_rows (conv); i++)
            {
              g_autoptr (IotStatsRow) row = iot_stats_row_new_conversation (tables,
                                                                            iot_conversation_table_row (conv, i), t);

              g_list_store_append (self->stores[t], row);
            }
        }
    }
  update_layer_buttons (self);
  show_layer (self, default_layer (self));
}

static char *
table_dup_text (IotStatsPage *page, IotStatsTables *tables)
{
  IotStatsTablePage *self = IOT_STATS_TABLE_PAGE (page);
  GString *out = g_string_new (NULL);

  if (self->endpoints)
    iot_endpoint_table_print (iot_stats_get_endpoints (tables->stats, IOT_STATS_REQ_ENDPOINTS + self->layer),
                              tables->filter, out);
  else
    iot_conversation_table_print (iot_stats_get_conversations (tables->stats, IOT_STATS_REQ_CONV + self->layer),
                                  tables->filter, out);
  return g_string_free (out, FALSE);
}

static GtkColumnView *
table_get_view (IotStatsPage *page)
{
  return IOT_STATS_TABLE_PAGE (page)->view;
}

static void
make_layer_buttons (IotStatsTablePage *self)
{
  for (guint t = 0; t < IOT_CONV_N_TYPES; t++)
    {
      GtkWidget *button = gtk_toggle_button_new_with_label (layer_titles[t]);
      const char *what = t == IOT_CONV_ETH ? _("hardware (MAC) addresses")
                         : t == IOT_CONV_IPV4 || t == IOT_CONV_IPV6 ? _("machines by IP address")
                         : _("programs, by address and port");
      g_autofree char *tip = g_strdup_printf (self->endpoints ? _("%s endpoints: %s") : _("%s conversations: %s"),
                                              layer_titles[t], what);

      gtk_widget_set_name (button, layer_names[t]);
      gtk_widget_set_tooltip_text (button, tip);
      g_object_set_data (G_OBJECT (button), "layer", GUINT_TO_POINTER (t));
      if (t > 0)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), self->buttons[0]);
      g_signal_connect (button, "toggled", G_CALLBACK (layer_toggled_cb), self);
      gtk_box_append (self->layers, button);
      self->buttons[t] = GTK_TOGGLE_BUTTON (button);
    }
}

static void
iot_stats_table_page_constructed (GObject *object)
{
  IotStatsTablePage *self = IOT_STATS_TABLE_PAGE (object);
  GtkSortListModel *sorted;

  G_OBJECT_CLASS (iot_stats_table_page_parent_class)->constructed (object);
  iot_stats_view_add_columns (self->view, self->endpoints ? IOT_STATS_COLUMNS_ENDPOINTS : IOT_STATS_COLUMNS_CONV);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->filter_button),
                               self->endpoints ? _("Show only the frames to or from the selected endpoint in the "
                                                   "main window")
                                               : _("Show only the selected conversation's frames in the main window"));
  sorted = gtk_sort_list_model_new (NULL, g_object_ref (gtk_column_view_get_sorter (self->view)));
  self->sorted = sorted;
  self->selection = iot_stats_page_set_model (self->view, G_LIST_MODEL (sorted));
  g_signal_connect (self->selection, "notify::selected", G_CALLBACK (selection_changed_cb), self);
  make_layer_buttons (self);
}

static void
iot_stats_table_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_ENDPOINTS:
      IOT_STATS_TABLE_PAGE (object)->endpoints = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
iot_stats_table_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_ENDPOINTS:
      g_value_set_boolean (value, IOT_STATS_TABLE_PAGE (object)->endpoints);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
iot_stats_table_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), IOT_TYPE_STATS_TABLE_PAGE);
  G_OBJECT_CLASS (iot_stats_table_page_parent_class)->dispose (object);
}

static void
iot_stats_table_page_finalize (GObject *object)
{
  IotStatsTablePage *self = IOT_STATS_TABLE_PAGE (object);

  for (guint t = 0; t < IOT_CONV_N_TYPES; t++)
    g_clear_object (&self->stores[t]);
  G_OBJECT_CLASS (iot_stats_table_page_parent_class)->finalize (object);
}

static void
iot_stats_table_page_class_init (IotStatsTablePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  IotStatsPageClass *page_class = IOT_STATS_PAGE_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = iot_stats_table_page_constructed;
  object_class->set_property = iot_stats_table_page_set_property;
  object_class->get_property = iot_stats_table_page_get_property;
  object_class->dispose = iot_stats_table_page_dispose;
  object_class->finalize = iot_stats_table_page_finalize;
  page_class->show = table_show;
  page_class->dup_text = table_dup_text;
  page_class->get_view = table_get_view;
  page_class->row_action_label = N_("Apply as Filter");
  page_class->row_action = "stats.apply-filter";

  /* Endpoints rather than conversations. */
  properties[PROP_ENDPOINTS] =
    g_param_spec_boolean ("endpoints", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-stats-table-page.ui");
  gtk_widget_class_bind_template_child (widget_class, IotStatsTablePage, layers);
  gtk_widget_class_bind_template_child (widget_class, IotStatsTablePage, filter_button);
  gtk_widget_class_bind_template_child (widget_class, IotStatsTablePage, stack);
  gtk_widget_class_bind_template_child (widget_class, IotStatsTablePage, view);
  gtk_widget_class_bind_template_child (widget_class, IotStatsTablePage, empty);
}

static void
iot_stats_table_page_init (IotStatsTablePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
