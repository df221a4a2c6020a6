/* test-copy.c — slices, writes into slices and plain copies against a
 * plain-C reference, on random data at several shapes including odd sizes
 * and offsets that no binding alignment would allow.
 *
 * Tolerance: copies move values without arithmetic, so the output must
 * equal the reference exactly (0 normalised squared error, 0 absolute). */
#include "test-util.h"
#include "ops/copy.h"

/* Flat index of the element of big at the coordinates of small's element i
 * shifted by offset along d. */
static gsize
ref_slice_index (const gint64 *big, const gint64 *small, guint ndim, guint d, gint64 offset, gsize i)
{
  gint64 coord[4];
  test_unravel (i, ndim, small, coord);
  coord[d] += offset;
  return test_ravel (coord, ndim, big);
}

typedef struct {
  guint ndim;
  int dim;
  gint64 shape[4];
  gint64 offset, count;
} SliceCase;

static const SliceCase slice_cases[] = {
  /* thirds of a fused q/k/v projection [B, L, 3C] with odd C */
  { 3, -1, { 2, 7, 15 }, 0, 5 },
  { 3, -1, { 2, 7, 15 }, 5, 5 },
  { 3, -1, { 2, 7, 15 }, 10, 5 },
  { 3, 2, { 1, 77, 3 * 96 }, 96, 96 },
  /* channels of NCHW, rows of tokens, batch entries */
  { 4, 1, { 2, 9, 5, 3 }, 3, 4 },
  { 3, 1, { 2, 11, 6 }, 1, 9 },
  { 4, 0, { 3, 2, 5, 7 }, 1, 2 },
  { 1, 0, { 1001 }, 17, 983 },
  { 2, -1, { 5, 3 }, 2, 1 },
};

static void
check_slice (const SliceCase *c, guint seed)
{
  guint d = (guint) (c->dim < 0 ? c->dim + (int) c->ndim : c->dim);
  gint64 out_shape[4];
  for (guint k = 0; k < c->ndim; k++)
    out_shape[k] = k == d ? c->count : c->shape[k];
  gsize n_src = test_numel (c->shape, c->ndim), n = test_numel (out_shape, c->ndim);
  g_autofree float *src = test_random (n_src, seed, -4, 4);
  g_autofree float *want = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    want[i] = src[ref_slice_index (c->shape, out_shape, c->ndim, d, c->offset, i)];

  g_autoptr (AtTensor) tsrc = test_tensor_from (src, c->ndim, c->shape);
  g_autoptr (AtTensor) out = test_tensor_poisoned (c->ndim, out_shape);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  if (d == c->ndim - 1)
    at_op_slice_last (cmd, tsrc, c->offset, c->count, out, &error);
  else
    at_op_slice (cmd, tsrc, c->dim, c->offset, c->count, out, &error);
  g_assert_no_error (error);
  test_submit (cmd);
  test_assert_tensor_close (out, want, 0, 0, "slice case %u", seed);
}

static void
test_slice_shapes (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (slice_cases); i++)
    check_slice (&slice_cases[i], i);
}

/* Split a fused [B, L, 3C] into q, k, v and write them back into a second
 * fused tensor in reverse order, all in one command list. */
static void
test_split_and_reassemble_qkv (void)
{
  const gint64 B = 2, L = 9, C = 13;
  gsize n = B * L * 3 * C;
  g_autofree float *src = test_random (n, 7, -1, 1);
  g_autoptr (AtTensor) fused = test_tensor_from_shape (src, B, L, 3 * C);
  g_autoptr (AtTensor) back = test_tensor_poisoned_shape (B, L, 3 * C);
  AtTensor *parts[3];
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  for (int p = 0; p < 3; p++)
    {
      parts[p] = test_tensor_poisoned_shape (B, L, C);
      at_op_slice_last (cmd, fused, p * C, C, parts[p], &error);
      g_assert_no_error (error);
    }
  for (int p = 0; p < 3; p++)
    {
      at_op_copy_to_slice (cmd, parts[p], back, -1, (2 - p) * C, &error);
      g_assert_no_error (error);
    }
  test_submit (cmd);
  g_autofree float *want = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    {
      gsize row = i / (3 * C), col = i % (3 * C);
      gsize part = col / C, j = col % C;
      want[i] = src[row * 3 * C + (2 - part) * C + j];
    }
  for (int p = 0; p < 3; p++)
    {
      g_autofree float *part_want = g_new (float, B * L * C);
      for (gsize i = 0; i < (gsize) (B * L * C); i++)
        part_want[i] = src[(i / C) * 3 * C + p * C + i % C];
      test_assert_tensor_close (parts[p], part_want, 0, 0, "qkv part");
      at_tensor_free (parts[p]);
    }
  test_assert_tensor_close (back, want, 0, 0, "reassembled");
}

