/* test-project.c — a project survives save and open unchanged (strokes,
 * images, prompts, parameters, voice, voice panel settings, history),
 * saving is atomic (a failed save leaves the old file as it was), a file
 * from before the voice panel settings opens with their defaults, and
 * damaged files give an error that says so. The async save and open write
 * and read what the synchronous ones do, keep the main loop running with a
 * large project in flight, and can be cancelled. */
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "audio/narration.h"
#include "ui/project-private.h"
#include "ui-test-util.h"

static AtImage *
pattern_image (guint side, guint channels, guint8 salt)
{
  AtImage *img = at_image_new (side, side, channels);
  for (gsize i = 0; i < at_image_get_nbytes (img); i++)
    img->pixels[i] = (guint8) (i * 7 + salt);
  return img;
}

static AtProject *
sample_project (void)
{
  AtProject *p = at_project_new ();
  for (int s = 0; s < 3; s++)
    {
      float color[4] = { 0.1f * s, 0.2f, 0.3f, 1 };
      g_autoptr (AtStroke) stroke = at_stroke_new (0.01f * (s + 1), color, s == 2);
      for (int i = 0; i < 20; i++)
        at_stroke_add_point (stroke, i / 20.0f, 0.5f + 0.01f * s, 0.5f + i / 40.0f, i * 16.0f);
      at_stroke_list_append (p->strokes, stroke);
    }
  p->sketch_image = pattern_image (16, 3, 1);
  p->underlay = pattern_image (8, 3, 2);
  g_free (p->params->prompt);
  p->params->prompt = g_strdup ("a red fox in the snow, “quoted” ünïcode");
  p->params->negative = g_strdup ("blurry");
  p->params->steps = 17;
  p->params->guidance = 4.5f;
  p->params->seed = 12345678901ull;
  p->params->sampler = AT_SAMPLER_DPMPP_2M;
  p->params->sketch_strength = 0.6f;
  p->params->strength = 0.4f;
  p->params->count = 3;
  p->seed_locked = TRUE;
  p->model.name = g_strdup ("v1-5 “mine”");
  p->model.size = 448;
  p->model.controlnet = g_strdup ("scribble");
  p->model.control_strength = 0.65;
  p->voice = at_audio_new (1600, 16000);
  for (gsize i = 0; i < 1600; i++)
    p->voice->samples[i] = (float) ((int) (i % 200) - 100) / 100.0f;
  p->voice_name = g_strdup ("hello.wav");
  AtVoiceSettings *v = &p->voice_settings;
  g_free (v->transcript_join);
  v->transcript_join = g_strdup ("append");
  v->transcript = g_strdup ("a fox, edited “by hand”");
  g_free (v->narration_source);
  v->narration_source = g_strdup ("transcript");
  v->narration_text = g_strdup ("Once upon a time\nthere was a fox.");
  v->narration_voice = g_strdup ("gmw/en-GB-x-rp");
  v->narration_rate = 220;
  v->narration_pitch = 30;
  v->voice_cues = TRUE;
  for (int h = 0; h < 2; h++)
    {
      g_autoptr (AtImage) img = pattern_image (64, 3, 10 + h);
      g_autofree char *params = g_strdup_printf ("fox\nSteps: 17, Seed: %d", 100 + h);
      AtHistoryItem *item = at_history_item_new (img, params, p->params, 100 + h);
      item->favourite = h == 1;
      item->live = h == 0;
      g_ptr_array_add (p->history, item);
    }
  /* a narration as espeak-ng makes it: 22.05 kHz, with two subtitle lines */
  p->narration = at_audio_new (4410, 22050);
  for (gsize i = 0; i < p->narration->n; i++)
    p->narration->samples[i] = 0.8f * sinf ((float) i * 0.05f) + 0.0001f * (float) (i % 7);
  p->narration_cues = at_cue_array_new ();
  g_ptr_array_add (p->narration_cues, at_cue_new (0, 120, "Once upon a time,"));
  g_ptr_array_add (p->narration_cues, at_cue_new (120, 200, "“there” was a fox."));
  /* the Video window's keyframes: two at one time are kept as they are */
  p->video = at_clip_new (12, 128);
  p->video->duration = 4.5;
  AtKeyframe *k = at_keyframe_new (0, "red apple", G_MAXUINT64 - 5);
  k->sketch = pattern_image (32, 1, 3);
  at_clip_add (p->video, k);
  at_clip_add (p->video, at_keyframe_new (2.5, "green apple", 7));
  k = at_keyframe_new (2.5, NULL, 8);
  k->init = pattern_image (16, 3, 4);
  at_clip_add (p->video, k);
  return p;
}

