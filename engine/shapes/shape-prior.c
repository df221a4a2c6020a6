/* shape-prior.c — the prompt's shape as its sketch (shape-prior.h). */
#define G_LOG_DOMAIN "atelier-engine"

#include "shapes/shape-match.h"
#include "shapes/shape-prior.h"
#include "shapes/shape-raster.h"

/* The library index of the shape r asks for, or -1 with *note (none). */
static int
choose (const AtShapeLibrary *lib, const AtRequest *r, char **note, GError **error)
{
  if (g_strcmp0 (r->shape, "auto") != 0)
    {
      g_autofree char *name = g_utf8_strdown (r->shape, -1);
      g_strdelimit (name, "-_", ' ');
      int i = at_shape_library_lookup (lib, name);
      if (i < 0)
        g_set_error (error, AT_SHAPE_ERROR, AT_SHAPE_ERROR_NOT_FOUND,
                     "No shape is called \"%s\"; `atelier suggest WORD` lists shapes", r->shape);
      else
        *note = g_strdup ("chosen by name");
      return i;
    }
  g_autoptr (AtShapeMatches) m = at_shape_match_words (lib, r->prompt);
  if (m->matches->len == 0)
    {
      *note = g_strdup ("no word of the prompt names a shape");
      return -1;
    }
  const AtShapeMatch *best = m->matches->pdata[0];
  *note = g_strdup_printf ("%s (%s)", at_shape_match_kind_to_string (best->kind), best->how);
  return best->shape;
}

AtRequest *
at_shape_prior_apply (const AtRequest *r, int size, char **note, GError **error)
{
  g_return_val_if_fail (r != NULL && size > 0 && note != NULL, NULL);
  *note = NULL;
  gboolean wanted = r->shape != NULL && g_strcmp0 (r->shape, "none") != 0;
  if (wanted && r->sketch != NULL)
    {
      /* a drawn sketch wins; the copy forgets the shape so nothing claims it */
      AtRequest *copy = at_request_copy (r);
      g_clear_pointer (&copy->shape, g_free);
      *note = g_strdup ("a sketch was given");
      return copy;
    }
  if (!wanted || r->prompt == NULL)
    return NULL;
  AtShapeLibrary *lib = at_shape_library_get_default (error);
  if (lib == NULL)
    return NULL;
  GError *local = NULL;
  int i = choose (lib, r, note, &local);
  if (local != NULL)
    g_propagate_error (error, local);
  if (i < 0)
    return NULL;
  const AtShape *shape = at_shape_library_get_shape (lib, i);
  AtRequest *copy = at_request_copy (r);
  copy->sketch = at_shape_render_model_sketch (shape, size);
  copy->sketch_strength = MIN (r->sketch_strength, AT_SHAPE_PRIOR_STRENGTH);
  g_free (copy->shape);
  copy->shape = g_strdup (shape->name);
  return copy;
}
