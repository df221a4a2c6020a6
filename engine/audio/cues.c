/* cues.c — pitch (aubio YIN), loudness (libebur128) and speaking rate of a
 * voice clip, and the fixed mapping from them to guidance and steps.
 *
 * The analysis frame is long enough for two periods of the lowest pitch
 * searched (YIN looks at lags up to half its buffer); frames advance by a
 * quarter of it, about 11 ms at 22.05 or 44.1 kHz. */
#define G_LOG_DOMAIN "atelier-cues"

#include "audio/cues.h"

#include <aubio/aubio.h>
#include <ebur128.h>
#include <math.h>
#include <string.h>

G_DEFINE_QUARK (at-voice-cues-error-quark, at_voice_cues_error)

/* yinfast is aubio's YIN computed with FFTs: the same estimate as "yin",
 * fast enough for 48 kHz buffers. */
#define PITCH_METHOD "yinfast"
/* 1 − YIN's normalised difference at the chosen lag: a frame below this is
 * noise, breath or a transition, not a voiced sound. (0.85 dropped half the
 * voiced frames of espeak-ng's low voices without changing the median;
 * 0.5 began to admit octave errors.) */
#define PITCH_CONFIDENCE 0.7
/* Frames quieter than this (dB SPL as aubio counts it, 0 = full scale) are
 * skipped by both pitch and onset detection. */
#define SILENCE_DB -50.0
/* At least this many voiced frames (~0.1 s) before a pitch is reported. */
#define MIN_VOICED_FRAMES 10
/* Speech is the span from the first to the last frame within this many dB
 * of the loudest one. */
#define SPEECH_RANGE_DB 35.0
/* Syllable-like onsets: aubio's high-frequency-content detector, no two
 * closer than a short syllable. English averages about 1.5 syllables per
 * word in running speech. */
#define ONSET_METHOD "hfc"
#define ONSET_MIN_INTERVAL_MS 100.0
#define SYLLABLES_PER_WORD 1.5

/* --- frames ---------------------------------------------------------------- */

static guint
frame_size (int rate)
{
  guint n = 256;
  while (n < 2.0 * rate / AT_VOICE_PITCH_MIN_HZ)
    n *= 2;
  return n;
}

static guint
hop_size (int rate)
{
  return frame_size (rate) / 4;
}

/* Copies hop samples starting at i into v, zero past the end. */
static void
fill_hop (const AtAudio *audio, gsize i, fvec_t *v)
{
  for (guint k = 0; k < v->length; k++)
    v->data[k] = i + k < audio->n ? audio->samples[i + k] : 0.0f;
}

/* --- pitch ----------------------------------------------------------------- */

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* q-quantile of sorted values, linearly interpolated. */
static double
quantile (const GArray *sorted, double q)
{
  double pos = q * (sorted->len - 1);
  guint lo = (guint) floor (pos);
  guint hi = MIN (lo + 1, sorted->len - 1);
  double a = g_array_index (sorted, double, lo), b = g_array_index (sorted, double, hi);
  return a + (b - a) * (pos - lo);
}

/* F0 of every confidently voiced frame, in Hz. */
static GArray *
voiced_pitches (const AtAudio *audio, guint *n_frames)
{
  guint hop = hop_size (audio->rate);
  aubio_pitch_t *pitch = new_aubio_pitch (PITCH_METHOD, frame_size (audio->rate), hop, audio->rate);
  GArray *f0 = g_array_new (FALSE, FALSE, sizeof (double));
  *n_frames = 0;
  if (pitch == NULL)
    return f0;
  aubio_pitch_set_unit (pitch, "Hz");
  aubio_pitch_set_silence (pitch, SILENCE_DB);
  fvec_t *in = new_fvec (hop), *out = new_fvec (1);
  for (gsize i = 0; i < audio->n; i += hop, (*n_frames)++)
    {
      fill_hop (audio, i, in);
      aubio_pitch_do (pitch, in, out);
      double hz = out->data[0];
      if (aubio_pitch_get_confidence (pitch) >= PITCH_CONFIDENCE && hz >= AT_VOICE_PITCH_MIN_HZ
          && hz <= AT_VOICE_PITCH_MAX_HZ)
        g_array_append_val (f0, hz);
    }
  del_fvec (in);
  del_fvec (out);
  del_aubio_pitch (pitch);
  return f0;
}

