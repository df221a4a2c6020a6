/* copy.h — strided copies: slices, writes into slices and plain copies.
 * The source may be fp16 (weights, ops/tensor.h): the copy converts it
 * into the fp32 destination.
 *
 * One kernel copies rows of contiguous elements from one tensor to another
 * with arbitrary row strides and element offsets, so slicing needs no
 * binding alignment (a q/k/v third of a fused [B, L, 3C] projection starts
 * at any element). Source and destination must not overlap in memory.
 * All record into an AtCmd. */
#pragma once

#include "ops/tensor.h"

G_BEGIN_DECLS

/* dst = src[.., offset:offset+count, ..] along dim (negative counts from the
 * end). dst has src's shape with count at dim. */
gboolean at_op_slice (AtCmd *cmd, AtTensor *src, int dim, gint64 offset, gint64 count,
                      AtTensor *dst, GError **error);
/* at_op_slice along the last dimension: src [.., Cs] -> dst [.., count]. */
gboolean at_op_slice_last (AtCmd *cmd, AtTensor *src, gint64 offset, gint64 count,
                           AtTensor *dst, GError **error);

/* dst[.., offset:offset+n, ..] = src along dim, n = src's size at dim; the
 * rest of dst is left as it is. The inverse of at_op_slice. */
gboolean at_op_copy_to_slice (AtCmd *cmd, AtTensor *src, AtTensor *dst, int dim, gint64 offset,
                              GError **error);

/* dst = src element by element; the shapes may differ, the element counts
 * may not. */
gboolean at_op_copy (AtCmd *cmd, AtTensor *src, AtTensor *dst, GError **error);

G_END_DECLS
