/* test-colour-rules.c — the packet list coloured by the colouring rules:
 * each frame's rule is the first whose filter the CLI's -Y also matches
 * it with; the rows on screen carry that rule's style class; the editor
 * (its real check boxes, entries, colour and arrow buttons) changes the
 * rules, refuses a filter that does not compile, restores the defaults;
 * and matching the rules costs each row little (timed, printed).
 * Run under Xvfb (run-xvfb.sh). */
#include <string.h>

#include <gtk/gtk.h>

#include "gui-test-util.h"
#include "iot-app-test.h"
#include "iot-colour-rules.h"
#include "iot-colour-rules-dialog.h"
#include "iot-frame-list.h"
#include "iot-window.h"

/* For each frame 1..n, the index of the first enabled rule of @value whose
 * filter the CLI matches the frame with; -1 for none. */
static GArray *
expected_rules (const char *capture, GVariant *value, guint n)
{
  GArray *expected = g_array_new (FALSE, FALSE, sizeof (int));
  GVariantIter iter;
  const char *name, *filter, *fg, *bg;
  gboolean enabled;
  int index = 0;

  for (guint i = 0; i <= n; i++)
    {
      int none = -1;

      g_array_append_val (expected, none);
    }
  g_variant_iter_init (&iter, value);
  while (g_variant_iter_next (&iter, "(&sb&s&s&s)", &name, &enabled, &filter, &fg, &bg))
    {
      if (enabled)
        {
          g_autofree char *out = gui_test_cli_run (capture, "-Y", filter, "-T", "fields", "-e", "frame.number", NULL);
          g_auto (GStrv) lines = g_strsplit (out, "\n", -1);

          for (guint i = 0; lines[i] != NULL; i++)
            {
              guint64 number = g_ascii_strtoull (lines[i], NULL, 10);

              if (number >= 1 && number <= n && g_array_index (expected, int, number) < 0)
                g_array_index (expected, int, number) = index;
            }
        }
      index++;
    }
  return expected;
}

/* Every frame's rule in the window equals the CLI's first match. */
static guint
check_all_frames (IotWindow *window, const char *capture, GSettings *settings)
{
  IotFrameList *frames = iot_session_get_frames (iot_window_get_session (window));
  guint n = iot_session_get_n_total (iot_window_get_session (window));
  g_autoptr (GVariant) value = g_settings_get_value (settings, "colour-rules");
  g_autoptr (GArray) expected = expected_rules (capture, value, n);

  for (guint32 number = 1; number <= n; number++)
    {
      int got = iot_frame_list_summary (frames, number)->colour_rule;

      if (got != g_array_index (expected, int, number))
        g_error ("frame %u: rule %d, the CLI's filters say %d", number, got, g_array_index (expected, int, number));
    }
  return n;
}

