/* project-private.h — hooks for tests only. */
#pragma once

#include "ui/project.h"

/* When set, saves (sync or async) fail after writing the temporary file and
 * before renaming it, as a full disk or a crash would. */
void at_project_set_fail_before_rename_for_testing (gboolean fail);
