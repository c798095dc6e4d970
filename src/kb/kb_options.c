/* kb_options.c: what a patient may receive: kb/algorithm.yaml (guideline
 * regimens by setting), kb/therapies/ (approved therapies, label criteria
 * per jurisdiction) and kb/trials/ (kb/supportive_care.yaml: kb_supportive.c).
 * Formats: docs/kb-options.md. Criteria are compiled here, once. */
#include <stdio.h>
#include <string.h>

#include "kb/fact_names.h"
#include "kb/kb_internal.h"

static const char *const criterion_keys[] = {"id", "text", "when", "review", NULL};

static mm_criterion *read_criteria(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *map,
                                   const char *key, size_t *n, bool required) {
  *n = 0;
  const mm_yaml *list = mm_yaml_read_seq(r, map, key, required);
  if (!list) return NULL;
  mm_criterion *out = mm_arena_alloc(&kb->arena, (list->n + 1) * sizeof *out);
  if (!out) return NULL;
  for (size_t i = 0; i < list->n; i++) {
    const mm_yaml *e = list->items[i];
    if (!mm_yaml_is_map(r, e, "a criterion")) continue;
    mm_yaml_check_keys(r, e, criterion_keys);
    mm_criterion *c = &out[*n];
    c->id = mm_yaml_read_string(r, e, "id", true);
    c->text = mm_kb_read_text(r, e, "text", true);
    c->when = mm_yaml_read_string(r, e, "when", true);
    if (mm_yaml_get(e, "review")) {
      c->has_review = true;
      c->review = mm_kb_read_text(r, e, "review", true);
    }
    for (size_t k = 0; c->id && k < *n; k++)
      if (strcmp(out[k].id, c->id) == 0) mm_yaml_report(r, e, MM_E_DUPLICATE,
                                                        "duplicate criterion id '%s'", c->id);
    if (c->when) c->rule = mm_kb_compile_rule(kb, r, mm_yaml_get(e, "when"));
    if (c->id && c->rule) (*n)++;
  }
  return out;
}

static mm_option *new_option(mm_kb *kb) {
  if (kb->n_options % 32 == 0) {
    mm_option *grown = mm_arena_grow(&kb->arena, kb->options, kb->n_options,
                                     kb->n_options + 32, sizeof *grown);
    if (!grown) return NULL;
    kb->options = grown;
  }
  mm_option *o = &kb->options[kb->n_options];
  memset(o, 0, sizeof *o);
  return o;
}

/* The canonical string of a setting (compared by pointer while evaluating). */
static const char *canonical_setting(const char *s) {
  for (const char *const *v = mm_setting_values; *v; v++)
    if (strcmp(*v, s) == 0) return *v;
  return NULL;
}

static void read_evidence_and_deck(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *e, mm_option *o) {
  const mm_yaml *ev = mm_yaml_read_seq(r, e, "evidence", false);
  if (ev) {
    o->evidence = mm_arena_alloc(&kb->arena, (ev->n + 1) * sizeof *o->evidence);
    static const char *const keys[] = {"trial", "ref", "n", "orr", "mpfs", "mdor", "note", NULL};
    for (size_t i = 0; i < ev->n && o->evidence; i++) {
      const mm_yaml *x = ev->items[i];
      if (!mm_yaml_is_map(r, x, "an evidence entry")) continue;
      mm_yaml_check_keys(r, x, keys);
      mm_evidence *v = &o->evidence[o->n_evidence++];
      v->trial = mm_yaml_read_string(r, x, "trial", true);
      v->ref = mm_yaml_read_string(r, x, "ref", true);
      v->n = mm_yaml_read_string(r, x, "n", false);
      v->orr = mm_yaml_read_string(r, x, "orr", false);
      v->mpfs = mm_yaml_read_string(r, x, "mpfs", false);
      v->mdor = mm_yaml_read_string(r, x, "mdor", false);
      v->note = mm_kb_read_text(r, x, "note", false);
    }
  }
  const mm_yaml *deck = mm_yaml_read_seq(r, e, "deck", false);
  if (deck) {
    o->deck = mm_arena_alloc(&kb->arena, (deck->n + 1) * sizeof *o->deck);
    static const char *const keys[] = {"says", "now", "sources", NULL};
    for (size_t i = 0; i < deck->n && o->deck; i++) {
      const mm_yaml *x = deck->items[i];
      if (!mm_yaml_is_map(r, x, "a deck note")) continue;
      mm_yaml_check_keys(r, x, keys);
      mm_deck_note *d = &o->deck[o->n_deck++];
      d->says = mm_kb_read_text(r, x, "says", true);
      d->now = mm_kb_read_text(r, x, "now", true);
      d->sources = mm_yaml_read_strings(r, x, "sources", &d->n_sources, true);
    }
  }
}

