/* cli-assets.h — `atelier generate`'s asset options: --size checks,
 * --background, --svg and --icon-set, what they write, and their part of
 * the --json report. cli-generate.c calls these hooks in order: entries
 * at parse time, check after parsing, apply to the request, write after
 * the PNGs, add_json in the summary. Everything that
 * can be checked is checked before generating, so bad input writes
 * nothing; a write that still fails removes the files this run created.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "engine.h"
#include "media/svg.h"

G_BEGIN_DECLS

#define AT_CLI_DEFAULT_SIZE 256

typedef struct {
  /* options */
  char *background_name, *svg, *icon_set;
  /* after at_cli_assets_check () */
  AtBackground background;
  gboolean output_existed, svg_existed;
  /* what at_cli_assets_write () did */
  gboolean wrote_svg, wrote_icon_set;
  AtSvgStats svg_stats;
  double svg_ms, icon_set_ms;
  char *icon_set_name;
} AtCliAssets;

void at_cli_assets_clear (AtCliAssets *a);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AtCliAssets, at_cli_assets_clear)

/* The options, to add to the context (caller g_free()s the array). */
GOptionEntry *at_cli_assets_entries (AtCliAssets *a);

/* After parsing, before the model loads: *size (-1 when not given)
 * becomes the default or is checked; the background is parsed; the
 * output, SVG and icon folder paths must be writable places; the sketch
 * (may be NULL) must be one the upscale stage takes. A sketch that does
 * not load is left for the request to report. */
gboolean at_cli_assets_check (AtCliAssets *a, int *size, int count, const char *output, const char *sketch,
                              GError **error);

/* The background into the request. */
void at_cli_assets_apply (const AtCliAssets *a, AtRequest *r);

/* After the PNG at output is written: the SVG and the icon set. */
gboolean at_cli_assets_write (AtCliAssets *a, AtEngine *engine, const AtRequest *r, const AtResult *result,
                              const char *output, gboolean quiet, GError **error);

/* "size", "background", "upscaler", "stages" (each stage run with its
 * time) and "svg" / "icon_set" members of the summary object. */
void at_cli_assets_add_json (JsonBuilder *b, const AtCliAssets *a, AtEngine *engine, const AtRequest *r,
                             const AtResult *result);

G_END_DECLS
