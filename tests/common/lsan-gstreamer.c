/* lsan-gstreamer.c — linked into the tests that run GStreamer pipelines:
 * LeakSanitizer stays off for them in the sanitizer build (AddressSanitizer
 * and UndefinedBehaviorSanitizer stay on).
 *
 * Why: GStreamer's plugins register more than 2,048 GQuarks, and GLib then
 * moves its quark table to a bigger block and drops the first one on
 * purpose (readers may still hold it). LSan reports that block as a leak,
 * and with the fast unwinder the sanitizer build must use (the slow one
 * deadlocks with lavapipe's threads) its stack stops at g_malloc, so no
 * suppression can single it out without hiding every g_malloc leak. The
 * same code's leaks are checked where it runs without GStreamer. */
int __lsan_is_turned_off (void);

int
__lsan_is_turned_off (void)
{
  return 1;
}
