/* safetensors.c — validated, memory-mapped safetensors reader and a small
 * F32 writer. Every number in the header is checked before anything
 * points into the mapping: a file is either fully valid or refused. */
#define G_LOG_DOMAIN "atelier-model"

#include <string.h>

#include <json-glib/json-glib.h>

#include "model/safetensors.h"

G_DEFINE_QUARK (at-safetensors-error-quark, at_safetensors_error)

/* The reference implementation refuses larger headers; so do we, which
 * also bounds what json-glib is asked to parse. */
#define MAX_HEADER_BYTES (100u * 1024 * 1024)
/* A valid header nests three deep (object, tensor, shape); a deeper one is
 * refused before json-glib's recursive parser sees it. */
#define MAX_JSON_DEPTH 8

typedef struct {
  const char *name;
  guint size;
  AtDtype dtype;
} DtypeDesc;

/* Every fixed-size dtype of the safetensors format. */
static const DtypeDesc dtypes[] = {
  { "F32", 4, AT_DTYPE_F32 },
  { "F16", 2, AT_DTYPE_F16 },
  { "BF16", 2, AT_DTYPE_BF16 },
  { "F64", 8, AT_DTYPE_OTHER },
  { "I64", 8, AT_DTYPE_OTHER },
  { "I32", 4, AT_DTYPE_OTHER },
  { "I16", 2, AT_DTYPE_OTHER },
  { "I8", 1, AT_DTYPE_OTHER },
  { "U64", 8, AT_DTYPE_OTHER },
  { "U32", 4, AT_DTYPE_OTHER },
  { "U16", 2, AT_DTYPE_OTHER },
  { "U8", 1, AT_DTYPE_OTHER },
  { "BOOL", 1, AT_DTYPE_OTHER },
  { "F8_E4M3", 1, AT_DTYPE_OTHER },
  { "F8_E5M2", 1, AT_DTYPE_OTHER },
};

typedef struct {
  AtSafetensorsInfo info;
  guint64 begin, end;         /* into the data section */
} Entry;

struct _AtSafetensors {
  char *path;
  char *display;              /* basename, for messages */
  GMappedFile *map;
  const guint8 *data;         /* start of the data section */
  guint64 data_size;
  GArray *entries;            /* Entry, sorted by offset */
  GHashTable *by_name;        /* name -> Entry* (into entries) */
  const char **names;         /* NULL-terminated, file order */
  GHashTable *metadata;       /* char* -> char* */
};

static const DtypeDesc *
find_dtype (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (dtypes); i++)
    if (g_str_equal (dtypes[i].name, name))
      return &dtypes[i];
  return NULL;
}

char *
at_safetensors_shape_string (guint ndim, const gint64 *shape)
{
  GString *s = g_string_new ("(");
  for (guint i = 0; i < ndim; i++)
    {
      if (i > 0)
        g_string_append (s, ", ");
      if (shape[i] < 0)
        g_string_append_c (s, '?');
      else
        g_string_append_printf (s, "%" G_GINT64_FORMAT, shape[i]);
    }
  if (ndim == 1)
    g_string_append_c (s, ',');
  g_string_append_c (s, ')');
  return g_string_free (s, FALSE);
}

G_GNUC_PRINTF (4, 5) static void
set_invalid (GError **error, const char *file, const char *tensor, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *what = g_strdup_vprintf (format, args);
  va_end (args);
  if (tensor != NULL)
    g_set_error (error, AT_SAFETENSORS_ERROR, AT_SAFETENSORS_ERROR_INVALID,
                 "%s: tensor '%s': %s", file, tensor, what);
  else
    g_set_error (error, AT_SAFETENSORS_ERROR, AT_SAFETENSORS_ERROR_INVALID, "%s: %s", file, what);
}

/* Checks one JSON number token s[0..len) against JSON's grammar and, when
 * it is an integer, that it fits in gint64: json-glib accepts hex, octal
 * and silently wraps integers that overflow. */
