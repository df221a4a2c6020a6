/* test-norm.c — group norm (with and without the fused SiLU, with and
 * without the affine map) and layer norm against plain-C references in
 * double precision, at shapes from single-element groups to 64x64 maps, in
 * both variants (a workgroup per group or row for GPUs, an invocation per
 * group or row for CPU devices).
 *
 * Tolerance: normalised squared error <= 1e-12 and absolute error <= 5e-6
 * per element (measured on lavapipe: about 1e-14 and 1e-6). The outputs are
 * O(1) (unit variance, weights in [-2, 2]). The "offset" case (values near
 * 300, spread 1) checks the shifted two-pass statistics: a plain fp32 mean
 * there is off by about 1e-4 after the affine map, and a one-pass
 * E[x^2] - E[x]^2 by about 1e-2. */
#include <math.h>

#include "test-util.h"
#include "ops/norm.h"

#define MAX_NSE 1e-12
#define MAX_ABS 5e-6

/* Normalises n_seg contiguous segments of seg_len; channel of element f is
 * (f / inner) % channels. w, b may be NULL. */
static void
ref_normalize (const float *x, float *y, gsize n_seg, gsize seg_len, gsize inner, gsize channels,
               const float *w, const float *b, double eps, gboolean silu)
{
  for (gsize s = 0; s < n_seg; s++)
    {
      const float *xs = x + s * seg_len;
      double mean = 0, var = 0;
      for (gsize i = 0; i < seg_len; i++)
        mean += xs[i];
      mean /= seg_len;
      for (gsize i = 0; i < seg_len; i++)
        var += (xs[i] - mean) * (xs[i] - mean);
      var /= seg_len;
      double rstd = 1.0 / sqrt (var + eps);
      for (gsize i = 0; i < seg_len; i++)
        {
          gsize f = s * seg_len + i, c = (f / inner) % channels;
          double v = (xs[i] - mean) * rstd;
          if (w != NULL)
            v = v * w[c] + b[c];
          if (silu)
            v = v / (1.0 + exp (-v));
          y[f] = v;
        }
    }
}

typedef struct {
  guint ndim;
  gint64 shape[4];
  guint groups;
  float offset;   /* added to every input */
} GroupCase;

static const GroupCase group_cases[] = {
  { 4, { 2, 32, 9, 7 }, 8, 0 },
  { 4, { 1, 64, 64, 64 }, 32, 0 },      /* UNet-sized: 8192 elements per group */
  { 4, { 1, 32, 32, 64 }, 1, 0 },       /* one group: 65536 elements */
  { 4, { 2, 64, 64, 64 }, 16, 0 },      /* 16384 elements per group: the longest serial */
  { 4, { 3, 6, 5, 3 }, 6, 0 },          /* one channel per group */
  { 4, { 2, 4, 1, 1 }, 4, 0 },          /* one element per group: y = bias */
  { 3, { 3, 12, 37 }, 3, 0 },           /* one spatial dimension */
  { 2, { 5, 10 }, 5, 0 },               /* no spatial dimension */
  { 4, { 2, 16, 31, 33 }, 4, 300 },     /* offset: stability of the variance */
};

static void
check_group_norm (AtReduceVariant variant, const GroupCase *c, gboolean affine, gboolean silu,
                  gboolean in_place)
{
  gint64 n = c->shape[0], channels = c->shape[1], numel = test_numel (c->shape, c->ndim);
  gint64 inner = numel / (n * channels);
  g_autofree float *x = test_random (numel, 7 + c->groups, c->offset - 1, c->offset + 1);
  g_autofree float *w = test_random (channels, 8, -2, 2);
  g_autofree float *b = test_random (channels, 9, -2, 2);
  g_autofree float *want = g_new (float, numel);
  const float eps = 1e-5f;
  ref_normalize (x, want, n * c->groups, channels / c->groups * inner, inner, channels,
                 affine ? w : NULL, b, eps, silu);

  g_autoptr (AtTensor) tx = test_tensor_from (x, c->ndim, c->shape);
  g_autoptr (AtTensor) tw = test_tensor_from_shape (w, channels);
  g_autoptr (AtTensor) tb = test_tensor_from_shape (b, channels);
  g_autoptr (AtTensor) out = in_place ? NULL : test_tensor_poisoned (c->ndim, c->shape);
  AtTensor *result = in_place ? tx : out;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  gboolean ok = at_op_group_norm_full (cmd, tx, c->groups, affine ? tw : NULL, affine ? tb : NULL, eps, silu,
                                       variant, result, &error);
  if (test_reduce_refused (variant, channels / c->groups * inner, ok, &error))
    return;
  test_submit (cmd);
  test_assert_tensor_close (result, want, MAX_NSE, MAX_ABS,
                            "group_norm %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT
                            " G=%u affine=%d silu=%d in_place=%d variant %d", n, channels, inner,
                            c->groups, affine, silu, in_place, variant);
}

static void
check_group_cases (AtReduceVariant variant)
{
  for (gsize i = 0; i < G_N_ELEMENTS (group_cases); i++)
    {
      check_group_norm (variant, &group_cases[i], TRUE, FALSE, FALSE);
      check_group_norm (variant, &group_cases[i], TRUE, TRUE, FALSE);
    }
  check_group_norm (variant, &group_cases[0], FALSE, FALSE, FALSE);
  check_group_norm (variant, &group_cases[6], FALSE, TRUE, FALSE);
  check_group_norm (variant, &group_cases[0], TRUE, TRUE, TRUE);
  check_group_norm (variant, &group_cases[2], TRUE, FALSE, TRUE);
}

