/* fuzz-audio.c — the audio loader (libsndfile underneath, Atelier's own
 * limits, channel mixing and checks on top). */
#include "audio/audio-file.h"
#include "fuzz-util.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *path = fuzz_file (data, size, ".wav");
  AtAudio *audio = at_audio_load (path, NULL);
  if (audio != NULL)
    at_audio_free (audio);
  return 0;
}
