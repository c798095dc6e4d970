/* api_referrals.c: the referral registry over HTTP (src/referral/store.h):
 * list, create, read, move (append an event), and the funnel report.
 *
 * Who sees what: a hub token every referral; a spoke token only the
 * referrals its centre made (from_center), and another centre's referral
 * answers 404 exactly as a missing one does, so nothing leaks, not even its
 * existence; an analyst token only the funnel (aggregates), which a spoke
 * gets too but counting only its own centre's referrals. Moves are for
 * hub tokens. Every change is audited (token id, centre, role) in its own
 * transaction by the store; every read of a referral or a list is audited
 * before it is answered; GET /api/v1/referrals/{id} shows the changes'
 * audit rows as "audit". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/token_store.h"
#include "referral/funnel.h"
#include "referral/pathway.h"
#include "referral/records.h"
#include "referral/store.h"
#include "server/api.h"

void mm_api_store_error(mm_call *c, mm_ref_store *s, int rc) {
  const char *msg = s ? mm_ref_store_errmsg(s) : NULL;
  switch (rc) {
  case MM_REF_ENOMEM: mm_api_internal(c, "out of memory"); return;
  case MM_REF_EBUSY:
    c->out->retry_after = "1";
    mm_problem(c->out, 503, "busy", "Database busy",
               msg && *msg ? msg : "other writers hold the database: try again", NULL, 0);
    return;
  case MM_REF_EFULL:
    mm_problem(c->out, 503, "storage-full", "Storage full",
               "the database's disk is full: nothing was stored; the operator must free "
               "space", NULL, 0);
    return;
  case MM_REF_EREADONLY:
    mm_problem(c->out, 503, "storage-read-only", "Storage read-only",
               "the database cannot be written (read-only file, mount or server): nothing "
               "was stored", NULL, 0);
    return;
  default:
    /* the operator's log says what failed; the client gets no SQL */
    fprintf(stderr, "mmpath serve: %s %s: the database failed: %s (%s)\n", c->req->method,
            c->req->path, msg ? msg : "", mm_ref_strerror(rc));
    mm_api_internal(c, "the database failed");
    return;
  }
}

int mm_api_audit(mm_call *c, mm_ref_store *s, const char *action, const char *object,
                 int status, const char *detail) {
  mm_ref_who who = mm_principal_who(&c->who);
  mm_ref_store_set_who(s, &who);
  int rc = mm_ref_store_audit(s, action, object, status, detail);
  mm_ref_store_set_who(s, NULL);
  return rc;
}

/* The registry, kept open per worker thread (api.c); answers itself on
 * failure. Given back with release_store, never freed here. */
static mm_ref_store *open_store(mm_call *c) {
  if (!c->api->ref_kb) {
    mm_api_not_implemented(c, "the referral registry (kb/referral.yaml not loaded)");
    return NULL;
  }
  return mm_api_store(c);
}

static void release_store(mm_call *c, mm_ref_store *s) { mm_api_store_done(c, s); }

static void store_error(mm_call *c, mm_ref_store *s, int rc) { mm_api_store_error(c, s, rc); }

/* The diagnostics as a 422 problem, each path prefixed by `prefix`. */
static void diags_problem(mm_call *c, const mm_diags *d, const char *prefix,
                          const char *title) {
  mm_kv *errs = mm_arena_alloc(c->req->arena, (d->errors ? d->errors : 1) * sizeof *errs);
  size_t n = 0;
  for (const mm_diag *x = d->head; x && errs; x = x->next) {
    if (x->level != MM_DIAG_ERROR) continue;
    const char *p = x->path ? x->path : "";
    errs[n].key = !*p ? prefix
                  : p[0] == '[' ? mm_arena_printf(c->req->arena, "%s%s", prefix, p)
                                : mm_arena_printf(c->req->arena, "%s.%s", prefix, p);
    errs[n].value = x->text;
    n++;
  }
  mm_problem(c->out, 422, "invalid-referral", title,
             n == 1 ? errs[0].value
                    : mm_arena_printf(c->req->arena, "%zu problems in the request", n),
             errs, n);
}

