/* profile.c — per-operator GPU time from timestamp queries. */
#define G_LOG_DOMAIN "atelier-gpu"

#include <stdio.h>

#include "gpu/gpu-private.h"

void
at_profile_entry_free (AtProfileEntry *entry)
{
  g_free (entry->label);
  g_free (entry);
}

void
at_gpu_profile_add (AtGpu *gpu, const char *label, double ms)
{
  AtProfileEntry *entry = g_hash_table_lookup (gpu->profile, label);
  if (entry == NULL)
    {
      entry = g_new0 (AtProfileEntry, 1);
      entry->label = g_strdup (label);
      /* the key points into the entry, which the table owns */
      g_hash_table_insert (gpu->profile, entry->label, entry);
    }
  entry->calls++;
  entry->total_ms += ms;
}

gboolean
at_gpu_is_profiling (AtGpu *gpu)
{
  return gpu->profiling;
}

static gint
by_total_desc (gconstpointer a, gconstpointer b)
{
  const AtProfileEntry *x = *(AtProfileEntry * const *) a, *y = *(AtProfileEntry * const *) b;
  return (x->total_ms < y->total_ms) - (x->total_ms > y->total_ms);
}

void
at_gpu_print_profile (AtGpu *gpu, FILE *out)
{
  if (!gpu->profiling || g_hash_table_size (gpu->profile) == 0)
    return;
  g_autoptr (GPtrArray) entries = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;
  double total = 0;
  g_hash_table_iter_init (&iter, gpu->profile);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (entries, value);
  g_ptr_array_sort (entries, by_total_desc);
  for (guint i = 0; i < entries->len; i++)
    total += ((AtProfileEntry *) entries->pdata[i])->total_ms;
  fprintf (out, "\nGPU profile on %s\n", gpu->info->name);
  fprintf (out, "%-28s %8s %12s %10s %6s\n", "operator", "calls", "total ms", "mean ms", "%");
  for (guint i = 0; i < entries->len; i++)
    {
      AtProfileEntry *e = entries->pdata[i];
      fprintf (out, "%-28s %8" G_GUINT64_FORMAT " %12.3f %10.4f %6.1f\n", e->label, e->calls,
               e->total_ms, e->total_ms / e->calls, total > 0 ? 100.0 * e->total_ms / total : 0.0);
    }
  fprintf (out, "%-28s %8s %12.3f\n", "total", "", total);
}
