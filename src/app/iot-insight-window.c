/* iot-insight-window.c — the IoT Insight window: diagnoses, security audit,
 * MQTT topic tree, sessions and latency plots of the session's capture. */
#include "iot-insight-window.h"

#include <glib/gi18n.h>

#include <math.h>
#include <string.h>

#include "iot-insight-readings.h"
#include "iot-insight-rows.h"

typedef struct {
  IotInsight *insight;
} Job;

struct _IotInsightWindow {
  IotAnalysisWindow   parent_instance;

  GtkStack           *outer_stack;
  GtkSpinner         *spinner;
  GtkLabel           *loading_label;
  GtkStack           *pages;
  GtkRevealer        *banner;
  GtkWidget          *banner_box;
  GtkLabel           *banner_label;
  GtkButton          *banner_close;
  IotInsightFindings *diagnoses;
  IotInsightFindings *security;
  GtkStack           *topics_stack;
  GtkColumnView      *topics_view;
  GtkStack           *sessions_stack;
  GtkColumnView      *sessions_view;
  GtkDrawingArea     *mqtt_plot;
  GtkLabel           *mqtt_stats;
  GtkDrawingArea     *coap_plot;
  GtkLabel           *coap_stats;
  GtkLabel           *summary_label;
  IotInsightReadings *readings;

  IotInsight         *insight;
  GtkFileChooserNative *chooser;
  gboolean              report_when_ready;   /* "Export IoT Report…" of the main window */
};

G_DEFINE_FINAL_TYPE (IotInsightWindow, iot_insight_window, IOT_TYPE_ANALYSIS_WINDOW)

/* The analysed capture: the session may open another meanwhile. */
static IotCapture *
window_capture (IotInsightWindow *self)
{
  return iot_analysis_window_get_capture (IOT_ANALYSIS_WINDOW (self));
}

static const char *const page_names[] = { "diagnoses", "security", "topics", "sessions", "readings", "latency", NULL };

/* ---- formatting -------------------------------------------------------------- */

/* A time in seconds with a unit that keeps two or three digits. */
static void
format_duration (double s, char *buf, gsize size)
{
  if (s < 0)
    g_snprintf (buf, size, "—");
  else if (s == 0)
    g_snprintf (buf, size, "0");
  else if (s < 1e-3)
    g_snprintf (buf, size, "%.0f µs", s * 1e6);
  else if (s < 10e-3)
    g_snprintf (buf, size, "%.2f ms", s * 1e3);
  else if (s < 1)
    g_snprintf (buf, size, "%.1f ms", s * 1e3);
  else if (s < 60)
    g_snprintf (buf, size, "%.3f s", s);
  else
    g_snprintf (buf, size, "%.1f min", s / 60);
}

/* An axis label: three significant digits at most ("10 ms", "126 µs"). */
static void
format_tick (double s, char *buf, gsize size)
{
  if (s <= 0)
    g_snprintf (buf, size, "0");
  else if (s < 1e-3)
    g_snprintf (buf, size, "%.3g µs", s * 1e6);
  else if (s < 1)
    g_snprintf (buf, size, "%.3g ms", s * 1e3);
  else
    g_snprintf (buf, size, "%.3g s", s);
}


static char *
join_names (const GPtrArray *names)
{
  g_autoptr (GString) out = g_string_new (NULL);

  for (guint i = 0; names != NULL && i < names->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? ", " : "", (const char *) names->pdata[i]);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* ---- banner ---------------------------------------------------------------------- */

static void
show_banner (IotInsightWindow *self, const char *text, gboolean error)
{
  gtk_label_set_text (self->banner_label, text);
  if (error)
    gtk_widget_add_css_class (self->banner_box, "error");
  else
    gtk_widget_remove_css_class (self->banner_box, "error");
  gtk_revealer_set_reveal_child (self->banner, TRUE);
}

static void
banner_close_cb (GtkButton *button, IotInsightWindow *self)
{
  gtk_revealer_set_reveal_child (self->banner, FALSE);
  gtk_label_set_text (self->banner_label, "");
}

/* ---- findings ---------------------------------------------------------------------- */

static void
set_page_title (IotInsightWindow *self, const char *name, const char *title, guint count)
{
  GtkStackPage *page = gtk_stack_get_page (self->pages, gtk_stack_get_child_by_name (self->pages, name));
  g_autofree char *text = count > 0 ? g_strdup_printf ("%s (%u)", title, count) : g_strdup (title);

  gtk_stack_page_set_title (page, text);
}

static int
cmp_severity (gconstpointer a, gconstpointer b)
{
  const IotInsightItem *x = *(const IotInsightItem *const *) a, *y = *(const IotInsightItem *const *) b;

  return (int) y->severity - (int) x->severity;
}

/* Appends the findings of @kind, the most severe first (in capture order
 * among equals: the sort is stable). */
static guint
add_findings (IotInsightWindow *self, GListStore *store, IotInsightKind kind)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new ();

  for (guint i = 0; i < iot_insight_n_items (self->insight); i++)
    if (iot_insight_item (self->insight, i)->kind == kind)
      g_ptr_array_add (items, (gpointer) iot_insight_item (self->insight, i));
  g_ptr_array_sort (items, cmp_severity);
  for (guint i = 0; i < items->len; i++)
    {
      g_autoptr (IotInsightFindingRow) row = iot_insight_finding_row_new (items->pdata[i]);

      g_list_store_append (store, row);
    }
  return items->len;
}

static void
fill_findings (IotInsightWindow *self)
{
  g_autoptr (GListStore) diagnoses = g_list_store_new (IOT_TYPE_INSIGHT_FINDING_ROW);
  g_autoptr (GListStore) security = g_list_store_new (IOT_TYPE_INSIGHT_FINDING_ROW);
  guint32 frames = iot_insight_n_frames (self->insight);
  g_autofree char *frames_text = g_strdup_printf (ngettext ("%llu frame", "%llu frames", frames),
                                                 (unsigned long long) frames);
  g_autofree char *diag_title = g_strdup_printf (_("No problems found in %s"), frames_text);
  g_autofree char *sec_title = g_strdup_printf (_("No security weaknesses found in %s"), frames_text);
  /* Deviations first: the comparison was asked for. */
  guint deviations = add_findings (self, diagnoses, IOT_INSIGHT_DEVIATION);
  guint n_diag = add_findings (self, diagnoses, IOT_INSIGHT_DIAGNOSIS);
  guint n_sec = add_findings (self, security, IOT_INSIGHT_SECURITY);

  iot_insight_findings_set_rows (self->diagnoses, G_LIST_MODEL (diagnoses), diag_title,
                                 _("MQTT sessions, acknowledgements and duplicates, periodic publications, CoAP "
                                 "retransmissions, TCP retransmissions and zero windows, DNS failures and "
                                 "malformed packets were checked, and none of them showed anything wrong."));
  iot_insight_findings_set_rows (self->security, G_LIST_MODEL (security), sec_title,
                                 _("No credentials in clear text, no unencrypted IoT protocols, no old TLS or "
                                 "DTLS versions, no weak cipher suites and no unexpected peers on the "
                                 "Internet were seen."));
  set_page_title (self, "diagnoses", _("Diagnoses"), n_diag + deviations);
  set_page_title (self, "security", _("Security"), n_sec);
}

