/* shape-match.h — which shapes a prompt's words name.
 *
 * In order of trust: a shape's name ("rocket"), one of its tags ("kitty"
 * is a tag of the cat), then WordNet (a plural, a synonym such as
 * automobile -> car, a broader word such as kitty -> domestic cat -> cat).
 * Colour, size and style words and little words ("a", "with") name no
 * shape; the other words that match nothing are reported as unknown.
 * Matching by the model's embeddings comes on top (shape-suggest.h).
 */
#pragma once

#include "shapes/shape-library.h"

G_BEGIN_DECLS

typedef enum {
  AT_SHAPE_MATCH_NAME,       /* the word is the shape's name */
  AT_SHAPE_MATCH_TAG,        /* the word is one of its tags */
  AT_SHAPE_MATCH_WORDNET,    /* a plural, synonym or broader word by WordNet */
  AT_SHAPE_MATCH_TEXT,       /* the text's embedding near the shape's sketch embedding */
  AT_SHAPE_MATCH_SKETCH,     /* a doodle's sketch embedding near the shape's */
  AT_SHAPE_MATCH_CHOSEN,     /* picked by name by the user */
} AtShapeMatchKind;

const char *at_shape_match_kind_to_string (AtShapeMatchKind kind);

typedef struct {
  guint shape;               /* index in the library */
  float score;               /* name 1, tag 0.9, WordNet 0.85 down; embeddings: cosine */
  AtShapeMatchKind kind;
  int word;                  /* index of the prompt word it matched; -1 for embeddings */
  char *how;                 /* e.g. "kitty > domestic cat > cat" (WordNet), "tag kitty" */
} AtShapeMatch;

typedef struct {
  GPtrArray *matches;        /* AtShapeMatch*, best first, each shape once */
  GPtrArray *words;          /* char*: the prompt's words, lower case */
  GPtrArray *unknown;        /* char*: words that name no shape (not colour/size/style words) */
  GPtrArray *ignored;        /* char*: colour, size, style and little words */
  char *notice;              /* why a kind of matching was not available, or NULL */
} AtShapeMatches;

AtShapeMatch *at_shape_match_new (guint shape, float score, AtShapeMatchKind kind, int word, const char *how);
void at_shape_match_free (AtShapeMatch *match);

/* Matches every word of text by name, tag and WordNet. */
AtShapeMatches *at_shape_match_words (const AtShapeLibrary *lib, const char *text);
/* Adds m unless its shape is there already; keeps matches sorted. Takes m. */
void at_shape_matches_add (AtShapeMatches *matches, AtShapeMatch *m);
void at_shape_matches_free (AtShapeMatches *matches);
/* TRUE for words that describe a look rather than a thing ("blue", "big", "outline"). */
gboolean at_shape_word_is_ignored (const char *word);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtShapeMatches, at_shape_matches_free)

G_END_DECLS
