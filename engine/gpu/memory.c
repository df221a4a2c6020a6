/* memory.c — device memory in large blocks, handed out as aligned ranges.
 *
 * Blocks are min(64 MiB, maxMemoryAllocationSize) or exactly the request
 * when it is larger (ATELIER_TEST_BLOCK_SIZE lowers the 64 MiB, test-limits.c); each range is first-fit from a sorted free list that
 * coalesces on release. A block whose last range is released is kept, so
 * steady-state generation allocates nothing from the driver.
 */
#define G_LOG_DOMAIN "atelier-gpu"

#include "gpu/gpu-private.h"

#define BLOCK_SIZE ((VkDeviceSize) 64 << 20)

static gboolean
find_memory_type (VkPhysicalDeviceMemoryProperties *props, guint32 type_bits,
                  VkMemoryPropertyFlags want, guint32 *index)
{
  for (guint32 i = 0; i < props->memoryTypeCount; i++)
    if ((type_bits & (1u << i)) && (props->memoryTypes[i].propertyFlags & want) == want)
      {
        *index = i;
        return TRUE;
      }
  return FALSE;
}

VkDeviceSize
at_gpu_memory_alignment (AtGpu *gpu)
{
  return at_gpu_binding_alignment (gpu);
}

static VkBufferUsageFlags
block_usage (void)
{
  return VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT |
         VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
}

/* Picks memory types: device-local for tensors, host-visible for staging. */
gboolean
at_gpu_memory_init (AtGpu *gpu, GError **error)
{
  VkPhysicalDeviceMemoryProperties props;
  vkGetPhysicalDeviceMemoryProperties (gpu->physical, &props);
  /* Probe which memory types a storage buffer may use. */
  VkBufferCreateInfo probe_info = {
    .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
    .size = 4096,
    .usage = block_usage (),
  };
  VkBuffer probe;
  if (!at_vk_check (vkCreateBuffer (gpu->device, &probe_info, NULL, &probe), "vkCreateBuffer", error))
    return FALSE;
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements (gpu->device, probe, &req);
  vkDestroyBuffer (gpu->device, probe, NULL);

  const VkMemoryPropertyFlags host = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT |
                                     VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  gboolean force_staging = g_strcmp0 (g_getenv ("ATELIER_FORCE_STAGING"), "1") == 0;
  if (!force_staging &&
      find_memory_type (&props, req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT | host,
                        &gpu->device_memory_type))
    gpu->device_memory_mappable = TRUE;
  else if (!find_memory_type (&props, req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT,
                              &gpu->device_memory_type) &&
           !find_memory_type (&props, req.memoryTypeBits, 0, &gpu->device_memory_type))
    {
      g_set_error (error, AT_GPU_ERROR, AT_GPU_ERROR_FAILED, "No memory type for storage buffers");
      return FALSE;
    }
  if (!find_memory_type (&props, req.memoryTypeBits, host, &gpu->staging_memory_type))
    {
      g_set_error (error, AT_GPU_ERROR, AT_GPU_ERROR_FAILED, "No host-visible memory for staging");
      return FALSE;
    }
  VkPhysicalDeviceMaintenance3Properties m3 = {
    .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES,
  };
  VkPhysicalDeviceProperties2 props2 = {
    .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
    .pNext = &m3,
  };
  vkGetPhysicalDeviceProperties2 (gpu->physical, &props2);
  gpu->max_allocation = m3.maxMemoryAllocationSize;
  gpu->block_size = gpu->max_allocation != 0 ? MIN (BLOCK_SIZE, gpu->max_allocation) : BLOCK_SIZE;
  gpu->blocks = g_ptr_array_new ();
  VkCommandPoolCreateInfo pool = {
    .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
    .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
    .queueFamilyIndex = gpu->queue_family,
  };
  return at_vk_check (vkCreateCommandPool (gpu->device, &pool, NULL, &gpu->transfer_pool),
                      "vkCreateCommandPool", error);
}

static void
block_free (AtGpu *gpu, AtMemoryBlock *block)
{
  if (block->mapped != NULL)
    vkUnmapMemory (gpu->device, block->memory);
  vkDestroyBuffer (gpu->device, block->buffer, NULL);
  vkFreeMemory (gpu->device, block->memory, NULL);
  g_array_unref (block->free_ranges);
  g_free (block);
}

void
at_gpu_memory_finalize (AtGpu *gpu)
{
  if (gpu->transfer_pool != VK_NULL_HANDLE)
    vkDestroyCommandPool (gpu->device, gpu->transfer_pool, NULL);
  if (gpu->blocks == NULL)
    return;
  for (guint i = 0; i < gpu->blocks->len; i++)
    {
      AtMemoryBlock *block = gpu->blocks->pdata[i];
      if (block->used != 0)
        g_warning ("GPU memory block %u still holds %" G_GUINT64_FORMAT " bytes at exit",
                   i, (guint64) block->used);
      block_free (gpu, block);
    }
  g_clear_pointer (&gpu->blocks, g_ptr_array_unref);
}