static gboolean
measure_pitch (const AtAudio *audio, AtVoiceCues *cues, GError **error)
{
  guint n_frames = 0;
  g_autoptr (GArray) f0 = voiced_pitches (audio, &n_frames);
  if (f0->len < MIN_VOICED_FRAMES)
    {
      g_set_error (error, AT_VOICE_CUES_ERROR, AT_VOICE_CUES_ERROR_NO_VOICE,
                   "No voice found: nothing in the clip has a steady pitch (is it speech?)");
      return FALSE;
    }
  g_array_sort (f0, compare_doubles);
  cues->voiced_fraction = (double) f0->len / MAX (n_frames, 1);
  cues->pitch_hz = quantile (f0, 0.5);
  cues->pitch_low_hz = quantile (f0, 0.1);
  cues->pitch_high_hz = quantile (f0, 0.9);
  cues->pitch_range_st = 12.0 * log2 (cues->pitch_high_hz / cues->pitch_low_hz);
  return TRUE;
}

/* --- loudness -------------------------------------------------------------- */

static gboolean
measure_loudness (const AtAudio *audio, AtVoiceCues *cues, GError **error)
{
  /* one channel counts as one front speaker, as BS.1770 weights it */
  ebur128_state *st = ebur128_init (1, (unsigned long) audio->rate, EBUR128_MODE_I | EBUR128_MODE_LRA);
  double lufs = -HUGE_VAL, lra = 0.0;
  gboolean ok = st != NULL && ebur128_add_frames_float (st, audio->samples, audio->n) == EBUR128_SUCCESS
                && ebur128_loudness_global (st, &lufs) == EBUR128_SUCCESS
                && ebur128_loudness_range (st, &lra) == EBUR128_SUCCESS;
  ebur128_destroy (&st);
  if (!ok)
    {
      g_set_error (error, AT_VOICE_CUES_ERROR, AT_VOICE_CUES_ERROR_FAILED,
                   "libebur128 could not measure loudness at %d Hz", audio->rate);
      return FALSE;
    }
  /* below the absolute gate (-70 LUFS) there is nothing to measure */
  if (!isfinite (lufs))
    {
      g_set_error (error, AT_VOICE_CUES_ERROR, AT_VOICE_CUES_ERROR_NO_VOICE,
                   "No voice found: the clip is silent");
      return FALSE;
    }
  cues->loudness_lufs = lufs;
  cues->loudness_range_lu = isfinite (lra) ? lra : 0.0;
  return TRUE;
}

static double
level_db (const float *x, gsize n)
{
  double sum = 0.0;
  for (gsize i = 0; i < n; i++)
    sum += (double) x[i] * x[i];
  return n > 0 && sum > 0.0 ? 10.0 * log10 (sum / n) : -HUGE_VAL;
}

/* First and last sample of the frames within SPEECH_RANGE_DB of the loudest. */
static void
speech_span (const AtAudio *audio, gsize *first, gsize *last)
{
  guint hop = hop_size (audio->rate);
  double top = -HUGE_VAL;
  for (gsize i = 0; i < audio->n; i += hop)
    top = MAX (top, level_db (audio->samples + i, MIN (hop, audio->n - i)));
  *first = audio->n;
  *last = 0;
  for (gsize i = 0; i < audio->n; i += hop)
    if (level_db (audio->samples + i, MIN (hop, audio->n - i)) >= top - SPEECH_RANGE_DB)
      {
        *first = MIN (*first, i);
        *last = MIN (i + hop, audio->n);
      }
}

/* --- speaking rate --------------------------------------------------------- */

static gboolean
rate_from_transcript (const AtTranscript *transcript, AtVoiceCues *cues)
{
  if (transcript == NULL || transcript->words == NULL || transcript->words->len < 2)
    return FALSE;
  const AtCue *first = g_ptr_array_index (transcript->words, 0);
  const AtCue *last = g_ptr_array_index (transcript->words, transcript->words->len - 1);
  if (last->end_ms <= first->start_ms)
    return FALSE;
  cues->rate_source = AT_RATE_FROM_TRANSCRIPT;
  cues->rate_count = transcript->words->len;
  cues->speech_s = (last->end_ms - first->start_ms) / 1000.0;
  cues->rate_wpm = cues->rate_count * 60.0 / cues->speech_s;
  return TRUE;
}

