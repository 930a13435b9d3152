/* iot-capture-dialog.c — Capture Options. */
#include "iot-capture-dialog.h"
#include "iot-app-test.h"

#include <glib/gi18n.h>

#include "iot-live.h"

#include <string.h>

/* Filters are checked for Ethernet framing: Linux shows every usual
 * interface (loopback included) as Ethernet. */
#define CHECK_LINK_TYPE 1

struct _IotCaptureDialog {
  GtkWindow       parent_instance;

  GtkListBox     *interface_list;
  GtkLabel       *interface_message;
  GtkEntry       *filter_entry;
  GtkLabel       *filter_message;
  GtkCheckButton *promiscuous_check;
  GtkCheckButton *monitor_check;
  GtkLabel       *monitor_message;
  GtkDropDown    *link_type_dropdown;
  GtkLabel       *link_type_message;
  GArray         *link_types;        /* int DLTs of the dropdown's entries */
  GtkButton      *start_button;
  GtkButton      *cancel_button;
  GtkSpinButton  *snaplen_spin;
  GtkSpinButton  *buffer_spin;
  GtkCheckButton *stop_packets_check;
  GtkSpinButton  *stop_packets_spin;
  GtkCheckButton *stop_seconds_check;
  GtkSpinButton  *stop_seconds_spin;
  GtkCheckButton *stop_size_check;
  GtkSpinButton  *stop_size_spin;

  gboolean        filter_valid;
  guint           rate_id;
  gint64          rate_sampled_us;
};

/* How often the interface rates are sampled. */
#define RATE_INTERVAL_MS 500

/* What a row remembers for its rate. */
typedef struct {
  char         *name;
  IotSparkline *sparkline;   /* NULL: no counters for this interface */
  GtkLabel     *rate_label;
  guint64       last_packets;
  gboolean      have_last;
} RowRate;

G_DEFINE_FINAL_TYPE (IotCaptureDialog, iot_capture_dialog, GTK_TYPE_WINDOW)

enum {
  SIGNAL_START,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- the interface list ---------------------------------------------------- */

static char *
describe_flags (const IotLiveInterface *iface)
{
  g_autoptr (GPtrArray) flags = g_ptr_array_new ();

  g_ptr_array_add (flags, (gpointer) (iface->up ? _("up") : _("down")));
  if (iface->running)
    g_ptr_array_add (flags, (gpointer) _("running"));
  if (iface->loopback)
    g_ptr_array_add (flags, (gpointer) _("loopback"));
  if (iface->wireless)
    g_ptr_array_add (flags, (gpointer) _("wireless"));
  g_ptr_array_add (flags, NULL);
  return g_strjoinv (" · ", (char **) flags->pdata);
}

static void
row_rate_free (gpointer data)
{
  RowRate *rate = data;

  g_free (rate->name);
  g_free (rate);
}

/* The rate column of a row: the sparkline of the last half minute and
 * the current rate as a number. */
static GtkWidget *
rate_box (RowRate *rate)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *label = gtk_label_new ("");
  guint64 packets;

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "numeric");
  rate->rate_label = GTK_LABEL (label);
  if (iot_live_interface_packets (rate->name, &packets))
    {
      GtkWidget *sparkline = iot_sparkline_new ();

      gtk_widget_set_tooltip_text (sparkline, _("Packets per second sent and received on this interface "
                                              "over the last 30 seconds (the kernel's counters)"));
      rate->sparkline = IOT_SPARKLINE (sparkline);
      rate->last_packets = packets;
      rate->have_last = TRUE;
      gtk_box_append (GTK_BOX (box), sparkline);
    }
  else
    gtk_label_set_text (GTK_LABEL (label), _("no counters"));
  gtk_box_append (GTK_BOX (box), label);
  return box;
}

/* Names for the link types of the radio sniffers an IoT lab meets, where
 * libpcap's descriptions are terse. */
