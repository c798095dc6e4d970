/* test_fhir_lang.c: the FHIR importer's warnings and errors in Italian and
 * English (src/util/diag.h text_it, mm_diag_text; docs/fhir.md "Language").
 * The haematologists read the web page in Italian first: every note the
 * importer writes must reach them in Italian, with the same code and path as
 * the English one, and the English text must stay what API users and the
 * CLI's default have always read. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fhir/fhir.h"
#include "helpers.h"
#include "kb/kb.h"

static mm_kb *KB;

static int setup(void **state) {
  (void)state;
  return test_kb_load(&KB);
}
static int teardown(void **state) {
  (void)state;
  mm_kb_free(KB);
  return 0;
}

/* The diagnostics layer: both texts from one set of arguments (a word that
 * differs by language passed twice, each format skipping the other's with
 * %.0s), English for the callers that write English only, and the limit
 * note in both. */
static void diag_texts(void **state) {
  (void)state;
  mm_arena a;
  mm_arena_init(&a, 0);
  mm_diags d;
  mm_diags_init(&d, &a);
  mm_diag_addc2(&d, MM_DIAG_WARNING, MM_E_RANGE, "src", 3, 4, "x.y",
                "%s%.0s %d is after as_of %s", "%.0s%s %d è successiva ad as_of %s", "start",
                "la data di inizio", 7, "2026-11-25");
  mm_diag_addc(&d, MM_DIAG_WARNING, MM_E_INVALID, NULL, 0, 0, NULL, "english only %d", 1);
  const mm_diag *x = d.head;
  assert_string_equal(x->text, "start 7 is after as_of 2026-11-25");
  assert_string_equal(x->text_it, "la data di inizio 7 è successiva ad as_of 2026-11-25");
  assert_string_equal(mm_diag_text(x, MM_LANG_IT), x->text_it);
  assert_string_equal(mm_diag_text(x, MM_LANG_EN), x->text);
  assert_int_equal(x->code, MM_E_RANGE);
  assert_string_equal(x->path, "x.y");
  x = x->next;
  assert_null(x->text_it);
  assert_string_equal(mm_diag_text(x, MM_LANG_IT), "english only 1"); /* falls back */
  /* over the limit: the note that says so, in both languages */
  mm_diags_init(&d, &a);
  d.keep = 1;
  for (int i = 0; i < 3; i++)
    mm_diag_addc2(&d, MM_DIAG_ERROR, MM_E_MISSING, NULL, 0, 0, NULL, "e%d", "i%d", i);
  assert_int_equal(d.errors, 3);
  assert_string_equal(d.head->text_it, "i0");
  assert_int_equal(d.head->next->code, MM_E_LIMIT);
  assert_string_equal(d.head->next->text_it, "troppi problemi: sono elencati solo i primi 1");
  assert_null(d.head->next->next);
  mm_arena_free(&a);
}

typedef struct imported {
  mm_arena a;
  mm_diags d;
  int rc;
} imported;

static void import(imported *im, const char *text, size_t len) {
  mm_arena_init(&im->a, 0);
  mm_diags_init(&im->d, &im->a);
  mm_fhir_options o = {.source = "t"};
  assert_true(mm_date_parse("2026-11-25", 10, &o.as_of));
  mm_strbuf out;
  mm_strbuf_init(&out, 1 << 24);
  im->rc = mm_fhir_import(&out, KB, mm_kb_fhir_map(KB), text, len, &o, &im->d);
  mm_strbuf_free(&out);
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  *len = fread(buf, 1, (size_t)n, f);
  buf[*len] = '\0';
  fclose(f);
  return buf;
}

static void import_file(imported *im, const char *name) {
  size_t len;
  char *text = slurp(test_data_path(name), &len);
  assert_non_null(text);
  import(im, text, len);
  free(text);
}

/* The diagnostic at path, its text in lang. */
static const char *text_at(const imported *im, const char *path, mm_lang lang) {
  for (const mm_diag *x = im->d.head; x; x = x->next)
    if (x->path && strcmp(x->path, path) == 0) return mm_diag_text(x, lang);
  fail_msg("no diagnostic at %s", path);
  return NULL;
}

/* Bundles that trigger several warnings, read in both languages: the same
 * diagnostic (one code, one path) carries both texts. The expected English
 * is the importer's text before translation (tests/cli/fhir.sh greps it);
 * the Italian keeps codes, resource names, paths and kb files as they are. */
