/* evaluation.c: mmpath_evaluation_new and the accessors of the evaluation
 * tree (include/mmpath.h). A record is read (src/patient), its facts
 * derived (src/facts) and its options evaluated (src/evaluate) into one
 * arena that the mmpath_evaluation owns; an invalid record's arena is
 * handed to an mmpath_problems instead. Accessors read the tree in place. */
#include <stdlib.h>
#include <string.h>

#include "evaluate/messages.h"
#include "evaluate/reimbursement.h"
#include "evaluate/render_common.h"
#include "lib/lib_internal.h"
#include "patient/patient.h"
#include "util/lang.h"

/* The public enums are the internal ones, value for value. */
_Static_assert(MMPATH_NOT_MET == (int)MM_FALSE && MMPATH_MET == (int)MM_TRUE &&
                   MMPATH_UNKNOWN == (int)MM_UNKNOWN, "mmpath_verdict mirrors mm_tv");
_Static_assert(MMPATH_KIND_GUIDELINE == (int)MM_OPT_GUIDELINE &&
                   MMPATH_KIND_THERAPY == (int)MM_OPT_THERAPY &&
                   MMPATH_KIND_TRIAL == (int)MM_OPT_TRIAL, "mmpath_kind mirrors mm_option_kind");
_Static_assert(MMPATH_JURISDICTION_EU == (int)MM_JURIS_EU &&
                   MMPATH_JURISDICTION_US == (int)MM_JURIS_US &&
                   MMPATH_JURISDICTION_IT == (int)MM_JURIS_IT,
               "mmpath_jurisdiction mirrors mm_jurisdiction");
_Static_assert(MMPATH_LANG_EN == (int)MM_LANG_EN && MMPATH_LANG_IT == (int)MM_LANG_IT,
               "mmpath_lang mirrors mm_lang");
_Static_assert(MMPATH_TYPE_BOOL == (int)MM_TYPE_BOOL && MMPATH_TYPE_NUMBER == (int)MM_TYPE_NUMBER &&
                   MMPATH_TYPE_STRING == (int)MM_TYPE_STRING, "mmpath_type mirrors mm_type");

static const char *lang_code(mmpath_lang lang) { return mm_lang_code((mm_lang)lang); }

/* The record's errors, handed over with the arena that holds them (freed
 * here if that fails). */
static int give_problems(mmpath_evaluation *e, mmpath_problems **problems_out) {
  mmpath_problems *p = calloc(1, sizeof *p);
  if (!p) {
    mm_arena_free(&e->arena);
    return -1;
  }
  p->arena = e->arena; /* the blocks move with it; e's copy is not used again */
  p->diags = e->diags;
  p->diags.arena = &p->arena;
  p->errors = mm_arena_alloc(&p->arena, (p->diags.errors + 1) * sizeof *p->errors);
  for (const mm_diag *x = p->diags.head; p->errors && x; x = x->next)
    if (x->level == MM_DIAG_ERROR) p->errors[p->n_errors++] = x;
  if (!p->errors) {
    mm_arena_free(&p->arena);
    free(p);
    return -1;
  }
  *problems_out = p;
  return 0;
}

_Static_assert(MMPATH_RECORD_MAX_BYTES == MM_RECORD_MAX_BYTES &&
                   MMPATH_RECORD_MAX_VALUES == MM_RECORD_MAX_VALUES,
               "the public limits are json.h's");

/* The record's JSON tree, within the limits of mmpath.h (a record over
 * them is refused before its tree is built), or NULL with the problem in
 * e->diags: as mm_patient_read reports it, for a record within them. */
static const mm_json *parse_record(mmpath_evaluation *e, const char *text, size_t len) {
  if (len > MMPATH_RECORD_MAX_BYTES) {
    mm_diag_errorc(&e->diags, MM_E_LIMIT, NULL, 0, 0, NULL,
                   "the record is larger than the limit of %zu bytes (4 MiB)",
                   MMPATH_RECORD_MAX_BYTES);
    return NULL;
  }
  mm_json_error jerr;
  const mm_json *root =
      mm_json_parse_ex(&e->arena, text, len, false, MMPATH_RECORD_MAX_VALUES, &jerr);
  if (root) return root;
  if (jerr.limit)
    mm_diag_errorc(&e->diags, MM_E_LIMIT, NULL, jerr.line, jerr.col, NULL,
                   "the record has more than %zu JSON values: that is the limit",
                   MMPATH_RECORD_MAX_VALUES);
  else
    mm_diag_errorc(&e->diags, MM_E_SYNTAX, NULL, jerr.line, jerr.col, NULL, "invalid JSON: %s",
                   jerr.text);
  return NULL;
}

