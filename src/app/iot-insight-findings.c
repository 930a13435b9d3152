/* iot-insight-findings.c — a list of findings and the selected one's
 * explanation and frames. */
#include "iot-insight-findings.h"

#include <glib/gi18n.h>

#include <string.h>

#include "iot-dissector.h"

struct _IotInsightFindings {
  GtkWidget           parent_instance;

  GtkStack           *stack;
  GtkImage           *empty_icon;
  GtkLabel           *empty_title;
  GtkLabel           *empty_detail;
  GtkColumnView      *view;
  GtkSingleSelection *selection;
  GtkBox             *detail;
  GtkImage           *detail_icon;
  GtkLabel           *detail_summary;
  GtkLabel           *detail_meta;
  GtkLabel           *detail_explanation;
  GtkLabel           *evidence_title;
  GtkListView        *evidence_view;
  GtkStringList      *evidence_frames;
  GtkLabel           *related_title;
  GtkWidget          *related_scroll;
  GtkListView        *related_view;
  GtkStringList      *related_frames;
  GtkButton          *filter_button;

  IotCapture         *capture;
  IotPacket          *pkt;
  GHashTable         *frame_text;   /* frame → "protocol\tinfo" */
};

G_DEFINE_FINAL_TYPE (IotInsightFindings, iot_insight_findings, GTK_TYPE_WIDGET)

enum {
  SIGNAL_FRAME_ACTIVATED,
  SIGNAL_FILTER_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- severities ------------------------------------------------------------ */

static const char *
severity_icon (IotSeverity severity)
{
  switch (severity)
    {
    case IOT_SEV_ERROR: return "dialog-error-symbolic";
    case IOT_SEV_WARN: return "dialog-warning-symbolic";
    default: return "dialog-information-symbolic";
    }
}

static const char *
severity_label (IotSeverity severity)
{
  switch (severity)
    {
    case IOT_SEV_ERROR: return _("Error");
    case IOT_SEV_WARN: return _("Warning");
    case IOT_SEV_NOTE: return _("Note");
    case IOT_SEV_CHAT: return _("Chat");
    default: return _("Comment");
    }
}

/* The CSS class that colours the icon and the word. */
static const char *
severity_class (IotSeverity severity)
{
  switch (severity)
    {
    case IOT_SEV_ERROR: return "insight-error";
    case IOT_SEV_WARN: return "insight-warning";
    default: return "insight-note";
    }
}

static void
set_severity_class (GtkWidget *widget, IotSeverity severity)
{
  static const char *const classes[] = { "insight-error", "insight-warning", "insight-note" };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (widget, classes[i]);
  gtk_widget_add_css_class (widget, severity_class (severity));
}

static const char *
kind_label (IotInsightKind kind)
{
  switch (kind)
    {
    case IOT_INSIGHT_SECURITY: return _("Security");
    case IOT_INSIGHT_DEVIATION: return _("Deviation from the baseline");
    case IOT_INSIGHT_DIAGNOSIS:
    default: return _("Diagnosis");
    }
}

static IotInsightFindingRow *
list_item_row (GtkListItem *item)
{
  return IOT_INSIGHT_FINDING_ROW (gtk_list_item_get_item (item));
}

/* ---- list columns ------------------------------------------------------------ */

/* Long summaries and subjects wrap once, then end in an ellipsis: rows
 * that start alike (one per client) stay apart. */
static void
set_two_lines (GtkWidget *label)
{
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (GTK_LABEL (label), 2);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  /* Without a width of its own, a wrapping label asks for its whole text. */
  gtk_label_set_width_chars (GTK_LABEL (label), 10);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 10);
}

static void
severity_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_box_append (GTK_BOX (box), gtk_image_new ());
  gtk_box_append (GTK_BOX (box), gtk_label_new (NULL));
  gtk_list_item_set_child (item, box);
}

static void
severity_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  const IotInsightItem *finding = iot_insight_finding_row_get_item (list_item_row (item));
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *icon = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_next_sibling (icon);

  gtk_image_set_from_icon_name (GTK_IMAGE (icon), severity_icon (finding->severity));
  gtk_label_set_text (GTK_LABEL (label), severity_label (finding->severity));
  set_severity_class (box, finding->severity);
}

