/* iot-packet.h — the result of dissecting one frame, as the tree views,
 * filters and printers read it.  GLib only.
 */
#pragma once

#include <glib.h>

#include "iot-dissector.h"

G_BEGIN_DECLS

typedef enum {
  IOT_NODE_GENERATED = 1 << 0,
  IOT_NODE_HIDDEN    = 1 << 1,
  IOT_NODE_EXPERT    = 1 << 2,
} IotNodeFlags;

typedef struct {
  const IotField *field;    /* NULL for a label-only row */
  gint32          parent;   /* -1 at top level */
  guint32         offset;   /* within data source @source */
  guint32         length;
  guint8          source;
  guint8          flags;    /* IotNodeFlags */
  guint8          severity; /* expert nodes: IotSeverity */
  guint8          group;    /* expert nodes: IotExpertGroup */
  const char     *label;    /* overrides the default "Name: value" */
  union {
    guint64       u;
    gint64        i;
    double        d;
    const guint8 *p;        /* strings (NUL-terminated), bytes, addresses */
  } v;
  guint32         vlen;     /* bytes at v.p (strings: without the NUL) */
} IotNode;

typedef enum {
  IOT_DISSECT_TREE    = 1 << 0,   /* every field, for the tree / -V / JSON */
  IOT_DISSECT_COLUMNS = 1 << 1,   /* the summary columns */
  IOT_DISSECT_READINGS = 1 << 2,  /* the numeric readings payloads carry */
  /* The conversation and TCP segment records (IOT_TAP_CONV, IOT_TAP_TCP)
   * also for the copy an ICMP error quotes, marked in_error: for a reader
   * that counts such a copy in its stream, as tcp.stream / udp.stream do. */
  IOT_DISSECT_QUOTED  = 1 << 3,
} IotDissectFlags;

/* A reassembled or decoded data source other than the frame itself. */
typedef struct {
  const char   *name;
  const guint8 *data;
  guint32       length;
} IotDataSource;

IotPacket       *iot_packet_new (void);
void             iot_packet_free (IotPacket *pkt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotPacket, iot_packet_free)

guint            iot_packet_n_nodes (IotPacket *pkt);
const IotNode   *iot_packet_node (IotPacket *pkt, guint index);
const IotNode   *iot_packet_nodes (IotPacket *pkt);
guint            iot_packet_n_sources (IotPacket *pkt);
const IotDataSource *iot_packet_source (IotPacket *pkt, guint index);
const char      *iot_col_protocol (IotPacket *pkt);
/* Source/Destination columns as text (network addresses, else link). */
void             iot_packet_format_src (IotPacket *pkt, char *out, gsize size);
void             iot_packet_format_dst (IotPacket *pkt, char *out, gsize size);
/* frame.protocols, e.g. "eth:ethertype:ip:tcp:mqtt". */
const char      *iot_packet_protocols (IotPacket *pkt);
IotSeverity      iot_packet_max_severity (IotPacket *pkt);
/* The readings dissectors published for this frame (only when dissected
 * with IOT_DISSECT_READINGS); valid until the packet is reset. */
guint            iot_packet_n_readings (IotPacket *pkt);
const IotReading *iot_packet_reading (IotPacket *pkt, guint index);

G_END_DECLS
