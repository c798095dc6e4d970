/* moves.c: the referral state machine, in one place. The table below is the
 * "may follow" column of the spec mmpath/referral@1 (docs/referral.md); it is
 * the pathway's model, not a clinical threshold, so it is C data. Every write
 * path (new, move, import) and every read check goes through
 * mm_referral_check_move. */
#include <stdio.h>
#include <string.h>

#include "referral/pathway.h"

#define B(s) (1u << (s))

/* For each state: the states it may follow, whether it needs a reason, and
 * the extra predecessors allowed only for a bispecific target. */
static const struct {
  unsigned from;
  unsigned from_bispecific;
  bool reason;
} table[MM_RS_COUNT] = {
    [MM_RS_REFERRED] = {0, 0, false}, /* first event only */
    [MM_RS_WAITLISTED] = {B(MM_RS_REFERRED), 0, false},
    [MM_RS_SCREENING] = {B(MM_RS_REFERRED) | B(MM_RS_WAITLISTED), 0, false},
    [MM_RS_NOT_ELIGIBLE] = {B(MM_RS_SCREENING), 0, true},
    [MM_RS_ELIGIBLE] = {B(MM_RS_SCREENING), 0, false},
    [MM_RS_AWAITING_APHERESIS] = {B(MM_RS_ELIGIBLE), 0, false},
    /* manufacturing_failed -> apheresis: the spec's meaning column ("may go
     * back to apheresis"); its may-follow column omits it (docs/referral.md). */
    [MM_RS_APHERESIS] = {B(MM_RS_ELIGIBLE) | B(MM_RS_AWAITING_APHERESIS) |
                             B(MM_RS_MANUFACTURING_FAILED),
                         0, false},
    [MM_RS_MANUFACTURING] = {B(MM_RS_APHERESIS), 0, false},
    [MM_RS_MANUFACTURING_FAILED] = {B(MM_RS_MANUFACTURING), 0, false},
    [MM_RS_AWAITING_INFUSION] = {B(MM_RS_MANUFACTURING), 0, false},
    [MM_RS_INFUSED] = {B(MM_RS_AWAITING_INFUSION), B(MM_RS_ELIGIBLE), false},
    [MM_RS_FOLLOW_UP] = {B(MM_RS_INFUSED), 0, false},
    [MM_RS_NOT_INFUSED] = {B(MM_RS_APHERESIS) | B(MM_RS_MANUFACTURING) |
                               B(MM_RS_MANUFACTURING_FAILED) |
                               B(MM_RS_AWAITING_INFUSION),
                           0, true},
    [MM_RS_EXCLUDED] = {B(MM_RS_REFERRED) | B(MM_RS_WAITLISTED) |
                            B(MM_RS_SCREENING),
                        0, true},
    [MM_RS_DIED] = {((1u << MM_RS_COUNT) - 1) & ~B(MM_RS_DIED), 0, false},
};

bool mm_ref_state_needs_reason(mm_ref_state s) {
  return (unsigned)s < MM_RS_COUNT && table[s].reason;
}

bool mm_ref_move_allowed(int from, mm_ref_state to, bool bispecific) {
  if ((unsigned)to >= MM_RS_COUNT) return false;
  if (from < 0) return to == MM_RS_REFERRED;
  if (from >= MM_RS_COUNT) return false;
  unsigned mask = table[to].from | (bispecific ? table[to].from_bispecific : 0);
  return (mask & B(from)) != 0;
}

int mm_referral_check_move(const mm_ref_kb *kb, const char *target,
                           const mm_ref_event *prev, const mm_ref_event *ev,
                           const char **field, mm_diag_code *code, char *why,
                           size_t why_len) {
  const mm_ref_target *t = target ? mm_ref_kb_target(kb, target) : NULL;
  bool bisp = t && t->bispecific;
  *field = "state";
  *code = MM_E_STATE;
  if (!mm_ref_move_allowed(prev ? (int)prev->state : -1, ev->state, bisp)) {
    if (!prev)
      snprintf(why, why_len, "the first event must be 'referred', got '%s'",
               mm_ref_state_name(ev->state));
    else if (ev->state == MM_RS_REFERRED)
      snprintf(why, why_len, "'referred' can only be the first event");
    else if (mm_ref_move_allowed(prev->state, ev->state, true))
      snprintf(why, why_len,
               "move from '%s' to '%s' allowed only for a bispecific, and '%s' is not one",
               mm_ref_state_name(prev->state), mm_ref_state_name(ev->state),
               target ? target : "?");
    else
      snprintf(why, why_len, "move from '%s' to '%s' not allowed",
               mm_ref_state_name(prev->state), mm_ref_state_name(ev->state));
    return -1;
  }
  *field = "date";
  *code = MM_E_MISSING;
  if (ev->date == MM_DATE_NONE) {
    snprintf(why, why_len, "date is required");
    return -1;
  }
  if (prev && ev->date < prev->date) {
    *code = MM_E_ORDER;
    char a[11], b[11];
    mm_date_format(ev->date, a);
    mm_date_format(prev->date, b);
    snprintf(why, why_len, "date %s is earlier than the previous event's (%s, '%s')",
             a, b, mm_ref_state_name(prev->state));
    return -1;
  }
  *field = "reason";
  if (ev->reason) {
    if (!mm_ref_kb_reason(kb, ev->reason)) {
      *code = MM_E_UNKNOWN_NAME;
      snprintf(why, why_len, "unknown reason '%s' (kb/referral.yaml lists the reasons)",
               ev->reason);
      return -1;
    }
  } else if (table[ev->state].reason) {
    *code = MM_E_MISSING;
    snprintf(why, why_len, "state '%s' requires a reason", mm_ref_state_name(ev->state));
    return -1;
  }
  *field = NULL;
  *code = MM_E_INVALID;
  return 0;
}

