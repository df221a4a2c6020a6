/* copy.c — slices, writes into slices and copies through one strided kernel. */
#define G_LOG_DOMAIN "atelier-ops"

#include "ops/copy.h"

#define LOCAL_SIZE 256

typedef struct {
  guint32 n, count;
  guint32 src_stride, src_offset;
  guint32 dst_stride, dst_offset;
  guint32 pad0, pad1;
} CopyPush;
G_STATIC_ASSERT (sizeof (CopyPush) == 32);

/* src may be fp16 (specialization constant 3): the copy is then a
 * conversion into the fp32 dst, as a slice of fp16 weights needs. */
static const AtKernelInfo copy_kernel = { "copy", 2, 0x2, sizeof (CopyPush), { LOCAL_SIZE, 1, 1 }, 0, 0, 0x1 };

static gboolean
overlap (const AtTensor *a, const AtTensor *b)
{
  return a->buffer == b->buffer && a->offset < b->offset + at_tensor_nbytes (b) &&
         b->offset < a->offset + at_tensor_nbytes (a);
}

/* Records rows × count elements from src to dst; the caller has checked
 * that every index lies inside both tensors. */
static gboolean
copy_rows (AtCmd *cmd, const char *label, AtTensor *src, AtTensor *dst, guint64 rows, guint64 count,
           guint64 src_stride, guint64 src_offset, guint64 dst_stride, guint64 dst_offset,
           GError **error)
{
  if (!at_op_check (!overlap (src, dst), label, "source and destination overlap", error) ||
      !at_tensor_check_f32 (label, "the destination", dst, error) ||
      !at_op_check (at_tensor_numel (src) <= G_MAXUINT32 && at_tensor_numel (dst) <= G_MAXUINT32,
                    label, "tensors beyond 2^32 elements", error))
    return FALSE;
  CopyPush push = { rows * count, count, src_stride, src_offset, dst_stride, dst_offset, 0, 0 };
  AtBinding bindings[] = { at_tensor_binding (src), at_tensor_binding (dst) };
  if (push.n == 0)
    return TRUE;
  guint32 gx, gy;
  at_cmd_grid_1d (cmd, push.n, copy_kernel.local_size[0], &gx, &gy);
  guint32 spec[] = { src->type == AT_TENSOR_F16 };
  return at_cmd_dispatch_full (cmd, &copy_kernel, NULL, spec, G_N_ELEMENTS (spec), bindings, &push, gx, gy, 1, label,
                               error);
}

/* Product of the sizes before and after dimension d of t. */
static void
outer_inner (const AtTensor *t, guint d, guint64 *outer, guint64 *inner)
{
  *outer = *inner = 1;
  for (guint i = 0; i < t->ndim; i++)
    {
      if (i < d)
        *outer *= t->shape[i];
      else if (i > d)
        *inner *= t->shape[i];
    }
}

/* Resolves a possibly negative dim; FALSE if outside t. */
static gboolean
resolve_dim (const AtTensor *t, int dim, guint *d)
{
  if (dim < 0)
    dim += (int) t->ndim;
  if (dim < 0 || (guint) dim >= t->ndim)
    return FALSE;
  *d = dim;
  return TRUE;
}

/* TRUE when big and small agree on every dimension but d, and small's
 * extent at d fits in big's at offset. */
static gboolean
fits_as_slice (const AtTensor *big, const AtTensor *small, guint d, gint64 offset)
{
  if (big->ndim != small->ndim || offset < 0 || offset + small->shape[d] > big->shape[d])
    return FALSE;
  for (guint i = 0; i < big->ndim; i++)
    if (i != d && big->shape[i] != small->shape[i])
      return FALSE;
  return TRUE;
}

gboolean
at_op_slice (AtCmd *cmd, AtTensor *src, int dim, gint64 offset, gint64 count, AtTensor *dst,
             GError **error)
{
  g_return_val_if_fail (cmd != NULL && src != NULL && dst != NULL, FALSE);
  guint d = 0;
  if (!at_op_check (resolve_dim (src, dim, &d), "slice", "dimension out of range", error) ||
      !at_op_check (count >= 0 && dst->ndim == src->ndim && dst->shape[d] == count &&
                    fits_as_slice (src, dst, d, offset),
                    "slice", "the destination is not the source's shape with count at dim, "
                    "or offset + count exceeds the source", error))
    return FALSE;
  guint64 outer, inner;
  outer_inner (src, d, &outer, &inner);
  return copy_rows (cmd, "slice", src, dst, outer, count * inner, src->shape[d] * inner,
                    offset * inner, count * inner, 0, error);
}

gboolean
at_op_slice_last (AtCmd *cmd, AtTensor *src, gint64 offset, gint64 count, AtTensor *dst,
                  GError **error)
{
  return at_op_slice (cmd, src, -1, offset, count, dst, error);
}

gboolean
at_op_copy_to_slice (AtCmd *cmd, AtTensor *src, AtTensor *dst, int dim, gint64 offset, GError **error)
{
  g_return_val_if_fail (cmd != NULL && src != NULL && dst != NULL, FALSE);
  guint d = 0;
  if (!at_op_check (resolve_dim (dst, dim, &d), "copy-to-slice", "dimension out of range", error) ||
      !at_op_check (fits_as_slice (dst, src, d, offset), "copy-to-slice",
                    "the source is not the destination's shape but at dim, "
                    "or offset + its size exceeds the destination", error))
    return FALSE;
  guint64 outer, inner;
  outer_inner (dst, d, &outer, &inner);
  guint64 count = src->shape[d] * inner;
  return copy_rows (cmd, "copy-to-slice", src, dst, outer, count, count, 0, dst->shape[d] * inner,
                    offset * inner, error);
}

gboolean
at_op_copy (AtCmd *cmd, AtTensor *src, AtTensor *dst, GError **error)
{
  g_return_val_if_fail (cmd != NULL && src != NULL && dst != NULL, FALSE);
  if (!at_op_check (at_tensor_numel (src) == at_tensor_numel (dst), "copy",
                    "source and destination hold different numbers of elements", error))
    return FALSE;
  guint64 n = at_tensor_numel (src);
  return copy_rows (cmd, "copy", src, dst, 1, n, n, 0, n, 0, error);
}
