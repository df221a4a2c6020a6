#version 450
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
// Multi-head scaled-dot-product attention, flash style: the Lq x Lk score
// matrix never exists outside registers. Each workgroup takes a block of
// queries of one head of one batch item and streams K and V through shared
// memory in tiles of KEY_TILE keys. Per query it keeps a running maximum,
// a running sum and an unnormalised output (online softmax), rescaled when
// the maximum grows; keys go KEY_CHUNK at a time, so that costs one extra
// exp2 and one rescale per chunk rather than per key.
//
// Each invocation owns QUERIES queries, WG apart, so every K or V value it
// loads feeds QUERIES dot products: on CPU devices (lavapipe), where a load
// costs about a dozen FMAs, the wrapper raises QUERIES; on GPUs it is 1.
//
// Layout as PyTorch after the input projections: q [B, Lq, H*D], k and v
// [B, Lk, H*D], out [B, Lq, H*D]; head h owns channels h*D .. h*D+D-1.
// Grid: x = query blocks of WG*QUERIES, y = heads, z = batch.
//
// With KEY_COUNTS, batch item b attends to its first key_counts[b] keys
// only (a count held as a float, clamped to 1..lk): the keys past it are
// padding, so that contexts of different lengths share one batch.
#include "common.glsl"

layout(constant_id = 3) const uint HEAD_DIM = 64;  // D, at most 128
layout(constant_id = 4) const uint KEY_TILE = 32;  // keys per shared tile, a multiple of KEY_CHUNK
layout(constant_id = 5) const uint QUERIES = 1;    // queries per invocation
layout(constant_id = 6) const uint KEY_CHUNK = 4;  // keys per online-softmax step
layout(constant_id = 7) const uint KEY_COUNTS = 0; // 1: binding 4 holds the keys per batch item

const uint WG = gl_WorkGroupSize.x;
// Vectors of four channels; the padding beyond HEAD_DIM holds zeros.
const uint D4 = (HEAD_DIM + 3) / 4;
// Finite stand-in for -infinity, so no inf - inf can make a NaN.
const float NEG_BIG = -1.0e30;

AT_BUFFER_RO(0, q);
AT_BUFFER_RO(1, k);
AT_BUFFER_RO(2, v);
AT_BUFFER_WO(3, dst);
AT_BUFFER_RO(4, key_counts);  // [B] when KEY_COUNTS; else a stand-in, never read

layout(push_constant) uniform Push {
  uint lq;
  uint lk;
  uint heads;
  float scale_log2e;   // scale * log2(e): scores go through exp2
} p;

shared vec4 k_tile[KEY_TILE * D4];
shared vec4 v_tile[KEY_TILE * D4];

vec4 qv[QUERIES][D4];
vec4 acc[QUERIES][D4];
float m[QUERIES];   // running maximum of the scores (log2 units)
float l[QUERIES];   // running sum of exp2(score - m)

void load_tiles(uint kv_base, uint row_stride, uint j0, uint lk) {
  for (uint e = gl_LocalInvocationID.x; e < KEY_TILE * D4; e += WG) {
    uint j = e / D4, d = (e % D4) * 4;
    vec4 kx = vec4(0.0), vx = vec4(0.0);
    if (j0 + j < lk) {
      uint off = kv_base + (j0 + j) * row_stride + d;
      [[unroll]] for (uint c = 0; c < 4; c++)
        if (d + c < HEAD_DIM) {
          kx[c] = k[off + c];
          vx[c] = v[off + c];
        }
    }
    k_tile[e] = kx;
    v_tile[e] = vx;
  }
}

