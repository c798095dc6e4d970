/* test_vignettes.c: the clinical case suite. Every file NNN-name.json of
 * tests/vignettes is one patient record with the answers a myeloma
 * specialist expects and the published source of each answer (format:
 * tests/vignettes/README.md).
 * Each vignette is one cmocka test: the record is evaluated through the
 * public API only (mmpath.h) and every expectation is checked; a failure
 * prints the vignette, the expectation, what mmpath answered and the
 * expectation's source. tests/vignettes/pending/ holds vignettes of answers
 * known to be wrong today: they must keep failing until the behaviour is
 * fixed (a pending vignette that passes fails the suite, so it gets moved).
 * The vignette files are read with mmpath's strict JSON reader (src/json)
 * and the ids they name are looked up in the loaded knowledge base's tables
 * (kb/kb.h), so that a misspelt id fails; the records themselves are
 * evaluated and checked through mmpath.h only. */
#include <dirent.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "json/json.h"
#include "kb/kb.h"
#include "mmpath.h"

/* ## The subject of an expectation */

enum {
  S_OPTION = 1,     /* a guideline regimen or approved therapy */
  S_TRIAL = 2,      /* a trial */
  S_CRITERION = 4,  /* a criterion of an option or trial */
  S_SUPPORTIVE = 8, /* a supportive-care item */
  S_FACT = 16       /* a derived fact or score */
};

typedef struct subject {
  unsigned kind;
  const mmpath_evaluation *ev;
  const mmpath_option *option; /* the option or trial (also a criterion's) */
  const mmpath_criterion *criterion;
  const mmpath_supportive *supportive;
  size_t fact;
  bool present; /* found in the evaluation */
} subject;

/* A growing message; truncation is fine for a diagnostic. */
typedef struct text {
  char buf[2048];
  size_t len;
} text;

