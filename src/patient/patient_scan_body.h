/* patient_scan_body.h: registry screening's fast way to read a record
 * (mm_patient_scan, patient_scan.c), compiled twice: in patient_scan.c for
 * any record, in patient_scan_compact.c (MM_SCAN_COMPACT 1) without its
 * whitespace skips (ws), tried first: the rest is the same code. Only those
 * two files include it.
 *
 * One pass over the JSON text fills mm_patient directly, without building a JSON tree,
 * for records in the usual form: no escapes in strings, no exponents, no drug
 * objects, every field known and valid. Anything else (an error, an unusual
 * form) makes it give up, and the caller reads the record with the full
 * reader (patient_read.c), which then decides and explains. So a record this
 * scanner accepts is read exactly as mm_patient_from_json reads it, without
 * paths (MM_READ_NO_PATHS); tests/unit/test_patient_scan.c compares the two on
 * every record of the test corpora and on thousands of damaged ones. */
#ifndef MM_SCAN_COMPACT
#error "patient_scan_body.h is included by patient_scan.c and patient_scan_compact.c only"
#endif
#include <stdint.h>
#include <string.h>

#include "patient/patient_internal.h"
#include "patient/patient_scan_text.h"

/* The scanner's state. Strings end with a NUL written over their closing
 * quote (as mm_json_parse_in_situ does); `quotes` remembers where, so that a
 * record given up is handed back to the full reader unchanged. */
#define MAX_STRINGS 1024
typedef struct scan {
  char *s, *end;
  mm_arena *arena;
  const mm_kb *kb;
  mm_patient *p;
  mm_date latest; /* latest date read: none may be after as_of */
  char *quotes[MAX_STRINGS];
  size_t n_quotes;
} scan;

/* Every "give up" goes through here: a plain false, for the caller to return. */
#define GIVE_UP false

/* The whole record as mm_patient_scan, with no whitespace skipped
 * (patient_scan_compact.c): it gives up at whitespace between tokens. */
int mm_patient_scan_compact(mm_patient **out, mm_arena *arena, const mm_kb *kb, char *text,
                            size_t len);

/* The first byte at or after s that is not whitespace. */
#if MM_SCAN_COMPACT
/* No whitespace byte in the record: nothing ever to skip. */
static inline __attribute__((always_inline)) char *skip_ws(char *s, const char *end) {
  (void)end;
  return s;
}
#else
static inline __attribute__((always_inline)) char *skip_ws(char *s, const char *end) {
  /* Registries write compact JSON: one test for the usual next byte. */
  if (s < end && (unsigned char)*s > ' ') return s;
  while (s < end && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) s++;
  return s;
}
#endif

/* The readers below take the cursor s and return the byte after what they
 * read, or NULL to give up: the position stays in a register from one
 * field to the next, rather than stored in sc and loaded again (a chain of
 * a store and a load per field). */
#define GIVE_UP_AT NULL

/* Whether the next value (past whitespace) starts with c. */
static inline __attribute__((always_inline)) bool peek(const scan *sc, char *s, char c) {
  s = skip_ws(s, sc->end);
  return s < sc->end && *s == c;
}

/* A string without escapes, valid UTF-8, no control characters, left as it
 * is: *out points at its first byte, *len bytes long, its closing quote
 * after. A name looked up in the flat table (mm_kb_find_exact) is read so:
 * its 16-byte load must not overlap a byte just written, which would stall
 * the load until the store is done. */
/* The same at s (no whitespace before it): the byte after the string, or
 * NULL. */
static inline __attribute__((always_inline)) char *raw_string_at(char *s, const char *end,
                                                                 const char **out, size_t *len) {
  if (s >= end || *s != '"') return NULL;
  const char *q = mm_scan_string_end(s + 1, end);
  if (!q) return NULL;
  *out = s + 1;
  *len = (size_t)(q - (s + 1));
  return (char *)q + 1;
}

static char *raw_string(const scan *sc, char *s, const char **out, size_t *len) {
  return raw_string_at(skip_ws(s, sc->end), sc->end, out, len);
}

/* Ends a string read by raw_string with a NUL over its closing quote
 * (remembered, for a record given up to go back unchanged). */
static inline bool terminate(scan *sc, const char *s, size_t len) {
  if (sc->n_quotes == MAX_STRINGS) return GIVE_UP;
  char *q = (char *)s + len;
  sc->quotes[sc->n_quotes++] = q;
  *q = '\0';
  return true;
}

