/* api.c: the router of the HTTP API and what every endpoint shares: access
 * control by token and role, problem+json (RFC 9457) errors with field
 * paths, query and body helpers, and the route table: the one list of the
 * endpoints, which the index (GET /api/v1) and the 405 Allow lists read.
 * The endpoints are in api_*.c.
 *
 * Access (docs/http-api.md#access): a bearer token names a centre and a
 * role. Evaluation endpoints (evaluate, facts, scores, screen, kb, CDS
 * Hooks) take any token, or none when the server runs with
 * --open-evaluate; referrals take hub or spoke tokens (a spoke sees only
 * its own centre's); the funnel takes any token (a spoke's counts only
 * the referrals its centre made). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "auth/jwt.h"
#include "auth/token_cache.h"
#include "auth/token_store.h"
#include "referral/store.h"
#include "server/api.h"
#include "web/assets.h"

/* Who may call a route (mm_route.access). */
enum {
  A_PUBLIC = 1,     /* no token needed (page, health, CDS discovery) */
  A_OPEN_EVAL = 2,  /* no token needed with --open-evaluate */
  A_HUB = 4,
  A_SPOKE = 8,
  A_ANALYST = 16,
  A_ANY = A_HUB | A_SPOKE | A_ANALYST
};

/* The endpoints, said once (api.h, mm_route). ORDER: routing order, and
 * the order GET /api/v1 lists them in. */
static const mm_route routes[] = {
    {"GET", "/api/v1", A_PUBLIC, mm_ep_index, NULL, NULL, NULL},
    {"GET", "/api/v1/health", A_PUBLIC, mm_ep_health, NULL, NULL, "liveness and versions"},
    {"GET", "/api/v1/me", A_OPEN_EVAL | A_ANY, mm_ep_me, NULL, NULL,
     "the caller's centre and role"},
    {"GET", "/api/v1/examples", A_OPEN_EVAL | A_ANY, mm_ep_examples, NULL, NULL,
     "the demo patients (mmpath/patient@1)"},
    {"POST", "/api/v1/evaluate", A_OPEN_EVAL | A_ANY, mm_ep_evaluate, NULL,
     "lang=it|en&jurisdiction=eu|us|it&format=json|html|text|compact",
     "evaluate one patient record (mmpath/patient@1)"},
    {"POST", "/api/v1/facts", A_OPEN_EVAL | A_ANY, mm_ep_facts, NULL, "lang=it|en",
     "derived facts of one record"},
    {"POST", "/api/v1/fhir/import", A_OPEN_EVAL | A_ANY, mm_ep_fhir_import, NULL,
     "as_of=&lang=it|en",
     "a FHIR R4 Bundle (mCODE) as an mmpath/patient@1 record"},
    {"POST", "/api/v1/screen", A_OPEN_EVAL | A_ANY, mm_ep_screen, NULL, "jurisdiction=eu|us|it",
     "screen a JSON Lines body, one record a line"},
    {"GET", "/api/v1/screen-files", A_HUB | A_ANALYST, mm_ep_screen_files, NULL, NULL,
     "registry files of serve --screen-dir"},
    {"GET", "/api/v1/scores", A_OPEN_EVAL | A_ANY, mm_ep_scores, NULL, NULL,
     "the scores and their inputs"},
    {"POST", "/api/v1/scores/{}", A_OPEN_EVAL | A_ANY, mm_ep_score, "name", NULL,
     "compute one score from named inputs"},
    {"GET", "/api/v1/kb", A_OPEN_EVAL | A_ANY, mm_ep_kb, NULL, NULL,
     "knowledge base version and counts"},
    {"GET", "/api/v1/kb/{}", A_OPEN_EVAL | A_ANY, mm_ep_kb_section,
     "drugs|regimens|guidelines|therapies|trials", NULL, "knowledge base entries"},
    {"GET", "/api/v1/referrals", A_HUB | A_SPOKE, mm_ep_referrals, NULL,
     "state=&to_center=&from_center=&limit=&after=",
     "referrals visible to the token, a page in id order"},
    {"POST", "/api/v1/referrals", A_HUB | A_SPOKE, mm_ep_referral_new, NULL, NULL,
     "create a referral (mmpath/referral@1)"},
    {"GET", "/api/v1/referrals/{}", A_HUB | A_SPOKE, mm_ep_referral, "id", NULL,
     "one referral with its events"},
    {"POST", "/api/v1/referrals/{}/events", A_HUB | A_SPOKE, mm_ep_referral_event, "id", NULL,
     "move a referral or add a record (moves and records: hub; notes: spoke too)"},
    {"GET", "/api/v1/referrals/{}/next", A_HUB | A_SPOKE, mm_ep_referral_next, "id",
     "lang=it|en", "the moves, record kinds and dates the caller may record next"},
    {"GET", "/api/v1/referrals/{}/letter", A_HUB | A_SPOKE, mm_ep_referral_letter, "id",
     "lang=it|en", "the letter to the referring centre after infusion (HTML)"},
    {"GET", "/api/v1/registry-export", A_HUB | A_SPOKE, mm_ep_registry_export, NULL,
     "format=json|csv&id=&to_center=&from_center=", "EBMT / CIBMTR rows of infused patients"},
    {"GET", "/api/v1/referral-vocabulary", A_OPEN_EVAL | A_ANY, mm_ep_referral_vocab, NULL,
     "lang=it|en", "states, reasons, products, moves"},
    {"GET", "/api/v1/funnel", A_HUB | A_SPOKE | A_ANALYST, mm_ep_funnel, NULL,
     "to_center=&since=&until=&from_center=&format=json|svg&lang=", "the funnel report"},
    {"GET", "/cds-services", A_PUBLIC, mm_ep_cds_discovery, NULL, NULL, "CDS Hooks discovery"},
    {"POST", "/cds-services/mmpath-options", A_OPEN_EVAL | A_ANY, mm_ep_cds_options, NULL,
     "lang=it|en&jurisdiction=eu|us|it",
     "CDS Hooks service: patient-view, order-select, order-sign"},
    {"POST", "/cds-services/mmpath-options/feedback", A_OPEN_EVAL | A_ANY, mm_ep_cds_feedback,
     NULL, NULL, "CDS Hooks card feedback"},
    {"GET", "/cds-services/evaluations/{}", A_PUBLIC, mm_ep_cds_evaluation, "id", NULL,
     "the evaluation page a CDS card links to (kept a few minutes)"},
    {NULL, NULL, 0, NULL, NULL, NULL, NULL}};

