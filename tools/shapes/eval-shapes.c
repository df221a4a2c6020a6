/* eval-shapes.c — how well words and doodles find their shapes (MODEL_CARD.md).
 *
 *   atelier-eval-shapes words FILE.tsv      word<TAB>shape[|shape...] per line
 *   atelier-eval-shapes doodles STEP AMP    every STEP-th shape, redrawn with a
 *                                           wobble of AMP (fraction of the side);
 *                                           STEP 0: the shapes whose concept is in
 *                                           the model's held-out test split
 *   atelier-eval-shapes sketches DIR        DIR/<name>[+<name>...].png drawings
 *   atelier-eval-shapes prior N DIR         text-only images of N held-out concepts
 *                                           ("blue NAME"...) with and without the
 *                                           shape prior, and the shape, as PNGs in
 *                                           DIR for tools/shapes/eval_prior.py
 * A hit is a shape of the expected name (either icon set) in the top 1 / 5.
 */
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "shapes/shape-raster.h"
#include "shapes/shape-suggest.h"

/* 0-based rank of the first match named as one of names, or -1. */
static int
rank_of (const AtShapeLibrary *lib, const AtShapeMatches *m, char **names)
{
  for (guint i = 0; i < m->matches->len; i++)
    {
      const AtShape *s = at_shape_library_get_shape (lib, ((AtShapeMatch *) m->matches->pdata[i])->shape);
      if (g_strv_contains ((const char *const *) names, s->name))
        return i;
    }
  return -1;
}

typedef struct { guint n, top1, top5; } Tally;

static void
count (Tally *t, int rank)
{
  t->n++;
  t->top1 += rank == 0;
  t->top5 += rank >= 0 && rank < 5;
}

static void
report (const char *what, const Tally *t)
{
  printf ("%s: n %u  top-1 %.1f %%  top-5 %.1f %%\n", what, t->n, 100.0 * t->top1 / MAX (t->n, 1),
          100.0 * t->top5 / MAX (t->n, 1));
}

static gboolean
eval_words (AtEngine *engine, const AtShapeLibrary *lib, const char *path, GError **error)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, error))
    return FALSE;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  Tally t = { 0 };
  for (char **l = lines; *l != NULL; l++)
    {
      g_auto (GStrv) f = g_strsplit (*l, "\t", 2);
      if (f[0] == NULL || f[1] == NULL || f[0][0] == '#')
        continue;
      g_auto (GStrv) names = g_strsplit (g_strstrip (f[1]), "|", -1);
      g_autoptr (AtShapeMatches) m = at_engine_suggest_text (engine, f[0], 5, error);
      if (m == NULL)
        return FALSE;
      int r = rank_of (lib, m, names);
      const char *got = m->matches->len > 0
                          ? at_shape_library_get_shape (lib, ((AtShapeMatch *) m->matches->pdata[0])->shape)->name
                          : "-";
      printf ("%-20s %-16s rank %d (top: %s)\n", f[0], f[1], r, got);
      count (&t, r);
    }
  report ("words", &t);
  return TRUE;
}

/* tools/dataset/build.py's split_of ("icon:" + name) == 2. */
static gboolean
held_out (const char *name)
{
  g_autofree char *key = g_strconcat ("icon:", name, NULL);
  g_autofree char *md5 = g_compute_checksum_for_string (G_CHECKSUM_MD5, key, -1);
  md5[8] = '\0';
  return g_ascii_strtoull (md5, NULL, 16) % 100 < 4;
}

static gboolean
eval_doodles (AtEngine *engine, const AtShapeLibrary *lib, guint step, double amp, GError **error)
{
  Tally t = { 0 };
  for (guint i = 0; i < at_shape_library_get_n_shapes (lib); i += MAX (step, 1))
    {
      const AtShape *s = at_shape_library_get_shape (lib, i);
      if (step == 0 && !held_out (s->name))
        continue;
      g_autoptr (AtImage) img = at_shape_render_wobbled (s, 4 * at_engine_get_native_size (engine), amp, i);
      g_autoptr (AtShapeMatches) m = at_engine_suggest_sketch (engine, img, 5, error);
      if (m == NULL)
        return FALSE;
      char *names[] = { s->name, NULL };
      count (&t, rank_of (lib, m, names));
    }
  g_autofree char *what = g_strdup_printf ("doodles%s (wobble %.3f)", step == 0 ? ", held-out concepts" : "", amp);
  report (what, &t);
  return TRUE;
}

