/* config.c — the model's JSON config, every key checked. */
#define G_LOG_DOMAIN "atelier-model"

#include <stdarg.h>

#include <json-glib/json-glib.h>

#include "model/config.h"
#include "model/json-reader.h"

static void
read_mel (AtJsonReader *r, JsonObject *m, AtMelConfig *mel)
{
  mel->sample_rate = at_json_int (r, m, "sample_rate", 8000, 48000);
  mel->clip_samples = at_json_int (r, m, "clip_samples", 1, 10000000);
  mel->n_fft = at_json_int (r, m, "n_fft", 16, 8192);
  mel->hop = at_json_int (r, m, "hop", 1, 8192);
  mel->win = at_json_int (r, m, "win", 16, 8192);
  mel->n_mels = at_json_int (r, m, "n_mels", 1, 512);
  mel->n_frames = at_json_int (r, m, "n_frames", 1, 100000);
  mel->fmin = at_json_double (r, m, "fmin", 0, 24000);
  mel->fmax = at_json_double (r, m, "fmax", 1, 24000);
  mel->log_floor = at_json_double (r, m, "log_floor", 1e-30, 1);
  mel->log_offset = at_json_double (r, m, "log_offset", -100, 100);
  mel->log_div = at_json_double (r, m, "log_div", 1e-6, 1000);
}

static void
read_hyper (AtJsonReader *r, JsonObject *h, AtModelConfig *c)
{
  c->image_size = at_json_int (r, h, "image_size", 8, 4096);
  c->image_channels = at_json_int (r, h, "image_channels", 1, 4);
  c->width = at_json_int (r, h, "width", 1, 4096);
  c->heads = at_json_int (r, h, "heads", 1, 64);
  c->mlp_ratio = at_json_int (r, h, "mlp_ratio", 1, 16);
  c->ln_eps = at_json_double (r, h, "ln_eps", 0, 1);
  c->gn_eps = at_json_double (r, h, "gn_eps", 0, 1);
  c->gn_groups = at_json_int (r, h, "gn_groups", 1, 1024);
  c->text_max_tokens = at_json_int (r, h, "text_max_tokens", 1, 1024);
  c->text_layers = at_json_int (r, h, "text_layers", 0, 64);
  at_json_ints (r, h, "sketch_channels", c->sketch_channels, 3);
  c->audio_layers = at_json_int (r, h, "audio_layers", 0, 64);
  c->audio_stack = at_json_int (r, h, "audio_stack", 1, 64);
  c->fusion_layers = at_json_int (r, h, "fusion_layers", 0, 64);
  at_json_ints (r, h, "image_enc_channels", c->image_enc_channels, 4);
  c->embed_dim = at_json_int (r, h, "embed_dim", 1, 4096);
  c->unet_levels = at_json_int_list (r, h, "unet_channels", c->unet_channels, 1, AT_UNET_MAX_LEVELS, 1, 4096);
  int levels[AT_UNET_MAX_LEVELS];
  guint n_attn = at_json_int_list (r, h, "unet_attn_levels", levels, 0, AT_UNET_MAX_LEVELS, 0, AT_UNET_MAX_LEVELS - 1);
  for (guint i = 0; i < n_attn; i++)
    c->unet_attn_levels |= 1u << levels[i];
  c->unet_attn_mlp_ratio = at_json_int (r, h, "unet_attn_mlp_ratio", 1, 16);
  c->temb_dim = at_json_int (r, h, "temb_dim", 1, 8192);
  c->time_freq_dim = at_json_int (r, h, "time_freq_dim", 2, 8192);
  c->time_multiplier = at_json_double (r, h, "time_multiplier", 1e-6, 1e6);
  read_mel (r, at_json_object (r, h, "mel"), &c->mel);
}

/* Relations between values that the forward pass relies on. */
static void
check_consistency (AtJsonReader *r, AtModelConfig *c)
{
  const char *problem = NULL;
  if (r->error != NULL)
    return;
  if (c->width % c->heads != 0)
    problem = "width must be a multiple of heads";
  else if (c->image_size % 8 != 0 || c->image_size % (1 << (c->unet_levels - 1)) != 0)
    problem = "image_size must be a multiple of 8 and of 2^(UNet levels - 1)";
  else if (c->time_freq_dim % 2 != 0)
    problem = "time_freq_dim must be even";
  else if (c->mel.n_frames % c->audio_stack != 0)
    problem = "mel n_frames must be a multiple of audio_stack";
  for (int i = 0; problem == NULL && i < c->unet_levels; i++)
    if (c->unet_channels[i] % c->gn_groups != 0)
      problem = "unet_channels must be multiples of gn_groups";
    else if (((c->unet_attn_levels >> i) & 1 || i == c->unet_levels - 1) && c->unet_channels[i] % c->heads != 0)
      problem = "UNet levels with attention must have a multiple of heads channels";
  if (problem == NULL && c->unet_attn_levels >> c->unet_levels != 0)
    problem = "unet_attn_levels names a level the UNet does not have";
  if (problem != NULL)
    at_json_fail (r, "%s", problem);
}

AtModelConfig *
at_model_config_load (const char *path, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_mapped_file (parser, path, error))
    {
      g_prefix_error (error, "Model config %s: ", path);
      return NULL;
    }
  JsonNode *root = json_parser_get_root (parser);
  AtJsonReader r = { path, NULL };
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: not a JSON object", path);
      return NULL;
    }
  JsonObject *obj = json_node_get_object (root);
  if (g_strcmp0 (json_object_get_string_member_with_default (obj, "format", ""), "atelier-model") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is not an Atelier model config", path);
      return NULL;
    }
  /* Checked first, so a model from a newer Atelier gets this message
   * rather than one about a key this version does not know. */
  gint64 version = json_object_get_int_member_with_default (obj, "version", 0);
  if (version > AT_MODEL_FORMAT_VERSION)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "%s is a model of format %" G_GINT64_FORMAT "; this Atelier reads format %d and older. "
                   "Update Atelier to use it", path, version, AT_MODEL_FORMAT_VERSION);
      return NULL;
    }
  g_autoptr (AtModelConfig) c = g_new0 (AtModelConfig, 1);
  /* "name" (e.g. "atelier-v2-fast") came after format 1's first release: absent means v1. */
  const char *name = json_object_get_string_member_with_default (obj, "name", NULL);
  c->name = name != NULL && *name != '\0' ? g_strndup (name, 64)
                                         : g_strdup_printf ("atelier-v%d", at_json_int (&r, obj, "version", 1, AT_MODEL_FORMAT_VERSION));
  c->vocab_size = at_json_int (&r, obj, "vocab_size", 3, 10000000);
  read_hyper (&r, at_json_object (&r, obj, "hyper"), c);
  JsonObject *flow = at_json_object (&r, obj, "flow");
  c->default_steps = at_json_int (&r, flow, "default_steps", 1, 200);
  c->default_guidance = at_json_double (&r, flow, "default_guidance", 0, 30);
  /* optional: a few-step student's count for live previews */
  c->preview_steps = flow != NULL && json_object_has_member (flow, "preview_steps")
                       ? at_json_int (&r, flow, "preview_steps", 1, 200)
                       : c->default_steps;
  check_consistency (&r, c);
  if (r.error != NULL)
    {
      g_propagate_error (error, r.error);
      return NULL;
    }
  return g_steal_pointer (&c);
}

void
at_model_config_free (AtModelConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->name);
  g_free (config);
}
