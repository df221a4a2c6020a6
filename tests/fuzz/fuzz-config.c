/* fuzz-config.c — the model's JSON config: every key's type and range. */
#include "fuzz-util.h"
#include "model/config.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *path = fuzz_file (data, size, ".json");
  AtModelConfig *config = at_model_config_load (path, NULL);
  if (config != NULL)
    at_model_config_free (config);
  return 0;
}