const mm_route *mm_api_routes(void) { return routes; }

size_t mm_api_body_limit(const mm_api *api, const char *method, const char *path) {
  if (strcmp(method, "POST") == 0 && strcmp(path, "/api/v1/screen") == 0)
    return api->limits.max_screen_body;
  if (api->cds_max_body && strcmp(method, "POST") == 0 && strncmp(path, "/cds-services/", 14) == 0)
    return api->cds_max_body;
  return api->limits.max_body;
}

/* ---- helpers for the endpoints ---- */

const char *mm_api_lang(mm_call *c) {
  const char *lang = mm_request_query(c->req, "lang");
  if (!lang || !*lang) return "en";
  if (strcmp(lang, "it") == 0 || strcmp(lang, "en") == 0) return lang;
  mm_problem1(c->out, 400, "bad-parameter", "Invalid query parameter", "query.lang",
              mm_arena_printf(c->req->arena, "'%s' is not a language: use it or en", lang));
  return NULL;
}

const char *mm_api_format(mm_call *c, const char *const *allowed) {
  const char *f = mm_request_query(c->req, "format");
  if (!f || !*f) return allowed[0];
  for (size_t i = 0; allowed[i]; i++)
    if (strcmp(f, allowed[i]) == 0) return allowed[i];
  mm_strbuf list;
  mm_strbuf_init(&list, 256);
  for (size_t i = 0; allowed[i]; i++) {
    if (i) mm_strbuf_puts(&list, ", ");
    mm_strbuf_puts(&list, allowed[i]);
  }
  mm_problem1(c->out, 400, "bad-parameter", "Invalid query parameter", "query.format",
              mm_arena_printf(c->req->arena, "'%s' is not a format: use %s", f,
                              list.data ? list.data : ""));
  mm_strbuf_free(&list);
  return NULL;
}

