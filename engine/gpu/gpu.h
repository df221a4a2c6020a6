/* gpu.h — the Vulkan device the engine computes on.
 *
 * AtGpu owns the Vulkan instance, the chosen physical device, one compute
 * queue, the memory suballocator, the pipeline cache and the profiler. It is
 * the only module (with the rest of engine/gpu/) that touches Vulkan.
 * Whoever calls at_gpu_new() frees it with at_gpu_free(), after every buffer,
 * pipeline user and command list made from it.
 *
 * Device choice: discrete > integrated > virtual > CPU, unless the caller or
 * the ATELIER_DEVICE environment variable names one (an index from
 * at_gpu_list_devices() or part of a device name). ATELIER_VALIDATION=1
 * enables VK_LAYER_KHRONOS_validation and reports every message as a
 * g_warning(). ATELIER_PROFILE=1 prints a per-operator timing table when the
 * AtGpu is freed.
 */
#pragma once

#include <stdio.h>

#include <glib.h>

G_BEGIN_DECLS

#define AT_GPU_ERROR (at_gpu_error_quark ())
GQuark at_gpu_error_quark (void);

typedef enum {
  AT_GPU_ERROR_NO_DRIVER,        /* no Vulkan loader/driver could start */
  AT_GPU_ERROR_NO_DEVICE,        /* a driver, but no device with compute */
  AT_GPU_ERROR_DEVICE_NOT_FOUND, /* the requested device does not exist */
  AT_GPU_ERROR_NO_VALIDATION,    /* validation asked for but not installed */
  AT_GPU_ERROR_OUT_OF_MEMORY,
  AT_GPU_ERROR_TOO_LARGE,        /* beyond a device limit */
  AT_GPU_ERROR_SHADER,           /* unknown or unusable shader */
  AT_GPU_ERROR_FAILED,           /* any other Vulkan failure */
  AT_GPU_ERROR_DEVICE_LOST,      /* the device stopped (driver reset, removed): make a new one */
} AtGpuError;

typedef enum {
  AT_GPU_DEVICE_OTHER,
  AT_GPU_DEVICE_CPU,
  AT_GPU_DEVICE_VIRTUAL,
  AT_GPU_DEVICE_INTEGRATED,
  AT_GPU_DEVICE_DISCRETE,
} AtGpuDeviceType;

typedef struct {
  guint index;
  char *name;
  char *driver;            /* driver name and info, e.g. "llvmpipe Mesa 22.3.6" */
  char *api_version;       /* "1.3.230" */
  AtGpuDeviceType type;
  guint64 memory;          /* bytes of device-local memory */
  gboolean has_compute;
} AtGpuDeviceInfo;

void at_gpu_device_info_free (AtGpuDeviceInfo *info);
const char *at_gpu_device_type_to_string (AtGpuDeviceType type);

typedef struct _AtGpu AtGpu;

/* Lists every Vulkan device. Element type AtGpuDeviceInfo. */
GPtrArray *at_gpu_list_devices (GError **error);

/* device: NULL or "" for automatic choice (or $ATELIER_DEVICE). */
AtGpu *at_gpu_new (const char *device, GError **error);
void at_gpu_free (AtGpu *gpu);

const AtGpuDeviceInfo *at_gpu_get_device_info (AtGpu *gpu);
gboolean at_gpu_supports_fp16 (AtGpu *gpu);
/* Whether the linear and convolution kernels can read fp16 weights on this
 * device (ops/tensor.h, AT_TENSOR_F16): loaders keep fp32 where not. */
gboolean at_gpu_supports_half_weights (AtGpu *gpu);

/* Largest range one storage-buffer binding may cover, in bytes. */
/* The alignment, in bytes, of every binding's offset: storage and texel
 * bindings alike (at least 16). */
guint64 at_gpu_binding_alignment (AtGpu *gpu);
guint64 at_gpu_max_binding_size (AtGpu *gpu);

/* Bytes of device memory in use by buffers now and at most so far, and
 * reserved from the driver in blocks. */
void at_gpu_get_memory_usage (AtGpu *gpu, guint64 *in_use, guint64 *peak, guint64 *reserved);

/* Writes the per-operator profile table (no-op unless profiling is on). */
void at_gpu_print_profile (AtGpu *gpu, FILE *out);
gboolean at_gpu_is_profiling (AtGpu *gpu);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtGpu, at_gpu_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtGpuDeviceInfo, at_gpu_device_info_free)

G_END_DECLS
