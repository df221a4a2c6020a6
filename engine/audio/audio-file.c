/* audio-file.c — reading, resampling and writing audio with libsndfile and
 * libsamplerate. */
#define G_LOG_DOMAIN "atelier-audio"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <samplerate.h>
#include <sndfile.h>

#include "audio/audio-file.h"

/* Frames per sf_readf/sf_writef call: large enough to amortise the call,
 * small enough to live on the stack for any sane channel count. */
#define CHUNK_FRAMES 4096

G_DEFINE_QUARK (at-audio-error-quark, at_audio_error)

AtAudio *
at_audio_new (gsize n, int rate)
{
  g_return_val_if_fail (rate > 0, NULL);
  AtAudio *audio = g_new0 (AtAudio, 1);
  audio->samples = g_new0 (float, MAX (n, 1));
  audio->n = n;
  audio->rate = rate;
  return audio;
}

AtAudio *
at_audio_new_from (const float *samples, gsize n, int rate)
{
  g_return_val_if_fail (samples != NULL || n == 0, NULL);
  AtAudio *audio = at_audio_new (n, rate);
  if (n > 0)
    memcpy (audio->samples, samples, n * sizeof (float));
  return audio;
}

void
at_audio_free (AtAudio *audio)
{
  if (audio == NULL)
    return;
  g_free (audio->samples);
  g_free (audio);
}

double
at_audio_get_duration (const AtAudio *audio)
{
  g_return_val_if_fail (audio != NULL, 0);
  return (double) audio->n / audio->rate;
}

/* "2 min 5 s" or "3.2 s", for messages about lengths. */
static char *
format_duration (double seconds)
{
  if (seconds < 60)
    return g_strdup_printf ("%.1f s", seconds);
  gint64 s = (gint64) floor (seconds);
  if (s < 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT " min %" G_GINT64_FORMAT " s", s / 60, s % 60);
  return g_strdup_printf ("%" G_GINT64_FORMAT " h %" G_GINT64_FORMAT " min", s / 3600,
                          (s / 60) % 60);
}

static void
set_too_long (GError **error, const char *name, double seconds)
{
  g_autofree char *len = format_duration (seconds);
  g_set_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_TOO_LONG,
               "“%s” is %s long; Atelier reads audio files of at most %d minutes. "
               "Trim it to the spoken prompt and try again.",
               name, len, AT_AUDIO_MAX_SECONDS / 60);
}

/* Opens path for reading with errors a user can act on; -1 on error. */
static int
open_input (const char *path, const char *name, GError **error)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;
      if (saved == ENOENT || saved == ENOTDIR)
        g_set_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_NOT_FOUND,
                     "The audio file “%s” does not exist", name);
      else
        g_set_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_ACCESS,
                     "The audio file “%s” cannot be opened: %s", name, g_strerror (saved));
      return -1;
    }
  struct stat st;
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_NOT_FOUND,
                   "“%s” is %s, not an audio file", name,
                   S_ISDIR (st.st_mode) ? "a folder" : "not a regular file");
      close (fd);
      return -1;
    }
  if (st.st_size == 0)
    {
      g_set_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_EMPTY,
                   "“%s” is empty (0 bytes): it contains no audio", name);
      close (fd);
      return -1;
    }
  return fd;
}

/* Reads every frame of sf mixed down to mono, refusing more than max_frames. */
/* libsndfile's "Format not recognised." as "format not recognised", to
 * sit in the middle of a sentence. */
static char *
sentence_to_clause (const char *sentence)
{
  char *clause = g_strdup (sentence);
  g_strstrip (clause);
  gsize n = strlen (clause);
  if (n > 0 && clause[n - 1] == '.')
    clause[n - 1] = '\0';
  if (g_ascii_isupper (clause[0]) && !g_ascii_isupper (clause[1]))
    clause[0] = g_ascii_tolower (clause[0]);
  return clause;
}

