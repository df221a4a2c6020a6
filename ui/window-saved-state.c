/* window-saved-state.c — whether the project on screen is the one in its
 * file: a digest of everything a project saves, taken when it was saved,
 * opened or begun. An edit that comes back to that state (Undo back to the
 * saved drawing, a number set back, a word typed and deleted) leaves the
 * title unmarked, as in any editor.
 *
 * Strokes are immutable and shared between undo states, and the window
 * holds the saved drawing's strokes, so a stroke's address names it. */
#define G_LOG_DOMAIN "atelier-ui"

#include <string.h>

#include "ui/window-private.h"

static void
add_bytes (GChecksum *sum, const void *data, gsize n)
{
  g_checksum_update (sum, data, n);
}

static void
add_text (GChecksum *sum, const char *text)
{
  /* with its terminator, so "ab" + "c" differs from "a" + "bc" */
  text = text != NULL ? text : "";
  add_bytes (sum, text, strlen (text) + 1);
}

static void
add_number (GChecksum *sum, double value)
{
  add_bytes (sum, &value, sizeof value);
}

static void
add_image (GChecksum *sum, const AtImage *img)
{
  guint32 dims[3] = { 0, 0, 0 };
  if (img != NULL)
    dims[0] = img->width, dims[1] = img->height, dims[2] = img->channels;
  add_bytes (sum, dims, sizeof dims);
  if (img != NULL)
    add_bytes (sum, img->pixels, at_image_get_nbytes (img));
}

static void
add_controls (GChecksum *sum, AtWindow *self)
{
  g_autoptr (AtRequest) r = _at_window_build_controls_request (self);
  add_text (sum, r->prompt);
  add_text (sum, r->negative);
  double numbers[] = { r->steps, r->guidance, (double) r->seed, r->sampler, r->sketch_strength, r->count,
                       gtk_spin_button_get_value (self->strength_spin),
                       gtk_toggle_button_get_active (self->seed_lock) };
  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    add_number (sum, numbers[i]);
}

static void
add_sketch (GChecksum *sum, AtWindow *self)
{
  AtStrokeList *strokes = at_sketch_canvas_get_strokes (self->canvas);
  guint n = at_stroke_list_get_n_strokes (strokes);
  add_number (sum, n);
  for (guint i = 0; i < n; i++)
    {
      gconstpointer stroke = at_stroke_list_get_stroke (strokes, i);
      add_bytes (sum, &stroke, sizeof stroke);
    }
  add_image (sum, at_sketch_canvas_get_sketch_image (self->canvas));
  add_image (sum, at_sketch_canvas_get_underlay (self->canvas));
}

static void
add_voice (GChecksum *sum, AtWindow *self)
{
  add_text (sum, self->voice_digest);
  add_text (sum, self->voice_name);
  g_auto (AtVoiceSettings) v = { 0 };
  at_voice_panel_get_settings (self->voice_panel, &v);
  const char *texts[] = { v.transcript_join, v.transcript, v.narration_source, v.narration_text, v.narration_voice };
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    add_text (sum, texts[i]);
  add_number (sum, v.narration_rate);
  add_number (sum, v.narration_pitch);
  add_number (sum, v.voice_cues);
}

/* Lines and times say what was spoken; a sample of the audio, how (the
 * voice, the pitch): all of it would cost a hash of seconds of audio at
 * every keystroke. */
static void
add_narration (GChecksum *sum, AtWindow *self)
{
  AtNarrationPanel *panel = at_window_get_narration_panel (self);
  const AtAudio *audio = at_narration_panel_get_narration (panel);
  GPtrArray *cues = at_narration_panel_get_subtitles (panel);
  add_number (sum, audio != NULL ? (double) audio->n : -1.0);
  if (audio == NULL)
    return;
  add_number (sum, audio->rate);
  gsize stride = MAX (audio->n / 4096, 1);
  for (gsize i = 0; i < audio->n; i += stride)
    add_number (sum, audio->samples[i]);
  for (guint i = 0; cues != NULL && i < cues->len; i++)
    {
      const AtCue *cue = g_ptr_array_index (cues, i);
      add_number (sum, (double) cue->start_ms);
      add_number (sum, (double) cue->end_ms);
      add_text (sum, cue->text);
    }
}

static void
add_history (GChecksum *sum, AtWindow *self)
{
  add_number (sum, self->history->len);
  for (guint i = 0; i < self->history->len; i++)
    {
      const AtHistoryItem *item = g_ptr_array_index (self->history, i);
      add_bytes (sum, &item, sizeof item);
      add_number (sum, item->favourite);
    }
}

static void
add_video (GChecksum *sum, AtWindow *self)
{
  const AtClip *clip = self->video_clip;
  add_number (sum, clip != NULL ? clip->keyframes->len : -1.0);
  if (clip == NULL)
    return;
  add_number (sum, clip->fps);
  add_number (sum, clip->size);
  add_number (sum, clip->duration);
  for (guint i = 0; i < clip->keyframes->len; i++)
    {
      const AtKeyframe *k = clip->keyframes->pdata[i];
      g_autofree char *print = at_keyframe_fingerprint (k);
      add_text (sum, print);
      add_number (sum, k->time);
    }
}

char *
_at_window_state_digest (AtWindow *self)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  add_controls (sum, self);
  add_sketch (sum, self);
  add_image (sum, self->init_image);
  add_voice (sum, self);
  add_narration (sum, self);
  add_history (sum, self);
  add_video (sum, self);
  return g_strdup (g_checksum_get_string (sum));
}

void
_at_window_mark_saved (AtWindow *self, const char *digest, AtStrokeList *strokes)
{
  g_free (self->saved_digest);
  self->saved_digest = g_strdup (digest);
  g_clear_pointer (&self->saved_strokes, at_stroke_list_free);
  self->saved_strokes = strokes;
}

void
_at_window_mark_saved_now (AtWindow *self)
{
  g_autofree char *digest = _at_window_state_digest (self);
  _at_window_mark_saved (self, digest, at_stroke_list_copy_drawing (at_sketch_canvas_get_strokes (self->canvas)));
}

gboolean
_at_window_is_as_saved (AtWindow *self)
{
  g_autofree char *digest = _at_window_state_digest (self);
  return g_strcmp0 (digest, self->saved_digest) == 0;
}

void
_at_window_update_dirty (AtWindow *self)
{
  if (self->applying)
    return;
  _at_window_set_dirty (self, !_at_window_is_as_saved (self));
  _at_window_update_actions (self);
}
