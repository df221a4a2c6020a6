/* subtitles.c — grouping words into lines; SRT and WebVTT in and out. */
#define G_LOG_DOMAIN "atelier-subtitles"

#include <string.h>

#include "media/subtitles.h"

G_DEFINE_QUARK (at-subtitle-error-quark, at_subtitle_error)

static gboolean
ends_sentence (const char *text)
{
  gsize n = strlen (text);
  /* a closing quote or bracket may follow the full stop */
  while (n > 0 && strchr ("\"')]»”’", text[n - 1]) != NULL)
    n--;
  return n > 0 && strchr (".!?", text[n - 1]) != NULL;
}

/* A word that ends a clause (a comma, a colon, a dash) is a good place
 * to break a line inside a sentence. */
static gboolean
ends_clause (const char *text)
{
  gsize n = strlen (text);
  while (n > 0 && strchr ("\"')]»”’", text[n - 1]) != NULL)
    n--;
  return n > 0 && (strchr (",;:", text[n - 1]) != NULL || g_str_has_suffix (text, "—") ||
                   g_str_has_suffix (text, "–"));
}

/* Words with times that never go back: a word starting before the last
 * one ended is pulled forward, never back. Empty words are dropped. */
static GPtrArray *
ordered_words (GPtrArray *words)
{
  GPtrArray *out = at_cue_array_new ();
  gint64 floor_ms = 0;
  for (guint i = 0; i < words->len; i++)
    {
      const AtCue *w = words->pdata[i];
      if (w->text[0] == '\0')
        continue;
      gint64 start = MAX (w->start_ms, floor_ms);
      gint64 end = MAX (w->end_ms, start + 1);
      g_ptr_array_add (out, at_cue_new (start, end, w->text));
      floor_ms = end;
    }
  return out;
}

typedef struct {
  GPtrArray *words;   /* ordered */
  int max_chars;
  gint64 max_ms;
} Layout;

static glong
line_chars (const Layout *l, guint from, guint to)
{
  glong n = to - from - 1;
  for (guint k = from; k < to; k++)
    n += g_utf8_strlen (((AtCue *) l->words->pdata[k])->text, -1);
  return n;
}

static gint64
line_ms (const Layout *l, guint from, guint to)
{
  return ((AtCue *) l->words->pdata[to - 1])->end_ms - ((AtCue *) l->words->pdata[from])->start_ms;
}

/* The price of words [from, to) as one line of a sentence that ends at
 * sentence_end, or -1 when they do not fit (a single word always fits):
 * unused width, squared, so lines come out even; a break that is not at a
 * clause's end; and above all a line shorter than AT_SUBTITLE_MIN_MS. */
static double
line_cost (const Layout *l, guint from, guint to, guint sentence_end, guint sentence_start)
{
  glong chars = line_chars (l, from, to);
  gint64 ms = line_ms (l, from, to);
  if (to - from > 1 && (chars > l->max_chars || ms > l->max_ms))
    return -1;
  double slack = MAX (0, l->max_chars - chars), wide = (double) l->max_chars * l->max_chars;
  double cost = slack * slack;
  if (to < sentence_end && !ends_clause (((AtCue *) l->words->pdata[to - 1])->text))
    cost += wide / 4;
  if (ms < AT_SUBTITLE_MIN_MS && (from > sentence_start || to < sentence_end))
    cost += 4 * wide;
  return cost;
}

/* Breaks the sentence [start, end) into the cheapest lines (a shortest
 * path over the break points) and appends them to lines. */
static void
lay_out_sentence (const Layout *l, guint start, guint end, GPtrArray *lines)
{
  guint n = end - start;
  g_autofree double *best = g_new (double, n + 1);
  g_autofree guint *from = g_new0 (guint, n + 1);
  best[0] = 0;
  for (guint j = 1; j <= n; j++)
    {
      best[j] = -1;
      for (guint i = j; i-- > 0;)
        {
          double c = line_cost (l, start + i, start + j, end, start);
          if (c < 0)
            break;   /* longer lines do not fit either */
          if (best[i] >= 0 && (best[j] < 0 || best[i] + c < best[j]))
            {
              best[j] = best[i] + c;
              from[j] = i;
            }
        }
    }
  g_autoptr (GArray) breaks = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint j = n; j > 0; j = from[j])
    g_array_prepend_val (breaks, j);
  guint i = 0;
  for (guint b = 0; b < breaks->len; b++)
    {
      guint j = g_array_index (breaks, guint, b);
      GString *text = g_string_new (NULL);
      for (guint k = start + i; k < start + j; k++)
        {
          if (text->len > 0)
            g_string_append_c (text, ' ');
          g_string_append (text, ((AtCue *) l->words->pdata[k])->text);
        }
      g_ptr_array_add (lines, at_cue_new (((AtCue *) l->words->pdata[start + i])->start_ms,
                                          ((AtCue *) l->words->pdata[start + j - 1])->end_ms, text->str));
      g_string_free (text, TRUE);
      i = j;
    }
}