static gboolean
eval_sketches (AtEngine *engine, const AtShapeLibrary *lib, const char *dir, GError **error)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, error);
  if (d == NULL)
    return FALSE;
  Tally t = { 0 };
  for (const char *f; (f = g_dir_read_name (d)) != NULL;)
    {
      if (!g_str_has_suffix (f, ".png"))
        continue;
      g_autofree char *path = g_build_filename (dir, f, NULL);
      g_autofree char *name = g_strndup (f, strlen (f) - 4);
      g_strdelimit (name, "-_", ' ');
      g_autoptr (AtImage) img = at_image_load (path, error);
      g_autoptr (AtShapeMatches) m = img != NULL ? at_engine_suggest_sketch (engine, img, 5, error) : NULL;
      if (m == NULL)
        return FALSE;
      g_auto (GStrv) names = g_strsplit (name, "+", -1);
      int r = rank_of (lib, m, names);
      printf ("%-20s rank %d\n", name, r);
      count (&t, r);
    }
  report ("hand-drawn sketches", &t);
  return TRUE;
}

static gboolean
generate_to (AtEngine *engine, const char *prompt, const char *shape, const char *path, GError **error)
{
  g_autoptr (AtRequest) r = at_request_new ();
  int steps;
  float guidance;
  at_engine_get_defaults (engine, &steps, &guidance);
  r->prompt = g_strdup (prompt);
  r->shape = g_strdup (shape);
  r->steps = steps;
  r->guidance = guidance;
  r->seed = 1;
  r->size = at_engine_get_native_size (engine);
  g_autoptr (AtResult) res = at_engine_generate (engine, r, NULL, NULL, NULL, error);
  return res != NULL && at_image_save_png (res->images->pdata[0], path, NULL, NULL, error);
}

static gboolean
eval_prior (AtEngine *engine, const AtShapeLibrary *lib, guint n, const char *dir, GError **error)
{
  static const char *const colours[] = { "blue", "red", "green", "yellow", "purple", "orange" };
  if (g_mkdir_with_parents (dir, 0755) != 0)
    return g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot make %s", dir), FALSE;
  guint done = 0;
  for (guint i = 0; i < at_shape_library_get_n_shapes (lib) && done < n; i++)
    {
      const AtShape *s = at_shape_library_get_shape (lib, i);
      if (!held_out (s->name) || at_shape_library_lookup (lib, s->name) != (int) i)
        continue;
      g_autofree char *prompt = g_strdup_printf ("%s %s", colours[done % G_N_ELEMENTS (colours)], s->name);
      g_autofree char *stem = g_strdelimit (g_strdup_printf ("%02u-%s", done, prompt), " ", '_');
      g_autofree char *shape_path = g_strdup_printf ("%s/%s-shape.png", dir, stem);
      g_autofree char *with_path = g_strdup_printf ("%s/%s-prior.png", dir, stem);
      g_autofree char *without_path = g_strdup_printf ("%s/%s-none.png", dir, stem);
      g_autoptr (AtImage) sketch = at_shape_render_model_sketch (s, at_engine_get_native_size (engine));
      if (!at_image_save_png (sketch, shape_path, NULL, NULL, error) || !generate_to (engine, prompt, "auto", with_path, error)
          || !generate_to (engine, prompt, "none", without_path, error))
        return FALSE;
      printf ("%s\n", prompt);
      done++;
    }
  return TRUE;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  if (argc < 3)
    {
      fprintf (stderr, "usage: %s words FILE.tsv | doodles STEP AMP | sketches DIR | prior N DIR\n", argv[0]);
      return 2;
    }
  g_autoptr (AtEngine) engine = at_engine_new (NULL, NULL, &error);
  AtShapeLibrary *lib = engine != NULL ? at_shape_library_get_default (&error) : NULL;
  gboolean ok = lib != NULL;
  if (ok && strcmp (argv[1], "words") == 0)
    ok = eval_words (engine, lib, argv[2], &error);
  else if (ok && strcmp (argv[1], "doodles") == 0 && argc > 3)
    ok = eval_doodles (engine, lib, atoi (argv[2]), g_ascii_strtod (argv[3], NULL), &error);
  else if (ok && strcmp (argv[1], "prior") == 0 && argc > 3)
    ok = eval_prior (engine, lib, atoi (argv[2]), argv[3], &error);
  else if (ok && strcmp (argv[1], "sketches") == 0)
    ok = eval_sketches (engine, lib, argv[2], &error);
  if (!ok)
    {
      fprintf (stderr, "atelier-eval-shapes: %s\n", error != NULL ? error->message : "bad arguments");
      return 1;
    }
  return 0;
}
