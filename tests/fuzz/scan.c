/* scan.c: registry screening's fast scanner (src/patient/patient_scan.c) on
 * any bytes, compared with the full reader (scan_compare.h): no crash, no
 * read past the text (it is not NUL-terminated here), a text given up is
 * handed back unchanged, and a record read is read as the full reader
 * reads it. Structure-aware inputs, which both readers read, are scan_diff.c's. */
#include "fuzz.h"
#include "scan_compare.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  fuzz_kb();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  scan_compare((const char *)data, size, NULL);
  return 0;
}