static float *
read_mono (SNDFILE *sf, const SF_INFO *info, const char *name, gsize max_frames, gsize *n_out,
           GError **error)
{
  int ch = info->channels;
  g_autofree float *chunk = g_new (float, (gsize) CHUNK_FRAMES * ch);
  gsize cap = info->frames > 0 && (gsize) info->frames <= max_frames ? (gsize) info->frames : CHUNK_FRAMES;
  gsize n = 0;
  g_autofree float *out = g_new (float, MAX (cap, 1));
  double inv = 1.0 / ch;

  for (;;)
    {
      sf_count_t got = sf_readf_float (sf, chunk, CHUNK_FRAMES);
      if (got <= 0)
        break;
      if (n + (gsize) got > max_frames)
        {
          set_too_long (error, name, (double) (n + got) / info->samplerate);
          return NULL;
        }
      if (n + (gsize) got > cap)
        {
          cap = MIN (MAX (cap * 2, n + (gsize) got), max_frames);
          out = g_renew (float, out, cap);
        }
      for (sf_count_t f = 0; f < got; f++)
        {
          double sum = 0;
          for (int c = 0; c < ch; c++)
            sum += chunk[f * ch + c];
          float v = (float) (sum * inv);
          out[n + f] = isfinite (v) ? v : 0.0f;
        }
      n += got;
    }

  int err = sf_error (sf);
  if (err != SF_ERR_NO_ERROR)
    {
      g_autofree char *why = sentence_to_clause (sf_error_number (err));
      g_set_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_INVALID,
                   "“%s” could not be decoded (%s)", name, why);
      return NULL;
    }
  *n_out = n;
  return g_steal_pointer (&out);
}

AtAudio *
at_audio_load (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_autofree char *name = g_filename_display_basename (path);
  int fd = open_input (path, name, error);
  if (fd < 0)
    return NULL;

  /* The descriptor stays ours (close_desc FALSE) so it is closed exactly
   * once whether or not libsndfile accepts the file. */
  SF_INFO info = { 0 };
  SNDFILE *sf = sf_open_fd (fd, SFM_READ, &info, FALSE);
  if (sf == NULL)
    {
      g_autofree char *why = sentence_to_clause (sf_strerror (NULL));
      g_set_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_INVALID,
                   "“%s” is not audio Atelier can read (%s): use WAV, FLAC or OGG", name, why);
      close (fd);
      return NULL;
    }

  AtAudio *audio = NULL;
  if (info.channels < 1 || info.samplerate < 1)
    {
      g_set_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_INVALID,
                   "“%s” declares %d channels at %d Hz, which is not playable audio", name,
                   info.channels, info.samplerate);
    }
  else if (info.frames == 0)
    {
      g_set_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_EMPTY,
                   "“%s” contains no audio (0 samples)", name);
    }
  else
    {
      gsize max_frames = (gsize) AT_AUDIO_MAX_SECONDS * info.samplerate;
      if (info.frames > 0 && info.frames != SF_COUNT_MAX && (gsize) info.frames > max_frames)
        set_too_long (error, name, (double) info.frames / info.samplerate);
      else
        {
          gsize n = 0;
          float *samples = read_mono (sf, &info, name, max_frames, &n, error);
          if (samples != NULL && n == 0)
            {
              g_set_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_EMPTY,
                           "“%s” contains no audio (0 samples could be decoded)", name);
              g_free (samples);
            }
          else if (samples != NULL)
            {
              audio = g_new0 (AtAudio, 1);
              audio->samples = samples;
              audio->n = n;
              audio->rate = info.samplerate;
            }
        }
    }
  sf_close (sf);
  close (fd);
  return audio;
}

gboolean
at_audio_resample_full (AtAudio *audio, int rate, AtResampleQuality quality, GError **error)
{
  g_return_val_if_fail (audio != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (rate < 1000 || rate > 768000)
    {
      g_set_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_FORMAT,
                   "Cannot resample to %d Hz: the rate must be from 1000 to 768000 Hz", rate);
      return FALSE;
    }
  if (rate == audio->rate)
    return TRUE;
  double ratio = (double) rate / audio->rate;
  if (!src_is_valid_ratio (ratio))
    {
      g_set_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_RESAMPLE,
                   "Cannot resample from %d Hz to %d Hz: the ratio is beyond libsamplerate's "
                   "limit of 256", audio->rate, rate);
      return FALSE;
    }
  if (audio->n == 0)
    {
      audio->rate = rate;
      return TRUE;
    }
  if (audio->n > G_MAXLONG / 2 || (double) audio->n * ratio > G_MAXLONG / 2)
    {
      g_set_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_RESAMPLE,
                   "Cannot resample %" G_GSIZE_FORMAT " samples: too many", audio->n);
      return FALSE;
    }

  gsize want = (gsize) llround ((double) audio->n * ratio);
  gsize cap = want + 64;
  g_autofree float *out = g_new0 (float, cap);
  SRC_DATA data = {
    .data_in = audio->samples,
    .data_out = out,
    .input_frames = (long) audio->n,
    .output_frames = (long) cap,
    .end_of_input = 1,
    .src_ratio = ratio,
  };
  int converter = quality == AT_RESAMPLE_FAST ? SRC_SINC_FASTEST : SRC_SINC_BEST_QUALITY;
  int err = src_simple (&data, converter, 1);
  if (err != 0)
    {
      g_set_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_RESAMPLE,
                   "Resampling from %d Hz to %d Hz failed: %s", audio->rate, rate,
                   src_strerror (err));
      return FALSE;
    }
  /* The converter may stop a sample or two short of n·ratio; the tail it
   * leaves is the zero the buffer was cleared with. */
  g_free (audio->samples);
  audio->samples = g_renew (float, g_steal_pointer (&out), MAX (want, 1));
  audio->n = want;
  audio->rate = rate;
  return TRUE;
}