static void
summary_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *tag = gtk_label_new (_("Deviation"));
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_add_css_class (tag, "insight-tag");
  gtk_widget_set_valign (tag, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (tag, _("Differs from the baseline this capture was compared with"));
  set_two_lines (label);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), tag);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_item_set_child (item, box);
}

static void
summary_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  const IotInsightItem *finding = iot_insight_finding_row_get_item (list_item_row (item));
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *tag = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_next_sibling (tag);

  gtk_widget_set_visible (tag, finding->kind == IOT_INSIGHT_DEVIATION);
  gtk_label_set_text (GTK_LABEL (label), finding->summary);
  gtk_widget_set_tooltip_text (label, finding->summary);
}

static void
subject_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkWidget *label = gtk_label_new (NULL);

  set_two_lines (label);
  gtk_list_item_set_child (item, label);
}

static void
subject_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  const IotInsightItem *finding = iot_insight_finding_row_get_item (list_item_row (item));
  GtkWidget *label = gtk_list_item_get_child (item);

  gtk_label_set_text (GTK_LABEL (label), finding->subject);
  gtk_widget_set_tooltip_text (label, finding->subject);
}

static void
count_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_set_tooltip_text (label, _("How many frames show this (the evidence)"));
  gtk_list_item_set_child (item, label);
}

static void
count_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  const IotInsightItem *finding = iot_insight_finding_row_get_item (list_item_row (item));
  char text[16];

  g_snprintf (text, sizeof text, "%u", finding->frames->len);
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

/* ---- frame lists ---------------------------------------------------------------- */

/* "MQTT\tPublish Message [a/b]" for frame @number, dissected once. */
static const char *
frame_text (IotInsightFindings *self, guint32 number)
{
  IotDissectOptions options = { .flags = IOT_DISSECT_COLUMNS };
  const char *text = g_hash_table_lookup (self->frame_text, GUINT_TO_POINTER (number));
  const char *info;

  if (text != NULL)
    return text;
  if (self->capture == NULL || number < 1 || number > iot_capture_n_passed (self->capture))
    return "\t";
  /* One frame as its row comes into view, as the packet list does. */
  iot_engine_dissect (iot_capture_engine (self->capture), self->pkt, number, &options);
  info = iot_col_info (self->pkt);
  text = g_strdup_printf ("%s\t%s", iot_col_protocol (self->pkt) ? iot_col_protocol (self->pkt) : "",
                          info != NULL ? info : "");
  g_hash_table_insert (self->frame_text, GUINT_TO_POINTER (number), (gpointer) text);
  return text;
}

static void
frame_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *number = gtk_label_new (NULL);
  GtkWidget *protocol = gtk_label_new (NULL);
  GtkWidget *info = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (number), 1);
  gtk_label_set_width_chars (GTK_LABEL (number), 7);
  gtk_widget_add_css_class (number, "numeric");
  gtk_widget_add_css_class (number, "insight-frame-number");
  gtk_label_set_xalign (GTK_LABEL (protocol), 0);
  gtk_label_set_width_chars (GTK_LABEL (protocol), 6);
  gtk_widget_add_css_class (protocol, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (info), 0);
  gtk_label_set_ellipsize (GTK_LABEL (info), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (info, TRUE);
  gtk_box_append (GTK_BOX (box), number);
  gtk_box_append (GTK_BOX (box), protocol);
  gtk_box_append (GTK_BOX (box), info);
  gtk_list_item_set_child (item, box);
}

static void
frame_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, IotInsightFindings *self)
{
  const char *number = gtk_string_object_get_string (gtk_list_item_get_item (item));
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *number_label = gtk_widget_get_first_child (box);
  GtkWidget *protocol = gtk_widget_get_next_sibling (number_label);
  GtkWidget *info = gtk_widget_get_next_sibling (protocol);
  const char *text = frame_text (self, (guint32) g_ascii_strtoull (number, NULL, 10));
  const char *tab = strchr (text, '\t');
  g_autofree char *proto = g_strndup (text, tab - text);
  g_autofree char *tooltip = NULL;

  gtk_label_set_text (GTK_LABEL (number_label), number);
  gtk_label_set_text (GTK_LABEL (protocol), proto);
  gtk_label_set_text (GTK_LABEL (info), tab + 1);
  tooltip = g_strdup_printf (_("Frame %s: %s — click to select it in the main window"), number, tab + 1);
  gtk_widget_set_tooltip_text (box, tooltip);
}

