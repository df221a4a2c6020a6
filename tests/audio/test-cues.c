/* test-cues.c — voice cues against references that do not share their code.
 *
 * Pitch: sines and harmonic tones of known F0 measure within 2 %; a glide
 * even in semitones from f1 to f2 has a 10–90 % range of 0.8 of its span.
 * Loudness: sines and a harmonic tone match BS.1770 computed here from the
 * standard's own 48 kHz K-weighting coefficients (a 1 kHz sine at −20 dBFS
 * is −23.0 LUFS). Speech from espeak-ng: a higher pitch setting measures a
 * higher median F0; 100 wpm measures slower than 250 wpm, within 1.6× of
 * the set rate from the narration's word times, and in the same order (and
 * within 2×) from onsets alone. The mapping is monotonic, clamped and silent for a
 * neutral voice; empty, short, silent and noise-only clips fail with an
 * AT_VOICE_CUES_ERROR. Measured numbers are test messages (--verbose).
 */
#include <math.h>
#include <string.h>

#include "audio/cues.h"
#include "audio/narration.h"

#define SENTENCE "A red apple on a wooden table, beside a blue house near the sea, under a quiet evening sky."

/* --- signals --------------------------------------------------------------- */

/* Sum of harmonics k·f0 (k = 1..n_harmonics) with amplitude amp/k, seconds long. */
static AtAudio *
harmonic_tone (double f0, int n_harmonics, double amp, double seconds, int rate)
{
  AtAudio *a = at_audio_new ((gsize) (seconds * rate), rate);
  for (gsize i = 0; i < a->n; i++)
    for (int k = 1; k <= n_harmonics; k++)
      a->samples[i] += (float) (amp / k * sin (2 * G_PI * k * f0 * i / rate));
  return a;
}

/* A sine whose frequency rises evenly in semitones from f1 to f2. */
static AtAudio *
glide (double f1, double f2, double seconds, int rate)
{
  AtAudio *a = at_audio_new ((gsize) (seconds * rate), rate);
  double k = log (f2 / f1) / seconds, phase = 0.0;
  for (gsize i = 0; i < a->n; i++)
    {
      a->samples[i] = (float) (0.3 * sin (phase));
      phase += 2 * G_PI * f1 * exp (k * i / rate) / rate;
    }
  return a;
}

static AtVoiceCues *
measure_ok (const AtAudio *audio, const AtTranscript *transcript)
{
  g_autoptr (GError) error = NULL;
  AtVoiceCues *cues = at_voice_cues_measure (audio, transcript, &error);
  g_assert_no_error (error);
  g_assert_nonnull (cues);
  return cues;
}

/* --- pitch ----------------------------------------------------------------- */

static void
check_f0 (double f0, int harmonics, int rate)
{
  g_autoptr (AtAudio) a = harmonic_tone (f0, harmonics, 0.3, 2.0, rate);
  g_autoptr (AtVoiceCues) c = measure_ok (a, NULL);
  g_test_message ("%.0f Hz, %d harmonics, %d Hz: median %.2f Hz (%+.2f %%), range %.2f st, voiced %.2f", f0,
                  harmonics, rate, c->pitch_hz, 100 * (c->pitch_hz / f0 - 1), c->pitch_range_st,
                  c->voiced_fraction);
  g_assert_cmpfloat (fabs (c->pitch_hz / f0 - 1), <, 0.02);
  g_assert_cmpfloat (c->pitch_range_st, <, 0.5);
  g_assert_cmpfloat (c->voiced_fraction, >, 0.9);
}

static void
test_pitch_tones (void)
{
  const double f0s[] = { 110, 220, 330 };
  const int rates[] = { 16000, 22050, 48000 };
  for (guint i = 0; i < G_N_ELEMENTS (f0s); i++)
    for (guint r = 0; r < G_N_ELEMENTS (rates); r++)
      {
        check_f0 (f0s[i], 1, rates[r]);
        check_f0 (f0s[i], 8, rates[r]);
      }
}

static void
test_pitch_range (void)
{
  g_autoptr (AtAudio) a = glide (150, 300, 4.0, 22050);
  g_autoptr (AtVoiceCues) c = measure_ok (a, NULL);
  double want = 0.8 * 12.0;
  g_test_message ("glide 150→300 Hz: range %.2f st (want %.2f), 10%% %.1f Hz, median %.1f Hz, 90%% %.1f Hz",
                  c->pitch_range_st, want, c->pitch_low_hz, c->pitch_hz, c->pitch_high_hz);
  g_assert_cmpfloat (fabs (c->pitch_range_st - want), <, 0.5);
  g_assert_cmpfloat (fabs (c->pitch_hz / (150 * M_SQRT2) - 1), <, 0.03);
}

