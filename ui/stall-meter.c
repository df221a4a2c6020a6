/* stall-meter.c — late wakeups of a main-loop timer (see stall-meter.h). */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/stall-meter.h"

#include <stdio.h>

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

static gboolean
enabled (void)
{
  static int on = -1;
  if (on < 0)
    on = g_strcmp0 (g_getenv ("ATELIER_UI_STALLS"), "1") == 0;
  return on;
}

void
at_stall_meter_begin (const char *name)
{
  if (!enabled ())
    return;
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
}

void
at_stall_meter_end (void)
{
  if (!enabled () || meter.depth == 0 || --meter.depth > 0)
    return;
  fprintf (stderr, "ui-stalls: %s: longest %.1f ms, %u over %.0f ms, in %.1f s\n", meter.name, meter.longest_ms,
           meter.over_frame, FRAME_MS, (g_get_monotonic_time () - meter.start_us) / 1e6);
  fflush (stderr);
}
