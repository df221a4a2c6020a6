#version 450
#extension GL_GOOGLE_include_directive : require
// Normalises contiguous segments to zero mean and unit variance (biased, as
// PyTorch), then applies a per-channel affine map and optionally SiLU.
// Group norm: a segment is one group of one sample, (C/G)*spatial elements,
// and `inner` is the spatial size. Layer norm: a segment is one row of the
// last dimension and inner = 1. One workgroup per segment; two passes over
// the data for the statistics (mean, then squared deviations), which stays
// accurate where the one-pass sum of squares cancels. Both passes work on
// x - shift, shift being the segment's first element, so a segment far from
// zero (values near 300, spread 1) loses neither the sum's low bits nor the
// mean's rounding to fp32.
#include "common.glsl"
#include "reduce.glsl"

layout(constant_id = 3) const uint AFFINE = 1; // 0: no weight/bias
layout(constant_id = 4) const uint SILU = 0;   // 1: y = y*sigmoid(y) after the affine map

AT_BUFFER_RO(0, src);
AT_BUFFER_RO(1, weight);
AT_BUFFER_RO(2, bias);
AT_BUFFER_WO(3, dst);

layout(push_constant) uniform Push {
  uint n_segments;
  uint seg_len;   // elements per segment
  uint inner;     // consecutive elements that share one channel
  uint channels;  // length of weight and bias
  float eps;
} p;

void main() {
  uint seg = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  if (seg >= p.n_segments)
    return; // the whole workgroup leaves together
  uint t = gl_LocalInvocationID.x;
  uint base = seg * p.seg_len;
  float inv_len = 1.0 / float(p.seg_len);

  float shift = src[base];
  float sum = 0.0;
  for (uint i = t; i < p.seg_len; i += gl_WorkGroupSize.x)
    sum += src[base + i] - shift;
  float mean = at_workgroup_sum(sum) * inv_len; // of x - shift

  float sq = 0.0;
  for (uint i = t; i < p.seg_len; i += gl_WorkGroupSize.x) {
    float d = (src[base + i] - shift) - mean;
    sq += d * d;
  }
  float rstd = inversesqrt(at_workgroup_sum(sq) * inv_len + p.eps);

  // Segments start on a channel boundary (whole channels per group, whole rows).
  uint channel0 = (base / p.inner) % p.channels;
  for (uint i = t; i < p.seg_len; i += gl_WorkGroupSize.x) {
    float y = ((src[base + i] - shift) - mean) * rstd;
    if (AFFINE != 0) {
      uint c = channel0 + i / p.inner;
      y = y * weight[c] + bias[c];
    }
    if (SILU != 0)
      y = y / (1.0 + exp(-y));
    dst[base + i] = y;
  }
}
