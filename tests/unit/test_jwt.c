/* test_jwt.c: the CDS client JWT verifier (src/auth/jwt.h) against the
 * specification's own example: CDS Hooks 2.0, "Trusting CDS Clients",
 * https://cds-hooks.hl7.org/2.0/#trusting-cds-clients gives a JWT signed
 * ES384 with its JWK Set (tests/data/cds/spec-jwt.txt, spec-jwks.json,
 * copied from it: tests/data/cds/SOURCE.md). Its exp is 1422568860, its
 * aud https://cds.example.org/cds-services/some-service. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/jwt.h"
#include "helpers.h"

#define SPEC_ISS "https://fhir-ehr.example.com/"
#define SPEC_AUD "https://cds.example.org/cds-services/some-service"
#define SPEC_EXP 1422568860L

static char *slurp(const char *name, size_t *len) {
  FILE *f = fopen(test_data_path(name), "rb");
  assert_non_null(f);
  static char buf[1 << 14];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) buf[--n] = '\0';
  *len = n;
  char *copy = malloc(n + 1);
  memcpy(copy, buf, n + 1);
  return copy;
}

static mm_jwt_verifier *spec_verifier(size_t jti_cap) {
  mm_jwt_verifier *v;
  assert_int_equal(mm_jwt_verifier_new(&v, 60, 300, jti_cap), 0);
  size_t len;
  char *jwks = slurp("cds/spec-jwks.json", &len);
  char err[256];
  int rc = mm_jwt_verifier_add_issuer(v, SPEC_ISS, jwks, len, err, sizeof err);
  if (rc != 0) fail_msg("spec JWK Set refused: %s", err);
  free(jwks);
  return v;
}

/* RFC 4648 §10 test vectors, in the URL-safe alphabet without padding. */
static void base64url(void **state) {
  (void)state;
  unsigned char out[16];
  assert_int_equal(mm_base64url_decode(out, "Zm9vYmFy", 8), 6);
  assert_memory_equal(out, "foobar", 6);
  assert_int_equal(mm_base64url_decode(out, "Zm9vYg", 6), 4);
  assert_memory_equal(out, "foob", 4);
  assert_int_equal(mm_base64url_decode(out, "-_8", 3), 2); /* 0xfb 0xff */
  assert_int_equal(out[0], 0xfb);
  assert_int_equal(mm_base64url_decode(out, "Zm9v+mFy", 8), -1); /* '+' is not base64url */
  assert_int_equal(mm_base64url_decode(out, "Zm9vY", 5), -1);    /* impossible length */
}

/* The specification's example verifies at a time before its exp, once. */
static void spec_example(void **state) {
  (void)state;
  mm_jwt_verifier *v = spec_verifier(16);
  size_t len;
  char *jwt = slurp("cds/spec-jwt.txt", &len);
  mm_jwt_claims cl;
  char why[256];
  time_t now = SPEC_EXP - 100;
  int rc = mm_jwt_verify(v, jwt, SPEC_AUD, now, &cl, why, sizeof why);
  if (rc != 0) fail_msg("spec JWT refused (%s): %s", mm_jwt_code(rc), why);
  assert_string_equal(cl.iss, SPEC_ISS);
  /* the same jti again: a replay */
  assert_int_equal(mm_jwt_verify(v, jwt, SPEC_AUD, now, &cl, why, sizeof why), MM_JWT_EREPLAY);
  assert_string_equal(mm_jwt_code(MM_JWT_EREPLAY), "jwt-replay");
  mm_jwt_verifier_free(v);

  v = spec_verifier(16);
  /* past exp (beyond the 60 s skew) */
  assert_int_equal(mm_jwt_verify(v, jwt, SPEC_AUD, SPEC_EXP + 61, &cl, why, sizeof why),
                   MM_JWT_EEXPIRED);
  /* exp more than 5 minutes ahead: a token minted for too long */
  assert_int_equal(mm_jwt_verify(v, jwt, SPEC_AUD, SPEC_EXP - 400, &cl, why, sizeof why),
                   MM_JWT_EEXPIRED);
  /* aud must be the endpoint called, not discovery */
  assert_int_equal(mm_jwt_verify(v, jwt, "https://cds.example.org/cds-services", SPEC_EXP - 100,
                                 &cl, why, sizeof why),
                   MM_JWT_EAUDIENCE);
  /* a payload changed after signing (one character of the signature part) */
  char *bad = strdup(jwt);
  char *sig = strrchr(bad, '.') + 5;
  *sig = *sig == 'A' ? 'B' : 'A';
  assert_int_equal(mm_jwt_verify(v, bad, SPEC_AUD, SPEC_EXP - 100, &cl, why, sizeof why),
                   MM_JWT_ESIGNATURE);
  free(bad);
  mm_jwt_verifier_free(v);

  /* an issuer not on the allow-list */
  mm_jwt_verifier_new(&v, 60, 300, 16);
  assert_int_equal(mm_jwt_verify(v, jwt, SPEC_AUD, SPEC_EXP - 100, &cl, why, sizeof why),
                   MM_JWT_EISSUER);
  mm_jwt_verifier_free(v);
  free(jwt);
}

