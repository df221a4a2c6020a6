/* test-concat.c — concatenation along every dimension against a plain-C
 * reference, on random data at several shapes including odd sizes.
 *
 * Tolerance: concatenation moves values without arithmetic, so the output
 * must equal the reference exactly (0 normalised squared error, 0 absolute). */
#include "test-util.h"
#include "ops/concat.h"

typedef struct {
  guint ndim;
  int dim;
  gint64 a[4], b[4];
} ConcatCase;

static const ConcatCase cases[] = {
  /* UNet skip connection: NCHW along channels, odd sizes */
  { 4, 1, { 2, 3, 5, 7 }, { 2, 4, 5, 7 } },
  { 4, 1, { 1, 64, 16, 16 }, { 1, 32, 16, 16 } },
  { 4, 1, { 3, 1, 9, 11 }, { 3, 1, 9, 11 } },
  /* token sequences [B, L, C] along L, and along C */
  { 3, 1, { 2, 5, 8 }, { 2, 3, 8 } },
  { 3, -1, { 3, 7, 13 }, { 3, 7, 6 } },
  /* outermost and innermost dimensions */
  { 4, 0, { 1, 3, 4, 5 }, { 2, 3, 4, 5 } },
  { 4, 3, { 2, 3, 4, 1 }, { 2, 3, 4, 257 } },
  { 1, 0, { 1000 }, { 1 } },
  /* an empty side */
  { 3, 1, { 2, 0, 5 }, { 2, 3, 5 } },
};

/* Walks the output by coordinates, taking each element from a or b. */
static void
ref_concat (const float *a, const float *b, const ConcatCase *c, guint d, const gint64 *out_shape, float *out)
{
  gsize n = test_numel (out_shape, c->ndim);
  for (gsize i = 0; i < n; i++)
    {
      gint64 coord[4] = { 0 };
      test_unravel (i, c->ndim, out_shape, coord);
      const gint64 *shape = coord[d] < c->a[d] ? c->a : c->b;
      const float *src = coord[d] < c->a[d] ? a : b;
      if (coord[d] >= c->a[d])
        coord[d] -= c->a[d];
      out[i] = src[test_ravel (coord, c->ndim, shape)];
    }
}

static void
check_case (const ConcatCase *c, guint seed)
{
  guint d = (guint) (c->dim < 0 ? c->dim + (int) c->ndim : c->dim);
  gint64 out_shape[4];
  for (guint k = 0; k < c->ndim; k++)
    out_shape[k] = k == d ? c->a[k] + c->b[k] : c->a[k];
  gsize na = test_numel (c->a, c->ndim), nb = test_numel (c->b, c->ndim), n = test_numel (out_shape, c->ndim);
  g_autofree float *a = test_random (na, seed, -3, 3);
  g_autofree float *b = test_random (nb, seed + 100, -3, 3);
  g_autofree float *want = g_new (float, n);
  ref_concat (a, b, c, d, out_shape, want);

  g_autoptr (AtTensor) ta = test_tensor_from (a, c->ndim, c->a);
  g_autoptr (AtTensor) tb = test_tensor_from (b, c->ndim, c->b);
  g_autoptr (AtTensor) out = test_tensor_poisoned (c->ndim, out_shape);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  at_op_concat (cmd, ta, tb, c->dim, out, &error);
  g_assert_no_error (error);
  test_submit (cmd);
  test_assert_tensor_close (out, want, 0, 0, "concat case %u", seed);
}

static void
test_concat_shapes (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    check_case (&cases[i], i);
}

/* at_op_concat_channels is dim 1, and inputs may be views into one buffer. */
static void
test_concat_channels_of_views (void)
{
  g_autofree float *data = test_random (2 * 6 * 3 * 3, 42, -1, 1);
  g_autoptr (AtTensor) whole = test_tensor_from_shape (data, 2 * 6 * 3 * 3);
  g_autoptr (GError) error = NULL;
  /* two images of 6 channels each, viewed as [1, 6, 3, 3] */
  g_autoptr (AtTensor) a = at_tensor_view (whole, 0, 4, AT_SHAPE (1, 6, 3, 3), &error);
  g_assert_no_error (error);
  g_autoptr (AtTensor) b = at_tensor_view (whole, 0, 4, AT_SHAPE (1, 6, 3, 3), &error);
  g_assert_no_error (error);
  g_autoptr (AtTensor) out = test_tensor_poisoned_shape (1, 12, 3, 3);
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  at_op_concat_channels (cmd, a, b, out, &error);
  g_assert_no_error (error);
  test_submit (cmd);
  float want[108];
  for (int i = 0; i < 108; i++)
    want[i] = data[i % 54];
  test_assert_tensor_close (out, want, 0, 0, "concat-channels");
}

static void
test_concat_errors (void)
{
  g_autoptr (AtTensor) a = test_tensor_poisoned_shape (2, 3, 4);
  g_autoptr (AtTensor) b = test_tensor_poisoned_shape (2, 5, 4);
  g_autoptr (AtTensor) wrong = test_tensor_poisoned_shape (2, 8, 5);
  g_autoptr (AtTensor) out = test_tensor_poisoned_shape (2, 8, 4);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  test_assert_shape_error (at_op_concat (cmd, a, b, 1, wrong, &error), &error);
  test_assert_shape_error (at_op_concat (cmd, a, b, 2, out, &error), &error);
  test_assert_shape_error (at_op_concat (cmd, a, b, 3, out, &error), &error);
  test_assert_shape_error (at_op_concat (cmd, a, b, -4, out, &error), &error);
  /* writing over an input would race */
  g_autoptr (AtTensor) ab = test_tensor_poisoned_shape (2, 6, 4);
  g_autoptr (AtTensor) first = at_tensor_view (ab, 0, 3, AT_SHAPE (1, 6, 4), &error);
  g_assert_no_error (error);
  test_assert_shape_error (at_op_concat (cmd, first, first, 0, ab, &error), &error);
  g_assert_cmpuint (at_cmd_get_n_dispatches (cmd), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ops/concat/shapes", test_concat_shapes);
  g_test_add_func ("/ops/concat/channels-of-views", test_concat_channels_of_views);
  g_test_add_func ("/ops/concat/errors", test_concat_errors);
  return g_test_run ();
}
