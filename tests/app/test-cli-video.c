/* test-cli-video.c — `atelier animate` and `atelier story` as a user runs
 * them: the files they write read back with GStreamer and compared with
 * what `atelier generate` and `atelier narrate` make on their own, and bad
 * input refused with exit code 2 before anything is written. Clips use 2
 * steps, 64 px and 4 frames a second so that lavapipe stays quick. */
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "test-util.h"
#include "video-decode.h"
#include "animation.h"
#include "media/subtitles.h"

/* Runs the atelier binary (NULL-ended args), asserts its exit status and
 * returns what it printed on stdout; stderr goes to *err when given. */
static char *
atelier (int status, char **err, const char *const *args)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_strv_builder_add (builder, g_getenv ("ATELIER_BIN"));
  g_strv_builder_addv (builder, (const char **) args);
  g_auto (GStrv) argv = g_strv_builder_end (builder);
  g_autoptr (GError) error = NULL;
  char *out = NULL, *errors = NULL;
  int wait_status = 0;
  g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &errors, &wait_status, &error);
  g_assert_no_error (error);
  g_autofree char *command = g_strjoinv (" ", (char **) args);
  g_test_message ("atelier %s: stderr: %s", command, errors);
  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, status);
  if (err != NULL)
    *err = errors;
  else
    g_free (errors);
  return out;
}
#define ATELIER(status, err, ...) atelier ((status), (err), (const char *[]) { __VA_ARGS__, NULL })

static JsonObject *
parse_json (const char *text, JsonParser *parser)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  return json_node_get_object (json_parser_get_root (parser));
}

/* Takes img; a box-filtered copy at half its size. */
static AtImage *
half (AtImage *img)
{
  g_autoptr (AtImage) owned = img;
  return at_image_resize (img, img->width / 2, img->height / 2, AT_IMAGE_FILTER_BILINEAR);
}

static void
test_animate_webm (TestScratch *s, gconstpointer unused)
{
  g_autofree char *clip = g_build_filename (s->dir, "apple.webm", NULL);
  g_autofree char *out = ATELIER (0, NULL, "animate", "--keyframe", "0:red apple", "--keyframe", "1:green apple",
                                  "--seed", "11", "--steps", "2", "--fps", "4", "--size", "64", "--hold", "0.5",
                                  "--shape", "none", "--json", "-o", clip);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o = parse_json (out, parser);
  g_assert_cmpint (json_object_get_int_member (o, "frames"), ==, 6);   /* (1 + 0.5) s × 4 */

  g_autoptr (TestVideo) v = test_video_decode (clip);
  g_assert_cmpuint (v->frames->len, ==, 6);
  g_assert_cmpint (v->width, ==, 64);
  g_assert_cmpint (v->fps_n, ==, 4 * v->fps_d);
  g_assert_cmpfloat (fabs ((double) v->duration_ns / 1e9 - 1.5), <, 0.002);
  g_assert_null (v->audio);

  /* the first and last frames are the keyframes' own images, as generate
   * makes them. VP8 keeps colour at half resolution, which on these
   * grainy 64 px pictures costs about 6 of 255 a pixel; compared at half
   * size (box filter) the codec's change is what remains. Keyframes are
   * drawn by the few-step student from their words alone (--shape none
   * here; test-animation checks the shape prior's frames): generate --fast
   * without its shape prior. */
  const char *prompts[] = { "red apple", "green apple" };
  guint frames[] = { 0, 5 };
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *png = g_build_filename (s->dir, "key.png", NULL);
      g_autofree char *ignored = ATELIER (0, NULL, "generate", "--size", "64", "--prompt", prompts[i], "--seed", "11", "--steps",
                                          "2", "--fast", "--shape", "none", "-q", "-o", png);
      g_autoptr (AtImage) want = half (at_image_load (png, NULL));
      g_autoptr (AtImage) got = half (at_image_copy (v->frames->pdata[frames[i]]));
      g_autoptr (AtImage) wrong = half (at_image_copy (v->frames->pdata[frames[1 - i]]));
      double mad = at_animation_frame_diff (got, want);
      g_test_message ("frame %u against generate, at half size: %.2f", frames[i], mad);
      g_assert_cmpfloat (mad, <, 4.0);
      /* and not merely any apple: the other keyframe is further away */
      double other = at_animation_frame_diff (wrong, want);
      g_assert_cmpfloat (mad, <, other);
    }
}

