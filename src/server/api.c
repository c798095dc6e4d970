/* api.c: the router of the HTTP API and what every endpoint shares: access
 * control by token and role, problem+json (RFC 9457) errors with field
 * paths, query and body helpers. The endpoints are in api_*.c.
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
#include <unistd.h>

#include "server/api.h"
#include "auth/token_store.h"

/* Who may call a route. */
enum {
  A_PUBLIC = 1,     /* no token needed (page, health, CDS discovery) */
  A_OPEN_EVAL = 2,  /* no token needed with --open-evaluate */
  A_HUB = 4,
  A_SPOKE = 8,
  A_ANALYST = 16,
  A_ANY = A_HUB | A_SPOKE | A_ANALYST
};

typedef struct route {
  const char *method, *pattern; /* "{}" matches one path segment */
  unsigned access;
  mm_handler fn;
} route;

static const route routes[] = {
    {"GET", "/api/v1", A_PUBLIC, mm_ep_index},
    {"GET", "/api/v1/health", A_PUBLIC, mm_ep_health},
    {"GET", "/api/v1/me", A_OPEN_EVAL | A_ANY, mm_ep_me},
    {"GET", "/api/v1/examples", A_OPEN_EVAL | A_ANY, mm_ep_examples},
    {"POST", "/api/v1/evaluate", A_OPEN_EVAL | A_ANY, mm_ep_evaluate},
    {"POST", "/api/v1/facts", A_OPEN_EVAL | A_ANY, mm_ep_facts},
    {"POST", "/api/v1/fhir/import", A_OPEN_EVAL | A_ANY, mm_ep_fhir_import},
    {"POST", "/api/v1/screen", A_OPEN_EVAL | A_ANY, mm_ep_screen},
    {"GET", "/api/v1/scores", A_OPEN_EVAL | A_ANY, mm_ep_scores},
    {"POST", "/api/v1/scores/{}", A_OPEN_EVAL | A_ANY, mm_ep_score},
    {"GET", "/api/v1/kb", A_OPEN_EVAL | A_ANY, mm_ep_kb},
    {"GET", "/api/v1/kb/{}", A_OPEN_EVAL | A_ANY, mm_ep_kb_section},
    {"GET", "/api/v1/referrals", A_HUB | A_SPOKE, mm_ep_referrals},
    {"POST", "/api/v1/referrals", A_HUB | A_SPOKE, mm_ep_referral_new},
    {"GET", "/api/v1/referrals/{}", A_HUB | A_SPOKE, mm_ep_referral},
    {"POST", "/api/v1/referrals/{}/events", A_HUB, mm_ep_referral_event},
    {"GET", "/api/v1/referral-vocabulary", A_OPEN_EVAL | A_ANY, mm_ep_referral_vocab},
    {"GET", "/api/v1/funnel", A_HUB | A_SPOKE | A_ANALYST, mm_ep_funnel},
    {"GET", "/cds-services", A_PUBLIC, mm_ep_cds_discovery},
    {"POST", "/cds-services/mmpath-options", A_OPEN_EVAL | A_ANY, mm_ep_cds_options},
    {"POST", "/cds-services/mmpath-options/feedback", A_OPEN_EVAL | A_ANY, mm_ep_cds_feedback},
};

const char *mm_role_name(mm_role r) {
  switch (r) {
  case MM_ROLE_HUB: return "hub";
  case MM_ROLE_SPOKE: return "spoke";
  case MM_ROLE_ANALYST: return "analyst";
  case MM_ROLE_NONE: break;
  }
  return "none";
}

bool mm_role_parse(const char *s, mm_role *out) {
  if (!s) return false;
  if (strcmp(s, "hub") == 0) *out = MM_ROLE_HUB;
  else if (strcmp(s, "spoke") == 0) *out = MM_ROLE_SPOKE;
  else if (strcmp(s, "analyst") == 0) *out = MM_ROLE_ANALYST;
  else return false;
  return true;
}

void mm_response_init(mm_response *r, size_t max) {
  memset(r, 0, sizeof *r);
  r->status = 200;
  r->pipe_fd = -1;
  mm_strbuf_init(&r->body, max);
}

void mm_response_free(mm_response *r) {
  mm_strbuf_free(&r->body);
  if (r->pipe_fd >= 0) close(r->pipe_fd);
  r->pipe_fd = -1;
}

void mm_problem(mm_response *r, int status, const char *slug, const char *title,
                const char *detail, const mm_kv *errors, size_t n_errors) {
  mm_problem_coded(r, status, slug, title, detail, errors, NULL, n_errors);
}

