/* pathway.c: sound events (pathway.h): the corrected view of a referral,
 * today's date, THE check of a new event (moves and records, for the hub
 * or a spoke), what may come next, and the append in one transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "referral/pathway.h"
#include "referral/records.h"

static const char *const kind_names[MM_RK_COUNT] = {
    "note", "correction", "bridging", "lymphodepletion", "product", "visit", "crs", "icans",
    "evaluation"};

const char *mm_ref_kind_name(mm_ref_kind k) {
  return (unsigned)k < MM_RK_COUNT ? kind_names[k] : "?";
}

int mm_ref_kind_parse(const char *s) {
  for (int k = 0; s && k < MM_RK_COUNT; k++)
    if (strcmp(s, kind_names[k]) == 0) return k;
  return -1;
}

mm_date mm_ref_today(void) {
  time_t t = time(NULL);
  struct tm tm;
  localtime_r(&t, &tm); /* TZ: the centre's zone, set once by the program */
  return mm_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

mm_ref_state mm_ref_current_state(const mm_referral *r) {
  for (size_t i = r->n_events; i > 0; i--)
    if (!r->events[i - 1].kind) return r->events[i - 1].state;
  return MM_RS_REFERRED;
}

/* A correction's data, read back (it was checked when written). */
typedef struct corr {
  long seq;
  mm_date date;
  const char *reason, *note;
  bool voided;
} corr;

static bool read_corr(const mm_ref_event *e, mm_arena *a, corr *c) {
  memset(c, 0, sizeof *c);
  c->date = MM_DATE_NONE;
  if (!e->data) return false;
  mm_json_error je;
  const mm_json *v = mm_json_parse(a, e->data, strlen(e->data), &je);
  const mm_json *s = v ? mm_json_get(v, "corrects") : NULL;
  if (!s || s->type != MM_JSON_NUMBER) return false;
  c->seq = (long)s->number;
  const mm_json *x;
  if ((x = mm_json_get(v, "date")) && x->type == MM_JSON_STRING)
    mm_date_parse(x->str, x->len, &c->date);
  if ((x = mm_json_get(v, "reason")) && x->type == MM_JSON_STRING) c->reason = x->str;
  if ((x = mm_json_get(v, "note")) && x->type == MM_JSON_STRING) c->note = x->str;
  c->voided = (x = mm_json_get(v, "void")) && x->type == MM_JSON_TRUE;
  return true;
}

int mm_ref_view_make(mm_ref_view *out, const mm_referral *r, mm_arena *a) {
  memset(out, 0, sizeof *out);
  out->r = *r;
  out->last_move = -1;
  out->infused_on = MM_DATE_NONE;
  mm_ref_event *ev = mm_arena_alloc(a, (r->n_events + 1) * sizeof *ev);
  bool *gone = mm_arena_alloc(a, (r->n_events + 1) * sizeof *gone);
  out->index = mm_arena_alloc(a, (r->n_events + 1) * sizeof *out->index);
  if (!ev || !gone || !out->index) return -1;
  memcpy(ev, r->events, r->n_events * sizeof *ev);
  memset(gone, 0, (r->n_events + 1) * sizeof *gone);
  /* Corrections apply in order; a later one wins. */
  for (size_t i = 0; i < r->n_events; i++) {
    corr c;
    if (!r->events[i].kind || strcmp(r->events[i].kind, "correction") != 0) continue;
    gone[i] = true;
    if (!read_corr(&r->events[i], a, &c) || c.seq < 0 || (size_t)c.seq >= i) continue;
    mm_ref_event *t = &ev[c.seq];
    if (c.date != MM_DATE_NONE) t->date = c.date;
    if (c.reason) t->reason = c.reason;
    if (c.note) t->note = c.note;
    if (c.voided) gone[c.seq] = true;
  }
  size_t n = 0;
  for (size_t i = 0; i < r->n_events; i++) {
    if (gone[i]) continue;
    out->index[n] = i;
    ev[n] = ev[i];
    if (!ev[n].kind) {
      out->last_move = (int)n;
      if (ev[n].state == MM_RS_INFUSED) out->infused_on = ev[n].date;
    }
    n++;
  }
  out->r.events = ev;
  out->r.n_events = n;
  return 0;
}

