/* test-sd-limits.c — activations larger than one storage-buffer binding
 * and models over many memory blocks (model/graph-split.h).
 *
 * A second AtGpu is made with ATELIER_TEST_MAX_STORAGE_RANGE at 20 KiB and
 * ATELIER_TEST_BLOCK_SIZE at 64 KiB (gpu/test-limits.c): the limits SD's
 * VAE meets at 512 px (256 MiB feature maps against lavapipe's 128 MiB)
 * met by small tensors. Each split graph operator runs on random data on
 * both devices; the limited one must record more dispatches (it did split)
 * and give the unlimited one's numbers. Then the reduced VAE of test-vae.c
 * decodes and encodes on the limited device, against the original code's
 * output in tests/data/sd/vae-golden.safetensors, and the reduced SD 2.x
 * UNet of test-unet.c runs on it against unet-sd2-golden.safetensors.
 * Tolerances: element-wise, copies, norms and row-split products compute
 * each value exactly as unsplit (NSE 1e-14, max_abs 1e-6, room for
 * reductions that see a different workgroup split); a split convolution
 * sums its input chunks in another order (fp32 sums of up to 216 terms
 * of unit inputs; 576 terms reaching 20 measured max_abs 2e-5: allowed
 * 1e-4). The VAE and the UNet: test-vae.c's and test-unet.c's.
 */
#include "model/graph.h"
#include "sd/vae-decoder.h"
#include "sd/vae-encoder.h"
#include "sd/unet.h"
#include "sd-fill.h"
#include "test-util.h"

#define RANGE 20480
#define BLOCK 65536
#define SAME_NSE 1e-14
#define SAME_ABS 1e-6
#define CONV_NSE 1e-12
#define CONV_ABS 1e-4
#define VAE_NSE 1e-9
#define VAE_ABS 1e-4
#define UNET_NSE 1e-10
#define UNET_ABS 5e-5

static AtGpu *limited;

typedef struct {
  guint ndim;
  gint64 shape[AT_TENSOR_MAX_DIMS];
  gboolean half;   /* an fp16 weight */
} Shape;

typedef AtTensor *(*Build) (AtGraph *g, AtTensor **in);

/* Runs build on inputs of random data (seeded by their index) on gpu;
 * returns the output, its count and the dispatches recorded. */
static float *
run_graph (AtGpu *gpu, Build build, const Shape *shapes, guint n_in, gsize *n_out, guint *n_dispatches)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtGraph) g = at_graph_new (gpu, &error);
  g_assert_no_error (error);
  AtTensor *in[4];
  g_autoptr (GPtrArray) halves = g_ptr_array_new_with_free_func ((GDestroyNotify) at_tensor_free);
  g_assert_cmpuint (n_in, <=, G_N_ELEMENTS (in));
  for (guint i = 0; i < n_in; i++)
    {
      g_autofree float *data = test_random (test_numel (shapes[i].shape, shapes[i].ndim), 17 + i, -1.0f, 1.0f);
      if (!shapes[i].half)
        {
          in[i] = at_graph_constant (g, data, shapes[i].ndim, shapes[i].shape);
          continue;
        }
      in[i] = at_tensor_new_typed (gpu, AT_TENSOR_F16, shapes[i].ndim, shapes[i].shape, &error);
      g_assert_no_error (error);
      g_ptr_array_add (halves, in[i]);
      g_assert_true (at_tensor_upload (in[i], data, &error));
    }
  AtTensor *y = build (g, in);
  g_assert_true (at_graph_run (g, &error));
  g_assert_no_error (error);
  *n_out = at_tensor_numel (y);
  *n_dispatches = at_cmd_get_n_dispatches (g->cmd);
  float *out = g_new (float, *n_out);
  g_assert_true (at_tensor_download (y, out, &error));
  g_assert_no_error (error);
  return out;
}

static void
check_split (const char *what, Build build, const Shape *shapes, guint n_in, double max_nse, double max_abs)
{
  gsize n_want, n_got;
  guint d_want, d_got;
  g_autofree float *want = run_graph (test_gpu (), build, shapes, n_in, &n_want, &d_want);
  g_autofree float *got = run_graph (limited, build, shapes, n_in, &n_got, &d_got);
  g_assert_cmpuint (n_got, ==, n_want);
  g_assert_cmpuint (d_got, >, d_want);
  test_assert_close (what, got, want, n_got, max_nse, max_abs);
}

#define SHAPES(...) ((const Shape[]) { __VA_ARGS__ }), G_N_ELEMENTS (((const Shape[]) { __VA_ARGS__ }))

static AtTensor *
conv_same (AtGraph *g, AtTensor **in)
{
  return at_g_conv2d (g, in[0], in[1], in[2], 1, 1);
}

static AtTensor *
conv_strided (AtGraph *g, AtTensor **in)
{
  return at_g_conv2d_fused (g, in[0], in[1], NULL, 2, 1, AT_ACTIVATION_SILU, NULL);
}

