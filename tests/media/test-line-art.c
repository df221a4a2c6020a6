/* test-line-art.c — a result's outlines as a sketch: a filled disc gives
 * its circle (against the circle's geometry), flat colour and faint
 * texture give nothing, and transparency counts as white paper. */
#include <math.h>

#include "test-util.h"
#include "media/line-art.h"

#define SIZE 64
#define RADIUS 20.0

/* A red disc on white, or on nothing (alpha 0) when transparent. */
static AtImage *
disc (gboolean transparent)
{
  AtImage *img = at_image_new (SIZE, SIZE, transparent ? 4 : 3);
  for (int y = 0; y < SIZE; y++)
    for (int x = 0; x < SIZE; x++)
      {
        guint8 *p = img->pixels + ((gsize) y * SIZE + x) * img->channels;
        gboolean inside = hypot (x + 0.5 - SIZE / 2.0, y + 0.5 - SIZE / 2.0) < RADIUS;
        p[0] = inside ? 220 : 255;
        p[1] = p[2] = inside ? 30 : 255;
        if (transparent)
          {
            p[3] = inside ? 255 : 0;
            if (!inside)
              p[0] = p[1] = p[2] = 0;   /* colour under alpha 0 must not matter */
          }
      }
  return img;
}

static void
assert_circle (const AtImage *lines)
{
  g_assert_cmpuint (lines->channels, ==, 1);
  guint on_edge = 0, edge_dark = 0, away = 0, away_white = 0;
  for (int y = 0; y < SIZE; y++)
    for (int x = 0; x < SIZE; x++)
      {
        double d = fabs (hypot (x + 0.5 - SIZE / 2.0, y + 0.5 - SIZE / 2.0) - RADIUS);
        gboolean dark = lines->pixels[y * SIZE + x] == 0;
        if (d < 0.75)
          {
            on_edge++;
            edge_dark += dark;
          }
        else if (d > 2.5)
          {
            away++;
            away_white += !dark;
          }
      }
  g_test_message ("on the circle: %u of %u dark; away from it: %u of %u white", edge_dark, on_edge, away_white,
                  away);
  g_assert_cmpfloat ((double) edge_dark / on_edge, >=, 0.9);
  g_assert_cmpuint (away_white, ==, away);
}

static void
test_disc_gives_its_circle (void)
{
  for (int transparent = 0; transparent <= 1; transparent++)
    {
      g_autoptr (AtImage) img = disc (transparent);
      g_autoptr (AtImage) lines = at_image_line_art (img);
      assert_circle (lines);
    }
}

static void
test_flat_and_faint_give_nothing (void)
{
  g_autoptr (AtImage) img = at_image_new (SIZE, SIZE, 3);
  GRand *rand = g_rand_new_with_seed (5);
  for (gsize i = 0; i < (gsize) SIZE * SIZE * 3; i++)
    img->pixels[i] = 120;
  g_autoptr (AtImage) flat = at_image_line_art (img);
  for (gsize i = 0; i < (gsize) SIZE * SIZE * 3; i++)
    img->pixels[i] = (guint8) (120 + g_rand_int_range (rand, -3, 4));   /* the model's grain */
  g_autoptr (AtImage) faint = at_image_line_art (img);
  g_rand_free (rand);
  for (gsize i = 0; i < (gsize) SIZE * SIZE; i++)
    {
      g_assert_cmpuint (flat->pixels[i], ==, 255);
      g_assert_cmpuint (faint->pixels[i], ==, 255);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/line-art/disc", test_disc_gives_its_circle);
  g_test_add_func ("/line-art/flat-and-faint", test_flat_and_faint_give_nothing);
  return g_test_run ();
}
