/* gpu.c — Vulkan instance, device choice and the compute queue. */
#define G_LOG_DOMAIN "atelier-gpu"

#include <stdio.h>
#include <string.h>

#include "gpu/gpu-private.h"

G_DEFINE_QUARK (at-gpu-error-quark, at_gpu_error)

#define VALIDATION_LAYER "VK_LAYER_KHRONOS_validation"

const char *
at_vk_result_to_string (VkResult result)
{
  switch (result)
    {
    case VK_SUCCESS: return "VK_SUCCESS";
    case VK_NOT_READY: return "VK_NOT_READY";
    case VK_TIMEOUT: return "VK_TIMEOUT";
    case VK_INCOMPLETE: return "VK_INCOMPLETE";
    case VK_ERROR_OUT_OF_HOST_MEMORY: return "VK_ERROR_OUT_OF_HOST_MEMORY";
    case VK_ERROR_OUT_OF_DEVICE_MEMORY: return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
    case VK_ERROR_INITIALIZATION_FAILED: return "VK_ERROR_INITIALIZATION_FAILED";
    case VK_ERROR_DEVICE_LOST: return "VK_ERROR_DEVICE_LOST";
    case VK_ERROR_MEMORY_MAP_FAILED: return "VK_ERROR_MEMORY_MAP_FAILED";
    case VK_ERROR_LAYER_NOT_PRESENT: return "VK_ERROR_LAYER_NOT_PRESENT";
    case VK_ERROR_EXTENSION_NOT_PRESENT: return "VK_ERROR_EXTENSION_NOT_PRESENT";
    case VK_ERROR_FEATURE_NOT_PRESENT: return "VK_ERROR_FEATURE_NOT_PRESENT";
    case VK_ERROR_INCOMPATIBLE_DRIVER: return "VK_ERROR_INCOMPATIBLE_DRIVER";
    case VK_ERROR_TOO_MANY_OBJECTS: return "VK_ERROR_TOO_MANY_OBJECTS";
    case VK_ERROR_FORMAT_NOT_SUPPORTED: return "VK_ERROR_FORMAT_NOT_SUPPORTED";
    case VK_ERROR_FRAGMENTED_POOL: return "VK_ERROR_FRAGMENTED_POOL";
    case VK_ERROR_OUT_OF_POOL_MEMORY: return "VK_ERROR_OUT_OF_POOL_MEMORY";
    default: return "VkResult (unknown)";
    }
}

/* Turns a VkResult into a GError; TRUE when it was a success. */
gboolean
at_vk_check (VkResult result, const char *what, GError **error)
{
  if (result == VK_SUCCESS)
    return TRUE;
  if (result == VK_ERROR_DEVICE_LOST)
    {
      g_set_error (error, AT_GPU_ERROR, AT_GPU_ERROR_DEVICE_LOST,
                   "The graphics device stopped responding (%s in %s)",
                   at_vk_result_to_string (result), what);
      return FALSE;
    }
  if (result == VK_ERROR_OUT_OF_DEVICE_MEMORY || result == VK_ERROR_OUT_OF_HOST_MEMORY)
    {
      g_set_error (error, AT_GPU_ERROR, AT_GPU_ERROR_OUT_OF_MEMORY,
                   "The graphics device ran out of memory (%s in %s): try a smaller size or fewer variants",
                   at_vk_result_to_string (result), what);
      return FALSE;
    }
  g_set_error (error, AT_GPU_ERROR, AT_GPU_ERROR_FAILED, "%s failed: %s (%d)", what,
               at_vk_result_to_string (result), result);
  return FALSE;
}

void
at_gpu_device_info_free (AtGpuDeviceInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->driver);
  g_free (info->api_version);
  g_free (info);
}

const char *
at_gpu_device_type_to_string (AtGpuDeviceType type)
{
  switch (type)
    {
    case AT_GPU_DEVICE_DISCRETE: return "discrete GPU";
    case AT_GPU_DEVICE_INTEGRATED: return "integrated GPU";
    case AT_GPU_DEVICE_VIRTUAL: return "virtual GPU";
    case AT_GPU_DEVICE_CPU: return "CPU";
    case AT_GPU_DEVICE_OTHER:
    default: return "other";
    }
}

static gboolean
env_flag (const char *name)
{
  const char *value = g_getenv (name);
  return value != NULL && *value != '\0' && g_strcmp0 (value, "0") != 0;
}

