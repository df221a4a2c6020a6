/* cmd.c — recording dispatches once and submitting them many times. */
#define G_LOG_DOMAIN "atelier-gpu"

#include <string.h>

#include "gpu/cmd.h"
#include "gpu/gpu-private.h"

#define SETS_PER_POOL 256
#define QUERIES_PER_POOL 1024 /* two per dispatch */

struct _AtCmd {
  AtGpu *gpu;
  VkCommandPool pool;
  VkCommandBuffer cb;
  VkCommandBuffer reset_cb;      /* resets the timestamp queries */
  VkFence fence;
  GPtrArray *descriptor_pools;   /* VkDescriptorPool, as pointers */
  guint sets_in_pool;
  GPtrArray *query_pools;        /* VkQueryPool, as pointers */
  GPtrArray *labels;             /* char*, one per dispatch */
  GPtrArray *buffers;            /* AtBuffer* kept alive */
  GArray *views;                 /* VkBufferView of the texel bindings */
  GHashTable *written;           /* AtBuffer* written since the last barrier */
  GHashTable *read;              /* AtBuffer* read since the last barrier */
  GHashTable *scratch;           /* name -> AtBuffer*, at_cmd_scratch(); NULL until used */
  gboolean ended;
  gboolean failed;
};

static gboolean
begin (VkCommandBuffer cb, GError **error)
{
  VkCommandBufferBeginInfo info = { .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO };
  return at_vk_check (vkBeginCommandBuffer (cb, &info), "vkBeginCommandBuffer", error);
}

AtCmd *
at_cmd_new (AtGpu *gpu, GError **error)
{
  g_return_val_if_fail (gpu != NULL, NULL);
  g_autoptr (AtCmd) cmd = g_new0 (AtCmd, 1);
  cmd->gpu = gpu;
  cmd->descriptor_pools = g_ptr_array_new ();
  cmd->query_pools = g_ptr_array_new ();
  cmd->labels = g_ptr_array_new_with_free_func (g_free);
  cmd->buffers = g_ptr_array_new_with_free_func ((GDestroyNotify) at_buffer_unref);
  cmd->views = g_array_new (FALSE, FALSE, sizeof (VkBufferView));
  cmd->written = g_hash_table_new (NULL, NULL);
  cmd->read = g_hash_table_new (NULL, NULL);

  VkCommandPoolCreateInfo pool = {
    .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
    .queueFamilyIndex = gpu->queue_family,
  };
  if (!at_vk_check (vkCreateCommandPool (gpu->device, &pool, NULL, &cmd->pool), "vkCreateCommandPool", error))
    return NULL;
  VkCommandBuffer cbs[2];
  VkCommandBufferAllocateInfo alloc = {
    .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
    .commandPool = cmd->pool,
    .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
    .commandBufferCount = 2,
  };
  if (!at_vk_check (vkAllocateCommandBuffers (gpu->device, &alloc, cbs), "vkAllocateCommandBuffers", error))
    return NULL;
  cmd->cb = cbs[0];
  cmd->reset_cb = cbs[1];
  VkFenceCreateInfo fence = { .sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO };
  if (!at_vk_check (vkCreateFence (gpu->device, &fence, NULL, &cmd->fence), "vkCreateFence", error) ||
      !begin (cmd->cb, error))
    return NULL;
  return g_steal_pointer (&cmd);
}

void
at_cmd_free (AtCmd *cmd)
{
  if (cmd == NULL)
    return;
  VkDevice device = cmd->gpu->device;
  for (guint i = 0; i < cmd->descriptor_pools->len; i++)
    vkDestroyDescriptorPool (device, (VkDescriptorPool) cmd->descriptor_pools->pdata[i], NULL);
  for (guint i = 0; i < cmd->query_pools->len; i++)
    vkDestroyQueryPool (device, (VkQueryPool) cmd->query_pools->pdata[i], NULL);
  for (guint i = 0; i < cmd->views->len; i++)
    vkDestroyBufferView (device, g_array_index (cmd->views, VkBufferView, i), NULL);
  if (cmd->fence != VK_NULL_HANDLE)
    vkDestroyFence (device, cmd->fence, NULL);
  if (cmd->pool != VK_NULL_HANDLE)
    vkDestroyCommandPool (device, cmd->pool, NULL);
  g_ptr_array_unref (cmd->descriptor_pools);
  g_ptr_array_unref (cmd->query_pools);
  g_ptr_array_unref (cmd->labels);
  g_ptr_array_unref (cmd->buffers);
  g_array_unref (cmd->views);
  g_hash_table_unref (cmd->written);
  g_hash_table_unref (cmd->read);
  g_clear_pointer (&cmd->scratch, g_hash_table_unref);
  g_free (cmd);
}

