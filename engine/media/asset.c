/* asset.c — one entry point for every export format. */
#define G_LOG_DOMAIN "atelier-media"

#include "atelier-config.h"
#include "media/asset.h"
#include "media/icon-set.h"
#include "media/webp.h"

static const struct {
  const char *name, *extension;
} FORMATS[AT_N_ASSET_FORMATS] = {
  [AT_ASSET_PNG] = { "png", ".png" },
  [AT_ASSET_SVG] = { "svg", ".svg" },
  [AT_ASSET_WEBP] = { "webp", ".webp" },
  [AT_ASSET_ICON_SET] = { "icon-set", "" },
};

const char *
at_asset_format_to_string (AtAssetFormat format)
{
  g_return_val_if_fail (format < AT_N_ASSET_FORMATS, NULL);
  return FORMATS[format].name;
}

gboolean
at_asset_format_from_string (const char *name, AtAssetFormat *format)
{
  for (guint i = 0; i < AT_N_ASSET_FORMATS; i++)
    if (g_strcmp0 (name, FORMATS[i].name) == 0)
      {
        *format = i;
        return TRUE;
      }
  return FALSE;
}

const char *
at_asset_format_extension (AtAssetFormat format)
{
  g_return_val_if_fail (format < AT_N_ASSET_FORMATS, NULL);
  return FORMATS[format].extension;
}

gboolean
at_asset_save_png (const AtImage *img, const char *path, const char *parameters, GError **error)
{
  const char *keys[] = { "parameters", "Software", NULL };
  const char *values[] = { parameters, "Atelier " AT_VERSION, NULL };
  if (parameters == NULL)
    {
      keys[0] = keys[1];
      values[0] = values[1];
      keys[1] = values[1] = NULL;
    }
  return at_image_save_png (img, path, keys, values, error);
}

gboolean
at_asset_save (const AtImage *img, AtAssetFormat format, const char *path, const char *parameters,
               AtSvgStats *svg_stats, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (img != NULL && path != NULL, FALSE);
  AtSvgOptions options = { .parameters = parameters };
  switch (format)
    {
    case AT_ASSET_PNG:
      return at_asset_save_png (img, path, parameters, error);
    case AT_ASSET_SVG:
      return at_svg_save (img, path, &options, svg_stats, error);
    case AT_ASSET_WEBP:
      return at_image_save_webp (img, path, AT_WEBP_LOSSLESS, parameters, error);
    case AT_ASSET_ICON_SET:
      {
        g_autofree char *name = g_path_get_basename (path);
        return at_icon_set_write (img, path, name, parameters, svg_stats, cancellable, error);
      }
    case AT_N_ASSET_FORMATS:
    default:
      break;
    }
  g_return_val_if_reached (FALSE);
}
