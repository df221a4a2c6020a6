/* recorder.c — microphone capture through a GStreamer pipeline. */
#define G_LOG_DOMAIN "atelier-recorder"

#include "audio/recorder.h"
#include "context-call.h"

#include <math.h>
#include <string.h>

#include <gst/app/gstappsink.h>
#include <gst/gst.h>

G_DEFINE_QUARK (at-recorder-error-quark, at_recorder_error)

G_DEFINE_ENUM_TYPE (AtRecorderStopReason, at_recorder_stop_reason,
                    G_DEFINE_ENUM_VALUE (AT_RECORDER_STOPPED_USER, "user"),
                    G_DEFINE_ENUM_VALUE (AT_RECORDER_STOPPED_MAX_LENGTH, "max-length"),
                    G_DEFINE_ENUM_VALUE (AT_RECORDER_STOPPED_END, "end"),
                    G_DEFINE_ENUM_VALUE (AT_RECORDER_STOPPED_ERROR, "error"))

/* How often samples and levels reach the main context: 20 Hz moves a level
 * meter smoothly and keeps live captions a word behind at most. */
#define TICK_MS 50

#define DEFAULT_SOURCE "autoaudiosrc"
/* The default source as it goes into the pipeline, named to be found. */
#define DEFAULT_SOURCE_NAMED DEFAULT_SOURCE " name=default-source"

struct _AtRecorder {
  GObject parent_instance;

  char *source;                /* NULL: the default microphone */
  double max_seconds;
  GstDeviceMonitor *monitor;   /* only for the default source, once probed */
  GSource *monitor_watch;
  guint n_devices;

  GstElement *pipeline;        /* while recording */
  GMainContext *context;       /* where signals go */
  GSource *tick;
  GSource *bus_watch;

  /* Shared with the streaming thread, under lock. */
  GMutex lock;
  GArray *recorded;            /* float: the whole recording */
  gsize max_samples;
  gsize delivered;             /* samples of recorded already emitted */
  double sum_squares;          /* since the last tick */
  float peak;
  gsize n_level;
  gboolean full;               /* max_samples reached */
};

G_DEFINE_FINAL_TYPE (AtRecorder, at_recorder, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SOURCE,
  PROP_MAX_SECONDS,
  PROP_AVAILABLE,
  PROP_RECORDING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_LEVEL,
  SIGNAL_SAMPLES,
  SIGNAL_STOPPED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* --- GStreamer set-up -------------------------------------------------------- */

static gpointer
init_gstreamer (gpointer data)
{
  GError *error = NULL;
  if (!gst_init_check (NULL, NULL, &error))
    return error;
  return NULL;
}

/* GStreamer is initialised once per process; a failure is remembered. */
static gboolean
ensure_gstreamer (GError **error)
{
  static GOnce once = G_ONCE_INIT;
  const GError *init_error = g_once (&once, init_gstreamer, NULL);
  if (init_error == NULL)
    return TRUE;
  g_set_error (error, AT_RECORDER_ERROR, AT_RECORDER_ERROR_UNAVAILABLE, "GStreamer could not be initialised: %s",
               init_error->message);
  return FALSE;
}

/* A sink's monitor (PulseAudio's "Monitor of …") records what plays, not
 * what is said: it does not count as an input. */
static gboolean
is_input (GstDevice *device)
{
  g_autoptr (GstStructure) props = gst_device_get_properties (device);
  const char *klass = props != NULL ? gst_structure_get_string (props, "device.class") : NULL;
  return g_strcmp0 (klass, "monitor") != 0;
}

static guint
count_inputs (GstDeviceMonitor *monitor)
{
  GList *devices = gst_device_monitor_get_devices (monitor);
  guint n = 0;
  for (GList *l = devices; l != NULL; l = l->next)
    n += is_input (l->data);
  g_list_free_full (devices, gst_object_unref);
  return n;
}

static GstDeviceMonitor *
input_monitor_new (void)
{
  GstDeviceMonitor *monitor = gst_device_monitor_new ();
  gst_device_monitor_add_filter (monitor, "Audio/Source", NULL);
  return monitor;
}

gboolean
at_recorder_has_input_device (void)
{
  if (!ensure_gstreamer (NULL))
    return FALSE;
  g_autoptr (GstDeviceMonitor) monitor = input_monitor_new ();
  /* start() probes every device provider; without it only providers that
   * can list devices statically answer */
  gboolean started = gst_device_monitor_start (monitor);
  guint n = count_inputs (monitor);
  if (started)
    gst_device_monitor_stop (monitor);
  return n > 0;
}

static gboolean
on_monitor_message (GstBus *bus, GstMessage *message, gpointer user_data)
{
  AtRecorder *self = user_data;
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_DEVICE_ADDED ||
      GST_MESSAGE_TYPE (message) == GST_MESSAGE_DEVICE_REMOVED)
    {
      gboolean had = self->n_devices > 0;
      self->n_devices = count_inputs (self->monitor);
      if (had != (self->n_devices > 0))
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
    }
  return G_SOURCE_CONTINUE;
}

