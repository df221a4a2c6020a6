/* image.c — host images: conversions, resampling and PNG files. */
#define G_LOG_DOMAIN "atelier-media"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <png.h>

#include "media/image.h"

G_DEFINE_QUARK (at-image-error-quark, at_image_error)

/* Bounds what libpng may allocate for one ancillary chunk (text, ICC). */
#define MAX_CHUNK_BYTES (16u * 1024 * 1024)

AtImage *
at_image_new (guint width, guint height, guint channels)
{
  g_return_val_if_fail (channels == 1 || channels == 3 || channels == 4, NULL);
  g_return_val_if_fail (width >= 1 && width <= AT_IMAGE_MAX_DIM, NULL);
  g_return_val_if_fail (height >= 1 && height <= AT_IMAGE_MAX_DIM, NULL);
  AtImage *img = g_new0 (AtImage, 1);
  img->width = width;
  img->height = height;
  img->channels = channels;
  img->pixels = g_malloc0 ((gsize) width * height * channels);
  return img;
}

void
at_image_free (AtImage *img)
{
  if (img == NULL)
    return;
  g_free (img->pixels);
  g_free (img);
}

gsize
at_image_get_nbytes (const AtImage *img)
{
  g_return_val_if_fail (img != NULL, 0);
  return (gsize) img->width * img->height * img->channels;
}

AtImage *
at_image_copy (const AtImage *img)
{
  g_return_val_if_fail (img != NULL, NULL);
  AtImage *copy = at_image_new (img->width, img->height, img->channels);
  memcpy (copy->pixels, img->pixels, at_image_get_nbytes (img));
  return copy;
}

/* ---- channel conversions ---- */

static inline guint8
over_white (guint c, guint a)
{
  return (guint8) ((c * a + 255 * (255 - a) + 127) / 255);
}

/* ITU-R 601 luma in 16.16 fixed point, rounded; the weights sum to 65536. */
static inline guint8
luma (guint r, guint g, guint b)
{
  return (guint8) ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
}

AtImage *
at_image_convert (const AtImage *img, guint channels)
{
  g_return_val_if_fail (img != NULL, NULL);
  g_return_val_if_fail (channels == 1 || channels == 3 || channels == 4, NULL);
  if (channels == img->channels)
    return at_image_copy (img);
  AtImage *out = at_image_new (img->width, img->height, channels);
  gsize n = (gsize) img->width * img->height;
  for (gsize i = 0; i < n; i++)
    {
      const guint8 *s = img->pixels + i * img->channels;
      guint8 *d = out->pixels + i * channels;
      guint r, g, b, a = 255;
      if (img->channels == 1)
        r = g = b = s[0];
      else
        {
          r = s[0];
          g = s[1];
          b = s[2];
          if (img->channels == 4)
            a = s[3];
        }
      if (channels == 4)
        {
          d[0] = r;
          d[1] = g;
          d[2] = b;
          d[3] = a;
          continue;
        }
      if (img->channels == 4)
        {
          r = over_white (r, a);
          g = over_white (g, a);
          b = over_white (b, a);
        }
      if (channels == 1)
        d[0] = luma (r, g, b);
      else
        {
          d[0] = r;
          d[1] = g;
          d[2] = b;
        }
    }
  return out;
}

AtImage *
at_image_to_gray (const AtImage *img)
{
  return at_image_convert (img, 1);
}

/* ---- float planes ---- */

void
at_image_to_chw (const AtImage *img, float *out)
{
  g_return_if_fail (img != NULL && out != NULL);
  gsize plane = (gsize) img->width * img->height;
  for (gsize i = 0; i < plane; i++)
    for (guint c = 0; c < img->channels; c++)
      out[c * plane + i] = img->pixels[i * img->channels + c] / 127.5f - 1.0f;
}

float *
at_image_to_chw_new (const AtImage *img)
{
  g_return_val_if_fail (img != NULL, NULL);
  float *out = g_new (float, at_image_get_nbytes (img));
  at_image_to_chw (img, out);
  return out;
}

