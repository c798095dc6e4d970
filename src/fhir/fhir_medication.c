/* fhir_medication.c: MedicationStatement, MedicationAdministration and
 * MedicationRequest become drug periods (kb drug, start, end, stop reason),
 * which fhir_lines.c groups into lines of therapy. */
#include <stdbool.h>
#include <string.h>

#include "fhir/fhir_internal.h"

/* ---- medications --------------------------------------------------------- */

static const mm_fhir_res *find_resource(mm_fhir_imp *im, const mm_fhir_res *from, const char *ref,
                                        const char **cpath) {
  *cpath = NULL;
  if (ref[0] == '#') { /* contained */
    const mm_json *c = mm_fhir_get(im, from->r, "contained", MM_JSON_ARRAY, from->name);
    for (size_t i = 0; c && i < c->len; i++) {
      const mm_json *id = mm_json_get(c->items[i], "id");
      if (id && id->type == MM_JSON_STRING && strcmp(id->str, ref + 1) == 0) {
        mm_fhir_res *r = mm_arena_alloc(im->a, sizeof *r);
        if (!r) return NULL;
        *r = (mm_fhir_res){c->items[i], "Medication", id->str,
                   mm_fhir_idx(im, mm_fhir_sub(im, from->name, "contained"), i), NULL};
        *cpath = r->name;
        return r;
      }
    }
    return NULL;
  }
  for (size_t i = 0; i < im->n_res; i++) {
    const mm_fhir_res *r = &im->res[i];
    if (r->full_url && strcmp(r->full_url, ref) == 0) return r;
    if (r->id) {
      size_t tl = strlen(r->type), il = strlen(r->id), rl = strlen(ref);
      if (rl >= tl + 1 + il && strcmp(ref + rl - il, r->id) == 0 && ref[rl - il - 1] == '/' &&
          strncmp(ref + rl - il - 1 - tl, r->type, tl) == 0 &&
          (rl == tl + 1 + il || ref[rl - il - 2 - tl] == '/'))
        return r;
    }
  }
  return NULL;
}

/* A drug by kb name: the whole text, else its leading words before the first
 * word with a digit ("Velcade 3.5 MG Injection" -> "Velcade"), longest first. */
static const mm_drug *drug_by_text(mm_fhir_imp *im, const char *text) {
  const mm_drug *d = mm_kb_find_drug(im->kb, text);
  if (d) return d;
  /* Italian pharmacy systems write the product denomination as AIFA lists
   * it, name then '*' then the pack ("VELCADE*1FL 3,5MG", "REVLIMID*21CPS
   * 10MG"): the name is the part before '*', matched as a brand of drugs.yaml. */
  const char *star = strchr(text, '*');
  if (star && star > text) {
    size_t n = (size_t)(star - text);
    while (n && text[n - 1] == ' ') n--;
    char *name = mm_arena_strndup(im->a, text, n);
    if (name && (d = drug_by_text(im, name))) return d;
  }
  size_t ends[16], n = 0, i = 0, len = strlen(text);
  while (i < len && n < 16) {
    while (i < len && text[i] == ' ') i++;
    size_t w = i;
    bool digit = false;
    while (i < len && text[i] != ' ') digit |= text[i] >= '0' && text[i] <= '9', i++;
    if (digit || w == i) break;
    ends[n++] = i;
  }
  while (n-- > 0) {
    char *pre = mm_arena_strndup(im->a, text, ends[n]);
    if (pre && (d = mm_kb_find_drug(im->kb, pre))) return d;
  }
  return NULL;
}

static const char *atc_uri(const mm_fhir_map *map) {
  for (size_t k = 0; k < map->n_sys; k++)
    if (strcmp(map->sys_id[k], "atc") == 0) return map->sys_uri[k];
  return NULL;
}

/* The kb drug of a medication CodeableConcept: a mapped code (RxNorm), an ATC
 * code of kb/vocabulary/drugs.yaml, or a kb drug name in the text or a
 * display. NULL (reported) when none. */
