/* kernel.h — the table entry describing one compute shader.
 *
 * Every operator wrapper declares a static const AtKernelInfo for its shader:
 * which bindings it has and which of them it writes (used to place
 * barriers), the size of its push-constant struct (which must equal the
 * GLSL block: static_assert it beside the struct), and its default
 * workgroup size. The dispatcher asserts bindings and push size against it.
 *
 * Texel bindings exist for lavapipe: it turns a storage-buffer load at an
 * address that differs between invocations into a loop over the SIMD lanes
 * (one scalar load and vector insert each), but a texelFetch into one
 * vectorised gather. Every binding's offset is aligned for both kinds
 * (at_gpu_binding_alignment()). A texel binding of binary16 values
 * (AtBinding.half) gets an R16F or RGBA16F view: the kernel reads floats
 * either way.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AT_KERNEL_MAX_BINDINGS 8
#define AT_KERNEL_MAX_SPEC 8

typedef struct {
  const char *shader;        /* file stem of the .comp file under shaders/ */
  guint n_bindings;
  guint32 write_mask;        /* bit i set: binding i is written */
  guint32 push_size;         /* bytes */
  guint32 local_size[3];     /* specialization constants 0, 1, 2 */
  guint32 texel4_mask;       /* bit i set: binding i is read-only, a uniform
                              * texel buffer of RGBA32F texels (samplerBuffer,
                              * texelFetch) */
  guint32 texel1_mask;       /* the same with R32F texels, one float each */
  guint32 half_mask;         /* bit i set: storage binding i may hold
                              * binary16 values, two a 32-bit word (the
                              * wrapper tells the kernel by a specialization
                              * constant); a texel binding may always */
} AtKernelInfo;

G_END_DECLS
