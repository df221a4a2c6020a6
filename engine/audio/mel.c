/* mel.c — log-mel features on the CPU, in double precision.
 *
 * n_fft = 400 is not a power of two, so the spectrum is a direct DFT
 * against precomputed twiddle tables: 200 frames × 201 bins × 400 samples
 * is 16M complex multiply-adds, a few milliseconds. The tables are laid out
 * [sample][bin] so the inner loop runs over bins with independent
 * accumulators (vectorisable, no reassociation of any sum). */
#define G_LOG_DOMAIN "atelier-audio"

#include <math.h>
#include <string.h>

#include "audio/mel.h"

G_DEFINE_QUARK (at-mel-error-quark, at_mel_error)

int
at_mel_n_bins (const AtMelConfig *mel)
{
  g_return_val_if_fail (mel != NULL, 0);
  return mel->n_fft / 2 + 1;
}

gboolean
at_mel_config_check (const AtMelConfig *mel, GError **error)
{
  g_return_val_if_fail (mel != NULL, FALSE);
  const char *problem = NULL;
  if (mel->sample_rate < 1)
    problem = "sample_rate must be positive";
  else if (mel->n_fft < 2 || mel->n_fft > 65536)
    problem = "n_fft must be from 2 to 65536";
  else if (mel->win != mel->n_fft)
    problem = "win must equal n_fft (the window spans the whole frame)";
  else if (mel->hop < 1 || mel->n_frames < 1 || mel->n_mels < 1 || mel->clip_samples < 1)
    problem = "hop, n_frames, n_mels and clip_samples must be positive";
  else if ((gint64) mel->hop * (mel->n_frames - 1) + mel->n_fft > G_MAXINT32)
    problem = "hop × n_frames is too large";
  else if (!(mel->fmin >= 0 && mel->fmax > mel->fmin && mel->fmax <= mel->sample_rate / 2.0))
    problem = "fmin and fmax must satisfy 0 <= fmin < fmax <= sample_rate / 2";
  else if (!(mel->log_floor > 0) || !isfinite (mel->log_offset) || !(mel->log_div != 0)
           || !isfinite (mel->log_div))
    problem = "log_floor must be positive and log_div non-zero";
  if (problem != NULL)
    {
      g_set_error (error, AT_MEL_ERROR, AT_MEL_ERROR_CONFIG, "Invalid mel configuration: %s",
                   problem);
      return FALSE;
    }
  return TRUE;
}

static double
hz_to_mel (double f)
{
  return 2595.0 * log10 (1.0 + f / 700.0);
}

float *
at_mel_filterbank (const AtMelConfig *mel)
{
  g_return_val_if_fail (at_mel_config_check (mel, NULL), NULL);

  int n_bins = at_mel_n_bins (mel), n_mels = mel->n_mels;
  double lo = hz_to_mel (mel->fmin), hi = hz_to_mel (mel->fmax);
  /* n_mels + 2 edge frequencies evenly spaced on the mel scale, computed
   * with model.py's operations in model.py's order. */
  g_autofree double *pts = g_new (double, n_mels + 2);
  for (int i = 0; i < n_mels + 2; i++)
    pts[i] = 700.0 * (pow (10.0, (lo + (hi - lo) * i / (n_mels + 1)) / 2595.0) - 1.0);

  float *fb = g_new (float, (gsize) n_mels * n_bins);
  for (int m = 0; m < n_mels; m++)
    {
      double l = pts[m], c = pts[m + 1], r = pts[m + 2];
      for (int k = 0; k < n_bins; k++)
        {
          double f = (double) k * mel->sample_rate / mel->n_fft;
          double up = (f - l) / (c - l), down = (r - f) / (r - c);
          fb[(gsize) m * n_bins + k] = (float) MAX (MIN (up, down), 0.0);
        }
    }
  return fb;
}

double
at_mel_window (const AtMelConfig *mel, int i)
{
  return 0.5 - 0.5 * cos (2.0 * G_PI * i / mel->n_fft);
}

gboolean
at_mel_cut_clip (const AtMelConfig *mel, const float *wave, gsize n, float *clip, GError **error)
{
  g_return_val_if_fail (mel != NULL && clip != NULL, FALSE);
  g_return_val_if_fail (wave != NULL || n == 0, FALSE);
  gsize used = MIN (n, (gsize) mel->clip_samples);
  for (gsize j = 0; j < used; j++)
    {
      if (!isfinite (wave[j]))
        {
          g_set_error (error, AT_MEL_ERROR, AT_MEL_ERROR_INPUT,
                       "The waveform has a non-finite sample (%g) at %" G_GSIZE_FORMAT,
                       (double) wave[j], j);
          return FALSE;
        }
      clip[j] = wave[j];
    }
  for (gsize j = used; j < (gsize) mel->clip_samples; j++)
    clip[j] = 0.0f;
  return TRUE;
}