static const mm_drug *medication_drug(mm_fhir_imp *im, const mm_json *cc, const char *path,
                                      bool *supportive) {
  *supportive = false;
  const char *hit;
  const mm_fhir_mapping *m = mm_fhir_concept(im, cc, path, &hit, false);
  if (m && m->kind == MM_FHIR_DRUG) return &im->kb->drugs[m->ref];
  if (m) {
    mm_fhir_warn(im, MM_E_INVALID, cc, hit, "%s %s maps to %s%.0s, not a drug: left out",
                 "%s %s corrisponde a %.0s%s, non a un farmaco: non importato",
                 mm_fhir_system_label(im->map, m->system), m->code,
                 mm_fhir_kind_word(m->kind, MM_LANG_EN), mm_fhir_kind_word(m->kind, MM_LANG_IT));
    return NULL;
  }
  const mm_json *codings = mm_json_get(cc, "coding");
  const char *atc = atc_uri(im->map);
  for (size_t i = 0; codings && codings->type == MM_JSON_ARRAY && i < codings->len; i++) {
    const mm_json *c = codings->items[i];
    const mm_json *sys = mm_json_get(c, "system"), *code = mm_json_get(c, "code");
    if (!atc || !sys || sys->type != MM_JSON_STRING || strcmp(sys->str, atc) || !code ||
        code->type != MM_JSON_STRING)
      continue;
    for (size_t k = 0; k < im->kb->n_drugs; k++)
      if (im->kb->drugs[k].atc && strcmp(im->kb->drugs[k].atc, code->str) == 0)
        return &im->kb->drugs[k];
  }
  const mm_json *text = mm_json_get(cc, "text");
  const mm_drug *d = NULL;
  if (text && text->type == MM_JSON_STRING) d = drug_by_text(im, text->str);
  for (size_t i = 0; !d && codings && codings->type == MM_JSON_ARRAY && i < codings->len; i++) {
    const mm_json *disp = mm_json_get(codings->items[i], "display");
    if (disp && disp->type == MM_JSON_STRING) d = drug_by_text(im, disp->str);
  }
  if (d) return d;
  /* a supportive drug (kb/fhir.yaml supportive): named, never a line's */
  const mm_fhir_supportive *sup = NULL;
  for (size_t i = 0; !sup && codings && codings->type == MM_JSON_ARRAY && i < codings->len; i++) {
    const mm_json *c = codings->items[i];
    const mm_json *sys = mm_json_get(c, "system"), *code = mm_json_get(c, "code"),
                  *disp = mm_json_get(c, "display");
    if (atc && sys && sys->type == MM_JSON_STRING && strcmp(sys->str, atc) == 0 && code &&
        code->type == MM_JSON_STRING)
      sup = mm_fhir_supportive_find(im->map, code->str, NULL);
    if (!sup && disp && disp->type == MM_JSON_STRING)
      sup = mm_fhir_supportive_find(im->map, NULL, disp->str);
  }
  if (!sup && text && text->type == MM_JSON_STRING)
    sup = mm_fhir_supportive_find(im->map, NULL, text->str);
  if (sup) {
    mm_fhir_warn(im, MM_E_INVALID, cc, path,
                 "supportive drug (%s, ATC %s in kb/fhir.yaml supportive): not myeloma therapy, "
                 "never part of a line of therapy: left out",
                 "farmaco di supporto (%s, ATC %s in kb/fhir.yaml supportive): non è terapia per "
                 "il mieloma e non fa mai parte di una linea di terapia: non importato",
                 sup->id, sup->atc);
    *supportive = true;
    return NULL;
  }
  mm_fhir_concept(im, cc, path, NULL, true); /* reports every coding */
  if (text && text->type == MM_JSON_STRING && codings && codings->type == MM_JSON_ARRAY &&
      codings->len)
    mm_fhir_warn(im, MM_E_UNKNOWN_NAME, text, mm_fhir_sub(im, path, "text"),
                 "'%s' is not a drug name of kb/vocabulary/drugs.yaml",
                 "'%s' non è un nome di farmaco di kb/vocabulary/drugs.yaml", text->str);
  return NULL;
}

