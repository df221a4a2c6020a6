/* mel-gpu.c — log-mel features as stft, filterbank product and log. */
#define G_LOG_DOMAIN "atelier-audio"

#include "audio/mel.h"
#include "audio/mel-gpu.h"

struct _AtMelGpu {
  AtGpu *gpu;
  AtMelConfig mel;
  AtTensor *window;      /* [n_fft], periodic Hann */
  AtTensor *filterbank;  /* [n_mels, n_fft/2 + 1] */
  /* at_mel_gpu_log_mel()'s graph, recorded on first use, and its tensors */
  AtGraph *graph;
  AtTensor *wave;        /* [clip_samples] */
  AtTensor *features;    /* [n_frames, n_mels] */
  float *clip;           /* [clip_samples], the host side of wave */
};

void
at_mel_gpu_free (AtMelGpu *mg)
{
  if (mg == NULL)
    return;
  g_clear_pointer (&mg->graph, at_graph_free);
  g_clear_pointer (&mg->window, at_tensor_free);
  g_clear_pointer (&mg->filterbank, at_tensor_free);
  g_free (mg->clip);
  g_free (mg);
}

AtMelGpu *
at_mel_gpu_new (AtGpu *gpu, const AtMelConfig *mel, const float *filterbank, GError **error)
{
  g_return_val_if_fail (gpu != NULL, NULL);
  g_return_val_if_fail (mel != NULL, NULL);
  g_return_val_if_fail (filterbank != NULL, NULL);

  if (!at_mel_config_check (mel, error) || !at_stft_check_size (mel->n_fft, error))
    return NULL;
  g_autoptr (AtMelGpu) mg = g_new0 (AtMelGpu, 1);
  mg->gpu = gpu;
  mg->mel = *mel;
  mg->clip = g_new (float, mel->clip_samples);
  /* evaluated in double and rounded once, as model.py's float32 window */
  g_autofree float *window = g_new (float, mel->n_fft);
  for (int i = 0; i < mel->n_fft; i++)
    window[i] = at_mel_window (mel, i);
  if ((mg->window = at_tensor_new_shape (gpu, error, mel->n_fft)) == NULL
      || (mg->filterbank = at_tensor_new_shape (gpu, error, mel->n_mels, at_mel_n_bins (mel))) == NULL
      || !at_tensor_upload (mg->window, window, error)
      || !at_tensor_upload (mg->filterbank, filterbank, error))
    return NULL;
  return g_steal_pointer (&mg);
}

AtTensor *
at_mel_gpu_wave (AtMelGpu *mg, AtGraph *g, const float *wave, gsize n)
{
  g_return_val_if_fail (mg != NULL && g != NULL, NULL);
  g_return_val_if_fail (wave != NULL || n == 0, NULL);
  if (g->error != NULL)
    return NULL;
  g_autofree float *clip = g_new (float, mg->mel.clip_samples);
  GError *error = NULL;
  if (!at_mel_cut_clip (&mg->mel, wave, n, clip, &error))
    {
      at_graph_fail (g, error);
      return NULL;
    }
  return at_graph_constant (g, clip, AT_G_SHAPE (mg->mel.clip_samples));
}

AtTensor *
at_mel_gpu_forward (AtMelGpu *mg, AtGraph *g, AtTensor *wave)
{
  g_return_val_if_fail (mg != NULL && g != NULL, NULL);
  const AtMelConfig *mel = &mg->mel;
  if (g->error != NULL)
    return NULL;
  g_return_val_if_fail (wave != NULL, NULL);
  /* samples past the clip would change the features at_log_mel() gives */
  if (!at_op_check (at_tensor_numel (wave) <= mel->clip_samples, "log-mel",
                    "the wave must hold at most clip_samples samples", &g->error))
    return NULL;
  AtTensor *power = at_g_stft_power (g, wave, mg->window, mel->hop, mel->n_frames);
  AtTensor *energies = at_g_linear (g, power, mg->filterbank, NULL);   /* power · filterbankᵀ */
  return at_g_log (g, energies, mel->log_floor, mel->log_offset, mel->log_div);
}

/* The graph at_mel_gpu_log_mel() replays: a wave tensor in, features out. */
static gboolean
record_graph (AtMelGpu *mg, GError **error)
{
  g_autoptr (AtGraph) g = at_graph_new (mg->gpu, error);
  if (g == NULL)
    return FALSE;
  AtTensor *wave = at_graph_tensor (g, AT_G_SHAPE (mg->mel.clip_samples));
  AtTensor *features = at_mel_gpu_forward (mg, g, wave);
  if (!at_graph_finish (g, error))
    return FALSE;
  mg->wave = wave;
  mg->features = features;
  mg->graph = g_steal_pointer (&g);
  return TRUE;
}

float *
at_mel_gpu_log_mel (AtMelGpu *mg, const float *wave, gsize n, GError **error)
{
  g_return_val_if_fail (mg != NULL, NULL);
  g_return_val_if_fail (wave != NULL || n == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!at_mel_cut_clip (&mg->mel, wave, n, mg->clip, error) || (mg->graph == NULL && !record_graph (mg, error)) ||
      !at_tensor_upload (mg->wave, mg->clip, error) || !at_graph_run (mg->graph, error))
    return NULL;
  float *out = g_new (float, at_tensor_numel (mg->features));
  if (!at_tensor_download (mg->features, out, error))
    {
      g_free (out);
      return NULL;
    }
  return out;
}
