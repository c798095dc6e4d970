/* http.c: the HTTP request path without sockets: the server's handler
 * (mm_api_http_handler: body_limit, handle, conn_close, the vtable
 * src/http/http.c calls) on a request parsed here from the input's text.
 * libmicrohttpd's own parser cannot be reached in process (it reads only
 * from its sockets), so this harness plays http.c's part: it reads the
 * request line, the query (percent-decoded, '+' as space, as libmicrohttpd
 * does), the Authorization, Content-Type and Accept headers and the body,
 * applies the body cap the handler names (413) and spools a screening body
 * to a temporary file as http.c does.
 *
 * The server has a database in a temporary directory with one token per
 * role; "Bearer HUB", "Bearer SPOKE" and "Bearer ANALYST" in the input
 * stand for them, so the fuzzer reaches the endpoints behind a token. An
 * "X-Open-Evaluate:" header opens evaluation without a token
 * (--open-evaluate). Properties: no crash, a status 100..599, every JSON
 * answer is valid JSON, every problem+json has a type, a title and its
 * status, a 401 names its challenge, a 405 its Allow list. */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "auth/token_store.h"
#include "fuzz.h"
#include "json/json.h"
#include "server/server.h"

static struct {
  char dir[64], db[96];
  char tokens[3][MM_TOKEN_LEN + 1]; /* hub, spoke, analyst */
} S; /* the fixture, made once per process */

static void cleanup(void) {
  const char *suffix[] = {"", "-wal", "-shm", "-journal"};
  char path[128];
  for (int i = 0; i < 4; i++) {
    snprintf(path, sizeof path, "%s%s", S.db, suffix[i]);
    unlink(path);
  }
  rmdir(S.dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  const mm_kb *kb = fuzz_kb();
  signal(SIGPIPE, SIG_IGN); /* as `mmpath serve` does */
  /* in memory when there is /dev/shm: the referral writes sync the file */
  snprintf(S.dir, sizeof S.dir, "/dev/shm/mmpath-fuzz-http-XXXXXX");
  if (!mkdtemp(S.dir)) {
    snprintf(S.dir, sizeof S.dir, "/tmp/mmpath-fuzz-http-XXXXXX");
    if (!mkdtemp(S.dir)) abort();
  }
  snprintf(S.db, sizeof S.db, "%s/fuzz.db", S.dir);
  atexit(cleanup);
  mm_ref_store *db;
  char err[256];
  if (mm_ref_store_open(&db, S.db, NULL, err, sizeof err) != 0) {
    fprintf(stderr, "fuzz: %s\n", err);
    abort();
  }
  long long id;
  /* no expiry; the centres are registered with their tokens */
  if (mm_token_new(S.tokens[0], &id, db, "BO-SER", MM_ROLE_HUB, NULL, true, "fuzz") ||
      mm_token_new(S.tokens[1], &id, db, "FE-ONC", MM_ROLE_SPOKE, NULL, true, "fuzz") ||
      mm_token_new(S.tokens[2], &id, db, "BO-SER", MM_ROLE_ANALYST, NULL, true, "fuzz"))
    abort();
  mm_ref_store_free(db);
  size_t n;
  if (mm_server_load_demo(S.db, mm_kb_referral(kb), &n, err, sizeof err) != 0) {
    fprintf(stderr, "fuzz: %s\n", err);
    abort();
  }
  return 0;
}

static int hex(int c) {
  return isdigit(c) ? c - '0' : isxdigit(c) ? tolower(c) - 'a' + 10 : -1;
}
/* %XX decoded (and '+' as a space in a query), into the arena. */
static char *decode(mm_arena *a, const char *s, size_t n, bool plus) {
  char *out = mm_arena_alloc(a, n + 1), *o = out;
  if (!out) abort();
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '%' && i + 2 < n && hex((unsigned char)s[i + 1]) >= 0 &&
        hex((unsigned char)s[i + 2]) >= 0) {
      *o++ = (char)(hex((unsigned char)s[i + 1]) * 16 + hex((unsigned char)s[i + 2]));
      i += 2;
    } else {
      *o++ = plus && s[i] == '+' ? ' ' : s[i];
    }
  }
  *o = '\0';
  return out;
}

