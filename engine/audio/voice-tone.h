/* voice-tone.h — a tone label from the measured voice cues (cues.h):
 * calm, neutral, energetic or tense, by a fixed rule on the cue scores
 * (docs/VOICE_CUES.md, "Tone"). Like the cues it describes how the
 * recording sounds, not how the speaker feels; the rule follows the
 * direction the speech-emotion literature reports for arousal (louder,
 * livelier pitch and faster speech with higher arousal) and was not fitted
 * to or measured on labelled speech.
 */
#pragma once

#include "audio/cues.h"

G_BEGIN_DECLS

typedef enum {
  AT_VOICE_TONE_NEUTRAL,
  AT_VOICE_TONE_CALM,       /* quiet or flat, and not fast */
  AT_VOICE_TONE_ENERGETIC,  /* loud and/or lively pitch */
  AT_VOICE_TONE_TENSE,      /* fast with a narrow pitch range */
} AtVoiceTone;

/* Scores at or beyond this count (the cues' own "notable" threshold). */
#define AT_VOICE_TONE_THRESHOLD 0.3

AtVoiceTone at_voice_tone_from_scores (const AtVoiceCueScores *scores);
AtVoiceTone at_voice_tone_from_cues (const AtVoiceCues *cues);
/* "calm", "neutral", "energetic", "tense". */
const char *at_voice_tone_to_string (AtVoiceTone tone);

/* The style hint (off by default; `atelier generate --tone-hint`, the
 * studio's Preferences): words of the model's vocabulary appended to the
 * text prompt — calm "soft pale", energetic "bright colorful", tense
 * "dark sharp", neutral none (NULL). docs/VOICE_CUES.md, "Tone as a
 * style hint". */
const char *at_voice_tone_style_words (AtVoiceTone tone);
/* prompt (NULL: none) with tone's style words appended; a copy of prompt
 * for neutral. Newly allocated. */
char *at_voice_tone_hint_prompt (const char *prompt, AtVoiceTone tone);

G_END_DECLS
