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
  g_assert_cmpstr (c->name, ==, "atelier-v1");
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/config/shipped", test_shipped_config_loads);
  g_test_add_func ("/config/damaged", test_damaged_configs);
  g_test_add_func ("/config/not-json", test_not_json);
  g_test_add_func ("/config/tokenizer", test_tokenizer_rules);
  return g_test_run ();
}
