#version 450
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
// Batched C[b] = op(A[b]) · op(B[b]) (+ bias[n]) (+ a residual, see
// epilogue.glsl) without shared memory: the variant for CPU devices
// (lavapipe).
//
// Why this shape: lavapipe runs a workgroup on one CPU thread, eight
// invocations (one subgroup) to a SIMD vector. A storage-buffer load whose
// address is not provably the same for all eight becomes a loop over the
// lanes, one scalar load and a vector insert each; a texelFetch from a
// texel buffer becomes one vectorised gather, so a and b are texel buffers
// here (a of R32F texels, b of RGBA32F: four columns a fetch). A condition
// inside a loop masks every store under it (a blend per multiply-add), and
// a subgroup broadcast first looks for an active lane (a loop over the
// eight), so neither is used in the inner loop:
// - one workgroup computes TM rows × (local_size_x · TN) columns; every
//   invocation fetches the TM rows' value of the current k from the same
//   address (a gather of one address);
// - each invocation owns TN consecutive columns of B, fetched per k (four
//   at a time when FLAG_VEC_B), and keeps a TM × TN block of sums;
// - k advances four steps a round with no condition inside, the last
//   K % 4 steps one by one.
// Per k a lane fetches TM + TN (or TN / 4) values for TM·TN multiply-adds.
// (Measured on lavapipe, BENCHMARKS.md: sharing the rows through subgroup
// broadcasts and conditional steps instead ran about 1.3× slower.)
//
// op(A) and op(B) are read through strides, so either may be stored
// transposed. Rows and columns past the edge are clamped for loading and
// skipped for storing.
#include "common.glsl"
#include "epilogue.glsl"

layout(constant_id = 3) const uint TM = 32;     // rows per workgroup
layout(constant_id = 4) const uint TN = 8;      // columns per invocation

layout(set = 0, binding = 0) uniform samplerBuffer a_tex;  // R32F
layout(set = 0, binding = 1) uniform samplerBuffer b_tex;  // RGBA32F
AT_BUFFER_RO(2, bias);
AT_BUFFER_WO(3, c);
// c seen as vec4s.
layout(std430, set = 0, binding = 3) writeonly buffer c4_block { vec4 c4[]; };

// Layouts travel as strides, not specialization constants: every pipeline
// costs seconds of LLVM time on lavapipe, and address arithmetic is cheap
// beside the loads.
layout(push_constant) uniform Push {
  uint M, N, K;
  uint flags;           // FLAG_*
  uint a_batch_stride;  // elements; 0 broadcasts one matrix over the batch
  uint b_batch_stride;
  uint c_batch_stride;
  uint pad0;
  uint a_stride_m, a_stride_k;  // op(A)[m, k] = a[m * a_stride_m + k * a_stride_k]
  uint b_stride_k, b_stride_n;  // op(B)[k, n] = b[k * b_stride_k + n * b_stride_n]
} p;

const uint FLAG_BIAS = 1;   // add bias[n]
const uint FLAG_VEC_B = 2;  // b_stride_n == 1, N % 4 == 0, TN % 4 == 0, aligned: vec4 loads
const uint FLAG_VEC_C = 4;  // N % 4 == 0, TN % 4 == 0, aligned: vec4 stores

float acc[TM][TN];
uint a_row[TM];  // where row m0 + i of op(A) begins
float bv[TN];

// op(B)[k, n0 .. n0 + TN - 1] into bv.
void load_b(uint base, uint n0, uint k) {
  if ((p.flags & FLAG_VEC_B) != 0) {
    uint last = p.N / 4 - 1;
    [[unroll]] for (uint j = 0; j < TN; j += 4) {
      vec4 v = texelFetch(b_tex, int((base + k * p.N) / 4 + min((n0 + j) / 4, last)));
      [[unroll]] for (uint r = 0; r < 4; r++)
        bv[j + r] = v[r];
    }
  } else {
    [[unroll]] for (uint j = 0; j < TN; j++)
      { uint e = base + k * p.b_stride_k + min(n0 + j, p.N - 1) * p.b_stride_n;
        bv[j] = texelFetch(b_tex, int(e / 4))[e % 4]; }
  }
}

// One K step: every lane fetches the rows' values from the same address
// (no broadcast needed) and multiplies them with its own columns.
#define STEP(k)                                                     \
  {                                                                 \
    load_b(b_base, n0, k);                                          \
    [[unroll]] for (uint i = 0; i < TM; i++) {                      \
      float av = texelFetch(a_tex, int(a_row[i] + (k) * p.a_stride_k)).x; \
      [[unroll]] for (uint j = 0; j < TN; j++)                      \
        acc[i][j] = fma(av, bv[j], acc[i][j]);                      \
    }                                                               \
  }

void main() {
  uint batch = gl_WorkGroupID.z;
  uint m0 = gl_WorkGroupID.y * TM;
  uint n0 = gl_GlobalInvocationID.x * TN;
  uint a_base = batch * p.a_batch_stride;
  uint b_base = batch * p.b_batch_stride;
  uint c_base = batch * p.c_batch_stride;

  [[unroll]] for (uint i = 0; i < TM; i++)
    [[unroll]] for (uint j = 0; j < TN; j++)
      acc[i][j] = 0.0;

  [[unroll]] for (uint i = 0; i < TM; i++)
    a_row[i] = a_base + min(m0 + i, p.M - 1) * p.a_stride_m;
  // Four steps a round, then the rest one by one: no condition inside a
  // round (lavapipe would mask every multiply-add with it).
  uint k = 0;
  for (; k + 4 <= p.K; k += 4) {
    STEP(k) STEP(k + 1) STEP(k + 2) STEP(k + 3)
  }
  for (; k < p.K; k++)
    STEP(k)

  if ((p.flags & FLAG_BIAS) != 0) {
    [[unroll]] for (uint j = 0; j < TN; j++) {
      float add = bias[min(n0 + j, p.N - 1)];
      [[unroll]] for (uint i = 0; i < TM; i++)
        acc[i][j] += add;
    }
  }
  [[unroll]] for (uint i = 0; i < TM; i++) {
    uint m = m0 + i;
    if (m >= p.M)
      break;
    if ((p.flags & FLAG_VEC_C) != 0) {
      [[unroll]] for (uint j = 0; j < TN; j += 4)
        if (n0 + j < p.N)
          c4[(c_base + m * p.N + n0 + j) / 4] = at_epilogue4(
              vec4(acc[i][j], acc[i][j + 1], acc[i][j + 2], acc[i][j + 3]), p.flags, c_base + m * p.N + n0 + j);
    } else {
      [[unroll]] for (uint j = 0; j < TN; j++)
        if (n0 + j < p.N)
          c[c_base + m * p.N + n0 + j] = at_epilogue(acc[i][j], p.flags, c_base + m * p.N + n0 + j);
    }
  }
}
