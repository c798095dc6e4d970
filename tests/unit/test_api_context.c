/* test_api_context.c: the context of include/mmpath.h (memory kept between
 * evaluations) and the compact answer (MMPATH_FORMAT_COMPACT,
 * mmpath/verdicts@1, docs/api.md "The compact answer"). What a caller must
 * be able to rely on: a context gives, byte for byte, what mmpath_evaluate
 * gives, whatever came before it in the same context; the compact answer
 * carries the same verdicts as the full one, names the criteria that
 * decided each verdict that is not "eligible", and is the same whether the
 * evaluation was explained or not. Only mmpath.h is used. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "mmpath.h"

static mmpath_kb *kb;

static int setup(void **state) {
  (void)state;
  char *errors = NULL;
  int rc = mmpath_kb_open(&kb, test_kb_dir(), &errors);
  if (rc != MMPATH_OK) fprintf(stderr, "%s", errors ? errors : "kb\n");
  free(errors);
  return rc == MMPATH_OK ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  mmpath_kb_free(kb);
  return 0;
}

static char *slurp(const char *dir, const char *name, size_t *len) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s/%s", MMPATH_SOURCE_DIR, dir, name);
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

/* Every demo patient, the evaluation records of tests/data (one of them
 * malformed, one not JSON at all): valid and invalid records interleaved. */
static const char *const records[][2] = {
    {"demo/patients", "01-second-relapse.json"},
    {"tests/data/evaluate", "malformed.json"},
    {"demo/patients", "02-newly-diagnosed.json"},
    {"demo/patients", "03-first-relapse-len-refractory.json"},
    {"tests/data/evaluate", "not_json.json"},
    {"demo/patients", "04-penta-refractory.json"},
    {"demo/patients", "05-incomplete-record.json"},
    {"tests/data/evaluate", "refractory_dara_kd.json"},
    {"tests/data/evaluate", "two_lines_tce.json"},
};
#define N_RECORDS (sizeof records / sizeof records[0])

/* One context for everything, twice over (the second round reads what the
 * first left in the context's memory and cache): every format, language
 * and jurisdiction gives the bytes and the status of mmpath_evaluate. */
static void context_gives_what_evaluate_gives(void **state) {
  (void)state;
  mmpath_context *ctx = NULL;
  assert_int_equal(mmpath_context_new(&ctx, kb), MMPATH_OK);
  for (int round = 0; round < 2; round++) {
    for (size_t r = 0; r < N_RECORDS; r++) {
      size_t len;
      char *text = slurp(records[r][0], records[r][1], &len);
      for (int f = MMPATH_FORMAT_JSON; f <= MMPATH_FORMAT_COMPACT; f++)
        for (int l = MMPATH_LANG_EN; l <= MMPATH_LANG_IT; l++)
          for (int j = MMPATH_JURISDICTION_EU; j <= MMPATH_JURISDICTION_IT; j++) {
            mmpath_options o = MMPATH_OPTIONS_INIT;
            o.format = (mmpath_format)f;
            o.lang = (mmpath_lang)l;
            o.jurisdiction = (mmpath_jurisdiction)j;
            char *one = NULL;
            int rc1 = mmpath_evaluate(&one, kb, text, len, &o);
            const char *out = NULL;
            size_t out_len = 0;
            int rc2 = mmpath_context_evaluate(ctx, &out, &out_len, text, len, &o);
            assert_int_equal(rc1, rc2);
            assert_non_null(one);
            assert_non_null(out);
            assert_int_equal(strlen(one), out_len);
            assert_string_equal(one, out);
            free(one);
          }
      free(text);
    }
  }
  mmpath_context_free(ctx);
  mmpath_context_free(NULL);
}

/* A context's compact answer is written from its plan's pieces straight
 * into the answer when there is room for the longest option, piece by
 * piece otherwise: its first answer (an answer buffer still empty, then
 * growing) and the next (room everywhere) are the bytes of mmpath_evaluate
 * (docs/api.md, "Contexts"), in each jurisdiction. */
static void compact_the_same_whatever_the_room(void **state) {
  (void)state;
  for (size_t r = 0; r < N_RECORDS; r++) {
    size_t len;
    char *text = slurp(records[r][0], records[r][1], &len);
    for (int j = MMPATH_JURISDICTION_EU; j <= MMPATH_JURISDICTION_IT; j++) {
      mmpath_options o = MMPATH_OPTIONS_INIT;
      o.format = MMPATH_FORMAT_COMPACT;
      o.jurisdiction = (mmpath_jurisdiction)j;
      char *one = NULL;
      int rc1 = mmpath_evaluate(&one, kb, text, len, &o);
      assert_non_null(one);
      mmpath_context *ctx = NULL;
      assert_int_equal(mmpath_context_new(&ctx, kb), MMPATH_OK);
      for (int call = 0; call < 2; call++) {
        const char *out = NULL;
        size_t out_len = 0;
        assert_int_equal(mmpath_context_evaluate(ctx, &out, &out_len, text, len, &o), rc1);
        assert_non_null(out);
        assert_int_equal(strlen(one), out_len);
        assert_string_equal(one, out);
      }
      mmpath_context_free(ctx);
      free(one);
    }
    free(text);
  }
}

