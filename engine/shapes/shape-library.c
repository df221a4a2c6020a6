/* shape-library.c — reading the shape library file (shape-library.h). */
#define G_LOG_DOMAIN "atelier-engine"

#include <string.h>

#include "shapes/shape-library.h"
#include "shapes/shapes-resources.h"

#define LIBRARY_RESOURCE "/org/atelier/engine/shapes/shapes.atshapes.gz"
#define MAX_UNPACKED (64u << 20)  /* far above the real library; stops a gzip bomb */
#define GRID_UNITS 2400.0f        /* coordinates per side (24 units x 100) */

G_DEFINE_QUARK (at-shape-error-quark, at_shape_error)

struct _AtShapeLibrary {
  GPtrArray *shapes;              /* AtShape*, owned */
  GPtrArray *source_names, *source_licences;
  GHashTable *by_name, *by_tag;   /* word -> GArray of guint shape indices */
  AtShapePoint *points;           /* every stroke's points, one block */
  gsize file_size;
  char *checksum;                 /* SHA-256 of the file */
};

typedef struct {
  const guint8 *data;
  gsize len, pos;
  gboolean failed;
} Reader;

static const guint8 *
take (Reader *r, gsize n)
{
  if (r->failed || r->len - r->pos < n)
    {
      r->failed = TRUE;
      return NULL;
    }
  const guint8 *p = r->data + r->pos;
  r->pos += n;
  return p;
}

static guint
read_u8 (Reader *r)
{
  const guint8 *p = take (r, 1);
  return p != NULL ? p[0] : 0;
}

static guint
read_u16 (Reader *r)
{
  const guint8 *p = take (r, 2);
  return p != NULL ? (guint) p[0] | (guint) p[1] << 8 : 0;
}

