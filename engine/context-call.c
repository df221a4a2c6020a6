/* context-call.c — see context-call.h. */
#include "context-call.h"

#ifdef __linux__
#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

static gint background_nice;   /* 0: workers keep the caller's priority */

void
at_task_set_background_nice (int nice)
{
  g_atomic_int_set (&background_nice, CLAMP (nice, 0, 19));
}

/* Lowers the calling thread's priority to the background niceness, so
 * that it, and every thread it starts (Linux threads inherit their
 * creator's niceness: lavapipe's, for one), yields the CPU to the main
 * thread. Linux keeps a niceness per thread; elsewhere nothing changes. */
static void
lower_priority (void)
{
#ifdef __linux__
  int nice = g_atomic_int_get (&background_nice);
  if (nice > 0 && setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), nice) != 0)
    g_debug ("setpriority: %s", g_strerror (errno));
#endif
}

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

typedef struct {
  GTask *task;   /* a reference, dropped on its context */
  GTaskThreadFunc func;
} Work;

static gboolean
drop_task (gpointer task)
{
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static gpointer
work (gpointer data)
{
  Work *w = data;
  GTask *task = w->task;
  lower_priority ();
  w->func (task, g_task_get_source_object (task), g_task_get_task_data (task), g_task_get_cancellable (task));
  at_context_post (g_task_get_context (task), drop_task, task, NULL);
  g_free (w);
  return NULL;
}

void
at_task_run_in_thread (GTask *task, GTaskThreadFunc func)
{
  Work *w = g_new (Work, 1);
  *w = (Work) { g_object_ref (task), func };
  g_thread_unref (g_thread_new ("atelier-task", work, w));
}
