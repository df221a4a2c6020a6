/* test-narration.c — espeak-ng narration, its word cues, and subtitle files.
 *
 * Narration: a longer text gives longer audio, a faster rate shorter audio
 * (both within a factor of the words-per-minute arithmetic); word cues are
 * strictly ordered, inside the audio and carry every word of the text;
 * subtitle lines made from them cover the audio (first line within 300 ms
 * of the start, last line to the last millisecond). Bad input (empty text,
 * unknown voice, rates and pitches out of range, invalid UTF-8) gives an
 * AT_NARRATION_ERROR, never a crash. Several threads may narrate at once.
 *
 * Subtitles: grouping respects the line length and duration limits and
 * breaks at sentence ends; SRT and WebVTT written by Atelier read back to
 * the same cues; files as other tools write them (BOM, CRLF, VTT settings,
 * NOTE blocks, hour-less times) parse; corrupt and empty files fail with
 * AT_SUBTITLE_ERROR.
 */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "test-util.h"
#include "audio/narration.h"
#include "media/subtitles.h"

static AtAudio *
narrate_ok (const char *text, int rate, GPtrArray **cues)
{
  AtNarrationOptions o = AT_NARRATION_OPTIONS_INIT;
  o.rate = rate;
  g_autoptr (GError) error = NULL;
  AtAudio *audio = at_narrate (text, &o, cues, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (audio);
  return audio;
}

static guint
count_words (const char *text)
{
  g_auto (GStrv) words = g_strsplit_set (text, " \t\n", -1);
  guint n = 0;
  for (int i = 0; words[i] != NULL; i++)
    n += words[i][0] != '\0';
  return n;
}

static void
test_duration_scale (void)
{
  const char *short_text = "A red apple.";
  const char *long_text = "A red apple on a wooden table, beside a blue house near the sea, under a quiet "
                          "evening sky with a few small clouds.";
  g_autoptr (AtAudio) s = narrate_ok (short_text, 0, NULL);
  g_autoptr (AtAudio) l = narrate_ok (long_text, 0, NULL);
  double ds = at_audio_get_duration (s), dl = at_audio_get_duration (l);
  g_test_message ("175 wpm: %u words %.2f s, %u words %.2f s", count_words (short_text), ds,
                  count_words (long_text), dl);
  g_assert_cmpint (s->rate, ==, 22050);
  g_assert_cmpfloat (dl, >, 3 * ds);
  /* words / rate: espeak-ng's "words per minute" are nominal; stay within 2× */
  double expected = count_words (long_text) * 60.0 / AT_NARRATION_RATE_DEFAULT;
  g_assert_cmpfloat (dl, >, expected / 2);
  g_assert_cmpfloat (dl, <, expected * 2);

  g_autoptr (AtAudio) slow = narrate_ok (long_text, 100, NULL);
  g_autoptr (AtAudio) fast = narrate_ok (long_text, 300, NULL);
  double d_slow = at_audio_get_duration (slow), d_fast = at_audio_get_duration (fast);
  g_test_message ("100 wpm %.2f s, 175 wpm %.2f s, 300 wpm %.2f s", d_slow, dl, d_fast);
  g_assert_cmpfloat (d_slow, >, dl);
  g_assert_cmpfloat (dl, >, d_fast);
  g_assert_cmpfloat (d_slow, >, 2.0 * d_fast);   /* 3× nominal; pauses scale less */

  /* pitch changes the sound, not the timing much */
  AtNarrationOptions o = AT_NARRATION_OPTIONS_INIT;
  o.pitch = 90;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtAudio) high = at_narrate (short_text, &o, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (fabs (at_audio_get_duration (high) - ds), <, 0.25 * ds);
  gboolean differs = high->n != s->n;
  for (gsize i = 0; !differs && i < s->n; i++)
    differs = high->samples[i] != s->samples[i];
  g_assert_true (differs);
}

static void
assert_cues_sane (GPtrArray *cues, const AtAudio *audio)
{
  gint64 audio_ms = (gint64) audio->n * 1000 / audio->rate;
  gint64 prev_end = 0;
  for (guint i = 0; i < cues->len; i++)
    {
      const AtCue *c = cues->pdata[i];
      g_assert_cmpint (c->start_ms, >=, prev_end);
      g_assert_cmpint (c->end_ms, >, c->start_ms);
      g_assert_cmpint (c->end_ms, <=, audio_ms);
      g_assert_cmpstr (c->text, !=, "");
      prev_end = c->end_ms;
    }
}

static void
test_word_cues (void)
{
  const char *text = "Hello, world. A red apple on a wooden table; the year 1999! \"Quoted\" words, end.";
  g_autoptr (GPtrArray) cues = NULL;
  g_autoptr (AtAudio) audio = narrate_ok (text, 0, &cues);
  assert_cues_sane (cues, audio);
  /* one cue per written word ("1999" is one, though spoken as three), and
   * together they hold the text */
  g_assert_cmpuint (cues->len, ==, count_words (text));
  GString *joined = g_string_new (NULL);
  for (guint i = 0; i < cues->len; i++)
    g_string_append_printf (joined, "%s%s", i > 0 ? " " : "", ((AtCue *) cues->pdata[i])->text);
  g_assert_cmpstr (joined->str, ==, text);
  g_string_free (joined, TRUE);
  g_assert_cmpstr (((AtCue *) cues->pdata[1])->text, ==, "world.");
  /* speech, not silence, under the first word */
  const AtCue *first = cues->pdata[0];
  double energy = 0;
  for (gint64 i = first->start_ms * audio->rate / 1000; i < first->end_ms * audio->rate / 1000; i++)
    energy += audio->samples[i] * audio->samples[i];
  g_assert_cmpfloat (energy, >, 1.0);
  /* the sentence pause after "world." lies between the cues */
  const AtCue *w1 = cues->pdata[1], *w2 = cues->pdata[2];
  g_assert_cmpint (w2->start_ms - w1->end_ms, >, 100);

  g_autoptr (GPtrArray) lines = at_subtitles_group (cues, AT_SUBTITLE_MAX_CHARS, AT_SUBTITLE_MAX_MS,
                                                    (gint64) audio->n * 1000 / audio->rate);
  g_assert_cmpuint (lines->len, >=, 3);
  assert_cues_sane (lines, audio);
  g_assert_cmpint (((AtCue *) lines->pdata[0])->start_ms, <, 300);
  g_assert_cmpint (((AtCue *) lines->pdata[lines->len - 1])->end_ms, ==, (gint64) audio->n * 1000 / audio->rate);
  for (guint i = 0; i + 1 < lines->len; i++)
    g_assert_cmpint (((AtCue *) lines->pdata[i])->end_ms, ==, ((AtCue *) lines->pdata[i + 1])->start_ms);
  g_assert_cmpstr (((AtCue *) lines->pdata[0])->text, ==, "Hello, world.");
}

static void
test_errors (void)
{
  struct {
    const char *text, *voice;
    int rate, pitch, code;
  } cases[] = {
    { "", NULL, 0, -1, AT_NARRATION_ERROR_EMPTY },
    { "  \n\t ... ", NULL, 0, -1, AT_NARRATION_ERROR_EMPTY },
    { "hello", "no-such-voice", 0, -1, AT_NARRATION_ERROR_UNKNOWN_VOICE },
    { "hello", "en-us+nonsense-variant-that-is-not-a-voice", 0, -1, AT_NARRATION_ERROR_UNKNOWN_VOICE },
    { "hello", NULL, 79, -1, AT_NARRATION_ERROR_INVALID },
    { "hello", NULL, 451, -1, AT_NARRATION_ERROR_INVALID },
    { "hello", NULL, 0, 100, AT_NARRATION_ERROR_INVALID },
    { "hello", NULL, 0, -2, AT_NARRATION_ERROR_INVALID },
    { "hel\xff\xfelo", NULL, 0, -1, AT_NARRATION_ERROR_INVALID },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      AtNarrationOptions o = { cases[i].voice, cases[i].rate, cases[i].pitch };
      g_autoptr (GError) error = NULL;
      GPtrArray *cues = NULL;
      g_autoptr (AtAudio) audio = at_narrate (cases[i].text, &o, &cues, NULL, &error);
      if (cases[i].code == AT_NARRATION_ERROR_UNKNOWN_VOICE && audio != NULL)
        {
          /* espeak-ng ignores unknown variants after '+'; that is acceptable */
          g_clear_pointer (&cues, g_ptr_array_unref);
          continue;
        }
      g_assert_error (error, AT_NARRATION_ERROR, cases[i].code);
      g_assert_null (audio);
      g_assert_null (cues);
      g_test_message ("%s", error->message);
    }
  /* too long to be a narration */
  g_autofree char *essay = g_strnfill (AT_NARRATION_MAX_CHARS + 1, 'a');
  for (int i = 1; i < AT_NARRATION_MAX_CHARS; i += 5)
    essay[i] = ' ';
  g_autoptr (GError) long_error = NULL;
  g_assert_null (at_narrate (essay, NULL, NULL, NULL, &long_error));
  g_assert_error (long_error, AT_NARRATION_ERROR, AT_NARRATION_ERROR_INVALID);
  g_assert_nonnull (strstr (long_error->message, "too long"));

  /* a voice by name, by language and by identifier */
  const char *voices[] = { "English (America)", "en-gb", "gmw/en-US", "en-us+f3" };
  for (guint i = 0; i < G_N_ELEMENTS (voices); i++)
    {
      AtNarrationOptions o = { voices[i], 0, -1 };
      g_autoptr (GError) error = NULL;
      g_autoptr (AtAudio) audio = at_narrate ("hello", &o, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (audio->n, >, 1000);
    }
}

static void
test_list_voices (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) voices = at_narration_list_voices (&error);
  g_assert_no_error (error);
  gboolean en_us = FALSE;
  for (guint i = 0; i < voices->len; i++)
    {
      const AtVoiceInfo *v = voices->pdata[i];
      g_assert_cmpstr (v->name, !=, "");
      en_us |= g_strcmp0 (v->language, "en-us") == 0;
    }
  g_assert_cmpuint (voices->len, >, 10);
  g_assert_true (en_us);
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Median F0 in Hz of the loud 40 ms frames, by the autocorrelation peak
 * between 60 and 400 Hz: a plain estimate, enough to order two voices. */
static double
median_f0 (const AtAudio *a)
{
  const int frame = a->rate / 25, lo = a->rate / 400, hi = a->rate / 60;
  g_autoptr (GArray) f0 = g_array_new (FALSE, FALSE, sizeof (double));
  for (gsize at = 0; at + frame + hi < a->n; at += frame / 2)
    {
      const float *x = a->samples + at;
      double r0 = 0, best = 0;
      int best_lag = 0;
      for (int i = 0; i < frame; i++)
        r0 += x[i] * x[i];
      for (int lag = lo; lag <= hi; lag++)
        {
          double r = 0;
          for (int i = 0; i < frame; i++)
            r += x[i] * x[i + lag];
          if (r > best)
            best = r, best_lag = lag;
        }
      if (r0 > 1e-3 * frame && best > 0.5 * r0)
        {
          double hz = (double) a->rate / best_lag;
          g_array_append_val (f0, hz);
        }
    }
  g_assert_cmpuint (f0->len, >, 5);
  g_array_sort (f0, compare_doubles);
  return g_array_index (f0, double, f0->len / 2);
}

static AtAudio *
narrate_with (const char *text, const char *voice, int rate, int pitch, GPtrArray **cues)
{
  AtNarrationOptions o = { voice, rate, pitch };
  g_autoptr (GError) error = NULL;
  AtAudio *audio = at_narrate (text, &o, cues, NULL, &error);
  g_assert_no_error (error);
  return audio;
}

/* flite's voices: listed, word cues that hold the text, rate and pitch
 * that do what they say. */
static void
test_flite (void)
{
  g_autoptr (GPtrArray) voices = at_narration_list_voices (NULL);
  guint n_flite = 0;
  for (guint i = 0; i < voices->len; i++)
    n_flite += g_str_has_prefix (((AtVoiceInfo *) voices->pdata[i])->identifier, "flite/");
  g_assert_cmpuint (n_flite, ==, 3);

  const char *text = "A red apple on a wooden table - beside a blue house, in 1999.";
  const char *ids[] = { "flite/slt", "flite/rms", "FLITE/awb" };
  for (guint v = 0; v < G_N_ELEMENTS (ids); v++)
    {
      g_autoptr (GPtrArray) cues = NULL;
      g_autoptr (AtAudio) audio = narrate_with (text, ids[v], 0, -1, &cues);
      g_assert_cmpint (audio->rate, ==, 16000);
      assert_cues_sane (cues, audio);
      GString *joined = g_string_new (NULL);
      for (guint i = 0; i < cues->len; i++)
        g_string_append_printf (joined, "%s%s", i > 0 ? " " : "", ((AtCue *) cues->pdata[i])->text);
      g_assert_cmpstr (joined->str, ==, text);
      g_string_free (joined, TRUE);
      double expected = count_words (text) * 60.0 / AT_NARRATION_RATE_DEFAULT;
      g_test_message ("%s: %.2f s for %u words (%.2f s at 175 wpm)", ids[v], at_audio_get_duration (audio),
                      count_words (text), expected);
      g_assert_cmpfloat (at_audio_get_duration (audio), >, expected / 2);
      g_assert_cmpfloat (at_audio_get_duration (audio), <, expected * 2);
    }

  g_autoptr (AtAudio) slow = narrate_with (text, "flite/slt", 100, -1, NULL);
  g_autoptr (AtAudio) fast = narrate_with (text, "flite/slt", 300, -1, NULL);
  g_assert_cmpfloat (at_audio_get_duration (slow), >, 2.0 * at_audio_get_duration (fast));

  g_autoptr (AtAudio) low = narrate_with (text, "flite/slt", 0, 10, NULL);
  g_autoptr (AtAudio) high = narrate_with (text, "flite/slt", 0, 90, NULL);
  double f_low = median_f0 (low), f_high = median_f0 (high);
  g_test_message ("flite/slt median F0: pitch 10 %.0f Hz, pitch 90 %.0f Hz", f_low, f_high);
  /* 80 steps are 0.8 octave: ×1.74; allow the estimate a margin */
  g_assert_cmpfloat (f_high / f_low, >, 1.4);
  g_assert_cmpfloat (f_high / f_low, <, 2.2);

  AtNarrationOptions o = { "flite/nobody", 0, -1 };
  g_autoptr (GError) error = NULL;
  g_assert_null (at_narrate (text, &o, NULL, NULL, &error));
  g_assert_error (error, AT_NARRATION_ERROR, AT_NARRATION_ERROR_UNKNOWN_VOICE);
}

static gpointer
narrate_thread (gpointer data)
{
  AtNarrationOptions o = AT_NARRATION_OPTIONS_INIT;
  o.rate = GPOINTER_TO_INT (data);
  AtAudio *audio = at_narrate ("Four threads speak at once.", &o, NULL, NULL, NULL);
  return audio;
}

static void
test_threads (void)
{
  GThread *threads[4];
  for (int i = 0; i < 4; i++)
    threads[i] = g_thread_new ("narrate", narrate_thread, GINT_TO_POINTER (i % 2 == 0 ? 150 : 250));
  gsize n[4];
  for (int i = 0; i < 4; i++)
    {
      g_autoptr (AtAudio) audio = g_thread_join (threads[i]);
      g_assert_nonnull (audio);
      n[i] = audio->n;
    }
  /* same settings, same length: no thread saw another's rate. (espeak-ng
   * 1.51 is not bit-exact from call to call even in one thread: lengths
   * vary by ~1%.) */
  g_assert_cmpfloat (fabs ((double) n[0] - n[2]), <, 0.03 * n[0]);
  g_assert_cmpfloat (fabs ((double) n[1] - n[3]), <, 0.03 * n[1]);
  g_assert_cmpfloat (n[0], >, 1.4 * n[1]);
}

static void
test_cancel (void)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_cancellable_cancel (cancellable);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtAudio) audio = at_narrate ("This will not be heard.", NULL, NULL, cancellable, &error);
  g_assert_error (error, AT_NARRATION_ERROR, AT_NARRATION_ERROR_CANCELLED);
  g_assert_null (audio);
  /* and the synthesiser still works afterwards */
  g_autoptr (AtAudio) again = narrate_ok ("Still here.", 0, NULL);
}

