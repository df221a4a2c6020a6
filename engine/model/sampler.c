/* sampler.c — Euler, Heun, DPM-Solver++(2M) and Euler ancestral for a
 * rectified flow x_t = (1 - t) x0 + t noise with velocity v = noise - x0. */
#define G_LOG_DOMAIN "atelier-model"

#include <math.h>
#include <string.h>

#include "model/sampler.h"

float *
at_sampler_schedule (int n_steps, float t_start)
{
  float *ts = g_new (float, n_steps + 1);
  for (int i = 0; i <= n_steps; i++)
    ts[i] = t_start * (1.0f - (float) i / n_steps);
  return ts;
}

typedef struct {
  guint32 s[4];
} Xoshiro;

static guint32
rotl (guint32 x, int k)
{
  return (x << k) | (x >> (32 - k));
}

static guint32
xoshiro_next (Xoshiro *r)
{
  guint32 result = rotl (r->s[1] * 5, 7) * 9;
  guint32 t = r->s[1] << 9;
  r->s[2] ^= r->s[0];
  r->s[3] ^= r->s[1];
  r->s[1] ^= r->s[2];
  r->s[0] ^= r->s[3];
  r->s[2] ^= t;
  r->s[3] = rotl (r->s[3], 11);
  return result;
}

/* splitmix64 spreads the seed over the state, as xoshiro's authors advise */
static void
xoshiro_seed (Xoshiro *r, guint64 seed)
{
  for (int i = 0; i < 2; i++)
    {
      guint64 z = (seed += 0x9e3779b97f4a7c15ull);
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      z ^= z >> 31;
      r->s[2 * i] = (guint32) z;
      r->s[2 * i + 1] = (guint32) (z >> 32);
    }
}

void
at_sampler_noise (guint64 seed, float *out, gsize n)
{
  Xoshiro r;
  xoshiro_seed (&r, seed);
  for (gsize i = 0; i < n; i += 2)
    {
      /* uniform in (0, 1], never 0, so the log is finite */
      double u1 = (xoshiro_next (&r) + 1.0) / 4294967296.0;
      double u2 = xoshiro_next (&r) / 4294967296.0;
      double radius = sqrt (-2.0 * log (u1));
      out[i] = radius * cos (2.0 * G_PI * u2);
      if (i + 1 < n)
        out[i + 1] = radius * sin (2.0 * G_PI * u2);
    }
}

/* log(alpha / sigma) of the flow at t, with alpha = 1 - t, sigma = t. */
static double
lambda (double t)
{
  return log ((1.0 - t) / t);
}

typedef struct {
  AtSamplerKind kind;
  gsize n;
  float *v, *v2, *x0, *x0_prev, *tmp, *z;
  gboolean have_prev;
  double lambda_prev;
  Xoshiro rng;
} State;

static void
x0_from_v (const float *x, const float *v, float t, float *x0, gsize n)
{
  for (gsize i = 0; i < n; i++)
    x0[i] = x[i] - t * v[i];
}

