/* bench-ops.c — `atelier-bench ops`: GFLOP/s of the engine's matmul and
 * conv2d beside OpenBLAS, and the speech front end's log-mel on the device
 * beside the CPU's, measured in the same run on the same machine.
 *
 * GPU side: each case is recorded once into an AtCmd and submitted once to
 * warm up (pipeline compilation, first touch of memory); a sample is the
 * wall-clock time around one at_cmd_submit(). CPU side: cblas_sgemm (for
 * the convolution im2col + cblas_sgemm, the im2col counted). The log-mel
 * row times whole calls instead, host wave in and host features out:
 * at_mel_gpu_log_mel() (upload, replay of its recorded graph, download)
 * against the CPU reference at_log_mel(). After the warm-ups the two sides
 * alternate, --runs samples each, so both see the same load on a shared
 * machine; medians are reported. Both outputs are compared, so a fast
 * wrong kernel does not pass unnoticed. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cblas.h>
#include <glib.h>

#include "app/bench.h"
#include "app/bench-report.h"
#include "atelier-config.h"
#include "audio/mel.h"
#include "audio/mel-gpu.h"
#include "gpu/gpu.h"
#include "model/config.h"
#include "model/model-dir.h"
#include "ops/conv2d.h"
#include "ops/conv2d-winograd.h"
#include "ops/half.h"
#include "ops/matmul.h"

typedef struct {
  int runs;
  char *device;
  char *variant;
  char *tiles;
  gboolean quick;
  char *only;
  gboolean fp16;
} OpsOptions;

static void
ops_options_clear (OpsOptions *o)
{
  g_clear_pointer (&o->device, g_free);
  g_clear_pointer (&o->variant, g_free);
  g_clear_pointer (&o->tiles, g_free);
  g_clear_pointer (&o->only, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (OpsOptions, ops_options_clear)

/* --fp16-weights: matmul's B and conv2d's weight go to the device as fp16
 * (ops/tensor.h); BLAS gets the same rounded values. */
static gboolean weights_fp16;

typedef struct {
  const char *name;
  double flops;          /* 0: not counted (log-mel), no GF/s shown */
  double gpu_s, blas_s;  /* median seconds per run */
  double rel_err;        /* max |gpu - blas| / max |blas| */
} OpsRow;

static double
now_s (void)
{
  return g_get_monotonic_time () * 1e-6;
}

static float *
random_floats (gsize n, guint32 seed)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  float *data = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    data[i] = (float) g_rand_double_range (rand, -1, 1);
  return data;
}

static double
max_rel_error (const float *got, const float *want, gsize n)
{
  double err = 0, scale = 0;
  for (gsize i = 0; i < n; i++)
    {
      err = MAX (err, fabs ((double) got[i] - want[i]));
      scale = MAX (scale, fabs ((double) want[i]));
      if (isnan (got[i]))
        return INFINITY;
    }
  return scale > 0 ? err / scale : err;
}

/* Each side of a case: one call computes the whole result. */
typedef gboolean (*GpuFunc) (gpointer data, GError **error);
typedef void (*CpuFunc) (gpointer data);

static gboolean
submit_cmd (gpointer cmd, GError **error)
{
  return at_cmd_submit (cmd, error);
}

/* One warm-up of each side, then runs rounds that time one GPU call (for
 * most cases a submission of the recorded cmd) and one CPU call back to
 * back, so both sides see the same load when the machine is shared; the
 * medians are kept. */
static gboolean
time_interleaved (GpuFunc gpu, gpointer gpu_data, CpuFunc cpu, gpointer data, int runs, OpsRow *row,
                  GError **error)
{
  if (!gpu (gpu_data, error))
    return FALSE;
  cpu (data);
  g_autofree double *gpu_samples = g_new (double, runs);
  g_autofree double *cpu_samples = g_new (double, runs);
  for (int i = 0; i < runs; i++)
    {
      double start = now_s ();
      if (!gpu (gpu_data, error))
        return FALSE;
      double middle = now_s ();
      cpu (data);
      gpu_samples[i] = middle - start;
      cpu_samples[i] = now_s () - middle;
    }
  row->gpu_s = at_bench_median (gpu_samples, runs);
  row->blas_s = at_bench_median (cpu_samples, runs);
  return TRUE;
}

