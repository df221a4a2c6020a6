/* test-bad-input.c — the command line against bad input, as a careless
 * user or an attacker gives it: damaged images and sounds, hostile option
 * values, text that is not UTF-8, clashing or impossible output paths,
 * damaged model folders (each made here from a copy of the real model).
 *
 * Every case must exit with its code (2 for bad input), say so in one line
 * on stderr that starts "atelier" and names the problem, leave no file in
 * the output folder (not even a hidden temporary), and leave the special
 * files it was pointed at (a FIFO, /dev/null) as they were.
 */
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "audio/audio-file.h"
#include "media/image.h"
#include "test-util.h"

typedef struct {
  const char *name;
  int status;
  const char *message;   /* part of the line on stderr */
  const char *env;       /* "NAME=VALUE" or NULL */
  /* "@" + name: a file in the fixture folder; "@out/NAME": in the output
   * folder, which must stay empty; "@bad-utf8": the bytes "caf\xe9" */
  const char *args[16];
} Case;

/* Options that make a generation quick when a case gets that far. */
#define FAST "--steps", "1", "-q"

static const Case cases[] = {
  /* the command itself */
  { "unknown command", 2, "unknown command", NULL, { "frobnicate" } },
  { "unknown command with args", 2, "unknown command", NULL, { "render", "--prompt", "x" } },
  { "unknown option", 2, "unknown option --frobnicate", NULL, { "--frobnicate" } },
  { "generate: unknown option", 2, "Unknown option --frobnicate", NULL, { "generate", "--frobnicate", "-o", "@out/a.png" } },
  { "generate: no output", 2, "-o FILE.png", NULL, { "generate", "--prompt", "x" } },
  { "generate: stray argument", 2, "Unexpected argument", NULL, { "generate", "--prompt", "x", "-o", "@out/a.png", "extra" } },
  { "generate: nothing to draw from", 2, "Nothing to generate", NULL, { "generate", FAST, "-o", "@out/a.png" } },
  /* numbers: out of range, not numbers, never silently a default */
  { "steps -1", 2, "Steps must be between 1 and 200", NULL, { "generate", "--prompt", "x", "--steps=-1", "-o", "@out/a.png" } },
  { "steps 0", 2, "Steps must be between 1 and 200", NULL, { "generate", "--prompt", "x", "--steps", "0", "-o", "@out/a.png" } },
  { "steps 201", 2, "Steps must be between 1 and 200", NULL, { "generate", "--prompt", "x", "--steps", "201", "-o", "@out/a.png" } },
  { "steps abc", 2, "--steps must be a whole number", NULL, { "generate", "--prompt", "x", "--steps", "abc", "-o", "@out/a.png" } },
  { "steps 2.5", 2, "--steps must be a whole number", NULL, { "generate", "--prompt", "x", "--steps", "2.5", "-o", "@out/a.png" } },
  { "steps overflow", 2, "--steps must be from", NULL, { "generate", "--prompt", "x", "--steps", "99999999999", "-o", "@out/a.png" } },
  { "guidance nan", 2, "--guidance must be a finite number", NULL, { "generate", "--prompt", "x", "--guidance=nan", "-o", "@out/a.png" } },
  { "guidance -inf", 2, "--guidance must be a finite number", NULL, { "generate", "--prompt", "x", "--guidance=-inf", "-o", "@out/a.png" } },
  { "guidance inf", 2, "--guidance must be a finite number", NULL, { "generate", "--prompt", "x", "--guidance=inf", "-o", "@out/a.png" } },
  { "guidance -1", 2, "Guidance must be between 0 and 30", NULL, { "generate", "--prompt", "x", "--guidance=-1", "-o", "@out/a.png" } },
  { "guidance 31", 2, "Guidance must be between 0 and 30", NULL, { "generate", "--prompt", "x", "--guidance", "31", "-o", "@out/a.png" } },
  { "guidance empty", 2, "--guidance must be a finite number", NULL, { "generate", "--prompt", "x", "--guidance=", "-o", "@out/a.png" } },
  { "seed -2", 2, "--seed must be a whole number from 0", NULL, { "generate", "--prompt", "x", "--seed=-2", "-o", "@out/a.png" } },
  { "seed abc", 2, "--seed must be a whole number", NULL, { "generate", "--prompt", "x", "--seed", "abc", "-o", "@out/a.png" } },
  { "seed 2^64", 2, "--seed must be a whole number", NULL, { "generate", "--prompt", "x", "--seed", "18446744073709551616", "-o", "@out/a.png" } },
  { "strength 1.5", 2, "Strength must be between 0 and 1", NULL, { "generate", "--prompt", "x", "--strength", "1.5", "-o", "@out/a.png" } },
  { "strength nan", 2, "--strength must be a finite number", NULL, { "generate", "--prompt", "x", "--strength", "nan", "-o", "@out/a.png" } },
  { "sketch strength -0.1", 2, "Sketch strength must be between 0 and 1", NULL, { "generate", "--prompt", "x", "--sketch-strength=-0.1", "-o", "@out/a.png" } },
  { "count 0", 2, "--count must be from 1 to 64", NULL, { "generate", "--prompt", "x", "--count", "0", "-o", "@out/a.png" } },
  { "count 65", 2, "--count must be from 1 to 64", NULL, { "generate", "--prompt", "x", "--count", "65", "-o", "@out/a.png" } },
  { "count -1", 2, "--count must be from 1 to 64", NULL, { "generate", "--prompt", "x", "--count=-1", "-o", "@out/a.png" } },
  { "size 0", 2, "--size must be 64, 128, 256 or 512", NULL, { "generate", "--prompt", "x", "--size", "0", "-o", "@out/a.png" } },
  { "size -1", 2, "--size must be 64, 128, 256 or 512", NULL, { "generate", "--prompt", "x", "--size=-1", "-o", "@out/a.png" } },
  { "size 5000", 2, "--size must be 64, 128, 256 or 512", NULL, { "generate", "--prompt", "x", "--size", "5000", "-o", "@out/a.png" } },
  { "unknown sampler", 2, "Unknown sampler", NULL, { "generate", "--prompt", "x", "--sampler", "frob", "-o", "@out/a.png" } },
  /* damaged or wrong input files */
  { "sketch: empty file", 2, "Sketch:", NULL, { "generate", FAST, "--sketch", "@empty.png", "-o", "@out/a.png" } },
  { "sketch: text", 2, "not a PNG", NULL, { "generate", FAST, "--sketch", "@text.png", "-o", "@out/a.png" } },
  { "sketch: truncated", 2, "Sketch:", NULL, { "generate", FAST, "--sketch", "@truncated.png", "-o", "@out/a.png" } },
  { "sketch: missing", 2, "Sketch:", NULL, { "generate", FAST, "--sketch", "@missing.png", "-o", "@out/a.png" } },
  { "sketch: a folder", 2, "Sketch:", NULL, { "generate", FAST, "--sketch", "@model-empty", "-o", "@out/a.png" } },
  { "init: JPEG", 2, "Init image:", NULL, { "generate", FAST, "--prompt", "x", "--init", "@jpeg.png", "-o", "@out/a.png" } },
  { "init: huge", 2, "Init image:", NULL, { "generate", FAST, "--prompt", "x", "--init", "@huge.png", "-o", "@out/a.png" } },
  { "voice: empty", 2, "Voice:", NULL, { "generate", FAST, "--voice", "@empty.wav", "-o", "@out/a.png" } },
  { "voice: text", 2, "Voice:", NULL, { "generate", FAST, "--voice", "@text.wav", "-o", "@out/a.png" } },
  { "voice: truncated", 2, "Voice:", NULL, { "generate", FAST, "--voice", "@truncated.wav", "-o", "@out/a.png" } },
  { "voice: missing", 2, "Voice:", NULL, { "generate", FAST, "--voice", "@missing.wav", "-o", "@out/a.png" } },
  { "prompt not UTF-8", 2, "UTF-8", "LC_ALL=C.UTF-8", { "generate", FAST, "--prompt", "@bad-utf8", "-o", "@out/a.png" } },
  /* outputs */
  { "output folder missing", 2, "does not exist", NULL, { "generate", FAST, "--prompt", "x", "-o", "@out/no/such/a.png" } },
  { "output is a folder", 2, "is a folder", NULL, { "generate", FAST, "--prompt", "x", "-o", "@out" } },
  { "output empty name", 2, "empty file name", NULL, { "generate", FAST, "--prompt", "x", "-o", "" } },
  { "second of a set is a folder", 2, "is a folder", NULL, { "generate", FAST, "--prompt", "x", "--count", "2", "-o", "@busy/img.png" } },
  { "FIFO output, bad steps", 2, "Steps must be", NULL, { "generate", "--prompt", "x", "--steps", "0", "-o", "@special/pipe.png" } },
  { "/dev/null output, bad guidance", 2, "Guidance must be", NULL, { "generate", "--prompt", "x", "--guidance", "99", "-o", "/dev/null" } },
  /* damaged model folders */
  { "model: missing folder", 2, "cannot be used", NULL, { "generate", FAST, "--prompt", "x", "--model-dir", "@no-such-model", "-o", "@out/a.png" } },
  { "model: empty folder", 2, "cannot be used", NULL, { "generate", FAST, "--prompt", "x", "--model-dir", "@model-empty", "-o", "@out/a.png" } },
  { "model: via environment", 2, "cannot be used", "ATELIER_MODEL_DIR=/nonexistent/model", { "generate", FAST, "--prompt", "x", "-o", "@out/a.png" } },
  { "weights: truncated", 2, "truncated", NULL, { "generate", FAST, "--prompt", "x", "--model-dir", "@model-truncated", "-o", "@out/a.png" } },
  { "weights: header not JSON", 2, "cannot be used", NULL, { "generate", FAST, "--prompt", "x", "--model-dir", "@model-header-text", "-o", "@out/a.png" } },
  { "weights: header length huge", 2, "cannot be used", NULL, { "generate", FAST, "--prompt", "x", "--model-dir", "@model-header-huge", "-o", "@out/a.png" } },
  { "weights: missing tensor", 2, "audio.inp.bias", NULL, { "generate", FAST, "--prompt", "x", "--model-dir", "@model-missing-tensor", "-o", "@out/a.png" } },
  { "weights: wrong dtype", 2, "cannot be used", NULL, { "generate", FAST, "--prompt", "x", "--model-dir", "@model-dtype", "-o", "@out/a.png" } },
  { "weights: wrong shape", 2, "audio.inp.bias", NULL, { "generate", FAST, "--prompt", "x", "--model-dir", "@model-shape", "-o", "@out/a.png" } },
  { "weights: overlapping", 2, "cannot be used", NULL, { "generate", FAST, "--prompt", "x", "--model-dir", "@model-overlap", "-o", "@out/a.png" } },
  { "weights: NaN", 2, "Weight 'audio.inp.bias' holds nan", NULL, { "generate", FAST, "--prompt", "x", "--model-dir", "@model-nan", "-o", "@out/a.png" } },
  { "weights: infinity", 2, "Weight 'audio.inp.bias' holds inf", NULL, { "generate", FAST, "--prompt", "x", "--model-dir", "@model-inf", "-o", "@out/a.png" } },
  { "model computes NaN", 2, "computed NaN or infinite values", NULL, { "generate", FAST, "--prompt", "x", "--model-dir", "@model-computes-nan", "-o", "@out/a.png" } },
  { "config: not JSON", 2, "atelier-model.json", NULL, { "generate", FAST, "--prompt", "x", "--model-dir", "@model-config-text", "-o", "@out/a.png" } },
  { "config: wrong type", 2, "image_size", NULL, { "generate", FAST, "--prompt", "x", "--model-dir", "@model-config-type", "-o", "@out/a.png" } },
  { "config: missing key", 2, "image_size", NULL, { "generate", FAST, "--prompt", "x", "--model-dir", "@model-config-missing", "-o", "@out/a.png" } },
  { "config: huge number", 2, "image_size", NULL, { "generate", FAST, "--prompt", "x", "--model-dir", "@model-config-huge", "-o", "@out/a.png" } },
  { "tokenizer: not JSON", 2, "Tokenizer", NULL, { "generate", FAST, "--prompt", "x", "--model-dir", "@model-tokenizer-text", "-o", "@out/a.png" } },
  { "tokenizer: wrong size", 2, "tokenizer has", NULL, { "generate", FAST, "--prompt", "x", "--model-dir", "@model-tokenizer-size", "-o", "@out/a.png" } },
  /* narrate */
  { "narrate: no text", 2, "Say what to narrate", NULL, { "narrate", "-o", "@out/a.wav" } },
  { "narrate: no output", 2, "-o FILE.wav", NULL, { "narrate", "hello" } },
  { "narrate: rate 0", 2, "--rate must be from 80 to 450", NULL, { "narrate", "hello", "--rate", "0", "-o", "@out/a.wav" } },
  { "narrate: rate 451", 2, "--rate must be from 80 to 450", NULL, { "narrate", "hello", "--rate", "451", "-o", "@out/a.wav" } },
  { "narrate: rate abc", 2, "--rate must be a whole number", NULL, { "narrate", "hello", "--rate", "abc", "-o", "@out/a.wav" } },
  { "narrate: pitch 100", 2, "--pitch must be from 0 to 99", NULL, { "narrate", "hello", "--pitch", "100", "-o", "@out/a.wav" } },
  { "narrate: pitch -1", 2, "--pitch must be from 0 to 99", NULL, { "narrate", "hello", "--pitch=-1", "-o", "@out/a.wav" } },
  { "narrate: encoding 12", 2, "Unknown sample encoding", NULL, { "narrate", "hello", "--encoding", "12", "-o", "@out/a.wav" } },
  { "narrate: mp3", 2, "end the name with .wav", NULL, { "narrate", "hello", "-o", "@out/a.mp3" } },
  { "narrate: 24-bit Ogg", 2, "OGG files are always Vorbis", NULL, { "narrate", "hello", "--encoding", "24", "-o", "@out/a.ogg" } },
  { "narrate: audio and SRT the same", 2, "-o and --srt name the same file", NULL, { "narrate", "hello", "-o", "@out/a.wav", "--srt", "@out/a.wav" } },
  { "narrate: same file spelt twice", 2, "-o and --vtt name the same file", NULL, { "narrate", "hello", "-o", "@out/a.wav", "--vtt", "@out/./a.wav" } },
  { "narrate: SRT folder missing", 2, "--srt:", NULL, { "narrate", "hello", "-o", "@out/a.wav", "--srt", "@out/no/a.srt" } },
  { "narrate: VTT is a folder", 2, "--vtt:", NULL, { "narrate", "hello", "-o", "@out/a.wav", "--vtt", "@out" } },
  { "narrate: unknown voice", 2, "voice", NULL, { "narrate", "hello", "--voice", "no-such-voice-xyz", "-o", "@out/a.wav" } },
  { "narrate: text file missing", 2, "missing.txt", NULL, { "narrate", "--text-file", "@missing.txt", "-o", "@out/a.wav" } },
  { "narrate: text file not UTF-8", 2, "UTF-8", NULL, { "narrate", "--text-file", "@latin1.txt", "-o", "@out/a.wav" } },
  { "narrate: argument not UTF-8", 2, "UTF-8", "LC_ALL=C.UTF-8", { "narrate", "@bad-utf8", "-o", "@out/a.wav" } },
  { "narrate: blank text", 2, "Nothing to narrate", NULL, { "narrate", "   ", "-o", "@out/a.wav" } },
  { "narrate: text twice", 2, "either as an argument or with --text-file", NULL, { "narrate", "hi", "--text-file", "@latin1.txt", "-o", "@out/a.wav" } },
  { "narrate: FIFO output, bad rate", 2, "--rate", NULL, { "narrate", "hello", "--rate", "1", "-o", "@special/pipe.wav" } },
  { "narrate: /dev/null subtitles, bad pitch", 2, "--pitch", NULL, { "narrate", "hello", "--pitch", "500", "-o", "@out/a.wav", "--srt", "/dev/null" } },
  /* transcribe */
  { "transcribe: no file", 2, "Name one audio file", NULL, { "transcribe" } },
  { "transcribe: two files", 2, "one file at a time", NULL, { "transcribe", "@tone.wav", "@tone.wav" } },
  { "transcribe: empty", 2, "empty.wav", NULL, { "transcribe", "@empty.wav" } },
  { "transcribe: text", 2, "text.wav", NULL, { "transcribe", "@text.wav" } },
  { "transcribe: missing", 2, "missing.wav", NULL, { "transcribe", "@missing.wav" } },
  { "transcribe: model folder missing", 2, "", NULL, { "transcribe", "@tone.wav", "--model-dir", "@no-such-model" } },
  { "transcribe: model folder from environment", 2, "", "ATELIER_SPEECH_MODEL_DIR=/nonexistent/speech", { "transcribe", "@tone.wav" } },
  { "transcribe: language model missing", 2, "", NULL, { "transcribe", "@tone.wav", "--lm", "@missing.lm" } },
  /* the device fails (gpu/fault.h): a message, exit 1, nothing written */
  { "generate: device lost", 1, "stopped responding", "ATELIER_FAULT=device-lost:3", { "generate", "--prompt", "x", FAST, "-o", "@out/a.png" } },
  { "generate: device out of memory", 1, "ran out of memory", "ATELIER_FAULT=out-of-memory:3", { "generate", "--prompt", "x", FAST, "-o", "@out/a.png" } },
};