static void
test_story_webm_with_narration_and_subtitles (TestScratch *s, gconstpointer unused)
{
  g_autofree char *clip = g_build_filename (s->dir, "seed.webm", NULL);
  g_autofree char *vtt = g_build_filename (s->dir, "seed.vtt", NULL);
  g_autofree char *out = ATELIER (0, NULL, "story", "A seed falls. A red flower opens.", "--seed", "5", "--steps",
                                  "1", "--fps", "4", "--size", "64", "--json", "-o", clip);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o = parse_json (out, parser);
  double narration = json_object_get_double_member (o, "narration_seconds");
  JsonArray *scenes = json_object_get_array_member (o, "scenes");
  g_assert_cmpuint (json_array_get_length (scenes), ==, 2);

  g_autoptr (TestVideo) v = test_video_decode (clip);
  g_assert_nonnull (v->audio);
  double heard = (double) v->audio->n / v->audio->rate;
  g_test_message ("narration %.3f s, decoded sound track %.3f s", narration, heard);
  g_assert_cmpfloat (fabs (heard - narration), <, 0.05);
  g_assert_cmpuint (v->frames->len, ==, (guint) lround ((narration + 0.5) * 4));

  /* the subtitles: each scene's words, the second line starting where the
   * second scene's narration starts */
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) cues = at_subtitles_load (vtt, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cues->len, ==, 2);
  AtCue *second = cues->pdata[1];
  g_assert_cmpstr (second->text, ==, "A red flower opens.");
  JsonObject *scene2 = json_array_get_object_element (scenes, 1);
  double start2 = json_object_get_double_member (scene2, "start");
  /* the grouper closes the pause before a line, so the line starts at most
   * the pause earlier */
  g_assert_cmpfloat (second->start_ms / 1000.0, <=, start2 + 0.001);
  g_assert_cmpfloat (second->start_ms / 1000.0, >=, start2 - 0.5);
  AtCue *last = cues->pdata[cues->len - 1];
  g_assert_cmpfloat (fabs (last->end_ms / 1000.0 - narration), <, 0.002);
}

/* A project as docs/PROJECT_FORMAT.md describes it, with the strokes given
 * (flat x, y, pressure, time lists). */
static char *
write_project (const char *dir, const char *name, const char *strokes)
{
  g_autofree char *json = g_strdup_printf (
    "{\"format\": \"atelier-project\", \"version\": 1,"
    " \"sketch\": {\"strokes\": [%s], \"image\": null, \"underlay\": null},"
    " \"parameters\": {\"prompt\": \"blue house\", \"negative\": \"\", \"steps\": 2, \"guidance\": 3,"
    " \"seed\": \"7\", \"sampler\": \"euler\", \"sketch_strength\": 1, \"strength\": 0.75, \"count\": 1,"
    " \"size\": 64}, \"seed_locked\": false, \"voice\": null, \"history\": []}",
    strokes);
  char *path = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  return path;
}

