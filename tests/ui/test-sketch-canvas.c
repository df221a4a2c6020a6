/* test-sketch-canvas.c — strokes are recorded as vector data, undo and redo
 * step through them, and the sketch rasterises at any size to dark ink on
 * white where the strokes are and nowhere else (checked against the
 * strokes' geometry in plain C). Runs under Xvfb. */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "engine.h"
#include "ui/sketch-canvas.h"
#include "ui/stroke-list.h"
#include "ui-test-util.h"
#include "../common/hue.h"

typedef struct {
  GtkWindow *window;
  AtSketchCanvas *canvas;
  int changed;
} Fixture;

static void
count_changed (AtSketchCanvas *canvas, Fixture *f)
{
  f->changed++;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 424, 424);
  f->canvas = AT_SKETCH_CANVAS (at_sketch_canvas_new ());
  gtk_window_set_child (f->window, GTK_WIDGET (f->canvas));
  g_signal_connect (f->canvas, "changed", G_CALLBACK (count_changed), f);
  gtk_window_present (f->window);
  g_assert_true (ui_test_wait_until (ui_test_is_mapped, f->canvas, 10));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (f->window);
}

/* Draws a straight stroke between two page points (0..1) through the
 * widget's input path, with n samples. */
static void
draw_line (AtSketchCanvas *canvas, double x0, double y0, double x1, double y1, int n, double pressure)
{
  graphene_rect_t page;
  at_sketch_canvas_get_page (canvas, &page);
  for (int i = 0; i <= n; i++)
    {
      double t = (double) i / n;
      double x = page.origin.x + (x0 + (x1 - x0) * t) * page.size.width;
      double y = page.origin.y + (y0 + (y1 - y0) * t) * page.size.height;
      if (i == 0)
        at_sketch_canvas_begin_stroke (canvas, x, y, pressure);
      else
        at_sketch_canvas_extend_stroke (canvas, x, y, pressure);
    }
  at_sketch_canvas_end_stroke (canvas);
}

static guint8
pixel (const AtImage *img, double x, double y)
{
  guint px = MIN ((guint) (x * img->width), img->width - 1);
  guint py = MIN ((guint) (y * img->height), img->height - 1);
  return img->pixels[py * img->width + px];
}

/* The reference: a pixel is ink when its centre lies within half the
 * stroke width of the segment, white when clearly outside it. */
static double
distance_to_segment (double px, double py, double x0, double y0, double x1, double y1)
{
  double dx = x1 - x0, dy = y1 - y0;
  double t = CLAMP (((px - x0) * dx + (py - y0) * dy) / (dx * dx + dy * dy), 0, 1);
  return hypot (px - (x0 + t * dx), py - (y0 + t * dy));
}

static void
check_line_raster (const AtImage *img, double x0, double y0, double x1, double y1, double width)
{
  guint side = img->width;
  guint inside = 0, outside = 0;
  for (guint y = 0; y < side; y++)
    for (guint x = 0; x < side; x++)
      {
        double d = distance_to_segment ((x + 0.5) / side, (y + 0.5) / side, x0, y0, x1, y1) * side;
        guint8 v = img->pixels[y * side + x];
        if (d < width * side / 2 - 1.0)
          {
            g_assert_cmpuint (v, <, 64);
            inside++;
          }
        else if (d > width * side / 2 + 1.5)
          {
            g_assert_cmpuint (v, ==, 255);
            outside++;
          }
      }
  g_assert_cmpuint (inside, >, 0);
  g_assert_cmpuint (outside, >, side * side / 2);
}