typedef struct {
  char *root;       /* fixtures */
  char *out;        /* must stay empty */
  char *busy;       /* holds the folder img-2.png only */
  char *special;    /* holds the FIFOs */
} Fixture;

static Fixture fx;

static char *
fixture_path (const char *name)
{
  return g_build_filename (fx.root, name, NULL);
}

static void
write_file (const char *name, const void *data, gsize len)
{
  g_autofree char *path = fixture_path (name);
  test_write_bytes (path, data, len);
}

static guint32
crc32_of (const guint8 *data, gsize len)
{
  guint32 crc = 0xffffffffu;
  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
    }
  return ~crc;
}

/* A PNG whose header claims 100000 × 100000 pixels (valid CRC, no data). */
static void
write_huge_png (void)
{
  guint8 png[8 + 25] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
                         0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0, 8, 2, 0, 0, 0 };
  guint32 crc = crc32_of (png + 12, 17);
  png[29] = crc >> 24;
  png[30] = crc >> 16;
  png[31] = crc >> 8;
  png[32] = crc;
  write_file ("huge.png", png, sizeof png);
}

static void
make_input_files (void)
{
  write_file ("empty.png", "", 0);
  write_file ("text.png", "not an image\n", 13);
  const guint8 jpeg[] = { 0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0 };
  write_file ("jpeg.png", jpeg, sizeof jpeg);
  write_huge_png ();
  g_autoptr (AtImage) img = at_image_new (32, 32, 3);
  for (gsize i = 0; i < 32 * 32 * 3; i++)
    img->pixels[i] = (guint8) (i * 7);
  g_autofree char *good = fixture_path ("good.png");
  g_assert_true (at_image_save_png (img, good, NULL, NULL, NULL));
  g_autoptr (GBytes) png = test_read_bytes (good);
  write_file ("truncated.png", g_bytes_get_data (png, NULL), g_bytes_get_size (png) / 2);

  write_file ("empty.wav", "", 0);
  write_file ("text.wav", "RIFF? no, just text\n", 20);
  g_autofree float *tone = g_new (float, 16000);
  for (int i = 0; i < 16000; i++)
    tone[i] = 0.3f * sinf (2 * G_PI * 440 * i / 16000.0f);
  g_autoptr (AtAudio) audio = at_audio_new_from (tone, 16000, 16000);
  g_autofree char *wav = fixture_path ("tone.wav");
  g_assert_true (at_audio_save (audio, wav, NULL));
  g_autoptr (GBytes) bytes = test_read_bytes (wav);
  write_file ("truncated.wav", g_bytes_get_data (bytes, NULL), 30);
  write_file ("latin1.txt", "caf\xe9 au lait\n", 13);
}

