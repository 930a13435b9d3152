/* test-insight-window.c — the IoT Insight window on real widgets, opened
 * from the main window over the scenario captures: diagnoses with their
 * evidence, clicking a frame, filtering, the security audit (no password
 * shown), the topic tree, sessions, latency, baseline comparison and the
 * exported reports.  Run under Xvfb (run-xvfb.sh).
 *
 * The expected findings, frames and counts were checked against
 * `iotscope-cli -r tests/captures/<capture> -q -z insight` (the same core,
 * whose own tests pin them) and, for the filters, against tshark 4.0. */
#include <glib/gstdio.h>
#include <string.h>
#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "gui-test-util.h"
#include "iot-app-test.h"
#include "iot-window.h"
#include "iot-wpa.h"

/* ---- helpers ------------------------------------------------------------------ */

/* Opens the insight window the way the menu does and waits for "ready". */
static IotInsightWindow *
open_insight (IotWindow *window, const char *name)
{
  g_autoptr (GError) error = NULL;
  GtkWindow *insight = iot_window_show_analysis (window, name, &error);

  g_assert_no_error (error);
  g_assert_true (IOT_IS_INSIGHT_WINDOW (insight));
  gui_test_wait_signal (insight, "ready");
  g_assert_true (iot_analysis_window_is_ready (IOT_ANALYSIS_WINDOW (insight)));
  gui_test_settle ();
  return IOT_INSIGHT_WINDOW (insight);
}

/* The window's widget named @name (set in its .ui). */
static GtkWidget *
insight_widget (IotInsightWindow *insight, const char *name)
{
  GtkWidget *widget = gui_test_find_widget (GTK_WIDGET (insight), name, G_TYPE_NONE);

  g_assert_nonnull (widget);
  return widget;
}

static IotInsightFindings *
diagnoses_of (IotInsightWindow *insight)
{
  return IOT_INSIGHT_FINDINGS (insight_widget (insight, "diagnoses"));
}

static IotInsightFindings *
security_of (IotInsightWindow *insight)
{
  return IOT_INSIGHT_FINDINGS (insight_widget (insight, "security"));
}

static GtkColumnView *
topics_view (IotInsightWindow *insight)
{
  return GTK_COLUMN_VIEW (insight_widget (insight, "topics"));
}

static GtkColumnView *
sessions_view (IotInsightWindow *insight)
{
  return GTK_COLUMN_VIEW (insight_widget (insight, "sessions"));
}

/* The latency plots and the figures beside them: 0 = MQTT, 1 = CoAP. */
static GtkWidget *
latency_plot (IotInsightWindow *insight, guint which)
{
  return insight_widget (insight, which == 0 ? "mqtt-latency-plot" : "coap-latency-plot");
}

static const char *
latency_text (IotInsightWindow *insight, guint which)
{
  return gtk_label_get_text (GTK_LABEL (insight_widget (insight, which == 0 ? "mqtt-latency" : "coap-latency")));
}

/* The samples a plot draws, as its figures say ("9 answered requests …",
 * "No samples"). */
static guint
latency_count (IotInsightWindow *insight, guint which)
{
  const char *text = latency_text (insight, which);

  if (g_str_equal (text, "No samples"))
    return 0;
  g_assert_true (g_ascii_isdigit (*text));
  return (guint) g_ascii_strtoull (text, NULL, 10);
}

/* The line at the bottom. */
static const char *
summary_text (IotInsightWindow *insight)
{
  return gtk_label_get_text (GTK_LABEL (insight_widget (insight, "summary")));
}

/* The message banner's text, "" while it is hidden. */
static const char *
banner_text (IotInsightWindow *insight)
{
  if (!gtk_revealer_get_reveal_child (GTK_REVEALER (insight_widget (insight, "banner"))))
    return "";
  return gtk_label_get_text (GTK_LABEL (insight_widget (insight, "banner-text")));
}

/* The findings page's widget named @name (set in its .ui). */
static GtkWidget *
findings_widget (IotInsightFindings *findings, const char *name)
{
  GtkWidget *widget = gui_test_find_widget (GTK_WIDGET (findings), name, G_TYPE_NONE);

  g_assert_nonnull (widget);
  return widget;
}

static gboolean
findings_empty (IotInsightFindings *findings)
{
  return g_str_equal (gtk_stack_get_visible_child_name (GTK_STACK (findings_widget (findings, "state"))), "empty");
}

static const char *
findings_empty_title (IotInsightFindings *findings)
{
  return gtk_label_get_text (GTK_LABEL (findings_widget (findings, "empty-title")));
}

/* The list's selection; its model holds the IotInsightFindingRows. */
static GtkSingleSelection *
findings_selection (IotInsightFindings *findings)
{
  return GTK_SINGLE_SELECTION (gtk_column_view_get_model (GTK_COLUMN_VIEW (findings_widget (findings, "findings"))));
}