static void warnings_in_both_languages(void **state) {
  (void)state;
  imported im;
  /* Epic searchset: a paged search, an ASCT not done, a second ASCT */
  import_file(&im, "fhir/epic-searchset-asct.json");
  assert_int_equal(im.rc, 0);
  assert_true(im.d.warnings >= 3);
  assert_string_equal(text_at(&im, "Procedure/eProc2.status", MM_LANG_EN),
                      "ASCT with status 'not-done' (not completed): left out");
  assert_string_equal(text_at(&im, "Procedure/eProc2.status", MM_LANG_IT),
                      "ASCT con status 'not-done' (non completed): procedura non importata");
  assert_string_equal(text_at(&im, "Procedure/eProc1", MM_LANG_IT),
                      "un secondo ASCT (2024-06-12) nella linea 1: è registrato il primo "
                      "(tandem o salvataggio: verificare)");
  assert_non_null(strstr(text_at(&im, "Bundle.link[1]", MM_LANG_IT),
                         "una pagina di una ricerca paginata"));
  for (const mm_diag *x = im.d.head; x; x = x->next) {
    assert_non_null(x->text_it);
    assert_string_not_equal(x->text_it, x->text);
  }
  mm_arena_free(&im.a);
  /* a provisional line: its reason, a clause built in each language */
  import_file(&im, "fhir/provisional-addition.json");
  assert_string_equal(text_at(&im, "lines[0]", MM_LANG_EN),
                      "provisional: daratumumab added on 2022-07-04 to a running line, no "
                      "progression or stop reason recorded: planned (the same line) or for lack "
                      "of response (a new line)? check the treatment plan; the number of prior "
                      "lines is unknown until checked");
  assert_string_equal(text_at(&im, "lines[0]", MM_LANG_IT),
                      "provvisoria: daratumumab aggiunto il 2022-07-04 a una linea in corso, "
                      "senza progressione né motivo di sospensione registrati: pianificato "
                      "(stessa linea) o per mancata risposta (nuova linea)? verificare il piano "
                      "di trattamento; il numero di linee precedenti resta sconosciuto fino alla "
                      "verifica");
  mm_arena_free(&im.a);
  /* words passed in both languages: a date's name, a mapping kind */
  static const char bundle[] =
      "{\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": ["
      "{\"resource\": {\"resourceType\": \"Patient\", \"id\": \"p\", \"birthDate\": \"1950\"}},"
      "{\"resource\": {\"resourceType\": \"Observation\", \"id\": \"o\", \"status\": \"final\","
      " \"subject\": {\"reference\": \"Patient/p\"}, \"code\": {\"coding\": [{\"system\":"
      " \"http://loinc.org\", \"code\": \"89247-1\"}]}, \"effectiveDateTime\": \"2030-01-01\","
      " \"valueInteger\": 1}}]}";
  import(&im, bundle, sizeof bundle - 1);
  assert_int_equal(im.rc, 0);
  assert_string_equal(text_at(&im, "Patient/p.birthDate", MM_LANG_EN),
                      "birthDate '1950' is a partial date, not a day: left out");
  assert_string_equal(text_at(&im, "Patient/p.birthDate", MM_LANG_IT),
                      "la birthDate '1950' è incompleta (manca il giorno): non importata");
  assert_string_equal(text_at(&im, "Observation/o.effectiveDateTime", MM_LANG_EN),
                      "date 2030-01-01 is after as_of 2026-11-25: left out");
  assert_string_equal(text_at(&im, "Observation/o.effectiveDateTime", MM_LANG_IT),
                      "la data 2030-01-01 è successiva ad as_of 2026-11-25: non importata");
  mm_arena_free(&im.a);
}

/* Every diagnostic of every FHIR input the tests hold (the hand-written
 * bundles, the public fixtures, the fuzzer's corpus of odd and broken
 * inputs) has an Italian text of its own. */
static size_t check_dir(const char *dirpath, size_t *files) {
  DIR *dir = opendir(dirpath);
  if (!dir) return 0;
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(dir))) {
    if (e->d_name[0] == '.') continue;
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dirpath, e->d_name);
    size_t len;
    char *text = slurp(path, &len);
    if (!text) continue;
    imported im;
    import(&im, text, len);
    free(text);
    for (const mm_diag *x = im.d.head; x; x = x->next, n++) {
      if (!x->text_it) fail_msg("%s: no Italian for: %s", path, x->text);
      if (strcmp(x->text_it, x->text) == 0) fail_msg("%s: not translated: %s", path, x->text);
    }
    mm_arena_free(&im.a);
    (*files)++;
  }
  closedir(dir);
  return n;
}

static void corpus_all_italian(void **state) {
  (void)state;
  const char *src = getenv("MMPATH_SOURCE_DIR");
  if (!src) src = MMPATH_SOURCE_DIR;
  char d1[1024], d2[1024], d3[1024];
  snprintf(d1, sizeof d1, "%s", test_data_path("fhir"));
  snprintf(d2, sizeof d2, "%s/../shared/fixtures/fhir", src);
  snprintf(d3, sizeof d3, "%s/tests/fuzz/corpus/fhir", src);
  size_t files = 0, n = check_dir(d1, &files) + check_dir(d2, &files) + check_dir(d3, &files);
  print_message("%zu diagnostics of %zu inputs, each in Italian\n", n, files);
  assert_true(files >= 20); /* tests/data/fhir at least */
  assert_true(n > 100);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(diag_texts),
      cmocka_unit_test(warnings_in_both_languages),
      cmocka_unit_test(corpus_all_italian),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
