/* project.c — JSON manifest with base64 PNGs; atomic writes; the same on
 * a worker for the window. */
#define G_LOG_DOMAIN "atelier-ui"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "audio/narration.h"
#include "context-call.h"
#include "media/atomic-file.h"
#include "ui/image-util.h"
#include "ui/project-private.h"

G_DEFINE_QUARK (at-project-error-quark, at_project_error)

/* atomic: saves read it on a worker */
static gint fail_before_rename;

void
at_project_set_fail_before_rename_for_testing (gboolean fail)
{
  g_atomic_int_set (&fail_before_rename, fail);
}

void
at_voice_settings_clear (AtVoiceSettings *v)
{
  g_free (v->transcript_join);
  g_free (v->transcript);
  g_free (v->narration_source);
  g_free (v->narration_text);
  g_free (v->narration_voice);
  *v = (AtVoiceSettings) { 0 };
}

void
at_voice_settings_reset (AtVoiceSettings *v)
{
  at_voice_settings_clear (v);
  *v = (AtVoiceSettings) {
    .transcript_join = g_strdup ("if-empty"),
    .narration_source = g_strdup ("text"),
    .narration_rate = AT_NARRATION_RATE_DEFAULT,
    .narration_pitch = AT_NARRATION_PITCH_DEFAULT,
  };
}

AtProject *
at_project_new (void)
{
  AtProject *p = g_new0 (AtProject, 1);
  p->strokes = at_stroke_list_new ();
  p->params = at_request_new ();
  p->history = g_ptr_array_new_with_free_func ((GDestroyNotify) at_history_item_free);
  at_voice_settings_reset (&p->voice_settings);
  at_project_model_clear (&p->model);
  return p;
}

void
at_project_free (AtProject *p)
{
  if (p == NULL)
    return;
  at_stroke_list_free (p->strokes);
  g_clear_pointer (&p->sketch_image, at_image_free);
  g_clear_pointer (&p->underlay, at_image_free);
  g_clear_pointer (&p->params, at_request_free);
  g_clear_pointer (&p->voice, at_audio_free);
  g_clear_pointer (&p->narration, at_audio_free);
  g_clear_pointer (&p->narration_cues, g_ptr_array_unref);
  g_free (p->voice_name);
  g_ptr_array_unref (p->history);
  at_voice_settings_clear (&p->voice_settings);
  g_free (p->autosave_of);
  at_clip_free (p->video);
  g_clear_pointer (&p->search_index, at_search_index_free);
  at_project_model_clear (&p->model);
  g_free (p);
}

/* --- writing ------------------------------------------------------------- */

static void
add_image (JsonBuilder *b, const char *key, const AtImage *img)
{
  json_builder_set_member_name (b, key);
  if (img == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  g_autoptr (GBytes) png = at_image_to_png_bytes (img);
  gsize len;
  const guint8 *data = g_bytes_get_data (png, &len);
  g_autofree char *b64 = g_base64_encode (data, len);
  json_builder_add_string_value (b, b64);
}

static void
add_params (JsonBuilder *b, const AtRequest *r)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "prompt");
  json_builder_add_string_value (b, r->prompt != NULL ? r->prompt : "");
  json_builder_set_member_name (b, "negative");
  json_builder_add_string_value (b, r->negative != NULL ? r->negative : "");
  json_builder_set_member_name (b, "steps");
  json_builder_add_int_value (b, r->steps);
  json_builder_set_member_name (b, "guidance");
  json_builder_add_double_value (b, r->guidance);
  /* a string: JSON numbers lose 64-bit integers in many readers */
  g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, r->seed);
  json_builder_set_member_name (b, "seed");
  json_builder_add_string_value (b, seed);
  json_builder_set_member_name (b, "sampler");
  json_builder_add_string_value (b, at_sampler_kind_to_string (r->sampler));
  json_builder_set_member_name (b, "sketch_strength");
  json_builder_add_double_value (b, r->sketch_strength);
  json_builder_set_member_name (b, "strength");
  json_builder_add_double_value (b, r->strength);
  json_builder_set_member_name (b, "count");
  json_builder_add_int_value (b, r->count);
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, r->size);
  json_builder_end_object (b);
}