/* The selected finding's frame lists ("evidence", "related"). */
static GtkListView *
frames_view (IotInsightFindings *findings, const char *which)
{
  return GTK_LIST_VIEW (findings_widget (findings, which));
}

static GListModel *
findings_model (IotInsightFindings *findings)
{
  return G_LIST_MODEL (findings_selection (findings));
}

/* The first row of @findings with @id (and a subject containing
 * @subject), or NULL; *position is set. */
static IotInsightFindingRow *
find_row (IotInsightFindings *findings, const char *id, const char *subject, guint *position)
{
  GListModel *model = findings_model (findings);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (IotInsightFindingRow) row = g_list_model_get_item (model, i);
      const IotInsightItem *item = iot_insight_finding_row_get_item (row);

      if (strcmp (item->id, id) == 0 && (subject == NULL || strstr (item->subject, subject) != NULL))
        {
          if (position != NULL)
            *position = i;
          return row;   /* the model keeps it alive */
        }
    }
  return NULL;
}

static void
assert_frames (const GArray *frames, const guint32 *expected, guint n)
{
  g_assert_cmpuint (frames->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (g_array_index (frames, guint32, i), ==, expected[i]);
}

static guint
count_kind (IotInsightFindings *findings, IotInsightKind kind, const char *id)
{
  GListModel *model = findings_model (findings);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (IotInsightFindingRow) row = g_list_model_get_item (model, i);
      const IotInsightItem *item = iot_insight_finding_row_get_item (row);

      n += item->kind == kind && (id == NULL || strcmp (item->id, id) == 0);
    }
  return n;
}

/* The topic tree row at @position. */
static IotInsightTopicRow *
topic_at (GtkColumnView *view, guint position)
{
  g_autoptr (GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (gtk_column_view_get_model (view)), position);

  g_assert_nonnull (row);
  return gtk_tree_list_row_get_item (row);   /* the tree keeps the item */
}

static IotInsightTopicRow *
topic_by_path (GtkColumnView *view, const char *path, guint *position)
{
  GListModel *model = G_LIST_MODEL (gtk_column_view_get_model (view));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (GtkTreeListRow) row = g_list_model_get_item (model, i);
      IotInsightTopicRow *topic = gtk_tree_list_row_get_item (row);

      g_object_unref (topic);
      if (strcmp (iot_insight_topic_row_get_path (topic), path) == 0)
        {
          *position = i;
          return topic;
        }
    }
  return NULL;
}

/* ---- the reset scenario -------------------------------------------------------------- */

/* tcp-rst-reconnect.pcap: -z insight reports one diagnosis,
 * mqtt-reset-reconnect about iot-valve-7, evidence frames 4, 10, 14 and
 * "QoS 0 messages at risk": frame 8; one security finding (cleartext,
 * 7 frames); one topic plant/valve/state (2 messages, QoS 0); two
 * sessions, the first ended by RST #10, the second by DISCONNECT #20,
 * reconnection 1, on tcp.stream 1. */
