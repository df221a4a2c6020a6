/* config.c — the model's JSON config, every key checked. */
#define G_LOG_DOMAIN "atelier-model"

#include <stdarg.h>

#include <json-glib/json-glib.h>

#include "model/config.h"

typedef struct {
  const char *path;
  GError *error;
} Reader;

/* Sets the reader's error: the config's path, then the printf-style message. */
static void G_GNUC_PRINTF (2, 3)
reader_fail (Reader *r, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (&r->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: %s", r->path, message);
}

static JsonNode *
member (Reader *r, JsonObject *obj, const char *key, JsonNodeType type)
{
  if (r->error != NULL)
    return NULL;
  JsonNode *node = obj != NULL ? json_object_get_member (obj, key) : NULL;
  if (node == NULL || JSON_NODE_TYPE (node) != type)
    {
      reader_fail (r, "key \"%s\" is missing or has the wrong type", key);
      return NULL;
    }
  return node;
}

static int
get_int (Reader *r, JsonObject *obj, const char *key, int min, int max)
{
  JsonNode *node = member (r, obj, key, JSON_NODE_VALUE);
  if (node == NULL)
    return 0;
  gint64 value = json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_INT64 && value >= min && value <= max)
    return value;
  reader_fail (r, "\"%s\" must be an integer from %d to %d", key, min, max);
  return 0;
}

static double
get_double (Reader *r, JsonObject *obj, const char *key, double min, double max)
{
  JsonNode *node = member (r, obj, key, JSON_NODE_VALUE);
  if (node == NULL)
    return 0;
  double value = json_node_get_double (node);
  if (value >= min && value <= max)
    return value;
  reader_fail (r, "\"%s\" must be a number from %g to %g", key, min, max);
  return 0;
}

/* Reads a list of min_n..max_n integers in [lo, hi]; returns how many. */
static guint
get_int_list (Reader *r, JsonObject *obj, const char *key, int *out, guint min_n, guint max_n, int lo, int hi)
{
  JsonNode *node = member (r, obj, key, JSON_NODE_ARRAY);
  if (node == NULL)
    return 0;
  JsonArray *array = json_node_get_array (node);
  guint n = json_array_get_length (array);
  if (n < min_n || n > max_n)
    {
      reader_fail (r, "\"%s\" must list %u to %u integers", key, min_n, max_n);
      return 0;
    }
  for (guint i = 0; i < n && r->error == NULL; i++)
    {
      out[i] = json_array_get_int_element (array, i);
      if (out[i] < lo || out[i] > hi)
        reader_fail (r, "\"%s\" holds an out-of-range value", key);
    }
  return n;
}

static void
get_ints (Reader *r, JsonObject *obj, const char *key, int *out, guint n)
{
  get_int_list (r, obj, key, out, n, n, 1, 4096);
}

static JsonObject *
get_object (Reader *r, JsonObject *obj, const char *key)
{
  JsonNode *node = member (r, obj, key, JSON_NODE_OBJECT);
  return node != NULL ? json_node_get_object (node) : NULL;
}

static void
read_mel (Reader *r, JsonObject *m, AtMelConfig *mel)
{
  mel->sample_rate = get_int (r, m, "sample_rate", 8000, 48000);
  mel->clip_samples = get_int (r, m, "clip_samples", 1, 10000000);
  mel->n_fft = get_int (r, m, "n_fft", 16, 8192);
  mel->hop = get_int (r, m, "hop", 1, 8192);
  mel->win = get_int (r, m, "win", 16, 8192);
  mel->n_mels = get_int (r, m, "n_mels", 1, 512);
  mel->n_frames = get_int (r, m, "n_frames", 1, 100000);
  mel->fmin = get_double (r, m, "fmin", 0, 24000);
  mel->fmax = get_double (r, m, "fmax", 1, 24000);
  mel->log_floor = get_double (r, m, "log_floor", 1e-30, 1);
  mel->log_offset = get_double (r, m, "log_offset", -100, 100);
  mel->log_div = get_double (r, m, "log_div", 1e-6, 1000);
}

static void
read_hyper (Reader *r, JsonObject *h, AtModelConfig *c)
{
  c->image_size = get_int (r, h, "image_size", 8, 4096);
  c->image_channels = get_int (r, h, "image_channels", 1, 4);
  c->width = get_int (r, h, "width", 1, 4096);
  c->heads = get_int (r, h, "heads", 1, 64);
  c->mlp_ratio = get_int (r, h, "mlp_ratio", 1, 16);
  c->ln_eps = get_double (r, h, "ln_eps", 0, 1);
  c->gn_eps = get_double (r, h, "gn_eps", 0, 1);
  c->gn_groups = get_int (r, h, "gn_groups", 1, 1024);
  c->text_max_tokens = get_int (r, h, "text_max_tokens", 1, 1024);
  c->text_layers = get_int (r, h, "text_layers", 0, 64);
  get_ints (r, h, "sketch_channels", c->sketch_channels, 3);
  c->audio_layers = get_int (r, h, "audio_layers", 0, 64);
  c->audio_stack = get_int (r, h, "audio_stack", 1, 64);
  c->fusion_layers = get_int (r, h, "fusion_layers", 0, 64);
  get_ints (r, h, "image_enc_channels", c->image_enc_channels, 4);
  c->embed_dim = get_int (r, h, "embed_dim", 1, 4096);
  c->unet_levels = get_int_list (r, h, "unet_channels", c->unet_channels, 1, AT_UNET_MAX_LEVELS, 1, 4096);
  int levels[AT_UNET_MAX_LEVELS];
  guint n_attn = get_int_list (r, h, "unet_attn_levels", levels, 0, AT_UNET_MAX_LEVELS, 0, AT_UNET_MAX_LEVELS - 1);
  for (guint i = 0; i < n_attn; i++)
    c->unet_attn_levels |= 1u << levels[i];
  c->unet_attn_mlp_ratio = get_int (r, h, "unet_attn_mlp_ratio", 1, 16);
  c->temb_dim = get_int (r, h, "temb_dim", 1, 8192);
  c->time_freq_dim = get_int (r, h, "time_freq_dim", 2, 8192);
  c->time_multiplier = get_double (r, h, "time_multiplier", 1e-6, 1e6);
  read_mel (r, get_object (r, h, "mel"), &c->mel);
}

/* Relations between values that the forward pass relies on. */
static void
check_consistency (Reader *r, AtModelConfig *c)
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
    reader_fail (r, "%s", problem);
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
  Reader r = { path, NULL };
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
  c->name = g_strdup_printf ("atelier-v%d", get_int (&r, obj, "version", 1, AT_MODEL_FORMAT_VERSION));
  c->vocab_size = get_int (&r, obj, "vocab_size", 3, 10000000);
  read_hyper (&r, get_object (&r, obj, "hyper"), c);
  JsonObject *flow = get_object (&r, obj, "flow");
  c->default_steps = get_int (&r, flow, "default_steps", 1, 200);
  c->default_guidance = get_double (&r, flow, "default_guidance", 0, 30);
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
