/* iot-cli-stream.h — -r - from a pipe, followed as it arrives: a thread
 * copies standard input to a spool file and tells the main loop after
 * each write. */
#pragma once

#include <glib.h>
#include <stdio.h>

typedef struct _IotStdinSpool IotStdinSpool;

/* Called in the main context after new bytes reached the spool file, and
 * once more with @finished TRUE at the end of the input (or on a read
 * error, see iot_stdin_spool_error()). */
typedef void (*IotStdinSpoolFunc) (IotStdinSpool *spool, gboolean finished, gpointer data);

/* Starts copying; NULL with @error when no spool file can be made. */
IotStdinSpool *iot_stdin_spool_start (IotStdinSpoolFunc func, gpointer data, GError **error);
/* Stops (the thread ends at its next read), removes the spool file. */
void           iot_stdin_spool_free (IotStdinSpool *spool);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotStdinSpool, iot_stdin_spool_free)

const char    *iot_stdin_spool_path (IotStdinSpool *spool);
guint64        iot_stdin_spool_size (IotStdinSpool *spool);
/* Whether the input starts as a pcap file (µs or ns, either byte order),
 * the format a file can be followed in while it grows; FALSE until four
 * bytes are in. */
gboolean       iot_stdin_spool_is_pcap (IotStdinSpool *spool);
/* Why reading stopped early, or NULL. */
const GError  *iot_stdin_spool_error (IotStdinSpool *spool);

/* Live -w -: appends to @out what the file at @path gained since
 * *@offset (then moves *@offset to its end). */
gboolean       iot_copy_file_tail (const char *path, guint64 *offset, FILE *out, GError **error);