/* Reports validation-layer messages; tests make g_warning fatal. */
static VKAPI_ATTR VkBool32 VKAPI_CALL
debug_messenger_cb (VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                    VkDebugUtilsMessageTypeFlagsEXT types,
                    const VkDebugUtilsMessengerCallbackDataEXT *data,
                    void *user_data)
{
  if (severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT)
    g_warning ("Vulkan validation: %s", data->pMessage);
  return VK_FALSE;
}

static gboolean
layer_available (const char *layer)
{
  guint32 count = 0;
  if (vkEnumerateInstanceLayerProperties (&count, NULL) != VK_SUCCESS)
    return FALSE;
  g_autofree VkLayerProperties *layers = g_new0 (VkLayerProperties, count);
  if (vkEnumerateInstanceLayerProperties (&count, layers) != VK_SUCCESS)
    return FALSE;
  for (guint32 i = 0; i < count; i++)
    if (strcmp (layers[i].layerName, layer) == 0)
      return TRUE;
  return FALSE;
}

/* Creates the instance, with the validation layer when asked for. */
static gboolean
create_instance (gboolean validation, VkInstance *instance, GError **error)
{
  VkApplicationInfo app = {
    .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
    .pApplicationName = "Atelier",
    .applicationVersion = VK_MAKE_API_VERSION (0, 0, 1, 0),
    .pEngineName = "atelier-engine",
    .apiVersion = VK_API_VERSION_1_1,
  };
  const char *layers[] = { VALIDATION_LAYER };
  const char *extensions[] = { VK_EXT_DEBUG_UTILS_EXTENSION_NAME };
  if (validation && !layer_available (VALIDATION_LAYER))
    {
      g_set_error (error, AT_GPU_ERROR, AT_GPU_ERROR_NO_VALIDATION,
                   "Vulkan validation was requested (ATELIER_VALIDATION) but %s is not "
                   "installed; install the package vulkan-validationlayers",
                   VALIDATION_LAYER);
      return FALSE;
    }
  VkInstanceCreateInfo info = {
    .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
    .pApplicationInfo = &app,
    .enabledLayerCount = validation ? 1 : 0,
    .ppEnabledLayerNames = layers,
    .enabledExtensionCount = validation ? 1 : 0,
    .ppEnabledExtensionNames = extensions,
  };
  VkResult result = vkCreateInstance (&info, NULL, instance);
  if (result == VK_ERROR_INCOMPATIBLE_DRIVER || result == VK_ERROR_INITIALIZATION_FAILED)
    {
      g_set_error (error, AT_GPU_ERROR, AT_GPU_ERROR_NO_DRIVER,
                   "No Vulkan driver is installed (%s). Install your GPU's Vulkan driver, "
                   "or mesa-vulkan-drivers to compute on the CPU",
                   at_vk_result_to_string (result));
      return FALSE;
    }
  return at_vk_check (result, "vkCreateInstance", error);
}

/* Installs the messenger that forwards validation messages. */
static gboolean
create_messenger (AtGpu *gpu, GError **error)
{
  PFN_vkCreateDebugUtilsMessengerEXT create = (PFN_vkCreateDebugUtilsMessengerEXT)
    vkGetInstanceProcAddr (gpu->instance, "vkCreateDebugUtilsMessengerEXT");
  if (create == NULL)
    return at_vk_check (VK_ERROR_EXTENSION_NOT_PRESENT, "vkCreateDebugUtilsMessengerEXT", error);
  VkDebugUtilsMessengerCreateInfoEXT info = {
    .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
    .messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT,
    .messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                   VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                   VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT,
    .pfnUserCallback = debug_messenger_cb,
  };
  return at_vk_check (create (gpu->instance, &info, NULL, &gpu->messenger),
                      "vkCreateDebugUtilsMessengerEXT", error);
}

static AtGpuDeviceType
map_device_type (VkPhysicalDeviceType type)
{
  switch (type)
    {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return AT_GPU_DEVICE_DISCRETE;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return AT_GPU_DEVICE_INTEGRATED;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return AT_GPU_DEVICE_VIRTUAL;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return AT_GPU_DEVICE_CPU;
    default: return AT_GPU_DEVICE_OTHER;
    }
}

