/* scores.c: the scores the record holds the inputs for, computed by
 * src/score from the published tables in kb/scores/: IMWG frailty (Palumbo
 * 2015), ISS (Greipp 2005), R-ISS (Palumbo 2015), R2-ISS (D'Agostino 2022).
 * A stage the clinician recorded (diagnosis.iss) is used as given. */
#include <string.h>

#include "facts/facts_internal.h"
#include "score/score.h"

/* A score's input names as fields of the patient record. */
static const char *record_path(const char *input) {
  static const char *const map[][2] = {
      {"age", "birth_date"},           {"charlson", "frailty.charlson"},
      {"adl", "frailty.adl"},          {"iadl", "frailty.iadl"},
      {"iss", "diagnosis.iss"},        {"beta2m_mg_l", "diagnosis.beta2m_mg_l"},
      {"albumin_g_dl", "diagnosis.albumin_g_dl"}, {"ldh_above_uln", "diagnosis.ldh_above_uln"},
      {"del17p", "diagnosis.fish.del17p"}, {"t4_14", "diagnosis.fish.t4_14"},
      {"t14_16", "diagnosis.fish.t14_16"}, {"gain1q", "diagnosis.fish.gain1q"},
      {"amp1q", "diagnosis.fish.amp1q"}};
  for (size_t i = 0; i < sizeof map / sizeof *map; i++)
    if (strcmp(map[i][0], input) == 0) return map[i][1];
  return input; /* lab tests: their names are the record's test names */
}

/* The score's explanation, in both languages, as the fact's reason. */
static void because(mm_deriving *d, int slot, const mm_score_result *r) {
  if (!d->explain || !r->because) return;
  mm_fact_because_lang(d, slot, MM_LANG_EN, "%s", r->because);
  mm_fact_because_lang(d, slot, MM_LANG_IT, "%s", mm_score_because(r, MM_LANG_IT));
}

static void put(mm_deriving *d, int slot, const mm_score_result *r) {
  mm_fact_set(d, slot, r->value);
  if (!d->explain) return;
  because(d, slot, r);
  for (size_t i = 0; i < r->n_inputs; i++)
    if (r->inputs[i].value.known) mm_fact_from(d, slot, record_path(r->inputs[i].name));
  for (size_t i = 0; i < r->n_missing; i++) mm_fact_missing(d, slot, record_path(r->missing[i]));
  if (r->review) d->f->info[slot].review = true;
}

/* IMWG response now, on the current (last) line: baseline is its start. */
static void derive_response(mm_deriving *d, const mm_scores *kb) {
  const mm_patient *p = d->p;
  if (!p->lines_given || p->n_lines == 0) {
    mm_fact_missing(d, MM_F_RESPONSE, "lines");
    mm_fact_because_text(d, MM_F_RESPONSE, "no line of therapy to respond to",
                         "nessuna linea di terapia a cui rispondere");
    return;
  }
  const mm_line *last = &p->lines[p->n_lines - 1];
  if (last->start == MM_DATE_NONE) {
    mm_fact_missing(d, MM_F_RESPONSE,
                    d->explain ? mm_facts_printf(d->arena, "%s.start", last->path) : NULL);
    return;
  }
  mm_lab_obs *obs = mm_arena_alloc(d->arena, (p->n_labs + 1) * sizeof *obs);
  if (!obs) return;
  for (size_t i = 0; i < p->n_labs; i++) {
    const mm_observation *o = &p->labs[i];
    obs[i].date = o->date;
    obs[i].test = d->kb->labs[o->lab].id;
    obs[i].value = o->category ? mm_value_string(o->category) : mm_value_number(o->value);
  }
  mm_response_in in = {last->start, obs, p->n_labs};
  mm_score_result r;
  if (mm_score_response(&r, kb, &in, d->arena) == 0) put(d, MM_F_RESPONSE, &r);
}

void mm_derive_scores(mm_deriving *d) {
  const mm_scores *kb = d->kb->scores;
  const mm_patient *p = d->p;
  const mm_value *v = d->f->values;
  if (!kb) return;
  mm_score_result r;
  mm_frailty_in fin = {v[MM_F_AGE], p->charlson, p->adl, p->iadl};
  if (mm_score_frailty(&r, kb, &fin, d->arena) == 0) {
    put(d, MM_F_FRAILTY, &r);
    mm_fact_set(d, MM_F_FRAILTY_SCORE, r.points);
    if (r.points.known) because(d, MM_F_FRAILTY_SCORE, &r);
  }
  /* The record's diagnosis.iss is a number 1..3; the scores take the same. */
  if (p->iss.known) {
    static const char *const roman[] = {"I", "II", "III"};
    mm_fact_set(d, MM_F_ISS, mm_value_string(roman[(int)p->iss.num - 1]));
    mm_fact_from(d, MM_F_ISS, "diagnosis.iss");
    mm_fact_because_text(d, MM_F_ISS, "stage recorded by the clinician", "stadio registrato dal clinico");
  } else {
    mm_iss_in iin = {p->beta2m_mg_l, p->albumin_g_dl};
    if (mm_score_iss(&r, kb, &iin, d->arena) == 0) put(d, MM_F_ISS, &r);
  }
  derive_response(d, kb);
  mm_r_iss_in rin = {p->iss, p->beta2m_mg_l, p->albumin_g_dl, p->del17p, p->t4_14, p->t14_16,
                     p->ldh_above_uln};
  if (mm_score_r_iss(&r, kb, &rin, d->arena) == 0) put(d, MM_F_R_ISS, &r);
  mm_r2_iss_in r2 = {p->iss, p->beta2m_mg_l, p->albumin_g_dl, p->del17p, p->t4_14,
                     p->ldh_above_uln, p->gain1q, p->amp1q};
  if (mm_score_r2_iss(&r, kb, &r2, d->arena) == 0) put(d, MM_F_R2_ISS, &r);
}
