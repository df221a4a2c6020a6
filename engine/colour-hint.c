/* colour-hint.c — coloured ink spread into a soft colour target. */
#define G_LOG_DOMAIN "atelier-engine"

#include "colour-hint.h"
#include "media/mask.h"

/* Ink this saturated counts fully; greyer ink counts in proportion. */
#define FULL_SATURATION 0.5f
/* Below this share of coloured ink in a pixel there is no hint. */
#define MIN_CHROMA 0.08f

/* How much coloured ink a pixel holds, 0..1: chroma (max - min of RGB)
 * scaled so that clearly coloured ink counts fully, times opacity. */
static float
chroma (const guint8 *p, guint channels)
{
  if (channels < 3)
    return 0.0f;
  int hi = MAX (p[0], MAX (p[1], p[2])), lo = MIN (p[0], MIN (p[1], p[2]));
  float c = (hi - lo) / 255.0f * (channels == 4 ? p[3] / 255.0f : 1.0f);
  return c < MIN_CHROMA ? 0.0f : MIN (1.0f, c / FULL_SATURATION);
}

gboolean
at_colour_hint_in (const AtImage *sketch)
{
  g_return_val_if_fail (sketch != NULL, FALSE);
  gsize n = (gsize) sketch->width * sketch->height;
  for (gsize i = 0; i < n; i++)
    if (chroma (sketch->pixels + i * sketch->channels, sketch->channels) > 0.0f)
      return TRUE;
  return FALSE;
}

AtColourHint *
at_colour_hint_new (const AtImage *sketch, float strength, guint channels, guint size)
{
  g_return_val_if_fail (sketch != NULL, NULL);
  if (!(strength > 0.0f) || channels != 3 || !at_colour_hint_in (sketch))
    return NULL;
  /* weight and weight × colour at model size, box-averaged */
  g_autoptr (AtImage) rgba = at_image_new (sketch->width, sketch->height, 4);
  gsize n_src = (gsize) sketch->width * sketch->height;
  for (gsize i = 0; i < n_src; i++)
    {
      const guint8 *p = sketch->pixels + i * sketch->channels;
      guint8 *d = rgba->pixels + i * 4;
      d[0] = p[0], d[1] = p[1], d[2] = p[2];
      d[3] = (guint8) (chroma (p, sketch->channels) * 255.0f + 0.5f);
    }
  g_autoptr (AtImage) small = at_image_resize (rgba, size, size, AT_IMAGE_FILTER_BILINEAR);
  gsize plane = (gsize) size * size;
  g_autofree float *w = g_new (float, plane);
  g_autofree float *wc = g_new (float, 3 * plane);
  for (gsize i = 0; i < plane; i++)
    {
      const guint8 *p = small->pixels + i * 4;
      w[i] = p[3] / 255.0f;
      for (int c = 0; c < 3; c++)   /* resize premultiplies; p is straight */
        wc[c * plane + i] = w[i] * (p[c] / 127.5f - 1.0f);
    }
  /* spread over the region around the strokes: a tenth of the image */
  float spread = size / 10.0f;
  at_mask_feather (w, size, size, spread);
  for (int c = 0; c < 3; c++)
    at_mask_feather (wc + c * plane, size, size, spread);

  AtColourHint *hint = g_new0 (AtColourHint, 1);
  hint->colour = g_new (float, 3 * plane);
  hint->weight = g_new (float, 3 * plane);
  for (gsize i = 0; i < plane; i++)
    for (int c = 0; c < 3; c++)
      {
        /* a thin line fills a few per cent of its neighbourhood: a
         * density of 0.2 already asks for the colour fully */
        hint->colour[c * plane + i] = w[i] > 1e-6f ? wc[c * plane + i] / w[i] : 0.0f;
        hint->weight[c * plane + i] = strength * MIN (1.0f, w[i] / 0.2f);
      }
  return hint;
}

void
at_colour_hint_free (AtColourHint *hint)
{
  if (hint == NULL)
    return;
  g_free (hint->colour);
  g_free (hint->weight);
  g_free (hint);
}
