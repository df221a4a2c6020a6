/* test-story.c — stories: scenes from text, narration timed scene by
 * scene (against narrating each sentence alone), keyframes on the scenes'
 * starts, subtitles from the same cues, and a camera whose motion never
 * jumps; the camera's window against exact crops and bilinear resizing. */
#include <math.h>
#include <string.h>

#include "test-util.h"
#include "media/camera.h"
#include "media/story.h"
#include "media/subtitle-burn.h"

static void
test_split (void)
{
  g_auto (GStrv) sentences = at_story_split ("A seed falls into the soil. A sprout grows!  Does it flower? Yes");
  g_assert_cmpuint (g_strv_length (sentences), ==, 4);
  g_assert_cmpstr (sentences[1], ==, "A sprout grows!");
  g_assert_cmpstr (sentences[3], ==, "Yes");
  /* lines win over sentences; blank lines are skipped; 3.5 is no end */
  g_auto (GStrv) lines = at_story_split ("A seed. It falls.\n\n  Pi is 3.5 here \n");
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_cmpstr (lines[0], ==, "A seed. It falls.");
  g_assert_cmpstr (lines[1], ==, "Pi is 3.5 here");
  g_auto (GStrv) none = at_story_split (" \n \n");
  g_assert_null (none[0]);
}

static double
spoken_seconds (const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtAudio) audio = at_narrate (text, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return (double) audio->n / audio->rate;
}

static void
test_story_timing (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtStory) story = at_story_new ("A seed falls. A green sprout grows. A red flower opens.", NULL, 8, 128,
                                            42, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (story->scenes->len, ==, 3);
  double total = 0;
  for (guint i = 0; i < 3; i++)
    {
      const AtScene *s = story->scenes->pdata[i];
      /* each scene lasts as long as its sentence spoken alone (espeak-ng
       * varies by a sample or so between calls) */
      double alone = spoken_seconds (s->text);
      g_assert_cmpfloat (fabs ((s->end - s->start) - alone), <, 0.005);
      total += alone;
      if (i > 0)
        g_assert_cmpfloat (s->start, >, ((const AtScene *) story->scenes->pdata[i - 1])->end);
    }
  double narration = (double) story->narration->n / story->narration->rate;
  g_assert_cmpfloat (narration, >=, total);
  g_assert_cmpfloat (narration, <, total + 1.0);   /* two short pauses */

  /* a keyframe where each scene starts, with that scene's text, and the
   * same seed throughout */
  for (guint i = 0; i < 3; i++)
    {
      const AtScene *s = story->scenes->pdata[i];
      gboolean found = FALSE;
      for (guint k = 0; k < story->clip->keyframes->len; k++)
        {
          const AtKeyframe *key = story->clip->keyframes->pdata[k];
          g_assert_cmpuint (key->seed, ==, 42);
          found = found || (fabs (key->time - (i == 0 ? 0.0 : s->start)) < 1e-9 && g_str_equal (key->prompt, s->text));
        }
      g_assert_true (found);
    }
  g_assert_true (at_clip_validate (story->clip, NULL));
  g_assert_cmpfloat (story->clip->duration, >, narration);

  /* the words are the sentences' words, in order, inside the track; the
   * subtitles cover them from the first word to the end of the sound */
  g_assert_cmpuint (story->words->len, ==, 3 + 4 + 4);
  gint64 prev_end = 0;
  for (guint w = 0; w < story->words->len; w++)
    {
      const AtCue *c = story->words->pdata[w];
      g_assert_cmpint (c->start_ms, >=, prev_end);
      prev_end = c->end_ms;
    }
  g_assert_cmpint (prev_end, <=, (gint64) (narration * 1000) + 1);
  const AtCue *first = story->subtitles->pdata[0], *last = story->subtitles->pdata[story->subtitles->len - 1];
  g_assert_cmpint (first->start_ms, ==, ((const AtCue *) story->words->pdata[0])->start_ms);
  g_assert_cmpint (last->end_ms, ==, (gint64) story->narration->n * 1000 / story->narration->rate);

  /* the camera moves slowly and never jumps, at scene changes included */
  double z0, x0, y0;
  at_story_camera (story, 0.0, &z0, &x0, &y0);
  g_assert_cmpfloat (z0, ==, 1.0);
  for (double t = 0.01; t < story->clip->duration; t += 0.01)
    {
      double z, x, y;
      at_story_camera (story, t, &z, &x, &y);
      g_assert_cmpfloat (z, >=, 1.0);
      g_assert_cmpfloat (fabs (z - z0), <, 0.01);
      g_assert_cmpfloat (fabs (x - x0), <, 0.005);
      z0 = z, x0 = x, y0 = y;
    }

  g_autoptr (AtStory) empty = at_story_new ("   ", NULL, 8, 128, 1, NULL, &error);
  g_assert_null (empty);
  g_assert_error (error, AT_CLIP_ERROR, AT_CLIP_ERROR_EMPTY);
}

