/* api_pathway.c: the pathway beyond the spec's moves over HTTP
 * (src/referral/pathway.h, docs/http-api.md#referrals):
 *   GET /api/v1/referrals/{id}/next     what the caller may record next
 *                                       (states, record kinds, date window)
 *   GET /api/v1/referrals/{id}/letter   the letter to the spoke (HTML)
 *   GET /api/v1/registry-export         EBMT / CIBMTR rows (JSON or CSV)
 * and the event write shared with api_referrals.c (mm_api_pathway_event):
 * a move or a record, checked inside the write transaction.
 *
 * Access is the referrals' (api_referrals.c): a spoke sees only what its
 * centre referred, and another centre's referral answers 404 as a missing
 * one does. */
#include <string.h>

#include "auth/token_store.h"
#include "referral/pathway.h"
#include "referral/store.h"
#include "server/api.h"

/* The registry, kept open per worker thread (api.c); answers itself on
 * failure. Given back with mm_api_store_done, never freed here. */
static mm_ref_store *open_store(mm_call *c) {
  if (!c->api->ref_kb || !c->api->kb) {
    mm_api_not_implemented(c, "the referral registry (kb not loaded)");
    return NULL;
  }
  return mm_api_store(c);
}

static bool visible(const mm_call *c, const mm_referral *r) {
  if (c->who.role == MM_ROLE_HUB) return true;
  return c->who.role == MM_ROLE_SPOKE && c->who.center && r->from_center &&
         strcmp(c->who.center, r->from_center) == 0;
}

static mm_ref_writer writer(const mm_call *c) {
  return c->who.role == MM_ROLE_HUB ? MM_REF_BY_HUB : MM_REF_BY_SPOKE;
}

static void not_found(mm_call *c) {
  mm_problem1(c->out, 404, "not-found", "No such referral", "path",
              mm_arena_printf(c->req->arena, "no referral '%s'", c->arg));
}

/* The referral of the path, visible to the caller, or NULL after answering. */
static mm_referral *get_visible(mm_call *c, mm_ref_store *s) {
  mm_referral *r = NULL;
  int rc = mm_ref_store_get(s, c->req->arena, c->arg, &r);
  if (rc == MM_REF_ENOTFOUND || (rc == MM_REF_OK && !visible(c, r))) {
    not_found(c);
    return NULL;
  }
  if (rc) {
    mm_api_internal(c, "the referral registry failed");
    return NULL;
  }
  return r;
}

void mm_ep_referral_next(mm_call *c) {
  const char *lang = mm_api_lang(c);
  if (!lang) return;
  mm_ref_store *s = open_store(c);
  if (!s) return;
  mm_referral *r = get_visible(c, s);
  if (r) {
    mm_ref_next n;
    mm_ref_next_of(c->api->kb, r, writer(c), mm_ref_today(), c->req->arena, &n);
    mm_ref_next_json(&c->out->body, c->api->kb, &n,
                     strcmp(lang, "it") == 0 ? MM_LANG_IT : MM_LANG_EN);
    mm_strbuf_putc(&c->out->body, '\n');
    mm_api_json_ok(c, 200);
  }
  mm_api_store_done(c, s);
}

static void diags_422(mm_call *c, const mm_diags *d, const char *slug, const char *title) {
  mm_kv *es = mm_arena_alloc(c->req->arena, (d->errors ? d->errors : 1) * sizeof *es);
  size_t k = 0;
  for (const mm_diag *x = d->head; x && es; x = x->next) {
    if (x->level != MM_DIAG_ERROR) continue;
    es[k].key = x->path ? x->path : "body";
    es[k].value = x->text;
    k++;
  }
  mm_problem(c->out, 422, slug, title, k ? es[0].value : NULL, es, k);
}

void mm_ep_referral_letter(mm_call *c) {
  const char *lang = mm_api_lang(c);
  if (!lang) return;
  mm_ref_store *s = open_store(c);
  if (!s) return;
  mm_referral *r = get_visible(c, s);
  if (r) {
    mm_diags d;
    mm_diags_init(&d, c->req->arena);
    int rc = mm_ref_letter_html(&c->out->body, c->api->kb, r,
                                strcmp(lang, "it") == 0 ? MM_LANG_IT : MM_LANG_EN,
                                mm_ref_today(), c->req->arena, &d);
    if (rc == MM_REF_EINVALID) {
      mm_strbuf_clear(&c->out->body);
      diags_422(c, &d, "not-infused", "No letter yet");
    } else if (rc) {
      mm_api_internal(c, "the letter could not be written");
    } else {
      c->out->content_type = "text/html; charset=utf-8";
      c->out->csp = "default-src 'none'; style-src 'unsafe-inline'";
      c->out->status = 200;
    }
  }
  mm_api_store_done(c, s);
}

