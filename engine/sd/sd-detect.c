/* sd-detect.c — architecture of a Stable Diffusion checkpoint from its
 * tensor table. */
#include "sd/sd-detect.h"

#include <string.h>

G_DEFINE_QUARK (at-sd-error-quark, at_sd_error)

#define UNET_PREFIX "model.diffusion_model."
#define VAE_PREFIX "first_stage_model."
#define SD_MODEL_CHANNELS 320
#define SD_LATENT_CHANNELS 4
#define SD1_CONTEXT 768
#define SD2_CONTEXT 1024
#define CLIP_VOCAB 49408
#define CLIP_CONTEXT 77
#define CLIP_HEAD_WIDTH 64
#define GROUP_NORM_GROUPS 32
#define SD_VAE_CHANNELS 128

static const AtSdTextConfig clip_vit_l = { 768, 12, 12, CLIP_VOCAB, CLIP_CONTEXT, 768 };
static const AtSdTextConfig open_clip_vit_h = { 1024, 24, 16, CLIP_VOCAB, CLIP_CONTEXT, 1024 };

static const AtSafetensorsInfo *
find (GHashTable *t, const char *prefix, const char *name)
{
  g_autofree char *key = g_strconcat (prefix, name, NULL);
  return g_hash_table_lookup (t, key);
}

/* The first tensor name containing needle (anywhere), or NULL. */
static const char *
any_name_containing (GHashTable *t, const char *needle)
{
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init (&it, t);
  while (g_hash_table_iter_next (&it, &key, NULL))
    if (strstr (key, needle) != NULL)
      return key;
  return NULL;
}

/* A few names of the file, sorted, for messages about unknown files. */
static char *
sample_names (GHashTable *t)
{
  g_autofree const char **keys = (const char **) g_hash_table_get_keys_as_array (t, NULL);
  guint n = g_hash_table_size (t);
  qsort (keys, n, sizeof *keys, at_sd_compare_strings);
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < n && i < 3; i++)
    g_string_append_printf (s, "%s'%s'", i ? ", " : "", keys[i]);
  if (n == 0)
    g_string_append (s, "no tensors at all");
  return g_string_free (s, FALSE);
}

/* Recognises other model families by their tell-tale names. */
static gboolean
refuse_foreign (GHashTable *t, GError **error)
{
  static const struct {
    const char *needle;
    const char *what;
  } foreign[] = {
    { "lora_down", "a LoRA (it changes a checkpoint, it is not one): LoRA files are not supported yet" },
    { "lora_up", "a LoRA (it changes a checkpoint, it is not one): LoRA files are not supported yet" },
    { "lora_A", "a LoRA (it changes a checkpoint, it is not one): LoRA files are not supported yet" },
    { "lora_unet_", "a LoRA (it changes a checkpoint, it is not one): LoRA files are not supported yet" },
    { "conditioner.embedders.1.", "an SDXL checkpoint (two text encoders): Atelier runs SD 1.x, SD 2.x and SD-Turbo" },
    { UNET_PREFIX "label_emb.0.0.weight", "an SDXL or unCLIP checkpoint (class-embedded UNet): Atelier runs SD 1.x, SD 2.x and SD-Turbo" },
    { "double_blocks.0.img_attn", "a Flux model: Atelier runs SD 1.x, SD 2.x and SD-Turbo" },
    { "joint_blocks.0.", "an SD3 (MMDiT) model: Atelier runs SD 1.x, SD 2.x and SD-Turbo" },
    { "down_blocks.0.attentions.", "a Diffusers-format UNet: Atelier reads single-file checkpoints in the original layout" },
    { "text_model.encoder.layers.0.", NULL },   /* fine under cond_stage_model; alone, a Diffusers text encoder */
  };
  for (guint i = 0; i < G_N_ELEMENTS (foreign); i++)
    {
      const char *hit = any_name_containing (t, foreign[i].needle);
      if (hit == NULL)
        continue;
      if (foreign[i].what == NULL)
        {
          if (g_str_has_prefix (hit, "cond_stage_model.") || any_name_containing (t, UNET_PREFIX) != NULL)
            continue;
          g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_NOT_SD,
                       "this is a CLIP text encoder on its own ('%s'), not a Stable Diffusion checkpoint", hit);
          return FALSE;
        }
      g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_NOT_SD, "this is %s (found '%s')", foreign[i].what, hit);
      return FALSE;
    }
  return TRUE;
}

