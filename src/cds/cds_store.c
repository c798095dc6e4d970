/* cds_store.c: the evaluations a CDS card links to (cds.h), kept in memory
 * for a few minutes under an unguessable id, so that the link carries no
 * patient data and opens the page ready to read. Bounded: when full, the
 * entry nearest its expiry gives way. One mutex guards it. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "cds/cds.h"

typedef struct entry {
  char id[MM_CDS_STORE_ID_LEN + 1];
  time_t until; /* 0: free */
  char *page;
  size_t len;
} entry;

struct mm_cds_store {
  pthread_mutex_t lock;
  entry *e;
  size_t cap;
  long ttl;
};

int mm_cds_store_new(mm_cds_store **out, size_t capacity, long ttl_seconds) {
  *out = NULL;
  mm_cds_store *s = calloc(1, sizeof *s);
  if (!s) return -1;
  s->cap = capacity ? capacity : 1;
  s->ttl = ttl_seconds;
  s->e = calloc(s->cap, sizeof *s->e);
  if (!s->e || pthread_mutex_init(&s->lock, NULL) != 0) {
    free(s->e);
    free(s);
    return -1;
  }
  *out = s;
  return 0;
}

void mm_cds_store_free(mm_cds_store *s) {
  if (!s) return;
  for (size_t i = 0; i < s->cap; i++) free(s->e[i].page);
  free(s->e);
  pthread_mutex_destroy(&s->lock);
  free(s);
}

long mm_cds_store_ttl(const mm_cds_store *s) { return s->ttl; }

int mm_cds_store_put(mm_cds_store *s, const char *page, size_t len, time_t now,
                     char id[MM_CDS_STORE_ID_LEN + 1]) {
  unsigned char rnd[MM_CDS_STORE_ID_LEN / 2];
  /* 128 bits from the kernel's CSPRNG: the id is the only key to the page */
  if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) return -1;
  static const char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < sizeof rnd; i++) {
    id[2 * i] = hex[rnd[i] >> 4];
    id[2 * i + 1] = hex[rnd[i] & 15];
  }
  id[MM_CDS_STORE_ID_LEN] = '\0';
  char *copy = malloc(len + 1);
  if (!copy) return -1;
  memcpy(copy, page, len);
  copy[len] = '\0';
  pthread_mutex_lock(&s->lock);
  size_t pick = 0;
  for (size_t i = 0; i < s->cap; i++) {
    if (s->e[i].until < now) { /* free or expired */
      pick = i;
      break;
    }
    if (s->e[i].until < s->e[pick].until) pick = i;
  }
  entry *e = &s->e[pick];
  free(e->page);
  memcpy(e->id, id, sizeof e->id);
  e->page = copy;
  e->len = len;
  e->until = now + s->ttl;
  pthread_mutex_unlock(&s->lock);
  return 0;
}

int mm_cds_store_get(mm_cds_store *s, const char *id, time_t now, mm_strbuf *out) {
  if (!id || strlen(id) != MM_CDS_STORE_ID_LEN) return 1;
  int rc = 1;
  pthread_mutex_lock(&s->lock);
  for (size_t i = 0; i < s->cap; i++) {
    entry *e = &s->e[i];
    if (e->until < now || strcmp(e->id, id) != 0) continue;
    mm_strbuf_add(out, e->page, e->len);
    rc = out->failed ? -1 : 0;
    break;
  }
  pthread_mutex_unlock(&s->lock);
  return rc;
}
