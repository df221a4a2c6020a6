/* test-config.c — the model config and tokenizer loaders: the shipped files
 * load, and every kind of damage gets a message naming the problem. */
#include <string.h>

#include <glib/gstdio.h>

#include <json-glib/json-glib.h>

#include "test-util.h"
#include "model/config.h"
#include "model/tokenizer.h"

static char *
model_file (const char *name)
{
  return test_source_path ("resources", "models", name, NULL);
}

static void
test_shipped_config_loads (void)
{
  g_autofree char *path = model_file ("atelier-model.json");
  g_autoptr (GError) error = NULL;
  g_autoptr (AtModelConfig) c = at_model_config_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (c->image_size, ==, 64);
  g_assert_cmpint (c->width % c->heads, ==, 0);
  g_assert_cmpint (c->unet_levels, >=, 2);
  g_assert_cmpint (c->mel.sample_rate, ==, 16000);
  g_assert_cmpstr (c->name, ==, "atelier-v2");
}

/* The few-step student beside it: same architecture, its own name and
 * defaults (4 steps, no guidance). */
static void
test_student_config_loads (void)
{
  g_autofree char *path = model_file ("atelier-student.json");
  g_autofree char *teacher_path = model_file ("atelier-model.json");
  g_autoptr (GError) error = NULL;
  g_autoptr (AtModelConfig) c = at_model_config_load (path, &error);
  g_assert_no_error (error);
  g_autoptr (AtModelConfig) t = at_model_config_load (teacher_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c->name, ==, "atelier-v2-fast");
  g_assert_cmpint (c->default_steps, ==, 4);
  g_assert_cmpint (c->preview_steps, ==, 2);   /* flow.preview_steps, for live mode */
  g_assert_cmpint (t->preview_steps, ==, t->default_steps);   /* absent: the default */
  g_assert_cmpfloat (c->default_guidance, ==, 1.0);
  g_assert_cmpint (c->vocab_size, ==, t->vocab_size);
  g_assert_cmpint (c->width, ==, t->width);
  g_assert_cmpint (c->unet_levels, ==, t->unet_levels);
}

/* Loads the shipped config with edit applied to its JSON object. */
typedef void (*Edit) (JsonObject *root);

static GError *
load_edited (Edit edit)
{
  g_autofree char *path = model_file ("atelier-model.json");
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_file (parser, path, NULL));
  edit (json_node_get_object (json_parser_get_root (parser)));
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_root (gen, json_parser_get_root (parser));
  g_autofree char *tmp = g_build_filename (g_get_tmp_dir (), "atelier-config-test.json", NULL);
  g_assert_true (json_generator_to_file (gen, tmp, NULL));
  GError *error = NULL;
  g_autoptr (AtModelConfig) c = at_model_config_load (tmp, &error);
  g_assert_null (c);
  g_unlink (tmp);
  return error;
}

static JsonObject *
hyper (JsonObject *root)
{
  return json_object_get_object_member (root, "hyper");
}

static void edit_newer (JsonObject *o) { json_object_set_int_member (o, "version", 99); }
static void edit_missing (JsonObject *o) { json_object_remove_member (hyper (o), "heads"); }
static void edit_type (JsonObject *o) { json_object_set_string_member (hyper (o), "width", "wide"); }
static void edit_range (JsonObject *o) { json_object_set_int_member (hyper (o), "gn_groups", 0); }
static void edit_heads (JsonObject *o) { json_object_set_int_member (hyper (o), "heads", 3); }
static void edit_format (JsonObject *o) { json_object_set_string_member (o, "format", "other"); }

static void
test_damaged_configs (void)
{
  struct { Edit edit; const char *message; } cases[] = {
    { edit_newer, "format 99" },
    { edit_missing, "\"heads\" is missing" },
    { edit_type, "\"width\" must be an integer" },
    { edit_range, "\"gn_groups\" must be an integer" },
    { edit_heads, "multiple of heads" },
    { edit_format, "not an Atelier model config" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = load_edited (cases[i].edit);
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].message));
    }
}

static void
test_not_json (void)
{
  g_autofree char *tmp = g_build_filename (g_get_tmp_dir (), "atelier-not-json.json", NULL);
  g_assert_true (g_file_set_contents (tmp, "{\"format\": \"atelier-model\", ", -1, NULL));
  g_autoptr (GError) error = NULL;
  g_assert_null (at_model_config_load (tmp, &error));
  g_assert_nonnull (strstr (error->message, "Model config"));
  g_clear_error (&error);
  g_assert_null (at_tokenizer_load (tmp, &error));
  g_assert_nonnull (strstr (error->message, "Tokenizer"));
  g_unlink (tmp);
}

