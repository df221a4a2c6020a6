/* buffer.h — device memory for tensors.
 *
 * An AtBuffer is a range suballocated from a large device-local block owned
 * by the AtGpu: the engine does not call vkAllocateMemory per tensor. Where
 * device-local memory is host-visible (lavapipe, integrated GPUs) uploads
 * and downloads are plain copies into the persistent mapping; elsewhere they
 * go through a staging buffer. ATELIER_FORCE_STAGING=1 forces the staging
 * path (used by tests). Buffers are reference counted so tensor views can
 * share one; the last unref returns the range to its block.
 */
#pragma once

#include "gpu/gpu.h"

G_BEGIN_DECLS

typedef struct _AtBuffer AtBuffer;

AtBuffer *at_buffer_new (AtGpu *gpu, gsize size, GError **error);
AtBuffer *at_buffer_ref (AtBuffer *buffer);
void at_buffer_unref (AtBuffer *buffer);

gsize at_buffer_get_size (AtBuffer *buffer);
AtGpu *at_buffer_get_gpu (AtBuffer *buffer);

/* Copies between host memory and the buffer; waits for the copy to finish.
 * Must not be called while a submitted command list uses the range. */
gboolean at_buffer_upload (AtBuffer *buffer, gsize offset, const void *data,
                           gsize size, GError **error);
gboolean at_buffer_download (AtBuffer *buffer, gsize offset, void *data,
                             gsize size, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtBuffer, at_buffer_unref)

G_END_DECLS