static bool visible(const mm_call *c, const mm_referral *r) {
  if (c->who.role == MM_ROLE_HUB) return true;
  return c->who.role == MM_ROLE_SPOKE && c->who.center && r->from_center &&
         strcmp(c->who.center, r->from_center) == 0;
}

static void audit_json(mm_strbuf *b, mm_call *c, const char *id);

/* One referral: the mmpath/referral@1 object plus its current state and the
 * date of its last event; with_audit adds who changed it (api_audit). */
static void referral_json_ex(mm_strbuf *b, const mm_referral *r, mm_call *with_audit) {
  mm_strbuf tmp;
  mm_strbuf_init(&tmp, 0);
  mm_referral_to_json(&tmp, r, -1);
  if (tmp.failed || tmp.len < 2) {
    b->failed = true;
    mm_strbuf_free(&tmp);
    return;
  }
  mm_strbuf_add(b, tmp.data, tmp.len - 1); /* without the closing brace */
  mm_strbuf_free(&tmp);
  if (r->n_events) {
    const mm_ref_event *last = &r->events[r->n_events - 1];
    char date[11];
    mm_date_format(last->date, date);
    mm_strbuf_printf(b, ",\"state\":\"%s\",\"updated\":\"%s\"",
                     mm_ref_state_name(mm_ref_current_state(r)), date);
  }
  if (with_audit) audit_json(b, with_audit, r->id);
  mm_strbuf_putc(b, '}');
}

static void referral_json(mm_strbuf *b, const mm_referral *r) { referral_json_ex(b, r, NULL); }

typedef struct audit_ctx {
  mm_strbuf *b;
  size_t n;
} audit_ctx;

static int audit_row(void *p, const mm_ref_audit *a) {
  audit_ctx *x = p;
  mm_strbuf *b = x->b;
  if (strcmp(a->action, "referral.read") == 0) return 0; /* changes only */
  mm_strbuf_puts(b, x->n++ ? ",{\"at\":" : "{\"at\":");
  mm_strbuf_json_string(b, a->at);
  if (!a->who.token_id) mm_strbuf_puts(b, ",\"token\":null");
  else mm_strbuf_printf(b, ",\"token\":%lld", a->who.token_id);
  mm_strbuf_puts(b, ",\"center\":");
  mm_strbuf_json_string(b, a->who.center);
  mm_strbuf_puts(b, ",\"role\":");
  mm_strbuf_json_string(b, a->who.role);
  mm_strbuf_puts(b, ",\"user\":");
  mm_strbuf_json_string(b, a->who.user);
  mm_strbuf_puts(b, ",\"action\":");
  mm_strbuf_json_string(b, a->action);
  /* the detail of a move is its event as JSON */
  if (a->detail && a->detail[0] == '{' && strncmp(a->action, "referral.", 9) == 0 &&
      strcmp(a->action, "referral.create") != 0 && strcmp(a->action, "referral.import") != 0) {
    mm_strbuf_puts(b, ",\"event\":");
    mm_strbuf_puts(b, a->detail);
  }
  mm_strbuf_putc(b, '}');
  return b->failed ? MM_REF_ENOMEM : 0;
}

/* "audit": the changes of this referral, oldest first: when, which token
 * (id, centre, role) or which user of the command line, what. Reads are
 * audited too but not listed here. */
static void audit_json(mm_strbuf *b, mm_call *c, const char *id) {
  mm_strbuf_puts(b, ",\"audit\":[");
  mm_ref_store *s = mm_api_store(c);
  if (s) {
    mm_ref_audit_filter f = {0};
    f.action = "referral.";
    f.object = id;
    audit_ctx x = {b, 0};
    mm_ref_store_audit_foreach(s, &f, audit_row, &x);
    mm_api_store_done(c, s);
  }
  mm_strbuf_putc(b, ']');
}

