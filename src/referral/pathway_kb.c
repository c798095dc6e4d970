/* pathway_kb.c: kb/pathway.yaml (pathway.h): the visit schedule, the label's
 * conditions after infusion, the warning signs, whom to call, the registry
 * field map. The kb loader keeps the parsed tree (its sources are checked
 * with every file by `mmpath kb check`); this reads it into typed data,
 * strictly (unknown keys, missing ones and wrong types are errors with
 * file:line:col), each time it is needed: a few dozen nodes. */
#include <string.h>

#include "kb/kb_read.h"
#include "referral/pathway.h"

static const char *joined(mm_yaml_reader *r, const mm_yaml *m, const char *key) {
  size_t n = 0;
  const char **s = mm_yaml_read_strings(r, m, key, &n, true);
  mm_strbuf b;
  mm_strbuf_init(&b, 0);
  for (size_t i = 0; s && i < n; i++) mm_strbuf_printf(&b, "%s%s", i ? "; " : "", s[i]);
  const char *out = mm_arena_strdup(r->arena, b.data ? b.data : "");
  mm_strbuf_free(&b);
  return out;
}

int mm_path_kb_read(mm_path_kb *out, const mm_kb *kb, mm_arena *a, mm_diags *d) {
  memset(out, 0, sizeof *out);
  const mm_yaml *root = kb->pathway;
  if (!root) {
    mm_diag_errorc(d, MM_E_NOT_FOUND, NULL, 0, 0, "kb/pathway.yaml",
                   "the knowledge base has no pathway.yaml (visit schedule, label conditions, "
                   "registry map)");
    return -1;
  }
  size_t before = d->errors;
  mm_yaml_reader rd = {a, d}, *r = &rd;
  static const char *const top[] = {MM_KB_PROVENANCE_KEYS, "visits", "visits_sources",
                                    "conditions", "warnings", "contact", "registry",
                                    "registry_sources", NULL};
  if (!mm_yaml_is_map(r, root, "pathway.yaml")) return -1;
  mm_yaml_check_keys(r, root, top);
  const mm_yaml *v = mm_yaml_read_seq(r, root, "visits", true);
  out->visits = mm_arena_alloc(a, ((v ? v->n : 0) + 1) * sizeof *out->visits);
  for (size_t i = 0; v && out->visits && i < v->n; i++) {
    const mm_yaml *m = v->items[i];
    static const char *const k[] = {"id", "day", "name", NULL};
    if (!mm_yaml_is_map(r, m, "a visit")) continue;
    mm_yaml_check_keys(r, m, k);
    double day = -1;
    mm_path_visit x = {mm_yaml_read_string(r, m, "id", true), 0,
                       mm_kb_read_text(r, m, "name", true)};
    if (mm_yaml_read_number(r, m, "day", &day, true) && (day < 1 || day > 3650 || day != (int)day))
      mm_yaml_report(r, mm_yaml_get(m, "day"), MM_E_RANGE, "day must be a whole day 1..3650");
    x.day = (int)day;
    out->visits[out->n_visits++] = x;
  }
  const mm_yaml *c = mm_yaml_read_seq(r, root, "conditions", true);
  out->conditions = mm_arena_alloc(a, ((c ? c->n : 0) + 1) * sizeof *out->conditions);
  for (size_t i = 0; c && out->conditions && i < c->n; i++) {
    const mm_yaml *m = c->items[i];
    static const char *const k[] = {MM_KB_PROVENANCE_KEYS, "id", "products", "weeks", "text",
                                    NULL};
    if (!mm_yaml_is_map(r, m, "a condition")) continue;
    mm_yaml_check_keys(r, m, k);
    mm_path_condition x = {0};
    x.id = mm_yaml_read_string(r, m, "id", true);
    x.products = mm_yaml_read_strings(r, m, "products", &x.n_products, true);
    double w = 0;
    mm_yaml_read_number(r, m, "weeks", &w, true);
    x.weeks = (int)w;
    x.text = mm_kb_read_text(r, m, "text", true);
    x.sources = joined(r, m, "sources");
    mm_kb_check_provenance(r, m, "condition");
    out->conditions[out->n_conditions++] = x;
  }
  const mm_yaml *w = mm_yaml_read_seq(r, root, "warnings", true);
  out->warnings = mm_arena_alloc(a, ((w ? w->n : 0) + 1) * sizeof *out->warnings);
  for (size_t i = 0; w && out->warnings && i < w->n; i++) {
    const mm_yaml *m = w->items[i];
    static const char *const k[] = {MM_KB_PROVENANCE_KEYS, "id", "text", NULL};
    if (!mm_yaml_is_map(r, m, "a warning")) continue;
    mm_yaml_check_keys(r, m, k);
    mm_kb_check_provenance(r, m, "warning");
    out->warnings[out->n_warnings++] =
        (mm_path_warning){mm_yaml_read_string(r, m, "id", true), mm_kb_read_text(r, m, "text", true)};
  }
  out->contact = mm_kb_read_text(r, root, "contact", true);
  const mm_yaml *f = mm_yaml_read_seq(r, root, "registry", true);
  out->fields = mm_arena_alloc(a, ((f ? f->n : 0) + 1) * sizeof *out->fields);
  for (size_t i = 0; f && out->fields && i < f->n; i++) {
    const mm_yaml *m = f->items[i];
    static const char *const k[] = {"id", "ebmt", "cibmtr", "source", "from", NULL};
    if (!mm_yaml_is_map(r, m, "a registry field")) continue;
    mm_yaml_check_keys(r, m, k);
    mm_path_field x = {mm_yaml_read_string(r, m, "id", true),
                       mm_yaml_read_string(r, m, "ebmt", true),
                       mm_yaml_read_string(r, m, "cibmtr", true),
                       mm_yaml_read_string(r, m, "source", true),
                       mm_yaml_read_string(r, m, "from", true)};
    /* null in YAML: no form item / not held */
    if (x.ebmt && strcmp(x.ebmt, "null") == 0) x.ebmt = NULL;
    if (x.cibmtr && strcmp(x.cibmtr, "null") == 0) x.cibmtr = NULL;
    if (x.from && strcmp(x.from, "null") == 0) x.from = NULL;
    out->fields[out->n_fields++] = x;
  }
  return d->errors > before || a->failed ? -1 : 0;
}

const mm_path_visit *mm_path_kb_visit(const mm_path_kb *pk, const char *id) {
  for (size_t i = 0; i < pk->n_visits; i++)
    if (pk->visits[i].id && strcmp(pk->visits[i].id, id) == 0) return &pk->visits[i];
  return NULL;
}
