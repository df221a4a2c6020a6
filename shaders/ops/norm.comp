#version 450
#extension GL_GOOGLE_include_directive : require
// Normalises contiguous segments to zero mean and unit variance (biased, as
// PyTorch), then applies a per-channel affine map and optionally SiLU.
// Group norm: a segment is one group of one sample, (C/G)*spatial elements,
// and `inner` is the spatial size. Layer norm: a segment is one row of the
// last dimension and inner = 1.
//
// Two passes over the data for the statistics (mean, then squared
// deviations), which stays accurate where the one-pass sum of squares
// cancels. Both passes work on x - shift, shift being the segment's first
// element, so a segment far from zero (values near 300, spread 1) loses
// neither the sum's low bits nor the mean's rounding to fp32.
//
// GPUs: one workgroup per segment, reduced through shared memory. CPU
// devices (SERIAL): one invocation per segment and no barriers, because on
// lavapipe every barrier switches between coroutines for each eight
// invocations, while a load costs the same whether the lanes of a vector
// read neighbouring addresses or rows apart. lavapipe also stops any
// invocation after 65535 loop iterations in all, so SERIAL is for segments
// of at most AT_REDUCE_SERIAL_MAX elements (engine/ops/reduce.h).
#include "common.glsl"
#include "reduce.glsl"

layout(constant_id = 3) const uint AFFINE = 1;     // 0: no weight/bias
layout(constant_id = 4) const uint SILU = 0;       // 1: y = y*sigmoid(y) after the affine map
layout(constant_id = 5) const bool SERIAL = false; // one segment per invocation

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
  uint seg = SERIAL ? at_global_index() : gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  uint first = SERIAL ? 0 : gl_LocalInvocationID.x;
  uint step = SERIAL ? 1 : gl_WorkGroupSize.x;
  if (seg >= p.n_segments)
    return; // a whole workgroup unless SERIAL, which has no barriers
  uint base = seg * p.seg_len, end = base + p.seg_len;
  float inv_len = 1.0 / float(p.seg_len);

  float shift = src[base];
  float sum = 0.0, lost = 0.0;
  for (uint i = base + first; i < end; i += step)
    at_kahan_add(sum, lost, src[i] - shift);
  float mean = (SERIAL ? sum : at_workgroup_sum(sum)) * inv_len; // of x - shift

  float sq = 0.0;
  lost = 0.0;
  for (uint i = base + first; i < end; i += step) {
    float d = (src[i] - shift) - mean;
    at_kahan_add(sq, lost, d * d);
  }
  float rstd = inversesqrt((SERIAL ? sq : at_workgroup_sum(sq)) * inv_len + p.eps);

  // Segments start on a channel boundary (whole channels per group, whole
  // rows). Serially the channel advances with a counter, with no division
  // and one read of weight and bias per channel. (Folding shift + mean into
  // the bias would round it to fp32 and undo the shift.)
  uint channel = (base / p.inner) % p.channels;
  if (SERIAL) {
    uint in_channel = 0;
    float scale = AFFINE != 0 ? rstd * weight[channel] : rstd;
    float offset = AFFINE != 0 ? bias[channel] : 0.0;
    for (uint i = base; i < end; i++) {
      float y = ((src[i] - shift) - mean) * scale + offset;
      dst[i] = SILU != 0 ? y / (1.0 + exp(-y)) : y;
      if (++in_channel == p.inner && AFFINE != 0) {
        in_channel = 0;
        channel = min(channel + 1, p.channels - 1); // the clamp only guards the read past the last
        scale = rstd * weight[channel];
        offset = bias[channel];
      }
    }
  } else {
    for (uint i = base + first; i < end; i += step) {
      float y = ((src[i] - shift) - mean) * rstd;
      if (AFFINE != 0) {
        uint c = channel + (i - base) / p.inner;
        y = y * weight[c] + bias[c];
      }
      if (SILU != 0)
        y = y / (1.0 + exp(-y));
      dst[i] = y;
    }
  }
}