static gboolean
find_compute_queue (VkPhysicalDevice physical, guint32 *family)
{
  guint32 count = 0;
  vkGetPhysicalDeviceQueueFamilyProperties (physical, &count, NULL);
  g_autofree VkQueueFamilyProperties *families = g_new0 (VkQueueFamilyProperties, count);
  vkGetPhysicalDeviceQueueFamilyProperties (physical, &count, families);
  /* A compute-only family is the dedicated async queue on real GPUs. */
  for (guint32 pass = 0; pass < 2; pass++)
    for (guint32 i = 0; i < count; i++)
      {
        gboolean compute = (families[i].queueFlags & VK_QUEUE_COMPUTE_BIT) != 0;
        gboolean graphics = (families[i].queueFlags & VK_QUEUE_GRAPHICS_BIT) != 0;
        if (compute && (pass == 1 || !graphics))
          {
            *family = i;
            return TRUE;
          }
      }
  return FALSE;
}

/* Describes one physical device for listings and choice. */
static AtGpuDeviceInfo *
describe_device (VkPhysicalDevice physical, guint index)
{
  VkPhysicalDeviceDriverProperties driver = {
    .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES,
  };
  VkPhysicalDeviceProperties2 props = {
    .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
    .pNext = &driver,
  };
  vkGetPhysicalDeviceProperties2 (physical, &props);
  VkPhysicalDeviceMemoryProperties memory;
  vkGetPhysicalDeviceMemoryProperties (physical, &memory);

  AtGpuDeviceInfo *info = g_new0 (AtGpuDeviceInfo, 1);
  guint32 api = props.properties.apiVersion;
  guint32 family;
  info->index = index;
  info->name = g_strdup (props.properties.deviceName);
  info->driver = driver.driverName[0] != '\0'
                   ? g_strdup_printf ("%s %s", driver.driverName, driver.driverInfo)
                   : g_strdup_printf ("driver version 0x%x", props.properties.driverVersion);
  info->api_version = g_strdup_printf ("%u.%u.%u", VK_API_VERSION_MAJOR (api),
                                       VK_API_VERSION_MINOR (api), VK_API_VERSION_PATCH (api));
  info->type = map_device_type (props.properties.deviceType);
  for (guint32 i = 0; i < memory.memoryHeapCount; i++)
    if (memory.memoryHeaps[i].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT)
      info->memory += memory.memoryHeaps[i].size;
  info->has_compute = find_compute_queue (physical, &family);
  return info;
}

static gboolean
enumerate_physical (VkInstance instance, GPtrArray **out, GError **error)
{
  guint32 count = 0;
  if (!at_vk_check (vkEnumeratePhysicalDevices (instance, &count, NULL),
                    "vkEnumeratePhysicalDevices", error))
    return FALSE;
  if (count == 0)
    {
      g_set_error (error, AT_GPU_ERROR, AT_GPU_ERROR_NO_DEVICE,
                   "Vulkan found no device. Install your GPU's Vulkan driver, "
                   "or mesa-vulkan-drivers to compute on the CPU");
      return FALSE;
    }
  g_autofree VkPhysicalDevice *devices = g_new0 (VkPhysicalDevice, count);
  if (!at_vk_check (vkEnumeratePhysicalDevices (instance, &count, devices),
                    "vkEnumeratePhysicalDevices", error))
    return FALSE;
  *out = g_ptr_array_new ();
  for (guint32 i = 0; i < count; i++)
    g_ptr_array_add (*out, devices[i]);
  return TRUE;
}

GPtrArray *
at_gpu_list_devices (GError **error)
{
  VkInstance instance = VK_NULL_HANDLE;
  g_autoptr (GPtrArray) physical = NULL;
  if (!create_instance (FALSE, &instance, error))
    return NULL;
  GPtrArray *list = NULL;
  if (enumerate_physical (instance, &physical, error))
    {
      list = g_ptr_array_new_with_free_func ((GDestroyNotify) at_gpu_device_info_free);
      for (guint i = 0; i < physical->len; i++)
        g_ptr_array_add (list, describe_device (physical->pdata[i], i));
    }
  vkDestroyInstance (instance, NULL);
  return list;
}

