#version 450
#extension GL_GOOGLE_include_directive : require
// Multi-head self-attention with a causal mask: query i sees keys 0..i
// (CLIP's text towers). q, k, v and out are [B, L, H*D]. One invocation per
// output element (b, i, h, d): it streams keys 0..i with an online
// softmax, recomputing q_i·k_j for each d of the head. That repeats the
// dot products D times, which is cheap at text lengths (L = 77) and keeps
// no per-invocation arrays (fast to compile on lavapipe); the wrapper
// refuses lengths whose L·(D+1) loop iterations lavapipe would cut short.
#include "common.glsl"

AT_BUFFER_RO(0, q);
AT_BUFFER_RO(1, k);
AT_BUFFER_RO(2, v);
AT_BUFFER_WO(3, dst);

layout(push_constant) uniform Push {
  uint len;        // L
  uint heads;      // H
  uint head_dim;   // D
  uint total;      // B * L * H * D
  float scale;     // applied to q·k
} p;

void main() {
  uint idx = at_global_index();
  if (idx >= p.total)
    return;
  uint channels = p.heads * p.head_dim;
  uint c = idx % channels;            // h*D + d
  uint row = idx / channels;          // b*L + i
  uint i = row % p.len;
  uint base = (row - i) * channels;   // start of batch b
  uint h0 = c - c % p.head_dim;       // first channel of head h
  uint qoff = row * channels + h0;
  float m = -3.402823466e38;
  float denom = 0.0;
  float acc = 0.0;
  for (uint j = 0; j <= i; j++) {
    uint koff = base + j * channels + h0;
    float s = 0.0;
    for (uint t = 0; t < p.head_dim; t++)
      s += q[qoff + t] * k[koff + t];
    s *= p.scale;
    float m_new = max(m, s);
    float corr = exp(m - m_new);
    float w = exp(s - m_new);
    denom = denom * corr + w;
    acc = acc * corr + w * v[base + j * channels + c];
    m = m_new;
  }
  dst[idx] = acc / denom;
}
