/* scan_compare.c: the two patient readers on one text, field by field. */
#include <string.h>

#include "fuzz.h"
#include "json/json.h"
#include "patient/patient.h"
#include "patient/patient_scan.h"
#include "scan_compare.h"

static void same_str(const char *a, const char *b, const char *what) {
  if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
    fuzz_fail("scan: %s: '%s' (scanner) vs '%s' (reader)", what, a ? a : "(null)",
              b ? b : "(null)");
}

static void same_value(mm_value a, mm_value b, const char *what) {
  if (a.known != b.known || a.type != b.type || (a.known && a.type == MM_TYPE_BOOL && a.b != b.b) ||
      (a.known && a.type == MM_TYPE_NUMBER && a.num != b.num))
    fuzz_fail("scan: %s differs", what);
  if (a.type == MM_TYPE_STRING) same_str(a.str, b.str, what);
}

#define SAME(x, what) \
  if ((x)) fuzz_fail("scan: %s differs", what)

static void same_uses(const mm_drug_use *a, size_t na, const mm_drug_use *b, size_t nb,
                      const char *what) {
  SAME(na != nb, what);
  for (size_t i = 0; i < na; i++) {
    SAME(a[i].drug != b[i].drug || a[i].start != b[i].start || a[i].end != b[i].end ||
             a[i].own_dates != b[i].own_dates, what);
    same_str(a[i].path, b[i].path, what);
  }
}

static void same_patient(const mm_patient *a, const mm_patient *b) {
  same_str(a->id, b->id, "id");
  same_str(a->center, b->center, "center");
  SAME(a->as_of != b->as_of || a->as_of_given != b->as_of_given, "as_of");
  SAME(a->birth_date != b->birth_date, "birth_date");
  same_value(a->age_given, b->age_given, "age");
  same_str(a->sex, b->sex, "sex");
  same_value(a->ecog, b->ecog, "ecog");
  same_value(a->charlson, b->charlson, "charlson");
  same_value(a->adl, b->adl, "adl");
  same_value(a->iadl, b->iadl, "iadl");
  SAME(a->comorbidities_given != b->comorbidities_given ||
           a->n_comorbidities != b->n_comorbidities, "comorbidities");
  for (size_t i = 0; i < a->n_comorbidities; i++)
    SAME(a->comorbidities[i] != b->comorbidities[i], "comorbidity");
  same_value(a->transplant_eligible, b->transplant_eligible, "transplant_eligible");
  SAME(a->diagnosis_given != b->diagnosis_given, "diagnosis");
  SAME(a->diagnosis_date != b->diagnosis_date, "diagnosis.date");
  same_value(a->iss, b->iss, "iss");
  same_value(a->beta2m_mg_l, b->beta2m_mg_l, "beta2m");
  same_value(a->albumin_g_dl, b->albumin_g_dl, "albumin");
  same_value(a->ldh_above_uln, b->ldh_above_uln, "ldh");
  same_value(a->del17p, b->del17p, "del17p");
  same_value(a->t4_14, b->t4_14, "t4_14");
  same_value(a->t14_16, b->t14_16, "t14_16");
  same_value(a->gain1q, b->gain1q, "gain1q");
  same_value(a->amp1q, b->amp1q, "amp1q");
  same_value(a->extramedullary, b->extramedullary, "extramedullary");
  same_value(a->plasma_cell_leukemia, b->plasma_cell_leukemia, "pcl");
  same_value(a->cns, b->cns, "cns");
  SAME(a->n_labs != b->n_labs, "n_labs");
  for (size_t i = 0; i < a->n_labs; i++) {
    const mm_observation *x = &a->labs[i], *y = &b->labs[i];
    SAME(x->lab != y->lab || x->date != y->date || x->value != y->value, "lab");
    same_str(x->category, y->category, "lab category");
    same_str(x->path, y->path, "lab path");
  }
  SAME(a->lines_given != b->lines_given || a->n_lines != b->n_lines, "lines");
  for (size_t i = 0; i < a->n_lines; i++) {
    const mm_line *x = &a->lines[i], *y = &b->lines[i];
    same_str(x->path, y->path, "line path");
    same_str(x->regimen_name, y->regimen_name, "regimen name");
    SAME(x->regimen != y->regimen, "regimen");
    same_uses(x->drugs, x->n_drugs, y->drugs, y->n_drugs, "drugs");
    SAME(x->drugs_known != y->drugs_known, "drugs_known");
    SAME(x->start != y->start || x->end != y->end, "line dates");
    SAME(x->has_asct != y->has_asct || x->asct != y->asct, "asct");
    SAME(x->has_maintenance != y->has_maintenance, "has_maintenance");
    same_uses(x->maint, x->n_maint, y->maint, y->n_maint, "maintenance drugs");
    SAME(x->maint_start != y->maint_start || x->maint_end != y->maint_end, "maintenance dates");
    SAME(x->best_response != y->best_response, "best_response");
    SAME(x->has_progression != y->has_progression || x->progression != y->progression,
         "progression");
    SAME(x->stop_reason != y->stop_reason, "stop_reason");
    SAME(x->n_refractory_to != y->n_refractory_to, "refractory_to");
    for (size_t k = 0; k < x->n_refractory_to; k++)
      SAME(x->refractory_to[k] != y->refractory_to[k], "refractory_to drug");
  }
}

