/* server.h: `mmpath serve`, the HTTP API (/api/v1, /cds-services) and the web
 * page, in one binary.
 *
 * Three layers, so the API can be tested and fuzzed without sockets:
 *   http/http.c  the only file that knows libmicrohttpd: connections, limits
 *            (body, header, connections per client, idle time), turning an
 *            MHD request into an mm_request and an mm_response back;
 *   server/api*.c, cds/cds_hooks.c  the router and the endpoints: pure functions from a request to
 *            a response over the read-only mm_api context;
 *   auth/token_store.c  the server's own tables in the SQLite file (tokens, audit).
 *
 * Ownership: everything a request allocates lives in its arena (req->arena)
 * or in the response's strbuf, released by http.c when MHD reports the
 * request completed. The mm_api context is read-only while serving; the
 * only mutable shared state (connection counters) lives in the mm_server
 * object and is guarded by its mutex. */
#ifndef MM_SERVER_H
#define MM_SERVER_H
#include <stdbool.h>
#include <stddef.h>

#include "kb/kb.h"
#include "referral/referral.h"
#include "util/arena.h"
#include "util/strbuf.h"

/* Limits, each named in the error that enforces it. */
typedef struct mm_server_limits {
  size_t max_body;          /* request body, bytes (1 MiB) */
  size_t max_screen_body;   /* JSON Lines body of /api/v1/screen (64 MiB) */
  size_t max_header;        /* request line + headers, bytes (16 KiB) -> 431 */
  unsigned max_connections; /* open connections in all; over it -> 503 */
  unsigned max_per_client;  /* open connections from one address -> 429 */
  unsigned idle_timeout;    /* seconds a connection may stay silent */
  size_t max_response;      /* cap of any response body (256 MiB) */
} mm_server_limits;

#define MM_SERVER_LIMITS_INIT \
  {(size_t)1 << 20, (size_t)64 << 20, 16384, 64, 16, 10, (size_t)256 << 20}

typedef enum {
  MM_ROLE_NONE = 0, /* no token (open evaluation only) */
  MM_ROLE_HUB,      /* hub coordinator: every referral */
  MM_ROLE_SPOKE,    /* spoke clinician: the referrals its centre made */
  MM_ROLE_ANALYST   /* aggregates only (funnel) */
} mm_role;

const char *mm_role_name(mm_role r);
/* false when s is not hub, spoke or analyst */
bool mm_role_parse(const char *s, mm_role *out);

/* Who is calling: from the bearer token. */
typedef struct mm_principal {
  long long token_id; /* 0 when anonymous */
  const char *center;
  mm_role role;
} mm_principal;

/* What the endpoints share: read-only while the server runs. */
struct mm_scores;
struct mm_fhir_map;

/* Background jobs of the API (streamed screening): counted so that the
 * server's owner can wait for them before freeing the knowledge base. */
typedef struct mm_jobs mm_jobs;
int mm_jobs_new(mm_jobs **out);
/* Waits until no job runs, then frees. NULL is fine. */
void mm_jobs_free(mm_jobs *j);

typedef struct mm_api {
  const mm_kb *kb;          /* evaluation, facts, kb endpoints */
  const struct mm_scores *scores; /* src/score tables; NULL: scores answer 503 */
  const mm_ref_kb *ref_kb;  /* referral vocabulary; NULL if not loaded */
  const char *db_path;      /* the SQLite file (referrals, tokens, audit) */
  bool open_evaluate;       /* evaluate/facts/scores/kb without a token */
  mm_server_limits limits;
  mm_jobs *jobs;            /* NULL: endpoints that stream answer 503 */
  const struct mm_fhir_map *fhir; /* kb/fhir.yaml: CDS Hooks FHIR prefetch;
                                     NULL: only mmpath/patient@1 is read */
} mm_api;

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
  struct sqlite3 **conn_db;  /* a read-only database handle kept for the
                                connection's life (token checks), opened on
                                first use; NULL: open one per request */
  int body_fd;               /* >= 0: the body was spooled to this file (big
                                bodies: screening) and `body` is NULL;
                                body_len is its size. Owned by http.c */
} mm_request;

typedef struct mm_response {
  int status;
  const char *content_type;       /* static string */
  mm_strbuf body;                 /* owned; sent then freed */
  const unsigned char *static_body; /* when set, sent instead of body */
  size_t static_len;
  int pipe_fd;                    /* >= 0: the body is streamed from this
                                     pipe until EOF (http.c closes it) */
  const char *allow;              /* 405: the methods allowed */
  const char *www_authenticate;   /* 401 */
  const char *retry_after;        /* 429, 503 */
  const char *location;           /* 201 */
  const char *csp;                /* Content-Security-Policy, or NULL */
  const char *cache_control;      /* NULL: no-store */
} mm_response;

void mm_response_init(mm_response *r, size_t max);
void mm_response_free(mm_response *r);

/* RFC 9457 problem details (application/problem+json) with an `errors`
 * array of {path, message}: replaces whatever body r had. `slug` names the
 * problem type (`urn:mmpath:problem:<slug>`, listed in docs/http-api.md). */
void mm_problem(mm_response *r, int status, const char *slug, const char *title,
                const char *detail, const mm_kv *errors, size_t n_errors);
/* The same with one error. */
void mm_problem1(mm_response *r, int status, const char *slug, const char *title,
                 const char *path, const char *message);

/* The body cap of a request (before its body is read): max_screen_body for
 * POST /api/v1/screen, max_body otherwise. A cap over max_body means the
 * body is spooled to a temporary file instead of memory (req->body_fd). */
size_t mm_api_body_limit(const mm_api *api, const char *method, const char *path);
/* Routes and answers one request. Never fails: errors become problems. */
void mm_api_handle(const mm_api *api, const mm_request *req, mm_response *out);

/* Query argument (last one wins), or NULL. */
const char *mm_request_query(const mm_request *req, const char *key);

/* ---- the running server (http.c) ---- */
typedef struct mm_server_config {
  const char *bind; /* IPv4 address to listen on: "127.0.0.1" by default */
  unsigned port;    /* 0: any free port */
  mm_server_limits limits;
} mm_server_config;

typedef struct mm_server mm_server;

/* Starts listening (threads of its own); api must outlive the server.
 * On failure returns -1 with a one-line reason in err. */
int mm_server_start(mm_server **out, const mm_api *api,
                    const mm_server_config *cfg, char *err, size_t err_len);
/* The port actually bound (useful with port 0). */
unsigned mm_server_port(const mm_server *s);
/* Stops listening, waits for the connection threads, frees. NULL is fine. */
void mm_server_stop(mm_server *s);

/* ---- the web page's files, embedded at build time (assets.cmake) ---- */
typedef struct mm_asset {
  const char *path;         /* "/index.html" */
  const char *content_type;
  const unsigned char *data;
  size_t len;
} mm_asset;

/* The asset served at `path` ("/" is "/index.html"), or NULL. */
const mm_asset *mm_asset_find(const char *path);
/* A file of the demo data (src/server/demo), e.g. "/referrals.json"; NULL. */
const mm_asset *mm_demo_find(const char *path);
/* The demo patients (the .json files of demo/patients), ending with a NULL path. */
const mm_asset *mm_example_patients(void);

/* ---- first start (demo.c) ---- */
/* Loads the demo referrals into the registry at db_path (all or nothing).
 * *n_out is the number of referrals loaded. -1 with a reason in err. */
int mm_server_load_demo(const char *db_path, const mm_ref_kb *ref_kb, size_t *n_out,
                        char *err, size_t err_len);

#endif
