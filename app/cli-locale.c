/* cli-locale.c — the locale of the command-line programs (cli-locale.h). */
#include "app/cli-locale.h"

#include <langinfo.h>
#include <locale.h>

void
at_cli_setup_locale (void)
{
  setlocale (LC_ALL, "");
  const char *codeset = nl_langinfo (CODESET);
  if (g_strcmp0 (codeset, "ANSI_X3.4-1968") == 0 || g_strcmp0 (codeset, "ASCII") == 0)
    setlocale (LC_CTYPE, "C.UTF-8");
  /* files Atelier writes (JSON, subtitles, PNG text) use '.' in numbers */
  setlocale (LC_NUMERIC, "C");
}
