/* json_parse.c: recursive-descent JSON reader (see json.h).
 *
 *   value  -> object | array | string | number | true | false | null
 *   object -> '{' [ string ':' value { ',' string ':' value } ] '}'
 *   array  -> '[' [ value { ',' value } ] ']'
 */
#include "json/json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct parser {
  const char *p, *end, *line_start;
  int line;
  int depth;
  mm_arena *arena;
  mm_json_error *err;
  bool failed;
  bool escaped; /* the last string read had escapes */
  bool in_situ; /* strings are unescaped inside the input (text is writable) */
  size_t values_left; /* the cap on values (SIZE_MAX: none) */
  size_t max_values;
} parser;

static int col_of(const parser *ps, const char *at) {
  /* Columns count bytes, 1-based, as jq and jansson do. */
  return (int)(at - ps->line_start) + 1;
}

static void fail_at(parser *ps, const char *at, const char *msg) {
  if (ps->failed) return;
  ps->failed = true;
  if (ps->err) {
    ps->err->line = ps->line;
    ps->err->col = col_of(ps, at);
    snprintf(ps->err->text, sizeof ps->err->text, "%s", msg);
  }
}

static void skip_ws_slow(parser *ps) {
  while (ps->p < ps->end) {
    char c = *ps->p;
    if (c == '\n') {
      ps->line++;
      ps->line_start = ++ps->p;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      ps->p++;
    } else {
      break;
    }
  }
}

/* Most tokens follow no white space or a single space: check that inline. */
static inline void skip_ws(parser *ps) {
  if (ps->p < ps->end && (unsigned char)*ps->p > ' ') return;
  if (ps->p + 1 < ps->end && *ps->p == ' ' && (unsigned char)ps->p[1] > ' ') {
    ps->p++;
    return;
  }
  skip_ws_slow(ps);
}

static mm_json *new_value(parser *ps, mm_json_type t, const char *at) {
  if (__builtin_expect(ps->values_left == 0, 0)) {
    char msg[96];
    snprintf(msg, sizeof msg, "too many values (the limit is %zu)", ps->max_values);
    if (ps->err && !ps->failed) ps->err->limit = true;
    fail_at(ps, at, msg);
    return NULL;
  }
  ps->values_left--;
  mm_json *v = mm_arena_alloc_raw(ps->arena, sizeof *v);
  if (!v) {
    fail_at(ps, at, "out of memory");
    return NULL;
  }
  *v = (mm_json){.type = t, .line = ps->line, .col = col_of(ps, at)};
  return v;
}

static mm_json *parse_value(parser *ps);

