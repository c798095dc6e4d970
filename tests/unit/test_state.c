/* test_state.c: the disease state (issue #12 item 2; docs/facts.md
 * `disease_state`) and what depends on it.
 *
 * Expectations and their sources:
 * - IMWG (Rajkumar SV et al., Blood 2011;117(18):4691-4695,
 *   doi:10.1182/blood-2010-10-299487): relapsed myeloma is previously treated
 *   myeloma that progresses; refractory is non-response (no minimal
 *   response: SD or PD) while on therapy, or progression within 60 days of
 *   the last dose. A patient on therapy, or in response without
 *   progression, has not relapsed.
 * - Kumar S et al., Lancet Oncol 2016;17(8):e328-e346,
 *   doi:10.1016/S1470-2045(16)30206-6: the response categories (sCR ... PD).
 * - Rajkumar SV et al., Blood 2015;126(7):921: induction + ASCT +
 *   maintenance is one line, so a line whose maintenance runs is running.
 * - Kyprolis EU SmPC 4.1 as recorded in kb/therapies/carfilzomib-dex.yaml:
 *   "adult patients with multiple myeloma who have received at least one
 *   prior therapy" (no relapse wording: a note, never a criterion); the US
 *   PI section 1: "relapsed or refractory multiple myeloma" (a criterion).
 * - A record with neither a diagnosis nor a line of therapy says nothing of
 *   myeloma: nothing is evaluated, supportive care included (issue #12). */
#include <stdio.h>
#include <string.h>

#include "evaluate/evaluate.h"
#include "evaluate/render_common.h"
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

typedef test_run run;

static void evaluate_json(run *r, const char *json, mm_jurisdiction j) {
  test_run_evaluate(r, kb, json, j);
}

/* A record of as_of 2026-12-01 with a diagnosis and these lines. */
static void with_lines(run *r, const char *lines, mm_jurisdiction j) {
  char json[8192];
  int n = snprintf(json, sizeof json,
                   "{\"id\":\"S\",\"as_of\":\"2026-12-01\",\"age\":64,\"comorbidities\":[],"
                   "\"ecog\":1,\"diagnosis\":{\"date\":\"2019-03-01\"},\"lines\":[%s]}",
                   lines);
  assert_true(n > 0 && (size_t)n < sizeof json);
  evaluate_json(r, json, j);
}

static void done(run *r) { test_run_done(r); }

static const char *state_of(const run *r) {
  mm_value v = r->f->values[MM_F_DISEASE_STATE];
  return v.known ? v.str : NULL;
}

static void expect_state(const run *r, const char *want) {
  const char *got = state_of(r);
  if (!want ? got != NULL : !got || strcmp(got, want) != 0)
    fail_msg("disease_state %s, expected %s", got ? got : "unknown", want ? want : "unknown");
}

static bool fact_missing(const run *r, int slot, const char *input) {
  const mm_fact_info *i = &r->f->info[slot];
  for (size_t k = 0; k < i->n_missing; k++)
    if (strcmp(i->missing[k], input) == 0) return true;
  return false;
}

static void expect_months(const run *r, int slot, double want) {
  mm_value v = r->f->values[slot];
  if (!v.known || v.num != want)
    fail_msg("%s = %g, expected %g", kb->facts[slot].name, v.known ? v.num : -1.0, want);
}

static const mm_option_result *find(const run *r, const char *id, const char *setting) {
  for (size_t i = 0; i < r->ev->n_options; i++) {
    const mm_option_result *o = &r->ev->options[i];
    if (strcmp(o->opt->id, id) != 0) continue;
    if (setting && (!o->opt->setting || strcmp(o->opt->setting, setting) != 0)) continue;
    return o;
  }
  fail_msg("no option %s%s%s", id, setting ? " for " : "", setting ? setting : "");
  return NULL;
}

/* Lines used below. */
#define VRD_ASCT_PROG                                                                     \
  "{\"regimen\":\"VRd\",\"start\":\"2019-04-01\",\"end\":\"2019-08-15\","                 \
  "\"asct\":\"2019-09-20\",\"maintenance\":{\"drugs\":[\"lenalidomide\"],"                \
  "\"start\":\"2019-12-01\",\"end\":\"2022-05-01\"},\"best_response\":\"VGPR\","          \
  "\"progression\":\"2022-05-01\"}"
#define DKD_PROG                                                                          \
  "{\"regimen\":\"Dara-Kd\",\"start\":\"2022-05-20\",\"end\":\"2024-02-01\","             \
  "\"best_response\":\"VGPR\",\"progression\":\"2024-02-01\"}"
