/* fhir_observation.c: Observation resources: labs (UCUM units through
 * kb/fhir.yaml), ECOG, disease progression, cytogenetics (ISCN) and the ISS
 * stage at diagnosis. */
#include <string.h>

#include "fhir/fhir_internal.h"

/* ---- observations -------------------------------------------------------- */

static mm_date obs_date(mm_fhir_imp *im, const mm_fhir_res *r) {
  const mm_json *v;
  if ((v = mm_fhir_get(im, r->r, "effectiveDateTime", MM_JSON_STRING, r->name)))
    return mm_fhir_date(im, v, mm_fhir_sub(im, r->name, "effectiveDateTime"), "date",
                        "la data");
  if ((v = mm_fhir_get(im, r->r, "effectivePeriod", MM_JSON_OBJECT, r->name)))
    return mm_fhir_date(im,
                        mm_fhir_get(im, v, "start", MM_JSON_STRING,
                                    mm_fhir_sub(im, r->name, "effectivePeriod")),
                        mm_fhir_sub(im, r->name, "effectivePeriod.start"), "date", "la data");
  if ((v = mm_fhir_get(im, r->r, "effectiveInstant", MM_JSON_STRING, r->name)))
    return mm_fhir_date(im, v, mm_fhir_sub(im, r->name, "effectiveInstant"), "date",
                        "la data");
  mm_fhir_warn(im, MM_E_MISSING, r->r, r->name,
               "no effectiveDateTime, effectivePeriod.start or effectiveInstant: "
               "observation left out",
               "né effectiveDateTime, né effectivePeriod.start, né effectiveInstant: "
               "Observation non importata");
  return MM_DATE_NONE;
}

static void read_lab(mm_fhir_imp *im, const mm_fhir_res *r, const mm_fhir_mapping *m) {
  const mm_lab *lab = &im->kb->labs[m->ref];
  const mm_json *q = mm_fhir_get(im, r->r, "valueQuantity", MM_JSON_OBJECT, r->name);
  const char *qp = mm_fhir_sub(im, r->name, "valueQuantity");
  if (!q) {
    mm_fhir_warn(im, MM_E_MISSING, r->r, r->name, "%s without a valueQuantity: left out",
                 "%s senza valueQuantity: non importato", lab->id);
    return;
  }
  const mm_json *val = mm_fhir_get(im, q, "value", MM_JSON_NUMBER, qp);
  const char *cmp = mm_fhir_get_str(im, q, "comparator", qp);
  const char *sys = mm_fhir_get_str(im, q, "system", qp),
             *code = mm_fhir_get_str(im, q, "code", qp);
  const char *unit_text = mm_fhir_get_str(im, q, "unit", qp);
  if (!val) {
    mm_fhir_warn(im, MM_E_MISSING, q, mm_fhir_sub(im, qp, "value"), "%s without a value: left out",
                 "%s senza value: non importato", lab->id);
    return;
  }
  if (cmp) {
    mm_fhir_warn(im, MM_E_INVALID, mm_json_get(q, "comparator"), mm_fhir_sub(im, qp, "comparator"),
                 "%s %s%g is a bound, not a value: left out",
                 "%s %s%g è un limite, non un valore: non importato", lab->id, cmp, val->number);
    return;
  }
  if (!code || (sys && strcmp(sys, "http://unitsofmeasure.org") != 0)) {
    mm_fhir_warn(im, MM_E_MISSING, q, mm_fhir_sub(im, qp, "code"),
                 "%s: no UCUM unit code (unit '%s'): left out",
                 "%s: nessun codice di unità UCUM (unit '%s'): non importato", lab->id,
                 unit_text ? unit_text : "");
    return;
  }
  const mm_fhir_unit *u = NULL;
  for (size_t i = 0; i < m->n_units; i++)
    if (strcmp(m->units[i].ucum, code) == 0) u = &m->units[i];
  /* UCUM is case-sensitive and the map lists one spelling: a listed case
   * variant (g/l) is read as its code (g/L), and said. */
  const char *ucum = u ? NULL : mm_fhir_ucum_case(im->map, code);
  for (size_t i = 0; ucum && i < m->n_units; i++)
    if (strcmp(m->units[i].ucum, ucum) == 0) u = &m->units[i];
  if (u && ucum)
    mm_fhir_warn(im, MM_E_INVALID, mm_json_get(q, "code"), mm_fhir_sub(im, qp, "code"),
                 "unit '%s' read as UCUM '%s' (a case variant listed in kb/fhir.yaml "
                 "ucum_case_variants)",
                 "unità '%s' letta come UCUM '%s' (una variante maiuscole/minuscole elencata in "
                 "kb/fhir.yaml ucum_case_variants)",
                 code, ucum);
  if (!u) {
    mm_fhir_warn(im, MM_E_UNKNOWN_NAME, mm_json_get(q, "code"), mm_fhir_sub(im, qp, "code"),
                 "UCUM unit '%s' for %s not in kb/fhir.yaml: left out",
                 "unità UCUM '%s' per %s non presente in kb/fhir.yaml: non importato", code,
                 lab->id);
    return;
  }
  double canon = val->number * u->factor;
  if (lab->has_range && (canon < lab->min || canon > lab->max)) {
    mm_fhir_warn(im, MM_E_RANGE, val, mm_fhir_sub(im, qp, "value"),
                 "%g %s is not a plausible %s (%g to %g %s): left out",
                 "%g %s non è un valore plausibile di %s (da %g a %g %s): non importato",
                 val->number, code, lab->id,
                 lab->min, lab->max, lab->unit);
    return;
  }
  mm_date d = obs_date(im, r);
  if (d == MM_DATE_NONE) return;
  if (im->n_labs == im->cap_labs) {
    size_t cap = im->cap_labs ? im->cap_labs * 2 : 16;
    mm_fhir_lab_out *p = mm_arena_grow(im->a, im->labs, im->n_labs, cap, sizeof *p);
    if (!p) return;
    im->labs = p;
    im->cap_labs = cap;
  }
  im->labs[im->n_labs] = (mm_fhir_lab_out){lab, d, val->number, u->unit, im->n_labs};
  im->n_labs++;
}

