/* test-canvas-tools.c — the sheet's mask, view and underlay under Xvfb,
 * and Regenerate Selection through the studio window and the real engine.
 *
 * The mask is checked against the rectangle's geometry in plain C; the
 * view by where sheet points land on screen; the underlay by the widget's
 * own rendering (through GSK) against the blend of ink and paper its
 * opacity asks for; Regenerate Selection by the known-region invariant:
 * pixels farther than the feather from the mask keep the History image's
 * values, pixels inside it are redrawn. */
#include <stdio.h>
#include <math.h>
#include <string.h>

#include "ui/canvas-tools.h"
#include "ui/image-util.h"
#include "ui/window-private.h"
#include "ui-test-util.h"

static AtApplication *app;

typedef struct {
  GtkWindow *window;
  AtSketchCanvas *canvas;
  int changed, mask_changed;
} Fixture;

static void
count (GObject *canvas, int *counter)
{
  (*counter)++;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 424, 424);
  f->canvas = AT_SKETCH_CANVAS (at_sketch_canvas_new ());
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (box), at_canvas_tools_new (f->canvas));
  gtk_widget_set_vexpand (GTK_WIDGET (f->canvas), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (f->canvas));
  gtk_window_set_child (f->window, box);
  g_signal_connect (f->canvas, "changed", G_CALLBACK (count), &f->changed);
  g_signal_connect (f->canvas, "mask-changed", G_CALLBACK (count), &f->mask_changed);
  gtk_window_present (f->window);
  g_assert_true (ui_test_wait_until (ui_test_is_mapped, f->canvas, 10));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (f->window);
}

/* Widget coordinates of a sheet point (fractions of the sheet). */
static void
page_point (AtSketchCanvas *canvas, double fx, double fy, double *x, double *y)
{
  graphene_rect_t page;
  at_sketch_canvas_get_page (canvas, &page);
  *x = page.origin.x + fx * page.size.width;
  *y = page.origin.y + fy * page.size.height;
}

static void
drag (AtSketchCanvas *canvas, double fx0, double fy0, double fx1, double fy1)
{
  double x, y;
  page_point (canvas, fx0, fy0, &x, &y);
  at_sketch_canvas_begin_stroke (canvas, x, y, 1.0);
  for (int i = 1; i <= 8; i++)
    {
      page_point (canvas, fx0 + (fx1 - fx0) * i / 8, fy0 + (fy1 - fy0) * i / 8, &x, &y);
      at_sketch_canvas_extend_stroke (canvas, x, y, 1.0);
    }
  at_sketch_canvas_end_stroke (canvas);
}

/* A rectangle dragged out is the mask: 255 at pixels inside it, 0 a pixel
 * or more outside; the brush with the eraser takes part of it away; none
 * of it is a stroke. */
static void
test_mask_tools (Fixture *f, gconstpointer data)
{
  g_assert_null (at_sketch_canvas_get_mask (f->canvas, 64, 64));
  at_sketch_canvas_set_tool (f->canvas, AT_SKETCH_TOOL_MASK_RECT);
  drag (f->canvas, 0.25, 0.25, 0.75, 0.5);
  g_assert_cmpint (f->mask_changed, ==, 1);
  g_assert_cmpint (f->changed, ==, 0);
  g_assert_false (at_stroke_list_can_undo (at_sketch_canvas_get_strokes (f->canvas)));
  g_autoptr (AtImage) mask = at_sketch_canvas_get_mask (f->canvas, 64, 64);
  g_assert_nonnull (mask);
  g_assert_cmpuint (mask->channels, ==, 1);
  for (int y = 0; y < 64; y++)
    for (int x = 0; x < 64; x++)
      {
        double cx = x + 0.5, cy = y + 0.5;   /* the pixel's centre, in pixels */
        guint8 v = mask->pixels[y * 64 + x];
        if (cx > 16 + 0.5 && cx < 48 - 0.5 && cy > 16 + 0.5 && cy < 32 - 0.5)
          g_assert_cmpuint (v, ==, 255);
        else if (cx < 16 - 1 || cx > 48 + 1 || cy < 16 - 1 || cy > 32 + 1)
          g_assert_cmpuint (v, ==, 0);
      }

  /* the eraser with the mask brush clears a band across it */
  at_sketch_canvas_set_tool (f->canvas, AT_SKETCH_TOOL_MASK_BRUSH);
  at_sketch_canvas_set_eraser (f->canvas, TRUE);
  at_sketch_canvas_set_brush_size (f->canvas, 32);
  drag (f->canvas, 0.5, 0.1, 0.5, 0.7);
  g_autoptr (AtImage) cut = at_sketch_canvas_get_mask (f->canvas, 64, 64);
  g_assert_cmpuint (cut->pixels[24 * 64 + 32], ==, 0);
  g_assert_cmpuint (cut->pixels[24 * 64 + 20], ==, 255);
  g_assert_cmpint (f->changed, ==, 0);

  at_sketch_canvas_clear_mask (f->canvas);
  g_assert_null (at_sketch_canvas_get_mask (f->canvas, 64, 64));
  g_assert_false (at_sketch_canvas_has_mask (f->canvas));
}

