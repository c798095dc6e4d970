/* line_of_therapy.c: lines of therapy as the IMWG counts them (Rajkumar,
 * Blood 2015): induction + transplant + consolidation + maintenance is one
 * line, so the record has one entry per line and a maintenance phase lives
 * inside its line. From the lines: how many, whether the last is still
 * running, and whether the disease progressed on or after it. */
#include <stdio.h>

#include "facts/facts_internal.h"

mm_last_dose mm_line_last_dose(const mm_line *l) {
  mm_last_dose ld = {false, MM_DATE_NONE};
  if (l->has_maintenance) {
    if (l->maint_end == MM_DATE_NONE) ld.ongoing = true;
    else ld.date = l->maint_end;
    return ld;
  }
  if (l->end == MM_DATE_NONE) ld.ongoing = true;
  else ld.date = l->end;
  return ld;
}

static bool line_running(const mm_line *l) {
  if (l->has_progression || l->stop_reason != MM_STOP_NONE) return false;
  if (l->has_maintenance) return l->maint_end == MM_DATE_NONE;
  return l->end == MM_DATE_NONE;
}

/* A planned maintenance recorded as a line of its own is a classic counting
 * error: warn, don't guess. */
static void warn_split_lines(mm_deriving *d) {
  const mm_patient *p = d->p;
  if (!d->f->warnings) return;
  for (size_t k = 1; k < p->n_lines; k++) {
    const mm_line *prev = &p->lines[k - 1], *l = &p->lines[k];
    if (prev->has_progression || prev->stop_reason != MM_STOP_NONE || prev->has_maintenance)
      continue;
    if (!prev->has_asct || prev->end == MM_DATE_NONE) continue;
    mm_fact_warn(d, MM_FW_LINE_AFTER_TRANSPLANT_LINE, l->path, l->path, prev->path);
  }
}