static void
test_reset (void)
{
  g_autofree char *path = gui_test_capture_file ("tcp-rst-reconnect.pcap");
  IotWindow *window = gui_test_open_window (path, NULL);
  IotSession *session = iot_window_get_session (window);
  IotInsightWindow *insight = open_insight (window, "insight:diagnoses");
  IotInsightFindings *diagnoses = diagnoses_of (insight);
  IotInsightFindings *security = security_of (insight);
  GListModel *evidence, *related;
  IotInsightFindingRow *row;
  const IotInsightItem *item;
  const guint32 expected_evidence[] = { 4, 10, 14 };
  const guint32 expected_related[] = { 8 };
  guint frame = 0;
  g_autofree char *filter = NULL;
  gboolean filtered = FALSE;
  guint position = G_MAXUINT;

  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (gui_test_template_child (insight, IOT_TYPE_INSIGHT_WINDOW, "pages"))), ==, "diagnoses");
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (insight)) == GTK_WINDOW (window));
  g_assert_nonnull (strstr (summary_text (insight), "25 frames analysed"));

  /* The diagnosis, as the CLI reports it; the capture point in the summary. */
  g_assert_false (findings_empty (diagnoses));
  g_assert_cmpuint (g_list_model_get_n_items (findings_model (diagnoses)), ==, 1);
  g_assert_nonnull (strstr (summary_text (insight), "captured on a host or LAN"));
  row = find_row (diagnoses, "mqtt-reset-reconnect", "iot-valve-7", &position);
  g_assert_nonnull (row);
  g_assert_cmpuint (position, ==, 0);
  item = iot_insight_finding_row_get_item (row);
  g_assert_cmpint (item->kind, ==, IOT_INSIGHT_DIAGNOSIS);
  g_assert_cmpint (item->severity, ==, IOT_SEV_WARN);
  g_assert_nonnull (strstr (item->summary, "RST from the client, frame 10"));
  assert_frames (item->frames, expected_evidence, G_N_ELEMENTS (expected_evidence));
  assert_frames (item->related, expected_related, G_N_ELEMENTS (expected_related));
  g_assert_true (g_str_has_prefix (item->related_label, "QoS 0 messages at risk"));

  /* The first row is selected: its explanation and frames are shown. */
  g_assert_cmpuint (gtk_single_selection_get_selected (findings_selection (diagnoses)), ==, 0);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (findings_widget (diagnoses, "explanation"))), ==,
                   item->explanation);
  g_assert_true (gtk_label_get_wrap (GTK_LABEL (findings_widget (diagnoses, "explanation"))));
  g_assert_nonnull (strstr (item->explanation, "TCP reset"));
  evidence = G_LIST_MODEL (gtk_list_view_get_model (frames_view (diagnoses, "evidence")));
  related = G_LIST_MODEL (gtk_list_view_get_model (frames_view (diagnoses, "related")));
  g_assert_cmpuint (g_list_model_get_n_items (evidence), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (related), ==, 1);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (frames_view (diagnoses, "related"))));

  /* Clicking an evidence frame selects it in the main window. */
  g_signal_connect (insight, "frame-activated", G_CALLBACK (gui_test_frame_cb), &frame);
  g_signal_connect (insight, "filter-requested", G_CALLBACK (gui_test_filter_cb), &filter);
  g_signal_emit_by_name (frames_view (diagnoses, "evidence"), "activate", 1);
  gui_test_settle ();
  g_assert_cmpuint (frame, ==, 10);
  g_assert_cmpuint (iot_session_get_selected_frame (session), ==, 10);
  g_signal_emit_by_name (frames_view (diagnoses, "related"), "activate", 0);
  gui_test_settle ();
  g_assert_cmpuint (frame, ==, 8);
  g_assert_cmpuint (iot_session_get_selected_frame (session), ==, 8);

  /* "Filter These Frames": evidence and related frames, applied by the
   * main window (tshark 4.0 shows the same 4 frames for this filter). */
  g_signal_connect (session, "filter-finished", G_CALLBACK (gui_test_flag_cb), &filtered);
  g_signal_emit_by_name (findings_widget (diagnoses, "filter-frames"), "clicked");
  g_assert_cmpstr (filter, ==, "frame.number in {4, 8, 10, 14}");
  gui_test_wait_for (&filtered);
  g_assert_cmpstr (iot_session_get_filter_text (session), ==, filter);
  g_assert_cmpuint (iot_session_get_n_displayed (session), ==, 4);
  g_assert_cmpuint (gui_test_cli_count_file (path, filter), ==, 4);

  /* Security: MQTT in clear text on port 1883, 7 frames. */
  iot_insight_window_set_page (insight, "security");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (gui_test_template_child (insight, IOT_TYPE_INSIGHT_WINDOW, "pages"))), ==, "security");
  g_assert_cmpuint (g_list_model_get_n_items (findings_model (security)), ==, 1);
  row = find_row (security, "cleartext", "port 1883", NULL);
  g_assert_nonnull (row);
  g_assert_cmpuint (iot_insight_finding_row_get_item (row)->frames->len, ==, 7);

  /* Topic tree: plant › valve › state, 2 messages at every level. */
  {
    GtkColumnView *view = topics_view (insight);
    GListModel *rows = G_LIST_MODEL (gtk_column_view_get_model (view));
    IotInsightTopicRow *top, *leaf;
    guint leaf_pos = 0;

    iot_insight_window_set_page (insight, "topics");
    gui_test_settle ();
    g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 3);
    top = topic_at (view, 0);
    g_assert_cmpstr (iot_insight_topic_row_get_level (top), ==, "plant");
    g_assert_nonnull (iot_insight_topic_row_get_children (top));
    g_assert_cmpuint (iot_insight_topic_row_get_stats (top)->messages, ==, 2);
    g_object_unref (top);
    leaf = topic_by_path (view, "plant/valve/state", &leaf_pos);
    g_assert_nonnull (leaf);
    g_assert_cmpuint (leaf_pos, ==, 2);
    g_assert_true (iot_insight_topic_row_is_topic (leaf));
    g_assert_null (iot_insight_topic_row_get_children (leaf));
    g_assert_cmpuint (iot_insight_topic_row_get_stats (leaf)->messages, ==, 2);
    g_assert_cmpuint (iot_insight_topic_row_get_stats (leaf)->bytes, ==, 26);
    g_assert_cmpuint (iot_insight_topic_row_get_stats (leaf)->qos[0], ==, 2);
    g_assert_cmpstr (iot_insight_topic_row_get_stats (leaf)->publishers->pdata[0], ==, "iot-valve-7");

    /* Activating a topic filters on it; a level on everything below. */
    g_signal_emit_by_name (view, "activate", 2);
    g_assert_cmpstr (filter, ==, "mqtt.topic == \"plant/valve/state\"");
    g_assert_cmpuint (gui_test_cli_count_file (path, filter), ==, 2);
    g_signal_emit_by_name (view, "activate", 0);
    g_assert_cmpstr (filter, ==, "mqtt.topic matches \"^plant/\"");
    g_assert_cmpuint (gui_test_cli_count_file (path, filter), ==, 2);
  }

  /* Sessions: the reset one, then the reconnection. */
  {
    GtkColumnView *view = sessions_view (insight);
    GListModel *rows = G_LIST_MODEL (gtk_column_view_get_model (view));
    g_autoptr (IotInsightSessionRow) first = NULL;
    g_autoptr (IotInsightSessionRow) second = NULL;
    const IotMqttSession *s;

    iot_insight_window_set_page (insight, "sessions");
    gui_test_settle ();
    g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 2);
    first = g_list_model_get_item (rows, 0);
    second = g_list_model_get_item (rows, 1);
    s = iot_insight_session_row_get_session (first);
    g_assert_cmpstr (s->client_id, ==, "iot-valve-7");
    g_assert_cmpstr (s->end_reason, ==, "RST");
    g_assert_cmpuint (s->end_frame, ==, 10);
    g_assert_cmpuint (s->keepalive_s, ==, 30);
    g_assert_false (iot_insight_session_row_silence_exceeded (first));
    s = iot_insight_session_row_get_session (second);
    g_assert_cmpstr (s->end_reason, ==, "DISCONNECT");
    g_assert_cmpuint (s->end_frame, ==, 20);
    g_assert_cmpuint (s->reconnect, ==, 1);
    g_assert_cmpuint (s->sent, ==, 3);
    g_assert_cmpuint (s->received, ==, 1);
    g_signal_emit_by_name (view, "activate", 1);
    g_assert_cmpstr (filter, ==, "tcp.stream eq 1");
  }

  /* No QoS 1 message and no CoAP: both plots say so. */
  iot_insight_window_set_page (insight, "latency");
  gui_test_settle ();
  g_assert_cmpuint (latency_count (insight, 0), ==, 0);
  g_assert_cmpuint (latency_count (insight, 1), ==, 0);
  g_assert_cmpstr (latency_text (insight, 0), ==, "No samples");

  gtk_window_destroy (GTK_WINDOW (insight));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- unacknowledged QoS 1 and duplicates ------------------------------------------------- */

