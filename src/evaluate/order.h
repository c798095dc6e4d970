/* order.h: inside src/evaluate: the refractoriness finding of an option and
 * the order of the options (docs/kb-options.md "Principles" and "Order of
 * the options"). Used by evaluate.c only; renderers read the tree. */
#ifndef MM_EVAL_ORDER_H
#define MM_EVAL_ORDER_H
#include "evaluate/evaluate.h"

/* Refractoriness to what option o relies on (its regimen's drugs, or the
 * product's), under ev->kb->refractoriness, from the facts of ev; in arena.
 * NULL when nothing is checked (no principle in the kb, or only drugs the
 * principle does not count) or out of memory (arena->failed says which). */
const mm_refractoriness *mm_eval_refractoriness(const mm_evaluation *ev, mm_arena *arena,
                                                const mm_option *o);

/* Sets each option's tier and sorts ev->options by it, stably (kb order
 * within a tier). Returns 0, or -1 out of memory (the order unchanged). */
int mm_eval_order(mm_evaluation *ev, mm_arena *arena);

#endif
