/* test_server.c: the server without sockets: SHA-256 (FIPS 180-4 test
 * vectors), the token store (hashed, revocable), and the router's access
 * control, problem+json errors, limits and kb endpoints, called the way
 * http.c calls them. The HTTP side is tested by tests/cli/server_api.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "json/json.h"
#include "kb/kb.h"
#include "server/api.h"
#include "auth/sha256.h"
#include "auth/token_store.h"
#include <sqlite3.h>

/* FIPS 180-4 examples (NIST CSRC "SHA256.pdf"): "abc", the 448-bit
 * message, and the empty string. */
static void sha256_vectors(void **state) {
  (void)state;
  char hex[65];
  mm_sha256_hex(hex, "abc", 3);
  assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  mm_sha256_hex(hex, m, strlen(m));
  assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  mm_sha256_hex(hex, "", 0);
  assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  /* one million 'a', fed in uneven pieces */
  mm_sha256 c;
  mm_sha256_init(&c);
  char block[1001];
  memset(block, 'a', sizeof block);
  for (int i = 0; i < 1000; i++) mm_sha256_update(&c, block, (size_t)(i % 2 ? 999 : 1001));
  unsigned char d[32];
  mm_sha256_final(&c, d);
  assert_int_equal(d[0], 0xcd);
  assert_int_equal(d[31], 0xd0);
}

typedef struct fixture {
  char dir[64], db[96];
  mm_kb *kb;
  mm_arena diag_arena;
  mm_api api;
  char hub[MM_TOKEN_LEN + 1], spoke[MM_TOKEN_LEN + 1], analyst[MM_TOKEN_LEN + 1];
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  snprintf(f->dir, sizeof f->dir, "/tmp/mmpath-test-server-XXXXXX");
  if (!mkdtemp(f->dir)) return -1;
  snprintf(f->db, sizeof f->db, "%s/t.db", f->dir);
  mm_arena_init(&f->diag_arena, 4096);
  mm_diags d;
  mm_diags_init(&d, &f->diag_arena);
  /* the kb's own tests say what is wrong with it */
  if (mm_kb_load(&f->kb, test_kb_dir(), &d) != 0) return -1;
  mm_server_limits lim = MM_SERVER_LIMITS_INIT;
  f->api = (mm_api){.kb = f->kb, .ref_kb = mm_kb_referral(f->kb), .db_path = f->db, .limits = lim};
  mm_ref_store *db;
  char err[256];
  if (mm_ref_store_open(&db, f->db, NULL, err, sizeof err) != 0) {
    fprintf(stderr, "%s\n", err);
    return -1;
  }
  long long id;
  if (mm_token_new(f->hub, &id, db, "BO-SER", MM_ROLE_HUB, NULL, true, "test") ||
      mm_token_new(f->spoke, &id, db, "FE-ONC", MM_ROLE_SPOKE, NULL, true, "test") ||
      mm_token_new(f->analyst, &id, db, "BO-SER", MM_ROLE_ANALYST, NULL, false, "test"))
    return -1;
  mm_ref_store_free(db);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  char path[128];
  const char *suffix[] = {"", "-wal", "-shm"};
  for (int i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "%s%s", f->db, suffix[i]);
    unlink(path);
  }
  rmdir(f->dir);
  mm_kb_free(f->kb);
  mm_arena_free(&f->diag_arena);
  free(f);
  return 0;
}

typedef struct call {
  mm_arena arena;
  mm_response out;
  mm_json *json;
} call;

/* The answer's body, wherever the API put it (its buffer, or one it lent
 * the transport: mm_response_ext). */
static const char *body_of(const call *c, size_t *len) {
  *len = c->out.ext_body ? c->out.ext_len : c->out.body.len;
  return c->out.ext_body ? c->out.ext_body : c->out.body.data;
}

/* Routes one request on a worker (worker: its req->worker_data slot, as
 * http.c's thread pool gives; NULL: none); parses a JSON answer into
 * c->json. */
static void run_on(call *c, const mm_api *api, void **worker, const char *method,
                   const char *path, const char *token, const char *body, const mm_kv *query,
                   size_t n_query) {
  mm_arena_init(&c->arena, 16384);
  char *auth = NULL;
  if (token) auth = mm_arena_printf(&c->arena, "Bearer %s", token);
  mm_request req = {.method = method, .path = path, .query = query, .n_query = n_query,
                    .authorization = auth, .content_type = body ? "application/json" : NULL,
                    .body = body, .body_len = body ? strlen(body) : 0, .arena = &c->arena,
                    .body_fd = -1, .client = "127.0.0.1", .worker_data = worker};
  mm_response_init(&c->out, 0);
  mm_api_handle(api, &req, &c->out);
  c->json = NULL;
  size_t len;
  const char *data = body_of(c, &len);
  if (c->out.content_type && strstr(c->out.content_type, "json") && data) {
    mm_json_error err;
    c->json = mm_json_parse(&c->arena, data, len, &err);
    assert_non_null(c->json); /* every JSON answer is valid JSON */
  }
}