static void
test_tokenizer_rules (void)
{
  g_autofree char *path = model_file ("tokenizer.json");
  g_autoptr (GError) error = NULL;
  g_autoptr (AtTokenizer) tok = at_tokenizer_load (path, &error);
  g_assert_no_error (error);
  guint n = 0, unknown = 0;
  g_autofree guint32 *ids = at_tokenizer_encode (tok, "RED, apple!! qqqzzzxx", &n, &unknown);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpuint (unknown, ==, 1);
  g_assert_cmpstr (at_tokenizer_get_word (tok, ids[0]), ==, "red");
  g_assert_cmpstr (at_tokenizer_get_word (tok, ids[1]), ==, "apple");
  g_assert_cmpuint (ids[2], ==, 1);
  g_autofree guint32 *none = at_tokenizer_encode (tok, "  ,;  ", &n, NULL);
  g_assert_cmpuint (n, ==, 0);
  g_autofree char *many = g_strnfill (200, 'a');
  for (int i = 1; i < 200; i += 2)
    many[i] = ' ';
  g_autofree guint32 *capped = at_tokenizer_encode (tok, many, &n, NULL);
  g_assert_cmpuint (n, ==, 16);
}

/* A linear scan of the vocabulary: the reference the tokenizer's lookups
 * are checked against. */
static gboolean
in_vocab (AtTokenizer *tok, const char *word)
{
  for (guint i = 0; i < at_tokenizer_get_vocab_size (tok); i++)
    if (g_strcmp0 (at_tokenizer_get_word (tok, i), word) == 0)
      return TRUE;
  return FALSE;
}

/* British spellings read as the American words the model knows; unknown
 * and cut words are named, not dropped in silence. */
static void
test_tokenizer_words (void)
{
  g_autofree char *path = model_file ("tokenizer.json");
  g_autoptr (GError) error = NULL;
  g_autoptr (AtTokenizer) tok = at_tokenizer_load (path, &error);
  g_assert_no_error (error);
  g_assert_true (in_vocab (tok, "watercolor"));
  g_assert_false (in_vocab (tok, "watercolour"));
  guint n = 0, unknown = 0;
  g_autofree guint32 *ids = at_tokenizer_encode (tok, "Watercolour apple", &n, &unknown);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (unknown, ==, 0);
  g_assert_cmpstr (at_tokenizer_get_word (tok, ids[0]), ==, "watercolor");

  const char *prompt = "minimalist isometric steampunk logo";
  g_autoptr (GArray) words = at_tokenizer_split (tok, prompt);
  g_assert_cmpuint (words->len, ==, 4);
  g_autoptr (GString) expected = g_string_new (NULL);
  for (guint i = 0; i < words->len; i++)
    {
      AtTokenizerWord *w = &g_array_index (words, AtTokenizerWord, i);
      g_autofree char *word = g_strndup (prompt + w->start, w->end - w->start);
      g_assert_cmpint (w->known, ==, in_vocab (tok, word));
      g_assert_true (w->kept);
      if (!w->known)
        g_string_append_printf (expected, "%s%s", expected->len > 0 ? ", " : "", word);
    }
  g_autofree char *said = at_tokenizer_describe (tok, prompt);
  if (expected->len > 0)
    {
      g_autofree char *line = g_strdup_printf ("Not known to the built-in model, so left out: %s.", expected->str);
      g_assert_cmpstr (said, ==, line);
    }
  g_autofree char *fine = at_tokenizer_describe (tok, "red apple");
  g_assert_null (fine);

  /* over the limit: the rest is named */
  g_autoptr (GString) long_prompt = g_string_new (NULL);
  for (guint i = 0; i < at_tokenizer_get_max_tokens (tok) + 2; i++)
    g_string_append (long_prompt, i < at_tokenizer_get_max_tokens (tok) ? "red " : "blue ");
  g_autofree char *cut = at_tokenizer_describe (tok, long_prompt->str);
  g_autofree char *cut_line = g_strdup_printf ("Only the first %u words are used; left out: blue, blue.",
                                               at_tokenizer_get_max_tokens (tok));
  g_assert_cmpstr (cut, ==, cut_line);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/config/shipped", test_shipped_config_loads);
  g_test_add_func ("/config/student", test_student_config_loads);
  g_test_add_func ("/config/damaged", test_damaged_configs);
  g_test_add_func ("/config/not-json", test_not_json);
  g_test_add_func ("/config/tokenizer", test_tokenizer_rules);
  g_test_add_func ("/config/tokenizer-words", test_tokenizer_words);
  return g_test_run ();
}
