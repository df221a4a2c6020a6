/* sd-hint.c — a sketch as a scribble hint (sd-hint.h). */
#include "sd/sd-hint.h"

#include "sd/controlnet.h"

float *
at_sd_scribble_hint (const AtImage *sketch, guint latent_h, guint latent_w)
{
  g_return_val_if_fail (sketch != NULL && latent_h > 0 && latent_w > 0, NULL);
  guint w = latent_w * AT_SD_CONTROL_HINT_FACTOR, h = latent_h * AT_SD_CONTROL_HINT_FACTOR;
  g_autoptr (AtImage) rgb = at_image_convert (sketch, 3);
  g_autoptr (AtImage) sized = at_image_resize (rgb, w, h, AT_IMAGE_FILTER_BILINEAR);
  gsize plane = (gsize) w * h;
  float *hint = g_new (float, AT_SD_CONTROL_HINT_CHANNELS * plane);
  for (gsize i = 0; i < plane; i++)
    {
      const guint8 *p = sized->pixels + i * 3;
      float v = MIN (p[0], MIN (p[1], p[2])) < AT_SD_SCRIBBLE_THRESHOLD ? 1.0f : 0.0f;
      for (guint c = 0; c < AT_SD_CONTROL_HINT_CHANNELS; c++)
        hint[c * plane + i] = v;
    }
  return hint;
}
