#version 450
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
// 2D convolution as an implicit GEMM without shared memory: the variant for
// CPU devices (lavapipe). See matmul_regs.comp for why.
//
// Per image, out[co, p] = sum_k W[co, k] · X[k, p] (+ bias[co]), where
// k = (ci, ky, kx) runs over the Cin·KH·KW taps and p over the output pixels;
// X is the im2col matrix, read on the fly from the NCHW input with zero
// padding and never stored. One workgroup computes TM output channels ×
// (local_size_x · TN) pixels: the channels come from the workgroup id only,
// so every weight load is the same address across the subgroup, and each
// invocation owns TN consecutive output pixels.
#include "common.glsl"

layout(constant_id = 3) const uint TM = 16;  // output channels per workgroup
layout(constant_id = 4) const uint TN = 4;   // output pixels per invocation
layout(constant_id = 5) const uint KH = 3;
layout(constant_id = 6) const uint KW = 3;

AT_BUFFER_RO(0, x);       // [N, Cin, H, W]
AT_BUFFER_RO(1, weight);  // [Cout, Cin, KH, KW]
AT_BUFFER_RO(2, bias);    // [Cout]
AT_BUFFER_WO(3, y);       // [N, Cout, OH, OW]

layout(push_constant) uniform Push {
  uint cin, h, w;
  uint cout, oh, ow;
  uint stride_y, stride_x;
  uint pad_y, pad_x;
  uint flags;  // bit 0: add bias[co]
  uint pad0;
} p;

void main() {
  uint n = gl_WorkGroupID.z;
  uint co0 = gl_WorkGroupID.y * TM;
  uint p0 = gl_GlobalInvocationID.x * TN;
  uint npix = p.oh * p.ow;
  uint x_base = n * p.cin * p.h * p.w;
  uint taps = p.cin * KH * KW;

  // Top-left input corner of each pixel's window; clamped pixels past the
  // end compute garbage that is never stored.
  int iy0[TN], ix0[TN];
  [[unroll]] for (uint j = 0; j < TN; j++) {
    uint pix = min(p0 + j, npix - 1);
    iy0[j] = int((pix / p.ow) * p.stride_y) - int(p.pad_y);
    ix0[j] = int((pix % p.ow) * p.stride_x) - int(p.pad_x);
  }
  uint w_row[TM];
  [[unroll]] for (uint i = 0; i < TM; i++)
    w_row[i] = min(co0 + i, p.cout - 1) * taps;

  float acc[TM][TN];
  [[unroll]] for (uint i = 0; i < TM; i++)
    [[unroll]] for (uint j = 0; j < TN; j++)
      acc[i][j] = 0.0;

  for (uint ci = 0; ci < p.cin; ci++) {
    uint x_chan = x_base + ci * p.h * p.w;
    for (uint ky = 0; ky < KH; ky++) {
      for (uint kx = 0; kx < KW; kx++) {
        float xv[TN];
        [[unroll]] for (uint j = 0; j < TN; j++) {
          int iy = iy0[j] + int(ky), ix = ix0[j] + int(kx);
          bool inside = iy >= 0 && iy < int(p.h) && ix >= 0 && ix < int(p.w);
          // Load from a clamped address, then zero: no branch per tap.
          float v = x[x_chan + uint(clamp(iy, 0, int(p.h) - 1)) * p.w + uint(clamp(ix, 0, int(p.w) - 1))];
          xv[j] = inside ? v : 0.0;
        }
        uint tap = (ci * KH + ky) * KW + kx;
        [[unroll]] for (uint i = 0; i < TM; i++) {
          float wv = weight[w_row[i] + tap];
          [[unroll]] for (uint j = 0; j < TN; j++)
            acc[i][j] = fma(wv, xv[j], acc[i][j]);
        }
      }
    }
  }

  bool has_bias = (p.flags & 1u) != 0;
  uint y_base = n * p.cout * npix;
  [[unroll]] for (uint i = 0; i < TM; i++) {
    uint co = co0 + i;
    if (co >= p.cout)
      break;
    float b = 0.0;
    if (has_bias)
      b = bias[co];
    [[unroll]] for (uint j = 0; j < TN; j++) {
      uint pix = p0 + j;
      if (pix >= npix)
        break;
      y[y_base + co * npix + pix] = acc[i][j] + b;
    }
  }
}