static void
test_replay_frames (TestScratch *s, gconstpointer unused)
{
#define STROKE(points) "{\"width\": 0.03, \"color\": [0, 0, 0, 1], \"eraser\": false, \"points\": [" points "]}"
  g_autofree char *project = write_project (s->dir, "house.atelier",
                                            STROKE ("0.2, 0.3, 1, 0, 0.8, 0.3, 1, 100") ", "
                                            STROKE ("0.2, 0.3, 1, 0, 0.2, 0.8, 1, 100") ", "
                                            STROKE ("0.8, 0.3, 1, 0, 0.8, 0.8, 1, 100"));
  g_autofree char *folder = g_build_filename (s->dir, "frames/", NULL);
  g_autofree char *out = ATELIER (0, NULL, "animate", "--replay", project, "--steps", "1", "--fps", "4", "--size",
                                  "64", "-q", "-o", folder);
  /* three drawings half a second apart, then the finished one held 0.5 s */
  g_autoptr (GPtrArray) frames = g_ptr_array_new_with_free_func ((GDestroyNotify) at_image_free);
  for (guint k = 1;; k++)
    {
      g_autofree char *file = g_strdup_printf ("frame-%04u.png", k);
      g_autofree char *path = g_build_filename (folder, file, NULL);
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        break;
      g_ptr_array_add (frames, at_image_load (path, NULL));
    }
  g_assert_cmpuint (frames->len, ==, 6);
  g_assert_cmpuint (((AtImage *) frames->pdata[0])->width, ==, 64);
  /* the picture develops with the drawing, then holds */
  g_assert_cmpfloat (at_animation_frame_diff (frames->pdata[0], frames->pdata[4]), >, 0.0);
  g_assert_cmpfloat (at_animation_frame_diff (frames->pdata[4], frames->pdata[5]), ==, 0.0);

  g_autofree char *blank = write_project (s->dir, "blank.atelier", "");
  g_autofree char *err = NULL;
  g_autofree char *ignored = ATELIER (2, &err, "animate", "--replay", blank, "-o", folder);
  g_assert_nonnull (strstr (err, "no strokes"));
}

static void
assert_refused (TestScratch *s, const char *words, const char *const *args)
{
  g_autofree char *err = NULL;
  g_autofree char *out = atelier (2, &err, args);
  if (strstr (err, words) == NULL)
    g_error ("\"%s\" does not say \"%s\"", err, words);
  /* nothing written */
  g_autoptr (GDir) dir = g_dir_open (s->dir, 0, NULL);
  g_assert_null (g_dir_read_name (dir));
}
#define REFUSED(s, words, ...) assert_refused ((s), (words), (const char *[]) { __VA_ARGS__, NULL })

static void
test_bad_input_exit_2 (TestScratch *s, gconstpointer unused)
{
  g_autofree char *clip = g_build_filename (s->dir, "clip.webm", NULL);
  g_autofree char *mp4 = g_build_filename (s->dir, "clip.mp4", NULL);
  REFUSED (s, "time order", "animate", "-k", "1:red apple", "-k", "0:green apple", "-o", clip);
  REFUSED (s, "time order", "animate", "-k", "1:red apple", "-k", "1:green apple", "-o", clip);
  REFUSED (s, "between 0 and", "animate", "-k", "-1:red apple", "-o", clip);
  REFUSED (s, "SECONDS:PROMPT", "animate", "-k", "red apple", "-o", clip);
  REFUSED (s, "Frames per second", "animate", "-k", "0:red apple", "--fps", "0", "-o", clip);
  REFUSED (s, "Frames per second", "animate", "-k", "0:red apple", "--fps", "1000", "-o", clip);
  REFUSED (s, ".webm", "animate", "-k", "0:red apple", "-o", mp4);
  REFUSED (s, "Cannot write", "animate", "-k", "0:red apple", "-o", "/proc/clip.webm");
  REFUSED (s, "-o", "animate", "-k", "0:red apple");
  REFUSED (s, "empty", "story", "  .  ", "-o", clip);
  REFUSED (s, "Say what to tell", "story", "-o", clip);
  REFUSED (s, ".webm", "story", "A seed falls.", "-o", mp4);
  g_autofree char *gif = g_build_filename (s->dir, "clip.gif", NULL);
  REFUSED (s, "WebM", "story", "A seed falls.", "-o", gif);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/cli-video/animate-webm", TestScratch, NULL, test_scratch_setup, test_animate_webm,
              test_scratch_teardown);
  g_test_add ("/cli-video/story", TestScratch, NULL, test_scratch_setup,
              test_story_webm_with_narration_and_subtitles, test_scratch_teardown);
  g_test_add ("/cli-video/replay", TestScratch, NULL, test_scratch_setup, test_replay_frames,
              test_scratch_teardown);
  g_test_add ("/cli-video/bad-input", TestScratch, NULL, test_scratch_setup, test_bad_input_exit_2,
              test_scratch_teardown);
  return g_test_run ();
}
