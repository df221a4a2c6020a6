/* pipeline.c — compute pipelines from the embedded SPIR-V, with a
 * VkPipelineCache persisted in the user's cache directory so the driver
 * compiles each shader once per machine, not once per start. */
#define G_LOG_DOMAIN "atelier-gpu"

#include <string.h>

#include "gpu/gpu-private.h"
#include "gpu/pipeline-cache-file.h"
#include "gpu/shader-table.h"

const AtShaderEntry *
at_shader_lookup (const char *name)
{
  for (const AtShaderEntry *entry = at_shader_table; entry->name != NULL; entry++)
    if (strcmp (entry->name, name) == 0)
      return entry;
  return NULL;
}

static void
pipeline_free (AtGpu *gpu, AtPipeline *pipeline)
{
  vkDestroyPipeline (gpu->device, pipeline->pipeline, NULL);
  vkDestroyPipelineLayout (gpu->device, pipeline->layout, NULL);
  vkDestroyDescriptorSetLayout (gpu->device, pipeline->set_layout, NULL);
  g_free (pipeline);
}

/* The cache file is per device and driver: other drivers' data is useless. */
static char *
cache_path (AtGpu *gpu)
{
  g_autofree char *file = g_strdup_printf ("pipelines-%04x-%04x-%08x.bin", gpu->props.vendorID,
                                           gpu->props.deviceID, gpu->props.driverVersion);
  return g_build_filename (g_get_user_cache_dir (), "atelier", file, NULL);
}

gboolean
at_gpu_pipelines_init (AtGpu *gpu, GError **error)
{
  gpu->pipelines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gpu->pipeline_cache_path = cache_path (gpu);
  /* A missing, huge or foreign file only costs compile time. */
  g_autoptr (GMappedFile) file = at_pipeline_cache_file_map (gpu->pipeline_cache_path, &gpu->props);
  gsize size = file != NULL ? g_mapped_file_get_length (file) : 0;
  VkPipelineCacheCreateInfo info = {
    .sType = VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO,
    .initialDataSize = size,
    .pInitialData = file != NULL ? g_mapped_file_get_contents (file) : NULL,
  };
  VkResult result = vkCreatePipelineCache (gpu->device, &info, NULL, &gpu->pipeline_cache);
  if (result != VK_SUCCESS && size > 0)
    {
      info.initialDataSize = 0;
      result = vkCreatePipelineCache (gpu->device, &info, NULL, &gpu->pipeline_cache);
    }
  return at_vk_check (result, "vkCreatePipelineCache", error);
}

/* Writes the cache atomically; failure only costs the next start time. */
static void
save_cache (AtGpu *gpu)
{
  gsize size = 0;
  if (vkGetPipelineCacheData (gpu->device, gpu->pipeline_cache, &size, NULL) != VK_SUCCESS || size == 0)
    return;
  g_autofree char *data = g_malloc (size);
  if (vkGetPipelineCacheData (gpu->device, gpu->pipeline_cache, &size, data) != VK_SUCCESS)
    return;
  g_autofree char *dir = g_path_get_dirname (gpu->pipeline_cache_path);
  g_autoptr (GError) error = NULL;
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents (gpu->pipeline_cache_path, data, size, &error))
    g_debug ("Could not save the pipeline cache: %s", error ? error->message : dir);
}

void
at_gpu_pipelines_finalize (AtGpu *gpu)
{
  if (gpu->pipelines != NULL)
    {
      GHashTableIter iter;
      gpointer value;
      g_hash_table_iter_init (&iter, gpu->pipelines);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        pipeline_free (gpu, value);
      g_clear_pointer (&gpu->pipelines, g_hash_table_unref);
    }
  if (gpu->pipeline_cache != VK_NULL_HANDLE)
    {
      save_cache (gpu);
      vkDestroyPipelineCache (gpu->device, gpu->pipeline_cache, NULL);
    }
  g_clear_pointer (&gpu->pipeline_cache_path, g_free);
}

/* Descriptor set layout (n storage or texel buffers) and pipeline layout. */
static gboolean
create_layouts (AtGpu *gpu, const AtKernelInfo *kernel, AtPipeline *pipeline, GError **error)
{
  VkDescriptorSetLayoutBinding bindings[AT_KERNEL_MAX_BINDINGS];
  for (guint i = 0; i < kernel->n_bindings; i++)
    bindings[i] = (VkDescriptorSetLayoutBinding) {
      .binding = i,
      .descriptorType = at_kernel_descriptor_type (kernel, i),
      .descriptorCount = 1,
      .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT,
    };
  VkDescriptorSetLayoutCreateInfo set_info = {
    .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
    .bindingCount = kernel->n_bindings,
    .pBindings = bindings,
  };
  if (!at_vk_check (vkCreateDescriptorSetLayout (gpu->device, &set_info, NULL, &pipeline->set_layout),
                    "vkCreateDescriptorSetLayout", error))
    return FALSE;
  VkPushConstantRange push = {
    .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT,
    .size = kernel->push_size,
  };
  VkPipelineLayoutCreateInfo layout_info = {
    .sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
    .setLayoutCount = 1,
    .pSetLayouts = &pipeline->set_layout,
    .pushConstantRangeCount = kernel->push_size > 0 ? 1 : 0,
    .pPushConstantRanges = &push,
  };
  return at_vk_check (vkCreatePipelineLayout (gpu->device, &layout_info, NULL, &pipeline->layout),
                      "vkCreatePipelineLayout", error);
}

