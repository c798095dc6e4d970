/* vignette_checks.h: the expectations a clinical vignette may state (the
 * keys of an "expect" item besides its subject, tests/vignettes/README.md)
 * and the check of each against an evaluation, read through mmpath.h only.
 * Used by the vignette runner test_vignettes.c, which reads the vignettes,
 * finds each expectation's subject and runs the checks of CHECKS on it. */
#ifndef MM_TEST_VIGNETTE_CHECKS_H
#define MM_TEST_VIGNETTE_CHECKS_H
#include <stdbool.h>
#include <stddef.h>

#include "json/json.h"
#include "mmpath.h"

/* ## The subject of an expectation */

enum {
  S_OPTION = 1,     /* a guideline regimen or approved therapy */
  S_TRIAL = 2,      /* a trial */
  S_CRITERION = 4,  /* a criterion of an option or trial */
  S_SUPPORTIVE = 8, /* a supportive-care item */
  S_FACT = 16       /* a derived fact or score */
};

typedef struct subject {
  unsigned kind;
  const mmpath_evaluation *ev;
  const mmpath_option *option; /* the option or trial (also a criterion's) */
  const mmpath_criterion *criterion;
  const mmpath_supportive *supportive;
  size_t fact;
  bool present; /* found in the evaluation */
} subject;

/* A growing message; truncation is fine for a diagnostic. */
typedef struct text {
  char buf[2048];
  size_t len;
} text;

/* Appends to t, printf-style. */
void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ## Checks: one per expectation key, each a few lines
 *
 * A check returns true when the evaluation agrees with `want`, else false
 * with what it found in `found`. `want` has already been checked against
 * the check's form (check.form), so a check only compares. To add a kind of
 * expectation: write its function, add a row to CHECKS, document it in
 * tests/vignettes/README.md. */

typedef bool (*check_fn)(const subject *s, const mm_json *want, text *found);

/* The forms a wanted value may take. */
enum {
  F_VERDICT = 1,  /* "met" | "not_met" | "unknown" */
  F_STRING = 2,   /* a non-empty string */
  F_STRINGS = 4,  /* a string or a non-empty array of strings */
  F_SCALAR = 8,   /* a number, string, true or false ("unknown": no value) */
  F_TRIBOOL = 16, /* true | false | "unknown" */
  F_NULL = 32,    /* null allowed */
  F_BOOL = 64     /* true | false */
};

/* One kind of expectation: its key in an "expect" item, what it applies to,
 * the form of its wanted value, and its check. */
struct check {
  const char *key;
  unsigned subjects; /* the S_* kinds it applies to */
  unsigned form;     /* the F_* forms of its value */
  bool absent_ok;    /* decides on its own when the subject is absent */
  check_fn run;
};

/* Every kind of expectation, N_CHECKS of them, in the order they are run. */
extern const struct check CHECKS[];
extern const size_t N_CHECKS;

/* Whether v has one of the F_* forms of `form`. */
bool form_ok(unsigned form, const mm_json *v);

#endif
