/* voice-tone.c — tone labels from voice cue scores (voice-tone.h). */
#define G_LOG_DOMAIN "atelier-audio"

#include "audio/voice-tone.h"

AtVoiceTone
at_voice_tone_from_scores (const AtVoiceCueScores *s)
{
  g_return_val_if_fail (s != NULL, AT_VOICE_TONE_NEUTRAL);
  const double t = AT_VOICE_TONE_THRESHOLD;
  /* hurried and monotone reads as strain before it reads as energy */
  if (s->rate >= t && s->range < 0.0)
    return AT_VOICE_TONE_TENSE;
  if (s->energy >= t)
    return AT_VOICE_TONE_ENERGETIC;
  if (s->energy <= -t && s->rate <= 0.0)
    return AT_VOICE_TONE_CALM;
  return AT_VOICE_TONE_NEUTRAL;
}

AtVoiceTone
at_voice_tone_from_cues (const AtVoiceCues *cues)
{
  g_return_val_if_fail (cues != NULL, AT_VOICE_TONE_NEUTRAL);
  AtVoiceCueScores s;
  at_voice_cues_score (cues, &s);
  return at_voice_tone_from_scores (&s);
}

const char *
at_voice_tone_to_string (AtVoiceTone tone)
{
  switch (tone)
    {
    case AT_VOICE_TONE_CALM:
      return "calm";
    case AT_VOICE_TONE_ENERGETIC:
      return "energetic";
    case AT_VOICE_TONE_TENSE:
      return "tense";
    case AT_VOICE_TONE_NEUTRAL:
    default:
      return "neutral";
    }
}

const char *
at_voice_tone_style_words (AtVoiceTone tone)
{
  switch (tone)
    {
    case AT_VOICE_TONE_CALM:
      return "soft pale";
    case AT_VOICE_TONE_ENERGETIC:
      return "bright colorful";
    case AT_VOICE_TONE_TENSE:
      return "dark sharp";
    case AT_VOICE_TONE_NEUTRAL:
    default:
      return NULL;
    }
}

char *
at_voice_tone_hint_prompt (const char *prompt, AtVoiceTone tone)
{
  const char *words = at_voice_tone_style_words (tone);
  gboolean typed = prompt != NULL && *prompt != '\0';
  if (words == NULL)
    return g_strdup (prompt);
  return typed ? g_strconcat (prompt, ", ", words, NULL) : g_strdup (words);
}
