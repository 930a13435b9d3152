/* iot-file.h — the frame store: a capture file indexed once, bytes read back
 * by offset from a read-only mapping.  GLib only.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One frame's index entry, as iot_file_frame() hands it out.  The store
 * keeps it packed (about 13 bytes a frame, see iot-file-index.c) and
 * unpacks it on request. */
typedef struct {
  guint64 offset;      /* file offset of the first captured byte */
  gint64  ts_ns;       /* capture time, ns since 1970 */
  guint32 caplen;      /* bytes captured */
  guint32 len;         /* bytes on the wire */
  guint16 link_type;   /* DLT_* as libpcap numbers it (the LINKTYPE_* of the
                        * file's header or of the packet's pcapng interface) */
  guint16 flags;       /* IOT_FRAME_* */
  guint32 reserved2;
} IotFrame;

/* The frame carries no capture time (a pcapng Simple Packet Block):
 * ts_ns is 0, and tshark shows no time fields for it. */
#define IOT_FRAME_NO_TIME (1u << 0)
/* The frame's pcapng block has comments (read with
 * iot_file_dup_frame_comments()), and its section is in the other byte
 * order (to read them back). */
#define IOT_FRAME_HAS_COMMENT (1u << 1)
#define IOT_FRAME_SWAPPED     (1u << 2)

typedef enum {
  IOT_FILE_FORMAT_PCAP,
  IOT_FILE_FORMAT_PCAP_NSEC,
  IOT_FILE_FORMAT_PCAPNG,
  IOT_FILE_FORMAT_PCAP_MODIFIED,   /* a1b2cd34: 24-byte record headers, µs */
} IotFileFormat;

#define IOT_FILE_ERROR (iot_file_error_quark ())
GQuark iot_file_error_quark (void);

typedef enum {
  IOT_FILE_ERROR_OPEN,       /* cannot open / read the file */
  IOT_FILE_ERROR_FORMAT,     /* not a capture file we understand */
  IOT_FILE_ERROR_CANCELLED,
  IOT_FILE_ERROR_SHRUNK,     /* the file shrank while it was read */
} IotFileError;

typedef struct _IotFile IotFile;

/* Called about every 64k frames while indexing; return FALSE to stop. */
typedef gboolean (*IotFileProgress) (guint64 bytes_done, guint64 bytes_total,
                                     guint32 frames, gpointer user_data);

IotFile       *iot_file_open (const char *path, GError **error);
IotFile       *iot_file_open_full (const char *path, GCancellable *cancellable,
                                   IotFileProgress progress, gpointer user_data,
                                   GError **error);
/* Indexes a capture held in memory (tests, fuzzing); @name names it in messages. */
IotFile       *iot_file_open_bytes (GBytes *bytes, const char *name, GError **error);
/* As iot_file_open(), but a thread of its own indexes a mapped file:
 * it returns once the file's format is known, and iot_file_n_frames()
 * then counts the frames indexed so far (about every 64k, each intact
 * when counted), which other threads may read while the rest is indexed,
 * e.g. with a first pass behind the indexing.  A file that cannot be
 * mapped (standard input, a FIFO, gzip) is indexed before it returns.
 * Call iot_file_finish_indexing() before asking for the damage or the
 * size of the index as iot_file_open() would give them. */
IotFile       *iot_file_open_indexing (const char *path, GError **error);
/* Waits until at least @n frames are indexed, or indexing is over;
 * returns how many are (iot_file_n_frames()).  Any thread. */
guint32        iot_file_wait_frames (IotFile *file, guint32 n);
gboolean       iot_file_indexing_done (IotFile *file);
/* Waits for the end of the indexing thread.  FALSE with the error
 * iot_file_open() would have returned (the file then has no more
 * use); afterwards the file is as iot_file_open() returns it.  TRUE at
 * once for a file not opened with iot_file_open_indexing(). */
gboolean       iot_file_finish_indexing (IotFile *file, GError **error);
IotFile       *iot_file_ref (IotFile *file);
void           iot_file_unref (IotFile *file);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotFile, iot_file_unref)

const char    *iot_file_path (IotFile *file);
IotFileFormat  iot_file_format (IotFile *file);
const char    *iot_file_format_name (IotFile *file);
guint32        iot_file_n_frames (IotFile *file);
/* @number is 1-based, as frames are numbered in the user interface.
 * The entry is unpacked into storage of the calling thread and stays
 * valid until that thread has asked for 32 more: read it at once, or copy
 * it (iot_file_frame_copy()) to keep it. */
const IotFrame *iot_file_frame (IotFile *file, guint32 number);
void           iot_file_frame_copy (IotFile *file, guint32 number, IotFrame *out);
const guint8  *iot_file_frame_data (IotFile *file, guint32 number);
/* The bytes of @frame, an entry already copied out of @file: the same
 * pointer as iot_file_frame_data() without unpacking the entry again. */
const guint8  *iot_file_frame_data_of (IotFile *file, const IotFrame *frame);
/* Set when the file is damaged: frames before the damage are indexed,
 * and this says where and why reading stopped.  NULL when the file is whole. */
const char    *iot_file_damage (IotFile *file);
guint64        iot_file_size (IotFile *file);

/* Another program may truncate a file while we read it.  Its mapping stays
 * readable (lost pages read as zeros, never a crash), and these say which
 * frames' bytes are gone.  Frames lie in the file in number order, so the
 * lost ones are always the last.
 *
 * TRUE when all of frame @number's bytes are still in the file.  Call it
 * after reading the frame's bytes: then they were the file's.  Cheap (one
 * memory load; a system call only for frames in the file's last page);
 * any thread. */
gboolean       iot_file_frame_intact (IotFile *file, guint32 number);
/* TRUE when frame @number's bytes are known to be gone; unlike
 * iot_file_frame_intact() it only looks at what is already known. */
gboolean       iot_file_frame_gone (IotFile *file, guint32 number);
/* The same for @frame, an entry already copied out of @file. */
gboolean       iot_file_frame_gone_of (IotFile *file, const IotFrame *frame);
/* Asks the file for its size (one system call): the number of the first
 * frame whose bytes are gone, or 0 when none is. */
guint32        iot_file_first_lost (IotFile *file);
/* A damage message for a file whose frames from @first_lost on are gone
 * (free it). */
char          *iot_file_lost_message (IotFile *file, guint32 first_lost);

/* A pcap file that a live capture is still appending to.  The frames
 * complete when it is opened are indexed; iot_file_refresh() indexes the
 * ones appended since (a record still being written waits for the next
 * refresh).  Only pcap files (µs or ns) can be followed this way.
 *
 * Call iot_file_refresh() from one thread at a time.  Other threads may
 * keep reading frames already counted by iot_file_n_frames() while it
 * runs: their index entries and bytes never move. */
IotFile       *iot_file_open_growing (const char *path, GError **error);
/* Lets go of this process's copy of the pages holding frames @from to
 * @to - 1 (1-based) of a mapped file: a one-way pass over a large capture
 * then does not keep the whole file resident.  The pages stay in the
 * page cache; reading those frames again maps them back. */
void           iot_file_drop_pages (IotFile *file, guint32 from, guint32 to);
/* Indexes frames appended since the last call; @n_new (may be NULL)
 * receives how many.  Returns FALSE on a read error.  A record that
 * cannot be right (an impossible length) stops the following for good
 * and is reported by iot_file_damage(). */
gboolean       iot_file_refresh (IotFile *file, guint32 *n_new, GError **error);
gboolean       iot_file_is_growing (IotFile *file);

G_END_DECLS