static void
add_string (JsonBuilder *b, const char *key, const char *value)
{
  json_builder_set_member_name (b, key);
  json_builder_add_string_value (b, value != NULL ? value : "");
}

static void
add_int (JsonBuilder *b, const char *key, gint64 value)
{
  json_builder_set_member_name (b, key);
  json_builder_add_int_value (b, value);
}

static void
add_voice_settings (JsonBuilder *b, const AtVoiceSettings *v)
{
  json_builder_begin_object (b);
  add_string (b, "transcript_join", v->transcript_join);
  add_string (b, "transcript", v->transcript);
  add_string (b, "narration_source", v->narration_source);
  add_string (b, "narration_text", v->narration_text);
  add_string (b, "narration_voice", v->narration_voice);
  add_int (b, "narration_rate", v->narration_rate);
  add_int (b, "narration_pitch", v->narration_pitch);
  json_builder_set_member_name (b, "voice_cues");
  json_builder_add_boolean_value (b, v->voice_cues);
  json_builder_end_object (b);
}

/* The drawing and its images: the project's sketch, and each history
 * item's. */
static void
add_sketch (JsonBuilder *b, const AtStrokeList *strokes, const AtImage *image, const AtImage *underlay)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "strokes");
  json_builder_begin_array (b);
  for (guint i = 0; i < at_stroke_list_get_n_strokes (strokes); i++)
    {
      AtStroke *s = at_stroke_list_get_stroke (strokes, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "width");
      json_builder_add_double_value (b, s->width);
      json_builder_set_member_name (b, "color");
      json_builder_begin_array (b);
      for (int c = 0; c < 4; c++)
        json_builder_add_double_value (b, s->color[c]);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "eraser");
      json_builder_add_boolean_value (b, s->eraser);
      /* flat [x, y, pressure, time, x, y, ...]: compact and fast to parse */
      json_builder_set_member_name (b, "points");
      json_builder_begin_array (b);
      for (guint k = 0; k < at_stroke_get_n_points (s); k++)
        {
          const AtStrokePoint *pt = at_stroke_get_point (s, k);
          json_builder_add_double_value (b, pt->x);
          json_builder_add_double_value (b, pt->y);
          json_builder_add_double_value (b, pt->pressure);
          json_builder_add_double_value (b, pt->time);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  add_image (b, "image", image);
  add_image (b, "underlay", underlay);
  json_builder_end_object (b);
}

/* What made a history item beside its settings (absent in older files). */
static void
add_history_inputs (JsonBuilder *b, const AtHistoryItem *item)
{
  json_builder_set_member_name (b, "favourite");
  json_builder_add_boolean_value (b, item->favourite);
  json_builder_set_member_name (b, "live");
  json_builder_add_boolean_value (b, item->live);
  if (!item->has_inputs)
    return;
  json_builder_set_member_name (b, "sketch");
  add_sketch (b, item->strokes, item->sketch_image, item->underlay);
  add_image (b, "init", item->init);
  add_string (b, "voice_name", item->voice_name);
  add_string (b, "voice_digest", item->voice_digest);
  add_string (b, "model", item->model);
}

/* "rate" and "pcm16" members of the object being built: 16-bit
 * little-endian PCM, half the size of float, an inaudible loss (and none
 * for narration, which is 16-bit to begin with). */
static void
add_audio (JsonBuilder *b, const AtAudio *audio)
{
  json_builder_set_member_name (b, "rate");
  json_builder_add_int_value (b, audio->rate);
  g_autofree gint16 *pcm = g_new (gint16, MAX (audio->n, 1));
  for (gsize i = 0; i < audio->n; i++)
    pcm[i] = GINT16_TO_LE ((gint16) lrintf (CLAMP (audio->samples[i], -1.0f, 1.0f) * 32767.0f));
  g_autofree char *b64 = g_base64_encode ((const guchar *) pcm, audio->n * sizeof (gint16));
  json_builder_set_member_name (b, "pcm16");
  json_builder_add_string_value (b, b64);
}

