/* main.c — entry point: command-line actions first, else the studio. */
#include <glib/gi18n.h>
#include <locale.h>

#include "atelier-config.h"
#include "app/cli.h"
#include "ui/application.h"

int
main (int argc, char **argv)
{
  int status = 0;
  /* the command line speaks the user's charset, as the studio does (GTK
   * sets the locale there): without it, GLib writes "?" for every dash and
   * ellipsis in --help; numbers in files and JSON stay in the C form */
  setlocale (LC_ALL, "");
  setlocale (LC_NUMERIC, "C");
  if (at_cli_run (argc, argv, &status))
    return status;
  g_autoptr (AtApplication) app = at_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
