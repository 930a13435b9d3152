/* iot-registry.h — the table of protocols, fields and hand-offs, as the
 * program and the CLI see it: look-ups by name or id, Decode As, port
 * preferences, enabling protocols, adding plugins.  Dissectors do not
 * include it: what they may call (iot_registry_dissector, the hand-off
 * calls) is in iot-dissector.h.  GLib only.
 */
#pragma once

#include <glib.h>

#include "iot-dissector.h"

G_BEGIN_DECLS

/* Loads the built-in dissectors and plugins once per process. */
void         iot_registry_init (void);

/* Registry look-ups. */
const IotField     *iot_registry_field (const char *abbrev);
guint               iot_registry_n_fields (void);
const IotField     *iot_registry_field_by_id (guint id);
guint               iot_registry_n_dissectors (void);
const IotDissector *iot_registry_dissector_by_id (guint id);
/* "Decode As": maps a table key to a protocol, as tshark's -d
 * "tcp.port==1884,mqtt" (a range "5690-5699" is allowed). */
gboolean            iot_registry_decode_as (const char *spec, GError **error);
/* tshark's port preferences, "mqtt.tcp.port:1883,8883" or
 * "coap.udp.port:5683-5690": the protocol's ports in that table become
 * these (none for an empty list or "0").  G_IO_ERROR_NOT_FOUND when the
 * name is not one. */
gboolean            iot_registry_set_port_preference (const char *name_value, GError **error);
/* The ports @protocol has in @table ("tcp.port") now, "1883,8883". */
char               *iot_registry_port_preference (const char *protocol, const char *table);
/* Takes back every change of Decode As and port preferences: the tables
 * as the dissectors registered them.  Not while frames are dissected. */
void                iot_registry_reset_decode_as (void);
/* --disable-protocol / --enable-protocol: a disabled protocol is never
 * called, its bytes are shown as data.  Before any engine is created;
 * FALSE with @error for an unknown name or the frame itself. */
gboolean            iot_registry_set_enabled (const char *abbrev, gboolean enabled, GError **error);
gboolean            iot_registry_dissector_enabled (const IotDissector *dissector);
/* Registers an extra dissector (plugins); before any engine is created. */
gboolean            iot_registry_add (IotDissector *dissector, GError **error);

G_END_DECLS
