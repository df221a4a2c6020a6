/* svg.c — colour layers traced by potrace, written as SVG. */
#define G_LOG_DOMAIN "atelier-media"

#include <math.h>
#include <string.h>

#include <potracelib.h>

#include "media/palette.h"
#include "media/svg.h"

#define WORD_BITS ((int) (8 * sizeof (potrace_word)))

/* A potrace bitmap of the pixels whose layer rank is at least `from`:
 * this layer and every layer drawn above it. Row y of the image is
 * potrace's line y, so its coordinates come out with y pointing down, as
 * SVG's do. */
static potrace_bitmap_t *
layer_bitmap (const AtImage *img, const guint8 *labels, const guint8 *rank, guint from)
{
  potrace_bitmap_t *bm = g_new0 (potrace_bitmap_t, 1);
  bm->w = img->width;
  bm->h = img->height;
  bm->dy = (img->width + WORD_BITS - 1) / WORD_BITS;
  bm->map = g_new0 (potrace_word, (gsize) bm->dy * bm->h);
  for (guint y = 0; y < img->height; y++)
    for (guint x = 0; x < img->width; x++)
      {
        guint8 l = labels[(gsize) y * img->width + x];
        if (l != AT_PALETTE_TRANSPARENT && rank[l] >= from)
          bm->map[(gsize) y * bm->dy + x / WORD_BITS] |= (potrace_word) 1 << (WORD_BITS - 1 - x % WORD_BITS);
      }
  return bm;
}

static void
bitmap_free (potrace_bitmap_t *bm)
{
  g_free (bm->map);
  g_free (bm);
}

/* A coordinate to 2 decimals, trailing zeros dropped, whatever the locale. */
static void
append_number (GString *s, double v)
{
  long long q = llround (v * 100);
  if (q < 0)
    {
      g_string_append_c (s, '-');
      q = -q;
    }
  g_string_append_printf (s, "%lld", q / 100);
  int frac = (int) (q % 100);
  if (frac % 10 != 0)
    g_string_append_printf (s, ".%02d", frac);
  else if (frac != 0)
    g_string_append_printf (s, ".%d", frac / 10);
}

static void
append_point (GString *s, char op, potrace_dpoint_t p)
{
  g_string_append_c (s, op);
  append_number (s, p.x);
  g_string_append_c (s, ' ');
  append_number (s, p.y);
}

/* potrace's outlines as one path's data: every curve closed, holes and
 * islands nested, so fill-rule evenodd fills exactly the traced pixels. */
static guint
append_outlines (GString *s, const potrace_path_t *plist)
{
  guint n = 0;
  for (const potrace_path_t *p = plist; p != NULL; p = p->next, n++)
    {
      const potrace_curve_t *c = &p->curve;
      append_point (s, 'M', c->c[c->n - 1][2]);
      for (int i = 0; i < c->n; i++)
        {
          if (c->tag[i] == POTRACE_CORNER)
            {
              append_point (s, 'L', c->c[i][1]);
              append_point (s, 'L', c->c[i][2]);
            }
          else
            {
              append_point (s, 'C', c->c[i][0]);
              append_point (s, ' ', c->c[i][1]);
              append_point (s, ' ', c->c[i][2]);
            }
        }
      g_string_append_c (s, 'Z');
    }
  return n;
}

/* "<element>text</element>", text escaped. */
static void
append_element (GString *s, const char *element, const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_string_append_printf (s, "<%s>%s</%s>", element, escaped, element);
}

static void
append_metadata (GString *s, const char *parameters, const char *const *keywords)
{
  if (parameters == NULL && keywords == NULL)
    return;
  g_string_append (s, "<metadata><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
                      "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><rdf:Description>"
                      "<dc:creator>Atelier</dc:creator>");
  if (parameters != NULL)
    append_element (s, "dc:description", parameters);
  if (keywords != NULL)
    {
      g_string_append (s, "<dc:subject><rdf:Bag>");
      for (guint i = 0; keywords[i] != NULL; i++)
        append_element (s, "rdf:li", keywords[i]);
      g_string_append (s, "</rdf:Bag></dc:subject>");
    }
  g_string_append (s, "</rdf:Description></rdf:RDF></metadata>\n");
}

/* Each opaque pixel takes the colour most of its 3 × 3 neighbourhood
 * has (its own on a tie): grain and the one-pixel rings that soft edges
 * leave between two colours would otherwise each become outlines.
 * Transparent pixels stay transparent. */
static void
majority_filter (guint8 *labels, guint w, guint h)
{
  g_autofree guint8 *src = g_memdup2 (labels, (gsize) w * h);
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        guint8 own = src[(gsize) y * w + x];
        if (own == AT_PALETTE_TRANSPARENT)
          continue;
        guint votes[AT_PALETTE_MAX_COLORS] = { 0 };
        for (int dy = -1; dy <= 1; dy++)
          for (int dx = -1; dx <= 1; dx++)
            {
              int xx = (int) x + dx, yy = (int) y + dy;
              if (xx < 0 || yy < 0 || xx >= (int) w || yy >= (int) h)
                continue;
              guint8 l = src[(gsize) yy * w + xx];
              if (l != AT_PALETTE_TRANSPARENT)
                votes[l]++;
            }
        guint8 best = own;
        for (guint c = 0; c < AT_PALETTE_MAX_COLORS; c++)
          if (votes[c] > votes[best])
            best = c;
        labels[(gsize) y * w + x] = best;
      }
}

