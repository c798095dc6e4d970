/* test_reimbursement.c: the Italian reimbursement (kb/reimbursement/it.yaml,
 * src/kb/kb_reimbursement.c) and jurisdiction it (src/evaluate/
 * reimbursement.c, include/mmpath.h). The expected findings are the acts of
 * the Gazzetta Ufficiale (GU) Serie Generale the kb cites, searched
 * 2026-12-07:
 * - Carvykti: AIFA Det. 31 ottobre 2024 n. 650/2024, class C(nn), GU SG
 *   n. 264 dell'11-11-2024 (24A05909);
 * - Talvey: AIFA Det. 15 novembre 2023 n. 126/2023, class C(nn), GU SG
 *   n. 286 del 7-12-2023 (23A06577);
 * - Blenrep BVd/BPd: no act found for the 2025 combination indications. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evaluate/evaluate.h"
#include "helpers.h"
#include "kb/kb_reimbursement.h"
#include "mmpath.h"

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

static const mm_indication *indication(const mm_option *o, const char *id) {
  for (size_t i = 0; i < o->n_indications; i++)
    if (strcmp(o->indications[i].id, id) == 0) return &o->indications[i];
  fail_msg("no indication %s of %s", id, o->id);
  return NULL;
}

static const mm_option *therapy(const char *id) {
  for (size_t i = 0; i < kb->n_options; i++)
    if (kb->options[i].kind == MM_OPT_THERAPY && strcmp(kb->options[i].id, id) == 0)
      return &kb->options[i];
  fail_msg("no therapy %s", id);
  return NULL;
}

/* Every EU indication of every therapy has one finding; no US one has. */
static void every_eu_indication_has_a_finding(void **state) {
  (void)state;
  const mm_reimb_kb *rk = mm_kb_reimbursement(kb);
  assert_non_null(rk);
  assert_string_equal(rk->country, "it");
  assert_string_equal(rk->authority, "AIFA");
  size_t eu = 0;
  for (size_t i = 0; i < kb->n_options; i++) {
    const mm_option *o = &kb->options[i];
    for (size_t k = 0; o->kind == MM_OPT_THERAPY && k < o->n_indications; k++) {
      const mm_reimbursement *e = mm_reimb_find(rk, o, &o->indications[k]);
      if (o->indications[k].jurisdiction == MM_JURIS_EU) {
        eu++;
        assert_non_null(e);
        assert_true(e->searched != MM_DATE_NONE);
        assert_true(e->prov.n_sources >= 1);
      } else {
        assert_null(e);
      }
    }
  }
  assert_int_equal(rk->n_entries, eu);
}

static void carvykti_and_talvey_as_in_the_gazzetta(void **state) {
  (void)state;
  const mm_reimb_kb *rk = mm_kb_reimbursement(kb);
  const mm_option *cilta = therapy("cilta-cel");
  const mm_reimbursement *e =
      mm_reimb_find(rk, cilta, indication(cilta, "eu_one_prior_len_refractory"));
  assert_non_null(e);
  assert_int_equal(e->status, MM_REIMB_C_NN);
  assert_string_equal(e->klass, "C(nn)");
  assert_string_equal(e->determination, "650/2024");
  assert_int_equal(e->determination_date, mm_date_from_ymd(2024, 10, 31));
  assert_int_equal(e->gazzetta_number, 264);
  assert_int_equal(e->gazzetta_date, mm_date_from_ymd(2024, 11, 11));
  assert_string_equal(e->gazzetta_code, "24A05909");
  assert_int_equal(e->prov.verification, MM_VERIFIED);
  assert_non_null(strstr(e->prov.sources[0], "https://www.gazzettaufficiale.it/"));
  const mm_option *talq = therapy("talquetamab");
  e = mm_reimb_find(rk, talq, indication(talq, "eu_monotherapy"));
  assert_non_null(e);
  assert_int_equal(e->status, MM_REIMB_C_NN);
  assert_string_equal(e->determination, "126/2023");
  assert_int_equal(e->gazzetta_number, 286);
  assert_int_equal(e->gazzetta_date, mm_date_from_ymd(2023, 12, 7));
  /* the US indication has no Italian finding */
  assert_null(mm_reimb_find(rk, talq, indication(talq, "us_monotherapy")));
  const mm_option *bela = therapy("belantamab");
  e = mm_reimb_find(rk, bela, indication(bela, "eu_bvd"));
  assert_non_null(e);
  assert_int_equal(e->status, MM_REIMB_NOT_FOUND);
  assert_null(e->klass);
  assert_int_equal(e->gazzetta_date, MM_DATE_NONE);
  assert_int_equal(e->searched, mm_date_from_ymd(2026, 12, 7));
}

static void jurisdiction_codes(void **state) {
  (void)state;
  mm_jurisdiction j;
  assert_true(mm_jurisdiction_parse("it", &j));
  assert_int_equal(j, MM_JURIS_IT);
  assert_true(mm_jurisdiction_parse("us", &j));
  assert_int_equal(j, MM_JURIS_US);
  assert_false(mm_jurisdiction_parse("IT", &j));
  assert_false(mm_jurisdiction_parse(NULL, &j));
  assert_string_equal(mm_jurisdiction_code(MM_JURIS_IT), "it");
  assert_int_equal(mm_jurisdiction_labels(MM_JURIS_IT), MM_JURIS_EU);
  assert_int_equal(mm_jurisdiction_labels(MM_JURIS_US), MM_JURIS_US);
}

/* ---- the public API ---- */