static const struct {
  int         dlt;
  const char *text;
} radio_link_types[] = {
  { 127, N_("Wi-Fi monitor mode, radiotap header") },
  { 195, N_("IEEE 802.15.4 with FCS (Zigbee, Thread)") },
  { 215, N_("IEEE 802.15.4, non-ASK PHY") },
  { 230, N_("IEEE 802.15.4 without FCS") },
  { 283, N_("IEEE 802.15.4 with TAP header") },
  { 251, N_("Bluetooth LE link layer") },
  { 256, N_("Bluetooth LE link layer with radio header") },
  { 272, N_("Bluetooth LE, nRF Sniffer") },
};

static char *
link_type_text (const IotLiveLinkType *lt)
{
  const char *text = lt->description != NULL && lt->description[0] != '\0' ? lt->description : lt->name;

  for (guint i = 0; i < G_N_ELEMENTS (radio_link_types); i++)
    if (radio_link_types[i].dlt == lt->link_type)
      text = _(radio_link_types[i].text);
  return g_strdup_printf ("%s (%s, %d)", text, lt->name, lt->link_type);
}

/* Monitor mode needs a wireless driver (libpcap asks the same of Linux
 * for pcap_can_set_rfmon); only those interfaces are asked, through the
 * capture program when this process may not open them. */
static gboolean
interface_can_monitor (const IotLiveInterface *iface)
{
  g_autoptr (IotLiveCapabilities) caps = NULL;

  if (!iface->wireless)
    return FALSE;
  caps = iot_live_interface_capabilities (iface->name, FALSE, NULL);
  return caps != NULL && caps->can_monitor;
}

static GtkWidget *
interface_row (const IotLiveInterface *iface)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *hbox = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *details = gtk_label_new (NULL);
  RowRate *rate = g_new0 (RowRate, 1);
  g_autofree char *markup = NULL;
  g_autofree char *flags = describe_flags (iface);
  g_autofree char *addresses = iface->addresses != NULL && iface->addresses[0] != NULL
                               ? g_strjoinv (", ", iface->addresses) : g_strdup (_("no addresses"));
  gboolean can_monitor = interface_can_monitor (iface);
  g_autofree char *text = g_strdup_printf (can_monitor ? _("%s — %s — monitor mode: supported")
                                                       : _("%s — %s — monitor mode: not supported"),
                                           flags, addresses);

  markup = g_markup_printf_escaped ("<b>%s</b>%s%s", iface->name,
                                    iface->description != NULL ? "  " : "",
                                    iface->description != NULL ? iface->description : "");
  gtk_label_set_markup (GTK_LABEL (title), markup);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_text (GTK_LABEL (details), text);
  gtk_label_set_xalign (GTK_LABEL (details), 0);
  gtk_label_set_wrap (GTK_LABEL (details), TRUE);
  gtk_widget_add_css_class (details, "dim-label");
  gtk_widget_add_css_class (details, "capture-flags");
  gtk_widget_set_hexpand (box, TRUE);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), details);
  gtk_box_append (GTK_BOX (hbox), box);
  rate->name = g_strdup (iface->name);
  gtk_box_append (GTK_BOX (hbox), rate_box (rate));
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), hbox);
  g_object_set_data_full (G_OBJECT (row), "iot-interface", g_strdup (iface->name), g_free);
  g_object_set_data_full (G_OBJECT (row), "iot-rate", rate, row_rate_free);
  g_object_set_data (G_OBJECT (row), "iot-can-monitor", GINT_TO_POINTER (can_monitor));
  /* A down interface captures nothing: still listed, but dimmed. */
  if (!iface->up)
    gtk_widget_add_css_class (row, "dim-label");
  return row;
}

/* ---- packet rates ------------------------------------------------------------ */

static void
sample_row (RowRate *rate, double seconds)
{
  guint64 packets;
  double per_second;
  char text[48];

  if (rate->sparkline == NULL || !iot_live_interface_packets (rate->name, &packets))
    return;
  /* Counters restart when an interface is re-created. */
  per_second = rate->have_last && packets >= rate->last_packets && seconds > 0
               ? (double) (packets - rate->last_packets) / seconds : 0.0;
  rate->last_packets = packets;
  rate->have_last = TRUE;
  iot_sparkline_push (rate->sparkline, per_second);
  if (per_second >= 10000)
    g_snprintf (text, sizeof text, _("%.0fk pkt/s"), per_second / 1000);
  else
    g_snprintf (text, sizeof text, _("%.0f pkt/s"), per_second);
  gtk_label_set_text (rate->rate_label, text);
}

