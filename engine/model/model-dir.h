/* model-dir.h — where the built-in model's folder is, for everything
 * shipped in it (the image model, the speech prompt language model).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* $ATELIER_MODEL_DIR, else the first of the installed models and the
 * source tree's (running from the build directory) that holds file, else
 * the installed one. Free with g_free(). */
char *at_model_dir_find (const char *file);

G_END_DECLS
