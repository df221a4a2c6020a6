/* test-attention.c — multi-head attention (self and cross) against a
 * plain-C reference in double that builds every score row in full.
 *
 * Shapes cover one query and one key, odd head sizes (3, 24, 40), the
 * largest (128), 1..8 heads, B > 1, Lq != Lk in both directions, keys not a
 * multiple of the key tile, peaked softmaxes (large scores), an explicit
 * scale, and 64x64 self-attention (Lq = Lk = 4096), where the reference
 * checks every 61st query to stay fast. Counted keys (a batch of contexts
 * padded to one length) hold NaN in the padding, so a kernel that reads it
 * fails.
 *
 * Tolerance: normalised squared error <= 1e-10, absolute error <= 1e-5 per
 * element (measured on lavapipe: at most 2e-12 and 3e-6, the latter in the
 * peaked case). Outputs are convex combinations of values in [-1, 1]; the
 * fp32 running sums over up to 4096 keys and the exp2 rescaling stay within
 * a few 1e-7 relative. */
#include <math.h>
#include <string.h>

#include "test-util.h"
#include "ops/attention.h"

#define MAX_NSE 1e-10
#define MAX_ABS 1e-5

typedef struct {
  gint64 batch, lq, lk, heads, head_dim;
  float qk_range;   /* q and k uniform in [-qk_range, qk_range) */
  float scale;      /* 0: 1/sqrt(D) */
  gint64 row_step;  /* check every row_step-th query */
  const AtAttentionConfig *config;   /* NULL: the device default */
  gint64 counts[3];                   /* keys per batch item; all 0: no counts */
} AttentionCase;

/* Keys batch item b attends to. */
static gint64
keys_of (const AttentionCase *c, gint64 b)
{
  return c->counts[0] > 0 ? c->counts[b] : c->lk;
}

/* One output row (all heads) for query i of batch item b. */
static void
ref_attention_row (const AttentionCase *c, const float *q, const float *k, const float *v, gint64 b,
                   gint64 i, double *scores, float *out_row)
{
  gint64 channels = c->heads * c->head_dim;
  double scale = c->scale != 0 ? c->scale : 1.0 / sqrt (c->head_dim);
  for (gint64 h = 0; h < c->heads; h++)
    {
      const float *qi = q + (b * c->lq + i) * channels + h * c->head_dim;
      double m = -INFINITY, sum = 0;
      gint64 lk = keys_of (c, b);
      for (gint64 j = 0; j < lk; j++)
        {
          const float *kj = k + (b * c->lk + j) * channels + h * c->head_dim;
          double s = 0;
          for (gint64 d = 0; d < c->head_dim; d++)
            s += (double) qi[d] * kj[d];
          scores[j] = s * scale;
          m = MAX (m, scores[j]);
        }
      for (gint64 j = 0; j < lk; j++)
        {
          scores[j] = exp (scores[j] - m);
          sum += scores[j];
        }
      for (gint64 d = 0; d < c->head_dim; d++)
        {
          double acc = 0;
          for (gint64 j = 0; j < lk; j++)
            acc += scores[j] * v[(b * c->lk + j) * channels + h * c->head_dim + d];
          out_row[h * c->head_dim + d] = acc / sum;
        }
    }
}

