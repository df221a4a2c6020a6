#version 450
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
// Batched C[b] = op(A[b]) · op(B[b]) (+ bias[n]) without shared memory: the
// variant for CPU devices (lavapipe), where shared memory is just more
// memory traffic and what costs is the number of per-lane (divergent) loads.
//
// One workgroup computes TM rows × (local_size_x · TN) columns of one batch.
// The rows come from the workgroup id only, so every load of A is the same
// address across the subgroup (a scalar load plus a broadcast on lavapipe);
// each invocation owns TN consecutive columns, loaded from B as vec4 when
// VEC_B says the layout allows it. Each invocation keeps TM × TN sums.
//
// op(A) is A [M, K], or A [K, M] read transposed when TRANS_A; op(B) is
// B [K, N], or B [N, K] read transposed when TRANS_B. Out-of-range rows and
// columns are clamped for loading and skipped for storing.
#include "common.glsl"

layout(constant_id = 3) const uint TM = 16;
layout(constant_id = 4) const uint TN = 4;      // a multiple of 4 when VEC_B
layout(constant_id = 5) const bool TRANS_A = false;
layout(constant_id = 6) const bool TRANS_B = false;
// B read four floats at a time: along N (N % 4 == 0) without TRANS_B, along
// K (K % 4 == 0) with it; batch strides and offsets 16-byte aligned. The
// wrapper checks this.
layout(constant_id = 7) const bool VEC_B = false;

AT_BUFFER_RO(0, a);
AT_BUFFER_RO(1, b);
// The same binding seen as vec4: one load per lane fetches four floats.
layout(std430, set = 0, binding = 1) readonly buffer b4_block { vec4 b4[]; };
AT_BUFFER_RO(2, bias);
AT_BUFFER_WO(3, c);

layout(push_constant) uniform Push {
  uint M, N, K;
  uint flags;           // bit 0: add bias[n]
  uint a_batch_stride;  // elements; 0 broadcasts one matrix over the batch
  uint b_batch_stride;
  uint c_batch_stride;
  uint pad0;
} p;

// op(A)[m, k] and op(B)[k, n] for in-range indices.
float load_a(uint base, uint m, uint k) {
  return TRANS_A ? a[base + k * p.M + m] : a[base + m * p.K + k];
}

float load_b(uint base, uint k, uint n) {
  return TRANS_B ? b[base + n * p.K + k] : b[base + k * p.N + n];
}

void main() {
  uint batch = gl_WorkGroupID.z;
  uint m0 = gl_WorkGroupID.y * TM;
  uint n0 = gl_GlobalInvocationID.x * TN;
  uint a_base = batch * p.a_batch_stride;
  uint b_base = batch * p.b_batch_stride;
  uint c_base = batch * p.c_batch_stride;

  float acc[TM][TN];
  uint rows[TM];
  [[unroll]] for (uint i = 0; i < TM; i++)
    rows[i] = min(m0 + i, p.M - 1);
  uint cols[TN];
  [[unroll]] for (uint j = 0; j < TN; j++)
    cols[j] = min(n0 + j, p.N - 1);
  [[unroll]] for (uint i = 0; i < TM; i++)
    [[unroll]] for (uint j = 0; j < TN; j++)
      acc[i][j] = 0.0;

  if (VEC_B && !TRANS_B) {
    // TN consecutive columns of row k are TN/4 aligned vec4s; a lane past
    // the last column re-reads the last vec4 (N % 4 == 0) and stores nothing.
    uint last4 = (p.N - 4) / 4;
    for (uint k = 0; k < p.K; k++) {
      vec4 bv[TN / 4];
      [[unroll]] for (uint j = 0; j < TN / 4; j++)
        bv[j] = b4[(b_base + k * p.N) / 4 + min((n0 / 4) + j, last4)];
      [[unroll]] for (uint i = 0; i < TM; i++) {
        float av = load_a(a_base, rows[i], k);
        [[unroll]] for (uint j = 0; j < TN / 4; j++)
          [[unroll]] for (uint q = 0; q < 4; q++)
            acc[i][4 * j + q] = fma(av, bv[j][q], acc[i][4 * j + q]);
      }
    }
  } else if (VEC_B && TRANS_B) {
    // Column n of op(B) is row n of B: four consecutive k at once.
    for (uint k = 0; k < p.K; k += 4) {
      vec4 bv[TN];
      [[unroll]] for (uint j = 0; j < TN; j++)
        bv[j] = b4[(b_base + cols[j] * p.K + k) / 4];
      [[unroll]] for (uint q = 0; q < 4; q++)
        [[unroll]] for (uint i = 0; i < TM; i++) {
          float av = load_a(a_base, rows[i], k + q);
          [[unroll]] for (uint j = 0; j < TN; j++)
            acc[i][j] = fma(av, bv[j][q], acc[i][j]);
        }
    }
  } else {
    for (uint k = 0; k < p.K; k++) {
      float bv[TN];
      [[unroll]] for (uint j = 0; j < TN; j++)
        bv[j] = load_b(b_base, k, cols[j]);
      [[unroll]] for (uint i = 0; i < TM; i++) {
        float av = load_a(a_base, rows[i], k);
        [[unroll]] for (uint j = 0; j < TN; j++)
          acc[i][j] = fma(av, bv[j], acc[i][j]);
      }
    }
  }

  bool has_bias = (p.flags & 1u) != 0;
  [[unroll]] for (uint i = 0; i < TM; i++) {
    uint m = m0 + i;
    if (m >= p.M)
      break;
    [[unroll]] for (uint j = 0; j < TN; j++) {
      uint n = n0 + j;
      if (n >= p.N)
        break;
      float sum = acc[i][j];
      if (has_bias)
        sum += bias[n];
      c[c_base + m * p.N + n] = sum;
    }
  }
}