/* --- damaged copies of the real model ----------------------------------- */

typedef struct {
  GBytes *config, *tokenizer, *weights;
} Model;

static Model model;

static void
write_model (const char *name, GBytes *config, GBytes *tokenizer, GBytes *weights)
{
  g_autofree char *dir = fixture_path (name);
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  const char *files[] = { "atelier-model.json", "tokenizer.json", "atelier-model.safetensors" };
  GBytes *data[] = { config, tokenizer, weights };
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i], NULL);
      test_write_bytes (path, g_bytes_get_data (data[i], NULL), g_bytes_get_size (data[i]));
    }
}

static GBytes *
bytes_from_string (const char *s)
{
  return g_bytes_new (s, strlen (s));
}

/* The weights' JSON header as an object, edited by the caller. */
static JsonObject *
weights_header (void)
{
  gsize len = 0;
  const guint8 *d = g_bytes_get_data (model.weights, &len);
  guint64 n = GUINT64_FROM_LE (*(const guint64 *) d);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, (const char *) d + 8, n, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* The weights with a new header and the same data. */
static GBytes *
weights_with_header (JsonObject *header)
{
  gsize len = 0;
  const guint8 *d = g_bytes_get_data (model.weights, &len);
  guint64 old = GUINT64_FROM_LE (*(const guint64 *) d);
  g_autoptr (JsonNode) root = json_node_init_object (json_node_alloc (), header);
  g_autofree char *text = json_to_string (root, FALSE);
  guint64 n = strlen (text), le = GUINT64_TO_LE (n);
  GByteArray *out = g_byte_array_new ();
  g_byte_array_append (out, (const guint8 *) &le, 8);
  g_byte_array_append (out, (const guint8 *) text, n);
  g_byte_array_append (out, d + 8 + old, len - 8 - old);
  return g_byte_array_free_to_bytes (out);
}

/* The weights with the first value of the tensor at data offset 0
 * (audio.inp.bias, F16) replaced by the two bytes given. */
static GBytes *
weights_with_first_value (guint8 lo, guint8 hi)
{
  gsize len = 0;
  const guint8 *d = g_bytes_get_data (model.weights, &len);
  guint64 n = GUINT64_FROM_LE (*(const guint64 *) d);
  guint8 *copy = g_memdup2 (d, len);
  copy[8 + n] = lo;
  copy[8 + n + 1] = hi;
  return g_bytes_new_take (copy, len);
}

/* The weights with the named tensors' data all zero. */
static GBytes *
weights_zeroed (const char *const *names)
{
  gsize len = 0;
  const guint8 *d = g_bytes_get_data (model.weights, &len);
  guint64 n = GUINT64_FROM_LE (*(const guint64 *) d);
  g_autoptr (JsonObject) header = weights_header ();
  guint8 *copy = g_memdup2 (d, len);
  for (guint i = 0; names[i] != NULL; i++)
    {
      JsonArray *offsets = json_object_get_array_member (json_object_get_object_member (header, names[i]),
                                                         "data_offsets");
      gint64 begin = json_array_get_int_element (offsets, 0), end = json_array_get_int_element (offsets, 1);
      memset (copy + 8 + n + begin, 0, end - begin);
    }
  return g_bytes_new_take (copy, len);
}

static GBytes *
config_edited (void (*edit) (JsonObject *hyper))
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (model.config, NULL),
                                             g_bytes_get_size (model.config), NULL));
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  edit (json_object_get_object_member (root, "hyper"));
  g_autofree char *text = json_to_string (json_parser_get_root (parser), TRUE);
  return bytes_from_string (text);
}