/* Index of the device the request names, or of the best one when none. */
static gboolean
choose_device (GPtrArray *infos, const char *request, guint *chosen, GError **error)
{
  if (request != NULL && *request != '\0')
    {
      char *end = NULL;
      guint64 index = g_ascii_strtoull (request, &end, 10);
      for (guint i = 0; i < infos->len; i++)
        {
          AtGpuDeviceInfo *info = infos->pdata[i];
          g_autofree char *name = g_ascii_strdown (info->name, -1);
          g_autofree char *needle = g_ascii_strdown (request, -1);
          gboolean by_index = end != request && *end == '\0' && index == i;
          if ((by_index || strstr (name, needle) != NULL) && info->has_compute)
            {
              *chosen = i;
              return TRUE;
            }
        }
      GString *names = g_string_new (NULL);
      for (guint i = 0; i < infos->len; i++)
        g_string_append_printf (names, "%s%u: %s", i ? ", " : "", i,
                                ((AtGpuDeviceInfo *) infos->pdata[i])->name);
      g_set_error (error, AT_GPU_ERROR, AT_GPU_ERROR_DEVICE_NOT_FOUND,
                   "No Vulkan compute device matches \"%s\". Available: %s. "
                   "Choose one by index or by part of its name", request, names->str);
      g_string_free (names, TRUE);
      return FALSE;
    }
  gint best = -1;
  for (guint i = 0; i < infos->len; i++)
    {
      AtGpuDeviceInfo *info = infos->pdata[i];
      if (!info->has_compute)
        continue;
      if (best < 0 || info->type > ((AtGpuDeviceInfo *) infos->pdata[best])->type)
        best = i;
    }
  if (best < 0)
    {
      g_set_error (error, AT_GPU_ERROR, AT_GPU_ERROR_NO_DEVICE,
                   "No Vulkan device supports compute");
      return FALSE;
    }
  *chosen = best;
  return TRUE;
}

/* Whether R16F and RGBA16F texel views can be read as uniform texel
 * buffers (fp16 weights, AtBinding.half). */
static gboolean
half_texels_supported (VkPhysicalDevice physical)
{
  static const VkFormat formats[] = { VK_FORMAT_R16_SFLOAT, VK_FORMAT_R16G16B16A16_SFLOAT };
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      VkFormatProperties props;
      vkGetPhysicalDeviceFormatProperties (physical, formats[i], &props);
      if (!(props.bufferFeatures & VK_FORMAT_FEATURE_UNIFORM_TEXEL_BUFFER_BIT))
        return FALSE;
    }
  return TRUE;
}

/* Creates the logical device with one compute queue and fp16 if offered. */
static gboolean
create_device (AtGpu *gpu, GError **error)
{
  VkPhysicalDevice16BitStorageFeatures storage16 = {
    .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES,
  };
  VkPhysicalDeviceFeatures2 features = {
    .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2,
    .pNext = &storage16,
  };
  vkGetPhysicalDeviceFeatures2 (gpu->physical, &features);
  gpu->fp16 = storage16.storageBuffer16BitAccess;
  gpu->half_texels = half_texels_supported (gpu->physical);

  VkPhysicalDevice16BitStorageFeatures enable16 = {
    .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES,
    .storageBuffer16BitAccess = gpu->fp16,
  };
  float priority = 1.0f;
  VkDeviceQueueCreateInfo queue = {
    .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
    .queueFamilyIndex = gpu->queue_family,
    .queueCount = 1,
    .pQueuePriorities = &priority,
  };
  VkDeviceCreateInfo info = {
    .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
    .pNext = &enable16,
    .queueCreateInfoCount = 1,
    .pQueueCreateInfos = &queue,
  };
  if (!at_vk_check (vkCreateDevice (gpu->physical, &info, NULL, &gpu->device),
                    "vkCreateDevice", error))
    return FALSE;
  vkGetDeviceQueue (gpu->device, gpu->queue_family, 0, &gpu->queue);
  return TRUE;
}

/* Timestamps are usable when the queue family has valid bits. */
static void
init_timestamps (AtGpu *gpu)
{
  guint32 count = 0;
  vkGetPhysicalDeviceQueueFamilyProperties (gpu->physical, &count, NULL);
  g_autofree VkQueueFamilyProperties *families = g_new0 (VkQueueFamilyProperties, count);
  vkGetPhysicalDeviceQueueFamilyProperties (gpu->physical, &count, families);
  gpu->timestamps = families[gpu->queue_family].timestampValidBits > 0 &&
                    gpu->props.limits.timestampPeriod > 0;
  gpu->timestamp_period_ns = gpu->props.limits.timestampPeriod;
  gpu->profiling = env_flag ("ATELIER_PROFILE") && gpu->timestamps;
  gpu->profile = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                        (GDestroyNotify) at_profile_entry_free);
}

