/* test-util.h — shared helpers for the engine's GLib tests.
 *
 * Every test program runs with ATELIER_VALIDATION=1 (set by meson), so the
 * Vulkan validation layer is on and any message it prints is a g_warning,
 * which g_test_init() makes fatal. A missing Vulkan device is a failure,
 * never a skip: lavapipe is always installed.
 *
 * Adding an operator test (tests/ops/test-<op>.c, listed in engine_tests in
 * tests/meson.build): say in the file's header comment why its tolerances
 * are what they are; fill the inputs with test_random (); compute the
 * expected output with a plain-C reference, accumulating in double; upload
 * with test_tensor_from () and give the operator a test_tensor_poisoned ()
 * output, so that elements it fails to write show as NaN; record the call on
 * test_cmd_new (), test_submit () it and test_assert_tensor_close () the
 * output (test_check_unary_op () does all three for an operator of one
 * input and one output), over many shapes, odd sizes included. Shapes the operator must
 * refuse go through test_assert_refused () and leave the command list with
 * no dispatch.
 */
#pragma once

#include <glib.h>

#include "audio/audio-file.h"
#include "gpu/cmd.h"
#include "gpu/gpu.h"
#include "model/safetensors.h"
#include "ops/epilogue.h"
#include "ops/reduce.h"
#include "ops/tensor.h"

G_BEGIN_DECLS

/* One AtGpu per test program, created on first use, freed at exit. */
AtGpu *test_gpu (void);

/* A command list on test_gpu (), asserting it could be made. */
AtCmd *test_cmd_new (void);

/* Product of the first ndim sizes of shape: 1 when ndim is 0. */
gsize test_numel (const gint64 *shape, guint ndim);

/* For plain-C references on row-major data: the coordinates of flat index i
 * in shape, and the flat index of coord in shape. */
void test_unravel (gsize i, guint ndim, const gint64 *shape, gint64 *coord);
gsize test_ravel (const gint64 *coord, guint ndim, const gint64 *shape);

/* The reference of the fused matmul/conv2d epilogue (ops/epilogue.h), in
 * place: want[i] = activation (want[i]) + residual[i] in double (residual
 * NULL: none). */
void test_ref_epilogue (float *want, gsize n, AtActivation activation, const float *residual);

/* n floats uniform in [lo, hi) from a seeded generator. */
float *test_random (gsize n, guint32 seed, float lo, float hi);

/* A tensor holding a copy of data. */
AtTensor *test_tensor_from (const float *data, guint ndim, const gint64 *shape);
/* An fp16 tensor of data, which is first rounded in place to the values
 * the tensor holds (so a reference computed from data afterwards sees
 * the same weights). */
AtTensor *test_tensor_half_from (float *data, guint ndim, const gint64 *shape);
#define test_tensor_half_from_shape(data, ...) \
  test_tensor_half_from ((data), AT_NDIM (__VA_ARGS__), AT_SHAPE (__VA_ARGS__))
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

/* Downloads t and asserts it matches want (at_tensor_numel (t) floats) as
 * test_assert_close () does; the printf-style format names the case. */
void test_assert_tensor_close (AtTensor *t, const float *want, double max_nse, double max_abs,
                               const char *format, ...) G_GNUC_PRINTF (5, 6);

/* The signature most operators of one input and one output share
 * (at_op_silu, at_op_avg_pool2x2, at_op_softmax, ...). */
typedef gboolean (*TestUnaryOp) (AtCmd *cmd, AtTensor *x, AtTensor *out, GError **error);

/* Records op (x into out) on a command list of its own, runs it and checks
 * out against want as test_assert_tensor_close () does. */
void test_check_unary_op (TestUnaryOp op, AtTensor *x, AtTensor *out, const float *want, double max_nse,
                          double max_abs, const char *format, ...) G_GNUC_PRINTF (7, 8);

/* Asserts that a call failed (returned FALSE) with the error domain and
 * code, then clears *error for the next call. A macro, so that a failure
 * names the caller's line:
 *   test_assert_refused (at_op_x (cmd, ..., &error), &error, AT_OP_ERROR, AT_OP_ERROR_SHAPE); */
#define test_assert_refused(ok, error, domain, code) \
  G_STMT_START { \
    g_assert_false (ok); \
    g_assert_error (*(error), (domain), (code)); \
    g_clear_error (error); \
  } G_STMT_END
#define test_assert_shape_error(ok, error) test_assert_refused ((ok), (error), AT_OP_ERROR, AT_OP_ERROR_SHAPE)

/* After a reduction over rows of row_len elements recorded with variant:
 * TRUE when the SERIAL variant had to refuse rows longer than
 * AT_REDUCE_SERIAL_MAX (too long for one invocation: refused, never silently
 * wrong), having asserted that ok is FALSE with AT_GPU_ERROR_TOO_LARGE;
 * otherwise FALSE, having asserted that the call succeeded. */
gboolean test_reduce_refused (AtReduceVariant variant, gsize row_len, gboolean ok, GError **error);

/* Tensor name of st as floats (any stored dtype and shape); n, when not
 * NULL, gets the count. Fails the test when it is missing. */
float *test_safetensors_f32 (AtSafetensors *st, const char *name, gsize *n);

/* A path in the source tree: its parts below the project's root
 * (MESON_SOURCE_ROOT, which meson sets for every test), NULL-ended. */
char *test_source_path (const char *first_part, ...) G_GNUC_NULL_TERMINATED;

/* The whole file, asserting it can be read. */
GBytes *test_read_bytes (const char *path);
/* Writes data to path without fsync (fuzz loops write thousands of files). */
void test_write_bytes (const char *path, const void *data, gsize len);

/* A scratch folder for the whole test program, made on first use and
 * removed with everything in it when the program exits normally. */
const char *test_tmp_dir (void);
/* The path of name in test_tmp_dir (). */
char *test_tmp_path (const char *name);
/* The names in dir (hidden ones included), sorted and joined with single
 * spaces; "" for an empty folder. Asserts dir can be read. */
char *test_list_dir (const char *dir);

/* Writes text spoken by a synthesiser's program, "espeak-ng" or "flite", in
 * one of its voices (NULL: the program's default) to the WAV file path. A
 * fresh process each time, so the same text gives the same audio
 * (at_narrate's length varies by a sample or so from call to call, which
 * moves word error rates by several points). A missing or failing program
 * fails the test, saying what to install. */
void test_speak_to_file (const char *program, const char *voice, const char *text, const char *path);
/* The same, loaded back from a WAV file in test_tmp_dir (). */
AtAudio *test_speak (const char *program, const char *voice, const char *text);

/* A scratch folder per test (g_test_add fixture), removed with its files. */
typedef struct {
  char *dir;
} TestScratch;

void test_scratch_setup (TestScratch *s, gconstpointer data);
void test_scratch_teardown (TestScratch *s, gconstpointer data);

G_END_DECLS