mm_json *mm_api_json_body(mm_call *c) {
  const char *ct = c->req->content_type;
  if (ct && strncasecmp(ct, "application/json", 16) != 0 &&
      strncasecmp(ct, "application/fhir+json", 21) != 0 &&
      strncasecmp(ct, "text/plain", 10) != 0) {
    mm_problem1(c->out, 415, "unsupported-media-type", "Unsupported media type",
                "header.Content-Type",
                mm_arena_printf(c->req->arena, "'%s': send application/json", ct));
    return NULL;
  }
  if (!c->req->body || c->req->body_len == 0) {
    mm_problem1(c->out, 400, "invalid-json", "Invalid JSON body", "body",
                "the request has no body: send one JSON object");
    return NULL;
  }
  mm_json_error err;
  mm_json *v = mm_json_parse(c->req->arena, c->req->body, c->req->body_len, &err);
  if (!v) {
    if (c->req->arena->failed) {
      mm_api_internal(c, "out of memory parsing the body");
      return NULL;
    }
    mm_problem1(c->out, 400, "invalid-json", "Invalid JSON body", "body",
                mm_arena_printf(c->req->arena, "line %d, column %d: %s", err.line, err.col,
                                err.text));
    return NULL;
  }
  return v;
}

void mm_api_json_ok(mm_call *c, int status) {
  c->out->status = status;
  c->out->content_type = "application/json";
}

void mm_api_internal(mm_call *c, const char *detail) {
  mm_problem(c->out, 500, "internal", "Internal error", detail, NULL, 0);
}

void mm_api_not_implemented(mm_call *c, const char *what) {
  mm_problem(c->out, 501, "not-implemented", "Not implemented",
             mm_arena_printf(c->req->arena, "%s is not in this build yet", what), NULL, 0);
}

void mm_api_storage_unavailable(mm_call *c, const char *detail) {
  mm_problem(c->out, 503, "storage-unavailable", "Storage unavailable", detail, NULL, 0);
  c->out->retry_after = "30";
}

void mm_api_invalid_record(mm_call *c, const mmpath_problems *problems, const char *title,
                           const char *prefix) {
  size_t n = mmpath_problems_count(problems);
  mm_kv *errs = mm_arena_alloc(c->req->arena, (n ? n : 1) * sizeof *errs);
  const char **codes = mm_arena_alloc(c->req->arena, (n ? n : 1) * sizeof *codes);
  if (!errs || !codes) {
    mm_api_internal(c, "out of memory");
    return;
  }
  for (size_t i = 0; i < n; i++) {
    const mmpath_problem *p = mmpath_problems_get(problems, i);
    const char *path = mmpath_problem_path(p), *msg = mmpath_problem_message(p);
    if (mmpath_problem_line(p) > 0)
      msg = mm_arena_printf(c->req->arena, "%s (line %d, column %d)", msg, mmpath_problem_line(p),
                            mmpath_problem_column(p));
    errs[i].key = path[0] ? mm_arena_printf(c->req->arena, "%s.%s", prefix, path) : prefix;
    errs[i].value = msg;
    codes[i] = mmpath_problem_code_name(mmpath_problem_error_code(p));
  }
  mm_problem_coded(c->out, 422, "invalid-record", title,
                   mm_arena_printf(c->req->arena, "%zu problem%s in the record", n,
                                   n == 1 ? "" : "s"),
                   errs, codes, n);
}

/* ---- routing ---- */

bool mm_api_route_match(const char *pattern, const char *path, mm_arena *a, const char **arg) {
  while (*pattern && *path) {
    if (pattern[0] == '{' && pattern[1] == '}') {
      size_t n = strcspn(path, "/");
      if (n == 0) return false;
      *arg = mm_arena_strndup(a, path, n);
      path += n;
      pattern += 2;
      continue;
    }
    if (*pattern != *path) return false;
    pattern++;
    path++;
  }
  return *pattern == '\0' && *path == '\0';
}

static const char *bearer(const char *h) {
  if (!h || strncasecmp(h, "Bearer ", 7) != 0) return NULL;
  h += 7;
  while (*h == ' ') h++;
  return *h ? h : NULL;
}