AtGpu *
at_gpu_new (const char *device, GError **error)
{
  g_autoptr (AtGpu) gpu = g_new0 (AtGpu, 1);
  g_autoptr (GPtrArray) physical = NULL;
  g_autoptr (GPtrArray) infos = g_ptr_array_new_with_free_func ((GDestroyNotify) at_gpu_device_info_free);
  gboolean validation = env_flag ("ATELIER_VALIDATION");
  guint chosen = 0;

  g_mutex_init (&gpu->memory_lock);
  g_mutex_init (&gpu->pipeline_lock);
  g_mutex_init (&gpu->queue_lock);
  if (device == NULL || *device == '\0')
    device = g_getenv ("ATELIER_DEVICE");

  if (!create_instance (validation, &gpu->instance, error))
    return NULL;
  if (validation && !create_messenger (gpu, error))
    return NULL;
  if (!enumerate_physical (gpu->instance, &physical, error))
    return NULL;
  for (guint i = 0; i < physical->len; i++)
    g_ptr_array_add (infos, describe_device (physical->pdata[i], i));
  if (!choose_device (infos, device, &chosen, error))
    return NULL;

  gpu->physical = physical->pdata[chosen];
  gpu->info = g_ptr_array_steal_index (infos, chosen);
  vkGetPhysicalDeviceProperties (gpu->physical, &gpu->props);
  find_compute_queue (gpu->physical, &gpu->queue_family);
  if (!create_device (gpu, error))
    return NULL;
  init_timestamps (gpu);
  if (!at_gpu_memory_init (gpu, error))
    return NULL;
  at_gpu_apply_test_limits (gpu);
  if (!at_gpu_pipelines_init (gpu, error))
    return NULL;
  return g_steal_pointer (&gpu);
}

void
at_gpu_free (AtGpu *gpu)
{
  if (gpu == NULL)
    return;
  if (gpu->device != VK_NULL_HANDLE)
    {
      vkDeviceWaitIdle (gpu->device);
      if (gpu->profiling)
        at_gpu_print_profile (gpu, stderr);
      at_gpu_pipelines_finalize (gpu);
      at_gpu_memory_finalize (gpu);
      vkDestroyDevice (gpu->device, NULL);
    }
  if (gpu->messenger != VK_NULL_HANDLE)
    {
      PFN_vkDestroyDebugUtilsMessengerEXT destroy = (PFN_vkDestroyDebugUtilsMessengerEXT)
        vkGetInstanceProcAddr (gpu->instance, "vkDestroyDebugUtilsMessengerEXT");
      if (destroy != NULL)
        destroy (gpu->instance, gpu->messenger, NULL);
    }
  if (gpu->instance != VK_NULL_HANDLE)
    vkDestroyInstance (gpu->instance, NULL);
  g_clear_pointer (&gpu->profile, g_hash_table_unref);
  g_clear_pointer (&gpu->info, at_gpu_device_info_free);
  g_mutex_clear (&gpu->memory_lock);
  g_mutex_clear (&gpu->pipeline_lock);
  g_mutex_clear (&gpu->queue_lock);
  g_free (gpu);
}

const AtGpuDeviceInfo *
at_gpu_get_device_info (AtGpu *gpu)
{
  g_return_val_if_fail (gpu != NULL, NULL);
  return gpu->info;
}

gboolean
at_gpu_supports_fp16 (AtGpu *gpu)
{
  g_return_val_if_fail (gpu != NULL, FALSE);
  return gpu->fp16;
}

gboolean
at_gpu_supports_half_weights (AtGpu *gpu)
{
  g_return_val_if_fail (gpu != NULL, FALSE);
  return gpu->half_texels;
}

guint64
at_gpu_binding_alignment (AtGpu *gpu)
{
  g_return_val_if_fail (gpu != NULL, 16);
  return MAX (MAX (gpu->props.limits.minStorageBufferOffsetAlignment, gpu->props.limits.minTexelBufferOffsetAlignment),
              16);
}

guint64
at_gpu_max_binding_size (AtGpu *gpu)
{
  g_return_val_if_fail (gpu != NULL, 0);
  return gpu->props.limits.maxStorageBufferRange;
}
