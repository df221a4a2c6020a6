/* matmul-private.h — kernel configuration shared by matmul.c and conv2d.c. */
#pragma once

#include "ops/matmul.h"

G_BEGIN_DECLS

/* Fills out with config, or the device default when config is NULL or
 * AUTO, and checks it; op names the operator in the error. */
gboolean at_gemm_config_resolve (AtGpu *gpu, const AtGemmConfig *config, AtGemmConfig *out,
                                 const char *op, GError **error);

G_END_DECLS
