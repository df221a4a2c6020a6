/* fail.h — a validation's refusal in one statement:
 *
 *   return at_fail (error, AT_REQUEST_ERROR, AT_REQUEST_ERROR_INVALID, "…", …);
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sets a (domain, code) error from format and returns FALSE. */
gboolean at_fail (GError **error, GQuark domain, gint code, const char *format, ...) G_GNUC_PRINTF (4, 5);

G_END_DECLS