/* A CDS client's JWT (CDS Hooks 2.0, "Trusting CDS Clients"; auth/jwt.h)
 * on a CDS service: the caller is the issuer, with no role of mmpath's
 * (the services need none). Refusals are 401 with the JWT check's code. */
static bool authorize_jwt(mm_call *c, const char *token) {
  char why[256];
  mm_jwt_claims cl;
  const char *aud = mm_arena_printf(c->req->arena, "%s%s", c->api->public_url, c->req->path);
  int rc = aud ? mm_jwt_verify(c->api->cds_jwt, token, aud, time(NULL), &cl, why, sizeof why)
               : MM_JWT_ENOMEM;
  if (rc == 0) {
    c->who.center = mm_arena_strdup(c->req->arena, cl.iss);
    return true;
  }
  if (rc == MM_JWT_ENOMEM) {
    mm_api_internal(c, "out of memory checking the token");
    return false;
  }
  const char *code = mm_jwt_code(rc);
  mm_kv err = {"header.Authorization", why};
  if (rc == MM_JWT_EBUSY) {
    c->out->retry_after = "1";
    mm_problem_coded(c->out, 503, "busy", "Server busy", why, &err, &code, 1);
    return false;
  }
  c->out->www_authenticate = "Bearer realm=\"mmpath\", error=\"invalid_token\"";
  mm_problem_coded(c->out, 401, "unauthorized", "Invalid CDS client token", why, &err, &code, 1);
  return false;
}

/* A refused request's audit row (401, 403): the token when it is known,
 * what was asked. Written in its own transaction; a failure to write it does
 * not change the refusal. */
static void audit_refusal(mm_call *c, int status, const char *why) {
  mm_ref_store *s = mm_api_store(c);
  if (!s) {
    c->out->retry_after = NULL; /* the refusal replaces the store's answer */
    return;
  }
  mm_strbuf d;
  mm_strbuf_init(&d, 4096);
  mm_strbuf_puts(&d, "{\"method\":");
  mm_strbuf_json_string(&d, c->req->method);
  mm_strbuf_puts(&d, ",\"path\":");
  mm_strbuf_json_string(&d, c->req->path);
  mm_strbuf_puts(&d, ",\"why\":");
  mm_strbuf_json_string(&d, why);
  mm_strbuf_putc(&d, '}');
  mm_api_audit(c, s, status == 401 ? "auth.unauthorized" : "auth.forbidden", NULL, status,
               d.failed ? NULL : d.data);
  mm_strbuf_free(&d);
  mm_api_store_done(c, s);
}