/* --- loudness -------------------------------------------------------------- */

/* BS.1770-4 K-weighting at 48 kHz, the coefficients as the standard prints
 * them: a high shelf, then the RLB high-pass. */
static const double shelf_b[] = { 1.53512485958697, -2.69169618940638, 1.19839281085285 };
static const double shelf_a[] = { 1.0, -1.69065929318241, 0.73248077421585 };
static const double rlb_b[] = { 1.0, -2.0, 1.0 };
static const double rlb_a[] = { 1.0, -1.99004745483398, 0.99007225036621 };

static double
biquad_power (const double *b, const double *a, double f, int rate)
{
  double w = 2 * G_PI * f / rate;
  double nr = b[0] + b[1] * cos (w) + b[2] * cos (2 * w), ni = -b[1] * sin (w) - b[2] * sin (2 * w);
  double dr = a[0] + a[1] * cos (w) + a[2] * cos (2 * w), di = -a[1] * sin (w) - a[2] * sin (2 * w);
  return (nr * nr + ni * ni) / (dr * dr + di * di);
}

/* Loudness of a steady sum of sines (amplitude amp/k at k·f0): every gating
 * block is the same, so the gates pass them all and LUFS is the K-weighted
 * mean square. */
static double
reference_lufs (double f0, int harmonics, double amp)
{
  double power = 0.0;
  for (int k = 1; k <= harmonics; k++)
    {
      double a = amp / k;
      power += a * a / 2 * biquad_power (shelf_b, shelf_a, k * f0, 48000) * biquad_power (rlb_b, rlb_a, k * f0, 48000);
    }
  return -0.691 + 10 * log10 (power);
}

