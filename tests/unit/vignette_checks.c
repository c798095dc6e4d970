/* vignette_checks.c: the check of each kind of expectation a vignette may
 * state, and the table CHECKS of them (vignette_checks.h). Each check reads
 * the evaluation through mmpath.h only and says what it found, so that a
 * failing vignette prints what mmpath answered. */
#include "vignette_checks.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void put(text *t, const char *fmt, ...) {
  if (t->len >= sizeof t->buf - 1) return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(t->buf + t->len, sizeof t->buf - t->len, fmt, ap);
  va_end(ap);
  if (n > 0) t->len = t->len + (size_t)n < sizeof t->buf ? t->len + (size_t)n : sizeof t->buf - 1;
}

static const char *verdict_name(mmpath_verdict v) {
  return v == MMPATH_MET ? "met" : v == MMPATH_NOT_MET ? "not_met" : "unknown";
}

static mmpath_verdict subject_verdict(const subject *s) {
  if (s->kind == S_CRITERION) return mmpath_criterion_verdict(s->criterion);
  /* An item the plan does not list is not indicated (renderers may leave
   * out the items not indicated; a fix may do the same). */
  if (s->kind == S_SUPPORTIVE) return s->supportive ? mmpath_supportive_verdict(s->supportive) : MMPATH_NOT_MET;
  return mmpath_option_verdict(s->option);
}

/* The criteria of an option that do not hold, with what they miss: what a
 * reader needs to see beside a verdict that was not expected. */
static void describe_criteria(text *t, const mmpath_option *o) {
  const char *sep = " (";
  for (size_t i = 0; i < mmpath_option_criterion_count(o); i++) {
    const mmpath_criterion *c = mmpath_option_criterion(o, i);
    if (mmpath_criterion_verdict(c) == MMPATH_MET) continue;
    put(t, "%s%s %s", sep, mmpath_criterion_id(c), verdict_name(mmpath_criterion_verdict(c)));
    for (size_t k = 0; k < mmpath_criterion_missing_count(c); k++)
      put(t, "%s%s", k ? "," : " missing ", mmpath_criterion_missing(c, k));
    sep = "; ";
  }
  if (strcmp(sep, "; ") == 0) put(t, ")");
}

static void describe_value(text *t, const mmpath_value *v) {
  if (!mmpath_value_known(v)) put(t, "unknown");
  else if (mmpath_value_type(v) == MMPATH_TYPE_BOOL) put(t, mmpath_value_bool(v) ? "true" : "false");
  else if (mmpath_value_type(v) == MMPATH_TYPE_NUMBER) put(t, "%g", mmpath_value_number(v));
  else put(t, "\"%s\"", mmpath_value_string(v));
}

/* The inputs that would decide the subject. */
static size_t missing_count(const subject *s, size_t criterion) {
  if (s->kind == S_CRITERION) return mmpath_criterion_missing_count(s->criterion);
  if (s->kind == S_SUPPORTIVE) return s->supportive ? mmpath_supportive_missing_count(s->supportive) : 0;
  if (s->kind == S_FACT) return mmpath_evaluation_fact_missing_count(s->ev, s->fact);
  return mmpath_criterion_missing_count(mmpath_option_criterion(s->option, criterion));
}

static const char *missing_at(const subject *s, size_t criterion, size_t k) {
  if (s->kind == S_CRITERION) return mmpath_criterion_missing(s->criterion, k);
  if (s->kind == S_SUPPORTIVE) return mmpath_supportive_missing(s->supportive, k);
  if (s->kind == S_FACT) return mmpath_evaluation_fact_missing(s->ev, s->fact, k);
  return mmpath_criterion_missing(mmpath_option_criterion(s->option, criterion), k);
}



static bool is_verdict_word(const mm_json *v) {
  return v->type == MM_JSON_STRING &&
         (!strcmp(v->str, "met") || !strcmp(v->str, "not_met") || !strcmp(v->str, "unknown"));
}

static bool check_verdict(const subject *s, const mm_json *want, text *found) {
  mmpath_verdict v = subject_verdict(s);
  put(found, "%s", verdict_name(v));
  if (s->kind == S_OPTION || s->kind == S_TRIAL) describe_criteria(found, s->option);
  else
    for (size_t k = 0; k < missing_count(s, 0); k++)
      put(found, "%s%s", k ? "," : " missing ", missing_at(s, 0, k));
  return strcmp(verdict_name(v), want->str) == 0;
}