static void run(call *c, const mm_api *api, const char *method, const char *path,
                const char *token, const char *body, const mm_kv *query, size_t n_query) {
  run_on(c, api, NULL, method, path, token, body, query, n_query);
}

static void done(call *c) {
  mm_response_free(&c->out);
  mm_arena_free(&c->arena);
}

static const char *jstr(const mm_json *o, const char *k) {
  const mm_json *v = mm_json_get(o, k);
  return v && v->type == MM_JSON_STRING ? v->str : NULL;
}

/* RFC 9457: type, title, status; ours adds errors [{path, message}]. */
static void assert_problem(call *c, int status, const char *error_path) {
  assert_int_equal(c->out.status, status);
  assert_string_equal(c->out.content_type, "application/problem+json");
  assert_non_null(c->json);
  assert_non_null(jstr(c->json, "type"));
  assert_non_null(jstr(c->json, "title"));
  assert_int_equal(mm_json_get(c->json, "status")->integer, status);
  const mm_json *errs = mm_json_get(c->json, "errors");
  assert_non_null(errs);
  assert_int_equal(errs->type, MM_JSON_ARRAY);
  if (error_path) {
    assert_true(errs->len >= 1);
    assert_string_equal(jstr(errs->items[0], "path"), error_path);
    assert_non_null(jstr(errs->items[0], "message"));
  }
}

static int count_rows(const char *db, const char *sql, const char *arg) {
  sqlite3 *h;
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
  if (arg) sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  int n = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(h);
  return n;
}

static void tokens_hashed_and_revocable(void **state) {
  fixture *f = *state;
  /* the clear token is nowhere in the file's table, its hash is */
  char hex[65];
  mm_sha256_hex(hex, f->hub, strlen(f->hub));
  assert_int_equal(count_rows(f->db, "SELECT count(*) FROM api_tokens WHERE hash = ?", hex), 1);
  assert_int_equal(count_rows(f->db, "SELECT count(*) FROM api_tokens WHERE hash = ?", f->hub),
                   0);
  mm_ref_store *db;
  char err[256];
  assert_int_equal(mm_ref_store_open(&db, f->db, NULL, err, sizeof err), 0);
  mm_arena a;
  mm_arena_init(&a, 1024);
  mm_principal p;
  mm_token_state ts;
  assert_int_equal(mm_token_check(&p, &ts, db, f->spoke, &a), 0);
  assert_int_equal(ts, MM_TOKEN_OK);
  assert_string_equal(p.center, "FE-ONC");
  assert_int_equal(p.role, MM_ROLE_SPOKE);
  assert_int_equal(mm_token_check(&p, &ts, db, "mmp_nope", &a), 0);
  assert_int_equal(ts, MM_TOKEN_UNKNOWN);
  /* a new token, revoked, no longer opens anything */
  char t[MM_TOKEN_LEN + 1];
  long long id;
  assert_int_equal(mm_token_new(t, &id, db, "PR-ONC", MM_ROLE_SPOKE, NULL, true, "test"), 0);
  assert_int_equal(mm_token_check(&p, &ts, db, t, &a), 0);
  assert_int_equal(ts, MM_TOKEN_OK);
  assert_int_equal(mm_ref_store_token_revoke(db, id), 0);
  assert_int_equal(mm_token_check(&p, &ts, db, t, &a), 0);
  assert_int_equal(ts, MM_TOKEN_REVOKED);
  assert_int_equal(mm_ref_store_token_revoke(db, id), MM_REF_ENOTFOUND);
  /* issue 18 item 4: a token past its expiry opens nothing */
  char past[32], future[32];
  mm_ref_now(past, -1);
  mm_ref_now(future, 3600);
  assert_int_equal(mm_token_new(t, &id, db, "PR-ONC", MM_ROLE_SPOKE, past, false, "test"), 0);
  assert_int_equal(mm_token_check(&p, &ts, db, t, &a), 0);
  assert_int_equal(ts, MM_TOKEN_EXPIRED);
  assert_int_equal(mm_token_new(t, &id, db, "PR-ONC", MM_ROLE_SPOKE, future, false, "test"), 0);
  assert_int_equal(mm_token_check(&p, &ts, db, t, &a), 0);
  assert_int_equal(ts, MM_TOKEN_OK);
  /* a centre that is not the network's gets no token, and nothing is stored */
  int tokens = count_rows(f->db, "SELECT count(*) FROM api_tokens", NULL);
  assert_int_equal(mm_token_new(t, &id, db, "XX-NOPE", MM_ROLE_HUB, NULL, false, "test"),
                   MM_REF_ENOTFOUND);
  assert_int_equal(count_rows(f->db, "SELECT count(*) FROM api_tokens", NULL), tokens);
  /* every token made and revoked has its audit row */
  assert_int_equal(count_rows(f->db, "SELECT count(*) FROM api_audit WHERE action = ?",
                              "token.create"), tokens);
  assert_int_equal(count_rows(f->db, "SELECT count(*) FROM api_audit WHERE action = ?",
                              "token.revoke"), 1);
  /* the audit log is append-only in the database itself */
  sqlite3 *h;
  assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
  assert_int_not_equal(sqlite3_exec(h, "DELETE FROM api_audit", NULL, NULL, NULL), SQLITE_OK);
  assert_int_not_equal(sqlite3_exec(h, "UPDATE api_audit SET action = 'x'", NULL, NULL, NULL),
                       SQLITE_OK);
  sqlite3_close(h);
  mm_arena_free(&a);
  mm_ref_store_free(db);
}

