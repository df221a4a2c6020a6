/* cli.c — dispatches the command-line actions before any display is used. */
#include <stdio.h>
#include <string.h>

#include "atelier-config.h"
#include "app/cli-args.h"
#include "app/cli.h"

static void
print_usage (FILE *out)
{
  fprintf (out,
           "Usage: atelier [--version] [--list-devices] [FILE.atelier]\n"
           "       atelier generate --prompt TEXT [--sketch FILE] [--voice FILE [--voice-cues]] -o FILE.png [...]\n"
           "       atelier generate --model NAME|FILE.safetensors --prompt TEXT -o FILE.png [...]\n"
           "               [--controlnet NAME|FILE --sketch FILE [--control-strength X]]\n"
           "               (atelier generate --help lists every option)\n"
           "       atelier transcribe FILE [--json] [--lm prompt|general|FILE] [--words \"W1 W2\"]\n"
           "       atelier narrate TEXT -o FILE.wav [--srt FILE] [--vtt FILE] [--voice NAME]\n"
           "               [--rate N] [--pitch N] [--encoding 16|24|float] [--list-voices]\n"
           "       atelier batch JOBS.jsonl --out DIR [--shard I/N]\n"
           "       atelier animate --keyframe SECONDS:PROMPT [...] [--sketch FILE] -o OUT.webm|OUT.gif|DIR/\n"
           "       atelier animate --replay PROJECT.atelier -o OUT\n"
           "       atelier story \"TEXT\" | --text-file FILE [--voice NAME] [--burn-subtitles] -o OUT.webm\n"
           "       atelier suggest \"TEXT\" | --sketch FILE [--count N] [--json] [-o SHAPE.png|SHAPE.svg]\n"
           "       atelier models list | add FILE.safetensors [--link] | remove NAME\n"
           "       atelier search DIR|PROJECT.atelier --text T | --sketch F | --voice F | --image F [--plus T] [--minus T] [--count N] [--json]\n"
           "       atelier caption IMAGE.png... [--objects N] [--voice FILE] [--json]\n"
           "       atelier remix IMAGE.png [--minus T] [--plus T] [--style IMAGE] [--keep outlines|init|sketch] -o OUT.png\n"
           "\n"
           "Without arguments, opens the studio.\n"
           "  --version       print the version and exit\n"
           "  --list-devices  list Vulkan devices (choose one with ATELIER_DEVICE)\n"
           "  --help          show this help\n");
}

/* Each verb's entry point gets argv from the verb on. */
static const struct {
  const char *name;
  int (*run) (int argc, char **argv);
} verbs[] = {
  { "generate", at_cli_generate },   { "transcribe", at_cli_transcribe }, { "narrate", at_cli_narrate },
  { "batch", at_cli_batch },         { "animate", at_cli_animate },       { "story", at_cli_story },
  { "suggest", at_cli_suggest },     { "models", at_cli_models },         { "search", at_cli_search },
  { "caption", at_cli_caption },     { "remix", at_cli_remix },
};

gboolean
at_cli_run (int argc, char **argv, int *status)
{
  at_cli_setup_locale ();
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
  for (gsize i = 0; i < G_N_ELEMENTS (verbs); i++)
    if (strcmp (arg, verbs[i].name) == 0)
      {
        *status = verbs[i].run (argc - 1, argv + 1);
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
  /* the studio opens projects; anything else is a mistyped command, which
   * must not fall through to a window (and fail without a display) */
  if (arg[0] != '-' && !g_str_has_suffix (arg, ".atelier") && !g_file_test (arg, G_FILE_TEST_EXISTS))
    {
      fprintf (stderr, "atelier: unknown command “%s”\n\n", arg);
      print_usage (stderr);
      *status = AT_EXIT_BAD_INPUT;
      return TRUE;
    }
  return FALSE;
}
