/* yaml_read.c: see yaml_read.h. */
#include "yaml/yaml_read.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mm_yaml_report(mm_yaml_reader *r, const mm_yaml *at, mm_diag_code code, const char *fmt,
                    ...) {
  va_list ap;
  va_start(ap, fmt);
  mm_diag_vadd(r->diags, MM_DIAG_ERROR, code, at ? at->file : NULL, at ? at->line : 0,
               at ? at->col : 0, NULL, fmt, ap);
  va_end(ap);
}

bool mm_yaml_is(mm_yaml_reader *r, const mm_yaml *node, mm_yaml_kind kind, const char *what) {
  static const char *const names[] = {"a single value", "a list", "a map of keys"};
  if (node && node->kind == kind) return true;
  mm_yaml_report(r, node, MM_E_TYPE, "%s must be %s", what, names[kind]);
  return false;
}

bool mm_yaml_check_keys(mm_yaml_reader *r, const mm_yaml *map, const char *const *allowed) {
  if (!map || map->kind != MM_YAML_MAP) return true;
  bool all = true;
  for (size_t i = 0; i < map->n; i++) {
    const char *k = map->keys[i]->str;
    bool ok = false;
    for (const char *const *a = allowed; *a && !ok; a++) ok = strcmp(*a, k) == 0;
    if (ok) continue;
    all = false;
    char list[300] = "";
    size_t used = 0;
    for (const char *const *a = allowed; *a && used < sizeof list - 40; a++) {
      int w = snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", *a);
      if (w > 0) used += (size_t)w;
    }
    mm_yaml_report(r, map->keys[i], MM_E_UNKNOWN_KEY, "unknown key '%s' (known: %s)", k, list);
  }
  return all;
}

const mm_yaml *mm_yaml_member(mm_yaml_reader *r, const mm_yaml *map, const char *key,
                              mm_yaml_kind kind, bool required) {
  static const char *const names[] = {"a single value", "a list", "a map"};
  const mm_yaml *v = mm_yaml_get(map, key);
  if (!v) {
    if (required) mm_yaml_report(r, map, MM_E_MISSING, "missing key '%s'", key);
    return NULL;
  }
  if (v->kind != kind) {
    mm_yaml_report(r, v, MM_E_TYPE, "'%s' must be %s", key, names[kind]);
    return NULL;
  }
  return v;
}

const char *mm_yaml_read_string(mm_yaml_reader *r, const mm_yaml *map, const char *key,
                                bool required) {
  const mm_yaml *v = mm_yaml_member(r, map, key, MM_YAML_SCALAR, required);
  if (v && required && !*v->str) {
    mm_yaml_report(r, v, MM_E_MISSING, "'%s' must not be empty", key);
    return NULL;
  }
  return v ? v->str : NULL;
}

const char **mm_yaml_read_strings(mm_yaml_reader *r, const mm_yaml *map, const char *key,
                                  size_t *n, bool required) {
  *n = 0;
  const mm_yaml *v = mm_yaml_member(r, map, key, MM_YAML_SEQ, required);
  if (!v) return NULL;
  const char **out = mm_arena_alloc(r->arena, (v->n + 1) * sizeof *out);
  if (!out) return NULL;
  for (size_t i = 0; i < v->n; i++) {
    if (v->items[i]->kind != MM_YAML_SCALAR) {
      mm_yaml_report(r, v->items[i], MM_E_TYPE, "'%s' must be a list of words", key);
      continue;
    }
    out[(*n)++] = v->items[i]->str;
  }
  out[*n] = NULL;
  return out;
}

bool mm_yaml_parse_number(const char *s, double *out) {
  if (!s || !*s) return false;
  /* strtod alone would also take "1e3", "0x10", "inf": not plain decimals */
  for (const char *p = s; *p; p++)
    if (!strchr("0123456789.-+", *p)) return false;
  char *end;
  double x = strtod(s, &end);
  if (*end || !isfinite(x)) return false;
  *out = x;
  return true;
}

bool mm_yaml_read_number(mm_yaml_reader *r, const mm_yaml *map, const char *key, double *out,
                         bool required) {
  const mm_yaml *v = mm_yaml_member(r, map, key, MM_YAML_SCALAR, required);
  if (!v) return false;
  if (!mm_yaml_parse_number(v->str, out)) {
    mm_yaml_report(r, v, MM_E_TYPE, "'%s' must be a plain decimal number, got '%s'", key,
                   v->str);
    return false;
  }
  return true;
}

bool mm_yaml_read_bool(mm_yaml_reader *r, const mm_yaml *map, const char *key, bool dflt) {
  const mm_yaml *v = mm_yaml_member(r, map, key, MM_YAML_SCALAR, false);
  if (!v) return dflt;
  if (strcmp(v->str, "true") == 0) return true;
  if (strcmp(v->str, "false") == 0) return false;
  mm_yaml_report(r, v, MM_E_TYPE, "'%s' must be true or false, got '%s'", key, v->str);
  return dflt;
}

mm_date mm_yaml_read_date(mm_yaml_reader *r, const mm_yaml *map, const char *key,
                          bool required) {
  const mm_yaml *v = mm_yaml_member(r, map, key, MM_YAML_SCALAR, required);
  if (!v) return MM_DATE_NONE;
  mm_date d;
  if (!mm_date_parse(v->str, strlen(v->str), &d)) {
    mm_yaml_report(r, v, MM_E_TYPE, "'%s' must be a date YYYY-MM-DD, got '%s'", key, v->str);
    return MM_DATE_NONE;
  }
  return d;
}

int mm_yaml_read_enum(mm_yaml_reader *r, const mm_yaml *map, const char *key,
                      const char *const *names, int dflt) {
  const mm_yaml *v = mm_yaml_member(r, map, key, MM_YAML_SCALAR, false);
  if (!v) return dflt;
  size_t n = 0;
  for (; names[n]; n++)
    if (strcmp(names[n], v->str) == 0) return (int)n;
  /* "a, b or c" */
  char list[300] = "";
  size_t used = 0;
  for (size_t i = 0; i < n && used < sizeof list - 40; i++) {
    int w = snprintf(list + used, sizeof list - used, "%s%s",
                     i == 0 ? "" : i + 1 == n ? " or " : ", ", names[i]);
    if (w > 0) used += (size_t)w;
  }
  mm_yaml_report(r, v, MM_E_INVALID, "'%s' must be %s, got '%s'", key, list, v->str);
  return dflt;
}
