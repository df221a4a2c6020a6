#version 450
#extension GL_GOOGLE_include_directive : require
// Multi-head scaled-dot-product attention, flash style: the Lq x Lk score
// matrix never exists outside registers. Each workgroup takes a block of
// queries of one head of one batch item, one query per invocation, and
// streams K and V through shared memory in tiles of KEY_TILE keys, keeping a
// running maximum, a running sum and an unnormalised output per query
// (online softmax), rescaled whenever the maximum grows.
//
// Layout as PyTorch after the input projections: q [B, Lq, H*D], k and v
// [B, Lk, H*D], out [B, Lq, H*D]; head h owns channels h*D .. h*D+D-1.
// Grid: x = query blocks, y = heads, z = batch.
#include "common.glsl"

layout(constant_id = 3) const uint HEAD_DIM = 64; // D, at most 128
layout(constant_id = 4) const uint KEY_TILE = 32; // keys per shared-memory tile

// Vectors of four channels; the padding beyond HEAD_DIM holds zeros.
const uint D4 = (HEAD_DIM + 3) / 4;
// Finite stand-in for -infinity, so no inf - inf can make a NaN.
const float NEG_BIG = -1.0e30;

AT_BUFFER_RO(0, q);
AT_BUFFER_RO(1, k);
AT_BUFFER_RO(2, v);
AT_BUFFER_WO(3, dst);

layout(push_constant) uniform Push {
  uint lq;
  uint lk;
  uint heads;
  float scale_log2e;   // scale * log2(e): scores go through exp2
} p;

shared vec4 k_tile[KEY_TILE * D4];
shared vec4 v_tile[KEY_TILE * D4];

// Four channels of one row, zero past HEAD_DIM.
vec4 load4_q(uint row_base, uint d4) {
  vec4 x = vec4(0.0);
  for (uint c = 0; c < 4; c++)
    if (d4 * 4 + c < HEAD_DIM)
      x[c] = q[row_base + d4 * 4 + c];
  return x;
}

void main() {
  uint t = gl_LocalInvocationID.x;
  uint h = gl_WorkGroupID.y, b = gl_WorkGroupID.z;
  uint row_stride = p.heads * HEAD_DIM;
  uint query = gl_WorkGroupID.x * gl_WorkGroupSize.x + t;
  bool in_range = query < p.lq;
  // Inactive invocations still load tiles and meet the barriers.
  uint q_base = (b * p.lq + min(query, p.lq - 1)) * row_stride + h * HEAD_DIM;
  uint kv_base = b * p.lk * row_stride + h * HEAD_DIM;

  vec4 qv[D4];
  vec4 acc[D4];
  for (uint d4 = 0; d4 < D4; d4++) {
    qv[d4] = load4_q(q_base, d4) * p.scale_log2e;
    acc[d4] = vec4(0.0);
  }
  float m = NEG_BIG; // running maximum of the scores (log2 units)
  float l = 0.0;     // running sum of exp2(score - m)

  for (uint j0 = 0; j0 < p.lk; j0 += KEY_TILE) {
    for (uint e = t; e < KEY_TILE * D4; e += gl_WorkGroupSize.x) {
      uint j = e / D4, d = (e % D4) * 4;
      vec4 kx = vec4(0.0), vx = vec4(0.0);
      if (j0 + j < p.lk) {
        uint off = kv_base + (j0 + j) * row_stride + d;
        for (uint c = 0; c < 4; c++)
          if (d + c < HEAD_DIM) {
            kx[c] = k[off + c];
            vx[c] = v[off + c];
          }
      }
      k_tile[e] = kx;
      v_tile[e] = vx;
    }
    barrier();

    uint valid = min(KEY_TILE, p.lk - j0);
    float s[KEY_TILE];
    float tile_max = m;
    for (uint j = 0; j < KEY_TILE; j++) {
      float dot_qk = 0.0;
      for (uint d4 = 0; d4 < D4; d4++)
        dot_qk += dot(qv[d4], k_tile[j * D4 + d4]);
      s[j] = j < valid ? dot_qk : NEG_BIG;
      tile_max = max(tile_max, s[j]);
    }
    float correction = exp2(m - tile_max);
    l *= correction;
    for (uint d4 = 0; d4 < D4; d4++)
      acc[d4] *= correction;
    for (uint j = 0; j < KEY_TILE; j++) {
      float pj = exp2(s[j] - tile_max);
      l += pj;
      for (uint d4 = 0; d4 < D4; d4++)
        acc[d4] += pj * v_tile[j * D4 + d4];
    }
    m = tile_max;
    barrier(); // the tiles are overwritten next
  }

  if (!in_range)
    return;
  float inv_l = 1.0 / l;
  uint out_base = (b * p.lq + query) * row_stride + h * HEAD_DIM;
  for (uint d4 = 0; d4 < D4; d4++)
    for (uint c = 0; c < 4; c++)
      if (d4 * 4 + c < HEAD_DIM)
        dst[out_base + d4 * 4 + c] = acc[d4][c] * inv_l;
}
