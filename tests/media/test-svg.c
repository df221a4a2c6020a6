/* test-svg.c — the vectoriser, read back by a real SVG renderer.
 *
 * Each SVG is rendered by librsvg (the library GNOME and Inkscape's
 * importer stack use) at the image's own size and compared with the
 * image: the foreground (alpha >= 128) must overlap with IoU >= 0.9, the
 * colours inside must be the palette's (mean ΔE*ab small), and pixels deep
 * inside the subject must be fully opaque — a seam between two colour
 * layers would let the background show there. The <metadata> element is
 * read back with GMarkup, a real XML parser. Byte and path counts are
 * printed as test messages (run with --verbose).
 */
#include <math.h>
#include <string.h>

#include "asset-fixture.h"
#include "test-util.h"
#include "media/palette.h"
#include "media/svg.h"

static guint8
alpha_of (const AtImage *img, gsize i)
{
  return img->channels == 4 ? img->pixels[i * 4 + 3] : 255;
}

/* Foreground: opaque enough, and (for images on white) not white. */
static gboolean
is_foreground (const AtImage *img, gsize i, gboolean on_white)
{
  if (alpha_of (img, i) < 128)
    return FALSE;
  const guint8 *p = img->pixels + i * img->channels;
  double lab[3], white[3];
  at_color_srgb_to_lab (p[0], p[1], p[2], lab);
  at_color_srgb_to_lab (255, 255, 255, white);
  return !on_white || sqrt ((lab[0] - white[0]) * (lab[0] - white[0]) + lab[1] * lab[1] + lab[2] * lab[2]) > 10;
}

static double
foreground_iou (const AtImage *a, const AtImage *b, gboolean on_white)
{
  gsize n = (gsize) a->width * a->height, both = 0, either = 0;
  for (gsize i = 0; i < n; i++)
    {
      gboolean fa = is_foreground (a, i, on_white), fb = is_foreground (b, i, on_white);
      both += fa && fb;
      either += fa || fb;
    }
  return either > 0 ? (double) both / either : 0;
}

/* Mean ΔE*ab between the two where both are foreground. */
static double
mean_colour_error (const AtImage *a, const AtImage *b, gboolean on_white)
{
  gsize n = (gsize) a->width * a->height, m = 0;
  double sum = 0;
  for (gsize i = 0; i < n; i++)
    if (is_foreground (a, i, on_white) && is_foreground (b, i, on_white))
      {
        const guint8 *p = a->pixels + i * a->channels, *q = b->pixels + i * b->channels;
        double la[3], lb[3];
        at_color_srgb_to_lab (p[0], p[1], p[2], la);
        at_color_srgb_to_lab (q[0], q[1], q[2], lb);
        sum += sqrt ((la[0] - lb[0]) * (la[0] - lb[0]) + (la[1] - lb[1]) * (la[1] - lb[1]) +
                     (la[2] - lb[2]) * (la[2] - lb[2]));
        m++;
      }
  return m > 0 ? sum / m : 0;
}

/* Pixels whose whole (2r+1)² neighbourhood is opaque in the source must
 * render fully opaque: no seams between layers. Returns how many do not. */
static guint
seams_inside (const AtImage *src, const AtImage *rendered, int r)
{
  guint w = src->width, h = src->height, bad = 0;
  for (guint y = r; y + r < h; y++)
    for (guint x = r; x + r < w; x++)
      {
        gboolean inside = TRUE;
        for (int dy = -r; dy <= r && inside; dy++)
          for (int dx = -r; dx <= r && inside; dx++)
            inside = alpha_of (src, (gsize) (y + dy) * w + x + dx) == 255;
        bad += inside && rendered->pixels[((gsize) y * w + x) * 4 + 3] != 255;
      }
  return bad;
}

