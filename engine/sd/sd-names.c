/* sd-names.c — expected tensor names and shapes of SD checkpoints. */
#include "sd/sd-names.h"

#include <stdarg.h>
#include <string.h>

static void
name_free (gpointer p)
{
  AtSdName *n = p;
  g_free (n->name);
  g_free (n);
}

int
at_sd_compare_strings (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

GPtrArray *
at_sd_names_new (void)
{
  return g_ptr_array_new_with_free_func (name_free);
}

void
at_sd_names_add (GPtrArray *names, guint flags, guint ndim, const gint64 *shape, const char *fmt, ...)
{
  g_assert (ndim <= 4);
  AtSdName *n = g_new0 (AtSdName, 1);
  va_list ap;
  va_start (ap, fmt);
  n->name = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  n->ndim = ndim;
  for (guint i = 0; i < ndim; i++)
    n->shape[i] = shape[i];
  n->flags = flags;
  g_ptr_array_add (names, n);
}

#define SHAPE(...) ((const gint64[]) { __VA_ARGS__ })
#define NDIM(...) (sizeof ((const gint64[]) { __VA_ARGS__ }) / sizeof (gint64))
#define ADD(flags, shape_args, ...) \
  at_sd_names_add (names, (flags), NDIM shape_args, SHAPE shape_args, __VA_ARGS__)

/* weight [out, in, k, k] and bias [out] */
static void
conv (GPtrArray *names, const char *p, const char *what, gint64 out, gint64 in, gint64 k)
{
  ADD (0, (out, in, k, k), "%s%s.weight", p, what);
  ADD (0, (out), "%s%s.bias", p, what);
}

static void
linear (GPtrArray *names, const char *p, const char *what, gint64 out, gint64 in, gboolean bias)
{
  ADD (0, (out, in), "%s%s.weight", p, what);
  if (bias)
    ADD (0, (out), "%s%s.bias", p, what);
}

/* GroupNorm / LayerNorm affine parameters */
static void
norm (GPtrArray *names, const char *p, const char *what, gint64 c)
{
  ADD (0, (c), "%s%s.weight", p, what);
  ADD (0, (c), "%s%s.bias", p, what);
}

/* A 1×1 projection that converters save as a conv or as a linear layer. */
static void
proj_1x1 (GPtrArray *names, const char *p, const char *what, gint64 out, gint64 in, gboolean linear_layout)
{
  if (linear_layout)
    ADD (AT_SD_NAME_CONV_OR_LINEAR, (out, in), "%s%s.weight", p, what);
  else
    ADD (AT_SD_NAME_CONV_OR_LINEAR, (out, in, 1, 1), "%s%s.weight", p, what);
  ADD (0, (out), "%s%s.bias", p, what);
}

#define TIME_EMBED_MULT 4
static const guint channel_mult[] = { 1, 2, 4, 4 };
#define N_LEVELS G_N_ELEMENTS (channel_mult)
#define RES_BLOCKS 2
#define ATTENTION_LEVELS 3   /* attention_resolutions 4, 2, 1: levels 0..2 */

/* openaimodel.ResBlock */
static void
res_block (GPtrArray *names, const char *p, gint64 in, gint64 out, gint64 emb)
{
  norm (names, p, "in_layers.0", in);
  conv (names, p, "in_layers.2", out, in, 3);
  linear (names, p, "emb_layers.1", out, emb, TRUE);
  norm (names, p, "out_layers.0", out);
  conv (names, p, "out_layers.3", out, out, 3);
  if (in != out)
    conv (names, p, "skip_connection", out, in, 1);
}

/* attention.CrossAttention: q/k/v without bias, to_out.0 with */
static void
cross_attention (GPtrArray *names, const char *p, const char *what, gint64 dim, gint64 ctx)
{
  g_autofree char *q = g_strdup_printf ("%s%s.", p, what);
  linear (names, q, "to_q", dim, dim, FALSE);
  linear (names, q, "to_k", dim, ctx, FALSE);
  linear (names, q, "to_v", dim, ctx, FALSE);
  linear (names, q, "to_out.0", dim, dim, TRUE);
}

/* attention.SpatialTransformer, depth 1, GEGLU feed-forward (mult 4) */
static void
spatial_transformer (GPtrArray *names, const char *p, gint64 dim, const AtSdUnetConfig *c)
{
  norm (names, p, "norm", dim);
  proj_1x1 (names, p, "proj_in", dim, dim, c->linear_projection);
  g_autofree char *b = g_strdup_printf ("%stransformer_blocks.0.", p);
  cross_attention (names, b, "attn1", dim, dim);
  linear (names, b, "ff.net.0.proj", dim * 8, dim, TRUE);
  linear (names, b, "ff.net.2", dim, dim * 4, TRUE);
  cross_attention (names, b, "attn2", dim, c->context_dim);
  norm (names, b, "norm1", dim);
  norm (names, b, "norm2", dim);
  norm (names, b, "norm3", dim);
  proj_1x1 (names, p, "proj_out", dim, dim, c->linear_projection);
}

/* "PREFIXinput_blocks.3.1." */
static char *
block (const char *prefix, const char *kind, guint index, guint sub)
{
  return g_strdup_printf ("%s%s.%u.%u.", prefix, kind, index, sub);
}

static void
time_embed (GPtrArray *names, const char *prefix, gint64 mc)
{
  linear (names, prefix, "time_embed.0", mc * TIME_EMBED_MULT, mc, TRUE);
  linear (names, prefix, "time_embed.2", mc * TIME_EMBED_MULT, mc * TIME_EMBED_MULT, TRUE);
}

/* The encoder half (time embedding, input blocks, middle block) shared by
 * the UNet and ControlNet; chans receives each input block's channels. */
static guint
unet_encoder (GPtrArray *names, const char *prefix, const AtSdUnetConfig *c, GArray *chans)
{
  gint64 mc = c->model_channels, emb = mc * TIME_EMBED_MULT, ch = mc;
  char *p;
  time_embed (names, prefix, mc);
  conv (names, prefix, "input_blocks.0.0", mc, c->in_channels, 3);
  guint idx = 1;
  gint64 ch0 = ch;
  g_array_append_val (chans, ch0);
  for (guint level = 0; level < N_LEVELS; level++)
    {
      for (guint r = 0; r < RES_BLOCKS; r++, idx++)
        {
          gint64 out = mc * channel_mult[level];
          p = block (prefix, "input_blocks", idx, 0);
          res_block (names, p, ch, out, emb);
          g_free (p);
          ch = out;
          if (level < ATTENTION_LEVELS)
            {
              p = block (prefix, "input_blocks", idx, 1);
              spatial_transformer (names, p, ch, c);
              g_free (p);
            }
          g_array_append_val (chans, ch);
        }
      if (level + 1 < N_LEVELS)
        {
          p = block (prefix, "input_blocks", idx, 0);
          conv (names, p, "op", ch, ch, 3);
          g_free (p);
          g_array_append_val (chans, ch);
          idx++;
        }
    }
  g_autofree char *mid0 = g_strdup_printf ("%smiddle_block.0.", prefix);
  g_autofree char *mid1 = g_strdup_printf ("%smiddle_block.1.", prefix);
  g_autofree char *mid2 = g_strdup_printf ("%smiddle_block.2.", prefix);
  res_block (names, mid0, ch, ch, emb);
  spatial_transformer (names, mid1, ch, c);
  res_block (names, mid2, ch, ch, emb);
  return (guint) ch;
}

void
at_sd_names_unet (GPtrArray *names, const char *prefix, const AtSdUnetConfig *c)
{
  g_autoptr (GArray) chans = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 mc = c->model_channels, emb = mc * TIME_EMBED_MULT;
  gint64 ch = unet_encoder (names, prefix, c, chans);
  guint idx = 0;
  for (gint level = N_LEVELS - 1; level >= 0; level--)
    for (guint r = 0; r <= RES_BLOCKS; r++, idx++)
      {
        gint64 skip = g_array_index (chans, gint64, chans->len - 1);
        g_array_set_size (chans, chans->len - 1);
        gint64 out = mc * channel_mult[level];
        char *p;
        p = block (prefix, "output_blocks", idx, 0);
        res_block (names, p, ch + skip, out, emb);
        g_free (p);
        ch = out;
        guint sub = 1;
        if (level < ATTENTION_LEVELS)
          {
            p = block (prefix, "output_blocks", idx, sub++);
            spatial_transformer (names, p, ch, c);
            g_free (p);
          }
        if (level > 0 && r == RES_BLOCKS)
          {
            p = block (prefix, "output_blocks", idx, sub);
            conv (names, p, "conv", ch, ch, 3);
            g_free (p);
          }
      }
  norm (names, prefix, "out.0", mc);
  conv (names, prefix, "out.2", c->out_channels, mc, 3);
}

/* cldm.ControlNet: the UNet's encoder, a hint encoder and zero convolutions. */
void
at_sd_names_controlnet (GPtrArray *names, const char *prefix, const AtSdUnetConfig *c, guint hint_channels)
{
  g_autoptr (GArray) chans = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 ch = unet_encoder (names, prefix, c, chans);
  static const gint64 hint[] = { 16, 16, 32, 32, 96, 96, 256 };
  gint64 in = hint_channels;
  for (guint i = 0; i < G_N_ELEMENTS (hint); i++)
    {
      g_autofree char *what = g_strdup_printf ("input_hint_block.%u", 2 * i);
      conv (names, prefix, what, hint[i], in, 3);
      in = hint[i];
    }
  g_autofree char *last = g_strdup_printf ("input_hint_block.%u", 2 * (guint) G_N_ELEMENTS (hint));
  conv (names, prefix, last, c->model_channels, in, 3);
  for (guint i = 0; i < chans->len; i++)
    {
      gint64 zc = g_array_index (chans, gint64, i);
      g_autofree char *what = g_strdup_printf ("zero_convs.%u.0", i);
      conv (names, prefix, what, zc, zc, 1);
    }
  conv (names, prefix, "middle_block_out.0", ch, ch, 1);
}

/* diffusionmodules/model.py ResnetBlock without a time embedding */
static void
vae_res_block (GPtrArray *names, const char *p, gint64 in, gint64 out)
{
  norm (names, p, "norm1", in);
  conv (names, p, "conv1", out, in, 3);
  norm (names, p, "norm2", out);
  conv (names, p, "conv2", out, out, 3);
  if (in != out)
    conv (names, p, "nin_shortcut", out, in, 1);
}

static void
vae_mid (GPtrArray *names, const char *p, gint64 ch)
{
  g_autofree char *b1 = g_strdup_printf ("%smid.block_1.", p);
  g_autofree char *a1 = g_strdup_printf ("%smid.attn_1.", p);
  g_autofree char *b2 = g_strdup_printf ("%smid.block_2.", p);
  vae_res_block (names, b1, ch, ch);
  norm (names, a1, "norm", ch);
  proj_1x1 (names, a1, "q", ch, ch, FALSE);
  proj_1x1 (names, a1, "k", ch, ch, FALSE);
  proj_1x1 (names, a1, "v", ch, ch, FALSE);
  proj_1x1 (names, a1, "proj_out", ch, ch, FALSE);
  vae_res_block (names, b2, ch, ch);
}

#define VAE_Z 4

/* AutoencoderKL at SD's ddconfig (ch 128, ch_mult 1,2,4,4, two ResnetBlocks
 * a level, attention only in the middle, z 4, double_z); base channels
 * vae_ch. */
void
at_sd_names_vae (GPtrArray *names, const char *prefix, guint vae_ch)
{
  g_autofree char *enc = g_strdup_printf ("%sencoder.", prefix);
  g_autofree char *dec = g_strdup_printf ("%sdecoder.", prefix);
  conv (names, enc, "conv_in", (gint64) vae_ch, 3, 3);
  gint64 ch = (gint64) vae_ch;
  for (guint level = 0; level < N_LEVELS; level++)
    {
      gint64 out = (gint64) vae_ch * channel_mult[level];
      for (guint r = 0; r < RES_BLOCKS; r++)
        {
          g_autofree char *p = g_strdup_printf ("%sdown.%u.block.%u.", enc, level, r);
          vae_res_block (names, p, ch, out);
          ch = out;
        }
      if (level + 1 < N_LEVELS)
        {
          g_autofree char *p = g_strdup_printf ("%sdown.%u.downsample.", enc, level);
          conv (names, p, "conv", ch, ch, 3);
        }
    }
  vae_mid (names, enc, ch);
  norm (names, enc, "norm_out", ch);
  conv (names, enc, "conv_out", 2 * VAE_Z, ch, 3);

  ch = (gint64) vae_ch * channel_mult[N_LEVELS - 1];
  conv (names, dec, "conv_in", ch, VAE_Z, 3);
  vae_mid (names, dec, ch);
  for (gint level = N_LEVELS - 1; level >= 0; level--)
    {
      gint64 out = (gint64) vae_ch * channel_mult[level];
      for (guint r = 0; r <= RES_BLOCKS; r++)
        {
          g_autofree char *p = g_strdup_printf ("%sup.%d.block.%u.", dec, level, r);
          vae_res_block (names, p, ch, out);
          ch = out;
        }
      if (level > 0)
        {
          g_autofree char *p = g_strdup_printf ("%sup.%d.upsample.", dec, level);
          conv (names, p, "conv", ch, ch, 3);
        }
    }
  norm (names, dec, "norm_out", ch);
  conv (names, dec, "conv_out", 3, ch, 3);
  conv (names, prefix, "quant_conv", 2 * VAE_Z, 2 * VAE_Z, 1);
  conv (names, prefix, "post_quant_conv", VAE_Z, VAE_Z, 1);
}

/* transformers' CLIPTextModel names ("text_model." included in prefix) */
void
at_sd_names_clip_hf (GPtrArray *names, const char *prefix, const AtSdTextConfig *c)
{
  gint64 w = c->width;
  ADD (AT_SD_NAME_OPTIONAL | AT_SD_NAME_ANY_DTYPE | AT_SD_NAME_FLAT_OK, (1, c->context_length),
       "%sembeddings.position_ids", prefix);
  ADD (0, (c->vocab, w), "%sembeddings.token_embedding.weight", prefix);
  ADD (0, (c->context_length, w), "%sembeddings.position_embedding.weight", prefix);
  for (guint i = 0; i < c->layers; i++)
    {
      g_autofree char *p = g_strdup_printf ("%sencoder.layers.%u.", prefix, i);
      linear (names, p, "self_attn.q_proj", w, w, TRUE);
      linear (names, p, "self_attn.k_proj", w, w, TRUE);
      linear (names, p, "self_attn.v_proj", w, w, TRUE);
      linear (names, p, "self_attn.out_proj", w, w, TRUE);
      norm (names, p, "layer_norm1", w);
      norm (names, p, "layer_norm2", w);
      linear (names, p, "mlp.fc1", 4 * w, w, TRUE);
      linear (names, p, "mlp.fc2", w, 4 * w, TRUE);
    }
  norm (names, prefix, "final_layer_norm", w);
}

/* open_clip's CLIP with the visual tower deleted */
void
at_sd_names_open_clip (GPtrArray *names, const char *prefix, const AtSdTextConfig *c)
{
  gint64 w = c->width;
  ADD (0, (c->context_length, w), "%spositional_embedding", prefix);
  ADD (AT_SD_NAME_OPTIONAL, (w, c->embed_dim), "%stext_projection", prefix);
  at_sd_names_add (names, AT_SD_NAME_OPTIONAL, 0, NULL, "%slogit_scale", prefix);
  ADD (0, (c->vocab, w), "%stoken_embedding.weight", prefix);
  norm (names, prefix, "ln_final", w);
  for (guint i = 0; i < c->layers; i++)
    {
      g_autofree char *p = g_strdup_printf ("%stransformer.resblocks.%u.", prefix, i);
      norm (names, p, "ln_1", w);
      ADD (0, (3 * w, w), "%sattn.in_proj_weight", p);
      ADD (0, (3 * w), "%sattn.in_proj_bias", p);
      linear (names, p, "attn.out_proj", w, w, TRUE);
      norm (names, p, "ln_2", w);
      linear (names, p, "mlp.c_fc", 4 * w, w, TRUE);
      linear (names, p, "mlp.c_proj", w, 4 * w, TRUE);
    }
}
