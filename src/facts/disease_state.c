/* disease_state.c: where the patient stands in the course of the disease
 * (docs/facts.md), beside the treatment `setting`: no myeloma diagnosis in
 * the record; newly diagnosed; on therapy; in response after ASCT, after a
 * CAR-T, after a bispecific that stopped, or after another therapy;
 * refractory (non-response on the last line); relapsed or progressing. And
 * the months since the last CAR-T infusion and since the last bispecific
 * stopped, which supportive care reads.
 *
 * The definitions are IMWG's (Rajkumar, Blood 2011: relapse, refractory;
 * Rajkumar, Blood 2015: one line = induction + transplant + consolidation +
 * maintenance; Kumar, Lancet Oncol 2016: response categories), written in
 * kb/definitions.yaml: the non-response categories (`refractoriness`) and
 * the drug classes that make a line CAR-T or bispecific (`disease_state`).
 * Only the last line decides; whatever the record leaves open is unknown,
 * naming the input that would decide it. */
#include <stdio.h>
#include <string.h>

#include "facts/facts_internal.h"

static void set_state(mm_deriving *d, mm_disease_state s) {
  mm_fact_set(d, MM_F_DISEASE_STATE, mm_value_string(mm_disease_state_values[s]));
}

static bool in_classes(const mm_kb *kb, int drug, const int *classes, size_t n) {
  const mm_drug *dr = &kb->drugs[drug];
  for (size_t i = 0; i < dr->n_classes; i++)
    for (size_t k = 0; k < n; k++)
      if (dr->classes[i] == classes[k]) return true;
  return false;
}

/* A drug of the line (induction first, then maintenance) in one of the
 * classes, or NULL; *maint says which phase holds it. */
static const mm_drug_use *find_use(const mm_kb *kb, const mm_line *l, const int *classes,
                                   size_t n, bool *maint) {
  *maint = false;
  for (size_t i = 0; i < l->n_drugs; i++)
    if (in_classes(kb, l->drugs[i].drug, classes, n)) return &l->drugs[i];
  *maint = true;
  for (size_t i = 0; i < l->n_maint; i++)
    if (in_classes(kb, l->maint[i].drug, classes, n)) return &l->maint[i];
  return NULL;
}

static bool is_nonresponse(const mm_kb *kb, mm_response_cat r) {
  const char *name = mm_response_cat_name(r);
  for (size_t i = 0; name && i < kb->n_nonresponse; i++)
    if (strcmp(kb->nonresponse[i], name) == 0) return true;
  return false;
}

static const char *sub(mm_deriving *d, const char *path, const char *field) {
  return d->explain ? mm_facts_printf(d->arena, "%s.%s", path, field) : NULL;
}

/* "; best response CR" in the reasons, when the record gives it. */
static const char *best(mm_deriving *d, const mm_line *l, int it) {
  const char *r = mm_response_cat_name(l->best_response);
  if (!r || !d->explain) return "";
  return mm_facts_printf(d->arena, it ? "; miglior risposta %s" : "; best response %s", r);
}

/* The last line, once it is known to have ended (or be running) without a
 * recorded progression. */
