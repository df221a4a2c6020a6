/* sd-manifest.c — reading SD manifests and synthesising files from them. */
#include "sd-manifest.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <string.h>
#include <unistd.h>

#include "test-util.h"

static const struct {
  const char *name;
  AtDtype dtype;
  guint size;
} dtype_table[] = {
  { "F32", AT_DTYPE_F32, 4 }, { "F16", AT_DTYPE_F16, 2 }, { "BF16", AT_DTYPE_BF16, 2 }, { "I64", AT_DTYPE_OTHER, 8 },
};

static guint
dtype_index (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (dtype_table); i++)
    if (strcmp (dtype_table[i].name, name) == 0)
      return i;
  g_error ("manifest dtype %s unknown to the test", name);
}

void
sd_manifest_set_dtype (AtSafetensorsInfo *info, const char *dtype_name)
{
  guint i = dtype_index (dtype_name);
  info->dtype = dtype_table[i].dtype;
  info->dtype_name = dtype_table[i].name;
  info->nbytes = (gsize) info->numel * dtype_table[i].size;
}

static void
info_free (gpointer p)
{
  AtSafetensorsInfo *info = p;
  g_free ((char *) info->name);
  g_free (info);
}

static SdManifest *
manifest_new (void)
{
  SdManifest *m = g_new0 (SdManifest, 1);
  m->infos = g_ptr_array_new_with_free_func (info_free);
  return m;
}

void
sd_manifest_add (SdManifest *m, const char *name, const char *dtype_name, guint ndim, const gint64 *shape)
{
  AtSafetensorsInfo *info = g_new0 (AtSafetensorsInfo, 1);
  info->name = g_strdup (name);
  info->ndim = ndim;
  info->numel = 1;
  for (guint d = 0; d < ndim; d++)
    {
      info->shape[d] = shape[d];
      info->numel *= shape[d];
    }
  sd_manifest_set_dtype (info, dtype_name);
  g_ptr_array_add (m->infos, info);
}

SdManifest *
sd_manifest_load (const char *kind)
{
  g_autofree char *file = g_strdup_printf ("%s.manifest.gz", kind);
  g_autofree char *path = test_source_path ("tests", "data", "sd", file, NULL);
  g_autoptr (GBytes) gz = test_read_bytes (path);
  g_autoptr (GZlibDecompressor) z = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr (GInputStream) raw = g_memory_input_stream_new_from_bytes (gz);
  g_autoptr (GInputStream) in = g_converter_input_stream_new (raw, G_CONVERTER (z));
  g_autoptr (GDataInputStream) lines = g_data_input_stream_new (in);
  SdManifest *m = manifest_new ();
  g_autoptr (GError) error = NULL;
  char *line;
  while ((line = g_data_input_stream_read_line (lines, NULL, NULL, &error)) != NULL)
    {
      g_auto (GStrv) f = g_strsplit (line, " ", 3);
      g_free (line);
      g_assert_cmpuint (g_strv_length (f), ==, 3);
      gint64 shape[AT_SAFETENSORS_MAX_DIMS];
      guint ndim = 0;
      if (strcmp (f[2], "-") != 0)
        {
          g_auto (GStrv) dims = g_strsplit (f[2], ",", -1);
          for (; dims[ndim] != NULL; ndim++)
            shape[ndim] = g_ascii_strtoll (dims[ndim], NULL, 10);
        }
      sd_manifest_add (m, f[0], f[1], ndim, shape);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (m->infos->len, >, 100);
  return m;
}

void
sd_manifest_free (SdManifest *m)
{
  if (m == NULL)
    return;
  g_ptr_array_unref (m->infos);
  g_free (m);
}

SdManifest *
sd_manifest_new (void)
{
  return manifest_new ();
}

SdManifest *
sd_manifest_copy (const SdManifest *m)
{
  SdManifest *c = manifest_new ();
  for (guint i = 0; i < m->infos->len; i++)
    {
      const AtSafetensorsInfo *info = m->infos->pdata[i];
      sd_manifest_add (c, info->name, info->dtype_name, info->ndim, info->shape);
    }
  return c;
}

GHashTable *
sd_manifest_table (const SdManifest *m)
{
  GHashTable *t = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < m->infos->len; i++)
    {
      AtSafetensorsInfo *info = m->infos->pdata[i];
      g_hash_table_insert (t, (gpointer) info->name, info);
    }
  return t;
}

AtSafetensorsInfo *
sd_manifest_find (const SdManifest *m, const char *name)
{
  for (guint i = 0; i < m->infos->len; i++)
    {
      AtSafetensorsInfo *info = m->infos->pdata[i];
      if (strcmp (info->name, name) == 0)
        return info;
    }
  return NULL;
}

