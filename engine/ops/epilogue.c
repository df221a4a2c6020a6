/* epilogue.c — flags and checks of the fused matmul/conv2d epilogue. */
#define G_LOG_DOMAIN "atelier-ops"

#include "ops/epilogue.h"

/* Mirrors shaders/epilogue.glsl. */
enum { FLAG_GELU = 8, FLAG_SILU = 16, FLAG_RESIDUAL = 32 };

guint32
at_epilogue_flags (const AtEpilogue *e)
{
  if (e == NULL)
    return 0;
  guint32 flags = e->residual != NULL ? FLAG_RESIDUAL : 0;
  if (e->activation == AT_ACTIVATION_GELU)
    flags |= FLAG_GELU;
  else if (e->activation == AT_ACTIVATION_SILU)
    flags |= FLAG_SILU;
  return flags;
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
  return at_tensor_binding (e != NULL && e->residual != NULL ? e->residual : stand_in);
}

gboolean
at_epilogue_vec4 (const AtEpilogue *e)
{
  return e == NULL || e->residual == NULL || e->residual->offset % 16 == 0;
}
