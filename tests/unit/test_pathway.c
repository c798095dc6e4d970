/* test_pathway.c: the pathway after the spec's moves (src/referral/pathway.h,
 * docs/referral.md "Events that are not moves"), through the store as the
 * API and the command line use it:
 *  - sound dates: never after today, records never before the referral or
 *    the infusion;
 *  - who may write what: a spoke adds notes only;
 *  - records refused with their field path and nothing stored: a grade
 *    outside ASTCT, a sign value outside the ASTCT table, a visit before
 *    infusion, an unknown product, a lot for a bispecific, an unknown visit;
 *  - ASTCT grades computed from the recorded signs (Lee DW et al. Biol Blood
 *    Marrow Transplant 2019;25:625-638, Tables 4 and 6) and the IMWG
 *    response from the recorded labs (Kumar S et al. Lancet Oncol 2016);
 *  - corrections: the corrected view, a correction that breaks the pathway
 *    refused, the funnel reading the corrected dates;
 *  - server-issued ids, dense per prefix, stepping past a hand-made one;
 *  - the registry export: held fields filled, the others listed missing,
 *    CRS "no" only when a visit says toxicities were reviewed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "kb/kb.h"
#include "referral/funnel.h"
#include "referral/pathway.h"
#include "referral/store.h"

typedef struct env {
  mm_kb *kb;
  mm_ref_store *store;
  mm_arena arena;
  mm_diags diags;
  char db[64];
  mm_date today;
} env;

static int setup(void **state) {
  env *e = calloc(1, sizeof *e);
  if (!e) return -1;
  mm_arena_init(&e->arena, 0);
  mm_diags_init(&e->diags, &e->arena);
  if (mm_kb_load(&e->kb, test_kb_dir(), &e->diags) < 0) return -1;
  snprintf(e->db, sizeof e->db, "test_pathway_%ld.db", (long)getpid());
  remove(e->db);
  char err[300];
  if (mm_ref_store_open(&e->store, e->db, mm_kb_referral(e->kb), err, sizeof err)) return -1;
  e->today = mm_date_from_ymd(2026, 12, 7); /* fixed: the tests' "today" */
  *state = e;
  return 0;
}

static int teardown(void **state) {
  env *e = *state;
  mm_ref_store_free(e->store);
  mm_kb_free(e->kb);
  char p[128];
  remove(e->db);
  snprintf(p, sizeof p, "%s-wal", e->db);
  remove(p);
  snprintf(p, sizeof p, "%s-shm", e->db);
  remove(p);
  mm_arena_free(&e->arena);
  free(e);
  return 0;
}

static mm_date D(int y, int m, int d) { return mm_date_from_ymd(y, m, d); }

static void clear(env *e) { mm_diags_init(&e->diags, &e->arena); }

static size_t n_events(env *e, const char *id) {
  mm_referral *r;
  return mm_ref_store_get(e->store, &e->arena, id, &r) == 0 ? r->n_events : 0;
}

static int move(env *e, const char *id, mm_date d, const char *state) {
  mm_ref_event ev = {d, MM_RS_REFERRED, NULL, NULL, "test", NULL, NULL};
  if (!mm_ref_state_parse(state, &ev.state)) fail_msg("state %s", state);
  clear(e);
  return mm_ref_pathway_append(e->store, e->kb, id, &ev, MM_REF_BY_HUB, e->today, &e->arena,
                               &e->diags);
}

static int rec(env *e, const char *id, mm_date d, const char *kind, const char *data,
               mm_ref_writer who) {
  mm_ref_event ev = {d, MM_RS_REFERRED, NULL, NULL, "test", kind, data};
  clear(e);
  return mm_ref_pathway_append(e->store, e->kb, id, &ev, who, e->today, &e->arena, &e->diags);
}

/* The first error's path ends with `tail`. */
static void refused_at(env *e, int rc, const char *tail) {
  assert_int_equal(rc, MM_REF_EINVALID);
  assert_non_null(e->diags.head);
  const char *p = e->diags.head->path ? e->diags.head->path : "";
  size_t n = strlen(p), k = strlen(tail);
  if (n < k || strcmp(p + n - k, tail) != 0)
    fail_msg("refused at '%s' (%s), expected ...%s", p, e->diags.head->text, tail);
}