static gboolean
number_token_ok (const char *s, gsize len)
{
  gsize i = 0;
  gboolean integer = TRUE;
  if (i < len && s[i] == '-')
    i++;
  if (i >= len || !g_ascii_isdigit (s[i]))
    return FALSE;
  if (s[i] == '0')
    i++;
  else
    while (i < len && g_ascii_isdigit (s[i]))
      i++;
  if (i < len && s[i] == '.')
    {
      integer = FALSE;
      if (++i >= len || !g_ascii_isdigit (s[i]))
        return FALSE;
      while (i < len && g_ascii_isdigit (s[i]))
        i++;
    }
  if (i < len && (s[i] == 'e' || s[i] == 'E'))
    {
      integer = FALSE;
      i++;
      if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
      if (i >= len || !g_ascii_isdigit (s[i]))
        return FALSE;
      while (i < len && g_ascii_isdigit (s[i]))
        i++;
    }
  if (i != len)
    return FALSE;
  if (integer)
    {
      char buf[32];
      if (len >= sizeof buf)
        return FALSE;
      memcpy (buf, s, len);
      buf[len] = '\0';
      gint64 value;
      return g_ascii_string_to_signed (buf, 10, G_MININT64, G_MAXINT64, &value, NULL);
    }
  return TRUE;
}

/* A lexical pass in front of json-glib, which is more lenient than JSON
 * (comments, single quotes, hex) and recursive: strict tokens only, and a
 * bounded nesting depth. Sets a message naming the byte offset. */
static gboolean
check_json_lexically (const char *s, gsize len, const char *file, GError **error)
{
  int depth = 0;
  for (gsize i = 0; i < len; i++)
    {
      char c = s[i];
      if (c == '"')
        {
          for (i++; i < len && s[i] != '"'; i++)
            {
              if ((guchar) s[i] < 0x20)
                {
                  set_invalid (error, file, NULL, "header: control character in a string at byte %zu", i);
                  return FALSE;
                }
              /* A NUL would cut a name short in C and could make two
               * tensors one. */
              if (s[i] == '\\' && i + 5 < len && memcmp (s + i + 1, "u0000", 5) == 0)
                {
                  set_invalid (error, file, NULL, "header: a string contains \\u0000 at byte %zu", i);
                  return FALSE;
                }
              if (s[i] == '\\')
                i++;
            }
          if (i >= len)
            {
              set_invalid (error, file, NULL, "header: unterminated string");
              return FALSE;
            }
        }
      else if (c == '{' || c == '[')
        {
          if (++depth > MAX_JSON_DEPTH)
            {
              set_invalid (error, file, NULL, "header: JSON nested deeper than %d levels", MAX_JSON_DEPTH);
              return FALSE;
            }
        }
      else if (c == '}' || c == ']')
        depth--;
      else if (c == '-' || g_ascii_isdigit (c))
        {
          gsize start = i;
          while (i + 1 < len && (g_ascii_isalnum (s[i + 1]) || s[i + 1] == '.' || s[i + 1] == '+' ||
                                 s[i + 1] == '-'))
            i++;
          if (!number_token_ok (s + start, i + 1 - start))
            {
              set_invalid (error, file, NULL, "header: invalid or out-of-range number '%.*s' at byte %zu",
                           (int) MIN (i + 1 - start, 32), s + start, start);
              return FALSE;
            }
        }
      else if (g_ascii_isalpha (c))
        {
          gsize start = i;
          while (i + 1 < len && g_ascii_isalnum (s[i + 1]))
            i++;
          gsize n = i + 1 - start;
          if (!((n == 4 && memcmp (s + start, "true", 4) == 0) ||
                (n == 5 && memcmp (s + start, "false", 5) == 0) ||
                (n == 4 && memcmp (s + start, "null", 4) == 0)))
            {
              set_invalid (error, file, NULL, "header is not valid JSON: unexpected '%.*s' at byte %zu",
                           (int) MIN (n, 32), s + start, start);
              return FALSE;
            }
        }
      else if (!(c == ':' || c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r'))
        {
          set_invalid (error, file, NULL, "header is not valid JSON: unexpected character 0x%02x at byte %zu",
                       (guchar) c, i);
          return FALSE;
        }
    }
  return TRUE;
}

static const char *
node_kind (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      return "an object";
    case JSON_NODE_ARRAY:
      return "an array";
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
    default:
      {
        GType t = json_node_get_value_type (node);
        if (t == G_TYPE_STRING)
          return "a string";
        if (t == G_TYPE_BOOLEAN)
          return "a boolean";
        if (t == G_TYPE_INT64)
          return "an integer";
        return "a number";
      }
    }
}

static gboolean
node_is_int (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64;
}

static gboolean
parse_metadata (AtSafetensors *st, JsonNode *node, GError **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_invalid (error, st->display, NULL, "\"__metadata__\" is %s, not an object of strings",
                   node_kind (node));
      return FALSE;
    }
  JsonObject *object = json_node_get_object (node);
  g_autoptr (GList) members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      JsonNode *value = json_object_get_member (object, key);
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        {
          set_invalid (error, st->display, NULL, "\"__metadata__\" entry '%s' is %s, not a string", key,
                       node_kind (value));
          return FALSE;
        }
      g_hash_table_insert (st->metadata, g_strdup (key), g_strdup (json_node_get_string (value)));
    }
  return TRUE;
}

