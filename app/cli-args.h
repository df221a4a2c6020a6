/* cli-args.h — what every sub-command shares: the locale, reading numbers
 * from options, and turning an error into one line and an exit code.
 *
 * A number option is read as text (G_OPTION_ARG_STRING) and converted with
 * at_cli_int_arg() and friends, so that "not given" (text NULL) is never
 * confused with a value that happens to equal a default: --steps=-1 or
 * --guidance=nan are errors, not "use the default".
 */
#pragma once

#include <glib.h>

#include "app/cli-locale.h"
#include "fail.h"

G_BEGIN_DECLS


/* When text is not NULL: *value = text as an integer in [min, max];
 * G_OPTION_ERROR_BAD_VALUE naming option otherwise. NULL text: TRUE, *value
 * untouched. */
gboolean at_cli_int_arg (const char *option, const char *text, gint64 min, gint64 max, gint64 *value,
                         GError **error);
/* The same for a finite number in [min, max] (NaN and infinity refused). */
gboolean at_cli_double_arg (const char *option, const char *text, double min, double max, double *value,
                            GError **error);
/* The same for an unsigned 64-bit integer (seeds). */
gboolean at_cli_uint64_arg (const char *option, const char *text, guint64 *value, GError **error);

/* The exit code (AtExitCode) an error deserves: bad input (options, files,
 * text that is not UTF-8, a damaged model folder) is 2, no Vulkan device 3,
 * anything else 1. */
int at_cli_exit_code (const GError *error);
/* Sets a G_OPTION_ERROR_BAD_VALUE error from format and returns FALSE: the
 * one-line refusal of a bad option or job field. */
#define at_cli_bad_value(error, ...) at_fail (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, __VA_ARGS__)

/* Prints "atelier VERB: message" on one line on stderr, frees error and
 * returns code, or at_cli_exit_code (error) when code is negative. */
int at_cli_fail_with (const char *verb, GError *error, int code);
#define at_cli_fail(verb, error) at_cli_fail_with ((verb), (error), -1)

G_END_DECLS