static void
findings_frame_cb (IotInsightFindings *findings, guint frame, IotInsightWindow *self)
{
  /* Another file is open now: its frame N is not this one. */
  if (!iot_analysis_window_shows_capture (IOT_ANALYSIS_WINDOW (self)))
    {
      show_banner (self, _("The main window shows another capture now: its frames are not these."), TRUE);
      return;
    }
  iot_analysis_window_emit_frame_activated (IOT_ANALYSIS_WINDOW (self), frame);
}

static void
readings_frame_cb (IotInsightReadings *readings, guint frame, IotInsightWindow *self)
{
  findings_frame_cb (NULL, frame, self);
}

static void
findings_filter_cb (IotInsightFindings *findings, const char *filter, IotInsightWindow *self)
{
  iot_analysis_window_emit_filter_requested (IOT_ANALYSIS_WINDOW (self), filter);
}

/* ---- topic tree ---------------------------------------------------------------------- */

typedef enum {
  T_TOPIC, T_MESSAGES, T_BYTES, T_QOS, T_RETAINED, T_PUBLISHERS, T_SUBSCRIBERS, T_RATE, T_PERIOD, T_JITTER,
  T_GAPS,
} TopicColumn;

typedef struct {
  const char *title;
  int         width;      /* -1: expands */
  gboolean    numeric;
  const char *tooltip;
} ColumnSpec;

static const ColumnSpec topic_columns[] = {
  [T_TOPIC] = { N_("Topic"), -1, FALSE, N_("A level of the topic tree; a topic is the path of levels from the top, "
                "such as plant/line1/temp. Levels above a topic show the sums of everything below them. "
                "Double-click to filter the main window on it.") },
  [T_MESSAGES] = { N_("Messages"), 90, TRUE, N_("PUBLISH messages with this topic, in both directions: from the "
                   "publisher to the broker, and from the broker to each subscriber") },
  [T_BYTES] = { N_("Bytes"), 90, TRUE, N_("Payload bytes of those messages (the application data, without MQTT "
                "headers)") },
  [T_QOS] = { N_("QoS 0 / 1 / 2"), 120, TRUE, N_("How many messages used each quality of service: 0 = at most once "
              "(never confirmed), 1 = at least once (PUBACK), 2 = exactly once (PUBREC, PUBREL, PUBCOMP)") },
  [T_RETAINED] = { N_("Retained"), 80, TRUE, N_("Messages with the RETAIN flag: the broker keeps the last one and "
                   "hands it to every new subscriber at once") },
  [T_PUBLISHERS] = { N_("Publishers"), 140, FALSE, N_("The clients that published on this topic (client id, or "
                     "address:port when the CONNECT was not captured)") },
  [T_SUBSCRIBERS] = { N_("Subscribers"), 140, FALSE, N_("The clients that received these messages or subscribed "
                      "with a matching filter") },
  [T_RATE] = { N_("Rate/min"), 85, TRUE, N_("Messages published per minute over the whole capture") },
  [T_PERIOD] = { N_("Period"), 85, TRUE, N_("Period: the usual time between two publications of this topic by its "
                 "main publisher (the median interval). Sensors that report on a timer have a steady period; "
                 "— means the publications are not regular") },
  [T_JITTER] = { N_("Jitter"), 80, TRUE, N_("Jitter: how far the intervals typically stray from the period (the "
                 "median distance). Small jitter means a steady clock; large jitter, a busy device or network") },
  [T_GAPS] = { N_("Gaps"), 60, TRUE, N_("Gaps: pauses longer than one and a half periods, where at least one "
               "expected reading never arrived (see the periodic-gap diagnoses)") },
};

/* The row's topic level; the tree keeps it alive. */
static IotInsightTopicRow *
topic_item_row (GtkListItem *item)
{
  g_autoptr (GObject) topic = gtk_tree_list_row_get_item (gtk_list_item_get_item (item));

  return IOT_INSIGHT_TOPIC_ROW (topic);
}

static void
topic_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  TopicColumn column = GPOINTER_TO_INT (data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (column == T_TOPIC)
    {
      GtkWidget *expander = gtk_tree_expander_new ();

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), label);
      gtk_list_item_set_child (item, expander);
      return;
    }
  gtk_label_set_xalign (GTK_LABEL (label), topic_columns[column].numeric ? 1 : 0);
  gtk_list_item_set_child (item, label);
}

static char *
topic_cell_text (IotInsightTopicRow *row, TopicColumn column, char **tooltip)
{
  const IotTopicStats *st = iot_insight_topic_row_get_stats (row);
  char buf[64];

  switch (column)
    {
    case T_TOPIC:
      *tooltip = g_strdup (iot_insight_topic_row_get_path (row));
      return g_strdup (*iot_insight_topic_row_get_level (row) ? iot_insight_topic_row_get_level (row) : _("(empty)"));
    case T_MESSAGES:
      *tooltip = g_strdup_printf (_("%llu published by clients, %llu delivered by the broker"),
                                  (unsigned long long) st->published, (unsigned long long) st->delivered);
      return g_strdup_printf ("%" G_GUINT64_FORMAT, st->messages);
    case T_BYTES:
      return g_strdup_printf ("%" G_GUINT64_FORMAT, st->bytes);
    case T_QOS:
      return g_strdup_printf ("%" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT,
                              st->qos[0], st->qos[1], st->qos[2]);
    case T_RETAINED:
      return g_strdup_printf ("%" G_GUINT64_FORMAT, st->retained);
    case T_PUBLISHERS:
    case T_SUBSCRIBERS:
      {
        const GPtrArray *names = column == T_PUBLISHERS ? st->publishers : st->subscribers;

        *tooltip = names->len > 0 ? join_names (names) : g_strdup ("None seen");
        if (names->len == 0)
          return g_strdup ("—");
        if (names->len > 2)
          return g_strdup_printf (_("%u clients"), names->len);
        return join_names (names);
      }
    case T_RATE:
      return g_strdup_printf ("%.1f", st->rate_per_min);
    case T_PERIOD:
      if (st->period_s < 0)
        return g_strdup ("—");
      format_duration (st->period_s, buf, sizeof buf);
      return g_strdup (buf);
    case T_JITTER:
      if (st->period_s < 0 || st->jitter_s < 0)
        return g_strdup ("—");
      format_duration (st->jitter_s, buf, sizeof buf);
      return g_strdup_printf ("± %s", buf);
    case T_GAPS:
    default:
      return g_strdup_printf ("%u", st->gaps);
    }
}

