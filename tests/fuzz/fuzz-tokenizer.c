/* fuzz-tokenizer.c — the tokenizer file, then encoding a prompt with it:
 * the input's first line is the prompt, the rest the tokenizer JSON. */
#include <string.h>

#include "fuzz-util.h"
#include "model/tokenizer.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const uint8_t *newline = memchr (data, '\n', size);
  size_t prompt_len = newline != NULL ? (size_t) (newline - data) : 0;
  size_t skip = newline != NULL ? prompt_len + 1 : 0;
  const char *path = fuzz_file (data + skip, size - skip, ".json");
  AtTokenizer *t = at_tokenizer_load (path, NULL);
  if (t == NULL)
    return 0;
  g_autofree char *prompt = g_strndup ((const char *) data, prompt_len);
  if (g_utf8_validate (prompt, -1, NULL))
    {
      guint n = 0, unknown = 0;
      g_free (at_tokenizer_encode (t, prompt, &n, &unknown));
    }
  at_tokenizer_free (t);
  return 0;
}