static void
test_loudness (void)
{
  /* the oracle itself first: the standard's calibration point */
  double amp = pow (10, -20 / 20.0);
  g_test_message ("reference: 1 kHz at −20 dBFS = %.3f LUFS", reference_lufs (1000, 1, amp));
  g_assert_cmpfloat (fabs (reference_lufs (1000, 1, amp) - -23.0), <, 0.05);

  const struct { double f0; int harmonics; double dbfs; } cases[] = {
    { 220, 1, -20 }, { 110, 1, -30 }, { 440, 1, -12 }, { 200, 12, -20 }, { 120, 30, -26 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      double a = pow (10, cases[i].dbfs / 20.0);
      g_autoptr (AtAudio) tone = harmonic_tone (cases[i].f0, cases[i].harmonics, a, 5.0, 48000);
      g_autoptr (AtVoiceCues) c = measure_ok (tone, NULL);
      double want = reference_lufs (cases[i].f0, cases[i].harmonics, a);
      g_test_message ("%.0f Hz × %d at %.0f dBFS: %.3f LUFS (reference %.3f), LRA %.2f LU, RMS %.2f dBFS",
                      cases[i].f0, cases[i].harmonics, cases[i].dbfs, c->loudness_lufs, want,
                      c->loudness_range_lu, c->rms_dbfs);
      g_assert_cmpfloat (fabs (c->loudness_lufs - want), <, 0.1);
      g_assert_cmpfloat (c->loudness_range_lu, <, 0.5);
      if (cases[i].harmonics == 1)
        g_assert_cmpfloat (fabs (c->rms_dbfs - cases[i].dbfs), <, 0.05);
    }
}

/* --- speech ---------------------------------------------------------------- */

static AtAudio *
speak (int rate, int pitch, GPtrArray **words)
{
  AtNarrationOptions o = { NULL, rate, pitch };
  g_autoptr (GError) error = NULL;
  AtAudio *audio = at_narrate (SENTENCE, &o, words, NULL, &error);
  g_assert_no_error (error);
  return audio;
}

static void
test_speech_pitch (void)
{
  g_autoptr (AtAudio) low = speak (0, 10, NULL);
  g_autoptr (AtAudio) mid = speak (0, 50, NULL);
  g_autoptr (AtAudio) high = speak (0, 90, NULL);
  g_autoptr (AtVoiceCues) l = measure_ok (low, NULL);
  g_autoptr (AtVoiceCues) m = measure_ok (mid, NULL);
  g_autoptr (AtVoiceCues) h = measure_ok (high, NULL);
  g_test_message ("espeak-ng pitch 10/50/90: median %.1f / %.1f / %.1f Hz, range %.1f / %.1f / %.1f st, "
                  "voiced %.2f / %.2f / %.2f, %.1f / %.1f / %.1f LUFS",
                  l->pitch_hz, m->pitch_hz, h->pitch_hz, l->pitch_range_st, m->pitch_range_st, h->pitch_range_st,
                  l->voiced_fraction, m->voiced_fraction, h->voiced_fraction, l->loudness_lufs, m->loudness_lufs,
                  h->loudness_lufs);
  /* a few semitones apart at least */
  g_assert_cmpfloat (m->pitch_hz, >, l->pitch_hz * 1.1);
  g_assert_cmpfloat (h->pitch_hz, >, m->pitch_hz * 1.1);
  g_assert_cmpfloat (l->voiced_fraction, >, 0.3);
}

/* The narration's word cues as a transcript would carry them. */
static AtTranscript *
transcript_from (GPtrArray *words, const AtAudio *audio)
{
  AtTranscript *t = g_new0 (AtTranscript, 1);
  t->text = g_strdup (SENTENCE);
  t->words = g_ptr_array_ref (words);
  t->audio_seconds = at_audio_get_duration (audio);
  return t;
}

static void
assert_within_factor (double got, double want, double factor)
{
  g_assert_cmpfloat (got, >, want / factor);
  g_assert_cmpfloat (got, <, want * factor);
}

static void
test_speech_rate (void)
{
  g_autoptr (GPtrArray) slow_words = NULL;
  g_autoptr (GPtrArray) fast_words = NULL;
  g_autoptr (AtAudio) slow = speak (100, -1, &slow_words);
  g_autoptr (AtAudio) fast = speak (250, -1, &fast_words);
  g_autoptr (AtTranscript) slow_t = transcript_from (slow_words, slow);
  g_autoptr (AtTranscript) fast_t = transcript_from (fast_words, fast);

  g_autoptr (AtVoiceCues) st = measure_ok (slow, slow_t);
  g_autoptr (AtVoiceCues) ft = measure_ok (fast, fast_t);
  g_test_message ("from word times: set 100 → %.0f wpm (%u words in %.2f s), set 250 → %.0f wpm (%u in %.2f s)",
                  st->rate_wpm, st->rate_count, st->speech_s, ft->rate_wpm, ft->rate_count, ft->speech_s);
  g_assert_cmpint (st->rate_source, ==, AT_RATE_FROM_TRANSCRIPT);
  g_assert_cmpfloat (ft->rate_wpm, >, 1.5 * st->rate_wpm);
  /* espeak-ng's words per minute are nominal: it speaks ~1.3-1.4× faster */
  assert_within_factor (st->rate_wpm, 100, 1.6);
  assert_within_factor (ft->rate_wpm, 250, 1.6);

  g_autoptr (AtVoiceCues) so = measure_ok (slow, NULL);
  g_autoptr (AtVoiceCues) fo = measure_ok (fast, NULL);
  g_test_message ("from onsets: set 100 → %.1f onsets/s ≈ %.0f wpm (%u in %.2f s), set 250 → %.1f/s ≈ %.0f wpm "
                  "(%u in %.2f s)", so->onsets_per_s, so->rate_wpm, so->rate_count, so->speech_s, fo->onsets_per_s,
                  fo->rate_wpm, fo->rate_count, fo->speech_s);
  g_assert_cmpint (so->rate_source, ==, AT_RATE_FROM_ONSETS);
  g_assert_cmpfloat (fo->rate_wpm, >, 1.3 * so->rate_wpm);
  /* onsets are not syllables, nor 1.5 syllables a word: a looser factor */
  assert_within_factor (so->rate_wpm, 100, 2.0);
  assert_within_factor (fo->rate_wpm, 250, 2.0);
}

static void
test_transcript_arithmetic (void)
{
  /* ten words over exactly four seconds: 150 words per minute */
  g_autoptr (AtAudio) a = harmonic_tone (200, 4, 0.2, 5.0, 16000);
  AtTranscript t = { .text = (char *) "", .words = at_cue_array_new () };
  for (int i = 0; i < 10; i++)
    g_ptr_array_add (t.words, at_cue_new (500 + i * 400, 500 + i * 400 + 300, "word"));
  ((AtCue *) g_ptr_array_index (t.words, 9))->end_ms = 4500;
  g_autoptr (AtVoiceCues) c = measure_ok (a, &t);
  g_assert_cmpint (c->rate_source, ==, AT_RATE_FROM_TRANSCRIPT);
  g_assert_cmpuint (c->rate_count, ==, 10);
  g_assert_cmpfloat (fabs (c->rate_wpm - 150.0), <, 1e-9);
  g_autofree char *text = at_voice_cues_describe (c);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "Pitch 200 Hz"));
  g_assert_nonnull (strstr (text, "Rate 150 wpm (from transcript)"));

  /* one word is no rate: onsets then */
  g_ptr_array_set_size (t.words, 1);
  g_autoptr (AtVoiceCues) one = measure_ok (a, &t);
  g_assert_cmpint (one->rate_source, ==, AT_RATE_FROM_ONSETS);
  g_autofree char *one_text = at_voice_cues_describe (one);
  g_assert_nonnull (strstr (one_text, "no transcript"));
  g_ptr_array_unref (t.words);
}

