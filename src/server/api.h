/* api.h: what the endpoint files (api_*.c) share with the router (api.c).
 * Every handler answers one route: it reads the request, writes the
 * response, and reports bad input as problem+json with the field path. */
#ifndef MM_SERVER_API_H
#define MM_SERVER_API_H
#include "auth/auth.h"
#include "json/json.h"
#include "mmpath.h"
#include "server/server.h"

typedef struct mm_call {
  const mm_api *api;
  const mm_request *req;
  mm_response *out;
  mm_principal who;   /* role MM_ROLE_NONE when anonymous */
  const char *arg;    /* the {…} path segment of the route, decoded, or NULL */
} mm_call;

typedef void (*mm_handler)(mm_call *c);

/* One endpoint. The route table (api.c) is the one list of the endpoints:
 * the router, the 405 Allow lists and the index (GET /api/v1) are read
 * from it, and tests/unit/test_server.c checks docs/http-api.md against it. */
typedef struct mm_route {
  const char *method;  /* "GET", "POST" (a GET route answers HEAD too) */
  const char *pattern; /* "/api/v1/scores/{}": "{}" matches one path segment */
  unsigned access;     /* who may call it (api.c) */
  mm_handler fn;
  const char *param;   /* the {} segment as the index names it ("name"), or NULL */
  const char *query;   /* the query the index shows ("lang=it|en"), or NULL */
  const char *what;    /* one line for the index; NULL: not listed */
} mm_route;

/* The route table, in routing order, ending with a NULL method. Static. */
const mm_route *mm_api_routes(void);
/* Whether path matches a route's pattern; *arg gets the {} segment
 * (allocated in a), untouched when the pattern has none. */
bool mm_api_route_match(const char *pattern, const char *path, mm_arena *a, const char **arg);

/* ---- helpers (api.c) ---- */
/* ?lang=it|en (default en); NULL after answering 400. */
const char *mm_api_lang(mm_call *c);
/* ?format= one of the NULL-ended `allowed` (first is the default); NULL after
 * answering 400. */
const char *mm_api_format(mm_call *c, const char *const *allowed);
/* The body as one JSON value (strict). NULL after answering 400/415. */
mm_json *mm_api_json_body(mm_call *c);
/* 200 with a JSON body already in c->out->body. */
void mm_api_json_ok(mm_call *c, int status);
/* 500 with a one-line detail. */
void mm_api_internal(mm_call *c, const char *detail);
/* 501 for an endpoint whose module is not in this build. */
void mm_api_not_implemented(mm_call *c, const char *what);
/* 503 storage-unavailable with Retry-After: the database cannot be opened
 * for a reason of the machine's, not of the request. detail says which,
 * never a patient's data. */
void mm_api_storage_unavailable(mm_call *c, const char *detail);
/* ---- what a worker thread keeps between requests (api_worker.c) ---- */
struct mm_token_cache;
/* An evaluation context lent to this call (mmpath.h "Many evaluations"):
 * one of the worker's, warm, or a new one (without a worker, or when all
 * are lent). NULL: out of memory or no kb. Give it back with
 * mm_api_lease_give, or hand it to the transport with its answer
 * (mm_api_send_lease). */
typedef struct mm_api_lease mm_api_lease;
mm_api_lease *mm_api_lease_take(mm_call *c);
mmpath_context *mm_api_lease_context(const mm_api_lease *l);
/* Gives l back unused. NULL is fine. */
void mm_api_lease_give(mm_api_lease *l);
/* The answer's body is text[0..len), in l's context (as its last call
 * returned): sent without a copy, l given back once it is sent. -1 when
 * over the response cap (l given back; the transport then answers 500). */
int mm_api_send_lease(mm_call *c, mm_api_lease *l, const char *text, size_t len);
/* The worker's cache of accepted tokens (auth/token_cache.h), or NULL when
 * api->token_ttl is 0 or the call has no worker. Borrowed. */
struct mm_token_cache *mm_api_token_cache(mm_call *c);
/* Frees what mm_api_* kept in a worker's slot (req->worker_data), when no
 * response it lent is still being sent (after mm_server_stop). */
void mm_api_worker_close(void *worker_data);

