#version 450
#extension GL_GOOGLE_include_directive : require
// Activations of the CLIP text towers, chosen by the MODE constant:
// 0 quick GELU: x * sigmoid(1.702 x)   (OpenAI CLIP, SD 1.x)
// 1 GELU, exact: 0.5 x (1 + erf(x / sqrt 2))   (PyTorch's nn.GELU, SD 2.x)
// GLSL has no erf: Abramowitz & Stegun 7.1.26 (absolute error < 1.5e-7).
#include "common.glsl"

layout(constant_id = 3) const uint MODE = 0;

AT_BUFFER_RO(0, src);
AT_BUFFER_WO(1, dst);

layout(push_constant) uniform Push {
  uint n;
} p;

float erf_approx(float x) {
  float s = sign(x);
  float a = abs(x);
  float t = 1.0 / (1.0 + 0.3275911 * a);
  float poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return s * (1.0 - poly * exp(-a * a));
}

void main() {
  uint i = at_global_index();
  if (i >= p.n)
    return;
  float x = src[i];
  if (MODE == 0)
    dst[i] = x / (1.0 + exp(-1.702 * x));
  else
    dst[i] = 0.5 * x * (1.0 + erf_approx(x * 0.7071067811865476));
}
