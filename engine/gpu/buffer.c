/* buffer.c — reference-counted ranges of device memory. */
#define G_LOG_DOMAIN "atelier-gpu"

#include <string.h>

#include "gpu/buffer.h"
#include "gpu/gpu-private.h"

struct _AtBuffer {
  gatomicrefcount ref;
  AtGpu *gpu;
  AtMemoryBlock *block;
  VkDeviceSize offset;
  VkDeviceSize size;
};

AtBuffer *
at_buffer_new (AtGpu *gpu, gsize size, GError **error)
{
  g_return_val_if_fail (gpu != NULL, NULL);
  g_autofree AtBuffer *buffer = g_new0 (AtBuffer, 1);
  if (!at_gpu_memory_alloc (gpu, size, &buffer->block, &buffer->offset, error))
    return NULL;
  g_atomic_ref_count_init (&buffer->ref);
  buffer->gpu = gpu;
  buffer->size = size;
  return g_steal_pointer (&buffer);
}

AtBuffer *
at_buffer_ref (AtBuffer *buffer)
{
  g_return_val_if_fail (buffer != NULL, NULL);
  g_atomic_ref_count_inc (&buffer->ref);
  return buffer;
}

void
at_buffer_unref (AtBuffer *buffer)
{
  if (buffer == NULL || !g_atomic_ref_count_dec (&buffer->ref))
    return;
  at_gpu_memory_release (buffer->gpu, buffer->block, buffer->offset, buffer->size);
  g_free (buffer);
}

gsize
at_buffer_get_size (AtBuffer *buffer)
{
  return buffer->size;
}

AtGpu *
at_buffer_get_gpu (AtBuffer *buffer)
{
  return buffer->gpu;
}

VkBuffer
at_buffer_get_vk (AtBuffer *buffer, VkDeviceSize *offset)
{
  *offset = buffer->offset;
  return buffer->block->buffer;
}

AtMemoryBlock *
at_buffer_get_block (AtBuffer *buffer)
{
  return buffer->block;
}

static gboolean
check_range (AtBuffer *buffer, gsize offset, gsize size, GError **error)
{
  if (offset > buffer->size || size > buffer->size - offset)
    {
      g_set_error (error, AT_GPU_ERROR, AT_GPU_ERROR_FAILED,
                   "Copy of %zu bytes at %zu is outside a buffer of %" G_GUINT64_FORMAT " bytes",
                   size, offset, (guint64) buffer->size);
      return FALSE;
    }
  return TRUE;
}

/* A host-visible buffer for one staging copy. */
typedef struct {
  VkBuffer buffer;
  VkDeviceMemory memory;
  void *mapped;
} Staging;

static void
staging_free (AtGpu *gpu, Staging *staging)
{
  if (staging->mapped != NULL)
    vkUnmapMemory (gpu->device, staging->memory);
  if (staging->buffer != VK_NULL_HANDLE)
    vkDestroyBuffer (gpu->device, staging->buffer, NULL);
  if (staging->memory != VK_NULL_HANDLE)
    vkFreeMemory (gpu->device, staging->memory, NULL);
}

static gboolean
staging_new (AtGpu *gpu, gsize size, Staging *staging, GError **error)
{
  return at_gpu_memory_new_buffer (gpu, size, VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
                                   gpu->staging_memory_type, &staging->buffer, &staging->memory, &staging->mapped,
                                   error);
}

