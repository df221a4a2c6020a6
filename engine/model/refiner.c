/* refiner.c — the 64 → 256 px RGBA refiner, op by op as Refiner.forward()
 * in tools/train/refiner.py. */
#define G_LOG_DOMAIN "atelier-model"

#include <math.h>

#include "model/json-reader.h"
#include "model/layers.h"
#include "model/refiner.h"

#define MAX_MID_BLOCKS 8

typedef struct {
  int scale, in_size, out_size, in_channels, enc[2], mid_blocks, dec_channels, out_channels;
} RefinerConfig;

struct _AtRefiner {
  AtGpu *gpu;
  RefinerConfig config;
  AtWeights *weights;
  AtConv enc1, enc2, mid[2 * MAX_MID_BLOCKS], dec1, dec0, out;
};

static gboolean
read_config (const char *path, RefinerConfig *c, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_mapped_file (parser, path, error))
    {
      g_prefix_error (error, "Refiner config %s: ", path);
      return FALSE;
    }
  JsonNode *root = json_parser_get_root (parser);
  JsonObject *obj = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  if (obj == NULL || g_strcmp0 (json_object_get_string_member_with_default (obj, "format", ""), "atelier-refiner") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is not an Atelier refiner config", path);
      return FALSE;
    }
  AtJsonReader r = { path, NULL };
  JsonObject *h = at_json_object (&r, obj, "hyper");
  c->scale = at_json_int (&r, h, "scale", 4, 4);
  c->in_size = at_json_int (&r, h, "in_size", 8, 4096);
  c->out_size = at_json_int (&r, h, "out_size", 32, 8192);
  c->in_channels = at_json_int (&r, h, "in_channels", 4, 4);
  at_json_ints (&r, h, "enc_channels", c->enc, 2);
  c->mid_blocks = at_json_int (&r, h, "mid_blocks", 0, MAX_MID_BLOCKS);
  c->dec_channels = at_json_int (&r, h, "dec_channels", 1, 4096);
  c->out_channels = at_json_int (&r, h, "out_channels", 4, 4);
  if (r.error == NULL && c->out_size != c->in_size * c->scale)
    at_json_fail (&r, "out_size must be in_size × scale");
  if (r.error != NULL)
    {
      g_propagate_error (error, r.error);
      return FALSE;
    }
  return TRUE;
}

static void
load_layers (AtRefiner *rf, AtLoader *l)
{
  const RefinerConfig *c = &rf->config;
  at_conv_load (l, &rf->enc1, c->in_channels, c->enc[0], 3, 2, 1, "enc1");
  at_conv_load (l, &rf->enc2, c->enc[0], c->enc[1], 3, 2, 1, "enc2");
  for (int i = 0; i < 2 * c->mid_blocks; i++)
    {
      g_autofree char *name = g_strdup_printf ("mid.%d", i);
      at_conv_load (l, &rf->mid[i], c->enc[1], c->enc[1], 3, 1, 1, name);
    }
  at_conv_load (l, &rf->dec1, c->enc[1] + c->enc[0], c->enc[0], 3, 1, 1, "dec1");
  at_conv_load (l, &rf->dec0, c->enc[0] + c->in_channels, c->dec_channels, 3, 1, 1, "dec0");
  at_conv_load (l, &rf->out, c->dec_channels, c->out_channels, 3, 1, 1, "out");
}

AtRefiner *
at_refiner_load (AtGpu *gpu, const char *dir, GError **error)
{
  g_autofree char *config_path = g_build_filename (dir, "atelier-refiner.json", NULL);
  g_autofree char *weights_path = g_build_filename (dir, "atelier-refiner.safetensors", NULL);
  g_autoptr (AtRefiner) rf = g_new0 (AtRefiner, 1);
  rf->gpu = gpu;
  if (!read_config (config_path, &rf->config, error))
    return NULL;
  rf->weights = at_weights_load (gpu, weights_path, error);
  if (rf->weights == NULL)
    return NULL;
  AtLoader l = { rf->weights, NULL, NULL };
  load_layers (rf, &l);
  if (l.error != NULL)
    {
      g_propagate_prefixed_error (error, l.error, "Refiner weights %s: ", weights_path);
      return NULL;
    }
  return g_steal_pointer (&rf);
}

void
at_refiner_free (AtRefiner *refiner)
{
  if (refiner == NULL)
    return;
  g_clear_pointer (&refiner->weights, at_weights_free);
  g_free (refiner);
}

int
at_refiner_get_in_size (const AtRefiner *refiner)
{
  return refiner->config.in_size;
}

int
at_refiner_get_out_size (const AtRefiner *refiner)
{
  return refiner->config.out_size;
}

