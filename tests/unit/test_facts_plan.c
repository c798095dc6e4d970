/* test_facts_plan.c: mm_facts_plan (src/facts/facts_plan.c), what screening
 * with criteria derives per record. The property an analyst relies on: a
 * criterion read from a plan's derivation has the value it has from the
 * full derivation (mm_facts_derive_ex), on every record; and the plan of
 * the reference task (bench/reference-task.yaml) derives only what that
 * task reads, which is what makes it fast. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "facts/facts.h"
#include "kb/fact_names.h"
#include "kb/kb.h"
#include "patient/patient.h"
#include "rule/rule.h"
#include "screen/screen.h"

static mm_kb *kb;
static int setup(void **s) { (void)s; return test_kb_load(&kb); }
static int teardown(void **s) { (void)s; mm_kb_free(kb); return 0; }

/* Records that take each way through the exposure: every line's drugs
 * known; no lines; a line without drugs or regimen (drugs unknown);
 * refractory_to a drug of no line; maintenance; a progression at each
 * distance from the last dose; a running last line. */
static const char *const records[] = {
    "{\"id\":\"a\",\"as_of\":\"2026-01-01\",\"birth_date\":\"1950-01-01\",\"lines\":[]}",
    "{\"id\":\"b\",\"as_of\":\"2026-01-01\",\"birth_date\":\"1950-01-01\"}",
    "{\"id\":\"c\",\"as_of\":\"2026-01-01\",\"age\":60,\"comorbidities\":[],\"lines\":["
    "{\"regimen\":\"VRd\",\"start\":\"2020-01-01\",\"end\":\"2020-06-01\","
    "\"progression\":\"2020-07-01\"},"
    "{\"drugs\":[\"daratumumab\",\"pomalidomide\",\"dexamethasone\"],\"start\":\"2021-01-01\"}]}",
    "{\"id\":\"d\",\"as_of\":\"2026-01-01\",\"lines\":[{\"start\":\"2020-01-01\",\"end\":"
    "\"2020-05-01\"},{\"regimen\":\"KRd\",\"start\":\"2021-01-01\",\"end\":\"2021-09-01\","
    "\"progression\":\"2022-01-01\",\"best_response\":\"SD\"}]}",
    "{\"id\":\"e\",\"as_of\":\"2026-01-01\",\"lines\":[{\"regimen\":\"VRd\",\"start\":"
    "\"2020-01-01\",\"end\":\"2020-06-01\",\"maintenance\":{\"drugs\":[\"lenalidomide\"],"
    "\"start\":\"2020-07-01\",\"end\":\"2022-01-01\"},\"progression\":\"2022-02-01\","
    "\"refractory_to\":[\"carfilzomib\"]}]}",
    "{\"id\":\"f\",\"as_of\":\"2026-01-01\",\"transplant_eligible\":false,\"lines\":["
    "{\"regimen\":\"DRd\",\"start\":\"2020-01-01\",\"end\":\"2021-01-01\","
    "\"stop_reason\":\"progression\"}]}",
};

/* The reference task, then criteria that read refractoriness, counts,
 * current use, the record's facts, ASCT; and the composites and disease
 * state (a plan that cannot be sparse). */
static const char *const criteria[] = {
    "criteria:\n"
    "  - {id: prior_lines, when: prior_lines >= 3}\n"
    "  - {id: pi_exposed, when: exposed(PI)}\n"
    "  - {id: imid_exposed, when: exposed(IMiD)}\n"
    "  - {id: cd38_exposed, when: exposed(anti-CD38)}\n"
    "  - {id: progressed_on_last, when: progression_on_or_after_last}\n"
    "  - {id: len_refractory, when: progressed_on(lenalidomide)}\n",
    "criteria:\n"
    "  - {id: c1, when: refractory(IMiD) and count_refractory(PI) >= 1}\n"
    "  - {id: c2, when: current(anti-CD38) or exposed(daratumumab)}\n"
    "  - {id: c3, when: count_exposed(IMiD) >= 2 and age <= 75 and ecog <= 1}\n"
    "  - {id: c4, when: asct_prior and months_since_diagnosis > 24}\n"
    "  - {id: c5, when: progressed_on(PI) and refractory(carfilzomib)}\n",
    "criteria:\n"
    "  - {id: d1, when: disease_state == \"relapsed_progressing\"}\n"
    "  - {id: d2, when: triple_class_exposed}\n",
};

/* The flags screen.c derives for criteria that read no lab, composite or
 * disease state (the first two sets), none for the third. */
static unsigned flags_of(size_t set) {
  return set < 2 ? MM_FACTS_NO_LABS | MM_FACTS_NO_COMPOSITES | MM_FACTS_NO_DISEASE_STATE : 0;
}

static bool same_value(mm_value a, mm_value b) {
  if (a.known != b.known || a.type != b.type) return false;
  if (!a.known) return true;
  if (a.type == MM_TYPE_BOOL) return a.b == b.b;
  if (a.type == MM_TYPE_NUMBER) return a.num == b.num;
  return a.str == b.str || (a.str && b.str && strcmp(a.str, b.str) == 0);
}

