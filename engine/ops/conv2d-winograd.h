/* conv2d-winograd.h — 3×3, stride-1 convolutions by Winograd F(2×2, 3×3).
 *
 * Each 2 × 2 block of outputs costs 16 multiply-adds per input channel
 * instead of the direct 36 (2.25× fewer), at the price of three transform
 * passes and scratch memory of 4× the input and 4× the output (shared by
 * every Winograd convolution of one AtCmd, at_cmd_scratch()). The 16
 * products run on matmul's kernels with the same AtGemmConfig.
 *
 * at_op_conv2d_fused() takes this path by itself for 3×3 stride-1
 * convolutions where it measured faster (CPU devices, enough channels and
 * tiles: at_conv2d_winograd_chosen(), docs/ENGINE.md) when it is asked
 * for the device's default kernels (config NULL or AUTO) and the scratch
 * fits one binding; ATELIER_CONV_WINOGRAD=1 takes it for every such
 * convolution on every device, =0 for none.
 */
#pragma once

#include "ops/conv2d.h"

G_BEGIN_DECLS

/* at_op_conv2d_fused by Winograd, whatever the device: weight [Cout, Cin,
 * 3, 3], stride 1 on both axes, any padding; the rest as at_op_conv2d_fused
 * (bias [Cout] or [N, Cout], the epilogue; config NULL = the device's
 * default product kernels). */
gboolean at_op_conv2d_winograd (AtCmd *cmd, AtTensor *x, AtTensor *weight, AtTensor *bias,
                                const AtEpilogue *epilogue, AtTensor *y, const AtConv2dParams *params,
                                const AtGemmConfig *config, GError **error);

/* Whether at_op_conv2d_fused with the default kernels runs a convolution
 * of these shapes on gpu by Winograd. */
gboolean at_conv2d_winograd_chosen (AtGpu *gpu, const AtTensor *x, const AtTensor *weight, const AtTensor *y,
                                    const AtConv2dParams *params);

G_END_DECLS