/* Source index and weight of output pixel o along one axis. */
static void
bilinear_tap (int o, int n, int scale, int *i0, int *i1, float *w1)
{
  float src = MAX (((float) o + 0.5f) / (float) scale - 0.5f, 0.0f);
  *i0 = MIN ((int) src, n - 1);
  *i1 = MIN (*i0 + 1, n - 1);
  *w1 = src - (float) *i0;
}

void
at_refiner_enlarge (const float *in, int channels, int n, int scale, float *out)
{
  int m = n * scale;
  for (int y = 0; y < m; y++)
    {
      int y0, y1;
      float wy;
      bilinear_tap (y, n, scale, &y0, &y1, &wy);
      for (int x = 0; x < m; x++)
        {
          int x0, x1;
          float wx;
          bilinear_tap (x, n, scale, &x0, &x1, &wx);
          for (int c = 0; c < channels; c++)
            {
              const float *p = in + (gsize) c * n * n;
              float top = p[y0 * n + x0] * (1 - wx) + p[y0 * n + x1] * wx;
              float bottom = p[y1 * n + x0] * (1 - wx) + p[y1 * n + x1] * wx;
              out[(gsize) c * m * m + (gsize) y * m + x] = top * (1 - wy) + bottom * wy;
            }
        }
    }
}

/* Refiner.forward(): returns o [1, 4, out, out] (colour correction, alpha logit). */
static AtTensor *
forward (AtRefiner *rf, AtGraph *g, AtTensor *x)
{
  const RefinerConfig *c = &rf->config;
  /* silu (conv (..)) and h + conv (..) with the SiLU or the add in the
   * convolution's epilogue */
  AtTensor *e1 = at_conv_forward_fused (g, &rf->enc1, x, NULL, AT_ACTIVATION_SILU, NULL);
  AtTensor *h = at_conv_forward_fused (g, &rf->enc2, e1, NULL, AT_ACTIVATION_SILU, NULL);
  for (int i = 0; i < 2 * c->mid_blocks; i += 2)
    {
      AtTensor *a = at_conv_forward (g, &rf->mid[i], at_g_silu (g, h));
      h = at_conv_forward_fused (g, &rf->mid[i + 1], at_g_silu (g, a), NULL, AT_ACTIVATION_NONE, h);
    }
  h = at_conv_forward_fused (g, &rf->dec1, at_g_concat (g, at_g_upsample2x (g, h), e1, 1), NULL,
                             AT_ACTIVATION_SILU, NULL);
  h = at_conv_forward_fused (g, &rf->dec0, at_g_concat (g, at_g_upsample2x (g, h), x, 1), NULL,
                             AT_ACTIVATION_SILU, NULL);
  return at_conv_forward (g, &rf->out, h);
}

gboolean
at_refiner_run (AtRefiner *rf, const float *image, const float *sketch, float **rgb, float **alpha,
                GError **error)
{
  const RefinerConfig *c = &rf->config;
  gsize plane = (gsize) c->out_size * c->out_size;
  g_autofree float *x = g_new0 (float, 4 * plane);
  at_refiner_enlarge (image, 3, c->in_size, c->scale, x);
  if (sketch != NULL)
    memcpy (x + 3 * plane, sketch, plane * sizeof (float));
  g_autoptr (AtGraph) g = at_graph_new (rf->gpu, error);
  if (g == NULL)
    return FALSE;
  AtTensor *in = at_graph_constant (g, x, AT_G_SHAPE (1, 4, c->out_size, c->out_size));
  AtTensor *o = forward (rf, g, in);
  if (!at_graph_run (g, error))
    return FALSE;
  g_autofree float *out = g_new (float, 4 * plane);
  if (!at_tensor_download (o, out, error))
    return FALSE;
  *rgb = g_new (float, 3 * plane);
  *alpha = g_new (float, plane);
  for (gsize i = 0; i < 3 * plane; i++)
    (*rgb)[i] = CLAMP (x[i] + out[i], -1.0f, 1.0f);
  for (gsize i = 0; i < plane; i++)
    (*alpha)[i] = 1.0f / (1.0f + expf (-out[3 * plane + i]));
  return TRUE;
}

AtImage *
at_refiner_to_image (const float *rgb, const float *alpha, int size, gboolean transparent)
{
  gsize plane = (gsize) size * size;
  guint channels = transparent ? 4 : 3;
  AtImage *img = at_image_new (size, size, channels);
  for (gsize i = 0; i < plane; i++)
    for (guint ch = 0; ch < 3; ch++)
      {
        float v = (rgb[ch * plane + i] + 1.0f) * 0.5f;   /* straight colour, 0..1 */
        if (!transparent)
          v = v * alpha[i] + (1.0f - alpha[i]);
        img->pixels[i * channels + ch] = (guint8) lrintf (CLAMP (v, 0.0f, 1.0f) * 255.0f);
        if (transparent && ch == 2)
          img->pixels[i * channels + 3] = (guint8) lrintf (CLAMP (alpha[i], 0.0f, 1.0f) * 255.0f);
      }
  return img;
}
