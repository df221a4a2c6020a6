/* window-voice.c — the voice card's clip: loading it from a file (a
 * worker decodes it) or a drop, the waveform and the line under it, and
 * the voice panel (transcript, voice cues, narration) it hands each clip
 * to. The window owns the clip; the panel keeps its own copy. */
#define G_LOG_DOMAIN "atelier-ui"

#include <math.h>

#include "ui/window-private.h"
#include "context-call.h"

/* The waveform and the line under it show the voice clip, or invite one. */
void
_at_window_show_voice (AtWindow *self)
{
  at_waveform_set_audio (self->waveform, self->voice);
  at_clip_player_set_audio (self->voice_player, self->voice);
  if (self->voice != NULL)
    {
      double secs = at_audio_get_duration (self->voice);
      const char *name = self->voice_name != NULL && *self->voice_name ? self->voice_name : "Voice clip";
      g_autofree char *text = g_strdup_printf ("%s · %d:%04.1f", name, (int) (secs / 60), fmod (secs, 60));
      gtk_label_set_text (self->voice_label, text);
    }
  else
    gtk_label_set_text (self->voice_label, "No voice clip: drop an audio file here");
}

void
_at_window_set_voice (AtWindow *self, AtAudio *voice, const char *name)
{
  g_clear_pointer (&self->voice, at_audio_free);
  g_clear_pointer (&self->voice_name, g_free);
  self->voice = voice;
  self->voice_name = g_strdup (name);
  g_clear_pointer (&self->voice_digest, g_free);
  if (voice != NULL)
    self->voice_digest = at_history_voice_digest (voice->samples, voice->n, voice->rate);
  _at_window_show_voice (self);
  at_voice_panel_set_voice (self->voice_panel, voice);
}

static void
voice_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  AtAudio *audio = at_audio_load (task_data, &error);
  if (audio == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, audio, (GDestroyNotify) at_audio_free);
}

static void
voice_loaded (GObject *object, GAsyncResult *result, gpointer user_data)
{
  AtWindow *self = AT_WINDOW (object);
  g_autoptr (GError) error = NULL;
  AtAudio *audio = g_task_propagate_pointer (G_TASK (result), &error);
  if (self->disposed)
    {
      g_clear_pointer (&audio, at_audio_free);
      return;
    }
  if (audio == NULL)
    {
      /* the message names the file and what to use instead */
      _at_window_show_toast (self, error->message);
      return;
    }
  g_autofree char *name = g_path_get_basename (g_task_get_task_data (G_TASK (result)));
  _at_window_set_voice (self, audio, name);
  _at_window_on_edit (self);
}

void
at_window_load_voice (AtWindow *self, GFile *file)
{
  g_return_if_fail (AT_IS_WINDOW (self));
  g_autofree char *path = g_file_get_path (file);
  if (path == NULL)
    {
      _at_window_show_toast (self, "Voice clips can only be loaded from local folders");
      return;
    }
  g_autoptr (GTask) task = g_task_new (self, NULL, voice_loaded, NULL);
  g_task_set_source_tag (task, at_window_load_voice);
  g_task_set_task_data (task, g_steal_pointer (&path), g_free);
  at_task_run_in_thread (task, voice_thread);
}

static gboolean
voice_dropped (GtkDropTarget *target, const GValue *value, double x, double y, AtWindow *self)
{
  GSList *files = G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST) ? gdk_file_list_get_files (g_value_get_boxed (value)) : NULL;
  if (files == NULL)
    return FALSE;
  at_window_load_voice (self, files->data);
  g_slist_free (files);
  return TRUE;
}

void
_at_window_voice_init (AtWindow *self)
{
  GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (voice_dropped), self);
  gtk_widget_add_controller (self->voice_card, GTK_EVENT_CONTROLLER (drop));
  self->voice_panel = AT_VOICE_PANEL (at_voice_panel_new ());
  at_narration_panel_set_prompt_buffer (at_voice_panel_get_narration_panel (self->voice_panel),
                                        gtk_text_view_get_buffer (self->prompt_view));
  at_voice_panel_set_parameters (self->voice_panel, gtk_spin_button_get_adjustment (self->guidance_spin),
                                 gtk_spin_button_get_adjustment (self->steps_spin));
  g_signal_connect_swapped (self->voice_panel, "changed", G_CALLBACK (_at_window_on_edit), self);
  g_signal_connect_swapped (at_voice_panel_get_narration_panel (self->voice_panel), "narrated",
                            G_CALLBACK (_at_window_update_dirty), self);
  gtk_box_append (GTK_BOX (self->voice_card), GTK_WIDGET (self->voice_panel));
  self->voice_player = at_clip_player_new (self->voice_play_button, self->waveform, "Voice Clip");
  g_signal_connect_swapped (self->voice_player, "problem", G_CALLBACK (_at_window_show_toast), self);
}

void
_at_window_voice_dispose (AtWindow *self)
{
  if (self->voice_player == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->voice_player, self);
  at_clip_player_detach (self->voice_player);
  g_clear_object (&self->voice_player);
}

AtClipPlayer *
at_window_get_voice_player (AtWindow *self)
{
  return self->voice_player;
}

const char *
at_window_get_voice_label (AtWindow *self)
{
  return gtk_label_get_text (self->voice_label);
}

AtVoicePanel *
at_window_get_voice_panel (AtWindow *self)
{
  return self->voice_panel;
}

AtNarrationPanel *
at_window_get_narration_panel (AtWindow *self)
{
  return at_voice_panel_get_narration_panel (self->voice_panel);
}
