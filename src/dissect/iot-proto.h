/* iot-proto.h — Protocol Buffers schemas (.proto files) and the wire format.
 *
 * A pool holds the messages and enums of the .proto files loaded into it
 * (proto2 and proto3: packages, imports, nested messages and enums,
 * repeated/packed fields, oneof, map, the scalar types).  Files come from
 * a search path, as tshark's protobuf_search_paths gives them, or as text
 * compiled into the program (Sparkplug B).  Errors name file and line.
 *
 * The wire readers never throw: they say whether the bytes were there.
 * GLib only.
 */
#pragma once

#include <glib.h>

#include "iot-buf.h"

G_BEGIN_DECLS

#define IOT_PROTO_ERROR (iot_proto_error_quark ())
GQuark iot_proto_error_quark (void);

typedef enum {
  IOT_PROTO_ERROR_SYNTAX,       /* "file.proto:12: expected ';'" */
  IOT_PROTO_ERROR_NOT_FOUND,    /* an import found in no search path */
  IOT_PROTO_ERROR_UNKNOWN_TYPE, /* a field's type defined nowhere */
} IotProtoError;

/* Field types, numbered as descriptor.proto numbers them (tshark's
 * protobuf.field.type shows these numbers). */
typedef enum {
  IOT_PROTO_TYPE_NONE = 0,
  IOT_PROTO_TYPE_DOUBLE = 1,
  IOT_PROTO_TYPE_FLOAT = 2,
  IOT_PROTO_TYPE_INT64 = 3,
  IOT_PROTO_TYPE_UINT64 = 4,
  IOT_PROTO_TYPE_INT32 = 5,
  IOT_PROTO_TYPE_FIXED64 = 6,
  IOT_PROTO_TYPE_FIXED32 = 7,
  IOT_PROTO_TYPE_BOOL = 8,
  IOT_PROTO_TYPE_STRING = 9,
  IOT_PROTO_TYPE_GROUP = 10,
  IOT_PROTO_TYPE_MESSAGE = 11,
  IOT_PROTO_TYPE_BYTES = 12,
  IOT_PROTO_TYPE_UINT32 = 13,
  IOT_PROTO_TYPE_ENUM = 14,
  IOT_PROTO_TYPE_SFIXED32 = 15,
  IOT_PROTO_TYPE_SFIXED64 = 16,
  IOT_PROTO_TYPE_SINT32 = 17,
  IOT_PROTO_TYPE_SINT64 = 18,
} IotProtoType;

typedef enum {
  IOT_WIRE_VARINT = 0,
  IOT_WIRE_FIXED64 = 1,
  IOT_WIRE_LENGTH = 2,
  IOT_WIRE_START_GROUP = 3,
  IOT_WIRE_END_GROUP = 4,
  IOT_WIRE_FIXED32 = 5,
} IotWireType;

typedef struct _IotProtoPool IotProtoPool;
typedef struct _IotProtoMessage IotProtoMessage;
typedef struct _IotProtoEnum IotProtoEnum;

typedef struct {
  char                  *name;
  guint32                number;
  IotProtoType           type;
  gboolean               repeated;
  gboolean               packed;      /* explicit [packed=true], or proto3's default */
  char                  *type_name;   /* message/enum types: the full name once resolved */
  const IotProtoMessage *message;     /* IOT_PROTO_TYPE_MESSAGE */
  const IotProtoEnum    *enumeration; /* IOT_PROTO_TYPE_ENUM */
} IotProtoField;

struct _IotProtoMessage {
  char      *full_name;   /* "pkg.Outer.Inner" */
  GPtrArray *fields;      /* IotProtoField */
};

typedef struct {
  char   *name;
  gint32  number;
} IotProtoEnumValue;

struct _IotProtoEnum {
  char   *full_name;
  GArray *values;         /* IotProtoEnumValue */
};

IotProtoPool *iot_proto_pool_new (void);
void          iot_proto_pool_free (IotProtoPool *pool);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IotProtoPool, iot_proto_pool_free)

/* Adds a folder to look for .proto files (and their imports) in; with
 * @load_all every .proto file under it is loaded now. */
gboolean iot_proto_pool_add_search_path (IotProtoPool *pool, const char *dir, gboolean load_all,
                                         GError **error);
/* Loads @name ("lab/units.proto"), found in the search paths, and its imports. */
gboolean iot_proto_pool_load (IotProtoPool *pool, const char *name, GError **error);
/* Parses .proto text; @name is the file name errors and imports use. */
gboolean iot_proto_pool_parse (IotProtoPool *pool, const char *name, const char *text, GError **error);

/* A message by its full name (without a leading dot); NULL if unknown. */
const IotProtoMessage *iot_proto_pool_message (IotProtoPool *pool, const char *full_name);
const IotProtoField   *iot_proto_message_field (const IotProtoMessage *message, guint32 number);
/* The name of @number in @enumeration, or NULL. */
const char            *iot_proto_enum_name (const IotProtoEnum *enumeration, gint32 number);

/* The pool dissectors use: the compiled-in files (Sparkplug B) plus what
 * the search paths given with iot_proto_default_add_search_path() hold. */
IotProtoPool *iot_proto_default_pool (void);
gboolean      iot_proto_default_add_search_path (const char *dir, gboolean load_all, GError **error);
/* A new pool holding the compiled-in files. */
IotProtoPool *iot_proto_pool_new_builtin (void);
/* Puts @pool (taken) in the default pool's place in one step; the pool it
 * replaces stays allocated, as a worker dissecting now may hold it. */
void          iot_proto_default_replace (IotProtoPool *pool);
/* Forgets what was added, back to the compiled-in files (tests; frees the
 * pool, so only with no dissection running). */
void          iot_proto_default_reset (void);

/* ---- the wire format -------------------------------------------------------- */

/* A base-128 varint at @off of @buf: FALSE when the bytes end first or it
 * runs past ten bytes.  Never throws. */
gboolean iot_proto_read_varint (const IotBuf *buf, guint off, guint64 *value, guint *n_bytes);

G_END_DECLS
