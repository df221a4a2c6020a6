/* test-transcribe.c — pocketsphinx transcription of speech made in the test.
 *
 * Speech comes from espeak-ng (through at_narrate, 22050 Hz, so the 16 kHz
 * resampling is exercised, and through a FLAC file) and from flite, a
 * different synthesiser (its 16 kHz voices slt and rms). Three decoders are
 * measured: the prompt language model shipped in resources/models (the
 * default), the general en-us language model, and a vocabulary grammar of
 * the prompts' words plus distractors. Word error rates are printed as
 * test messages (meson test --verbose).
 *
 * Prompt against general model, on eight prompts held out from the prompt
 * model's corpus (docs/SPEECH.md), spoken by the espeak-ng and flite
 * programs (a process per clip: the same audio every run): the prompt
 * model must do better on
 * flite's speech and on espeak-ng's (measured 33% against 39%, and 64%
 * against 96%). When the prompt files are missing or damaged the default
 * transcriber falls back to the general model, says so, and still hears.
 *
 * Older bars: on espeak-ng speech only the vocabulary decoder is held to
 * one (key words heard), because the general model is poor there; on
 * flite both are (measured 30% with the vocabulary, 32% with the general
 * model).
 *
 * A language model file (a unigram ARPA of the vocabulary, written here)
 * replaces the general one.
 *
 * Streams: a clip fed in irregular pieces (1 sample, 333, 4000, ...) gives
 * the same words and word times as at_transcriber_run on the whole clip,
 * with a hypothesis that grows and is heard before the end; a stream
 * begun on another thread waits for the open one instead of sharing its
 * decoder; a stream freed mid-utterance leaves the transcriber as good as
 * new.
 *
 * Also: partial hypotheses grow while decoding (and their data's destroy
 * notify runs on the main loop after the last), and a transcript depends on
 * its audio only (not on earlier runs of the same transcriber); empty
 * audio, silence, corrupt and empty files, missing or damaged model files,
 * an unusable vocabulary and cancellation all end in a clear error or an
 * empty transcript, never a crash.
 */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "test-util.h"
#include "audio/narration.h"
#include "audio/transcribe.h"

static AtTranscriber *general, *prompt, *vocab;

/* The prompts' words and some distractors a designer might also say. */
static const char *vocabulary[] = {
  "a an on the by near under with and of in",
  "red apple blue house green tree small boat sea wooden table black cat white dog",
  "sun moon sky car big bright dark old city street flower garden mountain river",
  NULL,
};