/* The compact answer of the explained tree (mmpath_render) is the one the
 * fast path gives (mmpath_evaluate with MMPATH_FORMAT_COMPACT explains
 * nothing), and its verdicts are the tree's. */
static void compact_is_the_trees_verdicts(void **state) {
  (void)state;
  for (size_t r = 0; r < N_RECORDS; r++) {
    if (strcmp(records[r][0], "demo/patients") != 0) continue;
    size_t len;
    char *text = slurp(records[r][0], records[r][1], &len);
    mmpath_options o = MMPATH_OPTIONS_INIT;
    o.format = MMPATH_FORMAT_COMPACT;
    mmpath_evaluation *ev = NULL;
    assert_int_equal(mmpath_evaluation_new(&ev, NULL, kb, text, len, &o), MMPATH_OK);
    char *tree = NULL, *fast = NULL;
    assert_int_equal(mmpath_render(&tree, ev, MMPATH_FORMAT_COMPACT, MMPATH_LANG_IT), MMPATH_OK);
    assert_int_equal(mmpath_evaluate(&fast, kb, text, len, &o), MMPATH_OK);
    assert_string_equal(tree, fast);
    assert_non_null(strstr(tree, "\"schema\":\"mmpath/verdicts@1\""));
    /* every option, in the tree's order, with the tree's verdict */
    const char *at = tree;
    static const char *const words[] = {"not_eligible", "eligible", "unknown"};
    for (size_t i = 0; i < mmpath_evaluation_option_count(ev); i++) {
      const mmpath_option *opt = mmpath_evaluation_option(ev, i);
      char want[256];
      snprintf(want, sizeof want, "{\"id\":\"%s\",\"status\":\"%s\"", mmpath_option_id(opt),
               words[mmpath_option_verdict(opt)]);
      const char *hit = strstr(at, want);
      assert_non_null(hit);
      at = hit + 1;
    }
    for (size_t i = 0; i < mmpath_evaluation_trial_count(ev); i++) {
      const mmpath_option *opt = mmpath_evaluation_trial(ev, i);
      char want[256];
      snprintf(want, sizeof want, "{\"id\":\"%s\",\"status\":\"%s\"", mmpath_option_id(opt),
               words[mmpath_option_verdict(opt)]);
      const char *hit = strstr(at, want);
      assert_non_null(hit);
      at = hit + 1;
    }
    free(tree);
    free(fast);
    mmpath_evaluation_free(ev);
    free(text);
  }
}

/* What decided a verdict. 04-penta-refractory: the deck's rule that a
 * relapse regimen needs the disease not refractory to what it relies on
 * (kb/algorithm.yaml principles) excludes Dara-Kd for a patient refractory
 * to daratumumab and carfilzomib; 05-incomplete-record: no ECOG recorded,
 * so a trial asking ECOG <= 2 is unknown and names ecog as what would decide
 * it (docs/facts.md: ecog). */
static void compact_names_what_decided(void **state) {
  (void)state;
  mmpath_options o = MMPATH_OPTIONS_INIT;
  o.format = MMPATH_FORMAT_COMPACT;
  size_t len;
  char *text = slurp("demo/patients", "04-penta-refractory.json", &len);
  char *out = NULL;
  assert_int_equal(mmpath_evaluate(&out, kb, text, len, &o), MMPATH_OK);
  const char *dkd = strstr(out, "{\"id\":\"Dara-Kd\"");
  assert_non_null(dkd);
  assert_true(strncmp(dkd, "{\"id\":\"Dara-Kd\",\"status\":\"not_eligible\"", 39) == 0);
  const char *end = strchr(strstr(dkd, "\"deciding\":["), ']');
  const char *crit = strstr(dkd, "{\"id\":\"not_refractory_to_regimen\"");
  assert_non_null(crit);
  assert_true(crit < end);
  free(out);
  free(text);

  text = slurp("demo/patients", "05-incomplete-record.json", &len);
  assert_int_equal(mmpath_evaluate(&out, kb, text, len, &o), MMPATH_OK);
  assert_non_null(strstr(out, "{\"id\":\"ecog_le_2\",\"missing\":[\"ecog\"]}"));
  /* words are left to the full answer: the same bytes in both languages */
  char *it = NULL;
  o.lang = MMPATH_LANG_IT;
  assert_int_equal(mmpath_evaluate(&it, kb, text, len, &o), MMPATH_OK);
  assert_string_equal(out, it);
  free(it);
  free(out);
  free(text);
}