void
iot_capture_dialog_sample_rates (IotCaptureDialog *self)
{
  gint64 now = g_get_monotonic_time ();
  double seconds = self->rate_sampled_us != 0 ? (now - self->rate_sampled_us) / (double) G_USEC_PER_SEC : 0;

  self->rate_sampled_us = now;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->interface_list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      RowRate *rate = g_object_get_data (G_OBJECT (child), "iot-rate");

      if (rate != NULL)
        sample_row (rate, seconds);
    }
}

static gboolean
sample_rates_cb (gpointer data)
{
  iot_capture_dialog_sample_rates (data);
  return G_SOURCE_CONTINUE;
}

IotSparkline *
iot_capture_dialog_row_sparkline (GtkListBoxRow *row)
{
  RowRate *rate = g_object_get_data (G_OBJECT (row), "iot-rate");

  return rate != NULL ? rate->sparkline : NULL;
}

static void
fill_interfaces (IotCaptureDialog *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ifaces = iot_live_list_interfaces (&error);

  if (ifaces == NULL)
    {
      gtk_label_set_text (self->interface_message, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->interface_message), TRUE);
      return;
    }
  if (ifaces->len == 0)
    {
      gtk_label_set_text (self->interface_message,
                          _("No interfaces found: capturing needs the rights to (run “make caps”, which gives them to iotscope-capture, or use root)."));
      gtk_widget_set_visible (GTK_WIDGET (self->interface_message), TRUE);
    }
  for (guint i = 0; i < ifaces->len; i++)
    gtk_list_box_append (self->interface_list, interface_row (g_ptr_array_index (ifaces, i)));
}

const char *
iot_capture_dialog_row_interface (GtkListBoxRow *row)
{
  return g_object_get_data (G_OBJECT (row), "iot-interface");
}

gboolean
iot_capture_dialog_row_can_monitor (GtkListBoxRow *row)
{
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "iot-can-monitor"));
}

char **
iot_capture_dialog_dup_interfaces (IotCaptureDialog *self)
{
  GList *rows = gtk_list_box_get_selected_rows (self->interface_list);
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();

  /* In list order, not in the order of clicking. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->interface_list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && g_list_find (rows, child) != NULL)
      g_strv_builder_add (names, iot_capture_dialog_row_interface (GTK_LIST_BOX_ROW (child)));
  g_list_free (rows);
  return g_strv_builder_end (names);
}

gboolean
iot_capture_dialog_select_interface (IotCaptureDialog *self, const char *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->interface_list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child)
        && g_strcmp0 (iot_capture_dialog_row_interface (GTK_LIST_BOX_ROW (child)), name) == 0)
      {
        gtk_list_box_select_row (self->interface_list, GTK_LIST_BOX_ROW (child));
        return TRUE;
      }
  return FALSE;
}

/* ---- checks ------------------------------------------------------------------ */

static void
update_start (IotCaptureDialog *self)
{
  g_auto (GStrv) names = iot_capture_dialog_dup_interfaces (self);

  gtk_widget_set_sensitive (GTK_WIDGET (self->start_button), names[0] != NULL && self->filter_valid);
}

/* Monitor mode is offered when every selected interface supports it. */
static void
update_monitor (IotCaptureDialog *self)
{
  g_auto (GStrv) names = iot_capture_dialog_dup_interfaces (self);
  g_autofree char *reason = NULL;

  if (names[0] == NULL)
    reason = g_strdup (_("Select an interface first."));
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->interface_list));
       reason == NULL && child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && gtk_list_box_row_is_selected (GTK_LIST_BOX_ROW (child))
        && !iot_capture_dialog_row_can_monitor (GTK_LIST_BOX_ROW (child)))
      reason = g_strdup_printf (_("%s: monitor mode is not supported (it needs a Wi-Fi interface whose driver "
                                "allows it)"), iot_capture_dialog_row_interface (GTK_LIST_BOX_ROW (child)));
  if (reason != NULL)
    gtk_check_button_set_active (self->monitor_check, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->monitor_check), reason == NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->monitor_check), reason);
  gtk_label_set_text (self->monitor_message, reason != NULL ? reason : "");
  gtk_widget_set_visible (GTK_WIDGET (self->monitor_message), reason != NULL);
}

