/* conv2d-private.h — what conv2d.c and conv2d-winograd.c share. */
#pragma once

#include "ops/conv2d.h"

G_BEGIN_DECLS

typedef enum {
  AT_CONV2D_PATH_AUTO,      /* Winograd where at_conv2d_winograd_chosen(), else the implicit GEMM */
  AT_CONV2D_PATH_WINOGRAD,  /* Winograd F(2×2, 3×3); other shapes are refused */
} AtConv2dPath;

/* Checks the operands as at_op_conv2d_fused documents and records the
 * convolution on path. */
gboolean at_conv2d_record (AtCmd *cmd, AtTensor *x, AtTensor *weight, AtTensor *bias, const AtEpilogue *epilogue,
                           AtTensor *y, const AtConv2dParams *params, const AtGemmConfig *config,
                           AtConv2dPath path, GError **error);

/* Whether the Winograd path computes a convolution of this kernel and
 * stride. */
gboolean at_conv2d_winograd_fits (const AtTensor *weight, const AtConv2dParams *params);

/* Records the Winograd path; the operands are checked, conf resolved, and
 * batch, Cin and Cout are not 0. */
gboolean at_conv2d_winograd_record (AtCmd *cmd, AtTensor *x, AtTensor *weight, AtTensor *bias,
                                    const AtEpilogue *epilogue, AtTensor *y, const AtConv2dParams *params,
                                    const AtGemmConfig *conf, GError **error);

G_END_DECLS
