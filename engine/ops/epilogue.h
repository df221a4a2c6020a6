/* epilogue.h — what matmul, linear and conv2d may do to each output value:
 *
 *   out = activation (sum + bias) + residual
 *
 * The residual add happens in the kernel's own stores, so it costs no pass
 * over memory (shaders/epilogue.glsl). An activation runs as a pass after
 * the kernel (then the residual too): compiled into the register-blocked
 * kernels it made them slower on lavapipe than the pass it saved. */
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

/* For the wrappers: the value of the kernels' RESIDUAL specialization
 * constant (constant_id 6, shaders/epilogue.glsl) for e (NULL: none). */
guint32 at_epilogue_residual_spec (const AtEpilogue *e);
/* Checks e against the output; op names the operator in the error. */
gboolean at_epilogue_check (const AtEpilogue *e, const AtTensor *out, const char *op, GError **error);
/* The residual's binding, or stand_in's when there is none. */
AtBinding at_epilogue_binding (const AtEpilogue *e, const AtTensor *stand_in);
/* Whether the residual (if any) can be read as aligned vec4s. */
gboolean at_epilogue_vec4 (const AtEpilogue *e);
/* Records what the kernel left to do (the activation, then the residual)
 * on out, after the kernel's dispatch. */
gboolean at_epilogue_finish (AtCmd *cmd, const AtEpilogue *e, AtTensor *out, GError **error);

G_END_DECLS
