/* cli-voice.c — `atelier transcribe` and `atelier narrate`: speech in and
 * out without a display or a microphone. */
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "app/cli-args.h"
#include "app/cli-json.h"
#include "app/cli.h"
#include "audio/audio-file.h"
#include "audio/cues.h"
#include "audio/narration.h"
#include "audio/transcribe.h"
#include "media/output-set.h"
#include "media/subtitles.h"

static void
add_cues (JsonBuilder *b, const char *member, GPtrArray *cues, const char *text_name)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; i < cues->len; i++)
    {
      const AtCue *c = cues->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, text_name);
      json_builder_add_string_value (b, c->text);
      json_builder_set_member_name (b, "start_ms");
      json_builder_add_int_value (b, c->start_ms);
      json_builder_set_member_name (b, "end_ms");
      json_builder_add_int_value (b, c->end_ms);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
show_partial (const char *hypothesis, double seconds_done, gpointer user_data)
{
  fprintf (stderr, "[%6.2f s] %s\n", seconds_done, hypothesis);
  fflush (stderr);
}

int
at_cli_transcribe (int argc, char **argv)
{
  gboolean json = FALSE, partial = FALSE, verbose = FALSE;
  g_autofree char *words = NULL, *model_dir = NULL, *lm = NULL, *dict = NULL;
  g_auto (GStrv) files = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print text, word timings, speed and voice cues as JSON", NULL },
    { "words", 0, 0, G_OPTION_ARG_STRING, &words,
      "Listen only for these words (space-separated): far more reliable when the words are known", "\"W1 W2 ...\"" },
    { "partial", 0, 0, G_OPTION_ARG_NONE, &partial, "Print the hypothesis so far on stderr as it grows", NULL },
    { "lm", 0, 0, G_OPTION_ARG_FILENAME, &lm,
      "Language model: prompt (the default: made for image prompts), general (pocketsphinx's US English) or a "
      "FILE (ARPA or pocketsphinx binary)",
      "prompt|general|FILE" },
    { "dict", 0, 0, G_OPTION_ARG_FILENAME, &dict, "Pronunciation dictionary for --lm FILE (default: cmudict)",
      "FILE" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
      "Say on stderr which language model heard it and the voice's measured pitch, loudness and rate", NULL },
    { "model-dir", 0, 0, G_OPTION_ARG_FILENAME, &model_dir,
      "pocketsphinx model folder (en-us/, en-us.lm.bin, cmudict-en-us.dict)", "DIR" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("FILE - print what is said in an audio file");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context,
                                    "Reads WAV, FLAC, OGG/Vorbis, AIFF and other formats libsndfile opens.\n"
                                    "Recognition uses pocketsphinx with Atelier's language model of image\n"
                                    "prompts (--lm general: pocketsphinx's general US English one); expect\n"
                                    "errors on unusual words; --words helps when the vocabulary is known.");
  GError *error = NULL;
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return at_cli_fail ("transcribe", error);
  if (files == NULL || files[0] == NULL || files[1] != NULL)
    return at_cli_fail ("transcribe", g_error_new_literal (G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                                                   files == NULL || files[0] == NULL
                                                     ? "Name one audio file: atelier transcribe FILE"
                                                     : "Transcribe one file at a time"));
  g_autoptr (AtAudio) audio = at_audio_load (files[0], &error);
  if (audio == NULL)
    return at_cli_fail ("transcribe", error);
  g_auto (GStrv) vocabulary = words != NULL ? g_strsplit_set (words, " \t,", -1) : NULL;
  gboolean named_lm = g_strcmp0 (lm, "prompt") == 0 || g_strcmp0 (lm, "general") == 0;
  AtTranscribeOptions options = {
    model_dir,
    (const char * const *) vocabulary,
    named_lm ? NULL : lm,
    g_strcmp0 (lm, "general") == 0  ? AT_LANGUAGE_MODEL_GENERAL
    : g_strcmp0 (lm, "prompt") == 0 ? AT_LANGUAGE_MODEL_PROMPT
                                    : AT_LANGUAGE_MODEL_AUTO,
    dict,
  };
  g_autoptr (AtTranscriber) t = at_transcriber_new (&options, &error);
  /* a model folder the user named is input like any other */
  gboolean named_dir = model_dir != NULL || g_getenv ("ATELIER_SPEECH_MODEL_DIR") != NULL;
  if (t == NULL && named_dir && g_error_matches (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_MODEL))
    return at_cli_fail_with ("transcribe", error, AT_EXIT_BAD_INPUT);
  if (t == NULL)
    return at_cli_fail ("transcribe", error);
  const char * const *unknown = at_transcriber_get_unknown_words (t);
  if (unknown[0] != NULL)
    {
      g_autofree char *list = g_strjoinv (", ", (char **) unknown);
      fprintf (stderr, "atelier transcribe: not in the dictionary, ignored: %s\n", list);
    }
  const char *lm_name = at_transcriber_get_language_model_name (t);
  const char *lm_path = at_transcriber_get_language_model_path (t);
  if (verbose)
    fprintf (stderr, "atelier transcribe: language model: %s (%s)\n", lm_name, lm_path);
  g_autoptr (AtTranscript) r = at_transcriber_run (t, audio, partial ? show_partial : NULL, NULL, NULL, &error);
  if (r == NULL)
    return at_cli_fail ("transcribe", error);
  /* cues are a by-product: a clip too short or unvoiced for them still
   * has its words */
  g_autoptr (GError) cues_error = NULL;
  g_autoptr (AtVoiceCues) cues = json || verbose ? at_voice_cues_measure (audio, r, &cues_error) : NULL;
  if (verbose)
    {
      g_autofree char *said = cues != NULL ? at_voice_cues_describe (cues) : NULL;
      fprintf (stderr, "atelier transcribe: %s\n", said != NULL ? said : cues_error->message);
    }
  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "file");
      json_builder_add_string_value (b, files[0]);
      json_builder_set_member_name (b, "text");
      json_builder_add_string_value (b, r->text);
      json_builder_set_member_name (b, "language_model");
      json_builder_add_string_value (b, lm_name);
      json_builder_set_member_name (b, "language_model_file");
      json_builder_add_string_value (b, lm_path);
      add_cues (b, "words", r->words, "word");
      json_builder_set_member_name (b, "audio_seconds");
      json_builder_add_double_value (b, r->audio_seconds);
      json_builder_set_member_name (b, "decode_seconds");
      json_builder_add_double_value (b, r->decode_seconds);
      at_cli_add_voice_cues (b, cues, NULL, cues_error != NULL ? cues_error->message : NULL);
      json_builder_end_object (b);
      at_cli_print_json (b);
    }
  else
    {
      if (r->text[0] == '\0')
        fprintf (stderr, "atelier transcribe: no speech recognised in %s\n", files[0]);
      printf ("%s\n", r->text);
    }
  return AT_EXIT_OK;
}

