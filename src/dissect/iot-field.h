/* iot-field.h — field descriptions shared by dissectors, the tree and filters.
 *
 * Part of the public dissector API (see iot-dissector.h).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  IOT_FT_NONE,          /* a label-only row with no value */
  IOT_FT_PROTOCOL,
  IOT_FT_BOOLEAN,
  IOT_FT_UINT8,
  IOT_FT_UINT16,
  IOT_FT_UINT24,
  IOT_FT_UINT32,
  IOT_FT_UINT64,
  IOT_FT_INT8,
  IOT_FT_INT16,
  IOT_FT_INT32,
  IOT_FT_INT64,
  IOT_FT_FRAMENUM,
  IOT_FT_DOUBLE,
  IOT_FT_STRING,
  IOT_FT_BYTES,
  IOT_FT_ETHER,
  IOT_FT_IPV4,
  IOT_FT_IPV6,
  IOT_FT_ABSOLUTE_TIME,
  IOT_FT_RELATIVE_TIME,
  /* Text, like IOT_FT_STRING; only its name differs, as in Wireshark, for
   * fields read from a NUL-terminated string. */
  IOT_FT_STRINGZ,
  IOT_FT_EUI64,         /* 8 bytes in display order, shown 00:11:…:77 */
} IotFieldType;

/* How integers are shown; time display for absolute times. */
typedef enum {
  IOT_BASE_NONE = 0,
  IOT_BASE_DEC,
  IOT_BASE_HEX,
  IOT_BASE_OCT,
  IOT_BASE_DEC_HEX,
  IOT_BASE_HEX_DEC,
  IOT_BASE_TIME_LOCAL,   /* absolute time as calendar date in local time */
  IOT_BASE_TIME_UTC,
  IOT_BASE_TIME_EPOCH,   /* absolute time as seconds since 1970 */
  IOT_BASE_TIME_NTP_UTC, /* like TIME_UTC, but time 0 (an all-zero NTP timestamp) shows "NULL" */
  IOT_BASE_SEP_COLON,    /* bytes shown as colon-separated hex (tshark's SEP_COLON) */
  IOT_BASE_NETMASK,      /* an IPv4 netmask: never given a host name (tshark's BASE_NETMASK) */
} IotBase;

typedef struct {
  guint64     value;
  const char *name;
} IotValueName;

/* A value-name table ends with an entry whose name is NULL. */
#define IOT_VALUE_NAMES_END { 0, NULL }

/* IotField.bits of a double shown as tshark shows an FT_FLOAT. */
#define IOT_FLOAT_DIGITS 6

typedef struct _IotField IotField;

struct _IotField {
  const char         *abbrev;   /* Wireshark's abbreviation where one exists */
  const char         *name;     /* short label shown in the tree */
  IotFieldType        type;
  IotBase             base;
  const IotValueName *vals;     /* value names, or NULL */
  guint64             bitmask;  /* 0 = whole value */
  const char         *blurb;    /* plain-language explanation for students */
  /* For booleans: the words shown for true and false (default Set/Not set). */
  const char         *true_word;
  const char         *false_word;
  /* Booleans: width in bits of the value the mask applies to, for the bit
   * picture in the tree (0 = the bytes the mask reaches into).
   * Masked hex integers: non-zero shows the value in the tree with the
   * container's hex digits ("(0x0003)") instead of the mask's ("(0x3)"),
   * as tshark does for the few fields its dissectors add by bit offset.
   * Doubles: significant digits printed (0 = 15); IOT_FLOAT_DIGITS for
   * what tshark declares FT_FLOAT, which it prints with 6. */
  guint8              bits;
  /* Filled in at registration. */
  int                 id;
  const char         *proto_abbrev;
};

const char *iot_field_type_name (IotFieldType type);
gboolean    iot_field_type_is_integer (IotFieldType type);
gboolean    iot_field_type_is_signed (IotFieldType type);
guint       iot_field_type_size (IotFieldType type);
const char *iot_value_name (const IotValueName *vals, guint64 value);
guint       iot_field_shift (const IotField *field);

G_END_DECLS