/* Validates one tensor entry and fills e (its name still unset). */
static gboolean
parse_entry (AtSafetensors *st, const char *name, JsonNode *node, Entry *e, GError **error)
{
  const char *file = st->display;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_invalid (error, file, name, "entry is %s, not an object", node_kind (node));
      return FALSE;
    }
  JsonObject *object = json_node_get_object (node);

  JsonNode *dtype_node = json_object_get_member (object, "dtype");
  if (dtype_node == NULL || !JSON_NODE_HOLDS_VALUE (dtype_node) ||
      json_node_get_value_type (dtype_node) != G_TYPE_STRING)
    {
      if (dtype_node != NULL)
        set_invalid (error, file, name, "\"dtype\" is %s, not a string", node_kind (dtype_node));
      else
        set_invalid (error, file, name, "no \"dtype\"");
      return FALSE;
    }
  const char *dtype_name = json_node_get_string (dtype_node);
  const DtypeDesc *dtype = find_dtype (dtype_name);
  if (dtype == NULL)
    {
      set_invalid (error, file, name, "unknown dtype '%s'", dtype_name);
      return FALSE;
    }
  e->info.dtype = dtype->dtype;
  e->info.dtype_name = dtype->name;

  JsonNode *shape_node = json_object_get_member (object, "shape");
  if (shape_node == NULL || !JSON_NODE_HOLDS_ARRAY (shape_node))
    {
      if (shape_node != NULL)
        set_invalid (error, file, name, "\"shape\" is %s, not an array", node_kind (shape_node));
      else
        set_invalid (error, file, name, "no \"shape\"");
      return FALSE;
    }
  JsonArray *shape = json_node_get_array (shape_node);
  guint ndim = json_array_get_length (shape);
  if (ndim > AT_SAFETENSORS_MAX_DIMS)
    {
      set_invalid (error, file, name, "%u dimensions; Atelier reads at most %d", ndim,
                   AT_SAFETENSORS_MAX_DIMS);
      return FALSE;
    }
  e->info.ndim = ndim;
  guint64 numel = 1;
  gboolean overflow = FALSE;
  for (guint i = 0; i < ndim; i++)
    {
      JsonNode *dim = json_array_get_element (shape, i);
      if (!node_is_int (dim) || json_node_get_int (dim) < 0)
        {
          if (node_is_int (dim))
            set_invalid (error, file, name, "shape dimension %u is negative (%" G_GINT64_FORMAT ")", i,
                         json_node_get_int (dim));
          else
            set_invalid (error, file, name, "shape dimension %u is %s, not a non-negative integer", i,
                         node_kind (dim));
          return FALSE;
        }
      e->info.shape[i] = json_node_get_int (dim);
      if (!g_uint64_checked_mul (&numel, numel, (guint64) e->info.shape[i]))
        overflow = TRUE;
    }
  g_autofree char *shape_str = at_safetensors_shape_string (ndim, e->info.shape);
  guint64 nbytes = 0;
  if (overflow || numel > G_MAXINT64 || !g_uint64_checked_mul (&nbytes, numel, dtype->size))
    {
      set_invalid (error, file, name, "shape %s is too large (its byte size overflows)", shape_str);
      return FALSE;
    }

  JsonNode *offsets_node = json_object_get_member (object, "data_offsets");
  JsonArray *offsets = offsets_node && JSON_NODE_HOLDS_ARRAY (offsets_node)
                       ? json_node_get_array (offsets_node) : NULL;
  if (offsets == NULL || json_array_get_length (offsets) != 2 ||
      !node_is_int (json_array_get_element (offsets, 0)) ||
      !node_is_int (json_array_get_element (offsets, 1)))
    {
      if (offsets_node != NULL)
        set_invalid (error, file, name, "\"data_offsets\" is not an array of two integers");
      else
        set_invalid (error, file, name, "no \"data_offsets\"");
      return FALSE;
    }
  gint64 begin = json_array_get_int_element (offsets, 0);
  gint64 end = json_array_get_int_element (offsets, 1);
  if (begin < 0 || end < begin)
    {
      set_invalid (error, file, name, "data_offsets [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "] are not an "
                   "increasing pair of non-negative offsets", begin, end);
      return FALSE;
    }
  if ((guint64) end > st->data_size)
    {
      set_invalid (error, file, name, "data_offsets [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "] end beyond "
                   "the file (%" G_GUINT64_FORMAT " bytes of data after the header)", begin, end,
                   st->data_size);
      return FALSE;
    }
  if ((guint64) (end - begin) != nbytes)
    {
      set_invalid (error, file, name, "shape %s of %s needs %" G_GUINT64_FORMAT " bytes, but data_offsets "
                   "[%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "] hold %" G_GINT64_FORMAT, shape_str,
                   dtype->name, nbytes, begin, end, end - begin);
      return FALSE;
    }
  e->begin = begin;
  e->end = end;
  e->info.numel = numel;
  e->info.nbytes = nbytes;
  e->info.data = st->data + begin;
  return TRUE;
}

