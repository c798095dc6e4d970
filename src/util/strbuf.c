/* strbuf.c: see strbuf.h. */
#include "util/strbuf.h"

#include <stdarg.h>
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

void mm_strbuf_add(mm_strbuf *b, const char *s, size_t n) {
  if (!reserve(b, n)) return;
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void mm_strbuf_puts(mm_strbuf *b, const char *s) { mm_strbuf_add(b, s, strlen(s)); }

void mm_strbuf_putc(mm_strbuf *b, char c) { mm_strbuf_add(b, &c, 1); }

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

void mm_strbuf_json_string(mm_strbuf *b, const char *s) {
  if (!s) {
    mm_strbuf_puts(b, "null");
    return;
  }
  size_t len = strlen(s);
  /* The common case, nothing to escape, is one reservation and one copy. */
  if (!reserve(b, len + 2)) return;
  const char *run = s, *end = s + len;
  char *out = b->data + b->len;
  *out++ = '"';
  const char *p = s;
  /* Four bytes a step while none needs escaping (most text). */
  while (end - p >= 4 && !(escape_table[(unsigned char)p[0]] | escape_table[(unsigned char)p[1]] |
                           escape_table[(unsigned char)p[2]] | escape_table[(unsigned char)p[3]] |
                           ((p[0] | p[1] | p[2] | p[3]) & 0x80)))
    p += 4;
  while (p < end && !needs_escape((unsigned char)*p)) p++;
  memcpy(out, s, (size_t)(p - s));
  b->len += 1 + (size_t)(p - s);
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
