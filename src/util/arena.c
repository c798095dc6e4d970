/* arena.c: a chunked bump allocator. Define MM_DEBUG_ARENA to make every
 * allocation its own malloc block so AddressSanitizer sees overflows. */
#include "util/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mm_arena_block {
  mm_arena_block *next;
  size_t size;
  max_align_t data[];
};

void mm_arena_init(mm_arena *a, size_t block_size) {
  a->head = NULL;
  a->block_size = block_size ? block_size : 16384;
  a->failed = false;
  a->next = a->limit = NULL;
  a->spare = NULL;
  a->n_spare = 0;
}

void *mm_arena_alloc(mm_arena *a, size_t n) {
  void *p = mm_arena_alloc_raw(a, n);
  if (p) memset(p, 0, n);
  return p;
}

/* The slow path of mm_arena_alloc_raw: n (aligned) does not fit the head
 * block's room, which is a->next..a->limit. */
void *mm_arena_alloc_block(mm_arena *a, size_t n) {
#ifndef MM_DEBUG_ARENA
  size_t size = n > a->block_size ? n : a->block_size;
#else
  size_t size = n;
#endif
  mm_arena_block *nb;
  if (size == a->block_size && a->spare) {
    nb = a->spare;
    a->spare = nb->next;
    a->n_spare--;
  } else {
    nb = malloc(sizeof *nb + size);
  }
  if (!nb) {
    a->failed = true;
    return NULL;
  }
  nb->size = size;
#ifndef MM_DEBUG_ARENA
  /* An oversized block goes behind the head so the head's room stays usable. */
  if (a->head && size > a->block_size) {
    nb->next = a->head->next;
    a->head->next = nb;
    return nb->data;
  }
  nb->next = a->head;
  a->head = nb;
  a->next = (char *)nb->data + n;
  a->limit = (char *)nb->data + size;
#else
  /* Every allocation its own block, so AddressSanitizer sees overflows. */
  nb->next = a->head;
  a->head = nb;
#endif
  return nb->data;
}

char *mm_arena_strndup(mm_arena *a, const char *s, size_t n) {
  char *p = mm_arena_alloc_raw(a, n + 1);
  if (!p) return NULL;
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *mm_arena_strdup(mm_arena *a, const char *s) {
  return s ? mm_arena_strndup(a, s, strlen(s)) : NULL;
}

char *mm_arena_printf(mm_arena *a, const char *fmt, ...) {
  /* Formatted once into the stack (explanations are short), copied; a
   * second time only when longer. */
  char tmp[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) return NULL;
  char *p = mm_arena_alloc_raw(a, (size_t)n + 1);
  if (!p) return NULL;
  if ((size_t)n < sizeof tmp) {
    memcpy(p, tmp, (size_t)n + 1);
    return p;
  }
  va_start(ap, fmt);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return p;
}

void *mm_arena_grow(mm_arena *a, void *old, size_t old_n, size_t new_n,
                    size_t elem) {
  if (new_n && elem > SIZE_MAX / new_n) {
    a->failed = true;
    return NULL;
  }
  void *p = mm_arena_alloc(a, new_n * elem);
  if (p && old && old_n) memcpy(p, old, (old_n < new_n ? old_n : new_n) * elem);
  return p;
}

void mm_arena_reset(mm_arena *a) {
  mm_arena_block *b = a->head, *next;
  for (; b; b = next) {
    next = b->next;
#ifndef MM_DEBUG_ARENA
    if (b->size == a->block_size && (a->n_spare + 1) * a->block_size <= MM_ARENA_KEEP) {
      b->next = a->spare;
      a->spare = b;
      a->n_spare++;
      continue;
    }
#endif
    free(b);
  }
  a->head = NULL;
  a->next = a->limit = NULL;
  a->failed = false;
}

static void free_list(mm_arena_block *b) {
  for (mm_arena_block *next; b; b = next) {
    next = b->next;
    free(b);
  }
}

void mm_arena_free(mm_arena *a) {
  free_list(a->head);
  free_list(a->spare);
  a->head = a->spare = NULL;
  a->n_spare = 0;
  a->failed = false;
  a->next = a->limit = NULL;
}
