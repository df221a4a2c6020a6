/* sd-tiny.h — a whole SD 1.x checkpoint at reduced widths, as a user's
 * file would be laid out (model.diffusion_model., first_stage_model.,
 * cond_stage_model.transformer.text_model.), so that the loader's
 * detection takes it: UNet base channels 32 (heads of 4 to 16), a CLIP
 * text tower 64 wide and 2 layers deep over the real vocabulary, a VAE of
 * 32 base channels. Weights from their names (sd-fill.h); 3.6 M
 * parameters, most of them the token embedding. */
#pragma once

#include <glib.h>

/* Writes it to path. */
void sd_tiny_write (const char *path);