static void
test_conv2d (void)
{
  /* input and output by channels, two images, a weight over the range
   * (cut by rows); then planes of 961 values (rows of 3844 bytes: chunks
   * of whole alignment granules) through a stride-2 convolution */
  check_split ("conv2d 3×3", conv_same,
               SHAPES ({ 4, { 2, 24, 20, 20 } }, { 4, { 40, 24, 3, 3 } }, { 1, { 40 } }), CONV_NSE, CONV_ABS);
  check_split ("conv2d stride 2", conv_strided, SHAPES ({ 4, { 1, 24, 31, 31 } }, { 4, { 8, 24, 3, 3 } }), CONV_NSE,
               CONV_ABS);
  /* an fp16 weight over the range: cut by rows, its input-channel blocks
   * converted to fp32 by the copy kernel */
  check_split ("conv2d 3×3, fp16 weight", conv_same,
               SHAPES ({ 4, { 2, 24, 20, 20 } }, { 4, { 64, 24, 3, 3 }, TRUE }, { 1, { 64 } }), CONV_NSE, CONV_ABS);
}

static AtTensor *
norm (AtGraph *g, AtTensor **in)
{
  return at_g_group_norm (g, in[0], 8, in[1], in[2], 1e-6f, TRUE);
}

static void
test_group_norm (void)
{
  check_split ("group norm", norm, SHAPES ({ 4, { 1, 32, 32, 32 } }, { 1, { 32 } }, { 1, { 32 } }), SAME_NSE,
               SAME_ABS);
}

static AtTensor *
add_scale (AtGraph *g, AtTensor **in)
{
  return at_g_scale (g, at_g_silu (g, at_g_add (g, in[0], in[1])), 0.5f);
}

static AtTensor *
upsample (AtGraph *g, AtTensor **in)
{
  return at_g_upsample2x (g, in[0]);
}

static AtTensor *
concat_channels (AtGraph *g, AtTensor **in)
{
  return at_g_concat (g, in[0], in[1], 1);
}

static AtTensor *
concat_width (AtGraph *g, AtTensor **in)
{
  return at_g_concat (g, in[0], in[1], 3);
}

static void
test_maps_and_copies (void)
{
  check_split ("add, silu, scale", add_scale, SHAPES ({ 2, { 3, 9001 } }, { 2, { 3, 9001 } }), SAME_NSE, SAME_ABS);
  check_split ("upsample", upsample, SHAPES ({ 4, { 1, 6, 20, 20 } }), SAME_NSE, SAME_ABS);
  check_split ("concat channels", concat_channels, SHAPES ({ 4, { 1, 12, 30, 30 } }, { 4, { 1, 10, 30, 30 } }),
               SAME_NSE, SAME_ABS);
  check_split ("concat width", concat_width, SHAPES ({ 4, { 1, 20, 30, 30 } }, { 4, { 1, 20, 30, 2 } }), SAME_NSE,
               SAME_ABS);
}

static AtTensor *
linear (AtGraph *g, AtTensor **in)
{
  return at_g_linear_fused (g, in[0], in[1], in[2], AT_ACTIVATION_GELU, NULL);
}

static AtTensor *
scores (AtGraph *g, AtTensor **in)
{
  return at_g_matmul (g, at_g_softmax (g, at_g_matmul (g, in[0], in[1], AT_MATMUL_TRANS_B)), in[2], 0);
}

static AtTensor *
heads (AtGraph *g, AtTensor **in)
{
  return at_g_attention (g, in[0], in[1], in[2], 2);
}

static void
test_products (void)
{
  check_split ("linear", linear, SHAPES ({ 3, { 2, 600, 20 } }, { 2, { 24, 20 } }, { 1, { 24 } }), SAME_NSE,
               SAME_ABS);
  check_split ("linear, fp16 weight over the range", linear,
               SHAPES ({ 3, { 2, 60, 20 } }, { 2, { 600, 20 }, TRUE }, { 1, { 600 } }), SAME_NSE, SAME_ABS);
  check_split ("attention scores", scores,
               SHAPES ({ 3, { 1, 400, 16 } }, { 3, { 1, 64, 16 } }, { 3, { 1, 64, 16 } }), SAME_NSE, SAME_ABS);
  check_split ("attention", heads, SHAPES ({ 3, { 2, 300, 32 } }, { 3, { 2, 60, 32 } }, { 3, { 2, 60, 32 } }),
               SAME_NSE, SAME_ABS);
}

