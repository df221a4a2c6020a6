/* test-util.c — shared helpers for the engine's GLib tests. */
#include <math.h>
#include <stdio.h>

#include <glib/gstdio.h>

#include "test-util.h"

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
test_scratch_setup (TestScratch *s, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  s->dir = g_dir_make_tmp ("atelier-test-XXXXXX", &error);
  g_assert_no_error (error);
}

void
test_scratch_teardown (TestScratch *s, gconstpointer data)
{
  /* a test may have made the folder read-only */
  g_chmod (s->dir, 0700);
  g_autoptr (GDir) dir = g_dir_open (s->dir, 0, NULL);
  const char *name;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (s->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (s->dir);
  g_free (s->dir);
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
