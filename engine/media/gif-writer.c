/* gif-writer.c — an animated, looping GIF with one palette for the whole
 * clip (giflib's median-cut quantizer over pixels sampled from every
 * frame), so colours do not flicker from frame to frame. Built in memory,
 * then written atomically. */
#define G_LOG_DOMAIN "atelier-media"

#include <gif_lib.h>
#include <string.h>

#include "media/video-writer.h"

/* Pixels the palette is chosen from: plenty for 256 colours. */
#define PALETTE_SAMPLE_PIXELS (1u << 18)

static int
write_to_bytes (GifFileType *gif, const GifByteType *data, int len)
{
  g_byte_array_append (gif->UserData, data, len);
  return len;
}

static gboolean
gif_failed (GError **error, const char *path, int code)
{
  g_autofree char *name = g_filename_display_name (path);
  const char *why = GifErrorString (code);
  g_set_error (error, AT_VIDEO_ERROR, AT_VIDEO_ERROR_WRITE, "Cannot write the GIF “%s”: %s", name,
               why != NULL ? why : "giflib failed");
  return FALSE;
}

static AtImage *
rgb_frame (const AtVideoSource *s, guint k)
{
  g_autoptr (AtImage) frame = s->frame (k, s->data);
  return frame->channels == 3 ? g_steal_pointer (&frame) : at_image_convert (frame, 3);
}

/* Up to 256 colours for the clip, from pixels spread over all its frames. */
static ColorMapObject *
clip_palette (const AtVideoSource *s, GCancellable *cancellable, GError **error)
{
  gsize per_frame = (gsize) s->width * s->height;
  gsize total = per_frame * s->n_frames;
  gsize stride = MAX (1, total / PALETTE_SAMPLE_PIXELS);
  gsize n = (total + stride - 1) / stride;
  g_autofree GifByteType *planes = g_new (GifByteType, 4 * n);
  GifByteType *r = planes, *g = planes + n, *b = planes + 2 * n, *out = planes + 3 * n;
  gsize got = 0;
  for (guint k = 0; k < s->n_frames && got < n; k++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      g_autoptr (AtImage) img = rgb_frame (s, k);
      for (gsize i = (gsize) k * per_frame; i < (gsize) (k + 1) * per_frame && got < n; i++)
        if (i % stride == 0)
          {
            const guint8 *p = img->pixels + (i - (gsize) k * per_frame) * 3;
            r[got] = p[0], g[got] = p[1], b[got] = p[2];
            got++;
          }
    }
  GifColorType colors[256];
  int size = 256;
  if (GifQuantizeBuffer (got, 1, &size, r, g, b, out, colors) != GIF_OK)
    {
      g_set_error_literal (error, AT_VIDEO_ERROR, AT_VIDEO_ERROR_WRITE, "Cannot choose the GIF's colours");
      return NULL;
    }
  /* a colour map's size must be a power of two */
  int padded = 2;
  while (padded < size)
    padded *= 2;
  ColorMapObject *map = GifMakeMapObject (padded, NULL);
  memset (map->Colors, 0, padded * sizeof (GifColorType));
  memcpy (map->Colors, colors, size * sizeof (GifColorType));
  return map;
}

/* Nearest palette entry, remembered per 15-bit colour. */
typedef struct {
  const ColorMapObject *map;
  gint16 cache[1 << 15];
} Mapper;

static GifPixelType
nearest (Mapper *m, const guint8 *p)
{
  guint key = (p[0] >> 3) << 10 | (p[1] >> 3) << 5 | (p[2] >> 3);
  if (m->cache[key] >= 0)
    return m->cache[key];
  int best = 0, best_d = G_MAXINT;
  for (int i = 0; i < m->map->ColorCount; i++)
    {
      const GifColorType *c = &m->map->Colors[i];
      int dr = c->Red - p[0], dg = c->Green - p[1], db = c->Blue - p[2];
      int d = dr * dr + dg * dg + db * db;
      if (d < best_d)
        best = i, best_d = d;
    }
  m->cache[key] = best;
  return best;
}

