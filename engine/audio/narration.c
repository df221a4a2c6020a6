/* narration.c — espeak-ng synthesis with word timings. */
#define G_LOG_DOMAIN "atelier-narration"

#include <string.h>

#include <espeak-ng/speak_lib.h>
#include <gio/gio.h>

#include "audio/narration-flite.h"
#include "context-call.h"
#include "audio/narration.h"

G_DEFINE_QUARK (at-narration-error-quark, at_narration_error)

/* espeak-ng keeps its voice, parameters and callback in globals: one lock
 * covers initialisation, every synthesis and the voice list. */
static GMutex espeak_lock;
static int espeak_sample_rate;   /* > 0 once initialised */

typedef struct {
  int position;       /* espeak's character position of the word (1-based) */
  int audio_ms;
} WordEvent;

/* What one synthesis collects; reached from the callback through
 * current_synth, which only the holder of espeak_lock sets. */
typedef struct {
  GArray *samples;      /* gint16 */
  GArray *words;        /* WordEvent */
  GCancellable *cancellable;
  gboolean cancelled;
  gboolean too_long;
  guint max_samples;
} Synth;

static Synth *current_synth;

AtCue *
at_cue_new (gint64 start_ms, gint64 end_ms, const char *text)
{
  AtCue *cue = g_new0 (AtCue, 1);
  cue->start_ms = start_ms;
  cue->end_ms = end_ms;
  cue->text = g_strdup (text != NULL ? text : "");
  return cue;
}

void
at_cue_free (AtCue *cue)
{
  if (cue == NULL)
    return;
  g_free (cue->text);
  g_free (cue);
}

GPtrArray *
at_cue_array_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) at_cue_free);
}

void
at_voice_info_free (AtVoiceInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->identifier);
  g_free (info->language);
  g_free (info);
}

static int
synth_callback (short *wav, int n, espeak_EVENT *events)
{
  Synth *s = current_synth;
  if (s == NULL)
    return 1;
  if (wav != NULL && n > 0)
    g_array_append_vals (s->samples, wav, n);
  if (s->samples->len > s->max_samples)
    {
      s->too_long = TRUE;
      return 1;
    }
  for (espeak_EVENT *e = events; e != NULL && e->type != espeakEVENT_LIST_TERMINATED; e++)
    {
      if (e->type == espeakEVENT_WORD)
        {
          WordEvent w = { e->text_position, e->audio_position };
          g_array_append_val (s->words, w);
        }
    }
  if (s->cancellable != NULL && g_cancellable_is_cancelled (s->cancellable))
    s->cancelled = TRUE;
  return s->cancelled ? 1 : 0;
}

/* Called with espeak_lock held. */
static gboolean
ensure_initialised (GError **error)
{
  if (espeak_sample_rate > 0)
    return TRUE;
  /* DONT_EXIT: without it espeak-ng calls exit() when its data is missing. */
  int rate = espeak_Initialize (AUDIO_OUTPUT_SYNCHRONOUS, 50, NULL, espeakINITIALIZE_DONT_EXIT);
  if (rate <= 0)
    {
      g_set_error_literal (error, AT_NARRATION_ERROR, AT_NARRATION_ERROR_UNAVAILABLE,
                           "espeak-ng could not start: is its data installed? (Debian: espeak-ng-data)");
      return FALSE;
    }
  espeak_SetSynthCallback (synth_callback);
  espeak_sample_rate = rate;
  return TRUE;
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (!g_unichar_isspace (c) && !g_unichar_ispunct (c))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_options (const char *text, const AtNarrationOptions *o, GError **error)
{
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, AT_NARRATION_ERROR, AT_NARRATION_ERROR_INVALID,
                           "The narration text is not valid UTF-8");
      return FALSE;
    }
  if (is_blank (text))
    {
      g_set_error_literal (error, AT_NARRATION_ERROR, AT_NARRATION_ERROR_EMPTY,
                           "Nothing to narrate: the text is empty; write a few words");
      return FALSE;
    }
  glong chars = g_utf8_strlen (text, -1);
  if (chars > AT_NARRATION_MAX_CHARS)
    {
      g_set_error (error, AT_NARRATION_ERROR, AT_NARRATION_ERROR_INVALID,
                   "The narration text is too long (%ld characters; at most %d)", chars,
                   AT_NARRATION_MAX_CHARS);
      return FALSE;
    }
  if (o->rate != 0 && (o->rate < AT_NARRATION_RATE_MIN || o->rate > AT_NARRATION_RATE_MAX))
    {
      g_set_error (error, AT_NARRATION_ERROR, AT_NARRATION_ERROR_INVALID,
                   "Speaking rate %d is out of range: choose %d to %d words per minute", o->rate,
                   AT_NARRATION_RATE_MIN, AT_NARRATION_RATE_MAX);
      return FALSE;
    }
  if (o->pitch != -1 && (o->pitch < AT_NARRATION_PITCH_MIN || o->pitch > AT_NARRATION_PITCH_MAX))
    {
      g_set_error (error, AT_NARRATION_ERROR, AT_NARRATION_ERROR_INVALID,
                   "Pitch %d is out of range: choose %d to %d", o->pitch, AT_NARRATION_PITCH_MIN,
                   AT_NARRATION_PITCH_MAX);
      return FALSE;
    }
  return TRUE;
}