#define ISAPD_PROG                                                                        \
  "{\"regimen\":\"Isa-Pd\",\"start\":\"2024-02-20\",\"end\":\"2026-05-10\","              \
  "\"best_response\":\"PR\",\"progression\":\"2026-05-10\"}"
#define CILTA_CR                                                                          \
  "{\"drugs\":[\"cilta-cel\"],\"start\":\"2026-07-01\",\"end\":\"2026-07-01\","           \
  "\"best_response\":\"CR\",\"stop_reason\":\"completed\"}"
/* The cilta-cel patient of issue #12: CR five months after the infusion. */
#define CART_CR VRD_ASCT_PROG "," DKD_PROG "," ISAPD_PROG "," CILTA_CR

/* ---- the fact ---- */

static void test_state__no_diagnosis_and_no_line(void **s) {
  (void)s;
  run r;
  evaluate_json(&r, "{\"id\":\"X-1\",\"as_of\":\"2026-12-01\"}", MM_JURIS_EU);
  expect_state(&r, "no_myeloma_diagnosis");
  assert_true(fact_missing(&r, MM_F_MONTHS_SINCE_CAR_T, "lines"));
  done(&r);
  /* An empty list of lines is no line either. */
  evaluate_json(&r, "{\"id\":\"X-2\",\"as_of\":\"2026-12-01\",\"lines\":[]}", MM_JURIS_EU);
  expect_state(&r, "no_myeloma_diagnosis");
  done(&r);
  /* A diagnosis object, even empty, is a diagnosis: lines then decide. */
  evaluate_json(&r, "{\"id\":\"X-3\",\"as_of\":\"2026-12-01\",\"diagnosis\":{}}", MM_JURIS_EU);
  expect_state(&r, NULL);
  assert_true(fact_missing(&r, MM_F_DISEASE_STATE, "lines"));
  done(&r);
  /* One line of myeloma therapy is a myeloma record, without a diagnosis block. */
  evaluate_json(&r, "{\"id\":\"X-4\",\"as_of\":\"2026-12-01\",\"lines\":[" DKD_PROG "]}",
                MM_JURIS_EU);
  expect_state(&r, "relapsed_progressing");
  done(&r);
}

static void test_state__newly_diagnosed_and_on_therapy(void **s) {
  (void)s;
  run r;
  with_lines(&r, "", MM_JURIS_EU);
  expect_state(&r, "newly_diagnosed");
  done(&r);
  with_lines(&r, "{\"regimen\":\"Dara-VRd\",\"start\":\"2026-09-01\"}", MM_JURIS_EU);
  expect_state(&r, "on_therapy");
  done(&r);
  /* Induction + ASCT + maintenance is one line: running while maintenance runs. */
  with_lines(&r, "{\"regimen\":\"VRd\",\"start\":\"2025-01-10\",\"end\":\"2025-05-01\","
                 "\"asct\":\"2025-06-15\",\"maintenance\":{\"drugs\":[\"lenalidomide\"],"
                 "\"start\":\"2025-09-01\"}}", MM_JURIS_EU);
  expect_state(&r, "on_therapy");
  done(&r);
}

static void test_state__after_asct_and_after_therapy(void **s) {
  (void)s;
  run r;
  with_lines(&r, "{\"regimen\":\"VRd\",\"start\":\"2024-01-10\",\"end\":\"2024-05-01\","
                 "\"asct\":\"2024-06-15\",\"maintenance\":{\"drugs\":[\"lenalidomide\"],"
                 "\"start\":\"2024-09-01\",\"end\":\"2026-09-01\"},\"best_response\":\"CR\","
                 "\"stop_reason\":\"toxicity\"}", MM_JURIS_EU);
  expect_state(&r, "response_after_asct");
  done(&r);
  /* Ended with neither a progression nor a stop_reason: whether it ended in
   * progression is unknown (patient-record.md), and so is the state. */
  with_lines(&r, "{\"regimen\":\"VRd\",\"start\":\"2024-01-10\",\"end\":\"2024-05-01\","
                 "\"asct\":\"2024-06-15\"}", MM_JURIS_EU);
  expect_state(&r, NULL);
  assert_true(fact_missing(&r, MM_F_DISEASE_STATE, "lines[0].progression"));
  done(&r);
  with_lines(&r, "{\"regimen\":\"VMP\",\"start\":\"2024-01-10\",\"end\":\"2025-01-10\","
                 "\"best_response\":\"VGPR\",\"stop_reason\":\"completed\"}", MM_JURIS_EU);
  expect_state(&r, "response_after_therapy");
  done(&r);
  /* Best response SD on the last line: non-response, refractory (IMWG). */
  with_lines(&r, "{\"regimen\":\"VMP\",\"start\":\"2024-01-10\",\"end\":\"2025-01-10\","
                 "\"best_response\":\"SD\",\"stop_reason\":\"toxicity\"}", MM_JURIS_EU);
  expect_state(&r, "refractory_nonresponsive");
  done(&r);
  /* A line whose drugs are unknown might have been a CAR-T: unknown. */
  with_lines(&r, "{\"start\":\"2024-01-10\",\"end\":\"2025-01-10\","
                 "\"stop_reason\":\"completed\"}", MM_JURIS_EU);
  expect_state(&r, NULL);
  assert_true(fact_missing(&r, MM_F_DISEASE_STATE, "lines[0].drugs"));
  done(&r);
}

