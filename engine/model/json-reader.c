/* json-reader.c — checked reads of JSON config values. */
#define G_LOG_DOMAIN "atelier-model"

#include <stdarg.h>

#include "model/json-reader.h"

/* Sets the reader's error: the config's path, then the printf-style message. */
void
at_json_fail (AtJsonReader *r, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (&r->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s", r->path, message);
}

static JsonNode *
member (AtJsonReader *r, JsonObject *obj, const char *key, JsonNodeType type)
{
  if (r->error != NULL)
    return NULL;
  JsonNode *node = obj != NULL ? json_object_get_member (obj, key) : NULL;
  if (node == NULL || JSON_NODE_TYPE (node) != type)
    {
      at_json_fail (r, "key \"%s\" is missing or has the wrong type", key);
      return NULL;
    }
  return node;
}

int
at_json_int (AtJsonReader *r, JsonObject *obj, const char *key, int min, int max)
{
  JsonNode *node = member (r, obj, key, JSON_NODE_VALUE);
  if (node == NULL)
    return 0;
  gint64 value = json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_INT64 && value >= min && value <= max)
    return value;
  at_json_fail (r, "\"%s\" must be an integer from %d to %d", key, min, max);
  return 0;
}

double
at_json_double (AtJsonReader *r, JsonObject *obj, const char *key, double min, double max)
{
  JsonNode *node = member (r, obj, key, JSON_NODE_VALUE);
  if (node == NULL)
    return 0;
  double value = json_node_get_double (node);
  if (value >= min && value <= max)
    return value;
  at_json_fail (r, "\"%s\" must be a number from %g to %g", key, min, max);
  return 0;
}

/* Reads a list of min_n..max_n integers in [lo, hi]; returns how many. */
guint
at_json_int_list (AtJsonReader *r, JsonObject *obj, const char *key, int *out, guint min_n, guint max_n, int lo, int hi)
{
  JsonNode *node = member (r, obj, key, JSON_NODE_ARRAY);
  if (node == NULL)
    return 0;
  JsonArray *array = json_node_get_array (node);
  guint n = json_array_get_length (array);
  if (n < min_n || n > max_n)
    {
      at_json_fail (r, "\"%s\" must list %u to %u integers", key, min_n, max_n);
      return 0;
    }
  for (guint i = 0; i < n && r->error == NULL; i++)
    {
      out[i] = json_array_get_int_element (array, i);
      if (out[i] < lo || out[i] > hi)
        at_json_fail (r, "\"%s\" holds an out-of-range value", key);
    }
  return n;
}

void
at_json_ints (AtJsonReader *r, JsonObject *obj, const char *key, int *out, guint n)
{
  at_json_int_list (r, obj, key, out, n, n, 1, 4096);
}

JsonObject *
at_json_object (AtJsonReader *r, JsonObject *obj, const char *key)
{
  JsonNode *node = member (r, obj, key, JSON_NODE_OBJECT);
  return node != NULL ? json_node_get_object (node) : NULL;
}