static void
test_stroke_recording (Fixture *f, gconstpointer data)
{
  at_sketch_canvas_set_brush_size (f->canvas, 32);   /* 32 px of 512: 1/16 of the page */
  GdkRGBA red = { 0.9, 0.1, 0.1, 1 };
  at_sketch_canvas_set_color (f->canvas, &red);
  draw_line (f->canvas, 0.2, 0.5, 0.8, 0.5, 30, 0.8);
  g_assert_cmpint (f->changed, ==, 1);

  AtStrokeList *list = at_sketch_canvas_get_strokes (f->canvas);
  g_assert_cmpuint (at_stroke_list_get_n_strokes (list), ==, 1);
  AtStroke *s = at_stroke_list_get_stroke (list, 0);
  g_assert_false (s->eraser);
  g_assert_cmpfloat_with_epsilon (s->width, 32.0 / 512, 1e-6);
  g_assert_cmpfloat_with_epsilon (s->color[0], 0.9, 1e-6);
  guint n = at_stroke_get_n_points (s);
  g_assert_cmpuint (n, >=, 10);
  const AtStrokePoint *first = at_stroke_get_point (s, 0), *last = at_stroke_get_point (s, n - 1);
  g_assert_cmpfloat_with_epsilon (first->x, 0.2, 0.01);
  g_assert_cmpfloat_with_epsilon (first->y, 0.5, 0.01);
  g_assert_cmpfloat_with_epsilon (last->x, 0.8, 0.01);
  g_assert_cmpfloat_with_epsilon (first->pressure, 0.8, 1e-6);
  for (guint i = 1; i < n; i++)
    g_assert_cmpfloat (at_stroke_get_point (s, i)->time, >=, at_stroke_get_point (s, i - 1)->time);
}

static void
test_undo_redo_raster (Fixture *f, gconstpointer data)
{
  at_sketch_canvas_set_brush_size (f->canvas, 32);
  g_assert_true (at_sketch_canvas_is_empty (f->canvas));
  draw_line (f->canvas, 0.2, 0.5, 0.8, 0.5, 30, 1.0);
  draw_line (f->canvas, 0.5, 0.1, 0.5, 0.3, 10, 1.0);
  g_assert_cmpuint (at_stroke_list_get_n_strokes (at_sketch_canvas_get_strokes (f->canvas)), ==, 2);

  /* the same strokes at any resolution, measured against their geometry */
  for (guint side = 64; side <= 256; side *= 4)
    {
      at_sketch_canvas_undo (f->canvas);
      g_autoptr (AtImage) img = at_sketch_canvas_render (f->canvas, side);
      g_assert_cmpuint (img->width, ==, side);
      g_assert_cmpuint (img->channels, ==, 1);
      check_line_raster (img, 0.2, 0.5, 0.8, 0.5, 32.0 / 512);
      g_assert_cmpuint (pixel (img, 0.5, 0.2), ==, 255);   /* the undone stroke is gone */
      at_sketch_canvas_redo (f->canvas);
      g_autoptr (AtImage) again = at_sketch_canvas_render (f->canvas, side);
      g_assert_cmpuint (pixel (again, 0.5, 0.2), <, 64);
    }

  /* undo everything, then clear is undoable too */
  at_sketch_canvas_undo (f->canvas);
  at_sketch_canvas_undo (f->canvas);
  g_assert_true (at_sketch_canvas_is_empty (f->canvas));
  g_autoptr (AtImage) blank = at_sketch_canvas_render (f->canvas, 64);
  for (guint i = 0; i < 64 * 64; i++)
    g_assert_cmpuint (blank->pixels[i], ==, 255);
  at_sketch_canvas_redo (f->canvas);
  at_sketch_canvas_clear (f->canvas);
  g_assert_true (at_sketch_canvas_is_empty (f->canvas));
  at_sketch_canvas_undo (f->canvas);
  g_assert_cmpuint (at_stroke_list_get_n_strokes (at_sketch_canvas_get_strokes (f->canvas)), ==, 1);
  /* a new stroke drops the redo stack */
  at_sketch_canvas_undo (f->canvas);
  g_assert_true (at_stroke_list_can_redo (at_sketch_canvas_get_strokes (f->canvas)));
  draw_line (f->canvas, 0.1, 0.1, 0.2, 0.2, 4, 1.0);
  g_assert_false (at_stroke_list_can_redo (at_sketch_canvas_get_strokes (f->canvas)));
}

