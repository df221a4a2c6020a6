/* cli-video.c — `atelier animate` (keyframes, or the replay of a saved
 * drawing) and `atelier story`: a clip from flags, a WebM, GIF or folder
 * of PNG frames out. What it computes lives in engine/ (animation.h,
 * media/clip.h, media/story.h, media/video-writer.h). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "animation.h"
#include "app/cli-json.h"
#include "app/cli-args.h"
#include "app/cli.h"
#include "media/camera.h"
#include "media/story.h"
#include "media/subtitle-burn.h"
#include "media/subtitles.h"
#include "media/video-writer.h"
#include "ui/project.h"
#include "ui/sketch-replay.h"

#define DEFAULT_FPS 8
#define DEFAULT_SIZE 256
/* A replay shows at most this many drawings, half a second each. */
#define REPLAY_MAX_KEYS 24
#define REPLAY_STEP 0.5

typedef struct {
  char **keyframes, **rest;
  char *sketch, *replay, *output, *device, *model_dir, *text_file, *voice, *shape;
  gint64 seed;
  int fps, size, steps;
  double hold, guidance;
  gboolean json, quiet, burn, full_model;
} Options;

static void
options_clear (Options *o)
{
  g_strfreev (o->keyframes);
  g_strfreev (o->rest);
  g_free (o->sketch);
  g_free (o->replay);
  g_free (o->output);
  g_free (o->device);
  g_free (o->model_dir);
  g_free (o->text_file);
  g_free (o->voice);
  g_free (o->shape);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

static gboolean
bad (GError **error, const char *message)
{
  g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, message);
  return FALSE;
}

static gboolean
parse (const char *verb, int argc, char **argv, Options *o, GError **error)
{
  gboolean story = g_str_equal (verb, "story");
  GOptionEntry animate_entries[] = {
    { "keyframe", 'k', 0, G_OPTION_ARG_STRING_ARRAY, &o->keyframes,
      "A keyframe: its time and prompt, e.g. \"0:red apple\" (repeat, in time order)", "SECONDS:PROMPT" },
    { "sketch", 0, 0, G_OPTION_ARG_FILENAME, &o->sketch, "A sketch every keyframe follows (PNG)", "FILE" },
    { "hold", 0, 0, G_OPTION_ARG_DOUBLE, &o->hold, "Seconds the last keyframe stays (default 0.5)", "SECONDS" },
    { "replay", 0, 0, G_OPTION_ARG_FILENAME, &o->replay,
      "Replay the drawing of a saved project, stroke by stroke", "PROJECT.atelier" },
    { NULL }
  };
  GOptionEntry story_entries[] = {
    { "text-file", 0, 0, G_OPTION_ARG_FILENAME, &o->text_file, "Read the story from a file", "FILE" },
    { "voice", 0, 0, G_OPTION_ARG_STRING, &o->voice, "Narration voice, as for atelier narrate", "NAME" },
    { "burn-subtitles", 0, 0, G_OPTION_ARG_NONE, &o->burn, "Draw the subtitles into the frames too", NULL },
    { NULL }
  };
  GOptionEntry common[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o->output,
      "Output: NAME.webm, NAME.gif or FOLDER/ for PNG frames", "OUT" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &o->seed, "Random seed, shared by every frame (default: random)", "N" },
    { "fps", 0, 0, G_OPTION_ARG_INT, &o->fps, "Frames per second, 4–30 (default 8)", "N" },
    { "size", 0, 0, G_OPTION_ARG_INT, &o->size, "Frame side in pixels, 64–512 (default 256)", "N" },
    { "steps", 0, 0, G_OPTION_ARG_INT, &o->steps, "Sampler steps per frame (default: the model's)", "N" },
    { "guidance", 0, 0, G_OPTION_ARG_DOUBLE, &o->guidance, "Guidance scale (default: the model's)", "X" },
    { "shape", 0, 0, G_OPTION_ARG_STRING, &o->shape,
      "Keyframes without a sketch: auto (the prompt's shape, default), none, or a shape's name", "NAME" },
    { "full-model", 0, 0, G_OPTION_ARG_NONE, &o->full_model,
      "Render with the full model and its guided steps instead of the few-step student (slower)", NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, "Print a JSON summary on stdout", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, "No progress on stderr", NULL },
    { "device", 0, 0, G_OPTION_ARG_STRING, &o->device, "Vulkan device (index or part of its name)", "DEVICE" },
    { "model-dir", 0, 0, G_OPTION_ARG_FILENAME, &o->model_dir, "Use the model in this folder", "DIR" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->rest, NULL, story ? "TEXT" : NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new (
    story ? "TEXT -o OUT.webm - tell a story: narration, one picture a sentence, subtitles"
          : "--keyframe SECONDS:PROMPT ... -o OUT - animate between keyframes (or --replay a drawing)");
  g_option_context_add_main_entries (context, story ? story_entries : animate_entries, NULL);
  g_option_context_add_main_entries (context, common, NULL);
  o->seed = -1;
  o->fps = DEFAULT_FPS;
  o->size = DEFAULT_SIZE;
  o->steps = -1;
  o->guidance = -1;
  o->hold = 0.5;
  if (!g_option_context_parse (context, &argc, &argv, error))
    return FALSE;
  if (!story && o->rest != NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "Unexpected argument \"%s\"", o->rest[0]);
      return FALSE;
    }
  if (o->output == NULL)
    return bad (error, story ? "Say where to write the clip with -o OUT.webm"
                             : "Say where to write the clip with -o OUT.webm, OUT.gif or FOLDER/");
  if (!(o->hold >= 0.0 && o->hold <= 60.0))
    return bad (error, "--hold must be between 0 and 60 seconds");
  if (o->steps != -1 && (o->steps < 1 || o->steps > 200))
    return bad (error, "--steps must be between 1 and 200");
  if (o->guidance != -1 && !(o->guidance >= 0 && o->guidance <= 30))
    return bad (error, "--guidance must be between 0 and 30");
  return TRUE;
}