void mm_derive_lines(mm_deriving *d) {
  const mm_patient *p = d->p;
  const int n = MM_F_PRIOR_LINES, on = MM_F_ON_TREATMENT, pol = MM_F_PROGRESSION_ON_LAST,
            poa = MM_F_PROGRESSION_ON_OR_AFTER_LAST;
  if (!p->lines_given) {
    mm_fact_missing(d, n, "lines");
    mm_fact_missing(d, on, "lines");
    mm_fact_missing(d, pol, "lines");
    mm_fact_missing(d, poa, "lines");
    return;
  }
  /* Lines grouped from medication records where the records could not
   * decide (an importer's `provisional`): the count is unknown, never a
   * guess; the reason names what to check. */
  bool provisional = false;
  for (size_t k = 0; k < p->n_lines && !provisional; k++) {
    const mm_line *l = &p->lines[k];
    if (!(provisional = l->provisional != NULL)) continue;
    mm_fact_missing(d, n, d->explain ? mm_facts_printf(d->arena, "%s.provisional", l->path)
                                     : "lines");
    mm_fact_because(d, n, "%s is provisional: %s", "%s è provvisoria: %s", l->path,
                    l->provisional);
  }
  if (provisional) goto after_count;
  mm_fact_set(d, n, mm_value_number((double)p->n_lines));
  mm_fact_from(d, n, "lines");
  if (p->n_lines == 1)
    mm_fact_because_text(d, n,
                         "1 line recorded (IMWG: induction, transplant, consolidation and "
                         "maintenance count as one line)",
                         "1 linea registrata (IMWG: induzione, trapianto, consolidamento e "
                         "mantenimento contano come una linea)");
  else
    mm_fact_because(d, n,
                    "%zu lines recorded (IMWG: induction, transplant, consolidation and "
                    "maintenance count as one line)",
                    "%zu linee registrate (IMWG: induzione, trapianto, consolidamento e "
                    "mantenimento contano come una linea)", p->n_lines);
after_count:
  warn_split_lines(d);
  if (p->n_lines == 0) {
    mm_fact_set(d, on, mm_value_bool(false));
    mm_fact_set(d, pol, mm_value_bool(false));
    mm_fact_set(d, poa, mm_value_bool(false));
    mm_fact_because_text(d, pol, "no line of therapy recorded", "nessuna linea di terapia registrata");
    mm_fact_because_text(d, poa, "no line of therapy recorded", "nessuna linea di terapia registrata");
    return;
  }
  const mm_line *last = &p->lines[p->n_lines - 1];
  bool running = line_running(last);
  mm_fact_set(d, on, mm_value_bool(running));
  mm_fact_from(d, on, last->path);
  if (running)
    mm_fact_because(d, on, "%s has no end date and no progression",
                    "%s non ha data di fine né progressione", last->path);

  const char *prog_path = d->explain ? mm_facts_printf(d->arena, "%s.progression", last->path) : NULL;
  int window = d->kb->refractory_window_days;
  if (last->has_progression) {
    mm_fact_set(d, poa, mm_value_bool(true));
    mm_fact_from(d, poa, prog_path);
    mm_last_dose ld = mm_line_last_dose(last);
    char pd[11] = "", dd[11] = "";
    if (d->explain) mm_date_format(last->progression, pd); /* for the reasons only */
    if (ld.ongoing) {
      mm_fact_set(d, pol, mm_value_bool(true));
      mm_fact_because(d, pol, "%s: progression %s while still on therapy",
                      "%s: progressione il %s durante la terapia", last->path, pd);
    } else if (ld.date == MM_DATE_NONE) {
      if (d->explain) mm_fact_missing(d, pol, mm_facts_printf(d->arena, "%s.end", last->path));
    } else {
      if (d->explain) mm_date_format(ld.date, dd);
      bool within = last->progression <= ld.date + window;
      mm_fact_set(d, pol, mm_value_bool(within));
      if (within)
        mm_fact_because(d, pol, "%s: progression %s within %d days of the last dose %s",
                        "%s: progressione il %s entro %d giorni dall'ultima dose (%s)", last->path,
                        pd, window, dd);
      else
        mm_fact_because(d, pol, "%s: progression %s more than %d days after the last dose %s",
                        "%s: progressione il %s oltre %d giorni dopo l'ultima dose (%s)",
                        last->path, pd, window, dd);
    }
    mm_fact_from(d, pol, prog_path);
    return;
  }
  if (last->stop_reason == MM_STOP_PROGRESSION) {
    mm_fact_set(d, poa, mm_value_bool(true));
    mm_fact_set(d, pol, mm_value_bool(true));
    mm_fact_because(d, pol, "%s stopped for progression", "%s interrotta per progressione", last->path);
    mm_fact_because(d, poa, "%s stopped for progression", "%s interrotta per progressione", last->path);
    return;
  }
  if (running || last->stop_reason != MM_STOP_NONE) {
    mm_fact_set(d, poa, mm_value_bool(false));
    mm_fact_set(d, pol, mm_value_bool(false));
    if (running) {
      mm_fact_because(d, pol, "%s is running, no progression recorded",
                      "%s in corso, nessuna progressione registrata", last->path);
      mm_fact_because(d, poa, "%s is running, no progression recorded",
                      "%s in corso, nessuna progressione registrata", last->path);
    } else {
      mm_fact_because(d, pol, "%s ended without progression", "%s conclusa senza progressione",
                      last->path);
      mm_fact_because(d, poa, "%s ended without progression", "%s conclusa senza progressione",
                      last->path);
    }
    return;
  }
  /* Ended, no progression and no stop_reason: the spec says unknown. */
  mm_fact_missing(d, pol, prog_path);
  mm_fact_missing(d, poa, prog_path);
  mm_fact_because(d, pol, "%s ended, and neither a progression nor a stop_reason is recorded",
                  "%s conclusa, senza progressione né motivo di interruzione registrati", last->path);
  mm_fact_because(d, poa, "%s ended, and neither a progression nor a stop_reason is recorded",
                  "%s conclusa, senza progressione né motivo di interruzione registrati", last->path);
}
