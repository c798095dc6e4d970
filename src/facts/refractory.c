/* refractory.c: exposure and refractoriness per drug and per class.
 *
 * IMWG (Rajkumar et al., Blood 2011;117:4691, doi:10.1182/blood-2010-10-299487): a patient is
 * refractory to drug X when a line's progression falls on or after X's first
 * dose and no later than the window (kb/definitions.yaml: 60 days) after X's
 * last dose; or when the best response on a line containing X was a
 * non-response (SD or PD); or when the clinician declares it (refractory_to).
 * The first arm alone is its own fact, progressed_on (X_progressed_on):
 * registries and the reference screening task count only that one.
 * X's last dose is its own end date, else the end of the phase that holds it
 * (the line, or its maintenance). Anything the record cannot decide is
 * unknown, naming the input that would decide it. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "facts/facts_internal.h"
#include "util/fmt.h"

#define MAX_TOUCHED 64

/* What one line says about one drug it contains. */
typedef struct use {
  mm_date first, last; /* MM_DATE_NONE when not recorded */
  bool ongoing;        /* no end yet: still being given */
  bool induction, maintenance;
} use;

/* A reason, in English and Italian, and the input that would decide. */
typedef struct why {
  const char *because, *because_it, *missing;
  const char *from; /* progressed_on: the field that decided it */
} why;

typedef struct drug_state {
  int drug;
  mm_tv exposed, refractory, progressed, current;
  why ref;                /* refractory: the line that made it so, or what is missing */
  why prog;               /* progressed_on: the same */
  const char *exposed_in;
  const char *declared_in; /* a line whose refractory_to names it */
  bool given;              /* in some line's drugs or maintenance */
} drug_state;

/* The reason a drug is refractory, in English and Italian (same arguments). */
static void say(mm_deriving *d, why *s, const char *en, const char *it, ...) {
  char a[400], b[400];
  va_list ap, ap2;
  va_start(ap, it);
  va_copy(ap2, ap);
  mm_vformat(a, sizeof a, en, ap); /* vsnprintf's bytes without stdio */
  mm_vformat(b, sizeof b, it, ap2);
  va_end(ap2);
  va_end(ap);
  s->because = mm_arena_strdup(d->arena, a);
  s->because_it = mm_arena_strdup(d->arena, b);
}

/* What the drugs of one class add up to, for one record. */
typedef struct class_acc {
  mm_tv exp, ref, prog, cur;
  int n_exp, n_ref, unk_ref;
  size_t touched; /* drugs of the class the record names */
} class_acc;

static bool is_nonresponse(const mm_kb *kb, mm_response_cat r) {
  const char *name = mm_response_cat_name(r);
  for (size_t i = 0; name && i < kb->n_nonresponse; i++)
    if (strcmp(kb->nonresponse[i], name) == 0) return true;
  return false;
}

/* The state of `drug`, added on first sight. `where` (NULL: search the
 * list) maps a drug to its place in st, 0xFF for none: records name a
 * dozen drugs, each many times. */
static drug_state *touch(drug_state *st, size_t *n, int drug, unsigned char *where) {
  if (where) {
    if (where[drug] != 0xFF) return &st[where[drug]];
  } else {
    for (size_t i = 0; i < *n; i++)
      if (st[i].drug == drug) return &st[i];
  }
  if (*n == MAX_TOUCHED) return NULL;
  if (where) where[drug] = (unsigned char)*n;
  /* Cleared by glibc's memset: gcc's inline `rep stosq` for a struct this
   * size costs more than the rest of touch (a profile's finding). */
  size_t size = sizeof st[*n];
#ifdef __GNUC__
  __asm__("" : "+r"(size)); /* not a constant: no inline expansion */
#endif
  memset(&st[*n], 0, size);
  st[*n].drug = drug;
  st[*n].exposed = MM_TRUE;
  st[*n].refractory = st[*n].progressed = st[*n].current = MM_FALSE;
  return &st[(*n)++];
}

