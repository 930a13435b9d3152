/* test-filter-bar.c — hostile filters pasted into the filter bar: filters
 * nested 60,000 and 4,000 deep, one of 100 KB and one of 15 KB must end in
 * the bar's error state with a message, while the main loop keeps running;
 * a long valid filter pasted and applied with Enter filters like the CLI.
 * Run under Xvfb (run-xvfb.sh). */
#include <string.h>
#include <gtk/gtk.h>

#include "gui-test-util.h"
#include "iot-app-test.h"
#include "iot-filter-bar.h"
#include "iot-window.h"

/* The longest the main loop may be kept from running: a freeze.  Checking
 * the filter itself takes no visible time on the main thread (long filters
 * are checked by a worker, which the test sees); what remains is GTK
 * laying out and drawing the pasted line, which under Xvfb's software
 * renderer on a loaded test machine takes up to a few hundred ms by itself.
 * The gaps measured are printed. */
#define MAX_GAP_US (750 * 1000)

/* Measures the longest gap between two runs of the main loop. */
typedef struct {
  gint64 last;
  gint64 max_gap;
} Probe;

static gboolean
probe_tick_cb (gpointer data)
{
  Probe *probe = data;
  gint64 now = g_get_monotonic_time ();

  probe->max_gap = MAX (probe->max_gap, now - probe->last);
  probe->last = now;
  return G_SOURCE_CONTINUE;
}

static IotFilterBar *
bar_of (GtkEntry *entry)
{
  return IOT_FILTER_BAR (gtk_widget_get_ancestor (GTK_WIDGET (entry), IOT_TYPE_FILTER_BAR));
}

/* Pastes @text into the entry through the clipboard, as a user would. */
static void
paste (GtkEntry *entry, const char *text)
{
  GtkWidget *delegate = GTK_WIDGET (gtk_editable_get_delegate (GTK_EDITABLE (entry)));

  /* From a known state: an empty, unchecked entry. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "frame");
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  g_assert_cmpint (iot_filter_bar_get_state (bar_of (entry)), ==, IOT_FILTER_STATE_EMPTY);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (entry)), text);
  gtk_widget_grab_focus (delegate);
  g_assert_true (gtk_widget_activate_action (delegate, "clipboard.paste", NULL));
}

/* Pastes @text and runs the main loop until the bar has a verdict;
 * returns the longest main-loop gap seen, in microseconds. */
static gint64
paste_and_wait (IotFilterBar *bar, const char *text, gboolean *saw_worker)
{
  GtkEntry *entry = GTK_ENTRY (gui_test_template_child (bar, IOT_TYPE_FILTER_BAR, "entry"));
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  gint64 since, asked = g_get_monotonic_time ();
  Probe probe;
  guint tick;

  /* Putting the text on the clipboard is the test's part; the window's
   * part (reading it back, inserting, checking) comes after. */
  paste (entry, text);
  g_test_message ("putting %zu bytes on the clipboard: %" G_GINT64_FORMAT " ms", strlen (text),
                  (g_get_monotonic_time () - asked) / 1000);
  probe.last = g_get_monotonic_time ();
  probe.max_gap = 0;
  tick = g_timeout_add (5, probe_tick_cb, &probe);
  /* Until the pasted text is in (or refused) and checked. */
  while ((strcmp (gtk_editable_get_text (GTK_EDITABLE (entry)), text) != 0
          && iot_filter_bar_get_state (bar) != IOT_FILTER_STATE_INVALID)
         || g_str_has_prefix (gtk_label_get_text (GTK_LABEL (gui_test_template_child (bar, IOT_TYPE_FILTER_BAR, "message"))), "Checking"))
    {
      *saw_worker |= g_str_has_prefix (gtk_label_get_text (GTK_LABEL (gui_test_template_child (bar, IOT_TYPE_FILTER_BAR, "message"))), "Checking");
      if (g_get_monotonic_time () > deadline)
        g_error ("no verdict: %zu of %zu bytes in the entry, message \"%s\"",
                 strlen (gtk_editable_get_text (GTK_EDITABLE (entry))), strlen (text),
                 gtk_label_get_text (GTK_LABEL (gui_test_template_child (bar, IOT_TYPE_FILTER_BAR, "message"))));
      g_main_context_iteration (NULL, TRUE);
    }
  /* And a little longer: the window must still answer afterwards. */
  since = g_get_monotonic_time ();
  while (g_get_monotonic_time () - since < 200 * 1000)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return probe.max_gap;
}

static char *
repeat (const char *piece, gsize target_length, const char *tail)
{
  GString *out = g_string_new (NULL);

  while (out->len < target_length)
    g_string_append (out, piece);
  g_string_append (out, tail);
  return g_string_free (out, FALSE);
}

static void
assert_invalid (IotFilterBar *bar, const char *message_part)
{
  GtkWidget *entry = GTK_WIDGET (GTK_ENTRY (gui_test_template_child (bar, IOT_TYPE_FILTER_BAR, "entry")));
  const char *message = gtk_label_get_text (GTK_LABEL (gui_test_template_child (bar, IOT_TYPE_FILTER_BAR, "message")));

  g_assert_cmpint (iot_filter_bar_get_state (bar), ==, IOT_FILTER_STATE_INVALID);
  g_assert_true (gtk_widget_has_css_class (entry, "filter-invalid"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (GTK_LABEL (gui_test_template_child (bar, IOT_TYPE_FILTER_BAR, "message")))));
  if (strstr (message, message_part) == NULL)
    g_error ("message \"%s\" lacks \"%s\"", message, message_part);
  g_assert_false (iot_filter_bar_apply (bar));
}

static char *
parentheses (guint depth)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append_c (out, '(');
  g_string_append (out, "frame");
  for (guint i = 0; i < depth; i++)
    g_string_append_c (out, ')');
  return g_string_free (out, FALSE);
}