/* The link types of the first selected interface, in the monitor mode
 * chosen: radiotap appears only in monitor mode on most Wi-Fi drivers;
 * 802.15.4 and BLE sniffers offer theirs always. */
static void
update_link_types (IotCaptureDialog *self)
{
  g_auto (GStrv) names = iot_capture_dialog_dup_interfaces (self);
  g_autoptr (GtkStringList) model = gtk_string_list_new (NULL);
  g_autoptr (IotLiveCapabilities) caps = NULL;
  g_autoptr (GError) error = NULL;
  int zero = 0;

  g_array_set_size (self->link_types, 0);
  gtk_string_list_append (model, _("Default of the interface"));
  g_array_append_val (self->link_types, zero);
  if (names[0] != NULL)
    caps = iot_live_interface_capabilities (names[0], gtk_check_button_get_active (self->monitor_check), &error);
  for (guint i = 0; caps != NULL && i < caps->link_types->len; i++)
    {
      const IotLiveLinkType *lt = &g_array_index (caps->link_types, IotLiveLinkType, i);
      g_autofree char *text = link_type_text (lt);

      gtk_string_list_append (model, text);
      g_array_append_val (self->link_types, lt->link_type);
    }
  gtk_drop_down_set_model (self->link_type_dropdown, G_LIST_MODEL (model));
  gtk_drop_down_set_selected (self->link_type_dropdown, 0);
  /* Several interfaces write one file: they must share a link type. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->link_type_dropdown), names[0] != NULL && names[1] == NULL
                            && caps != NULL && caps->link_types->len > 1);
  if (names[0] == NULL)
    gtk_label_set_text (self->link_type_message, _("Select an interface to see its link types."));
  else if (caps == NULL)
    gtk_label_set_text (self->link_type_message, error != NULL ? error->message : "");
  else if (names[1] != NULL)
    gtk_label_set_text (self->link_type_message, _("Several interfaces capture with their default link type."));
  else
    {
      guint n = caps->link_types->len;
      g_autofree char *text = caps->via_program
        ? g_strdup_printf (ngettext ("%s offers %u link type (asked through iotscope-capture).",
                                     "%s offers %u link types (asked through iotscope-capture).", n), names[0], n)
        : g_strdup_printf (ngettext ("%s offers %u link type.", "%s offers %u link types.", n), names[0], n);
      gtk_label_set_text (self->link_type_message, text);
    }
}

static void
selection_changed_cb (GtkListBox *list, IotCaptureDialog *self)
{
  update_monitor (self);
  update_link_types (self);
  update_start (self);
}

static void
monitor_toggled_cb (GtkCheckButton *check, IotCaptureDialog *self)
{
  update_link_types (self);
}

static void
check_filter (IotCaptureDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->filter_entry));
  GtkWidget *entry = GTK_WIDGET (self->filter_entry);
  GtkWidget *message = GTK_WIDGET (self->filter_message);
  g_autoptr (GError) error = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  gtk_widget_remove_css_class (entry, "filter-valid");
  gtk_widget_remove_css_class (entry, "filter-invalid");
  gtk_widget_remove_css_class (message, "error");
  if (stripped[0] == '\0')
    {
      self->filter_valid = TRUE;
      gtk_label_set_text (self->filter_message, _("No filter: every packet is captured."));
    }
  else if (iot_live_check_filter (CHECK_LINK_TYPE, stripped, &error))
    {
      self->filter_valid = TRUE;
      gtk_widget_add_css_class (entry, "filter-valid");
      gtk_label_set_text (self->filter_message, _("Valid capture filter."));
    }
  else
    {
      self->filter_valid = FALSE;
      gtk_widget_add_css_class (entry, "filter-invalid");
      gtk_widget_add_css_class (message, "error");
      gtk_label_set_text (self->filter_message, error != NULL ? error->message : _("Invalid capture filter"));
    }
  update_start (self);
}

static void
filter_changed_cb (GtkEditable *editable, IotCaptureDialog *self)
{
  check_filter (self);
}

gboolean
iot_capture_dialog_filter_is_valid (IotCaptureDialog *self)
{
  return self->filter_valid;
}

void
iot_capture_dialog_set_filter (IotCaptureDialog *self, const char *filter)
{
  gtk_editable_set_text (GTK_EDITABLE (self->filter_entry), filter != NULL ? filter : "");
}

const char *
iot_capture_dialog_get_filter (IotCaptureDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->filter_entry));

  return text[0] != '\0' ? text : NULL;
}

gboolean
iot_capture_dialog_get_promiscuous (IotCaptureDialog *self)
{
  return gtk_check_button_get_active (self->promiscuous_check);
}

gboolean
iot_capture_dialog_get_monitor (IotCaptureDialog *self)
{
  return gtk_check_button_get_active (self->monitor_check);
}

/* ---- limits ------------------------------------------------------------------ */

static double
checked_value (GtkCheckButton *check, GtkSpinButton *spin)
{
  return gtk_check_button_get_active (check) ? gtk_spin_button_get_value (spin) : 0;
}

int
iot_capture_dialog_get_link_type (IotCaptureDialog *self)
{
  guint selected = gtk_drop_down_get_selected (self->link_type_dropdown);

  return selected < self->link_types->len ? g_array_index (self->link_types, int, selected) : 0;
}

void
iot_capture_dialog_get_limits (IotCaptureDialog *self, IotCaptureLimits *limits)
{
  limits->link_type = iot_capture_dialog_get_link_type (self);
  limits->snaplen = gtk_spin_button_get_value_as_int (self->snaplen_spin);
  limits->buffer_mib = gtk_spin_button_get_value_as_int (self->buffer_spin);
  limits->stop_packets = (guint64) checked_value (self->stop_packets_check, self->stop_packets_spin);
  limits->stop_seconds = checked_value (self->stop_seconds_check, self->stop_seconds_spin);
  limits->stop_filesize_kb = (guint64) checked_value (self->stop_size_check, self->stop_size_spin);
}

static void
set_checked_value (GtkCheckButton *check, GtkSpinButton *spin, double value)
{
  gtk_check_button_set_active (check, value > 0);
  if (value > 0)
    gtk_spin_button_set_value (spin, value);
}

void
iot_capture_dialog_set_limits (IotCaptureDialog *self, const IotCaptureLimits *limits)
{
  gtk_spin_button_set_value (self->snaplen_spin, limits->snaplen);
  gtk_spin_button_set_value (self->buffer_spin, limits->buffer_mib);
  set_checked_value (self->stop_packets_check, self->stop_packets_spin, (double) limits->stop_packets);
  set_checked_value (self->stop_seconds_check, self->stop_seconds_spin, limits->stop_seconds);
  set_checked_value (self->stop_size_check, self->stop_size_spin, (double) limits->stop_filesize_kb);
}

/* ---- actions ------------------------------------------------------------------ */

static void
use_filter_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotCaptureDialog *self = IOT_CAPTURE_DIALOG (widget);

  iot_capture_dialog_set_filter (self, g_variant_get_string (param, NULL));
  gtk_widget_grab_focus (GTK_WIDGET (self->filter_entry));
}

