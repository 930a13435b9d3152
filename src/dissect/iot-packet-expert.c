/* iot-packet-expert.c — expert items, and where a layer ends early
 * (malformed, cut short, a reassembly that failed): the rows they add to
 * the packet and the records they publish. */
#include "iot-core-private.h"
#include "iot-format.h"

#include <setjmp.h>
#include <string.h>

/* ---- expert items ---------------------------------------------------------- */

/* Wireshark's numbering of severities, kept so _ws.expert.severity filters
 * and prints the same. */
static guint32
expert_severity_code (IotSeverity severity)
{
  static const guint32 codes[] = { 0, 0x00100000, 0x00200000, 0x00400000, 0x00600000, 0x00800000 };

  return (guint) severity < G_N_ELEMENTS (codes) ? codes[severity] : 0;
}

/* Any item of the Malformed group marks its frame for the filter
 * `_ws.malformed`, as in tshark: a hidden mark after the item, beside it
 * (inside it for an item at the top, which is no layer) — an invalid CoAP
 * option is a warning, yet the frame is malformed.  The mark the engine
 * makes where a layer ends early has its own. */
static void
add_malformed_mark (IotPacket *pkt, int parent, const IotExpertInfo *info, IotExpertGroup group)
{
  const IotField *mark = &iot_expert_fields[IOT_EXPERT_F_MALFORMED];
  int child;

  if (group != IOT_GROUP_MALFORMED || info == &iot_core_experts[IOT_CORE_E_MALFORMED]
      || info == &iot_core_experts[IOT_CORE_E_REASSEMBLY] || !packet_wants_field (pkt, mark))
    return;
  iot_packet_new_node (pkt, parent, mark, NULL, 0, 0, &child)->flags = IOT_NODE_GENERATED | IOT_NODE_HIDDEN;
}

static int
add_expert_node (IotPacket *pkt, int parent, const IotExpertInfo *info, IotSeverity severity,
                 IotExpertGroup group, const char *message)
{
  IotNode *node;
  const char *msg = iot_packet_strndup (pkt, message, strlen (message));
  int index, child;

  node = iot_packet_new_node (pkt, parent, &iot_expert_fields[IOT_EXPERT_F_EXPERT], NULL, 0, 0, &index);
  node->flags = IOT_NODE_EXPERT | IOT_NODE_GENERATED;
  node->severity = severity;
  node->group = group;
  node->v.p = (const guint8 *) msg;
  node->vlen = strlen (msg);
  node->label = iot_packet_strdup_printf (pkt, "Expert Info (%s/%s): %s",
                                          iot_format_severity (severity),
                                          iot_format_expert_group (group), msg);

  /* A registered item's own field comes first and shows the message, as
   * in tshark; the message field is then only there to be filtered on. */
  if (info != NULL)
    {
      node = iot_packet_new_node (pkt, index, &info->field, NULL, 0, 0, &child);
      node->flags = IOT_NODE_GENERATED;
      node->label = msg;
    }
  node = iot_packet_new_node (pkt, index, &iot_expert_fields[IOT_EXPERT_F_MESSAGE], NULL, 0, 0, &child);
  node->flags = info != NULL ? IOT_NODE_GENERATED | IOT_NODE_HIDDEN : IOT_NODE_GENERATED;
  node->v.p = (const guint8 *) msg;
  node->vlen = strlen (msg);
  node->label = msg;
  node = iot_packet_new_node (pkt, index, &iot_expert_fields[IOT_EXPERT_F_SEVERITY], NULL, 0, 0, &child);
  node->flags = IOT_NODE_GENERATED;
  node->v.u = expert_severity_code (severity);
  node->label = iot_packet_strdup_printf (pkt, "Severity level: %s", iot_format_severity (severity));
  node = iot_packet_new_node (pkt, index, &iot_expert_fields[IOT_EXPERT_F_GROUP], NULL, 0, 0, &child);
  node->flags = IOT_NODE_GENERATED;
  node->v.u = (guint64) group << 24;
  node->label = iot_packet_strdup_printf (pkt, "Group: %s", iot_format_expert_group (group));
  add_malformed_mark (pkt, parent >= 0 ? parent : index, info, group);

  if (severity > pkt->max_severity)
    pkt->max_severity = severity;
  return index;
}

