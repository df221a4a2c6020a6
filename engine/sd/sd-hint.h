/* sd-hint.h — the user's sketch as a ControlNet scribble hint, made as
 * the reference front end makes it (lllyasviel/ControlNet,
 * gradio_scribble2image.py with annotator/util.py's HWC3):
 *
 *   transparent pixels over white (HWC3; at_image_convert),
 *   the image resized to the hint's size, each axis on its own (the
 *     caller picks a latent of the sketch's shape; at_image_resize: a box
 *     filter when shrinking, as OpenCV's INTER_AREA; bilinear enlarging),
 *   every pixel whose darkest channel is below 127 a line: 1.0 in all
 *     three channels, the rest 0.0 (white lines on black: the sketch's
 *     dark strokes on white, inverted and binarised).
 */
#pragma once

#include "media/image.h"

G_BEGIN_DECLS

#define AT_SD_SCRIBBLE_THRESHOLD 127

/* The hint [3, 8·latent_h, 8·latent_w] (AT_SD_CONTROL_HINT_FACTOR) of
 * sketch, any size and channel count; caller g_free()s. */
float *at_sd_scribble_hint (const AtImage *sketch, guint latent_h, guint latent_w);

G_END_DECLS