static void
assert_images_equal (const AtImage *a, const AtImage *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_autoptr (AtImage) a3 = at_image_convert (a, 3);
  g_autoptr (AtImage) b3 = at_image_convert (b, 3);
  g_assert_cmpuint (a3->width, ==, b3->width);
  g_assert_cmpuint (a3->height, ==, b3->height);
  g_assert_cmpmem (a3->pixels, at_image_get_nbytes (a3), b3->pixels, at_image_get_nbytes (b3));
}

static void
assert_clips_equal (const AtClip *a, const AtClip *b)
{
  if (a == NULL)
    {
      g_assert_null (b);
      return;
    }
  g_assert_nonnull (b);
  g_assert_cmpint (a->fps, ==, b->fps);
  g_assert_cmpint (a->size, ==, b->size);
  g_assert_cmpfloat (a->duration, ==, b->duration);
  g_assert_cmpuint (a->keyframes->len, ==, b->keyframes->len);
  for (guint i = 0; i < a->keyframes->len; i++)
    {
      const AtKeyframe *x = a->keyframes->pdata[i], *y = b->keyframes->pdata[i];
      g_assert_cmpfloat (x->time, ==, y->time);
      g_assert_cmpstr (x->prompt, ==, y->prompt);
      g_assert_cmpuint (x->seed, ==, y->seed);
      g_assert_cmpint (x->sketch != NULL, ==, y->sketch != NULL);
      g_assert_cmpint (x->init != NULL, ==, y->init != NULL);
      if (x->sketch != NULL)
        assert_images_equal (x->sketch, y->sketch);
      if (x->init != NULL)
        assert_images_equal (x->init, y->init);
    }
}

/* b's narration is a's as a project keeps it: each sample one of the
 * 16-bit levels and the nearest to a's, the subtitle lines as they were. */
static void
assert_narrations_equal (const AtProject *a, const AtProject *b)
{
  if (a->narration == NULL)
    {
      g_assert_null (b->narration);
      g_assert_null (b->narration_cues);
      return;
    }
  g_assert_nonnull (b->narration);
  g_assert_cmpint (b->narration->rate, ==, a->narration->rate);
  g_assert_cmpuint (b->narration->n, ==, a->narration->n);
  for (gsize i = 0; i < a->narration->n; i++)
    {
      double level = (double) b->narration->samples[i] * 32767.0;
      g_assert_cmpfloat_with_epsilon (level, round (level), 1e-3);
      g_assert_cmpfloat (fabs ((double) b->narration->samples[i] - a->narration->samples[i]), <=, 0.5 / 32767 + 1e-7);
    }
  g_assert_cmpuint (b->narration_cues->len, ==, a->narration_cues->len);
  for (guint i = 0; i < a->narration_cues->len; i++)
    {
      const AtCue *x = g_ptr_array_index (a->narration_cues, i), *y = g_ptr_array_index (b->narration_cues, i);
      g_assert_cmpint (x->start_ms, ==, y->start_ms);
      g_assert_cmpint (x->end_ms, ==, y->end_ms);
      g_assert_cmpstr (x->text, ==, y->text);
    }
}

