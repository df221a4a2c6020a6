/* clip.h — a video clip as a timeline of keyframes, and which keyframes
 * each frame blends.
 *
 * A clip lasts `duration` seconds at `fps` frames a second; frame k shows
 * time k / fps. Between two keyframes a frame blends them with weight
 * alpha in [0, 1) (0: the earlier one); before the first keyframe it shows
 * the first, after the last it holds the last. Keyframes are kept in time
 * order; at_clip_validate() says, in words a user can act on, what is wrong
 * with a clip (order, negative or equal times, fps, size, length).
 *
 * An AtClip owns its keyframes and their images; whoever creates one frees
 * it with at_clip_free().
 */
#pragma once

#include <glib.h>

#include "media/image.h"

G_BEGIN_DECLS

#define AT_CLIP_ERROR (at_clip_error_quark ())
GQuark at_clip_error_quark (void);

typedef enum {
  AT_CLIP_ERROR_INVALID,   /* a setting or keyframe out of range or out of order */
  AT_CLIP_ERROR_EMPTY,     /* no keyframes, or nothing to say */
} AtClipError;

/* What a designer can post: small loops and short narrated clips. */
#define AT_CLIP_MIN_SIZE 64
#define AT_CLIP_MAX_SIZE 512
#define AT_CLIP_MIN_FPS 4
#define AT_CLIP_MAX_FPS 30
#define AT_CLIP_MAX_SECONDS 600.0

typedef struct {
  double time;        /* seconds from the clip's start, >= 0 */
  char *prompt;       /* may be NULL when a sketch is given */
  AtImage *sketch;    /* NULL: none */
  AtImage *init;      /* NULL: from noise */
  guint64 seed;
} AtKeyframe;

AtKeyframe *at_keyframe_new (double time, const char *prompt, guint64 seed);
AtKeyframe *at_keyframe_copy (const AtKeyframe *k);
void at_keyframe_free (AtKeyframe *k);
/* A hex digest of everything that shapes the keyframe's picture (prompt,
 * seed, sketch and init pixels; not its time). */
char *at_keyframe_fingerprint (const AtKeyframe *k);

typedef struct {
  GPtrArray *keyframes;   /* AtKeyframe*, owned, in time order */
  int fps;
  int size;               /* output side in pixels */
  double duration;        /* seconds */
} AtClip;

AtClip *at_clip_new (int fps, int size);
void at_clip_free (AtClip *clip);
AtClip *at_clip_copy (const AtClip *clip);
/* Takes k. */
void at_clip_add (AtClip *clip, AtKeyframe *k);
gboolean at_clip_validate (const AtClip *clip, GError **error);

/* round(duration × fps), at least 1. */
guint at_clip_n_frames (const AtClip *clip);

/* Which keyframes frame `index` blends: *a and *b (indices into
 * keyframes, equal when it shows one) and the weight of b. */
void at_clip_frame_blend (const AtClip *clip, guint index, guint *a, guint *b, double *alpha);

/* Sketch replay: keyframe i shows sketches[i] (the drawing after its
 * first strokes, in order) with one prompt and seed, step seconds apart;
 * the clip holds the last, finished drawing for `hold` seconds. Takes
 * nothing; the sketches are copied. */
AtClip *at_clip_new_replay (GPtrArray *sketches, const char *prompt, guint64 seed, int fps, int size,
                            double step, double hold);

/* Which stroke counts a replay of n_strokes shows when it may have at
 * most max_keys keyframes: evenly spread, always ending on n_strokes.
 * Returns *n_counts values (1 ≤ count ≤ n_strokes, increasing). */
guint *at_replay_stroke_counts (guint n_strokes, guint max_keys, guint *n_counts);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtKeyframe, at_keyframe_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtClip, at_clip_free)

G_END_DECLS