typedef struct {
  GMainLoop *loop;
  AtAudio *audio;
  GPtrArray *cues;
  GError *error;
  GThread *thread;
} AsyncRun;

static void
on_narrated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncRun *run = user_data;
  run->thread = g_thread_self ();
  run->audio = at_narrate_finish (result, &run->cues, &run->error);
  g_main_loop_quit (run->loop);
}

/* The studio's way: the work on a worker, the result on the main loop. */
static void
test_async (void)
{
  AsyncRun run = { g_main_loop_new (NULL, FALSE) };
  at_narrate_async ("Spoken off the main thread.", NULL, NULL, on_narrated, &run);
  g_main_loop_run (run.loop);
  g_assert_no_error (run.error);
  g_assert_true (run.thread == g_thread_self ());
  g_assert_nonnull (run.audio);
  g_assert_cmpuint (run.cues->len, ==, 5);
  g_clear_pointer (&run.audio, at_audio_free);
  g_clear_pointer (&run.cues, g_ptr_array_unref);

  /* errors and cancellation arrive the same way */
  at_narrate_async ("   ", NULL, NULL, on_narrated, &run);
  g_main_loop_run (run.loop);
  g_assert_error (run.error, AT_NARRATION_ERROR, AT_NARRATION_ERROR_EMPTY);
  g_assert_null (run.audio);
  g_assert_null (run.cues);
  g_clear_error (&run.error);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_cancellable_cancel (cancellable);
  at_narrate_async ("Never heard.", NULL, cancellable, on_narrated, &run);
  g_main_loop_run (run.loop);
  g_assert_error (run.error, AT_NARRATION_ERROR, AT_NARRATION_ERROR_CANCELLED);
  g_clear_error (&run.error);
  g_main_loop_unref (run.loop);
}