static void
topic_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  TopicColumn column = GPOINTER_TO_INT (data);
  IotInsightTopicRow *row = topic_item_row (item);
  GtkWidget *child = gtk_list_item_get_child (item);
  GtkWidget *label = child;
  g_autofree char *tooltip = NULL;
  g_autofree char *text = NULL;

  if (column == T_TOPIC)
    {
      gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (child), gtk_list_item_get_item (item));
      label = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (child));
      /* Levels that are only a prefix of topics read as headings. */
      if (iot_insight_topic_row_get_children (row) != NULL)
        gtk_widget_add_css_class (label, "insight-level");
      else
        gtk_widget_remove_css_class (label, "insight-level");
    }
  text = topic_cell_text (row, column, &tooltip);
  gtk_label_set_text (GTK_LABEL (label), text);
  gtk_widget_set_tooltip_text (label, tooltip != NULL ? tooltip : _(topic_columns[column].tooltip));
  if (column == T_GAPS)
    {
      if (iot_insight_topic_row_get_stats (row)->gaps > 0)
        gtk_widget_add_css_class (label, "insight-warning");
      else
        gtk_widget_remove_css_class (label, "insight-warning");
    }
}

static void
topic_unbind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  if (GPOINTER_TO_INT (data) == T_TOPIC)
    gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (gtk_list_item_get_child (item)), NULL);
}

static GtkColumnViewColumn *
new_column (const char *title, int width, GCallback setup, GCallback bind, GCallback unbind, gpointer data)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_signal_connect (factory, "setup", setup, data);
  g_signal_connect (factory, "bind", bind, data);
  if (unbind != NULL)
    g_signal_connect (factory, "unbind", unbind, data);
  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (column, TRUE);
  if (width < 0)
    gtk_column_view_column_set_expand (column, TRUE);
  else
    gtk_column_view_column_set_fixed_width (column, width);
  return column;
}

static void
setup_topic_columns (IotInsightWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (topic_columns); i++)
    {
      g_autoptr (GtkColumnViewColumn) column =
        new_column (_(topic_columns[i].title), topic_columns[i].width, G_CALLBACK (topic_setup_cb),
                    G_CALLBACK (topic_bind_cb), G_CALLBACK (topic_unbind_cb), GINT_TO_POINTER (i));

      gtk_column_view_append_column (self->topics_view, column);
    }
}

static GListModel *
topic_children_cb (gpointer item, gpointer data)
{
  GListModel *children = iot_insight_topic_row_get_children (item);

  return children != NULL ? g_object_ref (children) : NULL;
}

static void
fill_topics (IotInsightWindow *self)
{
  GListStore *top = iot_insight_topic_row_build_tree (self->insight);
  GtkTreeListModel *tree;
  g_autoptr (GtkSingleSelection) selection = NULL;

  /* Expanded: a capture has few topics, and the tree is the overview. */
  tree = gtk_tree_list_model_new (G_LIST_MODEL (top), FALSE, TRUE, topic_children_cb, NULL, NULL);
  selection = gtk_single_selection_new (G_LIST_MODEL (tree));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_single_selection_set_selected (selection, GTK_INVALID_LIST_POSITION);
  gtk_column_view_set_model (self->topics_view, GTK_SELECTION_MODEL (selection));
  gtk_stack_set_visible_child_name (self->topics_stack, iot_insight_n_topics (self->insight) > 0 ? "list" : "empty");
  set_page_title (self, "topics", _("MQTT Topics"), iot_insight_n_topics (self->insight));
}

static void
topics_activate_cb (GtkColumnView *view, guint position, IotInsightWindow *self)
{
  GListModel *model = G_LIST_MODEL (gtk_column_view_get_model (view));
  g_autoptr (GtkTreeListRow) row = g_list_model_get_item (model, position);
  g_autoptr (IotInsightTopicRow) topic = NULL;
  g_autofree char *filter = NULL;

  if (row == NULL)
    return;
  topic = gtk_tree_list_row_get_item (row);
  filter = iot_insight_topic_row_dup_filter (topic);
  iot_analysis_window_emit_filter_requested (IOT_ANALYSIS_WINDOW (self), filter);
}

/* ---- sessions ---------------------------------------------------------------------- */

typedef enum {
  S_CLIENT_ID, S_CLIENT, S_BROKER, S_START, S_DURATION, S_END, S_KEEPALIVE, S_SILENCE, S_RECONNECT, S_SENT,
  S_RECEIVED,
} SessionColumn;

static const ColumnSpec session_columns[] = {
  [S_CLIENT_ID] = { N_("Client ID"), -1, FALSE, N_("The name the device gave itself in its CONNECT message. "
                    "Double-click a row to filter the main window on its TCP connection.") },
  [S_CLIENT] = { N_("Client"), 140, FALSE, N_("The device's address and TCP port") },
  [S_BROKER] = { N_("Broker"), 125, FALSE, N_("The broker's address and TCP port") },
  [S_START] = { N_("Connected"), 95, TRUE, N_("When the CONNECT was sent, in seconds since the first frame") },
  [S_DURATION] = { N_("Duration"), 85, TRUE, N_("How long the session lasted (until the end of the capture when "
                   "it was still open)") },
  [S_END] = { N_("Ended by"), 195, FALSE, N_("How the session ended: DISCONNECT (the client said goodbye), RST (the "
              "connection was torn down, a crash or a network problem), FIN (closed without DISCONNECT) or "
              "still open when the capture stopped") },
  [S_KEEPALIVE] = { N_("Keep-alive"), 95, TRUE, N_("The longest the client promised to stay silent (in its CONNECT): "
                    "it must send something, at least a PINGREQ, before this runs out") },
  [S_SILENCE] = { N_("Longest silence"), 130, TRUE, N_("The longest time the client sent no MQTT message; red when it "
                  "exceeds the promised keep-alive (brokers drop a client after 1.5 times the keep-alive)") },
  [S_RECONNECT] = { N_("Reconnect"), 88, TRUE, N_("0 for the client's first session in the capture, n for its n-th "
                    "reconnection") },
  [S_SENT] = { N_("Sent"), 60, TRUE, N_("MQTT messages the client sent to the broker") },
  [S_RECEIVED] = { N_("Received"), 80, TRUE, N_("MQTT messages the broker sent to the client") },
};

