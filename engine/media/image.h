/* image.h — 8-bit images on the host, PNG files, and the conversions the
 * models need.
 *
 * An AtImage is width × height pixels of 1 (gray), 3 (RGB) or 4 (RGBA,
 * straight alpha) channels, row-major and tightly packed: pixel (x, y)
 * channel c is pixels[(y * width + x) * channels + c]. Whoever creates an
 * AtImage frees it with at_image_free(); every function returning one
 * returns a new image.
 *
 * Only PNG is read and written. Loading expands every PNG colour type and
 * bit depth to 8 bits per channel; saving is atomic (media/atomic-file.h),
 * so a failed save leaves an existing file as it was.
 */
#pragma once

#include <glib.h>

#include "media/atomic-file.h"

G_BEGIN_DECLS

#define AT_IMAGE_ERROR (at_image_error_quark ())
GQuark at_image_error_quark (void);

typedef enum {
  AT_IMAGE_ERROR_UNSUPPORTED_FORMAT,  /* not a PNG (the message names what it is) */
  AT_IMAGE_ERROR_CORRUPT,             /* a damaged or truncated PNG */
  AT_IMAGE_ERROR_TOO_LARGE,           /* beyond AT_IMAGE_MAX_DIM / AT_IMAGE_MAX_PIXELS */
  AT_IMAGE_ERROR_INVALID_ARGUMENT,    /* e.g. a text key PNG cannot store */
  AT_IMAGE_ERROR_WRITE,               /* writing the file failed */
  AT_IMAGE_ERROR_NOT_FOUND,           /* no text chunk with that key */
} AtImageError;

/* Limits on images from files, far above what the models use, so that a
 * hostile header cannot make us allocate gigabytes. */
#define AT_IMAGE_MAX_DIM 16384
#define AT_IMAGE_MAX_PIXELS (64u * 1024 * 1024)

typedef struct {
  guint width;
  guint height;
  guint channels;     /* 1, 3 or 4 */
  guint8 *pixels;     /* width * height * channels bytes */
} AtImage;

typedef enum {
  AT_IMAGE_FILTER_BILINEAR,   /* smooth (PIL's and PyTorch's align_corners=False) */
  AT_IMAGE_FILTER_NEAREST,    /* blocky, for pixel art and masks */
  AT_IMAGE_FILTER_BICUBIC,    /* sharper than bilinear (Catmull-Rom, a = -0.5; clamped) */
} AtImageFilter;

/* A black (and, with 4 channels, transparent) image. */
AtImage *at_image_new (guint width, guint height, guint channels);
void at_image_free (AtImage *img);
AtImage *at_image_copy (const AtImage *img);
gsize at_image_get_nbytes (const AtImage *img);

/* To another channel count: gray is replicated to RGB; RGB to gray uses
 * ITU-R 601 luma (as PIL's "L"); dropping alpha composites over white,
 * because sketches are ink on a transparent canvas. */
AtImage *at_image_convert (const AtImage *img, guint channels);
AtImage *at_image_to_gray (const AtImage *img);

/* Planar float in [-1, 1] (value / 127.5 - 1), channels × height × width,
 * as the models take images. to_chw fills out (channels*height*width
 * floats); to_chw_new allocates it (caller g_free()s). */
void at_image_to_chw (const AtImage *img, float *out);
float *at_image_to_chw_new (const AtImage *img);
/* The inverse: clamps to [-1, 1] and rounds; NaN becomes 0. */
AtImage *at_image_new_from_chw (const float *chw, guint channels, guint width, guint height);

/* A resized copy, each axis on its own: shrinking averages the source
 * pixels each output pixel covers (a box filter, exact for any ratio),
 * enlarging uses upscale_filter. Colour is weighted by alpha so that
 * transparent pixels do not bleed into their neighbours. */
AtImage *at_image_resize (const AtImage *img, guint width, guint height, AtImageFilter upscale_filter);

/* Loads a PNG of any colour type and bit depth: gray -> 1 channel, RGB or
 * palette -> 3, anything with alpha or a tRNS chunk -> 4 (gray + alpha
 * becomes RGBA). 16-bit samples are rounded to 8. Gamma is ignored. */
AtImage *at_image_load (const char *path, GError **error);
/* The same, but an image whose longer side exceeds max_side comes back
 * reduced by the smallest whole factor that fits it within max_side (a
 * box filter, colour weighted by alpha), decoded row by row so that the
 * full-size pixels are never in memory at once (interlaced PNGs are
 * decoded whole first). For inputs the models take at a few hundred
 * pixels: an 8192² init image costs megabytes, not gigabytes. */
AtImage *at_image_load_reduced (const char *path, guint max_side, GError **error);

/* Writes img as an 8-bit PNG with the given text chunks (NULL-terminated
 * parallel arrays, or NULL): tEXt when the value fits Latin-1, else
 * iTXt (UTF-8), as PIL does. Keys are 1-79 printable Latin-1 characters.
 * Atomic; an existing file is replaced only on success. */
gboolean at_image_save_png (const AtImage *img, const char *path, const char *const *text_keys,
                            const char *const *text_values, GError **error);
/* The same PNG into an open atomic file, which the caller commits (with
 * the other outputs of its command, see media/output-set.h). */
gboolean at_image_write_png (const AtImage *img, AtAtomicFile *file, const char *const *text_keys,
                             const char *const *text_values, GError **error);

/* The value (UTF-8) of the first tEXt, zTXt or iTXt chunk called key, or
 * NULL with AT_IMAGE_ERROR_NOT_FOUND. Caller g_free()s. */
char *at_image_read_png_text (const char *path, const char *key, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtImage, at_image_free)

G_END_DECLS
