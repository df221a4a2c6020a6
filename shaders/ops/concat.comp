#version 450
#extension GL_GOOGLE_include_directive : require
// Concatenation of a and b along one dimension. Seen from that dimension
// both inputs are [outer, inner_x] matrices (inner_x = size along the
// dimension times everything after it), and the output is [outer,
// inner_a + inner_b]: each output row is a row of a followed by a row of b.
// One invocation per output element; one dispatch covers both inputs.
#include "common.glsl"

AT_BUFFER_RO(0, a);
AT_BUFFER_RO(1, b);
AT_BUFFER_WO(2, dst);

layout(push_constant) uniform Push {
  uint n;        // output elements
  uint inner_a;  // row length of a
  uint inner_b;  // row length of b
  uint pad0;
} p;

void main() {
  uint i = at_global_index();
  if (i >= p.n)
    return;
  uint row_len = p.inner_a + p.inner_b;
  uint row = i / row_len;
  uint col = i - row * row_len;
  dst[i] = col < p.inner_a ? a[row * p.inner_a + col] : b[row * p.inner_b + (col - p.inner_a)];
}
