/* iot-file-properties.h — Capture File Properties: the file (name,
 * format, size, SHA-256 and SHA-1), its time span, its packets (all,
 * displayed, by link type), its interfaces and the section header's
 * comments, application, OS and hardware.  The hashes are computed in a
 * worker; "ready" says when every value is in. */
#pragma once

#include <gtk/gtk.h>

#include "iot-session.h"

G_BEGIN_DECLS

#define IOT_TYPE_FILE_PROPERTIES (iot_file_properties_get_type ())
G_DECLARE_FINAL_TYPE (IotFileProperties, iot_file_properties, IOT, FILE_PROPERTIES, GtkWindow)

IotFileProperties *iot_file_properties_new (IotSession *session);
/* The value shown for @key ("name", "format", "size", "sha256", "sha1",
 * "first-time", "last-time", "elapsed", "packets", "displayed",
 * "link-types", "interfaces", "application", "os", "hardware",
 * "comments"); NULL when the row is not shown. */
const char *iot_file_properties_get_value (IotFileProperties *self, const char *key);
/* Everything as "Title: value" lines (what Copy puts on the clipboard). */
char       *iot_file_properties_to_text (IotFileProperties *self);

G_END_DECLS
