/* scratch-dir.c — per-process folders in the cache, reaped by PID. */
#define G_LOG_DOMAIN "atelier-media"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "media/scratch-dir.h"

void
at_scratch_dir_remove (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

/* A folder "PID-XXXXXX" whose process no longer exists. */
static gboolean
is_stale (const char *name)
{
  char *end = NULL;
  guint64 pid = g_ascii_strtoull (name, &end, 10);
  if (end == name || *end != '-' || pid == 0 || pid > G_MAXINT)
    return FALSE;
  return kill ((pid_t) pid, 0) != 0 && errno == ESRCH;
}

static void
remove_stale (const char *parent)
{
  g_autoptr (GDir) d = g_dir_open (parent, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (is_stale (name))
      {
        g_autofree char *path = g_build_filename (parent, name, NULL);
        at_scratch_dir_remove (path);
      }
}

char *
at_scratch_dir_new (const char *purpose, GError **error)
{
  g_autofree char *parent = g_build_filename (g_get_user_cache_dir (), "atelier", purpose, NULL);
  if (g_mkdir_with_parents (parent, 0700) != 0)
    {
      int err = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), "Cannot make the folder %s: %s", parent,
                   g_strerror (err));
      return NULL;
    }
  remove_stale (parent);
  g_autofree char *name = g_strdup_printf ("%d-XXXXXX", (int) getpid ());
  char *dir = g_build_filename (parent, name, NULL);
  if (g_mkdtemp_full (dir, 0700) == NULL)
    {
      int err = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), "Cannot make a folder in %s: %s", parent,
                   g_strerror (err));
      g_free (dir);
      return NULL;
    }
  return dir;
}
