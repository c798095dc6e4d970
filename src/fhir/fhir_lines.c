/* fhir_lines.c: the drug periods grouped into lines of therapy by a
 * heuristic the clinician must check (docs/fhir.md), and the progressions
 * attached to the lines. */
#include <stdlib.h>

#include "fhir/fhir_internal.h"

#define DATE_INF 2147483647 /* an ongoing period's end, for comparisons */

/* ---- lines of therapy (heuristic, docs/fhir.md) -------------------------- */

static long end_key(mm_date e) { return e == MM_DATE_NONE ? DATE_INF : e; }

static int by_drug_start(const void *x, const void *y) {
  const mm_fhir_period *a = x, *b = y;
  if (a->drug != b->drug) return a->drug < b->drug ? -1 : 1;
  if (a->start != b->start) return a->start < b->start ? -1 : 1;
  return a->order < b->order ? -1 : a->order > b->order;
}
static int by_start(const void *x, const void *y) {
  const mm_fhir_period *a = x, *b = y;
  if (a->start != b->start) return a->start < b->start ? -1 : 1;
  if (a->drug != b->drug) return a->drug < b->drug ? -1 : 1;
  return a->order < b->order ? -1 : a->order > b->order;
}
static int prog_cmp(const void *x, const void *y) {
  const mm_fhir_prog *a = x, *b = y;
  return a->date < b->date ? -1 : a->date > b->date;
}

/* Same-drug periods closer than gap_days merge into one exposure; exposures
 * that overlap in time form one line; lines are ordered by start. */
mm_fhir_line_out *mm_fhir_build_lines(mm_fhir_imp *im, size_t *n_out) {
  *n_out = 0;
  if (!im->n_per) return NULL;
  qsort(im->per, im->n_per, sizeof *im->per, by_drug_start);
  size_t ne = 0;
  for (size_t i = 0; i < im->n_per; i++) {
    mm_fhir_period p = im->per[i];
    if (ne && im->per[ne - 1].drug == p.drug &&
        (long)p.start <= end_key(im->per[ne - 1].end) + im->map->gap_days) {
      mm_fhir_period *e = &im->per[ne - 1];
      if (end_key(p.end) >= end_key(e->end)) {
        if (end_key(p.end) > end_key(e->end) || p.stop >= 0) e->stop = p.stop;
        e->end = p.end;
      }
    } else {
      im->per[ne++] = p;
    }
  }
  qsort(im->per, ne, sizeof *im->per, by_start);
  mm_fhir_line_out *lines = mm_arena_alloc(im->a, ne * sizeof *lines);
  if (!lines) return NULL;
  size_t nl = 0;
  for (size_t i = 0; i < ne; i++) {
    mm_fhir_period *p = &im->per[i];
    mm_fhir_line_out *l = nl ? &lines[nl - 1] : NULL;
    if (!l || (long)p->start > end_key(l->end)) {
      l = &lines[nl++];
      *l = (mm_fhir_line_out){p->start, p->end, p, 0, MM_DATE_NONE, -1};
    } else if (end_key(p->end) > end_key(l->end)) {
      l->end = p->end;
    }
    /* eras are contiguous in start order: a line's drugs are a slice */
    l->n_drugs++;
  }
  /* the same drug twice in a line (two exposures bridged by another drug):
   * one entry with the outer dates */
  for (size_t k = 0; k < nl; k++) {
    mm_fhir_line_out *l = &lines[k];
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
    mm_fhir_line_out *l = &lines[k];
    if (l->end == MM_DATE_NONE) continue;
    int stop = -1;
    bool conflict = false;
    for (size_t i = 0; i < l->n_drugs; i++) {
      const mm_fhir_period *p = &l->drugs[i];
      if (p->end != l->end || p->stop < 0) continue;
      if (stop >= 0 && stop != p->stop) conflict = true;
      stop = p->stop;
    }
    if (conflict)
      mm_fhir_warn(im, NULL, mm_arena_printf(im->a, "lines[%zu]", k),
                   "the drugs ending this line give different stop reasons: stop_reason left out");
    else l->stop = stop;
  }
  *n_out = nl;
  return lines;
}

/* A progression ends the latest line that started before it. */
void mm_fhir_assign_progressions(mm_fhir_imp *im, mm_fhir_line_out *lines, size_t nl) {
  if (im->n_progs) qsort(im->progs, im->n_progs, sizeof *im->progs, prog_cmp);
  for (size_t i = 0; i < im->n_progs; i++) {
    const mm_fhir_prog *p = &im->progs[i];
    char buf[11];
    mm_date_format(p->date, buf);
    size_t k = nl;
    while (k > 0 && lines[k - 1].start >= p->date) k--;
    if (k == 0) {
      mm_fhir_warn(im, p->at, p->where,
                   "progression on %s precedes every line of therapy: left out", buf);
      continue;
    }
    mm_fhir_line_out *l = &lines[k - 1];
    if (l->progression != MM_DATE_NONE) {
      char first[11];
      mm_date_format(l->progression, first);
      mm_fhir_warn(im, p->at, p->where,
                   "progression on %s: line %zu already ended in progression on %s: "
                   "left out",
                   buf, k, first);
      continue;
    }
    l->progression = p->date;
  }
}
