/* attention.c — flash-style multi-head attention.
 *
 * The shader is specialised on the head size (register arrays and loops of
 * exact length), on the key tile, which is as long as fits two tiles (K and
 * V) into the 16 KiB of shared memory every Vulkan device has, and on the
 * work per invocation (AtAttentionConfig). */
#define G_LOG_DOMAIN "atelier-ops"

#include <math.h>

#include "ops/attention.h"

#define MAX_KEY_TILE 32
#define SHARED_BUDGET 16384
#define CPU_LOOP_BUDGET 65000 /* lavapipe allows 65535; a little margin */

typedef struct {
  guint32 lq;
  guint32 lk;
  guint32 heads;
  float scale_log2e;
} AttentionPush;
G_STATIC_ASSERT (sizeof (AttentionPush) == 16);

/* Bindings: q, k, v, out, key counts (a stand-in when there are none). */
static const AtKernelInfo attention_kernel = { "attention", 5, 0x8, sizeof (AttentionPush), { 64, 1, 1 } };

void
at_attention_config_default (AtGpu *gpu, guint head_dim, AtAttentionConfig *config)
{
  config->workgroup = 64;
  if (at_gpu_get_device_info (gpu)->type == AT_GPU_DEVICE_CPU)
    {
      /* lavapipe: a load costs about a dozen FMAs, so each K/V value should
       * feed several queries; but the state per invocation (2*queries*D
       * floats) drives LLVM's compile time up steeply (D=64 with 4 queries:
       * 7 s), so fewer queries for larger heads. One key per step compiles
       * in half the time of two and runs as fast. */
      config->queries = head_dim <= 32 ? 4 : head_dim <= 64 ? 2 : 1;
      config->key_chunk = 1;
    }
  else
    {
      config->queries = 1;
      config->key_chunk = 4;
    }
}

/* Keys per tile: K and V tiles of vec4-padded rows within the budget, a
 * multiple of the chunk. */
static guint32
key_tile_for (guint32 head_dim, guint32 key_chunk)
{
  guint32 row_bytes = (head_dim + 3) / 4 * 16;
  guint32 tile = MIN (MAX_KEY_TILE, SHARED_BUDGET / (2 * row_bytes));
  return MAX (tile / key_chunk * key_chunk, key_chunk);
}

gboolean
at_op_attention_counted (AtCmd *cmd, AtTensor *q, AtTensor *k, AtTensor *v, AtTensor *key_counts, guint heads,
                         float scale, const AtAttentionConfig *config, AtTensor *out, GError **error)
{
  g_return_val_if_fail (cmd != NULL && q != NULL && k != NULL && v != NULL && out != NULL, FALSE);
  gboolean batched = q->ndim == 3;
  gint64 batch = batched ? q->shape[0] : 1;
  gint64 lq = at_tensor_dim (q, -2), lk = at_tensor_dim (k, -2), channels = at_tensor_dim (q, -1);
  if (!at_op_check ((q->ndim == 2 || q->ndim == 3) && k->ndim == q->ndim, "attention",
                    "q, k and v must be [B, L, H*D] (or [L, H*D])", error) ||
      !at_tensor_check_same_shape ("attention", k, v, error) ||
      !at_tensor_check_same_shape ("attention", q, out, error) ||
      !at_op_check (at_tensor_dim (k, -1) == channels && (!batched || k->shape[0] == batch), "attention",
                    "k and v must have q's batch and channels", error) ||
      !at_op_check (heads > 0 && channels % heads == 0 && channels / heads <= AT_ATTENTION_MAX_HEAD_DIM,
                    "attention", "channels must split into heads of at most 128", error) ||
      !at_op_check (lk > 0, "attention", "needs at least one key", error) ||
      !at_op_check (at_tensor_numel (q) <= G_MAXUINT32 && at_tensor_numel (k) <= G_MAXUINT32, "attention",
                    "tensor too large for 32-bit indices", error) ||
      !at_op_check (key_counts == NULL || at_tensor_numel (key_counts) == batch, "attention",
                    "key counts must hold one value per batch item", error))
    return FALSE;
  guint32 head_dim = channels / heads;
  AtAttentionConfig chosen;
  if (config == NULL)
    at_attention_config_default (at_tensor_get_gpu (q), head_dim, &chosen);
  else
    chosen = *config;
  if (!at_op_check (chosen.workgroup >= 1 && chosen.workgroup <= 1024 && chosen.queries >= 1 &&
                    chosen.queries <= 16 && chosen.key_chunk >= 1 && chosen.key_chunk <= 8,
                    "attention", "invalid configuration", error))
    return FALSE;
  guint32 key_tile = key_tile_for (head_dim, chosen.key_chunk);
  if (at_gpu_get_device_info (at_tensor_get_gpu (q))->type == AT_GPU_DEVICE_CPU)
    {
      /* lavapipe ends an invocation after 65535 loop iterations in all,
       * which would leave the output silently wrong. Per tile: the tile
       * loop, the loading loop and the chunk loop, each counting one more
       * than it runs (measured: D=32 fails from about 54000 keys). */
      guint64 tiles = (lk + key_tile - 1) / key_tile;
      guint64 load_steps = ((head_dim + 3) / 4 * key_tile + chosen.workgroup - 1) / chosen.workgroup;
      guint64 chunks = (key_tile + chosen.key_chunk - 1) / chosen.key_chunk;
      guint64 iterations = tiles * (3 + load_steps + chunks) + 1;
      if (iterations > CPU_LOOP_BUDGET)
        {
          g_set_error (error, AT_GPU_ERROR, AT_GPU_ERROR_TOO_LARGE,
                       "attention: %" G_GINT64_FORMAT " keys are more than this CPU device can take "
                       "in one invocation (raise key_chunk or split the keys)", lk);
          return FALSE;
        }
    }
  if (scale == 0)
    scale = 1.0f / sqrtf (head_dim);
  AttentionPush push = { lq, lk, heads, (float) (scale / G_LN2) };
  guint32 local_size[3] = { chosen.workgroup, 1, 1 };
  guint32 spec[] = { head_dim, key_tile, chosen.queries, chosen.key_chunk, key_counts != NULL };
  guint32 per_group = chosen.workgroup * chosen.queries;
  AtBinding bindings[] = { at_tensor_binding (q), at_tensor_binding (k), at_tensor_binding (v),
                           at_tensor_binding (out), at_tensor_binding (key_counts != NULL ? key_counts : q) };
  return at_cmd_dispatch_full (cmd, &attention_kernel, local_size, spec, G_N_ELEMENTS (spec), bindings, &push,
                               (lq + per_group - 1) / per_group, heads, batch, "attention", error);
}

gboolean
at_op_attention_full (AtCmd *cmd, AtTensor *q, AtTensor *k, AtTensor *v, guint heads, float scale,
                      const AtAttentionConfig *config, AtTensor *out, GError **error)
{
  return at_op_attention_counted (cmd, q, k, v, NULL, heads, scale, config, out, error);
}

gboolean
at_op_attention (AtCmd *cmd, AtTensor *q, AtTensor *k, AtTensor *v, guint heads, float scale,
                 AtTensor *out, GError **error)
{
  return at_op_attention_full (cmd, q, k, v, heads, scale, NULL, out, error);
}
