/* test-voice-tone.c — tone labels from voice cues: the rule of
 * docs/VOICE_CUES.md on cues set by hand (each label, and the borders
 * between them), then on sound measured by at_voice_cues_measure(): quiet
 * slow espeak-ng speech is calm, a loud sweep over an octave and a half is
 * energetic, a steady tone at the neutral level is calm (its pitch is flat). */
#include <math.h>

#include "audio/narration.h"
#include "audio/voice-tone.h"

static AtVoiceCues
cues (double lufs, double range_st, double wpm)
{
  AtVoiceCues c = { 0 };
  c.loudness_lufs = lufs;
  c.pitch_range_st = range_st;
  c.rate_wpm = wpm;
  c.rate_source = AT_RATE_FROM_TRANSCRIPT;
  c.rate_count = wpm > 0 ? 20 : 0;
  return c;
}

static AtVoiceTone
tone (double lufs, double range_st, double wpm)
{
  AtVoiceCues c = cues (lufs, range_st, wpm);
  return at_voice_tone_from_cues (&c);
}

static void
test_rule (void)
{
  const double L = AT_VOICE_NEUTRAL_LUFS, R = AT_VOICE_NEUTRAL_RANGE_ST, W = AT_VOICE_NEUTRAL_WPM;
  g_assert_cmpint (tone (L, R, W), ==, AT_VOICE_TONE_NEUTRAL);
  /* energy = mean of loudness (10 LU = 1) and range (7 st = 1) scores */
  g_assert_cmpint (tone (L + 8, R, W), ==, AT_VOICE_TONE_ENERGETIC);   /* energy 0.4 */
  g_assert_cmpint (tone (L + 4, R, W), ==, AT_VOICE_TONE_NEUTRAL);     /* 0.2 */
  g_assert_cmpint (tone (L, R + 6, W), ==, AT_VOICE_TONE_ENERGETIC);   /* 0.43 */
  g_assert_cmpint (tone (L - 8, R, W), ==, AT_VOICE_TONE_CALM);
  g_assert_cmpint (tone (L - 8, R, W + 40), ==, AT_VOICE_TONE_NEUTRAL); /* quiet but hurried */
  g_assert_cmpint (tone (L - 8, R, 0), ==, AT_VOICE_TONE_CALM);        /* rate unknown: not fast */
  /* fast (+100 wpm = 1) and narrower than neutral: tense, even when loud */
  g_assert_cmpint (tone (L, R - 2, W + 40), ==, AT_VOICE_TONE_TENSE);
  g_assert_cmpint (tone (L + 8, R - 2, W + 40), ==, AT_VOICE_TONE_TENSE);
  g_assert_cmpint (tone (L + 8, R + 2, W + 40), ==, AT_VOICE_TONE_ENERGETIC);
  g_assert_cmpint (tone (L, R - 2, W + 20), ==, AT_VOICE_TONE_NEUTRAL);  /* rate 0.2: not fast enough */
  g_assert_cmpstr (at_voice_tone_to_string (AT_VOICE_TONE_CALM), ==, "calm");
  g_assert_cmpstr (at_voice_tone_to_string (AT_VOICE_TONE_TENSE), ==, "tense");
}

static AtVoiceTone
measured_tone (const AtAudio *audio)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtVoiceCues) c = at_voice_cues_measure (audio, NULL, &error);
  g_assert_no_error (error);
  g_autofree char *described = at_voice_cues_describe (c);
  AtVoiceTone t = at_voice_tone_from_cues (c);
  g_test_message ("%s -> %s", described, at_voice_tone_to_string (t));
  return t;
}

