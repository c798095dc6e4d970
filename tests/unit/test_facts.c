/* test_facts.c: derived facts from records written for the purpose.
 * Definitions checked: IMWG refractoriness (progression on or within 60 days
 * of the last dose, or SD/PD as best response; Rajkumar, Blood 2011;
 * kb/definitions.yaml `refractoriness`) and its progression arm alone
 * (progressed_on), IMWG line of therapy (Rajkumar,
 * Blood 2015), the deck's transplant eligibility (kb/definitions.yaml
 * `transplant_eligibility`), and shared/spec/patient-record.md. */
#include <stdio.h>
#include <string.h>

#include "facts/facts.h"
#include "helpers.h"
#include "kb/fact_names.h"
#include "patient/patient.h"

static mm_kb *kb;

static int setup(void **state) {
  (void)state;
  return test_kb_load(&kb);
}

static int teardown(void **state) {
  (void)state;
  mm_kb_free(kb);
  return 0;
}

typedef struct run {
  mm_arena arena;
  mm_diags diags;
  mm_patient *p;
  mm_facts *f;
  int rc;
} run;

static void derive(run *r, const char *json) {
  mm_arena_init(&r->arena, 0);
  mm_diags_init(&r->diags, &r->arena);
  r->f = NULL;
  r->rc = mm_patient_read(&r->p, &r->arena, kb, json, strlen(json), "test", &r->diags);
  if (r->rc == 0) r->rc = mm_facts_derive(&r->f, &r->arena, kb, r->p, true, &r->diags);
  if (r->rc != 0)
    for (const mm_diag *x = r->diags.head; x; x = x->next)
      fprintf(stderr, "  %s: %s\n", x->path ? x->path : "", x->text);
}

static void done(run *r) { mm_arena_free(&r->arena); }

static mm_value fact(run *r, const char *name) {
  int slot = mm_kb_fact_slot(kb, name);
  if (slot < 0) fail_msg("no fact named %s", name);
  return r->f->values[slot];
}

static const mm_fact_info *info(run *r, const char *name) {
  return &r->f->info[mm_kb_fact_slot(kb, name)];
}

#define assert_true_fact(r, n) do { mm_value v_ = fact(r, n); assert_true(v_.known); assert_true(v_.b); } while (0)
#define assert_false_fact(r, n) do { mm_value v_ = fact(r, n); assert_true(v_.known); assert_false(v_.b); } while (0)
#define assert_unknown_fact(r, n) assert_false(fact(r, n).known)

static bool has_missing(run *r, const char *name, const char *input) {
  const mm_fact_info *i = info(r, name);
  for (size_t k = 0; k < i->n_missing; k++)
    if (strcmp(i->missing[k], input) == 0) return true;
  return false;
}

/* The error list holds one at `path` whose text contains `text`. */
static void assert_error(run *r, const char *path, const char *text) {
  assert_int_not_equal(r->rc, 0);
  for (const mm_diag *x = r->diags.head; x; x = x->next)
    if (x->path && strcmp(x->path, path) == 0 && strstr(x->text, text)) return;
  fail_msg("no error at %s containing '%s'", path, text);
}

/* A one-line lenalidomide-dexamethasone record with the given end and
 * progression. Best response PR, so only the 60-day rule can make it
 * refractory. */
static void len_line(run *r, const char *end, const char *progression) {
  char json[1024];
  snprintf(json, sizeof json,
           "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"lines\":[{\"regimen\":\"Rd\","
           "\"start\":\"2023-01-10\",\"end\":\"%s\",\"best_response\":\"PR\","
           "\"progression\":\"%s\"}]}", end, progression);
  derive(r, json);
  assert_int_equal(r->rc, 0);
}

/* IMWG: progression within 60 days of the last dose is refractory. */
static void test_facts__progression_60_days_after_last_dose_is_refractory(void **s) {
  (void)s;
  run r;
  len_line(&r, "2024-01-01", "2024-03-01"); /* 2024 is a leap year: Jan 31 + Feb 29 = 60 days */
  assert_true_fact(&r, "lenalidomide_refractory");
  assert_true_fact(&r, "imid_refractory");
  assert_true_fact(&r, "progression_on_last");
  assert_non_null(strstr(info(&r, "lenalidomide_refractory")->because, "within 60 days"));
  /* Italian first: the same reason for the Italian page. */
  assert_non_null(strstr(info(&r, "lenalidomide_refractory")->because_it, "entro 60 giorni"));
  done(&r);
}

static void test_facts__progression_61_days_after_last_dose_is_not_refractory(void **s) {
  (void)s;
  run r;
  len_line(&r, "2024-01-01", "2024-03-02");
  assert_false_fact(&r, "lenalidomide_refractory");
  assert_true_fact(&r, "lenalidomide_exposed");
  assert_false_fact(&r, "progression_on_last");
  assert_true_fact(&r, "progression_on_or_after_last");
  done(&r);
}

/* VRd induction then lenalidomide maintenance; progression at the end of
 * maintenance: refractory to lenalidomide, not to bortezomib (its last dose
 * was the end of induction, two years earlier). */
