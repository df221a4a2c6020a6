/* speech-model-check.c — checks on speech model files before pocketsphinx
 * reads them, because sphinxbase ends the process on some damaged files
 * instead of returning an error (speech-model-check.h). */
#define G_LOG_DOMAIN "atelier-transcribe"

#include <stdio.h>
#include <string.h>

#include "audio/speech-model-check.h"

/* The first bytes of pocketsphinx's binary (trie) language model. */
#define TRIE_LM_MAGIC "Trie Language Model"

gboolean
at_speech_model_require (const char *path, gboolean dir, GError **error)
{
  if (g_file_test (path, dir ? G_FILE_TEST_IS_DIR : G_FILE_TEST_IS_REGULAR))
    return TRUE;
  g_set_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_MODEL,
               "Speech recognition model missing: %s not found (install Debian's pocketsphinx-en-us, or set "
               "ATELIER_SPEECH_MODEL_DIR to a folder holding en-us/, en-us.lm.bin and cmudict-en-us.dict)",
               path);
  return FALSE;
}

/* The file begins with one of magics (NULL-ended); FALSE when unreadable. */
static gboolean
has_magic (const char *path, const char * const *magics)
{
  char head[32] = { 0 };
  FILE *f = fopen (path, "rb");
  gsize n = f != NULL ? fread (head, 1, sizeof head, f) : 0;
  if (f != NULL)
    fclose (f);
  for (int i = 0; magics[i] != NULL; i++)
    if (n >= strlen (magics[i]) && memcmp (head, magics[i], strlen (magics[i])) == 0)
      return TRUE;
  return FALSE;
}

/* Only the headers of acoustic model files are checked: damage past a
 * header can still stop the process. */
static gboolean
check_header (const char *path, const char * const *magics, GError **error)
{
  if (has_magic (path, magics))
    return TRUE;
  g_set_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_MODEL,
               "Speech recognition model damaged: %s is not a pocketsphinx model file (reinstall "
               "pocketsphinx-en-us)",
               path);
  return FALSE;
}

gboolean
at_speech_model_check_acoustic (const char *hmm, GError **error)
{
  static const char * const mdef_magic[] = { "BMDF", "0.3", NULL };
  static const char * const s3_magic[] = { "s3\n", NULL };
  const char *s3_files[] = { "means", "variances", "transition_matrices" };
  g_autofree char *mdef = g_build_filename (hmm, "mdef", NULL);
  if (!at_speech_model_require (hmm, TRUE, error) || !at_speech_model_require (mdef, FALSE, error) ||
      !check_header (mdef, mdef_magic, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (s3_files); i++)
    {
      g_autofree char *path = g_build_filename (hmm, s3_files[i], NULL);
      if (!at_speech_model_require (path, FALSE, error) || !check_header (path, s3_magic, error))
        return FALSE;
    }
  return TRUE;
}

/* The count of unigrams from the header of a binary language model (its
 * magic, the order, then one count per order), each count plausible for
 * the file's size; 0 when the header is not whole. */
static guint32
trie_lm_unigrams (const guint8 *data, gsize size)
{
  const gsize head = sizeof TRIE_LM_MAGIC - 1;
  if (size < head + 1 || memcmp (data, TRIE_LM_MAGIC, head) != 0)
    return 0;
  guint order = data[head];
  guint32 counts[8];   /* 32-bit in this version of sphinxbase, as Debian's en-us.lm.bin */
  if (order < 1 || order > G_N_ELEMENTS (counts) || size < head + 1 + order * sizeof (guint32))
    return 0;
  memcpy (counts, data + head + 1, order * sizeof (guint32));
  for (guint i = 0; i < order; i++)
    if (counts[i] == 0 || counts[i] > size)
      return 0;
  return counts[0];
}

/* The word list that ends a binary language model: its length in bytes,
 * then one NUL-ended word per unigram, up to the end of the file. */
static gboolean
trie_word_list_fits (const guint8 *data, gsize size, guint32 unigrams)
{
  const gsize head = sizeof TRIE_LM_MAGIC - 1;
  if (data[size - 1] != '\0')
    return FALSE;
  /* Back over the words to the start of the list: past the terminators of
   * all words but the last, and the NUL just before the first word, which
   * is the high byte of the list's length (a list under 16 MiB). */
  gsize start = size - 1;
  guint32 words = 0;
  while (start > 0 && words < unigrams)
    if (data[--start] == '\0')
      words++;
  start++;
  guint32 length = 0;
  if (words != unigrams || start < head + 1 + sizeof length)
    return FALSE;
  memcpy (&length, data + start - sizeof length, sizeof length);
  return length == size - start;
}

/* pocketsphinx's binary language model reader trusts every count it reads
 * (a damaged file can make it allocate without bound, or read past its
 * arrays, and end the process), so the frame of the file is checked: the
 * header and the word list that ends it. Damage inside the trie arrays
 * still goes unnoticed. */
static gboolean
trie_lm_looks_whole (const char *path)
{
  g_autoptr (GMappedFile) map = g_mapped_file_new (path, FALSE, NULL);
  if (map == NULL)
    return FALSE;
  const guint8 *data = (const guint8 *) g_mapped_file_get_contents (map);
  gsize size = g_mapped_file_get_length (map);
  guint32 unigrams = trie_lm_unigrams (data, size);
  return unigrams > 0 && trie_word_list_fits (data, size, unigrams);
}

/* lm and dict are regular files; lm_what and dict_what name them in the
 * error ("Language model", "Pronunciation dictionary"). */
static gboolean
require_lm_files (const char *lm, const char *lm_what, const char *dict, const char *dict_what, GError **error)
{
  const char *missing = !g_file_test (lm, G_FILE_TEST_IS_REGULAR)     ? lm
                        : !g_file_test (dict, G_FILE_TEST_IS_REGULAR) ? dict
                                                                       : NULL;
  if (missing == NULL)
    return TRUE;
  g_set_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_LANGUAGE_MODEL, "%s missing: %s not found",
               missing == lm ? lm_what : dict_what, missing);
  return FALSE;
}

static gboolean
check_trie_lm (const char *lm, const char *lm_what, GError **error)
{
  if (trie_lm_looks_whole (lm))
    return TRUE;
  g_set_error (error, AT_TRANSCRIBE_ERROR, AT_TRANSCRIBE_ERROR_LANGUAGE_MODEL,
               "%s damaged: %s is not a whole pocketsphinx binary language model", lm_what, lm);
  return FALSE;
}

gboolean
at_speech_model_check_prompt (const char *lm, const char *dict, GError **error)
{
  return require_lm_files (lm, "Prompt language model", dict, "Prompt pronunciation dictionary", error) &&
         check_trie_lm (lm, "Prompt language model", error);
}

gboolean
at_speech_model_check_file (const char *lm, const char *dict, GError **error)
{
  static const char * const trie_magic[] = { TRIE_LM_MAGIC, NULL };
  if (!require_lm_files (lm, "Language model", dict, "Pronunciation dictionary", error))
    return FALSE;
  /* ARPA text is parsed with checks; only the binary form needs them here */
  return !has_magic (lm, trie_magic) || check_trie_lm (lm, "Language model", error);
}
