/* evaluate_screen.c: see evaluate_screen.h. What a verdict means (a
 * criterion's result as it counts, the best indication, a therapy's notes,
 * a trial's enrolment, the options listed for a setting) is verdict.h's,
 * which evaluate.c calls too; this file only arranges the work for
 * millions of records. tests/unit/test_screen_verdicts.c compares the two. */
#include "evaluate/evaluate_screen.h"
#include "evaluate/order.h"
#include "evaluate/render_common.h"
#include "evaluate/verdict.h"

#include <stdlib.h>
#include <string.h>

#include "kb/fact_names.h"
#include "rule/rule.h"

/* Criteria evaluated together: a guideline regimen's, a trial's (inclusion
 * then exclusion), or one indication of a therapy. */
typedef struct group {
  const mm_indication *ind;
  mm_date approved, withdrawn;    /* the indication's, kept here: read for
                                     every therapy of every record */
  uint32_t first, n;              /* into checks */
  const mm_reimbursement *reimb;  /* jurisdiction IT, a therapy's indication */
  uint32_t first_slot, n_slots;   /* into refractory_slots: options only */
  mm_screen_piece ind_piece;      /* compact answer: ,"indication":ID */
} group;

typedef struct plan_option {
  const mm_option *opt;
  mm_option_kind kind;            /* the option's, and its setting: kept here */
  const char *setting;            /* as they are read for every record */
  uint32_t first_group, n_groups; /* therapy: its indications of the labels */
  mm_tv enrolling;                /* trial: whether it enrols today */
  mm_note_code trial_note;        /* trial: the same as a note */
  mm_screen_piece heads[5];       /* compact answer, see mm_screen_verdict */
} plan_option;

struct mm_screen_plan {
  const mm_kb *kb;
  mm_jurisdiction juris, labels;
  bool whole;                     /* made without `only` */
  plan_option *opts, *trials;
  size_t n_opts, n_trials;
  group *groups;
  size_t n_groups, cap_groups;
  mm_screen_check *checks;
  uint32_t *ops;                  /* per check: rule << 4 | mode << 2 (counts_as) */
  uint32_t *check_group;          /* per check: its group */
  size_t n_checks, cap_checks;
  const mm_rule **rules;
  size_t n_rules;
  int *refractory_slots;          /* per group, see mm_screen_verdict */
  size_t n_refractory_slots, cap_refractory_slots;
  int not_relapsed;
  /* The rules a record reads, by its setting: settings[i] (the setting
   * fact's values) reads need[need_at[i] .. need_at[i + 1]); a record whose
   * setting is unknown (or none of them) every rule, at n_settings. */
  const char *const *settings;
  size_t n_settings;
  uint32_t *need, *need_at;
  /* The compact answer's pieces (mm_screen_verdict.heads ...): per check,
   * and the bytes of every piece. */
  mm_screen_piece *check_pieces;
  mm_screen_piece notes[MM_NOTE_COUNT];
  mm_screen_piece *supportive;    /* 4 per kb item */
  uint32_t *supportive_same;      /* mm_screen_plan_supportive_same */
  mm_screen_piece *fact_names;    /* by fact slot */
  mm_screen_pieces pieces;
  char *text;
};

static bool wanted(const char *const *only, const char *id) {
  if (!only) return true;
  for (; *only; only++)
    if (strcmp(*only, id) == 0) return true;
  return false;
}

/* --- the plan ------------------------------------------------------------ */

typedef struct builder {
  mm_screen_plan *p;
  size_t cap_rules;
  bool failed;
} builder;

/* The plan's index of a rule: an earlier same rule's (mm_rule_same), or a new one. */
static uint32_t rule_index(builder *bd, const mm_rule *rule) {
  mm_screen_plan *p = bd->p;
  for (size_t i = 0; i < p->n_rules; i++)
    if (mm_rule_same(p->rules[i], rule)) return (uint32_t)i;
  if (p->n_rules == bd->cap_rules) {
    size_t cap = bd->cap_rules ? 2 * bd->cap_rules : 64;
    const mm_rule **r = realloc(p->rules, cap * sizeof *r);
    if (!r) {
      bd->failed = true;
      return 0;
    }
    p->rules = r;
    bd->cap_rules = cap;
  }
  p->rules[p->n_rules] = rule;
  return (uint32_t)p->n_rules++;
}