/* Holds when the subject is absent or has another verdict: "not shown as
 * eligible/indicated", whether a fix removes the item or changes its verdict. */
static bool check_not_verdict(const subject *s, const mm_json *want, text *found) {
  if (!s->present) {
    put(found, "absent");
    return true;
  }
  return !check_verdict(s, want, found);
}

static bool check_missing_includes(const subject *s, const mm_json *want, text *found) {
  size_t criteria = (s->kind == S_OPTION || s->kind == S_TRIAL)
                        ? mmpath_option_criterion_count(s->option) : 1;
  bool all = true;
  size_t n = want->type == MM_JSON_ARRAY ? want->len : 1;
  for (size_t w = 0; w < n; w++) {
    const char *input = want->type == MM_JSON_ARRAY ? want->items[w]->str : want->str;
    bool seen = false;
    for (size_t c = 0; c < criteria && !seen; c++)
      for (size_t k = 0; k < missing_count(s, c) && !seen; k++)
        seen = strcmp(missing_at(s, c, k), input) == 0;
    all &= seen;
  }
  put(found, "missing:");
  size_t listed = 0;
  for (size_t c = 0; c < criteria; c++)
    for (size_t k = 0; k < missing_count(s, c); k++, listed++)
      put(found, " %s", missing_at(s, c, k));
  if (!listed) put(found, " (none)");
  return all;
}

static bool check_value(const subject *s, const mm_json *want, text *found) {
  const mmpath_value *v = mmpath_evaluation_fact_value(s->ev, s->fact);
  describe_value(found, v);
  if (mmpath_evaluation_fact_unit(s->ev, s->fact))
    put(found, " %s", mmpath_evaluation_fact_unit(s->ev, s->fact));
  const char *reason = mmpath_evaluation_fact_reason(s->ev, s->fact, MMPATH_LANG_EN);
  if (reason) put(found, " [%s]", reason);
  for (size_t k = 0; k < mmpath_evaluation_fact_missing_count(s->ev, s->fact); k++)
    put(found, "%s%s", k ? "," : " missing ", mmpath_evaluation_fact_missing(s->ev, s->fact, k));
  if (want->type == MM_JSON_STRING && strcmp(want->str, "unknown") == 0)
    return !mmpath_value_known(v);
  if (!mmpath_value_known(v)) return false;
  switch (want->type) {
  case MM_JSON_TRUE:
  case MM_JSON_FALSE:
    return mmpath_value_type(v) == MMPATH_TYPE_BOOL &&
           mmpath_value_bool(v) == (want->type == MM_JSON_TRUE);
  case MM_JSON_NUMBER:
    return mmpath_value_type(v) == MMPATH_TYPE_NUMBER &&
           fabs(mmpath_value_number(v) - want->number) < 1e-9;
  default:
    return mmpath_value_type(v) == MMPATH_TYPE_STRING &&
           strcmp(mmpath_value_string(v), want->str) == 0;
  }
}

/* A trial's exclusion criterion read as a clinician reads it: true when the
 * patient has the excluding condition (the criterion then counts as not
 * met for the trial). */
static bool check_excluded(const subject *s, const mm_json *want, text *found) {
  if (!mmpath_criterion_is_exclusion(s->criterion)) {
    put(found, "not an exclusion criterion");
    return false;
  }
  mmpath_verdict v = mmpath_criterion_verdict(s->criterion);
  const char *got = v == MMPATH_MET ? "false" : v == MMPATH_NOT_MET ? "true" : "unknown";
  put(found, "excluded %s", got);
  const char *w = want->type == MM_JSON_TRUE ? "true" : want->type == MM_JSON_FALSE ? "false" : want->str;
  return strcmp(got, w) == 0;
}

static bool check_indication(const subject *s, const mm_json *want, text *found) {
  const char *got = mmpath_option_indication(s->option);
  put(found, "indication %s", got ? got : "null");
  if (want->type == MM_JSON_NULL) return got == NULL;
  return got && strcmp(got, want->str) == 0;
}