/* An ide-cel referral infused on 2026-08-18, and a teclistamab one. */
static void make_infused(env *e, const char *id, const char *target) {
  mm_ref_event ev = {D(2026, 6, 1), MM_RS_REFERRED, NULL, NULL, "test", NULL, NULL};
  mm_referral r = {id, "PX-0001", "FE-ONC", "BO-SER", target, 1, &ev};
  clear(e);
  assert_int_equal(mm_ref_store_create(e->store, &r, &e->diags), MM_REF_OK);
  bool bisp = strcmp(target, "teclistamab") == 0;
  const char *car_t[] = {"screening", "eligible", "apheresis", "manufacturing",
                         "awaiting_infusion", "infused"};
  const char *bs[] = {"screening", "eligible", "infused"};
  size_t n = bisp ? 3 : 6;
  for (size_t i = 0; i < n; i++)
    assert_int_equal(move(e, id, i + 1 == n ? D(2026, 8, 18) : D(2026, 6, 2 + (int)i),
                          bisp ? bs[i] : car_t[i]),
                     MM_REF_OK);
}

static void test_dates_and_writers(void **state) {
  env *e = *state;
  mm_ref_event ev = {D(2026, 11, 2), MM_RS_REFERRED, NULL, NULL, "test", NULL, NULL};
  mm_referral r = {"R-1", "PX-0002", "FE-ONC", "BO-SER", "ide-cel", 1, &ev};
  assert_int_equal(mm_ref_store_create(e->store, &r, &e->diags), MM_REF_OK);
  /* after today: refused, nothing stored (the "blocks every real one") */
  refused_at(e, move(e, "R-1", D(2026, 12, 8), "waitlisted"), "R-1.events[1].date");
  assert_string_equal(e->diags.head->text,
                      "date 2026-12-08 is after today (2026-12-07, the centre's time zone)");
  assert_int_equal(n_events(e, "R-1"), 1);
  /* today itself is fine */
  assert_int_equal(move(e, "R-1", D(2026, 12, 7), "waitlisted"), MM_REF_OK);
  /* a record before the referral */
  refused_at(e, rec(e, "R-1", D(2026, 11, 1), "note", "{\"text\":\"x\"}", MM_REF_BY_HUB),
             ".date");
  /* a spoke: notes yes, moves and other records no */
  assert_int_equal(rec(e, "R-1", D(2026, 12, 7), "note", "{\"text\":\"PET-CT sent\"}",
                       MM_REF_BY_SPOKE),
                   MM_REF_OK);
  mm_ref_event mv = {D(2026, 12, 7), MM_RS_SCREENING, NULL, NULL, "spoke", NULL, NULL};
  clear(e);
  refused_at(e, mm_ref_pathway_append(e->store, e->kb, "R-1", &mv, MM_REF_BY_SPOKE, e->today,
                                      &e->arena, &e->diags),
             ".state");
  refused_at(e, rec(e, "R-1", D(2026, 12, 7), "bridging", "{\"drugs\":[\"carfilzomib\"]}",
                    MM_REF_BY_SPOKE),
             ".kind");
  /* the note kept the state: the referral is still waitlisted */
  mm_referral *got;
  assert_int_equal(mm_ref_store_get(e->store, &e->arena, "R-1", &got), MM_REF_OK);
  assert_int_equal(got->n_events, 3);
  assert_int_equal(mm_ref_current_state(got), MM_RS_WAITLISTED);
  assert_int_equal(got->events[2].state, MM_RS_WAITLISTED);
  /* next: from waitlisted, screening (spec table) and the kinds allowed */
  mm_ref_next nx;
  mm_ref_next_of(e->kb, got, MM_REF_BY_HUB, e->today, &e->arena, &nx);
  assert_int_equal(nx.min_date, D(2026, 12, 7));
  assert_int_equal(nx.max_date, e->today);
  bool screening = false;
  for (size_t i = 0; i < nx.n_next; i++) screening |= nx.next[i] == MM_RS_SCREENING;
  assert_true(screening);
  mm_ref_next_of(e->kb, got, MM_REF_BY_SPOKE, e->today, &e->arena, &nx);
  assert_int_equal(nx.n_next, 0);
  assert_int_equal(nx.n_kinds, 1);
}