static void
ensure_transcribers (void)
{
  g_autoptr (GError) error = NULL;
  if (general == NULL)
    {
      AtTranscribeOptions o = { .lm_kind = AT_LANGUAGE_MODEL_GENERAL };
      general = at_transcriber_new (&o, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (at_transcriber_get_language_model_name (general), ==, "general");
    }
  if (prompt == NULL)
    {
      /* the default: the prompt model shipped in resources/models */
      prompt = at_transcriber_new (NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (at_transcriber_get_language_model_name (prompt), ==, "prompt");
      g_assert_true (g_str_has_suffix (at_transcriber_get_language_model_path (prompt), "prompt.lm.bin"));
    }
  if (vocab == NULL)
    {
      AtTranscribeOptions o = { NULL, vocabulary };
      vocab = at_transcriber_new (&o, &error);
    }
  g_assert_no_error (error);
  g_assert_null (at_transcriber_get_unknown_words (vocab)[0]);
}

static gboolean
has_word (const AtTranscript *t, const char *word)
{
  for (guint i = 0; i < t->words->len; i++)
    if (g_strcmp0 (((AtCue *) t->words->pdata[i])->text, word) == 0)
      return TRUE;
  return FALSE;
}

static void
assert_words_timed (const AtTranscript *t)
{
  gint64 prev = 0, audio_ms = (gint64) (t->audio_seconds * 1000) + 50;
  for (guint i = 0; i < t->words->len; i++)
    {
      const AtCue *c = t->words->pdata[i];
      g_assert_cmpint (c->start_ms, >=, prev - 20);   /* pocketsphinx words may share a frame */
      g_assert_cmpint (c->end_ms, >, c->start_ms);
      g_assert_cmpint (c->end_ms, <=, audio_ms);
      prev = c->end_ms;
    }
}

typedef struct {
  const char *text;
  const char *key[5];   /* content words that must be heard */
} Prompt;

static const Prompt prompts[] = {
  { "red apple", { "red", "apple" } },
  { "blue house", { "blue", "house" } },
  { "a green tree", { "green", "tree" } },
  { "a small boat on the sea", { "small", "boat", "sea" } },
  { "a red apple on a wooden table", { "red", "apple", "wooden", "table" } },
};

/* Edits and reference words summed over prompts, for a pooled WER. */
typedef struct {
  double edits;
  guint words;
} Wer;

static void
wer_add (Wer *w, const char *reference, const char *hypothesis)
{
  g_auto (GStrv) ref = g_strsplit (reference, " ", -1);
  guint n = g_strv_length (ref);
  w->edits += at_word_error_rate (reference, hypothesis) * n;
  w->words += n;
}

static void
test_espeak_key_words (void)
{
  ensure_transcribers ();
  guint keys = 0, found = 0;
  Wer wer_general = { 0 }, wer_vocab = { 0 };
  for (guint p = 0; p < G_N_ELEMENTS (prompts); p++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AtAudio) spoken = at_narrate (prompts[p].text, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      /* through a file, as a user's recording would come */
      g_autofree char *path = test_tmp_path ("prompt.flac");
      g_assert_true (at_audio_save (spoken, path, &error));
      g_autoptr (AtAudio) audio = at_audio_load (path, &error);
      g_assert_no_error (error);

      g_autoptr (AtTranscript) v = at_transcriber_run (vocab, audio, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      assert_words_timed (v);
      g_autoptr (AtTranscript) g = at_transcriber_run (general, audio, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      assert_words_timed (g);
      for (int k = 0; prompts[p].key[k] != NULL; k++, keys++)
        found += has_word (v, prompts[p].key[k]);
      wer_add (&wer_vocab, prompts[p].text, v->text);
      wer_add (&wer_general, prompts[p].text, g->text);
      g_test_message ("espeak-ng \"%s\" (%.2f s): vocabulary \"%s\" (%.2f s to decode), general \"%s\" (%.2f s)",
                      prompts[p].text, v->audio_seconds, v->text, v->decode_seconds, g->text, g->decode_seconds);
    }
  g_test_message ("espeak-ng speech: %u of %u key words heard with the vocabulary; WER vocabulary %.0f%%, general "
                  "language model %.0f%% (%u words)",
                  found, keys, 100 * wer_vocab.edits / wer_vocab.words, 100 * wer_general.edits / wer_general.words,
                  wer_vocab.words);
  /* measured 11 of 13 ("house" is heard as "car", "boat" as "old") */
  g_assert_cmpuint (found, >=, keys * 2 / 3);

  /* espeak-ng's klatt voices suit pocketsphinx's acoustic model far better
   * than its default one: reported, not held to a bar */
  Wer wer_klatt = { 0 };
  for (guint p = 0; p < G_N_ELEMENTS (prompts); p++)
    {
      AtNarrationOptions o = { "en-us+klatt", 0, -1 };
      g_autoptr (GError) error = NULL;
      g_autoptr (AtAudio) audio = at_narrate (prompts[p].text, &o, NULL, NULL, &error);
      g_assert_no_error (error);
      g_autoptr (AtTranscript) g = at_transcriber_run (general, audio, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      wer_add (&wer_klatt, prompts[p].text, g->text);
      g_test_message ("espeak-ng en-us+klatt \"%s\": general \"%s\"", prompts[p].text, g->text);
    }
  g_test_message ("espeak-ng en-us+klatt speech: WER general language model %.0f%%",
                  100 * wer_klatt.edits / wer_klatt.words);
}

typedef struct {
  guint calls;
  double last_seconds;
  char *last;
} Partials;

static void
on_partial (const char *hypothesis, double seconds_done, gpointer user_data)
{
  Partials *p = user_data;
  g_assert_cmpfloat (seconds_done, >=, p->last_seconds);
  p->last_seconds = seconds_done;
  p->calls++;
  g_free (p->last);
  p->last = g_strdup (hypothesis);
}

static void
test_partial (void)
{
  ensure_transcribers ();
  g_autoptr (GError) error = NULL;
  g_autoptr (AtAudio) audio = at_narrate ("a small boat on the sea, a red apple on a wooden table", NULL, NULL,
                                          NULL, &error);
  g_assert_no_error (error);
  Partials p = { 0 };
  g_autoptr (AtTranscript) t = at_transcriber_run (vocab, audio, on_partial, &p, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("%u partial results; last \"%s\"; final \"%s\"", p.calls, p.last, t->text);
  g_assert_cmpuint (p.calls, >=, 3);   /* captions grow while the audio plays */
  g_assert_cmpfloat (p.last_seconds, <=, at_audio_get_duration (audio) + 0.01);
  g_assert_cmpstr (t->text, !=, "");
  g_free (p.last);
  /* a transcript depends on its audio only: not on partial results asked
   * for, nor on what the transcriber heard before */
  g_autoptr (AtTranscript) again = at_transcriber_run (vocab, audio, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->text, ==, t->text);
  g_assert_cmpuint (again->words->len, ==, t->words->len);
  for (guint i = 0; i < t->words->len; i++)
    g_assert_cmpint (((AtCue *) again->words->pdata[i])->start_ms, ==, ((AtCue *) t->words->pdata[i])->start_ms);
}

static void
test_errors (void)
{
  ensure_transcribers ();
  g_autoptr (GError) error = NULL;

  /* no samples */
  g_autoptr (AtAudio) empty = at_audio_new (0, 16000);
  g_assert_null (at_transcriber_run (vocab, empty, NULL, NULL, NULL, &error));
  g_assert_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_EMPTY);
  g_clear_error (&error);

  /* two seconds of silence: an empty transcript, not an error */
  g_autoptr (AtAudio) silence = at_audio_new (88200, 44100);
  g_autoptr (AtTranscript) quiet = at_transcriber_run (general, silence, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("silence heard as \"%s\"", quiet->text);
  g_assert_cmpuint (quiet->words->len, <=, 1);

  /* cancelled before it starts */
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_cancellable_cancel (cancellable);
  g_assert_null (at_transcriber_run (vocab, silence, NULL, NULL, cancellable, &error));
  g_assert_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_CANCELLED);
  g_clear_error (&error);
  /* and the decoder still works */
  g_autoptr (AtTranscript) after = at_transcriber_run (vocab, silence, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  /* model files missing: the message names the file and the package */
  g_autofree char *nowhere = test_tmp_path ("no-model");
  AtTranscribeOptions o = { nowhere, NULL };
  g_assert_null (at_transcriber_new (&o, &error));
  g_assert_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_MODEL);
  g_assert_nonnull (strstr (error->message, nowhere));
  g_assert_nonnull (strstr (error->message, "pocketsphinx-en-us"));
  g_clear_error (&error);
  g_setenv ("ATELIER_SPEECH_MODEL_DIR", nowhere, TRUE);
  g_assert_null (at_transcribe (silence, NULL, NULL, NULL, &error));
  g_assert_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_MODEL);
  g_clear_error (&error);
  g_unsetenv ("ATELIER_SPEECH_MODEL_DIR");

  /* a model folder with a damaged dictionary */
  g_autofree char *broken = test_tmp_path ("broken-model");
  g_autofree char *hmm = g_build_filename (broken, "en-us", NULL);
  g_assert_cmpint (g_mkdir_with_parents (hmm, 0755), ==, 0);
  const char *names[] = { "en-us/mdef", "en-us/means", "en-us/variances", "en-us/transition_matrices",
                          "en-us.lm.bin", "cmudict-en-us.dict" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *f = g_build_filename (broken, names[i], NULL);
      g_assert_true (g_file_set_contents (f, "not a model\n", -1, NULL));
    }
  AtTranscribeOptions ob = { broken, NULL };
  g_assert_null (at_transcriber_new (&ob, &error));
  g_assert_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_MODEL);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* a vocabulary the dictionary does not know */
  const char *nonsense[] = { "zqxjv blorptang", "ükß", NULL };
  AtTranscribeOptions on = { NULL, nonsense };
  g_assert_null (at_transcriber_new (&on, &error));
  g_assert_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_VOCABULARY);
  g_clear_error (&error);
  const char *mixed[] = { "red zqxjv apple", NULL };
  AtTranscribeOptions om = { NULL, mixed };
  g_autoptr (AtTranscriber) tm = at_transcriber_new (&om, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (at_transcriber_get_unknown_words (tm)[0], ==, "zqxjv");
  g_assert_null (at_transcriber_get_unknown_words (tm)[1]);

  /* corrupt and empty files stop at loading, with the audio module's errors */
  g_autofree char *garbage = test_tmp_path ("garbage.wav");
  g_assert_true (g_file_set_contents (garbage, "RIFF\x10\0\0\0WAVEfmt garbage garbage", 30, NULL));
  g_assert_null (at_audio_load (garbage, &error));
  g_assert_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_INVALID);
  g_clear_error (&error);
  g_autofree char *nothing = test_tmp_path ("nothing.wav");
  g_assert_true (g_file_set_contents (nothing, "", 0, NULL));
  g_assert_null (at_audio_load (nothing, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == AT_AUDIO_ERROR);
}

static void
test_word_error_rate (void)
{
  g_assert_cmpfloat (at_word_error_rate ("a red apple", "a red apple"), ==, 0.0);
  g_assert_cmpfloat (at_word_error_rate ("A red, apple!", "a red apple"), ==, 0.0);
  g_assert_cmpfloat (at_word_error_rate ("a red apple", "a red"), ==, 1.0 / 3);        /* deletion */
  g_assert_cmpfloat (at_word_error_rate ("a red apple", "a big red apple"), ==, 1.0 / 3);  /* insertion */
  g_assert_cmpfloat (at_word_error_rate ("a red apple", "a bed apple"), ==, 1.0 / 3);  /* substitution */
  g_assert_cmpfloat (at_word_error_rate ("a red apple", ""), ==, 1.0);
  g_assert_cmpfloat (at_word_error_rate ("red", "one two three"), ==, 3.0);
  g_assert_cmpfloat (at_word_error_rate ("", "anything"), ==, -1.0);
}

/* Prompts spoken by flite, a synthesiser no part of Atelier was tuned on,
 * in two of its 16 kHz voices (its default voice, kal, is 8 kHz telephone
 * band: measured WER 57% with the vocabulary, 90% without). */
static void
test_flite_wer (void)
{
  ensure_transcribers ();
  const char *voices[] = { "slt", "rms" };
  const char *texts[] = {
    "a red apple on a wooden table",
    "a small boat on the sea",
    "a white dog in the garden",
    "an old city street under a dark sky",
    "a green tree near the river",
    "a black cat with a big flower",
  };
  Wer all_general = { 0 }, all_vocab = { 0 };
  for (guint vi = 0; vi < G_N_ELEMENTS (voices); vi++)
    {
      Wer wer_general = { 0 }, wer_vocab = { 0 };
      for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (AtAudio) audio = test_speak ("flite", voices[vi], texts[i]);
          g_autoptr (AtTranscript) v = at_transcriber_run (vocab, audio, NULL, NULL, NULL, &error);
          g_assert_no_error (error);
          g_autoptr (AtTranscript) g = at_transcriber_run (general, audio, NULL, NULL, NULL, &error);
          g_assert_no_error (error);
          wer_add (&wer_vocab, texts[i], v->text);
          wer_add (&wer_general, texts[i], g->text);
          g_test_message ("flite %s \"%s\": vocabulary \"%s\" (WER %.0f%%), general \"%s\" (WER %.0f%%)",
                          voices[vi], texts[i], v->text, 100 * at_word_error_rate (texts[i], v->text), g->text,
                          100 * at_word_error_rate (texts[i], g->text));
        }
      g_test_message ("flite %s, %u words: WER vocabulary grammar %.0f%%, general language model %.0f%%", voices[vi],
                      wer_vocab.words, 100 * wer_vocab.edits / wer_vocab.words,
                      100 * wer_general.edits / wer_general.words);
      all_vocab.edits += wer_vocab.edits, all_vocab.words += wer_vocab.words;
      all_general.edits += wer_general.edits, all_general.words += wer_general.words;
    }
  double wv = all_vocab.edits / all_vocab.words, wg = all_general.edits / all_general.words;
  g_test_message ("flite slt + rms, %u words: WER vocabulary grammar %.0f%%, general language model %.0f%%",
                  all_vocab.words, 100 * wv, 100 * wg);
  /* measured 30% and 32%, mostly "a" heard as "the"; the bars leave room
   * for other builds of pocketsphinx */
  g_assert_cmpfloat (wv, <, 0.45);
  g_assert_cmpfloat (wg, <, 0.6);
}

/* Prompts held out from the prompt language model: written before it was
 * built, none of them a sentence of tools/speech/prompt_lm.py's corpus,
 * their words all in its vocabulary. */
static const char *held_out[] = {
  "a green frog on a stone",
  "a small red car on the street",
  "a white cat sleeping on a chair",
  "an orange fish in a glass bowl",
  "a drawing of a tall tree in the snow",
  "make the sky purple",
  "a black dog with a red ball",
  "a yellow sun over the mountains",
};

/* The prompt language model (the default) against the general one, on the
 * held-out prompts spoken by espeak-ng's en-us voice (Atelier's narration
 * voice; the model's training clips are espeak-ng's) and by flite's slt
 * and rms, a different synthesiser. Pooled word error rates (all edits
 * over all words). */
static void
test_prompt_lm_wer (void)
{
  ensure_transcribers ();
  const char *programs[] = { "espeak-ng", "flite", "flite" }, *voices[] = { "en-us", "slt", "rms" };
  Wer wer_prompt[G_N_ELEMENTS (voices)] = { 0 }, wer_general[G_N_ELEMENTS (voices)] = { 0 };
  for (guint v = 0; v < G_N_ELEMENTS (voices); v++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (held_out); i++)
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (AtAudio) audio = test_speak (programs[v], voices[v], held_out[i]);
          g_autoptr (AtTranscript) p = at_transcriber_run (prompt, audio, NULL, NULL, NULL, &error);
          g_assert_no_error (error);
          assert_words_timed (p);
          g_autoptr (AtTranscript) g = at_transcriber_run (general, audio, NULL, NULL, NULL, &error);
          g_assert_no_error (error);
          wer_add (&wer_prompt[v], held_out[i], p->text);
          wer_add (&wer_general[v], held_out[i], g->text);
          g_test_message ("%s %s \"%s\": prompt \"%s\" (%.2f s to decode), general \"%s\" (%.2f s)",
                          programs[v], voices[v], held_out[i], p->text, p->decode_seconds, g->text, g->decode_seconds);
        }
      g_test_message ("%s %s, %u words: WER prompt language model %.0f%%, general %.0f%%", programs[v], voices[v],
                      wer_prompt[v].words, 100 * wer_prompt[v].edits / wer_prompt[v].words,
                      100 * wer_general[v].edits / wer_general[v].words);
    }
  double espeak_prompt = wer_prompt[0].edits / wer_prompt[0].words;
  double espeak_general = wer_general[0].edits / wer_general[0].words;
  double flite_prompt = (wer_prompt[1].edits + wer_prompt[2].edits) / (wer_prompt[1].words + wer_prompt[2].words);
  double flite_general =
    (wer_general[1].edits + wer_general[2].edits) / (wer_general[1].words + wer_general[2].words);
  g_test_message ("held-out prompts: WER prompt / general language model: flite slt + rms %.0f%% / %.0f%%, "
                  "espeak-ng %.0f%% / %.0f%%",
                  100 * flite_prompt, 100 * flite_general, 100 * espeak_prompt, 100 * espeak_general);
  /* measured 33% / 39% on flite, 64% / 96% on espeak-ng */
  g_assert_cmpfloat (flite_prompt, <, flite_general);
  g_assert_cmpfloat (espeak_prompt, <, espeak_general);
  g_assert_cmpfloat (flite_prompt, <, 0.45);
}