/* The database (referral/store.h: referrals, tokens, audit) for this call:
 * the worker thread's store under the thread pool (its statements prepared
 * once), else the connection's, else a new one; NULL after answering (503
 * for a database that cannot be opened, is full, read-only or busy). Give
 * it back with mm_api_store_done, never free it: it is kept for the next
 * request unless the answer is a 5xx. (api.c) */
struct mm_ref_store *mm_api_store(mm_call *c);
void mm_api_store_done(mm_call *c, struct mm_ref_store *s);
/* Answers a store's error code: 503 busy (Retry-After), storage-full,
 * storage-read-only (each its own problem code), else 500. s may be NULL.
 * (api_referrals.c) */
void mm_api_store_error(mm_call *c, struct mm_ref_store *s, int rc);
/* One audit row by the caller's token, in its own transaction: 0 or the
 * store's error code. */
int mm_api_audit(mm_call *c, struct mm_ref_store *s, const char *action, const char *object,
                 int status, const char *detail);
/* The problems of an invalid record (the library's list) as a 422 problem:
 * each path put under `prefix` ("body", "body.prefetch.mmpathPatient"),
 * its position after the message, its code's name as `code`. */
void mm_api_invalid_record(mm_call *c, const mmpath_problems *problems, const char *title,
                           const char *prefix);

/* ---- endpoints ---- */
void mm_ep_index(mm_call *c);
void mm_ep_health(mm_call *c);
void mm_ep_me(mm_call *c);
void mm_ep_kb(mm_call *c);            /* GET /api/v1/kb */
void mm_ep_kb_section(mm_call *c);    /* GET /api/v1/kb/{drugs|regimens|therapies|trials} */
void mm_ep_evaluate(mm_call *c);      /* POST /api/v1/evaluate */
void mm_ep_facts(mm_call *c);         /* POST /api/v1/facts */
void mm_ep_screen(mm_call *c);        /* POST /api/v1/screen */
void mm_ep_screen_files(mm_call *c);  /* GET /api/v1/screen-files */
void mm_ep_scores(mm_call *c);        /* GET /api/v1/scores */
void mm_ep_score(mm_call *c);         /* POST /api/v1/scores/{name} */
void mm_ep_referrals(mm_call *c);     /* GET /api/v1/referrals */
void mm_ep_referral_new(mm_call *c);  /* POST /api/v1/referrals */
void mm_ep_referral(mm_call *c);      /* GET /api/v1/referrals/{id} */
void mm_ep_referral_event(mm_call *c);/* POST /api/v1/referrals/{id}/events */
void mm_ep_referral_next(mm_call *c);  /* GET /api/v1/referrals/{id}/next (api_pathway.c) */
void mm_ep_referral_letter(mm_call *c);/* GET /api/v1/referrals/{id}/letter */
void mm_ep_registry_export(mm_call *c);/* GET /api/v1/registry-export */
/* The write of POST /api/v1/referrals/{id}/events (api_pathway.c): e holds
 * date/state/reason/note/actor read from body; reads kind and data, checks
 * the caller's rights, appends through the pathway check. 0 with *detail
 * (the event as JSON, for the audit), or -1 after answering. */
int mm_api_pathway_event(mm_call *c, const mm_json *body, struct mm_ref_event *e, char **detail);
/* body with an "id" member the store will replace (server-issued ids). */
mm_json *mm_api_with_placeholder_id(mm_call *c, mm_json *body);
void mm_ep_referral_vocab(mm_call *c);/* GET /api/v1/referral-vocabulary */
void mm_ep_funnel(mm_call *c);        /* GET /api/v1/funnel */
void mm_ep_cds_discovery(mm_call *c); /* GET /cds-services */
void mm_ep_cds_options(mm_call *c);   /* POST /cds-services/mmpath-options */
void mm_ep_cds_feedback(mm_call *c);  /* POST /cds-services/mmpath-options/feedback */
void mm_ep_cds_evaluation(mm_call *c);/* GET /cds-services/evaluations/{id} */
void mm_ep_fhir_import(mm_call *c);   /* POST /api/v1/fhir/import */
void mm_ep_examples(mm_call *c);      /* GET /api/v1/examples */

#endif
