/* clip-player.c — a clip of audio played with GtkMediaFile. */
#define G_LOG_DOMAIN "atelier-clip-player"

#include "ui/clip-player.h"
#include "context-call.h"

#include "media/scratch-dir.h"

struct _AtClipPlayer {
  GObject parent_instance;
  GtkButton *button;              /* NULL once detached */
  AtWaveform *waveform;
  char *what;
  char *tmp_dir;                  /* holds the WAV; NULL when none could be made */
  GCancellable *writing;          /* the WAV being written */
  GtkMediaStream *stream;
};

G_DEFINE_FINAL_TYPE (AtClipPlayer, at_clip_player, G_TYPE_OBJECT)

enum {
  POSITION,
  PROBLEM,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_position (AtClipPlayer *self, gint64 ms)
{
  if (self->waveform != NULL)
    at_waveform_set_position (self->waveform, ms);
  g_signal_emit (self, signals[POSITION], 0, ms);
}

static void
on_timestamp (GtkMediaStream *stream, GParamSpec *pspec, AtClipPlayer *self)
{
  show_position (self, gtk_media_stream_get_timestamp (stream) / 1000);
}

static void
on_playing (GtkMediaStream *stream, GParamSpec *pspec, AtClipPlayer *self)
{
  if (self->button == NULL)
    return;
  gboolean playing = gtk_media_stream_get_playing (stream);
  gtk_button_set_icon_name (self->button, playing ? "media-playback-pause-symbolic" : "media-playback-start-symbolic");
  g_autofree char *tip = g_strdup_printf ("%s %s", playing ? "Pause" : "Play", self->what);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), tip);
}

static void
on_stream_ready (GtkMediaStream *stream, GParamSpec *pspec, AtClipPlayer *self)
{
  const GError *error = gtk_media_stream_get_error (stream);
  if (error != NULL)
    {
      g_autofree char *msg = g_strdup_printf ("The %s cannot play here: %s", self->what, error->message);
      g_signal_emit (self, signals[PROBLEM], 0, msg);
    }
  if (self->button != NULL)
    gtk_widget_set_sensitive (GTK_WIDGET (self->button), error == NULL && gtk_media_stream_is_prepared (stream));
}

/* Stops and forgets the stream and any WAV being written. */
static void
drop_stream (AtClipPlayer *self)
{
  if (self->writing != NULL)
    g_cancellable_cancel (self->writing);
  g_clear_object (&self->writing);
  if (self->stream != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->stream, self);
      gtk_media_stream_pause (self->stream);
    }
  g_clear_object (&self->stream);
  if (self->button != NULL)
    gtk_widget_set_sensitive (GTK_WIDGET (self->button), FALSE);
}

static void
write_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  AtClipPlayer *self = source;
  GError *error = NULL;
  if (self->tmp_dir == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "no temporary folder for the clip");
      return;
    }
  /* a fresh name each time: the previous stream may still hold its file open */
  g_autofree char *name = g_strdup_printf ("clip-%u.wav", g_random_int ());
  g_autofree char *path = g_build_filename (self->tmp_dir, name, NULL);
  if (!at_audio_save (task_data, path, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&path), g_free);
}

static void
written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AtClipPlayer *self = AT_CLIP_PLAYER (source);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))) || self->button == NULL)
    return;
  g_clear_object (&self->writing);
  if (path == NULL)
    {
      g_autofree char *msg = g_strdup_printf ("Could not prepare the %s to play: %s", self->what, error->message);
      g_signal_emit (self, signals[PROBLEM], 0, msg);
      return;
    }
  self->stream = gtk_media_file_new_for_filename (path);
  g_signal_connect (self->stream, "notify::timestamp", G_CALLBACK (on_timestamp), self);
  g_signal_connect (self->stream, "notify::playing", G_CALLBACK (on_playing), self);
  g_signal_connect (self->stream, "notify::prepared", G_CALLBACK (on_stream_ready), self);
  g_signal_connect (self->stream, "notify::error", G_CALLBACK (on_stream_ready), self);
  on_stream_ready (self->stream, NULL, self);
}

