/* sd-weights.c — SD checkpoint tensors to the device (sd-weights.h). */
#include "sd/sd-weights.h"

#include "sd/sd-detect.h"

struct _AtSdWeights {
  AtGpu *gpu;
  AtSafetensors *file;
  GPtrArray *tensors;   /* AtTensor*, owned */
  GHashTable *taken;    /* names asked for and found, owned */
  GError *error;
};

AtSdWeights *
at_sd_weights_new (AtGpu *gpu, AtSafetensors *file)
{
  AtSdWeights *w = g_new0 (AtSdWeights, 1);
  w->gpu = gpu;
  w->file = file;
  w->tensors = g_ptr_array_new_with_free_func ((GDestroyNotify) at_tensor_free);
  w->taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return w;
}

void
at_sd_weights_free (AtSdWeights *w)
{
  if (w == NULL)
    return;
  g_ptr_array_unref (w->tensors);
  g_hash_table_unref (w->taken);
  g_clear_error (&w->error);
  g_free (w);
}

guint
at_sd_weights_n_taken (AtSdWeights *w)
{
  return g_hash_table_size (w->taken);
}

gboolean
at_sd_weights_finish (AtSdWeights *w, GError **error)
{
  if (w->error == NULL)
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&w->error));
  return FALSE;
}

/* A view of rows [row0, row0 + n_rows) of name's info; FALSE (error kept)
 * when out of range. */
static gboolean
slice_rows (AtSdWeights *w, const char *name, gint64 row0, gint64 n_rows, AtSafetensorsInfo *slice)
{
  if (w->error != NULL)
    return FALSE;
  const AtSafetensorsInfo *info = at_safetensors_require (w->file, name, &w->error);
  if (info == NULL)
    return FALSE;
  gint64 rows = info->ndim == 0 ? 1 : info->shape[0];
  if (n_rows < 0)
    n_rows = rows - row0;
  if (row0 < 0 || row0 + n_rows > rows || n_rows < 0)
    {
      g_set_error (&w->error, AT_SD_ERROR, AT_SD_ERROR_MISMATCH,
                   "tensor '%s' has %" G_GINT64_FORMAT " rows; rows %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT
                   " were asked for", name, rows, row0, row0 + n_rows);
      return FALSE;
    }
  g_hash_table_add (w->taken, g_strdup (name));
  gint64 row_len = rows > 0 ? info->numel / rows : 0;
  gsize elem = info->numel > 0 ? info->nbytes / info->numel : 0;
  *slice = *info;
  slice->numel = n_rows * row_len;
  slice->nbytes = slice->numel * elem;
  slice->data = (const guint8 *) info->data + row0 * row_len * elem;
  if (slice->ndim > 0)
    slice->shape[0] = n_rows;
  return TRUE;
}

/* Whether slice goes to the device as it is stored, fp16: a product's
 * weight (linear or convolution, whose kernels read fp16) stored F16, on a
 * device that reads fp16 texels. */
static gboolean
keeps_half (AtSdWeights *w, const AtSafetensorsInfo *slice, gboolean product)
{
  return product && slice->dtype == AT_DTYPE_F16 && w->gpu != NULL && at_gpu_supports_half_weights (w->gpu) &&
         g_getenv ("ATELIER_SD_FP32") == NULL;
}

static AtTensor *
upload (AtSdWeights *w, const AtSafetensorsInfo *slice, guint ndim, const gint64 *shape, gboolean product)
{
  gint64 numel = 1;
  for (guint i = 0; i < ndim; i++)
    numel *= shape[i];
  if (numel != slice->numel)
    {
      g_autofree char *want = at_safetensors_shape_string (ndim, shape);
      g_autofree char *have = at_safetensors_shape_string (slice->ndim, slice->shape);
      g_set_error (&w->error, AT_SD_ERROR, AT_SD_ERROR_MISMATCH, "tensor '%s' has shape %s, expected %s",
                   slice->name, have, want);
      return NULL;
    }
  if (w->gpu == NULL)
    return NULL;   /* checking only */
  if (keeps_half (w, slice, product))
    {
      AtTensor *t = at_tensor_new_typed (w->gpu, AT_TENSOR_F16, ndim, shape, &w->error);
      if (t == NULL)
        return NULL;
      g_ptr_array_add (w->tensors, t);
      return at_tensor_upload_half (t, slice->data, &w->error) ? t : NULL;
    }
  g_autofree float *data = g_new (float, MAX (numel, 1));
  if (!at_safetensors_info_to_f32 (slice, data, &w->error))
    return NULL;
  AtTensor *t = at_tensor_new (w->gpu, ndim, shape, &w->error);
  if (t == NULL)
    return NULL;
  g_ptr_array_add (w->tensors, t);
  return at_tensor_upload (t, data, &w->error) ? t : NULL;
}

static AtTensor *
get_whole (AtSdWeights *w, const char *name, guint ndim, const gint64 *shape, gboolean product)
{
  AtSafetensorsInfo slice;
  if (!slice_rows (w, name, 0, -1, &slice) || !at_safetensors_check_shape (&slice, ndim, shape, &w->error))
    return NULL;
  return upload (w, &slice, ndim, shape, product);
}

static AtTensor *
get_rows (AtSdWeights *w, const char *name, gint64 row0, gint64 n_rows, guint ndim, const gint64 *shape,
          gboolean product)
{
  AtSafetensorsInfo slice;
  if (!slice_rows (w, name, row0, n_rows, &slice))
    return NULL;
  return upload (w, &slice, ndim, shape, product);
}

AtTensor *
at_sd_weights_get (AtSdWeights *w, const char *name, guint ndim, const gint64 *shape)
{
  return get_whole (w, name, ndim, shape, FALSE);
}

AtTensor *
at_sd_weights_get_rows (AtSdWeights *w, const char *name, gint64 row0, gint64 n_rows, guint ndim,
                        const gint64 *shape)
{
  return get_rows (w, name, row0, n_rows, ndim, shape, FALSE);
}

AtTensor *
at_sd_weights_get_product (AtSdWeights *w, const char *name, guint ndim, const gint64 *shape)
{
  return get_whole (w, name, ndim, shape, TRUE);
}

AtTensor *
at_sd_weights_get_product_rows (AtSdWeights *w, const char *name, gint64 row0, gint64 n_rows, guint ndim,
                                const gint64 *shape)
{
  return get_rows (w, name, row0, n_rows, ndim, shape, TRUE);
}

gboolean
at_sd_weights_read_rows (AtSdWeights *w, const char *name, gint64 row0, gint64 n_rows, gint64 row_len, float *dst)
{
  AtSafetensorsInfo slice;
  if (!slice_rows (w, name, row0, n_rows, &slice))
    return FALSE;
  if (slice.numel != n_rows * row_len)
    {
      g_set_error (&w->error, AT_SD_ERROR, AT_SD_ERROR_MISMATCH,
                   "tensor '%s': rows of %" G_GINT64_FORMAT " elements were asked for", name, row_len);
      return FALSE;
    }
  return at_safetensors_info_to_f32 (&slice, dst, &w->error);
}
