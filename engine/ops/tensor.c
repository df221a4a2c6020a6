/* tensor.c — shapes, views and host transfers of GPU tensors. */
#define G_LOG_DOMAIN "atelier-ops"

#include "ops/tensor.h"

#include "gpu/gpu-private.h"
#include "ops/half.h"

G_DEFINE_QUARK (at-op-error-quark, at_op_error)

static gint64
shape_numel (guint ndim, const gint64 *shape)
{
  gint64 n = 1;
  for (guint i = 0; i < ndim; i++)
    n *= shape[i];
  return n;
}

static gboolean
check_shape (guint ndim, const gint64 *shape, GError **error)
{
  gboolean ok = ndim >= 1 && ndim <= AT_TENSOR_MAX_DIMS;
  for (guint i = 0; ok && i < ndim; i++)
    ok = shape[i] >= 0 && shape[i] < G_MAXINT32;
  if (!ok)
    g_set_error (error, AT_OP_ERROR, AT_OP_ERROR_SHAPE, "Invalid tensor shape (%u dimensions)", ndim);
  return ok;
}

static gsize
type_size (AtTensorType type)
{
  return type == AT_TENSOR_F16 ? sizeof (guint16) : sizeof (float);
}

AtTensor *
at_tensor_new_typed (AtGpu *gpu, AtTensorType type, guint ndim, const gint64 *shape, GError **error)
{
  g_return_val_if_fail (gpu != NULL, NULL);
  if (!check_shape (ndim, shape, error))
    return NULL;
  gsize bytes = (shape_numel (ndim, shape) * type_size (type) + 3) / 4 * 4;  /* whole words: see at_tensor_binding */
  AtBuffer *buffer = at_buffer_new (gpu, MAX (bytes, sizeof (float)), error);
  if (buffer == NULL)
    return NULL;
  AtTensor *t = g_new0 (AtTensor, 1);
  t->buffer = buffer;
  t->type = type;
  t->ndim = ndim;
  for (guint i = 0; i < ndim; i++)
    t->shape[i] = shape[i];
  return t;
}

AtTensor *
at_tensor_new (AtGpu *gpu, guint ndim, const gint64 *shape, GError **error)
{
  return at_tensor_new_typed (gpu, AT_TENSOR_F32, ndim, shape, error);
}

AtTensor *
at_tensor_view (AtTensor *t, gsize element_offset, guint ndim, const gint64 *shape, GError **error)
{
  g_return_val_if_fail (t != NULL, NULL);
  if (!check_shape (ndim, shape, error))
    return NULL;
  gsize offset = t->offset + element_offset * type_size (t->type);
  gsize bytes = shape_numel (ndim, shape) * type_size (t->type);
  AtGpu *gpu = at_buffer_get_gpu (t->buffer);
  if (offset % at_gpu_binding_alignment (gpu) != 0 ||
      offset + bytes > t->offset + at_tensor_nbytes (t))
    {
      g_set_error (error, AT_OP_ERROR, AT_OP_ERROR_SHAPE,
                   "A view at element %zu is misaligned or outside its tensor", element_offset);
      return NULL;
    }
  AtTensor *view = g_new0 (AtTensor, 1);
  view->buffer = at_buffer_ref (t->buffer);
  view->offset = offset;
  view->type = t->type;
  view->ndim = ndim;
  for (guint i = 0; i < ndim; i++)
    view->shape[i] = shape[i];
  return view;
}

void
at_tensor_free (AtTensor *t)
{
  if (t == NULL)
    return;
  at_buffer_unref (t->buffer);
  g_free (t);
}

gint64
at_tensor_numel (const AtTensor *t)
{
  return shape_numel (t->ndim, t->shape);
}

gsize
at_tensor_element_size (const AtTensor *t)
{
  return type_size (t->type);
}

gsize
at_tensor_nbytes (const AtTensor *t)
{
  return at_tensor_numel (t) * type_size (t->type);
}

gint64
at_tensor_dim (const AtTensor *t, int i)
{
  if (i < 0)
    i += t->ndim;
  return i >= 0 && (guint) i < t->ndim ? t->shape[i] : 1;
}