void mm_problem_coded(mm_response *r, int status, const char *slug, const char *title,
                      const char *detail, const mm_kv *errors, const char *const *codes,
                      size_t n_errors) {
  mm_strbuf *b = &r->body;
  mm_strbuf_clear(b);
  b->failed = false;
  r->status = status;
  r->content_type = "application/problem+json";
  r->static_body = NULL;
  mm_strbuf_puts(b, "{\"type\":");
  char type[96];
  snprintf(type, sizeof type, "urn:mmpath:problem:%s", slug);
  mm_strbuf_json_string(b, type);
  mm_strbuf_puts(b, ",\"title\":");
  mm_strbuf_json_string(b, title);
  mm_strbuf_printf(b, ",\"status\":%d", status);
  if (detail) {
    mm_strbuf_puts(b, ",\"detail\":");
    mm_strbuf_json_string(b, detail);
  }
  mm_strbuf_puts(b, ",\"errors\":[");
  for (size_t i = 0; i < n_errors; i++) {
    mm_strbuf_puts(b, i ? ",{\"path\":" : "{\"path\":");
    mm_strbuf_json_string(b, errors[i].key);
    mm_strbuf_puts(b, ",\"message\":");
    mm_strbuf_json_string(b, errors[i].value);
    if (codes && codes[i]) {
      mm_strbuf_puts(b, ",\"code\":");
      mm_strbuf_json_string(b, codes[i]);
    }
    mm_strbuf_putc(b, '}');
  }
  mm_strbuf_puts(b, "]}\n");
}

void mm_problem1(mm_response *r, int status, const char *slug, const char *title,
                 const char *path, const char *message) {
  mm_kv e = {path, message};
  mm_problem(r, status, slug, title, message, &e, 1);
}

const char *mm_request_query(const mm_request *req, const char *key) {
  const char *v = NULL;
  for (size_t i = 0; i < req->n_query; i++)
    if (strcmp(req->query[i].key, key) == 0) v = req->query[i].value;
  return v;
}

size_t mm_api_body_limit(const mm_api *api, const char *method, const char *path) {
  if (strcmp(method, "POST") == 0 && strcmp(path, "/api/v1/screen") == 0)
    return api->limits.max_screen_body;
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

struct sqlite3 *mm_api_db(mm_call *c) {
  sqlite3 *db = NULL;
  char err[256];
  if (mm_store_open(&db, c->api->db_path, err, sizeof err) != 0) {
    mm_api_internal(c, "the database cannot be opened");
    return NULL;
  }
  return db;
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

/* Matches path against pattern; *arg gets the {} segment. */
static bool match(const char *pattern, const char *path, mm_arena *a, const char **arg) {
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

/* Fills c->who; answers 401/403 and returns false when refused. */
static bool authorize(mm_call *c, unsigned access) {
  c->who.token_id = 0;
  c->who.center = NULL;
  c->who.role = MM_ROLE_NONE;
  if (access & A_PUBLIC) return true;
  const char *token = bearer(c->req->authorization);
  if (!token) {
    if ((access & A_OPEN_EVAL) && c->api->open_evaluate) return true;
    c->out->www_authenticate = "Bearer realm=\"mmpath\"";
    mm_problem1(c->out, 401, "unauthorized", "Token required", "header.Authorization",
                c->req->authorization ? "use 'Authorization: Bearer <token>'"
                                      : "this endpoint needs an API token "
                                        "(mmpath token new --center C --role R)");
    return false;
  }
  /* one read-only handle per connection: a keep-alive client pays the
   * open once; each check is still its own read, so a revocation counts
   * from the next request */
  sqlite3 *db = c->req->conn_db ? *c->req->conn_db : NULL;
  if (!db && mm_store_open_ro(&db, c->api->db_path) != 0) {
    mm_api_internal(c, "the token store cannot be opened");
    return false;
  }
  int rc = mm_store_token_check(&c->who, db, token, c->req->arena);
  if (c->req->conn_db) *c->req->conn_db = db;
  else mm_store_close(db);
  if (rc < 0) {
    mm_api_internal(c, "the token store cannot be read");
    return false;
  }
  if (rc > 0) {
    c->out->www_authenticate = "Bearer realm=\"mmpath\", error=\"invalid_token\"";
    mm_problem1(c->out, 401, "unauthorized", "Invalid token", "header.Authorization",
                "unknown or revoked token");
    return false;
  }
  unsigned need = c->who.role == MM_ROLE_HUB     ? A_HUB
                  : c->who.role == MM_ROLE_SPOKE ? A_SPOKE
                                                 : A_ANALYST;
  if (!(access & need)) {
    mm_problem1(c->out, 403, "forbidden", "Not allowed for this role", "header.Authorization",
                mm_arena_printf(c->req->arena, "a %s token cannot use %s %s",
                                mm_role_name(c->who.role), c->req->method, c->req->path));
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

void mm_api_handle(const mm_api *api, const mm_request *req, mm_response *out) {
  mm_call c = {api, req, out, {0, NULL, MM_ROLE_NONE}, NULL};
  bool path_known = false;
  mm_strbuf allow;
  mm_strbuf_init(&allow, 256);
  for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
    const char *arg = NULL;
    if (!match(routes[i].pattern, req->path, req->arena, &arg)) continue;
    path_known = true;
    if (strcmp(routes[i].method, req->method) != 0 &&
        !(strcmp(req->method, "HEAD") == 0 && strcmp(routes[i].method, "GET") == 0)) {
      if (allow.len) mm_strbuf_puts(&allow, ", ");
      mm_strbuf_puts(&allow, routes[i].method);
      continue;
    }
    mm_strbuf_free(&allow);
    c.arg = arg;
    if (authorize(&c, routes[i].access)) routes[i].fn(&c);
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
