/* word-error-rate.h — how far a transcript is from what was said, the
 * measure the speech recognition tests and docs/SPEECH.md report.
 * Included by transcribe.h, so its callers have it as before.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Word error rate of hypothesis against reference: (substitutions +
 * deletions + insertions) / reference words, by word-level edit distance
 * on lower-cased words stripped of punctuation. -1 for an empty reference. */
double at_word_error_rate (const char *reference, const char *hypothesis);

G_END_DECLS
