/* cli.h — the headless command line (works with no display). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes shared by every subcommand. */
typedef enum {
  AT_EXIT_OK = 0,
  AT_EXIT_INTERNAL = 1,   /* a bug or an unexpected failure */
  AT_EXIT_BAD_INPUT = 2,  /* wrong arguments, unreadable or invalid files */
  AT_EXIT_NO_DEVICE = 3,  /* no usable Vulkan device */
} AtExitCode;

/* TRUE when argv asks for a command-line action rather than the studio;
 * *status is then the exit code to return. */
gboolean at_cli_run (int argc, char **argv, int *status);

int at_cli_list_devices (void);
/* `atelier generate ...`; argv[0] is "generate". */
int at_cli_generate (int argc, char **argv);
/* `atelier transcribe FILE ...` and `atelier narrate TEXT -o FILE ...`;
 * argv[0] is the verb. */
int at_cli_transcribe (int argc, char **argv);
int at_cli_narrate (int argc, char **argv);
/* `atelier batch JOBS.jsonl --out DIR [--shard I/N]` (cli-batch.c). */
int at_cli_batch (int argc, char **argv);
/* `atelier animate ...` and `atelier story ...` (cli-video.c). */
int at_cli_animate (int argc, char **argv);
int at_cli_story (int argc, char **argv);
/* `atelier suggest "TEXT" | --sketch FILE ...`: shapes from the library. */
int at_cli_suggest (int argc, char **argv);
/* `atelier models list|add FILE|remove NAME` (cli-models.c). */
int at_cli_models (int argc, char **argv);
/* `atelier search DIR|PROJECT --text ...`: images ranked by a query;
 * `atelier caption IMAGE...`: their colour, object and style tags (cli-search.c). */
int at_cli_search (int argc, char **argv);
int at_cli_caption (int argc, char **argv);
/* `atelier remix IMAGE --minus T --plus T -o OUT.png`: a generation
 * conditioned on the remixed query (cli-remix.c). */
int at_cli_remix (int argc, char **argv);

G_END_DECLS
