/* token_cache.h: the tokens a server worker accepted a moment ago, so that
 * a client sending one request after another costs one database read a
 * `ttl` rather than one a request (docs/http-api.md#access).
 *
 * What stays true: a token is answered from the cache only if the store
 * accepted it less than `ttl` seconds ago (monotonic clock), and its expiry
 * is checked again at every use; anything else (a token never seen, one
 * refused, one seen longer ago) is read from the store, as mm_token_check.
 * So a revocation (`mmpath token revoke`, in whatever process or server)
 * counts at most `ttl` seconds late on every server; ttl 0 makes no cache.
 * Refusals are never cached: each is read, audited and counted.
 *
 * The cache keeps each token's SHA-256, never the token. One cache belongs
 * to one thread (a server worker): it has no lock. */
#ifndef MM_AUTH_TOKEN_CACHE_H
#define MM_AUTH_TOKEN_CACHE_H
#include "auth/token_store.h"

typedef struct mm_token_cache mm_token_cache;

/* A cache whose entries live ttl seconds (> 0). 0, or MM_REF_ENOMEM. Free
 * with mm_token_cache_free. */
int mm_token_cache_new(mm_token_cache **out, unsigned ttl);
void mm_token_cache_free(mm_token_cache *c);

/* true when the token was accepted less than ttl seconds ago and has not
 * expired since: *out is its principal (centre copied into arena). false:
 * ask mm_token_cache_check. c may be NULL (always false). */
bool mm_token_cache_get(mm_token_cache *c, const char *token, mm_principal *out,
                        mm_arena *arena);
/* mm_token_check, remembering the token when the store accepts it (c may
 * be NULL: nothing is remembered). Same returns. */
int mm_token_cache_check(mm_token_cache *c, mm_principal *out, mm_token_state *state,
                         mm_ref_store *s, const char *token, mm_arena *arena);

#endif
