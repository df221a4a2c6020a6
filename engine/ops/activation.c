/* activation.c — quick GELU and exact GELU (activation.h). */
#define G_LOG_DOMAIN "atelier-ops"

#include "ops/activation.h"

#define LOCAL_SIZE 256

typedef struct {
  guint32 n;
} ActivationPush;
G_STATIC_ASSERT (sizeof (ActivationPush) == 4);

static const AtKernelInfo activation_kernel = { "activation", 2, 0x2, sizeof (ActivationPush), { LOCAL_SIZE, 1, 1 } };

enum { MODE_QUICK_GELU = 0, MODE_GELU_ERF = 1 };

static gboolean
activation (AtCmd *cmd, guint32 mode, const char *label, AtTensor *x, AtTensor *out, GError **error)
{
  g_return_val_if_fail (cmd != NULL && x != NULL && out != NULL, FALSE);
  if (!at_tensor_check_same_shape (label, x, out, error) ||
      !at_op_check (at_tensor_numel (x) <= G_MAXUINT32, label, "tensor too large for 32-bit indices", error))
    return FALSE;
  ActivationPush push = { at_tensor_numel (out) };
  AtBinding bindings[] = { at_tensor_binding (x), at_tensor_binding (out) };
  guint32 gx, gy;
  at_cmd_grid_1d (cmd, push.n, LOCAL_SIZE, &gx, &gy);
  return at_cmd_dispatch_full (cmd, &activation_kernel, NULL, &mode, 1, bindings, &push, gx, gy, 1, label, error);
}

gboolean
at_op_quick_gelu (AtCmd *cmd, AtTensor *x, AtTensor *out, GError **error)
{
  return activation (cmd, MODE_QUICK_GELU, "quick-gelu", x, out, error);
}

gboolean
at_op_gelu_erf (AtCmd *cmd, AtTensor *x, AtTensor *out, GError **error)
{
  return activation (cmd, MODE_GELU_ERF, "gelu-erf", x, out, error);
}
