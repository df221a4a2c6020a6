/* bench.h — the modes of atelier-bench, one function each.
 *
 * bench.c picks a mode from argv[1] and hands it the remaining arguments
 * (argv[0] is the mode's name). A mode returns the process exit status. To
 * add one (e.g. "generate"), write at_bench_NAME() in bench-NAME.c and add
 * a row to the table in bench.c. */
#pragma once

#include <json-glib/json-glib.h>

#include "engine.h"

int at_bench_ops (int argc, char **argv);
int at_bench_generate (int argc, char **argv);
/* The upscale stage and the vectoriser (bench-assets.c); generate prints
 * the same rows after its table. */
int at_bench_assets (int argc, char **argv);
void at_bench_print_assets (AtEngine *engine, const AtImage *base, const AtImage *sketch);
int at_bench_video (int argc, char **argv);

/* Runs tools/bench/torch_generate.py on model_dir for the step counts
 * given (NULL-ended) and returns its JSON object, owned by parser. */
JsonObject *at_bench_run_torch (const char *model_dir, const char *const *steps, JsonParser *parser,
                                GError **error);

/* Median of n values (sorts values in place). */
double at_bench_median (double *values, int n);
