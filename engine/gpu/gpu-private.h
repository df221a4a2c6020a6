/* gpu-private.h — internals shared by the files of engine/gpu/ only. */
#pragma once

#include <vulkan/vulkan.h>

#include "gpu/buffer.h"
#include "gpu/gpu.h"
#include "gpu/kernel.h"

G_BEGIN_DECLS

/* One large VkDeviceMemory with one VkBuffer over it; AtBuffers are ranges. */
typedef struct {
  VkDeviceMemory memory;
  VkBuffer buffer;
  VkDeviceSize size;
  void *mapped;          /* non-NULL when host-visible */
  GArray *free_ranges;   /* AtRange, sorted by offset, coalesced */
  VkDeviceSize used;
} AtMemoryBlock;

typedef struct {
  VkDeviceSize offset;
  VkDeviceSize size;
} AtRange;

typedef struct {
  VkPipeline pipeline;
  VkPipelineLayout layout;
  VkDescriptorSetLayout set_layout;
  const AtKernelInfo *kernel;
} AtPipeline;

typedef struct {
  char *label;
  guint64 calls;
  double total_ms;
} AtProfileEntry;

struct _AtGpu {
  VkInstance instance;
  VkDebugUtilsMessengerEXT messenger;
  VkPhysicalDevice physical;
  VkDevice device;
  VkQueue queue;
  guint32 queue_family;
  AtGpuDeviceInfo *info;
  VkPhysicalDeviceProperties props;
  gboolean fp16;
  gboolean half_texels;     /* R16F/RGBA16F uniform texel buffers */

  /* memory */
  guint32 device_memory_type;
  gboolean device_memory_mappable;
  guint32 staging_memory_type;
  VkDeviceSize max_allocation;  /* maxMemoryAllocationSize; 0 = unknown */
  VkDeviceSize block_size;    /* of the blocks tensors are suballocated from */
  GPtrArray *blocks;          /* AtMemoryBlock* */
  GMutex memory_lock;
  guint64 memory_in_use, memory_peak, memory_reserved;
  GMutex queue_lock;          /* the queue and transfer_pool */
  VkCommandPool transfer_pool; /* staging copies */

  /* pipelines */
  VkPipelineCache pipeline_cache;
  char *pipeline_cache_path;
  GHashTable *pipelines;      /* key string -> AtPipeline* */
  GMutex pipeline_lock;

  gboolean lost;              /* VK_ERROR_DEVICE_LOST seen: nothing runs any more */

  /* profiling */
  gboolean profiling;
  gboolean timestamps;
  double timestamp_period_ns;
  GHashTable *profile;        /* label -> AtProfileEntry* */
};

gboolean at_vk_check (VkResult result, const char *what, GError **error);

/* How binding i of kernel is bound (kernel.h's texel_mask). */
static inline VkDescriptorType
at_kernel_descriptor_type (const AtKernelInfo *kernel, guint i)
{
  return ((kernel->texel4_mask | kernel->texel1_mask) >> i) & 1 ? VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER
                                                                 : VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
}

/* fault.c: vkQueueSubmit, or the made-up failure of fault.h; a device that
 * was lost stays lost. Call with queue_lock held. */
gboolean at_gpu_queue_submit (AtGpu *gpu, const VkSubmitInfo *submit, VkFence fence, GError **error);
const char *at_vk_result_to_string (VkResult result);

/* memory.c */
gboolean at_gpu_memory_init (AtGpu *gpu, GError **error);
void at_gpu_memory_finalize (AtGpu *gpu);
gboolean at_gpu_memory_alloc (AtGpu *gpu, VkDeviceSize size, AtMemoryBlock **block,
                              VkDeviceSize *offset, GError **error);
void at_gpu_memory_release (AtGpu *gpu, AtMemoryBlock *block, VkDeviceSize offset,
                            VkDeviceSize size);
VkDeviceSize at_gpu_memory_alignment (AtGpu *gpu);
/* A buffer of size for usage over an allocation of its own from
 * memory_type, bound, and mapped into *mapped unless mapped is NULL. On
 * failure nothing stays allocated and the handles are VK_NULL_HANDLE. */
gboolean at_gpu_memory_new_buffer (AtGpu *gpu, VkDeviceSize size, VkBufferUsageFlags usage, guint32 memory_type,
                                   VkBuffer *buffer, VkDeviceMemory *memory, void **mapped, GError **error);

/* test-limits.c: lowers maxStorageBufferRange and block_size from the
 * ATELIER_TEST_* variables; after at_gpu_memory_init(). */
void at_gpu_apply_test_limits (AtGpu *gpu);

/* pipeline.c */
gboolean at_gpu_pipelines_init (AtGpu *gpu, GError **error);
void at_gpu_pipelines_finalize (AtGpu *gpu);
AtPipeline *at_gpu_get_pipeline (AtGpu *gpu, const AtKernelInfo *kernel,
                                 const guint32 local_size[3],
                                 const guint32 *spec, guint n_spec, GError **error);

/* profile.c */
void at_gpu_profile_add (AtGpu *gpu, const char *label, double ms);
void at_profile_entry_free (AtProfileEntry *entry);

/* buffer.c */
VkBuffer at_buffer_get_vk (AtBuffer *buffer, VkDeviceSize *offset);
AtMemoryBlock *at_buffer_get_block (AtBuffer *buffer);

G_END_DECLS
