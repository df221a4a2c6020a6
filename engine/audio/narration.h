/* narration.h — speaking a text with espeak-ng, with the time of every word.
 *
 * at_narrate() synthesises text into a new AtAudio (espeak-ng's native rate,
 * 22050 Hz, mono) and, when asked, the list of word cues espeak-ng's word
 * events give: one AtCue per spoken word, start and end in milliseconds of
 * that audio, the text the word came from. The cues are in order, never
 * overlap, and lie inside the audio; media/subtitles.h groups them into
 * subtitle lines.
 *
 * Voices named "flite/slt", "flite/rms" and "flite/awb" are spoken by
 * flite instead (Debian's libflite1: more natural, 16 kHz, US and Scottish
 * English only); see narration-flite.h. Everything below holds for both.
 *
 * espeak-ng is one global synthesiser: every call here takes one process-wide
 * lock, so any thread may narrate, one at a time. Whoever receives an AtAudio
 * or a cue array frees it (at_audio_free, g_ptr_array_unref).
 */
#pragma once

#include <gio/gio.h>

#include "audio/audio-file.h"

G_BEGIN_DECLS

#define AT_NARRATION_ERROR (at_narration_error_quark ())
GQuark at_narration_error_quark (void);

typedef enum {
  AT_NARRATION_ERROR_EMPTY,          /* nothing to say: empty or blank text */
  AT_NARRATION_ERROR_UNKNOWN_VOICE,  /* no installed voice has that name */
  AT_NARRATION_ERROR_INVALID,        /* a rate or pitch outside its range, text too long */
  AT_NARRATION_ERROR_UNAVAILABLE,    /* espeak-ng or its data cannot be loaded */
  AT_NARRATION_ERROR_FAILED,         /* espeak-ng refused or produced no sound */
  AT_NARRATION_ERROR_CANCELLED,
} AtNarrationError;

/* Ranges espeak-ng accepts, and its defaults. */
#define AT_NARRATION_RATE_MIN 80       /* words per minute */
#define AT_NARRATION_RATE_MAX 450
#define AT_NARRATION_RATE_DEFAULT 175
#define AT_NARRATION_PITCH_MIN 0
#define AT_NARRATION_PITCH_MAX 99
#define AT_NARRATION_PITCH_DEFAULT 50
#define AT_NARRATION_DEFAULT_VOICE "en-us"
/* Longest text accepted: a narration is a caption or a few paragraphs
 * (10000 characters are about 9 minutes at 175 words/min). The speech
 * itself may last at most AT_AUDIO_MAX_SECONDS, so that every narration
 * can be loaded again; longer is an AT_NARRATION_ERROR_INVALID. */
#define AT_NARRATION_MAX_CHARS 10000

/* One timed piece of text: a spoken word, or a subtitle line. */
typedef struct {
  gint64 start_ms;
  gint64 end_ms;   /* > start_ms */
  char *text;
} AtCue;

AtCue *at_cue_new (gint64 start_ms, gint64 end_ms, const char *text);
void at_cue_free (AtCue *cue);
/* A new GPtrArray that frees its AtCues. */
GPtrArray *at_cue_array_new (void);

typedef struct {
  const char *voice;   /* espeak-ng voice name or identifier ("en-us", "English (America)",
                        * "en+f3"), or a flite voice ("flite/slt"); NULL: AT_NARRATION_DEFAULT_VOICE */
  int rate;            /* words per minute; 0: AT_NARRATION_RATE_DEFAULT */
  int pitch;           /* 0–99; -1: AT_NARRATION_PITCH_DEFAULT */
} AtNarrationOptions;

#define AT_NARRATION_OPTIONS_INIT { NULL, 0, -1 }

/* Speaks text (UTF-8, plain text, not SSML). options NULL: all defaults.
 * cues_out, when not NULL, receives the word cues. cancellable is checked
 * between espeak-ng's buffers (every ~50 ms of audio). */
AtAudio *at_narrate (const char *text, const AtNarrationOptions *options, GPtrArray **cues_out,
                     GCancellable *cancellable, GError **error);

/* The same on a GTask worker thread; callback runs on the caller's
 * thread-default main context. text and options are copied. */
void at_narrate_async (const char *text, const AtNarrationOptions *options, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data);
AtAudio *at_narrate_finish (GAsyncResult *result, GPtrArray **cues_out, GError **error);

/* An installed voice, as espeak-ng lists it. */
typedef struct {
  char *name;         /* "English (America)" */
  char *identifier;   /* "gmw/en-US": a file name, also accepted as a voice */
  char *language;     /* its first language, e.g. "en-us": also accepted as a voice */
  int gender;         /* 0 unknown, 1 male, 2 female */
} AtVoiceInfo;

void at_voice_info_free (AtVoiceInfo *info);
/* Every installed voice (GPtrArray of AtVoiceInfo), sorted by language. */
GPtrArray *at_narration_list_voices (GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtCue, at_cue_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtVoiceInfo, at_voice_info_free)

G_END_DECLS
