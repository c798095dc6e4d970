/* line_grouping.h: lines of therapy from what a source records of the
 * treatment (drug periods, progressions, transplants, leukaphereses), by
 * the IMWG definition (Rajkumar SV, Richardson P, San Miguel JF. Guidelines
 * for determination of the number of prior lines of therapy in multiple
 * myeloma. Blood 2015;126(7):921-922, doi:10.1182/blood-2015-05-647636):
 *
 * - a line is one or more cycles of a planned treatment: induction,
 *   transplant (with its conditioning), consolidation and maintenance are
 *   one line;
 * - a new line starts when the planned course is modified to include other
 *   agents because of progression, relapse or toxicity, or when a period off
 *   therapy is interrupted by a need for treatment; a drug stopped for
 *   toxicity while the others go on is not a new line;
 * - corticosteroids never start, end or join lines (the caller marks them
 *   MM_LG_STEROID); supportive drugs are not given here at all;
 * - therapy between leukapheresis and a CAR-T infusion (bridging, with the
 *   lymphodepletion) belongs to the CAR-T line.
 *
 * Where the records cannot decide (a drug added to a running line with no
 * reason, a switch with no reason, a restart after a pause with no
 * progression recorded, therapy long after a transplant, bridging with no
 * leukapheresis recorded, a steroid given alone) the line is marked
 * provisional with the reason: the caller must then not count the lines.
 *
 * Neutral types only (drug ids, dates, stop reason ids): the caller maps its
 * own input to them and words the reasons. */
#ifndef MM_LINE_GROUPING_H
#define MM_LINE_GROUPING_H
#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/date.h"

/* What a drug is to the grouping. */
typedef enum {
  MM_LG_ACTIVE,  /* an anti-myeloma drug */
  MM_LG_STEROID, /* dexamethasone, prednisone: listed in the lines they overlap, never a bound */
  MM_LG_CELL     /* a CAR-T product: its start is the infusion */
} mm_lg_role;

/* The caller's stop reason ids that the grouping reads (the others are
 * only carried). */
typedef struct mm_lg_stops {
  int progression, toxicity; /* -1: none of the caller's ids means it */
} mm_lg_stops;

/* One period of one drug. */
typedef struct mm_drug_period {
  int drug;           /* the caller's drug id: only compared */
  mm_date start, end; /* end MM_DATE_NONE: ongoing */
  size_t order;       /* the caller's input order: breaks ties, so the result is stable */
  int stop;           /* the caller's stop reason id, -1 when none was given */
  int role;           /* mm_lg_role */
  bool order_only;    /* only an order date is known (start = end = it): the drug
                       * is placed by it, its own dates are not known */
} mm_drug_period;

/* Why a line is provisional. */
typedef enum {
  MM_LG_SURE = 0,
  MM_LG_ADDED,       /* `drug` added on `date` to a running line, no reason recorded */
  MM_LG_SWITCH,      /* `drug` replaced another on `date`, no reason recorded */
  MM_LG_RESTART,     /* therapy resumed on `date` after a pause, no progression recorded */
  MM_LG_LATE_MAINT,  /* `drug` started on `date`, long after the transplant */
  MM_LG_NO_APHERESIS,/* therapy before the CAR-T of `date`: bridging? no leukapheresis recorded */
  MM_LG_STEROID_ALONE/* `drug` (a steroid) alone from `date`, in no line */
} mm_lg_why;

/* One line of therapy. */
typedef struct mm_grouped_line {
  mm_date start, end;     /* the main phase (up to the transplant); end NONE: ongoing */
  mm_drug_period *drugs;  /* main phase, one per drug, with its dates in this line */
  size_t n_drugs;
  mm_date asct;           /* MM_DATE_NONE: none recorded in this line */
  mm_drug_period *maint;  /* after the transplant (consolidation, maintenance) */
  size_t n_maint;
  mm_date maint_start, maint_end; /* maint_end NONE: ongoing (when n_maint) */
  bool car_t;             /* holds a CAR-T infusion (and its bridging) */
  mm_date progression;    /* set by mm_lines_attach_progression */
  int stop;               /* the line's stop reason id, -1: none */
  bool stop_conflict;     /* the drugs ending the line gave different stop reasons */
  mm_lg_why why;          /* MM_LG_SURE, or why the line is provisional */
  int why_drug;           /* the drug the reason names, -1 */
  mm_date why_date;
} mm_grouped_line;

/* The input: periods (reordered, not kept), dated events in any order, and
 * the windows (kb data, the caller's). */
typedef struct mm_lines_input {
  mm_drug_period *periods;
  size_t n;
  const mm_date *progressions, *ascts, *aphereses;
  size_t n_progressions, n_ascts, n_aphereses;
  mm_lg_stops stops;
  int gap_days;          /* same-drug periods this close are one exposure (cycles) */
  int regimen_days;      /* drugs started this close to a line's start are its regimen */
  int maintenance_days;  /* therapy started this close after the transplant is its line's */
  int conditioning_days; /* a drug started this close before the transplant is its conditioning */
  int bridging_days;     /* without a leukapheresis: therapy this close before a CAR-T */
} mm_lines_input;

/* Groups the input into lines ordered by start, in arena (drug arrays too).
 * Each transplant goes to the line running at its date; *asct_line (n_ascts
 * entries, in arena, may be NULL when n_ascts is 0) gets its line's index
 * or -1 when none was running (the caller reports it). Returns 0 with *out
 * (NULL when there is no active drug) and *n_out, or -1 when out of memory. */
int mm_lines_group(mm_grouped_line **out, size_t *n_out, int **asct_line, mm_arena *arena,
                   const mm_lines_input *in);

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

/* Whether a line is provisional (any line: the count is unknown). */
static inline bool mm_lines_provisional(const mm_grouped_line *l) { return l->why != MM_LG_SURE; }

#endif
