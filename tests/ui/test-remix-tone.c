/* test-remix-tone.c — the Remix panel under the History with the real
 * engine on lavapipe: without a chosen image or without words it says what
 * is missing and runs nothing; a red disc restored from the History with
 * "red" taken away and "blue" added runs one generation whose image lands
 * in the History, prompted with the remixed query's caption (a blue one),
 * drawn over the disc's outlines (media/line-art.h, compared pixel for
 * pixel) and captioned blue itself by the engine. And the voice's tone: a
 * quiet, slow clip (calm by the rule of docs/VOICE_CUES.md) changes the
 * request's prompt only with the Tone as a Style Hint setting on, and is
 * in the tags of an image made with that clip, not of one made without. */
#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "audio/narration.h"
#include "audio/voice-tone.h"
#include "media/line-art.h"
#include "search/caption.h"
#include "ui/window-private.h"
#include "ui-test-util.h"

static AtApplication *app;

static AtHistoryItem *
red_disc (const char *voice_digest, double radius)
{
  g_autoptr (AtImage) img = at_image_new (64, 64, 3);
  for (int y = 0; y < 64; y++)
    for (int x = 0; x < 64; x++)
      {
        gboolean in = hypot (x - 31.5, y - 31.5) < radius;
        guint8 *p = img->pixels + (y * 64 + x) * 3;
        p[0] = in ? 214 : 255, p[1] = in ? 40 : 255, p[2] = in ? 40 : 255;
      }
  g_autoptr (AtRequest) r = at_request_new ();
  AtHistoryItem *item = at_history_item_new (img, "red disc\nSteps: 6, Seed: 2", r, 2);
  g_autoptr (AtStrokeList) strokes = at_stroke_list_new ();
  at_history_item_set_sketch (item, strokes, NULL, NULL);
  item->voice_digest = g_strdup (voice_digest);
  return item;
}

static gboolean
remix_done (gpointer data)
{
  AtWindow *window = data;
  return !at_remix_panel_is_busy (at_window_get_remix_panel (window)) && window->runs_in_flight == 0
         && window->cancellable == NULL;
}

static void
test_remix (void)
{
  AtWindow *window = ui_test_open_window (app);
  ui_test_wait_for_engine (window);
  AtRemixPanel *panel = at_window_get_remix_panel (window);
  g_assert_true (ui_test_is_mapped (panel));

  /* nothing chosen yet, then no words: said, nothing runs */
  at_remix_panel_set_words (panel, "red", "blue");
  at_remix_panel_activate (panel);
  g_assert_nonnull (strstr (at_remix_panel_get_status (panel), "Choose an image"));
  g_autoptr (GPtrArray) made = g_ptr_array_new_with_free_func ((GDestroyNotify) at_history_item_free);
  g_ptr_array_add (made, red_disc (NULL, 20));
  _at_window_history_add (window, made, FALSE);
  at_window_activate_history (window, 0);
  at_remix_panel_set_words (panel, " ", "");
  at_remix_panel_activate (panel);
  g_assert_nonnull (strstr (at_remix_panel_get_status (panel), "Type a word"));
  g_assert_false (at_remix_panel_is_busy (panel));

  gtk_spin_button_set_value (window->steps_spin, 6);
  at_remix_panel_set_words (panel, "red", "blue");
  at_remix_panel_activate (panel);
  g_assert_true (at_remix_panel_is_busy (panel));
  g_assert_true (ui_test_wait_until (remix_done, window, 240));
  g_test_message ("%s", at_remix_panel_get_status (panel));
  g_assert_cmpuint (at_window_get_history_length (window), ==, 2);

  AtHistoryItem *source = g_ptr_array_index (window->history, 0);
  AtHistoryItem *result = g_ptr_array_index (window->history, 1);
  g_assert_true (g_str_has_prefix (result->request->prompt, "blue "));
  g_assert_nonnull (strstr (at_remix_panel_get_status (panel), result->request->prompt));
  g_assert_true (g_str_has_prefix (result->parameters, result->request->prompt));
  /* the outlines it was drawn over are its sketch, so restoring it makes it again */
  g_autoptr (AtImage) outlines = at_image_line_art (source->image);
  g_assert_nonnull (result->sketch_image);
  g_assert_cmpint (result->sketch_image->width, ==, outlines->width);
  g_assert_cmpmem (result->sketch_image->pixels, at_image_get_nbytes (result->sketch_image), outlines->pixels,
                   at_image_get_nbytes (outlines));
  g_autoptr (GError) error = NULL;
  g_autoptr (AtCaption) c = at_engine_caption_image (window->engine, result->image, 1, &error);
  g_assert_no_error (error);
  g_test_message ("the remix is captioned \"%s\"", c->text);
  g_assert_cmpstr (c->tags[0], ==, "blue");
  ui_test_close_window (window);
}