static void
test_eraser_and_colour (Fixture *f, gconstpointer data)
{
  /* a light colour still gives dark ink in the request's sketch */
  GdkRGBA yellow = { 1, 0.9, 0.2, 1 };
  at_sketch_canvas_set_color (f->canvas, &yellow);
  at_sketch_canvas_set_brush_size (f->canvas, 32);
  draw_line (f->canvas, 0.2, 0.5, 0.8, 0.5, 30, 1.0);
  at_sketch_canvas_set_eraser (f->canvas, TRUE);
  at_sketch_canvas_set_brush_size (f->canvas, 64);
  draw_line (f->canvas, 0.5, 0.2, 0.5, 0.8, 20, 1.0);
  g_autoptr (AtImage) img = at_sketch_canvas_render (f->canvas, 128);
  g_assert_cmpuint (pixel (img, 0.3, 0.5), <, 64);
  g_assert_cmpuint (pixel (img, 0.7, 0.5), <, 64);
  g_assert_cmpuint (pixel (img, 0.5, 0.5), ==, 255);   /* erased */
}

static void
test_import (Fixture *f, gconstpointer data)
{
  /* a grey image with a black square: as the sketch it is rendered,
   * as the underlay it is only a guide and stays out of the request */
  g_autoptr (AtImage) img = at_image_new (32, 32, 3);
  memset (img->pixels, 255, at_image_get_nbytes (img));
  for (guint y = 8; y < 24; y++)
    for (guint x = 8; x < 24; x++)
      for (guint c = 0; c < 3; c++)
        img->pixels[(y * 32 + x) * 3 + c] = 0;
  g_autofree char *dir = g_dir_make_tmp ("atelier-canvas-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "sketch.png", NULL);
  g_assert_true (at_image_save_png (img, path, NULL, NULL, NULL));
  g_autoptr (GFile) file = g_file_new_for_path (path);

  g_autoptr (GError) error = NULL;
  g_assert_true (at_sketch_canvas_import (f->canvas, file, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (at_sketch_canvas_is_empty (f->canvas));
  g_autoptr (AtImage) only_underlay = at_sketch_canvas_render (f->canvas, 64);
  g_assert_cmpuint (pixel (only_underlay, 0.5, 0.5), ==, 255);

  g_assert_true (at_sketch_canvas_import (f->canvas, file, FALSE, &error));
  g_assert_false (at_sketch_canvas_is_empty (f->canvas));
  g_autoptr (AtImage) sketch = at_sketch_canvas_render (f->canvas, 64);
  g_assert_cmpuint (pixel (sketch, 0.5, 0.5), <, 16);
  g_assert_cmpuint (pixel (sketch, 0.1, 0.1), >, 240);

  /* not an image: an error that says so, nothing changes */
  g_autofree char *bad = g_build_filename (dir, "notes.png", NULL);
  g_assert_true (g_file_set_contents (bad, "hello", -1, NULL));
  g_autoptr (GFile) bad_file = g_file_new_for_path (bad);
  g_assert_false (at_sketch_canvas_import (f->canvas, bad_file, FALSE, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (at_sketch_canvas_get_sketch_image (f->canvas));
  g_unlink (bad);
  g_unlink (path);
  g_rmdir (dir);
}

/* Issue 18, bug 4: a press and drag beside the sheet is no stroke: no
 * ::changed (which marks the project modified and starts Live runs), no
 * undo step, with the pen and with the eraser. */
static void
test_input_beside_the_sheet (Fixture *f, gconstpointer data)
{
  graphene_rect_t page;
  at_sketch_canvas_get_page (f->canvas, &page);
  g_assert_cmpfloat (page.origin.x, >, 4);
  for (int eraser = 0; eraser < 2; eraser++)
    {
      at_sketch_canvas_set_eraser (f->canvas, eraser);
      at_sketch_canvas_begin_stroke (f->canvas, page.origin.x - 3, page.origin.y + 20, 1.0);
      at_sketch_canvas_extend_stroke (f->canvas, page.origin.x - 2, page.origin.y + 40, 1.0);
      at_sketch_canvas_end_stroke (f->canvas);
    }
  g_assert_cmpint (f->changed, ==, 0);
  g_assert_false (at_stroke_list_can_undo (at_sketch_canvas_get_strokes (f->canvas)));
  g_assert_true (at_sketch_canvas_is_empty (f->canvas));
  /* on the sheet it draws, right up to its edge */
  at_sketch_canvas_set_eraser (f->canvas, FALSE);
  at_sketch_canvas_begin_stroke (f->canvas, page.origin.x + 1, page.origin.y + 1, 1.0);
  at_sketch_canvas_end_stroke (f->canvas);
  g_assert_cmpint (f->changed, ==, 1);
}

/* A black square on white, as a file to import. */
static GFile *
square_file (const char *dir)
{
  g_autoptr (AtImage) img = at_image_new (32, 32, 1);
  memset (img->pixels, 255, 32 * 32);
  for (guint y = 8; y < 24; y++)
    memset (img->pixels + y * 32 + 8, 0, 16);
  g_autofree char *path = g_build_filename (dir, "square.png", NULL);
  g_assert_true (at_image_save_png (img, path, NULL, NULL, NULL));
  return g_file_new_for_path (path);
}

/* Issue 18, bug 5: Import as Sketch is one undoable step (Ctrl+Z removes
 * the import, not the stroke before it), and Clear + Undo brings back the
 * imported sketch with the strokes. */
static void
test_import_is_one_step (Fixture *f, gconstpointer data)
{
  at_sketch_canvas_set_brush_size (f->canvas, 32);
  draw_line (f->canvas, 0.1, 0.9, 0.9, 0.9, 20, 1.0);
  g_autofree char *dir = g_dir_make_tmp ("atelier-canvas-XXXXXX", NULL);
  g_autoptr (GFile) file = square_file (dir);
  g_assert_true (at_sketch_canvas_import (f->canvas, file, FALSE, NULL));
  g_autoptr (AtImage) both = at_sketch_canvas_render (f->canvas, 64);
  g_assert_cmpuint (pixel (both, 0.5, 0.5), <, 16);    /* the square */
  g_assert_cmpuint (pixel (both, 0.5, 0.9), <, 64);    /* the stroke */

  at_sketch_canvas_undo (f->canvas);
  g_assert_null (at_sketch_canvas_get_sketch_image (f->canvas));
  g_assert_cmpuint (at_stroke_list_get_n_strokes (at_sketch_canvas_get_strokes (f->canvas)), ==, 1);
  g_autoptr (AtImage) stroke_only = at_sketch_canvas_render (f->canvas, 64);
  g_assert_cmpuint (pixel (stroke_only, 0.5, 0.5), ==, 255);
  g_assert_cmpuint (pixel (stroke_only, 0.5, 0.9), <, 64);
  at_sketch_canvas_redo (f->canvas);
  g_assert_nonnull (at_sketch_canvas_get_sketch_image (f->canvas));

  at_sketch_canvas_clear (f->canvas);
  g_assert_true (at_sketch_canvas_is_empty (f->canvas));
  g_autoptr (AtImage) cleared = at_sketch_canvas_render (f->canvas, 64);
  g_assert_cmpuint (pixel (cleared, 0.5, 0.5), ==, 255);
  at_sketch_canvas_undo (f->canvas);
  g_autoptr (AtImage) restored = at_sketch_canvas_render (f->canvas, 64);
  g_assert_cmpmem (restored->pixels, 64 * 64, both->pixels, 64 * 64);
  g_assert_nonnull (at_sketch_canvas_get_sketch_image (f->canvas));
  g_autofree char *path = g_file_get_path (file);
  g_unlink (path);
  g_rmdir (dir);
}

/* Issue 18, item 16: the ink colour is a colour hint. A ring drawn in red
 * and then in blue on the canvas, generated through the engine with the
 * same seed, comes out in the ink's hue where the ring is (hue measured by
 * the HSV formula); black ink keeps the one-channel sketch. */
static void
test_ink_colour_is_a_hint (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtEngine) engine = at_engine_new (NULL, NULL, &error);
  g_assert_no_error (error);
  const GdkRGBA inks[] = { { 0.86, 0.12, 0.12, 1 }, { 0.12, 0.24, 0.86, 1 } };
  for (gsize k = 0; k < G_N_ELEMENTS (inks); k++)
    {
      at_sketch_canvas_clear (f->canvas);
      at_sketch_canvas_set_brush_size (f->canvas, 24);
      at_sketch_canvas_set_color (f->canvas, &inks[k]);
      for (int i = 0; i < 24; i++)   /* a ring as 24 short strokes */
        {
          double a0 = i * G_PI / 12, a1 = (i + 1) * G_PI / 12;
          draw_line (f->canvas, 0.5 + 0.27 * cos (a0), 0.5 + 0.27 * sin (a0), 0.5 + 0.27 * cos (a1),
                     0.5 + 0.27 * sin (a1), 2, 1.0);
        }
      g_autoptr (AtRequest) r = at_request_new ();
      r->prompt = g_strdup ("a ball");
      r->seed = 3;
      r->steps = 8;
      r->sketch = at_sketch_canvas_render_for_request (f->canvas, 64);
      g_assert_cmpuint (r->sketch->channels, ==, 3);
      g_autoptr (AtResult) result = at_engine_generate (engine, r, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      const AtImage *out = result->images->pdata[0];
      g_autoptr (AtImage) ink = at_sketch_canvas_render (f->canvas, 64);
      double sum[3] = { 0 }, n = 0;
      for (guint i = 0; i < 64 * 64; i++)
        if (ink->pixels[i] < 128)
          {
            for (int c = 0; c < 3; c++)
              sum[c] += out->pixels[i * 3 + c];
            n++;
          }
      g_assert_cmpfloat (n, >, 50);
      double want = test_hue_of (255 * inks[k].red, 255 * inks[k].green, 255 * inks[k].blue);
      double got = test_hue_of (sum[0] / n, sum[1] / n, sum[2] / n);
      g_test_message ("ink hue %.0f°, the ring came out at hue %.0f°", want, got);
      g_assert_cmpfloat (test_hue_distance (got, want), <, 40.0);
    }
  GdkRGBA black = { 0.1, 0.1, 0.12, 1 };
  at_sketch_canvas_clear (f->canvas);
  at_sketch_canvas_set_color (f->canvas, &black);
  draw_line (f->canvas, 0.2, 0.5, 0.8, 0.5, 10, 1.0);
  g_autoptr (AtImage) gray = at_sketch_canvas_render_for_request (f->canvas, 64);
  g_assert_cmpuint (gray->channels, ==, 1);
}

static void
test_snapshot_draws (Fixture *f, gconstpointer data)
{
  /* the widget's own rendering goes through GtkSnapshot without warnings */
  draw_line (f->canvas, 0.1, 0.1, 0.9, 0.9, 40, 0.5);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GTK_WIDGET_GET_CLASS (f->canvas)->snapshot (GTK_WIDGET (f->canvas), snapshot);
  GskRenderNode *node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  graphene_rect_t bounds;
  gsk_render_node_get_bounds (node, &bounds);
  g_assert_cmpfloat (bounds.size.width, >, 100);
  gsk_render_node_unref (node);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add ("/ui/canvas/stroke-recording", Fixture, NULL, fixture_set_up, test_stroke_recording, fixture_tear_down);
  g_test_add ("/ui/canvas/undo-redo-raster", Fixture, NULL, fixture_set_up, test_undo_redo_raster, fixture_tear_down);
  g_test_add ("/ui/canvas/eraser-colour", Fixture, NULL, fixture_set_up, test_eraser_and_colour, fixture_tear_down);
  g_test_add ("/ui/canvas/import", Fixture, NULL, fixture_set_up, test_import, fixture_tear_down);
  g_test_add ("/ui/canvas/input-beside-sheet", Fixture, NULL, fixture_set_up, test_input_beside_the_sheet, fixture_tear_down);
  g_test_add ("/ui/canvas/import-one-step", Fixture, NULL, fixture_set_up, test_import_is_one_step, fixture_tear_down);
  g_test_add ("/ui/canvas/ink-colour-hint", Fixture, NULL, fixture_set_up, test_ink_colour_is_a_hint, fixture_tear_down);
  g_test_add ("/ui/canvas/snapshot", Fixture, NULL, fixture_set_up, test_snapshot_draws, fixture_tear_down);
  return g_test_run ();
}
