/* scratch-dir.h — private working folders under the user's cache folder
 * ($XDG_CACHE_HOME/atelier/PURPOSE/PID-XXXXXX) instead of /tmp, so that
 * what a killed process leaves is found and removed by the next one.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Removes the folders of PURPOSE whose process is gone, then makes a new
 * one for this process. Free the path with g_free() after
 * at_scratch_dir_remove(). */
char *at_scratch_dir_new (const char *purpose, GError **error);

/* Removes dir and the files in it (it holds no sub-folders). */
void at_scratch_dir_remove (const char *dir);

G_END_DECLS