/* A worker's token cache (auth/token_cache.h, docs/deploy.md "Tokens with
 * an expiry"): a revoked token stops working once the cache's ttl is over,
 * at once without a cache, and a cached token's expiry still counts at
 * every request. */
static void token_cache_bounded(void **state) {
  fixture *f = *state;
  mm_ref_store *db;
  char err[256], revoked[MM_TOKEN_LEN + 1], expiring[MM_TOKEN_LEN + 1], soon[32];
  long long id, id2;
  assert_int_equal(mm_ref_store_open(&db, f->db, NULL, err, sizeof err), 0);
  mm_ref_now(soon, 2);
  assert_int_equal(mm_token_new(revoked, &id, db, "PR-ONC", MM_ROLE_SPOKE, NULL, true, "t"), 0);
  assert_int_equal(mm_token_new(expiring, &id2, db, "PR-ONC", MM_ROLE_SPOKE, soon, false, "t"),
                   0);
  mm_api one_s = f->api, one_min = f->api;
  one_s.token_ttl = 1;
  one_min.token_ttl = 60;
  void *w1 = NULL, *w60 = NULL;
  call c;
  run_on(&c, &one_s, &w1, "GET", "/api/v1/me", revoked, NULL, NULL, 0);
  assert_int_equal(c.out.status, 200);
  done(&c);
  run_on(&c, &one_min, &w60, "GET", "/api/v1/me", expiring, NULL, NULL, 0);
  assert_int_equal(c.out.status, 200);
  done(&c);
  assert_int_equal(mm_ref_store_token_revoke(db, id), 0);
  /* no cache (token_ttl 0): refused from the next request */
  run(&c, &f->api, "GET", "/api/v1/me", revoked, NULL, NULL, 0);
  assert_problem(&c, 401, "header.Authorization");
  done(&c);
  /* past the ttl, and past the expiry, whatever the cache holds */
  usleep(2100 * 1000);
  run_on(&c, &one_s, &w1, "GET", "/api/v1/me", revoked, NULL, NULL, 0);
  assert_problem(&c, 401, "header.Authorization");
  assert_true(c.out.auth_failed);
  done(&c);
  run_on(&c, &one_min, &w60, "GET", "/api/v1/me", expiring, NULL, NULL, 0);
  assert_problem(&c, 401, "header.Authorization");
  assert_non_null(strstr(jstr(c.json, "detail"), "expired"));
  done(&c);
  mm_api_worker_close(w1);
  mm_api_worker_close(w60);
  mm_ref_store_free(db);
}

/* POST /api/v1/evaluate on a worker answers from the worker's contexts,
 * sent without a copy: each answer is byte for byte mmpath_evaluate's
 * (docs/api.md), the full one and the compact one (format=compact),
 * however many are in flight at once (each keeps its own context until
 * the transport is done with it) and whatever came before. */
