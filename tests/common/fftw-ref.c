/* fftw-ref.c — FFTW references for the spectrum and log-mel tests. */
#include <math.h>

#include <fftw3.h>

#include "fftw-ref.h"

double *
test_fftw_power (const float *wave, gsize n_wave, const double *window, int n, int hop, int n_frames)
{
  int bins = n / 2 + 1;
  double *in = fftw_alloc_real (n);
  fftw_complex *spec = fftw_alloc_complex (bins);
  fftw_plan plan = fftw_plan_dft_r2c_1d (n, in, spec, FFTW_ESTIMATE);
  double *out = g_new (double, (gsize) n_frames * bins);
  for (int t = 0; t < n_frames; t++)
    {
      for (int i = 0; i < n; i++)
        {
          gsize j = (gsize) hop * t + i;
          in[i] = j < n_wave ? wave[j] * window[i] : 0.0;
        }
      fftw_execute (plan);
      for (int k = 0; k < bins; k++)
        out[(gsize) t * bins + k] = spec[k][0] * spec[k][0] + spec[k][1] * spec[k][1];
    }
  fftw_destroy_plan (plan);
  fftw_free (in);
  fftw_free (spec);
  return out;
}

double *
test_fftw_log_mel (const AtMelConfig *mel, const float *fb, const float *wave, gsize n)
{
  int N = mel->n_fft, bins = N / 2 + 1;
  g_autofree double *window = g_new (double, N);
  for (int i = 0; i < N; i++)
    window[i] = 0.5 - 0.5 * cos (2 * G_PI * i / N);
  gsize used = MIN (n, (gsize) mel->clip_samples);
  g_autofree double *power = test_fftw_power (wave, used, window, N, mel->hop, mel->n_frames);
  double *out = g_new (double, (gsize) mel->n_frames * mel->n_mels);
  for (int t = 0; t < mel->n_frames; t++)
    for (int m = 0; m < mel->n_mels; m++)
      {
        double e = 0;
        for (int k = 0; k < bins; k++)
          e += (double) fb[(gsize) m * bins + k] * power[(gsize) t * bins + k];
        out[(gsize) t * mel->n_mels + m] = (log (MAX (e, mel->log_floor)) + mel->log_offset) / mel->log_div;
      }
  return out;
}