/* A criterion's mode (verdict.h): an exclusion, and soft (review or an
 * unverified entry or principle: never excludes). */
static void add_checks(builder *bd, const mm_criterion *c, size_t n, bool exclusion,
                       const mm_provenance *prov) {
  mm_screen_plan *p = bd->p;
  for (size_t i = 0; i < n && !bd->failed; i++) {
    if (p->n_checks == p->cap_checks) {
      size_t cap = p->cap_checks ? 2 * p->cap_checks : 256;
      mm_screen_check *k = realloc(p->checks, cap * sizeof *k);
      if (k) p->checks = k;
      uint32_t *ops = realloc(p->ops, cap * sizeof *ops);
      if (ops) p->ops = ops;
      if (!k || !ops) {
        bd->failed = true;
        return;
      }
      p->cap_checks = cap;
    }
    uint32_t rule = rule_index(bd, c[i].rule);
    bool soft = mm_verdict_soft(&c[i], prov->verification == MM_UNVERIFIED);
    p->ops[p->n_checks] = rule << 4 | mm_verdict_mode(exclusion, soft) << 2;
    p->checks[p->n_checks++] = (mm_screen_check){&c[i], rule, exclusion, soft};
  }
}

static group *add_group(builder *bd, const mm_indication *ind) {
  mm_screen_plan *p = bd->p;
  if (p->n_groups == p->cap_groups) {
    size_t cap = p->cap_groups ? 2 * p->cap_groups : 64;
    group *g = realloc(p->groups, cap * sizeof *g);
    if (!g) {
      bd->failed = true;
      return NULL;
    }
    p->groups = g;
    p->cap_groups = cap;
  }
  group *g = &p->groups[p->n_groups++];
  *g = (group){ind, ind ? ind->approved : MM_DATE_NONE, ind ? ind->withdrawn : MM_DATE_NONE,
               (uint32_t)p->n_checks, 0, NULL, 0, 0, {NULL, 0}};
  return g;
}

static void end_group(builder *bd, size_t gi) {
  if (!bd->failed) bd->p->groups[gi].n = (uint32_t)(bd->p->n_checks - bd->p->groups[gi].first);
}

/* The slots of the refractoriness checks of option o decided by ind (NULL:
 * not a therapy), as mm_eval_refractory makes them for a record. */
static void add_refractory_slots(builder *bd, size_t gi, const mm_option *o,
                                 const mm_indication *ind) {
  mm_screen_plan *p = bd->p;
  const mm_kb *kb = p->kb;
  if (bd->failed || !kb->refractoriness) return;
  mm_arena a;
  mm_arena_init(&a, 4096);
  mm_option_result r = {.opt = o, .indication = ind};
  size_t n;
  const int *drugs = mm_eval_option_drugs(&r, &a, &n);
  size_t cap = 0;
  for (size_t i = 0; drugs && i < n; i++) cap += 1 + kb->drugs[drugs[i]].n_classes;
  mm_refractory_check *checks = cap ? mm_arena_alloc_raw(&a, cap * sizeof *checks) : NULL;
  size_t nc = checks ? mm_kb_refractory_checks(kb, kb->refractoriness, drugs, n, checks, cap) : 0;
  if (a.failed) bd->failed = true;
  if (!bd->failed && p->n_refractory_slots + nc > p->cap_refractory_slots) {
    size_t c = 2 * (p->n_refractory_slots + nc) + 64;
    int *s = realloc(p->refractory_slots, c * sizeof *s);
    if (s) {
      p->refractory_slots = s;
      p->cap_refractory_slots = c;
    } else {
      bd->failed = true;
    }
  }
  if (!bd->failed) {
    p->groups[gi].first_slot = (uint32_t)p->n_refractory_slots;
    p->groups[gi].n_slots = (uint32_t)nc;
    for (size_t i = 0; i < nc; i++) p->refractory_slots[p->n_refractory_slots++] = checks[i].slot;
  }
  mm_arena_free(&a);
}