static void test_state__relapsed(void **s) {
  (void)s;
  run r;
  with_lines(&r, VRD_ASCT_PROG, MM_JURIS_EU);
  expect_state(&r, "relapsed_progressing");
  done(&r);
  with_lines(&r, "{\"regimen\":\"KRd\",\"start\":\"2024-01-10\",\"end\":\"2025-01-10\","
                 "\"stop_reason\":\"progression\"}", MM_JURIS_EU);
  expect_state(&r, "relapsed_progressing");
  done(&r);
}

static void test_state__car_t(void **s) {
  (void)s;
  run r;
  with_lines(&r, CART_CR, MM_JURIS_EU);
  expect_state(&r, "response_after_car_t");
  /* 2026-07-01 to 2026-12-01: 5 whole months. */
  expect_months(&r, MM_F_MONTHS_SINCE_CAR_T, 5);
  assert_false(r.f->values[MM_F_MONTHS_SINCE_BISPECIFIC_STOP].known);
  assert_int_equal(r.f->info[MM_F_MONTHS_SINCE_BISPECIFIC_STOP].n_missing, 0);
  done(&r);
  /* One infusion: no end date does not make it "on therapy". */
  with_lines(&r, "{\"drugs\":[\"ide-cel\"],\"start\":\"2026-02-15\"}", MM_JURIS_EU);
  expect_state(&r, "response_after_car_t");
  expect_months(&r, MM_F_MONTHS_SINCE_CAR_T, 9);
  done(&r);
  with_lines(&r, "{\"drugs\":[\"cilta-cel\"],\"start\":\"2026-02-15\",\"best_response\":\"SD\"}",
             MM_JURIS_EU);
  expect_state(&r, "refractory_nonresponsive");
  done(&r);
  with_lines(&r, "{\"drugs\":[\"cilta-cel\"],\"start\":\"2025-02-15\",\"end\":\"2025-02-15\","
                 "\"best_response\":\"CR\",\"progression\":\"2026-10-01\"}", MM_JURIS_EU);
  expect_state(&r, "relapsed_progressing");
  expect_months(&r, MM_F_MONTHS_SINCE_CAR_T, 21);
  done(&r);
  /* No CAR-T: nothing to count from, nothing missing. */
  with_lines(&r, VRD_ASCT_PROG, MM_JURIS_EU);
  assert_false(r.f->values[MM_F_MONTHS_SINCE_CAR_T].known);
  assert_int_equal(r.f->info[MM_F_MONTHS_SINCE_CAR_T].n_missing, 0);
  done(&r);
  /* A later line of unknown drugs might hold one: unknown, naming it. */
  with_lines(&r, CILTA_CR ",{\"start\":\"2026-09-01\",\"end\":\"2026-10-01\","
                 "\"stop_reason\":\"toxicity\"}", MM_JURIS_EU);
  assert_true(fact_missing(&r, MM_F_MONTHS_SINCE_CAR_T, "lines[1].drugs"));
  done(&r);
}

