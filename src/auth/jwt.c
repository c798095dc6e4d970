/* jwt.c: verifying a CDS client's JWT (jwt.h): base64url, the JWK Set's
 * public keys as OpenSSL EVP keys, the JWS signature (ES384's raw r||s
 * turned into the DER that EVP verifies), the claims, the jti cache. */
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/jwt.h"
#include "auth/sha256.h"
#include "json/json.h"

enum { ALG_ES384 = 1, ALG_RS384 = 2 };
#define MAX_TOKEN 8192

typedef struct jwk {
  char *kid;
  int alg; /* what the key can verify */
  EVP_PKEY *pkey;
} jwk;

typedef struct issuer {
  char *iss;
  jwk *keys;
  size_t n_keys;
} issuer;

typedef struct seen {
  unsigned char hash[32]; /* sha256(iss NUL jti) */
  time_t until;           /* forgotten after exp + skew; 0: free */
} seen;

struct mm_jwt_verifier {
  issuer *issuers;
  size_t n_issuers;
  long skew, max_lifetime;
  pthread_mutex_t lock; /* guards seen[] only: the rest is read-only once serving */
  seen *seen;
  size_t cap;
};

const char *mm_jwt_code(int rc) {
  switch (rc) {
  case MM_JWT_EMALFORMED: return "jwt-malformed";
  case MM_JWT_EALG: return "jwt-alg";
  case MM_JWT_EISSUER: return "jwt-issuer";
  case MM_JWT_EKID: return "jwt-kid";
  case MM_JWT_ESIGNATURE: return "jwt-signature";
  case MM_JWT_EAUDIENCE: return "jwt-audience";
  case MM_JWT_EEXPIRED: return "jwt-expired";
  case MM_JWT_EJTI: return "jwt-jti";
  case MM_JWT_EREPLAY: return "jwt-replay";
  case MM_JWT_EBUSY: return "jwt-busy";
  }
  return "jwt-invalid";
}

static int b64val(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

long mm_base64url_decode(unsigned char *out, const char *src, size_t n) {
  if (n % 4 == 1) return -1;
  size_t o = 0;
  unsigned acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; i++) {
    int v = b64val(src[i]);
    if (v < 0) return -1;
    acc = (acc << 6) | (unsigned)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (unsigned char)(acc >> bits);
    }
  }
  /* the unused low bits of the last character must be zero (canonical) */
  if (bits && (acc & ((1u << bits) - 1))) return -1;
  return (long)o;
}

int mm_jwt_verifier_new(mm_jwt_verifier **out, long skew_seconds, long max_lifetime,
                        size_t jti_capacity) {
  *out = NULL;
  mm_jwt_verifier *v = calloc(1, sizeof *v);
  if (!v) return MM_JWT_ENOMEM;
  v->cap = jti_capacity ? jti_capacity : 1;
  v->seen = calloc(v->cap, sizeof *v->seen);
  if (!v->seen || pthread_mutex_init(&v->lock, NULL) != 0) {
    free(v->seen);
    free(v);
    return MM_JWT_ENOMEM;
  }
  v->skew = skew_seconds;
  v->max_lifetime = max_lifetime;
  *out = v;
  return 0;
}

void mm_jwt_verifier_free(mm_jwt_verifier *v) {
  if (!v) return;
  for (size_t i = 0; i < v->n_issuers; i++) {
    for (size_t k = 0; k < v->issuers[i].n_keys; k++) {
      EVP_PKEY_free(v->issuers[i].keys[k].pkey);
      free(v->issuers[i].keys[k].kid);
    }
    free(v->issuers[i].keys);
    free(v->issuers[i].iss);
  }
  free(v->issuers);
  free(v->seen);
  pthread_mutex_destroy(&v->lock);
  free(v);
}

size_t mm_jwt_verifier_issuers(const mm_jwt_verifier *v) { return v ? v->n_issuers : 0; }

static const char *jstr(const mm_json *o, const char *k) {
  const mm_json *x = o ? mm_json_get(o, k) : NULL;
  return x && x->type == MM_JSON_STRING ? x->str : NULL;
}

/* A base64url member of a JWK, decoded into a malloc'd buffer. */
static unsigned char *jwk_bytes(const mm_json *k, const char *name, size_t *len) {
  const char *s = jstr(k, name);
  if (!s) return NULL;
  size_t n = strlen(s);
  unsigned char *b = malloc(n * 3 / 4 + 2);
  long r = b ? mm_base64url_decode(b, s, n) : -1;
  if (r <= 0) {
    free(b);
    return NULL;
  }
  *len = (size_t)r;
  return b;
}

/* The EVP key of an EC P-384 JWK (x, y) or an RSA JWK (n, e); NULL with
 * the reason in *why. */
