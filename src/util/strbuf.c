/* strbuf.c: see strbuf.h. */
#include "util/strbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void mm_strbuf_init(mm_strbuf *b, size_t max) {
  b->data = NULL;
  b->len = b->cap = 0;
  b->max = max ? max : (size_t)1 << 30;
  b->failed = false;
}

static bool reserve(mm_strbuf *b, size_t extra) {
  if (b->failed) return false;
  if (b->len + extra + 1 > b->max) {
    b->failed = true;
    return false;
  }
  if (b->len + extra + 1 <= b->cap) return true;
  size_t cap = b->cap ? b->cap * 2 : 256;
  while (cap < b->len + extra + 1) cap *= 2;
  if (cap > b->max) cap = b->max;
  char *p = realloc(b->data, cap);
  if (!p) {
    b->failed = true;
    return false;
  }
  b->data = p;
  b->cap = cap;
  return true;
}

void mm_strbuf_add_grow(mm_strbuf *b, const char *s, size_t n) {
  if (!reserve(b, n)) return;
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void mm_strbuf_printf(mm_strbuf *b, const char *fmt, ...) {
  if (b->failed) return;
  /* Format once into the room there is; again only if it did not fit. */
  size_t room = b->cap > b->len ? b->cap - b->len : 0;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(room ? b->data + b->len : NULL, room, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n >= room) {
    if (!reserve(b, (size_t)n)) return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
  }
  b->len += (size_t)n;
}

/* Bytes that JSON strings must escape: control characters, '"' and '\\';
 * and the non-ASCII ones, looked at to check they are UTF-8. */
static const unsigned char escape_table[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['"'] = 1, ['\\'] = 1};
static bool needs_escape(unsigned char c) { return c >= 0x80 || escape_table[c]; }

/* The length of the valid UTF-8 sequence at p (RFC 3629: no overlong form,
 * no surrogate, at most U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end) {
  unsigned char c = p[0];
  size_t n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (!n || (size_t)(end - p) < n) return 0;
  unsigned char lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
  unsigned char hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;
  if (p[1] < lo || p[1] > hi) return 0;
  for (size_t i = 2; i < n; i++)
    if (p[i] < 0x80 || p[i] > 0xbf) return 0;
  return n;
}

/* The length of s's prefix that JSON copies as it is: up to its NUL or the
 * first byte to escape, whichever comes first (*at_nul: which), 16 bytes a
 * step. Loads are 16-byte aligned, so they never cross into a page the
 * string does not reach; they may read past the NUL within its 16 bytes,
 * which the address sanitizer would report, hence the attribute. */
#if defined(__SSE2__)
#include <emmintrin.h>
__attribute__((no_sanitize_address)) static size_t plain_prefix(const char *s, bool *at_nul) {
  const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'),
                ctl = _mm_set1_epi8(0x1f);
  uintptr_t off = (uintptr_t)s & 15;
  const char *p = s - off;
  for (unsigned skip = (unsigned)off;; skip = 0, p += 16) {
    __m128i v = _mm_load_si128((const __m128i *)(const void *)p);
    /* bytes <= 0x1f (NUL included), '"', '\\' */
    __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v),
                               _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)));
    /* ... and bytes >= 0x80 (the high bit): UTF-8 is checked byte by byte */
    unsigned mask = ((unsigned)_mm_movemask_epi8(hit) | (unsigned)_mm_movemask_epi8(v)) >> skip
                    << skip;
    if (mask) {
      const char *q = p + __builtin_ctz(mask);
      *at_nul = *q == '\0';
      return (size_t)(q - s);
    }
  }
}
#else
static size_t plain_prefix(const char *s, bool *at_nul) {
  const char *p = s;
  while (!escape_table[(unsigned char)*p] && !((unsigned char)*p & 0x80)) p++;
  *at_nul = *p == '\0';
  return (size_t)(p - s);
}
#endif

