/* kb_read.c: see kb_read.h. */
#include "kb/kb_read.h"

#include <string.h>

mm_text mm_kb_read_text(mm_yaml_reader *r, const mm_yaml *map, const char *key, bool required) {
  mm_text t = {0};
  const mm_yaml *v = mm_yaml_get(map, key);
  if (!v) {
    if (required) mm_yaml_report(r, map, MM_E_MISSING, "missing key '%s'", key);
    return t;
  }
  if (v->kind != MM_YAML_MAP) {
    mm_yaml_report(r, v, MM_E_TYPE, "'%s' must be a map {en: ..., it: ...}", key);
    return t;
  }
  static const char *const langs[] = {"en", "it", NULL};
  mm_yaml_check_keys(r, v, langs);
  const char **out[] = {&t.en, &t.it};
  for (int i = 0; i < 2; i++) {
    const mm_yaml *s = mm_yaml_get(v, langs[i]);
    if (s && s->kind == MM_YAML_SCALAR && *s->str) *out[i] = s->str;
    else mm_yaml_report(r, s ? s : v, s ? MM_E_TYPE : MM_E_MISSING,
                        "'%s' must be a non-empty string", langs[i]);
  }
  return t;
}

static const char *const verification_names[] = {"verified", "secondary", "unverified", NULL};

void mm_kb_read_provenance(mm_yaml_reader *r, const mm_yaml *map, mm_provenance *out) {
  memset(out, 0, sizeof *out);
  out->file = map ? map->file : NULL;
  out->line = map ? map->line : 0;
  out->sources = mm_yaml_read_strings(r, map, "sources", &out->n_sources, true);
  if (out->sources && out->n_sources == 0)
    mm_yaml_report(r, mm_yaml_get(map, "sources"), MM_E_MISSING,
                   "'sources' must name at least one source");
  out->updated = mm_yaml_read_date(r, map, "updated", true);
  out->reviewed = mm_yaml_read_date(r, map, "reviewed", true);
  out->verification = mm_yaml_read_enum(r, map, "verification", verification_names, MM_VERIFIED);
  out->searched = mm_yaml_read_date(r, map, "searched", false);
  out->rationale = mm_yaml_read_string(r, map, "rationale", false);
}

void mm_kb_read_provenance_inherit(mm_yaml_reader *r, const mm_yaml *map,
                                   const mm_provenance *parent, mm_provenance *out) {
  memset(out, 0, sizeof *out);
  out->file = map ? map->file : NULL;
  out->line = map ? map->line : 0;
  out->sources = mm_yaml_read_strings(r, map, "sources", &out->n_sources, false);
  if (!out->sources) {
    out->sources = parent->sources;
    out->n_sources = parent->n_sources;
  }
  out->updated = mm_yaml_get(map, "updated") ? mm_yaml_read_date(r, map, "updated", true)
                                             : parent->updated;
  out->reviewed = mm_yaml_get(map, "reviewed") ? mm_yaml_read_date(r, map, "reviewed", true)
                                               : parent->reviewed;
  out->verification =
      mm_yaml_read_enum(r, map, "verification", verification_names, parent->verification);
  out->searched = mm_yaml_get(map, "searched") ? mm_yaml_read_date(r, map, "searched", true)
                                               : parent->searched;
  out->rationale = mm_yaml_read_string(r, map, "rationale", false);
}

mm_verification mm_kb_check_provenance(mm_yaml_reader *r, const mm_yaml *map, const char *what) {
  const mm_yaml *s = mm_yaml_get(map, "sources");
  if (!s || s->kind != MM_YAML_SEQ || s->n == 0)
    mm_yaml_report(r, s ? s : map, s ? MM_E_TYPE : MM_E_MISSING,
                   "%s: 'sources' must be a non-empty list", what);
  else
    for (size_t i = 0; i < s->n; i++)
      if (s->items[i]->kind != MM_YAML_SCALAR || !*s->items[i]->str)
        mm_yaml_report(r, s->items[i], MM_E_TYPE, "%s: each source must be a non-empty string",
                       what);
  static const char *const dates[] = {"updated", "reviewed", "searched"};
  for (int i = 0; i < 3; i++) {
    const mm_yaml *v = mm_yaml_get(map, dates[i]);
    mm_date d;
    if (!v && i == 2) continue; /* searched is optional */
    if (!v || v->kind != MM_YAML_SCALAR || !*v->str)
      mm_yaml_report(r, v ? v : map, v ? MM_E_TYPE : MM_E_MISSING,
                     "%s: '%s' must be a non-empty string", what, dates[i]);
    else if (!mm_date_parse(v->str, strlen(v->str), &d))
      mm_yaml_report(r, v, MM_E_TYPE, "%s: '%s' must be YYYY-MM-DD, got '%s'", what, dates[i],
                     v->str);
  }
  const mm_yaml *v = mm_yaml_get(map, "verification");
  if (!v) return MM_VERIFIED;
  for (int i = 0; v->kind == MM_YAML_SCALAR && verification_names[i]; i++)
    if (strcmp(v->str, verification_names[i]) == 0) return (mm_verification)i;
  mm_yaml_report(r, v, MM_E_INVALID, "%s: verification must be verified, secondary or unverified",
                 what);
  return MM_UNVERIFIED;
}
