/* kb_rules.c: how the rule compiler sees this knowledge base. Bare names are
 * facts (docs/facts.md); calls map a drug or class to its fact:
 *   exposed(X) refractory(X) current(X)        X a drug or class name
 *   progressed_on(X)                           (arm (b) of refractory(X))
 *   count_exposed(C) count_refractory(C)       C a class name
 *   comorbidity(code)                          a comorbidity code */
#include <stdio.h>
#include <string.h>

#include "kb/kb_internal.h"

static int fill(const mm_kb *kb, int slot, mm_rule_name_info *out) {
  if (slot < 0) return -1;
  out->slot = slot;
  out->type = kb->facts[slot].type;
  out->values = kb->facts[slot].values;
  return 0;
}

static int resolve(void *payload, const char *name, mm_rule_name_info *out) {
  const mm_kb *kb = payload;
  return fill(kb, mm_kb_fact_slot(kb, name), out);
}

static int resolve_call(void *payload, const char *fn, const char *arg,
                        mm_rule_name_info *out, char *why, size_t why_len) {
  const mm_kb *kb = payload;
  const mm_class *c = mm_kb_find_class(kb, arg);
  const mm_drug *d = c ? NULL : mm_kb_find_drug(kb, arg);
  if (strcmp(fn, "comorbidity") == 0) {
    const mm_comorbidity *m = mm_kb_find_comorbidity(kb, arg);
    if (m) return fill(kb, m->slot, out);
    snprintf(why, why_len, "no comorbidity code '%s' in kb/vocabulary/comorbidities.yaml", arg);
    return -1;
  }
  bool count = strncmp(fn, "count_", 6) == 0;
  const char *what = count ? fn + 6 : fn;
  if (strcmp(what, "exposed") != 0 && strcmp(what, "refractory") != 0 &&
      (count || (strcmp(what, "current") != 0 && strcmp(what, "progressed_on") != 0))) {
    snprintf(why, why_len, "unknown function '%s' (known: exposed, refractory, progressed_on, "
             "current, count_exposed, count_refractory, comorbidity)", fn);
    return -1;
  }
  if (count && !c) {
    snprintf(why, why_len, "%s() takes a drug class, and '%s' is not one", fn, arg);
    return -1;
  }
  if (!c && !d) {
    snprintf(why, why_len, "no drug or class named '%s' in kb/vocabulary", arg);
    return -1;
  }
  int slot;
  if (count) slot = what[0] == 'e' ? c->slot_exposed_count : c->slot_refractory_count;
  else if (c)
    slot = what[0] == 'e'   ? c->slot_exposed
           : what[0] == 'r' ? c->slot_refractory
           : what[0] == 'p' ? c->slot_progressed_on
                            : c->slot_current;
  else
    slot = what[0] == 'e'   ? d->slot_exposed
           : what[0] == 'r' ? d->slot_refractory
           : what[0] == 'p' ? d->slot_progressed_on
                            : d->slot_current;
  return fill(kb, slot, out);
}

static void each_name(void *payload, void (*cb)(void *ctx, const char *name), void *ctx) {
  const mm_kb *kb = payload;
  for (size_t i = 0; i < kb->n_facts; i++) cb(ctx, kb->facts[i].name);
}

void mm_kb_rule_names(const mm_kb *kb, mm_rule_names *out) {
  out->resolve = resolve;
  out->resolve_call = resolve_call;
  out->each_name = each_name;
  out->payload = (void *)kb;
}

mm_rule *mm_kb_compile_rule(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *node) {
  if (!node || node->kind != MM_YAML_SCALAR) {
    mm_yaml_report(r, node, MM_E_TYPE, "a rule must be a single line or block of text");
    return NULL;
  }
  mm_rule_names names;
  mm_kb_rule_names(kb, &names);
  /* A block scalar's text starts on the next line, indented. */
  int col = node->col + (node->quoted ? 1 : 0);
  mm_rule_origin origin = {node->file, node->line, col, node->block ? 1 : 0,
                           node->block ? node->indent : col};
  mm_rule *rule = NULL;
  if (mm_rule_compile(&rule, &kb->arena, node->str, &names, &origin, r->diags) != 0)
    return NULL;
  return rule;
}
