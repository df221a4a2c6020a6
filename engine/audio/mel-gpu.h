/* mel-gpu.h — the log-mel features of a clip computed on the device.
 *
 * The same features as at_log_mel() (mel.h), which stays the double-
 * precision reference: the stft operator (a mixed-radix FFT a frame,
 * shaders/ops/stft.comp) gives the power spectra [n_frames, n_fft/2 + 1],
 * a product with the filterbank the mel energies, and the log operator
 * (ln(max(e, log_floor)) + log_offset) / log_div the features
 * [n_frames, n_mels], so they stay on the device for the audio encoder.
 * All fp32, as accurate as PyTorch's float32 rfft (tolerances and measured
 * errors in tests/audio/test-mel-gpu.c).
 *
 * Two uses: at_mel_gpu_wave() and at_mel_gpu_forward() record the features
 * into a caller's AtGraph (conditioning feeds them to the audio encoder);
 * at_mel_gpu_log_mel() computes them for a host wave and downloads them,
 * replaying one graph it records on first use, so one AtMelGpu must not be
 * used from two threads at once. An AtMelGpu owns its window, filterbank
 * and that graph; graphs it recorded into hold their own references to the
 * buffers, so it may be freed before them.
 */
#pragma once

#include "model/config.h"
#include "model/graph.h"

G_BEGIN_DECLS

typedef struct _AtMelGpu AtMelGpu;

/* Uploads the periodic Hann window and filterbank [n_mels, n_fft/2+1].
 * Fails if mel fails at_mel_config_check() or its n_fft is not a size the
 * FFT supports (at_stft_check_size()). */
AtMelGpu *at_mel_gpu_new (AtGpu *gpu, const AtMelConfig *mel, const float *filterbank,
                          GError **error);
void at_mel_gpu_free (AtMelGpu *mg);

/* The clip of wave (n samples at mel->sample_rate) as a graph constant
 * [clip_samples]: cut, or zero-padded. A non-finite sample in the clip
 * fails g with AT_MEL_ERROR_INPUT. */
AtTensor *at_mel_gpu_wave (AtMelGpu *mg, AtGraph *g, const float *wave, gsize n);

/* Records the features [n_frames, n_mels] of wave (at most clip_samples
 * samples, zeros after them) into g; the result is owned by g. */
AtTensor *at_mel_gpu_forward (AtMelGpu *mg, AtGraph *g, AtTensor *wave);

/* Features [n_frames, n_mels] as at_log_mel(), downloaded; caller frees. */
float *at_mel_gpu_log_mel (AtMelGpu *mg, const float *wave, gsize n, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtMelGpu, at_mel_gpu_free)

G_END_DECLS
