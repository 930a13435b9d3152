/* iot-window-analysis.c — the windows the main window opens on its
 * capture (Statistics, I/O Graph, Insight, Follow) and what their
 * signals do here: apply a filter, go to a frame. */
#include "iot-window-private.h"

#include <string.h>

#include <glib/gi18n.h>

/* ---- analysis windows --------------------------------------------------------- */

static void
analysis_filter_cb (GtkWindow *analysis, const char *filter, IotWindow *self)
{
  iot_filter_bar_set_text (self->filter_bar, filter, TRUE);
  gtk_window_present (GTK_WINDOW (self));
}

static void
analysis_frame_cb (GtkWindow *analysis, guint frame, IotWindow *self)
{
  /* A frame hidden by the display filter cannot be shown: say so rather
   * than select a neighbour silently. */
  if (!iot_window_go_to_frame (self, frame) || iot_session_get_selected_frame (self->session) != frame)
    g_signal_emit_by_name (self->session, "problem", _("Frame not displayed"),
                           _("The frame is hidden by the display filter; clear the filter to see it."));
}

/* A window on this one's capture: above it, closed with it, and part of
 * the application. */
static void
adopt (IotWindow *self, GtkWindow *child)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  gtk_window_set_transient_for (child, GTK_WINDOW (self));
  gtk_window_set_destroy_with_parent (child, TRUE);
  if (app != NULL)
    gtk_window_set_application (child, app);
}

static GtkWindow *
new_analysis_window (IotWindow *self, const char *name)
{
  if (g_str_equal (name, "phs") || g_str_equal (name, "conv") || g_str_equal (name, "endpoints")
      || g_str_equal (name, "expert") || g_str_equal (name, "histograms"))
    return GTK_WINDOW (iot_stats_window_new (self->session, name));
  if (g_str_equal (name, "io-graph"))
    return GTK_WINDOW (iot_io_graph_window_new (self->session));
  if (g_str_equal (name, "insight"))
    return GTK_WINDOW (iot_insight_window_new (self->session, NULL));
  if (g_str_equal (name, "insight:report"))
    {
      IotInsightWindow *insight = iot_insight_window_new (self->session, NULL);

      /* Only with dialogs: scripts and tests call the export themselves. */
      if (self->show_dialogs)
        iot_insight_window_choose_report (insight);
      return GTK_WINDOW (insight);
    }
  if (g_str_has_prefix (name, "insight:"))
    return GTK_WINDOW (iot_insight_window_new (self->session, name + strlen ("insight:")));
  return NULL;
}

GtkWindow *
iot_window_show_analysis (IotWindow *self, const char *name, GError **error)
{
  GtkWindow *analysis;

  g_return_val_if_fail (IOT_IS_WINDOW (self), NULL);
  if (iot_session_get_capture (self->session) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No capture is open"));
      return NULL;
    }
  analysis = new_analysis_window (self, name);
  if (analysis == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Unknown analysis window \"%s\" (phs, conv, endpoints, expert, histograms, io-graph, "
                   "insight[:diagnoses|security|topics|sessions|readings|latency|report])"), name);
      return NULL;
    }
  adopt (self, analysis);
  g_signal_connect_object (analysis, "filter-requested", G_CALLBACK (analysis_filter_cb), self, 0);
  g_signal_connect_object (analysis, "frame-activated", G_CALLBACK (analysis_frame_cb), self, 0);
  gtk_window_present (analysis);
  return analysis;
}

static void
analysis_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotWindow *self = IOT_WINDOW (widget);
  g_autoptr (GError) error = NULL;

  if (iot_window_show_analysis (self, g_variant_get_string (param, NULL), &error) == NULL)
    g_signal_emit_by_name (self->session, "problem", _("Cannot open the window"), error->message);
}

/* ---- follow stream ------------------------------------------------------------ */

/* The selected frame's tcp.stream / udp.stream, and whether it has MQTT:
 * which Follow items apply.  The outer headers come first; a packet quoted
 * in an ICMP error comes after its ICMP layer and is skipped. */
