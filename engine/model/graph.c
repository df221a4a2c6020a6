/* graph.c — operators that allocate their outputs, with a sticky error. */
#define G_LOG_DOMAIN "atelier-model"

#include "model/graph.h"
#include "model/graph-split.h"

AtGraph *
at_graph_new (AtGpu *gpu, GError **error)
{
  AtCmd *cmd = at_cmd_new (gpu, error);
  if (cmd == NULL)
    return NULL;
  AtGraph *g = g_new0 (AtGraph, 1);
  g->gpu = gpu;
  g->cmd = cmd;
  g->tensors = g_ptr_array_new_with_free_func ((GDestroyNotify) at_tensor_free);
  return g;
}

void
at_graph_free (AtGraph *g)
{
  if (g == NULL)
    return;
  /* The command list references the tensors' buffers: free it first. */
  at_cmd_free (g->cmd);
  g_ptr_array_unref (g->tensors);
  g_clear_error (&g->error);
  g_free (g);
}

gboolean
at_graph_finish (AtGraph *g, GError **error)
{
  if (g->error == NULL)
    return TRUE;
  /* the graph stays failed: later calls report the same error */
  g_propagate_error (error, g_error_copy (g->error));
  return FALSE;
}

gboolean
at_graph_run (AtGraph *g, GError **error)
{
  return at_graph_finish (g, error) && at_cmd_submit (g->cmd, error);
}

void
at_graph_fail (AtGraph *g, GError *error)
{
  if (g->error == NULL)
    g->error = error;
  else
    g_error_free (error);
}

static AtTensor *
keep (AtGraph *g, AtTensor *t)
{
  if (t != NULL)
    g_ptr_array_add (g->tensors, t);
  return t;
}

AtTensor *
at_graph_tensor (AtGraph *g, guint ndim, const gint64 *shape)
{
  if (g->error != NULL)
    return NULL;
  return keep (g, at_tensor_new (g->gpu, ndim, shape, &g->error));
}

AtTensor *
at_graph_constant (AtGraph *g, const float *data, guint ndim, const gint64 *shape)
{
  AtTensor *t = at_graph_tensor (g, ndim, shape);
  if (t != NULL && !at_tensor_upload (t, data, &g->error))
    return NULL;
  return t;
}

AtTensor *
at_graph_reshape (AtGraph *g, AtTensor *x, guint ndim, const gint64 *shape)
{
  if (g->error != NULL)
    return NULL;
  AtTensor *view = at_tensor_view (x, 0, ndim, shape, &g->error);
  return keep (g, view);
}

/* Allocates out shaped like `like` with the last dimension replaced. */
static AtTensor *
like_with_last (AtGraph *g, AtTensor *like, gint64 last)
{
  gint64 shape[AT_TENSOR_MAX_DIMS];
  for (guint i = 0; i < like->ndim; i++)
    shape[i] = like->shape[i];
  shape[like->ndim - 1] = last;
  return at_graph_tensor (g, like->ndim, shape);
}

#define GUARD(...) \
  G_STMT_START { \
    AtTensor *args_[] = { __VA_ARGS__ }; \
    if (g->error != NULL) \
      return NULL; \
    for (gsize i_ = 0; i_ < G_N_ELEMENTS (args_); i_++) \
      g_assert (args_[i_] != NULL); \
  } G_STMT_END

/* Records op into out, or drops out and returns NULL on failure. */
#define RECORD(out, call) ((out) != NULL && (call) ? (out) : NULL)

AtTensor *
at_g_linear (AtGraph *g, AtTensor *x, AtTensor *weight, AtTensor *bias)
{
  return at_g_linear_fused (g, x, weight, bias, AT_ACTIVATION_NONE, NULL);
}

/* The epilogue to ask of a product: the residual only on GPUs. On CPU
 * devices (lavapipe) the register-blocked kernels with the residual
 * compiled in ran slower than they did without it plus the separate add
 * (BENCHMARKS.md), so there *add_after is set and the add is recorded after. */
static AtEpilogue
epilogue_for (AtGraph *g, AtActivation activation, AtTensor *residual, AtTensor **add_after)
{
  gboolean cpu = at_gpu_get_device_info (g->gpu)->type == AT_GPU_DEVICE_CPU;
  *add_after = cpu ? residual : NULL;
  return (AtEpilogue) { activation, cpu ? NULL : residual };
}

/* The epilogue as operators of their own, after a split product. */
static AtTensor *
split_epilogue (AtGraph *g, AtTensor *y, AtActivation activation, AtTensor *residual)
{
  if (activation == AT_ACTIVATION_SILU)
    y = at_g_silu (g, y);
  else if (activation == AT_ACTIVATION_GELU)
    y = at_g_gelu (g, y);
  return y != NULL && residual != NULL ? at_g_add (g, y, residual) : y;
}