static EVP_PKEY *jwk_key(const mm_json *k, int *alg, const char **why) {
  const char *kty = jstr(k, "kty");
  EVP_PKEY *pkey = NULL;
  OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM *params = NULL;
  EVP_PKEY_CTX *ctx = NULL;
  unsigned char *a = NULL, *b = NULL;
  BIGNUM *n = NULL, *e = NULL;
  size_t alen = 0, blen = 0;
  /* the builder keeps a pointer to the point until OSSL_PARAM_BLD_to_param */
  unsigned char pub[97];
  *why = "out of memory";
  if (!bld) return NULL;
  if (kty && strcmp(kty, "EC") == 0) {
    const char *crv = jstr(k, "crv");
    *why = "an EC key must be on curve P-384 (ES384)";
    if (!crv || strcmp(crv, "P-384") != 0) goto done;
    a = jwk_bytes(k, "x", &alen);
    b = jwk_bytes(k, "y", &blen);
    *why = "x and y must be 48-byte base64url coordinates";
    if (!a || !b || alen != 48 || blen != 48) goto done;
    pub[0] = 0x04; /* uncompressed point */
    memcpy(pub + 1, a, 48);
    memcpy(pub + 49, b, 48);
    if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "secp384r1", 0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub))
      goto done;
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    *alg = ALG_ES384;
  } else if (kty && strcmp(kty, "RSA") == 0) {
    a = jwk_bytes(k, "n", &alen);
    b = jwk_bytes(k, "e", &blen);
    *why = "an RSA key needs n (at least 2048 bits) and e";
    if (!a || !b || alen < 256) goto done;
    n = BN_bin2bn(a, (int)alen, NULL);
    e = BN_bin2bn(b, (int)blen, NULL);
    if (!n || !e || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
      goto done;
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    *alg = ALG_RS384;
  } else {
    *why = "kty must be EC or RSA (a symmetric key cannot identify a client)";
    goto done;
  }
  params = OSSL_PARAM_BLD_to_param(bld);
  *why = "OpenSSL refuses the key";
  if (!ctx || !params || EVP_PKEY_fromdata_init(ctx) <= 0 ||
      EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
    pkey = NULL;
done:
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  BN_free(n);
  BN_free(e);
  free(a);
  free(b);
  return pkey;
}

int mm_jwt_verifier_add_issuer(mm_jwt_verifier *v, const char *iss, const char *jwks_json,
                               size_t len, char *err, size_t err_len) {
  mm_arena a;
  mm_arena_init(&a, 8192);
  mm_json_error je;
  const mm_json *root = mm_json_parse(&a, jwks_json, len, &je);
  const mm_json *keys = root ? mm_json_get(root, "keys") : NULL;
  int rc = -1;
  issuer is = {0};
  if (!root) {
    snprintf(err, err_len, "not JSON (line %d, column %d: %s)", je.line, je.col, je.text);
    goto done;
  }
  if (!keys || keys->type != MM_JSON_ARRAY || keys->len == 0) {
    snprintf(err, err_len, "keys: a JWK Set needs a non-empty array 'keys'");
    goto done;
  }
  is.iss = strdup(iss);
  is.keys = calloc(keys->len, sizeof *is.keys);
  if (!is.iss || !is.keys) {
    snprintf(err, err_len, "out of memory");
    goto done;
  }
  for (size_t i = 0; i < keys->len; i++) {
    const mm_json *k = keys->items[i];
    const char *kid = jstr(k, "kid"), *use = jstr(k, "use"), *kalg = jstr(k, "alg");
    if (!kid || !*kid) {
      snprintf(err, err_len, "keys[%zu].kid: required (the JWT's kid picks the key)", i);
      goto done;
    }
    for (size_t j = 0; j < is.n_keys; j++)
      if (strcmp(is.keys[j].kid, kid) == 0) {
        snprintf(err, err_len, "keys[%zu].kid: '%s' twice", i, kid);
        goto done;
      }
    if (use && strcmp(use, "sig") != 0) continue; /* an encryption key: not ours */
    const char *why;
    int alg = 0;
    EVP_PKEY *pk = jwk_key(k, &alg, &why);
    if (!pk) {
      snprintf(err, err_len, "keys[%zu]: %s", i, why);
      goto done;
    }
    if (kalg && strcmp(kalg, alg == ALG_ES384 ? "ES384" : "RS384") != 0) {
      EVP_PKEY_free(pk);
      snprintf(err, err_len, "keys[%zu].alg: '%s' is not supported (ES384 or RS384)", i, kalg);
      goto done;
    }
    is.keys[is.n_keys++] = (jwk){strdup(kid), alg, pk};
    if (!is.keys[is.n_keys - 1].kid) {
      snprintf(err, err_len, "out of memory");
      goto done;
    }
  }
  if (!is.n_keys) {
    snprintf(err, err_len, "keys: no signature key");
    goto done;
  }
  issuer *grown = realloc(v->issuers, (v->n_issuers + 1) * sizeof *grown);
  if (!grown) {
    snprintf(err, err_len, "out of memory");
    goto done;
  }
  v->issuers = grown;
  v->issuers[v->n_issuers++] = is;
  memset(&is, 0, sizeof is);
  rc = 0;
done:
  for (size_t j = 0; j < is.n_keys; j++) {
    EVP_PKEY_free(is.keys[j].pkey);
    free(is.keys[j].kid);
  }
  free(is.keys);
  free(is.iss);
  mm_arena_free(&a);
  return rc;
}

/* Whether sig verifies data with key k (alg already matched). */
static bool sig_ok(const jwk *k, const unsigned char *data, size_t dlen, const unsigned char *sig,
                   size_t slen) {
  unsigned char *der = NULL;
  int derlen = 0;
  if (k->alg == ALG_ES384) { /* JWS (RFC 7518 §3.4): r||s, 48 bytes each */
    if (slen != 96) return false;
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sig, 48, NULL), *s = BN_bin2bn(sig + 48, 48, NULL);
    if (!es || !r || !s || !ECDSA_SIG_set0(es, r, s)) {
      BN_free(r);
      BN_free(s);
      ECDSA_SIG_free(es);
      return false;
    }
    derlen = i2d_ECDSA_SIG(es, &der);
    ECDSA_SIG_free(es);
    if (derlen <= 0) return false;
    sig = der;
    slen = (size_t)derlen;
  }
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  bool ok = md && EVP_DigestVerifyInit(md, NULL, EVP_sha384(), NULL, k->pkey) == 1 &&
            EVP_DigestVerify(md, sig, slen, data, dlen) == 1;
  EVP_MD_CTX_free(md);
  OPENSSL_free(der);
  return ok;
}

