/* shape-library.h — the built-in library of line drawings (shapes).
 *
 * Shapes are permissively licensed line icons (Tabler, Lucide) flattened
 * offline by tools/shapes/build.py into polylines on a square grid, with a
 * name, tags and category. The library file is gzip of the layout that
 * build.py describes; the built-in copy is embedded in the engine as a
 * GResource and parsed on first use (at_shape_library_get_default()).
 * An AtShapeLibrary is immutable once loaded and safe to share between
 * threads; the default one lives until the process ends.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AT_SHAPE_ERROR (at_shape_error_quark ())
GQuark at_shape_error_quark (void);

typedef enum {
  AT_SHAPE_ERROR_CORRUPT,     /* a damaged or truncated library file */
  AT_SHAPE_ERROR_NOT_FOUND,   /* no shape of that name */
  AT_SHAPE_ERROR_STALE,       /* embeddings made with another model */
  AT_SHAPE_ERROR_EMPTY,       /* a blank sketch */
} AtShapeError;

typedef struct {
  float x, y;                 /* 0..1 of the shape's square, (0, 0) top left */
} AtShapePoint;

typedef struct {
  guint n_points;
  const AtShapePoint *points; /* borrowed from the library */
} AtShapeStroke;

typedef struct {
  char *name;                 /* lower case words, e.g. "paper plane" */
  char *category;             /* may be "" */
  char **tags;                /* lower case, NULL-terminated */
  guint source;               /* index into the library's sources */
  guint n_strokes;
  AtShapeStroke *strokes;
} AtShape;

typedef struct _AtShapeLibrary AtShapeLibrary;

/* The line width both icon sets draw with, as a fraction of the square. */
#define AT_SHAPE_LINE_WIDTH (2.0f / 24.0f)

/* gz: the gzip'd library file. */
AtShapeLibrary *at_shape_library_new_from_bytes (GBytes *gz, GError **error);
AtShapeLibrary *at_shape_library_new_from_file (const char *path, GError **error);
/* The built-in library, loaded on the first call (thread safe); NULL with
 * error if it cannot be read. Not to be freed. */
AtShapeLibrary *at_shape_library_get_default (GError **error);
void at_shape_library_free (AtShapeLibrary *lib);

guint at_shape_library_get_n_shapes (const AtShapeLibrary *lib);
const AtShape *at_shape_library_get_shape (const AtShapeLibrary *lib, guint i);
/* Index of the first shape called name, or -1. */
int at_shape_library_lookup (const AtShapeLibrary *lib, const char *name);
/* The shapes called name / tagged tag, in library order (*n of them;
 * NULL when none). The array belongs to the library. */
const guint *at_shape_library_find_named (const AtShapeLibrary *lib, const char *name, guint *n);
const guint *at_shape_library_find_tagged (const AtShapeLibrary *lib, const char *tag, guint *n);
guint at_shape_library_get_n_sources (const AtShapeLibrary *lib);
/* e.g. "Tabler Icons 3.52.0" and "MIT". */
const char *at_shape_library_get_source_name (const AtShapeLibrary *lib, guint source);
const char *at_shape_library_get_source_licence (const AtShapeLibrary *lib, guint source);
/* Bytes the library file takes (compressed), for the size budget. */
gsize at_shape_library_get_file_size (const AtShapeLibrary *lib);
/* SHA-256 of the library file, in hex: ties embeddings to the library. */
const char *at_shape_library_get_checksum (const AtShapeLibrary *lib);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtShapeLibrary, at_shape_library_free)

G_END_DECLS
