/* clip-tokenizer.c — CLIP's byte-level BPE (clip-tokenizer.h). */
#include "sd/clip-tokenizer.h"

#include <gio/gio.h>
#include <string.h>

#include "model/model-dir.h"

#define N_MERGES (AT_CLIP_VOCAB_SIZE - 512 - 2)
#define END_OF_WORD "</w>"
#define VOCAB_FILE "clip-bpe-vocab.txt.gz"

struct _AtClipTokenizer {
  char *byte_symbol[256];     /* UTF-8 of bytes_to_unicode()[b] */
  GHashTable *ids;            /* token text -> id + 1 */
  GHashTable *ranks;          /* "a b" -> rank + 1 */
  GPtrArray *tokens;          /* id -> text */
};

/* CLIP's bytes_to_unicode(): printable Latin-1 bytes stand for themselves,
 * the others for 256, 257, ... in byte order. Returns the code points in
 * the order of the vocabulary's first 256 entries. */
static void
bytes_to_unicode (gunichar cp[256], guint8 order[256])
{
  guint n = 0, extra = 0;
  gboolean printable[256] = { FALSE };
  for (guint b = '!'; b <= '~'; b++)
    printable[b] = TRUE;
  for (guint b = 0xA1; b <= 0xAC; b++)
    printable[b] = TRUE;
  for (guint b = 0xAE; b <= 0xFF; b++)
    printable[b] = TRUE;
  for (guint b = 0; b < 256; b++)
    if (printable[b])
      {
        cp[b] = b;
        order[n++] = b;
      }
  for (guint b = 0; b < 256; b++)
    if (!printable[b])
      {
        cp[b] = 256 + extra++;
        order[n++] = b;
      }
}

static void
add_token (AtClipTokenizer *tok, char *text)
{
  g_ptr_array_add (tok->tokens, text);
  g_hash_table_insert (tok->ids, text, GUINT_TO_POINTER (tok->tokens->len));
}

static GBytes *
read_gzip (const char *path, GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileInputStream) raw = g_file_read (file, NULL, error);
  if (raw == NULL)
    return NULL;
  g_autoptr (GZlibDecompressor) z = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr (GInputStream) in = g_converter_input_stream_new (G_INPUT_STREAM (raw), G_CONVERTER (z));
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  if (g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                              NULL, error) < 0)
    return NULL;
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

AtClipTokenizer *
at_clip_tokenizer_new (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_autoptr (GBytes) bytes = read_gzip (path, error);
  if (bytes == NULL)
    return NULL;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  const char *end = data + len;
  g_autoptr (AtClipTokenizer) tok = g_new0 (AtClipTokenizer, 1);
  tok->ids = g_hash_table_new (g_str_hash, g_str_equal);
  tok->ranks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  tok->tokens = g_ptr_array_new_with_free_func (g_free);
  gunichar cp[256];
  guint8 order[256];
  bytes_to_unicode (cp, order);
  for (guint b = 0; b < 256; b++)
    tok->byte_symbol[b] = g_ucs4_to_utf8 (&cp[b], 1, NULL, NULL, NULL);
  for (guint i = 0; i < 256; i++)
    add_token (tok, g_strdup (tok->byte_symbol[order[i]]));
  for (guint i = 0; i < 256; i++)
    add_token (tok, g_strconcat (tok->byte_symbol[order[i]], END_OF_WORD, NULL));
  /* line by line with memchr: strstr-based splitting rescans the rest of
   * the text for every line under AddressSanitizer */
  const char *p = memchr (data, '\n', len);   /* line 0 is a version header */
  for (guint i = 0; i < N_MERGES; i++)
    {
      const char *line = p != NULL && p < end ? p + 1 : end;
      const char *eol = line < end ? memchr (line, '\n', end - line) : NULL;
      if (eol == NULL)
        eol = end;
      const char *space = line < end ? memchr (line, ' ', eol - line) : NULL;
      if (space == NULL || space == line || space + 1 == eol)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s: line %u is not a merge \"a b\"; CLIP's vocabulary has %d", path, i + 2, N_MERGES);
          return NULL;
        }
      g_hash_table_insert (tok->ranks, g_strndup (line, eol - line), GUINT_TO_POINTER (i + 1));
      char *merged = g_malloc (eol - line);
      memcpy (merged, line, space - line);
      memcpy (merged + (space - line), space + 1, eol - space - 1);
      merged[eol - line - 1] = '\0';
      add_token (tok, merged);
      p = eol;
    }
  add_token (tok, g_strdup ("<|startoftext|>"));
  add_token (tok, g_strdup ("<|endoftext|>"));
  g_assert (tok->tokens->len == AT_CLIP_VOCAB_SIZE);
  return g_steal_pointer (&tok);
}

