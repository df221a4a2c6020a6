#version 450
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_control_flow_attributes : require
// Winograd F(2×2, 3×3), step 2 of 3 (engine/ops/conv2d-winograd.c): the
// input transform V = Bᵀ d B of every 4×4 input tile d (zero outside the
// image), stored as 16 matrices V[ξ] of [Cin, P4], the B operands of the 16
// products U[ξ] · V[ξ].
//   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]
// Tile t = (n·TH + ty)·TW + tx covers output rows 2ty, 2ty + 1 and
// columns 2tx, 2tx + 1 of image n, so its input starts at (2ty − pad_y,
// 2tx − pad_x). P tiles in all, padded with zero columns to P4 (a multiple
// of 4, so the product reads V as aligned vec4s). One invocation per
// (ci, t): consecutive invocations take consecutive tiles.
#include "common.glsl"

layout(set = 0, binding = 0) uniform samplerBuffer x_tex;  // R32F, [N, Cin, H, W]
AT_BUFFER_WO(1, v);                                        // [16, Cin, P4]

layout(push_constant) uniform Push {
  uint cin, h, w;
  uint th, tw;      // tiles per image along y and x
  uint tiles;       // P = N · TH · TW
  uint tiles4;      // P4
  uint pad_y, pad_x;
  uint pad0, pad1, pad2;
} p;

void main() {
  uint i = at_global_index();
  if (i >= p.cin * p.tiles4)
    return;
  uint ci = i / p.tiles4;
  uint t = i - ci * p.tiles4;
  uint plane = p.cin * p.tiles4;  // elements of one V[ξ]
  if (t >= p.tiles) {
    [[unroll]] for (uint e = 0; e < 16; e++)
      v[e * plane + i] = 0.0;
    return;
  }
  uint per_image = p.th * p.tw;
  uint n = t / per_image;
  uint r = t - n * per_image;
  uint ty = r / p.tw;
  uint tx = r - ty * p.tw;
  int y0 = int(2 * ty) - int(p.pad_y), x0 = int(2 * tx) - int(p.pad_x);
  uint base = (n * p.cin + ci) * p.h * p.w;
  // Clamped fetches, zeroed outside: no branch around the loads.
  float d[4][4];
  [[unroll]] for (uint a = 0; a < 4; a++) {
    int y = y0 + int(a);
    bool row_in = y >= 0 && y < int(p.h);
    uint row = base + uint(clamp(y, 0, int(p.h) - 1)) * p.w;
    [[unroll]] for (uint b = 0; b < 4; b++) {
      int x = x0 + int(b);
      bool in_image = row_in && x >= 0 && x < int(p.w);
      float value = texelFetch(x_tex, int(row + uint(clamp(x, 0, int(p.w) - 1)))).x;
      d[a][b] = in_image ? value : 0.0;
    }
  }
  // Bᵀ d: 4 × 4.
  float s[4][4];
  [[unroll]] for (uint b = 0; b < 4; b++) {
    s[0][b] = d[0][b] - d[2][b];
    s[1][b] = d[1][b] + d[2][b];
    s[2][b] = d[2][b] - d[1][b];
    s[3][b] = d[1][b] - d[3][b];
  }
  // (Bᵀ d) B.
  [[unroll]] for (uint a = 0; a < 4; a++) {
    v[(a * 4 + 0) * plane + i] = s[a][0] - s[a][2];
    v[(a * 4 + 1) * plane + i] = s[a][1] + s[a][2];
    v[(a * 4 + 2) * plane + i] = s[a][2] - s[a][1];
    v[(a * 4 + 3) * plane + i] = s[a][1] - s[a][3];
  }
}