static void test_facts__progression_during_maintenance_only(void **s) {
  (void)s;
  run r;
  derive(&r, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"lines\":[{\"regimen\":\"VRd\","
             "\"start\":\"2019-07-01\",\"end\":\"2019-11-15\",\"asct\":\"2019-12-10\","
             "\"maintenance\":{\"drugs\":[\"lenalidomide\"],\"start\":\"2020-02-01\",\"end\":\"2022-03-01\"},"
             "\"best_response\":\"VGPR\",\"progression\":\"2022-03-01\"}]}");
  assert_int_equal(r.rc, 0);
  assert_true_fact(&r, "lenalidomide_refractory");
  assert_true_fact(&r, "bortezomib_exposed");
  assert_false_fact(&r, "bortezomib_refractory");
  assert_false_fact(&r, "pi_refractory");
  assert_int_equal((int)fact(&r, "prior_lines").num, 1); /* induction+ASCT+maintenance = 1 line */
  assert_string_equal(fact(&r, "setting").str, "first_relapse");
  done(&r);
}

/* Maintenance still running at progression: refractory (on the drug). */
static void test_facts__progression_on_running_maintenance(void **s) {
  (void)s;
  run r;
  derive(&r, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"lines\":[{\"regimen\":\"VRd\","
             "\"start\":\"2019-07-01\",\"end\":\"2019-11-15\","
             "\"maintenance\":{\"drugs\":[\"Revlimid\"],\"start\":\"2020-02-01\"},"
             "\"best_response\":\"CR\",\"progression\":\"2025-03-01\"}]}");
  assert_int_equal(r.rc, 0);
  assert_true_fact(&r, "lenalidomide_refractory");
  assert_false_fact(&r, "bortezomib_refractory");
  done(&r);
}

/* Bortezomib stopped early for neuropathy inside a VRd line: its own end
 * date is its last dose. */
static void test_facts__drug_stopped_early_inside_a_line(void **s) {
  (void)s;
  run r;
  derive(&r, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"lines\":[{\"drugs\":["
             "{\"name\":\"bortezomib\",\"start\":\"2022-01-10\",\"end\":\"2022-04-01\"},"
             "\"lenalidomide\",\"dexamethasone\"],"
             "\"start\":\"2022-01-10\",\"end\":\"2023-06-01\",\"best_response\":\"VGPR\","
             "\"progression\":\"2023-06-20\"}]}");
  assert_int_equal(r.rc, 0);
  assert_true_fact(&r, "lenalidomide_refractory");
  assert_true_fact(&r, "bortezomib_exposed");
  assert_false_fact(&r, "bortezomib_refractory");
  assert_int_equal((int)fact(&r, "prior_lines").num, 1); /* dropping a drug is not a new line */
  done(&r);
}

/* Pomalidomide in two lines: exposed once; refractory because of the second. */
static void test_facts__drug_given_in_two_lines(void **s) {
  (void)s;
  run r;
  derive(&r, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"lines\":["
             "{\"regimen\":\"Pd\",\"start\":\"2020-01-01\",\"end\":\"2020-12-01\",\"best_response\":\"PR\",\"progression\":\"2021-06-01\"},"
             "{\"regimen\":\"PVd\",\"start\":\"2021-07-01\",\"best_response\":\"PR\",\"progression\":\"2022-05-01\"}]}");
  assert_int_equal(r.rc, 0);
  assert_true_fact(&r, "pomalidomide_exposed");
  assert_true_fact(&r, "pomalidomide_refractory");
  assert_non_null(strstr(info(&r, "pomalidomide_refractory")->because, "lines[1]"));
  assert_int_equal((int)fact(&r, "imid_exposed_count").num, 1);
  assert_int_equal((int)fact(&r, "prior_lines").num, 2);
  assert_string_equal(fact(&r, "setting").str, "second_relapse_or_later");
  done(&r);
}

/* Lenalidomide rechallenged in the running last line after progressing on it
 * in the first: refractory (lines[0]) and current (lines[1]); the first
 * line's refractoriness must not hide the rechallenge. */
static void test_facts__rechallenge_after_refractory_is_current(void **s) {
  (void)s;
  run r;
  derive(&r, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"lines\":["
             "{\"regimen\":\"Rd\",\"start\":\"2020-01-01\",\"end\":\"2020-06-01\",\"best_response\":\"PR\",\"progression\":\"2020-06-20\"},"
             "{\"regimen\":\"Rd\",\"start\":\"2021-01-01\",\"best_response\":\"PR\"}]}");
  assert_int_equal(r.rc, 0);
  assert_true_fact(&r, "lenalidomide_refractory");
  assert_non_null(strstr(info(&r, "lenalidomide_refractory")->because, "lines[0]"));
  assert_true_fact(&r, "on_treatment");
  assert_true_fact(&r, "lenalidomide_current");
  assert_true_fact(&r, "imid_current");
  done(&r);
}