static void
hyper_wrong_type (JsonObject *hyper)
{
  json_object_set_string_member (hyper, "image_size", "64");
}

static void
hyper_missing (JsonObject *hyper)
{
  json_object_remove_member (hyper, "image_size");
}

static void
hyper_huge (JsonObject *hyper)
{
  json_object_set_int_member (hyper, "image_size", G_GINT64_CONSTANT (99999999999));
}

/* With no epsilon, layer norm of the all-zero text embedding is 0/0. */
static void
hyper_no_epsilon (JsonObject *hyper)
{
  json_object_set_double_member (hyper, "ln_eps", 0.0);
}

static void
make_models (void)
{
  g_autofree char *src = test_source_path ("resources", "models", NULL);
  g_autofree char *c = g_build_filename (src, "atelier-model.json", NULL);
  g_autofree char *t = g_build_filename (src, "tokenizer.json", NULL);
  g_autofree char *w = g_build_filename (src, "atelier-model.safetensors", NULL);
  model.config = test_read_bytes (c);
  model.tokenizer = test_read_bytes (t);
  model.weights = test_read_bytes (w);
  g_autofree char *empty = fixture_path ("model-empty");
  g_assert_cmpint (g_mkdir (empty, 0700), ==, 0);

  g_autoptr (GBytes) truncated = g_bytes_new_from_bytes (model.weights, 0, g_bytes_get_size (model.weights) / 3);
  write_model ("model-truncated", model.config, model.tokenizer, truncated);

  gsize len = 0;
  const guint8 *d = g_bytes_get_data (model.weights, &len);
  guint64 n = GUINT64_FROM_LE (*(const guint64 *) d);
  guint8 *text = g_memdup2 (d, len);
  memset (text + 8, 'x', n);
  g_autoptr (GBytes) header_text = g_bytes_new_take (text, len);
  write_model ("model-header-text", model.config, model.tokenizer, header_text);

  guint8 *huge = g_memdup2 (d, len);
  guint64 big = GUINT64_TO_LE (G_GUINT64_CONSTANT (1) << 62);
  memcpy (huge, &big, 8);
  g_autoptr (GBytes) header_huge = g_bytes_new_take (huge, len);
  write_model ("model-header-huge", model.config, model.tokenizer, header_huge);

  g_autoptr (JsonObject) h1 = weights_header ();
  json_object_remove_member (h1, "audio.inp.bias");
  g_autoptr (GBytes) missing = weights_with_header (h1);
  write_model ("model-missing-tensor", model.config, model.tokenizer, missing);

  g_autoptr (JsonObject) h2 = weights_header ();
  json_object_set_string_member (json_object_get_object_member (h2, "audio.inp.bias"), "dtype", "C64");
  g_autoptr (GBytes) dtype = weights_with_header (h2);
  write_model ("model-dtype", model.config, model.tokenizer, dtype);

  g_autoptr (JsonObject) h3 = weights_header ();
  JsonArray *shape = json_array_new ();
  json_array_add_int_element (shape, 2);
  json_array_add_int_element (shape, 64);
  json_object_set_array_member (json_object_get_object_member (h3, "audio.inp.bias"), "shape", shape);
  g_autoptr (GBytes) wrong_shape = weights_with_header (h3);
  write_model ("model-shape", model.config, model.tokenizer, wrong_shape);

  /* audio.inp.weight [128, 160] F16 at 256..41216 moved to overlap the bias */
  g_autoptr (JsonObject) h4 = weights_header ();
  JsonArray *offsets = json_array_new ();
  json_array_add_int_element (offsets, 128);
  json_array_add_int_element (offsets, 128 + 40960);
  json_object_set_array_member (json_object_get_object_member (h4, "audio.inp.weight"), "data_offsets", offsets);
  g_autoptr (GBytes) overlap = weights_with_header (h4);
  write_model ("model-overlap", model.config, model.tokenizer, overlap);

  g_autoptr (GBytes) nan = weights_with_first_value (0xff, 0x7f);
  write_model ("model-nan", model.config, model.tokenizer, nan);
  g_autoptr (GBytes) inf = weights_with_first_value (0x00, 0x7c);
  write_model ("model-inf", model.config, model.tokenizer, inf);

  /* finite weights that compute NaN: refused at the end of the run */
  const char *text_embedding[] = { "text.tok.weight", "text.pos", NULL };
  g_autoptr (GBytes) zeroed = weights_zeroed (text_embedding);
  g_autoptr (GBytes) no_epsilon = config_edited (hyper_no_epsilon);
  write_model ("model-computes-nan", no_epsilon, model.tokenizer, zeroed);

  g_autoptr (GBytes) config_text = bytes_from_string ("{ this is not JSON");
  write_model ("model-config-text", config_text, model.tokenizer, model.weights);
  g_autoptr (GBytes) config_type = config_edited (hyper_wrong_type);
  write_model ("model-config-type", config_type, model.tokenizer, model.weights);
  g_autoptr (GBytes) config_missing = config_edited (hyper_missing);
  write_model ("model-config-missing", config_missing, model.tokenizer, model.weights);
  g_autoptr (GBytes) config_huge = config_edited (hyper_huge);
  write_model ("model-config-huge", config_huge, model.tokenizer, model.weights);

  g_autoptr (GBytes) tokenizer_text = bytes_from_string ("[1, 2,");
  write_model ("model-tokenizer-text", model.config, tokenizer_text, model.weights);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (model.tokenizer, NULL),
                                             g_bytes_get_size (model.tokenizer), NULL));
  JsonArray *vocab = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "vocab");
  json_array_remove_element (vocab, json_array_get_length (vocab) - 1);
  g_autofree char *smaller = json_to_string (json_parser_get_root (parser), FALSE);
  g_autoptr (GBytes) tokenizer_size = bytes_from_string (smaller);
  write_model ("model-tokenizer-size", model.config, tokenizer_size, model.weights);

  g_clear_pointer (&model.config, g_bytes_unref);
  g_clear_pointer (&model.tokenizer, g_bytes_unref);
  g_clear_pointer (&model.weights, g_bytes_unref);
}