AtImage *
at_image_new_from_chw (const float *chw, guint channels, guint width, guint height)
{
  g_return_val_if_fail (chw != NULL, NULL);
  AtImage *img = at_image_new (width, height, channels);
  g_return_val_if_fail (img != NULL, NULL);
  gsize plane = (gsize) width * height;
  for (gsize i = 0; i < plane; i++)
    for (guint c = 0; c < channels; c++)
      {
        float v = chw[c * plane + i];
        if (isnan (v))
          v = -1.0f;
        v = CLAMP (v, -1.0f, 1.0f);
        img->pixels[i * channels + c] = (guint8) floorf ((v + 1.0f) * 127.5f + 0.5f);
      }
  return img;
}

/* ---- resampling ---- */

/* Which source samples, with which weights, make each output sample along
 * one axis. */
typedef struct {
  guint taps;       /* weights per output sample */
  guint *first;     /* [out] first source index */
  float *weights;   /* [out * taps] */
} Axis;

static void
axis_clear (Axis *axis)
{
  g_free (axis->first);
  g_free (axis->weights);
}

/* Catmull-Rom's cubic (Keys, a = -0.5) at distance t from a sample. */
static double
cubic_weight (double t)
{
  const double a = -0.5;
  t = fabs (t);
  if (t < 1)
    return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2)
    return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
  return 0;
}

/* Four taps on pixel centres; taps beyond an edge fold onto the edge
 * pixel, as if the image continued with its border. */
static void
axis_init_bicubic (Axis *axis, guint src, guint dst)
{
  double scale = (double) src / dst;
  axis->taps = MIN (4, src);
  axis->weights = g_new0 (float, (gsize) dst * axis->taps);
  for (guint i = 0; i < dst; i++)
    {
      double x = (i + 0.5) * scale - 0.5;
      int j0 = (int) floor (x);
      int first = CLAMP (j0 - 1, 0, (int) (src - axis->taps));
      axis->first[i] = first;
      for (int k = -1; k <= 2; k++)
        {
          int j = CLAMP (j0 + k, 0, (int) src - 1);
          axis->weights[(gsize) i * axis->taps + (j - first)] += (float) cubic_weight (x - (j0 + k));
        }
    }
}

static void
axis_init (Axis *axis, guint src, guint dst, AtImageFilter filter)
{
  double scale = (double) src / dst;
  axis->first = g_new0 (guint, dst);
  if (dst < src)
    {
      /* Box: output i covers source [i*scale, (i+1)*scale), each source
       * pixel weighted by how much of it lies inside. */
      axis->taps = (guint) ceil (scale) + 1;
      axis->weights = g_new0 (float, (gsize) dst * axis->taps);
      for (guint i = 0; i < dst; i++)
        {
          double lo = i * scale, hi = (i + 1) * scale;
          guint j0 = (guint) floor (lo);
          axis->first[i] = j0;
          for (guint k = 0; k < axis->taps && j0 + k < src; k++)
            {
              double overlap = MIN (j0 + k + 1.0, hi) - MAX ((double) (j0 + k), lo);
              if (overlap > 0)
                axis->weights[(gsize) i * axis->taps + k] = (float) (overlap / scale);
            }
        }
    }
  else if (filter == AT_IMAGE_FILTER_NEAREST || dst == src)
    {
      axis->taps = 1;
      axis->weights = g_new (float, dst);
      for (guint i = 0; i < dst; i++)
        {
          axis->first[i] = MIN ((guint) floor ((i + 0.5) * scale), src - 1);
          axis->weights[i] = 1.0f;
        }
    }
  else if (filter == AT_IMAGE_FILTER_BICUBIC)
    axis_init_bicubic (axis, src, dst);
  else
    {
      /* Bilinear on pixel centres, clamped at the edges. */
      axis->taps = 2;
      axis->weights = g_new0 (float, (gsize) dst * 2);
      for (guint i = 0; i < dst; i++)
        {
          double x = CLAMP ((i + 0.5) * scale - 0.5, 0.0, (double) (src - 1));
          guint j0 = MIN ((guint) floor (x), src - 1);
          double t = x - j0;
          if (j0 + 1 >= src)
            {
              j0 = src - 1;
              t = 0;
            }
          axis->first[i] = j0;
          axis->weights[(gsize) i * 2] = (float) (1.0 - t);
          axis->weights[(gsize) i * 2 + 1] = (float) t;
        }
    }
}

/* Adds to acc[0..C) output position i's taps along axis: source pixel j
 * (j < n) at src + j * stride, C floats each. */
