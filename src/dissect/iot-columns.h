/* iot-columns.h — the summary columns as fields (_ws.col.No., _ws.col.Time,
 * _ws.col.Source, _ws.col.Destination, _ws.col.Protocol, _ws.col.Length,
 * _ws.col.Info), for -e and display filters.  GLib only.
 */
#pragma once

#include "iot-engine.h"

G_BEGIN_DECLS

/* Whether @field is one of the column fields (they are not part of the
 * protocol tree: -V, JSON and ek leave them out). */
gboolean iot_columns_is_column_field (const IotField *field);

G_END_DECLS