static int hex4(const char *s) {
  int v = 0;
  for (int i = 0; i < 4; i++) {
    char c = s[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= c - '0';
    else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
    else return -1;
  }
  return v;
}

static size_t put_utf8(char *out, unsigned cp) {
  if (cp < 0x80) { out[0] = (char)cp; return 1; }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* Length of a valid UTF-8 sequence starting at s, or 0 (RFC 3629). */
size_t mm_json_utf8_len(const unsigned char *s, const unsigned char *end) {
  unsigned c = s[0];
  size_t n;
  unsigned min;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) { n = 2; min = 0x80; }
  else if (c >= 0xE0 && c <= 0xEF) { n = 3; min = 0x800; }
  else if (c >= 0xF0 && c <= 0xF4) { n = 4; min = 0x10000; }
  else return 0;
  if ((size_t)(end - s) < n) return 0;
  unsigned cp = c & (0x7F >> n);
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

/* Parses a string starting at the opening quote; *len_out gets its length. */
static const char *parse_string_raw(parser *ps, size_t *len_out) {
  const char *start = ps->p++;
  /* First pass: find the end and whether there are escapes. */
  const char *q = ps->p;
  bool escapes = false;
  while (q < ps->end && *q != '"') {
    unsigned char c = (unsigned char)*q;
    if (c >= 0x20 && c < 0x80 && c != '\\') { /* the common case: plain ASCII */
      q++;
      continue;
    }
    if (c < 0x20) {
      fail_at(ps, q, c == '\n' ? "unterminated string" : "control character in string");
      return NULL;
    }
    if (c == '\\') {
      escapes = true;
      q += 2;
      continue;
    }
    if (c >= 0x80) {
      size_t n = mm_json_utf8_len((const unsigned char *)q, (const unsigned char *)ps->end);
      if (!n) {
        fail_at(ps, q, "invalid UTF-8 in string");
        return NULL;
      }
      q += n;
      continue;
    }
    q++;
  }
  if (q >= ps->end) {
    fail_at(ps, start, "unterminated string");
    return NULL;
  }
  size_t raw = (size_t)(q - ps->p);
  /* In place, the unescaped text is never longer than the raw text, and the
   * closing quote's byte takes the NUL. */
  char *out = ps->in_situ ? (char *)ps->p : mm_arena_alloc_raw(ps->arena, raw + 1);
  if (!out) {
    fail_at(ps, start, "out of memory");
    return NULL;
  }
  ps->escaped = escapes;
  if (!escapes) {
    if (!ps->in_situ) memcpy(out, ps->p, raw);
    out[raw] = '\0';
    *len_out = raw;
    ps->p = q + 1;
    return out;
  }
  size_t n = 0;
  const char *s = ps->p;
  while (s < q) {
    if (*s != '\\') {
      out[n++] = *s++;
      continue;
    }
    const char *esc = s;
    s++;
    switch (*s) {
    case '"': out[n++] = '"'; s++; break;
    case '\\': out[n++] = '\\'; s++; break;
    case '/': out[n++] = '/'; s++; break;
    case 'b': out[n++] = '\b'; s++; break;
    case 'f': out[n++] = '\f'; s++; break;
    case 'n': out[n++] = '\n'; s++; break;
    case 'r': out[n++] = '\r'; s++; break;
    case 't': out[n++] = '\t'; s++; break;
    case 'u': {
      if (q - s < 5) { fail_at(ps, esc, "bad \\u escape"); return NULL; }
      int cp = hex4(s + 1);
      if (cp < 0) { fail_at(ps, esc, "bad \\u escape"); return NULL; }
      s += 5;
      if (cp >= 0xDC00 && cp <= 0xDFFF) {
        fail_at(ps, esc, "lone UTF-16 surrogate in \\u escape");
        return NULL;
      }
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        int lo = (q - s >= 6 && s[0] == '\\' && s[1] == 'u') ? hex4(s + 2) : -1;
        if (lo < 0xDC00 || lo > 0xDFFF) {
          fail_at(ps, esc, "lone UTF-16 surrogate in \\u escape");
          return NULL;
        }
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        s += 6;
      }
      n += put_utf8(out + n, (unsigned)cp);
      break;
    }
    default:
      fail_at(ps, esc, "bad escape in string");
      return NULL;
    }
  }
  out[n] = '\0';
  *len_out = n;
  ps->p = q + 1;
  return out;
}

/* Exact powers of ten as doubles (10^22 is the largest exactly representable). */
static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

const char *mm_json_number_scan(const char *s, const char *end, mm_json_number *out) {
  const char *q = s;
  bool negative = false;
  /* The digits as an integer and the power of ten that scales them: lab
   * values like 17.2 or 1066 are then exact with one IEEE operation
   * (Clinger's fast path), without strtod. */
  uint64_t mant = 0;
  int digits = 0, scale = 0;
  *out = (mm_json_number){.is_integer = true};
  if (q < end && *q == '-') q++, negative = true;
  if (q >= end) return NULL;
  if (*q == '0') {
    q++;
  } else if (*q >= '1' && *q <= '9') {
    while (q < end && *q >= '0' && *q <= '9') {
      if (digits < 19) mant = mant * 10 + (uint64_t)(*q - '0');
      digits++;
      q++;
    }
  } else {
    return NULL;
  }
  if (q < end && *q == '.') {
    out->is_integer = false;
    q++;
    if (q >= end || *q < '0' || *q > '9') return NULL;
    while (q < end && *q >= '0' && *q <= '9') {
      if (digits < 19) mant = mant * 10 + (uint64_t)(*q - '0'), scale--;
      if (mant) digits++;
      q++;
    }
  }
  bool exponent = false;
  if (q < end && (*q == 'e' || *q == 'E')) {
    out->is_integer = false;
    exponent = true;
    q++;
    if (q < end && (*q == '+' || *q == '-')) q++;
    if (q >= end || *q < '0' || *q > '9') return NULL;
    while (q < end && *q >= '0' && *q <= '9') q++;
  }
  out->exact = !exponent && digits <= 15 && -scale <= 22;
  if (out->exact) {
    double x = (double)mant; /* exact: below 2^53 */
    x = scale ? x / pow10_exact[-scale] : x;
    out->value = negative ? -x : x;
  }
  if (out->is_integer && digits <= 18) out->integer = negative ? -(int64_t)mant : (int64_t)mant;
  return q;
}

static mm_json *parse_number(parser *ps) {
  const char *s = ps->p;
  mm_json_number num;
  const char *q = mm_json_number_scan(s, ps->end, &num);
  if (!q) {
    fail_at(ps, s, "invalid number");
    return NULL;
  }
  size_t n = (size_t)(q - s);
  if (n >= 64) {
    fail_at(ps, s, "number too long");
    return NULL;
  }
  mm_json *v = new_value(ps, MM_JSON_NUMBER, s);
  if (!v) return NULL;
  if (num.exact) {
    v->number = num.value;
  } else {
    char buf[64];
    memcpy(buf, s, n);
    buf[n] = '\0';
    v->number = strtod(buf, NULL);
  }
  if (num.is_integer && n <= 18) {
    v->is_integer = true;
    v->integer = num.integer;
  }
  ps->p = q;
  return v;
}

static bool expect_word(parser *ps, const char *w) {
  size_t n = strlen(w);
  if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, w, n) != 0) return false;
  ps->p += n;
  return true;
}

