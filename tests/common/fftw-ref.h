/* fftw-ref.h — FFTW references for the tests of the spectrum and the
 * log-mel features: double precision throughout, sharing nothing with the
 * engine but the definitions (ops/stft.h, audio/mel.h). Callers g_free
 * what these return. Linked by the tests that use FFTW as an oracle. */
#pragma once

#include <glib.h>

#include "audio/mel.h"

G_BEGIN_DECLS

/* |DFT(wave[hop·t + i]·window[i])|² for t < n_frames and the n/2 + 1 bins,
 * with zeros past n_wave: [n_frames, n/2 + 1]. */
double *test_fftw_power (const float *wave, gsize n_wave, const double *window, int n, int hop, int n_frames);

/* The log-mel features [n_frames, n_mels] of wave (n samples) with
 * filterbank fb, framed as mel.h says. */
double *test_fftw_log_mel (const AtMelConfig *mel, const float *fb, const float *wave, gsize n);

G_END_DECLS