static int
compare_entries (gconstpointer a, gconstpointer b)
{
  const Entry *x = a, *y = b;
  if (x->begin != y->begin)
    return x->begin < y->begin ? -1 : 1;
  if (x->end != y->end)
    return x->end < y->end ? -1 : 1;
  return strcmp (x->info.name, y->info.name);
}

static void
clear_entry (gpointer data)
{
  Entry *e = data;
  g_free ((char *) e->info.name);
}

static gboolean
parse_header (AtSafetensors *st, const char *header, gsize len, GError **error)
{
  const char *file = st->display;
  if (!g_utf8_validate (header, len, NULL))
    {
      set_invalid (error, file, NULL, "header is not valid UTF-8 text");
      return FALSE;
    }
  if (!check_json_lexically (header, len, file, error))
    return FALSE;

  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) json_error = NULL;
  if (!json_parser_load_from_data (parser, header, len, &json_error))
    {
      set_invalid (error, file, NULL, "header is not valid JSON: %s", json_error->message);
      return FALSE;
    }
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      set_invalid (error, file, NULL, "header is %s, not a JSON object",
                   root ? node_kind (root) : "empty");
      return FALSE;
    }

  JsonObject *object = json_node_get_object (root);
  g_autoptr (GList) members = json_object_get_members (object);
  /* json-glib keeps one of two equal keys; a "\u0000" could still make
   * two names equal in C, but is refused above. This is the backstop. */
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (object, name);
      if (g_str_equal (name, "__metadata__"))
        {
          if (!parse_metadata (st, node, error))
            return FALSE;
          continue;
        }
      if (name[0] == '\0')
        {
          set_invalid (error, file, NULL, "a tensor has an empty name");
          return FALSE;
        }
      if (!g_hash_table_add (seen, (gpointer) name))
        {
          set_invalid (error, file, name, "the name appears twice");
          return FALSE;
        }
      Entry e = { 0 };
      if (!parse_entry (st, name, node, &e, error))
        return FALSE;
      e.info.name = g_strdup (name);
      g_array_append_val (st->entries, e);
    }

  g_array_sort (st->entries, compare_entries);
  const Entry *prev = NULL;
  for (guint i = 0; i < st->entries->len; i++)
    {
      const Entry *e = &g_array_index (st->entries, Entry, i);
      if (e->begin == e->end)
        continue;    /* an empty tensor occupies no bytes */
      if (prev != NULL && e->begin < prev->end)
        {
          set_invalid (error, file, e->info.name, "data_offsets [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
                       "] overlap tensor '%s' at [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT "]",
                       e->begin, e->end, prev->info.name, prev->begin, prev->end);
          return FALSE;
        }
      prev = e;
    }

  st->names = g_new0 (const char *, st->entries->len + 1);
  for (guint i = 0; i < st->entries->len; i++)
    {
      Entry *e = &g_array_index (st->entries, Entry, i);
      st->names[i] = e->info.name;
      g_hash_table_insert (st->by_name, (gpointer) e->info.name, e);
    }
  return TRUE;
}