/* @by_worker: whether the bar must have checked it in a worker (the text
 * is in the entry, and long) rather than refused it outright. */
static void
check_paste (IotFilterBar *bar, const char *what, const char *text, const char *message_part, gboolean by_worker)
{
  gboolean saw_worker = FALSE;
  gint64 gap = paste_and_wait (bar, text, &saw_worker);

  g_test_message ("%s: longest main-loop gap %" G_GINT64_FORMAT " ms", what, gap / 1000);
  assert_invalid (bar, message_part);
  g_assert_cmpint (saw_worker, ==, by_worker);
  g_assert_cmpint (gap, <, MAX_GAP_US);
}

static void
test_hostile_paste (void)
{
  IotWindow *window = gui_test_open_capture ("mqtt311.pcap");
  IotFilterBar *bar = iot_window_get_filter_bar (window);
  g_autofree char *deep = parentheses (60000);
  g_autofree char *less_deep = parentheses (4000);
  g_autofree char *big = repeat ("tcp.port == 1883 and ", 100 * 1024, "no.such.field");
  g_autofree char *long_bad = repeat ("tcp.port == 1883 and ", 15 * 1024, "no.such.field");
  const char *tooltip;

  /* Once, so that the first layout of the message line is not measured:
   * that is the window's drawing, not the filter's checking. */
  gtk_editable_set_text (GTK_EDITABLE (GTK_ENTRY (gui_test_template_child (bar, IOT_TYPE_FILTER_BAR, "entry"))), "tcp.len >");
  g_assert_cmpint (iot_filter_bar_get_state (bar), ==, IOT_FILTER_STATE_INVALID);
  gui_test_settle ();

  /* Longer than an entry holds: refused whole, never cut to a different filter. */
  check_paste (bar, "60,000-deep filter", deep, "too long for the filter bar: 120005 characters", FALSE);
  check_paste (bar, "100 KB filter", big, "too long for the filter bar", FALSE);
  /* What fits is checked by a worker. */
  check_paste (bar, "4,000-deep filter", less_deep, "more than 256 levels deep. (at character 257)", TRUE);
  check_paste (bar, "15 KB filter", long_bad, "\"no.such.field\" is neither a field nor a protocol name", TRUE);
  /* The tooltip shows the part around the problem, not 15 KB. */
  tooltip = gtk_widget_get_tooltip_markup (GTK_WIDGET (GTK_ENTRY (gui_test_template_child (bar, IOT_TYPE_FILTER_BAR, "entry"))));
  g_assert_nonnull (strstr (tooltip, "no.such.field"));
  g_assert_cmpint (strlen (tooltip), <, 1024);

  /* The window still works: typing a short filter is checked at once. */
  gtk_editable_set_text (GTK_EDITABLE (GTK_ENTRY (gui_test_template_child (bar, IOT_TYPE_FILTER_BAR, "entry"))), "mqtt");
  g_assert_cmpint (iot_filter_bar_get_state (bar), ==, IOT_FILTER_STATE_VALID);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A long valid filter, pasted and applied at once with Enter: applied when
 * the worker has checked it, with the frames the CLI selects. */
static void
test_long_valid_paste (void)
{
  IotWindow *window = gui_test_open_capture ("mqtt311.pcap");
  IotSession *session = iot_window_get_session (window);
  IotFilterBar *bar = iot_window_get_filter_bar (window);
  GtkEntry *entry = GTK_ENTRY (gui_test_template_child (bar, IOT_TYPE_FILTER_BAR, "entry"));
  GListModel *rows = G_LIST_MODEL (iot_packet_list_get_selection (iot_window_get_packet_list (window)));
  g_autofree char *capture = gui_test_capture_file ("mqtt311.pcap");
  g_autofree char *text = repeat ("frame.len > 1 && ", 12 * 1024, "mqtt");
  guint expected = gui_test_cli_count_file (capture, "mqtt");
  gboolean done = FALSE;

  g_assert_cmpuint (expected, >, 0);
  g_signal_connect (session, "filter-finished", G_CALLBACK (gui_test_flag_cb), &done);
  paste (entry, text);
  while (strcmp (gtk_editable_get_text (GTK_EDITABLE (entry)), text) != 0)
    g_main_context_iteration (NULL, TRUE);
  g_signal_emit_by_name (entry, "activate");
  gui_test_wait_for (&done);
  gui_test_settle ();
  g_assert_cmpint (iot_filter_bar_get_state (bar), ==, IOT_FILTER_STATE_VALID);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, expected);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  gui_test_init (&argc, &argv);
  g_test_add_func ("/filter-bar/hostile-paste", test_hostile_paste);
  g_test_add_func ("/filter-bar/long-valid-paste", test_long_valid_paste);
  return g_test_run ();
}
