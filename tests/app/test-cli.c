/* test-cli.c — the command line as a user runs it: output and exit codes. */
#include <math.h>
#include <stdlib.h>
#include <glib/gstdio.h>
#include <string.h>

#include <sndfile.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "atelier-config.h"
#include "test-util.h"
#include "audio/audio-file.h"
#include "audio/cues.h"
#include "media/image.h"
#include "media/subtitles.h"

typedef struct {
  char *out;
  char *err;
  int status;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs the atelier binary with args (NULL-ended) and, when env_name is not
 * NULL, that variable set; asserts that it exits with status. What it said
 * on stderr goes to the test log. */
static void
run_atelier_env (Run *run, int status, const char *env_name, const char *env_value, const char * const *args)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_strv_builder_add (builder, g_getenv ("ATELIER_BIN"));
  g_strv_builder_addv (builder, (const char **) args);
  g_auto (GStrv) argv = g_strv_builder_end (builder);
  g_auto (GStrv) envp = g_get_environ ();
  if (env_name != NULL)
    envp = g_environ_setenv (envp, env_name, env_value, TRUE);
  g_autoptr (GError) error = NULL;
  int wait_status = 0;
  g_spawn_sync (NULL, argv, envp, G_SPAWN_DEFAULT, NULL, NULL, &run->out, &run->err, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);
  g_autofree char *command = g_strjoinv (" ", (char **) args);
  g_test_message ("atelier %s: exit %d, stderr: %s", command, run->status, run->err);
  g_assert_cmpint (run->status, ==, status);
}

/* The same in the test's own environment, the arguments listed in place. */
#define run_atelier(run, status, ...) \
  run_atelier_env ((run), (status), NULL, NULL, (const char *[]) { __VA_ARGS__, NULL })

static void
test_version (void)
{
  g_auto (Run) run = { 0 };
  run_atelier (&run, 0, "--version");
  g_assert_cmpstr (run.out, ==, "atelier " AT_VERSION "\n");
}

static void
test_list_devices (void)
{
  g_auto (Run) run = { 0 };
  run_atelier (&run, 0, "--list-devices");
  g_assert_nonnull (strstr (run.out, "llvmpipe"));
  g_assert_nonnull (strstr (run.out, "type: CPU"));
  g_assert_nonnull (strstr (run.out, "driver: llvmpipe Mesa"));
  g_assert_nonnull (strstr (run.out, "memory:"));
}

static void
test_bad_device_choice (void)
{
  g_auto (Run) run = { 0 };
  run_atelier_env (&run, 3, "ATELIER_DEVICE", "quantum-accelerator", (const char *[]) { "--list-devices", NULL });
  g_assert_nonnull (strstr (run.err, "No Vulkan compute device matches \"quantum-accelerator\""));
}

static void
test_missing_driver (void)
{
  g_auto (Run) run = { 0 };
  run_atelier_env (&run, 3, "VK_ICD_FILENAMES", "/nonexistent/icd.json", (const char *[]) { "--list-devices", NULL });
  g_assert_nonnull (strstr (run.err, "mesa-vulkan-drivers"));
}

static void
test_unknown_option (void)
{
  g_auto (Run) run = { 0 };
  run_atelier (&run, 2, "--frobnicate");
  g_assert_nonnull (strstr (run.err, "unknown option --frobnicate"));
  g_assert_nonnull (strstr (run.err, "Usage:"));
}

/* --help in a UTF-8 locale keeps its dashes and ellipses (it printed "?"
 * for them when the command line did not set the locale). */
static void
test_help_in_utf8 (void)
{
  g_auto (Run) run = { 0 };
  run_atelier_env (&run, 0, "LC_ALL", "C.UTF-8", (const char *[]) { "generate", "--help", NULL });
  g_assert_nonnull (strstr (run.out, "0–1 (default 1)"));
  g_assert_nonnull (strstr (run.out, "NAME-2.png, …)"));
}

/* Words the model does not know are named on stderr, not dropped in
 * silence; a British spelling is read as the American word it knows. */