/* The row widget showing frame @number (its No. cell reads the number). */
static GtkWidget *
find_row (GtkWidget *widget, const char *number)
{
  if (GTK_IS_INSCRIPTION (widget) && g_strcmp0 (gtk_inscription_get_text (GTK_INSCRIPTION (widget)), number) == 0
      && gtk_widget_has_css_class (widget, "numeric"))
    {
      GtkWidget *cell = gtk_widget_get_parent (widget);

      return cell ? gtk_widget_get_parent (cell) : NULL;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, number);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static int
rule_index (GSettings *settings, const char *wanted)
{
  g_autoptr (GVariant) value = g_settings_get_value (settings, "colour-rules");
  GVariantIter iter;
  const char *name, *filter, *fg, *bg;
  gboolean enabled;
  int index = 0;

  g_variant_iter_init (&iter, value);
  while (g_variant_iter_next (&iter, "(&sb&s&s&s)", &name, &enabled, &filter, &fg, &bg))
    {
      if (g_str_equal (name, wanted))
        return index;
      index++;
    }
  return -1;
}

/* Apply, which saves and closes the dialog. */
static void
apply_and_wait (IotColourRulesDialog *dialog)
{
  gboolean closed = FALSE;

  g_signal_connect (dialog, "destroy", G_CALLBACK (gui_test_flag_cb), &closed);
  g_signal_emit_by_name (GTK_BUTTON (gui_test_template_child (dialog, IOT_TYPE_COLOUR_RULES_DIALOG, "apply_button")), "clicked");
  gui_test_wait_for (&closed);
}

static void
test_rules_and_editor (void)
{
  g_autofree char *capture = gui_test_capture_file ("tcp-rst-reconnect.pcap");
  g_autoptr (GSettings) settings = g_settings_new ("org.iotscope.Iotscope");
  g_autoptr (GVariant) defaults = NULL;
  g_autoptr (GVariant) saved = NULL;
  IotColourRulesDialog *dialog;
  IotWindow *window;
  GtkWidget *row;
  IotFrameList *frames;
  int rst;
  guint checked = 0;

  g_settings_reset (settings, "colour-rules");
  defaults = g_settings_get_value (settings, "colour-rules");
  window = gui_test_open_window (capture, settings);
  frames = iot_session_get_frames (iot_window_get_session (window));
  g_assert_true (iot_frame_list_has_colour_rules (frames));
  checked += check_all_frames (window, capture, settings);

  /* Frame 10 is the reset: its row on screen wears the TCP RST colours. */
  rst = rule_index (settings, "TCP RST");
  g_assert_cmpint (iot_frame_list_summary (frames, 10)->colour_rule, ==, rst);
  row = find_row (GTK_WIDGET (iot_window_get_packet_list (window)), "10");
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_has_css_class (row, iot_colour_rule_class (rst)));

  /* The editor: TCP RST off, a new rule on top for MQTT PUBLISH. */
  dialog = iot_colour_rules_dialog_new (settings);
  gtk_window_present (GTK_WINDOW (dialog));
  gui_test_settle ();
  g_assert_cmpuint (g_list_model_get_n_items (iot_colour_rules_dialog_get_rules (dialog)), ==,
                    g_variant_n_children (defaults));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (iot_colour_rules_dialog_get_control (dialog, rst, "enabled")), FALSE);
  g_signal_emit_by_name (GTK_BUTTON (gui_test_template_child (dialog, IOT_TYPE_COLOUR_RULES_DIALOG, "add_button")), "clicked");
  gtk_editable_set_text (GTK_EDITABLE (iot_colour_rules_dialog_get_control (dialog, 0, "name")), "Publish");
  gtk_editable_set_text (GTK_EDITABLE (iot_colour_rules_dialog_get_control (dialog, 0, "filter")), "mqtt.msgtype == 3");
  {
    GtkWidget *bg = iot_colour_rules_dialog_get_control (dialog, 0, "background");
    GdkRGBA orange = { 1.0, 0.5, 0.0, 1.0 };

    gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (bg), &orange);
    g_signal_emit_by_name (bg, "color-set");
  }
  apply_and_wait (dialog);
  saved = g_settings_get_value (settings, "colour-rules");
  g_assert_cmpuint (g_variant_n_children (saved), ==, g_variant_n_children (defaults) + 1);
  {
    const char *name, *filter, *fg, *bg;
    gboolean enabled;

    g_variant_get_child (saved, 0, "(&sb&s&s&s)", &name, &enabled, &filter, &fg, &bg);
    g_assert_cmpstr (name, ==, "Publish");
    g_assert_cmpstr (filter, ==, "mqtt.msgtype == 3");
    g_assert_cmpstr (bg, ==, "#ff8000");
    g_variant_get_child (saved, rst + 1, "(&sb&s&s&s)", &name, &enabled, &filter, &fg, &bg);
    g_assert_cmpstr (name, ==, "TCP RST");
    g_assert_false (enabled);
  }
  gui_test_settle ();
  checked += check_all_frames (window, capture, settings);
  g_assert_cmpint (iot_frame_list_summary (frames, 8)->colour_rule, ==, 0);   /* the PUBLISH */
  g_assert_cmpint (iot_frame_list_summary (frames, 10)->colour_rule, !=, rst + 1);
  row = find_row (GTK_WIDGET (iot_window_get_packet_list (window)), "8");
  g_assert_true (gtk_widget_has_css_class (row, iot_colour_rule_class (0)));

  /* A filter that does not compile: marked at once, refused by Apply. */
  dialog = iot_colour_rules_dialog_new (settings);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_editable_set_text (GTK_EDITABLE (iot_colour_rules_dialog_get_control (dialog, 0, "filter")), "mqtt.msgtype ==");
  g_assert_true (gtk_widget_has_css_class (iot_colour_rules_dialog_get_control (dialog, 0, "filter"), "error"));
  g_signal_emit_by_name (GTK_BUTTON (gui_test_template_child (dialog, IOT_TYPE_COLOUR_RULES_DIALOG, "apply_button")), "clicked");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (gui_test_template_child (dialog, IOT_TYPE_COLOUR_RULES_DIALOG, "status"))), "Publish"));
  {
    g_autoptr (GVariant) now = g_settings_get_value (settings, "colour-rules");

    g_assert_true (g_variant_equal (now, saved));
  }
  /* The arrows reorder the working copy. */
  g_signal_emit_by_name (iot_colour_rules_dialog_get_control (dialog, 1, "up"), "clicked");
  {
    g_autoptr (IotColourRule) first = g_list_model_get_item (iot_colour_rules_dialog_get_rules (dialog), 0);

    g_assert_cmpstr (iot_colour_rule_get_name (first), ==, "Bad TCP");
    g_assert_false (gtk_widget_get_sensitive (iot_colour_rules_dialog_get_control (dialog, 0, "up")));
  }
  /* Restore Defaults, then Apply: the schema's rules again. */
  g_signal_emit_by_name (GTK_BUTTON (gui_test_template_child (dialog, IOT_TYPE_COLOUR_RULES_DIALOG, "defaults_button")), "clicked");
  g_assert_cmpuint (g_list_model_get_n_items (iot_colour_rules_dialog_get_rules (dialog)), ==,
                    g_variant_n_children (defaults));
  apply_and_wait (dialog);
  {
    g_autoptr (GVariant) now = g_settings_get_value (settings, "colour-rules");

    g_assert_true (g_variant_equal (now, defaults));
  }
  checked += check_all_frames (window, capture, settings);
  g_test_message ("%u frames' colouring rules equal to the CLI's filters", checked);

  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (settings, "colour-rules");
}

