/* clip-text.c — CLIP text towers of SD checkpoints (clip-text.h). */
#include "sd/clip-text.h"

#include "model/graph.h"
#include "sd/sd-weights.h"

#define LN_EPS 1e-5f

typedef struct {
  AtTensor *w, *b;
} Param;

typedef struct {
  Param ln1, q, k, v, o, ln2, fc1, fc2;
} Block;

struct _AtClipText {
  AtGpu *gpu;
  AtSdWeights *weights;
  AtSdTextConfig config;
  gboolean quick_gelu;
  guint n_blocks;        /* blocks run */
  Block *blocks;
  Param ln_final;
  char *token_name;
  float *positions;      /* [context_length, width] on the host */
};

/* The names of one tower layout. */
typedef struct {
  const char *token, *position, *ln_final;
  const char *block;     /* a block's prefix before its index */
  const char *ln1, *ln2, *fc1, *fc2, *out_proj;
  const char *q, *k, *v; /* NULL: one in_proj tensor */
} Layout;

static const Layout hf_layout = {
  "embeddings.token_embedding.weight", "embeddings.position_embedding.weight", "final_layer_norm",
  "encoder.layers.", "layer_norm1", "layer_norm2", "mlp.fc1", "mlp.fc2", "self_attn.out_proj",
  "self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj",
};

static const Layout open_clip_layout = {
  "token_embedding.weight", "positional_embedding", "ln_final",
  "transformer.resblocks.", "ln_1", "ln_2", "mlp.c_fc", "mlp.c_proj", "attn.out_proj",
  NULL, NULL, NULL,
};

static Param
load_param (AtSdWeights *w, const char *prefix, const char *what, gint64 out, gint64 in)
{
  g_autofree char *wn = g_strconcat (prefix, what, ".weight", NULL);
  g_autofree char *bn = g_strconcat (prefix, what, ".bias", NULL);
  Param p;
  p.w = in > 0 ? at_sd_weights_get_product (w, wn, 2, (gint64[]) { out, in }) : at_sd_weights_get (w, wn, 1, &out);
  p.b = at_sd_weights_get (w, bn, 1, &out);
  return p;
}

/* Rows part*width.. of open_clip's in_proj weight and bias. */
static Param
load_in_proj (AtSdWeights *w, const char *prefix, guint part, gint64 width)
{
  g_autofree char *wn = g_strconcat (prefix, "attn.in_proj_weight", NULL);
  g_autofree char *bn = g_strconcat (prefix, "attn.in_proj_bias", NULL);
  Param p;
  p.w = at_sd_weights_get_product_rows (w, wn, part * width, width, 2, (gint64[]) { width, width });
  p.b = at_sd_weights_get_rows (w, bn, part * width, width, 1, &width);
  return p;
}

static void
load_block (AtClipText *m, const Layout *l, const char *prefix, guint index, Block *b)
{
  g_autofree char *p = g_strdup_printf ("%s%s%u.", prefix, l->block, index);
  AtSdWeights *w = m->weights;
  gint64 d = m->config.width;
  b->ln1 = load_param (w, p, l->ln1, d, 0);
  b->ln2 = load_param (w, p, l->ln2, d, 0);
  if (l->q != NULL)
    {
      b->q = load_param (w, p, l->q, d, d);
      b->k = load_param (w, p, l->k, d, d);
      b->v = load_param (w, p, l->v, d, d);
    }
  else
    {
      b->q = load_in_proj (w, p, 0, d);
      b->k = load_in_proj (w, p, 1, d);
      b->v = load_in_proj (w, p, 2, d);
    }
  b->o = load_param (w, p, l->out_proj, d, d);
  b->fc1 = load_param (w, p, l->fc1, 4 * d, d);
  b->fc2 = load_param (w, p, l->fc2, d, 4 * d);
}

