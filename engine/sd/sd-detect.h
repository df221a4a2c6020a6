/* sd-detect.h — which Stable Diffusion architecture a checkpoint holds,
 * decided from its tensor names and shapes alone (no config file), and a
 * clear error for anything else.
 *
 * Recognised (original single-file layouts, F32/F16/BF16 weights):
 *   SD 1.x        model.diffusion_model.* (context 768), first_stage_model.*,
 *                 cond_stage_model.transformer[.text_model].* (CLIP ViT-L/14)
 *   SD 2.x        context 1024, linear proj_in/out, cond_stage_model.model.*
 *                 (open_clip ViT-H/14)
 *   SD 2.x, SD-Turbo layout  the same networks with the text encoder under
 *                 conditioner.embedders.0.model.* (sgm's naming)
 *   ControlNet    control_model.* or bare cldm names: for SD 1.x (context
 *                 768, cldm_v15.yaml) or SD 2.x (context 1024, heads of 64,
 *                 linear proj_in/out: cldm_v21.yaml); guided_family says which
 * The family comes from the text encoder's layout; the widths (UNet base
 * channels, text width and depth, VAE channels) from the tensors' shapes,
 * so the same layouts at reduced widths load too (the tests' models).
 * Refused with a message naming what was found: LoRA, SDXL, SD3, Flux,
 * Diffusers folders' files, inpainting UNets, files without a VAE or text
 * encoder, and any tensor missing, misshapen or unexpected under the
 * model's own prefixes. Tensors outside them (schedule buffers such as
 * betas and alphas_cumprod, model_ema.*) are counted and ignored.
 */
#pragma once

#include <glib.h>

#include "model/safetensors.h"
#include "sd/sd-names.h"

G_BEGIN_DECLS

#define AT_SD_ERROR (at_sd_error_quark ())
GQuark at_sd_error_quark (void);

typedef enum {
  AT_SD_ERROR_NOT_SD,        /* another kind of file (LoRA, SDXL, Flux, ...) */
  AT_SD_ERROR_UNSUPPORTED,   /* an SD variant Atelier cannot run yet */
  AT_SD_ERROR_INCOMPLETE,    /* tensors missing (pruned VAE, text encoder) */
  AT_SD_ERROR_MISMATCH,      /* a tensor with the wrong shape, dtype, or unexpected */
  AT_SD_ERROR_INVALID,       /* a run's settings out of range (size, steps, strength) */
} AtSdError;

typedef enum {
  AT_SD_FAMILY_SD1,
  AT_SD_FAMILY_SD2,
  AT_SD_FAMILY_CONTROLNET,   /* for SD 1.x or 2.x: AtSdArch.guided_family */
} AtSdFamily;

/* The name from when only SD 1.x ControlNets loaded: any ControlNet. */
#define AT_SD_FAMILY_CONTROLNET_SD1 AT_SD_FAMILY_CONTROLNET

typedef enum {
  AT_SD_TEXT_NONE,
  AT_SD_TEXT_CLIP_HF,        /* SD 1.x: quick-GELU, last layer */
  AT_SD_TEXT_OPEN_CLIP,      /* SD 2.x: GELU, penultimate layer */
} AtSdTextKind;

typedef struct {
  AtSdFamily family;
  const char *kind_name;     /* "SD 1.x", "SD 2.x", "SD 2.x (SD-Turbo layout)", "ControlNet (SD 1.x)",
                              * "ControlNet (SD 2.x)" */
  AtSdFamily guided_family;  /* a ControlNet's: the models it guides (SD1 or SD2); else family */
  const char *unet_prefix;   /* "model.diffusion_model.", "control_model." or "" */
  const char *vae_prefix;    /* NULL for ControlNet */
  const char *text_prefix;   /* NULL for ControlNet */
  AtSdUnetConfig unet;
  AtSdTextKind text_kind;
  AtSdTextConfig text;
  guint vae_channels;        /* the VAE's base channels: 128 in real files */
  gboolean quick_gelu;       /* CLIP's x·σ(1.702x) rather than erf GELU */
  gboolean penultimate;      /* context = hidden states before the last layer, then ln_final */
  guint n_tensors;           /* in the file */
  guint n_used;              /* tensors of the networks */
  guint n_ignored;           /* outside the model's prefixes */
  gint64 n_params;           /* elements of the used tensors */
  gint64 n_half_params;      /* of those, the elements of F16 tensors of two or more
                              * dimensions but embeddings: linear and convolution
                              * weights, which stay fp16 on the device (sd-weights.h) */
} AtSdArch;

/* Tensor name -> const AtSafetensorsInfo*, as a file or a manifest holds
 * them (data may be NULL: detection reads names, dtypes and shapes only). */
gboolean at_sd_detect (GHashTable *tensors, AtSdArch *arch, GError **error);

/* Every tensor the architecture uses (AtSdName), for loaders and tests. */
GPtrArray *at_sd_arch_names (const AtSdArch *arch);

G_END_DECLS