AtClipTokenizer *
at_clip_tokenizer_new_default (GError **error)
{
  g_autofree char *dir = at_model_dir_find (VOCAB_FILE);
  g_autofree char *path = g_build_filename (dir, VOCAB_FILE, NULL);
  return at_clip_tokenizer_new (path, error);
}

void
at_clip_tokenizer_free (AtClipTokenizer *tok)
{
  if (tok == NULL)
    return;
  for (guint b = 0; b < 256; b++)
    g_free (tok->byte_symbol[b]);
  g_clear_pointer (&tok->ids, g_hash_table_unref);
  g_clear_pointer (&tok->ranks, g_hash_table_unref);
  g_clear_pointer (&tok->tokens, g_ptr_array_unref);
  g_free (tok);
}

const char *
at_clip_tokenizer_token (AtClipTokenizer *tok, guint32 id)
{
  return id < tok->tokens->len ? tok->tokens->pdata[id] : NULL;
}

/* ---- text clean-up ---------------------------------------------------- */

static const struct {
  const char *name;
  const char *text;
} entities[] = {
  { "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" }, { "apos", "'" }, { "nbsp", "\xc2\xa0" },
};

/* html.unescape for numeric references and the common named ones. */
static char *
html_unescape (const char *s)
{
  GString *out = g_string_new (NULL);
  while (*s)
    {
      const char *semi = *s == '&' ? strchr (s, ';') : NULL;
      if (semi != NULL && semi - s <= 10)
        {
          g_autofree char *name = g_strndup (s + 1, semi - s - 1);
          gboolean done = FALSE;
          if (name[0] == '#')
            {
              gboolean hex = name[1] == 'x' || name[1] == 'X';
              char *end;
              guint64 v = g_ascii_strtoull (name + (hex ? 2 : 1), &end, hex ? 16 : 10);
              if (*end == '\0' && end != name + (hex ? 2 : 1) && v > 0 && v <= 0x10FFFF && g_unichar_validate (v))
                {
                  g_string_append_unichar (out, (gunichar) v);
                  done = TRUE;
                }
            }
          for (guint i = 0; !done && i < G_N_ELEMENTS (entities); i++)
            if (strcmp (name, entities[i].name) == 0)
              {
                g_string_append (out, entities[i].text);
                done = TRUE;
              }
          if (done)
            {
              s = semi + 1;
              continue;
            }
        }
      g_string_append_c (out, *s++);
    }
  return g_string_free (out, FALSE);
}

/* Unescaped twice, whitespace runs folded, trimmed, lower-cased. */
static char *
clean_text (const char *text)
{
  g_autofree char *once = html_unescape (text);
  g_autofree char *twice = html_unescape (once);
  GString *folded = g_string_new (NULL);
  gboolean space = FALSE;
  for (const char *p = twice; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_isspace (c))
        {
          space = folded->len > 0;
          continue;
        }
      if (space)
        g_string_append_c (folded, ' ');
      space = FALSE;
      g_string_append_unichar (folded, c);
    }
  g_autofree char *f = g_string_free (folded, FALSE);
  return g_utf8_strdown (f, -1);
}