static void read_ecog(mm_fhir_imp *im, const mm_fhir_res *r) {
  const mm_json *v = mm_fhir_get(im, r->r, "valueInteger", MM_JSON_NUMBER, r->name);
  const char *vp = mm_fhir_sub(im, r->name, "valueInteger");
  if (!v) {
    mm_fhir_warn(im, MM_E_MISSING, r->r, r->name, "ECOG without valueInteger: left out",
                 "ECOG senza valueInteger: non importato");
    return;
  }
  if (!v->is_integer || v->integer < 0 || v->integer > 4) {
    mm_fhir_warn(im, MM_E_RANGE, v, vp, "ECOG %g is not 0..4: left out",
                 "ECOG %g non è compreso tra 0 e 4: non importato", v->number);
    return;
  }
  mm_date d = obs_date(im, r);
  if (d == MM_DATE_NONE) return;
  if (im->ecog_date == MM_DATE_NONE || d >= im->ecog_date) {
    im->ecog = (int)v->integer;
    im->ecog_date = d;
  }
}

static void read_status(mm_fhir_imp *im, const mm_fhir_res *r) {
  const char *hit;
  const char *vp = mm_fhir_sub(im, r->name, "valueCodeableConcept");
  const mm_json *cc = mm_fhir_get(im, r->r, "valueCodeableConcept", MM_JSON_OBJECT, r->name);
  if (!cc) {
    mm_fhir_warn(im, MM_E_MISSING, r->r, r->name,
                 "disease status without valueCodeableConcept: left out",
                 "stato di malattia senza valueCodeableConcept: non importato");
    return;
  }
  const mm_fhir_mapping *m = mm_fhir_concept(im, cc, vp, &hit, true);
  if (!m) return;
  if (m->kind != MM_FHIR_STATUS) {
    mm_fhir_warn(im, MM_E_INVALID, cc, hit, "%s %s is not a disease status: left out",
                 "%s %s non è uno stato di malattia: non importato",
                 mm_fhir_system_label(im->map, m->system), m->code);
    return;
  }
  if (m->ref != MM_FHIR_ST_PROGRESSION) {
    mm_fhir_warn(im, MM_E_INVALID, cc, hit,
                 "disease status '%s' is a trend, not an IMWG response: not mapped",
                 "lo stato di malattia '%s' è un andamento, non una risposta IMWG: non "
                 "convertito",
                 m->display);
    return;
  }
  mm_date d = obs_date(im, r);
  if (d == MM_DATE_NONE) return;
  if (im->n_progs == im->cap_progs) {
    size_t cap = im->cap_progs ? im->cap_progs * 2 : 8;
    mm_fhir_prog *p = mm_arena_grow(im->a, im->progs, im->n_progs, cap, sizeof *p);
    if (!p) return;
    im->progs = p;
    im->cap_progs = cap;
  }
  im->progs[im->n_progs++] = (mm_fhir_prog){d, r->name, r->r};
}

