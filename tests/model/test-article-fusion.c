/* test-article-fusion.c — the article's fusion module on the engine with
 * the weights and inputs of the original PyTorch code run with
 * torch.manual_seed(0) (tests/data/fusion_article.safetensors, exported by
 * tools/train/export_golden.py), against PyTorch's (3, 128) output.
 * Tolerance: fp32 both sides, three small layers: normalised squared error
 * below 1e-10 and every value within 1e-5. */
#include "test-util.h"
#include "model/article-fusion.h"
#include "model/safetensors.h"

static void
test_matches_pytorch (void)
{
  g_autofree char *path = test_source_path ("tests", "data", "fusion_article.safetensors", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtWeights) weights = at_weights_load (test_gpu (), path, &error);
  g_assert_no_error (error);
  g_autoptr (AtArticleFusion) fusion = at_article_fusion_load (weights, &error);
  g_assert_no_error (error);

  g_autoptr (AtGraph) g = at_graph_new (test_gpu (), &error);
  g_assert_no_error (error);
  AtTensor *txt = at_weights_get (weights, "input.txt", 2, AT_SHAPE (3, 255), &error);
  AtTensor *img = at_weights_get (weights, "input.img", 2, AT_SHAPE (3, 33), &error);
  AtTensor *aud = at_weights_get (weights, "input.aud", 2, AT_SHAPE (3, 17), &error);
  g_assert_no_error (error);
  AtTensor *out = at_article_fusion_forward (g, fusion, txt, img, aud);
  at_graph_run (g, &error);
  g_assert_no_error (error);

  g_autofree float *want = at_weights_get_host (weights, "output", 2, AT_SHAPE (3, 128), &error);
  g_assert_no_error (error);
  g_autofree float *got = test_download (out);
  test_assert_close ("article fusion", got, want, 3 * 128, 1e-10, 1e-5);
}

static void
test_wrong_weights_are_named (void)
{
  g_autofree char *path = test_source_path ("tests", "data", "safetensors", NULL);
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  g_assert_nonnull (dir);
  const char *name = g_dir_read_name (dir);
  g_assert_nonnull (name);
  g_autofree char *file = g_build_filename (path, name, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtWeights) weights = at_weights_load (test_gpu (), file, &error);
  g_assert_no_error (error);
  g_autoptr (AtArticleFusion) fusion = at_article_fusion_load (weights, &error);
  g_assert_null (fusion);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "txt_fc.weight"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/article-fusion/matches-pytorch", test_matches_pytorch);
  g_test_add_func ("/article-fusion/wrong-weights", test_wrong_weights_are_named);
  return g_test_run ();
}
