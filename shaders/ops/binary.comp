#version 450
#extension GL_GOOGLE_include_directive : require
// Element-wise a ⊕ b with NumPy-style broadcasting over 4 dimensions.
// MODE 0: out = alpha*a + beta*b    MODE 1: out = alpha*a*b
#include "common.glsl"

layout(constant_id = 3) const uint MODE = 0;

AT_BUFFER_RO(0, a);
AT_BUFFER_RO(1, b);
AT_BUFFER_WO(2, dst);

layout(push_constant) uniform Push {
  uint n;
  uint pad0;
  float alpha;
  float beta;
  uvec4 shape;     // output shape, outermost first
  uvec4 a_stride;  // 0 where a is broadcast
  uvec4 b_stride;
} p;

void main() {
  uint i = at_global_index();
  if (i >= p.n)
    return;
  uint rest = i;
  uvec4 idx;
  for (int d = 3; d >= 0; d--) {
    idx[d] = rest % p.shape[d];
    rest /= p.shape[d];
  }
  uint ai = idx.x * p.a_stride.x + idx.y * p.a_stride.y + idx.z * p.a_stride.z + idx.w * p.a_stride.w;
  uint bi = idx.x * p.b_stride.x + idx.y * p.b_stride.y + idx.z * p.b_stride.z + idx.w * p.b_stride.w;
  float x = a[ai];
  float y = b[bi];
  dst[i] = MODE == 0 ? p.alpha * x + p.beta * y : p.alpha * x * y;
}