AtClipText *
at_clip_text_new (AtGpu *gpu, AtSafetensors *file, const char *prefix, AtSdTextKind kind,
                  const AtSdTextConfig *config, gboolean quick_gelu, gboolean penultimate, GError **error)
{
  g_return_val_if_fail (kind == AT_SD_TEXT_CLIP_HF || kind == AT_SD_TEXT_OPEN_CLIP, NULL);
  g_return_val_if_fail (config->layers >= (penultimate ? 2u : 1u) && config->width % config->heads == 0, NULL);
  const Layout *l = kind == AT_SD_TEXT_CLIP_HF ? &hf_layout : &open_clip_layout;
  g_autoptr (AtClipText) m = g_new0 (AtClipText, 1);
  m->gpu = gpu;
  m->weights = at_sd_weights_new (gpu, file);
  m->config = *config;
  m->quick_gelu = quick_gelu;
  m->n_blocks = config->layers - (penultimate ? 1 : 0);
  m->blocks = g_new0 (Block, m->n_blocks);
  m->token_name = g_strconcat (prefix, l->token, NULL);
  for (guint i = 0; i < m->n_blocks; i++)
    load_block (m, l, prefix, i, &m->blocks[i]);
  m->ln_final = load_param (m->weights, prefix, l->ln_final, config->width, 0);
  g_autofree char *pos = g_strconcat (prefix, l->position, NULL);
  m->positions = g_new (float, (gsize) config->context_length * config->width);
  at_sd_weights_read_rows (m->weights, pos, 0, config->context_length, config->width, m->positions);
  /* the token table must have the vocabulary's rows of width elements */
  g_autofree float *row = g_new (float, config->width);
  at_sd_weights_read_rows (m->weights, m->token_name, config->vocab - 1, 1, config->width, row);
  if (!at_sd_weights_finish (m->weights, error))
    return NULL;
  return g_steal_pointer (&m);
}

AtClipText *
at_clip_text_new_for_arch (AtGpu *gpu, AtSafetensors *file, const AtSdArch *arch, GError **error)
{
  g_return_val_if_fail (arch->text_kind != AT_SD_TEXT_NONE, NULL);
  return at_clip_text_new (gpu, file, arch->text_prefix, arch->text_kind, &arch->text, arch->quick_gelu,
                           arch->penultimate, error);
}

void
at_clip_text_free (AtClipText *m)
{
  if (m == NULL)
    return;
  at_sd_weights_free (m->weights);
  g_free (m->blocks);
  g_free (m->token_name);
  g_free (m->positions);
  g_free (m);
}

static AtTensor *
linear (AtGraph *g, AtTensor *x, const Param *p)
{
  return at_g_linear (g, x, p->w, p->b);
}

static AtTensor *
block_forward (AtGraph *g, const AtClipText *m, const Block *b, AtTensor *x)
{
  AtTensor *h = at_g_layer_norm (g, x, b->ln1.w, b->ln1.b, LN_EPS);
  AtTensor *a = at_g_causal_attention (g, linear (g, h, &b->q), linear (g, h, &b->k), linear (g, h, &b->v),
                                       m->config.heads);
  x = at_g_add (g, x, linear (g, a, &b->o));
  h = linear (g, at_g_layer_norm (g, x, b->ln2.w, b->ln2.b, LN_EPS), &b->fc1);
  h = m->quick_gelu ? at_g_quick_gelu (g, h) : at_g_gelu_erf (g, h);
  return at_g_add (g, x, linear (g, h, &b->fc2));
}

/* token_embedding[ids] + positional_embedding, on the host. */
static float *
embed (AtClipText *m, const guint32 *ids, guint n_windows, GError **error)
{
  gsize len = m->config.context_length, width = m->config.width;
  g_autofree float *x = g_new (float, n_windows * len * width);
  for (gsize i = 0; i < n_windows * len; i++)
    {
      if (ids[i] >= m->config.vocab)
        {
          g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_MISMATCH, "token id %u is outside the vocabulary of %u",
                       ids[i], m->config.vocab);
          return NULL;
        }
      float *row = x + i * width;
      at_sd_weights_read_rows (m->weights, m->token_name, ids[i], 1, width, row);
      const float *pos = m->positions + (i % len) * width;
      for (gsize c = 0; c < width; c++)
        row[c] += pos[c];
    }
  if (!at_sd_weights_finish (m->weights, error))
    return NULL;
  return g_steal_pointer (&x);
}

gboolean
at_clip_text_encode (AtClipText *m, const guint32 *ids, guint n_windows, float *out, GError **error)
{
  g_return_val_if_fail (m != NULL && ids != NULL && out != NULL && n_windows > 0, FALSE);
  g_autofree float *x0 = embed (m, ids, n_windows, error);
  if (x0 == NULL)
    return FALSE;
  g_autoptr (AtGraph) g = at_graph_new (m->gpu, error);
  if (g == NULL)
    return FALSE;
  AtTensor *x = at_graph_constant (g, x0, AT_G_SHAPE (n_windows, m->config.context_length, m->config.width));
  for (guint i = 0; i < m->n_blocks; i++)
    x = block_forward (g, m, &m->blocks[i], x);
  x = at_g_layer_norm (g, x, m->ln_final.w, m->ln_final.b, LN_EPS);
  return at_graph_finish (g, error) && at_graph_run (g, error) && at_tensor_download (x, out, error);
}