/* Marks the rules of option po's criteria in mark. */
static void mark_rules(const mm_screen_plan *p, const plan_option *po, bool *mark) {
  for (uint32_t k = po->first_group; k < po->first_group + po->n_groups; k++)
    for (uint32_t i = p->groups[k].first; i < p->groups[k].first + p->groups[k].n; i++)
      mark[p->ops[i] >> 4] = true;
}

/* need/need_at: per setting, the rules its records read (the guideline
 * regimens of that setting, every therapy and trial). */
static int needs(mm_screen_plan *p) {
  int slot = mm_kb_fact_slot(p->kb, "setting");
  p->settings = slot >= 0 ? p->kb->facts[slot].values : NULL;
  while (p->settings && p->settings[p->n_settings]) p->n_settings++;
  p->need_at = calloc(p->n_settings + 2, sizeof *p->need_at);
  p->need = calloc((p->n_settings + 1) * (p->n_rules ? p->n_rules : 1), sizeof *p->need);
  bool *mark = calloc(p->n_rules ? p->n_rules : 1, sizeof *mark);
  if (!p->need_at || !p->need || !mark) {
    free(mark);
    return -1;
  }
  uint32_t n = 0;
  for (size_t s = 0; s <= p->n_settings; s++) {
    memset(mark, 0, (p->n_rules ? p->n_rules : 1) * sizeof *mark);
    for (size_t i = 0; i < p->n_opts; i++) {
      const plan_option *po = &p->opts[i];
      if (s < p->n_settings && po->kind == MM_OPT_GUIDELINE && po->setting != p->settings[s])
        continue;
      mark_rules(p, po, mark);
    }
    for (size_t i = 0; i < p->n_trials; i++) mark_rules(p, &p->trials[i], mark);
    p->need_at[s] = n;
    for (size_t r = 0; r < p->n_rules; r++)
      if (mark[r]) p->need[n++] = (uint32_t)r;
  }
  p->need_at[p->n_settings + 1] = n;
  free(mark);
  return 0;
}

/* The compact answer's pieces: written one after the other into one
 * buffer (each piece's len set as it is written), then pointed at in the
 * same order once the buffer no longer moves. */
static void piece_done(const mm_strbuf *t, size_t start, mm_screen_piece *piece) {
  piece->len = t->len - start;
}

static void point(mm_screen_piece *piece, const char *text, size_t *at) {
  piece->s = text + *at;
  *at += piece->len;
}

/* What the tier of an option says of its status (order.c, tier_of). */
static mm_tv tier_status(mm_tier t) {
  return t == MM_TIER_NOT_ELIGIBLE ? MM_FALSE : t == MM_TIER_UNKNOWN ? MM_UNKNOWN : MM_TRUE;
}

static void option_heads(mm_strbuf *t, plan_option *po) {
  bool trial = po->kind == MM_OPT_TRIAL;
  for (int k = 0; k < 5; k++) {
    size_t start = t->len;
    if (trial && k <= MM_UNKNOWN) {
      mm_render_compact_head(t, po->opt, (mm_tv)k, MM_TIER_UNKNOWN, po->enrolling);
      mm_render_compact_note(t, po->trial_note);
    } else if (!trial) {
      mm_tier tier = (mm_tier)(k + 1);
      mm_render_compact_head(t, po->opt, tier_status(tier), tier, MM_UNKNOWN);
    }
    piece_done(t, start, &po->heads[k]);
  }
}

/* The most bytes of an option of po not unknown (heads[], render_compact.c
 * option_planned): its longest head, the longest indication and note, and
 * every check of its largest group listed. */