static guint32
read_u32 (Reader *r)
{
  const guint8 *p = take (r, 4);
  return p != NULL ? (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24 : 0;
}

/* A new UTF-8 string, or NULL (and the reader failed). */
static char *
read_str (Reader *r)
{
  guint n = read_u16 (r);
  const guint8 *p = take (r, n);
  if (p == NULL || !g_utf8_validate ((const char *) p, n, NULL))
    {
      r->failed = TRUE;
      return NULL;
    }
  return g_strndup ((const char *) p, n);
}

static void
shape_free (AtShape *shape)
{
  g_free (shape->name);
  g_free (shape->category);
  g_strfreev (shape->tags);
  g_free (shape->strokes);
  g_free (shape);
}

static GBytes *
gunzip (GBytes *gz, GError **error)
{
  g_autoptr (GZlibDecompressor) z = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr (GInputStream) raw = g_memory_input_stream_new_from_bytes (gz);
  g_autoptr (GInputStream) in = g_converter_input_stream_new (raw, G_CONVERTER (z));
  g_autoptr (GByteArray) out = g_byte_array_new ();
  guint8 buf[65536];
  for (;;)
    {
      g_autoptr (GError) local = NULL;
      gssize n = g_input_stream_read (in, buf, sizeof buf, NULL, &local);
      if (n < 0)
        {
          g_set_error (error, AT_SHAPE_ERROR, AT_SHAPE_ERROR_CORRUPT,
                       "The shape library is damaged (%s); reinstall Atelier or rebuild it with "
                       "tools/shapes/build.sh", local->message);
          return NULL;
        }
      if (n == 0)
        break;
      if (out->len + (gsize) n > MAX_UNPACKED)
        {
          g_set_error (error, AT_SHAPE_ERROR, AT_SHAPE_ERROR_CORRUPT,
                       "The shape library unpacks to more than %u MB; it is not a shape library", MAX_UNPACKED >> 20);
          return NULL;
        }
      g_byte_array_append (out, buf, n);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* Counts the points of every stroke first, so that they live in one block. */
static gsize
count_points (Reader r, guint n_shapes)
{
  gsize total = 0;
  for (guint i = 0; i < n_shapes && !r.failed; i++)
    {
      for (int s = 0; s < 3; s++)
        take (&r, read_u16 (&r));
      read_u8 (&r);
      guint n_strokes = read_u16 (&r);
      for (guint k = 0; k < n_strokes && !r.failed; k++)
        {
          guint n = read_u16 (&r);
          take (&r, (gsize) n * 4);
          total += n;
        }
    }
  return r.failed ? G_MAXSIZE : total;
}

static AtShape *
read_shape (Reader *r, AtShapePoint **next_point, guint n_sources)
{
  g_autofree char *name = read_str (r), *category = read_str (r), *tags = read_str (r);
  guint source = read_u8 (r);
  guint n_strokes = read_u16 (r);
  if (r->failed || source >= n_sources || name == NULL || *name == '\0')
    return NULL;
  AtShape *shape = g_new0 (AtShape, 1);
  shape->name = g_steal_pointer (&name);
  shape->category = g_steal_pointer (&category);
  shape->tags = *tags != '\0' ? g_strsplit (tags, ",", -1) : g_new0 (char *, 1);
  shape->source = source;
  shape->n_strokes = n_strokes;
  shape->strokes = g_new0 (AtShapeStroke, n_strokes);
  for (guint k = 0; k < n_strokes; k++)
    {
      guint n = read_u16 (r);
      const guint8 *p = take (r, (gsize) n * 4);
      if (p == NULL || n == 0)
        {
          shape_free (shape);
          return NULL;
        }
      AtShapePoint *pts = *next_point;
      for (guint j = 0; j < n; j++, p += 4)
        {
          pts[j].x = MIN ((p[0] | p[1] << 8) / GRID_UNITS, 1.0f);
          pts[j].y = MIN ((p[2] | p[3] << 8) / GRID_UNITS, 1.0f);
        }
      shape->strokes[k] = (AtShapeStroke) { n, pts };
      *next_point += n;
    }
  return shape;
}

static void
index_word (GHashTable *index, const char *word, guint shape)
{
  GArray *list = g_hash_table_lookup (index, word);
  if (list == NULL)
    {
      list = g_array_new (FALSE, FALSE, sizeof (guint));
      g_hash_table_insert (index, (char *) word, list);
    }
  g_array_append_val (list, shape);
}

static gboolean
corrupt (GError **error, const char *what)
{
  g_set_error (error, AT_SHAPE_ERROR, AT_SHAPE_ERROR_CORRUPT,
               "The shape library is damaged (%s); reinstall Atelier or rebuild it with tools/shapes/build.sh",
               what);
  return FALSE;
}

static gboolean
parse (AtShapeLibrary *lib, GBytes *bytes, GError **error)
{
  gsize len = 0;
  Reader r = { g_bytes_get_data (bytes, &len), len, 0, FALSE };
  const guint8 *magic = take (&r, 8);
  if (magic == NULL || memcmp (magic, "ATSHAPES", 8) != 0)
    return corrupt (error, "not a shape library");
  if (read_u32 (&r) != 1)
    return corrupt (error, "unknown version");
  guint n_sources = read_u32 (&r);
  for (guint i = 0; i < n_sources && i < 256 && !r.failed; i++)
    {
      char *name = read_str (&r), *licence = read_str (&r);
      g_ptr_array_add (lib->source_names, name != NULL ? name : g_strdup (""));
      g_ptr_array_add (lib->source_licences, licence != NULL ? licence : g_strdup (""));
    }
  guint32 n_shapes = read_u32 (&r);
  if (r.failed || n_sources == 0 || n_sources > 256)
    return corrupt (error, "truncated header");
  gsize n_points = count_points (r, n_shapes);
  if (n_points == G_MAXSIZE)
    return corrupt (error, "truncated");
  lib->points = g_new (AtShapePoint, MAX (n_points, 1));
  AtShapePoint *next = lib->points;
  for (guint i = 0; i < n_shapes; i++)
    {
      AtShape *shape = read_shape (&r, &next, n_sources);
      if (shape == NULL)
        return corrupt (error, "a shape record is invalid");
      g_ptr_array_add (lib->shapes, shape);
      index_word (lib->by_name, shape->name, i);
      for (char **t = shape->tags; *t != NULL; t++)
        index_word (lib->by_tag, *t, i);
    }
  if (r.pos != r.len)
    return corrupt (error, "data after the last shape");
  return TRUE;
}

AtShapeLibrary *
at_shape_library_new_from_bytes (GBytes *gz, GError **error)
{
  g_return_val_if_fail (gz != NULL, NULL);
  g_autoptr (GBytes) raw = gunzip (gz, error);
  if (raw == NULL)
    return NULL;
  g_autoptr (AtShapeLibrary) lib = g_new0 (AtShapeLibrary, 1);
  lib->shapes = g_ptr_array_new_with_free_func ((GDestroyNotify) shape_free);
  lib->source_names = g_ptr_array_new_with_free_func (g_free);
  lib->source_licences = g_ptr_array_new_with_free_func (g_free);
  lib->by_name = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_array_unref);
  lib->by_tag = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_array_unref);
  lib->file_size = g_bytes_get_size (gz);
  lib->checksum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, gz);
  if (!parse (lib, raw, error))
    return NULL;
  return g_steal_pointer (&lib);
}

