/* test-pipeline-cache-file.c — the saved pipeline cache is used only when
 * it is this device's and of a sane size. The reference is the driver's
 * own cache data (vkGetPipelineCacheData), which must pass, and copies of
 * it damaged one field at a time, which must not. */
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "gpu/gpu-private.h"
#include "gpu/pipeline-cache-file.h"
#include "ops/elementwise.h"
#include "test-util.h"

/* The driver's cache data after one pipeline was made. */
static GBytes *
driver_cache_data (AtGpu *gpu)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtTensor) t = at_tensor_new_shape (gpu, &error, 4);
  g_autoptr (AtCmd) cmd = at_cmd_new (gpu, &error);
  at_op_fill (cmd, t, 1.0f, &error);
  at_cmd_submit (cmd, &error);
  g_assert_no_error (error);
  gsize size = 0;
  g_assert_cmpint (vkGetPipelineCacheData (gpu->device, gpu->pipeline_cache, &size, NULL), ==, VK_SUCCESS);
  guint8 *data = g_malloc (size);
  g_assert_cmpint (vkGetPipelineCacheData (gpu->device, gpu->pipeline_cache, &size, data), ==, VK_SUCCESS);
  return g_bytes_new_take (data, size);
}

static void
assert_refused (const guint8 *data, gsize size, const VkPhysicalDeviceProperties *props, const char *why)
{
  const char *why_not = NULL;
  g_assert_false (at_pipeline_cache_header_ok (data, size, props, &why_not));
  g_assert_cmpstr (why_not, ==, why);
}

static void
test_header (void)
{
  AtGpu *gpu = test_gpu ();
  g_autoptr (GBytes) bytes = driver_cache_data (gpu);
  gsize size = 0;
  const guint8 *real = g_bytes_get_data (bytes, &size);
  const char *why = NULL;
  g_assert_true (at_pipeline_cache_header_ok (real, size, &gpu->props, &why));
  g_assert_null (why);

  g_autofree guint8 *copy = g_memdup2 (real, size);
  struct {
    gsize offset;
    const char *why;
  } fields[] = {
    { 0, "header size out of range" }, { 4, "unknown header version" }, { 8, "made for another device" },
    { 12, "made for another device" }, { 16, "made by another driver build" }, { 31, "made by another driver build" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      memcpy (copy, real, size);
      copy[fields[i].offset] ^= 0x5a;
      assert_refused (copy, size, &gpu->props, fields[i].why);
    }
  assert_refused (real, 31, &gpu->props, "shorter than its header");
  assert_refused (real, 0, &gpu->props, "shorter than its header");
}

static void
test_map (TestScratch *s, gconstpointer unused)
{
  AtGpu *gpu = test_gpu ();
  g_autoptr (GBytes) bytes = driver_cache_data (gpu);
  g_autofree char *good = g_build_filename (s->dir, "good.bin", NULL);
  test_write_bytes (good, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autoptr (GMappedFile) mapped = at_pipeline_cache_file_map (good, &gpu->props);
  g_assert_nonnull (mapped);
  g_assert_cmpmem (g_mapped_file_get_contents (mapped), g_mapped_file_get_length (mapped),
                   g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  g_autofree char *garbage = g_build_filename (s->dir, "garbage.bin", NULL);
  test_write_bytes (garbage, "not a pipeline cache at all, just text", 38);
  g_assert_null (at_pipeline_cache_file_map (garbage, &gpu->props));

  /* past the cap: refused by its size, unread (a sparse file costs nothing) */
  g_autofree char *huge = g_build_filename (s->dir, "huge.bin", NULL);
  test_write_bytes (huge, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_assert_cmpint (truncate (huge, (off_t) AT_PIPELINE_CACHE_MAX_BYTES + 1), ==, 0);
  g_assert_null (at_pipeline_cache_file_map (huge, &gpu->props));

  g_autofree char *missing = g_build_filename (s->dir, "missing.bin", NULL);
  g_assert_null (at_pipeline_cache_file_map (missing, &gpu->props));
  g_assert_null (at_pipeline_cache_file_map (s->dir, &gpu->props));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pipeline-cache-file/header", test_header);
  g_test_add ("/pipeline-cache-file/map", TestScratch, NULL, test_scratch_setup, test_map, test_scratch_teardown);
  return g_test_run ();
}
