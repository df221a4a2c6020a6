/* spelling.c — see spelling.h. */
#define G_LOG_DOMAIN "atelier-model"

#include <string.h>

#include "model/spelling.h"

/* words whose difference is not a regular ending */
static const char *const table[][2] = {
  { "grey", "gray" }, { "greys", "grays" }, { "greyish", "grayish" }, { "jewellery", "jewelry" },
  { "aluminium", "aluminum" }, { "moustache", "mustache" }, { "pyjamas", "pajamas" }, { "tyre", "tire" },
  { "tyres", "tires" }, { "kerb", "curb" }, { "plough", "plow" }, { "mould", "mold" }, { "storey", "story" },
  { "doughnut", "donut" }, { "cosy", "cozy" }, { "aeroplane", "airplane" }, { "draught", "draft" },
  { "sceptic", "skeptic" }, { "programme", "program" }, { "cheque", "check" }, { "axe", "ax" },
  { "licence", "license" }, { "defence", "defense" }, { "offence", "offense" }, { "travelling", "traveling" },
  { "travelled", "traveled" }, { "traveller", "traveler" }, { "modelling", "modeling" },
  { "jewelled", "jeweled" }, { "woollen", "woolen" }, { "ageing", "aging" }, { "whisky", "whiskey" },
};

/* British ending, American ending */
static const char *const endings[][2] = {
  { "ours", "ors" }, { "our", "or" }, { "oured", "ored" }, { "ouring", "oring" }, { "ourful", "orful" },
  { "tres", "ters" }, { "tre", "ter" }, { "isation", "ization" }, { "ise", "ize" }, { "ised", "ized" },
  { "ising", "izing" }, { "yse", "yze" }, { "ysed", "yzed" }, { "ogue", "og" }, { "ogues", "ogs" },
};

char **
at_spelling_american (const char *word)
{
  g_return_val_if_fail (word != NULL, NULL);
  g_autoptr (GStrvBuilder) out = g_strv_builder_new ();
  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    if (strcmp (word, table[i][0]) == 0)
      g_strv_builder_add (out, table[i][1]);
  gsize len = strlen (word);
  for (guint i = 0; i < G_N_ELEMENTS (endings); i++)
    {
      gsize n = strlen (endings[i][0]);
      /* a stem of three letters at least: "tour" and "four" stay */
      if (len >= n + 3 && strcmp (word + len - n, endings[i][0]) == 0)
        {
          g_autofree char *stem = g_strndup (word, len - n);
          g_autofree char *candidate = g_strconcat (stem, endings[i][1], NULL);
          g_strv_builder_add (out, candidate);
        }
    }
  return g_strv_builder_end (out);
}