static void
add_word (GPtrArray *words, gint64 start, gint64 end, const char *text)
{
  g_ptr_array_add (words, at_cue_new (start, end, text));
}

/* Every line is at most max_chars long and lasts at most max_ms. */
static void
assert_lines_within (GPtrArray *lines, gsize max_chars, gint64 max_ms)
{
  for (guint i = 0; i < lines->len; i++)
    {
      const AtCue *c = lines->pdata[i];
      g_assert_cmpint (strlen (c->text), <=, max_chars);
      g_assert_cmpint (c->end_ms - c->start_ms, <=, max_ms);
    }
}

/* words, 350 ms each, one after another from 0 */
static GPtrArray *
timed_words (const char *text)
{
  GPtrArray *words = at_cue_array_new ();
  g_auto (GStrv) parts = g_strsplit (text, " ", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    add_word (words, i * 350, i * 350 + 330, parts[i]);
  return words;
}

static const char *
line_text (GPtrArray *lines, guint i)
{
  return ((AtCue *) lines->pdata[i])->text;
}

/* Bug: lines broke wherever the next word overflowed, mid-clause, and a
 * sentence's last word or two flashed by alone. */
static void
test_group_clauses_and_tails (void)
{
  /* 88 characters: two lines, broken after the comma, not at 42 */
  g_autoptr (GPtrArray) clause = timed_words ("When the seed falls into the dark soil, a small green sprout grows towards the light.");
  g_autoptr (GPtrArray) lines = at_subtitles_group (clause, 42, 7000, 0);
  assert_lines_within (lines, 42, 7000);
  g_assert_cmpuint (lines->len, ==, 3);
  g_assert_cmpstr (line_text (lines, 0), ==, "When the seed falls into the dark soil,");
  /* the rest (46 characters) in two even lines rather than 41 + 5 */
  glong a = g_utf8_strlen (line_text (lines, 1), -1), b = g_utf8_strlen (line_text (lines, 2), -1);
  g_test_message ("“%s” | “%s”", line_text (lines, 1), line_text (lines, 2));
  g_assert_cmpint (ABS (a - b), <=, 12);

  /* greedy filling would leave "again." alone for 330 ms */
  g_autoptr (GPtrArray) tail = timed_words ("The little red kite climbs over the hill again.");
  g_autoptr (GPtrArray) tail_lines = at_subtitles_group (tail, 42, 7000, 0);
  assert_lines_within (tail_lines, 42, 7000);
  for (guint i = 0; i < tail_lines->len; i++)
    {
      AtCue *c = tail_lines->pdata[i];
      g_test_message ("%u: “%s” %" G_GINT64_FORMAT " ms", i, c->text, c->end_ms - c->start_ms);
      g_assert_cmpint (c->end_ms - c->start_ms, >=, AT_SUBTITLE_MIN_MS);
    }
  /* a short sentence of its own stays one line, however short */
  g_autoptr (GPtrArray) yes = timed_words ("Yes. The seed grows.");
  g_autoptr (GPtrArray) yes_lines = at_subtitles_group (yes, 42, 7000, 0);
  g_assert_cmpuint (yes_lines->len, ==, 2);
  g_assert_cmpstr (line_text (yes_lines, 0), ==, "Yes.");
}

static void
test_group_limits (void)
{
  g_autoptr (GPtrArray) words = at_cue_array_new ();
  /* 30 words of 9 characters, 400 ms each: lines must split by length */
  for (int i = 0; i < 30; i++)
    add_word (words, i * 400, i * 400 + 350, "abcdefghi");
  g_autoptr (GPtrArray) lines = at_subtitles_group (words, 42, 7000, 0);
  assert_lines_within (lines, 42, 7000);
  g_assert_cmpuint (lines->len, ==, 8);   /* 4 words (39 chars) a line */

  /* slow words: lines must split by time */
  g_autoptr (GPtrArray) slow = at_cue_array_new ();
  for (int i = 0; i < 10; i++)
    add_word (slow, i * 2000, i * 2000 + 1900, "so");
  g_autoptr (GPtrArray) slow_lines = at_subtitles_group (slow, 42, 7000, 0);
  assert_lines_within (slow_lines, 42, 7000);
  g_assert_cmpuint (slow_lines->len, ==, 4);

  /* a sentence end breaks the line; overlapping input comes out ordered */
  g_autoptr (GPtrArray) s = at_cue_array_new ();
  add_word (s, 0, 300, "Stop.");
  add_word (s, 250, 600, "Go");   /* starts before "Stop." ends */
  add_word (s, 600, 900, "now!\"");
  add_word (s, 3000, 3300, "Later");
  g_autoptr (GPtrArray) sl = at_subtitles_group (s, 42, 7000, 5000);
  g_assert_cmpuint (sl->len, ==, 3);
  g_assert_cmpstr (((AtCue *) sl->pdata[0])->text, ==, "Stop.");
  g_assert_cmpstr (((AtCue *) sl->pdata[1])->text, ==, "Go now!\"");
  g_assert_cmpint (((AtCue *) sl->pdata[1])->start_ms, >=, ((AtCue *) sl->pdata[0])->end_ms);
  /* a gap over AT_SUBTITLE_MAX_GAP_MS stays open; the last line reaches the end */
  g_assert_cmpint (((AtCue *) sl->pdata[1])->end_ms, ==, 900);
  g_assert_cmpint (((AtCue *) sl->pdata[2])->end_ms, ==, 5000);

  g_autoptr (GPtrArray) no_words = at_cue_array_new ();
  g_autoptr (GPtrArray) none = at_subtitles_group (no_words, 42, 7000, 1000);
  g_assert_cmpuint (none->len, ==, 0);
}

static void
assert_same_cues (GPtrArray *a, GPtrArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      const AtCue *x = a->pdata[i], *y = b->pdata[i];
      g_assert_cmpint (x->start_ms, ==, y->start_ms);
      g_assert_cmpint (x->end_ms, ==, y->end_ms);
      g_assert_cmpstr (x->text, ==, y->text);
    }
}