static void
fill_frames (GtkStringList *list, const GArray *frames)
{
  g_autoptr (GPtrArray) numbers = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < frames->len; i++)
    g_ptr_array_add (numbers, g_strdup_printf ("%u", g_array_index (frames, guint32, i)));
  g_ptr_array_add (numbers, NULL);
  gtk_string_list_splice (list, 0, g_list_model_get_n_items (G_LIST_MODEL (list)),
                          (const char *const *) numbers->pdata);
}

static void
frame_activate_cb (GtkListView *view, guint position, IotInsightFindings *self)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (view));
  g_autoptr (GtkStringObject) item = g_list_model_get_item (model, position);

  if (item == NULL)
    return;
  g_signal_emit (self, signals[SIGNAL_FRAME_ACTIVATED], 0,
                 (guint) g_ascii_strtoull (gtk_string_object_get_string (item), NULL, 10));
}

/* ---- detail pane ----------------------------------------------------------------- */

static IotInsightFindingRow *
selected_row (IotInsightFindings *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

static void
show_detail (IotInsightFindings *self)
{
  IotInsightFindingRow *row = selected_row (self);
  const IotInsightItem *finding;
  g_autofree char *subject = NULL;
  g_autofree char *meta = NULL;
  g_autofree char *explanation = NULL;
  g_autofree char *evidence = NULL;
  g_autofree char *related = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->detail), row != NULL);
  if (row == NULL)
    return;
  finding = iot_insight_finding_row_get_item (row);
  gtk_image_set_from_icon_name (self->detail_icon, severity_icon (finding->severity));
  set_severity_class (GTK_WIDGET (self->detail_icon), finding->severity);
  gtk_label_set_text (self->detail_summary, finding->summary);
  subject = g_markup_escape_text (finding->subject, -1);
  meta = g_strdup_printf (_("%s · %s · about <b>%s</b> · <tt>%s</tt>"), severity_label (finding->severity),
                          kind_label (finding->kind), subject, finding->id);
  gtk_label_set_markup (self->detail_meta, meta);
  explanation = g_strdup_printf ("%s%s%s%s%s", finding->explanation,
                                 finding->confidence ? _("\n\nConfidence: ") : "",
                                 finding->confidence ? finding->confidence : "",
                                 finding->confirm ? _("\n\nTo confirm: ") : "", finding->confirm ? finding->confirm : "");
  gtk_label_set_text (self->detail_explanation, explanation);
  evidence = g_strdup_printf (ngettext ("Evidence: %u frame", "Evidence: %u frames", finding->frames->len),
                              finding->frames->len);
  gtk_label_set_text (self->evidence_title, evidence);
  fill_frames (self->evidence_frames, finding->frames);
  if (finding->related->len > 0)
    related = g_strdup_printf (ngettext ("%s: %u frame", "%s: %u frames", finding->related->len),
                               finding->related_label != NULL ? finding->related_label : _("Related frames"),
                               finding->related->len);
  gtk_label_set_text (self->related_title, related != NULL ? related : "");
  gtk_widget_set_visible (GTK_WIDGET (self->related_title), related != NULL);
  gtk_widget_set_visible (self->related_scroll, related != NULL);
  fill_frames (self->related_frames, finding->related);
}

static void
selection_changed_cb (GtkSingleSelection *selection, GParamSpec *pspec, IotInsightFindings *self)
{
  show_detail (self);
}

static void
filter_clicked_cb (GtkButton *button, IotInsightFindings *self)
{
  IotInsightFindingRow *row = selected_row (self);
  g_autofree char *filter = NULL;

  if (row == NULL)
    return;
  filter = iot_insight_finding_row_dup_filter (row);
  g_signal_emit (self, signals[SIGNAL_FILTER_REQUESTED], 0, filter);
}

/* ---- public ------------------------------------------------------------------------ */

void
iot_insight_findings_set_capture (IotInsightFindings *self, IotCapture *capture)
{
  g_return_if_fail (IOT_IS_INSIGHT_FINDINGS (self));

  if (capture != NULL)
    iot_capture_ref (capture);
  g_clear_pointer (&self->capture, iot_capture_unref);
  self->capture = capture;
  g_hash_table_remove_all (self->frame_text);
}

