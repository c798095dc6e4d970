/* setting.c: where the patient stands in the deck's treatment algorithm:
 * newly diagnosed (transplant eligible or not), first relapse, second relapse
 * or later, or on treatment. */
#include <string.h>

#include "facts/facts_internal.h"

/* The value is the canonical string of mm_setting_values, so that callers
 * may compare settings by pointer. */
static void set(mm_deriving *d, const char *setting) {
  /* The first byte first: a strcmp per value showed in screening's profile. */
  for (const char *const *v = mm_setting_values; *v; v++)
    if ((*v)[0] == setting[0] && strcmp(*v, setting) == 0)
      mm_fact_set(d, MM_F_SETTING, mm_value_string(*v));
}

void mm_derive_setting(mm_deriving *d) {
  const mm_patient *p = d->p;
  const mm_value *v = d->f->values;
  const int s = MM_F_SETTING;
  if (!p->lines_given) {
    mm_fact_missing(d, s, "lines");
    mm_fact_because_text(d, s, "the record does not list the lines of therapy (an empty list means none)",
                         "la scheda non elenca le linee di terapia (una lista vuota significa nessuna)");
    return;
  }
  mm_fact_from(d, s, "lines");
  if (p->n_lines == 0) {
    mm_value te = v[MM_F_TRANSPLANT_ELIGIBLE];
    mm_fact_from(d, s, "transplant_eligible");
    if (!te.known) {
      mm_fact_missing_from_slots(d, s, (const int[]){MM_F_TRANSPLANT_ELIGIBLE}, 1);
      mm_fact_because_text(d, s, "newly diagnosed; transplant eligibility unknown",
                           "nuova diagnosi; eleggibilità al trapianto non nota");
      return;
    }
    set(d, te.b ? "newly_diagnosed_transplant_eligible" : "newly_diagnosed_transplant_ineligible");
    bool derived = d->explain && d->f->info[MM_F_TRANSPLANT_ELIGIBLE].derived;
    const char *en = derived ? " (derived)" : "", *it = derived ? " (derivato)" : "";
    if (te.b) {
      mm_fact_because_lang(d, s, MM_LANG_EN, "no line of therapy yet; transplant eligible%s", en);
      mm_fact_because_lang(d, s, MM_LANG_IT,
                           "nessuna linea di terapia; eleggibile al trapianto%s", it);
    } else {
      mm_fact_because_lang(d, s, MM_LANG_EN, "no line of therapy yet; transplant ineligible%s",
                           en);
      mm_fact_because_lang(d, s, MM_LANG_IT,
                           "nessuna linea di terapia; non eleggibile al trapianto%s", it);
    }
    return;
  }
  if (v[MM_F_ON_TREATMENT].known && v[MM_F_ON_TREATMENT].b) {
    set(d, "on_treatment");
    mm_fact_because_text(d, s, "the last line is still running", "l'ultima linea è in corso");
    return;
  }
  mm_value poa = v[MM_F_PROGRESSION_ON_OR_AFTER_LAST];
  if (!poa.known) {
    mm_fact_missing_from_slots(d, s, (const int[]){MM_F_PROGRESSION_ON_OR_AFTER_LAST}, 1);
    mm_fact_because_text(d, s, "whether the last line ended in progression is not recorded",
                         "non è registrato se l'ultima linea si è conclusa con una progressione");
    return;
  }
  if (!poa.b) {
    mm_fact_because_text(d, s, "the last line ended without progression: no relapse to treat",
                         "l'ultima linea si è conclusa senza progressione: nessuna recidiva da trattare");
    mm_fact_missing(d, s, d->explain ? mm_facts_printf(d->arena, "%s.progression",
                                                       p->lines[p->n_lines - 1].path) : NULL);
    return;
  }
  if (!v[MM_F_PRIOR_LINES].known) { /* provisional lines: first or later relapse unknown */
    mm_fact_missing_from_slots(d, s, (const int[]){MM_F_PRIOR_LINES}, 1);
    mm_fact_because_text(d, s, "relapse after treatment; how many lines is not sure",
                         "recidiva dopo terapia; il numero di linee non è certo");
    return;
  }
  set(d, p->n_lines == 1 ? "first_relapse" : "second_relapse_or_later");
  if (p->n_lines == 1)
    mm_fact_because_text(d, s, "1 prior line, progression after it",
                         "1 linea precedente, progressione dopo di essa");
  else
    mm_fact_because(d, s, "%zu prior lines, progression after the last",
                    "%zu linee precedenti, progressione dopo l'ultima", p->n_lines);
}