static gint64
dim_or (const AtSafetensorsInfo *info, guint d, gint64 fallback)
{
  return info != NULL && d < info->ndim ? info->shape[d] : fallback;
}

/* in/out channels, context width and projection layout of a UNet or
 * ControlNet under prefix. */
static gboolean
read_unet_config (GHashTable *t, const char *prefix, const char *what, AtSdUnetConfig *c, GError **error)
{
  const AtSafetensorsInfo *in = find (t, prefix, "input_blocks.0.0.weight");
  const AtSafetensorsInfo *k = find (t, prefix, "input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight");
  const AtSafetensorsInfo *pin = find (t, prefix, "input_blocks.1.1.proj_in.weight");
  const AtSafetensorsInfo *out = find (t, prefix, "out.2.weight");
  if (in == NULL || in->ndim != 4 || k == NULL || k->ndim != 2)
    {
      g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_INCOMPLETE,
                   "the %s has no '%sinput_blocks.0.0.weight' or first cross-attention of the expected shape",
                   what, prefix);
      return FALSE;
    }
  c->model_channels = in->shape[0];
  c->in_channels = in->shape[1];
  c->out_channels = dim_or (out, 0, SD_LATENT_CHANNELS);
  c->context_dim = k->shape[1];
  c->linear_projection = pin != NULL && pin->ndim == 2;
  /* GroupNorm's 32 groups and SD 2.x's heads of 64 need these */
  guint multiple = c->linear_projection ? CLIP_HEAD_WIDTH : GROUP_NORM_GROUPS;
  if (c->model_channels == 0 || c->model_channels % multiple != 0)
    {
      g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_UNSUPPORTED,
                   "the %s has %u base channels; SD 1.x and 2.x have %d (a multiple of %u is needed)", what,
                   c->model_channels, SD_MODEL_CHANNELS, multiple);
      return FALSE;
    }
  if (c->in_channels != SD_LATENT_CHANNELS)
    {
      g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_UNSUPPORTED,
                   "the %s takes %u input channels (an inpainting or instruct model?); only the plain "
                   "4-channel models are supported yet", what, c->in_channels);
      return FALSE;
    }
  return TRUE;
}

static gboolean
detect_controlnet (GHashTable *t, AtSdArch *arch, GError **error)
{
  arch->unet_prefix = find (t, "control_model.", "zero_convs.0.0.weight") != NULL ? "control_model." : "";
  arch->family = AT_SD_FAMILY_CONTROLNET;
  arch->text_kind = AT_SD_TEXT_NONE;
  if (!read_unet_config (t, arch->unet_prefix, "ControlNet", &arch->unet, error))
    return FALSE;
  /* no text encoder to tell: the cross-attention's width does */
  if (arch->unet.context_dim == SD1_CONTEXT)
    {
      arch->guided_family = AT_SD_FAMILY_SD1;
      arch->kind_name = "ControlNet (SD 1.x)";
      return TRUE;
    }
  if (arch->unet.context_dim == SD2_CONTEXT)
    {
      arch->guided_family = AT_SD_FAMILY_SD2;
      arch->kind_name = "ControlNet (SD 2.x)";
      return TRUE;
    }
  g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_UNSUPPORTED,
               "this ControlNet has %u-wide cross-attention (SDXL?); Atelier runs ControlNets for SD 1.x (768) "
               "and SD 2.x (1024)", arch->unet.context_dim);
  return FALSE;
}

static const char *const sd1_text[] = { "cond_stage_model.transformer.text_model.", "cond_stage_model.transformer." };
static const char *const sd2_text[] = { "cond_stage_model.model.", "conditioner.embedders.0.model." };
#define SD1_TEXT_PROBE "embeddings.token_embedding.weight"
#define SD2_TEXT_PROBE "token_embedding.weight"

/* The prefix (of prefixes' two) under which probe is, or NULL. */
static const char *
text_prefix (GHashTable *t, const char *const *prefixes, const char *probe)
{
  for (guint i = 0; i < 2; i++)
    if (find (t, prefixes[i], probe) != NULL)
      return prefixes[i];
  return NULL;
}

static void
set_sd1 (AtSdArch *arch)
{
  arch->family = arch->guided_family = AT_SD_FAMILY_SD1;
  arch->kind_name = "SD 1.x";
  arch->text_kind = AT_SD_TEXT_CLIP_HF;
  arch->text = clip_vit_l;
  arch->quick_gelu = TRUE;
}

