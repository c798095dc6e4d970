/* screen.h: `mmpath screen`, registry screening at scale (docs/screen.md).
 * JSON Lines of patient records in, one result line per record out, in
 * input order, then a summary. Each record goes through the same engine as
 * a single evaluation: mm_patient_from_json -> mm_facts_derive (no
 * explanations) -> either mm_evaluate (the knowledge base's options) or the
 * analyst's own criteria (--criteria FILE). A bad record gets an error line
 * (line number, id, field paths) and the run goes on. The streaming itself
 * is src/screen/pipeline.c. */
#ifndef MM_SCREEN_H
#define MM_SCREEN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kb/kb.h"
#include "rule/rule.h"
#include "util/arena.h"
#include "util/diag.h"

/* An analyst's cohort definition: named criteria over the derived facts, in
 * the rule language. Criterion i may name criteria 0..i-1 (a criterion's id
 * shadows a fact of the same name in the criteria after it); its value
 * lives in fact slot kb->n_facts + i while a record is screened. */
typedef struct mm_screen_criterion {
  const char *id;
  const char *text;   /* optional description, or NULL */
  mm_rule *rule;
  int line;           /* where it is written */
} mm_screen_criterion;

typedef struct mm_screen_criteria {
  mm_arena arena;     /* owns everything below */
  const char *file;
  mm_screen_criterion *items;
  size_t n;
  unsigned sources;   /* the kinds of fact the criteria read (mm_kb_rule_sources) */
} mm_screen_criteria;

#define MM_SCREEN_MAX_CRITERIA 1000

/* Reads a criteria file (YAML: `criteria: [{id, when, text?}, ...]`).
 * Every problem goes into diags with file:line:col and its code (MM_E_SYNTAX,
 * MM_E_UNKNOWN_KEY, MM_E_MISSING, MM_E_TYPE, MM_E_DUPLICATE, the rule
 * compiler's MM_E_UNKNOWN_NAME...); returns 0, or -1 and *out NULL. */
int mm_screen_criteria_load(mm_screen_criteria **out, const mm_kb *kb, const char *path,
                            mm_diags *diags);
/* Same, from text (name is used in diagnostics). */
int mm_screen_criteria_parse(mm_screen_criteria **out, const mm_kb *kb, const char *name,
                             const char *text, size_t len, mm_diags *diags);
void mm_screen_criteria_free(mm_screen_criteria *c);

typedef enum { MM_SCREEN_JSONL = 0, MM_SCREEN_CSV = 1 } mm_screen_format;

typedef struct mm_screen_options {
  const mm_kb *kb;
  const mm_screen_criteria *criteria; /* NULL: the knowledge base's options */
  const char *const *only;  /* option or criterion ids to report, NULL-ended; NULL: all */
  mm_screen_format format;
  mm_jurisdiction jurisdiction;
  int threads;              /* <= 0: one per online CPU */
  size_t block_size;        /* input bytes per batch; 0: default (2 MiB) */
  size_t max_line;          /* longest record; 0: default (1 MiB) */
  int progress_fd;          /* -1: no progress line */
  uint64_t total_bytes;     /* input size for the ETA, 0 if unknown */
} mm_screen_options;

typedef struct mm_screen_totals {
  uint64_t records, malformed, screened;
  double seconds;
} mm_screen_totals;

/* Screens in_fd to out_fd. The summary follows the records on out_fd for
 * JSON Lines, and goes to summary_fd for CSV (so the CSV stays one table).
 * Returns 0 when every record was read and written (bad records included);
 * -1 on an I/O error or out of memory (message on stderr). */
int mm_screen_run(mm_screen_totals *out, int in_fd, int out_fd, int summary_fd,
                  const mm_screen_options *opts);

#endif
