/* fhir_procedure.c: Procedure resources. Only the autologous stem cell
 * transplant is read (codes of kb/fhir.yaml, target {procedure: asct}); it
 * marks the line of therapy that contains its date. A line with no ASCT
 * Procedure gets no `asct` field: absent, never a written "no". */
#include <string.h>

#include "fhir/fhir_internal.h"

void mm_fhir_read_procedure(mm_fhir_imp *im, const mm_fhir_res *r) {
  const char *cpath = mm_fhir_sub(im, r->name, "code");
  const char *hit;
  const mm_fhir_mapping *m =
      mm_fhir_concept(im, mm_fhir_get(im, r->r, "code", MM_JSON_OBJECT, r->name), cpath, &hit, true);
  if (!m) return;
  if (m->kind != MM_FHIR_PROCEDURE) {
    mm_fhir_warn(im, MM_E_INVALID, mm_json_get(r->r, "code"), hit,
                 "%s %s maps to %s, not a procedure: left out",
                 mm_fhir_system_label(im->map, m->system), m->code, mm_fhir_kind_word(m->kind));
    return;
  }
  /* Only a procedure done: not preparation, in-progress, not-done, stopped
   * (the infusion may not have happened), entered-in-error or unknown. */
  const char *status = mm_fhir_get_str(im, r->r, "status", r->name);
  if (!status || strcmp(status, "completed") != 0) {
    mm_fhir_warn(im, MM_E_STATE, mm_json_get(r->r, "status"), mm_fhir_sub(im, r->name, "status"),
                 "ASCT with status '%s' (not completed): left out", status ? status : "");
    return;
  }
  mm_date d = MM_DATE_NONE;
  const mm_json *v;
  if ((v = mm_fhir_get(im, r->r, "performedDateTime", MM_JSON_STRING, r->name)))
    d = mm_fhir_date(im, v, mm_fhir_sub(im, r->name, "performedDateTime"), "date");
  else if ((v = mm_fhir_get(im, r->r, "performedPeriod", MM_JSON_OBJECT, r->name)))
    d = mm_fhir_date(im,
                     mm_fhir_get(im, v, "start", MM_JSON_STRING,
                                 mm_fhir_sub(im, r->name, "performedPeriod")),
                     mm_fhir_sub(im, r->name, "performedPeriod.start"), "date");
  else
    mm_fhir_warn(im, MM_E_MISSING, r->r, r->name,
                 "ASCT without performedDateTime or performedPeriod.start: left out");
  if (d == MM_DATE_NONE) return;
  if (im->n_ascts == im->cap_ascts) {
    size_t cap = im->cap_ascts ? im->cap_ascts * 2 : 4;
    mm_fhir_prog *p = mm_arena_grow(im->a, im->ascts, im->n_ascts, cap, sizeof *p);
    if (!p) return;
    im->ascts = p;
    im->cap_ascts = cap;
  }
  im->ascts[im->n_ascts++] = (mm_fhir_prog){d, r->name, r->r};
}

void mm_fhir_assign_asct(mm_fhir_imp *im, const mm_grouped_line *lines, size_t nl) {
  if (!im->n_ascts) return;
  im->line_asct = mm_arena_alloc(im->a, nl * sizeof *im->line_asct);
  if (!im->line_asct) return;
  for (size_t k = 0; k < nl; k++) im->line_asct[k] = MM_DATE_NONE;
  for (size_t i = 0; i < im->n_ascts; i++) {
    const mm_fhir_prog *a = &im->ascts[i];
    char buf[11];
    mm_date_format(a->date, buf);
    size_t k = nl;
    for (size_t j = 0; j < nl && k == nl; j++)
      if (lines[j].start <= a->date && (lines[j].end == MM_DATE_NONE || a->date <= lines[j].end))
        k = j;
    if (k == nl) {
      /* Between lines (after induction ended, before maintenance began): which
       * line it belongs to is the clinician's reading, not a guess here. */
      mm_fhir_warn(im, MM_E_AMBIGUOUS, a->at, a->where,
                   "ASCT on %s falls within no line of therapy: left out (add it to its line)",
                   buf);
    } else if (im->line_asct[k] != MM_DATE_NONE && im->line_asct[k] != a->date) {
      mm_fhir_warn(im, MM_E_AMBIGUOUS, a->at, a->where,
                   "a second ASCT (%s) in line %zu: the first is written (tandem or "
                   "salvage: check)", buf, k + 1);
    } else {
      im->line_asct[k] = a->date;
    }
  }
}