static void read_setting_group(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *list,
                               const char *group) {
  static const char *const skeys[] = {"setting", "rule", "text", "criteria", "regimens", NULL};
  static const char *const rkeys[] = {"regimen", "criteria", "note", "sources", NULL};
  for (size_t i = 0; i < list->n; i++) {
    const mm_yaml *s = list->items[i];
    if (!mm_yaml_is_map(r, s, "a setting")) continue;
    mm_yaml_check_keys(r, s, skeys);
    const char *written = mm_yaml_read_string(r, s, "setting", true);
    const char *setting = written ? canonical_setting(written) : NULL;
    if (written && !setting)
      mm_yaml_report(r, mm_yaml_get(s, "setting"), MM_E_UNKNOWN_NAME,
                     "unknown setting '%s'", written);
    const char *tag = mm_yaml_read_string(r, s, "rule", false);
    mm_text stext = mm_kb_read_text(r, s, "text", false);
    /* What every regimen of the setting requires beyond the setting itself
     * (e.g. relapsed disease: the disease state). */
    size_t n_shared = 0;
    mm_criterion *shared = read_criteria(kb, r, s, "criteria", &n_shared, false);
    const mm_yaml *regs = mm_yaml_read_seq(r, s, "regimens", true);
    for (size_t k = 0; regs && k < regs->n; k++) {
      const mm_yaml *e = regs->items[k];
      if (!mm_yaml_is_map(r, e, "a regimen entry")) continue;
      mm_yaml_check_keys(r, e, rkeys);
      const char *rid = mm_yaml_read_string(r, e, "regimen", true);
      const mm_ambiguity *amb = NULL;
      const mm_regimen *reg = rid ? mm_kb_find_regimen(kb, rid, &amb) : NULL;
      if (rid && !reg) {
        mm_yaml_report(r, mm_yaml_get(e, "regimen"), MM_E_UNKNOWN_NAME,
                       "unknown regimen '%s'%s", rid,
                     amb ? " (an ambiguous name: use one of its candidates)" : "");
        continue;
      }
      mm_option *o = new_option(kb);
      if (!o || !reg) continue;
      o->id = reg->id;
      o->kind = MM_OPT_GUIDELINE;
      o->group = group;
      o->name = reg->name.en ? reg->name : (mm_text){reg->id, reg->id};
      o->setting = setting;
      o->rule_tag = tag;
      o->setting_text = stext;
      o->regimen = reg;
      o->note = mm_kb_read_text(r, e, "note", false);
      size_t n_extra = 0;
      mm_criterion *extra_c = read_criteria(kb, r, e, "criteria", &n_extra, false);
      /* The implicit first criterion: the patient is in this setting. */
      o->criteria = mm_arena_alloc(&kb->arena, (n_shared + n_extra + 2) * sizeof *o->criteria);
      if (o->criteria && setting) {
        mm_criterion *c = &o->criteria[0];
        c->id = "setting";
        c->text = stext.en ? stext : (mm_text){setting, setting};
        c->when = mm_arena_printf(&kb->arena, "setting = '%s'", setting);
        mm_rule_names names;
        mm_kb_rule_names(kb, &names);
        const mm_yaml *sn = mm_yaml_get(s, "setting");
        mm_rule_origin origin = {sn->file, sn->line, sn->col, 0, sn->col};
        if (c->when && mm_rule_compile(&c->rule, &kb->arena, c->when, &names, &origin, r->diags) == 0) {
          if (shared) memcpy(o->criteria + 1, shared, n_shared * sizeof *shared);
          if (extra_c) memcpy(o->criteria + 1 + n_shared, extra_c, n_extra * sizeof *extra_c);
          o->n_setting_criteria = shared ? n_shared : 0;
          o->n_criteria = o->n_setting_criteria + n_extra + 1;
        }
      }
      o->prov = kb->algorithm_prov;
      size_t ns = 0;
      const char **extra = mm_yaml_read_strings(r, e, "sources", &ns, false);
      if (extra && ns) {
        const char **all = mm_arena_alloc(&kb->arena, (o->prov.n_sources + ns + 1) * sizeof *all);
        if (all) { /* the entry's own sources first, then the guideline's */
          memcpy(all, extra, ns * sizeof *all);
          memcpy(all + ns, o->prov.sources, o->prov.n_sources * sizeof *all);
          o->prov.sources = all;
          o->prov.n_sources += ns;
        }
      }
      o->prov.line = e->line;
      /* An overlay entry that repeats an algorithm entry of the same setting
       * is listed once, as the algorithm's. */
      for (size_t j = 0; j < kb->n_options && !o->repeats; j++) {
        const mm_option *p = &kb->options[j];
        o->repeats = p->kind == MM_OPT_GUIDELINE && p->regimen == o->regimen && p->setting == o->setting;
      }
      kb->n_options++;
    }
  }
}