static AtTensor *
upload (AtGpu *gpu, const float *data, guint ndim, const gint64 *shape, GError **error)
{
  g_autoptr (AtTensor) t = at_tensor_new (gpu, ndim, shape, error);
  if (t == NULL || (data != NULL && !at_tensor_upload (t, data, error)))
    return NULL;
  return g_steal_pointer (&t);
}

/* A product's weight: as upload(), or fp16 under --fp16-weights, data
 * then rounded in place to the values the device holds. */
static AtTensor *
upload_weight (AtGpu *gpu, float *data, guint ndim, const gint64 *shape, GError **error)
{
  if (!weights_fp16)
    return upload (gpu, data, ndim, shape, error);
  gsize n = 1;
  for (guint i = 0; i < ndim; i++)
    n *= shape[i];
  for (gsize i = 0; i < n; i++)
    data[i] = at_half_to_float (at_float_to_half (data[i]));
  g_autoptr (AtTensor) t = at_tensor_new_typed (gpu, AT_TENSOR_F16, ndim, shape, error);
  if (t == NULL || !at_tensor_upload (t, data, error))
    return NULL;
  return g_steal_pointer (&t);
}

static void
blas_sgemm (int m, int n, int k, const float *a, const float *b, float *c)
{
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n);
}

typedef struct {
  int size;
  const float *a, *b;
  float *c;
} MatmulCpu;

static void
matmul_cpu (gpointer data)
{
  MatmulCpu *job = data;
  blas_sgemm (job->size, job->size, job->size, job->a, job->b, job->c);
}

static gboolean
bench_matmul (AtGpu *gpu, const AtGemmConfig *config, int size, int runs, OpsRow *row, GError **error)
{
  gsize n = (gsize) size * size;
  g_autofree float *a = random_floats (n, 1);
  g_autofree float *b = random_floats (n, 2);
  g_autofree float *want = g_new (float, n);
  g_autofree float *got = g_new (float, n);
  const gint64 shape[] = { size, size };
  g_autoptr (AtTensor) ta = upload (gpu, a, 2, shape, error);
  g_autoptr (AtTensor) tb = ta != NULL ? upload_weight (gpu, b, 2, shape, error) : NULL;
  g_autoptr (AtTensor) tc = tb != NULL ? upload (gpu, NULL, 2, shape, error) : NULL;
  g_autoptr (AtCmd) cmd = tc != NULL ? at_cmd_new (gpu, error) : NULL;
  MatmulCpu job = { size, a, b, want };
  if (cmd == NULL || !at_op_matmul_full (cmd, ta, tb, NULL, tc, 0, config, error) ||
      !time_interleaved (submit_cmd, cmd, matmul_cpu, &job, runs, row, error) ||
      !at_tensor_download (tc, got, error))
    return FALSE;
  row->flops = 2.0 * size * size * size;
  row->rel_err = max_rel_error (got, want, n);
  return TRUE;
}

/* cols[(ci·KH + ky)·KW + kx][oy·OW + ox] for one NCHW image, zero padded. */
static void
im2col (const float *x, int cin, int h, int w, int k, int pad, float *cols)
{
  int oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1;
  for (int ci = 0; ci < cin; ci++)
    for (int ky = 0; ky < k; ky++)
      for (int kx = 0; kx < k; kx++)
        {
          float *dst = cols + (gsize) ((ci * k + ky) * k + kx) * oh * ow;
          for (int oy = 0; oy < oh; oy++)
            {
              int iy = oy + ky - pad;
              for (int ox = 0; ox < ow; ox++)
                {
                  int ix = ox + kx - pad;
                  dst[oy * ow + ox] = iy >= 0 && iy < h && ix >= 0 && ix < w ? x[(ci * h + iy) * w + ix] : 0.0f;
                }
            }
        }
}

typedef struct {
  int channels, size, k, pad;
  const float *x, *w;
  float *cols, *y;
} ConvCpu;

static void
conv_cpu (gpointer data)
{
  ConvCpu *job = data;
  int taps = job->channels * job->k * job->k, pixels = job->size * job->size;
  im2col (job->x, job->channels, job->size, job->size, job->k, job->pad, job->cols);
  blas_sgemm (job->channels, pixels, taps, job->w, job->cols, job->y);
}

