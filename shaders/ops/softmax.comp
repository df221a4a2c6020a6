#version 450
#extension GL_GOOGLE_include_directive : require
// Softmax over each row of the last dimension, one workgroup per row, any
// row length. Stable: the row maximum is subtracted before exponentiating.
// The exponentials are written once and rescaled in place, so each element
// costs one exp.
#include "common.glsl"
#include "reduce.glsl"

AT_BUFFER_RO(0, src);
AT_BUFFER_RW(1, dst);

layout(push_constant) uniform Push {
  uint rows;
  uint cols;
} p;

void main() {
  uint row = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  if (row >= p.rows)
    return; // the whole workgroup leaves together
  uint t = gl_LocalInvocationID.x;
  uint base = row * p.cols;

  float m = -3.402823466e38;
  for (uint i = t; i < p.cols; i += gl_WorkGroupSize.x)
    m = max(m, src[base + i]);
  m = at_workgroup_max(m);

  float sum = 0.0;
  for (uint i = t; i < p.cols; i += gl_WorkGroupSize.x) {
    float e = exp(src[base + i] - m);
    dst[base + i] = e;
    sum += e;
  }
  // Each invocation rescales only what it wrote itself: no barrier needed
  // for dst, only for the sum.
  float inv = 1.0 / at_workgroup_sum(sum);
  for (uint i = t; i < p.cols; i += gl_WorkGroupSize.x)
    dst[base + i] *= inv;
}
