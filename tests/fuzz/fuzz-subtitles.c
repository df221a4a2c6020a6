/* fuzz-subtitles.c — the SRT/WebVTT parser, and writing back what it read. */
#include "fuzz-util.h"
#include "media/subtitles.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_setup ();
  GPtrArray *cues = at_subtitles_parse ((const char *) data, size, NULL);
  if (cues == NULL)
    return 0;
  g_free (at_subtitles_to_string (cues, AT_SUBTITLE_SRT));
  g_free (at_subtitles_to_string (cues, AT_SUBTITLE_VTT));
  g_ptr_array_unref (cues);
  return 0;
}