int mm_fhir_medication_drug(const mm_kb *kb, const mm_fhir_map *map, const mm_json *concept,
                            mm_arena *arena, mm_diags *diags, const char *source,
                            const char *path) {
  mm_fhir_imp im = {.a = arena, .kb = kb, .map = map, .d = diags, .src = source,
                    .birth = MM_DATE_NONE, .as_of = MM_DATE_NONE, .dx = MM_DATE_NONE,
                    .ecog_date = MM_DATE_NONE, .iss_date = MM_DATE_NONE,
                    .riss_date = MM_DATE_NONE};
  bool supportive;
  const mm_drug *d = concept ? medication_drug(&im, concept, path, &supportive) : NULL;
  return d ? (int)(d - kb->drugs) : -1;
}

/* What the drug is to the line grouping: a steroid (kb/fhir.yaml
 * line_grouping.steroid_classes: never a bound of a line), a CAR-T product
 * (kb/definitions.yaml car_t_classes), or an anti-myeloma drug. */
static int drug_role(const mm_kb *kb, const mm_fhir_map *map, const mm_drug *d) {
  for (size_t i = 0; i < d->n_classes; i++) {
    for (size_t k = 0; k < map->n_steroid_classes; k++)
      if (d->classes[i] == map->steroid_classes[k]) return MM_LG_STEROID;
    for (size_t k = 0; k < kb->n_car_t_classes; k++)
      if (d->classes[i] == kb->car_t_classes[k]) return MM_LG_CELL;
  }
  return MM_LG_ACTIVE;
}

static void add_period(mm_fhir_imp *im, int drug, mm_date start, mm_date end, int stop,
                       bool order_only) {
  if (im->n_per == im->cap_per) {
    size_t cap = im->cap_per ? im->cap_per * 2 : 16;
    mm_drug_period *p = mm_arena_grow(im->a, im->per, im->n_per, cap, sizeof *p);
    if (!p) return;
    im->per = p;
    im->cap_per = cap;
  }
  im->per[im->n_per] = (mm_drug_period){drug, start, end, im->n_per, stop,
                                        drug_role(im->kb, im->map, &im->kb->drugs[drug]), order_only};
  im->n_per++;
}

static bool is_termination_ext(const char *url) {
  static const char *const names[] = {"/mcode-treatment-termination-reason",
                                      "/mcode-termination-reason", NULL};
  size_t n = strlen(url);
  for (const char *const *q = names; *q; q++) {
    size_t k = strlen(*q);
    if (n >= k && strcmp(url + n - k, *q) == 0) return true;
  }
  return false;
}

/* Why the medication stopped: statusReason (a CodeableConcept, or a list of
 * them) or the mCODE treatment termination reason extension, through the
 * stop_reason mappings of kb/fhir.yaml. -1 when none is given or mapped. */
