/* iot-app-test.h — state the GUI tests read and settings they drive that
 * the application itself never asks for through another file.  Only the
 * files that define these and the programs in tests/gui include it: a
 * widget's public header says what the rest of the application uses.
 * Prefer asserting on a real widget, its model or an action; add here
 * only what no widget shows.
 */
#pragma once

#include <gtk/gtk.h>

#include "iot-analysis-window.h"
#include "iot-capture-dialog.h"
#include "iot-colour-rules-dialog.h"
#include "iot-column-prefs.h"
#include "iot-decode-as-dialog.h"
#include "iot-exercise-editor.h"
#include "iot-exercise-pane.h"
#include "iot-file-properties.h"
#include "iot-filter-bar.h"
#include "iot-find-bar.h"
#include "iot-flow-diagram.h"
#include "iot-hex-view.h"
#include "iot-insight-readings.h"
#include "iot-insight-rows.h"
#include "iot-io-graph.h"
#include "iot-preferences-window.h"
#include "iot-proto-tree.h"
#include "iot-session.h"
#include "iot-sparkline.h"
#include "iot-style.h"
#include "iot-welcome-page.h"
#include "iot-window.h"

G_BEGIN_DECLS

/* IotAnalysisWindow: whether "ready" was emitted since the last run
 * started. */
gboolean    iot_analysis_window_is_ready (IotAnalysisWindow *self);

/* IotCaptureDialog: whether the filter compiles (an empty one does); the
 * row's packet-rate sparkline (NULL when the system has no counters for
 * the interface). */
gboolean      iot_capture_dialog_filter_is_valid (IotCaptureDialog *self);
IotSparkline *iot_capture_dialog_row_sparkline (GtkListBoxRow *row);

/* IotColourRulesDialog: the working copy (IotColourRule), in order, and a
 * control of row @index: "enabled", "name", "filter", "foreground",
 * "background", "up", "down" or "remove". */
GListModel *iot_colour_rules_dialog_get_rules (IotColourRulesDialog *self);
GtkWidget  *iot_colour_rules_dialog_get_control (IotColourRulesDialog *self, guint index, const char *what);

/* IotColumnPrefs: the prefs attached to @window (NULL when none), and the
 * view's column for @index. */
IotColumnPrefs      *iot_column_prefs_get_for (GtkWidget *window);
GtkColumnViewColumn *iot_column_prefs_get_view_column (IotColumnPrefs *self, guint index);

/* IotDecodeAsDialog: the entries shown ("tcp.port==1884,mqtt"), as
 * GtkStringObject. */
GListModel *iot_decode_as_dialog_get_entries (IotDecodeAsDialog *self);

/* IotExercisePane: the questions' rows (built for the pack, not in the
 * template): the answer, its buttons (Use Filter is NULL unless the
 * question is a filter question) and feedback; where the answers are
 * autosaved. */
guint        iot_exercise_pane_get_n_questions (IotExercisePane *self);
GtkEditable *iot_exercise_pane_get_answer (IotExercisePane *self, guint index);
GtkButton   *iot_exercise_pane_get_check_button (IotExercisePane *self, guint index);
GtkButton   *iot_exercise_pane_get_hint_button (IotExercisePane *self, guint index);
GtkButton   *iot_exercise_pane_get_use_filter_button (IotExercisePane *self, guint index);
GtkLabel    *iot_exercise_pane_get_feedback (IotExercisePane *self, guint index);
const char  *iot_exercise_pane_get_answers_path (IotExercisePane *self);

/* IotExerciseEditor: its question rows (built for the pack, not in the
 * template). */
guint        iot_exercise_editor_get_n_rows (IotExerciseEditor *self);
GtkEditable *iot_exercise_editor_get_text (IotExerciseEditor *self, guint index);
GtkButton   *iot_exercise_editor_get_up_button (IotExerciseEditor *self, guint index);
GtkButton   *iot_exercise_editor_get_remove_button (IotExerciseEditor *self, guint index);
GtkLabel    *iot_exercise_editor_get_heading (IotExerciseEditor *self, guint index);

/* IotFileProperties: whether the worker has filled every row. */
gboolean    iot_file_properties_is_ready (IotFileProperties *self);

/* IotFilterBar: the entry's state, and the applied filters, most recent
 * first (a GtkStringList). */