static void
assert_projects_equal (const AtProject *a, const AtProject *b)
{
  g_assert_cmpuint (at_stroke_list_get_n_strokes (a->strokes), ==, at_stroke_list_get_n_strokes (b->strokes));
  for (guint s = 0; s < at_stroke_list_get_n_strokes (a->strokes); s++)
    {
      AtStroke *x = at_stroke_list_get_stroke (a->strokes, s), *y = at_stroke_list_get_stroke (b->strokes, s);
      g_assert_cmpfloat_with_epsilon (x->width, y->width, 1e-6);
      g_assert_cmpint (x->eraser, ==, y->eraser);
      for (int c = 0; c < 4; c++)
        g_assert_cmpfloat_with_epsilon (x->color[c], y->color[c], 1e-6);
      g_assert_cmpuint (at_stroke_get_n_points (x), ==, at_stroke_get_n_points (y));
      for (guint i = 0; i < at_stroke_get_n_points (x); i++)
        {
          const AtStrokePoint *p = at_stroke_get_point (x, i), *q = at_stroke_get_point (y, i);
          g_assert_cmpfloat_with_epsilon (p->x, q->x, 1e-6);
          g_assert_cmpfloat_with_epsilon (p->y, q->y, 1e-6);
          g_assert_cmpfloat_with_epsilon (p->pressure, q->pressure, 1e-6);
          g_assert_cmpfloat_with_epsilon (p->time, q->time, 1e-3);
        }
    }
  assert_images_equal (a->sketch_image, b->sketch_image);
  assert_images_equal (a->underlay, b->underlay);
  g_assert_cmpstr (a->params->prompt, ==, b->params->prompt);
  g_assert_cmpstr (a->params->negative, ==, b->params->negative);
  g_assert_cmpint (a->params->steps, ==, b->params->steps);
  g_assert_cmpfloat_with_epsilon (a->params->guidance, b->params->guidance, 1e-6);
  g_assert_cmpuint (a->params->seed, ==, b->params->seed);
  g_assert_cmpint (a->params->sampler, ==, b->params->sampler);
  g_assert_cmpfloat_with_epsilon (a->params->sketch_strength, b->params->sketch_strength, 1e-6);
  g_assert_cmpfloat_with_epsilon (a->params->strength, b->params->strength, 1e-6);
  g_assert_cmpint (a->params->count, ==, b->params->count);
  g_assert_cmpint (a->seed_locked, ==, b->seed_locked);
  g_assert_cmpstr (a->model.name, ==, b->model.name);
  g_assert_cmpuint (a->model.size, ==, b->model.size);
  g_assert_cmpstr (a->model.controlnet, ==, b->model.controlnet);
  g_assert_cmpfloat_with_epsilon (a->model.control_strength, b->model.control_strength, 1e-9);
  g_assert_cmpuint (a->voice->n, ==, b->voice->n);
  g_assert_cmpint (a->voice->rate, ==, b->voice->rate);
  for (gsize i = 0; i < a->voice->n; i++)
    g_assert_cmpfloat_with_epsilon (a->voice->samples[i], b->voice->samples[i], 1.0 / 16384);
  g_assert_cmpstr (a->voice_name, ==, b->voice_name);
  const AtVoiceSettings *va = &a->voice_settings, *vb = &b->voice_settings;
  g_assert_cmpstr (va->transcript_join, ==, vb->transcript_join);
  g_assert_cmpstr (va->transcript, ==, vb->transcript);
  g_assert_cmpstr (va->narration_source, ==, vb->narration_source);
  g_assert_cmpstr (va->narration_text, ==, vb->narration_text);
  g_assert_cmpstr (va->narration_voice, ==, vb->narration_voice);
  g_assert_cmpint (va->narration_rate, ==, vb->narration_rate);
  g_assert_cmpint (va->narration_pitch, ==, vb->narration_pitch);
  g_assert_cmpint (va->voice_cues, ==, vb->voice_cues);
  g_assert_cmpuint (a->history->len, ==, b->history->len);
  for (guint h = 0; h < a->history->len; h++)
    {
      AtHistoryItem *x = g_ptr_array_index (a->history, h), *y = g_ptr_array_index (b->history, h);
      assert_images_equal (x->image, y->image);
      g_assert_cmpstr (x->parameters, ==, y->parameters);
      g_assert_cmpuint (x->seed, ==, y->seed);
      g_assert_cmpint (x->created, ==, y->created);
      g_assert_cmpstr (x->request->prompt, ==, y->request->prompt);
      g_assert_cmpint (x->request->steps, ==, y->request->steps);
      g_assert_cmpint (x->favourite, ==, y->favourite);
      g_assert_cmpint (x->live, ==, y->live);
    }
  assert_narrations_equal (a, b);
  assert_clips_equal (a->video, b->video);
}