static char *demo(const char *name, size_t *len) {
  char path[4096];
  snprintf(path, sizeof path, "%s/demo/patients/%s", MMPATH_SOURCE_DIR, name);
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = malloc((size_t)n + 1);
  assert_non_null(text);
  assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
  text[n] = '\0';
  fclose(f);
  *len = (size_t)n;
  return text;
}

static mmpath_evaluation *evaluate(const char *text, size_t len, mmpath_jurisdiction j) {
  mmpath_options o = MMPATH_OPTIONS_INIT;
  o.jurisdiction = j;
  mmpath_evaluation *ev = NULL;
  assert_int_equal(mmpath_evaluation_new(&ev, NULL, kb, text, len, &o), MMPATH_OK);
  return ev;
}

/* it: the verdicts of eu, each therapy with its finding; eu: none. */
static void public_api_it_is_eu_plus_reimbursement(void **state) {
  (void)state;
  size_t len;
  char *text = demo("01-second-relapse.json", &len);
  mmpath_evaluation *it = evaluate(text, len, MMPATH_JURISDICTION_IT);
  mmpath_evaluation *eu = evaluate(text, len, MMPATH_JURISDICTION_EU);
  assert_int_equal(mmpath_evaluation_jurisdiction(it), MMPATH_JURISDICTION_IT);
  assert_int_equal(mmpath_evaluation_option_count(it), mmpath_evaluation_option_count(eu));
  for (size_t i = 0; i < mmpath_evaluation_option_count(it); i++) {
    const mmpath_option *a = mmpath_evaluation_option(it, i), *b = mmpath_evaluation_option(eu, i);
    assert_string_equal(mmpath_option_id(a), mmpath_option_id(b));
    assert_int_equal(mmpath_option_verdict(a), mmpath_option_verdict(b));
    const char *ia = mmpath_option_indication(a), *ib = mmpath_option_indication(b);
    assert_true(ia == ib || (ia && ib && strcmp(ia, ib) == 0));
    assert_null(mmpath_option_reimbursement(b));
    bool therapy_with_indication = mmpath_option_kind(a) == MMPATH_KIND_THERAPY && ia;
    assert_int_equal(mmpath_option_reimbursement(a) != NULL, therapy_with_indication);
  }
  const mmpath_option *cilta = mmpath_evaluation_find(it, "cilta-cel");
  assert_string_equal(mmpath_option_reimbursement(cilta), "c_nn");
  char buf[512];
  assert_int_equal(mmpath_option_reimbursement_text(buf, sizeof buf, cilta, MMPATH_LANG_IT),
                   MMPATH_OK);
  assert_string_equal(buf, "Rimborsabilità AIFA: classe C(nn) (non ancora valutato ai fini della "
                           "rimborsabilità), Det. 650/2024, GU n.264 del 11/11/2024");
  assert_int_equal(mmpath_option_reimbursement_text(buf, sizeof buf,
                                                    mmpath_evaluation_find(it, "belantamab"),
                                                    MMPATH_LANG_EN),
                   MMPATH_OK);
  assert_string_equal(buf, "AIFA reimbursement: not found (searched 2026-12-07)");
  char small[8];
  assert_int_equal(mmpath_option_reimbursement_text(small, sizeof small, cilta, MMPATH_LANG_EN),
                   MMPATH_ERROR);
  assert_int_equal(mmpath_option_reimbursement_text(buf, sizeof buf,
                                                    mmpath_evaluation_find(eu, "cilta-cel"),
                                                    MMPATH_LANG_EN),
                   MMPATH_ENOTFOUND);
  assert_string_equal(buf, "");
  /* a guideline regimen never carries one */
  assert_null(mmpath_option_reimbursement(mmpath_evaluation_option(it, 0)));
  mmpath_evaluation_free(it);
  mmpath_evaluation_free(eu);
  free(text);
}

/* An out-of-range jurisdiction is still refused. */
static void public_api_refuses_unknown_jurisdiction(void **state) {
  (void)state;
  size_t len;
  char *text = demo("01-second-relapse.json", &len);
  mmpath_options o = MMPATH_OPTIONS_INIT;
  o.jurisdiction = (mmpath_jurisdiction)3;
  mmpath_evaluation *ev = NULL;
  assert_int_equal(mmpath_evaluation_new(&ev, NULL, kb, text, len, &o), MMPATH_ERROR);
  assert_null(ev);
  free(text);
}

/* A kb whose file names an indication the therapy does not have fails to
 * load, at that line. */
static void unknown_indication_fails_the_kb(void **state) {
  (void)state;
  char dir[64];
  test_kb_copy(dir, "reimbursement/it.yaml", "indication: eu_bpd", "indication: eu_bpx");
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_diags d;
  mm_diags_init(&d, &a);
  mm_kb *bad = NULL;
  assert_int_equal(mm_kb_load(&bad, dir, &d), -1);
  assert_null(bad);
  bool found = false;
  for (const mm_diag *x = d.head; x; x = x->next)
    if (x->level == MM_DIAG_ERROR && x->code == MM_E_UNKNOWN_NAME && x->line > 0 &&
        strstr(x->source, "reimbursement/it.yaml") &&
        strstr(x->text, "unknown indication 'eu_bpx' of therapy 'belantamab'"))
      found = true;
  assert_true(found);
  mm_arena_free(&a);
  test_kb_remove(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_eu_indication_has_a_finding),
      cmocka_unit_test(carvykti_and_talvey_as_in_the_gazzetta),
      cmocka_unit_test(jurisdiction_codes),
      cmocka_unit_test(public_api_it_is_eu_plus_reimbursement),
      cmocka_unit_test(public_api_refuses_unknown_jurisdiction),
      cmocka_unit_test(unknown_indication_fails_the_kb),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
