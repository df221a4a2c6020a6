// What matmul and conv2d do to each sum before storing it, so that a
// residual add costs no pass over memory of its own:
//   out[i] = sum + bias + residual[i]
// The residual (binding 4, laid out as the output) is a specialization
// constant: the kernels without it compile to exactly what they were.
// FLAG_BIAS_BATCH is a bit of the kernels' push-constant flags.
// Activations are not compiled in here: inlined at each of a register
// block's 256 stores they made the whole kernel slower on lavapipe (the
// wrappers run them as a pass of their own, ops/epilogue.h).
#ifndef AT_EPILOGUE_GLSL
#define AT_EPILOGUE_GLSL

layout(constant_id = 6) const uint RESIDUAL = 0;  // 1: add residual[i]
const uint FLAG_BIAS_BATCH = 64;  // conv2d: the bias is [N, Cout], one row per image

AT_BUFFER_RO(4, residual);  // a stand-in, never read, without RESIDUAL

float at_epilogue(float v, uint flags, uint index) {
  if (RESIDUAL != 0)
    v += residual[index];
  return v;
}

vec4 at_epilogue4(vec4 v, uint flags, uint index) {
  return vec4(at_epilogue(v.x, flags, index), at_epilogue(v.y, flags, index + 1),
              at_epilogue(v.z, flags, index + 2), at_epilogue(v.w, flags, index + 3));
}

#endif
