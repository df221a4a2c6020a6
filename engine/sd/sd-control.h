/* sd-control.h — a ControlNet file chosen to guide a user's checkpoint:
 * opened and checked against the model before anything is uploaded
 * (the clear refusals a front end shows), then loaded onto the device.
 *
 * A ControlNet fits a model when its copy of the UNet's encoder has the
 * model's shape: the same input channels, base channels and
 * cross-attention width (768 for SD 1.x). The hint it takes is the
 * user's sketch as a scribble (sd-hint.h), and the PNG text names it as
 * AUTOMATIC1111's ControlNet extension (Mikubill/sd-webui-controlnet,
 * scripts/infotext.py) does:
 *   ControlNet 0: "Module: scribble, Model: NAME, Weight: 0.8"
 * ("scribble" being its name for the same binarised, inverted sketch).
 */
#pragma once

#include "gpu/gpu.h"
#include "sd/controlnet.h"
#include "sd/sd-checkpoint.h"

G_BEGIN_DECLS

/* ControlNets have no VAE and no text encoder of their own. */
gboolean at_sd_arch_is_controlnet (const AtSdArch *arch);

/* FALSE (AT_SD_ERROR_MISMATCH, naming name) unless control is a
 * ControlNet whose encoder fits model's UNet. */
gboolean at_sd_control_fits (const AtSdArch *control, const char *name, const AtSdArch *model, GError **error);

/* The file's model name: its base name without ".safetensors". */
char *at_sd_model_name_of_path (const char *path);

typedef struct _AtSdControlFile AtSdControlFile;

/* Opens path and checks that it is a ControlNet fitting model; nothing
 * is uploaded. */
AtSdControlFile *at_sd_control_file_open (const char *path, const AtSdArch *model, GError **error);
void at_sd_control_file_free (AtSdControlFile *f);
const AtSdArch *at_sd_control_file_get_arch (AtSdControlFile *f);
const char *at_sd_control_file_get_name (AtSdControlFile *f);
const char *at_sd_control_file_get_path (AtSdControlFile *f);
/* The network on gpu, uploaded on the first call; owned by f. */
AtSdControlNet *at_sd_control_file_get_net (AtSdControlFile *f, AtGpu *gpu, GError **error);

/* The PNG parameters' ControlNet entry (above), without a leading ", ". */
char *at_sd_control_describe (const char *name, float strength);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtSdControlFile, at_sd_control_file_free)

G_END_DECLS
