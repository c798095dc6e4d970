/* fhir.c: the FHIR R4 import (src/fhir) with the knowledge base's code map.
 * Properties (docs/fhir.md): no crash; an invalid input has an error and
 * writes nothing; a record written is JSON that the patient reader accepts
 * ("whatever the importer writes is a record that evaluate accepts"); every
 * warning and error also has its Italian text (the page's language). */
#include <string.h>

#include "fhir/fhir.h"
#include "fuzz.h"
#include "patient/patient.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  fuzz_kb();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const mm_kb *kb = fuzz_kb();
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_diags d;
  mm_diags_init(&d, &a);
  /* a fixed evaluation date: the same input gives the same record */
  mm_fhir_options o = {.as_of = mm_date_from_ymd(2026, 11, 25), .source = "fuzz"};
  mm_strbuf out;
  mm_strbuf_init(&out, 1 << 24);
  int rc = mm_fhir_import(&out, kb, mm_kb_fhir_map(kb), (const char *)data, size, &o, &d);
  if (rc == -2) { /* out of memory, or a record the importer wrote is invalid */
    for (const mm_diag *x = d.head; x; x = x->next)
      if (strstr(x->text, "internal"))
        fuzz_fail("fhir: %s%s%s", x->path ? x->path : "", x->path ? ": " : "", x->text);
    abort();
  }
  if (rc == -1 && (!d.errors || out.len)) fuzz_fail("fhir: refused without an error, or wrote");
  for (const mm_diag *x = d.head; x; x = x->next)
    if (!x->text_it) fuzz_fail("fhir: no Italian text for: %s", x->text);
  if (rc == 0) {
    mm_diags d2;
    mm_diags_init(&d2, &a);
    mm_patient *p = NULL;
    if (mm_patient_read(&p, &a, kb, out.data, out.len, "imported", &d2) != 0)
      fuzz_fail("fhir: the imported record is refused (%s at %s): %.*s",
                d2.head ? d2.head->text : "?", d2.head && d2.head->path ? d2.head->path : "",
                (int)out.len, out.data);
  } else if (rc != -1) {
    fuzz_fail("fhir: returned %d", rc);
  }
  mm_strbuf_free(&out);
  mm_arena_free(&a);
  return 0;
}
