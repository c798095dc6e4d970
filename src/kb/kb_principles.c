/* kb_principles.c: the principles of kb/algorithm.yaml (docs/kb-options.md
 * "Principles") and the cross-refractory classes of kb/vocabulary/classes.yaml
 * (docs/kb-format.md). A principle is data: its wording, settings, sources
 * and the classes it does not count; this file turns it into one more
 * criterion of each guideline regimen of its settings, a rule generated
 * from the regimen's drugs ("not refractory(anti_cd38) and not
 * refractory(carfilzomib)") and compiled like any written one, so that
 * its trace, missing inputs and verdict come from the same evaluator. */
#include <string.h>

#include "kb/fact_names.h"
#include "kb/kb_internal.h"
#include "util/strbuf.h"

int mm_kb_read_cross_refractory(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *entry, mm_class *c) {
  (void)kb;
  const mm_yaml *x = mm_yaml_read_map(r, entry, "cross_refractory", false);
  if (!x) return 0;
  static const char *const keys[] = {"label", MM_KB_PROVENANCE_KEYS, NULL};
  mm_yaml_check_keys(r, x, keys);
  c->cross_refractory = true;
  c->cross_label = mm_kb_read_text(r, x, "label", true);
  mm_kb_read_provenance(r, x, &c->cross_prov);
  return 0;
}

static const char *canonical_setting(const char *s) {
  for (const char *const *v = mm_setting_values; *v; v++)
    if (strcmp(*v, s) == 0) return *v;
  return NULL;
}

static const char *const kinds[] = {"refractoriness", NULL};

static void read_principle(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *e, mm_principle *p) {
  static const char *const keys[] = {"id", "applies", "settings", "text", "criterion",
                                     "not_counted", "not_counted_why", "searched",
                                     MM_KB_PROVENANCE_KEYS, NULL};
  mm_yaml_check_keys(r, e, keys);
  p->id = mm_yaml_read_string(r, e, "id", true);
  p->kind = (mm_principle_kind)mm_yaml_read_enum(r, e, "applies", kinds, 0);
  if (!mm_yaml_get(e, "applies")) mm_yaml_report(r, e, MM_E_MISSING, "missing key 'applies'");
  p->text = mm_kb_read_text(r, e, "text", true);
  p->criterion = mm_kb_read_text(r, e, "criterion", true);
  size_t n = 0;
  const char **settings = mm_yaml_read_strings(r, e, "settings", &n, true);
  p->settings = mm_arena_alloc(&kb->arena, (n + 1) * sizeof *p->settings);
  for (size_t i = 0; settings && p->settings && i < n; i++) {
    const char *s = canonical_setting(settings[i]);
    if (s) p->settings[p->n_settings++] = s;
    else mm_yaml_report(r, mm_yaml_get(e, "settings"), MM_E_UNKNOWN_NAME,
                        "unknown setting '%s'", settings[i]);
  }
  const char **classes = mm_yaml_read_strings(r, e, "not_counted", &n, false);
  p->not_counted = mm_arena_alloc(&kb->arena, (n + 1) * sizeof *p->not_counted);
  for (size_t i = 0; classes && p->not_counted && i < n; i++) {
    const mm_class *c = mm_kb_find_class(kb, classes[i]);
    if (c) p->not_counted[p->n_not_counted++] = (int)(c - kb->classes);
    else mm_yaml_report(r, mm_yaml_get(e, "not_counted"), MM_E_UNKNOWN_NAME,
                        "no class '%s' in kb/vocabulary/classes.yaml", classes[i]);
  }
  p->not_counted_why = mm_kb_read_text(r, e, "not_counted_why", p->n_not_counted > 0);
  p->searched = mm_yaml_read_date(r, e, "searched", false);
  mm_kb_read_provenance(r, e, &p->prov);
  /* A wording not found in its primary source is never "verified". */
  if (p->searched != MM_DATE_NONE && p->prov.verification == MM_VERIFIED)
    mm_yaml_report(r, mm_yaml_get(e, "searched"), MM_E_INVALID,
                   "'searched' marks a wording not found in its primary source: "
                   "verification must be secondary or unverified");
}