/* One step from t0 to t1 of the chosen method; v holds v(x, t0). */
static gboolean
step (State *s, float *x, float t0, float t1, int index, AtDenoiseFunc denoise, gpointer data,
      GError **error)
{
  gsize n = s->n;
  x0_from_v (x, s->v, t0, s->x0, n);
  switch (s->kind)
    {
    case AT_SAMPLER_EULER:
      for (gsize i = 0; i < n; i++)
        x[i] += (t1 - t0) * s->v[i];
      break;
    case AT_SAMPLER_HEUN:
      for (gsize i = 0; i < n; i++)
        s->tmp[i] = x[i] + (t1 - t0) * s->v[i];
      if (t1 > 0.0f)
        {
          if (!denoise (s->tmp, t1, index, s->v2, data, error))
            return FALSE;
          for (gsize i = 0; i < n; i++)
            s->tmp[i] = x[i] + (t1 - t0) * 0.5f * (s->v[i] + s->v2[i]);
        }
      memcpy (x, s->tmp, n * sizeof (float));
      break;
    case AT_SAMPLER_DPMPP_2M:
      if (t1 <= 0.0f)
        memcpy (x, s->x0, n * sizeof (float));
      else if (!s->have_prev || t0 >= 1.0f)
        for (gsize i = 0; i < n; i++)   /* first order (DDIM), exact at t0 = 1 */
          x[i] = (t1 / t0) * x[i] + (1.0f - t1 / t0) * s->x0[i];
      else
        {
          double h = lambda (t1) - lambda (t0);
          double r = (lambda (t0) - s->lambda_prev) / h;
          double c = (1.0 - t1) * (1.0 - exp (-h));
          for (gsize i = 0; i < n; i++)
            {
              double d = (1.0 + 1.0 / (2.0 * r)) * s->x0[i] - (1.0 / (2.0 * r)) * s->x0_prev[i];
              x[i] = (t1 / t0) * x[i] + c * d;
            }
        }
      if (t0 < 1.0f)
        {
          memcpy (s->x0_prev, s->x0, n * sizeof (float));
          s->lambda_prev = lambda (t0);
          s->have_prev = TRUE;
        }
      break;
    case AT_SAMPLER_EULER_A:
      {
        /* Deterministic part to t1, then swap a share eta of the noise for
         * fresh noise: x_t1 = (1-t1) x0 + t1 (sqrt(1-eta²) eps + eta z). */
        double eta = t0 > 0 ? sqrt (MAX (0.0, 1.0 - (t1 / t0) * (t1 / t0))) : 0.0;
        double keep = sqrt (1.0 - eta * eta);
        for (gsize i = 0; i < n; i += 2)
          {
            double u1 = (xoshiro_next (&s->rng) + 1.0) / 4294967296.0;
            double u2 = xoshiro_next (&s->rng) / 4294967296.0;
            double radius = sqrt (-2.0 * log (u1));
            s->z[i] = radius * cos (2.0 * G_PI * u2);
            if (i + 1 < n)
              s->z[i + 1] = radius * sin (2.0 * G_PI * u2);
          }
        for (gsize i = 0; i < n; i++)
          {
            double eps = x[i] + (1.0 - t0) * s->v[i];
            x[i] = (1.0 - t1) * s->x0[i] + t1 * (keep * eps + eta * s->z[i]);
          }
      }
      break;
    default:
      g_assert_not_reached ();
    }
  return TRUE;
}

/* x at time t (or an x0 prediction, with t = 0) pulled onto the known image. */
static void
blend (const AtSamplerBlend *bl, float t, float *x, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      float target = (1.0f - t) * bl->known[i] + t * bl->noise[i];
      x[i] = (1.0f - bl->keep[i]) * x[i] + bl->keep[i] * target;   /* exact at keep 0 and 1 */
    }
}

gboolean
at_sampler_run_blended (AtSamplerKind kind, const float *ts, int n_steps, float *x, gsize n,
                        guint64 seed, const AtSamplerBlend *blends, guint n_blends,
                        AtDenoiseFunc denoise, AtStepFunc on_step, gpointer data,
                        GCancellable *cancellable, GError **error)
{
  State s = { .kind = kind, .n = n };
  float *buffers = g_new0 (float, 7 * n);
  s.v = buffers;
  s.v2 = buffers + n;
  s.x0 = buffers + 2 * n;
  s.x0_prev = buffers + 3 * n;
  s.tmp = buffers + 4 * n;
  s.z = buffers + 5 * n;
  float *preview = buffers + 6 * n;
  xoshiro_seed (&s.rng, seed ^ 0x5eed5eed5eed5eedull);
  gboolean ok = TRUE;
  for (int i = 0; ok && i < n_steps; i++)
    {
      ok = !g_cancellable_set_error_if_cancelled (cancellable, error) &&
           denoise (x, ts[i], i, s.v, data, error) &&
           step (&s, x, ts[i], ts[i + 1], i, denoise, data, error);
      if (!ok)
        break;
      for (guint b = 0; b < n_blends; b++)
        if (ts[i + 1] >= blends[b].min_t)
          blend (&blends[b], ts[i + 1], x, n);
      if (on_step == NULL)
        continue;
      if (ts[i + 1] > 0 && n_blends > 0)
        {
          /* the preview shows the known region as the result will */
          memcpy (preview, s.x0, n * sizeof (float));
          for (guint b = 0; b < n_blends; b++)
            if (ts[i + 1] >= blends[b].min_t)
              blend (&blends[b], 0.0f, preview, n);
          on_step (i + 1, n_steps, preview, data);
        }
      else
        on_step (i + 1, n_steps, ts[i + 1] > 0 ? s.x0 : x, data);
    }
  g_free (buffers);
  return ok;
}

gboolean
at_sampler_run (AtSamplerKind kind, const float *ts, int n_steps, float *x, gsize n, guint64 seed,
                AtDenoiseFunc denoise, AtStepFunc on_step, gpointer data, GCancellable *cancellable,
                GError **error)
{
  return at_sampler_run_blended (kind, ts, n_steps, x, n, seed, NULL, 0, denoise, on_step, data,
                                 cancellable, error);
}