/* The narration and its subtitle lines, so that it plays and exports
 * after the project is opened again without speaking it anew. */
static void
add_narration (JsonBuilder *b, const AtAudio *audio, GPtrArray *cues)
{
  if (audio == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  add_audio (b, audio);
  json_builder_set_member_name (b, "subtitles");
  json_builder_begin_array (b);
  for (guint i = 0; cues != NULL && i < cues->len; i++)
    {
      const AtCue *cue = g_ptr_array_index (cues, i);
      json_builder_begin_object (b);
      add_int (b, "start_ms", cue->start_ms);
      add_int (b, "end_ms", cue->end_ms);
      add_string (b, "text", cue->text);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
add_video (JsonBuilder *b, const AtClip *clip)
{
  if (clip == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  add_int (b, "fps", clip->fps);
  add_int (b, "size", clip->size);
  json_builder_set_member_name (b, "duration");
  json_builder_add_double_value (b, clip->duration);
  json_builder_set_member_name (b, "keyframes");
  json_builder_begin_array (b);
  for (guint i = 0; i < clip->keyframes->len; i++)
    {
      const AtKeyframe *k = clip->keyframes->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "time");
      json_builder_add_double_value (b, k->time);
      add_string (b, "prompt", k->prompt != NULL ? k->prompt : "");
      g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, k->seed);
      add_string (b, "seed", seed);
      add_image (b, "sketch", k->sketch);
      add_image (b, "init", k->init);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static char *
project_to_json (const AtProject *p)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, "atelier-project");
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, AT_PROJECT_FORMAT_VERSION);

  json_builder_set_member_name (b, "sketch");
  add_sketch (b, p->strokes, p->sketch_image, p->underlay);

  json_builder_set_member_name (b, "parameters");
  add_params (b, p->params);
  json_builder_set_member_name (b, "seed_locked");
  json_builder_add_boolean_value (b, p->seed_locked);
  at_project_model_to_json (&p->model, b);

  json_builder_set_member_name (b, "voice");
  if (p->voice != NULL)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, p->voice_name != NULL ? p->voice_name : "");
      add_audio (b, p->voice);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "narration");
  add_narration (b, p->narration, p->narration_cues);
  json_builder_set_member_name (b, "voice_panel");
  add_voice_settings (b, &p->voice_settings);
  json_builder_set_member_name (b, "video");
  add_video (b, p->video);

  json_builder_set_member_name (b, "history");
  json_builder_begin_array (b);
  for (guint i = 0; i < p->history->len; i++)
    {
      AtHistoryItem *item = g_ptr_array_index (p->history, i);
      json_builder_begin_object (b);
      add_image (b, "image", item->image);
      json_builder_set_member_name (b, "parameters_text");
      json_builder_add_string_value (b, item->parameters != NULL ? item->parameters : "");
      g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, item->seed);
      json_builder_set_member_name (b, "seed");
      json_builder_add_string_value (b, seed);
      json_builder_set_member_name (b, "created");
      json_builder_add_int_value (b, item->created);
      json_builder_set_member_name (b, "parameters");
      add_params (b, item->request);
      add_history_inputs (b, item);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  if (p->autosave_of != NULL)
    add_string (b, "autosave_of", p->autosave_of);
  if (p->search_index != NULL)
    {
      json_builder_set_member_name (b, "search_index");
      json_builder_add_value (b, at_search_index_to_json (p->search_index));
    }
  json_builder_end_object (b);

  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