/* Whether an ISCN item is the count or the sex chromosomes ("47<2n>", "XY"). */
static bool iscn_frame(const char *s, size_t n) {
  size_t i = 0;
  while (i < n && s[i] >= '0' && s[i] <= '9') i++;
  if (i > 0 && (i == n || s[i] == '<' || s[i] == '~')) return true;
  for (i = 0; i < n; i++)
    if (s[i] != 'X' && s[i] != 'Y') return false;
  return n > 0;
}

/* What a cytogenetics observation says of the abnormalities its ISCN names:
 * not stated (no value, no interpretation), present, absent, or unknown
 * (indeterminate, unmapped or conflicting: reported, nothing set). */
typedef enum { POL_NONE, POL_PRESENT, POL_ABSENT, POL_UNKNOWN } polarity;

static void read_iscn(mm_fhir_imp *im, const mm_fhir_res *r, polarity pol, const char *iscn,
                      const mm_json *at, const char *path) {
  const char *s = iscn;
  while (*s) {
    size_t n = strcspn(s, ",");
    while (n && *s == ' ') s++, n--;
    size_t len = n;
    while (len && s[len - 1] == ' ') len--;
    if (len && !iscn_frame(s, len)) {
      const mm_fhir_mapping *hit = NULL;
      for (size_t i = 0; i < im->map->n_maps && !hit; i++) {
        const mm_fhir_mapping *m = &im->map->maps[i];
        size_t cl = strlen(m->code);
        if (m->kind == MM_FHIR_FISH && cl <= len && strncmp(s, m->code, cl) == 0 &&
            (cl == len || s[cl] == '('))
          hit = m;
      }
      if (!hit) {
        mm_fhir_warn(im, MM_E_UNKNOWN_NAME, at, path, "ISCN '%.*s' not in kb/fhir.yaml: left out",
                     "ISCN '%.*s' non presente in kb/fhir.yaml: non importato", (int)len, s);
      } else if (pol == POL_UNKNOWN) {
        mm_fhir_warn(im, MM_E_AMBIGUOUS, at, path,
                     "%.*s: the result is not present or absent: %s left unknown",
                     "%.*s: l'esito non è né presente né assente: %s lasciato sconosciuto",
                     (int)len, s,
                     mm_fhir_fish_names[hit->ref]);
      } else if (hit->ref >= MM_FHIR_FISH_IN_RECORD) {
        /* the record spec's diagnosis.fish has no field for it: said, not dropped silently */
        mm_fhir_warn(im, MM_E_UNKNOWN_KEY, at, path,
                     "%.*s %s%.0s: the patient record (diagnosis.fish: del17p, t4_14, t14_16, "
                     "gain1q, amp1q) has no field for it: left out of the record (it bears on "
                     "venetoclax: read it in the report)",
                     "%.*s %.0s%s: il record del paziente (diagnosis.fish: del17p, t4_14, "
                     "t14_16, gain1q, amp1q) non ha un campo per questo reperto: non riportato "
                     "nel record (rilevante per venetoclax: leggerlo nel referto)",
                     (int)len, s, pol == POL_ABSENT ? "absent" : "present",
                     pol == POL_ABSENT ? "assente" : "presente");
      } else {
        int f = hit->ref;
        signed char v = pol == POL_ABSENT ? -1 : 1;
        if (im->fish[f] && im->fish[f] != v && !im->fish_conflict[f]) {
          im->fish_conflict[f] = true;
          mm_fhir_warn(im, MM_E_AMBIGUOUS, at, path,
                       "%s %s%.0s here, %s%.0s in %s: left unknown (check the reports)",
                       "%s %.0s%s qui, %.0s%s in %s: lasciato sconosciuto (verificare i referti)",
                       mm_fhir_fish_names[f], v > 0 ? "present" : "absent",
                       v > 0 ? "presente" : "assente", v > 0 ? "absent" : "present",
                       v > 0 ? "assente" : "presente", im->fish_where[f]);
        }
        if (!im->fish[f]) im->fish_where[f] = r->name;
        im->fish[f] = v;
      }
    }
    s += n;
    if (*s == ',') s++;
  }
}

