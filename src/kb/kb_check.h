/* kb_check.h: what `mmpath kb check` verifies beyond what loading enforces:
 * that every source can be opened by the clinician who reads it, that every
 * entry not verified says when its primary source was last searched, and
 * which pending decisions of the watch list are due (docs/kb-format.md
 * "Sources", "The watch list"). Loading does not run these: a kb with a
 * badly written source still evaluates, but does not pass the check. */
#ifndef MM_KB_CHECK_H
#define MM_KB_CHECK_H
#include <stddef.h>

#include "kb/kb.h"
#include "util/arena.h"
#include "util/date.h"
#include "util/diag.h"

/* The source rule, a syntactic one: a source is a primary, addressable
 * reference when it contains at least one identifier a reader can look up —
 * an http(s) URL, a DOI, a PMID, a trial-registry id (NCT, EudraCT, EU CT
 * (CTIS), ISRCTN), a Gazzetta Ufficiale reference "GU ... n. N" with its
 * date, an EU number (EU/1/yy/nnn), an FDA application number (BLA, NDA,
 * ANDA + 6 digits) or a document of this product (docs/NAME.md) — and names
 * no file outside the product (shared/..., ../, file:, an absolute path).
 * Returns NULL when source passes, else why not (a static string). */
const char *mm_kb_source_problem(const char *source);

/* The checks on a loaded kb, as of a date (normally today):
 * - every string under a `sources` key, in every file, passes the source
 *   rule: else an error at its file:line:col (MM_E_INVALID);
 * - every entry marked `verification: secondary` or `unverified` has a
 *   `searched` date, its own or an enclosing entry's: else an error at its
 *   `verification` (MM_E_MISSING);
 * - every watch-list item whose `expected` date is before as_of: a warning
 *   "decision date passed: re-check" at the item; one without a passed
 *   expected date whose `recheck` date is before as_of: "re-check date
 *   passed: search again".
 * Problems go into diags. Returns the number of errors added. */
size_t mm_kb_check(const mm_kb *kb, mm_date as_of, mm_diags *diags);

/* An entry that is not verified, as `mmpath kb check` lists it. */
typedef struct mm_kb_review {
  const char *file;  /* the path read (DIR/therapies/x.yaml) */
  int line;
  const char *what;  /* its id (or regimen, or system and code); a file-wide entry: "(file)" */
  mm_verification verification;
  mm_date searched;  /* its own or an enclosing entry's; MM_DATE_NONE if none */
} mm_kb_review;

/* Every entry that says `verification: secondary` or `unverified`, in the
 * order of the files and of their text, as an array in arena (owned by the
 * arena); *n is its length. NULL and *n = 0 when there is none or memory
 * ran out. */
mm_kb_review *mm_kb_review_list(const mm_kb *kb, mm_arena *arena, size_t *n);

#endif
