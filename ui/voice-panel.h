/* voice-panel.h — the voice card's transcript, voice cues and narration
 * section.
 *
 * AtVoicePanel transcribes the window's voice clip on a worker (one
 * pocketsphinx transcriber per panel, loaded on a worker the first time a
 * clip arrives; a new clip cancels the transcription in flight), shows the
 * words as they are recognised in an editable field, and says how the
 * transcript joins the text prompt of a request. It measures the clip's
 * voice cues on a worker (pitch, loudness, speaking rate: audio/cues.h),
 * again once the transcript's word times arrive, and shows them with the
 * switch that lets them adjust a request and a line saying what they
 * change. Below them, in a section that folds away (GSettings
 * "show-narration"), sits its AtNarrationPanel (narration-panel.h). The
 * panel owns everything it shows; getters return borrowed data. "changed"
 * is emitted when the user edits something a project saves
 * (AtVoiceSettings), in the narration section too.
 */
#pragma once

#include <gtk/gtk.h>

#include "audio/audio-file.h"
#include "audio/cues.h"
#include "request.h"
#include "ui/narration-panel.h"
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

/* The narration section's content. */
AtNarrationPanel *at_voice_panel_get_narration_panel (AtVoicePanel *self);

/* A new clip (copied; NULL clears): cancels any transcription in flight
 * and starts one for this clip. */
void at_voice_panel_set_voice (AtVoicePanel *self, const AtAudio *voice);
gboolean at_voice_panel_is_transcribing (AtVoicePanel *self);
/* The panel's recogniser when it is loaded and not busy, else NULL
 * (borrowed): live captions may stream through it rather than load their
 * own. */
AtTranscriber *at_voice_panel_get_idle_transcriber (AtVoicePanel *self);
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

/* What a project saves of the panel, its narration section's fields
 * included. Getting replaces settings' contents; setting a non-empty
 * transcript keeps it over the one recognised from the clip (recognition
 * still runs, for the speaking rate). */
void at_voice_panel_get_settings (AtVoicePanel *self, AtVoiceSettings *settings);
void at_voice_panel_set_settings (AtVoicePanel *self, const AtVoiceSettings *settings);

/* The transcript's status line: loading, transcribing, done or why not. */
const char *at_voice_panel_get_status (AtVoicePanel *self);

G_END_DECLS
