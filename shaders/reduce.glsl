// Reductions for kernels that own a row or group (norms, softmax):
// workgroup-wide ones through shared memory, and a compensated sum. Plain shared memory and
// barriers rather than subgroup arithmetic, which Vulkan does not guarantee.
// The workgroup size along x must be a power of two; y and z must be 1.
// Every invocation of the workgroup must call these in uniform control flow.
#ifndef AT_REDUCE_GLSL
#define AT_REDUCE_GLSL

shared float at_reduce_scratch[gl_WorkGroupSize.x];

// Compensated (Kahan) summation: long per-invocation sums (an invocation
// per row on CPU devices) keep about fp32 precision instead of losing
// log2(n) bits. `precise` stops the compiler from simplifying the
// compensation away.
void at_kahan_add(inout float sum, inout float compensation, float value) {
  precise float y = value - compensation;
  precise float t = sum + y;
  precise float lost = (t - sum) - y;
  compensation = lost;
  sum = t;
}

float at_workgroup_sum(float value) {
  uint t = gl_LocalInvocationID.x;
  at_reduce_scratch[t] = value;
  barrier();
  for (uint half_size = gl_WorkGroupSize.x / 2; half_size > 0; half_size /= 2) {
    if (t < half_size)
      at_reduce_scratch[t] += at_reduce_scratch[t + half_size];
    barrier();
  }
  float result = at_reduce_scratch[0];
  barrier(); // the scratch may be reused by the next reduction
  return result;
}

float at_workgroup_max(float value) {
  uint t = gl_LocalInvocationID.x;
  at_reduce_scratch[t] = value;
  barrier();
  for (uint half_size = gl_WorkGroupSize.x / 2; half_size > 0; half_size /= 2) {
    if (t < half_size)
      at_reduce_scratch[t] = max(at_reduce_scratch[t], at_reduce_scratch[t + half_size]);
    barrier();
  }
  float result = at_reduce_scratch[0];
  barrier();
  return result;
}

#endif
