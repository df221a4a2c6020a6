/* fault.h — made-up device failures, to test what a real one does.
 *
 * A GPU can be lost (a driver reset, a removed eGPU) or run out of memory
 * in the middle of a run. Neither can be caused on purpose, so the engine
 * can pretend: the Nth queue submission of the process from now on fails
 * with VK_ERROR_DEVICE_LOST or VK_ERROR_OUT_OF_DEVICE_MEMORY instead of
 * running, once. ATELIER_FAULT=device-lost:N or out-of-memory:N sets it
 * when the first device is made (the command line's tests); tests in the
 * same process call at_gpu_fault_inject(). A lost device stays lost: every
 * later submission on it fails the same way, as a real one does. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  AT_GPU_FAULT_NONE,
  AT_GPU_FAULT_DEVICE_LOST,
  AT_GPU_FAULT_OUT_OF_MEMORY,
} AtGpuFault;

/* The n-th submission from now (1 = the next) fails with fault. */
void at_gpu_fault_inject (AtGpuFault fault, guint n);

G_END_DECLS
