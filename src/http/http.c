/* http.c: the HTTP side of `mmpath serve`, and the only file that includes
 * microhttpd.h (docs/web.md, shared engineering notes §3.2).
 *
 * Threading: a pool of `workers` threads (one per core by default), each
 * polling its share of the connections with epoll: a connection costs a
 * little memory, not a thread, so idle and slow clients cost no CPU, and
 * the handlers run on as many threads as there are cores. A handler that
 * blocks (an SQLite write waiting for its lock) holds its worker.
 * Limits, each answered with its own status and never a crash
 * (docs/deploy.md#limits):
 *   - request line + headers: header_timeout seconds to arrive however
 *     busy the sender, then the connection is cut; a body must average
 *     min_body_rate (guard.c); over max_header bytes: 431;
 *   - the token and the role are checked from the headers, before any
 *     byte of the body is read (the handler's admit()): a refusal is sent
 *     instead of `100 Continue`, and the body is never read or spooled;
 *   - an address whose tokens failed more than auth_failures times in a
 *     minute gets 429 with Retry-After for any request carrying a token;
 *   - body over the route's cap: 413, before reading it when Content-Length
 *     says so; a chunked body is counted, dropped once over the cap and
 *     answered 413 at its end (MHD cannot answer mid-upload), and the
 *     connection is closed if it goes on 16 MiB past the cap;
 *   - two Content-Length values, or Content-Length with Transfer-Encoding
 *     (request smuggling), or over max_query_args query arguments: 400;
 *   - more than max_per_client open connections from one address: 429,
 *     more than max_connections in all: 503 except for the reserved path
 *     (health), answered on the connections above the cap (a quarter more,
 *     at least 16; beyond that hard cap MHD refuses the connection);
 *   - a connection silent for idle_timeout seconds is closed.
 * Every request is logged on completion (log.h): no body, no query, no
 * token, only its id. Each request owns an arena and a body buffer, freed
 * in on_completed(). An answer's body is handed to MHD without a copy (the
 * strbuf's memory, or the handler's buffer given back by ext_release once
 * the last byte is sent). What a request means is the handler's (http.h,
 * mm_http_handler): this file includes nothing above src/util. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/guard.h"
#include "http/http.h"
#include "http/log.h"

/* The handler's slot of one worker thread (req->worker_data). */
typedef struct worker_slot {
  pthread_t thread;
  void *data;
} worker_slot;
#define MAX_WORKER_SLOTS 128

struct mm_server {
  mm_http_handler handler;
  mm_server_config cfg;
  struct MHD_Daemon *daemon;
  unsigned port;
  mm_guard guard;
  bool guard_ok;
  pthread_mutex_t slots_lock; /* guards n_slots; a slot is its thread's */
  worker_slot slots[MAX_WORKER_SLOTS];
  size_t n_slots;
};

/* The calling worker's slot (stable address), or NULL when all are taken. */
static void **worker_data(mm_server *s) {
  pthread_t me = pthread_self();
  void **out = NULL;
  pthread_mutex_lock(&s->slots_lock);
  for (size_t i = 0; i < s->n_slots && !out; i++)
    if (pthread_equal(s->slots[i].thread, me)) out = &s->slots[i].data;
  if (!out && s->n_slots < MAX_WORKER_SLOTS) {
    s->slots[s->n_slots].thread = me;
    s->slots[s->n_slots].data = NULL;
    out = &s->slots[s->n_slots++].data;
  }
  pthread_mutex_unlock(&s->slots_lock);
  return out;
}

/* Per request. */
typedef struct req_state {
  mm_arena arena;
  FILE *spool; /* big bodies (screening) go to a temporary file */
  char *body;
  size_t len, cap, limit;
  size_t discarded; /* bytes dropped after the body went over the limit */
  bool too_big, answered;
  /* for the request log and the final call */
  const char *method, *path;
  long long start; /* µs, monotonic */
  int status;      /* 0 until a response is queued */
  long long token_id;
  mm_kv *query;
  size_t n_query;
  void *admitted;
  const char *client; /* the connection's address, or X-Real-IP from the
                         trusted proxy; NULL before the headers */
  bool started;       /* the handler's first call happened */
  size_t dropped_args; /* query arguments over the limit, dropped unparsed */
} req_state;

