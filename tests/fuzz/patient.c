/* patient.c: the patient reader (src/patient/patient_read.c) and, on what it
 * accepts, the whole evaluation (facts, options, rendering) through the
 * public API. Properties: a record refused has at least one error, each
 * with a text; a record accepted has none; mmpath_evaluate accepts exactly
 * the records the reader accepts, and its JSON (evaluation or problems) is
 * valid JSON. */
#include <string.h>

#include "fuzz.h"
#include "json/json.h"
#include "mmpath.h"
#include "patient/patient.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  fuzz_kb();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const mm_kb *kb = fuzz_kb();
  const char *text = (const char *)data;
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_diags d;
  mm_diags_init(&d, &a);
  mm_patient *p = NULL;
  int rc = mm_patient_read(&p, &a, kb, text, size, "fuzz", &d);
  if (rc == 0 && (!p || d.errors)) fuzz_fail("patient: accepted with %zu errors", d.errors);
  if (rc != 0 && (p || !d.errors || !d.head)) fuzz_fail("patient: refused without an error");
  for (const mm_diag *x = d.head; x; x = x->next)
    if (!x->text || !*x->text) fuzz_fail("patient: a diagnostic without text");

  /* The whole evaluation, in one of the three formats (JSON is checked). */
  mmpath_options o = MMPATH_OPTIONS_INIT;
  o.format = size % 3 == 1 ? MMPATH_FORMAT_TEXT : size % 3 == 2 ? MMPATH_FORMAT_HTML
                                                                : MMPATH_FORMAT_JSON;
  o.lang = size % 2 ? MMPATH_LANG_IT : MMPATH_LANG_EN;
  char *out = NULL;
  int erc = mmpath_evaluate(&out, kb, text, size, &o);
  if (erc == MMPATH_ENOMEM) abort();
  if ((erc == MMPATH_OK) != (rc == 0))
    fuzz_fail("patient: mm_patient_read %d but mmpath_evaluate %d", rc, erc);
  if (!out) fuzz_fail("patient: mmpath_evaluate gave no text");
  if (o.format == MMPATH_FORMAT_JSON) {
    mm_json_error e;
    if (!mm_json_parse(&a, out, strlen(out), &e))
      fuzz_fail("patient: the evaluation is not JSON (%d:%d %s)", e.line, e.col, e.text);
  }
  free(out);
  mm_arena_free(&a);
  return 0;
}
