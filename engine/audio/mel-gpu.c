/* mel-gpu.c — mel energies as two matrix products on the device. */
#define G_LOG_DOMAIN "atelier-audio"

#include <math.h>

#include "audio/mel.h"
#include "audio/mel-gpu.h"
#include "ops/elementwise.h"
#include "ops/matmul.h"

struct _AtMelGpu {
  AtGpu *gpu;
  AtMelConfig mel;
  int bins;
  AtTensor *frames;    /* [n_frames, n_fft], uploaded per clip */
  AtTensor *twiddle;   /* [n_fft, 2·bins]: w[i]·cos, −w[i]·sin per bin */
  AtTensor *spectrum;  /* [n_frames, 2·bins]: re, im, then their squares */
  AtTensor *fb2;       /* [n_mels, 2·bins]: each filterbank weight twice */
  float *host_frames;
};

void
at_mel_gpu_free (AtMelGpu *mg)
{
  if (mg == NULL)
    return;
  g_clear_pointer (&mg->frames, at_tensor_free);
  g_clear_pointer (&mg->twiddle, at_tensor_free);
  g_clear_pointer (&mg->spectrum, at_tensor_free);
  g_clear_pointer (&mg->fb2, at_tensor_free);
  g_free (mg->host_frames);
  g_free (mg);
}

AtMelGpu *
at_mel_gpu_new (AtGpu *gpu, const AtMelConfig *mel, const float *filterbank, GError **error)
{
  g_return_val_if_fail (gpu != NULL, NULL);
  g_return_val_if_fail (mel != NULL, NULL);
  g_return_val_if_fail (filterbank != NULL, NULL);

  if (!at_mel_config_check (mel, error))
    return NULL;
  g_autoptr (AtMelGpu) mg = g_new0 (AtMelGpu, 1);
  mg->gpu = gpu;
  mg->mel = *mel;
  int N = mel->n_fft, bins = at_mel_n_bins (mel), cols = 2 * bins;
  mg->bins = bins;
  mg->host_frames = g_new0 (float, (gsize) mel->n_frames * N);
  if ((mg->frames = at_tensor_new_shape (gpu, error, mel->n_frames, N)) == NULL
      || (mg->twiddle = at_tensor_new_shape (gpu, error, N, cols)) == NULL
      || (mg->spectrum = at_tensor_new_shape (gpu, error, mel->n_frames, cols)) == NULL
      || (mg->fb2 = at_tensor_new_shape (gpu, error, mel->n_mels, cols)) == NULL)
    return NULL;

  /* Angles reduced modulo N and evaluated in double before rounding. */
  g_autofree float *tw = g_new (float, (gsize) N * cols);
  for (int i = 0; i < N; i++)
    {
      double w = 0.5 - 0.5 * cos (2.0 * G_PI * i / N);
      for (int k = 0; k < bins; k++)
        {
          double a = 2.0 * G_PI * (double) (((gint64) k * i) % N) / N;
          tw[(gsize) i * cols + 2 * k] = w * cos (a);
          tw[(gsize) i * cols + 2 * k + 1] = -w * sin (a);
        }
    }
  g_autofree float *fb2 = g_new (float, (gsize) mel->n_mels * cols);
  for (int m = 0; m < mel->n_mels; m++)
    for (int k = 0; k < bins; k++)
      fb2[(gsize) m * cols + 2 * k] = fb2[(gsize) m * cols + 2 * k + 1] =
        filterbank[(gsize) m * bins + k];
  if (!at_tensor_upload (mg->twiddle, tw, error) || !at_tensor_upload (mg->fb2, fb2, error))
    return NULL;
  return g_steal_pointer (&mg);
}

gboolean
at_mel_gpu_set_wave (AtMelGpu *mg, const float *wave, gsize n, GError **error)
{
  g_return_val_if_fail (mg != NULL, FALSE);
  g_return_val_if_fail (wave != NULL || n == 0, FALSE);

  const AtMelConfig *mel = &mg->mel;
  gsize used = MIN (n, (gsize) mel->clip_samples);
  for (gsize j = 0; j < used; j++)
    if (!isfinite (wave[j]))
      {
        g_set_error (error, AT_MEL_ERROR, AT_MEL_ERROR_INPUT,
                     "The waveform has a non-finite sample (%g) at %" G_GSIZE_FORMAT,
                     (double) wave[j], j);
        return FALSE;
      }
  for (int t = 0; t < mel->n_frames; t++)
    for (int i = 0; i < mel->n_fft; i++)
      {
        gsize j = (gsize) mel->hop * t + i;
        mg->host_frames[(gsize) t * mel->n_fft + i] = j < used ? wave[j] : 0.0f;
      }
  return at_tensor_upload (mg->frames, mg->host_frames, error);
}

gboolean
at_mel_gpu_record (AtMelGpu *mg, AtCmd *cmd, AtTensor *energies, GError **error)
{
  g_return_val_if_fail (mg != NULL, FALSE);
  g_return_val_if_fail (cmd != NULL, FALSE);
  g_return_val_if_fail (energies != NULL, FALSE);

  if (!at_op_check (energies->ndim == 2 && energies->shape[0] == mg->mel.n_frames
                    && energies->shape[1] == mg->mel.n_mels,
                    "mel", "energies must be [n_frames, n_mels]", error))
    return FALSE;
  return at_op_matmul (cmd, mg->frames, mg->twiddle, mg->spectrum, 0, error)
         && at_op_mul (cmd, mg->spectrum, mg->spectrum, mg->spectrum, error)
         && at_op_matmul (cmd, mg->spectrum, mg->fb2, energies, AT_MATMUL_TRANS_B, error);
}

float *
at_mel_gpu_log_mel (AtMelGpu *mg, const float *wave, gsize n, GError **error)
{
  g_return_val_if_fail (mg != NULL, NULL);

  const AtMelConfig *mel = &mg->mel;
  g_autoptr (AtTensor) energies = at_tensor_new_shape (mg->gpu, error, mel->n_frames,
                                                       mel->n_mels);
  if (energies == NULL || !at_mel_gpu_set_wave (mg, wave, n, error))
    return NULL;
  g_autoptr (AtCmd) cmd = at_cmd_new (mg->gpu, error);
  if (cmd == NULL || !at_mel_gpu_record (mg, cmd, energies, error) || !at_cmd_submit (cmd, error))
    return NULL;
  gsize count = (gsize) mel->n_frames * mel->n_mels;
  float *out = g_new (float, count);
  if (!at_tensor_download (energies, out, error))
    {
      g_free (out);
      return NULL;
    }
  for (gsize i = 0; i < count; i++)
    out[i] = (log (MAX ((double) out[i], mel->log_floor)) + mel->log_offset) / mel->log_div;
  return out;
}