/* Best response SD on a line: non-response, refractory (IMWG). */
static void test_facts__stable_disease_is_non_response(void **s) {
  (void)s;
  run r;
  derive(&r, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"lines\":[{\"regimen\":\"Kd\","
             "\"start\":\"2021-01-01\",\"end\":\"2021-06-01\",\"best_response\":\"SD\","
             "\"progression\":\"2022-06-01\"}]}");
  assert_int_equal(r.rc, 0);
  assert_true_fact(&r, "carfilzomib_refractory");
  assert_non_null(strstr(info(&r, "carfilzomib_refractory")->because, "SD"));
  done(&r);
}

/* A line that ended without a progression or a stop reason: whether it
 * ended in progression is unknown, and so is refractoriness. */
static void test_facts__ended_line_without_outcome_is_unknown(void **s) {
  (void)s;
  run r;
  derive(&r, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"lines\":[{\"regimen\":\"VRd\","
             "\"start\":\"2021-01-01\",\"end\":\"2021-06-01\",\"best_response\":\"VGPR\"}]}");
  assert_int_equal(r.rc, 0);
  assert_unknown_fact(&r, "lenalidomide_refractory");
  assert_true(has_missing(&r, "lenalidomide_refractory", "lines[0].progression"));
  assert_unknown_fact(&r, "progression_on_last");
  assert_unknown_fact(&r, "setting");
  assert_true_fact(&r, "lenalidomide_exposed");
  done(&r);
}

/* progressed_on(x) is the first arm of IMWG refractoriness alone
 * (kb/definitions.yaml `refractoriness`, 60 days; shared/bench/TASK.md's
 * len_refractory): progression on the drug or within the window after its
 * last dose, or a line stopped for progression while on it. */

/* The same 60-day boundary as refractory: Jan 1 + 60 days = Mar 1 in 2024. */
static void test_facts__progressed_on_60_days_after_last_dose(void **s) {
  (void)s;
  run r;
  len_line(&r, "2024-01-01", "2024-03-01");
  assert_true_fact(&r, "lenalidomide_progressed_on");
  assert_true_fact(&r, "imid_progressed_on");
  assert_non_null(strstr(info(&r, "lenalidomide_progressed_on")->because, "within 60 days"));
  assert_non_null(strstr(info(&r, "lenalidomide_progressed_on")->because_it, "entro 60 giorni"));
  assert_int_equal((int)info(&r, "lenalidomide_progressed_on")->n_from, 1);
  assert_string_equal(info(&r, "lenalidomide_progressed_on")->from[0], "lines[0].progression");
  assert_non_null(strstr(info(&r, "imid_progressed_on")->because, "lenalidomide: lines[0]"));
  assert_false_fact(&r, "pi_progressed_on"); /* never given: the template's "no" */
  assert_false_fact(&r, "daratumumab_progressed_on");
  done(&r);
}

/* Progression 61 days after the last dose of Rd with stable disease as best
 * response: still refractory (IMWG non-response), but not progressed on it. */
static void test_facts__progressed_on_61_days_with_stable_disease(void **s) {
  (void)s;
  run r;
  derive(&r, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"lines\":[{\"regimen\":\"Rd\","
             "\"start\":\"2023-01-10\",\"end\":\"2024-01-01\",\"best_response\":\"SD\","
             "\"progression\":\"2024-03-02\"}]}");
  assert_int_equal(r.rc, 0);
  assert_true_fact(&r, "lenalidomide_refractory");
  assert_non_null(strstr(info(&r, "lenalidomide_refractory")->because, "SD"));
  assert_false_fact(&r, "lenalidomide_progressed_on");
  assert_non_null(strstr(info(&r, "lenalidomide_progressed_on")->because, "no progression"));
  assert_non_null(strstr(info(&r, "lenalidomide_progressed_on")->because_it, "nessuna progressione"));
  assert_true_fact(&r, "imid_refractory");
  assert_false_fact(&r, "imid_progressed_on");
  done(&r);
  len_line(&r, "2024-01-01", "2024-03-02"); /* PR: neither */
  assert_false_fact(&r, "lenalidomide_progressed_on");
  assert_false_fact(&r, "lenalidomide_refractory");
  done(&r);
}

/* VTd induction, ASCT, lenalidomide maintenance with no end recorded and a
 * progression: progressed on lenalidomide (still being given), not on
 * bortezomib or thalidomide (last dose at the end of induction, years
 * before). */
static void test_facts__progressed_on_maintenance_without_end(void **s) {
  (void)s;
  run r;
  derive(&r, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"lines\":[{\"regimen\":\"VTd\","
             "\"start\":\"2019-07-01\",\"end\":\"2019-11-15\",\"asct\":\"2019-12-10\","
             "\"maintenance\":{\"drugs\":[\"lenalidomide\"],\"start\":\"2020-02-01\"},"
             "\"best_response\":\"VGPR\",\"progression\":\"2023-05-02\"}]}");
  assert_int_equal(r.rc, 0);
  assert_true_fact(&r, "lenalidomide_progressed_on");
  assert_non_null(strstr(info(&r, "lenalidomide_progressed_on")->because, "while on lenalidomide"));
  assert_false_fact(&r, "bortezomib_progressed_on");
  assert_false_fact(&r, "thalidomide_progressed_on");
  assert_false_fact(&r, "pi_progressed_on");
  assert_true_fact(&r, "imid_progressed_on");
  assert_true_fact(&r, "lenalidomide_refractory");
  done(&r);
}