static void
test_generate_names_unknown_words (void)
{
  g_autofree char *out = test_tmp_path ("unknown.png");
  g_auto (Run) run = { 0 };
  run_atelier (&run, 0, "generate", "--prompt", "watercolour qqqzzzxx apple", "--steps", "1", "-q", "-o", out);
  g_assert_nonnull (strstr (run.err, "warning: Not known to the built-in model, so left out: qqqzzzxx.\n"));
  g_assert_null (strstr (run.err, "watercolour"));
  g_unlink (out);
}

/* A real run: the PNG carries the parameters other tools read back. */
static void
test_generate_writes_png_with_parameters (void)
{
  g_autofree char *out = test_tmp_path ("apple.png");
  g_auto (Run) run = { 0 };
  run_atelier (&run, 0, "generate", "--prompt", "red apple", "--steps", "2", "--guidance", "1", "--seed", "77",
               "--sampler", "DPM++ 2M", "--size", "128", "--json", "-o", out);
  g_assert_nonnull (strstr (run.out, "\"seed\" : 77"));
  g_assert_nonnull (strstr (run.out, "\"per_denoiser_call\""));
  g_assert_nonnull (strstr (run.err, "step 2/2"));   /* plain progress lines when not a terminal */
  g_autoptr (GError) error = NULL;
  g_autofree char *params = at_image_read_png_text (out, "parameters", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (params, "red apple\nSteps: 2, Sampler: DPM++ 2M, CFG scale: 1, Seed: 77, Size: 128x128"));
  g_autoptr (AtImage) img = at_image_load (out, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (img->width, ==, 128);
}

/* A spoken prompt made here: its transcript becomes the text prompt and
 * its audio conditions the image. */
static void
test_generate_from_voice (void)
{
  g_autofree char *wav = test_tmp_path ("spoken.wav");
  g_autofree char *out = test_tmp_path ("spoken.png");
  test_speak_to_file ("espeak-ng", NULL, "red apple", wav);
  g_auto (Run) run = { 0 };
  run_atelier (&run, 0, "generate", "--voice", wav, "--steps", "1", "--guidance", "1", "-o", out);
  g_assert_nonnull (strstr (run.err, "heard: \""));
  g_autoptr (GError) error = NULL;
  g_autofree char *params = at_image_read_png_text (out, "parameters", &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (params, "Voice prompt: yes"));
}

static JsonObject *
parse_object (JsonParser *parser, const char *text)
{
  g_autoptr (GError) error = NULL;
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

/* --voice-cues: the cues printed are the ones the engine measures, and the
 * steps they announce are the steps the PNG was made with; a clip without
 * a voice leaves the parameters alone. */
static void
test_generate_voice_cues (void)
{
  g_autofree char *wav = test_tmp_path ("fast.wav");
  g_autofree char *out = test_tmp_path ("cued.png");
  g_auto (Run) say = { 0 };
  run_atelier (&say, 0, "narrate", "a red apple on a wooden table", "--voice", "flite/slt",
               "--rate", "320", "-o", wav, "-q");
  g_auto (Run) run = { 0 };
  run_atelier (&run, 0, "generate", "--voice", wav, "--voice-cues", "--steps", "8", "--guidance",
               "2.5", "--seed", "1", "--json", "-o", out);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *root = parse_object (parser, run.out);
  JsonObject *cues = json_object_get_object_member (root, "voice_cues");
  g_autoptr (GError) error = NULL;
  g_autoptr (AtAudio) audio = at_audio_load (wav, &error);
  g_assert_no_error (error);
  g_autoptr (AtVoiceCues) direct = at_voice_cues_measure (audio, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (cues, "pitch_hz"), direct->pitch_hz, 0.01);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (cues, "loudness_lufs"), direct->loudness_lufs, 0.01);
  g_assert_cmpstr (json_object_get_string_member (cues, "rate_from"), ==, "transcript");

  /* 320 wpm is fast: fewer steps, said in words and in the PNG */
  JsonArray *adjustments = json_object_get_array_member (root, "adjustments");
  const char *steps_line = NULL;
  for (guint i = 0; i < json_array_get_length (adjustments); i++)
    if (strstr (json_array_get_string_element (adjustments, i), "steps 8 → ") != NULL)
      steps_line = json_array_get_string_element (adjustments, i);
  g_assert_nonnull (steps_line);
  int steps = atoi (strstr (steps_line, "→ ") + strlen ("→ "));
  g_assert_cmpint (steps, <, 8);
  g_autofree char *params = at_image_read_png_text (out, "parameters", &error);
  g_assert_no_error (error);
  g_autofree char *expected = g_strdup_printf ("Steps: %d,", steps);
  g_assert_nonnull (strstr (params, expected));

  /* noise has no pitch: a warning, the parameters as given */
  g_autofree char *noise_wav = test_tmp_path ("noise.wav");
  g_autoptr (AtAudio) noise = at_audio_new (16000, 16000);
  for (gsize i = 0; i < noise->n; i++)
    noise->samples[i] = g_random_double_range (-0.3, 0.3);
  g_assert_true (at_audio_save (noise, noise_wav, NULL));
  g_auto (Run) hiss = { 0 };
  run_atelier (&hiss, 0, "generate", "--voice", noise_wav, "--voice-cues", "--prompt", "apple",
               "--steps", "2", "-o", out);
  g_assert_nonnull (strstr (hiss.err, "guidance and steps unchanged"));
  g_autofree char *plain = at_image_read_png_text (out, "parameters", &error);
  g_assert_nonnull (strstr (plain, "Steps: 2,"));
}

typedef struct {
  const char *const *args;
  int status;
  const char *message;
} BadCase;

/* Each case must exit with its status and say its message on stderr,
 * writing none of the files never_written (NULL-ended). */
static void
check_bad_cases (const BadCase *cases, gsize n_cases, const char *const *never_written)
{
  for (gsize i = 0; i < n_cases; i++)
    {
      g_auto (Run) run = { 0 };
      run_atelier_env (&run, cases[i].status, NULL, NULL, cases[i].args);
      g_assert_nonnull (strstr (run.err, cases[i].message));
      for (gsize f = 0; never_written[f] != NULL; f++)
        g_assert_false (g_file_test (never_written[f], G_FILE_TEST_EXISTS));
    }
}

static void
test_generate_bad_input (void)
{
  g_autofree char *out = test_tmp_path ("never.png");
  g_autofree char *corrupt = test_tmp_path ("corrupt.png");
  g_autofree char *text = test_tmp_path ("notes.png");
  g_assert_true (g_file_set_contents (corrupt, "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, NULL));
  g_assert_true (g_file_set_contents (text, "GIF89a not really", -1, NULL));
  const BadCase cases[] = {
    { (const char *[]) { "generate", "--prompt", "cat", NULL }, 2, "-o FILE.png" },
    { (const char *[]) { "generate", "-o", out, NULL }, 2, "Nothing to generate from" },
    { (const char *[]) { "generate", "--prompt", "   ", "-o", out, NULL }, 2, "Nothing to generate from" },
    { (const char *[]) { "generate", "--prompt", "cat", "--sampler", "warp", "-o", out, NULL }, 2, "Unknown sampler \"warp\"" },
    { (const char *[]) { "generate", "--prompt", "cat", "--steps", "0", "-o", out, NULL }, 2, "Steps must be" },
    { (const char *[]) { "generate", "--prompt", "cat", "--sketch", "/nonexistent.png", "-o", out, NULL }, 2, "Sketch:" },
    { (const char *[]) { "generate", "--prompt", "cat", "--sketch", corrupt, "-o", out, NULL }, 2, "Sketch:" },
    { (const char *[]) { "generate", "--prompt", "cat", "--init", text, "-o", out, NULL }, 2, "GIF" },
    { (const char *[]) { "generate", "--prompt", "cat", "--voice", corrupt, "-o", out, NULL }, 2, "Voice:" },
    { (const char *[]) { "generate", "--prompt", "cat", "--model-dir", "/nonexistent", "-o", out, NULL }, 2, "atelier-model.json" },
  };
  check_bad_cases (cases, G_N_ELEMENTS (cases), (const char *[]) { out, NULL });
  g_auto (Run) run = { 0 };
  run_atelier_env (&run, 3, "ATELIER_DEVICE", "nope", (const char *[]) { "generate", "--prompt", "cat", "-o", out, NULL });
}

/* --init IMG --mask MASK.png: pixels farther than the feather from the
 * white of the mask come back as the init image had them (read back from
 * both PNGs), the PNG says how it was made, and masks that cannot be used
 * are refused with exit 2 before anything is written. */
static void
test_generate_mask (void)
{
  g_autofree char *init_path = test_tmp_path ("init.png");
  g_autofree char *mask_path = test_tmp_path ("mask.png");
  g_autofree char *small_mask = test_tmp_path ("mask-small.png");
  g_autofree char *black_mask = test_tmp_path ("mask-black.png");
  g_autofree char *corrupt = test_tmp_path ("mask-corrupt.png");
  g_autofree char *out = test_tmp_path ("inpainted.png");
  g_autoptr (AtImage) init = at_image_new (64, 64, 3);
  g_autoptr (AtImage) mask = at_image_new (64, 64, 1);
  g_autoptr (AtImage) small = at_image_new (32, 64, 1);
  g_autoptr (AtImage) black = at_image_new (64, 64, 1);
  for (guint i = 0; i < 64 * 64; i++)
    {
      guint x = i % 64, y = i / 64;
      init->pixels[i * 3] = x * 4, init->pixels[i * 3 + 1] = y * 4, init->pixels[i * 3 + 2] = 90;
      mask->pixels[i] = x >= 16 && x < 40 && y >= 20 && y < 44 ? 255 : 0;
    }
  memset (small->pixels, 255, 32 * 64);
  g_autoptr (GError) error = NULL;
  g_assert_true (at_image_save_png (init, init_path, NULL, NULL, &error));
  g_assert_true (at_image_save_png (mask, mask_path, NULL, NULL, &error));
  g_assert_true (at_image_save_png (small, small_mask, NULL, NULL, &error));
  g_assert_true (at_image_save_png (black, black_mask, NULL, NULL, &error));
  g_assert_true (g_file_set_contents (corrupt, "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, NULL));

  const BadCase cases[] = {
    { (const char *[]) { "generate", "--prompt", "cat", "--init", init_path, "--mask", small_mask, "-o", out, NULL }, 2,
      "The mask is 32×64 pixels but the init image is 64×64" },
    { (const char *[]) { "generate", "--prompt", "cat", "--init", init_path, "--mask", "/nonexistent.png", "-o", out, NULL }, 2, "Mask:" },
    { (const char *[]) { "generate", "--prompt", "cat", "--init", init_path, "--mask", corrupt, "-o", out, NULL }, 2, "Mask:" },
    { (const char *[]) { "generate", "--prompt", "cat", "--init", init_path, "--mask", black_mask, "-o", out, NULL }, 2, "all black" },
    { (const char *[]) { "generate", "--prompt", "cat", "--mask", mask_path, "-o", out, NULL }, 2, "needs an init image" },
    { (const char *[]) { "generate", "--prompt", "cat", "--init", init_path, "--mask", mask_path, "--feather", "-2", "-o", out, NULL }, 2, "feather" },
  };
  check_bad_cases (cases, G_N_ELEMENTS (cases), (const char *[]) { out, NULL });

  g_auto (Run) run = { 0 };
  run_atelier (&run, 0, "generate", "--prompt", "red apple", "--init", init_path, "--mask", mask_path,
               "--feather", "2", "--strength", "1", "--steps", "3", "--guidance", "1", "--seed", "5", "--size", "64", "-o", out, "-q");
  g_autoptr (AtImage) got = at_image_load (out, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->width, ==, 64);
  guint kept = 0, changed = 0;
  for (guint i = 0; i < 64 * 64; i++)
    {
      int x = i % 64, y = i / 64;
      /* Chebyshev distance to the white square [16, 40) × [20, 44) */
      int d = MAX (MAX (16 - x, x - 39), MAX (20 - y, y - 43));
      if (d > 2)
        {
          g_assert_cmpmem (got->pixels + i * 3, 3, init->pixels + i * 3, 3);
          kept++;
        }
      else if (d < -2)
        changed += memcmp (got->pixels + i * 3, init->pixels + i * 3, 3) != 0;
    }
  g_assert_cmpuint (kept, >, 2000);
  g_assert_cmpuint (changed, >, 100);
  g_autofree char *params = at_image_read_png_text (out, "parameters", &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (params, "Denoising strength: 1, Mask blur: 2"));
}

/* `atelier narrate`: audio in the format the name asks for, subtitles
 * that read back and cover it. */
static void
test_narrate (void)
{
  g_autofree char *srt = test_tmp_path ("narration.srt");
  g_autofree char *vtt = test_tmp_path ("narration.vtt");
  const char *names[] = { "narration.wav", "narration.flac", "narration.ogg" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *out = test_tmp_path (names[i]);
      g_auto (Run) run = { 0 };
      run_atelier (&run, 0, "narrate", "A red apple on a wooden table. A blue house by the sea.",
                   "-o", out, "--srt", srt, "--vtt", vtt, "--rate", "200", "--pitch", "40",
                   "--voice", "en-us", "--json");
      g_assert_nonnull (strstr (run.out, "\"word\" : \"apple\""));
      g_autoptr (GError) error = NULL;
      g_autoptr (AtAudio) audio = at_audio_load (out, &error);
      g_assert_no_error (error);
      g_assert_cmpfloat (at_audio_get_duration (audio), >, 1.5);
      g_assert_cmpfloat (at_audio_get_duration (audio), <, 8.0);
      for (int f = 0; f < 2; f++)
        {
          g_autoptr (GPtrArray) cues = at_subtitles_load (f == 0 ? srt : vtt, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (cues->len, >=, 2);
          const AtCue *last = cues->pdata[cues->len - 1];
          g_assert_cmpfloat (fabs (last->end_ms / 1000.0 - at_audio_get_duration (audio)), <, 0.05);
        }
    }
  /* --sample-rate for video work: the same narration, resampled, as long */
  g_autofree char *at16 = test_tmp_path ("at16.wav"), *at48 = test_tmp_path ("at48.wav");
  g_auto (Run) r16 = { 0 }, r48 = { 0 };   /* the voice's own rate, and 48 kHz */
  run_atelier (&r16, 0, "narrate", "A kite in the wind.", "-o", at16);
  run_atelier (&r48, 0, "narrate", "A kite in the wind.", "--sample-rate", "48000", "-o", at48);
  g_autoptr (GError) rate_error = NULL;
  g_autoptr (AtAudio) a16 = at_audio_load (at16, &rate_error);
  g_autoptr (AtAudio) a48 = at_audio_load (at48, &rate_error);
  g_assert_no_error (rate_error);
  g_assert_cmpint (a16->rate, <, 48000);
  g_assert_cmpint (a48->rate, ==, 48000);
  g_assert_cmpfloat (fabs (at_audio_get_duration (a48) - at_audio_get_duration (a16)), <, 0.001);
  /* the same sound: back at the voice's rate it matches the original closely */
  g_assert_true (at_audio_resample (a48, a16->rate, &rate_error));
  double err = 0, energy = 0;
  for (gsize i = 0; i < MIN (a16->n, a48->n); i++)
    {
      err += (a48->samples[i] - a16->samples[i]) * (a48->samples[i] - a16->samples[i]);
      energy += a16->samples[i] * a16->samples[i];
    }
  g_test_message ("%d Hz to 48 kHz and back: %.1f dB SNR", a16->rate, 10 * log10 (energy / err));
  g_assert_cmpfloat (10 * log10 (energy / err), >, 30);
  g_auto (Run) bad_rate = { 0 };
  run_atelier (&bad_rate, 2, "narrate", "hi", "--sample-rate", "8000", "-o", at48);
  g_assert_nonnull (strstr (bad_rate.err, "--sample-rate must be"));

  /* unquoted words are one text; plain output is one line on stderr */
  g_autofree char *out = test_tmp_path ("words.wav");
  g_auto (Run) run = { 0 };
  run_atelier (&run, 0, "narrate", "hello", "there", "-o", out);
  g_assert_true (g_str_has_prefix (run.err, "wrote "));
  g_assert_nonnull (strstr (run.err, "2 words"));

  g_auto (Run) list = { 0 };
  run_atelier (&list, 0, "narrate", "--list-voices");
  g_assert_nonnull (strstr (list.out, "en-us"));
  g_assert_nonnull (strstr (list.out, "English (America)"));
  g_assert_nonnull (strstr (list.out, "flite/slt"));
}

/* --encoding picks the WAV sample format, as libsndfile reads it back;
 * flite voices narrate too. */
static void
test_narrate_encoding (void)
{
  const struct { const char *name; int subtype; } cases[] = {
    { "16", SF_FORMAT_PCM_16 }, { "24", SF_FORMAT_PCM_24 }, { "float", SF_FORMAT_FLOAT },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = test_tmp_path ("encoded.wav");
      g_auto (Run) run = { 0 };
      run_atelier (&run, 0, "narrate", "a blue house", "--voice", "flite/slt", "--encoding",
                   cases[i].name, "-o", out, "-q");
      SF_INFO info = { 0 };
      SNDFILE *f = sf_open (out, SFM_READ, &info);
      g_assert_nonnull (f);
      sf_close (f);
      g_assert_cmphex (info.format & SF_FORMAT_SUBMASK, ==, cases[i].subtype);
      g_assert_cmpint (info.samplerate, ==, 16000);
    }
}

static void
test_narrate_bad_input (void)
{
  g_autofree char *out = test_tmp_path ("never.wav");
  g_autofree char *mp3 = test_tmp_path ("never.mp3");
  g_autofree char *srt = test_tmp_path ("no/such/folder/never.srt");
  const BadCase cases[] = {
    { (const char *[]) { "narrate", "-o", out, NULL }, 2, "Say what to narrate" },
    { (const char *[]) { "narrate", "hello", NULL }, 2, "-o FILE.wav" },
    { (const char *[]) { "narrate", "  ", "-o", out, NULL }, 2, "Nothing to narrate" },
    { (const char *[]) { "narrate", "hello", "--voice", "klingon-deep", "-o", out, NULL }, 2, "Unknown voice \"klingon-deep\"" },
    { (const char *[]) { "narrate", "hello", "--rate", "10", "-o", out, NULL }, 2, "80 to 450" },
    { (const char *[]) { "narrate", "hello", "--pitch", "120", "-o", out, NULL }, 2, "0 to 99" },
    { (const char *[]) { "narrate", "hello", "--rate", "fast", "-o", out, NULL }, 2, "fast" },
    { (const char *[]) { "narrate", "hello", "-o", mp3, NULL }, 2, ".wav" },
    { (const char *[]) { "narrate", "hello", "--encoding", "12", "-o", out, NULL }, 2, "choose 16, 24 or float" },
    { (const char *[]) { "narrate", "--text-file", "/nonexistent.txt", "-o", out, NULL }, 2, "nonexistent" },
  };
  check_bad_cases (cases, G_N_ELEMENTS (cases), (const char *[]) { out, mp3, NULL });
  /* the subtitles cannot be written: found before any work, and the audio
   * is not written either (the two are one unit) */
  g_auto (Run) run = { 0 };
  run_atelier (&run, 2, "narrate", "hello", "-o", out, "--srt", srt);
  g_assert_nonnull (strstr (run.err, "--srt:"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

/* `atelier transcribe` on speech narrated by `atelier narrate`. */
static void
test_transcribe (void)
{
  g_autofree char *wav = test_tmp_path ("spoken.wav");
  g_auto (Run) say = { 0 };
  run_atelier (&say, 0, "narrate", "a red apple on a wooden table", "-o", wav, "-q");
  g_assert_cmpstr (say.err, ==, "");

  g_auto (Run) run = { 0 };
  run_atelier (&run, 0, "transcribe", wav, "--json", "--words", "red apple blue house wooden table a on");
  g_assert_nonnull (strstr (run.out, "\"word\" : \"apple\""));
  g_assert_nonnull (strstr (run.out, "\"start_ms\""));
  g_assert_nonnull (strstr (run.out, "\"decode_seconds\""));
  g_assert_nonnull (strstr (run.out, "\"voice_cues\" : {"));
  g_assert_nonnull (strstr (run.out, "\"pitch_hz\""));

  /* the general language model: whatever it hears, one line, exit 0 */
  g_auto (Run) plain = { 0 };
  run_atelier (&plain, 0, "transcribe", wav);
  g_test_message ("general model heard \"%s\"", g_strchomp (plain.out));
}

static void
test_transcribe_bad_input (void)
{
  g_autofree char *garbage = test_tmp_path ("garbage.wav");
  g_autofree char *empty = test_tmp_path ("empty.flac");
  g_autofree char *wav = test_tmp_path ("short.wav");
  g_assert_true (g_file_set_contents (garbage, "RIFF\x10\0\0\0WAVEfmt nonsense", 25, NULL));
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_autoptr (AtAudio) tone = at_audio_new (8000, 16000);
  g_assert_true (at_audio_save (tone, wav, NULL));
  const BadCase cases[] = {
    { (const char *[]) { "transcribe", NULL }, 2, "Name one audio file" },
    { (const char *[]) { "transcribe", "/nonexistent.wav", NULL }, 2, "nonexistent" },
    { (const char *[]) { "transcribe", garbage, NULL }, 2, "garbage.wav" },
    { (const char *[]) { "transcribe", empty, NULL }, 2, "empty.flac" },
    { (const char *[]) { "transcribe", wav, wav, NULL }, 2, "one file at a time" },
    { (const char *[]) { "transcribe", wav, "--words", "zqxjv", NULL }, 2, "vocabulary" },
    { (const char *[]) { "transcribe", wav, "--frobnicate", NULL }, 2, "frobnicate" },
    { (const char *[]) { "transcribe", wav, "--lm", "/nonexistent.arpa", NULL }, 2, "Language model" },
  };
  check_bad_cases (cases, G_N_ELEMENTS (cases), (const char *[]) { NULL });
  /* a model folder the user named and that is not there is bad input */
  g_auto (Run) run = { 0 };
  run_atelier_env (&run, 2, "ATELIER_SPEECH_MODEL_DIR", "/nonexistent", (const char *[]) { "transcribe", wav, NULL });
  g_assert_nonnull (strstr (run.err, "pocketsphinx-en-us"));
}

/* `atelier suggest`: shapes as JSON, the best one as a sketch PNG that
 * `suggest --sketch` ranks first again, an SVG with the shape's name;
 * `generate` names the shape it used. */
static void
test_suggest (void)
{
  g_autofree char *png = test_tmp_path ("rocket.png");
  g_autofree char *svg = test_tmp_path ("rocket.svg");
  g_auto (Run) run = { 0 };
  run_atelier (&run, 0, "suggest", "a", "spaceship", "--count", "3", "--json", "-o", png);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *root = parse_object (parser, run.out);
  JsonArray *shapes = json_object_get_array_member (root, "shapes");
  g_assert_cmpuint (json_array_get_length (shapes), ==, 3);
  const char *best = json_object_get_string_member (json_array_get_object_element (shapes, 0), "name");
  g_autoptr (GError) error = NULL;
  g_autoptr (AtImage) img = at_image_load (png, &error);
  g_assert_no_error (error);
  g_auto (Run) again = { 0 };
  run_atelier (&again, 0, "suggest", "--sketch", png, "--count", "5", "--json");
  g_autoptr (JsonParser) parser2 = json_parser_new ();
  JsonArray *ranked = json_object_get_array_member (parse_object (parser2, again.out), "shapes");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (ranked, 0), "name"), ==, best);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (ranked, 0), "match"), ==,
                   "sketch-embedding");

  g_auto (Run) svg_run = { 0 };
  run_atelier (&svg_run, 0, "suggest", "rocket", "-o", svg);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (svg, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "<title>rocket</title>"));

  g_autofree char *out = test_tmp_path ("kitty.png");
  g_auto (Run) gen = { 0 };
  run_atelier (&gen, 0, "generate", "--prompt", "a kitty", "--steps", "2", "--seed", "1", "--json", "-o", out);
  g_autoptr (JsonParser) parser3 = json_parser_new ();
  g_assert_cmpstr (json_object_get_string_member (parse_object (parser3, gen.out), "shape"), ==, "cat");
  g_autofree char *params = at_image_read_png_text (out, "parameters", &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (params, "Shape: cat"));
}

static void
test_suggest_bad_input (void)
{
  g_autofree char *out = test_tmp_path ("never-shape.png");
  g_autofree char *blank = test_tmp_path ("blank.png");
  g_autoptr (AtImage) white = at_image_new (32, 32, 1);
  memset (white->pixels, 255, 32 * 32);
  g_assert_true (at_image_save_png (white, blank, NULL, NULL, NULL));
  const BadCase cases[] = {
    { (const char *[]) { "suggest", NULL }, 2, "Give either words or --sketch" },
    { (const char *[]) { "suggest", "cat", "--count", "0", NULL }, 2, "--count" },
    { (const char *[]) { "suggest", "cat", "-o", "shape.jpg", NULL }, 2, ".png or .svg" },
    { (const char *[]) { "suggest", "--sketch", "/nonexistent.png", NULL }, 2, "nonexistent" },
    { (const char *[]) { "suggest", "--sketch", blank, "-o", out, NULL }, 2, "no strokes" },
    { (const char *[]) { "suggest", "qwzx", "-o", out, NULL }, 2, "No shape matches" },
    { (const char *[]) { "generate", "--prompt", "cat", "--shape", "qwzx", "-o", out, NULL }, 2, "No shape is called" },
  };
  check_bad_cases (cases, G_N_ELEMENTS (cases), (const char *[]) { out, NULL });
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_nonnull (g_getenv ("ATELIER_BIN"));
  g_test_add_func ("/cli/version", test_version);
  g_test_add_func ("/cli/list-devices", test_list_devices);
  g_test_add_func ("/cli/bad-device", test_bad_device_choice);
  g_test_add_func ("/cli/missing-driver", test_missing_driver);
  g_test_add_func ("/cli/unknown-option", test_unknown_option);
  g_test_add_func ("/cli/help-utf8", test_help_in_utf8);
  g_test_add_func ("/cli/generate-unknown-words", test_generate_names_unknown_words);
  g_test_add_func ("/cli/generate", test_generate_writes_png_with_parameters);
  g_test_add_func ("/cli/generate-bad-input", test_generate_bad_input);
  g_test_add_func ("/cli/generate-mask", test_generate_mask);
  g_test_add_func ("/cli/generate-voice", test_generate_from_voice);
  g_test_add_func ("/cli/generate-voice-cues", test_generate_voice_cues);
  g_test_add_func ("/cli/narrate", test_narrate);
  g_test_add_func ("/cli/narrate-bad-input", test_narrate_bad_input);
  g_test_add_func ("/cli/narrate-encoding", test_narrate_encoding);
  g_test_add_func ("/cli/transcribe", test_transcribe);
  g_test_add_func ("/cli/transcribe-bad-input", test_transcribe_bad_input);
  g_test_add_func ("/cli/suggest", test_suggest);
  g_test_add_func ("/cli/suggest-bad-input", test_suggest_bad_input);
  return g_test_run ();
}