static long long now_us(void);

static req_state *req_new(void) {
  req_state *rs = calloc(1, sizeof *rs);
  if (!rs) return NULL;
  mm_arena_init(&rs->arena, 16384);
  rs->start = now_us();
  return rs;
}

/* Called by MHD with the request line's URI before it parses the query
 * (MHD_OPTION_URI_LOG_CALLBACK): the request's state starts here. A query
 * of more arguments than max_query_args is cut before MHD parses it: each
 * argument takes a record of MHD's per-connection memory, and a few
 * thousand exhaust it, after which MHD cannot even send its own error (the
 * client got no answer at all). on_head then answers 400. The URI is MHD's
 * own buffer, which it modifies itself right after this call. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c) {
  (void)c;
  const mm_server *s = cls;
  req_state *rs = req_new();
  char *q = strchr(uri, '?');
  if (!rs || !q) return rs;
  size_t n = 1;
  for (const char *p = q + 1; *p; p++) n += *p == '&';
  if (n > s->cfg.limits.max_query_args) {
    rs->dropped_args = n;
    q[1] = '\0';
  }
  return rs;
}

static void client_addr(struct MHD_Connection *c, char *out, size_t n) {
  snprintf(out, n, "?");
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (!ci || !ci->client_addr) return;
  const struct sockaddr *sa = ci->client_addr;
  if (sa->sa_family == AF_INET)
    inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
              (socklen_t)n);
  else if (sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
              (socklen_t)n);
}

static mm_conn *conn_of(struct MHD_Connection *c) {
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  return ci ? ci->socket_context : NULL;
}

/* Counts connections per address (guard.c); marks the ones over the soft
 * limits; puts each under the watchman's eye. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_ctx,
                          enum MHD_ConnectionNotificationCode code) {
  mm_server *s = cls;
  if (code == MHD_CONNECTION_NOTIFY_STARTED) {
    mm_conn *cs = calloc(1, sizeof *cs);
    *socket_ctx = cs;
    if (!cs) return;
    client_addr(c, cs->addr, sizeof cs->addr);
    const union MHD_ConnectionInfo *fi =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    cs->fd = fi ? fi->connect_fd : -1;
    mm_guard_conn_open(&s->guard, cs);
  } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
    mm_conn *cs = *socket_ctx;
    if (!cs) return;
    mm_guard_conn_close(&s->guard, cs); /* before MHD closes the socket */
    if (cs->data && s->handler.conn_close) s->handler.conn_close(s->handler.ctx, cs->data);
    free(cs);
    *socket_ctx = NULL;
  }
}

static long long now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static const char *termination_name(enum MHD_RequestTerminationCode toe) {
  switch (toe) {
  case MHD_REQUEST_TERMINATED_COMPLETED_OK: return NULL;
  case MHD_REQUEST_TERMINATED_WITH_ERROR: return "error";
  case MHD_REQUEST_TERMINATED_TIMEOUT_REACHED: return "idle-timeout";
  case MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN: return "shutdown";
  case MHD_REQUEST_TERMINATED_READ_ERROR: return "read-error";
  case MHD_REQUEST_TERMINATED_CLIENT_ABORT: return "client-abort";
  }
  return "error";
}

/* The end of a request: its log line, and the connection waits for the
 * next request's headers (header_timeout counts from now). */