/* Zooming keeps the sheet point under the pointer in place; 100% makes the
 * sheet 512 pixels; strokes drawn zoomed land where they were drawn on
 * the sheet; [ and ] step the brush size. */
static void
test_zoom_and_pan (Fixture *f, gconstpointer data)
{
  double x, y;
  page_point (f->canvas, 0.3, 0.6, &x, &y);
  at_sketch_canvas_zoom_at (f->canvas, 3.0, x, y);
  g_assert_cmpfloat (at_sketch_canvas_get_zoom (f->canvas), ==, 3.0);
  double x2, y2;
  page_point (f->canvas, 0.3, 0.6, &x2, &y2);
  g_assert_cmpfloat (fabs (x2 - x), <, 1e-3);
  g_assert_cmpfloat (fabs (y2 - y), <, 1e-3);

  at_sketch_canvas_pan (f->canvas, -40, 25);
  double x3, y3;
  page_point (f->canvas, 0.3, 0.6, &x3, &y3);
  g_assert_cmpfloat (fabs (x3 - (x - 40)), <, 1e-3);
  g_assert_cmpfloat (fabs (y3 - (y + 25)), <, 1e-3);

  /* a stroke on the zoomed, panned sheet lands on the same sheet point */
  page_point (f->canvas, 0.35, 0.55, &x, &y);
  at_sketch_canvas_begin_stroke (f->canvas, x, y, 1.0);
  at_sketch_canvas_end_stroke (f->canvas);
  AtStroke *s = at_stroke_list_get_stroke (at_sketch_canvas_get_strokes (f->canvas), 0);
  g_assert_cmpfloat (fabs (at_stroke_get_point (s, 0)->x - 0.35), <, 1e-4);
  g_assert_cmpfloat (fabs (at_stroke_get_point (s, 0)->y - 0.55), <, 1e-4);

  graphene_rect_t page;
  at_sketch_canvas_zoom_actual (f->canvas);
  at_sketch_canvas_get_page (f->canvas, &page);
  g_assert_cmpfloat (fabs (page.size.width - 512), <, 1e-3);
  at_sketch_canvas_zoom_fit (f->canvas);
  at_sketch_canvas_get_page (f->canvas, &page);
  double w = gtk_widget_get_width (GTK_WIDGET (f->canvas)), h = gtk_widget_get_height (GTK_WIDGET (f->canvas));
  g_assert_cmpfloat (fabs (page.size.width - (MIN (w, h) - 24)), <, 1e-3);

  at_sketch_canvas_set_brush_size (f->canvas, 8);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->canvas), "sketch.brush-larger", NULL));
  g_assert_cmpfloat (at_sketch_canvas_get_brush_size (f->canvas), ==, 10);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->canvas), "sketch.brush-smaller", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->canvas), "sketch.brush-smaller", NULL));
  g_assert_cmpfloat (at_sketch_canvas_get_brush_size (f->canvas), ==, 6);   /* 10 / 1.25 = 8, / 1.25 = 6.4 */
}

/* The canvas as GSK draws it on screen, as RGB. */
static AtImage *
render_widget (GtkWidget *widget)
{
  ui_test_flush ();
  /* the widget's own snapshot, not a paintable of its last frame, which
   * may not have been drawn yet on a busy machine */
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  GskRenderNode *node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget), gtk_widget_get_height (widget));
  GdkTexture *texture = gsk_renderer_render_texture (renderer, node, &bounds);
  AtImage *img = at_image_new_from_texture (texture);
  g_object_unref (texture);
  gsk_render_node_unref (node);
  return img;
}

/* The value of the sheet's centre pixel on screen. */
static int
centre_value (AtSketchCanvas *canvas)
{
  g_autoptr (AtImage) shot = render_widget (GTK_WIDGET (canvas));
  double x, y;
  page_point (canvas, 0.5, 0.5, &x, &y);
  return shot->pixels[((guint) y * shot->width + (guint) x) * 3];
}

/* A black underlay shows as paper × (1 - opacity): white hidden. */
static void
test_underlay_opacity (Fixture *f, gconstpointer data)
{
  g_autoptr (AtImage) black = at_image_new (16, 16, 3);
  at_sketch_canvas_set_underlay (f->canvas, black);
  const double opacities[] = { 0.25, 0.6, 1.0 };
  for (gsize i = 0; i < G_N_ELEMENTS (opacities); i++)
    {
      at_sketch_canvas_set_underlay_opacity (f->canvas, opacities[i]);
      int want = (int) lround (255 * (1 - opacities[i]));
      g_assert_cmpint (ABS (centre_value (f->canvas) - want), <=, 2);
    }
  at_sketch_canvas_set_underlay_visible (f->canvas, FALSE);
  g_assert_cmpint (centre_value (f->canvas), ==, 255);
  /* the underlay never reaches the request */
  g_autoptr (AtImage) sketch = at_sketch_canvas_render (f->canvas, 32);
  g_assert_cmpuint (sketch->pixels[16 * 32 + 16], ==, 255);
}