static void
find_streams (IotWindow *self, IotPacket *pkt)
{
  gboolean in_icmp = FALSE;

  self->tcp_stream = -1;
  self->udp_stream = -1;
  self->has_mqtt = FALSE;
  for (guint i = 0; pkt != NULL && i < iot_packet_n_nodes (pkt); i++)
    {
      const IotNode *node = iot_packet_node (pkt, i);
      const char *abbrev = node->field != NULL ? node->field->abbrev : NULL;

      if (abbrev == NULL || in_icmp)
        continue;
      if (g_str_equal (abbrev, "icmp") || g_str_equal (abbrev, "icmpv6"))
        in_icmp = TRUE;
      else if (g_str_equal (abbrev, "tcp.stream") && self->tcp_stream < 0)
        self->tcp_stream = (gint64) node->v.u;
      else if (g_str_equal (abbrev, "udp.stream") && self->udp_stream < 0)
        self->udp_stream = (gint64) node->v.u;
      else if (g_str_equal (abbrev, "mqtt"))
        self->has_mqtt = TRUE;
    }
}

void
iot_window_update_follow_actions (IotWindow *self)
{
  IotPacket *pkt = iot_session_get_packet (self->session);
  GtkWidget *widget = GTK_WIDGET (self);

  find_streams (self, pkt);
  gtk_widget_action_set_enabled (widget, "win.follow-tcp", self->tcp_stream >= 0);
  gtk_widget_action_set_enabled (widget, "win.follow-udp", self->udp_stream >= 0);
  gtk_widget_action_set_enabled (widget, "win.follow-mqtt", self->has_mqtt && self->tcp_stream >= 0);
  gtk_widget_action_set_enabled (widget, "win.filter-stream", self->tcp_stream >= 0 || self->udp_stream >= 0);
  gtk_widget_action_set_enabled (widget, "win.copy-summary", pkt != NULL);
  gtk_widget_action_set_enabled (widget, "win.time-ref", pkt != NULL);
}

static void
follow_filter_cb (IotFollowWindow *follow, const char *filter, IotWindow *self)
{
  iot_filter_bar_set_text (self->filter_bar, filter, TRUE);
  gtk_window_present (GTK_WINDOW (self));
}

IotFollowWindow *
iot_window_follow (IotWindow *self, IotFollowKind kind)
{
  gint64 stream = kind == IOT_FOLLOW_KIND_UDP ? self->udp_stream : self->tcp_stream;
  IotFollowWindow *follow;

  g_return_val_if_fail (IOT_IS_WINDOW (self), NULL);
  if (stream < 0 || (kind == IOT_FOLLOW_KIND_MQTT && !self->has_mqtt))
    return NULL;
  follow = iot_follow_window_new (self->session, kind, (guint32) stream);
  adopt (self, GTK_WINDOW (follow));
  g_signal_connect_object (follow, "filter-requested", G_CALLBACK (follow_filter_cb), self, 0);
  gtk_window_present (GTK_WINDOW (follow));
  return follow;
}

static void
follow_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotFollowKind kind = g_str_equal (name, "win.follow-udp") ? IOT_FOLLOW_KIND_UDP
                       : g_str_equal (name, "win.follow-mqtt") ? IOT_FOLLOW_KIND_MQTT
                       : IOT_FOLLOW_KIND_TCP;

  iot_window_follow (IOT_WINDOW (widget), kind);
}

static void
filter_stream_action (GtkWidget *widget, const char *name, GVariant *param)
{
  IotWindow *self = IOT_WINDOW (widget);
  g_autofree char *filter = NULL;

  if (self->tcp_stream >= 0)
    filter = g_strdup_printf ("tcp.stream eq %" G_GINT64_FORMAT, self->tcp_stream);
  else if (self->udp_stream >= 0)
    filter = g_strdup_printf ("udp.stream eq %" G_GINT64_FORMAT, self->udp_stream);
  if (filter != NULL)
    iot_filter_bar_set_text (self->filter_bar, filter, TRUE);
}

void
iot_window_analysis_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.analysis", "s", analysis_action);
  gtk_widget_class_install_action (widget_class, "win.follow-tcp", NULL, follow_action);
  gtk_widget_class_install_action (widget_class, "win.follow-udp", NULL, follow_action);
  gtk_widget_class_install_action (widget_class, "win.follow-mqtt", NULL, follow_action);
  gtk_widget_class_install_action (widget_class, "win.filter-stream", NULL, filter_stream_action);
}