/* Merges the induction and maintenance uses of a drug within one line. */
static use drug_use_in_line(const mm_line *l, int drug) {
  use u = {MM_DATE_NONE, MM_DATE_NONE, false, false, false};
  for (size_t i = 0; i < l->n_drugs; i++) {
    const mm_drug_use *x = &l->drugs[i];
    if (x->drug != drug) continue;
    u.induction = true;
    u.first = x->own_dates && x->start != MM_DATE_NONE ? x->start : l->start;
    if (x->own_dates && x->end != MM_DATE_NONE) u.last = x->end;
    else if (l->end != MM_DATE_NONE) u.last = l->end;
    else if (!l->has_maintenance) u.ongoing = true;
    else u.last = l->maint_start != MM_DATE_NONE ? l->maint_start : MM_DATE_NONE;
  }
  for (size_t i = 0; i < l->n_maint; i++) {
    if (l->maint[i].drug != drug) continue;
    u.maintenance = true;
    if (!u.induction) u.first = l->maint_start;
    u.ongoing = l->maint_end == MM_DATE_NONE;
    u.last = l->maint_end;
  }
  return u;
}

/* Progression on `drug` from line l alone (the first arm of refractoriness,
 * the fact progressed_on): a progression from its first dose to the window
 * after its last, or the line stopped for progression while on it. */
static mm_tv progressed_in_line(mm_deriving *d, const mm_line *l, int drug, use u, why *s) {
  const mm_kb *kb = d->kb;
  const char *name = kb->drugs[drug].id;
  int window = kb->refractory_window_days;
  mm_tv by_progression;
  char pd[11] = "", dd[11];
  if (l->has_progression) {
    if (d->explain) mm_date_format(l->progression, pd); /* for the reasons only */
    if (u.first != MM_DATE_NONE && l->progression < u.first) {
      by_progression = MM_FALSE;
    } else if (u.ongoing) {
      by_progression = MM_TRUE;
      if (d->explain)
        say(d, s, "%s: progression %s while on %s", "%s: progressione il %s durante %s", l->path,
            pd, name);
    } else if (u.last == MM_DATE_NONE) {
      by_progression = MM_UNKNOWN;
      if (d->explain) s->missing = mm_arena_format(d->arena, "%s.end", l->path);
    } else {
      by_progression = l->progression <= u.last + window ? MM_TRUE : MM_FALSE;
      if (by_progression == MM_TRUE && d->explain) {
        mm_date_format(u.last, dd);
        say(d, s, "%s: progression %s within %d days of last %s dose %s",
            "%s: progressione il %s entro %d giorni dall'ultima dose di %s (%s)", l->path, pd,
            window, name, dd);
      }
    }
  } else if (l->stop_reason == MM_STOP_PROGRESSION) {
    /* Stopped for progression, date not recorded: refractory to what was
     * given up to the end; unknown for a drug stopped earlier. */
    bool to_the_end = u.ongoing || (u.last != MM_DATE_NONE && u.last == l->end) ||
                      (u.maintenance && l->has_maintenance);
    by_progression = to_the_end ? MM_TRUE : MM_UNKNOWN;
    if (to_the_end && d->explain)
      say(d, s, "%s stopped for progression while on %s",
          "%s interrotta per progressione durante %s", l->path, name);
    if (!to_the_end && d->explain) s->missing = mm_arena_format(d->arena, "%s.progression", l->path);
  } else if (l->stop_reason != MM_STOP_NONE || (u.ongoing && l->end == MM_DATE_NONE) ||
             (l->has_maintenance && l->maint_end == MM_DATE_NONE)) {
    by_progression = MM_FALSE; /* stopped for another reason, or still running */
  } else {
    by_progression = MM_UNKNOWN; /* ended; whether it ended in progression is unknown */
    if (d->explain) s->missing = mm_arena_format(d->arena, "%s.progression", l->path);
  }
  if (by_progression == MM_TRUE && d->explain)
    s->from = mm_arena_format(d->arena, "%s.%s", l->path,
                              l->has_progression ? "progression" : "stop_reason");
  return by_progression;
}

