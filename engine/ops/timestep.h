/* timestep.h — the sinusoidal timestep embedding of the denoiser.
 *
 * For out [B, D] (D even, half = D/2) and t holding B timesteps:
 *   freq[i] = exp(-ln(10000) * i / half)
 *   out[b]  = concat (cos (m*t[b]*freq), sin (m*t[b]*freq))
 * t is read on the GPU at every submission, so a recorded AtCmd can be
 * submitted again after uploading a new t (the sampler's step loop). The
 * argument is computed as (m * t[b]) * freq[i] in fp32, freq correctly
 * rounded: fp32 rounding of arguments near 1000 alone moves the result by
 * up to ~1e-4 from an exact evaluation, as it does in PyTorch. The shader
 * reduces the argument modulo 2*pi itself (GLSL's sin/cos are specified only
 * on [-pi, pi]), exactly for |m*t| below ~25000. */
#pragma once

#include "ops/tensor.h"

G_BEGIN_DECLS

/* t: B elements (any shape); multiplier: m (the model uses 1000). */
gboolean at_op_timestep_embedding (AtCmd *cmd, AtTensor *t, float multiplier, AtTensor *out,
                                   GError **error);

G_END_DECLS
