/* finite.h — finding NaN and infinity in weights and results, so that a
 * damaged model is refused with the tensor named instead of drawing a
 * black image. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The index of the first NaN or infinite value in x[0..n), or -1. */
gssize at_find_non_finite (const float *x, gsize n);

G_END_DECLS
