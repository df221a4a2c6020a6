/* mel.h — the log-mel features the model's audio encoder reads.
 *
 * A faithful C version of tools/train/model.py's mel_filterbank() and
 * log_mel(): the clip is cut or zero-padded to mel->clip_samples, frame i
 * holds samples [hop·i, hop·i + n_fft) (zeros past the clip), each frame is
 * weighted by a periodic Hann window, its power spectrum |DFT|² is taken
 * over the n_fft/2 + 1 bins, mapped through the HTK mel filterbank, and
 * compressed as (ln(max(mel, log_floor)) + log_offset) / log_div. All
 * arithmetic is in double; only the result is rounded to float. Callers
 * own (g_free) the arrays these functions return.
 */
#pragma once

#include <glib.h>

#include "audio/audio-file.h"
#include "model/config.h"

G_BEGIN_DECLS

#define AT_MEL_ERROR (at_mel_error_quark ())
GQuark at_mel_error_quark (void);

typedef enum {
  AT_MEL_ERROR_CONFIG,   /* a mel configuration the features cannot be made with */
  AT_MEL_ERROR_INPUT,    /* a waveform holding NaN or infinity */
} AtMelError;

/* Number of frequency bins of the power spectrum: n_fft / 2 + 1. */
int at_mel_n_bins (const AtMelConfig *mel);

/* Checks that mel describes features this module can compute. */
gboolean at_mel_config_check (const AtMelConfig *mel, GError **error);

/* The HTK-mel triangular filterbank [n_mels, n_bins], peak 1 and no area
 * normalisation, as model.py's mel_filterbank(); the model also ships it
 * as the weight audio.mel_fb. NULL if mel fails at_mel_config_check(). */
float *at_mel_filterbank (const AtMelConfig *mel);

/* Weight i of the periodic Hann window over a frame of mel->n_fft samples. */
double at_mel_window (const AtMelConfig *mel, int i);

/* The clip the features are framed from: the first clip_samples of wave
 * (n samples), zero-padded, copied to clip[clip_samples]. Fails with
 * AT_MEL_ERROR_INPUT when a sample inside the clip is not finite; samples
 * past the clip are not read. */
gboolean at_mel_cut_clip (const AtMelConfig *mel, const float *wave, gsize n, float *clip, GError **error);

/* Log-mel features [n_frames, n_mels] of wave (n samples at
 * mel->sample_rate; samples past clip_samples are ignored). filterbank is
 * [n_mels, n_bins], normally at_mel_filterbank() or audio.mel_fb. */
float *at_log_mel (const AtMelConfig *mel, const float *filterbank, const float *wave, gsize n,
                   GError **error);

/* The part of audio the clip needs, at mel->sample_rate: a copy of the
 * first clip_samples at the model's rate, else the start of audio
 * resampled with libsamplerate (a little more than the clip, which the
 * features then cut). Caller frees. */
AtAudio *at_mel_resample_clip (const AtMelConfig *mel, const AtAudio *audio, GError **error);

/* at_log_mel() of audio after resampling a copy of it to mel->sample_rate
 * when its rate differs. */
float *at_log_mel_audio (const AtMelConfig *mel, const float *filterbank, const AtAudio *audio,
                         GError **error);

G_END_DECLS