/* --- mapping --------------------------------------------------------------- */

static AtVoiceCues
neutral_cues (void)
{
  AtVoiceCues c = { 0 };
  c.loudness_lufs = AT_VOICE_NEUTRAL_LUFS;
  c.pitch_range_st = AT_VOICE_NEUTRAL_RANGE_ST;
  c.rate_wpm = AT_VOICE_NEUTRAL_WPM;
  c.rate_source = AT_RATE_FROM_TRANSCRIPT;
  c.rate_count = 20;
  return c;
}

static void
test_mapping_neutral (void)
{
  AtVoiceCues c = neutral_cues ();
  g_autoptr (AtVoiceCueParams) p = at_voice_cues_to_params (&c, 3.0f, 12);
  g_assert_cmpfloat (p->guidance, ==, 3.0f);
  g_assert_cmpint (p->steps, ==, 12);
  g_assert_cmpuint (p->explanations->len, ==, 0);
}

static void
test_mapping_monotonic (void)
{
  float last_guidance = 0.0f;
  for (double lufs = -60; lufs <= 0; lufs += 1)
    {
      AtVoiceCues c = neutral_cues ();
      c.loudness_lufs = lufs;
      g_autoptr (AtVoiceCueParams) p = at_voice_cues_to_params (&c, 3.0f, 12);
      g_assert_cmpfloat (p->guidance, >=, last_guidance);
      g_assert_cmpfloat (fabs (p->guidance - 3.0f), <=, AT_VOICE_MAX_GUIDANCE_DELTA / 2 + 1e-6);
      last_guidance = p->guidance;
    }
  last_guidance = 0.0f;
  for (double st = 0; st <= 30; st += 0.5)
    {
      AtVoiceCues c = neutral_cues ();
      c.pitch_range_st = st;
      g_autoptr (AtVoiceCueParams) p = at_voice_cues_to_params (&c, 3.0f, 12);
      g_assert_cmpfloat (p->guidance, >=, last_guidance);
      last_guidance = p->guidance;
    }
  int last_steps = G_MAXINT;
  for (double wpm = 20; wpm <= 400; wpm += 5)
    {
      AtVoiceCues c = neutral_cues ();
      c.rate_wpm = wpm;
      g_autoptr (AtVoiceCueParams) p = at_voice_cues_to_params (&c, 3.0f, 40);
      g_assert_cmpint (p->steps, <=, last_steps);
      g_assert_cmpint (p->steps, >=, 30);
      g_assert_cmpint (p->steps, <=, 50);
      last_steps = p->steps;
    }
}

