/* fuzz-png.c — the PNG loader and its text-chunk reader. */
#include "fuzz-util.h"
#include "media/image.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *path = fuzz_file (data, size, ".png");
  AtImage *img = at_image_load (path, NULL);
  if (img != NULL)
    {
      /* what the engine does next with a sketch or init image */
      AtImage *gray = at_image_to_gray (img);
      at_image_free (gray);
      at_image_free (img);
    }
  g_free (at_image_read_png_text (path, "parameters", NULL));
  return 0;
}
