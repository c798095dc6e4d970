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
  char as_of[11];
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

#endif