/* Small growable pointer list on the C stack, spilling into the arena. */
typedef struct ptrlist {
  void **items;
  size_t n, cap;
  void *local[16];
} ptrlist;

static bool ptrlist_push(parser *ps, ptrlist *l, void *x) {
  if (l->n == l->cap) {
    size_t cap = l->cap * 2;
    void **items = mm_arena_grow(ps->arena, l->items, l->n, cap, sizeof *items);
    if (!items) return false;
    l->items = items;
    l->cap = cap;
  }
  l->items[l->n++] = x;
  return true;
}

static int cmp_member_key(const void *a, const void *b) {
  return strcmp(((const mm_json_member *)a)->key, ((const mm_json_member *)b)->key);
}

static bool has_duplicate(parser *ps, mm_json_member *m, size_t n) {
  if (n <= 32) {
    for (size_t i = 1; i < n; i++)
      for (size_t j = 0; j < i; j++)
        if (m[i].key_len == m[j].key_len && m[i].key[0] == m[j].key[0] &&
            memcmp(m[i].key, m[j].key, m[i].key_len) == 0)
          return true;
    return false;
  }
  mm_json_member *copy = mm_arena_grow(ps->arena, m, n, n, sizeof *m);
  if (!copy) return false;
  qsort(copy, n, sizeof *copy, cmp_member_key);
  for (size_t i = 1; i < n; i++)
    if (strcmp(copy[i].key, copy[i - 1].key) == 0) return true;
  return false;
}

static mm_json *parse_array(parser *ps) {
  mm_json *v = new_value(ps, MM_JSON_ARRAY, ps->p);
  if (!v) return NULL;
  ps->p++;
  ptrlist l = {.n = 0, .cap = 16};
  l.items = l.local;
  skip_ws(ps);
  if (ps->p < ps->end && *ps->p == ']') {
    ps->p++;
    return v;
  }
  for (;;) {
    mm_json *item = parse_value(ps);
    if (!item) return NULL;
    if (!ptrlist_push(ps, &l, item)) {
      fail_at(ps, ps->p, "out of memory");
      return NULL;
    }
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ',') {
      ps->p++;
      continue;
    }
    if (ps->p < ps->end && *ps->p == ']') {
      ps->p++;
      break;
    }
    fail_at(ps, ps->p, ps->p < ps->end ? "expected ',' or ']' in array"
                                       : "unexpected end of input in array");
    return NULL;
  }
  v->len = l.n;
  v->items = mm_arena_alloc_raw(ps->arena, l.n * sizeof *v->items);
  if (v->items) memcpy(v->items, l.items, l.n * sizeof *v->items);
  if (!v->items) fail_at(ps, ps->p, "out of memory");
  return ps->failed ? NULL : v;
}

static mm_json *parse_object(parser *ps) {
  const char *open = ps->p;
  mm_json *v = new_value(ps, MM_JSON_OBJECT, ps->p);
  if (!v) return NULL;
  ps->p++;
  mm_json_member local[16], *m = local;
  size_t n = 0, cap = 16;
  skip_ws(ps);
  if (ps->p < ps->end && *ps->p == '}') {
    ps->p++;
    return v;
  }
  for (;;) {
    skip_ws(ps);
    if (ps->p >= ps->end || *ps->p != '"') {
      fail_at(ps, ps->p, ps->p < ps->end ? "expected a string key in object"
                                         : "unexpected end of input in object");
      return NULL;
    }
    size_t klen;
    const char *key_at = ps->p;
    const char *key = parse_string_raw(ps, &klen);
    if (!key) return NULL;
    if (ps->escaped && strlen(key) != klen) { /* only \u0000 can hide a NUL */
      fail_at(ps, key_at, "NUL character in object key");
      return NULL;
    }
    skip_ws(ps);
    if (ps->p >= ps->end || *ps->p != ':') {
      fail_at(ps, ps->p, "expected ':' after object key");
      return NULL;
    }
    ps->p++;
    mm_json *val = parse_value(ps);
    if (!val) return NULL;
    if (n == cap) {
      mm_json_member *nm = mm_arena_grow(ps->arena, m, n, cap * 2, sizeof *m);
      if (!nm) {
        fail_at(ps, ps->p, "out of memory");
        return NULL;
      }
      m = nm;
      cap *= 2;
    }
    m[n].key = key;
    m[n].key_len = klen;
    m[n].value = val;
    n++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ',') {
      ps->p++;
      continue;
    }
    if (ps->p < ps->end && *ps->p == '}') {
      ps->p++;
      break;
    }
    fail_at(ps, ps->p, ps->p < ps->end ? "expected ',' or '}' in object"
                                       : "unexpected end of input in object");
    return NULL;
  }
  if (has_duplicate(ps, m, n)) {
    fail_at(ps, open, "duplicate key in object");
    return NULL;
  }
  v->len = n;
  v->members = mm_arena_alloc_raw(ps->arena, n * sizeof *m);
  if (v->members) memcpy(v->members, m, n * sizeof *m);
  if (!v->members) fail_at(ps, ps->p, "out of memory");
  return ps->failed ? NULL : v;
}

