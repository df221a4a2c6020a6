#version 450
#extension GL_GOOGLE_include_directive : require
// 2×2 average pooling with stride 2 over the last two dimensions, with
// PyTorch avg_pool2d(2) floor semantics: out is [.., H/2, W/2] rounded down
// and a trailing odd row or column of the input is ignored.
#include "common.glsl"

AT_BUFFER_RO(0, src);
AT_BUFFER_WO(1, dst);

layout(push_constant) uniform Push {
  uint n;    // output elements
  uint h;    // input height and width
  uint w;
  uint ho;   // output height and width
  uint wo;
  uint pad0;
  uint pad1;
  uint pad2;
} p;

void main() {
  uint i = at_global_index();
  if (i >= p.n)
    return;
  uint row = i / p.wo;             // image * ho + y
  uint x = i - row * p.wo;
  uint image = row / p.ho;
  uint y = row - image * p.ho;
  uint top = (image * p.h + 2u * y) * p.w + 2u * x;
  float s = (src[top] + src[top + 1u]) + (src[top + p.w] + src[top + p.w + 1u]);
  dst[i] = 0.25 * s;
}
