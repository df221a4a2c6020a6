/* json-reader.h — reading a model's JSON config with every key checked:
 * the first missing, mistyped or out-of-range key becomes the reader's
 * error (the file's path, then what is wrong) and later reads do nothing,
 * so a config reads as a list of gets checked once at the end. Shared by
 * the model config (config.c) and the refiner's (refiner.c). */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct {
  const char *path;
  GError *error;
} AtJsonReader;

void at_json_fail (AtJsonReader *r, const char *format, ...) G_GNUC_PRINTF (2, 3);
int at_json_int (AtJsonReader *r, JsonObject *obj, const char *key, int min, int max);
double at_json_double (AtJsonReader *r, JsonObject *obj, const char *key, double min, double max);
/* Reads a list of min_n..max_n integers in [lo, hi]; returns how many. */
guint at_json_int_list (AtJsonReader *r, JsonObject *obj, const char *key, int *out, guint min_n, guint max_n,
                        int lo, int hi);
/* Exactly n integers in 1..4096. */
void at_json_ints (AtJsonReader *r, JsonObject *obj, const char *key, int *out, guint n);
JsonObject *at_json_object (AtJsonReader *r, JsonObject *obj, const char *key);

G_END_DECLS
