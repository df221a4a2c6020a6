/* stft.c — framed power spectra by a mixed-radix FFT, a workgroup a frame.
 *
 * Even a workgroup of one invocation stays far below lavapipe's limit of
 * 65535 loop iterations per invocation (~20k at 2048 points), so no size
 * the plan accepts is refused for it. */
#define G_LOG_DOMAIN "atelier-ops"

#include <math.h>

#include "ops/stft.h"

/* GPUs: 400 points at radix 4/5 make 80–100 butterflies a stage, one or
 * two for each of 64 invocations. CPU devices: one SIMD vector of lavapipe,
 * whose barriers then need no switch between coroutines (measured ~1.4×
 * faster than 64 on the model's 200 frames). */
#define GPU_LOCAL_SIZE 64
#define CPU_LOCAL_SIZE 8
#define MAX_STAGES 8   /* MAX_STAGES in stft.comp */

typedef struct {
  guint32 n_wave;
  guint32 n_frames;
  guint32 hop;
  guint32 n_stages;
  guint32 radix[MAX_STAGES];
} StftPush;
G_STATIC_ASSERT (sizeof (StftPush) == 48);

static const AtKernelInfo stft_kernel = { "stft", 4, 0x8, sizeof (StftPush), { GPU_LOCAL_SIZE, 1, 1 } };

/* Factors n into radices, 4 first (a power of two in half the stages of
 * radix 2), then at most one 2, then 3s and 5s. FALSE if anything else
 * remains. Sizes up to AT_STFT_MAX_FFT need at most 7 stages (3⁶·2). */
static gboolean
plan_radices (guint32 n, StftPush *push)
{
  static const guint32 radices[] = { 4, 2, 3, 5 };
  push->n_stages = 0;
  for (gsize i = 0; i < G_N_ELEMENTS (radices); i++)
    while (n % radices[i] == 0 && push->n_stages < MAX_STAGES)
      {
        push->radix[push->n_stages++] = radices[i];
        n /= radices[i];
      }
  return n == 1;
}

gboolean
at_stft_check_size (gint64 n, GError **error)
{
  StftPush push;
  if (n < 2 || n > AT_STFT_MAX_FFT)
    {
      g_set_error (error, AT_GPU_ERROR, AT_GPU_ERROR_TOO_LARGE,
                   "stft: an FFT of %" G_GINT64_FORMAT " points is outside the supported 2 to %d "
                   "(one frame must fit in 16 KiB of shared memory)", n, AT_STFT_MAX_FFT);
      return FALSE;
    }
  if (!plan_radices (n, &push))
    {
      g_set_error (error, AT_OP_ERROR, AT_OP_ERROR_SHAPE,
                   "stft: an FFT of %" G_GINT64_FORMAT " points is not supported: its size must have "
                   "no prime factors but 2, 3 and 5 (for example 400, 480 or 512)", n);
      return FALSE;
    }
  return TRUE;
}

/* w[k] = exp(−2πik/n) as (cos, −sin), evaluated in double and rounded
 * once. The AtCmd keeps its own reference once dispatched. */
static AtBuffer *
twiddle_buffer (AtGpu *gpu, guint32 n, GError **error)
{
  g_autofree float *w = g_new (float, 2 * (gsize) n);
  for (guint32 k = 0; k < n; k++)
    {
      double a = 2.0 * G_PI * k / n;
      w[2 * k] = (float) cos (a);
      w[2 * k + 1] = (float) -sin (a);
    }
  gsize size = 2 * (gsize) n * sizeof (float);
  g_autoptr (AtBuffer) buffer = at_buffer_new (gpu, size, error);
  if (buffer == NULL || !at_buffer_upload (buffer, 0, w, size, error))
    return NULL;
  return g_steal_pointer (&buffer);
}

gboolean
at_op_stft_power_full (AtCmd *cmd, AtTensor *wave, AtTensor *window, guint hop, guint local_size,
                       AtTensor *out, GError **error)
{
  g_return_val_if_fail (cmd != NULL && wave != NULL && window != NULL && out != NULL, FALSE);
  gint64 n_fft = at_tensor_numel (window), n_wave = at_tensor_numel (wave);
  if (!at_stft_check_size (n_fft, error))
    return FALSE;
  gint64 n_frames = out->shape[0];
  if (!at_op_check (out->ndim == 2 && out->shape[1] == n_fft / 2 + 1, "stft",
                    "the output must be [n_frames, n_fft/2 + 1], n_fft the window's length", error) ||
      !at_op_check (hop >= 1, "stft", "hop must be at least 1", error) ||
      !at_op_check (n_wave <= G_MAXUINT32 && at_tensor_numel (out) <= G_MAXUINT32 &&
                    (gint64) hop * n_frames + n_fft <= G_MAXUINT32,
                    "stft", "signal or frames beyond 32-bit indices", error))
    return FALSE;
  if (n_frames == 0)
    return TRUE;
  StftPush push = { n_wave, n_frames, hop };
  plan_radices (n_fft, &push);
  g_autoptr (AtBuffer) twiddle = twiddle_buffer (at_tensor_get_gpu (out), n_fft, error);
  if (twiddle == NULL)
    return FALSE;
  AtBinding bindings[] = {
    at_tensor_binding (wave),
    at_tensor_binding (window),
    { twiddle, 0, 0 },
    at_tensor_binding (out),
  };
  guint32 spec[] = { n_fft };
  guint32 gx, gy;
  at_cmd_grid_1d (cmd, n_frames, 1, &gx, &gy);
  if (local_size == 0)
    local_size = at_gpu_get_device_info (at_tensor_get_gpu (out))->type == AT_GPU_DEVICE_CPU ? CPU_LOCAL_SIZE
                                                                                           : GPU_LOCAL_SIZE;
  guint32 local[3] = { local_size, 1, 1 };
  return at_cmd_dispatch_full (cmd, &stft_kernel, local, spec, G_N_ELEMENTS (spec), bindings, &push, gx, gy,
                               1, "stft", error);
}

gboolean
at_op_stft_power (AtCmd *cmd, AtTensor *wave, AtTensor *window, guint hop, AtTensor *out, GError **error)
{
  return at_op_stft_power_full (cmd, wave, window, hop, 0, out, error);
}
