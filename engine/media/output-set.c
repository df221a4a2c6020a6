/* output-set.c — outputs checked up front, committed together. */
#define G_LOG_DOMAIN "atelier-media"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "media/output-set.h"

struct _AtOutputSet {
  GPtrArray *files;   /* AtAtomicFile* */
  GPtrArray *whats;   /* char*: the option that named each */
  GPtrArray *keys;    /* char*: which file each is, NULL for a device */
};

AtOutputSet *
at_output_set_new (void)
{
  AtOutputSet *set = g_new0 (AtOutputSet, 1);
  set->files = g_ptr_array_new_with_free_func ((GDestroyNotify) at_atomic_file_free);
  set->whats = g_ptr_array_new_with_free_func (g_free);
  set->keys = g_ptr_array_new_with_free_func (g_free);
  return set;
}

void
at_output_set_free (AtOutputSet *set)
{
  if (set == NULL)
    return;
  g_ptr_array_unref (set->files);
  g_ptr_array_unref (set->whats);
  g_ptr_array_unref (set->keys);
  g_free (set);
}

/* The same key for two spellings of one file: its inode when it exists,
 * else its folder's real path and its name. */
static char *
file_key (const char *path)
{
  GStatBuf st;
  if (g_stat (path, &st) == 0)
    return g_strdup_printf ("%ju:%ju", (uintmax_t) st.st_dev, (uintmax_t) st.st_ino);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  char *real = realpath (dir, NULL);
  char *key = g_build_filename (real != NULL ? real : dir, base, NULL);
  free (real);
  return key;
}

AtAtomicFile *
at_output_set_add (AtOutputSet *set, const char *what, const char *path, GError **error)
{
  g_return_val_if_fail (set != NULL && what != NULL && path != NULL, NULL);
  g_autoptr (AtAtomicFile) f = at_atomic_file_new (path, error);
  if (f == NULL)
    {
      g_prefix_error (error, "%s: ", what);
      return NULL;
    }
  char *key = at_atomic_file_is_special (f) ? NULL : file_key (path);
  for (guint i = 0; key != NULL && i < set->keys->len; i++)
    if (g_strcmp0 (key, set->keys->pdata[i]) == 0)
      {
        g_autofree char *display = g_filename_display_name (path);
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST, "%s and %s name the same file “%s”; give each its own",
                     (const char *) set->whats->pdata[i], what, display);
        g_free (key);
        return NULL;
      }
  g_ptr_array_add (set->keys, key);
  g_ptr_array_add (set->whats, g_strdup (what));
  g_ptr_array_add (set->files, f);
  return g_steal_pointer (&f);
}

guint
at_output_set_get_length (AtOutputSet *set)
{
  return set->files->len;
}

AtAtomicFile *
at_output_set_get (AtOutputSet *set, guint index)
{
  g_return_val_if_fail (index < set->files->len, NULL);
  return set->files->pdata[index];
}

gboolean
at_output_set_commit (AtOutputSet *set, GError **error)
{
  for (guint i = 0; i < set->files->len; i++)
    if (!at_atomic_file_commit (set->files->pdata[i], error))
      return FALSE;
  return TRUE;
}
