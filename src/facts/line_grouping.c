/* line_grouping.c: drug periods into lines of therapy (line_grouping.h).
 * The rules are the FHIR importer's since it was written, moved here
 * unchanged; rewriting them by the IMWG definition is a later step. The
 * only threshold, gap_days, is the caller's (kb/fhir.yaml). */
#include <stdlib.h>

#include "facts/line_grouping.h"

#define DATE_INF 2147483647 /* an ongoing period's end, for comparisons */

static long end_key(mm_date e) { return e == MM_DATE_NONE ? DATE_INF : e; }

static int by_drug_start(const void *x, const void *y) {
  const mm_drug_period *a = x, *b = y;
  if (a->drug != b->drug) return a->drug < b->drug ? -1 : 1;
  if (a->start != b->start) return a->start < b->start ? -1 : 1;
  return a->order < b->order ? -1 : a->order > b->order;
}
static int by_start(const void *x, const void *y) {
  const mm_drug_period *a = x, *b = y;
  if (a->start != b->start) return a->start < b->start ? -1 : 1;
  if (a->drug != b->drug) return a->drug < b->drug ? -1 : 1;
  return a->order < b->order ? -1 : a->order > b->order;
}

int mm_lines_group(mm_grouped_line **out, size_t *n_out, mm_arena *arena,
                   mm_drug_period *periods, size_t n, int gap_days) {
  *out = NULL;
  *n_out = 0;
  if (!n) return 0;
  /* Same-drug periods closer than gap_days merge into one exposure. */
  qsort(periods, n, sizeof *periods, by_drug_start);
  size_t ne = 0;
  for (size_t i = 0; i < n; i++) {
    mm_drug_period p = periods[i];
    if (ne && periods[ne - 1].drug == p.drug &&
        (long)p.start <= end_key(periods[ne - 1].end) + gap_days) {
      mm_drug_period *e = &periods[ne - 1];
      if (end_key(p.end) >= end_key(e->end)) {
        if (end_key(p.end) > end_key(e->end) || p.stop >= 0) e->stop = p.stop;
        e->end = p.end;
      }
    } else {
      periods[ne++] = p;
    }
  }
  /* Exposures that overlap in time form one line; lines are ordered by start. */
  qsort(periods, ne, sizeof *periods, by_start);
  mm_grouped_line *lines = mm_arena_alloc(arena, ne * sizeof *lines);
  if (!lines) return -1;
  size_t nl = 0;
  for (size_t i = 0; i < ne; i++) {
    mm_drug_period *p = &periods[i];
    mm_grouped_line *l = nl ? &lines[nl - 1] : NULL;
    if (!l || (long)p->start > end_key(l->end)) {
      l = &lines[nl++];
      *l = (mm_grouped_line){p->start, p->end, p, 0, MM_DATE_NONE, -1, false};
    } else if (end_key(p->end) > end_key(l->end)) {
      l->end = p->end;
    }
    /* eras are contiguous in start order: a line's drugs are a slice */
    l->n_drugs++;
  }
  /* the same drug twice in a line (two exposures bridged by another drug):
   * one entry with the outer dates */
  for (size_t k = 0; k < nl; k++) {
    mm_grouped_line *l = &lines[k];
    size_t w = 0;
    for (size_t i = 0; i < l->n_drugs; i++) {
      size_t j = 0;
      while (j < w && l->drugs[j].drug != l->drugs[i].drug) j++;
      if (j < w) {
        if (end_key(l->drugs[i].end) > end_key(l->drugs[j].end)) {
          l->drugs[j].end = l->drugs[i].end;
          l->drugs[j].stop = l->drugs[i].stop;
        }
      } else {
        l->drugs[w++] = l->drugs[i];
      }
    }
    l->n_drugs = w;
  }
  /* A line's stop reason: the reason given by the drugs that end with it,
   * when they agree. A drug stopped earlier (e.g. for neuropathy) while the
   * others went on does not stop the line. */
  for (size_t k = 0; k < nl; k++) {
    mm_grouped_line *l = &lines[k];
    if (l->end == MM_DATE_NONE) continue;
    int stop = -1;
    bool conflict = false;
    for (size_t i = 0; i < l->n_drugs; i++) {
      const mm_drug_period *p = &l->drugs[i];
      if (p->end != l->end || p->stop < 0) continue;
      if (stop >= 0 && stop != p->stop) conflict = true;
      stop = p->stop;
    }
    if (conflict) l->stop_conflict = true;
    else l->stop = stop;
  }
  *out = lines;
  *n_out = nl;
  return 0;
}

/* A progression ends the latest line that started before it. */
mm_lines_progression mm_lines_attach_progression(mm_grouped_line *lines, size_t n_lines,
                                                 mm_date date, size_t *line) {
  size_t k = n_lines;
  while (k > 0 && lines[k - 1].start >= date) k--;
  if (k == 0) return MM_LINES_PROGRESSION_NO_LINE;
  *line = k - 1;
  mm_grouped_line *l = &lines[k - 1];
  if (l->progression != MM_DATE_NONE) return MM_LINES_PROGRESSION_ALREADY;
  l->progression = date;
  return MM_LINES_PROGRESSION_SET;
}
