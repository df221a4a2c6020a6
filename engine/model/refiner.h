/* refiner.h — the learned 64 → 256 px stage: the base model's image and the
 * sketch at full resolution in, a crisp RGBA image out (alpha predicted by
 * the network, not flood-filled), as tools/train/refiner.py trains it.
 *
 * Loaded from atelier-refiner.json + atelier-refiner.safetensors beside the
 * base model. The bilinear enlargement of the input and the sigmoid of the
 * alpha run on the host; the convolutions run on the GPU. An AtRefiner
 * owns its weights; one run at a time (callers serialise, as the engine
 * does for generations).
 */
#pragma once

#include <gio/gio.h>

#include "gpu/gpu.h"
#include "media/image.h"

G_BEGIN_DECLS

typedef struct _AtRefiner AtRefiner;

/* dir: the model folder. */
AtRefiner *at_refiner_load (AtGpu *gpu, const char *dir, GError **error);
void at_refiner_free (AtRefiner *refiner);

int at_refiner_get_in_size (const AtRefiner *refiner);   /* 64 */
int at_refiner_get_out_size (const AtRefiner *refiner);  /* 256 */

/* The host-side enlargement the refiner sees: bilinear, half-pixel centres,
 * edges clamped (PyTorch's align_corners=False). in [C, n, n] -> out
 * [C, n·scale, n·scale]. */
void at_refiner_enlarge (const float *in, int channels, int n, int scale, float *out);

/* image: the base model's output, [3, in, in] in [-1, 1]; sketch: ink at
 * [out, out] (1 = stroke), or NULL. Returns rgb [3, out, out] straight
 * colour in [-1, 1] and alpha [out, out] in [0, 1] (caller frees both). */
gboolean at_refiner_run (AtRefiner *refiner, const float *image, const float *sketch, float **rgb,
                         float **alpha, GError **error);

/* The result as an 8-bit image: RGBA (straight alpha) when transparent,
 * else RGB composited on white. */
AtImage *at_refiner_to_image (const float *rgb, const float *alpha, int size, gboolean transparent);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtRefiner, at_refiner_free)

G_END_DECLS