/* A string as raw_string reads it, ended by a NUL. */
static char *string(scan *sc, char *s, const char **out, size_t *len) {
  s = raw_string(sc, s, out, len);
  return s && terminate(sc, *out, *len) ? s : GIVE_UP_AT;
}

/* null, which every field treats as absent. */
/* The byte after it, NULL when the value is not null. */
static inline __attribute__((always_inline)) char *null_at(const scan *sc, char *s) {
  s = skip_ws(s, sc->end);
  if (sc->end - s >= 4 && memcmp(s, "null", 4) == 0) return s + 4;
  return NULL;
}
/* In a reader: null is absent, the reader's value left as it was. */
#define NULL_IS_ABSENT(sc, s)             \
  do {                                    \
    char *after_null_ = null_at((sc), (s)); \
    if (after_null_) return after_null_;  \
  } while (0)

static inline __attribute__((always_inline)) char *boolean(const scan *sc, char *s, bool *b) {
  s = skip_ws(s, sc->end);
  if (sc->end - s >= 4 && memcmp(s, "true", 4) == 0) {
    *b = true;
    return s + 4;
  }
  if (sc->end - s >= 5 && memcmp(s, "false", 5) == 0) {
    *b = false;
    return s + 5;
  }
  return GIVE_UP_AT;
}

/* A JSON number as mm_json reads it, when its value is exact without strtod. */
static char *number(const scan *sc, char *s, double *x, bool *integer) {
  s = skip_ws(s, sc->end);
  const char *after;
  if (mm_scan_short_number(s, sc->end, x, integer, &after)) return (char *)after;
  mm_json_number num;
  const char *q = mm_json_number_scan(s, sc->end, &num);
  if (!q || !num.exact) return GIVE_UP_AT;
  *x = num.value;
  *integer = num.is_integer;
  return (char *)q;
}

#include "patient/patient_scan_keys.h"

/* Whether the text at s is key k and its closing quote. With 24 bytes left,
 * by words (little-endian: the first byte is the low one); else bytewise. */
static inline bool key_at(const char *s, const char *end, const scan_key *k) {
  if (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && end - s >= 24) {
    /* The first word decides most tries, and most keys (with their quote)
     * fit in it: the other two words only for a longer key. */
    uint64_t a0, b0;
    memcpy(&a0, s, 8);
    memcpy(&b0, k->t, 8);
    if ((a0 ^ b0) & k->mask[0]) return false;
    if (k->n <= 8) return true;
    uint64_t a[2], b[2];
    memcpy(a, s + 8, 16);
    memcpy(b, k->t + 8, 16);
    return (((a[0] ^ b[0]) & k->mask[1]) | ((a[1] ^ b[1]) & k->mask[2])) == 0;
  }
  /* Near the end of the text: bytewise, without a call. */
  if (end - s < k->n) return false;
  for (size_t i = 0; i < k->n; i++)
    if (s[i] != k->t[i]) return false;
  return true;
}

/* Walks an object's members: `field` is called with the index of each key
 * in `known` (a key twice, or not known, gives up). */
/* Always inlined: each call site's `field` is then a direct call, or
 * inlined itself, rather than a jump through a pointer. */
/* The cursor goes to `field` and comes back from it (NULL: give up), in a
 * register throughout. */
static inline __attribute__((always_inline)) char *members(scan *sc, char *s, const scan_key *known,
                                                           size_t n,
                                                           char *(*field)(scan *sc, char *s, int key,
                                                                          void *ctx),
                                                           void *ctx) {
  const char *end = sc->end;
  s = skip_ws(s, end);
  if (s >= end || *s != '{') return GIVE_UP_AT;
  s = skip_ws(s + 1, end);
  if (s < end && *s == '}') return s + 1;
  uint32_t seen = 0;
  size_t next = 0;
  for (;;) {
    /* A key is matched in place against the known ones, the expected next
     * first: a known key is plain ASCII, so no string needs checking, and
     * any other key is an error the full reader reports. */
    if (s >= end || *s != '"') return GIVE_UP_AT;
    s++;
    size_t k = next, tries = 0;
    for (; tries < n; tries++, k = k + 1 == n ? 0 : k + 1)
      if (key_at(s, end, &known[k])) break;
    if (tries == n || (seen & (1u << k))) return GIVE_UP_AT;
    s = skip_ws(s + known[k].n, end);
    if (s >= end || *s != ':') return GIVE_UP_AT;
    seen |= 1u << k;
    next = k + 1 == n ? 0 : k + 1;
    s = field(sc, s + 1, (int)k, ctx);
    if (!s) return GIVE_UP_AT;
    s = skip_ws(s, end);
    if (s >= end || *s != ',') break;
    s = skip_ws(s + 1, end);
  }
  if (s >= end || *s != '}') return GIVE_UP_AT;
  return s + 1;
}