static gboolean
put_loop_forever (GifFileType *gif)
{
  static const GifByteType app[] = "NETSCAPE2.0";
  static const GifByteType loop[] = { 1, 0, 0 };   /* sub-block 1: loop count 0 = forever */
  return EGifPutExtensionLeader (gif, APPLICATION_EXT_FUNC_CODE) == GIF_OK &&
         EGifPutExtensionBlock (gif, 11, app) == GIF_OK && EGifPutExtensionBlock (gif, 3, loop) == GIF_OK &&
         EGifPutExtensionTrailer (gif) == GIF_OK;
}

/* GIF delays are in hundredths of a second; rounding each frame's end
 * time keeps the clip's length right at any frame rate. */
static int
delay_cs (guint k, int fps)
{
  return (int) ((200 * (k + 1) + fps) / (2 * fps) - (200 * k + fps) / (2 * fps));
}

static gboolean
put_frame (GifFileType *gif, const AtVideoSource *s, guint k, Mapper *m)
{
  g_autoptr (AtImage) img = rgb_frame (s, k);
  GraphicsControlBlock gcb = { .DisposalMode = DISPOSE_DO_NOT, .DelayTime = delay_cs (k, s->fps),
                               .TransparentColor = NO_TRANSPARENT_COLOR };
  GifByteType ext[4];
  size_t len = EGifGCBToExtension (&gcb, ext);
  if (EGifPutExtension (gif, GRAPHICS_EXT_FUNC_CODE, len, ext) != GIF_OK ||
      EGifPutImageDesc (gif, 0, 0, s->width, s->height, false, NULL) != GIF_OK)
    return FALSE;
  g_autofree GifPixelType *line = g_new (GifPixelType, s->width);
  for (int y = 0; y < s->height; y++)
    {
      for (int x = 0; x < s->width; x++)
        line[x] = nearest (m, img->pixels + ((gsize) y * s->width + x) * 3);
      if (EGifPutLine (gif, line, s->width) != GIF_OK)
        return FALSE;
    }
  return TRUE;
}

static gboolean
encode (const AtVideoSource *s, ColorMapObject *map, GByteArray *bytes, const char *path,
        GCancellable *cancellable, GError **error)
{
  int code = 0;
  GifFileType *gif = EGifOpen (bytes, write_to_bytes, &code);
  if (gif == NULL)
    return gif_failed (error, path, code);
  EGifSetGifVersion (gif, true);
  g_autofree Mapper *m = g_new (Mapper, 1);
  m->map = map;
  memset (m->cache, 0xff, sizeof m->cache);
  gboolean ok = EGifPutScreenDesc (gif, s->width, s->height, 8, 0, map) == GIF_OK && put_loop_forever (gif);
  gboolean cancelled = FALSE;
  for (guint k = 0; ok && k < s->n_frames; k++)
    {
      cancelled = g_cancellable_is_cancelled (cancellable);
      ok = !cancelled && put_frame (gif, s, k, m);
    }
  int last = gif->Error;
  int closed = EGifCloseFile (gif, &code);
  if (cancelled)
    return !g_cancellable_set_error_if_cancelled (cancellable, error);
  if (!ok || closed != GIF_OK)
    return gif_failed (error, path, ok ? code : last);
  return TRUE;
}

gboolean
at_video_write_gif (const AtVideoSource *s, const char *path, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (s != NULL && s->n_frames > 0 && s->fps > 0, FALSE);
  ColorMapObject *map = clip_palette (s, cancellable, error);
  if (map == NULL)
    return FALSE;
  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  gboolean ok = encode (s, map, bytes, path, cancellable, error);
  GifFreeMapObject (map);
  if (!ok)
    return FALSE;
  g_autoptr (GError) local = NULL;
  if (!g_file_set_contents_full (path, (const char *) bytes->data, bytes->len, G_FILE_SET_CONTENTS_CONSISTENT,
                                 0666, &local))
    {
      g_set_error (error, AT_VIDEO_ERROR, AT_VIDEO_ERROR_WRITE, "%s", local->message);
      return FALSE;
    }
  return TRUE;
}
