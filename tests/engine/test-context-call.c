/* test-context-call.c — calls from a worker reach the thread that runs
 * the main context, even while that thread is between iterations (when
 * g_main_context_invoke() would run them on the worker). */
#include <gio/gio.h>

#include "context-call.h"

typedef struct {
  GThread *ran_on;
  guint calls;
} Record;

static gboolean
record (gpointer data)
{
  Record *r = data;
  r->ran_on = g_thread_self ();
  r->calls++;
  return G_SOURCE_REMOVE;
}

static void
record_destroy (gpointer data)
{
  record (data);
}

static gpointer
post_from_worker (gpointer data)
{
  at_context_post (NULL, record, data, NULL);
  return NULL;
}

static gpointer
destroy_from_worker (gpointer data)
{
  at_context_destroy (NULL, record_destroy, data);
  return NULL;
}

static void
iterate_until_called (Record *r)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (r->calls == 0 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

/* The main thread owns no context while the worker runs: the call must
 * still wait for it. */
static void
check_from_worker (GThreadFunc worker)
{
  Record r = { 0 };
  g_assert_false (g_main_context_is_owner (g_main_context_default ()));
  g_thread_join (g_thread_new ("worker", worker, &r));
  g_assert_cmpuint (r.calls, ==, 0);
  iterate_until_called (&r);
  g_assert_cmpuint (r.calls, ==, 1);
  g_assert_true (r.ran_on == g_thread_self ());
}

static void
test_post_from_worker (void)
{
  check_from_worker (post_from_worker);
}

static void
test_destroy_from_worker (void)
{
  check_from_worker (destroy_from_worker);
}

static void
test_destroy_on_owner_runs_now (void)
{
  Record r = { 0 };
  g_assert_true (g_main_context_acquire (NULL));
  at_context_destroy (NULL, record_destroy, &r);
  g_main_context_release (NULL);
  g_assert_cmpuint (r.calls, ==, 1);
  g_assert_true (r.ran_on == g_thread_self ());
}

/* A source object that notes the thread it is finalized on. */
static GThread *finalized_on;

static void
note_finalized (gpointer data, GObject *gone)
{
  finalized_on = g_thread_self ();
}

static void
returns_then_lingers (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  g_task_return_boolean (task, TRUE);
  g_usleep (300 * 1000);   /* the caller is done with it long before this thread */
}

static void
done (GObject *source, GAsyncResult *result, gpointer data)
{
  *(gboolean *) data = g_task_propagate_boolean (G_TASK (result), NULL);
}

/* The caller drops the task and its source object first; the worker's
 * reference is the last, and the source is still finalized on the
 * caller's thread. */
static void
test_task_ends_on_its_context (void)
{
  GObject *source = g_object_new (G_TYPE_OBJECT, NULL);
  g_object_weak_ref (source, note_finalized, NULL);
  finalized_on = NULL;
  gboolean ok = FALSE;
  GTask *task = g_task_new (source, NULL, done, &ok);
  g_object_unref (source);
  at_task_run_in_thread (task, returns_then_lingers);
  g_object_unref (task);
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (finalized_on == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (ok);
  g_assert_true (finalized_on == g_thread_self ());
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/context-call/post-from-worker", test_post_from_worker);
  g_test_add_func ("/context-call/destroy-from-worker", test_destroy_from_worker);
  g_test_add_func ("/context-call/destroy-on-owner-runs-now", test_destroy_on_owner_runs_now);
  g_test_add_func ("/context-call/task-ends-on-its-context", test_task_ends_on_its_context);
  return g_test_run ();
}
