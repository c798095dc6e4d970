/* patient_scan.c: mm_patient_scan (patient.h), registry screening's fast
 * way to read a record; the scanner itself is patient_scan_body.h. A record
 * without a whitespace byte (most: registries write compact JSON) goes to
 * the copy compiled without whitespace skips (patient_scan_compact.c),
 * which reads it exactly as this one would: skipping whitespace where there
 * is none moves nothing. Any other record is read here. */
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define MM_SCAN_COMPACT 0
#define MM_SCAN_ENTRY static int scan_any
#include "patient/patient_scan_body.h"

/* Whether text[0..len) holds a byte at or below ' ' (a space, a tab, a
 * line end, or a control character, which the scanner refuses anyway):
 * the least byte of each 64, one test for them all. */
static bool has_low_byte(const char *text, size_t len) {
  const unsigned char *p = (const unsigned char *)text, *end = p + len;
#ifdef __SSE2__
  const __m128i space = _mm_set1_epi8(' ');
  while (end - p >= 64) {
    const __m128i *v = (const __m128i *)(const void *)p;
    __m128i least = _mm_min_epu8(_mm_min_epu8(_mm_loadu_si128(v), _mm_loadu_si128(v + 1)),
                                 _mm_min_epu8(_mm_loadu_si128(v + 2), _mm_loadu_si128(v + 3)));
    /* least <= ' ' in some byte: min(least, ' ') == least there */
    if (_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(least, space), least))) return true;
    p += 64;
  }
  if (len >= 64 && p < end) { /* the rest: the last 64 bytes, overlapping */
    const __m128i *v = (const __m128i *)(const void *)(end - 64);
    __m128i least = _mm_min_epu8(_mm_min_epu8(_mm_loadu_si128(v), _mm_loadu_si128(v + 1)),
                                 _mm_min_epu8(_mm_loadu_si128(v + 2), _mm_loadu_si128(v + 3)));
    return _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(least, space), least)) != 0;
  }
#endif
  for (; p < end; p++)
    if (*p <= ' ') return true;
  return false;
}

int mm_patient_scan(mm_patient **out, mm_arena *arena, const mm_kb *kb, char *text, size_t len) {
  if (!has_low_byte(text, len)) return mm_patient_scan_compact(out, arena, kb, text, len);
  return scan_any(out, arena, kb, text, len);
}