/* A line that ended with neither a progression nor a stop reason: whether
 * it ended in progression is unknown, named as lines[0].progression. With SD
 * as best response it is refractory all the same; progressed_on stays
 * unknown. */
static void test_facts__progressed_on_unknown_when_line_outcome_missing(void **s) {
  (void)s;
  run r;
  derive(&r, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"lines\":[{\"regimen\":\"VRd\","
             "\"start\":\"2021-01-01\",\"end\":\"2021-06-01\",\"best_response\":\"VGPR\"}]}");
  assert_int_equal(r.rc, 0);
  assert_unknown_fact(&r, "lenalidomide_progressed_on");
  assert_true(has_missing(&r, "lenalidomide_progressed_on", "lines[0].progression"));
  assert_unknown_fact(&r, "imid_progressed_on");
  assert_true(has_missing(&r, "imid_progressed_on", "lines[0].progression"));
  assert_false_fact(&r, "daratumumab_progressed_on");
  done(&r);
  derive(&r, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"lines\":[{\"regimen\":\"VRd\","
             "\"start\":\"2021-01-01\",\"end\":\"2021-06-01\",\"best_response\":\"SD\"}]}");
  assert_int_equal(r.rc, 0);
  assert_true_fact(&r, "lenalidomide_refractory");
  assert_unknown_fact(&r, "lenalidomide_progressed_on");
  assert_true(has_missing(&r, "lenalidomide_progressed_on", "lines[0].progression"));
  done(&r);
  /* Stopped for progression, date not recorded: progressed on what was
   * given to the end. */
  derive(&r, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"lines\":[{\"regimen\":\"VRd\","
             "\"start\":\"2021-01-01\",\"end\":\"2021-06-01\",\"best_response\":\"PR\","
             "\"stop_reason\":\"progression\"}]}");
  assert_int_equal(r.rc, 0);
  assert_true_fact(&r, "lenalidomide_progressed_on");
  assert_string_equal(info(&r, "lenalidomide_progressed_on")->from[0], "lines[0].stop_reason");
  done(&r);
}

/* refractory_to is the clinician's word for refractoriness, not for how it
 * arose: a drug declared but given in no recorded line is refractory, and
 * whether it progressed on it is unknown (its doses are not in the record);
 * a drug declared and given without a progression in the window is
 * refractory and not progressed on. */
static void test_facts__progressed_on_and_declared_refractoriness(void **s) {
  (void)s;
  run r;
  derive(&r, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"lines\":[{\"regimen\":\"Rd\","
             "\"start\":\"2021-01-01\",\"end\":\"2021-06-01\",\"best_response\":\"PR\","
             "\"stop_reason\":\"toxicity\",\"refractory_to\":[\"lenalidomide\",\"bortezomib\"]}]}");
  assert_int_equal(r.rc, 0);
  assert_true_fact(&r, "lenalidomide_refractory");
  assert_false_fact(&r, "lenalidomide_progressed_on");
  assert_true_fact(&r, "bortezomib_refractory");
  assert_unknown_fact(&r, "bortezomib_progressed_on");
  assert_true(has_missing(&r, "bortezomib_progressed_on", "lines[0].drugs"));
  assert_unknown_fact(&r, "pi_progressed_on");
  done(&r);
}

/* Screening derives refractoriness only for the drugs its criteria read
 * (mm_facts_derive_for): the facts those rules read are the full
 * derivation's, on a record where the patient is refractory to lenalidomide
 * (progression within 60 days of its last dose, IMWG) and exposed to
 * daratumumab and bortezomib. */