/* The result stated by one CodeableConcept (a value or an interpretation):
 * POL_NONE when cc is absent, POL_UNKNOWN (reported) when it maps to no result. */
static polarity concept_result(mm_fhir_imp *im, const mm_json *cc, const char *path) {
  if (!cc) return POL_NONE;
  const char *hit;
  const mm_fhir_mapping *m = mm_fhir_concept(im, cc, path, &hit, true);
  if (!m) return POL_UNKNOWN;
  if (m->kind != MM_FHIR_RESULT) {
    mm_fhir_warn(im, MM_E_INVALID, cc, hit, "%s %s is not a test result (present/absent)",
                 "%s %s non è un esito di test (presente/assente)",
                 mm_fhir_system_label(im->map, m->system), m->code);
    return POL_UNKNOWN;
  }
  return m->ref == MM_FHIR_RES_PRESENT  ? POL_PRESENT
         : m->ref == MM_FHIR_RES_ABSENT ? POL_ABSENT
                                        : POL_UNKNOWN;
}

/* mCODE GenomicVariant: valueCodeableConcept (LOINC LL1971-2 Present/Absent/
 * Indeterminate) and interpretation (POS/NEG/IND) say whether the variant
 * named by the ISCN component was found. Both read; they must agree. */
static polarity variant_result(mm_fhir_imp *im, const mm_fhir_res *r) {
  const char *vp = mm_fhir_sub(im, r->name, "valueCodeableConcept");
  polarity pol = concept_result(
      im, mm_fhir_get(im, r->r, "valueCodeableConcept", MM_JSON_OBJECT, r->name), vp);
  const char *ip = mm_fhir_sub(im, r->name, "interpretation");
  const mm_json *interp = mm_fhir_get(im, r->r, "interpretation", MM_JSON_ARRAY, r->name);
  for (size_t i = 0; interp && i < interp->len; i++) {
    polarity p = concept_result(im, interp->items[i], mm_fhir_idx(im, ip, i));
    if (p == POL_NONE || p == pol) continue;
    if (pol == POL_NONE) {
      pol = p;
    } else if (pol != POL_UNKNOWN) {
      mm_fhir_warn(im, MM_E_AMBIGUOUS, interp->items[i], mm_fhir_idx(im, ip, i),
                   "the interpretation contradicts the value: the result is unknown",
                   "l'interpretation contraddice il valore: esito sconosciuto");
      pol = POL_UNKNOWN;
    }
  }
  return pol;
}

static void read_cytogenetics(mm_fhir_imp *im, const mm_fhir_res *r) {
  if (obs_date(im, r) == MM_DATE_NONE) return;
  polarity pol = variant_result(im, r);
  const mm_json *comps = mm_fhir_get(im, r->r, "component", MM_JSON_ARRAY, r->name);
  bool any = false;
  for (size_t i = 0; comps && i < comps->len; i++) {
    const char *p = mm_fhir_idx(im, mm_fhir_sub(im, r->name, "component"), i);
    const mm_json *c = comps->items[i];
    if (c->type != MM_JSON_OBJECT) {
      mm_fhir_bad(im, MM_E_TYPE, c, p, "expected an object, got %s",
                  "atteso un oggetto, trovato %s", mm_json_type_name(c->type));
      continue;
    }
    const char *hit;
    const mm_fhir_mapping *m = mm_fhir_concept(im, mm_fhir_get(im, c, "code", MM_JSON_OBJECT, p),
                                               mm_fhir_sub(im, p, "code"), &hit, false);
    if (!m || m->kind != MM_FHIR_OBSERVATION || m->ref != MM_FHIR_OBS_ISCN) continue;
    const mm_json *v;
    if ((v = mm_fhir_get(im, c, "valueString", MM_JSON_STRING, p))) {
      read_iscn(im, r, pol, v->str, v, mm_fhir_sub(im, p, "valueString"));
      any = true;
    } else if ((v = mm_fhir_get(im, c, "valueCodeableConcept", MM_JSON_OBJECT, p))) {
      const char *vp = mm_fhir_sub(im, p, "valueCodeableConcept");
      const mm_json *codings = mm_fhir_get(im, v, "coding", MM_JSON_ARRAY, vp);
      for (size_t k = 0; codings && k < codings->len; k++) {
        const char *kp = mm_fhir_idx(im, mm_fhir_sub(im, vp, "coding"), k);
        const char *code = mm_fhir_get_str(im, codings->items[k], "code", kp);
        if (code)
          read_iscn(im, r, pol, code, codings->items[k], mm_fhir_sub(im, kp, "code")), any = true;
      }
      const char *text = mm_fhir_get_str(im, v, "text", vp);
      if (!any && text) read_iscn(im, r, pol, text, v, mm_fhir_sub(im, vp, "text")), any = true;
    }
  }
  if (!any)
    mm_fhir_warn(im, MM_E_MISSING, r->r, r->name,
                 "cytogenetics without an ISCN component (kb/fhir.yaml 'iscn'): the variant "
                 "tested is not named: left out",
                 "citogenetica senza un component ISCN (kb/fhir.yaml 'iscn'): la variante "
                 "testata non è indicata: non importata");
}

