/* fhir_procedure.c: Procedure resources. Two are read (codes of
 * kb/fhir.yaml, target {procedure: ...}): the autologous stem cell
 * transplant, which goes to the line running at its date, and the CAR-T
 * leukapheresis, which bounds the bridging therapy before the infusion (not
 * a line, IMWG). A line with no ASCT Procedure gets no `asct` field: absent,
 * never a written "no". */
#include <string.h>

#include "fhir/fhir_internal.h"

void mm_fhir_add_event(mm_fhir_imp *im, mm_fhir_prog **list, size_t *n, size_t *cap, mm_date d,
                       const char *where, const mm_json *at) {
  if (*n == *cap) {
    size_t c = *cap ? *cap * 2 : 8;
    mm_fhir_prog *p = mm_arena_grow(im->a, *list, *n, c, sizeof *p);
    if (!p) return;
    *list = p;
    *cap = c;
  }
  (*list)[(*n)++] = (mm_fhir_prog){d, where, at};
}

void mm_fhir_read_procedure(mm_fhir_imp *im, const mm_fhir_res *r) {
  const char *cpath = mm_fhir_sub(im, r->name, "code");
  const char *hit;
  const mm_fhir_mapping *m =
      mm_fhir_concept(im, mm_fhir_get(im, r->r, "code", MM_JSON_OBJECT, r->name), cpath, &hit, true);
  if (!m) return;
  if (m->kind != MM_FHIR_PROCEDURE) {
    mm_fhir_warn(im, MM_E_INVALID, mm_json_get(r->r, "code"), hit,
                 "%s %s maps to %s%.0s, not a procedure: left out",
                 "%s %s corrisponde a %.0s%s, non a una procedura: non importato",
                 mm_fhir_system_label(im->map, m->system), m->code,
                 mm_fhir_kind_word(m->kind, MM_LANG_EN), mm_fhir_kind_word(m->kind, MM_LANG_IT));
    return;
  }
  bool asct = m->ref == MM_FHIR_PROC_ASCT;
  const char *what = asct ? "ASCT" : "CAR-T leukapheresis";
  const char *what_it = asct ? "ASCT" : "leucaferesi per CAR-T";
  /* Only a procedure done: not preparation, in-progress, not-done, stopped
   * (the infusion may not have happened), entered-in-error or unknown. */
  const char *status = mm_fhir_get_str(im, r->r, "status", r->name);
  if (!status || strcmp(status, "completed") != 0) {
    mm_fhir_warn(im, MM_E_STATE, mm_json_get(r->r, "status"), mm_fhir_sub(im, r->name, "status"),
                 "%s%.0s with status '%s' (not completed): left out",
                 "%.0s%s con status '%s' (non completed): procedura non importata", what, what_it,
                 status ? status : "");
    return;
  }
  mm_date d = MM_DATE_NONE;
  const mm_json *v;
  if ((v = mm_fhir_get(im, r->r, "performedDateTime", MM_JSON_STRING, r->name)))
    d = mm_fhir_date(im, v, mm_fhir_sub(im, r->name, "performedDateTime"), "date", "la data");
  else if ((v = mm_fhir_get(im, r->r, "performedPeriod", MM_JSON_OBJECT, r->name)))
    d = mm_fhir_date(im,
                     mm_fhir_get(im, v, "start", MM_JSON_STRING,
                                 mm_fhir_sub(im, r->name, "performedPeriod")),
                     mm_fhir_sub(im, r->name, "performedPeriod.start"), "date", "la data");
  else
    mm_fhir_warn(im, MM_E_MISSING, r->r, r->name,
                 "%s%.0s without performedDateTime or performedPeriod.start: left out",
                 "%.0s%s senza performedDateTime o performedPeriod.start: procedura non "
                 "importata",
                 what, what_it);
  if (d == MM_DATE_NONE) return;
  if (asct) mm_fhir_add_event(im, &im->ascts, &im->n_ascts, &im->cap_ascts, d, r->name, r->r);
  else mm_fhir_add_event(im, &im->aphs, &im->n_aphs, &im->cap_aphs, d, r->name, r->r);
}