static void
check_attention (const AttentionCase *c)
{
  gint64 channels = c->heads * c->head_dim;
  gsize nq = c->batch * c->lq * channels, nk = c->batch * c->lk * channels;
  g_autofree float *q = test_random (nq, 51 + c->lq, -c->qk_range, c->qk_range);
  g_autofree float *k = test_random (nk, 52 + c->lk, -c->qk_range, c->qk_range);
  g_autofree float *v = test_random (nk, 53 + c->heads, -1, 1);
  g_autofree float *counts = g_new (float, c->batch);
  for (gint64 b = 0; b < c->batch; b++)
    {
      counts[b] = keys_of (c, b);
      for (gsize i = (b * c->lk + keys_of (c, b)) * channels; i < (gsize) (b + 1) * c->lk * channels; i++)
        k[i] = v[i] = NAN;   /* padding: must not be read */
    }

  g_autoptr (AtTensor) tq = test_tensor_from_shape (q, c->batch, c->lq, channels);
  g_autoptr (AtTensor) tk = test_tensor_from_shape (k, c->batch, c->lk, channels);
  g_autoptr (AtTensor) tv = test_tensor_from_shape (v, c->batch, c->lk, channels);
  g_autoptr (AtTensor) out = test_tensor_poisoned_shape (c->batch, c->lq, channels);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtTensor) tcounts = test_tensor_from_shape (counts, c->batch);
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  if (c->counts[0] > 0)
    at_op_attention_counted (cmd, tq, tk, tv, tcounts, c->heads, c->scale, c->config, out, &error);
  else
    at_op_attention_full (cmd, tq, tk, tv, c->heads, c->scale, c->config, out, &error);
  g_assert_no_error (error);
  test_submit (cmd);
  g_autofree float *all = test_download (out);

  /* Checked rows gathered side by side, the last query always included. */
  gint64 per_batch = (c->lq - 1) / c->row_step + 1 + ((c->lq - 1) % c->row_step != 0);
  gsize n = c->batch * per_batch * channels, at = 0;
  g_autofree float *got = g_new (float, n);
  g_autofree float *want = g_new (float, n);
  g_autofree double *scores = g_new (double, c->lk);
  for (gint64 b = 0; b < c->batch; b++)
    for (gint64 r = 0; r < per_batch; r++, at += channels)
      {
        gint64 i = MIN (r * c->row_step, c->lq - 1);
        ref_attention_row (c, q, k, v, b, i, scores, want + at);
        memcpy (got + at, all + (b * c->lq + i) * channels, channels * sizeof (float));
      }
  g_assert_cmpuint (at, ==, n);
  g_autofree char *what = g_strdup_printf ("attention B=%" G_GINT64_FORMAT " Lq=%" G_GINT64_FORMAT
                                           " Lk=%" G_GINT64_FORMAT " H=%" G_GINT64_FORMAT " D=%" G_GINT64_FORMAT
                                           " config=%u/%u/%u", c->batch, c->lq, c->lk, c->heads, c->head_dim,
                                           c->config ? c->config->workgroup : 0, c->config ? c->config->queries : 0,
                                           c->config ? c->config->key_chunk : 0);
  test_assert_close (what, got, want, n, MAX_NSE, MAX_ABS);

  /* Every element was written, checked or not. */
  for (gsize i = 0; i < nq; i++)
    if (!isfinite (all[i]))
      g_error ("%s: element %zu not written", what, i);
}

static const AttentionCase self_cases[] = {
  { 1, 1, 1, 1, 32, 1, 0, 1 },
  { 2, 77, 77, 8, 40, 1, 0, 1 },      /* text self-attention, 320 channels */
  { 3, 64, 65, 1, 128, 1, 0, 1 },     /* largest head, one key past the tile */
  { 1, 257, 257, 2, 3, 1, 0, 1 },     /* a head of 3 channels */
  { 2, 100, 100, 4, 64, 3, 0, 1 },    /* peaked: scores spread over about +-30 */
};

static const AttentionCase cross_cases[] = {
  { 2, 300, 77, 4, 24, 1, 0, 1 },     /* image tokens onto text tokens */
  { 1, 5, 1000, 2, 64, 1, 0, 1 },     /* few queries, many keys */
  { 1, 1, 33, 8, 32, 1, 0, 1 },       /* one query */
  { 4, 33, 2, 2, 32, 1, 0.5f, 1 },    /* explicit scale, two keys */
  { 2, 130, 700, 8, 40, 3, 0, 1 },
};

static void
test_self_attention (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (self_cases); i++)
    check_attention (&self_cases[i]);
}

static void
test_cross_attention (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (cross_cases); i++)
    check_attention (&cross_cases[i]);
}

/* The GPU configuration (one query per invocation, four keys per softmax
 * step) and an odd one (three queries 32 apart, keys in pairs), on lavapipe
 * too: whichever the device picks, every configuration must be right. */
