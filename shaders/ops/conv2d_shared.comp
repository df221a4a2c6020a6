#version 450
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
// 2D convolution as an implicit GEMM with shared-memory tiles: the variant
// for GPUs. See matmul_shared.comp for the tiling and conv2d_regs.comp for
// the GEMM view: out[co, p] = sum_k W[co, k] · X[k, p] (+ bias[co]) per
// image, with X the im2col matrix gathered tile by tile from the NCHW input
// (zero padding) straight into shared memory.
#include "common.glsl"
#include "epilogue.glsl"

layout(constant_id = 3) const uint TM = 4;
layout(constant_id = 4) const uint TN = 4;
layout(constant_id = 5) const uint BK = 16;

const uint WX = gl_WorkGroupSize.x;
const uint WY = gl_WorkGroupSize.y;
const uint BM = WY * TM;  // output channels per tile
const uint BN = WX * TN;  // output pixels per tile

AT_BUFFER_RO(0, x);       // [N, Cin, H, W]
AT_BUFFER_RO_HALF(1, weight, 7)  // [Cout, Cin, KH, KW], fp32 or fp16
AT_BUFFER_RO(2, bias);    // [Cout], or [N, Cout] with FLAG_BIAS_BATCH
AT_BUFFER_WO(3, y);       // [N, Cout, OH, OW]

// The kernel size is a push constant, not a specialization constant: one
// pipeline serves every convolution.
layout(push_constant) uniform Push {
  uint cin, h, w;
  uint cout, oh, ow;
  uint kh, kw;
  uint stride_y, stride_x;
  uint pad_y, pad_x;
  uint flags;  // bit 0: add bias[co]
  uint pad0, pad1, pad2;
} p;

shared float w_tile[BK * BM];  // [k][co]
shared float x_tile[BK * BN];  // [k][pixel]

void main() {
  uint n = gl_WorkGroupID.z;
  uint tile_m = gl_WorkGroupID.y * BM;
  uint tile_n = gl_WorkGroupID.x * BN;
  uint tx = gl_LocalInvocationID.x;
  uint ty = gl_LocalInvocationID.y;
  uint tid = gl_LocalInvocationIndex;
  uint npix = p.oh * p.ow;
  uint taps = p.cin * p.kh * p.kw;
  uint x_base = n * p.cin * p.h * p.w;

  float acc[TM][TN];
  [[unroll]] for (uint i = 0; i < TM; i++)
    [[unroll]] for (uint j = 0; j < TN; j++)
      acc[i][j] = 0.0;

  for (uint k0 = 0; k0 < taps; k0 += BK) {
    // Weights are [Cout, taps] row-major: consecutive invocations walk k.
    for (uint e = tid; e < BM * BK; e += WX * WY) {
      uint mm = e / BK, kk = e % BK;
      uint co = tile_m + mm, k = k0 + kk;
      float v = 0.0;
      if (co < p.cout && k < taps)
        v = weight_at(co * taps + k);
      w_tile[kk * BM + mm] = v;
    }
    // Consecutive invocations walk output pixels, mostly consecutive inputs.
    for (uint e = tid; e < BN * BK; e += WX * WY) {
      uint nn = e % BN, kk = e / BN;
      uint pix = tile_n + nn, k = k0 + kk;
      float v = 0.0;
      if (pix < npix && k < taps) {
        uint ci = k / (p.kh * p.kw), r = k % (p.kh * p.kw);
        int iy = int((pix / p.ow) * p.stride_y + r / p.kw) - int(p.pad_y);
        int ix = int((pix % p.ow) * p.stride_x + r % p.kw) - int(p.pad_x);
        if (iy >= 0 && iy < int(p.h) && ix >= 0 && ix < int(p.w))
          v = x[x_base + (ci * p.h + uint(iy)) * p.w + uint(ix)];
      }
      x_tile[kk * BN + nn] = v;
    }
    barrier();
    for (uint kk = 0; kk < BK; kk++) {
      float wv[TM], xv[TN];
      [[unroll]] for (uint i = 0; i < TM; i++)
        wv[i] = w_tile[kk * BM + ty + i * WY];
      [[unroll]] for (uint j = 0; j < TN; j++)
        xv[j] = x_tile[kk * BN + tx + j * WX];
      [[unroll]] for (uint i = 0; i < TM; i++)
        [[unroll]] for (uint j = 0; j < TN; j++)
          acc[i][j] = fma(wv[i], xv[j], acc[i][j]);
    }
    barrier();
  }

  bool has_bias = (p.flags & 1u) != 0;
  uint y_base = n * p.cout * npix;
  [[unroll]] for (uint i = 0; i < TM; i++) {
    uint co = tile_m + ty + i * WY;
    if (co >= p.cout)
      break;
    float b = 0.0;
    if (has_bias)
      b = bias[((p.flags & FLAG_BIAS_BATCH) != 0 ? n * p.cout : 0) + co];
    [[unroll]] for (uint j = 0; j < TN; j++) {
      uint pix = tile_n + tx + j * WX;
      if (pix >= npix)
        break;
      uint at = y_base + co * npix + pix;
      y[at] = at_epilogue(acc[i][j] + b, p.flags, at);
    }
  }
}
