/* autosave.c — autosave slots: a project file and a flock()ed lock file
 * named by a random UUID. */
#define G_LOG_DOMAIN "atelier-ui"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ui/autosave.h"

#define SUFFIX ".atelier"

struct _AtAutosave {
  char *dir;
  char *id;
  int lock_fd;
};

char *
at_autosave_dir (void)
{
  return g_build_filename (g_get_user_state_dir (), "atelier", "autosave", NULL);
}

static char *
slot_path (const AtAutosave *slot, const char *suffix)
{
  g_autofree char *name = g_strconcat (slot->id, suffix, NULL);
  return g_build_filename (slot->dir, name, NULL);
}

/* Locks ID.lock without waiting; -1 when another process holds it (or it
 * cannot be opened). */
static int
lock_slot (const char *dir, const char *id)
{
  g_autofree char *name = g_strconcat (id, ".lock", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return -1;
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

static AtAutosave *
slot_new (const char *dir, const char *id, int lock_fd)
{
  AtAutosave *slot = g_new0 (AtAutosave, 1);
  slot->dir = g_strdup (dir);
  slot->id = g_strdup (id);
  slot->lock_fd = lock_fd;
  return slot;
}

AtAutosave *
at_autosave_new (GError **error)
{
  g_autofree char *dir = at_autosave_dir ();
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int err = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), "Cannot make the autosave folder “%s”: %s",
                   dir, g_strerror (err));
      return NULL;
    }
  g_autofree char *id = g_uuid_string_random ();
  int fd = lock_slot (dir, id);
  if (fd < 0)
    {
      int err = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), "Cannot write in the autosave folder “%s”: %s",
                   dir, g_strerror (err));
      return NULL;
    }
  return slot_new (dir, id, fd);
}

/* The slot's ID when name is "ID" + suffix with ID a UUID, else NULL. */
static char *
slot_id (const char *name, const char *suffix)
{
  if (!g_str_has_suffix (name, suffix))
    return NULL;
  g_autofree char *id = g_strndup (name, strlen (name) - strlen (suffix));
  return g_uuid_string_is_valid (id) ? g_steal_pointer (&id) : NULL;
}

/* A studio killed before its first autosave landed leaves only its lock
 * file: removed once no one holds it. */
static void
remove_stray_lock (const char *dir, const char *name)
{
  g_autofree char *id = slot_id (name, ".lock");
  if (id == NULL)
    return;
  int fd = lock_slot (dir, id);
  if (fd >= 0)
    at_autosave_free (slot_new (dir, id, fd));   /* removes the lock file if there is no project file */
}

static gint64
modified_time (const char *dir, const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GStatBuf st;
  return g_stat (path, &st) == 0 ? (gint64) st.st_mtime : -1;
}

/* A writer killed between naming its data and renaming it over the slot's
 * file leaves ".ID.atelier.XXXXXXXX" (media/atomic-file.c); no one writes
 * to an orphan, so they can go. */
static void
remove_leftovers (const char *dir, const char *id)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_autofree char *prefix = g_strconcat (".", id, SUFFIX ".", NULL);
  for (const char *name; d != NULL && (name = g_dir_read_name (d)) != NULL;)
    if (g_str_has_prefix (name, prefix))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_unlink (path);
      }
}

AtAutosave *
at_autosave_claim_orphan (void)
{
  g_autofree char *dir = at_autosave_dir ();
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  if (d == NULL)
    return NULL;
  AtAutosave *best = NULL;
  gint64 best_time = -1;
  for (const char *name; (name = g_dir_read_name (d)) != NULL;)
    {
      remove_stray_lock (dir, name);
      g_autofree char *id = slot_id (name, SUFFIX);
      if (id == NULL)
        continue;
      gint64 t = modified_time (dir, name);
      if (t <= best_time)
        continue;
      int fd = lock_slot (dir, id);
      if (fd < 0)
        continue;   /* its window is still open, in this studio or another */
      /* closed cleanly between the listing and the lock: nothing to recover */
      if (modified_time (dir, name) < 0)
        {
          AtAutosave *gone = slot_new (dir, id, fd);
          at_autosave_free (gone);
          continue;
        }
      remove_leftovers (dir, id);
      g_clear_pointer (&best, at_autosave_free);
      best = slot_new (dir, id, fd);
      best_time = t;
    }
  return best;
}

void
at_autosave_free (AtAutosave *slot)
{
  if (slot == NULL)
    return;
  g_autofree char *project = slot_path (slot, SUFFIX);
  if (!g_file_test (project, G_FILE_TEST_EXISTS))
    {
      /* removed while still locked, so no one locks a file about to go */
      g_autofree char *lock = slot_path (slot, ".lock");
      g_unlink (lock);
    }
  close (slot->lock_fd);
  g_free (slot->dir);
  g_free (slot->id);
  g_free (slot);
}

GFile *
at_autosave_get_file (AtAutosave *slot)
{
  g_return_val_if_fail (slot != NULL, NULL);
  g_autofree char *path = slot_path (slot, SUFFIX);
  return g_file_new_for_path (path);
}

void
at_autosave_remove (AtAutosave *slot)
{
  g_return_if_fail (slot != NULL);
  g_autofree char *path = slot_path (slot, SUFFIX);
  if (g_unlink (path) != 0 && errno != ENOENT)
    g_warning ("Cannot remove the autosave “%s”: %s", path, g_strerror (errno));
}

char *
at_autosave_set_aside (AtAutosave *slot, GError **error)
{
  g_return_val_if_fail (slot != NULL, NULL);
  g_autofree char *path = slot_path (slot, SUFFIX);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *suffix = g_strdup_printf (".damaged-%s" SUFFIX, date);
  g_autofree char *aside = slot_path (slot, suffix);
  if (g_rename (path, aside) != 0)
    {
      int err = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), "Cannot move the autosave “%s” aside: %s",
                   path, g_strerror (err));
      return NULL;
    }
  return g_steal_pointer (&aside);
}