static void
session_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  SessionColumn column = GPOINTER_TO_INT (data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (label), session_columns[column].numeric ? 1 : 0);
  gtk_list_item_set_child (item, label);
}

static char *
session_cell_text (IotInsightSessionRow *row, SessionColumn column, char **tooltip)
{
  const IotMqttSession *s = iot_insight_session_row_get_session (row);
  char buf[64];

  switch (column)
    {
    case S_CLIENT_ID:
      return g_strdup (*s->client_id ? s->client_id : _("(empty)"));
    case S_CLIENT:
      return g_strdup (s->client);
    case S_BROKER:
      return g_strdup (s->broker);
    case S_START:
      *tooltip = g_strdup_printf ("CONNECT in frame %u", s->connect_frame);
      return g_strdup_printf ("%.3f s", s->start_ns / 1e9);
    case S_DURATION:
      format_duration ((s->end_ns - s->start_ns) / 1e9, buf, sizeof buf);
      return g_strdup (buf);
    case S_END:
      if (s->end_frame == 0 || g_strcmp0 (s->end_reason, "open") == 0)
        return g_strdup (_("still open"));
      *tooltip = g_strdup_printf ("%s in frame %u", s->end_reason, s->end_frame);
      return g_strdup_printf (_("%s (frame %u)"), s->end_reason, s->end_frame);
    case S_KEEPALIVE:
      if (s->keepalive_s == 0)
        return g_strdup (_("off"));
      return g_strdup_printf ("%u s", s->keepalive_s);
    case S_SILENCE:
      format_duration (s->longest_silence_s, buf, sizeof buf);
      if (s->silence_from != 0)
        *tooltip = g_strdup_printf (iot_insight_session_row_silence_exceeded (row)
                                    ? _("%s between frames %u and %u: longer than the keep-alive the client promised")
                                    : _("%s between frames %u and %u"), buf, s->silence_from, s->silence_to);
      return g_strdup (buf);
    case S_RECONNECT:
      return s->reconnect == 0 ? g_strdup ("—") : g_strdup_printf ("%u", s->reconnect);
    case S_SENT:
      return g_strdup_printf ("%" G_GUINT64_FORMAT, s->sent);
    case S_RECEIVED:
    default:
      return g_strdup_printf ("%" G_GUINT64_FORMAT, s->received);
    }
}

static void
session_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer data)
{
  SessionColumn column = GPOINTER_TO_INT (data);
  IotInsightSessionRow *row = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  g_autofree char *tooltip = NULL;
  g_autofree char *text = session_cell_text (row, column, &tooltip);
  const IotMqttSession *s = iot_insight_session_row_get_session (row);

  gtk_label_set_text (GTK_LABEL (label), text);
  gtk_widget_set_tooltip_text (label, tooltip != NULL ? tooltip : _(session_columns[column].tooltip));
  gtk_widget_remove_css_class (label, "insight-exceeded");
  gtk_widget_remove_css_class (label, "insight-warning");
  if (column == S_SILENCE && iot_insight_session_row_silence_exceeded (row))
    gtk_widget_add_css_class (label, "insight-exceeded");
  if (column == S_END && g_strcmp0 (s->end_reason, "RST") == 0)
    gtk_widget_add_css_class (label, "insight-warning");
}

static void
setup_session_columns (IotInsightWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (session_columns); i++)
    {
      g_autoptr (GtkColumnViewColumn) column =
        new_column (_(session_columns[i].title), session_columns[i].width, G_CALLBACK (session_setup_cb),
                    G_CALLBACK (session_bind_cb), NULL, GINT_TO_POINTER (i));

      gtk_column_view_append_column (self->sessions_view, column);
    }
}

static void
fill_sessions (IotInsightWindow *self)
{
  g_autoptr (GListStore) store = g_list_store_new (IOT_TYPE_INSIGHT_SESSION_ROW);
  g_autoptr (GtkSingleSelection) selection = NULL;
  guint n = iot_insight_n_sessions (self->insight);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (IotInsightSessionRow) row = iot_insight_session_row_new (iot_insight_session (self->insight, i));

      g_list_store_append (store, row);
    }
  selection = gtk_single_selection_new (G_LIST_MODEL (g_steal_pointer (&store)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_single_selection_set_selected (selection, GTK_INVALID_LIST_POSITION);
  gtk_column_view_set_model (self->sessions_view, GTK_SELECTION_MODEL (selection));
  gtk_stack_set_visible_child_name (self->sessions_stack, n > 0 ? "list" : "empty");
  set_page_title (self, "sessions", _("Sessions"), n);
}

static void
sessions_activate_cb (GtkColumnView *view, guint position, IotInsightWindow *self)
{
  GListModel *model = G_LIST_MODEL (gtk_column_view_get_model (view));
  g_autoptr (IotInsightSessionRow) row = g_list_model_get_item (model, position);
  g_autofree char *filter = NULL;

  if (row == NULL)
    return;
  filter = iot_insight_session_row_dup_filter (row);
  iot_analysis_window_emit_filter_requested (IOT_ANALYSIS_WINDOW (self), filter);
}

/* ---- latency plots ------------------------------------------------------------------ */

#define PLOT_LEFT   56.0
#define PLOT_RIGHT  16.0
#define PLOT_TOP    22.0
#define PLOT_BOTTOM 40.0

typedef struct {
  const double *samples;
  guint         n;
  double        lo, hi;       /* the x range, seconds (log10 of it when logarithmic) */
  gboolean      log;
  guint         n_bins;
  guint         n_ticks;      /* intervals between x labels */
  guint        *bins;
  guint         max_count;
} Histogram;

static double
hist_x_value (const Histogram *h, double s)
{
  if (!h->log)
    return s;
  return log10 (MAX (s, pow (10, h->lo)));
}

/* Linear bins from 0 for a narrow spread; logarithmic (five bins per
 * decade) when the answers range over two decades or more, so that a few
 * slow retransmitted requests do not squash the fast ones into one bar. */
static void
hist_build (Histogram *h, const double *samples, guint n)
{
  double min_pos = G_MAXDOUBLE, max = 0;

  h->samples = samples;
  h->n = n;
  for (guint i = 0; i < n; i++)
    {
      max = MAX (max, samples[i]);
      if (samples[i] > 0)
        min_pos = MIN (min_pos, samples[i]);
    }
  h->log = max > 0 && min_pos < G_MAXDOUBLE && max / min_pos >= 100;
  if (h->log)
    {
      h->lo = floor (log10 (min_pos));
      h->hi = ceil (log10 (max) + 1e-9);
      h->n_ticks = (guint) (h->hi - h->lo);
      h->n_bins = h->n_ticks * 5;
    }
  else
    {
      /* Ticks on round steps (1, 2 or 5 times a power of ten), a whole
       * number of bins between two ticks. */
      double raw = (max > 0 ? max : 1e-3) / 5, step = pow (10, floor (log10 (raw)));
      guint steps, per_step;

      step *= raw <= step ? 1 : raw <= 2 * step ? 2 : raw <= 5 * step ? 5 : 10;
      steps = (guint) ceil ((max > 0 ? max : 1e-3) / step * (1 - 1e-9));
      steps = MAX (steps, 1);
      per_step = MAX (1, (guint) round (CLAMP (sqrt (n) * 2, 8, 40) / steps));
      h->lo = 0;
      h->hi = steps * step;
      h->n_ticks = steps;
      h->n_bins = steps * per_step;
    }
  h->bins = g_new0 (guint, h->n_bins);
  h->max_count = 0;
  for (guint i = 0; i < n; i++)
    {
      double x = hist_x_value (h, samples[i]);
      gint bin = (gint) floor ((x - h->lo) / (h->hi - h->lo) * h->n_bins);

      bin = CLAMP (bin, 0, (gint) h->n_bins - 1);
      h->bins[bin]++;
      h->max_count = MAX (h->max_count, h->bins[bin]);
    }
}

static void
draw_text (cairo_t *cr, GtkWidget *widget, const char *text, double x, double y, double xalign, double yalign,
           gboolean small)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  int w, h;

  if (small)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_scale_new (0.85));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - w * xalign, y - h * yalign);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