static void
add_taps (const Axis *axis, guint i, const float *src, gsize stride, guint n, guint C, float *acc)
{
  for (guint k = 0; k < axis->taps; k++)
    {
      guint j = axis->first[i] + k;
      float w = axis->weights[(gsize) i * axis->taps + k];
      if (w == 0.0f || j >= n)
        continue;
      const float *s = src + j * stride;
      for (guint c = 0; c < C; c++)
        acc[c] += w * s[c];
    }
}

AtImage *
at_image_resize (const AtImage *img, guint width, guint height, AtImageFilter upscale_filter)
{
  g_return_val_if_fail (img != NULL, NULL);
  g_return_val_if_fail (width >= 1 && width <= AT_IMAGE_MAX_DIM, NULL);
  g_return_val_if_fail (height >= 1 && height <= AT_IMAGE_MAX_DIM, NULL);
  if (width == img->width && height == img->height)
    return at_image_copy (img);

  guint C = img->channels, sw = img->width, sh = img->height;
  gboolean alpha = C == 4;
  Axis ax, ay;
  axis_init (&ax, sw, width, upscale_filter);
  axis_init (&ay, sh, height, upscale_filter);

  /* Source as float, colour premultiplied by alpha. */
  gsize n_src = (gsize) sw * sh;
  g_autofree float *src = g_new (float, n_src * C);
  for (gsize i = 0; i < n_src; i++)
    {
      const guint8 *p = img->pixels + i * C;
      float a = alpha ? p[3] / 255.0f : 1.0f;
      for (guint c = 0; c < C; c++)
        src[i * C + c] = (alpha && c < 3) ? p[c] * a : p[c];
    }

  /* Horizontal pass: sw x sh -> width x sh. */
  g_autofree float *tmp = g_new0 (float, (gsize) width * sh * C);
  for (guint y = 0; y < sh; y++)
    for (guint x = 0; x < width; x++)
      add_taps (&ax, x, src + (gsize) y * sw * C, C, sw, C, tmp + ((gsize) y * width + x) * C);

  /* Vertical pass: width x sh -> width x height, then back to 8 bits. */
  AtImage *out = at_image_new (width, height, C);
  g_autofree float *acc = g_new (float, C);
  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        memset (acc, 0, C * sizeof (float));
        add_taps (&ay, y, tmp + (gsize) x * C, (gsize) width * C, sh, C, acc);
        float a = alpha ? acc[3] / 255.0f : 1.0f;
        guint8 *d = out->pixels + ((gsize) y * width + x) * C;
        for (guint c = 0; c < C; c++)
          {
            float v = acc[c];
            if (alpha && c < 3)
              v = a > 0 ? v / a : 0.0f;
            d[c] = (guint8) CLAMP (floorf (v + 0.5f), 0.0f, 255.0f);
          }
      }

  axis_clear (&ax);
  axis_clear (&ay);
  return out;
}

/* ---- PNG, shared ---- */

/* libpng reports errors through a callback that must not return; it
 * copies the message here and longjmps back to the setjmp in the *_run
 * functions below, whose callers then free everything. Each *_run keeps
 * its state in the struct it is given, never in locals, so nothing is
 * lost to the longjmp. */
typedef struct {
  char message[256];
} PngErr;

static void
png_error_cb (png_structp png, png_const_charp message)
{
  PngErr *err = png_get_error_ptr (png);
  g_strlcpy (err->message, message, sizeof err->message);
  png_longjmp (png, 1);
}

static void
png_warning_cb (png_structp png, png_const_charp message)
{
  g_debug ("libpng: %s", message);
}

