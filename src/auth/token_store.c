/* token_store.c: see token_store.h. Tokens are 32 random bytes from
 * getrandom(2), shown as "mmp_<64 hex>"; the store keeps their SHA-256
 * (hex) only. */
#include "auth/token_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "auth/sha256.h"

int mm_token_new(char token_out[MM_TOKEN_LEN + 1], long long *id_out, mm_ref_store *s,
                 const char *center, mm_role role, const char *expires, bool add_center,
                 const char *by) {
  static const char hex[] = "0123456789abcdef";
  unsigned char raw[32];
  size_t got = 0;
  while (got < sizeof raw) {
    ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
    if (n <= 0) return MM_REF_EBACKEND;
    got += (size_t)n;
  }
  memcpy(token_out, "mmp_", 4);
  for (size_t i = 0; i < sizeof raw; i++) {
    token_out[4 + 2 * i] = hex[raw[i] >> 4];
    token_out[5 + 2 * i] = hex[raw[i] & 15];
  }
  token_out[MM_TOKEN_LEN] = '\0';
  memset(raw, 0, sizeof raw);
  char hash[65];
  mm_sha256_hex(hash, token_out, MM_TOKEN_LEN);
  mm_ref_token t = {0, hash, center, mm_role_name(role), NULL, by, expires, NULL};
  int rc = mm_ref_store_token_add(s, &t, add_center, id_out);
  if (rc) memset(token_out, 0, MM_TOKEN_LEN + 1);
  return rc;
}

int mm_token_check(mm_principal *out, mm_token_state *state, mm_ref_store *s,
                   const char *token, mm_arena *arena) {
  return mm_token_check_ex(out, state, NULL, s, token, arena);
}

int mm_token_check_ex(mm_principal *out, mm_token_state *state, const char **expires,
                      mm_ref_store *s, const char *token, mm_arena *arena) {
  *state = MM_TOKEN_UNKNOWN;
  if (expires) *expires = NULL;
  size_t len = strlen(token);
  if (len != MM_TOKEN_LEN || strncmp(token, "mmp_", 4) != 0) return MM_REF_OK;
  char hash[65];
  mm_sha256_hex(hash, token, len);
  mm_ref_token t;
  int rc = mm_ref_store_token_find(s, arena, hash, &t);
  if (rc == MM_REF_ENOTFOUND) return MM_REF_OK;
  if (rc) return rc;
  out->token_id = t.id;
  out->center = t.center;
  if (expires) *expires = t.expires;
  if (!mm_role_parse(t.role, &out->role)) return MM_REF_OK;
  char now[32];
  mm_ref_now(now, 0);
  if (t.revoked) *state = MM_TOKEN_REVOKED;
  /* the same fixed-width UTC form: comparing the text compares the times */
  else if (t.expires && strcmp(t.expires, now) <= 0) *state = MM_TOKEN_EXPIRED;
  else *state = MM_TOKEN_OK;
  return MM_REF_OK;
}

bool mm_token_parse_lifetime(const char *s, long long *seconds) {
  if (!s || !*s) return false;
  if (strcmp(s, "never") == 0 || strcmp(s, "0") == 0) {
    *seconds = 0;
    return true;
  }
  char *end;
  long long n = strtoll(s, &end, 10);
  if (end == s || n <= 0 || s[0] == '+' || end[0] == '\0' || end[1] != '\0') return false;
  long long unit;
  switch (*end) {
  case 's': unit = 1; break;
  case 'm': unit = 60; break;
  case 'h': unit = 3600; break;
  case 'd': unit = 86400; break;
  case 'w': unit = 7 * 86400; break;
  default: return false;
  }
  if (n > 100LL * 366 * 86400 / unit) return false; /* a century is enough */
  *seconds = n * unit;
  return true;
}

mm_ref_who mm_principal_who(const mm_principal *p) {
  mm_ref_who w = {0, NULL, NULL, NULL};
  if (!p || !p->token_id) return w;
  w.token_id = p->token_id;
  w.center = p->center;
  w.role = p->role != MM_ROLE_NONE ? mm_role_name(p->role) : NULL;
  return w;
}