/* An answer without explanations reads the record as registry screening
 * does (mm_patient_scan: straight from the text, no JSON tree, no field
 * paths, which only explanations show), when it is in the usual form; *out
 * stays NULL for the full reader otherwise. Only records too short to hold
 * MMPATH_RECORD_MAX_VALUES values (each takes two bytes at least, "1,"): the
 * scanner counts none, and a longer one must meet the limit as before.
 * Returns -1 when out of memory. */
static int scan_record(mm_patient **out, mmpath_evaluation *e, const mmpath_kb *kb,
                       const char *text, size_t len) {
  *out = NULL;
  if (len >= 2 * MMPATH_RECORD_MAX_VALUES - 2) return 0;
  char *copy = mm_arena_alloc_raw(&e->arena, len + 1); /* the scanner writes in it */
  if (!copy) return -1;
  memcpy(copy, text, len);
  copy[len] = '\0';
  int rc = mm_patient_scan(out, &e->arena, kb, copy, len);
  if (rc <= 0) *out = NULL;
  return rc < 0 ? -1 : 0;
}

size_t mm_lib_fact_slots(int *slots, const mmpath_kb *kb) {
  size_t n = 0;
  for (size_t i = 0; i < kb->n_facts; i++)
    if (kb->facts[i].source != MM_FACT_EVALUATION) slots[n++] = (int)i;
  return n;
}

/* Reads, derives and evaluates into e, whose arena is ready (new or reset).
 * One of text (len bytes) or root is the record. On failure e's arena holds
 * the problems (MMPATH_EINVALID) or whatever was done (MMPATH_ENOMEM). */
int mm_lib_evaluation_fill(mmpath_evaluation *e, const mmpath_kb *kb, const char *text,
                           size_t len, const mm_json *root, const mmpath_options *o,
                           const char *const *only, bool explain) {
  e->tree = NULL;
  e->fact_slots = NULL;
  e->n_facts = 0;
  mm_diags_init(&e->diags, &e->arena);
  e->diags.keep = MMPATH_PROBLEMS_MAX;
  mm_patient *p = NULL;
  if (!root && !explain && scan_record(&p, e, kb, text, len) < 0) return MMPATH_ENOMEM;
  if (!p && !root && !(root = parse_record(e, text, len)))
    return e->arena.failed ? MMPATH_ENOMEM : MMPATH_EINVALID;
  if (!p && mm_patient_from_json(&p, &e->arena, kb, root, NULL, &e->diags) != 0)
    return e->arena.failed ? MMPATH_ENOMEM : MMPATH_EINVALID;
  mm_facts *facts = NULL;
  mm_eval_options eo = MM_EVAL_OPTIONS_INIT;
  eo.jurisdiction = (mm_jurisdiction)o->jurisdiction;
  eo.only = only;
  eo.explain = explain;
  /* A context's memo: each distinct rule evaluated once (and, explained,
   * its trace and missing inputs made once). */
  eo.memo = e->memo;
  /* A context's plan: without explanations, the options' verdicts as
   * screening makes them (the same verdicts, less work; the tree is then
   * for the compact answer, mm_option_result.planned). */
  eo.plan = e->plan;
  int *slots =
      e->kept_slots ? NULL : mm_arena_alloc(&e->arena, (kb->n_facts + 1) * sizeof *slots);
  if ((!slots && !e->kept_slots) ||
      mm_facts_derive(&facts, &e->arena, kb, p, explain, &e->diags) != 0 ||
      mm_evaluate(&e->tree, &e->arena, kb, facts, &eo) != 0)
    return MMPATH_ENOMEM;
  if (e->kept_slots) {
    e->fact_slots = e->kept_slots;
    e->n_facts = e->n_kept_slots;
  } else {
    e->n_facts = mm_lib_fact_slots(slots, kb);
    e->fact_slots = slots;
  }
  mm_date_format(p->as_of, e->as_of);
  return MMPATH_OK;
}