/* Probing starts GStreamer (a registry scan on first use) and every device
 * provider (a PulseAudio or PipeWire connection): seconds at worst, so on a
 * worker; the answer, and the changes after it, come to the main context
 * the recorder was made on. */
static void
probe_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  if (!ensure_gstreamer (NULL))
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  GstDeviceMonitor *monitor = input_monitor_new ();
  if (!gst_device_monitor_start (monitor))
    g_debug ("No device provider could start: no input devices");
  g_task_return_pointer (task, monitor, gst_object_unref);
}

static void
probe_done (GObject *object, GAsyncResult *result, gpointer user_data)
{
  AtRecorder *self = AT_RECORDER (object);
  self->monitor = g_task_propagate_pointer (G_TASK (result), NULL);
  if (self->monitor == NULL)
    return;
  g_autoptr (GstBus) bus = gst_device_monitor_get_bus (self->monitor);
  self->monitor_watch = gst_bus_create_watch (bus);
  g_source_set_callback (self->monitor_watch, G_SOURCE_FUNC (on_monitor_message), self, NULL);
  g_source_attach (self->monitor_watch, g_main_context_get_thread_default ());
  self->n_devices = count_inputs (self->monitor);
  if (self->n_devices > 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
}

static void
watch_devices (AtRecorder *self)
{
  g_autoptr (GTask) task = g_task_new (self, NULL, probe_done, NULL);
  g_task_set_source_tag (task, watch_devices);
  at_task_run_in_thread (task, probe_thread);
}

/* --- the streaming thread ---------------------------------------------------- */

static GstFlowReturn
on_new_sample (GstAppSink *sink, gpointer user_data)
{
  AtRecorder *self = user_data;
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buffer = sample != NULL ? gst_sample_get_buffer (sample) : NULL;
  GstMapInfo map;
  if (buffer == NULL || !gst_buffer_map (buffer, &map, GST_MAP_READ))
    return GST_FLOW_OK;
  const float *samples = (const float *) map.data;
  gsize n = map.size / sizeof (float);

  g_mutex_lock (&self->lock);
  gsize room = self->max_samples - MIN (self->recorded->len, self->max_samples);
  n = MIN (n, room);
  g_array_append_vals (self->recorded, samples, n);
  for (gsize i = 0; i < n; i++)
    {
      float v = isfinite (samples[i]) ? samples[i] : 0.0f;
      self->sum_squares += (double) v * v;
      self->peak = MAX (self->peak, fabsf (v));
    }
  self->n_level += n;
  if (self->recorded->len >= self->max_samples)
    self->full = TRUE;
  gboolean full = self->full;
  g_mutex_unlock (&self->lock);

  gst_buffer_unmap (buffer, &map);
  /* the main context stops the pipeline at its next tick */
  return full ? GST_FLOW_EOS : GST_FLOW_OK;
}

/* --- the main context -------------------------------------------------------- */

static double
to_db (double amplitude)
{
  return amplitude > 1e-5 ? MAX (20.0 * log10 (amplitude), AT_RECORDER_LEVEL_FLOOR_DB) : AT_RECORDER_LEVEL_FLOOR_DB;
}

/* Emits the samples and the level gathered since the last tick. */
static void
deliver (AtRecorder *self)
{
  g_mutex_lock (&self->lock);
  gsize from = self->delivered, to = self->recorded->len;
  double rms = self->n_level > 0 ? sqrt (self->sum_squares / self->n_level) : 0;
  double peak = self->peak;
  gboolean any = self->n_level > 0;
  self->sum_squares = 0;
  self->peak = 0;
  self->n_level = 0;
  self->delivered = to;
  /* the streaming thread only appends; the copy keeps the signal's data
   * valid whatever it does meanwhile */
  g_autofree float *chunk = to > from ? g_memdup2 (&g_array_index (self->recorded, float, from),
                                                    (to - from) * sizeof (float))
                                      : NULL;
  g_mutex_unlock (&self->lock);

  if (any)
    g_signal_emit (self, signals[SIGNAL_LEVEL], 0, to_db (rms), to_db (peak));
  if (chunk != NULL)
    g_signal_emit (self, signals[SIGNAL_SAMPLES], 0, chunk, (guint) (to - from));
}

static void
finish (AtRecorder *self, AtRecorderStopReason reason, const GError *error)
{
  if (self->pipeline == NULL)
    return;
  gst_element_set_state (self->pipeline, GST_STATE_NULL);
  g_clear_object (&self->pipeline);
  if (self->tick != NULL)
    g_source_destroy (self->tick);
  g_clear_pointer (&self->tick, g_source_unref);
  if (self->bus_watch != NULL)
    g_source_destroy (self->bus_watch);
  g_clear_pointer (&self->bus_watch, g_source_unref);
  /* the streaming threads are gone: the last samples are all in */
  g_object_ref (self);
  deliver (self);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORDING]);
  g_signal_emit (self, signals[SIGNAL_STOPPED], 0, reason, error);
  g_object_unref (self);
}

