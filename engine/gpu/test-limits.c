/* test-limits.c — device limits lowered for tests (gpu-private.h).
 *
 * Real models meet maxStorageBufferRange (128 MiB on lavapipe) and span
 * many memory blocks; tests meet the same paths on small tensors by
 * lowering both when the AtGpu is made:
 *   ATELIER_TEST_MAX_STORAGE_RANGE=BYTES  lowers the storage-buffer range
 *     every binding check and at_gpu_max_binding_size() see;
 *   ATELIER_TEST_BLOCK_SIZE=BYTES  the size of the memory blocks tensors
 *     are suballocated from (normally 64 MiB).
 * A value that is not a positive number is ignored with a warning; a
 * value above the device's own limit changes nothing.
 */
#define G_LOG_DOMAIN "atelier-gpu"

#include <errno.h>
#include <stdlib.h>

#include "gpu/gpu-private.h"

/* The positive byte count in variable name, or 0 when unset or invalid. */
static guint64
env_bytes (const char *name)
{
  const char *value = g_getenv (name);
  if (value == NULL || *value == '\0')
    return 0;
  char *end = NULL;
  errno = 0;
  guint64 bytes = g_ascii_strtoull (value, &end, 10);
  if (errno != 0 || end == value || *end != '\0' || bytes == 0)
    {
      g_warning ("%s=%s is not a positive number of bytes: ignored", name, value);
      return 0;
    }
  return bytes;
}

void
at_gpu_apply_test_limits (AtGpu *gpu)
{
  guint64 range = env_bytes ("ATELIER_TEST_MAX_STORAGE_RANGE");
  if (range != 0 && range < gpu->props.limits.maxStorageBufferRange)
    gpu->props.limits.maxStorageBufferRange = range;
  guint64 block = env_bytes ("ATELIER_TEST_BLOCK_SIZE");
  if (block != 0 && block < gpu->block_size)
    gpu->block_size = block;
}
