/* scan_diff.c: structure-aware differential of registry screening's fast
 * scanner (src/patient/patient_scan.c) against the full reader
 * (patient_read.c). Random bytes rarely make a record either reader
 * accepts, so here the input is not the record: it is the choices of a
 * generator that writes mmpath/patient@1 records (every field of the
 * record format) with names from the knowledge base, each field
 * present, absent or null, in the usual form (the one the scanner reads)
 * or out of it (shuffled keys, escapes, white space, drug objects, wrong
 * types, impossible dates, unknown names, out-of-range values), and then
 * optionally damaged by a few byte edits. Choices come from the input's
 * bytes; when they run out, from a generator seeded with them, so a short
 * input still gives a whole record and libFuzzer's mutations of the bytes
 * steer the record. Both readers read every record (scan_compare.h): they
 * must agree on accept/refuse and on every field the scanner extracts.
 *
 * The first byte chooses the mode: the usual form (half of the inputs: all
 * valid, so both read them and the scanner must read them all); an odd
 * form with valid values (a quarter: nearly all valid, about half of them
 * read by the scanner, the others given back to the full reader); anything,
 * invalid values too; or anything, then damaged. MMPATH_FUZZ_TRACE=1 prints
 * each input's mode and who read it. */
#include <string.h>

#include "fuzz.h"
#include "scan_compare.h"
#include "util/date.h"
#include "util/strbuf.h"

typedef struct gen {
  const uint8_t *in, *end; /* the choices */
  uint64_t rng;            /* after them */
  mm_strbuf b;
  bool odd, bad; /* out of the usual form; invalid values too */
  mm_date base; /* about the diagnosis */
  const mm_kb *kb;
  const mm_regimen *regimen; /* the current line's */
  mm_date line_start;
  const mm_lab *lab;         /* the current lab's */
} gen;

static unsigned rnd(gen *g, unsigned n) {
  if (n <= 1) return 0;
  uint32_t v;
  if (g->in < g->end) {
    v = *g->in++;
    if (n > 256 && g->in < g->end) v = v << 8 | *g->in++;
  } else {
    g->rng ^= g->rng << 13, g->rng ^= g->rng >> 7, g->rng ^= g->rng << 17;
    v = (uint32_t)(g->rng >> 16);
  }
  return v % n;
}
static bool odds(gen *g, unsigned percent) { return rnd(g, 100) < percent; }

static void date_str(gen *g, mm_date d) {
  char buf[11];
  if (g->bad && odds(g, 3)) {
    static const char *const bad[] = {"2023-02-29", "2023-1-05", "0999-01-05", "2024-13-01",
                                      "20240101",   "2024-02-30", "2024-00-10", "",
                                      "9999-12-31", "2024-06-31"};
    mm_strbuf_printf(&g->b, "\"%s\"", bad[rnd(g, 10)]);
    return;
  }
  mm_date_format(d, buf);
  mm_strbuf_printf(&g->b, "\"%s\"", buf);
}

/* A JSON string, in the usual form; odd: its first character escaped
 * (the same text); bad: other bytes added. */
static void text(gen *g, const char *s) {
  if (g->odd && odds(g, 4) && s[0]) {
    switch (g->bad ? rnd(g, 4) : 0) {
    case 0: mm_strbuf_printf(&g->b, "\"\\u%04x%s\"", (unsigned char)s[0], s + 1); return;
    case 1: mm_strbuf_printf(&g->b, "\"%s\\/\"", s); return;
    case 2: mm_strbuf_printf(&g->b, "\"%s\xc3\xa8\"", s); return;
    default: mm_strbuf_printf(&g->b, "\" %s\"", s); return;
    }
  }
  mm_strbuf_json_string(&g->b, s);
}

/* A number as the usual form writes it; odd: a fraction with an exponent
 * (the same value; a whole number so written is not one); bad: another
 * value, or a string. */
static void number(gen *g, double v, bool integer) {
  if (g->odd && odds(g, 5) && (g->bad || !integer)) {
    switch (g->bad ? rnd(g, 5) : 0) {
    case 0: mm_strbuf_printf(&g->b, integer ? "%.0fe0" : "%.2fE+0", v); return;
    case 1: mm_strbuf_printf(&g->b, "%.1f", v + 0.5); return;
    case 2: mm_strbuf_printf(&g->b, "-%g", v); return;
    case 3: mm_strbuf_printf(&g->b, "\"%g\"", v); return;
    default: mm_strbuf_printf(&g->b, "%.17g", v / 3); return;
    }
  }
  mm_strbuf_printf(&g->b, integer ? "%.0f" : "%.2f", v);
}