/* mCODE MyelomaISSStage: the ISS at diagnosis, so the earliest stage wins;
 * a later, different stage is reported. */
static void read_iss(mm_fhir_imp *im, const mm_fhir_res *r) {
  const char *hit;
  const char *vp = mm_fhir_sub(im, r->name, "valueCodeableConcept");
  const mm_json *cc = mm_fhir_get(im, r->r, "valueCodeableConcept", MM_JSON_OBJECT, r->name);
  if (!cc) {
    mm_fhir_warn(im, MM_E_MISSING, r->r, r->name,
                 "ISS stage without valueCodeableConcept: left out",
                 "stadio ISS senza valueCodeableConcept: non importato");
    return;
  }
  const mm_fhir_mapping *m = mm_fhir_concept(im, cc, vp, &hit, true);
  if (!m) return;
  if (m->kind != MM_FHIR_ISS) {
    mm_fhir_warn(im, MM_E_INVALID, cc, hit, "%s %s is not an ISS stage: left out",
                 "%s %s non è uno stadio ISS: non importato",
                 mm_fhir_system_label(im->map, m->system), m->code);
    return;
  }
  mm_date d = obs_date(im, r);
  if (d == MM_DATE_NONE) return;
  if (im->iss_date != MM_DATE_NONE && im->iss != m->ref) {
    bool later = d >= im->iss_date;
    mm_fhir_warn(im, MM_E_AMBIGUOUS, cc, hit,
                 "ISS %d here, ISS %d in %s: the earliest (at diagnosis) is kept",
                 "ISS %d qui, ISS %d in %s: si mantiene il più precoce (alla diagnosi)", m->ref,
                 im->iss,
                 im->iss_where);
    if (later) return;
  }
  if (im->iss_date == MM_DATE_NONE || d < im->iss_date) {
    im->iss = m->ref;
    im->iss_date = d;
    im->iss_where = r->name;
  }
}

/* mCODE STU4 Comorbidities (code SNOMED 398192003): each condition in an
 * extension, mcode-related-condition (present: a CodeableConcept, or a
 * reference to a Condition, which is read as a Condition of its own) or
 * mcode-related-condition-absent. The record lists the present ones. */
static bool url_ends(const char *url, const char *tail) {
  size_t n = strlen(url), k = strlen(tail);
  return n >= k && strcmp(url + n - k, tail) == 0;
}

static void read_comorbidities(mm_fhir_imp *im, const mm_fhir_res *r) {
  const mm_json *ext = mm_fhir_get(im, r->r, "extension", MM_JSON_ARRAY, r->name);
  size_t read = 0;
  for (size_t i = 0; ext && i < ext->len; i++) {
    const char *ep = mm_fhir_idx(im, mm_fhir_sub(im, r->name, "extension"), i);
    const char *url = mm_fhir_get_str(im, ext->items[i], "url", ep);
    if (!url) continue;
    bool present = url_ends(url, "/mcode-related-condition");
    if (!present && !url_ends(url, "/mcode-related-condition-absent")) continue;
    read++;
    const mm_json *cc =
        mm_fhir_get(im, ext->items[i], "valueCodeableConcept", MM_JSON_OBJECT, ep);
    if (!cc) continue; /* a valueReference: that Condition is read on its own */
    const char *hit;
    const mm_fhir_mapping *m =
        mm_fhir_concept(im, cc, mm_fhir_sub(im, ep, "valueCodeableConcept"), &hit, true);
    if (!m) continue;
    if (m->kind != MM_FHIR_COMORBIDITY) {
      mm_fhir_warn(im, MM_E_INVALID, cc, hit, "%s %s is not a comorbidity: left out",
                   "%s %s non è una comorbidità: non importato",
                   mm_fhir_system_label(im->map, m->system), m->code);
    } else if (present && !im->has_comorb[m->ref]) {
      im->has_comorb[m->ref] = true;
      im->comorbs[im->n_comorbs++] = m->ref;
    }
  }
  if (!read)
    mm_fhir_warn(im, MM_E_MISSING, r->r, r->name,
                 "Comorbidities without mcode-related-condition extensions: nothing read",
                 "Comorbidities senza extension mcode-related-condition: nulla di letto");
}

