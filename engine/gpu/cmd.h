/* cmd.h — a recorded list of compute dispatches.
 *
 * An AtCmd records many dispatches into one command buffer, inserting a
 * memory barrier only where a dispatch touches a buffer an earlier dispatch
 * of the same list has written since the last barrier. Once recorded it can
 * be submitted any number of times without re-recording: change only buffer
 * contents (for example the timestep) between submissions. The caller owns
 * the AtCmd; every buffer it references must outlive it (the AtCmd keeps a
 * reference on each).
 */
#pragma once

#include <gio/gio.h>

#include "gpu/buffer.h"
#include "gpu/kernel.h"

G_BEGIN_DECLS

typedef struct _AtCmd AtCmd;

typedef struct {
  AtBuffer *buffer;
  gsize offset;   /* bytes; must respect the device's offset alignment */
  gsize range;    /* bytes; 0 = to the end of the buffer */
  gboolean half;  /* binary16 elements (ops/tensor.h): a texel binding's
                   * view is R16F/RGBA16F; a storage binding must be one the
                   * kernel reads packed halves from (AtKernelInfo.half_mask) */
} AtBinding;

AtCmd *at_cmd_new (AtGpu *gpu, GError **error);
void at_cmd_free (AtCmd *cmd);

/* Records one dispatch of kernel with the given bindings (kernel->n_bindings
 * of them) and push constants (kernel->push_size bytes). spec holds extra
 * specialization constants 3.. (n_spec of them) for kernels that take them;
 * local_size, when non-NULL, overrides the kernel's workgroup size.
 * label names the operator in the profile (NULL = the shader name). */
gboolean at_cmd_dispatch_full (AtCmd *cmd, const AtKernelInfo *kernel,
                               const guint32 *local_size,
                               const guint32 *spec, guint n_spec,
                               const AtBinding *bindings, const void *push,
                               guint32 groups_x, guint32 groups_y, guint32 groups_z,
                               const char *label, GError **error);

gboolean at_cmd_dispatch (AtCmd *cmd, const AtKernelInfo *kernel,
                          const AtBinding *bindings, const void *push,
                          guint32 groups_x, guint32 groups_y, guint32 groups_z,
                          GError **error);

/* Number of dispatches recorded so far. */
guint at_cmd_get_n_dispatches (AtCmd *cmd);

/* Ends recording on first use, submits, and waits for completion. */
gboolean at_cmd_submit (AtCmd *cmd, GError **error);

/* Splits n invocations of a 1D kernel into a 2D grid of workgroups that
 * respects maxComputeWorkGroupCount; shaders use at_global_index(). */
void at_cmd_grid_1d (AtCmd *cmd, guint64 n, guint32 local_size,
                     guint32 *groups_x, guint32 *groups_y);

/* A scratch buffer of at least size bytes owned by the list, for an
 * operator's temporaries between its own dispatches: every call with the
 * same name returns the same buffer (a larger new one when size exceeds
 * it), so the operators of a long list share it instead of each keeping
 * its own; the barriers order the reuse. Borrowed: valid while cmd lives. */
AtBuffer *at_cmd_scratch (AtCmd *cmd, const char *name, gsize size, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtCmd, at_cmd_free)

G_END_DECLS