/* The VAE of test-vae.c on the limited device, weights over many blocks. */
static void
test_vae (void)
{
  static const AtSdVaeConfig reduced = { 32, 3, { 1, 2, 2 }, 1, 4, 3 };
  g_autoptr (GError) error = NULL;
  AtSafetensors *weights;
  AtSafetensors *golden = sd_fill_open_golden ("vae-golden.safetensors", "vae.safetensors", &weights);
  g_autofree float *z = test_safetensors_f32 (golden, "latent", NULL);
  gsize n_image, n_moments, n;
  g_autofree float *want_image = test_safetensors_f32 (golden, "image", &n_image);
  g_autofree float *want_moments = test_safetensors_f32 (golden, "moments", &n_moments);
  g_autofree float *image_in = sd_fill ("image_in", 4, (gint64[]) { 1, 3, 32, 32 }, &n);

  g_autoptr (AtSdVaeDecoder) d = at_sd_vae_decoder_new (limited, weights, "", &reduced, &error);
  g_assert_no_error (error);
  guint64 in_use, peak, reserved;
  at_gpu_get_memory_usage (limited, &in_use, &peak, &reserved);
  /* the weights alone fill several 64 KiB blocks; no tensor reaches 512 KiB */
  g_assert_cmpuint (in_use, >, 8 * BLOCK);
  g_autofree float *image = g_new (float, n_image);
  gboolean ok = at_sd_vae_decode (d, z, 8, 8, image, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  test_assert_close ("split vae decoder", image, want_image, n_image, VAE_NSE, VAE_ABS);

  g_autoptr (AtSdVaeEncoder) e = at_sd_vae_encoder_new (limited, weights, "", &reduced, &error);
  g_assert_no_error (error);
  g_autofree float *moments = g_new (float, n_moments);
  ok = at_sd_vae_encode (e, image_in, 32, 32, moments, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  test_assert_close ("split vae encoder", moments, want_moments, n_moments, VAE_NSE, VAE_ABS);

  g_clear_pointer (&d, at_sd_vae_decoder_free);
  g_clear_pointer (&e, at_sd_vae_encoder_free);
  at_safetensors_free (weights);
  at_safetensors_free (golden);
}

/* test-unet.c's reduced SD 2.x UNet on the limited device: its GEGLU
 * (2 × 64 × 128), skip concatenations, upsampling and 3×3 convolutions
 * of 64 and 96 channels split; the original code's output. */
static void
test_unet (void)
{
  static const AtSdUnetShape sd2_reduced = { 4, 4, 32, 3, { 1, 2, 2 }, 2, 0x3, 0, 16, 32, 0 };
  g_autoptr (GError) error = NULL;
  AtSafetensors *weights;
  AtSafetensors *golden = sd_fill_open_golden ("unet-sd2-golden.safetensors", "unet.safetensors", &weights);
  gsize n_out, n;
  g_autofree float *t = test_safetensors_f32 (golden, "timesteps", NULL);
  g_autofree float *want = test_safetensors_f32 (golden, "out", &n_out);
  g_autofree float *x = sd_fill ("x", 4, (gint64[]) { 2, 4, 8, 8 }, &n);
  g_autofree float *context = sd_fill ("context", 3, (gint64[]) { 2, 77, 32 }, &n);
  g_autoptr (AtSdUnet) u = at_sd_unet_new (limited, weights, "", &sd2_reduced, &error);
  g_assert_no_error (error);
  g_autofree float *got = g_new (float, n_out);
  gboolean ok = at_sd_unet_forward (u, x, 2, 8, 8, t, context, 77, got, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  test_assert_close ("split unet", got, want, n_out, UNET_NSE, UNET_ABS);
  g_clear_pointer (&u, at_sd_unet_free);
  at_safetensors_free (weights);
  at_safetensors_free (golden);
}

/* What cannot be split says so: one channel plane over the range. */
static void
test_refused (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtGraph) g = at_graph_new (limited, &error);
  g_assert_no_error (error);
  AtTensor *x = at_graph_tensor (g, AT_G_SHAPE (1, 2, 140, 140));
  AtTensor *w = at_graph_tensor (g, AT_G_SHAPE (2, 2, 3, 3));
  g_assert_null (at_g_conv2d (g, x, w, NULL, 1, 1));
  test_assert_refused (at_graph_finish (g, &error), &error, AT_GPU_ERROR, AT_GPU_ERROR_TOO_LARGE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GError) error = NULL;
  test_gpu ();   /* the unlimited device, made before the variables are set */
  g_setenv ("ATELIER_TEST_MAX_STORAGE_RANGE", G_STRINGIFY (RANGE), TRUE);
  g_setenv ("ATELIER_TEST_BLOCK_SIZE", G_STRINGIFY (BLOCK), TRUE);
  limited = at_gpu_new (NULL, &error);
  g_assert_no_error (error);
  g_unsetenv ("ATELIER_TEST_MAX_STORAGE_RANGE");
  g_unsetenv ("ATELIER_TEST_BLOCK_SIZE");
  g_assert_cmpuint (at_gpu_max_binding_size (limited), ==, RANGE);
  g_assert_cmpuint (at_gpu_max_binding_size (test_gpu ()), >, RANGE);

  g_test_add_func ("/sd/limits/conv2d", test_conv2d);
  g_test_add_func ("/sd/limits/group-norm", test_group_norm);
  g_test_add_func ("/sd/limits/maps-and-copies", test_maps_and_copies);
  g_test_add_func ("/sd/limits/products", test_products);
  g_test_add_func ("/sd/limits/vae", test_vae);
  g_test_add_func ("/sd/limits/unet", test_unet);
  g_test_add_func ("/sd/limits/refused", test_refused);
  int rc = g_test_run ();
  at_gpu_free (limited);
  return rc;
}