static void on_completed(void *cls, struct MHD_Connection *c, void **req_ctx,
                         enum MHD_RequestTerminationCode toe) {
  mm_server *s = cls;
  req_state *rs = *req_ctx;
  mm_conn *cs = conn_of(c);
  if (cs) mm_guard_phase(&s->guard, cs, MM_CONN_HEAD);
  if (!rs) return;
  if (s->cfg.log_format != MM_LOG_NONE && rs->method) {
    mm_logline l;
    mm_log_begin(&l, s->cfg.log_format);
    mm_log_str(&l, "method", rs->method);
    mm_log_str(&l, "path", rs->path);
    mm_log_int(&l, "status", rs->status);
    mm_log_ms(&l, "duration_ms", (double)(now_us() - rs->start) / 1000.0);
    if (rs->token_id) mm_log_int(&l, "token", rs->token_id);
    mm_log_str(&l, "addr", rs->client ? rs->client : cs ? cs->addr : NULL);
    mm_log_str(&l, "error", termination_name(toe));
    if (cs) mm_log_str(&l, "cut", mm_guard_cut(&s->guard, cs));
    mm_log_end(&l);
  }
  mm_arena_free(&rs->arena);
  if (rs->spool) fclose(rs->spool);
  free(rs->body);
  free(rs);
  *req_ctx = NULL;
}

static int add_header(struct MHD_Response *r, const char *k, const char *v) {
  return v ? (int)MHD_add_response_header(r, k, v) : MHD_YES;
}

/* Sends out (and frees its body). */
static enum MHD_Result send_response(struct MHD_Connection *c, req_state *rs,
                                     mm_response *out, bool close_conn) {
  struct MHD_Response *r;
  if (rs) rs->token_id = out->token_id;
  if (out->pipe_fd >= 0 && out->status >= 300) {
    close(out->pipe_fd);
    out->pipe_fd = -1;
  }
  if (out->pipe_fd >= 0) {
    r = MHD_create_response_from_pipe(out->pipe_fd); /* MHD closes it */
    if (!r) close(out->pipe_fd);
    out->pipe_fd = -1;
    mm_response_free(out);
  } else if (out->ext_body) {
    /* the handler's buffer, not copied: MHD gives it back (ext_release)
     * once the last byte is sent or the connection is gone */
    mm_strbuf_free(&out->body);
    r = out->ext_release
            ? MHD_create_response_from_buffer_with_free_callback_cls(
                  out->ext_len, (void *)out->ext_body, out->ext_release, out->ext_cls)
            : MHD_create_response_from_buffer(out->ext_len, (void *)out->ext_body,
                                              MHD_RESPMEM_PERSISTENT);
    if (r) out->ext_body = NULL; /* MHD's now */
    else mm_response_free(out);
  } else if (out->static_body) {
    r = MHD_create_response_from_buffer(out->static_len, (void *)out->static_body,
                                        MHD_RESPMEM_PERSISTENT);
    mm_strbuf_free(&out->body);
  } else if (out->body.failed) {
    mm_strbuf_free(&out->body);
    const mm_cors *cors = out->cors; /* a browser client must still read the 500 */
    mm_response_init(out, 0);
    out->cors = cors;
    mm_problem(out, 500, "internal", "Internal error",
               "the response could not be built (out of memory or over the "
               "response cap)", NULL, 0);
    size_t len = out->body.len;
    r = MHD_create_response_from_buffer(len, mm_strbuf_steal(&out->body),
                                        MHD_RESPMEM_MUST_FREE);
  } else {
    size_t len = out->body.len;
    char *data = mm_strbuf_steal(&out->body);
    r = MHD_create_response_from_buffer(len, data ? data : (void *)"",
                                        data ? MHD_RESPMEM_MUST_FREE
                                             : MHD_RESPMEM_PERSISTENT);
  }
  if (!r) return MHD_NO;
  add_header(r, "Content-Type", out->content_type ? out->content_type : "text/plain");
  add_header(r, "Cache-Control", out->cache_control ? out->cache_control : "no-store");
  add_header(r, "X-Content-Type-Options", "nosniff");
  add_header(r, "Referrer-Policy", "no-referrer");
  add_header(r, "X-Frame-Options", "DENY");
  add_header(r, "Content-Security-Policy",
             out->csp ? out->csp
                      : "default-src 'self'; img-src 'self' data:; "
                        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  add_header(r, "Allow", out->allow);
  add_header(r, "WWW-Authenticate", out->www_authenticate);
  add_header(r, "Retry-After", out->retry_after);
  add_header(r, "Location", out->location);
  if (out->cors) {
    add_header(r, "Access-Control-Allow-Origin", out->cors->allow_origin);
    add_header(r, "Access-Control-Allow-Methods", out->cors->allow_methods);
    add_header(r, "Access-Control-Allow-Headers", out->cors->allow_headers);
    add_header(r, "Access-Control-Max-Age", out->cors->max_age);
  }
  if (close_conn) add_header(r, "Connection", "close");
  enum MHD_Result ret = MHD_queue_response(c, (unsigned)out->status, r);
  if (rs) {
    rs->status = out->status;
    rs->answered = true;
  }
  MHD_destroy_response(r);
  return ret;
}

/* A refusal of the transport's own; the connection is closed after it
 * (a body that may follow is never read). */
static enum MHD_Result send_problem(struct MHD_Connection *c, req_state *rs, int status,
                                    const char *slug, const char *title, const char *path,
                                    const char *detail, const char *retry_after) {
  mm_response out;
  mm_response_init(&out, 0);
  mm_problem1(&out, status, slug, title, path, detail);
  out.retry_after = retry_after;
  return send_response(c, rs, &out, true);
}

typedef struct query_ctx {
  mm_arena *arena;
  mm_kv *items;
  size_t n, cap;
} query_ctx;

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value) {
  (void)kind;
  query_ctx *q = cls;
  if (q->n == q->cap) {
    size_t cap = q->cap ? q->cap * 2 : 8;
    q->items = mm_arena_grow(q->arena, q->items, q->n, cap, sizeof *q->items);
    if (!q->items) return MHD_NO;
    q->cap = cap;
  }
  q->items[q->n].key = mm_arena_strdup(q->arena, key);
  q->items[q->n].value = mm_arena_strdup(q->arena, value ? value : "");
  q->n++;
  return MHD_YES;
}