/* As GIO reports file errors: the callers match G_IO_ERROR codes. */
static gboolean
fail_save (GError **error, GError *cause)
{
  GIOErrorEnum code = cause->domain == G_FILE_ERROR ? g_io_error_from_file_error (cause->code) : G_IO_ERROR_FAILED;
  if (cause->domain == G_IO_ERROR)
    code = cause->code;
  g_set_error (error, G_IO_ERROR, code, "Could not save the project: %s", cause->message);
  g_error_free (cause);
  return FALSE;
}

/* Through media/atomic-file.h: readers see the old file or the new one,
 * never half of either, and a crash or kill -9 leaves no temporary file. */
static gboolean
write_atomically (GFile *file, const char *data, gsize len, GError **error)
{
  g_autofree char *path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "Projects can only be saved to local folders");
      return FALSE;
    }
  GError *cause = NULL;
  g_autoptr (AtAtomicFile) out = at_atomic_file_new (path, &cause);
  if (out == NULL || !at_atomic_file_write_all (out, data, len, &cause))
    return fail_save (error, cause);
  if (g_atomic_int_get (&fail_before_rename))
    return fail_save (error, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, g_strerror (EIO)));
  if (!at_atomic_file_commit (out, &cause))
    return fail_save (error, cause);
  return TRUE;
}

/* The last moment to stop is before the temporary file is renamed over
 * the old one; writing it is quick next to encoding. */
static gboolean
save_project (const AtProject *project, GFile *file, GCancellable *cancellable, GError **error)
{
  g_autofree char *json = project_to_json (project);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  return write_atomically (file, json, strlen (json), error);
}