/* Fails early, before minutes of rendering, on a name or folder that
 * cannot be written. */
static gboolean
check_output (const char *output, gboolean webm_only, GError **error)
{
  AtVideoFormat format;
  if (!at_video_format_from_path (output, &format, error))
    return FALSE;
  if (webm_only && format != AT_VIDEO_WEBM)
    return bad (error, "A story is written as WebM (with its sound track): end the name in .webm");
  g_autofree char *dir = format == AT_VIDEO_FRAMES ? g_strdup (output) : g_path_get_dirname (output);
  while (!g_file_test (dir, G_FILE_TEST_EXISTS))
    {
      char *up = g_path_get_dirname (dir);
      g_free (dir);
      dir = up;
    }
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR) || g_access (dir, W_OK) != 0)
    {
      g_autofree char *name = g_filename_display_name (dir);
      g_set_error (error, AT_VIDEO_ERROR, AT_VIDEO_ERROR_WRITE, "Cannot write into “%s”: choose a folder you may "
                   "write to", name);
      return FALSE;
    }
  return TRUE;
}

static guint64
seed_of (const Options *o)
{
  return o->seed >= 0 ? (guint64) o->seed : g_random_int ();
}

/* "SECONDS:PROMPT" */
static AtKeyframe *
parse_keyframe (const char *spec, guint64 seed, GError **error)
{
  const char *colon = strchr (spec, ':');
  g_autofree char *number = colon != NULL ? g_strndup (spec, colon - spec) : NULL;
  char *end = NULL;
  double t = number != NULL ? g_ascii_strtod (g_strstrip (number), &end) : 0;
  if (colon == NULL || end == number || *end != '\0')
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--keyframe \"%s\": give SECONDS:PROMPT, e.g. --keyframe \"0:red apple\"", spec);
      return NULL;
    }
  return at_keyframe_new (t, colon + 1, seed);
}