/* Whether anybody reads an expert item's rows: the tree, a filter or a
 * column of one of its fields, or the layers tap that counts rows.
 * Otherwise (the summary lines, -T fields and -Y of other fields) only
 * the frame's severity and the tap record are kept, and the message
 * nobody reads is not formatted. */
static gboolean
expert_rows_wanted (IotPacket *pkt, const IotExpertInfo *info)
{
  if ((pkt->flags & IOT_DISSECT_TREE) || pkt->wants.every_row)
    return TRUE;
  if (pkt->wanted == NULL)
    return FALSE;
  for (guint f = IOT_EXPERT_F_EXPERT; f <= IOT_EXPERT_F_MALFORMED; f++)
    if (packet_wants_field (pkt, &iot_expert_fields[f]))
      return TRUE;
  return info != NULL && packet_wants_field (pkt, &info->field);
}

/* An expert item a state-only dissection does not make: at the top it
 * is still a row of the tree for the layers tap. */
static int
expert_unmade (IotPacket *pkt, int parent)
{
  return iot_packet_row_not_made (pkt, parent, &iot_expert_fields[IOT_EXPERT_F_EXPERT], NULL, 0, 0);
}

int
iot_expert_add (IotPacket *pkt, int node, IotSeverity severity, IotExpertGroup group,
                const char *fmt, ...)
{
  g_autofree char *message = NULL;
  gboolean tapped = iot_tap_wanted (pkt, IOT_TAP_EXPERT);
  va_list ap;

  /* The frame's severity is kept (row colours); the text nobody reads is
   * not written. */
  if ((packet_state_only (pkt) || !expert_rows_wanted (pkt, NULL)) && !tapped)
    {
      iot_tap_queue_expert (pkt, NULL, severity, group, NULL);
      pkt->max_severity = MAX (pkt->max_severity, severity);
      return expert_unmade (pkt, node);
    }
  va_start (ap, fmt);
  message = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  iot_tap_queue_expert (pkt, NULL, severity, group, message);
  if (packet_state_only (pkt) || !expert_rows_wanted (pkt, NULL))
    {
      pkt->max_severity = MAX (pkt->max_severity, severity);
      return expert_unmade (pkt, node);
    }
  return add_expert_node (pkt, node, NULL, severity, group, message);
}

int
iot_expert_add_info (IotPacket *pkt, int node, const IotExpertInfo *info, const char *fmt, ...)
{
  g_autofree char *message = NULL;
  gboolean tapped;
  va_list ap;

  g_return_val_if_fail (info != NULL, -1);
  tapped = iot_tap_wanted (pkt, IOT_TAP_EXPERT);
  /* As iot_expert_add: only the severity when nobody reads the tree or
   * the record's text. */
  if ((packet_state_only (pkt) || !expert_rows_wanted (pkt, info)) && !tapped)
    {
      iot_tap_queue_expert (pkt, info, info->severity, info->group, NULL);
      pkt->max_severity = MAX (pkt->max_severity, info->severity);
      return expert_unmade (pkt, node);
    }
  if (fmt != NULL)
    {
      va_start (ap, fmt);
      message = g_strdup_vprintf (fmt, ap);
      va_end (ap);
    }
  iot_tap_queue_expert (pkt, info, info->severity, info->group, message ? message : info->field.name);
  if (packet_state_only (pkt) || !expert_rows_wanted (pkt, info))
    {
      pkt->max_severity = MAX (pkt->max_severity, info->severity);
      return expert_unmade (pkt, node);
    }
  return add_expert_node (pkt, node, info, info->severity, info->group, message ? message : info->field.name);
}

G_NORETURN void
iot_buf_throw (const IotBuf *buf, IotLayerEnd why, const char *reason)
{
  IotPacket *pkt = buf->pkt;

  g_assert (pkt != NULL && pkt->unwind != NULL);
  pkt->unwind_why = why;
  pkt->unwind_reason = reason;
  longjmp (*pkt->unwind, 1);
}

