/* http.h: the HTTP transport of `mmpath serve` and the request/response
 * model it shares with whoever answers the requests.
 *
 * The transport (http.c, the only file that knows libmicrohttpd; guard.c
 * and log.c beside it) accepts connections on a pool of worker threads,
 * enforces the limits (mm_server_limits: sizes, deadlines against slow
 * clients, connections per address, refused tokens per address), turns
 * each request into an mm_request and sends the mm_response back, and logs
 * one line per request. What a request means is not its business: it calls
 * an mm_http_handler given to mm_server_start (the API router of
 * src/server is one), first from the headers alone (admit: a refusal is
 * sent before any body byte is read) then with the body (handle), so this
 * layer includes nothing above src/util.
 *
 * Ownership: everything a request allocates lives in its arena
 * (req->arena) or in the response's strbuf, released by http.c when the
 * request is completed; a body the handler lends (mm_response_ext) is
 * given back to it once sent. The mutable shared state (connection table, refused
 * tokens per address, the workers' slots) lives in the mm_server object,
 * each part guarded by its mutex. */
#ifndef MM_HTTP_H
#define MM_HTTP_H
#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/strbuf.h"

/* Limits, each named in the error that enforces it (docs/deploy.md#limits). */
typedef struct mm_server_limits {
  size_t max_body;          /* request body, bytes (1 MiB) */
  size_t max_screen_body;   /* JSON Lines body of /api/v1/screen (64 MiB) */
  size_t max_header;        /* request line + headers, bytes (16 KiB) -> 431 */
  unsigned max_connections; /* open connections in all; over it -> 503 (the
                               reserved path is still answered) */
  unsigned max_per_client;  /* open connections from one address -> 429 */
  unsigned idle_timeout;    /* seconds a connection may stay silent */
  size_t max_response;      /* cap of any response body (256 MiB) */
  unsigned header_timeout;  /* seconds from a connection's opening (or the end
                               of its previous response) to the end of the
                               request's headers, however busy the sender:
                               then the connection is cut (slowloris) */
  unsigned min_body_rate;   /* bytes a second a body must average once it has
                               taken header_timeout seconds; else cut */
  unsigned max_query_args;  /* query arguments of one request -> 400 */
  unsigned auth_failures;   /* failed authentications an address may make a
                               minute; beyond them 429 + Retry-After */
} mm_server_limits;

#define MM_SERVER_LIMITS_INIT                                                      \
  {.max_body = (size_t)1 << 20, .max_screen_body = (size_t)64 << 20,              \
   .max_header = 16384, .max_connections = 256, .max_per_client = 16,             \
   .idle_timeout = 10, .max_response = (size_t)256 << 20, .header_timeout = 10,   \
   .min_body_rate = 1024, .max_query_args = 100, .auth_failures = 10}

/* ---- one request and its response (http.c fills / sends them) ---- */
typedef struct mm_kv {
  const char *key, *value;
} mm_kv;

typedef struct mm_request {
  const char *method;        /* "GET", "POST", ... */
  const char *path;          /* decoded path, without the query */
  const mm_kv *query;        /* decoded query arguments, in order */
  size_t n_query;
  const char *authorization; /* header values, NULL when absent */
  const char *content_type;
  const char *accept;
  const char *body;          /* NUL-terminated; NULL when empty */
  size_t body_len;
  mm_arena *arena;           /* freed after the response is sent */
  void **conn_data;          /* the handler's slot for the connection's life
                                (the API keeps a read-only database handle
                                there), NULL until it fills it; released by
                                the handler's conn_close when the connection
                                closes. NULL: no connection to keep it on */
  int body_fd;               /* >= 0: the body was spooled to this file (big
                                bodies: screening) and `body` is NULL;
                                body_len is its size. Owned by http.c */
  void **worker_data;        /* the handler's slot for the life of the worker
                                thread answering (the API keeps its open
                                database handles there: one per worker, not
                                per request), NULL until it fills it; released
                                by the handler's worker_close at stop. NULL:
                                no worker to keep it on */
  const char *client;        /* the peer's address ("127.0.0.1"; X-Real-IP
                                from the trusted proxy), or "?" */
  void *admitted;            /* what the handler's admit() left for handle()
                                (in req->arena), or NULL */
} mm_request;

/* Cross-origin headers of a response (the Fetch standard's CORS protocol).
 * NULL members are not sent; a preflight's answer fills them all. */
typedef struct mm_cors {
  const char *allow_origin;  /* Access-Control-Allow-Origin ("*") */
  const char *allow_methods; /* preflight: Access-Control-Allow-Methods */
  const char *allow_headers; /* preflight: Access-Control-Allow-Headers */
  const char *max_age;       /* preflight: Access-Control-Max-Age, seconds */
} mm_cors;

