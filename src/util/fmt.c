/* fmt.c: see fmt.h. */
#include "util/fmt.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Digits of u, written backwards ending at end; returns the first. */
static char *put_unsigned(char *end, unsigned long long u) {
  do *--end = (char)('0' + u % 10); while ((u /= 10));
  return end;
}

static const double pow10_[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,
                                1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
                                1e18, 1e19};

/* x as "%.<p>g" (1 <= p <= 15) when its digits are found exactly: a whole
 * x under 10^p, or x in [1e-4, 10^p) whose product with some 10^k (k <= 19)
 * is a whole N < 10^p. Then x is within 2^-53 (relative) of N / 10^k,
 * which has at most p significant digits, and rounding x to p digits gives
 * exactly that (half a unit of the p-th digit is >= 5e-16 relative): "%g"
 * writes N / 10^k without trailing zeros, in plain notation (its exponent
 * is in [-4, p)). Returns the length, or 0 (nothing written). */
static size_t fast_g(char *out, double x, int p) {
  double a = fabs(x), lim = pow10_[p];
  if (!(a < lim) || (a == 0 && signbit(x))) return 0;
  unsigned long long n;
  int decimals = 0;
  if (a == floor(a)) {
    n = (unsigned long long)a;
  } else {
    if (a < 1e-4) return 0;
    int k = 1;
    for (;; k++) {
      if (k >= (int)(sizeof pow10_ / sizeof *pow10_)) return 0;
      double m = a * pow10_[k];
      if (m >= lim) return 0;
      if (m == floor(m)) {
        n = (unsigned long long)m;
        break;
      }
    }
    decimals = k;
    while (decimals > 0 && n % 10 == 0) n /= 10, decimals--;
  }
  char buf[48], *end = buf + sizeof buf, *s = end;
  for (int d = 0; d < decimals; d++, n /= 10) *--s = (char)('0' + n % 10);
  if (decimals) *--s = '.';
  s = put_unsigned(s, n);
  if (x < 0) *--s = '-';
  size_t len = (size_t)(end - s);
  memcpy(out, s, len);
  return len;
}

size_t mm_format_number(char *out, double x, int prec) {
  size_t n = 0;
  if (prec < 0) {
    /* "%.0f": whole numbers here (ages, grades, points) */
    if (x == floor(x) && fabs(x) < 1e15 && !(x == 0 && signbit(x))) {
      char buf[24], *end = buf + sizeof buf, *s = put_unsigned(end, (unsigned long long)fabs(x));
      if (x < 0) *--s = '-';
      n = (size_t)(end - s);
      memcpy(out, s, n);
    } else {
      n = (size_t)snprintf(out, MM_FMT_NUM, "%.0f", x);
    }
  } else {
    if (prec == 0) prec = 1;
    if (prec > 15 || !(n = fast_g(out, x, prec))) n = (size_t)snprintf(out, MM_FMT_NUM, "%.*g", prec, x);
  }
  out[n] = '\0';
  return n;
}

/* The conversion at f (just after '%'): its length and kind, or 0 when
 * not one of ours. Kinds: 's', 'd', 'z' (%zu), '%', 'g' (*prec: its
 * precision, 6 for "%g"), 'f' (%.0f). */
static inline size_t conversion(const char *f, char *kind, int *prec) {
  switch (f[0]) {
  case 's':
  case 'd':
  case '%': *kind = f[0]; return 1;
  case 'z': *kind = 'z'; return f[1] == 'u' ? 2 : 0;
  case 'g': *kind = 'g', *prec = 6; return 1;
  case '.':
    if (f[1] == '0' && f[2] == 'f') {
      *kind = 'f';
      return 3;
    }
    if (f[1] >= '0' && f[1] <= '9') {
      int p = f[1] - '0';
      size_t i = 2;
      if (f[2] >= '0' && f[2] <= '9') p = p * 10 + (f[2] - '0'), i = 3;
      if (f[i] != 'g') return 0;
      *kind = 'g', *prec = p;
      return i + 1;
    }
    return 0;
  default: return 0;
  }
}

