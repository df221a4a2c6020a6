#version 450
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
// Winograd F(2×2, 3×3), step 3 of 3 (engine/ops/conv2d-winograd.c): the
// output transform Y = Aᵀ M A of each tile's 16 products M[ξ][co, t], plus
// the bias (and the residual when the RESIDUAL constant is set), stored as
// the tile's 2 × 2 output pixels, those inside the image.
//   Aᵀ = [1 1 1 0; 0 1 −1 −1]
// One invocation per (co, t): consecutive invocations take consecutive
// tiles, so the 16 fetches of a subgroup are gathers of neighbours.
#include "common.glsl"

layout(constant_id = 3) const uint RESIDUAL = 0;  // 1: add residual[index]

layout(set = 0, binding = 0) uniform samplerBuffer m_tex;  // R32F, [16, Cout, P4]
AT_BUFFER_RO(1, bias);      // [Cout], or [N, Cout] with FLAG_BIAS_BATCH
AT_BUFFER_WO(2, y);         // [N, Cout, OH, OW]
AT_BUFFER_RO(3, residual);  // y's shape; a stand-in, never read, without RESIDUAL

layout(push_constant) uniform Push {
  uint cout, oh, ow;
  uint th, tw;     // tiles per image along y and x
  uint tiles;      // P = N · TH · TW
  uint tiles4;     // P4, the row length of M[ξ]
  uint flags;      // FLAG_*
} p;

const uint FLAG_BIAS = 1;
const uint FLAG_BIAS_BATCH = 64;  // the bias is [N, Cout]

void main() {
  uint i = at_global_index();
  if (i >= p.cout * p.tiles)
    return;
  uint co = i / p.tiles;
  uint t = i - co * p.tiles;
  uint per_image = p.th * p.tw;
  uint n = t / per_image;
  uint r = t - n * per_image;
  uint ty = r / p.tw;
  uint tx = r - ty * p.tw;
  uint plane = p.cout * p.tiles4;
  uint at = co * p.tiles4 + t;
  float m[4][4];
  [[unroll]] for (uint a = 0; a < 4; a++)
    [[unroll]] for (uint b = 0; b < 4; b++)
      m[a][b] = texelFetch(m_tex, int((a * 4 + b) * plane + at)).x;
  // Aᵀ M: 2 × 4.
  float s[2][4];
  [[unroll]] for (uint b = 0; b < 4; b++) {
    s[0][b] = m[0][b] + m[1][b] + m[2][b];
    s[1][b] = m[1][b] - m[2][b] - m[3][b];
  }
  float add = 0.0;
  if ((p.flags & FLAG_BIAS) != 0)
    add = bias[(p.flags & FLAG_BIAS_BATCH) != 0 ? n * p.cout + co : co];
  uint oy = 2 * ty, ox = 2 * tx;
  uint base = (n * p.cout + co) * p.oh * p.ow;
  [[unroll]] for (uint a = 0; a < 2; a++) {
    if (oy + a >= p.oh)
      break;
    float out0 = s[a][0] + s[a][1] + s[a][2] + add;
    float out1 = s[a][1] - s[a][2] - s[a][3] + add;
    uint at_y = base + (oy + a) * p.ow + ox;
    if (RESIDUAL != 0)
      out0 += residual[at_y];
    y[at_y] = out0;
    if (ox + 1 < p.ow) {
      if (RESIDUAL != 0)
        out1 += residual[at_y + 1];
      y[at_y + 1] = out1;
    }
  }
}
