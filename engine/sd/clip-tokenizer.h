/* clip-tokenizer.h — CLIP's byte-level BPE tokenizer, as the text
 * encoders of Stable Diffusion read prompts.
 *
 * Vocabulary: OpenAI CLIP's bpe_simple_vocab_16e6.txt.gz (MIT, shipped as
 * resources/models/clip-bpe-vocab.txt.gz with its licence): 256 byte
 * symbols, the same with an end-of-word mark, 48894 merges, then
 * <|startoftext|> (49406) and <|endoftext|> (49407).
 *
 * Text handling follows simple_tokenizer.py: HTML entities unescaped
 * (twice; the common named ones and numeric ones), whitespace runs folded
 * to one space, trimmed, lower-cased; split by CLIP's pattern (the special
 * tokens, 's 't 're 've 'm 'll 'd, runs of letters, single digits, runs of
 * other non-space characters); each piece's UTF-8 bytes mapped to
 * symbols and merged by rank. Not done: ftfy's repair of mis-decoded text.
 *
 * Windows: the text encoder reads 77 tokens. Long prompts follow
 * AUTOMATIC1111's convention: the ids are cut into chunks of 75, each
 * chunk becomes [BOS] chunk [EOS] padded to 77, and each window is
 * encoded on its own (the contexts are concatenated along the sequence).
 * SD 1.x pads with EOS; SD 2.x pads with 0 after the first EOS, as
 * open_clip.tokenize does. (A1111's moving of a chunk's end back to the
 * last comma is not done.) An empty prompt is one window [BOS, EOS, pad…].
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AT_CLIP_WINDOW 77
#define AT_CLIP_CHUNK (AT_CLIP_WINDOW - 2)
#define AT_CLIP_BOS 49406
#define AT_CLIP_EOS 49407
#define AT_CLIP_VOCAB_SIZE 49408

typedef enum {
  AT_CLIP_PAD_EOS,     /* SD 1.x (Hugging Face CLIPTokenizer's pad) */
  AT_CLIP_PAD_ZERO,    /* SD 2.x (open_clip.tokenize) */
} AtClipPad;

typedef struct _AtClipTokenizer AtClipTokenizer;

/* Reads a gzip'd merges file in CLIP's format. */
AtClipTokenizer *at_clip_tokenizer_new (const char *vocab_gz_path, GError **error);
/* The shipped vocabulary, from the model folder (model/model-dir.h). */
AtClipTokenizer *at_clip_tokenizer_new_default (GError **error);
void at_clip_tokenizer_free (AtClipTokenizer *tok);

/* The token ids of text, without BOS/EOS (guint32; caller unrefs). */
GArray *at_clip_tokenizer_encode (AtClipTokenizer *tok, const char *text);

/* text as *n_windows windows of AT_CLIP_WINDOW ids (newly allocated). */
guint32 *at_clip_tokenizer_windows (AtClipTokenizer *tok, const char *text, AtClipPad pad, guint *n_windows);

/* The text of one id (owned by tok), "</w>" marking a word's end; NULL
 * when out of range. */
const char *at_clip_tokenizer_token (AtClipTokenizer *tok, guint32 id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtClipTokenizer, at_clip_tokenizer_free)

G_END_DECLS
