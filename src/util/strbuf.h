/* strbuf.h: a growable string with a hard cap (curl's dynbuf): output of
 * every renderer and of the JSON writer goes through one of these. */
#ifndef MM_STRBUF_H
#define MM_STRBUF_H
#include <stdbool.h>
#include <stddef.h>

typedef struct mm_strbuf {
  char *data;     /* always NUL-terminated once anything was added */
  size_t len, cap, max;
  bool failed;    /* sticky: out of memory or over max */
} mm_strbuf;

void mm_strbuf_init(mm_strbuf *b, size_t max);
/* The slow path of mm_strbuf_add: grows the buffer (or fails). */
void mm_strbuf_add_grow(mm_strbuf *b, const char *s, size_t n);
/* Inline: renderers add hundreds of thousands of small pieces a second. */
static inline void mm_strbuf_add(mm_strbuf *b, const char *s, size_t n) {
  if (!b->failed && b->cap - b->len > n) { /* room for the bytes and the NUL */
    __builtin_memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
  } else {
    mm_strbuf_add_grow(b, s, n);
  }
}
static inline void mm_strbuf_puts(mm_strbuf *b, const char *s) {
  mm_strbuf_add(b, s, __builtin_strlen(s));
}
static inline void mm_strbuf_putc(mm_strbuf *b, char c) {
  if (!b->failed && b->cap - b->len > 1) {
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
  } else {
    mm_strbuf_add_grow(b, &c, 1);
  }
}
void mm_strbuf_printf(mm_strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* JSON string literal with quotes and RFC 8259 escapes. NULL gives null. */
void mm_strbuf_json_string(mm_strbuf *b, const char *s);
/* A CSV cell (RFC 4180): as it is, or quoted with quotes doubled when it
 * holds a comma, a quote or a line break. NULL writes nothing. */
void mm_strbuf_csv_field(mm_strbuf *b, const char *s);
/* Text inside a quoted CSV cell: quotes doubled, line breaks as spaces. */
void mm_strbuf_csv_inner(mm_strbuf *b, const char *s);
/* Text escaped for HTML element content and attribute values. */
void mm_strbuf_html(mm_strbuf *b, const char *s);
void mm_strbuf_clear(mm_strbuf *b);
/* Hand the buffer to the caller (free() it); the strbuf is emptied. */
char *mm_strbuf_steal(mm_strbuf *b);
void mm_strbuf_free(mm_strbuf *b);

#endif
