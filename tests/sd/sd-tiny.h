/* sd-tiny.h — a whole SD 1.x checkpoint at reduced widths, as a user's
 * file would be laid out (model.diffusion_model., first_stage_model.,
 * cond_stage_model.transformer.text_model.), so that the loader's
 * detection takes it: UNet base channels 32 (heads of 4 to 16), a CLIP
 * text tower 64 wide and 2 layers deep over the real vocabulary, a VAE of
 * 32 base channels. Weights from their names (sd-fill.h); 3.6 M
 * parameters, most of them the token embedding.
 *
 * ControlNets for SD 1.x must have SD 1.x's 768-wide cross-attention
 * (sd-detect.h), so the ControlNet tests use a second model whose text
 * tower is 768 wide (ViT-L/14's 12 layers of 12 heads, as the detector
 * expects at that width, but only the first with weights: the others are
 * holes of zeros in a sparse file, which pass their input through) and
 * whose UNet attends to that, and a ControlNet (control_model.*) of the
 * same UNet shape. Files are written sparse (sd-manifest.h). */
#pragma once

#include <glib.h>

#define SD_TINY_CONTROL_CONTEXT 768

/* Writes it to path. */
void sd_tiny_write (const char *path);
/* The same UNet and VAE with a 768-wide text tower: 45 M parameters
 * with values (38 M of them the token embedding), 78 M zeros. */
void sd_tiny_write_768 (const char *path);
/* A ControlNet of model_channels base channels (32 fits
 * sd_tiny_write_768's UNet) with SD 1.x's context. */
void sd_tiny_write_controlnet (const char *path, guint model_channels);