/* Matching costs little next to the row's dissection: the summaries of
 * every frame, several times over, with and without the default rules. */
static void
test_cost (void)
{
  g_autofree char *capture = gui_test_capture_file ("insight-periodic.pcap");
  g_autoptr (GSettings) settings = g_settings_new ("org.iotscope.Iotscope");
  g_autoptr (GVariant) defaults = NULL;
  IotWindow *window;
  IotFrameList *frames;
  guint n;
  double per_row[2];

  g_settings_reset (settings, "colour-rules");
  defaults = g_settings_get_value (settings, "colour-rules");
  window = gui_test_open_window (capture, settings);
  frames = iot_session_get_frames (iot_window_get_session (window));
  n = iot_session_get_n_total (iot_window_get_session (window));
  for (guint with_rules = 0; with_rules < 2; with_rules++)
    {
      gint64 start;
      guint rows = 0;

      /* Best of three, each from an empty cache. */
      per_row[with_rules] = G_MAXDOUBLE;
      for (guint round = 0; round < 3; round++)
        {
          iot_frame_list_set_colour_rules (frames, with_rules ? iot_colour_rule_set_new (defaults) : NULL);
          start = g_get_monotonic_time ();
          rows = 0;
          for (guint32 number = 1; number <= n; number++, rows++)
            g_assert_nonnull (iot_frame_list_summary (frames, number));
          per_row[with_rules] = MIN (per_row[with_rules], (double) (g_get_monotonic_time () - start) / rows);
        }
    }
  g_test_message ("%u rows: %.1f µs a row without colouring rules, %.1f µs with the %zu default rules",
                  n, per_row[0], per_row[1], g_variant_n_children (defaults));
  g_print ("# colour rules cost: %u rows, %.1f us/row without, %.1f us/row with %zu rules\n", n, per_row[0],
           per_row[1], g_variant_n_children (defaults));
  /* A screen of 40 rows stays far under a frame's 16 ms. */
  g_assert_cmpfloat (per_row[1] * 40, <, 16000.0);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  gui_test_init (&argc, &argv);
  g_test_add_func ("/colour-rules/rules-and-editor", test_rules_and_editor);
  g_test_add_func ("/colour-rules/cost", test_cost);
  return g_test_run ();
}