static void compare(const mm_screen_criteria *c, size_t set, const char *json, const char *what) {
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_diags d;
  mm_diags_init(&d, &a);
  mm_patient *p = NULL;
  if (mm_patient_read(&p, &a, kb, json, strlen(json), what, &d) != 0)
    fail_msg("%s: %s", what, d.head ? d.head->text : "not read");
  const mm_rule **rules = mm_arena_alloc(&a, (c->n + 1) * sizeof *rules);
  for (size_t i = 0; i < c->n; i++) rules[i] = c->items[i].rule;
  mm_facts_plan *plan = NULL;
  assert_int_equal(mm_facts_plan_new(&plan, kb, rules, c->n, flags_of(set)), 0);
  mm_facts *full = NULL, *part = NULL;
  assert_int_equal(mm_facts_derive_ex(&full, &a, kb, p, flags_of(set), c->n, NULL), 0);
  assert_int_equal(mm_facts_derive_plan(&part, &a, kb, p, plan, c->n), 0);
  /* every slot the plan says it reads, and the setting, which every
   * screening result shows */
  for (size_t i = 0; i < kb->n_facts; i++)
    if (plan->read[i] && !same_value(full->values[i], part->values[i]))
      fail_msg("%s, criteria set %zu: fact %s differs", what, set, kb->facts[i].name);
  assert_true(same_value(full->values[MM_F_SETTING], part->values[MM_F_SETTING]));
  /* and so every criterion, evaluated as screen.c does */
  for (size_t i = 0; i < c->n; i++) {
    mm_tv x = mm_rule_eval(c->items[i].rule, full->values, NULL);
    mm_tv y = mm_rule_eval(c->items[i].rule, part->values, NULL);
    full->values[kb->n_facts + i] = mm_value_tv(x);
    part->values[kb->n_facts + i] = mm_value_tv(y);
    if (x != y) fail_msg("%s: criterion %s differs", what, c->items[i].id);
  }
  mm_facts_plan_free(plan);
  mm_arena_free(&a);
}

static mm_screen_criteria *load(size_t set) {
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_diags d;
  mm_diags_init(&d, &a);
  mm_screen_criteria *c = NULL;
  if (mm_screen_criteria_parse(&c, kb, "test", criteria[set], strlen(criteria[set]), &d) != 0)
    fail_msg("criteria set %zu: %s", set, d.head ? d.head->text : "?");
  mm_arena_free(&a);
  return c;
}

static void test_plan__criteria_as_from_the_full_derivation(void **s) {
  (void)s;
  for (size_t set = 0; set < sizeof criteria / sizeof *criteria; set++) {
    mm_screen_criteria *c = load(set);
    for (size_t r = 0; r < sizeof records / sizeof *records; r++) {
      char what[32];
      snprintf(what, sizeof what, "record %zu", r);
      compare(c, set, records[r], what);
    }
    /* the demo patients (demo/patients/) */
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/demo/patients", MMPATH_SOURCE_DIR);
    DIR *dd = opendir(dir);
    assert_non_null(dd);
    int files = 0;
    for (struct dirent *e; (e = readdir(dd));) {
      if (!strstr(e->d_name, ".json")) continue;
      char path[2048];
      snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
      FILE *f = fopen(path, "rb");
      assert_non_null(f);
      static char buf[65536];
      size_t n = fread(buf, 1, sizeof buf - 1, f);
      fclose(f);
      buf[n] = '\0';
      compare(c, set, buf, e->d_name);
      files++;
    }
    closedir(dd);
    assert_true(files >= 5);
    mm_screen_criteria_free(c);
  }
}

static int drug_index(const char *id) {
  for (size_t k = 0; k < kb->n_drugs; k++)
    if (strcmp(kb->drugs[k].id, id) == 0) return (int)k;
  fail_msg("no drug %s in the kb", id);
  return -1;
}

/* The reference task reads three classes' exposure and lenalidomide's
 * progressed_on (bench/reference-task.yaml): its plan is sparse, follows
 * only the drugs of those classes through the lines, derives the
 * progression arm for lenalidomide alone and the non-response arm for none. */
static void test_plan__reference_task_derives_what_it_reads(void **s) {
  (void)s;
  mm_screen_criteria *c = load(0);
  const mm_rule **rules = calloc(c->n + 1, sizeof *rules);
  for (size_t i = 0; i < c->n; i++) rules[i] = c->items[i].rule;
  mm_facts_plan *plan = NULL;
  assert_int_equal(mm_facts_plan_new(&plan, kb, rules, c->n, flags_of(0)), 0);
  assert_true(plan->sparse);
  assert_int_equal(plan->n_classes, 3);
  int len = drug_index("lenalidomide");
  for (size_t k = 0; k < kb->n_drugs; k++) {
    assert_int_equal(plan->refractory_for[k], (int)k == len);
    assert_false(plan->nonresponse_for[k]);
  }
  assert_true(plan->drug_read[drug_index("bortezomib")]);
  assert_true(plan->drug_read[drug_index("isatuximab")]);
  assert_false(plan->drug_read[drug_index("dexamethasone")]);
  assert_false(plan->current_read);
  assert_false(plan->read[MM_F_ASCT_COUNT]);
  assert_true(plan->read[MM_F_SETTING]);
  mm_facts_plan_free(plan);
  free(rules);
  mm_screen_criteria_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plan__criteria_as_from_the_full_derivation),
      cmocka_unit_test(test_plan__reference_task_derives_what_it_reads),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