static void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(text *t, const char *fmt, ...) {
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

/* ## Checks: one per expectation key, each a few lines
 *
 * A check returns true when the evaluation agrees with `want`, else false
 * with what it found in `found`. `want` has already been checked against
 * the check's form (check.form), so a check only compares. To add a kind of
 * expectation: write its function, add a row to CHECKS, document it in
 * tests/vignettes/README.md. */

typedef bool (*check_fn)(const subject *s, const mm_json *want, text *found);

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

/* The forms a wanted value may take. */
enum {
  F_VERDICT = 1,  /* "met" | "not_met" | "unknown" */
  F_STRING = 2,   /* a non-empty string */
  F_STRINGS = 4,  /* a string or a non-empty array of strings */
  F_SCALAR = 8,   /* a number, string, true or false ("unknown": no value) */
  F_TRIBOOL = 16, /* true | false | "unknown" */
  F_NULL = 32,    /* null allowed */
  F_BOOL = 64     /* true | false */
};

static const struct check {
  const char *key;
  unsigned subjects; /* the S_* kinds it applies to */
  unsigned form;     /* the F_* forms of its value */
  bool absent_ok;    /* decides on its own when the subject is absent */
  check_fn run;
} CHECKS[] = {
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
#define N_CHECKS (sizeof CHECKS / sizeof CHECKS[0])

static bool form_ok(unsigned form, const mm_json *v) {
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

/* The keys that name the subject; "score" is a fact (the scores are facts). */
static const struct {
  const char *key;
  unsigned kind;
} SUBJECTS[] = {{"option", S_OPTION}, {"trial", S_TRIAL}, {"supportive", S_SUPPORTIVE},
                {"fact", S_FACT},     {"score", S_FACT}};
#define N_SUBJECTS (sizeof SUBJECTS / sizeof SUBJECTS[0])

/* ## Reading a vignette */

typedef struct suite {
  mmpath_kb *kb;
  size_t pending, pending_failing; /* pending vignettes run, and still failing */
} suite;

typedef struct vcase {
  suite *suite;
  char path[1024];
  char name[300]; /* file name without .json; pending ones as pending/NAME */
  bool pending;
} vcase;

/* A source a clinician can open: not a file of this repository or of the
 * machine it was written on, and an address (URL, DOI, PMID or registry
 * number). */
static const char *source_problem(const mm_json *src) {
  if (!src || src->type != MM_JSON_STRING || src->len == 0) return "no source";
  static const char *local[] = {"shared/", "kb/", "docs/", "src/", "tests/", "/work/", "demo/"};
  for (size_t i = 0; i < sizeof local / sizeof local[0]; i++)
    for (const char *p = strstr(src->str, local[i]); p; p = strstr(p + 1, local[i]))
      if (p == src->str || strchr(" (\"'`,;", p[-1]))
        return "a file inside the project is not a source a clinician can open";
  if (!strstr(src->str, "http://") && !strstr(src->str, "https://") && !strstr(src->str, "doi") &&
      !strstr(src->str, "DOI") && !strstr(src->str, "PMID") && !strstr(src->str, "NCT0"))
    return "no address: give a URL, a DOI, a PMID or an NCT number";
  return NULL;
}

/* Whether the knowledge base has an option, trial or supportive-care item
 * of that id: a misspelt id must fail, not pass a "not_verdict" or a
 * "not_met" of an item that is simply never listed. */
static bool known_id(const mmpath_kb *kb, unsigned kind, const char *id) {
  if (kind == S_FACT) return true; /* an absent fact fails every check */
  if (kind == S_SUPPORTIVE) {
    for (size_t i = 0; i < kb->n_supportive; i++)
      if (strcmp(kb->supportive[i].id, id) == 0) return true;
    return false;
  }
  for (size_t i = 0; i < kb->n_options; i++)
    if (strcmp(kb->options[i].id, id) == 0 &&
        (kb->options[i].kind == MM_OPT_TRIAL) == (kind == S_TRIAL))
      return true;
  return false;
}

/* The compact JSON of an expectation without its source and note. */
static void print_json(text *t, const mm_json *v, bool top) {
  switch (v->type) {
  case MM_JSON_NULL: put(t, "null"); break;
  case MM_JSON_TRUE: put(t, "true"); break;
  case MM_JSON_FALSE: put(t, "false"); break;
  case MM_JSON_NUMBER: put(t, "%g", v->number); break;
  case MM_JSON_STRING: put(t, "\"%s\"", v->str); break;
  case MM_JSON_ARRAY:
    put(t, "[");
    for (size_t i = 0; i < v->len; i++) {
      if (i) put(t, ",");
      print_json(t, v->items[i], false);
    }
    put(t, "]");
    break;
  case MM_JSON_OBJECT: {
    put(t, "{");
    bool first = true;
    for (size_t i = 0; i < v->len; i++) {
      const char *k = v->members[i].key;
      if (top && (!strcmp(k, "source") || !strcmp(k, "note"))) continue;
      put(t, "%s\"%s\":", first ? "" : ",", k);
      print_json(t, v->members[i].value, false);
      first = false;
    }
    put(t, "}");
    break;
  }
  }
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  if (buf) buf[n] = '\0', *len = (size_t)n;
  return buf;
}

/* The record's own text inside the vignette, so the library reads exactly
 * what was written and problem positions can be given in the file. */
static size_t offset_of(const char *s, size_t len, int line, int col) {
  size_t off = 0;
  for (int l = 1; off < len && l < line; off++)
    if (s[off] == '\n') l++;
  return off + (size_t)(col - 1);
}

static size_t end_of_value(const char *s, size_t len, size_t start) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = start; i < len; i++) {
    char c = s[i];
    if (in_string) {
      if (c == '\\') i++;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      depth++;
    } else if ((c == '}' || c == ']') && --depth == 0) {
      return i + 1;
    }
  }
  return len;
}

static const char *const TOP_KEYS[] = {"id",   "title",  "summary", "record",
                                       "jurisdiction", "expect", "issue", "notes"};

/* Checks the vignette's form; returns the number of problems (printed). */
static int check_form(const vcase *vc, const mm_json *root) {
  int bad = 0;
#define PROBLEM(...) (fprintf(stderr, "%s: ", vc->path), fprintf(stderr, __VA_ARGS__), \
                      fputc('\n', stderr), bad++)
  if (root->type != MM_JSON_OBJECT) {
    PROBLEM("a vignette is a JSON object");
    return bad;
  }
  for (size_t i = 0; i < root->len; i++) {
    bool known = false;
    for (size_t k = 0; k < sizeof TOP_KEYS / sizeof TOP_KEYS[0]; k++)
      known |= strcmp(root->members[i].key, TOP_KEYS[k]) == 0;
    if (!known) PROBLEM("unknown key \"%s\"", root->members[i].key);
  }
  const char *stem = strrchr(vc->name, '/') ? strrchr(vc->name, '/') + 1 : vc->name;
  const mm_json *id = mm_json_get(root, "id");
  if (!id || id->type != MM_JSON_STRING || strcmp(id->str, stem) != 0)
    PROBLEM("\"id\" must be the file name without .json (\"%s\")", stem);
  const char *strings[] = {"title", "summary"};
  for (size_t i = 0; i < 2; i++) {
    const mm_json *v = mm_json_get(root, strings[i]);
    if (!v || v->type != MM_JSON_STRING || !v->len) PROBLEM("\"%s\": a non-empty string", strings[i]);
  }
  const mm_json *j = mm_json_get(root, "jurisdiction");
  if (!j || j->type != MM_JSON_STRING ||
      (strcmp(j->str, "eu") && strcmp(j->str, "us") && strcmp(j->str, "it")))
    PROBLEM("\"jurisdiction\": \"eu\", \"us\" or \"it\"");
  const mm_json *rec = mm_json_get(root, "record");
  if (!rec || rec->type != MM_JSON_OBJECT) PROBLEM("\"record\": a patient record (object)");
  const mm_json *issue = mm_json_get(root, "issue");
  if (vc->pending && (!issue || issue->type != MM_JSON_STRING || !issue->len))
    PROBLEM("a pending vignette names the \"issue\" that will fix it");
  const mm_json *ex = mm_json_get(root, "expect");
  if (!ex || ex->type != MM_JSON_ARRAY || ex->len == 0) {
    PROBLEM("\"expect\": a non-empty array");
    return bad;
  }
  for (size_t e = 0; e < ex->len; e++) {
    const mm_json *x = ex->items[e];
    if (x->type != MM_JSON_OBJECT) {
      PROBLEM("expect[%zu]: an object", e);
      continue;
    }
    unsigned kind = 0, subjects = 0, checks = 0;
    for (size_t i = 0; i < x->len; i++) {
      const char *k = x->members[i].key;
      const mm_json *v = x->members[i].value;
      bool known = false;
      for (size_t s = 0; s < N_SUBJECTS; s++)
        if (strcmp(k, SUBJECTS[s].key) == 0) {
          known = true, kind = SUBJECTS[s].kind, subjects++;
          if (v->type != MM_JSON_STRING || !v->len) PROBLEM("expect[%zu].%s: an id", e, k);
          else if (!known_id(vc->suite->kb, kind, v->str))
            PROBLEM("expect[%zu].%s: no %s \"%s\" in the knowledge base", e, k, k, v->str);
        }
      for (size_t c = 0; c < N_CHECKS; c++)
        if (strcmp(k, CHECKS[c].key) == 0) {
          known = true, checks++;
          if (!form_ok(CHECKS[c].form, v)) PROBLEM("expect[%zu].%s: a value of the wrong form", e, k);
        }
      if (!strcmp(k, "criterion") || !strcmp(k, "source") || !strcmp(k, "note")) known = true;
      if (!known) PROBLEM("expect[%zu]: unknown key \"%s\"", e, k);
    }
    const mm_json *crit = mm_json_get(x, "criterion");
    if (subjects != 1) PROBLEM("expect[%zu]: exactly one of option, trial, supportive, fact, score", e);
    if (crit) {
      if (!(kind & (S_OPTION | S_TRIAL))) PROBLEM("expect[%zu]: a criterion belongs to an option or trial", e);
      if (crit->type != MM_JSON_STRING || !crit->len) PROBLEM("expect[%zu].criterion: an id", e);
      kind = S_CRITERION;
    }
    if (!checks) PROBLEM("expect[%zu]: nothing to check", e);
    const mm_json *before = mm_json_get(x, "rank_before");
    if (before && before->type == MM_JSON_STRING && !known_id(vc->suite->kb, S_OPTION, before->str))
      PROBLEM("expect[%zu].rank_before: no option \"%s\" in the knowledge base", e, before->str);
    for (size_t c = 0; c < N_CHECKS; c++)
      if (mm_json_get(x, CHECKS[c].key) && !(CHECKS[c].subjects & kind))
        PROBLEM("expect[%zu]: \"%s\" does not apply to this subject", e, CHECKS[c].key);
    const char *why = source_problem(mm_json_get(x, "source"));
    if (why) PROBLEM("expect[%zu].source: %s", e, why);
  }
#undef PROBLEM
  return bad;
}

