/* animation.c — a clip's frames from blended keyframes (see animation.h). */
#define G_LOG_DOMAIN "atelier-engine"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "animation.h"
#include "frame.h"
#include "media/blend.h"
#include "shapes/shape-prior.h"
#include "upscale.h"

struct _AtAnimator {
  AtEngine *engine;
  AtRequest *params;
  char *params_key;
  AtFrameRenderer *renderer;
  GHashTable *embeddings;   /* keyframe fingerprint -> AtEmbedding */
  GHashTable *frames;       /* frame key -> AtImage at the model's size */
  GHashTable *refined;      /* frame key|size -> AtImage at that size */
};

/* Everything in params that shapes every frame. */
static char *
params_key (const AtRequest *p)
{
  char guidance[G_ASCII_DTOSTR_BUF_SIZE], strength[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (guidance, sizeof guidance, "%.9g", p->guidance);
  g_ascii_formatd (strength, sizeof strength, "%.9g", p->strength);
  g_autofree char *text = g_strdup_printf ("%d|%s|%d|%s|%s|%s", p->steps, guidance, p->sampler, strength,
                                           p->negative != NULL ? p->negative : "", p->shape != NULL ? p->shape : "");
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

AtAnimator *
at_animator_new (AtEngine *engine, const AtRequest *params)
{
  g_return_val_if_fail (engine != NULL && params != NULL, NULL);
  AtAnimator *a = g_new0 (AtAnimator, 1);
  a->engine = engine;
  a->params = at_request_copy (params);
  a->params_key = params_key (params);
  a->renderer = at_frame_renderer_new (engine);
  a->embeddings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) at_embedding_free);
  a->frames = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) at_image_free);
  a->refined = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) at_image_free);
  return a;
}

void
at_animator_free (AtAnimator *a)
{
  if (a == NULL)
    return;
  at_request_free (a->params);
  g_free (a->params_key);
  at_frame_renderer_free (a->renderer);
  g_hash_table_unref (a->embeddings);
  g_hash_table_unref (a->frames);
  g_hash_table_unref (a->refined);
  g_free (a);
}

void
at_animation_free (AtAnimation *animation)
{
  if (animation == NULL)
    return;
  g_ptr_array_unref (animation->frames);
  g_clear_pointer (&animation->refined, g_ptr_array_unref);
  g_free (animation);
}

const AtImage *
at_animation_source (const AtAnimation *animation, guint index)
{
  g_return_val_if_fail (index < animation->frames->len, NULL);
  return animation->refined != NULL ? animation->refined->pdata[index] : animation->frames->pdata[index];
}

AtImage *
at_animation_frame (const AtAnimation *animation, guint index)
{
  const AtImage *src = at_animation_source (animation, index);
  if ((int) src->width == animation->size && (int) src->height == animation->size)
    return at_image_copy (src);
  return at_image_resize (src, animation->size, animation->size, AT_IMAGE_FILTER_BILINEAR);
}

/* The smallest size the upscale stage makes that is at least size. */
static int
refine_size (int size)
{
  for (int s = size; s <= AT_CLIP_MAX_SIZE; s++)
    if (at_upscale_size_is_valid (s))
      return s;
  return size;
}

/* A model-size frame at the clip's size through the engine's upscale
 * stage (reduced by area when the clip's size is between its sizes),
 * kept in the animator's cache under its frame key. */
static AtImage *
refined_frame (AtAnimator *an, const char *key, const AtImage *frame, const AtImage *sketch, int size,
               GCancellable *cancellable, GError **error)
{
  g_autofree char *rkey = g_strdup_printf ("%s|%d", key, size);
  AtImage *img = g_hash_table_lookup (an->refined, rkey);
  if (img != NULL)
    return img;
  img = at_engine_upscale (an->engine, frame, sketch, refine_size (size), AT_BACKGROUND_WHITE, cancellable, error);
  if (img == NULL)
    return NULL;
  if ((int) img->width != size)
    {
      AtImage *reduced = at_image_resize (img, size, size, AT_IMAGE_FILTER_BILINEAR);
      at_image_free (img);
      img = reduced;
    }
  g_hash_table_insert (an->refined, g_steal_pointer (&rkey), img);
  return img;
}

