/* controlnet.h — cldm's ControlNet (lllyasviel/ControlNet, cldm/cldm.py)
 * on the engine, for SD 1.x (cldm_v15.yaml) and SD 2.x (cldm_v21.yaml:
 * heads of 64, linear proj_in/out, context 1024) checkpoints alike, the
 * encoder taking the UNet's shape (at_sd_unet_shape_for()):
 *
 *   hint encoder   input_hint_block: 3×3 convs 3→16→16→32→32→96→96→256→mc
 *                  with SiLU between, three of them stride 2 (the 8×
 *                  image down to the latent's size); it takes no time or
 *                  text, so one hint serves every image of a batch
 *   encoder copy   the UNet's time embedding, input blocks and middle block
 *                  (unet-encoder.h); the hint's features are added to the
 *                  output of input block 0
 *   zero convs     a 1×1 conv on each of the 12 input blocks' outputs
 *                  (zero_convs.i) and on the middle block's
 *                  (middle_block_out): 13 residuals, the last the middle's
 * The controlled UNet (cldm.ControlledUnetModel, unet.h) adds
 * strength × residual i to the skip connection of input block i and
 * strength × the last to the middle block's output (the original's
 * control_scales, all equal: its non-guess mode).
 *
 * Files: the original control_model.* layout (ControlNet's own .pth /
 * .safetensors releases) or the same names without the prefix (the
 * extracted files of the common front ends); sd-detect.h tells which.
 */
#pragma once

#include "model/graph.h"
#include "sd/sd-checkpoint.h"
#include "sd/unet.h"

G_BEGIN_DECLS

#define AT_SD_CONTROL_HINT_CHANNELS 3
#define AT_SD_CONTROL_HINT_FACTOR 8    /* hint pixels a latent pixel, each way */

/* The ControlNet under prefix with the encoder shape of its UNet. gpu
 * NULL checks the file only: every tensor present with its shape,
 * nothing uploaded (a forward pass then fails). file is borrowed and must
 * outlive the ControlNet. */
AtSdControlNet *at_sd_controlnet_new (AtGpu *gpu, AtSafetensors *file, const char *prefix,
                                      const AtSdUnetShape *shape, GError **error);
/* The ControlNet of an opened checkpoint (at_sd_checkpoint_open()), which
 * must be one (AT_SD_ERROR_MISMATCH otherwise) and outlive it. */
AtSdControlNet *at_sd_controlnet_new_for_checkpoint (AtGpu *gpu, AtSdCheckpoint *ckpt, GError **error);
void at_sd_controlnet_free (AtSdControlNet *cn);

const AtSdUnetShape *at_sd_controlnet_shape (const AtSdControlNet *cn);
/* 13 for SD: the input blocks' and the middle block's. */
guint at_sd_controlnet_n_residuals (const AtSdControlNet *cn);
/* The distinct tensors the ControlNet took from its file. */
guint at_sd_controlnet_n_tensors (const AtSdControlNet *cn);

/* The residuals, unscaled, for latents x [batch, in, h, w] at timesteps t
 * [batch] with context [batch, context_len, context_dim] and one hint
 * [3, 8h, 8w]: residuals[i] receives batch × C_i × h_i × w_i floats (C_i
 * and the sides of input block i's output; the last, the middle block's). */
gboolean at_sd_controlnet_forward (AtSdControlNet *cn, const float *x, guint batch, guint h, guint w,
                                   const float *t, const float *context, guint context_len, const float *hint,
                                   float *const *residuals, GError **error);

/* Records the residuals, each scaled by strength, into g for tensors x,
 * ts, context and hint [1, 3, 8h, 8w]: a new array of
 * at_sd_controlnet_n_residuals() tensors owned by g (the array the
 * caller's to g_free). */
AtTensor **at_sd_controlnet_record (AtGraph *g, const AtSdControlNet *cn, AtTensor *x, AtTensor *ts,
                                    AtTensor *context, AtTensor *hint, float strength);

/* FALSE (AT_SD_ERROR_MISMATCH) unless the latent's sides fit the
 * ControlNet and hint is non-NULL. */
gboolean at_sd_controlnet_check_input (const AtSdControlNet *cn, guint batch, guint h, guint w, guint context_len,
                                       const float *hint, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtSdControlNet, at_sd_controlnet_free)

G_END_DECLS
