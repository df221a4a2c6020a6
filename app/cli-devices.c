/* cli-devices.c — `atelier --list-devices`. */
#include <stdio.h>

#include "app/cli.h"
#include "gpu/gpu.h"

int
at_cli_list_devices (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) devices = at_gpu_list_devices (&error);
  if (devices == NULL)
    {
      fprintf (stderr, "atelier: %s\n", error->message);
      return AT_EXIT_NO_DEVICE;
    }
  g_autoptr (GError) choice_error = NULL;
  g_autoptr (AtGpu) chosen = at_gpu_new (NULL, &choice_error);
  for (guint i = 0; i < devices->len; i++)
    {
      AtGpuDeviceInfo *info = devices->pdata[i];
      gboolean is_chosen = chosen != NULL && at_gpu_get_device_info (chosen)->index == i;
      printf ("%c %u: %s\n     type: %s, driver: %s, Vulkan %s, memory: %.1f GiB%s\n",
              is_chosen ? '*' : ' ', i, info->name, at_gpu_device_type_to_string (info->type),
              info->driver, info->api_version, info->memory / (1024.0 * 1024.0 * 1024.0),
              info->has_compute ? "" : ", no compute queue");
    }
  if (chosen == NULL)
    {
      fprintf (stderr, "atelier: %s\n", choice_error->message);
      return AT_EXIT_NO_DEVICE;
    }
  printf ("\n* = used by default; choose another with ATELIER_DEVICE=INDEX or part of its name\n");
  return AT_EXIT_OK;
}
