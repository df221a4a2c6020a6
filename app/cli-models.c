/* cli-models.c — `atelier models list|add FILE [--link]|remove NAME`: the
 * user's own Stable Diffusion checkpoints (engine/sd/sd-library.h). */
#include <stdio.h>
#include <string.h>

#include "app/cli-args.h"
#include "app/cli.h"
#include "sd/sd-control.h"
#include "sd/sd-library.h"

#define USAGE \
  "Usage: atelier models list\n" \
  "       atelier models add FILE.safetensors [--link]\n" \
  "       atelier models remove NAME\n" \
  "Stable Diffusion 1.x, 2.x and SD-Turbo checkpoints and SD 1.x ControlNets, kept in\n" \
  "$XDG_DATA_HOME/atelier/models (copied, or linked with --link). A ControlNet is used with\n" \
  "atelier generate --model NAME --controlnet NAME --sketch FILE.\n"

/* What the user gave (a file that is not a checkpoint, a name that is not
 * there) is bad input, 2; a failure to write the library is 1. */
static int
exit_code_for (const GError *error)
{
  if (error->domain == AT_SD_ERROR || error->domain == AT_SAFETENSORS_ERROR || error->domain == G_FILE_ERROR)
    return AT_EXIT_BAD_INPUT;
  if (error->domain == G_IO_ERROR &&
      (error->code == G_IO_ERROR_NOT_FOUND || error->code == G_IO_ERROR_EXISTS ||
       error->code == G_IO_ERROR_INVALID_ARGUMENT || error->code == G_IO_ERROR_IS_DIRECTORY))
    return AT_EXIT_BAD_INPUT;
  return at_cli_exit_code (error);
}

/* A ControlNet predicts nothing: it guides a model's UNet. */
static const char *
prediction_name (const AtSdLibraryEntry *e)
{
  if (at_sd_arch_is_controlnet (&e->arch))
    return "- (guides a model)";
  return e->prediction == AT_SD_PREDICTION_V ? "v-prediction" : "epsilon";
}

static void
print_entry (const AtSdLibraryEntry *e)
{
  g_autofree char *size = g_format_size (e->size);
  if (e->kind != NULL)
    printf ("%-28s %-26s %10s  %s", e->name, e->kind, size, prediction_name (e));
  else
    printf ("%-28s %-26s %10s", e->name, "(cannot be used)", size);
  if (e->target != NULL)
    printf ("  -> %s", e->target);
  printf ("\n");
  if (e->problem != NULL)
    printf ("    %s\n", e->problem);
}

static int
list (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = at_sd_library_list (&error);
  if (entries == NULL)
    return at_cli_fail_with ("models", g_steal_pointer (&error), AT_EXIT_INTERNAL);
  if (entries->len == 0)
    {
      printf ("No models yet: add one with  atelier models add FILE.safetensors\n");
      return AT_EXIT_OK;
    }
  printf ("%-28s %-26s %10s  %s\n", "NAME", "KIND", "SIZE", "PREDICTS");
  for (guint i = 0; i < entries->len; i++)
    print_entry (entries->pdata[i]);
  return AT_EXIT_OK;
}

static int
add (const char *file, gboolean link)
{
  GError *error = NULL;
  g_autoptr (AtSdLibraryEntry) e = at_sd_library_add (file, link, NULL, &error);
  if (e == NULL)
    return at_cli_fail_with ("models", error, exit_code_for (error));
  printf ("Added %s (%s) as \"%s\"\n", file, e->kind, e->name);
  return AT_EXIT_OK;
}

static int
usage_error (const char *what)
{
  fprintf (stderr, "atelier models: %s\n\n" USAGE, what);
  return AT_EXIT_BAD_INPUT;
}

int
at_cli_models (int argc, char **argv)
{
  if (argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    {
      printf (USAGE);
      return AT_EXIT_OK;
    }
  if (argc < 2)
    return usage_error ("which action? list, add or remove");
  const char *action = argv[1];
  if (strcmp (action, "list") == 0 && argc == 2)
    return list ();
  if (strcmp (action, "add") == 0 && (argc == 3 || (argc == 4 && strcmp (argv[3], "--link") == 0)))
    return add (argv[2], argc == 4);
  if (strcmp (action, "remove") == 0 && argc == 3)
    {
      GError *error = NULL;
      if (!at_sd_library_remove (argv[2], &error))
        return at_cli_fail_with ("models", error, exit_code_for (error));
      printf ("Removed \"%s\"\n", argv[2]);
      return AT_EXIT_OK;
    }
  if (strcmp (action, "list") == 0 || strcmp (action, "add") == 0 || strcmp (action, "remove") == 0)
    return usage_error ("wrong arguments");
  g_autofree char *msg = g_strdup_printf ("unknown action \"%s\"", action);
  return usage_error (msg);
}