static int
list_voices (void)
{
  GError *error = NULL;
  g_autoptr (GPtrArray) voices = at_narration_list_voices (&error);
  if (voices == NULL)
    return at_cli_fail ("narrate", error);
  printf ("%-12s %-30s %s\n", "LANGUAGE", "NAME", "IDENTIFIER");
  for (guint i = 0; i < voices->len; i++)
    {
      const AtVoiceInfo *v = voices->pdata[i];
      printf ("%-12s %-30s %s\n", v->language, v->name, v->identifier);
    }
  return AT_EXIT_OK;
}

/* The audio file and the subtitles asked for, checked and opened before
 * anything is synthesised. */
static AtOutputSet *
open_outputs (const char *audio, AtAudioEncoding encoding, const char *srt, const char *vtt, GError **error)
{
  if (!at_audio_check_format (audio, encoding, error))
    return NULL;
  g_autoptr (AtOutputSet) set = at_output_set_new ();
  if (at_output_set_add (set, "-o", audio, error) == NULL ||
      (srt != NULL && at_output_set_add (set, "--srt", srt, error) == NULL) ||
      (vtt != NULL && at_output_set_add (set, "--vtt", vtt, error) == NULL))
    return NULL;
  return g_steal_pointer (&set);
}

/* The output rates video and audio editors expect. */
static gboolean
parse_sample_rate (const char *text, int *rate, GError **error)
{
  static const int rates[] = { 16000, 22050, 44100, 48000 };
  for (gsize i = 0; i < G_N_ELEMENTS (rates); i++)
    {
      char name[16];
      g_snprintf (name, sizeof name, "%d", rates[i]);
      if (g_strcmp0 (text, name) == 0)
        {
          *rate = rates[i];
          return TRUE;
        }
    }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "--sample-rate must be 16000, 22050, 44100 or 48000 (got “%s”)", text);
  return FALSE;
}

