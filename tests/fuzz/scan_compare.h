/* scan_compare.h: registry screening's fast scanner (src/patient/
 * patient_scan.c) against the full reader (patient_read.c): one comparison
 * for the fuzz targets scan.c and scan_diff.c and for
 * tests/unit/test_patient_scan.c, which links this file and supplies its own
 * fuzz_kb() and fuzz_fail() (a cmocka failure). */
#ifndef MM_FUZZ_SCAN_COMPARE_H
#define MM_FUZZ_SCAN_COMPARE_H
#include <stdbool.h>
#include <stddef.h>

/* Reads text with both. A finding aborts: the scanner gives up but changed
 * the text; it reads a record the full reader refuses; or both read it and
 * the two patients differ in a field. Returns 1 when the scanner read it,
 * 0 when it gave up; *valid (may be NULL) says whether the full reader
 * accepted it. */
int scan_compare(const char *text, size_t len, bool *valid);

#endif