/* Who is recording, stored with each event in the same transaction. */
static const char *actor(mm_call *c) {
  if (!c->who.token_id) return "anonymous (open server)";
  return mm_arena_printf(c->req->arena, "%s %s token %lld", c->who.center ? c->who.center : "?",
                         mm_role_name(c->who.role), c->who.token_id);
}

/* The writes that follow are audited with the caller's token. */
static void set_who(mm_call *c, mm_ref_store *s, mm_ref_who *who) {
  *who = mm_principal_who(&c->who);
  mm_ref_store_set_who(s, who);
}

/* ---- GET /api/v1/referrals ---- */

/* A page: at most LIST_LIMIT_MAX referrals, LIST_LIMIT when unsaid. */
#define LIST_LIMIT 100
#define LIST_LIMIT_MAX 1000
#define LIST_MORE 1 /* list_visit's stop: the page is full and one more exists */

typedef struct list_ctx {
  mm_call *c;
  mm_strbuf *b;
  int state; /* -1: any */
  size_t n;
  size_t limit;
  const char *last; /* the page's last id (in the request's arena) */
} list_ctx;

static int list_visit(void *ctx, const mm_referral *r) {
  list_ctx *l = ctx;
  if (!visible(l->c, r)) return 0;
  if (l->n == l->limit) return LIST_MORE; /* fetched one past the page */
  l->last = mm_arena_strdup(l->c->req->arena, r->id);
  if (l->state >= 0 && (!r->n_events || (int)r->events[r->n_events - 1].state != l->state))
    return 0;
  if (l->n++) mm_strbuf_putc(l->b, ',');
  referral_json(l->b, r);
  return l->b->failed ? MM_REF_ENOMEM : 0;
}

static bool query_date(mm_call *c, const char *key, mm_date *out) {
  const char *v = mm_request_query(c->req, key);
  *out = MM_DATE_NONE;
  if (!v || !*v) return true;
  if (mm_date_parse(v, strlen(v), out)) return true;
  mm_problem1(c->out, 400, "bad-parameter", "Invalid query parameter",
              mm_arena_printf(c->req->arena, "query.%s", key),
              mm_arena_printf(c->req->arena, "'%s' is not a date YYYY-MM-DD", v));
  return false;
}

