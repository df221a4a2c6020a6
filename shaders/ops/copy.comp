#version 450
#extension GL_GOOGLE_include_directive : require
// Strided copy of a block of rows × count elements:
//   dst[r*dst_stride + dst_offset + j] = src[r*src_stride + src_offset + j]
// Slicing (q/k/v thirds of a fused projection), writing into a slice and
// plain copies are all this one kernel. Offsets are in elements inside the
// bound tensors, so no binding-alignment constraint applies to them.
#include "common.glsl"

AT_BUFFER_RO_HALF(0, src, 3)  // fp32, or fp16 (converted: a slice of fp16 weights)
AT_BUFFER_WO(1, dst);

layout(push_constant) uniform Push {
  uint n;           // rows * count
  uint count;       // elements per row
  uint src_stride;
  uint src_offset;
  uint dst_stride;
  uint dst_offset;
  uint pad0;
  uint pad1;
} p;

void main() {
  uint i = at_global_index();
  if (i >= p.n)
    return;
  uint row = i / p.count;
  uint j = i - row * p.count;
  dst[row * p.dst_stride + p.dst_offset + j] = src_at(row * p.src_stride + p.src_offset + j);
}
