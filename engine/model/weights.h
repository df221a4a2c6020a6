/* weights.h — a model's parameters, read from safetensors into GPU memory.
 *
 * The file stays memory-mapped; each tensor is converted to fp32 and
 * uploaded the first time a layer asks for it, with its shape checked
 * against what the model config expects, so a mismatched file fails with
 * the tensor's name. Tensors returned are owned by the AtWeights.
 */
#pragma once

#include "ops/tensor.h"

G_BEGIN_DECLS

typedef struct _AtWeights AtWeights;

AtWeights *at_weights_load (AtGpu *gpu, const char *path, GError **error);
void at_weights_free (AtWeights *weights);

/* The GPU tensor `name`, which must have exactly shape. */
AtTensor *at_weights_get (AtWeights *weights, const char *name, guint ndim, const gint64 *shape,
                          GError **error);
/* A host copy of tensor `name` in fp32 (for lookup tables); caller frees. */
float *at_weights_get_host (AtWeights *weights, const char *name, guint ndim, const gint64 *shape,
                            GError **error);
/* Bytes of GPU memory the uploaded weights use. */
gsize at_weights_get_uploaded_bytes (AtWeights *weights);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtWeights, at_weights_free)

G_END_DECLS
