/* tokenizer.h — the built-in model's word-level tokenizer.
 *
 * Rules (tokenizer.json, written by tools/train/train.py): lower case; split
 * on every run of characters outside ASCII [a-z0-9]; unknown words map to
 * the unk id; at most max_tokens ids; an empty result means "no text". */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _AtTokenizer AtTokenizer;

AtTokenizer *at_tokenizer_load (const char *path, GError **error);
void at_tokenizer_free (AtTokenizer *tokenizer);

/* Ids for text (caller frees); *n_unknown counts words not in the vocabulary. */
guint32 *at_tokenizer_encode (AtTokenizer *tokenizer, const char *text, guint *n_ids, guint *n_unknown);
guint at_tokenizer_get_vocab_size (AtTokenizer *tokenizer);
/* The word for id, or NULL when out of range. */
const char *at_tokenizer_get_word (AtTokenizer *tokenizer, guint32 id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtTokenizer, at_tokenizer_free)

G_END_DECLS