void mm_ep_referrals(mm_call *c) {
  mm_ref_filter f = MM_REF_FILTER_ALL;
  f.to_center = mm_request_query(c->req, "to_center");
  f.from_center = mm_request_query(c->req, "from_center");
  f.patient = mm_request_query(c->req, "patient");
  if (!query_date(c, "since", &f.since) || !query_date(c, "until", &f.until)) return;
  if (c->who.role == MM_ROLE_SPOKE) {
    if (f.from_center && strcmp(f.from_center, c->who.center) != 0) {
      mm_problem1(c->out, 403, "forbidden", "Not allowed for this role", "query.from_center",
                  "a spoke token sees only the referrals its own centre made");
      return;
    }
    f.from_center = c->who.center;
  }
  list_ctx l = {c, &c->out->body, -1, 0, LIST_LIMIT, NULL};
  const char *st = mm_request_query(c->req, "state");
  if (st && *st) {
    mm_ref_state s;
    if (!mm_ref_state_parse(st, &s)) {
      mm_problem1(c->out, 400, "bad-parameter", "Invalid query parameter", "query.state",
                  mm_arena_printf(c->req->arena, "'%s' is not a referral state", st));
      return;
    }
    l.state = (int)s;
    f.state = mm_ref_state_name(s);
  }
  const char *lim = mm_request_query(c->req, "limit");
  if (lim && *lim) {
    char *end;
    unsigned long v = strtoul(lim, &end, 10);
    if (*end || lim[0] == '-' || lim[0] == '+' || v < 1 || v > LIST_LIMIT_MAX) {
      mm_problem1(c->out, 400, "bad-parameter", "Invalid query parameter", "query.limit",
                  mm_arena_printf(c->req->arena, "'%s': limit is a whole number from 1 to %d",
                                  lim, LIST_LIMIT_MAX));
      return;
    }
    l.limit = v;
  }
  const char *after = mm_request_query(c->req, "after");
  if (after && *after) f.after = after;
  f.limit = l.limit + 1; /* one more tells whether there is a next page */
  mm_ref_store *s = open_store(c);
  if (!s) return;
  size_t total = 0;
  int rc = mm_ref_store_count(s, &f, &total);
  mm_strbuf_puts(l.b, "{\"referrals\":[");
  if (!rc) rc = mm_ref_store_foreach(s, &f, list_visit, &l);
  bool more = rc == LIST_MORE;
  if (more) rc = 0;
  /* a list shows pseudonyms: audited like a read, answered only once its
   * audit row is written */
  if (!rc) {
    mm_strbuf q;
    mm_strbuf_init(&q, 0);
    mm_strbuf_printf(&q, "{\"count\":%zu", l.n);
    const char *keys[] = {"to_center", "from_center", "patient", "state",
                          "since",     "until",       "after",   "limit"};
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
      const char *v = mm_request_query(c->req, keys[k]);
      if (!v || !*v) continue;
      mm_strbuf_printf(&q, ",\"%s\":", keys[k]);
      mm_strbuf_json_string(&q, v);
    }
    mm_strbuf_putc(&q, '}');
    rc = q.failed ? MM_REF_ENOMEM : mm_api_audit(c, s, "referral.list", NULL, 200, q.data);
    mm_strbuf_free(&q);
  }
  if (rc) {
    mm_strbuf_clear(l.b);
    store_error(c, s, rc);
  } else {
    mm_strbuf_printf(l.b, "],\"count\":%zu,\"total\":%zu,\"next\":", l.n, total);
    if (more) mm_strbuf_json_string(l.b, l.last);
    else mm_strbuf_puts(l.b, "null");
    mm_strbuf_puts(l.b, "}\n");
    mm_api_json_ok(c, 200);
  }
  release_store(c, s);
}

/* ---- GET /api/v1/referrals/{id} ---- */

static void not_found(mm_call *c) {
  mm_problem1(c->out, 404, "not-found", "No such referral", "path",
              mm_arena_printf(c->req->arena, "no referral '%s'", c->arg));
}

void mm_ep_referral(mm_call *c) {
  mm_ref_store *s = open_store(c);
  if (!s) return;
  mm_referral *r = NULL;
  int rc = mm_ref_store_get(s, c->req->arena, c->arg, &r);
  if (rc == MM_REF_ENOTFOUND || (rc == MM_REF_OK && !visible(c, r))) {
    /* a try at another centre's referral is worth knowing about */
    mm_api_audit(c, s, "referral.read", c->arg, 404, NULL);
    not_found(c);
  } else if (rc) {
    store_error(c, s, rc);
  } else if ((rc = mm_api_audit(c, s, "referral.read", c->arg, 200, NULL)) != 0) {
    store_error(c, s, rc); /* no unaudited read */
  } else {
    referral_json_ex(&c->out->body, r, c);
    mm_strbuf_putc(&c->out->body, '\n');
    mm_api_json_ok(c, 200);
  }
  release_store(c, s);
}

/* ---- POST /api/v1/referrals ---- */

/* Added key `evaluation` (docs/http-api.md): taken out of the body before
 * the referral is read (mmpath/referral@1 has no such key) and checked by
 * its record schema; stored as the referral's first record, kind
 * "evaluation", in the same write. 0, or -1 after answering. */