/* --- names: the exact spellings by one flat-table probe (mm_kb_find_exact),
 * else the kb's lookups, which also decide everything the table does not */

static inline bool padded(const scan *sc, const char *s) { return sc->end - s >= 16; }

/* The name s[0..len), read by raw_string: the flat table first; the kb's
 * lookups (which need the name ended) decide the rest. NULL: unknown, or
 * out of room to end it (the full reader then decides). */
static const mm_drug *find_drug(scan *sc, const char *s, size_t len) {
  int i = padded(sc, s) ? mm_kb_find_exact(sc->kb, MM_EXACT_DRUG, s, len) : -1;
  if (i >= 0) return &sc->kb->drugs[i];
  return terminate(sc, s, len) ? mm_kb_find_drug(sc->kb, s) : NULL;
}

/* A line's regimen not spelled as the kb does (ended already): as
 * mm_kb_find_regimen then mm_kb_find_drug decide, the name normalized once
 * and looked up in the flat table; false when it is ambiguous or names
 * neither (a registry writes single agents so: "Teclistamab"). */
static bool regimen_or_drug(scan *sc, const char *name, size_t len, const mm_regimen **regimen,
                            const mm_drug **drug) {
  const mm_kb *kb = sc->kb;
  *regimen = NULL;
  *drug = NULL;
  char key[256 + 16]; /* 16 bytes readable past the key */
  size_t n = kb->exact_norm && len < 200 ? mm_kb_normalize_name(name, key, 256) : 0;
  if (n == 0) { /* no table, or a name it does not hold: the kb's lookups */
    const mm_ambiguity *amb = NULL;
    *regimen = mm_kb_find_regimen(kb, name, &amb);
    if (amb) return false;
    if (!*regimen) *drug = mm_kb_find_drug(kb, name);
    return *regimen || *drug;
  }
  if (mm_kb_find_exact(kb, MM_EXACT_AMBIGUOUS_NORMALIZED, key, n) >= 0) return false;
  int i = mm_kb_find_exact(kb, MM_EXACT_REGIMEN_NORMALIZED, key, n);
  if (i >= 0) {
    *regimen = &kb->regimens[i];
    return true;
  }
  i = padded(sc, name) ? mm_kb_find_exact(kb, MM_EXACT_DRUG, name, len) : -1;
  if (i < 0) i = mm_kb_find_exact(kb, MM_EXACT_DRUG_NORMALIZED, key, n);
  if (i < 0) return false;
  *drug = &kb->drugs[i];
  return true;
}

static const mm_lab *find_lab(scan *sc, const char *s, size_t len) {
  int i = padded(sc, s) ? mm_kb_find_exact(sc->kb, MM_EXACT_LAB, s, len) : -1;
  if (i >= 0) return &sc->kb->labs[i];
  return terminate(sc, s, len) ? mm_kb_find_lab(sc->kb, s) : NULL;
}

static const mm_comorbidity *find_comorbidity(scan *sc, const char *s, size_t len) {
  int i = padded(sc, s) ? mm_kb_find_exact(sc->kb, MM_EXACT_COMORBIDITY, s, len) : -1;
  if (i >= 0) return &sc->kb->comorbidities[i];
  return terminate(sc, s, len) ? mm_kb_find_comorbidity(sc->kb, s) : NULL;
}

/* --- values, checked as patient_read.c checks them ------------------- */

/* "YYYY-MM-DD": read in place, its ten bytes digits and dashes that
 * mm_date_parse checks, so no string needs checking or ending. */
static inline __attribute__((always_inline)) char *date_text(const scan *sc, char *s, mm_date *d) {
  s = skip_ws(s, sc->end);
  if (sc->end - s < 12 || s[0] != '"' || s[11] != '"' || !mm_date_parse(s + 1, 10, d))
    return GIVE_UP_AT;
  return s + 12;
}

static inline __attribute__((always_inline)) char *date(scan *sc, char *s, mm_date *d) {
  NULL_IS_ABSENT(sc, s); /* absent: *d stays MM_DATE_NONE */
  s = date_text(sc, s, d);
  if (!s) return GIVE_UP_AT;
  if (*d > sc->latest) sc->latest = *d;
  return s;
}

