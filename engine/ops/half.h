/* half.h — IEEE binary16 ("half", fp16) to and from float on the host.
 *
 * Weights may live on the device as fp16 (ops/tensor.h, AT_TENSOR_F16);
 * these convert them on upload and download.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A binary16 bit pattern to float, exactly (subnormals and infinities
 * included; NaN payloads kept, a signalling NaN quieted as x86's F16C and
 * PyTorch do). */
float at_half_to_float (guint16 h);

/* float to the nearest binary16, ties to even, as F16C's vcvtps2ph and
 * PyTorch's .half() round: values beyond the largest finite half become
 * infinities, tiny ones subnormals or zero; NaN stays NaN (quieted). */
guint16 at_float_to_half (float f);

G_END_DECLS
