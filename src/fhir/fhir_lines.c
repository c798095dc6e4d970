/* fhir_lines.c: the import's drug periods, progressions, transplants and
 * leukaphereses grouped into lines of therapy by the IMWG definition
 * (src/facts/line_grouping.c), with what the records could not decide said
 * in the report and in the record (a line's `provisional`). */
#include <stdlib.h>
#include <string.h>

#include "fhir/fhir_internal.h"

static int prog_cmp(const void *x, const void *y) {
  const mm_fhir_prog *a = x, *b = y;
  return a->date < b->date ? -1 : a->date > b->date;
}

static mm_date *dates_of(mm_fhir_imp *im, const mm_fhir_prog *ev, size_t n) {
  mm_date *d = mm_arena_alloc(im->a, (n + 1) * sizeof *d);
  for (size_t i = 0; d && i < n; i++) d[i] = ev[i].date;
  return d;
}

static int stop_id(const char *name) {
  for (int i = 0; mm_fhir_stop_names[i]; i++)
    if (strcmp(mm_fhir_stop_names[i], name) == 0) return i;
  return -1;
}

const char *mm_fhir_provisional_text(mm_fhir_imp *im, const mm_grouped_line *l, mm_lang lang) {
  char date[11];
  mm_date_format(l->why_date, date);
  bool it = lang == MM_LANG_IT;
  const char *drug = l->why_drug >= 0 ? im->kb->drugs[l->why_drug].id : it ? "terapia" : "therapy";
  switch (l->why) {
  case MM_LG_SURE: return NULL;
  case MM_LG_ADDED:
    return mm_arena_printf(im->a,
                           it ? "%s aggiunto il %s a una linea in corso, senza progressione né "
                                "motivo di sospensione registrati: pianificato (stessa linea) o "
                                "per mancata risposta (nuova linea)? verificare il piano di "
                                "trattamento"
                              : "%s added on %s to a running line, no progression or stop reason "
                                "recorded: planned (the same line) or for lack of response (a new "
                                "line)? check the treatment plan",
                           drug, date);
  case MM_LG_SWITCH:
    return mm_arena_printf(im->a,
                           it ? "%s ha sostituito un farmaco della linea il %s, senza motivo "
                                "registrato: cambio per tossicità o mancata risposta (nuova "
                                "linea) o switch pianificato (stessa linea)? verificarne il motivo"
                              : "%s replaced a drug of the line on %s, no reason recorded: a "
                                "change for toxicity or lack of response (a new line) or a "
                                "planned switch (the same line)? check why",
                           drug, date);
  case MM_LG_RESTART:
    return mm_arena_printf(im->a,
                           it ? "%s ripreso il %s dopo una pausa, senza progressione registrata: "
                                "trattamento della recidiva (nuova linea) o prosecuzione "
                                "pianificata (stessa linea)? cercare una progressione"
                              : "%s started on %s after a pause, no progression recorded: "
                                "treatment for relapse (a new line) or planned continuation (the "
                                "same line)? check for a progression",
                           drug, date);
  case MM_LG_LATE_MAINT:
    return mm_arena_printf(im->a,
                           it ? "%s iniziato il %s, oltre %d giorni dopo l'ASCT: mantenimento "
                                "(stessa linea) o nuova linea? verificare il piano di trattamento"
                              : "%s started on %s, more than %d days after the ASCT: maintenance "
                                "(the same line) or a new line? check the treatment plan",
                           drug, date, im->map->maintenance_days);
  case MM_LG_NO_APHERESIS:
    return mm_arena_printf(im->a,
                           it ? "%s infuso il %s, senza leucaferesi registrata: non si sa se la "
                                "terapia precedente fosse bridging (non una linea) o una linea a "
                                "sé; aggiungere la Procedure di leucaferesi"
                              : "%s infused on %s, no leukapheresis recorded: whether the therapy "
                                "before it was bridging (not a line) or a line of its own is not "
                                "known; add the leukapheresis Procedure",
                           drug, date);
  case MM_LG_STEROID_ALONE:
    return mm_arena_printf(im->a,
                           it ? "%s somministrato da solo dal %s, fuori da ogni linea: una linea "
                                "a sé o non terapia per il mieloma? verificare"
                              : "%s given alone from %s, in no line: a line of its own or not "
                                "myeloma therapy? check",
                           drug, date);
  }
  return NULL;
}