/* The identifier of the installed voice that name means (its name, its
 * identifier or the last part of it, or one of its languages, any case),
 * with name's "+variant" kept; NULL when none. espeak_SetVoiceByName()
 * alone takes names and identifiers but not languages, and falls back to
 * a default on some unknown names. Called with espeak_lock held. */
static char *
resolve_voice (const char *name)
{
  const espeak_VOICE **voices = espeak_ListVoices (NULL);
  g_autofree char *base = g_strdup (name);
  char *plus = strchr (base, '+');   /* "en+f3": a voice plus a variant */
  if (plus != NULL)
    *plus++ = '\0';
  const espeak_VOICE *by_language = NULL;
  int best_priority = G_MAXINT;
  for (int i = 0; voices != NULL && voices[i] != NULL; i++)
    {
      const espeak_VOICE *v = voices[i];
      if (v->identifier == NULL)
        continue;
      const char *id_base = strrchr (v->identifier, '/');
      if ((v->name != NULL && g_ascii_strcasecmp (v->name, base) == 0) ||
          g_ascii_strcasecmp (v->identifier, base) == 0 ||
          (id_base != NULL && g_ascii_strcasecmp (id_base + 1, base) == 0))
        return g_strconcat (v->identifier, plus != NULL ? "+" : "", plus, NULL);
      /* languages: a priority byte, a name, a NUL; repeated; ends with a
       * NUL. The voice that lists the language first (lowest priority) wins. */
      for (const char *l = v->languages; l != NULL && *l != '\0'; l += strlen (l + 1) + 2)
        if (g_ascii_strcasecmp (l + 1, base) == 0 && *l < best_priority)
          {
            by_language = v;
            best_priority = *l;
          }
    }
  if (by_language != NULL)
    return g_strconcat (by_language->identifier, plus != NULL ? "+" : "", plus, NULL);
  return NULL;
}

/* The frame where speech starts in [from, to) and the one after it ends,
 * by a 10 ms energy gate: espeak-ng's events place a word's start before
 * the pause that precedes it, and a clause's last word would otherwise run
 * on through the pause that follows. Leaves the span alone when it is all
 * silent. */
static void
trim_silence (const gint16 *pcm, int rate, gint64 *from_ms, gint64 *to_ms)
{
  const int frame = rate / 100;
  const double gate = 0.01 * 32768.0;   /* -40 dBFS RMS */
  gint64 a = *from_ms * rate / 1000, b = *to_ms * rate / 1000;
  gint64 first = -1, last = -1;
  for (gint64 f = a; f + frame <= b; f += frame)
    {
      double sum = 0;
      for (int i = 0; i < frame; i++)
        sum += (double) pcm[f + i] * pcm[f + i];
      if (sum / frame > gate * gate)
        {
          if (first < 0)
            first = f;
          last = f + frame;
        }
    }
  if (first < 0)
    return;
  *from_ms = MAX (*from_ms, first * 1000 / rate);
  *to_ms = MIN (*to_ms, last * 1000 / rate + 20);   /* 20 ms of release */
}

/* Words from espeak's events. espeak-ng reports several events inside one
 * written word ("1999" is spoken as three), so each event is moved back to
 * the start of its whitespace-separated word and repeats are dropped; a
 * word's text then runs to the next word's start, keeping punctuation with
 * the word it follows and losing no text. Its time runs from its event to
 * the next word's, trimmed of silence at both ends. */
