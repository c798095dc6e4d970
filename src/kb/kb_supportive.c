/* kb_supportive.c: kb/supportive_care.yaml, the supportive-care plan by phase
 * of treatment (docs/kb-format.md). Each item has a phase, a trigger in the
 * rule language, a window (words, and the months as data when the window is
 * counted on a fact), the decisions it may rest on (conditional_on) and its
 * sources. What is evaluated is the trigger and the window's bounds:
 *   (trigger) and FACT >= from_months and FACT < until_months
 * so that the months are written once, as data, and shown as written. */
#include <stdio.h>
#include <string.h>

#include "kb/kb_internal.h"

const char *const mm_supportive_phase_ids[] = {"before_during_car_t_or_bispecific", "after_car_t",
                                               "after_bispecific", "any", NULL};

static void read_conditions(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root) {
  const mm_yaml *list = mm_yaml_read_seq(r, root, "conditions", false);
  if (!list) return;
  kb->supportive_conditions =
      mm_arena_alloc(&kb->arena, (list->n + 1) * sizeof *kb->supportive_conditions);
  if (!kb->supportive_conditions) return;
  static const char *const keys[] = {"fact", "text", NULL};
  for (size_t i = 0; i < list->n; i++) {
    const mm_yaml *e = list->items[i];
    if (!mm_yaml_is_map(r, e, "a condition")) continue;
    mm_yaml_check_keys(r, e, keys);
    mm_supportive_condition *c = &kb->supportive_conditions[kb->n_supportive_conditions];
    c->fact = mm_yaml_read_string(r, e, "fact", true);
    c->text = mm_kb_read_text(r, e, "text", true);
    if (!c->fact) continue;
    c->slot = mm_kb_fact_slot(kb, c->fact);
    if (c->slot < 0 || kb->facts[c->slot].type != MM_TYPE_BOOL) {
      mm_yaml_report(r, mm_yaml_get(e, "fact"), c->slot < 0 ? MM_E_UNKNOWN_NAME : MM_E_TYPE,
                     "a condition is a boolean fact, got '%s'", c->fact);
      continue;
    }
    for (size_t k = 0; k < kb->n_supportive_conditions; k++)
      if (strcmp(kb->supportive_conditions[k].fact, c->fact) == 0)
        mm_yaml_report(r, e, MM_E_DUPLICATE, "duplicate condition '%s'", c->fact);
    kb->n_supportive_conditions++;
  }
}

static const mm_supportive_condition *find_condition(const mm_kb *kb, const char *fact) {
  for (size_t i = 0; i < kb->n_supportive_conditions; i++)
    if (strcmp(kb->supportive_conditions[i].fact, fact) == 0) return &kb->supportive_conditions[i];
  return NULL;
}

/* The window: its words, and, when counted on a fact, the bounds in months. */
static void read_window(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *e, mm_supportive *s) {
  const mm_yaml *w = mm_yaml_get(e, "window");
  if (!w) {
    mm_yaml_report(r, e, MM_E_MISSING, "missing 'window'");
    return;
  }
  if (!mm_yaml_is_map(r, w, "a window")) return;
  static const char *const keys[] = {"text", "fact", "from_months", "until_months", NULL};
  mm_yaml_check_keys(r, w, keys);
  mm_supportive_window *win = &s->window;
  win->text = mm_kb_read_text(r, w, "text", true);
  win->fact = mm_yaml_read_string(r, w, "fact", false);
  win->has_from = mm_yaml_read_number(r, w, "from_months", &win->from_months, false);
  win->has_until = mm_yaml_read_number(r, w, "until_months", &win->until_months, false);
  if (!win->fact && (win->has_from || win->has_until)) {
    mm_yaml_report(r, w, MM_E_MISSING,
                   "'from_months' and 'until_months' need the 'fact' they count on");
    return;
  }
  if (win->fact && !win->has_from && !win->has_until)
    mm_yaml_report(r, w, MM_E_MISSING,
                   "a window with a 'fact' needs 'from_months' or 'until_months'");
  if (win->has_from && win->has_until && win->until_months <= win->from_months)
    mm_yaml_report(r, mm_yaml_get(w, "until_months"), MM_E_ORDER,
                   "'until_months' must be after 'from_months'");
  if (win->fact) {
    int slot = mm_kb_fact_slot(kb, win->fact);
    if (slot < 0 || kb->facts[slot].type != MM_TYPE_NUMBER)
      mm_yaml_report(r, mm_yaml_get(w, "fact"), slot < 0 ? MM_E_UNKNOWN_NAME : MM_E_TYPE,
                     "a window counts months on a number fact, got '%s'", win->fact);
  }
}

