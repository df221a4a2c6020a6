/* project.h — an Atelier project on disk (see docs/PROJECT_FORMAT.md).
 *
 * AtProject is plain data the window fills before saving and reads after
 * opening: the strokes, the imported sketch and underlay, the prompts, the
 * voice clip and the voice panel's settings, the last narration and its
 * subtitle lines, the parameters and the history of results. It owns every
 * field. at_project_save() writes atomically: a failed save leaves an
 * existing file as it was.
 *
 * The _async versions do the same on a worker: encoding the images and
 * the voice, generating or parsing the JSON and the file I/O. Saving takes
 * the project (it must not be touched meanwhile, so the window hands over
 * a snapshot); loading hands the new project to its caller.
 */
#pragma once

#include <gio/gio.h>

#include "audio/audio-file.h"
#include "media/clip.h"
#include "request.h"
#include "search/search-index.h"
#include "ui/history-item.h"
#include "ui/project-model.h"
#include "ui/stroke-list.h"

G_BEGIN_DECLS

#define AT_PROJECT_FORMAT_VERSION 2   /* 2: "video" (keyframes); 1 is read too */

#define AT_PROJECT_ERROR (at_project_error_quark ())
GQuark at_project_error_quark (void);
typedef enum {
  AT_PROJECT_ERROR_INVALID,   /* not an Atelier project, or damaged */
  AT_PROJECT_ERROR_VERSION,   /* written by a newer Atelier */
} AtProjectError;

/* The voice panel's choices ("voice_panel" in docs/PROJECT_FORMAT.md). */
typedef struct {
  char *transcript_join;   /* "if-empty", "append", "replace" or "ignore" */
  char *transcript;        /* as edited; NULL or "": recognise the clip again */
  char *narration_source;  /* what Speak says: "text", "prompt" or "transcript" */
  char *narration_text;    /* with "text": NULL or "" speaks the prompt */
  char *narration_voice;   /* espeak-ng identifier; NULL: the default voice */
  int narration_rate;      /* words per minute */
  int narration_pitch;     /* 0–99 */
  gboolean voice_cues;     /* measured voice cues adjust guidance and steps */
} AtVoiceSettings;

/* Frees the strings and zeroes the fields. */
void at_voice_settings_clear (AtVoiceSettings *settings);
/* Clears, then sets the defaults (which are also what a file without
 * "voice_panel" gets: voice cues off, as before they existed). */
void at_voice_settings_reset (AtVoiceSettings *settings);

typedef struct {
  AtStrokeList *strokes;   /* never NULL */
  AtImage *sketch_image;   /* may be NULL */
  AtImage *underlay;       /* may be NULL */
  AtRequest *params;       /* prompt, negative and numbers; images unused */
  gboolean seed_locked;
  AtAudio *voice;          /* may be NULL */
  char *voice_name;
  GPtrArray *history;      /* AtHistoryItem*, oldest first */
  AtVoiceSettings voice_settings;
  char *autosave_of;       /* autosaves only: the project's own file, or NULL */
  AtAudio *narration;      /* the last narration spoken, or NULL */
  GPtrArray *narration_cues;  /* its subtitle lines (AtCue), or NULL */
  AtClip *video;           /* the Video window's keyframes and settings, or NULL */
  AtSearchIndex *search_index;  /* the history's image embeddings (engine/search), or NULL */
  AtProjectModel model;    /* the model chosen (a user's SD checkpoint), or the built-in one */
} AtProject;

AtProject *at_project_new (void);
void at_project_free (AtProject *project);

gboolean at_project_save (const AtProject *project, GFile *file, GError **error);
AtProject *at_project_load (GFile *file, GError **error);

/* Takes project. A cancelled save leaves any file as it was; once written,
 * it reports success even if cancelled late, as the file says so. */
void at_project_save_async (AtProject *project, GFile *file, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data);
gboolean at_project_save_finish (GAsyncResult *result, GError **error);
void at_project_load_async (GFile *file, GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data);
AtProject *at_project_load_finish (GAsyncResult *result, GError **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AtVoiceSettings, at_voice_settings_clear)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtProject, at_project_free)

G_END_DECLS