static GPtrArray *
words_to_cues (const char *text, Synth *s, const gint16 *pcm, int rate, gint64 total_ms)
{
  GPtrArray *cues = at_cue_array_new ();
  glong n_chars = 0;
  g_autofree gunichar *chars = g_utf8_to_ucs4_fast (text, -1, &n_chars);
  g_autoptr (GArray) words = g_array_new (FALSE, FALSE, sizeof (WordEvent));
  for (guint i = 0; i < s->words->len; i++)
    {
      WordEvent w = g_array_index (s->words, WordEvent, i);
      if (w.position < 1 || w.position > n_chars)
        continue;
      while (w.position > 1 && !g_unichar_isspace (chars[w.position - 2]))
        w.position--;
      if (words->len > 0 && w.position <= g_array_index (words, WordEvent, words->len - 1).position)
        continue;
      g_array_append_val (words, w);
    }
  gint64 prev_end = 0;
  for (guint i = 0; i < words->len; i++)
    {
      WordEvent *w = &g_array_index (words, WordEvent, i);
      const char *from = i == 0 ? text : g_utf8_offset_to_pointer (text, w->position - 1);
      const char *to = i + 1 < words->len
                         ? g_utf8_offset_to_pointer (text, g_array_index (words, WordEvent, i + 1).position - 1)
                         : text + strlen (text);
      g_autofree char *piece = g_strndup (from, to - from);
      g_strstrip (piece);
      if (piece[0] == '\0')
        continue;
      gint64 start = CLAMP ((gint64) w->audio_ms, prev_end, total_ms);
      gint64 end = i + 1 < words->len ? g_array_index (words, WordEvent, i + 1).audio_ms : total_ms;
      end = CLAMP (end, start, total_ms);
      trim_silence (pcm, rate, &start, &end);
      if (end <= start)
        {
          /* espeak-ng gave this word no time of its own: share the last cue's */
          if (cues->len > 0)
            {
              AtCue *last = cues->pdata[cues->len - 1];
              char *joined = g_strconcat (last->text, " ", piece, NULL);
              g_free (last->text);
              last->text = joined;
              continue;
            }
          end = MIN (start + 1, total_ms);
          start = end - 1;
        }
      g_ptr_array_add (cues, at_cue_new (start, end, piece));
      prev_end = end;
    }
  return cues;
}

AtAudio *
at_narrate (const char *text, const AtNarrationOptions *options, GPtrArray **cues_out,
            GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  AtNarrationOptions defaults = AT_NARRATION_OPTIONS_INIT;
  const AtNarrationOptions *o = options != NULL ? options : &defaults;
  if (!check_options (text, o, error))
    return NULL;
  const char *voice = o->voice != NULL && o->voice[0] != '\0' ? o->voice : AT_NARRATION_DEFAULT_VOICE;
  if (at_flite_is_voice (voice))
    return at_flite_narrate (text, o, cues_out, cancellable, error);

  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&espeak_lock);
  if (!ensure_initialised (error))
    return NULL;
  g_autofree char *identifier = resolve_voice (voice);
  if (identifier == NULL || espeak_SetVoiceByName (identifier) != EE_OK)
    {
      g_set_error (error, AT_NARRATION_ERROR, AT_NARRATION_ERROR_UNKNOWN_VOICE,
                   "Unknown voice \"%s\"; `atelier narrate --list-voices` lists the installed ones",
                   voice);
      return NULL;
    }
  espeak_SetParameter (espeakRATE, o->rate != 0 ? o->rate : AT_NARRATION_RATE_DEFAULT, 0);
  espeak_SetParameter (espeakPITCH, o->pitch != -1 ? o->pitch : AT_NARRATION_PITCH_DEFAULT, 0);

  Synth s = {
    .samples = g_array_new (FALSE, FALSE, sizeof (gint16)),
    .words = g_array_new (FALSE, FALSE, sizeof (WordEvent)),
    .cancellable = cancellable,
    .max_samples = (guint) AT_AUDIO_MAX_SECONDS * (guint) espeak_sample_rate,
  };
  current_synth = &s;
  espeak_ERROR status = espeak_Synth (text, strlen (text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8,
                                      NULL, NULL);
  if (status == EE_OK)
    status = espeak_Synchronize ();
  current_synth = NULL;

  AtAudio *audio = NULL;
  if (s.cancelled || g_cancellable_is_cancelled (cancellable))
    g_set_error_literal (error, AT_NARRATION_ERROR, AT_NARRATION_ERROR_CANCELLED, "Narration cancelled");
  else if (s.too_long)
    g_set_error (error, AT_NARRATION_ERROR, AT_NARRATION_ERROR_INVALID,
                 "The narration would last over %d minutes; split the text or speak faster",
                 AT_AUDIO_MAX_SECONDS / 60);
  else if (status != EE_OK)
    g_set_error (error, AT_NARRATION_ERROR, AT_NARRATION_ERROR_FAILED,
                 "espeak-ng could not synthesise the text (error %d)", (int) status);
  else if (s.samples->len == 0)
    g_set_error_literal (error, AT_NARRATION_ERROR, AT_NARRATION_ERROR_FAILED,
                         "espeak-ng produced no sound for this text");
  else
    {
      audio = at_audio_new (s.samples->len, espeak_sample_rate);
      const gint16 *pcm = (const gint16 *) s.samples->data;
      for (guint i = 0; i < s.samples->len; i++)
        audio->samples[i] = pcm[i] / 32768.0f;
      if (cues_out != NULL)
        *cues_out = words_to_cues (text, &s, pcm, espeak_sample_rate,
                                   (gint64) s.samples->len * 1000 / espeak_sample_rate);
    }
  g_array_unref (s.samples);
  g_array_unref (s.words);
  return audio;
}