static void test_bad_records(void **state) {
  env *e = *state;
  make_infused(e, "R-2", "ide-cel");
  make_infused(e, "R-3", "teclistamab");
  size_t n2 = n_events(e, "R-2"), n3 = n_events(e, "R-3");
  /* grade outside ASTCT (1..4) */
  refused_at(e, rec(e, "R-2", D(2026, 8, 20), "crs",
                    "{\"signs\":[{\"date\":\"2026-08-20\",\"fever\":true,\"hypotension\":\"none\","
                    "\"hypoxia\":\"none\"}],\"grade\":5}",
                    MM_REF_BY_HUB),
             ".data.grade");
  /* a sign value the ASTCT table does not have (kb/scores/crs.yaml) */
  refused_at(e, rec(e, "R-2", D(2026, 8, 20), "crs",
                    "{\"signs\":[{\"date\":\"2026-08-20\",\"fever\":true,"
                    "\"hypotension\":\"two_pressors\"}]}",
                    MM_REF_BY_HUB),
             ".data.signs[0].hypotension");
  /* a grade that the signs contradict: fever + low-flow oxygen is grade 2 */
  refused_at(e, rec(e, "R-2", D(2026, 8, 20), "crs",
                    "{\"signs\":[{\"date\":\"2026-08-20\",\"fever\":true,\"hypotension\":\"none\","
                    "\"hypoxia\":\"low_flow\"}],\"grade\":3}",
                    MM_REF_BY_HUB),
             ".data.grade");
  /* a visit before the infusion */
  refused_at(e, rec(e, "R-2", D(2026, 8, 17), "visit", "{\"visit\":\"d7\",\"status\":\"alive\"}",
                    MM_REF_BY_HUB),
             ".date");
  /* a visit the schedule does not have */
  refused_at(e, rec(e, "R-2", D(2026, 8, 25), "visit", "{\"visit\":\"d8\",\"status\":\"alive\"}",
                    MM_REF_BY_HUB),
             ".data.visit");
  /* an unknown product; another product than the referral's */
  refused_at(e, rec(e, "R-2", D(2026, 8, 18), "product", "{\"product\":\"abecma\",\"lot\":\"L\"}",
                    MM_REF_BY_HUB),
             ".data.product");
  refused_at(e, rec(e, "R-2", D(2026, 8, 18), "product",
                    "{\"product\":\"cilta-cel\",\"lot\":\"L\"}", MM_REF_BY_HUB),
             ".data.product");
  /* a lot for a bispecific; lymphodepletion for a bispecific */
  refused_at(e, rec(e, "R-3", D(2026, 8, 18), "product",
                    "{\"product\":\"teclistamab\",\"lot\":\"X1\"}", MM_REF_BY_HUB),
             ".data.lot");
  refused_at(e, rec(e, "R-3", D(2026, 8, 10), "lymphodepletion",
                    "{\"drugs\":[\"fludarabine\"]}", MM_REF_BY_HUB),
             ".kind");
  /* an unknown key, a wrong type, a lab test the response does not read */
  refused_at(e, rec(e, "R-2", D(2026, 8, 25), "visit",
                    "{\"visit\":\"d7\",\"status\":\"alive\",\"weight\":70}", MM_REF_BY_HUB),
             ".data.weight");
  refused_at(e, rec(e, "R-2", D(2026, 8, 25), "visit",
                    "{\"visit\":\"d7\",\"status\":\"alive\",\"anc\":\"low\"}", MM_REF_BY_HUB),
             ".data.anc");
  refused_at(e, rec(e, "R-2", D(2026, 8, 25), "visit",
                    "{\"visit\":\"d7\",\"status\":\"alive\",\"labs\":[{\"date\":\"2026-08-25\","
                    "\"test\":\"ferritin\",\"value\":3}]}",
                    MM_REF_BY_HUB),
             ".data.labs[0].test");
  /* nothing of it was stored */
  assert_int_equal(n_events(e, "R-2"), n2);
  assert_int_equal(n_events(e, "R-3"), n3);
}

static const char *last_data(env *e, const char *id) {
  mm_referral *r;
  assert_int_equal(mm_ref_store_get(e->store, &e->arena, id, &r), MM_REF_OK);
  return r->events[r->n_events - 1].data;
}