/* Fills c->who; answers 401/403 (audited) and returns false when refused. */
static bool authorize(mm_call *c, unsigned access) {
  c->who.token_id = 0;
  c->who.center = NULL;
  c->who.role = MM_ROLE_NONE;
  if (access & A_PUBLIC) return true;
  const char *token = bearer(c->req->authorization);
  if (!token) {
    if ((access & A_OPEN_EVAL) && c->api->open_evaluate) return true;
    audit_refusal(c, 401, c->req->authorization ? "not a bearer token" : "no token");
    c->out->www_authenticate = "Bearer realm=\"mmpath\"";
    mm_problem1(c->out, 401, "unauthorized", "Token required", "header.Authorization",
                c->req->authorization ? "use 'Authorization: Bearer <token>'"
                                      : "this endpoint needs an API token "
                                        "(mmpath token new --center C --role R)");
    return false;
  }
  /* mmpath's own tokens start mmp_: anything else on a CDS service is a
   * client's JWT when clients are trusted */
  if (c->api->cds_jwt && c->api->public_url && strncmp(token, "mmp_", 4) != 0 &&
      strncmp(c->req->path, "/cds-services/", 14) == 0)
    return authorize_jwt(c, token);
  /* a token this worker accepted less than token_ttl seconds ago is not
   * read again (auth/token_cache.h: a revocation counts at most that late);
   * else the worker's (or connection's) store reads it, the open paid once */
  mm_token_cache *cache = mm_api_token_cache(c);
  mm_token_state ts = MM_TOKEN_OK;
  if (!mm_token_cache_get(cache, token, &c->who, c->req->arena)) {
    mm_ref_store *s = mm_api_store(c);
    if (!s) return false;
    int rc = mm_token_cache_check(cache, &c->who, &ts, s, token, c->req->arena);
    if (rc) {
      mm_api_store_error(c, s, rc);
      mm_api_store_done(c, s);
      return false;
    }
    mm_api_store_done(c, s);
  }
  if (ts != MM_TOKEN_OK) {
    const char *why = ts == MM_TOKEN_EXPIRED   ? "expired token"
                      : ts == MM_TOKEN_REVOKED ? "revoked token"
                                               : "unknown token";
    c->out->auth_failed = true; /* counted per address by the transport (429) */
    audit_refusal(c, 401, why);
    c->who.token_id = 0;
    c->who.center = NULL;
    c->who.role = MM_ROLE_NONE;
    c->out->www_authenticate = "Bearer realm=\"mmpath\", error=\"invalid_token\"";
    mm_problem1(c->out, 401, "unauthorized", "Invalid token", "header.Authorization",
                ts == MM_TOKEN_EXPIRED ? "expired token: ask for a new one (mmpath token new)"
                                       : "unknown or revoked token");
    return false;
  }
  c->out->token_id = c->who.token_id; /* the request log names it */
  unsigned need = c->who.role == MM_ROLE_HUB     ? A_HUB
                  : c->who.role == MM_ROLE_SPOKE ? A_SPOKE
                                                 : A_ANALYST;
  if (!(access & need)) {
    const char *why = mm_arena_printf(c->req->arena, "%s %s token cannot use %s %s",
                                      c->who.role == MM_ROLE_ANALYST ? "an" : "a",
                                      mm_role_name(c->who.role), c->req->method, c->req->path);
    audit_refusal(c, 403, why);
    mm_problem1(c->out, 403, "forbidden", "Not allowed for this role", "header.Authorization",
                why);
    return false;
  }
  return true;
}

static void serve_asset(mm_call *c) {
  const mm_asset *a = mm_asset_find(c->req->path);
  if (!a) {
    mm_problem1(c->out, 404, "not-found", "Not found", "path",
                mm_arena_printf(c->req->arena, "no page or endpoint at %s", c->req->path));
    return;
  }
  c->out->status = 200;
  c->out->content_type = a->content_type;
  c->out->static_body = a->data;
  c->out->static_len = a->len;
  c->out->cache_control = "no-cache";
}

/* CORS on the CDS Hooks service only: the CDS Hooks 2.0 spec
 * (https://cds-hooks.hl7.org/2.0/, "Cross-Origin Resource Sharing") asks a
 * service to accept browser-based CDS clients from any origin. Every answer
 * there carries Allow-Origin (errors too, so a client can read them); an
 * OPTIONS preflight is answered 204 with the methods and headers. The API
 * under /api/v1 stays same-origin (its page is served by this server). */
static const mm_cors cds_cors = {"*", NULL, NULL, NULL};
static const mm_cors cds_preflight = {"*", "GET, POST, OPTIONS", "Content-Type, Authorization",
                                      "86400"};

static bool cds_path(const char *path) {
  return strncmp(path, "/cds-services", 13) == 0 && (path[13] == '\0' || path[13] == '/');
}

/* The route of a request and the caller, decided from its headers
 * (mm_api_admit) and used by mm_api_handle once the body is in. */
typedef struct api_admitted {
  const mm_route *route;
  const char *arg;
  mm_principal who;
} api_admitted;

/* The route of (method, path), or NULL; *path_known and the Allow list as
 * routing finds them. */
static const mm_route *find_route(const mm_request *req, const char **arg, bool *path_known,
                                  mm_strbuf *allow) {
  *path_known = false;
  for (size_t i = 0; routes[i].method; i++) {
    const char *a = NULL;
    if (!mm_api_route_match(routes[i].pattern, req->path, req->arena, &a)) continue;
    *path_known = true;
    if (strcmp(routes[i].method, req->method) != 0 &&
        !(strcmp(req->method, "HEAD") == 0 && strcmp(routes[i].method, "GET") == 0)) {
      if (allow) {
        if (allow->len) mm_strbuf_puts(allow, ", ");
        mm_strbuf_puts(allow, routes[i].method);
      }
      continue;
    }
    *arg = a;
    return &routes[i];
  }
  return NULL;
}