static void after_last_line(mm_deriving *d, const mm_line *l) {
  const mm_kb *kb = d->kb;
  const int s = MM_F_DISEASE_STATE;
  mm_value on = d->f->values[MM_F_ON_TREATMENT];
  bool running = on.known && on.b;
  bool nonresp = is_nonresponse(kb, l->best_response);
  bool unexplained = !running && l->stop_reason == MM_STOP_NONE;
  bool maint;
  const mm_drug_use *car_t =
      l->drugs_known ? find_use(kb, l, kb->car_t_classes, kb->n_car_t_classes, &maint) : NULL;
  const mm_drug_use *bisp =
      l->drugs_known ? find_use(kb, l, kb->bispecific_classes, kb->n_bispecific_classes, &maint)
                     : NULL;
  if (nonresp && (car_t || !running)) {
    set_state(d, MM_DS_REFRACTORY_NONRESPONSIVE);
    mm_fact_from(d, s, sub(d, l->path, "best_response"));
    mm_fact_because(d, s, "%s: best response %s, a non-response (IMWG: refractory disease)",
                    "%s: miglior risposta %s, una mancata risposta (IMWG: malattia refrattaria)",
                    l->path, mm_response_cat_name(l->best_response));
    return;
  }
  if (unexplained) {
    mm_fact_missing(d, s, sub(d, l->path, "progression"));
    mm_fact_because(d, s, "%s ended, and neither a progression nor a stop_reason is recorded",
                    "%s conclusa, senza progressione né motivo di interruzione registrati",
                    l->path);
    return;
  }
  /* A CAR-T is one infusion, the line's start (or the product's own date):
   * from then on the patient is "after CAR-T", whether or not the line has
   * an end date. */
  if (car_t) {
    set_state(d, MM_DS_RESPONSE_AFTER_CAR_T);
    mm_fact_from(d, s, car_t->path);
    mm_fact_because_lang(d, s, 0, "%s: CAR-T (%s), no progression recorded since%s", l->path,
                         kb->drugs[car_t->drug].id, best(d, l, 0));
    mm_fact_because_lang(d, s, 1, "%s: CAR-T (%s), nessuna progressione registrata da allora%s",
                         l->path, kb->drugs[car_t->drug].id, best(d, l, 1));
    return;
  }
  if (running) {
    set_state(d, MM_DS_ON_THERAPY);
    mm_fact_from(d, s, l->path);
    mm_fact_because(d, s, "%s is running, no progression recorded",
                    "%s in corso, nessuna progressione registrata", l->path);
    return;
  }
  mm_fact_from(d, s, sub(d, l->path, "stop_reason"));
  if (!l->drugs_known) {
    mm_fact_missing(d, s, sub(d, l->path, "drugs"));
    mm_fact_because(d, s,
                    "%s ended without progression, but its drugs are not recorded (a CAR-T or "
                    "a bispecific would decide the state)",
                    "%s conclusa senza progressione, ma i farmaci non sono registrati (una CAR-T "
                    "o un bispecifico deciderebbero lo stato)", l->path);
    return;
  }
  if (bisp) {
    set_state(d, MM_DS_RESPONSE_AFTER_BISPECIFIC);
    mm_fact_from(d, s, bisp->path);
    mm_fact_because_lang(d, s, 0, "%s: %s stopped, no progression recorded since%s", l->path,
                         kb->drugs[bisp->drug].id, best(d, l, 0));
    mm_fact_because_lang(d, s, 1, "%s: %s sospeso, nessuna progressione registrata da allora%s",
                         l->path, kb->drugs[bisp->drug].id, best(d, l, 1));
    return;
  }
  set_state(d, l->has_asct ? MM_DS_RESPONSE_AFTER_ASCT : MM_DS_RESPONSE_AFTER_THERAPY);
  if (l->has_asct) {
    mm_fact_from(d, s, sub(d, l->path, "asct"));
    mm_fact_because_lang(d, s, 0, "%s (with ASCT) ended without progression%s", l->path,
                         best(d, l, 0));
    mm_fact_because_lang(d, s, 1, "%s (con ASCT) conclusa senza progressione%s", l->path,
                         best(d, l, 1));
  } else {
    mm_fact_because_lang(d, s, 0, "%s ended without progression%s", l->path, best(d, l, 0));
    mm_fact_because_lang(d, s, 1, "%s conclusa senza progressione%s", l->path, best(d, l, 1));
  }
}

static void derive_state(mm_deriving *d) {
  const mm_patient *p = d->p;
  const int s = MM_F_DISEASE_STATE;
  bool any_line = p->lines_given && p->n_lines > 0;
  /* The record format is for myeloma, but a record with neither a
   * diagnosis nor a line of myeloma therapy (e.g. {"id": "X"}, or a FHIR
   * bundle without a myeloma Condition) says nothing of myeloma. */
  if (!p->diagnosis_given && !any_line) {
    set_state(d, MM_DS_NO_MYELOMA_DIAGNOSIS);
    mm_fact_from(d, s, "diagnosis");
    mm_fact_from(d, s, "lines");
    mm_fact_because_text(d, s, "the record has neither a diagnosis nor a line of therapy",
                         "la scheda non ha né una diagnosi né una linea di terapia");
    return;
  }
  if (p->diagnosis_given) mm_fact_from(d, s, "diagnosis");
  if (!p->lines_given) {
    mm_fact_missing(d, s, "lines");
    mm_fact_because_text(d, s,
                         "a diagnosis is recorded, but not the lines of therapy (an empty list "
                         "means none)",
                         "la diagnosi è registrata, ma non le linee di terapia (una lista vuota "
                         "significa nessuna)");
    return;
  }
  mm_fact_from(d, s, "lines");
  if (p->n_lines == 0) {
    set_state(d, MM_DS_NEWLY_DIAGNOSED);
    mm_fact_because_text(d, s, "a diagnosis and no line of therapy yet",
                         "una diagnosi e ancora nessuna linea di terapia");
    return;
  }
  const mm_line *l = &p->lines[p->n_lines - 1];
  if (l->has_progression || l->stop_reason == MM_STOP_PROGRESSION) {
    set_state(d, MM_DS_RELAPSED_PROGRESSING);
    if (l->has_progression) {
      char pd[11] = "";
      if (d->explain) mm_date_format(l->progression, pd);
      mm_fact_from(d, s, sub(d, l->path, "progression"));
      mm_fact_because(d, s, "%s: progression %s (on or after the last line)",
                      "%s: progressione il %s (durante o dopo l'ultima linea)", l->path, pd);
    } else {
      mm_fact_from(d, s, sub(d, l->path, "stop_reason"));
      mm_fact_because(d, s, "%s stopped for progression", "%s interrotta per progressione",
                      l->path);
    }
    return;
  }
  after_last_line(d, l);
}

/* The last line holding a drug of the classes, from the newest back. A line
 * after it whose drugs are not recorded might hold one: then *unknown_in
 * names it and NULL is returned. */