static gboolean
is_letter (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_UPPERCASE_LETTER:
    case G_UNICODE_LOWERCASE_LETTER:
    case G_UNICODE_TITLECASE_LETTER:
    case G_UNICODE_MODIFIER_LETTER:
    case G_UNICODE_OTHER_LETTER:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
is_number (gunichar c)
{
  GUnicodeType t = g_unichar_type (c);
  return t == G_UNICODE_DECIMAL_NUMBER || t == G_UNICODE_LETTER_NUMBER || t == G_UNICODE_OTHER_NUMBER;
}

/* Length in bytes of the piece CLIP's pattern matches at p (0: skip one
 * whitespace character). */
static gsize
piece_length (const char *p)
{
  static const char *const specials[] = { "<|startoftext|>", "<|endoftext|>" };
  static const char *const contractions[] = { "'s", "'t", "'re", "'ve", "'m", "'ll", "'d" };
  for (guint i = 0; i < G_N_ELEMENTS (specials); i++)
    if (g_str_has_prefix (p, specials[i]))
      return strlen (specials[i]);
  for (guint i = 0; i < G_N_ELEMENTS (contractions); i++)
    if (g_str_has_prefix (p, contractions[i]))
      return strlen (contractions[i]);
  gunichar c = g_utf8_get_char (p);
  if (g_unichar_isspace (c))
    return 0;
  const char *q = g_utf8_next_char (p);
  if (is_number (c))
    return q - p;
  gboolean letters = is_letter (c);
  while (*q)
    {
      gunichar d = g_utf8_get_char (q);
      gboolean same = letters ? is_letter (d) : !(g_unichar_isspace (d) || is_letter (d) || is_number (d));
      if (!same)
        break;
      q = g_utf8_next_char (q);
    }
  return q - p;
}

/* ---- BPE ---------------------------------------------------------------- */

static guint
pair_rank (AtClipTokenizer *tok, const char *a, const char *b)
{
  g_autofree char *key = g_strconcat (a, " ", b, NULL);
  return GPOINTER_TO_UINT (g_hash_table_lookup (tok->ranks, key));   /* 0: no merge */
}

/* Merges the pair of lowest rank, everywhere, until none is left. */
static void
merge_symbols (AtClipTokenizer *tok, GPtrArray *word)
{
  while (word->len > 1)
    {
      guint best = 0, at = 0;
      for (guint i = 0; i + 1 < word->len; i++)
        {
          guint r = pair_rank (tok, word->pdata[i], word->pdata[i + 1]);
          if (r != 0 && (best == 0 || r < best))
            {
              best = r;
              at = i;
            }
        }
      if (best == 0)
        return;
      g_autofree char *first = g_strdup (word->pdata[at]);
      g_autofree char *second = g_strdup (word->pdata[at + 1]);
      for (guint i = 0; i + 1 < word->len; i++)
        if (strcmp (word->pdata[i], first) == 0 && strcmp (word->pdata[i + 1], second) == 0)
          {
            char *merged = g_strconcat (first, second, NULL);
            g_free (word->pdata[i]);
            word->pdata[i] = merged;
            g_ptr_array_remove_index (word, i + 1);
          }
    }
}

static void
encode_piece (AtClipTokenizer *tok, const char *piece, gsize len, GArray *ids)
{
  g_autofree char *text = g_strndup (piece, len);
  if (strcmp (text, "<|startoftext|>") == 0 || strcmp (text, "<|endoftext|>") == 0)
    {
      guint32 special = text[2] == 's' ? AT_CLIP_BOS : AT_CLIP_EOS;
      g_array_append_val (ids, special);
      return;
    }
  g_autoptr (GPtrArray) word = g_ptr_array_new_with_free_func (g_free);
  for (gsize i = 0; i < len; i++)
    {
      const char *sym = tok->byte_symbol[(guint8) piece[i]];
      g_ptr_array_add (word, i + 1 == len ? g_strconcat (sym, END_OF_WORD, NULL) : g_strdup (sym));
    }
  merge_symbols (tok, word);
  for (guint i = 0; i < word->len; i++)
    {
      guint32 id = GPOINTER_TO_UINT (g_hash_table_lookup (tok->ids, word->pdata[i]));
      g_assert (id != 0);   /* every merge result and byte symbol is in the vocabulary */
      id--;
      g_array_append_val (ids, id);
    }
}

GArray *
at_clip_tokenizer_encode (AtClipTokenizer *tok, const char *text)
{
  g_return_val_if_fail (tok != NULL && text != NULL, NULL);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  g_autofree char *clean = clean_text (valid);
  for (const char *p = clean; *p;)
    {
      gsize n = piece_length (p);
      if (n == 0)
        {
          p = g_utf8_next_char (p);
          continue;
        }
      encode_piece (tok, p, n, ids);
      p += n;
    }
  return ids;
}

guint32 *
at_clip_tokenizer_windows (AtClipTokenizer *tok, const char *text, AtClipPad pad, guint *n_windows)
{
  g_return_val_if_fail (n_windows != NULL, NULL);
  g_autoptr (GArray) ids = at_clip_tokenizer_encode (tok, text);
  guint n = MAX (1, (ids->len + AT_CLIP_CHUNK - 1) / AT_CLIP_CHUNK);
  guint32 pad_id = pad == AT_CLIP_PAD_EOS ? AT_CLIP_EOS : 0;
  guint32 *out = g_new (guint32, (gsize) n * AT_CLIP_WINDOW);
  for (guint w = 0; w < n; w++)
    {
      guint32 *win = out + (gsize) w * AT_CLIP_WINDOW;
      guint start = w * AT_CLIP_CHUNK;
      guint len = MIN (AT_CLIP_CHUNK, ids->len - MIN (ids->len, start));
      win[0] = AT_CLIP_BOS;
      if (len > 0)
        memcpy (win + 1, &g_array_index (ids, guint32, start), len * sizeof (guint32));
      win[1 + len] = AT_CLIP_EOS;
      for (guint i = 2 + len; i < AT_CLIP_WINDOW; i++)
        win[i] = pad_id;
    }
  *n_windows = n;
  return out;
}
