/* article-fusion.c — three feature vectors, one attention, one vector. */
#define G_LOG_DOMAIN "atelier-model"

#include "model/article-fusion.h"

/* Row block `part` (0 q, 1 k, 2 v) of the packed in-projection. */
static void
slice_projection (AtLoader *l, AtArticleFusion *f, AtTensor *weight, AtTensor *bias, int part,
                  AtLinear *out)
{
  const gint64 d = AT_ARTICLE_WIDTH;
  if (l->error != NULL)
    return;
  out->weight = at_tensor_view (weight, part * d * d, 2, AT_SHAPE (d, d), &l->error);
  if (out->weight != NULL)
    g_ptr_array_add (f->views, out->weight);
  if (l->error == NULL)
    out->bias = at_tensor_view (bias, part * d, 1, AT_SHAPE (d), &l->error);
  if (out->bias != NULL)
    g_ptr_array_add (f->views, out->bias);
}

AtArticleFusion *
at_article_fusion_load (AtWeights *weights, GError **error)
{
  const int d = AT_ARTICLE_WIDTH;
  g_autoptr (AtArticleFusion) f = g_new0 (AtArticleFusion, 1);
  f->views = g_ptr_array_new_with_free_func ((GDestroyNotify) at_tensor_free);
  AtLoader l = { weights, NULL, NULL };
  at_linear_load (&l, &f->txt_fc, AT_ARTICLE_TEXT_DIM, d, "txt_fc");
  at_linear_load (&l, &f->img_fc, AT_ARTICLE_IMAGE_DIM, d, "img_fc");
  at_linear_load (&l, &f->aud_fc, AT_ARTICLE_AUDIO_DIM, d, "aud_fc");
  AtTensor *in_w = at_loader_get (&l, AT_G_SHAPE (3 * d, d), "attn.in_proj_weight");
  AtTensor *in_b = at_loader_get (&l, AT_G_SHAPE (3 * d), "attn.in_proj_bias");
  for (int part = 0; part < 3; part++)
    slice_projection (&l, f, in_w, in_b, part, part == 0 ? &f->q : part == 1 ? &f->k : &f->v);
  at_linear_load (&l, &f->out_proj, d, d, "attn.out_proj");
  at_linear_load (&l, &f->out, d, d, "out");
  if (l.error != NULL)
    {
      g_propagate_error (error, l.error);
      return NULL;
    }
  return g_steal_pointer (&f);
}

void
at_article_fusion_free (AtArticleFusion *f)
{
  if (f == NULL)
    return;
  g_ptr_array_unref (f->views);
  g_free (f);
}

/* [B, C] -> [B, 1, C]: one token per batch element. */
static AtTensor *
as_token (AtGraph *g, AtTensor *x)
{
  return x != NULL ? at_graph_reshape (g, x, AT_G_SHAPE (x->shape[0], 1, x->shape[1])) : NULL;
}

AtTensor *
at_article_fusion_forward (AtGraph *g, const AtArticleFusion *f, AtTensor *txt, AtTensor *img,
                           AtTensor *aud)
{
  AtTensor *seq = at_g_concat (g, as_token (g, at_linear_forward (g, &f->txt_fc, txt)),
                               as_token (g, at_linear_forward (g, &f->img_fc, img)), 1);
  seq = at_g_concat (g, seq, as_token (g, at_linear_forward (g, &f->aud_fc, aud)), 1);  /* [B, 3, 128] */
  AtTensor *q = at_linear_forward (g, &f->q, seq);
  AtTensor *k = at_linear_forward (g, &f->k, seq);
  AtTensor *v = at_linear_forward (g, &f->v, seq);
  AtTensor *y = at_linear_forward (g, &f->out_proj, at_g_attention (g, q, k, v, AT_ARTICLE_HEADS));
  return at_linear_forward (g, &f->out, at_g_mean_tokens (g, y));
}
