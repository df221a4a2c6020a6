/* test-util.h — shared helpers for the engine's GLib tests.
 *
 * Every test program runs with ATELIER_VALIDATION=1 (set by meson), so the
 * Vulkan validation layer is on and any message it prints is a g_warning,
 * which g_test_init() makes fatal. A missing Vulkan device is a failure,
 * never a skip: lavapipe is always installed.
 */
#pragma once

#include <glib.h>

#include "gpu/cmd.h"
#include "gpu/gpu.h"
#include "ops/tensor.h"

G_BEGIN_DECLS

/* One AtGpu per test program, created on first use, freed at exit. */
AtGpu *test_gpu (void);

/* n floats uniform in [lo, hi) from a seeded generator. */
float *test_random (gsize n, guint32 seed, float lo, float hi);

/* A tensor holding a copy of data. */
AtTensor *test_tensor_from (const float *data, guint ndim, const gint64 *shape);
/* A tensor filled with NaN, so elements an operator fails to write show. */
AtTensor *test_tensor_poisoned (guint ndim, const gint64 *shape);
#define test_tensor_from_shape(data, ...) test_tensor_from ((data), AT_NDIM (__VA_ARGS__), AT_SHAPE (__VA_ARGS__))
#define test_tensor_poisoned_shape(...) test_tensor_poisoned (AT_NDIM (__VA_ARGS__), AT_SHAPE (__VA_ARGS__))

/* Newly allocated copy of t's contents. */
float *test_download (AtTensor *t);

/* Submits cmd and asserts success. */
void test_submit (AtCmd *cmd);

/* Asserts got matches want: no NaN/Inf, normalised squared error
 * sum((got-want)^2)/sum(want^2) <= max_nse, and |got-want| <= max_abs
 * for every element. what names the case in the failure message. */
void test_assert_close (const char *what, const float *got, const float *want, gsize n,
                        double max_nse, double max_abs);

/* The whole file, asserting it can be read. */
GBytes *test_read_bytes (const char *path);
/* Writes data to path without fsync (fuzz loops write thousands of files). */
void test_write_bytes (const char *path, const void *data, gsize len);

/* A scratch folder per test (g_test_add fixture), removed with its files. */
typedef struct {
  char *dir;
} TestScratch;

void test_scratch_setup (TestScratch *s, gconstpointer data);
void test_scratch_teardown (TestScratch *s, gconstpointer data);

G_END_DECLS