gboolean
at_gpu_memory_new_buffer (AtGpu *gpu, VkDeviceSize size, VkBufferUsageFlags usage, guint32 memory_type,
                          VkBuffer *buffer, VkDeviceMemory *memory, void **mapped, GError **error)
{
  *buffer = VK_NULL_HANDLE;
  *memory = VK_NULL_HANDLE;
  VkBufferCreateInfo info = {
    .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
    .size = size,
    .usage = usage,
  };
  if (!at_vk_check (vkCreateBuffer (gpu->device, &info, NULL, buffer), "vkCreateBuffer", error))
    {
      *buffer = VK_NULL_HANDLE;
      return FALSE;
    }
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements (gpu->device, *buffer, &req);
  VkMemoryAllocateInfo alloc = {
    .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
    .allocationSize = req.size,
    .memoryTypeIndex = memory_type,
  };
  if (at_vk_check (vkAllocateMemory (gpu->device, &alloc, NULL, memory), "vkAllocateMemory", error) &&
      at_vk_check (vkBindBufferMemory (gpu->device, *buffer, *memory, 0), "vkBindBufferMemory", error) &&
      (mapped == NULL ||
       at_vk_check (vkMapMemory (gpu->device, *memory, 0, VK_WHOLE_SIZE, 0, mapped), "vkMapMemory", error)))
    return TRUE;
  if (*memory != VK_NULL_HANDLE)
    vkFreeMemory (gpu->device, *memory, NULL);
  vkDestroyBuffer (gpu->device, *buffer, NULL);
  *buffer = VK_NULL_HANDLE;
  *memory = VK_NULL_HANDLE;
  if (mapped != NULL)
    *mapped = NULL;
  return FALSE;
}

/* Allocates one block with a buffer over all of it. */
static AtMemoryBlock *
block_new (AtGpu *gpu, VkDeviceSize size, GError **error)
{
  VkDeviceSize max_alloc = gpu->max_allocation;
  if (max_alloc != 0 && size > max_alloc)
    {
      g_set_error (error, AT_GPU_ERROR, AT_GPU_ERROR_TOO_LARGE,
                   "A buffer of %" G_GUINT64_FORMAT " MiB exceeds this device's largest "
                   "allocation (%" G_GUINT64_FORMAT " MiB); try a smaller size",
                   (guint64) size >> 20, (guint64) max_alloc >> 20);
      return NULL;
    }

  g_autofree AtMemoryBlock *block = g_new0 (AtMemoryBlock, 1);
  if (!at_gpu_memory_new_buffer (gpu, size, block_usage (), gpu->device_memory_type, &block->buffer,
                                 &block->memory, gpu->device_memory_mappable ? &block->mapped : NULL, error))
    return NULL;
  block->size = size;
  block->free_ranges = g_array_new (FALSE, FALSE, sizeof (AtRange));
  AtRange all = { 0, size };
  g_array_append_val (block->free_ranges, all);
  return g_steal_pointer (&block);
}

/* First fit in one block; TRUE and the offset when it fits. */
static gboolean
block_take (AtMemoryBlock *block, VkDeviceSize size, VkDeviceSize *offset)
{
  for (guint i = 0; i < block->free_ranges->len; i++)
    {
      AtRange *range = &g_array_index (block->free_ranges, AtRange, i);
      if (range->size < size)
        continue;
      *offset = range->offset;
      range->offset += size;
      range->size -= size;
      if (range->size == 0)
        g_array_remove_index (block->free_ranges, i);
      block->used += size;
      return TRUE;
    }
  return FALSE;
}

gboolean
at_gpu_memory_alloc (AtGpu *gpu, VkDeviceSize size, AtMemoryBlock **out_block,
                     VkDeviceSize *offset, GError **error)
{
  VkDeviceSize align = at_gpu_memory_alignment (gpu);
  size = (MAX (size, 1) + align - 1) / align * align;
  g_mutex_lock (&gpu->memory_lock);
  AtMemoryBlock *block = NULL;
  for (guint i = 0; i < gpu->blocks->len && block == NULL; i++)
    if (block_take (gpu->blocks->pdata[i], size, offset))
      block = gpu->blocks->pdata[i];
  if (block == NULL && (block = block_new (gpu, MAX (size, gpu->block_size), error)) != NULL)
    {
      g_ptr_array_add (gpu->blocks, block);
      gpu->memory_reserved += block->size;
      block_take (block, size, offset);
    }
  if (block != NULL)
    {
      *out_block = block;
      gpu->memory_in_use += size;
      gpu->memory_peak = MAX (gpu->memory_peak, gpu->memory_in_use);
    }
  g_mutex_unlock (&gpu->memory_lock);
  return block != NULL;
}

/* Returns a range to its block's free list, merging with neighbours. */
void
at_gpu_memory_release (AtGpu *gpu, AtMemoryBlock *block, VkDeviceSize offset, VkDeviceSize size)
{
  VkDeviceSize align = at_gpu_memory_alignment (gpu);
  size = (MAX (size, 1) + align - 1) / align * align;
  g_mutex_lock (&gpu->memory_lock);
  GArray *ranges = block->free_ranges;
  guint i = 0;
  while (i < ranges->len && g_array_index (ranges, AtRange, i).offset < offset)
    i++;
  AtRange range = { offset, size };
  g_array_insert_val (ranges, i, range);
  if (i + 1 < ranges->len)
    {
      AtRange *next = &g_array_index (ranges, AtRange, i + 1);
      AtRange *self = &g_array_index (ranges, AtRange, i);
      if (self->offset + self->size == next->offset)
        {
          self->size += next->size;
          g_array_remove_index (ranges, i + 1);
        }
    }
  if (i > 0)
    {
      AtRange *prev = &g_array_index (ranges, AtRange, i - 1);
      AtRange *self = &g_array_index (ranges, AtRange, i);
      if (prev->offset + prev->size == self->offset)
        {
          prev->size += self->size;
          g_array_remove_index (ranges, i);
        }
    }
  block->used -= size;
  gpu->memory_in_use -= size;
  g_mutex_unlock (&gpu->memory_lock);
}

void
at_gpu_get_memory_usage (AtGpu *gpu, guint64 *in_use, guint64 *peak, guint64 *reserved)
{
  g_mutex_lock (&gpu->memory_lock);
  *in_use = gpu->memory_in_use;
  *peak = gpu->memory_peak;
  *reserved = gpu->memory_reserved;
  g_mutex_unlock (&gpu->memory_lock);
}
