/* test-animation.c — keyframe clips with the built-in model: blending
 * against double-precision references, keyframe frames against the
 * engine's own images, smoothness, the frame cache, cancellation and bad
 * clips. Frames use 2 steps so that lavapipe stays quick.
 *
 * Smoothness bound: a clip from "red apple" to "green apple" over 8 frame
 * steps moves, frame to frame, at most 2.5/8 of the whole change between
 * its first and last frames (an even morph moves 1/8 a step; a cut, or
 * frames from unrelated noise, jump by about all of it at once). Measured
 * on lavapipe: 3.8 of 25.6 (0.15). */
#include <math.h>
#include <string.h>

#include "test-util.h"
#include "animation.h"
#include "engine.h"
#include "frame.h"
#include "media/blend.h"
#include "shapes/shape-prior.h"

static AtEngine *engine;

static AtRequest *
quick_params (void)
{
  AtRequest *r = at_request_new ();
  r->steps = 2;
  r->guidance = 2.0f;   /* both branches, so the negative branch blends too */
  return r;
}

/* --- blending ------------------------------------------------------------ */

/* Slerp the textbook way: the unit vectors u (towards a) and w (the part
 * of b orthogonal to u), rotated by t·theta, scaled to the blended norm. */
static void
slerp_reference (const float *a, const float *b, double t, double *out, gsize n)
{
  double na = 0, nb = 0, dot = 0;
  for (gsize i = 0; i < n; i++)
    na += (double) a[i] * a[i], nb += (double) b[i] * b[i];
  na = sqrt (na), nb = sqrt (nb);
  for (gsize i = 0; i < n; i++)
    dot += (a[i] / na) * (b[i] / nb);
  double theta = acos (dot), wn = 0;
  g_autofree double *w = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    {
      w[i] = b[i] / nb - dot * a[i] / na;
      wn += w[i] * w[i];
    }
  wn = sqrt (wn);
  for (gsize i = 0; i < n; i++)
    out[i] = ((1 - t) * na + t * nb) * (cos (t * theta) * a[i] / na + sin (t * theta) * w[i] / wn);
}

static void
test_slerp_matches_reference (void)
{
  const gsize n = 3 * 64 * 64;
  g_autofree float *a = g_new (float, n), *b = g_new (float, n), *got = g_new (float, n);
  g_autofree double *want = g_new (double, n);
  at_sampler_noise (1, a, n);
  at_sampler_noise (2, b, n);
  for (int k = 0; k <= 8; k++)
    {
      double t = k / 8.0;
      at_blend_slerp (a, b, t, got, n);
      slerp_reference (a, b, t, want, n);
      for (gsize i = 0; i < n; i++)
        g_assert_cmpfloat_with_epsilon (got[i], want[i], 1e-4);
    }
  /* the ends are the inputs themselves */
  at_blend_slerp (a, b, 0.0, got, n);
  g_assert_cmpmem (got, n * sizeof (float), a, n * sizeof (float));
  /* parallel vectors blend linearly */
  at_blend_slerp (a, a, 0.3, got, n);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat_with_epsilon (got[i], a[i], 1e-5);
}

/* --- clips ----------------------------------------------------------------- */

static AtClip *
apple_clip (int fps)
{
  AtClip *clip = at_clip_new (fps, 64);
  at_clip_add (clip, at_keyframe_new (0.0, "red apple", 7));
  at_clip_add (clip, at_keyframe_new (1.0, "green apple", 7));
  clip->duration = 1.0 + 1.0 / fps;   /* the last frame sits on the second keyframe */
  return clip;
}

static AtImage *
generate_alone (const AtKeyframe *k, const AtRequest *params)
{
  g_autoptr (AtRequest) r = at_request_copy (params);
  g_free (r->prompt);
  r->prompt = g_strdup (k->prompt);
  r->seed = k->seed;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtResult) result = at_engine_generate (engine, r, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return at_image_copy (result->images->pdata[0]);
}