static int take_evaluation(mm_call *c, mm_json *body, mm_diags *d, const char **data) {
  *data = NULL;
  const mm_json *ev = body->type == MM_JSON_OBJECT ? mm_json_get(body, "evaluation") : NULL;
  if (!ev) return 0;
  size_t k = 0;
  for (size_t i = 0; i < body->len; i++)
    if (strcmp(body->members[i].key, "evaluation") != 0) body->members[k++] = body->members[i];
  body->len = k;
  mm_ref_record_info info;
  if (mm_ref_record_canon(c->api->kb, MM_RK_EVALUATION, ev, c->req->arena, d, "evaluation",
                          &info) != 0) {
    diags_problem(c, d, "body", "Invalid referral");
    return -1;
  }
  *data = info.data;
  return 0;
}

void mm_ep_referral_new(mm_call *c) {
  mm_json *body = mm_api_json_body(c);
  if (!body) return;
  if (!c->api->ref_kb) {
    mm_api_not_implemented(c, "the referral registry");
    return;
  }
  mm_diags d;
  mm_diags_init(&d, c->req->arena);
  mm_referral r;
  memset(&r, 0, sizeof r);
  /* Ids are issued by the server (mm_ref_store_create_issued): a spoke never
   * chooses one, and a hub's own id that cannot be used gets the same answer
   * whatever the reason, so nothing about other referrals leaks. */
  bool issued = body->type == MM_JSON_OBJECT && !mm_json_get(body, "id");
  if (!issued && c->who.role != MM_ROLE_HUB) {
    mm_problem1(c->out, 422, "invalid-referral", "Invalid referral", "body.id",
                "referral ids are issued by the server: leave 'id' out");
    return;
  }
  const char *evaluation = NULL;
  if (take_evaluation(c, body, &d, &evaluation) < 0) return;
  if (issued) body = mm_api_with_placeholder_id(c, body);
  if (mm_referral_from_json(&r, c->req->arena, body, &d, NULL, "") != 0 ||
      d.errors) {
    diags_problem(c, &d, "body", "Invalid referral");
    return;
  }
  if (c->who.role == MM_ROLE_SPOKE &&
      (!r.from_center || strcmp(r.from_center, c->who.center) != 0)) {
    mm_problem1(c->out, 403, "forbidden", "Not allowed for this role", "body.from_center",
                mm_arena_printf(c->req->arena,
                                "a spoke token of %s can only make referrals from %s",
                                c->who.center, c->who.center));
    return;
  }
  /* a spoke opens a referral: one 'referred' event; the hub moves it */
  if (c->who.role != MM_ROLE_HUB && (r.n_events != 1 || r.events[0].kind)) {
    mm_problem1(c->out, 403, "forbidden", "Not allowed for this role", "body.events",
                "a spoke opens a referral with its one 'referred' event; the hub moves it");
    return;
  }
  mm_date today = mm_ref_today();
  for (size_t i = 0; i < r.n_events; i++) {
    if (!r.events[i].actor) r.events[i].actor = actor(c);
    if (r.events[i].date > today) {
      char x[11];
      mm_date_format(r.events[i].date, x);
      mm_problem1(c->out, 422, "invalid-referral", "Referral refused",
                  mm_arena_printf(c->req->arena, "body.events[%zu].date", i),
                  mm_arena_printf(c->req->arena,
                                  "date %s is after today (the centre's time zone)", x));
      return;
    }
    if (r.events[i].kind) {
      mm_problem1(c->out, 422, "invalid-referral", "Referral refused",
                  mm_arena_printf(c->req->arena, "body.events[%zu].kind", i),
                  "records are added with POST /api/v1/referrals/{id}/events");
      return;
    }
  }
  if (evaluation) { /* right after the 'referred' event, keeping its state and date */
    mm_ref_event *evs = mm_arena_alloc(c->req->arena, (r.n_events + 1) * sizeof *evs);
    if (!evs) {
      mm_api_internal(c, "out of memory");
      return;
    }
    evs[0] = r.events[0];
    evs[1] = (mm_ref_event){.date = r.events[0].date, .state = r.events[0].state,
                            .actor = r.events[0].actor, .kind = "evaluation", .data = evaluation};
    for (size_t i = 1; i < r.n_events; i++) evs[i + 1] = r.events[i];
    r.events = evs;
    r.n_events++;
  }
  mm_ref_store *s = open_store(c);
  if (!s) return;
  mm_ref_who who;
  set_who(c, s, &who); /* the audit row, in the create's transaction */
  int rc;
  if (issued) {
    int y, m, dd;
    mm_date_to_ymd(today, &y, &m, &dd);
    rc = mm_ref_store_create_issued(s, &r,
                                    mm_arena_printf(c->req->arena, "%s-%d", r.from_center, y),
                                    c->req->arena, &d);
  } else {
    rc = mm_ref_store_create(s, &r, &d);
  }
  if (rc == MM_REF_EEXISTS) {
    /* the same answer as any id that cannot be used */
    mm_problem1(c->out, 422, "invalid-referral", "Invalid referral", "body.id",
                "this id cannot be used: leave 'id' out and the server issues one");
  } else if (rc == MM_REF_EINVALID) {
    diags_problem(c, &d, "body", "Referral refused");
  } else if (rc) {
    store_error(c, s, rc);
  } else {
    c->out->location = mm_arena_printf(c->req->arena, "/api/v1/referrals/%s", r.id);
    referral_json(&c->out->body, &r);
    mm_strbuf_putc(&c->out->body, '\n');
    mm_api_json_ok(c, 201);
  }
  release_store(c, s);
}

