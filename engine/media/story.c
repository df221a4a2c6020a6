/* story.c — scenes, narration, keyframes and camera of a told story. */
#define G_LOG_DOMAIN "atelier-media"

#include <math.h>
#include <string.h>

#include "media/story.h"
#include "media/subtitles.h"

/* Silence between two scenes' narration, seconds. */
#define STORY_PAUSE 0.35
/* Longest morph into the next scene, seconds. */
#define STORY_MORPH 0.75
/* The picture after the last word, seconds. */
#define STORY_TAIL 0.5
/* How far the camera zooms over a scene (1.12: a twelfth closer). */
#define STORY_ZOOM 1.12
#define STORY_PAN 0.04

static void
add_trimmed (GPtrArray *out, const char *start, gsize len)
{
  g_autofree char *piece = g_strstrip (g_strndup (start, len));
  if (*piece != '\0')
    g_ptr_array_add (out, g_steal_pointer (&piece));
}

static void
split_sentences (GPtrArray *out, const char *line)
{
  const char *start = line;
  for (const char *p = line; *p; p++)
    if ((*p == '.' || *p == '!' || *p == '?') && (p[1] == '\0' || g_ascii_isspace (p[1])))
      {
        add_trimmed (out, start, p + 1 - start);
        start = p + 1;
      }
  add_trimmed (out, start, strlen (start));
}

GStrv
at_story_split (const char *text)
{
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) raw = g_strsplit (text != NULL ? text : "", "\n", -1);
  for (guint i = 0; raw[i] != NULL; i++)
    add_trimmed (lines, raw[i], strlen (raw[i]));
  if (lines->len > 1)
    {
      g_ptr_array_add (lines, NULL);
      return (GStrv) g_ptr_array_steal (lines, NULL);
    }
  g_autoptr (GPtrArray) sentences = g_ptr_array_new_with_free_func (g_free);
  if (lines->len == 1)
    split_sentences (sentences, lines->pdata[0]);
  g_ptr_array_add (sentences, NULL);
  return (GStrv) g_ptr_array_steal (sentences, NULL);
}

static void
scene_free (AtScene *s)
{
  g_free (s->text);
  g_free (s);
}

void
at_story_free (AtStory *story)
{
  if (story == NULL)
    return;
  g_clear_pointer (&story->scenes, g_ptr_array_unref);
  g_clear_pointer (&story->clip, at_clip_free);
  g_clear_pointer (&story->narration, at_audio_free);
  g_clear_pointer (&story->words, g_ptr_array_unref);
  g_clear_pointer (&story->subtitles, g_ptr_array_unref);
  g_free (story);
}

/* Speaks every scene after the last, a pause between, moving the words'
 * cues to their place in the joined track. */
static gboolean
narrate_scenes (AtStory *story, GStrv texts, const AtNarrationOptions *voice, GCancellable *cancellable,
                GError **error)
{
  g_autoptr (GArray) samples = g_array_new (FALSE, FALSE, sizeof (float));
  int rate = 0;
  for (guint i = 0; texts[i] != NULL; i++)
    {
      g_autoptr (GPtrArray) cues = NULL;
      g_autoptr (AtAudio) speech = at_narrate (texts[i], voice, &cues, cancellable, error);
      if (speech == NULL)
        return FALSE;
      rate = speech->rate;
      if (i > 0)
        g_array_set_size (samples, samples->len + (guint) (STORY_PAUSE * rate));
      gint64 offset_ms = (gint64) samples->len * 1000 / rate;
      AtScene *scene = g_new0 (AtScene, 1);
      scene->text = g_strdup (texts[i]);
      scene->start = (double) samples->len / rate;
      g_array_append_vals (samples, speech->samples, speech->n);
      scene->end = (double) samples->len / rate;
      g_ptr_array_add (story->scenes, scene);
      for (guint w = 0; w < cues->len; w++)
        {
          const AtCue *c = cues->pdata[w];
          g_ptr_array_add (story->words, at_cue_new (c->start_ms + offset_ms, c->end_ms + offset_ms, c->text));
        }
    }
  story->narration = at_audio_new_from ((const float *) samples->data, samples->len, rate);
  return TRUE;
}

/* One keyframe where a scene begins and, when it lasts long enough, one
 * more of the same picture where the morph into the next begins. */
static void
add_keyframes (AtStory *story, guint64 seed)
{
  GPtrArray *scenes = story->scenes;
  for (guint i = 0; i < scenes->len; i++)
    {
      const AtScene *s = scenes->pdata[i];
      double from = i == 0 ? 0.0 : s->start;
      at_clip_add (story->clip, at_keyframe_new (from, s->text, seed));
      if (i + 1 == scenes->len)
        break;
      double next = ((const AtScene *) scenes->pdata[i + 1])->start;
      double morph = MIN (STORY_MORPH, 0.5 * (next - from));
      at_clip_add (story->clip, at_keyframe_new (next - morph, s->text, seed));
    }
}

AtStory *
at_story_new (const char *text, const AtNarrationOptions *voice, int fps, int size, guint64 seed,
              GCancellable *cancellable, GError **error)
{
  g_auto (GStrv) texts = at_story_split (text);
  if (texts[0] == NULL)
    {
      g_set_error_literal (error, AT_CLIP_ERROR, AT_CLIP_ERROR_EMPTY,
                           "The story is empty: give at least one sentence to tell");
      return NULL;
    }
  g_autoptr (AtStory) story = g_new0 (AtStory, 1);
  story->scenes = g_ptr_array_new_with_free_func ((GDestroyNotify) scene_free);
  story->words = at_cue_array_new ();
  if (!narrate_scenes (story, texts, voice, cancellable, error))
    return NULL;
  story->clip = at_clip_new (fps, size);
  story->clip->duration = (double) story->narration->n / story->narration->rate + STORY_TAIL;
  add_keyframes (story, seed);
  if (!at_clip_validate (story->clip, error))
    return NULL;
  gint64 audio_ms = (gint64) story->narration->n * 1000 / story->narration->rate;
  story->subtitles = at_subtitles_group (story->words, AT_SUBTITLE_MAX_CHARS, AT_SUBTITLE_MAX_MS, audio_ms);
  return g_steal_pointer (&story);
}

/* Scenes alternate zooming in and out, and panning right and left, so the
 * camera never jumps where one scene hands over to the next. */
void
at_story_camera (const AtStory *story, double t, double *zoom, double *cx, double *cy)
{
  GPtrArray *scenes = story->scenes;
  guint i = 0;
  while (i + 1 < scenes->len && ((const AtScene *) scenes->pdata[i + 1])->start <= t)
    i++;
  double from = i == 0 ? 0.0 : ((const AtScene *) scenes->pdata[i])->start;
  double to = i + 1 < scenes->len ? ((const AtScene *) scenes->pdata[i + 1])->start : story->clip->duration;
  double p = CLAMP ((t - from) / MAX (to - from, 1e-6), 0.0, 1.0);
  /* ease in and out, so the motion starts and stops gently */
  double e = p * p * (3 - 2 * p);
  double q = i % 2 == 0 ? e : 1 - e;
  *zoom = 1.0 + (STORY_ZOOM - 1.0) * q;
  *cx = 0.5 + STORY_PAN * (q - 0.5);
  *cy = 0.5 - 0.5 * STORY_PAN * (q - 0.5);
}
