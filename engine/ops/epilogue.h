/* epilogue.h — what matmul, linear and conv2d may do to each output value
 * before storing it, so that an activation and a residual add cost no pass
 * over memory of their own (shaders/epilogue.glsl):
 *
 *   out = activation (sum + bias) + residual
 */
#pragma once

#include "ops/tensor.h"

G_BEGIN_DECLS

typedef enum {
  AT_ACTIVATION_NONE,
  AT_ACTIVATION_GELU,   /* tanh approximation, as at_op_gelu */
  AT_ACTIVATION_SILU,   /* as at_op_silu */
} AtActivation;

typedef struct {
  AtActivation activation;
  AtTensor *residual;   /* NULL, or a tensor of the output's shape; must not alias it */
} AtEpilogue;

/* For the wrappers: the shader flags of e (NULL: none). */
guint32 at_epilogue_flags (const AtEpilogue *e);
/* Checks e against the output; op names the operator in the error. */
gboolean at_epilogue_check (const AtEpilogue *e, const AtTensor *out, const char *op, GError **error);
/* The residual's binding, or stand_in's when there is none. */
AtBinding at_epilogue_binding (const AtEpilogue *e, const AtTensor *stand_in);
/* Whether the residual (if any) can be read as aligned vec4s. */
gboolean at_epilogue_vec4 (const AtEpilogue *e);

G_END_DECLS
