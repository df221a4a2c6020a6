/* sd-library.c — the user's SD models folder (sd-library.h). */
#include "sd/sd-library.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "media/atomic-file.h"

#define SUFFIX ".safetensors"
#define COPY_CHUNK (4u << 20)

void
at_sd_library_entry_free (AtSdLibraryEntry *e)
{
  if (e == NULL)
    return;
  g_free (e->name);
  g_free (e->path);
  g_free (e->target);
  g_free (e->kind);
  g_free (e->problem);
  g_free (e);
}

char *
at_sd_library_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "atelier", "models", NULL);
}

/* name, path, link target and size of one library file; kind and
 * prediction when the checkpoint opens, else the reason. */
static AtSdLibraryEntry *
describe (const char *dir, const char *file_name)
{
  AtSdLibraryEntry *e = g_new0 (AtSdLibraryEntry, 1);
  e->name = g_strndup (file_name, strlen (file_name) - strlen (SUFFIX));
  e->path = g_build_filename (dir, file_name, NULL);
  e->target = g_file_read_link (e->path, NULL);
  GStatBuf st;
  if (g_stat (e->path, &st) == 0)
    e->size = st.st_size;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtSdCheckpoint) ckpt = at_sd_checkpoint_open (e->path, AT_SD_PREDICTION_AUTO, &error);
  if (ckpt == NULL)
    {
      e->problem = g_strdup (error->message);
      return e;
    }
  e->arch = *at_sd_checkpoint_get_arch (ckpt);
  e->kind = g_strdup (e->arch.kind_name);
  e->prediction = at_sd_checkpoint_get_prediction (ckpt, NULL);
  return e;
}

GPtrArray *
at_sd_library_list (GError **error)
{
  g_autofree char *dir = at_sd_library_dir ();
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) at_sd_library_entry_free);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    return out;
  g_autoptr (GDir) d = g_dir_open (dir, 0, error);
  if (d == NULL)
    {
      g_ptr_array_unref (out);
      return NULL;
    }
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *n;
  while ((n = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (n, SUFFIX) && n[0] != '.')
      g_ptr_array_add (names, g_strdup (n));
  g_ptr_array_sort (names, at_sd_compare_strings);
  for (guint i = 0; i < names->len; i++)
    g_ptr_array_add (out, describe (dir, names->pdata[i]));
  return out;
}

gint
at_sd_library_find (GPtrArray *entries, const char *name)
{
  for (guint i = 0; i < entries->len; i++)
    if (g_strcmp0 (((AtSdLibraryEntry *) entries->pdata[i])->name, name) == 0)
      return (gint) i;
  return -1;
}

static gboolean
set_errno_error (GError **error, int err, const char *what, const char *path)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err), "%s %s: %s", what, path, g_strerror (err));
  return FALSE;
}

/* Copies [off, end) of src to the same offsets of dst. */
static gboolean
copy_range (int src, int dst, off_t off, off_t end, const char *path, GCancellable *cancellable, GError **error)
{
  g_autofree char *buf = g_malloc (COPY_CHUNK);
  while (off < end)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      ssize_t n = pread (src, buf, MIN ((off_t) COPY_CHUNK, end - off), off);
      if (n <= 0)
        return set_errno_error (error, n == 0 ? EIO : errno, "cannot read", path);
      for (ssize_t done = 0; done < n;)
        {
          ssize_t w = pwrite (dst, buf + done, n - done, off + done);
          if (w < 0)
            return set_errno_error (error, errno, "cannot write the copy of", path);
          done += w;
        }
      off += n;
    }
  return TRUE;
}

/* The data of src into dst, skipping holes (SEEK_DATA/SEEK_HOLE; the whole
 * file where the file system cannot tell). */
static gboolean
copy_sparse (int src, int dst, off_t size, const char *path, GCancellable *cancellable, GError **error)
{
  if (ftruncate (dst, size) != 0)
    return set_errno_error (error, errno, "cannot size the copy of", path);
  off_t pos = 0;
  while (pos < size)
    {
      off_t data = lseek (src, pos, SEEK_DATA);
      if (data < 0 && errno == ENXIO)
        return TRUE;   /* only a hole is left */
      if (data < 0)
        return copy_range (src, dst, pos, size, path, cancellable, error);
      off_t hole = lseek (src, data, SEEK_HOLE);
      if (hole < 0)
        hole = size;
      if (!copy_range (src, dst, data, hole, path, cancellable, error))
        return FALSE;
      pos = hole;
    }
  return TRUE;
}

static gboolean
copy_file (const char *from, const char *to, GCancellable *cancellable, GError **error)
{
  int src = g_open (from, O_RDONLY | O_CLOEXEC, 0);
  if (src < 0)
    return set_errno_error (error, errno, "cannot open", from);
  GStatBuf st;
  gboolean ok = fstat (src, &st) == 0;
  if (!ok)
    set_errno_error (error, errno, "cannot read", from);
  g_autoptr (AtAtomicFile) out = ok ? at_atomic_file_new (to, error) : NULL;
  ok = out != NULL && copy_sparse (src, at_atomic_file_get_fd (out), st.st_size, from, cancellable, error) &&
       at_atomic_file_commit (out, error);
  close (src);
  return ok;
}

AtSdLibraryEntry *
at_sd_library_add (const char *file, gboolean link, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (file != NULL, NULL);
  g_autoptr (AtSdCheckpoint) ckpt = at_sd_checkpoint_open (file, AT_SD_PREDICTION_AUTO, error);
  if (ckpt == NULL)
    return NULL;
  g_clear_pointer (&ckpt, at_sd_checkpoint_free);
  g_autofree char *base = g_path_get_basename (file);
  g_autofree char *file_name = g_str_has_suffix (base, SUFFIX) ? g_strdup (base) : g_strconcat (base, SUFFIX, NULL);
  g_autofree char *dir = at_sd_library_dir ();
  g_autofree char *dest = g_build_filename (dir, file_name, NULL);
  if (g_file_test (dest, G_FILE_TEST_EXISTS) || g_file_test (dest, G_FILE_TEST_IS_SYMLINK))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "a model named \"%.*s\" is already in the library; remove it first", (int) (strlen (file_name) -
                   strlen (SUFFIX)), file_name);
      return NULL;
    }
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      set_errno_error (error, errno, "cannot create", dir);
      return NULL;
    }
  if (link)
    {
      g_autoptr (GFile) f = g_file_new_for_path (file);
      g_autofree char *abs = g_file_get_path (f);
      if (symlink (abs, dest) != 0)
        {
          set_errno_error (error, errno, "cannot link", dest);
          return NULL;
        }
    }
  else if (!copy_file (file, dest, cancellable, error))
    return NULL;
  return describe (dir, file_name);
}

gboolean
at_sd_library_remove (const char *name, GError **error)
{
  g_return_val_if_fail (name != NULL, FALSE);
  if (*name == '\0' || strchr (name, '/') != NULL || name[0] == '.')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "\"%s\" is not a model name", name);
      return FALSE;
    }
  g_autofree char *dir = at_sd_library_dir ();
  g_autofree char *file_name = g_str_has_suffix (name, SUFFIX) ? g_strdup (name) : g_strconcat (name, SUFFIX, NULL);
  g_autofree char *path = g_build_filename (dir, file_name, NULL);
  if (g_unlink (path) != 0)
    {
      int err = errno;
      if (err == ENOENT)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       "there is no model called \"%s\" (atelier models list shows them)", name);
          return FALSE;
        }
      return set_errno_error (error, err, "cannot remove", path);
    }
  return TRUE;
}
