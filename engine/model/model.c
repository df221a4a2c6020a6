/* model.c — loading the built-in model and its forward passes. */
#define G_LOG_DOMAIN "atelier-model"

#include <string.h>

#include "model/model.h"

static void
load_blocks (AtLoader *l, AtBlock **blocks, int n, const char *prefix)
{
  *blocks = g_new0 (AtBlock, n);
  for (int i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.%d", prefix, i);
      at_block_load (l, &(*blocks)[i], name);
    }
}

static float *
host (AtLoader *l, guint ndim, const gint64 *shape, const char *name)
{
  if (l->error != NULL)
    return NULL;
  return at_weights_get_host (l->weights, name, ndim, shape, &l->error);
}

static void
load_text (AtModel *m, AtLoader *l)
{
  const AtModelConfig *c = m->config;
  m->text_tok = host (l, AT_G_SHAPE (c->vocab_size, c->width), "text.tok.weight");
  m->text_pos = host (l, AT_G_SHAPE (c->text_max_tokens, c->width), "text.pos");
  load_blocks (l, &m->text_layers, c->text_layers, "text.layers");
  at_norm_load (l, &m->text_ln, c->width, "text.ln_f");
}

static void
load_sketch (AtModel *m, AtLoader *l)
{
  const AtModelConfig *c = m->config;
  const int *ch = c->sketch_channels;
  at_conv_load (l, &m->sketch_conv[0], 1, ch[0], 3, 2, 1, "sketch.conv1");
  at_conv_load (l, &m->sketch_conv[1], ch[0], ch[1], 3, 2, 1, "sketch.conv2");
  at_conv_load (l, &m->sketch_conv[2], ch[1], ch[2], 3, 2, 1, "sketch.conv3");
  at_conv_load (l, &m->sketch_conv[3], ch[2], c->width, 1, 1, 0, "sketch.conv4");
  int side = c->image_size / 8;
  m->sketch_pos = at_loader_get (l, AT_G_SHAPE (side * side, c->width), "sketch.pos");
  at_norm_load (l, &m->sketch_ln, c->width, "sketch.ln_f");
}

static void
load_audio (AtModel *m, AtLoader *l, AtGpu *gpu)
{
  const AtModelConfig *c = m->config;
  int bins = c->mel.n_fft / 2 + 1;
  m->mel_filterbank_host = host (l, AT_G_SHAPE (c->mel.n_mels, bins), "audio.mel_fb");
  if (l->error == NULL)
    m->mel = at_mel_gpu_new (gpu, &c->mel, m->mel_filterbank_host, &l->error);
  at_linear_load (l, &m->audio_in, c->mel.n_mels * c->audio_stack, c->width, "audio.inp");
  m->audio_pos = at_loader_get (l, AT_G_SHAPE (c->mel.n_frames / c->audio_stack, c->width), "audio.pos");
  load_blocks (l, &m->audio_layers, c->audio_layers, "audio.layers");
  at_norm_load (l, &m->audio_ln, c->width, "audio.ln_f");
}

static void
load_fusion (AtModel *m, AtLoader *l)
{
  const AtModelConfig *c = m->config;
  int d = c->width;
  m->fusion_null = host (l, AT_G_SHAPE (d), "fusion.null");
  m->fusion_mod = host (l, AT_G_SHAPE (3, d), "fusion.mod");
  at_linear_load (l, &m->proj_text, d, d, "fusion.proj_text");
  at_linear_load (l, &m->proj_sketch, d, d, "fusion.proj_sketch");
  at_linear_load (l, &m->proj_audio, d, d, "fusion.proj_audio");
  load_blocks (l, &m->fusion_layers, c->fusion_layers, "fusion.layers");
  at_norm_load (l, &m->fusion_ln, d, "fusion.ln_f");
  at_linear_load (l, &m->pool, d, c->temb_dim, "fusion.pool");
}

