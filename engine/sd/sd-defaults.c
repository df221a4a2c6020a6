/* sd-defaults.c — per-model defaults and sampler names (sd-defaults.h). */
#include "sd/sd-defaults.h"

#include <string.h>

#define SD_SIZE 512
#define SD_STEPS 20
#define SD_GUIDANCE 7.0f
#define TURBO_STEPS 1

static const char *const names[] = { "euler", "euler_a", "dpmpp_2m" };

static gboolean
kind_is_turbo (const char *kind_name)
{
  return kind_name != NULL && strstr (kind_name, "SD-Turbo") != NULL;
}

gboolean
at_sd_arch_is_turbo (const AtSdArch *arch)
{
  return kind_is_turbo (arch->kind_name);
}

void
at_sd_defaults_for_kind (const char *kind_name, AtSdDefaults *out)
{
  if (kind_is_turbo (kind_name))
    *out = (AtSdDefaults) { SD_SIZE, TURBO_STEPS, AT_SD_SAMPLER_EULER_ANCESTRAL, 1.0f };
  else
    *out = (AtSdDefaults) { SD_SIZE, SD_STEPS, AT_SD_SAMPLER_DPMPP_2M, SD_GUIDANCE };
}

AtSdSigmasKind
at_sd_sigmas_for_kind (const char *kind_name, AtSdSamplerKind sampler)
{
  if (kind_is_turbo (kind_name))
    return AT_SD_SIGMAS_TRAILING;
  return sampler == AT_SD_SAMPLER_DPMPP_2M ? AT_SD_SIGMAS_KARRAS : AT_SD_SIGMAS_DEFAULT;
}

void
at_sd_defaults_for (const AtSdArch *arch, AtSdDefaults *out)
{
  at_sd_defaults_for_kind (arch->kind_name, out);
}

AtSdSigmasKind
at_sd_sigmas_for (const AtSdArch *arch, AtSdSamplerKind sampler)
{
  return at_sd_sigmas_for_kind (arch->kind_name, sampler);
}

gboolean
at_sd_sampler_from_name (const char *name, AtSdSamplerKind *out)
{
  g_autofree char *n = g_strdelimit (g_strdup (name), "-", '_');
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strcmp (n, names[i]) == 0)
      {
        *out = (AtSdSamplerKind) i;
        return TRUE;
      }
  return FALSE;
}

const char *
at_sd_sampler_name (AtSdSamplerKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (names), "euler");
  return names[kind];
}

const char *
at_sd_sampler_label (AtSdSamplerKind kind, AtSdSigmasKind sigmas)
{
  static const char *const plain[] = { "Euler", "Euler a", "DPM++ 2M" };
  static const char *const karras[] = { "Euler Karras", "Euler a Karras", "DPM++ 2M Karras" };
  static const char *const trailing[] = { "Euler (trailing)", "Euler a (trailing)", "DPM++ 2M (trailing)" };
  g_return_val_if_fail (kind < G_N_ELEMENTS (plain), "Euler");
  return (sigmas == AT_SD_SIGMAS_KARRAS ? karras : sigmas == AT_SD_SIGMAS_TRAILING ? trailing : plain)[kind];
}
