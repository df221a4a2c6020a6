// Shared by every compute shader of the engine.
//
// Conventions (mirrored by engine/gpu/kernel.h):
// - all storage buffers live in set 0, bindings 0..n-1, in the order the C
//   wrapper's AtKernelInfo lists them;
// - the workgroup size comes from specialization constants 0, 1 and 2, set
//   by the pipeline from the kernel table, so one SPIR-V serves every device;
// - shapes and scalars travel in one push-constant block per shader whose C
//   struct is checked with a static assert on its size.
#ifndef AT_COMMON_GLSL
#define AT_COMMON_GLSL

layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;

#define AT_BUFFER_RO(binding_index, name) \
  layout(std430, set = 0, binding = binding_index) readonly buffer name##_block { float name[]; }
#define AT_BUFFER_WO(binding_index, name) \
  layout(std430, set = 0, binding = binding_index) writeonly buffer name##_block { float name[]; }
#define AT_BUFFER_RW(binding_index, name) \
  layout(std430, set = 0, binding = binding_index) buffer name##_block { float name[]; }

// A read-only binding that holds fp32 values, or binary16 values two a
// 32-bit word when the specialization constant half_id is true (fp16
// weights, engine/ops/tensor.h); name##_at(i) reads element i as a float.
// Both views alias one binding; the constant is fixed per pipeline, so the
// other branch compiles away.
#define AT_BUFFER_RO_HALF(binding_index, name, half_id)                                                  \
  layout(constant_id = half_id) const bool name##_HALF = false;                                           \
  layout(std430, set = 0, binding = binding_index) readonly buffer name##_block { float name[]; };         \
  layout(std430, set = 0, binding = binding_index) readonly buffer name##_half_block { uint name##_h[]; }; \
  float name##_at(uint i) { return name##_HALF ? unpackHalf2x16(name##_h[i >> 1])[i & 1] : name[i]; }

// Linear invocation index over a 2D dispatch, so element-wise kernels can
// cover more than 65535 workgroups along x.
uint at_global_index() {
  return gl_GlobalInvocationID.y * (gl_NumWorkGroups.x * gl_WorkGroupSize.x) + gl_GlobalInvocationID.x;
}

#endif