static void evaluate_on_worker(void **state) {
  fixture *f = *state;
  static const char *const files[] = {"01-second-relapse.json", "04-penta-refractory.json",
                                      "02-newly-diagnosed.json"};
  static const char *const langs[] = {"en", "it"};
  void *worker = NULL;
  call calls[6];
  char *want[6];
  for (int round = 0; round < 2; round++) {
    for (int i = 0; i < 6; i++) {
      char path[512];
      snprintf(path, sizeof path, "%s/demo/patients/%s", MMPATH_SOURCE_DIR, files[i % 3]);
      FILE *in = fopen(path, "rb");
      assert_non_null(in);
      static char record[65536];
      size_t n = fread(record, 1, sizeof record - 1, in);
      fclose(in);
      record[n] = '\0';
      /* the last one of a round: the compact answer (format=compact) */
      mm_kv q[2] = {{"lang", langs[(i + round) % 2]}, {"format", i == 5 ? "compact" : "json"}};
      run_on(&calls[i], &f->api, &worker, "POST", "/api/v1/evaluate", f->spoke, record, q, 2);
      assert_int_equal(calls[i].out.status, 200);
      assert_string_equal(calls[i].out.content_type, "application/json");
      mmpath_options o = MMPATH_OPTIONS_INIT;
      o.lang = (i + round) % 2 ? MMPATH_LANG_IT : MMPATH_LANG_EN;
      if (i == 5) o.format = MMPATH_FORMAT_COMPACT;
      assert_int_equal(mmpath_evaluate(&want[i], f->kb, record, n, &o), MMPATH_OK);
    }
    for (int i = 0; i < 6; i++) { /* all six still lent: none was overwritten */
      size_t len;
      const char *got = body_of(&calls[i], &len);
      assert_int_equal(len, strlen(want[i]));
      assert_memory_equal(got, want[i], len);
      free(want[i]);
      done(&calls[i]); /* gives the context back */
    }
  }
  /* an invalid record: 422 with the field's path, from the same check */
  call c;
  run_on(&c, &f->api, &worker, "POST", "/api/v1/evaluate", f->spoke,
         "{\"schema\":\"mmpath/patient@1\",\"id\":\"X\",\"sex\":\"x\"}", NULL, 0);
  assert_problem(&c, 422, NULL);
  done(&c);
  mm_api_worker_close(worker);
}

static int lifetimes(void) {
  long long s;
  return mm_token_parse_lifetime("90d", &s) && s == 90 * 86400 &&
         mm_token_parse_lifetime("12h", &s) && s == 12 * 3600 &&
         mm_token_parse_lifetime("never", &s) && s == 0 && !mm_token_parse_lifetime("90", &s) &&
         !mm_token_parse_lifetime("-1d", &s) && !mm_token_parse_lifetime("1y", &s) &&
         !mm_token_parse_lifetime("", &s);
}

static void token_lifetimes(void **state) {
  (void)state;
  assert_true(lifetimes());
}

/* mm_api_admit decides from the request line and headers alone (issue 18
 * item 2: "the token and the role's right to the endpoint checked from the
 * headers, before any body is read"): a refusal here is sent before the
 * transport reads one byte of the body. */
static void admit_head(call *c, const mm_api *api, const char *method, const char *path,
                       const char *token, bool *answered, void **admitted) {
  mm_arena_init(&c->arena, 16384);
  const char *auth = token ? mm_arena_printf(&c->arena, "Bearer %s", token) : NULL;
  mm_request head = {.method = method, .path = path, .authorization = auth,
                     .arena = &c->arena, .body_fd = -1, .client = "127.0.0.1"};
  mm_response_init(&c->out, 0);
  *answered = mm_api_admit(api, &head, &c->out, admitted);
  c->json = NULL;
  if (*answered && c->out.body.data) {
    mm_json_error err;
    c->json = mm_json_parse(&c->arena, c->out.body.data, c->out.body.len, &err);
  }
}

static void admit_before_body(void **state) {
  fixture *f = *state;
  call c;
  bool answered;
  void *ad;
  /* an anonymous screening upload: 401 from the headers, not a failed
   * authentication (no token was presented) */
  admit_head(&c, &f->api, "POST", "/api/v1/screen", NULL, &answered, &ad);
  assert_true(answered);
  assert_problem(&c, 401, "header.Authorization");
  assert_false(c.out.auth_failed);
  done(&c);
  /* a wrong token: 401 and counted against the address */
  admit_head(&c, &f->api, "POST", "/api/v1/screen", "mmp_0000", &answered, &ad);
  assert_true(answered);
  assert_problem(&c, 401, "header.Authorization");
  assert_true(c.out.auth_failed);
  done(&c);
  /* a role without the right: 403, its token id named for the log */
  admit_head(&c, &f->api, "POST", "/api/v1/referrals", f->analyst, &answered, &ad);
  assert_true(answered);
  assert_problem(&c, 403, "header.Authorization");
  assert_true(c.out.token_id > 0);
  done(&c);
  /* admitted: handle() answers with the route and caller decided here */
  admit_head(&c, &f->api, "GET", "/api/v1/me", f->spoke, &answered, &ad);
  assert_false(answered);
  assert_non_null(ad);
  mm_response_free(&c.out);
  mm_request req = {.method = "GET", .path = "/api/v1/me", .arena = &c.arena, .body_fd = -1,
                    .client = "127.0.0.1", .admitted = ad};
  mm_response_init(&c.out, 0);
  mm_api_handle(&f->api, &req, &c.out);
  assert_int_equal(c.out.status, 200);
  assert_true(c.out.token_id > 0);
  mm_json_error err;
  c.json = mm_json_parse(&c.arena, c.out.body.data, c.out.body.len, &err);
  assert_string_equal(jstr(c.json, "center"), "FE-ONC");
  done(&c);
  /* no route: left to handle() (404, 405, pages) */
  admit_head(&c, &f->api, "POST", "/api/v1/nothing", NULL, &answered, &ad);
  assert_false(answered);
  assert_null(ad);
  done(&c);
}