static void
draw_empty (cairo_t *cr, GtkWidget *widget, int width, int height, const char *text, const GdkRGBA *fg)
{
  const double dash[] = { 6, 4 };

  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.35);
  cairo_set_line_width (cr, 1);
  cairo_set_dash (cr, dash, 2, 0);
  cairo_rectangle (cr, 0.5, 0.5, width - 1, height - 1);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.65);
  draw_text (cr, widget, text, width / 2.0, height / 2.0, 0.5, 0.5, FALSE);
}

static double
hist_px (const Histogram *h, double x, double x0, double w)
{
  return x0 + (x - h->lo) / (h->hi - h->lo) * w;
}

static void
draw_marker (cairo_t *cr, GtkWidget *widget, const Histogram *h, double value, const char *name,
             double r, double g, double b, double x0, double y0, double w, double ph)
{
  const double dash[] = { 4, 3 };
  double x = hist_px (h, hist_x_value (h, value), x0, w);
  char buf[64], label[96];

  cairo_set_source_rgb (cr, r, g, b);
  cairo_set_line_width (cr, 1.5);
  cairo_set_dash (cr, dash, 2, 0);
  cairo_move_to (cr, x, y0);
  cairo_line_to (cr, x, y0 + ph);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  format_duration (value, buf, sizeof buf);
  g_snprintf (label, sizeof label, "%s %s", name, buf);
  draw_text (cr, widget, label, x + 3, y0 - 2, x > x0 + w * 0.75 ? 1.05 : 0, 1, TRUE);
}

static void
draw_x_ticks (cairo_t *cr, GtkWidget *widget, const Histogram *h, const GdkRGBA *fg,
              double x0, double y0, double w, double ph)
{
  char buf[64];
  guint n = h->n_ticks;

  for (guint i = 0; i <= n; i++)
    {
      double x = h->lo + (h->hi - h->lo) * i / n;
      double px = hist_px (h, x, x0, w);

      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.5);
      cairo_move_to (cr, px, y0 + ph);
      cairo_line_to (cr, px, y0 + ph + 4);
      cairo_stroke (cr);
      format_tick (h->log ? pow (10, x) : x, buf, sizeof buf);
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.8);
      draw_text (cr, widget, buf, px, y0 + ph + 6, i == 0 ? 0 : i == n ? 1 : 0.5, 0, TRUE);
    }
}

static void
draw_y_ticks (cairo_t *cr, GtkWidget *widget, const Histogram *h, const GdkRGBA *fg,
              double x0, double y0, double w, double ph)
{
  guint top = MAX (h->max_count, 1);
  guint step = top <= 5 ? 1 : (top + 3) / 4;
  char buf[32];

  for (guint c = 0; c <= top; c += step)
    {
      double y = y0 + ph - (double) c / top * ph;

      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, c == 0 ? 0.5 : 0.12);
      cairo_move_to (cr, x0, floor (y) + 0.5);
      cairo_line_to (cr, x0 + w, floor (y) + 0.5);
      cairo_stroke (cr);
      g_snprintf (buf, sizeof buf, "%u", c);
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.8);
      draw_text (cr, widget, buf, x0 - 6, y, 1, 0.5, TRUE);
    }
}

static void
draw_plot_cb (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  IotInsightWindow *self = g_object_get_data (G_OBJECT (area), "insight-window");
  gboolean coap = GPOINTER_TO_INT (data);
  GtkWidget *widget = GTK_WIDGET (area);
  const double *samples = NULL;
  guint n = 0;
  Histogram h = { 0 };
  IotDistribution dist;
  GdkRGBA fg;
  double x0 = PLOT_LEFT, y0 = PLOT_TOP, w = width - PLOT_LEFT - PLOT_RIGHT, ph = height - PLOT_TOP - PLOT_BOTTOM;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  cairo_set_line_width (cr, 1);
  if (self->insight != NULL)
    samples = coap ? iot_insight_coap_latency_samples (self->insight, &n)
                   : iot_insight_mqtt_latency_samples (self->insight, &n);
  if (n == 0)
    {
      draw_empty (cr, widget, width, height,
                  coap ? _("No CoAP request was answered in this capture, so there are no response times.")
                       : _("No QoS 1 or QoS 2 PUBLISH was acknowledged in this capture, so there are no times "
                         "to show (QoS 0 messages are never acknowledged)."), &fg);
      return;
    }
  dist = coap ? iot_insight_coap_latency (self->insight) : iot_insight_mqtt_latency (self->insight);
  hist_build (&h, samples, n);
  draw_y_ticks (cr, widget, &h, &fg, x0, y0, w, ph);
  /* Bars, one pixel apart. */
  cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.85);
  for (guint i = 0; i < h.n_bins; i++)
    {
      double bx = x0 + w * i / h.n_bins, bw = w / h.n_bins;
      double bh = (double) h.bins[i] / MAX (h.max_count, 1) * ph;

      if (h.bins[i] == 0)
        continue;
      cairo_rectangle (cr, bx + 0.5, y0 + ph - bh, MAX (bw - 1, 1), bh);
    }
  cairo_fill (cr);
  draw_x_ticks (cr, widget, &h, &fg, x0, y0, w, ph);
  draw_marker (cr, widget, &h, dist.median, _("median"), 0.15, 0.64, 0.41, x0, y0, w, ph);
  draw_marker (cr, widget, &h, dist.p95, "p95", 0.78, 0.27, 0.0, x0, y0, w, ph);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
  draw_text (cr, widget, h.log ? _("time until the answer (logarithmic scale)") : _("time until the answer"),
             x0 + w / 2, height, 0.5, 1, TRUE);
  cairo_save (cr);
  cairo_translate (cr, 2, y0 + ph / 2);
  cairo_rotate (cr, -G_PI / 2);
  draw_text (cr, widget, coap ? _("requests") : _("messages"), 0, 0, 0.5, 0, TRUE);
  cairo_restore (cr);
  g_free (h.bins);
}