static void test_group_norm_workgroup (void) { check_group_cases (AT_REDUCE_WORKGROUP); }
static void test_group_norm_serial (void) { check_group_cases (AT_REDUCE_SERIAL); }

static void
test_group_norm_auto (void)
{
  check_group_norm (AT_REDUCE_AUTO, &group_cases[0], TRUE, TRUE, FALSE);
  check_group_norm (AT_REDUCE_AUTO, &group_cases[2], TRUE, FALSE, FALSE); /* too long for SERIAL */
}

static void
check_layer_norm (AtReduceVariant variant, gint64 rows, gint64 cols, gboolean affine, float offset)
{
  gint64 numel = rows * cols;
  g_autofree float *x = test_random (numel, 11 + cols, offset - 1, offset + 1);
  g_autofree float *w = test_random (cols, 12, -2, 2);
  g_autofree float *b = test_random (cols, 13, -2, 2);
  g_autofree float *want = g_new (float, numel);
  const float eps = 1e-6f;
  ref_normalize (x, want, rows, cols, 1, cols, affine ? w : NULL, b, eps, FALSE);

  /* A [B, L, C] token sequence when rows split evenly, else [rows, C]. */
  g_autoptr (AtTensor) tx = rows % 2 == 0 ? test_tensor_from_shape (x, 2, rows / 2, cols)
                                          : test_tensor_from_shape (x, rows, cols);
  g_autoptr (AtTensor) out = test_tensor_poisoned (tx->ndim, tx->shape);
  g_autoptr (AtTensor) tw = test_tensor_from_shape (w, cols);
  g_autoptr (AtTensor) tb = test_tensor_from_shape (b, cols);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  gboolean ok = at_op_layer_norm_full (cmd, tx, affine ? tw : NULL, affine ? tb : NULL, eps, variant, out, &error);
  if (test_reduce_refused (variant, cols, ok, &error))
    return;
  test_submit (cmd);
  test_assert_tensor_close (out, want, MAX_NSE, MAX_ABS,
                            "layer_norm %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT " affine=%d variant %d", rows, cols,
                            affine, variant);
}

static void
check_layer_cases (AtReduceVariant variant)
{
  check_layer_norm (variant, 1, 1, TRUE, 0);
  check_layer_norm (variant, 7, 33, TRUE, 0);
  check_layer_norm (variant, 4096, 64, TRUE, 0);   /* tokens of a 64x64 map */
  check_layer_norm (variant, 154, 320, TRUE, 0);
  check_layer_norm (variant, 3, 1000, TRUE, 0);
  check_layer_norm (variant, 2, 5003, TRUE, 0);
  check_layer_norm (variant, 9, 257, FALSE, 0);
  check_layer_norm (variant, 10, 768, TRUE, 300);
  check_layer_norm (variant, 2, AT_REDUCE_SERIAL_MAX, TRUE, 0);
  check_layer_norm (variant, 1, AT_REDUCE_SERIAL_MAX + 1, TRUE, 0);
}

static void test_layer_norm_workgroup (void) { check_layer_cases (AT_REDUCE_WORKGROUP); }
static void test_layer_norm_serial (void) { check_layer_cases (AT_REDUCE_SERIAL); }

static void
test_layer_norm_auto (void)
{
  check_layer_norm (AT_REDUCE_AUTO, 7, 33, TRUE, 0);
  check_layer_norm (AT_REDUCE_AUTO, 1, AT_REDUCE_SERIAL_MAX + 1, TRUE, 0);
}

static void
test_shape_errors (void)
{
  g_autoptr (AtTensor) x = test_tensor_poisoned_shape (2, 12, 3, 3);
  g_autoptr (AtTensor) out = test_tensor_poisoned_shape (2, 12, 3, 3);
  g_autoptr (AtTensor) w = test_tensor_poisoned_shape (12);
  g_autoptr (AtTensor) w_short = test_tensor_poisoned_shape (3);
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  GError *error = NULL;
  test_assert_shape_error (at_op_group_norm (cmd, x, 5, w, w, 1e-5f, FALSE, out, &error), &error);
  test_assert_shape_error (at_op_group_norm (cmd, x, 4, w, NULL, 1e-5f, FALSE, out, &error), &error);
  test_assert_shape_error (at_op_layer_norm (cmd, x, w, w, 1e-5f, out, &error), &error);
  test_assert_shape_error (at_op_layer_norm (cmd, x, w_short, w_short, 1e-5f, w, &error), &error);
  g_assert_cmpuint (at_cmd_get_n_dispatches (cmd), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ops/group-norm-workgroup", test_group_norm_workgroup);
  g_test_add_func ("/ops/group-norm-serial", test_group_norm_serial);
  g_test_add_func ("/ops/group-norm-auto", test_group_norm_auto);
  g_test_add_func ("/ops/layer-norm-workgroup", test_layer_norm_workgroup);
  g_test_add_func ("/ops/layer-norm-serial", test_layer_norm_serial);
  g_test_add_func ("/ops/layer-norm-auto", test_layer_norm_auto);
  g_test_add_func ("/ops/norm-shape-errors", test_shape_errors);
  return g_test_run ();
}