static inline __attribute__((always_inline)) char *bounded(const scan *sc, char *s, mm_value *v,
                                                           double min, double max, bool whole) {
  double x;
  bool integer;
  NULL_IS_ABSENT(sc, s);
  s = number(sc, s, &x, &integer);
  if (!s || (whole && !integer) || x < min || x > max) return GIVE_UP_AT;
  *v = mm_value_number(x);
  return s;
}

static inline __attribute__((always_inline)) char *truth(const scan *sc, char *s, mm_value *v) {
  bool b;
  NULL_IS_ABSENT(sc, s);
  s = boolean(sc, s, &b);
  if (!s) return GIVE_UP_AT;
  *v = mm_value_bool(b);
  return s;
}

/* One of the values (n of them, as scan_key) as a string, or null: its
 * index into *out. Compared in place with the closing quote, as keys are:
 * strncmp's call cost more than the comparison (a profile's finding). */
static char *one_of(const scan *sc, char *at, int *out, const scan_key *values, size_t n) {
  const char *s;
  size_t len;
  NULL_IS_ABSENT(sc, at);
  at = raw_string(sc, at, &s, &len); /* only its index is kept */
  if (!at) return GIVE_UP_AT;
  for (size_t i = 0; i < n; i++)
    if (values[i].n == len + 1 && key_at(s, sc->end, &values[i])) {
      *out = (int)i;
      return at;
    }
  return GIVE_UP_AT;
}

/* ["name", ...]: known drugs, none twice. */
static char *drug_names(scan *sc, char *at, mm_drug_use **out, size_t *n_out) {
  /* Room for the most a list may hold, written in place (no copy); the
   * entry after the last zeroed, as a zeroed allocation of n + 1 had it. */
  mm_drug_use *local = mm_arena_alloc_raw(sc->arena, 65 * sizeof *local);
  if (!local) return GIVE_UP_AT;
  size_t n = 0;
  const char *end = sc->end;
  at = skip_ws(at, end);
  if (at >= end || *at != '[') return GIVE_UP_AT;
  at = skip_ws(at + 1, end);
  if (at < end && *at == ']') {
    at++;
  } else {
    for (;;) {
      const char *s;
      size_t len;
      if (n == 64 || !(at = raw_string_at(at, end, &s, &len))) return GIVE_UP_AT;
      const mm_drug *d = find_drug(sc, s, len);
      if (!d) return GIVE_UP_AT;
      int drug = (int)(d - sc->kb->drugs);
      for (size_t k = 0; k < n; k++)
        if (local[k].drug == drug) return GIVE_UP_AT;
      local[n++] = (mm_drug_use){drug, MM_DATE_NONE, MM_DATE_NONE, false, ""};
      at = skip_ws(at, end);
      if (at >= end || *at != ',') break;
      at = skip_ws(at + 1, end);
    }
    if (at >= end || *at != ']') return GIVE_UP_AT;
    at++;
  }
  memset(&local[n], 0, sizeof local[n]);
  *out = local;
  *n_out = n;
  return at;
}

/* --- the record's objects --------------------------------------------- */

static char *maintenance_field(scan *sc, char *s, int key, void *ctx) {
  mm_line *l = ctx;
  switch (key) {
  case MM_MAINT_DRUGS:
    NULL_IS_ABSENT(sc, s);
    return drug_names(sc, s, &l->maint, &l->n_maint);
  case MM_MAINT_START: return date(sc, s, &l->maint_start);
  case MM_MAINT_END: return date(sc, s, &l->maint_end);
  }
  return GIVE_UP_AT;
}

typedef struct line_ctx {
  mm_line *l;
  const char *regimen;  /* as written, NULL when absent */
  size_t regimen_len;
  bool drugs_given;
} line_ctx;

