/* iot-file-info.h — what a capture file says about itself: the pcapng
 * section header's comments, hardware, OS and application, and each
 * interface (name, description, link type, snap length, time
 * resolution); for pcap, the one link type and snap length of its
 * header.  Read from the file's first blocks, apart from the frame index.
 * GLib only. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char    *name;          /* if_name, or NULL */
  char    *description;   /* if_description, or NULL */
  guint16  link_type;     /* LINKTYPE_* */
  guint32  snaplen;       /* 0: not set */
  guint    decimals;      /* time resolution in decimal places (6, 9 …) */
} IotFileInterface;

typedef struct {
  GPtrArray *comments;      /* char*: the section header's comments */
  char      *hardware;
  char      *os;
  char      *application;
  GArray    *interfaces;    /* IotFileInterface */
} IotFileInfo;

/* Reads @path's header blocks (only the first section of a pcapng file);
 * NULL with @error when the file cannot be read or is no capture. */
IotFileInfo *iot_file_info_read (const char *path, GError **error);
/* The same from @size bytes of a file's start (or all of it). */
IotFileInfo *iot_file_info_parse (const guint8 *data, gsize size, GError **error);
void         iot_file_info_free (IotFileInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotFileInfo, iot_file_info_free)

/* The name Wireshark gives a link type's encapsulation ("Ethernet",
 * "Raw IP", "Linux cooked-mode capture v1" …), NULL for one it does not
 * know here. */
const char  *iot_link_type_description (guint16 link_type);

G_END_DECLS