/* A base64url part as a JSON object, in a. */
static const mm_json *part_json(mm_arena *a, const char *s, size_t n) {
  unsigned char *buf = mm_arena_alloc(a, n * 3 / 4 + 2);
  long len = buf ? mm_base64url_decode(buf, s, n) : -1;
  if (len < 0) return NULL;
  mm_json_error je;
  const mm_json *j = mm_json_parse(a, (const char *)buf, (size_t)len, &je);
  return j && j->type == MM_JSON_OBJECT ? j : NULL;
}

/* A NumericDate claim (RFC 7519 §2): seconds, integer or not. */
static bool num_claim(const mm_json *o, const char *k, double *out) {
  const mm_json *x = mm_json_get(o, k);
  if (!x || x->type != MM_JSON_NUMBER) return false;
  *out = x->is_integer ? (double)x->integer : x->number;
  return true;
}

static bool aud_ok(const mm_json *aud, const char *want) {
  if (aud && aud->type == MM_JSON_STRING) return strcmp(aud->str, want) == 0;
  for (size_t i = 0; aud && aud->type == MM_JSON_ARRAY && i < aud->len; i++)
    if (aud->items[i]->type == MM_JSON_STRING && strcmp(aud->items[i]->str, want) == 0)
      return true;
  return false;
}

/* Remembers (iss, jti) until `until`: 0, MM_JWT_EREPLAY, MM_JWT_EBUSY. */
static int remember(mm_jwt_verifier *v, const char *iss, const char *jti, time_t until,
                    time_t now) {
  unsigned char h[32];
  mm_sha256 c;
  mm_sha256_init(&c);
  mm_sha256_update(&c, iss, strlen(iss) + 1);
  mm_sha256_update(&c, jti, strlen(jti));
  mm_sha256_final(&c, h);
  int rc = MM_JWT_EBUSY;
  pthread_mutex_lock(&v->lock);
  size_t free_slot = v->cap;
  for (size_t i = 0; i < v->cap; i++) {
    seen *s = &v->seen[i];
    if (s->until && s->until < now) s->until = 0; /* expired: its token is refused anyway */
    if (!s->until) {
      if (free_slot == v->cap) free_slot = i;
      continue;
    }
    if (memcmp(s->hash, h, sizeof h) == 0) {
      rc = MM_JWT_EREPLAY;
      goto out;
    }
  }
  if (free_slot < v->cap) {
    memcpy(v->seen[free_slot].hash, h, sizeof h);
    v->seen[free_slot].until = until;
    rc = 0;
  }
out:
  pthread_mutex_unlock(&v->lock);
  return rc;
}

#define REFUSE(code, ...)                       \
  do {                                          \
    snprintf(why, why_len, __VA_ARGS__);        \
    rc = code;                                  \
    goto done;                                  \
  } while (0)

