/* sd-defaults.h — what a run of a user's SD checkpoint uses unless told
 * otherwise, by model kind (sd-detect.h), and the sampler names the
 * command line and the studio show:
 *   SD 1.x / 2.x  512 px, 20 steps, DPM++ 2M on Karras sigmas, guidance 7
 *   SD-Turbo      512 px, 1 step on trailing timesteps (1–4 work), Euler a,
 *                 no guidance (1), as its model card runs it
 * Sigmas follow the sampler as AUTOMATIC1111 names them: "DPM++ 2M Karras"
 * (Karras), "Euler" and "Euler a" (evenly spaced timesteps); SD-Turbo
 * always uses trailing timesteps.
 */
#pragma once

#include "sd/sd-detect.h"
#include "sd/sd-sampler.h"

G_BEGIN_DECLS

typedef struct {
  guint size;                /* px, square */
  guint steps;
  AtSdSamplerKind sampler;
  float guidance;
} AtSdDefaults;

/* SD-Turbo's distilled UNet is recognised by its file layout (sgm's
 * conditioner names, which SD 2.x files of the original code lack; the
 * kind name says "SD-Turbo layout"). */
gboolean at_sd_arch_is_turbo (const AtSdArch *arch);
void at_sd_defaults_for (const AtSdArch *arch, AtSdDefaults *out);
AtSdSigmasKind at_sd_sigmas_for (const AtSdArch *arch, AtSdSamplerKind sampler);
/* The same from AtSdArch's kind_name alone (as the library lists it). */
void at_sd_defaults_for_kind (const char *kind_name, AtSdDefaults *out);
AtSdSigmasKind at_sd_sigmas_for_kind (const char *kind_name, AtSdSamplerKind sampler);

/* "euler", "euler_a", "dpmpp_2m" ('-' for '_' accepted). */
gboolean at_sd_sampler_from_name (const char *name, AtSdSamplerKind *out);
const char *at_sd_sampler_name (AtSdSamplerKind kind);
/* AUTOMATIC1111's label: "Euler", "Euler a", "DPM++ 2M Karras", ... */
const char *at_sd_sampler_label (AtSdSamplerKind kind, AtSdSigmasKind sigmas);

G_END_DECLS