static AtAnimation *
render (AtAnimator *animator, const AtClip *clip)
{
  g_autoptr (GError) error = NULL;
  AtAnimation *anim = at_animator_render (animator, clip, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (anim);
  return anim;
}

static void
test_keyframes_are_their_own_images_and_smooth (void)
{
  g_autoptr (AtRequest) params = quick_params ();
  g_autoptr (AtClip) clip = apple_clip (8);
  g_autoptr (AtAnimator) animator = at_animator_new (engine, params);
  g_autoptr (AtAnimation) anim = render (animator, clip);
  g_assert_cmpuint (anim->frames->len, ==, 9);
  g_assert_cmpuint (anim->rendered, ==, 9);

  g_autoptr (AtImage) first = generate_alone (clip->keyframes->pdata[0], params);
  g_autoptr (AtImage) last = generate_alone (clip->keyframes->pdata[1], params);
  AtImage *f0 = anim->frames->pdata[0], *f8 = anim->frames->pdata[8];
  g_assert_cmpfloat (at_animation_frame_diff (f0, first), <=, 0.0);
  g_assert_cmpfloat (at_animation_frame_diff (f8, last), <=, 0.0);

  g_test_message ("red -> green apple, 8 steps: largest step %.2f, mean %.2f, end to end %.2f (0-255)",
                  anim->max_step, anim->mean_step, anim->end_to_end);
  g_assert_cmpfloat (anim->end_to_end, >, 1.0);
  g_assert_cmpfloat (anim->max_step, <=, 2.5 / 8 * anim->end_to_end);

  /* at the clip's size through the engine's upscale stage (the refiner),
   * from the frames already made */
  clip->size = 128;
  g_autoptr (AtAnimation) big = render (animator, clip);
  g_assert_cmpuint (big->rendered, ==, 0);
  g_autoptr (AtImage) big0 = at_animation_frame (big, 0);
  g_assert_cmpuint (big0->width, ==, 128);
  g_assert_cmpuint (big0->height, ==, 128);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtImage) refined = at_engine_upscale (engine, big->frames->pdata[0], NULL, 128, AT_BACKGROUND_WHITE,
                                                   NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (at_animation_frame_diff (big0, refined), <=, 0.0);
  /* a size between the stage's: the next larger, reduced */
  clip->size = 200;
  g_autoptr (AtAnimation) odd = render (animator, clip);
  g_autoptr (AtImage) odd0 = at_animation_frame (odd, 0);
  g_autoptr (AtImage) at256 = at_engine_upscale (engine, odd->frames->pdata[0], NULL, 256, AT_BACKGROUND_WHITE, NULL,
                                                 &error);
  g_autoptr (AtImage) reduced = at_image_resize (at256, 200, 200, AT_IMAGE_FILTER_BILINEAR);
  g_assert_cmpuint (odd0->width, ==, 200);
  g_assert_cmpfloat (at_animation_frame_diff (odd0, reduced), <=, 0.0);
}

/* A keyframe without a sketch follows its prompt's shape (the shape
 * prior's drawing, as a still gets it; frames condition every step on
 * their sketch, so the still here does too), and not without it. */
static void
test_shape_prior (void)
{
  g_autoptr (AtRequest) params = quick_params ();
  params->shape = g_strdup ("auto");
  g_autoptr (AtClip) clip = at_clip_new (4, 64);
  at_clip_add (clip, at_keyframe_new (0.0, "red apple", 11));
  clip->duration = 0.25;
  g_autoptr (AtAnimator) animator = at_animator_new (engine, params);
  g_autoptr (AtAnimation) anim = render (animator, clip);
  g_autoptr (AtRequest) alone = at_request_copy (params);
  alone->prompt = g_strdup ("red apple");
  g_autofree char *note = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtRequest) shaped = at_shape_prior_apply (alone, at_engine_get_native_size (engine), &note, &error);
  g_assert_no_error (error);
  g_assert_nonnull (shaped);
  g_assert_cmpstr (shaped->shape, ==, "apple");
  shaped->sketch_strength = 1.0f;
  g_autoptr (AtImage) still = generate_alone (clip->keyframes->pdata[0], shaped);
  g_assert_cmpfloat (at_animation_frame_diff (anim->frames->pdata[0], still), <=, 0.0);

  g_free (params->shape);
  params->shape = g_strdup ("none");
  g_autoptr (AtAnimator) plain = at_animator_new (engine, params);
  g_autoptr (AtAnimation) without = render (plain, clip);
  double diff = at_animation_frame_diff (without->frames->pdata[0], anim->frames->pdata[0]);
  g_test_message ("red apple with and without the shape prior: %.2f (0-255)", diff);
  g_assert_cmpfloat (diff, >, 1.0);
}