/* mqtt-dup.pcap: mqtt-unacknowledged on iot-dup, evidence frame 41;
 * mqtt-dup, evidence 10, 16, 54 and first copies 8, 13; PUBLISH → PUBACK
 * latency from 7 acknowledged messages. */
static void
test_unacknowledged (void)
{
  IotWindow *window = gui_test_open_capture ("mqtt-dup.pcap");
  IotInsightWindow *insight = open_insight (window, "insight:diagnoses");
  IotInsightFindings *diagnoses = diagnoses_of (insight);
  const guint32 unacked_frames[] = { 41 };
  const guint32 dup_frames[] = { 10, 16, 54 };
  const guint32 dup_related[] = { 8, 13 };
  IotInsightFindingRow *row;
  GListModel *evidence;
  guint position = 0, frame = 0;

  /* Two warnings and two notes (duplicates; no subscriber for dup/qos*). */
  g_assert_cmpuint (g_list_model_get_n_items (findings_model (diagnoses)), ==, 3);
  row = find_row (diagnoses, "mqtt-unacknowledged", "iot-dup", NULL);
  g_assert_nonnull (row);
  assert_frames (iot_insight_finding_row_get_item (row)->frames, unacked_frames, 1);
  row = find_row (diagnoses, "mqtt-dup", "iot-dup", &position);
  g_assert_nonnull (row);
  g_assert_cmpint (iot_insight_finding_row_get_item (row)->severity, ==, IOT_SEV_NOTE);
  assert_frames (iot_insight_finding_row_get_item (row)->frames, dup_frames, 3);
  assert_frames (iot_insight_finding_row_get_item (row)->related, dup_related, 2);

  /* Selecting the second finding shows its frames. */
  gtk_single_selection_set_selected (findings_selection (diagnoses), position);
  gui_test_settle ();
  evidence = G_LIST_MODEL (gtk_list_view_get_model (frames_view (diagnoses, "evidence")));
  g_assert_cmpuint (g_list_model_get_n_items (evidence), ==, 3);
  g_signal_connect (insight, "frame-activated", G_CALLBACK (gui_test_frame_cb), &frame);
  g_signal_emit_by_name (frames_view (diagnoses, "evidence"), "activate", 2);
  gui_test_settle ();
  g_assert_cmpuint (frame, ==, 54);
  g_assert_cmpuint (iot_session_get_selected_frame (iot_window_get_session (window)), ==, 54);

  /* Three topics under dup/; latency of the 7 acknowledged PUBLISHes. */
  {
    GtkColumnView *view = topics_view (insight);
    IotInsightTopicRow *top = topic_at (view, 0);
    IotInsightTopicRow *unacked;
    guint pos;

    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (view))), ==, 4);
    g_assert_cmpstr (iot_insight_topic_row_get_level (top), ==, "dup");
    g_assert_cmpuint (iot_insight_topic_row_get_stats (top)->messages, ==, 8);
    g_assert_cmpuint (iot_insight_topic_row_get_stats (top)->qos[1], ==, 6);
    g_assert_cmpuint (g_list_model_get_n_items (iot_insight_topic_row_get_children (top)), ==, 3);
    g_object_unref (top);
    unacked = topic_by_path (view, "dup/unacked", &pos);
    g_assert_nonnull (unacked);
    g_assert_cmpuint (iot_insight_topic_row_get_stats (unacked)->messages, ==, 3);
    g_assert_cmpuint (iot_insight_topic_row_get_stats (unacked)->subscribers->len, ==, 1);
  }
  g_assert_cmpuint (latency_count (insight, 0), ==, 7);
  g_assert_nonnull (strstr (latency_text (insight, 0), "7 acknowledged PUBLISH messages"));

  gtk_window_destroy (GTK_WINDOW (insight));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- credentials in clear text ------------------------------------------------------------- */

