/* server.h: `mmpath serve`'s API (/api/v1, /cds-services) over the
 * read-only mm_api context, and what the server needs besides: the
 * background jobs of streamed screening and the demo data of a new
 * database.
 *
 * The layers, bottom up, so the API can be tested and fuzzed without
 * sockets:
 *   http/   the transport and the request/response model (http.h): the
 *           only code that knows libmicrohttpd; it calls the API through
 *           the mm_http_handler that mm_api_http_handler() fills;
 *   auth/   roles, the principal of a token, the token and audit tables;
 *   web/    the page's files embedded in the binary (assets.h);
 *   server/ (with cds/) the router and the endpoints: pure functions from
 *           a request to a response (api.h).
 *
 * Ownership: everything a request allocates lives in its arena (req->arena)
 * or in the response's strbuf, released by the transport once the response
 * is sent; what a worker keeps between requests (its store, evaluation
 * contexts, accepted tokens) is in its slot (api_worker.c). The mm_api
 * context is read-only while serving. */
#ifndef MM_SERVER_H
#define MM_SERVER_H
#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"
#include "kb/kb.h"
#include "referral/referral.h"

/* What the endpoints share: read-only while the server runs. */
struct mm_scores;
struct mm_fhir_map;
struct mm_jwt_verifier;
struct mm_cds_store;

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
  unsigned token_ttl;       /* seconds a worker answers a token it accepted
                               from memory (auth/token_cache.h): a revocation
                               counts at most this late; 0: every request
                               reads the store */
  mm_server_limits limits;
  mm_jobs *jobs;            /* NULL: endpoints that stream answer 503 */
  const struct mm_fhir_map *fhir; /* kb/fhir.yaml: CDS Hooks FHIR prefetch;
                                     NULL: only mmpath/patient@1 is read */
  /* CDS Hooks (docs/cds-hooks.md). Each NULL/0 when not configured. */
  struct mm_jwt_verifier *cds_jwt; /* trusted CDS clients' keys (auth/jwt.h):
                                      their JWTs are accepted on the services
                                      beside mmpath's tokens; thread-safe */
  const char *public_url;   /* the server's public base URL, no trailing '/':
                               a JWT's aud is it + the path called; the cards'
                               links start with it */
  size_t cds_max_body;      /* body cap of POST /cds-services/...: prefetch
                               can be large (0: limits.max_body) */
  struct mm_cds_store *cds_store; /* the evaluations the cards link to
                                     (cds/cds.h); NULL: no links */
  const char *cds_smart_url; /* a SMART app launch URL for a `smart` link */
  const char *screen_dir;   /* serve --screen-dir: registry files on the server
                               that hub and analyst tokens screen by name
                               (POST /api/v1/screen?file=NAME); NULL: none */
} mm_api;

/* The body cap of a request (before its body is read): max_screen_body for
 * POST /api/v1/screen, cds_max_body (when set) for POST /cds-services/...,
 * max_body otherwise. A cap over max_body means the
 * body is spooled to a temporary file instead of memory (req->body_fd). */
size_t mm_api_body_limit(const mm_api *api, const char *method, const char *path);
/* From the request line and headers alone (head has no body): routes the
 * request and checks its token and role. true after answering a refusal
 * (401, 403, 503 when the token store cannot be read) into out; false
 * otherwise, with *admitted (in head->arena) telling mm_api_handle the
 * route and the caller, or NULL when handle must route (404, 405, pages). */
bool mm_api_admit(const mm_api *api, const mm_request *head, mm_response *out,
                  void **admitted);
/* Routes and answers one request (req->admitted: as mm_api_admit decided).
 * Never fails: errors become problems. req->worker_data, when not NULL,
 * keeps the worker thread's database handles (token checks, the referral
 * store) between requests, released by the handler's worker_close; else
 * req->conn_data keeps the token-check handle for the connection. */
void mm_api_handle(const mm_api *api, const mm_request *req, mm_response *out);

/* Fills *out so that mm_server_start answers with this API: body_limit,
 * admit and handle above, conn_close and worker_close closing the database
 * handles kept per connection and per worker. api must outlive the server. */
void mm_api_http_handler(mm_http_handler *out, const mm_api *api);

/* ---- first start (demo.c) ---- */
/* Loads the demo referrals into the registry at db_path (all or nothing).
 * *n_out is the number of referrals loaded. -1 with a reason in err. */
int mm_server_load_demo(const char *db_path, const mm_ref_kb *ref_kb, size_t *n_out,
                        char *err, size_t err_len);

#endif
