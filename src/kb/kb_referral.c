/* kb_referral.c: kb/referral.yaml (state labels, reasons, products, report
 * labels), checked strictly: every state of the spec has its labels, every
 * label the report renderers use exists, unknown keys are errors, every text
 * has both languages. */
#include "kb/kb_referral.h"

#include <stdio.h>
#include <string.h>

#include "kb/kb_internal.h"

/* ORDER: mm_ref_state. */
static const char *const state_names[MM_RS_COUNT] = {
    "referred",      "waitlisted",           "screening",
    "not_eligible",  "eligible",             "awaiting_apheresis",
    "apheresis",     "manufacturing",        "manufacturing_failed",
    "awaiting_infusion", "infused",          "follow_up",
    "not_infused",   "excluded",             "died"};

const char *mm_ref_state_name(mm_ref_state s) {
  return (unsigned)s < MM_RS_COUNT ? state_names[s] : "?";
}

bool mm_ref_state_parse(const char *s, mm_ref_state *out) {
  for (int i = 0; i < MM_RS_COUNT; i++)
    if (strcmp(s, state_names[i]) == 0) {
      *out = (mm_ref_state)i;
      return true;
    }
  return false;
}

static bool id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '.' || c == '_' || c == '-';
}

const char *mm_ref_check_id(const char *s) {
  size_t n = s ? strlen(s) : 0;
  if (n == 0) return "must not be empty";
  if (n > 64) return "longer than 64 characters";
  if (!id_char(s[0]) || s[0] == '.' || s[0] == '_' || s[0] == '-')
    return "must start with a letter or digit";
  for (size_t i = 0; i < n; i++)
    if (!id_char(s[i])) return "may hold only letters, digits, '.', '_' and '-'";
  return NULL;
}

/* Labels the renderers (src/referral/funnel.c) ask for; kb/referral.yaml
 * must have all. */
static const char *const required_labels[] = {
    "title", "received", "taken_into_care", "screened", "pending", "excluded",
    "evaluated_positive", "evaluated_negative", "reached_apheresis", "reached_infusion",
    "own", "other", "section_funnel", "section_state", "section_reason", "of_total",
    "of_excluded", "of_taken_into_care", "of_screened", "median_referral_to_apheresis",
    "median_apheresis_to_infusion", "to_center", "from_center", "all_centers", "window",
    "count", "state", "reason", "none", "section_after_infusion", "of_infused",
    "crs_grade3plus", "icans_any", "day100_response", "day100_pr_or_better", "not_known"};

/* reasons: or targets: */
static void load_list(mm_kb *kb, mm_ref_kb *rk, mm_yaml_reader *r, const mm_yaml *root,
                      const char *key, bool targets) {
  const mm_yaml *seq = mm_yaml_read_seq(r, root, key, true);
  if (!seq) return;
  static const char *const reason_keys[] = {"id", "name", MM_KB_PROVENANCE_KEYS, NULL};
  static const char *const target_keys[] = {"id", "kind", "name", MM_KB_PROVENANCE_KEYS, NULL};
  if (targets) rk->targets = mm_arena_alloc(&kb->arena, (seq->n + 1) * sizeof *rk->targets);
  else rk->reasons = mm_arena_alloc(&kb->arena, (seq->n + 1) * sizeof *rk->reasons);
  if (kb->arena.failed) return;
  for (size_t i = 0; i < seq->n; i++) {
    const mm_yaml *m = seq->items[i];
    char what[64];
    snprintf(what, sizeof what, "%s[%zu]", key, i);
    if (!mm_yaml_is_map(r, m, what)) continue;
    mm_yaml_check_keys(r, m, targets ? target_keys : reason_keys);
    const char *id = mm_yaml_read_string(r, m, "id", true);
    if (id && mm_ref_check_id(id))
      mm_yaml_report(r, mm_yaml_get(m, "id"), MM_E_INVALID, "%s: bad id '%s'", what, id);
    if (id && (targets ? (const void *)mm_ref_kb_target(rk, id)
                       : (const void *)mm_ref_kb_reason(rk, id)))
      mm_yaml_report(r, mm_yaml_get(m, "id"), MM_E_DUPLICATE, "%s: duplicate id '%s'", what, id);
    mm_ref_text name = mm_kb_read_text(r, m, "name", true);
    mm_kb_check_provenance(r, m, what);
    if (targets) {
      const char *kind = mm_yaml_read_string(r, m, "kind", true);
      bool bisp = kind && strcmp(kind, "bispecific") == 0;
      if (kind && !bisp && strcmp(kind, "car_t"))
        mm_yaml_report(r, mm_yaml_get(m, "kind"), MM_E_INVALID,
                       "%s: kind must be car_t or bispecific, got '%s'", what, kind);
      if (id) rk->targets[rk->n_targets++] = (mm_ref_target){id, bisp, name};
    } else if (id) {
      rk->reasons[rk->n_reasons++] = (mm_ref_reason){id, name};
    }
  }
}