typedef struct header_check {
  const char *content_length; /* the first value */
  bool cl_differ, chunked;
} header_check;

static enum MHD_Result check_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value) {
  (void)kind;
  header_check *h = cls;
  if (!value) value = "";
  if (strcasecmp(key, "Content-Length") == 0) {
    if (!h->content_length) h->content_length = value;
    else if (strcmp(h->content_length, value) != 0) h->cl_differ = true;
  } else if (strcasecmp(key, "Transfer-Encoding") == 0) {
    h->chunked = true;
  }
  return MHD_YES;
}

/* The first call: the request line and headers are in, no byte of the
 * body has been read. Refusals here are sent instead of `100 Continue`
 * and MHD never reads the body (it closes the connection after them). */
static enum MHD_Result on_head(mm_server *s, struct MHD_Connection *c, req_state *rs,
                               const char *url, const char *method) {
  const mm_http_handler *h = &s->handler;
  const mm_server_limits *lim = &s->cfg.limits;
  mm_conn *cs = conn_of(c);
  if (cs) mm_guard_phase(&s->guard, cs, MM_CONN_BODY);
  rs->client = cs ? cs->addr : "?";
  if (cs && s->cfg.trusted_proxy && strcmp(cs->addr, s->cfg.trusted_proxy) == 0) {
    /* behind nginx every connection is the proxy's: its X-Real-IP names
     * the client, for the throttling of refused tokens and the log */
    const char *xr = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Real-IP");
    unsigned char bin[sizeof(struct in6_addr)];
    if (xr && (inet_pton(AF_INET, xr, bin) == 1 || inet_pton(AF_INET6, xr, bin) == 1))
      rs->client = mm_arena_strdup(&rs->arena, xr);
  }
  char detail[200];
  if (cs && cs->over_client) {
    snprintf(detail, sizeof detail, "too many open connections from this client (limit is %u)",
             lim->max_per_client);
    return send_problem(c, rs, 429, "too-many-connections", "Too many connections",
                        "connection", detail, "1");
  }
  bool reserved = s->cfg.reserved_path && strcmp(url, s->cfg.reserved_path) == 0 &&
                  (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0);
  if ((!cs || cs->over_total) && !reserved) {
    snprintf(detail, sizeof detail, "the server is busy (limit is %u connections)",
             lim->max_connections);
    return send_problem(c, rs, 503, "busy", "Server busy", "connection", detail, "1");
  }
  const union MHD_ConnectionInfo *hi =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
  if (hi && hi->header_size > lim->max_header) {
    snprintf(detail, sizeof detail,
             "request line and headers of %zu bytes are over the limit (limit is %zu bytes)",
             hi->header_size, lim->max_header);
    return send_problem(c, rs, 431, "header-too-large", "Request header fields too large",
                        "header", detail, NULL);
  }
  header_check hc = {NULL, false, false};
  MHD_get_connection_values(c, MHD_HEADER_KIND, check_header, &hc);
  if (hc.cl_differ || (hc.content_length && hc.chunked)) {
    /* RFC 9112 §6.3: a message whose length cannot be known for sure is
     * an error, lest a proxy in front reads it otherwise (smuggling) */
    return send_problem(c, rs, 400, "bad-request", "Bad request", "header.Content-Length",
                        hc.cl_differ ? "two different Content-Length values"
                                     : "Content-Length together with Transfer-Encoding",
                        NULL);
  }
  size_t n_args = rs->dropped_args;
  if (!n_args) n_args = (size_t)MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, NULL, NULL);
  if (n_args > lim->max_query_args) {
    snprintf(detail, sizeof detail, "%zu query arguments are over the limit (limit is %u)",
             n_args, lim->max_query_args);
    return send_problem(c, rs, 400, "bad-parameter", "Invalid query parameter", "query",
                        detail, NULL);
  }
  const char *authz = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
  if (authz) {
    unsigned wait = mm_guard_throttled(&s->guard, rs->client);
    if (wait) {
      char retry[16];
      snprintf(retry, sizeof retry, "%u", wait);
      snprintf(detail, sizeof detail,
               "too many refused tokens from this address (limit is %u a minute): "
               "retry in %u s",
               lim->auth_failures, wait);
      return send_problem(c, rs, 429, "too-many-failures", "Too many failed authentications",
                          "header.Authorization", detail, retry);
    }
  }
  query_ctx q = {&rs->arena, NULL, 0, 0};
  MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_query, &q);
  rs->query = q.items;
  rs->n_query = q.n;
  if (h->version >= 2 && h->admit) {
    mm_request head = {
        .method = method,
        .path = url,
        .query = rs->query,
        .n_query = rs->n_query,
        .authorization = authz,
        .content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type"),
        .accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept"),
        .arena = &rs->arena,
        .conn_data = cs ? &cs->data : NULL,
        .worker_data = worker_data(s),
        .body_fd = -1,
        .client = rs->client,
    };
    mm_response out;
    mm_response_init(&out, s->cfg.limits.max_response);
    if (h->admit(h->ctx, &head, &out, &rs->admitted)) {
      if (out.auth_failed) mm_guard_auth_failed(&s->guard, rs->client);
      return send_response(c, rs, &out, true);
    }
    mm_response_free(&out);
  }
  rs->limit = h->body_limit(h->ctx, method, url);
  if (hc.content_length) {
    char *end;
    unsigned long long n = strtoull(hc.content_length, &end, 10);
    if (*end == '\0' && n > rs->limit) {
      snprintf(detail, sizeof detail,
               "request body of %llu bytes is over the limit (limit is %zu bytes)", n,
               rs->limit);
      return send_problem(c, rs, 413, "body-too-large", "Request body too large", "body",
                          detail, NULL);
    }
  }
  if (rs->limit > lim->max_body) {
    /* a registry may be 64 MiB: on disk, not in memory per connection */
    rs->spool = tmpfile();
    if (!rs->spool)
      return send_problem(c, rs, 503, "busy", "Server busy", "body",
                          "no room for a temporary file", "1");
  }
  return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **req_ctx) {
  (void)version;
  mm_server *s = cls;
  const mm_http_handler *h = &s->handler;
  req_state *rs = *req_ctx;

  if (!rs || !rs->started) { /* first call: headers are in, the body is not */
    if (!rs && !(rs = req_new())) return MHD_NO;
    *req_ctx = rs;
    rs->started = true;
    rs->method = mm_arena_strdup(&rs->arena, method);
    rs->path = mm_arena_strdup(&rs->arena, url);
    return on_head(s, c, rs, url, method);
  }

  if (*upload_size > 0) { /* a piece of the body */
    size_t n = *upload_size;
    *upload_size = 0;
    if (rs->answered) return MHD_YES;
    mm_conn *cs = conn_of(c);
    if (cs) mm_guard_body(&s->guard, cs, n);
    if (rs->too_big) {
      /* MHD cannot answer in the middle of an upload: drop the rest and
       * answer 413 at its end, or hang up if it goes on and on */
      rs->discarded += n;
      return rs->discarded > rs->limit + ((size_t)16 << 20) ? MHD_NO : MHD_YES;
    }
    if (rs->len + n > rs->limit) {
      rs->too_big = true;
      free(rs->body);
      rs->body = NULL;
      rs->len = rs->cap = 0;
      return MHD_YES;
    }
    if (rs->spool) {
      if (fwrite(upload, 1, n, rs->spool) != n) return MHD_NO; /* disk full */
      rs->len += n;
      return MHD_YES;
    }
    if (rs->len + n + 1 > rs->cap) {
      size_t cap = rs->cap ? rs->cap : 4096;
      while (cap < rs->len + n + 1) cap *= 2;
      char *nb = realloc(rs->body, cap);
      if (!nb)
        return send_problem(c, rs, 503, "busy", "Server busy", "body",
                            "out of memory reading the body", "1");
      rs->body = nb;
      rs->cap = cap;
    }
    memcpy(rs->body + rs->len, upload, n);
    rs->len += n;
    rs->body[rs->len] = '\0';
    return MHD_YES;
  }
  if (rs->answered) return MHD_YES;
  if (rs->too_big) {
    char detail[160];
    snprintf(detail, sizeof detail, "request body is over the limit (limit is %zu bytes)",
             rs->limit);
    return send_problem(c, rs, 413, "body-too-large", "Request body too large", "body", detail,
                        NULL);
  }

  /* the whole request is in: route it */
  mm_conn *cs = conn_of(c);
  if (cs) mm_guard_phase(&s->guard, cs, MM_CONN_BUSY);
  int body_fd = -1;
  if (rs->spool) {
    if (fflush(rs->spool) != 0 || fseek(rs->spool, 0, SEEK_SET) != 0)
      return send_problem(c, rs, 503, "busy", "Server busy", "body",
                          "cannot read the body back", "1");
    body_fd = fileno(rs->spool);
  }
  mm_request req = {
      .method = method,
      .path = url,
      .query = rs->query,
      .n_query = rs->n_query,
      .authorization = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization"),
      .content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type"),
      .accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept"),
      .body = rs->body,
      .body_len = rs->len,
      .arena = &rs->arena,
      .conn_data = cs ? &cs->data : NULL,
      .worker_data = worker_data(s),
      .body_fd = body_fd,
      .client = rs->client,
      .admitted = rs->admitted,
  };
  mm_response out;
  mm_response_init(&out, s->cfg.limits.max_response);
  h->handle(h->ctx, &req, &out);
  if (out.auth_failed) mm_guard_auth_failed(&s->guard, rs->client);
  return send_response(c, rs, &out, false);
}

