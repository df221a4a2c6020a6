/* atomic-file.c — unnamed until committed: O_TMPFILE + linkat, or a hidden
 * temporary name + rename where the file system has no O_TMPFILE. */
#define G_LOG_DOMAIN "atelier-media"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "media/atomic-file.h"

struct _AtAtomicFile {
  char *path;       /* as given, for messages */
  char *target;     /* what is replaced: path, or the file its symbolic link names */
  char *dir;        /* where the data lives until commit */
  char *tmp_path;   /* the hidden temporary name, NULL when unnamed (O_TMPFILE) */
  int fd;
  gboolean special; /* a device or FIFO: written through at commit */
  gboolean replaces;
  mode_t mode;      /* the replaced file's permissions */
  gboolean committed;
};

static gint no_tmpfile;

void
at_atomic_file_set_no_tmpfile_for_testing (gboolean disable)
{
  g_atomic_int_set (&no_tmpfile, disable);
}

static gboolean
fail_errno (GError **error, int err, const char *what, const char *path)
{
  g_autofree char *display = g_filename_display_name (path);
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), "%s “%s”: %s", what, display, g_strerror (err));
  return FALSE;
}

/* Names the file and the folder that would hold it. */
static gboolean
fail_in_folder (GError **error, int err, const AtAtomicFile *f)
{
  g_autofree char *display = g_filename_display_name (f->path);
  g_autofree char *dir = g_filename_display_name (f->dir);
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), "Cannot write “%s” in the folder “%s”: %s",
               display, dir, g_strerror (err));
  return FALSE;
}

static gboolean
refuse (GError **error, GFileError code, const char *path, const char *why)
{
  g_autofree char *display = g_filename_display_name (path);
  g_set_error (error, G_FILE_ERROR, code, "Cannot write “%s”: %s", display, why);
  return FALSE;
}

/* Decides where the bytes go from what is at path now. */
static gboolean
inspect_target (AtAtomicFile *f, GError **error)
{
  GStatBuf st;
  if (g_lstat (f->path, &st) == 0 && S_ISLNK (st.st_mode))
    {
      char *real = realpath (f->path, NULL);
      if (real != NULL)
        {
          g_free (f->target);
          f->target = g_strdup (real);
          free (real);
        }
    }
  if (g_stat (f->target, &st) != 0)
    {
      if (errno == ENOENT)
        return TRUE;   /* a new file (a dangling link is replaced) */
      return fail_errno (error, errno, "Cannot write", f->path);
    }
  if (S_ISDIR (st.st_mode))
    return refuse (error, G_FILE_ERROR_ISDIR, f->path, "it is a folder; name a file in it");
  if (S_ISBLK (st.st_mode) || S_ISSOCK (st.st_mode))
    return refuse (error, G_FILE_ERROR_INVAL, f->path, "it is a block device or socket, not a file");
  if (S_ISCHR (st.st_mode) || S_ISFIFO (st.st_mode))
    {
      f->special = TRUE;
      return TRUE;
    }
  f->replaces = TRUE;
  f->mode = st.st_mode & 07777;
  return TRUE;
}

static gboolean
open_unnamed (AtAtomicFile *f, GError **error)
{
#ifdef O_TMPFILE
  if (!g_atomic_int_get (&no_tmpfile))
    {
      f->fd = open (f->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0666);
      if (f->fd >= 0)
        return TRUE;
      /* no O_TMPFILE on this file system: fall through to a temporary name */
      if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
        return fail_in_folder (error, errno, f);
    }
#endif
  g_autofree char *base = g_path_get_basename (f->special ? "atelier" : f->target);
  g_autofree char *name = g_strdup_printf (".%s.XXXXXX", base);
  f->tmp_path = g_build_filename (f->dir, name, NULL);
  f->fd = g_mkstemp_full (f->tmp_path, O_RDWR | O_CLOEXEC, 0666);
  if (f->fd >= 0)
    return TRUE;
  int err = errno;
  g_clear_pointer (&f->tmp_path, g_free);
  return fail_in_folder (error, err, f);
}

AtAtomicFile *
at_atomic_file_new (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (*path == '\0')
    {
      g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "An empty file name");
      return NULL;
    }
  g_autoptr (AtAtomicFile) f = g_new0 (AtAtomicFile, 1);
  f->fd = -1;
  f->path = g_strdup (path);
  f->target = g_strdup (path);
  if (!inspect_target (f, error))
    return NULL;
  /* a device's folder (/dev) takes no files: buffer in the temporary folder */
  f->dir = f->special ? g_strdup (g_get_tmp_dir ()) : g_path_get_dirname (f->target);
  if (!open_unnamed (f, error))
    return NULL;
  return g_steal_pointer (&f);
}