/* The moves of a view, as a referral of moves only (for the move check). */
static const mm_ref_event *prev_move(const mm_ref_view *v) {
  return v->last_move >= 0 ? &v->r.events[v->last_move] : NULL;
}

static bool reached(const mm_ref_view *v, mm_ref_state s) {
  for (size_t i = 0; i < v->r.n_events; i++)
    if (!v->r.events[i].kind && v->r.events[i].state == s) return true;
  return false;
}

static const char *P(mm_arena *a, const char *path, const char *f) {
  return mm_arena_printf(a, "%s%s%s", path, *path ? "." : "", f);
}

static bool date_ok(mm_date d, mm_date today, mm_date min, mm_arena *a, mm_diags *dg,
                    const char *path, const char *what_min) {
  char x[11], y[11];
  mm_date_format(d, x);
  if (d > today) {
    mm_date_format(today, y);
    mm_diag_errorc(dg, MM_E_RANGE, NULL, 0, 0, path,
                   "date %s is after today (%s, the centre's time zone)", x, y);
    return false;
  }
  if (min != MM_DATE_NONE && d < min) {
    mm_date_format(min, y);
    mm_diag_errorc(dg, MM_E_ORDER, NULL, 0, 0, path, "date %s is before %s (%s)", x, what_min, y);
    return false;
  }
  (void)a;
  return true;
}

/* Re-checks the moves of a view with the state machine (after a
 * correction of a date or a reason). */
static int moves_ok(const mm_kb *kb, const mm_ref_view *v, char *why, size_t len) {
  const mm_ref_event *prev = NULL;
  for (size_t i = 0; i < v->r.n_events; i++) {
    const mm_ref_event *e = &v->r.events[i];
    if (e->kind) continue;
    const char *field;
    mm_diag_code code;
    if (mm_referral_check_move(mm_kb_referral(kb), v->r.target, prev, e, &field, &code, why,
                               len) < 0)
      return -1;
    prev = e;
  }
  return 0;
}

static int check_correction(const mm_kb *kb, const mm_referral *r, const mm_ref_view *v,
                            mm_ref_event *e, const mm_json *data, mm_arena *a, mm_diags *d,
                            const char *path, mm_date today) {
  const mm_json *s = mm_json_get(data, "corrects");
  long seq = (long)s->number;
  const char *sp = P(a, path, "data.corrects");
  if (seq < 0 || (size_t)seq >= r->n_events) {
    mm_diag_errorc(d, MM_E_NOT_FOUND, NULL, 0, 0, sp, "no event %ld (the history has %zu)", seq,
                   r->n_events);
    return -1;
  }
  const mm_ref_event *t = &r->events[seq];
  if (t->kind && strcmp(t->kind, "correction") == 0) {
    mm_diag_errorc(d, MM_E_INVALID, NULL, 0, 0, sp,
                   "event %ld is a correction: correct the event it corrects", seq);
    return -1;
  }
  bool voided = mm_json_get(data, "void") && mm_json_get(data, "void")->type == MM_JSON_TRUE;
  const mm_json *dt = mm_json_get(data, "date"), *rs = mm_json_get(data, "reason"),
                *nt = mm_json_get(data, "note");
  if (!voided && !dt && !rs && !nt) {
    mm_diag_errorc(d, MM_E_MISSING, NULL, 0, 0, P(a, path, "data"),
                   "a correction says what is corrected: date, reason, note or void");
    return -1;
  }
  if (voided && !t->kind) {
    mm_diag_errorc(d, MM_E_INVALID, NULL, 0, 0, P(a, path, "data.void"),
                   "a move is not voided: correct its date or reason, or record the next move");
    return -1;
  }
  if (rs && t->kind) {
    mm_diag_errorc(d, MM_E_INVALID, NULL, 0, 0, P(a, path, "data.reason"),
                   "only a move has a reason");
    return -1;
  }
  if (dt) {
    mm_date nd;
    mm_date_parse(dt->str, dt->len, &nd);
    if (!date_ok(nd, today, seq ? r->events[0].date : MM_DATE_NONE, a, d,
                 P(a, path, "data.date"), "the referral"))
      return -1;
  }
  /* The history with this correction must still be a valid pathway. */
  mm_referral r2 = *r;
  r2.events = mm_arena_alloc(a, (r->n_events + 1) * sizeof *r2.events);
  if (!r2.events) return -1;
  memcpy(r2.events, r->events, r->n_events * sizeof *r2.events);
  r2.events[r->n_events] = *e;
  r2.n_events++;
  mm_ref_view v2;
  char why[200];
  if (mm_ref_view_make(&v2, &r2, a) < 0) return -1;
  if (moves_ok(kb, &v2, why, sizeof why) < 0) {
    mm_diag_errorc(d, MM_E_ORDER, NULL, 0, 0, P(a, path, dt ? "data.date" : "data.reason"),
                   "after this correction the pathway would be invalid: %s", why);
    return -1;
  }
  (void)v;
  return 0;
}