double
at_animation_frame_diff (const AtImage *a, const AtImage *b)
{
  g_return_val_if_fail (at_image_get_nbytes (a) == at_image_get_nbytes (b), 0.0);
  gsize n = at_image_get_nbytes (a);
  guint64 sum = 0;
  for (gsize i = 0; i < n; i++)
    sum += abs ((int) a->pixels[i] - (int) b->pixels[i]);
  return n > 0 ? (double) sum / n : 0.0;
}

/* One frame's plan: which keyframes, how much of the second, and the key
 * of its picture in the cache. */
typedef struct {
  guint a, b;
  double alpha;
  char *key;
} FramePlan;

static void
frame_plan_clear (FramePlan *p)
{
  g_free (p->key);
}

static GArray *
plan_frames (AtAnimator *an, const AtClip *clip)
{
  guint n_keys = clip->keyframes->len, n = at_clip_n_frames (clip);
  g_auto (GStrv) prints = g_new0 (char *, n_keys + 1);
  for (guint i = 0; i < n_keys; i++)
    prints[i] = at_keyframe_fingerprint (clip->keyframes->pdata[i]);
  GArray *plan = g_array_sized_new (FALSE, TRUE, sizeof (FramePlan), n);
  g_array_set_clear_func (plan, (GDestroyNotify) frame_plan_clear);
  for (guint k = 0; k < n; k++)
    {
      FramePlan p = { 0 };
      at_clip_frame_blend (clip, k, &p.a, &p.b, &p.alpha);
      /* two equal keyframes blend to the first: a hold */
      if (p.alpha == 0.0 || g_str_equal (prints[p.a], prints[p.b]))
        p.b = p.a, p.alpha = 0.0;
      p.key = p.alpha == 0.0 ? g_strdup_printf ("%s|%s", an->params_key, prints[p.a])
                             : g_strdup_printf ("%s|%s|%s|%.9f", an->params_key, prints[p.a], prints[p.b], p.alpha);
      g_array_append_val (plan, p);
    }
  return plan;
}

static const AtEmbedding *
keyframe_embedding (AtAnimator *an, const AtKeyframe *k, GError **error)
{
  g_autofree char *print = at_keyframe_fingerprint (k);
  AtEmbedding *e = g_hash_table_lookup (an->embeddings, print);
  if (e == NULL)
    {
      g_autoptr (AtRequest) r = at_request_copy (an->params);
      g_free (r->prompt);
      r->prompt = g_strdup (k->prompt);
      g_clear_pointer (&r->sketch, at_image_free);
      g_clear_pointer (&r->init, at_image_free);
      r->sketch = k->sketch != NULL ? at_image_copy (k->sketch) : NULL;
      r->seed = k->seed;
      /* a keyframe without a sketch follows its prompt's shape, as a still does */
      GError *shape_error = NULL;
      g_autofree char *note = NULL;
      AtRequest *shaped = at_shape_prior_apply (r, at_engine_get_native_size (an->engine), &note, &shape_error);
      if (shape_error != NULL)
        {
          g_propagate_error (error, shape_error);
          return NULL;
        }
      if (shaped != NULL)
        {
          at_request_free (r);
          r = shaped;
        }
      if ((e = at_engine_embed (an->engine, r, error)) == NULL)
        return NULL;
      g_hash_table_insert (an->embeddings, g_steal_pointer (&print), e);
    }
  return e;
}

/* ctx with `tokens` rows: its own, then copies of its first (null) token. */
static float *
padded_context (const float *ctx, int have, int tokens, int width)
{
  float *out = g_new (float, (gsize) tokens * width);
  memcpy (out, ctx, sizeof (float) * have * width);
  for (int t = have; t < tokens; t++)
    memcpy (out + (gsize) t * width, ctx, sizeof (float) * width);
  return out;
}

static void
blend_context (const float *a, int na, const float *b, int nb, int width, double alpha, float **out, int *n)
{
  *n = MAX (na, nb);
  g_autofree float *pa = padded_context (a, na, *n, width);
  g_autofree float *pb = padded_context (b, nb, *n, width);
  *out = g_new (float, (gsize) *n * width);
  at_blend_lerp (pa, pb, alpha, *out, (gsize) *n * width);
}

