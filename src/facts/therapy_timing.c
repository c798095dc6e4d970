/* therapy_timing.c: how long ago the last CAR-T was infused and the last
 * bispecific antibody stopped, for the supportive-care windows of
 * kb/supportive_care.yaml (prophylaxis for 12 months after a CAR-T infusion,
 * for 3 months after a bispecific stops, ...):
 *   months_since_car_t            whole months from the start of the last line
 *                                 holding a CAR-T product (its infusion) to as_of
 *   months_since_bispecific_stop  whole months from the last dose of the last
 *                                 line holding a bispecific to as_of
 * Drugs belong to the classes car_t and bispecific of
 * kb/vocabulary/classes.yaml. No such line on record: unknown with nothing
 * missing ("none", as asct_to_progression_months without a transplant);
 * a missing date, a bispecific still being given, or a later line whose drugs
 * are not recorded: unknown, naming the input that would decide.
 *
 * PROVISIONAL (issue #12, branch `supportive`): the branch `state` adds these
 * two facts in facts/disease_state.c at the same time; on merge one of the
 * two implementations is kept. */
#include <string.h>

#include "facts/facts_internal.h"

typedef struct holder {
  const mm_line *line;     /* the last line holding a drug of the class, or NULL */
  const mm_drug_use *use;  /* that drug in it */
  bool maint;              /* in its maintenance phase */
  const mm_line *unsure;   /* a line after it (or any, when none) with drugs not known */
} holder;

static bool in_class(const mm_kb *kb, int drug, int cls) {
  const mm_drug *d = &kb->drugs[drug];
  for (size_t i = 0; i < d->n_classes; i++)
    if (d->classes[i] == cls) return true;
  return false;
}

static holder last_holder(const mm_deriving *d, int cls) {
  holder h = {NULL, NULL, false, NULL};
  for (size_t k = d->p->n_lines; k-- > 0;) {
    const mm_line *l = &d->p->lines[k];
    if (!l->drugs_known) {
      if (!h.unsure) h.unsure = l;
      continue;
    }
    for (size_t i = 0; i < l->n_drugs; i++)
      if (in_class(d->kb, l->drugs[i].drug, cls)) {
        h.line = l, h.use = &l->drugs[i];
        return h;
      }
    for (size_t i = 0; i < l->n_maint; i++)
      if (in_class(d->kb, l->maint[i].drug, cls)) {
        h.line = l, h.use = &l->maint[i], h.maint = true;
        return h;
      }
  }
  return h;
}

/* The common part: lines given, the class known, a holder found and no line
 * after it left in doubt. Returns the holder's line, or NULL with the reason
 * already recorded. */
static const mm_line *find(mm_deriving *d, int slot, const char *class_id, const char *what_en,
                           const char *what_it, holder *out) {
  if (!d->p->lines_given) {
    mm_fact_missing(d, slot, "lines");
    return NULL;
  }
  const mm_class *c = mm_kb_find_class(d->kb, class_id);
  if (!c) {
    mm_fact_because(d, slot, "no class '%s' in kb/vocabulary/classes.yaml",
                    "nessuna classe '%s' in kb/vocabulary/classes.yaml", class_id);
    return NULL;
  }
  *out = last_holder(d, (int)(c - d->kb->classes));
  if (out->unsure) {
    if (d->explain)
      mm_fact_missing(d, slot, mm_arena_printf(d->arena, "%s.drugs", out->unsure->path));
    mm_fact_because_lang(d, slot, 0, "%s has no drugs recorded: whether it holds a %s is not known",
                         out->unsure->path, what_en);
    mm_fact_because_lang(d, slot, 1, "%s non ha farmaci registrati: non è noto se contenga %s",
                         out->unsure->path, what_it);
    return NULL;
  }
  if (!out->line) {
    mm_fact_because_lang(d, slot, 0, "no %s on record", what_en);
    mm_fact_because_lang(d, slot, 1, "nessuna linea registrata contiene %s", what_it);
    mm_fact_from(d, slot, "lines");
    return NULL;
  }
  return out->line;
}

static void set_months(mm_deriving *d, int slot, const mm_line *l, mm_date from, const char *field,
                       const char *en, const char *it) {
  int months = mm_date_months_between(from, d->p->as_of);
  mm_fact_set(d, slot, mm_value_number(months));
  if (!d->explain) return;
  char a[11], b[11];
  mm_date_format(from, a);
  mm_date_format(d->p->as_of, b);
  mm_fact_from(d, slot, mm_arena_printf(d->arena, "%s.%s", l->path, field));
  mm_fact_from(d, slot, "as_of");
  mm_fact_because_lang(d, slot, 0, "%s: %s %s, %d whole months to %s", l->path, en, a, months, b);
  mm_fact_because_lang(d, slot, 1, "%s: %s %s, %d mesi interi al %s", l->path, it, a, months, b);
}

static void derive_car_t(mm_deriving *d) {
  const int slot = MM_F_MONTHS_SINCE_CAR_T;
  holder h;
  const mm_line *l = find(d, slot, "car_t", "CAR-T", "una CAR-T", &h);
  if (!l) return;
  /* The line's start stands for the infusion (one product, one day). */
  mm_date start = h.use->own_dates && h.use->start != MM_DATE_NONE ? h.use->start
                  : h.maint                                        ? l->maint_start
                                                                   : l->start;
  if (start == MM_DATE_NONE) {
    if (d->explain)
      mm_fact_missing(d, slot, mm_arena_printf(d->arena, "%s.start", l->path));
    mm_fact_because_lang(d, slot, 0, "%s holds a CAR-T without its date", l->path);
    mm_fact_because_lang(d, slot, 1, "%s contiene una CAR-T senza data", l->path);
    return;
  }
  set_months(d, slot, l, start, "start", "CAR-T infused", "CAR-T infuse il");
}

static void derive_bispecific_stop(mm_deriving *d) {
  const int slot = MM_F_MONTHS_SINCE_BISPECIFIC_STOP;
  holder h;
  const mm_line *l = find(d, slot, "bispecific", "bispecific antibody",
                          "un anticorpo bispecifico", &h);
  if (!l) return;
  /* Its last dose: its own end, else the end of the phase that holds it; an
   * induction drug stops when the maintenance starts. */
  mm_date stop = MM_DATE_NONE;
  const char *field = "end";
  if (h.use->own_dates && h.use->end != MM_DATE_NONE) {
    stop = h.use->end;
  } else if (h.maint) {
    stop = l->maint_end;
    field = "maintenance.end";
  } else if (l->end != MM_DATE_NONE) {
    stop = l->end;
  } else if (l->has_maintenance && l->maint_start != MM_DATE_NONE) {
    stop = l->maint_start;
    field = "maintenance.start";
  }
  if (stop == MM_DATE_NONE) {
    if (d->explain) mm_fact_missing(d, slot, mm_arena_printf(d->arena, "%s.%s", l->path, field));
    mm_fact_because_lang(d, slot, 0,
                         "%s: the bispecific is still given, or its end is not recorded", l->path);
    mm_fact_because_lang(d, slot, 1,
                         "%s: il bispecifico è ancora in corso, o la fine non è registrata", l->path);
    return;
  }
  set_months(d, slot, l, stop, field, "bispecific stopped", "bispecifico sospeso il");
}

void mm_derive_therapy_timing(mm_deriving *d) {
  derive_car_t(d);
  derive_bispecific_stop(d);
}