void
at_atomic_file_free (AtAtomicFile *f)
{
  if (f == NULL)
    return;
  if (f->fd >= 0)
    close (f->fd);
  if (f->tmp_path != NULL && !f->committed)
    g_unlink (f->tmp_path);
  g_free (f->path);
  g_free (f->target);
  g_free (f->dir);
  g_free (f->tmp_path);
  g_free (f);
}

int
at_atomic_file_get_fd (AtAtomicFile *f)
{
  return f->fd;
}

const char *
at_atomic_file_get_path (AtAtomicFile *f)
{
  return f->path;
}

gboolean
at_atomic_file_is_special (AtAtomicFile *f)
{
  return f->special;
}

static gboolean
write_fd (int fd, const char *data, gsize len, int *err)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          *err = n < 0 ? errno : EIO;
          return FALSE;
        }
      data += n;
      len -= n;
    }
  return TRUE;
}

gboolean
at_atomic_file_write_all (AtAtomicFile *f, const void *data, gsize len, GError **error)
{
  int err = 0;
  if (!write_fd (f->fd, data, len, &err))
    return fail_errno (error, err, "Cannot write", f->path);
  return TRUE;
}

/* Makes the new name durable; failure here loses nothing. */
static void
sync_directory (const char *dir)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

/* Copies the finished bytes into the device or FIFO. */
static gboolean
write_through (AtAtomicFile *f, GError **error)
{
  int out = open (f->target, O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (out < 0)
    return fail_errno (error, errno, "Cannot open", f->path);
  char buf[65536];
  int err = 0;
  gboolean ok = lseek (f->fd, 0, SEEK_SET) == 0 || (err = errno, FALSE);
  while (ok)
    {
      ssize_t n = read (f->fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        err = errno, ok = FALSE;
      if (n <= 0)
        break;
      ok = write_fd (out, buf, n, &err);
    }
  if (close (out) != 0 && ok)
    err = errno, ok = FALSE;
  return ok || fail_errno (error, err, "Cannot write", f->path);
}

/* An unnamed file gets a name: directly when the target is new (linkat
 * never replaces), else a temporary name renamed over the target. */
static gboolean
link_unnamed (AtAtomicFile *f, GError **error)
{
  g_autofree char *proc = g_strdup_printf ("/proc/self/fd/%d", f->fd);
  if (linkat (AT_FDCWD, proc, AT_FDCWD, f->target, AT_SYMLINK_FOLLOW) == 0)
    return TRUE;
  if (errno != EEXIST)
    return fail_errno (error, errno, "Cannot create", f->path);
  g_autofree char *base = g_path_get_basename (f->target);
  for (int attempt = 0; attempt < 100; attempt++)
    {
      g_autofree char *name = g_strdup_printf (".%s.%08x", base, g_random_int ());
      g_autofree char *tmp = g_build_filename (f->dir, name, NULL);
      if (linkat (AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) != 0)
        {
          if (errno == EEXIST)
            continue;
          return fail_errno (error, errno, "Cannot create", f->path);
        }
      if (g_rename (tmp, f->target) != 0)
        {
          int err = errno;
          g_unlink (tmp);
          return fail_errno (error, err, "Cannot replace", f->path);
        }
      return TRUE;
    }
  return fail_errno (error, EEXIST, "Cannot create", f->path);
}

gboolean
at_atomic_file_commit (AtAtomicFile *f, GError **error)
{
  g_return_val_if_fail (f != NULL && !f->committed, FALSE);
  if (f->special)
    {
      f->committed = write_through (f, error);
      return f->committed;
    }
  /* the data must be on disk before the name makes it the file */
  if (fsync (f->fd) != 0)
    return fail_errno (error, errno, "Cannot save", f->path);
  if (f->replaces && fchmod (f->fd, f->mode) != 0)
    return fail_errno (error, errno, "Cannot save", f->path);
  if (f->tmp_path == NULL)
    {
      if (!link_unnamed (f, error))
        return FALSE;
    }
  else if (g_rename (f->tmp_path, f->target) != 0)
    return fail_errno (error, errno, "Cannot replace", f->path);
  f->committed = TRUE;
  sync_directory (f->dir);
  return TRUE;
}

gboolean
at_atomic_file_set_contents (const char *path, const void *data, gsize len, GError **error)
{
  g_autoptr (AtAtomicFile) f = at_atomic_file_new (path, error);
  return f != NULL && at_atomic_file_write_all (f, data, len, error) && at_atomic_file_commit (f, error);
}