int
at_cli_narrate (int argc, char **argv)
{
  gboolean voices = FALSE, json = FALSE, quiet = FALSE;
  g_autofree char *output = NULL, *srt = NULL, *vtt = NULL, *voice = NULL, *text_file = NULL;
  g_autofree char *encoding_name = NULL;
  g_autofree char *rate_text = NULL, *pitch_text = NULL, *sample_rate_text = NULL;
  g_auto (GStrv) rest = NULL;
  g_autofree char *rate_help = g_strdup_printf ("Words per minute, %d to %d (default %d)", AT_NARRATION_RATE_MIN,
                                                AT_NARRATION_RATE_MAX, AT_NARRATION_RATE_DEFAULT);
  g_autofree char *pitch_help = g_strdup_printf ("Pitch, %d to %d (default %d)", AT_NARRATION_PITCH_MIN,
                                                 AT_NARRATION_PITCH_MAX, AT_NARRATION_PITCH_DEFAULT);
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Audio file to write: .wav, .flac, .ogg or .aiff", "FILE" },
    { "srt", 0, 0, G_OPTION_ARG_FILENAME, &srt, "Also write SRT subtitles", "FILE" },
    { "vtt", 0, 0, G_OPTION_ARG_FILENAME, &vtt, "Also write WebVTT subtitles", "FILE" },
    { "encoding", 0, 0, G_OPTION_ARG_STRING, &encoding_name,
      "Samples: 16, 24 (bit PCM) or float (WAV and AIFF only); default 16-bit, Vorbis for .ogg", "ENC" },
    { "voice", 0, 0, G_OPTION_ARG_STRING, &voice,
      "espeak-ng or flite voice (default " AT_NARRATION_DEFAULT_VOICE "; see --list-voices)", "NAME" },
    { "rate", 0, 0, G_OPTION_ARG_STRING, &rate_text, rate_help, "N" },
    { "sample-rate", 0, 0, G_OPTION_ARG_STRING, &sample_rate_text,
      "Samples a second of the audio written: 16000, 22050, 44100 or 48000 (default: the voice's own)", "HZ" },
    { "pitch", 0, 0, G_OPTION_ARG_STRING, &pitch_text, pitch_help, "N" },
    { "text-file", 0, 0, G_OPTION_ARG_FILENAME, &text_file, "Read the text from this file (UTF-8)", "FILE" },
    { "list-voices", 0, 0, G_OPTION_ARG_NONE, &voices, "List the installed voices and exit", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the files written and the word timings as JSON", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Print nothing on success", NULL },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &rest, NULL, NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("TEXT -o FILE.wav - speak a text with espeak-ng or flite");
  g_option_context_add_main_entries (context, entries, NULL);
  GError *error = NULL;
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return at_cli_fail ("narrate", error);
  if (voices)
    return list_voices ();
  gint64 rate = 0, pitch = -1;   /* the voice's own when not given */
  if (!at_cli_int_arg ("--rate", rate_text, AT_NARRATION_RATE_MIN, AT_NARRATION_RATE_MAX, &rate, &error) ||
      !at_cli_int_arg ("--pitch", pitch_text, AT_NARRATION_PITCH_MIN, AT_NARRATION_PITCH_MAX, &pitch, &error))
    return at_cli_fail ("narrate", error);
  AtAudioEncoding encoding = AT_AUDIO_ENCODING_DEFAULT;
  if (encoding_name != NULL && !at_audio_encoding_parse (encoding_name, &encoding, &error))
    return at_cli_fail ("narrate", error);
  int sample_rate = 0;
  if (sample_rate_text != NULL && !parse_sample_rate (sample_rate_text, &sample_rate, &error))
    return at_cli_fail ("narrate", error);

  g_autofree char *text = NULL;
  if (text_file != NULL)
    {
      if (rest != NULL && rest[0] != NULL)
        return at_cli_fail ("narrate", g_error_new_literal (G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                                                    "Give the text either as an argument or with --text-file, not both"));
      if (!g_file_get_contents (text_file, &text, NULL, &error))
        return at_cli_fail ("narrate", error);
    }
  else if (rest != NULL && rest[0] != NULL)
    text = g_strjoinv (" ", rest);   /* unquoted words are one text */
  else
    return at_cli_fail ("narrate", g_error_new_literal (G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                                                "Say what to narrate: atelier narrate \"TEXT\" -o FILE.wav"));
  if (output == NULL)
    return at_cli_fail ("narrate", g_error_new_literal (G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                                                "Say where to write the audio with -o FILE.wav (or .flac, .ogg)"));
  g_autoptr (AtOutputSet) outputs = open_outputs (output, encoding, srt, vtt, &error);
  if (outputs == NULL)
    return at_cli_fail ("narrate", error);

  AtNarrationOptions options = { voice, (int) rate, (int) pitch };
  g_autoptr (GPtrArray) words = NULL;
  g_autoptr (AtAudio) audio = at_narrate (text, &options, &words, NULL, &error);
  if (audio == NULL)
    return at_cli_fail ("narrate", error);
  /* for video work: the rate the rest of the edit uses */
  if (sample_rate > 0 && sample_rate != audio->rate && !at_audio_resample (audio, sample_rate, &error))
    return at_cli_fail ("narrate", error);
  gint64 audio_ms = (gint64) audio->n * 1000 / audio->rate;
  g_autoptr (GPtrArray) lines = at_subtitles_group (words, AT_SUBTITLE_MAX_CHARS, AT_SUBTITLE_MAX_MS, audio_ms);
  /* the audio and its subtitles are one unit: all written, or none */
  guint next = 1;
  if (!at_audio_write (audio, at_output_set_get (outputs, 0), encoding, &error) ||
      (srt != NULL && !at_subtitles_write (lines, at_output_set_get (outputs, next++), AT_SUBTITLE_SRT, &error)) ||
      (vtt != NULL && !at_subtitles_write (lines, at_output_set_get (outputs, next++), AT_SUBTITLE_VTT, &error)) ||
      !at_output_set_commit (outputs, &error))
    return at_cli_fail ("narrate", error);

  if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "audio");
      json_builder_add_string_value (b, output);
      json_builder_set_member_name (b, "seconds");
      json_builder_add_double_value (b, at_audio_get_duration (audio));
      json_builder_set_member_name (b, "sample_rate");
      json_builder_add_int_value (b, audio->rate);
      if (srt != NULL)
        {
          json_builder_set_member_name (b, "srt");
          json_builder_add_string_value (b, srt);
        }
      if (vtt != NULL)
        {
          json_builder_set_member_name (b, "vtt");
          json_builder_add_string_value (b, vtt);
        }
      add_cues (b, "words", words, "word");
      add_cues (b, "lines", lines, "text");
      json_builder_end_object (b);
      at_cli_print_json (b);
    }
  else if (!quiet)
    fprintf (stderr, "wrote %s (%.2f s, %u words, %u subtitle lines)\n", output, at_audio_get_duration (audio),
             words->len, lines->len);
  return AT_EXIT_OK;
}