/* Refractoriness to `drug` from line l alone: its progression arm
 * (progressed_in_line, whose reason is already in s) or a non-response. */
static mm_tv refractory_in_line(mm_deriving *d, const mm_line *l, int drug,
                                mm_tv by_progression, why *s) {
  const mm_kb *kb = d->kb;
  const char *name = kb->drugs[drug].id;
  if (by_progression == MM_TRUE) return MM_TRUE;
  mm_tv by_response;
  if (l->best_response == MM_RESP_NONE) {
    by_response = MM_UNKNOWN;
    if (d->explain && !s->missing) s->missing = mm_arena_format(d->arena, "%s.best_response", l->path);
  } else {
    by_response = is_nonresponse(kb, l->best_response) ? MM_TRUE : MM_FALSE;
    if (by_response == MM_TRUE && d->explain)
      say(d, s, "%s: best response %s on a line with %s (non-response)",
          "%s: migliore risposta %s in una linea con %s (non risposta)", l->path,
          mm_response_cat_name(l->best_response), name);
  }
  return mm_tv_or(by_progression, by_response);
}

static void set_drug(mm_deriving *d, const drug_state *s) {
  const mm_drug *drug = &d->kb->drugs[s->drug];
  mm_fact_set(d, drug->slot_exposed, mm_value_tv(s->exposed));
  mm_fact_set(d, drug->slot_refractory, mm_value_tv(s->refractory));
  mm_fact_set(d, drug->slot_progressed_on, mm_value_tv(s->progressed));
  mm_fact_set(d, drug->slot_current, mm_value_tv(s->current));
  if (!d->explain) return;
  mm_fact_from(d, drug->slot_exposed, s->exposed_in);
  if (s->refractory == MM_TRUE) {
    d->f->info[drug->slot_refractory].because = s->ref.because;
    d->f->info[drug->slot_refractory].because_it = s->ref.because_it;
  }
  if (s->refractory == MM_UNKNOWN) mm_fact_missing(d, drug->slot_refractory, s->ref.missing);
  if (s->refractory == MM_FALSE)
    mm_fact_because(d, drug->slot_refractory,
                    "exposed, no progression within %d days of a %s dose and no SD/PD as best response",
                    "esposto, nessuna progressione entro %d giorni da una dose di %s e nessuna SD/PD "
                    "come migliore risposta",
                    d->kb->refractory_window_days, drug->id);
  if (s->progressed == MM_TRUE) {
    d->f->info[drug->slot_progressed_on].because = s->prog.because;
    d->f->info[drug->slot_progressed_on].because_it = s->prog.because_it;
    mm_fact_from(d, drug->slot_progressed_on, s->prog.from);
  }
  if (s->progressed == MM_UNKNOWN) mm_fact_missing(d, drug->slot_progressed_on, s->prog.missing);
  if (s->progressed == MM_FALSE)
    mm_fact_because(d, drug->slot_progressed_on,
                    "exposed, no progression while on %s or within %d days of its last dose",
                    "esposto, nessuna progressione durante %s o entro %d giorni dall'ultima dose",
                    drug->id, d->kb->refractory_window_days);
}

/* One line's use of drug s: progression on it, then refractoriness. The
 * first line that decides a fact gives its reason; the first unknown names
 * what is missing. */
static void drug_in_line(mm_deriving *d, const mm_line *l, drug_state *s, use u) {
  why probe = {0};
  mm_tv p = progressed_in_line(d, l, s->drug, u, &probe);
  if (s->progressed != MM_TRUE) {
    s->progressed = mm_tv_or(s->progressed, p);
    if (p == MM_TRUE) s->prog = probe;
    if (p == MM_UNKNOWN && !s->prog.missing) s->prog.missing = probe.missing;
  }
  if (s->refractory == MM_TRUE) return;
  /* Under a sparse plan that reads only progressed_on of this drug (and of
   * its classes), refractoriness is not derived. */
  if (d->sparse && !d->sparse->nonresponse_for[s->drug]) return;
  mm_tv r = refractory_in_line(d, l, s->drug, p, &probe);
  s->refractory = mm_tv_or(s->refractory, r);
  if (r == MM_TRUE) {
    s->ref.because = probe.because;
    s->ref.because_it = probe.because_it;
  }
  if (r == MM_UNKNOWN && !s->ref.missing) s->ref.missing = probe.missing;
}