/* Layer order: most pixels first (lowest), ties by index; rank[c] is the
 * position of colour c. */
static void
layer_ranks (const AtPalette *palette, guint8 *order, guint8 *rank)
{
  for (guint c = 0; c < palette->n_colors; c++)
    order[c] = c;
  for (guint i = 1; i < palette->n_colors; i++)
    for (guint j = i; j > 0 && palette->count[order[j]] > palette->count[order[j - 1]]; j--)
      {
        guint8 t = order[j];
        order[j] = order[j - 1];
        order[j - 1] = t;
      }
  for (guint i = 0; i < palette->n_colors; i++)
    rank[order[i]] = i;
}

/* Traces layer `from` (and those above it) into s as one <path>. */
static gboolean
append_layer (GString *s, const AtImage *img, const guint8 *labels, const guint8 *rank, guint from,
              const guint8 rgb[3], const potrace_param_t *param, guint *n_outlines, GError **error)
{
  potrace_bitmap_t *bm = layer_bitmap (img, labels, rank, from);
  potrace_state_t *st = potrace_trace (param, bm);
  bitmap_free (bm);
  if (st == NULL || st->status != POTRACE_STATUS_OK)
    {
      if (st != NULL)
        potrace_state_free (st);
      g_set_error_literal (error, AT_IMAGE_ERROR, AT_IMAGE_ERROR_WRITE, "potrace could not trace the image (out of memory)");
      return FALSE;
    }
  if (st->plist != NULL)
    {
      g_string_append_printf (s, "<path fill=\"#%02x%02x%02x\" d=\"", rgb[0], rgb[1], rgb[2]);
      *n_outlines += append_outlines (s, st->plist);
      g_string_append (s, "\"/>\n");
    }
  potrace_state_free (st);
  return TRUE;
}

char *
at_svg_from_image (const AtImage *img, const AtSvgOptions *options, AtSvgStats *stats, GError **error)
{
  g_return_val_if_fail (img != NULL, NULL);
  AtSvgOptions o = options != NULL ? *options : (AtSvgOptions) { 0 };
  guint max_colors = o.max_colors > 0 ? MIN (o.max_colors, AT_PALETTE_MAX_COLORS) : AT_SVG_DEFAULT_MAX_COLORS;
  double max_error = o.max_error > 0 ? o.max_error : AT_SVG_DEFAULT_MAX_ERROR;

  AtPalette palette;
  g_autofree guint8 *labels = g_new (guint8, (gsize) img->width * img->height);
  at_palette_quantize (img, max_colors, max_error, &palette, labels);
  majority_filter (labels, img->width, img->height);
  guint8 order[AT_PALETTE_MAX_COLORS], rank[AT_PALETTE_MAX_COLORS];
  layer_ranks (&palette, order, rank);

  potrace_param_t *param = potrace_param_default ();
  if (param == NULL)
    {
      g_set_error_literal (error, AT_IMAGE_ERROR, AT_IMAGE_ERROR_WRITE, "potrace could not start (out of memory)");
      return NULL;
    }
  /* speckles (grain, stray edge pixels) up to a size that grows with the
   * image join their surroundings: 2 px² at 64 px, 8 at 256, 32 at 512 */
  param->turdsize = MAX (2, (int) ((gsize) img->width * img->height / 8192));
  param->alphamax = 1.0;      /* potrace's default corner threshold: smooth curves */
  param->opticurve = 1;
  param->opttolerance = 0.2;

  GString *s = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  g_string_append_printf (s,
                          "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\" "
                          "viewBox=\"0 0 %u %u\">\n",
                          img->width, img->height, img->width, img->height);
  append_metadata (s, o.parameters, o.keywords);
  g_string_append (s, "<g fill-rule=\"evenodd\">\n");
  guint n_outlines = 0, n_paths = 0;
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < palette.n_colors; i++)
    {
      guint before = n_outlines;
      ok = append_layer (s, img, labels, rank, i, palette.rgb[order[i]], param, &n_outlines, error);
      n_paths += n_outlines > before;
    }
  potrace_param_free (param);
  if (!ok)
    {
      g_string_free (s, TRUE);
      return NULL;
    }
  g_string_append (s, "</g>\n</svg>\n");
  if (stats != NULL)
    *stats = (AtSvgStats) {
      .n_colors = palette.n_colors, .n_paths = n_paths, .n_outlines = n_outlines,
      .bytes = s->len, .mean_error = palette.mean_error,
    };
  return g_string_free (s, FALSE);
}

gboolean
at_svg_save (const AtImage *img, const char *path, const AtSvgOptions *options, AtSvgStats *stats,
             GError **error)
{
  g_return_val_if_fail (img != NULL && path != NULL, FALSE);
  g_autofree char *svg = at_svg_from_image (img, options, stats, error);
  if (svg == NULL)
    return FALSE;
  /* CONSISTENT: a temporary file beside path, fsynced, renamed over it */
  if (!g_file_set_contents_full (path, svg, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error))
    return g_prefix_error (error, "Could not save the SVG: "), FALSE;
  return TRUE;
}