static void
assert_no_secret (IotInsightFindings *findings, const char *secret)
{
  GListModel *model = findings_model (findings);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (IotInsightFindingRow) row = g_list_model_get_item (model, i);
      const IotInsightItem *item = iot_insight_finding_row_get_item (row);

      g_assert_null (strstr (item->summary, secret));
      g_assert_null (strstr (item->subject, secret));
      g_assert_null (strstr (item->explanation, secret));
    }
}

/* mqtt-auth.pcap: eight security findings (cleartext-credentials from
 * each of the clients that sent a password, masked "s*** (6 characters)",
 * and MQTT in clear text), four refused connections in the diagnoses
 * (iot-auth-bad first: frames 45, 47). */
static void
test_credentials (void)
{
  IotWindow *window = gui_test_open_capture ("mqtt-auth.pcap");
  IotInsightWindow *insight = open_insight (window, "insight:security");
  IotInsightFindings *security = security_of (insight);
  IotInsightFindings *diagnoses = diagnoses_of (insight);
  const guint32 refused_frames[] = { 45, 47 };
  IotInsightFindingRow *row;
  guint position = 0;

  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (gui_test_template_child (insight, IOT_TYPE_INSIGHT_WINDOW, "pages"))), ==, "security");
  g_assert_cmpuint (g_list_model_get_n_items (findings_model (security)), ==, 8);
  g_assert_cmpuint (count_kind (security, IOT_INSIGHT_SECURITY, "cleartext-credentials"), >=, 4);
  row = find_row (security, "cleartext-credentials", "iot-auth-ok", NULL);
  g_assert_nonnull (row);
  g_assert_cmpint (iot_insight_finding_row_get_item (row)->severity, ==, IOT_SEV_ERROR);
  g_assert_nonnull (strstr (iot_insight_finding_row_get_item (row)->summary, "password s*** (6 characters)"));
  g_assert_cmpuint (iot_insight_finding_row_get_item (row)->frames->len, ==, 1);
  g_assert_cmpuint (g_array_index (iot_insight_finding_row_get_item (row)->frames, guint32, 0), ==, 4);
  /* The capture's passwords are "s3cret" and "wrong": never shown. */
  assert_no_secret (security, "s3cret");
  assert_no_secret (diagnoses, "s3cret");
  assert_no_secret (security, "wrong");

  g_assert_cmpuint (count_kind (diagnoses, IOT_INSIGHT_DIAGNOSIS, "mqtt-connack-refused"), ==, 4);
  row = find_row (diagnoses, "mqtt-connack-refused", "iot-auth-bad", &position);
  g_assert_nonnull (row);
  g_assert_cmpuint (position, ==, 0);
  assert_frames (iot_insight_finding_row_get_item (row)->frames, refused_frames, 2);
  g_assert_nonnull (find_row (diagnoses, "mqtt-connack-refused", "iot-auth-bad5", NULL));

  gtk_window_destroy (GTK_WINDOW (insight));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- chatty device, baseline, reports ------------------------------------------------------- */