static void test_state__bispecific(void **s) {
  (void)s;
  run r;
  /* A fixed-duration bispecific that stopped without progression. */
  with_lines(&r, VRD_ASCT_PROG "," DKD_PROG ",{\"drugs\":[\"teclistamab\"],"
                 "\"start\":\"2024-03-01\",\"end\":\"2026-09-15\",\"best_response\":\"CR\","
                 "\"stop_reason\":\"completed\"}", MM_JURIS_EU);
  expect_state(&r, "response_after_bispecific");
  expect_months(&r, MM_F_MONTHS_SINCE_BISPECIFIC_STOP, 2);
  done(&r);
  /* Still given: on therapy; no stop to count from, nothing missing. */
  with_lines(&r, VRD_ASCT_PROG "," DKD_PROG ",{\"drugs\":[\"teclistamab\"],"
                 "\"start\":\"2024-03-01\"}", MM_JURIS_EU);
  expect_state(&r, "on_therapy");
  assert_false(r.f->values[MM_F_MONTHS_SINCE_BISPECIFIC_STOP].known);
  assert_int_equal(r.f->info[MM_F_MONTHS_SINCE_BISPECIFIC_STOP].n_missing, 0);
  done(&r);
  /* Stopped, date of the last dose not recorded: unknown, naming it. */
  with_lines(&r, VRD_ASCT_PROG "," DKD_PROG ",{\"drugs\":[\"elranatamab\"],"
                 "\"start\":\"2024-03-01\",\"stop_reason\":\"toxicity\"}", MM_JURIS_EU);
  expect_state(&r, "response_after_bispecific");
  assert_true(fact_missing(&r, MM_F_MONTHS_SINCE_BISPECIFIC_STOP, "lines[2].end"));
  done(&r);
}

/* ---- what depends on it ---- */

/* Nothing is evaluated for a record without a myeloma diagnosis, supportive
 * care included; every rendering says so once. */
static void test_state__no_diagnosis_evaluates_nothing(void **s) {
  (void)s;
  run r;
  evaluate_json(&r, "{\"id\":\"X-1\",\"as_of\":\"2026-12-01\","
                    "\"labs\":[{\"date\":\"2026-11-20\",\"test\":\"igg\",\"value\":300,"
                    "\"unit\":\"mg/dL\"}]}", MM_JURIS_EU);
  assert_int_equal(r.ev->n_options, 0);
  assert_int_equal(r.ev->n_trials, 0);
  assert_int_equal(r.ev->n_supportive, 0);
  assert_int_equal(r.ev->note.code, MM_NOTE_NO_MYELOMA_DIAGNOSIS);
  assert_false(r.f->values[MM_F_CANDIDATE_CAR_T].b);
  mm_strbuf b;
  mm_strbuf_init(&b, 0);
  mm_render_evaluation_text(&b, r.ev, MM_LANG_IT);
  const char *it = "Nessuna diagnosi di mieloma multiplo nella scheda";
  const char *at = strstr(b.data, it);
  assert_non_null(at);
  assert_null(strstr(at + 1, it));
  assert_null(strstr(b.data, "[x]"));
  mm_strbuf_free(&b);
  mm_strbuf_init(&b, 0);
  mm_render_evaluation_json(&b, r.ev, MM_LANG_EN);
  assert_non_null(strstr(b.data, "\"disease_state\":\"no_myeloma_diagnosis\""));
  assert_non_null(strstr(b.data, "\"notes\":[{\"id\":\"no_myeloma_diagnosis\""));
  assert_non_null(strstr(b.data, "\"options\":[],\"trials\":[],\"supportive_care\":[]"));
  mm_strbuf_free(&b);
  mm_strbuf_init(&b, 0);
  mm_render_evaluation_html(&b, r.ev, MM_LANG_EN);
  assert_non_null(strstr(b.data, "data-note=\"no_myeloma_diagnosis\""));
  assert_null(strstr(b.data, "class=\"option\""));
  mm_strbuf_free(&b);
  done(&r);
}

/* The cilta-cel patient in CR: no relapse regimen, no induction regimen,
 * and the labels: US "relapsed or refractory" not met; EU "at least one
 * prior therapy" met, with the note and the label's words. */
