/* context-call.c — see context-call.h. */
#include "context-call.h"

void
at_context_post (GMainContext *context, GSourceFunc func, gpointer data, GDestroyNotify notify)
{
  GSource *source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, notify);
  g_source_set_static_name (source, "atelier-context-call");
  g_source_attach (source, context);
  g_source_unref (source);
}

typedef struct {
  GDestroyNotify destroy;
  gpointer data;
} DestroyCall;

static gboolean
run_destroy (gpointer user_data)
{
  DestroyCall *call = user_data;
  call->destroy (call->data);
  return G_SOURCE_REMOVE;
}

void
at_context_destroy (GMainContext *context, GDestroyNotify destroy, gpointer data)
{
  if (destroy == NULL)
    return;
  if (g_main_context_is_owner (context != NULL ? context : g_main_context_default ()))
    {
      destroy (data);
      return;
    }
  DestroyCall *call = g_new (DestroyCall, 1);
  *call = (DestroyCall) { destroy, data };
  at_context_post (context, run_destroy, call, g_free);
}
