/* shader-table.h — SPIR-V embedded at build time by shaders/embed.py. */
#pragma once

#include <glib.h>

typedef struct {
  const char *name;
  const guint32 *code;
  gsize size; /* bytes */
} AtShaderEntry;

/* Terminated by an entry whose name is NULL. */
extern const AtShaderEntry at_shader_table[];

const AtShaderEntry *at_shader_lookup (const char *name);
