/* iot-stats-trees.h — the counting trees of tshark's -z NAME,tree reports
 * (http, http_req, ptype, ip_hosts, dns) and our own mqtt,tree, printed
 * as tshark 4.0 prints a stats_tree.  GLib only.
 */
#pragma once

#include "iot-engine.h"

G_BEGIN_DECLS

typedef enum {
  IOT_STATS_TREE_HTTP,        /* http,tree: "HTTP/Packet Counter" */
  IOT_STATS_TREE_HTTP_REQ,    /* http_req,tree: "HTTP/Requests" */
  IOT_STATS_TREE_PTYPE,       /* ptype,tree: "IPv4 Statistics/IP Protocol Types" */
  IOT_STATS_TREE_IP_HOSTS,    /* ip_hosts,tree: "IPv4 Statistics/All Addresses" */
  IOT_STATS_TREE_MQTT,        /* mqtt,tree (ours): message types and topics */
  IOT_STATS_TREE_DNS,         /* dns,tree: "DNS" */
} IotStatsTreeKind;

typedef struct _IotStatsTree IotStatsTree;

/* When @spec is "NAME,tree" or "NAME,tree,FILTER" for a tree above:
 * its kind and the filter text ("" when none); else NULL. */
const char   *iot_stats_tree_parse_spec (const char *spec, IotStatsTreeKind *kind);
/* The -z names of every tree ("http,tree" …), NULL-terminated. */
const char *const *iot_stats_tree_names (void);

IotStatsTree *iot_stats_tree_new (IotStatsTreeKind kind);
void          iot_stats_tree_free (IotStatsTree *tree);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotStatsTree, iot_stats_tree_free)

/* What each frame's dissection must provide: mqtt,tree reads the layers'
 * and MQTT messages' tap records, dns,tree the DNS messages' records,
 * ptype,tree and ip_hosts,tree the layers' and conversations' records,
 * the others fields of the whole tree. */
void          iot_stats_tree_add_wanted (IotStatsTree *tree, IotFieldSet *wanted, IotDissectFlags *flags);
/* Counts a dissected frame seen @rel_ns after the capture's first frame. */
void          iot_stats_tree_add_packet (IotStatsTree *tree, IotPacket *pkt, gint64 rel_ns);
/* A row's count by its path from the top ("Total HTTP Packets",
 * "HTTP Request Packets", "GET"); 0 when there is no such row. */
guint64       iot_stats_tree_count (IotStatsTree *tree, const char *const *path);
void          iot_stats_tree_print (IotStatsTree *tree, GString *out);

/* Every -z report iotscope-cli knows, one a line, each indented by five
 * spaces as tshark lists them; no newline at the end. */
char         *iot_stats_list_reports (void);

G_END_DECLS