static gboolean
cues_measured (gpointer data)
{
  AtVoicePanel *panel = data;
  return !at_voice_panel_is_measuring (panel) && at_voice_panel_get_cues (panel) != NULL;
}

static gboolean
tags_shown (gpointer data)
{
  AtHistorySearch *search = data;
  return !at_history_search_is_busy (search)
         && gtk_label_get_text (GTK_LABEL (at_history_search_get_tags_label (search)))[0] != '\0';
}

/* The tags label once history item i is restored. */
static const char *
tags_of (AtWindow *window, guint i)
{
  AtHistorySearch *search = at_window_get_history_search (window);
  at_window_activate_history (window, i);
  g_assert_true (ui_test_wait_until (tags_shown, search, 120));
  return gtk_label_get_text (GTK_LABEL (at_history_search_get_tags_label (search)));
}

static void
test_tone (void)
{
  AtWindow *window = ui_test_open_window (app);
  ui_test_wait_for_engine (window);
  AtNarrationOptions o = { NULL, 110, -1 };
  g_autoptr (GError) error = NULL;
  AtAudio *speech = at_narrate ("a small grey cat sleeps on a soft blue chair", &o, NULL, NULL, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < speech->n; i++)
    speech->samples[i] *= 0.05f;
  _at_window_set_voice (window, speech, "calm.wav");
  g_assert_true (ui_test_wait_until (cues_measured, at_window_get_voice_panel (window), 120));
  g_assert_cmpint (at_voice_tone_from_cues (at_voice_panel_get_cues (at_window_get_voice_panel (window))), ==,
                   AT_VOICE_TONE_CALM);

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (window->prompt_view), "red apple", -1);
  g_assert_false (g_settings_get_boolean (window->settings, "tone-hint"));   /* off by default */
  g_autoptr (AtRequest) off = at_window_build_request (window);
  g_settings_set_boolean (window->settings, "tone-hint", TRUE);
  g_autoptr (AtRequest) on = at_window_build_request (window);
  g_settings_set_boolean (window->settings, "tone-hint", FALSE);
  g_autofree char *want = g_strconcat (off->prompt, ", soft pale", NULL);
  g_assert_cmpstr (on->prompt, ==, want);

  g_autoptr (GPtrArray) made = g_ptr_array_new_with_free_func ((GDestroyNotify) at_history_item_free);
  g_ptr_array_add (made, red_disc (window->voice_digest, 16));
  g_ptr_array_add (made, red_disc (NULL, 20));
  _at_window_history_add (window, made, FALSE);
  g_assert_true (g_str_has_suffix (tags_of (window, 0), " · calm"));
  g_assert_null (strstr (tags_of (window, 1), "calm"));
  ui_test_close_window (window);
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  app = ui_test_application_new ();
  g_test_add_func ("/ui/remix-panel/remix", test_remix);
  g_test_add_func ("/ui/tone/hint-and-tags", test_tone);
  return ui_test_application_finish (app, g_test_run ());
}
