/* upscale.h — the upscale stage: the model's small image to an asset size.
 *
 * The base model draws at its native size (64 px). This stage takes that
 * image and the user's sketch at full resolution and returns RGBA at
 * 128, 256 or 512 px. It is the one seam where the learned refiner
 * (engine/model/refiner.h, trained in tools/train) plugs in: front ends
 * call at_upscale_image() and never know which path ran.
 *
 * With a refiner (the engine passes the one shipped beside the model) the
 * stage is learned: the network predicts the colour at 256 px and the
 * alpha (model/refiner.h); 128 is its area reduction, 512 its bicubic
 * doubling. Without one (a model folder that has none) the image is
 * enlarged with a bicubic (Catmull-Rom) filter; with a white background
 * alpha is 255 everywhere, with a transparent background the alpha is a
 * FALLBACK, not a prediction: pixels close (in CIELAB) to the background
 * colour (the median of the image border) and connected to the border
 * become transparent, with a soft ramp at the edge and the background
 * colour un-mixed from the partly transparent pixels; specks left on the
 * ground (under 4 of the model's pixels) are cleared. at_upscale_describe()
 * names the path that ran, for the parameters text.
 */
#pragma once

#include <gio/gio.h>

#include "media/image.h"

G_BEGIN_DECLS

typedef enum {
  AT_BACKGROUND_WHITE,        /* opaque, as the model draws */
  AT_BACKGROUND_TRANSPARENT,  /* the subject alone, alpha around it */
} AtBackground;

const char *at_background_to_string (AtBackground background);
gboolean at_background_from_string (const char *name, AtBackground *background);

/* The learned refiner; defined in engine/model/refiner.h. */
typedef struct _AtRefiner AtRefiner;

/* The sizes the stage makes (and the native 64, which it passes through). */
gboolean at_upscale_size_is_valid (int size);
/* "64, 128, 256 or 512", for messages. */
const char *at_upscale_sizes_text (void);

/* Checks a sketch given for an upscaled image: square (it is laid over
 * the square image) and at least AT_UPSCALE_MIN_SKETCH pixels a side. The
 * front ends call it before generating; the stage itself, like the
 * encoders, stretches whatever it is given. The message says what was
 * wrong and what to do. */
#define AT_UPSCALE_MIN_SKETCH 16
gboolean at_upscale_check_sketch (const AtImage *sketch, GError **error);

/* base: the model's image (RGB or gray, any square size); sketch: the
 * user's strokes or NULL; size: one of at_upscale_size_is_valid ().
 * Returns a new RGBA image of size × size; refiner NULL takes the bicubic
 * path. Cancellable before it starts. */
AtImage *at_upscale_image (AtRefiner *refiner, const AtImage *base, const AtImage *sketch, int size,
                           AtBackground background, GCancellable *cancellable, GError **error);

/* "bicubic" or "bicubic, background by colour (fallback)": which path
 * at_upscale_image () takes for these arguments. */
const char *at_upscale_describe (AtRefiner *refiner, AtBackground background);

G_END_DECLS