guint
at_cmd_get_n_dispatches (AtCmd *cmd)
{
  return cmd->labels->len;
}

void
at_cmd_grid_1d (AtCmd *cmd, guint64 n, guint32 local_size, guint32 *groups_x, guint32 *groups_y)
{
  guint64 groups = (n + local_size - 1) / local_size;
  guint64 max_x = cmd->gpu->props.limits.maxComputeWorkGroupCount[0];
  if (groups <= max_x)
    {
      *groups_x = MAX (groups, 1);
      *groups_y = 1;
      return;
    }
  *groups_x = max_x;
  *groups_y = (groups + max_x - 1) / max_x;
}

/* A descriptor set from the current pool, opening a new pool when full. */
static gboolean
allocate_set (AtCmd *cmd, VkDescriptorSetLayout layout, VkDescriptorSet *set, GError **error)
{
  if (cmd->descriptor_pools->len == 0 || cmd->sets_in_pool == SETS_PER_POOL)
    {
      VkDescriptorPoolSize sizes[] = {
        { VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, SETS_PER_POOL * AT_KERNEL_MAX_BINDINGS },
        { VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER, SETS_PER_POOL * AT_KERNEL_MAX_BINDINGS },
      };
      VkDescriptorPoolCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO,
        .maxSets = SETS_PER_POOL,
        .poolSizeCount = G_N_ELEMENTS (sizes),
        .pPoolSizes = sizes,
      };
      VkDescriptorPool pool;
      if (!at_vk_check (vkCreateDescriptorPool (cmd->gpu->device, &info, NULL, &pool),
                        "vkCreateDescriptorPool", error))
        return FALSE;
      g_ptr_array_add (cmd->descriptor_pools, (gpointer) pool);
      cmd->sets_in_pool = 0;
    }
  VkDescriptorSetAllocateInfo alloc = {
    .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO,
    .descriptorPool = (VkDescriptorPool) g_ptr_array_index (cmd->descriptor_pools, cmd->descriptor_pools->len - 1),
    .descriptorSetCount = 1,
    .pSetLayouts = &layout,
  };
  cmd->sets_in_pool++;
  return at_vk_check (vkAllocateDescriptorSets (cmd->gpu->device, &alloc, set),
                      "vkAllocateDescriptorSets", error);
}

/* A texel binding's view of info's range (rounded up to whole texels: an
 * allocation's size is a multiple of 16 bytes), kept until cmd is freed. */
static gboolean
create_texel_view (AtCmd *cmd, const AtKernelInfo *kernel, guint i, gboolean half,
                   const VkDescriptorBufferInfo *info, VkBufferView *view, GError **error)
{
  static const VkFormat formats[2][2] = {
    { VK_FORMAT_R32_SFLOAT, VK_FORMAT_R32G32B32A32_SFLOAT },
    { VK_FORMAT_R16_SFLOAT, VK_FORMAT_R16G16B16A16_SFLOAT },
  };
  const VkPhysicalDeviceLimits *limits = &cmd->gpu->props.limits;
  gboolean rgba = (kernel->texel4_mask >> i) & 1;
  VkDeviceSize texel = (rgba ? 4 : 1) * (half ? 2 : 4);
  VkDeviceSize range = (info->range + texel - 1) / texel * texel;
  if (range / texel > limits->maxTexelBufferElements)
    {
      g_set_error (error, AT_GPU_ERROR, AT_GPU_ERROR_TOO_LARGE,
                   "%s: binding %u (%" G_GUINT64_FORMAT " bytes at %" G_GUINT64_FORMAT
                   ") exceeds this device's %u texels",
                   kernel->shader, i, (guint64) range, (guint64) info->offset, limits->maxTexelBufferElements);
      return FALSE;
    }
  VkBufferViewCreateInfo create = {
    .sType = VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO,
    .buffer = info->buffer,
    .format = formats[half != 0][rgba],
    .offset = info->offset,
    .range = range,
  };
  if (!at_vk_check (vkCreateBufferView (cmd->gpu->device, &create, NULL, view), "vkCreateBufferView", error))
    return FALSE;
  g_array_append_val (cmd->views, *view);
  return TRUE;
}

