/* test-util.c — shared helpers for the engine's GLib tests. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "test-util.h"

#include "ops/half.h"

static AtGpu *shared_gpu;

static void
free_shared_gpu (void)
{
  g_clear_pointer (&shared_gpu, at_gpu_free);
}

AtGpu *
test_gpu (void)
{
  if (shared_gpu == NULL)
    {
      g_autoptr (GError) error = NULL;
      shared_gpu = at_gpu_new (NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (shared_gpu);
      atexit (free_shared_gpu);
    }
  return shared_gpu;
}

AtCmd *
test_cmd_new (void)
{
  g_autoptr (GError) error = NULL;
  AtCmd *cmd = at_cmd_new (test_gpu (), &error);
  g_assert_no_error (error);
  g_assert_nonnull (cmd);
  return cmd;
}

gsize
test_numel (const gint64 *shape, guint ndim)
{
  gsize n = 1;
  for (guint i = 0; i < ndim; i++)
    n *= shape[i];
  return n;
}

void
test_unravel (gsize i, guint ndim, const gint64 *shape, gint64 *coord)
{
  for (int k = (int) ndim - 1; k >= 0; k--)
    {
      coord[k] = i % shape[k];
      i /= shape[k];
    }
}

gsize
test_ravel (const gint64 *coord, guint ndim, const gint64 *shape)
{
  gsize index = 0;
  for (guint k = 0; k < ndim; k++)
    index = index * shape[k] + coord[k];
  return index;
}

void
test_ref_epilogue (float *want, gsize n, AtActivation activation, const float *residual)
{
  for (gsize i = 0; i < n; i++)
    {
      double v = want[i];
      if (activation == AT_ACTIVATION_GELU)
        v = 0.5 * v * (1.0 + tanh (sqrt (2.0 / G_PI) * (v + 0.044715 * v * v * v)));
      else if (activation == AT_ACTIVATION_SILU)
        v = v / (1.0 + exp (-v));
      want[i] = v + (residual != NULL ? residual[i] : 0.0);
    }
}

float *
test_random (gsize n, guint32 seed, float lo, float hi)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  float *data = g_new (float, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    data[i] = (float) g_rand_double_range (rand, lo, hi);
  return data;
}

AtTensor *
test_tensor_from (const float *data, guint ndim, const gint64 *shape)
{
  g_autoptr (GError) error = NULL;
  AtTensor *t = at_tensor_new (test_gpu (), ndim, shape, &error);
  g_assert_no_error (error);
  at_tensor_upload (t, data, &error);
  g_assert_no_error (error);
  return t;
}

AtTensor *
test_tensor_half_from (float *data, guint ndim, const gint64 *shape)
{
  gsize n = test_numel (shape, ndim);
  for (gsize i = 0; i < n; i++)
    data[i] = at_half_to_float (at_float_to_half (data[i]));
  g_autoptr (GError) error = NULL;
  AtTensor *t = at_tensor_new_typed (test_gpu (), AT_TENSOR_F16, ndim, shape, &error);
  g_assert_no_error (error);
  at_tensor_upload (t, data, &error);
  g_assert_no_error (error);
  return t;
}

AtTensor *
test_tensor_poisoned (guint ndim, const gint64 *shape)
{
  g_autoptr (GError) error = NULL;
  AtTensor *t = at_tensor_new (test_gpu (), ndim, shape, &error);
  g_assert_no_error (error);
  gsize n = at_tensor_numel (t);
  g_autofree float *nan = g_new (float, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    nan[i] = NAN;
  at_tensor_upload (t, nan, &error);
  g_assert_no_error (error);
  return t;
}

float *
test_download (AtTensor *t)
{
  g_autoptr (GError) error = NULL;
  float *data = g_new (float, MAX (at_tensor_numel (t), 1));
  at_tensor_download (t, data, &error);
  g_assert_no_error (error);
  return data;
}

void
test_submit (AtCmd *cmd)
{
  g_autoptr (GError) error = NULL;
  at_cmd_submit (cmd, &error);
  g_assert_no_error (error);
}

void
test_assert_close (const char *what, const float *got, const float *want, gsize n,
                   double max_nse, double max_abs)
{
  double err = 0, ref = 0, worst = 0;
  gsize worst_at = 0;
  for (gsize i = 0; i < n; i++)
    {
      if (!isfinite (got[i]))
        g_error ("%s: element %zu is %f (expected %f): not written or overflowed", what, i, got[i], want[i]);
      double d = (double) got[i] - want[i];
      err += d * d;
      ref += (double) want[i] * want[i];
      if (fabs (d) > worst)
        {
          worst = fabs (d);
          worst_at = i;
        }
    }
  double nse = ref > 0 ? err / ref : err;
  if (nse > max_nse || worst > max_abs)
    g_error ("%s: normalised squared error %.3g (limit %.3g), max abs error %.3g at %zu "
             "(got %f, expected %f; limit %.3g)", what, nse, max_nse, worst, worst_at,
             got[worst_at], want[worst_at], max_abs);
}

void
test_assert_tensor_close (AtTensor *t, const float *want, double max_nse, double max_abs,
                          const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *what = g_strdup_vprintf (format, args);
  va_end (args);
  g_autofree float *got = test_download (t);
  test_assert_close (what, got, want, at_tensor_numel (t), max_nse, max_abs);
}

void
test_check_unary_op (TestUnaryOp op, AtTensor *x, AtTensor *out, const float *want, double max_nse,
                     double max_abs, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *what = g_strdup_vprintf (format, args);
  va_end (args);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  gboolean ok = op (cmd, x, out, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  test_submit (cmd);
  test_assert_tensor_close (out, want, max_nse, max_abs, "%s", what);
}

gboolean
test_reduce_refused (AtReduceVariant variant, gsize row_len, gboolean ok, GError **error)
{
  if (variant == AT_REDUCE_SERIAL && row_len > AT_REDUCE_SERIAL_MAX)
    {
      test_assert_refused (ok, error, AT_GPU_ERROR, AT_GPU_ERROR_TOO_LARGE);
      return TRUE;
    }
  g_assert_no_error (*error);
  g_assert_true (ok);
  return FALSE;
}

/* Removes path and, when it is a folder, everything in it. A test may
 * have made a folder read-only. */