static int
compare_voices (gconstpointer a, gconstpointer b)
{
  const AtVoiceInfo *va = *(AtVoiceInfo * const *) a, *vb = *(AtVoiceInfo * const *) b;
  int c = g_strcmp0 (va->language, vb->language);
  return c != 0 ? c : g_strcmp0 (va->name, vb->name);
}

GPtrArray *
at_narration_list_voices (GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&espeak_lock);
  if (!ensure_initialised (error))
    return NULL;
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) at_voice_info_free);
  const espeak_VOICE **voices = espeak_ListVoices (NULL);
  for (int i = 0; voices != NULL && voices[i] != NULL; i++)
    {
      const espeak_VOICE *v = voices[i];
      AtVoiceInfo *info = g_new0 (AtVoiceInfo, 1);
      info->name = g_strdup (v->name != NULL ? v->name : "");
      info->identifier = g_strdup (v->identifier != NULL ? v->identifier : "");
      info->language = g_strdup (v->languages != NULL && v->languages[0] != '\0' ? v->languages + 1 : "");
      info->gender = v->gender;
      g_ptr_array_add (list, info);
    }
  at_flite_list_voices (list);
  g_ptr_array_sort (list, compare_voices);
  return list;
}

typedef struct {
  char *text;
  char *voice;
  int rate, pitch;
} NarrateData;

typedef struct {
  AtAudio *audio;
  GPtrArray *cues;
} NarrateResult;

static void
narrate_data_free (NarrateData *d)
{
  g_free (d->text);
  g_free (d->voice);
  g_free (d);
}

static void
narrate_result_free (NarrateResult *r)
{
  at_audio_free (r->audio);
  g_clear_pointer (&r->cues, g_ptr_array_unref);
  g_free (r);
}

static void
narrate_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  NarrateData *d = task_data;
  AtNarrationOptions o = { d->voice, d->rate, d->pitch };
  NarrateResult *r = g_new0 (NarrateResult, 1);
  GError *error = NULL;
  r->audio = at_narrate (d->text, &o, &r->cues, cancellable, &error);
  if (r->audio == NULL)
    {
      narrate_result_free (r);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, r, (GDestroyNotify) narrate_result_free);
}

void
at_narrate_async (const char *text, const AtNarrationOptions *options, GCancellable *cancellable,
                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (text != NULL);
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, at_narrate_async);
  AtNarrationOptions defaults = AT_NARRATION_OPTIONS_INIT;
  const AtNarrationOptions *o = options != NULL ? options : &defaults;
  NarrateData *d = g_new0 (NarrateData, 1);
  d->text = g_strdup (text);
  d->voice = g_strdup (o->voice);
  d->rate = o->rate;
  d->pitch = o->pitch;
  g_task_set_task_data (task, d, (GDestroyNotify) narrate_data_free);
  g_task_set_check_cancellable (task, FALSE);
  at_task_run_in_thread (task, narrate_thread);
}

AtAudio *
at_narrate_finish (GAsyncResult *result, GPtrArray **cues_out, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, at_narrate_async), NULL);
  NarrateResult *r = g_task_propagate_pointer (G_TASK (result), error);
  if (r == NULL)
    return NULL;
  AtAudio *audio = g_steal_pointer (&r->audio);
  if (cues_out != NULL)
    *cues_out = g_steal_pointer (&r->cues);
  narrate_result_free (r);
  return audio;
}
