/* context-call.h — calls carried from a worker thread to the thread that
 * runs a GMainContext (the studio's widgets, and the objects that hold
 * them, may only be touched there).
 *
 * g_main_context_invoke() is not enough: it runs the call on the calling
 * thread whenever that thread finds the context unowned for a moment,
 * which a worker does while the main thread is between iterations. And a
 * GTask's task data and source object are freed by whichever thread
 * drops the last reference, often g_task_run_in_thread()'s worker.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Queues func (data) on context's thread (NULL: the global default
 * context); notify (data) follows it there. */
void at_context_post (GMainContext *context, GSourceFunc func, gpointer data, GDestroyNotify notify);

/* destroy (data) on context's thread: now when the caller owns context,
 * otherwise at its next iteration. */
void at_context_destroy (GMainContext *context, GDestroyNotify destroy, gpointer data);

/* g_task_run_in_thread(), but the worker's reference to task is dropped
 * on task's context: its source object (a widget, say) and its data are
 * never finalized on the worker. Each call has a thread of its own. */
void at_task_run_in_thread (GTask *task, GTaskThreadFunc func);

/* From now on, the threads of at_task_run_in_thread() run at niceness
 * nice (0..19; 0: unchanged) and so do the threads they start, such as a
 * CPU Vulkan driver's: an interactive program keeps its main loop on time
 * on a machine whose every core the engine keeps busy. The command line
 * leaves it at 0. */
void at_task_set_background_nice (int nice);

G_END_DECLS
