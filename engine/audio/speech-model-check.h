/* speech-model-check.h — checks on speech model files before pocketsphinx
 * reads them. Private to the transcriber.
 *
 * sphinxbase ends the process (E_FATAL, exit(1)) on some damaged acoustic
 * model files, and its binary language model reader trusts every count it
 * reads, instead of returning an error; so whatever can be checked cheaply
 * is checked here first and turned into an AT_TRANSCRIBE_ERROR that names
 * the file. Damage past what is checked can still stop the process.
 */
#pragma once

#include "audio/transcribe.h"

G_BEGIN_DECLS

/* path is there (a folder when dir, else a regular file); if not, an
 * AT_TRANSCRIBE_ERROR_MODEL naming it and the Debian package. */
gboolean at_speech_model_require (const char *path, gboolean dir, GError **error);
/* The acoustic model folder hmm holds mdef, means, variances and
 * transition_matrices, each with its format's header. */
gboolean at_speech_model_check_acoustic (const char *hmm, GError **error);
/* The shipped prompt model: lm and dict are there and lm looks like a
 * whole binary language model (AT_TRANSCRIBE_ERROR_LANGUAGE_MODEL if not). */
gboolean at_speech_model_check_prompt (const char *lm, const char *dict, GError **error);
/* A caller's language model and dictionary: both are there and lm, when
 * it is in pocketsphinx's binary form, looks whole
 * (AT_TRANSCRIBE_ERROR_LANGUAGE_MODEL if not). */
gboolean at_speech_model_check_file (const char *lm, const char *dict, GError **error);

G_END_DECLS
