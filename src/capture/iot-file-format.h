/* iot-file-format.h — reading the pcap and pcapng formats straight from
 * the bytes of a capture (private to the frame store, iot-file.c).
 *
 * Nothing here copies packet bytes: every parser checks that what it is
 * about to read lies inside the bytes it was given, and describes each
 * packet as an IotFrame (offset, time, lengths, link type).
 */
#pragma once

#include "iot-file.h"
#include "iot-file-index.h"

G_BEGIN_DECLS

#define IOT_PCAP_FILE_HEADER 24
#define IOT_PCAP_RECORD      16

/* What a pcap file header says about the records after it. */
typedef struct {
  gboolean swapped;        /* written in the other byte order */
  gboolean nsec;           /* fractions are nanoseconds, not microseconds */
  guint8   record_size;    /* bytes of each record header: 16, or 24 in a modified pcap */
  guint8   swap_lengths;   /* pcap 2.0–2.3 wrote caplen and len the other way round */
  guint32  snaplen;
  guint32  max_caplen;     /* a record claiming more is damage */
  guint16  link_type;      /* as libpcap numbers it (DLT_*) */
} IotPcapHeader;

typedef enum {
  IOT_RECORD_OK,           /* a frame was read */
  IOT_RECORD_END,          /* exactly at the end of the bytes */
  IOT_RECORD_TRUNCATED,    /* the bytes end inside the record */
  IOT_RECORD_BAD,          /* the record cannot be right */
} IotRecordStatus;

/* Reads the 24-byte header of a pcap file.  On failure returns FALSE and
 * sets @why (free it) to a plain explanation. */
gboolean        iot_pcap_read_header (const guint8 *bytes, guint64 size,
                                      IotPcapHeader *header, char **why);
/* Reads the record at *@offset into @frame and moves *@offset past it.
 * TRUNCATED and BAD set @why (free it) and leave *@offset alone. */
IotRecordStatus iot_pcap_read_record (const IotPcapHeader *header, const guint8 *bytes,
                                      guint64 size, guint64 *offset, IotFrame *frame,
                                      char **why);

/* Called every 64k frames with the offset reached; FALSE (with @error
 * set) stops indexing. */
typedef gboolean (*IotIndexTick) (guint64 offset, guint32 n_frames, gpointer user_data,
                                  GError **error);

/* Appends every frame of a pcap / pcapng file to @frames.  Returns FALSE
 * with @error set only when the file cannot be read at all (the first
 * header is wrong) or @tick said stop; damage further on returns TRUE
 * with @damage set (free it) to why reading stopped. */
gboolean        iot_pcap_index (const guint8 *bytes, guint64 size, IotFrameIndex *frames,
                                IotIndexTick tick, gpointer user_data,
                                char **damage, GError **error);
gboolean        iot_pcapng_index (const guint8 *bytes, guint64 size, IotFrameIndex *frames,
                                  IotIndexTick tick, gpointer user_data,
                                  char **damage, GError **error);

/* The comments (opt_comment) of a pcapng packet block whose frame was
 * indexed with IOT_FRAME_HAS_COMMENT, read back from the file's bytes;
 * NULL when it has none.  Free with g_strfreev(). */
char          **iot_pcapng_frame_comments (const guint8 *bytes, guint64 size, const IotFrame *frame);

/* Exposed for the unit test: LINKTYPE_* (as files store it) to the DLT_*
 * value libpcap reports on this system. */
guint16         iot_link_type_from_file (guint32 linktype);
/* The other way: the LINKTYPE_* a file must store for a DLT_* value. */
guint32         iot_link_type_to_file (guint16 link_type);
/* Capture time in ns since 1970 from a pcapng timestamp, as the interface's
 * if_tsresol byte and if_tsoffset seconds define it. */
gint64          iot_pcapng_timestamp_ns (guint64 units, guint8 tsresol, gint64 tsoffset);

G_END_DECLS