typedef struct export_ctx {
  mm_call *c;
  mm_ref_export *x;
} export_ctx;

static int export_visit(void *p, const mm_referral *r) {
  export_ctx *e = p;
  if (!visible(e->c, r)) return 0;
  return mm_ref_export_add(e->x, r);
}

void mm_ep_registry_export(mm_call *c) {
  static const char *const formats[] = {"json", "csv", NULL};
  const char *fmt = mm_api_format(c, formats);
  if (!fmt) return;
  mm_ref_filter f = MM_REF_FILTER_ALL;
  f.id = mm_request_query(c->req, "id");
  f.to_center = mm_request_query(c->req, "to_center");
  f.from_center = mm_request_query(c->req, "from_center");
  if (f.id && !*f.id) f.id = NULL;
  if (f.to_center && !*f.to_center) f.to_center = NULL;
  if (f.from_center && !*f.from_center) f.from_center = NULL;
  if (c->who.role == MM_ROLE_SPOKE) {
    if (f.from_center && strcmp(f.from_center, c->who.center) != 0) {
      mm_problem1(c->out, 403, "forbidden", "Not allowed for this role", "query.from_center",
                  "a spoke token exports only the patients its own centre referred");
      return;
    }
    f.from_center = c->who.center;
  }
  mm_ref_store *s = open_store(c);
  if (!s) return;
  mm_diags d;
  mm_diags_init(&d, c->req->arena);
  mm_ref_export *x = NULL;
  if (mm_ref_export_new(&x, c->api->kb, c->req->arena, &d) != MM_REF_OK) {
    mm_api_internal(c, "kb/pathway.yaml (the registry field map) is not loaded");
  } else {
    export_ctx e = {c, x};
    int rc = mm_ref_store_foreach(s, &f, export_visit, &e);
    if (rc) {
      mm_api_internal(c, "the referral registry failed");
    } else if (strcmp(fmt, "csv") == 0) {
      mm_ref_export_csv(&c->out->body, x);
      c->out->content_type = "text/csv; charset=utf-8";
      c->out->status = 200;
    } else {
      mm_ref_export_json(&c->out->body, x);
      mm_api_json_ok(c, 200);
    }
  }
  mm_api_store_done(c, s);
}

/* ---- the event write (POST /api/v1/referrals/{id}/events) ---- */

