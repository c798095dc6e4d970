/* referral_stream.c: a file of referrals cut into its array's elements as
 * it is read (referral.h, mm_ref_reader), so that an import of a million
 * referrals holds one referral's text at a time rather than the file and
 * its whole tree (issue 17: 392 MiB at 100k). Only the structure is
 * followed here (strings, escapes, nesting); each element is parsed by
 * mm_json_parse. Anything unexpected returns -1 and the caller falls back
 * to parsing the whole file, which reports the exact error as before. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "referral/referral.h"

int mm_ref_reader_open(mm_ref_reader *r, const char *path) {
  memset(r, 0, sizeof *r);
  r->f = fopen(path, "rb");
  if (!r->f) return -1;
  r->line = r->col = 1;
  return 0;
}

int mm_ref_reader_rewind(mm_ref_reader *r) {
  if (fseek(r->f, 0, SEEK_SET) != 0) return -1;
  r->line = r->col = 1;
  r->state = 0;
  r->index = 0;
  r->array = false;
  return 0;
}

void mm_ref_reader_close(mm_ref_reader *r) {
  if (r->f) fclose(r->f);
  free(r->buf);
  memset(r, 0, sizeof *r);
}

static int get(mm_ref_reader *r) {
  int c = getc_unlocked(r->f);
  if (c == '\n') {
    r->line++;
    r->col = 1;
  } else if (c != EOF) {
    r->col++;
  }
  return c;
}

/* The next byte that is not JSON white space (consumed), or EOF. */
static int skip_ws(mm_ref_reader *r, int *line, int *col) {
  for (;;) {
    *line = r->line;
    *col = r->col;
    int c = get(r);
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return c;
  }
}

static int put(mm_ref_reader *r, int c) {
  if (r->len + 1 >= r->cap) {
    size_t n = r->cap ? r->cap * 2 : 4096;
    char *b = realloc(r->buf, n);
    if (!b) return -2;
    r->buf = b;
    r->cap = n;
  }
  r->buf[r->len++] = (char)c;
  return 0;
}

/* One object from its '{' (already read) to its matching '}'. */
static int object(mm_ref_reader *r) {
  r->len = 0;
  if (put(r, '{')) return -2;
  int depth = 1;
  bool str = false, esc = false;
  while (depth > 0) {
    int c = get(r);
    if (c == EOF) return -1;
    if (put(r, c)) return -2;
    if (str) {
      if (esc) esc = false;
      else if (c == '\\') esc = true;
      else if (c == '"') str = false;
    } else if (c == '"') {
      str = true;
    } else if (c == '{' || c == '[') {
      if (++depth > MM_JSON_MAX_DEPTH) return -1;
    } else if (c == '}' || c == ']') {
      depth--;
    }
  }
  r->buf[r->len] = '\0';
  return 1;
}

/* Only white space may follow the end. */
static int end(mm_ref_reader *r) {
  int l, c;
  r->state = 3;
  return skip_ws(r, &l, &c) == EOF ? 0 : -1;
}

static int next(mm_ref_reader *r, int *line, int *col) {
  int c;
  switch (r->state) {
  case 0:
    c = skip_ws(r, line, col);
    if (c == '{') {
      r->state = 2;
      return object(r);
    }
    if (c != '[') return -1;
    r->array = true;
    r->state = 1;
    c = skip_ws(r, line, col);
    if (c == ']') return end(r);
    if (c != '{') return -1;
    r->index = 0;
    return object(r);
  case 1:
    c = skip_ws(r, line, col);
    if (c == ']') return end(r);
    if (c != ',') return -1;
    c = skip_ws(r, line, col);
    if (c != '{') return -1;
    r->index++;
    return object(r);
  case 2:
    return end(r);
  default:
    return 0;
  }
}

int mm_ref_reader_next(mm_ref_reader *r, int *line, int *col) {
  int g = next(r, line, col);
  r->line0 = *line;
  r->col0 = *col;
  return g;
}

