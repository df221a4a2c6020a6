/* test-gpu.c — device choice, errors, memory, replay, barriers, the
 * pipeline cache, profiling and the validation layer's fatal messages. */
#include <string.h>

#include <glib/gstdio.h>

#include "test-util.h"
#include "gpu/gpu-private.h"
#include "ops/elementwise.h"

static void
test_lists_lavapipe (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) devices = at_gpu_list_devices (&error);
  g_assert_no_error (error);
  gboolean found = FALSE;
  for (guint i = 0; i < devices->len; i++)
    {
      AtGpuDeviceInfo *info = devices->pdata[i];
      g_assert_cmpuint (info->index, ==, i);
      g_assert_nonnull (info->driver);
      found |= strstr (info->name, "llvmpipe") != NULL;
    }
  g_assert_true (found);
}

static void
test_choose_by_name_and_index (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtGpu) by_name = at_gpu_new ("LLVMPIPE", &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (at_gpu_get_device_info (by_name)->name, "llvmpipe"));
  guint index = at_gpu_get_device_info (by_name)->index;
  g_autofree char *index_str = g_strdup_printf ("%u", index);
  g_autoptr (AtGpu) by_index = at_gpu_new (index_str, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (at_gpu_get_device_info (by_index)->name, ==, at_gpu_get_device_info (by_name)->name);
}

static void
test_bad_device_is_an_error (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtGpu) gpu = at_gpu_new ("no-such-device-anywhere", &error);
  g_assert_null (gpu);
  g_assert_error (error, AT_GPU_ERROR, AT_GPU_ERROR_DEVICE_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no-such-device-anywhere"));
  g_assert_nonnull (strstr (error->message, "Available"));
}

/* With no driver manifest at all the loader finds nothing: a clear error. */
static void
test_missing_driver_is_an_error (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *empty = g_dir_make_tmp ("atelier-no-icd-XXXXXX", NULL);
      g_autofree char *missing = g_build_filename (empty, "none.json", NULL);
      g_setenv ("VK_ICD_FILENAMES", missing, TRUE);
      g_setenv ("VK_DRIVER_FILES", missing, TRUE);
      g_unsetenv ("ATELIER_VALIDATION");
      g_autoptr (AtGpu) gpu = at_gpu_new (NULL, &error);
      g_rmdir (empty);
      g_assert_null (gpu);
      g_assert_true (g_error_matches (error, AT_GPU_ERROR, AT_GPU_ERROR_NO_DRIVER) ||
                     g_error_matches (error, AT_GPU_ERROR, AT_GPU_ERROR_NO_DEVICE));
      g_print ("%s\n", error->message);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*Vulkan*mesa-vulkan-drivers*");
}

static void
round_trip (void)
{
  AtGpu *gpu = test_gpu ();
  g_autoptr (GError) error = NULL;
  g_autofree float *data = test_random (100003, 5, -1, 1);
  g_autofree float *back = g_new0 (float, 100003);
  g_autoptr (AtBuffer) buffer = at_buffer_new (gpu, 100003 * sizeof (float), &error);
  g_assert_no_error (error);
  at_buffer_upload (buffer, 0, data, 100003 * sizeof (float), &error);
  g_assert_no_error (error);
  at_buffer_download (buffer, 0, back, 100003 * sizeof (float), &error);
  g_assert_no_error (error);
  g_assert_cmpmem (data, 100003 * sizeof (float), back, 100003 * sizeof (float));
  g_assert_false (at_buffer_upload (buffer, 8, data, 100003 * sizeof (float), &error));
  g_assert_error (error, AT_GPU_ERROR, AT_GPU_ERROR_FAILED);
}

static void
test_round_trip_mapped (void)
{
  round_trip ();
}