typedef void (*emit_fn)(gen *g, int key);
/* An object of keys, in the spec's order or shuffled; a value may be absent,
 * null or broken. required: keys (bits) a usual record always gives. */
static void object(gen *g, const char *const *keys, int n, emit_fn emit, unsigned required) {
  int order[16];
  for (int i = 0; i < n; i++) order[i] = i;
  if (g->odd && odds(g, 10))
    for (int i = n - 1; i > 0; i--) {
      int j = (int)rnd(g, (unsigned)i + 1), t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  mm_strbuf_putc(&g->b, '{');
  bool first = true;
  for (int i = 0; i < n; i++) {
    bool must = !g->bad && (required >> order[i] & 1);
    if (!must && odds(g, 30)) continue; /* absent */
    if (!first) mm_strbuf_puts(&g->b, g->odd && odds(g, 2) ? " ,\n " : ",");
    first = false;
    mm_strbuf_printf(&g->b, "\"%s\":", keys[order[i]]);
    if (!must && odds(g, g->bad ? 6 : 3)) mm_strbuf_puts(&g->b, "null");
    else if (g->bad && odds(g, 1)) mm_strbuf_puts(&g->b, odds(g, 50) ? "{}" : "[]");
    else emit(g, order[i]);
  }
  if (g->bad && odds(g, 1)) mm_strbuf_puts(&g->b, first ? "\"x\":1" : ",\"x\":1");
  if (g->bad && odds(g, 1) && !first)
    mm_strbuf_printf(&g->b, ",\"%s\":null", keys[order[0]]); /* a duplicate key */
  mm_strbuf_putc(&g->b, '}');
}

static const char *drug_name(gen *g) {
  const mm_drug *d = &g->kb->drugs[rnd(g, (unsigned)g->kb->n_drugs)];
  if (g->bad && odds(g, 5) && d->n_brands) return d->brands[rnd(g, (unsigned)d->n_brands)];
  if (g->bad && odds(g, 2)) return odds(g, 50) ? "notadrug" : "";
  return d->id;
}

/* A drug by its id, or (odd) by one of its brands. */
static const char *valid_name(gen *g, const mm_drug *d) {
  return g->odd && odds(g, 5) && d->n_brands ? d->brands[rnd(g, (unsigned)d->n_brands)] : d->id;
}

/* objects: drug objects {name, start, end} may be written (a line's drugs). */
static void drugs(gen *g, const mm_regimen *r, bool objects) {
  mm_strbuf_putc(&g->b, '[');
  size_t n = r && (!g->bad || odds(g, 80)) ? r->n_drugs : 1 + rnd(g, 3);
  unsigned first = rnd(g, (unsigned)g->kb->n_drugs); /* valid: distinct drugs */
  for (size_t i = 0; i < n; i++) {
    if (i) mm_strbuf_putc(&g->b, ',');
    const char *name = r && n == r->n_drugs ? g->kb->drugs[r->drugs[i]].id
                       : !g->bad ? valid_name(g, &g->kb->drugs[(first + i) % g->kb->n_drugs])
                                  : drug_name(g);
    if ((objects ? g->odd : g->bad) && odds(g, 4)) {
      mm_strbuf_puts(&g->b, "{\"name\":");
      text(g, name);
      if (g->bad && odds(g, 50)) {
        mm_strbuf_puts(&g->b, ",\"start\":");
        date_str(g, g->line_start + (int)rnd(g, 60));
      }
      if (g->bad && odds(g, 50)) {
        mm_strbuf_puts(&g->b, ",\"end\":");
        date_str(g, g->line_start + 60 + (int)rnd(g, 120));
      }
      mm_strbuf_puts(&g->b, "}");
    } else {
      text(g, name);
    }
  }
  mm_strbuf_putc(&g->b, ']');
}

static void emit_maintenance(gen *g, int key) {
  if (key == 0) drugs(g, NULL, false);
  else date_str(g, g->line_start + 200 + (key == 2 ? 200 + (int)rnd(g, 200) : (int)rnd(g, 200)));
}

static void emit_line(gen *g, int key) {
  static const char *const mkeys[] = {"drugs", "start", "end"};
  static const char *const resp[] = {"sCR", "CR", "VGPR", "PR", "MR", "SD", "PD", "XX", "vgpr"};
  static const char *const stops[] = {"progression", "toxicity", "completed", "patient_choice",
                                      "other",       "bored"};
  switch (key) {
  case 0:
    if (g->regimen && g->odd && odds(g, 5)) {
      /* a variant spelling: lower case */
      char buf[64];
      snprintf(buf, sizeof buf, "%s", g->regimen->id);
      for (char *c = buf; *c; c++)
        if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
      text(g, buf);
    } else {
      text(g, g->regimen ? g->regimen->id : drug_name(g));
    }
    break;
  case 1: drugs(g, g->regimen, true); break;
  case 2: date_str(g, g->line_start); break;
  case 3: date_str(g, g->line_start + 150 + (int)rnd(g, 100)); break;
  case 4:
    if (odds(g, 40)) mm_strbuf_puts(&g->b, odds(g, 50) ? "true" : "false");
    else date_str(g, g->line_start + 170);
    break;
  case 5: object(g, mkeys, 3, emit_maintenance, 1); break;
  case 6: text(g, resp[rnd(g, g->bad ? 9 : 7)]); break;
  case 7: date_str(g, g->line_start + 150 + (int)rnd(g, 300)); break;
  case 8: text(g, stops[rnd(g, g->bad ? 6 : 5)]); break;
  case 9: drugs(g, NULL, false); break;
  }
}

static void emit_lab(gen *g, int key) {
  const mm_lab *lab = g->lab;
  switch (key) {
  case 0: date_str(g, g->base + 30 + (int)rnd(g, g->bad ? 3600 : 1500)); break;
  case 1: text(g, lab->id); break;
  case 2:
    if (lab->values) {
      text(g, lab->values[rnd(g, (unsigned)lab->n_values)]);
    } else {
      double lo = lab->has_range ? lab->min : 0, hi = lab->has_range ? lab->max : 100;
      double v = lo + (double)rnd(g, 10000) / 10000.0 * (hi - lo) * (g->bad ? 1.2 : 0.99);
      number(g, v, odds(g, 50));
    }
    break;
  case 3:
    if (lab->values) text(g, "mg/dL");
    else if (!g->bad) text(g, lab->unit); /* the value was drawn in it */
    else text(g, lab->units[rnd(g, (unsigned)lab->n_units)].unit);
    break;
  }
}

static void emit_frailty(gen *g, int key) {
  static const int max[] = {37, 6, 8};
  number(g, rnd(g, (unsigned)max[key] + (g->bad ? 3 : 1)), true);
}
static void emit_bool(gen *g, int key) {
  (void)key;
  if (g->bad && odds(g, 3)) mm_strbuf_puts(&g->b, odds(g, 50) ? "\"yes\"" : "1");
  else mm_strbuf_puts(&g->b, odds(g, 50) ? "true" : "false");
}
static void emit_diagnosis(gen *g, int key) {
  static const char *const fish[] = {"del17p", "t4_14", "t14_16", "gain1q", "amp1q"};
  switch (key) {
  case 0: date_str(g, g->base); break;
  case 1: number(g, 1 + rnd(g, g->bad ? 5 : 3), true); break;
  case 2: mm_strbuf_printf(&g->b, "%.1f", (double)rnd(g, 200) / 10.0); break;
  case 3: mm_strbuf_printf(&g->b, "%.1f", 1.5 + (double)rnd(g, 40) / 10.0); break;
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
  case 0: text(g, g->bad && odds(g, 3) ? "mmpath/patient@2" : "mmpath/patient@1"); break;
  case 1:
    snprintf(buf, sizeof buf, "R-%07u", rnd(g, 10000000));
    if (g->bad && odds(g, 2)) mm_strbuf_puts(&g->b, odds(g, 50) ? "\"\"" : "17");
    else text(g, buf);
    break;
  case 2: text(g, odds(g, 90) ? "BO-SER" : "FE-ONC"); break;
  case 3: date_str(g, g->base + 3000 + (int)rnd(g, 400)); break;
  case 4: date_str(g, g->base - 20000 - (int)rnd(g, 8000)); break;
  case 5: number(g, 40 + rnd(g, g->bad ? 120 : 50), true); break;
  case 6: text(g, (const char *[]){"male", "female", "other", "M"}[rnd(g, g->bad ? 4 : 3)]); break;
  case 7: number(g, rnd(g, g->bad ? 7 : 5), true); break;
  case 8: object(g, frailty, 3, emit_frailty, 0); break;
  case 9: {
    mm_strbuf_putc(&g->b, '[');
    unsigned n = rnd(g, 4);
    for (unsigned i = 0; i < n; i++) {
      if (i) mm_strbuf_putc(&g->b, ',');
      text(g, g->bad && odds(g, 5)
                  ? "gout"
                  : g->kb->comorbidities[rnd(g, (unsigned)g->kb->n_comorbidities)].id);
    }
    mm_strbuf_putc(&g->b, ']');
    break;
  }
  case 10: emit_bool(g, 0); break;
  case 11: object(g, diagnosis, 6, emit_diagnosis, 0); break;
  case 12: object(g, features, 3, emit_bool, 0); break;
  case 13: {
    mm_strbuf_putc(&g->b, '[');
    unsigned n = rnd(g, 6);
    for (unsigned i = 0; i < n; i++) {
      if (i) mm_strbuf_putc(&g->b, ',');
      g->lab = &g->kb->labs[rnd(g, (unsigned)g->kb->n_labs)];
      /* a test whose values are words has no unit, unless invalid */
      object(g, lab_keys, g->lab->values && !g->bad ? 3 : 4, emit_lab,
             g->lab->values && !g->bad ? 7 : 15);
    }
    mm_strbuf_putc(&g->b, ']');
    break;
  }
  case 14: {
    mm_strbuf_putc(&g->b, '[');
    unsigned n = rnd(g, 6);
    mm_date start = g->base + 20;
    for (unsigned i = 0; i < n; i++) {
      if (i) mm_strbuf_putc(&g->b, !g->odd ? ',' : odds(g, 3) ? '\n' : ',');
      g->regimen = odds(g, 85) ? &g->kb->regimens[rnd(g, (unsigned)g->kb->n_regimens)] : NULL;
      g->line_start = start;
      object(g, line_keys, 10, emit_line, 0);
      start += !g->bad || odds(g, 95) ? 300 : -400;
    }
    mm_strbuf_putc(&g->b, ']');
    break;
  }
  }
}

static const char *const record_keys[] = {
    "schema", "id", "center", "as_of", "birth_date", "age", "sex", "ecog", "frailty",
    "comorbidities", "transplant_eligible", "diagnosis", "features", "labs", "lines"};

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  fuzz_kb();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  gen g = {.in = data + 1, .end = data + size, .kb = fuzz_kb()};
  /* 0-3: usual; 4, 5: odd form, valid values; 6: anything; 7: damaged too */
  unsigned mode = data[0] % 8;
  g.odd = mode >= 4;
  g.bad = mode >= 6;
  g.rng = 0x9E3779B97F4A7C15ull;
  for (size_t i = 0; i < size; i++) g.rng = (g.rng ^ data[i]) * 0x100000001B3ull;
  if (!g.rng) g.rng = 1;
  mm_strbuf_init(&g.b, 0);
  g.base = mm_date_from_ymd(2016, 1, 1) + (int)rnd(&g, 1500);
  object(&g, record_keys, 15, emit_record, 2);
  if (g.odd && odds(&g, 2)) mm_strbuf_puts(&g.b, " \t\r\n");
  if (g.b.failed) abort();
  char *t = g.b.data;
  size_t n = g.b.len;
  if (mode == 7) {
    static const char noise[] = "{}[],:\"\\ 0123456789-.etrufalsn\x01\xc3\xa8\xff";
    for (unsigned m = 1 + rnd(&g, 3); m > 0 && n > 2; m--) {
      size_t at = rnd(&g, (unsigned)n);
      unsigned how = rnd(&g, 3);
      char c = noise[rnd(&g, sizeof noise - 1)];
      if (how == 0) t[at] = c;
      else if (how == 1) memmove(t + at, t + at + 1, n - at - 1), n--;
      else if (n + 1 < g.b.cap) memmove(t + at + 1, t + at, n - at), t[at] = c, n++;
    }
  }
  bool valid;
  int read = scan_compare(t, n, &valid);
  /* A valid record in the usual form is one the scanner reads: else
   * screening would fall back to the slow reader for it. */
  if (!g.odd && !g.bad && valid && !read)
    fuzz_fail("scan_diff: a valid usual record the scanner gave up: %.*s", (int)n, t);
  if (getenv("MMPATH_FUZZ_TRACE")) /* for the report: who read what */
    fprintf(stderr, "mode %u valid %d scanned %d\n", mode, valid, read);
  mm_strbuf_free(&g.b);
  return 0;
}
