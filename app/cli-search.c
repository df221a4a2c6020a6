/* cli-search.c — `atelier search`: a folder of PNGs or a project's history
 * ranked against a text, a sketch, a voice clip or another image; and
 * `atelier caption`: colour, object and style tags of images. The work is in
 * engine/search/; this file parses, calls and prints. */
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "app/cli-args.h"
#include "app/cli-json.h"
#include "app/cli-tags.h"
#include "app/cli.h"
#include "audio/cues.h"
#include "audio/voice-tone.h"
#include "engine.h"
#include "search/caption.h"
#include "search/search-query.h"
#include "search/search-remix.h"
#include "search/search-update.h"
#include "search/search-voice.h"
#include "search/search-words.h"
#include "ui/project.h"

#define PROJECT_SUFFIX ".atelier"

typedef struct {
  char *text, *sketch, *voice, *image, *plus, *minus, *count_text, *device, *model_dir;
  gboolean json;
  char **where;
} SearchOptions;

static void
search_options_clear (SearchOptions *o)
{
  g_free (o->text);
  g_free (o->sketch);
  g_free (o->voice);
  g_free (o->image);
  g_free (o->plus);
  g_free (o->minus);
  g_free (o->count_text);
  g_free (o->device);
  g_free (o->model_dir);
  g_strfreev (o->where);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SearchOptions, search_options_clear)

