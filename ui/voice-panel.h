/* voice-panel.h — the voice card's transcript and the narration panel.
 *
 * AtVoicePanel transcribes the window's voice clip on a worker (one
 * pocketsphinx transcriber per panel, loaded on a worker the first time a
 * clip arrives; a new clip cancels the transcription in flight), shows the
 * words as they are recognised in an editable field, and says how the
 * transcript joins the text prompt of a request. Its narration half speaks
 * a text (default: the prompt) with espeak-ng on a worker, previews it with
 * play/pause and the subtitle line of the current time, and exports the
 * audio (WAV, FLAC or OGG by extension; 16-bit, 24-bit or float samples as
 * the container allows) with .srt and .vtt files beside it. Narration sits
 * in a section that folds away (GSettings "show-narration") with its own
 * status line.
 * Between the two it measures the clip's voice cues on a worker (pitch,
 * loudness, speaking rate: audio/cues.h), again once the transcript's word
 * times arrive, and shows them with the switch that lets them adjust a
 * request and a line saying what they change. The panel owns everything it
 * shows; getters return borrowed data. "changed" is emitted when the user
 * edits something a project saves (AtVoiceSettings).
 */
#pragma once

#include <gtk/gtk.h>

#include "audio/audio-file.h"
#include "audio/cues.h"
#include "request.h"
#include "ui/project.h"

G_BEGIN_DECLS

typedef enum {
  AT_TRANSCRIPT_JOIN_IF_EMPTY,  /* the transcript is the prompt when no prompt was typed */
  AT_TRANSCRIPT_JOIN_APPEND,    /* prompt, then transcript */
  AT_TRANSCRIPT_JOIN_REPLACE,   /* the transcript instead of the prompt */
  AT_TRANSCRIPT_JOIN_IGNORE,    /* the transcript is only shown */
} AtTranscriptJoin;

#define AT_TYPE_VOICE_PANEL (at_voice_panel_get_type ())
G_DECLARE_FINAL_TYPE (AtVoicePanel, at_voice_panel, AT, VOICE_PANEL, GtkBox)

GtkWidget *at_voice_panel_new (void);

/* Where the typed prompt lives: narration speaks it when its own text is
 * empty. The panel keeps a reference. */
void at_voice_panel_set_prompt_buffer (AtVoicePanel *self, GtkTextBuffer *prompt);

/* A new clip (copied; NULL clears): cancels any transcription in flight
 * and starts one for this clip. */
void at_voice_panel_set_voice (AtVoicePanel *self, const AtAudio *voice);
gboolean at_voice_panel_is_transcribing (AtVoicePanel *self);
/* The transcript field's text (newly allocated, stripped). */
char *at_voice_panel_get_transcript (AtVoicePanel *self);
AtTranscriptJoin at_voice_panel_get_join (AtVoicePanel *self);
void at_voice_panel_set_join (AtVoicePanel *self, AtTranscriptJoin join);
/* The prompt a request carries: prompt joined with the transcript as the
 * join choice says. Newly allocated. */
char *at_voice_panel_join_prompt (AtVoicePanel *self, const char *prompt);

/* Voice cues of the clip: NULL until measured, or when the clip has none
 * (the cue line then says why). */
const AtVoiceCues *at_voice_panel_get_cues (AtVoicePanel *self);
gboolean at_voice_panel_is_measuring (AtVoicePanel *self);
/* The measurement line and the line saying what the cues change. */
const char *at_voice_panel_get_cues_text (AtVoicePanel *self);
const char *at_voice_panel_get_cues_effect (AtVoicePanel *self);
/* The "Let voice cues adjust generation" switch. */
gboolean at_voice_panel_get_use_cues (AtVoicePanel *self);
void at_voice_panel_set_use_cues (AtVoicePanel *self, gboolean use);
/* The window's guidance and steps controls, which the effect line quotes.
 * The panel keeps references. */
void at_voice_panel_set_parameters (AtVoicePanel *self, GtkAdjustment *guidance, GtkAdjustment *steps);
/* Makes a request built from the window's controls into the one to run:
 * the transcript joins the prompt as chosen and, when the switch is on,
 * the cues adjust guidance and steps (docs/VOICE_CUES.md). */
void at_voice_panel_apply_to_request (AtVoicePanel *self, AtRequest *request);

/* What a project saves of the panel. Getting replaces settings' contents;
 * setting a non-empty transcript keeps it over the one recognised from the
 * clip (recognition still runs, for the speaking rate). */
void at_voice_panel_get_settings (AtVoicePanel *self, AtVoiceSettings *settings);
void at_voice_panel_set_settings (AtVoicePanel *self, const AtVoiceSettings *settings);

/* As a click on Speak. */
void at_voice_panel_speak (AtVoicePanel *self);
gboolean at_voice_panel_is_speaking (AtVoicePanel *self);
/* The last narration and its subtitle lines, or NULL. */
const AtAudio *at_voice_panel_get_narration (AtVoicePanel *self);
GPtrArray *at_voice_panel_get_subtitles (AtVoicePanel *self);
/* The subtitle line shown under the preview. */
const char *at_voice_panel_get_subtitle_text (AtVoicePanel *self);
/* As a click on Play/Pause: FALSE when there is no narration ready to play. */
gboolean at_voice_panel_toggle_playback (AtVoicePanel *self);
/* The narration's player (NULL before the first narration). */
GtkMediaStream *at_voice_panel_get_player (AtVoicePanel *self);
/* Shows the subtitle line at ms of the narration (the player calls this as
 * it plays). */
void at_voice_panel_show_time (AtVoicePanel *self, gint64 ms);
/* The transcript's status line: loading, transcribing, done or why not. */
const char *at_voice_panel_get_status (AtVoicePanel *self);
/* The narration's status line: speaking, exporting, the files written or
 * what went wrong. */
const char *at_voice_panel_get_narration_status (AtVoicePanel *self);

/* Writes the narration to file (container by extension) and .srt/.vtt
 * beside it, each atomically, on a worker. The samples are encoding where
 * the container holds it: Ogg is always Vorbis, and FLAC writes float as
 * 24-bit. */
void at_voice_panel_export_async (AtVoicePanel *self, GFile *file, AtAudioEncoding encoding,
                                  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data);
gboolean at_voice_panel_export_finish (AtVoicePanel *self, GAsyncResult *result, GError **error);
/* As the export dialog's Export button: exports as above (cancelling an
 * export in flight) and then names the files written, with their sample
 * format, in the narration's status line. */
void at_voice_panel_export (AtVoicePanel *self, GFile *file, AtAudioEncoding encoding);
gboolean at_voice_panel_is_exporting (AtVoicePanel *self);

G_END_DECLS
