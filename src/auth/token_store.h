/* token_store.h: API tokens: made here (32 random bytes, shown once as
 * "mmp_<64 hex>"), stored as their SHA-256 through the storage interface
 * (referral/store.h: SQLite or PostgreSQL, the same database as the
 * referrals, so a token made on one server works on all), checked on every
 * request (known, not revoked, not expired). */
#ifndef MM_AUTH_TOKEN_STORE_H
#define MM_AUTH_TOKEN_STORE_H
#include <stdbool.h>
#include <stddef.h>

#include "auth/auth.h"
#include "referral/store.h"
#include "util/arena.h"

/* "mmp_" + 64 hex characters */
#define MM_TOKEN_LEN 68

/* Why a token was refused (mm_token_check). */
typedef enum {
  MM_TOKEN_OK = 0,
  MM_TOKEN_UNKNOWN, /* not a token of this database (or malformed) */
  MM_TOKEN_REVOKED,
  MM_TOKEN_EXPIRED
} mm_token_state;

/* Creates a token for a centre of the network and a role: *token_out is the
 * token in clear (shown once), only its hash is stored, with its audit row
 * (by s's who) in the same transaction. expires: UTC "YYYY-MM-DDTHH:MM:SSZ"
 * or NULL (never). A centre the network does not know is refused
 * (MM_REF_ENOTFOUND) unless add_center. Returns an MM_REF_E* code. */
int mm_token_new(char token_out[MM_TOKEN_LEN + 1], long long *id_out, mm_ref_store *s,
                 const char *center, mm_role role, const char *expires, bool add_center,
                 const char *by);
/* Looks a token up: 0 with *state MM_TOKEN_OK and *out filled (strings in
 * arena) when it is known, not revoked and not expired; 0 with another
 * *state when it is refused (out->token_id set when the token is known);
 * an MM_REF_E* code when the store fails. */
int mm_token_check(mm_principal *out, mm_token_state *state, mm_ref_store *s,
                   const char *token, mm_arena *arena);
/* mm_token_check that also gives the token's expiry (*expires: UTC
 * "YYYY-MM-DDTHH:MM:SSZ" in arena, or NULL: never) when it is known. */
int mm_token_check_ex(mm_principal *out, mm_token_state *state, const char **expires,
                      mm_ref_store *s, const char *token, mm_arena *arena);
/* "90d", "12h", "30m", "3600s", "2w": seconds; "never" or "0": 0. false
 * when s is none of these. */
bool mm_token_parse_lifetime(const char *s, long long *seconds);
/* The audit's view of a principal (borrows its strings). */
mm_ref_who mm_principal_who(const mm_principal *p);

#endif