/* The labs of the visits already recorded (for the response). */
static size_t earlier_labs(const mm_ref_view *v, const mm_json **out, size_t cap, mm_arena *a) {
  size_t n = 0;
  for (size_t i = 0; i < v->r.n_events && n < cap; i++) {
    const mm_ref_event *e = &v->r.events[i];
    if (!e->kind || strcmp(e->kind, "visit") != 0 || !e->data) continue;
    mm_json_error je;
    const mm_json *j = mm_json_parse(a, e->data, strlen(e->data), &je);
    const mm_json *l = j ? mm_json_get(j, "labs") : NULL;
    if (l && l->type == MM_JSON_ARRAY) out[n++] = l;
  }
  return n;
}

static int check_record(const mm_kb *kb, const mm_referral *r, const mm_ref_view *v,
                        mm_ref_event *e, mm_ref_kind kind, mm_date today, mm_arena *a,
                        mm_diags *d, const char *path) {
  size_t before = d->errors;
  if (!e->data) {
    mm_diag_errorc(d, MM_E_MISSING, NULL, 0, 0, P(a, path, "data"),
                   "a '%s' record needs its data object", mm_ref_kind_name(kind));
    return -1;
  }
  mm_json_error je;
  const mm_json *data = mm_json_parse(a, e->data, strlen(e->data), &je);
  if (!data) {
    mm_diag_errorc(d, MM_E_SYNTAX, NULL, 0, 0, P(a, path, "data"), "not JSON: %s", je.text);
    return -1;
  }
  mm_ref_record_info info;
  if (mm_ref_record_canon(kb, kind, data, a, d, P(a, path, "data"), &info) < 0) return -1;
  const mm_ref_target *t = mm_ref_kb_target(mm_kb_referral(kb), r->target);
  bool bisp = t && t->bispecific;
  char inf[11] = "";
  if (v->infused_on != MM_DATE_NONE) mm_date_format(v->infused_on, inf);
  const char *dp = P(a, path, "date");
  switch (kind) {
  case MM_RK_CORRECTION:
    if (check_correction(kb, r, v, e, data, a, d, path, today) < 0) return -1;
    break;
  case MM_RK_BRIDGING:
  case MM_RK_LYMPHODEPLETION:
    if (kind == MM_RK_LYMPHODEPLETION && bisp) {
      mm_diag_errorc(d, MM_E_INVALID, NULL, 0, 0, P(a, path, "kind"),
                     "lymphodepletion is for a CAR-T; '%s' is a bispecific", r->target);
      return -1;
    }
    if (!reached(v, kind == MM_RK_BRIDGING ? MM_RS_ELIGIBLE : MM_RS_APHERESIS)) {
      mm_diag_errorc(d, MM_E_STATE, NULL, 0, 0, P(a, path, "kind"),
                     "'%s' is recorded after %s", mm_ref_kind_name(kind),
                     kind == MM_RK_BRIDGING ? "a positive evaluation (eligible)" : "apheresis");
      return -1;
    }
    break;
  case MM_RK_PRODUCT: {
    const mm_json *p = mm_json_get(data, "product");
    const mm_ref_target *pt = mm_ref_kb_target(mm_kb_referral(kb), p->str);
    if (!pt) {
      mm_diag_errorc(d, MM_E_UNKNOWN_NAME, NULL, 0, 0, P(a, path, "data.product"),
                     "unknown product '%s' (kb/referral.yaml lists the products)", p->str);
      return -1;
    }
    if (strcmp(pt->id, r->target) != 0) {
      mm_diag_errorc(d, MM_E_INVALID, NULL, 0, 0, P(a, path, "data.product"),
                     "the referral is for '%s', not '%s'", r->target, p->str);
      return -1;
    }
    if (pt->bispecific && (mm_json_get(data, "lot") || mm_json_get(data, "product_id"))) {
      mm_diag_errorc(d, MM_E_INVALID, NULL, 0, 0,
                     P(a, path, mm_json_get(data, "lot") ? "data.lot" : "data.product_id"),
                     "'%s' is a bispecific antibody: it has no cell-product lot", pt->id);
      return -1;
    }
    if (v->infused_on == MM_DATE_NONE) {
      mm_diag_errorc(d, MM_E_STATE, NULL, 0, 0, P(a, path, "kind"),
                     "the product is recorded once the referral is 'infused'");
      return -1;
    }
    if (e->date != v->infused_on) {
      mm_diag_errorc(d, MM_E_INVALID, NULL, 0, 0, dp,
                     "a product record is dated on the infusion (%s)", inf);
      return -1;
    }
    break;
  }
  case MM_RK_VISIT:
  case MM_RK_CRS:
  case MM_RK_ICANS: {
    if (v->infused_on == MM_DATE_NONE) {
      mm_diag_errorc(d, MM_E_STATE, NULL, 0, 0, P(a, path, "kind"),
                     "a '%s' record comes after the infusion; the referral is not infused",
                     mm_ref_kind_name(kind));
      return -1;
    }
    if (!date_ok(e->date, today, v->infused_on, a, d, dp, "the infusion")) return -1;
    if (kind == MM_RK_VISIT) {
      const mm_json *vi = mm_json_get(data, "visit");
      mm_path_kb pk;
      if (mm_path_kb_read(&pk, kb, a, d) < 0) return -1;
      if (strcmp(vi->str, "unscheduled") != 0 && !mm_path_kb_visit(&pk, vi->str)) {
        mm_strbuf l;
        mm_strbuf_init(&l, 256);
        for (size_t i = 0; i < pk.n_visits; i++) mm_strbuf_printf(&l, "%s, ", pk.visits[i].id);
        mm_diag_errorc(d, MM_E_UNKNOWN_NAME, NULL, 0, 0, P(a, path, "data.visit"),
                       "'%s' is not a visit of the schedule (%sunscheduled; kb/pathway.yaml)",
                       vi->str, l.data ? l.data : "");
        mm_strbuf_free(&l);
        return -1;
      }
      const mm_json *labs = mm_json_get(data, "labs");
      if (mm_ref_labs_check(kb, labs, d, a, P(a, path, "data.labs")) < 0) return -1;
      /* the IMWG response of every lab recorded so far, against the infusion */
      const mm_json *lists[64];
      size_t nl = earlier_labs(v, lists, 63, a);
      if (labs) lists[nl++] = labs;
      const char *because = NULL;
      const char *resp = mm_ref_response_of(kb, lists, nl, v->infused_on, a, &because);
      if (nl) {
        mm_strbuf b;
        mm_strbuf_init(&b, 0);
        mm_strbuf_add(&b, info.data, strlen(info.data) - 1);
        mm_strbuf_puts(&b, ",\"imwg_response\":");
        if (resp) mm_strbuf_json_string(&b, resp);
        else mm_strbuf_puts(&b, "null");
        mm_strbuf_puts(&b, ",\"imwg_because\":");
        mm_strbuf_json_string(&b, because ? because : "");
        mm_strbuf_putc(&b, '}');
        info.data = mm_arena_strdup(a, b.data ? b.data : "{}");
        mm_strbuf_free(&b);
      }
    } else {
      const mm_json *res = mm_json_get(data, "resolution");
      mm_date rd = MM_DATE_NONE;
      if (res) {
        mm_date_parse(res->str, res->len, &rd);
        if (!date_ok(rd, today, e->date, a, d, P(a, path, "data.resolution"), "the onset"))
          return -1;
      }
      const mm_json *signs = mm_json_get(data, "signs");
      for (size_t i = 0; signs && i < signs->len; i++) {
        const mm_json *sd = mm_json_get(signs->items[i], "date");
        mm_date x;
        if (sd && mm_date_parse(sd->str, sd->len, &x) &&
            !date_ok(x, rd != MM_DATE_NONE ? rd : today, e->date, a, d,
                     mm_arena_printf(a, "%s.data.signs[%zu].date", path, i), "the onset"))
          return -1;
      }
    }
    break;
  }
  default:
    break;
  }
  if (kind == MM_RK_BRIDGING || kind == MM_RK_LYMPHODEPLETION) {
    const mm_json *end = mm_json_get(data, "end");
    mm_date ed;
    if (end && mm_date_parse(end->str, end->len, &ed) &&
        !date_ok(ed, today, e->date, a, d, P(a, path, "data.end"), "the start"))
      return -1;
  }
  e->data = info.data;
  return d->errors > before ? -1 : 0;
}

