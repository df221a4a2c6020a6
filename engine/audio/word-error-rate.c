/* word-error-rate.c — word error rate by edit distance over normalised
 * words, so that case and punctuation are not counted as errors
 * (word-error-rate.h). */
#define G_LOG_DOMAIN "atelier-transcribe"

#include <string.h>

#include "audio/word-error-rate.h"

/* Lower-cased words with punctuation stripped (apostrophes kept). */
static GPtrArray *
normalise_words (const char *text)
{
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *lower = g_utf8_strdown (text != NULL ? text : "", -1);
  GString *w = g_string_new (NULL);
  for (const char *p = lower;; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c != 0 && (g_unichar_isalnum (c) || c == '\''))
        g_string_append_unichar (w, c);
      else if (w->len > 0)
        {
          g_ptr_array_add (words, g_strdup (w->str));
          g_string_truncate (w, 0);
        }
      if (c == 0)
        break;
    }
  g_string_free (w, TRUE);
  return words;
}

/* Levenshtein distance between two word lists, one row at a time. */
static guint
word_edit_distance (GPtrArray *ref, GPtrArray *hyp)
{
  guint n = ref->len, m = hyp->len;
  g_autofree guint *prev = g_new (guint, m + 1);
  g_autofree guint *cur = g_new (guint, m + 1);
  for (guint j = 0; j <= m; j++)
    prev[j] = j;
  for (guint i = 1; i <= n; i++)
    {
      cur[0] = i;
      for (guint j = 1; j <= m; j++)
        {
          guint sub = prev[j - 1] + (strcmp (ref->pdata[i - 1], hyp->pdata[j - 1]) != 0);
          cur[j] = MIN (sub, MIN (prev[j] + 1, cur[j - 1] + 1));
        }
      memcpy (prev, cur, (m + 1) * sizeof (guint));
    }
  return prev[m];
}

double
at_word_error_rate (const char *reference, const char *hypothesis)
{
  g_autoptr (GPtrArray) ref = normalise_words (reference);
  g_autoptr (GPtrArray) hyp = normalise_words (hypothesis);
  if (ref->len == 0)
    return -1;
  return (double) word_edit_distance (ref, hyp) / ref->len;
}