int mm_jwt_verify(mm_jwt_verifier *v, const char *token, const char *audience, time_t now,
                  mm_jwt_claims *claims, char *why, size_t why_len) {
  memset(claims, 0, sizeof *claims);
  mm_arena a;
  mm_arena_init(&a, 4096);
  int rc = 0;
  size_t tlen = strnlen(token, MAX_TOKEN + 1);
  const char *d1 = memchr(token, '.', tlen);
  const char *d2 = d1 ? memchr(d1 + 1, '.', tlen - (size_t)(d1 + 1 - token)) : NULL;
  if (tlen > MAX_TOKEN || !d2 || memchr(d2 + 1, '.', tlen - (size_t)(d2 + 1 - token)))
    REFUSE(MM_JWT_EMALFORMED, "a JWS in compact form (header.payload.signature) is expected");
  const mm_json *hdr = part_json(&a, token, (size_t)(d1 - token));
  const mm_json *pl = part_json(&a, d1 + 1, (size_t)(d2 - d1 - 1));
  if (!hdr || !pl) REFUSE(MM_JWT_EMALFORMED, "the header and payload must be base64url JSON objects");
  const char *alg = jstr(hdr, "alg"), *typ = jstr(hdr, "typ"), *kid = jstr(hdr, "kid");
  int want = alg && strcmp(alg, "ES384") == 0 ? ALG_ES384
             : alg && strcmp(alg, "RS384") == 0 ? ALG_RS384 : 0;
  if (!want)
    REFUSE(MM_JWT_EALG, "alg must be ES384 or RS384 (CDS Hooks forbids none and symmetric algorithms)");
  if (typ && strcmp(typ, "JWT") != 0) REFUSE(MM_JWT_EMALFORMED, "typ must be JWT");
  if (mm_json_get(hdr, "crit")) REFUSE(MM_JWT_EMALFORMED, "crit header parameters are not understood");
  const char *iss = jstr(pl, "iss");
  const issuer *is = NULL;
  for (size_t i = 0; iss && i < v->n_issuers; i++)
    if (strcmp(v->issuers[i].iss, iss) == 0) is = &v->issuers[i];
  if (!is) REFUSE(MM_JWT_EISSUER, iss ? "iss is not a trusted CDS client (cds-jwt-issuer)" : "iss is required");
  const jwk *k = NULL;
  for (size_t i = 0; kid && i < is->n_keys; i++)
    if (strcmp(is->keys[i].kid, kid) == 0) k = &is->keys[i];
  if (!k) REFUSE(MM_JWT_EKID, kid ? "no key of the issuer's JWK Set has this kid" : "kid is required");
  if (k->alg != want) REFUSE(MM_JWT_EALG, "alg does not match the key of this kid");
  size_t slen = tlen - (size_t)(d2 + 1 - token);
  unsigned char *sig = mm_arena_alloc(&a, slen * 3 / 4 + 2);
  long sl = sig ? mm_base64url_decode(sig, d2 + 1, slen) : -1;
  if (sl <= 0 || !sig_ok(k, (const unsigned char *)token, (size_t)(d2 - token), sig, (size_t)sl))
    REFUSE(MM_JWT_ESIGNATURE, "the signature does not verify with the issuer's key");
  /* signed: the claims can be read */
  if (!aud_ok(mm_json_get(pl, "aud"), audience))
    REFUSE(MM_JWT_EAUDIENCE, "aud must be the URL of the endpoint called (%s)", audience);
  double exp, iat;
  if (!num_claim(pl, "exp", &exp)) REFUSE(MM_JWT_EEXPIRED, "exp is required");
  if (exp + (double)v->skew < (double)now) REFUSE(MM_JWT_EEXPIRED, "the token has expired (exp)");
  if (exp > (double)now + (double)v->max_lifetime + (double)v->skew)
    REFUSE(MM_JWT_EEXPIRED, "exp is more than %ld seconds ahead", v->max_lifetime);
  if (num_claim(pl, "iat", &iat) && iat > (double)now + (double)v->skew)
    REFUSE(MM_JWT_EEXPIRED, "iat is in the future");
  const char *jti = jstr(pl, "jti");
  if (!jti || !*jti) REFUSE(MM_JWT_EJTI, "jti is required (replay protection)");
  rc = remember(v, iss, jti, (time_t)exp + v->skew, now);
  if (rc == MM_JWT_EREPLAY) REFUSE(rc, "this jti was already used");
  if (rc == MM_JWT_EBUSY) REFUSE(rc, "too many live tokens to remember; retry shortly");
  snprintf(claims->iss, sizeof claims->iss, "%s", iss);
  const char *sub = jstr(pl, "sub");
  snprintf(claims->sub, sizeof claims->sub, "%s", sub ? sub : "");
done:
  mm_arena_free(&a);
  return rc;
}
