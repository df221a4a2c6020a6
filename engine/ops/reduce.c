/* reduce.c — choosing how row-reducing operators spread a row. */
#define G_LOG_DOMAIN "atelier-ops"

#include "ops/reduce.h"

gboolean
at_reduce_variant_resolve (AtReduceVariant *variant, const AtTensor *x, guint64 row_len, const char *op,
                           GError **error)
{
  gboolean cpu = at_gpu_get_device_info (at_tensor_get_gpu (x))->type == AT_GPU_DEVICE_CPU;
  if (*variant == AT_REDUCE_AUTO)
    *variant = cpu && row_len <= AT_REDUCE_SERIAL_MAX ? AT_REDUCE_SERIAL : AT_REDUCE_WORKGROUP;
  if ((*variant == AT_REDUCE_SERIAL && row_len > AT_REDUCE_SERIAL_MAX) ||
      (cpu && row_len > AT_REDUCE_WORKGROUP_MAX_CPU))
    {
      g_set_error (error, AT_GPU_ERROR, AT_GPU_ERROR_TOO_LARGE,
                   "%s: rows of %" G_GUINT64_FORMAT " elements are too long for one invocation "
                   "(at most %d, or %d with a workgroup per row on a CPU device)", op, row_len,
                   AT_REDUCE_SERIAL_MAX, AT_REDUCE_WORKGROUP_MAX_CPU);
      return FALSE;
    }
  return TRUE;
}