int mm_kb_load_principles(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root) {
  const mm_yaml *list = mm_yaml_read_seq(r, root, "principles", false);
  if (!list) return 0;
  kb->principles = mm_arena_alloc(&kb->arena, (list->n + 1) * sizeof *kb->principles);
  if (!kb->principles) return -1;
  for (size_t i = 0; i < list->n; i++) {
    const mm_yaml *e = list->items[i];
    if (!mm_yaml_is_map(r, e, "a principle")) continue;
    mm_principle *p = &kb->principles[kb->n_principles];
    memset(p, 0, sizeof *p);
    read_principle(kb, r, e, p);
    if (!p->id) continue;
    kb->n_principles++;
    if (p->kind == MM_PRINCIPLE_REFRACTORINESS) {
      if (kb->refractoriness)
        mm_yaml_report(r, e, MM_E_DUPLICATE, "a second principle of kind 'refractoriness' ('%s')",
                       p->id);
      else
        kb->refractoriness = p;
    }
  }
  return 0;
}

static bool counted(const mm_kb *kb, const mm_principle *p, int drug) {
  const mm_drug *d = &kb->drugs[drug];
  for (size_t i = 0; i < d->n_classes; i++)
    for (size_t k = 0; k < p->n_not_counted; k++)
      if (d->classes[i] == p->not_counted[k]) return false;
  return true;
}

static size_t add_check(mm_refractory_check *out, size_t n, size_t cap, int drug, int cls,
                        int slot) {
  if (slot < 0 || n >= cap) return n;
  for (size_t i = 0; i < n; i++)
    if (out[i].slot == slot) return n;
  out[n] = (mm_refractory_check){drug, cls, slot};
  return n + 1;
}

size_t mm_kb_refractory_checks(const mm_kb *kb, const mm_principle *p, const int *drugs, size_t n,
                               mm_refractory_check *out, size_t cap) {
  size_t k = 0;
  for (size_t i = 0; p && i < n; i++) {
    if (!counted(kb, p, drugs[i])) continue;
    const mm_drug *d = &kb->drugs[drugs[i]];
    bool through_class = false;
    for (size_t c = 0; c < d->n_classes; c++) {
      const mm_class *cl = &kb->classes[d->classes[c]];
      if (!cl->cross_refractory) continue;
      through_class = true;
      k = add_check(out, k, cap, drugs[i], d->classes[c], cl->slot_refractory);
    }
    if (!through_class) k = add_check(out, k, cap, drugs[i], -1, d->slot_refractory);
  }
  return k;
}

static bool applies(const mm_principle *p, const char *setting) {
  for (size_t i = 0; setting && i < p->n_settings; i++)
    if (p->settings[i] == setting) return true;
  return false;
}

/* One more criterion on o: not refractory to what it relies on. */
static void add_criterion(mm_kb *kb, mm_yaml_reader *r, const mm_principle *p, mm_option *o) {
  size_t cap = 0;
  for (size_t i = 0; i < o->regimen->n_drugs; i++)
    cap += 1 + kb->drugs[o->regimen->drugs[i]].n_classes;
  mm_refractory_check *checks = mm_arena_alloc(&kb->arena, (cap + 1) * sizeof *checks);
  if (!checks) return;
  size_t n = mm_kb_refractory_checks(kb, p, o->regimen->drugs, o->regimen->n_drugs, checks, cap);
  if (!n) return;
  mm_strbuf when;
  mm_strbuf_init(&when, 0); /* no cap: a cut rule would drop a refractoriness check */
  for (size_t i = 0; i < n; i++)
    mm_strbuf_printf(&when, "%snot refractory(%s)", i ? " and " : "",
                     checks[i].cls >= 0 ? kb->classes[checks[i].cls].id
                                        : kb->drugs[checks[i].drug].key);
  mm_criterion *all = mm_arena_alloc(&kb->arena, (o->n_criteria + 2) * sizeof *all);
  if (!all || !when.data || when.failed) {
    mm_strbuf_free(&when);
    return;
  }
  memcpy(all, o->criteria, o->n_criteria * sizeof *all);
  mm_criterion *c = &all[o->n_criteria];
  memset(c, 0, sizeof *c);
  c->id = p->id;
  c->text = p->criterion;
  c->when = mm_arena_strdup(&kb->arena, when.data);
  c->principle = p;
  mm_strbuf_free(&when);
  mm_rule_names names;
  mm_kb_rule_names(kb, &names);
  mm_rule_origin origin = {p->prov.file, p->prov.line, 1, 0, 1};
  if (!c->when || mm_rule_compile(&c->rule, &kb->arena, c->when, &names, &origin, r->diags) != 0)
    return;
  o->criteria = all;
  o->n_criteria++;
}

void mm_kb_apply_principles(mm_kb *kb, mm_yaml_reader *r) {
  const mm_principle *p = kb->refractoriness;
  for (size_t i = 0; p && i < kb->n_options; i++) {
    mm_option *o = &kb->options[i];
    if (o->kind == MM_OPT_GUIDELINE && o->regimen && applies(p, o->setting))
      add_criterion(kb, r, p, o);
  }
}