/* ---- POST /api/v1/referrals/{id}/events ---- */

void mm_ep_referral_event(mm_call *c) {
  mm_json *body = mm_api_json_body(c);
  if (!body) return;
  mm_kv errs[8];
  size_t n = 0;
  mm_ref_event e = {MM_DATE_NONE, MM_RS_COUNT, NULL, NULL, NULL, NULL, NULL};
  e.actor = actor(c);
  if (body->type != MM_JSON_OBJECT) {
    mm_problem1(c->out, 422, "invalid-referral", "Invalid event", "body",
                "an event is an object {date, state, reason, note}");
    return;
  }
  for (size_t i = 0; i < body->len && n < 8; i++) {
    const char *k = body->members[i].key;
    const mm_json *v = body->members[i].value;
    const char *path = mm_arena_printf(c->req->arena, "body.%s", k);
    bool is_str = v->type == MM_JSON_STRING;
    if (strcmp(k, "date") == 0) {
      if (!is_str || !mm_date_parse(v->str, v->len, &e.date))
        errs[n++] = (mm_kv){path, "a date YYYY-MM-DD"};
    } else if (strcmp(k, "state") == 0) {
      if (!is_str || !mm_ref_state_parse(v->str, &e.state))
        errs[n++] = (mm_kv){path, "not a referral state (see /api/v1/referral-vocabulary)"};
    } else if (strcmp(k, "reason") == 0) {
      if (v->type == MM_JSON_NULL) continue;
      if (!is_str) errs[n++] = (mm_kv){path, "a reason id (string)"};
      else e.reason = v->str;
    } else if (strcmp(k, "note") == 0) {
      if (v->type == MM_JSON_NULL) continue;
      if (!is_str || v->len > 500) errs[n++] = (mm_kv){path, "a text of at most 500 bytes"};
      else e.note = v->str;
    } else if (strcmp(k, "kind") != 0 && strcmp(k, "data") != 0) {
      errs[n++] = (mm_kv){path, "unknown key: an event has date, state, reason, note, kind "
                                "and data"};
    }
  }
  e.date = e.date == MM_DATE_NONE ? mm_ref_today() : e.date;
  if (n) {
    mm_problem(c->out, 422, "invalid-referral", "Invalid event",
               n == 1 ? errs[0].value : "several problems in the event", errs, n);
    return;
  }
  /* the write: moves and records through the pathway check (api_pathway.c) */
  char *detail = NULL;
  if (mm_api_pathway_event(c, body, &e, &detail) == 0) {
    /* its audit row was written in the event's transaction (store.c) */
    mm_ref_store *s = open_store(c);
    if (!s) return;
    mm_referral *r = NULL;
    if (mm_ref_store_get(s, c->req->arena, c->arg, &r) == MM_REF_OK) {
      referral_json(&c->out->body, r);
      mm_strbuf_putc(&c->out->body, '\n');
      c->out->location = mm_arena_printf(c->req->arena, "/api/v1/referrals/%s", c->arg);
      mm_api_json_ok(c, 201);
    } else {
      mm_api_internal(c, "the referral was moved but cannot be read back");
    }
    release_store(c, s);
  }
}