GPtrArray *
at_subtitles_group (GPtrArray *words, int max_chars, gint64 max_ms, gint64 audio_ms)
{
  g_return_val_if_fail (words != NULL, NULL);
  g_autoptr (GPtrArray) ordered = ordered_words (words);
  Layout l = { ordered, max_chars > 0 ? max_chars : AT_SUBTITLE_MAX_CHARS, max_ms > 0 ? max_ms : AT_SUBTITLE_MAX_MS };
  GPtrArray *lines = at_cue_array_new ();
  guint start = 0;
  for (guint i = 0; i < ordered->len; i++)
    if (i + 1 == ordered->len || ends_sentence (((AtCue *) ordered->pdata[i])->text))
      {
        lay_out_sentence (&l, start, i + 1, lines);
        start = i + 1;
      }
  for (guint i = 0; i + 1 < lines->len; i++)
    {
      AtCue *a = lines->pdata[i], *b = lines->pdata[i + 1];
      if (b->start_ms - a->end_ms < AT_SUBTITLE_MAX_GAP_MS)
        a->end_ms = b->start_ms;
    }
  if (lines->len > 0 && audio_ms > 0)
    {
      AtCue *last = lines->pdata[lines->len - 1];
      last->end_ms = MAX (last->end_ms, audio_ms);
    }
  return lines;
}

static void
append_time (GString *s, gint64 ms, char sep)
{
  ms = MAX (ms, 0);
  g_string_append_printf (s, "%02" G_GINT64_FORMAT ":%02d:%02d%c%03d", ms / 3600000, (int) (ms / 60000 % 60),
                          (int) (ms / 1000 % 60), sep, (int) (ms % 1000));
}