int mm_api_pathway_event(mm_call *c, const mm_json *body, mm_ref_event *e, char **detail) {
  *detail = NULL;
  const mm_json *k = mm_json_get(body, "kind"), *dv = mm_json_get(body, "data");
  if (mm_json_present(k)) {
    if (k->type != MM_JSON_STRING) {
      mm_problem1(c->out, 422, "invalid-referral", "Invalid event", "body.kind",
                  "a record kind (string)");
      return -1;
    }
    e->kind = k->str;
  }
  if (mm_json_present(dv)) {
    if (dv->type != MM_JSON_OBJECT) {
      mm_problem1(c->out, 422, "invalid-referral", "Invalid event", "body.data",
                  "the record's data is an object");
      return -1;
    }
    mm_strbuf b;
    mm_strbuf_init(&b, 0);
    mm_json_write(&b, dv);
    e->data = mm_arena_strdup(c->req->arena, b.data ? b.data : "{}");
    mm_strbuf_free(&b);
  }
  if (!e->kind && e->state == MM_RS_COUNT) {
    mm_problem1(c->out, 422, "invalid-referral", "Invalid event", "body.state", "required");
    return -1;
  }
  if (c->who.role != MM_ROLE_HUB && !e->kind) {
    mm_problem1(c->out, 403, "forbidden", "Not allowed for this role", "body.state",
                "a spoke opens a referral and adds notes (kind 'note'); the hub moves it");
    return -1;
  }
  if (c->who.role != MM_ROLE_HUB && strcmp(e->kind, "note") != 0) {
    mm_problem1(c->out, 403, "forbidden", "Not allowed for this role", "body.kind",
                mm_arena_printf(c->req->arena,
                                "a spoke adds notes; '%s' records are the hub's", e->kind));
    return -1;
  }
  mm_ref_store *s = open_store(c);
  if (!s) return -1;
  /* a spoke writes only to what it sees; the hub sees everything */
  if (c->who.role != MM_ROLE_HUB) {
    mm_referral *r = NULL;
    int g = mm_ref_store_get(s, c->req->arena, c->arg, &r);
    if (g == MM_REF_ENOTFOUND || (g == MM_REF_OK && !visible(c, r))) {
      not_found(c);
      mm_api_store_done(c, s);
      return -1;
    }
  }
  if (e->kind && e->state == MM_RS_COUNT) e->state = MM_RS_REFERRED; /* set by the check */
  if (e->kind && strcmp(e->kind, "correction") == 0 && e->data) {
    /* who corrects: the token, written into the correction by the server */
    if (mm_json_get(dv, "who")) {
      mm_problem1(c->out, 422, "invalid-referral", "Invalid event", "body.data.who",
                  "who corrects is the caller's token, set by the server");
      mm_api_store_done(c, s);
      return -1;
    }
    mm_strbuf w;
    mm_strbuf_init(&w, 0);
    size_t n = strlen(e->data);
    mm_strbuf_add(&w, e->data, n - 1);
    mm_strbuf_puts(&w, n > 2 ? ",\"who\":" : "\"who\":");
    mm_strbuf_json_string(&w, e->actor ? e->actor : "unknown");
    mm_strbuf_putc(&w, '}');
    e->data = mm_arena_strdup(c->req->arena, w.data ? w.data : "{}");
    mm_strbuf_free(&w);
  }
  mm_diags d;
  mm_diags_init(&d, c->req->arena);
  /* the audit row is written in the event's own transaction, by this token */
  mm_ref_who who = mm_principal_who(&c->who);
  mm_ref_store_set_who(s, &who);
  int rc = mm_ref_pathway_append(s, c->api->kb, c->arg, e, writer(c), mm_ref_today(),
                                 c->req->arena, &d);
  if (rc == MM_REF_ENOTFOUND) {
    not_found(c);
  } else if (rc == MM_REF_EINVALID) {
    /* "<id>.events[n].<field>" as the body's field */
    mm_kv *es = mm_arena_alloc(c->req->arena, (d.errors ? d.errors : 1) * sizeof *es);
    size_t n = 0;
    for (const mm_diag *x = d.head; x && es; x = x->next) {
      if (x->level != MM_DIAG_ERROR) continue;
      const char *p = x->path ? strstr(x->path, "].") : NULL;
      es[n].key = p ? mm_arena_printf(c->req->arena, "body.%s", p + 2) : "body";
      es[n].value = x->text;
      n++;
    }
    mm_problem(c->out, 422, e->kind ? "record-refused" : "move-refused",
               e->kind ? "Record refused" : "Move refused", n ? es[0].value : NULL, es, n);
  } else if (rc) {
    mm_api_store_error(c, s, rc);
  } else {
    char date[11];
    mm_date_format(e->date, date);
    mm_strbuf b;
    mm_strbuf_init(&b, 0);
    mm_strbuf_printf(&b, "{\"date\":\"%s\",\"state\":\"%s\"", date, mm_ref_state_name(e->state));
    if (e->reason) {
      mm_strbuf_puts(&b, ",\"reason\":");
      mm_strbuf_json_string(&b, e->reason);
    }
    if (e->kind) {
      mm_strbuf_puts(&b, ",\"kind\":");
      mm_strbuf_json_string(&b, e->kind);
      mm_strbuf_printf(&b, ",\"data\":%s", e->data ? e->data : "null");
    }
    mm_strbuf_putc(&b, '}');
    *detail = mm_arena_strdup(c->req->arena, b.data ? b.data : "{}");
    mm_strbuf_free(&b);
  }
  mm_api_store_done(c, s);
  return rc ? -1 : 0;
}

mm_json *mm_api_with_placeholder_id(mm_call *c, mm_json *body) {
  mm_json *copy = mm_arena_alloc(c->req->arena, sizeof *copy);
  mm_json *id = mm_arena_alloc(c->req->arena, sizeof *id);
  mm_json_member *m = mm_arena_alloc(c->req->arena, (body->len + 1) * sizeof *m);
  if (!copy || !id || !m) return body;
  *copy = *body;
  memset(id, 0, sizeof *id);
  id->type = MM_JSON_STRING;
  id->str = "ISSUED-0001"; /* replaced by the store's issued id */
  id->len = strlen(id->str);
  id->line = body->line;
  id->col = body->col;
  memcpy(m, body->members, body->len * sizeof *m);
  m[body->len] = (mm_json_member){"id", 2, id};
  copy->members = m;
  copy->len = body->len + 1;
  return copy;
}
