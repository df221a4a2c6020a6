#version 450
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
// Winograd F(2×2, 3×3), step 1 of 3 (engine/ops/conv2d-winograd.c): the
// weight transform U = G g Gᵀ of every 3×3 kernel g = weight[co, ci],
// stored as 16 matrices U[ξ] of [Cout, Cin] (ξ = 4·row + column of the
// 4×4 result), the A operands of the 16 products U[ξ] · V[ξ].
//   G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]
// One invocation per (co, ci).
#include "common.glsl"

layout(set = 0, binding = 0) uniform samplerBuffer weight_tex;  // R32F, [Cout, Cin, 3, 3]
AT_BUFFER_WO(1, u);                                             // [16, Cout, Cin]

layout(push_constant) uniform Push {
  uint n;  // Cout · Cin
  uint pad0, pad1, pad2;
} p;

void main() {
  uint i = at_global_index();
  if (i >= p.n)
    return;
  float g[3][3];
  [[unroll]] for (uint r = 0; r < 3; r++)
    [[unroll]] for (uint c = 0; c < 3; c++)
      g[r][c] = texelFetch(weight_tex, int(i * 9 + r * 3 + c)).x;
  // G g: 4 × 3.
  float t[4][3];
  [[unroll]] for (uint c = 0; c < 3; c++) {
    t[0][c] = g[0][c];
    t[1][c] = 0.5 * (g[0][c] + g[1][c] + g[2][c]);
    t[2][c] = 0.5 * (g[0][c] - g[1][c] + g[2][c]);
    t[3][c] = g[2][c];
  }
  // (G g) Gᵀ: 4 × 4.
  [[unroll]] for (uint r = 0; r < 4; r++) {
    u[(r * 4 + 0) * p.n + i] = t[r][0];
    u[(r * 4 + 1) * p.n + i] = 0.5 * (t[r][0] + t[r][1] + t[r][2]);
    u[(r * 4 + 2) * p.n + i] = 0.5 * (t[r][0] - t[r][1] + t[r][2]);
    u[(r * 4 + 3) * p.n + i] = t[r][2];
  }
}
