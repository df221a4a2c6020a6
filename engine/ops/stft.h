/* stft.h — power spectra of a signal's overlapping windowed frames.
 *
 * The speech front end's short-time Fourier transform: frame t holds
 * wave[hop·t + i] · window[i] for i < n_fft (zeros past the end of wave,
 * so a short clip is zero-padded), and out[t, k] = |X_k|² for the bins
 * k = 0..n_fft/2 of its DFT. The DFT is a mixed-radix FFT in shared memory,
 * one workgroup per frame, so n_fft must factor into 2, 3 and 5 (400 =
 * 2⁴·5², 512, 480, ...) and fit the 16 KiB of shared memory every Vulkan
 * device has (at most AT_STFT_MAX_FFT). Records into an AtCmd; wave and
 * window are only read, and a recorded list can be submitted again after
 * uploading a new wave.
 */
#pragma once

#include "ops/tensor.h"

G_BEGIN_DECLS

/* One complex fp32 value per point in 16 KiB of shared memory. */
#define AT_STFT_MAX_FFT 2048

/* Checks that an FFT of n points can run: 2 <= n <= AT_STFT_MAX_FFT
 * (AT_GPU_ERROR_TOO_LARGE beyond) and no prime factor but 2, 3 and 5
 * (AT_OP_ERROR_SHAPE otherwise). */
gboolean at_stft_check_size (gint64 n, GError **error);

/* wave: the signal (any shape, read flat); window: n_fft elements;
 * out: [n_frames, n_fft/2 + 1]. */
gboolean at_op_stft_power (AtCmd *cmd, AtTensor *wave, AtTensor *window, guint hop, AtTensor *out,
                           GError **error);

/* The same with an explicit workgroup size (0 = the device's choice: 64
 * invocations a frame on GPUs, 8 on CPU devices); tests run several. */
gboolean at_op_stft_power_full (AtCmd *cmd, AtTensor *wave, AtTensor *window, guint hop, guint local_size,
                                AtTensor *out, GError **error);

G_END_DECLS