/* Finds the subject of expectation x in ev; *s->present says if found. */
static void find_subject(subject *s, const mmpath_evaluation *ev, const mm_json *x, text *found) {
  *s = (subject){.ev = ev};
  const char *id = NULL;
  for (size_t i = 0; i < N_SUBJECTS; i++)
    if (mm_json_get(x, SUBJECTS[i].key)) s->kind = SUBJECTS[i].kind, id = mm_json_get(x, SUBJECTS[i].key)->str;
  if (s->kind == S_FACT) {
    s->present = mmpath_evaluation_fact_find(&s->fact, ev, id) == 0;
    if (!s->present) put(found, "no fact %s in the evaluation", id);
    return;
  }
  if (s->kind == S_SUPPORTIVE) {
    for (size_t i = 0; i < mmpath_evaluation_supportive_count(ev) && !s->present; i++)
      if (strcmp(mmpath_supportive_id(mmpath_evaluation_supportive(ev, i)), id) == 0)
        s->supportive = mmpath_evaluation_supportive(ev, i), s->present = true;
    if (!s->present) put(found, "not listed (not indicated): ");
    s->present = true;
    return;
  }
  const mmpath_option *o = mmpath_evaluation_find(ev, id);
  if (o && (mmpath_option_kind(o) == MMPATH_KIND_TRIAL) != (s->kind == S_TRIAL)) o = NULL;
  s->option = o;
  if (!o) {
    put(found, "no %s %s in the evaluation", s->kind == S_TRIAL ? "trial" : "option", id);
    return;
  }
  const mm_json *crit = mm_json_get(x, "criterion");
  if (!crit) {
    s->present = true;
    return;
  }
  s->kind = S_CRITERION;
  for (size_t i = 0; i < mmpath_option_criterion_count(o) && !s->present; i++)
    if (strcmp(mmpath_criterion_id(mmpath_option_criterion(o, i)), crit->str) == 0)
      s->criterion = mmpath_option_criterion(o, i), s->present = true;
  if (!s->present) put(found, "no criterion %s in %s", crit->str, id);
}

