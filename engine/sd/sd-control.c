/* sd-control.c — a ControlNet file for a checkpoint (sd-control.h). */
#include "sd/sd-control.h"

#include <string.h>

#define SUFFIX ".safetensors"

struct _AtSdControlFile {
  AtSdCheckpoint *ckpt;
  char *path;
  char *name;
  AtSdControlNet *net;    /* uploaded on first use */
};

gboolean
at_sd_arch_is_controlnet (const AtSdArch *arch)
{
  return arch->vae_prefix == NULL && arch->text_prefix == NULL;
}

gboolean
at_sd_control_fits (const AtSdArch *control, const char *name, const AtSdArch *model, GError **error)
{
  const AtSdUnetConfig *c = &control->unet, *m = &model->unet;
  if (!at_sd_arch_is_controlnet (control))
    g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_MISMATCH,
                 "%s is not a ControlNet (it holds an %s model); choose a ControlNet such as scribble", name,
                 control->kind_name);
  else if (at_sd_arch_is_controlnet (model))
    g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_MISMATCH,
                 "a ControlNet guides a Stable Diffusion checkpoint, not another ControlNet");
  else if (c->in_channels != m->in_channels || c->model_channels != m->model_channels
           || c->context_dim != m->context_dim || c->linear_projection != m->linear_projection)
    g_set_error (error, AT_SD_ERROR, AT_SD_ERROR_MISMATCH,
                 "%s does not fit this %s model: it was made for a UNet of %u channels with %u-wide text "
                 "attention, this one has %u and %u; choose a ControlNet made for this kind of model",
                 name, model->kind_name, c->model_channels, c->context_dim, m->model_channels, m->context_dim);
  else
    return TRUE;
  return FALSE;
}

char *
at_sd_model_name_of_path (const char *path)
{
  char *base = g_path_get_basename (path);
  if (g_str_has_suffix (base, SUFFIX) && strlen (base) > strlen (SUFFIX))
    base[strlen (base) - strlen (SUFFIX)] = '\0';
  return base;
}

AtSdControlFile *
at_sd_control_file_open (const char *path, const AtSdArch *model, GError **error)
{
  g_return_val_if_fail (path != NULL && model != NULL, NULL);
  g_autoptr (AtSdCheckpoint) ckpt = at_sd_checkpoint_open (path, AT_SD_PREDICTION_AUTO, error);
  if (ckpt == NULL)
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  g_autofree char *name = at_sd_model_name_of_path (path);
  if (!at_sd_control_fits (at_sd_checkpoint_get_arch (ckpt), name, model, error))
    return NULL;
  AtSdControlFile *f = g_new0 (AtSdControlFile, 1);
  f->ckpt = g_steal_pointer (&ckpt);
  f->path = g_strdup (path);
  f->name = g_steal_pointer (&name);
  return f;
}

void
at_sd_control_file_free (AtSdControlFile *f)
{
  if (f == NULL)
    return;
  g_clear_pointer (&f->net, at_sd_controlnet_free);   /* before the file it borrows */
  g_clear_pointer (&f->ckpt, at_sd_checkpoint_free);
  g_free (f->path);
  g_free (f->name);
  g_free (f);
}

const AtSdArch *
at_sd_control_file_get_arch (AtSdControlFile *f)
{
  return at_sd_checkpoint_get_arch (f->ckpt);
}

const char *
at_sd_control_file_get_name (AtSdControlFile *f)
{
  return f->name;
}

const char *
at_sd_control_file_get_path (AtSdControlFile *f)
{
  return f->path;
}

AtSdControlNet *
at_sd_control_file_get_net (AtSdControlFile *f, AtGpu *gpu, GError **error)
{
  if (f->net == NULL)
    f->net = at_sd_controlnet_new_for_checkpoint (gpu, f->ckpt, error);
  return f->net;
}

/* AUTOMATIC1111's quote(): as it is unless it holds a comma, colon or
 * line break, else a JSON string. */
static void
append_quoted (GString *s, const char *text)
{
  if (strpbrk (text, ",:\n") == NULL)
    {
      g_string_append (s, text);
      return;
    }
  g_string_append_c (s, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (s, '\\');
      if (*p == '\n')
        g_string_append (s, "\\n");
      else
        g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
}

char *
at_sd_control_describe (const char *name, float strength)
{
  /* the extension refuses values with its own separators; a name keeps its words */
  g_autofree char *model = g_strdelimit (g_strdup (name), ",:\n", ' ');
  char weight[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *unit = g_strdup_printf ("Module: scribble, Model: %s, Weight: %s", model,
                                           g_ascii_formatd (weight, sizeof weight, "%g", strength));
  GString *s = g_string_new ("ControlNet 0: ");
  append_quoted (s, unit);
  return g_string_free (s, FALSE);
}
