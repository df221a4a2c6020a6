/* wordnet.h — nouns related to a word, from Princeton WordNet 3.0.
 *
 * A thin, thread-safe wrapper around Debian's libwordnet (wordnet-dev),
 * which reads the wordnet-base data files. The library keeps global state,
 * so every call takes one lock. Used by the shape matcher to find "cat"
 * for "kitty" (a kind of domestic cat, a kind of cat), "car" for
 * "automobile" (a synonym) and "house" for "houses" (a plural).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  AT_WORDNET_SAME,       /* the word itself, or its base form ("houses" -> house) */
  AT_WORDNET_SYNONYM,    /* another word of one of its senses */
  AT_WORDNET_BROADER,    /* a word of a hypernym (more general) sense */
} AtWordnetRelation;

typedef struct {
  char *lemma;           /* lower case, spaces between words */
  AtWordnetRelation relation;
  guint steps;           /* hypernym steps (0 for SAME and SYNONYM) */
  guint sense;           /* 0-based sense of the word it came from (0 = most common) */
  char *path;            /* how it was reached: "kitty > domestic cat > cat" */
} AtWordnetLemma;

/* FALSE when the WordNet data files cannot be opened. */
gboolean at_wordnet_available (void);
/* AtWordnetLemma*, nearest first: the word's base forms, then the words of
 * its first max_senses noun senses, then their hypernyms up to max_steps
 * steps, each lemma once. Empty when WordNet does not know the word. */
GPtrArray *at_wordnet_related_nouns (const char *word, guint max_senses, guint max_steps);

G_END_DECLS