typedef struct mm_response {
  int status;
  const char *content_type;       /* static string */
  mm_strbuf body;                 /* owned; sent then freed */
  const unsigned char *static_body; /* when set, sent instead of body */
  size_t static_len;
  /* A body the handler keeps (a buffer of its own pool), sent instead of
   * `body` without a copy: ext_release(ext_cls) is called exactly once,
   * when the transport is done with it (sent, or the connection gone; on
   * the worker thread that answered, or at stop), or by mm_response_free
   * and mm_problem when it is not sent. Set with mm_response_ext. */
  const char *ext_body;
  size_t ext_len;
  void (*ext_release)(void *ext_cls);
  void *ext_cls;
  int pipe_fd;                    /* >= 0: the body is streamed from this
                                     pipe until EOF (http.c closes it) */
  const char *allow;              /* 405: the methods allowed */
  const char *www_authenticate;   /* 401 */
  const char *retry_after;        /* 429, 503 */
  const char *location;           /* 201 */
  const char *csp;                /* Content-Security-Policy, or NULL */
  const char *cache_control;      /* NULL: no-store */
  const mm_cors *cors;            /* NULL: no CORS headers; static */
  long long token_id;             /* the caller's token, for the request log
                                     (never the token itself); 0: none */
  bool auth_failed;               /* a token was presented and refused: counts
                                     against the address (limits.auth_failures) */
} mm_response;

/* A 200 with an empty body capped at `max` bytes (0: no cap). */
void mm_response_init(mm_response *r, size_t max);
/* Frees the body, releases ext_body and closes pipe_fd. */
void mm_response_free(mm_response *r);
/* Sends data[0..len) as the body (released by release(cls), see
 * mm_response_ext's fields above), replacing and freeing any other body.
 * release may be NULL (static data). */
void mm_response_ext(mm_response *r, const char *data, size_t len, void (*release)(void *cls),
                     void *cls);

/* RFC 9457 problem details (application/problem+json) with an `errors`
 * array of {path, message}: replaces whatever body r had. `slug` names the
 * problem type (`urn:mmpath:problem:<slug>`, listed in docs/http-api.md). */
void mm_problem(mm_response *r, int status, const char *slug, const char *title,
                const char *detail, const mm_kv *errors, size_t n_errors);
/* mm_problem with a `code` key in each error (codes[i], NULL: none): the
 * stable name of the problem's kind (mm_diag_code_name). */
void mm_problem_coded(mm_response *r, int status, const char *slug, const char *title,
                      const char *detail, const mm_kv *errors, const char *const *codes,
                      size_t n_errors);
/* The same with one error. */
void mm_problem1(mm_response *r, int status, const char *slug, const char *title,
                 const char *path, const char *message);

/* Query argument (last one wins), or NULL. */
const char *mm_request_query(const mm_request *req, const char *key);

/* ---- what answers the requests ---- */
#define MM_HTTP_HANDLER_VERSION 2

/* Given to mm_server_start, copied; ctx must outlive the server. Every
 * callback may run on several connection threads at once. */
typedef struct mm_http_handler {
  unsigned version; /* MM_HTTP_HANDLER_VERSION */
  const void *ctx;  /* passed back to every callback */
  /* The body cap of a request, asked before its body is read. A cap over
   * the configured max_body means the body is spooled to a temporary
   * file instead of memory (req->body_fd). */
  size_t (*body_limit)(const void *ctx, const char *method, const char *path);
  /* Version 2. Called once the request line and headers are in, before
   * any byte of the body is read or spooled: `head` has no body (body NULL,
   * body_fd -1). Returns true after answering `out` itself (a refused token,
   * a role without the right): the body is then never read, and a client
   * that sent `Expect: 100-continue` gets this answer instead of 100.
   * Otherwise it may leave a pointer (allocated in head->arena) in
   * *admitted, passed to handle() as req->admitted. NULL: no such step. */
  bool (*admit)(const void *ctx, const mm_request *head, mm_response *out, void **admitted);
  /* Answers one request into `out` (already initialised). */
  void (*handle)(const void *ctx, const mm_request *req, mm_response *out);
  /* Releases what handle() left in a connection's slot (req->conn_data);
   * called once when the connection closes, only if the slot is not NULL.
   * NULL: the handler never fills the slot. */
  void (*conn_close)(const void *ctx, void *conn_data);
  /* Version 2. Releases what handle() left in a worker's slot
   * (req->worker_data); called once per filled slot when the server stops,
   * after every worker has ended. NULL: the handler never fills it. */
  void (*worker_close)(const void *ctx, void *worker_data);
} mm_http_handler;

/* ---- the running server (http.c) ---- */
/* The request log's format: one line per request (and per connection cut
 * or address throttled) on standard error, which the journal keeps. */
typedef enum mm_log_format {
  MM_LOG_LOGFMT = 0, /* time=... method=GET path=/api/v1/health status=200 ... */
  MM_LOG_JSON,       /* {"time":"...","method":"GET",...} */
  MM_LOG_NONE
} mm_log_format;

typedef struct mm_server_config {
  const char *bind; /* IPv4 address to listen on: "127.0.0.1" by default */
  unsigned port;    /* 0: any free port */
  mm_server_limits limits;
  unsigned workers; /* threads serving the connections; 0: one per core */
  const char *reserved_path; /* answered (GET) even over max_connections:
                                the health check; NULL: none */
  mm_log_format log_format;
  const char *trusted_proxy; /* the reverse proxy's address: its X-Real-IP
                                header names the client (throttling, log);
                                NULL: none */
} mm_server_config;

typedef struct mm_server mm_server;

/* Starts listening (threads of its own), answering with `handler`.
 * On failure returns -1 with a one-line reason in err. */
int mm_server_start(mm_server **out, const mm_http_handler *handler,
                    const mm_server_config *cfg, char *err, size_t err_len);
/* The port actually bound (useful with port 0). */
unsigned mm_server_port(const mm_server *s);
/* Stops listening, waits for the connection threads, frees. NULL is fine. */
void mm_server_stop(mm_server *s);

#endif