static AtImage *
random_image (guint side, guint32 seed)
{
  AtImage *img = at_image_new (side, side, 3);
  GRand *rand = g_rand_new_with_seed (seed);
  for (gsize i = 0; i < at_image_get_nbytes (img); i++)
    img->pixels[i] = g_rand_int_range (rand, 0, 256);
  g_rand_free (rand);
  return img;
}

static void
test_camera_view (void)
{
  g_autoptr (AtImage) img = random_image (64, 3);
  /* zoom 2 at the centre into half the side: the centre's pixels exactly */
  g_autoptr (AtImage) crop = at_camera_view (img, 32, 2.0, 0.5, 0.5);
  for (guint y = 0; y < 32; y++)
    g_assert_cmpmem (crop->pixels + y * 32 * 3, 32 * 3, img->pixels + ((y + 16) * 64 + 16) * 3, 32 * 3);
  /* off-centre windows are moved back inside the picture */
  g_autoptr (AtImage) corner = at_camera_view (img, 32, 2.0, 0.0, 0.0);
  for (guint y = 0; y < 32; y++)
    g_assert_cmpmem (corner->pixels + y * 32 * 3, 32 * 3, img->pixels + (y * 64) * 3, 32 * 3);
  /* no zoom, larger: the image library's bilinear enlargement */
  g_autoptr (AtImage) big = at_camera_view (img, 160, 1.0, 0.5, 0.5);
  g_autoptr (AtImage) want = at_image_resize (img, 160, 160, AT_IMAGE_FILTER_BILINEAR);
  for (gsize i = 0; i < at_image_get_nbytes (big); i++)
    g_assert_cmpint (abs ((int) big->pixels[i] - (int) want->pixels[i]), <=, 1);
}

static void
test_burned_subtitles (void)
{
  g_autoptr (AtImage) img = at_image_new (256, 256, 3);
  memset (img->pixels, 128, at_image_get_nbytes (img));
  g_autoptr (AtImage) burned = at_subtitle_burn (img, "A red flower opens.");
  g_assert_cmpuint (burned->width, ==, 256);
  /* the text sits in the bottom part: everything above is untouched */
  gsize top = (gsize) 256 * 160 * 3;
  g_assert_cmpmem (burned->pixels, top, img->pixels, top);
  guint white = 0, dark = 0;
  for (gsize i = top; i < at_image_get_nbytes (burned); i += 3)
    {
      white += burned->pixels[i] >= 240 && burned->pixels[i + 2] >= 240;
      dark += burned->pixels[i] <= 40 && burned->pixels[i + 2] <= 40;
    }
  g_test_message ("burned: %u white and %u outline pixels", white, dark);
  g_assert_cmpuint (white, >, 100);
  g_assert_cmpuint (dark, >, 100);
  /* nothing to say: the picture as it was */
  g_autoptr (AtImage) blank = at_subtitle_burn (img, "  ");
  g_assert_cmpmem (blank->pixels, at_image_get_nbytes (blank), img->pixels, at_image_get_nbytes (img));

  g_autoptr (GPtrArray) cues = at_cue_array_new ();
  g_ptr_array_add (cues, at_cue_new (0, 1000, "first"));
  g_ptr_array_add (cues, at_cue_new (1000, 2500, "second"));
  g_assert_cmpstr (at_subtitles_text_at (cues, 999), ==, "first");
  g_assert_cmpstr (at_subtitles_text_at (cues, 1000), ==, "second");
  g_assert_null (at_subtitles_text_at (cues, 2500));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/story/split", test_split);
  g_test_add_func ("/story/timing", test_story_timing);
  g_test_add_func ("/story/camera", test_camera_view);
  g_test_add_func ("/story/burned-subtitles", test_burned_subtitles);
  return g_test_run ();
}
