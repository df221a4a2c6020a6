/* fuzz-util.c — scratch files and log set-up for the harnesses. */
#include <stdlib.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "fuzz-util.h"

static GHashTable *paths;   /* suffix -> path */

static void
remove_files (void)
{
  GHashTableIter iter;
  gpointer path;
  g_hash_table_iter_init (&iter, paths);
  while (g_hash_table_iter_next (&iter, NULL, &path))
    g_unlink (path);
}

/* Criticals and errors abort (SIGABRT, which libFuzzer catches and saves
 * the input for; GLib's own fatal path would trap instead); the rest is
 * quiet. */
static void
quiet_log (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    {
      g_log_default_handler (domain, level, message, data);
      abort ();
    }
}

void
fuzz_setup (void)
{
  static gboolean done;
  if (done)
    return;
  done = TRUE;
  g_log_set_default_handler (quiet_log, NULL);
  paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  atexit (remove_files);
}

const char *
fuzz_file (const uint8_t *data, size_t size, const char *suffix)
{
  fuzz_setup ();
  char *path = g_hash_table_lookup (paths, suffix);
  if (path == NULL)
    {
      g_autofree char *name = g_strdup_printf ("atelier-fuzz-%d%s", (int) getpid (), suffix);
      path = g_build_filename (g_get_tmp_dir (), name, NULL);
      g_hash_table_insert (paths, g_strdup (suffix), path);
    }
  if (!g_file_set_contents_full (path, (const char *) data, size, G_FILE_SET_CONTENTS_NONE, 0600, NULL))
    abort ();
  return path;
}
