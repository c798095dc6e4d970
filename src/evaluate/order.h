/* order.h: inside src/evaluate: the refractoriness finding of an option and
 * the order of the options (docs/kb-options.md "Principles" and "Order of
 * the options"). Used by evaluate.c only; renderers read the tree. */
#ifndef MM_EVAL_ORDER_H
#define MM_EVAL_ORDER_H
#include "evaluate/evaluate.h"

/* The drugs option r relies on: its regimen's; or the product's and those
 * the deciding indication gives with it (r->indication), distinct. *n gets
 * their number; the array is in arena (NULL when none or out of memory). */
const int *mm_eval_option_drugs(const mm_option_result *r, mm_arena *arena, size_t *n);

/* Refractoriness to what option r relies on (mm_eval_option_drugs), under
 * ev->kb->refractoriness, from the facts of ev; in arena. NULL when nothing
 * is checked (no principle in the kb, or only drugs the principle does not
 * count) or out of memory (arena->failed says which). */
const mm_refractoriness *mm_eval_refractoriness(const mm_evaluation *ev, mm_arena *arena,
                                                const mm_option_result *r);

/* Only the verdict of that finding (its `refractory`; MM_FALSE when nothing
 * is checked): what the tier needs, without naming the drugs. */
mm_tv mm_eval_refractory(const mm_evaluation *ev, mm_arena *arena, const mm_option_result *r);

/* The tier of option o of this status whose finding's verdict is
 * refractory (as mm_option_result.refractory). */
mm_tier mm_eval_tier(mm_tv status, mm_tv refractory, const mm_option *o);

/* Sets each option's tier (from r->refractory) and sorts ev->options by it, stably (kb order
 * within a tier). Returns 0, or -1 out of memory (the order unchanged). */
int mm_eval_order(mm_evaluation *ev, mm_arena *arena);

#endif
