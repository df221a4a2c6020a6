/* guides.c — starting points and known regions for the sampler. */
#define G_LOG_DOMAIN "atelier-engine"

#include "guides.h"
#include "media/mask.h"

/* The init image as the model takes it: its channels, size × size, CHW. */
static float *
init_values (const AtImage *init, guint channels, guint size)
{
  g_autoptr (AtImage) converted = at_image_convert (init, channels);
  g_autoptr (AtImage) small = at_image_resize (converted, size, size, AT_IMAGE_FILTER_BILINEAR);
  return at_image_to_chw_new (small);
}

/* How much of each value stays on the init image: 1 - the mask, per channel. */
static float *
keep_values (const AtImage *mask, float feather, guint channels, guint size)
{
  gsize plane = (gsize) size * size;
  g_autofree float *repaint = at_mask_weights (mask, size, size, feather);
  float *keep = g_new (float, plane * channels);
  for (guint c = 0; c < channels; c++)
    for (gsize i = 0; i < plane; i++)
      keep[c * plane + i] = 1.0f - repaint[i];
  return keep;
}

AtGuides *
at_guides_new (const AtRequest *r, guint channels, guint size)
{
  AtGuides *g = g_new0 (AtGuides, 1);
  g->n = (gsize) channels * size * size;
  g->noise = g_new (float, g->n);
  if (r->init != NULL)
    g->init = init_values (r->init, channels, size);
  if (r->sketch != NULL && (g->hint = at_colour_hint_new (r->sketch, r->colour_hint, channels, size)) != NULL)
    g->blends[g->n_blends++] = (AtSamplerBlend) { .keep = g->hint->weight, .known = g->hint->colour,
                                                  .noise = g->noise, .min_t = AT_COLOUR_HINT_UNTIL_T };
  /* last, so that the kept region wins over any hint */
  if (r->mask != NULL && r->init != NULL)
    {
      g->keep = keep_values (r->mask, r->mask_feather, channels, size);
      g->blends[g->n_blends++] = (AtSamplerBlend) { .keep = g->keep, .known = g->init, .noise = g->noise };
    }
  return g;
}

void
at_guides_free (AtGuides *g)
{
  if (g == NULL)
    return;
  g_free (g->init);
  g_free (g->keep);
  at_colour_hint_free (g->hint);
  g_free (g->noise);
  g_free (g);
}

void
at_guides_start (AtGuides *g, guint64 seed, float t0, float *x)
{
  at_sampler_noise (seed, g->noise, g->n);
  for (gsize i = 0; i < g->n; i++)
    x[i] = g->init != NULL ? (1.0f - t0) * g->init[i] + t0 * g->noise[i] : g->noise[i];
}

AtImage *
at_guides_finish (const AtGuides *g, const AtRequest *r, AtImage *img)
{
  if (g->keep == NULL)
    return img;
  g_autoptr (AtImage) generated = img;
  return at_mask_composite (generated, r->init, r->mask, r->mask_feather);
}
