/* iot-field.c — facts about field types. */
#include "iot-field.h"

const char *
iot_field_type_name (IotFieldType type)
{
  static const char *const names[] = {
    [IOT_FT_NONE] = "FT_NONE",
    [IOT_FT_PROTOCOL] = "FT_PROTOCOL",
    [IOT_FT_BOOLEAN] = "FT_BOOLEAN",
    [IOT_FT_UINT8] = "FT_UINT8",
    [IOT_FT_UINT16] = "FT_UINT16",
    [IOT_FT_UINT24] = "FT_UINT24",
    [IOT_FT_UINT32] = "FT_UINT32",
    [IOT_FT_UINT64] = "FT_UINT64",
    [IOT_FT_INT8] = "FT_INT8",
    [IOT_FT_INT16] = "FT_INT16",
    [IOT_FT_INT32] = "FT_INT32",
    [IOT_FT_INT64] = "FT_INT64",
    [IOT_FT_FRAMENUM] = "FT_FRAMENUM",
    [IOT_FT_DOUBLE] = "FT_DOUBLE",
    [IOT_FT_STRING] = "FT_STRING",
    [IOT_FT_BYTES] = "FT_BYTES",
    [IOT_FT_ETHER] = "FT_ETHER",
    [IOT_FT_IPV4] = "FT_IPv4",
    [IOT_FT_IPV6] = "FT_IPv6",
    [IOT_FT_ABSOLUTE_TIME] = "FT_ABSOLUTE_TIME",
    [IOT_FT_RELATIVE_TIME] = "FT_RELATIVE_TIME",
    [IOT_FT_STRINGZ] = "FT_STRINGZ",
    [IOT_FT_EUI64] = "FT_EUI64",
  };

  if ((guint) type >= G_N_ELEMENTS (names) || names[type] == NULL)
    return "FT_UNKNOWN";
  return names[type];
}

gboolean
iot_field_type_is_integer (IotFieldType type)
{
  switch (type)
    {
    case IOT_FT_UINT8:
    case IOT_FT_UINT16:
    case IOT_FT_UINT24:
    case IOT_FT_UINT32:
    case IOT_FT_UINT64:
    case IOT_FT_INT8:
    case IOT_FT_INT16:
    case IOT_FT_INT32:
    case IOT_FT_INT64:
    case IOT_FT_FRAMENUM:
      return TRUE;
    default:
      return FALSE;
    }
}

gboolean
iot_field_type_is_signed (IotFieldType type)
{
  return type == IOT_FT_INT8 || type == IOT_FT_INT16 || type == IOT_FT_INT32 || type == IOT_FT_INT64;
}

guint
iot_field_type_size (IotFieldType type)
{
  switch (type)
    {
    case IOT_FT_BOOLEAN:
    case IOT_FT_UINT8:
    case IOT_FT_INT8:
      return 1;
    case IOT_FT_UINT16:
    case IOT_FT_INT16:
      return 2;
    case IOT_FT_UINT24:
      return 3;
    case IOT_FT_UINT32:
    case IOT_FT_INT32:
    case IOT_FT_FRAMENUM:
      return 4;
    case IOT_FT_UINT64:
    case IOT_FT_INT64:
      return 8;
    default:
      return 0;
    }
}

const char *
iot_value_name (const IotValueName *vals, guint64 value)
{
  for (; vals && vals->name != NULL; vals++)
    if (vals->value == value)
      return vals->name;
  return NULL;
}

guint
iot_field_shift (const IotField *field)
{
  return field->bitmask ? (guint) __builtin_ctzll (field->bitmask) : 0;
}
