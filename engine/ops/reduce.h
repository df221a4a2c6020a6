/* reduce.h — how the operators that reduce along rows (group norm, layer
 * norm, softmax) spread a row over the device.
 *
 * GPUs want a workgroup per row with a shared-memory reduction. On CPU
 * devices (lavapipe) every barrier switches coroutines for each eight
 * invocations and a load costs the same wherever its lanes point, so one
 * invocation per row with no barriers is several times faster. Callers
 * pass AT_REDUCE_AUTO; tests force each variant. */
#pragma once

#include "ops/tensor.h"

G_BEGIN_DECLS

/* Longest row AT_REDUCE_SERIAL takes: lavapipe ends an invocation after
 * 65535 loop iterations in all (its guard against endless loops, which
 * otherwise leaves the rest of the row unwritten), and a serial row costs
 * three passes. AUTO picks SERIAL only up to this; asking for SERIAL beyond
 * it is an error. The workgroup variant (256 invocations, three passes
 * plus the reductions) meets the same guard at AT_REDUCE_WORKGROUP_MAX_CPU
 * elements, checked on CPU devices only. */
#define AT_REDUCE_SERIAL_MAX 16384
#define AT_REDUCE_WORKGROUP_MAX_CPU (16384 * 256)

typedef enum {
  AT_REDUCE_AUTO,       /* the device's preference */
  AT_REDUCE_WORKGROUP,  /* one workgroup per row, reduced in shared memory */
  AT_REDUCE_SERIAL,     /* one invocation per row, no barriers */
} AtReduceVariant;

/* The variant to use for rows of row_len elements on x's device; FALSE with
 * an error naming op when SERIAL is asked for rows too long for it. */
gboolean at_reduce_variant_resolve (AtReduceVariant *variant, const AtTensor *x, guint64 row_len,
                                    const char *op, GError **error);

G_END_DECLS