/* The line at *p (up to CR LF or LF, or the end), NUL-terminated in the arena. */
static char *line(mm_arena *a, const char **p, const char *end) {
  const char *s = *p, *e = memchr(s, '\n', (size_t)(end - s));
  const char *next = e ? e + 1 : end;
  if (!e) e = end;
  if (e > s && e[-1] == '\r') e--;
  *p = next;
  return mm_arena_strndup(a, s, (size_t)(e - s));
}

static void check_response(const mm_response *out, mm_arena *a, const char *body, size_t len) {
  if (out->status < 100 || out->status > 599) fuzz_fail("http: status %d", out->status);
  if (out->status == 401 && !out->www_authenticate) fuzz_fail("http: a 401 without a challenge");
  if (out->status == 405 && !out->allow) fuzz_fail("http: a 405 without Allow");
  const char *ct = out->content_type;
  if (!ct || !strstr(ct, "json") || strstr(ct, "jsonl") || strstr(ct, "ndjson") || !len) return;
  mm_json_error e;
  mm_json *j = mm_json_parse(a, body, len, &e);
  if (!j) fuzz_fail("http: a %d answer in %s is not JSON (%d:%d %s)", out->status, ct, e.line,
                    e.col, e.text);
  if (strcmp(ct, "application/problem+json") == 0) {
    const mm_json *st = mm_json_get(j, "status"), *ty = mm_json_get(j, "type"),
                  *ti = mm_json_get(j, "title");
    if (!st || !st->is_integer || st->integer != out->status || !ty || ty->type != MM_JSON_STRING ||
        !ti || ti->type != MM_JSON_STRING)
      fuzz_fail("http: a %d problem without its type, title or status: %.*s", out->status,
                (int)len, body);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const mm_kb *kb = fuzz_kb();
  const char *p = (const char *)data, *end = p + size;
  mm_arena a;
  mm_arena_init(&a, 16384);

  /* request line: METHOD TARGET [VERSION] */
  char *rl = line(&a, &p, end);
  char *sp = strchr(rl, ' ');
  const char *method = rl, *target = "";
  if (sp) {
    *sp = '\0';
    target = sp + 1;
    char *sp2 = strchr(target, ' ');
    if (sp2) *sp2 = '\0';
  }
  const char *q = strchr(target, '?');
  size_t path_len = q ? (size_t)(q - target) : strlen(target);
  mm_request req = {.method = method, .arena = &a, .body_fd = -1};
  req.path = decode(&a, target, path_len, false);
  mm_kv *query = NULL;
  size_t n_query = 0, cap = 0;
  for (const char *s = q ? q + 1 : NULL; s && *s;) {
    const char *amp = strchr(s, '&'), *e = amp ? amp : s + strlen(s);
    if (e > s) {
      if (n_query == cap) {
        size_t nc = cap ? cap * 2 : 8;
        query = mm_arena_grow(&a, query, n_query, nc, sizeof *query);
        if (!query) abort();
        cap = nc;
      }
      const char *eq = memchr(s, '=', (size_t)(e - s));
      query[n_query].key = decode(&a, s, (size_t)((eq ? eq : e) - s), true);
      query[n_query].value = eq ? decode(&a, eq + 1, (size_t)(e - eq - 1), true) : "";
      n_query++;
    }
    s = amp ? amp + 1 : NULL;
  }
  req.query = query;
  req.n_query = n_query;

  /* headers, until an empty line */
  mm_server_limits lim = MM_SERVER_LIMITS_INIT;
  mm_api api = {.kb = kb, .scores = mm_kb_scores(kb), .ref_kb = mm_kb_referral(kb),
                .db_path = S.db, .limits = lim, .fhir = mm_kb_fhir_map(kb)};
  long long content_length = -1;
  while (p < end) {
    char *h = line(&a, &p, end);
    if (!*h) break;
    char *colon = strchr(h, ':');
    if (!colon) continue;
    *colon = '\0';
    char *v = colon + 1;
    while (*v == ' ' || *v == '\t') v++;
    if (!strcasecmp(h, "Authorization")) {
      static const char *const roles[] = {"Bearer HUB", "Bearer SPOKE", "Bearer ANALYST"};
      for (int i = 0; i < 3; i++)
        if (!strcmp(v, roles[i])) v = mm_arena_printf(&a, "Bearer %s", S.tokens[i]);
      req.authorization = v;
    } else if (!strcasecmp(h, "Content-Type")) {
      req.content_type = v;
    } else if (!strcasecmp(h, "Accept")) {
      req.accept = v;
    } else if (!strcasecmp(h, "Content-Length")) {
      content_length = atoll(v);
    } else if (!strcasecmp(h, "X-Open-Evaluate")) {
      api.open_evaluate = true;
    }
  }
  size_t body_len = (size_t)(end - p);
  if (content_length >= 0 && (size_t)content_length < body_len) body_len = (size_t)content_length;

  mm_http_handler h;
  mm_api_http_handler(&h, &api);
  if (h.version != MM_HTTP_HANDLER_VERSION || !h.handle || !h.body_limit)
    fuzz_fail("http: the handler is incomplete");
  mm_jobs *jobs = NULL;
  if (mm_jobs_new(&jobs) != 0) abort();
  api.jobs = jobs;
  mm_response out;
  mm_response_init(&out, lim.max_response);
  void *conn = NULL;
  req.conn_data = &conn;
  FILE *spool = NULL;
  size_t limit = h.body_limit(h.ctx, req.method, req.path);
  if (body_len > limit || (content_length >= 0 && (unsigned long long)content_length > limit)) {
    out.status = 413; /* http.c answers this itself, from Content-Length or the body */
    goto done;
  }
  if (limit > lim.max_body) { /* spooled, as http.c does for a registry */
    spool = tmpfile();
    if (!spool || fwrite(p, 1, body_len, spool) != body_len || fflush(spool) ||
        fseek(spool, 0, SEEK_SET))
      abort();
    req.body_fd = fileno(spool);
  } else if (body_len) {
    req.body = mm_arena_strndup(&a, p, body_len); /* NUL-terminated, as http.c's */
  }
  req.body_len = body_len;
  h.handle(h.ctx, &req, &out);

  /* the answer: a streamed one read to its end, as http.c sends it */
  if (out.pipe_fd >= 0) {
    mm_strbuf s;
    mm_strbuf_init(&s, 0);
    char buf[4096];
    for (ssize_t n; (n = read(out.pipe_fd, buf, sizeof buf)) != 0;) {
      if (n < 0 && errno == EINTR) continue; /* libFuzzer's timer */
      if (n < 0) fuzz_fail("http: reading the streamed answer: %s", strerror(errno));
      mm_strbuf_add(&s, buf, (size_t)n);
    }
    check_response(&out, &a, s.data, s.len);
    mm_strbuf_free(&s);
  } else if (out.static_body) {
    check_response(&out, &a, (const char *)out.static_body, out.static_len);
  } else {
    check_response(&out, &a, out.body.data, out.body.len);
  }
done:
  if (getenv("MMPATH_FUZZ_TRACE")) /* for seeding: what each input reached */
    fprintf(stderr, "%s %s -> %d\n", req.method, req.path, out.status);
  mm_response_free(&out);
  mm_jobs_free(jobs); /* waits for a screening job to end */
  if (spool) fclose(spool);
  if (conn && h.conn_close) h.conn_close(h.ctx, conn);
  mm_arena_free(&a);
  return 0;
}
