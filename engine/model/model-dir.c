/* model-dir.c — finding the built-in model's folder in one place, so the
 * engine and the transcriber agree on it (model-dir.h). */
#include "atelier-config.h"
#include "model/model-dir.h"

char *
at_model_dir_find (const char *file)
{
  const char *env = g_getenv ("ATELIER_MODEL_DIR");
  if (env != NULL && *env != '\0')
    return g_strdup (env);
  const char *candidates[] = { AT_MODEL_DIR, AT_SOURCE_MODEL_DIR };
  for (gsize i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      g_autofree char *path = g_build_filename (candidates[i], file, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_strdup (candidates[i]);
    }
  return g_strdup (AT_MODEL_DIR);
}
