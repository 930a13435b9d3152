/* iot-json-load.h — reading JSON documents the user hands us (exercise packs,
 * answer files, baselines) so that every string in them is valid UTF-8. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Parses @data (or the file at @path) with @parser and returns its root, or
 * NULL with @error set when the text does not parse, is empty, or holds a
 * string or member name that is not valid UTF-8.  The parser accepts some
 * escapes JSON does not (e.g. "\714"), which can produce such strings; they
 * would otherwise reach labels and be written back as a file that no longer
 * reads.  @what names the document in messages ("exercise pack", …). */
JsonNode *iot_json_load_data (JsonParser *parser, const char *data, gsize length, const char *what,
                              GError **error);
JsonNode *iot_json_load_file (JsonParser *parser, const char *path, const char *what, GError **error);

G_END_DECLS