/* winograd: the convolution by at_op_conv2d_winograd (its products on
 * config's kernels), else the implicit GEMM on config's; flops counts the
 * direct convolution's multiply-adds either way, so GF/s compare. */
static gboolean
bench_conv (AtGpu *gpu, const AtGemmConfig *config, gboolean winograd, int channels, int size, int runs,
            OpsRow *row, GError **error)
{
  const int k = 3, pad = 1, taps = channels * k * k, pixels = size * size;
  gsize nx = (gsize) channels * pixels, nw = (gsize) channels * taps;
  g_autofree float *x = random_floats (nx, 3);
  g_autofree float *w = random_floats (nw, 4);
  g_autofree float *cols = g_new (float, (gsize) taps * pixels);
  g_autofree float *want = g_new (float, nx);
  g_autofree float *got = g_new (float, nx);
  g_autoptr (AtTensor) tx = upload (gpu, x, 4, (const gint64[]) { 1, channels, size, size }, error);
  g_autoptr (AtTensor) tw = tx != NULL ? upload_weight (gpu, w, 4, (const gint64[]) { channels, channels, k, k },
                                                       error)
                                       : NULL;
  g_autoptr (AtTensor) ty = tw != NULL ? upload (gpu, NULL, 4, (const gint64[]) { 1, channels, size, size }, error)
                                       : NULL;
  g_autoptr (AtCmd) cmd = ty != NULL ? at_cmd_new (gpu, error) : NULL;
  AtConv2dParams params = { { 1, 1 }, { pad, pad } };
  ConvCpu job = { channels, size, k, pad, x, w, cols, want };
  gboolean recorded = cmd != NULL && (winograd ? at_op_conv2d_winograd (cmd, tx, tw, NULL, NULL, ty, &params, config, error)
                                                : at_op_conv2d_full (cmd, tx, tw, NULL, ty, &params, config, error));
  if (!recorded ||
      !time_interleaved (submit_cmd, cmd, conv_cpu, &job, runs, row, error) ||
      !at_tensor_download (ty, got, error))
    return FALSE;
  row->flops = 2.0 * channels * taps * pixels;
  row->rel_err = max_rel_error (got, want, nx);
  return TRUE;
}

/* The built-in model's configuration, found as the engine finds it. */
static AtModelConfig *
load_model_config (GError **error)
{
  g_autofree char *dir = at_model_dir_find ("atelier-model.json");
  g_autofree char *path = g_build_filename (dir, "atelier-model.json", NULL);
  return at_model_config_load (path, error);
}

typedef struct {
  AtMelGpu *mg;
  const float *wave;
  gsize n;
  float *features;
} MelGpu;

static gboolean
mel_gpu (gpointer data, GError **error)
{
  MelGpu *job = data;
  g_free (job->features);
  job->features = at_mel_gpu_log_mel (job->mg, job->wave, job->n, error);
  return job->features != NULL;
}

typedef struct {
  const AtMelConfig *mel;
  const float *filterbank, *wave;
  gsize n;
  float *features;
} MelCpu;

static void
mel_cpu (gpointer data)
{
  MelCpu *job = data;
  g_free (job->features);
  job->features = at_log_mel (job->mel, job->filterbank, job->wave, job->n, NULL);
}

/* The model's log-mel of one clip (noise plus a chord), host to host. */
static gboolean
bench_mel (AtGpu *gpu, const AtMelConfig *mel, int runs, OpsRow *row, GError **error)
{
  gsize n = mel->clip_samples;
  g_autofree float *wave = random_floats (n, 5);
  for (gsize i = 0; i < n; i++)
    wave[i] = 0.1f * wave[i] + 0.3f * sin (2 * G_PI * 440.0 * i / mel->sample_rate) +
              0.2f * sin (2 * G_PI * 2500.0 * i / mel->sample_rate);
  g_autofree float *filterbank = at_mel_filterbank (mel);
  g_autoptr (AtMelGpu) mg = at_mel_gpu_new (gpu, mel, filterbank, error);
  if (mg == NULL)
    return FALSE;
  MelGpu gpu_job = { mg, wave, n, NULL };
  MelCpu cpu_job = { mel, filterbank, wave, n, NULL };
  gboolean ok = time_interleaved (mel_gpu, &gpu_job, mel_cpu, &cpu_job, runs, row, error);
  if (ok)
    row->rel_err = max_rel_error (gpu_job.features, cpu_job.features, (gsize) mel->n_frames * mel->n_mels);
  g_free (gpu_job.features);
  g_free (cpu_job.features);
  return ok;
}