/* Writing into a slice leaves the rest of the destination alone. */
static void
test_copy_to_slice_keeps_the_rest (void)
{
  const gint64 shape[4] = { 2, 7, 3, 5 }, part[4] = { 2, 3, 3, 5 };
  gsize n = test_numel (shape, 4), np = test_numel (part, 4);
  g_autofree float *dst = test_random (n, 20, -1, 1);
  g_autofree float *src = test_random (np, 21, -1, 1);
  g_autofree float *want = g_memdup2 (dst, n * sizeof (float));
  for (gsize i = 0; i < np; i++)
    want[ref_slice_index (shape, part, 4, 1, 4, i)] = src[i];
  g_autoptr (AtTensor) tdst = test_tensor_from (dst, 4, shape);
  g_autoptr (AtTensor) tsrc = test_tensor_from (src, 4, part);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  at_op_copy_to_slice (cmd, tsrc, tdst, 1, 4, &error);
  g_assert_no_error (error);
  test_submit (cmd);
  test_assert_tensor_close (tdst, want, 0, 0, "copy-to-slice");
}

static void
test_copy (void)
{
  static const gint64 sizes[] = { 1, 255, 257, 70001 };
  for (gsize s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      g_autofree float *src = test_random (sizes[s], 30 + s, -5, 5);
      g_autoptr (AtTensor) tsrc = test_tensor_from (src, 1, &sizes[s]);
      /* a different shape with the same count */
      g_autoptr (AtTensor) out = test_tensor_poisoned_shape (1, sizes[s], 1);
      test_check_unary_op (at_op_copy, tsrc, out, src, 0, 0, "copy %" G_GINT64_FORMAT, sizes[s]);
    }
}

static void
test_copy_errors (void)
{
  g_autoptr (AtTensor) src = test_tensor_poisoned_shape (2, 4, 9);
  g_autoptr (AtTensor) dst = test_tensor_poisoned_shape (2, 4, 3);
  g_autoptr (AtTensor) wrong = test_tensor_poisoned_shape (2, 5, 3);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  /* past the end, negative offset, wrong other dimension, wrong count */
  test_assert_shape_error (at_op_slice_last (cmd, src, 7, 3, dst, &error), &error);
  test_assert_shape_error (at_op_slice_last (cmd, src, -1, 3, dst, &error), &error);
  test_assert_shape_error (at_op_slice_last (cmd, src, 0, 3, wrong, &error), &error);
  test_assert_shape_error (at_op_slice_last (cmd, src, 0, 2, dst, &error), &error);
  test_assert_shape_error (at_op_slice (cmd, src, 3, 0, 3, dst, &error), &error);
  test_assert_shape_error (at_op_copy_to_slice (cmd, dst, src, -1, 7, &error), &error);
  test_assert_shape_error (at_op_copy (cmd, src, dst, &error), &error);
  /* a slice of a tensor into itself would race */
  g_autoptr (AtTensor) head = at_tensor_view (src, 0, 3, AT_SHAPE (2, 4, 3), &error);
  g_assert_no_error (error);
  test_assert_shape_error (at_op_slice_last (cmd, src, 3, 3, head, &error), &error);
  g_assert_cmpuint (at_cmd_get_n_dispatches (cmd), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ops/copy/slice", test_slice_shapes);
  g_test_add_func ("/ops/copy/split-and-reassemble-qkv", test_split_and_reassemble_qkv);
  g_test_add_func ("/ops/copy/to-slice-keeps-the-rest", test_copy_to_slice_keeps_the_rest);
  g_test_add_func ("/ops/copy/copy", test_copy);
  g_test_add_func ("/ops/copy/errors", test_copy_errors);
  return g_test_run ();
}
