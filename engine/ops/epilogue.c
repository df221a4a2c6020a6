/* epilogue.c — flags and checks of the fused matmul/conv2d epilogue. */
#define G_LOG_DOMAIN "atelier-ops"

#include "ops/elementwise.h"
#include "ops/epilogue.h"

/* Whether the kernel adds the residual itself: not when an activation
 * must come first, which runs as a pass after the kernel. */
static gboolean
fuses_residual (const AtEpilogue *e)
{
  return e != NULL && e->residual != NULL && e->activation == AT_ACTIVATION_NONE;
}

guint32
at_epilogue_residual_spec (const AtEpilogue *e)
{
  return fuses_residual (e) ? 1 : 0;
}

gboolean
at_epilogue_check (const AtEpilogue *e, const AtTensor *out, const char *op, GError **error)
{
  if (e == NULL)
    return TRUE;
  if (!at_op_check (e->activation <= AT_ACTIVATION_SILU, op, "unknown activation", error))
    return FALSE;
  if (e->residual == NULL)
    return TRUE;
  if (!at_tensor_check_same_shape (op, e->residual, out, error))
    return FALSE;
  gboolean aliases = e->residual->buffer == out->buffer && e->residual->offset < out->offset + at_tensor_nbytes (out) &&
                     out->offset < e->residual->offset + at_tensor_nbytes (e->residual);
  return at_op_check (!aliases, op, "the residual overlaps the output", error);
}

AtBinding
at_epilogue_binding (const AtEpilogue *e, const AtTensor *stand_in)
{
  return at_tensor_binding (fuses_residual (e) ? e->residual : stand_in);
}

gboolean
at_epilogue_vec4 (const AtEpilogue *e)
{
  return !fuses_residual (e) || e->residual->offset % 16 == 0;
}

gboolean
at_epilogue_finish (AtCmd *cmd, const AtEpilogue *e, AtTensor *out, GError **error)
{
  if (e == NULL || e->activation == AT_ACTIVATION_NONE)
    return TRUE;
  gboolean ok = e->activation == AT_ACTIVATION_GELU ? at_op_gelu (cmd, out, out, error)
                                                   : at_op_silu (cmd, out, out, error);
  return ok && (e->residual == NULL || at_op_add (cmd, out, e->residual, out, error));
}
