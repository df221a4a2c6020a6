/* subtitle-burn.c — drawing a subtitle line into a frame. */
#define G_LOG_DOMAIN "atelier-media"

#include <pango/pangocairo.h>

#include "audio/narration.h"
#include "media/image-cairo.h"
#include "media/subtitle-burn.h"

/* Text height as a share of the frame's, and its least size in pixels. */
#define BURN_FONT_SHARE 0.055
#define BURN_FONT_MIN_PX 9.0

const char *
at_subtitles_text_at (GPtrArray *cues, gint64 t_ms)
{
  for (guint i = 0; cues != NULL && i < cues->len; i++)
    {
      const AtCue *c = cues->pdata[i];
      if (c->start_ms <= t_ms && t_ms < c->end_ms)
        return c->text;
    }
  return NULL;
}

AtImage *
at_subtitle_burn (const AtImage *img, const char *text)
{
  g_autofree char *line = g_strstrip (g_strdup (text != NULL ? text : ""));
  if (*line == '\0')
    return at_image_convert (img, 3);
  cairo_surface_t *surface = at_image_to_cairo_surface (img);
  int width = cairo_image_surface_get_width (surface), height = cairo_image_surface_get_height (surface);
  cairo_t *cr = cairo_create (surface);
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("Sans Bold");
  double px = MAX (BURN_FONT_MIN_PX, height * BURN_FONT_SHARE);
  pango_font_description_set_absolute_size (font, px * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, (int) (width * 0.9 * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_set_text (layout, line, -1);
  int w, h;
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, width * 0.05, height - h - height * 0.04);
  /* a dark outline keeps the text readable on any picture */
  pango_cairo_layout_path (cr, layout);
  cairo_set_line_width (cr, MAX (2.0, px / 5));
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_source_rgb (cr, 0.05, 0.05, 0.05);
  cairo_stroke_preserve (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill (cr);
  pango_font_description_free (font);
  g_object_unref (layout);
  cairo_destroy (cr);
  AtImage *out = at_image_from_cairo_surface (surface);
  cairo_surface_destroy (surface);
  return out;
}
