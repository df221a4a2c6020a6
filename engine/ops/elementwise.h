/* elementwise.h — operators that map each element on its own.
 *
 * All record into an AtCmd; out may be the same tensor as an input. */
#pragma once

#include "ops/tensor.h"

G_BEGIN_DECLS

/* t[i] = value (zeroing, and NaN poisoning in tests). */
gboolean at_op_fill (AtCmd *cmd, AtTensor *t, float value, GError **error);

/* out = alpha*a + beta*b, with NumPy broadcasting of a and b to out. */
gboolean at_op_axpby (AtCmd *cmd, float alpha, AtTensor *a, float beta, AtTensor *b,
                      AtTensor *out, GError **error);
/* out = a + b, broadcasting. */
gboolean at_op_add (AtCmd *cmd, AtTensor *a, AtTensor *b, AtTensor *out, GError **error);
/* out = a * b, broadcasting. */
gboolean at_op_mul (AtCmd *cmd, AtTensor *a, AtTensor *b, AtTensor *out, GError **error);

/* out = alpha*x + beta. */
gboolean at_op_scale (AtCmd *cmd, AtTensor *x, float alpha, float beta, AtTensor *out,
                      GError **error);
gboolean at_op_silu (AtCmd *cmd, AtTensor *x, AtTensor *out, GError **error);
/* GELU with the tanh approximation (PyTorch's approximate='tanh'). */
gboolean at_op_gelu (AtCmd *cmd, AtTensor *x, AtTensor *out, GError **error);
/* out = (ln(max(x, floor_value)) + offset) / div: the log-mel compression.
 * floor_value > 0 keeps silence finite. GLSL's log is accurate to a few ulp
 * (2^-21 absolute near 1). */
gboolean at_op_log (AtCmd *cmd, AtTensor *x, float floor_value, float offset, float div, AtTensor *out,
                    GError **error);

/* out = alpha*x[:n] + beta*x[n:] over x's 2n elements taken flat (n = out's
 * count): classifier-free guidance over a batch [2, ...] of the conditional
 * and the unconditional prediction. out must not overlap x. */
gboolean at_op_mix_halves (AtCmd *cmd, AtTensor *x, float alpha, float beta, AtTensor *out, GError **error);

G_END_DECLS