static void attach_progressions(mm_fhir_imp *im, mm_grouped_line *lines, size_t nl) {
  for (size_t i = 0; i < im->n_progs; i++) {
    const mm_fhir_prog *p = &im->progs[i];
    char buf[11];
    mm_date_format(p->date, buf);
    size_t k = 0;
    switch (mm_lines_attach_progression(lines, nl, p->date, &k)) {
    case MM_LINES_PROGRESSION_SET: break;
    case MM_LINES_PROGRESSION_NO_LINE:
      mm_fhir_warn(im, MM_E_ORDER, p->at, p->where,
                   "progression on %s precedes every line of therapy: left out",
                   "progressione del %s precedente a ogni linea di terapia: non importata", buf);
      break;
    case MM_LINES_PROGRESSION_ALREADY: {
      char first[11];
      mm_date_format(lines[k].progression, first);
      mm_fhir_warn(im, MM_E_DUPLICATE, p->at, p->where,
                   "progression on %s: line %zu already ended in progression on %s and no new "
                   "therapy followed: left out",
                   "progressione del %s: la linea %zu si era già chiusa con una progressione il "
                   "%s e non è seguita una nuova terapia: non importata",
                   buf, k + 1, first);
      break;
    }
    }
  }
}

mm_grouped_line *mm_fhir_build_lines(mm_fhir_imp *im, size_t *n_out) {
  *n_out = 0;
  if (im->n_progs) qsort(im->progs, im->n_progs, sizeof *im->progs, prog_cmp);
  const mm_fhir_map *m = im->map;
  mm_lines_input in = {.periods = im->per, .n = im->n_per,
                       .progressions = dates_of(im, im->progs, im->n_progs),
                       .ascts = dates_of(im, im->ascts, im->n_ascts),
                       .aphereses = dates_of(im, im->aphs, im->n_aphs),
                       .n_progressions = im->n_progs, .n_ascts = im->n_ascts,
                       .n_aphereses = im->n_aphs,
                       .stops = {stop_id("progression"), stop_id("toxicity")},
                       .gap_days = m->gap_days, .regimen_days = m->regimen_days,
                       .maintenance_days = m->maintenance_days,
                       .conditioning_days = m->conditioning_days,
                       .bridging_days = m->bridging_days};
  if (!in.progressions || !in.ascts || !in.aphereses) return NULL;
  mm_grouped_line *lines;
  int *asct_line;
  /* Out of memory: no lines; mm_fhir_import sees the arena's failure. */
  if (mm_lines_group(&lines, n_out, &asct_line, im->a, &in) != 0) {
    *n_out = 0;
    return NULL;
  }
  size_t nl = *n_out;
  attach_progressions(im, lines, nl);
  for (size_t i = 0; i < im->n_ascts; i++) {
    const mm_fhir_prog *a = &im->ascts[i];
    char buf[11];
    mm_date_format(a->date, buf);
    int k = asct_line[i];
    if (k < 0)
      mm_fhir_warn(im, MM_E_AMBIGUOUS, a->at, a->where,
                   "ASCT on %s: no line of therapy was running (none yet, or the last ended in "
                   "progression): left out; add it to its line",
                   "ASCT del %s: nessuna linea di terapia in corso (nessuna ancora, o l'ultima "
                   "si è chiusa con una progressione): non importato; aggiungerlo alla sua linea",
                   buf);
    else if (lines[k].asct != a->date)
      mm_fhir_warn(im, MM_E_AMBIGUOUS, a->at, a->where,
                   "a second ASCT (%s) in line %d: the first is written (tandem or salvage: "
                   "check)",
                   "un secondo ASCT (%s) nella linea %d: è registrato il primo (tandem o "
                   "salvataggio: verificare)",
                   buf, k + 1);
  }
  for (size_t i = 0; i < im->n_aphs; i++) {
    bool used = false;
    for (size_t k = 0; k < nl && !used; k++)
      used = lines[k].car_t &&
             (lines[k].end == MM_DATE_NONE || lines[k].end >= im->aphs[i].date);
    if (!used)
      mm_fhir_warn(im, MM_E_MISSING, im->aphs[i].at, im->aphs[i].where,
                   "a CAR-T leukapheresis with no CAR-T infusion after it in the input: it "
                   "bounds nothing",
                   "una leucaferesi per CAR-T senza un'infusione di CAR-T successiva nell'input: "
                   "non delimita nulla");
  }
  for (size_t k = 0; k < nl; k++) {
    if (lines[k].stop_conflict)
      mm_fhir_warn(im, MM_E_AMBIGUOUS, NULL, mm_arena_printf(im->a, "lines[%zu]", k),
                   "the drugs ending this line give different stop reasons: stop_reason left out",
                   "i farmaci che chiudono questa linea riportano motivi di sospensione diversi: "
                   "stop_reason non importato");
    const char *why = mm_fhir_provisional_text(im, &lines[k], MM_LANG_EN);
    if (why) {
      im->provisional = true;
      mm_fhir_warn(im, MM_E_AMBIGUOUS, NULL, mm_arena_printf(im->a, "lines[%zu]", k),
                   "provisional: %s%.0s; the number of prior lines is unknown until checked",
                   "provvisoria: %.0s%s; il numero di linee precedenti resta sconosciuto fino "
                   "alla verifica",
                   why, mm_fhir_provisional_text(im, &lines[k], MM_LANG_IT));
    }
  }
  return lines;
}