/* Health answers whether the database takes a write (issue 18 item 5:
 * "/api/v1/health checks that the database answers writes"). A full disk
 * and a read-only database, on both backends, are checked end to end by
 * tests/cli/store_errors.sh (503 storage-full / storage-read-only). */
static void health_checks_writes(void **state) {
  fixture *f = *state;
  call c;
  run(&c, &f->api, "GET", "/api/v1/health", NULL, NULL, NULL, 0);
  assert_int_equal(c.out.status, 200);
  assert_string_equal(jstr(c.json, "database"), "writable");
  done(&c);
}

static void access_control(void **state) {
  fixture *f = *state;
  call c;
  /* no token: 401 naming the header, with a Bearer challenge */
  run(&c, &f->api, "GET", "/api/v1/kb", NULL, NULL, NULL, 0);
  assert_problem(&c, 401, "header.Authorization");
  assert_non_null(c.out.www_authenticate);
  done(&c);
  /* --open-evaluate: evaluation-side endpoints open, referrals not */
  mm_api open = f->api;
  open.open_evaluate = true;
  run(&c, &open, "GET", "/api/v1/me", NULL, NULL, NULL, 0);
  assert_int_equal(c.out.status, 200);
  assert_int_equal(mm_json_get(c.json, "role")->type, MM_JSON_NULL);
  done(&c);
  run(&c, &open, "GET", "/api/v1/referrals", NULL, NULL, NULL, 0);
  assert_problem(&c, 401, "header.Authorization");
  done(&c);
  /* unknown token */
  run(&c, &f->api, "GET", "/api/v1/kb", "mmp_0000", NULL, NULL, 0);
  assert_problem(&c, 401, "header.Authorization");
  done(&c);
  /* an analyst sees aggregates only */
  run(&c, &f->api, "GET", "/api/v1/referrals", f->analyst, NULL, NULL, 0);
  assert_problem(&c, 403, "header.Authorization");
  done(&c);
  /* a spoke cannot move referrals (it may add notes: issue 14) nor count
   * another centre's */
  run(&c, &f->api, "POST", "/api/v1/referrals/D-1/events", f->spoke,
      "{\"date\":\"2026-01-02\",\"state\":\"waitlisted\"}", NULL, 0);
  assert_problem(&c, 403, "body.state");
  done(&c);
  mm_kv other[] = {{"from_center", "PR-ONC"}};
  run(&c, &f->api, "GET", "/api/v1/funnel", f->spoke, NULL, other, 1);
  assert_problem(&c, 403, "query.from_center");
  done(&c);
  /* who am I */
  run(&c, &f->api, "GET", "/api/v1/me", f->spoke, NULL, NULL, 0);
  assert_int_equal(c.out.status, 200);
  assert_string_equal(jstr(c.json, "center"), "FE-ONC");
  assert_string_equal(jstr(c.json, "role"), "spoke");
  done(&c);
}

static void routing_errors(void **state) {
  fixture *f = *state;
  call c;
  run(&c, &f->api, "GET", "/api/v1/nothing", f->hub, NULL, NULL, 0);
  assert_problem(&c, 404, "path");
  done(&c);
  run(&c, &f->api, "DELETE", "/api/v1/referrals", f->hub, NULL, NULL, 0);
  assert_problem(&c, 405, "method");
  assert_string_equal(c.out.allow, "GET, POST");
  done(&c);
  mm_kv q[] = {{"lang", "fr"}};
  run(&c, &f->api, "GET", "/api/v1/kb/drugs", f->hub, NULL, q, 1);
  assert_problem(&c, 400, "query.lang");
  done(&c);
  run(&c, &f->api, "GET", "/api/v1/kb/dogs", f->hub, NULL, NULL, 0);
  assert_problem(&c, 404, "path");
  done(&c);
  /* body caps: screen takes a registry, everything else a record */
  assert_int_equal(mm_api_body_limit(&f->api, "POST", "/api/v1/evaluate"), (size_t)1 << 20);
  assert_int_equal(mm_api_body_limit(&f->api, "POST", "/api/v1/screen"), (size_t)64 << 20);
  /* the page itself */
  run(&c, &f->api, "GET", "/", NULL, NULL, NULL, 0);
  assert_int_equal(c.out.status, 200);
  assert_non_null(c.out.static_body);
  assert_non_null(strstr(c.out.content_type, "text/html"));
  done(&c);
  run(&c, &f->api, "POST", "/index.html", NULL, "{}", NULL, 0);
  assert_problem(&c, 405, "method");
  done(&c);
  /* A query or path that is not UTF-8 once percent-decoded (libmicrohttpd
   * decodes %ff to the byte): the problem that echoes it is still JSON
   * (run() parses it). Found by tests/fuzz/http.c. */
  mm_kv bad[] = {{"lang", "\xff\xc3("}};
  run(&c, &f->api, "GET", "/api/v1/kb/drugs", f->hub, NULL, bad, 1);
  assert_problem(&c, 400, "query.lang");
  done(&c);
  run(&c, &f->api, "GET", "/api/v1/kb/\xed\xa0\x80", f->hub, NULL, NULL, 0);
  assert_problem(&c, 404, "path");
  done(&c);
}