static const char *
detect_format (const guint8 *b, gsize n)
{
  if (n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
    return "a JPEG image";
  if (n >= 6 && (memcmp (b, "GIF87a", 6) == 0 || memcmp (b, "GIF89a", 6) == 0))
    return "a GIF image";
  if (n >= 12 && memcmp (b, "RIFF", 4) == 0 && memcmp (b + 8, "WEBP", 4) == 0)
    return "a WebP image";
  if (n >= 2 && b[0] == 'B' && b[1] == 'M')
    return "a BMP image";
  if (n >= 4 && (memcmp (b, "II*\0", 4) == 0 || memcmp (b, "MM\0*", 4) == 0))
    return "a TIFF image";
  if (n >= 12 && memcmp (b + 4, "ftyp", 4) == 0)
    return "an HEIF/AVIF image or a video";
  return NULL;
}

/* Box reduction by a whole factor, fed one source row at a time: colour
 * weighted by alpha (as at_image_resize), so that transparent pixels do
 * not bleed; edge blocks average the pixels they have. */
typedef struct {
  guint width, height, channels, factor, y;
  guint64 *sums;     /* per output pixel: channels sums, then the colour weight */
  guint *counts;     /* source columns each output column covers */
  AtImage *img;
} Reducer;

static void
reducer_init (Reducer *r, guint width, guint height, guint channels, guint factor)
{
  *r = (Reducer) { .width = width, .height = height, .channels = channels, .factor = factor };
  guint out_w = (width + factor - 1) / factor;
  r->img = at_image_new (out_w, (height + factor - 1) / factor, channels);
  r->sums = g_new0 (guint64, (gsize) out_w * (channels + 1));
  r->counts = g_new (guint, out_w);
  for (guint x = 0; x < out_w; x++)
    r->counts[x] = MIN (factor, width - x * factor);
}

static void
reducer_emit (Reducer *r, guint rows)
{
  guint C = r->channels, out_w = r->img->width;
  guint8 *out = r->img->pixels + (gsize) (r->y / r->factor) * out_w * C;
  for (guint x = 0; x < out_w; x++)
    {
      const guint64 *s = r->sums + (gsize) x * (C + 1);
      guint64 n = (guint64) r->counts[x] * rows;
      for (guint c = 0; c < C; c++)
        {
          guint64 d = c == 3 ? n : s[C];
          out[(gsize) x * C + c] = d > 0 ? (guint8) MIN ((s[c] + d / 2) / d, 255) : 0;
        }
    }
  memset (r->sums, 0, (gsize) out_w * (C + 1) * sizeof *r->sums);
}

static void
reducer_add_row (Reducer *r, const guint8 *row)
{
  guint C = r->channels;
  for (guint x = 0; x < r->width; x++)
    {
      const guint8 *p = row + (gsize) x * C;
      guint64 *s = r->sums + (gsize) (x / r->factor) * (C + 1);
      guint weight = C == 4 ? p[3] : 1;
      for (guint c = 0; c < C; c++)
        s[c] += c == 3 ? p[c] : (guint64) p[c] * weight;
      s[C] += weight;
    }
  guint rows = r->y % r->factor + 1;
  if (rows == r->factor || r->y + 1 == r->height)
    reducer_emit (r, rows);
  r->y++;
}

static AtImage *
reducer_finish (Reducer *r)
{
  g_clear_pointer (&r->sums, g_free);
  g_clear_pointer (&r->counts, g_free);
  return g_steal_pointer (&r->img);
}

/* ---- PNG reading ---- */

typedef struct {
  PngErr err;
  FILE *fp;
  png_structp png;
  png_infop info;
  /* what to read: pixels into img, or only the text chunk want_key */
  const char *want_key;           /* Latin-1; NULL to read pixels */
  guint max_side;                 /* reduce larger images while decoding; 0: full size */
  Reducer reducer;
  char *text;                     /* the value found, UTF-8 */
  gboolean text_invalid;
  AtImage *img;
  png_bytep *rows;
  guint8 *scratch;
  /* a failure found by us rather than libpng */
  AtImageError code;
  char *our_message;
} PngRead;

static void
read_cb (png_structp png, png_bytep data, size_t length)
{
  FILE *fp = png_get_io_ptr (png);
  if (fread (data, 1, length, fp) != length)
    png_error (png, ferror (fp) ? "read error" : "the file ends early (truncated)");
}

/* Looks for want_key among the text chunks read so far. */
static gboolean
find_text (PngRead *r)
{
  png_textp texts = NULL;
  int n = png_get_text (r->png, r->info, &texts, NULL);
  for (int i = 0; i < n; i++)
    {
      if (texts[i].key == NULL || strcmp (texts[i].key, r->want_key) != 0)
        continue;
      const char *value = texts[i].text ? texts[i].text : "";
      gboolean utf8 = texts[i].compression == PNG_ITXT_COMPRESSION_NONE ||
                      texts[i].compression == PNG_ITXT_COMPRESSION_zTXt;
      if (utf8)
        {
          if (g_utf8_validate (value, -1, NULL))
            r->text = g_strdup (value);
          else
            r->text_invalid = TRUE;
        }
      else
        r->text = g_convert (value, -1, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
      if (r->text == NULL)
        r->text_invalid = TRUE;
      return TRUE;
    }
  return FALSE;
}

static gboolean
png_read_run (PngRead *r)
{
  if (setjmp (png_jmpbuf (r->png)))
    return FALSE;

  png_set_read_fn (r->png, r->fp, read_cb);
  png_set_user_limits (r->png, 0x7fffffff, 0x7fffffff);   /* we check sizes ourselves below */
  png_set_chunk_malloc_max (r->png, MAX_CHUNK_BYTES);
  png_read_info (r->png, r->info);

  if (r->want_key != NULL && find_text (r))
    return TRUE;

  png_uint_32 width, height;
  int bit_depth, color_type, interlace;
  png_get_IHDR (r->png, r->info, &width, &height, &bit_depth, &color_type, &interlace, NULL, NULL);
  if (width > AT_IMAGE_MAX_DIM || height > AT_IMAGE_MAX_DIM ||
      (guint64) width * height > AT_IMAGE_MAX_PIXELS)
    {
      r->code = AT_IMAGE_ERROR_TOO_LARGE;
      r->our_message = g_strdup_printf ("the image is %u × %u pixels; Atelier opens images up to %u × %u "
                                        "and %u megapixels", (guint) width, (guint) height, AT_IMAGE_MAX_DIM,
                                        AT_IMAGE_MAX_DIM, AT_IMAGE_MAX_PIXELS >> 20);
      return FALSE;
    }

  gboolean has_trns = png_get_valid (r->png, r->info, PNG_INFO_tRNS) != 0;
  if (color_type == PNG_COLOR_TYPE_PALETTE)
    png_set_palette_to_rgb (r->png);
  if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8)
    png_set_expand_gray_1_2_4_to_8 (r->png);
  if (has_trns)
    png_set_tRNS_to_alpha (r->png);
  if (bit_depth == 16)
    png_set_scale_16 (r->png);
  if ((color_type == PNG_COLOR_TYPE_GRAY && has_trns) || color_type == PNG_COLOR_TYPE_GRAY_ALPHA)
    png_set_gray_to_rgb (r->png);
  int passes = png_set_interlace_handling (r->png);
  png_read_update_info (r->png, r->info);

  guint channels = png_get_channels (r->png, r->info);
  if ((channels != 1 && channels != 3 && channels != 4) ||
      png_get_rowbytes (r->png, r->info) != (gsize) width * channels)
    png_error (r->png, "unexpected pixel layout after conversion to 8 bits");

  if (r->want_key != NULL)
    {
      /* The text may follow the pixels: decode them row by row into one
       * scratch row to get there. */
      r->scratch = g_malloc ((gsize) width * channels);
      for (int pass = 0; pass < passes; pass++)
        for (png_uint_32 y = 0; y < height; y++)
          png_read_row (r->png, r->scratch, NULL);
      png_read_end (r->png, r->info);
      find_text (r);
      return TRUE;
    }

  guint factor = r->max_side > 0 ? (MAX (width, height) + r->max_side - 1) / r->max_side : 1;
  if (factor > 1 && passes == 1)
    {
      /* row by row: the full image is never in memory */
      reducer_init (&r->reducer, width, height, channels, factor);
      r->scratch = g_malloc ((gsize) width * channels);
      for (png_uint_32 y = 0; y < height; y++)
        {
          png_read_row (r->png, r->scratch, NULL);
          reducer_add_row (&r->reducer, r->scratch);
        }
      png_read_end (r->png, NULL);
      r->img = reducer_finish (&r->reducer);
      return TRUE;
    }

  r->img = at_image_new (width, height, channels);
  r->rows = g_new (png_bytep, height);
  for (png_uint_32 y = 0; y < height; y++)
    r->rows[y] = r->img->pixels + (gsize) y * width * channels;
  png_read_image (r->png, r->rows);
  png_read_end (r->png, NULL);
  if (factor > 1)   /* interlaced: reduce the whole image */
    {
      g_autoptr (AtImage) full = g_steal_pointer (&r->img);
      reducer_init (&r->reducer, width, height, channels, factor);
      for (png_uint_32 y = 0; y < height; y++)
        reducer_add_row (&r->reducer, full->pixels + (gsize) y * width * channels);
      r->img = reducer_finish (&r->reducer);
    }
  return TRUE;
}

/* Walks the chunk lengths before libpng sees the file: libpng allocates
 * a buffer of a chunk's declared length before reading it (an oversized
 * ancillary chunk is only a warning), so a damaged length could cost
 * gigabytes. Every chunk must fit in the file, and the file must reach
 * IEND. Sets *message on failure. */
static gboolean
check_chunk_lengths (FILE *fp, char **message)
{
  struct stat st;
  if (fstat (fileno (fp), &st) != 0)
    {
      *message = g_strdup (g_strerror (errno));
      return FALSE;
    }
  guint64 size = st.st_size, pos = 8;
  while (TRUE)
    {
      guint8 header[8];
      if (pos + 8 > size || fseeko (fp, pos, SEEK_SET) != 0 || fread (header, 1, 8, fp) != 8)
        {
          *message = g_strdup ("the file ends early (truncated) before its IEND chunk");
          return FALSE;
        }
      guint64 length = (guint64) header[0] << 24 | header[1] << 16 | header[2] << 8 | header[3];
      char name[5] = { 0 };
      for (int i = 0; i < 4; i++)
        name[i] = g_ascii_isalpha (header[4 + i]) ? header[4 + i] : '?';
      if (length > 0x7fffffff || pos + 12 + length > size)
        {
          *message = g_strdup_printf ("the file ends early (truncated) or is damaged: chunk '%s' declares "
                                      "%" G_GUINT64_FORMAT " bytes, %" G_GUINT64_FORMAT " are left",
                                      name, length, size - MIN (size, pos + 12));
          return FALSE;
        }
      pos += 12 + length;
      if (memcmp (header + 4, "IEND", 4) == 0)
        return TRUE;
    }
}

/* Reads path's pixels (want_key NULL) or the text chunk want_key. */
static AtImage *
png_read_file (const char *path, const char *want_key, guint max_side, char **text, GError **error)
{
  g_autofree char *display = g_filename_display_name (path);
  FILE *fp = fopen (path, "rbe");
  if (fp == NULL)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "Cannot open %s: %s", display,
                   g_strerror (saved));
      return NULL;
    }

  guint8 magic[16];
  gsize n = fread (magic, 1, sizeof magic, fp);
  static const guint8 png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  if (n < 8 || memcmp (magic, png_signature, 8) != 0)
    {
      const char *format = detect_format (magic, n);
      if (n == 0)
        g_set_error (error, AT_IMAGE_ERROR, AT_IMAGE_ERROR_UNSUPPORTED_FORMAT, "%s is empty", display);
      else if (n < 8 && memcmp (magic, png_signature, n) == 0)
        g_set_error (error, AT_IMAGE_ERROR, AT_IMAGE_ERROR_CORRUPT, "%s: the PNG file ends early (truncated)",
                     display);
      else if (format != NULL)
        g_set_error (error, AT_IMAGE_ERROR, AT_IMAGE_ERROR_UNSUPPORTED_FORMAT,
                     "%s is %s; Atelier reads PNG images only (convert it to PNG first)", display, format);
      else
        g_set_error (error, AT_IMAGE_ERROR, AT_IMAGE_ERROR_UNSUPPORTED_FORMAT,
                     "%s is not a PNG image; Atelier reads PNG images only", display);
      fclose (fp);
      return NULL;
    }
  g_autofree char *chunk_problem = NULL;
  if (!check_chunk_lengths (fp, &chunk_problem))
    {
      g_set_error (error, AT_IMAGE_ERROR, AT_IMAGE_ERROR_CORRUPT, "%s is a damaged PNG file: %s", display,
                   chunk_problem);
      fclose (fp);
      return NULL;
    }
  rewind (fp);

  PngRead r = { 0 };
  r.fp = fp;
  r.want_key = want_key;
  r.max_side = max_side;
  r.code = AT_IMAGE_ERROR_CORRUPT;
  r.png = png_create_read_struct (PNG_LIBPNG_VER_STRING, &r.err, png_error_cb, png_warning_cb);
  if (r.png != NULL)
    r.info = png_create_info_struct (r.png);
  gboolean ok = r.png != NULL && r.info != NULL && png_read_run (&r);
  if (!ok)
    {
      if (r.our_message != NULL)
        g_set_error (error, AT_IMAGE_ERROR, r.code, "%s: %s", display, r.our_message);
      else
        g_set_error (error, AT_IMAGE_ERROR, AT_IMAGE_ERROR_CORRUPT, "%s is a damaged PNG file: %s", display,
                     r.png ? r.err.message : "out of memory");
      g_clear_pointer (&r.img, at_image_free);
    }
  else if (want_key != NULL)
    {
      if (r.text_invalid)
        {
          g_set_error (error, AT_IMAGE_ERROR, AT_IMAGE_ERROR_CORRUPT,
                       "%s: the text chunk '%s' is not valid text", display, want_key);
        }
      else if (r.text == NULL)
        g_set_error (error, AT_IMAGE_ERROR, AT_IMAGE_ERROR_NOT_FOUND, "%s has no text chunk '%s'", display,
                     want_key);
      *text = g_steal_pointer (&r.text);
    }
  png_destroy_read_struct (r.png ? &r.png : NULL, r.info ? &r.info : NULL, NULL);
  if (r.reducer.sums != NULL)   /* a damaged file stopped the reduction */
    at_image_free (reducer_finish (&r.reducer));
  g_free (r.rows);
  g_free (r.scratch);
  g_free (r.text);
  g_free (r.our_message);
  fclose (fp);
  return r.img;
}

