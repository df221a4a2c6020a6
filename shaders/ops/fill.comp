#version 450
#extension GL_GOOGLE_include_directive : require
// Fills a tensor with one value (zeroing, and NaN poisoning in tests).
#include "common.glsl"

AT_BUFFER_WO(0, dst);

layout(push_constant) uniform Push {
  uint n;
  float value;
} p;

void main() {
  uint i = at_global_index();
  if (i >= p.n)
    return;
  dst[i] = p.value;
}