static void
load_unet (AtModel *m, AtLoader *l)
{
  const AtModelConfig *c = m->config;
  const int *ch = c->unet_channels, levels = c->unet_levels;
  at_linear_load (l, &m->time1, c->time_freq_dim, c->temb_dim, "unet.time1");
  at_linear_load (l, &m->time2, c->temb_dim, c->temb_dim, "unet.time2");
  at_conv_load (l, &m->conv_in, c->image_channels + 1, ch[0], 3, 1, 1, "unet.conv_in");
  for (int i = 0; i < levels; i++)
    {
      g_autofree char *down = g_strdup_printf ("unet.down.%d", i);
      g_autofree char *down_attn = g_strdup_printf ("unet.down_attn.%d", i);
      g_autofree char *up = g_strdup_printf ("unet.up.%d", i);
      g_autofree char *up_attn = g_strdup_printf ("unet.up_attn.%d", i);
      int below = i + 1 < levels ? ch[i + 1] : ch[levels - 1];
      at_res_block_load (l, &m->down[i], ch[MAX (i - 1, 0)], ch[i], down);
      at_res_block_load (l, &m->up[i], below + ch[i], ch[i], up);
      if ((c->unet_attn_levels >> i) & 1)
        {
          at_attn_block_load (l, &m->down_attn[i], ch[i], down_attn);
          at_attn_block_load (l, &m->up_attn[i], ch[i], up_attn);
        }
    }
  at_res_block_load (l, &m->m1, ch[levels - 1], ch[levels - 1], "unet.m1");
  at_attn_block_load (l, &m->m_attn, ch[levels - 1], "unet.m_attn");
  at_res_block_load (l, &m->m2, ch[levels - 1], ch[levels - 1], "unet.m2");
  at_norm_load (l, &m->gn_out, ch[0], "unet.gn_out");
  at_conv_load (l, &m->conv_out, ch[0], c->image_channels, 3, 1, 1, "unet.conv_out");
}

AtModel *
at_model_load (AtGpu *gpu, const char *dir, GError **error)
{
  return at_model_load_named (gpu, dir, "atelier-model", error);
}

AtModel *
at_model_load_named (AtGpu *gpu, const char *dir, const char *name, GError **error)
{
  g_autofree char *config_name = g_strconcat (name, ".json", NULL);
  g_autofree char *weights_name = g_strconcat (name, ".safetensors", NULL);
  g_autofree char *config_path = g_build_filename (dir, config_name, NULL);
  g_autofree char *tokenizer_path = g_build_filename (dir, "tokenizer.json", NULL);
  g_autofree char *weights_path = g_build_filename (dir, weights_name, NULL);
  g_autoptr (AtModel) m = g_new0 (AtModel, 1);
  m->config = at_model_config_load (config_path, error);
  if (m->config == NULL)
    return NULL;
  m->tokenizer = at_tokenizer_load (tokenizer_path, error);
  if (m->tokenizer == NULL)
    return NULL;
  m->weights = at_weights_load (gpu, weights_path, error);
  if (m->weights == NULL)
    return NULL;
  if ((int) at_tokenizer_get_vocab_size (m->tokenizer) != m->config->vocab_size)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "The tokenizer has %u words but the model config expects %d",
                   at_tokenizer_get_vocab_size (m->tokenizer), m->config->vocab_size);
      return NULL;
    }
  AtLoader l = { m->weights, m->config, NULL };
  load_text (m, &l);
  load_sketch (m, &l);
  load_audio (m, &l, gpu);
  load_fusion (m, &l);
  load_unet (m, &l);
  if (l.error != NULL)
    {
      g_propagate_prefixed_error (error, l.error, "%s: ", weights_path);
      return NULL;
    }
  return g_steal_pointer (&m);
}

