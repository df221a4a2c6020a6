/* sd-checkpoint.c — opening a Stable Diffusion checkpoint. */
#include "sd/sd-checkpoint.h"

#include <math.h>

struct _AtSdCheckpoint {
  AtSafetensors *file;
  AtSdArch arch;
  AtSdPrediction prediction;
  char *reason;
};

#define V_PRED_PROBE "output_blocks.11.1.transformer_blocks.0.norm1.bias"
#define V_PRED_MARKER "v_pred"

static GHashTable *
tensor_table (AtSafetensors *st)
{
  GHashTable *t = g_hash_table_new (g_str_hash, g_str_equal);
  for (const char *const *n = at_safetensors_list (st); *n != NULL; n++)
    g_hash_table_insert (t, (gpointer) *n, (gpointer) at_safetensors_lookup (st, *n));
  return t;
}

/* Population standard deviation (torch.std(unbiased=False)), in double. */
static gboolean
population_std (const AtSafetensorsInfo *info, double *out, GError **error)
{
  g_autofree float *v = g_new (float, MAX (info->numel, 1));
  if (!at_safetensors_info_to_f32 (info, v, error))
    return FALSE;
  double mean = 0, var = 0;
  for (gint64 i = 0; i < info->numel; i++)
    mean += v[i];
  mean /= MAX (info->numel, 1);
  for (gint64 i = 0; i < info->numel; i++)
    var += (v[i] - mean) * (v[i] - mean);
  *out = sqrt (var / MAX (info->numel, 1));
  return TRUE;
}

AtSdPrediction
at_sd_decide_prediction (const AtSdArch *arch, AtSafetensors *st, AtSdPrediction override, char **reason,
                         GError **error)
{
  if (override != AT_SD_PREDICTION_AUTO)
    {
      *reason = g_strdup ("set by the user");
      return override;
    }
  if (at_safetensors_lookup (st, V_PRED_MARKER) != NULL)
    {
      *reason = g_strdup ("the file has a 'v_pred' marker tensor");
      return AT_SD_PREDICTION_V;
    }
  if (arch->family != AT_SD_FAMILY_SD2)
    {
      *reason = g_strdup_printf ("%s models predict noise", arch->kind_name);
      return AT_SD_PREDICTION_EPSILON;
    }
  g_autofree char *probe = g_strconcat (arch->unet_prefix, V_PRED_PROBE, NULL);
  const AtSafetensorsInfo *info = at_safetensors_require (st, probe, error);
  double std;
  if (info == NULL || !population_std (info, &std, error))
    return AT_SD_PREDICTION_AUTO;
  gboolean v = std > AT_SD_V_PRED_STD_THRESHOLD;
  *reason = g_strdup_printf ("the standard deviation of %s is %.4f, %s %.2f (ComfyUI's test)", V_PRED_PROBE, std,
                             v ? "above" : "not above", AT_SD_V_PRED_STD_THRESHOLD);
  return v ? AT_SD_PREDICTION_V : AT_SD_PREDICTION_EPSILON;
}

AtSdCheckpoint *
at_sd_checkpoint_open (const char *path, AtSdPrediction override, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_autoptr (AtSafetensors) st = at_safetensors_open (path, error);
  if (st == NULL)
    return NULL;
  g_autoptr (GHashTable) table = tensor_table (st);
  AtSdArch arch;
  GError *local = NULL;
  if (!at_sd_detect (table, &arch, &local))
    {
      g_autofree char *base = g_path_get_basename (path);
      g_propagate_prefixed_error (error, local, "%s: ", base);
      return NULL;
    }
  char *reason = NULL;
  AtSdPrediction p = at_sd_decide_prediction (&arch, st, override, &reason, error);
  if (p == AT_SD_PREDICTION_AUTO)
    return NULL;
  AtSdCheckpoint *ckpt = g_new0 (AtSdCheckpoint, 1);
  ckpt->file = g_steal_pointer (&st);
  ckpt->arch = arch;
  ckpt->prediction = p;
  ckpt->reason = reason;
  return ckpt;
}

void
at_sd_checkpoint_free (AtSdCheckpoint *ckpt)
{
  if (ckpt == NULL)
    return;
  at_safetensors_free (ckpt->file);
  g_free (ckpt->reason);
  g_free (ckpt);
}

const AtSdArch *
at_sd_checkpoint_get_arch (AtSdCheckpoint *ckpt)
{
  return &ckpt->arch;
}

AtSafetensors *
at_sd_checkpoint_get_file (AtSdCheckpoint *ckpt)
{
  return ckpt->file;
}

AtSdPrediction
at_sd_checkpoint_get_prediction (AtSdCheckpoint *ckpt, const char **reason)
{
  if (reason != NULL)
    *reason = ckpt->reason;
  return ckpt->prediction;
}

gboolean
at_sd_split_rows (const AtSafetensorsInfo *info, gsize max_bytes, AtSdSplit *split, GError **error)
{
  g_return_val_if_fail (info != NULL && split != NULL && max_bytes > 0, FALSE);
  gint64 rows = info->ndim == 0 ? 1 : info->shape[0];
  gsize row_bytes = rows > 0 ? (gsize) (info->numel / rows) * sizeof (float) : 0;
  split->row_bytes = row_bytes;
  if (rows == 0 || (gsize) info->numel * sizeof (float) <= max_bytes)
    {
      split->n_chunks = 1;
      split->rows_per_chunk = rows;
      return TRUE;
    }
  if (row_bytes > max_bytes)
    {
      g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_UNSUPPORTED,
                   "tensor '%s': one row is %" G_GSIZE_FORMAT " bytes, more than the device's %" G_GSIZE_FORMAT
                   "-byte buffer limit", info->name, row_bytes, max_bytes);
      return FALSE;
    }
  split->rows_per_chunk = max_bytes / row_bytes;
  split->n_chunks = (rows + split->rows_per_chunk - 1) / split->rows_per_chunk;
  return TRUE;
}

guint
at_sd_checkpoint_count_oversized (AtSdCheckpoint *ckpt, gsize max_bytes)
{
  g_autoptr (GPtrArray) names = at_sd_arch_names (&ckpt->arch);
  guint n = 0;
  for (guint i = 0; i < names->len; i++)
    {
      const AtSdName *want = names->pdata[i];
      const AtSafetensorsInfo *info = at_safetensors_lookup (ckpt->file, want->name);
      n += info != NULL && (gsize) info->numel * sizeof (float) > max_bytes;
    }
  return n;
}