static void
test_round_trip (void)
{
  g_autoptr (GPtrArray) words = NULL;
  g_autoptr (AtAudio) audio = narrate_ok ("Subtitles go out and come back. Every line, every millisecond, "
                                          "the same as it was written. Even across an hour: see below.",
                                          0, &words);
  gint64 audio_ms = (gint64) audio->n * 1000 / audio->rate;
  g_autoptr (GPtrArray) lines = at_subtitles_group (words, AT_SUBTITLE_MAX_CHARS, AT_SUBTITLE_MAX_MS, audio_ms);
  /* times past an hour and two-line text survive too */
  g_ptr_array_add (lines, at_cue_new (3600000 + 61001, 3600000 + 62999, "Late line\nwith two rows – and ünïcode"));
  for (int f = 0; f < 2; f++)
    {
      AtSubtitleFormat format = f == 0 ? AT_SUBTITLE_SRT : AT_SUBTITLE_VTT;
      g_autofree char *path = test_tmp_path (f == 0 ? "round.srt" : "round.vtt");
      g_autoptr (GError) error = NULL;
      g_assert_true (at_subtitles_save (lines, path, format, &error));
      g_assert_no_error (error);
      g_autofree char *data = NULL;
      g_assert_true (g_file_get_contents (path, &data, NULL, NULL));
      if (f == 0)
        g_assert_nonnull (strstr (data, "01:01:01,001 --> 01:01:02,999\nLate line\nwith two rows"));
      else
        g_assert_true (g_str_has_prefix (data, "WEBVTT\n\n1\n00:00:00."));
      g_autoptr (GPtrArray) back = at_subtitles_load (path, &error);
      g_assert_no_error (error);
      assert_same_cues (lines, back);
      AtSubtitleFormat guessed;
      g_assert_true (at_subtitle_format_from_path (path, &guessed));
      g_assert_cmpint (guessed, ==, format);
    }
  AtSubtitleFormat unused;
  g_assert_false (at_subtitle_format_from_path ("x.txt", &unused));
}