/* --tiles TM,TN,WX[,WY,BK] overrides the device's default tiling. */
static gboolean
parse_config (AtGpu *gpu, const OpsOptions *options, AtGemmConfig *config, GError **error)
{
  AtGemmVariant variant = AT_GEMM_AUTO;
  if (options->variant == NULL || g_str_equal (options->variant, "auto"))
    variant = AT_GEMM_AUTO;
  else if (g_str_equal (options->variant, "registers"))
    variant = AT_GEMM_REGISTERS;
  else if (g_str_equal (options->variant, "shared"))
    variant = AT_GEMM_SHARED;
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--variant must be auto, registers or shared, not “%s”", options->variant);
      return FALSE;
    }
  at_gemm_config_default (gpu, variant, config);
  if (options->tiles == NULL)
    return TRUE;
  guint v[5] = { 0, 0, 0, config->local_size[1], config->bk };
  int n = sscanf (options->tiles, "%u,%u,%u,%u,%u", &v[0], &v[1], &v[2], &v[3], &v[4]);
  if (n < 3 || v[0] == 0 || v[1] == 0 || v[2] == 0 || v[3] == 0 || v[4] == 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--tiles wants TM,TN,WX[,WY,BK] (positive numbers), not “%s”", options->tiles);
      return FALSE;
    }
  config->tm = v[0];
  config->tn = v[1];
  config->local_size[0] = v[2];
  config->local_size[1] = v[3];
  config->bk = v[4];
  return TRUE;
}

static char *
cpu_model (void)
{
  g_autofree char *info = NULL;
  if (!g_file_get_contents ("/proc/cpuinfo", &info, NULL, NULL))
    return g_strdup ("unknown CPU");
  char *line = strstr (info, "model name");
  char *colon = line != NULL ? strchr (line, ':') : NULL;
  if (colon == NULL)
    return g_strdup ("unknown CPU");
  char *end = strchr (colon, '\n');
  return g_strstrip (g_strndup (colon + 1, end != NULL ? (gsize) (end - colon - 1) : strlen (colon + 1)));
}

/* The machine may be shared: the load average says how much. */
static void
print_header (AtGpu *gpu, const AtGemmConfig *config)
{
  const AtGpuDeviceInfo *info = at_gpu_get_device_info (gpu);
  g_autofree char *cpu = cpu_model ();
  const char *coretype = g_getenv ("OPENBLAS_CORETYPE");
  g_autofree char *slices = config->variant == AT_GEMM_SHARED ? g_strdup_printf (", K slices of %u", config->bk)
                                                              : g_strdup ("");
  printf ("CPU:       %s, %u logical cores, AVX2 %s, AVX-512F %s\n", cpu, g_get_num_processors (),
          __builtin_cpu_supports ("avx2") ? "yes" : "no", __builtin_cpu_supports ("avx512f") ? "yes" : "no");
  printf ("Device:    %s (%s, %s)\n", info->name, at_gpu_device_type_to_string (info->type), info->driver);
  printf ("Kernels:   %s, %u×%u invocations, %u×%u outputs each%s\n",
          config->variant == AT_GEMM_REGISTERS ? "register-blocked (no shared memory)" : "shared-memory tiles",
          config->local_size[0], config->local_size[1], config->tm, config->tn,
          slices);
  printf ("Weights:   %s\n", weights_fp16 ? "fp16 (matmul's B, conv2d's weight; BLAS on the same rounded values)" : "fp32");
#ifdef AT_HAVE_OPENBLAS_INFO
  printf ("OpenBLAS:  core %s, %d threads, OPENBLAS_CORETYPE=%s\n", openblas_get_corename (),
          openblas_get_num_threads (), coretype != NULL ? coretype : "(unset: OpenBLAS's own detection)");
  printf ("           %s\n", openblas_get_config ());
#else
  printf ("BLAS:      not OpenBLAS (core and threads unknown); OPENBLAS_CORETYPE=%s\n",
          coretype != NULL ? coretype : "(unset)");
#endif
  g_autofree char *load = at_bench_load_average ();
  printf ("Load:      %s (1, 5, 15 min) at start\n", load);
}