int mm_ref_event_check(const mm_kb *kb, const mm_referral *r, mm_ref_event *e,
                       mm_ref_writer who, mm_date today, mm_arena *a, mm_diags *d,
                       const char *path) {
  if (!path) path = "";
  mm_ref_view v;
  if (mm_ref_view_make(&v, r, a) < 0) return -1;
  mm_date first = r->n_events ? r->events[0].date : MM_DATE_NONE;
  if (e->date == MM_DATE_NONE) {
    mm_diag_errorc(d, MM_E_MISSING, NULL, 0, 0, P(a, path, "date"), "date is required");
    return -1;
  }
  /* a move's order against the previous move is the state machine's */
  if (!date_ok(e->date, today, e->kind ? first : MM_DATE_NONE, a, d, P(a, path, "date"),
               "the referral"))
    return -1;
  if (!e->kind) {
    if (who == MM_REF_BY_SPOKE) {
      mm_diag_errorc(d, MM_E_STATE, NULL, 0, 0, P(a, path, "state"),
                     "a spoke opens a referral and adds notes; the hub moves it");
      return -1;
    }
    if (e->data) {
      mm_diag_errorc(d, MM_E_INVALID, NULL, 0, 0, P(a, path, "data"), "a move has no data");
      return -1;
    }
    const char *field;
    mm_diag_code code;
    char why[200];
    if (mm_referral_check_move(mm_kb_referral(kb), r->target, prev_move(&v), e, &field, &code,
                               why, sizeof why) < 0) {
      mm_diag_errorc(d, code, NULL, 0, 0, P(a, path, field), "%s", why);
      return -1;
    }
    return 0;
  }
  int k = mm_ref_kind_parse(e->kind);
  if (k < 0) {
    mm_strbuf l;
    mm_strbuf_init(&l, 256);
    for (int i = 0; i < MM_RK_COUNT; i++) mm_strbuf_printf(&l, "%s%s", i ? ", " : "", kind_names[i]);
    mm_diag_errorc(d, MM_E_UNKNOWN_NAME, NULL, 0, 0, P(a, path, "kind"),
                   "unknown kind '%s' (%s; none for a move)", e->kind, l.data ? l.data : "");
    mm_strbuf_free(&l);
    return -1;
  }
  if (who == MM_REF_BY_SPOKE && k != MM_RK_NOTE && k != MM_RK_EVALUATION) {
    mm_diag_errorc(d, MM_E_STATE, NULL, 0, 0, P(a, path, "kind"),
                   "a spoke adds notes and evaluations; '%s' records are the hub's", e->kind);
    return -1;
  }
  if (e->reason) {
    mm_diag_errorc(d, MM_E_INVALID, NULL, 0, 0, P(a, path, "reason"),
                   "only a move has a reason");
    return -1;
  }
  e->state = v.last_move >= 0 ? v.r.events[v.last_move].state : MM_RS_REFERRED;
  return check_record(kb, r, &v, e, (mm_ref_kind)k, today, a, d, path);
}