static char *line_field(scan *sc, char *at, int key, void *ctx) {
  line_ctx *c = ctx;
  mm_line *l = c->l;
  const char *s;
  size_t len;
  bool b;
  int e;
  switch (key) {
  case MM_LINE_REGIMEN:
    NULL_IS_ABSENT(sc, at);
    at = raw_string(sc, at, &s, &len); /* ended in line() */
    if (!at) return GIVE_UP_AT;
    c->regimen = s;
    c->regimen_len = len;
    return at;
  case MM_LINE_DRUGS:
    NULL_IS_ABSENT(sc, at);
    c->drugs_given = true;
    return drug_names(sc, at, &l->drugs, &l->n_drugs);
  case MM_LINE_START: return date(sc, at, &l->start);
  case MM_LINE_END: return date(sc, at, &l->end);
  case MM_LINE_ASCT:
    NULL_IS_ABSENT(sc, at);
    if (peek(sc, at, '"')) {
      at = date(sc, at, &l->asct);
      if (!at) return GIVE_UP_AT;
      l->has_asct = true;
      return at;
    }
    at = boolean(sc, at, &b);
    if (!at) return GIVE_UP_AT;
    l->has_asct = b;
    return at;
  case MM_LINE_MAINTENANCE:
    NULL_IS_ABSENT(sc, at);
    l->has_maintenance = true;
    l->n_maint = (size_t)-1; /* "drugs" is required: set by maintenance_field */
    at = members(sc, at, maintenance_keys, MM_MAINT_N, maintenance_field, l);
    return at && l->n_maint != (size_t)-1 ? at : GIVE_UP_AT;
  case MM_LINE_BEST_RESPONSE:
    e = -1;
    at = one_of(sc, at, &e, response_values, N_OF(response_values));
    l->best_response = (mm_response_cat)e;
    return at;
  case MM_LINE_PROGRESSION: return date(sc, at, &l->progression);
  case MM_LINE_STOP_REASON:
    e = -1;
    at = one_of(sc, at, &e, stop_values, N_OF(stop_values));
    l->stop_reason = (mm_stop_reason)e;
    return at;
  case MM_LINE_REFRACTORY_TO: {
    NULL_IS_ABSENT(sc, at);
    mm_drug_use *list;
    size_t n;
    at = drug_names(sc, at, &list, &n);
    if (!at) return GIVE_UP_AT;
    l->refractory_to = mm_arena_alloc(sc->arena, (n + 1) * sizeof *l->refractory_to);
    if (!l->refractory_to) return GIVE_UP_AT;
    for (size_t i = 0; i < n; i++) l->refractory_to[i] = list[i].drug;
    l->n_refractory_to = n;
    return at;
  }
  }
  return GIVE_UP_AT;
}

/* A line object at s: the byte after it, or NULL. */
static char *line(scan *sc, char *s, mm_line *l) {
  /* Cleared by glibc's memset: gcc's inline `rep stosq` for a struct this
   * size starts slowly (a profile's finding). */
  size_t size = sizeof *l;
#ifdef __GNUC__
  __asm__("" : "+r"(size)); /* not a constant: no inline expansion */
#endif
  memset(l, 0, size);
  l->path = "";
  l->start = l->end = l->asct = l->maint_start = l->maint_end = l->progression = MM_DATE_NONE;
  l->best_response = MM_RESP_NONE;
  l->stop_reason = MM_STOP_NONE;
  line_ctx c = {l, NULL, 0, false};
  s = members(sc, s, line_keys, MM_LINE_N, line_field, &c);
  if (!s) return GIVE_UP_AT;
  if (c.regimen) {
    /* The exact spelling first, before the name is ended (raw_string). */
    int exact = padded(sc, c.regimen)
                    ? mm_kb_find_exact(sc->kb, MM_EXACT_REGIMEN, c.regimen, c.regimen_len)
                    : -1;
    if (!terminate(sc, c.regimen, c.regimen_len)) return GIVE_UP_AT;
    l->regimen_name = c.regimen;
    const mm_drug *single = NULL;
    if (exact >= 0) {
      l->regimen = &sc->kb->regimens[exact];
    } else if (!regimen_or_drug(sc, c.regimen, c.regimen_len, &l->regimen, &single)) {
      return GIVE_UP_AT; /* ambiguous, or neither */
    }
    if (!l->regimen) {
      /* A single agent written as the regimen: that drug, unless "drugs"
       * lists the line's drugs (as in patient_read.c). */
      if (!c.drugs_given) {
        l->drugs = mm_arena_alloc(sc->arena, sizeof *l->drugs);
        if (!l->drugs) return GIVE_UP_AT;
        l->drugs[0] = (mm_drug_use){(int)(single - sc->kb->drugs), MM_DATE_NONE, MM_DATE_NONE,
                                    false, ""};
        l->n_drugs = 1;
      }
    }
  }
  if (c.drugs_given) {
    if (l->regimen && !mm_regimen_matches(l->regimen, l->drugs, l->n_drugs)) return GIVE_UP_AT;
  } else if (l->regimen) {
    l->n_drugs = l->regimen->n_drugs;
    l->drugs = mm_arena_alloc(sc->arena, (l->n_drugs + 1) * sizeof *l->drugs);
    if (!l->drugs) return GIVE_UP_AT;
    for (size_t i = 0; i < l->n_drugs; i++)
      l->drugs[i] = (mm_drug_use){l->regimen->drugs[i], MM_DATE_NONE, MM_DATE_NONE, false, ""};
  }
  l->drugs_known = c.drugs_given || l->n_drugs > 0 || l->regimen;
  if (l->start != MM_DATE_NONE && l->end != MM_DATE_NONE && l->end < l->start) return GIVE_UP_AT;
  if (l->asct != MM_DATE_NONE && l->start != MM_DATE_NONE && l->asct < l->start) return GIVE_UP_AT;
  if (l->maint_start != MM_DATE_NONE && l->maint_end != MM_DATE_NONE && l->maint_end < l->maint_start)
    return GIVE_UP_AT;
  if (l->maint_start != MM_DATE_NONE && l->start != MM_DATE_NONE && l->maint_start < l->start)
    return GIVE_UP_AT;
  l->has_progression = l->progression != MM_DATE_NONE;
  if (l->has_progression && l->start != MM_DATE_NONE && l->progression < l->start) return GIVE_UP_AT;
  return s;
}