static gboolean
parse_search (int argc, char **argv, SearchOptions *o, gint64 *count, GError **error)
{
  GOptionEntry entries[] = {
    { "text", 't', 0, G_OPTION_ARG_STRING, &o->text, "Find images that match these words", "TEXT" },
    { "sketch", 's', 0, G_OPTION_ARG_FILENAME, &o->sketch, "Find images shaped like this drawing (PNG)", "FILE" },
    { "voice", 0, 0, G_OPTION_ARG_FILENAME, &o->voice, "Find images that match this spoken clip", "FILE" },
    { "image", 'i', 0, G_OPTION_ARG_FILENAME, &o->image, "Find images like this one (PNG)", "FILE" },
    { "plus", 0, 0, G_OPTION_ARG_STRING, &o->plus, "Add these words to the query (remix: --image F --minus red --plus blue)", "TEXT" },
    { "minus", 0, 0, G_OPTION_ARG_STRING, &o->minus, "Take these words away from the query", "TEXT" },
    { "count", 'n', 0, G_OPTION_ARG_STRING, &o->count_text, "How many images to list (default 10)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, "Print JSON on stdout", NULL },
    { "device", 0, 0, G_OPTION_ARG_STRING, &o->device, "Vulkan device (index or part of its name)", "DEVICE" },
    { "model-dir", 0, 0, G_OPTION_ARG_FILENAME, &o->model_dir, "Use the model in this folder", "DIR" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->where, NULL, "DIR|PROJECT.atelier" },
    { NULL }
  };
  g_autoptr (GOptionContext) context
      = g_option_context_new ("DIR|PROJECT.atelier --text TEXT | --sketch FILE | --voice FILE | --image FILE");
  g_option_context_set_summary (context, "Ranks the PNG images of a folder, or a project's history, by how well "
                                         "they match the query. A folder's embeddings are cached in "
                                         AT_SEARCH_FOLDER_CACHE " inside it.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, error))
    return FALSE;
  if (o->where == NULL || o->where[0] == NULL || o->where[1] != NULL)
    return at_cli_bad_value (error, "Give one folder of PNG images or one project file to search in");
  int queries = (o->text != NULL) + (o->sketch != NULL) + (o->voice != NULL) + (o->image != NULL);
  if (queries != 1)
    return at_cli_bad_value (error, "Give exactly one query: --text, --sketch, --voice or --image");
  *count = 10;
  return at_cli_int_arg ("--count", o->count_text, 1, 1000, count, error);
}

static float *embed_plain_query (AtEngine *engine, const SearchOptions *o, char **words, GError **error);

/* The query as an embedding, with --plus and --minus applied; *words: the
 * typed or heard words the images' object words are matched with (none
 * for a remix). */
static float *
embed_query (AtEngine *engine, const SearchOptions *o, char **words, GError **error)
{
  g_autofree float *q = embed_plain_query (engine, o, words, error);
  if (q == NULL || ((o->plus != NULL || o->minus != NULL)
                    && !at_engine_search_remix_text (engine, q, o->plus, o->minus, error)))
    return NULL;
  if (o->plus != NULL || o->minus != NULL)
    g_clear_pointer (words, g_free);
  return g_steal_pointer (&q);
}

/* The clip's transcript and sound; what was heard goes to stderr. */
static float *
embed_voice_query (AtEngine *engine, const char *path, gboolean json, char **words, GError **error)
{
  g_autoptr (AtAudio) voice = at_audio_load (path, error);
  g_autoptr (AtVoiceQuery) q = voice != NULL ? at_engine_search_embed_spoken (engine, voice, NULL, NULL, error) : NULL;
  if (q == NULL)
    return NULL;
  if (q->transcript != NULL && !json)
    fprintf (stderr, "Heard: “%s”%s\n", q->transcript,
             q->has_words ? "" : " (no object word: searching by the sound)");
  if (q->notice != NULL)
    fprintf (stderr, "Note: %s\n", q->notice);
  if (q->has_words)
    *words = g_steal_pointer (&q->transcript);
  return g_steal_pointer (&q->embedding);
}

static float *
embed_plain_query (AtEngine *engine, const SearchOptions *o, char **words, GError **error)
{
  if (o->text != NULL)
    {
      *words = g_strdup (o->text);
      return at_engine_search_embed_text (engine, o->text, error);
    }
  if (o->voice != NULL)
    return embed_voice_query (engine, o->voice, o->json, words, error);
  g_autoptr (AtImage) img = at_image_load (o->sketch != NULL ? o->sketch : o->image, error);
  if (img == NULL)
    return NULL;
  return o->sketch != NULL ? at_engine_search_embed_sketch (engine, img, error)
                           : at_engine_search_embed_image (engine, img, error);
}

/* What was searched: names for the index's keys (a file's path, or a
 * history item's number and prompt). */
typedef struct {
  AtSearchIndex *index;
  AtSearchUpdate update;
  AtProject *project;        /* when a project was searched */
  GHashTable *item_of_key;   /* key -> history index + 1 */
} Searched;

static void
searched_clear (Searched *s)
{
  g_clear_pointer (&s->index, at_search_index_free);
  at_search_update_clear (&s->update);
  g_clear_pointer (&s->project, at_project_free);
  g_clear_pointer (&s->item_of_key, g_hash_table_unref);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Searched, searched_clear)

/* A project's history, with the index it stored (updated here, not saved:
 * searching does not change the file). */
static gboolean
index_project (AtEngine *engine, const char *path, Searched *s, GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_commandline_arg (path);
  if ((s->project = at_project_load (file, error)) == NULL)
    return FALSE;
  GPtrArray *history = s->project->history;
  if (history->len == 0)
    {
      g_set_error (error, AT_SEARCH_ERROR, AT_SEARCH_ERROR_NOT_FOUND, "%s has no images in its history", path);
      return FALSE;
    }
  g_autofree AtImage **images = g_new (AtImage *, history->len);
  s->item_of_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < history->len; i++)
    {
      images[i] = ((AtHistoryItem *) history->pdata[i])->image;
      g_hash_table_insert (s->item_of_key, at_search_image_key (images[i]), GUINT_TO_POINTER (i + 1));
    }
  s->index = g_steal_pointer (&s->project->search_index);
  return at_engine_search_index_images (engine, &s->index, images, history->len, NULL, &s->update, error);
}

static gboolean
index_where (AtEngine *engine, const char *where, Searched *s, GError **error)
{
  if (g_file_test (where, G_FILE_TEST_IS_DIR))
    return (s->index = at_engine_search_index_folder (engine, where, NULL, &s->update, error)) != NULL;
  if (g_str_has_suffix (where, PROJECT_SUFFIX))
    return index_project (engine, where, s, error);
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "%s is neither a folder nor a project file (.atelier)", where);
  return FALSE;
}

/* A hit's history item, or NULL for a file. */
static const AtHistoryItem *
item_of (const Searched *s, const AtSearchHit *hit, guint *number)
{
  if (s->item_of_key == NULL)
    return NULL;
  *number = GPOINTER_TO_UINT (g_hash_table_lookup (s->item_of_key, hit->entry->key));
  return s->project->history->pdata[*number - 1];
}

