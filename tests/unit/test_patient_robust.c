/* test_patient_robust.c: bad input never crashes. Thousands of records made
 * by damaging the demo patients byte by byte (fixed seed, so a failure
 * repeats) go through the whole path: JSON, record, facts, every option,
 * rendering. Each one must either be refused with at least one error that
 * names where, or be evaluated; under ASan/UBSan any memory error fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evaluate/evaluate.h"
#include "helpers.h"
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

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) n = 0;
  fclose(f);
  if (buf) buf[n] = '\0';
  *len = (size_t)n;
  return buf;
}

/* xorshift64*: a fixed sequence, no global state. */
static unsigned long long next(unsigned long long *s) {
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return *s * 2685821657736338717ULL;
}

static void damage(char *buf, size_t len, unsigned long long *seed) {
  static const char tokens[] = "{}[]\":,-0123456789.eE \\nulltruefalse\x01\xff\xc3";
  int edits = 1 + (int)(next(seed) % 4);
  for (int i = 0; i < edits && len; i++) {
    size_t at = next(seed) % len;
    switch (next(seed) % 4) {
    case 3: /* a letter or digit for another: the JSON usually stays valid */
      {
        static const char alnum[] = "0123456789abcdefghijklmnopqrstuvwxyzRVdDKP";
        for (size_t tries = 0; tries < 16; tries++, at = next(seed) % len) {
          char c = buf[at];
          if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            buf[at] = alnum[next(seed) % (sizeof alnum - 1)];
            break;
          }
        }
      }
      break;
    case 0: buf[at] = tokens[next(seed) % (sizeof tokens - 1)]; break;
    case 1: buf[at] = (char)(next(seed) & 0xff); break;
    default: /* swap two bytes */
      {
        size_t other = next(seed) % len;
        char t = buf[at];
        buf[at] = buf[other];
        buf[other] = t;
      }
    }
  }
}

static void run_one(const char *text, size_t len, size_t *refused, size_t *evaluated) {
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_diags d;
  mm_diags_init(&d, &a);
  mm_patient *p = NULL;
  if (mm_patient_read(&p, &a, kb, text, len, "fuzz", &d) != 0) {
    assert_null(p);
    assert_true(d.errors > 0);
    mm_strbuf b;
    mm_strbuf_init(&b, 0);
    mm_render_diags_json(&b, &d);
    assert_non_null(strstr(b.data, "\"errors\":[{"));
    mm_strbuf_free(&b);
    (*refused)++;
  } else {
    mm_facts *f;
    mm_evaluation *ev;
    mm_eval_options o = MM_EVAL_OPTIONS_INIT;
    assert_int_equal(mm_facts_derive(&f, &a, kb, p, true, &d), 0);
    assert_int_equal(mm_evaluate(&ev, &a, kb, f, &o), 0);
    mm_strbuf b;
    mm_strbuf_init(&b, 0);
    mm_render_evaluation_json(&b, ev, MM_LANG_IT);
    mm_render_evaluation_text(&b, ev, MM_LANG_EN);
    mm_render_evaluation_html(&b, ev, MM_LANG_IT);
    assert_false(b.failed);
    mm_strbuf_free(&b);
    (*evaluated)++;
  }
  mm_arena_free(&a);
}

static void test_patient_robust__damaged_records_never_crash(void **s) {
  (void)s;
  const char *names[] = {"01-second-relapse.json", "02-newly-diagnosed.json",
                         "03-first-relapse-len-refractory.json", "04-penta-refractory.json",
                         "05-incomplete-record.json"};
  unsigned long long seed = 0x6d6d70617468ULL; /* "mmpath" */
  size_t refused = 0, evaluated = 0;
  for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/demo/patients/%s", MMPATH_SOURCE_DIR, names[k]);
    size_t len = 0;
    char *orig = slurp(path, &len);
    assert_non_null(orig);
    size_t refused_before = refused;
    run_one(orig, len, &refused, &evaluated); /* the original is valid */
    assert_int_equal(refused, refused_before);
    char *buf = malloc(len + 1);
    for (int i = 0; i < 2000; i++) {
      memcpy(buf, orig, len + 1);
      damage(buf, len, &seed);
      run_one(buf, len, &refused, &evaluated);
      /* and truncated anywhere */
      run_one(buf, next(&seed) % (len + 1), &refused, &evaluated);
    }
    free(buf);
    free(orig);
  }
  /* Both outcomes occur: damage is refused with a path, or harmless. */
  assert_true(refused > 1000);
  printf("damaged records: %zu refused with errors, %zu evaluated\n", refused, evaluated);
  assert_true(evaluated > 100);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_patient_robust__damaged_records_never_crash),
  };
  return cmocka_run_group_tests_name("patient_robust", tests, setup, teardown);
}
