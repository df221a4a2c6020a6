/* animation.h — rendering a clip's frames with the model.
 *
 * A frame between keyframes A and B (weight alpha, media/clip.h) starts
 * from the slerp of their seeds' noise and is denoised under the linear
 * blend of their fused conditioning (context, pooled vector, sketch input,
 * and the negative prompt's branch), with the clip's steps, guidance,
 * sampler and the seed of A; image-to-image keyframes blend their init
 * images too. A frame at a keyframe is exactly the image at_engine_generate
 * makes for that keyframe alone. Contexts of different lengths (prompts of
 * different word counts) are blended after padding the shorter with copies
 * of its first token, the fusion's "nothing" token.
 *
 * Frames are made at the model's size, in order; a clip of another size
 * then takes each through the engine's upscale stage (the learned refiner
 * where the model has one, with the sketch of the nearer keyframe; sizes
 * between the stage's are reduced from the next larger). An AtAnimator
 * keeps every frame
 * it made, keyed by what the frame depends on (the two keyframes' content,
 * alpha and the clip's parameters, not keyframe times' other frames), so
 * rendering again after changing one keyframe redoes only the frames that
 * blend it (refined frames too, per size). Held frames (after the last keyframe, or between two equal
 * keyframes) reuse one image.
 *
 * Smoothness is measured on the model-size frames as the mean absolute
 * difference of consecutive frames (0–255 a channel): the largest such
 * step, against the difference between the first and last frames.
 *
 * The animator and the AtAnimation it returns belong to the caller; the
 * engine must outlive the animator. Renders run on the calling thread,
 * one at a time per animator.
 */
#pragma once

#include "engine.h"
#include "media/clip.h"

G_BEGIN_DECLS

typedef struct {
  guint frame, n_frames;      /* 0-based frame being made */
  int step, n_steps;          /* steps done in this frame (0 for a frame from the cache) */
  guint to_render;            /* frames the model must make in this run */
  guint rendered;             /* of which done */
  double elapsed_ms;
  double remaining_ms;        /* estimate for the rest of the clip */
} AtAnimationProgress;

typedef void (*AtAnimationProgressFunc) (const AtAnimationProgress *progress, gpointer user_data);

typedef struct {
  GPtrArray *frames;          /* AtImage* at the model's size, one per frame */
  GPtrArray *refined;         /* AtImage* at the clip's size from the engine's upscale
                               * stage (the learned refiner), or NULL when the clip
                               * is at the model's size */
  int fps;
  int size;                   /* the clip's side */
  guint rendered;             /* frames the model made in this run */
  guint reused;               /* frames taken from the animator's cache */
  double max_step;            /* largest mean absolute difference of consecutive frames */
  double mean_step;
  double end_to_end;          /* mean absolute difference of the first and last frames */
  double render_ms;
} AtAnimation;

void at_animation_free (AtAnimation *animation);
/* Frame index at the clip's size (refined, or the model's frame). Caller frees. */
AtImage *at_animation_frame (const AtAnimation *animation, guint index);
/* Frame index at its best resolution, for a camera to crop from. */
const AtImage *at_animation_source (const AtAnimation *animation, guint index);
/* Mean absolute difference of two images of one size, 0–255. */
double at_animation_frame_diff (const AtImage *a, const AtImage *b);

typedef struct _AtAnimator AtAnimator;

/* params: the generation settings every frame shares (steps, guidance,
 * sampler, negative prompt, strength for init images); its prompt,
 * sketch, init and seed are ignored. Copied. */
AtAnimator *at_animator_new (AtEngine *engine, const AtRequest *params);
void at_animator_free (AtAnimator *animator);

AtAnimation *at_animator_render (AtAnimator *animator, const AtClip *clip, AtAnimationProgressFunc progress,
                                 gpointer progress_data, GCancellable *cancellable, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtAnimation, at_animation_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtAnimator, at_animator_free)

G_END_DECLS