/* One of text (len bytes) or root is the record. */
static int build(mmpath_evaluation **out, mmpath_problems **problems_out, const mmpath_kb *kb,
                 const char *text, size_t len, const mm_json *root, const mmpath_options *opts,
                 const char *const *only, bool explain) {
  *out = NULL;
  if (problems_out) *problems_out = NULL;
  mmpath_options o;
  if (mm_lib_options(&o, opts) != 0 || !kb) return MMPATH_ERROR;
  mmpath_evaluation *e = calloc(1, sizeof *e);
  if (!e) return MMPATH_ENOMEM;
  mm_arena_init(&e->arena, 1 << 16);
  int rc = mm_lib_evaluation_fill(e, kb, text, len, root, &o, only, explain);
  if (rc == MMPATH_OK) {
    *out = e;
    return rc;
  }
  if (rc == MMPATH_EINVALID && problems_out) {
    if (give_problems(e, problems_out) != 0) rc = MMPATH_ENOMEM;
  } else {
    mm_arena_free(&e->arena);
  }
  free(e);
  return rc;
}

int mmpath_evaluation_new(mmpath_evaluation **out, mmpath_problems **problems_out,
                          const mmpath_kb *kb, const char *record, size_t len,
                          const mmpath_options *opts) {
  if (!record) {
    *out = NULL;
    if (problems_out) *problems_out = NULL;
    return MMPATH_ERROR;
  }
  return build(out, problems_out, kb, record, len, NULL, opts, NULL, true);
}

int mm_lib_evaluation_from_json(mmpath_evaluation **out, mmpath_problems **problems_out,
                                const mmpath_kb *kb, const mm_json *record,
                                const mmpath_options *opts) {
  return build(out, problems_out, kb, NULL, 0, record, opts, NULL, true);
}

/* `only` naming no option evaluates none: the tree is empty, the facts
 * complete. */
int mm_lib_facts_new(mmpath_evaluation **out, mmpath_problems **problems_out,
                     const mmpath_kb *kb, const char *record, size_t len,
                     const mmpath_options *opts) {
  static const char *const none[] = {NULL};
  return build(out, problems_out, kb, record, len, NULL, opts, none, true);
}

int mm_lib_evaluation_new_ex(mmpath_evaluation **out, mmpath_problems **problems_out,
                             const mmpath_kb *kb, const char *record, size_t len,
                             const mmpath_options *opts, bool explain) {
  if (!record) {
    *out = NULL;
    if (problems_out) *problems_out = NULL;
    return MMPATH_ERROR;
  }
  return build(out, problems_out, kb, record, len, NULL, opts, NULL, explain);
}

void mmpath_evaluation_free(mmpath_evaluation *ev) {
  if (!ev) return;
  mm_arena_free(&ev->arena);
  free(ev);
}

const char *mmpath_evaluation_patient(const mmpath_evaluation *ev) {
  return ev->tree->patient->id;
}
const char *mmpath_evaluation_as_of(const mmpath_evaluation *ev) { return ev->as_of; }
const mmpath_kb *mmpath_evaluation_kb(const mmpath_evaluation *ev) { return ev->tree->kb; }
mmpath_jurisdiction mmpath_evaluation_jurisdiction(const mmpath_evaluation *ev) {
  return (mmpath_jurisdiction)ev->tree->opts.jurisdiction;
}

/* ---- options and trials ---- */

size_t mmpath_evaluation_option_count(const mmpath_evaluation *ev) { return ev->tree->n_options; }
const mmpath_option *mmpath_evaluation_option(const mmpath_evaluation *ev, size_t i) {
  return i < ev->tree->n_options ? &ev->tree->options[i] : NULL;
}
size_t mmpath_evaluation_trial_count(const mmpath_evaluation *ev) { return ev->tree->n_trials; }
const mmpath_option *mmpath_evaluation_trial(const mmpath_evaluation *ev, size_t i) {
  return i < ev->tree->n_trials ? &ev->tree->trials[i] : NULL;
}
const mmpath_option *mmpath_evaluation_find(const mmpath_evaluation *ev, const char *id) {
  const mm_evaluation *t = ev->tree;
  for (size_t i = 0; id && i < t->n_options; i++)
    if (strcmp(t->options[i].opt->id, id) == 0) return &t->options[i];
  for (size_t i = 0; id && i < t->n_trials; i++)
    if (strcmp(t->trials[i].opt->id, id) == 0) return &t->trials[i];
  return NULL;
}