/* Which frames blend keyframe `index`, by their times: computed here from
 * the clip's definition rather than from the animator's plan. */
static guint
frames_touching (const AtClip *clip, guint index)
{
  guint n = 0, count = at_clip_n_frames (clip);
  GPtrArray *ks = clip->keyframes;
  double lo = index > 0 ? ((AtKeyframe *) ks->pdata[index - 1])->time : -1.0;
  double hi = index + 1 < ks->len ? ((AtKeyframe *) ks->pdata[index + 1])->time : G_MAXDOUBLE;
  for (guint k = 0; k < count; k++)
    {
      double t = (double) k / clip->fps;
      if (t > lo && t < hi)
        n++;
    }
  return n;
}

static void
test_cache_redoes_only_touched_frames (void)
{
  g_autoptr (AtRequest) params = quick_params ();
  AtClip *clip = at_clip_new (4, 64);
  at_clip_add (clip, at_keyframe_new (0.0, "red apple", 3));
  at_clip_add (clip, at_keyframe_new (1.0, "yellow sun", 3));
  at_clip_add (clip, at_keyframe_new (2.0, "blue house", 3));
  clip->duration = 2.5;
  g_autoptr (AtClip) owned = clip;
  g_autoptr (AtAnimator) animator = at_animator_new (engine, params);
  g_autoptr (AtAnimation) before = render (animator, clip);
  g_assert_cmpuint (before->frames->len, ==, 10);
  /* frames 8 and 9 hold the last keyframe: one image */
  g_assert_cmpuint (before->rendered, ==, 9);

  AtKeyframe *last = clip->keyframes->pdata[2];
  g_free (last->prompt);
  last->prompt = g_strdup ("green tree");
  g_autoptr (AtAnimation) after = render (animator, clip);
  guint touched = frames_touching (clip, 2);
  g_assert_cmpuint (touched, ==, 5);   /* 1.25 s .. 2.25 s */
  /* the held frames share one picture, so one render fewer than touched */
  g_assert_cmpuint (after->rendered, ==, touched - 1);
  for (guint k = 0; k < after->frames->len; k++)
    {
      double t = (double) k / clip->fps;
      double d = at_animation_frame_diff (before->frames->pdata[k], after->frames->pdata[k]);
      if (t <= 1.0)
        g_assert_cmpfloat (d, ==, 0.0);
      else
        g_assert_cmpfloat (d, >, 0.0);
    }
}

typedef struct {
  GCancellable *cancellable;
  guint cancel_at_frame;
  guint last_frame;
  int last_step;
  gboolean sane;
} CancelAt;

static void
cancel_progress (const AtAnimationProgress *p, gpointer data)
{
  CancelAt *c = data;
  c->sane = c->sane && p->frame < p->n_frames && p->rendered <= p->to_render && p->remaining_ms >= 0;
  c->last_frame = p->frame;
  c->last_step = p->step;
  if (p->frame == c->cancel_at_frame && p->step == 1)
    g_cancellable_cancel (c->cancellable);
}

static void
test_cancel_within_a_frame (void)
{
  g_autoptr (AtRequest) params = quick_params ();
  g_autoptr (AtClip) clip = apple_clip (8);
  g_autoptr (AtAnimator) animator = at_animator_new (engine, params);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  CancelAt c = { cancellable, 2, 0, 0, TRUE };
  g_autoptr (GError) error = NULL;
  g_autoptr (AtAnimation) anim = at_animator_render (animator, clip, cancel_progress, &c, cancellable, &error);
  g_assert_null (anim);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (c.sane);
  /* stopped inside frame 2, after its first of two steps */
  g_assert_cmpuint (c.last_frame, ==, 2);
  g_assert_cmpint (c.last_step, ==, 1);
}