/* A transcriber made with the prompt files of folder (ATELIER_MODEL_DIR)
 * missing or damaged falls back to the general model, says so in a
 * message and still transcribes; asked for the prompt model explicitly,
 * it fails instead. */
static void
expect_fallback (const char *folder, const AtAudio *audio)
{
  g_autoptr (GError) error = NULL;
  g_setenv ("ATELIER_MODEL_DIR", folder, TRUE);
  g_test_expect_message ("atelier-transcribe", G_LOG_LEVEL_MESSAGE, "*using the general*");
  g_autoptr (AtTranscriber) t = at_transcriber_new (NULL, &error);
  g_assert_no_error (error);
  g_test_assert_expected_messages ();
  g_assert_cmpstr (at_transcriber_get_language_model_name (t), ==, "general");
  g_assert_true (g_str_has_suffix (at_transcriber_get_language_model_path (t), "en-us.lm.bin"));
  g_autoptr (AtTranscript) r = at_transcriber_run (t, audio, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("prompt model in %s unusable: the general model heard \"%s\"", folder, r->text);
  g_assert_true (has_word (r, "apple") || has_word (r, "table"));

  AtTranscribeOptions o = { .lm_kind = AT_LANGUAGE_MODEL_PROMPT };
  g_autoptr (AtTranscriber) none = at_transcriber_new (&o, &error);
  g_assert_null (none);
  g_assert_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_LANGUAGE_MODEL);
  g_unsetenv ("ATELIER_MODEL_DIR");
}

