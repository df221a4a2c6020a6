/* request.c — generation requests and results. */
#define G_LOG_DOMAIN "atelier-engine"

#include <string.h>

#include "atelier-config.h"
#include "colour-hint.h"
#include "fail.h"
#include "media/mask.h"
#include "request.h"

G_DEFINE_QUARK (at-request-error-quark, at_request_error)

static const struct {
  const char *name;
  const char *a1111;
} sampler_names[AT_N_SAMPLERS] = {
  [AT_SAMPLER_EULER] = { "euler", "Euler" },
  [AT_SAMPLER_HEUN] = { "heun", "Heun" },
  [AT_SAMPLER_DPMPP_2M] = { "dpmpp-2m", "DPM++ 2M" },
  [AT_SAMPLER_EULER_A] = { "euler-a", "Euler a" },
};

const char *
at_sampler_kind_to_string (AtSamplerKind kind)
{
  g_return_val_if_fail (kind < AT_N_SAMPLERS, NULL);
  return sampler_names[kind].name;
}

const char *
at_sampler_kind_to_a1111 (AtSamplerKind kind)
{
  g_return_val_if_fail (kind < AT_N_SAMPLERS, NULL);
  return sampler_names[kind].a1111;
}

/* Compares names ignoring case, spaces, '-', '_' and '+' ("DPM++ 2M" = "dpmpp_2m"). */
static char *
canonical_name (const char *name)
{
  GString *s = g_string_new (NULL);
  for (const char *p = name; *p; p++)
    {
      if (*p == '+')
        g_string_append_c (s, 'p');
      else if (g_ascii_isalnum (*p))
        g_string_append_c (s, g_ascii_tolower (*p));
    }
  return g_string_free (s, FALSE);
}

gboolean
at_sampler_kind_from_string (const char *name, AtSamplerKind *kind)
{
  if (name == NULL)
    return FALSE;
  g_autofree char *want = canonical_name (name);
  for (int i = 0; i < AT_N_SAMPLERS; i++)
    {
      g_autofree char *a = canonical_name (sampler_names[i].name);
      g_autofree char *b = canonical_name (sampler_names[i].a1111);
      if (strcmp (want, a) == 0 || strcmp (want, b) == 0)
        {
          *kind = i;
          return TRUE;
        }
    }
  return FALSE;
}

AtRequest *
at_request_new (void)
{
  AtRequest *r = g_new0 (AtRequest, 1);
  r->strength = 0.75f;
  r->mask_feather = AT_MASK_DEFAULT_FEATHER;
  r->sketch_strength = 1.0f;
  r->colour_hint = AT_COLOUR_HINT_DEFAULT;
  r->steps = 12;
  r->guidance = 3.0f;
  r->seed = g_random_int ();
  r->sampler = AT_SAMPLER_EULER;
  r->count = 1;
  r->size = 64;
  r->voice_rate = 16000;
  return r;
}

AtRequest *
at_request_copy (const AtRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);
  AtRequest *r = g_memdup2 (request, sizeof *request);
  r->prompt = g_strdup (request->prompt);
  r->negative = g_strdup (request->negative);
  r->sketch = request->sketch ? at_image_copy (request->sketch) : NULL;
  r->init = request->init ? at_image_copy (request->init) : NULL;
  r->mask = request->mask ? at_image_copy (request->mask) : NULL;
  r->voice = request->voice ? g_memdup2 (request->voice, request->voice_len * sizeof (float)) : NULL;
  r->shape = g_strdup (request->shape);
  return r;
}

void
at_request_free (AtRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->prompt);
  g_free (request->negative);
  g_clear_pointer (&request->sketch, at_image_free);
  g_clear_pointer (&request->init, at_image_free);
  g_clear_pointer (&request->mask, at_image_free);
  g_free (request->voice);
  g_free (request->shape);
  g_free (request);
}

static gboolean
has_text (const char *s)
{
  if (s == NULL)
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isspace (*s))
      return TRUE;
  return FALSE;
}

gboolean
at_request_has_input (const AtRequest *request)
{
  return has_text (request->prompt) || request->sketch != NULL ||
         (request->voice != NULL && request->voice_len > 0);
}

#define invalid(error, ...) at_fail (error, AT_REQUEST_ERROR, AT_REQUEST_ERROR_INVALID, __VA_ARGS__)

static gboolean
validate_mask (const AtRequest *r, GError **error)
{
  if (!(r->mask_feather >= 0.0f && r->mask_feather <= AT_MASK_MAX_FEATHER))
    return invalid (error, "The mask feather must be between 0 and %g pixels (got %g)", AT_MASK_MAX_FEATHER,
                    r->mask_feather);
  if (r->mask == NULL)
    return TRUE;
  if (r->init == NULL)
    return invalid (error, "A mask needs an init image: it says which part of that image to repaint");
  if (r->mask->width != r->init->width || r->mask->height != r->init->height)
    return invalid (error, "The mask is %u×%u pixels but the init image is %u×%u; draw the mask at the init image's size",
                    r->mask->width, r->mask->height, r->init->width, r->init->height);
  if (at_mask_is_empty (r->mask))
    return invalid (error, "The mask is all black, so nothing would be repainted; paint white where the image should change");
  return TRUE;
}