/* Checks each binding against the buffer and the device limits. */
static gboolean
check_bindings (AtCmd *cmd, const AtKernelInfo *kernel, const AtBinding *bindings,
                VkDescriptorBufferInfo *infos, GError **error)
{
  VkDeviceSize align = at_gpu_binding_alignment (cmd->gpu);
  guint64 max_range = cmd->gpu->props.limits.maxStorageBufferRange;
  for (guint i = 0; i < kernel->n_bindings; i++)
    {
      AtBuffer *buffer = bindings[i].buffer;
      g_assert (buffer != NULL);
      g_assert (at_buffer_get_gpu (buffer) == cmd->gpu);
      gsize size = at_buffer_get_size (buffer);
      gsize range = bindings[i].range != 0 ? bindings[i].range : size - bindings[i].offset;
      g_assert (bindings[i].offset + range <= size);
      g_assert (bindings[i].offset % align == 0);
      gboolean storage = at_kernel_descriptor_type (kernel, i) == VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
      if (bindings[i].half && storage && !((kernel->half_mask >> i) & 1))
        {
          g_set_error (error, AT_GPU_ERROR, AT_GPU_ERROR_SHADER,
                       "%s: binding %u holds fp16 values; this kernel reads fp32 there", kernel->shader, i);
          return FALSE;
        }
      if (range > max_range && storage)
        {
          g_set_error (error, AT_GPU_ERROR, AT_GPU_ERROR_TOO_LARGE,
                       "%s: a binding of %zu MiB exceeds this device's storage-buffer range "
                       "of %" G_GUINT64_FORMAT " MiB", kernel->shader, range >> 20, max_range >> 20);
          return FALSE;
        }
      VkDeviceSize base;
      infos[i].buffer = at_buffer_get_vk (buffer, &base);
      infos[i].offset = base + bindings[i].offset;
      infos[i].range = range;
    }
  return TRUE;
}

/* A barrier is needed when this dispatch reads or writes what an earlier
 * one wrote, or writes what an earlier one read, since the last barrier. */
static void
place_barrier_if_needed (AtCmd *cmd, const AtKernelInfo *kernel, const AtBinding *bindings)
{
  gboolean hazard = FALSE;
  for (guint i = 0; i < kernel->n_bindings && !hazard; i++)
    {
      gboolean writes = (kernel->write_mask >> i) & 1;
      hazard = g_hash_table_contains (cmd->written, bindings[i].buffer) ||
               (writes && g_hash_table_contains (cmd->read, bindings[i].buffer));
    }
  if (hazard)
    {
      VkMemoryBarrier barrier = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
        .srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_SHADER_READ_BIT,
        .dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT,
      };
      vkCmdPipelineBarrier (cmd->cb, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                            VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 1, &barrier, 0, NULL, 0, NULL);
      g_hash_table_remove_all (cmd->written);
      g_hash_table_remove_all (cmd->read);
    }
  for (guint i = 0; i < kernel->n_bindings; i++)
    g_hash_table_add (((kernel->write_mask >> i) & 1) ? cmd->written : cmd->read, bindings[i].buffer);
}

/* Timestamp query pool and index for dispatch number n. */
static gboolean
query_slot (AtCmd *cmd, guint n, VkQueryPool *pool, guint32 *first, GError **error)
{
  guint pool_index = n * 2 / QUERIES_PER_POOL;
  if (pool_index == cmd->query_pools->len)
    {
      VkQueryPoolCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO,
        .queryType = VK_QUERY_TYPE_TIMESTAMP,
        .queryCount = QUERIES_PER_POOL,
      };
      VkQueryPool created;
      if (!at_vk_check (vkCreateQueryPool (cmd->gpu->device, &info, NULL, &created), "vkCreateQueryPool", error))
        return FALSE;
      g_ptr_array_add (cmd->query_pools, (gpointer) created);
    }
  *pool = (VkQueryPool) cmd->query_pools->pdata[pool_index];
  *first = n * 2 % QUERIES_PER_POOL;
  return TRUE;
}

