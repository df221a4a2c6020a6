/* narration-flite.c — flite synthesis with word timings from its segments. */
#define G_LOG_DOMAIN "atelier-narration"

#include <math.h>
#include <string.h>

#include <flite/flite.h>

#include "audio/narration-flite.h"

/* Provided by libflite_cmu_us_*; flite's headers do not declare them. */
cst_voice *register_cmu_us_slt (const char *voxdir);
cst_voice *register_cmu_us_rms (const char *voxdir);
cst_voice *register_cmu_us_awb (const char *voxdir);

typedef struct {
  const char *id;      /* after AT_FLITE_VOICE_PREFIX */
  const char *name;
  int gender;          /* as AtVoiceInfo */
  cst_voice *(*register_voice) (const char *voxdir);
  cst_voice *voice;    /* registered on first use */
} FliteVoice;

static FliteVoice flite_voices[] = {
  { "slt", "Flite SLT (US English, female)", 2, register_cmu_us_slt, NULL },
  { "rms", "Flite RMS (US English, male)", 1, register_cmu_us_rms, NULL },
  { "awb", "Flite AWB (Scottish English, male)", 1, register_cmu_us_awb, NULL },
};

/* flite's own pace with duration_stretch 1, in words per minute of speech
 * (measured on a 37-word text with its RMS voice). */
#define FLITE_NATIVE_RATE 190.0

/* A voice's features are shared by every synthesis with it: one lock
 * covers initialisation, setting rate and pitch, and synthesis. */
static GMutex flite_lock;

static FliteVoice *
find_voice (const char *voice)
{
  if (!at_flite_is_voice (voice))
    return NULL;
  const char *id = voice + strlen (AT_FLITE_VOICE_PREFIX);
  for (guint i = 0; i < G_N_ELEMENTS (flite_voices); i++)
    if (g_ascii_strcasecmp (flite_voices[i].id, id) == 0)
      return &flite_voices[i];
  return NULL;
}

gboolean
at_flite_is_voice (const char *voice)
{
  return voice != NULL && g_ascii_strncasecmp (voice, AT_FLITE_VOICE_PREFIX, strlen (AT_FLITE_VOICE_PREFIX)) == 0;
}

/* Called with flite_lock held. */
static cst_voice *
ensure_voice (FliteVoice *v)
{
  static gboolean initialised;
  if (!initialised)
    {
      flite_init ();
      initialised = TRUE;
    }
  if (v->voice == NULL)
    v->voice = v->register_voice (NULL);
  return v->voice;
}

static void
set_rate_and_pitch (cst_voice *voice, const AtNarrationOptions *o)
{
  int rate = o->rate != 0 ? o->rate : AT_NARRATION_RATE_DEFAULT;
  int pitch = o->pitch != -1 ? o->pitch : AT_NARRATION_PITCH_DEFAULT;
  flite_feat_set_float (voice->features, "duration_stretch", (float) (FLITE_NATIVE_RATE / rate));
  flite_feat_set_float (voice->features, "f0_shift",
                        (float) pow (2.0, (pitch - AT_NARRATION_PITCH_DEFAULT) / 100.0));
}

/* Seconds where a word's first segment starts and its last one ends. */
static double
word_start (cst_item *word)
{
  return ffeature_float (word, "R:SylStructure.daughter1.daughter1.R:Segment.p.end");
}

static double
word_end (cst_item *word)
{
  return ffeature_float (word, "R:SylStructure.daughtern.daughtern.R:Segment.end");
}

/* The written text of each token: flite splits tokens at whitespace, as
 * here, so the pieces keep their punctuation; should the counts differ,
 * flite's own token names stand in. */
static char **
token_texts (const char *text, cst_relation *tokens)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (text));
  g_auto (GStrv) pieces = g_regex_split_simple ("\\s+", trimmed, 0, 0);
  guint n_tokens = 0;
  for (cst_item *t = relation_head (tokens); t != NULL; t = item_next (t))
    n_tokens++;
  if (g_strv_length (pieces) == n_tokens)
    return g_steal_pointer (&pieces);
  char **names = g_new0 (char *, n_tokens + 1);
  guint i = 0;
  for (cst_item *t = relation_head (tokens); t != NULL; t = item_next (t))
    names[i++] = g_strdup (item_feat_string (t, "name"));
  return names;
}