static int stop_reason(mm_fhir_imp *im, const mm_fhir_res *r) {
  const mm_json *ccs[8];
  const char *paths[8];
  size_t n = 0;
  const mm_json *sr = mm_json_get(r->r, "statusReason");
  const char *sp = mm_fhir_sub(im, r->name, "statusReason");
  if (sr && sr->type == MM_JSON_OBJECT) {
    ccs[n] = sr;
    paths[n++] = sp;
  } else if (sr && sr->type == MM_JSON_ARRAY) {
    for (size_t i = 0; i < sr->len && n < 4; i++)
      ccs[n] = sr->items[i], paths[n++] = mm_fhir_idx(im, sp, i);
  } else if (mm_json_present(sr)) {
    mm_fhir_bad(im, MM_E_TYPE, sr, sp, "expected a CodeableConcept or a list of them, got %s",
                "atteso un CodeableConcept o una lista di CodeableConcept, trovato %s",
                mm_json_type_name(sr->type));
  }
  const mm_json *ext = mm_fhir_get(im, r->r, "extension", MM_JSON_ARRAY, r->name);
  for (size_t i = 0; ext && i < ext->len && n < 8; i++) {
    const char *ep = mm_fhir_idx(im, mm_fhir_sub(im, r->name, "extension"), i);
    const char *url = mm_fhir_get_str(im, ext->items[i], "url", ep);
    if (!url || !is_termination_ext(url)) continue;
    const mm_json *v = mm_fhir_get(im, ext->items[i], "valueCodeableConcept", MM_JSON_OBJECT, ep);
    if (v) ccs[n] = v, paths[n++] = mm_fhir_sub(im, ep, "valueCodeableConcept");
  }
  int stop = -1;
  for (size_t i = 0; i < n; i++) {
    const char *hit;
    const mm_fhir_mapping *m = mm_fhir_concept(im, ccs[i], paths[i], &hit, true);
    if (!m) continue;
    if (m->kind != MM_FHIR_STOP) {
      mm_fhir_warn(im, MM_E_INVALID, ccs[i], hit, "%s %s is not a stop reason: left out",
                   "%s %s non è un motivo di sospensione: non importato",
                   mm_fhir_system_label(im->map, m->system), m->code);
    } else if (stop >= 0 && stop != m->ref) {
      mm_fhir_warn(im, MM_E_AMBIGUOUS, ccs[i], hit,
                   "a second, different stop reason (%s besides %s): both left out",
                   "un secondo motivo di sospensione, diverso (%s oltre a %s): entrambi non "
                   "importati",
                   mm_fhir_stop_names[m->ref], mm_fhir_stop_names[stop]);
      return -1;
    } else {
      stop = m->ref;
    }
  }
  return stop;
}