static char *
read_text (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

/* insight-periodic.pcap: periodic-gap for sensor-b between frames 296
 * and 432 and a note for sensor-c, whose short pause its TCP made (Nagle:
 * the readings came in one segment; no chatty-device: two peers are too few); the topic tree
 * sensors › sensor-a|b|c › temperature with 296 messages in all, 240 of
 * them on sensors/sensor-c/temperature (1 gap); 15 acknowledged QoS 1
 * PUBLISHes.  Its baseline, compared with mqtt-dup.pcap, finds the new
 * client iot-dup and the new topic dup/qos2 (as --compare-baseline). */
static void
test_periodic_baseline (void)
{
  g_autofree char *dir = g_dir_make_tmp ("iotscope-insight-XXXXXX", NULL);
  g_autofree char *baseline = g_build_filename (dir, "base.json", NULL);
  g_autofree char *html = g_build_filename (dir, "report.html", NULL);
  g_autofree char *json = g_build_filename (dir, "report.json", NULL);
  IotWindow *window = gui_test_open_capture ("insight-periodic.pcap");
  IotInsightWindow *insight = open_insight (window, "insight:topics");
  IotInsightFindings *diagnoses = diagnoses_of (insight);
  const guint32 gap_frames[] = { 296, 432 };
  g_autoptr (GError) error = NULL;
  IotInsightFindingRow *row;
  guint n_diagnoses;

  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (gui_test_template_child (insight, IOT_TYPE_INSIGHT_WINDOW, "pages"))), ==, "topics");
  n_diagnoses = g_list_model_get_n_items (findings_model (diagnoses));
  /* sensor-c is ten times as fast as its two peers, but two are too few
   * to call that chatty. */
  g_assert_cmpuint (n_diagnoses, ==, 2);
  g_assert_null (find_row (diagnoses, "chatty-device", "sensor-c", NULL));
  row = find_row (diagnoses, "periodic-gap", "sensor-b", NULL);
  g_assert_nonnull (row);
  assert_frames (iot_insight_finding_row_get_item (row)->frames, gap_frames, 2);
  g_assert_null (find_row (diagnoses, "periodic-gap", "sensor-a", NULL));

  /* Topic tree: one top level, three sensors, three leaves. */
  {
    GtkColumnView *view = topics_view (insight);
    GListModel *rows = G_LIST_MODEL (gtk_column_view_get_model (view));
    IotInsightTopicRow *top = topic_at (view, 0);
    IotInsightTopicRow *leaf;
    guint pos = 0;
    guint tops = 0;

    g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 7);
    for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
      {
        g_autoptr (GtkTreeListRow) r = g_list_model_get_item (rows, i);

        tops += gtk_tree_list_row_get_depth (r) == 0;
      }
    g_assert_cmpuint (tops, ==, 1);
    g_assert_cmpstr (iot_insight_topic_row_get_path (top), ==, "sensors");
    g_assert_cmpuint (iot_insight_topic_row_get_stats (top)->messages, ==, 296);
    g_assert_cmpuint (iot_insight_topic_row_get_stats (top)->published, ==, 148);
    g_assert_cmpuint (iot_insight_topic_row_get_stats (top)->gaps, ==, 2);
    g_assert_cmpuint (iot_insight_topic_row_get_stats (top)->publishers->len, ==, 3);
    g_assert_cmpfloat (iot_insight_topic_row_get_stats (top)->period_s, <, 0);
    g_object_unref (top);
    leaf = topic_by_path (view, "sensors/sensor-c/temperature", &pos);
    g_assert_nonnull (leaf);
    g_assert_cmpuint (iot_insight_topic_row_get_stats (leaf)->messages, ==, 240);
    g_assert_cmpuint (iot_insight_topic_row_get_stats (leaf)->bytes, ==, 11784);
    g_assert_cmpuint (iot_insight_topic_row_get_stats (leaf)->gaps, ==, 1);
    g_assert_cmpfloat_with_epsilon (iot_insight_topic_row_get_stats (leaf)->period_s, 0.0217, 0.0005);
    g_assert_cmpstr (iot_insight_topic_row_get_stats (leaf)->subscribers->pdata[0], ==, "dashboard");
  }
  g_assert_cmpuint (latency_count (insight, 0), ==, 15);

  /* Reports: an HTML page with SVG charts, and JSON that parses. */
  g_assert_true (iot_insight_window_export_report (insight, html, &error));
  g_assert_no_error (error);
  g_assert_true (iot_insight_window_export_report (insight, json, &error));
  g_assert_no_error (error);
  {
    g_autofree char *page = read_text (html);
    g_autoptr (JsonParser) parser = json_parser_new ();
    JsonObject *root;

    g_assert_nonnull (strstr (page, "<svg"));
    g_assert_nonnull (strstr (page, "sensors/sensor-c/temperature"));
    json_parser_load_from_file (parser, json, &error);
    g_assert_no_error (error);
    root = json_node_get_object (json_parser_get_root (parser));
    g_assert_nonnull (root);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "diagnoses")), ==, n_diagnoses);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "security")), ==, 1);
  }

  /* "Export IoT Report…": one name, both files. */
  {
    g_autofree char *where = g_path_get_dirname (html);
    g_autofree char *chosen = g_build_filename (where, "both.html", NULL);
    g_autofree char *html2 = NULL;
    g_autofree char *json2 = NULL;
    g_autofree char *page = NULL;
    g_autoptr (JsonParser) parser = json_parser_new ();

    g_assert_true (iot_insight_window_export_reports (insight, chosen, &html2, &json2, &error));
    g_assert_no_error (error);
    g_assert_true (g_str_has_suffix (html2, "/both.html"));
    g_assert_true (g_str_has_suffix (json2, "/both.json"));
    page = read_text (html2);
    g_assert_nonnull (strstr (page, "<svg"));
    json_parser_load_from_file (parser, json2, &error);
    g_assert_no_error (error);
    g_unlink (html2);
    g_unlink (json2);
  }

  /* Baseline of this capture. */
  g_assert_true (iot_insight_window_save_baseline (insight, baseline, &error));
  g_assert_no_error (error);
  gtk_window_destroy (GTK_WINDOW (insight));
  gtk_window_destroy (GTK_WINDOW (window));

  /* Another capture compared with it: deviations first, tagged. */
  window = gui_test_open_capture ("mqtt-dup.pcap");
  insight = open_insight (window, "insight:latency");
  diagnoses = diagnoses_of (insight);
  g_assert_cmpuint (count_kind (diagnoses, IOT_INSIGHT_DEVIATION, NULL), ==, 0);
  g_assert_true (iot_insight_window_compare_baseline (insight, baseline, &error));
  g_assert_no_error (error);
  gui_test_settle ();
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (gui_test_template_child (insight, IOT_TYPE_INSIGHT_WINDOW, "pages"))), ==, "diagnoses");
  g_assert_nonnull (strstr (banner_text (insight), "base.json"));
  {
    guint deviations = count_kind (diagnoses, IOT_INSIGHT_DEVIATION, NULL);
    g_autoptr (IotInsightFindingRow) first = g_list_model_get_item (findings_model (diagnoses), 0);

    g_assert_cmpuint (deviations, >=, 3);
    g_assert_cmpint (iot_insight_finding_row_get_item (first)->kind, ==, IOT_INSIGHT_DEVIATION);
    g_assert_nonnull (find_row (diagnoses, "new-device", "iot-dup", NULL));
    g_assert_nonnull (find_row (diagnoses, "new-topic", "dup/qos2", NULL));
    g_assert_nonnull (find_row (diagnoses, "new-message-type", "127.0.0.1", NULL));
    /* The diagnoses of the capture stay (the warning and two notes). */
    g_assert_cmpuint (count_kind (diagnoses, IOT_INSIGHT_DIAGNOSIS, NULL), ==, 3);
    /* Comparing again replaces the deviations instead of adding more. */
    g_assert_true (iot_insight_window_compare_baseline (insight, baseline, &error));
    g_assert_cmpuint (count_kind (diagnoses, IOT_INSIGHT_DEVIATION, NULL), ==, deviations);
  }
  /* Something that is not a baseline is refused. */
  g_assert_false (iot_insight_window_compare_baseline (insight, html, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  gtk_window_destroy (GTK_WINDOW (insight));
  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (baseline);
  g_unlink (html);
  g_unlink (json);
  g_rmdir (dir);
}

/* ---- empty states and CoAP latency ------------------------------------------------------------ */

/* coap.pcap (54 frames) has no diagnosis; tls13.pcap no security
 * finding; coap-lossy.pcap 9 answered CoAP requests and 8
 * retransmissions. */
static void
test_empty_and_coap (void)
{
  IotWindow *window = gui_test_open_capture ("coap.pcap");
  IotInsightWindow *insight = open_insight (window, "insight");
  IotInsightFindings *diagnoses = diagnoses_of (insight);

  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (gui_test_template_child (insight, IOT_TYPE_INSIGHT_WINDOW, "pages"))), ==, "diagnoses");
  g_assert_true (findings_empty (diagnoses));
  g_assert_cmpstr (findings_empty_title (diagnoses), ==, "No problems found in 54 frames");
  g_assert_false (findings_empty (security_of (insight)));
  gtk_window_destroy (GTK_WINDOW (insight));
  gtk_window_destroy (GTK_WINDOW (window));

  window = gui_test_open_capture ("tls13.pcap");
  insight = open_insight (window, "insight:security");
  g_assert_true (findings_empty (security_of (insight)));
  g_assert_cmpstr (findings_empty_title (security_of (insight)), ==,
                   "No security weaknesses found in 38 frames");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (
                      topics_view (insight)))), ==, 0);
  gtk_window_destroy (GTK_WINDOW (insight));
  gtk_window_destroy (GTK_WINDOW (window));

  window = gui_test_open_capture ("coap-lossy.pcap");
  insight = open_insight (window, "insight:latency");
  gui_test_settle ();
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (gui_test_template_child (insight, IOT_TYPE_INSIGHT_WINDOW, "pages"))), ==, "latency");
  g_assert_true (gtk_widget_get_mapped (latency_plot (insight, 1)));
  g_assert_cmpuint (latency_count (insight, 1), ==, 9);
  g_assert_cmpuint (latency_count (insight, 0), ==, 0);
  g_assert_nonnull (strstr (latency_text (insight, 1), "9 answered requests"));
  g_assert_nonnull (find_row (diagnoses_of (insight), "coap-retransmission", NULL, NULL));
  g_assert_cmpuint (iot_insight_finding_row_get_item (find_row (diagnoses_of (insight),
                                                               "coap-retransmission", NULL, NULL))->frames->len,
                    ==, 8);
  gtk_window_destroy (GTK_WINDOW (insight));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Closing the window while it analyses cancels the worker. */
