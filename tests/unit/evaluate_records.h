/* evaluate_records.h: what the evaluation tests test_evaluate.c (the deck's
 * algorithm) and test_labels.c (the approved-therapy labels) share: records
 * evaluated through src/evaluate, the lookups and checks on the result tree,
 * and the lines of therapy the records are written with. */
#ifndef MM_TEST_EVALUATE_RECORDS_H
#define MM_TEST_EVALUATE_RECORDS_H
#include <stdbool.h>

#include "evaluate/evaluate.h"
#include "facts/facts.h"
#include "helpers.h"
#include "patient/patient.h"

/* The knowledge base, loaded by each test file's group setup. */
extern mm_kb *kb;

/* One record read, its facts derived and evaluated (helpers.h). */
typedef test_run run;

/* Evaluates the record json in jurisdiction j into *r; fails the test (with
 * the diagnostics) when it cannot. Release with done(). */
void evaluate_json(run *r, const char *json, mm_jurisdiction j);
/* A record: adult (65 at as_of), no comorbidity, ECOG 1, with these lines. */
void evaluate_lines(run *r, const char *as_of, const char *lines, mm_jurisdiction j);
/* evaluate_lines as of 2026-11-25 in the EU. */
void eu(run *r, const char *lines);
void done(run *r);

/* An option (guideline regimen or approved therapy) by id, optionally in a
 * group (algorithm | overlay | car_t ...). Fails the test when absent. */
const mm_option_result *opt_g(run *r, const char *id, const char *group);
const mm_option_result *opt(run *r, const char *id);
/* A trial by id; fails the test when absent. */
const mm_option_result *trial(run *r, const char *id);

/* unknown, never not_eligible, and the criterion cid is the unknown one. */
void expect_unknown_on(const mm_option_result *o, const char *cid);
/* The record input named as missing for an unknown criterion. */
bool missing_has(const mm_criterion_result *c, const char *input);
/* The option was decided by its indication ind. */
void expect_indication(const mm_option_result *o, const char *ind);

/* ---- lines of therapy used by the records ---- */

/* VRd induction, ASCT 2019-06-15, lenalidomide maintenance until progression
 * on it (2021-03-01): PI and IMiD exposed, lenalidomide-refractory,
 * ASCT to progression 20 months. */
#define L_VRD_ASCT_LEN                                                                          \
  "{\"regimen\":\"VRd\",\"start\":\"2019-01-10\",\"end\":\"2019-05-01\",\"asct\":\"2019-06-15\"," \
  "\"maintenance\":{\"drugs\":[\"lenalidomide\"],\"start\":\"2019-09-01\",\"end\":\"2021-03-01\"}," \
  "\"best_response\":\"VGPR\",\"progression\":\"2021-03-01\"}"
/* VRd induction and ASCT, no maintenance, progression 2021-03-01, about two
 * years after the last lenalidomide dose: not lenalidomide-refractory. */
#define L_VRD_ASCT_NOMAINT                                                                      \
  "{\"regimen\":\"VRd\",\"start\":\"2019-01-10\",\"end\":\"2019-05-01\",\"asct\":\"2019-06-15\"," \
  "\"best_response\":\"VGPR\",\"progression\":\"2021-03-01\"}"
/* Second line: daratumumab-carfilzomib-dexamethasone, progression on it. */
#define L_DKD "{\"regimen\":\"Dara-Kd\",\"start\":\"2021-04-01\",\"end\":\"2022-09-01\",\"best_response\":\"PR\",\"progression\":\"2022-09-01\"}"
/* Third line: pomalidomide-bortezomib-dexamethasone, progression on it. */
#define L_PVD "{\"regimen\":\"PVd\",\"start\":\"2022-10-01\",\"end\":\"2024-03-01\",\"best_response\":\"PR\",\"progression\":\"2024-03-01\"}"
/* The same third line, but progression 92 days after its last dose. */
#define L_PVD_LATE_PD "{\"regimen\":\"PVd\",\"start\":\"2022-10-01\",\"end\":\"2024-03-01\",\"best_response\":\"PR\",\"progression\":\"2024-06-01\"}"
/* The same third line, ended with no outcome recorded. */
#define L_PVD_NO_OUTCOME "{\"regimen\":\"PVd\",\"start\":\"2022-10-01\",\"end\":\"2024-03-01\",\"best_response\":\"PR\"}"
/* Fourth line: pomalidomide-cyclophosphamide-dexamethasone, progression on it. */
#define L_PCD "{\"regimen\":\"PCd\",\"start\":\"2024-04-01\",\"end\":\"2025-01-10\",\"best_response\":\"PR\",\"progression\":\"2025-01-10\"}"
/* Fourth line: teclistamab (anti-BCMA bispecific), progression on it. */
#define L_TEC "{\"drugs\":[\"teclistamab\"],\"start\":\"2024-04-01\",\"end\":\"2025-06-01\",\"best_response\":\"VGPR\",\"progression\":\"2025-06-01\"}"

#define TCE_2 L_VRD_ASCT_LEN "," L_DKD                /* 2 lines, triple-class exposed */
#define TCE_3 L_VRD_ASCT_LEN "," L_DKD "," L_PVD      /* 3 lines, PD on the last */
#define TCE_4 TCE_3 "," L_PCD                         /* 4 lines, penta-refractory */

#endif
