/* evaluate_internal.h: what the files of the evaluation share (not for other
 * modules): evaluate.c runs the options, supportive.c the supportive care. */
#ifndef MM_EVALUATE_INTERNAL_H
#define MM_EVALUATE_INTERNAL_H
#include "evaluate/evaluate.h"

/* The inputs that would decide a rule left unknown, from its trace (see
 * mm_criterion_result): distinct, in order, in arena; *out untouched when
 * there are none. */
void mm_eval_find_missing(const mm_evaluation *ev, mm_arena *arena, const int *unknown,
                          size_t n_unknown, const char *const **out, size_t *n_out);
/* A copy of trace in arena, trimmed (NULL when out of memory). */
const mm_trace *mm_eval_keep_trace(mm_arena *arena, const mm_rule_trace *trace);

/* candidate_car_t, candidate_bispecific from the options just evaluated;
 * their explanations, when explaining, in arena. */
void mm_eval_set_candidates(mm_evaluation *ev, mm_arena *arena);
/* ev->supportive: every item of kb/supportive_care.yaml, its result. */
void mm_eval_supportive(mm_evaluation *ev, mm_arena *arena);

#endif
