/* token_cache.c: see token_cache.h. A small direct-mapped table keyed by
 * the token's SHA-256 (uniformly spread: its first byte picks the slot); a
 * collision costs one store read, never a wrong answer (the whole hash is
 * compared). */
#include "auth/token_cache.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/sha256.h"

#define SLOTS 64 /* a server sees a few tokens at a time: one per client */

typedef struct entry {
  bool used;
  unsigned char hash[32];
  long long token_id;
  mm_role role;
  char *center;       /* owned */
  char expires[32];   /* "" : never */
  long long accepted; /* µs, monotonic: when the store accepted it */
} entry;

struct mm_token_cache {
  long long ttl_us;
  entry slots[SLOTS];
};

static long long mono_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* false for what cannot be a token (mm_token_check calls it unknown) */
static bool token_hash(const char *token, unsigned char out[32]) {
  size_t len = strlen(token);
  if (len != MM_TOKEN_LEN || strncmp(token, "mmp_", 4) != 0) return false;
  mm_sha256 h;
  mm_sha256_init(&h);
  mm_sha256_update(&h, token, len);
  mm_sha256_final(&h, out);
  return true;
}

static void drop(entry *e) {
  free(e->center);
  memset(e, 0, sizeof *e);
}

int mm_token_cache_new(mm_token_cache **out, unsigned ttl) {
  *out = calloc(1, sizeof **out);
  if (!*out) return MM_REF_ENOMEM;
  (*out)->ttl_us = (long long)ttl * 1000000;
  return 0;
}

void mm_token_cache_free(mm_token_cache *c) {
  if (!c) return;
  for (size_t i = 0; i < SLOTS; i++) drop(&c->slots[i]);
  free(c);
}

bool mm_token_cache_get(mm_token_cache *c, const char *token, mm_principal *out,
                        mm_arena *arena) {
  unsigned char hash[32];
  if (!c || c->ttl_us <= 0 || !token_hash(token, hash)) return false;
  entry *e = &c->slots[hash[0] % SLOTS];
  if (!e->used || memcmp(e->hash, hash, sizeof hash) != 0) return false;
  if (mono_us() - e->accepted >= c->ttl_us) {
    drop(e); /* read again: it may have been revoked */
    return false;
  }
  if (e->expires[0]) {
    char now[32];
    mm_ref_now(now, 0);
    /* the same test as mm_token_check: fixed-width UTC text */
    if (strcmp(e->expires, now) <= 0) {
      drop(e);
      return false;
    }
  }
  const char *center = mm_arena_strdup(arena, e->center);
  if (!center) return false;
  out->token_id = e->token_id;
  out->center = center;
  out->role = e->role;
  return true;
}

int mm_token_cache_check(mm_token_cache *c, mm_principal *out, mm_token_state *state,
                         mm_ref_store *s, const char *token, mm_arena *arena) {
  const char *expires = NULL;
  int rc = mm_token_check_ex(out, state, &expires, s, token, arena);
  unsigned char hash[32];
  if (rc || *state != MM_TOKEN_OK || !c || c->ttl_us <= 0 || !token_hash(token, hash))
    return rc;
  if (expires && strlen(expires) >= sizeof c->slots[0].expires) return rc; /* not ours */
  char *center = out->center ? strdup(out->center) : NULL;
  if (!center) return rc; /* not remembered: read again next time */
  entry *e = &c->slots[hash[0] % SLOTS];
  drop(e);
  e->used = true;
  memcpy(e->hash, hash, sizeof hash);
  e->token_id = out->token_id;
  e->role = out->role;
  e->center = center;
  if (expires) strcpy(e->expires, expires);
  e->accepted = mono_us();
  return rc;
}