/* MHD's own messages, as log lines like ours. */
static void mhd_logger(void *cls, const char *fmt, va_list ap) {
  const mm_server *s = cls;
  if (s->cfg.log_format == MM_LOG_NONE) return;
  char msg[512];
  vsnprintf(msg, sizeof msg, fmt, ap);
  size_t n = strlen(msg);
  while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' ')) msg[--n] = '\0';
  mm_logline l;
  mm_log_begin(&l, s->cfg.log_format);
  mm_log_str(&l, "event", "libmicrohttpd");
  mm_log_str(&l, "msg", msg);
  mm_log_end(&l);
}

int mm_server_start(mm_server **out, const mm_http_handler *handler,
                    const mm_server_config *cfg, char *err, size_t err_len) {
  *out = NULL;
  if (!handler || handler->version < 1 || handler->version > MM_HTTP_HANDLER_VERSION ||
      !handler->body_limit || !handler->handle) {
    snprintf(err, err_len, "the request handler is missing or of another version");
    return -1;
  }
  mm_server *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(err, err_len, "out of memory");
    return -1;
  }
  s->handler = *handler;
  if (handler->version < 2) s->handler.admit = NULL, s->handler.worker_close = NULL;
  s->cfg = *cfg;
  pthread_mutex_init(&s->slots_lock, NULL);
  if (mm_guard_init(&s->guard, &cfg->limits, cfg->log_format) != 0) {
    snprintf(err, err_len, "cannot start the connection watchman thread");
    mm_server_stop(s);
    return -1;
  }
  s->guard_ok = true;

  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons((uint16_t)cfg->port);
  const char *bind = cfg->bind && *cfg->bind ? cfg->bind : "127.0.0.1";
  if (strcmp(bind, "localhost") == 0) bind = "127.0.0.1";
  if (inet_pton(AF_INET, bind, &sa.sin_addr) != 1) {
    snprintf(err, err_len, "--bind: '%s' is not an IPv4 address", bind);
    mm_server_stop(s);
    return -1;
  }
  const mm_server_limits *l = &cfg->limits;
  /* hard caps above the soft ones, so that a client over them hears a 429
   * or 503 with Retry-After rather than a reset, and the reserved path
   * (health) has room over max_connections. The per-address one stays
   * close (8): connections over it still count in all until their headers
   * are in, so a few addresses must not reach max_connections with them */
  unsigned hard_total = l->max_connections + (l->max_connections / 4 > 16 ? l->max_connections / 4 : 16);
  unsigned hard_client = l->max_per_client + 8;
  unsigned workers = cfg->workers;
  if (!workers) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    workers = n > 0 ? (unsigned)n : 2;
  }
  if (workers > 64) workers = 64;
  /* MHD's per-connection memory holds the request line, headers and the
   * read buffer: room beyond max_header, so that our 431 (with its
   * headers) answers first and a long chunk extension is read, not
   * answered 500 by MHD for lack of buffer */
  size_t pool = l->max_header * 2 > ((size_t)128 << 10) ? l->max_header * 2 : (size_t)128 << 10;
  s->daemon = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG,
      (uint16_t)cfg->port, NULL, NULL, on_request, s,
      /* first, so that MHD's own messages are log lines like ours */
      MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, s, MHD_OPTION_URI_LOG_CALLBACK, on_uri, s,
      MHD_OPTION_SOCK_ADDR,
      (const struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)workers,
      MHD_OPTION_CONNECTION_LIMIT, (unsigned int)hard_total,
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)hard_client,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)l->idle_timeout,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, pool,
      MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_NOTIFY_COMPLETED,
      on_completed, s, MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)512, MHD_OPTION_END);
  if (!s->daemon) {
    snprintf(err, err_len, "cannot listen on %s:%u (port in use, or not allowed)", bind,
             cfg->port);
    mm_server_stop(s);
    return -1;
  }
  const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
  s->port = di ? di->port : cfg->port;
  *out = s;
  return 0;
}

unsigned mm_server_port(const mm_server *s) { return s ? s->port : 0; }

void mm_server_stop(mm_server *s) {
  if (!s) return;
  if (s->daemon) MHD_stop_daemon(s->daemon); /* every worker has ended */
  for (size_t i = 0; i < s->n_slots; i++)
    if (s->slots[i].data && s->handler.worker_close)
      s->handler.worker_close(s->handler.ctx, s->slots[i].data);
  if (s->guard_ok) mm_guard_fini(&s->guard);
  pthread_mutex_destroy(&s->slots_lock);
  free(s);
}