/* printf pads by bytes; names hold ³, × and →. */
static void
print_padded (const char *text, int width)
{
  printf ("%s%*s", text, MAX (0, width - (int) g_utf8_strlen (text, -1)), "");
}

/* An AVX-512 OpenBLAS core forced on a CPU without AVX-512 (for example
 * OPENBLAS_CORETYPE=SkylakeX on an AMD EPYC of this generation) dies with
 * an illegal instruction at the first sgemm: say so instead. */
static gboolean
check_blas_core (GError **error)
{
#ifdef AT_HAVE_OPENBLAS_INFO
  const char *core = openblas_get_corename ();
  static const char *const avx512_cores[] = { "skylakex", "cooperlake", "sapphirerapids" };
  for (gsize i = 0; i < G_N_ELEMENTS (avx512_cores); i++)
    if (g_ascii_strcasecmp (core, avx512_cores[i]) == 0 && !__builtin_cpu_supports ("avx512f"))
      {
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                     "OpenBLAS core %s needs AVX-512, which this CPU does not have, and would stop on an "
                     "illegal instruction; unset OPENBLAS_CORETYPE or choose an AVX2 core (Haswell, Zen)",
                     core);
        return FALSE;
      }
#endif
  return TRUE;
}

/* A GF/s column, or a dash where the work is not counted in flops. */
static void
print_rate (double flops, double seconds)
{
  if (flops > 0)
    printf (" %9.1f |", flops / seconds * 1e-9);
  else
    printf (" %9s |", "-");
}

/* ratio = GPU speed ÷ CPU speed, which is CPU time ÷ GPU time. The row
 * goes into the table's JSON object too. */
static void
print_row (const OpsRow *row, JsonBuilder *json)
{
  at_bench_row_begin (json, row->name);
  at_bench_set_double (json, "gpu_ms", row->gpu_s * 1e3);
  at_bench_set_double (json, "blas_ms", row->blas_s * 1e3);
  if (row->flops > 0)
    {
      at_bench_set_double (json, "gpu_gflops", row->flops / row->gpu_s * 1e-9);
      at_bench_set_double (json, "blas_gflops", row->flops / row->blas_s * 1e-9);
    }
  at_bench_set_double (json, "ratio", row->blas_s / row->gpu_s);
  at_bench_set_double (json, "max_err", row->rel_err);
  json_builder_end_object (json);

  printf ("| ");
  print_padded (row->name, 30);
  printf (" | %9.1f |", row->gpu_s * 1e3);
  print_rate (row->flops, row->gpu_s);
  printf (" %9.1f |", row->blas_s * 1e3);
  print_rate (row->flops, row->blas_s);
  printf (" %6.3f | %8.1e |\n", row->blas_s / row->gpu_s, row->rel_err);
  fflush (stdout);
}