/* Runs one buffer-to-buffer copy on the queue and waits for it. */
static gboolean
copy_and_wait (AtGpu *gpu, VkBuffer src, VkDeviceSize src_offset, VkBuffer dst,
               VkDeviceSize dst_offset, VkDeviceSize size, GError **error)
{
  VkCommandBufferAllocateInfo alloc = {
    .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
    .commandPool = gpu->transfer_pool,
    .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
    .commandBufferCount = 1,
  };
  VkCommandBuffer cb;
  VkFence fence = VK_NULL_HANDLE;
  gboolean ok = FALSE;
  g_mutex_lock (&gpu->queue_lock);
  if (!at_vk_check (vkAllocateCommandBuffers (gpu->device, &alloc, &cb), "vkAllocateCommandBuffers", error))
    {
      g_mutex_unlock (&gpu->queue_lock);
      return FALSE;
    }
  VkCommandBufferBeginInfo begin = {
    .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO,
    .flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT,
  };
  VkBufferCopy region = { src_offset, dst_offset, size };
  VkMemoryBarrier barrier = {
    .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
    .srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT,
    .dstAccessMask = VK_ACCESS_HOST_READ_BIT | VK_ACCESS_SHADER_READ_BIT,
  };
  VkFenceCreateInfo fence_info = { .sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO };
  VkSubmitInfo submit = {
    .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
    .commandBufferCount = 1,
    .pCommandBuffers = &cb,
  };
  if (at_vk_check (vkBeginCommandBuffer (cb, &begin), "vkBeginCommandBuffer", error))
    {
      vkCmdCopyBuffer (cb, src, dst, 1, &region);
      vkCmdPipelineBarrier (cb, VK_PIPELINE_STAGE_TRANSFER_BIT,
                            VK_PIPELINE_STAGE_HOST_BIT | VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                            0, 1, &barrier, 0, NULL, 0, NULL);
      ok = at_vk_check (vkEndCommandBuffer (cb), "vkEndCommandBuffer", error) &&
           at_vk_check (vkCreateFence (gpu->device, &fence_info, NULL, &fence), "vkCreateFence", error) &&
           at_gpu_queue_submit (gpu, &submit, fence, error) &&
           at_vk_check (vkWaitForFences (gpu->device, 1, &fence, VK_TRUE, UINT64_MAX), "vkWaitForFences", error);
    }
  if (fence != VK_NULL_HANDLE)
    vkDestroyFence (gpu->device, fence, NULL);
  vkFreeCommandBuffers (gpu->device, gpu->transfer_pool, 1, &cb);
  g_mutex_unlock (&gpu->queue_lock);
  return ok;
}

gboolean
at_buffer_upload (AtBuffer *buffer, gsize offset, const void *data, gsize size, GError **error)
{
  g_return_val_if_fail (buffer != NULL, FALSE);
  if (!check_range (buffer, offset, size, error))
    return FALSE;
  if (size == 0)
    return TRUE;
  if (buffer->block->mapped != NULL)
    {
      memcpy ((char *) buffer->block->mapped + buffer->offset + offset, data, size);
      return TRUE;
    }
  Staging staging = { 0 };
  gboolean ok = staging_new (buffer->gpu, size, &staging, error);
  if (ok)
    {
      memcpy (staging.mapped, data, size);
      ok = copy_and_wait (buffer->gpu, staging.buffer, 0, buffer->block->buffer,
                          buffer->offset + offset, size, error);
    }
  staging_free (buffer->gpu, &staging);
  return ok;
}

gboolean
at_buffer_download (AtBuffer *buffer, gsize offset, void *data, gsize size, GError **error)
{
  g_return_val_if_fail (buffer != NULL, FALSE);
  if (!check_range (buffer, offset, size, error))
    return FALSE;
  if (size == 0)
    return TRUE;
  if (buffer->block->mapped != NULL)
    {
      memcpy (data, (char *) buffer->block->mapped + buffer->offset + offset, size);
      return TRUE;
    }
  Staging staging = { 0 };
  gboolean ok = staging_new (buffer->gpu, size, &staging, error) &&
                copy_and_wait (buffer->gpu, buffer->block->buffer, buffer->offset + offset,
                               staging.buffer, 0, size, error);
  if (ok)
    memcpy (data, staging.mapped, size);
  staging_free (buffer->gpu, &staging);
  return ok;
}