static AtClip *
keyframe_clip (const Options *o, GError **error)
{
  if (o->keyframes == NULL)
    return bad (error, "Give keyframes with --keyframe SECONDS:PROMPT (at least one), or --replay PROJECT"), NULL;
  g_autoptr (AtImage) sketch = NULL;
  if (o->sketch != NULL && (sketch = at_image_load_reduced (o->sketch, AT_REQUEST_MAX_INPUT_SIDE, error)) == NULL)
    return g_prefix_error (error, "Sketch: "), NULL;
  guint64 seed = seed_of (o);
  g_autoptr (AtClip) clip = at_clip_new (o->fps, o->size);
  for (guint i = 0; o->keyframes[i] != NULL; i++)
    {
      AtKeyframe *k = parse_keyframe (o->keyframes[i], seed, error);
      if (k == NULL)
        return NULL;
      k->sketch = sketch != NULL ? at_image_copy (sketch) : NULL;
      at_clip_add (clip, k);
    }
  AtKeyframe *last = clip->keyframes->pdata[clip->keyframes->len - 1];
  clip->duration = last->time + o->hold;
  if (!at_clip_validate (clip, error))
    return NULL;
  return g_steal_pointer (&clip);
}

static AtClip *
replay_clip (const Options *o, int model_size, GError **error)
{
  if (o->keyframes != NULL || o->sketch != NULL)
    return bad (error, "--replay takes its prompt and drawing from the project: leave out --keyframe and --sketch"),
           NULL;
  g_autoptr (GFile) file = g_file_new_for_commandline_arg (o->replay);
  g_autoptr (AtProject) project = at_project_load (file, error);
  if (project == NULL)
    return NULL;
  /* the sketch at four times the model's side: thin lines survive */
  g_autoptr (GPtrArray) steps = at_sketch_replay_steps (project, REPLAY_MAX_KEYS, 4 * model_size);
  if (steps->len == 0)
    {
      g_set_error (error, AT_CLIP_ERROR, AT_CLIP_ERROR_EMPTY, "%s has no strokes to replay", o->replay);
      return NULL;
    }
  guint64 seed = o->seed >= 0 ? (guint64) o->seed : project->params->seed;
  g_autoptr (AtClip) clip = at_clip_new_replay (steps, project->params->prompt, seed, o->fps, o->size, REPLAY_STEP,
                                                MAX (o->hold, 1.0 / o->fps));
  if (!at_clip_validate (clip, error))
    return NULL;
  return g_steal_pointer (&clip);
}

static void
show_progress (const AtAnimationProgress *p, gpointer user_data)
{
  gboolean tty = GPOINTER_TO_INT (user_data);
  if (tty)
    fprintf (stderr, "\rframe %u/%u (%u of %u to render), step %d/%d, %.1f s left   ", p->frame + 1, p->n_frames,
             p->rendered, p->to_render, p->step, p->n_steps, p->remaining_ms / 1000.0);
  else if (p->step == p->n_steps)
    fprintf (stderr, "frame %u/%u (%.1f s left)\n", p->frame + 1, p->n_frames, p->remaining_ms / 1000.0);
  fflush (stderr);
}

typedef struct {
  const AtAnimation *animation;
  const AtStory *story;   /* NULL: no camera motion */
  gboolean burn;          /* the story's subtitles into the frames */
} Frames;

static AtImage *
clip_frame (guint index, gpointer data)
{
  const Frames *f = data;
  if (f->story == NULL)
    return at_animation_frame (f->animation, index);
  double zoom, cx, cy, t = (double) index / f->animation->fps;
  at_story_camera (f->story, t, &zoom, &cx, &cy);
  const AtImage *source = at_animation_source (f->animation, index);
  g_autoptr (AtImage) view = at_camera_view (source, f->animation->size, zoom, cx, cy);
  if (!f->burn)
    return g_steal_pointer (&view);
  return at_subtitle_burn (view, at_subtitles_text_at (f->story->subtitles, (gint64) (t * 1000)));
}