typedef struct lab_ctx {
  mm_observation *o;
  bool has_date, has_value, number_value;
  const mm_lab *lab;
  double value;
  const char *text, *unit; /* a categorical value; the unit */
} lab_ctx;

static char *lab_field(scan *sc, char *at, int key, void *ctx) {
  lab_ctx *c = ctx;
  const char *s;
  size_t len;
  bool integer;
  switch (key) {
  case MM_LAB_DATE:
    at = date(sc, at, &c->o->date);
    c->has_date = c->o->date != MM_DATE_NONE;
    return at;
  case MM_LAB_TEST:
    NULL_IS_ABSENT(sc, at);
    at = raw_string(sc, at, &s, &len);
    if (!at) return GIVE_UP_AT;
    c->lab = find_lab(sc, s, len);
    return c->lab ? at : GIVE_UP_AT;
  case MM_LAB_VALUE:
    NULL_IS_ABSENT(sc, at);
    c->has_value = true;
    if (peek(sc, at, '"')) return string(sc, at, &c->text, &len);
    c->number_value = true;
    return number(sc, at, &c->value, &integer);
  case MM_LAB_UNIT:
    NULL_IS_ABSENT(sc, at);
    return string(sc, at, &c->unit, &len);
  }
  return GIVE_UP_AT;
}

/* A lab object at s: the byte after it, or NULL. */
static char *lab(scan *sc, char *s, mm_observation *o) {
  memset(o, 0, sizeof *o);
  o->path = "";
  o->date = MM_DATE_NONE;
  lab_ctx c = {.o = o};
  s = members(sc, s, lab_keys, MM_LAB_N, lab_field, &c);
  if (!s || !c.has_date || !c.lab || !c.has_value) return GIVE_UP_AT;
  o->lab = (int)(c.lab - sc->kb->labs);
  if (c.lab->values) {
    if (c.unit || c.number_value) return GIVE_UP_AT;
    int i = mm_name_index(c.lab->values, c.text);
    if (i < 0) return GIVE_UP_AT;
    o->category = c.lab->values[i];
    return s;
  }
  if (!c.number_value || !c.unit) return GIVE_UP_AT;
  const mm_lab_unit *u = mm_lab_unit_find(c.lab, c.unit);
  if (!u) return GIVE_UP_AT;
  o->value = c.value * u->factor;
  return c.lab->has_range && (o->value < c.lab->min || o->value > c.lab->max) ? GIVE_UP_AT : s;
}

static char *fish_field(scan *sc, char *s, int key, void *ctx) {
  mm_patient *p = ctx;
  mm_value *v[MM_FISH_N] = {&p->del17p, &p->t4_14, &p->t14_16, &p->gain1q, &p->amp1q};
  return truth(sc, s, v[key]);
}