static void
test_prompt_fallback (void)
{
  ensure_transcribers ();
  const char *shipped_lm = at_transcriber_get_language_model_path (prompt);
  g_autofree char *shipped_dir = g_path_get_dirname (shipped_lm);
  g_autofree char *shipped_dict = g_build_filename (shipped_dir, "prompt.dict", NULL);
  g_autofree char *lm_bytes = NULL, *dict_bytes = NULL;
  gsize lm_len = 0;
  g_assert_true (g_file_get_contents (shipped_lm, &lm_bytes, &lm_len, NULL));
  g_assert_true (g_file_get_contents (shipped_dict, &dict_bytes, NULL, NULL));
  g_autoptr (AtAudio) audio = test_speak ("flite", "rms", "a red apple on a wooden table");

  g_autofree char *folder = test_tmp_path ("models");
  g_autofree char *lm = g_build_filename (folder, "prompt.lm.bin", NULL);
  g_autofree char *dict = g_build_filename (folder, "prompt.dict", NULL);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  /* missing */
  expect_fallback (folder, audio);
  /* not a language model */
  g_assert_true (g_file_set_contents (lm, "not a language model\n", -1, NULL));
  g_assert_true (g_file_set_contents (dict, dict_bytes, -1, NULL));
  expect_fallback (folder, audio);
  /* cut short, as by a failed copy */
  g_assert_true (g_file_set_contents (lm, lm_bytes, lm_len - 100, NULL));
  expect_fallback (folder, audio);
  /* a whole model but a damaged dictionary */
  g_assert_true (g_file_set_contents (lm, lm_bytes, lm_len, NULL));
  g_assert_true (g_file_set_contents (dict, "garbage without phones\n\x01\x02\n", -1, NULL));
  expect_fallback (folder, audio);

  /* and the general model on request, whatever the prompt files */
  AtTranscribeOptions o = { .lm_kind = AT_LANGUAGE_MODEL_GENERAL };
  g_autoptr (GError) error = NULL;
  g_autoptr (AtTranscriber) t = at_transcriber_new (&o, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (at_transcriber_get_language_model_name (t), ==, "general");
}

/* A language model given as a file: here a uniform unigram ARPA of the
 * vocabulary, written by the test. */
static void
test_language_model (void)
{
  g_autoptr (GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  for (int i = 0; vocabulary[i] != NULL; i++)
    {
      g_auto (GStrv) parts = g_strsplit (vocabulary[i], " ", -1);
      for (int k = 0; parts[k] != NULL; k++)
        g_ptr_array_add (words, g_strdup (parts[k]));
    }
  GString *arpa = g_string_new (NULL);
  double lp = log10 (1.0 / (words->len + 1));
  g_string_append_printf (arpa, "\\data\\\nngram 1=%u\n\n\\1-grams:\n-99 <s>\n%.4f </s>\n", words->len + 2, lp);
  for (guint i = 0; i < words->len; i++)
    g_string_append_printf (arpa, "%.4f %s\n", lp, (char *) words->pdata[i]);
  g_string_append (arpa, "\n\\end\\\n");
  g_autofree char *path = test_tmp_path ("prompts.arpa");
  g_assert_true (g_file_set_contents (path, arpa->str, -1, NULL));
  g_string_free (arpa, TRUE);

  g_autoptr (GError) error = NULL;
  AtTranscribeOptions o = { NULL, NULL, path };
  g_autoptr (AtTranscriber) t = at_transcriber_new (&o, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (at_transcriber_get_language_model_name (t), ==, "file");
  g_assert_cmpstr (at_transcriber_get_language_model_path (t), ==, path);
  g_autoptr (AtAudio) audio = at_narrate ("a red apple on a wooden table", NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (AtTranscript) r = at_transcriber_run (t, audio, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  const char *keys[] = { "red", "apple", "wooden", "table" };
  guint found = 0;
  for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
    found += has_word (r, keys[k]);
  g_test_message ("unigram prompt model heard \"%s\" (%u of 4 key words; WER %.0f%%)", r->text, found,
                  100 * at_word_error_rate ("a red apple on a wooden table", r->text));
  g_assert_cmpuint (found, >=, 2);   /* measured 3 */

  /* missing and unreadable models are the caller's mistake */
  g_autofree char *missing = test_tmp_path ("missing.arpa");
  AtTranscribeOptions om = { NULL, NULL, missing };
  g_assert_null (at_transcriber_new (&om, &error));
  g_assert_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_LANGUAGE_MODEL);
  g_clear_error (&error);
  g_autofree char *junk = test_tmp_path ("junk.arpa");
  g_assert_true (g_file_set_contents (junk, "this is not\\data\\ a model\n", -1, NULL));
  AtTranscribeOptions oj = { NULL, NULL, junk };
  g_assert_null (at_transcriber_new (&oj, &error));
  g_assert_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_LANGUAGE_MODEL);
  g_clear_error (&error);
  AtTranscribeOptions od = { NULL, NULL, path, .dictionary = missing };
  g_assert_null (at_transcriber_new (&od, &error));
  g_assert_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_LANGUAGE_MODEL);
  g_assert_nonnull (strstr (error->message, missing));
}

static void
assert_same_transcript (const AtTranscript *a, const AtTranscript *b)
{
  g_assert_cmpstr (a->text, ==, b->text);
  g_assert_cmpuint (a->words->len, ==, b->words->len);
  for (guint i = 0; i < a->words->len; i++)
    {
      const AtCue *ca = a->words->pdata[i], *cb = b->words->pdata[i];
      g_assert_cmpstr (ca->text, ==, cb->text);
      g_assert_cmpint (ca->start_ms, ==, cb->start_ms);
      g_assert_cmpint (ca->end_ms, ==, cb->end_ms);
    }
}

static guint
count_words (const char *text)
{
  g_auto (GStrv) words = g_strsplit (text, " ", -1);
  return *text != '\0' ? g_strv_length (words) : 0;
}

/* Feeds audio (16 kHz) to a new stream of t in pieces of these sizes, in
 * turn; checks the hypothesis as it goes (that it grows and comes before
 * the end, when the pieces are small) and returns the end's transcript. */
static AtTranscript *
stream_in_pieces (AtTranscriber *t, const AtAudio *audio, const gsize *pieces, guint n_pieces, gboolean small)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtTranscribeStream) s = at_transcriber_stream_begin (t, &error);
  g_assert_no_error (error);
  guint changes = 0, most_words = 0;
  double heard_at = -1;
  g_autofree char *last = g_strdup ("");
  for (gsize off = 0, i = 0; off < audio->n; off += pieces[i++ % n_pieces])
    {
      gsize n = MIN (pieces[i % n_pieces], audio->n - off);
      g_assert_true (at_transcribe_stream_feed (s, audio->samples + off, n, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat_with_epsilon (at_transcribe_stream_get_seconds (s), (double) (off + n) / AT_TRANSCRIBE_RATE,
                                      1e-9);
      const char *hyp = at_transcribe_stream_get_hypothesis (s);
      if (strcmp (hyp, last) == 0)
        continue;
      changes++;
      guint words = count_words (hyp);
      /* the search may revise its last words, not drop what it heard */
      g_assert_cmpuint (words + 1, >=, most_words);
      most_words = MAX (most_words, words);
      if (heard_at < 0 && words > 0)
        heard_at = at_transcribe_stream_get_seconds (s);
      g_free (last);
      last = g_strdup (hyp);
    }
  g_test_message ("%u hypotheses, the first words heard at %.2f s of %.2f s; last \"%s\"", changes, heard_at,
                  at_audio_get_duration (audio), last);
  if (small)
    {
      g_assert_cmpuint (changes, >=, 3);
      g_assert_cmpfloat (heard_at, >=, 0);
      g_assert_cmpfloat (heard_at, <, at_audio_get_duration (audio) - 0.5);
    }
  AtTranscript *r = at_transcribe_stream_end (s, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (at_transcribe_stream_get_hypothesis (s), ==, r->text);
  /* an ended stream takes no more, and cannot end again */
  g_assert_false (at_transcribe_stream_feed (s, audio->samples, 1, &error));
  g_assert_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_null (at_transcribe_stream_end (s, &error));
  g_assert_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_FAILED);
  return r;
}

#define STREAM_TEXT "a small boat on the sea, a red apple on a wooden table"

/* Pieces of any size decode as the whole clip does. */
static void
test_stream_pieces (void)
{
  ensure_transcribers ();
  g_autoptr (AtAudio) audio = test_speak ("flite", "slt", STREAM_TEXT);
  g_assert_cmpint (audio->rate, ==, AT_TRANSCRIBE_RATE);
  const gsize irregular[] = { 1, 333, 4000, 7, 16000, 2501, 1, 1, 998 };
  const gsize whole[] = { G_MAXSIZE / 2 };
  AtTranscriber *transcribers[] = { prompt, vocab };
  for (guint k = 0; k < G_N_ELEMENTS (transcribers); k++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AtTranscript) run = at_transcriber_run (transcribers[k], audio, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (run->words->len, >=, 4);
      g_autoptr (AtTranscript) pieces = stream_in_pieces (transcribers[k], audio, irregular, G_N_ELEMENTS (irregular),
                                                              TRUE);
      g_test_message ("%s model: run \"%s\", stream \"%s\"",
                      at_transcriber_get_language_model_name (transcribers[k]), run->text, pieces->text);
      assert_same_transcript (pieces, run);
      g_assert_cmpfloat (pieces->audio_seconds, ==, run->audio_seconds);
      g_autoptr (AtTranscript) at_once = stream_in_pieces (transcribers[k], audio, whole, 1, FALSE);
      assert_same_transcript (at_once, run);
    }
}

typedef struct {
  AtTranscriber *transcriber;
  const AtAudio *audio;
  gint began;             /* atomic */
  AtTranscript *result;
} SecondStream;

static gpointer
second_stream (gpointer data)
{
  SecondStream *d = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtTranscribeStream) s = at_transcriber_stream_begin (d->transcriber, &error);
  g_assert_no_error (error);
  g_atomic_int_set (&d->began, TRUE);
  g_assert_true (at_transcribe_stream_feed (s, d->audio->samples, d->audio->n, &error));
  d->result = at_transcribe_stream_end (s, &error);
  g_assert_no_error (error);
  return NULL;
}

/* A stream begun while another is open waits for its turn; both decode
 * as if alone. */
static void
test_stream_busy (void)
{
  ensure_transcribers ();
  g_autoptr (AtAudio) audio = test_speak ("flite", "slt", STREAM_TEXT);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtTranscript) alone = at_transcriber_run (vocab, audio, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  g_autoptr (AtTranscribeStream) s = at_transcriber_stream_begin (vocab, &error);
  g_assert_no_error (error);
  SecondStream d = { vocab, audio };
  GThread *thread = g_thread_new ("second-stream", second_stream, &d);
  gsize half = audio->n / 2;
  g_assert_true (at_transcribe_stream_feed (s, audio->samples, half, &error));
  g_usleep (300 * 1000);
  g_assert_false (g_atomic_int_get (&d.began));
  g_assert_true (at_transcribe_stream_feed (s, audio->samples + half, audio->n - half, &error));
  g_assert_false (g_atomic_int_get (&d.began));
  g_autoptr (AtTranscript) first = at_transcribe_stream_end (s, &error);
  g_assert_no_error (error);
  g_thread_join (thread);
  g_assert_true (g_atomic_int_get (&d.began));
  g_autoptr (AtTranscript) second = d.result;
  assert_same_transcript (first, alone);
  assert_same_transcript (second, alone);
}

/* Freeing a stream at any point gives the transcriber back unharmed. */
static void
test_stream_free_early (void)
{
  ensure_transcribers ();
  g_autoptr (AtAudio) audio = test_speak ("flite", "rms", STREAM_TEXT);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtTranscript) before = at_transcriber_run (prompt, audio, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  /* unfed */
  at_transcribe_stream_free (at_transcriber_stream_begin (prompt, &error));
  g_assert_no_error (error);
  /* mid-utterance, mid-chunk */
  AtTranscribeStream *s = at_transcriber_stream_begin (prompt, &error);
  g_assert_no_error (error);
  g_assert_true (at_transcribe_stream_feed (s, audio->samples, audio->n / 2 + 123, &error));
  g_assert_cmpstr (at_transcribe_stream_get_hypothesis (s), !=, "");
  at_transcribe_stream_free (s);
  g_autoptr (AtTranscript) after = at_transcriber_run (prompt, audio, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_same_transcript (after, before);
  /* the transcriber outlives its owner's reference while a stream holds it */
  g_autoptr (AtTranscriber) t = at_transcriber_new (NULL, &error);
  g_assert_no_error (error);
  s = at_transcriber_stream_begin (t, &error);
  g_clear_pointer (&t, at_transcriber_free);
  g_assert_true (at_transcribe_stream_feed (s, audio->samples, audio->n, &error));
  g_autoptr (AtTranscript) orphan = at_transcribe_stream_end (s, &error);
  g_assert_no_error (error);
  assert_same_transcript (orphan, before);
  at_transcribe_stream_free (s);
}

typedef struct {
  GMainLoop *loop;
  GAsyncResult *result;
  guint partials;
  gboolean off_main;
  gboolean partial_data_destroyed;
} AsyncWait;

static void
on_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncWait *w = user_data;
  w->off_main |= !g_main_context_is_owner (g_main_context_default ());
  w->result = g_object_ref (result);
  g_main_loop_quit (w->loop);
}

static void
on_async_partial (const char *hypothesis, double seconds_done, gpointer user_data)
{
  AsyncWait *w = user_data;
  w->off_main |= !g_main_context_is_owner (g_main_context_default ());
  g_assert_false (w->partial_data_destroyed);
  w->partials++;
}

static void
on_partial_data_destroyed (gpointer user_data)
{
  AsyncWait *w = user_data;
  w->off_main |= !g_main_context_is_owner (g_main_context_default ());
  w->partial_data_destroyed = TRUE;
}

/* The studio's way: load and decode on workers, partial hypotheses (live
 * captions) and results on the main loop; cancellable. */
static void
test_async (void)
{
  AsyncWait w = { g_main_loop_new (NULL, FALSE) };
  AtTranscribeOptions o = { NULL, vocabulary };
  at_transcriber_new_async (&o, NULL, on_ready, &w);
  g_main_loop_run (w.loop);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtTranscriber) t = at_transcriber_new_finish (w.result, &error);
  g_assert_no_error (error);
  g_clear_object (&w.result);

  g_autoptr (AtAudio) audio = at_narrate ("a small boat on the sea, a red apple on a wooden table", NULL, NULL,
                                          NULL, &error);
  g_assert_no_error (error);
  at_transcriber_run_async (t, audio, on_async_partial, &w, on_partial_data_destroyed, NULL, on_ready, &w);
  g_main_loop_run (w.loop);
  g_autoptr (AtTranscript) r = at_transcriber_run_finish (w.result, &error);
  g_assert_no_error (error);
  g_clear_object (&w.result);
  /* the partials' data is let go once the last partial has come */
  while (!w.partial_data_destroyed)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (w.partials, >=, 3);
  g_assert_false (w.off_main);
  g_autoptr (AtTranscript) sync = at_transcriber_run (t, audio, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (r->text, ==, sync->text);

  /* cancelled while running; the caller may drop the transcriber at once */
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  at_transcriber_run_async (t, audio, NULL, NULL, NULL, cancellable, on_ready, &w);
  g_cancellable_cancel (cancellable);
  g_clear_pointer (&t, at_transcriber_free);
  g_main_loop_run (w.loop);
  g_assert_null (at_transcriber_run_finish (w.result, &error));
  g_assert_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_CANCELLED);
  g_clear_object (&w.result);
  g_main_loop_unref (w.loop);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/transcribe/word-error-rate", test_word_error_rate);
  g_test_add_func ("/transcribe/espeak-key-words", test_espeak_key_words);
  g_test_add_func ("/transcribe/partial", test_partial);
  g_test_add_func ("/transcribe/async", test_async);
  g_test_add_func ("/transcribe/stream-pieces", test_stream_pieces);
  g_test_add_func ("/transcribe/stream-busy", test_stream_busy);
  g_test_add_func ("/transcribe/stream-free-early", test_stream_free_early);
  g_test_add_func ("/transcribe/errors", test_errors);
  g_test_add_func ("/transcribe/language-model", test_language_model);
  g_test_add_func ("/transcribe/flite-wer", test_flite_wer);
  g_test_add_func ("/transcribe/prompt-lm-wer", test_prompt_lm_wer);
  g_test_add_func ("/transcribe/prompt-fallback", test_prompt_fallback);
  int status = g_test_run ();
  g_clear_pointer (&general, at_transcriber_free);
  g_clear_pointer (&vocab, at_transcriber_free);
  g_clear_pointer (&prompt, at_transcriber_free);
  return status;
}