static void
set_sd2 (AtSdArch *arch)
{
  arch->family = arch->guided_family = AT_SD_FAMILY_SD2;
  arch->kind_name = "SD 2.x";
  arch->text_kind = AT_SD_TEXT_OPEN_CLIP;
  arch->text = open_clip_vit_h;
  arch->penultimate = TRUE;
}

/* The family from the text encoder's layout (Hugging Face CLIP names: SD
 * 1.x, open_clip's: SD 2.x), or without one from the context width, to
 * name what is missing. */
static gboolean
detect_family (GHashTable *t, AtSdArch *arch, GError **error)
{
  if ((arch->text_prefix = text_prefix (t, sd1_text, SD1_TEXT_PROBE)) != NULL)
    set_sd1 (arch);
  else if ((arch->text_prefix = text_prefix (t, sd2_text, SD2_TEXT_PROBE)) != NULL)
    {
      set_sd2 (arch);
      if (arch->text_prefix == sd2_text[1])
        arch->kind_name = "SD 2.x (SD-Turbo layout)";
    }
  else
    {
      gboolean two = arch->unet.context_dim == SD2_CONTEXT;
      if (two)
        set_sd2 (arch);
      else
        set_sd1 (arch);
      g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_INCOMPLETE,
                   "this %s checkpoint has no text encoder (no '%s%s'): files holding only the UNet are not "
                   "supported; use the full single-file checkpoint", arch->kind_name, (two ? sd2_text : sd1_text)[0],
                   two ? SD2_TEXT_PROBE : SD1_TEXT_PROBE);
      return FALSE;
    }
  return TRUE;
}

/* How many layers prefix stem N. leaf exist for N from 0 on. */
static guint
count_layers (GHashTable *t, const char *prefix, const char *stem, const char *leaf)
{
  guint n = 0;
  for (;; n++)
    {
      g_autofree char *key = g_strdup_printf ("%s%s%u.%s", prefix, stem, n, leaf);
      if (!g_hash_table_contains (t, key))
        return n;
    }
}

/* The text tower's sizes: ViT-L/14 (SD 1.x) or ViT-H/14 (SD 2.x) at their
 * widths, else read from the tensors (CLIP's heads are 64 wide). */
static gboolean
read_text_config (GHashTable *t, AtSdArch *arch, GError **error)
{
  gboolean hf = arch->text_kind == AT_SD_TEXT_CLIP_HF;
  const char *p = arch->text_prefix;
  const AtSafetensorsInfo *tok = find (t, p, hf ? SD1_TEXT_PROBE : SD2_TEXT_PROBE);
  const AtSafetensorsInfo *pos = find (t, p, hf ? "embeddings.position_embedding.weight" : "positional_embedding");
  AtSdTextConfig *c = &arch->text;
  if (tok->ndim != 2 || tok->shape[0] != CLIP_VOCAB)
    {
      g_autofree char *shape = at_safetensors_shape_string (tok->ndim, tok->shape);
      g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_UNSUPPORTED,
                   "the text encoder's token embedding is %s; CLIP's vocabulary has %d tokens", shape, CLIP_VOCAB);
      return FALSE;
    }
  /* at the real width, the real tower (so a missing layer is named) */
  if (c->width != (guint) tok->shape[1])
    {
      c->width = tok->shape[1];
      c->heads = c->width / CLIP_HEAD_WIDTH;
      c->embed_dim = dim_or (find (t, p, "text_projection"), 1, c->width);
      c->layers = hf ? count_layers (t, p, "encoder.layers.", "layer_norm1.weight")
                     : count_layers (t, p, "transformer.resblocks.", "ln_1.weight");
    }
  if (c->width != arch->unet.context_dim || c->width % CLIP_HEAD_WIDTH != 0)
    {
      g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_MISMATCH,
                   "the text encoder is %u wide but the UNet's cross-attention reads %u (both a multiple of %d)",
                   c->width, arch->unet.context_dim, CLIP_HEAD_WIDTH);
      return FALSE;
    }
  if (dim_or (pos, 0, CLIP_CONTEXT) != CLIP_CONTEXT || c->layers < (arch->penultimate ? 2u : 1u))
    {
      g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_UNSUPPORTED,
                   "the text encoder has %u layers and a window of %" G_GINT64_FORMAT " tokens; CLIP's window is %d",
                   c->layers, dim_or (pos, 0, 0), CLIP_CONTEXT);
      return FALSE;
    }
  return TRUE;
}

