/* window-tone.c — the voice's tone (audio/voice-tone.h) beyond the voice
 * card: as a style hint in the prompt when Preferences → Tone as a Style
 * Hint is on, and in the tags of History images made with the clip that is
 * loaded now (the cues are measured from it; other clips are not kept). */
#define G_LOG_DOMAIN "atelier-ui"

#include "audio/voice-tone.h"
#include "ui/window-private.h"

/* The loaded clip's tone, or NULL without a clip or before its cues are
 * measured (or when they cannot be). */
static const char *
loaded_tone (AtWindow *self, AtVoiceTone *tone)
{
  const AtVoiceCues *cues = self->voice != NULL ? at_voice_panel_get_cues (self->voice_panel) : NULL;
  if (cues == NULL)
    return NULL;
  *tone = at_voice_tone_from_cues (cues);
  return at_voice_tone_to_string (*tone);
}

void
_at_window_apply_tone_hint (AtWindow *self, AtRequest *r)
{
  AtVoiceTone tone;
  if (self->settings == NULL || !g_settings_get_boolean (self->settings, "tone-hint")
      || loaded_tone (self, &tone) == NULL)
    return;
  char *hinted = at_voice_tone_hint_prompt (r->prompt, tone);
  g_free (r->prompt);
  r->prompt = hinted;
}

const char *
_at_window_item_tone (AtWindow *self, const AtHistoryItem *item)
{
  AtVoiceTone tone;
  if (item->voice_digest == NULL || g_strcmp0 (item->voice_digest, self->voice_digest) != 0)
    return NULL;
  return loaded_tone (self, &tone);
}