static bool check_refractory_drugs(const subject *s, const mm_json *want, text *found) {
  size_t n = mmpath_option_refractory_drug_count(s->option);
  put(found, "refractory drugs:");
  for (size_t i = 0; i < n; i++) put(found, " %s", mmpath_option_refractory_drug(s->option, i));
  if (!n) put(found, " (none)");
  size_t wn = want->type == MM_JSON_ARRAY ? want->len : 1;
  for (size_t w = 0; w < wn; w++) {
    const char *drug = want->type == MM_JSON_ARRAY ? want->items[w]->str : want->str;
    bool seen = false;
    for (size_t i = 0; i < n && !seen; i++)
      seen = strcmp(mmpath_option_refractory_drug(s->option, i), drug) == 0;
    if (!seen) return false;
  }
  return true;
}

/* The options are listed in the order a clinician reads them. */
static bool check_rank_before(const subject *s, const mm_json *want, text *found) {
  size_t mine = SIZE_MAX, other = SIZE_MAX;
  for (size_t i = 0; i < mmpath_evaluation_option_count(s->ev); i++) {
    const char *id = mmpath_option_id(mmpath_evaluation_option(s->ev, i));
    if (strcmp(id, mmpath_option_id(s->option)) == 0) mine = i;
    if (strcmp(id, want->str) == 0) other = i;
  }
  if (other == SIZE_MAX) {
    put(found, "no option %s in the evaluation", want->str);
    return false;
  }
  put(found, "%s at position %zu, %s at %zu", mmpath_option_id(s->option), mine + 1, want->str,
      other + 1);
  return mine < other;
}

static bool check_enrolling(const subject *s, const mm_json *want, text *found) {
  mmpath_verdict v = mmpath_option_enrolling(s->option);
  const char *got = v == MMPATH_MET ? "true" : v == MMPATH_NOT_MET ? "false" : "unknown";
  const char *status = mmpath_option_trial_status(s->option);
  put(found, "enrolling %s (registry status %s)", got, status ? status : "none");
  const char *w = want->type == MM_JSON_TRUE ? "true" : want->type == MM_JSON_FALSE ? "false" : want->str;
  return strcmp(got, w) == 0;
}

/* A supportive item that holds only if a decision not taken yet goes ahead
 * (CAR-T, a bispecific: kb/supportive_care.yaml conditional_on); its
 * verdict is then unknown, never met. true / false, or the decisions (facts,
 * "candidate_car_t") that must all be among those it names. An item the
 * plan does not list is not conditional. */
static bool check_conditional(const subject *s, const mm_json *want, text *found) {
  size_t n = s->supportive ? mmpath_supportive_condition_count(s->supportive) : 0;
  if (!n) put(found, "not conditional (verdict %s)", verdict_name(subject_verdict(s)));
  for (size_t i = 0; i < n; i++)
    put(found, "%s%s", i ? ", " : "conditional on ", mmpath_supportive_condition_fact(s->supportive, i));
  if (want->type == MM_JSON_TRUE || want->type == MM_JSON_FALSE)
    return (n > 0) == (want->type == MM_JSON_TRUE);
  size_t wn = want->type == MM_JSON_ARRAY ? want->len : 1;
  for (size_t w = 0; w < wn; w++) {
    const char *fact = want->type == MM_JSON_ARRAY ? want->items[w]->str : want->str;
    bool seen = false;
    for (size_t i = 0; i < n && !seen; i++)
      seen = strcmp(mmpath_supportive_condition_fact(s->supportive, i), fact) == 0;
    if (!seen) return false;
  }
  return n > 0;
}

/* Whether the evaluation lists the option or trial at all (a record without
 * a myeloma diagnosis lists nothing; a guideline regimen of another setting
 * is left out). Unlike not_verdict, its value matters when it is absent. */
static bool check_listed(const subject *s, const mm_json *want, text *found) {
  if (s->present) put(found, "listed");
  return s->present == (want->type == MM_JSON_TRUE);
}

/* The option's note beside its verdict, by its stable id (mmpath_option_note:
 * "not_relapsed", "trial_not_enrolling", ...); null: no note. */
static bool check_note_id(const subject *s, const mm_json *want, text *found) {
  const char *got = mmpath_option_note(s->option);
  char words[256];
  put(found, "note %s", got ? got : "null");
  if (got && mmpath_option_note_text(words, sizeof words, s->option, MMPATH_LANG_EN) == MMPATH_OK)
    put(found, " (%s)", words);
  if (want->type == MM_JSON_NULL) return got == NULL;
  return got && strcmp(got, want->str) == 0;
}

/* Jurisdiction it: the AIFA reimbursement finding beside an approved
 * therapy's verdict, by its status code (mmpath_option_reimbursement:
 * "reimbursed", "c_nn", "not_found", ...); null: none is shown (another
 * jurisdiction, a guideline regimen, no deciding indication). */
