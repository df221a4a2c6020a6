#version 450
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_ballot : require
// 2D convolution as an implicit GEMM without shared memory: the variant for
// CPU devices (lavapipe), built like matmul_regs.comp (read its header for
// why loads are what to minimise there).
//
// Per image, out[co, p] = sum_k W[co, k] · X[k, p] (+ bias[co]) (+ a
// residual, see epilogue.glsl), where
// k = (ci, ky, kx) runs over the Cin·KH·KW taps and p over the output pixels;
// X is the im2col matrix, read on the fly from the NCHW input with zero
// padding and never stored. One workgroup computes TM output channels ×
// (local_size_x · TN) pixels. Its invocations share the channels: a
// subgroup loads the next MAX_SHARE taps of each channel's weights with one
// load per lane and broadcasts them; each invocation gathers the input for
// its own TN consecutive pixels and keeps TM × TN sums.
//
// Input-window reuse (FLAG_ROWS: 3-wide kernels at x-stride 1 whose TN
// pixels per invocation lie in one output row): the three taps kx = 0, 1, 2
// of one input row read the same TN + 2 consecutive inputs, shifted by kx.
// They are loaded once when kx = 0 and reused for the other two taps, so a
// row of taps costs TN + 2 loads instead of 3 TN.
#include "common.glsl"
#include "epilogue.glsl"

layout(constant_id = 3) const uint TM = 32;  // output channels per workgroup
layout(constant_id = 4) const uint TN = 8;   // output pixels per invocation
layout(constant_id = 5) const uint MAX_SHARE = 8;  // taps per broadcast round, <= 8

// x and weight are R32F texel buffers: a texelFetch is one vectorised
// gather on lavapipe, a storage-buffer load a loop over the lanes.
layout(set = 0, binding = 0) uniform samplerBuffer x_tex;       // [N, Cin, H, W]
layout(set = 0, binding = 1) uniform samplerBuffer weight_tex;  // [Cout, Cin, KH, KW]
AT_BUFFER_RO(2, bias);    // [Cout], or [N, Cout] with FLAG_BIAS_BATCH
AT_BUFFER_WO(3, y);       // [N, Cout, OH, OW]
layout(std430, set = 0, binding = 3) writeonly buffer y4_block { vec4 y4[]; };

layout(push_constant) uniform Push {
  uint cin, h, w;
  uint cout, oh, ow;
  uint kh, kw;
  uint stride_y, stride_x;
  uint pad_y, pad_x;
  uint flags;  // FLAG_*
  uint pad0, pad1, pad2;
} p;

const uint FLAG_BIAS = 1;   // add bias[co]
const uint FLAG_VEC_Y = 2;  // OH·OW % 4 == 0, TN % 4 == 0, aligned: vec4 stores
const uint FLAG_ROWS = 128; // KW == 3, stride_x == 1, OW % TN == 0: input-window reuse

float acc[TM][TN];
float w_lane[TM];  // W[co0 + i, k0 + this lane]
float xv[TN];
float xw[TN + 2];  // FLAG_ROWS: the input row under the current (ci, ky)
int iy0[TN], ix0[TN];  // top-left input corner of each pixel's window

// The current tap, advanced one step at a time (no divisions in the loop).
uint tap_ci, tap_ky, tap_kx;

// X[tap, pixels] into xv, zero outside the image.
void load_x(uint x_base) {
  uint chan = x_base + tap_ci * p.h * p.w;
  [[unroll]] for (uint j = 0; j < TN; j++) {
    int iy = iy0[j] + int(tap_ky), ix = ix0[j] + int(tap_kx);
    bool inside = uint(iy) < p.h && uint(ix) < p.w;
    // Load from a valid address either way, then zero: no branch per pixel.
    float v = texelFetch(x_tex, int(inside ? chan + uint(iy) * p.w + uint(ix) : x_base)).x;
    xv[j] = inside ? v : 0.0;
  }
}

