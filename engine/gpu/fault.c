/* fault.c — see fault.h. */
#define G_LOG_DOMAIN "atelier-engine"

#include <string.h>

#include "gpu/fault.h"
#include "gpu/gpu-private.h"

static GMutex fault_lock;
static AtGpuFault pending_fault;
static guint submissions_left;   /* until the fault; 0 = none pending */
static gboolean env_read;

void
at_gpu_fault_inject (AtGpuFault fault, guint n)
{
  g_mutex_lock (&fault_lock);
  env_read = TRUE;   /* the caller's choice wins over the environment's */
  pending_fault = n > 0 ? fault : AT_GPU_FAULT_NONE;
  submissions_left = pending_fault != AT_GPU_FAULT_NONE ? n : 0;
  g_mutex_unlock (&fault_lock);
}

/* ATELIER_FAULT=KIND:N, read once. */
static void
read_env (void)
{
  env_read = TRUE;
  const char *spec = g_getenv ("ATELIER_FAULT");
  if (spec == NULL || *spec == '\0')
    return;
  g_auto (GStrv) parts = g_strsplit (spec, ":", 2);
  guint64 n = 0;
  AtGpuFault fault = g_strcmp0 (parts[0], "device-lost") == 0     ? AT_GPU_FAULT_DEVICE_LOST
                     : g_strcmp0 (parts[0], "out-of-memory") == 0 ? AT_GPU_FAULT_OUT_OF_MEMORY
                                                                  : AT_GPU_FAULT_NONE;
  if (fault == AT_GPU_FAULT_NONE || parts[1] == NULL ||
      !g_ascii_string_to_unsigned (parts[1], 10, 1, G_MAXUINT, &n, NULL))
    {
      g_warning ("ATELIER_FAULT=%s: expected device-lost:N or out-of-memory:N (N ≥ 1); ignored", spec);
      return;
    }
  pending_fault = fault;
  submissions_left = (guint) n;
}

/* The result a submission gets instead of running, or VK_SUCCESS to run. */
static VkResult
take_fault (void)
{
  g_mutex_lock (&fault_lock);
  if (!env_read)
    read_env ();
  VkResult result = VK_SUCCESS;
  if (submissions_left > 0 && --submissions_left == 0)
    {
      result = pending_fault == AT_GPU_FAULT_DEVICE_LOST ? VK_ERROR_DEVICE_LOST : VK_ERROR_OUT_OF_DEVICE_MEMORY;
      pending_fault = AT_GPU_FAULT_NONE;
    }
  g_mutex_unlock (&fault_lock);
  return result;
}

gboolean
at_gpu_queue_submit (AtGpu *gpu, const VkSubmitInfo *submit, VkFence fence, GError **error)
{
  VkResult result = gpu->lost ? VK_ERROR_DEVICE_LOST : take_fault ();
  if (result == VK_SUCCESS)
    result = vkQueueSubmit (gpu->queue, 1, submit, fence);
  if (result == VK_ERROR_DEVICE_LOST)
    gpu->lost = TRUE;
  return at_vk_check (result, "vkQueueSubmit", error);
}