/* Shader module + compute pipeline with the specialization constants. */
static gboolean
create_pipeline (AtGpu *gpu, const AtShaderEntry *shader, const guint32 *constants,
                 guint n_constants, AtPipeline *pipeline, GError **error)
{
  VkShaderModuleCreateInfo module_info = {
    .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
    .codeSize = shader->size,
    .pCode = shader->code,
  };
  VkShaderModule module;
  if (!at_vk_check (vkCreateShaderModule (gpu->device, &module_info, NULL, &module),
                    "vkCreateShaderModule", error))
    return FALSE;
  VkSpecializationMapEntry entries[3 + AT_KERNEL_MAX_SPEC];
  for (guint i = 0; i < n_constants; i++)
    entries[i] = (VkSpecializationMapEntry) { i, i * sizeof (guint32), sizeof (guint32) };
  VkSpecializationInfo spec = {
    .mapEntryCount = n_constants,
    .pMapEntries = entries,
    .dataSize = n_constants * sizeof (guint32),
    .pData = constants,
  };
  VkComputePipelineCreateInfo info = {
    .sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
    .stage = {
      .sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
      .stage = VK_SHADER_STAGE_COMPUTE_BIT,
      .module = module,
      .pName = "main",
      .pSpecializationInfo = &spec,
    },
    .layout = pipeline->layout,
  };
  gboolean ok = at_vk_check (vkCreateComputePipelines (gpu->device, gpu->pipeline_cache, 1, &info,
                                                       NULL, &pipeline->pipeline),
                             "vkCreateComputePipelines", error);
  vkDestroyShaderModule (gpu->device, module, NULL);
  return ok;
}

AtPipeline *
at_gpu_get_pipeline (AtGpu *gpu, const AtKernelInfo *kernel, const guint32 local_size[3],
                     const guint32 *spec, guint n_spec, GError **error)
{
  g_assert (kernel->n_bindings <= AT_KERNEL_MAX_BINDINGS);
  g_assert (n_spec <= AT_KERNEL_MAX_SPEC);
  guint32 constants[3 + AT_KERNEL_MAX_SPEC] = { local_size[0], local_size[1], local_size[2] };
  GString *key = g_string_new (kernel->shader);
  for (guint i = 0; i < n_spec; i++)
    constants[3 + i] = spec[i];
  for (guint i = 0; i < 3 + n_spec; i++)
    g_string_append_printf (key, ":%u", constants[i]);

  g_mutex_lock (&gpu->pipeline_lock);
  AtPipeline *pipeline = g_hash_table_lookup (gpu->pipelines, key->str);
  if (pipeline == NULL)
    {
      const AtShaderEntry *shader = at_shader_lookup (kernel->shader);
      guint32 invocations = local_size[0] * local_size[1] * local_size[2];
      pipeline = g_new0 (AtPipeline, 1);
      pipeline->kernel = kernel;
      if (shader == NULL)
        g_set_error (error, AT_GPU_ERROR, AT_GPU_ERROR_SHADER,
                     "No shader named \"%s\" is built into this binary", kernel->shader);
      else if (invocations > gpu->props.limits.maxComputeWorkGroupInvocations)
        g_set_error (error, AT_GPU_ERROR, AT_GPU_ERROR_TOO_LARGE,
                     "Workgroup of %u invocations for %s exceeds the device limit %u",
                     invocations, kernel->shader, gpu->props.limits.maxComputeWorkGroupInvocations);
      if (shader == NULL || invocations > gpu->props.limits.maxComputeWorkGroupInvocations ||
          !create_layouts (gpu, kernel, pipeline, error) ||
          !create_pipeline (gpu, shader, constants, 3 + n_spec, pipeline, error))
        {
          pipeline_free (gpu, pipeline);
          pipeline = NULL;
        }
      else
        g_hash_table_insert (gpu->pipelines, g_strdup (key->str), pipeline);
    }
  g_mutex_unlock (&gpu->pipeline_lock);
  g_string_free (key, TRUE);
  return pipeline;
}
