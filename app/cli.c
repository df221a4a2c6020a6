/* cli.c — dispatches the command-line actions before any display is used. */
#include <stdio.h>
#include <string.h>

#include "atelier-config.h"
#include "app/cli.h"

static void
print_usage (FILE *out)
{
  fprintf (out,
           "Usage: atelier [--version] [--list-devices] [FILE.atelier]\n"
           "       atelier generate --prompt TEXT [--sketch FILE] [--voice FILE [--voice-cues]] -o FILE.png [...]\n"
           "               (atelier generate --help lists every option)\n"
           "       atelier transcribe FILE [--json] [--lm prompt|general|FILE] [--words \"W1 W2\"]\n"
           "       atelier narrate TEXT -o FILE.wav [--srt FILE] [--vtt FILE] [--voice NAME]\n"
           "               [--rate N] [--pitch N] [--encoding 16|24|float] [--list-voices]\n"
           "       atelier suggest \"TEXT\" | --sketch FILE [--count N] [--json] [-o SHAPE.png|SHAPE.svg]\n"
           "\n"
           "Without arguments, opens the studio.\n"
           "  --version       print the version and exit\n"
           "  --list-devices  list Vulkan devices (choose one with ATELIER_DEVICE)\n"
           "  --help          show this help\n");
}

gboolean
at_cli_run (int argc, char **argv, int *status)
{
  if (argc < 2)
    return FALSE;
  const char *arg = argv[1];
  if (strcmp (arg, "--version") == 0 || strcmp (arg, "-v") == 0)
    {
      printf ("atelier %s\n", AT_VERSION);
      *status = AT_EXIT_OK;
      return TRUE;
    }
  if (strcmp (arg, "--list-devices") == 0)
    {
      *status = at_cli_list_devices ();
      return TRUE;
    }
  if (strcmp (arg, "generate") == 0)
    {
      *status = at_cli_generate (argc - 1, argv + 1);
      return TRUE;
    }
  if (strcmp (arg, "transcribe") == 0)
    {
      *status = at_cli_transcribe (argc - 1, argv + 1);
      return TRUE;
    }
  if (strcmp (arg, "narrate") == 0)
    {
      *status = at_cli_narrate (argc - 1, argv + 1);
      return TRUE;
    }
  if (strcmp (arg, "suggest") == 0)
    {
      *status = at_cli_suggest (argc - 1, argv + 1);
      return TRUE;
    }
  if (strcmp (arg, "--help") == 0 || strcmp (arg, "-h") == 0)
    {
      print_usage (stdout);
      *status = AT_EXIT_OK;
      return TRUE;
    }
  if (arg[0] == '-' && strncmp (arg, "--gapplication", 14) != 0)
    {
      fprintf (stderr, "atelier: unknown option %s\n\n", arg);
      print_usage (stderr);
      *status = AT_EXIT_BAD_INPUT;
      return TRUE;
    }
  return FALSE;
}