/* ---- GET /api/v1/funnel ---- */

void mm_ep_funnel(mm_call *c) {
  static const char *const formats[] = {"json", "svg", "html", "text", NULL};
  const char *lang = mm_api_lang(c);
  if (!lang) return;
  const char *fmt = mm_api_format(c, formats);
  if (!fmt) return;
  mm_ref_filter f = MM_REF_FILTER_ALL;
  f.to_center = mm_request_query(c->req, "to_center");
  f.from_center = mm_request_query(c->req, "from_center");
  if (f.from_center && !*f.from_center) f.from_center = NULL;
  if (c->who.role == MM_ROLE_SPOKE) {
    /* a spoke's funnel: the referrals its centre made, to any hub */
    if (f.from_center && strcmp(f.from_center, c->who.center) != 0) {
      mm_problem1(c->out, 403, "forbidden", "Not allowed for this role", "query.from_center",
                  "a spoke token counts only the referrals its own centre made");
      return;
    }
    f.from_center = c->who.center;
    if (f.to_center && !*f.to_center) f.to_center = NULL;
  } else if (!f.to_center || !*f.to_center) {
    f.to_center = c->who.center; /* a hub's (or its analyst's) own funnel */
  }
  if (!query_date(c, "since", &f.since) || !query_date(c, "until", &f.until)) return;
  if (f.since != MM_DATE_NONE && f.until != MM_DATE_NONE && f.until < f.since) {
    mm_problem1(c->out, 400, "bad-parameter", "Invalid query parameter", "query.until",
                "until is before since");
    return;
  }
  mm_ref_store *s = open_store(c);
  if (!s) return;
  mm_funnel *fn = NULL;
  if (mm_funnel_new(&fn, c->api->ref_kb, &f) != MM_REF_OK) {
    mm_api_internal(c, "out of memory");
  } else {
    /* the counts kept as events are written (funnel.h): no walk */
    int rc = mm_funnel_kept(fn, s, &f);
    if (rc) {
      store_error(c, s, rc);
    } else {
      mm_funnel_finish(fn);
      mm_lang lg = strcmp(lang, "it") == 0 ? MM_LANG_IT : MM_LANG_EN;
      mm_strbuf *b = &c->out->body;
      if (strcmp(fmt, "json") == 0) {
        mm_funnel_json(b, fn);
        c->out->content_type = "application/json";
      } else if (strcmp(fmt, "svg") == 0) {
        mm_funnel_svg(b, fn, lg);
        c->out->content_type = "image/svg+xml";
        c->out->csp = "default-src 'none'; style-src 'unsafe-inline'";
      } else if (strcmp(fmt, "html") == 0) {
        mm_funnel_html(b, fn, lg);
        c->out->content_type = "text/html; charset=utf-8";
        c->out->csp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
      } else {
        mm_funnel_text(b, fn, lg);
        c->out->content_type = "text/plain; charset=utf-8";
      }
      c->out->status = 200;
    }
  }
  mm_funnel_free(fn);
  release_store(c, s);
}