static gboolean
on_tick (gpointer user_data)
{
  AtRecorder *self = user_data;
  g_mutex_lock (&self->lock);
  gboolean full = self->full;
  g_mutex_unlock (&self->lock);
  if (full)
    {
      finish (self, AT_RECORDER_STOPPED_MAX_LENGTH, NULL);
      return G_SOURCE_REMOVE;
    }
  deliver (self);
  return G_SOURCE_CONTINUE;
}

/* GStreamer's message is generic ("Resource not found."); the last line of
 * its debug text says which device or file, which helps a user more than
 * the element's name. */
static GError *
error_from_message (GstMessage *message, int code, const char *what)
{
  g_autoptr (GError) gst_error = NULL;
  g_autofree char *debug = NULL;
  gst_message_parse_error (message, &gst_error, &debug);
  const char *detail = debug != NULL ? strrchr (debug, '\n') : NULL;
  if (detail != NULL && detail[1] != '\0')
    return g_error_new (AT_RECORDER_ERROR, code, "%s: %s (%s)", what, gst_error->message, detail + 1);
  return g_error_new (AT_RECORDER_ERROR, code, "%s: %s", what, gst_error->message);
}

static gboolean
on_bus_message (GstBus *bus, GstMessage *message, gpointer user_data)
{
  AtRecorder *self = user_data;
  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_EOS:
      {
        g_mutex_lock (&self->lock);
        gboolean full = self->full;
        g_mutex_unlock (&self->lock);
        finish (self, full ? AT_RECORDER_STOPPED_MAX_LENGTH : AT_RECORDER_STOPPED_END, NULL);
        return G_SOURCE_REMOVE;
      }
    case GST_MESSAGE_ERROR:
      {
        g_autoptr (GError) error = error_from_message (message, AT_RECORDER_ERROR_FAILED, "Recording failed");
        finish (self, AT_RECORDER_STOPPED_ERROR, error);
        return G_SOURCE_REMOVE;
      }
    default:
      return G_SOURCE_CONTINUE;
    }
}

/* The first error the pipeline posted while refusing to start. */
static GError *
start_error (GstElement *pipeline)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr (GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  if (message != NULL)
    return error_from_message (message, AT_RECORDER_ERROR_START, "Could not start recording");
  return g_error_new_literal (AT_RECORDER_ERROR, AT_RECORDER_ERROR_START,
                              "Could not start recording: the audio source refused to start");
}

/* autoaudiosrc, finding no input it can open, records silence from an
 * audiotestsrc rather than failing: that is no microphone. */
static gboolean
records_fake_silence (GstElement *pipeline)
{
  g_autoptr (GstElement) source = gst_bin_get_by_name (GST_BIN (pipeline), "default-source");
  if (source == NULL || !GST_IS_BIN (source))
    return FALSE;
  gboolean fake = FALSE;
  GstIterator *it = gst_bin_iterate_elements (GST_BIN (source));
  GValue item = G_VALUE_INIT;
  while (!fake && gst_iterator_next (it, &item) == GST_ITERATOR_OK)
    {
      GstElementFactory *factory = gst_element_get_factory (g_value_get_object (&item));
      fake = factory != NULL && g_str_equal (GST_OBJECT_NAME (factory), "audiotestsrc");
      g_value_reset (&item);
    }
  g_value_unset (&item);
  gst_iterator_free (it);
  return fake;
}

/* The device watch's answer once it has one; until then a probe of our own.
 * autoaudiosrc, finding no device, may still pick a source that "starts"
 * and delivers nothing (OpenAL with no card): the devices decide. */
