/* test-clip-tokenizer.c — CLIP's BPE against the reference tokenizers.
 *
 * tests/data/sd/clip-tokenizer-golden.json (tools/sd/make-tokenizer-golden.py)
 * holds, for prompts covering case, contractions, digits, punctuation
 * runs, accents, CJK/Cyrillic/Greek, emoji, HTML entities, special-token
 * text and prompts longer than one window: the ids of OpenAI CLIP's
 * simple_tokenizer, open_clip.tokenize's 77-token window (SD 2.x) and
 * AUTOMATIC1111's 75-token chunking (SD 1.x). Exact equality throughout.
 */
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "sd/clip-tokenizer.h"
#include "test-util.h"

static AtClipTokenizer *tokenizer;

static JsonArray *
golden_prompts (JsonParser **parser)
{
  g_autofree char *path = test_source_path ("tests", "data", "sd", "clip-tokenizer-golden.json", NULL);
  g_autoptr (GError) error = NULL;
  *parser = json_parser_new ();
  g_assert_true (json_parser_load_from_file (*parser, path, &error));
  g_assert_no_error (error);
  JsonObject *root = json_node_get_object (json_parser_get_root (*parser));
  g_assert_cmpint (json_object_get_int_member (root, "bos"), ==, AT_CLIP_BOS);
  g_assert_cmpint (json_object_get_int_member (root, "eos"), ==, AT_CLIP_EOS);
  return json_object_get_array_member (root, "prompts");
}

static void
assert_ids (const char *prompt, const char *what, JsonArray *want, const guint32 *have, guint n_have)
{
  guint n = json_array_get_length (want);
  for (guint i = 0; i < MIN (n, n_have); i++)
    if ((guint32) json_array_get_int_element (want, i) != have[i])
      g_error ("\"%s\" (%s): id %u is %u, the reference has %" G_GINT64_FORMAT, prompt, what, i, have[i],
               json_array_get_int_element (want, i));
  if (n != n_have)
    g_error ("\"%s\" (%s): %u ids, the reference has %u", prompt, what, n_have, n);
}

static void
test_golden (void)
{
  g_autoptr (JsonParser) parser = NULL;
  JsonArray *prompts = golden_prompts (&parser);
  guint long_prompts = 0, sd2_checked = 0;
  for (guint i = 0; i < json_array_get_length (prompts); i++)
    {
      JsonObject *row = json_array_get_object_element (prompts, i);
      const char *prompt = json_object_get_string_member (row, "prompt");
      g_autoptr (GArray) ids = at_clip_tokenizer_encode (tokenizer, prompt);
      assert_ids (prompt, "ids", json_object_get_array_member (row, "ids"), (guint32 *) ids->data, ids->len);

      JsonArray *chunks = json_object_get_array_member (row, "chunks");
      guint n;
      g_autofree guint32 *windows = at_clip_tokenizer_windows (tokenizer, prompt, AT_CLIP_PAD_EOS, &n);
      g_assert_cmpuint (n, ==, json_array_get_length (chunks));
      for (guint w = 0; w < n; w++)
        assert_ids (prompt, "SD 1.x window", json_array_get_array_element (chunks, w), windows + w * AT_CLIP_WINDOW,
                    AT_CLIP_WINDOW);
      long_prompts += n > 1;

      if (json_object_get_null_member (row, "sd2"))
        continue;
      g_autofree guint32 *sd2 = at_clip_tokenizer_windows (tokenizer, prompt, AT_CLIP_PAD_ZERO, &n);
      assert_ids (prompt, "SD 2.x window", json_object_get_array_member (row, "sd2"), sd2, AT_CLIP_WINDOW);
      sd2_checked++;
    }
  g_assert_cmpuint (long_prompts, >=, 3);
  g_assert_cmpuint (sd2_checked, >=, json_array_get_length (prompts) - 1);
}

/* Decoding every id's text back gives the vocabulary's own order: byte
 * symbols, the same with "</w>", then merges. */
static void
test_vocabulary (void)
{
  g_assert_cmpstr (at_clip_tokenizer_token (tokenizer, 0), ==, "!");
  g_assert_cmpstr (at_clip_tokenizer_token (tokenizer, 256), ==, "!</w>");
  g_assert_cmpstr (at_clip_tokenizer_token (tokenizer, AT_CLIP_BOS), ==, "<|startoftext|>");
  g_assert_cmpstr (at_clip_tokenizer_token (tokenizer, AT_CLIP_EOS), ==, "<|endoftext|>");
  g_assert_null (at_clip_tokenizer_token (tokenizer, AT_CLIP_VOCAB_SIZE));
  /* invalid UTF-8 is repaired, never read past */
  g_autoptr (GArray) ids = at_clip_tokenizer_encode (tokenizer, "caf\xc3 \xff\xfe ok");
  g_assert_cmpuint (ids->len, >, 0);
}

static void
test_missing_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = test_tmp_path ("no-such-vocab.txt.gz");
  g_assert_null (at_clip_tokenizer_new (path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* A gzip'd vocabulary cut short is refused, naming the line. */
static void
test_truncated_file (void)
{
  g_autofree char *path = test_tmp_path ("short-vocab.txt.gz");
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (GFileOutputStream) raw = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (GZlibCompressor) z = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);
  g_autoptr (GOutputStream) out = g_converter_output_stream_new (G_OUTPUT_STREAM (raw), G_CONVERTER (z));
  const char *text = "#version: 0.2\ni n\nt h\nnospace\n";
  g_assert_true (g_output_stream_write_all (out, text, strlen (text), NULL, NULL, &error));
  g_assert_true (g_output_stream_close (out, NULL, &error));
  g_assert_null (at_clip_tokenizer_new (path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "line 4"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *vocab = test_source_path ("resources", "models", "clip-bpe-vocab.txt.gz", NULL);
  tokenizer = at_clip_tokenizer_new (vocab, &error);
  g_assert_no_error (error);
  g_test_add_func ("/sd/clip-tokenizer/golden", test_golden);
  g_test_add_func ("/sd/clip-tokenizer/vocabulary", test_vocabulary);
  g_test_add_func ("/sd/clip-tokenizer/missing-file", test_missing_file);
  g_test_add_func ("/sd/clip-tokenizer/truncated-file", test_truncated_file);
  int rc = g_test_run ();
  at_clip_tokenizer_free (tokenizer);
  return rc;
}
