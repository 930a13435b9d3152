/* iot-glossary.h — the -G reports: what iotscope knows (protocols, fields,
 * field types, value names, hand-off tables, an Elasticsearch mapping), in
 * tshark 4.0's formats.  GLib only.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Appends report @name ("fields", "protocols", "ftypes", "values",
 * "decodes", "elastic-mapping").  @mapping_filter: for elastic-mapping,
 * the protocols to include ("ip,udp"), or NULL for all.  FALSE with
 * @error for an unknown report. */
gboolean iot_glossary_print (const char *name, const char *mapping_filter, GString *out, GError **error);

G_END_DECLS
