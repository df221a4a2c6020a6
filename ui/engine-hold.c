/* engine-hold.c — see engine-hold.h. */
#include "ui/engine-hold.h"

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

/* Main thread only (the application's books): task data holding one is
 * freed there, as every task ends on its context (at_task_run_in_thread). */
void
at_engine_hold_free (AtEngineHold *hold)
{
  if (hold == NULL)
    return;
  at_application_release_engine (hold->app, hold->engine);
  g_object_unref (hold->app);
  g_free (hold);
}
