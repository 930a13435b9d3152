/* iot-proto-tree.h — the protocol tree of the selected frame. */
#pragma once

#include <gtk/gtk.h>

#include "iot-session.h"

G_BEGIN_DECLS

#define IOT_TYPE_PROTO_TREE (iot_proto_tree_get_type ())
G_DECLARE_FINAL_TYPE (IotProtoTree, iot_proto_tree, IOT, PROTO_TREE, GtkWidget)

GtkWidget          *iot_proto_tree_new (void);
void                iot_proto_tree_set_session (IotProtoTree *self, IotSession *session);
GtkSingleSelection *iot_proto_tree_get_selection (IotProtoTree *self);
void                iot_proto_tree_expand_all (IotProtoTree *self);
/* Shows @abbrev at @frame without its value (an exercise's hidden field)
 * while @masked, as before once it is not. */
void                iot_proto_tree_set_masked_field (IotProtoTree *self, guint32 frame, const char *abbrev,
                                                     gboolean masked);
void                iot_proto_tree_collapse_all (IotProtoTree *self);
/* "field == value" for node @node of the selected frame; NULL when the
 * node has no filterable field. */
char               *iot_proto_tree_filter_for_node (IotProtoTree *self, int node);

G_END_DECLS
