/* safetensors.h — a read-only view of a .safetensors weights file.
 *
 * The file is memory-mapped and its JSON header validated in full when it
 * is opened (sizes, dtypes, shapes, offsets, overlaps), so later lookups
 * cannot read outside the mapping. Tensors are not copied: an
 * AtSafetensorsInfo points into the mapping and lives as long as the
 * AtSafetensors. at_safetensors_get_f32() converts F32/F16/BF16 to a new
 * float array that the caller frees. Tensors of other dtypes the format
 * knows (I64, U8, ...) are listed and validated but cannot be converted.
 *
 * Format: 8 bytes little-endian header length N, N bytes of JSON
 * {"name": {"dtype": "F16", "shape": [..], "data_offsets": [begin, end]},
 *  "__metadata__": {"key": "value"}}, then the data section; offsets are
 * relative to the start of the data section.
 */
#pragma once

#include <glib.h>

#include "ops/half.h"

G_BEGIN_DECLS

#define AT_SAFETENSORS_ERROR (at_safetensors_error_quark ())
GQuark at_safetensors_error_quark (void);

typedef enum {
  AT_SAFETENSORS_ERROR_INVALID,      /* the file is not well-formed safetensors */
  AT_SAFETENSORS_ERROR_UNSUPPORTED,  /* a dtype Atelier cannot convert */
  AT_SAFETENSORS_ERROR_NOT_FOUND,    /* no tensor of that name */
  AT_SAFETENSORS_ERROR_SHAPE,        /* shape differs from the expected one */
} AtSafetensorsError;

typedef enum {
  AT_DTYPE_F32,
  AT_DTYPE_F16,
  AT_DTYPE_BF16,
  AT_DTYPE_OTHER,    /* a valid safetensors dtype Atelier cannot convert */
} AtDtype;

#define AT_SAFETENSORS_MAX_DIMS 8

typedef struct {
  const char *name;
  AtDtype dtype;
  const char *dtype_name;     /* as in the file: "F16", "I64", ... */
  guint ndim;                 /* 0 for a scalar */
  gint64 shape[AT_SAFETENSORS_MAX_DIMS];
  gint64 numel;
  const void *data;           /* into the mapping; not necessarily aligned */
  gsize nbytes;
} AtSafetensorsInfo;

typedef struct _AtSafetensors AtSafetensors;

AtSafetensors *at_safetensors_open (const char *path, GError **error);
void at_safetensors_free (AtSafetensors *st);

const char *at_safetensors_get_path (AtSafetensors *st);
/* NULL when there is no tensor called name. */
const AtSafetensorsInfo *at_safetensors_lookup (AtSafetensors *st, const char *name);
/* Like lookup, but sets a NOT_FOUND error naming the tensor and the file. */
const AtSafetensorsInfo *at_safetensors_require (AtSafetensors *st, const char *name,
                                                 GError **error);
guint at_safetensors_get_n_tensors (AtSafetensors *st);
/* Tensor names in file order (sorted by data offset); NULL-terminated,
 * owned by st. */
const char *const *at_safetensors_list (AtSafetensors *st);
/* "__metadata__" as string key -> string value; empty when absent. Owned
 * by st. */
GHashTable *at_safetensors_get_metadata (AtSafetensors *st);
/* One metadata value, or NULL. */
const char *at_safetensors_get_metadata_value (AtSafetensors *st, const char *key);

/* Sets a SHAPE error like "weight 'x' has shape (3, 4), the config expects
 * (3, 5)" unless info has exactly ndim dimensions matching shape; a
 * negative entry in shape matches any size. */
gboolean at_safetensors_check_shape (const AtSafetensorsInfo *info, guint ndim,
                                     const gint64 *shape, GError **error);

/* Converts info's elements to float into dst (info->numel floats). */
gboolean at_safetensors_info_to_f32 (const AtSafetensorsInfo *info, float *dst, GError **error);

/* Tensor name as a new float array (*out, *n elements; caller g_free()s),
 * after checking it has ndim_expected dimensions and, unless
 * shape_expected is NULL, that shape. */
gboolean at_safetensors_get_f32 (AtSafetensors *st, const char *name, guint ndim_expected,
                                 const gint64 *shape_expected, float **out, gsize *n,
                                 GError **error);

/* Human-readable "(3, 4)"; "()" for a scalar. */
char *at_safetensors_shape_string (guint ndim, const gint64 *shape);

/* One tensor for at_safetensors_write_f32(). */
typedef struct {
  const char *name;
  guint ndim;
  const gint64 *shape;        /* may be NULL when ndim is 0 */
  const float *data;          /* numel(shape) floats */
} AtSafetensorsTensor;

/* Writes tensors as F32 with optional metadata (NULL-terminated parallel
 * arrays, or NULL), atomically: an existing file is replaced only once the
 * new one is complete. */
gboolean at_safetensors_write_f32 (const char *path, const AtSafetensorsTensor *tensors,
                                   guint n_tensors, const char *const *metadata_keys,
                                   const char *const *metadata_values, GError **error);

/* A bfloat16 bit pattern to float, exactly (binary16: ops/half.h). */
float at_bf16_to_float (guint16 b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtSafetensors, at_safetensors_free)

G_END_DECLS
