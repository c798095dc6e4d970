/* arena.h: region allocation. Every evaluation, parsed record and loaded
 * knowledge base owns one arena; freeing the arena frees everything in it.
 * Allocation failure is sticky (arena->failed) so callers check once at the
 * end of a phase, as SQLite checks db->mallocFailed. */
#ifndef MM_ARENA_H
#define MM_ARENA_H
#include <stddef.h>
#include <stdbool.h>

typedef struct mm_arena_block mm_arena_block;
typedef struct mm_arena {
  mm_arena_block *head;
  size_t block_size;
  bool failed;
  char *next, *limit; /* the head block's free room, for the inline fast path */
  /* Blocks of block_size kept by mm_arena_reset for the next allocations, so
   * an arena reused for one record after another does not go back to malloc
   * (and glibc does not hand the memory to the kernel and fault it back in). */
  mm_arena_block *spare;
  size_t n_spare;
} mm_arena;

void mm_arena_init(mm_arena *a, size_t block_size);
/* Zeroed memory aligned for any type; NULL (and a->failed) on failure. */
void *mm_arena_alloc(mm_arena *a, size_t n);
/* The same without zeroing, for memory the caller fills at once. Inline:
 * the JSON reader allocates every value of millions of records this way. */
void *mm_arena_alloc_block(mm_arena *a, size_t n);
static inline void *mm_arena_alloc_raw(mm_arena *a, size_t n) {
  const size_t al = _Alignof(max_align_t);
  n = n ? (n + al - 1) & ~(al - 1) : al;
  if ((size_t)(a->limit - a->next) >= n) {
    void *p = a->next;
    a->next += n;
    return p;
  }
  return mm_arena_alloc_block(a, n);
}
char *mm_arena_strdup(mm_arena *a, const char *s);
char *mm_arena_strndup(mm_arena *a, const char *s, size_t n);
char *mm_arena_printf(mm_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Grow an array owned by the arena: copies old contents (old is not freed). */
void *mm_arena_grow(mm_arena *a, void *old, size_t old_n, size_t new_n,
                    size_t elem);
/* Forget everything allocated but keep the blocks of block_size, up to
 * MM_ARENA_KEEP bytes, for reuse (oversized blocks and the rest are freed). */
#define MM_ARENA_KEEP ((size_t)4 << 20)
void mm_arena_reset(mm_arena *a);
void mm_arena_free(mm_arena *a);

#endif
