/* render_cache.c: pieces of a rendering that depend only on the knowledge
 * base and the language (an option's name and sources, a criterion's rule),
 * kept once rendered by a caller that renders evaluation after evaluation
 * with one kb (mmpath_context). A piece is rendered by the same code with or
 * without the cache, so the bytes are the same; the cache only skips the
 * formatting the second time. Keys are kb pointers: a cache serves one kb. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "evaluate/render_common.h"

typedef struct entry {
  const void *key; /* NULL: empty slot */
  unsigned tag;
  mm_lang lang;
  const char *bytes;
  size_t len;
} entry;

typedef struct fact_key {
  const char *bytes; /* "name": (NULL: not made yet) */
  size_t len;
} fact_key;

struct mm_render_cache {
  mm_arena arena; /* the pieces' bytes */
  entry *slots;
  size_t cap, n;  /* cap a power of two, n < cap / 2 */
  fact_key *keys; /* by fact slot, kb->n_facts of them (NULL: not made yet) */
  fact_key *heads; /* the same for "name":{"value": */
};

mm_render_cache *mm_render_cache_new(void) {
  mm_render_cache *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  mm_arena_init(&c->arena, 1 << 16);
  return c;
}

void mm_render_cache_free(mm_render_cache *c) {
  if (!c) return;
  mm_arena_free(&c->arena);
  free(c->slots);
  free(c->keys);
  free(c->heads);
  free(c);
}

static size_t hash(const void *key, unsigned tag, mm_lang lang) {
  uint64_t h = ((uint64_t)(uintptr_t)key >> 3) ^ ((uint64_t)tag << 56) ^ ((uint64_t)lang << 62);
  h *= 0x9E3779B97F4A7C15ULL;
  return (size_t)(h >> 32);
}

static entry *find(const mm_render_cache *c, const void *key, unsigned tag, mm_lang lang) {
  size_t mask = c->cap - 1;
  for (size_t i = hash(key, tag, lang) & mask;; i = (i + 1) & mask) {
    entry *e = &c->slots[i];
    if (!e->key || (e->key == key && e->tag == tag && e->lang == lang)) return e;
  }
}

bool mm_render_cache_emit(const mm_render_cache *c, mm_strbuf *b, const void *key, unsigned tag,
                          mm_lang lang) {
  if (!c->cap) return false;
  const entry *e = find(c, key, tag, lang);
  if (!e->key) return false;
  mm_strbuf_add(b, e->bytes, e->len);
  return true;
}

static bool grow(mm_render_cache *c) {
  size_t cap = c->cap ? c->cap * 2 : 1024;
  entry *old = c->slots;
  size_t old_cap = c->cap;
  c->slots = calloc(cap, sizeof *c->slots);
  if (!c->slots) {
    c->slots = old;
    return false;
  }
  c->cap = cap;
  for (size_t i = 0; i < old_cap; i++)
    if (old[i].key) *find(c, old[i].key, old[i].tag, old[i].lang) = old[i];
  free(old);
  return true;
}

void mm_render_cache_put(mm_render_cache *c, const void *key, unsigned tag, mm_lang lang,
                         const char *bytes, size_t len) {
  if ((c->n + 1) * 2 > c->cap && !grow(c)) return; /* not kept: rendered again next time */
  entry *e = find(c, key, tag, lang);
  if (e->key) return;
  char *copy = mm_arena_alloc_raw(&c->arena, len ? len : 1);
  if (!copy) return;
  memcpy(copy, bytes, len);
  *e = (entry){key, tag, lang, copy, len};
  c->n++;
}

/* A fact's piece by slot (array *by, made at first use): kept from what
 * `suffix` after the name's key appends. */
static void fact_piece(mm_render_cache *c, fact_key **by, mm_strbuf *b, const mm_kb *kb, int slot,
                       const char *suffix, size_t suffix_len) {
  if (c && !*by) *by = calloc(kb->n_facts + 1, sizeof **by);
  fact_key *k = c && *by ? &(*by)[slot] : NULL;
  if (k && k->bytes) {
    mm_strbuf_add(b, k->bytes, k->len);
    return;
  }
  size_t start = b->len;
  mm_strbuf_json_string(b, kb->facts[slot].name);
  mm_strbuf_putc(b, ':');
  mm_strbuf_add(b, suffix, suffix_len);
  if (!k || b->failed) return;
  char *copy = mm_arena_alloc_raw(&c->arena, b->len - start);
  if (!copy) return;
  memcpy(copy, b->data + start, b->len - start);
  k->bytes = copy;
  k->len = b->len - start;
}

void mm_render_fact_key(mm_render_cache *c, mm_strbuf *b, const mm_kb *kb, int slot) {
  fact_piece(c, c ? &c->keys : NULL, b, kb, slot, "", 0);
}

void mm_render_fact_head(mm_render_cache *c, mm_strbuf *b, const mm_kb *kb, int slot) {
  fact_piece(c, c ? &c->heads : NULL, b, kb, slot, "{\"value\":", 9);
}
