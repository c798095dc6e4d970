/* patient_scan.c: mm_patient_scan (patient.h), registry screening's fast
 * way to read a record; the scanner itself is patient_scan_body.h. A record
 * without whitespace between its tokens (most: registries write compact
 * JSON) is read by the copy compiled without whitespace skips
 * (patient_scan_compact.c), which reads it exactly as this one would:
 * skipping whitespace where there is none moves nothing. Any other record
 * is read here. */
#include <stdint.h>
#include <string.h>

#define MM_SCAN_COMPACT 0
#include "patient/patient_scan_body.h"

int mm_patient_scan(mm_patient **out, mm_arena *arena, const mm_kb *kb, char *text, size_t len) {
  /* The copy without whitespace skips first: when it reads the record, this
   * one would have done the same steps (no skip would have moved), so the
   * result is the same; when it gives up (whitespace between tokens, or
   * anything it gives up on), the text is as it was, and this copy reads. */
  int r = mm_patient_scan_compact(out, arena, kb, text, len);
  return r != 0 ? r : scan_text(out, arena, kb, text, len, NULL, false);
}