const char *mmpath_option_id(const mmpath_option *o) { return o->opt->id; }
mmpath_kind mmpath_option_kind(const mmpath_option *o) { return (mmpath_kind)o->opt->kind; }
const char *mmpath_option_name(const mmpath_option *o, mmpath_lang lang) {
  return mm_text_get(o->opt->name, lang_code(lang));
}
const char *mmpath_option_group(const mmpath_option *o) { return o->opt->group; }
mmpath_verdict mmpath_option_verdict(const mmpath_option *o) { return (mmpath_verdict)o->status; }
const char *mmpath_option_indication(const mmpath_option *o) {
  return o->indication ? o->indication->id : NULL;
}
const char *mmpath_option_indication_label(const mmpath_option *o) {
  return o->indication ? o->indication->label : NULL;
}
const char *mmpath_option_note(const mmpath_option *o) { return mm_note_id(o->note.code); }
int mmpath_option_note_text(char *buf, size_t len, const mmpath_option *o, mmpath_lang lang) {
  char text[MM_NOTE_MAX];
  if (!buf || len == 0) return MMPATH_ERROR;
  buf[0] = '\0';
  if (!mm_note_text(o->note, (mm_lang)lang, text)) return MMPATH_ENOTFOUND;
  size_t n = strlen(text);
  if (n >= len) return MMPATH_ERROR;
  memcpy(buf, text, n + 1);
  return MMPATH_OK;
}
const char *mmpath_option_source(const mmpath_option *o) {
  const mm_provenance *p = o->indication ? &o->indication->prov : &o->opt->prov;
  return p->n_sources ? p->sources[0] : NULL;
}
const char *mmpath_option_reimbursement(const mmpath_option *o) {
  if (!mm_reimbursement_shown(o)) return NULL;
  return o->reimbursement ? mm_reimb_status_code(o->reimbursement->status) : "not_recorded";
}
int mmpath_option_reimbursement_text(char *buf, size_t len, const mmpath_option *o,
                                     mmpath_lang lang) {
  if (!buf || len == 0) return MMPATH_ERROR;
  buf[0] = '\0';
  if (!mm_reimbursement_shown(o)) return MMPATH_ENOTFOUND;
  mm_strbuf t;
  mm_strbuf_init(&t, 4096);
  mm_render_reimbursement_line(&t, o, (mm_lang)lang);
  int rc = t.failed ? MMPATH_ENOMEM : t.len >= len ? MMPATH_ERROR : MMPATH_OK;
  if (rc == MMPATH_OK) memcpy(buf, t.data, t.len + 1);
  mm_strbuf_free(&t);
  return rc;
}
size_t mmpath_option_refractory_drug_count(const mmpath_option *o) {
  return o->n_refractory_drugs;
}
const char *mmpath_option_refractory_drug(const mmpath_option *o, size_t i) {
  return i < o->n_refractory_drugs ? o->ev->kb->drugs[o->refractory_drugs[i]].id : NULL;
}
mmpath_verdict mmpath_option_enrolling(const mmpath_option *o) {
  return o->opt->kind == MM_OPT_TRIAL ? (mmpath_verdict)o->enrolling : MMPATH_UNKNOWN;
}
const char *mmpath_option_trial_status(const mmpath_option *o) {
  return o->opt->kind == MM_OPT_TRIAL ? o->opt->status : NULL;
}
const char *mmpath_option_trial_phase(const mmpath_option *o) {
  return o->opt->kind == MM_OPT_TRIAL ? o->opt->phase : NULL;
}
size_t mmpath_option_criterion_count(const mmpath_option *o) { return o->n_criteria; }
const mmpath_criterion *mmpath_option_criterion(const mmpath_option *o, size_t i) {
  return i < o->n_criteria ? &o->criteria[i] : NULL;
}

