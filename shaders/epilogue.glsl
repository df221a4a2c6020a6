// What matmul and conv2d do to each sum before storing it, so that the bias,
// an activation and a residual add cost no pass over memory of their own:
//   out[i] = act(sum + bias) + residual[i]
// The flags are bits of the kernels' push-constant flags (bits 0-2 are
// their own); the residual (binding 4) is laid out as the output.
#ifndef AT_EPILOGUE_GLSL
#define AT_EPILOGUE_GLSL

#include "activation.glsl"

const uint FLAG_GELU = 8;         // GELU after the bias
const uint FLAG_SILU = 16;        // SiLU after the bias
const uint FLAG_RESIDUAL = 32;    // then add residual[i]
const uint FLAG_BIAS_BATCH = 64;  // conv2d: the bias is [N, Cout], one row per image

AT_BUFFER_RO(4, residual);  // a stand-in, never read, without FLAG_RESIDUAL

float at_epilogue(float v, uint flags, uint index) {
  if ((flags & FLAG_GELU) != 0)
    v = at_gelu(v);
  else if ((flags & FLAG_SILU) != 0)
    v = at_silu(v);
  if ((flags & FLAG_RESIDUAL) != 0)
    v += residual[index];
  return v;
}

vec4 at_epilogue4(vec4 v, uint flags, uint index) {
  return vec4(at_epilogue(v.x, flags, index), at_epilogue(v.y, flags, index + 1),
              at_epilogue(v.z, flags, index + 2), at_epilogue(v.w, flags, index + 3));
}

#endif