static gboolean
default_source_has_input (AtRecorder *self)
{
  if (self->monitor != NULL)
    return self->n_devices > 0;
  return at_recorder_has_input_device ();
}

static void
set_no_microphone (GError **error)
{
  g_set_error_literal (error, AT_RECORDER_ERROR, AT_RECORDER_ERROR_START,
                       "No microphone found: no audio input could be opened (PipeWire, PulseAudio, ALSA)");
}

gboolean
at_recorder_start (AtRecorder *self, GError **error)
{
  g_return_val_if_fail (AT_IS_RECORDER (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  if (self->pipeline != NULL)
    {
      g_set_error_literal (error, AT_RECORDER_ERROR, AT_RECORDER_ERROR_BUSY, "Already recording");
      return FALSE;
    }
  if (!ensure_gstreamer (error))
    return FALSE;
  if (self->source == NULL && !default_source_has_input (self))
    {
      set_no_microphone (error);
      return FALSE;
    }

  const char *source = self->source != NULL ? self->source : DEFAULT_SOURCE;
  g_autofree char *description = g_strdup_printf (
    "%s ! audioconvert ! audioresample ! audio/x-raw,format=F32LE,channels=1,rate=%d ! appsink name=sink",
    self->source != NULL ? self->source : DEFAULT_SOURCE_NAMED, AT_RECORDER_RATE);
  g_autoptr (GError) parse_error = NULL;
  /* FATAL_ERRORS: a missing element or property is an error, not a
   * pipeline quietly built without it */
  g_autoptr (GstElement) pipeline = gst_parse_launch_full (description, NULL, GST_PARSE_FLAG_FATAL_ERRORS, &parse_error);
  if (pipeline == NULL)
    {
      g_set_error (error, AT_RECORDER_ERROR, AT_RECORDER_ERROR_SOURCE,
                   "The audio source “%s” cannot be used: %s", source, parse_error->message);
      return FALSE;
    }
  g_autoptr (GstElement) sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  GstAppSinkCallbacks callbacks = { .new_sample = on_new_sample };
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, self, NULL);

  g_mutex_lock (&self->lock);
  g_array_set_size (self->recorded, 0);
  self->max_samples = (gsize) lround (self->max_seconds * AT_RECORDER_RATE);
  self->delivered = 0;
  self->sum_squares = 0;
  self->peak = 0;
  self->n_level = 0;
  self->full = FALSE;
  g_mutex_unlock (&self->lock);

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_propagate_error (error, start_error (pipeline));
      gst_element_set_state (pipeline, GST_STATE_NULL);
      return FALSE;
    }
  /* autodetection happens on the way to READY, so the choice is known */
  if (records_fake_silence (pipeline))
    {
      gst_element_set_state (pipeline, GST_STATE_NULL);
      set_no_microphone (error);
      return FALSE;
    }
  self->pipeline = g_steal_pointer (&pipeline);
  self->context = g_main_context_ref_thread_default ();
  self->tick = g_timeout_source_new (TICK_MS);
  g_source_set_callback (self->tick, on_tick, self, NULL);
  g_source_attach (self->tick, self->context);
  g_autoptr (GstBus) bus = gst_element_get_bus (self->pipeline);
  self->bus_watch = gst_bus_create_watch (bus);
  g_source_set_callback (self->bus_watch, G_SOURCE_FUNC (on_bus_message), self, NULL);
  g_source_attach (self->bus_watch, self->context);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORDING]);
  return TRUE;
}

void
at_recorder_stop (AtRecorder *self)
{
  g_return_if_fail (AT_IS_RECORDER (self));
  finish (self, AT_RECORDER_STOPPED_USER, NULL);
}

gboolean
at_recorder_is_recording (AtRecorder *self)
{
  g_return_val_if_fail (AT_IS_RECORDER (self), FALSE);
  return self->pipeline != NULL;
}

double
at_recorder_get_seconds (AtRecorder *self)
{
  g_return_val_if_fail (AT_IS_RECORDER (self), 0);
  g_mutex_lock (&self->lock);
  double seconds = (double) self->recorded->len / AT_RECORDER_RATE;
  g_mutex_unlock (&self->lock);
  return seconds;
}

AtAudio *
at_recorder_take_audio (AtRecorder *self)
{
  g_return_val_if_fail (AT_IS_RECORDER (self), NULL);
  if (self->pipeline != NULL || self->recorded->len == 0)
    return NULL;
  AtAudio *audio = at_audio_new_from ((const float *) self->recorded->data, self->recorded->len, AT_RECORDER_RATE);
  g_array_set_size (self->recorded, 0);
  return audio;
}