int mm_kb_load_referral(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root) {
  mm_ref_kb *rk = mm_arena_alloc(&kb->arena, sizeof *rk);
  if (!rk) return -1;
  memset(rk, 0, sizeof *rk);
  kb->referral = rk;
  if (!mm_yaml_is_map(r, root, "the file")) return -1;
  static const char *const top[] = {MM_KB_PROVENANCE_KEYS, "states", "reasons", "targets",
                                    "labels", NULL};
  mm_yaml_check_keys(r, root, top);
  mm_kb_check_provenance(r, root, "referral.yaml");
  const mm_yaml *st = mm_yaml_read_map(r, root, "states", true);
  if (st) {
    for (size_t i = 0; i < st->n; i++) {
      mm_ref_state s;
      if (!mm_ref_state_parse(st->keys[i]->str, &s))
        mm_yaml_report(r, st->keys[i], MM_E_UNKNOWN_NAME,
                       "states: '%s' is not a state of mmpath/referral@1", st->keys[i]->str);
      else
        rk->states[s] = mm_kb_read_text(r, st, st->keys[i]->str, true);
    }
    for (int s = 0; s < MM_RS_COUNT; s++)
      if (!mm_yaml_get(st, state_names[s]))
        mm_yaml_report(r, st, MM_E_MISSING, "states: missing labels of state '%s'",
                       state_names[s]);
  }
  load_list(kb, rk, r, root, "reasons", false);
  load_list(kb, rk, r, root, "targets", true);
  const mm_yaml *lb = mm_yaml_read_map(r, root, "labels", true);
  if (lb) {
    rk->labels = mm_arena_alloc(&kb->arena, (lb->n + 1) * sizeof *rk->labels);
    for (size_t i = 0; rk->labels && i < lb->n; i++) {
      mm_ref_label *x = &rk->labels[rk->n_labels++];
      x->id = lb->keys[i]->str;
      x->text = mm_kb_read_text(r, lb, x->id, true);
    }
    for (size_t i = 0; i < sizeof required_labels / sizeof *required_labels; i++)
      if (!mm_yaml_get(lb, required_labels[i]))
        mm_yaml_report(r, lb, MM_E_MISSING, "labels: missing label '%s'", required_labels[i]);
  }
  return 0;
}

const mm_ref_reason *mm_ref_kb_reason(const mm_ref_kb *kb, const char *id) {
  for (size_t i = 0; i < kb->n_reasons; i++)
    if (strcmp(kb->reasons[i].id, id) == 0) return &kb->reasons[i];
  return NULL;
}

const mm_ref_target *mm_ref_kb_target(const mm_ref_kb *kb, const char *id) {
  for (size_t i = 0; i < kb->n_targets; i++)
    if (strcmp(kb->targets[i].id, id) == 0) return &kb->targets[i];
  return NULL;
}

const char *mm_ref_text_in(const mm_ref_text *t, mm_lang lang) {
  return lang == MM_LANG_IT ? t->it : t->en;
}

const char *mm_ref_kb_label(const mm_ref_kb *kb, const char *id, mm_lang lang) {
  for (size_t i = 0; i < kb->n_labels; i++)
    if (strcmp(kb->labels[i].id, id) == 0) return mm_ref_text_in(&kb->labels[i].text, lang);
  return id; /* unreachable for the required labels: load checked them */
}
