#version 450
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
// Batched C[b] = op(A[b]) · op(B[b]) (+ bias[n]) (+ a residual, see
// epilogue.glsl) with shared-memory tiles:
// the variant for GPUs, where a tile loaded once from global memory is read
// by a whole workgroup.
//
// A workgroup of WX × WY invocations computes a BM × BN tile of C
// (BM = WY·TM, BN = WX·TN), stepping through K in slices of BK: each slice
// of op(A) and op(B) is loaded cooperatively (consecutive invocations read
// consecutive addresses), then every invocation accumulates TM × TN sums.
// Invocation (x, y) owns rows y + i·WY and columns x + j·WX, so the reads
// of the B tile and the stores of C are consecutive across a warp.
//
// op(A) and op(B) are read through strides, so either may be stored
// transposed. Elements outside the matrices load as zero and are not stored.
#include "common.glsl"
#include "epilogue.glsl"

layout(constant_id = 3) const uint TM = 4;
layout(constant_id = 4) const uint TN = 4;
layout(constant_id = 5) const uint BK = 16;

const uint WX = gl_WorkGroupSize.x;
const uint WY = gl_WorkGroupSize.y;
const uint BM = WY * TM;
const uint BN = WX * TN;

AT_BUFFER_RO(0, a);
AT_BUFFER_RO_HALF(1, b, 7)  // B may be fp16 (a linear layer's weight)
AT_BUFFER_RO(2, bias);
AT_BUFFER_WO(3, c);

layout(push_constant) uniform Push {
  uint M, N, K;
  uint flags;           // bit 0: add bias[n]
  uint a_batch_stride;  // elements; 0 broadcasts one matrix over the batch
  uint b_batch_stride;
  uint c_batch_stride;
  uint pad0;
  uint a_stride_m, a_stride_k;  // op(A)[m, k] = a[m * a_stride_m + k * a_stride_k]
  uint b_stride_k, b_stride_n;  // op(B)[k, n] = b[k * b_stride_k + n * b_stride_n]
} p;

shared float a_tile[BK * BM];  // [k][m]
shared float b_tile[BK * BN];  // [k][n]

void main() {
  uint batch = gl_WorkGroupID.z;
  uint tile_m = gl_WorkGroupID.y * BM;
  uint tile_n = gl_WorkGroupID.x * BN;
  uint tx = gl_LocalInvocationID.x;
  uint ty = gl_LocalInvocationID.y;
  uint tid = gl_LocalInvocationIndex;
  uint a_base = batch * p.a_batch_stride;
  uint b_base = batch * p.b_batch_stride;
  uint c_base = batch * p.c_batch_stride;
  bool a_k_major = p.a_stride_k == 1;  // A [M, K]: consecutive k are adjacent
  bool b_k_major = p.b_stride_k == 1;  // B stored [N, K]

  float acc[TM][TN];
  [[unroll]] for (uint i = 0; i < TM; i++)
    [[unroll]] for (uint j = 0; j < TN; j++)
      acc[i][j] = 0.0;

  for (uint k0 = 0; k0 < p.K; k0 += BK) {
    // The index that runs fastest follows the operand's memory layout, so
    // consecutive invocations read consecutive addresses.
    for (uint e = tid; e < BM * BK; e += WX * WY) {
      uint mm = a_k_major ? e / BK : e % BM;
      uint kk = a_k_major ? e % BK : e / BM;
      uint m = tile_m + mm, k = k0 + kk;
      float v = 0.0;
      if (m < p.M && k < p.K)
        v = a[a_base + m * p.a_stride_m + k * p.a_stride_k];
      a_tile[kk * BM + mm] = v;
    }
    for (uint e = tid; e < BN * BK; e += WX * WY) {
      uint nn = b_k_major ? e / BK : e % BN;
      uint kk = b_k_major ? e % BK : e / BN;
      uint n = tile_n + nn, k = k0 + kk;
      float v = 0.0;
      if (n < p.N && k < p.K)
        v = b_at(b_base + k * p.b_stride_k + n * p.b_stride_n);
      b_tile[kk * BN + nn] = v;
    }
    barrier();
    for (uint kk = 0; kk < BK; kk++) {
      float av[TM], bv[TN];
      [[unroll]] for (uint i = 0; i < TM; i++)
        av[i] = a_tile[kk * BM + ty + i * WY];
      [[unroll]] for (uint j = 0; j < TN; j++)
        bv[j] = b_tile[kk * BN + tx + j * WX];
      [[unroll]] for (uint i = 0; i < TM; i++)
        [[unroll]] for (uint j = 0; j < TN; j++)
          acc[i][j] = fma(av[i], bv[j], acc[i][j]);
    }
    barrier();
  }

  bool has_bias = (p.flags & 1u) != 0;
  [[unroll]] for (uint i = 0; i < TM; i++) {
    uint m = tile_m + ty + i * WY;
    if (m >= p.M)
      break;
    [[unroll]] for (uint j = 0; j < TN; j++) {
      uint n = tile_n + tx + j * WX;
      if (n >= p.N)
        break;
      float sum = acc[i][j];
      if (has_bias)
        sum += bias[n];
      c[c_base + m * p.N + n] = at_epilogue(sum, p.flags, c_base + m * p.N + n);
    }
  }
}