int
at_bench_ops (int argc, char **argv)
{
  g_auto (OpsOptions) options = { .runs = 5 };
  GOptionEntry entries[] = {
    { "runs", 'n', 0, G_OPTION_ARG_INT, &options.runs, "Timed runs per case; the median is shown (default 5)", "N" },
    { "device", 'd', 0, G_OPTION_ARG_STRING, &options.device, "Vulkan device: index or part of its name", "DEVICE" },
    { "variant", 0, 0, G_OPTION_ARG_STRING, &options.variant, "auto (by device type), registers or shared", "NAME" },
    { "tiles", 0, 0, G_OPTION_ARG_STRING, &options.tiles, "Override the tiling: outputs per invocation and workgroup size", "TM,TN,WX[,WY,BK]" },
    { "quick", 'q', 0, G_OPTION_ARG_NONE, &options.quick, "Skip matmul 2048^3", NULL },
    { "only", 0, 0, G_OPTION_ARG_STRING, &options.only, "Run only the cases whose name contains TEXT (e.g. conv)", "TEXT" },
    { "fp16-weights", 0, 0, G_OPTION_ARG_NONE, &options.fp16, "matmul's B and conv2d's weight as fp16 on the device", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("— GFLOP/s of matmul and conv2d beside OpenBLAS, "
                                                              "and log-mel beside the CPU's");
  g_option_context_add_main_entries (context, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "atelier-bench ops: %s\n", error->message);
      return 2;
    }
  options.runs = CLAMP (options.runs, 1, 1000);
  weights_fp16 = options.fp16;
  const char *only = options.only;

  g_autoptr (AtGpu) gpu = NULL;
  AtGemmConfig config;
  if (!check_blas_core (&error) || (gpu = at_gpu_new (options.device, &error)) == NULL ||
      !parse_config (gpu, &options, &config, &error))
    {
      fprintf (stderr, "atelier-bench: %s\n", error->message);
      return 1;
    }
  print_header (gpu, &config);
  printf ("Timing:    median of %d runs after one warm-up, GPU and BLAS alternating; "
          "GPU = wall clock around at_cmd_submit (log-mel: around at_mel_gpu_log_mel)\n\n", options.runs);
  printf ("| %-30s | %9s | %9s | %9s | %9s | %6s | %8s |\n", "case", "GPU ms", "GPU GF/s", "BLAS ms", "BLAS GF/s",
          "ratio", "max err");
  printf ("|%s|%s|%s|%s|%s|%s|%s|\n", "--------------------------------", "-----------", "-----------",
          "-----------", "-----------", "--------", "----------");
  fflush (stdout);
  JsonBuilder *json = at_bench_table_begin ("ops", "kernels", at_gpu_get_device_info (gpu)->name);

  static const int sizes[] = { 1024, 2048 };
  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *name = g_strdup_printf ("matmul %d³", sizes[i]);
      if ((options.quick && sizes[i] > 1024) || (only != NULL && strstr (name, only) == NULL))
        continue;
      OpsRow row = { name };
      if (!bench_matmul (gpu, &config, sizes[i], options.runs, &row, &error))
        break;
      print_row (&row, json);
    }
  /* The case, then a 3×3 conv of the built-in model's UNet and
   * one of SD 1.5's at a 256 px image, each by both paths. */
  static const int convs[][2] = { { 128, 64 }, { 64, 32 }, { 320, 32 } };
  g_autoptr (GString) speedups = g_string_new (NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (convs) && error == NULL; i++)
    {
      double gpu_s[2] = { 0, 0 };
      for (int winograd = 0; winograd < 2 && error == NULL; winograd++)
        {
          g_autofree char *name = g_strdup_printf ("conv2d 3×3 %d→%d %d×%d %s", convs[i][0], convs[i][0],
                                                   convs[i][1], convs[i][1], winograd ? "winograd" : "pad 1");
          if ((options.quick && i > 0) || (only != NULL && strstr (name, only) == NULL))
            continue;
          OpsRow row = { name };
          if (bench_conv (gpu, &config, winograd, convs[i][0], convs[i][1], options.runs, &row, &error))
            print_row (&row, json);
          gpu_s[winograd] = row.gpu_s;
        }
      if (gpu_s[0] > 0 && gpu_s[1] > 0)
        g_string_append_printf (speedups, "%s%d→%d %d×%d %.2f×", speedups->len > 0 ? ", " : "", convs[i][0],
                                convs[i][0], convs[i][1], convs[i][1], gpu_s[0] / gpu_s[1]);
    }
  if (error == NULL && (only == NULL || strstr ("log-mel 2 s clip", only) != NULL))
    {
      OpsRow row = { "log-mel 2 s clip" };
      g_autoptr (AtModelConfig) model = load_model_config (&error);
      if (model != NULL && bench_mel (gpu, &model->mel, options.runs, &row, &error))
        print_row (&row, json);
    }
  at_bench_table_end (json);
  if (error != NULL)
    {
      fprintf (stderr, "atelier-bench: %s\n", error->message);
      return 1;
    }
  g_autofree char *load = at_bench_load_average ();
  if (speedups->len > 0)
    printf ("\nconv2d, Winograd's speed-up over the implicit GEMM (GPU ms ÷ GPU ms): %s\n", speedups->str);
  printf ("\nratio = GPU GF/s ÷ BLAS GF/s (= BLAS ms ÷ GPU ms); max err = max |GPU − BLAS| ÷ max |BLAS|. "
          "BLAS conv = im2col + sgemm, im2col timed; conv GF/s count the direct convolution's "
          "multiply-adds (winograd rows too: its own are 2.25× fewer).\nlog-mel: the model's features of one clip, host to host; "
          "the BLAS column is the CPU's at_log_mel (double, direct DFT).\nLoad at end: %s\n", load);
  return 0;
}
