#version 450
#extension GL_GOOGLE_include_directive : require
// Softmax over each row of the last dimension, any row length. Stable: the
// row maximum is subtracted before exponentiating. The exponentials are
// written once and rescaled in place, so each element costs one exp; each
// invocation rescales only what it wrote itself.
//
// GPUs: one workgroup per row, reduced through shared memory. CPU devices
// (SERIAL): one invocation per row and no barriers, for rows of at most
// AT_REDUCE_SERIAL_MAX elements (see norm.comp).
#include "common.glsl"
#include "reduce.glsl"

layout(constant_id = 3) const bool SERIAL = false; // one row per invocation

AT_BUFFER_RO(0, src);
AT_BUFFER_RW(1, dst);

layout(push_constant) uniform Push {
  uint rows;
  uint cols;
} p;

void main() {
  uint row = SERIAL ? at_global_index() : gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  uint first = SERIAL ? 0 : gl_LocalInvocationID.x;
  uint step = SERIAL ? 1 : gl_WorkGroupSize.x;
  if (row >= p.rows)
    return; // a whole workgroup unless SERIAL, which has no barriers
  uint base = row * p.cols;

  float m = -3.402823466e38;
  for (uint i = first; i < p.cols; i += step)
    m = max(m, src[base + i]);
  if (!SERIAL)
    m = at_workgroup_max(m);

  float sum = 0.0, lost = 0.0;
  for (uint i = first; i < p.cols; i += step) {
    float e = exp(src[base + i] - m);
    dst[base + i] = e;
    at_kahan_add(sum, lost, e);
  }
  float inv = 1.0 / (SERIAL ? sum : at_workgroup_sum(sum));
  for (uint i = first; i < p.cols; i += step)
    dst[base + i] *= inv;
}
