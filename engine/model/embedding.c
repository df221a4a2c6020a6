/* embedding.c — contrastive embeddings (embedding.h). */
#define G_LOG_DOMAIN "atelier-engine"

#include <math.h>
#include <string.h>

#include "audio/mel.h"
#include "conditioning.h"
#include "model/embedding.h"

/* Host copies of one head's weight [dim, in] and bias [dim]. */
static gboolean
load_head (AtModel *model, const char *name, int dim, int in, float **w, float **b, GError **error)
{
  g_autofree char *wname = g_strconcat (name, ".weight", NULL);
  g_autofree char *bname = g_strconcat (name, ".bias", NULL);
  return (*w = at_weights_get_host (model->weights, wname, AT_G_SHAPE (dim, in), error)) != NULL
         && (*b = at_weights_get_host (model->weights, bname, AT_G_SHAPE (dim), error)) != NULL;
}

static gboolean
load_image_encoder (AtModel *model, AtEmbedHeads *h, GError **error)
{
  const AtModelConfig *c = model->config;
  AtLoader l = { model->weights, c, NULL };
  int cin = c->image_channels;
  for (int i = 0; i < 4; i++)
    {
      g_autofree char *name = g_strdup_printf ("image.convs.%d", i);
      at_conv_load (&l, &h->image_conv[i], cin, c->image_enc_channels[i], 3, 2, 1, name);
      cin = c->image_enc_channels[i];
    }
  if (l.error != NULL)
    {
      g_propagate_error (error, l.error);
      return FALSE;
    }
  h->image_channels = cin;
  return load_head (model, "image.proj", h->dim, cin, &h->image_w, &h->image_b, error);
}

AtEmbedHeads *
at_embed_heads_load (AtModel *model, GError **error)
{
  const AtModelConfig *c = model->config;
  g_autoptr (AtEmbedHeads) h = g_new0 (AtEmbedHeads, 1);
  h->dim = c->embed_dim;
  h->width = c->width;
  if (!load_head (model, "text_head", h->dim, h->width, &h->text_w, &h->text_b, error)
      || !load_head (model, "sketch_head", h->dim, h->width, &h->sketch_w, &h->sketch_b, error)
      || !load_head (model, "audio_head", h->dim, h->width, &h->audio_w, &h->audio_b, error)
      || !load_image_encoder (model, h, error))
    return NULL;
  return g_steal_pointer (&h);
}

void
at_embed_heads_free (AtEmbedHeads *heads)
{
  if (heads == NULL)
    return;
  g_free (heads->text_w);
  g_free (heads->text_b);
  g_free (heads->sketch_w);
  g_free (heads->sketch_b);
  g_free (heads->audio_w);
  g_free (heads->audio_b);
  g_free (heads->image_w);
  g_free (heads->image_b);
  g_free (heads);
}

/* Runs the graph and averages rows [count, width] of out (count = numel /
 * width), with stride apart between a row's elements: tokens [1, L, D] are
 * rows of width D (stride 1), feature maps [1, C, H, W] pixels of C
 * channels (stride H*W, row step 1). */
static double *
run_and_average (AtGraph *g, AtTensor *out, int width, gboolean channels_first, GError **error)
{
  if (!at_graph_run (g, error))
    return NULL;
  gsize n = (gsize) at_tensor_numel (out);
  g_autofree float *x = g_new (float, n);
  if (!at_tensor_download (out, x, error))
    return NULL;
  gsize count = n / width;
  double *mean = g_new0 (double, width);
  for (gsize t = 0; t < count; t++)
    for (int c = 0; c < width; c++)
      mean[c] += x[channels_first ? c * count + t : t * width + c] / (double) count;
  return mean;
}

/* w · mean + b, L2-normalised. */
static float *
project (const double *mean, int width, int dim, const float *w, const float *b)
{
  float *e = g_new (float, dim);
  double norm = 0.0;
  for (int o = 0; o < dim; o++)
    {
      double acc = b[o];
      for (int c = 0; c < width; c++)
        acc += (double) w[(gsize) o * width + c] * mean[c];
      e[o] = acc;
      norm += acc * acc;
    }
  norm = sqrt (norm) + 1e-12;
  for (int o = 0; o < dim; o++)
    e[o] /= norm;
  return e;
}

/* Runs the graph, averages tokens [1, L, width] and applies the head. */
static float *
head_of_tokens (AtGraph *g, AtTensor *tokens, int width, int dim, const float *w, const float *b, GError **error)
{
  g_autofree double *mean = run_and_average (g, tokens, width, FALSE, error);
  return mean != NULL ? project (mean, width, dim, w, b) : NULL;
}

float *
at_model_embed_text (AtModel *model, AtGpu *gpu, const AtEmbedHeads *heads, const char *text, GError **error)
{
  guint n = 0, unknown = 0;
  g_autofree guint32 *ids = at_tokenizer_encode (model->tokenizer, text != NULL ? text : "", &n, &unknown);
  if (n == 0 || unknown == n)
    return NULL;
  g_autoptr (AtGraph) g = at_graph_new (gpu, error);
  if (g == NULL)
    return NULL;
  AtTensor *tokens = at_model_text_forward (model, g, ids, n);
  return head_of_tokens (g, tokens, heads->width, heads->dim, heads->text_w, heads->text_b, error);
}