/* kb/vocabulary/drugs.yaml lists lenalidomide as an IMiD. */
static void kb_endpoints(void **state) {
  fixture *f = *state;
  assert_non_null(f->kb);
  call c;
  mm_kv it[] = {{"lang", "it"}};
  run(&c, &f->api, "GET", "/api/v1/kb/drugs", f->analyst, NULL, it, 1);
  assert_int_equal(c.out.status, 200);
  const mm_json *drugs = mm_json_get(c.json, "drugs");
  assert_non_null(drugs);
  bool found = false;
  for (size_t i = 0; i < drugs->len; i++)
    if (strcmp(jstr(drugs->items[i], "id"), "lenalidomide") == 0) {
      found = true;
      const mm_json *cls = mm_json_get(drugs->items[i], "classes");
      assert_true(cls->len >= 1);
      assert_string_equal(cls->items[0]->str, "imid");
    }
  assert_true(found);
  done(&c);
  run(&c, &f->api, "GET", "/api/v1/kb", f->hub, NULL, NULL, 0);
  assert_int_equal(c.out.status, 200);
  assert_string_equal(jstr(c.json, "version"), f->kb->version);
  done(&c);
  const char *sections[] = {"regimens", "guidelines", "therapies", "trials"};
  for (size_t i = 0; i < 4; i++) {
    char path[64];
    snprintf(path, sizeof path, "/api/v1/kb/%s", sections[i]);
    run(&c, &f->api, "GET", path, f->hub, NULL, NULL, 0);
    assert_int_equal(c.out.status, 200);
    assert_non_null(mm_json_get(c.json, sections[i]));
    done(&c);
  }
}

/* The whole file, NUL-terminated (malloc'd), or NULL. */
static char *read_text(const char *path) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  char *buf = NULL;
  size_t len = 0, cap = 0, n;
  char chunk[8192];
  while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
    if (len + n + 1 > cap) {
      cap = (len + n + 1) * 2;
      char *nb = realloc(buf, cap);
      if (!nb) break;
      buf = nb;
    }
    memcpy(buf + len, chunk, n);
    len += n;
  }
  fclose(fp);
  if (buf) buf[len] = '\0';
  return buf;
}

/* Whether a route of the table answers method (NULL: any) on path. */
static bool route_known(const char *method, const char *path, mm_arena *a) {
  for (const mm_route *r = mm_api_routes(); r->method; r++) {
    const char *arg = NULL;
    if ((!method || strcmp(r->method, method) == 0) &&
        mm_api_route_match(r->pattern, path, a, &arg))
      return true;
  }
  return false;
}

/* The route table is the one list of the endpoints: GET /api/v1 lists
 * every described route and nothing else, and docs/http-api.md mentions
 * every route (as `METHOD /path` or in an example's URL) and no endpoint
 * that the table lacks. */