static void test_facts__refractoriness_only_where_read(void **s) {
  (void)s;
  run r;
  derive(&r, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"lines\":["
             "{\"regimen\":\"VRd\",\"start\":\"2021-01-10\",\"end\":\"2021-09-01\","
             "\"best_response\":\"VGPR\"},"
             "{\"regimen\":\"Rd\",\"start\":\"2023-01-10\",\"end\":\"2024-01-01\","
             "\"best_response\":\"PR\",\"progression\":\"2024-02-20\"},"
             "{\"drugs\":[\"daratumumab\",\"dexamethasone\"],\"start\":\"2024-03-01\"}]}");
  assert_int_equal(r.rc, 0);
  mm_rule_names names;
  mm_kb_rule_names(kb, &names);
  static const char *const rules[] = {
      "progressed_on(lenalidomide)", "refractory(IMiD) and exposed(PI)",
      "count_refractory(anti-CD38) = 0 and exposed(anti-CD38)"};
  for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
    mm_rule *rule = NULL;
    assert_int_equal(mm_rule_compile(&rule, &r.arena, rules[i], &names, NULL, &r.diags), 0);
    bool *need = mm_arena_alloc(&r.arena, kb->n_drugs + 1);
    mm_facts_refractory_reads(kb, rule, need);
    mm_facts *lazy = NULL;
    assert_int_equal(mm_facts_derive_for(&lazy, &r.arena, kb, r.p, 0, 0, need, NULL), 0);
    mm_tv want = mm_rule_eval(rule, r.f->values, NULL);
    assert_int_equal(mm_rule_eval(rule, lazy->values, NULL), want);
    if (i == 0) assert_int_equal(want, MM_TRUE); /* 50 days after the last dose */
    const int *slots;
    size_t n = mm_rule_slots(rule, &slots);
    for (size_t k = 0; k < n; k++) {
      mm_value a = r.f->values[slots[k]], b = lazy->values[slots[k]];
      assert_int_equal(a.known, b.known);
      assert_true(a.type != MM_TYPE_NUMBER || a.num == b.num);
      assert_true(a.type != MM_TYPE_BOOL || a.b == b.b);
    }
  }
  done(&r);
}

/* The rule language reads the fact as progressed_on(x), names resolved as
 * for refractory(x): brand names, any case, classes. */
static void test_facts__progressed_on_in_the_rule_language(void **s) {
  (void)s;
  run r;
  derive(&r, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"lines\":[{\"regimen\":\"Rd\","
             "\"start\":\"2023-01-10\",\"end\":\"2024-01-01\",\"best_response\":\"SD\","
             "\"progression\":\"2024-03-02\"}]}");
  assert_int_equal(r.rc, 0);
  mm_rule_names names;
  mm_kb_rule_names(kb, &names);
  static const struct {
    const char *src;
    mm_tv want;
  } cases[] = {
      {"progressed_on(Revlimid)", MM_FALSE},
      {"refractory(Revlimid) and not progressed_on('LENALIDOMIDE')", MM_TRUE},
      {"progressed_on(IMiD) or progressed_on(anti-CD38)", MM_FALSE},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    mm_rule *rule = NULL;
    assert_int_equal(mm_rule_compile(&rule, &r.arena, cases[i].src, &names, NULL, &r.diags), 0);
    if (mm_rule_eval(rule, r.f->values, NULL) != cases[i].want) fail_msg("%s", cases[i].src);
  }
  mm_rule *rule = NULL;
  assert_int_equal(mm_rule_compile(&rule, &r.arena, "progressed_on(Revlimid)", &names, NULL,
                                   &r.diags), 0);
  const int *slots;
  assert_int_equal((int)mm_rule_slots(rule, &slots), 1);
  assert_int_equal(slots[0], mm_kb_fact_slot(kb, "lenalidomide_progressed_on"));
  /* Not a count, and not a comorbidity. */
  assert_int_not_equal(mm_rule_compile(&rule, &r.arena, "count_progressed_on(IMiD) > 0", &names,
                                       NULL, &r.diags), 0);
  assert_int_not_equal(mm_rule_compile(&rule, &r.arena, "progressed_on(heart_failure)", &names,
                                       NULL, &r.diags), 0);
  done(&r);
  len_line(&r, "2024-01-01", "2024-03-01"); /* 60 days, best response PR */
  assert_int_equal(mm_rule_compile(&rule, &r.arena, "progressed_on(revlimid)", &names, NULL,
                                   &r.diags), 0);
  assert_int_equal(mm_rule_eval(rule, r.f->values, NULL), MM_TRUE);
  done(&r);
}

/* Regimen spellings and brand names resolve to the same drugs. */
static void test_facts__regimen_variants_and_brand_names(void **s) {
  (void)s;
  const char *names[] = {"DaraVTD", "Dara-VTd", "D-VTd", "DVTd"};
  for (size_t i = 0; i < 4; i++) {
    char json[512];
    snprintf(json, sizeof json, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"lines\":[{\"regimen\":\"%s\","
             "\"start\":\"2025-01-01\"}]}", names[i]);
    run r;
    derive(&r, json);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.p->lines[0].regimen->id, "Dara-VTd");
    assert_true_fact(&r, "daratumumab_exposed");
    assert_true_fact(&r, "thalidomide_exposed");
    assert_true_fact(&r, "bortezomib_exposed");
    assert_false_fact(&r, "lenalidomide_exposed");
    assert_true_fact(&r, "on_treatment");
    assert_true_fact(&r, "daratumumab_current");
    done(&r);
  }
  const char *vrd[] = {"VRd", "VRD", "RVd", "RVD"};
  for (size_t i = 0; i < 4; i++) {
    char json[512];
    snprintf(json, sizeof json, "{\"id\":\"T\",\"lines\":[{\"regimen\":\"%s\"}]}", vrd[i]);
    run r;
    derive(&r, json);
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.p->lines[0].regimen->id, "VRd");
    done(&r);
  }
  run r;
  derive(&r, "{\"id\":\"T\",\"lines\":[{\"drugs\":[\"Revlimid\",\"Velcade\",\"Darzalex\",\"dexamethasone\"]}]}");
  assert_int_equal(r.rc, 0);
  assert_true_fact(&r, "lenalidomide_exposed");
  assert_true_fact(&r, "triple_class_exposed");
  done(&r);
}