AtTensor *
at_g_linear_fused (AtGraph *g, AtTensor *x, AtTensor *weight, AtTensor *bias, AtActivation activation,
                   AtTensor *residual)
{
  GUARD (x, weight);
  AtTensor *y = like_with_last (g, x, weight->shape[0]), *add_after;
  if (y != NULL && !AT_GRAPH_FITS (g, x, weight, y))
    return split_epilogue (g, RECORD (y, at_graph_split_linear (g, x, weight, bias, y)), activation, residual);
  AtEpilogue epilogue = epilogue_for (g, activation, residual, &add_after);
  y = RECORD (y, at_op_linear_full (g->cmd, x, weight, bias, &epilogue, y, NULL, &g->error));
  return add_after != NULL ? at_g_add (g, y, add_after) : y;
}

AtTensor *
at_g_conv2d (AtGraph *g, AtTensor *x, AtTensor *weight, AtTensor *bias, int stride, int padding)
{
  return at_g_conv2d_fused (g, x, weight, bias, stride, padding, AT_ACTIVATION_NONE, NULL);
}

AtTensor *
at_g_conv2d_fused (AtGraph *g, AtTensor *x, AtTensor *weight, AtTensor *bias, int stride, int padding,
                   AtActivation activation, AtTensor *residual)
{
  GUARD (x, weight);
  gint64 h = at_conv2d_output_size (x->shape[2], weight->shape[2], stride, padding);
  gint64 w = at_conv2d_output_size (x->shape[3], weight->shape[3], stride, padding);
  AtTensor *y = at_graph_tensor (g, AT_G_SHAPE (x->shape[0], weight->shape[0], h, w));
  if (y != NULL && !AT_GRAPH_FITS (g, x, weight, y))
    return split_epilogue (g, RECORD (y, at_graph_split_conv2d (g, x, weight, bias, stride, padding, y)),
                           activation, residual);
  AtConv2dParams params = { { stride, stride }, { padding, padding } };
  AtTensor *add_after;
  AtEpilogue epilogue = epilogue_for (g, activation, residual, &add_after);
  y = RECORD (y, at_op_conv2d_fused (g->cmd, x, weight, bias, &epilogue, y, &params, NULL, &g->error));
  return add_after != NULL ? at_g_add (g, y, add_after) : y;
}

AtTensor *
at_g_group_norm (AtGraph *g, AtTensor *x, guint groups, AtTensor *weight, AtTensor *bias,
                 float eps, gboolean silu)
{
  GUARD (x, weight, bias);
  AtTensor *y = at_graph_tensor (g, x->ndim, x->shape);
  if (y != NULL && !AT_GRAPH_FITS (g, x))
    return RECORD (y, at_graph_split_group_norm (g, x, groups, weight, bias, eps, silu, y));
  return RECORD (y, at_op_group_norm (g->cmd, x, groups, weight, bias, eps, silu, y, &g->error));
}

AtTensor *
at_g_layer_norm (AtGraph *g, AtTensor *x, AtTensor *weight, AtTensor *bias, float eps)
{
  GUARD (x, weight, bias);
  AtTensor *y = at_graph_tensor (g, x->ndim, x->shape);
  return RECORD (y, at_op_layer_norm (g->cmd, x, weight, bias, eps, y, &g->error));
}

AtTensor *
at_g_silu (AtGraph *g, AtTensor *x)
{
  GUARD (x);
  AtTensor *y = at_graph_tensor (g, x->ndim, x->shape);
  if (y != NULL && !AT_GRAPH_FITS (g, x))
    return RECORD (y, at_graph_split_map (g, AT_GRAPH_SPLIT_SILU, x, NULL, 0.0f, y));
  return RECORD (y, at_op_silu (g->cmd, x, y, &g->error));
}

AtTensor *
at_g_gelu (AtGraph *g, AtTensor *x)
{
  GUARD (x);
  AtTensor *y = at_graph_tensor (g, x->ndim, x->shape);
  if (y != NULL && !AT_GRAPH_FITS (g, x))
    return RECORD (y, at_graph_split_map (g, AT_GRAPH_SPLIT_GELU, x, NULL, 0.0f, y));
  return RECORD (y, at_op_gelu (g->cmd, x, y, &g->error));
}

/* The output of a broadcasting binary operator: the larger input's shape. */
static AtTensor *
broadcast_result (AtGraph *g, AtTensor *a, AtTensor *b)
{
  AtTensor *big = at_tensor_numel (a) >= at_tensor_numel (b) ? a : b;
  return at_graph_tensor (g, big->ndim, big->shape);
}