static void routes_said_once(void **state) {
  fixture *f = *state;
  call c;
  run(&c, &f->api, "GET", "/api/v1", NULL, NULL, NULL, 0);
  assert_int_equal(c.out.status, 200);
  const mm_json *eps = mm_json_get(c.json, "endpoints");
  assert_non_null(eps);
  size_t described = 0;
  for (const mm_route *r = mm_api_routes(); r->method; r++) described += r->what != NULL;
  assert_int_equal(eps->len, described);
  for (size_t i = 0; i < eps->len; i++) {
    const char *path = jstr(eps->items[i], "path");
    char *bare = mm_arena_strndup(&c.arena, path, strcspn(path, "?"));
    if (!route_known(jstr(eps->items[i], "method"), bare, &c.arena))
      fail_msg("GET /api/v1 lists %s, which no route answers", path);
  }
  done(&c);

  char *doc = read_text(MMPATH_SOURCE_DIR "/docs/http-api.md");
  assert_non_null(doc);
  mm_arena a;
  mm_arena_init(&a, 4096);
  size_t n_routes = 0;
  for (const mm_route *r = mm_api_routes(); r->method; r++) n_routes++;
  bool *seen = calloc(n_routes, sizeof *seen);
  for (const char *p = doc; *p; p++) {
    if (strncmp(p, "/api/v1", 7) != 0 && strncmp(p, "/cds-services", 13) != 0) continue;
    size_t n = strcspn(p, "`?\"' )\n");
    const char *path = mm_arena_strndup(&a, p, n);
    const char *method = NULL;
    if (p - doc >= 5 && strncmp(p - 5, "`GET ", 5) == 0) method = "GET";
    else if (p - doc >= 6 && strncmp(p - 6, "`POST ", 6) == 0) method = "POST";
    if (!route_known(method, path, &a))
      fail_msg("docs/http-api.md names %s %s, which no route answers", method ? method : "",
               path);
    size_t k = 0;
    for (const mm_route *r = mm_api_routes(); r->method; r++, k++) {
      const char *arg = NULL;
      if ((!method || strcmp(r->method, method) == 0) &&
          mm_api_route_match(r->pattern, path, &a, &arg))
        seen[k] = true;
    }
    p += n - 1;
  }
  size_t i = 0;
  for (const mm_route *r = mm_api_routes(); r->method; r++, i++)
    if (!seen[i]) fail_msg("docs/http-api.md does not mention %s %s", r->method, r->pattern);
  free(seen);
  mm_arena_free(&a);
  free(doc);
}

/* Robustness (engineering notes §3.7, fuzz_http_api without sockets): a
 * fixed-seed stream of odd requests straight into the router. Every answer
 * must be a real status and, when it says JSON, valid JSON; never a crash
 * (run under ASan/UBSan by test.sh). */
static unsigned next_rand(unsigned *s) {
  *s = *s * 1103515245u + 12345u;
  return (*s >> 16) & 0x7fff;
}

static void router_never_breaks(void **state) {
  fixture *f = *state;
  static const char *const methods[] = {"GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", ""};
  static const char *const segs[] = {"api", "v1", "evaluate", "facts", "scores", "iss", "response",
                                     "kb", "drugs", "referrals", "D-1", "events", "funnel",
                                     "cds-services", "mmpath-options", "feedback", "fhir",
                                     "import", "me", "", "..", "%00", "index.html", "a\x01b"};
  static const char *const bodies[] = {
      NULL, "", "{", "[]", "null", "{\"id\":\"X-1\"}", "{\"id\":1}", "{\"beta2m_mg_l\":1e308}",
      "{\"state\":\"screening\",\"date\":\"2026-02-30\"}", "{\"hook\":\"patient-view\"}",
      "{\"id\":\"X\",\"lines\":[{\"regimen\":\"ZZZ\",\"start\":\"2020-01-01\"}]}",
      "\xff\xfe", "{\"a\":\"\\ud800\"}", "{\"feedback\":[{}]}", "{\"resourceType\":\"Bundle\"}"};
  static const mm_kv queries[][2] = {{{"lang", "it"}, {"format", "html"}},
                                     {{"lang", "xx"}, {"format", "svg"}},
                                     {{"jurisdiction", "us"}, {"state", "referred"}},
                                     {{"since", "2026-13-01"}, {"only", ","}}};
  const char *tokens[] = {NULL, f->hub, f->spoke, f->analyst, "mmp_bad"};
  mm_api open = f->api;
  open.open_evaluate = true;
  unsigned seed = 20261125;
  for (int i = 0; i < 600; i++) {
    char path[256] = "";
    size_t len = 0;
    int n = 1 + (int)(next_rand(&seed) % 5);
    for (int k = 0; k < n && len < 200; k++)
      len += (size_t)snprintf(path + len, sizeof path - len, "/%s",
                              segs[next_rand(&seed) % (sizeof segs / sizeof *segs)]);
    if (next_rand(&seed) % 4 == 0) snprintf(path, sizeof path, "/api/v1/%s",
                                            segs[next_rand(&seed) % (sizeof segs / sizeof *segs)]);
    const char *m = methods[next_rand(&seed) % (sizeof methods / sizeof *methods)];
    const char *body = bodies[next_rand(&seed) % (sizeof bodies / sizeof *bodies)];
    const mm_kv *q = queries[next_rand(&seed) % 4];
    size_t nq = next_rand(&seed) % 3;
    call c;
    run(&c, next_rand(&seed) % 2 ? &open : &f->api, m, path,
        tokens[next_rand(&seed) % (sizeof tokens / sizeof *tokens)], body, q, nq);
    assert_true(c.out.status >= 200 && c.out.status < 600);
    assert_non_null(c.out.content_type);
    if (c.out.status >= 400) assert_string_equal(c.out.content_type, "application/problem+json");
    done(&c);
  }
}

