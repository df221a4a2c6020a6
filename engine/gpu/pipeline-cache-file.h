/* pipeline-cache-file.h — reading the saved VkPipelineCache safely: the
 * file is mapped, not read whole, and handed to the driver only when its
 * size is sane and its header (Vulkan's VkPipelineCacheHeaderVersionOne)
 * names this very device; anything else is ignored and costs only compile
 * time. */
#pragma once

#include <glib.h>
#include <vulkan/vulkan.h>

G_BEGIN_DECLS

/* Larger files are ignored unread (lavapipe's cache of every Atelier
 * pipeline is a few MB). */
#define AT_PIPELINE_CACHE_MAX_BYTES (256u * 1024 * 1024)

/* TRUE when data starts with a version-one header of props' vendor,
 * device and pipelineCacheUUID; why_not says what did not match. */
gboolean at_pipeline_cache_header_ok (const void *data, gsize size, const VkPhysicalDeviceProperties *props,
                                      const char **why_not);

/* The file mapped, when it exists, is at most AT_PIPELINE_CACHE_MAX_BYTES
 * and its header is props'; NULL otherwise. */
GMappedFile *at_pipeline_cache_file_map (const char *path, const VkPhysicalDeviceProperties *props);

G_END_DECLS