AtSafetensors *
at_safetensors_open (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_autoptr (AtSafetensors) st = g_new0 (AtSafetensors, 1);
  st->path = g_strdup (path);
  st->display = g_path_get_basename (path);
  st->entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  g_array_set_clear_func (st->entries, clear_entry);
  st->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  st->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  st->map = g_mapped_file_new (path, FALSE, error);
  if (st->map == NULL)
    return NULL;
  gsize size = g_mapped_file_get_length (st->map);
  const guint8 *bytes = (const guint8 *) g_mapped_file_get_contents (st->map);
  if (size < 8)
    {
      set_invalid (error, st->display, NULL, "the file is %zu bytes, too short for a safetensors file "
                   "(it starts with an 8-byte header length)", size);
      return NULL;
    }
  guint64 header_len;
  memcpy (&header_len, bytes, 8);
  header_len = GUINT64_FROM_LE (header_len);
  if (header_len > size - 8)
    {
      set_invalid (error, st->display, NULL, "header length %" G_GUINT64_FORMAT " is larger than the file "
                   "(%zu bytes); the file is truncated or not safetensors", header_len, size);
      return NULL;
    }
  if (header_len > MAX_HEADER_BYTES)
    {
      set_invalid (error, st->display, NULL, "header length %" G_GUINT64_FORMAT " exceeds the %u-byte limit",
                   header_len, MAX_HEADER_BYTES);
      return NULL;
    }
  st->data = bytes + 8 + header_len;
  st->data_size = size - 8 - header_len;
  if (!parse_header (st, (const char *) bytes + 8, header_len, error))
    return NULL;
  return g_steal_pointer (&st);
}

void
at_safetensors_free (AtSafetensors *st)
{
  if (st == NULL)
    return;
  g_clear_pointer (&st->by_name, g_hash_table_unref);
  g_clear_pointer (&st->metadata, g_hash_table_unref);
  g_clear_pointer (&st->entries, g_array_unref);
  g_clear_pointer (&st->map, g_mapped_file_unref);
  g_free (st->names);
  g_free (st->display);
  g_free (st->path);
  g_free (st);
}

const char *
at_safetensors_get_path (AtSafetensors *st)
{
  g_return_val_if_fail (st != NULL, NULL);
  return st->path;
}

