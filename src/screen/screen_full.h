/* screen_full.h: full screening's record (`mmpath screen` without
 * --criteria): the kb's options evaluated by the screening plan
 * (evaluate/evaluate_screen.h) and written straight into the batch's output,
 * in the format of docs/screen.md. Byte for byte what screen.c's
 * mm_evaluate path writes (bench/output_equality.sh, tests/unit/test_screen.c);
 * faster because the plan shares rules between criteria and computes
 * nothing the line does not print, and every name the line repeats (option
 * ids, criterion ids, notes) is JSON made once. */
#ifndef MM_SCREEN_FULL_H
#define MM_SCREEN_FULL_H
#include <stdbool.h>
#include <stddef.h>

#include "facts/facts.h"
#include "kb/kb.h"
#include "screen/pipeline.h"
#include "util/arena.h"
#include "util/strbuf.h"

typedef struct mm_screen_full mm_screen_full;

/* What the caller (screen.c) already decided: which items are reported
 * (item_of_option: kb option index -> item, or -1; item_json: each item's id
 * as a JSON string) and where their counters start in the sink (k_items;
 * three per item: eligible, not eligible, unknown). The arrays are borrowed
 * and must outlive the object.
 * Returns 0; 1 when this path cannot promise the same bytes (an id shared
 * by two options one of which is a therapy: which one's reimbursement is
 * printed follows mm_evaluate's order by tier), *out NULL, and the caller
 * keeps mm_evaluate; -1 when out of memory. */
int mm_screen_full_new(mm_screen_full **out, const mm_kb *kb, mm_jurisdiction j,
                       const char *const *only, bool csv, const int *item_of_option,
                       const mm_strbuf *item_json, size_t n_items, size_t k_items);
void mm_screen_full_free(mm_screen_full *s);

/* One record: its line and its counters in k, scratch in arena. setting is
 * f's setting value. Returns 0, or -1 when out of memory (nothing written). */
int mm_screen_full_record(const mm_screen_full *s, mm_arena *arena, const mm_facts *f,
                          const char *id, const char *center, const mm_value *setting,
                          mm_screen_sink *k);

/* Shared by both line formats (screen.c, screen_full.c): an option's status
 * as the output names it, and which of two listings shows (the best). */
static inline const char *mm_screen_status_name(mm_tv t) {
  return t == MM_TRUE ? "eligible" : t == MM_FALSE ? "not_eligible" : "unknown";
}
static inline int mm_screen_status_rank(mm_tv t) {
  return t == MM_TRUE ? 2 : t == MM_UNKNOWN ? 1 : 0;
}

/* The CSV line (docs/screen.md), written alike by both: id,setting, then
 * each item's status (empty when the record has no listing of it), then
 * one quoted field of the deciding "option:criterion" pairs, space
 * separated. The callers differ only in where a status and a pair come
 * from (a screening-plan verdict, or an evaluation's option result). */
static inline void mm_screen_csv_head(mm_strbuf *b, const char *id, const mm_value *setting) {
  mm_strbuf_csv_field(b, id);
  mm_strbuf_putc(b, ',');
  if (setting->known) mm_strbuf_csv_field(b, setting->str);
}
static inline void mm_screen_csv_status(mm_strbuf *b, const mm_tv *status) {
  mm_strbuf_putc(b, ',');
  if (status) mm_strbuf_puts(b, mm_screen_status_name(*status));
}
/* After the statuses: the deciding pairs' field opens... */
static inline void mm_screen_csv_pairs_open(mm_strbuf *b) { mm_strbuf_puts(b, ",\""); }
/* ...each pair (*first: none written yet)... */
static inline void mm_screen_csv_pair(mm_strbuf *b, bool *first, const char *option,
                                      const char *criterion) {
  if (!*first) mm_strbuf_putc(b, ' ');
  *first = false;
  mm_strbuf_csv_inner(b, option);
  mm_strbuf_putc(b, ':');
  mm_strbuf_csv_inner(b, criterion);
}
/* ...and the line ends. */
static inline void mm_screen_csv_end(mm_strbuf *b) { mm_strbuf_puts(b, "\",\n"); }

#endif
