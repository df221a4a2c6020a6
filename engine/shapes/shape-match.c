/* shape-match.c — prompt words to shapes by name, tag and WordNet. */
#define G_LOG_DOMAIN "atelier-engine"

#include <string.h>

#include "shapes/shape-match.h"
#include "shapes/wordnet.h"

/* How far WordNet is followed: the three most common senses, two steps up
 * ("kitty" -> domestic cat -> cat). Further steps reach words such as
 * "animal" or "vehicle" that name a category, not the thing. */
#define WORDNET_SENSES 3
#define WORDNET_STEPS 2

static const char *const ignored_words[] = {
  /* little words */
  "a", "an", "the", "of", "with", "and", "or", "on", "in", "at", "to", "for", "my", "some", "this",
  "that", "is", "are", "very", "its", "it", "by", "from", "into", "over", "under", "two", "three",
  /* colours */
  "red", "orange", "yellow", "green", "blue", "purple", "violet", "pink", "brown", "black", "white",
  "gray", "grey", "gold", "golden", "silver", "cyan", "magenta", "teal", "navy", "beige", "colorful",
  "colourful", "dark", "light", "bright", "pale",
  /* sizes */
  "big", "small", "large", "tiny", "huge", "little", "giant", "tall", "short", "long", "wide",
  /* styles */
  "outline", "outlined", "filled", "line", "lines", "sketch", "drawing", "drawn", "icon", "simple",
  "cute", "flat", "minimal", "bold", "thin", "thick", "cartoon", "style", "picture", "image", "photo",
  "emoji", "clean", "happy", "nice", "pretty",
};

gboolean
at_shape_word_is_ignored (const char *word)
{
  for (gsize i = 0; i < G_N_ELEMENTS (ignored_words); i++)
    if (strcmp (word, ignored_words[i]) == 0)
      return TRUE;
  return FALSE;
}

const char *
at_shape_match_kind_to_string (AtShapeMatchKind kind)
{
  static const char *const names[] = { "name", "tag", "wordnet", "text-embedding", "sketch-embedding", "chosen" };
  return kind < G_N_ELEMENTS (names) ? names[kind] : "unknown";
}

AtShapeMatch *
at_shape_match_new (guint shape, float score, AtShapeMatchKind kind, int word, const char *how)
{
  AtShapeMatch *m = g_new0 (AtShapeMatch, 1);
  *m = (AtShapeMatch) { shape, score, kind, word, g_strdup (how) };
  return m;
}

void
at_shape_match_free (AtShapeMatch *match)
{
  if (match == NULL)
    return;
  g_free (match->how);
  g_free (match);
}

void
at_shape_matches_free (AtShapeMatches *matches)
{
  if (matches == NULL)
    return;
  g_ptr_array_unref (matches->matches);
  g_ptr_array_unref (matches->words);
  g_ptr_array_unref (matches->unknown);
  g_ptr_array_unref (matches->ignored);
  g_free (matches->notice);
  g_free (matches);
}

/* Better first: higher trust (kind), then score, then earlier word, then library order. */
static int
compare (const AtShapeMatch *a, const AtShapeMatch *b)
{
  if (a->kind != b->kind)
    return a->kind < b->kind ? -1 : 1;
  if (a->score != b->score)
    return a->score > b->score ? -1 : 1;
  if (a->word != b->word)
    return (guint) a->word < (guint) b->word ? -1 : 1;
  return a->shape < b->shape ? -1 : a->shape > b->shape;
}

void
at_shape_matches_add (AtShapeMatches *matches, AtShapeMatch *m)
{
  GPtrArray *list = matches->matches;
  for (guint i = 0; i < list->len; i++)
    {
      AtShapeMatch *old = list->pdata[i];
      if (old->shape != m->shape)
        continue;
      if (compare (m, old) >= 0)
        {
          at_shape_match_free (m);
          return;
        }
      g_ptr_array_remove_index (list, i);
      break;
    }
  guint at = 0;
  while (at < list->len && compare (list->pdata[at], m) <= 0)
    at++;
  g_ptr_array_insert (list, at, m);
}

/* Adds every shape of a name/tag index hit; returns how many. */
static guint
add_found (AtShapeMatches *out, const guint *found, guint n, float score, AtShapeMatchKind kind, int word,
           const char *how)
{
  for (guint i = 0; i < n; i++)
    at_shape_matches_add (out, at_shape_match_new (found[i], score, kind, word, how));
  return n;
}

