/* iot-export.h — writing a set of frames of a capture to a new file, as
 * pcap or pcapng.  GLib and libpcap only.
 */
#pragma once

#include <gio/gio.h>

#include "iot-file.h"

G_BEGIN_DECLS

typedef enum {
  IOT_EXPORT_PCAP,
  IOT_EXPORT_PCAPNG,
} IotExportFormat;

#define IOT_EXPORT_ERROR (iot_export_error_quark ())
GQuark   iot_export_error_quark (void);

typedef enum {
  IOT_EXPORT_ERROR_WRITE,      /* the file cannot be created or written */
  IOT_EXPORT_ERROR_LINK_TYPE,  /* pcap holds one link type; the frames have several */
  IOT_EXPORT_ERROR_FRAME,      /* a frame number outside the capture */
} IotExportError;

/* Writes frames @numbers[0..n-1] (1-based; NULL = every frame, in order)
 * of @file to @path in @format.  The file is written beside @path and
 * renamed over it at the end, so @path may be the capture being read, and
 * a failure leaves what was there untouched.  Timestamps keep nanoseconds
 * when the source has them. */
gboolean iot_export_frames (IotFile *file, const guint32 *numbers, guint n,
                            const char *path, IotExportFormat format, GError **error);

/* IOT_EXPORT_PCAPNG when @path ends in ".pcapng" or ".ntar", else pcap. */
IotExportFormat iot_export_format_for_path (const char *path);

G_END_DECLS