/* One cue per written token, from its first word's start to its last
 * word's end; a token flite did not speak ("-") joins the cue before. */
static GPtrArray *
tokens_to_cues (const char *text, cst_utterance *utt, gint64 total_ms)
{
  GPtrArray *cues = at_cue_array_new ();
  cst_relation *tokens = utt_relation (utt, "Token");
  g_auto (GStrv) texts = token_texts (text, tokens);
  gint64 prev_end = 0;
  guint i = 0;
  for (cst_item *t = relation_head (tokens); t != NULL; t = item_next (t), i++)
    {
      cst_item *first = item_daughter (t), *last = item_last_daughter (t);
      if (first == NULL)
        {
          if (cues->len > 0)
            {
              AtCue *prev = cues->pdata[cues->len - 1];
              char *joined = g_strconcat (prev->text, " ", texts[i], NULL);
              g_free (prev->text);
              prev->text = joined;
            }
          continue;
        }
      gint64 start = CLAMP ((gint64) llround (word_start (first) * 1000), prev_end, total_ms);
      gint64 end = CLAMP ((gint64) llround (word_end (last) * 1000), start, total_ms);
      if (end <= start)
        continue;
      g_ptr_array_add (cues, at_cue_new (start, end, texts[i]));
      prev_end = end;
    }
  return cues;
}

static AtAudio *
wave_to_audio (const cst_wave *w)
{
  AtAudio *audio = at_audio_new (w->num_samples, w->sample_rate);
  for (int i = 0; i < w->num_samples; i++)
    audio->samples[i] = w->samples[i] / 32768.0f;
  return audio;
}

AtAudio *
at_flite_narrate (const char *text, const AtNarrationOptions *options, GPtrArray **cues_out,
                  GCancellable *cancellable, GError **error)
{
  FliteVoice *v = find_voice (options->voice);
  if (v == NULL)
    {
      g_set_error (error, AT_NARRATION_ERROR, AT_NARRATION_ERROR_UNKNOWN_VOICE,
                   "Unknown voice \"%s\"; `atelier narrate --list-voices` lists the installed ones",
                   options->voice);
      return NULL;
    }
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&flite_lock);
  cst_voice *voice = ensure_voice (v);
  if (voice == NULL)
    {
      g_set_error (error, AT_NARRATION_ERROR, AT_NARRATION_ERROR_UNAVAILABLE,
                   "flite's %s voice could not be loaded (Debian: libflite1)", v->id);
      return NULL;
    }
  set_rate_and_pitch (voice, options);
  cst_utterance *utt = flite_synth_text (text, voice);
  const cst_wave *w = utt != NULL ? utt_wave (utt) : NULL;
  AtAudio *audio = NULL;
  if (g_cancellable_is_cancelled (cancellable))
    g_set_error_literal (error, AT_NARRATION_ERROR, AT_NARRATION_ERROR_CANCELLED, "Narration cancelled");
  else if (w == NULL || w->num_samples == 0 || w->sample_rate <= 0)
    g_set_error_literal (error, AT_NARRATION_ERROR, AT_NARRATION_ERROR_FAILED,
                         "flite produced no sound for this text");
  else if (w->num_samples / w->sample_rate > AT_AUDIO_MAX_SECONDS)
    g_set_error (error, AT_NARRATION_ERROR, AT_NARRATION_ERROR_INVALID,
                 "The narration would last over %d minutes; split the text or speak faster",
                 AT_AUDIO_MAX_SECONDS / 60);
  else
    {
      audio = wave_to_audio (w);
      if (cues_out != NULL)
        *cues_out = tokens_to_cues (text, utt, (gint64) w->num_samples * 1000 / w->sample_rate);
    }
  if (utt != NULL)
    delete_utterance (utt);
  return audio;
}

void
at_flite_list_voices (GPtrArray *list)
{
  for (guint i = 0; i < G_N_ELEMENTS (flite_voices); i++)
    {
      AtVoiceInfo *info = g_new0 (AtVoiceInfo, 1);
      info->name = g_strdup (flite_voices[i].name);
      info->identifier = g_strconcat (AT_FLITE_VOICE_PREFIX, flite_voices[i].id, NULL);
      info->language = g_strdup (g_str_equal (flite_voices[i].id, "awb") ? "en-gb-scotland" : "en-us");
      info->gender = flite_voices[i].gender;
      g_ptr_array_add (list, info);
    }
}
