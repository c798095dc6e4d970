/* patient_scan_compact.c: the scanner of patient_scan_body.h compiled
 * without its whitespace skips, nothing else changed: mm_patient_scan tries
 * it first, and it gives up at whitespace between tokens. */
#define MM_SCAN_COMPACT 1
#define MM_SCAN_ENTRY int mm_patient_scan_compact
#include "patient/patient_scan_body.h"
