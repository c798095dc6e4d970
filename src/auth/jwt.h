/* jwt.h: the CDS client's JSON Web Token, as CDS Hooks 2.0 asks a service to
 * trust its clients (https://cds-hooks.hl7.org/2.0/#trusting-cds-clients):
 * a JWS (RFC 7515) signed ES384 or RS384 by a key of the issuer's JWK Set
 * (RFC 7517), the issuer on an allow-list, `aud` the URL of the endpoint
 * called, `exp` in the future (and at most a few minutes away), `jti` never
 * seen twice. `none` and symmetric algorithms (HS*) are refused, as the
 * specification says; `jku` is not fetched: each issuer's JWK Set is a local
 * file named in the server's configuration.
 *
 * A verifier is built once at start (issuers, keys) and then shared by
 * every connection thread: its only mutable part, the cache of seen `jti`
 * values, is bounded and guarded by its own mutex. No global state.
 * Signatures are checked with OpenSSL's libcrypto (EVP). */
#ifndef MM_AUTH_JWT_H
#define MM_AUTH_JWT_H
#include <stddef.h>
#include <time.h>

typedef struct mm_jwt_verifier mm_jwt_verifier;

/* The refusals of mm_jwt_verify (negative), each with a stable problem
 * code (mm_jwt_code) for the 401's body. */
enum {
  MM_JWT_EMALFORMED = -1, /* not three base64url parts of JSON objects */
  MM_JWT_EALG = -2,       /* alg missing, none, symmetric or not ES384/RS384 */
  MM_JWT_EISSUER = -3,    /* iss missing or not on the allow-list */
  MM_JWT_EKID = -4,       /* kid missing, or no key of the issuer has it */
  MM_JWT_ESIGNATURE = -5, /* the signature does not verify */
  MM_JWT_EAUDIENCE = -6,  /* aud is not the endpoint called */
  MM_JWT_EEXPIRED = -7,   /* exp missing, past, or too far ahead */
  MM_JWT_EJTI = -8,       /* jti missing */
  MM_JWT_EREPLAY = -9,    /* jti already seen from that issuer */
  MM_JWT_EBUSY = -10,     /* the jti cache is full of live tokens (503) */
  MM_JWT_ENOMEM = -11
};

/* "jwt-malformed", "jwt-alg", ... for a refusal; "jwt-invalid" otherwise. */
const char *mm_jwt_code(int rc);

/* A new verifier with no issuer. skew_seconds: the clock difference
 * allowed on exp (and iat); max_lifetime: how far in the future exp may
 * be (the specification suggests 5 minutes); jti_capacity: the most live
 * jti values remembered (a full cache refuses, never forgets a live one).
 * 0 or MM_JWT_ENOMEM. Free with mm_jwt_verifier_free. */
int mm_jwt_verifier_new(mm_jwt_verifier **out, long skew_seconds, long max_lifetime,
                        size_t jti_capacity);
void mm_jwt_verifier_free(mm_jwt_verifier *v);

/* Trusts issuer `iss` with the public keys of the JWK Set in `jwks_json`
 * (EC P-384 and RSA of at least 2048 bits, each with a kid). 0, or -1 with
 * a one-line reason in err (the JSON path of what is wrong). */
int mm_jwt_verifier_add_issuer(mm_jwt_verifier *v, const char *iss, const char *jwks_json,
                               size_t len, char *err, size_t err_len);
/* How many issuers are trusted. */
size_t mm_jwt_verifier_issuers(const mm_jwt_verifier *v);

/* What a verified token says. Strings are copied into `buf` members. */
typedef struct mm_jwt_claims {
  char iss[256];
  char sub[256];
} mm_jwt_claims;

/* Verifies `token` (the bearer value) for the endpoint URL `audience` at
 * time `now`: 0 with *claims filled, or a refusal (negative, above) with a
 * one-line reason in why (never the token's contents beyond the names of
 * its fields). A verified jti is remembered until its exp. Thread-safe. */
int mm_jwt_verify(mm_jwt_verifier *v, const char *token, const char *audience, time_t now,
                  mm_jwt_claims *claims, char *why, size_t why_len);

/* RFC 4648 §5 base64url without padding: decodes src[0..n) into out (room
 * for n*3/4+1 bytes); returns the length, or -1 on a character outside the
 * alphabet or a bad length. */
long mm_base64url_decode(unsigned char *out, const char *src, size_t n);

#endif