static size_t max_option(const mm_screen_plan *p, const plan_option *po, size_t max_note) {
  size_t head = 0, tail = sizeof ",\"deciding\":[]}";
  for (int k = 0; k < 5; k++)
    if (po->heads[k].len > head) head = po->heads[k].len;
  for (uint32_t g = po->first_group; g < po->first_group + po->n_groups; g++) {
    const group *gr = &p->groups[g];
    size_t n = gr->ind_piece.len + sizeof ",\"deciding\":[]}";
    for (uint32_t i = gr->first; i < gr->first + gr->n; i++) n += p->check_pieces[i].len;
    if (n > tail) tail = n;
  }
  return head + max_note + tail;
}

static int pieces(mm_screen_plan *p) {
  const mm_kb *kb = p->kb;
  p->check_pieces = calloc(p->n_checks ? p->n_checks : 1, sizeof *p->check_pieces);
  p->supportive = calloc(4 * kb->n_supportive + 1, sizeof *p->supportive);
  p->fact_names = calloc(kb->n_facts + 1, sizeof *p->fact_names);
  if (!p->check_pieces || !p->supportive || !p->fact_names) return -1;
  mm_strbuf t;
  mm_strbuf_init(&t, 0);
  for (size_t i = 0; i < p->n_opts; i++) option_heads(&t, &p->opts[i]);
  for (size_t i = 0; i < p->n_trials; i++) option_heads(&t, &p->trials[i]);
  for (size_t i = 0; i < p->n_groups; i++) {
    size_t start = t.len;
    if (p->groups[i].ind) mm_render_compact_indication(&t, p->groups[i].ind);
    piece_done(&t, start, &p->groups[i].ind_piece);
  }
  for (size_t i = 0; i < p->n_checks; i++) {
    const mm_screen_check *k = &p->checks[i];
    size_t start = t.len;
    mm_strbuf_putc(&t, ',');
    mm_render_compact_criterion(&t, k->crit, k->exclusion, k->soft);
    mm_strbuf_putc(&t, '}');
    piece_done(&t, start, &p->check_pieces[i]);
  }
  size_t start = t.len;
  mm_render_compact_about(&t, kb, p->juris);
  piece_done(&t, start, &p->pieces.about);
  for (int c = 0; c < MM_NOTE_COUNT; c++) {
    start = t.len;
    mm_render_compact_note(&t, (mm_note_code)c);
    piece_done(&t, start, &p->notes[c]);
  }
  for (size_t i = 0; i < 4 * kb->n_supportive; i++) {
    start = t.len;
    mm_strbuf_putc(&t, ',');
    mm_render_compact_supportive(&t, &kb->supportive[i / 4], i % 2 ? MM_UNKNOWN : MM_TRUE,
                                 i % 4 >= 2);
    piece_done(&t, start, &p->supportive[i]);
  }
  for (size_t i = 0; i < kb->n_facts; i++) {
    start = t.len;
    mm_strbuf_json_string(&t, kb->facts[i].name);
    piece_done(&t, start, &p->fact_names[i]);
  }
  static const char pad[MM_SCREEN_PIECE_PAD];
  mm_strbuf_add(&t, pad, sizeof pad);
  if (t.failed) {
    mm_strbuf_free(&t);
    return -1;
  }
  p->text = mm_strbuf_steal(&t);
  if (!p->text) return -1;
  size_t at = 0;
  for (size_t i = 0; i < p->n_opts; i++)
    for (int k = 0; k < 5; k++) point(&p->opts[i].heads[k], p->text, &at);
  for (size_t i = 0; i < p->n_trials; i++)
    for (int k = 0; k < 5; k++) point(&p->trials[i].heads[k], p->text, &at);
  for (size_t i = 0; i < p->n_groups; i++) point(&p->groups[i].ind_piece, p->text, &at);
  for (size_t i = 0; i < p->n_checks; i++) point(&p->check_pieces[i], p->text, &at);
  point(&p->pieces.about, p->text, &at);
  size_t max_note = 0;
  for (int c = 0; c < MM_NOTE_COUNT; c++) {
    point(&p->notes[c], p->text, &at);
    if (p->notes[c].len > max_note) max_note = p->notes[c].len;
  }
  for (size_t i = 0; i < 4 * kb->n_supportive; i++) point(&p->supportive[i], p->text, &at);
  for (size_t i = 0; i < kb->n_facts; i++) point(&p->fact_names[i], p->text, &at);
  p->pieces.fact_names = p->fact_names;
  p->pieces.notes = p->notes;
  p->pieces.supportive = p->supportive;
  for (size_t i = 0; i < p->n_opts; i++) {
    size_t n = max_option(p, &p->opts[i], max_note);
    if (n > p->pieces.max_option) p->pieces.max_option = n;
  }
  for (size_t i = 0; i < p->n_trials; i++) {
    size_t n = max_option(p, &p->trials[i], max_note);
    if (n > p->pieces.max_option) p->pieces.max_option = n;
  }
  return 0;
}