static void
start_clicked_cb (GtkButton *button, IotCaptureDialog *self)
{
  if (gtk_widget_get_sensitive (GTK_WIDGET (self->start_button)))
    g_signal_emit (self, signals[SIGNAL_START], 0);
}

static void
cancel_clicked_cb (GtkButton *button, IotCaptureDialog *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
row_activated_cb (GtkListBox *list, GtkListBoxRow *row, IotCaptureDialog *self)
{
  start_clicked_cb (self->start_button, self);
}

/* ---- construction ------------------------------------------------------------ */

IotCaptureDialog *
iot_capture_dialog_new (GtkWindow *parent)
{
  return g_object_new (IOT_TYPE_CAPTURE_DIALOG, "transient-for", parent, NULL);
}

static void
iot_capture_dialog_dispose (GObject *object)
{
  IotCaptureDialog *self = IOT_CAPTURE_DIALOG (object);

  /* Rows leaving the list change its selection. */
  if (self->interface_list != NULL)
    g_signal_handlers_disconnect_by_data (self->interface_list, self);
  g_clear_handle_id (&self->rate_id, g_source_remove);
  g_clear_pointer (&self->link_types, g_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), IOT_TYPE_CAPTURE_DIALOG);
  G_OBJECT_CLASS (iot_capture_dialog_parent_class)->dispose (object);
}