gboolean
at_audio_resample (AtAudio *audio, int rate, GError **error)
{
  return at_audio_resample_full (audio, rate, AT_RESAMPLE_BEST, error);
}

/* The libsndfile format for path's extension and encoding, or 0 with error. */
static int
format_for (const char *path, AtAudioEncoding encoding, GError **error)
{
  g_autofree char *base = g_path_get_basename (path);
  const char *dot = strrchr (base, '.');
  g_autofree char *ext = g_ascii_strdown (dot != NULL ? dot + 1 : "", -1);
  int major, sub;
  if (g_str_equal (ext, "wav"))
    major = SF_FORMAT_WAV;
  else if (g_str_equal (ext, "flac"))
    major = SF_FORMAT_FLAC;
  else if (g_str_equal (ext, "ogg") || g_str_equal (ext, "oga"))
    major = SF_FORMAT_OGG;
  else if (g_str_equal (ext, "aif") || g_str_equal (ext, "aiff"))
    major = SF_FORMAT_AIFF;
  else
    {
      g_autofree char *name = g_filename_display_basename (path);
      g_set_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_FORMAT,
                   "Cannot save “%s”: end the name with .wav, .flac, .ogg or .aiff to choose "
                   "the format", name);
      return 0;
    }

  if (major == SF_FORMAT_OGG)
    {
      if (encoding != AT_AUDIO_ENCODING_DEFAULT)
        {
          g_set_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_FORMAT,
                       "OGG files are always Vorbis-compressed; choose the default encoding");
          return 0;
        }
      return SF_FORMAT_OGG | SF_FORMAT_VORBIS;  /* its rate limit is checked by the caller */
    }
  switch (encoding)
    {
    case AT_AUDIO_ENCODING_PCM_24:
      sub = SF_FORMAT_PCM_24;
      break;
    case AT_AUDIO_ENCODING_FLOAT:
      if (major == SF_FORMAT_FLAC)
        {
          g_set_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_FORMAT,
                       "FLAC cannot hold float samples; choose 16- or 24-bit");
          return 0;
        }
      sub = SF_FORMAT_FLOAT;
      break;
    case AT_AUDIO_ENCODING_DEFAULT:
    case AT_AUDIO_ENCODING_PCM_16:
    default:
      sub = SF_FORMAT_PCM_16;
      break;
    }
  return major | sub;
}

/* Writes every sample to sf, non-finite ones as silence. Integer
 * encodings are rounded here, to the nearest step of 2^-(bits-1) with
 * clipping, and handed to libsndfile as exact left-justified integers: its
 * own float conversion rounds differently per container (WAV and AIFF
 * towards -inf, FLAC to nearest), which would make the same audio differ
 * between formats and bias it by half a step. */