/* A sparse plan's value in slot, when the plan reads it (others unset). */
static inline void set_read(mm_deriving *d, int slot, mm_tv t) {
  if (slot >= 0 && d->sparse->read[slot]) d->f->values[slot] = mm_value_tv(t);
}

/* touch() without a map, its state set field by field (no explanations:
 * the reasons only need to be empty). */
static inline drug_state *touch_few(drug_state *st, size_t *n, int drug) {
  for (size_t i = 0; i < *n; i++)
    if (st[i].drug == drug) return &st[i];
  if (*n == MAX_TOUCHED) return NULL;
  drug_state *s = &st[(*n)++];
  s->drug = drug;
  s->exposed = MM_TRUE;
  s->refractory = s->progressed = s->current = MM_FALSE;
  s->ref.missing = s->prog.missing = NULL;
  s->given = false;
  return s;
}

/* mm_derive_exposure under a sparse plan (no explanations) for the usual
 * record, every line's drugs known: only the drugs the plan follows, a few,
 * each found by a look through st; no reasons kept; only the slots read
 * written. The same values as the general pass below (which handles a
 * record with unknown drugs): the screening tests and screen_ratio.sh
 * compare both builds' bytes. */
/* One drug's part in the classes the plan reads. */
static inline void add_to_classes(const mm_facts_plan *plan, const mm_drug *drug, class_acc *acc,
                                  mm_tv exposed, mm_tv refractory, mm_tv progressed,
                                  mm_tv current) {
  for (size_t k = 0; k < drug->n_classes; k++) {
    int at = plan->class_place[drug->classes[k]];
    if (at < 0) continue;
    class_acc *a = &acc[at];
    if (!a->touched++) a->exp = a->ref = a->prog = a->cur = MM_FALSE;
    a->exp = mm_tv_or(a->exp, exposed);
    a->ref = mm_tv_or(a->ref, refractory);
    a->prog = mm_tv_or(a->prog, progressed);
    a->cur = mm_tv_or(a->cur, current);
    a->n_exp += exposed == MM_TRUE;
    a->n_ref += refractory == MM_TRUE;
    a->unk_ref += refractory == MM_UNKNOWN;
  }
}

/* The kb's drugs a record's bit set holds: no more than st does, so that
 * st never fills (as in the general pass, where a drug past MAX_TOUCHED
 * would be left out). */
enum { SPARSE_DRUGS_MAX = 64 };
_Static_assert(SPARSE_DRUGS_MAX <= MAX_TOUCHED, "every drug fits st");

