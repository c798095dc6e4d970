/* test_patient_codes.c: every diagnostic of the record reader carries a code
 * (src/util/diag.h) that callers branch on instead of the text. Each case is
 * one record with one problem that ../shared/spec/patient-record.md makes
 * invalid; the test checks the code, the field path and the exact text (the
 * texts are part of the CLI's output and must not drift). Each record is read
 * twice: with paths, and as screening reads it (MM_READ_NO_PATHS, where the
 * first error makes the reader read again with paths): same diagnostic. */
#include "helpers.h"

#include <stdio.h>
#include <string.h>

#include "kb/kb.h"
#include "patient/patient.h"

static mm_kb *kb;

static int setup(void **s) {
  (void)s;
  return test_kb_load(&kb);
}

static int teardown(void **s) {
  (void)s;
  mm_kb_free(kb);
  return 0;
}

typedef struct code_case {
  const char *what;
  const char *json;
  mm_diag_code code;
  const char *path; /* NULL: the diagnostic has none (JSON syntax) */
  const char *text;
} code_case;

/* A record of one line, as of 2026-11-25, with the given line fields. */
#define LINE(fields) "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"lines\":[{" fields "}]}"
/* A record with one lab observation. */
#define LAB(fields) "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"labs\":[{" fields "}]}"

static const code_case cases[] = {
    /* spec "Fields": the record has exactly the fields listed; the reader
     * refuses any other (a typo in clinical data must not pass silently). */
    {"unknown field", "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"birth_dtae\":\"1958-04-12\"}",
     MM_E_UNKNOWN_KEY, "birth_dtae", "unknown field; did you mean 'birth_date'?"},
    {"unknown field in a line", LINE("\"regimen\":\"VRd\",\"stat\":\"2020-01-01\""),
     MM_E_UNKNOWN_KEY, "lines[0].stat", "unknown field; did you mean 'start'?"},
    /* spec "Errors": an unknown drug, regimen, lab test, unit or comorbidity
     * code is an error. */
    {"unknown drug", LINE("\"drugs\":[\"daratumumab\",\"dexamethsone\"]"), MM_E_UNKNOWN_NAME,
     "lines[0].drugs[1]", "unknown drug 'dexamethsone'; did you mean 'dexamethasone'?"},
    {"unknown regimen", LINE("\"regimen\":\"XYZ-Q\""), MM_E_UNKNOWN_NAME, "lines[0].regimen",
     "unknown regimen 'XYZ-Q': list its drugs in \"drugs\""},
    {"unknown lab test", LAB("\"date\":\"2026-11-20\",\"test\":\"igx\",\"value\":1,"
                             "\"unit\":\"mg/dL\""),
     MM_E_UNKNOWN_NAME, "labs[0].test", "unknown lab test 'igx'; did you mean 'igg'?"},
    {"unknown unit", LAB("\"date\":\"2026-11-20\",\"test\":\"igg\",\"value\":350,"
                         "\"unit\":\"mmol/L\""),
     MM_E_UNKNOWN_NAME, "labs[0].unit",
     "unit 'mmol/L' is not accepted for igg (accepted: mg/dL, g/L)"},
    {"unknown comorbidity code",
     "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"comorbidities\":[\"heart_failur\"]}",
     MM_E_UNKNOWN_NAME, "comorbidities[0]",
     "unknown comorbidity code 'heart_failur'; did you mean 'heart_failure'?"},
    /* spec "Errors": an impossible date, e.g. a date after as_of, end before
     * start, progression before start. */
    {"start after as_of", LINE("\"regimen\":\"VRd\",\"start\":\"2027-01-10\""), MM_E_ORDER,
     "lines[0].start", "after as_of (2026-11-25)"},
    {"end before start",
     LINE("\"regimen\":\"VRd\",\"start\":\"2020-01-10\",\"end\":\"2019-12-01\""), MM_E_ORDER,
     "lines[0].end", "before start"},
    {"progression before start",
     LINE("\"regimen\":\"VRd\",\"start\":\"2020-01-10\",\"progression\":\"2019-12-01\""),
     MM_E_ORDER, "lines[0].progression", "before the line's start"},
    /* kb/vocabulary/labs.yaml `range` (the spec's unit check): a value
     * outside the plausible range is an input error, typically a unit
     * mix-up (IgG 350 g/L is 35000 mg/dL). */
    {"implausible lab value", LAB("\"date\":\"2026-11-20\",\"test\":\"igg\",\"value\":350,"
                                  "\"unit\":\"g/L\""),
     MM_E_RANGE, "labs[0].value", "350 g/L is not a plausible igg (0 to 15000 mg/dL)"},
    /* spec "Fields": ecog is 0..4. */
    {"ecog out of range", "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"ecog\":7}", MM_E_RANGE,
     "ecog", "out of range (0 to 4)"},
    /* spec "Errors": a record that is not valid JSON. */
    {"JSON syntax", "{\"id\":\"T\",\"as_of\":\"2026-11-25\",", MM_E_SYNTAX, NULL, NULL},
    /* spec "A line of therapy", regimen: an ambiguous name is an error that
     * names the candidates (IPd: isatuximab or ixazomib). */
    {"ambiguous regimen", LINE("\"regimen\":\"IPd\""), MM_E_AMBIGUOUS, "lines[0].regimen",
     NULL},
    /* spec "Errors": a wrong type. */
    {"wrong type", "{\"id\":\"T\",\"as_of\":\"2026-11-25\",\"ecog\":\"1\"}", MM_E_TYPE, "ecog",
     "must be a whole number, got string"},
    /* spec "Fields": id is required. */
    {"missing id", "{\"as_of\":\"2026-11-25\"}", MM_E_MISSING, "id",
     "missing: the pseudonymous patient id is required"},
    /* spec "A line of therapy": best_response is one of the IMWG categories. */
    {"not an IMWG category", LINE("\"regimen\":\"VRd\",\"best_response\":\"VGP\""),
     MM_E_INVALID, "lines[0].best_response",
     "'VGP' is not one of: sCR, CR, VGPR, PR, MR, SD, PD"},
    /* A drug named twice in one line. */
    {"drug listed twice", LINE("\"drugs\":[\"lenalidomide\",\"Revlimid\"]"), MM_E_DUPLICATE,
     "lines[0].drugs[1]", "'lenalidomide' is listed twice"},
};

