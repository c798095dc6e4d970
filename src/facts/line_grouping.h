/* line_grouping.h: drug periods grouped into lines of therapy, for sources
 * that record what was given and when but not the lines (a FHIR import).
 *
 * A heuristic, not the IMWG definition: the clinician must check the lines
 * it makes (docs/fhir.md). Periods of the same drug at most gap_days apart
 * merge into one exposure (the OMOP drug-era convention; gap_days is data,
 * kb/fhir.yaml line_grouping.gap_days); exposures that overlap in time form
 * one line; a progression ends the latest line that started before it.
 *
 * Neutral types only (drug ids, dates, stop reason ids): the caller maps its
 * own input to them and reports what the grouping could not decide. */
#ifndef MM_LINE_GROUPING_H
#define MM_LINE_GROUPING_H
#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/date.h"

/* One period of one drug. */
typedef struct mm_drug_period {
  int drug;           /* the caller's drug id (an index into kb->drugs): only compared */
  mm_date start, end; /* end MM_DATE_NONE: ongoing */
  size_t order;       /* the caller's input order: breaks ties, so the result is stable */
  int stop;           /* the caller's stop reason id, -1 when none was given */
} mm_drug_period;

/* One line of therapy. */
typedef struct mm_grouped_line {
  mm_date start, end;     /* end MM_DATE_NONE: ongoing */
  mm_drug_period *drugs;  /* one per drug, with its own dates and stop reason */
  size_t n_drugs;
  mm_date progression;    /* MM_DATE_NONE unless mm_lines_attach_progression set it */
  int stop;               /* the line's stop reason id, -1: none */
  bool stop_conflict;     /* the drugs ending the line gave different stop reasons
                           * (stop is then -1): the caller reports it */
} mm_grouped_line;

/* Groups n periods into lines ordered by start. Same-drug periods whose
 * start is at most gap_days after the previous one's end merge (the later
 * end, and its stop reason, win); an exposure that starts on or before the
 * end of the current line joins it, else it starts the next line; the same
 * drug twice in one line is one entry with the outer dates. A line's stop
 * reason is that of the drugs that end with it, when they agree.
 *
 * periods is reordered and overwritten; each line's drugs are a slice of
 * it, so it must outlive the lines. The lines are allocated in arena.
 * Returns 0 with *out (NULL when n is 0) and *n_out, or -1 when out of
 * memory (*out NULL, *n_out 0, arena->failed set). */
int mm_lines_group(mm_grouped_line **out, size_t *n_out, mm_arena *arena,
                   mm_drug_period *periods, size_t n, int gap_days);

/* What mm_lines_attach_progression did with one progression. */
typedef enum {
  MM_LINES_PROGRESSION_SET,     /* lines[*line] now ends in it */
  MM_LINES_PROGRESSION_NO_LINE, /* no line started before it: left out */
  MM_LINES_PROGRESSION_ALREADY  /* lines[*line] already ended in a progression: left out */
} mm_lines_progression;

/* Attaches a progression on date to the latest line that started before
 * that date. Give the progressions in date order: the first after a line's
 * start ends it. *line: the index of the line concerned (not set for
 * MM_LINES_PROGRESSION_NO_LINE). */
mm_lines_progression mm_lines_attach_progression(mm_grouped_line *lines, size_t n_lines,
                                                 mm_date date, size_t *line);

#endif