static void
test_mapping_clamped (void)
{
  AtVoiceCues loud = neutral_cues ();
  loud.loudness_lufs = 0;
  loud.pitch_range_st = 40;
  loud.rate_wpm = 600;
  g_autoptr (AtVoiceCueParams) up = at_voice_cues_to_params (&loud, 2.5f, 12);
  g_assert_cmpfloat (fabs (up->guidance - 3.5f), <, 1e-6);
  g_assert_cmpint (up->steps, ==, 9);
  g_assert_cmpuint (up->explanations->len, ==, 2);
  g_test_message ("%s; %s", (char *) up->explanations->pdata[0], (char *) up->explanations->pdata[1]);
  g_assert_cmpstr (up->explanations->pdata[0], ==, "Loud voice, wide pitch range: guidance 2.5 → 3.5");
  g_assert_cmpstr (up->explanations->pdata[1], ==, "Fast speech (600 wpm): steps 12 → 9");

  /* the request's own limits hold */
  g_autoptr (AtVoiceCueParams) top = at_voice_cues_to_params (&loud, 29.8f, 1);
  g_assert_cmpfloat (top->guidance, ==, 30.0f);
  g_assert_cmpint (top->steps, ==, 1);
  AtVoiceCues quiet = neutral_cues ();
  quiet.loudness_lufs = -70;
  quiet.pitch_range_st = 0;
  quiet.rate_wpm = 10;
  g_autoptr (AtVoiceCueParams) down = at_voice_cues_to_params (&quiet, 1.5f, 200);
  g_assert_cmpfloat (down->guidance, ==, 1.0f);
  g_assert_cmpint (down->steps, ==, 200);
  g_assert_cmpstr (down->explanations->pdata[0], ==, "Quiet voice, narrow pitch range: guidance 1.5 → 1.0");

  /* no words or onsets counted: the rate is unknown, steps stay */
  AtVoiceCues hum = neutral_cues ();
  hum.rate_source = AT_RATE_FROM_ONSETS;
  hum.rate_count = 0;
  hum.rate_wpm = 0;
  g_autoptr (AtVoiceCueParams) still = at_voice_cues_to_params (&hum, 3.0f, 12);
  g_assert_cmpint (still->steps, ==, 12);
  g_autofree char *hum_text = at_voice_cues_describe (&hum);
  g_assert_nonnull (strstr (hum_text, "Rate unknown"));

  /* guidance that is off stays off */
  g_autoptr (AtVoiceCueParams) off = at_voice_cues_to_params (&loud, 1.0f, 12);
  g_assert_cmpfloat (off->guidance, ==, 1.0f);
}

/* --- errors ---------------------------------------------------------------- */

static void
expect_error (const AtAudio *audio, int code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtVoiceCues) c = at_voice_cues_measure (audio, NULL, &error);
  g_assert_null (c);
  g_assert_error (error, AT_VOICE_CUES_ERROR, code);
  g_test_message ("%s", error->message);
}

static void
test_errors (void)
{
  g_autoptr (AtAudio) empty = at_audio_new (0, 16000);
  expect_error (empty, AT_VOICE_CUES_ERROR_EMPTY);
  g_autoptr (AtAudio) short_tone = harmonic_tone (200, 3, 0.3, 0.3, 16000);
  expect_error (short_tone, AT_VOICE_CUES_ERROR_TOO_SHORT);
  g_autoptr (AtAudio) silent = at_audio_new (32000, 16000);
  expect_error (silent, AT_VOICE_CUES_ERROR_NO_VOICE);
  g_autoptr (AtAudio) noise = at_audio_new (48000, 16000);
  GRand *rand = g_rand_new_with_seed (7);
  for (gsize i = 0; i < noise->n; i++)
    noise->samples[i] = (float) g_rand_double_range (rand, -0.3, 0.3);
  g_rand_free (rand);
  expect_error (noise, AT_VOICE_CUES_ERROR_NO_VOICE);
  /* a whistle far above any voice is not a voice either */
  g_autoptr (AtAudio) whistle = harmonic_tone (1000, 1, 0.3, 2.0, 16000);
  expect_error (whistle, AT_VOICE_CUES_ERROR_NO_VOICE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cues/pitch/tones", test_pitch_tones);
  g_test_add_func ("/cues/pitch/range", test_pitch_range);
  g_test_add_func ("/cues/loudness", test_loudness);
  g_test_add_func ("/cues/speech/pitch", test_speech_pitch);
  g_test_add_func ("/cues/speech/rate", test_speech_rate);
  g_test_add_func ("/cues/rate/transcript", test_transcript_arithmetic);
  g_test_add_func ("/cues/mapping/neutral", test_mapping_neutral);
  g_test_add_func ("/cues/mapping/monotonic", test_mapping_monotonic);
  g_test_add_func ("/cues/mapping/clamped", test_mapping_clamped);
  g_test_add_func ("/cues/errors", test_errors);
  return g_test_run ();
}
