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
 * evaluated and checked through mmpath.h only.
 * This file reads the vignettes, checks their form and finds the subject of
 * each expectation; the checks themselves, one per expectation key, are in
 * vignette_checks.c. */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "json/json.h"
#include "kb/kb.h"
#include "mmpath.h"
#include "vignette_checks.h"

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
