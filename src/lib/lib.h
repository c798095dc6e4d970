/* lib.h: what the library gives the layers above it (src/cds, src/server)
 * beyond the public API (include/mmpath.h), with the same handles and
 * returns. The objects behind the handles are lib_internal.h. */
#ifndef MM_LIB_H
#define MM_LIB_H
#include "mmpath.h"

struct mm_json;

/* mmpath_evaluation_new of a record already parsed (a CDS Hooks request's
 * prefetch): record and the arena that holds it must outlive *out, whose
 * strings may point into it. Problems have the positions of record's nodes
 * and paths relative to it. */
int mm_lib_evaluation_from_json(mmpath_evaluation **out, mmpath_problems **problems_out,
                                const mmpath_kb *kb, const struct mm_json *record,
                                const mmpath_options *opts);

/* As mmpath_evaluation_new, but no option is evaluated, for who wants only
 * the facts (mmpath_facts, POST /api/v1/facts): the evaluation has the
 * facts and no option, trial or supportive-care item. */
int mm_lib_facts_new(mmpath_evaluation **out, mmpath_problems **problems_out,
                     const mmpath_kb *kb, const char *record, size_t len,
                     const mmpath_options *opts);

#endif
