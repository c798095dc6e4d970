/* http.c: the HTTP side of `mmpath serve`, and the only file that includes
 * microhttpd.h (docs/web.md, shared engineering notes §3.2).
 *
 * Threading: MHD_USE_THREAD_PER_CONNECTION, because referral writes block
 * on SQLite; the number of threads is bounded by the connection limit.
 * Limits, each answered with its own status and never a crash:
 *   - body over the route's cap: 413, before reading it when Content-Length
 *     says so; a chunked body is counted, dropped once over the cap and
 *     answered 413 at its end (MHD cannot answer mid-upload), and the
 *     connection is closed if it goes on 16 MiB past the cap;
 *   - request line + headers over max_header: 431 (MHD's memory limit);
 *   - more than max_per_client open connections from one address: 429,
 *     more than max_connections in all: 503 (hard caps a little above
 *     these make MHD refuse the connection outright);
 *   - a connection silent for idle_timeout seconds is closed.
 * Each request owns an arena and a body buffer, freed in completed().
 * What a request means is the handler's (http.h, mm_http_handler): this
 * file includes nothing above src/util. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/http.h"

typedef struct client {
  char addr[INET6_ADDRSTRLEN];
  unsigned open;
} client;

struct mm_server {
  mm_http_handler handler;
  mm_server_config cfg;
  struct MHD_Daemon *daemon;
  unsigned port;
  pthread_mutex_t lock; /* guards the counters below */
  unsigned open;        /* open connections */
  client *clients;      /* one per address with open connections */
  size_t n_clients, cap_clients;
};

/* Per connection (socket context): what the limits decided at accept. */
typedef struct conn_state {
  char addr[INET6_ADDRSTRLEN];
  bool over_client, over_total;
  void *data;         /* the handler's (req->conn_data), or NULL */
} conn_state;

/* Per request. */
typedef struct req_state {
  mm_arena arena;
  FILE *spool; /* big bodies (screening) go to a temporary file */
  char *body;
  size_t len, cap, limit;
  size_t discarded; /* bytes dropped after the body went over the limit */
  bool too_big, answered;
} req_state;

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