/* A white page with the first n of three pen lines. */
static AtImage *
lines_sketch (guint n)
{
  AtImage *img = at_image_new (128, 128, 1);
  memset (img->pixels, 255, at_image_get_nbytes (img));
  for (guint i = 0; i < n; i++)
    memset (img->pixels + (32 + 32 * i) * 128 + 16, 0, 96);
  return img;
}

static void
test_sketch_replay (void)
{
  guint n = 0;
  g_autofree guint *few = at_replay_stroke_counts (3, 24, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpuint (few[0], ==, 1);
  g_assert_cmpuint (few[2], ==, 3);
  g_autofree guint *many = at_replay_stroke_counts (100, 8, &n);
  g_assert_cmpuint (n, ==, 8);
  for (guint i = 1; i < n; i++)
    g_assert_cmpuint (many[i], >, many[i - 1]);
  g_assert_cmpuint (many[n - 1], ==, 100);

  g_autoptr (GPtrArray) sketches = g_ptr_array_new_with_free_func ((GDestroyNotify) at_image_free);
  for (guint i = 1; i <= 3; i++)
    g_ptr_array_add (sketches, lines_sketch (i));
  g_autoptr (AtClip) clip = at_clip_new_replay (sketches, "blue house", 9, 4, 64, 0.5, 0.25);
  g_assert_cmpuint (at_clip_n_frames (clip), ==, 5);
  g_autoptr (AtRequest) params = quick_params ();
  g_autoptr (AtAnimator) animator = at_animator_new (engine, params);
  g_autoptr (AtAnimation) anim = render (animator, clip);
  /* frames 0, 2 and 4 sit on the keyframes: the drawing after 1, 2 and 3
   * strokes, generated alone with the same prompt and seed */
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (AtRequest) r = at_request_copy (params);
      r->prompt = g_strdup ("blue house");
      r->seed = 9;
      r->sketch = lines_sketch (i + 1);
      g_autoptr (GError) error = NULL;
      g_autoptr (AtResult) alone = at_engine_generate (engine, r, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpfloat (at_animation_frame_diff (anim->frames->pdata[2 * i], alone->images->pdata[0]), ==, 0.0);
    }
}

static void
assert_invalid (AtClip *clip, const char *words)
{
  g_autoptr (GError) error = NULL;
  g_assert_false (at_clip_validate (clip, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == AT_CLIP_ERROR);
  if (strstr (error->message, words) == NULL)
    g_error ("\"%s\" does not say \"%s\"", error->message, words);
}

static void
test_bad_clips_are_explained (void)
{
  g_autoptr (AtClip) clip = apple_clip (8);
  g_assert_true (at_clip_validate (clip, NULL));
  ((AtKeyframe *) clip->keyframes->pdata[1])->time = 0.0;
  assert_invalid (clip, "time order");
  ((AtKeyframe *) clip->keyframes->pdata[0])->time = -1.0;
  assert_invalid (clip, "between 0 and");
  ((AtKeyframe *) clip->keyframes->pdata[0])->time = 0.0;
  ((AtKeyframe *) clip->keyframes->pdata[1])->time = 1.0;
  clip->fps = 0;
  assert_invalid (clip, "Frames per second");
  clip->fps = 1000;
  assert_invalid (clip, "Frames per second");
  clip->fps = 8;
  clip->size = 4096;
  assert_invalid (clip, "size");
  clip->size = 64;
  g_ptr_array_set_size (clip->keyframes, 0);
  assert_invalid (clip, "at least one keyframe");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GError) error = NULL;
  engine = at_engine_new (NULL, NULL, &error);
  g_assert_no_error (error);
  g_test_add_func ("/animation/slerp", test_slerp_matches_reference);
  g_test_add_func ("/animation/keyframes-and-smoothness", test_keyframes_are_their_own_images_and_smooth);
  g_test_add_func ("/animation/cache", test_cache_redoes_only_touched_frames);
  g_test_add_func ("/animation/shape-prior", test_shape_prior);
  g_test_add_func ("/animation/cancel", test_cancel_within_a_frame);
  g_test_add_func ("/animation/sketch-replay", test_sketch_replay);
  g_test_add_func ("/animation/bad-clips", test_bad_clips_are_explained);
  int status = g_test_run ();
  at_engine_free (engine);
  return status;
}
