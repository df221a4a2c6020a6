/* fuzz-safetensors.c — the weights file reader: header, offsets, dtypes,
 * and the conversion of every tensor it accepts. */
#include "fuzz-util.h"
#include "model/safetensors.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *path = fuzz_file (data, size, ".safetensors");
  AtSafetensors *st = at_safetensors_open (path, NULL);
  if (st == NULL)
    return 0;
  for (const char *const *name = at_safetensors_list (st); *name != NULL; name++)
    {
      const AtSafetensorsInfo *info = at_safetensors_lookup (st, *name);
      if (info == NULL || info->numel > (1 << 20))
        continue;
      float *values = NULL;
      gsize n = 0;
      if (at_safetensors_get_f32 (st, *name, info->ndim, info->shape, &values, &n, NULL))
        g_free (values);
    }
  at_safetensors_get_metadata_value (st, "format");
  at_safetensors_free (st);
  return 0;
}
