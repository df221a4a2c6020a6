/* sd-weights.h — uploading tensors of an SD checkpoint (an open
 * AtSafetensors, borrowed) to the device, whole or by rows of their first
 * dimension (open_clip keeps q, k and v in one in_proj tensor; lookup
 * tables are read on the host a row at a time). Tensors are converted to
 * fp32 from F32/F16/BF16. The first failure is kept and every later call
 * returns NULL, so a loader reads straight and checks once, in
 * at_sd_weights_finish(). Uploaded tensors are owned by the AtSdWeights.
 *
 * A product's weight (a linear layer's or a convolution's, asked for with
 * the _product calls) that the file stores as F16 stays fp16 on the device
 * where the device reads fp16 weights (at_gpu_supports_half_weights):
 * half the memory of fp32, the same values, the kernels accumulate in
 * fp32. ATELIER_SD_FP32=1 in the environment converts them to fp32 as
 * every other tensor is.
 *
 * A tensor whose fp32 size exceeds the device's storage-buffer range must
 * be taken in row chunks (sd-checkpoint.h, at_sd_split_rows()); no tensor
 * of the CLIP text towers is that large but the token embedding, which is
 * read on the host.
 */
#pragma once

#include "model/safetensors.h"
#include "ops/tensor.h"

G_BEGIN_DECLS

typedef struct _AtSdWeights AtSdWeights;

/* gpu NULL: names, shapes and ranges are checked but nothing is uploaded
 * (every get returns NULL; at_sd_weights_finish() says whether all fit). */
AtSdWeights *at_sd_weights_new (AtGpu *gpu, AtSafetensors *file);
void at_sd_weights_free (AtSdWeights *w);
/* How many distinct tensors were asked for and found so far. */
guint at_sd_weights_n_taken (AtSdWeights *w);

/* TRUE when every call so far succeeded; else moves the first error out. */
gboolean at_sd_weights_finish (AtSdWeights *w, GError **error);

/* Tensor `name`, which must have exactly shape, on the device. */
AtTensor *at_sd_weights_get (AtSdWeights *w, const char *name, guint ndim, const gint64 *shape);
/* Rows [row0, row0 + n_rows) of `name` on the device, as shape (which must
 * hold exactly those elements). */
AtTensor *at_sd_weights_get_rows (AtSdWeights *w, const char *name, gint64 row0, gint64 n_rows, guint ndim,
                                  const gint64 *shape);
/* The same for a tensor used only as a linear or convolution weight
 * (kept fp16 as said above). */
AtTensor *at_sd_weights_get_product (AtSdWeights *w, const char *name, guint ndim, const gint64 *shape);
AtTensor *at_sd_weights_get_product_rows (AtSdWeights *w, const char *name, gint64 row0, gint64 n_rows,
                                          guint ndim, const gint64 *shape);
/* Rows [row0, row0 + n_rows) of `name` converted into dst on the host;
 * row_len, the elements of one row, must match the tensor's. */
gboolean at_sd_weights_read_rows (AtSdWeights *w, const char *name, gint64 row0, gint64 n_rows, gint64 row_len,
                                  float *dst);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtSdWeights, at_sd_weights_free)

G_END_DECLS