int mm_kb_load_algorithm(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *root) {
  if (!mm_yaml_is_map(r, root, "the file")) return -1;
  static const char *const keys[] = {"id", "name", "principles", "settings", "overlay",
                                     MM_KB_PROVENANCE_KEYS, NULL};
  mm_yaml_check_keys(r, root, keys);
  mm_yaml_read_string(r, root, "id", true);
  mm_kb_read_text(r, root, "name", true);
  mm_kb_read_provenance(r, root, &kb->algorithm_prov);
  mm_kb_load_principles(kb, r, root);
  const mm_yaml *settings = mm_yaml_read_seq(r, root, "settings", true);
  if (settings) read_setting_group(kb, r, settings, "algorithm");
  const mm_yaml *overlay = mm_yaml_read_seq(r, root, "overlay", false);
  if (overlay) read_setting_group(kb, r, overlay, "overlay");
  mm_kb_apply_principles(kb, r);
  return 0;
}

static void check_unique_option(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *at, const char *id) {
  for (size_t i = 0; i < kb->n_options; i++)
    if (kb->options[i].kind != MM_OPT_GUIDELINE && strcmp(kb->options[i].id, id) == 0)
      mm_yaml_report(r, at, MM_E_DUPLICATE, "duplicate option id '%s' (also in %s)", id,
                   kb->options[i].prov.file ? kb->options[i].prov.file : "?");
}

/* The drug list under `drugs` (kb->drugs indices; *n of them). */
static int *read_drugs(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *e, bool required, size_t *n) {
  size_t nd = 0;
  *n = 0;
  const char **drugs = mm_yaml_read_strings(r, e, "drugs", &nd, required);
  if (!drugs) return NULL;
  int *out = mm_arena_alloc(&kb->arena, (nd + 1) * sizeof *out);
  for (size_t i = 0; i < nd && out; i++) {
    const mm_drug *d = mm_kb_find_drug(kb, drugs[i]);
    if (!d) mm_yaml_report(r, mm_yaml_get(e, "drugs"), MM_E_UNKNOWN_NAME,
                           "unknown drug '%s'", drugs[i]);
    else out[(*n)++] = (int)(d - kb->drugs);
  }
  return out;
}

int mm_kb_load_therapy(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *e) {
  if (!mm_yaml_is_map(r, e, "the file")) return -1;
  static const char *const keys[] = {"id", "kind", "group", "name", "drugs", "indications",
                                     "evidence", "deck", MM_KB_PROVENANCE_KEYS, NULL};
  mm_yaml_check_keys(r, e, keys);
  mm_option *o = new_option(kb);
  if (!o) return -1;
  o->id = mm_yaml_read_string(r, e, "id", true);
  const char *kind = mm_yaml_read_string(r, e, "kind", true);
  if (kind && strcmp(kind, "approved_therapy") != 0)
    mm_yaml_report(r, mm_yaml_get(e, "kind"), MM_E_INVALID, "'kind' must be approved_therapy here");
  o->kind = MM_OPT_THERAPY;
  o->group = mm_yaml_read_string(r, e, "group", true);
  o->name = mm_kb_read_text(r, e, "name", true);
  o->drugs = read_drugs(kb, r, e, true, &o->n_drugs);
  mm_kb_read_provenance(r, e, &o->prov);
  const mm_yaml *inds = mm_yaml_read_seq(r, e, "indications", true);
  if (inds) {
    o->indications = mm_arena_alloc(&kb->arena, (inds->n + 1) * sizeof *o->indications);
    static const char *const ikeys[] = {"id", "jurisdiction", "regimen", "drugs", "approved",
                                        "withdrawn", "label", "criteria", MM_KB_PROVENANCE_KEYS,
                                        NULL};
    for (size_t i = 0; i < inds->n && o->indications; i++) {
      const mm_yaml *x = inds->items[i];
      if (!mm_yaml_is_map(r, x, "an indication")) continue;
      mm_yaml_check_keys(r, x, ikeys);
      mm_indication *ind = &o->indications[o->n_indications];
      ind->id = mm_yaml_read_string(r, x, "id", true);
      const char *j = mm_yaml_read_string(r, x, "jurisdiction", true);
      if (j && strcmp(j, "eu") == 0) ind->jurisdiction = MM_JURIS_EU;
      else if (j && strcmp(j, "us") == 0) ind->jurisdiction = MM_JURIS_US;
      else if (j) mm_yaml_report(r, mm_yaml_get(x, "jurisdiction"), MM_E_INVALID,
                                 "'jurisdiction' must be eu or us");
      ind->regimen = mm_kb_read_text(r, x, "regimen", true);
      ind->drugs = read_drugs(kb, r, x, false, &ind->n_drugs);
      ind->approved = mm_yaml_read_date(r, x, "approved", true);
      ind->withdrawn = mm_yaml_read_date(r, x, "withdrawn", false);
      if (ind->withdrawn != MM_DATE_NONE && ind->approved != MM_DATE_NONE &&
          ind->withdrawn < ind->approved)
        mm_yaml_report(r, mm_yaml_get(x, "withdrawn"), MM_E_ORDER,
                       "'withdrawn' is before 'approved'");
      for (size_t k = 0; ind->id && k < o->n_indications; k++)
        if (strcmp(o->indications[k].id, ind->id) == 0)
          mm_yaml_report(r, mm_yaml_get(x, "id"), MM_E_DUPLICATE,
                         "duplicate indication id '%s'", ind->id);
      ind->label = mm_yaml_read_string(r, x, "label", true);
      ind->criteria = read_criteria(kb, r, x, "criteria", &ind->n_criteria, true);
      mm_kb_read_provenance_inherit(r, x, &o->prov, &ind->prov);
      if (ind->id) o->n_indications++;
    }
  }
  read_evidence_and_deck(kb, r, e, o);
  if (!o->id) return -1;
  check_unique_option(kb, r, e, o->id);
  kb->n_options++;
  return 0;
}

