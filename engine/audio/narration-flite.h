/* narration-flite.h — flite's voices behind at_narrate() (private).
 *
 * Debian's libflite1 ships three clustergen voices of US English (slt,
 * rms, awb) that sound more natural than espeak-ng's formant voices. They
 * are offered as "flite/slt", "flite/rms" and "flite/awb" in the voice
 * list; at_narrate() hands those names here. Rate and pitch keep their
 * espeak-ng meaning (words per minute, 0–99 around 50): rate becomes
 * flite's duration stretch against its own pace, pitch a shift of the
 * voice's mean F0 of up to half an octave either way.
 *
 * flite synthesises a whole text at once, so cancelling takes effect after
 * it (about 1/40 of the speech's duration on one core here).
 */
#pragma once

#include "audio/narration.h"

G_BEGIN_DECLS

/* The prefix of flite voice identifiers. */
#define AT_FLITE_VOICE_PREFIX "flite/"

gboolean at_flite_is_voice (const char *voice);

/* options are checked by the caller; options->voice is a flite voice. */
AtAudio *at_flite_narrate (const char *text, const AtNarrationOptions *options, GPtrArray **cues_out,
                           GCancellable *cancellable, GError **error);

/* Appends an AtVoiceInfo for each flite voice to list. */
void at_flite_list_voices (GPtrArray *list);

G_END_DECLS