static void test_state__car_t_in_response_gets_no_relapse_regimen(void **s) {
  (void)s;
  run r;
  with_lines(&r, CART_CR, MM_JURIS_EU);
  size_t relapse = 0, nd = 0;
  for (size_t i = 0; i < r.ev->n_options; i++) {
    const mm_option_result *o = &r.ev->options[i];
    if (o->opt->kind != MM_OPT_GUIDELINE) continue;
    bool is_relapse = strstr(o->opt->setting, "relapse") != NULL;
    const char *cid = is_relapse ? "relapsed_or_refractory_disease" : "newly_diagnosed";
    test_expect_status(o, MM_FALSE);
    assert_int_equal(test_crit(o, cid)->result, MM_FALSE);
    relapse += is_relapse;
    nd += !is_relapse;
  }
  assert_true(relapse >= 18 && nd >= 12);
  const mm_option_result *kd = find(&r, "carfilzomib-dex", NULL);
  test_expect_status(kd, MM_TRUE);
  assert_int_equal(kd->note.code, MM_NOTE_NOT_RELAPSED);
  char note[MM_NOTE_MAX];
  assert_non_null(mm_note_text(kd->note, MM_LANG_EN, note));
  assert_non_null(strstr(note, "has not relapsed (disease state: in response after CAR-T)"));
  mm_strbuf b;
  mm_strbuf_init(&b, 0);
  mm_render_evaluation_text(&b, r.ev, MM_LANG_EN);
  assert_non_null(strstr(b.data, "Disease state: in response after CAR-T"));
  assert_non_null(strstr(b.data, "    label: Condensed (EU SmPC 4.1): Kyprolis"));
  mm_strbuf_free(&b);
  /* The CAR-T labels need progression on the last therapy: not met. */
  test_expect_status(find(&r, "cilta-cel", NULL), MM_FALSE);
  done(&r);
  with_lines(&r, CART_CR, MM_JURIS_US);
  const mm_option_result *us = find(&r, "carfilzomib-dex", NULL);
  test_expect_fails(us, "relapsed_or_refractory prior_lines_1_to_3");
  assert_int_equal(us->note.code, MM_NOTE_NONE);
  done(&r);
}

static void test_state__on_therapy_note(void **s) {
  (void)s;
  run r;
  with_lines(&r, "{\"regimen\":\"Dara-VRd\",\"start\":\"2026-09-01\"}", MM_JURIS_EU);
  const mm_option_result *kd = find(&r, "carfilzomib-dex", NULL);
  test_expect_status(kd, MM_TRUE);
  assert_int_equal(kd->note.code, MM_NOTE_NOT_RELAPSED);
  done(&r);
}

/* Relapsed after ASCT: the relapse regimens as before, their disease-state
 * criterion met, and no note on the labels. */
static void test_state__relapsed_after_asct(void **s) {
  (void)s;
  run r;
  with_lines(&r, VRD_ASCT_PROG, MM_JURIS_EU);
  const mm_option_result *pvd = find(&r, "PVd", "first_relapse");
  test_expect_status(pvd, MM_TRUE);
  assert_int_equal(test_crit(pvd, "relapsed_or_refractory_disease")->result, MM_TRUE);
  assert_int_equal(find(&r, "carfilzomib-dex", NULL)->note.code, MM_NOTE_NONE);
  done(&r);
}

/* The state unknown: relapse regimens unknown (never not eligible), naming
 * the input; non-response: the disease-state criterion is met. */
static void test_state__unknown_and_refractory(void **s) {
  (void)s;
  run r;
  with_lines(&r, "{\"regimen\":\"VRd\",\"start\":\"2024-01-10\",\"end\":\"2024-05-01\"}",
             MM_JURIS_EU);
  const mm_option_result *pvd = find(&r, "PVd", "first_relapse");
  test_expect_status(pvd, MM_UNKNOWN);
  const mm_criterion_result *c = test_crit(pvd, "relapsed_or_refractory_disease");
  assert_int_equal(c->result, MM_UNKNOWN);
  bool named = false;
  for (size_t k = 0; k < c->n_missing; k++)
    named |= strcmp(c->missing[k], "lines[0].progression") == 0;
  assert_true(named);
  done(&r);
  with_lines(&r, "{\"regimen\":\"VRd\",\"start\":\"2024-01-10\",\"end\":\"2024-05-01\","
                 "\"best_response\":\"SD\",\"stop_reason\":\"toxicity\"}", MM_JURIS_EU);
  pvd = find(&r, "PVd", "first_relapse");
  assert_int_equal(test_crit(pvd, "relapsed_or_refractory_disease")->result, MM_TRUE);
  done(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_state__no_diagnosis_and_no_line),
      cmocka_unit_test(test_state__newly_diagnosed_and_on_therapy),
      cmocka_unit_test(test_state__after_asct_and_after_therapy),
      cmocka_unit_test(test_state__relapsed),
      cmocka_unit_test(test_state__car_t),
      cmocka_unit_test(test_state__bispecific),
      cmocka_unit_test(test_state__no_diagnosis_evaluates_nothing),
      cmocka_unit_test(test_state__car_t_in_response_gets_no_relapse_regimen),
      cmocka_unit_test(test_state__on_therapy_note),
      cmocka_unit_test(test_state__relapsed_after_asct),
      cmocka_unit_test(test_state__unknown_and_refractory),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
