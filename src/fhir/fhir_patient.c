/* fhir_patient.c: the Patient (logical id, birthDate, gender; never names,
 * addresses or other identifiers), whether a resource is about that patient,
 * and Condition resources (the myeloma diagnosis date; comorbidities). */
#include <string.h>

#include "fhir/fhir_internal.h"

/* ---- the patient and subject references ---------------------------------- */

/* The logical id a reference names when it names a Patient: "Patient/x",
 * ".../Patient/x", or the fullUrl of the bundle's Patient entry. */
static const char *ref_patient(mm_fhir_imp *im, const char *ref) {
  if (im->patient && im->patient->full_url && strcmp(ref, im->patient->full_url) == 0)
    return im->pid;
  const char *p = strstr(ref, "Patient/");
  if (!p || (p != ref && p[-1] != '/')) return NULL;
  p += 8;
  const char *slash = strchr(p, '/'); /* Patient/x/_history/1 */
  return slash ? mm_arena_strndup(im->a, p, (size_t)(slash - p)) : p;
}

/* Whether a resource is about this record's patient: its subject (or
 * patient) reference must name the bundle's Patient. A resource without a
 * reference (identifier only) is taken as the bundle's: a bundle holds one
 * patient. */
bool mm_fhir_about_patient(mm_fhir_imp *im, const mm_fhir_res *r) {
  const char *key = "subject";
  const mm_json *s = mm_fhir_get(im, r->r, key, MM_JSON_OBJECT, r->name);
  if (!s) {
    key = "patient";
    s = mm_fhir_get(im, r->r, key, MM_JSON_OBJECT, r->name);
  }
  if (!s) return true;
  const char *path = mm_fhir_sub(im, r->name, key);
  const char *ref = mm_fhir_get_str(im, s, "reference", path);
  if (!ref) return true;
  const char *id = ref_patient(im, ref);
  if (id && !im->pid && !im->patient) im->pid = id; /* single resources: the subject's id */
  if (id && im->pid && strcmp(id, im->pid) == 0) return true;
  mm_fhir_warn(im, MM_E_INVALID, mm_json_get(s, "reference"), mm_fhir_sub(im, path, "reference"),
               "'%s' is not this record's patient (Patient/%s): resource left out",
               "'%s' non è il paziente di questo record (Patient/%s): risorsa non importata", ref,
               im->pid ? im->pid : "?");
  return false;
}

void mm_fhir_read_patient(mm_fhir_imp *im, const mm_fhir_res *r) {
  const mm_json *p = r->r;
  /* The logical id becomes the record id; identifiers never do. Say so when
   * the two coincide (an MRN used as the logical id is not pseudonymous). */
  const mm_json *ids = mm_fhir_get(im, p, "identifier", MM_JSON_ARRAY, r->name);
  for (size_t i = 0; ids && i < ids->len; i++) {
    const mm_json *v = mm_json_get(ids->items[i], "value");
    if (v && v->type == MM_JSON_STRING && strcmp(v->str, im->pid) == 0)
      mm_fhir_warn(im, MM_E_INVALID, v, mm_fhir_idx(im, mm_fhir_sub(im, r->name, "identifier"), i),
                   "the logical id equals this identifier's value: the record id may not be "
                   "pseudonymous; replace it before sharing the record",
                   "l'id logico coincide con il value di questo identifier: l'id del record "
                   "potrebbe non essere pseudonimo; sostituirlo prima di condividere il record");
  }
  const mm_json *bd = mm_json_get(p, "birthDate");
  if (mm_json_present(bd))
    im->birth = mm_fhir_date(im, bd, mm_fhir_sub(im, r->name, "birthDate"), "birthDate",
                             "la birthDate");
  else
    mm_fhir_warn(im, MM_E_MISSING, p, r->name,
                 "no birthDate: birth_date left absent (age unknown)",
                 "birthDate assente: birth_date lasciato assente (età sconosciuta)");
  const char *g = mm_fhir_get_str(im, p, "gender", r->name);
  if (g) {
    if (strcmp(g, "male") == 0 || strcmp(g, "female") == 0 || strcmp(g, "other") == 0) im->sex = g;
    else if (strcmp(g, "unknown") == 0)
      mm_fhir_warn(im, MM_E_INVALID, mm_json_get(p, "gender"), mm_fhir_sub(im, r->name, "gender"),
                   "gender 'unknown': sex left absent",
                   "gender 'unknown': sex lasciato assente");
    else
      mm_fhir_bad(im, MM_E_INVALID, mm_json_get(p, "gender"), mm_fhir_sub(im, r->name, "gender"),
                  "not a FHIR administrative gender: '%s'",
                  "non è un administrative gender FHIR: '%s'", g);
  }
}