/* Onsets aubio finds between first and last (samples). */
static guint
count_onsets (const AtAudio *audio, gsize first, gsize last)
{
  guint hop = hop_size (audio->rate);
  aubio_onset_t *onset = new_aubio_onset (ONSET_METHOD, frame_size (audio->rate), hop, audio->rate);
  if (onset == NULL)
    return 0;
  aubio_onset_set_minioi_ms (onset, ONSET_MIN_INTERVAL_MS);
  aubio_onset_set_silence (onset, SILENCE_DB);
  fvec_t *in = new_fvec (hop), *out = new_fvec (1);
  guint n = 0;
  for (gsize i = 0; i < audio->n; i += hop)
    {
      fill_hop (audio, i, in);
      aubio_onset_do (onset, in, out);
      gsize at = aubio_onset_get_last (onset);
      n += out->data[0] != 0.0f && at >= first && at <= last;
    }
  del_fvec (in);
  del_fvec (out);
  del_aubio_onset (onset);
  return n;
}

static void
rate_from_onsets (const AtAudio *audio, AtVoiceCues *cues)
{
  gsize first, last;
  speech_span (audio, &first, &last);
  cues->rate_source = AT_RATE_FROM_ONSETS;
  cues->speech_s = last > first ? (double) (last - first) / audio->rate : 0.0;
  cues->rate_count = cues->speech_s > 0.0 ? count_onsets (audio, first, last) : 0;
  cues->onsets_per_s = cues->speech_s > 0.0 ? cues->rate_count / cues->speech_s : 0.0;
  cues->rate_wpm = cues->onsets_per_s * 60.0 / SYLLABLES_PER_WORD;
}

/* --- measuring ------------------------------------------------------------- */

static gboolean
check_audio (const AtAudio *audio, GError **error)
{
  if (audio->n == 0 || audio->rate <= 0)
    {
      g_set_error (error, AT_VOICE_CUES_ERROR, AT_VOICE_CUES_ERROR_EMPTY, "The voice clip holds no sound");
      return FALSE;
    }
  double seconds = at_audio_get_duration (audio);
  if (seconds < AT_VOICE_CUES_MIN_SECONDS)
    {
      g_set_error (error, AT_VOICE_CUES_ERROR, AT_VOICE_CUES_ERROR_TOO_SHORT,
                   "The voice clip is %.2f s long; voice cues need at least %.1f s of speech", seconds,
                   AT_VOICE_CUES_MIN_SECONDS);
      return FALSE;
    }
  return TRUE;
}

