/* patient_scan_compact.c: the scanner of patient_scan_body.h compiled for a
 * record without a whitespace byte (mm_patient_scan decides): its
 * whitespace skips are gone, nothing else changes. */
#define MM_SCAN_COMPACT 1
#define MM_SCAN_ENTRY int mm_patient_scan_compact
#include "patient/patient_scan_body.h"