static void
set_latency_text (GtkLabel *label, IotDistribution dist, const char *noun)
{
  char min[32], median[32], p95[32], max[32];
  g_autofree char *markup = NULL;

  if (dist.count == 0)
    {
      markup = g_markup_printf_escaped ("<span alpha=\"65%%\">%s</span>", _("No samples"));
      gtk_label_set_markup (label, markup);
      return;
    }
  format_duration (dist.min, min, sizeof min);
  format_duration (dist.median, median, sizeof median);
  format_duration (dist.p95, p95, sizeof p95);
  format_duration (dist.max, max, sizeof max);
  markup = g_strdup_printf (_("<b>%u</b> %s\n"
                              "Minimum\t%s\n"
                              "<span foreground=\"#26a269\">Median</span>\t%s\n"
                              "<span foreground=\"#c64600\">95th percentile</span>\t%s\n"
                              "Maximum\t%s"),
                            dist.count, noun, min, median, p95, max);
  gtk_label_set_markup (label, markup);
}

static void
fill_latency (IotInsightWindow *self)
{
  IotDistribution mqtt = iot_insight_mqtt_latency (self->insight);
  IotDistribution coap = iot_insight_coap_latency (self->insight);

  set_latency_text (self->mqtt_stats, mqtt,
                    ngettext ("acknowledged PUBLISH message", "acknowledged PUBLISH messages", mqtt.count));
  set_latency_text (self->coap_stats, coap, ngettext ("answered request", "answered requests", coap.count));
  gtk_widget_queue_draw (GTK_WIDGET (self->mqtt_plot));
  gtk_widget_queue_draw (GTK_WIDGET (self->coap_plot));
}

/* ---- analysis ------------------------------------------------------------------------ */

static void
fill_summary (IotInsightWindow *self)
{
  g_autofree char *name = g_path_get_basename (iot_file_path (iot_capture_file (window_capture (self))));
  unsigned long long n_frames = iot_insight_n_frames (self->insight);
  unsigned long long n_topics = iot_insight_n_topics (self->insight);
  unsigned long long n_sessions = iot_insight_n_sessions (self->insight);
  g_autofree char *frames = g_strdup_printf (ngettext ("%llu frame", "%llu frames", n_frames), n_frames);
  g_autofree char *topics = g_strdup_printf (ngettext ("%llu MQTT topic", "%llu MQTT topics", n_topics), n_topics);
  g_autofree char *sessions = g_strdup_printf (ngettext ("%llu session", "%llu sessions", n_sessions), n_sessions);
  const IotInsightItem *point = iot_insight_capture_point (self->insight);
  g_autofree char *text = point != NULL
    ? g_strdup_printf (_("%s · %s analysed · %s · %s · captured %s · double-click a topic or a session to filter "
                         "the main window on it"), name, frames, topics, sessions, point->subject)
    : g_strdup_printf (_("%s · %s analysed · %s · %s · double-click a topic or a session to filter the main "
                         "window on it"), name, frames, topics, sessions);

  gtk_label_set_text (self->summary_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->summary_label), point ? point->explanation : NULL);
}

static void
fill_readings (IotInsightWindow *self)
{
  iot_insight_readings_set_insight (self->readings, self->insight, window_capture (self));
  set_page_title (self, "readings", _("Readings"), iot_readings_n_series (iot_insight_readings (self->insight)));
}

static void
fill_all (IotInsightWindow *self)
{
  fill_findings (self);
  fill_topics (self);
  fill_sessions (self);
  fill_latency (self);
  fill_readings (self);
  fill_summary (self);
}

static void
job_free (gpointer data)
{
  Job *job = data;

  g_clear_pointer (&job->insight, iot_insight_free);
  g_free (job);
}

static gboolean
analyze_work (IotCapture *capture, gpointer data, GCancellable *cancellable, GError **error)
{
  Job *job = data;

  job->insight = iot_insight_analyze (iot_capture_engine (capture), cancellable, error);
  return job->insight != NULL;
}

static void
analyze_done (IotAnalysisWindow *window, gpointer data, const GError *error)
{
  IotInsightWindow *self = IOT_INSIGHT_WINDOW (window);
  Job *job = data;

  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The analysis failed: %s"), error->message);

      gtk_spinner_stop (self->spinner);
      gtk_label_set_text (self->loading_label, text);
      return;
    }
  self->insight = g_steal_pointer (&job->insight);
  fill_all (self);
  gtk_spinner_stop (self->spinner);
  gtk_stack_set_visible_child_name (self->outer_stack, "content");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "insight.export", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "insight.save-baseline", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "insight.compare-baseline", TRUE);
  iot_analysis_window_emit_ready (window);
  if (self->report_when_ready)
    iot_insight_window_choose_report (self);
}

static gboolean
check_ready (IotInsightWindow *self, GError **error)
{
  if (self->insight != NULL)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_PENDING, _("The analysis has not finished yet"));
  return FALSE;
}

/* ---- file choosers ------------------------------------------------------------------- */

typedef enum {
  CHOOSE_EXPORT,
  CHOOSE_SAVE_BASELINE,
  CHOOSE_COMPARE_BASELINE,
} ChooseWhat;

/* The chosen name without its extension: the report is written twice,
 * as a page to read (.html, with the charts) and as data (.json). */
static char *
report_base (const char *path)
{
  const char *dot = strrchr (path, '.');
  const char *slash = strrchr (path, '/');

  if (dot != NULL && (slash == NULL || dot > slash)
      && (g_ascii_strcasecmp (dot, ".html") == 0 || g_ascii_strcasecmp (dot, ".htm") == 0
          || g_ascii_strcasecmp (dot, ".json") == 0))
    return g_strndup (path, dot - path);
  return g_strdup (path);
}

