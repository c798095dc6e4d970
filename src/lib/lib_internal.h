/* lib_internal.h: inside src/lib only. The objects behind the opaque
 * handles of include/mmpath.h.
 *
 * The public option, criterion, supportive-care, value and problem handles
 * are the evaluation's own structs (mm_option_result, ... of
 * src/evaluate/evaluate.h, mm_diag): the API walks the tree, it does not
 * copy it. Only the roots below are the library's: they own the memory. */
#ifndef MM_LIB_INTERNAL_H
#define MM_LIB_INTERNAL_H
#include "evaluate/evaluate.h"
#include "lib/lib.h"

struct mmpath_evaluation {
  mm_arena arena;     /* owns the record, the facts, the tree, and this index */
  mm_diags diags;     /* the facts' warnings point here */
  mm_evaluation *tree;
  const int *fact_slots; /* the facts listed (as the `facts` object), in slot order */
  size_t n_facts;
  /* A context's fact_slots, made once (they depend on the kb alone), or
   * NULL: made in the arena for every evaluation. */
  const int *kept_slots;
  size_t n_kept_slots;
  char as_of[11];
  struct mm_rule_memo *memo; /* a context's (rule_memo.h); NULL otherwise */
  /* a context's screening plan of the call's jurisdiction (evaluate_screen.h),
   * for an answer without explanations; NULL otherwise */
  const struct mm_screen_plan *plan;
};

struct mmpath_problems {
  mm_arena arena;
  mm_diags diags;       /* every diagnostic: the text rendering shows warnings too */
  const mm_diag **errors; /* the errors only: what the accessors list */
  size_t n_errors;
};

/* opts (NULL: the defaults) checked and copied into *o: 0 or MMPATH_ERROR
 * (another version, or a value out of range). */
int mm_lib_options(mmpath_options *o, const mmpath_options *opts);

/* The facts an evaluation lists (mmpath_evaluation.fact_slots) into slots,
 * room for kb->n_facts; returns how many. */
size_t mm_lib_fact_slots(int *slots, const mmpath_kb *kb);

struct mm_json;
/* Reads, derives and evaluates a record into e, whose arena is ready (new or
 * reset): one of text (len bytes) or root is the record; o checked; only as
 * mm_eval_options.only; explain false makes no explanation (no traces, no
 * reasons of facts: the compact answer reads none). MMPATH_OK;
 * MMPATH_EINVALID with the problems in e->diags; MMPATH_ENOMEM. */
int mm_lib_evaluation_fill(mmpath_evaluation *e, const mmpath_kb *kb, const char *text,
                           size_t len, const struct mm_json *root, const mmpath_options *o,
                           const char *const *only, bool explain);
/* mmpath_evaluation_new, explained or not (see above). */
int mm_lib_evaluation_new_ex(mmpath_evaluation **out, mmpath_problems **problems_out,
                             const mmpath_kb *kb, const char *record, size_t len,
                             const mmpath_options *opts, bool explain);

#endif