AtShapeLibrary *
at_shape_library_new_from_file (const char *path, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  g_autoptr (GBytes) bytes = g_bytes_new_take (g_steal_pointer (&data), len);
  return at_shape_library_new_from_bytes (bytes, error);
}

AtShapeLibrary *
at_shape_library_get_default (GError **error)
{
  static GMutex lock;
  static AtShapeLibrary *library;
  static GError *failure;
  g_mutex_lock (&lock);
  if (library == NULL && failure == NULL)
    {
      g_autoptr (GBytes) gz = g_resource_lookup_data (at_shapes_get_resource (), LIBRARY_RESOURCE, 0, &failure);
      if (gz != NULL)
        library = at_shape_library_new_from_bytes (gz, &failure);
    }
  if (library == NULL && error != NULL)
    *error = g_error_copy (failure);
  g_mutex_unlock (&lock);
  return library;
}

void
at_shape_library_free (AtShapeLibrary *lib)
{
  if (lib == NULL)
    return;
  g_clear_pointer (&lib->by_name, g_hash_table_unref);
  g_clear_pointer (&lib->by_tag, g_hash_table_unref);
  g_clear_pointer (&lib->shapes, g_ptr_array_unref);
  g_clear_pointer (&lib->source_names, g_ptr_array_unref);
  g_clear_pointer (&lib->source_licences, g_ptr_array_unref);
  g_free (lib->points);
  g_free (lib->checksum);
  g_free (lib);
}

guint
at_shape_library_get_n_shapes (const AtShapeLibrary *lib)
{
  return lib->shapes->len;
}

const AtShape *
at_shape_library_get_shape (const AtShapeLibrary *lib, guint i)
{
  g_return_val_if_fail (i < lib->shapes->len, NULL);
  return g_ptr_array_index (lib->shapes, i);
}

static const guint *
find (GHashTable *index, const char *word, guint *n)
{
  GArray *list = g_hash_table_lookup (index, word);
  *n = list != NULL ? list->len : 0;
  return list != NULL ? (const guint *) list->data : NULL;
}

int
at_shape_library_lookup (const AtShapeLibrary *lib, const char *name)
{
  guint n = 0;
  const guint *found = find (lib->by_name, name, &n);
  return n > 0 ? (int) found[0] : -1;
}

const guint *
at_shape_library_find_named (const AtShapeLibrary *lib, const char *name, guint *n)
{
  return find (lib->by_name, name, n);
}

const guint *
at_shape_library_find_tagged (const AtShapeLibrary *lib, const char *tag, guint *n)
{
  return find (lib->by_tag, tag, n);
}

guint
at_shape_library_get_n_sources (const AtShapeLibrary *lib)
{
  return lib->source_names->len;
}

const char *
at_shape_library_get_source_name (const AtShapeLibrary *lib, guint source)
{
  g_return_val_if_fail (source < lib->source_names->len, NULL);
  return g_ptr_array_index (lib->source_names, source);
}

const char *
at_shape_library_get_source_licence (const AtShapeLibrary *lib, guint source)
{
  g_return_val_if_fail (source < lib->source_licences->len, NULL);
  return g_ptr_array_index (lib->source_licences, source);
}

gsize
at_shape_library_get_file_size (const AtShapeLibrary *lib)
{
  return lib->file_size;
}

const char *
at_shape_library_get_checksum (const AtShapeLibrary *lib)
{
  return lib->checksum;
}