static void test_facts__ambiguous_regimen_lists_candidates(void **s) {
  (void)s;
  run r;
  derive(&r, "{\"id\":\"T\",\"lines\":[{\"regimen\":\"IPd\"}]}");
  assert_error(&r, "lines[0].regimen", "ambiguous");
  assert_error(&r, "lines[0].regimen", "Isa-Pd");
  done(&r);
}

/* Every error kind of the spec, each with its exact path. */
static void test_facts__errors_name_the_field(void **s) {
  (void)s;
  run r;
  derive(&r, "{\"id\":\"T\",\n\"as_of\":\"2024-01-01\",\n\"lines\":[}");
  assert_int_not_equal(r.rc, 0);
  assert_int_equal(r.diags.head->line, 3);
  assert_int_equal(r.diags.head->col, 10); /* the "}" where a value belongs */
  done(&r);

  derive(&r, "{\"id\":17}");
  assert_error(&r, "id", "must be a string");
  done(&r);
  derive(&r, "{\"name\":\"Mario Rossi\"}");
  assert_error(&r, "id", "missing");
  assert_error(&r, "name", "unknown field");
  done(&r);
  derive(&r, "{\"id\":\"T\",\"birth_dtae\":\"1950-01-01\"}");
  assert_error(&r, "birth_dtae", "did you mean 'birth_date'");
  done(&r);
  derive(&r, "{\"id\":\"T\",\"as_of\":\"2023-03-01\",\"lines\":[{\"regimen\":\"VRd\",\"start\":\"2023-02-29\"}]}");
  assert_error(&r, "lines[0].start", "not a valid date");
  done(&r);
  derive(&r, "{\"id\":\"T\",\"as_of\":\"2024-01-01\",\"lines\":[{\"regimen\":\"VRd\",\"start\":\"2023-05-01\",\"end\":\"2023-04-01\"}]}");
  assert_error(&r, "lines[0].end", "before start");
  done(&r);
  derive(&r, "{\"id\":\"T\",\"as_of\":\"2024-01-01\",\"lines\":[{\"regimen\":\"VRd\",\"start\":\"2023-05-01\",\"progression\":\"2023-04-01\"}]}");
  assert_error(&r, "lines[0].progression", "before the line's start");
  done(&r);
  derive(&r, "{\"id\":\"T\",\"as_of\":\"2024-01-01\",\"lines\":[{\"regimen\":\"VRd\",\"start\":\"2023-05-01\"},"
             "{\"regimen\":\"Kd\",\"start\":\"2024-02-01\"}]}");
  assert_error(&r, "lines[1].start", "after as_of");
  done(&r);
  derive(&r, "{\"id\":\"T\",\"lines\":[{\"regimen\":\"VRd\"},{\"drugs\":[\"carfilzomib\",\"dexamethsone\"]}]}");
  assert_error(&r, "lines[1].drugs[1]", "unknown drug");
  assert_error(&r, "lines[1].drugs[1]", "dexamethasone");
  done(&r);
  derive(&r, "{\"id\":\"T\",\"lines\":[{\"regimen\":\"XYZ-q\"}]}");
  assert_error(&r, "lines[0].regimen", "unknown regimen");
  done(&r);
  derive(&r, "{\"id\":\"T\",\"lines\":[{\"regimen\":\"VRd\",\"drugs\":[\"bortezomib\",\"lenalidomide\"]}]}");
  assert_error(&r, "lines[0].drugs", "dexamethasone is missing");
  done(&r);
  derive(&r, "{\"id\":\"T\",\"labs\":[{\"date\":\"2024-01-01\",\"test\":\"igg\",\"value\":350,\"unit\":\"mg\"}]}");
  assert_error(&r, "labs[0].unit", "not accepted");
  done(&r);
  derive(&r, "{\"id\":\"T\",\"labs\":[{\"date\":\"2024-01-01\",\"test\":\"igx\",\"value\":350,\"unit\":\"mg/dL\"}]}");
  assert_error(&r, "labs[0].test", "unknown lab test");
  done(&r);
  derive(&r, "{\"id\":\"T\",\"labs\":[{\"date\":\"2024-01-01\",\"test\":\"igg\",\"value\":-5,\"unit\":\"mg/dL\"}]}");
  assert_error(&r, "labs[0].value", "not a plausible");
  done(&r);
  derive(&r, "{\"id\":\"T\",\"comorbidities\":[\"heart_failur\"]}");
  assert_error(&r, "comorbidities[0]", "unknown comorbidity code");
  done(&r);
  derive(&r, "{\"id\":\"T\",\"ecog\":7}");
  assert_error(&r, "ecog", "out of range");
  done(&r);
  derive(&r, "{\"id\":\"T\",\"lines\":[{\"regimen\":\"Kd\",\"start\":\"2023-05-01\"},{\"regimen\":\"VRd\",\"start\":\"2022-05-01\"}]}");
  assert_error(&r, "lines[1].start", "oldest first");
  done(&r);
  derive(&r, "{\"id\":\"T\",\"lines\":[{\"regimen\":\"Kd\",\"best_response\":\"good\"}]}");
  assert_error(&r, "lines[0].best_response", "not one of");
  done(&r);
  derive(&r, "{\"id\":\"T\",\"id\":\"U\"}");
  assert_int_not_equal(r.rc, 0);
  assert_non_null(strstr(r.diags.head->text, "duplicate key"));
  done(&r);
}