bool mm_api_admit(const mm_api *api, const mm_request *head, mm_response *out,
                  void **admitted_out) {
  *admitted_out = NULL;
  const char *arg = NULL;
  bool path_known;
  const mm_route *r = find_route(head, &arg, &path_known, NULL);
  if (!r) return false; /* 404, 405, a page, a preflight: handle() answers */
  mm_call c = {api, head, out, {0, NULL, MM_ROLE_NONE}, arg};
  if (cds_path(head->path)) out->cors = &cds_cors;
  if (!authorize(&c, r->access)) return true;
  api_admitted *ad = mm_arena_alloc(head->arena, sizeof *ad);
  if (!ad) return false; /* handle() routes again */
  ad->route = r;
  ad->arg = arg;
  ad->who = c.who;
  *admitted_out = ad;
  return false;
}

void mm_api_handle(const mm_api *api, const mm_request *req, mm_response *out) {
  mm_call c = {api, req, out, {0, NULL, MM_ROLE_NONE}, NULL};
  bool cds = cds_path(req->path);
  if (cds) out->cors = &cds_cors;
  const api_admitted *ad = req->admitted;
  if (ad) { /* routed and authorised from the headers (mm_api_admit) */
    c.arg = ad->arg;
    c.who = ad->who;
    out->token_id = ad->who.token_id;
    ad->route->fn(&c);
    return;
  }
  mm_strbuf allow;
  mm_strbuf_init(&allow, 256);
  bool path_known;
  const mm_route *r = find_route(req, &c.arg, &path_known, &allow);
  if (r) {
    mm_strbuf_free(&allow);
    if (authorize(&c, r->access)) r->fn(&c);
    return;
  }
  if (path_known && cds && strcmp(req->method, "OPTIONS") == 0) {
    mm_strbuf_free(&allow);
    out->status = 204;
    out->cors = &cds_preflight;
    return;
  }
  if (path_known) {
    out->allow = allow.data ? mm_arena_strdup(req->arena, allow.data) : "";
    mm_strbuf_free(&allow);
    mm_problem1(out, 405, "method-not-allowed", "Method not allowed", "method",
                mm_arena_printf(req->arena, "%s is not allowed on %s (allowed: %s)",
                                req->method, req->path, out->allow));
    return;
  }
  mm_strbuf_free(&allow);
  if (strncmp(req->path, "/api/", 5) == 0 || strncmp(req->path, "/cds-services", 13) == 0) {
    mm_problem1(out, 404, "not-found", "Not found", "path",
                mm_arena_printf(req->arena, "no endpoint at %s (see GET /api/v1)", req->path));
    return;
  }
  if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
    out->allow = "GET";
    mm_problem1(out, 405, "method-not-allowed", "Method not allowed", "method",
                mm_arena_printf(req->arena, "%s is not allowed on %s", req->method,
                                req->path));
    return;
  }
  serve_asset(&c);
}

/* ---- the API as the transport's handler (http.h) ---- */

static size_t handler_body_limit(const void *ctx, const char *method, const char *path) {
  return mm_api_body_limit(ctx, method, path);
}

static bool handler_admit(const void *ctx, const mm_request *head, mm_response *out,
                          void **admitted) {
  return mm_api_admit(ctx, head, out, admitted);
}

static void handler_handle(const void *ctx, const mm_request *req, mm_response *out) {
  mm_api_handle(ctx, req, out);
}

/* the store mm_api_store kept for the connection's requests */
static void handler_conn_close(const void *ctx, void *conn_data) {
  (void)ctx;
  mm_ref_store_free(conn_data);
}

/* a worker's handles (api_worker.c), when the server stops */
static void handler_worker_close(const void *ctx, void *worker_data) {
  (void)ctx;
  mm_api_worker_close(worker_data);
}

void mm_api_http_handler(mm_http_handler *out, const mm_api *api) {
  out->version = MM_HTTP_HANDLER_VERSION;
  out->ctx = api;
  out->body_limit = handler_body_limit;
  out->admit = handler_admit;
  out->handle = handler_handle;
  out->conn_close = handler_conn_close;
  out->worker_close = handler_worker_close;
}
