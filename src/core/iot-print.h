/* iot-print.h — text, hex, fields and JSON renderings of dissected frames,
 * in tshark's formats.  GLib + json-glib only.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "iot-engine.h"

G_BEGIN_DECLS

typedef struct {
  gboolean header;          /* -E header=y */
  char     separator[8];    /* -E separator=  (default tab) */
  char     aggregator[8];   /* -E aggregator= (default ",") */
  char     quote;           /* -E quote= : 0, '"' or '\'' */
  char     occurrence;      /* -E occurrence= : 'a' (all), 'f', 'l' */
} IotFieldsFormat;

void     iot_fields_format_init (IotFieldsFormat *format);
/* Parses one -E option ("header=y"); FALSE with @error on a bad one. */
gboolean iot_fields_format_parse (IotFieldsFormat *format, const char *option, GError **error);

/* The summary line: "    1   0.000000    127.0.0.1 → 127.0.0.1    TCP 74 …".
 * @decimals: 6 for microsecond captures, 9 for nanosecond ones. */
void     iot_print_summary (IotPacket *pkt, gint64 relative_ns, guint decimals, GString *out);
/* The protocol tree, indented by four spaces per level (-V). */
void     iot_print_tree (IotPacket *pkt, GString *out);
/* Offset / hex / ASCII dump of every data source (-x). */
void     iot_print_hex (IotPacket *pkt, GString *out);

/* -T fields. */
typedef struct _IotFieldsPrinter IotFieldsPrinter;
IotFieldsPrinter *iot_fields_printer_new (const IotField *const *fields, guint n_fields,
                                          const IotFieldsFormat *format);
void     iot_fields_printer_free (IotFieldsPrinter *printer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotFieldsPrinter, iot_fields_printer_free)
void     iot_fields_printer_header (IotFieldsPrinter *printer, GString *out);
void     iot_fields_printer_row (IotFieldsPrinter *printer, IotPacket *pkt, GString *out);

/* -T json: one element of the top-level array. */
void     iot_print_json (IotPacket *pkt, JsonBuilder *builder);
/* -T ek: the index line and the document line. */
void     iot_print_ek (IotPacket *pkt, GString *out);
/* Appends JSON text made by json-glib, escaping the control characters it
 * leaves raw in strings (json-glib 1.6 forgets U+001F), so the output is
 * always valid JSON. */
void     iot_print_append_json_text (GString *out, const char *json);

/* -G fields. */
void     iot_print_glossary (GString *out);

G_END_DECLS
