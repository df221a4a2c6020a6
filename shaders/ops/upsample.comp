#version 450
#extension GL_GOOGLE_include_directive : require
// Nearest-neighbour ×2 upsampling of the last two dimensions (H, W):
// out[.., 2y+dy, 2x+dx] = in[.., y, x]. One invocation per input element
// writes its 2×2 block. Input row r (all leading dimensions flattened with
// y) becomes output rows 2r and 2r+1, since output rows are 2H per image.
#include "common.glsl"

AT_BUFFER_RO(0, src);
AT_BUFFER_WO(1, dst);

layout(push_constant) uniform Push {
  uint n;   // input elements
  uint w;   // input width
  uint pad0;
  uint pad1;
} p;

void main() {
  uint i = at_global_index();
  if (i >= p.n)
    return;
  uint row = i / p.w;
  uint x = i - row * p.w;
  float v = src[i];
  uint w2 = 2u * p.w;
  uint top = 2u * row * w2 + 2u * x;
  dst[top] = v;
  dst[top + 1u] = v;
  dst[top + w2] = v;
  dst[top + w2 + 1u] = v;
}