/* ---- criteria and supportive care: what the rule read, what is missing ---- */

static size_t observed_count(const mm_trace *t) { return t ? t->n_used : 0; }
static const char *observed_fact(const mm_evaluation *ev, const mm_trace *t, size_t i) {
  return t && i < t->n_used ? ev->kb->facts[t->used[i]].name : NULL;
}
static const mmpath_value *observed_value(const mm_evaluation *ev, const mm_trace *t,
                                          size_t i) {
  return t && i < t->n_used ? &ev->facts->values[t->used[i]] : NULL;
}

const char *mmpath_criterion_id(const mmpath_criterion *c) { return c->crit->id; }
const char *mmpath_criterion_text(const mmpath_criterion *c, mmpath_lang lang) {
  return mm_text_get(c->crit->text, lang_code(lang));
}
mmpath_verdict mmpath_criterion_verdict(const mmpath_criterion *c) {
  return (mmpath_verdict)c->result;
}
int mmpath_criterion_is_exclusion(const mmpath_criterion *c) { return c->exclusion; }
const char *mmpath_criterion_rule(const mmpath_criterion *c) { return c->crit->when; }
const char *mmpath_criterion_review(const mmpath_criterion *c, mmpath_lang lang) {
  if (c->crit->has_review) return mm_text_get(c->crit->review, lang_code(lang));
  return c->unverified ? mm_msg_get(MM_MSG_UNVERIFIED_ENTRY, (mm_lang)lang) : NULL;
}
size_t mmpath_criterion_observed_count(const mmpath_criterion *c) {
  return observed_count(c->trace);
}
const char *mmpath_criterion_observed_fact(const mmpath_criterion *c, size_t i) {
  return observed_fact(c->ev, c->trace, i);
}
const mmpath_value *mmpath_criterion_observed_value(const mmpath_criterion *c, size_t i) {
  return observed_value(c->ev, c->trace, i);
}
/* The missing inputs are computed once, while evaluating (evaluate.c), and
 * stored in the tree: every renderer and these accessors read the same list. */
size_t mmpath_criterion_missing_count(const mmpath_criterion *c) { return c->n_missing; }
const char *mmpath_criterion_missing(const mmpath_criterion *c, size_t i) {
  return i < c->n_missing ? c->missing[i] : NULL;
}

size_t mmpath_evaluation_supportive_count(const mmpath_evaluation *ev) {
  return ev->tree->n_supportive;
}
const mmpath_supportive *mmpath_evaluation_supportive(const mmpath_evaluation *ev, size_t i) {
  return i < ev->tree->n_supportive ? &ev->tree->supportive[i] : NULL;
}
const char *mmpath_supportive_id(const mmpath_supportive *s) { return s->item->id; }
const char *mmpath_supportive_text(const mmpath_supportive *s, mmpath_lang lang) {
  return mm_text_get(s->item->text, lang_code(lang));
}
mmpath_verdict mmpath_supportive_verdict(const mmpath_supportive *s) {
  return (mmpath_verdict)s->result;
}
const char *mmpath_supportive_source(const mmpath_supportive *s) {
  return s->item->prov.n_sources ? s->item->prov.sources[0] : NULL;
}
size_t mmpath_supportive_observed_count(const mmpath_supportive *s) {
  return observed_count(s->trace);
}
const char *mmpath_supportive_observed_fact(const mmpath_supportive *s, size_t i) {
  return observed_fact(s->ev, s->trace, i);
}
const mmpath_value *mmpath_supportive_observed_value(const mmpath_supportive *s, size_t i) {
  return observed_value(s->ev, s->trace, i);
}
size_t mmpath_supportive_missing_count(const mmpath_supportive *s) { return s->n_missing; }
const char *mmpath_supportive_missing(const mmpath_supportive *s, size_t i) {
  return i < s->n_missing ? s->missing[i] : NULL;
}
size_t mmpath_supportive_condition_count(const mmpath_supportive *s) {
  return s->conditional ? s->n_conditions : 0;
}
const char *mmpath_supportive_condition_fact(const mmpath_supportive *s, size_t i) {
  return i < mmpath_supportive_condition_count(s) ? s->conditions[i]->fact : NULL;
}
const char *mmpath_supportive_condition_text(const mmpath_supportive *s, size_t i,
                                             mmpath_lang lang) {
  return i < mmpath_supportive_condition_count(s)
             ? mm_text_get(s->conditions[i]->text, lang_code(lang))
             : NULL;
}
const char *mmpath_supportive_window(const mmpath_supportive *s, mmpath_lang lang) {
  return mm_text_get(s->item->window.text, lang_code(lang));
}