static void
test_round_trip (void)
{
  g_autofree char *dir = g_dir_make_tmp ("atelier-project-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "fox.atelier", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (AtProject) p = sample_project ();
  g_autoptr (GError) error = NULL;
  g_assert_true (at_project_save (p, file, &error));
  g_assert_no_error (error);
  g_autoptr (AtProject) q = at_project_load (file, &error);
  g_assert_no_error (error);
  assert_projects_equal (p, q);
  /* an opened project starts with a fresh undo history */
  g_assert_false (at_stroke_list_can_undo (q->strokes));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_atomic_save (void)
{
  g_autofree char *dir = g_dir_make_tmp ("atelier-project-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "fox.atelier", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (AtProject) p = sample_project ();
  g_assert_true (at_project_save (p, file, NULL));
  g_autofree char *before = NULL;
  g_assert_true (g_file_get_contents (path, &before, NULL, NULL));

  g_free (p->params->prompt);
  p->params->prompt = g_strdup ("something else entirely");
  at_project_set_fail_before_rename_for_testing (TRUE);
  g_autoptr (GError) error = NULL;
  g_assert_false (at_project_save (p, file, &error));
  at_project_set_fail_before_rename_for_testing (FALSE);
  g_assert_nonnull (error);

  g_autofree char *after = NULL;
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (before, ==, after);
  /* and no temporary file is left behind */
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;
  while (g_dir_read_name (d) != NULL)
    n++;
  g_assert_cmpuint (n, ==, 1);

  /* a save into a folder that does not exist fails cleanly */
  g_autofree char *missing = g_build_filename (dir, "no-such-folder", "x.atelier", NULL);
  g_autoptr (GFile) missing_file = g_file_new_for_path (missing);
  g_clear_error (&error);
  g_assert_false (at_project_save (p, missing_file, &error));
  g_assert_nonnull (error);
  g_unlink (path);
  g_rmdir (dir);
}

/* Written by Atelier before the voice panel settings existed. */
static const char old_project[] =
  "{\"format\": \"atelier-project\", \"version\": 1,"
  " \"sketch\": {\"strokes\": [], \"image\": null, \"underlay\": null},"
  " \"parameters\": {\"prompt\": \"a fox\", \"negative\": \"\", \"steps\": 9, \"guidance\": 2.5,"
  " \"seed\": \"7\", \"sampler\": \"heun\", \"sketch_strength\": 0.5, \"strength\": 0.6, \"count\": 1,"
  " \"size\": 64},"
  " \"seed_locked\": false,"
  " \"voice\": {\"name\": \"hi.wav\", \"rate\": 16000, \"pcm16\": \"AAD/fwCA\"},"
  " \"history\": []}";

static void
test_old_format (void)
{
  g_autofree char *dir = g_dir_make_tmp ("atelier-project-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "old.atelier", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_assert_true (g_file_set_contents (path, old_project, -1, NULL));
  g_autoptr (GError) error = NULL;
  g_autoptr (AtProject) p = at_project_load (file, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (p->params->prompt, ==, "a fox");
  g_assert_cmpint (p->params->steps, ==, 9);
  g_assert_cmpuint (p->voice->n, ==, 3);
  g_assert_null (p->narration);
  g_assert_null (p->video);
  /* the defaults: transcript recognised again, narration as a new panel,
   * and voice cues off, as the project was made without them */
  const AtVoiceSettings *v = &p->voice_settings;
  g_assert_cmpstr (v->transcript_join, ==, "if-empty");
  g_assert_null (v->transcript);
  g_assert_cmpstr (v->narration_source, ==, "text");
  g_assert_null (v->narration_text);
  g_assert_null (v->narration_voice);
  g_assert_cmpint (v->narration_rate, ==, 175);
  g_assert_cmpint (v->narration_pitch, ==, 50);
  g_assert_false (v->voice_cues);
  g_assert_null (p->model.name);   /* the built-in model */

  /* out-of-range numbers are clamped to what the panel offers */
  const char *odd = "{\"format\": \"atelier-project\", \"version\": 1, \"voice_panel\":"
                    " {\"narration_rate\": 9000, \"narration_pitch\": -4, \"voice_cues\": true}}";
  g_assert_true (g_file_set_contents (path, odd, -1, NULL));
  g_autoptr (AtProject) q = at_project_load (file, &error);
  g_assert_no_error (error);
  g_assert_cmpint (q->voice_settings.narration_rate, ==, 450);
  g_assert_cmpint (q->voice_settings.narration_pitch, ==, 0);
  g_assert_true (q->voice_settings.voice_cues);
  g_assert_cmpstr (q->voice_settings.transcript_join, ==, "if-empty");

  /* a model choice with numbers no picker offers: the model's own size, strength 1 */
  const char *odd_model = "{\"format\": \"atelier-project\", \"version\": 2, \"sd_model\":"
                          " {\"name\": \"sd_turbo\", \"size\": 100, \"controlnet\": 7, \"control_strength\": 9}}";
  g_assert_true (g_file_set_contents (path, odd_model, -1, NULL));
  g_autoptr (AtProject) r = at_project_load (file, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (r->model.name, ==, "sd_turbo");
  g_assert_cmpuint (r->model.size, ==, 0);
  g_assert_null (r->model.controlnet);
  g_assert_cmpfloat (r->model.control_strength, ==, 1.0);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_damaged (void)
{
  g_autofree char *dir = g_dir_make_tmp ("atelier-project-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bad.atelier", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  const char *cases[] = {
    "not json at all",
    "[1, 2, 3]",
    "{\"format\": \"something-else\"}",
    "{\"format\": \"atelier-project\", \"version\": 1, \"sketch\": {\"strokes\": [{\"points\": [1, 2, 3]}]}}",
    "{\"format\": \"atelier-project\", \"version\": 1, \"sketch\": {\"image\": \"AAAA\"}}",
    "{\"format\": \"atelier-project\", \"version\": 2, \"video\": {\"fps\": 1000, \"size\": 64, \"keyframes\": []}}",
    "{\"format\": \"atelier-project\", \"version\": 2, \"video\": {\"fps\": 12, \"size\": 64}}",
    "{\"format\": \"atelier-project\", \"version\": 2, \"video\": {\"fps\": 12, \"size\": 64,"
    " \"keyframes\": [{\"time\": -1, \"prompt\": \"x\", \"seed\": \"1\"}]}}",
    "{\"format\": \"atelier-project\", \"version\": 2, \"video\": {\"fps\": 12, \"size\": 64,"
    " \"keyframes\": [{\"time\": 1, \"prompt\": \"x\", \"seed\": \"-3\"}]}}",
    "{\"format\": \"atelier-project\", \"version\": 2, \"video\": {\"fps\": 12, \"size\": 64,"
    " \"keyframes\": [{\"time\": 1, \"sketch\": \"AAAA\"}]}}",
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_true (g_file_set_contents (path, cases[i], -1, NULL));
      g_autoptr (GError) error = NULL;
      g_autoptr (AtProject) p = at_project_load (file, &error);
      g_assert_null (p);
      g_assert_error (error, AT_PROJECT_ERROR, AT_PROJECT_ERROR_INVALID);
    }
  g_assert_true (g_file_set_contents (path, "{\"format\": \"atelier-project\", \"version\": 99}", -1, NULL));
  g_autoptr (GError) error = NULL;
  g_autoptr (AtProject) p = at_project_load (file, &error);
  g_assert_error (error, AT_PROJECT_ERROR, AT_PROJECT_ERROR_VERSION);
  g_unlink (path);
  g_rmdir (dir);
}

static gboolean
save_and_wait (AtProject *project, GFile *file, GCancellable *cancellable, GError **error)
{
  GAsyncResult *slot = NULL;
  at_project_save_async (project, file, cancellable, ui_test_keep_result, &slot);
  g_autoptr (GAsyncResult) result = ui_test_take_result (&slot, 60);
  return at_project_save_finish (result, error);
}

static AtProject *
load_and_wait (GFile *file, GCancellable *cancellable, GError **error)
{
  GAsyncResult *slot = NULL;
  at_project_load_async (file, cancellable, ui_test_keep_result, &slot);
  g_autoptr (GAsyncResult) result = ui_test_take_result (&slot, 60);
  return at_project_load_finish (result, error);
}

static char *
contents (GFile *file)
{
  char *data = NULL;
  g_assert_true (g_file_load_contents (file, NULL, &data, NULL, NULL, NULL));
  return data;
}

static void
test_async_round_trip (void)
{
  g_autoptr (GFile) sync_file = ui_test_temp_file ("sync.atelier");
  g_autoptr (GFile) folder = g_file_get_parent (sync_file);
  g_autoptr (GFile) async_file = g_file_get_child (folder, "async.atelier");
  g_autoptr (AtProject) p = sample_project ();
  g_autoptr (GError) error = NULL;
  g_assert_true (at_project_save (p, sync_file, &error));
  /* the async save takes its project: it gets one equal to p */
  AtProject *given = at_project_load (sync_file, &error);
  g_assert_no_error (error);
  g_assert_true (save_and_wait (given, async_file, NULL, &error));
  g_assert_no_error (error);
  g_autofree char *sync_data = contents (sync_file);
  g_autofree char *async_data = contents (async_file);
  g_assert_cmpstr (sync_data, ==, async_data);

  g_autoptr (AtProject) q = load_and_wait (async_file, NULL, &error);
  g_assert_no_error (error);
  assert_projects_equal (p, q);
  g_assert_false (at_stroke_list_can_undo (q->strokes));
  g_assert_true (g_file_delete (async_file, NULL, NULL));
  ui_test_remove_temp (sync_file);
}

/* 40 history images and a minute of voice: encoding them takes long
 * enough that a 1 ms timer fires again and again while it runs. */
static void
test_async_keeps_loop_running (void)
{
  g_autoptr (GFile) file = ui_test_temp_file ("big.atelier");
  guint ticks = 0;
  guint timer = g_timeout_add (1, ui_test_tick, &ticks);
  gint64 start = g_get_monotonic_time ();
  g_autoptr (GError) error = NULL;
  g_assert_true (save_and_wait (ui_test_large_project (40, 60), file, NULL, &error));
  g_assert_no_error (error);
  guint saving_ticks = ticks;
  gint64 saved = g_get_monotonic_time ();
  ticks = 0;
  g_autoptr (AtProject) q = load_and_wait (file, NULL, &error);
  g_assert_no_error (error);
  g_source_remove (timer);
  g_test_message ("save %.2f s, %u ticks; load %.2f s, %u ticks", (saved - start) / 1e6, saving_ticks,
                  (g_get_monotonic_time () - saved) / 1e6, ticks);
  g_assert_cmpuint (saving_ticks, >=, 3);
  g_assert_cmpuint (ticks, >=, 3);
  g_assert_cmpuint (q->history->len, ==, 40);
  g_assert_cmpuint (q->voice->n, ==, 60 * 16000);
  ui_test_remove_temp (file);
}

static void
test_async_cancel (void)
{
  g_autoptr (GFile) file = ui_test_temp_file ("fox.atelier");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_cancellable_cancel (cancellable);
  g_autoptr (GError) error = NULL;
  g_assert_false (save_and_wait (sample_project (), file, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_query_exists (file, NULL));

  g_autoptr (AtProject) p = sample_project ();
  g_assert_true (at_project_save (p, file, NULL));
  g_clear_error (&error);
  g_assert_null (load_and_wait (file, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  ui_test_remove_temp (file);
}

static void
test_async_errors (void)
{
  g_autoptr (GFile) file = ui_test_temp_file ("bad.atelier");
  g_autoptr (GError) error = NULL;
  g_assert_null (load_and_wait (file, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  /* a history entry that is not an object */
  const char *damaged = "{\"format\": \"atelier-project\", \"version\": 1, \"history\": [7]}";
  g_assert_true (g_file_replace_contents (file, damaged, strlen (damaged), NULL, FALSE, 0, NULL, NULL, NULL));
  g_clear_error (&error);
  g_assert_null (load_and_wait (file, NULL, &error));
  g_assert_error (error, AT_PROJECT_ERROR, AT_PROJECT_ERROR_INVALID);
  g_autoptr (GFile) folder = g_file_get_parent (file);
  g_autoptr (GFile) missing_folder = g_file_get_child (folder, "no-such-folder");
  g_autoptr (GFile) missing = g_file_get_child (missing_folder, "x.atelier");
  g_clear_error (&error);
  g_assert_false (save_and_wait (sample_project (), missing, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  ui_test_remove_temp (file);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ui/project/round-trip", test_round_trip);
  g_test_add_func ("/ui/project/atomic-save", test_atomic_save);
  g_test_add_func ("/ui/project/old-format", test_old_format);
  g_test_add_func ("/ui/project/damaged", test_damaged);
  g_test_add_func ("/ui/project/async-round-trip", test_async_round_trip);
  g_test_add_func ("/ui/project/async-keeps-loop-running", test_async_keeps_loop_running);
  g_test_add_func ("/ui/project/async-cancel", test_async_cancel);
  g_test_add_func ("/ui/project/async-errors", test_async_errors);
  return g_test_run ();
}
