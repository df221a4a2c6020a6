/* bench.h — the modes of atelier-bench, one function each.
 *
 * bench.c picks a mode from argv[1] and hands it the remaining arguments
 * (argv[0] is the mode's name). A mode returns the process exit status. To
 * add one (e.g. "generate"), write at_bench_NAME() in bench-NAME.c and add
 * a row to the table in bench.c. */
#pragma once

#include "engine.h"

int at_bench_ops (int argc, char **argv);
int at_bench_generate (int argc, char **argv);
/* The upscale stage and the vectoriser (bench-assets.c); generate prints
 * the same rows after its table. */
int at_bench_assets (int argc, char **argv);
void at_bench_print_assets (AtEngine *engine, const AtImage *base, const AtImage *sketch);

/* Median of n values (sorts values in place). */
double at_bench_median (double *values, int n);