/* The rule evaluated: the trigger, and the window's bounds when it has them.
 * Compiled twice when there is a window: the trigger alone first, so that a
 * mistake in it is reported where it is written. */
static void compile(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *e, mm_supportive *s) {
  const mm_yaml *node = mm_yaml_get(e, "trigger");
  mm_rule *alone = mm_kb_compile_rule(kb, r, node);
  const mm_supportive_window *w = &s->window;
  if (!alone || !w->fact || (!w->has_from && !w->has_until)) {
    s->when = s->trigger;
    s->rule = alone;
    return;
  }
  char from[64] = "", until[64] = "";
  if (w->has_from) snprintf(from, sizeof from, " and %s >= %g", w->fact, w->from_months);
  if (w->has_until) snprintf(until, sizeof until, " and %s < %g", w->fact, w->until_months);
  s->when = mm_arena_printf(&kb->arena, "(%s)%s%s", s->trigger, from, until);
  mm_rule_names names;
  mm_kb_rule_names(kb, &names);
  const mm_yaml *at = mm_yaml_get(mm_yaml_get(e, "window"), "fact");
  mm_rule_origin origin = {at->file, at->line, at->col, 0, at->col};
  if (!s->when || mm_rule_compile(&s->rule, &kb->arena, s->when, &names, &origin, r->diags) != 0)
    s->rule = NULL;
}

static void read_conditional_on(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *e, mm_supportive *s) {
  size_t n = 0;
  const char **names = mm_yaml_read_strings(r, e, "conditional_on", &n, false);
  if (!names || !n) return;
  s->conditions = mm_arena_alloc(&kb->arena, (n + 1) * sizeof *s->conditions);
  for (size_t i = 0; s->conditions && i < n; i++) {
    const mm_supportive_condition *c = find_condition(kb, names[i]);
    if (!c)
      mm_yaml_report(r, mm_yaml_get(e, "conditional_on"), MM_E_UNKNOWN_NAME,
                     "'%s' is not one of the file's conditions", names[i]);
    else s->conditions[s->n_conditions++] = c;
  }
}

int mm_kb_load_supportive(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root) {
  if (!mm_yaml_is_map(r, root, "the file")) return -1;
  static const char *const keys[] = {"conditions", "items", MM_KB_PROVENANCE_KEYS, NULL};
  mm_yaml_check_keys(r, root, keys);
  mm_kb_read_provenance(r, root, &kb->supportive_prov);
  read_conditions(kb, r, root);
  const mm_yaml *items = mm_yaml_read_seq(r, root, "items", true);
  if (!items) return -1;
  kb->supportive = mm_arena_alloc(&kb->arena, (items->n + 1) * sizeof *kb->supportive);
  if (!kb->supportive) return -1;
  static const char *const ikeys[] = {"id", "phase", "text", "trigger", "window", "conditional_on",
                                      MM_KB_PROVENANCE_KEYS, NULL};
  for (size_t i = 0; i < items->n; i++) {
    const mm_yaml *e = items->items[i];
    if (!mm_yaml_is_map(r, e, "a supportive-care item")) continue;
    mm_yaml_check_keys(r, e, ikeys);
    mm_supportive *s = &kb->supportive[kb->n_supportive];
    s->id = mm_yaml_read_string(r, e, "id", true);
    if (!mm_yaml_get(e, "phase")) mm_yaml_report(r, e, MM_E_MISSING, "missing 'phase'");
    s->phase = (mm_supportive_phase)mm_yaml_read_enum(r, e, "phase", mm_supportive_phase_ids,
                                                      MM_PHASE_ANY);
    s->text = mm_kb_read_text(r, e, "text", true);
    s->trigger = mm_yaml_read_string(r, e, "trigger", true);
    read_window(kb, r, e, s);
    read_conditional_on(kb, r, e, s);
    mm_kb_read_provenance(r, e, &s->prov);
    if (s->trigger) compile(kb, r, e, s);
    for (size_t k = 0; s->id && k < kb->n_supportive; k++)
      if (strcmp(kb->supportive[k].id, s->id) == 0)
        mm_yaml_report(r, e, MM_E_DUPLICATE, "duplicate supportive-care id '%s'", s->id);
    if (s->id && s->rule) kb->n_supportive++;
  }
  return 0;
}