gboolean
at_tensor_same_shape (const AtTensor *a, const AtTensor *b)
{
  if (a->ndim != b->ndim)
    return FALSE;
  for (guint i = 0; i < a->ndim; i++)
    if (a->shape[i] != b->shape[i])
      return FALSE;
  return TRUE;
}

char *
at_tensor_shape_string (const AtTensor *t)
{
  GString *s = g_string_new ("(");
  for (guint i = 0; i < t->ndim; i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i ? ", " : "", t->shape[i]);
  g_string_append_c (s, ')');
  return g_string_free (s, FALSE);
}

AtGpu *
at_tensor_get_gpu (const AtTensor *t)
{
  return at_buffer_get_gpu (t->buffer);
}

gboolean
at_tensor_reshape (AtTensor *t, guint ndim, const gint64 *shape, GError **error)
{
  if (!check_shape (ndim, shape, error))
    return FALSE;
  if (shape_numel (ndim, shape) != at_tensor_numel (t))
    {
      g_set_error (error, AT_OP_ERROR, AT_OP_ERROR_SHAPE, "Reshape changes the number of elements");
      return FALSE;
    }
  t->ndim = ndim;
  for (guint i = 0; i < AT_TENSOR_MAX_DIMS; i++)
    t->shape[i] = i < ndim ? shape[i] : 0;
  return TRUE;
}

gboolean
at_tensor_upload (AtTensor *t, const float *data, GError **error)
{
  if (t->type == AT_TENSOR_F32)
    return at_buffer_upload (t->buffer, t->offset, data, at_tensor_nbytes (t), error);
  gint64 n = at_tensor_numel (t);
  g_autofree guint16 *half = g_new (guint16, MAX (n, 1));
  for (gint64 i = 0; i < n; i++)
    half[i] = at_float_to_half (data[i]);
  return at_tensor_upload_half (t, half, error);
}

gboolean
at_tensor_upload_half (AtTensor *t, const void *data, GError **error)
{
  g_return_val_if_fail (t->type == AT_TENSOR_F16, FALSE);
  return at_buffer_upload (t->buffer, t->offset, data, at_tensor_nbytes (t), error);
}

gboolean
at_tensor_download (AtTensor *t, float *data, GError **error)
{
  if (t->type == AT_TENSOR_F32)
    return at_buffer_download (t->buffer, t->offset, data, at_tensor_nbytes (t), error);
  gint64 n = at_tensor_numel (t);
  g_autofree guint16 *half = g_new (guint16, MAX (n, 1));
  if (!at_buffer_download (t->buffer, t->offset, half, at_tensor_nbytes (t), error))
    return FALSE;
  for (gint64 i = 0; i < n; i++)
    data[i] = at_half_to_float (half[i]);
  return TRUE;
}

/* An fp16 binding's range is rounded up to whole 32-bit words: kernels
 * without 16-bit storage read halves two a word. */
AtBinding
at_tensor_binding (const AtTensor *t)
{
  gsize range = MAX ((at_tensor_nbytes (t) + 3) / 4 * 4, sizeof (float));
  return (AtBinding) { t->buffer, t->offset, range, t->type == AT_TENSOR_F16 };
}

gboolean
at_tensor_check_f32 (const char *op, const char *what, const AtTensor *t, GError **error)
{
  if (t == NULL || t->type == AT_TENSOR_F32)
    return TRUE;
  g_set_error (error, AT_OP_ERROR, AT_OP_ERROR_SHAPE, "%s: %s must be fp32 (it is fp16)", op, what);
  return FALSE;
}

gboolean
at_tensor_check_same_shape (const char *op, const AtTensor *a, const AtTensor *b, GError **error)
{
  if (at_tensor_same_shape (a, b))
    return TRUE;
  g_autofree char *sa = at_tensor_shape_string (a);
  g_autofree char *sb = at_tensor_shape_string (b);
  g_set_error (error, AT_OP_ERROR, AT_OP_ERROR_SHAPE, "%s: shapes %s and %s differ", op, sa, sb);
  return FALSE;
}

gboolean
at_op_check (gboolean cond, const char *op, const char *what, GError **error)
{
  if (!cond)
    g_set_error (error, AT_OP_ERROR, AT_OP_ERROR_SHAPE, "%s: %s", op, what);
  return cond;
}
