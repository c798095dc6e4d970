/* transplant.c: autologous transplant history (for labels such as
 * melflufen's "at least 3 years from transplantation to progression") and
 * transplant eligibility: the clinician's decision when recorded, else the
 * rule of kb/definitions.yaml, always marked as derived. */
#include <stdio.h>

#include "facts/facts_internal.h"
#include "rule/rule.h"

void mm_derive_asct(mm_deriving *d) {
  const mm_patient *p = d->p;
  const int prior = MM_F_ASCT_PRIOR, count = MM_F_ASCT_COUNT, ttp = MM_F_ASCT_TO_PROGRESSION_MONTHS;
  if (!p->lines_given) {
    mm_fact_missing(d, prior, "lines");
    mm_fact_missing(d, count, "lines");
    mm_fact_missing(d, ttp, "lines");
    return;
  }
  int n = 0;
  const mm_line *latest = NULL;
  size_t latest_k = 0;
  for (size_t k = 0; k < p->n_lines; k++)
    if (p->lines[k].has_asct) {
      n++;
      latest = &p->lines[k];
      latest_k = k;
      mm_fact_from(d, prior, p->lines[k].path);
    }
  mm_fact_set(d, prior, mm_value_bool(n > 0));
  mm_fact_set(d, count, mm_value_number(n));
  mm_fact_from(d, count, "lines");
  if (!latest) {
    mm_fact_because_text(d, ttp, "no autologous transplant recorded", "nessun trapianto autologo registrato");
    return;
  }
  const char *asct_path = d->explain ? mm_facts_printf(d->arena, "%s.asct", latest->path) : NULL;
  if (latest->asct == MM_DATE_NONE) {
    mm_fact_missing(d, ttp, asct_path);
    mm_fact_because(d, ttp, "%s.asct is recorded without its date",
                    "%s.asct è registrato senza data", latest->path);
    return;
  }
  if (n > 1 && d->f->warnings) {
    char n_text[16];
    snprintf(n_text, sizeof n_text, "%d", n);
    mm_fact_warn(d, MM_FW_SEVERAL_TRANSPLANTS, asct_path, n_text, asct_path);
  }
  /* The first progression on or after the transplant. */
  for (size_t k = latest_k; k < p->n_lines; k++) {
    const mm_line *l = &p->lines[k];
    if (l->has_progression && l->progression >= latest->asct) {
      int months = mm_date_months_between(latest->asct, l->progression);
      mm_fact_set(d, ttp, mm_value_number(months));
      mm_fact_from(d, ttp, asct_path);
      if (d->explain) {
        char a[11], pr[11];
        mm_date_format(latest->asct, a);
        mm_date_format(l->progression, pr);
        mm_fact_from(d, ttp, mm_facts_printf(d->arena, "%s.progression", l->path));
        mm_fact_because(d, ttp, "ASCT %s to progression %s (%s): %d whole months",
                        "dall'ASCT del %s alla progressione del %s (%s): %d mesi compiuti", a, pr,
                        l->path, months);
      }
      return;
    }
    if (l->stop_reason == MM_STOP_PROGRESSION || (!l->has_progression && l->stop_reason == MM_STOP_NONE &&
                                                  l->end != MM_DATE_NONE)) {
      if (d->explain) mm_fact_missing(d, ttp, mm_facts_printf(d->arena, "%s.progression", l->path));
      return;
    }
  }
  mm_fact_because(d, ttp, "no progression recorded after the transplant in %s",
                  "nessuna progressione registrata dopo il trapianto in %s", latest->path);
}

void mm_derive_transplant_eligibility(mm_deriving *d) {
  const int te = MM_F_TRANSPLANT_ELIGIBLE;
  if (d->p->transplant_eligible.known) {
    mm_fact_set(d, te, d->p->transplant_eligible);
    mm_fact_from(d, te, "transplant_eligible");
    mm_fact_because_text(d, te, "the clinician's decision", "decisione del clinico");
    return;
  }
  const mm_composite *rule = &d->kb->transplant_rule;
  if (!rule->rule) return;
  mm_rule_trace trace;
  mm_tv t = mm_rule_eval(rule->rule, d->f->values, d->explain ? &trace : NULL);
  mm_fact_set(d, te, mm_value_tv(t));
  mm_fact_derived(d, te);
  if (!d->explain) return;
  mm_fact_because(d, te, "derived (kb/definitions.yaml): %s",
                  "derivato (kb/definitions.yaml): %s", rule->when);
  for (size_t k = 0; k < trace.n_used; k++) mm_fact_from(d, te, d->kb->facts[trace.used[k]].name);
  if (t == MM_UNKNOWN) {
    mm_fact_missing(d, te, "transplant_eligible");
    mm_fact_missing_from_slots(d, te, trace.unknown, trace.n_unknown);
  }
}