void mm_strbuf_csv_field(mm_strbuf *b, const char *s) {
  if (!s) return;
  if (!strpbrk(s, ",\"\r\n")) {
    mm_strbuf_puts(b, s);
    return;
  }
  mm_strbuf_putc(b, '"');
  for (const char *p = s; *p; p++) {
    if (*p == '"') mm_strbuf_putc(b, '"');
    mm_strbuf_putc(b, *p);
  }
  mm_strbuf_putc(b, '"');
}

void mm_strbuf_csv_inner(mm_strbuf *b, const char *s) {
  for (; *s; s++) {
    if (*s == '"') mm_strbuf_putc(b, '"');
    mm_strbuf_putc(b, *s == '\n' || *s == '\r' ? ' ' : *s);
  }
}

void mm_strbuf_json_string(mm_strbuf *b, const char *s) {
  if (!s) {
    mm_strbuf_puts(b, "null");
    return;
  }
  /* The common case, nothing to escape, is one scan, one reservation and
   * one copy. */
  bool at_nul;
  size_t plain = plain_prefix(s, &at_nul);
  size_t len = at_nul ? plain : plain + strlen(s + plain);
  if (!reserve(b, len + 2)) return;
  const char *run = s, *end = s + len;
  const char *p = s + plain;
  char *out = b->data + b->len;
  *out++ = '"';
  memcpy(out, s, plain);
  b->len += 1 + plain;
  if (p == end) {
    b->data[b->len++] = '"';
    b->data[b->len] = '\0';
    return;
  }
  b->data[b->len] = '\0';
  run = p;
  for (; p < end; p++) {
    unsigned char c = (unsigned char)*p;
    if (!needs_escape(c)) continue;
    if (c >= 0x80) {
      /* UTF-8 as it is; a byte that is not (a query or path echoed in an
       * error) as U+FFFD, so that the text stays JSON (RFC 8259 8.1) */
      size_t n = utf8_len((const unsigned char *)p, (const unsigned char *)end);
      if (n) {
        p += n - 1;
        continue;
      }
      mm_strbuf_add(b, run, (size_t)(p - run));
      mm_strbuf_puts(b, "\xef\xbf\xbd");
      run = p + 1;
      continue;
    }
    mm_strbuf_add(b, run, (size_t)(p - run));
    switch (c) {
    case '"': mm_strbuf_puts(b, "\\\""); break;
    case '\\': mm_strbuf_puts(b, "\\\\"); break;
    case '\n': mm_strbuf_puts(b, "\\n"); break;
    case '\r': mm_strbuf_puts(b, "\\r"); break;
    case '\t': mm_strbuf_puts(b, "\\t"); break;
    default: mm_strbuf_printf(b, "\\u%04x", c); break;
    }
    run = p + 1;
  }
  mm_strbuf_add(b, run, (size_t)(p - run));
  mm_strbuf_putc(b, '"');
}

void mm_strbuf_html(mm_strbuf *b, const char *s) {
  if (!s) return;
  const char *run = s;
  for (; *s; s++) {
    const char *rep = NULL;
    switch (*s) {
    case '&': rep = "&amp;"; break;
    case '<': rep = "&lt;"; break;
    case '>': rep = "&gt;"; break;
    case '"': rep = "&quot;"; break;
    case '\'': rep = "&#39;"; break;
    default: continue;
    }
    mm_strbuf_add(b, run, (size_t)(s - run));
    mm_strbuf_puts(b, rep);
    run = s + 1;
  }
  mm_strbuf_add(b, run, (size_t)(s - run));
}

void mm_strbuf_clear(mm_strbuf *b) {
  b->len = 0;
  if (b->data) b->data[0] = '\0';
  b->failed = false;
}

char *mm_strbuf_steal(mm_strbuf *b) {
  char *p = b->data;
  if (!p) p = calloc(1, 1);
  b->data = NULL;
  b->len = b->cap = 0;
  return p;
}

void mm_strbuf_free(mm_strbuf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}
