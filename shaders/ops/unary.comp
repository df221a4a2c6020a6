#version 450
#extension GL_GOOGLE_include_directive : require
// Element-wise activation or affine map, chosen by the MODE constant:
// 0 scale: alpha*x + beta   1 SiLU: x*sigmoid(x)   2 GELU (tanh approximation)
// 3 log: (ln(max(x, alpha)) + beta) / gamma, the log-mel compression
//   (a floor alpha > 0 keeps silence finite; divides, as the CPU reference
//   does, rather than multiplying by a rounded 1/gamma)
// 4 mix of halves: alpha*x[i] + beta*x[i + n], where src holds 2n values
//   (classifier-free guidance over a batch of two)
#include "common.glsl"
#include "activation.glsl"

layout(constant_id = 3) const uint MODE = 0;

AT_BUFFER_RO(0, src);
AT_BUFFER_WO(1, dst);

layout(push_constant) uniform Push {
  uint n;
  float gamma;
  float alpha;
  float beta;
} p;

void main() {
  uint i = at_global_index();
  if (i >= p.n)
    return;
  float x = src[i];
  float y;
  if (MODE == 0)
    y = p.alpha * x + p.beta;
  else if (MODE == 1)
    y = at_silu(x);
  else if (MODE == 3)
    y = (log(max(x, p.alpha)) + p.beta) / p.gamma;
  else if (MODE == 4)
    y = p.alpha * x + p.beta * src[i + p.n];
  else
    y = at_gelu(x);
  dst[i] = y;
}