static guint
count_substrings (const char *s, const char *needle)
{
  guint n = 0;
  for (const char *p = strstr (s, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static void
check_round_trip (const AtImage *img, const char *what)
{
  g_autoptr (GError) error = NULL;
  AtSvgStats stats;
  g_autofree char *svg = at_svg_from_image (img, NULL, &stats, &error);
  g_assert_no_error (error);
  g_autoptr (AtImage) rendered = asset_render_svg (svg, img->width);
  gboolean on_white = img->channels != 4;
  double iou = foreground_iou (img, rendered, on_white);
  double de = mean_colour_error (img, rendered, on_white);
  guint seams = seams_inside (img, rendered, 2);
  g_test_message ("%s %u px: %u colours (mean ΔE %.1f), %u paths, %u outlines, %" G_GSIZE_FORMAT
                  " bytes; IoU %.3f, rendered ΔE %.1f, seams %u",
                  what, img->width, stats.n_colors, stats.mean_error, stats.n_paths, stats.n_outlines, stats.bytes,
                  iou, de, seams);
  g_assert_cmpfloat (iou, >=, 0.9);
  g_assert_cmpfloat (de, <, 8.0);
  g_assert_cmpuint (seams, ==, 0);
  g_assert_cmpuint (stats.bytes, ==, strlen (svg));
  g_assert_cmpuint (stats.n_paths, ==, count_substrings (svg, "<path "));
  g_assert_cmpuint (stats.n_outlines, ==, count_substrings (svg, "M"));
  g_assert_cmpuint (stats.n_colors, >=, on_white ? 5 : 4);   /* the fish has 4 colours besides white */
  g_assert_cmpuint (stats.n_colors, <=, AT_SVG_DEFAULT_MAX_COLORS);
}

static void
test_transparent_round_trip (void)
{
  for (guint size = 128; size <= 512; size *= 2)
    {
      g_autoptr (AtImage) img = asset_fixture_fish (size, TRUE, 6);
      check_round_trip (img, "transparent");
    }
}

static void
test_white_round_trip (void)
{
  g_autoptr (AtImage) img = asset_fixture_fish (256, FALSE, 6);
  check_round_trip (img, "on white");
  /* on white the whole canvas is covered */
  g_autofree char *svg = at_svg_from_image (img, NULL, NULL, NULL);
  g_autoptr (AtImage) rendered = asset_render_svg (svg, 256);
  for (gsize i = 0; i < 256 * 256; i++)
    g_assert_cmpuint (rendered->pixels[i * 4 + 3], ==, 255);
}

/* Nothing at all where the image is transparent. */
static void
test_transparent_stays_empty (void)
{
  g_autoptr (AtImage) img = at_image_new (64, 64, 4);   /* all alpha 0 */
  AtSvgStats stats;
  g_autofree char *svg = at_svg_from_image (img, NULL, &stats, NULL);
  g_assert_cmpuint (stats.n_paths, ==, 0);
  g_autoptr (AtImage) rendered = asset_render_svg (svg, 64);
  for (gsize i = 0; i < 64 * 64; i++)
    g_assert_cmpuint (rendered->pixels[i * 4 + 3], ==, 0);
}

/* --- metadata, through a real XML parser --- */

typedef struct {
  gboolean in_description;
  GString *text;
} MetaParse;

static void
meta_start (GMarkupParseContext *ctx, const char *name, const char **attr_names, const char **attr_values,
            gpointer data, GError **error)
{
  ((MetaParse *) data)->in_description = g_str_equal (name, "dc:description");
}

static void
meta_end (GMarkupParseContext *ctx, const char *name, gpointer data, GError **error)
{
  ((MetaParse *) data)->in_description = FALSE;
}

static void
meta_text (GMarkupParseContext *ctx, const char *text, gsize len, gpointer data, GError **error)
{
  MetaParse *m = data;
  if (m->in_description)
    g_string_append_len (m->text, text, len);
}

static void
test_metadata (void)
{
  const char *parameters = "orange fish <small> & \"round\"\nSteps: 8, Sampler: Euler, Seed: 7, Size: 64x64";
  g_autoptr (AtImage) img = asset_fixture_fish (64, TRUE, 0);
  AtSvgOptions options = { .parameters = parameters };
  g_autoptr (GError) error = NULL;
  g_autofree char *svg = at_svg_from_image (img, &options, NULL, &error);
  g_assert_no_error (error);
  MetaParse m = { FALSE, g_string_new (NULL) };
  GMarkupParser parser = { meta_start, meta_end, meta_text, NULL, NULL };
  GMarkupParseContext *ctx = g_markup_parse_context_new (&parser, 0, &m, NULL);
  g_assert_true (g_markup_parse_context_parse (ctx, svg, -1, &error));
  g_assert_true (g_markup_parse_context_end_parse (ctx, &error));
  g_assert_no_error (error);
  g_markup_parse_context_free (ctx);
  g_assert_cmpstr (m.text->str, ==, parameters);
  g_string_free (m.text, TRUE);
}

/* --- files --- */

static void
test_save_atomic (void)
{
  g_autoptr (AtImage) img = asset_fixture_fish (96, TRUE, 4);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = test_tmp_path ("fish.svg");
  AtSvgStats stats;
  g_assert_true (at_svg_save (img, path, NULL, &stats, &error));
  g_assert_no_error (error);
  g_autofree char *svg = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (path, &svg, &len, NULL));
  g_assert_cmpuint (len, ==, stats.bytes);

  /* a failed save leaves the old file and no temporary beside it */
  g_autoptr (AtImage) other = asset_fixture_fish (96, FALSE, 0);
  g_autofree char *bad = g_build_filename (path, "inside-a-file.svg", NULL);
  g_assert_false (at_svg_save (other, bad, NULL, NULL, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR);
  g_autofree char *again = NULL;
  g_assert_true (g_file_get_contents (path, &again, NULL, NULL));
  g_assert_cmpstr (again, ==, svg);
  g_autoptr (GDir) dir = g_dir_open (test_tmp_dir (), 0, NULL);
  guint n = 0;
  while (g_dir_read_name (dir) != NULL)
    n++;
  g_assert_cmpuint (n, ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/svg/transparent-round-trip", test_transparent_round_trip);
  g_test_add_func ("/svg/white-round-trip", test_white_round_trip);
  g_test_add_func ("/svg/transparent-stays-empty", test_transparent_stays_empty);
  g_test_add_func ("/svg/metadata", test_metadata);
  g_test_add_func ("/svg/save-atomic", test_save_atomic);
  return g_test_run ();
}