gboolean
at_cmd_dispatch_full (AtCmd *cmd, const AtKernelInfo *kernel, const guint32 *local_size,
                      const guint32 *spec, guint n_spec, const AtBinding *bindings,
                      const void *push, guint32 groups_x, guint32 groups_y, guint32 groups_z,
                      const char *label, GError **error)
{
  g_return_val_if_fail (cmd != NULL && kernel != NULL, FALSE);
  g_return_val_if_fail (!cmd->ended, FALSE);
  g_assert (kernel->push_size == 0 || push != NULL);
  const VkPhysicalDeviceLimits *limits = &cmd->gpu->props.limits;
  if (groups_x == 0 || groups_y == 0 || groups_z == 0)
    return TRUE; /* empty tensors: nothing to compute */
  if (groups_x > limits->maxComputeWorkGroupCount[0] || groups_y > limits->maxComputeWorkGroupCount[1] ||
      groups_z > limits->maxComputeWorkGroupCount[2])
    {
      g_set_error (error, AT_GPU_ERROR, AT_GPU_ERROR_TOO_LARGE, "%s: %u×%u×%u workgroups exceed the device limit",
                   kernel->shader, groups_x, groups_y, groups_z);
      return FALSE;
    }
  const guint32 *size = local_size != NULL ? local_size : kernel->local_size;
  AtPipeline *pipeline = at_gpu_get_pipeline (cmd->gpu, kernel, size, spec, n_spec, error);
  VkDescriptorBufferInfo infos[AT_KERNEL_MAX_BINDINGS];
  VkBufferView views[AT_KERNEL_MAX_BINDINGS];
  VkWriteDescriptorSet writes[AT_KERNEL_MAX_BINDINGS];
  VkDescriptorSet set;
  if (pipeline == NULL || !check_bindings (cmd, kernel, bindings, infos, error) ||
      !allocate_set (cmd, pipeline->set_layout, &set, error))
    return FALSE;
  for (guint i = 0; i < kernel->n_bindings; i++)
    {
      VkDescriptorType type = at_kernel_descriptor_type (kernel, i);
      if (type == VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER && !create_texel_view (cmd, kernel, i, bindings[i].half, &infos[i], &views[i], error))
        return FALSE;
      writes[i] = (VkWriteDescriptorSet) {
        .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
        .dstSet = set,
        .dstBinding = i,
        .descriptorCount = 1,
        .descriptorType = type,
        .pBufferInfo = type == VK_DESCRIPTOR_TYPE_STORAGE_BUFFER ? &infos[i] : NULL,
        .pTexelBufferView = type == VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER ? &views[i] : NULL,
      };
      g_ptr_array_add (cmd->buffers, at_buffer_ref (bindings[i].buffer));
    }
  vkUpdateDescriptorSets (cmd->gpu->device, kernel->n_bindings, writes, 0, NULL);

  VkQueryPool query_pool = VK_NULL_HANDLE;
  guint32 query = 0;
  if (cmd->gpu->profiling && !query_slot (cmd, cmd->labels->len, &query_pool, &query, error))
    return FALSE;
  place_barrier_if_needed (cmd, kernel, bindings);
  if (query_pool != VK_NULL_HANDLE)
    vkCmdWriteTimestamp (cmd->cb, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, query_pool, query);
  vkCmdBindPipeline (cmd->cb, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline->pipeline);
  vkCmdBindDescriptorSets (cmd->cb, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline->layout, 0, 1, &set, 0, NULL);
  if (kernel->push_size > 0)
    vkCmdPushConstants (cmd->cb, pipeline->layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, kernel->push_size, push);
  vkCmdDispatch (cmd->cb, groups_x, groups_y, groups_z);
  if (query_pool != VK_NULL_HANDLE)
    vkCmdWriteTimestamp (cmd->cb, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, query_pool, query + 1);
  g_ptr_array_add (cmd->labels, g_strdup (label != NULL ? label : kernel->shader));
  return TRUE;
}

gboolean
at_cmd_dispatch (AtCmd *cmd, const AtKernelInfo *kernel, const AtBinding *bindings,
                 const void *push, guint32 groups_x, guint32 groups_y, guint32 groups_z,
                 GError **error)
{
  return at_cmd_dispatch_full (cmd, kernel, NULL, NULL, 0, bindings, push, groups_x, groups_y,
                               groups_z, NULL, error);
}