static char *diagnosis_field(scan *sc, char *s, int key, void *ctx) {
  mm_patient *p = ctx;
  const mm_lab *b2m = sc->kb->lab_beta2m, *alb = sc->kb->lab_albumin;
  switch (key) {
  case MM_DIAG_DATE: return date(sc, s, &p->diagnosis_date);
  case MM_DIAG_ISS: return bounded(sc, s, &p->iss, 1, 3, true);
  case MM_DIAG_BETA2M:
    return bounded(sc, s, &p->beta2m_mg_l, b2m && b2m->has_range ? b2m->min : 0,
                   b2m && b2m->has_range ? b2m->max : 1e9, false);
  case MM_DIAG_ALBUMIN:
    return bounded(sc, s, &p->albumin_g_dl, alb && alb->has_range ? alb->min : 0,
                   alb && alb->has_range ? alb->max : 1e9, false);
  case MM_DIAG_LDH: return truth(sc, s, &p->ldh_above_uln);
  case MM_DIAG_FISH:
    NULL_IS_ABSENT(sc, s);
    return members(sc, s, fish_keys, MM_FISH_N, fish_field, p);
  }
  return GIVE_UP_AT;
}

static char *frailty_field(scan *sc, char *s, int key, void *ctx) {
  mm_patient *p = ctx;
  switch (key) {
  case MM_FRAIL_CHARLSON: return bounded(sc, s, &p->charlson, 0, 37, true);
  case MM_FRAIL_ADL: return bounded(sc, s, &p->adl, 0, 6, true);
  case MM_FRAIL_IADL: return bounded(sc, s, &p->iadl, 0, 8, true);
  }
  return GIVE_UP_AT;
}

static char *feature_field(scan *sc, char *s, int key, void *ctx) {
  mm_patient *p = ctx;
  mm_value *v[MM_FEAT_N] = {&p->extramedullary, &p->plasma_cell_leukemia, &p->cns};
  return truth(sc, s, v[key]);
}

/* Arrays of objects or strings: `each` reads element i at s. */
static inline __attribute__((always_inline)) char *array(scan *sc, char *s, size_t cap, size_t *n,
                                                         char *(*each)(scan *sc, char *s, size_t i,
                                                                       void *ctx),
                                                         void *ctx) {
  *n = 0;
  const char *end = sc->end;
  s = skip_ws(s, end);
  if (s >= end || *s != '[') return GIVE_UP_AT;
  s = skip_ws(s + 1, end);
  if (s >= end || *s != ']') {
    for (;;) {
      if (*n == cap) return GIVE_UP_AT;
      s = each(sc, s, (*n)++, ctx);
      if (!s) return GIVE_UP_AT;
      s = skip_ws(s, end);
      if (s >= end || *s != ',') break;
      s = skip_ws(s + 1, end);
    }
    if (s >= end || *s != ']') return GIVE_UP_AT;
  }
  return s + 1;
}

enum { MAX_ITEMS = 256 };

static char *comorbidity_item(scan *sc, char *at, size_t i, void *ctx) {
  mm_patient *p = ctx;
  const char *s;
  size_t len;
  at = raw_string(sc, at, &s, &len);
  if (!at) return GIVE_UP_AT;
  const mm_comorbidity *m = find_comorbidity(sc, s, len);
  if (!m) return GIVE_UP_AT;
  p->comorbidities[i] = (int)(m - sc->kb->comorbidities);
  return at;
}

static char *lab_item(scan *sc, char *s, size_t i, void *ctx) {
  mm_patient *p = ctx;
  return lab(sc, s, &p->labs[i]);
}

static char *line_item(scan *sc, char *s, size_t i, void *ctx) {
  mm_patient *p = ctx;
  mm_line *l = &p->lines[i];
  s = line(sc, s, l);
  /* Lines are listed oldest first. */
  if (!s || (i > 0 && l->start != MM_DATE_NONE && p->lines[i - 1].start != MM_DATE_NONE &&
             l->start < p->lines[i - 1].start))
    return GIVE_UP_AT;
  return s;
}