static int check_groups(mm_screen_plan *p) {
  p->check_group = calloc(p->n_checks + 1, sizeof *p->check_group);
  if (!p->check_group) return -1;
  for (size_t g = 0; g < p->n_groups; g++)
    for (uint32_t i = p->groups[g].first; i < p->groups[g].first + p->groups[g].n; i++)
      p->check_group[i] = (uint32_t)g;
  return 0;
}

static bool same_conditions(const mm_supportive *a, const mm_supportive *b) {
  if (a->n_conditions != b->n_conditions) return false;
  for (size_t k = 0; k < a->n_conditions; k++)
    if (a->conditions[k] != b->conditions[k]) return false;
  return true;
}

static int supportive_same(mm_screen_plan *p) {
  const mm_kb *kb = p->kb;
  p->supportive_same = calloc(kb->n_supportive + 1, sizeof *p->supportive_same);
  if (!p->supportive_same) return -1;
  for (size_t i = 0; i < kb->n_supportive; i++) {
    const mm_supportive *it = &kb->supportive[i];
    size_t j = 0;
    while (j < i && !(mm_rule_same(kb->supportive[j].rule, it->rule) &&
                      same_conditions(&kb->supportive[j], it)))
      j++;
    p->supportive_same[i] = (uint32_t)j;
  }
  return 0;
}

int mm_screen_plan_new(mm_screen_plan **out, const mm_kb *kb, mm_jurisdiction j,
                       const char *const *only) {
  *out = NULL;
  mm_screen_plan *p = calloc(1, sizeof *p);
  if (!p) return -1;
  p->kb = kb;
  p->juris = j;
  p->labels = mm_jurisdiction_labels(j);
  p->whole = only == NULL;
  p->not_relapsed = kb->not_relapsed_slot;
  size_t n = kb->n_options ? kb->n_options : 1;
  p->opts = calloc(n, sizeof *p->opts);
  p->trials = calloc(n, sizeof *p->trials);
  builder bd = {p, 0, !p->opts || !p->trials};
  for (size_t i = 0; i < kb->n_options && !bd.failed; i++) {
    const mm_option *o = &kb->options[i];
    if (!wanted(only, o->id)) continue;
    /* A guideline regimen listed again for the same setting is never
     * evaluated (mm_evaluate skips it whatever the record). */
    if (o->kind == MM_OPT_GUIDELINE && o->repeats) continue;
    bool trial = o->kind == MM_OPT_TRIAL;
    plan_option *po = trial ? &p->trials[p->n_trials++] : &p->opts[p->n_opts++];
    po->opt = o;
    po->kind = o->kind;
    po->setting = o->setting;
    po->first_group = (uint32_t)p->n_groups;
    if (o->kind == MM_OPT_THERAPY) {
      for (size_t k = 0; k < o->n_indications && !bd.failed; k++) {
        const mm_indication *ind = &o->indications[k];
        if (ind->jurisdiction != p->labels) continue;
        size_t gi = p->n_groups;
        group *g = add_group(&bd, ind);
        if (!g) break;
        if (j == MM_JURIS_IT) g->reimb = mm_reimb_find(mm_kb_reimbursement(kb), o, ind);
        add_checks(&bd, ind->criteria, ind->n_criteria, false, &ind->prov);
        end_group(&bd, gi);
        add_refractory_slots(&bd, gi, o, ind);
      }
    } else {
      size_t gi = p->n_groups;
      if (!add_group(&bd, NULL)) break;
      add_checks(&bd, o->criteria, o->n_criteria, false, &o->prov);
      if (trial) add_checks(&bd, o->exclusion, o->n_exclusion, true, &o->prov);
      end_group(&bd, gi);
      if (!trial) add_refractory_slots(&bd, gi, o, NULL);
    }
    po->n_groups = (uint32_t)(p->n_groups - po->first_group);
    if (trial) {
      po->enrolling = mm_verdict_trial_enrolling(o->status);
      po->trial_note = mm_verdict_trial_note(po->enrolling);
    }
  }
  if (!bd.failed && (needs(p) != 0 || pieces(p) != 0 || supportive_same(p) != 0 ||
                     check_groups(p) != 0))
    bd.failed = true;
  if (bd.failed) {
    mm_screen_plan_free(p);
    return -1;
  }
  *out = p;
  return 0;
}

