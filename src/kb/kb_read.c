/* kb_read.c: see kb_read.h. */
#include "kb/kb_read.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mm_kbr_error(mm_kb_reader *r, const mm_yaml *at, const char *fmt, ...) {
  char text[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  mm_diag_error(r->diags, at ? at->file : NULL, at ? at->line : 0, at ? at->col : 0,
                NULL, "%s", text);
}

bool mm_kbr_is_map(mm_kb_reader *r, const mm_yaml *node, const char *what) {
  if (node && node->kind == MM_YAML_MAP) return true;
  mm_kbr_error(r, node, "%s must be a map of keys", what);
  return false;
}

void mm_kbr_check_keys(mm_kb_reader *r, const mm_yaml *map, const char *const *allowed) {
  if (!map || map->kind != MM_YAML_MAP) return;
  for (size_t i = 0; i < map->n; i++) {
    const char *k = map->keys[i]->str;
    bool ok = false;
    for (const char *const *a = allowed; *a; a++)
      if (strcmp(*a, k) == 0) ok = true;
    if (!ok) {
      char list[300] = "";
      size_t used = 0;
      for (const char *const *a = allowed; *a && used < sizeof list - 40; a++) {
        int w = snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", *a);
        if (w > 0) used += (size_t)w;
      }
      mm_kbr_error(r, map->keys[i], "unknown key '%s' (known: %s)", k, list);
    }
  }
}

/* The member `key` of map if it is of `kind`; else NULL and an error
 * (none when it is absent and not required). */
static const mm_yaml *member(mm_kb_reader *r, const mm_yaml *map, const char *key,
                             mm_yaml_kind kind, bool required) {
  const mm_yaml *v = mm_yaml_get(map, key);
  if (!v) {
    if (required) mm_kbr_error(r, map, "missing key '%s'", key);
    return NULL;
  }
  if (v->kind != kind) {
    mm_kbr_error(r, v, "'%s' must be %s", key,
                 kind == MM_YAML_SCALAR ? "a single value" : kind == MM_YAML_SEQ ? "a list" : "a map");
    return NULL;
  }
  return v;
}

static const mm_yaml *scalar(mm_kb_reader *r, const mm_yaml *map, const char *key,
                             bool required) {
  return member(r, map, key, MM_YAML_SCALAR, required);
}

const char *mm_kbr_string(mm_kb_reader *r, const mm_yaml *map, const char *key,
                          bool required) {
  const mm_yaml *v = scalar(r, map, key, required);
  if (v && required && !*v->str) {
    mm_kbr_error(r, v, "'%s' must not be empty", key);
    return NULL;
  }
  return v ? v->str : NULL;
}

mm_text mm_kbr_text(mm_kb_reader *r, const mm_yaml *map, const char *key, bool required) {
  mm_text t = {0};
  const mm_yaml *v = mm_yaml_get(map, key);
  if (!v) {
    if (required) mm_kbr_error(r, map, "missing key '%s'", key);
    return t;
  }
  if (v->kind != MM_YAML_MAP) {
    mm_kbr_error(r, v, "'%s' must be a map {en: ..., it: ...}", key);
    return t;
  }
  static const char *const langs[] = {"en", "it", NULL};
  mm_kbr_check_keys(r, v, langs);
  t.en = mm_kbr_string(r, v, "en", true);
  t.it = mm_kbr_string(r, v, "it", true);
  return t;
}

const char **mm_kbr_strings(mm_kb_reader *r, const mm_yaml *map, const char *key,
                            size_t *n, bool required) {
  *n = 0;
  const mm_yaml *v = mm_yaml_get(map, key);
  if (!v) {
    if (required) mm_kbr_error(r, map, "missing key '%s'", key);
    return NULL;
  }
  if (v->kind != MM_YAML_SEQ) {
    mm_kbr_error(r, v, "'%s' must be a list", key);
    return NULL;
  }
  const char **out = mm_arena_alloc(r->arena, (v->n + 1) * sizeof *out);
  if (!out) return NULL;
  for (size_t i = 0; i < v->n; i++) {
    if (v->items[i]->kind != MM_YAML_SCALAR) {
      mm_kbr_error(r, v->items[i], "'%s' must be a list of words", key);
      continue;
    }
    out[(*n)++] = v->items[i]->str;
  }
  out[*n] = NULL;
  return out;
}

