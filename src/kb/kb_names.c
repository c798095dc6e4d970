/* kb_names.c: name lookups. Clinicians write "Dara-VTd", "DaraVTD" and
 * "D VTd"; drug and regimen names therefore match ignoring case, spaces,
 * '-', '_' and '+'. Two entries that share a normalized name are an error
 * found at load time, never a silent choice. */
#include "kb/kb_names.h"

#include <stdint.h>
#include <string.h>

struct mm_name_entry {
  const char *key;  /* normalized; for the *_EXACT kinds, as the kb spells it */
  size_t len;
  mm_name_kind kind;
  int index;        /* -1: an exact spelling to look up normalized instead */
};

size_t mm_name_normalize(const char *name, char *out, size_t cap) {
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)name; *p && n + 1 < cap; p++) {
    unsigned c = *p;
    if (c == ' ' || c == '-' || c == '_' || c == '+' || c == '\t') continue;
    if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
    out[n++] = (char)c;
  }
  out[n] = '\0';
  return n;
}

/* The normalized name's bytes, eight at a time, then the kind mixed in. */
static uint64_t hash_bytes(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull ^ n;
  while (n > 0) {
    uint64_t w = 0;
    size_t take = n < 8 ? n : 8;
    memcpy(&w, s, take);
    h = (h ^ w) * 0xff51afd7ed558ccdull;
    h ^= h >> 29;
    s += take;
    n -= take;
  }
  return h;
}

static uint64_t hash_kind(uint64_t h, mm_name_kind kind) {
  h ^= (uint64_t)kind + 0x9e3779b97f4a7c15ull;
  h *= 0xff51afd7ed558ccdull;
  return h ^ (h >> 32);
}

static uint64_t hash(const char *s, mm_name_kind kind) {
  return hash_kind(hash_bytes(s, strlen(s)), kind);
}

int mm_kb_names_init(mm_kb *kb, size_t expected) {
  size_t cap = 64;
  while (cap < expected * 2) cap *= 2;
  kb->names = mm_arena_alloc(&kb->arena, cap * sizeof *kb->names);
  kb->names_cap = kb->names ? cap : 0;
  return kb->names ? 0 : -1;
}

/* The table slot of (kind, key), or the empty slot where it would go. The
 * table is kept at most half full, so probing always ends. */
static size_t find(const mm_kb *kb, mm_name_kind kind, const char *key, size_t len) {
  size_t mask = kb->names_cap - 1;
  size_t i = hash_kind(hash_bytes(key, len), kind) & mask;
  for (; kb->names[i]; i = (i + 1) & mask) {
    const mm_name_entry *e = kb->names[i];
    if (e->kind == kind && e->len == len && memcmp(e->key, key, len) == 0) break;
  }
  return i;
}

static const mm_name_entry *lookup(const mm_kb *kb, mm_name_kind kind, const char *key,
                                   size_t len, int *index) {
  if (!kb->names_cap || !len) return NULL;
  const mm_name_entry *e = kb->names[find(kb, kind, key, len)];
  if (e && index) *index = e->index;
  return e;
}

/* 0 added, 1 already there (*found set), -2 out of memory, -3 table full. */
static int insert(mm_kb *kb, mm_name_kind kind, const char *key, size_t len, int index,
                  const mm_name_entry **found) {
  if (kb->names_used + 1 > kb->names_cap / 2) return -3;
  size_t i = find(kb, kind, key, len);
  if (kb->names[i]) {
    *found = kb->names[i];
    return 1;
  }
  mm_name_entry *e = mm_arena_alloc(&kb->arena, sizeof *e);
  if (!e || !(e->key = mm_arena_strndup(&kb->arena, key, len))) return -2;
  e->len = len;
  e->kind = kind;
  e->index = index;
  kb->names[i] = e;
  kb->names_used++;
  return 0;
}

const mm_name_entry *mm_kb_names_get(const mm_kb *kb, mm_name_kind kind, const char *name,
                                     int *index) {
  char key[256];
  size_t len = mm_name_normalize(name, key, sizeof key);
  return lookup(kb, kind, key, len, index);
}

