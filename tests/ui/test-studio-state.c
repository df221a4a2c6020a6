/* test-studio-state.c — what the studio shows belongs together and agrees
 * with the command line:
 *   a new project's steps and guidance are the model's defaults, as the
 *   command line's are (the model config is the one source);
 *   Cancel ends a run at once, while it prepares too, says so and shows
 *   the seed of the image on show again;
 *   a History item on show hides the variants strip of another run;
 *   Undo back to the saved drawing leaves the title unmarked;
 *   the prompt field marks and names the words the model leaves out. */
#include <stdio.h>
#include <adwaita.h>
#include <string.h>

#include "engine.h"
#include "model/config.h"
#include "ui/window-private.h"
#include "ui-test-util.h"

static AtApplication *app;

/* The model's config, read from its file as the command line's engine
 * reads it: what the studio must agree with. */
static void
model_defaults (AtWindow *window, int *steps, float *guidance)
{
  g_autofree char *path = g_build_filename (at_engine_get_model_dir (window->engine), "atelier-model.json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtModelConfig) config = at_model_config_load (path, &error);
  g_assert_no_error (error);
  *steps = config->default_steps;
  *guidance = (float) config->default_guidance;
}

/* Bug: the studio's guidance was 3.0 (its .ui) where the command line
 * took 2.5 from the model, so the same seed and prompt drew differently. */
static void
test_defaults_are_the_models (void)
{
  AtWindow *window = ui_test_open_window (app);
  ui_test_wait_for_engine (window);
  int steps;
  float guidance;
  model_defaults (window, &steps, &guidance);
  g_autoptr (AtRequest) r = at_window_build_request (window);
  g_assert_cmpfloat_with_epsilon (r->guidance, guidance, 1e-6);
  g_assert_cmpint (r->steps, ==, steps);
  g_assert_false (at_window_get_dirty (window));

  /* a new project after the designer changed them: the defaults again */
  gtk_spin_button_set_value (window->guidance_spin, 7.5);
  gtk_spin_button_set_value (window->steps_spin, 30);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.new", NULL);
  AdwMessageDialog *asked = ui_test_find_dialog (GTK_WINDOW (window));
  if (asked != NULL)
    adw_message_dialog_response (asked, "discard");
  ui_test_flush ();
  g_autoptr (AtRequest) fresh = at_window_build_request (window);
  g_assert_cmpfloat_with_epsilon (fresh->guidance, guidance, 1e-6);
  g_assert_cmpint (fresh->steps, ==, steps);
  ui_test_close_window (window);
}

static gboolean
idle (gpointer window)
{
  return !at_window_is_generating (window);
}

static gboolean
stepping (gpointer window)
{
  return gtk_progress_bar_get_fraction (((AtWindow *) window)->progress_bar) > 0 || idle (window);
}

static void
generate (AtWindow *window)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL));
  g_assert_true (ui_test_wait_until (idle, window, 120));
}

static void
unlock_seed (AtWindow *window)
{
  gtk_toggle_button_set_active (window->seed_lock, FALSE);
}

/* Bugs: Cancel did nothing while a run said "Preparing…" (it went on to
 * the end), gave no feedback, and left the cancelled run's seed in the
 * Seed box beside the older image. */
static void
test_cancel_at_once (void)
{
  AtWindow *window = ui_test_open_window (app);
  ui_test_wait_for_engine (window);
  at_window_set_prompt (window, "a red circle");
  at_window_set_params (window, 2, 21, 1);
  unlock_seed (window);
  generate (window);
  const AtImage *shown = at_preview_get_image (window->preview);
  g_assert_nonnull (shown);
  g_autoptr (AtImage) before = at_image_copy (shown);
  double seed = gtk_spin_button_get_value (window->seed_spin);

  /* a long run, cancelled while it prepares */
  gtk_spin_button_set_value (window->steps_spin, 100);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL));
  g_assert_cmpstr (gtk_progress_bar_get_text (window->progress_bar), ==, "Preparing…");
  g_assert_cmpfloat (gtk_spin_button_get_value (window->seed_spin), !=, seed);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel", NULL));
  ui_test_flush ();
  /* at once, not when the worker gets round to it */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->generate_stack), ==, "generate");
  g_assert_false (gtk_revealer_get_reveal_child (window->progress_revealer));
  g_assert_cmpstr (at_window_get_last_toast (window), ==, "Cancelled");
  g_assert_cmpfloat (gtk_spin_button_get_value (window->seed_spin), ==, seed);
  g_assert_true (at_preview_get_image (window->preview) != NULL);
  g_assert_cmpmem (at_preview_get_image (window->preview)->pixels, at_image_get_nbytes (before), before->pixels,
                   at_image_get_nbytes (before));
  /* the worker stops too, and nothing joins the history */
  g_assert_true (ui_test_wait_until (idle, window, 120));
  g_assert_cmpuint (at_window_get_history_length (window), ==, 1);

  /* cancelled mid-way through the steps: the same */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.generate", NULL));
  g_assert_true (ui_test_wait_until (stepping, window, 120));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel", NULL));
  ui_test_flush ();
  g_assert_cmpfloat (gtk_spin_button_get_value (window->seed_spin), ==, seed);
  g_assert_true (ui_test_wait_until (idle, window, 120));
  g_assert_cmpuint (at_window_get_history_length (window), ==, 1);
  ui_test_close_window (window);
}

/* Bug: after clicking a History item the variants strip still showed the
 * last run's variants beside an image that was none of them. */
