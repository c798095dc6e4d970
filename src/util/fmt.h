/* fmt.h: snprintf for the conversions explanations use, without stdio.
 *
 * Explained answers format a few hundred reasons, paths and numbers each
 * (scores' bands, refractoriness, facts); glibc's printf machinery showed in
 * profiles. These functions write the same bytes and return the same values
 * as their stdio counterparts for every format. Conversions written here:
 * %s, %d, %zu, %%, %g, %.<P>g (P <= 15) and %.0f; a number is written here
 * when its digits can be found exactly (whole numbers, short decimals), else
 * by snprintf for that one number; a format with any other conversion (a
 * width, a flag, %x, %ld, ...) goes to vsnprintf whole. */
#ifndef MM_FMT_H
#define MM_FMT_H
#include <stdarg.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/strbuf.h"

/* vsnprintf: at most cap bytes with the NUL; returns the length the whole
 * text has (negative on a format vsnprintf rejects). */
int mm_vformat(char *out, size_t cap, const char *fmt, va_list ap);
int mm_format(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* One number as "%.<prec>g" (prec 0 counts as 1), or as "%.0f" when prec is
 * negative, into out (MM_FMT_NUM bytes); returns its length. */
#define MM_FMT_NUM 512 /* "%.0f" of the largest double: 309 digits */
size_t mm_format_number(char *out, double x, int prec);
/* mm_strbuf_printf and mm_arena_printf with these conversions. */
void mm_strbuf_vformat(mm_strbuf *b, const char *fmt, va_list ap);
void mm_strbuf_format(mm_strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *mm_arena_format(mm_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
