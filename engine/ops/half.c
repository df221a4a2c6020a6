/* half.c — binary16 conversions (half.h). */
#include "ops/half.h"

#include <string.h>

float
at_half_to_float (guint16 h)
{
  guint32 sign = (guint32) (h & 0x8000) << 16;
  guint32 exponent = (h >> 10) & 0x1f;
  guint32 mantissa = h & 0x3ff;
  guint32 bits;
  if (exponent == 0x1f && mantissa == 0)
    bits = sign | 0x7f800000;                         /* infinity */
  else if (exponent == 0x1f)
    bits = sign | 0x7fc00000 | (mantissa << 13);      /* NaN: payload kept, quieted as F16C does */
  else if (exponent != 0)
    bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
  else if (mantissa == 0)
    bits = sign;                                      /* signed zero */
  else
    {
      /* Subnormal: mantissa * 2^-24. Shift the leading one up to the
       * implicit bit; each shift lowers the exponent by one. */
      guint32 e = 127 - 15 + 1;
      while ((mantissa & 0x400) == 0)
        {
          mantissa <<= 1;
          e--;
        }
      bits = sign | (e << 23) | ((mantissa & 0x3ff) << 13);
    }
  float f;
  memcpy (&f, &bits, sizeof f);
  return f;
}

guint16
at_float_to_half (float f)
{
  guint32 bits;
  memcpy (&bits, &f, sizeof bits);
  guint16 sign = (bits >> 16) & 0x8000;
  guint32 exponent = (bits >> 23) & 0xff;
  guint32 mantissa = bits & 0x7fffff;
  if (exponent == 0xff)                                 /* infinity, or NaN kept NaN */
    return sign | 0x7c00 | (mantissa != 0 ? 0x200 | (mantissa >> 13) : 0);
  gint32 e = (gint32) exponent - 127 + 15;
  if (e >= 0x1f)
    return sign | 0x7c00;                               /* too large: infinity */
  /* The value's significand with its implicit one, to be shifted down to
   * the half's 10 bits (more for subnormals) and rounded to even. */
  guint32 significand = mantissa | 0x800000;
  guint shift = 13;
  if (e <= 0)
    {
      if (e < -10)
        return sign;                                    /* below half the smallest subnormal */
      shift += 1 - e;
      e = 0;
    }
  guint32 kept = significand >> shift;
  guint32 rest = significand & ((1u << shift) - 1);
  guint32 halfway = 1u << (shift - 1);
  if (rest > halfway || (rest == halfway && (kept & 1)))
    kept++;
  /* Normal: drop the implicit one into the exponent field; a carry out of
   * the significand rounds up into the next exponent (or infinity). A
   * subnormal that rounds up to 0x400 becomes the smallest normal. */
  guint32 h = e == 0 ? kept : ((guint32) e << 10) + (kept - 0x400);
  return sign | (guint16) h;
}