static void
add_string_or_null (JsonBuilder *b, const char *member, const char *value)
{
  json_builder_set_member_name (b, member);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
print_search_json (const char *where, const Searched *s, GArray *hits)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "results");
  json_builder_begin_array (b);
  for (guint i = 0; i < hits->len; i++)
    {
      const AtSearchHit *hit = &g_array_index (hits, AtSearchHit, i);
      guint number = 0;
      const AtHistoryItem *item = item_of (s, hit, &number);
      json_builder_begin_object (b);
      if (item != NULL)
        {
          json_builder_set_member_name (b, "history_item");
          json_builder_add_int_value (b, number);
          add_string_or_null (b, "prompt", item->request != NULL ? item->request->prompt : NULL);
        }
      else
        {
          g_autofree char *path = g_build_filename (where, hit->entry->key, NULL);
          add_string_or_null (b, "path", path);
        }
      json_builder_set_member_name (b, "score");
      json_builder_add_double_value (b, hit->score);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "embedded");
  json_builder_add_int_value (b, s->update.embedded);
  json_builder_set_member_name (b, "reused");
  json_builder_add_int_value (b, s->update.kept);
  json_builder_set_member_name (b, "skipped");
  json_builder_begin_array (b);
  for (guint i = 0; i < s->update.skipped->len; i++)
    json_builder_add_string_value (b, s->update.skipped->pdata[i]);
  json_builder_end_array (b);
  add_string_or_null (b, "notice", s->update.notice);
  json_builder_end_object (b);
  at_cli_print_json (b);
}

static void
print_search_text (const char *where, const Searched *s, GArray *hits)
{
  for (guint i = 0; i < hits->len; i++)
    {
      const AtSearchHit *hit = &g_array_index (hits, AtSearchHit, i);
      guint number = 0;
      const AtHistoryItem *item = item_of (s, hit, &number);
      if (item != NULL)
        printf ("%.3f  history item %u: %s\n", hit->score, number,
                item->request != NULL && item->request->prompt != NULL ? item->request->prompt : "");
      else
        {
          g_autofree char *path = g_build_filename (where, hit->entry->key, NULL);
          printf ("%.3f  %s\n", hit->score, path);
        }
    }
  for (guint i = 0; i < s->update.skipped->len; i++)
    fprintf (stderr, "Skipped %s\n", (const char *) s->update.skipped->pdata[i]);
  if (s->update.notice != NULL)
    fprintf (stderr, "Note: %s\n", s->update.notice);
}

int
at_cli_search (int argc, char **argv)
{
  g_auto (SearchOptions) o = { 0 };
  g_auto (Searched) s = { 0 };
  GError *error = NULL;
  gint64 count = 0;
  g_autoptr (AtEngine) engine = NULL;
  g_autofree float *query = NULL;
  g_autofree char *words = NULL;
  if (!parse_search (argc, argv, &o, &count, &error)
      || (engine = at_engine_new (o.device, o.model_dir, &error)) == NULL
      || (query = embed_query (engine, &o, &words, &error)) == NULL || !index_where (engine, o.where[0], &s, &error))
    return at_cli_fail ("search", error);
  if (at_search_index_get_size (s.index) == 0)
    return at_cli_fail ("search", g_error_new (AT_SEARCH_ERROR, AT_SEARCH_ERROR_NOT_FOUND,
                                               "%s has no PNG images that could be read", o.where[0]));
  /* typed or heard words also count through the images' object words */
  g_autoptr (GArray) hits = words != NULL ? at_engine_search_rank_text (engine, s.index, words, query, (guint) count)
                                          : at_search_index_rank (s.index, query, (guint) count);
  if (o.json)
    print_search_json (o.where[0], &s, hits);
  else
    print_search_text (o.where[0], &s, hits);
  return AT_EXIT_OK;
}

/* ------------------------------------------------------------ caption */

typedef struct {
  char *objects_text, *voice, *device, *model_dir;
  gboolean json;
  char **images;
} CaptionOptions;

static void
caption_options_clear (CaptionOptions *o)
{
  g_free (o->objects_text);
  g_free (o->voice);
  g_free (o->device);
  g_free (o->model_dir);
  g_strfreev (o->images);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CaptionOptions, caption_options_clear)