static void
test_history_hides_other_variants (void)
{
  AtWindow *window = ui_test_open_window (app);
  ui_test_wait_for_engine (window);
  at_window_set_prompt (window, "a red circle");
  at_window_set_params (window, 2, 5, 1);
  generate (window);
  at_window_set_params (window, 2, 40, 2);
  generate (window);
  g_assert_true (gtk_widget_get_visible (window->variants_scroller));
  g_assert_cmpuint (at_window_get_history_length (window), ==, 3);
  at_window_activate_history (window, 0);
  g_assert_false (gtk_widget_get_visible (window->variants_scroller));
  g_assert_nonnull (strstr (at_window_get_current_parameters (window), "Seed: 5"));
  ui_test_close_window (window);
}

static void
stroke (AtWindow *window, double y)
{
  AtSketchCanvas *canvas = at_window_get_canvas (window);
  graphene_rect_t page;
  at_sketch_canvas_get_page (canvas, &page);
  at_sketch_canvas_begin_stroke (canvas, page.origin.x + page.size.width * 0.2, page.origin.y + page.size.height * y, 1);
  at_sketch_canvas_extend_stroke (canvas, page.origin.x + page.size.width * 0.8, page.origin.y + page.size.height * y, 1);
  at_sketch_canvas_end_stroke (canvas);
}

static gboolean
title_marked (AtWindow *window)
{
  const char *title = adw_window_title_get_title (window->window_title);
  return g_str_has_prefix (title, "• ");
}

/* Bug: Undo back to the saved state left the title marked modified. */
static void
test_undo_to_saved (void)
{
  AtWindow *window = ui_test_open_window (NULL);
  stroke (window, 0.3);
  g_autoptr (GFile) file = ui_test_temp_file ("saved.atelier");
  g_autoptr (GError) error = NULL;
  g_assert_true (ui_test_save (window, file, &error));
  g_assert_no_error (error);
  g_assert_false (title_marked (window));

  stroke (window, 0.6);
  g_assert_true (at_window_get_dirty (window));
  g_assert_true (title_marked (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_false (at_window_get_dirty (window));
  g_assert_false (title_marked (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.redo", NULL));
  g_assert_true (title_marked (window));

  /* past the saved state and back again */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_true (title_marked (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.redo", NULL));
  g_assert_false (title_marked (window));

  /* a word typed and taken back, a number set and set back */
  at_window_set_prompt (window, "a fox");
  g_assert_true (title_marked (window));
  at_window_set_prompt (window, "");
  g_assert_false (title_marked (window));
  double steps = gtk_spin_button_get_value (window->steps_spin);
  gtk_spin_button_set_value (window->steps_spin, steps + 1);
  g_assert_true (title_marked (window));
  gtk_spin_button_set_value (window->steps_spin, steps);
  g_assert_false (title_marked (window));

  /* opened again: unmarked, and an edit marks it */
  AtWindow *reopened = ui_test_open_window (NULL);
  g_assert_true (ui_test_open (reopened, file, &error));
  g_assert_no_error (error);
  g_assert_false (title_marked (reopened));
  stroke (reopened, 0.8);
  g_assert_true (title_marked (reopened));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (reopened), "win.undo", NULL));
  g_assert_false (title_marked (reopened));
  ui_test_close_window (reopened);
  ui_test_close_window (window);
  ui_test_remove_temp (file);
}

static gboolean
word_tagged (AtWindow *window, const char *word, const char *tag_name)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (window->prompt_view);
  GtkTextIter start, end, at;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  g_assert_true (gtk_text_iter_forward_search (&start, word, 0, &at, NULL, NULL));
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), tag_name);
  g_assert_nonnull (tag);
  return gtk_text_iter_has_tag (&at, tag);
}

/* Bug: unknown words were dropped without a word ("watercolour" among
 * them), and a prompt past the model's limit was cut in silence. */
static void
test_unknown_words_shown (void)
{
  AtWindow *window = ui_test_open_window (app);
  ui_test_wait_for_engine (window);
  AtTokenizer *tok = at_engine_get_tokenizer (window->engine);
  at_window_set_prompt (window, "qqqzzz watercolour apple");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window->prompt_note)));
  g_assert_cmpstr (gtk_label_get_text (window->prompt_note), ==, "Not known to the built-in model, so left out: qqqzzz.");
  g_assert_true (word_tagged (window, "qqqzzz", "unknown-word"));
  g_assert_false (word_tagged (window, "watercolour", "unknown-word"));
  g_assert_false (word_tagged (window, "apple", "unknown-word"));

  g_autoptr (GString) long_prompt = g_string_new (NULL);
  for (guint i = 0; i < at_tokenizer_get_max_tokens (tok); i++)
    g_string_append (long_prompt, "red ");
  g_string_append (long_prompt, "lighthouse");
  at_window_set_prompt (window, long_prompt->str);
  g_assert_true (word_tagged (window, "lighthouse", "cut-word"));
  g_assert_nonnull (strstr (gtk_label_get_text (window->prompt_note), "left out: lighthouse."));

  at_window_set_prompt (window, "a red apple");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window->prompt_note)));
  ui_test_close_window (window);
}

int
main (int argc, char **argv)
{
  ui_test_init (&argc, &argv);
  app = ui_test_application_new ();
  g_test_add_func ("/ui/studio-state/defaults-are-the-models", test_defaults_are_the_models);
  g_test_add_func ("/ui/studio-state/cancel-at-once", test_cancel_at_once);
  g_test_add_func ("/ui/studio-state/history-hides-other-variants", test_history_hides_other_variants);
  g_test_add_func ("/ui/studio-state/undo-to-saved", test_undo_to_saved);
  g_test_add_func ("/ui/studio-state/unknown-words-shown", test_unknown_words_shown);
  int status = g_test_run ();
  return ui_test_application_finish (app, status);
}