static void
iot_capture_dialog_class_init (IotCaptureDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = iot_capture_dialog_dispose;
  signals[SIGNAL_START] = g_signal_new ("start", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-capture-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, IotCaptureDialog, interface_list);
  gtk_widget_class_bind_template_child (widget_class, IotCaptureDialog, interface_message);
  gtk_widget_class_bind_template_child (widget_class, IotCaptureDialog, filter_entry);
  gtk_widget_class_bind_template_child (widget_class, IotCaptureDialog, filter_message);
  gtk_widget_class_bind_template_child (widget_class, IotCaptureDialog, promiscuous_check);
  gtk_widget_class_bind_template_child (widget_class, IotCaptureDialog, monitor_check);
  gtk_widget_class_bind_template_child (widget_class, IotCaptureDialog, monitor_message);
  gtk_widget_class_bind_template_child (widget_class, IotCaptureDialog, link_type_dropdown);
  gtk_widget_class_bind_template_child (widget_class, IotCaptureDialog, link_type_message);
  gtk_widget_class_bind_template_child (widget_class, IotCaptureDialog, start_button);
  gtk_widget_class_bind_template_child (widget_class, IotCaptureDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, IotCaptureDialog, snaplen_spin);
  gtk_widget_class_bind_template_child (widget_class, IotCaptureDialog, buffer_spin);
  gtk_widget_class_bind_template_child (widget_class, IotCaptureDialog, stop_packets_check);
  gtk_widget_class_bind_template_child (widget_class, IotCaptureDialog, stop_packets_spin);
  gtk_widget_class_bind_template_child (widget_class, IotCaptureDialog, stop_seconds_check);
  gtk_widget_class_bind_template_child (widget_class, IotCaptureDialog, stop_seconds_spin);
  gtk_widget_class_bind_template_child (widget_class, IotCaptureDialog, stop_size_check);
  gtk_widget_class_bind_template_child (widget_class, IotCaptureDialog, stop_size_spin);
  gtk_widget_class_install_action (widget_class, "capture.use-filter", "s", use_filter_action);
  gtk_widget_class_add_binding_signal (widget_class, GDK_KEY_Escape, 0, "close-request", NULL);
}

static void
iot_capture_dialog_init (IotCaptureDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->link_types = g_array_new (FALSE, FALSE, sizeof (int));
  fill_interfaces (self);
  g_signal_connect (self->monitor_check, "toggled", G_CALLBACK (monitor_toggled_cb), self);
  g_signal_connect (self->interface_list, "selected-rows-changed", G_CALLBACK (selection_changed_cb), self);
  g_signal_connect (self->interface_list, "row-activated", G_CALLBACK (row_activated_cb), self);
  g_signal_connect (self->filter_entry, "changed", G_CALLBACK (filter_changed_cb), self);
  g_signal_connect (self->filter_entry, "activate", G_CALLBACK (start_clicked_cb), self);
  g_signal_connect (self->start_button, "clicked", G_CALLBACK (start_clicked_cb), self);
  g_signal_connect (self->cancel_button, "clicked", G_CALLBACK (cancel_clicked_cb), self);
  /* A stop value counts only when its box is ticked. */
  g_object_bind_property (self->stop_packets_check, "active", self->stop_packets_spin, "sensitive",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->stop_seconds_check, "active", self->stop_seconds_spin, "sensitive",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->stop_size_check, "active", self->stop_size_spin, "sensitive",
                          G_BINDING_SYNC_CREATE);
  check_filter (self);
  update_monitor (self);
  update_link_types (self);
  update_start (self);
  iot_capture_dialog_sample_rates (self);
  self->rate_id = g_timeout_add (RATE_INTERVAL_MS, sample_rates_cb, self);
  /* Focus in the list would select its first row when shown. */
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->filter_entry));
}