int mm_kb_names_add(mm_kb *kb, mm_name_kind kind, const char *name, int index,
                    int *existing) {
  char key[256];
  size_t len = mm_name_normalize(name, key, sizeof key);
  if (!len) return -2;
  const mm_name_entry *e = NULL;
  int rc = insert(kb, kind, key, len, index, &e);
  if (rc == 1) {
    if (existing) *existing = e->index;
    return e->index == index ? 0 : -1;
  }
  if (rc < 0) return rc;
  /* Drugs and regimens also under their exact spelling, which registries
   * mostly use: found without normalizing. Without room the normalized
   * entry serves alone. */
  if (kind == MM_NAME_DRUG || kind == MM_NAME_REGIMEN)
    (void)insert(kb, kind == MM_NAME_DRUG ? MM_NAME_DRUG_EXACT : MM_NAME_REGIMEN_EXACT, name,
                 strlen(name), index, &e);
  return 0;
}

/* --- exact spellings, flat ------------------------------------------
 * One probe usually, the key's first 16 bytes compared as two words, no
 * pointer to follow: the names table proper (normalized names, entries
 * spread over the arena) is for everything else. */
struct mm_exact_name {
  uint64_t w[2];     /* the first 16 bytes, zero-padded */
  const char *key;   /* the whole name (bytes 16.. compared there) */
  uint32_t len_kind; /* length << 8 | mm_exact_kind; 0: an empty slot */
  int32_t index;
}; /* 32 bytes: the exact spellings' table stays within 16 KiB */