int mm_ref_records_validate(const mm_kb *kb, mm_referral *r, mm_date today, mm_arena *a,
                            mm_diags *d, const char *path) {
  size_t before = d->errors;
  for (size_t i = 0; i < r->n_events; i++) {
    if (!r->events[i].kind) continue;
    mm_referral head = *r;
    head.n_events = i;
    mm_ref_event e = r->events[i];
    const char *ep = mm_arena_printf(a, "%s%sevents[%zu]", path ? path : "",
                                     path && *path ? "." : "", i);
    if (mm_ref_event_check(kb, &head, &e, MM_REF_BY_HUB, today, a, d, ep) < 0) continue;
    if (e.state != r->events[i].state)
      mm_diag_errorc(d, MM_E_STATE, NULL, 0, 0, mm_arena_printf(a, "%s.state", ep),
                     "a record keeps the state ('%s'), got '%s'", mm_ref_state_name(e.state),
                     mm_ref_state_name(r->events[i].state));
    r->events[i].data = e.data; /* canonical, with what mmpath computes */
  }
  return d->errors > before ? -1 : 0;
}

typedef struct append_ctx {
  const mm_kb *kb;
  mm_ref_writer who;
  mm_date today;
  mm_arena *a;
} append_ctx;

static int append_check(void *p, const mm_referral *stored, mm_ref_event *e, mm_diags *d) {
  append_ctx *c = p;
  return mm_ref_event_check(c->kb, stored, e, c->who, c->today, c->a, d,
                            mm_arena_printf(c->a, "%s.events[%zu]", stored->id,
                                            stored->n_events));
}

