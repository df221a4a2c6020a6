/* finite.c — one pass over a float array. */
#include <math.h>

#include "model/finite.h"

gssize
at_find_non_finite (const float *x, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (!isfinite (x[i]))
      return (gssize) i;
  return -1;
}
