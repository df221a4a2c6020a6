/* stall-meter.h — how long the studio's main loop is kept from running,
 * for the engine-speed issue's smoothness target (a frame is 16 ms).
 *
 * Off unless ATELIER_UI_STALLS=1 is set when the first phase begins: then
 * a high-priority 4 ms timer notes how late each of its wakeups comes, and
 * from the first at_stall_meter_begin() to the matching last
 * at_stall_meter_end() the longest lateness is the phase's longest stall.
 * Each phase ends with one line on stderr:
 *   ui-stalls: generate: longest 9.8 ms, 2 over 16 ms, in 3.4 s; longest frame 7.1 ms
 * where a frame is one paint of widget's frame clock (before-paint to
 * after-paint: layout, snapshot and render), to tell drawing from the
 * rest.
 * (tools/bench/ui-stalls.sh drives the studio and collects them). Never
 * used by tests for timing. Main thread only. */
#pragma once

#include <gtk/gtk.h>

/* name: what the phase is ("generate", "live"); phases may nest or
 * overlap: the first name counts until all have ended. */
void at_stall_meter_begin (const char *name, GtkWidget *widget);
void at_stall_meter_end (void);