/* The first 16 bytes of s[0..len), zero-padded; 16 bytes readable at s. */
static inline void exact_words(const char *s, size_t len, uint64_t w[2]) {
  memcpy(&w[0], s, 8);
  memcpy(&w[1], s + 8, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  /* By masks: a byte-wise clear then a word load stalls the store buffer. */
  if (len < 8) {
    w[0] &= len ? ~0ull >> (64 - 8 * len) : 0;
    w[1] = 0;
  } else if (len < 16) {
    w[1] &= len > 8 ? ~0ull >> (64 - 8 * (len - 8)) : 0;
  }
#else
  if (len < 16) memset((unsigned char *)w + len, 0, 16 - len);
#endif
}

/* A multiplicative hash: its high bits depend on every input bit (the low
 * ones only on the first bytes), so the slot is taken from the top. */
static inline size_t exact_hash(const uint64_t w[2], size_t len, int kind) {
  uint64_t h = w[1] * 0x9e3779b97f4a7c15ull;
  h = (w[0] ^ (h >> 29) ^ (h << 35) ^ ((uint64_t)len << 48) ^ (uint64_t)kind) *
      0xff51afd7ed558ccdull;
  return (size_t)(h >> 40);
}

static bool normalized(mm_exact_kind kind) { return kind >= MM_EXACT_DRUG_NORMALIZED; }

static void exact_add(mm_kb *kb, mm_exact_kind kind, const char *key, int index) {
  struct mm_exact_name *t = normalized(kind) ? kb->exact_norm : kb->exact;
  size_t mask = normalized(kind) ? kb->exact_norm_mask : kb->exact_mask;
  size_t len = strlen(key);
  if (!t || len == 0 || len >= ((size_t)1 << 24)) return;
  uint32_t len_kind = (uint32_t)len << 8 | (uint32_t)kind;
  char pad[16] = {0};
  memcpy(pad, key, len < 16 ? len : 16);
  uint64_t w[2];
  exact_words(pad, len, w);
  size_t i = exact_hash(w, len, kind) & mask;
  for (; t[i].len_kind; i = (i + 1) & mask)
    if (t[i].len_kind == len_kind && strcmp(t[i].key, key) == 0) return; /* first wins */
  t[i] = (struct mm_exact_name){{w[0], w[1]}, key, len_kind, index};
}

/* An empty table for n names, at most three quarters full (small enough
 * to stay in the first-level cache); NULL without memory or beyond the
 * hash's 24 bits. */
static struct mm_exact_name *exact_table(mm_kb *kb, size_t n, size_t *mask) {
  size_t cap = 64;
  while (3 * cap < 4 * n) cap *= 2;
  struct mm_exact_name *t =
      cap > ((size_t)1 << 24) ? NULL : mm_arena_alloc(&kb->arena, cap * sizeof *t);
  *mask = t ? cap - 1 : 0;
  return t;
}

/* After the vocabulary is read: the exact spellings as mm_kb_find_drug,
 * mm_kb_find_regimen (when not ambiguous), mm_kb_find_lab and
 * mm_kb_find_comorbidity find them first; in a table of their own, the
 * normalized names those lookups try next. Without memory, no table: the
 * lookups above serve alone. */
static void exact_build(mm_kb *kb) {
  size_t n_exact = kb->n_labs + kb->n_comorbidities, n_norm = 0;
  for (size_t i = 0; i < kb->names_cap; i++) {
    const mm_name_entry *e = kb->names[i];
    if (!e) continue;
    if (e->kind == MM_NAME_DRUG_EXACT || e->kind == MM_NAME_REGIMEN_EXACT) n_exact++;
    else if (e->kind != MM_NAME_CLASS) n_norm++;
  }
  kb->exact = exact_table(kb, n_exact, &kb->exact_mask);
  kb->exact_norm = exact_table(kb, n_norm, &kb->exact_norm_mask);
  for (size_t i = 0; i < kb->names_cap; i++) {
    const mm_name_entry *e = kb->names[i];
    if (!e || e->index < 0) continue;
    if (e->kind == MM_NAME_DRUG_EXACT) exact_add(kb, MM_EXACT_DRUG, e->key, e->index);
    if (e->kind == MM_NAME_REGIMEN_EXACT) exact_add(kb, MM_EXACT_REGIMEN, e->key, e->index);
    if (e->kind == MM_NAME_DRUG) exact_add(kb, MM_EXACT_DRUG_NORMALIZED, e->key, e->index);
    if (e->kind == MM_NAME_REGIMEN) exact_add(kb, MM_EXACT_REGIMEN_NORMALIZED, e->key, e->index);
    if (e->kind == MM_NAME_AMBIGUOUS)
      exact_add(kb, MM_EXACT_AMBIGUOUS_NORMALIZED, e->key, e->index);
  }
  /* In order: mm_kb_find_lab and mm_kb_find_comorbidity return the first. */
  for (size_t i = 0; i < kb->n_labs; i++)
    if (kb->labs[i].id) exact_add(kb, MM_EXACT_LAB, kb->labs[i].id, (int)i);
  for (size_t i = 0; i < kb->n_comorbidities; i++)
    if (kb->comorbidities[i].id)
      exact_add(kb, MM_EXACT_COMORBIDITY, kb->comorbidities[i].id, (int)i);
}

size_t mm_kb_normalize_name(const char *name, char *out, size_t cap) {
  return mm_name_normalize(name, out, cap);
}

int mm_kb_find_exact(const mm_kb *kb, mm_exact_kind kind, const char *s, size_t len) {
  const struct mm_exact_name *t = normalized(kind) ? kb->exact_norm : kb->exact;
  size_t mask = normalized(kind) ? kb->exact_norm_mask : kb->exact_mask;
  if (!t || len == 0 || len >= ((size_t)1 << 24)) return -1;
  uint32_t len_kind = (uint32_t)len << 8 | (uint32_t)kind;
  uint64_t w[2];
  exact_words(s, len, w);
  for (size_t i = exact_hash(w, len, kind) & mask;; i = (i + 1) & mask) {
    const struct mm_exact_name *e = &t[i];
    if (!e->len_kind) return -1;
    if (e->w[0] == w[0] && e->w[1] == w[1] && e->len_kind == len_kind &&
        (len <= 16 || memcmp(e->key + 16, s + 16, len - 16) == 0))
      return e->index;
  }
}

void mm_kb_names_finish(mm_kb *kb) {
  for (size_t i = 0; i < kb->names_cap; i++) {
    mm_name_entry *e = kb->names[i];
    if (!e || e->kind != MM_NAME_REGIMEN_EXACT) continue;
    char key[256];
    size_t len = mm_name_normalize(e->key, key, sizeof key);
    if (lookup(kb, MM_NAME_AMBIGUOUS, key, len, NULL)) e->index = -1;
  }
  exact_build(kb);
}

/* Fact names: exact match, open addressing over slot numbers. */
int mm_kb_fact_index_build(mm_kb *kb) {
  size_t cap = 64;
  while (cap < kb->n_facts * 2) cap *= 2;
  kb->fact_index = mm_arena_alloc(&kb->arena, cap * sizeof *kb->fact_index);
  if (!kb->fact_index) return -1;
  kb->fact_index_cap = cap;
  for (size_t i = 0; i < cap; i++) kb->fact_index[i] = -1;
  for (size_t s = 0; s < kb->n_facts; s++) {
    size_t j = hash(kb->facts[s].name, 0) & (cap - 1);
    while (kb->fact_index[j] >= 0) {
      if (strcmp(kb->facts[kb->fact_index[j]].name, kb->facts[s].name) == 0) return (int)s + 1;
      j = (j + 1) & (cap - 1);
    }
    kb->fact_index[j] = (int)s;
  }
  return 0;
}

int mm_kb_fact_slot(const mm_kb *kb, const char *name) {
  if (!kb->fact_index_cap) return -1;
  size_t mask = kb->fact_index_cap - 1;
  for (size_t j = hash(name, 0) & mask;; j = (j + 1) & mask) {
    int s = kb->fact_index[j];
    if (s < 0) return -1;
    if (strcmp(kb->facts[s].name, name) == 0) return s;
  }
}

const mm_drug *mm_kb_find_drug(const mm_kb *kb, const char *name) {
  const mm_name_entry *e = lookup(kb, MM_NAME_DRUG_EXACT, name, strlen(name), NULL);
  if (e) return &kb->drugs[e->index];
  int i;
  return mm_kb_names_get(kb, MM_NAME_DRUG, name, &i) ? &kb->drugs[i] : NULL;
}

const mm_class *mm_kb_find_class(const mm_kb *kb, const char *name) {
  int i;
  return mm_kb_names_get(kb, MM_NAME_CLASS, name, &i) ? &kb->classes[i] : NULL;
}

const mm_regimen *mm_kb_find_regimen(const mm_kb *kb, const char *name,
                                     const mm_ambiguity **amb) {
  int i;
  if (amb) *amb = NULL;
  const mm_name_entry *e = lookup(kb, MM_NAME_REGIMEN_EXACT, name, strlen(name), NULL);
  if (e && e->index >= 0) return &kb->regimens[e->index];
  char key[256];
  size_t len = mm_name_normalize(name, key, sizeof key);
  if (lookup(kb, MM_NAME_AMBIGUOUS, key, len, &i)) {
    if (amb) *amb = &kb->ambiguities[i];
    return NULL;
  }
  return lookup(kb, MM_NAME_REGIMEN, key, len, &i) ? &kb->regimens[i] : NULL;
}

const mm_lab *mm_kb_find_lab(const mm_kb *kb, const char *id) {
  for (size_t i = 0; i < kb->n_labs; i++) {
    const char *a = kb->labs[i].id, *b = id; /* short ids, most differ at once */
    while (*a && *a == *b) a++, b++;
    if (*a == *b) return &kb->labs[i];
  }
  return NULL;
}

const mm_comorbidity *mm_kb_find_comorbidity(const mm_kb *kb, const char *id) {
  for (size_t i = 0; i < kb->n_comorbidities; i++)
    if (kb->comorbidities[i].id[0] == id[0] && strcmp(kb->comorbidities[i].id, id) == 0)
      return &kb->comorbidities[i];
  return NULL;
}

const mm_option *mm_kb_find_option(const mm_kb *kb, const char *id) {
  for (size_t i = 0; i < kb->n_options; i++)
    if (strcmp(kb->options[i].id, id) == 0) return &kb->options[i];
  return NULL;
}