int mm_ref_pathway_append(mm_ref_store *s, const mm_kb *kb, const char *id, mm_ref_event *e,
                          mm_ref_writer who, mm_date today, mm_arena *a, mm_diags *d) {
  append_ctx c = {kb, who, today, a};
  return mm_ref_store_append(s, id, e, append_check, &c, d);
}

void mm_ref_next_of(const mm_kb *kb, const mm_referral *r, mm_ref_writer who, mm_date today,
                    mm_arena *a, mm_ref_next *out) {
  memset(out, 0, sizeof *out);
  mm_ref_view v;
  out->max_date = today;
  if (mm_ref_view_make(&v, r, a) < 0) return;
  const mm_ref_event *prev = prev_move(&v);
  out->state = prev ? prev->state : MM_RS_REFERRED;
  out->min_date = prev ? prev->date : MM_DATE_NONE;
  const mm_ref_target *t = mm_ref_kb_target(mm_kb_referral(kb), r->target);
  if (who == MM_REF_BY_HUB)
    for (int s = 0; s < MM_RS_COUNT; s++)
      if (mm_ref_move_allowed(prev ? (int)prev->state : -1, (mm_ref_state)s,
                              t && t->bispecific))
        out->next[out->n_next++] = (mm_ref_state)s;
  out->kinds[out->n_kinds++] = MM_RK_NOTE;
  if (who == MM_REF_BY_SPOKE) return;
  out->kinds[out->n_kinds++] = MM_RK_CORRECTION;
  if (reached(&v, MM_RS_ELIGIBLE)) out->kinds[out->n_kinds++] = MM_RK_BRIDGING;
  if (reached(&v, MM_RS_APHERESIS) && !(t && t->bispecific))
    out->kinds[out->n_kinds++] = MM_RK_LYMPHODEPLETION;
  if (v.infused_on != MM_DATE_NONE) {
    out->kinds[out->n_kinds++] = MM_RK_PRODUCT;
    out->kinds[out->n_kinds++] = MM_RK_VISIT;
    out->kinds[out->n_kinds++] = MM_RK_CRS;
    out->kinds[out->n_kinds++] = MM_RK_ICANS;
  }
}

void mm_ref_next_json(mm_strbuf *b, const mm_kb *kb, const mm_ref_next *n, mm_lang lang) {
  const mm_ref_kb *rk = mm_kb_referral(kb);
  char lo[11] = "", hi[11];
  if (n->min_date != MM_DATE_NONE) mm_date_format(n->min_date, lo);
  mm_date_format(n->max_date, hi);
  mm_strbuf_printf(b, "{\"state\":\"%s\",\"dates\":{\"min\":", mm_ref_state_name(n->state));
  if (*lo) mm_strbuf_printf(b, "\"%s\"", lo);
  else mm_strbuf_puts(b, "null");
  mm_strbuf_printf(b, ",\"max\":\"%s\"},\"next\":[", hi);
  for (size_t i = 0; i < n->n_next; i++) {
    mm_strbuf_printf(b, "%s{\"state\":\"%s\",\"label\":", i ? "," : "",
                     mm_ref_state_name(n->next[i]));
    mm_strbuf_json_string(b, mm_ref_text_in(&rk->states[n->next[i]], lang));
    mm_strbuf_printf(b, ",\"needs_reason\":%s}",
                     mm_ref_state_needs_reason(n->next[i]) ? "true" : "false");
  }
  mm_strbuf_puts(b, "],\"records\":[");
  for (size_t i = 0; i < n->n_kinds; i++)
    mm_strbuf_printf(b, "%s\"%s\"", i ? "," : "", mm_ref_kind_name(n->kinds[i]));
  mm_strbuf_puts(b, "]}");
}