static void read_case(const code_case *c, unsigned flags) {
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_diags d;
  mm_diags_init(&d, &a);
  mm_patient *p = NULL;
  int rc;
  if (flags) {
    size_t len = strlen(c->json);
    mm_json_error jerr;
    mm_json *root = mm_json_parse(&a, c->json, len, &jerr);
    assert_non_null(root); /* the JSON syntax case is read without flags */
    rc = mm_patient_from_json_ex(&p, &a, kb, root, "test", &d, flags);
  } else {
    rc = mm_patient_read(&p, &a, kb, c->json, strlen(c->json), "test", &d);
  }
  const mm_diag *x = d.head;
  if (rc != -1 || d.errors != 1 || !x) {
    for (const mm_diag *y = d.head; y; y = y->next)
      fprintf(stderr, "  %s: %s [%s]\n", y->path ? y->path : "-", y->text,
              mm_diag_code_name(y->code));
    fail_msg("%s: want one error, got rc %d and %zu errors", c->what, rc, d.errors);
  }
  if (x->code != c->code)
    fail_msg("%s: code %s, want %s (%s: %s)", c->what, mm_diag_code_name(x->code),
             mm_diag_code_name(c->code), x->path ? x->path : "-", x->text);
  if (c->path) assert_string_equal(x->path, c->path);
  else assert_null(x->path);
  if (c->text) assert_string_equal(x->text, c->text);
  mm_arena_free(&a);
}

static void test_patient_codes__each_problem_has_its_code(void **s) {
  (void)s;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) read_case(&cases[i], 0);
}

/* Screening's first pass reads without paths; the second, explaining pass
 * must give the same code. */
static void test_patient_codes__same_code_without_paths(void **s) {
  (void)s;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    if (cases[i].code != MM_E_SYNTAX) read_case(&cases[i], MM_READ_NO_PATHS);
}

/* The JSON syntax error points at the place: line and column. */
static void test_patient_codes__json_syntax_has_position(void **s) {
  (void)s;
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_diags d;
  mm_diags_init(&d, &a);
  mm_patient *p;
  const char *json = "{\"id\":\"T\",\n \"ecog\": 1,,\n}";
  assert_int_equal(mm_patient_read(&p, &a, kb, json, strlen(json), "test", &d), -1);
  assert_non_null(d.head);
  assert_int_equal(d.head->code, MM_E_SYNTAX);
  assert_int_equal(d.head->line, 2);
  assert_non_null(strstr(d.head->text, "invalid JSON: "));
  mm_arena_free(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_patient_codes__each_problem_has_its_code),
      cmocka_unit_test(test_patient_codes__same_code_without_paths),
      cmocka_unit_test(test_patient_codes__json_syntax_has_position),
  };
  return cmocka_run_group_tests_name("patient_codes", tests, setup, teardown);
}