void
at_model_free (AtModel *m)
{
  if (m == NULL)
    return;
  g_free (m->text_tok);
  g_free (m->text_pos);
  g_free (m->text_layers);
  g_free (m->mel_filterbank_host);
  g_clear_pointer (&m->mel, at_mel_gpu_free);
  g_free (m->audio_layers);
  g_free (m->fusion_null);
  g_free (m->fusion_mod);
  g_free (m->fusion_layers);
  g_clear_pointer (&m->weights, at_weights_free);
  g_clear_pointer (&m->tokenizer, at_tokenizer_free);
  g_clear_pointer (&m->config, at_model_config_free);
  g_free (m);
}

AtTensor *
at_model_text_forward (AtModel *m, AtGraph *g, const guint32 *ids, guint n)
{
  int d = m->config->width;
  n = MIN (n, (guint) m->config->text_max_tokens);
  g_autofree float *x0 = g_new (float, (gsize) MAX (n, 1) * d);
  for (guint i = 0; i < n; i++)
    for (int c = 0; c < d; c++)
      {
        guint32 id = ids[i] < (guint32) m->config->vocab_size ? ids[i] : 1;
        x0[i * d + c] = m->text_tok[(gsize) id * d + c] + m->text_pos[i * d + c];
      }
  AtTensor *x = at_graph_constant (g, x0, AT_G_SHAPE (1, n, d));
  for (int i = 0; i < m->config->text_layers; i++)
    x = at_block_forward (g, &m->text_layers[i], x);
  return at_g_layer_norm (g, x, m->text_ln.weight, m->text_ln.bias, m->config->ln_eps);
}

AtTensor *
at_model_sketch_forward (AtModel *m, AtGraph *g, AtTensor *sketch)
{
  AtTensor *x = sketch;
  for (int i = 0; i < 3; i++)   /* silu(conv(x)), the SiLU in the epilogue */
    x = at_conv_forward_fused (g, &m->sketch_conv[i], x, NULL, AT_ACTIVATION_SILU, NULL);
  x = at_conv_forward (g, &m->sketch_conv[3], x);                     /* [1, D, 8, 8] */
  if (x == NULL)
    return NULL;
  gint64 d = x->shape[1], tokens = x->shape[2] * x->shape[3];
  x = at_g_transpose (g, at_graph_reshape (g, x, AT_G_SHAPE (1, d, tokens)));  /* [1, 64, D] */
  x = at_g_add (g, x, m->sketch_pos);
  return at_g_layer_norm (g, x, m->sketch_ln.weight, m->sketch_ln.bias, m->config->ln_eps);
}

AtTensor *
at_model_mel_forward (AtModel *m, AtGraph *g, const float *wave, gsize n)
{
  const AtMelConfig *mel = &m->config->mel;
  AtTensor *features = at_mel_gpu_forward (m->mel, g, at_mel_gpu_wave (m->mel, g, wave, n));
  return at_graph_reshape (g, features, AT_G_SHAPE (1, mel->n_frames, mel->n_mels));
}

AtTensor *
at_model_audio_forward (AtModel *m, AtGraph *g, AtTensor *mel)
{
  if (mel == NULL)
    return NULL;
  const AtModelConfig *c = m->config;
  gint64 tokens = mel->shape[1] / c->audio_stack;
  /* token j = frames 4j..4j+3, frame-major: a plain reshape */
  AtTensor *x = at_graph_reshape (g, mel, AT_G_SHAPE (1, tokens, c->audio_stack * c->mel.n_mels));
  x = at_g_add (g, at_linear_forward (g, &m->audio_in, x), m->audio_pos);
  for (int i = 0; i < c->audio_layers; i++)
    x = at_block_forward (g, &m->audio_layers[i], x);
  return at_g_layer_norm (g, x, m->audio_ln.weight, m->audio_ln.bias, c->ln_eps);
}

