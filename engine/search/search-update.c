/* search-update.c — indexes kept up to date with folders and image lists (search-update.h). */
#define G_LOG_DOMAIN "atelier-engine"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "search/search-query.h"
#include "search/search-update.h"

void
at_search_update_clear (AtSearchUpdate *update)
{
  g_clear_pointer (&update->skipped, g_ptr_array_unref);
  g_clear_pointer (&update->notice, g_free);
  memset (update, 0, sizeof *update);
}

/* One thing to index: its key and stamp, and how to get its image. */
typedef struct {
  char *key, *stamp;
  char *path;             /* a file to load, or NULL */
  const AtImage *image;   /* else the image itself */
} Source;

static void
source_clear (Source *s)
{
  g_free (s->key);
  g_free (s->stamp);
  g_free (s->path);
}

/* Whether a failure to read a source skips it rather than stopping the update. */
static gboolean
is_bad_file (const GError *error)
{
  return error->domain == AT_IMAGE_ERROR || error->domain == G_FILE_ERROR;
}

/* Embeds the sources index lacks, drops entries of others. */
static gboolean
update_index (AtEngine *engine, AtSearchIndex *index, GArray *sources, GCancellable *cancellable,
              AtSearchUpdate *update, GError **error)
{
  if (update->skipped == NULL)
    update->skipped = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < sources->len; i++)
    {
      const Source *s = &g_array_index (sources, Source, i);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      g_hash_table_add (keys, s->key);
      if (at_search_index_lookup (index, s->key, s->stamp) != NULL)
        {
          update->kept++;
          continue;
        }
      GError *local = NULL;
      g_autoptr (AtImage) loaded = s->path != NULL ? at_image_load (s->path, &local) : NULL;
      const AtImage *image = s->path != NULL ? loaded : s->image;
      g_autofree float *e = image != NULL ? at_engine_search_embed_image (engine, image, &local) : NULL;
      if (e == NULL && is_bad_file (local))
        {
          g_ptr_array_add (update->skipped, g_strdup_printf ("%s: %s", s->key, local->message));
          g_error_free (local);
          g_hash_table_remove (keys, s->key);
          continue;
        }
      if (e == NULL)
        {
          g_propagate_error (error, local);
          return FALSE;
        }
      at_search_index_set (index, s->key, s->stamp, e);
      update->embedded++;
    }
  update->removed = at_search_index_retain (index, keys);
  return TRUE;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The PNG files of dir as sources, by name. */
static GArray *
folder_sources (const char *dir, GError **error)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, error);
  if (d == NULL)
    return NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *lower = g_ascii_strdown (name, -1);
      if (g_str_has_suffix (lower, ".png") && name[0] != '.')
        g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_sort (names, compare_names);
  GArray *sources = g_array_new (FALSE, TRUE, sizeof (Source));
  g_array_set_clear_func (sources, (GDestroyNotify) source_clear);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, names->pdata[i], NULL);
      GStatBuf st;
      if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
        continue;
      Source s = { g_strdup (names->pdata[i]), NULL, g_steal_pointer (&path), NULL };
      s.stamp = g_strdup_printf ("%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT, (gint64) st.st_size, (gint64) st.st_mtime);
      g_array_append_val (sources, s);
    }
  return sources;
}

/* The cache of dir if it is usable with this model, else a new index and why. */
static AtSearchIndex *
folder_cache (AtEngine *engine, const char *cache, AtSearchUpdate *update, GError **error)
{
  const char *model = at_engine_search_get_model_id (engine, error);
  if (model == NULL)
    return NULL;
  g_autoptr (GError) local = NULL;
  g_autoptr (AtSearchIndex) index = NULL;
  if (g_file_test (cache, G_FILE_TEST_EXISTS))
    {
      index = at_search_index_load (cache, &local);
      if (index == NULL)
        update->notice = g_strdup_printf ("the search cache was not read (%s); every image is embedded again",
                                          local->message);
      else if (g_strcmp0 (at_search_index_get_model (index), model) != 0
               || at_search_index_get_dim (index) != at_engine_search_get_dim (engine))
        {
          update->notice = g_strdup ("the search cache was made with other model weights; every image is embedded again");
          g_clear_pointer (&index, at_search_index_free);
        }
    }
  return index != NULL ? g_steal_pointer (&index) : at_search_index_new (model, at_engine_search_get_dim (engine));
}

AtSearchIndex *
at_engine_search_index_folder (AtEngine *engine, const char *dir, GCancellable *cancellable,
                               AtSearchUpdate *update, GError **error)
{
  g_return_val_if_fail (engine != NULL && dir != NULL && update != NULL, NULL);
  g_autoptr (GArray) sources = folder_sources (dir, error);
  if (sources == NULL)
    return NULL;
  g_autofree char *cache = g_build_filename (dir, AT_SEARCH_FOLDER_CACHE, NULL);
  g_autoptr (AtSearchIndex) index = folder_cache (engine, cache, update, error);
  if (index == NULL || !update_index (engine, index, sources, cancellable, update, error))
    return NULL;
  if ((update->embedded > 0 || update->removed > 0 || update->notice != NULL)
      && !at_search_index_save (index, cache, error))
    return NULL;
  return g_steal_pointer (&index);
}

char *
at_search_image_key (const AtImage *image)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint32 header[3] = { GUINT32_TO_LE (image->width), GUINT32_TO_LE (image->height),
                        GUINT32_TO_LE (image->channels) };
  g_checksum_update (sum, (const guchar *) header, sizeof header);
  g_checksum_update (sum, image->pixels, at_image_get_nbytes (image));
  return g_strdup (g_checksum_get_string (sum));
}

gboolean
at_engine_search_index_images (AtEngine *engine, AtSearchIndex **index, AtImage *const *images, guint n,
                               GCancellable *cancellable, AtSearchUpdate *update, GError **error)
{
  g_return_val_if_fail (engine != NULL && index != NULL && update != NULL, FALSE);
  const char *model = at_engine_search_get_model_id (engine, error);
  if (model == NULL)
    return FALSE;
  if (*index != NULL && g_strcmp0 (at_search_index_get_model (*index), model) != 0)
    {
      update->notice = g_strdup ("the stored search index was made with other model weights; every image is embedded again");
      g_clear_pointer (index, at_search_index_free);
    }
  if (*index == NULL)
    *index = at_search_index_new (model, at_engine_search_get_dim (engine));
  g_autoptr (GArray) sources = g_array_new (FALSE, TRUE, sizeof (Source));
  g_array_set_clear_func (sources, (GDestroyNotify) source_clear);
  for (guint i = 0; i < n; i++)
    {
      char *key = at_search_image_key (images[i]);
      Source s = { key, g_strdup (key), NULL, images[i] };
      g_array_append_val (sources, s);
    }
  return update_index (engine, *index, sources, cancellable, update, error);
}
