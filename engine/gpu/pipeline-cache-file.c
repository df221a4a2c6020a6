/* pipeline-cache-file.c — size cap, header check, mmap. */
#define G_LOG_DOMAIN "atelier-gpu"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "gpu/pipeline-cache-file.h"

/* VkPipelineCacheHeaderVersionOne, little-endian as the driver writes it
 * on this machine: headerSize, headerVersion, vendorID, deviceID, UUID. */
#define HEADER_BYTES (16 + VK_UUID_SIZE)

static guint32
u32_at (const guint8 *p)
{
  guint32 v;
  memcpy (&v, p, sizeof v);
  return v;
}

gboolean
at_pipeline_cache_header_ok (const void *data, gsize size, const VkPhysicalDeviceProperties *props,
                             const char **why_not)
{
  const guint8 *p = data;
  const char *why = NULL;
  if (size < HEADER_BYTES)
    why = "shorter than its header";
  else if (u32_at (p) < HEADER_BYTES || u32_at (p) > size)
    why = "header size out of range";
  else if (u32_at (p + 4) != VK_PIPELINE_CACHE_HEADER_VERSION_ONE)
    why = "unknown header version";
  else if (u32_at (p + 8) != props->vendorID || u32_at (p + 12) != props->deviceID)
    why = "made for another device";
  else if (memcmp (p + 16, props->pipelineCacheUUID, VK_UUID_SIZE) != 0)
    why = "made by another driver build";
  if (why_not != NULL)
    *why_not = why;
  return why == NULL;
}

GMappedFile *
at_pipeline_cache_file_map (const char *path, const VkPhysicalDeviceProperties *props)
{
  GStatBuf st;
  if (g_stat (path, &st) != 0)
    return NULL;
  if (!S_ISREG (st.st_mode) || (guint64) st.st_size > AT_PIPELINE_CACHE_MAX_BYTES)
    {
      g_debug ("Ignoring the pipeline cache %s: not a regular file of at most %u bytes", path,
               AT_PIPELINE_CACHE_MAX_BYTES);
      return NULL;
    }
  GMappedFile *file = g_mapped_file_new (path, FALSE, NULL);
  if (file == NULL)
    return NULL;
  const char *why = NULL;
  if (!at_pipeline_cache_header_ok (g_mapped_file_get_contents (file), g_mapped_file_get_length (file), props,
                                    &why))
    {
      g_debug ("Ignoring the pipeline cache %s: %s", path, why);
      g_mapped_file_unref (file);
      return NULL;
    }
  return file;
}
