/* iot-json-load.c — JSON documents from users, checked for valid UTF-8. */
#include "iot-json-load.h"

#include <gio/gio.h>

static const char *invalid_string_in (JsonNode *node);

static const char *
invalid_string_in_object (JsonObject *object)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &member))
    {
      const char *inner;

      if (!g_utf8_validate (name, -1, NULL))
        return "a member name";
      inner = invalid_string_in (member);

      if (inner != NULL)
        return *inner != '\0' ? inner : name;
    }
  return NULL;
}

/* The member whose value holds a string that is not UTF-8 ("" at the top
 * level), or NULL when every string is valid. */
static const char *
invalid_string_in (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      return invalid_string_in_object (json_node_get_object (node));
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            const char *inner = invalid_string_in (json_array_get_element (array, i));

            if (inner != NULL)
              return inner;
          }
        return NULL;
      }
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING
          && !g_utf8_validate (json_node_get_string (node), -1, NULL))
        return "";
      return NULL;
    case JSON_NODE_NULL:
    default:
      return NULL;
    }
}

static JsonNode *
checked_root (JsonParser *parser, const char *what, GError **error)
{
  JsonNode *root = json_parser_get_root (parser);
  const char *where;

  if (root == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the %s is empty", what);
      return NULL;
    }
  where = invalid_string_in (root);
  if (where != NULL)
    {
      if (*where != '\0')
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     "the %s has text that is not valid UTF-8 (in \"%s\")", what, where);
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the %s has text that is not valid UTF-8",
                     what);
      return NULL;
    }
  return root;
}

JsonNode *
iot_json_load_data (JsonParser *parser, const char *data, gsize length, const char *what, GError **error)
{
  if (!json_parser_load_from_data (parser, data, (gssize) length, error))
    return NULL;
  return checked_root (parser, what, error);
}

JsonNode *
iot_json_load_file (JsonParser *parser, const char *path, const char *what, GError **error)
{
  if (!json_parser_load_from_file (parser, path, error))
    return NULL;
  return checked_root (parser, what, error);
}