/* ---- Condition ----------------------------------------------------------- */

/* Whether a CodeableConcept member (clinicalStatus, verificationStatus) has
 * one of codes; *which is the code found. */
static bool status_is(mm_fhir_imp *im, const mm_json *r, const char *key, const char *path,
                      const char *const *codes, const char **which) {
  const mm_json *cc = mm_fhir_get(im, r, key, MM_JSON_OBJECT, path);
  const mm_json *codings =
      cc ? mm_fhir_get(im, cc, "coding", MM_JSON_ARRAY, mm_fhir_sub(im, path, key)) : NULL;
  for (size_t i = 0; codings && i < codings->len; i++) {
    const mm_json *code = mm_json_get(codings->items[i], "code");
    if (!code || code->type != MM_JSON_STRING) continue;
    for (const char *const *q = codes; *q; q++)
      if (strcmp(code->str, *q) == 0) {
        *which = *q;
        return true;
      }
  }
  return false;
}

void mm_fhir_read_condition(mm_fhir_imp *im, const mm_fhir_res *r) {
  static const char *const refuted[] = {"refuted", "entered-in-error", NULL};
  static const char *const inactive[] = {"inactive", "remission", "resolved", NULL};
  const char *which;
  if (status_is(im, r->r, "verificationStatus", r->name, refuted, &which)) {
    mm_fhir_warn(im, MM_E_STATE, mm_json_get(r->r, "verificationStatus"),
                 mm_fhir_sub(im, r->name, "verificationStatus"),
                 "verificationStatus '%s': condition left out",
                 "verificationStatus '%s': Condition non importata", which);
    return;
  }
  const char *hit;
  const char *cpath = mm_fhir_sub(im, r->name, "code");
  const mm_fhir_mapping *m =
      mm_fhir_concept(im, mm_fhir_get(im, r->r, "code", MM_JSON_OBJECT, r->name), cpath, &hit,
                      true);
  if (!m) {
    if (!mm_json_present(mm_json_get(r->r, "code")))
      mm_fhir_warn(im, MM_E_MISSING, r->r, cpath, "condition without a code: left out",
                   "Condition senza code: non importata");
    return;
  }
  if (m->kind == MM_FHIR_DIAGNOSIS) {
    mm_date d = MM_DATE_NONE;
    const mm_json *v, *dv = NULL;
    const char *dv_key = NULL; /* where the date was read */
    if ((v = mm_fhir_get(im, r->r, "onsetDateTime", MM_JSON_STRING, r->name))) {
      dv_key = "onsetDateTime";
      d = mm_fhir_date(im, dv = v, mm_fhir_sub(im, r->name, dv_key), "diagnosis date",
                       "la data di diagnosi");
    } else if ((v = mm_fhir_get(im, r->r, "onsetPeriod", MM_JSON_OBJECT, r->name))) {
      dv_key = "onsetPeriod.start";
      d = mm_fhir_date(im,
                       dv = mm_fhir_get(im, v, "start", MM_JSON_STRING,
                                        mm_fhir_sub(im, r->name, "onsetPeriod")),
                       mm_fhir_sub(im, r->name, dv_key), "diagnosis date", "la data di diagnosi");
    } else if ((v = mm_fhir_get(im, r->r, "recordedDate", MM_JSON_STRING, r->name))) {
      dv_key = "recordedDate";
      d = mm_fhir_date(im, dv = v, mm_fhir_sub(im, r->name, dv_key), "diagnosis date",
                       "la data di diagnosi");
    } else {
      mm_fhir_warn(im, MM_E_MISSING, r->r, r->name,
                   "myeloma condition without onsetDateTime, onsetPeriod.start or "
                   "recordedDate: diagnosis.date left out",
                   "Condition di mieloma senza onsetDateTime, onsetPeriod.start o "
                   "recordedDate: diagnosis.date non importato");
    }
    /* A diagnosis made after as_of is not one at as_of (its date was just
     * reported as left out); a dateless or partially dated one still is. */
    mm_date later;
    if (d == MM_DATE_NONE && dv && dv->type == MM_JSON_STRING && dv->len >= 10 &&
        mm_date_parse(dv->str, 10, &later) && later > im->as_of) {
      im->mm_later = true;
      return;
    }
    /* Before birth: the two dates contradict each other and which is wrong
     * cannot be told, so the input is refused, both named. (The Patient is
     * read before any Condition.) */
    if (d != MM_DATE_NONE && im->birth != MM_DATE_NONE && d < im->birth) {
      char dd[11], bd[11];
      mm_date_format(d, dd);
      mm_date_format(im->birth, bd);
      mm_fhir_bad(im, MM_E_ORDER, dv, mm_fhir_sub(im, r->name, dv_key),
                  "diagnosis date %s is before the Patient's birthDate %s: one of them is wrong",
                  "la data di diagnosi %s precede la birthDate %s del Patient: una delle due è "
                  "errata",
                  dd, bd);
      return;
    }
    im->has_mm = true;
    if (d != MM_DATE_NONE && (im->dx == MM_DATE_NONE || d < im->dx)) im->dx = d;
    return;
  }
  if (m->kind != MM_FHIR_COMORBIDITY) {
    mm_fhir_warn(im, MM_E_INVALID, r->r, hit, "%s %s maps to %s%.0s, not a condition: left out",
                 "%s %s corrisponde a %.0s%s, non a una Condition: non importato",
                 mm_fhir_system_label(im->map, m->system), m->code,
                 mm_fhir_kind_word(m->kind, MM_LANG_EN), mm_fhir_kind_word(m->kind, MM_LANG_IT));
    return;
  }
  if (status_is(im, r->r, "clinicalStatus", r->name, inactive, &which)) {
    mm_fhir_warn(im, MM_E_STATE, mm_json_get(r->r, "clinicalStatus"),
                 mm_fhir_sub(im, r->name, "clinicalStatus"),
                 "clinicalStatus '%s': comorbidity %s left out",
                 "clinicalStatus '%s': comorbidità %s non importata", which,
                 im->kb->comorbidities[m->ref].id);
    return;
  }
  static const char *const abate[] = {"abatementDateTime", "abatementPeriod", "abatementAge",
                                      "abatementRange", "abatementString", "abatementBoolean",
                                      NULL};
  for (const char *const *k = abate; *k; k++)
    if (mm_json_present(mm_json_get(r->r, *k))) {
      mm_fhir_warn(im, MM_E_STATE, mm_json_get(r->r, *k), mm_fhir_sub(im, r->name, *k),
                   "the condition has abated: comorbidity %s left out",
                   "la condizione è risolta (abatement): comorbidità %s non importata",
                   im->kb->comorbidities[m->ref].id);
      return;
    }
  if (!im->has_comorb[m->ref]) {
    im->has_comorb[m->ref] = true;
    im->comorbs[im->n_comorbs++] = m->ref;
  }
}
