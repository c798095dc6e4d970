/* patient_scan_compact.c: the scanner of patient_scan_body.h compiled
 * without its whitespace skips, nothing else changed: mm_patient_scan tries
 * it first, and it gives up at whitespace between tokens. Also
 * mm_patient_scan_line (patient_scan.h), which reads a record before its
 * line's end is known. */
#define MM_SCAN_COMPACT 1
#include "patient/patient_scan.h"
#include "patient/patient_scan_body.h"

int mm_patient_scan_compact(mm_patient **out, mm_arena *arena, const mm_kb *kb, char *text,
                            size_t len) {
  return scan_text(out, arena, kb, text, len, NULL, false);
}

/* A record read with no whitespace skipped takes no '\n' (whitespace, or a
 * control character in a string, both refused), so what it read is the
 * whole line when a '\n' follows; and it is read as mm_patient_scan reads
 * that line: where the scanner looks at how many bytes are left (a word
 * compare or bytewise, a short number or the full number reader), both
 * ways give the same result. */
int mm_patient_scan_line(mm_patient **out, mm_arena *arena, const mm_kb *kb, char *text,
                         size_t cap, bool end_ok, size_t *len) {
  *len = 0;
  return scan_text(out, arena, kb, text, cap, len, end_ok);
}