char *
at_subtitles_to_string (GPtrArray *cues, AtSubtitleFormat format)
{
  g_return_val_if_fail (cues != NULL, NULL);
  GString *s = g_string_new (format == AT_SUBTITLE_VTT ? "WEBVTT\n\n" : NULL);
  char sep = format == AT_SUBTITLE_VTT ? '.' : ',';
  for (guint i = 0; i < cues->len; i++)
    {
      const AtCue *c = cues->pdata[i];
      g_string_append_printf (s, "%u\n", i + 1);
      append_time (s, c->start_ms, sep);
      g_string_append (s, " --> ");
      append_time (s, c->end_ms, sep);
      g_string_append_c (s, '\n');
      /* a blank line would end the cue: drop empty lines inside the text */
      g_auto (GStrv) lines = g_strsplit (c->text, "\n", -1);
      for (int k = 0; lines[k] != NULL; k++)
        {
          g_strstrip (lines[k]);
          if (lines[k][0] != '\0')
            g_string_append_printf (s, "%s\n", lines[k]);
        }
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}

gboolean
at_subtitles_save (GPtrArray *cues, const char *path, AtSubtitleFormat format, GError **error)
{
  g_return_val_if_fail (cues != NULL && path != NULL, FALSE);
  if (cues->len == 0)
    {
      g_set_error (error, AT_SUBTITLE_ERROR, AT_SUBTITLE_ERROR_EMPTY, "No subtitles to write to %s", path);
      return FALSE;
    }
  g_autofree char *text = at_subtitles_to_string (cues, format);
  g_autoptr (GError) local = NULL;
  if (!at_atomic_file_set_contents (path, text, strlen (text), &local))
    {
      g_set_error (error, AT_SUBTITLE_ERROR, AT_SUBTITLE_ERROR_IO, "Cannot write subtitles: %s", local->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
at_subtitles_write (GPtrArray *cues, AtAtomicFile *file, AtSubtitleFormat format, GError **error)
{
  g_return_val_if_fail (cues != NULL && file != NULL, FALSE);
  if (cues->len == 0)
    {
      g_set_error (error, AT_SUBTITLE_ERROR, AT_SUBTITLE_ERROR_EMPTY, "No subtitles to write to %s",
                   at_atomic_file_get_path (file));
      return FALSE;
    }
  g_autofree char *text = at_subtitles_to_string (cues, format);
  return at_atomic_file_write_all (file, text, strlen (text), error);
}

/* [hh:]mm:ss(.|,)mmm, with at least one digit in each field. */
static gboolean
parse_time (const char *s, gint64 *ms)
{
  gint64 fields[3] = { 0 };
  int n = 0;
  const char *p = s;
  for (;;)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
      gint64 v = 0;
      while (g_ascii_isdigit (*p))
        {
          v = v * 10 + (*p++ - '0');
          if (v > 100000000)
            return FALSE;
        }
      if (n == 3)
        return FALSE;
      fields[n++] = v;
      if (*p != ':')
        break;
      p++;
    }
  if ((n != 2 && n != 3) || (*p != '.' && *p != ','))
    return FALSE;
  p++;
  int frac = 0, digits = 0;
  while (g_ascii_isdigit (*p) && digits < 3)
    frac = frac * 10 + (*p++ - '0'), digits++;
  if (digits == 0 || g_ascii_isdigit (*p) || (*p != '\0' && !g_ascii_isspace (*p)))
    return FALSE;
  while (digits++ < 3)
    frac *= 10;
  gint64 h = n == 3 ? fields[0] : 0, m = fields[n - 2], sec = fields[n - 1];
  if (m > 59 || sec > 59)
    return FALSE;
  *ms = ((h * 60 + m) * 60 + sec) * 1000 + frac;
  return TRUE;
}

/* "START --> END[ settings]" */
static gboolean
parse_timing (const char *line, gint64 *start, gint64 *end)
{
  const char *arrow = strstr (line, "-->");
  g_autofree char *left = g_strstrip (g_strndup (line, arrow - line));
  const char *right = arrow + 3;
  while (g_ascii_isspace (*right))
    right++;
  g_autofree char *right_word = g_strndup (right, strcspn (right, " \t"));
  return parse_time (left, start) && parse_time (right_word, end) && *end >= *start;
}

GPtrArray *
at_subtitles_parse (const char *data, gssize length, GError **error)
{
  g_return_val_if_fail (data != NULL || length == 0, NULL);
  gsize n = length < 0 ? strlen (data) : (gsize) length;
  if (memchr (data, '\0', n) != NULL || !g_utf8_validate (data, n, NULL))
    {
      g_set_error_literal (error, AT_SUBTITLE_ERROR, AT_SUBTITLE_ERROR_INVALID,
                           "Not a subtitle file: it is not UTF-8 text");
      return NULL;
    }
  g_autofree char *text = g_strndup (data, n);
  char *body = text;
  if (g_str_has_prefix (body, "\xEF\xBB\xBF"))
    body += 3;
  gboolean vtt = g_str_has_prefix (body, "WEBVTT") &&
                 (body[6] == '\0' || body[6] == ' ' || body[6] == '\t' || body[6] == '\r' || body[6] == '\n');
  g_auto (GStrv) lines = g_strsplit (body, "\n", -1);
  g_autoptr (GPtrArray) cues = at_cue_array_new ();
  int i = 0;
  for (int k = 0; lines[k] != NULL; k++)
    g_strchomp (lines[k]);   /* drops the \r of CRLF files too */
  if (vtt)
    while (lines[i] != NULL && lines[i][0] != '\0')
      i++;   /* the header block */
  while (lines[i] != NULL)
    {
      if (lines[i][0] == '\0')
        {
          i++;
          continue;
        }
      int block = i, timing = -1;
      while (lines[i] != NULL && lines[i][0] != '\0')
        {
          if (timing < 0 && strstr (lines[i], "-->") != NULL)
            timing = i;
          i++;
        }
      if (timing < 0 || timing > block + 1)
        {
          if (vtt)   /* NOTE, STYLE and REGION blocks */
            continue;
          g_set_error (error, AT_SUBTITLE_ERROR, AT_SUBTITLE_ERROR_INVALID,
                       "Not an SRT file: line %d should be a cue number or a timing (00:00:01,000 --> "
                       "00:00:02,000)",
                       block + 1);
          return NULL;
        }
      gint64 start, end;
      if (!parse_timing (lines[timing], &start, &end))
        {
          g_set_error (error, AT_SUBTITLE_ERROR, AT_SUBTITLE_ERROR_INVALID,
                       "Line %d: \"%s\" is not a valid timing (expected 00:00:01%c000 --> 00:00:02%c000)",
                       timing + 1, lines[timing], vtt ? '.' : ',', vtt ? '.' : ',');
          return NULL;
        }
      GString *t = g_string_new (NULL);
      for (int k = timing + 1; k < i; k++)
        g_string_append_printf (t, "%s%s", t->len > 0 ? "\n" : "", lines[k]);
      g_ptr_array_add (cues, at_cue_new (start, end, t->str));
      g_string_free (t, TRUE);
    }
  if (cues->len == 0)
    {
      g_set_error_literal (error, AT_SUBTITLE_ERROR, AT_SUBTITLE_ERROR_EMPTY,
                           vtt ? "The WebVTT file holds no cues" : "Not a subtitle file: no timed cues found");
      return NULL;
    }
  return g_steal_pointer (&cues);
}

GPtrArray *
at_subtitles_load (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_autofree char *data = NULL;
  gsize n = 0;
  g_autoptr (GError) local = NULL;
  if (!g_file_get_contents (path, &data, &n, &local))
    {
      g_set_error (error, AT_SUBTITLE_ERROR, AT_SUBTITLE_ERROR_IO, "Cannot read subtitles: %s", local->message);
      return NULL;
    }
  GPtrArray *cues = at_subtitles_parse (data, n, error);
  if (cues == NULL)
    g_prefix_error (error, "%s: ", path);
  return cues;
}

gboolean
at_subtitle_format_from_path (const char *path, AtSubtitleFormat *format)
{
  const char *dot = strrchr (path, '.');
  if (dot == NULL || strchr (dot, '/') != NULL)
    return FALSE;
  if (g_ascii_strcasecmp (dot, ".srt") == 0)
    *format = AT_SUBTITLE_SRT;
  else if (g_ascii_strcasecmp (dot, ".vtt") == 0)
    *format = AT_SUBTITLE_VTT;
  else
    return FALSE;
  return TRUE;
}