static gboolean
detect_sd (GHashTable *t, AtSdArch *arch, GError **error)
{
  arch->unet_prefix = UNET_PREFIX;
  arch->vae_prefix = VAE_PREFIX;
  arch->vae_channels = dim_or (find (t, VAE_PREFIX, "encoder.conv_in.weight"), 0, SD_VAE_CHANNELS);
  if (!read_unet_config (t, UNET_PREFIX, "UNet", &arch->unet, error) || !detect_family (t, arch, error))
    return FALSE;
  return read_text_config (t, arch, error);
}

GPtrArray *
at_sd_arch_names (const AtSdArch *arch)
{
  GPtrArray *names = at_sd_names_new ();
  if (arch->family == AT_SD_FAMILY_CONTROLNET)
    {
      at_sd_names_controlnet (names, arch->unet_prefix, &arch->unet, 3);
      return names;
    }
  at_sd_names_unet (names, arch->unet_prefix, &arch->unet);
  at_sd_names_vae (names, arch->vae_prefix, arch->vae_channels);
  if (arch->text_kind == AT_SD_TEXT_CLIP_HF)
    at_sd_names_clip_hf (names, arch->text_prefix, &arch->text);
  else
    at_sd_names_open_clip (names, arch->text_prefix, &arch->text);
  return names;
}

static gboolean
shape_matches (const AtSdName *want, const AtSafetensorsInfo *have)
{
  guint nd = want->ndim;
  const gint64 *s = want->shape;
  if ((want->flags & AT_SD_NAME_CONV_OR_LINEAR) && have->ndim != nd)
    {
      /* [o, i, 1, 1] and [o, i] are the same projection */
      if (have->ndim == 4 && nd == 2)
        return have->shape[0] == s[0] && have->shape[1] == s[1] && have->shape[2] == 1 && have->shape[3] == 1;
      if (have->ndim == 2 && nd == 4)
        return have->shape[0] == s[0] && have->shape[1] == s[1];
      return FALSE;
    }
  if ((want->flags & AT_SD_NAME_FLAT_OK) && have->ndim == 1 && nd == 2 && s[0] == 1)
    return have->shape[0] == s[1];
  if (have->ndim != nd)
    return FALSE;
  for (guint i = 0; i < nd; i++)
    if (have->shape[i] != s[i])
      return FALSE;
  return TRUE;
}

/* "'a', 'b', 'c' and 245 more" */
static char *
examples (GPtrArray *list)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < list->len && i < 3; i++)
    g_string_append_printf (s, "%s'%s'", i ? ", " : "", (const char *) list->pdata[i]);
  if (list->len > 3)
    g_string_append_printf (s, " and %u more", list->len - 3);
  return g_string_free (s, FALSE);
}

static const char *
component_of (const AtSdArch *arch, const char *name)
{
  if (arch->vae_prefix != NULL && g_str_has_prefix (name, arch->vae_prefix))
    return "VAE";
  if (arch->text_prefix != NULL && g_str_has_prefix (name, arch->text_prefix))
    return "text encoder";
  return arch->family == AT_SD_FAMILY_CONTROLNET ? "ControlNet" : "UNet";
}

static gboolean
owned (const AtSdArch *arch, const char *name)
{
  if (arch->family == AT_SD_FAMILY_CONTROLNET)
    return TRUE;
  return g_str_has_prefix (name, arch->unet_prefix) || g_str_has_prefix (name, arch->vae_prefix)
         || g_str_has_prefix (name, arch->text_prefix);
}

static gboolean
report_missing (const AtSdArch *arch, GPtrArray *missing, guint vae_required, GError **error)
{
  guint vae_missing = 0;
  for (guint i = 0; i < missing->len; i++)
    vae_missing += g_strcmp0 (component_of (arch, missing->pdata[i]), "VAE") == 0;
  if (vae_required > 0 && vae_missing == vae_required)
    {
      g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_INCOMPLETE,
                   "this %s checkpoint has no VAE (no '%s*' tensors): files pruned of the VAE are not "
                   "supported yet; use the full checkpoint", arch->kind_name, arch->vae_prefix);
      return FALSE;
    }
  g_autofree char *ex = examples (missing);
  g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_INCOMPLETE,
               "this %s checkpoint is incomplete: %u tensor%s of the %s %s missing: %s", arch->kind_name,
               missing->len, missing->len == 1 ? "" : "s", component_of (arch, missing->pdata[0]),
               missing->len == 1 ? "is" : "are", ex);
  return FALSE;
}