const AtSafetensorsInfo *
at_safetensors_lookup (AtSafetensors *st, const char *name)
{
  g_return_val_if_fail (st != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  Entry *e = g_hash_table_lookup (st->by_name, name);
  return e ? &e->info : NULL;
}

const AtSafetensorsInfo *
at_safetensors_require (AtSafetensors *st, const char *name, GError **error)
{
  const AtSafetensorsInfo *info = at_safetensors_lookup (st, name);
  if (info == NULL)
    g_set_error (error, AT_SAFETENSORS_ERROR, AT_SAFETENSORS_ERROR_NOT_FOUND,
                 "%s: no tensor '%s' (the file has %u tensors; is it the right model?)", st->display, name,
                 st->entries->len);
  return info;
}

guint
at_safetensors_get_n_tensors (AtSafetensors *st)
{
  g_return_val_if_fail (st != NULL, 0);
  return st->entries->len;
}

const char *const *
at_safetensors_list (AtSafetensors *st)
{
  g_return_val_if_fail (st != NULL, NULL);
  return st->names;
}

GHashTable *
at_safetensors_get_metadata (AtSafetensors *st)
{
  g_return_val_if_fail (st != NULL, NULL);
  return st->metadata;
}

const char *
at_safetensors_get_metadata_value (AtSafetensors *st, const char *key)
{
  g_return_val_if_fail (st != NULL, NULL);
  return g_hash_table_lookup (st->metadata, key);
}

gboolean
at_safetensors_check_shape (const AtSafetensorsInfo *info, guint ndim, const gint64 *shape,
                            GError **error)
{
  g_return_val_if_fail (info != NULL, FALSE);
  gboolean same = info->ndim == ndim;
  for (guint i = 0; same && shape != NULL && i < ndim; i++)
    same = shape[i] < 0 || shape[i] == info->shape[i];
  if (same)
    return TRUE;
  g_autofree char *have = at_safetensors_shape_string (info->ndim, info->shape);
  g_autofree char *want = shape ? at_safetensors_shape_string (ndim, shape)
                                : g_strdup_printf ("%u dimensions", ndim);
  g_set_error (error, AT_SAFETENSORS_ERROR, AT_SAFETENSORS_ERROR_SHAPE,
               "weight '%s' has shape %s, the config expects %s", info->name, have, want);
  return FALSE;
}

float
at_bf16_to_float (guint16 b)
{
  guint32 bits = (guint32) b << 16;
  float f;
  memcpy (&f, &bits, sizeof f);
  return f;
}

static gboolean
check_convertible (const AtSafetensorsInfo *info, GError **error)
{
  if (info->dtype != AT_DTYPE_OTHER)
    return TRUE;
  g_set_error (error, AT_SAFETENSORS_ERROR, AT_SAFETENSORS_ERROR_UNSUPPORTED,
               "weight '%s' has dtype %s, which Atelier cannot read (only F32, F16 and BF16)",
               info->name, info->dtype_name);
  return FALSE;
}

gboolean
at_safetensors_info_to_f32 (const AtSafetensorsInfo *info, float *dst, GError **error)
{
  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (dst != NULL || info->numel == 0, FALSE);
  if (!check_convertible (info, error))
    return FALSE;
  const guint8 *src = info->data;
  gsize n = info->numel;
  switch (info->dtype)
    {
    case AT_DTYPE_F32:
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
      if (n > 0)
        memcpy (dst, src, n * sizeof (float));
#else
      for (gsize i = 0; i < n; i++)
        {
          guint32 bits;
          memcpy (&bits, src + 4 * i, 4);
          bits = GUINT32_FROM_LE (bits);
          memcpy (&dst[i], &bits, 4);
        }
#endif
      return TRUE;
    case AT_DTYPE_F16:
    case AT_DTYPE_BF16:
      for (gsize i = 0; i < n; i++)
        {
          guint16 bits;
          memcpy (&bits, src + 2 * i, 2);   /* the data may be unaligned */
          bits = GUINT16_FROM_LE (bits);
          dst[i] = info->dtype == AT_DTYPE_F16 ? at_half_to_float (bits) : at_bf16_to_float (bits);
        }
      return TRUE;
    case AT_DTYPE_OTHER:
    default:
      g_assert_not_reached ();
    }
}

gboolean
at_safetensors_get_f32 (AtSafetensors *st, const char *name, guint ndim_expected,
                        const gint64 *shape_expected, float **out, gsize *n, GError **error)
{
  g_return_val_if_fail (st != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  const AtSafetensorsInfo *info = at_safetensors_require (st, name, error);
  if (info == NULL || !at_safetensors_check_shape (info, ndim_expected, shape_expected, error))
    return FALSE;
  if (!check_convertible (info, error))
    return FALSE;
  /* Never NULL on success, even for an empty tensor. */
  g_autofree float *data = g_try_malloc_n (MAX (info->numel, 1), sizeof (float));
  if (data == NULL)
    {
      g_set_error (error, AT_SAFETENSORS_ERROR, AT_SAFETENSORS_ERROR_INVALID,
                   "%s: not enough memory for weight '%s' (%" G_GINT64_FORMAT " values)", st->display, name,
                   info->numel);
      return FALSE;
    }
  if (!at_safetensors_info_to_f32 (info, data, error))
    return FALSE;
  *out = g_steal_pointer (&data);
  if (n != NULL)
    *n = info->numel;
  return TRUE;
}

gboolean
at_safetensors_write_f32 (const char *path, const AtSafetensorsTensor *tensors, guint n_tensors,
                          const char *const *metadata_keys, const char *const *metadata_values,
                          GError **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (tensors != NULL || n_tensors == 0, FALSE);
  g_return_val_if_fail ((metadata_keys == NULL) == (metadata_values == NULL), FALSE);

  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  json_builder_begin_object (builder);
  if (metadata_keys != NULL)
    {
      json_builder_set_member_name (builder, "__metadata__");
      json_builder_begin_object (builder);
      for (guint i = 0; metadata_keys[i] != NULL; i++)
        {
          g_return_val_if_fail (metadata_values[i] != NULL, FALSE);
          json_builder_set_member_name (builder, metadata_keys[i]);
          json_builder_add_string_value (builder, metadata_values[i]);
        }
      json_builder_end_object (builder);
    }
  guint64 offset = 0;
  for (guint t = 0; t < n_tensors; t++)
    {
      const AtSafetensorsTensor *tensor = &tensors[t];
      if (tensor->name == NULL || tensor->name[0] == '\0' || g_str_equal (tensor->name, "__metadata__") ||
          g_hash_table_contains (seen, tensor->name) || tensor->ndim > AT_SAFETENSORS_MAX_DIMS)
        {
          g_set_error (error, AT_SAFETENSORS_ERROR, AT_SAFETENSORS_ERROR_INVALID,
                       "Cannot write tensor %u ('%s'): empty, reserved or repeated name, or too many "
                       "dimensions", t, tensor->name ? tensor->name : "");
          return FALSE;
        }
      g_hash_table_add (seen, (gpointer) tensor->name);
      guint64 numel = 1;
      json_builder_set_member_name (builder, tensor->name);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "dtype");
      json_builder_add_string_value (builder, "F32");
      json_builder_set_member_name (builder, "shape");
      json_builder_begin_array (builder);
      for (guint i = 0; i < tensor->ndim; i++)
        {
          g_return_val_if_fail (tensor->shape[i] >= 0, FALSE);
          json_builder_add_int_value (builder, tensor->shape[i]);
          numel *= tensor->shape[i];
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "data_offsets");
      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, offset);
      offset += numel * sizeof (float);
      json_builder_add_int_value (builder, offset);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  gsize header_len = 0;
  g_autofree char *header = json_generator_to_data (generator, &header_len);
  /* Pad with spaces so the data section starts 8-byte aligned. */
  gsize padded = (header_len + 7) / 8 * 8;

  gsize total = 8 + padded + offset;
  g_autofree guint8 *bytes = g_try_malloc (total);
  if (bytes == NULL)
    {
      g_set_error (error, AT_SAFETENSORS_ERROR, AT_SAFETENSORS_ERROR_INVALID,
                   "Not enough memory to write %s (%zu bytes)", path, total);
      return FALSE;
    }
  guint64 len_le = GUINT64_TO_LE ((guint64) padded);
  memcpy (bytes, &len_le, 8);
  memcpy (bytes + 8, header, header_len);
  memset (bytes + 8 + header_len, ' ', padded - header_len);
  guint8 *p = bytes + 8 + padded;
  for (guint t = 0; t < n_tensors; t++)
    {
      gsize numel = 1;
      for (guint i = 0; i < tensors[t].ndim; i++)
        numel *= tensors[t].shape[i];
      for (gsize i = 0; i < numel; i++, p += 4)
        {
          guint32 bits;
          memcpy (&bits, &tensors[t].data[i], 4);
          bits = GUINT32_TO_LE (bits);
          memcpy (p, &bits, 4);
        }
    }
  return g_file_set_contents_full (path, (const char *) bytes, total,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0666,
                                   error);
}