/* The staging path is what discrete GPUs take; force it here. */
static void
test_round_trip_staging (void)
{
  if (g_test_subprocess ())
    {
      g_setenv ("ATELIER_FORCE_STAGING", "1", TRUE);
      g_assert_false (test_gpu ()->device_memory_mappable);
      round_trip ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* Many tensors share a few blocks, and released ranges are reused. */
static void
test_suballocation (void)
{
  AtGpu *gpu = test_gpu ();
  guint blocks_before = gpu->blocks->len;
  g_autoptr (GPtrArray) buffers = g_ptr_array_new_with_free_func ((GDestroyNotify) at_buffer_unref);
  for (int i = 0; i < 500; i++)
    {
      g_autoptr (GError) error = NULL;
      g_ptr_array_add (buffers, at_buffer_new (gpu, 1000 + i * 37, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (gpu->blocks->len, <=, blocks_before + 1);
  g_ptr_array_set_size (buffers, 0);
  for (guint i = 0; i < gpu->blocks->len; i++)
    {
      AtMemoryBlock *block = gpu->blocks->pdata[i];
      g_assert_cmpuint (block->free_ranges->len, ==, 1);
    }
}

/* 64 dependent dispatches on one buffer: every one must see the previous
 * write (barriers), and replaying the list repeats the work. */
static void
test_barriers_and_replay (void)
{
  g_autoptr (GError) error = NULL;
  float zero[1000] = { 0 };
  g_autoptr (AtTensor) x = test_tensor_from_shape (zero, 1000);
  g_autoptr (AtCmd) cmd = at_cmd_new (test_gpu (), &error);
  for (int i = 0; i < 64; i++)
    {
      at_op_scale (cmd, x, 1.0f, 1.0f, x, &error);
      g_assert_no_error (error);
    }
  test_submit (cmd);
  g_autofree float *once = test_download (x);
  test_submit (cmd);
  g_autofree float *twice = test_download (x);
  for (int i = 0; i < 1000; i++)
    {
      g_assert_cmpfloat (once[i], ==, 64.0f);
      g_assert_cmpfloat (twice[i], ==, 128.0f);
    }
}

/* Changing an input's contents between submissions changes the result. */
static void
test_replay_sees_new_inputs (void)
{
  g_autoptr (GError) error = NULL;
  float a[3] = { 1, 2, 3 }, b[3] = { 10, 20, 30 };
  g_autoptr (AtTensor) ta = test_tensor_from_shape (a, 3);
  g_autoptr (AtTensor) tb = test_tensor_from_shape (b, 3);
  g_autoptr (AtTensor) out = test_tensor_poisoned_shape (3);
  g_autoptr (AtCmd) cmd = at_cmd_new (test_gpu (), &error);
  at_op_add (cmd, ta, tb, out, &error);
  g_assert_no_error (error);
  test_submit (cmd);
  a[0] = 100;
  at_tensor_upload (ta, a, &error);
  g_assert_no_error (error);
  test_submit (cmd);
  g_autofree float *got = test_download (out);
  g_assert_cmpfloat (got[0], ==, 110.0f);
  g_assert_cmpfloat (got[2], ==, 33.0f);
}

static void
test_pipeline_cache_saved (void)
{
  g_autoptr (GError) error = NULL;
  AtGpu *gpu = at_gpu_new (NULL, &error);
  g_assert_no_error (error);
  g_autofree char *path = g_strdup (gpu->pipeline_cache_path);
  g_unlink (path);
  {
    float one[1] = { 1 };
    g_autoptr (AtTensor) t = at_tensor_new_shape (gpu, &error, 1);
    at_tensor_upload (t, one, &error);
    g_autoptr (AtCmd) cmd = at_cmd_new (gpu, &error);
    at_op_silu (cmd, t, t, &error);
    at_cmd_submit (cmd, &error);
    g_assert_no_error (error);
  }
  at_gpu_free (gpu);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_nonnull (strstr (path, g_get_user_cache_dir ()));
}

static void
test_profile_table (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr (GError) error = NULL;
      g_setenv ("ATELIER_PROFILE", "1", TRUE);
      g_autoptr (AtGpu) gpu = at_gpu_new (NULL, &error);
      g_assert_no_error (error);
      g_assert_true (at_gpu_is_profiling (gpu));
      g_autoptr (AtTensor) t = at_tensor_new_shape (gpu, &error, 4096);
      g_autoptr (AtCmd) cmd = at_cmd_new (gpu, &error);
      at_op_fill (cmd, t, 1.0f, &error);
      at_op_gelu (cmd, t, t, &error);
      at_op_gelu (cmd, t, t, &error);
      at_cmd_submit (cmd, &error);
      g_assert_no_error (error);
      at_gpu_print_profile (gpu, stdout);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*GPU profile*total*");
  g_test_trap_assert_stdout ("*\ngelu  *2 *");
  g_test_trap_assert_stdout ("*\nfill  *1 *");
}

/* A deliberate misuse of Vulkan must make the validation layer fail the
 * test program; otherwise "validation on" would prove nothing. */
static void
test_validation_messages_are_fatal (void)
{
  if (g_test_subprocess ())
    {
      AtGpu *gpu = test_gpu ();
      VkBufferCreateInfo info = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
        .size = 0, /* invalid: size must be greater than 0 */
        .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT,
      };
      VkBuffer buffer = VK_NULL_HANDLE;
      vkCreateBuffer (gpu->device, &info, NULL, &buffer);
      if (buffer != VK_NULL_HANDLE)
        vkDestroyBuffer (gpu->device, buffer, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*Vulkan validation*");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gpu/list-devices", test_lists_lavapipe);
  g_test_add_func ("/gpu/choose-device", test_choose_by_name_and_index);
  g_test_add_func ("/gpu/bad-device", test_bad_device_is_an_error);
  g_test_add_func ("/gpu/missing-driver", test_missing_driver_is_an_error);
  g_test_add_func ("/gpu/round-trip-mapped", test_round_trip_mapped);
  g_test_add_func ("/gpu/round-trip-staging", test_round_trip_staging);
  g_test_add_func ("/gpu/suballocation", test_suballocation);
  g_test_add_func ("/gpu/barriers-and-replay", test_barriers_and_replay);
  g_test_add_func ("/gpu/replay-new-inputs", test_replay_sees_new_inputs);
  g_test_add_func ("/gpu/pipeline-cache", test_pipeline_cache_saved);
  g_test_add_func ("/gpu/profile", test_profile_table);
  g_test_add_func ("/gpu/validation-fatal", test_validation_messages_are_fatal);
  return g_test_run ();
}