static void
remove_tree (const char *path)
{
  if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK) && g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_chmod (path, 0700);
      g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

void
test_scratch_setup (TestScratch *s, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  s->dir = g_dir_make_tmp ("atelier-test-XXXXXX", &error);
  g_assert_no_error (error);
}

void
test_scratch_teardown (TestScratch *s, gconstpointer data)
{
  remove_tree (s->dir);
  g_free (s->dir);
}

static char *program_tmp_dir;

static void
remove_program_tmp_dir (void)
{
  remove_tree (program_tmp_dir);
  g_clear_pointer (&program_tmp_dir, g_free);
}

/* Threads of a test may ask for it first at the same time. */
const char *
test_tmp_dir (void)
{
  static gsize made = 0;
  if (g_once_init_enter (&made))
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *program = g_path_get_basename (g_get_prgname () != NULL ? g_get_prgname () : "test");
      g_autofree char *template = g_strdup_printf ("atelier-%s-XXXXXX", program);
      program_tmp_dir = g_dir_make_tmp (template, &error);
      g_assert_no_error (error);
      atexit (remove_program_tmp_dir);
      g_once_init_leave (&made, 1);
    }
  return program_tmp_dir;
}

char *
test_tmp_path (const char *name)
{
  return g_build_filename (test_tmp_dir (), name, NULL);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

char *
test_list_dir (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

void
test_speak_to_file (const char *program, const char *voice, const char *text, const char *path)
{
  g_autofree char *found = g_find_program_in_path (program);
  if (found == NULL)
    g_error ("%s is not installed (tools/install-deps.sh installs it)", program);
  gboolean flite = g_str_equal (program, "flite");
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, found);
  if (voice != NULL)
    {
      g_ptr_array_add (argv, flite ? "-voice" : "-v");
      g_ptr_array_add (argv, (char *) voice);
    }
  g_ptr_array_add (argv, flite ? "-o" : "-w");
  g_ptr_array_add (argv, (char *) path);
  g_ptr_array_add (argv, flite ? "-t" : "--");
  g_ptr_array_add (argv, (char *) text);
  g_ptr_array_add (argv, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *err_out = NULL;
  int status = 0;
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err_out,
                &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s failed: %s\n%s", program, error->message, err_out);
}

AtAudio *
test_speak (const char *program, const char *voice, const char *text)
{
  g_autofree char *wav = test_tmp_path ("spoken.wav");
  test_speak_to_file (program, voice, text, wav);
  g_autoptr (GError) error = NULL;
  AtAudio *audio = at_audio_load (wav, &error);
  g_assert_no_error (error);
  g_assert_nonnull (audio);
  return audio;
}

char *
test_source_path (const char *first_part, ...)
{
  const char *root = g_getenv ("MESON_SOURCE_ROOT");
  g_assert_nonnull (root);
  va_list args;
  va_start (args, first_part);
  g_autofree char *below = g_build_filename_valist (first_part, &args);
  va_end (args);
  return g_build_filename (root, below, NULL);
}

GBytes *
test_read_bytes (const char *path)
{
  char *contents = NULL;
  gsize len = 0;
  g_autoptr (GError) error = NULL;
  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

/* Unlinking first, because truncating a file that has data makes ext4
 * flush it (about 2 ms each time). */
void
test_write_bytes (const char *path, const void *data, gsize len)
{
  g_unlink (path);
  FILE *f = fopen (path, "wb");
  g_assert_nonnull (f);
  g_assert_cmpuint (fwrite (data, 1, len, f), ==, len);
  g_assert_cmpint (fclose (f), ==, 0);
}

float *
test_safetensors_f32 (AtSafetensors *st, const char *name, gsize *n)
{
  g_autoptr (GError) error = NULL;
  const AtSafetensorsInfo *info = at_safetensors_require (st, name, &error);
  g_assert_no_error (error);
  float *data = NULL;
  gsize count = 0;
  g_assert_true (at_safetensors_get_f32 (st, name, info->ndim, NULL, &data, &count, &error));
  g_assert_no_error (error);
  if (n != NULL)
    *n = count;
  return data;
}
