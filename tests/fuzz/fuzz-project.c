/* fuzz-project.c — the .atelier project loader: JSON, base64 PNGs and
 * PCM, strokes and history. */
#include <gio/gio.h>

#include "fuzz-util.h"
#include "ui/project.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *path = fuzz_file (data, size, ".atelier");
  g_autoptr (GFile) file = g_file_new_for_path (path);
  AtProject *project = at_project_load (file, NULL);
  if (project != NULL)
    at_project_free (project);
  return 0;
}