static void
make_fixture (void)
{
  fx.root = g_strdup (test_tmp_dir ());
  fx.out = fixture_path ("out");
  fx.busy = fixture_path ("busy");
  fx.special = fixture_path ("special");
  g_assert_cmpint (g_mkdir (fx.out, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (fx.busy, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (fx.special, 0700), ==, 0);
  g_autofree char *taken = g_build_filename (fx.busy, "img-2.png", NULL);
  g_assert_cmpint (g_mkdir (taken, 0700), ==, 0);
  g_autofree char *fifo_png = g_build_filename (fx.special, "pipe.png", NULL);
  g_autofree char *fifo_wav = g_build_filename (fx.special, "pipe.wav", NULL);
  g_assert_cmpint (mkfifo (fifo_png, 0600), ==, 0);
  g_assert_cmpint (mkfifo (fifo_wav, 0600), ==, 0);
  make_input_files ();
  make_models ();
}

static char *
expand (const char *arg)
{
  if (g_str_equal (arg, "@bad-utf8"))
    return g_strdup ("caf\xe9");
  if (arg[0] != '@')
    return g_strdup (arg);
  return fixture_path (arg + 1);
}

typedef struct {
  dev_t dev;
  ino_t ino;
  mode_t mode;
  dev_t rdev;
} Identity;

static Identity
identity (const char *path)
{
  GStatBuf st;
  g_assert_cmpint (g_lstat (path, &st), ==, 0);
  return (Identity) { st.st_dev, st.st_ino, st.st_mode, st.st_rdev };
}

static void
assert_same (const char *path, Identity before)
{
  Identity now = identity (path);
  g_assert_cmpuint (now.ino, ==, before.ino);
  g_assert_cmpuint (now.dev, ==, before.dev);
  g_assert_cmpuint (now.mode, ==, before.mode);
  g_assert_cmpuint (now.rdev, ==, before.rdev);
}

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_strv_builder_add (builder, g_getenv ("ATELIER_BIN"));
  for (int i = 0; c->args[i] != NULL; i++)
    {
      g_autofree char *arg = expand (c->args[i]);
      g_strv_builder_add (builder, arg);
    }
  g_auto (GStrv) argv = g_strv_builder_end (builder);
  g_auto (GStrv) envp = g_get_environ ();
  if (c->env != NULL)
    {
      g_auto (GStrv) kv = g_strsplit (c->env, "=", 2);
      envp = g_environ_setenv (envp, kv[0], kv[1], TRUE);
    }
  g_autofree char *pipe_png = g_build_filename (fx.special, "pipe.png", NULL);
  g_autofree char *pipe_wav = g_build_filename (fx.special, "pipe.wav", NULL);
  Identity null_before = identity ("/dev/null");
  Identity png_before = identity (pipe_png), wav_before = identity (pipe_wav);

  g_autofree char *out = NULL, *err = NULL;
  int wait_status = 0;
  g_autoptr (GError) error = NULL;
  g_spawn_sync (NULL, argv, envp, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &wait_status, &error);
  g_assert_no_error (error);
  g_test_message ("%s: %s", c->name, err);
  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, c->status);

  /* one line that says what is wrong (usage may follow a wrong command) */
  g_assert_true (g_str_has_prefix (err, "atelier"));
  const char *newline = strchr (err, '\n');
  g_assert_nonnull (newline);
  g_autofree char *first = g_strndup (err, newline - err);
  if (strstr (first, "unknown") == NULL)
    g_assert_cmpstr (newline + 1, ==, "");
  g_assert_nonnull (strstr (first, c->message));

  g_autofree char *left = test_list_dir (fx.out);
  g_assert_cmpstr (left, ==, "");
  g_autofree char *busy = test_list_dir (fx.busy);
  g_assert_cmpstr (busy, ==, "img-2.png");
  g_autofree char *special = test_list_dir (fx.special);
  g_assert_cmpstr (special, ==, "pipe.png pipe.wav");
  assert_same ("/dev/null", null_before);
  assert_same (pipe_png, png_before);
  assert_same (pipe_wav, wav_before);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  make_fixture ();
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/bad-input/%03zu %s", i, cases[i].name);
      g_strdelimit (path + strlen ("/bad-input/"), "/", '-');
      g_test_add_data_func (path, &cases[i], test_case);
    }
  return g_test_run ();
}