/* Counts connections per address; marks the ones over the soft limits. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_ctx,
                          enum MHD_ConnectionNotificationCode code) {
  mm_server *s = cls;
  if (code == MHD_CONNECTION_NOTIFY_STARTED) {
    conn_state *cs = calloc(1, sizeof *cs);
    *socket_ctx = cs;
    if (!cs) return;
    client_addr(c, cs->addr, sizeof cs->addr);
    pthread_mutex_lock(&s->lock);
    s->open++;
    cs->over_total = s->open > s->cfg.limits.max_connections;
    client *cl = NULL;
    for (size_t i = 0; i < s->n_clients; i++)
      if (strcmp(s->clients[i].addr, cs->addr) == 0) cl = &s->clients[i];
    if (!cl) {
      if (s->n_clients == s->cap_clients) {
        size_t cap = s->cap_clients ? s->cap_clients * 2 : 16;
        client *nc = realloc(s->clients, cap * sizeof *nc);
        if (nc) {
          s->clients = nc;
          s->cap_clients = cap;
        }
      }
      if (s->n_clients < s->cap_clients) {
        cl = &s->clients[s->n_clients++];
        memcpy(cl->addr, cs->addr, sizeof cl->addr);
        cl->open = 0;
      }
    }
    if (cl) {
      cl->open++;
      cs->over_client = cl->open > s->cfg.limits.max_per_client;
    } else {
      cs->over_total = true; /* out of memory: shed the load */
    }
    pthread_mutex_unlock(&s->lock);
  } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
    conn_state *cs = *socket_ctx;
    if (!cs) return;
    pthread_mutex_lock(&s->lock);
    s->open--;
    for (size_t i = 0; i < s->n_clients; i++)
      if (strcmp(s->clients[i].addr, cs->addr) == 0) {
        if (--s->clients[i].open == 0) s->clients[i] = s->clients[--s->n_clients];
        break;
      }
    pthread_mutex_unlock(&s->lock);
    if (cs->data && s->handler.conn_close) s->handler.conn_close(s->handler.ctx, cs->data);
    free(cs);
    *socket_ctx = NULL;
  }
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_ctx,
                         enum MHD_RequestTerminationCode toe) {
  (void)cls, (void)c, (void)toe;
  req_state *rs = *req_ctx;
  if (!rs) return;
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
static enum MHD_Result send_response(struct MHD_Connection *c, mm_response *out,
                                     bool close_conn) {
  struct MHD_Response *r;
  if (out->pipe_fd >= 0 && out->status >= 300) {
    close(out->pipe_fd);
    out->pipe_fd = -1;
  }
  if (out->pipe_fd >= 0) {
    r = MHD_create_response_from_pipe(out->pipe_fd); /* MHD closes it */
    if (!r) close(out->pipe_fd);
    out->pipe_fd = -1;
    mm_strbuf_free(&out->body);
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
  MHD_destroy_response(r);
  return ret;
}

static enum MHD_Result send_problem(struct MHD_Connection *c, int status, const char *slug,
                                    const char *title, const char *path, const char *detail,
                                    const char *retry_after) {
  mm_response out;
  mm_response_init(&out, 0);
  mm_problem1(&out, status, slug, title, path, detail);
  out.retry_after = retry_after;
  return send_response(c, &out, true);
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

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **req_ctx) {
  (void)version;
  mm_server *s = cls;
  const mm_http_handler *h = &s->handler;
  req_state *rs = *req_ctx;

  if (!rs) { /* first call: headers are in, the body is not */
    rs = calloc(1, sizeof *rs);
    if (!rs) return MHD_NO;
    mm_arena_init(&rs->arena, 16384);
    *req_ctx = rs;
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    const conn_state *cs = ci ? ci->socket_context : NULL;
    if (cs && cs->over_client) {
      rs->answered = true; /* a body that follows is dropped */
      char detail[160];
      snprintf(detail, sizeof detail,
               "too many open connections from this client (limit is %u)",
               s->cfg.limits.max_per_client);
      return send_problem(c, 429, "too-many-connections", "Too many connections",
                          "connection", detail, "1");
    }
    if (!cs || cs->over_total) {
      rs->answered = true;
      char detail[160];
      snprintf(detail, sizeof detail, "the server is busy (limit is %u connections)",
               s->cfg.limits.max_connections);
      return send_problem(c, 503, "busy", "Server busy", "connection", detail, "1");
    }
    rs->limit = h->body_limit(h->ctx, method, url);
    if (rs->limit > s->cfg.limits.max_body) {
      /* a registry may be 64 MiB: on disk, not in memory per connection */
      rs->spool = tmpfile();
      if (!rs->spool) {
        rs->answered = true;
        return send_problem(c, 503, "busy", "Server busy", "body",
                            "no room for a temporary file", "1");
      }
    }
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if (cl) {
      char *end;
      unsigned long long n = strtoull(cl, &end, 10);
      if (*end == '\0' && n > rs->limit) {
        char detail[160];
        snprintf(detail, sizeof detail,
                 "request body of %llu bytes is over the limit (limit is %zu bytes)", n,
                 rs->limit);
        rs->answered = true;
        return send_problem(c, 413, "body-too-large", "Request body too large", "body", detail,
                            NULL);
      }
    }
    return MHD_YES;
  }

  if (*upload_size > 0) { /* a piece of the body */
    size_t n = *upload_size;
    *upload_size = 0;
    if (rs->answered) return MHD_YES;
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
      if (!nb) {
        rs->answered = true;
        return send_problem(c, 503, "busy", "Server busy", "body",
                            "out of memory reading the body", "1");
      }
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
    rs->answered = true;
    return send_problem(c, 413, "body-too-large", "Request body too large", "body", detail,
                        NULL);
  }

  /* the whole request is in: route it */
  int body_fd = -1;
  if (rs->spool) {
    if (fflush(rs->spool) != 0 || fseek(rs->spool, 0, SEEK_SET) != 0) {
      rs->answered = true;
      return send_problem(c, 503, "busy", "Server busy", "body", "cannot read the body back",
                          "1");
    }
    body_fd = fileno(rs->spool);
  }
  const union MHD_ConnectionInfo *sci =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  conn_state *cs = sci ? sci->socket_context : NULL;
  query_ctx q = {&rs->arena, NULL, 0, 0};
  MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_query, &q);
  mm_request req = {
      .method = method,
      .path = url,
      .query = q.items,
      .n_query = q.n,
      .authorization = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization"),
      .content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type"),
      .accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept"),
      .body = rs->body,
      .body_len = rs->len,
      .arena = &rs->arena,
      .conn_data = cs ? &cs->data : NULL,
      .body_fd = body_fd,
  };
  mm_response out;
  mm_response_init(&out, s->cfg.limits.max_response);
  h->handle(h->ctx, &req, &out);
  rs->answered = true;
  return send_response(c, &out, false);
}

int mm_server_start(mm_server **out, const mm_http_handler *handler,
                    const mm_server_config *cfg, char *err, size_t err_len) {
  *out = NULL;
  if (!handler || handler->version != MM_HTTP_HANDLER_VERSION || !handler->body_limit ||
      !handler->handle) {
    snprintf(err, err_len, "the request handler is missing or of another version");
    return -1;
  }
  mm_server *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(err, err_len, "out of memory");
    return -1;
  }
  s->handler = *handler;
  s->cfg = *cfg;
  pthread_mutex_init(&s->lock, NULL);

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
  /* hard caps above the soft ones, so the soft ones can answer 429/503 */
  unsigned hard_total = l->max_connections + 16;
  unsigned hard_client = l->max_per_client + 8;
  s->daemon = MHD_start_daemon(
      MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
          MHD_USE_ERROR_LOG,
      (uint16_t)cfg->port, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR,
      (const struct sockaddr *)&sa, MHD_OPTION_CONNECTION_LIMIT, (unsigned int)hard_total,
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)hard_client,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)l->idle_timeout,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)l->max_header,
      MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_NOTIFY_COMPLETED,
      on_completed, s, MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int)128, MHD_OPTION_END);
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
  if (s->daemon) MHD_stop_daemon(s->daemon);
  pthread_mutex_destroy(&s->lock);
  free(s->clients);
  free(s);
}