static AtEmbedding *
blend_embeddings (const AtEmbedding *a, const AtEmbedding *b, double alpha)
{
  if (alpha == 0.0)
    return at_embedding_copy (a);
  AtEmbedding *e = g_memdup2 (a, sizeof *a);
  blend_context (a->ctx, a->tokens, b->ctx, b->tokens, a->width, alpha, &e->ctx, &e->tokens);
  blend_context (a->ctx_uncond, a->uncond_tokens, b->ctx_uncond, b->uncond_tokens, a->width, alpha,
                 &e->ctx_uncond, &e->uncond_tokens);
  e->pooled = g_new (float, a->pooled_dim);
  at_blend_lerp (a->pooled, b->pooled, alpha, e->pooled, a->pooled_dim);
  e->pooled_uncond = g_new (float, a->pooled_dim);
  at_blend_lerp (a->pooled_uncond, b->pooled_uncond, alpha, e->pooled_uncond, a->pooled_dim);
  e->sketch = g_new (float, (gsize) a->size * a->size);
  at_blend_lerp (a->sketch, b->sketch, alpha, e->sketch, (gsize) a->size * a->size);
  return e;
}

/* An init image as the model takes it: RGB at its size, planar [-1, 1]. */
static float *
init_values (const AtImage *init, int size)
{
  g_autoptr (AtImage) rgb = at_image_convert (init, 3);
  g_autoptr (AtImage) small = at_image_resize (rgb, size, size, AT_IMAGE_FILTER_BILINEAR);
  return at_image_to_chw_new (small);
}

/* The starting x: slerped noise, over blended init images when given. */
static float *
start_x (AtAnimator *an, const AtKeyframe *ka, const AtKeyframe *kb, double alpha, int size, float t0)
{
  gsize n = at_engine_get_latent_len (an->engine);
  float *x = g_new (float, n);
  at_sampler_noise (ka->seed, x, n);
  if (alpha > 0.0)
    {
      g_autofree float *nb = g_new (float, n);
      at_sampler_noise (kb->seed, nb, n);
      at_blend_slerp (x, nb, alpha, x, n);
    }
  if (ka->init == NULL)
    return x;
  g_autofree float *ia = init_values (ka->init, size);
  g_autofree float *ib = init_values (kb->init, size);
  at_blend_lerp (ia, ib, alpha, ia, n);
  for (gsize i = 0; i < n; i++)
    x[i] = (1.0f - t0) * ia[i] + t0 * x[i];
  return x;
}

typedef struct {
  AtAnimationProgress p;
  AtAnimationProgressFunc func;
  gpointer data;
  gint64 start_us;
  double rendered_ms;     /* time spent in frames the model made */
} Progress;

static void
report (Progress *pr, int step, int n_steps)
{
  if (pr->func == NULL)
    return;
  pr->p.step = step;
  pr->p.n_steps = n_steps;
  pr->p.elapsed_ms = (g_get_monotonic_time () - pr->start_us) / 1000.0;
  double done = pr->p.rendered + (n_steps > 0 ? (double) step / n_steps : 0.0);
  double left = pr->p.to_render - done;
  pr->p.remaining_ms = done > 0 ? pr->p.elapsed_ms / done * left : 0.0;
  pr->func (&pr->p, pr->data);
}

static void
step_cb (int step, int n_steps, const float *x0_pred, gpointer data)
{
  report (data, step, n_steps);
}

static AtImage *
render_frame (AtAnimator *an, const AtClip *clip, const FramePlan *p, Progress *pr,
              GCancellable *cancellable, GError **error)
{
  const AtKeyframe *ka = clip->keyframes->pdata[p->a], *kb = clip->keyframes->pdata[p->b];
  const AtEmbedding *ea = keyframe_embedding (an, ka, error);
  const AtEmbedding *eb = ea != NULL ? keyframe_embedding (an, kb, error) : NULL;
  if (eb == NULL)
    return NULL;
  g_autoptr (AtEmbedding) e = blend_embeddings (ea, eb, p->alpha);
  float t0 = ka->init != NULL ? an->params->strength : 1.0f;
  g_autofree float *x = start_x (an, ka, kb, p->alpha, ea->size, t0);
  g_autoptr (AtRequest) r = at_request_copy (an->params);
  r->seed = ka->seed;
  return at_frame_renderer_run (an->renderer, r, e, x, t0, step_cb, pr, cancellable, error);
}

static guint
count_missing (AtAnimator *an, GArray *plan)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint k = 0; k < plan->len; k++)
    {
      const char *key = g_array_index (plan, FramePlan, k).key;
      if (!g_hash_table_contains (an->frames, key))
        g_hash_table_add (seen, (gpointer) key);
    }
  return g_hash_table_size (seen);
}

