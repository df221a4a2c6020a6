/* sampler.h — integrating the rectified flow from noise to an image.
 *
 * The model predicts a velocity v = noise - x0 at time t (t = 1 is pure
 * noise). Samplers run on the host over the few thousand values of x: the
 * denoiser (a replayed GPU command list) is the only expensive part, and
 * the step arithmetic stays exact and easy to check. */
#pragma once

#include <gio/gio.h>

#include "request.h"

G_BEGIN_DECLS

/* Computes v for x at time t; step is the sampler step it serves. */
typedef gboolean (*AtDenoiseFunc) (const float *x, float t, int step, float *v, gpointer data,
                                   GError **error);
/* Called after each step with the current x and its x0 prediction. */
typedef void (*AtStepFunc) (int step, int n_steps, const float *x0_pred, gpointer data);

/* n_steps + 1 times from t_start down to 0, evenly spaced (the schedule the
 * model was trained and exported with). */
float *at_sampler_schedule (int n_steps, float t_start);

/* Deterministic standard normal noise for a seed (xoshiro128** with
 * Box-Muller): the same seed gives the same noise on every machine. */
void at_sampler_noise (guint64 seed, float *out, gsize n);

/* Integrates x (n values, holding x at ts[0]) down to ts[n_steps] = 0. */
gboolean at_sampler_run (AtSamplerKind kind, const float *ts, int n_steps, float *x, gsize n,
                         guint64 seed, AtDenoiseFunc denoise, AtStepFunc on_step, gpointer data,
                         GCancellable *cancellable, GError **error);

/* Holds part of x on a known image while sampling, as RePaint does for
 * inpainting: after every step that ends at a time t1 >= min_t, each value
 * becomes (1 - keep) x + keep ((1 - t1) known + t1 noise), the known image
 * noised to t1 along the same straight path the flow follows. keep = 1
 * leaves the known value, 0 leaves the model free; a feathered mask gives
 * the weights in between. The x0 previews are blended the same way. */
typedef struct {
  const float *keep;    /* n weights in [0, 1] */
  const float *known;   /* n values of the known image, in the model's range */
  const float *noise;   /* n values: the noise that takes it to time t */
  float min_t;          /* 0: every step, down to the final image */
} AtSamplerBlend;

/* at_sampler_run with blends applied in order after each step. */
gboolean at_sampler_run_blended (AtSamplerKind kind, const float *ts, int n_steps, float *x, gsize n,
                                 guint64 seed, const AtSamplerBlend *blends, guint n_blends,
                                 AtDenoiseFunc denoise, AtStepFunc on_step, gpointer data,
                                 GCancellable *cancellable, GError **error);

G_END_DECLS
