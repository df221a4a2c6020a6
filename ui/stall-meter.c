/* stall-meter.c — late wakeups of a main-loop timer (see stall-meter.h). */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/stall-meter.h"

#include <stdio.h>

#include <gtk/gtk.h>

#define TICK_MS 4
#define FRAME_MS 16.0

typedef struct {
  guint source;
  gint64 expected_us;  /* when the timer should next run */
  guint depth;         /* phases begun and not ended */
  char *name;
  gint64 start_us;
  double longest_ms;
  guint over_frame;
  GdkFrameClock *clock;  /* the watched widget's, unowned (disconnected when it goes) */
  gint64 paint_start_us, layout_us, draw_us;
  double longest_paint_ms;  /* one frame's before-paint to after-paint */
  double longest_layout_ms; /* of that frame, its layout (layout to paint) */
  double longest_paint_at_s; /* when that frame began, from the phase's start */
} Meter;

static Meter meter;

static gboolean
tick (gpointer unused)
{
  gint64 now = g_get_monotonic_time ();
  double late_ms = (now - meter.expected_us) / 1000.0;
  if (meter.depth > 0 && late_ms > meter.longest_ms)
    meter.longest_ms = late_ms;
  if (meter.depth > 0 && late_ms > FRAME_MS)
    meter.over_frame++;
  meter.expected_us = now + TICK_MS * 1000;
  return G_SOURCE_CONTINUE;
}

static void
on_before_paint (GdkFrameClock *clock, gpointer unused)
{
  meter.paint_start_us = g_get_monotonic_time ();
}

static void
on_layout (GdkFrameClock *clock, gpointer unused)
{
  meter.layout_us = g_get_monotonic_time ();
}

static void
on_paint (GdkFrameClock *clock, gpointer unused)
{
  meter.draw_us = g_get_monotonic_time ();
}

static void
on_after_paint (GdkFrameClock *clock, gpointer unused)
{
  double ms = (g_get_monotonic_time () - meter.paint_start_us) / 1000.0;
  if (meter.depth > 0 && meter.paint_start_us > 0 && ms > meter.longest_paint_ms)
    {
      meter.longest_paint_ms = ms;
      meter.longest_layout_ms = meter.draw_us > meter.layout_us ? (meter.draw_us - meter.layout_us) / 1000.0 : 0;
      meter.longest_paint_at_s = (meter.paint_start_us - meter.start_us) / 1e6;
    }
}

static void
clock_gone (gpointer unused, GObject *where_it_was)
{
  meter.clock = NULL;
}

/* Times each frame of widget's frame clock (layout, snapshot, render). */
static void
watch (GtkWidget *widget)
{
  GdkFrameClock *clock = widget != NULL ? gtk_widget_get_frame_clock (widget) : NULL;
  if (clock == NULL || clock == meter.clock)
    return;
  if (meter.clock != NULL)
    {
      g_signal_handlers_disconnect_by_data (meter.clock, &meter);
      g_object_weak_unref (G_OBJECT (meter.clock), clock_gone, NULL);
    }
  meter.clock = clock;
  g_object_weak_ref (G_OBJECT (clock), clock_gone, NULL);
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), &meter);
  g_signal_connect (clock, "layout", G_CALLBACK (on_layout), &meter);
  g_signal_connect (clock, "paint", G_CALLBACK (on_paint), &meter);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &meter);
}

static gboolean
enabled (void)
{
  static int on = -1;
  if (on < 0)
    on = g_strcmp0 (g_getenv ("ATELIER_UI_STALLS"), "1") == 0;
  return on;
}

void
at_stall_meter_begin (const char *name, GtkWidget *widget)
{
  if (!enabled ())
    return;
  watch (widget);
  if (meter.source == 0)
    {
      meter.source = g_timeout_add_full (G_PRIORITY_HIGH, TICK_MS, tick, NULL, NULL);
      meter.expected_us = g_get_monotonic_time () + TICK_MS * 1000;
    }
  if (meter.depth++ > 0)
    return;
  g_free (meter.name);
  meter.name = g_strdup (name);
  meter.start_us = g_get_monotonic_time ();
  meter.longest_ms = 0;
  meter.over_frame = 0;
  meter.longest_paint_ms = 0;
  meter.longest_layout_ms = 0;
}

void
at_stall_meter_end (void)
{
  if (!enabled () || meter.depth == 0 || --meter.depth > 0)
    return;
  fprintf (stderr, "ui-stalls: %s: longest %.1f ms, %u over %.0f ms, in %.1f s; longest frame %.1f ms "
           "(layout %.1f, at %.2f s)\n",
           meter.name, meter.longest_ms, meter.over_frame, FRAME_MS, (g_get_monotonic_time () - meter.start_us) / 1e6,
           meter.longest_paint_ms, meter.longest_layout_ms, meter.longest_paint_at_s);
  fflush (stderr);
}