int scan_compare(const char *text, size_t len, bool *valid) {
  const mm_kb *kb = fuzz_kb();
  mm_arena a;
  mm_arena_init(&a, 0);
  /* Exact-size copies (no NUL after them: the scanner must stop at len). */
  char *scan_copy = malloc(len ? len : 1), *dom_copy = malloc(len + 1);
  if (!scan_copy || !dom_copy) abort();
  memcpy(scan_copy, text, len);
  memcpy(dom_copy, text, len);
  dom_copy[len] = '\0';
  mm_patient *fast = NULL, *full = NULL;
  int r = mm_patient_scan(&fast, &a, kb, scan_copy, len);
  if (r != 0 && r != 1) fuzz_fail("scan: returned %d", r);
  if (r == 0 && memcmp(scan_copy, text, len) != 0)
    fuzz_fail("scan: gave up, but the text was not handed back as it was");
  if (r == 1 && !fast) fuzz_fail("scan: read, but no patient");
  mm_diags d;
  mm_diags_init(&d, &a);
  mm_json_error je;
  mm_json *root = mm_json_parse_in_situ(&a, dom_copy, len, &je);
  int rc = root ? mm_patient_from_json_ex(&full, &a, kb, root, NULL, &d, MM_READ_NO_PATHS) : -1;
  if (valid) *valid = rc == 0;
  if (r == 1) {
    if (rc != 0)
      fuzz_fail("scan: the scanner read a record the full reader refuses (%s)",
                d.head ? d.head->text : je.text);
    same_patient(fast, full);
  }
  /* Screening's reading before the line's end is known
   * (mm_patient_scan_line): the text as a line followed by '\n' and the
   * next record's first bytes, and as the input's last line. What it reads
   * is the whole line, read as mm_patient_scan reads it. */
  static const char next[] = "\n{\"id\":\"next\"}";
  char *line_copy = malloc(len + sizeof next);
  if (!line_copy) abort();
  /* Only a text without a newline is one line: "{...}\n" is a line and an
   * empty one, and screening reads the line alone (10 of 11 bytes). */
  bool one_line = memchr(text, '\n', len) == NULL;
  for (int last = 0; one_line && last < 2; last++) {
    memcpy(line_copy, text, len);
    memcpy(line_copy + len, next, sizeof next);
    size_t cap = last ? len : len + sizeof next - 1, got = 0;
    mm_patient *first = NULL;
    int rl = mm_patient_scan_line(&first, &a, kb, line_copy, cap, last, &got);
    if (rl != 0 && rl != 1) fuzz_fail("scan_line: returned %d", rl);
    if (rl == 0 && memcmp(line_copy, text, len) != 0)
      fuzz_fail("scan_line: gave up, but the text was not handed back as it was");
    if (rl == 1) {
      if (got != len) fuzz_fail("scan_line: read %zu bytes of a %zu-byte line", got, len);
      if (r != 1) fuzz_fail("scan_line: read a line mm_patient_scan gives up on");
      same_patient(first, full);
    }
  }
  free(line_copy);
  free(scan_copy);
  free(dom_copy);
  mm_arena_free(&a);
  return r;
}