static gboolean
history_has (gpointer data)
{
  AtWindow *window = data;
  return !at_window_is_generating (window) && at_window_get_history_length (window) >= 2;
}

static gboolean
history_has_one (gpointer data)
{
  AtWindow *window = data;
  return !at_window_is_generating (window) && at_window_get_history_length (window) >= 1;
}

/* A History item's Regenerate Selection with a rectangle painted: the new
 * image keeps the item's pixels farther than the feather from the
 * rectangle (Chebyshev distance in the image's pixels) and redraws inside. */
static void
test_regenerate_selection (void)
{
  AtWindow *window = ui_test_open_window (app);
  ui_test_wait_for_engine (window);
  /* the README's picture shows the model's own steps, not a quick test's */
  gboolean screenshot = g_getenv ("ATELIER_SCREENSHOT_DIR") != NULL;
  at_window_set_prompt (window, screenshot ? "red apple" : "a red circle");
  at_window_set_params (window, screenshot ? 12 : 3, 11, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL));
  g_assert_true (ui_test_wait_until (history_has_one, window, 100));
  g_autoptr (AtImage) before = at_image_copy (at_preview_get_image (at_window_get_preview (window)));
  guint W = before->width;

  /* without a mask it asks for one, and starts nothing */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "inpaint.regenerate-selection", "u", 0));
  g_assert_false (at_window_is_generating (window));
  AtSketchCanvas *canvas = at_window_get_canvas (window);
  g_assert_cmpint (at_sketch_canvas_get_tool (canvas), ==, AT_SKETCH_TOOL_MASK_BRUSH);

  at_sketch_canvas_set_tool (canvas, AT_SKETCH_TOOL_MASK_RECT);
  drag (canvas, 0.25, 0.25, 0.75, 0.75);
  at_sketch_canvas_set_mask_feather (canvas, 2);
  if (screenshot)
    {
      /* the refined preview in place and the progress bar gone */
      gint64 deadline = g_get_monotonic_time () + 4 * G_USEC_PER_SEC;
      ui_test_wait_until (ui_test_after, &deadline, 6);
      ui_test_maybe_screenshot (GTK_WIDGET (window), "studio-mask.png");
    }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "inpaint.regenerate-selection", "u", 0));
  g_assert_true (ui_test_wait_until (history_has, window, 100));
  const AtImage *after = at_preview_get_image (at_window_get_preview (window));
  g_assert_cmpuint (after->width, ==, W);
  g_autoptr (AtImage) a = at_image_convert (before, 3);
  g_autoptr (AtImage) b = at_image_convert (after, 3);
  double lo = 0.25 * W, hi = 0.75 * W, change = 0;
  guint kept = 0, inside = 0;
  for (guint y = 0; y < W; y++)
    for (guint x = 0; x < W; x++)
      {
        double cx = x + 0.5, cy = y + 0.5;
        /* distance from the pixel centre to the rectangle, in pixels */
        double d = MAX (MAX (lo - cx, cx - hi), MAX (lo - cy, cy - hi));
        const guint8 *p = a->pixels + (y * W + x) * 3, *q = b->pixels + (y * W + x) * 3;
        if (d > 2 + 1.5)
          {
            g_assert_cmpmem (p, 3, q, 3);
            kept++;
          }
        else if (d < -(2 + 1.5))
          {
            for (int c = 0; c < 3; c++)
              change += ABS (p[c] - q[c]);
            inside++;
          }
      }
  g_assert_cmpuint (kept, >, W * W / 3);
  g_test_message ("mean change inside the selection: %.1f levels", change / (3.0 * inside));
  g_assert_cmpfloat (change / (3.0 * inside), >, 3.0);
  ui_test_close_window (window);
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  app = ui_test_application_new ();
  g_test_add ("/ui/canvas/mask-tools", Fixture, NULL, fixture_set_up, test_mask_tools, fixture_tear_down);
  g_test_add ("/ui/canvas/zoom-pan", Fixture, NULL, fixture_set_up, test_zoom_and_pan, fixture_tear_down);
  g_test_add ("/ui/canvas/underlay-opacity", Fixture, NULL, fixture_set_up, test_underlay_opacity, fixture_tear_down);
  g_test_add_func ("/ui/inpaint/regenerate-selection", test_regenerate_selection);
  int status = g_test_run ();
  return ui_test_application_finish (app, status);
}
