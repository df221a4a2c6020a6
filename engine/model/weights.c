/* weights.c — lazy upload of safetensors tensors with shape checks. */
#define G_LOG_DOMAIN "atelier-model"

#include "model/finite.h"
#include "model/safetensors.h"
#include "model/weights.h"

struct _AtWeights {
  AtGpu *gpu;
  AtSafetensors *file;
  GHashTable *uploaded;   /* name -> AtTensor* */
  gsize uploaded_bytes;
};

AtWeights *
at_weights_load (AtGpu *gpu, const char *path, GError **error)
{
  AtSafetensors *file = at_safetensors_open (path, error);
  if (file == NULL)
    return NULL;
  AtWeights *weights = g_new0 (AtWeights, 1);
  weights->gpu = gpu;
  weights->file = file;
  weights->uploaded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) at_tensor_free);
  return weights;
}

void
at_weights_free (AtWeights *weights)
{
  if (weights == NULL)
    return;
  g_hash_table_unref (weights->uploaded);
  at_safetensors_free (weights->file);
  g_free (weights);
}

float *
at_weights_get_host (AtWeights *weights, const char *name, guint ndim, const gint64 *shape,
                     GError **error)
{
  float *data = NULL;
  gsize n = 0;
  if (!at_safetensors_get_f32 (weights->file, name, ndim, shape, &data, &n, error))
    return NULL;
  gssize bad = at_find_non_finite (data, n);
  if (bad >= 0)
    {
      g_set_error (error, AT_SAFETENSORS_ERROR, AT_SAFETENSORS_ERROR_INVALID,
                   "Weight '%s' holds %g at element %" G_GSSIZE_FORMAT "; the file is damaged", name,
                   data[bad], bad);
      g_free (data);
      return NULL;
    }
  return data;
}

AtTensor *
at_weights_get (AtWeights *weights, const char *name, guint ndim, const gint64 *shape,
                GError **error)
{
  AtTensor *t = g_hash_table_lookup (weights->uploaded, name);
  if (t != NULL)
    {
      gboolean same = t->ndim == ndim;
      for (guint i = 0; same && i < ndim; i++)
        same = t->shape[i] == shape[i];
      if (!same)
        {
          g_set_error (error, AT_OP_ERROR, AT_OP_ERROR_SHAPE,
                       "Weight '%s' is requested with two different shapes", name);
          return NULL;
        }
      return t;
    }
  g_autofree float *data = at_weights_get_host (weights, name, ndim, shape, error);
  if (data == NULL)
    return NULL;
  t = at_tensor_new (weights->gpu, ndim, shape, error);
  if (t == NULL)
    return NULL;
  if (!at_tensor_upload (t, data, error))
    {
      at_tensor_free (t);
      return NULL;
    }
  weights->uploaded_bytes += at_tensor_nbytes (t);
  g_hash_table_insert (weights->uploaded, g_strdup (name), t);
  return t;
}

gsize
at_weights_get_uploaded_bytes (AtWeights *weights)
{
  return weights->uploaded_bytes;
}
