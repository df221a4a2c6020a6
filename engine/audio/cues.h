/* cues.h — acoustic cues of a spoken prompt, and what they change.
 *
 * at_voice_cues_measure() measures the sound, not the speaker's mood:
 * pitch (median F0 of the voiced frames, aubio's YIN, and its spread as the
 * 10–90 % range in semitones), loudness (EBU R128 integrated loudness and
 * loudness range with libebur128, and the RMS level), speaking rate (words
 * per minute from a transcript's word times, or estimated from syllable-like
 * onsets that aubio finds when there is no transcript), the voiced share and
 * the duration. at_voice_cues_to_params() turns them into adjustments of a
 * request's guidance and steps by the fixed table in docs/VOICE_CUES.md,
 * with one sentence per change. Whoever receives an AtVoiceCues or an
 * AtVoiceCueParams frees it.
 */
#pragma once

#include <glib.h>

#include "audio/audio-file.h"
#include "audio/transcribe.h"

G_BEGIN_DECLS

#define AT_VOICE_CUES_ERROR (at_voice_cues_error_quark ())
GQuark at_voice_cues_error_quark (void);

typedef enum {
  AT_VOICE_CUES_ERROR_EMPTY,      /* no samples */
  AT_VOICE_CUES_ERROR_TOO_SHORT,  /* shorter than AT_VOICE_CUES_MIN_SECONDS */
  AT_VOICE_CUES_ERROR_NO_VOICE,   /* silent, or nothing pitched in it */
  AT_VOICE_CUES_ERROR_FAILED,     /* aubio or libebur128 refused the audio */
} AtVoiceCuesError;

/* Half a second holds a few pitch periods of every frame and one EBU R128
 * gating block (400 ms). */
#define AT_VOICE_CUES_MIN_SECONDS 0.5
/* The F0 range searched: below and above every adult and child voice. */
#define AT_VOICE_PITCH_MIN_HZ 50.0
#define AT_VOICE_PITCH_MAX_HZ 600.0

typedef enum {
  AT_RATE_FROM_TRANSCRIPT,  /* words and their times from speech recognition */
  AT_RATE_FROM_ONSETS,      /* syllable-like onsets, converted at 1.5 per word */
} AtRateSource;

typedef struct {
  double duration_s;
  double voiced_fraction;    /* share of frames with a confident pitch, 0–1 */
  double pitch_hz;           /* median F0 of the voiced frames */
  double pitch_low_hz;       /* 10th percentile */
  double pitch_high_hz;      /* 90th percentile */
  double pitch_range_st;     /* 12·log2(high / low): how much the pitch moves */
  double loudness_lufs;      /* EBU R128 integrated (gated) loudness, mono */
  double loudness_range_lu;  /* EBU R128 LRA; 0 for clips of a few seconds */
  double rms_dbfs;           /* level of the whole clip */
  double rate_wpm;           /* words per minute (estimated when from onsets) */
  double onsets_per_s;       /* syllable-like onsets per second of speech; 0 if not counted */
  AtRateSource rate_source;
  guint rate_count;          /* words or onsets counted */
  double speech_s;           /* the span they were counted over */
} AtVoiceCues;

/* Measures audio (any rate). transcript may be NULL; when it holds two or
 * more timed words the rate comes from them, otherwise from onsets. */
AtVoiceCues *at_voice_cues_measure (const AtAudio *audio, const AtTranscript *transcript, GError **error);
void at_voice_cues_free (AtVoiceCues *cues);

/* "Pitch 180 Hz (range 7 st) · Loudness −19 LUFS · Rate 150 wpm (from
 * transcript)": what the studio shows. Newly allocated. */
char *at_voice_cues_describe (const AtVoiceCues *cues);

/* Scores of the mapping, each in [-1, 1], 0 for a neutral speaker: how far
 * loudness, pitch range and rate are from AT_VOICE_NEUTRAL_*. */
#define AT_VOICE_NEUTRAL_LUFS -23.0
#define AT_VOICE_NEUTRAL_RANGE_ST 7.0
#define AT_VOICE_NEUTRAL_WPM 150.0
/* The most the cues change a request. */
#define AT_VOICE_MAX_GUIDANCE_DELTA 1.0
#define AT_VOICE_MAX_STEPS_SHARE 0.25

typedef struct {
  double loudness;   /* +1 at 10 LU above neutral */
  double range;      /* +1 at 7 st wider than neutral */
  double energy;     /* mean of the two: what guidance follows */
  double rate;       /* +1 at 100 wpm faster than neutral: steps fall; 0 when
                      * fewer than two words or onsets were counted */
} AtVoiceCueScores;

void at_voice_cues_score (const AtVoiceCues *cues, AtVoiceCueScores *scores);

typedef struct {
  float guidance;
  int steps;
  GPtrArray *explanations;  /* char*, one per changed parameter, e.g.
                             * "Loud voice, wide pitch range: guidance 2.5 → 3.1" */
} AtVoiceCueParams;

/* guidance and steps adjusted by the cues, clamped to what a request
 * accepts. Guidance of 1 or less (off, or deliberately weak) is kept. */
AtVoiceCueParams *at_voice_cues_to_params (const AtVoiceCues *cues, float guidance, int steps);
void at_voice_cue_params_free (AtVoiceCueParams *params);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtVoiceCues, at_voice_cues_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtVoiceCueParams, at_voice_cue_params_free)

G_END_DECLS