int mm_vformat(char *out, size_t cap, const char *fmt, va_list ap) {
  /* One pass; at a conversion not written here, vsnprintf from the start
   * (with the arguments as they were). */
  va_list aq;
  va_copy(aq, ap);
  size_t n = 0;
#define PUT(src, len)                                                     \
  do {                                                                    \
    size_t len_ = (len);                                                  \
    if (n < cap) memcpy(out + n, (src), n + len_ < cap ? len_ : cap - n); \
    n += len_;                                                            \
  } while (0)
  for (const char *f = fmt;;) {
    const char *lit = f;
    while (*f && *f != '%') f++;
    if (f > lit) {
      size_t len = (size_t)(f - lit);
      if (n + len < cap) { /* the common case: room for it all */
        memcpy(out + n, lit, len);
        n += len;
      } else {
        PUT(lit, len);
      }
    }
    if (!*f) break;
    char kind;
    int prec;
    size_t len = conversion(f + 1, &kind, &prec);
    if (!len) {
      int r = vsnprintf(out, cap, fmt, aq);
      va_end(aq);
      return r;
    }
    f += 1 + len;
    char num[MM_FMT_NUM];
    switch (kind) {
    case 's': {
      const char *s = va_arg(ap, const char *);
      if (!s) s = "(null)"; /* as glibc prints it */
      PUT(s, strlen(s));
      break;
    }
    case '%': PUT("%", 1); break;
    case 'd': {
      int x = va_arg(ap, int);
      unsigned long long u = x < 0 ? 0ULL - (unsigned long long)(long long)x : (unsigned long long)x;
      char *end = num + 24, *s = put_unsigned(end, u);
      if (x < 0) *--s = '-';
      PUT(s, (size_t)(end - s));
      break;
    }
    case 'z': {
      char *end = num + 24, *s = put_unsigned(end, va_arg(ap, size_t));
      PUT(s, (size_t)(end - s));
      break;
    }
    case 'g': PUT(num, mm_format_number(num, va_arg(ap, double), prec)); break;
    case 'f': PUT(num, mm_format_number(num, va_arg(ap, double), -1)); break;
    }
  }
#undef PUT
  va_end(aq);
  if (cap) out[n < cap ? n : cap - 1] = '\0';
  return (int)n;
}

int mm_format(char *out, size_t cap, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = mm_vformat(out, cap, fmt, ap);
  va_end(ap);
  return n;
}

void mm_strbuf_vformat(mm_strbuf *b, const char *fmt, va_list ap) {
  if (b->failed) return;
  char small[256];
  va_list aq;
  va_copy(aq, ap);
  int n = mm_vformat(small, sizeof small, fmt, ap);
  if (n < 0) {
    /* nothing, as mm_strbuf_printf */
  } else if ((size_t)n < sizeof small) {
    mm_strbuf_add(b, small, (size_t)n);
  } else {
    char *big = malloc((size_t)n + 1);
    if (big) {
      mm_vformat(big, (size_t)n + 1, fmt, aq);
      mm_strbuf_add(b, big, (size_t)n);
      free(big);
    } else {
      b->failed = true;
    }
  }
  va_end(aq);
}

void mm_strbuf_format(mm_strbuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  mm_strbuf_vformat(b, fmt, ap);
  va_end(ap);
}

char *mm_arena_format(mm_arena *a, const char *fmt, ...) {
  char small[256];
  va_list ap;
  va_start(ap, fmt);
  int n = mm_vformat(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return NULL;
  char *p = mm_arena_alloc_raw(a, (size_t)n + 1);
  if (!p) return NULL;
  if ((size_t)n < sizeof small) {
    memcpy(p, small, (size_t)n + 1);
  } else {
    va_start(ap, fmt);
    mm_vformat(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
  }
  return p;
}