gboolean
iot_insight_window_export_reports (IotInsightWindow *self, const char *path, char **html_path,
                                   char **json_path, GError **error)
{
  g_autofree char *base = report_base (path);
  g_autofree char *html = g_strconcat (base, ".html", NULL);
  g_autofree char *json = g_strconcat (base, ".json", NULL);

  if (!iot_insight_window_export_report (self, html, error)
      || !iot_insight_window_export_report (self, json, error))
    return FALSE;
  if (html_path != NULL)
    *html_path = g_steal_pointer (&html);
  if (json_path != NULL)
    *json_path = g_steal_pointer (&json);
  return TRUE;
}

static void
chooser_response_cb (GtkNativeDialog *dialog, int response, IotInsightWindow *self)
{
  ChooseWhat what = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "choose-what"));
  g_autoptr (GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *done = NULL;
  gboolean ok = TRUE;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_clear_object (&self->chooser);
  if (file == NULL || (path = g_file_get_path (file)) == NULL)
    return;
  switch (what)
    {
    case CHOOSE_EXPORT:
      {
        g_autofree char *html = NULL;
        g_autofree char *json = NULL;

        ok = iot_insight_window_export_reports (self, path, &html, &json, &error);
        if (ok)
          done = g_strdup_printf (_("Report written to %s (to read, with charts) and %s (data)."), html, json);
      }
      break;
    case CHOOSE_SAVE_BASELINE:
      ok = iot_insight_window_save_baseline (self, path, &error);
      done = g_strdup_printf (_("Baseline saved to %s. Open a later capture of the same devices and compare it "
                              "with this file to see what changed."), path);
      break;
    case CHOOSE_COMPARE_BASELINE:
    default:
      /* The comparison writes its own message. */
      ok = iot_insight_window_compare_baseline (self, path, &error);
      break;
    }
  if (!ok)
    show_banner (self, error->message, TRUE);
  else if (done != NULL)
    show_banner (self, done, FALSE);
}

static void
add_filter (GtkFileChooser *chooser, const char *name, const char *pattern)
{
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  gtk_file_filter_add_pattern (filter, pattern);
  gtk_file_chooser_add_filter (chooser, filter);
}

static void
choose_file (IotInsightWindow *self, ChooseWhat what)
{
  static const char *const titles[] = { N_("Export Report"), N_("Save Baseline"), N_("Compare with Baseline") };
  static const char *const suffixes[] = { "insight.html", "baseline.json", NULL };
  gboolean save = what != CHOOSE_COMPARE_BASELINE;
  GtkFileChooser *chooser;

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_(titles[what]), GTK_WINDOW (self),
                                               save ? GTK_FILE_CHOOSER_ACTION_SAVE : GTK_FILE_CHOOSER_ACTION_OPEN,
                                               save ? _("_Save") : _("_Open"), _("_Cancel"));
  chooser = GTK_FILE_CHOOSER (self->chooser);
  if (what == CHOOSE_EXPORT)
    {
      /* Both files are written: the page and the data beside it. */
      add_filter (chooser, _("HTML page with charts, and JSON data beside it (*.html)"), "*.html");
    }
  else
    add_filter (chooser, _("Baselines (*.json)"), "*.json");
  if (suffixes[what] != NULL)
    {
      g_autofree char *base = g_path_get_basename (iot_file_path (iot_capture_file (window_capture (self))));
      char *dot = strrchr (base, '.');
      g_autofree char *name = NULL;

      if (dot != NULL && dot != base)
        *dot = '\0';
      name = g_strdup_printf ("%s-%s", base, suffixes[what]);
      gtk_file_chooser_set_current_name (chooser, name);
    }
  g_object_set_data (G_OBJECT (self->chooser), "choose-what", GINT_TO_POINTER (what));
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
export_action (GtkWidget *widget, const char *name, GVariant *param)
{
  choose_file (IOT_INSIGHT_WINDOW (widget), CHOOSE_EXPORT);
}

static void
save_baseline_action (GtkWidget *widget, const char *name, GVariant *param)
{
  choose_file (IOT_INSIGHT_WINDOW (widget), CHOOSE_SAVE_BASELINE);
}

static void
compare_baseline_action (GtkWidget *widget, const char *name, GVariant *param)
{
  choose_file (IOT_INSIGHT_WINDOW (widget), CHOOSE_COMPARE_BASELINE);
}

/* ---- public ------------------------------------------------------------------------------ */

IotInsightWindow *
iot_insight_window_new (IotSession *session, const char *page)
{
  IotInsightWindow *self;
  g_autofree char *title = NULL;
  g_autofree char *name = NULL;
  g_autofree char *loading = NULL;

  g_return_val_if_fail (IOT_IS_SESSION (session), NULL);
  g_return_val_if_fail (iot_session_get_capture (session) != NULL, NULL);

  self = g_object_new (IOT_TYPE_INSIGHT_WINDOW, "session", session, NULL);
  iot_insight_findings_set_capture (self->diagnoses, window_capture (self));
  iot_insight_findings_set_capture (self->security, window_capture (self));
  name = g_path_get_basename (iot_file_path (iot_capture_file (window_capture (self))));
  title = g_strdup_printf (_("IoT Insight — %s"), name);
  gtk_window_set_title (GTK_WINDOW (self), title);
  loading = g_strdup_printf (_("Analysing %u frames…"), iot_capture_n_passed (window_capture (self)));
  gtk_label_set_text (self->loading_label, loading);
  if (page != NULL)
    iot_insight_window_set_page (self, page);
  gtk_spinner_start (self->spinner);

  iot_analysis_window_run (IOT_ANALYSIS_WINDOW (self), analyze_work, g_new0 (Job, 1), job_free, analyze_done);
  return self;
}

void
iot_insight_window_set_page (IotInsightWindow *self, const char *page)
{
  g_return_if_fail (IOT_IS_INSIGHT_WINDOW (self));

  if (page == NULL || *page == '\0')
    page = page_names[0];
  if (!g_strv_contains (page_names, page))
    {
      g_warning ("Unknown IoT Insight page \"%s\"", page);
      return;
    }
  gtk_stack_set_visible_child_name (self->pages, page);
}


static gboolean
has_suffix_nocase (const char *path, const char *suffix)
{
  gsize n = strlen (path), m = strlen (suffix);

  return n >= m && g_ascii_strcasecmp (path + n - m, suffix) == 0;
}

void
iot_insight_window_choose_report (IotInsightWindow *self)
{
  g_return_if_fail (IOT_IS_INSIGHT_WINDOW (self));
  self->report_when_ready = self->insight == NULL;
  if (self->insight != NULL)
    choose_file (self, CHOOSE_EXPORT);
}