// Folds keys j0+jc .. j0+jc+KEY_CHUNK-1 of the current tile into every query.
void attend_chunk(uint jc, uint valid) {
  float s[QUERIES][KEY_CHUNK];
  [[unroll]] for (uint i = 0; i < QUERIES; i++)
    [[unroll]] for (uint kk = 0; kk < KEY_CHUNK; kk++)
      s[i][kk] = 0.0;
  [[unroll]] for (uint kk = 0; kk < KEY_CHUNK; kk++)
    [[unroll]] for (uint d4 = 0; d4 < D4; d4++) {
      vec4 kx = k_tile[(jc + kk) * D4 + d4];
      [[unroll]] for (uint i = 0; i < QUERIES; i++)
        s[i][kk] += dot(qv[i][d4], kx);
    }
  [[unroll]] for (uint i = 0; i < QUERIES; i++) {
    float chunk_max = m[i];
    [[unroll]] for (uint kk = 0; kk < KEY_CHUNK; kk++) {
      s[i][kk] = jc + kk < valid ? s[i][kk] : NEG_BIG;
      chunk_max = max(chunk_max, s[i][kk]);
    }
    float correction = exp2(m[i] - chunk_max);
    m[i] = chunk_max;
    l[i] *= correction;
    [[unroll]] for (uint d4 = 0; d4 < D4; d4++)
      acc[i][d4] *= correction;
    [[unroll]] for (uint kk = 0; kk < KEY_CHUNK; kk++) {
      s[i][kk] = exp2(s[i][kk] - chunk_max);
      l[i] += s[i][kk];
    }
  }
  [[unroll]] for (uint kk = 0; kk < KEY_CHUNK; kk++)
    [[unroll]] for (uint d4 = 0; d4 < D4; d4++) {
      vec4 vx = v_tile[(jc + kk) * D4 + d4];
      [[unroll]] for (uint i = 0; i < QUERIES; i++)
        acc[i][d4] += s[i][kk] * vx;
    }
}

void main() {
  uint t = gl_LocalInvocationID.x;
  uint h = gl_WorkGroupID.y, b = gl_WorkGroupID.z;
  uint row_stride = p.heads * HEAD_DIM;
  uint first = gl_WorkGroupID.x * WG * QUERIES + t;
  uint kv_base = b * p.lk * row_stride + h * HEAD_DIM;
  uint lk = p.lk;
  if (KEY_COUNTS != 0)
    lk = clamp(uint(key_counts[b]), 1u, p.lk);

  // Queries past the end compute on a copy of the last one (they still
  // load tiles and meet the barriers) and store nothing.
  [[unroll]] for (uint i = 0; i < QUERIES; i++) {
    uint q_base = (b * p.lq + min(first + i * WG, p.lq - 1)) * row_stride + h * HEAD_DIM;
    [[unroll]] for (uint d4 = 0; d4 < D4; d4++) {
      vec4 x = vec4(0.0);
      [[unroll]] for (uint c = 0; c < 4; c++)
        if (d4 * 4 + c < HEAD_DIM)
          x[c] = q[q_base + d4 * 4 + c];
      qv[i][d4] = x * p.scale_log2e;
      acc[i][d4] = vec4(0.0);
    }
    m[i] = NEG_BIG;
    l[i] = 0.0;
  }

  for (uint j0 = 0; j0 < lk; j0 += KEY_TILE) {
    load_tiles(kv_base, row_stride, j0, lk);
    barrier();
    uint valid = min(KEY_TILE, lk - j0);
    [[dont_unroll]] for (uint jc = 0; jc < valid; jc += KEY_CHUNK)
      attend_chunk(jc, valid);
    barrier(); // the tiles are overwritten next
  }

  [[unroll]] for (uint i = 0; i < QUERIES; i++) {
    uint query = first + i * WG;
    if (query >= p.lq)
      break;
    float inv_l = 1.0 / l[i];
    uint out_base = (b * p.lq + query) * row_stride + h * HEAD_DIM;
    [[unroll]] for (uint d4 = 0; d4 < D4; d4++)
      [[unroll]] for (uint c = 0; c < 4; c++)
        if (d4 * 4 + c < HEAD_DIM)
          dst[out_base + d4 * 4 + c] = acc[i][d4][c] * inv_l;
  }
}
