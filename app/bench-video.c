/* bench-video.c — `atelier-bench video`: frames a second of the animation
 * engine (a keyframe morph, every frame made by the model with 8 guided
 * Euler steps) at the model's 64 px and enlarged to 256 px, with the WebM
 * encoding timed apart, beside Debian's PyTorch making the same frames
 * with the same model (tools/bench/torch_generate.py: one 8-step image per
 * frame; it neither blends nor encodes, both negligible here). */
#include <stdio.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "animation.h"
#include "app/bench.h"
#include "app/bench-report.h"
#include "media/video-writer.h"

#define STEPS 8
#define FPS 8

static AtImage *
frame_of (guint index, gpointer data)
{
  return at_animation_frame (data, index);
}

/* Renders the morph at size and encodes it; times in ms. */
static gboolean
measure (AtEngine *engine, int size, guint *frames, double *render_ms, double *encode_ms, GError **error)
{
  g_autoptr (AtRequest) params = at_request_new ();
  params->steps = STEPS;
  params->guidance = 3.0f;
  g_autoptr (AtAnimator) animator = at_animator_new (engine, params);
  g_autoptr (AtClip) clip = at_clip_new (FPS, size);
  at_clip_add (clip, at_keyframe_new (0.0, "red apple", 1));
  at_clip_add (clip, at_keyframe_new (1.0, "green apple", 1));
  clip->duration = 1.0 + 1.0 / FPS;
  g_autoptr (AtAnimation) anim = at_animator_render (animator, clip, NULL, NULL, NULL, error);
  if (anim == NULL)
    return FALSE;
  *frames = anim->rendered;
  *render_ms = anim->render_ms;
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "atelier-bench-video.webm", NULL);
  AtVideoSource s = { .n_frames = anim->frames->len, .fps = FPS, .width = size, .height = size,
                      .frame = frame_of, .data = anim };
  gint64 t0 = g_get_monotonic_time ();
  gboolean ok = at_video_write_webm (&s, path, NULL, error);
  *encode_ms = (g_get_monotonic_time () - t0) / 1000.0;
  g_unlink (path);
  return ok;
}

static gboolean
measure_torch (const char *model_dir, double *image_ms, char **version, GError **error)
{
  const char *steps[] = { G_STRINGIFY (STEPS), NULL };
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o = at_bench_run_torch (model_dir, steps, parser, error);
  if (o == NULL)
    return FALSE;
  *image_ms = json_object_get_double_member (o, "image_ms_" G_STRINGIFY (STEPS));
  *version = g_strdup_printf ("PyTorch %s, %" G_GINT64_FORMAT " threads", json_object_get_string_member (o, "torch"),
                              json_object_get_int_member (o, "threads"));
  return TRUE;
}

int
at_bench_video (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtEngine) engine = at_engine_new (NULL, NULL, &error);
  const int sizes[] = { 64, 256 };
  guint frames[2] = { 0 };
  double render_ms[2], encode_ms[2], torch_ms = 0;
  g_autofree char *torch = NULL;
  gboolean ok = engine != NULL;
  for (int i = 0; ok && i < 2; i++)
    ok = measure (engine, sizes[i], &frames[i], &render_ms[i], &encode_ms[i], &error);
  if (!ok || !measure_torch (at_engine_get_model_dir (engine), &torch_ms, &torch, &error))
    {
      fprintf (stderr, "atelier-bench video: %s\n", error->message);
      return 1;
    }
  printf ("\nKeyframe morph, %d frames each made by the model (%d guided Euler steps, CFG 3)\n", frames[0], STEPS);
  printf ("| %-28s | %-16s | %-16s | %-16s |\n", "", "Atelier render", "WebM encode", "PyTorch render");
  printf ("|%s|%s|%s|%s|\n", "------------------------------", "------------------", "------------------",
          "------------------");
  JsonBuilder *json = at_bench_table_begin ("video", "keyframe morph", at_gpu_get_device_info (at_engine_get_gpu (engine))->name);
  for (int i = 0; i < 2; i++)
    {
      g_autofree char *what = g_strdup_printf ("%d px frames (model 64 px)", sizes[i]);
      double render = frames[i] * 1000.0 / render_ms[i], encode = (FPS + 1) * 1000.0 / encode_ms[i];
      printf ("| %-28s | %9.2f frame/s | %9.1f frame/s | %9.2f frame/s |\n", what, render, encode, 1000.0 / torch_ms);
      at_bench_row_begin (json, what);
      at_bench_set_double (json, "atelier_render_fps", render);
      at_bench_set_double (json, "webm_encode_fps", encode);
      at_bench_set_double (json, "pytorch_render_fps", 1000.0 / torch_ms);
      at_bench_set_double (json, "ratio", render * torch_ms / 1000.0);
      json_builder_end_object (json);
    }
  at_bench_table_end (json);
  g_autofree char *load = at_bench_load_average ();
  printf ("Load average (1, 5, 15 min) at the end: %s\n", load);
  printf ("\nAtelier on %s (%s); %s.\n", at_gpu_get_device_info (at_engine_get_gpu (engine))->name,
          at_gpu_get_device_info (at_engine_get_gpu (engine))->driver, torch);
  return 0;
}
