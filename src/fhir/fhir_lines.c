/* fhir_lines.c: the import's drug periods grouped into lines of therapy by
 * the heuristic of src/facts/line_grouping.c (docs/fhir.md), what it could
 * not decide reported, and the progressions attached to the lines. */
#include <stdlib.h>

#include "fhir/fhir_internal.h"

static int prog_cmp(const void *x, const void *y) {
  const mm_fhir_prog *a = x, *b = y;
  return a->date < b->date ? -1 : a->date > b->date;
}

mm_grouped_line *mm_fhir_build_lines(mm_fhir_imp *im, size_t *n_out) {
  mm_grouped_line *lines;
  /* Out of memory: no lines; mm_fhir_import sees the arena's failure. */
  if (mm_lines_group(&lines, n_out, im->a, im->per, im->n_per, im->map->gap_days) != 0)
    return NULL;
  for (size_t k = 0; k < *n_out; k++)
    if (lines[k].stop_conflict)
      mm_fhir_warn(im, MM_E_AMBIGUOUS, NULL, mm_arena_printf(im->a, "lines[%zu]", k),
                   "the drugs ending this line give different stop reasons: stop_reason left out");
  return lines;
}

void mm_fhir_assign_progressions(mm_fhir_imp *im, mm_grouped_line *lines, size_t nl) {
  if (im->n_progs) qsort(im->progs, im->n_progs, sizeof *im->progs, prog_cmp);
  for (size_t i = 0; i < im->n_progs; i++) {
    const mm_fhir_prog *p = &im->progs[i];
    char buf[11];
    mm_date_format(p->date, buf);
    size_t k = 0;
    switch (mm_lines_attach_progression(lines, nl, p->date, &k)) {
    case MM_LINES_PROGRESSION_SET: break;
    case MM_LINES_PROGRESSION_NO_LINE:
      mm_fhir_warn(im, MM_E_ORDER, p->at, p->where,
                   "progression on %s precedes every line of therapy: left out", buf);
      break;
    case MM_LINES_PROGRESSION_ALREADY: {
      char first[11];
      mm_date_format(lines[k].progression, first);
      mm_fhir_warn(im, MM_E_DUPLICATE, p->at, p->where,
                   "progression on %s: line %zu already ended in progression on %s: left out", buf,
                   k + 1, first);
      break;
    }
    }
  }
}
