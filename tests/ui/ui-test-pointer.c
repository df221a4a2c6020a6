/* ui-test-pointer.c — see ui-test-pointer.h. */
#include "ui-test-pointer.h"

#include <gdk/x11/gdkx.h>

#include "ui-test-util.h"

/* where the point lands on screen: clear of the edges of the smallest
 * screen xvfb-run gives (640×480) */
#define SCREEN_X 320
#define SCREEN_Y 240

static void
xdotool (const char *args)
{
  g_autofree char *command = g_strdup_printf ("xdotool %s", args);
  g_autofree char *err = NULL;
  int status = 0;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_command_line_sync (command, NULL, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("“%s” failed: %s", command, err);
}

/* Lets GTK take in what the X server sent: a round trip (so that the
 * server has made the events of xdotool's requests), then a short spin of
 * the main loop, longer on a slow run (ATELIER_TEST_TIME_SCALE). */
static void
settle (void)
{
  gdk_display_sync (gdk_display_get_default ());
  gint64 end = g_get_monotonic_time () + (gint64) (150 * 1000 * ui_test_time_scale ());
  while (g_get_monotonic_time () < end)
    {
      while (g_main_context_pending (NULL))
        g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
}

/* Where (x, y) of widget lies in its surface, in whole pixels. */
static void
surface_point (GtkWidget *widget, double x, double y, int *px, int *py)
{
  GtkNative *native = gtk_widget_get_native (widget);
  graphene_point_t in_native;
  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native), &GRAPHENE_POINT_INIT (x, y), &in_native));
  double dx, dy;   /* the native widget's origin in its surface (client-side shadows) */
  gtk_native_get_surface_transform (native, &dx, &dy);
  *px = (int) (in_native.x + dx);
  *py = (int) (in_native.y + dy);
}

/* The point once the layout has stopped moving it: the same in two looks
 * a settle apart (a panel filled in late, e.g. by a worker, moves what is
 * below it), at most a few seconds. */
static void
settled_surface_point (GtkWidget *widget, double x, double y, int *px, int *py)
{
  surface_point (widget, x, y, px, py);
  for (int tries = 0; tries < 20; tries++)
    {
      settle ();
      int qx, qy;
      surface_point (widget, x, y, &qx, &qy);
      if (qx == *px && qy == *py)
        return;
      *px = qx;
      *py = qy;
    }
}

void
ui_test_pointer_move (GtkWidget *widget, double x, double y)
{
  GdkSurface *surface = gtk_native_get_surface (gtk_widget_get_native (widget));
  g_assert_true (GDK_IS_X11_SURFACE (surface));
  int px, py;
  settled_surface_point (widget, x, y, &px, &py);
  guint32 xid = (guint32) gdk_x11_surface_get_xid (surface);
  g_autofree char *move = g_strdup_printf ("windowmove --sync %u %d %d", xid, SCREEN_X - px, SCREEN_Y - py);
  xdotool (move);
  settle ();
  g_autofree char *pointer = g_strdup_printf ("mousemove --sync %d %d", SCREEN_X, SCREEN_Y);
  xdotool (pointer);
  settle ();
}

void
ui_test_pointer_scroll (GtkWidget *widget, double x, double y, int clicks)
{
  ui_test_pointer_move (widget, x, y);
  for (int i = 0; i < ABS (clicks); i++)
    {
      xdotool (clicks > 0 ? "click 5" : "click 4");
      settle ();
    }
}

void
ui_test_pointer_click (GtkWidget *widget, double x, double y)
{
  ui_test_pointer_move (widget, x, y);
  xdotool ("click 1");
  settle ();
}

void
ui_test_pointer_click_holding (GtkWidget *widget, double x, double y, const char *key)
{
  ui_test_pointer_move (widget, x, y);
  g_autofree char *args = g_strdup_printf ("keydown %s click 1 keyup %s", key, key);
  xdotool (args);
  settle ();
}

void
ui_test_key_press (const char *keys)
{
  g_autofree char *args = g_strdup_printf ("key %s", keys);
  xdotool (args);
  settle ();
}