/* mCODE MyelomaRISSStage (code NCIt C141392, values C141394-6): at
 * diagnosis, so the earliest stage wins. */
static void read_riss(mm_fhir_imp *im, const mm_fhir_res *r) {
  const char *hit;
  const char *vp = mm_fhir_sub(im, r->name, "valueCodeableConcept");
  const mm_json *cc = mm_fhir_get(im, r->r, "valueCodeableConcept", MM_JSON_OBJECT, r->name);
  if (!cc) {
    mm_fhir_warn(im, MM_E_MISSING, r->r, r->name,
                 "R-ISS stage without valueCodeableConcept: left out",
                 "stadio R-ISS senza valueCodeableConcept: non importato");
    return;
  }
  const mm_fhir_mapping *m = mm_fhir_concept(im, cc, vp, &hit, true);
  if (!m) return;
  if (m->kind != MM_FHIR_RISS) {
    mm_fhir_warn(im, MM_E_INVALID, cc, hit, "%s %s is not an R-ISS stage: left out",
                 "%s %s non è uno stadio R-ISS: non importato",
                 mm_fhir_system_label(im->map, m->system), m->code);
    return;
  }
  mm_date d = obs_date(im, r);
  if (d == MM_DATE_NONE) return;
  if (im->riss_date != MM_DATE_NONE && im->riss != m->ref)
    mm_fhir_warn(im, MM_E_AMBIGUOUS, cc, hit,
                 "R-ISS %d here, R-ISS %d in %s: the earliest (at diagnosis) is kept",
                 "R-ISS %d qui, R-ISS %d in %s: si mantiene il più precoce (alla diagnosi)",
                 m->ref,
                 im->riss, im->riss_where);
  if (im->riss_date == MM_DATE_NONE || d < im->riss_date) {
    im->riss = m->ref;
    im->riss_date = d;
    im->riss_where = r->name;
  }
}

void mm_fhir_apply_riss(mm_fhir_imp *im) {
  if (im->riss_date == MM_DATE_NONE || im->riss == 2) return; /* II: neither I nor III */
  int iss = im->riss == 1 ? 1 : 3;
  if (im->iss_date == MM_DATE_NONE) {
    im->iss = iss;
    im->iss_date = im->riss_date;
    im->iss_where = im->riss_where;
    mm_fhir_warn(im, MM_E_MISSING, NULL, im->riss_where,
                 "R-ISS %d: diagnosis.iss %d written (R-ISS %s requires ISS %s; Palumbo A et al., "
                 "J Clin Oncol 2015;33(26):2863-2869)",
                 "R-ISS %d: scritto diagnosis.iss %d (l'R-ISS %s richiede ISS %s; Palumbo A et "
                 "al., J Clin Oncol 2015;33(26):2863-2869)",
                 im->riss, iss, im->riss == 1 ? "I" : "III", im->riss == 1 ? "I" : "III");
  } else if (im->iss != iss) {
    mm_fhir_warn(im, MM_E_AMBIGUOUS, NULL, im->riss_where,
                 "R-ISS %d contradicts ISS %d of %s: the ISS is kept (check)",
                 "R-ISS %d in contrasto con ISS %d di %s: si mantiene l'ISS (verificare)", im->riss,
                 im->iss,
                 im->iss_where);
  }
  if (im->riss != 1) return;
  /* R-ISS I: normal LDH and standard-risk FISH (no del(17p), t(4;14), t(14;16)) */
  im->ldh_above = -1;
  static const char *const high[] = {"del17p", "t4_14", "t14_16"};
  for (int k = 0; k < 3; k++) {
    int f = 0;
    while (mm_fhir_fish_names[f] && strcmp(mm_fhir_fish_names[f], high[k]) != 0) f++;
    if (im->fish[f] > 0 && !im->fish_conflict[f]) {
      im->fish_conflict[f] = true;
      mm_fhir_warn(im, MM_E_AMBIGUOUS, NULL, im->riss_where,
                   "R-ISS I excludes %s, found present in %s: left unknown (check)",
                   "l'R-ISS I esclude %s, risultato presente in %s: lasciato sconosciuto "
                   "(verificare)",
                   high[k],
                   im->fish_where[f]);
    } else if (!im->fish[f]) {
      im->fish[f] = -1;
      im->fish_where[f] = im->riss_where;
    }
  }
  mm_fhir_warn(im, MM_E_MISSING, NULL, im->riss_where,
               "R-ISS 1: ldh_above_uln false and del17p, t4_14, t14_16 false where not stated "
               "(R-ISS I: normal LDH, standard-risk FISH; Palumbo A et al., J Clin Oncol 2015)",
               "R-ISS 1: scritti ldh_above_uln false e del17p, t4_14, t14_16 false dove non "
               "indicati (R-ISS I: LDH normale, FISH a rischio standard; Palumbo A et al., "
               "J Clin Oncol 2015)");
}