static void
test_attention_configs (void)
{
  static const AtAttentionConfig gpu_like = { 64, 1, 4 };
  static const AtAttentionConfig odd = { 32, 3, 2 };
  const AttentionCase cases[] = {
    { 2, 300, 77, 4, 24, 1, 0, 1, &gpu_like },
    { 1, 257, 257, 2, 3, 3, 0, 1, &gpu_like },
    { 2, 97, 33, 2, 3, 3, 0, 1, &odd },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    check_attention (&cases[i]);
}

/* A batch of contexts padded to one length, as classifier-free guidance
 * runs it: one short context, one that fills the padding, one of one key;
 * with the device's configuration and the GPU one. */
static void
test_attention_counted (void)
{
  static const AtAttentionConfig gpu_like = { 64, 1, 4 };
  const AttentionCase cases[] = {
    { 2, 256, 12, 4, 32, 1, 0, 1, NULL, { 12, 1 } },
    { 3, 70, 45, 2, 24, 3, 0, 1, NULL, { 7, 45, 33 } },
    { 3, 70, 45, 2, 24, 3, 0, 1, &gpu_like, { 7, 45, 33 } },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    check_attention (&cases[i]);
}

static void
test_attention_64x64 (void)
{
  static const AttentionCase big = { 1, 4096, 4096, 1, 32, 1, 0, 61 };
  check_attention (&big);
}

static void
test_attention_shape_errors (void)
{
  g_autoptr (AtTensor) q = test_tensor_poisoned_shape (2, 10, 256);
  g_autoptr (AtTensor) k = test_tensor_poisoned_shape (2, 7, 256);
  g_autoptr (AtTensor) k_channels = test_tensor_poisoned_shape (2, 7, 128);
  g_autoptr (AtTensor) k_batch = test_tensor_poisoned_shape (1, 7, 256);
  g_autoptr (AtTensor) out = test_tensor_poisoned_shape (2, 10, 256);
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  struct { AtTensor *k, *v; guint heads; } bad[] = {
    { k, k, 1 },                     /* head of 256 channels */
    { k, k, 3 },                     /* 256 does not split into 3 heads */
    { k, k_channels, 2 },            /* k and v differ */
    { k_channels, k_channels, 2 },   /* channels differ from q */
    { k_batch, k_batch, 2 },         /* batch differs */
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      test_assert_shape_error (at_op_attention (cmd, q, bad[i].k, bad[i].v, bad[i].heads, 0, out, &error), &error);
    }
  g_assert_cmpuint (at_cmd_get_n_dispatches (cmd), ==, 0);
}

/* lavapipe stops an invocation after 65535 loop iterations: far too many
 * keys must be refused there rather than computed wrong. */
static void
test_attention_too_many_keys_on_cpu (void)
{
  if (at_gpu_get_device_info (test_gpu ())->type != AT_GPU_DEVICE_CPU)
    return;
  g_autoptr (AtTensor) q = test_tensor_poisoned_shape (1, 8, 32);
  g_autoptr (AtTensor) k = test_tensor_poisoned_shape (1, 70000, 32);
  g_autoptr (AtTensor) out = test_tensor_poisoned_shape (1, 8, 32);
  g_autoptr (AtCmd) cmd = test_cmd_new ();
  g_autoptr (GError) error = NULL;
  test_assert_refused (at_op_attention (cmd, q, k, k, 1, 0, out, &error), &error, AT_GPU_ERROR, AT_GPU_ERROR_TOO_LARGE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ops/attention-self", test_self_attention);
  g_test_add_func ("/ops/attention-cross", test_cross_attention);
  g_test_add_func ("/ops/attention-configs", test_attention_configs);
  g_test_add_func ("/ops/attention-counted", test_attention_counted);
  g_test_add_func ("/ops/attention-64x64", test_attention_64x64);
  g_test_add_func ("/ops/attention-shape-errors", test_attention_shape_errors);
  g_test_add_func ("/ops/attention-too-many-keys-on-cpu", test_attention_too_many_keys_on_cpu);
  return g_test_run ();
}