static void exposure_sparse(mm_deriving *d) {
  const mm_patient *p = d->p;
  const mm_kb *kb = d->kb;
  const mm_facts_plan *plan = d->sparse;
  drug_state st[MAX_TOUCHED];
  size_t n = 0;
  /* A drug whose exposure alone is read (most: no refractoriness, no
   * current use) is only a bit: given in some line. The others, and any
   * drug a line declares refractory, have a state in st. */
  uint64_t given[SPARSE_DRUGS_MAX / 64] = {0}, stated[SPARSE_DRUGS_MAX / 64] = {0};
  const mm_line *last = p->n_lines ? &p->lines[p->n_lines - 1] : NULL;
  const bool *drug_read = plan->drug_read, *ref_for = d->refractory_for;
  for (size_t k = 0; k < p->n_lines; k++) {
    const mm_line *l = &p->lines[k];
    for (int phase = 0; phase < 2; phase++) {
      const mm_drug_use *list = phase ? l->maint : l->drugs;
      size_t nl = phase ? l->n_maint : l->n_drugs;
      for (size_t i = 0; i < nl; i++) {
        int drug = list[i].drug;
        if (!drug_read[drug]) continue;
        given[drug >> 6] |= 1ull << (drug & 63);
        /* Exposure alone needs no dates. */
        if (!plan->current_read && !ref_for[drug]) continue;
        drug_state *s = touch_few(st, &n, drug);
        if (!s) continue;
        stated[drug >> 6] |= 1ull << (drug & 63);
        use u = drug_use_in_line(l, drug);
        if (l == last && u.ongoing && !l->has_progression && l->stop_reason == MM_STOP_NONE)
          s->current = MM_TRUE;
        if (phase == 1 && u.induction) continue;
        if (s->refractory == MM_TRUE && s->progressed == MM_TRUE) continue;
        if (!ref_for[drug]) continue;
        drug_in_line(d, l, s, u);
      }
    }
    for (size_t i = 0; i < l->n_refractory_to; i++) {
      int drug = l->refractory_to[i];
      if (!drug_read[drug]) continue;
      drug_state *s = touch_few(st, &n, drug);
      if (!s) continue;
      stated[drug >> 6] |= 1ull << (drug & 63);
      s->refractory = MM_TRUE;
    }
  }
  for (size_t i = 0; i < plan->n_exposure; i++) {
    size_t slot = (size_t)plan->exposure[i];
    d->f->values[slot] = kb->exposure_none[slot - kb->exposure_first];
  }
  class_acc acc[8];
  size_t n_classes = plan->n_classes;
  memset(acc, 0, n_classes * sizeof *acc);
  for (size_t i = 0; i < n; i++) {
    drug_state *s = &st[i];
    /* Declared refractory but in no line's drugs: no dose recorded. */
    bool was_given = given[s->drug >> 6] >> (s->drug & 63) & 1;
    if (!was_given && s->progressed == MM_FALSE) s->progressed = MM_UNKNOWN;
    const mm_drug *drug = &kb->drugs[s->drug];
    set_read(d, drug->slot_exposed, s->exposed);
    set_read(d, drug->slot_refractory, s->refractory);
    set_read(d, drug->slot_progressed_on, s->progressed);
    set_read(d, drug->slot_current, s->current);
    add_to_classes(plan, drug, acc, s->exposed, s->refractory, s->progressed, s->current);
  }
  /* The drugs given whose exposure alone is read: exposed, nothing else. */
  for (size_t w = 0; w < SPARSE_DRUGS_MAX / 64; w++) {
    for (uint64_t bits = given[w] & ~stated[w]; bits; bits &= bits - 1) {
      const mm_drug *drug = &kb->drugs[w * 64 + (size_t)__builtin_ctzll(bits)];
      set_read(d, drug->slot_exposed, MM_TRUE);
      set_read(d, drug->slot_refractory, MM_FALSE);
      set_read(d, drug->slot_progressed_on, MM_FALSE);
      set_read(d, drug->slot_current, MM_FALSE);
      add_to_classes(plan, drug, acc, MM_TRUE, MM_FALSE, MM_FALSE, MM_FALSE);
    }
  }
  for (size_t ci = 0; ci < n_classes; ci++) {
    const class_acc *a = &acc[ci];
    if (!a->touched) continue; /* the template's "none" stands */
    const mm_class *cl = &kb->classes[plan->classes[ci]];
    set_read(d, cl->slot_exposed, a->exp);
    set_read(d, cl->slot_refractory, a->ref);
    set_read(d, cl->slot_progressed_on, a->prog);
    set_read(d, cl->slot_current, !p->lines_given ? MM_UNKNOWN : a->cur);
    if (cl->slot_exposed_count >= 0)
      d->f->values[cl->slot_exposed_count] = mm_value_number(a->n_exp);
    if (cl->slot_refractory_count >= 0)
      d->f->values[cl->slot_refractory_count] =
          a->unk_ref ? mm_value_unknown(MM_TYPE_NUMBER) : mm_value_number(a->n_ref);
  }
}