void
iot_insight_findings_set_rows (IotInsightFindings *self, GListModel *rows,
                               const char *empty_title, const char *empty_detail)
{
  gboolean empty = g_list_model_get_n_items (rows) == 0;

  g_return_if_fail (IOT_IS_INSIGHT_FINDINGS (self));
  gtk_single_selection_set_model (self->selection, rows);
  gtk_label_set_text (self->empty_title, empty_title);
  gtk_label_set_text (self->empty_detail, empty_detail);
  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "list");
  show_detail (self);
}

static void
iot_insight_findings_dispose (GObject *object)
{
  IotInsightFindings *self = IOT_INSIGHT_FINDINGS (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), IOT_TYPE_INSIGHT_FINDINGS);
  G_OBJECT_CLASS (iot_insight_findings_parent_class)->dispose (object);
}

static void
iot_insight_findings_finalize (GObject *object)
{
  IotInsightFindings *self = IOT_INSIGHT_FINDINGS (object);

  g_clear_pointer (&self->capture, iot_capture_unref);
  g_clear_pointer (&self->pkt, iot_packet_free);
  g_hash_table_unref (self->frame_text);
  G_OBJECT_CLASS (iot_insight_findings_parent_class)->finalize (object);
}

static void
iot_insight_findings_class_init (IotInsightFindingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = iot_insight_findings_dispose;
  object_class->finalize = iot_insight_findings_finalize;

  /* (frame): a frame of a list was clicked. */
  signals[SIGNAL_FRAME_ACTIVATED] =
    g_signal_new ("frame-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  /* (filter): "Filter These Frames" was clicked. */
  signals[SIGNAL_FILTER_REQUESTED] =
    g_signal_new ("filter-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-insight-findings.ui");
  gtk_widget_class_bind_template_child (widget_class, IotInsightFindings, stack);
  gtk_widget_class_bind_template_child (widget_class, IotInsightFindings, empty_icon);
  gtk_widget_class_bind_template_child (widget_class, IotInsightFindings, empty_title);
  gtk_widget_class_bind_template_child (widget_class, IotInsightFindings, empty_detail);
  gtk_widget_class_bind_template_child (widget_class, IotInsightFindings, view);
  gtk_widget_class_bind_template_child (widget_class, IotInsightFindings, selection);
  gtk_widget_class_bind_template_child (widget_class, IotInsightFindings, detail);
  gtk_widget_class_bind_template_child (widget_class, IotInsightFindings, detail_icon);
  gtk_widget_class_bind_template_child (widget_class, IotInsightFindings, detail_summary);
  gtk_widget_class_bind_template_child (widget_class, IotInsightFindings, detail_meta);
  gtk_widget_class_bind_template_child (widget_class, IotInsightFindings, detail_explanation);
  gtk_widget_class_bind_template_child (widget_class, IotInsightFindings, evidence_title);
  gtk_widget_class_bind_template_child (widget_class, IotInsightFindings, evidence_view);
  gtk_widget_class_bind_template_child (widget_class, IotInsightFindings, evidence_frames);
  gtk_widget_class_bind_template_child (widget_class, IotInsightFindings, related_title);
  gtk_widget_class_bind_template_child (widget_class, IotInsightFindings, related_scroll);
  gtk_widget_class_bind_template_child (widget_class, IotInsightFindings, related_view);
  gtk_widget_class_bind_template_child (widget_class, IotInsightFindings, related_frames);
  gtk_widget_class_bind_template_child (widget_class, IotInsightFindings, filter_button);
  gtk_widget_class_bind_template_callback (widget_class, severity_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, severity_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, summary_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, summary_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, subject_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, subject_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, count_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, count_bind_cb);
  gtk_widget_class_bind_template_callback (widget_class, frame_setup_cb);
  gtk_widget_class_bind_template_callback (widget_class, frame_bind_cb);
}

static void
iot_insight_findings_init (IotInsightFindings *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->pkt = iot_packet_new ();
  self->frame_text = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_signal_connect (self->selection, "notify::selected-item", G_CALLBACK (selection_changed_cb), self);
  g_signal_connect (self->evidence_view, "activate", G_CALLBACK (frame_activate_cb), self);
  g_signal_connect (self->related_view, "activate", G_CALLBACK (frame_activate_cb), self);
  g_signal_connect (self->filter_button, "clicked", G_CALLBACK (filter_clicked_cb), self);
  show_detail (self);
}