static void
test_measured (void)
{
  AtNarrationOptions o = { NULL, 110, -1 };
  g_autoptr (GError) error = NULL;
  g_autoptr (AtAudio) speech = at_narrate ("a small grey cat sleeps on a soft blue chair by the window", &o, NULL, NULL,
                                           &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < speech->n; i++)
    speech->samples[i] *= 0.05f;   /* -26 dB: far under the neutral level */
  g_assert_cmpint (measured_tone (speech), ==, AT_VOICE_TONE_CALM);

  /* a loud sweep from 110 to 330 Hz (19 st), harmonics and all */
  int rate = 16000;
  g_autoptr (AtAudio) sweep = at_audio_new (2 * rate, rate);
  double phase = 0.0;
  for (gsize i = 0; i < sweep->n; i++)
    {
      double f0 = 110.0 * pow (3.0, (double) i / sweep->n);
      phase += 2 * G_PI * f0 / rate;
      for (int k = 1; k <= 4; k++)
        sweep->samples[i] += (float) (0.4 / k * sin (k * phase));
    }
  g_assert_cmpint (measured_tone (sweep), ==, AT_VOICE_TONE_ENERGETIC);

  /* a steady tone at the neutral level: a flat pitch, so calm, never energetic or tense */
  g_autoptr (AtAudio) steady = at_audio_new (2 * rate, rate);
  for (gsize i = 0; i < steady->n; i++)
    steady->samples[i] = (float) (0.1 * sin (2 * G_PI * 150.0 * i / rate) + 0.05 * sin (2 * G_PI * 300.0 * i / rate));
  g_assert_cmpint (measured_tone (steady), ==, AT_VOICE_TONE_CALM);
}

/* The style hint follows the label at the rule's borders: the prompt
 * changes only past a threshold, and by the words docs/VOICE_CUES.md
 * states for that label. */
static char *
hinted (double lufs, double range_st, double wpm)
{
  return at_voice_tone_hint_prompt ("red apple", tone (lufs, range_st, wpm));
}

static void
test_style_hint (void)
{
  const double L = AT_VOICE_NEUTRAL_LUFS, R = AT_VOICE_NEUTRAL_RANGE_ST, W = AT_VOICE_NEUTRAL_WPM;
  const double t = AT_VOICE_TONE_THRESHOLD;
  struct {
    double lufs, range, wpm;
    const char *prompt;
  } cases[] = {
    { L, R, W, "red apple" },                                      /* neutral: unchanged */
    { L + 10 * t * 2 + 0.1, R, W, "red apple, bright colorful" },  /* energy just past 0.3 */
    { L + 10 * t * 2 - 0.1, R, W, "red apple" },                   /* just short of it */
    { L - 10 * t * 2 - 0.1, R, W, "red apple, soft pale" },        /* energy just under -0.3 */
    { L - 10 * t * 2 + 0.1, R, W, "red apple" },
    { L - 10 * t * 2 - 0.1, R, W + 1, "red apple" },               /* quiet but not slow */
    { L, R - 0.5, W + 100 * t + 1, "red apple, dark sharp" },      /* rate just past 0.3, narrow */
    { L, R - 0.5, W + 100 * t - 1, "red apple" },
    { L, R + 0.5, W + 100 * t + 1, "red apple" },                  /* fast but not narrow */
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *p = hinted (cases[i].lufs, cases[i].range, cases[i].wpm);
      g_assert_cmpstr (p, ==, cases[i].prompt);
    }
  g_assert_null (at_voice_tone_style_words (AT_VOICE_TONE_NEUTRAL));
  /* no prompt: the words alone; neutral and no prompt: still none */
  g_autofree char *alone = at_voice_tone_hint_prompt (NULL, AT_VOICE_TONE_CALM);
  g_assert_cmpstr (alone, ==, "soft pale");
  g_autofree char *none = at_voice_tone_hint_prompt (NULL, AT_VOICE_TONE_NEUTRAL);
  g_assert_null (none);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/voice-tone/rule", test_rule);
  g_test_add_func ("/voice-tone/measured", test_measured);
  g_test_add_func ("/voice-tone/style-hint", test_style_hint);
  return g_test_run ();
}