static mm_json *parse_value(parser *ps) {
  skip_ws(ps);
  if (ps->p >= ps->end) {
    fail_at(ps, ps->p, "unexpected end of input");
    return NULL;
  }
  const char *at = ps->p;
  switch (*ps->p) {
  case '{':
  case '[': {
    if (++ps->depth > MM_JSON_MAX_DEPTH) {
      fail_at(ps, at, "nesting too deep (limit is 256)");
      return NULL;
    }
    mm_json *v = *at == '{' ? parse_object(ps) : parse_array(ps);
    ps->depth--;
    return v;
  }
  case '"': {
    mm_json *v = new_value(ps, MM_JSON_STRING, at);
    if (!v) return NULL;
    v->str = parse_string_raw(ps, &v->len);
    return v->str ? v : NULL;
  }
  case 't':
    if (expect_word(ps, "true")) return new_value(ps, MM_JSON_TRUE, at);
    break;
  case 'f':
    if (expect_word(ps, "false")) return new_value(ps, MM_JSON_FALSE, at);
    break;
  case 'n':
    if (expect_word(ps, "null")) return new_value(ps, MM_JSON_NULL, at);
    break;
  default:
    if (*at == '-' || (*at >= '0' && *at <= '9')) return parse_number(ps);
    break;
  }
  fail_at(ps, at, "invalid JSON value");
  return NULL;
}

static mm_json *parse_text(mm_arena *arena, const char *text, size_t len, mm_json_error *err,
                           bool in_situ, size_t max_values) {
  parser ps = {.p = text, .end = text + len, .line_start = text, .line = 1,
               .arena = arena, .err = err, .in_situ = in_situ,
               .values_left = max_values ? max_values : SIZE_MAX, .max_values = max_values};
  if (err) err->limit = false;
  /* A UTF-8 byte order mark is tolerated (RFC 8259 §8.1 allows ignoring it). */
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) ps.p += 3, ps.line_start = ps.p;
  mm_json *root = parse_value(&ps);
  if (!root) return NULL;
  skip_ws(&ps);
  if (ps.p < ps.end) {
    fail_at(&ps, ps.p, "unexpected text after the JSON value");
    return NULL;
  }
  return root;
}

mm_json *mm_json_parse(mm_arena *arena, const char *text, size_t len, mm_json_error *err) {
  return parse_text(arena, text, len, err, false, 0);
}

mm_json *mm_json_parse_in_situ(mm_arena *arena, char *text, size_t len, mm_json_error *err) {
  return parse_text(arena, text, len, err, true, 0);
}

mm_json *mm_json_parse_ex(mm_arena *arena, const char *text, size_t len, bool in_situ,
                          size_t max_values, mm_json_error *err) {
  return parse_text(arena, text, len, err, in_situ, max_values);
}

mm_json *mm_json_get(const mm_json *obj, const char *key) {
  if (!obj || obj->type != MM_JSON_OBJECT) return NULL;
  /* An inline comparison: keys are short and most differ at once. */
  for (size_t i = 0; i < obj->len; i++) {
    const char *a = obj->members[i].key, *b = key;
    while (*a && *a == *b) a++, b++;
    if (*a == *b) return obj->members[i].value;
  }
  return NULL;
}

bool mm_json_present(const mm_json *v) { return v && v->type != MM_JSON_NULL; }

const char *mm_json_type_name(mm_json_type t) {
  switch (t) {
  case MM_JSON_NULL: return "null";
  case MM_JSON_FALSE:
  case MM_JSON_TRUE: return "boolean";
  case MM_JSON_NUMBER: return "number";
  case MM_JSON_STRING: return "string";
  case MM_JSON_ARRAY: return "array";
  case MM_JSON_OBJECT: return "object";
  }
  return "value";
}
