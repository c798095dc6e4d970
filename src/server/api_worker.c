/* api_worker.c: what one worker thread of the server keeps between the
 * requests it answers (req->worker_data), so that a request pays for its
 * own work only (bench/README.md "The server under load"):
 *   - the store (referral/store.h: referrals, tokens, audit), opened once,
 *     its statements prepared once;
 *   - evaluation contexts (mmpath_context: arena, answer buffer and the
 *     kb's rendered pieces kept warm; the kb itself is shared read-only by
 *     every worker). The answer is sent straight from the context's buffer
 *     (a 180 KB copy cost more than a quarter of a request), so the context
 *     is lent with it and given back by the transport once the last byte
 *     is sent: a worker keeps as many as it has answers in flight, a few;
 *   - the tokens it accepted a moment ago (auth/token_cache.h).
 * Used only by its thread (the contexts also by the transport's release,
 * hence their lock); freed at stop by mm_api_worker_close, after every
 * worker and every response has ended. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "auth/token_cache.h"
#include "referral/store.h"
#include "server/api.h"

/* Contexts a worker keeps for the next answers: one per answer still
 * being sent at once (a few; each a few hundred KB once warm). */
#define CONTEXTS_KEEP 8

typedef struct api_worker api_worker;

/* A context lent to one call, then to the transport with its answer. */
struct mm_api_lease {
  api_worker *w; /* NULL: not kept (freed when given back) */
  mm_api_lease *next;
  mmpath_context *ctx;
};

struct api_worker {
  mm_ref_store *store;
  mm_token_cache *tokens;
  bool tokens_failed;
  pthread_mutex_t lock; /* the contexts: the transport gives them back */
  mm_api_lease *free;   /* kept for reuse, warm */
  unsigned n_free;
};

static api_worker *worker_of(mm_call *c) {
  void **slot = c->req->worker_data;
  if (!slot) return NULL;
  if (!*slot) {
    api_worker *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    pthread_mutex_init(&w->lock, NULL);
    *slot = w;
  }
  return *slot;
}

/* ---- the store ---- */

/* Where this call may keep its store for the next requests: the worker's
 * slot under the thread pool, else the connection's; NULL: nowhere. */
static mm_ref_store **kept_store(mm_call *c) {
  api_worker *w = worker_of(c);
  if (w) return &w->store;
  return c->req->conn_data ? (mm_ref_store **)c->req->conn_data : NULL;
}

mm_ref_store *mm_api_store(mm_call *c) {
  mm_ref_store **keep = kept_store(c);
  if (keep && *keep) {
    mm_ref_store_set_who(*keep, NULL);
    return *keep;
  }
  mm_ref_store *s = NULL;
  char err[256];
  int rc = mm_ref_store_open(&s, c->api->db_path, c->api->ref_kb, err, sizeof err);
  if (rc != MM_REF_OK) {
    if (rc == MM_REF_EBUSY || rc == MM_REF_EFULL || rc == MM_REF_EREADONLY)
      mm_api_store_error(c, NULL, rc);
    else
      mm_api_storage_unavailable(c, "the database cannot be opened");
    return NULL;
  }
  if (keep) *keep = s;
  return s;
}

void mm_api_store_done(mm_call *c, mm_ref_store *s) {
  if (!s) return;
  mm_ref_store **keep = kept_store(c);
  if (keep && *keep == s) {
    /* kept for the next request, unless this one failed: then the next
     * request opens it anew */
    mm_ref_store_set_who(s, NULL);
    if (c->out->status < 500) return;
    *keep = NULL;
  }
  mm_ref_store_free(s);
}

/* ---- evaluation contexts and the token cache ---- */

mm_api_lease *mm_api_lease_take(mm_call *c) {
  api_worker *w = worker_of(c);
  if (w) {
    pthread_mutex_lock(&w->lock);
    mm_api_lease *l = w->free;
    if (l) {
      w->free = l->next;
      w->n_free--;
    }
    pthread_mutex_unlock(&w->lock);
    if (l) return l;
  }
  mm_api_lease *l = calloc(1, sizeof *l);
  if (!l) return NULL;
  if (!c->api->kb || mmpath_context_new(&l->ctx, c->api->kb) != MMPATH_OK) {
    free(l);
    return NULL;
  }
  l->w = w;
  return l;
}

mmpath_context *mm_api_lease_context(const mm_api_lease *l) { return l->ctx; }

/* Also the transport's release of an answer sent from the context. */
static void lease_give(void *cls) {
  mm_api_lease *l = cls;
  api_worker *w = l->w;
  if (w) {
    pthread_mutex_lock(&w->lock);
    if (w->n_free < CONTEXTS_KEEP) {
      l->next = w->free;
      w->free = l;
      w->n_free++;
      l = NULL;
    }
    pthread_mutex_unlock(&w->lock);
  }
  if (l) {
    mmpath_context_free(l->ctx);
    free(l);
  }
}

void mm_api_lease_give(mm_api_lease *l) {
  if (l) lease_give(l);
}

int mm_api_send_lease(mm_call *c, mm_api_lease *l, const char *text, size_t len) {
  if (c->out->body.max && len > c->out->body.max) {
    c->out->body.failed = true; /* as the strbuf would: 500, over the cap */
    lease_give(l);
    return -1;
  }
  mm_response_ext(c->out, text, len, lease_give, l);
  return 0;
}

mm_token_cache *mm_api_token_cache(mm_call *c) {
  api_worker *w = worker_of(c);
  if (!w || !c->api->token_ttl || w->tokens_failed) return NULL;
  if (!w->tokens && mm_token_cache_new(&w->tokens, c->api->token_ttl) != 0) {
    w->tokens_failed = true;
    return NULL;
  }
  return w->tokens;
}

void mm_api_worker_close(void *worker_data) {
  api_worker *w = worker_data;
  if (!w) return;
  mm_ref_store_free(w->store);
  mm_token_cache_free(w->tokens);
  for (mm_api_lease *l = w->free, *next; l; l = next) {
    next = l->next;
    mmpath_context_free(l->ctx);
    free(l);
  }
  pthread_mutex_destroy(&w->lock);
  free(w);
}
