/* patient_scan_text.h: the scanner's (patient_scan.c) reading of JSON
 * text, several bytes a step: the end of a string, the usual number. Only
 * patient_scan.c includes it; inline, for the scanner's loops. */
#ifndef MM_PATIENT_SCAN_TEXT_H
#define MM_PATIENT_SCAN_TEXT_H
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "json/json.h"

/* The closing quote of the string whose first byte (after its opening
 * quote) is q, or NULL when the string has an escape, a control character
 * or invalid UTF-8, or does not end before `end`. */
static inline const char *mm_scan_string_end(const char *q, const char *end) {
#ifdef __SSE2__
  /* Sixteen bytes a step while no byte needs a look: a quote, a backslash,
   * a control character or a non-ASCII byte (both below 0x20 as signed
   * bytes) stops the scan at the first such byte. */
  const __m128i quote16 = _mm_set1_epi8('"'), slash16 = _mm_set1_epi8('\\'),
                space16 = _mm_set1_epi8(0x20);
  while (end - q >= 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
    __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote16), _mm_cmpeq_epi8(v, slash16)),
                                _mm_cmplt_epi8(v, space16));
    unsigned m = (unsigned)_mm_movemask_epi8(stop);
    if (m) {
      q += __builtin_ctz(m);
      goto look;
    }
    q += 16;
  }
#endif
  /* The same eight bytes at a time (a string's end near the line's). */
  const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  while (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && end - q >= 8) {
    uint64_t w;
    memcpy(&w, q, 8);
    uint64_t quote = w ^ (ones * '"'), slash = w ^ (ones * '\\');
    uint64_t stop = ((quote - ones) & ~quote) | ((slash - ones) & ~slash) | (w - ones * 0x20) | w;
    stop &= highs;
    if (stop) {
      q += __builtin_ctzll(stop) / 8; /* little-endian: the first such byte */
      break;
    }
    q += 8;
  }
#ifdef __SSE2__
look:
#endif
  for (;;) {
    if (q >= end) return NULL;
    unsigned char c = (unsigned char)*q;
    if (c == '"') return q;
    if (c < 0x20 || c == '\\') return NULL;
    if (c < 0x80) {
      q++;
      continue;
    }
    size_t n = mm_json_utf8_len((const unsigned char *)q, (const unsigned char *)end);
    if (!n) return NULL;
    q += n;
  }
}

/* The usual number of a record (17.2, 1066, -3): at most 15 digits, no
 * exponent. Its value as mm_json_number_scan computes it (the digits as an
 * integer, one division by an exact power of ten); false for any other
 * form, which mm_json_number_scan then reads. */
static inline bool mm_scan_short_number(const char *s, const char *end, double *x,
                                        bool *integer, const char **after) {
  static const double pow10[16] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const char *q = s;
  bool negative = q < end && *q == '-';
  q += negative;
  if (end - q < 18) return false; /* room for 16 digits, a point and the byte after */
  uint64_t mant = 0;
  int digits = 0, frac = 0;
  if (*q == '0') {
    q++;
  } else {
    while (digits < 16 && (unsigned)(*q - '0') <= 9) mant = mant * 10 + (uint64_t)(*q++ - '0'), digits++;
    if (digits == 0) return false;
  }
  if (*q == '.') {
    q++;
    while (digits < 16 && (unsigned)(*q - '0') <= 9) {
      mant = mant * 10 + (uint64_t)(*q++ - '0');
      digits++, frac++;
    }
    if (frac == 0) return false;
  }
  /* more digits (a long number, or "01"), an exponent or a second point */
  if (digits > 15 || (unsigned)(*q - '0') <= 9 || *q == 'e' || *q == 'E' || *q == '.')
    return false;
  double v = (double)mant; /* exact: below 2^53 */
  v = frac ? v / pow10[frac] : v;
  *x = negative ? -v : v;
  *integer = frac == 0; /* no point: a point needs a digit after it */
  *after = q;
  return true;
}

#endif
