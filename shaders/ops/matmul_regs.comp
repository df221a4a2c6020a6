#version 450
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_ballot : require
// Batched C[b] = op(A[b]) · op(B[b]) (+ bias[n]) (+ a residual, see
// epilogue.glsl) without shared memory: the variant for CPU devices
// (lavapipe).
//
// Why this shape: lavapipe runs a workgroup on one CPU thread, eight
// invocations (one subgroup) to a SIMD vector. A storage-buffer load whose
// address is not provably the same for all eight becomes a loop over the
// lanes, one scalar load and a vector insert each; a texelFetch from a
// texel buffer becomes one vectorised gather, so a and b are texel buffers
// here (a of R32F texels, b of RGBA32F: four columns a fetch). Register
// moves between lanes (subgroupBroadcast with a constant lane) cost almost
// nothing. So the loads, not the FMAs, are what to minimise:
// - one workgroup computes TM rows × (local_size_x · TN) columns, and every
//   invocation of it shares the TM rows: the subgroup loads a row's next S
//   K values (S = MAX_SHARE, at most the subgroup size) with one fetch per
//   lane (lane l takes k0 + l) and broadcasts them, instead of every lane
//   fetching all S;
// - each invocation owns TN consecutive columns of B, fetched per k (four
//   at a time when FLAG_VEC_B), and keeps a TM × TN block of sums.
// Per round of S K steps a lane loads TM + S·TN floats for S·TM·TN FMAs.
// (Measured at 512³: 8 × 8 sums per lane, every lane loading all its own
// operands as vec4s, ran at a fifth of the speed of this.)
//
// op(A) and op(B) are read through strides, so either may be stored
// transposed. Rows and columns past the edge are clamped for loading and
// skipped for storing, so every invocation stays active for the subgroup
// operations.
#include "common.glsl"
#include "epilogue.glsl"

layout(constant_id = 3) const uint TM = 32;     // rows per workgroup
layout(constant_id = 4) const uint TN = 8;      // columns per invocation

// K values shared per broadcast round, at most 8 (the STEP list below) and
// never more than the subgroup size. Fewer rounds of more steps mean fewer
// loads but more code for LLVM to compile.
layout(constant_id = 5) const uint MAX_SHARE = 8;

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
float a_lane[TM];  // op(A)[m0 + i, k0 + this lane]
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

// One K step: row values from lane kk (a constant after expansion).
#define STEP(kk)                                                    \
  if (kk < MAX_SHARE && kk < steps) {                                                 \
    load_b(b_base, n0, k0 + kk);                                    \
    [[unroll]] for (uint i = 0; i < TM; i++) {                      \
      float av = subgroupBroadcast(a_lane[i], kk);                  \
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
  uint share = min(gl_SubgroupSize, MAX_SHARE);
  uint lane = gl_SubgroupInvocationID;

  [[unroll]] for (uint i = 0; i < TM; i++)
    [[unroll]] for (uint j = 0; j < TN; j++)
      acc[i][j] = 0.0;

  for (uint k0 = 0; k0 < p.K; k0 += share) {
    uint k = min(k0 + lane, p.K - 1);
    [[unroll]] for (uint i = 0; i < TM; i++)
      a_lane[i] = texelFetch(a_tex, int(a_base + min(m0 + i, p.M - 1) * p.a_stride_m + k * p.a_stride_k)).x;
    uint steps = min(share, p.K - k0);
    STEP(0u) STEP(1u) STEP(2u) STEP(3u) STEP(4u) STEP(5u) STEP(6u) STEP(7u)
  }

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