static void
print_json (AtEngine *engine, const AtAnimation *anim, const char *output, const char *vtt, const char *srt,
            const AtStory *story)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "device");
  json_builder_add_string_value (b, at_gpu_get_device_info (at_engine_get_gpu (engine))->name);
  json_builder_set_member_name (b, "frames");
  json_builder_add_int_value (b, anim->frames->len);
  json_builder_set_member_name (b, "fps");
  json_builder_add_int_value (b, anim->fps);
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, anim->size);
  json_builder_set_member_name (b, "duration");
  json_builder_add_double_value (b, (double) anim->frames->len / anim->fps);
  json_builder_set_member_name (b, "rendered");
  json_builder_add_int_value (b, anim->rendered);
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, output);
  if (vtt != NULL)
    json_builder_add_string_value (b, vtt);
  if (srt != NULL)
    json_builder_add_string_value (b, srt);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "smoothness");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "max_step");
  json_builder_add_double_value (b, anim->max_step);
  json_builder_set_member_name (b, "mean_step");
  json_builder_add_double_value (b, anim->mean_step);
  json_builder_set_member_name (b, "end_to_end");
  json_builder_add_double_value (b, anim->end_to_end);
  json_builder_end_object (b);
  if (story != NULL)
    {
      json_builder_set_member_name (b, "scenes");
      json_builder_begin_array (b);
      for (guint i = 0; i < story->scenes->len; i++)
        {
          const AtScene *s = story->scenes->pdata[i];
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "text");
          json_builder_add_string_value (b, s->text);
          json_builder_set_member_name (b, "start");
          json_builder_add_double_value (b, s->start);
          json_builder_set_member_name (b, "end");
          json_builder_add_double_value (b, s->end);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_set_member_name (b, "narration_seconds");
      json_builder_add_double_value (b, at_audio_get_duration (story->narration));
    }
  json_builder_set_member_name (b, "timings_ms");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "render");
  json_builder_add_double_value (b, anim->render_ms);
  json_builder_set_member_name (b, "per_rendered_frame");
  json_builder_add_double_value (b, anim->rendered > 0 ? anim->render_ms / anim->rendered : 0.0);
  json_builder_end_object (b);
  json_builder_end_object (b);
  at_cli_print_json (b);
}

static AtRequest *
frame_params (AtEngine *engine, const Options *o)
{
  AtRequest *r = at_request_new ();
  int steps;
  float guidance;
  at_engine_get_defaults (engine, &steps, &guidance);
  r->steps = steps;
  r->guidance = guidance;
  /* frames come from the few-step student unless asked otherwise (or the
   * model folder has none) */
  if (!o->full_model)
    at_engine_use_fast (engine, r, FALSE, NULL);
  if (o->steps > 0)
    r->steps = o->steps;
  if (o->guidance >= 0)
    r->guidance = o->guidance;
  r->shape = g_strdup (o->shape != NULL ? o->shape : "auto");
  return r;
}

/* The subtitles' names: OUT.vtt and OUT.srt beside OUT.webm. */
static char *
beside (const char *output, const char *ext)
{
  const char *dot = strrchr (output, '.');
  return g_strdup_printf ("%.*s%s", (int) (dot != NULL ? dot - output : (int) strlen (output)), output, ext);
}

