/* cli-locale.h — the locale of atelier's command line and atelier-bench. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The user's locale for messages and text arguments, with numbers kept in
 * the C locale. Under the C/POSIX locale (no LANG set) arguments are taken
 * as UTF-8 (C.UTF-8), so "café" (or atelier-bench --only "128→128") works
 * on a bare system too. */
void at_cli_setup_locale (void);

G_END_DECLS
