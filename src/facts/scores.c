/* scores.c: the scores among the facts (frailty, ISS, R-ISS, R2-ISS). */
#include "facts/facts_internal.h"

void mm_derive_scores(mm_deriving *d) {
  (void)d;
}