/* proj(tokens) + the modality's embedding row. */
static AtTensor *
tag_modality (AtModel *m, AtGraph *g, const AtLinear *proj, AtTensor *tokens, int modality)
{
  int d = m->config->width;
  AtTensor *row = at_graph_constant (g, m->fusion_mod + modality * d, AT_G_SHAPE (d));
  return at_g_add (g, at_linear_forward (g, proj, tokens), row);
}

AtTensor *
at_model_fusion_forward (AtModel *m, AtGraph *g, AtTensor *text, AtTensor *sketch, AtTensor *audio,
                         AtTensor **pooled)
{
  int d = m->config->width;
  AtTensor *x = at_graph_constant (g, m->fusion_null, AT_G_SHAPE (1, 1, d));
  if (text != NULL)
    x = at_g_concat (g, x, tag_modality (m, g, &m->proj_text, text, 0), 1);
  if (sketch != NULL)
    x = at_g_concat (g, x, tag_modality (m, g, &m->proj_sketch, sketch, 1), 1);
  if (audio != NULL)
    x = at_g_concat (g, x, tag_modality (m, g, &m->proj_audio, audio, 2), 1);
  for (int i = 0; i < m->config->fusion_layers; i++)
    x = at_block_forward (g, &m->fusion_layers[i], x);
  x = at_g_layer_norm (g, x, m->fusion_ln.weight, m->fusion_ln.bias, m->config->ln_eps);
  *pooled = at_linear_forward (g, &m->pool, at_g_mean_tokens (g, x));
  return x;
}

AtTensor *
at_model_unet_forward (AtModel *m, AtGraph *g, AtTensor *x, AtTensor *sketch, AtTensor *t,
                       AtTensor *ctx, AtTensor *pooled)
{
  return at_model_unet_forward_counted (m, g, x, sketch, t, ctx, NULL, pooled);
}

AtTensor *
at_model_unet_forward_counted (AtModel *m, AtGraph *g, AtTensor *x, AtTensor *sketch, AtTensor *t,
                               AtTensor *ctx, AtTensor *ctx_counts, AtTensor *pooled)
{
  const AtModelConfig *c = m->config;
  AtTensor *emb = at_g_timestep_embedding (g, t, c->time_freq_dim, c->time_multiplier);
  emb = at_g_linear_fused (g, emb, m->time1.weight, m->time1.bias, AT_ACTIVATION_SILU, NULL);
  emb = at_linear_forward (g, &m->time2, emb);
  AtTensor *se = at_g_silu (g, at_g_add (g, emb, pooled));
  AtTensor *skips[AT_UNET_MAX_LEVELS];

  AtTensor *h = at_conv_forward (g, &m->conv_in, at_g_concat (g, x, sketch, 1));
  for (int i = 0; i < c->unet_levels; i++)
    {
      if (i > 0)
        h = at_g_avg_pool2x2 (g, h);
      h = at_res_block_forward (g, &m->down[i], h, se);
      if ((c->unet_attn_levels >> i) & 1)
        h = at_attn_block_forward (g, &m->down_attn[i], h, ctx, ctx_counts);
      skips[i] = h;
    }
  h = at_res_block_forward (g, &m->m1, h, se);
  h = at_attn_block_forward (g, &m->m_attn, h, ctx, ctx_counts);
  h = at_res_block_forward (g, &m->m2, h, se);
  for (int i = c->unet_levels - 1; i >= 0; i--)
    {
      if (i < c->unet_levels - 1)
        h = at_g_upsample2x (g, h);
      h = at_res_block_forward (g, &m->up[i], at_g_concat (g, h, skips[i], 1), se);
      if ((c->unet_attn_levels >> i) & 1)
        h = at_attn_block_forward (g, &m->up_attn[i], h, ctx, ctx_counts);
    }
  h = at_g_group_norm (g, h, c->gn_groups, m->gn_out.weight, m->gn_out.bias, c->gn_eps, TRUE);
  return at_conv_forward (g, &m->conv_out, h);
}