IotFilterState iot_filter_bar_get_state (IotFilterBar *self);
GListModel    *iot_filter_bar_get_history (IotFilterBar *self);

/* IotFindBar: the choices its drop-downs and check button make, and
 * whether a search runs. */
void        iot_find_bar_set_mode (IotFindBar *self, IotFindMode mode);
void        iot_find_bar_set_scope (IotFindBar *self, IotFindScope scope);
void        iot_find_bar_set_case_sensitive (IotFindBar *self, gboolean case_sensitive);
gboolean    iot_find_bar_is_searching (IotFindBar *self);

/* The flow diagram: the middle of message @index's arrow. */
void        iot_flow_diagram_message_point (IotFlow *flow, guint index, double *x, double *y);

/* IotHexView: the data sources (tabs), and whether byte @offset of
 * source @source is highlighted in the text (read back from the text
 * buffer's tags, not from the view's own state). */
guint       iot_hex_view_get_n_sources (IotHexView *self);
gboolean    iot_hex_view_byte_is_highlighted (IotHexView *self, guint source, guint offset);

/* The insight's Readings page: the series a row of its list shows. */
const IotReadingSeries *iot_insight_readings_row_get_series (IotInsightReadingsRow *self);

/* The insight's topic tree: whether messages were published on exactly
 * this topic. */
gboolean    iot_insight_topic_row_is_topic (IotInsightTopicRow *self);

/* IotIoGraph: where interval @interval of series @id is drawn, in widget
 * coordinates at the widget's current size; FALSE when not visible. */
gboolean    iot_io_graph_point_position (IotIoGraph *self, guint id, guint interval, double *x, double *y);

/* IotPreferencesWindow: the entry of @protocol's ports in @table ("mqtt",
 * "tcp.port"), or NULL; the PSKs (IotPskItem) and Zigbee keys
 * (IotZigbeeKeyItem) in the settings, in their order, and what an item
 * holds. */
GtkEntry   *iot_preferences_window_get_ports_entry (IotPreferencesWindow *self, const char *protocol,
                                                    const char *table);
GListModel *iot_preferences_window_get_psks (IotPreferencesWindow *self);
GListModel *iot_preferences_window_get_zigbee_keys (IotPreferencesWindow *self);
const char *iot_psk_item_get_identity (IotPskItem *self);
const char *iot_psk_item_get_key (IotPskItem *self);
gboolean    iot_zigbee_key_item_get_reversed (IotZigbeeKeyItem *self);
const char *iot_zigbee_key_item_get_label (IotZigbeeKeyItem *self);

/* IotProtoTree: the row text (as shown) and node index at @position of
 * the visible rows; the text of the first row showing @abbrev in the
 * selected frame, expanding the rows of its protocol on the way (NULL
 * when there is none). */
char       *iot_proto_tree_dup_label (IotProtoTree *self, guint position, int *node);
char       *iot_proto_tree_dup_row_label (IotProtoTree *self, const char *abbrev);

/* IotSession: whether a sort worker runs. */
gboolean    iot_session_is_sorting (IotSession *self);

/* IotSparkline: how many values it holds, and the newest. */
guint       iot_sparkline_get_n_values (IotSparkline *self);
double      iot_sparkline_get_last (IotSparkline *self);

/* The style: what the desktop asked for, as last heard, and whether the
 * window is drawn dark now. */
IotSystemStyle iot_style_get_system (void);
gboolean       iot_style_is_dark (void);

/* IotWelcomePage: the recent captures listed (URIs, most recent first)
 * and the interfaces (names), as GtkStringObject; the interfaces arrive
 * from a worker ("interfaces-ready"). */
GListModel *iot_welcome_page_get_recent (IotWelcomePage *self);
GListModel *iot_welcome_page_get_interfaces (IotWelcomePage *self);
gboolean    iot_welcome_page_interfaces_ready (IotWelcomePage *self);

/* IotWindow: whether a live capture runs or ended unsaved, and the
 * limits the next one uses (what Capture Options sets). */
gboolean    iot_window_is_capturing (IotWindow *self);
gboolean    iot_window_has_unsaved_capture (IotWindow *self);
void        iot_window_set_capture_limits (IotWindow *self, const IotCaptureLimits *limits);

G_END_DECLS
