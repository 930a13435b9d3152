/* zbee_zcl.h — what the ZCL layer tells the per-cluster dissectors
 * (zbee_zcl_*.c), which it calls through the "zbee_zcl.cluster" hand-off
 * table for cluster-specific commands, as tshark does: each such cluster is
 * a layer of its own in frame.protocols (…:zbee_zcl:zbee_zcl_general.onoff). */
#pragma once

#include "iot-dissector.h"

typedef struct {
  guint16 cluster;
  guint8  fcf;
  guint8  tsn;
  gboolean to_client;   /* server to client (the direction bit) */
} IotZbeeZclFrame;

/* The ZCL header of the frame being dissected (outside ZCL: an empty
 * client-to-server header). */
const IotZbeeZclFrame *iot_zbee_zcl_frame (IotPacket *pkt);

/* The command identifier at @buf[0] of a cluster-specific command: added
 * as @rx_field (client to server) or @tx_field (server to client) with
 * its name, and named in the Info column as tshark does ("ZCL OnOff: On,
 * Seq: 11").  Returns the command identifier. */
guint8 iot_zbee_zcl_cluster_command (IotPacket *pkt, int tree, IotBuf *buf, const char *cluster_name,
                                     const IotField *rx_field, const IotField *tx_field);

/* "Transition Time: 1.0 seconds": the label tshark gives times in tenths
 * of a second. */
int iot_zbee_zcl_add_transition_time (IotPacket *pkt, int tree, const IotField *field, IotBuf *buf, guint off);

/* The IAS Zone's ZoneStatus bits at @off (little-endian), as the Zone
 * Status Change Notification carries them and as the attribute (0x0002)
 * is read and reported. */
void iot_zbee_zcl_ias_zone_add_status (IotPacket *pkt, int tree, IotBuf *buf, guint off);