AtTensor *
at_g_add (AtGraph *g, AtTensor *a, AtTensor *b)
{
  GUARD (a, b);
  AtTensor *y = broadcast_result (g, a, b);
  if (y != NULL && !AT_GRAPH_FITS (g, y))
    return RECORD (y, at_graph_split_map (g, AT_GRAPH_SPLIT_ADD, a, b, 0.0f, y));
  return RECORD (y, at_op_add (g->cmd, a, b, y, &g->error));
}

AtTensor *
at_g_attention (AtGraph *g, AtTensor *q, AtTensor *k, AtTensor *v, guint heads)
{
  return at_g_attention_counted (g, q, k, v, NULL, heads);
}

AtTensor *
at_g_attention_counted (AtGraph *g, AtTensor *q, AtTensor *k, AtTensor *v, AtTensor *key_counts, guint heads)
{
  GUARD (q, k, v);
  AtTensor *y = at_graph_tensor (g, q->ndim, q->shape);
  if (y != NULL && key_counts == NULL && !AT_GRAPH_FITS (g, q, k, v))
    return RECORD (y, at_graph_split_attention (g, q, k, v, heads, y));
  return RECORD (y, at_op_attention_counted (g->cmd, q, k, v, key_counts, heads, 0.0f, NULL, y, &g->error));
}

AtTensor *
at_g_concat (AtGraph *g, AtTensor *a, AtTensor *b, int dim)
{
  GUARD (a, b);
  gint64 shape[AT_TENSOR_MAX_DIMS];
  for (guint i = 0; i < a->ndim; i++)
    shape[i] = a->shape[i];
  shape[dim] += b->shape[dim];
  AtTensor *y = at_graph_tensor (g, a->ndim, shape);
  if (y != NULL && !AT_GRAPH_FITS (g, y))
    return RECORD (y, at_graph_split_concat (g, a, b, dim, y));
  return RECORD (y, at_op_concat (g->cmd, a, b, dim, y, &g->error));
}

AtTensor *
at_g_transpose (AtGraph *g, AtTensor *x)
{
  GUARD (x);
  AtTensor *y = at_graph_tensor (g, AT_G_SHAPE (x->shape[0], x->shape[2], x->shape[1]));
  return RECORD (y, at_op_transpose (g->cmd, x, y, &g->error));
}

AtTensor *
at_g_avg_pool2x2 (AtGraph *g, AtTensor *x)
{
  GUARD (x);
  AtTensor *y = at_graph_tensor (g, AT_G_SHAPE (x->shape[0], x->shape[1], x->shape[2] / 2, x->shape[3] / 2));
  return RECORD (y, at_op_avg_pool2x2 (g->cmd, x, y, &g->error));
}

AtTensor *
at_g_upsample2x (AtGraph *g, AtTensor *x)
{
  GUARD (x);
  AtTensor *y = at_graph_tensor (g, AT_G_SHAPE (x->shape[0], x->shape[1], x->shape[2] * 2, x->shape[3] * 2));
  if (y != NULL && !AT_GRAPH_FITS (g, y))
    return RECORD (y, at_graph_split_upsample2x (g, x, y));
  return RECORD (y, at_op_upsample_nearest2x (g->cmd, x, y, &g->error));
}

AtTensor *
at_g_timestep_embedding (AtGraph *g, AtTensor *t, guint dim, float multiplier)
{
  GUARD (t);
  AtTensor *y = at_graph_tensor (g, AT_G_SHAPE (t->shape[0], dim));
  return RECORD (y, at_op_timestep_embedding (g->cmd, t, multiplier, y, &g->error));
}

AtTensor *
at_g_stft_power (AtGraph *g, AtTensor *wave, AtTensor *window, guint hop, gint64 n_frames)
{
  GUARD (wave, window);
  AtTensor *y = at_graph_tensor (g, AT_G_SHAPE (n_frames, at_tensor_numel (window) / 2 + 1));
  return RECORD (y, at_op_stft_power (g->cmd, wave, window, hop, y, &g->error));
}

AtTensor *
at_g_log (AtGraph *g, AtTensor *x, float floor_value, float offset, float div)
{
  GUARD (x);
  AtTensor *y = at_graph_tensor (g, x->ndim, x->shape);
  return RECORD (y, at_op_log (g->cmd, x, floor_value, offset, div, y, &g->error));
}