/* Ends the main command buffer and records the query reset buffer. */
static gboolean
end_recording (AtCmd *cmd, GError **error)
{
  VkMemoryBarrier barrier = {
    .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
    .srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT,
    .dstAccessMask = VK_ACCESS_HOST_READ_BIT | VK_ACCESS_TRANSFER_READ_BIT,
  };
  vkCmdPipelineBarrier (cmd->cb, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                        VK_PIPELINE_STAGE_HOST_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT,
                        0, 1, &barrier, 0, NULL, 0, NULL);
  if (!at_vk_check (vkEndCommandBuffer (cmd->cb), "vkEndCommandBuffer", error) || !begin (cmd->reset_cb, error))
    return FALSE;
  for (guint i = 0; i < cmd->query_pools->len; i++)
    vkCmdResetQueryPool (cmd->reset_cb, (VkQueryPool) cmd->query_pools->pdata[i], 0, QUERIES_PER_POOL);
  cmd->ended = TRUE;
  return at_vk_check (vkEndCommandBuffer (cmd->reset_cb), "vkEndCommandBuffer", error);
}

/* Adds this submission's per-dispatch times to the profile. */
static void
collect_timestamps (AtCmd *cmd)
{
  guint n = cmd->labels->len;
  g_autofree guint64 *stamps = g_new0 (guint64, QUERIES_PER_POOL);
  for (guint pool = 0; pool < cmd->query_pools->len; pool++)
    {
      guint first = pool * QUERIES_PER_POOL / 2;
      guint count = MIN (n - first, QUERIES_PER_POOL / 2);
      if (vkGetQueryPoolResults (cmd->gpu->device, (VkQueryPool) cmd->query_pools->pdata[pool], 0, count * 2,
                                 count * 2 * sizeof (guint64), stamps, sizeof (guint64),
                                 VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT) != VK_SUCCESS)
        return;
      for (guint i = 0; i < count; i++)
        at_gpu_profile_add (cmd->gpu, cmd->labels->pdata[first + i],
                            (stamps[2 * i + 1] - stamps[2 * i]) * cmd->gpu->timestamp_period_ns * 1e-6);
    }
}

gboolean
at_cmd_submit (AtCmd *cmd, GError **error)
{
  g_return_val_if_fail (cmd != NULL, FALSE);
  if (!cmd->ended && !end_recording (cmd, error))
    return FALSE;
  VkCommandBuffer cbs[2] = { cmd->reset_cb, cmd->cb };
  VkSubmitInfo submit = {
    .sType = VK_STRUCTURE_TYPE_SUBMIT_INFO,
    .commandBufferCount = cmd->query_pools->len > 0 ? 2 : 1,
    .pCommandBuffers = cmd->query_pools->len > 0 ? cbs : &cmd->cb,
  };
  AtGpu *gpu = cmd->gpu;
  g_mutex_lock (&gpu->queue_lock);
  gboolean ok = at_vk_check (vkResetFences (gpu->device, 1, &cmd->fence), "vkResetFences", error) &&
                at_gpu_queue_submit (gpu, &submit, cmd->fence, error);
  g_mutex_unlock (&gpu->queue_lock);
  if (ok)
    ok = at_vk_check (vkWaitForFences (gpu->device, 1, &cmd->fence, VK_TRUE, UINT64_MAX),
                      "vkWaitForFences", error);
  if (ok && cmd->query_pools->len > 0)
    collect_timestamps (cmd);
  return ok;
}

AtBuffer *
at_cmd_scratch (AtCmd *cmd, const char *name, gsize size, GError **error)
{
  g_return_val_if_fail (cmd != NULL && name != NULL && size > 0, NULL);
  if (cmd->scratch == NULL)
    cmd->scratch = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) at_buffer_unref);
  AtBuffer *buffer = g_hash_table_lookup (cmd->scratch, name);
  if (buffer != NULL && at_buffer_get_size (buffer) >= size)
    return buffer;
  /* A smaller one stays alive as long as dispatches recorded on it (they
   * hold a reference); later ones get this. */
  buffer = at_buffer_new (cmd->gpu, size, error);
  if (buffer != NULL)
    g_hash_table_replace (cmd->scratch, g_strdup (name), buffer);
  return buffer;
}
