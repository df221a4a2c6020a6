/* settings.h — the studio's GSettings, from the installed schema or, when
 * running from the build tree, from the schema compiled into it. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A new reference, or NULL when no schema is found (a message says so;
 * callers then use the defaults). */
GSettings *at_settings_new (void);

/* Where exports go first: the chosen export folder while it exists, else
 * the user's Pictures folder while that exists, else home. settings may be
 * NULL. Free with g_free(). */
char *at_settings_get_export_folder (GSettings *settings);

G_END_DECLS
