/* bench-report.h — every table of atelier-bench also as one JSON object.
 *
 * With --json (any mode), stdout carries only JSON: one object per table,
 * one per line, so that results can be compared by a program; the
 * human-readable tables go to stderr. Without it nothing changes. An object
 * holds the mode, the table's name, the device, the load average at its
 * start and end, and its rows:
 *   {"mode":"ops","table":"kernels","device":"llvmpipe ...","load_start":[..],
 *    "load_end":[..],"rows":[{"case":"matmul 1024³","gpu_ms":..,"ratio":..},..]}
 * A mode adds fields of its own to a row with the builder. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Strips --json from argv; when present, points stdout at stderr and keeps
 * the real stdout for the JSON objects. Call once, before any output. */
void at_bench_report_init (int *argc, char **argv);

/* Starts a table's object and its "rows" array. */
JsonBuilder *at_bench_table_begin (const char *mode, const char *table, const char *device);
/* Starts a row object with its "case"; end it with json_builder_end_object. */
void at_bench_row_begin (JsonBuilder *b, const char *name);
/* One numeric member of the open object. */
void at_bench_set_double (JsonBuilder *b, const char *member, double value);
void at_bench_set_string (JsonBuilder *b, const char *member, const char *value);
/* Closes the rows, adds the load at the end and prints the object (with
 * --json); frees b. */
void at_bench_table_end (JsonBuilder *b);

/* "1.23 4.56 7.89" (1, 5 and 15 minutes), or "unknown". */
char *at_bench_load_average (void);

G_END_DECLS