static const mm_line *last_line_with(mm_deriving *d, const int *classes, size_t n,
                                     const mm_drug_use **use, bool *maint,
                                     const char **unknown_in) {
  const mm_patient *p = d->p;
  *unknown_in = NULL;
  *use = NULL;
  for (size_t k = p->n_lines; k-- > 0;) {
    const mm_line *l = &p->lines[k];
    if (!l->drugs_known) {
      *unknown_in = sub(d, l->path, "drugs");
      if (!*unknown_in) *unknown_in = "lines";
      return NULL;
    }
    if ((*use = find_use(d->kb, l, classes, n, maint))) return l;
  }
  return NULL;
}

static void months_since(mm_deriving *d, int slot, mm_date date) {
  mm_fact_set(d, slot, mm_value_number(mm_date_months_between(date, d->p->as_of)));
  mm_fact_from(d, slot, "as_of");
}

/* No line of the class: the value stays null, with the reason and nothing
 * missing (nothing in the record would change it). */
static bool none_or_missing(mm_deriving *d, int slot, const mm_line *l, const char *unknown_in,
                            const char *en, const char *it) {
  if (!d->p->lines_given) {
    mm_fact_missing(d, slot, "lines");
    return true;
  }
  if (unknown_in) {
    mm_fact_missing(d, slot, unknown_in);
    return true;
  }
  if (!l) {
    mm_fact_from(d, slot, "lines");
    mm_fact_because_text(d, slot, en, it);
    return true;
  }
  return false;
}

static void derive_months_since_car_t(mm_deriving *d) {
  const int s = MM_F_MONTHS_SINCE_CAR_T;
  const mm_drug_use *use;
  bool maint;
  const char *unknown_in;
  const mm_line *l = d->p->lines_given ? last_line_with(d, d->kb->car_t_classes,
                                                        d->kb->n_car_t_classes, &use, &maint,
                                                        &unknown_in)
                                       : NULL;
  if (none_or_missing(d, s, l, d->p->lines_given ? unknown_in : NULL,
                      "no CAR-T in the record", "nessuna CAR-T nella scheda"))
    return;
  /* The infusion: the product's own date, else the start of its phase. */
  mm_date date = use->own_dates && use->start != MM_DATE_NONE ? use->start
                 : maint ? l->maint_start : l->start;
  const char *from = use->own_dates && use->start != MM_DATE_NONE ? use->path
                     : sub(d, maint ? sub(d, l->path, "maintenance") : l->path, "start");
  if (date == MM_DATE_NONE) {
    mm_fact_missing(d, s, from ? from : "lines");
    return;
  }
  months_since(d, s, date);
  mm_fact_from(d, s, from);
  char dd[11] = "";
  if (d->explain) mm_date_format(date, dd);
  mm_fact_because(d, s, "%s: %s infused %s", "%s: %s infuso il %s", l->path,
                  d->kb->drugs[use->drug].id, dd);
}

static void derive_months_since_bispecific_stop(mm_deriving *d) {
  const int s = MM_F_MONTHS_SINCE_BISPECIFIC_STOP;
  const mm_drug_use *use;
  bool maint;
  const char *unknown_in;
  const mm_line *l = d->p->lines_given ? last_line_with(d, d->kb->bispecific_classes,
                                                        d->kb->n_bispecific_classes, &use,
                                                        &maint, &unknown_in)
                                       : NULL;
  if (none_or_missing(d, s, l, d->p->lines_given ? unknown_in : NULL,
                      "no bispecific antibody in the record",
                      "nessun anticorpo bispecifico nella scheda"))
    return;
  /* The last dose: the drug's own end, else the end of its phase. */
  mm_date end = use->own_dates && use->end != MM_DATE_NONE ? use->end
                : maint ? l->maint_end : l->end;
  const char *from = use->own_dates && use->end != MM_DATE_NONE ? use->path
                     : sub(d, maint ? sub(d, l->path, "maintenance") : l->path, "end");
  if (end == MM_DATE_NONE) {
    bool stopped = l->has_progression || l->stop_reason != MM_STOP_NONE;
    if (stopped) {
      mm_fact_missing(d, s, from ? from : "lines");
      return;
    }
    /* Still being given: nothing is missing, there is no stop yet. */
    mm_fact_from(d, s, from);
    mm_fact_because(d, s, "%s: %s is still being given (no end date)",
                    "%s: %s ancora in corso (nessuna data di fine)", l->path,
                    d->kb->drugs[use->drug].id);
    return;
  }
  months_since(d, s, end);
  mm_fact_from(d, s, from);
  char dd[11] = "";
  if (d->explain) mm_date_format(end, dd);
  mm_fact_because(d, s, "%s: last dose of %s on %s", "%s: ultima dose di %s il %s", l->path,
                  d->kb->drugs[use->drug].id, dd);
}

void mm_derive_disease_state(mm_deriving *d) {
  derive_state(d);
  derive_months_since_car_t(d);
  derive_months_since_bispecific_stop(d);
}
