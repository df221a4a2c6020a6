/* sd-fill.c — name-generated weights (sd-fill.h). */
#include "sd-fill.h"

#include <math.h>
#include <string.h>

#include "test-util.h"

static guint32
fnv1a (const char *s)
{
  guint32 h = 2166136261u;
  for (; *s; s++)
    h = (h ^ (guint8) *s) * 16777619u;
  return h;
}

/* 2u - 1, u = (lowbias32(seed ^ i·0x9E3779B9) >> 8) / 2^24: exact in float. */
static float
uniform (guint32 seed, guint32 i)
{
  guint32 x = seed ^ (i * 0x9E3779B9u);
  x ^= x >> 16;
  x *= 0x7FEB352Du;
  x ^= x >> 15;
  x *= 0x846CA68Bu;
  x ^= x >> 16;
  return 2.0f * ((x >> 8) / 16777216.0f) - 1.0f;
}

float *
sd_fill (const char *name, guint ndim, const gint64 *shape, gsize *n_out)
{
  gsize n = test_numel (shape, ndim);
  float *v = g_new (float, MAX (n, 1));
  guint32 seed = fnv1a (name);
  gboolean norm = strstr (name, "norm") != NULL || strstr (name, "ln_") != NULL;
  gboolean bias = g_str_has_suffix (name, ".bias") || g_str_has_suffix (name, "_bias");
  gsize fan = ndim > 0 ? n / shape[0] : 1;
  int e = g_bit_nth_msf (fan, -1) / 2;
  for (gsize i = 0; i < n; i++)
    {
      float u = uniform (seed, i);
      if (norm && !bias)
        v[i] = 1.0f + u * 0.125f;
      else if (norm || bias)
        v[i] = u * (norm ? 0.125f : 0.0625f);
      else if (ndim == 0)
        v[i] = u;
      else
        v[i] = ldexpf (u, -e);
    }
  *n_out = n;
  return v;
}

char *
sd_fill_write_weights (AtSafetensors *golden, const char *file_name)
{
  const char *list = at_safetensors_get_metadata_value (golden, "tensors");
  g_assert_nonnull (list);
  g_auto (GStrv) lines = g_strsplit (list, "\n", -1);
  guint n = g_strv_length (lines);
  AtSafetensorsTensor *tensors = g_new0 (AtSafetensorsTensor, n);
  gint64 *shapes = g_new0 (gint64, 4 * (gsize) n);
  for (guint i = 0; i < n; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], " ", 2);
      g_assert_nonnull (f[1]);
      g_auto (GStrv) dims = g_strsplit (f[1], ",", -1);
      tensors[i].name = g_strdup (f[0]);
      tensors[i].ndim = g_strv_length (dims);
      g_assert_cmpuint (tensors[i].ndim, <=, 4);
      for (guint d = 0; d < tensors[i].ndim; d++)
        shapes[4 * i + d] = g_ascii_strtoll (dims[d], NULL, 10);
      tensors[i].shape = shapes + 4 * i;
      gsize count;
      tensors[i].data = sd_fill (tensors[i].name, tensors[i].ndim, shapes + 4 * i, &count);
    }
  char *path = test_tmp_path (file_name);
  g_autoptr (GError) error = NULL;
  g_assert_true (at_safetensors_write_f32 (path, tensors, n, NULL, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_free ((char *) tensors[i].name);
      g_free ((float *) tensors[i].data);
    }
  g_free (tensors);
  g_free (shapes);
  return path;
}

AtSafetensors *
sd_fill_open_golden (const char *golden_name, const char *weights_name, AtSafetensors **weights)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *gpath = test_source_path ("tests", "data", "sd", golden_name, NULL);
  AtSafetensors *golden = at_safetensors_open (gpath, &error);
  g_assert_no_error (error);
  if (weights != NULL)
    {
      g_autofree char *wpath = sd_fill_write_weights (golden, weights_name);
      *weights = at_safetensors_open (wpath, &error);
      g_assert_no_error (error);
    }
  return golden;
}