float *
at_log_mel (const AtMelConfig *mel, const float *filterbank, const float *wave, gsize n,
            GError **error)
{
  g_return_val_if_fail (mel != NULL, NULL);
  g_return_val_if_fail (filterbank != NULL, NULL);
  g_return_val_if_fail (wave != NULL || n == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!at_mel_config_check (mel, error))
    return NULL;
  g_autofree float *clip = g_new (float, mel->clip_samples);
  if (!at_mel_cut_clip (mel, wave, n, clip, error))
    return NULL;

  const int N = mel->n_fft, bins = at_mel_n_bins (mel), n_mels = mel->n_mels;
  const int hop = mel->hop, n_frames = mel->n_frames;

  /* The clip, zero-padded to cover the last frame. */
  gsize need = (gsize) hop * (n_frames - 1) + N;
  g_autofree double *x = g_new0 (double, need);
  for (gsize j = 0; j < MIN ((gsize) mel->clip_samples, need); j++)
    x[j] = clip[j];

  g_autofree double *win = g_new (double, N);
  for (int i = 0; i < N; i++)
    win[i] = at_mel_window (mel, i);

  /* cos and sin of 2π·k·i/N, the angle reduced modulo N first so every
   * entry is as exact as libm makes it. */
  g_autofree double *cos_t = g_new (double, (gsize) N * bins);
  g_autofree double *sin_t = g_new (double, (gsize) N * bins);
  for (int i = 0; i < N; i++)
    for (int k = 0; k < bins; k++)
      {
        double a = 2.0 * G_PI * (double) (((gint64) k * i) % N) / N;
        cos_t[(gsize) i * bins + k] = cos (a);
        sin_t[(gsize) i * bins + k] = sin (a);
      }

  g_autofree double *frame = g_new (double, N);
  g_autofree double *re = g_new (double, bins);
  g_autofree double *im = g_new (double, bins);
  g_autofree double *power = g_new (double, bins);
  float *out = g_new (float, (gsize) n_frames * n_mels);

  for (int t = 0; t < n_frames; t++)
    {
      const double *src = x + (gsize) hop * t;
      for (int i = 0; i < N; i++)
        frame[i] = src[i] * win[i];
      memset (re, 0, bins * sizeof (double));
      memset (im, 0, bins * sizeof (double));
      for (int i = 0; i < N; i++)
        {
          double v = frame[i];
          if (v == 0)
            continue;  /* padding: most of the last frames of a short clip */
          const double *c = cos_t + (gsize) i * bins, *s = sin_t + (gsize) i * bins;
          for (int k = 0; k < bins; k++)
            {
              re[k] += v * c[k];
              im[k] -= v * s[k];
            }
        }
      for (int k = 0; k < bins; k++)
        power[k] = re[k] * re[k] + im[k] * im[k];

      for (int m = 0; m < n_mels; m++)
        {
          const float *row = filterbank + (gsize) m * bins;
          double e = 0;
          for (int k = 0; k < bins; k++)
            e += row[k] * power[k];
          out[(gsize) t * n_mels + m] =
            (float) ((log (MAX (e, mel->log_floor)) + mel->log_offset) / mel->log_div);
        }
    }
  return out;
}

AtAudio *
at_mel_resample_clip (const AtMelConfig *mel, const AtAudio *audio, GError **error)
{
  g_return_val_if_fail (mel != NULL, NULL);
  g_return_val_if_fail (audio != NULL, NULL);

  gsize clip = mel->clip_samples;
  if (audio->rate == mel->sample_rate)
    return at_audio_new_from (audio->samples, MIN (audio->n, clip), audio->rate);

  /* Resample just enough input to cover the clip (plus a margin for the
   * converter's filter) rather than a whole long file. */
  double ratio = (double) audio->rate / mel->sample_rate;
  gsize keep = MIN (audio->n, (gsize) ceil ((clip + 1024) * ratio));
  g_autoptr (AtAudio) copy = at_audio_new_from (audio->samples, keep, audio->rate);
  if (!at_audio_resample (copy, mel->sample_rate, error))
    return NULL;
  return g_steal_pointer (&copy);
}

float *
at_log_mel_audio (const AtMelConfig *mel, const float *filterbank, const AtAudio *audio,
                  GError **error)
{
  g_return_val_if_fail (mel != NULL, NULL);
  g_return_val_if_fail (audio != NULL, NULL);

  if (audio->rate == mel->sample_rate)
    return at_log_mel (mel, filterbank, audio->samples, audio->n, error);
  g_autoptr (AtAudio) clip = at_mel_resample_clip (mel, audio, error);
  if (clip == NULL)
    return NULL;
  return at_log_mel (mel, filterbank, clip->samples, clip->n, error);
}
