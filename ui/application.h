/* application.h — the studio's AdwApplication: one window per project. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AT_TYPE_APPLICATION (at_application_get_type ())
G_DECLARE_FINAL_TYPE (AtApplication, at_application, AT, APPLICATION, AdwApplication)

AtApplication *at_application_new (void);

G_END_DECLS