AtTensor *
at_g_mean_tokens (AtGraph *g, AtTensor *x)
{
  GUARD (x);
  gint64 n = x->shape[1];
  g_autofree float *weights = g_new (float, n);
  for (gint64 i = 0; i < n; i++)
    weights[i] = 1.0f / n;
  /* [1, 1, L] · [B, L, C] -> [B, 1, C], the averaging row broadcast over B */
  AtTensor *row = at_graph_constant (g, weights, AT_G_SHAPE (1, 1, n));
  AtTensor *y = at_graph_tensor (g, AT_G_SHAPE (x->shape[0], 1, x->shape[2]));
  if (!RECORD (y, at_op_matmul (g->cmd, row, x, y, 0, &g->error)))
    return NULL;
  return at_graph_reshape (g, y, AT_G_SHAPE (x->shape[0], x->shape[2]));
}

AtTensor *
at_g_quick_gelu (AtGraph *g, AtTensor *x)
{
  GUARD (x);
  AtTensor *y = at_graph_tensor (g, x->ndim, x->shape);
  if (y != NULL && !AT_GRAPH_FITS (g, x))
    return RECORD (y, at_graph_split_map (g, AT_GRAPH_SPLIT_QUICK_GELU, x, NULL, 0.0f, y));
  return RECORD (y, at_op_quick_gelu (g->cmd, x, y, &g->error));
}

AtTensor *
at_g_gelu_erf (AtGraph *g, AtTensor *x)
{
  GUARD (x);
  AtTensor *y = at_graph_tensor (g, x->ndim, x->shape);
  if (y != NULL && !AT_GRAPH_FITS (g, x))
    return RECORD (y, at_graph_split_map (g, AT_GRAPH_SPLIT_GELU_ERF, x, NULL, 0.0f, y));
  return RECORD (y, at_op_gelu_erf (g->cmd, x, y, &g->error));
}

AtTensor *
at_g_causal_attention (AtGraph *g, AtTensor *q, AtTensor *k, AtTensor *v, guint heads)
{
  GUARD (q, k, v);
  AtTensor *y = at_graph_tensor (g, q->ndim, q->shape);
  return RECORD (y, at_op_causal_attention (g->cmd, q, k, v, heads, 0.0f, y, &g->error));
}

AtTensor *
at_g_matmul (AtGraph *g, AtTensor *a, AtTensor *b, AtMatmulFlags flags)
{
  GUARD (a, b);
  gint64 m = (flags & AT_MATMUL_TRANS_A) ? at_tensor_dim (a, -1) : at_tensor_dim (a, -2);
  gint64 n = (flags & AT_MATMUL_TRANS_B) ? at_tensor_dim (b, -2) : at_tensor_dim (b, -1);
  gint64 shape[AT_TENSOR_MAX_DIMS];
  AtTensor *batched = a->ndim >= b->ndim ? a : b;
  for (guint i = 0; i + 2 < batched->ndim; i++)
    shape[i] = batched->shape[i];
  shape[batched->ndim - 2] = m;
  shape[batched->ndim - 1] = n;
  AtTensor *y = at_graph_tensor (g, batched->ndim, shape);
  if (y != NULL && !AT_GRAPH_FITS (g, a, b, y))
    return RECORD (y, at_graph_split_matmul (g, a, b, flags, y));
  return RECORD (y, at_op_matmul (g->cmd, a, b, y, flags, &g->error));
}

AtTensor *
at_g_softmax (AtGraph *g, AtTensor *x)
{
  GUARD (x);
  AtTensor *y = at_graph_tensor (g, x->ndim, x->shape);
  if (y != NULL && !AT_GRAPH_FITS (g, x))
    return RECORD (y, at_graph_split_softmax (g, x, y));
  return RECORD (y, at_op_softmax (g->cmd, x, y, &g->error));
}

AtTensor *
at_g_scale (AtGraph *g, AtTensor *x, float alpha)
{
  GUARD (x);
  AtTensor *y = at_graph_tensor (g, x->ndim, x->shape);
  if (y != NULL && !AT_GRAPH_FITS (g, x))
    return RECORD (y, at_graph_split_map (g, AT_GRAPH_SPLIT_SCALE, x, NULL, alpha, y));
  return RECORD (y, at_op_scale (g->cmd, x, alpha, 0.0f, y, &g->error));
}

AtTensor *
at_g_mul (AtGraph *g, AtTensor *a, AtTensor *b)
{
  GUARD (a, b);
  AtTensor *y = broadcast_result (g, a, b);
  if (y != NULL && !AT_GRAPH_FITS (g, y))
    return RECORD (y, at_graph_split_map (g, AT_GRAPH_SPLIT_MUL, a, b, 0.0f, y));
  return RECORD (y, at_op_mul (g->cmd, a, b, y, &g->error));
}