/* Forgets what the last render did not use, so the caches stay the size
 * of one clip. */
static void
keep_only (GHashTable *cache, GHashTable *used)
{
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init (&it, cache);
  while (g_hash_table_iter_next (&it, &key, NULL))
    if (!g_hash_table_contains (used, key))
      g_hash_table_iter_remove (&it);
}

static void
measure_smoothness (AtAnimation *an)
{
  GPtrArray *f = an->frames;
  double sum = 0;
  for (guint k = 1; k < f->len; k++)
    {
      double d = at_animation_frame_diff (f->pdata[k - 1], f->pdata[k]);
      an->max_step = MAX (an->max_step, d);
      sum += d;
    }
  an->mean_step = f->len > 1 ? sum / (f->len - 1) : 0.0;
  an->end_to_end = at_animation_frame_diff (f->pdata[0], f->pdata[f->len - 1]);
}

/* The frames at the clip's size through the upscale stage, each with the
 * sketch of the keyframe it is closer to (NULL for none). Refined frames
 * of other clips leave the cache. */
static gboolean
refine_frames (AtAnimator *an, const AtClip *clip, GArray *plan, AtAnimation *anim, GCancellable *cancellable,
               GError **error)
{
  g_autoptr (GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (clip->size != at_engine_get_native_size (an->engine))
    {
      anim->refined = g_ptr_array_new_with_free_func ((GDestroyNotify) at_image_free);
      for (guint k = 0; k < plan->len; k++)
        {
          const FramePlan *p = &g_array_index (plan, FramePlan, k);
          const AtKeyframe *near = clip->keyframes->pdata[p->alpha < 0.5 ? p->a : p->b];
          AtImage *img = refined_frame (an, p->key, anim->frames->pdata[k], near->sketch, clip->size, cancellable,
                                        error);
          if (img == NULL)
            return FALSE;
          g_ptr_array_add (anim->refined, at_image_copy (img));
          g_hash_table_add (used, g_strdup_printf ("%s|%d", p->key, clip->size));
        }
    }
  keep_only (an->refined, used);
  return TRUE;
}

AtAnimation *
at_animator_render (AtAnimator *an, const AtClip *clip, AtAnimationProgressFunc progress,
                    gpointer progress_data, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (an != NULL && clip != NULL, NULL);
  if (!at_clip_validate (clip, error))
    return NULL;
  g_autoptr (GArray) plan = plan_frames (an, clip);
  g_autoptr (GHashTable) used_frames = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) used_embeddings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (AtAnimation) anim = g_new0 (AtAnimation, 1);
  anim->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) at_image_free);
  anim->fps = clip->fps;
  anim->size = clip->size;
  Progress pr = { .func = progress, .data = progress_data, .start_us = g_get_monotonic_time () };
  pr.p.n_frames = plan->len;
  pr.p.to_render = count_missing (an, plan);
  for (guint k = 0; k < plan->len; k++)
    {
      const FramePlan *p = &g_array_index (plan, FramePlan, k);
      pr.p.frame = k;
      AtImage *img = g_hash_table_lookup (an->frames, p->key);
      if (img == NULL)
        {
          if ((img = render_frame (an, clip, p, &pr, cancellable, error)) == NULL)
            return NULL;
          g_hash_table_insert (an->frames, g_strdup (p->key), img);
          anim->rendered++;
          pr.p.rendered++;
        }
      else
        {
          anim->reused++;
          report (&pr, 0, 0);
        }
      g_hash_table_add (used_frames, g_strdup (p->key));
      g_ptr_array_add (anim->frames, at_image_copy (img));
    }
  /* the embeddings of this clip's keyframes stay, whether used or not */
  for (guint i = 0; i < clip->keyframes->len; i++)
    g_hash_table_add (used_embeddings, at_keyframe_fingerprint (clip->keyframes->pdata[i]));
  if (!refine_frames (an, clip, plan, anim, cancellable, error))
    return NULL;
  keep_only (an->frames, used_frames);
  keep_only (an->embeddings, used_embeddings);
  measure_smoothness (anim);
  anim->render_ms = (g_get_monotonic_time () - pr.start_us) / 1000.0;
  return g_steal_pointer (&anim);
}
