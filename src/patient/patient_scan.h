/* patient_scan.h: registry screening's way to read a record before its
 * line's end is known (src/patient/patient_scan_compact.c), so that the
 * pipeline need not first look for each line's end: the record and its end
 * in one pass. mm_patient_scan (patient.h) is the reader of a known line. */
#ifndef MM_PATIENT_SCAN_H
#define MM_PATIENT_SCAN_H
#include <stdbool.h>
#include <stddef.h>

#include "patient/patient.h"

/* Reads the record at the start of text[0..cap) as mm_patient_scan would
 * read its line, when it is in the usual form without whitespace between
 * tokens and a '\n' follows it within cap (or it reaches cap and end_ok:
 * the input's last line). Returns 1 with *out and *len (the line's length,
 * '\n' not counted) set; 0 when not so read: the text is then as it was,
 * for the caller to find the line's end and read it otherwise; -1 out of
 * memory. The bytes of the line are changed as mm_patient_scan changes
 * them (NULs after its strings). */
int mm_patient_scan_line(mm_patient **out, mm_arena *arena, const mm_kb *kb, char *text,
                         size_t cap, bool end_ok, size_t *len);

#endif
