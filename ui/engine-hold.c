/* engine-hold.c — see engine-hold.h. */
#include "ui/engine-hold.h"

#include "context-call.h"

AtEngineHold *
at_engine_hold_new (AtApplication *app, AtEngine *engine)
{
  g_return_val_if_fail (AT_IS_APPLICATION (app) && engine != NULL, NULL);
  AtEngineHold *hold = g_new0 (AtEngineHold, 1);
  hold->app = g_object_ref (app);
  hold->engine = engine;
  at_application_hold_engine (app, engine);
  return hold;
}

static void
release (AtEngineHold *hold)
{
  at_application_release_engine (hold->app, hold->engine);
  g_object_unref (hold->app);
  g_free (hold);
}

/* Often called from a task's data on the worker that ran it: the
 * application's books are kept on the main thread. */
void
at_engine_hold_free (AtEngineHold *hold)
{
  if (hold != NULL)
    at_context_destroy (NULL, (GDestroyNotify) release, hold);
}