guint
sd_manifest_remove_prefix (SdManifest *m, const char *prefix)
{
  guint n = 0;
  for (guint i = m->infos->len; i-- > 0;)
    if (g_str_has_prefix (((AtSafetensorsInfo *) m->infos->pdata[i])->name, prefix))
      {
        g_ptr_array_remove_index (m->infos, i);
        n++;
      }
  return n;
}

void
sd_manifest_set_float_dtype (SdManifest *m, const char *dtype_name)
{
  for (guint i = 0; i < m->infos->len; i++)
    {
      AtSafetensorsInfo *info = m->infos->pdata[i];
      if (info->dtype != AT_DTYPE_OTHER)
        sd_manifest_set_dtype (info, dtype_name);
    }
}

static void
write_all (int fd, const void *data, gsize len, goffset at)
{
  g_assert_cmpint (pwrite (fd, data, len, at), ==, (gssize) len);
}

void
sd_manifest_write_sparse_with (const SdManifest *m, const char *path, SdManifestFill fill, gpointer data)
{
  GString *h = g_string_new ("{");
  guint64 offset = 0;
  g_autofree guint64 *offsets = g_new (guint64, m->infos->len);
  for (guint i = 0; i < m->infos->len; i++)
    {
      const AtSafetensorsInfo *info = m->infos->pdata[i];
      g_string_append_printf (h, "%s\"%s\":{\"dtype\":\"%s\",\"shape\":[", i ? "," : "", info->name, info->dtype_name);
      for (guint d = 0; d < info->ndim; d++)
        g_string_append_printf (h, "%s%" G_GINT64_FORMAT, d ? "," : "", info->shape[d]);
      g_string_append_printf (h, "],\"data_offsets\":[%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT "]}", offset,
                              offset + info->nbytes);
      offsets[i] = offset;
      offset += info->nbytes;
    }
  g_string_append (h, "}");
  while ((h->len + 8) % 8 != 0)
    g_string_append_c (h, ' ');
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  g_assert_cmpint (fd, >=, 0);
  guint64 len = GUINT64_TO_LE (h->len);
  write_all (fd, &len, 8, 0);
  write_all (fd, h->str, h->len, 8);
  goffset data_at = 8 + h->len;
  g_assert_cmpint (ftruncate (fd, data_at + offset), ==, 0);
  for (guint i = 0; i < m->infos->len && fill != NULL; i++)
    {
      const AtSafetensorsInfo *info = m->infos->pdata[i];
      g_autofree float *values = fill (info, data);
      if (values == NULL)
        continue;
      g_assert_true (info->dtype == AT_DTYPE_F32 || info->dtype == AT_DTYPE_F16);
      if (info->dtype == AT_DTYPE_F16)
        {
          guint16 *half = (guint16 *) values;   /* in place: each half after its float is read */
          for (gint64 j = 0; j < info->numel; j++)
            half[j] = GUINT16_TO_LE (at_float_to_half (values[j]));
        }
      write_all (fd, values, info->nbytes, data_at + offsets[i]);   /* little-endian as they are */
    }
  g_assert_cmpint (close (fd), ==, 0);
  g_string_free (h, TRUE);
}

typedef struct {
  const char *name;
  const float *values;
} OneFill;

static float *
fill_one (const AtSafetensorsInfo *info, gpointer data)
{
  const OneFill *one = data;
  return g_strcmp0 (info->name, one->name) == 0 ? g_memdup2 (one->values, info->nbytes) : NULL;
}

void
sd_manifest_write_sparse (const SdManifest *m, const char *path, const char *fill_name, const float *fill_values)
{
  OneFill one = { fill_name, fill_values };
  sd_manifest_write_sparse_with (m, path, fill_one, &one);
}

void
sd_manifest_write_turbo (const char *path, double std)
{
  const char *probe = "model.diffusion_model.output_blocks.11.1.transformer_blocks.0.norm1.bias";
  g_autoptr (SdManifest) turbo = sd_manifest_load ("sdturbo");
  sd_manifest_set_float_dtype (turbo, "F16");
  AtSafetensorsInfo *pi = sd_manifest_find (turbo, probe);
  sd_manifest_set_dtype (pi, "F32");
  g_autofree float *v = g_new (float, pi->numel);
  for (gint64 i = 0; i < pi->numel; i++)
    v[i] = (i % 2 ? -1 : 1) * (float) std;
  sd_manifest_write_sparse (turbo, path, probe, v);
}