static gboolean
write_samples (SNDFILE *sf, const AtAudio *audio, int bits, const char *name, GError **error)
{
  float chunk[CHUNK_FRAMES];
  int ints[CHUNK_FRAMES];
  double scale = bits > 0 ? ldexp (1.0, bits - 1) : 0;
  int shift = 32 - bits;
  for (gsize at = 0; at < audio->n; at += CHUNK_FRAMES)
    {
      gsize len = MIN ((gsize) CHUNK_FRAMES, audio->n - at);
      sf_count_t wrote;
      for (gsize i = 0; i < len; i++)
        chunk[i] = isfinite (audio->samples[at + i]) ? audio->samples[at + i] : 0.0f;
      if (bits > 0)
        {
          for (gsize i = 0; i < len; i++)
            {
              double q = CLAMP (nearbyint (chunk[i] * scale), -scale, scale - 1);
              ints[i] = (int) ((gint64) q * ((gint64) 1 << shift));
            }
          wrote = sf_writef_int (sf, ints, (sf_count_t) len);
        }
      else
        wrote = sf_writef_float (sf, chunk, (sf_count_t) len);
      if (wrote != (sf_count_t) len)
        {
          g_set_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_WRITE,
                       "Writing “%s” failed: %s", name, sf_strerror (sf));
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
at_audio_encoding_parse (const char *name, AtAudioEncoding *encoding, GError **error)
{
  static const struct {
    const char *names[2];
    AtAudioEncoding encoding;
  } known[] = {
    { { "default", "default" }, AT_AUDIO_ENCODING_DEFAULT },
    { { "16", "pcm16" }, AT_AUDIO_ENCODING_PCM_16 },
    { { "24", "pcm24" }, AT_AUDIO_ENCODING_PCM_24 },
    { { "float", "f32" }, AT_AUDIO_ENCODING_FLOAT },
  };
  g_return_val_if_fail (name != NULL && encoding != NULL, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    for (guint j = 0; j < 2; j++)
      if (g_ascii_strcasecmp (name, known[i].names[j]) == 0)
        {
          *encoding = known[i].encoding;
          return TRUE;
        }
  g_set_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_FORMAT,
               "Unknown sample encoding “%s”: choose 16, 24 or float", name);
  return FALSE;
}

gboolean
at_audio_check_format (const char *path, AtAudioEncoding encoding, GError **error)
{
  return format_for (path, encoding, error) != 0;
}

gboolean
at_audio_write (const AtAudio *audio, AtAtomicFile *file, AtAudioEncoding encoding, GError **error)
{
  g_return_val_if_fail (audio != NULL, FALSE);
  g_return_val_if_fail (file != NULL, FALSE);
  const char *path = at_atomic_file_get_path (file);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_autofree char *name = g_filename_display_basename (path);
  int format = format_for (path, encoding, error);
  if (format == 0)
    return FALSE;
  SF_INFO info = { .samplerate = audio->rate, .channels = 1, .format = format };
  /* libvorbis's encoder modes stop at 192 kHz; libsndfile only finds out
   * mid-write, with a misleading message. */
  if (!sf_format_check (&info)
      || ((format & SF_FORMAT_TYPEMASK) == SF_FORMAT_OGG && audio->rate > 192000))
    {
      g_set_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_FORMAT,
                   "Cannot save “%s”: this format does not support %d Hz audio; "
                   "resample it or choose WAV", name, audio->rate);
      return FALSE;
    }

  int fd = at_atomic_file_get_fd (file);
  gboolean ok = FALSE;
  SNDFILE *sf = sf_open_fd (fd, SFM_WRITE, &info, FALSE);
  if (sf == NULL)
    {
      g_set_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_WRITE,
                   "Cannot save “%s”: %s", name, sf_strerror (NULL));
    }
  else
    {
      sf_command (sf, SFC_SET_CLIPPING, NULL, SF_TRUE);
      if ((format & SF_FORMAT_TYPEMASK) == SF_FORMAT_OGG)
        {
          double quality = 0.6;  /* clearer narration than the default 0.4, still small */
          sf_command (sf, SFC_SET_VBR_ENCODING_QUALITY, &quality, sizeof quality);
        }
      int sub = format & SF_FORMAT_SUBMASK;
      int bits = sub == SF_FORMAT_PCM_16 ? 16 : sub == SF_FORMAT_PCM_24 ? 24 : 0;
      ok = write_samples (sf, audio, bits, name, error);
      int err = sf_close (sf);
      if (ok && err != 0)
        {
          g_set_error (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_WRITE,
                       "Finishing “%s” failed: %s", name, sf_error_number (err));
          ok = FALSE;
        }
    }

  return ok;
}

gboolean
at_audio_save_full (const AtAudio *audio, const char *path, AtAudioEncoding encoding,
                    GError **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  if (!at_audio_check_format (path, encoding, error))
    return FALSE;
  g_autoptr (GError) local = NULL;
  g_autoptr (AtAtomicFile) file = at_atomic_file_new (path, &local);
  if (file != NULL && at_audio_write (audio, file, encoding, error) && at_atomic_file_commit (file, &local))
    return TRUE;
  /* the file's own errors in this module's domain, as callers expect */
  if (local != NULL)
    g_set_error_literal (error, AT_AUDIO_ERROR, AT_AUDIO_ERROR_WRITE, local->message);
  return FALSE;
}

gboolean
at_audio_save (const AtAudio *audio, const char *path, GError **error)
{
  return at_audio_save_full (audio, path, AT_AUDIO_ENCODING_DEFAULT, error);
}
