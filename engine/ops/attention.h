/* attention.h — multi-head scaled-dot-product attention (self and cross).
 *
 * The inputs are the projected queries, keys and values laid out as
 * PyTorch's nn.MultiheadAttention holds them before splitting the heads:
 * channel h*D + d of a token is channel d of head h. No mask, but each
 * batch item may use only its first keys (at_op_attention_counted). The kernel
 * streams keys and values (flash attention), so memory does not grow with
 * Lq x Lk. Records into an AtCmd; out must not overlap k or v. */
#pragma once

#include "ops/tensor.h"

G_BEGIN_DECLS

#define AT_ATTENTION_MAX_HEAD_DIM 128

/* How the kernel divides the work; at_attention_config_default() picks it
 * per device and head size. Tests and benchmarks may set it. */
typedef struct {
  guint32 workgroup;   /* invocations per workgroup, 1..1024 */
  guint32 queries;     /* queries per invocation, 1..16: K/V loads are shared by them */
  guint32 key_chunk;   /* keys per online-softmax step, 1..8 (one exp2 and rescale each) */
} AtAttentionConfig;

void at_attention_config_default (AtGpu *gpu, guint head_dim, AtAttentionConfig *config);

/* q [B, Lq, H*D], k and v [B, Lk, H*D] -> out [B, Lq, H*D] (B may be left
 * out: [L, H*D]). D = channels / heads, at most AT_ATTENTION_MAX_HEAD_DIM;
 * Lk >= 1. Per head: out = softmax(scale * Q K^T) V, where scale 0 means
 * the usual 1/sqrt(D). */
gboolean at_op_attention (AtCmd *cmd, AtTensor *q, AtTensor *k, AtTensor *v, guint heads,
                          float scale, AtTensor *out, GError **error);

/* at_op_attention with an explicit configuration (NULL = the default). */
gboolean at_op_attention_full (AtCmd *cmd, AtTensor *q, AtTensor *k, AtTensor *v, guint heads,
                               float scale, const AtAttentionConfig *config, AtTensor *out,
                               GError **error);

/* at_op_attention_full where batch item b attends to its first
 * key_counts[b] keys only (key_counts: B floats holding whole numbers,
 * clamped to 1..Lk on the device; NULL: all Lk). The rest of k and v is
 * padding and never read: sequences of different lengths in one batch. */
gboolean at_op_attention_counted (AtCmd *cmd, AtTensor *q, AtTensor *k, AtTensor *v, AtTensor *key_counts,
                                  guint heads, float scale, const AtAttentionConfig *config, AtTensor *out,
                                  GError **error);

G_END_DECLS