/* IgG written in g/L is converted to mg/dL, the unit of the IVIG rule. */
static void test_facts__lab_units_are_converted(void **s) {
  (void)s;
  run r;
  derive(&r, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"labs\":["
             "{\"date\":\"2026-10-01\",\"test\":\"igg\",\"value\":900,\"unit\":\"mg/dL\"},"
             "{\"date\":\"2026-11-20\",\"test\":\"igg\",\"value\":3.5,\"unit\":\"g/L\"}]}");
  assert_int_equal(r.rc, 0);
  assert_true(fact(&r, "igg").known);
  assert_float_equal(fact(&r, "igg").num, 350.0, 1e-9); /* the latest, converted */
  done(&r);
}

/* A record holding only its id: every fact unknown, none false, except
 * what the record's emptiness itself says: no myeloma diagnosis in it
 * (disease_state, issue #12), hence not "not relapsed" either. */
static void test_facts__only_an_id_gives_unknown_everywhere(void **s) {
  (void)s;
  run r;
  derive(&r, "{\"id\":\"ONLY-ID\"}");
  assert_int_equal(r.rc, 0);
  for (size_t i = 0; i < kb->n_facts; i++) {
    if (strcmp(kb->facts[i].name, "disease_state") == 0 ||
        strcmp(kb->facts[i].name, "not_relapsed") == 0)
      continue;
    if (r.f->values[i].known)
      fail_msg("fact %s is known from a record with only an id", kb->facts[i].name);
  }
  assert_string_equal(r.f->values[MM_F_DISEASE_STATE].str, "no_myeloma_diagnosis");
  assert_true(has_missing(&r, "prior_lines", "lines"));
  assert_true(has_missing(&r, "age", "birth_date"));
  done(&r);
}

/* The deck: transplant eligible up to 70 with no disqualifying comorbidity;
 * the clinician's decision wins and the derived one is marked derived. */
static void test_facts__transplant_eligibility_derived_at_70_not_71(void **s) {
  (void)s;
  run r;
  derive(&r, "{\"id\":\"T\",\"age\":70,\"comorbidities\":[],\"lines\":[]}");
  assert_true_fact(&r, "transplant_eligible");
  assert_true(info(&r, "transplant_eligible")->derived);
  assert_string_equal(fact(&r, "setting").str, "newly_diagnosed_transplant_eligible");
  done(&r);
  derive(&r, "{\"id\":\"T\",\"age\":71,\"lines\":[]}");
  assert_false_fact(&r, "transplant_eligible"); /* decided by age alone */
  assert_string_equal(fact(&r, "setting").str, "newly_diagnosed_transplant_ineligible");
  done(&r);
  derive(&r, "{\"id\":\"T\",\"age\":60,\"lines\":[]}");
  assert_unknown_fact(&r, "transplant_eligible"); /* comorbidities not recorded */
  assert_true(has_missing(&r, "transplant_eligible", "comorbidities"));
  assert_unknown_fact(&r, "setting");
  done(&r);
  derive(&r, "{\"id\":\"T\",\"age\":60,\"comorbidities\":[\"heart_failure\"],\"lines\":[]}");
  assert_false_fact(&r, "transplant_eligible");
  done(&r);
  derive(&r, "{\"id\":\"T\",\"age\":75,\"transplant_eligible\":true,\"lines\":[]}");
  assert_true_fact(&r, "transplant_eligible");
  assert_false(info(&r, "transplant_eligible")->derived);
  done(&r);
}

/* Melflufen's label counts time from ASCT to progression: 35 vs 36 months. */
static void test_facts__asct_to_progression_months(void **s) {
  (void)s;
  run r;
  derive(&r, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"lines\":[{\"regimen\":\"VTd\",\"start\":\"2020-01-01\","
             "\"end\":\"2020-05-01\",\"asct\":\"2020-06-15\",\"best_response\":\"CR\",\"progression\":\"2023-06-14\"}]}");
  assert_int_equal((int)fact(&r, "asct_to_progression_months").num, 35);
  done(&r);
  derive(&r, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"lines\":[{\"regimen\":\"VTd\",\"start\":\"2020-01-01\","
             "\"end\":\"2020-05-01\",\"asct\":\"2020-06-15\",\"best_response\":\"CR\",\"progression\":\"2023-06-15\"}]}");
  assert_int_equal((int)fact(&r, "asct_to_progression_months").num, 36);
  assert_true_fact(&r, "asct_prior");
  done(&r);
  derive(&r, "{\"id\":\"T\",\"lines\":[{\"regimen\":\"VTd\",\"asct\":true,\"progression\":\"2023-06-15\"}]}");
  assert_unknown_fact(&r, "asct_to_progression_months");
  assert_true(has_missing(&r, "asct_to_progression_months", "lines[0].asct"));
  done(&r);
}