gboolean
at_request_validate (const AtRequest *r, GError **error)
{
  if (!at_request_has_input (r))
    {
      g_set_error_literal (error, AT_REQUEST_ERROR, AT_REQUEST_ERROR_EMPTY,
                           "Nothing to generate from: give a text prompt, a sketch or a voice prompt");
      return FALSE;
    }
  if (r->steps < 1 || r->steps > 200)
    return invalid (error, "Steps must be between 1 and 200 (got %d)", r->steps);
  if (!(r->guidance >= 0.0f && r->guidance <= 30.0f))
    return invalid (error, "Guidance must be between 0 and 30 (got %g)", r->guidance);
  if (!(r->strength >= 0.0f && r->strength <= 1.0f))
    return invalid (error, "Strength must be between 0 and 1 (got %g)", r->strength);
  if (!(r->sketch_strength >= 0.0f && r->sketch_strength <= 1.0f))
    return invalid (error, "Sketch strength must be between 0 and 1 (got %g)", r->sketch_strength);
  if (!(r->colour_hint >= 0.0f && r->colour_hint <= 1.0f))
    return invalid (error, "Colour hint must be between 0 and 1 (got %g)", r->colour_hint);
  if (r->count < 1 || r->count > AT_REQUEST_MAX_COUNT)
    return invalid (error, "The number of images must be between 1 and %d (got %d)", AT_REQUEST_MAX_COUNT,
                    r->count);
  if (r->size < 16 || r->size > 4096)
    return invalid (error, "Size must be between 16 and 4096 pixels (got %d)", r->size);
  if (r->sampler >= AT_N_SAMPLERS)
    return invalid (error, "Unknown sampler");
  if (r->background != AT_BACKGROUND_WHITE && r->background != AT_BACKGROUND_TRANSPARENT)
    return invalid (error, "Unknown background");
  if (!validate_mask (r, error))
    return FALSE;
  if (r->voice != NULL && (r->voice_rate < 4000 || r->voice_rate > 192000))
    return invalid (error, "Voice sample rate %d Hz is not supported", r->voice_rate);
  return TRUE;
}

/* A1111 writes "Key: value" pairs; commas and newlines inside a value
 * would break its parser, so they are replaced. */
static char *
clean_line (const char *s)
{
  g_autofree char *copy = g_strdup (s != NULL ? s : "");
  g_strdelimit (copy, "\r\n", ' ');
  return g_strdup (g_strstrip (copy));
}

char *
at_request_to_parameters (const AtRequest *r, guint64 seed, const char *model_name)
{
  GString *s = g_string_new (NULL);
  g_autofree char *prompt = clean_line (r->prompt);
  g_string_append (s, prompt);
  if (has_text (r->negative))
    {
      g_autofree char *negative = clean_line (r->negative);
      g_string_append_printf (s, "\nNegative prompt: %s", negative);
    }
  char guidance[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (guidance, sizeof guidance, "%g", r->guidance);
  g_string_append_printf (s, "\nSteps: %d, Sampler: %s, CFG scale: %s, Seed: %" G_GUINT64_FORMAT
                          ", Size: %dx%d, Model: %s",
                          r->steps, at_sampler_kind_to_a1111 (r->sampler), guidance, seed,
                          r->size, r->size, model_name);
  if (r->init != NULL)
    {
      char strength[G_ASCII_DTOSTR_BUF_SIZE];
      g_string_append_printf (s, ", Denoising strength: %s",
                              g_ascii_formatd (strength, sizeof strength, "%g", r->strength));
    }
  if (r->mask != NULL)
    {
      char feather[G_ASCII_DTOSTR_BUF_SIZE];
      g_string_append_printf (s, ", Mask blur: %s",
                              g_ascii_formatd (feather, sizeof feather, "%g", r->mask_feather));
    }
  if (r->sketch != NULL)
    {
      char strength[G_ASCII_DTOSTR_BUF_SIZE];
      g_string_append_printf (s, ", Sketch strength: %s",
                              g_ascii_formatd (strength, sizeof strength, "%g", r->sketch_strength));
      if (r->colour_hint > 0.0f && at_colour_hint_in (r->sketch))
        g_string_append_printf (s, ", Colour hint: %s",
                                g_ascii_formatd (strength, sizeof strength, "%g", r->colour_hint));
    }
  if (r->voice != NULL)
    g_string_append (s, ", Voice prompt: yes");
  if (r->background == AT_BACKGROUND_TRANSPARENT)
    g_string_append (s, ", Background: transparent");
  if (r->sketch != NULL && r->shape != NULL && strcmp (r->shape, "auto") != 0 && strcmp (r->shape, "none") != 0)
    g_string_append_printf (s, ", Shape: %s", r->shape);
  g_string_append (s, ", Version: atelier " AT_VERSION);
  return g_string_free (s, FALSE);
}

AtResult *
at_result_new (void)
{
  AtResult *result = g_new0 (AtResult, 1);
  result->images = g_ptr_array_new_with_free_func ((GDestroyNotify) at_image_free);
  result->base_images = g_ptr_array_new_with_free_func ((GDestroyNotify) at_image_free);
  result->seeds = g_array_new (FALSE, FALSE, sizeof (guint64));
  result->parameters = g_ptr_array_new_with_free_func (g_free);
  return result;
}

void
at_result_free (AtResult *result)
{
  if (result == NULL)
    return;
  g_ptr_array_unref (result->images);
  g_ptr_array_unref (result->base_images);
  g_array_unref (result->seeds);
  g_ptr_array_unref (result->parameters);
  g_free (result->shape);
  g_free (result->shape_note);
  g_free (result);
}
