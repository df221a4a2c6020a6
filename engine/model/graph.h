/* graph.h — records a model's forward pass as one replayable command list.
 *
 * An AtGraph owns an AtCmd and every intermediate tensor its operators
 * produce, so activations are allocated once when the graph is built (once
 * per request and resolution) and reused on every replay. Each operator
 * returns a new tensor. The first failure is kept in the graph and turns
 * every later call into a no-op returning NULL, so a forward() reads like
 * its PyTorch original and checks for errors once, in at_graph_finish().
 */
#pragma once

#include "ops/ops.h"

G_BEGIN_DECLS

typedef struct {
  AtGpu *gpu;
  AtCmd *cmd;
  GPtrArray *tensors;   /* AtTensor*, owned */
  GError *error;        /* the first failure, if any */
} AtGraph;

AtGraph *at_graph_new (AtGpu *gpu, GError **error);
void at_graph_free (AtGraph *g);
/* TRUE when every operator recorded; else moves the first error out. */
gboolean at_graph_finish (AtGraph *g, GError **error);
/* Submits the recorded list and waits. */
gboolean at_graph_run (AtGraph *g, GError **error);
/* Keeps a failure from code outside the graph's operators. */
void at_graph_fail (AtGraph *g, GError *error);

/* A new activation tensor owned by the graph (contents undefined). */
AtTensor *at_graph_tensor (AtGraph *g, guint ndim, const gint64 *shape);
/* A graph-owned tensor holding data (uploaded now). */
AtTensor *at_graph_constant (AtGraph *g, const float *data, guint ndim, const gint64 *shape);
/* A graph-owned view of x with another shape (same elements). */
AtTensor *at_graph_reshape (AtGraph *g, AtTensor *x, guint ndim, const gint64 *shape);

#define AT_G_SHAPE(...) AT_NDIM (__VA_ARGS__), AT_SHAPE (__VA_ARGS__)

AtTensor *at_g_linear (AtGraph *g, AtTensor *x, AtTensor *weight, AtTensor *bias);
AtTensor *at_g_conv2d (AtGraph *g, AtTensor *x, AtTensor *weight, AtTensor *bias, int stride, int padding);
/* The same with an epilogue: activation (x · wᵀ + bias) + residual
 * (ops/epilogue.h; residual NULL: none), the residual added in the kernel on
 * GPUs and as an add of its own on CPU devices. The conv2d bias may be
 * [N, Cout]. */
AtTensor *at_g_linear_fused (AtGraph *g, AtTensor *x, AtTensor *weight, AtTensor *bias, AtActivation activation,
                             AtTensor *residual);
AtTensor *at_g_conv2d_fused (AtGraph *g, AtTensor *x, AtTensor *weight, AtTensor *bias, int stride, int padding,
                             AtActivation activation, AtTensor *residual);
AtTensor *at_g_group_norm (AtGraph *g, AtTensor *x, guint groups, AtTensor *weight, AtTensor *bias,
                           float eps, gboolean silu);
AtTensor *at_g_layer_norm (AtGraph *g, AtTensor *x, AtTensor *weight, AtTensor *bias, float eps);
AtTensor *at_g_silu (AtGraph *g, AtTensor *x);
AtTensor *at_g_gelu (AtGraph *g, AtTensor *x);
AtTensor *at_g_add (AtGraph *g, AtTensor *a, AtTensor *b);
AtTensor *at_g_attention (AtGraph *g, AtTensor *q, AtTensor *k, AtTensor *v, guint heads);
/* Batch item b attends to its first key_counts[b] keys (NULL: all). */
AtTensor *at_g_attention_counted (AtGraph *g, AtTensor *q, AtTensor *k, AtTensor *v, AtTensor *key_counts,
                                  guint heads);
AtTensor *at_g_concat (AtGraph *g, AtTensor *a, AtTensor *b, int dim);
AtTensor *at_g_transpose (AtGraph *g, AtTensor *x);          /* [B, R, C] -> [B, C, R] */
AtTensor *at_g_avg_pool2x2 (AtGraph *g, AtTensor *x);
AtTensor *at_g_upsample2x (AtGraph *g, AtTensor *x);
AtTensor *at_g_timestep_embedding (AtGraph *g, AtTensor *t, guint dim, float multiplier);
/* Power spectra [n_frames, n_fft/2 + 1] of wave's frames (at_op_stft_power). */
AtTensor *at_g_stft_power (AtGraph *g, AtTensor *wave, AtTensor *window, guint hop, gint64 n_frames);
/* (ln(max(x, floor_value)) + offset) / div (at_op_log). */
AtTensor *at_g_log (AtGraph *g, AtTensor *x, float floor_value, float offset, float div);
/* Mean over dimension 1 of x [B, L, C] -> [B, C]. */
AtTensor *at_g_mean_tokens (AtGraph *g, AtTensor *x);
/* CLIP's activations (at_op_quick_gelu, at_op_gelu_erf) and masked
 * self-attention (at_op_causal_attention). */
AtTensor *at_g_quick_gelu (AtGraph *g, AtTensor *x);
AtTensor *at_g_gelu_erf (AtGraph *g, AtTensor *x);
AtTensor *at_g_causal_attention (AtGraph *g, AtTensor *q, AtTensor *k, AtTensor *v, guint heads);
/* op(a) · op(b) (at_op_matmul), softmax over the last dimension, alpha·x. */
AtTensor *at_g_matmul (AtGraph *g, AtTensor *a, AtTensor *b, AtMatmulFlags flags);
AtTensor *at_g_softmax (AtGraph *g, AtTensor *x);
AtTensor *at_g_scale (AtGraph *g, AtTensor *x, float alpha);
/* a * b with NumPy broadcasting (at_op_mul). */
AtTensor *at_g_mul (AtGraph *g, AtTensor *a, AtTensor *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtGraph, at_graph_free)

G_END_DECLS