/* A planned maintenance recorded as a separate line is flagged. */
static void test_facts__maintenance_recorded_as_a_line_is_flagged(void **s) {
  (void)s;
  run r;
  derive(&r, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"lines\":["
             "{\"regimen\":\"VRd\",\"start\":\"2020-01-01\",\"end\":\"2020-05-01\",\"asct\":\"2020-06-01\",\"best_response\":\"CR\"},"
             "{\"drugs\":[\"lenalidomide\"],\"start\":\"2020-09-01\"}]}");
  assert_int_equal(r.rc, 0);
  assert_int_equal((int)r.diags.warnings, 1);
  assert_non_null(strstr(r.diags.head->text, "maintenance"));
  /* the same warning in Italian, for the renderings in --lang it */
  assert_int_equal((int)r.f->n_warns, 1);
  assert_int_equal(r.f->warns[0].code, MM_FW_LINE_AFTER_TRANSPLANT_LINE);
  assert_string_equal(mm_fact_warning_id(r.f->warns[0].code), "line_after_transplant_line");
  assert_string_equal(mm_facts_warning_text(r.f, r.diags.head, MM_LANG_EN), r.diags.head->text);
  assert_non_null(strstr(mm_facts_warning_text(r.f, r.diags.head, MM_LANG_IT),
                         "lines[1] segue una linea con trapianto"));
  done(&r);
}

/* Triple-class and penta-refractory (MAMMOTH, kb/definitions.yaml). */
static void test_facts__triple_class_and_penta_refractory(void **s) {
  (void)s;
  run r;
  derive(&r, "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"lines\":["
             "{\"regimen\":\"VRd\",\"start\":\"2018-01-01\",\"best_response\":\"VGPR\",\"progression\":\"2019-01-01\"},"
             "{\"regimen\":\"KPd\",\"start\":\"2019-02-01\",\"best_response\":\"PR\",\"progression\":\"2020-01-01\"},"
             "{\"regimen\":\"Dara-Kd\",\"start\":\"2020-02-01\",\"end\":\"2021-01-01\",\"best_response\":\"PR\",\"progression\":\"2021-02-15\"}]}");
  assert_int_equal(r.rc, 0);
  assert_true_fact(&r, "triple_class_exposed");
  assert_true_fact(&r, "triple_class_refractory");
  assert_true_fact(&r, "penta_refractory");
  assert_true_fact(&r, "penta_exposed");
  assert_int_equal((int)fact(&r, "pi_refractory_count").num, 2);
  done(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_facts__refractoriness_only_where_read),
      cmocka_unit_test(test_facts__progression_60_days_after_last_dose_is_refractory),
      cmocka_unit_test(test_facts__progression_61_days_after_last_dose_is_not_refractory),
      cmocka_unit_test(test_facts__progression_during_maintenance_only),
      cmocka_unit_test(test_facts__progression_on_running_maintenance),
      cmocka_unit_test(test_facts__drug_stopped_early_inside_a_line),
      cmocka_unit_test(test_facts__drug_given_in_two_lines),
      cmocka_unit_test(test_facts__rechallenge_after_refractory_is_current),
      cmocka_unit_test(test_facts__stable_disease_is_non_response),
      cmocka_unit_test(test_facts__ended_line_without_outcome_is_unknown),
      cmocka_unit_test(test_facts__progressed_on_60_days_after_last_dose),
      cmocka_unit_test(test_facts__progressed_on_61_days_with_stable_disease),
      cmocka_unit_test(test_facts__progressed_on_maintenance_without_end),
      cmocka_unit_test(test_facts__progressed_on_unknown_when_line_outcome_missing),
      cmocka_unit_test(test_facts__progressed_on_and_declared_refractoriness),
      cmocka_unit_test(test_facts__progressed_on_in_the_rule_language),
      cmocka_unit_test(test_facts__regimen_variants_and_brand_names),
      cmocka_unit_test(test_facts__ambiguous_regimen_lists_candidates),
      cmocka_unit_test(test_facts__errors_name_the_field),
      cmocka_unit_test(test_facts__lab_units_are_converted),
      cmocka_unit_test(test_facts__only_an_id_gives_unknown_everywhere),
      cmocka_unit_test(test_facts__transplant_eligibility_derived_at_70_not_71),
      cmocka_unit_test(test_facts__asct_to_progression_months),
      cmocka_unit_test(test_facts__maintenance_recorded_as_a_line_is_flagged),
      cmocka_unit_test(test_facts__triple_class_and_penta_refractory),
  };
  return cmocka_run_group_tests_name("facts", tests, setup, teardown);
}
