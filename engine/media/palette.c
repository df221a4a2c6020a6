/* palette.c — k-means in CIELAB over a colour histogram. */
#define G_LOG_DOMAIN "atelier-media"

#include <math.h>
#include <string.h>

#include "media/palette.h"

/* The histogram keeps 5 bits a channel: 32768 bins, each at most a few
 * levels wide, far finer than the palettes made from it. */
#define BIN_BITS 5
#define N_BINS (1u << (3 * BIN_BITS))
#define MAX_ITERATIONS 24

static double
srgb_to_linear (guint8 v)
{
  double c = v / 255.0;
  return c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

static double
lab_f (double t)
{
  const double d = 6.0 / 29.0;
  return t > d * d * d ? cbrt (t) : t / (3 * d * d) + 4.0 / 29.0;
}

void
at_color_srgb_to_lab (guint8 r, guint8 g, guint8 b, double lab[3])
{
  double R = srgb_to_linear (r), G = srgb_to_linear (g), B = srgb_to_linear (b);
  /* linear sRGB to XYZ, then relative to the D65 white point */
  double X = (0.4124564 * R + 0.3575761 * G + 0.1804375 * B) / 0.95047;
  double Y = 0.2126729 * R + 0.7151522 * G + 0.0721750 * B;
  double Z = (0.0193339 * R + 0.1191920 * G + 0.9503041 * B) / 1.08883;
  double fx = lab_f (X), fy = lab_f (Y), fz = lab_f (Z);
  lab[0] = 116 * fy - 16;
  lab[1] = 500 * (fx - fy);
  lab[2] = 200 * (fy - fz);
}

static double
dist2 (const double *a, const double *b)
{
  double d0 = a[0] - b[0], d1 = a[1] - b[1], d2 = a[2] - b[2];
  return d0 * d0 + d1 * d1 + d2 * d2;
}

typedef guint64 Sum3[3];
typedef double Lab3[3];

/* The occupied bins of the histogram: how many pixels, their summed sRGB
 * and the CIELAB of their mean. */
typedef struct {
  guint n;
  guint32 *bin;        /* [n] bin index */
  guint64 *count;      /* [n] */
  Sum3 *sum;           /* [n] summed sRGB */
  Lab3 *lab;           /* [n] */
  guint8 *cluster;     /* [n] */
} Bins;

static void
bins_clear (Bins *b)
{
  g_free (b->bin);
  g_free (b->count);
  g_free (b->sum);
  g_free (b->lab);
  g_free (b->cluster);
}

static void
pixel_rgba (const AtImage *img, gsize i, guint8 rgba[4])
{
  const guint8 *p = img->pixels + i * img->channels;
  if (img->channels < 3)
    rgba[0] = rgba[1] = rgba[2] = p[0];
  else
    memcpy (rgba, p, 3);
  rgba[3] = img->channels == 4 ? p[3] : 255;
}

static guint32
bin_of (const guint8 rgba[4])
{
  return (guint32) (rgba[0] >> (8 - BIN_BITS)) << (2 * BIN_BITS) |
         (guint32) (rgba[1] >> (8 - BIN_BITS)) << BIN_BITS | (rgba[2] >> (8 - BIN_BITS));
}

/* Fills b from img's opaque pixels. */
static void
bins_build (const AtImage *img, Bins *b)
{
  g_autofree guint64 *count = g_new0 (guint64, N_BINS);
  g_autofree Sum3 *sum = g_new0 (Sum3, N_BINS);
  gsize n_px = (gsize) img->width * img->height;
  for (gsize i = 0; i < n_px; i++)
    {
      guint8 rgba[4];
      pixel_rgba (img, i, rgba);
      if (rgba[3] < AT_PALETTE_ALPHA_CUT)
        continue;
      guint32 k = bin_of (rgba);
      count[k]++;
      for (int c = 0; c < 3; c++)
        sum[k][c] += rgba[c];
    }
  guint n = 0;
  for (guint k = 0; k < N_BINS; k++)
    n += count[k] > 0;
  b->n = n;
  b->bin = g_new (guint32, MAX (n, 1));
  b->count = g_new (guint64, MAX (n, 1));
  b->sum = g_new (Sum3, MAX (n, 1));
  b->lab = g_new (Lab3, MAX (n, 1));
  b->cluster = g_new0 (guint8, MAX (n, 1));
  guint j = 0;
  for (guint k = 0; k < N_BINS; k++)
    {
      if (count[k] == 0)
        continue;
      b->bin[j] = k;
      b->count[j] = count[k];
      memcpy (b->sum[j], sum[k], sizeof sum[k]);
      at_color_srgb_to_lab ((guint8) ((sum[k][0] + count[k] / 2) / count[k]),
                            (guint8) ((sum[k][1] + count[k] / 2) / count[k]),
                            (guint8) ((sum[k][2] + count[k] / 2) / count[k]), b->lab[j]);
      j++;
    }
}

/* How well the centres represent the bins. */
typedef struct {
  double mean;      /* mean ΔE over pixels */
  double far_share; /* share of pixels farther than the allowed error */
} Fit;

/* Assigns every bin to its nearest centre. */
static Fit
assign (Bins *b, double (*centre)[3], guint k, double max_error)
{
  double err = 0;
  guint64 total = 0, far = 0;
  for (guint j = 0; j < b->n; j++)
    {
      guint best = 0;
      double best_d = G_MAXDOUBLE;
      for (guint c = 0; c < k; c++)
        {
          double d = dist2 (b->lab[j], centre[c]);
          if (d < best_d)
            {
              best_d = d;
              best = c;
            }
        }
      b->cluster[j] = best;
      err += b->count[j] * sqrt (best_d);
      far += best_d > max_error * max_error ? b->count[j] : 0;
      total += b->count[j];
    }
  return (Fit) { total > 0 ? err / total : 0, total > 0 ? (double) far / total : 0 };
}

/* Moves each centre to the weighted mean of its bins (in CIELAB). */
static void
update (const Bins *b, double (*centre)[3], guint k)
{
  double acc[AT_PALETTE_MAX_COLORS][3] = { { 0 } };
  double weight[AT_PALETTE_MAX_COLORS] = { 0 };
  for (guint j = 0; j < b->n; j++)
    {
      guint c = b->cluster[j];
      for (int i = 0; i < 3; i++)
        acc[c][i] += b->count[j] * b->lab[j][i];
      weight[c] += b->count[j];
    }
  for (guint c = 0; c < k; c++)
    if (weight[c] > 0)
      for (int i = 0; i < 3; i++)
        centre[c][i] = acc[c][i] / weight[c];
}

/* Lloyd's iterations until no bin changes cluster. */
static Fit
kmeans (Bins *b, double (*centre)[3], guint k, double max_error)
{
  g_autofree guint8 *before = g_new (guint8, MAX (b->n, 1));
  Fit fit = assign (b, centre, k, max_error);
  for (int it = 0; it < MAX_ITERATIONS; it++)
    {
      memcpy (before, b->cluster, b->n);
      update (b, centre, k);
      fit = assign (b, centre, k, max_error);
      if (memcmp (before, b->cluster, b->n) == 0)
        break;
    }
  return fit;
}

/* The next centre: the bin adding most to the squared error (pixels ×
 * distance²), so that a large region of a missing colour wins over a
 * stray pixel. FALSE when every bin sits on a centre. */
static gboolean
seed_next (const Bins *b, double (*centre)[3], guint k)
{
  double best = 0;
  guint best_j = 0;
  for (guint j = 0; j < b->n; j++)
    {
      double d = b->count[j] * dist2 (b->lab[j], centre[b->cluster[j]]);
      if (d > best)
        {
          best = d;
          best_j = j;
        }
    }
  if (best <= 0)
    return FALSE;
  memcpy (centre[k], b->lab[best_j], sizeof centre[k]);
  return TRUE;
}

static guint
nearest_centre (const double lab[3], double (*centre)[3], guint k)
{
  guint best = 0;
  double best_d = G_MAXDOUBLE;
  for (guint c = 0; c < k; c++)
    {
      double d = dist2 (lab, centre[c]);
      if (d < best_d)
        {
          best_d = d;
          best = c;
        }
    }
  return best;
}

/* Labels every pixel with its nearest centre and fills the palette from
 * the pixels so labelled (empty clusters dropped); returns the mean ΔE. */
static double
label_pixels (const AtImage *img, double (*centre)[3], guint k, AtPalette *palette, guint8 *labels)
{
  guint64 count[AT_PALETTE_MAX_COLORS] = { 0 }, sum[AT_PALETTE_MAX_COLORS][3] = { { 0 } };
  gsize n_px = (gsize) img->width * img->height;
  guint64 opaque = 0;
  double err = 0;
  for (gsize i = 0; i < n_px; i++)
    {
      guint8 rgba[4];
      pixel_rgba (img, i, rgba);
      labels[i] = AT_PALETTE_TRANSPARENT;
      if (rgba[3] < AT_PALETTE_ALPHA_CUT || k == 0)
        continue;
      double lab[3];
      at_color_srgb_to_lab (rgba[0], rgba[1], rgba[2], lab);
      guint c = nearest_centre (lab, centre, k);
      labels[i] = c;
      count[c]++;
      for (int j = 0; j < 3; j++)
        sum[c][j] += rgba[j];
      err += sqrt (dist2 (lab, centre[c]));
      opaque++;
    }
  guint8 remap[AT_PALETTE_MAX_COLORS];
  guint n = 0;
  for (guint c = 0; c < k; c++)
    {
      remap[c] = n;
      if (count[c] == 0)
        continue;
      for (int j = 0; j < 3; j++)
        palette->rgb[n][j] = (guint8) ((sum[c][j] + count[c] / 2) / count[c]);
      memcpy (palette->lab[n], centre[c], sizeof palette->lab[n]);
      palette->count[n] = count[c];
      n++;
    }
  palette->n_colors = n;
  for (gsize i = 0; i < n_px; i++)
    if (labels[i] != AT_PALETTE_TRANSPARENT)
      labels[i] = remap[labels[i]];
  return opaque > 0 ? err / opaque : 0;
}

void
at_palette_quantize (const AtImage *img, guint max_colors, double max_error, AtPalette *palette,
                     guint8 *labels)
{
  g_return_if_fail (img != NULL && palette != NULL && labels != NULL);
  g_return_if_fail (max_colors >= 1 && max_colors <= AT_PALETTE_MAX_COLORS);
  memset (palette, 0, sizeof *palette);
  Bins b = { 0 };
  bins_build (img, &b);

  double centre[AT_PALETTE_MAX_COLORS][3] = { { 0 } };
  guint k = 0;
  if (b.n > 0)
    {
      /* k = 1: the mean colour; then one more at a time from the worst bin */
      k = 1;
      update (&b, centre, 1);
      Fit fit = kmeans (&b, centre, k, max_error);
      while (fit.far_share > AT_PALETTE_OUTLIER_SHARE && k < max_colors && seed_next (&b, centre, k))
        fit = kmeans (&b, centre, ++k, max_error);
    }
  bins_clear (&b);
  palette->mean_error = label_pixels (img, centre, k, palette, labels);
}
