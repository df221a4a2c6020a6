/* hue.h — the HSV hue of a colour, for tests that measure the colour of a
 * region (the colour hint). Header-only so that engine and UI tests share
 * it without linking each other's helpers. */
#pragma once

#include <math.h>

#include <glib.h>

/* Hue in degrees [0, 360) of r, g, b (any common scale), by the HSV
 * formula; asserts the colour is not grey, which has no hue. */
static inline double
test_hue_of (double r, double g, double b)
{
  double hi = MAX (r, MAX (g, b)), lo = MIN (r, MIN (g, b)), c = hi - lo;
  g_assert_cmpfloat (c, >, 1.0);
  double h = hi == r ? fmod ((g - b) / c, 6.0) : hi == g ? (b - r) / c + 2 : (r - g) / c + 4;
  return fmod (h * 60 + 360, 360);
}

/* The shorter way round the colour wheel between two hues, in degrees. */
static inline double
test_hue_distance (double a, double b)
{
  double d = fabs (a - b);
  return MIN (d, 360 - d);
}