/* Every expected tensor present with a float dtype and its shape; nothing
 * unknown under the model's prefixes. */
static gboolean
check_tensors (GHashTable *t, AtSdArch *arch, GError **error)
{
  g_autoptr (GPtrArray) names = at_sd_arch_names (arch);
  g_autoptr (GPtrArray) missing = g_ptr_array_new ();
  g_autoptr (GHashTable) expected = g_hash_table_new (g_str_hash, g_str_equal);
  guint vae_required = 0;
  for (guint i = 0; i < names->len; i++)
    {
      const AtSdName *want = names->pdata[i];
      const AtSafetensorsInfo *have = g_hash_table_lookup (t, want->name);
      gboolean required = !(want->flags & AT_SD_NAME_OPTIONAL);
      g_hash_table_add (expected, want->name);
      if (required && arch->vae_prefix != NULL && g_str_has_prefix (want->name, arch->vae_prefix))
        vae_required++;
      if (have == NULL)
        {
          if (required)
            g_ptr_array_add (missing, want->name);
          continue;
        }
      if (have->dtype == AT_DTYPE_OTHER && !(want->flags & AT_SD_NAME_ANY_DTYPE))
        {
          g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_MISMATCH,
                       "tensor '%s' is stored as %s; Atelier reads F32, F16 and BF16 weights", want->name,
                       have->dtype_name);
          return FALSE;
        }
      if (!shape_matches (want, have))
        {
          g_autofree char *h = at_safetensors_shape_string (have->ndim, have->shape);
          g_autofree char *w = at_safetensors_shape_string (want->ndim, want->shape);
          g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_MISMATCH,
                       "tensor '%s' has shape %s; in an %s checkpoint it is %s", want->name, h,
                       arch->kind_name, w);
          return FALSE;
        }
      arch->n_used++;
      arch->n_params += have->numel;
      if (have->dtype == AT_DTYPE_F16 && have->ndim >= 2 && strstr (want->name, "embedding") == NULL)
        arch->n_half_params += have->numel;
    }
  if (missing->len > 0)
    return report_missing (arch, missing, vae_required, error);

  g_autoptr (GPtrArray) unexpected = g_ptr_array_new ();
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init (&it, t);
  while (g_hash_table_iter_next (&it, &key, NULL))
    {
      if (g_hash_table_contains (expected, key))
        continue;
      if (owned (arch, key))
        g_ptr_array_add (unexpected, key);
      else
        arch->n_ignored++;
    }
  if (unexpected->len > 0)
    {
      g_ptr_array_sort (unexpected, at_sd_compare_strings);
      g_autofree char *ex = examples (unexpected);
      g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_MISMATCH,
                   "this looks like an %s checkpoint but holds %u tensor%s its %s should not have: %s "
                   "(a variant Atelier does not know)", arch->kind_name, unexpected->len,
                   unexpected->len == 1 ? "" : "s", component_of (arch, unexpected->pdata[0]), ex);
      return FALSE;
    }
  return TRUE;
}

gboolean
at_sd_detect (GHashTable *tensors, AtSdArch *arch, GError **error)
{
  g_return_val_if_fail (tensors != NULL && arch != NULL, FALSE);
  memset (arch, 0, sizeof *arch);
  arch->n_tensors = g_hash_table_size (tensors);
  if (!refuse_foreign (tensors, error))
    return FALSE;
  gboolean ok;
  if (find (tensors, "control_model.", "zero_convs.0.0.weight") != NULL
      || find (tensors, "", "zero_convs.0.0.weight") != NULL)
    ok = detect_controlnet (tensors, arch, error);
  else if (find (tensors, UNET_PREFIX, "input_blocks.0.0.weight") != NULL)
    ok = detect_sd (tensors, arch, error);
  else
    {
      g_autofree char *some = sample_names (tensors);
      g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_NOT_SD,
                   "this is not a Stable Diffusion checkpoint: it has no UNet ('%sinput_blocks.0.0.weight'); "
                   "its %u tensors begin %s", UNET_PREFIX, arch->n_tensors, some);
      return FALSE;
    }
  return ok && check_tensors (tensors, arch, error);
}