static guint
match_tags (const AtShapeLibrary *lib, AtShapeMatches *out, const char *word, int index, float score)
{
  guint n = 0, added = 0;
  const guint *found = at_shape_library_find_tagged (lib, word, &n);
  g_autofree char *how = g_strdup_printf ("tag %s", word);
  for (guint i = 0; i < n; i++)
    {
      /* a shape whose first tags carry the word is more about it */
      const AtShape *shape = at_shape_library_get_shape (lib, found[i]);
      guint pos = 0;
      while (shape->tags[pos] != NULL && strcmp (shape->tags[pos], word) != 0)
        pos++;
      at_shape_matches_add (out, at_shape_match_new (found[i], score - 0.005f * MIN (pos, 10), AT_SHAPE_MATCH_TAG,
                                                     index, how));
      added++;
    }
  return added;
}

static guint
match_wordnet (const AtShapeLibrary *lib, AtShapeMatches *out, const char *word, int index)
{
  g_autoptr (GPtrArray) lemmas = at_wordnet_related_nouns (word, WORDNET_SENSES, WORDNET_STEPS);
  guint added = 0;
  for (guint i = 0; i < lemmas->len; i++)
    {
      AtWordnetLemma *l = lemmas->pdata[i];
      float score = l->relation == AT_WORDNET_SAME ? 0.85f
                    : l->relation == AT_WORDNET_SYNONYM ? 0.8f - 0.02f * l->sense
                                                        : 0.75f - 0.05f * l->steps - 0.02f * l->sense;
      guint n = 0;
      const guint *found = at_shape_library_find_named (lib, l->lemma, &n);
      /* a plural of a shape's name is as good as the name */
      gboolean plural = l->relation == AT_WORDNET_SAME && strcmp (l->lemma, word) != 0;
      g_autofree char *how = plural ? g_strdup_printf ("%s > %s", word, l->lemma) : g_strdup (l->path);
      added += add_found (out, found, n, plural ? 0.95f : score, plural ? AT_SHAPE_MATCH_NAME : AT_SHAPE_MATCH_WORDNET,
                          index, how);
      if (l->relation == AT_WORDNET_SAME && strcmp (l->lemma, word) != 0)
        added += match_tags (lib, out, l->lemma, index, score - 0.05f);
    }
  return added;
}

AtShapeMatches *
at_shape_match_words (const AtShapeLibrary *lib, const char *text)
{
  g_return_val_if_fail (lib != NULL, NULL);
  AtShapeMatches *out = g_new0 (AtShapeMatches, 1);
  out->matches = g_ptr_array_new_with_free_func ((GDestroyNotify) at_shape_match_free);
  out->words = g_ptr_array_new_with_free_func (g_free);
  out->unknown = g_ptr_array_new_with_free_func (g_free);
  out->ignored = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *lower = g_utf8_strdown (text != NULL ? text : "", -1);
  g_auto (GStrv) parts = g_regex_split_simple ("[^a-z0-9]+", lower, 0, 0);
  for (char **p = parts; *p != NULL; p++)
    if (**p != '\0')
      g_ptr_array_add (out->words, g_strdup (*p));

  gboolean *taken = g_new0 (gboolean, out->words->len + 1);
  /* two-word names first ("paper plane", "ice cream") */
  for (guint i = 0; i + 1 < out->words->len; i++)
    {
      g_autofree char *pair = g_strdup_printf ("%s %s", (char *) out->words->pdata[i], (char *) out->words->pdata[i + 1]);
      guint n = 0;
      const guint *found = at_shape_library_find_named (lib, pair, &n);
      if (add_found (out, found, n, 1.0f, AT_SHAPE_MATCH_NAME, i, "name") > 0)
        taken[i] = taken[i + 1] = TRUE;
    }
  for (guint i = 0; i < out->words->len; i++)
    {
      const char *w = out->words->pdata[i];
      if (taken[i])
        continue;
      if (at_shape_word_is_ignored (w))
        {
          g_ptr_array_add (out->ignored, g_strdup (w));
          continue;
        }
      guint n = 0;
      const guint *found = at_shape_library_find_named (lib, w, &n);
      guint hits = add_found (out, found, n, 1.0f, AT_SHAPE_MATCH_NAME, i, "name");
      hits += match_tags (lib, out, w, i, 0.9f);
      hits += match_wordnet (lib, out, w, i);
      if (hits == 0)
        g_ptr_array_add (out->unknown, g_strdup (w));
    }
  g_free (taken);
  return out;
}