static char *record_field(scan *sc, char *at, int key, void *ctx) {
  mm_patient *p = ctx;
  const char *s;
  size_t len;
  int e;
  switch (key) {
  case MM_REC_SCHEMA:
    NULL_IS_ABSENT(sc, at);
    at = string(sc, at, &s, &len);
    return at && len == 16 && memcmp(s, "mmpath/patient@1", 16) == 0 ? at : GIVE_UP_AT;
  case MM_REC_ID:
    NULL_IS_ABSENT(sc, at);
    at = string(sc, at, &s, &len);
    if (!at || len == 0) return GIVE_UP_AT;
    p->id = s;
    return at;
  case MM_REC_CENTER:
    NULL_IS_ABSENT(sc, at);
    at = string(sc, at, &s, &len);
    if (!at) return GIVE_UP_AT;
    p->center = s;
    return at;
  case MM_REC_AS_OF:
    NULL_IS_ABSENT(sc, at);
    at = date_text(sc, at, &p->as_of);
    if (!at) return GIVE_UP_AT;
    p->as_of_given = true;
    return at;
  case MM_REC_BIRTH_DATE: return date(sc, at, &p->birth_date);
  case MM_REC_AGE: return bounded(sc, at, &p->age_given, 0, 130, true);
  case MM_REC_SEX:
    e = -1;
    at = one_of(sc, at, &e, sex_values, N_OF(sex_values));
    if (!at) return GIVE_UP_AT;
    p->sex = e >= 0 ? mm_sex_names[e] : NULL;
    return at;
  case MM_REC_ECOG: return bounded(sc, at, &p->ecog, 0, 4, true);
  case MM_REC_FRAILTY:
    NULL_IS_ABSENT(sc, at);
    return members(sc, at, frailty_keys, MM_FRAIL_N, frailty_field, p);
  case MM_REC_COMORBIDITIES:
    NULL_IS_ABSENT(sc, at);
    p->comorbidities_given = true;
    p->comorbidities = mm_arena_alloc_raw(sc->arena, (MAX_ITEMS + 1) * sizeof *p->comorbidities);
    if (!p->comorbidities) return GIVE_UP_AT;
    return array(sc, at, MAX_ITEMS, &p->n_comorbidities, comorbidity_item, p);
  case MM_REC_TRANSPLANT_ELIGIBLE: return truth(sc, at, &p->transplant_eligible);
  case MM_REC_DIAGNOSIS:
    NULL_IS_ABSENT(sc, at);
    p->diagnosis_given = true;
    return members(sc, at, diagnosis_keys, MM_DIAG_N, diagnosis_field, p);
  case MM_REC_FEATURES:
    NULL_IS_ABSENT(sc, at);
    return members(sc, at, feature_keys, MM_FEAT_N, feature_field, p);
  case MM_REC_LABS:
    NULL_IS_ABSENT(sc, at);
    p->labs = mm_arena_alloc_raw(sc->arena, (MAX_ITEMS + 1) * sizeof *p->labs);
    if (!p->labs) return GIVE_UP_AT;
    return array(sc, at, MAX_ITEMS, &p->n_labs, lab_item, p);
  case MM_REC_LINES:
    NULL_IS_ABSENT(sc, at);
    p->lines_given = true;
    p->lines = mm_arena_alloc_raw(sc->arena, (MAX_ITEMS + 1) * sizeof *p->lines);
    if (!p->lines) return GIVE_UP_AT;
    return array(sc, at, MAX_ITEMS, &p->n_lines, line_item, p);
  }
  return GIVE_UP_AT;
}

/* The record in text[0..len): when line is NULL, the whole text; else the
 * record at its start, which must be followed by '\n' (or reach len, when
 * end_ok), its length into *line (mm_patient_scan_line). */
static int scan_text(mm_patient **out, mm_arena *arena, const mm_kb *kb, char *text, size_t len,
                     size_t *line, bool end_ok) {
  *out = NULL;
  mm_patient *p = mm_arena_alloc_raw(arena, sizeof *p);
  if (!p) return -1;
  mm_patient_init(p);
  scan *sc = mm_arena_alloc_raw(arena, sizeof *sc);
  if (!sc) return -1;
  sc->s = text;
  sc->end = text + len;
  sc->arena = arena;
  sc->kb = kb;
  sc->p = p;
  sc->latest = MM_DATE_NONE;
  sc->n_quotes = 0;
  char *after = members(sc, text, record_keys, MM_REC_N, record_field, p);
  bool ok = after != NULL;
  if (ok) sc->s = after;
  if (line) {
    ok = ok && (sc->s < sc->end ? *sc->s == '\n' : end_ok);
    *line = (size_t)(sc->s - text);
  } else {
    sc->s = skip_ws(sc->s, sc->end);
    ok = ok && sc->s == sc->end;
  }
  ok = ok && p->id && !arena->failed;
  if (ok && !p->as_of_given) p->as_of = mm_date_today();
  ok = ok && (sc->latest == MM_DATE_NONE || sc->latest <= p->as_of);
  ok = ok && !(p->birth_date != MM_DATE_NONE && p->diagnosis_date != MM_DATE_NONE &&
               p->diagnosis_date < p->birth_date);
  if (!ok) {
    for (size_t i = 0; i < sc->n_quotes; i++) *sc->quotes[i] = '"'; /* as it was */
    return arena->failed ? -1 : 0;
  }
  *out = p;
  return 1;
}