gboolean
iot_insight_window_export_report (IotInsightWindow *self, const char *path, GError **error)
{
  g_return_val_if_fail (IOT_IS_INSIGHT_WINDOW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!check_ready (self, error))
    return FALSE;
  if (has_suffix_nocase (path, ".json"))
    return iot_insight_write_json (self->insight, path, error);
  return iot_insight_write_html (self->insight, path, error);
}

gboolean
iot_insight_window_save_baseline (IotInsightWindow *self, const char *path, GError **error)
{
  g_return_val_if_fail (IOT_IS_INSIGHT_WINDOW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  return check_ready (self, error) && iot_insight_save_baseline (self->insight, path, error);
}

gboolean
iot_insight_window_compare_baseline (IotInsightWindow *self, const char *path, GError **error)
{
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;
  gint n;

  g_return_val_if_fail (IOT_IS_INSIGHT_WINDOW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!check_ready (self, error))
    return FALSE;
  n = iot_insight_compare_baseline (self->insight, path, error);
  if (n < 0)
    return FALSE;
  fill_findings (self);
  name = g_path_get_basename (path);
  if (n == 0)
    text = g_strdup_printf (_("Compared with the baseline %s: this capture behaves like it (no deviations)."), name);
  else
    text = g_strdup_printf (ngettext ("Compared with the baseline %s: %d deviation, tagged “Deviation” at the top "
                                      "of the Diagnoses list.",
                                      "Compared with the baseline %s: %d deviations, tagged “Deviation” at the top "
                                      "of the Diagnoses list.", n), name, n);
  show_banner (self, text, FALSE);
  iot_insight_window_set_page (self, "diagnoses");
  return TRUE;
}

/* ---- GObject -------------------------------------------------------------------------------- */

static void
iot_insight_window_dispose (GObject *object)
{
  IotInsightWindow *self = IOT_INSIGHT_WINDOW (object);

  iot_analysis_window_cancel (IOT_ANALYSIS_WINDOW (self));
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), IOT_TYPE_INSIGHT_WINDOW);
  G_OBJECT_CLASS (iot_insight_window_parent_class)->dispose (object);
}

static void
iot_insight_window_finalize (GObject *object)
{
  IotInsightWindow *self = IOT_INSIGHT_WINDOW (object);

  g_clear_pointer (&self->insight, iot_insight_free);
  G_OBJECT_CLASS (iot_insight_window_parent_class)->finalize (object);
}

static void
iot_insight_window_class_init (IotInsightWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = iot_insight_window_dispose;
  object_class->finalize = iot_insight_window_finalize;

  g_type_ensure (IOT_TYPE_INSIGHT_FINDINGS);
  g_type_ensure (IOT_TYPE_INSIGHT_READINGS);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/iotscope/Iotscope/ui/iot-insight-window.ui");
  gtk_widget_class_bind_template_child (widget_class, IotInsightWindow, outer_stack);
  gtk_widget_class_bind_template_child (widget_class, IotInsightWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, IotInsightWindow, loading_label);
  gtk_widget_class_bind_template_child (widget_class, IotInsightWindow, pages);
  gtk_widget_class_bind_template_child (widget_class, IotInsightWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, IotInsightWindow, banner_box);
  gtk_widget_class_bind_template_child (widget_class, IotInsightWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, IotInsightWindow, banner_close);
  gtk_widget_class_bind_template_child (widget_class, IotInsightWindow, diagnoses);
  gtk_widget_class_bind_template_child (widget_class, IotInsightWindow, security);
  gtk_widget_class_bind_template_child (widget_class, IotInsightWindow, topics_stack);
  gtk_widget_class_bind_template_child (widget_class, IotInsightWindow, topics_view);
  gtk_widget_class_bind_template_child (widget_class, IotInsightWindow, sessions_stack);
  gtk_widget_class_bind_template_child (widget_class, IotInsightWindow, sessions_view);
  gtk_widget_class_bind_template_child (widget_class, IotInsightWindow, mqtt_plot);
  gtk_widget_class_bind_template_child (widget_class, IotInsightWindow, mqtt_stats);
  gtk_widget_class_bind_template_child (widget_class, IotInsightWindow, coap_plot);
  gtk_widget_class_bind_template_child (widget_class, IotInsightWindow, coap_stats);
  gtk_widget_class_bind_template_child (widget_class, IotInsightWindow, summary_label);
  gtk_widget_class_bind_template_child (widget_class, IotInsightWindow, readings);

  gtk_widget_class_install_action (widget_class, "insight.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "insight.save-baseline", NULL, save_baseline_action);
  gtk_widget_class_install_action (widget_class, "insight.compare-baseline", NULL, compare_baseline_action);
}

static void
iot_insight_window_init (IotInsightWindow *self)
{
  PangoTabArray *tabs;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "insight.export", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "insight.save-baseline", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "insight.compare-baseline", FALSE);
  setup_topic_columns (self);
  setup_session_columns (self);
  /* The figures beside a plot line up after their names. */
  tabs = pango_tab_array_new_with_positions (1, TRUE, PANGO_TAB_LEFT, 120);
  gtk_label_set_tabs (self->mqtt_stats, tabs);
  gtk_label_set_tabs (self->coap_stats, tabs);
  pango_tab_array_free (tabs);
  g_object_set_data (G_OBJECT (self->mqtt_plot), "insight-window", self);
  g_object_set_data (G_OBJECT (self->coap_plot), "insight-window", self);
  gtk_drawing_area_set_draw_func (self->mqtt_plot, draw_plot_cb, GINT_TO_POINTER (FALSE), NULL);
  gtk_drawing_area_set_draw_func (self->coap_plot, draw_plot_cb, GINT_TO_POINTER (TRUE), NULL);
  g_signal_connect (self->banner_close, "clicked", G_CALLBACK (banner_close_cb), self);
  g_signal_connect (self->topics_view, "activate", G_CALLBACK (topics_activate_cb), self);
  g_signal_connect (self->sessions_view, "activate", G_CALLBACK (sessions_activate_cb), self);
  g_signal_connect (self->diagnoses, "frame-activated", G_CALLBACK (findings_frame_cb), self);
  g_signal_connect (self->security, "frame-activated", G_CALLBACK (findings_frame_cb), self);
  g_signal_connect (self->readings, "frame-activated", G_CALLBACK (readings_frame_cb), self);
  g_signal_connect (self->diagnoses, "filter-requested", G_CALLBACK (findings_filter_cb), self);
  g_signal_connect (self->security, "filter-requested", G_CALLBACK (findings_filter_cb), self);
}