AtImage *
at_image_load (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  return png_read_file (path, NULL, 0, NULL, error);
}

AtImage *
at_image_load_reduced (const char *path, guint max_side, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (max_side > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  return png_read_file (path, NULL, max_side, NULL, error);
}

/* PNG keywords are 1-79 printable Latin-1 characters without leading,
 * trailing or doubled spaces; returns the Latin-1 form or NULL. */
static char *
png_keyword (const char *key)
{
  g_autofree char *latin1 = g_convert (key, -1, "ISO-8859-1", "UTF-8", NULL, NULL, NULL);
  if (latin1 == NULL)
    return NULL;
  gsize n = strlen (latin1);
  if (n < 1 || n > 79 || latin1[0] == ' ' || latin1[n - 1] == ' ' || strstr (latin1, "  ") != NULL)
    return NULL;
  for (gsize i = 0; i < n; i++)
    {
      guchar c = latin1[i];
      if (c < 32 || (c > 126 && c < 161))
        return NULL;
    }
  return g_steal_pointer (&latin1);
}

char *
at_image_read_png_text (const char *path, const char *key, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  g_autofree char *keyword = png_keyword (key);
  if (keyword == NULL)
    {
      g_set_error (error, AT_IMAGE_ERROR, AT_IMAGE_ERROR_INVALID_ARGUMENT,
                   "'%s' cannot be a PNG text key (1-79 printable Latin-1 characters)", key);
      return NULL;
    }
  char *text = NULL;
  png_read_file (path, keyword, 0, &text, error);
  return text;
}

/* ---- PNG writing ---- */

typedef struct {
  PngErr err;
  FILE *fp;
  png_structp png;
  png_infop info;
  const AtImage *img;
  png_textp texts;
  int n_texts;
  png_bytep *rows;
} PngWrite;

static void
write_cb (png_structp png, png_bytep data, size_t length)
{
  FILE *fp = png_get_io_ptr (png);
  if (fwrite (data, 1, length, fp) != length)
    png_error (png, g_strerror (errno));
}

static void
flush_cb (png_structp png)
{
  FILE *fp = png_get_io_ptr (png);
  if (fflush (fp) != 0)
    png_error (png, g_strerror (errno));
}

static gboolean
png_write_run (PngWrite *w)
{
  if (setjmp (png_jmpbuf (w->png)))
    return FALSE;

  static const int color_types[] = { 0, PNG_COLOR_TYPE_GRAY, 0, PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA };
  const AtImage *img = w->img;
  png_set_write_fn (w->png, w->fp, write_cb, flush_cb);
  png_set_IHDR (w->png, w->info, img->width, img->height, 8, color_types[img->channels],
                PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  /* Text before the pixels, where readers that stop at IDAT find it. */
  if (w->n_texts > 0)
    png_set_text (w->png, w->info, w->texts, w->n_texts);
  png_write_info (w->png, w->info);
  png_write_image (w->png, w->rows);
  png_write_end (w->png, NULL);
  return TRUE;
}

gboolean
at_image_write_png (const AtImage *img, AtAtomicFile *file, const char *const *text_keys,
                    const char *const *text_values, GError **error)
{
  g_return_val_if_fail (img != NULL && img->pixels != NULL, FALSE);
  g_return_val_if_fail (img->channels == 1 || img->channels == 3 || img->channels == 4, FALSE);
  g_return_val_if_fail (file != NULL, FALSE);
  g_return_val_if_fail ((text_keys == NULL) == (text_values == NULL), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_autofree char *display = g_filename_display_name (at_atomic_file_get_path (file));

  /* Text chunks: tEXt (Latin-1) when the value allows, else iTXt. */
  guint n_texts = text_keys ? g_strv_length ((char **) text_keys) : 0;
  g_autoptr (GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  g_autofree png_text *texts = g_new0 (png_text, MAX (n_texts, 1));
  for (guint i = 0; i < n_texts; i++)
    {
      char *keyword = png_keyword (text_keys[i]);
      if (keyword == NULL || text_values[i] == NULL || !g_utf8_validate (text_values[i], -1, NULL))
        {
          g_free (keyword);
          g_set_error (error, AT_IMAGE_ERROR, AT_IMAGE_ERROR_INVALID_ARGUMENT,
                       "Cannot store text '%s' in %s: a key must be 1-79 printable Latin-1 characters and "
                       "a value UTF-8 text", text_keys[i], display);
          return FALSE;
        }
      g_ptr_array_add (strings, keyword);
      char *latin1 = g_convert (text_values[i], -1, "ISO-8859-1", "UTF-8", NULL, NULL, NULL);
      texts[i].key = keyword;
      if (latin1 != NULL)
        {
          g_ptr_array_add (strings, latin1);
          texts[i].compression = PNG_TEXT_COMPRESSION_NONE;
          texts[i].text = latin1;
          texts[i].text_length = strlen (latin1);
        }
      else
        {
          texts[i].compression = PNG_ITXT_COMPRESSION_NONE;
          texts[i].text = (char *) text_values[i];
          texts[i].itxt_length = strlen (text_values[i]);
          texts[i].lang = (char *) "";
          texts[i].lang_key = (char *) "";
        }
    }

  /* a second descriptor, so that fclose leaves the file's own open */
  int fd = dup (at_atomic_file_get_fd (file));
  FILE *fp = fd >= 0 ? fdopen (fd, "wb") : NULL;
  if (fp == NULL)
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "Cannot save %s: %s", display,
                   g_strerror (saved));
      return FALSE;
    }

  PngWrite w = { 0 };
  w.fp = fp;
  w.img = img;
  w.texts = texts;
  w.n_texts = n_texts;
  w.rows = g_new (png_bytep, img->height);
  for (guint y = 0; y < img->height; y++)
    w.rows[y] = img->pixels + (gsize) y * img->width * img->channels;
  w.png = png_create_write_struct (PNG_LIBPNG_VER_STRING, &w.err, png_error_cb, png_warning_cb);
  if (w.png != NULL)
    w.info = png_create_info_struct (w.png);
  gboolean ok = w.png != NULL && w.info != NULL && png_write_run (&w);
  const char *why = ok ? NULL : (w.png ? w.err.message : "out of memory");
  png_destroy_write_struct (w.png ? &w.png : NULL, w.info ? &w.info : NULL);
  g_free (w.rows);

  int saved = 0;
  if (ok && fflush (fp) != 0)
    {
      saved = errno;
      ok = FALSE;
    }
  if (fclose (fp) != 0 && ok)
    {
      saved = errno;
      ok = FALSE;
    }
  if (!ok)
    {
      if (why != NULL)
        g_set_error (error, AT_IMAGE_ERROR, AT_IMAGE_ERROR_WRITE, "Could not save %s: %s", display, why);
      else
        g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "Could not save %s: %s", display,
                     g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
at_image_save_png (const AtImage *img, const char *path, const char *const *text_keys,
                   const char *const *text_values, GError **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  g_autoptr (AtAtomicFile) file = at_atomic_file_new (path, error);
  return file != NULL && at_image_write_png (img, file, text_keys, text_values, error) &&
         at_atomic_file_commit (file, error);
}