gboolean
at_project_save (const AtProject *project, GFile *file, GError **error)
{
  g_return_val_if_fail (project != NULL, FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  return save_project (project, file, NULL, error);
}

/* --- reading ------------------------------------------------------------- */

static gboolean
invalid (GError **error, const char *what)
{
  g_set_error (error, AT_PROJECT_ERROR, AT_PROJECT_ERROR_INVALID,
               "This is not a valid Atelier project (%s). It may be damaged or another kind of file.", what);
  return FALSE;
}

static gboolean
read_image (JsonObject *obj, const char *key, AtImage **out, GError **error)
{
  *out = NULL;
  if (!json_object_has_member (obj, key) || json_object_get_null_member (obj, key))
    return TRUE;
  const char *b64 = json_object_get_string_member_with_default (obj, key, NULL);
  if (b64 == NULL)
    return invalid (error, key);
  gsize len;
  g_autofree guchar *data = g_base64_decode (b64, &len);
  g_autoptr (GBytes) bytes = g_bytes_new_take (g_steal_pointer (&data), len);
  g_autoptr (GError) local = NULL;
  *out = at_image_new_from_png_bytes (bytes, &local);
  if (*out == NULL)
    return invalid (error, key);
  return TRUE;
}

static void
read_params (JsonObject *o, AtRequest *r)
{
  if (o == NULL)
    return;
  g_free (r->prompt);
  r->prompt = g_strdup (json_object_get_string_member_with_default (o, "prompt", ""));
  g_free (r->negative);
  r->negative = g_strdup (json_object_get_string_member_with_default (o, "negative", ""));
  r->steps = (int) json_object_get_int_member_with_default (o, "steps", r->steps);
  r->guidance = (float) json_object_get_double_member_with_default (o, "guidance", r->guidance);
  const char *seed = json_object_get_string_member_with_default (o, "seed", NULL);
  if (seed != NULL)
    r->seed = g_ascii_strtoull (seed, NULL, 10);
  AtSamplerKind kind;
  if (at_sampler_kind_from_string (json_object_get_string_member_with_default (o, "sampler", ""), &kind))
    r->sampler = kind;
  r->sketch_strength = (float) json_object_get_double_member_with_default (o, "sketch_strength", r->sketch_strength);
  r->strength = (float) json_object_get_double_member_with_default (o, "strength", r->strength);
  r->count = (int) json_object_get_int_member_with_default (o, "count", r->count);
  r->size = (int) json_object_get_int_member_with_default (o, "size", r->size);
}

/* Replaces *field with a copy of value (which may be *field itself). */
static void
set_string (char **field, const char *value)
{
  char *copy = g_strdup (value);
  g_free (*field);
  *field = copy;
}

/* A file without "voice_panel" (from before it existed) keeps the defaults. */
static void
read_voice_settings (JsonObject *o, AtVoiceSettings *v)
{
  if (o == NULL)
    return;
  set_string (&v->transcript_join, json_object_get_string_member_with_default (o, "transcript_join", v->transcript_join));
  set_string (&v->transcript, json_object_get_string_member_with_default (o, "transcript", NULL));
  set_string (&v->narration_source,
              json_object_get_string_member_with_default (o, "narration_source", v->narration_source));
  set_string (&v->narration_text, json_object_get_string_member_with_default (o, "narration_text", NULL));
  set_string (&v->narration_voice, json_object_get_string_member_with_default (o, "narration_voice", NULL));
  gint64 rate = json_object_get_int_member_with_default (o, "narration_rate", v->narration_rate);
  gint64 pitch = json_object_get_int_member_with_default (o, "narration_pitch", v->narration_pitch);
  v->narration_rate = (int) CLAMP (rate, AT_NARRATION_RATE_MIN, AT_NARRATION_RATE_MAX);
  v->narration_pitch = (int) CLAMP (pitch, AT_NARRATION_PITCH_MIN, AT_NARRATION_PITCH_MAX);
  v->voice_cues = json_object_get_boolean_member_with_default (o, "voice_cues", v->voice_cues);
}

static JsonObject *
get_object (JsonObject *o, const char *key)
{
  JsonNode *node = json_object_get_member (o, key);
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
get_array (JsonObject *o, const char *key)
{
  JsonNode *node = o != NULL ? json_object_get_member (o, key) : NULL;
  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* NULL for anything else than an object: a damaged file is no programming
 * error, so no criticals */
static JsonObject *
get_object_element (JsonArray *a, guint i)
{
  JsonNode *node = json_array_get_element (a, i);
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static gboolean
read_strokes (JsonObject *sketch, AtStrokeList *list, GError **error)
{
  JsonArray *strokes = get_array (sketch, "strokes");
  for (guint i = 0; strokes != NULL && i < json_array_get_length (strokes); i++)
    {
      JsonObject *s = get_object_element (strokes, i);
      if (s == NULL)
        return invalid (error, "a stroke");
      float color[4] = { 0, 0, 0, 1 };
      JsonArray *c = get_array (s, "color");
      for (guint k = 0; c != NULL && k < 4 && k < json_array_get_length (c); k++)
        color[k] = (float) json_array_get_double_element (c, k);
      g_autoptr (AtStroke) stroke = at_stroke_new ((float) json_object_get_double_member_with_default (s, "width", 0.01),
                                                   color, json_object_get_boolean_member_with_default (s, "eraser", FALSE));
      JsonArray *pts = get_array (s, "points");
      guint n = pts != NULL ? json_array_get_length (pts) : 0;
      if (n % 4 != 0)
        return invalid (error, "stroke points");
      for (guint k = 0; k < n; k += 4)
        at_stroke_add_point (stroke, json_array_get_double_element (pts, k), json_array_get_double_element (pts, k + 1),
                             json_array_get_double_element (pts, k + 2), json_array_get_double_element (pts, k + 3));
      at_stroke_list_append (list, stroke);
    }
  /* an opened project starts with an empty undo history */
  at_stroke_list_forget_history (list);
  return TRUE;
}

static gboolean
read_sketch (JsonObject *sketch, AtStrokeList *strokes, AtImage **image, AtImage **underlay, GError **error)
{
  if (!read_strokes (sketch, strokes, error))
    return FALSE;
  return sketch == NULL || (read_image (sketch, "image", image, error) && read_image (sketch, "underlay", underlay, error));
}

/* "" is how add_string() writes NULL */
static char *
dup_nonempty (JsonObject *o, const char *key)
{
  const char *value = json_object_get_string_member_with_default (o, key, NULL);
  return value != NULL && *value != '\0' ? g_strdup (value) : NULL;
}

static gboolean
read_history_inputs (JsonObject *h, AtHistoryItem *item, GError **error)
{
  item->favourite = json_object_get_boolean_member_with_default (h, "favourite", FALSE);
  item->live = json_object_get_boolean_member_with_default (h, "live", FALSE);
  JsonObject *sketch = get_object (h, "sketch");
  if (sketch == NULL)
    return TRUE;   /* from before the inputs were kept: settings only */
  g_autoptr (AtStrokeList) strokes = at_stroke_list_new ();
  g_autoptr (AtImage) image = NULL, underlay = NULL;
  if (!read_sketch (sketch, strokes, &image, &underlay, error))
    return FALSE;
  at_history_item_set_sketch (item, strokes, image, underlay);
  if (!read_image (h, "init", &item->init, error))
    return FALSE;
  item->voice_name = dup_nonempty (h, "voice_name");
  item->voice_digest = dup_nonempty (h, "voice_digest");
  item->model = dup_nonempty (h, "model");
  return TRUE;
}

/* What add_audio() wrote, or NULL when it holds no samples. */
static AtAudio *
read_audio (JsonObject *o)
{
  const char *b64 = json_object_get_string_member_with_default (o, "pcm16", "");
  gsize nbytes;
  g_autofree guchar *pcm = g_base64_decode (b64, &nbytes);
  gsize n = nbytes / 2;
  int rate = (int) json_object_get_int_member_with_default (o, "rate", 16000);
  if (n == 0 || rate <= 0)
    return NULL;
  AtAudio *audio = at_audio_new (n, rate);
  for (gsize i = 0; i < n; i++)
    {
      gint16 v;
      memcpy (&v, pcm + 2 * i, 2);
      audio->samples[i] = GINT16_FROM_LE (v) / 32767.0f;
    }
  return audio;
}

static void
read_voice (JsonObject *voice, AtProject *p)
{
  if (voice == NULL)
    return;
  p->voice = read_audio (voice);
  if (p->voice != NULL)
    p->voice_name = g_strdup (json_object_get_string_member_with_default (voice, "name", ""));
}

/* Lines that could not be shown (no text, no time) are left out; a
 * narration without any has nothing to export, so it is left out too. */
static void
read_narration (JsonObject *o, AtProject *p)
{
  JsonArray *lines = get_array (o, "subtitles");
  if (o == NULL || lines == NULL)
    return;
  g_autoptr (GPtrArray) cues = at_cue_array_new ();
  for (guint i = 0; i < json_array_get_length (lines); i++)
    {
      JsonObject *line = get_object_element (lines, i);
      if (line == NULL)
        continue;
      gint64 start = json_object_get_int_member_with_default (line, "start_ms", -1);
      gint64 end = json_object_get_int_member_with_default (line, "end_ms", -1);
      const char *text = json_object_get_string_member_with_default (line, "text", NULL);
      if (start >= 0 && end > start && text != NULL)
        g_ptr_array_add (cues, at_cue_new (start, end, text));
    }
  g_autoptr (AtAudio) audio = read_audio (o);
  if (audio == NULL || cues->len == 0)
    return;
  p->narration = g_steal_pointer (&audio);
  p->narration_cues = g_steal_pointer (&cues);
}

static gboolean
read_keyframe (JsonObject *o, AtKeyframe **out, GError **error)
{
  *out = NULL;
  if (o == NULL)
    return invalid (error, "video keyframe");
  guint64 seed = 0;
  const char *seed_text = json_object_get_string_member_with_default (o, "seed", "0");
  if (!g_ascii_string_to_unsigned (seed_text, 10, 0, G_MAXUINT64, &seed, NULL))
    return invalid (error, "video keyframe seed");
  g_autoptr (AtImage) sketch = NULL, init = NULL;
  if (!read_image (o, "sketch", &sketch, error) || !read_image (o, "init", &init, error))
    return FALSE;
  g_autofree char *prompt = dup_nonempty (o, "prompt");
  *out = at_keyframe_new (json_object_get_double_member_with_default (o, "time", -1), prompt, seed);
  (*out)->sketch = g_steal_pointer (&sketch);
  (*out)->init = g_steal_pointer (&init);
  return TRUE;
}

/* "video": null, or keyframes and settings the Video window can show. */
static gboolean
read_video (JsonObject *o, AtClip **out, GError **error)
{
  *out = NULL;
  JsonArray *keyframes = get_array (o, "keyframes");
  if (o == NULL)
    return TRUE;
  if (keyframes == NULL)
    return invalid (error, "video keyframes");
  g_autoptr (AtClip) clip = at_clip_new ((int) json_object_get_int_member_with_default (o, "fps", 0),
                                         (int) json_object_get_int_member_with_default (o, "size", 0));
  clip->duration = json_object_get_double_member_with_default (o, "duration", 0);
  for (guint i = 0; i < json_array_get_length (keyframes); i++)
    {
      AtKeyframe *k;
      if (!read_keyframe (get_object_element (keyframes, i), &k, error))
        return FALSE;
      at_clip_add (clip, k);
    }
  /* what the Video window can hold; two keyframes at one time are the
   * user's to sort out there (Render says so), not a damaged file */
  if (clip->fps < AT_CLIP_MIN_FPS || clip->fps > AT_CLIP_MAX_FPS || clip->size < AT_CLIP_MIN_SIZE ||
      clip->size > AT_CLIP_MAX_SIZE || !(clip->duration >= 0 && clip->duration <= AT_CLIP_MAX_SECONDS))
    return invalid (error, "video settings");
  for (guint i = 0; i < clip->keyframes->len; i++)
    {
      double t = ((AtKeyframe *) clip->keyframes->pdata[i])->time;
      if (!(t >= 0 && t <= AT_CLIP_MAX_SECONDS))
        return invalid (error, "video keyframe time");
    }
  *out = g_steal_pointer (&clip);
  return TRUE;
}

static gboolean
read_history (JsonArray *history, GPtrArray *items, GError **error)
{
  for (guint i = 0; history != NULL && i < json_array_get_length (history); i++)
    {
      JsonObject *h = get_object_element (history, i);
      if (h == NULL)
        return invalid (error, "a history entry");
      g_autoptr (AtImage) img = NULL;
      if (!read_image (h, "image", &img, error))
        return FALSE;
      if (img == NULL)
        continue;
      g_autoptr (AtRequest) r = at_request_new ();
      read_params (get_object (h, "parameters"), r);
      const char *seed = json_object_get_string_member_with_default (h, "seed", "0");
      AtHistoryItem *item = at_history_item_new (img, json_object_get_string_member_with_default (h, "parameters_text", ""),
                                                 r, g_ascii_strtoull (seed, NULL, 10));
      item->created = json_object_get_int_member_with_default (h, "created", item->created);
      g_ptr_array_add (items, item);
      if (!read_history_inputs (h, item, error))
        return FALSE;
    }
  return TRUE;
}

/* The top-level object, once it says it is a project this Atelier reads. */
static JsonObject *
read_header (JsonParser *parser, const char *data, gsize len, GError **error)
{
  g_autoptr (GError) local = NULL;
  if (!json_parser_load_from_data (parser, data, len, &local))
    return invalid (error, local->message), NULL;
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return invalid (error, "no top-level object"), NULL;
  JsonObject *o = json_node_get_object (root);
  if (g_strcmp0 (json_object_get_string_member_with_default (o, "format", ""), "atelier-project") != 0)
    return invalid (error, "no “format”: “atelier-project”"), NULL;
  gint64 version = json_object_get_int_member_with_default (o, "version", 0);
  if (version > AT_PROJECT_FORMAT_VERSION)
    {
      g_set_error (error, AT_PROJECT_ERROR, AT_PROJECT_ERROR_VERSION,
                   "This project was saved by a newer Atelier (format %" G_GINT64_FORMAT "); update Atelier to open it.",
                   version);
      return NULL;
    }
  return o;
}

/* The stored search index is a cache: a damaged one is dropped (the
 * images are embedded again), never a reason to refuse the project. */
static void
read_search_index (JsonObject *o, AtProject *p)
{
  JsonNode *node = json_object_get_member (o, "search_index");
  g_autoptr (GError) error = NULL;
  if (node != NULL && (p->search_index = at_search_index_from_json (node, &error)) == NULL)
    g_message ("The project's search index is ignored: %s", error->message);
}

static AtProject *
project_from_json (const char *data, gsize len, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o = read_header (parser, data, len, error);
  if (o == NULL)
    return NULL;
  g_autoptr (AtProject) p = at_project_new ();
  if (!read_sketch (get_object (o, "sketch"), p->strokes, &p->sketch_image, &p->underlay, error))
    return NULL;
  read_params (get_object (o, "parameters"), p->params);
  p->seed_locked = json_object_get_boolean_member_with_default (o, "seed_locked", FALSE);
  at_project_model_from_json (o, &p->model);
  read_voice (get_object (o, "voice"), p);
  read_narration (get_object (o, "narration"), p);
  read_voice_settings (get_object (o, "voice_panel"), &p->voice_settings);
  if (!read_history (get_array (o, "history"), p->history, error))
    return NULL;
  if (!read_video (get_object (o, "video"), &p->video, error))
    return NULL;
  p->autosave_of = dup_nonempty (o, "autosave_of");
  read_search_index (o, p);
  return g_steal_pointer (&p);
}

static AtProject *
load_project (GFile *file, GCancellable *cancellable, GError **error)
{
  g_autofree char *data = NULL;
  gsize len;
  if (!g_file_load_contents (file, cancellable, &data, &len, NULL, error))
    return NULL;
  return project_from_json (data, len, error);
}

AtProject *
at_project_load (GFile *file, GError **error)
{
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  return load_project (file, NULL, error);
}

/* --- on a worker ---------------------------------------------------------- */

/* As GIO's own file operations do, the tasks have the file as their source
 * object; a save's task data is the project. */

static void
save_thread (GTask *task, gpointer file, gpointer project, GCancellable *cancellable)
{
  GError *error = NULL;
  if (save_project (project, file, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
at_project_save_async (AtProject *project, GFile *file, GCancellable *cancellable, GAsyncReadyCallback callback,
                       gpointer user_data)
{
  g_return_if_fail (project != NULL);
  g_return_if_fail (G_IS_FILE (file));
  g_autoptr (GTask) task = g_task_new (file, cancellable, callback, user_data);
  g_task_set_source_tag (task, at_project_save_async);
  g_task_set_task_data (task, project, (GDestroyNotify) at_project_free);
  /* the result tells what became of the file, even if cancelled too late */
  g_task_set_check_cancellable (task, FALSE);
  at_task_run_in_thread (task, save_thread);
}

gboolean
at_project_save_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_async_result_is_tagged (result, at_project_save_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
load_thread (GTask *task, gpointer file, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  AtProject *p = load_project (file, cancellable, &error);
  if (p != NULL)
    g_task_return_pointer (task, p, (GDestroyNotify) at_project_free);
  else
    g_task_return_error (task, error);
}

void
at_project_load_async (GFile *file, GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (G_IS_FILE (file));
  g_autoptr (GTask) task = g_task_new (file, cancellable, callback, user_data);
  g_task_set_source_tag (task, at_project_load_async);
  at_task_run_in_thread (task, load_thread);
}

AtProject *
at_project_load_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_async_result_is_tagged (result, at_project_load_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
