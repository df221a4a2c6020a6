/* audio-file.h — voice prompts and narrations as mono float samples.
 *
 * at_audio_load() reads anything libsndfile opens (WAV, FLAC, OGG/Vorbis,
 * AIFF, MP3, ...) at any rate and channel count and mixes the channels down
 * to mono floats in [-1, 1]; at_audio_resample() converts the rate with
 * libsamplerate; at_audio_save() writes WAV, FLAC, OGG/Vorbis or AIFF
 * (chosen by the file name's extension) atomically, so a failed save never
 * damages a file already there. Whoever creates an AtAudio frees it with
 * at_audio_free(); it owns its samples.
 */
#pragma once

#include <glib.h>

#include "media/atomic-file.h"

G_BEGIN_DECLS

/* Longest input at_audio_load() accepts: a spoken prompt is seconds long,
 * and ten minutes of 48 kHz float is already 110 MB. */
#define AT_AUDIO_MAX_SECONDS 600

#define AT_AUDIO_ERROR (at_audio_error_quark ())
GQuark at_audio_error_quark (void);

typedef enum {
  AT_AUDIO_ERROR_NOT_FOUND,    /* no such file, or not a regular file */
  AT_AUDIO_ERROR_ACCESS,       /* it exists but cannot be opened or written */
  AT_AUDIO_ERROR_INVALID,      /* not audio, corrupt, or undecodable */
  AT_AUDIO_ERROR_EMPTY,        /* a valid file holding no samples */
  AT_AUDIO_ERROR_TOO_LONG,     /* longer than AT_AUDIO_MAX_SECONDS */
  AT_AUDIO_ERROR_FORMAT,       /* an extension or rate Atelier cannot write */
  AT_AUDIO_ERROR_RESAMPLE,     /* libsamplerate refused the conversion */
  AT_AUDIO_ERROR_WRITE,        /* writing or renaming failed */
} AtAudioError;

typedef struct {
  float *samples;   /* n mono samples, nominally in [-1, 1] */
  gsize n;
  int rate;         /* samples per second */
} AtAudio;

/* n zero samples at rate. */
AtAudio *at_audio_new (gsize n, int rate);
/* A copy of n samples at rate. */
AtAudio *at_audio_new_from (const float *samples, gsize n, int rate);
void at_audio_free (AtAudio *audio);

double at_audio_get_duration (const AtAudio *audio);

/* Reads path and mixes it to mono. Non-finite samples (from a damaged float
 * file) become 0. */
AtAudio *at_audio_load (const char *path, GError **error);

/* How at_audio_resample_full() trades time for fidelity (libsamplerate's
 * sinc converters; speeds measured on one 2020s x86 core, 48 -> 16 kHz). */
typedef enum {
  AT_RESAMPLE_BEST,     /* 96% of the band, 145 dB SNR; ~7 s per minute of audio */
  AT_RESAMPLE_FAST,     /* 80% of the band, 97 dB SNR; ~0.8 s per minute */
} AtResampleQuality;

/* Converts audio to rate in place; the new length is round(n * rate / old
 * rate). Nothing changes on error. at_audio_resample() is
 * AT_RESAMPLE_BEST: the model's features were made from fully band-limited
 * audio, and a voice prompt is seconds long. Use FAST for long recordings
 * whose top octave matters less (speech recognition). */
gboolean at_audio_resample (AtAudio *audio, int rate, GError **error);
gboolean at_audio_resample_full (AtAudio *audio, int rate, AtResampleQuality quality,
                                 GError **error);

/* Sample encodings for at_audio_save_full(). */
typedef enum {
  AT_AUDIO_ENCODING_DEFAULT,  /* 16-bit PCM for WAV, FLAC and AIFF; Vorbis for OGG */
  AT_AUDIO_ENCODING_PCM_16,
  AT_AUDIO_ENCODING_PCM_24,
  AT_AUDIO_ENCODING_FLOAT,    /* 32-bit float: WAV and AIFF only */
} AtAudioEncoding;

/* The encoding a user names: "16" / "pcm16", "24" / "pcm24", "float" /
 * "f32" or "default" (any case); FALSE with AT_AUDIO_ERROR_FORMAT otherwise. */
gboolean at_audio_encoding_parse (const char *name, AtAudioEncoding *encoding, GError **error);

/* Writes audio to path in the container its extension names (.wav, .flac,
 * .ogg/.oga, .aif/.aiff), clipping to [-1, 1] for integer encodings,
 * atomically (media/atomic-file.h): path is replaced only once complete. */
gboolean at_audio_save (const AtAudio *audio, const char *path, GError **error);
gboolean at_audio_save_full (const AtAudio *audio, const char *path, AtAudioEncoding encoding,
                             GError **error);
/* Whether path's extension and encoding name a format Atelier writes
 * (AT_AUDIO_ERROR_FORMAT if not): checked before any work. */
gboolean at_audio_check_format (const char *path, AtAudioEncoding encoding, GError **error);
/* The same file into an open atomic file (its path chooses the format),
 * which the caller commits. */
gboolean at_audio_write (const AtAudio *audio, AtAtomicFile *file, AtAudioEncoding encoding, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtAudio, at_audio_free)

G_END_DECLS
