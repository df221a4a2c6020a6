#version 450
#extension GL_GOOGLE_include_directive : require
// Sinusoidal timestep embedding:
//   arg = (multiplier * t[b]) * freq[k],  freq[k] = exp(-ln(10000) k / half)
//   out[b, k] = cos(arg),  out[b, half + k] = sin(arg)
// t is read from a buffer so a recorded command list can be replayed with a
// new timestep. The frequencies come precomputed (correctly rounded) from
// the host, because GLSL's exp() may be off by many ulp and the argument
// reaches ~1000. GLSL's sin/cos are only specified on [-pi, pi], so the
// argument is first reduced modulo 2*pi with a three-part Cody–Waite split
// of 2*pi: k*C1 and k*C2 are exact for |k| < 4096 (|arg| < ~25000), and
// `precise` keeps the compiler from reassociating the steps.
#include "common.glsl"

AT_BUFFER_RO(0, t);
AT_BUFFER_RO(1, freq);
AT_BUFFER_WO(2, dst);

layout(push_constant) uniform Push {
  uint n;           // batch * dim
  uint dim;         // D, even
  uint half_dim;    // D / 2
  float multiplier; // the model uses 1000
} p;

const float INV_TWO_PI = 0.15915494;
const float C1 = 6.28125;                  // 201 / 32: 8 significant bits
const float C2 = 0.0019354820251464844;    // 4059 / 2^21: 12 significant bits
const float C3 = -1.7484555314695172e-07;  // 2*pi - C1 - C2, rounded

void main() {
  uint i = at_global_index();
  if (i >= p.n)
    return;
  uint b = i / p.dim;
  uint j = i - b * p.dim;
  bool is_sin = j >= p.half_dim;
  uint k = is_sin ? j - p.half_dim : j;
  precise float scaled = p.multiplier * t[b];
  precise float arg = scaled * freq[k];
  float turns = roundEven(arg * INV_TWO_PI);
  precise float r = ((arg - turns * C1) - turns * C2) - turns * C3;
  dst[i] = is_sin ? sin(r) : cos(r);
}