G_NORETURN void
iot_malformed (IotPacket *pkt, const char *reason)
{
  g_assert (pkt->unwind != NULL);
  pkt->unwind_why = IOT_LAYER_MALFORMED;
  pkt->unwind_reason = reason;
  longjmp (*pkt->unwind, 1);
}

void
iot_packet_end_layer_early (IotPacket *pkt, const IotDissector *dissector)
{
  const char *name = dissector->name;
  IotNode *node;
  int index;

  iot_tap_layer_ended_early (pkt);
  if (pkt->unwind_why != IOT_LAYER_TRUNCATED)
    iot_tap_queue_expert (pkt, &iot_core_experts[IOT_CORE_E_MALFORMED], IOT_SEV_ERROR, IOT_GROUP_MALFORMED,
                          pkt->unwind_reason ? pkt->unwind_reason
                                             : iot_core_experts[IOT_CORE_E_MALFORMED].field.name);
  if (packet_state_only (pkt))
    {
      if (pkt->unwind_why != IOT_LAYER_TRUNCATED)
        pkt->max_severity = MAX (pkt->max_severity, IOT_SEV_ERROR);
      iot_packet_row_not_made (pkt, -1, &iot_expert_fields[pkt->unwind_why == IOT_LAYER_TRUNCATED ? IOT_EXPERT_F_SHORT
                                                                                    : IOT_EXPERT_F_MALFORMED],
                NULL, 0, 0);
      return;
    }
  if (pkt->unwind_why == IOT_LAYER_TRUNCATED)
    {
      node = iot_packet_new_node (pkt, -1, &iot_expert_fields[IOT_EXPERT_F_SHORT], NULL, 0, 0, &index);
      node->flags = IOT_NODE_GENERATED;
      node->label = iot_packet_strdup_printf (pkt, "[Packet size limited during capture: %s truncated]",
                                              name);
      iot_col_append_info (pkt, "[Packet size limited during capture]");
      return;
    }
  node = iot_packet_new_node (pkt, -1, &iot_expert_fields[IOT_EXPERT_F_MALFORMED], NULL, 0, 0, &index);
  node->flags = IOT_NODE_GENERATED;
  node->label = iot_packet_strdup_printf (pkt, "[Malformed Packet: %s]", name);
  add_expert_node (pkt, index, &iot_core_experts[IOT_CORE_E_MALFORMED], IOT_SEV_ERROR, IOT_GROUP_MALFORMED,
                   pkt->unwind_reason ? pkt->unwind_reason
                                      : iot_core_experts[IOT_CORE_E_MALFORMED].field.name);
  iot_col_append_info (pkt, "[Malformed Packet]");
}

void
iot_packet_add_reassembly_error (IotPacket *pkt, const char *protocol, const char *message)
{
  const char *label;
  IotNode *node;
  int index;

  iot_tap_queue_expert (pkt, &iot_core_experts[IOT_CORE_E_REASSEMBLY], IOT_SEV_ERROR, IOT_GROUP_MALFORMED,
                        message);
  if (packet_state_only (pkt))
    {
      pkt->max_severity = MAX (pkt->max_severity, IOT_SEV_ERROR);
      iot_packet_row_not_made (pkt, -1, &iot_expert_fields[IOT_EXPERT_F_MALFORMED], NULL, 0, 0);
      return;
    }
  label = iot_packet_strdup_printf (pkt, "[Reassembly error, protocol %s: %s]", protocol, message);
  node = iot_packet_new_node (pkt, -1, &iot_expert_fields[IOT_EXPERT_F_MALFORMED], NULL, 0, 0, &index);
  node->flags = IOT_NODE_GENERATED;
  node->label = label;
  add_expert_node (pkt, index, &iot_core_experts[IOT_CORE_E_REASSEMBLY], IOT_SEV_ERROR, IOT_GROUP_MALFORMED,
                   message);
  iot_col_append_info (pkt, "%s", label);
}