static int
render_and_write (const char *verb, const Options *o, AtEngine *engine, const AtClip *clip, const AtStory *story)
{
  GError *error = NULL;
  g_autoptr (AtRequest) params = frame_params (engine, o);
  g_autoptr (AtAnimator) animator = at_animator_new (engine, params);
  gboolean tty = isatty (STDERR_FILENO);
  g_autoptr (AtAnimation) anim = at_animator_render (animator, clip, o->quiet ? NULL : show_progress,
                                                     GINT_TO_POINTER (tty), NULL, &error);
  if (tty && !o->quiet)
    fputc ('\n', stderr);
  if (anim == NULL)
    return at_cli_fail (verb, error);
  Frames frames = { anim, story, o->burn };
  AtVideoSource source = { .n_frames = anim->frames->len, .fps = anim->fps, .width = anim->size,
                           .height = anim->size, .frame = clip_frame, .data = &frames,
                           .audio = story != NULL ? story->narration : NULL };
  if (!at_video_write (&source, o->output, NULL, &error))
    return at_cli_fail (verb, error);
  g_autofree char *vtt = story != NULL ? beside (o->output, ".vtt") : NULL;
  g_autofree char *srt = story != NULL ? beside (o->output, ".srt") : NULL;
  if (story != NULL && (!at_subtitles_save (story->subtitles, vtt, AT_SUBTITLE_VTT, &error) ||
                        !at_subtitles_save (story->subtitles, srt, AT_SUBTITLE_SRT, &error)))
    return at_cli_fail (verb, error);
  if (o->json)
    print_json (engine, anim, o->output, vtt, srt, story);
  else if (!o->quiet)
    fprintf (stderr, "wrote %s (%u frames at %d fps, %u rendered; largest frame-to-frame change %.1f of 255)%s%s\n",
             o->output, anim->frames->len, anim->fps, anim->rendered, anim->max_step, vtt != NULL ? " and " : "",
             vtt != NULL ? vtt : "");
  return AT_EXIT_OK;
}

int
at_cli_animate (int argc, char **argv)
{
  g_auto (Options) o = { 0 };
  GError *error = NULL;
  if (!parse ("animate", argc, argv, &o, &error) || !check_output (o.output, FALSE, &error))
    return at_cli_fail ("animate", error);
  g_autoptr (AtClip) clip = o.replay == NULL ? keyframe_clip (&o, &error) : NULL;
  if (o.replay == NULL && clip == NULL)
    return at_cli_fail ("animate", error);
  g_autoptr (AtEngine) engine = at_engine_new (o.device, o.model_dir, &error);
  if (engine == NULL)
    return at_cli_fail ("animate", error);
  if (o.replay != NULL && (clip = replay_clip (&o, at_engine_get_native_size (engine), &error)) == NULL)
    return at_cli_fail ("animate", error);
  return render_and_write ("animate", &o, engine, clip, NULL);
}

static char *
story_text (const Options *o, GError **error)
{
  gboolean has_rest = o->rest != NULL && o->rest[0] != NULL;
  if (o->text_file != NULL && has_rest)
    return bad (error, "Give the story either as an argument or with --text-file, not both"), NULL;
  char *text = NULL;
  if (o->text_file != NULL)
    return g_file_get_contents (o->text_file, &text, NULL, error) ? text : NULL;
  if (!has_rest)
    return bad (error, "Say what to tell: atelier story \"TEXT\" -o OUT.webm (or --text-file FILE)"), NULL;
  return g_strjoinv (" ", o->rest);
}

int
at_cli_story (int argc, char **argv)
{
  g_auto (Options) o = { 0 };
  GError *error = NULL;
  if (!parse ("story", argc, argv, &o, &error) || !check_output (o.output, TRUE, &error))
    return at_cli_fail ("story", error);
  g_autofree char *text = story_text (&o, &error);
  if (text == NULL)
    return at_cli_fail ("story", error);
  AtNarrationOptions voice = AT_NARRATION_OPTIONS_INIT;
  voice.voice = o.voice;
  g_autoptr (AtStory) story = at_story_new (text, &voice, o.fps, o.size, seed_of (&o), NULL, &error);
  if (story == NULL)
    return at_cli_fail ("story", error);
  g_autoptr (AtEngine) engine = at_engine_new (o.device, o.model_dir, &error);
  if (engine == NULL)
    return at_cli_fail ("story", error);
  return render_and_write ("story", &o, engine, story->clip, story);
}
