/* mel-gpu.h — the mel energies of a clip computed by the engine's operators.
 *
 * The spectrum is a DFT written as one matrix product: the clip's frames
 * [n_frames, n_fft] times a twiddle matrix [n_fft, 2·bins] that holds the
 * Hann window times cos and −sin, interleaved per bin. Squaring gives
 * re² and im² side by side, and a second product with the filterbank, each
 * of its columns duplicated for the re and im halves, sums them into mel
 * energies [n_frames, n_mels]. All fp32, so as accurate as PyTorch's own
 * float32 rfft (see tests/audio/test-mel-gpu.c).
 *
 * The log map (ln(max(e, log_floor)) + log_offset) / log_div has no
 * operator yet, so at_mel_gpu_log_mel() applies it on the CPU after the
 * download; with an at_op_log the features could stay on the device for
 * the audio encoder. An AtMelGpu owns its tensors; free it after every
 * AtCmd that recorded it has finished.
 */
#pragma once

#include "gpu/cmd.h"
#include "model/config.h"
#include "ops/tensor.h"

G_BEGIN_DECLS

typedef struct _AtMelGpu AtMelGpu;

/* Uploads the twiddle and filterbank [n_mels, n_fft/2+1] matrices. */
AtMelGpu *at_mel_gpu_new (AtGpu *gpu, const AtMelConfig *mel, const float *filterbank,
                          GError **error);
void at_mel_gpu_free (AtMelGpu *mg);

/* Frames wave (n samples at mel->sample_rate, cut or zero-padded to
 * clip_samples) and uploads them for the next submission. */
gboolean at_mel_gpu_set_wave (AtMelGpu *mg, const float *wave, gsize n, GError **error);

/* Records spectrum, power and filterbank products writing the mel energies
 * (before the log) into energies [n_frames, n_mels]. */
gboolean at_mel_gpu_record (AtMelGpu *mg, AtCmd *cmd, AtTensor *energies, GError **error);

/* Features [n_frames, n_mels] as at_log_mel(): set_wave, record, submit,
 * download, then the log map on the CPU. */
float *at_mel_gpu_log_mel (AtMelGpu *mg, const float *wave, gsize n, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtMelGpu, at_mel_gpu_free)

G_END_DECLS
