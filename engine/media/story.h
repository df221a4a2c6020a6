/* story.h — a text told as a narrated clip: one scene per line (or, in a
 * single paragraph, per sentence), each spoken in turn by the narration
 * engine (audio/narration.h) and shown as one keyframe.
 *
 * Scenes are narrated one by one and joined with a short pause, so each
 * scene's start is known exactly; the word cues of every scene, moved to
 * their place in the joined track, give the subtitles (media/subtitles.h
 * groups them). A scene's picture holds while it is spoken, with a slow
 * zoom and pan (at_story_camera); the last STORY_MORPH seconds before the
 * next scene morph into it. All scenes share one seed.
 *
 * The AtStory owns its clip, narration, cues and scenes.
 */
#pragma once

#include <gio/gio.h>

#include "audio/narration.h"
#include "media/clip.h"

G_BEGIN_DECLS

typedef struct {
  char *text;          /* what is said, and the scene's prompt */
  double start, end;   /* seconds in the narration */
} AtScene;

typedef struct {
  GPtrArray *scenes;      /* AtScene* */
  AtClip *clip;
  AtAudio *narration;
  GPtrArray *words;       /* AtCue per spoken word, in the joined track */
  GPtrArray *subtitles;   /* AtCue per subtitle line */
} AtStory;

/* The scenes' texts: the non-empty lines, or the sentences of a single
 * line. An empty array for blank text. */
GStrv at_story_split (const char *text);

/* voice NULL: the narration's defaults. An empty text is an
 * AT_CLIP_ERROR_EMPTY; narration errors come through as they are. */
AtStory *at_story_new (const char *text, const AtNarrationOptions *voice, int fps, int size, guint64 seed,
                       GCancellable *cancellable, GError **error);
void at_story_free (AtStory *story);

/* Where the camera looks at time t (seconds): zoom >= 1 and the window's
 * centre, slowly moving within the scene t falls in. */
void at_story_camera (const AtStory *story, double t, double *zoom, double *cx, double *cy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtStory, at_story_free)

G_END_DECLS
