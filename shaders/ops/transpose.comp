#version 450
#extension GL_GOOGLE_include_directive : require
// Batched 2D transpose [B, R, C] -> [B, C, R] through a shared-memory tile,
// so both the reads and the writes run along contiguous rows. The tile edge
// is the workgroup's x size; each invocation moves edge/y elements. The
// tile row is padded by one to keep the column reads free of bank conflicts.
// CPU devices (TILED false) copy straight across: there a load or store
// costs the same wherever its lanes point, and the tile's barrier does not
// pay for itself.
#include "common.glsl"

layout(constant_id = 3) const bool TILED = true;

#define TILE gl_WorkGroupSize.x

AT_BUFFER_RO(0, src);
AT_BUFFER_WO(1, dst);

layout(push_constant) uniform Push {
  uint rows;  // R
  uint cols;  // C
} p;

shared float tile[TILE * (TILE + 1)];

void main() {
  uint tx = gl_LocalInvocationID.x, ty = gl_LocalInvocationID.y;
  uint r0 = gl_WorkGroupID.y * TILE, c0 = gl_WorkGroupID.x * TILE;
  uint batch = gl_WorkGroupID.z * p.rows * p.cols;

  if (!TILED) {
    for (uint j = ty; j < TILE; j += gl_WorkGroupSize.y) {
      uint r = r0 + j, c = c0 + tx;
      if (r < p.rows && c < p.cols)
        dst[batch + c * p.rows + r] = src[batch + r * p.cols + c];
    }
    return;
  }
  for (uint j = ty; j < TILE; j += gl_WorkGroupSize.y) {
    uint r = r0 + j, c = c0 + tx;
    if (r < p.rows && c < p.cols)
      tile[j * (TILE + 1) + tx] = src[batch + r * p.cols + c];
  }
  barrier();
  for (uint j = ty; j < TILE; j += gl_WorkGroupSize.y) {
    uint c = c0 + j, r = r0 + tx;
    if (r < p.rows && c < p.cols)
      dst[batch + c * p.rows + r] = tile[tx * (TILE + 1) + j];
  }
}