void mm_fhir_read_medication(mm_fhir_imp *im, const mm_fhir_res *r) {
  const char *status = mm_fhir_get_str(im, r->r, "status", r->name);
  static const char *const skip[] = {"entered-in-error", "not-taken", "not-done", "intended",
                                     "cancelled", "draft", NULL};
  for (const char *const *q = skip; status && *q; q++)
    if (strcmp(status, *q) == 0) {
      mm_fhir_warn(im, MM_E_STATE, mm_json_get(r->r, "status"), mm_fhir_sub(im, r->name, "status"),
                   "status '%s': medication left out", "status '%s': farmaco non importato",
                   status);
      return;
    }
  /* the medication */
  const mm_json *cc = mm_fhir_get(im, r->r, "medicationCodeableConcept", MM_JSON_OBJECT, r->name);
  const char *cpath = mm_fhir_sub(im, r->name, "medicationCodeableConcept");
  if (!cc) {
    const mm_json *ref = mm_fhir_get(im, r->r, "medicationReference", MM_JSON_OBJECT, r->name);
    const char *rpath = mm_fhir_sub(im, r->name, "medicationReference");
    const char *rs = ref ? mm_fhir_get_str(im, ref, "reference", rpath) : NULL;
    if (!rs) {
      mm_fhir_warn(im, MM_E_MISSING, r->r, r->name,
                   "no medicationCodeableConcept or medicationReference.reference: "
                   "left out",
                   "né medicationCodeableConcept né medicationReference.reference: "
                   "farmaco non importato");
      return;
    }
    const char *contained;
    const mm_fhir_res *med = find_resource(im, r, rs, &contained);
    if (!med || strcmp(med->type, "Medication") != 0) {
      mm_fhir_warn(im, MM_E_NOT_FOUND, mm_json_get(ref, "reference"),
                   mm_fhir_sub(im, rpath, "reference"),
                   "'%s' is not a Medication in this input: left out",
                   "'%s' non è una Medication di questo input: farmaco non importato", rs);
      return;
    }
    cc = mm_fhir_get(im, med->r, "code", MM_JSON_OBJECT, med->name);
    cpath = mm_fhir_sub(im, med->name, "code");
    if (!cc) {
      mm_fhir_warn(im, MM_E_MISSING, med->r, cpath, "Medication without a code: %s left out",
                   "Medication senza code: %s non importata", r->name);
      return;
    }
  }
  bool supportive;
  const mm_drug *drug = medication_drug(im, cc, cpath, &supportive);
  if (!drug && supportive) return;
  if (!drug) {
    mm_fhir_warn(im, MM_E_UNKNOWN_NAME, r->r, r->name,
                 "medication not recognised: left out of the lines of therapy",
                 "farmaco non riconosciuto: escluso dalle linee di terapia");
    return;
  }
  /* its mm_drug_period */
  mm_date start = MM_DATE_NONE, end = MM_DATE_NONE;
  const mm_json *per = NULL, *single = NULL;
  const char *ppath = NULL;
  if (strcmp(r->type, "MedicationRequest") == 0) {
    const mm_json *di = mm_fhir_get(im, r->r, "dosageInstruction", MM_JSON_ARRAY, r->name);
    for (size_t i = 0; di && i < di->len && !per; i++) {
      const char *p = mm_fhir_idx(im, mm_fhir_sub(im, r->name, "dosageInstruction"), i);
      const mm_json *t = mm_fhir_get(im, di->items[i], "timing", MM_JSON_OBJECT, p);
      const mm_json *rep =
          t ? mm_fhir_get(im, t, "repeat", MM_JSON_OBJECT, mm_fhir_sub(im, p, "timing")) : NULL;
      per = rep ? mm_fhir_get(im, rep, "boundsPeriod", MM_JSON_OBJECT,
                              mm_fhir_sub(im, p, "timing.repeat"))
                : NULL;
      if (per) ppath = mm_fhir_sub(im, p, "timing.repeat.boundsPeriod");
    }
    if (!per) {
      /* An order known only by its date: a completed or active order of a
       * myeloma drug says the patient was exposed; when is known only to the
       * day of the order. It is placed by that date and written without
       * dates of its own (the line's stand for it), and said. */
      const mm_json *au = mm_fhir_get(im, r->r, "authoredOn", MM_JSON_STRING, r->name);
      bool given = status && (strcmp(status, "completed") == 0 || strcmp(status, "active") == 0 ||
                              strcmp(status, "stopped") == 0);
      if (!au || !given) {
        mm_fhir_warn(im, MM_E_MISSING, r->r, r->name,
                     "%s: no dosageInstruction[].timing.repeat.boundsPeriod%s%.0s: left out",
                     "%s: nessun dosageInstruction[].timing.repeat.boundsPeriod%.0s%s: non "
                     "importato",
                     drug->id,
                     au ? " and status not completed, active or stopped" : " and no authoredOn",
                     au ? " e status diverso da completed, active o stopped"
                        : " e nessun authoredOn");
        return;
      }
      start = mm_fhir_date(im, au, mm_fhir_sub(im, r->name, "authoredOn"), "order date",
                           "la data di prescrizione");
      if (start == MM_DATE_NONE) return;
      mm_fhir_warn(im, MM_E_MISSING, au, mm_fhir_sub(im, r->name, "authoredOn"),
                   "%s: only the order date (authoredOn %.10s) is known, no treatment period: "
                   "read as exposure in the line running then, without dates of its own (check "
                   "the administrations)",
                   "%s: è nota solo la data di prescrizione (authoredOn %.10s), non il periodo di "
                   "trattamento: letto come esposizione nella linea in corso a quella data, senza "
                   "date proprie (verificare le somministrazioni)",
                   drug->id, au->str);
      int stop = stop_reason(im, r);
      bool on = strcmp(status, "active") == 0;
      add_period(im, (int)(drug - im->kb->drugs), start, on ? MM_DATE_NONE : start, on ? -1 : stop,
                 true);
      return;
    }
  } else {
    per = mm_fhir_get(im, r->r, "effectivePeriod", MM_JSON_OBJECT, r->name);
    ppath = mm_fhir_sub(im, r->name, "effectivePeriod");
    if (!per) single = mm_fhir_get(im, r->r, "effectiveDateTime", MM_JSON_STRING, r->name);
    if (!per && !single) {
      mm_fhir_warn(im, MM_E_MISSING, r->r, r->name,
                   "%s: no effectivePeriod or effectiveDateTime: left out",
                   "%s: né effectivePeriod né effectiveDateTime: non importato", drug->id);
      return;
    }
  }
  bool active = status && (strcmp(status, "active") == 0 || strcmp(status, "in-progress") == 0 ||
                           strcmp(status, "on-hold") == 0);
  if (single) {
    start = mm_fhir_date(im, single, mm_fhir_sub(im, r->name, "effectiveDateTime"), "start",
                         "la data di inizio");
    if (start == MM_DATE_NONE) return;
    end = active ? MM_DATE_NONE : start; /* active from that day, else that day only */
    if (strcmp(r->type, "MedicationStatement") == 0)
      mm_fhir_warn(im, MM_E_MISSING, single, mm_fhir_sub(im, r->name, "effectiveDateTime"),
                   "%s: one date, no period: taken as %s%.0s (check the dates)",
                   "%s: una sola data, nessun periodo: letta come %.0s%s (verificare le date)",
                   drug->id,
                   active ? "the first day of an ongoing exposure" : "a single day of exposure",
                   active ? "il primo giorno di un'esposizione in corso"
                          : "un solo giorno di esposizione");
  } else {
    const mm_json *s = mm_fhir_get(im, per, "start", MM_JSON_STRING, ppath);
    const mm_json *e = mm_fhir_get(im, per, "end", MM_JSON_STRING, ppath);
    if (!s) {
      mm_fhir_warn(im, MM_E_MISSING, per, ppath, "%s: a period without a start: left out",
                   "%s: un periodo senza start: non importato", drug->id);
      return;
    }
    start = mm_fhir_date(im, s, mm_fhir_sub(im, ppath, "start"), "start", "la data di inizio");
    if (start == MM_DATE_NONE) return;
    if (e) {
      char buf[11];
      mm_date_format(im->as_of, buf);
      mm_date ed;
      if (e->len >= 10 && mm_date_parse(e->str, 10, &ed) && ed > im->as_of) {
        mm_fhir_warn(im, MM_E_RANGE, e, mm_fhir_sub(im, ppath, "end"),
                     "%s: end %.10s is after as_of %s: taken as ongoing",
                     "%s: end %.10s successiva ad as_of %s: periodo letto come in corso", drug->id,
                     e->str, buf);
        end = MM_DATE_NONE;
      } else {
        end = mm_fhir_date(im, e, mm_fhir_sub(im, ppath, "end"), "end", "la data di fine");
        if (end == MM_DATE_NONE) return; /* reported: a partial or invalid date */
        if (end < start) {
          mm_fhir_bad(im, MM_E_ORDER, e, mm_fhir_sub(im, ppath, "end"), "end before start",
                      "end precede start");
          return;
        }
      }
    } else if (!active && status) {
      mm_fhir_warn(im, MM_E_MISSING, per, ppath,
                   "%s: status '%s' but no end date: left out (it would read as ongoing)",
                   "%s: status '%s' ma nessuna data di fine: non importato (risulterebbe in "
                   "corso)",
                   drug->id, status);
      return;
    }
  }
  bool order_only = false;
  int stop = stop_reason(im, r);
  if (stop >= 0 && end == MM_DATE_NONE) {
    mm_fhir_warn(im, MM_E_INVALID, r->r, r->name,
                 "%s: a stop reason (%s) on an ongoing period: reason left out",
                 "%s: un motivo di sospensione (%s) su un periodo in corso: motivo non importato",
                 drug->id,
                 mm_fhir_stop_names[stop]);
    stop = -1;
  }
  add_period(im, (int)(drug - im->kb->drugs), start, end, stop, order_only);
}