float *
at_model_embed_words (AtModel *model, AtGpu *gpu, const AtEmbedHeads *heads, const guint32 *ids, guint n,
                      guint len, GError **error)
{
  const AtModelConfig *c = model->config;
  int d = c->width;
  g_return_val_if_fail (len >= 1 && len <= (guint) c->text_max_tokens, NULL);
  /* at_model_text_forward() with a batch of n texts of len tokens */
  gsize rows = (gsize) n * len;
  g_autofree float *x0 = g_new (float, MAX (rows, 1) * d);
  for (gsize r = 0; r < rows; r++)
    for (int k = 0; k < d; k++)
      {
        guint32 id = ids[r] < (guint32) c->vocab_size ? ids[r] : 1;
        x0[r * d + k] = model->text_tok[(gsize) id * d + k] + model->text_pos[(r % len) * d + k];
      }
  g_autoptr (AtGraph) g = at_graph_new (gpu, error);
  if (g == NULL)
    return NULL;
  AtTensor *x = at_graph_constant (g, x0, AT_G_SHAPE (n, len, d));
  for (int i = 0; i < c->text_layers; i++)
    x = at_block_forward (g, &model->text_layers[i], x);
  x = at_g_layer_norm (g, x, model->text_ln.weight, model->text_ln.bias, c->ln_eps);
  if (!at_graph_run (g, error))
    return NULL;
  g_autofree float *tokens = g_new (float, rows * d);
  if (!at_tensor_download (x, tokens, error))
    return NULL;
  float *out = g_new (float, (gsize) n * heads->dim);
  g_autofree double *mean = g_new (double, d);
  for (guint i = 0; i < n; i++)
    {
      for (int k = 0; k < d; k++)
        {
          mean[k] = 0.0;
          for (guint t = 0; t < len; t++)
            mean[k] += tokens[((gsize) i * len + t) * d + k] / (double) len;
        }
      g_autofree float *e = project (mean, d, heads->dim, heads->text_w, heads->text_b);
      memcpy (out + (gsize) i * heads->dim, e, sizeof (float) * heads->dim);
    }
  return out;
}

float *
at_model_embed_sketch (AtModel *model, AtGpu *gpu, const AtEmbedHeads *heads, const AtImage *sketch,
                       GError **error)
{
  int size = model->config->image_size;
  g_autofree float *ink = at_sketch_to_model_input (sketch, size);
  g_autoptr (AtGraph) g = at_graph_new (gpu, error);
  if (g == NULL)
    return NULL;
  AtTensor *x = at_graph_constant (g, ink, AT_G_SHAPE (1, 1, size, size));
  AtTensor *tokens = at_model_sketch_forward (model, g, x);
  return head_of_tokens (g, tokens, heads->width, heads->dim, heads->sketch_w, heads->sketch_b, error);
}

float *
at_model_embed_audio (AtModel *model, AtGpu *gpu, const AtEmbedHeads *heads, const AtAudio *voice,
                      GError **error)
{
  g_autoptr (AtAudio) clip = at_mel_resample_clip (&model->config->mel, voice, error);
  if (clip == NULL)
    return NULL;
  g_autoptr (AtGraph) g = at_graph_new (gpu, error);
  if (g == NULL)
    return NULL;
  AtTensor *tokens = at_model_audio_forward (model, g, at_model_mel_forward (model, g, clip->samples, clip->n));
  return head_of_tokens (g, tokens, heads->width, heads->dim, heads->audio_w, heads->audio_b, error);
}

float *
at_model_embed_image_chw (AtModel *model, AtGpu *gpu, const AtEmbedHeads *heads, const float *chw, GError **error)
{
  int size = model->config->image_size;
  g_autoptr (AtGraph) g = at_graph_new (gpu, error);
  if (g == NULL)
    return NULL;
  AtTensor *x = at_graph_constant (g, chw, AT_G_SHAPE (1, model->config->image_channels, size, size));
  for (int i = 0; i < 4; i++)
    x = at_g_silu (g, at_conv_forward (g, &heads->image_conv[i], x));
  g_autofree double *mean = run_and_average (g, x, heads->image_channels, TRUE, error);
  return mean != NULL ? project (mean, heads->image_channels, heads->dim, heads->image_w, heads->image_b) : NULL;
}

float *
at_model_embed_image (AtModel *model, AtGpu *gpu, const AtEmbedHeads *heads, const AtImage *image, GError **error)
{
  guint size = (guint) model->config->image_size;
  g_autoptr (AtImage) rgb = at_image_convert (image, 3);
  g_autoptr (AtImage) small = at_image_resize (rgb, size, size, AT_IMAGE_FILTER_BILINEAR);
  g_autofree float *chw = at_image_to_chw_new (small);
  return at_model_embed_image_chw (model, gpu, heads, chw, error);
}
