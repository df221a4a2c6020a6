/* concat.c — concatenation along any dimension in one dispatch. */
#define G_LOG_DOMAIN "atelier-ops"

#include "ops/concat.h"

#define LOCAL_SIZE 256

typedef struct {
  guint32 n, inner_a, inner_b, pad0;
} ConcatPush;
G_STATIC_ASSERT (sizeof (ConcatPush) == 16);

static const AtKernelInfo concat_kernel = { "concat", 3, 0x4, sizeof (ConcatPush), { LOCAL_SIZE, 1, 1 } };

static gboolean
overlap (const AtTensor *a, const AtTensor *b)
{
  return a->buffer == b->buffer && a->offset < b->offset + at_tensor_nbytes (b) &&
         b->offset < a->offset + at_tensor_nbytes (a);
}

/* TRUE when a, b and out have one rank, agree off d, and add up at d. */
static gboolean
shapes_fit (const AtTensor *a, const AtTensor *b, const AtTensor *out, guint d)
{
  if (a->ndim != out->ndim || b->ndim != out->ndim || a->shape[d] + b->shape[d] != out->shape[d])
    return FALSE;
  for (guint i = 0; i < out->ndim; i++)
    if (i != d && (a->shape[i] != out->shape[i] || b->shape[i] != out->shape[i]))
      return FALSE;
  return TRUE;
}

gboolean
at_op_concat (AtCmd *cmd, AtTensor *a, AtTensor *b, int dim, AtTensor *out, GError **error)
{
  g_return_val_if_fail (cmd != NULL && a != NULL && b != NULL && out != NULL, FALSE);
  int d = dim < 0 ? dim + (int) out->ndim : dim;
  if (!at_op_check (d >= 0 && (guint) d < out->ndim, "concat", "dimension out of range", error))
    return FALSE;
  if (!shapes_fit (a, b, out, d))
    {
      g_autofree char *sa = at_tensor_shape_string (a);
      g_autofree char *sb = at_tensor_shape_string (b);
      g_autofree char *so = at_tensor_shape_string (out);
      g_set_error (error, AT_OP_ERROR, AT_OP_ERROR_SHAPE,
                   "concat: %s and %s do not concatenate to %s along dimension %d", sa, sb, so, d);
      return FALSE;
    }
  if (!at_op_check (!overlap (out, a) && !overlap (out, b), "concat", "the output overlaps an input", error) ||
      !at_op_check (at_tensor_numel (out) <= G_MAXUINT32, "concat", "tensors beyond 2^32 elements", error))
    return FALSE;
  guint64 inner = 1;
  for (guint i = d + 1; i < out->ndim; i++)
    inner *= out->shape[i];
  ConcatPush push = { at_tensor_numel (out), a->shape[d] * inner, b->shape[d] * inner, 0 };
  if (push.n == 0)
    return TRUE;
  AtBinding bindings[] = { at_tensor_binding (a), at_tensor_binding (b), at_tensor_binding (out) };
  guint32 gx, gy;
  at_cmd_grid_1d (cmd, push.n, concat_kernel.local_size[0], &gx, &gy);
  return at_cmd_dispatch_full (cmd, &concat_kernel, NULL, NULL, 0, bindings, &push, gx, gy, 1, "concat", error);
}

gboolean
at_op_concat_channels (AtCmd *cmd, AtTensor *a, AtTensor *b, AtTensor *out, GError **error)
{
  return at_op_concat (cmd, a, b, 1, out, error);
}