int mm_ref_reader_referral(mm_ref_reader *r, mm_arena *a, mm_referral *out, size_t *index,
                           const mm_ref_kb *kb, mm_diags *d, const char *src) {
  int line, col;
  int g = mm_ref_reader_next(r, &line, &col);
  if (g <= 0) return g;
  *index = r->index;
  char path[32] = "";
  if (r->array) snprintf(path, sizeof path, "[%zu]", r->index);
  g = mm_referral_parse_one(out, a, r->buf, r->len, line, col, path, kb, d, src);
  return g == 0 ? 1 : g == -1 ? 2 : g == -2 ? -2 : -1;
}

/* The ids read so far: open addressing over their indices (slot = index
 * + 1, 0 empty), the ids themselves in one arena: about 30 bytes a
 * referral, 30 MiB at a million. */
typedef struct ids {
  mm_arena a;
  const char **id;
  size_t n, n_cap;
  size_t *slot;
  size_t cap;
} ids;

static size_t hash(const char *s) {
  size_t h = 1469598103934665603u; /* FNV-1a */
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
  return h;
}

static void place(ids *t, size_t i) {
  size_t m = t->cap - 1, k = hash(t->id[i]) & m;
  while (t->slot[k]) k = (k + 1) & m;
  t->slot[k] = i + 1;
}

/* The index of an earlier equal id, SIZE_MAX when id is new (then added),
 * or SIZE_MAX - 1 out of memory. */
static size_t ids_add(ids *t, const char *id) {
  if (2 * (t->n + 1) > t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 1024;
    size_t *slot = calloc(cap, sizeof *slot);
    if (!slot) return SIZE_MAX - 1;
    free(t->slot);
    t->slot = slot;
    t->cap = cap;
    for (size_t i = 0; i < t->n; i++) place(t, i);
  }
  size_t m = t->cap - 1;
  for (size_t k = hash(id) & m; t->slot[k]; k = (k + 1) & m)
    if (strcmp(t->id[t->slot[k] - 1], id) == 0) return t->slot[k] - 1;
  if (t->n == t->n_cap) {
    size_t nc = t->n_cap ? t->n_cap * 2 : 1024;
    const char **p = realloc(t->id, nc * sizeof *p);
    if (!p) return SIZE_MAX - 1;
    t->id = p;
    t->n_cap = nc;
  }
  t->id[t->n] = mm_arena_strdup(&t->a, id);
  if (!t->id[t->n]) return SIZE_MAX - 1;
  place(t, t->n++);
  return SIZE_MAX;
}

int mm_ref_reader_check(mm_ref_reader *r, const mm_ref_kb *kb, mm_diags *d, const char *src,
                        size_t *n) {
  ids t = {0};
  mm_arena_init(&t.a, 1 << 16);
  mm_arena a;
  mm_arena_init(&a, 16384);
  size_t before = d->errors;
  int rc = 0;
  *n = 0;
  for (;;) {
    mm_arena_reset(&a);
    mm_referral x;
    size_t i;
    int g = mm_ref_reader_referral(r, &a, &x, &i, kb, d, src);
    if (g <= 0) {
      rc = g == -1 ? -3 : g;
      break;
    }
    (*n)++;
    if (!x.id) continue;
    size_t j = ids_add(&t, x.id);
    if (j == SIZE_MAX - 1) {
      rc = -2;
      break;
    }
    if (j != SIZE_MAX) { /* the position of the id's value in the file */
      mm_json_error jerr;
      mm_json *v = mm_json_parse(&a, r->buf, r->len, &jerr);
      const mm_json *idv = v ? mm_json_get(v, "id") : NULL;
      int line = idv ? idv->line : 0, col = idv ? idv->col : 0;
      if (idv && line == 1) col += r->col0 - 1;
      if (idv) line += r->line0 - 1;
      mm_diag_errorc(d, MM_E_DUPLICATE, src, line, col,
                     r->array ? mm_arena_printf(&a, "[%zu].id", i) : "id",
                     "duplicate referral id '%s' (also at [%zu])", x.id, j);
    }
  }
  if (!rc && d->errors > before) rc = -1;
  mm_arena_free(&a);
  mm_arena_free(&t.a);
  free(t.id);
  free(t.slot);
  return rc;
}