static void
test_close_early (void)
{
  IotWindow *window = gui_test_open_capture ("insight-periodic.pcap");
  g_autoptr (GError) error = NULL;
  GtkWindow *insight = iot_window_show_analysis (window, "insight:sessions", &error);

  g_assert_no_error (error);
  g_assert_false (iot_analysis_window_is_ready (IOT_ANALYSIS_WINDOW (insight)));
  g_assert_false (iot_insight_window_export_report (IOT_INSIGHT_WINDOW (insight), "/nonexistent/x.html", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PENDING);
  gtk_window_destroy (insight);
  gui_test_settle ();
  gtk_window_destroy (GTK_WINDOW (window));
  gui_test_settle ();
}

/* wifi-stations.pcap with the network's passphrase: one station row per
 * transmitter, the weak and retrying sensor, the plug's wrong passphrase
 * proven by its MIC, the doorbell's unanswered handshake and the forged
 * burst, with the frames -z insight gives (tests/golden/insight-wifi-stations.out). */
static void
test_wifi_stations (void)
{
  static const guint32 storm[] = { 78, 80, 81, 83, 84, 86, 87, 89, 90 };
  static const guint32 unanswered[] = { 69, 71, 73, 75 };
  g_autoptr (GError) error = NULL;
  IotWindow *window;
  IotInsightWindow *insight;
  IotInsightFindings *diagnoses;
  IotInsightFindingRow *row;

  iot_wpa_set_enabled (TRUE);
  g_assert_true (iot_wpa_add_uat_entry ("\"wpa-pwd\",\"home sweet home 42:iot-home\"", &error));
  window = gui_test_open_capture ("wifi-stations.pcap");
  insight = open_insight (window, "insight");
  diagnoses = diagnoses_of (insight);

  g_assert_cmpuint (count_kind (diagnoses, IOT_INSIGHT_DIAGNOSIS, "wifi-station"), ==, 5);
  row = find_row (diagnoses, "wifi-station", "02:ee:32:10:00:02", NULL);
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (iot_insight_finding_row_get_item (row)->summary,
                            "10 frames, 5 retries (50 %), signal -86 dBm mean (-88 min, -81 max)"));
  g_assert_nonnull (find_row (diagnoses, "wifi-signal", "02:ee:32:10:00:02", NULL));
  g_assert_nonnull (find_row (diagnoses, "wifi-retries", "02:ee:32:10:00:02", NULL));
  row = find_row (diagnoses, "wifi-handshake-failure", "02:ee:32:10:00:03", NULL);
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (iot_insight_finding_row_get_item (row)->summary, "MIC does not verify"));
  row = find_row (diagnoses, "wifi-handshake-unanswered", "02:ee:32:10:00:04", NULL);
  g_assert_nonnull (row);
  assert_frames (iot_insight_finding_row_get_item (row)->frames, unanswered, G_N_ELEMENTS (unanswered));
  row = find_row (diagnoses, "wifi-deauth-storm", "02:ab:cd:00:00:03", NULL);
  g_assert_nonnull (row);
  assert_frames (iot_insight_finding_row_get_item (row)->frames, storm, G_N_ELEMENTS (storm));
  g_assert_nonnull (strstr (iot_insight_finding_row_get_item (row)->summary, "reason codes 7 (5 frames)"));
  gtk_window_destroy (GTK_WINDOW (insight));
  gtk_window_destroy (GTK_WINDOW (window));
  iot_wpa_clear_keys ();
  iot_wpa_set_enabled (FALSE);
}

int
main (int argc, char **argv)
{
  gui_test_init (&argc, &argv);

  g_test_add_func ("/insight-window/reset", test_reset);
  g_test_add_func ("/insight-window/unacknowledged", test_unacknowledged);
  g_test_add_func ("/insight-window/credentials", test_credentials);
  g_test_add_func ("/insight-window/periodic-baseline", test_periodic_baseline);
  g_test_add_func ("/insight-window/empty-and-coap", test_empty_and_coap);
  g_test_add_func ("/insight-window/close-early", test_close_early);
  g_test_add_func ("/insight-window/wifi-stations", test_wifi_stations);
  return g_test_run ();
}