/* An invalid record in the compact format: the problems, as JSON. */
static void compact_problems_are_json(void **state) {
  (void)state;
  mmpath_context *ctx = NULL;
  assert_int_equal(mmpath_context_new(&ctx, kb), MMPATH_OK);
  mmpath_options o = MMPATH_OPTIONS_INIT;
  o.format = MMPATH_FORMAT_COMPACT;
  const char *out = NULL;
  const char *broken = "{\"id\": ";
  assert_int_equal(mmpath_context_evaluate(ctx, &out, NULL, broken, strlen(broken), &o),
                   MMPATH_EINVALID);
  assert_true(strncmp(out, "{\"errors\":[", 11) == 0);
  o.version = 1; /* a struct of another version is refused */
  assert_int_equal(mmpath_context_evaluate(ctx, &out, NULL, broken, strlen(broken), &o),
                   MMPATH_ERROR);
  assert_null(out);
  mmpath_context_free(ctx);
}

/* The limits of one record (mmpath.h): over them, refused at once with one
 * problem of code MMPATH_PROBLEM_LIMIT that names the limit; problems
 * listed up to MMPATH_PROBLEMS_MAX, then one that says the rest are not. */
static void records_over_the_limits_are_refused(void **state) {
  (void)state;
  mmpath_evaluation *ev = NULL;
  mmpath_problems *problems = NULL;
  /* bytes: refused before parsing (it is not even JSON) */
  size_t n = MMPATH_RECORD_MAX_BYTES + 1;
  char *big = malloc(n + 1);
  assert_non_null(big);
  memset(big, ' ', n);
  big[n] = '\0';
  assert_int_equal(mmpath_evaluation_new(&ev, &problems, kb, big, n, NULL), MMPATH_EINVALID);
  assert_int_equal(mmpath_problems_count(problems), 1);
  const mmpath_problem *p = mmpath_problems_get(problems, 0);
  assert_int_equal(mmpath_problem_error_code(p), MMPATH_PROBLEM_LIMIT);
  assert_non_null(strstr(mmpath_problem_message(p), "4194304 bytes"));
  mmpath_problems_free(problems);
  /* values: an array of MMPATH_RECORD_MAX_VALUES numbers in an object */
  size_t k = 0;
  big[k++] = '{';
  memcpy(big + k, "\"x\":[", 5);
  k += 5;
  for (size_t i = 0; i < MMPATH_RECORD_MAX_VALUES; i++) {
    big[k++] = '0';
    big[k++] = ',';
  }
  big[k - 1] = ']';
  big[k++] = '}';
  assert_int_equal(mmpath_evaluation_new(&ev, &problems, kb, big, k, NULL), MMPATH_EINVALID);
  assert_int_equal(mmpath_problems_count(problems), 1);
  p = mmpath_problems_get(problems, 0);
  assert_int_equal(mmpath_problem_error_code(p), MMPATH_PROBLEM_LIMIT);
  assert_non_null(strstr(mmpath_problem_message(p), "200000 JSON values"));
  mmpath_problems_free(problems);
  /* problems: a lab test the kb does not have, 1500 times */
  size_t len;
  char *demo = slurp("demo/patients", "01-second-relapse.json", &len);
  char *labs = strstr(demo, "\"labs\"");
  assert_non_null(labs);
  k = (size_t)(labs - demo);
  memcpy(big, demo, k);
  k += (size_t)sprintf(big + k, "\"labs\": [");
  for (int i = 0; i < 1500; i++)
    k += (size_t)sprintf(big + k, "%s{\"date\": \"2026-11-20\", \"test\": \"no_such_test\", "
                                  "\"value\": 1}", i ? ", " : "");
  k += (size_t)sprintf(big + k, "]%s", strchr(labs, ']') + 1); /* the rest of the record */
  assert_int_equal(mmpath_evaluation_new(&ev, &problems, kb, big, k, NULL), MMPATH_EINVALID);
  assert_int_equal(mmpath_problems_count(problems), MMPATH_PROBLEMS_MAX + 1);
  p = mmpath_problems_get(problems, 0);
  assert_string_equal(mmpath_problem_path(p), "labs[0].test");
  p = mmpath_problems_get(problems, MMPATH_PROBLEMS_MAX);
  assert_int_equal(mmpath_problem_error_code(p), MMPATH_PROBLEM_LIMIT);
  assert_non_null(strstr(mmpath_problem_message(p), "only the first 1000"));
  mmpath_problems_free(problems);
  free(demo);
  free(big);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(context_gives_what_evaluate_gives),
      cmocka_unit_test(compact_the_same_whatever_the_room),
      cmocka_unit_test(compact_is_the_trees_verdicts),
      cmocka_unit_test(compact_names_what_decided),
      cmocka_unit_test(compact_problems_are_json),
      cmocka_unit_test(records_over_the_limits_are_refused),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