static void
test_parse_foreign (void)
{
  const char *srt = "\xEF\xBB\xBF" "1\r\n00:00:01,500 --> 00:00:03,000\r\nFirst\r\nsecond row\r\n\r\n"
                    "2\r\n00:00:04,000 --> 00:00:05,250\r\nNext\r\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) a = at_subtitles_parse (srt, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->len, ==, 2);
  g_assert_cmpint (((AtCue *) a->pdata[0])->start_ms, ==, 1500);
  g_assert_cmpstr (((AtCue *) a->pdata[0])->text, ==, "First\nsecond row");
  g_assert_cmpint (((AtCue *) a->pdata[1])->end_ms, ==, 5250);

  const char *vtt = "WEBVTT - made elsewhere\n\nNOTE a comment\nspanning lines\n\nSTYLE\n::cue { color: red }\n\n"
                    "intro\n00:01.000 --> 00:02.500 align:start position:10%\nHi there\n\n"
                    "00:00:03.000 --> 00:00:04.000\n<v Anna>Hello\n";
  g_autoptr (GPtrArray) b = at_subtitles_parse (vtt, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (b->len, ==, 2);
  g_assert_cmpint (((AtCue *) b->pdata[0])->start_ms, ==, 1000);
  g_assert_cmpint (((AtCue *) b->pdata[0])->end_ms, ==, 2500);
  g_assert_cmpstr (((AtCue *) b->pdata[0])->text, ==, "Hi there");
  g_assert_cmpint (((AtCue *) b->pdata[1])->start_ms, ==, 3000);
}

static void
test_corrupt (void)
{
  struct {
    const char *data;
    gssize len;
    int code;
  } cases[] = {
    { "", 0, AT_SUBTITLE_ERROR_EMPTY },
    { "WEBVTT\n\n", -1, AT_SUBTITLE_ERROR_EMPTY },
    { "just some text\nwith no cues\n", -1, AT_SUBTITLE_ERROR_INVALID },
    { "1\n00:00:01,000 --> 00:00:xx,000\nbad\n", -1, AT_SUBTITLE_ERROR_INVALID },
    { "1\n00:00:05,000 --> 00:00:01,000\nbackwards\n", -1, AT_SUBTITLE_ERROR_INVALID },
    { "1\n00:00:01,000 --> 00:99:02,000\nminutes\n", -1, AT_SUBTITLE_ERROR_INVALID },
    { "1\n00:00:01,000 -->\nno end\n", -1, AT_SUBTITLE_ERROR_INVALID },
    { "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, AT_SUBTITLE_ERROR_INVALID },
    { "1\n00:00:01,000 --> 00:00:02,000\n\xff\xfe\n", -1, AT_SUBTITLE_ERROR_INVALID },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) cues = at_subtitles_parse (cases[i].data, cases[i].len, &error);
      g_assert_null (cues);
      g_assert_error (error, AT_SUBTITLE_ERROR, cases[i].code);
      g_test_message ("case %u: %s", i, error->message);
    }
  g_autoptr (GError) error = NULL;
  g_autofree char *missing = test_tmp_path ("missing.srt");
  g_assert_null (at_subtitles_load (missing, &error));
  g_assert_error (error, AT_SUBTITLE_ERROR, AT_SUBTITLE_ERROR_IO);
  g_clear_error (&error);

  /* nothing to write; an unwritable place; an existing file survives both */
  g_autofree char *path = test_tmp_path ("keep.srt");
  g_assert_true (g_file_set_contents (path, "precious", -1, NULL));
  g_autoptr (GPtrArray) empty = at_cue_array_new ();
  g_assert_false (at_subtitles_save (empty, path, AT_SUBTITLE_SRT, &error));
  g_assert_error (error, AT_SUBTITLE_ERROR, AT_SUBTITLE_ERROR_EMPTY);
  g_clear_error (&error);
  g_autoptr (GPtrArray) one = at_cue_array_new ();
  g_ptr_array_add (one, at_cue_new (0, 1000, "x"));
  g_autofree char *nodir = test_tmp_path ("no/such/dir/x.vtt");
  g_assert_false (at_subtitles_save (one, nodir, AT_SUBTITLE_VTT, &error));
  g_assert_error (error, AT_SUBTITLE_ERROR, AT_SUBTITLE_ERROR_IO);
  g_autofree char *kept = NULL;
  g_assert_true (g_file_get_contents (path, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, "precious");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/narration/duration-scale", test_duration_scale);
  g_test_add_func ("/narration/word-cues", test_word_cues);
  g_test_add_func ("/narration/errors", test_errors);
  g_test_add_func ("/narration/list-voices", test_list_voices);
  g_test_add_func ("/narration/flite", test_flite);
  g_test_add_func ("/narration/threads", test_threads);
  g_test_add_func ("/narration/cancel", test_cancel);
  g_test_add_func ("/narration/async", test_async);
  g_test_add_func ("/subtitles/group-limits", test_group_limits);
  g_test_add_func ("/subtitles/group-clauses-and-tails", test_group_clauses_and_tails);
  g_test_add_func ("/subtitles/round-trip", test_round_trip);
  g_test_add_func ("/subtitles/parse-foreign", test_parse_foreign);
  g_test_add_func ("/subtitles/corrupt", test_corrupt);
  return g_test_run ();
}
