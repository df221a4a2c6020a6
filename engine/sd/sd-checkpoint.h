/* sd-checkpoint.h — a Stable Diffusion checkpoint file opened for use: the
 * memory-mapped .safetensors (engine/model/safetensors.h), its detected
 * architecture (sd-detect.h) and how it predicts.
 *
 * Prediction (what the UNet outputs): the user may force epsilon or v;
 * otherwise it is decided as ComfyUI decides it (comfy/supported_models.py,
 * SD20.model_type, and model_detection.py):
 *   - a tensor named "v_pred" marks a v-prediction file;
 *   - SD 1.x predicts epsilon;
 *   - SD 2.x with 4 input channels: v when the population standard
 *     deviation of UNet "output_blocks.11.1.transformer_blocks.0.norm1.bias"
 *     is above 0.09 (SD 2.x 768-v models), epsilon otherwise (512-base).
 *     SD-Turbo files go through the same test.
 *
 * Tensors larger than the device's maxStorageBufferRange (128 MiB on
 * lavapipe) are uploaded in row chunks: at_sd_split_rows() plans them
 * along the first dimension, each chunk at most the limit once converted
 * to fp32. The CLIP token embedding (49408 rows, 151 MiB for SD 1.x and
 * 202 MiB for SD 2.x in fp32, the only such tensors of SD 1.x/2.x) is
 * never uploaded at all: 77 rows are gathered on the host per prompt.
 */
#pragma once

#include <glib.h>

#include "model/safetensors.h"
#include "sd/sd-detect.h"

G_BEGIN_DECLS

typedef enum {
  AT_SD_PREDICTION_AUTO,
  AT_SD_PREDICTION_EPSILON,
  AT_SD_PREDICTION_V,
} AtSdPrediction;

#define AT_SD_V_PRED_STD_THRESHOLD 0.09

typedef struct _AtSdCheckpoint AtSdCheckpoint;

/* Opens and recognises path; override forces the prediction unless AUTO.
 * Errors: AT_SAFETENSORS_ERROR for a malformed file, AT_SD_ERROR for a
 * file that is not a checkpoint Atelier can run (the message says what it
 * is or what is missing). */
AtSdCheckpoint *at_sd_checkpoint_open (const char *path, AtSdPrediction override, GError **error);
void at_sd_checkpoint_free (AtSdCheckpoint *ckpt);

const AtSdArch *at_sd_checkpoint_get_arch (AtSdCheckpoint *ckpt);
AtSafetensors *at_sd_checkpoint_get_file (AtSdCheckpoint *ckpt);
/* EPSILON or V (never AUTO); reason: a sentence saying why, owned by ckpt. */
AtSdPrediction at_sd_checkpoint_get_prediction (AtSdCheckpoint *ckpt, const char **reason);

/* Decides the prediction for a recognised arch from file data (see above). */
AtSdPrediction at_sd_decide_prediction (const AtSdArch *arch, AtSafetensors *st, AtSdPrediction override,
                                        char **reason, GError **error);

typedef struct {
  guint n_chunks;          /* 1 when the tensor fits */
  gint64 rows_per_chunk;   /* along dim 0; the last chunk may hold fewer */
  gsize row_bytes;         /* fp32 bytes of one row */
} AtSdSplit;

/* Plans info's upload in chunks of at most max_bytes of fp32 each. Fails
 * (AT_SD_ERROR_UNSUPPORTED) only when one row alone is larger. */
gboolean at_sd_split_rows (const AtSafetensorsInfo *info, gsize max_bytes, AtSdSplit *split, GError **error);

/* Tensors the architecture uses whose fp32 size exceeds max_bytes. */
guint at_sd_checkpoint_count_oversized (AtSdCheckpoint *ckpt, gsize max_bytes);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtSdCheckpoint, at_sd_checkpoint_free)

G_END_DECLS
