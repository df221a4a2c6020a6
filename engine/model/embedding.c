/* embedding.c — contrastive text and sketch embeddings (embedding.h). */
#define G_LOG_DOMAIN "atelier-engine"

#include <math.h>

#include "conditioning.h"
#include "model/embedding.h"

AtEmbedHeads *
at_embed_heads_load (AtModel *model, GError **error)
{
  const AtModelConfig *c = model->config;
  g_autoptr (AtEmbedHeads) h = g_new0 (AtEmbedHeads, 1);
  h->dim = c->embed_dim;
  h->width = c->width;
  if ((h->text_w = at_weights_get_host (model->weights, "text_head.weight", AT_G_SHAPE (h->dim, h->width), error)) == NULL
      || (h->text_b = at_weights_get_host (model->weights, "text_head.bias", AT_G_SHAPE (h->dim), error)) == NULL
      || (h->sketch_w = at_weights_get_host (model->weights, "sketch_head.weight", AT_G_SHAPE (h->dim, h->width), error)) == NULL
      || (h->sketch_b = at_weights_get_host (model->weights, "sketch_head.bias", AT_G_SHAPE (h->dim), error)) == NULL)
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
  g_free (heads);
}

/* Runs the graph, averages tokens [1, L, width] and applies the head. */
static float *
head_of_tokens (AtGraph *g, AtTensor *tokens, int width, int dim, const float *w, const float *b, GError **error)
{
  if (!at_graph_run (g, error))
    return NULL;
  gsize n = (gsize) at_tensor_numel (tokens);
  g_autofree float *x = g_new (float, n);
  if (!at_tensor_download (tokens, x, error))
    return NULL;
  gsize count = n / width;
  g_autofree double *mean = g_new0 (double, width);
  for (gsize t = 0; t < count; t++)
    for (int c = 0; c < width; c++)
      mean[c] += x[t * width + c] / (double) count;
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
