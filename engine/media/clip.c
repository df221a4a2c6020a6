/* clip.c — keyframe timelines. */
#define G_LOG_DOMAIN "atelier-media"

#include <math.h>
#include <string.h>

#include "fail.h"
#include "media/clip.h"

G_DEFINE_QUARK (at-clip-error-quark, at_clip_error)

AtKeyframe *
at_keyframe_new (double time, const char *prompt, guint64 seed)
{
  AtKeyframe *k = g_new0 (AtKeyframe, 1);
  k->time = time;
  k->prompt = g_strdup (prompt);
  k->seed = seed;
  return k;
}

AtKeyframe *
at_keyframe_copy (const AtKeyframe *k)
{
  AtKeyframe *c = at_keyframe_new (k->time, k->prompt, k->seed);
  c->sketch = k->sketch != NULL ? at_image_copy (k->sketch) : NULL;
  c->init = k->init != NULL ? at_image_copy (k->init) : NULL;
  return c;
}

void
at_keyframe_free (AtKeyframe *k)
{
  if (k == NULL)
    return;
  g_free (k->prompt);
  g_clear_pointer (&k->sketch, at_image_free);
  g_clear_pointer (&k->init, at_image_free);
  g_free (k);
}

static void
checksum_image (GChecksum *sum, const char *tag, const AtImage *img)
{
  g_checksum_update (sum, (const guchar *) tag, -1);
  if (img == NULL)
    return;
  guint dims[3] = { img->width, img->height, img->channels };
  g_checksum_update (sum, (const guchar *) dims, sizeof dims);
  g_checksum_update (sum, img->pixels, at_image_get_nbytes (img));
}

char *
at_keyframe_fingerprint (const AtKeyframe *k)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  const char *prompt = k->prompt != NULL ? k->prompt : "";
  g_checksum_update (sum, (const guchar *) prompt, strlen (prompt) + 1);
  g_checksum_update (sum, (const guchar *) &k->seed, sizeof k->seed);
  checksum_image (sum, "sketch", k->sketch);
  checksum_image (sum, "init", k->init);
  return g_strdup (g_checksum_get_string (sum));
}

AtClip *
at_clip_new (int fps, int size)
{
  AtClip *clip = g_new0 (AtClip, 1);
  clip->keyframes = g_ptr_array_new_with_free_func ((GDestroyNotify) at_keyframe_free);
  clip->fps = fps;
  clip->size = size;
  return clip;
}

void
at_clip_free (AtClip *clip)
{
  if (clip == NULL)
    return;
  g_ptr_array_unref (clip->keyframes);
  g_free (clip);
}

AtClip *
at_clip_copy (const AtClip *clip)
{
  AtClip *copy = at_clip_new (clip->fps, clip->size);
  copy->duration = clip->duration;
  for (guint i = 0; i < clip->keyframes->len; i++)
    at_clip_add (copy, at_keyframe_copy (clip->keyframes->pdata[i]));
  return copy;
}

void
at_clip_add (AtClip *clip, AtKeyframe *k)
{
  g_ptr_array_add (clip->keyframes, k);
}

static gboolean
blank (const char *s)
{
  for (; s != NULL && *s; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

#define invalid(error, ...) at_fail (error, AT_CLIP_ERROR, AT_CLIP_ERROR_INVALID, __VA_ARGS__)

gboolean
at_clip_validate (const AtClip *clip, GError **error)
{
  if (clip->keyframes->len == 0)
    {
      g_set_error_literal (error, AT_CLIP_ERROR, AT_CLIP_ERROR_EMPTY,
                           "A clip needs at least one keyframe (a time and a prompt or sketch)");
      return FALSE;
    }
  if (clip->fps < AT_CLIP_MIN_FPS || clip->fps > AT_CLIP_MAX_FPS)
    return invalid (error, "Frames per second must be between %d and %d (got %d)", AT_CLIP_MIN_FPS,
                    AT_CLIP_MAX_FPS, clip->fps);
  if (clip->size < AT_CLIP_MIN_SIZE || clip->size > AT_CLIP_MAX_SIZE)
    return invalid (error, "The clip's size must be between %d and %d pixels (got %d)", AT_CLIP_MIN_SIZE,
                    AT_CLIP_MAX_SIZE, clip->size);
  for (guint i = 0; i < clip->keyframes->len; i++)
    {
      const AtKeyframe *k = clip->keyframes->pdata[i];
      if (!(k->time >= 0.0 && k->time <= AT_CLIP_MAX_SECONDS))
        return invalid (error, "Keyframe %u is at %g s; times must be between 0 and %g seconds", i + 1, k->time,
                        AT_CLIP_MAX_SECONDS);
      if (blank (k->prompt) && k->sketch == NULL)
        return invalid (error, "Keyframe %u at %g s has neither a prompt nor a sketch", i + 1, k->time);
      const AtKeyframe *prev = i > 0 ? clip->keyframes->pdata[i - 1] : NULL;
      if (prev != NULL && k->time <= prev->time)
        return invalid (error, "Keyframe %u (%g s) must come after keyframe %u (%g s): give keyframes in "
                        "time order, each at its own time", i + 1, k->time, i, prev->time);
      if ((k->init == NULL) != (((AtKeyframe *) clip->keyframes->pdata[0])->init == NULL))
        return invalid (error, "Give every keyframe an init image or none of them");
    }
  if (!(clip->duration > 0.0 && clip->duration <= AT_CLIP_MAX_SECONDS))
    return invalid (error, "A clip lasts more than 0 and at most %g seconds (got %g)", AT_CLIP_MAX_SECONDS,
                    clip->duration);
  return TRUE;
}

guint
at_clip_n_frames (const AtClip *clip)
{
  return (guint) MAX (1, lround (clip->duration * clip->fps));
}

void
at_clip_frame_blend (const AtClip *clip, guint index, guint *a, guint *b, double *alpha)
{
  GPtrArray *ks = clip->keyframes;
  double t = (double) index / clip->fps;
  *a = *b = 0;
  *alpha = 0.0;
  for (guint i = 0; i < ks->len; i++)
    {
      const AtKeyframe *k = ks->pdata[i];
      if (k->time > t)
        break;
      *a = *b = i;
      if (i + 1 < ks->len)
        {
          const AtKeyframe *next = ks->pdata[i + 1];
          *b = i + 1;
          *alpha = (t - k->time) / (next->time - k->time);
          if (*alpha <= 0.0 || *alpha >= 1.0)
            *b = i, *alpha = 0.0;
        }
    }
}

AtClip *
at_clip_new_replay (GPtrArray *sketches, const char *prompt, guint64 seed, int fps, int size, double step,
                    double hold)
{
  AtClip *clip = at_clip_new (fps, size);
  for (guint i = 0; i < sketches->len; i++)
    {
      AtKeyframe *k = at_keyframe_new (i * step, prompt, seed);
      k->sketch = at_image_copy (sketches->pdata[i]);
      at_clip_add (clip, k);
    }
  clip->duration = (sketches->len > 0 ? (sketches->len - 1) * step : 0.0) + hold;
  return clip;
}

guint *
at_replay_stroke_counts (guint n_strokes, guint max_keys, guint *n_counts)
{
  guint n = MIN (n_strokes, MAX (max_keys, 1u));
  guint *counts = g_new (guint, MAX (n, 1u));
  for (guint i = 0; i < n; i++)
    counts[i] = (guint) (((guint64) (i + 1) * n_strokes + n - 1) / n);
  *n_counts = n;
  return counts;
}