/* ---- facts ---- */

size_t mmpath_evaluation_fact_count(const mmpath_evaluation *ev) { return ev->n_facts; }

int mmpath_evaluation_fact_find(size_t *index_out, const mmpath_evaluation *ev,
                                const char *name) {
  int slot = name ? mm_kb_fact_slot(ev->tree->kb, name) : -1;
  size_t lo = 0, hi = ev->n_facts; /* fact_slots ascend */
  while (slot >= 0 && lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (ev->fact_slots[mid] == slot) {
      *index_out = mid;
      return 0;
    }
    if (ev->fact_slots[mid] < slot) lo = mid + 1;
    else hi = mid;
  }
  return MMPATH_ENOTFOUND;
}

static const mm_fact_info *info_at(const mmpath_evaluation *ev, size_t i) {
  const mm_facts *f = ev->tree->facts;
  return f->info ? &f->info[ev->fact_slots[i]] : NULL;
}

const char *mmpath_evaluation_fact_name(const mmpath_evaluation *ev, size_t i) {
  return i < ev->n_facts ? ev->tree->kb->facts[ev->fact_slots[i]].name : NULL;
}
const mmpath_value *mmpath_evaluation_fact_value(const mmpath_evaluation *ev, size_t i) {
  return i < ev->n_facts ? &ev->tree->facts->values[ev->fact_slots[i]] : NULL;
}
const char *mmpath_evaluation_fact_unit(const mmpath_evaluation *ev, size_t i) {
  return i < ev->n_facts ? ev->tree->kb->facts[ev->fact_slots[i]].unit : NULL;
}
const char *mmpath_evaluation_fact_reason(const mmpath_evaluation *ev, size_t i,
                                          mmpath_lang lang) {
  return i < ev->n_facts ? mm_fact_why(info_at(ev, i), (mm_lang)lang) : NULL;
}
size_t mmpath_evaluation_fact_missing_count(const mmpath_evaluation *ev, size_t i) {
  if (i >= ev->n_facts || ev->tree->facts->values[ev->fact_slots[i]].known) return 0;
  const mm_fact_info *info = info_at(ev, i);
  return info ? info->n_missing : 0;
}
const char *mmpath_evaluation_fact_missing(const mmpath_evaluation *ev, size_t i, size_t k) {
  return k < mmpath_evaluation_fact_missing_count(ev, i) ? info_at(ev, i)->missing[k] : NULL;
}

size_t mmpath_evaluation_warning_count(const mmpath_evaluation *ev) {
  size_t n = 0;
  for (const mm_diag *x = ev->diags.head; x; x = x->next) n += x->level == MM_DIAG_WARNING;
  return n;
}
const char *mmpath_evaluation_warning(const mmpath_evaluation *ev, size_t i) {
  for (const mm_diag *x = ev->diags.head; x; x = x->next)
    if (x->level == MM_DIAG_WARNING && i-- == 0) return x->text;
  return NULL;
}

/* ---- values ---- */

int mmpath_value_known(const mmpath_value *v) { return v && v->known; }
mmpath_type mmpath_value_type(const mmpath_value *v) { return v ? (mmpath_type)v->type : MMPATH_TYPE_BOOL; }
int mmpath_value_bool(const mmpath_value *v) {
  return mmpath_value_known(v) && v->type == MM_TYPE_BOOL && v->b;
}
double mmpath_value_number(const mmpath_value *v) {
  return mmpath_value_known(v) && v->type == MM_TYPE_NUMBER ? v->num : 0;
}
const char *mmpath_value_string(const mmpath_value *v) {
  return mmpath_value_known(v) && v->type == MM_TYPE_STRING ? v->str : NULL;
}
