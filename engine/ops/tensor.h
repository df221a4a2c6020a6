/* tensor.h — a tensor living in GPU memory: fp32, or fp16 for weights.
 *
 * Row-major and contiguous; images are NCHW. A tensor holds a reference on
 * its AtBuffer; a view shares its parent's buffer at an offset that must
 * respect the device's binding alignment. Whoever creates a tensor frees it
 * with at_tensor_free() (views included).
 *
 * fp16 tensors hold weights whose file stores them so (or that a loader
 * chose to halve): only the operands the operators document (a linear
 * layer's or a convolution's weight, matmul's B) may be fp16; the kernels
 * read them as floats and accumulate in fp32. The dispatcher refuses an
 * fp16 tensor anywhere else. Uploads and downloads convert to and from
 * float on the host.
 */
#pragma once

#include "gpu/cmd.h"

G_BEGIN_DECLS

#define AT_TENSOR_MAX_DIMS 4

#define AT_OP_ERROR (at_op_error_quark ())
GQuark at_op_error_quark (void);

typedef enum {
  AT_OP_ERROR_SHAPE,   /* operands whose shapes do not fit together */
} AtOpError;

typedef enum {
  AT_TENSOR_F32,
  AT_TENSOR_F16,
} AtTensorType;

typedef struct {
  AtBuffer *buffer;
  gsize offset;                       /* bytes into buffer */
  guint ndim;
  gint64 shape[AT_TENSOR_MAX_DIMS];
  AtTensorType type;
} AtTensor;

/* AT_SHAPE (2, 3) is a const gint64[] for the shape arguments below. */
#define AT_SHAPE(...) ((const gint64[]) { __VA_ARGS__ })
#define AT_NDIM(...) (sizeof ((const gint64[]) { __VA_ARGS__ }) / sizeof (gint64))

AtTensor *at_tensor_new (AtGpu *gpu, guint ndim, const gint64 *shape, GError **error);
AtTensor *at_tensor_new_typed (AtGpu *gpu, AtTensorType type, guint ndim, const gint64 *shape,
                               GError **error);
#define at_tensor_new_shape(gpu, error, ...) \
  at_tensor_new ((gpu), AT_NDIM (__VA_ARGS__), AT_SHAPE (__VA_ARGS__), (error))
/* A view of numel(shape) elements starting element_offset into t (of t's
 * type). */
AtTensor *at_tensor_view (AtTensor *t, gsize element_offset, guint ndim, const gint64 *shape,
                          GError **error);
void at_tensor_free (AtTensor *t);

gint64 at_tensor_numel (const AtTensor *t);
gsize at_tensor_nbytes (const AtTensor *t);
gsize at_tensor_element_size (const AtTensor *t);
/* Size of dimension i, counting negative i from the end; 1 beyond ndim. */
gint64 at_tensor_dim (const AtTensor *t, int i);
gboolean at_tensor_same_shape (const AtTensor *a, const AtTensor *b);
char *at_tensor_shape_string (const AtTensor *t);
AtGpu *at_tensor_get_gpu (const AtTensor *t);

/* Reinterprets the shape in place (same number of elements). */
gboolean at_tensor_reshape (AtTensor *t, guint ndim, const gint64 *shape, GError **error);

/* Host floats to and from t (converted for an fp16 tensor). */
gboolean at_tensor_upload (AtTensor *t, const float *data, GError **error);
gboolean at_tensor_download (AtTensor *t, float *data, GError **error);
/* binary16 bit patterns (host order, any alignment) into an fp16 tensor
 * as they are. */
gboolean at_tensor_upload_half (AtTensor *t, const void *data, GError **error);

AtBinding at_tensor_binding (const AtTensor *t);

/* Sets an error naming op when the shapes of a and b differ. */
gboolean at_tensor_check_same_shape (const char *op, const AtTensor *a, const AtTensor *b,
                                     GError **error);
/* Sets an error naming op unless t is fp32 (what names the operand). */
gboolean at_tensor_check_f32 (const char *op, const char *what, const AtTensor *t, GError **error);
/* Sets an error naming op and what unless cond holds. */
gboolean at_op_check (gboolean cond, const char *op, const char *what, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtTensor, at_tensor_free)

G_END_DECLS
