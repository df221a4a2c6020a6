/* cli-args.c — locale, number options and exit codes for every sub-command. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "app/cli-args.h"
#include "app/cli.h"
#include "audio/audio-file.h"
#include "audio/cues.h"
#include "audio/narration.h"
#include "audio/transcribe.h"
#include "engine.h"
#include "media/clip.h"
#include "media/subtitles.h"
#include "media/video-writer.h"
#include "search/search-index.h"
#include "shapes/shape-library.h"
#include "ui/project.h"

static gboolean
bad_value (GError **error, const char *option, const char *text, const char *expected)
{
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s must be %s (got “%s”)", option, expected, text);
  return FALSE;
}

gboolean
at_cli_int_arg (const char *option, const char *text, gint64 min, gint64 max, gint64 *value, GError **error)
{
  if (text == NULL)
    return TRUE;
  gint64 v = 0;
  g_autoptr (GError) local = NULL;
  if (g_ascii_string_to_signed (text, 10, min, max, &v, &local))
    {
      *value = v;
      return TRUE;
    }
  if (!g_error_matches (local, G_NUMBER_PARSER_ERROR, G_NUMBER_PARSER_ERROR_OUT_OF_BOUNDS))
    return bad_value (error, option, text, "a whole number");
  g_autofree char *range = g_strdup_printf ("from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT, min, max);
  return bad_value (error, option, text, range);
}

gboolean
at_cli_double_arg (const char *option, const char *text, double min, double max, double *value, GError **error)
{
  if (text == NULL)
    return TRUE;
  char *end = NULL;
  double v = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (v))
    return bad_value (error, option, text, "a finite number");
  if (v < min || v > max)
    {
      g_autofree char *range = g_strdup_printf ("from %g to %g", min, max);
      return bad_value (error, option, text, range);
    }
  *value = v;
  return TRUE;
}

gboolean
at_cli_uint64_arg (const char *option, const char *text, guint64 *value, GError **error)
{
  if (text == NULL)
    return TRUE;
  guint64 v = 0;
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &v, NULL))
    return bad_value (error, option, text, "a whole number from 0 to 18446744073709551615");
  *value = v;
  return TRUE;
}

static gboolean
is_bad_input (const GError *e)
{
  GQuark d = e->domain;
  if (d == G_OPTION_ERROR || d == G_FILE_ERROR || d == G_CONVERT_ERROR || d == JSON_PARSER_ERROR ||
      d == AT_REQUEST_ERROR || d == AT_IMAGE_ERROR || d == AT_AUDIO_ERROR || d == AT_SUBTITLE_ERROR ||
      d == AT_CLIP_ERROR || d == AT_PROJECT_ERROR || d == AT_SEARCH_ERROR)
    return TRUE;
  if (d == AT_VIDEO_ERROR)
    return e->code != AT_VIDEO_ERROR_ENCODER;
  if (d == AT_SHAPE_ERROR)
    return e->code == AT_SHAPE_ERROR_NOT_FOUND || e->code == AT_SHAPE_ERROR_EMPTY;
  if (d == AT_ENGINE_ERROR)   /* the model folder is unusable, or computes NaN */
    return TRUE;
  if (d == AT_VOICE_CUES_ERROR)   /* a clip too short or silent to read a tone from */
    return e->code != AT_VOICE_CUES_ERROR_FAILED;
  if (d == AT_NARRATION_ERROR)
    return e->code == AT_NARRATION_ERROR_EMPTY || e->code == AT_NARRATION_ERROR_UNKNOWN_VOICE ||
           e->code == AT_NARRATION_ERROR_INVALID;
  if (d == AT_TRANSCRIBE_ERROR)
    return e->code == AT_TRANSCRIBE_ERROR_EMPTY || e->code == AT_TRANSCRIBE_ERROR_VOCABULARY ||
           e->code == AT_TRANSCRIBE_ERROR_LANGUAGE_MODEL;
  return FALSE;
}


int
at_cli_exit_code (const GError *error)
{
  if (error->domain == AT_GPU_ERROR &&
      (error->code == AT_GPU_ERROR_NO_DRIVER || error->code == AT_GPU_ERROR_NO_DEVICE ||
       error->code == AT_GPU_ERROR_DEVICE_NOT_FOUND))
    return AT_EXIT_NO_DEVICE;
  return is_bad_input (error) ? AT_EXIT_BAD_INPUT : AT_EXIT_INTERNAL;
}

int
at_cli_fail_with (const char *verb, GError *error, int code)
{
  if (code < 0)
    code = at_cli_exit_code (error);
  /* one line, so that scripts and logs can take it as one record */
  g_autofree char *line = g_strdup (error->message);
  g_strdelimit (line, "\r\n", ' ');
  if (error->domain == G_CONVERT_ERROR)
    fprintf (stderr, "atelier %s: text must be UTF-8: %s\n", verb, line);
  else
    fprintf (stderr, "atelier %s: %s\n", verb, line);
  g_error_free (error);
  return code;
}