int mm_kb_load_trial(mm_kb *kb, mm_yaml_reader *r, const mm_yaml *e) {
  if (!mm_yaml_is_map(r, e, "the file")) return -1;
  static const char *const keys[] = {"id", "name", "kind", "phase", "status", "status_date",
                                     "title", "arms", "population", "inclusion", "exclusion",
                                     "evidence", "deck", MM_KB_PROVENANCE_KEYS, NULL};
  mm_yaml_check_keys(r, e, keys);
  mm_option *o = new_option(kb);
  if (!o) return -1;
  o->id = mm_yaml_read_string(r, e, "id", true);
  if (o->id && strncmp(o->id, "NCT", 3) != 0)
    mm_yaml_report(r, mm_yaml_get(e, "id"), MM_E_INVALID,
                   "a trial id is its NCT number, got '%s'", o->id);
  const char *kind = mm_yaml_read_string(r, e, "kind", true);
  if (kind && strcmp(kind, "trial") != 0)
    mm_yaml_report(r, mm_yaml_get(e, "kind"), MM_E_INVALID, "'kind' must be trial here");
  o->kind = MM_OPT_TRIAL;
  o->group = "trial";
  const char *name = mm_yaml_read_string(r, e, "name", true);
  o->name = (mm_text){name, name};
  o->phase = mm_yaml_read_string(r, e, "phase", true);
  o->status = mm_yaml_read_string(r, e, "status", true);
  o->status_date = mm_yaml_read_date(r, e, "status_date", true);
  o->title = mm_kb_read_text(r, e, "title", false);
  o->population = mm_kb_read_text(r, e, "population", false);
  const mm_yaml *arms = mm_yaml_read_seq(r, e, "arms", false);
  if (arms) {
    o->arms = mm_arena_alloc(&kb->arena, (arms->n + 1) * sizeof *o->arms);
    for (size_t i = 0; i < arms->n && o->arms; i++) {
      const mm_yaml *a = arms->items[i];
      if (a->kind == MM_YAML_SCALAR) {
        o->arms[o->n_arms++] = (mm_text){a->str, a->str};
      } else if (a->kind == MM_YAML_MAP) {
        static const char *const langs[] = {"en", "it", NULL};
        mm_yaml_check_keys(r, a, langs);
        o->arms[o->n_arms].en = mm_yaml_read_string(r, a, "en", true);
        o->arms[o->n_arms++].it = mm_yaml_read_string(r, a, "it", true);
      } else {
        mm_yaml_report(r, a, MM_E_TYPE, "an arm is a text or {en, it}");
      }
    }
  }
  o->criteria = read_criteria(kb, r, e, "inclusion", &o->n_criteria, true);
  o->exclusion = read_criteria(kb, r, e, "exclusion", &o->n_exclusion, false);
  mm_kb_read_provenance(r, e, &o->prov);
  read_evidence_and_deck(kb, r, e, o);
  if (!o->id) return -1;
  check_unique_option(kb, r, e, o->id);
  kb->n_options++;
  return 0;
}