const char *mm_ref_check_patient_id(const char *s) {
  for (const char *p = s; p && *p; p++)
    if (*p == ' ' || *p == ',')
      return "looks like a name: a patient id is a pseudonym (letters, digits, '.', '_', "
             "'-' and at least one digit), never a name";
  const char *e = mm_ref_check_id(s);
  if (e) return e;
  for (const char *p = s; *p; p++)
    if (*p >= '0' && *p <= '9') return NULL;
  return "has no digit and may be a name: a patient id is a pseudonym such as 'BO-0017'";
}

int mm_referral_validate(const mm_ref_kb *kb, const mm_referral *r, mm_diags *d,
                         const char *src, const char *path) {
  size_t before = d->errors;
  const char *p = path ? path : "";
  const char *dot = *p ? "." : "";
  const char *e;
  struct { const char *name, *val; } ids[] = {
      {"id", r->id}, {"from_center", r->from_center}, {"to_center", r->to_center}};
  for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
    if ((e = mm_ref_check_id(ids[i].val)))
      mm_diag_errorc(d, ids[i].val && *ids[i].val ? MM_E_INVALID : MM_E_MISSING, src, 0, 0,
                     mm_arena_printf(d->arena, "%s%s%s", p, dot, ids[i].name),
                     "%s '%s' %s", ids[i].name, ids[i].val ? ids[i].val : "", e);
  if ((e = mm_ref_check_patient_id(r->patient)))
    mm_diag_errorc(d, r->patient && *r->patient ? MM_E_INVALID : MM_E_MISSING, src, 0, 0,
                   mm_arena_printf(d->arena, "%s%spatient", p, dot), "patient id %s", e);
  if (!r->target || !mm_ref_kb_target(kb, r->target))
    mm_diag_errorc(d, r->target ? MM_E_UNKNOWN_NAME : MM_E_MISSING, src, 0, 0,
                   mm_arena_printf(d->arena, "%s%starget", p, dot),
                   "unknown target '%s' (kb/referral.yaml lists the products)",
                   r->target ? r->target : "");
  if (r->n_events == 0)
    mm_diag_errorc(d, MM_E_MISSING, src, 0, 0, mm_arena_printf(d->arena, "%s%sevents", p, dot),
                   "a referral needs at least its 'referred' event");
  /* The moves, as the corrections say they are (pathway.h); records keep
   * the state and are checked by their kind's schema (pathway.c). */
  mm_ref_view v;
  mm_arena tmp; /* the view lives only for this check */
  mm_arena_init(&tmp, 4096);
  if (mm_ref_view_make(&v, r, &tmp) < 0) {
    mm_arena_free(&tmp);
    return -1;
  }
  const mm_ref_event *prev = NULL;
  for (size_t i = 0; i < v.r.n_events; i++) {
    const mm_ref_event *ev = &v.r.events[i];
    size_t at = v.index[i];
    if (ev->kind) {
      if (!prev || ev->state != prev->state)
        mm_diag_errorc(d, MM_E_STATE, src, 0, 0,
                       mm_arena_printf(d->arena, "%s%sevents[%zu].state", p, dot, at),
                       "a '%s' record keeps the referral's state ('%s')", ev->kind,
                       prev ? mm_ref_state_name(prev->state) : "none");
      continue;
    }
    const char *field;
    mm_diag_code code;
    char why[200];
    if (mm_referral_check_move(kb, r->target, prev, ev, &field, &code, why, sizeof why) < 0)
      mm_diag_errorc(d, code, src, 0, 0,
                     mm_arena_printf(d->arena, "%s%sevents[%zu].%s", p, dot, at, field),
                     "%s", why);
    prev = ev;
  }
  mm_arena_free(&tmp);
  return d->errors > before ? -1 : 0;
}
