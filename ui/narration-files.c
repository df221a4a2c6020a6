/* narration-files.c — writing a narration's audio and subtitle files, and
 * saying what was written (narration-files.h). */
#define G_LOG_DOMAIN "atelier-ui"

#include "ui/narration-files.h"

#include <string.h>

#include "media/subtitles.h"

/* The subtitle file beside path: its name with the audio extension replaced. */
static char *
beside (const char *path, const char *ext)
{
  const char *base = strrchr (path, '/');
  const char *dot = strrchr (base != NULL ? base : path, '.');
  gsize stem = dot != NULL ? (gsize) (dot - path) : strlen (path);
  return g_strdup_printf ("%.*s.%s", (int) stem, path, ext);
}

static gboolean
has_extension (const char *path, const char *ext)
{
  const char *dot = strrchr (path, '.');
  return dot != NULL && g_ascii_strcasecmp (dot + 1, ext) == 0;
}

/* What a container can hold of the encoding asked for: Ogg is always
 * Vorbis (no bit depth), FLAC has no float and takes the closest lossless
 * one, 24-bit. *note (may be NULL) says what changed, or NULL. */
static AtAudioEncoding
encoding_for (const char *path, AtAudioEncoding asked, const char **note)
{
  const char *why = NULL;
  AtAudioEncoding encoding = asked;
  if (has_extension (path, "ogg") || has_extension (path, "oga"))
    {
      if (asked != AT_AUDIO_ENCODING_DEFAULT && asked != AT_AUDIO_ENCODING_PCM_16)
        why = "compressed, so the sample format chosen does not apply";
      encoding = AT_AUDIO_ENCODING_DEFAULT;
    }
  else if (has_extension (path, "flac") && asked == AT_AUDIO_ENCODING_FLOAT)
    {
      why = "FLAC has no float samples";
      encoding = AT_AUDIO_ENCODING_PCM_24;
    }
  if (note != NULL)
    *note = why;
  return encoding;
}

static const char *
encoding_label (const char *path, AtAudioEncoding encoding)
{
  switch (encoding)
    {
    case AT_AUDIO_ENCODING_PCM_24:
      return "24-bit";
    case AT_AUDIO_ENCODING_FLOAT:
      return "32-bit float";
    case AT_AUDIO_ENCODING_PCM_16:
      return "16-bit";
    case AT_AUDIO_ENCODING_DEFAULT:
    default:
      return has_extension (path, "ogg") || has_extension (path, "oga") ? "Ogg Vorbis" : "16-bit";
    }
}

AtNarrationFiles *
at_narration_files_new (const AtAudio *audio, GPtrArray *subtitles, const char *path, AtAudioEncoding asked)
{
  g_return_val_if_fail (audio != NULL && subtitles != NULL && path != NULL, NULL);
  AtNarrationFiles *files = g_new0 (AtNarrationFiles, 1);
  files->audio = at_audio_new_from (audio->samples, audio->n, audio->rate);
  files->subtitles = g_ptr_array_ref (subtitles);
  files->path = g_strdup (path);
  files->asked = asked;
  return files;
}

void
at_narration_files_free (AtNarrationFiles *files)
{
  if (files == NULL)
    return;
  g_clear_pointer (&files->audio, at_audio_free);
  g_clear_pointer (&files->subtitles, g_ptr_array_unref);
  g_free (files->path);
  g_free (files);
}

gboolean
at_narration_files_save (const AtNarrationFiles *files, GError **error)
{
  g_return_val_if_fail (files != NULL, FALSE);
  const char *path = files->path;
  g_autofree char *srt = beside (path, "srt");
  g_autofree char *vtt = beside (path, "vtt");
  /* each file is written atomically by its writer */
  return at_audio_save_full (files->audio, path, encoding_for (path, files->asked, NULL), error)
         && at_subtitles_save (files->subtitles, srt, AT_SUBTITLE_SRT, error)
         && at_subtitles_save (files->subtitles, vtt, AT_SUBTITLE_VTT, error);
}

char *
at_narration_files_describe (const AtNarrationFiles *files)
{
  g_return_val_if_fail (files != NULL, NULL);
  const char *path = files->path;
  const char *note = NULL;
  AtAudioEncoding encoding = encoding_for (path, files->asked, &note);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *folder = g_filename_display_name (dir);
  g_autofree char *audio = g_filename_display_basename (path);
  g_autofree char *srt_path = beside (path, "srt");
  g_autofree char *vtt_path = beside (path, "vtt");
  g_autofree char *srt = g_filename_display_basename (srt_path);
  g_autofree char *vtt = g_filename_display_basename (vtt_path);
  return g_strdup_printf ("Exported %s (%s%s%s), %s and %s to %s", audio, encoding_label (path, encoding),
                          note != NULL ? ": " : "", note != NULL ? note : "", srt, vtt, folder);
}