void
at_clip_player_set_audio (AtClipPlayer *self, const AtAudio *audio)
{
  g_return_if_fail (AT_IS_CLIP_PLAYER (self));
  drop_stream (self);
  show_position (self, audio != NULL ? 0 : -1);
  if (audio == NULL || self->button == NULL)
    return;
  self->writing = g_cancellable_new ();
  /* the task holds the player, so it outlives the write */
  GTask *task = g_task_new (self, self->writing, written, NULL);
  g_task_set_source_tag (task, at_clip_player_set_audio);
  g_task_set_task_data (task, at_audio_new_from (audio->samples, audio->n, audio->rate), (GDestroyNotify) at_audio_free);
  at_task_run_in_thread (task, write_thread);
  g_object_unref (task);
}

gboolean
at_clip_player_toggle (AtClipPlayer *self)
{
  g_return_val_if_fail (AT_IS_CLIP_PLAYER (self), FALSE);
  if (self->stream == NULL || !gtk_media_stream_is_prepared (self->stream))
    return FALSE;
  if (gtk_media_stream_get_playing (self->stream))
    gtk_media_stream_pause (self->stream);
  else
    {
      if (gtk_media_stream_get_ended (self->stream))
        gtk_media_stream_seek (self->stream, 0);
      gtk_media_stream_play (self->stream);
    }
  return TRUE;
}

void
at_clip_player_seek (AtClipPlayer *self, gint64 ms)
{
  g_return_if_fail (AT_IS_CLIP_PLAYER (self));
  if (self->stream == NULL || !gtk_media_stream_is_prepared (self->stream) || !gtk_media_stream_is_seekable (self->stream))
    return;
  gtk_media_stream_seek (self->stream, ms * 1000);
  /* the stream reports the new time once it got there; show it now */
  show_position (self, ms);
}

GtkMediaStream *
at_clip_player_get_stream (AtClipPlayer *self)
{
  g_return_val_if_fail (AT_IS_CLIP_PLAYER (self), NULL);
  return self->stream;
}

static void
on_clicked (GtkButton *button, AtClipPlayer *self)
{
  at_clip_player_toggle (self);
}

static void
on_seek (AtWaveform *waveform, gint64 ms, AtClipPlayer *self)
{
  at_clip_player_seek (self, ms);
}

void
at_clip_player_detach (AtClipPlayer *self)
{
  g_return_if_fail (AT_IS_CLIP_PLAYER (self));
  drop_stream (self);
  if (self->button != NULL)
    g_signal_handlers_disconnect_by_data (self->button, self);
  if (self->waveform != NULL)
    g_signal_handlers_disconnect_by_data (self->waveform, self);
  self->button = NULL;
  self->waveform = NULL;
}

AtClipPlayer *
at_clip_player_new (GtkButton *button, AtWaveform *waveform, const char *what)
{
  g_return_val_if_fail (GTK_IS_BUTTON (button), NULL);
  g_return_val_if_fail (AT_IS_WAVEFORM (waveform), NULL);
  AtClipPlayer *self = g_object_new (AT_TYPE_CLIP_PLAYER, NULL);
  self->button = button;
  self->waveform = waveform;
  self->what = g_strdup (what);
  /* in the cache, where the next start removes it if this process is killed */
  self->tmp_dir = at_scratch_dir_new ("clip", NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  g_autofree char *tip = g_strdup_printf ("Play %s", what);
  gtk_widget_set_tooltip_text (GTK_WIDGET (button), tip);
  g_signal_connect (button, "clicked", G_CALLBACK (on_clicked), self);
  at_waveform_set_seekable (waveform, TRUE);
  g_signal_connect (waveform, "seek", G_CALLBACK (on_seek), self);
  return self;
}

static void
at_clip_player_finalize (GObject *object)
{
  AtClipPlayer *self = AT_CLIP_PLAYER (object);
  at_clip_player_detach (self);
  if (self->tmp_dir != NULL)
    at_scratch_dir_remove (self->tmp_dir);
  g_free (self->tmp_dir);
  g_free (self->what);
  G_OBJECT_CLASS (at_clip_player_parent_class)->finalize (object);
}

static void
at_clip_player_class_init (AtClipPlayerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = at_clip_player_finalize;
  signals[POSITION] = g_signal_new ("position", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[PROBLEM] = g_signal_new ("problem", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
at_clip_player_init (AtClipPlayer *self)
{
}