/* Checks one expectation; prints it when it fails (briefly for a pending
 * vignette). Returns true when it holds. */
static bool run_expectation(const vcase *vc, const mmpath_evaluation *ev, const mm_json *x,
                            size_t e) {
  text found = {0};
  subject s;
  find_subject(&s, ev, x, &found);
  bool ok = true;
  for (size_t c = 0; c < N_CHECKS && ok; c++) {
    const mm_json *want = mm_json_get(x, CHECKS[c].key);
    if (!want) continue;
    if (!s.present && !CHECKS[c].absent_ok) {
      ok = false;
      break;
    }
    if (found.len) put(&found, "; ");
    ok = CHECKS[c].run(&s, want, &found);
  }
  if (ok) return true;
  text expected = {0};
  print_json(&expected, x, true);
  fprintf(stderr, "%s %s expect[%zu]\n  expected: %s\n  found:    %s\n", vc->pending ? "pending" : "FAIL",
          vc->name, e, expected.buf, found.buf);
  if (!vc->pending) fprintf(stderr, "  source:   %s\n", mm_json_get(x, "source")->str);
  return false;
}

/* Evaluates one vignette. Returns the number of failing expectations, or
 * -1 when the vignette itself is wrong (form, or an invalid record). */
static int run_vignette(const vcase *vc, size_t *total) {
  size_t len = 0;
  char *textbuf = slurp(vc->path, &len);
  if (!textbuf) {
    fprintf(stderr, "%s: cannot read\n", vc->path);
    return -1;
  }
  mm_arena arena;
  mm_arena_init(&arena, 0);
  mm_json_error err = {0};
  const mm_json *root = mm_json_parse(&arena, textbuf, len, &err);
  int failing = -1;
  if (!root) {
    fprintf(stderr, "%s:%d:%d: %s\n", vc->path, err.line, err.col, err.text);
    goto done;
  }
  if (check_form(vc, root)) goto done;
  const mm_json *rec = mm_json_get(root, "record");
  size_t start = offset_of(textbuf, len, rec->line, rec->col);
  size_t end = end_of_value(textbuf, len, start);
  mmpath_options opts = MMPATH_OPTIONS_INIT;
  const char *juris = mm_json_get(root, "jurisdiction")->str;
  opts.jurisdiction = !strcmp(juris, "us")   ? MMPATH_JURISDICTION_US
                      : !strcmp(juris, "it") ? MMPATH_JURISDICTION_IT
                                             : MMPATH_JURISDICTION_EU;
  mmpath_evaluation *ev = NULL;
  mmpath_problems *problems = NULL;
  int rc = mmpath_evaluation_new(&ev, &problems, vc->suite->kb, textbuf + start, end - start, &opts);
  if (rc != MMPATH_OK) {
    fprintf(stderr, rc == MMPATH_EINVALID ? "%s: the record is invalid:\n" : "%s: evaluation failed (%d)\n",
            vc->path, rc);
    for (size_t i = 0; i < mmpath_problems_count(problems); i++) {
      const mmpath_problem *p = mmpath_problems_get(problems, i);
      int line = mmpath_problem_line(p), col = mmpath_problem_column(p);
      if (line == 1) col += rec->col - 1;
      if (line > 0) line += rec->line - 1;
      fprintf(stderr, "  %s:%d:%d: record.%s: %s\n", vc->path, line, col, mmpath_problem_path(p),
              mmpath_problem_message(p));
    }
    mmpath_problems_free(problems);
    goto done;
  }
  const mm_json *ex = mm_json_get(root, "expect");
  failing = 0;
  for (size_t e = 0; e < ex->len; e++)
    if (!run_expectation(vc, ev, ex->items[e], e)) failing++;
  *total = ex->len;
  mmpath_evaluation_free(ev);
done:
  mm_arena_free(&arena);
  free(textbuf);
  return failing;
}

