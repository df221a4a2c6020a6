/* weights-checksum.c — SHA-256 of the model weights (weights-checksum.h). */
#define G_LOG_DOMAIN "atelier-engine"

#include "weights-checksum.h"

#define WEIGHTS_FILE "atelier-model.safetensors"

char *
at_engine_compute_weights_checksum (AtEngine *engine, GError **error)
{
  g_autofree char *path = g_build_filename (at_engine_get_model_dir (engine), WEIGHTS_FILE, NULL);
  g_autoptr (GMappedFile) file = g_mapped_file_new (path, FALSE, error);
  if (file == NULL)
    return NULL;
  g_autoptr (GBytes) bytes = g_mapped_file_get_bytes (file);
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}
