/* graph-split.h — graph operators on activations larger than one
 * storage-buffer binding (at_gpu_max_binding_size(): 128 MiB on lavapipe,
 * where SD's VAE at 512 px holds 256 MiB feature maps, and at 768 px
 * 576 MiB ones and 324 MiB of attention scores; docs/ENGINE.md).
 *
 * graph.c calls these when an operand does not fit one binding. Each
 * records the same operator over views that do: consecutive rows of every
 * operand (whole channels of an image, tokens, elements), each view
 * starting at the device's binding alignment. A convolution is split over
 * output channels and summed over input-channel chunks (its weight cut to
 * match by copies); a group norm over whole groups; attention per batch
 * item by query rows. Weights must fit one binding but a convolution's or
 * a linear layer's, which are cut by rows. Results equal the unsplit
 * operator's but for the order of the convolution's sums.
 * Outputs are graph-owned; on failure the graph keeps the error.
 */
#pragma once

#include "model/graph.h"

G_BEGIN_DECLS

/* Whether every non-NULL tensor of ts fits one binding. */
gboolean at_graph_fits (AtGraph *g, AtTensor *const *ts, guint n);
#define AT_GRAPH_FITS(g, ...) \
  at_graph_fits ((g), (AtTensor *const[]) { __VA_ARGS__ }, G_N_ELEMENTS (((AtTensor *const[]) { __VA_ARGS__ })))

/* y = conv2d (x, weight) + bias (bias [Cout] or NULL); y allocated. */
gboolean at_graph_split_conv2d (AtGraph *g, AtTensor *x, AtTensor *weight, AtTensor *bias, int stride, int padding,
                                AtTensor *y);
/* y = x · weightᵀ + bias, by rows of x and y, and by rows of the weight
 * where it does not fit. */
gboolean at_graph_split_linear (AtGraph *g, AtTensor *x, AtTensor *weight, AtTensor *bias, AtTensor *y);
/* at_op_group_norm by whole groups of each image. */
gboolean at_graph_split_group_norm (AtGraph *g, AtTensor *x, guint groups, AtTensor *weight, AtTensor *bias,
                                    float eps, gboolean silu, AtTensor *y);

typedef enum {
  AT_GRAPH_SPLIT_ADD,     /* y = a + b (same shapes) */
  AT_GRAPH_SPLIT_MUL,     /* y = a * b (same shapes) */
  AT_GRAPH_SPLIT_SILU,    /* y = silu (a) */
  AT_GRAPH_SPLIT_GELU,    /* y = gelu (a) */
  AT_GRAPH_SPLIT_GELU_ERF,   /* y = gelu_erf (a) */
  AT_GRAPH_SPLIT_QUICK_GELU, /* y = quick_gelu (a) */
  AT_GRAPH_SPLIT_SCALE,   /* y = alpha a */
} AtGraphSplitMap;

/* An element-wise operator by element ranges; b NULL unless binary. */
gboolean at_graph_split_map (AtGraph *g, AtGraphSplitMap op, AtTensor *a, AtTensor *b, float alpha, AtTensor *y);
/* Nearest ×2 upsampling of [N, C, H, W] by channels. */
gboolean at_graph_split_upsample2x (AtGraph *g, AtTensor *x, AtTensor *y);
/* Concatenation of [N, C, H, W] images along dim 1, 2 or 3, by channels. */
gboolean at_graph_split_concat (AtGraph *g, AtTensor *a, AtTensor *b, int dim, AtTensor *y);
/* Softmax over the last dimension, by rows. */
gboolean at_graph_split_softmax (AtGraph *g, AtTensor *x, AtTensor *y);
/* Multi-head attention (at_op_attention) of q, k, v [B, L, C] per batch
 * item, by query rows (each item's keys and values must fit). */
gboolean at_graph_split_attention (AtGraph *g, AtTensor *q, AtTensor *k, AtTensor *v, guint heads, AtTensor *y);
/* c = a · op(b) by rows of a and c (a not transposed; b must fit). */
gboolean at_graph_split_matmul (AtGraph *g, AtTensor *a, AtTensor *b, AtMatmulFlags flags, AtTensor *c);

G_END_DECLS