static void vignette(void **state) {
  const vcase *vc = *state;
  size_t total = 0;
  int failing = run_vignette(vc, &total);
  if (failing < 0) fail_msg("%s: the vignette is not valid (see above)", vc->name);
  if (failing > 0)
    fail_msg("%s: %d of %zu expectations fail (see above)", vc->name, failing, total);
}

/* A pending vignette: an answer known to be wrong today. */
static void pending_vignette(void **state) {
  vcase *vc = *state;
  size_t total = 0;
  int failing = run_vignette(vc, &total);
  if (failing < 0) fail_msg("%s: the vignette is not valid (see above)", vc->name);
  vc->suite->pending++;
  if (failing == 0)
    fail_msg("%s passes now: move it out of pending/ (git mv %s tests/vignettes/)", vc->name, vc->path);
  vc->suite->pending_failing++;
  fprintf(stderr, "%s: %d of %zu expectations still fail (expected until the behaviour is fixed)\n",
          vc->name, failing, total);
}

/* The source rule itself, on sources that must be refused or accepted. */
static void source_rule(void **state) {
  (void)state;
  static const struct {
    const char *source;
    bool ok;
  } cases[] = {
      {"", false},
      {"shared/clinical/therapy.md section 4.1", false},
      {"Seed deck shared/seed/000.txt, slide 3", false},
      {"as recorded in (shared/clinical/scores.md)", false},
      {"kb/therapies/cilta-cel.yaml", false},
      {"EMA, Carvykti SmPC section 4.1", false}, /* no address */
      {"EMA, Carvykti SmPC 4.1, https://www.ema.europa.eu/en/medicines/human/EPAR/carvykti", true},
      {"Greipp PR et al. J Clin Oncol 2005;23:3412, doi:10.1200/JCO.2005.04.242", true},
      {"Palumbo A et al. Blood 2015;125:2068, PMID 25628469", true},
      {"ClinicalTrials.gov NCT05083169 eligibility criteria", true},
      {"https://accessdata.fda.gov/drugsatfda_docs/label/2025/761440s000lbl.pdf", true},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    mm_json v = {.type = MM_JSON_STRING, .str = cases[i].source, .len = strlen(cases[i].source)};
    if ((source_problem(&v) == NULL) != cases[i].ok)
      fail_msg("source \"%s\" should be %s", cases[i].source, cases[i].ok ? "accepted" : "refused");
  }
}