static bool check_reimbursement(const subject *s, const mm_json *want, text *found) {
  const char *got = mmpath_option_reimbursement(s->option);
  char line[512];
  put(found, "reimbursement %s", got ? got : "null");
  if (mmpath_option_reimbursement_text(line, sizeof line, s->option, MMPATH_LANG_EN) == MMPATH_OK)
    put(found, " (%s)", line);
  if (want->type == MM_JSON_NULL) return got == NULL;
  return got && strcmp(got, want->str) == 0;
}

/* The words of that finding (class, determination, Gazzetta, "searched",
 * "published after the evaluation date", "[secondary source]"): each wanted
 * piece is in the line as shown in English or in Italian. */
static bool check_reimbursement_text(const subject *s, const mm_json *want, text *found) {
  char en[512], it[512];
  if (mmpath_option_reimbursement_text(en, sizeof en, s->option, MMPATH_LANG_EN) != MMPATH_OK ||
      mmpath_option_reimbursement_text(it, sizeof it, s->option, MMPATH_LANG_IT) != MMPATH_OK) {
    put(found, "no reimbursement finding");
    return false;
  }
  put(found, "\"%s\" / \"%s\"", en, it);
  size_t n = want->type == MM_JSON_ARRAY ? want->len : 1;
  for (size_t w = 0; w < n; w++) {
    const char *piece = want->type == MM_JSON_ARRAY ? want->items[w]->str : want->str;
    if (!strstr(en, piece) && !strstr(it, piece)) return false;
  }
  return true;
}


const struct check CHECKS[] = {
    {"verdict", S_OPTION | S_TRIAL | S_CRITERION | S_SUPPORTIVE, F_VERDICT, false, check_verdict},
    {"not_verdict", S_OPTION | S_TRIAL | S_CRITERION | S_SUPPORTIVE, F_VERDICT, true,
     check_not_verdict},
    {"missing_includes", S_OPTION | S_TRIAL | S_CRITERION | S_SUPPORTIVE | S_FACT, F_STRINGS,
     false, check_missing_includes},
    {"value", S_FACT, F_SCALAR, false, check_value},
    {"excluded", S_CRITERION, F_TRIBOOL, false, check_excluded},
    {"indication", S_OPTION, F_STRING | F_NULL, false, check_indication},
    {"refractory_drugs_include", S_OPTION | S_TRIAL, F_STRINGS, false, check_refractory_drugs},
    {"rank_before", S_OPTION, F_STRING, false, check_rank_before},
    {"enrolling", S_TRIAL, F_TRIBOOL, false, check_enrolling},
    {"conditional", S_SUPPORTIVE, F_BOOL | F_STRINGS, true, check_conditional},
    {"listed", S_OPTION | S_TRIAL, F_BOOL, true, check_listed},
    {"note_id", S_OPTION | S_TRIAL, F_STRING | F_NULL, false, check_note_id},
    {"reimbursement", S_OPTION, F_STRING | F_NULL, false, check_reimbursement},
    {"reimbursement_text_includes", S_OPTION, F_STRINGS, false, check_reimbursement_text},
};
const size_t N_CHECKS = sizeof CHECKS / sizeof CHECKS[0];

bool form_ok(unsigned form, const mm_json *v) {
  if ((form & F_NULL) && v->type == MM_JSON_NULL) return true;
  if ((form & F_VERDICT) && is_verdict_word(v)) return true;
  if ((form & (F_STRING | F_STRINGS | F_SCALAR)) && v->type == MM_JSON_STRING && v->len) return true;
  if ((form & F_STRINGS) && v->type == MM_JSON_ARRAY && v->len) {
    for (size_t i = 0; i < v->len; i++)
      if (v->items[i]->type != MM_JSON_STRING || !v->items[i]->len) return false;
    return true;
  }
  if ((form & F_SCALAR) && (v->type == MM_JSON_NUMBER || v->type == MM_JSON_TRUE ||
                            v->type == MM_JSON_FALSE))
    return true;
  if ((form & F_BOOL) && (v->type == MM_JSON_TRUE || v->type == MM_JSON_FALSE)) return true;
  if ((form & F_TRIBOOL) && (v->type == MM_JSON_TRUE || v->type == MM_JSON_FALSE ||
                             (v->type == MM_JSON_STRING && !strcmp(v->str, "unknown"))))
    return true;
  return false;
}
