/* test-icon-set.c — the icon set's names and sizes, its PNGs against a
 * plain-C area average of the source, and its all-or-nothing writing. */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "asset-fixture.h"
#include "test-util.h"
#include "media/icon-set.h"

static const char *PARAMETERS = "orange fish\nSteps: 8, Seed: 5, Size: 512x512, Background: transparent";

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

/* The names in dir, sorted, as one string "a b c". */
static char *
listing (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

/* Direct area average over the source square each output pixel covers,
 * colour weighted by alpha, in double precision. */
static void
area_average (const AtImage *src, guint size, guint x, guint y, double out[4])
{
  double scale = (double) src->width / size, acc[4] = { 0 }, area = 0;
  for (guint sy = (guint) floor (y * scale); sy < ceil ((y + 1) * scale); sy++)
    for (guint sx = (guint) floor (x * scale); sx < ceil ((x + 1) * scale); sx++)
      {
        double wy = MIN (sy + 1.0, (y + 1) * scale) - MAX ((double) sy, y * scale);
        double wx = MIN (sx + 1.0, (x + 1) * scale) - MAX ((double) sx, x * scale);
        const guint8 *p = src->pixels + ((gsize) sy * src->width + sx) * 4;
        double w = wx * wy, a = p[3] / 255.0;
        for (int c = 0; c < 3; c++)
          acc[c] += w * a * p[c];
        acc[3] += w * p[3];
        area += w;
      }
  double a = acc[3] / area / 255.0;
  for (int c = 0; c < 3; c++)
    out[c] = a > 0 ? acc[c] / area / a : 0;
  out[3] = acc[3] / area;
}

static void
test_names_sizes_and_pixels (void)
{
  g_autoptr (AtImage) img = asset_fixture_fish (512, TRUE, 4);
  g_autofree char *dir = test_tmp_path ("icons");
  AtSvgStats stats;
  g_autoptr (GError) error = NULL;
  g_assert_true (at_icon_set_write (img, dir, "fish", PARAMETERS, &stats, NULL, &error));
  g_assert_no_error (error);
  g_autofree char *names = listing (dir);
  g_assert_cmpstr (names, ==, "fish-128.png fish-16.png fish-24.png fish-256.png fish-32.png fish-48.png "
                              "fish-512.png fish-64.png fish.svg");
  g_assert_cmpuint (stats.n_paths, >, 0);
  for (guint i = 0; i < AT_ICON_SET_N_SIZES; i++)
    {
      guint s = at_icon_set_sizes[i];
      g_autofree char *file = g_strdup_printf ("fish-%u.png", s);
      g_autofree char *path = g_build_filename (dir, file, NULL);
      g_autoptr (AtImage) icon = at_image_load (path, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (icon->width, ==, s);
      g_assert_cmpuint (icon->height, ==, s);
      g_assert_cmpuint (icon->channels, ==, 4);
      g_autofree char *text = at_image_read_png_text (path, "parameters", &error);
      g_assert_no_error (error);
      g_assert_cmpstr (text, ==, PARAMETERS);
      /* area averaged, not sampled: every pixel within a level of the
       * exact average (colour where it is visible) */
      for (guint y = 0; y < s; y++)
        for (guint x = 0; x < s; x++)
          {
            double want[4];
            area_average (img, s, x, y, want);
            const guint8 *p = icon->pixels + ((gsize) y * s + x) * 4;
            g_assert_cmpfloat (fabs (p[3] - want[3]), <=, 1.0);
            for (int c = 0; c < 3 && want[3] >= 8; c++)
              g_assert_cmpfloat (fabs (p[c] - want[c]), <=, 1.5);
          }
    }
  g_autofree char *svg_path = g_build_filename (dir, "fish.svg", NULL);
  g_autofree char *svg = NULL;
  g_assert_true (g_file_get_contents (svg_path, &svg, NULL, NULL));
  g_assert_true (g_str_has_prefix (svg, "<?xml"));
  g_assert_nonnull (strstr (svg, "width=\"512\""));
}

/* Into a folder that already holds other files: they stay; a set written
 * again replaces its own files. */
static void
test_existing_folder (void)
{
  g_autofree char *dir = test_tmp_path ("existing");
  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  g_autofree char *keep = g_build_filename (dir, "notes.txt", NULL);
  g_assert_true (g_file_set_contents (keep, "mine", -1, NULL));
  g_autoptr (AtImage) img = asset_fixture_fish (64, FALSE, 0);
  g_autoptr (GError) error = NULL;
  g_assert_true (at_icon_set_write (img, dir, "a", NULL, NULL, NULL, &error));
  g_assert_true (at_icon_set_write (img, dir, "a", NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_autofree char *names = listing (dir);
  g_assert_cmpstr (names, ==, "a-128.png a-16.png a-24.png a-256.png a-32.png a-48.png a-512.png a-64.png a.svg "
                              "notes.txt");
  /* sizes above the source's are enlarged */
  g_autofree char *big = g_build_filename (dir, "a-512.png", NULL);
  g_autoptr (AtImage) icon = at_image_load (big, &error);
  g_assert_cmpuint (icon->width, ==, 512);
}

/* A name taken by a folder is refused before anything is written: no
 * file of the set and no staging folder is left; a folder the call made
 * is removed again. */
static void
test_all_or_nothing (void)
{
  g_autofree char *dir = test_tmp_path ("blocked");
  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  g_autofree char *blocker = g_build_filename (dir, "b.svg", NULL);
  g_assert_cmpint (g_mkdir (blocker, 0755), ==, 0);
  g_autoptr (AtImage) img = asset_fixture_fish (64, TRUE, 0);
  g_autoptr (GError) error = NULL;
  g_assert_false (at_icon_set_write (img, dir, "b", NULL, NULL, NULL, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST);
  g_assert_nonnull (strstr (error->message, "b.svg exists and is not a file"));
  g_clear_error (&error);
  g_autofree char *names = listing (dir);
  g_assert_cmpstr (names, ==, "b.svg");

  /* a folder under a regular file cannot be made: nothing is left */
  g_autofree char *file = test_tmp_path ("plain-file");
  g_assert_true (g_file_set_contents (file, "x", -1, NULL));
  g_autofree char *under = g_build_filename (file, "icons", NULL);
  g_assert_false (at_icon_set_write (img, under, "c", NULL, NULL, NULL, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR);
}

static void
test_cancelled (void)
{
  g_autofree char *dir = test_tmp_path ("cancelled");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_cancellable_cancel (cancellable);
  g_autoptr (AtImage) img = asset_fixture_fish (64, TRUE, 0);
  g_autoptr (GError) error = NULL;
  g_assert_false (at_icon_set_write (img, dir, "d", NULL, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/icon-set/names-sizes-and-pixels", test_names_sizes_and_pixels);
  g_test_add_func ("/icon-set/existing-folder", test_existing_folder);
  g_test_add_func ("/icon-set/all-or-nothing", test_all_or_nothing);
  g_test_add_func ("/icon-set/cancelled", test_cancelled);
  return g_test_run ();
}
