/* test_patient_scan.c: screening's fast record reader (src/patient/
 * patient_scan.c) against the full one (patient_read.c). The property: when
 * the scanner reads a record, the full reader accepts it too and both give
 * the same patient, field by field; when it gives up, the text is handed back
 * unchanged. Checked on the demo patients, on 20,000 records written here
 * with every field, in and out of the usual form (shuffled keys, nulls,
 * escapes, white space, drug objects, wrong types, impossible dates, unknown
 * names, implausible labs, dates after as_of, lines out of order), and on
 * 60,000 copies of them with random bytes changed. The scanner must also read
 * most usual records itself, or it would speed nothing. */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "json/json.h"
#include "kb/kb.h"
#include "patient/patient.h"
#include "patient/patient_internal.h"
#include "scan_compare.h"
#include "util/date.h"
#include "util/strbuf.h"

static mm_kb *kb;
static int setup(void **s) { (void)s; return test_kb_load(&kb); }
static int teardown(void **s) { (void)s; mm_kb_free(kb); return 0; }

/* --- the two readers on one text ----------------------------------- */

/* The comparison is the fuzz targets' own (tests/fuzz/scan_compare.c, linked
 * here): the scanner hands back an unchanged text when it gives up; what it
 * reads, the full reader accepts, with the same patient field by field. Its
 * findings come here as cmocka failures. */
const mm_kb *fuzz_kb(void) { return kb; }
_Noreturn void fuzz_fail(const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  fail_msg("%s", msg);
  abort(); /* fail_msg does not return; this says so to the compiler */
}

/* Both readers on one text: returns 1 when the scanner read it; *valid says
 * whether the full reader accepts it. */
static int both(const char *text, size_t len, bool *valid) { return scan_compare(text, len, valid); }

/* --- records in and out of the usual form --------------------------- */

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static unsigned rnd(unsigned n) {
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
  return (unsigned)(rng % n);
}
static bool odds(unsigned percent) { return rnd(100) < percent; }

typedef struct gen {
  mm_strbuf b;
  bool usual;   /* only the usual form, valid */
  mm_date base; /* about the diagnosis */
} gen;

static void date_str(gen *g, mm_date d) {
  char buf[11];
  if (!g->usual && odds(3)) {
    static const char *const bad[] = {"2023-02-29", "2023-1-05", "0999-01-05", "2024-13-01",
                                      "20240101", "2024-02-30"};
    mm_strbuf_printf(&g->b, "\"%s\"", bad[rnd(6)]);
    return;
  }
  mm_date_format(d, buf);
  mm_strbuf_printf(&g->b, "\"%s\"", buf);
}

/* A JSON string, in the usual form unless a rare escape is written. */
static void text(gen *g, const char *s) {
  if (!g->usual && odds(2) && s[0]) {
    mm_strbuf_printf(&g->b, "\"\\u%04x%s\"", (unsigned char)s[0], s + 1);
    return;
  }
  mm_strbuf_json_string(&g->b, s);
}

static const char *const record_keys_of_generator[] = {
    "schema", "id", "center", "as_of", "birth_date", "age", "sex", "ecog", "frailty",
    "comorbidities", "transplant_eligible", "diagnosis", "features", "labs", "lines"};