static void test_grades_response(void **state) {
  env *e = *state;
  make_infused(e, "R-4", "ide-cel");
  /* Lee 2019 Table 4: fever alone grade 1; + hypotension without pressors 2;
   * + one vasopressor 3. The episode's grade is the highest. */
  assert_int_equal(rec(e, "R-4", D(2026, 8, 19), "crs",
                       "{\"resolution\":\"2026-08-24\",\"signs\":["
                       "{\"date\":\"2026-08-19\",\"fever\":true,\"hypotension\":\"none\",\"hypoxia\":\"none\"},"
                       "{\"date\":\"2026-08-20\",\"fever\":true,\"hypotension\":\"one_pressor\",\"hypoxia\":\"none\"},"
                       "{\"date\":\"2026-08-21\",\"fever\":true,\"hypotension\":\"no_pressor\",\"hypoxia\":\"none\"}],"
                       "\"tocilizumab_doses\":2,\"corticosteroids\":true}",
                       MM_REF_BY_HUB),
                   MM_REF_OK);
  assert_non_null(strstr(last_data(e, "R-4"), "\"astct_max_grade\":3"));
  assert_non_null(strstr(last_data(e, "R-4"), "\"astct_grade\":1"));
  /* Lee 2019 Table 6 (adults): ICE 3-6 is grade 2 */
  assert_int_equal(rec(e, "R-4", D(2026, 8, 22), "icans",
                       "{\"signs\":[{\"date\":\"2026-08-22\",\"ice_score\":5,\"consciousness\":\"awakens_to_voice\","
                       "\"seizure\":\"none\",\"motor\":\"none\",\"cerebral_edema\":\"none\"}]}",
                       MM_REF_BY_HUB),
                   MM_REF_OK);
  assert_non_null(strstr(last_data(e, "R-4"), "\"astct_max_grade\":2"));
  /* unknown signs: the grade is not invented */
  assert_int_equal(rec(e, "R-4", D(2026, 8, 23), "icans",
                       "{\"signs\":[{\"date\":\"2026-08-23\",\"ice_score\":8}]}", MM_REF_BY_HUB),
                   MM_REF_OK);
  assert_non_null(strstr(last_data(e, "R-4"), "\"astct_max_grade\":null"));
  /* IMWG (Kumar 2016): serum M-protein 3.0 -> 1.2 g/dL, >= 50% fall, is PR */
  assert_int_equal(rec(e, "R-4", D(2026, 9, 15), "visit",
                       "{\"visit\":\"d28\",\"status\":\"alive\",\"toxicity_reviewed\":true,\"labs\":["
                       "{\"date\":\"2026-08-10\",\"test\":\"serum_m_protein\",\"value\":3.0},"
                       "{\"date\":\"2026-09-15\",\"test\":\"serum_m_protein\",\"value\":1.2}]}",
                       MM_REF_BY_HUB),
                   MM_REF_OK);
  assert_non_null(strstr(last_data(e, "R-4"), "\"imwg_response\":\"PR\""));
  mm_referral *r;
  assert_int_equal(mm_ref_store_get(e->store, &e->arena, "R-4", &r), MM_REF_OK);
  mm_ref_outcome o;
  assert_int_equal(mm_ref_outcome_of(r, &e->arena, &o), 0);
  assert_int_equal(o.crs, 1);
  assert_int_equal(o.crs_grade, 3);
  assert_true(o.icans_grade_unknown); /* one ICANS episode could not be graded */
  assert_string_equal(o.best_response, "PR");
  /* the funnel's after-infusion stages */
  mm_funnel *f;
  assert_int_equal(mm_funnel_new(&f, mm_kb_referral(e->kb), NULL), MM_REF_OK);
  assert_int_equal(mm_funnel_add(f, r), MM_REF_OK);
  assert_int_equal(f->inf_n, 1);
  assert_int_equal(f->inf_crs3, 1);
  assert_int_equal(f->inf_icans, 1);
  assert_int_equal(f->inf_d100, 0);
  mm_funnel_free(f);
}