void mm_screen_plan_free(mm_screen_plan *p) {
  if (!p) return;
  free(p->opts);
  free(p->trials);
  free(p->groups);
  free(p->checks);
  free(p->ops);
  free(p->check_group);
  free(p->need);
  free(p->need_at);
  free(p->refractory_slots);
  free(p->check_pieces);
  free(p->supportive);
  free(p->supportive_same);
  free(p->fact_names);
  free(p->text);
  free((void *)p->rules);
  free(p);
}

const mm_screen_check *mm_screen_plan_checks(const mm_screen_plan *p, size_t *n) {
  *n = p->n_checks;
  return p->checks;
}

bool mm_screen_plan_whole(const mm_screen_plan *p, mm_jurisdiction j) {
  return p->whole && p->juris == j;
}

size_t mm_screen_plan_rules(const mm_screen_plan *p) { return p->n_rules; }

const mm_screen_pieces *mm_screen_plan_pieces(const mm_screen_plan *p) { return &p->pieces; }

const uint32_t *mm_screen_plan_supportive_same(const mm_screen_plan *p) {
  return p->supportive_same;
}

/* --- one record ------------------------------------------------------------ */

/* Every check's result as it counts, from the rules' values of this
 * record, and for each group (seen[g], bit t) whether some check of it
 * counts as t: one pass over every check, branch-free, cheaper than a pass
 * per group read even with the checks of options not listed for the
 * record's setting (their rules unknown, their results not read). */
static void run_checks(const mm_screen_plan *p, const uint8_t *rule_value, uint8_t *res,
                       uint8_t *seen) {
  /* in locals: res and seen may alias them (a char), which would reload each */
  const uint32_t *ops = p->ops, *check_group = p->check_group;
  size_t n = p->n_checks;
  memset(seen, 0, p->n_groups);
  for (size_t i = 0; i < n; i++) {
    uint32_t op = ops[i];
    uint8_t t = mm_verdict_counts_as_table[(op & 12) | rule_value[op >> 4]];
    res[i] = t;
    seen[check_group[i]] |= (uint8_t)(1u << t);
  }
}

/* The AND of a group's criteria (run_criteria), from its seen bits. */
static inline mm_tv group_status(unsigned seen) {
  return (seen & (1u << MM_FALSE)) ? MM_FALSE : (seen & (1u << MM_UNKNOWN)) ? MM_UNKNOWN : MM_TRUE;
}

static void decided_by(const mm_screen_plan *p, const group *g, const uint8_t *res,
                       mm_screen_verdict *v) {
  v->checks = &p->checks[g->first];
  v->results = &res[g->first];
  v->n_checks = g->n;
  v->refractory_slots = g->n_slots ? &p->refractory_slots[g->first_slot] : NULL;
  v->n_refractory_slots = g->n_slots;
  v->check_pieces = &p->check_pieces[g->first];
  v->indication_piece = g->ind ? &g->ind_piece : NULL;
}

