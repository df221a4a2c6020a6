/* fuzz-util.h — what the libFuzzer harnesses share.
 *
 * Each harness (fuzz-<parser>.c) defines LLVMFuzzerTestOneInput and hands
 * the bytes to one of Atelier's parsers. Parsers that read files get the
 * bytes through fuzz_file(). GLib criticals abort, so a parser that
 * trips its own g_return_if_fail() on hostile input counts as a crash.
 * Building and running: tests/fuzz/README.md.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

G_BEGIN_DECLS

/* Makes criticals abort and other log output quiet; once per process. */
void fuzz_setup (void);

/* Writes data to this process's scratch file, named to end in suffix
 * (".png", ".wav"...), and returns its path (owned here, reused). */
const char *fuzz_file (const uint8_t *data, size_t size, const char *suffix);

G_END_DECLS