void mm_fhir_read_observation(mm_fhir_imp *im, const mm_fhir_res *r) {
  const char *status = mm_fhir_get_str(im, r->r, "status", r->name);
  if (status && (strcmp(status, "entered-in-error") == 0 || strcmp(status, "cancelled") == 0)) {
    mm_fhir_warn(im, MM_E_STATE, mm_json_get(r->r, "status"), mm_fhir_sub(im, r->name, "status"),
                 "status '%s': observation left out", "status '%s': Observation non importata",
                 status);
    return;
  }
  const char *hit;
  const char *cpath = mm_fhir_sub(im, r->name, "code");
  const mm_json *code = mm_fhir_get(im, r->r, "code", MM_JSON_OBJECT, r->name);
  if (!code) {
    if (!mm_json_present(mm_json_get(r->r, "code")))
      mm_fhir_bad(im, MM_E_MISSING, r->r, cpath, "an Observation must have a code",
                  "una Observation deve avere un code");
    return;
  }
  const mm_fhir_mapping *m = mm_fhir_concept(im, code, cpath, &hit, true);
  if (!m) return;
  if (m->kind == MM_FHIR_LAB) {
    read_lab(im, r, m);
  } else if (m->kind == MM_FHIR_OBSERVATION) {
    switch ((mm_fhir_obs)m->ref) {
    case MM_FHIR_OBS_ECOG: read_ecog(im, r); break;
    case MM_FHIR_OBS_KARNOFSKY:
      mm_fhir_warn(im, MM_E_INVALID, code, hit,
                   "Karnofsky performance status is not converted to ECOG (no documented "
                   "mapping, docs/fhir.md): left out",
                   "il performance status di Karnofsky non è convertito in ECOG (nessuna "
                   "corrispondenza documentata, docs/fhir.md): non importato");
      break;
    case MM_FHIR_OBS_DISEASE_STATUS: read_status(im, r); break;
    case MM_FHIR_OBS_CYTOGENETICS: read_cytogenetics(im, r); break;
    case MM_FHIR_OBS_ISCN:
      mm_fhir_warn(im, MM_E_INVALID, code, hit,
                   "an ISCN result outside a cytogenetics observation: left out",
                   "un risultato ISCN fuori da una Observation di citogenetica: non importato");
      break;
    case MM_FHIR_OBS_ISS_STAGE: read_iss(im, r); break;
    case MM_FHIR_OBS_COMORBIDITIES: read_comorbidities(im, r); break;
    case MM_FHIR_OBS_RISS_STAGE: read_riss(im, r); break;
    }
  } else {
    mm_fhir_warn(im, MM_E_INVALID, code, hit, "%s %s maps to %s%.0s, not an observation: left out",
                 "%s %s corrisponde a %.0s%s, non a una Observation: non importato",
                 mm_fhir_system_label(im->map, m->system), m->code,
                 mm_fhir_kind_word(m->kind, MM_LANG_EN), mm_fhir_kind_word(m->kind, MM_LANG_IT));
  }
}