/* Keys, in the spec's order or shuffled; a value may be null or broken. */
typedef void (*emit_fn)(gen *g, int key);
/* required: keys (bits) a usual record always gives, not null. */
static void object(gen *g, const char *const *keys, int n, emit_fn emit, unsigned required) {
  int order[16];
  for (int i = 0; i < n; i++) order[i] = i;
  if (!g->usual && odds(10))
    for (int i = n - 1; i > 0; i--) {
      int j = (int)rnd((unsigned)i + 1), t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  mm_strbuf_putc(&g->b, '{');
  bool first = true;
  for (int i = 0; i < n; i++) {
    bool must = g->usual && (required >> order[i] & 1);
    if (odds(30) && !must) continue; /* absent */
    if (!first) mm_strbuf_puts(&g->b, !g->usual && odds(2) ? " , " : ",");
    first = false;
    mm_strbuf_printf(&g->b, "\"%s\":", keys[order[i]]);
    if (odds(g->usual ? 3 : 6) && !must) mm_strbuf_puts(&g->b, "null");
    else if (!g->usual && odds(1)) mm_strbuf_puts(&g->b, "{}");
    else emit(g, order[i]);
  }
  if (!g->usual && odds(1)) mm_strbuf_puts(&g->b, first ? "\"x\":1" : ",\"x\":1");
  if (!g->usual && odds(1) && !first) mm_strbuf_printf(&g->b, ",\"%s\":null", keys[order[0]]);
  mm_strbuf_putc(&g->b, '}');
}

static const char *drug_name(gen *g) {
  const mm_drug *d = &kb->drugs[rnd((unsigned)kb->n_drugs)];
  if (!g->usual && odds(5) && d->n_brands) return d->brands[0];
  if (!g->usual && odds(2)) return "notadrug";
  return d->id;
}

static void drugs(gen *g, const mm_regimen *r) {
  mm_strbuf_putc(&g->b, '[');
  size_t n = r && (g->usual || odds(80)) ? r->n_drugs : 1 + rnd(3);
  for (size_t i = 0; i < n; i++) {
    if (i) mm_strbuf_putc(&g->b, ',');
    const char *name = r && n == r->n_drugs ? kb->drugs[r->drugs[i]].id : drug_name(g);
    if (!g->usual && odds(3)) {
      mm_strbuf_puts(&g->b, "{\"name\":");
      text(g, name);
      mm_strbuf_puts(&g->b, "}");
    } else {
      text(g, name);
    }
  }
  mm_strbuf_putc(&g->b, ']');
}

typedef struct line_state {
  const mm_regimen *regimen;
  mm_date start;
} line_state;
static line_state cur_line;

static void emit_maintenance(gen *g, int key) {
  if (key == 0) drugs(g, NULL);
  else date_str(g, cur_line.start + 200 + (key == 2 ? 200 + (int)rnd(200) : (int)rnd(200)));
}

static void emit_line(gen *g, int key) {
  static const char *const mkeys[] = {"drugs", "start", "end"};
  static const char *const resp[] = {"sCR", "CR", "VGPR", "PR", "MR", "SD", "PD", "XX"};
  static const char *const stops[] = {"progression", "toxicity", "completed", "patient_choice",
                                      "other", "bored"};
  switch (key) {
  case 0: text(g, cur_line.regimen ? cur_line.regimen->id : drug_name(g)); break;
  case 1: drugs(g, cur_line.regimen); break;
  case 2: date_str(g, cur_line.start); break;
  case 3: date_str(g, cur_line.start + 150 + (int)rnd(100)); break;
  case 4:
    if (odds(40)) mm_strbuf_puts(&g->b, odds(50) ? "true" : "false");
    else date_str(g, cur_line.start + 170);
    break;
  case 5: object(g, mkeys, 3, emit_maintenance, 1); break;
  case 6: text(g, resp[rnd(g->usual ? 7 : 8)]); break;
  case 7: date_str(g, cur_line.start + 150 + (int)rnd(300)); break;
  case 8: text(g, stops[rnd(g->usual ? 5 : 6)]); break;
  case 9: drugs(g, NULL); break;
  }
}

static const mm_lab *cur_lab;
static void emit_lab(gen *g, int key) {
  switch (key) {
  case 0: date_str(g, g->base + 30); break;
  case 1: text(g, cur_lab->id); break;
  case 2:
    if (cur_lab->values) {
      text(g, cur_lab->values[rnd((unsigned)cur_lab->n_values)]);
    } else {
      double lo = cur_lab->has_range ? cur_lab->min : 0, hi = cur_lab->has_range ? cur_lab->max : 100;
      double v = lo + (double)rnd(10000) / 10000.0 * (hi - lo) * (g->usual ? 0.99 : 1.2);
      if (!g->usual && odds(3)) v = -v;
      mm_strbuf_printf(&g->b, odds(50) ? "%.0f" : "%.2f", v);
    }
    break;
  case 3:
    if (cur_lab->values) text(g, "mg/dL");
    else if (g->usual) text(g, cur_lab->unit); /* the value was drawn in it */
    else text(g, cur_lab->units[rnd((unsigned)cur_lab->n_units)].unit);
    break;
  }
}

static void emit_record(gen *g, int key);
static void emit_frailty(gen *g, int key) {
  static const int max[] = {37, 6, 8};
  mm_strbuf_printf(&g->b, "%u", rnd((unsigned)max[key] + (g->usual ? 1 : 3)));
}
static void emit_bool(gen *g, int key) {
  (void)key;
  mm_strbuf_puts(&g->b, !g->usual && odds(3) ? "\"yes\"" : odds(50) ? "true" : "false");
}
static void emit_diagnosis(gen *g, int key) {
  static const char *const fish[] = {"del17p", "t4_14", "t14_16", "gain1q", "amp1q"};
  switch (key) {
  case 0: date_str(g, g->base); break;
  case 1: mm_strbuf_printf(&g->b, g->usual || odds(90) ? "%u" : "%u.5", 1 + rnd(3)); break;
  case 2: mm_strbuf_printf(&g->b, "%.1f", (double)rnd(200) / 10.0); break;
  case 3: mm_strbuf_printf(&g->b, "%.1f", 1.5 + (double)rnd(40) / 10.0); break;
  case 4: emit_bool(g, 0); break;
  case 5: object(g, fish, 5, emit_bool, 0); break;
  }
}

static void emit_record(gen *g, int key) {
  static const char *const frailty[] = {"charlson", "adl", "iadl"};
  static const char *const diagnosis[] = {"date", "iss", "beta2m_mg_l", "albumin_g_dl",
                                          "ldh_above_uln", "fish"};
  static const char *const features[] = {"extramedullary", "plasma_cell_leukemia", "cns"};
  static const char *const lab_keys[] = {"date", "test", "value", "unit"};
  static const char *const line_keys[] = {"regimen", "drugs", "start", "end", "asct",
                                          "maintenance", "best_response", "progression",
                                          "stop_reason", "refractory_to"};
  char buf[32];
  switch (key) {
  case 0: text(g, !g->usual && odds(3) ? "mmpath/patient@2" : "mmpath/patient@1"); break;
  case 1:
    snprintf(buf, sizeof buf, "R-%07u", rnd(10000000));
    if (!g->usual && odds(2)) mm_strbuf_puts(&g->b, odds(50) ? "\"\"" : "17");
    else text(g, buf);
    break;
  case 2: text(g, "BO-SER"); break;
  case 3: date_str(g, g->base + 3000 + (int)rnd(400)); break;
  case 4: date_str(g, g->base - 20000 - (int)rnd(8000)); break;
  case 5: mm_strbuf_printf(&g->b, "%u", 40 + rnd(g->usual ? 50 : 120)); break;
  case 6: text(g, (const char *[]){"male", "female", "other", "M"}[rnd(g->usual ? 3 : 4)]); break;
  case 7: mm_strbuf_printf(&g->b, "%u", rnd(g->usual ? 5 : 7)); break;
  case 8: object(g, frailty, 3, emit_frailty, 0); break;
  case 9: {
    mm_strbuf_putc(&g->b, '[');
    unsigned n = rnd(3);
    for (unsigned i = 0; i < n; i++) {
      if (i) mm_strbuf_putc(&g->b, ',');
      text(g, !g->usual && odds(5) ? "gout" : kb->comorbidities[rnd((unsigned)kb->n_comorbidities)].id);
    }
    mm_strbuf_putc(&g->b, ']');
    break;
  }
  case 10: emit_bool(g, 0); break;
  case 11: object(g, diagnosis, 6, emit_diagnosis, 0); break;
  case 12: object(g, features, 3, emit_bool, 0); break;
  case 13: {
    mm_strbuf_putc(&g->b, '[');
    unsigned n = rnd(5);
    for (unsigned i = 0; i < n; i++) {
      if (i) mm_strbuf_putc(&g->b, ',');
      cur_lab = &kb->labs[rnd((unsigned)kb->n_labs)];
      object(g, lab_keys, 4, emit_lab, 15);
    }
    mm_strbuf_putc(&g->b, ']');
    break;
  }
  case 14: {
    mm_strbuf_putc(&g->b, '[');
    unsigned n = rnd(5);
    mm_date start = g->base + 20;
    for (unsigned i = 0; i < n; i++) {
      if (i) mm_strbuf_putc(&g->b, g->usual ? ',' : odds(3) ? '\n' : ',');
      cur_line.regimen = odds(85) ? &kb->regimens[rnd((unsigned)kb->n_regimens)] : NULL;
      cur_line.start = start;
      object(g, line_keys, 10, emit_line, 0);
      start += g->usual || odds(95) ? 300 : -400;
    }
    mm_strbuf_putc(&g->b, ']');
    break;
  }
  }
}

static void record(gen *g) {
  mm_strbuf_clear(&g->b);
  g->base = mm_date_from_ymd(2018, 1, 1) + (int)rnd(1500);
  object(g, record_keys_of_generator, 15, emit_record, 2);
  if (!g->usual && odds(2)) mm_strbuf_puts(&g->b, " \t");
}

/* Twenty thousand records, a quarter in the usual form. */
static void test_scan__reads_as_the_full_reader(void **s) {
  (void)s;
  gen g = {.usual = false};
  mm_strbuf_init(&g.b, 0);
  size_t usual_valid = 0, usual_read = 0, other = 0, other_read = 0;
  for (int i = 0; i < 20000; i++) {
    g.usual = i % 4 == 0;
    record(&g);
    bool valid;
    int r = both(g.b.data, g.b.len, &valid);
    if (g.usual) usual_valid += valid, usual_read += (size_t)r;
    else other++, other_read += (size_t)r;
  }
  /* Every valid record in the usual form is read by the scanner: else it
   * would speed nothing. Records out of it are left to the full reader. */
  print_message("scanner read %zu of %zu valid usual records, %zu of %zu others\n", usual_read,
                usual_valid, other_read, other);
  assert_true(usual_valid >= 3000);
  assert_int_equal(usual_read, usual_valid);
  assert_true(other_read > 0 && other_read < other);
  mm_strbuf_free(&g.b);
}

/* The same records with bytes changed, dropped or added. */
static void test_scan__damaged_records(void **s) {
  (void)s;
  static const char noise[] = "{}[],:\"\\ 0123456789-.etrufalsn\x01\xc3\xa8\xff";
  gen g = {.usual = true};
  mm_strbuf_init(&g.b, 0);
  size_t read = 0;
  for (int i = 0; i < 60000; i++) {
    g.usual = i % 2 == 0;
    record(&g);
    char *t = g.b.data;
    size_t n = g.b.len;
    for (unsigned m = 1 + rnd(2); m > 0 && n > 2; m--) {
      size_t at = rnd((unsigned)n);
      unsigned how = rnd(3);
      char c = noise[rnd(sizeof noise - 1)];
      if (how == 0) t[at] = c;
      else if (how == 1) memmove(t + at, t + at + 1, n - at - 1), n--;
      else if (n + 1 < g.b.cap) memmove(t + at + 1, t + at, n - at), t[at] = c, n++;
    }
    read += (size_t)both(t, n, NULL);
  }
  print_message("scanner read %zu of 60000 damaged records\n", read);
  assert_true(read > 0);
  mm_strbuf_free(&g.b);
}

/* The demo patients (pretty-printed, multi-line) read the same way. */
static void test_scan__demo_patients(void **s) {
  (void)s;
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/demo/patients", MMPATH_SOURCE_DIR);
  DIR *d = opendir(dir);
  assert_non_null(d);
  int files = 0, read = 0;
  for (struct dirent *e; (e = readdir(d));) {
    if (!strstr(e->d_name, ".json")) continue;
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    files++;
    bool valid;
    int r = both(buf, n, &valid);
    read += r;
    /* the valid demo records are in the usual form */
    if (valid && !r) fail_msg("%s: valid, but the scanner gave up", e->d_name);
  }
  closedir(d);
  assert_true(files >= 5);
  assert_true(read >= 4);
}

/* The scanner matches keys against its own padded tables: they must be the
 * reader's lists (patient_internal.h), key for key, or a valid record would
 * be read by the slow way, or a key taken for another. */
static void test_scan__key_tables_are_the_readers(void **s) {
  (void)s;
  assert_true(mm_patient_scan_keys_check());
}

/* The flat table of exact spellings (mm_kb_find_exact) finds each name as
 * the kb's own lookups do, and nothing else: a name written otherwise
 * ("Lenalidomide", "VRD") is left to the lookups that normalize. */
static int exact(mm_exact_kind kind, const char *name) {
  char buf[64] = {0}; /* 16 bytes readable past the name */
  snprintf(buf, sizeof buf, "%s", name);
  return mm_kb_find_exact(kb, kind, buf, strlen(name));
}

static void test_scan__exact_names_as_the_kb_finds_them(void **s) {
  (void)s;
  for (size_t i = 0; i < kb->n_drugs; i++)
    assert_ptr_equal(&kb->drugs[exact(MM_EXACT_DRUG, kb->drugs[i].id)],
                     mm_kb_find_drug(kb, kb->drugs[i].id));
  for (size_t i = 0; i < kb->n_regimens; i++) {
    const mm_ambiguity *amb = NULL;
    const mm_regimen *r = mm_kb_find_regimen(kb, kb->regimens[i].id, &amb);
    int k = exact(MM_EXACT_REGIMEN, kb->regimens[i].id);
    if (amb) assert_int_equal(k, -1); /* the ambiguity is still reported */
    else assert_ptr_equal(&kb->regimens[k], r);
  }
  for (size_t i = 0; i < kb->n_labs; i++)
    assert_ptr_equal(&kb->labs[exact(MM_EXACT_LAB, kb->labs[i].id)],
                     mm_kb_find_lab(kb, kb->labs[i].id));
  for (size_t i = 0; i < kb->n_comorbidities; i++)
    assert_ptr_equal(&kb->comorbidities[exact(MM_EXACT_COMORBIDITY, kb->comorbidities[i].id)],
                     mm_kb_find_comorbidity(kb, kb->comorbidities[i].id));
  assert_int_equal(exact(MM_EXACT_DRUG, "Lenalidomide"), -1);
  assert_non_null(mm_kb_find_drug(kb, "Lenalidomide"));
  assert_int_equal(exact(MM_EXACT_DRUG, "lenalidomid"), -1);
  assert_int_equal(exact(MM_EXACT_DRUG, "lenalidomidee"), -1);
  assert_int_equal(exact(MM_EXACT_LAB, "lenalidomide"), -1); /* a drug, not a lab */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scan__key_tables_are_the_readers),
      cmocka_unit_test(test_scan__exact_names_as_the_kb_finds_them),
      cmocka_unit_test(test_scan__reads_as_the_full_reader),
      cmocka_unit_test(test_scan__damaged_records),
      cmocka_unit_test(test_scan__demo_patients),
  };
  return cmocka_run_group_tests_name("patient_scan", tests, setup, teardown);
}
