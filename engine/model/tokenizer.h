/* tokenizer.h — the built-in model's word-level tokenizer.
 *
 * Rules (tokenizer.json, written by tools/train/train.py): lower case; split
 * on every run of characters outside ASCII [a-z0-9]; a word the vocabulary
 * lacks is looked up under its American spelling (spelling.h), else maps
 * to the unk id; at most max_tokens ids; an empty result means "no
 * text". */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _AtTokenizer AtTokenizer;

AtTokenizer *at_tokenizer_load (const char *path, GError **error);
void at_tokenizer_free (AtTokenizer *tokenizer);

/* One word of a text as the model reads it. */
typedef struct {
  gsize start, end;        /* its bytes in the text */
  guint32 id;              /* unk id when unknown */
  gboolean known;          /* in the vocabulary, maybe respelled */
  gboolean respelled;      /* known under its American spelling */
  gboolean kept;           /* FALSE: past max_tokens, left out */
} AtTokenizerWord;

/* Every word of text, in order (AtTokenizerWord; caller frees). */
GArray *at_tokenizer_split (AtTokenizer *tokenizer, const char *text);
/* What the model leaves out of text, in a sentence or two for the studio
 * and the command line; NULL when it reads every word. */
char *at_tokenizer_describe (AtTokenizer *tokenizer, const char *text);
guint at_tokenizer_get_max_tokens (AtTokenizer *tokenizer);

/* Ids for text (caller frees); *n_unknown counts words not in the vocabulary. */
guint32 *at_tokenizer_encode (AtTokenizer *tokenizer, const char *text, guint *n_ids, guint *n_unknown);
guint at_tokenizer_get_vocab_size (AtTokenizer *tokenizer);
/* The word for id, or NULL when out of range. */
const char *at_tokenizer_get_word (AtTokenizer *tokenizer, guint32 id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtTokenizer, at_tokenizer_free)

G_END_DECLS