void mm_derive_exposure(mm_deriving *d) {
  const mm_patient *p = d->p;
  const mm_kb *kb = d->kb;
  /* Default for drugs never mentioned: not exposed when every line's drugs
   * are known; unknown otherwise. */
  mm_tv dflt = MM_FALSE;
  const char *dflt_missing = NULL;
  if (!p->lines_given) {
    dflt = MM_UNKNOWN;
    dflt_missing = "lines";
  }
  for (size_t k = 0; k < p->n_lines; k++)
    if (!p->lines[k].drugs_known) {
      dflt = MM_UNKNOWN;
      dflt_missing = d->explain ? mm_arena_format(d->arena, "%s.drugs", p->lines[k].path) : "lines";
    }
  /* The usual record under a sparse plan with a few classes: its own pass. */
  if (dflt == MM_FALSE && d->sparse && d->refractory_for && kb->exposure_none &&
      d->sparse->n_classes <= 8 && kb->n_drugs <= SPARSE_DRUGS_MAX) {
    exposure_sparse(d);
    return;
  }
  drug_state st[MAX_TOUCHED];
  size_t n = 0;
  unsigned char where_buf[256], *where = NULL;
  _Static_assert(MAX_TOUCHED < 0xFF, "a place in st fits a byte, 0xFF free");
  /* Under a sparse plan the drugs followed are a few: found by a look
   * through st, without clearing a map per record. */
  if (!d->sparse && kb->n_drugs <= sizeof where_buf) {
    where = where_buf;
    memset(where, 0xFF, kb->n_drugs);
  }
  const mm_line *last = p->n_lines ? &p->lines[p->n_lines - 1] : NULL;
  const bool *drug_read = d->sparse ? d->sparse->drug_read : NULL;
  for (size_t k = 0; k < p->n_lines; k++) {
    const mm_line *l = &p->lines[k];
    for (int phase = 0; phase < 2; phase++) {
      const mm_drug_use *list = phase ? l->maint : l->drugs;
      size_t nl = phase ? l->n_maint : l->n_drugs;
      for (size_t i = 0; i < nl; i++) {
        /* A drug none of whose facts (nor its classes') is read is not followed. */
        if (drug_read && !drug_read[list[i].drug]) continue;
        drug_state *s = touch(st, &n, list[i].drug, where);
        if (!s) continue;
        if (!s->exposed_in) s->exposed_in = list[i].path;
        s->given = true;
        /* Exposure alone needs no dates (a sparse plan that reads neither
         * this drug's refractoriness nor any current use). */
        if (d->sparse && !d->sparse->current_read && d->refractory_for &&
            !d->refractory_for[s->drug])
          continue;
        use u = drug_use_in_line(l, list[i].drug);
        /* Current even when an earlier line already made it refractory (a
         * rechallenge). */
        if (l == last && u.ongoing && !l->has_progression && l->stop_reason == MM_STOP_NONE)
          s->current = MM_TRUE;
        /* The same drug in both phases is handled once, at phase 0. */
        if (phase == 1 && u.induction) continue;
        if (s->refractory == MM_TRUE && s->progressed == MM_TRUE) continue;
        /* Refractoriness nobody reads is not derived (mm_facts_derive_for). */
        if (d->refractory_for && !d->refractory_for[s->drug]) continue;
        drug_in_line(d, l, s, u);
      }
    }
    for (size_t i = 0; i < l->n_refractory_to; i++) {
      if (drug_read && !drug_read[l->refractory_to[i]]) continue;
      drug_state *s = touch(st, &n, l->refractory_to[i], where);
      if (!s) continue;
      if (!s->exposed_in) s->exposed_in = l->path;
      if (!s->declared_in) s->declared_in = l->path;
      s->refractory = MM_TRUE;
      if (d->explain)
        say(d, &s->ref, "%s.refractory_to: declared by the clinician",
            "%s.refractory_to: dichiarato dal clinico", l->path);
    }
  }
  /* Drugs and classes. The common case (every line's drugs known) starts
   * from the kb's template where nothing is exposed, then writes only the
   * drugs the record names and their classes: screening reads millions. */
  bool fast = dflt == MM_FALSE && kb->exposure_none;
  if (fast && d->sparse) { /* only the drug and class facts the caller reads */
    for (size_t i = 0; i < d->sparse->n_exposure; i++) {
      size_t slot = (size_t)d->sparse->exposure[i];
      d->f->values[slot] = kb->exposure_none[slot - kb->exposure_first];
    }
  } else if (fast) {
    memcpy(d->f->values + kb->exposure_first, kb->exposure_none,
           kb->exposure_count * sizeof *kb->exposure_none);
  } else {
    /* mm_facts_derive_ex leaves this range to us: start it all unknown. */
    memcpy(d->f->values + kb->exposure_first, kb->facts_unknown + kb->exposure_first,
           kb->exposure_count * sizeof *kb->facts_unknown);
    for (size_t i = 0; i < kb->n_drugs; i++) {
      const mm_drug *drug = &kb->drugs[i];
      mm_fact_set(d, drug->slot_exposed, mm_value_tv(dflt));
      mm_fact_set(d, drug->slot_refractory, mm_value_tv(dflt));
      mm_fact_set(d, drug->slot_progressed_on, mm_value_tv(dflt));
      mm_fact_set(d, drug->slot_current,
                  mm_value_tv(dflt == MM_UNKNOWN && !p->lines_given ? MM_UNKNOWN : MM_FALSE));
      if (dflt == MM_UNKNOWN) {
        mm_fact_missing(d, drug->slot_exposed, dflt_missing);
        mm_fact_missing(d, drug->slot_refractory, dflt_missing);
        mm_fact_missing(d, drug->slot_progressed_on, dflt_missing);
      }
    }
  }
  for (size_t i = 0; i < n; i++) {
    /* Declared refractory but in no line's drugs: the record holds no dose
     * of it, so whether the progression arm holds is unknown. */
    if (!st[i].given && st[i].progressed == MM_FALSE) {
      st[i].progressed = MM_UNKNOWN;
      st[i].prog.missing =
          d->explain ? mm_arena_format(d->arena, "%s.drugs", st[i].declared_in) : "lines";
    }
    /* A line with unknown drugs may have held this one too. */
    if (dflt == MM_UNKNOWN && st[i].refractory == MM_FALSE) {
      st[i].refractory = MM_UNKNOWN;
      st[i].ref.missing = dflt_missing;
    }
    if (dflt == MM_UNKNOWN && st[i].progressed == MM_FALSE) {
      st[i].progressed = MM_UNKNOWN;
      st[i].prog.missing = dflt_missing;
    }
    set_drug(d, &st[i]);
  }
  /* Classes: three-valued OR over their drugs, and counts of drugs, gathered
   * from the drugs the record names. */
  /* Under a sparse plan, only the classes it reads (their slots alone
   * are), each at its place in the plan's list: a few, on the stack. */
  const int *place = d->sparse ? d->sparse->class_place : NULL;
  size_t n_classes = d->sparse ? d->sparse->n_classes : kb->n_classes;
  class_acc acc_few[8], *acc = acc_few;
  if (n_classes <= sizeof acc_few / sizeof *acc_few) memset(acc_few, 0, sizeof acc_few);
  else acc = mm_arena_alloc(d->arena, (n_classes + 1) * sizeof *acc);
  if (!acc) return;
  for (size_t i = 0; i < n; i++) {
    const mm_drug *drug = &kb->drugs[st[i].drug];
    for (size_t k = 0; k < drug->n_classes; k++) {
      int at = place ? place[drug->classes[k]] : drug->classes[k];
      if (at < 0) continue;
      class_acc *a = &acc[at];
      const mm_class *cl = &kb->classes[drug->classes[k]];
      if (!a->touched++) a->exp = a->ref = a->prog = a->cur = MM_FALSE;
      a->exp = mm_tv_or(a->exp, st[i].exposed);
      a->ref = mm_tv_or(a->ref, st[i].refractory);
      a->prog = mm_tv_or(a->prog, st[i].progressed);
      a->cur = mm_tv_or(a->cur, st[i].current);
      a->n_exp += st[i].exposed == MM_TRUE;
      a->n_ref += st[i].refractory == MM_TRUE;
      a->unk_ref += st[i].refractory == MM_UNKNOWN;
      if (!d->explain) continue;
      if (st[i].exposed == MM_TRUE) mm_fact_from(d, cl->slot_exposed, drug->id);
      if (st[i].refractory == MM_TRUE) {
        mm_fact_because_lang(d, cl->slot_refractory, MM_LANG_EN, "%s: %s", drug->id,
                             st[i].ref.because ? st[i].ref.because : "refractory");
        mm_fact_because_lang(d, cl->slot_refractory, MM_LANG_IT, "%s: %s", drug->id,
                             st[i].ref.because_it ? st[i].ref.because_it : "refrattario");
      }
      if (st[i].refractory == MM_UNKNOWN) {
        mm_fact_missing(d, cl->slot_refractory, st[i].ref.missing);
        mm_fact_missing(d, cl->slot_refractory_count, st[i].ref.missing);
      }
      if (st[i].progressed == MM_TRUE) {
        mm_fact_from(d, cl->slot_progressed_on, drug->id);
        mm_fact_because_lang(d, cl->slot_progressed_on, MM_LANG_EN, "%s: %s", drug->id,
                             st[i].prog.because ? st[i].prog.because : "progressed on it");
        mm_fact_because_lang(
            d, cl->slot_progressed_on, MM_LANG_IT, "%s: %s", drug->id,
            st[i].prog.because_it ? st[i].prog.because_it : "progressione durante");
      }
      if (st[i].progressed == MM_UNKNOWN)
        mm_fact_missing(d, cl->slot_progressed_on, st[i].prog.missing);
    }
  }
  for (size_t ci = 0; ci < n_classes; ci++) {
    size_t c = d->sparse ? (size_t)d->sparse->classes[ci] : ci;
    const mm_class *cl = &kb->classes[c];
    class_acc *a = &acc[ci];
    if (fast && !a->touched) continue; /* the template's "none" stands */
    if (!a->touched) a->exp = a->ref = a->prog = a->cur = MM_FALSE;
    int unk_exp = 0;
    /* Untouched members keep the default: unknown when some line's drugs are. */
    if (dflt == MM_UNKNOWN && cl->n_members > a->touched) {
      a->exp = mm_tv_or(a->exp, MM_UNKNOWN);
      a->ref = mm_tv_or(a->ref, MM_UNKNOWN);
      a->prog = mm_tv_or(a->prog, MM_UNKNOWN);
      unk_exp++;
      a->unk_ref++;
      mm_fact_missing(d, cl->slot_exposed, dflt_missing);
      mm_fact_missing(d, cl->slot_refractory, dflt_missing);
      mm_fact_missing(d, cl->slot_progressed_on, dflt_missing);
      mm_fact_missing(d, cl->slot_exposed_count, dflt_missing);
      mm_fact_missing(d, cl->slot_refractory_count, dflt_missing);
    }
    mm_fact_set(d, cl->slot_exposed, mm_value_tv(a->exp));
    mm_fact_set(d, cl->slot_refractory, mm_value_tv(a->ref));
    mm_fact_set(d, cl->slot_progressed_on, mm_value_tv(a->prog));
    mm_fact_set(d, cl->slot_current, mm_value_tv(!p->lines_given ? MM_UNKNOWN : a->cur));
    mm_fact_set(d, cl->slot_exposed_count,
                unk_exp ? mm_value_unknown(MM_TYPE_NUMBER) : mm_value_number(a->n_exp));
    mm_fact_set(d, cl->slot_refractory_count,
                a->unk_ref ? mm_value_unknown(MM_TYPE_NUMBER) : mm_value_number(a->n_ref));
  }
}