/* CDS Hooks 2.0 (https://cds-hooks.hl7.org/2.0/): "context" names the
 * patient in the chart (patientId, the FHIR id) and "Prefetch" fetches
 * Patient/{{context.patientId}}, so a prefetched patient with another id is
 * another patient's data: 400 patient-mismatch, no cards, its id not echoed.
 * And "Cross-Origin Resource Sharing": the service answers any origin and a
 * preflight, on /cds-services only. */
static void cds_identity_and_cors(void **state) {
  fixture *f = *state;
  call c;
  const char *other = "{\"hook\":\"patient-view\",\"hookInstance\":\"i-1\","
                      "\"context\":{\"patientId\":\"SOMEONE-ELSE\"},"
                      "\"prefetch\":{\"mmpathPatient\":{\"schema\":\"mmpath/patient@1\","
                      "\"id\":\"P-1\",\"ecog\":1}}}";
  run(&c, &f->api, "POST", "/cds-services/mmpath-options", f->hub, other, NULL, 0);
  assert_problem(&c, 400, "body.context.patientId");
  assert_string_equal(jstr(c.json, "type"), "urn:mmpath:problem:patient-mismatch");
  assert_null(strstr(c.out.body.data, "P-1"));
  assert_null(mm_json_get(c.json, "cards"));
  assert_non_null(c.out.cors);
  assert_string_equal(c.out.cors->allow_origin, "*");
  done(&c);
  /* the same patient passes the check and reaches the record's reader */
  const char *same = "{\"hook\":\"patient-view\",\"hookInstance\":\"i-2\","
                     "\"context\":{\"patientId\":\"P-1\"},"
                     "\"prefetch\":{\"mmpathPatient\":{\"schema\":\"mmpath/patient@1\","
                     "\"id\":\"P-1\",\"ecog\":7}}}";
  run(&c, &f->api, "POST", "/cds-services/mmpath-options", f->hub, same, NULL, 0);
  assert_problem(&c, 422, "body.prefetch.mmpathPatient.ecog");
  done(&c);
  /* preflight: 204 with methods, headers, max-age; no token needed */
  run(&c, &f->api, "OPTIONS", "/cds-services/mmpath-options", NULL, NULL, NULL, 0);
  assert_int_equal(c.out.status, 204);
  assert_int_equal(c.out.body.len, 0);
  assert_non_null(c.out.cors);
  assert_string_equal(c.out.cors->allow_origin, "*");
  assert_string_equal(c.out.cors->allow_methods, "GET, POST, OPTIONS");
  assert_string_equal(c.out.cors->allow_headers, "Content-Type, Authorization");
  assert_non_null(c.out.cors->max_age);
  done(&c);
  run(&c, &f->api, "OPTIONS", "/cds-services", NULL, NULL, NULL, 0);
  assert_int_equal(c.out.status, 204);
  done(&c);
  /* every answer there carries Allow-Origin, a 401 too */
  run(&c, &f->api, "GET", "/cds-services", NULL, NULL, NULL, 0);
  assert_int_equal(c.out.status, 200);
  assert_string_equal(c.out.cors->allow_origin, "*");
  assert_null(c.out.cors->allow_methods);
  done(&c);
  run(&c, &f->api, "POST", "/cds-services/mmpath-options", NULL, other, NULL, 0);
  assert_problem(&c, 401, "header.Authorization");
  assert_string_equal(c.out.cors->allow_origin, "*");
  done(&c);
  /* not on /api/v1, nor on a path that only starts like it */
  run(&c, &f->api, "OPTIONS", "/api/v1/evaluate", f->hub, NULL, NULL, 0);
  assert_problem(&c, 405, "method");
  assert_null(c.out.cors);
  done(&c);
  run(&c, &f->api, "GET", "/cds-servicesX", NULL, NULL, NULL, 0);
  assert_null(c.out.cors);
  done(&c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(sha256_vectors),
      cmocka_unit_test(token_lifetimes),
      cmocka_unit_test_setup_teardown(tokens_hashed_and_revocable, setup, teardown),
      cmocka_unit_test_setup_teardown(token_cache_bounded, setup, teardown),
      cmocka_unit_test_setup_teardown(evaluate_on_worker, setup, teardown),
      cmocka_unit_test_setup_teardown(access_control, setup, teardown),
      cmocka_unit_test_setup_teardown(admit_before_body, setup, teardown),
      cmocka_unit_test_setup_teardown(health_checks_writes, setup, teardown),
      cmocka_unit_test_setup_teardown(routing_errors, setup, teardown),
      cmocka_unit_test_setup_teardown(kb_endpoints, setup, teardown),
      cmocka_unit_test_setup_teardown(routes_said_once, setup, teardown),
      cmocka_unit_test_setup_teardown(router_never_breaks, setup, teardown),
      cmocka_unit_test_setup_teardown(cds_identity_and_cors, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
