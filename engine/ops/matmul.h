/* matmul.h — batched matrix products and linear layers.
 *
 * Two kernels compute every product: a shared-memory tiled one for GPUs and
 * a register-blocked one without shared memory for CPU devices (lavapipe),
 * where shared memory only adds traffic. The variant and its tile sizes are
 * chosen per device (AtGemmConfig); callers normally pass NULL and get the
 * device's default. conv2d uses the same variants and configuration.
 * All functions record into an AtCmd; outputs must not alias inputs.
 * B (a linear layer's weight) may be fp16 (ops/tensor.h): read as floats,
 * accumulated in fp32; every other operand is fp32.
 */
#pragma once

#include "ops/epilogue.h"
#include "ops/tensor.h"

G_BEGIN_DECLS

typedef enum {
  AT_MATMUL_TRANS_A = 1 << 0,  /* A is stored [..., K, M] */
  AT_MATMUL_TRANS_B = 1 << 1,  /* B is stored [..., N, K] */
} AtMatmulFlags;

typedef enum {
  AT_GEMM_AUTO,       /* by device type: CPU devices -> REGISTERS, else SHARED */
  AT_GEMM_REGISTERS,  /* no shared memory: a workgroup's invocations share tm
                       * rows, each fetched once per k from the same texel
                       * address by every lane */
  AT_GEMM_SHARED,     /* shared-memory tiles of (y·tm) × (x·tn), K sliced by bk */
} AtGemmVariant;

/* Tiling, fixed at pipeline creation as specialization constants: one
 * pipeline per configuration serves every shape and transposition. */
typedef struct {
  AtGemmVariant variant;
  guint32 local_size[2];  /* workgroup x, y; REGISTERS: y = 1 */
  guint32 tm, tn;         /* outputs per invocation: rows × columns */
  guint32 bk;             /* K slice per shared tile (SHARED); REGISTERS:
                           * unused (K advances four steps a round) */
} AtGemmConfig;

/* The configuration the engine uses on gpu for variant (AUTO: the device's
 * preferred variant). */
void at_gemm_config_default (AtGpu *gpu, AtGemmVariant variant, AtGemmConfig *config);

/* c[b] = op(a[b]) · op(b[b]), op transposing where flags say.
 * a: [..., M, K] (TRANS_A: [..., K, M]); b: [..., K, N] (TRANS_B: [..., N, K]);
 * c: [..., M, N]. Leading dimensions are flattened into one batch; a or b
 * may have batch 1 and is then used for every batch of c. */
gboolean at_op_matmul (AtCmd *cmd, AtTensor *a, AtTensor *b, AtTensor *c, AtMatmulFlags flags,
                       GError **error);

/* at_op_matmul plus an optional bias [N] added to every row, with an
 * explicit configuration (NULL = the device default). */
gboolean at_op_matmul_full (AtCmd *cmd, AtTensor *a, AtTensor *b, AtTensor *bias, AtTensor *c,
                            AtMatmulFlags flags, const AtGemmConfig *config, GError **error);

/* y = x · weightᵀ + bias, as torch.nn.Linear: x [..., in], weight [out, in],
 * bias [out] or NULL, y [..., out]. */
gboolean at_op_linear (AtCmd *cmd, AtTensor *x, AtTensor *weight, AtTensor *bias, AtTensor *y,
                       GError **error);

/* at_op_linear then the epilogue (ops/epilogue.h: an activation, a
 * residual of y's shape added; NULL: none), with an explicit configuration
 * (NULL = the device default). */
gboolean at_op_linear_full (AtCmd *cmd, AtTensor *x, AtTensor *weight, AtTensor *bias, const AtEpilogue *epilogue,
                            AtTensor *y, const AtGemmConfig *config, GError **error);

G_END_DECLS