// FLAG_ROWS: X[taps (ci, ky, 0..2), pixels] into xv; the input row is
// loaded at kx = 0 and shifted for kx = 1 and 2.
void load_x_rows(uint x_base) {
  if (tap_kx == 0) {
    uint chan = x_base + tap_ci * p.h * p.w;
    int iy = iy0[0] + int(tap_ky);
    bool row_inside = uint(iy) < p.h;
    [[unroll]] for (uint j = 0; j < TN + 2; j++) {
      int ix = ix0[0] + int(j);
      bool inside = row_inside && uint(ix) < p.w;
      float v = texelFetch(x_tex, int(inside ? chan + uint(iy) * p.w + uint(ix) : x_base)).x;
      xw[j] = inside ? v : 0.0;
    }
  }
  [[unroll]] for (uint j = 0; j < TN; j++)
    xv[j] = tap_kx == 0 ? xw[j] : tap_kx == 1 ? xw[j + 1] : xw[j + 2];
}

void next_tap() {
  tap_kx++;
  bool row_done = tap_kx == p.kw;
  tap_kx = row_done ? 0 : tap_kx;
  tap_ky += row_done ? 1 : 0;
  bool chan_done = tap_ky == p.kh;
  tap_ky = chan_done ? 0 : tap_ky;
  tap_ci += chan_done ? 1 : 0;
}

#define STEP(kk)                                                    \
  if (kk < MAX_SHARE && kk < steps) {                               \
    if ((p.flags & FLAG_ROWS) != 0)                                 \
      load_x_rows(x_base);                                          \
    else                                                            \
      load_x(x_base);                                               \
    [[unroll]] for (uint i = 0; i < TM; i++) {                      \
      float wv = subgroupBroadcast(w_lane[i], kk);                  \
      [[unroll]] for (uint j = 0; j < TN; j++)                      \
        acc[i][j] = fma(wv, xv[j], acc[i][j]);                      \
    }                                                               \
    next_tap();                                                     \
  }

void main() {
  uint n = gl_WorkGroupID.z;
  uint co0 = gl_WorkGroupID.y * TM;
  uint p0 = gl_GlobalInvocationID.x * TN;
  uint npix = p.oh * p.ow;
  uint taps = p.cin * p.kh * p.kw;
  uint x_base = n * p.cin * p.h * p.w;
  uint share = min(gl_SubgroupSize, MAX_SHARE);
  uint lane = gl_SubgroupInvocationID;

  [[unroll]] for (uint j = 0; j < TN; j++) {
    uint pix = min(p0 + j, npix - 1);  // past the end: computed, not stored
    iy0[j] = int((pix / p.ow) * p.stride_y) - int(p.pad_y);
    ix0[j] = int((pix % p.ow) * p.stride_x) - int(p.pad_x);
  }
  [[unroll]] for (uint i = 0; i < TM; i++)
    [[unroll]] for (uint j = 0; j < TN; j++)
      acc[i][j] = 0.0;
  tap_ci = 0;
  tap_ky = 0;
  tap_kx = 0;

  for (uint k0 = 0; k0 < taps; k0 += share) {
    uint k = min(k0 + lane, taps - 1);
    [[unroll]] for (uint i = 0; i < TM; i++)
      w_lane[i] = texelFetch(weight_tex, int(min(co0 + i, p.cout - 1) * taps + k)).x;
    uint steps = min(share, taps - k0);
    STEP(0u) STEP(1u) STEP(2u) STEP(3u) STEP(4u) STEP(5u) STEP(6u) STEP(7u)
  }

  uint y_base = n * p.cout * npix;
  [[unroll]] for (uint i = 0; i < TM; i++) {
    uint co = co0 + i;
    if (co >= p.cout)
      break;
    float b = 0.0;
    if ((p.flags & FLAG_BIAS) != 0)
      b = bias[((p.flags & FLAG_BIAS_BATCH) != 0 ? n * p.cout : 0) + co];
    uint at = y_base + co * npix + p0;
    if ((p.flags & FLAG_VEC_Y) != 0) {
      [[unroll]] for (uint j = 0; j < TN; j += 4)
        if (p0 + j < npix)
          y4[(at + j) / 4] = at_epilogue4(vec4(acc[i][j], acc[i][j + 1], acc[i][j + 2], acc[i][j + 3]) + b,
                                          p.flags, at + j);
    } else {
      [[unroll]] for (uint j = 0; j < TN; j++)
        if (p0 + j < npix)
          y[at + j] = at_epilogue(acc[i][j] + b, p.flags, at + j);
    }
  }
}
