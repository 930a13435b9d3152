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
 * of @file to @path in @format, a pcapng file with the known decryption
 * secrets embedded (IOT_EXPORT_SECRETS_EMBED).  The file is written beside @path and
 * renamed over it at the end, so @path may be the capture being read, and
 * a failure leaves what was there untouched.  Timestamps keep nanoseconds
 * when the source has them. */
gboolean iot_export_frames (IotFile *file, const guint32 *numbers, guint n,
                            const char *path, IotExportFormat format, GError **error);

/* What a pcapng file gets of the decryption secrets (pcap has no place
 * for them). */
typedef enum {
  /* The key log entries the secrets store knows, the capture's own and
   * those loaded from key log files, in a Decryption Secrets Block, so the
   * file decrypts by itself (as editcap --inject-secrets makes it). */
  IOT_EXPORT_SECRETS_EMBED,
  /* None, not even the capture's own: a copy to share without the keys
   * (as editcap --discard-all-secrets). */
  IOT_EXPORT_SECRETS_DISCARD,
} IotExportSecrets;

/* iot_export_frames() choosing what happens to the secrets. */
gboolean iot_export_frames_full (IotFile *file, const guint32 *numbers, guint n, const char *path,
                                 IotExportFormat format, IotExportSecrets secrets, GError **error);

/* IOT_EXPORT_PCAPNG when @path ends in ".pcapng" or ".ntar", else pcap. */
IotExportFormat iot_export_format_for_path (const char *path);

G_END_DECLS