mm_date mm_kbr_date(mm_kb_reader *r, const mm_yaml *map, const char *key, bool required) {
  const mm_yaml *v = scalar(r, map, key, required);
  if (!v) return MM_DATE_NONE;
  mm_date d;
  if (!mm_date_parse(v->str, strlen(v->str), &d)) {
    mm_kbr_error(r, v, "'%s' must be a date YYYY-MM-DD, got '%s'", key, v->str);
    return MM_DATE_NONE;
  }
  return d;
}

bool mm_kbr_number(mm_kb_reader *r, const mm_yaml *map, const char *key, double *out,
                   bool required) {
  const mm_yaml *v = scalar(r, map, key, required);
  if (!v) return false;
  char *end;
  errno = 0;
  double x = strtod(v->str, &end);
  if (!*v->str || *end || errno) {
    mm_kbr_error(r, v, "'%s' must be a number, got '%s'", key, v->str);
    return false;
  }
  *out = x;
  return true;
}

bool mm_kbr_bool(mm_kb_reader *r, const mm_yaml *map, const char *key, bool dflt) {
  const mm_yaml *v = scalar(r, map, key, false);
  if (!v) return dflt;
  if (strcmp(v->str, "true") == 0) return true;
  if (strcmp(v->str, "false") == 0) return false;
  mm_kbr_error(r, v, "'%s' must be true or false, got '%s'", key, v->str);
  return dflt;
}

const mm_yaml *mm_kbr_seq(mm_kb_reader *r, const mm_yaml *map, const char *key,
                          bool required) {
  return member(r, map, key, MM_YAML_SEQ, required);
}

static mm_verification read_verification(mm_kb_reader *r, const mm_yaml *map,
                                         mm_verification dflt) {
  const char *v = mm_kbr_string(r, map, "verification", false);
  if (!v) return dflt;
  if (strcmp(v, "verified") == 0) return MM_VERIFIED;
  if (strcmp(v, "secondary") == 0) return MM_SECONDARY;
  if (strcmp(v, "unverified") == 0) return MM_UNVERIFIED;
  mm_kbr_error(r, mm_yaml_get(map, "verification"),
               "'verification' must be verified, secondary or unverified, got '%s'", v);
  return dflt;
}

void mm_kbr_provenance(mm_kb_reader *r, const mm_yaml *map, mm_provenance *out) {
  memset(out, 0, sizeof *out);
  out->file = map ? map->file : NULL;
  out->line = map ? map->line : 0;
  out->sources = mm_kbr_strings(r, map, "sources", &out->n_sources, true);
  if (out->sources && out->n_sources == 0)
    mm_kbr_error(r, mm_yaml_get(map, "sources"), "'sources' must name at least one source");
  out->updated = mm_kbr_date(r, map, "updated", true);
  out->reviewed = mm_kbr_date(r, map, "reviewed", true);
  out->verification = read_verification(r, map, MM_VERIFIED);
}

void mm_kbr_provenance_inherit(mm_kb_reader *r, const mm_yaml *map, const mm_provenance *parent,
                               mm_provenance *out) {
  memset(out, 0, sizeof *out);
  out->file = map ? map->file : NULL;
  out->line = map ? map->line : 0;
  out->sources = mm_kbr_strings(r, map, "sources", &out->n_sources, false);
  if (!out->sources) {
    out->sources = parent->sources;
    out->n_sources = parent->n_sources;
  }
  out->updated = mm_yaml_get(map, "updated") ? mm_kbr_date(r, map, "updated", true) : parent->updated;
  out->reviewed = mm_yaml_get(map, "reviewed") ? mm_kbr_date(r, map, "reviewed", true) : parent->reviewed;
  out->verification = read_verification(r, map, parent->verification);
}