/* alg none and HS256 are refused whatever they carry (CDS Hooks 2.0, "JWT
 * Signing Algorithm": SHALL NOT be signed with none or a symmetric one). */
static void forbidden_algorithms(void **state) {
  (void)state;
  mm_jwt_verifier *v = spec_verifier(16);
  mm_jwt_claims cl;
  char why[256];
  /* {"alg":"none","typ":"JWT","kid":"example-kid"} . {"iss":...} . "" */
  const char *none =
      "eyJhbGciOiJub25lIiwidHlwIjoiSldUIiwia2lkIjoiZXhhbXBsZS1raWQifQ."
      "eyJpc3MiOiJodHRwczovL2ZoaXItZWhyLmV4YW1wbGUuY29tLyJ9.";
  assert_int_equal(mm_jwt_verify(v, none, SPEC_AUD, SPEC_EXP - 100, &cl, why, sizeof why),
                   MM_JWT_EALG);
  /* {"alg":"HS256","typ":"JWT","kid":"example-kid"} */
  const char *hs =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImV4YW1wbGUta2lkIn0."
      "eyJpc3MiOiJodHRwczovL2ZoaXItZWhyLmV4YW1wbGUuY29tLyJ9.c2ln";
  assert_int_equal(mm_jwt_verify(v, hs, SPEC_AUD, SPEC_EXP - 100, &cl, why, sizeof why),
                   MM_JWT_EALG);
  assert_int_equal(mm_jwt_verify(v, "not-a-jwt", SPEC_AUD, 0, &cl, why, sizeof why),
                   MM_JWT_EMALFORMED);
  mm_jwt_verifier_free(v);
}

/* A JWK Set mmpath cannot use is refused at start, with the member named. */
static void jwks_refused(void **state) {
  (void)state;
  mm_jwt_verifier *v;
  mm_jwt_verifier_new(&v, 60, 300, 4);
  char err[256];
  const char *oct = "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"k\",\"k\":\"c2VjcmV0\"}]}";
  assert_int_equal(mm_jwt_verifier_add_issuer(v, "x", oct, strlen(oct), err, sizeof err), -1);
  assert_non_null(strstr(err, "keys[0]"));
  const char *nokid = "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"AA\",\"y\":\"AA\"}]}";
  assert_int_equal(mm_jwt_verifier_add_issuer(v, "x", nokid, strlen(nokid), err, sizeof err), -1);
  assert_non_null(strstr(err, "keys[0].kid"));
  const char *p256 = "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"a\",\"x\":\"AA\",\"y\":\"AA\"}]}";
  assert_int_equal(mm_jwt_verifier_add_issuer(v, "x", p256, strlen(p256), err, sizeof err), -1);
  assert_int_equal(mm_jwt_verifier_issuers(v), 0);
  mm_jwt_verifier_free(v);
}

/* The smallest jti cache still refuses a replay (the cache never forgets a
 * live jti to make room: that would let it be replayed). */
static void jti_cache_bounded(void **state) {
  (void)state;
  mm_jwt_verifier *v = spec_verifier(0); /* capacity 1 */
  size_t len;
  char *jwt = slurp("cds/spec-jwt.txt", &len);
  mm_jwt_claims cl;
  char why[256];
  assert_int_equal(mm_jwt_verify(v, jwt, SPEC_AUD, SPEC_EXP - 100, &cl, why, sizeof why), 0);
  assert_int_equal(mm_jwt_verify(v, jwt, SPEC_AUD, SPEC_EXP - 100, &cl, why, sizeof why),
                   MM_JWT_EREPLAY);
  free(jwt);
  mm_jwt_verifier_free(v);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(base64url),
      cmocka_unit_test(spec_example),
      cmocka_unit_test(forbidden_algorithms),
      cmocka_unit_test(jwks_refused),
      cmocka_unit_test(jti_cache_bounded),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
