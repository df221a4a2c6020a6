/* test-history.c — the History gallery restores everything that made an
 * image: after a click, Generate makes the same image again, even when
 * the sketch, the prompt and the numbers were changed meanwhile, and after
 * the project was saved and opened; the restore is one step that Undo
 * takes back; the toast names what could not be restored (another voice
 * clip, another model, an item from an older file). Through the real
 * engine on lavapipe, at 2 steps. */
#include <adwaita.h>
#include <string.h>

#include "ui/project-private.h"
#include "ui/window-private.h"
#include "ui-test-util.h"

static AtApplication *app;

static AtImage *
generate (AtWindow *window)
{
  ui_test_generate (window);
  const AtImage *img = at_preview_get_image (at_window_get_preview (window));
  g_assert_nonnull (img);
  return at_image_copy (img);
}

static void
assert_same_image (const AtImage *a, const AtImage *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpuint (a->width, ==, b->width);
  g_assert_cmpuint (a->height, ==, b->height);
  g_assert_cmpuint (a->channels, ==, b->channels);
  g_assert_cmpmem (a->pixels, at_image_get_nbytes (a), b->pixels, at_image_get_nbytes (b));
}

static gboolean
differ (const AtImage *a, const AtImage *b)
{
  return a->width != b->width || memcmp (a->pixels, b->pixels, at_image_get_nbytes (a)) != 0;
}

/* Bug: "Parameters restored; Generate makes this image again" was untrue,
 * as the sketch was not kept with the history item. */
static void
test_restore_makes_it_again (void)
{
  AtWindow *window = ui_test_open_window (app);
  ui_test_wait_for_engine (window);
  ui_test_draw_line (window, 0.2, 0.2, 0.8, 0.8);
  ui_test_draw_line (window, 0.2, 0.8, 0.8, 0.2);
  at_window_set_prompt (window, "a red circle");
  at_window_set_params (window, 2, 11, 1);
  g_autoptr (AtRequest) first = at_window_build_request (window);
  g_autoptr (AtImage) made = generate (window);

  /* another drawing, prompt and numbers; a second image from them */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.clear-sketch", NULL);
  ui_test_draw_line (window, 0.5, 0.1, 0.5, 0.9);
  at_window_set_prompt (window, "a blue house");
  at_window_set_params (window, 3, 12, 1);
  g_autoptr (AtRequest) second = at_window_build_request (window);
  g_assert_true (differ (first->sketch, second->sketch));
  g_autoptr (AtImage) other = generate (window);
  g_assert_cmpuint (at_window_get_history_length (window), ==, 2);

  /* restore the first: the request is the first one, sketch included */
  at_window_activate_history (window, 0);
  g_assert_cmpstr (at_window_get_last_toast (window), ==, "Sketch and settings restored; Generate makes this image again");
  g_autoptr (AtRequest) restored = at_window_build_request (window);
  g_assert_cmpstr (restored->prompt, ==, first->prompt);
  g_assert_cmpint (restored->steps, ==, first->steps);
  g_assert_cmpuint (restored->seed, ==, first->seed);
  assert_same_image (restored->sketch, first->sketch);
  /* and the toast is true: Generate makes the same image */
  g_autoptr (AtImage) again = generate (window);
  assert_same_image (again, made);

  /* the restore was one step: Undo gives the drawing before it back */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_autoptr (AtRequest) undone = at_window_build_request (window);
  assert_same_image (undone->sketch, second->sketch);

  /* saved and opened again, the history still knows the sketch */
  g_autoptr (GFile) file = ui_test_temp_file ("history.atelier");
  g_autoptr (GError) error = NULL;
  g_assert_true (ui_test_save (window, file, &error));
  g_assert_no_error (error);
  AtWindow *reopened = ui_test_open_window (app);
  ui_test_wait_for_engine (reopened);
  g_assert_true (ui_test_open (reopened, file, &error));
  g_assert_no_error (error);
  at_window_activate_history (reopened, 0);
  g_assert_cmpstr (at_window_get_last_toast (reopened), ==, "Sketch and settings restored; Generate makes this image again");
  g_autoptr (AtRequest) from_file = at_window_build_request (reopened);
  assert_same_image (from_file->sketch, first->sketch);
  g_autoptr (AtImage) from_file_again = generate (reopened);
  assert_same_image (from_file_again, made);
  g_assert_true (differ (made, other));

  ui_test_close_window (reopened);
  ui_test_close_window (window);
  ui_test_remove_temp (file);
}

static AtHistoryItem *
item_with_sketch (void)
{
  g_autoptr (AtImage) img = at_image_new (8, 8, 3);
  g_autoptr (AtRequest) r = at_request_new ();
  g_free (r->prompt);
  r->prompt = g_strdup ("a fox");
  AtHistoryItem *item = at_history_item_new (img, "a fox\nSteps: 12", r, 5);
  g_autoptr (AtStrokeList) strokes = at_stroke_list_new ();
  at_history_item_set_sketch (item, strokes, NULL, NULL);
  return item;
}

/* The toast names what a restore cannot put back. */
static void
test_restore_says_what_is_missing (void)
{
  AtWindow *window = ui_test_open_window (NULL);

  g_autoptr (AtHistoryItem) heard = item_with_sketch ();
  heard->voice_name = g_strdup ("hum.wav");
  heard->voice_digest = g_strdup ("0123");
  _at_window_restore_history_item (window, heard);
  const char *toast = at_window_get_last_toast (window);
  g_assert_nonnull (strstr (toast, "load its voice clip “hum.wav” again"));

  /* the same clip loaded now: nothing missing */
  g_autofree float *samples = g_new0 (float, 1600);
  for (guint i = 0; i < 1600; i++)
    samples[i] = 0.25f * (float) ((i % 40) < 20 ? 1 : -1);
  g_free (heard->voice_digest);
  heard->voice_digest = at_history_voice_digest (samples, 1600, 16000);
  _at_window_set_voice (window, at_audio_new_from (samples, 1600, 16000), "hum.wav");
  _at_window_restore_history_item (window, heard);
  g_assert_cmpstr (at_window_get_last_toast (window), ==, "Sketch and settings restored; Generate makes this image again");

  /* made without a voice clip, but one is loaded */
  g_autoptr (AtHistoryItem) silent = item_with_sketch ();
  _at_window_restore_history_item (window, silent);
  g_assert_nonnull (strstr (at_window_get_last_toast (window), "remove the voice clip"));

  /* from an older file: settings only, and it says so */
  g_autoptr (AtImage) img = at_image_new (8, 8, 3);
  g_autoptr (AtRequest) r = at_request_new ();
  g_autoptr (AtHistoryItem) old = at_history_item_new (img, "old", r, 1);
  _at_window_restore_history_item (window, old);
  g_assert_nonnull (strstr (at_window_get_last_toast (window), "sketch was not kept"));
  ui_test_close_window (window);
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  app = ui_test_application_new ();
  g_test_add_func ("/ui/history/restore-makes-it-again", test_restore_makes_it_again);
  g_test_add_func ("/ui/history/restore-says-what-is-missing", test_restore_says_what_is_missing);
  int status = g_test_run ();
  return ui_test_application_finish (app, status);
}
