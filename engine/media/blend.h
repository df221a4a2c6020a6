/* blend.h — blending two arrays of values: linearly, or along the great
 * circle between them (slerp), as video frames between keyframes blend
 * their conditioning and their starting noise.
 *
 * Gaussian noise of many values lies near a sphere; a straight line
 * between two such vectors passes inside it (at the middle its norm drops
 * by up to 1/sqrt 2), and a denoiser sees that as too little noise. Slerp
 * stays on the sphere, so every in-between frame starts from noise of the
 * right size. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* out = (1 - t) a + t b; out may be a or b. */
void at_blend_lerp (const float *a, const float *b, double t, float *out, gsize n);

/* Spherical interpolation: out(0) = a, out(1) = b, the angle to a growing
 * evenly with t and the norm moving linearly from |a| to |b|. Nearly
 * parallel vectors (angle below 1e-4 rad) blend linearly. out may be a or b. */
void at_blend_slerp (const float *a, const float *b, double t, float *out, gsize n);

G_END_DECLS