static gboolean
parse_caption (int argc, char **argv, CaptionOptions *o, gint64 *objects, GError **error)
{
  GOptionEntry entries[] = {
    { "objects", 0, 0, G_OPTION_ARG_STRING, &o->objects_text, "How many object words to tag (default 3)", "N" },
    { "voice", 0, 0, G_OPTION_ARG_FILENAME, &o->voice,
      "Add the tone of this voice prompt (calm, neutral, energetic, tense; docs/VOICE_CUES.md)", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, "Print JSON on stdout", NULL },
    { "device", 0, 0, G_OPTION_ARG_STRING, &o->device, "Vulkan device (index or part of its name)", "DEVICE" },
    { "model-dir", 0, 0, G_OPTION_ARG_FILENAME, &o->model_dir, "Use the model in this folder", "DIR" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->images, NULL, "IMAGE.png…" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("IMAGE.png… - colour, object and style tags");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, error))
    return FALSE;
  if (o->images == NULL || o->images[0] == NULL)
    return at_cli_bad_value (error, "Give one or more PNG images to caption");
  *objects = AT_CAPTION_DEFAULT_OBJECTS;
  return at_cli_int_arg ("--objects", o->objects_text, 1, 20, objects, error);
}

static void
add_words (JsonBuilder *b, GArray *words)
{
  json_builder_begin_array (b);
  for (guint i = 0; i < words->len; i++)
    {
      const AtCaptionWord *w = &g_array_index (words, AtCaptionWord, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "word");
      json_builder_add_string_value (b, w->word);
      json_builder_set_member_name (b, "score");
      json_builder_add_double_value (b, w->score);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
add_caption_json (JsonBuilder *b, const char *path, const AtCaption *c)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "image");
  json_builder_add_string_value (b, path);
  at_cli_add_caption_tags (b, c);
  for (int k = 0; k < AT_CAPTION_N_KINDS; k++)
    {
      g_autofree char *member = g_strconcat (at_caption_kind_to_string (k), "s", NULL);
      json_builder_set_member_name (b, member);
      add_words (b, c->words[k]);
    }
  json_builder_end_object (b);
}

static void
print_caption_text (const char *path, const AtCaption *c)
{
  printf ("%s: %s\n", path, c->text);
  for (int k = 0; k < AT_CAPTION_N_KINDS; k++)
    {
      printf ("  %-7s", at_caption_kind_to_string (k));
      for (guint i = 0; i < c->words[k]->len; i++)
        {
          const AtCaptionWord *w = &g_array_index (c->words[k], AtCaptionWord, i);
          printf (" %s %.3f", w->word, w->score);
        }
      printf ("\n");
    }
}

/* The tone of the voice clip at path, as voice-tone.h names it: the cues
 * measured with the clip's transcript timing the speaking rate. */
static const char *
voice_tone (const char *path, GError **error)
{
  g_autoptr (AtAudio) audio = at_audio_load (path, error);
  if (audio == NULL)
    return g_prefix_error (error, "Voice: "), NULL;
  g_autoptr (AtTranscript) transcript = at_transcribe (audio, NULL, NULL, NULL, error);
  if (transcript == NULL)
    return g_prefix_error (error, "Voice: "), NULL;
  g_autoptr (AtVoiceCues) cues = at_voice_cues_measure (audio, transcript, error);
  if (cues == NULL)
    return g_prefix_error (error, "Voice %s: ", path), NULL;
  return at_voice_tone_to_string (at_voice_tone_from_cues (cues));
}

int
at_cli_caption (int argc, char **argv)
{
  g_auto (CaptionOptions) o = { 0 };
  GError *error = NULL;
  gint64 objects = 0;
  g_autoptr (AtEngine) engine = NULL;
  if (!parse_caption (argc, argv, &o, &objects, &error)
      || (engine = at_engine_new (o.device, o.model_dir, &error)) == NULL)
    return at_cli_fail ("caption", error);
  /* every image read before anything is printed: a bad one stops the run cleanly */
  guint n = g_strv_length (o.images);
  g_autoptr (GPtrArray) images = g_ptr_array_new_with_free_func ((GDestroyNotify) at_image_free);
  for (guint i = 0; i < n; i++)
    {
      AtImage *img = at_image_load (o.images[i], &error);
      if (img == NULL)
        return at_cli_fail ("caption", error);
      g_ptr_array_add (images, img);
    }
  const char *tone = NULL;
  if (o.voice != NULL && (tone = voice_tone (o.voice, &error)) == NULL)
    return at_cli_fail ("caption", error);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (AtCaption) c = at_engine_caption_image (engine, images->pdata[i], (guint) objects, &error);
      if (c == NULL)
        return at_cli_fail ("caption", error);
      if (tone != NULL)
        at_caption_add_tone (c, tone);
      if (o.json)
        add_caption_json (b, o.images[i], c);
      else
        print_caption_text (o.images[i], c);
    }
  json_builder_end_array (b);
  if (o.json)
    at_cli_print_json (b);
  return AT_EXIT_OK;
}
