/* helpers.h: shared by the cmocka tests. */
#ifndef MM_TEST_HELPERS_H
#define MM_TEST_HELPERS_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* Path of a file under tests/data (MMPATH_TESTDATA), in a static buffer. */
const char *test_data_path(const char *name);
/* The knowledge base directory (MMPATH_KB). */
const char *test_kb_dir(void);

struct mm_kb;
/* Loads the knowledge base of test_kb_dir() into *out, printing its
 * problems; 0 or -1, for a cmocka group setup. */
int test_kb_load(struct mm_kb **out);

/* A copy of the knowledge base in a new directory under /tmp (its path into
 * dir, 64 bytes), with one file changed: in kb-relative `file`, `to` in place
 * of the first `from` (which must be there), or, when from is NULL, `to` as
 * its whole text. Fails the test on any error. */
void test_kb_copy(char dir[64], const char *file, const char *from, const char *to);
/* Removes such a copy and everything in it. */
void test_kb_remove(const char *dir);

/* One record read, its facts derived and evaluated, all in one arena. */
#include "evaluate/evaluate.h"
#include "facts/facts.h"
#include "patient/patient.h"
typedef struct test_run {
  mm_arena arena;
  mm_diags diags;
  mm_patient *p;
  mm_facts *f;
  mm_evaluation *ev;
  int rc;
} test_run;
/* Evaluates the record json with the knowledge base kb in jurisdiction j;
 * fails the test (printing the diagnostics) when it cannot. Release with
 * test_run_done(). */
void test_run_evaluate(test_run *r, const struct mm_kb *kb, const char *json, mm_jurisdiction j);
void test_run_done(test_run *r);

/* Checks on an evaluation's result tree (src/evaluate/evaluate.h). */
struct mm_option_result;
struct mm_criterion_result;
/* The criterion cid of an option; fails the test when absent. */
const struct mm_criterion_result *test_crit(const struct mm_option_result *o, const char *cid);
/* The option's status is want (eligible MM_TRUE, not eligible MM_FALSE,
 * unknown MM_UNKNOWN); else prints every criterion and fails. */
void test_expect_status(const struct mm_option_result *o, int want);
/* Not eligible, and the criteria that fail are exactly `failing`
 * (space-separated ids, in order). */
void test_expect_fails(const struct mm_option_result *o, const char *failing);

#endif