AtVoiceCues *
at_voice_cues_measure (const AtAudio *audio, const AtTranscript *transcript, GError **error)
{
  g_return_val_if_fail (audio != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (!check_audio (audio, error))
    return NULL;
  g_autoptr (AtVoiceCues) cues = g_new0 (AtVoiceCues, 1);
  cues->duration_s = at_audio_get_duration (audio);
  if (!measure_loudness (audio, cues, error) || !measure_pitch (audio, cues, error))
    return NULL;
  cues->rms_dbfs = level_db (audio->samples, audio->n) + 3.0103;   /* full-scale sine = 0 dBFS */
  if (!rate_from_transcript (transcript, cues))
    rate_from_onsets (audio, cues);
  return g_steal_pointer (&cues);
}

void
at_voice_cues_free (AtVoiceCues *cues)
{
  g_free (cues);
}

/* --- describing ------------------------------------------------------------ */

/* printf's "%.0f" with a real minus sign, as the studio shows numbers. */
static char *
format_signed (double v)
{
  long r = lround (v);
  return r < 0 ? g_strdup_printf ("−%ld", -r) : g_strdup_printf ("%ld", r);
}

char *
at_voice_cues_describe (const AtVoiceCues *cues)
{
  g_return_val_if_fail (cues != NULL, NULL);
  g_autofree char *lufs = format_signed (cues->loudness_lufs);
  g_autofree char *rate = NULL;
  if (cues->rate_source == AT_RATE_FROM_TRANSCRIPT)
    rate = g_strdup_printf ("%.0f wpm (from transcript)", cues->rate_wpm);
  else if (cues->rate_count < 2)
    rate = g_strdup ("unknown (no syllable onsets found, no transcript)");
  else
    rate = g_strdup_printf ("≈ %.0f wpm (%.1f onsets/s, no transcript)", cues->rate_wpm, cues->onsets_per_s);
  return g_strdup_printf ("Pitch %.0f Hz (range %.0f st) · Loudness %s LUFS · Rate %s", cues->pitch_hz,
                          cues->pitch_range_st, lufs, rate);
}

/* --- mapping --------------------------------------------------------------- */

/* Distance from neutral in units of span, clamped to [-1, 1]. */
static double
score (double value, double neutral, double span)
{
  return CLAMP ((value - neutral) / span, -1.0, 1.0);
}

void
at_voice_cues_score (const AtVoiceCues *cues, AtVoiceCueScores *s)
{
  g_return_if_fail (cues != NULL && s != NULL);
  s->loudness = score (cues->loudness_lufs, AT_VOICE_NEUTRAL_LUFS, 10.0);
  s->range = score (cues->pitch_range_st, AT_VOICE_NEUTRAL_RANGE_ST, 7.0);
  s->energy = (s->loudness + s->range) / 2.0;
  /* a steady hum has no syllables: its rate is unknown, not slow */
  s->rate = cues->rate_count >= 2 ? score (cues->rate_wpm, AT_VOICE_NEUTRAL_WPM, 100.0) : 0.0;
}

/* Below this a score is not worth a word in the explanation. */
#define NOTABLE 0.3

/* "Loud voice, wide pitch range", "Quiet voice", "Voice near neutral". */
static char *
energy_words (const AtVoiceCueScores *s)
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new ();
  if (fabs (s->loudness) >= NOTABLE)
    g_ptr_array_add (parts, s->loudness > 0 ? "loud voice" : "quiet voice");
  if (fabs (s->range) >= NOTABLE)
    g_ptr_array_add (parts, s->range > 0 ? "wide pitch range" : "narrow pitch range");
  if (parts->len == 0)
    g_ptr_array_add (parts, "voice near neutral");
  g_ptr_array_add (parts, NULL);
  char *text = g_strjoinv (", ", (char **) parts->pdata);
  text[0] = g_ascii_toupper (text[0]);
  return text;
}

static float
adjust_guidance (const AtVoiceCueScores *s, float guidance)
{
  if (guidance <= 1.0f)
    return guidance;
  /* in steps of 0.1, as the guidance control shows it */
  double delta = round (s->energy * AT_VOICE_MAX_GUIDANCE_DELTA * 10.0) / 10.0;
  return (float) CLAMP (guidance + delta, 1.0, 30.0);
}

static int
adjust_steps (const AtVoiceCueScores *s, int steps)
{
  long adjusted = lround (steps * (1.0 - s->rate * AT_VOICE_MAX_STEPS_SHARE));
  return (int) CLAMP (adjusted, 1, 200);
}

AtVoiceCueParams *
at_voice_cues_to_params (const AtVoiceCues *cues, float guidance, int steps)
{
  g_return_val_if_fail (cues != NULL, NULL);
  AtVoiceCueScores s;
  at_voice_cues_score (cues, &s);
  AtVoiceCueParams *p = g_new0 (AtVoiceCueParams, 1);
  p->explanations = g_ptr_array_new_with_free_func (g_free);
  p->guidance = adjust_guidance (&s, guidance);
  p->steps = adjust_steps (&s, steps);
  if (p->guidance != guidance)
    {
      g_autofree char *why = energy_words (&s);
      g_ptr_array_add (p->explanations, g_strdup_printf ("%s: guidance %.1f → %.1f", why, guidance, p->guidance));
    }
  if (p->steps != steps)
    g_ptr_array_add (p->explanations,
                     g_strdup_printf ("%s speech (%s%.0f wpm): steps %d → %d", s.rate > 0 ? "Fast" : "Slow",
                                      cues->rate_source == AT_RATE_FROM_ONSETS ? "≈ " : "", cues->rate_wpm,
                                      steps, p->steps));
  return p;
}

void
at_voice_cue_params_free (AtVoiceCueParams *params)
{
  if (params == NULL)
    return;
  g_clear_pointer (&params->explanations, g_ptr_array_unref);
  g_free (params);
}