/* As evaluate_therapy and mm_eval_reimbursement (evaluate.c). */
static void therapy(const mm_screen_plan *p, const plan_option *po, const mm_facts *f,
                    const uint8_t *seen, const uint8_t *res, mm_screen_verdict *v) {
  mm_date as_of = f->patient->as_of;
  bool any = false, withdrawn = false;
  const group *best = NULL;
  v->status = MM_FALSE;
  for (uint32_t k = po->first_group; k < po->first_group + po->n_groups; k++) {
    const group *g = &p->groups[k];
    if (!mm_verdict_indication_counts(g->approved, g->withdrawn, as_of, &withdrawn)) continue;
    mm_tv t = group_status(seen[k]);
    if (!any || mm_verdict_better(t, v->status)) {
      v->status = t;
      best = g;
    }
    any = true;
  }
  v->note.jurisdiction = p->labels;
  mm_verdict_therapy_note(po->n_groups != 0, any, withdrawn, &v->status, &v->note);
  if (best) {
    v->indication = best->ind;
    decided_by(p, best, res, v);
    if (p->juris == MM_JURIS_IT) {
      v->reimbursement_shown = true;
      v->reimbursement = best->reimb;
    }
  }
  mm_verdict_not_relapsed(f->values, p->not_relapsed, v->status, &v->note);
}

int mm_screen_evaluate(mm_screen_verdicts *out, mm_arena *arena, const mm_screen_plan *p,
                       const mm_facts *f) {
  *out = (mm_screen_verdicts){NULL, 0, false, NULL};
  if (mm_verdict_without_diagnosis(f->values)) {
    out->no_diagnosis = true;
    return 0;
  }
  size_t nv = p->n_opts + p->n_trials;
  mm_screen_verdict *v = mm_arena_alloc_raw(arena, (nv ? nv : 1) * sizeof *v);
  uint8_t *memo = mm_arena_alloc_raw(arena, p->n_rules + p->n_checks + p->n_groups + 1);
  if (!v || !memo) return -1;
  mm_value setting = f->values[MM_F_SETTING];
  /* Every rule the record's options read, once, up front: a loop without a
   * test per criterion is cheaper than evaluating each when first asked. */
  size_t si = p->n_settings;
  for (size_t i = 0; setting.known && i < p->n_settings; i++)
    if (p->settings[i] == setting.str) si = i;
  memset(memo, MM_UNKNOWN, p->n_rules);
  const uint32_t *need = p->need; /* locals: memo (a char) may alias them */
  const mm_rule *const *rules = p->rules;
  const mm_value *values = f->values;
  for (uint32_t i = p->need_at[si], end = p->need_at[si + 1]; i < end; i++)
    memo[need[i]] = (uint8_t)mm_rule_eval(rules[need[i]], values, NULL);
  uint8_t *res = memo + p->n_rules, *seen = res + p->n_checks;
  run_checks(p, memo, res, seen);
  size_t n = 0;
  for (size_t i = 0; i < p->n_opts; i++) {
    const plan_option *po = &p->opts[i];
    if (po->kind == MM_OPT_GUIDELINE && !mm_verdict_guideline_listed(po->opt, setting)) continue;
    mm_screen_verdict *r = &v[n++];
    *r = (mm_screen_verdict){.opt = po->opt, .heads = po->heads};
    if (po->kind == MM_OPT_THERAPY) {
      therapy(p, po, f, seen, res, r);
    } else {
      const group *g = &p->groups[po->first_group];
      r->status = group_status(seen[po->first_group]);
      decided_by(p, g, res, r);
    }
  }
  for (size_t i = 0; i < p->n_trials; i++) {
    const plan_option *po = &p->trials[i];
    const group *g = &p->groups[po->first_group];
    mm_screen_verdict *r = &v[n++];
    *r = (mm_screen_verdict){.opt = po->opt, .enrolling = po->enrolling, .heads = po->heads};
    r->status = group_status(seen[po->first_group]);
    decided_by(p, g, res, r);
    r->note.code = po->trial_note;
  }
  out->v = v;
  out->n = n;
  out->rule_values = memo;
  return 0;
}