static void test_corrections(void **state) {
  env *e = *state;
  make_infused(e, "R-5", "ide-cel");
  /* events: 0 referred 06-01, 1 screening 06-02, 2 eligible 06-03,
   * 3 apheresis 06-04, 4 manufacturing 06-05, 5 awaiting 06-06, 6 infused 08-18 */
  assert_int_equal(rec(e, "R-5", D(2026, 9, 1), "correction",
                       "{\"corrects\":3,\"date\":\"2026-06-03\",\"why\":\"typo\",\"who\":\"hub\"}",
                       MM_REF_BY_HUB),
                   MM_REF_OK);
  mm_referral *r;
  assert_int_equal(mm_ref_store_get(e->store, &e->arena, "R-5", &r), MM_REF_OK);
  assert_int_equal(r->events[3].date, D(2026, 6, 4)); /* history untouched */
  mm_ref_view v;
  assert_int_equal(mm_ref_view_make(&v, r, &e->arena), 0);
  assert_int_equal(v.r.events[3].date, D(2026, 6, 3)); /* the view corrected */
  assert_int_equal(v.infused_on, D(2026, 8, 18));
  /* the funnel reads the corrected date: referral 06-01 to apheresis 06-03 */
  mm_funnel *f;
  assert_int_equal(mm_funnel_new(&f, mm_kb_referral(e->kb), NULL), MM_REF_OK);
  mm_funnel_add(f, r);
  mm_funnel_finish(f);
  assert_int_equal(f->median_ref_aph, 2);
  mm_funnel_free(f);
  /* a correction that puts apheresis before eligibility breaks the order */
  refused_at(e, rec(e, "R-5", D(2026, 9, 1), "correction",
                    "{\"corrects\":3,\"date\":\"2026-06-02\",\"why\":\"x\"}", MM_REF_BY_HUB),
             ".data.date");
  /* a correction of nothing, of a correction, and one that says nothing */
  refused_at(e, rec(e, "R-5", D(2026, 9, 1), "correction", "{\"corrects\":99,\"why\":\"x\",\"void\":true}",
                    MM_REF_BY_HUB),
             ".data.corrects");
  refused_at(e, rec(e, "R-5", D(2026, 9, 1), "correction",
                    "{\"corrects\":7,\"why\":\"x\",\"note\":\"y\"}", MM_REF_BY_HUB),
             ".data.corrects");
  refused_at(e, rec(e, "R-5", D(2026, 9, 1), "correction", "{\"corrects\":2,\"why\":\"x\"}",
                    MM_REF_BY_HUB),
             ".data");
  /* a voided record leaves the view (and the registry row) */
  assert_int_equal(rec(e, "R-5", D(2026, 8, 18), "product",
                       "{\"product\":\"ide-cel\",\"lot\":\"WRONG\"}", MM_REF_BY_HUB),
                   MM_REF_OK);
  size_t seq = n_events(e, "R-5") - 1;
  char data[128];
  snprintf(data, sizeof data, "{\"corrects\":%zu,\"void\":true,\"why\":\"wrong lot\"}", seq);
  assert_int_equal(rec(e, "R-5", D(2026, 9, 2), "correction", data, MM_REF_BY_HUB), MM_REF_OK);
  assert_int_equal(rec(e, "R-5", D(2026, 8, 18), "product",
                       "{\"product\":\"ide-cel\",\"lot\":\"LOT-1\"}", MM_REF_BY_HUB),
                   MM_REF_OK);
  mm_ref_export *x;
  assert_int_equal(mm_ref_export_new(&x, e->kb, &e->arena, &e->diags), MM_REF_OK);
  assert_int_equal(mm_ref_store_get(e->store, &e->arena, "R-5", &r), MM_REF_OK);
  assert_int_equal(mm_ref_export_add(x, r), MM_REF_OK);
  mm_strbuf b;
  mm_strbuf_init(&b, 0);
  mm_ref_export_json(&b, x);
  assert_non_null(strstr(b.data, "\"product_lot\":\"LOT-1\""));
  assert_null(strstr(b.data, "WRONG"));
  /* CRS not recorded and no visit reviewed toxicities: unknown, never "no" */
  assert_non_null(strstr(b.data, "\"crs\":null"));
  assert_non_null(strstr(b.data, "{\"id\":\"date_of_birth\",\"why\":\"not held by mmpath\"}"));
  mm_strbuf_free(&b);
  /* the store's own check: every stored history still a valid pathway */
  clear(e);
  assert_int_equal(mm_ref_store_check(e->store, &e->diags, NULL), MM_REF_OK);
}

static void test_issued_ids(void **state) {
  env *e = *state;
  mm_ref_event ev = {D(2026, 11, 2), MM_RS_REFERRED, NULL, NULL, "test", NULL, NULL};
  for (int i = 1; i <= 3; i++) {
    mm_referral r = {NULL, "PX-0009", "FE-ONC", "BO-SER", "ide-cel", 1, &ev};
    clear(e);
    assert_int_equal(mm_ref_store_create_issued(e->store, &r, "FE-ONC-2026", &e->arena, &e->diags),
                     MM_REF_OK);
    char want[32];
    snprintf(want, sizeof want, "FE-ONC-2026-%04d", i);
    assert_string_equal(r.id, want);
  }
  /* one made by hand ahead of the sequence is stepped over, never reused */
  mm_referral hand = {"FE-ONC-2026-0004", "PX-0010", "FE-ONC", "BO-SER", "ide-cel", 1, &ev};
  assert_int_equal(mm_ref_store_create(e->store, &hand, &e->diags), MM_REF_OK);
  mm_referral r = {NULL, "PX-0011", "FE-ONC", "BO-SER", "ide-cel", 1, &ev};
  assert_int_equal(mm_ref_store_create_issued(e->store, &r, "FE-ONC-2026", &e->arena, &e->diags),
                   MM_REF_OK);
  assert_string_equal(r.id, "FE-ONC-2026-0005");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_dates_and_writers, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bad_records, setup, teardown),
      cmocka_unit_test_setup_teardown(test_grades_response, setup, teardown),
      cmocka_unit_test_setup_teardown(test_corrections, setup, teardown),
      cmocka_unit_test_setup_teardown(test_issued_ids, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
