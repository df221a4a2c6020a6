#version 450
#extension GL_GOOGLE_include_directive : require
// Power spectra of overlapping windowed frames, one workgroup per frame:
//   frame t = wave[hop*t + i] * window[i], i < N (zeros past the wave's end)
//   power[t, k] = |X_k|^2, k = 0..N/2, X = DFT_N(frame)
//
// A mixed-radix Cooley-Tukey FFT, decimation in time, in place in shared
// memory. The frame is stored in digit-reversed order, then each stage s
// (radix r = radix[s]) merges r transforms of length `span` (the product of
// the earlier radices) into one of length span*r:
//   X[j + q*span] = sum_m W_L^(j*m) Y_m[j] W_r^(m*q),   L = span*r
// where Y_m sits at offset m*span of the group. A butterfly reads and writes
// the same r elements, so butterflies of one stage never overlap and one
// barrier between stages suffices. The host plans the radices (2, 3, 4, 5)
// and supplies w[k] = exp(-2*pi*i*k/N) rounded from double for the
// twiddles W_L^(j*m) = w[j*m*N/L]: computing them here in fp32 from sin/cos
// of a large argument would cost ~1e-6 per factor instead of one rounding.
// The input is real, but the complex transform is kept for clarity: a
// frame fits in shared memory either way.
#include "common.glsl"

// The FFT size: the shared array holds exactly one frame.
layout(constant_id = 3) const uint N = 400;

const uint MAX_STAGES = 8; // engine/ops/stft.c plans at most this many

AT_BUFFER_RO(0, wave);
AT_BUFFER_RO(1, window);
AT_BUFFER_RO(2, twiddle); // [N][2]: cos, -sin of 2*pi*k/N
AT_BUFFER_WO(3, power);   // [n_frames][N/2 + 1]

layout(push_constant) uniform Push {
  uint n_wave;    // samples in wave; frames read zeros past it
  uint n_frames;
  uint hop;
  uint n_stages;
  uint radix[MAX_STAGES];
} p;

shared vec2 data[N];

vec2 cmul(vec2 a, vec2 b) {
  return vec2(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}

// a times -i: the rotation inside radix 4, and the imaginary parts of 3 and 5
vec2 minus_i(vec2 a) {
  return vec2(a.y, -a.x);
}

// Where sample i goes so the stages produce natural order: its mixed-radix
// digits, least significant first for the last stage, read in reverse.
uint digit_reversed(uint i) {
  uint pos = 0, stride = N, rest = i;
  for (uint s = p.n_stages; s > 0; s--) {
    uint r = p.radix[s - 1];
    stride /= r;
    pos += (rest % r) * stride;
    rest /= r;
  }
  return pos;
}

// Input m of a butterfly, times its twiddle W_L^(j*m) = w[m * tw].
vec2 twiddled(uint base, uint span, uint m, uint tw) {
  return cmul(data[base + m * span], vec2(twiddle[2 * m * tw], twiddle[2 * m * tw + 1]));
}

// The r-point DFTs, W_r^k written out as constants: with the roots of
// unity read from the table instead, each butterfly would load r^2 values,
// and on CPU devices every such load costs a loop over the SIMD lanes.
void radix2(uint base, uint span, uint tw) {
  vec2 a0 = data[base], a1 = twiddled(base, span, 1, tw);
  data[base] = a0 + a1;
  data[base + span] = a0 - a1;
}

const float SIN_60 = 0.8660254037844386;

void radix3(uint base, uint span, uint tw) {
  vec2 a0 = data[base], a1 = twiddled(base, span, 1, tw), a2 = twiddled(base, span, 2, tw);
  vec2 s = a1 + a2, d = minus_i(a1 - a2) * SIN_60;
  vec2 m = a0 - 0.5 * s;
  data[base] = a0 + s;
  data[base + span] = m + d;
  data[base + 2 * span] = m - d;
}

void radix4(uint base, uint span, uint tw) {
  vec2 a0 = data[base], a1 = twiddled(base, span, 1, tw);
  vec2 a2 = twiddled(base, span, 2, tw), a3 = twiddled(base, span, 3, tw);
  vec2 t0 = a0 + a2, t1 = a0 - a2, t2 = a1 + a3, t3 = minus_i(a1 - a3);
  data[base] = t0 + t2;
  data[base + span] = t1 + t3;
  data[base + 2 * span] = t0 - t2;
  data[base + 3 * span] = t1 - t3;
}

const float COS_72 = 0.30901699437494745, COS_144 = -0.8090169943749475;
const float SIN_72 = 0.9510565162951535, SIN_144 = 0.5877852522924731;

void radix5(uint base, uint span, uint tw) {
  vec2 a0 = data[base], a1 = twiddled(base, span, 1, tw), a2 = twiddled(base, span, 2, tw);
  vec2 a3 = twiddled(base, span, 3, tw), a4 = twiddled(base, span, 4, tw);
  vec2 s14 = a1 + a4, d14 = a1 - a4, s23 = a2 + a3, d23 = a2 - a3;
  vec2 ra = a0 + COS_72 * s14 + COS_144 * s23;
  vec2 rb = a0 + COS_144 * s14 + COS_72 * s23;
  vec2 ia = minus_i(SIN_72 * d14 + SIN_144 * d23);
  vec2 ib = minus_i(SIN_144 * d14 - SIN_72 * d23);
  data[base] = a0 + s14 + s23;
  data[base + span] = ra + ia;
  data[base + 2 * span] = rb + ib;
  data[base + 3 * span] = rb - ib;
  data[base + 4 * span] = ra - ia;
}

void main() {
  uint frame = gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
  if (frame >= p.n_frames)
    return; // the whole workgroup: no barrier is skipped by part of it
  uint tid = gl_LocalInvocationID.x, step = gl_WorkGroupSize.x;
  uint bins = N / 2 + 1, start = frame * p.hop;

  // A frame wholly past the wave (the tail of a short clip) is silent.
  if (start >= p.n_wave) {
    for (uint k = tid; k < bins; k += step)
      power[frame * bins + k] = 0.0;
    return;
  }

  for (uint i = tid; i < N; i += step) {
    uint n = start + i;
    float x = n < p.n_wave ? wave[n] * window[i] : 0.0;
    data[digit_reversed(i)] = vec2(x, 0.0);
  }
  uint span = 1;
  for (uint s = 0; s < p.n_stages; s++) {
    barrier();
    uint r = p.radix[s];
    uint tw_stride = N / (span * r); // W_L = w[N / L]
    for (uint b = tid; b < N / r; b += step) {
      uint j = b % span;
      uint base = (b - j) * r + j; // group b / span starts at (b / span) * L
      uint tw = j * tw_stride;
      if (r == 4)
        radix4(base, span, tw);
      else if (r == 2)
        radix2(base, span, tw);
      else if (r == 3)
        radix3(base, span, tw);
      else
        radix5(base, span, tw);
    }
    span *= r;
  }
  barrier();
  for (uint k = tid; k < bins; k += step) {
    vec2 x = data[k];
    power[frame * bins + k] = dot(x, x);
  }
}