const char *
at_recorder_get_source (AtRecorder *self)
{
  g_return_val_if_fail (AT_IS_RECORDER (self), NULL);
  return self->source != NULL ? self->source : DEFAULT_SOURCE;
}

void
at_recorder_set_max_seconds (AtRecorder *self, double seconds)
{
  g_return_if_fail (AT_IS_RECORDER (self));
  g_return_if_fail (seconds > 0);
  seconds = MIN (seconds, AT_AUDIO_MAX_SECONDS);
  if (self->max_seconds == seconds)
    return;
  self->max_seconds = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_SECONDS]);
}

double
at_recorder_get_max_seconds (AtRecorder *self)
{
  g_return_val_if_fail (AT_IS_RECORDER (self), 0);
  return self->max_seconds;
}

gboolean
at_recorder_get_available (AtRecorder *self)
{
  g_return_val_if_fail (AT_IS_RECORDER (self), FALSE);
  return self->source != NULL || self->n_devices > 0;
}

AtRecorder *
at_recorder_new (const char *source)
{
  return g_object_new (AT_TYPE_RECORDER, "source", source, NULL);
}

/* --- GObject ----------------------------------------------------------------- */

static void
at_recorder_constructed (GObject *object)
{
  AtRecorder *self = AT_RECORDER (object);
  G_OBJECT_CLASS (at_recorder_parent_class)->constructed (object);
  if (self->source == NULL)
    watch_devices (self);
}

static void
at_recorder_dispose (GObject *object)
{
  AtRecorder *self = AT_RECORDER (object);
  if (self->pipeline != NULL)
    {
      /* nobody is left to tell */
      g_signal_handlers_destroy (self);
      finish (self, AT_RECORDER_STOPPED_USER, NULL);
    }
  if (self->monitor_watch != NULL)
    g_source_destroy (self->monitor_watch);
  g_clear_pointer (&self->monitor_watch, g_source_unref);
  if (self->monitor != NULL)
    {
      gst_device_monitor_stop (self->monitor);
      g_clear_object (&self->monitor);
    }
  G_OBJECT_CLASS (at_recorder_parent_class)->dispose (object);
}

static void
at_recorder_finalize (GObject *object)
{
  AtRecorder *self = AT_RECORDER (object);
  g_free (self->source);
  g_array_unref (self->recorded);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (at_recorder_parent_class)->finalize (object);
}

static void
at_recorder_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AtRecorder *self = AT_RECORDER (object);
  switch (prop_id)
    {
    case PROP_SOURCE:
      g_value_set_string (value, at_recorder_get_source (self));
      break;
    case PROP_MAX_SECONDS:
      g_value_set_double (value, self->max_seconds);
      break;
    case PROP_AVAILABLE:
      g_value_set_boolean (value, at_recorder_get_available (self));
      break;
    case PROP_RECORDING:
      g_value_set_boolean (value, at_recorder_is_recording (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_recorder_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  AtRecorder *self = AT_RECORDER (object);
  switch (prop_id)
    {
    case PROP_SOURCE:
      {
        const char *source = g_value_get_string (value);
        self->source = source != NULL && *source != '\0' ? g_strdup (source) : NULL;
      }
      break;
    case PROP_MAX_SECONDS:
      at_recorder_set_max_seconds (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
at_recorder_class_init (AtRecorderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = at_recorder_constructed;
  object_class->dispose = at_recorder_dispose;
  object_class->finalize = at_recorder_finalize;
  object_class->get_property = at_recorder_get_property;
  object_class->set_property = at_recorder_set_property;

  properties[PROP_SOURCE] =
    g_param_spec_string ("source", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_SECONDS] =
    g_param_spec_double ("max-seconds", NULL, NULL, 0.01, AT_AUDIO_MAX_SECONDS, AT_RECORDER_MAX_SECONDS_DEFAULT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AVAILABLE] =
    g_param_spec_boolean ("available", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_RECORDING] =
    g_param_spec_boolean ("recording", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_LEVEL] = g_signal_new ("level", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
  signals[SIGNAL_SAMPLES] = g_signal_new ("samples", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                          NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_UINT);
  signals[SIGNAL_STOPPED] = g_signal_new ("stopped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                          NULL, G_TYPE_NONE, 2, AT_TYPE_RECORDER_STOP_REASON, G_TYPE_ERROR);
}

static void
at_recorder_init (AtRecorder *self)
{
  g_mutex_init (&self->lock);
  self->recorded = g_array_new (FALSE, FALSE, sizeof (float));
  self->max_seconds = AT_RECORDER_MAX_SECONDS_DEFAULT;
}