static void pending_summary(void **state) {
  const suite *su = *state;
  fprintf(stderr, "pending: %zu failing of %zu\n", su->pending_failing, su->pending);
}

/* The vignettes of dir, sorted by name, appended to cases. */
static size_t list_dir(vcase **cases, size_t n, suite *su, const char *dir, bool pending) {
  DIR *d = opendir(dir);
  if (!d) return n;
  struct dirent *de;
  while ((de = readdir(d))) {
    size_t l = strlen(de->d_name);
    if (l < 6 || strcmp(de->d_name + l - 5, ".json") != 0) continue;
    vcase *grown = realloc(*cases, (n + 1) * sizeof **cases);
    if (!grown) break;
    *cases = grown;
    vcase *vc = &(*cases)[n++];
    *vc = (vcase){.suite = su, .pending = pending};
    snprintf(vc->path, sizeof vc->path, "%s/%s", dir, de->d_name);
    snprintf(vc->name, sizeof vc->name, "%s%.*s", pending ? "pending/" : "", (int)(l - 5), de->d_name);
  }
  closedir(d);
  return n;
}

static int by_name(const void *a, const void *b) {
  return strcmp(((const vcase *)a)->name, ((const vcase *)b)->name);
}

int main(void) {
  const char *dir = getenv("MMPATH_VIGNETTES");
  if (!dir) dir = MMPATH_SOURCE_DIR "/tests/vignettes";
  suite su = {0};
  char *errors = NULL;
  if (mmpath_kb_open(&su.kb, test_kb_dir(), &errors) != MMPATH_OK) {
    fprintf(stderr, "knowledge base %s:\n%s", test_kb_dir(), errors ? errors : "");
    free(errors);
    return 1;
  }
  vcase *cases = NULL;
  char pending_dir[1100];
  snprintf(pending_dir, sizeof pending_dir, "%s/pending", dir);
  size_t active = list_dir(&cases, 0, &su, dir, false);
  size_t n = list_dir(&cases, active, &su, pending_dir, true);
  if (active == 0) {
    fprintf(stderr, "no vignettes in %s\n", dir);
    mmpath_kb_free(su.kb);
    free(cases);
    return 1;
  }
  qsort(cases, n, sizeof *cases, by_name);
  struct CMUnitTest *tests = calloc(n + 2, sizeof *tests);
  if (!tests) return 1;
  for (size_t i = 0; i < n; i++)
    tests[i] = (struct CMUnitTest){cases[i].name, cases[i].pending ? pending_vignette : vignette,
                                   NULL, NULL, &cases[i]};
  tests[n] = (struct CMUnitTest){"pending summary", pending_summary, NULL, NULL, &su};
  tests[n + 1] = (struct CMUnitTest){"source rule", source_rule, NULL, NULL, NULL};
  int rc = _cmocka_run_group_tests("vignettes", tests, n + 2, NULL, NULL);
  free(tests);
  free(cases);
  mmpath_kb_free(su.kb);
  return rc;
}
