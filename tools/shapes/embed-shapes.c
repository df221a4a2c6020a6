/* embed-shapes.c — the model's sketch embedding of every library shape,
 * written beside the model (engine/shapes/shape-suggest.h). Run after
 * tools/shapes/build.sh or whenever the model's weights change:
 *   build/tools/shapes/atelier-embed-shapes [MODEL_DIR]
 */
#include <stdio.h>

#include "engine.h"
#include "shapes/shape-suggest.h"

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtEngine) engine = at_engine_new (NULL, argc > 1 ? argv[1] : NULL, &error);
  if (engine == NULL)
    {
      fprintf (stderr, "atelier-embed-shapes: %s\n", error->message);
      return 1;
    }
  g_autofree char *path = g_build_filename (at_engine_get_model_dir (engine), AT_SHAPE_EMBEDDINGS_FILE, NULL);
  gint64 t0 = g_get_monotonic_time ();
  if (!at_engine_write_shape_embeddings (engine, path, NULL, &error))
    {
      fprintf (stderr, "atelier-embed-shapes: %s\n", error->message);
      return 1;
    }
  printf ("wrote %s in %.1f s\n", path, (g_get_monotonic_time () - t0) / 1e6);
  return 0;
}
